//! The transparency log of Canyu (docs/adr/0016).
//!
//! Every event, in global order, is a leaf of an RFC 6962 Merkle tree ([`leaf`], [`tree`]);
//! the server signs checkpoints in the C2SP `tlog-checkpoint` format and publishes the tree as
//! C2SP `tlog-tiles` ([`tiles`]); [`bundle`] holds the export format and the offline verifier;
//! [`note`] the signed notes (checkpoints, receipts, witnesses' cosignatures); [`log`] the
//! running log that keeps the tree level with the event store.

pub mod bundle;
pub mod leaf;
pub mod log;
pub mod note;
pub mod tiles;
pub mod tree;

pub use bundle::{Bundle, Verified, VerifyFailure, verify_bundle};
pub use leaf::Leaf;
pub use log::{StoredCheckpoint, TransparencyLog};
pub use note::NoteKey;
pub use tree::Tree;

/// Errors of the transparency log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// A size, index or tile outside the (published) tree.
    #[error("{0}")]
    Range(String),
    /// A key that cannot be read or does not match.
    #[error("log key: {0}")]
    Key(String),
    /// A note that does not parse or verify.
    #[error("{0}")]
    Note(String),
    /// The log's data disagrees with itself or with the events.
    #[error("transparency log corrupt: {0}")]
    Corrupt(String),
    /// The checkpoint store failed.
    #[error("checkpoint store: {0}")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The event store failed.
    #[error("event store: {0}")]
    Events(#[source] canyu_eventstore::StoreError),
}

impl LogError {
    fn store(e: impl std::error::Error + Send + Sync + 'static) -> LogError {
        LogError::Store(Box::new(e))
    }
    fn events(e: canyu_eventstore::StoreError) -> LogError {
        LogError::Events(e)
    }
    fn tree(e: tlog_tiles::Error) -> LogError {
        LogError::Range(format!("tree: {e}"))
    }
}
