//! Wiring: opens the data directory (event log, key store, token secret), builds the app,
//! the read models and the gateway, and serves them. Tests and the binary share this code.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use canyu_app::{App, Clock, SystemClock, Tokens};
use canyu_eventstore::EventStore;
use canyu_eventstore::keys::KeyStore;
use canyu_eventstore::sqlite::{SqliteEventStore, SqliteKeyStore};
use canyu_gateway::Services;
use canyu_projections::Projections;
use canyu_translog::{NoteKey, TransparencyLog};

use crate::config::{EventStoreKind, ReadModelKind, Secret, Settings};

/// Errors at start-up: the process reports them and exits non-zero.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("event store: {0}")]
    Store(#[from] canyu_eventstore::StoreError),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, std::io::Error),
    #[error("server: {0}")]
    Serve(std::io::Error),
    #[error("{0}")]
    Unsupported(String),
    #[error("configuration: {0}")]
    Config(String),
    /// The log failed a check at start (the engine's own, a chain, an event that does not
    /// decode): `serve` does not serve it unless told to serve it read-only.
    #[error(
        "the event log failed verification: {0}\nNothing is served. `canyu verify` shows what failed; restore the data directory from a backup, or start with --read-only (CANYU_READ_ONLY=true) to serve the record as it stands without accepting changes."
    )]
    LogFailed(String),
    /// A stored event this version cannot read.
    #[error("event at position {position} does not decode: {why}")]
    Undecodable { position: u64, why: String },
    /// The transparency log's key, checkpoints or tree.
    #[error("transparency log: {0}")]
    Log(#[from] canyu_translog::LogError),
}

/// What `canyu verify` checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Events whose chains were checked and which decode.
    pub events: u64,
    /// The storage engine's own checks that ran (e.g. SQLite's integrity_check per file).
    pub engine: Vec<String>,
}

/// Everything one process runs.
pub struct Platform {
    pub store: Arc<dyn EventStore>,
    pub app: Arc<App>,
    pub projections: Arc<Projections>,
    backend: Backend,
    /// The key file, when keys live in SQLite (its own integrity check).
    sqlite_keys: Option<Arc<SqliteKeyStore>>,
    /// Latency of every append through `store` (for `/metrics`).
    pub append_timings: Arc<canyu_eventstore::timed::AppendTimings>,
    /// The platform's time zone, for the dates people read.
    pub time_zone: chrono_tz::Tz,
    /// The transparency log, once opened ([`Platform::open_log`]).
    pub log: Option<Arc<TransparencyLog>>,
}

/// The concrete store, for backend-specific operations (verification).
enum Backend {
    Sqlite(Arc<SqliteEventStore>),
    #[cfg(feature = "postgres")]
    Postgres(Arc<canyu_eventstore::postgres::PostgresEventStore>),
    #[cfg(feature = "kurrentdb")]
    Kurrentdb(Arc<canyu_eventstore::kurrentdb::KurrentDbEventStore>),
}

/// File names inside the data directory.
pub const EVENTS_FILE: &str = "events.db";
pub const KEYS_FILE: &str = "keys.db";
pub const TOKEN_SECRET_FILE: &str = "token.secret";
/// The transparency log's signed checkpoints.
pub const LOG_FILE: &str = "log.db";
/// The transparency log's private key, unless `log_key` is configured.
pub const LOG_KEY_FILE: &str = "log.key";

/// The log's signing key: the configured one, else the data directory's (made at first start
/// for `origin`). A key named otherwise than the configured origin is refused: a new origin is
/// a new log (docs/adr/0016).
pub fn log_key(configured: Option<&Secret>, origin: &str, dir: &Path) -> Result<NoteKey, StartupError> {
    let mismatch = |name: &str| {
        StartupError::Config(format!(
            "the log key names the origin {name:?} but log_origin (CANYU_LOG_ORIGIN) is {origin:?}: set log_origin to {name:?}, or start a new log (a new origin) with a new key"
        ))
    };
    if let Some(skey) = configured {
        let key = NoteKey::from_skey(skey.expose())?;
        if key.name() != origin && origin != Settings::default().log_origin {
            return Err(mismatch(key.name()));
        }
        return Ok(key);
    }
    let path = dir.join(LOG_KEY_FILE);
    let err = |e| StartupError::DataDir(path.clone(), e);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = NoteKey::from_skey(&text)?;
            if key.name() != origin {
                return Err(mismatch(key.name()));
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = NoteKey::generate(origin)?;
            let tmp = dir.join(format!("{LOG_KEY_FILE}.tmp"));
            std::fs::write(&tmp, format!("{}\n", key.skey())).map_err(err)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
            }
            std::fs::rename(&tmp, &path).map_err(err)?;
            Ok(key)
        }
        Err(e) => Err(err(e)),
    }
}

fn token_secret(configured: Option<&Secret>, dir: &Path) -> Result<Vec<u8>, StartupError> {
    if let Some(s) = configured {
        if s.expose().len() < 32 {
            return Err(StartupError::Unsupported("token_secret (CANYU_TOKEN_SECRET) must be at least 32 characters".into()));
        }
        return Ok(s.expose().as_bytes().to_vec());
    }
    let path = dir.join(TOKEN_SECRET_FILE);
    let err = |e| StartupError::DataDir(path.clone(), e);
    match std::fs::read(&path) {
        Ok(s) if s.len() >= 32 => Ok(s),
        _ => {
            let mut secret = vec![0u8; 32];
            getrandom::fill(&mut secret).map_err(|e| err(std::io::Error::other(e.to_string())))?;
            let tmp = dir.join(format!("{TOKEN_SECRET_FILE}.tmp"));
            std::fs::write(&tmp, &secret).map_err(err)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
            }
            std::fs::rename(&tmp, &path).map_err(err)?;
            Ok(secret)
        }
    }
}

impl Platform {
    /// Opens (creating if needed) the data directory and wires the write side. The read models
    /// start empty: call [`Platform::catch_up`] before serving.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Platform, StartupError> {
        Self::open_with_deadline(data_dir, clock, canyu_eventstore::timed::DEFAULT_DEADLINE)
    }

    /// [`Platform::open`] with every call to the event store bounded by `deadline`.
    pub fn open_with_deadline(data_dir: &Path, clock: Arc<dyn Clock>, deadline: Duration) -> Result<Platform, StartupError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StartupError::DataDir(data_dir.to_path_buf(), e))?;
        let store = Arc::new(SqliteEventStore::open(data_dir.join(EVENTS_FILE))?);
        let keys = Arc::new(SqliteKeyStore::open(data_dir.join(KEYS_FILE))?);
        let mut platform = Self::assemble(Backend::Sqlite(store), keys.clone(), token_secret(None, data_dir)?, clock, deadline)?;
        platform.sqlite_keys = Some(keys);
        Ok(platform)
    }

    fn assemble(
        backend: Backend,
        keys: Arc<dyn KeyStore>,
        secret: Vec<u8>,
        clock: Arc<dyn Clock>,
        deadline: Duration,
    ) -> Result<Platform, StartupError> {
        let store: Arc<dyn EventStore> = match &backend {
            Backend::Sqlite(s) => s.clone(),
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.clone(),
            #[cfg(feature = "kurrentdb")]
            Backend::Kurrentdb(s) => s.clone(),
        };
        // Every append is timed for `/metrics`, and every call is bounded.
        let append_timings = Arc::new(canyu_eventstore::timed::AppendTimings::default());
        let store: Arc<dyn EventStore> =
            Arc::new(canyu_eventstore::timed::Timed::new(store, append_timings.clone()).with_deadline(deadline));
        let projections = Projections::new();
        let tokens = Tokens::new(secret, chrono::Duration::hours(12));
        let app = Arc::new(App::new(store.clone(), keys, clock, tokens));
        Ok(Platform {
            store,
            app,
            projections,
            backend,
            sqlite_keys: None,
            append_timings,
            time_zone: canyu_gateway::render::DEFAULT_TIME_ZONE,
            log: None,
        })
    }

    /// Connects the configured backends: the event store (SQLite under the data directory,
    /// PostgreSQL or KurrentDB), the personal-data key store (next to the SQLite log, or in
    /// PostgreSQL — `keys_url`, default the event store's database — for every other backend,
    /// so that all gateway processes share the keys) and the token secret.
    pub async fn connect(settings: &Settings, clock: Arc<dyn Clock>) -> Result<Platform, StartupError> {
        let time_zone = settings.time_zone().map_err(|e| StartupError::Unsupported(e.to_string()))?;
        let mut platform = Self::connect_store(settings, clock).await?;
        platform.time_zone = time_zone;
        Ok(platform)
    }

    async fn connect_store(settings: &Settings, clock: Arc<dyn Clock>) -> Result<Platform, StartupError> {
        match settings.event_store {
            EventStoreKind::Sqlite => Self::open_with_deadline(&settings.data_dir, clock, settings.store_deadline()),
            #[cfg(feature = "postgres")]
            EventStoreKind::Postgres => {
                let url = settings.postgres_url.as_ref().ok_or_else(|| StartupError::Unsupported("--postgres-url is required".into()))?;
                let store = Arc::new(canyu_eventstore::postgres::PostgresEventStore::connect(url.expose()).await?);
                let keys = Self::shared_keys(settings).await?;
                Self::assemble(Backend::Postgres(store), keys, Self::shared_secret(settings)?, clock, settings.store_deadline())
            }
            #[cfg(feature = "kurrentdb")]
            EventStoreKind::Kurrentdb => {
                let url = settings.kurrentdb_url.as_ref().ok_or_else(|| StartupError::Unsupported("--kurrentdb-url is required".into()))?;
                let store = Arc::new(canyu_eventstore::kurrentdb::KurrentDbEventStore::connect(url.expose()).await?);
                let keys = Self::shared_keys(settings).await?;
                Self::assemble(Backend::Kurrentdb(store), keys, Self::shared_secret(settings)?, clock, settings.store_deadline())
            }
            #[allow(unreachable_patterns, reason = "reachable when a backend feature is off")]
            other => Err(StartupError::Unsupported(format!("this build has no {other:?} event store (cargo feature off)"))),
        }
    }

    #[cfg(any(feature = "postgres", feature = "kurrentdb"))]
    async fn shared_keys(settings: &Settings) -> Result<Arc<dyn KeyStore>, StartupError> {
        #[cfg(feature = "postgres")]
        {
            let url = settings.keys_url.as_ref().or(settings.postgres_url.as_ref()).ok_or_else(|| {
                StartupError::Unsupported(
                    "keys_url (CANYU_KEYS_URL, a PostgreSQL URL) is required: every process must share the personal-data keys".into(),
                )
            })?;
            Ok(Arc::new(canyu_eventstore::postgres::PostgresKeyStore::connect(url.expose()).await?))
        }
        #[cfg(not(feature = "postgres"))]
        {
            let _ = settings;
            Err(StartupError::Unsupported("a shared key store needs the postgres feature".into()))
        }
    }

    #[cfg(any(feature = "postgres", feature = "kurrentdb"))]
    fn shared_secret(settings: &Settings) -> Result<Vec<u8>, StartupError> {
        match &settings.token_secret {
            Some(_) => token_secret(settings.token_secret.as_ref(), &settings.data_dir),
            None => Err(StartupError::Unsupported(
                "token_secret (CANYU_TOKEN_SECRET, 32+ characters) is required so that every gateway accepts the same tokens".into(),
            )),
        }
    }

    /// Checks every stream's hash chain; returns the number of events checked.
    pub async fn verify_all(&self) -> Result<u64, StartupError> {
        Ok(match &self.backend {
            Backend::Sqlite(s) => s.verify_all().await?,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.verify_all().await?,
            #[cfg(feature = "kurrentdb")]
            Backend::Kurrentdb(s) => s.verify_all().await?,
        })
    }

    /// The storage engine's own integrity checks: SQLite's `integrity_check` of the log's file
    /// and the key file (every page, every index against its table; the chains never read the
    /// index pages). PostgreSQL and KurrentDB check their own pages and report nothing here.
    /// Returns what was checked.
    pub async fn check_engine(&self) -> Result<Vec<String>, StartupError> {
        let mut checked = Vec::new();
        if let Backend::Sqlite(s) = &self.backend {
            s.integrity_check().await?;
            checked.push(format!("SQLite integrity_check of {EVENTS_FILE}"));
        }
        if let Some(keys) = &self.sqlite_keys {
            keys.integrity_check().await?;
            checked.push(format!("SQLite integrity_check of {KEYS_FILE}"));
        }
        Ok(checked)
    }

    /// Reads the whole log and decodes every event as this version's domain events; the first
    /// that does not (or whose type this version does not know) is an error.
    pub async fn check_decoding(&self) -> Result<u64, StartupError> {
        let mut after = 0;
        let mut count = 0;
        loop {
            let page = self.store.read_all(after, 1_000).await?;
            let Some(last) = page.last() else { return Ok(count) };
            after = last.position;
            for rec in &page {
                match canyu_app::decode(rec) {
                    Ok(Some(_)) => count += 1,
                    Ok(None) => {
                        let why = format!("event type {} is unknown to this version of canyu", rec.event_type);
                        return Err(StartupError::Undecodable { position: rec.position, why });
                    }
                    Err(e) => {
                        return Err(StartupError::Undecodable { position: rec.position, why: canyu_app::error::chain(&e) });
                    }
                }
            }
        }
    }

    /// Everything `canyu verify` checks: the engine's integrity, every chain, every event
    /// decodes.
    pub async fn verify_everything(&self) -> Result<Verified, StartupError> {
        let engine = self.check_engine().await?;
        let events = self.verify_all().await?;
        self.check_decoding().await?;
        Ok(Verified { events, engine })
    }

    /// The checks `serve` runs before it serves: the engine's and the chains (run while the
    /// read models are built; decoding is checked by the build itself).
    pub async fn check_at_start(&self) -> Result<(), StartupError> {
        self.check_engine().await?;
        self.verify_all().await?;
        Ok(())
    }

    /// Opens the transparency log of the data directory (its tree empty until
    /// [`Platform::build_log`]).
    pub fn open_log(&mut self, settings: &Settings) -> Result<Arc<TransparencyLog>, StartupError> {
        if settings.event_store != EventStoreKind::Sqlite && settings.log_key.is_none() {
            return Err(StartupError::Config(
                "log_key (CANYU_LOG_KEY) is required with a shared event store, so that every gateway signs as one log: make one with `canyu log keygen --name <origin>`".into(),
            ));
        }
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| StartupError::DataDir(settings.data_dir.clone(), e))?;
        let key = log_key(settings.log_key.as_ref(), &settings.log_origin, &settings.data_dir)?;
        let log = TransparencyLog::open(&settings.data_dir.join(LOG_FILE), key, settings.witnesses())?;
        self.log = Some(log.clone());
        Ok(log)
    }

    /// Builds the log's tree from every event and checks it against every checkpoint signed
    /// before: a log changed after a checkpoint was signed fails here. Returns the leaves.
    pub async fn build_log(&self) -> Result<u64, StartupError> {
        let Some(log) = &self.log else { return Ok(0) };
        log.catch_up(self.store.as_ref()).await?;
        log.check_checkpoints()?;
        Ok(log.size())
    }

    /// Follows the store with the log and signs checkpoints on its cadence, in the background.
    pub fn spawn_log(&self) {
        if let Some(log) = &self.log {
            if let Err(e) = log.sign_checkpoint() {
                tracing::error!(error = %e, "could not sign a checkpoint");
            }
            let (follow, sign) = (log.clone(), log.clone());
            let store = self.store.clone();
            tokio::spawn(async move {
                if let Err(e) = follow.follow(store).await {
                    tracing::error!(error = %e, "the transparency log stopped following the event store");
                }
            });
            tokio::spawn(async move {
                let _ = sign.sign_on_cadence().await;
            });
        }
    }

    /// Opens with the system clock.
    pub fn open_default(data_dir: &Path) -> Result<Platform, StartupError> {
        Self::open(data_dir, Arc::new(SystemClock))
    }

    /// Replays the log into the read models (with progress callback) and returns the count.
    pub async fn catch_up(&self, progress: impl FnMut(u64, u64)) -> Result<u64, StartupError> {
        Ok(self.projections.catch_up(self.store.as_ref(), progress).await?)
    }

    /// Starts following the log in the background.
    pub fn spawn_projector(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.projections.clone().run(self.store.clone()))
    }

    /// The gateway's services.
    pub fn services(&self) -> Arc<Services> {
        Arc::new(self.services_unshared())
    }

    fn services_unshared(&self) -> Services {
        let mut services = Services::new(self.app.clone(), self.projections.clone(), self.store.clone());
        services.append_timings = Some(self.append_timings.clone());
        services.time_zone = self.time_zone;
        services.log = self.log.clone();
        services
    }
}

/// Where the built frontend is, if anywhere: the configured directory (`static_dir`, or
/// `CANYU_STATIC_DIR`), else `frontend/dist` under the working directory.
pub fn static_dir(configured: Option<&Path>) -> Option<PathBuf> {
    configured.map(Path::to_path_buf).or_else(|| Some(PathBuf::from("frontend/dist"))).filter(|d| d.join("index.html").is_file())
}

/// Runs the whole platform until Ctrl-C / SIGTERM. Prints `listening on http://ADDR` once
/// bound (tests read it to learn the port when `listen` ends in `:0`).
pub async fn serve(settings: Settings) -> Result<(), StartupError> {
    let (data_dir, listen) = (settings.data_dir.as_path(), settings.listen.as_str());
    let mut platform = Platform::connect(&settings, Arc::new(SystemClock)).await?;
    platform.open_log(&settings)?;
    let started = std::time::Instant::now();
    let (services, failed) = match settings.read_models {
        ReadModelKind::Memory => {
            // The checks run while the read models are built (two scans side by side); the
            // build notes any event that does not decode.
            let (checked, built, logged) = tokio::join!(platform.check_at_start(), platform.catch_up(|_, _| {}), platform.build_log());
            let checked = checked.and(logged.map(|_| ()));
            let n = built?;
            tracing::info!(events = n, ms = started.elapsed().as_millis() as u64, "read models rebuilt from the log");
            let undecodable = platform.projections.read(|m| m.undecodable.clone().map(|(p, why)| (p, why, m.undecodable_count)));
            let failed = match (checked, undecodable) {
                (Err(e), _) => Some(e.to_string()),
                (Ok(()), Some((position, why, n))) => Some(format!("{n} event(s) do not decode, the first at position {position}: {why}")),
                (Ok(()), None) => None,
            };
            platform.spawn_projector();
            (platform.services(), failed)
        }
        ReadModelKind::Redis => {
            let (checked, decoded, logged) = tokio::join!(platform.check_at_start(), platform.check_decoding(), platform.build_log());
            let failed = checked.and(decoded.map(|_| ())).and(logged.map(|_| ())).err().map(|e| e.to_string());
            (replica_services(&settings, &platform).await?, failed)
        }
    };
    tracing::info!(ms = started.elapsed().as_millis() as u64, ok = failed.is_none(), "the log was checked");
    match failed {
        Some(why) if !settings.read_only => return Err(StartupError::LogFailed(why)),
        Some(why) => {
            tracing::error!(%why, "the event log failed verification; serving it read-only as asked");
            eprintln!("warning: the event log failed verification ({why}); serving it read-only");
        }
        None => {}
    }
    platform.spawn_log();
    if settings.read_only {
        platform.app.set_read_only();
        tracing::warn!("serving read-only: every change is refused (READ_ONLY)");
    }
    #[allow(unused_mut, reason = "only the redis feature shares the limits")]
    let mut limits = canyu_gateway::server::Limits::from_env().map_err(StartupError::Config)?;
    #[cfg(feature = "redis")]
    if settings.read_models == ReadModelKind::Redis
        && let Some(url) = &settings.redis_url
    {
        // Every replica draws from the same buckets.
        limits.shared = canyu_gateway::server::redis_limits::RedisLimiter::shared(url.expose(), &settings.redis_namespace);
    }
    let router = canyu_gateway::server::router_with(services, static_dir(settings.static_dir.as_deref()), limits);
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| StartupError::Listen(listen.to_string(), e))?;
    let addr: SocketAddr = listener.local_addr().map_err(|e| StartupError::Listen(listen.to_string(), e))?;
    println!("listening on http://{addr}");
    tracing::info!(%addr, data_dir = %data_dir.display(), "canyu serving: GraphQL at /graphql");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartupError::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// `/healthz` (the log answers) and `/metrics` (Prometheus text: committed position, log head,
/// lag, lease held, commits) of a `canyu project` process.
#[cfg(feature = "redis")]
fn projector_router(status: Arc<canyu_projections::documents::ProjectorStatus>, log: Arc<dyn EventStore>, owner: String) -> axum::Router {
    use axum::http::StatusCode;
    use std::sync::atomic::Ordering::Relaxed;
    let health_log = log.clone();
    let health_status = status.clone();
    axum::Router::new()
        .route(
            "/healthz",
            axum::routing::get(move || {
                let (log, status) = (health_log.clone(), health_status.clone());
                async move {
                    match tokio::time::timeout(std::time::Duration::from_secs(2), log.head()).await {
                        Ok(Ok(head)) => (
                            StatusCode::OK,
                            format!(
                                "ok head={head} committed={} lease={}\n",
                                status.committed.load(Relaxed),
                                status.lease_held.load(Relaxed)
                            ),
                        ),
                        _ => (StatusCode::SERVICE_UNAVAILABLE, "event store unavailable\n".to_string()),
                    }
                }
            }),
        )
        .route(
            "/metrics",
            axum::routing::get(move || {
                let (log, status, owner) = (log.clone(), status.clone(), owner.clone());
                async move {
                    let head = tokio::time::timeout(std::time::Duration::from_secs(2), log.head()).await.ok().and_then(Result::ok);
                    let committed = status.committed.load(Relaxed);
                    let mut out = String::new();
                    out.push_str("# TYPE canyu_projector_committed_position gauge\n");
                    out.push_str(&format!("canyu_projector_committed_position {committed}\n"));
                    if let Some(head) = head {
                        out.push_str("# TYPE canyu_projector_log_head gauge\n");
                        out.push_str(&format!("canyu_projector_log_head {head}\n"));
                        out.push_str("# TYPE canyu_projector_lag_events gauge\n");
                        out.push_str(&format!("canyu_projector_lag_events {}\n", head.saturating_sub(committed)));
                    }
                    out.push_str("# TYPE canyu_projector_lease_held gauge\n");
                    out.push_str(&format!(
                        "canyu_projector_lease_held{{owner=\"{owner}\"}} {}\n",
                        u8::from(status.lease_held.load(Relaxed))
                    ));
                    out.push_str("# TYPE canyu_projector_commits_total counter\n");
                    out.push_str(&format!("canyu_projector_commits_total {}\n", status.commits.load(Relaxed)));
                    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
                }
            }),
        )
}

/// How long a gateway's replica of the Redis read models may go without matching Redis
/// before requests are refused with `UNAVAILABLE`.
pub const REPLICA_BOUND: std::time::Duration = std::time::Duration::from_secs(2);

/// `serve --read-models redis`: the gateway's read models are a replica of the documents
/// `canyu project` keeps in Redis, loaded at start and then following the change log.
#[cfg(feature = "redis")]
pub(crate) async fn replica_services(settings: &Settings, platform: &Platform) -> Result<Arc<Services>, StartupError> {
    let store = read_model_store(settings)?;
    let started = std::time::Instant::now();
    match platform.projections.sync_from(store.as_ref()).await {
        Ok(_) => tracing::info!(
            position = platform.projections.position(),
            ms = started.elapsed().as_millis() as u64,
            "read models loaded from Redis"
        ),
        // Serve anyway: requests answer UNAVAILABLE until the replica catches up.
        Err(e) => tracing::warn!(%e, "read models not loaded from Redis yet"),
    }
    tokio::spawn(platform.projections.clone().follow(store));
    // Several gateways: an idempotency key is claimed in Redis before it is looked up and run.
    if let Some(url) = &settings.redis_url {
        let claims = crate::claims::RedisClaims::open(url.expose(), &settings.redis_namespace).map_err(StartupError::Unsupported)?;
        platform.app.set_key_claims(Arc::new(claims));
    }
    let mut services = platform.services_unshared();
    services.replica_bound = Some(REPLICA_BOUND);
    Ok(Arc::new(services))
}

#[cfg(not(feature = "redis"))]
pub(crate) async fn replica_services(_: &Settings, _: &Platform) -> Result<Arc<Services>, StartupError> {
    Err(StartupError::Unsupported("this build has no Redis read models (cargo feature `redis` off)".into()))
}

/// The read-model store of the settings, for `canyu project` and `canyu rebuild`.
#[cfg(feature = "redis")]
pub fn read_model_store(settings: &Settings) -> Result<Arc<dyn canyu_projections::ReadModelStore>, StartupError> {
    match settings.read_models {
        ReadModelKind::Memory => {
            Err(StartupError::Unsupported("this needs --read-models redis (memory read models live inside `serve`)".into()))
        }
        ReadModelKind::Redis => {
            let url = settings.redis_url.as_ref().ok_or_else(|| StartupError::Unsupported("--redis-url is required".into()))?;
            let store = canyu_projections::redis_store::RedisReadStore::open(url.expose(), &settings.redis_namespace)
                .map_err(|e| StartupError::Unsupported(e.to_string()))?;
            Ok(Arc::new(store))
        }
    }
}

/// `canyu project`: the projector alone. Waits for the lease (another projector may hold
/// it), lines up with the store and follows the log until Ctrl-C / SIGTERM, then gives the
/// lease up so that a standby takes over at once.
#[cfg(feature = "redis")]
pub async fn project(settings: Settings, owner: Option<String>, metrics_listen: Option<String>) -> Result<(), StartupError> {
    let store = read_model_store(&settings)?;
    let platform = Platform::connect(&settings, Arc::new(SystemClock)).await?;
    let owner = owner.unwrap_or_else(|| {
        let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
        format!("{}-{}", if host.is_empty() { "canyu" } else { host.as_str() }, std::process::id())
    });
    let mut projector =
        canyu_projections::DocumentProjector::new(store, &owner, std::time::Duration::from_secs(settings.lease_seconds.max(1)));
    if let Some(addr) = metrics_listen {
        let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| StartupError::Listen(addr.clone(), e))?;
        let local = listener.local_addr().map_err(|e| StartupError::Listen(addr.clone(), e))?;
        println!("projector metrics on http://{local}");
        let router = projector_router(projector.status(), platform.store.clone(), owner.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
    tracing::info!(%owner, "projector started: waiting for the lease");
    tokio::select! {
        _ = projector.run(platform.store.clone()) => {},
        _ = shutdown_signal() => {},
    }
    projector.release().await;
    tracing::info!(committed = projector.committed(), "projector stopped; lease released");
    Ok(())
}
