//! The conformance suite and PostgreSQL-specific tests (reopen, two stores as two processes,
//! a server outage, `verify_all`) against `PostgresEventStore`, each in a fresh schema of the
//! database at `CANYU_TEST_POSTGRES_URL` (scripts/test starts one). Without that variable the
//! tests print SKIP, unless `CANYU_REQUIRE_SERVICES=1`, where they fail.
#![cfg(feature = "postgres")]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use canyu_eventstore::conformance::new_event;
use canyu_eventstore::postgres::PostgresEventStore;
use canyu_eventstore::{AppendResult, EventStore, ExpectedVersion, StoreError, verify_chain};
use futures::StreamExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, Config, NoTls};
use uuid::Uuid;

/// The test server's URL, or `None` (after printing SKIP) when none is configured.
fn server_url() -> Option<String> {
    match std::env::var("CANYU_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CANYU_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!(
                "CANYU_TEST_POSTGRES_URL is not set but CANYU_REQUIRE_SERVICES=1: run ./scripts/test, which starts PostgreSQL, or set the URL"
            )
        }
        _ => {
            eprintln!("SKIP: CANYU_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

async fn admin(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect to the test server");
    tokio::spawn(connection);
    client
}

/// Creates an empty schema; returns its name.
async fn fresh_schema(url: &str) -> String {
    let schema = format!("conf_{}", Uuid::now_v7().simple());
    admin(url).await.batch_execute(&format!("CREATE SCHEMA {schema}")).await.expect("create schema");
    schema
}

/// `url` with the schema as its search path.
fn in_schema(url: &str, schema: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let joiner = if url.contains('?') { '&' } else { '?' };
        format!("{url}{joiner}options=-c%20search_path%3D{schema}")
    } else {
        format!("{url} options='-c search_path={schema}'")
    }
}

async fn fresh_store() -> Option<PostgresEventStore> {
    let url = server_url()?;
    let schema = fresh_schema(&url).await;
    Some(PostgresEventStore::connect(&in_schema(&url, &schema)).await.expect("connect the store"))
}

mod conformance {
    use super::fresh_store;

    canyu_eventstore::conformance_tests!(optional: fresh_store());
}

/// A fresh schema's URL, or `None` to skip.
async fn schema_url() -> Option<(String, String)> {
    let url = server_url()?;
    let schema = fresh_schema(&url).await;
    Some((in_schema(&url, &schema), schema))
}

fn assert_conflict(result: canyu_eventstore::Result<AppendResult>) {
    assert!(matches!(result, Err(StoreError::Conflict { .. })), "expected a conflict, got {result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_keeps_events_heads_and_idempotency() {
    let Some((url, _)) = schema_url().await else { return };
    let retried = new_event(1);
    let (original, before) = {
        let store = PostgresEventStore::connect(&url).await.expect("connect");
        store.append("decision-1", ExpectedVersion::NoStream, vec![new_event(0)]).await.expect("append");
        let original = store.append("decision-1", ExpectedVersion::Exact(0), vec![retried.clone()]).await.expect("append");
        store.append("hearing-1", ExpectedVersion::NoStream, vec![new_event(2), new_event(3)]).await.expect("append");
        (original, store.read_all(0, 100).await.expect("read_all"))
    };

    let store = PostgresEventStore::connect(&url).await.expect("reconnect");
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

/// Two stores on one schema stand for two gateway processes: the advisory lock serialises
/// their group commits, so positions stay contiguous, each store's head cache notices the
/// other's writes, and a subscriber on either sees every event once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_appending_concurrently_keep_positions_contiguous() {
    const TASKS: u64 = 8;
    const APPENDS: u64 = 40;
    let Some((url, _)) = schema_url().await else { return };
    let stores = [
        Arc::new(PostgresEventStore::connect(&url).await.expect("connect first")),
        Arc::new(PostgresEventStore::connect(&url).await.expect("connect second")),
    ];
    let mut sub = stores[1].subscribe_all(0);
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        for (s, store) in stores.iter().enumerate() {
            let store = Arc::clone(store);
            tasks.push(tokio::spawn(async move {
                let mut landed = 0;
                for i in 0..APPENDS {
                    // Half the appends race on streams shared by both stores, with retries.
                    let stream = if i % 2 == 0 { format!("own-{s}-{t}") } else { format!("shared-{t}") };
                    let event = new_event(i);
                    let mut expected = store
                        .read_stream(&stream, 0, 10_000)
                        .await
                        .expect("read")
                        .last()
                        .map_or(ExpectedVersion::NoStream, |e| ExpectedVersion::Exact(e.version));
                    loop {
                        match store.append(&stream, expected, vec![event.clone()]).await {
                            Ok(_) => break,
                            Err(StoreError::Conflict { actual, .. }) => {
                                expected = actual.map_or(ExpectedVersion::NoStream, ExpectedVersion::Exact)
                            }
                            Err(e) => panic!("append failed: {e}"),
                        }
                    }
                    landed += 1;
                }
                landed
            }));
        }
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("appender task");
    }
    assert_eq!(total, TASKS * APPENDS * 2);
    for store in &stores {
        assert_eq!(store.head().await.expect("head"), total, "both stores see the same head");
    }
    let all = stores[0].read_all(0, 100_000).await.expect("read_all");
    assert_eq!(all.iter().map(|e| e.position).collect::<Vec<_>>(), (1..=total).collect::<Vec<_>>(), "positions are contiguous");
    assert_eq!(all.iter().map(|e| e.id).collect::<HashSet<_>>().len() as u64, total, "every event once");
    let seen: Vec<u64> = tokio::time::timeout(
        Duration::from_secs(20),
        (&mut sub).take(total as usize).map(|e| e.expect("event").position).collect::<Vec<_>>(),
    )
    .await
    .expect("the subscriber on the second store sees everything");
    assert_eq!(seen, (1..=total).collect::<Vec<_>>(), "the subscriber never skips or repeats");
    assert_eq!(stores[1].verify_all().await.expect("verify_all"), total);

    // A commit of the first store wakes the second store's subscriber (NOTIFY) well before
    // its poll interval would.
    let started = Instant::now();
    stores[0].append("late", ExpectedVersion::NoStream, vec![new_event(0)]).await.expect("append");
    let late = tokio::time::timeout(Duration::from_secs(5), sub.next()).await.expect("live event").expect("stream open").expect("event");
    assert_eq!(late.position, total + 1);
    eprintln!("cross-store live delivery took {:?}", started.elapsed());
}

/// A TCP proxy in front of the test server that can cut every connection and refuse new
/// ones, standing in for a server restart or a network outage.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

#[derive(Clone)]
enum Upstream {
    Tcp(String, u16),
    Unix(PathBuf),
}

impl Proxy {
    async fn start(upstream: Upstream) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accept = {
            let (up, links) = (Arc::clone(&up), Arc::clone(&links));
            tokio::spawn(async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if !up.load(Ordering::SeqCst) {
                        continue; // dropping the socket refuses the connection
                    }
                    let upstream = upstream.clone();
                    let link = tokio::spawn(async move {
                        match upstream {
                            Upstream::Tcp(host, port) => {
                                if let Ok(mut server) = TcpStream::connect((host.as_str(), port)).await {
                                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                                }
                            }
                            Upstream::Unix(path) => {
                                if let Ok(mut server) = tokio::net::UnixStream::connect(path).await {
                                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                                }
                            }
                        }
                    });
                    links.lock().expect("links").push(link);
                }
            })
        };
        Self { addr, up, links, accept }
    }

    /// Cuts every open connection and refuses new ones.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().expect("links").drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// The server `url` points at.
fn upstream(url: &str) -> Upstream {
    let config: Config = url.parse().expect("parse CANYU_TEST_POSTGRES_URL");
    let port = config.get_ports().first().copied().unwrap_or(5432);
    match config.get_hosts().first() {
        Some(Host::Unix(dir)) => Upstream::Unix(dir.join(format!(".s.PGSQL.{port}"))),
        Some(Host::Tcp(host)) => Upstream::Tcp(host.clone(), port),
        None => Upstream::Tcp("localhost".into(), port),
    }
}

/// A key=value URL reaching the server of `url` through `proxy`, in `schema`.
fn through(url: &str, schema: &str, proxy: SocketAddr) -> String {
    let config: Config = url.parse().expect("parse CANYU_TEST_POSTGRES_URL");
    let mut proxied = format!("host={} port={} connect_timeout=2 options='-c search_path={schema}'", proxy.ip(), proxy.port());
    if let Some(user) = config.get_user() {
        proxied.push_str(&format!(" user={user}"));
    }
    if let Some(db) = config.get_dbname() {
        proxied.push_str(&format!(" dbname={db}"));
    }
    if let Some(password) = config.get_password() {
        proxied.push_str(&format!(" password='{}'", String::from_utf8_lossy(password).replace('\'', "\\'")));
    }
    proxied
}

/// While the server is unreachable every call says `Unavailable` (never hangs, never
/// half-writes); once it is back the same store instance works again, and a subscriber that
/// resubscribes from its checkpoint misses nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_gives_unavailable_then_the_store_recovers() {
    let Some(url) = server_url() else { return };
    let schema = fresh_schema(&url).await;
    let proxy = Proxy::start(upstream(&url)).await;
    let proxied_url = through(&url, &schema, proxy.addr);

    let store = PostgresEventStore::connect(&proxied_url).await.expect("connect through the proxy");
    store.append("decision-1", ExpectedVersion::NoStream, vec![new_event(0)]).await.expect("append before the outage");
    let mut sub = store.subscribe_all(0);
    let first = sub.next().await.expect("open").expect("event");
    assert_eq!(first.position, 1);

    proxy.cut();
    let lost = new_event(1);
    let started = Instant::now();
    let during = store.append("decision-1", ExpectedVersion::Exact(0), vec![lost.clone()]).await;
    assert!(matches!(during, Err(StoreError::Unavailable(_))), "append during the outage: {during:?}");
    assert!(matches!(store.read_all(0, 10).await, Err(StoreError::Unavailable(_))), "read_all during the outage");
    assert!(matches!(store.head().await, Err(StoreError::Unavailable(_))), "head during the outage");
    assert!(started.elapsed() < Duration::from_secs(20), "calls fail promptly, took {:?}", started.elapsed());
    match tokio::time::timeout(Duration::from_secs(20), sub.next()).await {
        Ok(Some(Err(StoreError::Unavailable(_)))) => {}
        other => panic!("the subscription reports the outage, got {other:?}"),
    }
    assert!(tokio::time::timeout(Duration::from_secs(5), sub.next()).await.expect("ends").is_none(), "then it ends");

    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(30);
    let result = loop {
        match store.append("decision-1", ExpectedVersion::Exact(0), vec![lost.clone()]).await {
            Ok(result) => break result,
            Err(StoreError::Unavailable(e)) if Instant::now() < deadline => {
                eprintln!("still unavailable: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("the store did not recover: {e}"),
        }
    };
    assert_eq!(result, AppendResult { first_position: 2, last_position: 2, last_version: 1 }, "the retried append lands once");
    assert_eq!(store.append("decision-1", ExpectedVersion::Exact(0), vec![lost]).await.expect("idempotent"), result);
    let mut resumed = store.subscribe_all(first.position);
    let next = tokio::time::timeout(Duration::from_secs(10), resumed.next()).await.expect("delivered").expect("open").expect("event");
    assert_eq!(next.position, 2);
    assert_eq!(store.verify_all().await.expect("verify_all"), 2);
}

/// One request that the server refuses (a NUL character cannot be stored in `text`) fails
/// alone: the group's other requests commit, with no gap in positions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_fails_alone_inside_a_group() {
    let Some((url, _)) = schema_url().await else { return };
    let store = Arc::new(PostgresEventStore::connect(&url).await.expect("connect"));
    let mut tasks = Vec::new();
    for t in 0..40u64 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let mut event = new_event(t);
            if t % 10 == 3 {
                event.data = "{\"bad\":\"\0\"}".into();
            }
            (t, store.append(&format!("group-{t}"), ExpectedVersion::NoStream, vec![event]).await)
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let (t, result) = task.await.expect("task");
        if t % 10 == 3 {
            assert!(matches!(result, Err(StoreError::Invalid(_))), "task {t}: {result:?}");
        } else {
            result.unwrap_or_else(|e| panic!("task {t} failed: {e}"));
            ok += 1;
        }
    }
    let all = store.read_all(0, 1000).await.expect("read_all");
    assert_eq!(all.iter().map(|e| e.position).collect::<Vec<_>>(), (1..=ok).collect::<Vec<_>>());
    assert_eq!(store.verify_all().await.expect("verify_all"), ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_id_later_in_an_append_is_invalid_and_writes_nothing() {
    let Some((url, _)) = schema_url().await else { return };
    let store = PostgresEventStore::connect(&url).await.expect("connect");
    let stored = new_event(0);
    store.append("decision-1", ExpectedVersion::NoStream, vec![stored.clone()]).await.expect("append");
    let result = store.append("decision-1", ExpectedVersion::Exact(0), vec![new_event(1), stored.clone()]).await;
    assert!(matches!(result, Err(StoreError::Invalid(_))), "got {result:?}");
    let elsewhere = store.append("decision-2", ExpectedVersion::NoStream, vec![stored]).await;
    assert!(matches!(elsewhere, Err(StoreError::Invalid(_))), "an id stored in another stream, got {elsewhere:?}");
    assert_eq!(store.head().await.expect("head"), 1);
    let next = store.append("decision-1", ExpectedVersion::Exact(0), vec![new_event(2)]).await.expect("append");
    assert_eq!(next.first_position, 2, "the refused request left no gap");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_all_detects_a_raw_update_and_a_deleted_event() {
    let Some((url, schema)) = schema_url().await else { return };
    let store = PostgresEventStore::connect(&url).await.expect("connect");
    for i in 0..3 {
        store.append(&format!("decision-{i}"), ExpectedVersion::Any, vec![new_event(0), new_event(1)]).await.expect("append");
    }
    assert_eq!(store.verify_all().await.expect("untouched log verifies"), 6);
    let raw = admin(&server_url().expect("url")).await;
    let changed = raw
        .execute(&format!(r#"UPDATE {schema}.events SET data = '{{"n":42}}' WHERE stream_id = 'decision-1' AND version = 1"#), &[])
        .await
        .expect("raw update");
    assert_eq!(changed, 1);
    match store.verify_all().await {
        Err(StoreError::Corrupt(message)) => assert!(message.contains("decision-1 v1"), "names the event: {message}"),
        other => panic!("tampering should be detected, got {other:?}"),
    }
    raw.execute(&format!("DELETE FROM {schema}.events WHERE position >= 3"), &[]).await.expect("raw delete");
    store.append("decision-9", ExpectedVersion::Any, vec![new_event(0)]).await.expect("append");
    raw.execute(&format!("DELETE FROM {schema}.events WHERE position = 2"), &[]).await.expect("raw delete");
    assert!(matches!(store.verify_all().await, Err(StoreError::Corrupt(_))), "a missing position is detected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_store_ends_subscriptions_after_delivering_everything() {
    let Some((url, _)) = schema_url().await else { return };
    let store = PostgresEventStore::connect(&url).await.expect("connect");
    store.append("decision-1", ExpectedVersion::Any, vec![new_event(0), new_event(1)]).await.expect("append");
    let mut sub = store.subscribe_all(0);
    drop(store);
    let positions: Vec<u64> = tokio::time::timeout(Duration::from_secs(10), (&mut sub).map(|e| e.expect("event").position).collect())
        .await
        .expect("the subscription ends");
    assert_eq!(positions, vec![1, 2]);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_at_connect() {
    let result = PostgresEventStore::connect("host=127.0.0.1 port=1 user=canyu dbname=canyu connect_timeout=2").await;
    assert!(matches!(result, Err(StoreError::Unavailable(_))), "got {:?}", result.err());
    let bad = PostgresEventStore::connect("postgres://[::1").await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "a malformed URL is Invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_store_creates_once_shares_and_deletes_keys() {
    use canyu_eventstore::keys::KeyStore;
    use canyu_eventstore::postgres::PostgresKeyStore;
    let Some(url) = server_url() else { return };
    let url = in_schema(&url, &fresh_schema(&url).await);
    let a = Arc::new(PostgresKeyStore::connect(&url).await.expect("key store"));
    let b = PostgresKeyStore::connect(&url).await.expect("second handle, as another process");
    assert_eq!(a.get("p1").await.unwrap(), None);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let a = a.clone();
            tokio::spawn(async move { a.get_or_create("p1").await.unwrap() })
        })
        .collect();
    let mut keys = HashSet::new();
    for t in tasks {
        keys.insert(t.await.unwrap());
    }
    assert_eq!(keys.len(), 1, "concurrent creators get one key");
    let key = *keys.iter().next().unwrap();
    assert_eq!(b.get("p1").await.unwrap(), Some(key), "another process sees the same key");
    assert_ne!(a.get_or_create("p2").await.unwrap(), key);
    assert!(b.delete("p1").await.unwrap());
    assert_eq!(a.get("p1").await.unwrap(), None, "deleted for every process");
    assert!(!a.delete("p1").await.unwrap());
    assert!(a.get("p2").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_store_erasure_is_final_across_processes() {
    use canyu_eventstore::postgres::PostgresKeyStore;
    let Some(url) = server_url() else { return };
    let url = in_schema(&url, &fresh_schema(&url).await);
    let a = Arc::new(PostgresKeyStore::connect(&url).await.expect("key store"));
    let b = Arc::new(PostgresKeyStore::connect(&url).await.expect("second handle, as another process"));
    canyu_eventstore::conformance::key_store_erasure_is_final(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_store_names_are_claimed_once_and_erased_across_processes() {
    use canyu_eventstore::postgres::PostgresKeyStore;
    let Some(url) = server_url() else { return };
    let url = in_schema(&url, &fresh_schema(&url).await);
    let a = Arc::new(PostgresKeyStore::connect(&url).await.expect("key store"));
    let b = Arc::new(PostgresKeyStore::connect(&url).await.expect("second handle, as another process"));
    canyu_eventstore::conformance::key_store_names_are_claimed_once_and_erased(a, b).await;
}
