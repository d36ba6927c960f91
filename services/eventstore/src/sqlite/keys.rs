//! [`KeyStore`] on its own SQLite file, apart from the event log.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::schema::{corrupt, db_err, open_keys};
use crate::keys::KeyStore;
use crate::{Result, StoreError};

/// Per-subject data keys in a separate SQLite file (WAL, `synchronous=FULL`,
/// `secure_delete`), so that a backup of the event log never carries them.
pub struct SqliteKeyStore {
    inner: Arc<Mutex<Keys>>,
}

/// The connection. Keys are not cached: another handle on the file (another process) may
/// erase a subject at any moment, and a primary-key lookup costs microseconds.
struct Keys {
    conn: Connection,
}

impl SqliteKeyStore {
    /// Opens (creating if needed) the key file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let conn = open_keys(path.as_ref())?;
        Ok(Self { inner: Arc::new(Mutex::new(Keys { conn })) })
    }

    /// SQLite's `integrity_check` of the key file: [`StoreError::Corrupt`] with what it found.
    pub async fn integrity_check(&self) -> Result<()> {
        self.with_keys(|keys| super::schema::integrity_check(&keys.conn, "keys.db")).await
    }

    async fn with_keys<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Keys) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            // A panic mid-operation leaves SQLite consistent.
            let mut keys = inner.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut keys)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("key store task failed: {e}")))?
    }
}

impl Keys {
    fn lookup(&mut self, subject: &str) -> Result<Option<[u8; 32]>> {
        let mut stmt = self.conn.prepare_cached("SELECT key FROM subject_keys WHERE subject = ?1").map_err(db_err)?;
        let found: Option<Vec<u8>> = stmt.query_row([subject], |r| r.get(0)).optional().map_err(db_err)?;
        found.map(|k| <[u8; 32]>::try_from(k.as_slice()).map_err(|_| corrupt(format!("key of {subject} is not 32 bytes")))).transpose()
    }
}

#[async_trait]
impl KeyStore for SqliteKeyStore {
    async fn get_or_create(&self, subject: &str) -> Result<[u8; 32]> {
        let subject = subject.to_owned();
        self.with_keys(move |keys| {
            if let Some(key) = keys.lookup(&subject)? {
                return Ok(key);
            }
            let mut fresh = [0u8; 32];
            getrandom::fill(&mut fresh).map_err(|e| StoreError::Unavailable(format!("no randomness for a key: {e}")))?;
            // One write transaction (other processes wait on the file's lock): the tombstone
            // check and the insert cannot interleave with an erasure.
            let tx = keys.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
            let erased = tx
                .prepare_cached("SELECT 1 FROM erased_subjects WHERE subject = ?1")
                .and_then(|mut s| s.exists([&subject]))
                .map_err(db_err)?;
            if erased {
                return Err(StoreError::Erased(subject));
            }
            // OR IGNORE, then read back: if another process created the key first, use its key.
            tx.prepare_cached("INSERT OR IGNORE INTO subject_keys (subject, key) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute(rusqlite::params![subject, fresh]))
                .map_err(db_err)?;
            tx.commit().map_err(db_err)?;
            keys.lookup(&subject)?.ok_or_else(|| StoreError::Unavailable(format!("key of {subject} vanished after insert")))
        })
        .await
    }

    async fn get(&self, subject: &str) -> Result<Option<[u8; 32]>> {
        let subject = subject.to_owned();
        self.with_keys(move |keys| keys.lookup(&subject)).await
    }

    async fn delete(&self, subject: &str) -> Result<bool> {
        let subject = subject.to_owned();
        self.with_keys(move |keys| {
            let tx = keys.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
            let deleted =
                tx.prepare_cached("DELETE FROM subject_keys WHERE subject = ?1").and_then(|mut s| s.execute([&subject])).map_err(db_err)?;
            tx.prepare_cached("INSERT OR IGNORE INTO erased_subjects (subject) VALUES (?1)")
                .and_then(|mut s| s.execute([&subject]))
                .map_err(db_err)?;
            let names = tx
                .prepare_cached("DELETE FROM subject_names WHERE subject = ?1")
                .and_then(|mut s| s.execute([&subject]))
                .map_err(db_err)?;
            tx.commit().map_err(db_err)?;
            if deleted > 0 || names > 0 {
                // Copy the change into the main file and empty the WAL, which still holds the
                // key's bytes in the frames that inserted it.
                keys.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(db_err)?;
            }
            Ok(deleted > 0)
        })
        .await
    }

    async fn name_owner(&self, name: &str) -> Result<Option<String>> {
        let name = name.to_owned();
        self.with_keys(move |keys| {
            keys.conn
                .prepare_cached("SELECT subject FROM subject_names WHERE name = ?1")
                .and_then(|mut s| s.query_row([&name], |r| r.get(0)).optional())
                .map_err(db_err)
        })
        .await
    }

    async fn claim_name(&self, name: &str, subject: &str) -> Result<String> {
        let (name, subject) = (name.to_owned(), subject.to_owned());
        self.with_keys(move |keys| {
            let tx = keys.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
            tx.prepare_cached("INSERT OR IGNORE INTO subject_names (name, subject) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute([&name, &subject]))
                .map_err(db_err)?;
            let holder: String = tx
                .prepare_cached("SELECT subject FROM subject_names WHERE name = ?1")
                .and_then(|mut s| s.query_row([&name], |r| r.get(0)))
                .map_err(db_err)?;
            tx.commit().map_err(db_err)?;
            Ok(holder)
        })
        .await
    }
}
