//! `canyu project` as real processes on PostgreSQL and Redis: two projectors start, one takes
//! the lease and writes the read models to Redis (equal to a fresh fold of the log), the other
//! stands by; when the holder is killed with SIGKILL the standby takes over within the lease
//! time and carries on from the stored checkpoint, so events written meanwhile are projected
//! exactly once; `canyu rebuild` then rewrites them once no projector runs. Needs `CANYU_TEST_POSTGRES_URL` and `CANYU_TEST_REDIS_URL` (scripts/test
//! starts both); without them it prints SKIP, unless `CANYU_REQUIRE_SERVICES=1`.
#![cfg(all(feature = "redis", feature = "postgres"))]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use canyu_eventstore::EventStore;
use canyu_eventstore::postgres::PostgresEventStore;
use canyu_projections::documents::PROJECTION;
use canyu_projections::redis_store::RedisReadStore;
use canyu_projections::{Projections, ReadModelStore};
use support::{TEST_LOG_KEY, assert_stored, canyu, fresh_schema, postgres_url, redis_url};

struct Env {
    pg: String,
    redis: String,
    namespace: String,
    dir: tempfile::TempDir,
}

impl Env {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = canyu();
        c.args(args)
            .env("CANYU_EVENT_STORE", "postgres")
            .env("CANYU_POSTGRES_URL", &self.pg)
            .env("CANYU_TOKEN_SECRET", "a-shared-token-secret-of-at-least-32-chars")
            .env("CANYU_LOG_KEY", TEST_LOG_KEY)
            .env("CANYU_DATA_DIR", self.dir.path())
            .env("CANYU_READ_MODELS", "redis")
            .env("CANYU_REDIS_URL", &self.redis)
            .env("CANYU_REDIS_NAMESPACE", &self.namespace)
            .env("CANYU_LEASE_SECONDS", "2")
            .env("CANYU_LOG", "warn")
            .stdout(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) {
        let status = self.command(args).status().expect("run canyu");
        assert!(status.success(), "canyu {args:?} failed");
    }

    /// A projector serving its metrics on a free port (read from its first line of output).
    fn projector(&self, owner: &str) -> Projector {
        use std::io::BufRead;
        let mut child = self
            .command(&["project", "--owner", owner, "--metrics-listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start canyu project");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("projector metrics on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();
        Projector(child, url)
    }
}

struct Projector(Child, String);

impl Projector {
    /// One metric's value from `/metrics`.
    async fn metric(&self, name: &str) -> Option<u64> {
        let text = reqwest::get(format!("{}/metrics", self.1)).await.ok()?.text().await.ok()?;
        text.lines().find(|l| l.starts_with(name)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
    }
}

impl Drop for Projector {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_for_checkpoint(store: &RedisReadStore, position: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if store.checkpoint(PROJECTION).await.unwrap_or(0) >= position {
            return;
        }
        assert!(Instant::now() < deadline, "the read models in Redis did not reach position {position}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_projector_takes_over_when_the_holder_is_killed() {
    let (Some(pg), Some(redis)) = (postgres_url(), redis_url()) else { return };
    let env = Env {
        pg: fresh_schema(&pg).await,
        redis,
        namespace: format!("canyu-projector-{}", uuid::Uuid::now_v7().simple()),
        dir: tempfile::tempdir().unwrap(),
    };
    env.run(&["seed-demo"]);
    let log = PostgresEventStore::connect(&env.pg).await.unwrap();
    let head = log.head().await.unwrap();
    assert!(head > 50, "the demo wrote its history ({head} events)");
    let store = RedisReadStore::open(&env.redis, &env.namespace).unwrap();

    let a = env.projector("projector-a");
    wait_for_checkpoint(&store, head).await;
    assert_eq!(store.lease_holder(PROJECTION).await.unwrap().as_deref(), Some("projector-a"));
    let b = env.projector("projector-b");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(store.lease_holder(PROJECTION).await.unwrap().as_deref(), Some("projector-a"), "b stands by");
    assert_eq!(a.metric("canyu_projector_lease_held").await, Some(1));
    assert_eq!(b.metric("canyu_projector_lease_held").await, Some(0));
    assert_eq!(a.metric("canyu_projector_committed_position").await, Some(head));
    assert_eq!(a.metric("canyu_projector_lag_events").await, Some(0));
    let fold = Projections::new();
    fold.catch_up(&log, |_, _| {}).await.unwrap();
    assert_stored(&store, &fold.snapshot()).await;

    // The holder dies without giving the lease up; events keep arriving.
    drop(a);
    for i in 0..3 {
        env.run(&["admin", "create-user", "--username", &format!("late-{i}"), "--password", "a-long-password-1"]);
    }
    let later = log.head().await.unwrap();
    assert!(later > head);
    wait_for_checkpoint(&store, later).await;
    assert_eq!(store.lease_holder(PROJECTION).await.unwrap().as_deref(), Some("projector-b"), "b took over");
    assert_eq!(b.metric("canyu_projector_lease_held").await, Some(1));
    assert_eq!(b.metric("canyu_projector_committed_position").await, Some(later));
    fold.catch_up(&log, |_, _| {}).await.unwrap();
    assert_stored(&store, &fold.snapshot()).await;

    // `canyu rebuild` refuses while a projector holds the lease, then clears and refolds.
    let refused = env.command(&["rebuild"]).stderr(Stdio::piped()).output().unwrap();
    assert!(!refused.status.success(), "rebuild must wait for the projector to stop");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stop `canyu project` first"));
    drop(b);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    env.run(&["rebuild"]);
    assert_stored(&store, &fold.snapshot()).await;
}
