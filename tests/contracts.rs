//! The checked-in contracts match the code: `schema/schema.graphql` and
//! `schema/events/*.json`. Regenerate with `cargo run -p canyu -- export-schema`.

use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema")
}

#[test]
fn the_checked_in_graphql_schema_matches_the_code() {
    let path = schema_dir().join("schema.graphql");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == canyu::contracts::graphql_sdl(),
        "{} is stale: run `cargo run -p canyu -- export-schema` and commit the result",
        path.display()
    );
}

#[test]
fn the_checked_in_event_schemas_match_the_code() {
    let dir = schema_dir().join("events");
    let generated = canyu::contracts::event_schemas();
    for (name, text) in &generated {
        let checked_in = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(&checked_in == text, "schema/events/{name} is stale: run `cargo run -p canyu -- export-schema`");
    }
    let files = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, generated.len(), "schema/events holds files for event types that no longer exist");
}

#[test]
fn every_event_schema_names_its_versioned_type() {
    for (name, text) in canyu::contracts::event_schemas() {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(format!("{}.json", v["title"].as_str().unwrap()), name);
        assert!(name.ends_with(".v1.json"));
    }
}
