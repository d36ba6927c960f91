//! `canyu bench soak`: mixed reads (`decision` with 50 history entries) and writes
//! (`submitComment`) over HTTP against an in-process server. First the maximum throughput of
//! the mix is measured with closed-loop clients; then requests are issued open-loop at a
//! fraction of it (default 70 %) for `--minutes`, reporting per minute the rate, p50/p99
//! latency and errors, and the process's resident memory (server and load generator share
//! the process) at start and end. Not part of CI: see docs/benchmarks.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::fixture::{COMMENT_MUTATION, DECISION_QUERY, Fixture, fixture};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(clap::Args, Debug)]
pub struct SoakArgs {
    /// Length of the steady phase.
    #[arg(long, default_value_t = 10)]
    pub minutes: u64,
    /// Share of the measured maximum to run at.
    #[arg(long, default_value_t = 0.7)]
    pub fraction: f64,
    /// Writes among the requests, in percent.
    #[arg(long, default_value_t = 20)]
    pub write_percent: u64,
    /// Seconds of the maximum-throughput measurement.
    #[arg(long, default_value_t = 20)]
    pub probe_seconds: u64,
    /// Skip the probe and run at this rate (requests/s).
    #[arg(long)]
    pub rate: Option<f64>,
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn one(f: &Fixture, http: &reqwest::Client, n: u64, write_percent: u64) -> bool {
    let req = if n % 100 < write_percent {
        let token = &f.tokens[(n as usize) % f.tokens.len()];
        http.post(&f.url).bearer_auth(token).json(&json!({"query": COMMENT_MUTATION, "variables": {"c": f.consultation_id, "b": format!("浸泡测试第{n}条意见：建议增加停车泊位。")}}))
    } else {
        http.post(&f.url).json(&json!({"query": DECISION_QUERY, "variables": {"id": f.decision_id}}))
    };
    match req.send().await {
        Ok(r) if r.status().is_success() => r.json::<Value>().await.is_ok_and(|v| v.get("errors").is_none()),
        _ => false,
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted.get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1))).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// Runs the soak and prints its figures.
pub async fn run(args: SoakArgs) -> Result<(), BoxError> {
    let f = Arc::new(fixture(64).await?);
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    let counter = Arc::new(AtomicU64::new(0));
    let rate = match args.rate {
        Some(r) => r,
        None => {
            let deadline = Instant::now() + Duration::from_secs(args.probe_seconds);
            let mut tasks = Vec::new();
            for _ in 0..32 {
                let (f, http, counter) = (f.clone(), http.clone(), counter.clone());
                tasks.push(tokio::spawn(async move {
                    let mut done = 0u64;
                    while Instant::now() < deadline {
                        one(&f, &http, counter.fetch_add(1, Ordering::Relaxed), args.write_percent).await;
                        done += 1;
                    }
                    done
                }));
            }
            let mut total = 0;
            for t in tasks {
                total += t.await?;
            }
            let max = total as f64 / args.probe_seconds as f64;
            println!("maximum of the mix ({}% writes), 32 closed-loop clients: {max:.0} requests/s", args.write_percent);
            max * args.fraction
        }
    };
    println!("soak: {rate:.0} requests/s for {} min", args.minutes);
    let start_rss = rss_mib();
    let started = Instant::now();
    let end = started + Duration::from_secs(args.minutes * 60);
    let latencies = Arc::new(std::sync::Mutex::new(Vec::<Duration>::new()));
    let errors = Arc::new(AtomicU64::new(0));
    let in_flight = Arc::new(AtomicU64::new(0));
    let mut minute = 1;
    let mut next_report = started + Duration::from_secs(60);
    let mut all_errors = 0;
    let mut p99s = Vec::new();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    while Instant::now() < end {
        tick.tick().await;
        let (tf, th, tc, tl, te, ti) = (f.clone(), http.clone(), counter.clone(), latencies.clone(), errors.clone(), in_flight.clone());
        in_flight.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            let t = Instant::now();
            let ok = one(&tf, &th, tc.fetch_add(1, Ordering::Relaxed), args.write_percent).await;
            tl.lock().unwrap_or_else(|p| p.into_inner()).push(t.elapsed());
            if !ok {
                te.fetch_add(1, Ordering::Relaxed);
            }
            ti.fetch_sub(1, Ordering::Relaxed);
        });
        if Instant::now() >= next_report {
            let mut lat = std::mem::take(&mut *latencies.lock().unwrap_or_else(|p| p.into_inner()));
            lat.sort();
            let e = errors.swap(0, Ordering::Relaxed);
            all_errors += e;
            let p99 = pct(&lat, 0.99);
            p99s.push(p99);
            println!(
                "minute {minute}: {} requests ({:.0}/s), p50 {:.2} ms, p99 {p99:.2} ms, max {:.1} ms, errors {e}, in flight {}, RSS {:.0} MiB",
                lat.len(),
                lat.len() as f64 / 60.0,
                pct(&lat, 0.5),
                lat.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
                in_flight.load(Ordering::Relaxed),
                rss_mib()
            );
            minute += 1;
            next_report += Duration::from_secs(60);
        }
    }
    while in_flight.load(Ordering::Relaxed) > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    all_errors += errors.load(Ordering::Relaxed);
    let comments = counter.load(Ordering::Relaxed) * args.write_percent / 100;
    println!(
        "soak done: {:.1} min at {rate:.0}/s, errors {all_errors}, p99 per minute min {:.2} / max {:.2} ms, RSS start {start_rss:.0} MiB, end {:.0} MiB (about {comments} comments written)",
        started.elapsed().as_secs_f64() / 60.0,
        p99s.iter().copied().fold(f64::INFINITY, f64::min),
        p99s.iter().copied().fold(0.0, f64::max),
        rss_mib()
    );
    Ok(())
}
