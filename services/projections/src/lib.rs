//! Read models: the projector (event to read-model change), the checkpointed runner, the
//! read-model store port with its backends, and the query functions the gateway calls.
//!
//! Depends on `canyu-domain` (events and derived rules), `canyu-app` (event decoding, stream
//! names) and the `canyu-eventstore` port; the write side never reads from here. The embedded default keeps the read
//! models in memory and rebuilds them from the log at start.

#[cfg(feature = "conformance")]
pub mod conformance;
pub mod documents;
pub mod model;
mod projectors;
pub mod query;
#[cfg(feature = "redis")]
pub mod redis_store;
pub mod replica;
pub mod runner;
pub mod store;
pub mod summary;
pub mod tracked;

pub use documents::DocumentProjector;
pub use model::*;
pub use runner::Projections;
pub use store::{Commit, Hint, Lease, MemoryReadStore, ReadModelStore, ReadStoreError, Write};
