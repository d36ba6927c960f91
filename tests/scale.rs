//! Two gateway processes on one PostgreSQL event log serve one consistent platform: a
//! comment posted through one appears in a subscription opened on the other, tokens from one
//! work on the other, and personal data sealed by one is opened by the other (shared keys).
//! Needs `CANYU_TEST_POSTGRES_URL` (scripts/test starts PostgreSQL); without it the test
//! prints SKIP, unless `CANYU_REQUIRE_SERVICES=1`, where it fails.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod support;

use support::{TEST_LOG_KEY, fresh_schema, postgres_url};

use chrono::{SecondsFormat, Utc};
use futures::StreamExt;
use serde_json::{Value, json};

const SECRET: &str = "a-shared-token-secret-of-at-least-32-chars";

struct Gateway {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn canyu(pg: &str, dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_canyu"));
    c.env("CANYU_EVENT_STORE", "postgres")
        .env("CANYU_POSTGRES_URL", pg)
        .env("CANYU_TOKEN_SECRET", SECRET)
        .env("CANYU_LOG_KEY", TEST_LOG_KEY)
        .env("CANYU_DATA_DIR", dir)
        .env("CANYU_LOG", "warn");
    c
}

fn gateway(pg: &str) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let mut child =
        canyu(pg, dir.path()).args(["serve", "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().expect("start canyu serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();
    Gateway { child, url, _dir: dir }
}

async fn gql(g: &Gateway, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut req = reqwest::Client::new().post(format!("{}/graphql", g.url)).json(&json!({"query": query, "variables": variables}));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let v: Value = req.send().await.unwrap().json().await.unwrap();
    assert!(v.get("errors").is_none(), "unexpected errors from {}: {v}", g.url);
    v["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_on_postgres_serve_one_platform() {
    let Some(url) = postgres_url() else { return };
    let pg = fresh_schema(&url).await;
    let setup = tempfile::tempdir().unwrap();
    let status = canyu(&pg, setup.path())
        .args(["admin", "create-user", "--username", "admin", "--password", "admin-password", "--role", "admin"])
        .status()
        .unwrap();
    assert!(status.success());
    let (a, b) = (gateway(&pg), gateway(&pg));

    let login = "mutation { login(input: {username: \"admin\", password: \"admin-password\"}) { token } }";
    let admin = gql(&a, None, login, json!({})).await["login"]["token"].as_str().unwrap().to_string();
    let ad = Some(admin.as_str());
    let unit =
        gql(&a, ad, "mutation { registerUnit(input: {name: \"市城市管理局\"}) { unit { id } } }", json!({})).await["registerUnit"]["unit"]
            ["id"]
            .as_str()
            .unwrap()
            .to_string();
    let d = gql(&a, ad, "mutation($u: ID!) { registerDecision(input: {year: 2021, title: \"生活垃圾分类管理实施方案\", undertakingUnitId: $u, disclosure: PUBLIC}) { decision { id } } }", json!({"u": unit})).await["registerDecision"]["decision"]["id"].as_str().unwrap().to_string();
    gql(&a, ad, "mutation { publishCatalogue(input: {year: 2021}) { position } }", json!({})).await;
    gql(&a, ad, "mutation($d: ID!) { publishDraft(input: {decisionId: $d, text: \"第一条 总则。\"}) { position } }", json!({"d": d})).await;
    let now = Utc::now();
    let c = gql(
        &a,
        ad,
        "mutation($d: ID!, $o: DateTime!, $c: DateTime!) { openConsultation(input: {decisionId: $d, channel: ONLINE, opensAt: $o, closesAt: $c}) { consultation { id } } }",
        json!({"d": d, "o": now.to_rfc3339_opts(SecondsFormat::Secs, true), "c": (now + chrono::Duration::days(31)).to_rfc3339_opts(SecondsFormat::Secs, true)}),
    )
    .await["openConsultation"]["consultation"]["id"]
    .as_str()
    .unwrap()
    .to_string();

    // A resident registers through B; the token B issued works on A (shared secret).
    let reg = gql(
        &b,
        None,
        "mutation { registerAccount(input: {username: \"resident\", password: \"password-123\", displayName: \"居民\"}) { token } }",
        json!({}),
    )
    .await;
    let resident = reg["registerAccount"]["token"].as_str().unwrap().to_string();

    // A subscription on B sees a comment posted through A.
    let mut ws = support::subscribe_history(&b.url, &d).await;
    let posted = gql(
        &a,
        Some(&resident),
        "mutation($c: ID!) { submitComment(input: {consultationId: $c, body: \"建议增设督导员\"}) { position comment { id } } }",
        json!({"c": c}),
    )
    .await;
    let entry = loop {
        let msg = tokio::time::timeout(Duration::from_secs(15), ws.next()).await.expect("an entry on the other gateway").unwrap().unwrap();
        let v: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
        if v["type"] == "next" && v["payload"]["data"]["decisionHistory"]["kind"] == "comment.submitted" {
            break v["payload"]["data"]["decisionHistory"].clone();
        }
    };
    assert_eq!(entry["position"], posted["submitComment"]["position"], "the same event, at the same global position");
    let seen = gql(&b, None, "query($d: ID!) { decision(id: $d) { consultations { commentCount } } }", json!({"d": d})).await;
    assert_eq!(seen["decision"]["consultations"][0]["commentCount"], 1);

    // Personal data sealed through B opens through A: the key store is shared.
    let h = gql(
        &a,
        ad,
        "mutation($d: ID!, $s: DateTime!, $c: DateTime!) { scheduleHearing(input: {decisionId: $d, startsAt: $s, venue: \"会议室\", capacity: 5, signupClosesAt: $c, selectionMethod: FIRST_COME, selectionRules: \"先到先得\", stakeholderGroups: [\"居民\"]}) { hearing { id } } }",
        json!({"d": d, "s": (now + chrono::Duration::days(20)).to_rfc3339(), "c": (now + chrono::Duration::days(5)).to_rfc3339()}),
    )
    .await["scheduleHearing"]["hearing"]["id"]
    .as_str()
    .unwrap()
    .to_string();
    let signup = gql(&b, Some(&resident), "mutation($h: ID!) { signUpForHearing(input: {hearingId: $h, fullName: \"张三\", phone: \"13800000001\", stakeholderGroup: \"居民\"}) { position } }", json!({"h": h})).await;
    let pos: u64 = signup["signUpForHearing"]["position"].as_str().unwrap().parse().unwrap();
    for _ in 0..100 {
        let roster = gql(&a, ad, "query($h: ID!) { hearing(id: $h) { roster { fullName phone } } }", json!({"h": h})).await;
        if let Some(r) = roster["hearing"]["roster"].as_array().and_then(|r| r.first()) {
            assert_eq!((r["fullName"].as_str(), r["phone"].as_str()), (Some("张三"), Some("13800000001")));
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("gateway A never saw the sign-up at position {pos}");
}
