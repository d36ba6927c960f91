//! Append latency of any store, for `/metrics`: [`Timed`] wraps a store and records how long
//! each append took (the durable commit included) in an [`AppendTimings`] histogram.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::stream::BoxStream;

use crate::{AppendResult, Capabilities, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result};

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

/// A store whose appends are timed.
pub struct Timed {
    inner: Arc<dyn EventStore>,
    timings: Arc<AppendTimings>,
}

impl Timed {
    pub fn new(inner: Arc<dyn EventStore>, timings: Arc<AppendTimings>) -> Self {
        Timed { inner, timings }
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
        let r = self.inner.append(stream, expected, events).await;
        self.timings.record(started.elapsed(), r.is_ok());
        r
    }

    async fn read_stream(&self, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        self.inner.read_stream(stream, from_version, limit).await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        self.inner.read_all(after, limit).await
    }

    async fn head(&self) -> Result<u64> {
        self.inner.head().await
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
