//! The read-model store conformance suite against the in-process `MemoryReadStore`.
#![cfg(feature = "conformance")]

use canyu_projections::MemoryReadStore;

canyu_projections::read_model_conformance_tests!(async { MemoryReadStore::new() });
