//! An item of a year whose catalogue is not yet published is seen only by admins and the
//! item's own unit, on every path (issue 10, hole 7): the decision list and its year filter,
//! `decision(id)`, its consultation, the year's catalogue, and `canyu export`. Publication
//! makes it public everywhere at once.

mod support;

use serde_json::{Value, json};
use support::*;

async fn paths(s: &Server, token: Option<&str>, decision: &str, consultation: &str) -> Value {
    let q = "query($id: ID!, $c: ID!) { year: decisions(filter: {year: 2022}) { totalCount } all: decisions { edges { node { id } } } \
             decision(id: $id) { id } consultation(id: $c) { id } catalogue(year: 2022) { items { id } } }";
    let d = s.ok(token, q, json!({"id": decision, "c": consultation})).await;
    let listed = d["all"]["edges"].as_array().unwrap().iter().any(|e| e["node"]["id"] == decision);
    json!({
        "year": d["year"]["totalCount"],
        "listed": listed,
        "decision": !d["decision"].is_null(),
        "consultation": !d["consultation"].is_null(),
        "catalogue": d["catalogue"]["items"].as_array().map_or(0, Vec::len),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_of_an_unpublished_catalogue_is_seen_only_by_admins_and_its_unit_on_every_path() {
    let mut s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, _, staff) = unit_with_staff(&s, &admin, "市住房和城乡建设局", "住建局工作人员").await;
    let other_unit = s.ok(Some(&admin), "mutation { registerUnit(input: {name: \"市民政局\"}) { unit { id } } }", json!({})).await["registerUnit"]["unit"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (other_id, other_staff) = s.register("other-staff", "民政局工作人员").await;
    s.ok(
        Some(&admin),
        "mutation($a: ID!, $u: ID!) { grantRole(input: {accountId: $a, role: UNIT_STAFF, unitId: $u}) { position } }",
        json!({"a": other_id, "u": other_unit}),
    )
    .await;
    let (_, resident) = s.register("resident", "居民丙").await;
    let reg = "mutation($u: ID!) { registerDecision(input: {year: 2022, title: \"老旧小区改造计划（未公布）\", undertakingUnitId: $u, disclosure: PUBLIC}) { decision { id } } }";
    let decision = s.ok(Some(&admin), reg, json!({"u": unit})).await["registerDecision"]["decision"]["id"].as_str().unwrap().to_string();
    s.ok(
        Some(&staff),
        "mutation($id: ID!) { publishDraft(input: {decisionId: $id, text: \"第一条 总则。\"}) { position } }",
        json!({"id": decision}),
    )
    .await;
    let open = "mutation($id: ID!, $o: DateTime!, $c: DateTime!) { openConsultation(input: {decisionId: $id, channel: SYMPOSIUM, opensAt: $o, closesAt: $c}) { consultation { id } } }";
    let consultation = s
        .ok(Some(&staff), open, json!({"id": decision, "o": ts(chrono::Duration::days(1)), "c": ts(chrono::Duration::days(40))}))
        .await["openConsultation"]["consultation"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let hidden = json!({"year": 0, "listed": false, "decision": false, "consultation": false, "catalogue": 0});
    let shown = json!({"year": 1, "listed": true, "decision": true, "consultation": true, "catalogue": 1});
    for (who, token) in [("anonymous", None), ("a resident", Some(&resident)), ("another unit's staff", Some(&other_staff))] {
        assert_eq!(paths(&s, token.map(String::as_str), &decision, &consultation).await, hidden, "{who}");
    }
    for (who, token) in [("the unit's staff", &staff), ("an admin", &admin)] {
        assert_eq!(paths(&s, Some(token), &decision, &consultation).await, shown, "{who}");
    }

    // The public export leaves it out, and does not count it among confidential items.
    s.stop();
    let export = s.dir.join("export.json");
    let out = canyu().args(["export", "--data-dir"]).arg(&s.dir).arg("--out").arg(&export).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    assert!(!exported.to_string().contains("老旧小区改造计划"), "{exported}");
    assert_eq!(exported["confidentialDecisionCount"], 0);
    s.restart();

    s.ok(Some(&admin), "mutation { publishCatalogue(input: {year: 2022}) { position } }", json!({})).await;
    assert_eq!(paths(&s, None, &decision, &consultation).await, shown, "public once the catalogue is");
}
