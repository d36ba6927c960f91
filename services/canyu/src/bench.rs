//! `canyu bench`: measures the real HTTP endpoint with concurrent clients against a server it
//! starts in-process on a fresh data directory (same start-up code as `serve`), and fills a
//! data directory with comments for the rebuild benchmark. Results go to docs/benchmarks.md.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use canyu_app::Meta;
use canyu_domain::values::Role;
use canyu_eventstore::{Actor, EventMetadata, EventStore, ExpectedVersion, NewEvent};
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::startup::Platform;

pub mod fixture;
pub mod soak;

use fixture::{COMMENT_MUTATION, DECISION_QUERY, fixture_on, v};

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub scenario: Scenario,
}

#[derive(clap::Subcommand, Debug)]
pub enum Scenario {
    /// `submitComment` over HTTP from concurrent clients.
    Comments {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[command(flatten)]
        scaled: Scaled,
    },
    /// `decision` with 50 history entries over HTTP from concurrent clients.
    Decision {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[command(flatten)]
        scaled: Scaled,
    },
    /// Mixed reads and writes at a fraction of the measured maximum, for minutes: latency per
    /// minute, errors, resident memory at start and end (see docs/benchmarks.md).
    Soak(soak::SoakArgs),
    /// Build the transparency log's tree from a data directory's events (time and rate), then
    /// time inclusion and consistency proofs against the whole tree.
    Log {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        proofs: u64,
    },
    /// Fill a data directory with one decision and N comments (for `canyu rebuild`).
    Fill {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        comments: u64,
    },
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub use fixture::Scaled;

/// Runs one scenario and prints its figures.
pub async fn run(args: BenchArgs) -> Result<(), BoxError> {
    match args.scenario {
        Scenario::Comments { clients, seconds, scaled } => http(clients, seconds, true, scaled).await,
        Scenario::Decision { clients, seconds, scaled } => http(clients, seconds, false, scaled).await,
        Scenario::Soak(args) => soak::run(args).await,
        Scenario::Fill { data_dir, comments } => fill(&data_dir, comments).await,
        Scenario::Log { data_dir, proofs } => log(&data_dir, proofs).await,
    }
}

async fn log(data_dir: &std::path::Path, proofs: u64) -> Result<(), BoxError> {
    let mut platform = Platform::open_default(data_dir)?;
    let settings = crate::config::Settings { data_dir: data_dir.to_path_buf(), ..Default::default() };
    let log = platform.open_log(&settings)?;
    let started = Instant::now();
    let leaves = log.catch_up(platform.store.as_ref()).await?;
    let build = started.elapsed();
    println!(
        "built the tree of {leaves} leaves in {:.2}s ({:.0} leaves/s); peak memory {}",
        build.as_secs_f64(),
        leaves as f64 / build.as_secs_f64().max(1e-9),
        crate::bench::peak_memory().unwrap_or_else(|| "unknown".into())
    );
    let size = log.size();
    if size < 2 {
        return Ok(());
    }
    // Indexes spread over the tree by a fixed stride (no RNG needed to spread them).
    let stride = 7_919u64;
    let started = Instant::now();
    let mut hashes = 0usize;
    for i in 0..proofs {
        hashes += log.inclusion_proof((i * stride) % size, size)?.len();
    }
    let per = started.elapsed().as_secs_f64() / proofs as f64;
    println!(
        "inclusion proof at tree size {size}: {:.2} µs each over {proofs} proofs ({} hashes each on average)",
        per * 1e6,
        hashes as u64 / proofs
    );
    let started = Instant::now();
    for i in 0..proofs {
        log.consistency_proof(1 + (i * stride) % (size - 1), size)?;
    }
    let per = started.elapsed().as_secs_f64() / proofs as f64;
    println!("consistency proof to tree size {size}: {:.2} µs each", per * 1e6);
    Ok(())
}

/// Peak resident memory of this process (Linux `VmHWM`).
pub fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.0} MiB", kb as f64 / 1024.0))
}

async fn http(clients: usize, seconds: u64, write: bool, scaled: Scaled) -> Result<(), BoxError> {
    let f = Arc::new(fixture_on(clients, scaled).await?);
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    if !write {
        let body: Value =
            http.post(&f.url).json(&json!({"query": DECISION_QUERY, "variables": {"id": f.decision_id}})).send().await?.json().await?;
        let n = body["data"]["decision"]["history"]["edges"].as_array().map_or(0, Vec::len);
        println!("history entries per response: {n}");
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let (f, http) = (f.clone(), http.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut n = 0u64;
            while Instant::now() < deadline {
                let started = Instant::now();
                let req = if write {
                    let token = &f.tokens[i % f.tokens.len()];
                    http.post(&f.url).bearer_auth(token).json(&json!({"query": COMMENT_MUTATION, "variables": {"c": f.consultation_id, "b": format!("客户端{i}的第{n}条意见：建议增加停车泊位。")}}))
                } else {
                    http.post(&f.url).json(&json!({"query": DECISION_QUERY, "variables": {"id": f.decision_id}}))
                };
                let ok = match req.send().await {
                    Ok(r) if r.status().is_success() => r.json::<Value>().await.is_ok_and(|v| v.get("errors").is_none()),
                    _ => false,
                };
                lat.push(started.elapsed());
                if !ok {
                    errors += 1;
                }
                n += 1;
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    all.sort();
    let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default();
    println!(
        "{}: {} requests in {seconds}s from {clients} clients = {:.0}/s; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; errors {errors}",
        if write { "submitComment" } else { "decision(50 history entries)" },
        all.len(),
        all.len() as f64 / seconds as f64,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    Ok(())
}

async fn fill(data_dir: &std::path::Path, comments: u64) -> Result<(), BoxError> {
    let platform = Platform::open_default(data_dir)?;
    let app = platform.app.clone();
    app.create_account(&Meta::default(), "fill-admin", "fill-password", "管理员", Role::Admin).await?;
    let (_, token) = app.login("fill-admin", "fill-password").await?;
    let admin = Meta::by(Some(app.authenticate(&token).await?));
    let unit = app.execute(&admin, canyu_app::commands::RegisterUnit { name: v("市城市管理局")? }).await?.id;
    let d = app.execute(&admin, fixture::register_decision(app.new_id(), &unit)?).await?.id;
    let consultation = Uuid::now_v7().to_string();
    let store: Arc<dyn EventStore> = platform.store.clone();
    let started = Instant::now();
    let writers = 32u64;
    let per = comments / writers;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (store, d, consultation) = (store.clone(), d.clone(), consultation.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..per {
                let id = Uuid::now_v7().to_string();
                let e = canyu_domain::Event::from(canyu_domain::events::CommentSubmitted {
                    comment_id: id.clone(),
                    decision_id: d.clone(),
                    consultation_id: consultation.clone(),
                    account_id: format!("acc-{w}"),
                    clause_id: None,
                    draft_version: Some(1),
                    body: format!(
                        "第{i}条意见：建议在老旧小区增设分类投放点，并在早晚高峰安排督导员现场指导居民正确分类投放，避免混投混运。"
                    ),
                    submitted_at: Utc::now(),
                });
                let meta = EventMetadata {
                    actor: Actor { role: "resident".into(), account_id: Some(format!("acc-{w}")), unit_id: None },
                    correlation_id: Uuid::now_v7(),
                    causation_id: None,
                    idempotency_key: None,
                    server_time: Utc::now(),
                };
                let new = NewEvent { id: Uuid::now_v7(), event_type: e.event_type().into(), data: e.to_data(), metadata: meta };
                store.append(&format!("comment-{id}"), ExpectedVersion::NoStream, vec![new]).await?;
            }
            Ok::<_, canyu_eventstore::StoreError>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("appended {} comments in {secs:.1}s ({:.0}/s) to {}", per * writers, (per * writers) as f64 / secs, data_dir.display());
    Ok(())
}
