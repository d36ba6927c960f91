//! The read-model store conformance suite (feature `conformance`): every backend passes the
//! same checks. `read_model_conformance_tests!(fresh_store())` expands to one test per check;
//! `read_model_conformance_tests!(optional: fresh_store())` takes a future of `Option<store>`
//! and prints SKIP for `None` (no server configured).
//!
//! Each check works on its own, freshly named projection, so backends that share a server
//! between tests stay isolated.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt;

use crate::store::{Commit, Hint, ReadModelStore, ReadStoreError, Write};

/// A projection name no other check (or earlier run against the same server) uses.
pub fn fresh_projection() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("t{}-{}-{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}

fn put(key: &str, value: &str) -> Write {
    Write::Put { key: key.into(), value: value.into() }
}

fn push(list: &str, value: &str) -> Write {
    Write::Push { list: list.into(), value: value.into() }
}

const TTL: Duration = Duration::from_secs(30);

async fn lease<S: ReadModelStore + ?Sized>(store: &S, p: &str) -> u64 {
    store.acquire_lease(p, "projector-a", TTL).await.unwrap().expect("a free lease is granted").token
}

pub async fn commit_applies_writes_and_checkpoint<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    assert_eq!(store.checkpoint(&p).await.unwrap(), 0);
    assert_eq!(store.get(&p, "decision:1").await.unwrap(), None);
    let t = lease(&store, &p).await;
    let writes = vec![
        put("decision:1", r#"{"title":"滕州市2021年重大行政决策"}"#),
        push("history:1", "a"),
        push("history:1", "b"),
        Write::HashPut { key: "lookup".into(), field: "c1".into(), value: "1".into() },
    ];
    assert_eq!(store.commit(&p, t, 7, &writes, &["1".into()]).await.unwrap(), Commit::Applied);
    assert_eq!(store.checkpoint(&p).await.unwrap(), 7);
    assert_eq!(store.get(&p, "decision:1").await.unwrap().as_deref(), Some(r#"{"title":"滕州市2021年重大行政决策"}"#));
    assert_eq!(store.range(&p, "history:1", 0, 10).await.unwrap(), vec!["a", "b"]);
    assert_eq!(store.list_len(&p, "history:1").await.unwrap(), 2);
    assert_eq!(store.hash_get(&p, "lookup", "c1").await.unwrap().as_deref(), Some("1"));
    assert_eq!(store.hash_get(&p, "lookup", "c2").await.unwrap(), None);
    let many = store.get_many(&p, &["decision:1".into(), "decision:2".into()]).await.unwrap();
    assert_eq!(many.len(), 2);
    assert!(many[0].is_some() && many[1].is_none());
    assert!(store.get_many(&p, &[]).await.unwrap().is_empty());

    assert_eq!(store.commit(&p, t, 8, &[Write::Delete { key: "decision:1".into() }], &[]).await.unwrap(), Commit::Applied);
    assert_eq!(store.get(&p, "decision:1").await.unwrap(), None);
    assert_eq!(store.checkpoint(&p).await.unwrap(), 8);
}

pub async fn a_redelivered_batch_changes_nothing<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let t = lease(&store, &p).await;
    assert_eq!(store.commit(&p, t, 10, &[put("k", "first"), push("l", "x")], &[]).await.unwrap(), Commit::Applied);
    for position in [10, 9, 1] {
        let again = store.commit(&p, t, position, &[put("k", "second"), push("l", "y")], &[]).await.unwrap();
        assert_eq!(again, Commit::Stale { checkpoint: 10 }, "position {position}");
    }
    assert_eq!(store.get(&p, "k").await.unwrap().as_deref(), Some("first"));
    assert_eq!(store.range(&p, "l", 0, 10).await.unwrap(), vec!["x"]);
    assert_eq!(store.checkpoint(&p).await.unwrap(), 10);
}

pub async fn a_commit_without_the_lease_changes_nothing<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    assert_eq!(store.commit(&p, 1, 5, &[put("k", "v")], &[]).await.unwrap(), Commit::Fenced, "no lease taken yet");
    let t = lease(&store, &p).await;
    assert_eq!(store.commit(&p, t + 1, 5, &[put("k", "v")], &[]).await.unwrap(), Commit::Fenced, "a wrong token");
    assert_eq!(store.get(&p, "k").await.unwrap(), None);
    assert_eq!(store.checkpoint(&p).await.unwrap(), 0);
}

pub async fn the_lease_is_exclusive_until_it_expires_then_fences_the_old_holder<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let short = Duration::from_millis(300);
    let a = store.acquire_lease(&p, "projector-a", short).await.unwrap().expect("granted");
    assert_eq!(store.acquire_lease(&p, "projector-b", short).await.unwrap(), None, "held by a");
    assert_eq!(store.commit(&p, a.token, 1, &[put("k", "from a")], &[]).await.unwrap(), Commit::Applied);

    tokio::time::sleep(short + Duration::from_millis(200)).await;
    let b = store.acquire_lease(&p, "projector-b", TTL).await.unwrap().expect("a's lease expired");
    assert!(b.token > a.token, "tokens grow: {} then {}", a.token, b.token);
    // a wakes up after its pause and tries to commit: refused, nothing written.
    assert_eq!(store.commit(&p, a.token, 2, &[put("k", "from a, late")], &[]).await.unwrap(), Commit::Fenced);
    assert_eq!(store.get(&p, "k").await.unwrap().as_deref(), Some("from a"));
    assert_eq!(store.commit(&p, b.token, 2, &[put("k", "from b")], &[]).await.unwrap(), Commit::Applied);
    assert_eq!(store.acquire_lease(&p, "projector-a", TTL).await.unwrap(), None, "held by b now");
    assert_eq!(store.get(&p, "k").await.unwrap().as_deref(), Some("from b"));
}

pub async fn renewing_keeps_the_token_and_release_frees_the_lease<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let a = store.acquire_lease(&p, "projector-a", Duration::from_millis(400)).await.unwrap().unwrap();
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let renewed = store.acquire_lease(&p, "projector-a", Duration::from_millis(400)).await.unwrap();
        assert_eq!(renewed.as_ref(), Some(&a), "renewal keeps the token");
    }
    // 600 ms have passed: without the renewals the lease would have expired.
    assert_eq!(store.acquire_lease(&p, "projector-b", TTL).await.unwrap(), None);
    // Releasing someone else's lease does nothing.
    let stranger = crate::store::Lease { owner: "projector-b".into(), token: a.token };
    store.release_lease(&p, &stranger).await.unwrap();
    assert_eq!(store.acquire_lease(&p, "projector-b", TTL).await.unwrap(), None);
    store.release_lease(&p, &a).await.unwrap();
    let b = store.acquire_lease(&p, "projector-b", TTL).await.unwrap().expect("released");
    assert!(b.token > a.token);
    assert!(matches!(store.acquire_lease(&p, "two words", TTL).await, Err(ReadStoreError::Invalid(_))));
    assert!(matches!(store.acquire_lease(&p, "", TTL).await, Err(ReadStoreError::Invalid(_))));
}

pub async fn lists_keep_order_and_page<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let t = lease(&store, &p).await;
    let first: Vec<Write> = (0..30).map(|i| push("comments:d1", &format!("c{i}"))).collect();
    store.commit(&p, t, 1, &first, &[]).await.unwrap();
    let second: Vec<Write> = (30..45).map(|i| push("comments:d1", &format!("c{i}"))).collect();
    store.commit(&p, t, 2, &second, &[]).await.unwrap();
    assert_eq!(store.list_len(&p, "comments:d1").await.unwrap(), 45);
    let page = store.range(&p, "comments:d1", 20, 10).await.unwrap();
    assert_eq!(page, (20..30).map(|i| format!("c{i}")).collect::<Vec<_>>());
    assert_eq!(store.range(&p, "comments:d1", 40, 100).await.unwrap().len(), 5);
    assert!(store.range(&p, "comments:d1", 45, 10).await.unwrap().is_empty());
    assert!(store.range(&p, "comments:d1", 0, 0).await.unwrap().is_empty());
    assert!(store.range(&p, "missing", 0, 10).await.unwrap().is_empty());
    assert_eq!(store.list_len(&p, "missing").await.unwrap(), 0);
}

pub async fn kinds_and_projections_do_not_collide<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let q = fresh_projection();
    let tp = lease(&store, &p).await;
    let tq = lease(&store, &q).await;
    let same = "x:1";
    let writes = vec![put(same, "doc"), push(same, "list"), Write::HashPut { key: same.into(), field: "f".into(), value: "hash".into() }];
    assert_eq!(store.commit(&p, tp, 3, &writes, &[]).await.unwrap(), Commit::Applied);
    assert_eq!(store.get(&p, same).await.unwrap().as_deref(), Some("doc"));
    assert_eq!(store.range(&p, same, 0, 5).await.unwrap(), vec!["list"]);
    assert_eq!(store.hash_get(&p, same, "f").await.unwrap().as_deref(), Some("hash"));
    // The other projection has its own entries, checkpoint and lease.
    assert_eq!(store.get(&q, same).await.unwrap(), None);
    assert_eq!(store.checkpoint(&q).await.unwrap(), 0);
    assert_eq!(store.commit(&q, tq, 1, &[put(same, "other")], &[]).await.unwrap(), Commit::Applied);
    assert_eq!(store.get(&p, same).await.unwrap().as_deref(), Some("doc"));
    assert_eq!(store.checkpoint(&p).await.unwrap(), 3);
}

pub async fn hints_follow_applied_commits_only<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let t = lease(&store, &p).await;
    let mut hints = store.hints(&p).await.unwrap();
    store.commit(&p, t, 4, &[put("k", "v")], &["d1".into(), "d2".into()]).await.unwrap();
    store.commit(&p, t, 3, &[put("k", "stale")], &["d3".into()]).await.unwrap();
    store.commit(&p, t + 9, 5, &[put("k", "fenced")], &["d4".into()]).await.unwrap();
    store.commit(&p, t, 6, &[], &[]).await.unwrap();
    let got: Vec<Hint> = tokio::time::timeout(Duration::from_secs(5), hints.by_ref().take(2).collect()).await.expect("two hints");
    assert_eq!(got, vec![Hint { position: 4, streams: vec!["d1".into(), "d2".into()] }, Hint { position: 6, streams: vec![] }]);
    assert!(tokio::time::timeout(Duration::from_millis(200), hints.next()).await.is_err(), "no hint for refused commits");
}

pub async fn clear_removes_entries_and_checkpoint_but_keeps_the_lease<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let t = lease(&store, &p).await;
    let writes: Vec<Write> = (0..2500).map(|i| put(&format!("doc:{i}"), "v")).chain([push("l", "x")]).collect();
    store.commit(&p, t, 9, &writes, &[]).await.unwrap();
    store.clear(&p).await.unwrap();
    assert_eq!(store.checkpoint(&p).await.unwrap(), 0);
    assert_eq!(store.get(&p, "doc:0").await.unwrap(), None);
    assert_eq!(store.get(&p, "doc:2499").await.unwrap(), None);
    assert_eq!(store.list_len(&p, "l").await.unwrap(), 0);
    assert_eq!(store.commit(&p, t, 1, &[put("doc:0", "rebuilt")], &[]).await.unwrap(), Commit::Applied, "the lease survives a clear");
    assert_eq!(store.acquire_lease(&p, "projector-b", TTL).await.unwrap(), None);
}

pub async fn concurrent_committers_never_move_the_checkpoint_backwards<S: ReadModelStore + 'static>(store: S) {
    let p = Arc::new(fresh_projection());
    let store = Arc::new(store);
    let t = lease(&*store, &p).await;
    let mut tasks = Vec::new();
    for w in 0..8u64 {
        let (store, p) = (store.clone(), p.clone());
        tasks.push(tokio::spawn(async move {
            let mut applied = 0;
            for i in 0..50u64 {
                let position = 1 + (i * 8 + w * 37) % 400;
                let writes = [put("last", &position.to_string()), push(&format!("applied:{w}"), &position.to_string())];
                if store.commit(&p, t, position, &writes, &[]).await.unwrap() == Commit::Applied {
                    applied += 1;
                }
            }
            applied
        }));
    }
    let mut applied = 0;
    for task in tasks {
        applied += task.await.unwrap();
    }
    let checkpoint = store.checkpoint(&p).await.unwrap();
    assert_eq!(store.get(&p, "last").await.unwrap(), Some(checkpoint.to_string()), "the last write is the highest commit's");
    let mut positions = Vec::new();
    for w in 0..8 {
        let l = store.range(&p, &format!("applied:{w}"), 0, 1000).await.unwrap();
        positions.extend(l.iter().map(|s| s.parse::<u64>().unwrap()));
    }
    assert_eq!(positions.len(), applied);
    positions.sort_unstable();
    positions.dedup();
    assert_eq!(positions.len(), applied, "no position applied twice");
    assert_eq!(positions.last().copied(), Some(checkpoint));
}

pub async fn unicode_and_large_values_round_trip<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let t = lease(&store, &p).await;
    let big = "滕州市政务公开".repeat(50_000); // about 1 MiB
    let odd_key = "评论:带 空格:{括号}";
    let writes = vec![put("big", &big), put(odd_key, "值\n第二行\u{0}"), push(odd_key, "")];
    store.commit(&p, t, 1, &writes, &[]).await.unwrap();
    assert_eq!(store.get(&p, "big").await.unwrap().as_deref(), Some(big.as_str()));
    assert_eq!(store.get(&p, odd_key).await.unwrap().as_deref(), Some("值\n第二行\u{0}"));
    assert_eq!(store.range(&p, odd_key, 0, 1).await.unwrap(), vec![String::new()]);
}

pub async fn hash_all_returns_every_field<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let t = lease(&store, &p).await;
    assert!(store.hash_all(&p, "comments").await.unwrap().is_empty());
    let writes: Vec<Write> =
        (0..5000).map(|i| Write::HashPut { key: "comments".into(), field: i.to_string(), value: format!("意见{i}") }).collect();
    store.commit(&p, t, 1, &writes, &[]).await.unwrap();
    store.commit(&p, t, 2, &[Write::HashPut { key: "comments".into(), field: "7".into(), value: "changed".into() }], &[]).await.unwrap();
    let mut all = store.hash_all(&p, "comments").await.unwrap();
    all.sort_by_key(|(k, _)| k.parse::<u32>().unwrap());
    assert_eq!(all.len(), 5000, "every field once, across scan pages");
    assert_eq!(all[0], ("0".to_string(), "意见0".to_string()));
    assert_eq!(all[7].1, "changed");
    assert_eq!(all[4999].1, "意见4999");
}

pub async fn the_change_log_is_read_by_position_and_keeps_the_latest<S: ReadModelStore>(store: S) {
    let p = fresh_projection();
    let t = lease(&store, &p).await;
    assert!(store.log_after(&p, 0, 10).await.unwrap().is_empty());
    let positions = [3u64, 5, 9, 12, 20];
    for (i, at) in positions.iter().enumerate() {
        let w = Write::Log { value: format!("entry {i}"), keep: 2 };
        assert_eq!(store.commit(&p, t, *at, &[w, put("k", &i.to_string())], &[]).await.unwrap(), Commit::Applied);
    }
    // A refused commit logs nothing.
    store.commit(&p, t, 4, &[Write::Log { value: "stale".into(), keep: 2 }], &[]).await.unwrap();
    let all = store.log_after(&p, 0, 100).await.unwrap();
    assert!(all.len() >= 2, "at least the last `keep` entries are kept: {all:?}");
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "oldest first");
    assert_eq!(all.last(), Some(&(20, "entry 4".to_string())));
    assert!(all.iter().all(|(_, v)| v != "stale"));
    assert_eq!(store.log_after(&p, 12, 100).await.unwrap(), vec![(20, "entry 4".to_string())]);
    assert_eq!(store.log_after(&p, 9, 1).await.unwrap(), vec![(12, "entry 3".to_string())]);
    assert!(store.log_after(&p, 20, 100).await.unwrap().is_empty());
    store.clear(&p).await.unwrap();
    assert!(store.log_after(&p, 0, 100).await.unwrap().is_empty(), "clear empties the log");
}

/// A `redis-server` of a test's own (Debian's package, or `CANYU_REDIS_SERVER`): a fresh
/// directory, a free port on loopback, AOF with fsync on every write (so a SIGKILL keeps what
/// was acknowledged), killed and its directory removed on drop. `start` is `None` (after
/// printing SKIP) without the binary, unless `CANYU_REQUIRE_SERVICES=1`, where it panics.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<std::process::Child>,
    dir: std::path::PathBuf,
    pub port: u16,
}

impl RedisServer {
    fn binary() -> Option<String> {
        let bin = std::env::var("CANYU_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        match std::process::Command::new(&bin).arg("--version").stdout(std::process::Stdio::null()).status() {
            Ok(s) if s.success() => Some(bin),
            _ if std::env::var("CANYU_REQUIRE_SERVICES").as_deref() == Ok("1") => {
                panic!("{bin} not found but CANYU_REQUIRE_SERVICES=1: run ./scripts/test, which installs it")
            }
            _ => {
                eprintln!("SKIP: {bin} not found");
                None
            }
        }
    }

    pub fn start() -> Option<Self> {
        Self::binary()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let dir = std::env::temp_dir().join(format!("canyu-redis-{}", fresh_projection()));
        std::fs::create_dir_all(&dir).ok()?;
        let mut r = RedisServer { child: None, dir, port };
        r.restart();
        Some(r)
    }

    /// Starts the server (again) on the same port and directory; waits until it listens.
    pub fn restart(&mut self) {
        let bin = Self::binary().expect("redis-server");
        let child = std::process::Command::new(bin)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"])
            .args(["--appendfsync", "always", "--dir"])
            .arg(&self.dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "redis-server did not listen on {}", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[doc(hidden)]
#[macro_export]
macro_rules! __read_model_checks {
    ([$($callback:tt)*] [$($ctx:tt)*]) => {
        $($callback)*! {
            [$($ctx)*]
            commit_applies_writes_and_checkpoint,
            a_redelivered_batch_changes_nothing,
            a_commit_without_the_lease_changes_nothing,
            the_lease_is_exclusive_until_it_expires_then_fences_the_old_holder,
            renewing_keeps_the_token_and_release_frees_the_lease,
            lists_keep_order_and_page,
            kinds_and_projections_do_not_collide,
            hints_follow_applied_commits_only,
            clear_removes_entries_and_checkpoint_but_keeps_the_lease,
            concurrent_committers_never_move_the_checkpoint_backwards,
            unicode_and_large_values_round_trip,
            hash_all_returns_every_field,
            the_change_log_is_read_by_position_and_keeps_the_latest,
        }
    };
}

/// Expands to one `#[tokio::test]` per check on a fresh store from `$make`.
#[macro_export]
macro_rules! read_model_conformance_tests {
    (optional: $make:expr) => {
        $crate::__read_model_checks!([$crate::__read_model_tests_for_optional][$make]);
    };
    ($make:expr) => {
        $crate::__read_model_checks!([$crate::__read_model_tests_for][$make]);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __read_model_tests_for {
    ([$make:expr] $($name:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                $crate::conformance::$name($make.await).await
            }
        )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __read_model_tests_for_optional {
    ([$make:expr] $($name:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                match $make.await {
                    Some(store) => $crate::conformance::$name(store).await,
                    None => eprintln!("SKIP: read-model conformance check {}: no server configured", stringify!($name)),
                }
            }
        )*
    };
}
