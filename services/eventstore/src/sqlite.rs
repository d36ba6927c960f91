//! Embedded SQLite backend, the default store of `canyu serve`.
//!
//! One OS thread owns the only write connection and commits appends in groups: many
//! concurrent appends share one transaction and one fsync (`synchronous=FULL`), and each is
//! acknowledged only after that COMMIT returns. Global positions are therefore assigned and
//! made visible strictly in order, so readers polling `position > after` never skip an event.
//! Reads run on the blocking thread pool with a small pool of connections; WAL lets them
//! read while the writer commits. Personal-data keys live in a separate file
//! ([`SqliteKeyStore`]).

mod keys;
mod read;
mod schema;
mod subscription;
mod writer;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::BoxStream;
use tokio::sync::watch;

pub use keys::SqliteKeyStore;

use crate::{AppendResult, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result, StoreError};

/// The SQLite event store. Dropping it lets the writer finish queued appends, then stops it;
/// live subscriptions end once they have delivered every committed event.
pub struct SqliteEventStore {
    writer: writer::WriterHandle,
    readers: Arc<read::ReadPool>,
    head: watch::Receiver<u64>,
}

impl SqliteEventStore {
    /// Opens (creating if needed) the store file at `path`, migrates its schema and starts the
    /// writer thread. Fails if another store in any process already has the file open.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let lock = schema::lock_writer(path)?;
        let conn = schema::open_events(path)?;
        let head = schema::load_head(&conn)?;
        let readers = Arc::new(read::ReadPool::open(path)?);
        let (head_tx, head_rx) = watch::channel(head);
        let writer = writer::spawn(conn, lock, head, head_tx)?;
        Ok(Self { writer, readers, head: head_rx })
    }

    /// Checks every stream's hash chain and that positions run 1, 2, 3, … without a gap, in one
    /// scan of the log. Returns the number of events checked, or [`StoreError::Corrupt`] naming
    /// the first bad event.
    pub async fn verify_all(&self) -> Result<u64> {
        self.readers.run(read::verify_all).await
    }

    /// SQLite's `integrity_check` of the log's file: [`StoreError::Corrupt`] with what it found.
    pub async fn integrity_check(&self) -> Result<()> {
        self.readers.run(|conn| schema::integrity_check(conn, "events.db")).await
    }
}

#[async_trait]
impl EventStore for SqliteEventStore {
    async fn append(&self, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> Result<AppendResult> {
        if stream.is_empty() {
            return Err(StoreError::Invalid("empty stream id".into()));
        }
        if events.is_empty() {
            return Err(StoreError::Invalid(format!("no events to append to {stream}")));
        }
        // Serialise here, on the caller's thread, so the single writer thread only hashes and inserts.
        let events = events.into_iter().map(writer::PendingEvent::new).collect::<Result<Vec<_>>>()?;
        self.writer.append(stream.to_owned(), expected, events).await
    }

    async fn read_stream(&self, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let stream = stream.to_owned();
        self.readers.run(move |conn| read::read_stream(conn, &stream, from_version, limit)).await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        self.readers.read_all(after, limit).await
    }

    async fn head(&self) -> Result<u64> {
        Ok(*self.head.borrow())
    }

    fn subscribe_all(&self, after: u64) -> BoxStream<'static, Result<RecordedEvent>> {
        subscription::subscribe(Arc::clone(&self.readers), self.head.clone(), after)
    }
}
