//! Concurrency over HTTP against the real binary: 500 concurrent sign-ups for a 50-seat
//! FIRST_COME hearing; withdrawals promote in arrival order; concurrent adoption decisions on
//! one opinion (one wins); the same idempotency key on every mutation (same input: the first
//! result, nothing written; different input: refused), also under concurrent retries.

mod support;

use std::sync::Arc;

use serde_json::{Value, json};
use support::*;

struct Org {
    admin: String,
    staff: String,
    resident: String,
    unit: String,
}

async fn org(s: &Server) -> Org {
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, _, staff) = unit_with_staff(s, &admin, "市住房和城乡建设局", "住建局工作人员").await;
    let (_, resident) = s.register("resident", "居民").await;
    Org { admin, staff, resident, unit }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_concurrent_signups_fill_fifty_seats_and_withdrawals_promote_in_order() {
    let dir = tempfile::tempdir().unwrap().keep();
    create_admin(&dir);
    let crowd = seeded_residents(&dir, 500).await;
    let s = Arc::new(Server::start_in(dir, &[]));
    let o = org(&s).await;
    let f = fixture(&s, &o.admin, &o.staff, &o.resident, &o.unit).await;
    let schedule = "mutation($id: ID!, $s: DateTime!, $c: DateTime!) { scheduleHearing(input: {decisionId: $id, startsAt: $s, venue: \"大礼堂\", capacity: 50, signupClosesAt: $c, selectionMethod: FIRST_COME, selectionRules: \"按报名先后\", stakeholderGroups: [\"城区居民\"]}) { hearing { id } } }";
    let hearing = s
        .ok(Some(&o.staff), schedule, json!({"id": f.decision, "s": ts(chrono::Duration::days(12)), "c": ts(chrono::Duration::days(3))}))
        .await["scheduleHearing"]["hearing"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let mut tasks = tokio::task::JoinSet::new();
    for (i, (_, token)) in crowd.iter().enumerate() {
        let (s, token, hearing) = (s.clone(), token.clone(), hearing.clone());
        tasks.spawn(async move {
            let v = s.gql(Some(&token), SIGNUP, json!({"h": hearing, "n": format!("姓名{i}"), "p": "13800000000"})).await;
            (i, v)
        });
    }
    let mut acked = vec![None; crowd.len()];
    while let Some(r) = tasks.join_next().await {
        let (i, v) = r.unwrap();
        assert!(v.get("errors").is_none(), "sign-up {i}: {v}");
        let sg = &v["data"]["signUpForHearing"]["signup"];
        acked[i] = Some((sg["id"].as_str().unwrap().to_string(), sg["status"].as_str().unwrap().to_string()));
    }
    let accepted = acked.iter().flatten().filter(|(_, st)| st == "ACCEPTED").count();
    assert_eq!(accepted, 50, "exactly 50 seats");

    let roster_q = "query($h: ID!) { hearing(id: $h) { seatsTaken roster { signupId status displayName } } }";
    let roster = |v: &Value| -> Vec<(String, String)> {
        v["hearing"]["roster"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["signupId"].as_str().unwrap().to_string(), r["status"].as_str().unwrap().to_string()))
            .collect()
    };
    let r = roster(&s.ok(Some(&o.staff), roster_q, json!({"h": hearing})).await);
    assert_eq!(r.len(), 500);
    // Arrival order is commit order: the first 50 got seats, the rest wait in that order.
    assert!(r[..50].iter().all(|(_, st)| st == "ACCEPTED") && r[50..].iter().all(|(_, st)| st == "WAITLISTED"), "{r:?}");
    let answered: std::collections::HashMap<_, _> = acked.iter().flatten().cloned().collect();
    for (id, st) in &r {
        assert_eq!(answered.get(id), Some(st), "each client was told the status the roster shows");
    }
    // Waitlist positions follow arrival order.
    let owner: std::collections::HashMap<String, usize> =
        acked.iter().enumerate().map(|(i, a)| (a.as_ref().unwrap().0.clone(), i)).collect();
    for (pos, (id, _)) in r[50..53].iter().enumerate() {
        let me = s.ok(Some(&crowd[owner[id]].1), "{ me { hearingSignups { id waitlistPosition } } }", json!({})).await;
        assert_eq!(me["me"]["hearingSignups"][0]["waitlistPosition"], pos as i64 + 1);
    }

    // Withdrawals: each freed seat goes to the first on the waitlist, in arrival order.
    let withdraw = "mutation($s: ID!) { withdrawHearingSignup(input: {signupId: $s}) { signup { status } } }";
    for k in 0..5 {
        let (id, _) = &r[k * 7];
        s.ok(Some(&crowd[owner[id]].1), withdraw, json!({"s": id})).await;
        let now = roster(&s.ok(Some(&o.staff), roster_q, json!({"h": hearing})).await);
        assert_eq!(now.iter().filter(|(_, st)| st == "ACCEPTED").count(), 50);
        for (j, (rid, st)) in now.iter().enumerate().skip(50).take(5) {
            assert_eq!((rid, st.as_str()), (&r[j].0, if j - 50 <= k { "ACCEPTED" } else { "WAITLISTED" }), "after {} withdrawals", k + 1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_adoption_decisions_on_one_opinion_leave_exactly_one_decision() {
    let s = Arc::new(Server::start(&[]));
    let o = org(&s).await;
    let f = fixture(&s, &o.admin, &o.staff, &o.resident, &o.unit).await;
    let consolidate = "mutation($id: ID!, $n: String!) { consolidateOpinion(input: {decisionId: $id, summary: $n}) { opinion { id } } }";
    let decide = "mutation($o: ID!, $out: AdoptionOutcome!, $r: String) { decideAdoption(input: {opinionId: $o, outcome: $out, rationale: $r}) { opinion { adoption { outcome } } } }";
    let rounds = 20;
    for i in 0..rounds {
        let opinion = s.ok(Some(&o.staff), consolidate, json!({"id": f.decision, "n": format!("意见{i}")})).await["consolidateOpinion"]["opinion"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let a = {
            let (s, t, op) = (s.clone(), o.staff.clone(), opinion.clone());
            tokio::spawn(async move { s.gql(Some(&t), decide, json!({"o": op, "out": "ADOPTED"})).await })
        };
        let b = {
            let (s, t, op) = (s.clone(), o.admin.clone(), opinion.clone());
            tokio::spawn(async move { s.gql(Some(&t), decide, json!({"o": op, "out": "NOT_ADOPTED", "r": "与上位法不一致"})).await })
        };
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let outcomes = [outcome(&a), outcome(&b)];
        let wins = outcomes.iter().filter(|c| *c == "OK").count();
        assert_eq!(wins, 1, "one wins: {a} / {b}");
        assert!(outcomes.iter().all(|c| c == "OK" || c == "CONFLICT" || c == "REJECTED"), "{outcomes:?}");
    }
    let v = s.ok(None, "query($id: ID!) { decision(id: $id) { opinions { adoption { outcome } } history(first: 100, kinds: [\"decision.adoption_decided\"]) { totalCount } } }", json!({"id": f.decision})).await;
    assert_eq!(v["decision"]["history"]["totalCount"], rounds, "never two decisions on one opinion");
}

/// The same mutation with one input changed: the first text literal, the channel or the year.
fn different(q: &str) -> String {
    if q.contains("outcome: ADOPTED") {
        return q.replace("outcome: ADOPTED", "outcome: NOT_ADOPTED, rationale: \"理由\"");
    }
    if q.contains("SYMPOSIUM") {
        return q.replace("SYMPOSIUM", "FIELD_VISIT");
    }
    let bytes = q.as_bytes();
    match (2..bytes.len().saturating_sub(1)).find(|&i| bytes[i] == b'"' && bytes[i - 2] == b':' && !bytes[i + 1].is_ascii_digit()) {
        Some(i) => format!("{}\"改{}", &q[..i], &q[i + 1..]),
        None => q.replace("year: 20", "year: 21"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutation_honours_its_idempotency_key() {
    let s = Arc::new(Server::start(&[]));
    let o = org(&s).await;
    let kinds = [
        "registerUnit",
        "grantRole",
        "registerDecision",
        "publishCatalogue",
        "publishBackground",
        "publishDraft",
        "openConsultation",
        "recordParticipationActivity",
        "submitComment",
        "hideComment",
        "scheduleHearing",
        "drawHearingParticipants",
        "consolidateOpinion",
        "decideAdoption",
        "withdrawDecision",
        "erasePerson",
        "signUpForHearing",
        "withdrawHearingSignup",
    ];
    for (n, kind) in kinds.iter().enumerate() {
        let f = fixture(&s, &o.admin, &o.staff, &o.resident, &o.unit).await;
        let (q, vars) = mutation_request(&s, &o.unit, &f, kind, 2040 + n as i32).await;
        let (token, other) = match *kind {
            "signUpForHearing" => (s.register(&format!("signer-{n}"), "报名者").await.1, None),
            "withdrawHearingSignup" => (o.resident.clone(), None),
            "submitComment" => (o.resident.clone(), None),
            "registerUnit" | "grantRole" | "registerDecision" | "publishCatalogue" | "erasePerson" => (o.admin.clone(), None),
            _ => (o.staff.clone(), Some(())),
        };
        let _ = other;
        let body = json!({"query": q, "variables": vars});
        let key = format!("key-{kind}");
        let first = s.post(Some(&token), &body, Some(&key)).await;
        assert!(first.get("errors").is_none(), "{kind}: {first}");
        let head = s.head().await;
        let again = s.post(Some(&token), &body, Some(&key)).await;
        assert_eq!(again["data"][kind]["position"], first["data"][kind]["position"], "{kind}: the retry gets the first result: {again}");
        assert!(again.get("errors").is_none(), "{kind}: {again}");
        assert_eq!(s.head().await, head, "{kind}: a retry writes nothing");
        // The same key with a different input is refused.
        let mut changed = body.clone();
        changed["query"] = Value::String(different(&q));
        if changed == body {
            changed["variables"]["x"] = json!("another-id");
        }
        let v = s.post(Some(&token), &changed, Some(&key)).await;
        if *kind == "withdrawHearingSignup" {
            // Its only input is the sign-up: another id names nothing of this person's.
            assert_eq!(v["errors"][0]["extensions"]["code"], "NOT_FOUND", "{kind}: {v}");
        } else {
            assert_eq!(v["errors"][0]["extensions"]["reason"], "IDEMPOTENCY_KEY_REUSED", "{kind}: {v}");
        }
        assert_eq!(s.head().await, head, "{kind}: a refused reuse writes nothing");
    }

    // Concurrent retries of one keyed request: one effect.
    let f = fixture(&s, &o.admin, &o.staff, &o.resident, &o.unit).await;
    let q = "mutation($c: ID!) { submitComment(input: {consultationId: $c, body: \"并发重试\"}) { position comment { id } } }";
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (s, t, c) = (s.clone(), o.resident.clone(), f.consultation.clone());
        tasks.spawn(async move { s.post(Some(&t), &json!({"query": q, "variables": {"c": c}}), Some("burst-key")).await });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(v) = tasks.join_next().await {
        let v = v.unwrap();
        ids.insert(v["data"]["submitComment"]["comment"]["id"].as_str().unwrap_or_else(|| panic!("{v}")).to_string());
    }
    assert_eq!(ids.len(), 1, "twenty concurrent retries, one comment");
    let v = s.ok(None, "query($id: ID!) { consultation(id: $id) { commentCount } }", json!({"id": f.consultation})).await;
    assert_eq!(v["consultation"]["commentCount"], 2, "the fixture's comment and one more");
}
