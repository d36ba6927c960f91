//! Typed, layered configuration: defaults, then a TOML file (`--config`, `CANYU_CONFIG`, or
//! `./canyu.toml` when present), then `CANYU_*` environment variables, then command-line flags.
//! Connection strings are secrets: they never appear in `Debug` output or logs.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Which event store backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum EventStoreKind {
    Sqlite,
    Postgres,
    Kurrentdb,
}

/// Where the read models live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ReadModelKind {
    Memory,
    Redis,
}

/// A value that must not be printed (passwords inside URLs).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

/// Everything `canyu serve` needs to start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub listen: String,
    pub event_store: EventStoreKind,
    pub read_models: ReadModelKind,
    pub postgres_url: Option<Secret>,
    pub kurrentdb_url: Option<Secret>,
    pub redis_url: Option<Secret>,
    /// Prefix of every Redis key (inside the hash tag), so several platforms (or test runs)
    /// can share one Redis.
    pub redis_namespace: String,
    /// How long the projector lease lasts without renewal (`canyu project`); a standby takes
    /// over this long after the holder dies.
    pub lease_seconds: u64,
    /// Where the personal-data keys live when the log is not SQLite (a PostgreSQL URL;
    /// default: the event store's PostgreSQL database).
    pub keys_url: Option<Secret>,
    /// Secret for signing bearer tokens (32+ characters). Required when several processes
    /// serve one platform; otherwise a random one is kept in the data directory.
    pub token_secret: Option<Secret>,
    /// The built web frontend; default `frontend/dist` when it exists.
    pub static_dir: Option<PathBuf>,
    /// How long one call to the event store may take before the request answers
    /// `UNAVAILABLE` (milliseconds).
    pub store_timeout_ms: u64,
    /// The platform's time zone (IANA name): dates people read are rendered in it; stored
    /// times stay UTC.
    pub time_zone: String,
    /// Serve the record without accepting changes (`--read-only`, `CANYU_READ_ONLY=true`):
    /// the way to start on a log that failed verification, to let people read it while the
    /// operator restores it. Every mutation answers `READ_ONLY`.
    pub read_only: bool,
    /// The transparency log's origin line and key name (C2SP tlog-checkpoint), e.g.
    /// `canyu.tengzhou.gov.cn/log/v1`. A new origin is a new log: see docs/adr/0016.
    pub log_origin: String,
    /// The log's private signing key (`PRIVATE+KEY+<origin>+…`, from `canyu log keygen`);
    /// default: `log.key` in the data directory, made at first start.
    pub log_key: Option<Secret>,
    /// Verifier keys of the witnesses whose cosignatures the log accepts, comma-separated.
    pub log_witnesses: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("./data"),
            listen: "127.0.0.1:8080".into(),
            event_store: EventStoreKind::Sqlite,
            read_models: ReadModelKind::Memory,
            postgres_url: None,
            kurrentdb_url: None,
            redis_url: None,
            redis_namespace: "canyu".into(),
            lease_seconds: 10,
            keys_url: None,
            token_secret: None,
            static_dir: None,
            store_timeout_ms: 10_000,
            time_zone: "Asia/Shanghai".into(),
            read_only: false,
            log_origin: "canyu.local/log".into(),
            log_key: None,
            log_witnesses: String::new(),
        }
    }
}

impl Settings {
    /// The configured time zone (`UnknownTimeZone` names the setting when it is not an IANA name).
    pub fn time_zone(&self) -> Result<chrono_tz::Tz, UnknownTimeZone> {
        self.time_zone.parse().map_err(|_| UnknownTimeZone(self.time_zone.clone()))
    }

    /// The witnesses' verifier keys.
    pub fn witnesses(&self) -> Vec<String> {
        self.log_witnesses.split(',').map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }

    /// The bound on one call to the event store.
    pub fn store_deadline(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.store_timeout_ms.max(1))
    }
}

/// A `time_zone` setting that names no IANA time zone.
#[derive(Debug, thiserror::Error)]
#[error("time_zone (CANYU_TIME_ZONE): {0:?} is not an IANA time zone name such as Asia/Shanghai")]
pub struct UnknownTimeZone(pub String);

/// Command-line overrides: only the flags given are applied.
#[derive(Debug, Clone, Default, Serialize, clap::Args)]
pub struct Overrides {
    /// TOML configuration file (also `CANYU_CONFIG`; `./canyu.toml` is read when present).
    #[arg(long)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[arg(long, value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_store: Option<EventStoreKind>,
    #[arg(long, value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_models: Option<ReadModelKind>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postgres_url: Option<String>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kurrentdb_url: Option<String>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis_url: Option<String>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis_namespace: Option<String>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<u64>,
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys_url: Option<String>,
    /// Serve the record read-only, even when the log failed verification at start.
    #[arg(long)]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Layers defaults, file, environment (`CANYU_*`) and flags.
    pub fn load(flags: &Overrides) -> Result<Settings, ConfigError> {
        Self::load_from(flags, std::env::var_os("CANYU_CONFIG").map(PathBuf::from), Env::prefixed("CANYU_"))
    }

    fn load_from(flags: &Overrides, env_file: Option<PathBuf>, env: Env) -> Result<Settings, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        let file = flags.config.clone().or(env_file).or_else(|| Some(PathBuf::from("canyu.toml")).filter(|p| p.is_file()));
        if let Some(path) = &file {
            if !Path::new(path).is_file() {
                return Err(ConfigError::Invalid(format!("config file {} not found", path.display())));
            }
            fig = fig.merge(Toml::file(path));
        }
        let env = env.ignore(&["CONFIG", "LOG", "ROOT", "REQUIRE_SERVICES", "NO_DEMO"]);
        let settings: Settings =
            fig.merge(env).merge(Serialized::defaults(flags)).extract().map_err(|e| ConfigError::Invalid(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let need = |ok: bool, what: &str| if ok { Ok(()) } else { Err(ConfigError::Invalid(format!("{what} is required"))) };
        match self.event_store {
            EventStoreKind::Sqlite => Ok(()),
            EventStoreKind::Postgres => {
                need(self.postgres_url.is_some(), "--postgres-url (or CANYU_POSTGRES_URL) for --event-store postgres")
            }
            EventStoreKind::Kurrentdb => {
                need(self.kurrentdb_url.is_some(), "--kurrentdb-url (or CANYU_KURRENTDB_URL) for --event-store kurrentdb")
            }
        }?;
        match self.read_models {
            ReadModelKind::Memory => Ok(()),
            ReadModelKind::Redis => need(self.redis_url.is_some(), "--redis-url (or CANYU_REDIS_URL) for --read-models redis"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(clippy::result_large_err, reason = "figment::Jail's closures return figment's own large error")]
    fn layers_apply_in_order_defaults_file_env_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                "listen = \"0.0.0.0:9000\"\ndata_dir = \"/from/file\"\nevent_store = \"postgres\"\npostgres_url = \"postgres://file\"",
            )?;
            jail.set_env("CANYU_DATA_DIR", "/from/env");
            let flags = Overrides { config: Some("c.toml".into()), postgres_url: Some("postgres://flag".into()), ..Default::default() };
            let s = Settings::load_from(&flags, None, Env::prefixed("CANYU_")).map_err(|e| e.to_string())?;
            assert_eq!(s.listen, "0.0.0.0:9000", "file over default");
            assert_eq!(s.data_dir, PathBuf::from("/from/env"), "environment over file");
            assert_eq!(s.postgres_url.as_ref().map(Secret::expose), Some("postgres://flag"), "flag over file");
            assert_eq!(s.event_store, EventStoreKind::Postgres);
            assert_eq!(s.read_models, ReadModelKind::Memory, "default");
            assert!(!format!("{s:?}").contains("postgres://flag"), "secrets are redacted in Debug");
            Ok(())
        });
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment::Jail's closures return figment's own large error")]
    fn a_backend_without_its_url_is_refused() {
        figment::Jail::expect_with(|_| {
            let flags = Overrides { event_store: Some(EventStoreKind::Kurrentdb), ..Default::default() };
            let e = Settings::load_from(&flags, None, Env::prefixed("CANYU_")).unwrap_err();
            assert!(e.to_string().contains("--kurrentdb-url"));
            Ok(())
        });
    }
}
