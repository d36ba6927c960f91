//! Append latency of any store, for `/metrics`, and a bound on every call: [`Timed`] wraps a
//! store, records how long each append took (the durable commit included) in an
//! [`AppendTimings`] histogram, and answers `Unavailable` when the store does not answer a call
//! within its deadline (a stalled connection must not hold a request for ever).

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::stream::BoxStream;

use crate::{AppendResult, Capabilities, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result, StoreError};

/// How long one call may take by default before it answers `Unavailable`.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// Upper bounds (seconds) of the append latency buckets.
pub const APPEND_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// A histogram of append latencies and a count of failed appends.
#[derive(Debug, Default)]
pub struct AppendTimings {
    buckets: [AtomicU64; APPEND_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    failures: AtomicU64,
}

impl AppendTimings {
    pub fn record(&self, took: Duration, ok: bool) {
        let secs = took.as_secs_f64();
        for (i, b) in APPEND_BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        if !ok {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Appends the Prometheus text of the histogram to `out`.
    pub fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP canyu_event_store_append_seconds Latency of appends to the event store (durable commit included).\n# TYPE canyu_event_store_append_seconds histogram"
        );
        for (i, b) in APPEND_BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "canyu_event_store_append_seconds_bucket{{le=\"{b}\"}} {}", self.buckets[i].load(Ordering::Relaxed));
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "canyu_event_store_append_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "canyu_event_store_append_seconds_sum {}", self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "canyu_event_store_append_seconds_count {count}");
        let _ = writeln!(
            out,
            "# HELP canyu_event_store_append_failures_total Appends refused or failed (conflicts included).\n# TYPE canyu_event_store_append_failures_total counter"
        );
        let _ = writeln!(out, "canyu_event_store_append_failures_total {}", self.failures.load(Ordering::Relaxed));
    }
}

/// A store whose appends are timed and whose calls are bounded.
pub struct Timed {
    inner: Arc<dyn EventStore>,
    timings: Arc<AppendTimings>,
    deadline: Duration,
}

impl Timed {
    pub fn new(inner: Arc<dyn EventStore>, timings: Arc<AppendTimings>) -> Self {
        Timed { inner, timings, deadline: DEFAULT_DEADLINE }
    }

    /// Bounds every call (but the endless subscription) by `deadline`. An append cut off by it
    /// may still commit later: `Unavailable` means "not known", and a retry with the same
    /// idempotency key finds the first attempt.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    async fn bounded<T>(&self, what: &str, call: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        match tokio::time::timeout(self.deadline, call).await {
            Ok(r) => r,
            Err(_) => Err(StoreError::Unavailable(format!("{what}: no answer within {:?}", self.deadline))),
        }
    }
}

impl std::fmt::Debug for Timed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timed").finish_non_exhaustive()
    }
}

#[async_trait]
impl EventStore for Timed {
    async fn append(&self, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> Result<AppendResult> {
        let started = Instant::now();
        let r = self.bounded("append", self.inner.append(stream, expected, events)).await;
        self.timings.record(started.elapsed(), r.is_ok());
        r
    }

    async fn read_stream(&self, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        self.bounded("read_stream", self.inner.read_stream(stream, from_version, limit)).await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        self.bounded("read_all", self.inner.read_all(after, limit)).await
    }

    async fn head(&self) -> Result<u64> {
        self.bounded("head", self.inner.head()).await
    }

    fn subscribe_all(&self, after: u64) -> BoxStream<'static, Result<RecordedEvent>> {
        self.inner.subscribe_all(after)
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store that accepts calls and never answers them (a stalled connection).
    struct Stalled;

    #[async_trait]
    impl EventStore for Stalled {
        async fn append(&self, _: &str, _: ExpectedVersion, _: Vec<NewEvent>) -> Result<AppendResult> {
            std::future::pending().await
        }
        async fn read_stream(&self, _: &str, _: u64, _: usize) -> Result<Vec<RecordedEvent>> {
            std::future::pending().await
        }
        async fn read_all(&self, _: u64, _: usize) -> Result<Vec<RecordedEvent>> {
            std::future::pending().await
        }
        async fn head(&self) -> Result<u64> {
            std::future::pending().await
        }
        fn subscribe_all(&self, _: u64) -> BoxStream<'static, Result<RecordedEvent>> {
            Box::pin(futures::stream::pending())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_store_that_does_not_answer_is_unavailable_after_the_deadline() {
        let store = Timed::new(Arc::new(Stalled), Arc::default()).with_deadline(Duration::from_secs(2));
        let started = tokio::time::Instant::now();
        let e = store.read_stream("decision-1", 0, 10).await.unwrap_err();
        assert!(matches!(e, StoreError::Unavailable(ref m) if m.contains("read_stream")), "{e}");
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        assert!(matches!(store.append("decision-1", ExpectedVersion::Any, vec![]).await, Err(StoreError::Unavailable(_))));
        assert!(matches!(store.head().await, Err(StoreError::Unavailable(_))));
    }

    #[test]
    fn renders_counts_buckets_and_failures() {
        let t = AppendTimings::default();
        t.record(Duration::from_micros(300), true);
        t.record(Duration::from_millis(3), true);
        t.record(Duration::from_millis(30), false);
        let mut out = String::new();
        t.render(&mut out);
        assert!(out.contains("canyu_event_store_append_seconds_bucket{le=\"0.0005\"} 1"), "{out}");
        assert!(out.contains("canyu_event_store_append_seconds_bucket{le=\"0.005\"} 2"), "{out}");
        assert!(out.contains("canyu_event_store_append_seconds_bucket{le=\"+Inf\"} 3"), "{out}");
        assert!(out.contains("canyu_event_store_append_seconds_count 3"));
        assert!(out.contains("canyu_event_store_append_failures_total 1"));
    }
}
