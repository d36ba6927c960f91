//! `canyu bench`: measures the real HTTP endpoint with concurrent clients against a server it
//! starts in-process on a fresh data directory (same start-up code as `serve`), and fills a
//! data directory with comments for the rebuild benchmark. Results go to docs/benchmarks.md.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use canyu_app::{Meta, Principal};
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::Role;
use canyu_eventstore::{Actor, EventMetadata, EventStore, ExpectedVersion, NewEvent};
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::startup::Platform;

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
    Soak(crate::soak::SoakArgs),
    /// Fill a data directory with one decision and N comments (for `canyu rebuild`).
    Fill {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        comments: u64,
    },
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Run the scenario on the scaled-out setup instead of the embedded default: the PostgreSQL
/// log at `--postgres-url` (an empty database or schema; without it the SQLite log), a
/// projector writing the read models to Redis at `--redis-url`, and the gateway answering from
/// its replica of them.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Scaled {
    #[arg(long, requires = "redis_url")]
    pub postgres_url: Option<String>,
    /// With `--redis-url` alone: the SQLite log of the embedded default, read models in Redis.
    #[arg(long)]
    pub redis_url: Option<String>,
}

/// Runs one scenario and prints its figures.
pub async fn run(args: BenchArgs) -> Result<(), BoxError> {
    match args.scenario {
        Scenario::Comments { clients, seconds, scaled } => http(clients, seconds, true, scaled).await,
        Scenario::Decision { clients, seconds, scaled } => http(clients, seconds, false, scaled).await,
        Scenario::Soak(args) => crate::soak::run(args).await,
        Scenario::Fill { data_dir, comments } => fill(&data_dir, comments).await,
    }
}

pub(crate) struct Fixture {
    pub(crate) url: String,
    pub(crate) decision_id: String,
    pub(crate) consultation_id: String,
    pub(crate) tokens: Vec<String>,
    _dir: tempfile::TempDir,
}

pub(crate) async fn fixture(clients: usize) -> Result<Fixture, BoxError> {
    fixture_on(clients, Scaled::default()).await
}

pub(crate) async fn fixture_on(clients: usize, scaled: Scaled) -> Result<Fixture, BoxError> {
    let dir = tempfile::tempdir()?;
    let (platform, services) = match (&scaled.postgres_url, &scaled.redis_url) {
        (pg, Some(redis)) => scaled_platform(dir.path(), pg.as_deref(), redis).await?,
        _ => {
            let platform = Platform::open_default(dir.path())?;
            platform.spawn_projector();
            let services = platform.services();
            (platform, services)
        }
    };
    let app = platform.app.clone();
    app.create_account(&Meta::default(), "bench-admin", "bench-password", "管理员", Role::Admin).await?;
    let (_, token) = app.login("bench-admin", "bench-password").await?;
    let admin = Meta::by(Some(app.authenticate(&token).await?));
    let unit = app.register_unit(&admin, "市住房和城乡建设局").await?.id;
    let d = app.register_decision(&admin, 2021, "基准测试决策事项", "用于基准测试", &unit, "PUBLIC", None, None).await?.id;
    app.decision_command(
        &admin,
        &d,
        DecisionCommand::PublishDraft {
            text: "第一条 总则。\n第二条 适用范围。".into(),
            explanation: String::new(),
            change_note: String::new(),
        },
    )
    .await?;
    let now = Utc::now();
    let c = app.new_id();
    let w = app
        .decision_command(
            &admin,
            &d,
            DecisionCommand::OpenConsultation {
                consultation_id: c.clone(),
                channel: "ONLINE".into(),
                opens_at: now,
                closes_at: now + chrono::Duration::days(31),
                how_to_submit: String::new(),
                shortened_reason: None,
            },
        )
        .await?;
    platform.projections.wait_for(w.position, Duration::from_secs(10)).await;
    let mut tokens = Vec::new();
    for i in 0..clients.min(64) {
        let (_, t) = app.register_account(&Meta::default(), &format!("bench-user-{i}"), "bench-password", &format!("居民{i}")).await?;
        tokens.push(t);
    }
    let resident: Principal = app.authenticate(&tokens[0]).await?;
    // 47 comments + 3 decision events: the decision's history has 50 entries.
    let mut last = 0;
    for i in 0..47 {
        last = app
            .submit_comment(&Meta::by(Some(resident.clone())), &c, &format!("第{i}条意见：建议进一步明确适用范围。"), None)
            .await?
            .position;
    }
    platform.projections.wait_for(last, Duration::from_secs(10)).await;
    // Rate limits on, but far above the load, so their cost is measured without refusals.
    let fast = canyu_gateway::server::limits::Rate { per_second: 1e9, burst: 1e9 };
    let limits = canyu_gateway::server::Limits { per_client: Some(fast), per_account: Some(fast), ..Default::default() };
    let router = canyu_gateway::server::router_with(services, None, limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/graphql", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(Fixture { url, decision_id: d, consultation_id: c, tokens, _dir: dir })
}

pub(crate) const DECISION_QUERY: &str = "query($id: ID!) { decision(id: $id) { id title stage undertakingUnit { name } \
    consultations { id status commentCount } history(first: 50) { totalCount edges { node { position at kind summary actor } } } } }";
pub(crate) const COMMENT_MUTATION: &str =
    "mutation($c: ID!, $b: String!) { submitComment(input: { consultationId: $c, body: $b }) { position comment { id } } }";

#[cfg(feature = "redis")]
async fn scaled_platform(
    dir: &std::path::Path,
    pg: Option<&str>,
    redis: &str,
) -> Result<(Platform, Arc<canyu_gateway::Services>), BoxError> {
    use crate::config::{EventStoreKind, ReadModelKind, Secret, Settings};
    let settings = Settings {
        data_dir: dir.to_path_buf(),
        event_store: if pg.is_some() { EventStoreKind::Postgres } else { EventStoreKind::Sqlite },
        postgres_url: pg.map(|p| Secret::from(p.to_string())),
        read_models: ReadModelKind::Redis,
        redis_url: Some(Secret::from(redis.to_string())),
        redis_namespace: format!("canyu-bench-{}", std::process::id()),
        token_secret: Some(Secret::from("a-bench-token-secret-of-at-least-32-chars".to_string())),
        ..Settings::default()
    };
    let platform = Platform::connect(&settings, Arc::new(canyu_app::SystemClock)).await?;
    if canyu_eventstore::EventStore::head(platform.store.as_ref()).await? > 0 {
        return Err("the bench needs an empty PostgreSQL database (or schema)".into());
    }
    let store = crate::startup::read_model_store(&settings)?;
    let mut projector = canyu_projections::DocumentProjector::new(store, "bench-projector", Duration::from_secs(10));
    let log = platform.store.clone();
    tokio::spawn(async move { projector.run(log).await });
    let services = crate::startup::replica_services(&settings, &platform).await?;
    Ok((platform, services))
}

#[cfg(not(feature = "redis"))]
async fn scaled_platform(_: &std::path::Path, _: Option<&str>, _: &str) -> Result<(Platform, Arc<canyu_gateway::Services>), BoxError> {
    Err("this build has no Redis read models".into())
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
    let unit = app.register_unit(&admin, "市城市管理局").await?.id;
    let d = app.register_decision(&admin, 2021, "滕州市生活垃圾分类管理实施方案", "基准测试", &unit, "PUBLIC", None, None).await?.id;
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
