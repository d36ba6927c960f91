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
                // A row whose key is NULL is an erased subject's tombstone.
                "CREATE TABLE IF NOT EXISTS canyu_subject_keys (subject text PRIMARY KEY, key bytea NOT NULL CHECK (length(key) = 32));
                 ALTER TABLE canyu_subject_keys ALTER COLUMN key DROP NOT NULL;
                 CREATE TABLE IF NOT EXISTS canyu_subject_names (name text PRIMARY KEY, subject text NOT NULL);
                 CREATE INDEX IF NOT EXISTS canyu_subject_names_by_subject ON canyu_subject_names (subject);",
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
                // The primary key orders this insert and an erasure: either the key existed
                // first (and the erasure nulls it), or the tombstone did (and this reads NULL).
                let row = c.query_one("SELECT key FROM canyu_subject_keys WHERE subject = $1", &[&subject]).await.map_err(db_err)?;
                match row.get::<_, Option<&[u8]>>(0) {
                    Some(key) => key_of(key, &subject),
                    None => Err(crate::StoreError::Erased(subject.clone())),
                }
            })
            .await
    }

    async fn get(&self, subject: &str) -> Result<Option<[u8; 32]>> {
        let subject = subject.to_owned();
        self.pool
            .run(async move |c| {
                let row = c.query_opt("SELECT key FROM canyu_subject_keys WHERE subject = $1", &[&subject]).await.map_err(db_err)?;
                row.and_then(|r| r.get::<_, Option<&[u8]>>(0).map(|k| key_of(k, &subject))).transpose()
            })
            .await
    }

    async fn delete(&self, subject: &str) -> Result<bool> {
        let subject = subject.to_owned();
        self.pool
            .run(async move |c| {
                // Replace the key with the tombstone and drop the subject's names in one
                // statement; the CTE sees the key row as it was before.
                let row = c
                    .query_one(
                        "WITH prev AS (SELECT key FROM canyu_subject_keys WHERE subject = $1),
                              names AS (DELETE FROM canyu_subject_names WHERE subject = $1)
                         INSERT INTO canyu_subject_keys (subject, key) VALUES ($1, NULL)
                         ON CONFLICT (subject) DO UPDATE SET key = NULL
                         RETURNING (SELECT key IS NOT NULL FROM prev)",
                        &[&subject],
                    )
                    .await
                    .map_err(db_err)?;
                Ok(row.get::<_, Option<bool>>(0).unwrap_or(false))
            })
            .await
    }

    async fn name_owner(&self, name: &str) -> Result<Option<String>> {
        let name = name.to_owned();
        self.pool
            .run(async move |c| {
                let row = c.query_opt("SELECT subject FROM canyu_subject_names WHERE name = $1", &[&name]).await.map_err(db_err)?;
                Ok(row.map(|r| r.get::<_, String>(0)))
            })
            .await
    }

    async fn claim_name(&self, name: &str, subject: &str) -> Result<String> {
        let (name, subject) = (name.to_owned(), subject.to_owned());
        self.pool
            .run(async move |c| {
                // Concurrent claimers race on the primary key; everyone reads the winner.
                c.execute(
                    "INSERT INTO canyu_subject_names (name, subject) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                    &[&name, &subject],
                )
                .await
                .map_err(db_err)?;
                let row = c.query_one("SELECT subject FROM canyu_subject_names WHERE name = $1", &[&name]).await.map_err(db_err)?;
                Ok(row.get::<_, String>(0))
            })
            .await
    }
}
