//! Rate limits shared through Redis: two limiters (two gateway replicas) on one Redis together
//! allow one bucket's worth, where in-process limiters would allow one each; with Redis away a
//! limiter falls back to its own bucket and answers at once. Uses `CANYU_TEST_REDIS_URL`
//! (scripts/test starts Redis); prints SKIP without it unless `CANYU_REQUIRE_SERVICES=1`.
#![cfg(feature = "redis")]

use std::time::{Duration, Instant};

use canyu_gateway::server::limits::{InProcessLimiter, Rate, RateLimiter};
use canyu_gateway::server::redis_limits::RedisLimiter;

fn redis_url() -> Option<String> {
    match std::env::var("CANYU_TEST_REDIS_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ if std::env::var("CANYU_REQUIRE_SERVICES").as_deref() == Ok("1") => panic!("CANYU_TEST_REDIS_URL is required"),
        _ => {
            eprintln!("SKIP: CANYU_TEST_REDIS_URL is not set");
            None
        }
    }
}

const RATE: Rate = Rate { per_second: 0.5, burst: 4.0 };

async fn allowed(limiters: &[&dyn RateLimiter], key: &str, tries: usize) -> usize {
    let mut ok = 0;
    for i in 0..tries {
        if limiters[i % limiters.len()].check(key, 1.0).await.is_ok() {
            ok += 1;
        }
    }
    ok
}

#[tokio::test]
async fn two_replicas_share_one_bucket_per_key() {
    let Some(url) = redis_url() else { return };
    let namespace = format!("canyu-limits-{}", std::process::id());
    let a = RedisLimiter::open(&url, &namespace, "account", RATE).unwrap();
    let b = RedisLimiter::open(&url, &namespace, "account", RATE).unwrap();
    let key = format!("acct-{}", chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0));
    assert_eq!(allowed(&[&a, &b], &key, 10).await, 4, "the burst, across both replicas");
    let wait = a.check(&key, 1.0).await.expect_err("still empty");
    assert!(wait > Duration::from_millis(500) && wait <= Duration::from_secs(2), "a retry hint: {wait:?}");
    // Another key has its own bucket; another scope too.
    assert!(b.check(&format!("{key}-other"), 1.0).await.is_ok());
    let client = RedisLimiter::open(&url, &namespace, "client", RATE).unwrap();
    assert!(client.check(&key, 1.0).await.is_ok());

    // A weighted take (three mutation fields, a query's points) counts its weight everywhere.
    let heavy = format!("{key}-heavy");
    assert!(a.check(&heavy, 3.0).await.is_ok());
    assert!(b.check(&heavy, 2.0).await.is_err(), "one token is left of four");
    assert!(b.check(&heavy, 1.0).await.is_ok());

    // In-process limiters, for contrast: each replica allows the whole burst.
    let (x, y) = (InProcessLimiter::new(RATE), InProcessLimiter::new(RATE));
    assert_eq!(allowed(&[&x, &y], "k", 10).await, 8);
}

#[tokio::test]
async fn without_redis_a_replica_falls_back_to_its_own_bucket_at_once() {
    let a = RedisLimiter::open("redis://127.0.0.1:1", "canyu", "account", RATE).unwrap();
    let started = Instant::now();
    assert_eq!(allowed(&[&a], "k", 6).await, 4);
    assert!(started.elapsed() < Duration::from_secs(10), "answered without hanging: {:?}", started.elapsed());
}
