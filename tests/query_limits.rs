//! Documents are measured before validation and charged to the limits as executed (issue 10,
//! holes 2, 3, 4 and 8), over HTTP against the real binary: root fields behind any depth of
//! fragments, exponential fragment fan-out, page sizes and aliases, a cost budget and a
//! per-client budget of points, standard introspection, and sign-in limits per client and
//! per username.

mod support;

use serde_json::{Value, json};
use support::*;

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or("none")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutations_behind_nested_fragments_are_counted_and_each_is_charged() {
    let s = Server::start(&[("CANYU_RATE_LIMIT_ACCOUNT", "1")]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let head = s.head().await;
    // 300 aliased registrations six inline fragments deep: one request, 300 writes.
    let mut body: String = (0..300).map(|i| format!("u{i}: registerUnit(input: {{name: \"单位{i}\"}}) {{ position }} ")).collect();
    for _ in 0..6 {
        body = format!("... on MutationRoot {{ {body} }}");
    }
    let v = s.gql(Some(&admin), &format!("mutation {{ {body} }}"), json!({})).await;
    assert_eq!(code(&v), "TOO_MANY_OPERATIONS", "{v}");
    // The same through a named fragment.
    let fields: String = (0..6).map(|i| format!("u{i}: registerUnit(input: {{name: \"单位{i}\"}}) {{ position }} ")).collect();
    let v = s.gql(Some(&admin), &format!("mutation {{ ...M }} fragment M on MutationRoot {{ {fields} }}"), json!({})).await;
    assert_eq!(code(&v), "TOO_MANY_OPERATIONS", "{v}");
    assert_eq!(s.head().await, head, "nothing refused was written");

    // The account's burst is four: a request of three fields goes through, the next is
    // refused because each field is a write of its own.
    let three = |n: usize| -> String {
        (0..3).map(|i| format!("u{i}: registerUnit(input: {{name: \"批次{n}单位{i}\"}}) {{ position }} ")).collect()
    };
    let v = s.gql(Some(&admin), &format!("mutation {{ {} }}", three(1)), json!({})).await;
    assert_eq!(outcome(&v), "OK", "{v}");
    let head = s.head().await;
    let v = s.gql(Some(&admin), &format!("mutation {{ {} }}", three(2)), json!({})).await;
    assert_eq!(code(&v), "RATE_LIMITED", "{v}");
    assert_eq!(s.head().await, head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn costly_documents_are_refused_before_validation() {
    let s = Server::start(&[]);
    // 24 fragments, each spreading the previous one twice (2^24 when expanded), 1.1 KB.
    let mut q = String::from("{ decisions { edges { node { ...F24 } } } } fragment F0 on Decision { id } ");
    for i in 1..=24 {
        q.push_str(&format!("fragment F{i} on Decision {{ ...F{p} ...F{p} }} ", p = i - 1));
    }
    let v = s.gql(None, &q, json!({})).await;
    assert!(matches!(code(&v), "QUERY_TOO_DEEP" | "QUERY_TOO_COMPLEX"), "{v}");
    // Twelve doublings: shallow enough, but 2^12 selections once expanded.
    let mut q = String::from("{ decisions { edges { node { ...F12 } } } } fragment F0 on Decision { id } ");
    for i in 1..=12 {
        q.push_str(&format!("fragment F{i} on Decision {{ a{i}: id ...F{p} ...F{p} }} ", p = i - 1));
    }
    let v = s.gql(None, &q, json!({})).await;
    assert_eq!(code(&v), "QUERY_TOO_COMPLEX", "{v}");
    // A fragment cycle is named, not expanded.
    let v = s.gql(None, "{ decisions { edges { node { ...A } } } } fragment A on Decision { id ...A ...A }", json!({})).await;
    assert_eq!(code(&v), "VALIDATION", "{v}");

    // 500 aliases of a 100-entry history page (50,000 entries).
    let aliases: String = (0..500).map(|i| format!("h{i}: decisions(first: 100) {{ totalCount }} ")).collect();
    let v = s.gql(None, &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&v), "QUERY_TOO_COMPLEX", "{v}");
    // 1,000 aliased asOf views.
    let aliases: String = (0..1000).map(|i| format!("d{i}: decision(id: \"x\", asOf: \"2021-05-01T00:00:00Z\") {{ id }} ")).collect();
    let v = s.gql(None, &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&v), "QUERY_TOO_COMPLEX", "{v}");
    // A 100,000-item list variable shared by aliases.
    let ids: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let aliases: String =
        (0..16).map(|i| format!("c{i}: consultation(id: \"x\") {{ comments(clauseIds: $ids) {{ totalCount }} }} ")).collect();
    let v = s.gql(None, &format!("query($ids: [ID!]) {{ {aliases} }}"), json!({"ids": ids})).await;
    assert_eq!(code(&v), "QUERY_TOO_COMPLEX", "{v}");
    // What the UI asks stays answered.
    let v = s
        .gql(
            None,
            "{ decisions(first: 100) { totalCount edges { node { id history(first: 20) { edges { node { position } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(outcome(&v), "OK", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_introspection_query_is_answered_unless_turned_off() {
    let intro = include_str!("../services/gateway/tests/fixtures/introspection.graphql");
    let s = Server::start(&[]);
    let v = s.post(None, &json!({"query": intro, "operationName": "IntrospectionQuery"}), None).await;
    assert_eq!(outcome(&v), "OK", "{v}");
    assert_eq!(v["data"]["__schema"]["queryType"]["name"], "QueryRoot");
    drop(s);
    let s = Server::start(&[("CANYU_INTROSPECTION", "off")]);
    let v = s.post(None, &json!({"query": intro, "operationName": "IntrospectionQuery"}), None).await;
    assert!(v["data"]["__schema"].is_null(), "{v}");
    assert_eq!(outcome(&s.gql(None, "{ units { id } }", json!({})).await), "OK");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_are_charged_their_points_per_client() {
    // 10 points a second, a burst of 200: a 101-point query five times in a row runs dry.
    let s = Server::start(&[("CANYU_QUERY_RATE_LIMIT_CLIENT", "10")]);
    let q = "{ decisions(first: 100) { totalCount } }";
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(outcome(&s.gql(None, q, json!({})).await));
    }
    assert_eq!(codes[0], "OK");
    assert!(codes.contains(&"RATE_LIMITED".to_string()), "{codes:?}");
}

/// A client whose requests come from `ip` (any address of 127.0.0.0/8 reaches the server).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(ip.parse::<std::net::IpAddr>().unwrap()).build().unwrap()
}

async fn try_login(s: &Server, http: &reqwest::Client, username: &str, password: &str) -> String {
    let q = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }";
    let v: Value = http
        .post(format!("{}/graphql", s.url))
        .json(&json!({"query": q, "variables": {"u": username, "p": password}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    outcome(&v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_client_and_per_username() {
    // The defaults (tests otherwise turn them off).
    let s = Server::start(&[("CANYU_LOGIN_RATE_LIMIT_CLIENT", "1"), ("CANYU_LOGIN_RATE_LIMIT_USERNAME", "0.1")]);
    s.register("victim", "居民甲").await;
    // One address guessing many usernames: its burst (30) runs out.
    let guesser = client_from("127.0.0.2");
    let mut first_limited = None;
    for i in 0..60 {
        if try_login(&s, &guesser, &format!("user{i}"), "wrong-password").await == "RATE_LIMITED" {
            first_limited = Some(i);
            break;
        }
    }
    assert!(first_limited.is_some_and(|i| (25..=40).contains(&i)), "limited at {first_limited:?}");
    // Many addresses guessing one username: its burst (10) runs out, and then even the right
    // password is refused without being checked.
    let mut outcomes = Vec::new();
    for i in 0..12 {
        outcomes.push(try_login(&s, &client_from(&format!("127.0.1.{}", i + 1)), "victim", "wrong-password").await);
    }
    assert!(outcomes[..9].iter().all(|o| o == "UNAUTHENTICATED"), "{outcomes:?}");
    assert_eq!(outcomes.last().map(String::as_str), Some("RATE_LIMITED"), "{outcomes:?}");
    assert_eq!(try_login(&s, &client_from("127.0.2.1"), "victim", "password-123").await, "RATE_LIMITED");
    // Another username from a fresh address is not affected.
    assert_eq!(try_login(&s, &client_from("127.0.2.2"), "admin", ADMIN_PASSWORD).await, "OK");
}

async fn login_via(s: &Server, http: &reqwest::Client, forwarded_for: &str) -> String {
    let q = "mutation { login(input: {username: \"nobody\", password: \"wrong-password\"}) { token } }";
    let v: Value = http
        .post(format!("{}/graphql", s.url))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"query": q}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    outcome(&v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    // Mutation fields per client: 1/s, burst 4. The "proxy" is 127.0.0.1.
    let s = Server::start(&[("CANYU_TRUSTED_PROXIES", "127.0.0.1"), ("CANYU_RATE_LIMIT_CLIENT", "1")]);
    let proxy = client_from("127.0.0.1");
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        outcomes.push(login_via(&s, &proxy, "203.0.113.1").await);
    }
    assert_eq!(outcomes.last().map(String::as_str), Some("RATE_LIMITED"), "{outcomes:?}");
    assert_eq!(login_via(&s, &proxy, "203.0.113.2").await, "UNAUTHENTICATED", "another user behind the proxy has their own bucket");
    // A client that is not the proxy cannot pick its address by sending the header.
    let direct = client_from("127.0.0.5");
    let mut outcomes = Vec::new();
    for i in 0..5 {
        outcomes.push(login_via(&s, &direct, &format!("198.51.100.{i}")).await);
    }
    assert_eq!(outcomes.last().map(String::as_str), Some("RATE_LIMITED"), "keyed on the peer: {outcomes:?}");

    // A typo in the setting stops the server with a message rather than silently sharing
    // one bucket among everyone.
    let dir = tempfile::tempdir().unwrap();
    let out = canyu()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("CANYU_TRUSTED_PROXIES", "nginx.internal")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("CANYU_TRUSTED_PROXIES"), "{}", String::from_utf8_lossy(&out.stderr));
}
