//! Personal data (PIPL): unique canary names, phone numbers, usernames and display names are
//! planted, a decision runs through its public steps, two people are erased (by the admin
//! mutation and by `canyu admin erase-person`), and then every public GraphQL response, every
//! log line of the server (stderr, `CANYU_LOG=debug`), the export and the event log are
//! scanned for them. The history still verifies and the erased resident's comment remains.

mod support;

use serde_json::json;
use support::*;

const NAME_A: &str = "金丝雀赵钱孙";
const PHONE_A: &str = "13955501234";
const USER_A: &str = "canary-user-a";
const DISPLAY_A: &str = "金丝雀昵称甲";
const NAME_B: &str = "金丝雀周吴郑";
const PHONE_B: &str = "13955505678";
const USER_B: &str = "canary-user-b";
const DISPLAY_B: &str = "金丝雀昵称乙";

fn assert_clean(what: &str, text: &str, canaries: &[&str]) {
    for c in canaries {
        assert!(!text.contains(c), "{what} contains the canary {c:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erased_people_leave_no_personal_data_in_responses_logs_exports_or_read_models() {
    let mut s = Server::start(&[("CANYU_LOG", "debug")]);
    let mut public = Vec::<String>::new();
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let unit = s.ok(Some(&admin), "mutation { registerUnit(input: {name: \"市住房和城乡建设局\"}) { unit { id } } }", json!({})).await["registerUnit"]["unit"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (staff_id, staff) = s.register("staff", "住建局工作人员").await;
    s.ok(
        Some(&admin),
        "mutation($a: ID!, $u: ID!) { grantRole(input: {accountId: $a, role: UNIT_STAFF, unitId: $u}) { position } }",
        json!({"a": staff_id, "u": unit}),
    )
    .await;
    let (a_id, a) = s.register(USER_A, DISPLAY_A).await;
    let (b_id, b) = s.register(USER_B, DISPLAY_B).await;
    let f = fixture(&s, &admin, &staff, &a, &unit).await;
    let hearing = f.hearing.clone();
    // The fixture signed A up as 王五; sign B up with the canaries, and A again elsewhere.
    s.ok(Some(&b), SIGNUP, json!({"h": hearing, "n": NAME_B, "p": PHONE_B})).await;
    let withdraw = "mutation($s: ID!) { withdrawHearingSignup(input: {signupId: $s}) { signup { status } } }";
    s.ok(Some(&a), withdraw, json!({"s": f.signup})).await;
    s.ok(Some(&a), SIGNUP, json!({"h": hearing, "n": NAME_A, "p": PHONE_A})).await;
    let comment = "mutation($c: ID!, $b: String!) { submitComment(input: {consultationId: $c, body: $b}) { comment { id } } }";
    let a_comment = s.ok(Some(&a), comment, json!({"c": f.consultation, "b": "甲的公开意见"})).await["submitComment"]["comment"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The organisers see the canaries on the roster before erasure (so the scan is meaningful).
    let roster = "query($h: ID!) { hearing(id: $h) { roster { displayName fullName phone } } }";
    let r = s.ok(Some(&staff), roster, json!({"h": hearing})).await.to_string();
    assert!(r.contains(NAME_A) && r.contains(PHONE_B), "sanity: the roster opens sealed data: {r}");

    // Erase A with the admin mutation.
    let erase = "mutation($a: ID!) { erasePerson(input: {accountId: $a}) { position account { id displayName role } } }";
    let e = s.ok(Some(&admin), erase, json!({"a": a_id})).await;
    assert_eq!(e["erasePerson"]["account"]["displayName"], "已注销居民");
    let again = s.gql(Some(&admin), erase, json!({"a": a_id})).await;
    assert_eq!(again["errors"][0]["extensions"]["reason"], "ACCOUNT_ALREADY_ERASED");
    // A's token and password stop working at once.
    assert_eq!(outcome(&s.gql(Some(&a), "{ me { id } }", json!({})).await), "UNAUTHENTICATED");
    let login = "mutation($u: String!) { login(input: {username: $u, password: \"password-123\"}) { token } }";
    assert_eq!(outcome(&s.gql(None, login, json!({"u": USER_A})).await), "UNAUTHENTICATED");
    // The roster no longer opens A's data; B's is still there.
    let r = s.ok(Some(&staff), roster, json!({"h": hearing})).await.to_string();
    assert_clean("the roster after erasure", &r, &[NAME_A, PHONE_A, DISPLAY_A]);
    assert!(r.contains(NAME_B), "only A was erased: {r}");
    assert!(r.contains("已注销居民"), "{r}");

    // Everything a member of the public can ask.
    let full = "query($id: ID!, $at: DateTime) { decision(id: $id, asOf: $at) { title stage consultations { commentCount comments(first: 100) { edges { node { id body hidden } } } } \
        hearings { signupCount seatsTaken participants { displayName } } opinions { summary } history(first: 100) { edges { node { kind summary actor } } } } }";
    for at in [json!(null), json!(ts(chrono::Duration::seconds(1)))] {
        let v = s.gql(None, full, json!({"id": f.decision, "at": at})).await.to_string();
        assert!(v.contains(&a_comment), "the erased resident's comment remains: {v}");
        public.push(v);
    }
    public.push(
        s.gql(None, "{ units { name } catalogue(year: 2021) { items { title } } decisions { edges { node { id title } } } }", json!({}))
            .await
            .to_string(),
    );
    public.push(
        s.gql(Some(&b), "{ me { displayName hearingSignups { status displayName } comments { body } } }", json!({})).await.to_string(),
    );
    assert_clean("a public response", &public.join("\n"), &[NAME_A, PHONE_A, USER_A, DISPLAY_A, NAME_B, PHONE_B, USER_B]);

    // Erase B from the command line (one process owns the data directory: stop serve first).
    s.stop();
    let out =
        canyu().args(["admin", "erase-person", "--account", &b_id, "--data-dir"]).arg(&s.dir).env("CANYU_LOG", "debug").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli_log = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let verify = canyu().args(["verify", "--data-dir"]).arg(&s.dir).output().unwrap();
    assert!(verify.status.success(), "the hash chains still verify: {}", String::from_utf8_lossy(&verify.stderr));
    let export = s.dir.join("export.json");
    let out = canyu().args(["export", "--data-dir"]).arg(&s.dir).arg("--out").arg(&export).env("CANYU_LOG", "debug").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let exported = std::fs::read_to_string(&export).unwrap();
    assert!(exported.contains("甲的公开意见"), "the export has the public record, with the erased resident's comment");
    let all = [NAME_A, PHONE_A, USER_A, DISPLAY_A, NAME_B, PHONE_B, USER_B, DISPLAY_B];
    assert_clean("the export", &exported, &all);

    // Back up: B is gone everywhere too, and the read models rebuilt from the log agree.
    s.restart();
    let r = s.ok(Some(&staff), roster, json!({"h": hearing})).await.to_string();
    assert_clean("the roster after both erasures", &r, &all);
    let v = s.gql(None, full, json!({"id": f.decision, "at": null})).await.to_string();
    assert_clean("the decision after restart", &v, &all);
    s.stop();

    // Logs: the server's stderr at debug level, and the commands'.
    let logs = std::fs::read_to_string(&s.log).unwrap() + &cli_log + &String::from_utf8_lossy(&out.stderr);
    assert!(logs.lines().count() > 5, "sanity: logs were captured");
    assert_clean("the logs", &logs, &[NAME_A, PHONE_A, USER_A, NAME_B, PHONE_B, USER_B, DISPLAY_A, DISPLAY_B]);
    // The event log never held names, phones or usernames in plain text.
    for file in ["events.db", "events.db-wal"] {
        let bytes = std::fs::read(s.dir.join(file)).unwrap_or_default();
        assert_clean(file, &String::from_utf8_lossy(&bytes), &[NAME_A, PHONE_A, USER_A, NAME_B, PHONE_B, USER_B]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_name_nobody_and_erasure_frees_the_username() {
    let s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, _, staff) = unit_with_staff(&s, &admin, "市住房和城乡建设局", "住建科 王科员").await;
    let (id, token) = s.register("walkthrough-1", "走查居民").await;
    let f = fixture(&s, &admin, &staff, &token, &unit).await;
    let q = "mutation($c: ID!) { submitComment(input: {consultationId: $c, body: \"走查意见\", idempotencyKey: \"walkthrough-1\"}) { comment { id } } }";
    let comment = s.ok(Some(&token), q, json!({"c": f.consultation})).await["submitComment"]["comment"]["id"].as_str().unwrap().to_string();

    // Neither the account id nor a keyed comment's id can be computed from a guessed name.
    let derived = canyu_app::legacy_account_id_for("walkthrough-1");
    assert_ne!(id, derived);
    for random in [&id, &comment] {
        assert_eq!(uuid::Uuid::parse_str(random).unwrap().get_version_num(), 7, "{random} is a random (v7) id");
    }
    let streams: Vec<String> = {
        let conn = rusqlite::Connection::open(s.dir.join("events.db")).unwrap();
        let mut stmt = conn.prepare("SELECT DISTINCT stream_id FROM events").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert!(streams.iter().any(|n| n.contains(&id)), "sanity: the account's stream is there: {streams:?}");
    assert!(streams.iter().all(|n| !n.contains(&derived)), "no stream is named from the username");

    // Erasure removes the name index with the key; the name may be registered again.
    let names_of = |account: &str| -> i64 {
        let conn = rusqlite::Connection::open(s.dir.join("keys.db")).unwrap();
        conn.query_row("SELECT count(*) FROM subject_names WHERE subject = ?1", [account], |r| r.get(0)).unwrap()
    };
    assert_eq!(names_of(&id), 1, "sanity: the name is indexed");
    s.ok(Some(&admin), "mutation($a: ID!) { erasePerson(input: {accountId: $a}) { position } }", json!({"a": id})).await;
    assert_eq!(names_of(&id), 0, "the erased person's name index is gone");
    let (again, _) = s.register("walkthrough-1", "另一位居民").await;
    assert_ne!(again, id);
}
