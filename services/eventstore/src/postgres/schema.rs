//! Configuration, hand-written migrations (a `canyu_schema_version` table) and the mapping of
//! PostgreSQL errors to [`StoreError`].

use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio_postgres::{Client, Config};

use crate::{Result, StoreError};

/// Migrations of the event schema, applied in order; `canyu_schema_version` counts those done.
/// `data` and `metadata` are `text`, not `jsonb`: the hash covers the exact text appended, and
/// `jsonb` would reorder keys and drop duplicates.
const MIGRATIONS: &[&str] = &["CREATE TABLE events (
        position   bigint PRIMARY KEY CHECK (position > 0),
        id         uuid   NOT NULL UNIQUE,
        stream_id  text   NOT NULL CHECK (stream_id <> ''),
        version    bigint NOT NULL CHECK (version >= 0),
        event_type text   NOT NULL,
        data       text   NOT NULL,
        metadata   text   NOT NULL,
        hash       bytea  NOT NULL CHECK (length(hash) = 32),
        prev_hash  bytea  NOT NULL CHECK (length(prev_hash) = 32),
        UNIQUE (stream_id, version)
    );"];

/// Used when the URL sets no `connect_timeout`, so a vanished server fails calls quickly.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Per-schema names every process derives the same way.
#[derive(Clone)]
pub(super) struct Keys {
    /// Advisory lock taken by every append transaction on this schema.
    pub(super) append_lock: i64,
    /// Advisory lock taken while migrating.
    pub(super) migrate_lock: i64,
    /// `LISTEN`/`NOTIFY` channel announcing commits on this schema (a plain identifier).
    pub(super) channel: String,
}

impl Keys {
    fn for_schema(schema: &str) -> Self {
        let digest = Sha256::digest(format!("canyu-eventstore:{schema}").as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let append_lock = i64::from_be_bytes(first);
        Self { append_lock, migrate_lock: append_lock ^ 1, channel: format!("canyu_events_{}", hex::encode(&digest[..6])) }
    }
}

pub(super) fn parse_config(url: &str) -> Result<Config> {
    let mut config: Config = url.parse().map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("canyu-eventstore");
    }
    Ok(config)
}

/// Maps a PostgreSQL error: lost connections and server errors are `Unavailable`.
pub(super) fn db_err(e: tokio_postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Unavailable(format!("postgres: {} ({})", db.message(), db.code().code())),
        None => StoreError::Unavailable(format!("postgres: {e}")),
    }
}

pub(super) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub(super) fn to_u64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| corrupt(format!("negative position or version {n}")))
}

pub(super) fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("{n} is beyond PostgreSQL's bigint")))
}

/// Applies pending migrations under an advisory lock, so processes starting together take
/// turns. Returns the per-schema lock keys and channel.
pub(super) async fn migrate(client: &Client) -> Result<Keys> {
    let schema: Option<String> = client.query_one("SELECT current_schema()", &[]).await.map_err(db_err)?.get(0);
    let schema = schema.ok_or_else(|| StoreError::Unavailable("postgres: no schema on the search_path to create the log in".into()))?;
    let keys = Keys::for_schema(&schema);
    client.batch_execute("BEGIN").await.map_err(db_err)?;
    let outcome = async {
        client.execute("SELECT pg_advisory_xact_lock($1)", &[&keys.migrate_lock]).await?;
        client.batch_execute("CREATE TABLE IF NOT EXISTS canyu_schema_version (version integer NOT NULL)").await?;
        let done: Option<i32> = client.query_opt("SELECT max(version) FROM canyu_schema_version", &[]).await?.and_then(|r| r.get(0));
        Ok::<_, tokio_postgres::Error>(done.unwrap_or(0))
    }
    .await;
    let done = match outcome {
        Ok(done) => done,
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(db_err(e));
        }
    };
    let done = usize::try_from(done).map_err(|_| corrupt(format!("negative schema version {done}")))?;
    if done > MIGRATIONS.len() {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(StoreError::Unavailable(format!("schema version {done} is newer than this build knows ({})", MIGRATIONS.len())));
    }
    let applied = async {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
            client.batch_execute(sql).await?;
            let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
            client.execute("INSERT INTO canyu_schema_version (version) VALUES ($1)", &[&version]).await?;
        }
        client.batch_execute("COMMIT").await
    }
    .await;
    if let Err(e) = applied {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(db_err(e));
    }
    Ok(keys)
}
