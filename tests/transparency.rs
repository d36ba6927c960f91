//! The transparency log against the real binary: checkpoints and tiles over HTTP, proofs in
//! GraphQL, record bundles exported and verified offline, tampering, a rewritten log, erasure,
//! and witnesses.

mod support;

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use canyu_translog::bundle::{Bundle, check_consistency, check_inclusion};
use canyu_translog::leaf::{Leaf, leaf_hash};
use canyu_translog::note::open_checkpoint;
use canyu_translog::verify_bundle;
use serde_json::{Value, json};
use support::*;

async fn get(s: &Server, path: &str) -> reqwest::Response {
    s.http.get(format!("{}{path}", s.url)).send().await.expect("request")
}

/// Waits until the published checkpoint covers the whole log; returns its note.
async fn checkpoint_at_head(s: &Server) -> String {
    let head = s.head().await;
    for _ in 0..100 {
        let note = get(s, "/log/checkpoint").await.text().await.unwrap();
        if note.lines().nth(1).and_then(|l| l.parse::<u64>().ok()) == Some(head) {
            return note;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no checkpoint of the whole log ({head} events) within 5 s");
}

async fn vkey(s: &Server) -> String {
    get(s, "/log/key").await.text().await.unwrap().trim().to_owned()
}

struct World {
    s: Server,
    admin: String,
    resident_id: String,
    f: Fixture,
}

async fn world(env: &[(&str, &str)]) -> World {
    let s = Server::start(env);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, _, staff) = unit_with_staff(&s, &admin, "市自然资源局", "李工").await;
    let (resident_id, resident) = s.register("resident1", "居民甲").await;
    let f = fixture(&s, &admin, &staff, &resident, &unit).await;
    World { s, admin, resident_id, f }
}

fn export(s: &Server, decision: &str, out: &Path, since: Option<&Path>) {
    let mut cmd = canyu();
    cmd.args(["record", "export", "--url", &s.url, "--decision", decision, "--out"]).arg(out);
    if let Some(since) = since {
        cmd.arg("--since").arg(since);
    }
    let output = cmd.output().expect("run canyu record export");
    assert!(output.status.success(), "export failed: {}", String::from_utf8_lossy(&output.stderr));
}

fn record_verify(bundle: &Path, vkey: &str, extra: &[&str]) -> (bool, String) {
    let output =
        canyu().args(["record", "verify"]).arg(bundle).args(["--vkey", vkey]).args(extra).output().expect("run canyu record verify");
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[tokio::test]
async fn a_record_exports_and_verifies_offline_and_any_changed_byte_fails() {
    let w = world(&[]).await;
    let s = &w.s;
    let note = checkpoint_at_head(s).await;
    let vkey = vkey(s).await;
    assert!(vkey.starts_with("canyu.local/log+"), "{vkey}");
    // The key the CLI prints from the data dir is the one served.
    let printed = canyu().args(["log", "key", "--data-dir"]).arg(&s.dir).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&printed.stdout).trim(), vkey);
    assert_eq!(open_checkpoint(&note, &vkey, &[]).unwrap().size, s.head().await);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("record.json");
    export(s, &w.f.decision, &file, None);
    let (ok, out) = record_verify(&file, &vkey, &[]);
    assert!(ok, "an untouched bundle verifies: {out}");
    assert!(out.contains("ok: checkpoint of canyu.local/log"), "{out}");

    let text = std::fs::read_to_string(&file).unwrap();
    let bundle: Bundle = serde_json::from_str(&text).unwrap();
    assert!(bundle.entries.len() >= 10, "the decision's events are in the bundle");
    assert!(bundle.entries.iter().all(|e| e.event.data.is_some()), "nothing is withheld yet");
    let kinds: Vec<&str> = bundle.entries.iter().map(|e| e.event.event_type.as_str()).collect();
    assert!(kinds.contains(&"comment.submitted.v1") && kinds.contains(&"decision.draft_published.v1"), "{kinds:?}");
    // No personal data in a bundle: the sign-up's name and phone are sealed and not shown,
    // account ids and display names are withheld.
    for secret in ["王五", "13700000000", &w.resident_id, "居民甲", "resident1"] {
        assert!(!text.contains(secret), "the bundle shows {secret}");
    }

    // The verifier pins the key: another key, or a bundle signed by another log, fails.
    let other = canyu_translog::NoteKey::generate("canyu.local/log").unwrap();
    assert!(verify_bundle(&text, &other.vkey(), &[], None).is_err());

    // One changed byte in any event, leaf, proof or the checkpoint fails verification.
    let flip_b64 = |s: &str, i: usize| -> String {
        let mut c: Vec<char> = s.chars().collect();
        if c[i] == '=' {
            return s.to_owned();
        }
        c[i] = if c[i] == 'A' { 'B' } else { 'A' };
        c.into_iter().collect()
    };
    let mut tried = 0;
    let fails = |b: &Bundle| verify_bundle(&serde_json::to_string(b).unwrap(), &vkey, &[], None).is_err();
    assert!(!fails(&bundle));
    for (n, entry) in bundle.entries.iter().enumerate() {
        for i in (0..entry.leaf.len()).step_by(7) {
            let mut b = bundle.clone();
            b.entries[n].leaf = flip_b64(&entry.leaf, i);
            if b.entries[n].leaf != entry.leaf {
                assert!(fails(&b), "leaf {n} byte {i} changed, still verifies");
                tried += 1;
            }
        }
        for (p, hash) in entry.inclusion_proof.iter().enumerate() {
            let mut b = bundle.clone();
            b.entries[n].inclusion_proof[p] = flip_b64(hash, 5);
            assert!(fails(&b), "proof hash {p} of event {n} changed, still verifies");
            tried += 1;
        }
        let data = entry.event.data.clone().unwrap();
        for i in [1, data.len() / 2, data.len() - 2] {
            let mut b = bundle.clone();
            let mut bytes = data.clone().into_bytes();
            bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
            let Ok(changed) = String::from_utf8(bytes) else { continue };
            b.entries[n].event.data = Some(changed);
            assert!(fails(&b), "data of event {n} changed at {i}, still verifies");
            tried += 1;
        }
        let mut b = bundle.clone();
        b.entries[n].event.time = b.entries[n].event.time.replace(":0", ":1");
        if b.entries[n].event.time != entry.event.time {
            assert!(fails(&b), "time of event {n} changed, still verifies");
        }
        let mut b = bundle.clone();
        b.entries[n].event.position += 1;
        assert!(fails(&b));
        let mut b = bundle.clone();
        b.entries[n].event.event_type = "decision.withdrawn.v1".into();
        assert!(fails(&b));
        let mut b = bundle.clone();
        b.entries[n].leaf_index += 1;
        assert!(fails(&b));
    }
    let cp = bundle.checkpoint.clone();
    for (i, ch) in cp.char_indices() {
        if ch == '\n' {
            continue;
        }
        let mut b = bundle.clone();
        let replacement = if ch == 'A' { "B" } else { "A" };
        b.checkpoint = format!("{}{replacement}{}", &cp[..i], &cp[i + ch.len_utf8()..]);
        assert!(fails(&b), "checkpoint byte {i} changed, still verifies");
        tried += 1;
    }
    assert!(tried > 200, "tried {tried} changes");

    // The CLI reports the first failure and exits non-zero.
    let mut b = bundle.clone();
    b.entries[0].event.data = Some(b.entries[0].event.data.clone().unwrap().replace("2021", "2022"));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&b).unwrap()).unwrap();
    let (ok, out) = record_verify(&bad, &vkey, &[]);
    assert!(!ok);
    assert!(out.contains("FAILED: event 1") && out.contains("public hash"), "{out}");
}

#[tokio::test]
async fn tiles_and_entries_over_http_rebuild_the_checkpoint_and_proofs_come_from_graphql() {
    let w = world(&[]).await;
    let s = &w.s;
    let note = checkpoint_at_head(s).await;
    let vkey = vkey(s).await;
    let cp = open_checkpoint(&note, &vkey, &[]).unwrap();
    assert!(cp.size < 256, "one partial tile at this size");
    let width = cp.size;
    // The entries: leaves, each a 16-bit length and the leaf.
    let r = get(s, &format!("/log/tile/entries/000.p/{width}")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let entries = r.bytes().await.unwrap();
    let mut leaves = Vec::new();
    let mut rest = &entries[..];
    while !rest.is_empty() {
        let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
        leaves.push(rest[2..2 + len].to_vec());
        rest = &rest[2 + len..];
    }
    assert_eq!(leaves.len() as u64, cp.size);
    for (i, leaf) in leaves.iter().enumerate() {
        let l = Leaf::decode(leaf).unwrap();
        assert_eq!(l.position, i as u64 + 1);
    }
    // Level 0 holds their hashes; an independent implementation gets the signed root from them.
    let tile = get(s, &format!("/log/tile/0/000.p/{width}")).await.bytes().await.unwrap();
    let want: Vec<u8> = leaves.iter().flat_map(|l| leaf_hash(l)).collect();
    assert_eq!(tile.to_vec(), want);
    let mut oracle: ct_merkle::mem_backed_tree::MemoryBackedTree<sha2::Sha256, Vec<u8>> = Default::default();
    for l in &leaves {
        oracle.push(l.clone());
    }
    assert_eq!(oracle.root().as_bytes().as_slice(), cp.root.as_slice());
    // Beyond the checkpoint, or malformed: not found.
    for path in
        [format!("/log/tile/0/000.p/{}", width + 1), "/log/tile/0/000".into(), "/log/tile/0/0000".into(), "/log/tile/entries/001".into()]
    {
        assert_eq!(get(s, &path).await.status(), 404, "{path}");
    }

    // GraphQL: each history entry has a leaf; its proof at the checkpoint's size verifies.
    let q = "query($id: ID!) { decision(id: $id) { history(first: 100) { edges { node { position leafIndex kind } } } } }";
    let d = s.ok(None, q, json!({"id": w.f.decision})).await;
    let edges = d["decision"]["history"]["edges"].as_array().unwrap().clone();
    let size = cp.size.to_string();
    for e in &edges {
        let index = e["node"]["leafIndex"].as_str().expect("leafIndex");
        let position: u64 = e["node"]["position"].as_str().unwrap().parse().unwrap();
        assert_eq!(index.parse::<u64>().unwrap() + 1, position);
        let p = s
            .ok(
                None,
                "query($i: String!, $n: String!) { inclusionProof(leafIndex: $i, treeSize: $n) { leafHash rootHash hashes checkpoint } }",
                json!({"i": index, "n": size}),
            )
            .await["inclusionProof"]
            .clone();
        let hashes: Vec<[u8; 32]> =
            p["hashes"].as_array().unwrap().iter().map(|h| B64.decode(h.as_str().unwrap()).unwrap().try_into().unwrap()).collect();
        let leaf: [u8; 32] = B64.decode(p["leafHash"].as_str().unwrap()).unwrap().try_into().unwrap();
        assert_eq!(leaf, leaf_hash(&leaves[index.parse::<usize>().unwrap()]));
        assert!(check_inclusion(&hashes, cp.size, &cp.root, index.parse().unwrap(), &leaf));
        assert_eq!(p["checkpoint"].as_str(), Some(note.as_str()), "the checkpoint of exactly that size comes along");
    }
    // Consistency from an earlier size.
    let c = s.ok(None, "{ consistencyProof(from: \"7\", to: \"%\") { hashes } }".replace('%', &size).as_str(), json!({})).await;
    let hashes: Vec<[u8; 32]> = c["consistencyProof"]["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| B64.decode(h.as_str().unwrap()).unwrap().try_into().unwrap())
        .collect();
    let mut seven: ct_merkle::mem_backed_tree::MemoryBackedTree<sha2::Sha256, Vec<u8>> = Default::default();
    for l in &leaves[..7] {
        seven.push(l.clone());
    }
    let root7: [u8; 32] = seven.root().as_bytes().as_slice().try_into().unwrap();
    assert!(check_consistency(&hashes, 7, &root7, cp.size, &cp.root));
    // Bad arguments: VALIDATION with the field.
    for (q, field) in [
        (format!("{{ inclusionProof(leafIndex: \"{size}\", treeSize: \"{size}\") {{ hashes }} }}"), "leafIndex"),
        ("{ inclusionProof(leafIndex: \"0\", treeSize: \"99999999\") { hashes } }".to_owned(), "treeSize"),
        ("{ inclusionProof(leafIndex: \"-1\", treeSize: \"3\") { hashes } }".to_owned(), "leafIndex"),
        ("{ consistencyProof(from: \"5\", to: \"3\") { hashes } }".to_owned(), "from"),
    ] {
        let v = s.gql(None, &q, json!({})).await;
        assert_eq!(v["errors"][0]["extensions"]["code"], "VALIDATION", "{q}: {v}");
        assert_eq!(v["errors"][0]["extensions"]["field"], field, "{q}: {v}");
    }
}

/// Changes the draft's text in the log of `dir` and recomputes that stream's chain, as someone
/// with write access to the database would.
fn rewrite_draft(dir: &Path) {
    let conn = rusqlite::Connection::open(dir.join("events.db")).unwrap();
    let (stream,): (String,) = conn
        .query_row("SELECT stream_id FROM events WHERE event_type = 'decision.draft_published.v1' LIMIT 1", [], |r| Ok((r.get(0)?,)))
        .unwrap();
    let mut rows: Vec<(i64, Vec<u8>, i64, String, String, String)> = conn
        .prepare("SELECT position, id, version, event_type, data, metadata FROM events WHERE stream_id = ?1 ORDER BY version")
        .unwrap()
        .query_map([&stream], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut changed = false;
    for row in &mut rows {
        if row.3 == "decision.draft_published.v1" && !changed {
            assert!(row.4.contains("第二条 标准"), "{}", row.4);
            row.4 = row.4.replace("第二条 标准", "第二条 不设标准");
            changed = true;
        }
    }
    let mut prev = [0u8; 32];
    for (position, id, version, kind, data, meta) in rows {
        let id = uuid::Uuid::from_slice(&id).unwrap();
        let hash =
            canyu_eventstore::chain_hash(&prev, &canyu_eventstore::canonical_bytes_json(&stream, version as u64, &id, &kind, &data, &meta));
        conn.execute(
            "UPDATE events SET data = ?1, hash = ?2, prev_hash = ?3 WHERE position = ?4",
            rusqlite::params![data, &hash[..], &prev[..], position],
        )
        .unwrap();
        prev = hash;
    }
}

#[tokio::test]
async fn a_rewritten_log_is_caught_by_its_signed_checkpoints_and_by_a_reader_holding_an_earlier_one() {
    let mut w = world(&[]).await;
    let note = checkpoint_at_head(&w.s).await;
    let vkey = vkey(&w.s).await;
    let keep = tempfile::tempdir().unwrap();
    let cp1 = keep.path().join("checkpoint-1");
    std::fs::write(&cp1, &note).unwrap();
    w.s.stop();

    rewrite_draft(&w.s.dir);
    // The chains hold (they were recomputed), but the stored checkpoints do not.
    let verify = canyu().args(["verify", "--data-dir"]).arg(&w.s.dir).output().unwrap();
    let out = String::from_utf8_lossy(&verify.stdout).into_owned() + &String::from_utf8_lossy(&verify.stderr);
    assert!(!verify.status.success(), "verify passed a rewritten log: {out}");
    assert!(out.contains("no longer hash to the signed checkpoint"), "{out}");
    let serve = canyu().args(["serve", "--listen", "127.0.0.1:0", "--data-dir"]).arg(&w.s.dir).output().unwrap();
    assert!(!serve.status.success());
    assert!(String::from_utf8_lossy(&serve.stderr).contains("no longer hash to the signed checkpoint"));

    // Whoever rewrote it also removes the checkpoints: the server starts and signs anew ...
    std::fs::remove_file(w.s.dir.join("log.db")).unwrap();
    w.s.restart();
    let note2 = checkpoint_at_head(&w.s).await;
    assert_ne!(note2, note, "a different tree under the same key");
    let b2 = keep.path().join("record-2.json");
    export(&w.s, &w.f.decision, &b2, Some(&cp1));
    // ... and alone the new bundle verifies, but not against the checkpoint the reader kept.
    assert!(record_verify(&b2, &vkey, &[]).0);
    let (ok, out) = record_verify(&b2, &vkey, &["--since", cp1.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("not consistent with the earlier checkpoint"), "{out}");
}

#[tokio::test]
async fn a_month_later_the_record_extends_the_checkpoint_kept_and_erasure_breaks_no_proof() {
    let w = world(&[]).await;
    let s = &w.s;
    let note = checkpoint_at_head(s).await;
    let vkey = vkey(s).await;
    let keep = tempfile::tempdir().unwrap();
    let b1 = keep.path().join("record-1.json");
    export(s, &w.f.decision, &b1, None);
    let cp1 = keep.path().join("checkpoint-1");
    // Kept as `jq -r .checkpoint` writes it: with one more newline than the note has.
    std::fs::write(&cp1, format!("{note}\n")).unwrap();

    // Life goes on: more comments, then the resident is erased.
    let (_, other) = s.register("resident2", "居民乙").await;
    for body in ["建议增加夜间停车位", "建议公开收费标准"] {
        s.ok(
            Some(&other),
            "mutation($c: ID!, $b: String!) { submitComment(input: {consultationId: $c, body: $b}) { comment { id } } }",
            json!({"c": w.f.consultation, "b": body}),
        )
        .await;
    }
    s.ok(Some(&w.admin), "mutation($a: ID!) { erasePerson(input: {accountId: $a}) { position } }", json!({"a": w.resident_id})).await;
    checkpoint_at_head(s).await;

    let b2 = keep.path().join("record-2.json");
    export(s, &w.f.decision, &b2, Some(&cp1));
    let (ok, out) = record_verify(&b2, &vkey, &["--since", cp1.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("extends the earlier checkpoint"), "{out}");
    // The erased resident's comment and sign-up are shown by their leaves alone.
    let bundle: Bundle = serde_json::from_str(&std::fs::read_to_string(&b2).unwrap()).unwrap();
    let withheld: Vec<&str> = bundle.entries.iter().filter(|e| e.event.data.is_none()).map(|e| e.event.event_type.as_str()).collect();
    assert!(withheld.contains(&"comment.submitted.v1") && withheld.contains(&"hearing.signup_submitted.v1"), "{withheld:?}");
    // The bundle from before the erasure still verifies: no leaf changed.
    assert!(record_verify(&b1, &vkey, &[]).0);
    let old: Bundle = serde_json::from_str(&std::fs::read_to_string(&b1).unwrap()).unwrap();
    for e in &old.entries {
        let again = bundle.entries.iter().find(|n| n.leaf_index == e.leaf_index).expect("the same leaf");
        assert_eq!(again.leaf, e.leaf, "leaf {} changed", e.leaf_index);
    }
}

fn keygen_witness(dir: &Path, name: &str) -> (std::path::PathBuf, String) {
    let out = canyu().args(["log", "keygen", "--witness", "--name", name]).output().unwrap();
    assert!(out.status.success());
    let key = dir.join(format!("{}.key", name.replace('/', "_")));
    std::fs::write(&key, &out.stdout).unwrap();
    (key, String::from_utf8_lossy(&out.stderr).trim().to_owned())
}

fn witness_once(s: &Server, vkey: &str, key: &Path, state: &Path) -> (bool, String) {
    let out =
        canyu().args(["witness", "--log", &s.url, "--vkey", vkey, "--once", "--key"]).arg(key).arg("--state").arg(state).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn a_witness_cosigns_what_is_consistent_and_refuses_a_forked_log() {
    let keys = tempfile::tempdir().unwrap();
    let (wkey, wvkey) = keygen_witness(keys.path(), "archive.example/witness");
    let log_key = canyu_translog::NoteKey::generate("canyu.local/log").unwrap();
    let skey = log_key.skey();
    let env = [("CANYU_LOG_WITNESSES", wvkey.as_str()), ("CANYU_LOG_KEY", skey.as_str())];
    let w = world(&env).await;
    let s = &w.s;
    checkpoint_at_head(s).await;
    let vkey = vkey(s).await;
    assert_eq!(vkey, log_key.vkey());
    let state = keys.path().join("state");
    let (ok, out) = witness_once(s, &vkey, &wkey, &state);
    assert!(ok, "{out}");
    assert!(out.contains("cosigned the checkpoint"), "{out}");
    // The log serves the cosigned checkpoint; a bundle can require the witness.
    let served = get(s, "/log/checkpoint").await.text().await.unwrap();
    assert!(open_checkpoint(&served, &vkey, std::slice::from_ref(&wvkey)).is_ok(), "{served}");
    let b = keys.path().join("record.json");
    export(s, &w.f.decision, &b, None);
    let (ok, out) = record_verify(&b, &vkey, &["--witness", &wvkey]);
    assert!(ok, "{out}");
    assert!(out.contains("cosigned by the witness archive.example/witness"), "{out}");
    // A stranger's cosignature is refused by the log.
    let (_, stranger_vkey) = keygen_witness(keys.path(), "stranger.example/witness");
    let stranger =
        canyu_translog::NoteKey::from_skey(&std::fs::read_to_string(keys.path().join("stranger.example_witness.key")).unwrap()).unwrap();
    let forged = stranger.cosign(&served, 1).unwrap();
    let r = s.http.post(format!("{}/log/cosignature", s.url)).body(forged).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(open_checkpoint(&get(s, "/log/checkpoint").await.text().await.unwrap(), &vkey, &[stranger_vkey]).is_err());

    // The log grows: the witness checks consistency and cosigns again.
    let (_, other) = s.register("resident2", "居民乙").await;
    s.ok(
        Some(&other),
        "mutation($c: ID!) { submitComment(input: {consultationId: $c, body: \"再提一条\"}) { comment { id } } }",
        json!({"c": w.f.consultation}),
    )
    .await;
    checkpoint_at_head(s).await;
    let (ok, out) = witness_once(s, &vkey, &wkey, &state);
    assert!(ok, "{out}");

    // Another server under the same key with another history: a fork the witness refuses.
    let fork = world(&env).await;
    let (_, extra) = fork.s.register("resident3", "居民丙").await;
    for i in 0..5 {
        fork.s
            .ok(
                Some(&extra),
                "mutation($c: ID!, $b: String!) { submitComment(input: {consultationId: $c, body: $b}) { comment { id } } }",
                json!({"c": fork.f.consultation, "b": format!("分叉{i}")}),
            )
            .await;
    }
    let forked = checkpoint_at_head(&fork.s).await;
    let seen = open_checkpoint(&std::fs::read_to_string(&state).unwrap(), &vkey, &[]).unwrap();
    assert!(open_checkpoint(&forked, &vkey, &[]).unwrap().size > seen.size, "the fork is larger, so only consistency can tell");
    let (ok, out) = witness_once(&fork.s, &vkey, &wkey, &state);
    assert!(!ok, "{out}");
    assert!(out.contains("not consistent"), "{out}");
}

#[test]
fn leaves_hold_no_personal_data() {
    // A sign-up's leaf: the sealed value is hashed as stored, account id and display name are
    // withheld from the public text, the account stream is named only as `account`.
    let data = json!({
        "hearing_id": "h1", "decision_id": "d1", "signup_id": "s1", "account_id": "acc-secret",
        "display_name": "张三", "stakeholder_group": "城区居民", "statement": "我要发言",
        "personal": {"subject": "acc-secret", "nonce": "bm9uY2U=", "ciphertext": "Y2lwaGVy"},
        "status": "ACCEPTED"
    })
    .to_string();
    let (public, sealed) = canyu_translog::leaf::public_text(&data);
    assert!(!public.contains("acc-secret") && !public.contains("张三"), "{public}");
    assert!(public.contains("我要发言") && public.contains(r#""personal":{"withheld":"sealed"}"#), "{public}");
    assert_ne!(sealed, [0; 32]);
    assert_eq!(canyu_translog::leaf::leaf_stream("account-0f1e2d"), "account");
    assert_eq!(canyu_translog::leaf::leaf_stream("decision-0f1e2d"), "decision-0f1e2d");
    let _: Value = serde_json::from_str(&public).expect("the public text is JSON");
}

#[tokio::test]
async fn a_comment_comes_with_a_signed_receipt_that_the_log_honours() {
    let w = world(&[]).await;
    let s = &w.s;
    let (_, resident) = s.register("resident2", "居民乙").await;
    let q = "mutation($c: ID!) { submitComment(input: {consultationId: $c, body: \"请公开测算依据\"}) { position receipt { leafIndex leafHash acceptedAt includeBy note } } }";
    let r = s.ok(Some(&resident), q, json!({"c": w.f.consultation})).await["submitComment"].clone();
    let receipt = &r["receipt"];
    let position: u64 = r["position"].as_str().unwrap().parse().unwrap();
    assert_eq!(receipt["leafIndex"].as_str().unwrap().parse::<u64>().unwrap() + 1, position);
    let vkey = vkey(s).await;
    let opened = canyu_translog::note::open_receipt(receipt["note"].as_str().unwrap(), &vkey).unwrap();
    assert_eq!(B64.encode(opened.leaf_hash), receipt["leafHash"].as_str().unwrap());
    let accepted = chrono::DateTime::parse_from_rfc3339(receipt["acceptedAt"].as_str().unwrap()).unwrap();
    let by = chrono::DateTime::parse_from_rfc3339(receipt["includeBy"].as_str().unwrap()).unwrap();
    assert!(by > accepted && by - accepted <= chrono::Duration::seconds(11), "{accepted} → {by}");
    // A sign-up has one too.
    let sign = "mutation($h: ID!) { signUpForHearing(input: {hearingId: $h, fullName: \"赵六\", phone: \"13600000000\", stakeholderGroup: \"城区居民\"}) { receipt { leafIndex } } }";
    let signed = s.ok(Some(&resident), sign, json!({"h": w.f.hearing})).await;
    assert!(signed["signUpForHearing"]["receipt"]["leafIndex"].is_string(), "{signed}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("receipt");
    std::fs::write(&file, receipt["note"].as_str().unwrap()).unwrap();
    checkpoint_at_head(s).await;
    let check = |file: &Path| {
        let out = canyu().args(["record", "receipt"]).arg(file).args(["--vkey", &vkey, "--url", &s.url]).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
    };
    let (ok, out) = check(&file);
    assert!(ok, "{out}");
    assert!(out.contains("honoured"), "{out}");
    // A receipt whose text was changed no longer opens.
    let forged =
        receipt["note"].as_str().unwrap().replacen(&format!("\n{}\n", opened.leaf_index), &format!("\n{}\n", opened.leaf_index - 1), 1);
    let forged_file = dir.path().join("forged");
    std::fs::write(&forged_file, forged).unwrap();
    let (ok, out) = check(&forged_file);
    assert!(!ok, "{out}");
}
