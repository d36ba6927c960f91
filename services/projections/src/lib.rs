//! Read models: the projector (event to read-model change), the checkpointed runner, and the
//! query functions the gateway calls.
//!
//! Depends on `canyu-domain` (events and derived rules), `canyu-app` (decoding, the `Lookup`
//! port it implements) and the `canyu-eventstore` port. The embedded default keeps the read
//! models in memory and rebuilds them from the log at start.

mod apply;
pub mod model;
pub mod query;
pub mod runner;

pub use model::*;
pub use runner::Projections;
