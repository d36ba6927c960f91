//! Shared by the trust tests: start the real `canyu` binary on a free port with a fresh data
//! directory (stderr captured to a file, to scan the logs), call GraphQL, read the log head.

#![allow(dead_code, reason = "each test crate uses a different subset")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "admin-password";

/// The transparency log key every gateway of a shared-store test signs with (a test key,
/// published here on purpose).
pub const TEST_LOG_KEY: &str = "PRIVATE+KEY+canyu.test/log+9bb0ffa3+ASsyu+qw13+R1C7ZX4kqMrOf9hfJgN2l3udO+DLsdfSR";

pub fn canyu() -> Command {
    Command::new(env!("CARGO_BIN_EXE_canyu"))
}

pub struct Server {
    pub child: Option<Child>,
    pub url: String,
    pub dir: PathBuf,
    pub http: reqwest::Client,
    pub env: Vec<(String, String)>,
    pub log: PathBuf,
    pub starts: usize,
}

impl Drop for Server {
    /// Stops the server and removes its data directory (`CANYU_KEEP_TEST_DIRS=1` keeps it).
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::env::var_os("CANYU_KEEP_TEST_DIRS").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Creates the admin account in `dir` before the first start.
pub fn create_admin(dir: &Path) {
    create_admin_on(dir, &[]);
}

/// Creates the admin account on a shared event store (the platform `env` names, e.g.
/// PostgreSQL), from `dir` as the command's data directory.
pub fn create_admin_on(dir: &Path, env: &[(&str, &str)]) {
    let status = canyu()
        .args(["admin", "create-user", "--username", "admin", "--password", ADMIN_PASSWORD, "--role", "admin"])
        .envs(env.iter().copied())
        .env("CANYU_DATA_DIR", dir)
        .env("CANYU_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run canyu admin");
    assert!(status.success(), "create-user failed");
}

impl Server {
    /// A server on a fresh directory with an admin account; rate limits (mutations, query points,
    /// sign-ins) off unless `env` sets them.
    pub fn start(env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        create_admin(&dir);
        Self::start_in(dir, env)
    }

    pub fn start_in(dir: PathBuf, env: &[(&str, &str)]) -> Server {
        let mut all: Vec<(String, String)> = [
            "CANYU_RATE_LIMIT_CLIENT",
            "CANYU_RATE_LIMIT_ACCOUNT",
            "CANYU_QUERY_RATE_LIMIT_CLIENT",
            "CANYU_LOGIN_RATE_LIMIT_CLIENT",
            "CANYU_LOGIN_RATE_LIMIT_USERNAME",
        ]
        .iter()
        .map(|k| (k.to_string(), "0".to_string()))
        .collect();
        all.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let mut s =
            Server { child: None, url: String::new(), log: dir.join("stderr.log"), dir, http: reqwest::Client::new(), env: all, starts: 0 };
        s.restart();
        s
    }

    /// Starts (again) on the same directory; stderr is appended to `log`.
    pub fn restart(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).expect("log file");
        let mut cmd = canyu();
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"]).arg(&self.dir).env("CANYU_LOG", "info");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(log).spawn().expect("start canyu serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            assert!(reader.read_line(&mut line).expect("read stdout") > 0, "canyu serve exited before listening");
            if let Some(addr) = line.trim().strip_prefix("listening on ") {
                self.url = addr.to_string();
                break;
            }
        }
        std::thread::spawn(move || for _ in reader.lines() {});
        self.child = Some(child);
        self.starts += 1;
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait (graceful shutdown).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }

    pub async fn post(&self, token: Option<&str>, body: &Value, key: Option<&str>) -> Value {
        let mut req = self.http.post(format!("{}/graphql", self.url)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let text = req.send().await.expect("request").text().await.expect("body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.post(token, &json!({"query": query, "variables": variables}), None).await
    }

    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let v = self.gql(token, query, variables).await;
        assert!(v.get("errors").is_none(), "unexpected errors: {v}");
        v["data"].clone()
    }

    /// The log head, from `/healthz`.
    pub async fn head(&self) -> u64 {
        let t = self.http.get(format!("{}/healthz", self.url)).send().await.expect("healthz").text().await.expect("body");
        t.split_whitespace().find_map(|w| w.strip_prefix("head=")).and_then(|h| h.parse().ok()).unwrap_or_else(|| panic!("healthz: {t}"))
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let q = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }";
        self.ok(None, q, json!({"u": username, "p": password})).await["login"]["token"].as_str().expect("token").to_string()
    }

    /// Registers a resident; returns (account id, token).
    pub async fn register(&self, username: &str, display_name: &str) -> (String, String) {
        let q = "mutation($u: String!, $d: String!) { registerAccount(input: {username: $u, password: \"password-123\", displayName: $d}) { token account { id } } }";
        let r = self.ok(None, q, json!({"u": username, "d": display_name})).await;
        (r["registerAccount"]["account"]["id"].as_str().unwrap().to_string(), r["registerAccount"]["token"].as_str().unwrap().to_string())
    }
}

/// The first error's `extensions`, or `OK` when the response has no errors.
pub fn outcome(v: &Value) -> String {
    match v.get("errors") {
        None => "OK".to_string(),
        Some(e) => e[0]["extensions"]["code"].as_str().unwrap_or("?").to_string(),
    }
}

pub fn ts(d: chrono::Duration) -> String {
    (chrono::Utc::now() + d).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Publishes `year`'s catalogue (its items become public) unless it already is.
pub async fn publish_catalogue(s: &Server, admin: &str, year: i32) {
    let published = s.ok(Some(admin), "query($y: Int!) { catalogue(year: $y) { published } }", json!({"y": year})).await;
    if published["catalogue"]["published"] != true {
        s.ok(Some(admin), "mutation($y: Int!) { publishCatalogue(input: {year: $y}) { position } }", json!({"y": year})).await;
    }
}

/// A decision of `unit` with background, draft, an open ONLINE consultation, a comment by
/// `resident`, an opinion grouping it, a FIRST_COME hearing with `resident` signed up, and a
/// LOTTERY hearing whose sign-up has closed.
pub struct Fixture {
    pub decision: String,
    pub consultation: String,
    pub comment: String,
    pub opinion: String,
    /// Grouped from offline input (no comments): its adoption need not wait for the close.
    pub offline_opinion: String,
    pub hearing: String,
    pub lottery: String,
    pub signup: String,
}

pub async fn fixture(s: &Server, admin: &str, staff: &str, resident: &str, unit: &str) -> Fixture {
    // The reason counts only when the 2021 catalogue is already published (a second fixture).
    let reg = "mutation($u: ID!) { registerDecision(input: {year: 2021, title: \"停车设施管理办法\", summary: \"缓解停车难\", undertakingUnitId: $u, disclosure: PUBLIC, additionReason: \"年度中增补\"}) { decision { id } } }";
    let decision = s.ok(Some(admin), reg, json!({"u": unit})).await["registerDecision"]["decision"]["id"].as_str().unwrap().to_string();
    publish_catalogue(s, admin, 2021).await;
    let v = json!({"id": decision});
    s.ok(Some(staff), "mutation($id: ID!) { publishBackground(input: {decisionId: $id, text: \"背景\"}) { position } }", v.clone()).await;
    s.ok(
        Some(staff),
        "mutation($id: ID!) { publishDraft(input: {decisionId: $id, text: \"第一条 总则。\\n第二条 标准。\"}) { position } }",
        v.clone(),
    )
    .await;
    let open = "mutation($id: ID!, $o: DateTime!, $c: DateTime!) { openConsultation(input: {decisionId: $id, channel: ONLINE, opensAt: $o, closesAt: $c}) { consultation { id } } }";
    let consultation = s
        .ok(Some(staff), open, json!({"id": decision, "o": ts(chrono::Duration::seconds(-1)), "c": ts(chrono::Duration::days(31))}))
        .await["openConsultation"]["consultation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let comment = s
        .ok(
            Some(resident),
            "mutation($c: ID!) { submitComment(input: {consultationId: $c, body: \"建议提高配建标准\"}) { comment { id } } }",
            json!({"c": consultation}),
        )
        .await["submitComment"]["comment"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let opinion = s
        .ok(Some(staff), "mutation($id: ID!, $c: ID!) { consolidateOpinion(input: {decisionId: $id, summary: \"提高标准\", commentIds: [$c]}) { opinion { id } } }", json!({"id": decision, "c": comment}))
        .await["consolidateOpinion"]["opinion"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let offline_opinion = s
        .ok(
            Some(staff),
            "mutation($id: ID!) { consolidateOpinion(input: {decisionId: $id, summary: \"座谈会上的意见\"}) { opinion { id } } }",
            json!({"id": decision}),
        )
        .await["consolidateOpinion"]["opinion"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let schedule = "mutation($id: ID!, $s: DateTime!, $c: DateTime!, $m: SelectionMethod!) { scheduleHearing(input: {decisionId: $id, startsAt: $s, venue: \"听证室\", capacity: 50, signupClosesAt: $c, selectionMethod: $m, selectionRules: \"规则\", stakeholderGroups: [\"城区居民\"]}) { hearing { id } } }";
    let hearing = s
        .ok(
            Some(staff),
            schedule,
            json!({"id": decision, "s": ts(chrono::Duration::days(12)), "c": ts(chrono::Duration::days(3)), "m": "FIRST_COME"}),
        )
        .await["scheduleHearing"]["hearing"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let lottery = s
        .ok(
            Some(staff),
            schedule,
            json!({"id": decision, "s": ts(chrono::Duration::days(2)), "c": ts(chrono::Duration::days(-6)), "m": "LOTTERY"}),
        )
        .await["scheduleHearing"]["hearing"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let signup =
        s.ok(Some(resident), SIGNUP, json!({"h": hearing, "n": "王五", "p": "13700000000"})).await["signUpForHearing"]["signup"]["id"]
            .as_str()
            .unwrap()
            .to_string();
    Fixture { decision, consultation, comment, opinion, offline_opinion, hearing, lottery, signup }
}

pub const SIGNUP: &str = "mutation($h: ID!, $n: String!, $p: String!) { signUpForHearing(input: {hearingId: $h, fullName: $n, phone: $p, stakeholderGroup: \"城区居民\"}) { signup { id status } } }";

/// A request for `mutation` (one of every kind) against `f`; `year` for `publishCatalogue`.
pub async fn mutation_request(s: &Server, unit: &str, f: &Fixture, mutation: &str, year: i32) -> (String, Value) {
    let q = |body: &str| {
        let vars: Vec<&str> = [("$id", "$id: ID!"), ("$x", "$x: ID!"), ("$t", "$t: DateTime!")]
            .iter()
            .filter(|(v, _)| body.contains(&format!("{v},")) || body.contains(&format!("{v}}}")) || body.contains(&format!("{v} ")))
            .map(|(_, d)| *d)
            .collect();
        let head = if vars.is_empty() { String::new() } else { format!("({})", vars.join(", ")) };
        format!("mutation{head} {{ {mutation}(input: {body}) {{ position }} }}")
    };
    let d = &f.decision;
    let (body, x) = match mutation {
        "registerUnit" => ("{name: \"新单位\"}".to_string(), Value::Null),
        "grantRole" => {
            let (acc, _) = s.register(&format!("g{}", &uuid::Uuid::new_v4().simple().to_string()[..20]), "某居民").await;
            ("{accountId: $x, role: RESIDENT}".to_string(), json!(acc))
        }
        "erasePerson" => {
            let (acc, _) = s.register(&format!("e{}", &uuid::Uuid::new_v4().simple().to_string()[..20]), "某居民").await;
            ("{accountId: $x}".to_string(), json!(acc))
        }
        "registerDecision" => (
            "{year: 2021, title: \"新事项\", undertakingUnitId: $x, disclosure: PUBLIC, additionReason: \"年度中增补\"}".to_string(),
            json!(unit),
        ),
        "publishCatalogue" => (format!("{{year: {year}}}"), Value::Null),
        "publishBackground" => ("{decisionId: $id, text: \"新背景\"}".to_string(), Value::Null),
        "publishDraft" => ("{decisionId: $id, text: \"第一条 修改。\"}".to_string(), Value::Null),
        "openConsultation" => {
            (format!("{{decisionId: $id, channel: SYMPOSIUM, opensAt: $t, closesAt: \"{}\"}}", ts(chrono::Duration::days(1))), Value::Null)
        }
        "closeConsultation" => ("{consultationId: $x, reason: \"意见已充分\"}".to_string(), json!(f.consultation)),
        "recordParticipationActivity" => {
            ("{decisionId: $id, kind: SYMPOSIUM, heldAt: $t, summary: \"座谈会\", participantCount: 12}".to_string(), Value::Null)
        }
        "recordParticipationExemption" => {
            ("{decisionId: $id, legalBasis: \"依据有关法律规定不适用公众参与程序\"}".to_string(), Value::Null)
        }
        "submitComment" => ("{consultationId: $x, body: \"又一条意见\"}".to_string(), json!(f.consultation)),
        "hideComment" => ("{commentId: $x, reason: \"无关内容\"}".to_string(), json!(f.comment)),
        "scheduleHearing" => (
            format!(
                "{{decisionId: $id, startsAt: \"{}\", venue: \"会议室\", capacity: 5, signupClosesAt: \"{}\", selectionMethod: FIRST_COME, selectionRules: \"先到先得\", stakeholderGroups: [\"居民\"]}}",
                ts(chrono::Duration::days(20)),
                ts(chrono::Duration::days(5))
            ),
            Value::Null,
        ),
        "signUpForHearing" => {
            ("{hearingId: $x, fullName: \"赵六\", phone: \"13600000000\", stakeholderGroup: \"城区居民\"}".to_string(), json!(f.hearing))
        }
        "withdrawHearingSignup" => ("{signupId: $x}".to_string(), json!(f.signup)),
        "drawHearingParticipants" => ("{hearingId: $x, seed: \"2021-seed\"}".to_string(), json!(f.lottery)),
        "publishHearingParticipants" => ("{hearingId: $x}".to_string(), json!(f.lottery)),
        "recordHearingHeld" => ("{hearingId: $x, recordSummary: \"记录\"}".to_string(), json!(f.hearing)),
        "deliverHearingMaterials" => (
            format!("{{hearingId: $x, materials: \"征求意见稿\", deliveredAt: \"{}\"}}", ts(chrono::Duration::hours(-1))),
            json!(f.hearing),
        ),
        "publishHearingRecord" => ("{hearingId: $x, text: \"笔录\"}".to_string(), json!(f.hearing)),
        "answerHearingRecord" => ("{hearingId: $x}".to_string(), json!(f.hearing)),
        "consolidateOpinion" => ("{decisionId: $id, summary: \"线下意见\"}".to_string(), Value::Null),
        "decideAdoption" => ("{opinionId: $x, outcome: ADOPTED}".to_string(), json!(f.offline_opinion)),
        "publishFeedbackReport" => ("{decisionId: $id, summary: \"采纳情况\"}".to_string(), Value::Null),
        "recordDeliberation" => {
            ("{decisionId: $id, meetingKind: EXECUTIVE_MEETING, heldAt: $t, summary: \"审议\"}".to_string(), Value::Null)
        }
        "publishDecisionResult" => (
            "{decisionId: $id, text: \"全文\", documentNumber: \"滕政发〔2021〕1号\", effectiveAt: $t, interpretation: \"解读\"}"
                .to_string(),
            Value::Null,
        ),
        "withdrawDecision" => ("{decisionId: $id, reason: \"上位法调整\"}".to_string(), Value::Null),
        other => panic!("no request for {other}"),
    };
    (q(&body), json!({"id": d, "x": x, "t": ts(chrono::Duration::seconds(-10))}))
}

/// A WebSocket (graphql-transport-ws) subscribed to a decision's history.
pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection to `url` (`http://…`) and subscribes to the history
/// of `decision`, asking for `position kind summary`.
pub async fn subscribe_history(url: &str, decision: &str) -> Ws {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};
    let mut req = format!("{}/graphql", url.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("graphql-transport-ws"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket");
    ws.send(Message::text(json!({"type": "connection_init", "payload": {}}).to_string())).await.unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
    let q = "subscription($id: ID!) { decisionHistory(decisionId: $id) { position kind summary } }";
    ws.send(Message::text(json!({"id": "1", "type": "subscribe", "payload": {"query": q, "variables": {"id": decision}}}).to_string()))
        .await
        .unwrap();
    ws
}

/// Registers a unit and a staff account for it (as `admin`); returns the unit id, the staff
/// member's account id and token.
pub async fn unit_with_staff(s: &Server, admin: &str, unit_name: &str, staff_display: &str) -> (String, String, String) {
    let unit = s
        .ok(Some(admin), "mutation($n: String!) { registerUnit(input: {name: $n}) { unit { id } } }", json!({"n": unit_name}))
        .await["registerUnit"]["unit"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (staff_id, staff) = s.register("staff", staff_display).await;
    s.ok(
        Some(admin),
        "mutation($a: ID!, $u: ID!) { grantRole(input: {accountId: $a, role: UNIT_STAFF, unitId: $u}) { position } }",
        json!({"a": staff_id, "u": unit}),
    )
    .await;
    (unit, staff_id, staff)
}

/// Writes `n` resident accounts straight into the log of `dir` (before `serve` starts) and
/// issues their tokens with the server's secret, so that a test does not spend its time in
/// argon2. Returns `(account id, token)` pairs; the ids are random (as registration gives) and the
/// accounts have no login name, so they act only through their tokens.
pub async fn seeded_residents(dir: &Path, n: usize) -> Vec<(String, String)> {
    use canyu_eventstore::{Actor, EventMetadata, ExpectedVersion, NewEvent};
    let p = canyu::startup::Platform::open_default(dir).unwrap();
    let secret = std::fs::read(dir.join("token.secret")).unwrap();
    let tokens = canyu_app::Tokens::new(secret, chrono::Duration::hours(12));
    let mut out = Vec::new();
    for i in 0..n {
        let id = uuid::Uuid::now_v7().to_string();
        let e = canyu_domain::Event::from(canyu_domain::events::AccountRegistered {
            account_id: id.clone(),
            display_name: format!("居民{i}"),
            credential: canyu_domain::events::Sealed { subject: id.clone(), nonce: String::new(), ciphertext: String::new() },
            role: canyu_domain::values::Role::Resident,
        });
        let meta = EventMetadata {
            actor: Actor { role: "anonymous".into(), account_id: None, unit_id: None },
            correlation_id: uuid::Uuid::now_v7(),
            causation_id: None,
            idempotency_key: None,
            server_time: chrono::Utc::now(),
        };
        let new = NewEvent { id: uuid::Uuid::now_v7(), event_type: e.event_type().into(), data: e.to_data(), metadata: meta };
        p.store.append(&format!("account-{id}"), ExpectedVersion::NoStream, vec![new]).await.unwrap();
        out.push((id.clone(), tokens.issue(&id, chrono::Utc::now()).0));
    }
    out
}

/// The test PostgreSQL server's URL, or `None` (after printing SKIP) when none is configured.
pub fn postgres_url() -> Option<String> {
    match std::env::var("CANYU_TEST_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ if std::env::var("CANYU_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!("CANYU_TEST_POSTGRES_URL is not set but CANYU_REQUIRE_SERVICES=1")
        }
        _ => {
            eprintln!("SKIP: CANYU_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// A fresh schema in the test database, and the URL that uses it.
pub async fn fresh_schema(url: &str) -> String {
    let schema = format!("scale_{}", uuid::Uuid::now_v7().simple());
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect to the test server");
    tokio::spawn(conn);
    client.batch_execute(&format!("CREATE SCHEMA {schema}")).await.expect("create schema");
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}options=-c%20search_path%3D{schema}")
}

/// The test Redis server's URL, or `None` (after printing SKIP) when none is configured.
pub fn redis_url() -> Option<String> {
    match std::env::var("CANYU_TEST_REDIS_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ if std::env::var("CANYU_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!("CANYU_TEST_REDIS_URL is not set but CANYU_REQUIRE_SERVICES=1")
        }
        _ => {
            eprintln!("SKIP: CANYU_TEST_REDIS_URL is not set");
            None
        }
    }
}

/// Every document of `m` is in the read-model store, equal, at `m`'s position.
pub async fn assert_stored(store: &dyn canyu_projections::ReadModelStore, m: &canyu_projections::ReadModel) {
    use canyu_projections::documents::PROJECTION as P;
    fn json<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }
    // Compared as values: maps inside views serialise in any order.
    fn same(stored: Option<String>, expected: String) -> bool {
        let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        stored.is_some_and(|s| parse(&s) == parse(&expected))
    }
    assert_eq!(store.checkpoint(P).await.unwrap(), m.position);
    assert_eq!(store.range(P, "decision_order", 0, 100_000).await.unwrap(), m.decision_order);
    for (id, d) in &m.decisions {
        assert!(same(store.hash_get(P, "decisions", id).await.unwrap(), json(d.as_ref())), "decision {id}");
        let history = store.range(P, &format!("history:{id}"), 0, 100_000).await.unwrap();
        let expected: Vec<String> = m.histories.get(id.as_str()).into_iter().flatten().map(json).collect();
        assert_eq!(history, expected, "history of {id}");
    }
    for (id, h) in &m.hearings {
        assert_eq!(store.hash_get(P, "hearings", id).await.unwrap(), Some(json(h.as_ref())), "hearing {id}");
    }
    for (id, a) in &m.accounts {
        assert_eq!(store.hash_get(P, "accounts", id).await.unwrap(), Some(json(a)), "account {id}");
    }
    for (id, u) in &m.units {
        assert_eq!(store.hash_get(P, "units", id).await.unwrap(), Some(json(u)), "unit {id}");
    }
    for (year, c) in &m.catalogues {
        assert_eq!(store.hash_get(P, "catalogues", &year.to_string()).await.unwrap(), Some(json(c)), "catalogue {year}");
    }
    let comments = (!m.comments.is_empty()).then(|| m.comments.len().to_string());
    assert_eq!(store.get(P, "comments_len").await.unwrap(), comments);
    for (i, c) in m.comments.iter().enumerate() {
        assert_eq!(store.hash_get(P, "comments", &i.to_string()).await.unwrap(), Some(json(c)), "comment {i}");
    }
    for (table, map) in [
        ("consultation_decision", &m.consultation_decision),
        ("opinion_decision", &m.opinion_decision),
        ("signup_hearing", &m.signup_hearing),
    ] {
        for (k, v) in map {
            assert_eq!(store.hash_get(P, table, k).await.unwrap().as_ref(), Some(v), "{table} {k}");
        }
    }
    for (decision, n) in &m.ungrouped {
        assert_eq!(store.hash_get(P, "dashboard", decision).await.unwrap(), Some(n.to_string()), "ungrouped comments of {decision}");
    }
    for (account, signups) in &m.account_signups {
        assert_eq!(store.hash_get(P, "account_signups", account).await.unwrap(), Some(json(signups)), "sign-ups of {account}");
    }
}
