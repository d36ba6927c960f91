//! The scaled-out platform as processes: PostgreSQL event log, `canyu project` writing the read
//! models to Redis, and two gateways (`serve --read-models redis`) answering from replicas of
//! them. A write through one gateway is read back through the other and reaches a subscription
//! opened on the other; one key sent to both at once runs once; then, while comments are
//! posted, the active projector is killed (SIGKILL; a standby takes over) and Redis is killed
//! and restarted: while it is away requests answer `UNAVAILABLE` quickly, afterwards everything resumes
//! without a restart, every acknowledged comment is there exactly once, and a refused one
//! retried with its idempotency key takes effect once.
//! Needs `CANYU_TEST_POSTGRES_URL` and a `redis-server` binary (scripts/test provides both).
#![cfg(all(feature = "redis", feature = "postgres"))]

use std::collections::HashSet;
use std::process::Child;
use std::time::{Duration, Instant};

mod support;

use canyu_projections::conformance::RedisServer;
use futures::StreamExt;
use serde_json::{Value, json};
use support::{
    Server, TEST_LOG_KEY, canyu, create_admin_on, fixture, fresh_schema, outcome, postgres_url, subscribe_history, unit_with_staff,
};

struct Projector(Child);

impl Drop for Projector {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Retries `f` until it returns `Some`, for up to `secs` seconds.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(secs: u64, mut f: impl FnMut() -> F) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "condition not reached within {secs}s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const COMMENTS: &str =
    "query($id: ID!) { decision(id: $id) { consultations { comments(first: 100) { totalCount edges { node { id body } } } } } }";
const SUBMIT: &str = "mutation($c: ID!, $b: String!) { submitComment(input: {consultationId: $c, body: $b}) { comment { id } } }";

/// Comment ids and bodies of the decision, read through `s`.
async fn comments(s: &Server, decision: &str) -> Option<Vec<(String, String)>> {
    let v = s.gql(None, COMMENTS, json!({"id": decision})).await;
    let connection = &v["data"]["decision"]["consultations"][0]["comments"];
    assert!(connection["totalCount"].as_u64().unwrap_or(0) <= 100, "the test keeps to one page");
    let edges = connection["edges"].as_array()?;
    Some(
        edges
            .iter()
            .map(|e| (e["node"]["id"].as_str().unwrap_or("").to_string(), e["node"]["body"].as_str().unwrap_or("").to_string()))
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn gateways_read_redis_replicas_and_survive_a_projector_kill_and_a_redis_restart() {
    let Some(pg) = postgres_url() else { return };
    let Some(mut redis) = RedisServer::start() else { return };
    let pg = fresh_schema(&pg).await;
    let redis_url = redis.url();
    let env: Vec<(&str, &str)> = vec![
        ("CANYU_EVENT_STORE", "postgres"),
        ("CANYU_POSTGRES_URL", &pg),
        ("CANYU_TOKEN_SECRET", "a-shared-token-secret-of-at-least-32-chars"),
        ("CANYU_LOG_KEY", TEST_LOG_KEY),
        ("CANYU_READ_MODELS", "redis"),
        ("CANYU_REDIS_URL", &redis_url),
        ("CANYU_REDIS_NAMESPACE", "canyu-e2e"),
        ("CANYU_LEASE_SECONDS", "2"),
    ];
    let dir = tempfile::tempdir().unwrap();
    create_admin_on(dir.path(), &env);
    let projector = |owner: &str| {
        Projector(
            canyu()
                .args(["project", "--owner", owner])
                .envs(env.iter().copied())
                .env("CANYU_DATA_DIR", dir.path())
                .env("CANYU_LOG", "warn")
                .spawn()
                .unwrap(),
        )
    };
    let mut first_projector = Some(projector("projector-1"));
    let _standby = projector("projector-2");
    let a = Server::start_in(tempfile::tempdir().unwrap().keep(), &env);
    let b = Server::start_in(tempfile::tempdir().unwrap().keep(), &env);

    // The admin account was written before the projector ran: the replicas get it from Redis.
    let admin = eventually(20, || async {
        let v = a.gql(None, "mutation { login(input: {username: \"admin\", password: \"admin-password\"}) { token } }", json!({})).await;
        v["data"]["login"]["token"].as_str().map(str::to_string)
    })
    .await;
    let (unit, _staff_id, staff) = unit_with_staff(&a, &admin, "市住房和城乡建设局", "张工").await;
    let (_, resident) = a.register("resident", "居民甲").await;
    let f = fixture(&a, &admin, &staff, &resident, &unit).await;

    // Read through the other gateway, and live on a subscription opened there.
    let seen = eventually(5, || async { comments(&b, &f.decision).await.filter(|c| c.len() == 1) }).await;
    assert_eq!(seen[0].0, f.comment);
    let mut ws = subscribe_history(&b.url, &f.decision).await;
    let posted = a.ok(Some(&resident), SUBMIT, json!({"c": f.consultation, "b": "经由另一网关提交"})).await;
    let position: u64 = {
        let head = a.head().await;
        assert!(head > 0);
        head
    };
    let got = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(msg)) = ws.next().await {
            let v: Value = serde_json::from_str(msg.to_text().unwrap_or("{}")).unwrap_or_default();
            let entry = &v["payload"]["data"]["decisionHistory"];
            if entry["kind"] == "comment.submitted" && entry["position"].as_str().and_then(|p| p.parse::<u64>().ok()) >= Some(position) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(got, Ok(true), "gateway b's subscription saw the comment posted through a");
    assert!(posted["submitComment"]["comment"]["id"].is_string());

    // One idempotency key sent to both gateways at once runs once (claimed in Redis).
    let register = "mutation($n: String!) { registerUnit(input: {name: $n}) { unit { id } } }";
    for round in 0..6 {
        let key = format!("twin-{round}");
        let body = json!({"query": register, "variables": {"n": format!("并发登记单位{round}")}});
        let (va, vb) = tokio::join!(a.post(Some(&admin), &body, Some(&key)), b.post(Some(&admin), &body, Some(&key)));
        assert_eq!((outcome(&va).as_str(), outcome(&vb).as_str()), ("OK", "OK"), "{va} {vb}");
        assert_eq!(va["data"]["registerUnit"]["unit"]["id"], vb["data"]["registerUnit"]["unit"]["id"], "one unit for one key");
    }
    let units = eventually(5, || async {
        let v = b.gql(None, "{ units { name } }", json!({})).await;
        let names: Vec<String> = v["data"]["units"].as_array()?.iter().filter_map(|u| u["name"].as_str().map(str::to_string)).collect();
        (names.iter().filter(|n| n.starts_with("并发登记单位")).count() >= 6).then_some(names)
    })
    .await;
    assert_eq!(units.iter().filter(|n| n.starts_with("并发登记单位")).count(), 6, "each key registered one unit: {units:?}");

    // Under load: the active projector is killed (the standby takes over), then Redis goes
    // away and comes back.
    let mut acknowledged: Vec<String> = vec![posted["submitComment"]["comment"]["id"].as_str().unwrap().to_string(), f.comment.clone()];
    let mut refused: Vec<(String, String)> = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut unavailable = 0;
    let started = Instant::now();
    let mut killed = false;
    let mut restarted = false;
    let mut i = 0;
    while started.elapsed() < Duration::from_secs(11) {
        if first_projector.is_some() && started.elapsed() > Duration::from_secs(1) {
            drop(first_projector.take()); // SIGKILL; its lease lapses after 2 s
        }
        if !killed && started.elapsed() > Duration::from_secs(5) {
            redis.kill();
            killed = true;
        }
        if killed && !restarted && started.elapsed() > Duration::from_secs(8) {
            redis.restart();
            restarted = true;
        }
        i += 1;
        let key = format!("load-{i}");
        let body = format!("负载中的第{i}条意见");
        let t = Instant::now();
        let v = a.post(Some(&resident), &json!({"query": SUBMIT, "variables": {"c": f.consultation, "b": body}}), Some(&key)).await;
        let read = b.gql(None, COMMENTS, json!({"id": f.decision})).await;
        slowest = slowest.max(t.elapsed());
        match outcome(&v).as_str() {
            "OK" => acknowledged.push(v["data"]["submitComment"]["comment"]["id"].as_str().unwrap().to_string()),
            "UNAVAILABLE" => {
                unavailable += 1;
                refused.push((key, body));
            }
            other => panic!("unexpected answer {other}: {v}"),
        }
        assert!(matches!(outcome(&read).as_str(), "OK" | "UNAVAILABLE"), "a read answers or refuses: {read}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(unavailable > 0, "requests were refused while Redis was away");
    assert!(slowest < Duration::from_secs(7), "no request hung: slowest {slowest:?}");

    // Refused writes retried with their keys take effect once; a second retry changes nothing.
    for (key, body) in &refused {
        for _ in 0..2 {
            let v = eventually(20, || async {
                let v = a.post(Some(&resident), &json!({"query": SUBMIT, "variables": {"c": f.consultation, "b": body}}), Some(key)).await;
                (outcome(&v) == "OK").then_some(v)
            })
            .await;
            let id = v["data"]["submitComment"]["comment"]["id"].as_str().unwrap().to_string();
            if !acknowledged.contains(&id) {
                acknowledged.push(id);
            }
        }
    }
    let expected: HashSet<String> = acknowledged.iter().cloned().collect();
    assert_eq!(expected.len(), acknowledged.len());
    let final_comments = eventually(20, || async {
        let c = comments(&b, &f.decision).await?;
        (c.len() >= expected.len()).then_some(c)
    })
    .await;
    let ids: Vec<&String> = final_comments.iter().map(|(id, _)| id).collect();
    let unique: HashSet<&String> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no comment twice");
    assert_eq!(unique.len(), expected.len(), "exactly the acknowledged comments (and the retried ones)");
    assert!(expected.iter().all(|id| unique.contains(id)), "every acknowledged comment is there");
    eprintln!(
        "projector kill and Redis restart under load: {} comments acknowledged and found once, {unavailable} refused (UNAVAILABLE) and retried once, slowest answer {slowest:?}",
        expected.len()
    );
}
