//! Limits and hostile input over HTTP against the real binary: body size, operations per
//! request, depth, complexity, page size, rate limits (RATE_LIMITED with a retry hint), text
//! fields (length in characters, control characters, invalid UTF-8, whitespace), dates out
//! of range, security headers and CORS. Every refusal has a code and writes nothing.

mod support;

use serde_json::{Value, json};
use support::*;

async fn raw(s: &Server, token: Option<&str>, body: Vec<u8>) -> (u16, Value) {
    let mut req = s.http.post(format!("{}/graphql", s.url)).header("content-type", "application/json").body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")))
}

/// Like [`raw`], retried when the server answered before reading the whole body and closed
/// the connection under the client (a refusal the client may see as a broken connection).
async fn raw_big(s: &Server, token: Option<&str>, body: Vec<u8>) -> (u16, Value) {
    for _ in 0..5 {
        let mut req = s.http.post(format!("{}/graphql", s.url)).header("content-type", "application/json").body(body.clone());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Ok(r) = req.send().await {
            let status = r.status().as_u16();
            if let Ok(text) = r.text().await {
                return (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")));
            }
        }
    }
    panic!("no answer to an oversized request in five tries");
}

fn code(v: &Value) -> (&str, Option<&str>) {
    let ext = &v["errors"][0]["extensions"];
    (ext["code"].as_str().unwrap_or("none"), ext["field"].as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_batched_deep_complex_and_malformed_requests_are_refused_with_codes() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let head = s.head().await;

    // Body over 1 MiB.
    let big = json!({"query": "mutation($n: String!) { registerUnit(input: {name: $n}) { position } }", "variables": {"n": "x".repeat(1_100_000)}});
    let (status, v) = raw_big(&s, Some(&admin), serde_json::to_vec(&big).unwrap()).await;
    assert_eq!((status, code(&v).0), (413, "REQUEST_TOO_LARGE"), "{v}");

    // Invalid UTF-8 and a lone surrogate in a string.
    let mut bad = br#"{"query":"mutation { registerUnit(input: {name: \"ab"#.to_vec();
    bad.extend_from_slice(&[0xff, 0xfe]);
    bad.extend_from_slice(br#"\"}) { position } }"}"#);
    let (status, v) = raw(&s, Some(&admin), bad).await;
    assert_eq!((status, code(&v)), (400, ("VALIDATION", Some("request"))), "{v}");
    let surrogate =
        br#"{"query":"mutation($n: String!) { registerUnit(input: {name: $n}) { position } }","variables":{"n":"\ud800"}}"#.to_vec();
    let (status, v) = raw(&s, Some(&admin), surrogate).await;
    assert_eq!((status, code(&v)), (400, ("VALIDATION", Some("request"))), "{v}");
    let (_, v) = raw(&s, None, b"not json".to_vec()).await;
    assert_eq!(code(&v), ("VALIDATION", Some("request")));

    // Operations per request: a batch of eleven, eleven operations, six aliased mutations.
    let batch = Value::Array(vec![json!({"query": "{ units { id } }"}); 11]);
    let (status, v) = raw(&s, None, serde_json::to_vec(&batch).unwrap()).await;
    assert_eq!((status, code(&v).0), (400, "TOO_MANY_OPERATIONS"), "{v}");
    let ops: String = (0..11).map(|i| format!("query q{i} {{ units {{ id }} }} ")).collect();
    let v = s.post(None, &json!({"query": ops, "operationName": "q0"}), None).await;
    assert_eq!(code(&v).0, "TOO_MANY_OPERATIONS", "{v}");
    let aliases: String = (0..6).map(|i| format!("u{i}: registerUnit(input: {{name: \"单位{i}\"}}) {{ position }} ")).collect();
    let v = s.gql(Some(&admin), &format!("mutation {{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&v).0, "TOO_MANY_OPERATIONS", "{v}");

    // Depth and complexity.
    let mut deep = "id".to_string();
    for _ in 0..8 {
        deep = format!("consultations {{ decision {{ {deep} }} }}");
    }
    let v = s.gql(None, &format!("{{ decisions {{ edges {{ node {{ {deep} }} }} }} }}"), json!({})).await;
    assert_eq!(code(&v).0, "QUERY_TOO_DEEP", "{v}");
    let wide: String = (0..2600).map(|i| format!("a{i}: units {{ id }} ")).collect();
    let v = s.gql(None, &format!("{{ {wide} }}"), json!({})).await;
    assert_eq!(code(&v).0, "QUERY_TOO_COMPLEX", "{v}");

    // Page size.
    for first in [0, 101, -5] {
        let v = s.gql(None, "query($f: Int) { decisions(first: $f) { totalCount } }", json!({"f": first})).await;
        assert_eq!(code(&v), ("VALIDATION", Some("first")), "first: {first}: {v}");
    }
    assert!(s.gql(None, "{ decisions(first: 100) { totalCount } }", json!({})).await.get("errors").is_none());

    assert_eq!(s.head().await, head, "no refused request wrote anything");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_fields_and_dates_are_checked_with_the_field_named_and_nothing_written() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let unit = s.ok(Some(&admin), "mutation { registerUnit(input: {name: \"  市交通运输局 \"}) { unit { id name } } }", json!({})).await["registerUnit"]["unit"].clone();
    assert_eq!(unit["name"], "市交通运输局", "leading and trailing whitespace is trimmed");
    let unit = unit["id"].as_str().unwrap().to_string();
    let (staff_id, staff) = s.register("staff", "交通局工作人员").await;
    s.ok(
        Some(&admin),
        "mutation($a: ID!, $u: ID!) { grantRole(input: {accountId: $a, role: UNIT_STAFF, unitId: $u}) { position } }",
        json!({"a": staff_id, "u": unit}),
    )
    .await;
    let (_, resident) = s.register("resident", "居民").await;
    let f = fixture(&s, &admin, &staff, &resident, &unit).await;
    let head = s.head().await;

    let reg = "mutation($t: String!, $s: String!, $u: ID!) { registerDecision(input: {year: 2021, title: $t, summary: $s, undertakingUnitId: $u, disclosure: PUBLIC}) { position } }";
    let cases: Vec<(&str, Value, &str)> = vec![
        (reg, json!({"t": "标题\u{0007}", "s": "", "u": unit}), "title"),
        (reg, json!({"t": "标题\n第二行", "s": "", "u": unit}), "title"),
        (reg, json!({"t": "题".repeat(201), "s": "", "u": unit}), "title"),
        (reg, json!({"t": "   ", "s": "", "u": unit}), "title"),
        (reg, json!({"t": "标题", "s": "摘".repeat(5001), "u": unit}), "summary"),
        (reg, json!({"t": "标题", "s": "含\u{0000}空字符", "u": unit}), "summary"),
        (
            "mutation($c: ID!, $b: String!) { submitComment(input: {consultationId: $c, body: $b}) { position } }",
            json!({"c": f.consultation, "b": "意".repeat(5001)}),
            "body",
        ),
        (
            "mutation($c: ID!, $b: String!) { submitComment(input: {consultationId: $c, body: $b}) { position } }",
            json!({"c": f.consultation, "b": "带\u{001b}[31m转义"}),
            "body",
        ),
        (
            "mutation($c: ID!, $k: String!) { submitComment(input: {consultationId: $c, body: \"正常\", idempotencyKey: $k}) { position } }",
            json!({"c": f.consultation, "k": "k".repeat(101)}),
            "idempotencyKey",
        ),
        (
            "mutation($h: ID!, $n: String!) { signUpForHearing(input: {hearingId: $h, fullName: $n, phone: \"13800000000\", stakeholderGroup: \"城区居民\"}) { position } }",
            json!({"h": f.hearing, "n": "名".repeat(51)}),
            "fullName",
        ),
        (
            "mutation($h: ID!) { signUpForHearing(input: {hearingId: $h, fullName: \"张三\", phone: \"call me\", stakeholderGroup: \"城区居民\"}) { position } }",
            json!({"h": f.hearing}),
            "phone",
        ),
        (
            "mutation($id: ID!, $o: DateTime!, $c: DateTime!) { openConsultation(input: {decisionId: $id, channel: SYMPOSIUM, opensAt: $o, closesAt: $c}) { position } }",
            json!({"id": f.decision, "o": "1970-01-01T00:00:00Z", "c": "2021-05-01T00:00:00Z"}),
            "opensAt",
        ),
        (
            "mutation($id: ID!, $o: DateTime!, $c: DateTime!) { openConsultation(input: {decisionId: $id, channel: SYMPOSIUM, opensAt: $o, closesAt: $c}) { position } }",
            json!({"id": f.decision, "o": "2021-05-01T00:00:00Z", "c": "9999-12-31T00:00:00Z"}),
            "closesAt",
        ),
        (
            "mutation($id: ID!, $t: DateTime!) { publishDecisionResult(input: {decisionId: $id, text: \"全文\", documentNumber: \"1号\", effectiveAt: $t, interpretation: \"解读\"}) { position } }",
            json!({"id": f.decision, "t": "2200-01-01T00:00:00Z"}),
            "effectiveAt",
        ),
    ];
    // Admins list decisions; staff may do the rest (they may also comment and sign up).
    let token = |q: &str| if q.contains("registerDecision") { admin.clone() } else { staff.clone() };
    for (q, vars, field) in &cases {
        let v = s.gql(Some(&token(q)), q, vars.clone()).await;
        assert_eq!(code(&v), ("VALIDATION", Some(*field)), "{q} {vars}: {v}");
    }
    assert_eq!(s.head().await, head, "no refused input was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutations_beyond_the_rate_limit_get_rate_limited_with_a_retry_hint() {
    let s = Server::start(&[("CANYU_RATE_LIMIT_ACCOUNT", "1"), ("CANYU_RATE_LIMIT_CLIENT", "1000")]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let q = "mutation($n: String!) { registerUnit(input: {name: $n}) { position } }";
    let mut limited = None;
    let mut ok = 0;
    for i in 0..20 {
        let before = s.head().await;
        let v = s.gql(Some(&admin), q, json!({"n": format!("单位{i}")})).await;
        match outcome(&v).as_str() {
            "OK" => ok += 1,
            "RATE_LIMITED" => {
                assert_eq!(s.head().await, before, "a refused mutation writes nothing");
                limited = Some(v);
                break;
            }
            other => panic!("unexpected {other}: {v}"),
        }
    }
    let v = limited.expect("the account's burst (4) runs out within 20 quick mutations");
    assert!(ok >= 3, "the burst went through first ({ok})");
    assert!(v["errors"][0]["extensions"]["retryAfter"].as_u64().is_some_and(|s| s >= 1), "{v}");
    // Queries are not rate limited, and another account still has its own budget.
    assert!(s.gql(Some(&admin), "{ units { id } }", json!({})).await.get("errors").is_none());
    let (_, other) = s.register("someone", "某人").await;
    let v = s.gql(Some(&other), "{ me { id } }", json!({})).await;
    assert!(v.get("errors").is_none());
    // After the hint, the account may write again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(outcome(&s.gql(Some(&admin), q, json!({"n": "稍后的单位"})).await), "OK");

    // The per-client limit applies to anonymous callers too.
    let s2 = Server::start(&[("CANYU_RATE_LIMIT_CLIENT", "1")]);
    let reg =
        "mutation($u: String!) { registerAccount(input: {username: $u, password: \"password-123\", displayName: \"某\"}) { position } }";
    let mut codes = Vec::new();
    for i in 0..8 {
        codes.push(outcome(&s2.gql(None, reg, json!({"u": format!("anon-{i}")})).await));
    }
    assert!(codes.iter().any(|c| c == "RATE_LIMITED"), "{codes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_security_headers_and_cors_is_closed_unless_configured() {
    let s = Server::start(&[]);
    let check = |r: &reqwest::Response, what: &str| {
        let h = r.headers();
        let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{what}: no CSP"));
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{what}");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{what}");
    };
    for path in ["/graphql", "/healthz", "/", "/no-such-page"] {
        let r = s.http.get(format!("{}{path}", s.url)).send().await.unwrap();
        check(&r, path);
    }
    let r = s.http.post(format!("{}/graphql", s.url)).json(&json!({"query": "{ units { id } }"})).send().await.unwrap();
    check(&r, "POST /graphql");
    let r = s.http.post(format!("{}/graphql", s.url)).body(b"not json".to_vec()).send().await.unwrap();
    check(&r, "a refused body");

    // CORS closed: no allow-origin for a foreign origin, on a preflight or a request.
    let pre = |url: String, origin: &'static str| {
        s.http
            .request(reqwest::Method::OPTIONS, url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, authorization")
            .send()
    };
    let r = pre(format!("{}/graphql", s.url), "https://evil.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none(), "CORS must be closed by default");
    let r = s
        .http
        .post(format!("{}/graphql", s.url))
        .header("origin", "https://evil.example")
        .json(&json!({"query": "{ units { id } }"}))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());

    // Configured: only the listed origin.
    let open = Server::start(&[("CANYU_CORS_ORIGINS", "https://canyu.example.gov.cn")]);
    let r = pre(format!("{}/graphql", open.url), "https://canyu.example.gov.cn").await.unwrap();
    assert_eq!(r.headers().get("access-control-allow-origin").unwrap(), "https://canyu.example.gov.cn");
    let r = pre(format!("{}/graphql", open.url), "https://evil.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

/// Issue 10: a cross-site `text/plain` POST (which a browser sends without a CORS preflight)
/// ran anonymous mutations such as `registerAccount`. Only JSON bodies are accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_that_is_not_declared_json_is_refused_and_writes_nothing() {
    let s = Server::start(&[]);
    let body = json!({"query": "mutation { registerAccount(input: {username: \"csrf-victim\", password: \"password-123\", displayName: \"跨站\"}) { token } }"}).to_string();
    let before = s.head().await;
    for content_type in
        ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]
    {
        let mut req = s.http.post(format!("{}/graphql", s.url)).header("origin", "https://evil.example").body(body.clone());
        if !content_type.is_empty() {
            req = req.header("content-type", content_type);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 415, "{content_type:?}");
        assert_eq!(r.headers().get("accept").and_then(|v| v.to_str().ok()), Some("application/json"));
        let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(v["errors"][0]["extensions"]["code"], "UNSUPPORTED_MEDIA_TYPE", "{content_type:?}: {v}");
    }
    assert_eq!(s.head().await, before, "nothing was written");
    for content_type in ["application/json; charset=utf-8", "Application/JSON", "application/graphql-response+json"] {
        let q = json!({"query": "{ units { id } }"}).to_string();
        let r = s.http.post(format!("{}/graphql", s.url)).header("content-type", content_type).body(q).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{content_type}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_arrives_too_slowly_is_cut_off_with_a_code() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = Server::start(&[("CANYU_REQUEST_BODY_TIMEOUT", "1")]);
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // Promises 100 bytes, sends 10, and then nothing.
    let head =
        format!("POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"query\":");
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(15), async {
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(15).any(|w| w == b"REQUEST_TIMEOUT") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered instead of waiting for ever");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("REQUEST_TIMEOUT"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_locations_point_into_the_document_or_are_left_out() {
    let s = Server::start(&[]);
    let mut answers = Vec::new();
    // Refused before execution: by the limits, by validation, by parsing; and outside the
    // schema (a batch).
    let aliases: String = (0..6).map(|i| format!("u{i}: registerUnit(input: {{name: \"单位{i}\"}}) {{ position }} ")).collect();
    answers.push(s.gql(None, &format!("mutation {{ {aliases} }}"), json!({})).await);
    answers.push(s.gql(None, "{\n  noSuchField\n}", json!({})).await);
    answers.push(s.gql(None, "{ units { id }", json!({})).await);
    answers.push(raw(&s, None, serde_json::to_vec(&Value::Array(vec![json!({"query": "{ units { id } }"}); 11])).unwrap()).await.1);
    for v in &answers {
        let errors = v["errors"].as_array().unwrap_or_else(|| panic!("errors expected: {v}"));
        for e in errors {
            for l in e["locations"].as_array().into_iter().flatten() {
                assert!(l["line"].as_u64() >= Some(1) && l["column"].as_u64() >= Some(1), "{v}");
            }
        }
    }
    assert_eq!(answers[1]["errors"][0]["locations"][0]["line"], 2, "validation points at the field: {}", answers[1]);
    assert!(answers[0]["errors"][0].get("locations").is_none_or(|l| l.as_array().is_some_and(Vec::is_empty)), "{}", answers[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn display_names_cannot_impersonate_offices_staff_or_placeholders() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (_, staff_id, _) = unit_with_staff(&s, &admin, "市交通运输局", "交通科 李科员").await;
    let head = s.head().await;
    let q = "mutation($u: String!, $d: String!) { registerAccount(input: {username: $u, password: \"password-123\", displayName: $d}) { token } }";
    let names = [
        "市政务公开办",
        "滕州市政府",
        "市交通运输局",
        "交通科 李科员",
        "交通科  李科员",
        "已注销居民",
        "李\u{200B}明",
        "\u{202E}明李",
        "李\u{2028}明",
    ];
    for (i, name) in names.iter().enumerate() {
        let v = s.gql(None, q, json!({"u": format!("imposter{i}"), "d": name})).await;
        assert_eq!(code(&v), ("VALIDATION", Some("displayName")), "{name:?} was accepted: {v}");
    }
    assert_eq!(s.head().await, head, "nothing refused was written");
    // Full-width forms are folded (NFKC) before they are shown.
    let v = s.ok(None, "mutation { registerAccount(input: {username: \"fullwidth\", password: \"password-123\", displayName: \"ＬＩ　Ｍｉｎｇ\"}) { account { displayName } } }", json!({})).await;
    assert_eq!(v["registerAccount"]["account"]["displayName"], "LI Ming");
    // Once the staff member is a resident again, the name is free.
    s.ok(Some(&admin), "mutation($a: ID!) { grantRole(input: {accountId: $a, role: RESIDENT}) { position } }", json!({"a": staff_id}))
        .await;
    let v = s.gql(None, q, json!({"u": "namesake", "d": "交通科 李科员"})).await;
    assert_eq!(outcome(&v), "OK", "{v}");
}
