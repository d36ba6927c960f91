//! Crash safety: `canyu serve` as a child process, concurrent clients writing comments,
//! hearing sign-ups and adoption decisions, each with an idempotency key, and SIGKILL at a
//! random moment, five rounds. After each kill: the hash chains verify (no partial event, no
//! gap); after the restart every acknowledged write is present exactly once, every
//! unacknowledged write retried with its key has exactly one effect, and the read models
//! (dumped through GraphQL) equal a rebuild from position 0 (the dump after the next restart).

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use support::*;

const ROUNDS: usize = 5;
const CLIENTS: usize = 12;
const RESIDENTS: usize = 300;
const OPINIONS: usize = 120;

#[derive(Clone, Debug)]
enum Op {
    Comment,
    Signup { resident: usize },
    Adopt { opinion: usize, outcome: &'static str },
}

#[derive(Clone, Debug)]
struct Attempt {
    op: Op,
    key: String,
    token: String,
    body: Value,
}

/// What the clients saw: acknowledged results, and attempts without an answer.
#[derive(Default)]
struct Ledger {
    acked: Vec<(Attempt, Value)>,
    refused: usize,
    unanswered: Vec<Attempt>,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const COMMENT: &str = "mutation($c: ID!, $b: String!) { submitComment(input: {consultationId: $c, body: $b}) { position comment { id } } }";
const DECIDE: &str = "mutation($o: ID!, $out: AdoptionOutcome!, $r: String) { decideAdoption(input: {opinionId: $o, outcome: $out, rationale: $r}) { position opinion { id adoption { outcome } } } }";

/// Sends one attempt; `None` when no answer came (the server died under it).
async fn send(url: &str, http: &reqwest::Client, a: &Attempt) -> Option<Value> {
    let r = http
        .post(format!("{url}/graphql"))
        .bearer_auth(&a.token)
        .header("idempotency-key", &a.key)
        .json(&a.body)
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .ok()?;
    r.json::<Value>().await.ok()
}

/// The whole public and organiser view of the decision, paged, as one JSON value.
async fn dump(s: &Server, staff: &str, decision: &str, consultation: &str, hearing: &str) -> Value {
    let mut comments = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let v = s
            .ok(None, "query($c: ID!, $a: String) { consultation(id: $c) { comments(first: 100, after: $a) { pageInfo { hasNextPage endCursor } edges { node { id body submittedAt opinionId } } } } }", json!({"c": consultation, "a": after}))
            .await;
        let page = &v["consultation"]["comments"];
        comments.extend(page["edges"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    let mut history = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let v = s
            .ok(None, "query($id: ID!, $a: String) { decision(id: $id) { history(first: 100, after: $a) { pageInfo { hasNextPage endCursor } edges { node { position at kind summary actor subjectId } } } } }", json!({"id": decision, "a": after}))
            .await;
        let page = &v["decision"]["history"];
        history.extend(page["edges"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    let d = s
        .ok(Some(staff), "query($id: ID!, $h: ID!) { decision(id: $id) { stage opinions { id summary adoption { outcome rationale decidedAt } } consultations { id commentCount } } hearing(id: $h) { seatsTaken roster { signupId displayName status submittedAt } } }", json!({"id": decision, "h": hearing}))
        .await;
    json!({"decision": d, "comments": comments, "history": history})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_exactly_once_and_retries_have_one_effect() {
    let dir = tempfile::tempdir().unwrap().keep();
    create_admin(&dir);
    let crowd = Arc::new(seeded_residents(&dir, RESIDENTS).await.into_iter().map(|(_, t)| t).collect::<Vec<_>>());
    let mut s = Server::start_in(dir.clone(), &[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, _, staff) = unit_with_staff(&s, &admin, "市住房和城乡建设局", "住建局工作人员").await;
    let f = fixture(&s, &admin, &staff, &crowd[0], &unit).await;
    let mut opinions = Vec::new();
    for i in 0..OPINIONS {
        let v = s
            .ok(
                Some(&staff),
                "mutation($id: ID!, $n: String!) { consolidateOpinion(input: {decisionId: $id, summary: $n}) { opinion { id } } }",
                json!({"id": f.decision, "n": format!("意见{i}")}),
            )
            .await;
        opinions.push(v["consolidateOpinion"]["opinion"]["id"].as_str().unwrap().to_string());
    }
    let opinions = Arc::new(opinions);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    println!("crash test seed {seed}");
    let mut rng = Rng(seed);

    let mut kills = 0;
    let mut acked_checked = 0;
    let mut retried = 0;
    let mut comment_keys: HashSet<String> = HashSet::new();
    let mut comment_ids: HashMap<String, String> = HashMap::new(); // key → id
    let mut adoptions: HashMap<usize, String> = HashMap::new(); // opinion → acknowledged outcome
    let mut signups: HashMap<usize, String> = HashMap::new(); // resident → signup id
    let next_comment = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let next_resident = Arc::new(std::sync::atomic::AtomicUsize::new(1));

    for round in 0..ROUNDS {
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let http = reqwest::Client::new();
        let mut tasks = Vec::new();
        for c in 0..CLIENTS {
            let (ledger, stop, http, url) = (ledger.clone(), stop.clone(), http.clone(), s.url.clone());
            let (crowd, opinions, consultation, hearing) = (crowd.clone(), opinions.clone(), f.consultation.clone(), f.hearing.clone());
            let (next_comment, next_resident) = (next_comment.clone(), next_resident.clone());
            let (staff, admin) = (staff.clone(), admin.clone());
            let mut rng = Rng(seed ^ ((round * 100 + c + 1) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let pick = rng.below(10);
                    let a = if pick < 6 {
                        let n = next_comment.fetch_add(1, Ordering::SeqCst);
                        let token = crowd[n % crowd.len()].clone();
                        Attempt {
                            op: Op::Comment,
                            key: format!("comment-{n}"),
                            token,
                            body: json!({"query": COMMENT, "variables": {"c": consultation, "b": format!("第{n}条意见")}}),
                        }
                    } else if pick < 8 {
                        let r = next_resident.fetch_add(1, Ordering::SeqCst);
                        if r >= crowd.len() {
                            continue;
                        }
                        let body = json!({"query": SIGNUP, "variables": {"h": hearing, "n": format!("姓名{r}"), "p": "13800000000"}});
                        Attempt { op: Op::Signup { resident: r }, key: format!("signup-{r}"), token: crowd[r].clone(), body }
                    } else {
                        let o = rng.below(opinions.len() as u64) as usize;
                        let (outcome, token) = if rng.below(2) == 0 { ("ADOPTED", staff.clone()) } else { ("NOT_ADOPTED", admin.clone()) };
                        let body = json!({"query": DECIDE, "variables": {"o": opinions[o], "out": outcome, "r": "理由"}});
                        Attempt { op: Op::Adopt { opinion: o, outcome }, key: format!("adopt-{o}-{outcome}-{}", rng.next()), token, body }
                    };
                    match send(&url, &http, &a).await {
                        Some(v) if v.get("errors").is_none() => ledger.lock().unwrap().acked.push((a, v)),
                        Some(v) => {
                            let code = v["errors"][0]["extensions"]["code"].as_str().unwrap_or("").to_string();
                            assert!(code == "REJECTED" || code == "CONFLICT", "unexpected refusal {v} for {a:?}");
                            ledger.lock().unwrap().refused += 1;
                        }
                        None => {
                            ledger.lock().unwrap().unanswered.push(a);
                            return;
                        }
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(300 + rng.below(900))).await;
        s.kill();
        kills += 1;
        stop.store(true, Ordering::SeqCst);
        for t in tasks {
            t.await.unwrap();
        }

        // Right after the kill, before anything repairs the files: every chain verifies.
        let out = canyu().args(["verify", "--data-dir"]).arg(&dir).env("CANYU_LOG", "warn").output().unwrap();
        assert!(out.status.success(), "round {round}: verify failed: {}", String::from_utf8_lossy(&out.stderr));

        s.restart();
        let ledger = std::mem::take(&mut *ledger.lock().unwrap());
        // Retry what got no answer, with the same key: one effect, whatever happened before.
        let mut answers: Vec<(Attempt, Value)> = ledger.acked.clone();
        for a in &ledger.unanswered {
            let v = send(&s.url, &http, a).await.expect("the restarted server answers");
            let again = send(&s.url, &http, a).await.expect("the restarted server answers");
            assert_eq!(v, again, "a second retry gets the same answer");
            retried += 1;
            if v.get("errors").is_none() {
                answers.push((a.clone(), v));
            } else {
                assert_eq!(v["errors"][0]["extensions"]["code"], "REJECTED", "{v}");
            }
        }
        for (a, v) in &answers {
            match &a.op {
                Op::Comment => {
                    let id = v["data"]["submitComment"]["comment"]["id"].as_str().unwrap().to_string();
                    comment_keys.insert(a.key.clone());
                    assert!(comment_ids.insert(a.key.clone(), id).is_none(), "one answer per key");
                }
                Op::Signup { resident } => {
                    let id = v["data"]["signUpForHearing"]["signup"]["id"].as_str().unwrap().to_string();
                    assert!(signups.insert(*resident, id).is_none());
                }
                Op::Adopt { opinion, outcome } => {
                    assert!(adoptions.insert(*opinion, outcome.to_string()).is_none(), "two acknowledged decisions on opinion {opinion}");
                }
            }
        }
        acked_checked += ledger.acked.len();

        // Every acknowledged or retried write is there exactly once.
        let d = dump(&s, &staff, &f.decision, &f.consultation, &f.hearing).await;
        let listed: Vec<&str> = d["comments"].as_array().unwrap().iter().map(|c| c["node"]["id"].as_str().unwrap()).collect();
        let unique: HashSet<&str> = listed.iter().copied().collect();
        assert_eq!(unique.len(), listed.len(), "a comment appears twice");
        for id in comment_ids.values() {
            assert!(unique.contains(id.as_str()), "acknowledged comment {id} is missing");
        }
        // The fixture's comment, plus one per key: no unacknowledged write slipped in twice.
        assert_eq!(listed.len(), comment_ids.len() + 1, "comments = keys answered + the fixture's");
        let roster: BTreeMap<&str, &str> = d["decision"]["hearing"]["roster"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["signupId"].as_str().unwrap(), r["displayName"].as_str().unwrap()))
            .collect();
        assert_eq!(roster.len(), signups.len() + 1, "sign-ups = residents answered + the fixture's");
        for id in signups.values() {
            assert!(roster.contains_key(id.as_str()), "acknowledged sign-up {id} is missing");
        }
        let names: HashSet<&str> = roster.values().copied().collect();
        assert_eq!(names.len(), roster.len(), "a resident signed up twice");
        for op in d["decision"]["decision"]["opinions"].as_array().unwrap() {
            // The fixture's own opinion is not part of the load.
            let Some(i) = opinions.iter().position(|o| o == op["id"].as_str().unwrap()) else { continue };
            match adoptions.get(&i) {
                Some(outcome) => assert_eq!(op["adoption"]["outcome"], outcome.as_str(), "opinion {i}"),
                None => assert!(op["adoption"].is_null(), "opinion {i} has a decision nobody was told about"),
            }
        }
        let kinds: Vec<&str> = d["history"].as_array().unwrap().iter().map(|h| h["node"]["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == "decision.adoption_decided").count(),
            adoptions.len(),
            "never two decisions on one opinion"
        );

        // The live read models (restart + retries applied incrementally) equal a rebuild.
        s.kill();
        s.restart();
        let rebuilt = dump(&s, &staff, &f.decision, &f.consultation, &f.hearing).await;
        assert!(rebuilt == d, "round {round}: the read models after a rebuild differ from the live ones");
        println!(
            "round {round}: killed; {} acknowledged, {} refused by rules, {} unanswered and retried; {} comments, {} sign-ups, {} adoption decisions so far",
            ledger.acked.len(),
            ledger.refused,
            ledger.unanswered.len(),
            comment_ids.len(),
            signups.len(),
            adoptions.len()
        );
    }
    s.stop();
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(!log.contains("does not decode"), "no partial or corrupt event was read");
    assert!(acked_checked > 50, "the load acknowledged {acked_checked} writes: too few to mean anything");
    println!(
        "crash safety: {kills} SIGKILLs, {acked_checked} acknowledged writes checked, {retried} unanswered writes retried with their key"
    );
}
