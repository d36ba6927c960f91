//! The public contracts generated from code: the GraphQL SDL and one JSON Schema per stored
//! event type. `canyu export-schema` writes them; a test fails when the checked-in copies drift.

use std::path::Path;

/// The GraphQL schema in SDL.
pub fn graphql_sdl() -> String {
    canyu_gateway::sdl()
}

/// `(file name, JSON Schema text)` for every event type and version.
pub fn event_schemas() -> Vec<(String, String)> {
    canyu_domain::events::json_schemas()
        .into_iter()
        .map(|(name, schema)| (format!("{name}.json"), serde_json::to_string_pretty(&schema).expect("schemas serialise") + "\n"))
        .collect()
}

/// Writes `schema.graphql` and `events/*.json` under `dir` (normally `schema/`).
pub fn export(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("events"))?;
    std::fs::write(dir.join("schema.graphql"), graphql_sdl())?;
    for (name, text) in event_schemas() {
        std::fs::write(dir.join("events").join(name), text)?;
    }
    Ok(())
}
