//! PostgreSQL backend, for several gateway processes sharing one event log.
//!
//! Appends go through one writer task per store that commits them in groups: many concurrent
//! appends share one transaction and one WAL flush, each inside its own SAVEPOINT so a failing
//! request rolls back alone. Every group transaction first takes a transaction-scoped advisory
//! lock (one key per schema) and only then reads the highest position and draws the next ones,
//! so writers in *all* processes are serialised: positions are contiguous, and they become
//! visible in position order (the lock is released after the commit is visible), which is what
//! lets a reader poll `position > after` without ever skipping a late-committing event
//! (ADR 0007, TECH-NOTES §6 "the visibility problem").
//!
//! Subscriptions page `read_all` and, once caught up, wait for a wake-up: the local writer's
//! commits, a `NOTIFY` sent by any process's commit (received on a `LISTEN` connection), or a
//! poll interval, whichever comes first. `NOTIFY` is only a hint; correctness never rests on it.
//!
//! Connections are made lazily and replaced when they fail, so the store recovers by itself
//! when the server comes back; while it is gone every call returns
//! [`StoreError::Unavailable`]. TLS is not built in: connect over a local socket, a private
//! network or a TLS-terminating sidecar.

mod keys;
mod listen;
mod pool;
mod read;
mod schema;
mod subscription;
mod writer;

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::BoxStream;
use tokio::sync::{oneshot, watch};

pub use keys::PostgresKeyStore;

use crate::{AppendResult, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result, StoreError};

/// The PostgreSQL event store. Dropping it lets the writer finish queued appends, then stops it
/// and the listener; live subscriptions end once they have delivered every committed event.
pub struct PostgresEventStore {
    writer: writer::WriterHandle,
    readers: Arc<pool::Pool>,
    /// Bumped on every local commit and every `NOTIFY` from any process: the wake-up hint.
    wake: watch::Receiver<u64>,
    /// Dropping it stops the listener task.
    _stop_listener: oneshot::Sender<()>,
}

impl PostgresEventStore {
    /// Connects to the database at `url` (a libpq-style URL or key=value string, e.g.
    /// `postgres://canyu@localhost/canyu` or `host=/run/postgresql dbname=canyu`), applies
    /// pending migrations to the first schema on the `search_path`, and starts the writer and
    /// listener tasks on the current Tokio runtime. Set `options=-c search_path=NAME` in the URL
    /// to keep the log in its own schema. Fails with [`StoreError::Unavailable`] if the server
    /// cannot be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        let config = schema::parse_config(url)?;
        let setup = pool::connect(&config).await?;
        let keys = schema::migrate(&setup).await?;
        drop(setup);
        let readers = Arc::new(pool::Pool::new(config.clone()));
        let (wake_tx, wake) = watch::channel(0u64);
        let wake_tx = Arc::new(wake_tx);
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(listen::run(config.clone(), keys.channel.clone(), Arc::clone(&wake_tx), stopped));
        let writer = writer::spawn(config, keys, wake_tx);
        Ok(Self { writer, readers, wake, _stop_listener: stop })
    }

    /// Checks every stream's hash chain and that positions run 1, 2, 3, … without a gap, in one
    /// scan of the log (paged). Returns the number of events checked, or
    /// [`StoreError::Corrupt`] naming the first bad event.
    pub async fn verify_all(&self) -> Result<u64> {
        read::verify_all(&self.readers).await
    }
}

#[async_trait]
impl EventStore for PostgresEventStore {
    async fn append(&self, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> Result<AppendResult> {
        if stream.is_empty() {
            return Err(StoreError::Invalid("empty stream id".into()));
        }
        if events.is_empty() {
            return Err(StoreError::Invalid(format!("no events to append to {stream}")));
        }
        // Serialise and hash-prepare here, on the caller's task, so the writer only inserts.
        let events = events.into_iter().map(writer::PendingEvent::new).collect::<Result<Vec<_>>>()?;
        self.writer.append(stream.to_owned(), expected, events).await
    }

    async fn read_stream(&self, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        read::read_stream(&self.readers, stream, from_version, limit).await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        read::read_all(&self.readers, after, limit).await
    }

    async fn head(&self) -> Result<u64> {
        read::head(&self.readers).await
    }

    fn subscribe_all(&self, after: u64) -> BoxStream<'static, Result<RecordedEvent>> {
        subscription::subscribe(Arc::clone(&self.readers), self.wake.clone(), after)
    }
}
