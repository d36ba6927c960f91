//! Tampering that the chains alone miss (issue 10, hole 11), against the real binary:
//! `canyu verify` runs SQLite's own `integrity_check` (a flipped byte in an index page, which
//! the chains never read) and decodes every event (a well-chained event this version cannot
//! read); `canyu serve` refuses to start on such a log with a message that says what to do,
//! and `--read-only` serves it without accepting any change (`READ_ONLY`).

mod support;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use canyu_eventstore::{Actor, EventMetadata, EventStore, ExpectedVersion, NewEvent};
use serde_json::json;
use support::*;

/// A data directory with an admin and a few units, the server stopped.
async fn populated() -> std::path::PathBuf {
    let mut s = Server::start(&[]);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    for i in 0..5 {
        s.ok(Some(&admin), &format!("mutation {{ registerUnit(input: {{name: \"核验单位{i}\"}}) {{ position }} }}"), json!({})).await;
    }
    s.stop();
    let dir = s.dir.clone();
    // Keep the directory: the server's drop would remove it.
    let keep = tempfile::tempdir().unwrap().keep();
    copy_dir(&dir, &keep);
    keep
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn verify(dir: &Path) -> Output {
    canyu().args(["verify", "--data-dir"]).arg(dir).env("CANYU_LOG", "error").output().unwrap()
}

/// Runs `serve` expecting it to exit by itself within 60 s.
fn serve_exits(dir: &Path) -> Output {
    let mut child = canyu()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("CANYU_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("serve started on a tampered log");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Flips one byte in the cell area of the page that holds `index`'s root, with the WAL
/// folded into the file first.
fn flip_index_byte(db: &Path, index: &str) {
    let (page, page_size) = {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        let page: i64 = conn.query_row("SELECT rootpage FROM sqlite_master WHERE name = ?1", [index], |r| r.get(0)).unwrap();
        let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        (page as u64, size as u64)
    };
    let mut bytes = std::fs::read(db).unwrap();
    // Cells fill a page from its end: the last bytes belong to the first entry.
    let at = (page * page_size - 3) as usize;
    bytes[at] ^= 0x5a;
    std::fs::write(db, bytes).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_byte_in_an_index_is_found_and_serve_refuses_the_log() {
    let dir = populated().await;
    let out = verify(&dir);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("integrity_check of events.db") && said.contains("integrity_check of keys.db"), "{said}");

    // The unique index on (stream_id, version): the chains read the table, never this page.
    let index: String = {
        let conn = rusqlite::Connection::open(dir.join("events.db")).unwrap();
        conn.query_row(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NULL ORDER BY name DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    flip_index_byte(&dir.join("events.db"), &index);

    let out = verify(&dir);
    assert!(!out.status.success(), "verify passed a corrupt index: {}", text(&out));
    assert!(text(&out).contains("integrity_check"), "{}", text(&out));

    let out = serve_exits(&dir);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains("failed verification") && said.contains("--read-only"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_that_does_not_decode_stops_serve_and_read_only_serves_without_changes() {
    let dir = populated().await;
    // A well-chained event this version cannot read: the store computes its chain.
    {
        let store = canyu_eventstore::sqlite::SqliteEventStore::open(dir.join("events.db")).unwrap();
        let meta = EventMetadata {
            actor: Actor { role: "admin".into(), account_id: None, unit_id: None },
            correlation_id: uuid::Uuid::now_v7(),
            causation_id: None,
            idempotency_key: None,
            server_time: chrono::Utc::now(),
        };
        let bad = NewEvent {
            id: uuid::Uuid::now_v7(),
            event_type: "unit.registered.v1".into(),
            data: r#"{"unexpected":"shape"}"#.into(),
            metadata: meta,
        };
        store.append("unit-tampered", ExpectedVersion::NoStream, vec![bad]).await.unwrap();
        assert!(store.verify_all().await.is_ok(), "the chains alone see nothing wrong");
    }
    let out = verify(&dir);
    assert!(!out.status.success(), "verify passed an undecodable event: {}", text(&out));
    assert!(text(&out).contains("does not decode"), "{}", text(&out));

    let out = serve_exits(&dir);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains("failed verification") && said.contains("do not decode") && said.contains("--read-only"), "{said}");

    // Read-only: the record is served, every change is refused, nothing is written.
    let s = Server::start_in(dir, &[("CANYU_READ_ONLY", "true")]);
    let v = s.ok(None, "{ units { id name } }", json!({})).await;
    assert_eq!(v["units"].as_array().map(Vec::len), Some(5), "{v}");
    let head = s.head().await;
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let v = s.gql(Some(&admin), "mutation { registerUnit(input: {name: \"只读时登记\"}) { position } }", json!({})).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "READ_ONLY", "{v}");
    let v = s
        .gql(None, "mutation { registerAccount(input: {username: \"readonly1\", password: \"a long enough password\", displayName: \"只读\"}) { token } }", json!({}))
        .await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "READ_ONLY", "{v}");
    assert_eq!(s.head().await, head, "nothing was written");
}
