//! [`KeyStore`] in PostgreSQL, so that every gateway process opens the same per-person keys.
//! Point it at a different database than the log (`--keys-url`) to keep keys out of the log's
//! backups; rows are deleted for good on erasure.

use async_trait::async_trait;

use super::pool::{Pool, connect};
use super::schema::{corrupt, db_err, parse_config};
use crate::Result;
use crate::keys::KeyStore;

/// Per-subject data keys in table `canyu_subject_keys`.
pub struct PostgresKeyStore {
    pool: Pool,
}

impl PostgresKeyStore {
    /// Connects and creates the key table if needed.
    pub async fn connect(url: &str) -> Result<Self> {
        let config = parse_config(url)?;
        let client = connect(&config).await?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS canyu_subject_keys (subject text PRIMARY KEY, key bytea NOT NULL CHECK (length(key) = 32))",
            )
            .await
            .map_err(db_err)?;
        Ok(Self { pool: Pool::new(config) })
    }
}

fn key_of(bytes: &[u8], subject: &str) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(bytes).map_err(|_| corrupt(format!("key of {subject} is not 32 bytes")))
}

#[async_trait]
impl KeyStore for PostgresKeyStore {
    async fn get_or_create(&self, subject: &str) -> Result<[u8; 32]> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).map_err(|e| crate::StoreError::Unavailable(format!("no randomness: {e}")))?;
        let subject = subject.to_owned();
        self.pool
            .run(async move |c| {
                // Concurrent creators race on the primary key; everyone reads the winner's key.
                c.execute(
                    "INSERT INTO canyu_subject_keys (subject, key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING",
                    &[&subject, &fresh.as_slice()],
                )
                .await
                .map_err(db_err)?;
                let row = c.query_one("SELECT key FROM canyu_subject_keys WHERE subject = $1", &[&subject]).await.map_err(db_err)?;
                key_of(row.get::<_, &[u8]>(0), &subject)
            })
            .await
    }

    async fn get(&self, subject: &str) -> Result<Option<[u8; 32]>> {
        let subject = subject.to_owned();
        self.pool
            .run(async move |c| {
                let row = c.query_opt("SELECT key FROM canyu_subject_keys WHERE subject = $1", &[&subject]).await.map_err(db_err)?;
                row.map(|r| key_of(r.get::<_, &[u8]>(0), &subject)).transpose()
            })
            .await
    }

    async fn delete(&self, subject: &str) -> Result<bool> {
        let subject = subject.to_owned();
        self.pool
            .run(async move |c| Ok(c.execute("DELETE FROM canyu_subject_keys WHERE subject = $1", &[&subject]).await.map_err(db_err)? > 0))
            .await
    }
}
