//! Read models built incrementally while the demo scenario runs equal a rebuild from
//! position 0 into fresh read models.

use std::sync::Arc;
use std::time::Duration;

use canyu::seed::{at, seed_platform};
use canyu::startup::Platform;
use canyu_app::ManualClock;
use canyu_projections::Projections;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_from_position_zero_equals_the_live_read_models() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at(2021, 1, 4, 9)));
    let platform = Platform::open(dir.path(), clock.clone()).unwrap();
    platform.spawn_projector();
    let platform = seed_platform(platform, clock).await.expect("the demo scenario runs");
    let head = platform.store.head().await.unwrap();
    assert!(head > 50, "the scenario wrote a full history ({head} events)");
    assert!(platform.projections.wait_for(head, Duration::from_secs(10)).await);
    let live = platform.projections.snapshot();

    let fresh = Projections::new();
    let applied = fresh.catch_up(platform.store.as_ref(), |_, _| {}).await.unwrap();
    assert_eq!(applied, head);
    let rebuilt = fresh.snapshot();
    assert_eq!(rebuilt.position, live.position);
    assert_eq!(rebuilt.decisions.len(), 8);
    assert!(rebuilt == live, "a rebuild from position 0 differs from the live read models");

    // Redelivering the whole log changes nothing (exactly-once in effect).
    let all = platform.store.read_all(0, 10_000).await.unwrap();
    fresh.apply_batch(&all);
    assert!(fresh.snapshot() == live);

    // And the log's hash chains verify.
    assert_eq!(platform.verify_all().await.unwrap(), head);
}
