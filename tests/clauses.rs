//! Comments on a changed clause (issue 9, ADR 0005): with draft 2 published while a
//! consultation on draft 1 is open, the page offered a button for a rewritten clause and the
//! API refused it ("该条款不存在于现行草案中"). An open consultation takes comments on the current
//! draft; a comment keeps the version and clause it was written on; each clause of the current
//! draft shows the comments on it and on the clauses it continues. Over HTTP, on a real server.

mod support;

use serde_json::{Value, json};
use support::*;

const DRAFT: &str = "mutation($id: ID!, $t: String!) { publishDraft(input: {decisionId: $id, text: $t}) { position } }";
const COMMENT: &str =
    "mutation($c: ID!, $k: ID, $b: String!) { submitComment(input: {consultationId: $c, clauseId: $k, body: $b}) { comment { id } } }";
const CLAUSES: &str = "query($id: ID!) { decision(id: $id) { currentDraft { version clauses { id number lineage commentCount } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_follow_a_rewritten_clause_into_the_current_draft() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, _, staff) = unit_with_staff(&s, &admin, "市住房和城乡建设局", "住建局工作人员").await;
    let (_, resident) = s.register("resident", "荆河街道居民").await;
    let (st, r) = (Some(staff.as_str()), Some(resident.as_str()));
    let reg = "mutation($u: ID!) { registerDecision(input: {year: 2021, title: \"停车设施管理办法\", undertakingUnitId: $u, disclosure: PUBLIC}) { decision { id } } }";
    let decision = s.ok(Some(&admin), reg, json!({"u": unit})).await["registerDecision"]["decision"]["id"].as_str().unwrap().to_string();
    publish_catalogue(&s, &admin, 2021).await;
    s.ok(st, DRAFT, json!({"id": decision, "t": "第一条 总则。\n第二条 新建住宅按每户1.2个泊位配建。\n第三条 施行日期。"})).await;
    let open = "mutation($id: ID!, $o: DateTime!, $c: DateTime!) { openConsultation(input: {decisionId: $id, channel: ONLINE, opensAt: $o, closesAt: $c}) { consultation { id } } }";
    let now = chrono::Utc::now();
    let consultation = s
        .ok(st, open, json!({"id": decision, "o": now - chrono::Duration::seconds(1), "c": now + chrono::Duration::days(31)}))
        .await["openConsultation"]["consultation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v1 = s.ok(None, CLAUSES, json!({"id": decision})).await["decision"]["currentDraft"]["clauses"].clone();
    let old = v1[1]["id"].as_str().unwrap().to_string();
    s.ok(r, COMMENT, json!({"c": consultation, "k": old, "b": "1.2个偏低"})).await;

    // Draft 2 rewrites clause 2 while the consultation is open.
    s.ok(st, DRAFT, json!({"id": decision, "t": "第一条 总则。\n第二条 新建住宅按每户1.5个泊位配建。\n第三条 施行日期。"})).await;
    let current = s.ok(None, CLAUSES, json!({"id": decision})).await["decision"]["currentDraft"].clone();
    assert_eq!(current["version"], 2);
    let rewritten = &current["clauses"][1];
    let new = rewritten["id"].as_str().unwrap().to_string();
    assert_ne!(new, old, "a rewritten clause is a new clause");
    assert_eq!(rewritten["lineage"], json!([new, old]), "it continues the clause it replaced: {current}");
    assert_eq!(rewritten["commentCount"], 1, "the comment on its predecessor counts: {current}");
    assert_eq!(current["clauses"][0]["lineage"], json!([v1[0]["id"]]), "an unchanged clause keeps its id");

    // The page offers the current draft's clauses: the API accepts exactly those.
    let accepted = s.ok(r, COMMENT, json!({"c": consultation, "k": new, "b": "1.5个合适"})).await;
    assert!(accepted["submitComment"]["comment"]["id"].is_string());
    let refused = s.gql(r, COMMENT, json!({"c": consultation, "k": old, "b": "再评论旧条文"})).await;
    assert_eq!(refused["errors"][0]["extensions"]["reason"], "UNKNOWN_CLAUSE", "{refused}");

    // Each comment keeps the version and the clause number it was written on; filtering by the
    // clause's lineage gives both.
    let q = "query($k: ID!, $l: [ID!]) { consultation(id: $k) { comments(first: 10, clauseIds: $l) { totalCount edges { node { body draftVersion clauseNumber } } } } }";
    let comments = s.ok(None, q, json!({"k": consultation, "l": rewritten["lineage"]})).await["consultation"]["comments"].clone();
    assert_eq!(comments["totalCount"], 2, "{comments}");
    let nodes: Vec<Value> = comments["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
    assert_eq!(nodes[0], json!({"body": "1.2个偏低", "draftVersion": 1, "clauseNumber": 2}));
    assert_eq!(nodes[1], json!({"body": "1.5个合适", "draftVersion": 2, "clauseNumber": 2}));
    let after = s.ok(None, CLAUSES, json!({"id": decision})).await["decision"]["currentDraft"]["clauses"][1]["commentCount"].clone();
    assert_eq!(after, 2);
}
