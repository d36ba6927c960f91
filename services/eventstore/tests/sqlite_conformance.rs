//! The conformance suite and SQLite-specific tests (durability across reopen, the key store,
//! `verify_all`) against `SqliteEventStore` in a temporary directory.

use std::sync::Arc;

use async_trait::async_trait;
use canyu_eventstore::conformance::new_event;
use canyu_eventstore::keys::KeyStore;
use canyu_eventstore::sqlite::{SqliteEventStore, SqliteKeyStore};
use canyu_eventstore::{AppendResult, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result, StoreError, verify_chain};
use futures::StreamExt;
use futures::stream::BoxStream;
use tempfile::TempDir;

/// A store whose directory lives exactly as long as it does.
struct TempStore {
    store: SqliteEventStore,
    _dir: TempDir,
}

#[async_trait]
impl EventStore for TempStore {
    async fn append(&self, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> Result<AppendResult> {
        self.store.append(stream, expected, events).await
    }
    async fn read_stream(&self, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        self.store.read_stream(stream, from_version, limit).await
    }
    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        self.store.read_all(after, limit).await
    }
    async fn head(&self) -> Result<u64> {
        self.store.head().await
    }
    fn subscribe_all(&self, after: u64) -> BoxStream<'static, Result<RecordedEvent>> {
        self.store.subscribe_all(after)
    }
}

async fn temp_store() -> TempStore {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteEventStore::open(dir.path().join("events.db")).expect("open store");
    TempStore { store, _dir: dir }
}

mod conformance {
    use super::temp_store;

    canyu_eventstore::conformance_tests!(temp_store());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_all_runs_every_check() {
    canyu_eventstore::conformance::run_all(temp_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_keeps_events_heads_and_idempotency() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.db");
    let retried = new_event(1);
    let (original, before) = {
        let store = SqliteEventStore::open(&path).expect("open");
        store.append("decision-1", ExpectedVersion::NoStream, vec![new_event(0)]).await.expect("append");
        let original = store.append("decision-1", ExpectedVersion::Exact(0), vec![retried.clone()]).await.expect("append");
        store.append("hearing-1", ExpectedVersion::NoStream, vec![new_event(2), new_event(3)]).await.expect("append");
        (original, store.read_all(0, 100).await.expect("read_all"))
    };

    let store = SqliteEventStore::open(&path).expect("reopen");
    assert_eq!(store.head().await.expect("head"), 4, "head is restored");
    assert_eq!(store.read_all(0, 100).await.expect("read_all"), before, "every event survives");
    assert_eq!(
        store.append("decision-1", ExpectedVersion::NoStream, vec![retried]).await.expect("retry"),
        original,
        "idempotency survives"
    );
    let next = store.append("decision-1", ExpectedVersion::Exact(1), vec![new_event(4)]).await.expect("append after reopen");
    assert_eq!(next, AppendResult { first_position: 5, last_position: 5, last_version: 2 });
    verify_chain(&store.read_stream("decision-1", 0, 100).await.expect("read")).expect("chain continues across reopen");
    assert_conflict(store.append("hearing-1", ExpectedVersion::NoStream, vec![new_event(5)]).await);
    assert_eq!(store.verify_all().await.expect("verify_all"), 5);
}

fn assert_conflict(result: Result<AppendResult>) {
    assert!(matches!(result, Err(StoreError::Conflict { .. })), "expected a conflict, got {result:?}");
}

#[tokio::test]
async fn a_second_store_on_the_same_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.db");
    let first = SqliteEventStore::open(&path).expect("open");
    assert!(matches!(SqliteEventStore::open(&path), Err(StoreError::Unavailable(_))));
    drop(first);
    SqliteEventStore::open(&path).expect("open again once the first is dropped");
}

#[tokio::test]
async fn dropping_the_store_ends_subscriptions_after_delivering_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteEventStore::open(dir.path().join("events.db")).expect("open");
    store.append("decision-1", ExpectedVersion::Any, vec![new_event(0), new_event(1)]).await.expect("append");
    let mut sub = store.subscribe_all(0);
    drop(store);
    let positions: Vec<u64> = (&mut sub).map(|e| e.expect("event").position).collect().await;
    assert_eq!(positions, vec![1, 2]);
}

#[tokio::test]
async fn a_duplicate_id_later_in_an_append_is_invalid_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteEventStore::open(dir.path().join("events.db")).expect("open");
    let stored = new_event(0);
    store.append("decision-1", ExpectedVersion::NoStream, vec![stored.clone()]).await.expect("append");
    let result = store.append("decision-1", ExpectedVersion::Exact(0), vec![new_event(1), stored.clone()]).await;
    assert!(matches!(result, Err(StoreError::Invalid(_))), "got {result:?}");
    let elsewhere = store.append("decision-2", ExpectedVersion::NoStream, vec![stored]).await;
    assert!(matches!(elsewhere, Err(StoreError::Invalid(_))), "an id stored in another stream, got {elsewhere:?}");
    assert_eq!(store.head().await.expect("head"), 1);
    let next = store.append("decision-1", ExpectedVersion::Exact(0), vec![new_event(2)]).await.expect("append");
    assert_eq!(next.first_position, 2, "the rolled-back request left no gap");
}

#[tokio::test]
async fn verify_all_detects_a_raw_update_of_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.db");
    let store = SqliteEventStore::open(&path).expect("open");
    for i in 0..3 {
        store.append(&format!("decision-{i}"), ExpectedVersion::Any, vec![new_event(0), new_event(1)]).await.expect("append");
    }
    store.append("decision-0", ExpectedVersion::Exact(1), vec![new_event(2)]).await.expect("append");
    assert_eq!(store.verify_all().await.expect("untouched log verifies"), 7);

    let raw = rusqlite::Connection::open(&path).expect("raw open");
    let changed =
        raw.execute(r#"UPDATE events SET data = '{"n":42}' WHERE stream_id = 'decision-1' AND version = 1"#, []).expect("raw update");
    assert_eq!(changed, 1);
    match store.verify_all().await {
        Err(StoreError::Corrupt(message)) => assert!(message.contains("decision-1 v1"), "names the event: {message}"),
        other => panic!("tampering should be detected, got {other:?}"),
    }
}

#[tokio::test]
async fn verify_all_detects_a_deleted_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.db");
    let store = SqliteEventStore::open(&path).expect("open");
    store.append("decision-1", ExpectedVersion::Any, vec![new_event(0), new_event(1), new_event(2)]).await.expect("append");
    let raw = rusqlite::Connection::open(&path).expect("raw open");
    raw.execute("DELETE FROM events WHERE position = 2", []).expect("raw delete");
    assert!(matches!(store.verify_all().await, Err(StoreError::Corrupt(_))));
}

#[tokio::test]
async fn key_store_creates_gets_and_deletes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = SqliteKeyStore::open(dir.path().join("keys.db")).expect("open keys");
    assert_eq!(keys.get("person-1").await.expect("get"), None);
    let key = keys.get_or_create("person-1").await.expect("create");
    assert_ne!(key, [0; 32]);
    assert_eq!(keys.get_or_create("person-1").await.expect("again"), key, "the same key every time");
    assert_eq!(keys.get("person-1").await.expect("get"), Some(key));
    let other = keys.get_or_create("person-2").await.expect("create");
    assert_ne!(other, key, "each subject has its own key");

    assert!(keys.delete("person-1").await.expect("delete"));
    assert_eq!(keys.get("person-1").await.expect("get"), None, "a deleted key is gone, cache included");
    assert!(!keys.delete("person-1").await.expect("delete again"));
    assert!(matches!(keys.get_or_create("person-1").await, Err(StoreError::Erased(_))), "no key is made for them again");
    assert_eq!(keys.get("person-2").await.expect("get"), Some(other));
}

#[tokio::test]
async fn key_store_survives_reopen_and_lives_in_its_own_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key_path = dir.path().join("keys.db");
    let key = {
        let keys = SqliteKeyStore::open(&key_path).expect("open keys");
        keys.get_or_create("person-1").await.expect("create")
    };
    let keys = SqliteKeyStore::open(&key_path).expect("reopen keys");
    assert_eq!(keys.get("person-1").await.expect("get"), Some(key));

    let store = SqliteEventStore::open(dir.path().join("events.db")).expect("open events");
    store.append("account-1", ExpectedVersion::NoStream, vec![new_event(0)]).await.expect("append");
    let raw = rusqlite::Connection::open(dir.path().join("events.db")).expect("raw open");
    let tables: Vec<String> = raw
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("list tables");
    assert_eq!(tables, vec!["events".to_owned()], "the event file holds no keys");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_get_or_create_for_one_subject_returns_one_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = Arc::new(SqliteKeyStore::open(dir.path().join("keys.db")).expect("open keys"));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let keys = Arc::clone(&keys);
            tokio::spawn(async move { keys.get_or_create("person-1").await.expect("get_or_create") })
        })
        .collect();
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(task.await.expect("task"));
    }
    assert!(seen.iter().all(|k| *k == seen[0]), "every caller got the same key");

    // A second store on the same file (another process, say) agrees too.
    let again = SqliteKeyStore::open(dir.path().join("keys.db")).expect("second handle");
    assert_eq!(again.get_or_create("person-1").await.expect("get_or_create"), seen[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_store_erasure_is_final_across_two_handles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Arc::new(SqliteKeyStore::open(dir.path().join("keys.db")).expect("open keys"));
    let b = Arc::new(SqliteKeyStore::open(dir.path().join("keys.db")).expect("open keys again, as another process"));
    canyu_eventstore::conformance::key_store_erasure_is_final(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_store_names_are_claimed_once_and_erased_across_two_handles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Arc::new(SqliteKeyStore::open(dir.path().join("keys.db")).expect("open keys"));
    let b = Arc::new(SqliteKeyStore::open(dir.path().join("keys.db")).expect("open keys again, as another process"));
    canyu_eventstore::conformance::key_store_names_are_claimed_once_and_erased(a, b).await;
}
