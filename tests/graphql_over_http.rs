//! GraphQL over HTTP as the spec says (issue 10, standard clients), against the real binary:
//! the answer's media type follows `Accept`; request errors (parse, validation, variables,
//! limits) carry no `data` and are 4xx under `application/graphql-response+json`; GET runs
//! queries with a cache validator and refuses mutations with 405 and `Allow`; a JSON array is
//! answered with an array, each operation measured and charged on its own; an `Int` beyond 32
//! bits is refused in validation even where the field would not run. The `graphql-http`
//! package's audit runs against the same binary in scripts/test.d/75-conformance.sh.

mod support;

use serde_json::{Value, json};
use support::*;

struct Answer {
    status: u16,
    content_type: String,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn post(s: &Server, accept: Option<&str>, token: Option<&str>, body: &Value) -> Answer {
    let mut req = s.http.post(format!("{}/graphql", s.url)).header("content-type", "application/json").json(body);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    answer(req.send().await.unwrap()).await
}

async fn get(s: &Server, accept: Option<&str>, params: &[(&str, &str)], extra: &[(&str, &str)]) -> Answer {
    let url = reqwest::Url::parse_with_params(&format!("{}/graphql", s.url), params).unwrap();
    let mut req = s.http.get(url);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    answer(req.send().await.unwrap()).await
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Answer { status, content_type, headers, body }
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or("none")
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_media_type_follows_accept_and_request_errors_carry_no_data() {
    let s = Server::start(&[]);
    let ok = json!({"query": "{ units { id } }"});
    for (accept, media) in [
        (None, "application/json"),
        (Some("application/json"), "application/json"),
        (Some("*/*"), "application/json"),
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
        (Some("application/graphql-response+json, application/json;q=0.9"), GRAPHQL_RESPONSE),
    ] {
        let a = post(&s, accept, None, &ok).await;
        assert_eq!(a.status, 200, "{accept:?}: {}", a.body);
        assert!(a.content_type.starts_with(media), "{accept:?} answered {}", a.content_type);
        assert!(a.body["data"]["units"].is_array(), "{}", a.body);
    }

    // Request errors: parse, validation, variable coercion. No `data` entry either way; 400
    // under the new media type, 200 under the legacy one.
    let request_errors = [
        json!({"query": "{ units { id }"}),
        json!({"query": "{ noSuchField }"}),
        json!({"query": "query($n: Int) { decisions(first: $n) { totalCount } }", "variables": {"n": "many"}}),
    ];
    for body in &request_errors {
        let a = post(&s, Some(GRAPHQL_RESPONSE), None, body).await;
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert!(a.content_type.starts_with(GRAPHQL_RESPONSE));
        assert!(a.body.get("data").is_none(), "a request error has no data: {}", a.body);
        assert!(a.body["errors"][0]["message"].is_string(), "{}", a.body);
        let a = post(&s, Some("application/json"), None, body).await;
        assert_eq!(a.status, 200, "{body}: {}", a.body);
        assert!(a.body.get("data").is_none(), "a request error has no data: {}", a.body);
    }

    // An error during execution is a field error: 200 and a `data` entry.
    let wrong = json!({"query": "mutation { login(input: {username: \"admin\", password: \"wrong password\"}) { token } }"});
    let a = post(&s, Some(GRAPHQL_RESPONSE), None, &wrong).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.get("data").is_some(), "{}", a.body);
    assert_eq!(code(&a.body), "UNAUTHENTICATED");

    // A bad token is refused before anything runs: 401 under the new media type.
    let a = post(&s, Some(GRAPHQL_RESPONSE), Some("not-a-token"), &ok).await;
    assert_eq!((a.status, code(&a.body)), (401, "UNAUTHENTICATED"), "{}", a.body);
    assert!(a.body.get("data").is_none());
    // A body without a query is a bad request whatever the media type.
    let a = post(&s, None, None, &json!({"qeury": "{ units { id } }"})).await;
    assert_eq!((a.status, a.body["errors"][0]["extensions"]["field"].as_str()), (400, Some("query")), "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_by_the_query_budget_is_429_with_a_retry_hint() {
    // Ten points a second, a burst of 200: the third costly query waits.
    let s = Server::start(&[("CANYU_QUERY_RATE_LIMIT_CLIENT", "10")]);
    let q = json!({"query": "{ decisions(first: 100) { edges { node { id } } } }"});
    let mut last = None;
    for _ in 0..5 {
        let a = post(&s, Some(GRAPHQL_RESPONSE), None, &q).await;
        if a.status != 200 {
            last = Some(a);
            break;
        }
    }
    let a = last.expect("the budget ran out");
    assert_eq!((a.status, code(&a.body)), (429, "RATE_LIMITED"), "{}", a.body);
    assert!(a.headers.get("retry-after").is_some(), "{:?}", a.headers);
    assert!(a.body.get("data").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_runs_queries_with_a_validator_and_refuses_mutations() {
    let s = Server::start(&[]);
    let a = get(
        &s,
        None,
        &[
            ("query", "query Units($first: Int) { decisions(first: $first) { totalCount } units { id } }"),
            ("variables", "{\"first\": 5}"),
            ("operationName", "Units"),
        ],
        &[],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.content_type.starts_with("application/json"));
    assert!(a.body["data"]["units"].is_array(), "{}", a.body);
    let etag = a.headers.get("etag").expect("an ETag").to_str().unwrap().to_string();
    assert_eq!(a.headers.get("cache-control").unwrap(), "no-cache");
    assert!(a.headers.get("vary").unwrap().to_str().unwrap().contains("Authorization"));
    // The same question, answered the same way: 304 without a body.
    let again = get(
        &s,
        None,
        &[
            ("query", "query Units($first: Int) { decisions(first: $first) { totalCount } units { id } }"),
            ("variables", "{\"first\": 5}"),
            ("operationName", "Units"),
        ],
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, 304);
    assert_eq!(again.body, Value::Null);
    // After a write the answer changes, and so does its tag.
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    s.ok(Some(&admin), "mutation { registerUnit(input: {name: \"市交通运输局\"}) { position } }", json!({})).await;
    let changed = get(&s, None, &[("query", "{ units { id } }")], &[("if-none-match", &etag)]).await;
    assert_eq!(changed.status, 200);

    // A mutation by GET: 405 with Allow, and nothing written.
    let head = s.head().await;
    let m = get(&s, Some(GRAPHQL_RESPONSE), &[("query", "mutation { registerAccount(input: {username: \"viaget\", password: \"a long enough password\", displayName: \"经由GET\"}) { token } }")], &[]).await;
    assert_eq!((m.status, code(&m.body)), (405, "METHOD_NOT_ALLOWED"), "{}", m.body);
    assert_eq!(m.headers.get("allow").unwrap(), "POST");
    assert!(m.body.get("data").is_none());
    let m = get(&s, None, &[("query", "mutation { registerAccount(input: {username: \"viaget\", password: \"a long enough password\", displayName: \"经由GET\"}) { token } }")], &[]).await;
    assert_eq!(m.status, 405, "405 whatever the media type: {}", m.body);
    assert_eq!(s.head().await, head);

    // Without a query: a page for a browser, 400 for a client; bad variables are 400.
    let page = get(&s, Some("text/html,application/xhtml+xml"), &[], &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let none = get(&s, Some("application/json"), &[], &[]).await;
    assert_eq!((none.status, none.body["errors"][0]["extensions"]["field"].as_str()), (400, Some("query")), "{}", none.body);
    let bad = get(&s, None, &[("query", "{ units { id } }"), ("variables", "{not json")], &[]).await;
    assert_eq!((bad.status, bad.body["errors"][0]["extensions"]["field"].as_str()), (400, Some("variables")), "{}", bad.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_answered_with_an_array_and_each_operation_is_charged() {
    let s = Server::start(&[("CANYU_RATE_LIMIT_ACCOUNT", "1")]);
    let one = post(&s, None, None, &json!([{"query": "{ units { id } }"}])).await;
    assert_eq!(one.status, 200);
    let answers = one.body.as_array().unwrap_or_else(|| panic!("an array: {}", one.body));
    assert_eq!(answers.len(), 1);
    assert!(answers[0]["data"]["units"].is_array());

    let two = post(&s, None, None, &json!([{"query": "{ units { id } }"}, {"query": "{ nope }"}])).await;
    let answers = two.body.as_array().unwrap_or_else(|| panic!("an array: {}", two.body));
    assert_eq!(answers.len(), 2);
    assert!(answers[0]["data"]["units"].is_array());
    assert!(answers[1].get("data").is_none() && answers[1]["errors"].is_array(), "{}", two.body);

    // The account's burst is four writes: six one-field mutations in one batch run four.
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let batch: Vec<Value> =
        (0..6).map(|i| json!({"query": format!("mutation {{ registerUnit(input: {{name: \"批量单位{i}\"}}) {{ position }} }}")})).collect();
    let a = post(&s, None, Some(&admin), &Value::Array(batch)).await;
    let codes: Vec<&str> = a.body.as_array().unwrap().iter().map(code).collect();
    assert_eq!(codes, ["none", "none", "none", "none", "RATE_LIMITED", "RATE_LIMITED"], "{}", a.body);

    let empty = post(&s, None, None, &json!([])).await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    assert!(empty.body["errors"].is_array(), "{}", empty.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_int_beyond_32_bits_is_refused_in_validation_even_where_nothing_runs() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    // A skipped field, a variable, a field of another type's fragment.
    let cases = [
        (json!({"query": "{ units { id } decisions(first: 3000000000) @skip(if: true) { totalCount } }"}), "first"),
        (
            json!({"query": "query($n: Int) { units { id } decisions(first: $n) @skip(if: true) { totalCount } }", "variables": {"n": 1_i64 << 40}}),
            "$n",
        ),
        (json!({"query": "{ units { id } decisions(first: -2147483649) @include(if: false) { totalCount } }"}), "first"),
    ];
    for (body, field) in &cases {
        let a = post(&s, None, None, body).await;
        assert_eq!(code(&a.body), "VALIDATION", "{body}: {}", a.body);
        assert_eq!(a.body["errors"][0]["extensions"]["field"].as_str(), Some(*field), "{}", a.body);
        assert!(a.body["errors"][0]["message"].as_str().unwrap().contains("2147483647"), "{}", a.body);
        assert!(a.body.get("data").is_none(), "refused before it ran: {}", a.body);
    }
    // Inside an input object: the mutation is refused whole, nothing is written.
    let head = s.head().await;
    let q = "mutation { recordParticipationActivity(input: {decisionId: \"00000000-0000-0000-0000-000000000000\", kind: SYMPOSIUM, heldAt: \"2021-05-01T09:00:00+08:00\", summary: \"座谈会\", participantCount: 2147483648}) { position } }";
    let a = post(&s, None, Some(&admin), &json!({"query": q})).await;
    assert_eq!(code(&a.body), "VALIDATION", "{}", a.body);
    assert!(a.body["errors"][0]["message"].as_str().unwrap().contains("participantCount"), "{}", a.body);
    assert_eq!(s.head().await, head);
    // The largest Int still passes validation.
    let a = post(&s, None, None, &json!({"query": "{ decisions(first: 2147483647) @skip(if: true) { totalCount } units { id } }"})).await;
    assert!(a.body["data"]["units"].is_array(), "{}", a.body);
}
