//! The `canyu` binary's library: start-up wiring, the demo seeder, the HTTP benchmark and the
//! contract exports. `main.rs` only parses the command line.

pub mod bench;
#[cfg(feature = "redis")]
pub mod claims;
pub mod config;
pub mod contracts;
pub mod export;
pub mod record;
pub mod seed;
pub mod startup;
