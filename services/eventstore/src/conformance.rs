//! The conformance suite every [`EventStore`] backend passes.
//!
//! Each check is a `pub async fn` taking a fresh, empty store and panicking with a message
//! that says what broke. A backend runs them all in a few lines, either one test per check:
//!
//! ```text
//! async fn fresh_store() -> MyStore { /* … */ }
//! canyu_eventstore::conformance_tests!(fresh_store());
//! ```
//!
//! (which needs `tokio` with `macros` and `rt-multi-thread` in the calling crate), or in one
//! test with [`run_all`]. Other crates enable the `conformance` feature to use it.
//!
//! Checks state positions as ordinals (1 = the first event of the fresh store). For a backend
//! whose [`Capabilities::contiguous_positions`](crate::Capabilities) is false, ordinals are
//! translated to its real positions through `read_all`, so everything but contiguity itself is
//! still checked: order, paging, resuming after a position, no skips and no repeats.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use uuid::Uuid;

use crate::{Actor, AppendResult, EventMetadata, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result, StoreError, verify_chain};

/// How long a check waits for a subscription to deliver before it fails.
const WAIT: Duration = Duration::from_secs(10);

/// Calls `$callback! { [$ctx] check, check, … }` with the name of every check: the one list
/// behind both [`run_all`] and [`conformance_tests!`](crate::conformance_tests).
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_checks {
    ([$($callback:tt)*] [$($ctx:tt)*]) => {
        $($callback)*! {
            [$($ctx)*]
            append_to_new_stream_with_no_stream,
            no_stream_on_existing_stream_conflicts,
            exact_version_is_checked,
            any_appends_whatever_the_version,
            read_stream_from_version,
            missing_stream_reads_empty,
            positions_are_contiguous_across_streams,
            read_all_pages,
            idempotent_retry_returns_original_result,
            empty_append_is_invalid,
            hash_chain_verifies_and_detects_tampering,
            concurrent_appenders_to_different_streams,
            concurrent_appenders_to_one_stream_retry_on_conflict,
            subscribe_all_catches_up_then_goes_live,
            subscribe_all_from_mid_position,
            subscriber_restarts_from_checkpoint_without_gap_or_repeat,
            subscriber_sees_every_event_under_concurrent_appends,
        }
    };
}

/// Expands to one `#[tokio::test]` per check, each on a fresh store from `$make` (an
/// expression evaluating to a future of the store, e.g. `fresh_store()`).
///
/// For a backend that needs a server, `conformance_tests!(optional: fresh_store())` takes a
/// future of `Option<store>` instead: `None` (no server configured) prints `SKIP` and passes.
#[macro_export]
macro_rules! conformance_tests {
    (optional: $make:expr) => {
        $crate::__conformance_checks!([$crate::__conformance_tests_for_optional][$make]);
    };
    ($make:expr) => {
        $crate::__conformance_checks!([$crate::__conformance_tests_for][$make]);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_tests_for_optional {
    ([$make:expr] $($name:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                match $make.await {
                    Some(store) => $crate::conformance::$name(store).await,
                    None => eprintln!("SKIP: conformance check {}: no server configured", stringify!($name)),
                }
            }
        )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_tests_for {
    ([$make:expr] $($name:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                $crate::conformance::$name($make.await).await;
            }
        )*
    };
}

/// Runs every check, each on a fresh store from `make`, naming each on stderr as it starts.
pub async fn run_all<S, F, Fut>(make: F)
where
    S: EventStore,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    macro_rules! run_each {
        ([] $($name:ident),* $(,)?) => {
            $(
                eprintln!("conformance check: {}", stringify!($name));
                $name(make().await).await;
            )*
        };
    }
    crate::__conformance_checks!([run_each] []);
}

/// A new event with a fresh UUID v7, type `conformance.tested.v1` and data `{"n": n}`.
pub fn new_event(n: u64) -> NewEvent {
    NewEvent {
        id: Uuid::now_v7(),
        event_type: "conformance.tested.v1".into(),
        data: format!(r#"{{"n":{n},"note":"参与 conformance"}}"#),
        metadata: EventMetadata {
            actor: Actor { role: "system".into(), account_id: Some("account-1".into()), unit_id: None },
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            idempotency_key: Some(format!("key-{n}")),
            server_time: Utc.timestamp_opt(1_795_000_000, 123_456_789).single().unwrap_or_default(),
        },
    }
}

fn new_events(count: u64) -> Vec<NewEvent> {
    (0..count).map(new_event).collect()
}

async fn must_append<S: EventStore>(store: &S, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> AppendResult {
    match store.append(stream, expected, events).await {
        Ok(r) => r,
        Err(e) => panic!("append to {stream} with {expected:?} failed: {e}"),
    }
}

async fn must_read_stream<S: EventStore>(store: &S, stream: &str, from: u64) -> Vec<RecordedEvent> {
    store.read_stream(stream, from, 10_000).await.unwrap_or_else(|e| panic!("read_stream({stream}, {from}) failed: {e}"))
}

async fn must_read_all<S: EventStore>(store: &S) -> Vec<RecordedEvent> {
    store.read_all(0, 1_000_000).await.unwrap_or_else(|e| panic!("read_all failed: {e}"))
}

async fn must_head<S: EventStore>(store: &S) -> u64 {
    store.head().await.unwrap_or_else(|e| panic!("head failed: {e}"))
}

fn assert_conflict(result: Result<AppendResult>, stream: &str, expected: ExpectedVersion, actual: Option<u64>) {
    match result {
        Err(StoreError::Conflict { stream: s, expected: e, actual: a }) => {
            assert_eq!((s.as_str(), e, a), (stream, expected, actual), "conflict should name the stream, expectation and actual version");
        }
        other => panic!("append to {stream} with {expected:?} should conflict (actual {actual:?}), got {other:?}"),
    }
}

fn positions(events: &[RecordedEvent]) -> Vec<u64> {
    events.iter().map(|e| e.position).collect()
}

fn contiguous<S: EventStore>(store: &S) -> bool {
    store.capabilities().contiguous_positions
}

/// The ordinal (1-based rank in the log) of each position; the identity for contiguous stores.
async fn ordinals<S: EventStore>(store: &S, of: &[u64]) -> Vec<u64> {
    if contiguous(store) {
        return of.to_vec();
    }
    let log = positions(&must_read_all(store).await);
    of.iter()
        .map(|p| match log.binary_search(p) {
            Ok(i) => i as u64 + 1,
            Err(_) => panic!("position {p} is not in the log"),
        })
        .collect()
}

async fn ordinals_of<S: EventStore>(store: &S, events: &[RecordedEvent]) -> Vec<u64> {
    ordinals(store, &positions(events)).await
}

/// The position of the `ordinal`-th event (0 for 0); the identity for contiguous stores.
async fn position_at<S: EventStore>(store: &S, ordinal: u64) -> u64 {
    if ordinal == 0 || contiguous(store) {
        return ordinal;
    }
    let log = must_read_all(store).await;
    log.get(ordinal as usize - 1).map(|e| e.position).unwrap_or_else(|| panic!("the log has no event number {ordinal}"))
}

/// `result` with its positions as ordinals.
async fn in_ordinals<S: EventStore>(store: &S, result: AppendResult) -> AppendResult {
    let o = ordinals(store, &[result.first_position, result.last_position]).await;
    AppendResult { first_position: o[0], last_position: o[1], ..result }
}

/// The head as an ordinal, i.e. the number of events.
async fn head_ordinal<S: EventStore>(store: &S) -> u64 {
    let head = must_head(store).await;
    if head == 0 || contiguous(store) {
        return head;
    }
    let log = positions(&must_read_all(store).await);
    assert_eq!(log.last(), Some(&head), "head is the last event's position");
    log.len() as u64
}

fn one_to(n: u64) -> Vec<u64> {
    (1..=n).collect()
}

async fn next_event(sub: &mut BoxStream<'static, Result<RecordedEvent>>) -> RecordedEvent {
    match tokio::time::timeout(WAIT, sub.next()).await {
        Ok(Some(Ok(event))) => event,
        Ok(Some(Err(e))) => panic!("subscription failed: {e}"),
        Ok(None) => panic!("subscription ended while the store is open"),
        Err(_) => panic!("subscription delivered nothing for {WAIT:?}"),
    }
}

async fn take_events(sub: &mut BoxStream<'static, Result<RecordedEvent>>, count: usize) -> Vec<RecordedEvent> {
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        out.push(next_event(sub).await);
    }
    out
}

async fn assert_quiet(sub: &mut BoxStream<'static, Result<RecordedEvent>>) {
    if let Ok(Some(item)) = tokio::time::timeout(Duration::from_millis(100), sub.next()).await {
        panic!("subscription delivered more than was appended: {item:?}");
    }
}

/// A first append with `NoStream` creates the stream at version 0 and stores the envelope as given.
pub async fn append_to_new_stream_with_no_stream<S: EventStore>(store: S) {
    let sent = new_events(2);
    let result = must_append(&store, "conf-new", ExpectedVersion::NoStream, sent.clone()).await;
    assert_eq!(in_ordinals(&store, result).await, AppendResult { first_position: 1, last_position: 2, last_version: 1 });
    let read = must_read_stream(&store, "conf-new", 0).await;
    assert_eq!(read.len(), 2, "both events are stored");
    let read_ordinals = ordinals_of(&store, &read).await;
    for (i, (got, sent)) in read.iter().zip(&sent).enumerate() {
        assert_eq!(got.stream_id, "conf-new");
        assert_eq!(got.version, i as u64, "versions start at 0");
        assert_eq!(read_ordinals[i], i as u64 + 1, "positions start at 1");
        assert_eq!((&got.id, &got.event_type, &got.data, &got.metadata), (&sent.id, &sent.event_type, &sent.data, &sent.metadata));
    }
    assert_eq!(head_ordinal(&store).await, 2);
}

/// `NoStream` on an existing stream conflicts and writes nothing.
pub async fn no_stream_on_existing_stream_conflicts<S: EventStore>(store: S) {
    must_append(&store, "conf-exists", ExpectedVersion::NoStream, new_events(1)).await;
    let again = store.append("conf-exists", ExpectedVersion::NoStream, new_events(3)).await;
    assert_conflict(again, "conf-exists", ExpectedVersion::NoStream, Some(0));
    assert_eq!(must_read_stream(&store, "conf-exists", 0).await.len(), 1, "a conflicting append writes nothing");
    assert_eq!(head_ordinal(&store).await, 1);
}

/// `Exact(v)` succeeds only when the stream's last version is `v`.
pub async fn exact_version_is_checked<S: EventStore>(store: S) {
    assert_conflict(
        store.append("conf-exact", ExpectedVersion::Exact(0), new_events(1)).await,
        "conf-exact",
        ExpectedVersion::Exact(0),
        None,
    );
    must_append(&store, "conf-exact", ExpectedVersion::NoStream, new_events(2)).await;
    for wrong in [0, 2, 7] {
        let result = store.append("conf-exact", ExpectedVersion::Exact(wrong), new_events(1)).await;
        assert_conflict(result, "conf-exact", ExpectedVersion::Exact(wrong), Some(1));
    }
    let result = must_append(&store, "conf-exact", ExpectedVersion::Exact(1), new_events(1)).await;
    assert_eq!(in_ordinals(&store, result).await, AppendResult { first_position: 3, last_position: 3, last_version: 2 });
    assert_eq!(must_read_all(&store).await.len(), 3, "conflicting appends write nothing");
}

/// `Any` appends to a missing or an existing stream.
pub async fn any_appends_whatever_the_version<S: EventStore>(store: S) {
    let first = must_append(&store, "conf-any", ExpectedVersion::Any, new_events(1)).await;
    assert_eq!(first.last_version, 0);
    let second = must_append(&store, "conf-any", ExpectedVersion::Any, new_events(2)).await;
    assert_eq!(in_ordinals(&store, second).await, AppendResult { first_position: 2, last_position: 3, last_version: 2 });
}

/// `read_stream` starts at `from_version` and honours `limit`.
pub async fn read_stream_from_version<S: EventStore>(store: S) {
    must_append(&store, "conf-read", ExpectedVersion::NoStream, new_events(3)).await;
    must_append(&store, "conf-other", ExpectedVersion::NoStream, new_events(2)).await;
    must_append(&store, "conf-read", ExpectedVersion::Exact(2), new_events(2)).await;
    let versions = |events: Vec<RecordedEvent>| events.iter().map(|e| e.version).collect::<Vec<_>>();
    assert_eq!(versions(must_read_stream(&store, "conf-read", 2).await), vec![2, 3, 4]);
    assert_eq!(versions(store.read_stream("conf-read", 1, 2).await.expect("read_stream")), vec![1, 2]);
    assert!(must_read_stream(&store, "conf-read", 5).await.is_empty(), "reading past the end is empty");
    assert!(store.read_stream("conf-read", 0, 0).await.expect("read_stream").is_empty(), "limit 0 reads nothing");
    let read = must_read_stream(&store, "conf-read", 0).await;
    assert!(read.iter().all(|e| e.stream_id == "conf-read"), "only the stream's own events");
    assert_eq!(ordinals_of(&store, &read).await, vec![1, 2, 3, 6, 7]);
}

/// A stream that was never written reads as empty, not as an error.
pub async fn missing_stream_reads_empty<S: EventStore>(store: S) {
    assert!(must_read_stream(&store, "conf-missing", 0).await.is_empty());
    must_append(&store, "conf-present", ExpectedVersion::NoStream, new_events(1)).await;
    assert!(must_read_stream(&store, "conf-missing", 0).await.is_empty());
}

/// Positions are 1, 2, 3, … across all streams, in append order.
pub async fn positions_are_contiguous_across_streams<S: EventStore>(store: S) {
    let plan = [("conf-a", 2), ("conf-b", 1), ("conf-a", 3), ("conf-c", 4), ("conf-b", 2)];
    let mut expected_first = 1;
    for (stream, count) in plan {
        let result = in_ordinals(&store, must_append(&store, stream, ExpectedVersion::Any, new_events(count)).await).await;
        assert_eq!((result.first_position, result.last_position), (expected_first, expected_first + count - 1));
        expected_first += count;
    }
    let all = must_read_all(&store).await;
    assert_eq!(ordinals_of(&store, &all).await, one_to(12));
    for stream in ["conf-a", "conf-b", "conf-c"] {
        let versions: Vec<u64> = all.iter().filter(|e| e.stream_id == stream).map(|e| e.version).collect();
        assert_eq!(versions, (0..versions.len() as u64).collect::<Vec<_>>(), "{stream} versions in position order");
    }
    assert_eq!(head_ordinal(&store).await, 12);
}

/// `read_all` pages by `after` and `limit` without gaps or repeats.
pub async fn read_all_pages<S: EventStore>(store: S) {
    for i in 0..5 {
        must_append(&store, &format!("conf-page-{}", i % 2), ExpectedVersion::Any, new_events(5)).await;
    }
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = store.read_all(after, 7).await.expect("read_all");
        assert!(page.len() <= 7, "a page holds at most `limit` events");
        let Some(last) = page.last() else { break };
        after = last.position;
        seen.extend(positions(&page));
    }
    assert_eq!(ordinals(&store, &seen).await, one_to(25));
    let after_tenth = store.read_all(position_at(&store, 10).await, 5).await.expect("read_all");
    assert_eq!(ordinals_of(&store, &after_tenth).await, vec![11, 12, 13, 14, 15]);
    assert!(store.read_all(position_at(&store, 25).await, 10).await.expect("read_all").is_empty());
    assert!(store.read_all(0, 0).await.expect("read_all").is_empty(), "limit 0 reads nothing");
}

/// Retrying an append whose events are stored returns the original result and writes nothing,
/// even though the expected version is now wrong.
pub async fn idempotent_retry_returns_original_result<S: EventStore>(store: S) {
    let batch = new_events(2);
    let original = must_append(&store, "conf-idem", ExpectedVersion::NoStream, batch.clone()).await;
    must_append(&store, "conf-idem", ExpectedVersion::Exact(1), new_events(1)).await;
    must_append(&store, "conf-elsewhere", ExpectedVersion::NoStream, new_events(1)).await;
    for expected in [ExpectedVersion::NoStream, ExpectedVersion::Exact(0), ExpectedVersion::Exact(1), ExpectedVersion::Any] {
        let retry = must_append(&store, "conf-idem", expected, batch.clone()).await;
        assert_eq!(retry, original, "a retry with {expected:?} returns the original result");
    }
    let single = new_events(1);
    let first = must_append(&store, "conf-idem", ExpectedVersion::Exact(2), single.clone()).await;
    assert_eq!(must_append(&store, "conf-idem", ExpectedVersion::Exact(2), single).await, first);
    assert_eq!(must_read_stream(&store, "conf-idem", 0).await.len(), 4, "retries write nothing");
    assert_eq!(head_ordinal(&store).await, 5);
}

/// An append of no events is `Invalid` and writes nothing.
pub async fn empty_append_is_invalid<S: EventStore>(store: S) {
    for expected in [ExpectedVersion::NoStream, ExpectedVersion::Any, ExpectedVersion::Exact(0)] {
        match store.append("conf-empty", expected, Vec::new()).await {
            Err(StoreError::Invalid(_)) => {}
            other => panic!("an empty append with {expected:?} should be Invalid, got {other:?}"),
        }
    }
    assert!(must_read_stream(&store, "conf-empty", 0).await.is_empty());
    assert_eq!(must_head(&store).await, 0);
}

/// Stored events form a hash chain that [`verify_chain`] accepts, and any change breaks it.
pub async fn hash_chain_verifies_and_detects_tampering<S: EventStore>(store: S) {
    must_append(&store, "conf-chain", ExpectedVersion::NoStream, new_events(2)).await;
    must_append(&store, "conf-noise", ExpectedVersion::NoStream, new_events(1)).await;
    must_append(&store, "conf-chain", ExpectedVersion::Exact(1), new_events(3)).await;
    let events = must_read_stream(&store, "conf-chain", 0).await;
    verify_chain(&events).expect("the stored chain verifies");
    assert_eq!(events[0].prev_hash, [0; 32], "version 0 chains onto zeroes");
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "each event chains onto the previous one in its stream");
    }

    let tampered = |change: &dyn Fn(&mut Vec<RecordedEvent>)| {
        let mut copy = events.clone();
        change(&mut copy);
        matches!(verify_chain(&copy), Err(StoreError::Corrupt(_)))
    };
    assert!(tampered(&|e| e[2].data = r#"{"n":999}"#.into()), "changed data is detected");
    assert!(tampered(&|e| e[1].metadata.actor.role = "admin".into()), "changed metadata is detected");
    assert!(tampered(&|e| e[3].event_type = "conformance.other.v1".into()), "changed type is detected");
    assert!(tampered(&|e| e.swap(1, 2)), "reordering is detected");
    assert!(tampered(&|e| drop(e.remove(1))), "a removed event is detected");
}

/// 32 tasks appending to their own streams at once all land, at positions 1..=n.
pub async fn concurrent_appenders_to_different_streams<S: EventStore>(store: S) {
    const TASKS: u64 = 32;
    const APPENDS: u64 = 10;
    let store = Arc::new(store);
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let stream = format!("conf-par-{t}");
            for i in 0..APPENDS {
                let expected = if i == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(i - 1) };
                must_append(&*store, &stream, expected, new_events(1)).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("appender task panicked");
    }
    let all = must_read_all(&*store).await;
    assert_eq!(ordinals_of(&*store, &all).await, one_to(TASKS * APPENDS), "positions are contiguous from 1");
    for t in 0..TASKS {
        let stream = format!("conf-par-{t}");
        let versions: Vec<u64> = all.iter().filter(|e| e.stream_id == stream).map(|e| e.version).collect();
        assert_eq!(versions, (0..APPENDS).collect::<Vec<_>>(), "{stream} has every version once, in order");
    }
    assert_eq!(head_ordinal(&*store).await, TASKS * APPENDS);
}

/// 20 tasks racing on one stream with `Exact`, each retrying on conflict: all land once, as
/// versions 0..20 of one unbroken chain.
pub async fn concurrent_appenders_to_one_stream_retry_on_conflict<S: EventStore>(store: S) {
    const TASKS: usize = 20;
    let store = Arc::new(store);
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let event = new_event(t as u64);
            let id = event.id;
            let mut expected = ExpectedVersion::NoStream;
            for _ in 0..1000 {
                match store.append("conf-race", expected, vec![event.clone()]).await {
                    Ok(_) => return id,
                    Err(StoreError::Conflict { actual, .. }) => {
                        expected = actual.map_or(ExpectedVersion::NoStream, ExpectedVersion::Exact);
                    }
                    Err(e) => panic!("append failed: {e}"),
                }
            }
            panic!("task {t} still conflicting after 1000 tries");
        }));
    }
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.expect("appender task panicked"));
    }
    let events = must_read_stream(&*store, "conf-race", 0).await;
    assert_eq!(events.iter().map(|e| e.version).collect::<Vec<_>>(), (0..TASKS as u64).collect::<Vec<_>>());
    assert_eq!(events.iter().map(|e| e.id).collect::<HashSet<_>>(), ids, "every task's event landed exactly once");
    verify_chain(&events).expect("the contended stream is one unbroken chain");
    assert_eq!(ordinals_of(&*store, &events).await, one_to(TASKS as u64));
}

/// A subscription from 0 delivers the stored events (more than one page), then live ones.
pub async fn subscribe_all_catches_up_then_goes_live<S: EventStore>(store: S) {
    for i in 0..12 {
        must_append(&store, &format!("conf-sub-{}", i % 3), ExpectedVersion::Any, new_events(100)).await;
    }
    let mut sub = store.subscribe_all(0);
    let caught_up = take_events(&mut sub, 1200).await;
    assert_eq!(ordinals_of(&store, &caught_up).await, one_to(1200), "catch-up in order");
    let store = Arc::new(store);
    let writer = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            for _ in 0..5 {
                must_append(&*store, "conf-sub-live", ExpectedVersion::Any, new_events(1)).await;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let live = take_events(&mut sub, 5).await;
    writer.await.expect("writer task panicked");
    assert_eq!(ordinals_of(&*store, &live).await, (1201..=1205).collect::<Vec<_>>(), "live events in order");
    assert!(live.iter().all(|e| e.stream_id == "conf-sub-live"));
    assert_quiet(&mut sub).await;
}

/// A subscription after position k delivers exactly k+1, k+2, …
pub async fn subscribe_all_from_mid_position<S: EventStore>(store: S) {
    for _ in 0..5 {
        must_append(&store, "conf-mid", ExpectedVersion::Any, new_events(2)).await;
    }
    let mut sub = store.subscribe_all(position_at(&store, 4).await);
    let first = take_events(&mut sub, 6).await;
    assert_eq!(ordinals_of(&store, &first).await, (5..=10).collect::<Vec<_>>());
    must_append(&store, "conf-mid", ExpectedVersion::Any, new_events(2)).await;
    let live = take_events(&mut sub, 2).await;
    assert_eq!(ordinals_of(&store, &live).await, vec![11, 12]);
    assert_quiet(&mut sub).await;
    let mut at_head = store.subscribe_all(position_at(&store, 12).await);
    assert_quiet(&mut at_head).await;
}

/// A subscriber that stops and resumes from its checkpoint misses nothing and repeats nothing.
pub async fn subscriber_restarts_from_checkpoint_without_gap_or_repeat<S: EventStore>(store: S) {
    must_append(&store, "conf-ckpt", ExpectedVersion::NoStream, new_events(10)).await;
    let mut sub = store.subscribe_all(0);
    let checkpoint = take_events(&mut sub, 6).await.last().map(|e| e.position).unwrap_or_default();
    drop(sub);
    must_append(&store, "conf-ckpt", ExpectedVersion::Exact(9), new_events(5)).await;
    let mut resumed = store.subscribe_all(checkpoint);
    let rest = take_events(&mut resumed, 9).await;
    assert_eq!(ordinals_of(&store, &rest).await, (7..=15).collect::<Vec<_>>());
    assert_quiet(&mut resumed).await;
}

/// A subscription running while 8 tasks append sees every position exactly once, in order.
pub async fn subscriber_sees_every_event_under_concurrent_appends<S: EventStore>(store: S) {
    const TASKS: u64 = 8;
    const APPENDS: u64 = 50;
    let store = Arc::new(store);
    must_append(&*store, "conf-busy-start", ExpectedVersion::NoStream, new_events(3)).await;
    let mut sub = store.subscribe_all(position_at(&*store, 1).await);
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for _ in 0..APPENDS {
                must_append(&*store, &format!("conf-busy-{t}"), ExpectedVersion::Any, new_events(1 + t % 2)).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("appender task panicked");
    }
    let total = head_ordinal(&*store).await;
    assert_eq!(total, 3 + APPENDS * (TASKS / 2) * 3);
    let seen = take_events(&mut sub, (total - 1) as usize).await;
    assert_eq!(ordinals_of(&*store, &seen).await, (2..=total).collect::<Vec<_>>());
    assert_quiet(&mut sub).await;
}

/// The [`KeyStore`](crate::keys::KeyStore) port's erasure contract, for two handles on one
/// store (`a` and `b`, as two processes would hold): a deleted subject's key is gone for both,
/// a tombstone stays, and no key is ever created for them again — not even by requests that
/// race the erasure. Panics with what broke.
pub async fn key_store_erasure_is_final(a: Arc<dyn crate::keys::KeyStore>, b: Arc<dyn crate::keys::KeyStore>) {
    let key = a.get_or_create("erased-1").await.expect("create");
    assert_eq!(b.get("erased-1").await.expect("get"), Some(key), "the other handle sees the key");
    assert!(b.delete("erased-1").await.expect("delete"), "a key existed");
    for (name, h) in [("a", &a), ("b", &b)] {
        assert_eq!(h.get("erased-1").await.expect("get"), None, "{name}: the key is gone");
        assert!(matches!(h.get_or_create("erased-1").await, Err(StoreError::Erased(_))), "{name}: no key is created again");
    }
    assert!(!a.delete("erased-1").await.expect("delete again"), "nothing left to delete");
    // A subject erased before any key was made is tombstoned all the same.
    assert!(!a.delete("never-keyed").await.expect("delete"));
    assert!(matches!(b.get_or_create("never-keyed").await, Err(StoreError::Erased(_))));

    // Creators racing an erasure: each gets the one key that existed before it, or Erased;
    // once the erasure has returned, every creator gets Erased.
    for round in 0..5 {
        let subject = format!("raced-{round}");
        let creators: Vec<_> = (0..8)
            .map(|i| {
                let h = if i % 2 == 0 { a.clone() } else { b.clone() };
                let subject = subject.clone();
                tokio::spawn(async move { h.get_or_create(&subject).await })
            })
            .collect();
        let eraser = {
            let b = b.clone();
            let subject = subject.clone();
            tokio::spawn(async move { b.delete(&subject).await })
        };
        eraser.await.expect("task").expect("delete");
        let mut keys = HashSet::new();
        for c in creators {
            match c.await.expect("task") {
                Ok(k) => {
                    keys.insert(k);
                }
                Err(StoreError::Erased(_)) => {}
                Err(e) => panic!("round {round}: {e}"),
            }
        }
        assert!(keys.len() <= 1, "round {round}: one key at most, never one made after the erasure");
        for h in [&a, &b] {
            assert!(matches!(h.get_or_create(&subject).await, Err(StoreError::Erased(_))), "round {round}: erased for good");
            assert_eq!(h.get(&subject).await.expect("get"), None);
        }
    }
}

/// The [`KeyStore`](crate::keys::KeyStore) port's names, for two handles on one store: one
/// holder per name whoever races for it, seen by both handles, and gone with the holder's
/// erasure (after which another subject may claim the name). Panics with what broke.
pub async fn key_store_names_are_claimed_once_and_erased(a: Arc<dyn crate::keys::KeyStore>, b: Arc<dyn crate::keys::KeyStore>) {
    assert_eq!(a.name_owner("name-1").await.expect("owner"), None);
    assert_eq!(a.claim_name("name-1", "subject-1").await.expect("claim"), "subject-1");
    assert_eq!(b.name_owner("name-1").await.expect("owner"), Some("subject-1".to_string()), "the other handle sees it");
    assert_eq!(b.claim_name("name-1", "subject-2").await.expect("claim"), "subject-1", "the first holder keeps it");
    assert_eq!(a.claim_name("name-2", "subject-1").await.expect("claim"), "subject-1", "a subject may hold several names");

    // Racing claimers: exactly one wins, and everyone is told the same winner.
    let claims: Vec<_> = (0..8)
        .map(|i| {
            let h = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { h.claim_name("contested", &format!("racer-{i}")).await })
        })
        .collect();
    let mut winners = HashSet::new();
    for c in claims {
        winners.insert(c.await.expect("task").expect("claim"));
    }
    assert_eq!(winners.len(), 1, "one holder: {winners:?}");

    // Erasure takes the subject's names with its key, for every handle.
    a.get_or_create("subject-1").await.expect("key");
    assert!(b.delete("subject-1").await.expect("delete"));
    for (which, h) in [("a", &a), ("b", &b)] {
        assert_eq!(h.name_owner("name-1").await.expect("owner"), None, "{which}: the name is gone");
        assert_eq!(h.name_owner("name-2").await.expect("owner"), None, "{which}: every name is gone");
    }
    assert_eq!(b.claim_name("name-1", "subject-3").await.expect("claim"), "subject-3", "the name is free again");
    // A subject erased without a key loses its names too.
    assert_eq!(a.claim_name("name-4", "keyless").await.expect("claim"), "keyless");
    assert!(!a.delete("keyless").await.expect("delete"));
    assert_eq!(b.name_owner("name-4").await.expect("owner"), None);
}
