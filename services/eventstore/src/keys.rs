//! Personal-data keys for crypto-shredding.
//!
//! Each data subject (a person) gets one random 32-byte data key. Personal fields of events are
//! encrypted with it; deleting the key erases them without rewriting the event log. Keys live
//! apart from the log (see [`crate::sqlite::SqliteKeyStore`]), so a backup of the log never
//! carries them.

use async_trait::async_trait;

use crate::Result;

/// A store of per-subject data keys.
#[async_trait]
pub trait KeyStore: Send + Sync + 'static {
    /// Returns the subject's key, creating a random one on first use. The key is durable before
    /// this returns, and concurrent calls for the same subject return the same key. A deleted
    /// subject gets [`StoreError::Erased`](crate::StoreError::Erased), from every process that
    /// shares the store: the check and the creation are one atomic step, so a request that
    /// raced the erasure cannot bring the key back.
    async fn get_or_create(&self, subject: &str) -> Result<[u8; 32]>;

    /// Returns the subject's key, or `None` if it never existed or was deleted.
    async fn get(&self, subject: &str) -> Result<Option<[u8; 32]>>;

    /// Deletes the subject's key for good (crypto-shredding) and leaves a tombstone, so no key
    /// is created for them again; the names the subject holds ([`KeyStore::claim_name`]) go
    /// in the same step. Returns whether a key existed.
    async fn delete(&self, subject: &str) -> Result<bool>;

    /// The subject that holds `name`, if any. Names are personal data (a digest of a person's
    /// login name): they live here, beside the keys, so that erasure removes them.
    async fn name_owner(&self, name: &str) -> Result<Option<String>>;

    /// Gives `name` to `subject` unless another subject holds it, and returns the holder
    /// (`subject` when the claim is new). One atomic step for every handle on the store.
    async fn claim_name(&self, name: &str, subject: &str) -> Result<String>;
}
