//! Connections: a small pool of reader connections, each replaced once it has failed.

use std::sync::Mutex;
use std::time::Duration;

use tokio_postgres::{Client, Config, NoTls};

use super::schema::db_err;
use crate::{Result, StoreError};

/// Idle connections kept for reuse; more are opened when reads overlap, then closed.
const MAX_IDLE: usize = 4;

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

pub(super) struct Pool {
    config: Config,
    idle: Mutex<Vec<Client>>,
}

impl Pool {
    pub(super) fn new(config: Config) -> Self {
        Self { config, idle: Mutex::new(Vec::new()) }
    }

    /// Runs `f` with a connection, under [`QUERY_TIMEOUT`]. The connection goes back to the
    /// pool unless it has closed.
    pub(super) async fn run<T, F>(&self, f: F) -> Result<T>
    where
        F: AsyncFnOnce(&Client) -> Result<T>,
    {
        let client = self.take().await?;
        let out = match tokio::time::timeout(QUERY_TIMEOUT, f(&client)).await {
            Ok(out) => out,
            // The connection may still be busy with the abandoned query: do not reuse it.
            Err(_) => return Err(StoreError::Unavailable(format!("postgres: no answer within {QUERY_TIMEOUT:?}"))),
        };
        if !client.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < MAX_IDLE {
                idle.push(client);
            }
        }
        out
    }

    async fn take(&self) -> Result<Client> {
        loop {
            // A panic elsewhere cannot leave the list half-changed, so a poisoned lock is usable.
            let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            match idle {
                Some(client) if client.is_closed() => continue,
                Some(client) => return Ok(client),
                None => return connect(&self.config).await,
            }
        }
    }
}
