//! Connections: a few reader connections shared by all reads (pipelined), each replaced once
//! it has failed.

use std::time::Duration;

use tokio_postgres::{Client, Config, NoTls};

use super::schema::db_err;
use crate::{Result, StoreError};

/// Longest a single read may take before it is reported as `Unavailable`.
pub(super) const QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens one connection and drives it on a background task.
pub(super) async fn connect(config: &Config) -> Result<Client> {
    let (client, connection) = config.connect(NoTls).await.map_err(db_err)?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "postgres connection ended");
        }
    });
    Ok(client)
}

/// Connections shared by all readers. A `tokio_postgres::Client` pipelines concurrent queries
/// over its one connection, so a few connections serve any number of concurrent reads; opening
/// a connection per read instead costs a server process each (measured: 32 concurrent
/// commenters on PostgreSQL went from 542/s to the figure in docs/benchmarks.md).
const CONNECTIONS: usize = 4;

pub(super) struct Pool {
    config: Config,
    slots: Vec<tokio::sync::Mutex<Option<std::sync::Arc<Client>>>>,
    next: std::sync::atomic::AtomicUsize,
}

impl Pool {
    pub(super) fn new(config: Config) -> Self {
        Self { config, slots: (0..CONNECTIONS).map(|_| tokio::sync::Mutex::new(None)).collect(), next: Default::default() }
    }

    /// Runs `f` with one of the shared connections (opened on first use, replaced once it has
    /// closed), under [`QUERY_TIMEOUT`].
    pub(super) async fn run<T, F>(&self, f: F) -> Result<T>
    where
        F: AsyncFnOnce(&Client) -> Result<T>,
    {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.slots.len();
        let client = self.client(i).await?;
        match tokio::time::timeout(QUERY_TIMEOUT, f(&client)).await {
            Ok(out) => out,
            Err(_) => {
                // The connection may be stuck: the next read on this slot opens a new one.
                self.slots[i].lock().await.take();
                Err(StoreError::Unavailable(format!("postgres: no answer within {QUERY_TIMEOUT:?}")))
            }
        }
    }

    async fn client(&self, i: usize) -> Result<std::sync::Arc<Client>> {
        let mut slot = self.slots[i].lock().await;
        match slot.as_ref() {
            Some(c) if !c.is_closed() => Ok(c.clone()),
            _ => {
                let c = std::sync::Arc::new(connect(&self.config).await?);
                *slot = Some(c.clone());
                Ok(c)
            }
        }
    }
}
