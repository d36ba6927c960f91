//! The web UI's own operations fit the query budget with room to spare: each document in
//! `frontend/src/api/operations.ts`, measured as the gateway measures it, with every `first`
//! at its largest and `asOf` set (the most an operation of the UI can cost).

use async_graphql::Variables;
use canyu_gateway::server::cost::{MAX_COST, MAX_PAGE, TypeTable, analyse};

fn operations() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend/src/api/operations.ts");
    let text = std::fs::read_to_string(path).expect("the UI's operations");
    text.split("graphql(`").skip(1).map(|rest| rest.split('`').next().expect("closing backtick").to_string()).collect()
}

#[test]
fn every_ui_operation_costs_at_most_half_the_budget() {
    let table = TypeTable::from_sdl(&canyu_gateway::sdl());
    let ops = operations();
    assert!(ops.len() >= 40, "found {} operations", ops.len());
    let mut costs = Vec::new();
    for op in &ops {
        let doc = async_graphql::parser::parse_query(op).unwrap_or_else(|e| panic!("{e}: {op}"));
        let mut vars = serde_json::Map::new();
        for (_, o) in doc.operations.iter() {
            for v in &o.node.variable_definitions {
                let name = v.node.name.node.to_string();
                let value = match name.as_str() {
                    n if n.starts_with("first") => serde_json::json!(MAX_PAGE),
                    "asOf" => serde_json::json!("2021-05-01T00:00:00Z"),
                    _ => continue,
                };
                vars.insert(name, value);
            }
        }
        let a =
            analyse(&doc, &table, &Variables::from_json(serde_json::Value::Object(vars)), None).unwrap_or_else(|e| panic!("{e:?}: {op}"));
        let name = doc.operations.iter().next().and_then(|(n, _)| n.map(|n| n.to_string())).unwrap_or_default();
        costs.push((a.cost, name));
    }
    costs.sort();
    eprintln!("UI operation costs (points): {costs:?}");
    let (most, name) = costs.last().unwrap();
    assert!(*most <= MAX_COST / 2, "{name} costs {most} of {MAX_COST}");
}
