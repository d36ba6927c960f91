//! The event store port and its backends.
//!
//! Job: durably append events to streams with optimistic concurrency, read a stream, read and
//! subscribe to the global order (`$all`). Every backend passes [`conformance`].
//! Depends on no other workspace crate: events are opaque (`event_type` + JSON text).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
pub mod keys;
#[cfg(feature = "kurrentdb")]
pub mod kurrentdb;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;
pub mod timed;

/// What the appender expects the stream to look like. Stream versions start at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// The stream must not exist yet.
    NoStream,
    /// The stream's last event must have exactly this version.
    Exact(u64),
    /// No check.
    Any,
}

/// Who did it, recorded in every event's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Actor {
    /// `anonymous`, `resident`, `unit_staff`, `admin` or `system`.
    pub role: String,
    pub account_id: Option<String>,
    pub unit_id: Option<String>,
}

/// Envelope metadata stored with each event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub idempotency_key: Option<String>,
    /// Time at the server when the command was decided.
    pub server_time: DateTime<Utc>,
}

/// An event to append. `id` should be a UUID v7; a repeated id makes the append idempotent.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub id: Uuid,
    /// Fixed stored name with version, e.g. `decision.draft_published.v1`.
    pub event_type: String,
    /// JSON text of the payload.
    pub data: String,
    pub metadata: EventMetadata,
}

/// A stored event with its envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub id: Uuid,
    pub stream_id: String,
    /// 0-based version within the stream.
    pub version: u64,
    /// Global position (commit order): 1-based and contiguous where the backend's
    /// [`Capabilities::contiguous_positions`] says so (SQLite, PostgreSQL); otherwise only
    /// increasing (KurrentDB: the event's commit position in its log).
    pub position: u64,
    pub event_type: String,
    /// JSON text of the payload.
    pub data: String,
    pub metadata: EventMetadata,
    /// SHA-256 over `prev_hash` and the event's canonical bytes (see [`chain_hash`]).
    pub hash: [u8; 32],
    /// Hash of the previous event in the same stream; all zeroes for version 0.
    pub prev_hash: [u8; 32],
}

/// Result of a successful append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendResult {
    /// Global position of the first appended event.
    pub first_position: u64,
    /// Global position of the last appended event.
    pub last_position: u64,
    /// Version of the stream's last event after the append.
    pub last_version: u64,
}

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The stream was not at the expected version. Callers reload and retry, or give up.
    #[error("stream {stream} expected {expected:?} but is at {actual:?}")]
    Conflict { stream: String, expected: ExpectedVersion, actual: Option<u64> },
    /// The request was malformed (empty append, bad stream id). A programming error.
    #[error("invalid append: {0}")]
    Invalid(String),
    /// The backend cannot be reached or failed; the write may or may not have happened.
    #[error("event store unavailable: {0}")]
    Unavailable(String),
    /// Stored data failed to decode or a hash chain failed to verify.
    #[error("corrupt event store: {0}")]
    Corrupt(String),
    /// The key store holds a tombstone for this subject: their data was erased, and nothing
    /// may be sealed for them again.
    #[error("subject {0} was erased")]
    Erased(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a backend guarantees beyond the port's common contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Positions run 1, 2, 3, … with no gap, so `head()` is also the number of events and a
    /// reader can tell a missing event from the numbers alone. When false, positions are only
    /// strictly increasing in commit order; every other promise of the port still holds.
    pub contiguous_positions: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Self { contiguous_positions: true }
    }
}

/// The port every backend implements.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends `events` (at least one) to `stream` atomically if it is at `expected`.
    /// When the first event's id is already stored, returns the original result and writes
    /// nothing (idempotent retry). Returns only once the events are durable.
    async fn append(&self, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> Result<AppendResult>;

    /// Reads up to `limit` events of `stream` with version >= `from_version`, in order.
    /// A missing stream reads as empty.
    async fn read_stream(&self, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>>;

    /// Reads up to `limit` events with global position > `after`, in order.
    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>>;

    /// The global position of the last committed event (0 when empty).
    async fn head(&self) -> Result<u64>;

    /// Every event with position > `after`: first those stored, then live ones as they commit.
    /// Never skips or repeats a position. Ends only on error or when the store shuts down.
    fn subscribe_all(&self, after: u64) -> BoxStream<'static, Result<RecordedEvent>>;

    /// What this backend guarantees beyond the common contract; contiguous positions unless
    /// the backend says otherwise.
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
}

/// The canonical bytes hashed for an event, independent of backend.
pub fn canonical_bytes(stream_id: &str, version: u64, id: &Uuid, event_type: &str, data: &str, metadata: &EventMetadata) -> Vec<u8> {
    let meta = serde_json::to_string(metadata).expect("metadata serialises");
    canonical_bytes_json(stream_id, version, id, event_type, data, &meta)
}

/// [`canonical_bytes`] with the metadata already serialised by `serde_json::to_string`, so a
/// backend that stores that text can hash it without serialising twice.
pub fn canonical_bytes_json(stream_id: &str, version: u64, id: &Uuid, event_type: &str, data: &str, meta: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(stream_id.len() + event_type.len() + data.len() + meta.len() + 64);
    for part in [stream_id.as_bytes(), &version.to_be_bytes(), id.as_bytes(), event_type.as_bytes(), data.as_bytes(), meta.as_bytes()] {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// `SHA-256(prev_hash || canonical_bytes)`: the per-stream hash chain.
pub fn chain_hash(prev_hash: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev_hash);
    h.update(canonical);
    h.finalize().into()
}

/// Checks that `events` (one stream, consecutive versions from 0) form an unbroken chain.
pub fn verify_chain(events: &[RecordedEvent]) -> Result<()> {
    let mut prev = [0u8; 32];
    for (i, e) in events.iter().enumerate() {
        if e.version != i as u64 || e.prev_hash != prev {
            return Err(StoreError::Corrupt(format!("{} v{}: chain link broken", e.stream_id, e.version)));
        }
        let expect = chain_hash(&prev, &canonical_bytes(&e.stream_id, e.version, &e.id, &e.event_type, &e.data, &e.metadata));
        if expect != e.hash {
            return Err(StoreError::Corrupt(format!("{} v{}: hash mismatch", e.stream_id, e.version)));
        }
        prev = e.hash;
    }
    Ok(())
}
