//! Prometheus text metrics: requests, errors by code, request latency, projection lag (the
//! append latency histogram comes from `canyu_eventstore::timed`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// Counters of one gateway process.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
}

/// Facts read at scrape time.
#[derive(Debug, Clone, Copy)]
pub struct Lag {
    pub head: u64,
    pub position: u64,
    pub seconds: f64,
}

impl Metrics {
    /// Records one GraphQL request and the codes of its errors.
    pub fn record(&self, elapsed: Duration, error_codes: impl IntoIterator<Item = String>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        let codes: Vec<String> = error_codes.into_iter().collect();
        if !codes.is_empty() {
            let mut errors = self.errors.lock().unwrap_or_else(|p| p.into_inner());
            for c in codes {
                *errors.entry(c).or_default() += 1;
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self, lag: Option<Lag>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP canyu_graphql_requests_total GraphQL HTTP requests.\n# TYPE canyu_graphql_requests_total counter");
        let _ = writeln!(out, "canyu_graphql_requests_total {}", self.requests.load(Ordering::Relaxed));
        let _ = writeln!(
            out,
            "# HELP canyu_graphql_errors_total GraphQL errors by extensions.code.\n# TYPE canyu_graphql_errors_total counter"
        );
        for (code, n) in self.errors.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "canyu_graphql_errors_total{{code=\"{code}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP canyu_graphql_request_seconds GraphQL request latency (mutations include the durable append and the read-your-writes wait).\n# TYPE canyu_graphql_request_seconds histogram"
        );
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "canyu_graphql_request_seconds_bucket{{le=\"{b}\"}} {}", self.latency_buckets[i].load(Ordering::Relaxed));
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(out, "canyu_graphql_request_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "canyu_graphql_request_seconds_sum {}", self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "canyu_graphql_request_seconds_count {count}");
        if let Some(l) = lag {
            let _ = writeln!(
                out,
                "# HELP canyu_event_store_head Global position of the last committed event.\n# TYPE canyu_event_store_head gauge"
            );
            let _ = writeln!(out, "canyu_event_store_head {}", l.head);
            let _ = writeln!(
                out,
                "# HELP canyu_projection_position Global position the read models reflect.\n# TYPE canyu_projection_position gauge"
            );
            let _ = writeln!(out, "canyu_projection_position {}", l.position);
            let _ = writeln!(
                out,
                "# HELP canyu_projection_lag_events Events committed but not yet in the read models.\n# TYPE canyu_projection_lag_events gauge"
            );
            let _ = writeln!(out, "canyu_projection_lag_events {}", l.head.saturating_sub(l.position));
            let _ = writeln!(
                out,
                "# HELP canyu_projection_lag_seconds Age of the newest event applied, while events are pending.\n# TYPE canyu_projection_lag_seconds gauge"
            );
            let _ = writeln!(out, "canyu_projection_lag_seconds {}", l.seconds);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_errors_and_buckets() {
        let m = Metrics::default();
        m.record(Duration::from_millis(3), []);
        m.record(Duration::from_millis(30), ["VALIDATION".to_string()]);
        let text = m.render(Some(Lag { head: 10, position: 7, seconds: 0.5 }));
        assert!(text.contains("canyu_graphql_requests_total 2"));
        assert!(text.contains("canyu_graphql_errors_total{code=\"VALIDATION\"} 1"));
        assert!(text.contains("canyu_graphql_request_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("canyu_graphql_request_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("canyu_projection_lag_events 3"));
    }
}
