//! The benchmarks' shared set-up: an in-process server on a fresh data directory (or on
//! PostgreSQL and Redis) with one decision, an open consultation, residents and 47 comments,
//! and the two requests the benchmarks send.

use std::sync::Arc;
use std::time::Duration;

use canyu_app::{Meta, Principal, commands};
use canyu_domain::values::Role;
use chrono::Utc;

use crate::startup::Platform;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The benchmark's text, parsed into the value object its command carries.
pub(crate) fn v<T: canyu_domain::values::TextValue>(text: &str) -> Result<T, canyu_domain::DomainError> {
    T::parse(text)
}

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

pub struct Fixture {
    pub url: String,
    pub decision_id: String,
    pub consultation_id: String,
    pub tokens: Vec<String>,
    _dir: tempfile::TempDir,
}

pub async fn fixture(clients: usize) -> Result<Fixture, BoxError> {
    fixture_on(clients, Scaled::default()).await
}

pub async fn fixture_on(clients: usize, scaled: Scaled) -> Result<Fixture, BoxError> {
    let dir = tempfile::tempdir()?;
    let (platform, services) = match (&scaled.postgres_url, &scaled.redis_url) {
        (pg, Some(redis)) => scaled_platform(dir.path(), pg.as_deref(), redis).await?,
        _ => {
            let mut platform = Platform::open_default(dir.path())?;
            platform.spawn_projector();
            // The transparency log follows and signs, and every comment asks for its receipt.
            let settings = crate::config::Settings { data_dir: dir.path().to_path_buf(), ..Default::default() };
            platform.open_log(&settings)?;
            platform.build_log().await?;
            platform.spawn_log();
            let services = platform.services();
            (platform, services)
        }
    };
    let app = platform.app.clone();
    app.create_account(&Meta::default(), "bench-admin", "bench-password", "管理员", Role::Admin).await?;
    let (_, token) = app.login("bench-admin", "bench-password").await?;
    let admin = Meta::by(Some(app.authenticate(&token).await?));
    let unit = app.execute(&admin, commands::RegisterUnit { name: v("市住房和城乡建设局")? }).await?.id;
    let d = app.execute(&admin, register_decision(app.new_id(), &unit)?).await?.id;
    // Public readers see the item once its year's catalogue is published.
    app.execute(&admin, commands::PublishCatalogue { year: 2021 }).await?;
    let draft = commands::PublishDraft {
        decision_id: d.clone(),
        text: v("第一条 总则。\n第二条 适用范围。")?,
        explanation: v("")?,
        change_note: v("")?,
    };
    app.execute(&admin, draft).await?;
    let now = Utc::now();
    let c = app.new_id();
    let w = app
        .execute(
            &admin,
            commands::OpenConsultation {
                decision_id: d.clone(),
                consultation_id: c.clone(),
                channel: canyu_domain::values::Channel::Online,
                opens_at: now,
                closes_at: now + chrono::Duration::days(31),
                how_to_submit: v("")?,
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
        let comment = commands::SubmitComment {
            comment_id: app.new_id(),
            consultation_id: c.clone(),
            body: v(&format!("第{i}条意见：建议进一步明确适用范围。"))?,
            clause_id: None,
        };
        last = app.execute(&Meta::by(Some(resident.clone())), comment).await?.position;
    }
    platform.projections.wait_for(last, Duration::from_secs(10)).await;
    // Rate limits on, but far above the load, so their cost is measured without refusals.
    let fast = canyu_gateway::server::limits::Rate { per_second: 1e9, burst: 1e9 };
    let limits = canyu_gateway::server::Limits {
        per_client: Some(fast),
        per_account: Some(fast),
        query_points_per_client: Some(fast),
        ..Default::default()
    };
    let router = canyu_gateway::server::router_with(services, None, limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/graphql", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(Fixture { url, decision_id: d, consultation_id: c, tokens, _dir: dir })
}

/// The benchmarks' decision, of `unit`, in the 2021 catalogue.
pub fn register_decision(decision_id: String, unit: &str) -> Result<commands::RegisterDecision, canyu_domain::DomainError> {
    Ok(commands::RegisterDecision {
        decision_id,
        year: 2021,
        title: v("基准测试决策事项")?,
        summary: v("用于基准测试")?,
        unit_id: unit.to_string(),
        disclosure: canyu_domain::values::Disclosure::Public,
        confidentiality_basis: None,
        addition_reason: None,
    })
}

pub const DECISION_QUERY: &str = "query($id: ID!) { decision(id: $id) { id title stage undertakingUnit { name } \
    consultations { id status commentCount } history(first: 50) { totalCount edges { node { position at kind summary actor } } } } }";
pub const COMMENT_MUTATION: &str = "mutation($c: ID!, $b: String!) { submitComment(input: { consultationId: $c, body: $b }) { position comment { id } receipt { leafIndex } } }";

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
