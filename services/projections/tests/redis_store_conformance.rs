//! The read-model store conformance suite and Redis-specific checks against `RedisReadStore`.
//!
//! The suite uses the server at `CANYU_TEST_REDIS_URL` (scripts/test starts one). The outage
//! check starts its own `redis-server` (Debian's package) on a free port with a temporary
//! directory, kills it with SIGKILL under load and starts it again. Without a URL or a
//! `redis-server` binary the tests print SKIP, unless `CANYU_REQUIRE_SERVICES=1`, where they fail.
#![cfg(all(feature = "redis", feature = "conformance"))]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use canyu_projections::conformance::{RedisServer, fresh_projection};
use canyu_projections::redis_store::RedisReadStore;
use canyu_projections::{Commit, ReadModelStore, ReadStoreError, Write};

fn required() -> bool {
    std::env::var("CANYU_REQUIRE_SERVICES").as_deref() == Ok("1")
}

/// The test server's URL, or `None` (after printing SKIP) when none is configured.
fn server_url() -> Option<String> {
    match std::env::var("CANYU_TEST_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if required() => panic!("CANYU_TEST_REDIS_URL is not set but CANYU_REQUIRE_SERVICES=1: run ./scripts/test, which starts Redis"),
        _ => {
            eprintln!("SKIP: CANYU_TEST_REDIS_URL is not set");
            None
        }
    }
}

async fn fresh_store() -> Option<RedisReadStore> {
    let url = server_url()?;
    Some(RedisReadStore::open(&url, "canyu-test").expect("open"))
}

canyu_projections::read_model_conformance_tests!(optional: fresh_store());

#[tokio::test]
async fn keys_of_one_projection_share_one_hash_tag() {
    let Some(url) = server_url() else { return };
    let store = RedisReadStore::open(&url, "canyu-tag").unwrap();
    let p = fresh_projection();
    let lease = store.acquire_lease(&p, "tagger", Duration::from_secs(10)).await.unwrap().unwrap();
    let writes = [
        Write::Put { key: "decision:1".into(), value: "{}".into() },
        Write::Push { list: "history:1".into(), value: "e".into() },
        Write::HashPut { key: "lookup".into(), field: "f".into(), value: "v".into() },
    ];
    assert_eq!(store.commit(&p, lease.token, 1, &writes, &[]).await.unwrap(), Commit::Applied);
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("*{p}*")).query_async(&mut c).await.unwrap();
    assert_eq!(keys.len(), 6, "three entries, checkpoint, lease, fence: {keys:?}");
    let tag = format!("{{canyu-tag:{p}}}:");
    assert!(keys.iter().all(|k| k.starts_with(&tag)), "every key starts with the hash tag {tag}: {keys:?}");
}

#[tokio::test]
async fn a_bad_url_or_namespace_is_invalid() {
    assert!(matches!(RedisReadStore::open("not a url", "ns"), Err(ReadStoreError::Invalid(_))));
    assert!(matches!(RedisReadStore::open("redis://127.0.0.1:1", "a{b}"), Err(ReadStoreError::Invalid(_))));
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_quickly() {
    // Port 1 on loopback refuses connections.
    let store = RedisReadStore::open_with_timeout("redis://127.0.0.1:1", "ns", Duration::from_millis(500)).unwrap();
    let started = Instant::now();
    assert!(matches!(store.checkpoint("p").await, Err(ReadStoreError::Unavailable(_))));
    assert!(matches!(store.hints("p").await, Err(ReadStoreError::Unavailable(_))));
    assert!(started.elapsed() < Duration::from_secs(10), "answered within the bound, not hung: {:?}", started.elapsed());
}

/// Commits under load while the server is killed and restarted: while it is away every call
/// answers `Unavailable` within the bound (never hangs); afterwards the same store object works
/// again without being reopened, and every commit it acknowledged is there exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_and_restarted_server_loses_no_acknowledged_commit() {
    let Some(mut redis) = RedisServer::start() else { return };
    let timeout = Duration::from_millis(800);
    let store = Arc::new(RedisReadStore::open_with_timeout(&redis.url(), "canyu", timeout).unwrap());
    let p = Arc::new(fresh_projection());
    let lease = store.acquire_lease(&p, "projector", Duration::from_secs(600)).await.unwrap().unwrap();

    // One committer, as a projector is: positions 1, 2, 3, ... each pushing its position; a
    // failed commit is retried with the same position (what the projector does).
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicU64::new(0));
    let slowest_failure = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let failures = Arc::new(AtomicU64::new(0));
    let writer = {
        let (store, p, stop, acknowledged, slowest, failures) =
            (store.clone(), p.clone(), stop.clone(), acknowledged.clone(), slowest_failure.clone(), failures.clone());
        tokio::spawn(async move {
            let mut position = 1u64;
            while !stop.load(Ordering::Relaxed) {
                let writes = [Write::Push { list: "applied".into(), value: position.to_string() }];
                let started = Instant::now();
                match store.commit(&p, lease.token, position, &writes, &[]).await {
                    Ok(Commit::Applied) => {
                        acknowledged.store(position, Ordering::SeqCst);
                        position += 1;
                    }
                    // The script ran but its answer was lost: the retry finds it applied.
                    Ok(Commit::Stale { checkpoint }) if checkpoint >= position => {
                        acknowledged.store(position, Ordering::SeqCst);
                        position += 1;
                    }
                    Ok(other) => panic!("unexpected {other:?} at {position}"),
                    Err(ReadStoreError::Unavailable(_)) => {
                        failures.fetch_add(1, Ordering::Relaxed);
                        let took = started.elapsed();
                        {
                            let mut s = slowest.lock().unwrap();
                            *s = (*s).max(took);
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(e) => panic!("unexpected error {e}"),
                }
            }
        })
    };

    for round in 0..3 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let before = acknowledged.load(Ordering::SeqCst);
        assert!(before > 0, "round {round}: commits are acknowledged before the kill");
        redis.kill();
        // While it is down, reads answer Unavailable within the bound.
        let started = Instant::now();
        assert!(matches!(store.checkpoint(&p).await, Err(ReadStoreError::Unavailable(_))));
        assert!(started.elapsed() < timeout * 4, "round {round}: a read while down took {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(600)).await;
        redis.restart();
        // Resumes without reopening the store.
        let deadline = Instant::now() + Duration::from_secs(20);
        while acknowledged.load(Ordering::SeqCst) < before + 20 {
            assert!(Instant::now() < deadline, "round {round}: commits did not resume after the restart");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();

    let last = acknowledged.load(Ordering::SeqCst);
    let applied = store.range(&p, "applied", 0, usize::MAX / 2).await.unwrap();
    let expected: Vec<String> = (1..=last).map(|i| i.to_string()).collect();
    assert_eq!(applied, expected, "every acknowledged commit exactly once, in order");
    assert_eq!(store.checkpoint(&p).await.unwrap(), last);
    let slowest = *slowest_failure.lock().unwrap();
    assert!(failures.load(Ordering::Relaxed) > 0, "the kills were noticed");
    assert!(slowest < timeout * 4, "a failing commit answered within the bound: {slowest:?}");
    eprintln!(
        "redis outage: 3 kills, {last} commits acknowledged and checked, {} refused while down, slowest refusal {slowest:?}",
        failures.load(Ordering::Relaxed)
    );
}
