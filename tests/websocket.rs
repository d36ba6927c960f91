//! A WebSocket is held to the same rights as HTTP, operation by operation (issue 10, holes 1
//! and 13): a revoked role or an erased account stops the next operation on a socket opened
//! before; a subscription stops delivering to a principal who lost the right to see; a page
//! of a foreign origin cannot open a socket.

mod support;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};

async fn connect(url: &str, token: Option<&str>, origin: Option<&str>) -> Result<Ws, String> {
    let mut req = format!("{}/graphql", url.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("graphql-transport-ws"));
    if let Some(o) = origin {
        req.headers_mut().insert("Origin", HeaderValue::from_str(o).unwrap());
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.map_err(|e| e.to_string())?;
    let payload = token.map_or(json!({}), |t| json!({"authorization": format!("Bearer {t}")}));
    ws.send(Message::text(json!({"type": "connection_init", "payload": payload}).to_string())).await.unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
    Ok(ws)
}

/// The next protocol message (pings answered), within five seconds.
async fn message(ws: &mut Ws) -> Value {
    loop {
        let m = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next()).await.expect("a message in time").unwrap().unwrap();
        if let Message::Text(t) = m {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "ping" {
                ws.send(Message::text(json!({"type": "pong"}).to_string())).await.unwrap();
                continue;
            }
            return v;
        }
    }
}

/// Runs one operation on the socket; returns its result (`payload` of `next`, or the errors).
async fn run(ws: &mut Ws, id: &str, query: &str, variables: Value) -> Value {
    ws.send(Message::text(json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}).to_string()))
        .await
        .unwrap();
    let m = message(ws).await;
    assert_eq!(m["id"], id, "{m}");
    match m["type"].as_str() {
        Some("next") => m["payload"].clone(),
        Some("error") => json!({"errors": m["payload"]}),
        other => panic!("unexpected {other:?}: {m}"),
    }
}

const REGISTER_UNIT: &str = "mutation($n: String!) { registerUnit(input: {name: $n}) { unit { id } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_role_or_an_erased_account_stops_the_next_operation_on_an_open_socket() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (second_id, second) = s.register("second-admin", "王二").await;
    let grant = "mutation($a: ID!, $r: Role!) { grantRole(input: {accountId: $a, role: $r}) { position } }";
    s.ok(Some(&admin), grant, json!({"a": second_id, "r": "ADMIN"})).await;
    let mut ws = connect(&s.url, Some(&second), None).await.unwrap();
    let v = run(&mut ws, "1", REGISTER_UNIT, json!({"n": "市应急管理局"})).await;
    assert_eq!(outcome(&v), "OK", "{v}");
    assert_eq!(message(&mut ws).await["type"], "complete");

    s.ok(Some(&admin), grant, json!({"a": second_id, "r": "RESIDENT"})).await;
    let head = s.head().await;
    let v = run(&mut ws, "2", REGISTER_UNIT, json!({"n": "市林业局"})).await;
    assert_eq!(outcome(&v), "FORBIDDEN", "the role was revoked: {v}");
    assert_eq!(s.head().await, head);

    // An erased account: its socket is no longer anyone's.
    let (resident_id, resident) = s.register("resident", "居民乙").await;
    let mut ws = connect(&s.url, Some(&resident), None).await.unwrap();
    let v = run(&mut ws, "1", "{ me { id } }", json!({})).await;
    assert_eq!(v["data"]["me"]["id"], resident_id.as_str(), "{v}");
    assert_eq!(message(&mut ws).await["type"], "complete");
    s.ok(Some(&admin), "mutation($a: ID!) { erasePerson(input: {accountId: $a}) { position } }", json!({"a": resident_id})).await;
    let v = run(&mut ws, "2", "{ me { id } }", json!({})).await;
    assert_eq!(outcome(&v), "UNAUTHENTICATED", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_stops_delivering_when_its_principal_loses_the_right_to_see() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, staff_id, staff) = unit_with_staff(&s, &admin, "市国家安全局", "国安局工作人员").await;
    let reg = "mutation($u: ID!) { registerDecision(input: {year: 2021, title: \"保密事项\", undertakingUnitId: $u, disclosure: CONFIDENTIAL, confidentialityBasis: \"《保守国家秘密法》第九条\"}) { decision { id } } }";
    let decision = s.ok(Some(&admin), reg, json!({"u": unit})).await["registerDecision"]["decision"]["id"].as_str().unwrap().to_string();
    let background = "mutation($id: ID!, $t: String!) { publishBackground(input: {decisionId: $id, text: $t}) { position } }";

    let mut ws = connect(&s.url, Some(&staff), None).await.unwrap();
    let q = "subscription($id: ID!) { decisionHistory(decisionId: $id) { kind } }";
    ws.send(Message::text(json!({"id": "h", "type": "subscribe", "payload": {"query": q, "variables": {"id": decision}}}).to_string()))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    s.ok(Some(&admin), background, json!({"id": decision, "t": "起草背景一"})).await;
    let m = message(&mut ws).await;
    assert_eq!(
        (m["type"].as_str(), m["payload"]["data"]["decisionHistory"]["kind"].as_str()),
        (Some("next"), Some("decision.background_published")),
        "{m}"
    );

    // The staff member is moved to residents; the next entry is not delivered to them.
    s.ok(Some(&admin), "mutation($a: ID!) { grantRole(input: {accountId: $a, role: RESIDENT}) { position } }", json!({"a": staff_id}))
        .await;
    s.ok(Some(&admin), background, json!({"id": decision, "t": "起草背景二"})).await;
    let m = message(&mut ws).await;
    assert_eq!(m["type"], "complete", "nothing more is delivered: {m}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_from_a_foreign_origin_is_refused() {
    let s = Server::start(&[("CANYU_CORS_ORIGINS", "https://partner.example")]);
    let err = connect(&s.url, None, Some("https://evil.example")).await.expect_err("a foreign origin is refused");
    assert!(err.contains("403"), "{err}");
    let own = s.url.clone();
    assert!(connect(&s.url, None, Some(&own)).await.is_ok(), "the server's own origin");
    assert!(connect(&s.url, None, Some("https://partner.example")).await.is_ok(), "a configured origin");
    assert!(connect(&s.url, None, None).await.is_ok(), "a client that is not a browser sends no origin");
}

/// A socket asking for graphql-transport-ws, nothing sent yet.
async fn open(url: &str) -> Ws {
    let mut req = format!("{}/graphql", url.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("graphql-transport-ws"));
    tokio_tungstenite::connect_async(req).await.expect("websocket").0
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

/// The close code the server ends the socket with (within five seconds).
async fn close_code(ws: &mut Ws) -> u16 {
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(5), ws.next()).await.expect("closed in time") {
            Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
            Some(Ok(Message::Close(None))) | None => panic!("closed without a code"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("{e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_socket_speaks_graphql_transport_ws_with_its_close_codes() {
    let s = Server::start(&[("CANYU_WS_INIT_TIMEOUT", "0.5")]);
    let init = json!({"type": "connection_init", "payload": {}});
    let sub = |id: &str| json!({"id": id, "type": "subscribe", "payload": {"query": "{ units { id } }"}});

    // 4408: no connection_init in time.
    let mut ws = open(&s.url).await;
    assert_eq!(close_code(&mut ws).await, 4408);
    // 4401: subscribing before the acknowledgement.
    let mut ws = open(&s.url).await;
    send(&mut ws, sub("1")).await;
    assert_eq!(close_code(&mut ws).await, 4401);
    // 4403: a refused token.
    let mut ws = open(&s.url).await;
    send(&mut ws, json!({"type": "connection_init", "payload": {"authorization": "Bearer v1.forged"}})).await;
    assert_eq!(close_code(&mut ws).await, 4403);
    // 4400: a message that is not one of the protocol's.
    for bad in [json!({"type": "subscribe"}), json!({"type": "bogus"}), json!("text")] {
        let mut ws = open(&s.url).await;
        send(&mut ws, init.clone()).await;
        assert_eq!(message(&mut ws).await["type"], "connection_ack");
        send(&mut ws, bad.clone()).await;
        assert_eq!(close_code(&mut ws).await, 4400, "{bad}");
    }
    // 4429: a second connection_init.
    let mut ws = open(&s.url).await;
    send(&mut ws, init.clone()).await;
    assert_eq!(message(&mut ws).await["type"], "connection_ack");
    send(&mut ws, init.clone()).await;
    assert_eq!(close_code(&mut ws).await, 4429);

    // On an acknowledged socket: ping → pong; a refused operation → `error` (no `complete`);
    // a query → `next` then `complete`; an id in use → 4409.
    let mut ws = open(&s.url).await;
    send(&mut ws, init.clone()).await;
    assert_eq!(message(&mut ws).await["type"], "connection_ack");
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(message(&mut ws).await["type"], "pong");
    send(&mut ws, json!({"id": "bad", "type": "subscribe", "payload": {"query": "{ noSuchField }"}})).await;
    let m = message(&mut ws).await;
    assert_eq!((m["id"].as_str(), m["type"].as_str()), (Some("bad"), Some("error")), "{m}");
    assert!(m["payload"][0]["message"].as_str().is_some_and(|t| t.contains("noSuchField")), "{m}");
    assert_eq!(m["payload"][0]["locations"][0]["line"], 1, "{m}");
    send(&mut ws, json!({"id": "q", "type": "subscribe", "payload": {"query": "{ units { id } }"}})).await;
    let m = message(&mut ws).await;
    assert_eq!((m["id"].as_str(), m["type"].as_str()), (Some("q"), Some("next")), "no complete for `bad` came first: {m}");
    assert_eq!(message(&mut ws).await, json!({"id": "q", "type": "complete"}));
    // A live subscription (to a decision) keeps its id busy.
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let unit = s.ok(Some(&admin), "mutation { registerUnit(input: {name: \"市审计局\"}) { unit { id } } }", json!({})).await["registerUnit"]["unit"]["id"].as_str().unwrap().to_string();
    let reg = "mutation($u: ID!) { registerDecision(input: {year: 2021, title: \"审计整改办法\", undertakingUnitId: $u, disclosure: PUBLIC}) { decision { id } } }";
    let decision = s.ok(Some(&admin), reg, json!({"u": unit})).await["registerDecision"]["decision"]["id"].as_str().unwrap().to_string();
    s.ok(Some(&admin), "mutation { publishCatalogue(input: {year: 2021}) { position } }", json!({})).await;
    let live = json!({"id": "h", "type": "subscribe", "payload": {"query": "subscription($d: ID!) { decisionHistory(decisionId: $d) { kind } }", "variables": {"d": decision}}});
    send(&mut ws, live.clone()).await;
    send(&mut ws, live).await;
    assert_eq!(close_code(&mut ws).await, 4409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_socket_runs_at_most_a_hundred_operations_at_once() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let unit = s.ok(Some(&admin), "mutation { registerUnit(input: {name: \"市统计局\"}) { unit { id } } }", json!({})).await["registerUnit"]["unit"]["id"].as_str().unwrap().to_string();
    let reg = "mutation($u: ID!) { registerDecision(input: {year: 2021, title: \"统计调查办法\", undertakingUnitId: $u, disclosure: PUBLIC}) { decision { id } } }";
    let decision = s.ok(Some(&admin), reg, json!({"u": unit})).await["registerDecision"]["decision"]["id"].as_str().unwrap().to_string();
    s.ok(Some(&admin), "mutation { publishCatalogue(input: {year: 2021}) { position } }", json!({})).await;
    let mut ws = connect(&s.url, None, None).await.unwrap();
    for i in 0..101 {
        let q = json!({"id": format!("s{i}"), "type": "subscribe", "payload": {"query": "subscription($d: ID!) { decisionHistory(decisionId: $d) { kind } }", "variables": {"d": decision}}});
        send(&mut ws, q).await;
    }
    let m = message(&mut ws).await;
    assert_eq!((m["id"].as_str(), m["type"].as_str()), (Some("s100"), Some("error")), "{m}");
    assert_eq!(m["payload"][0]["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS", "{m}");
    // Completing one frees a place.
    send(&mut ws, json!({"id": "s0", "type": "complete"})).await;
    send(&mut ws, json!({"id": "again", "type": "subscribe", "payload": {"query": "{ units { id } }"}})).await;
    assert_eq!(message(&mut ws).await["type"], "next");
}
