//! The read-model store port: where a projector keeps the documents it builds and the
//! checkpoint they reflect, so that other processes (gateway replicas) can read them.
//!
//! A store holds, per projection, three kinds of entries in separate namespaces (so a key can
//! never change kind): documents (`get`), append-only ordered lists (`range`) and hashes
//! (`hash_get`). A projector writes a batch of changes together with the position they reach
//! in one [`ReadModelStore::commit`], applied atomically and only if
//! - the position is past the stored checkpoint (a redelivered batch is a harmless no-op), and
//! - the committer holds the projection's lease with the current fencing token (a projector
//!   that lost its lease while paused can never overwrite its successor's work).
//!
//! Every commit publishes a [`Hint`] (the position and the streams it touched). Hints are
//! fire-and-forget: readers re-read the store on a hint and fall back to the checkpoint, so a
//! lost hint delays an update but never loses it.
//!
//! Backends: [`MemoryReadStore`] (one process) and `redis_store::RedisReadStore` (feature
//! `redis`). Both pass the suite in `conformance` (feature `conformance`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// A read-model store failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadStoreError {
    /// The store cannot be reached, or did not answer in time. Retrying later may succeed.
    #[error("read-model store unavailable: {0}")]
    Unavailable(String),
    /// The request itself is wrong (a bad owner name, a malformed stored value).
    #[error("invalid read-model store request: {0}")]
    Invalid(String),
}

/// One change in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Write {
    /// Sets a document.
    Put { key: String, value: String },
    /// Removes a document.
    Delete { key: String },
    /// Appends to an ordered list.
    Push { list: String, value: String },
    /// Sets one field of a hash.
    HashPut { key: String, field: String, value: String },
    /// Appends an entry to the projection's change log under the commit's position, keeping
    /// about the last `keep` entries (at most one per commit).
    Log { value: String, keep: usize },
}

/// What a commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// The batch and its checkpoint were applied.
    Applied,
    /// The stored checkpoint was already at or past the batch: nothing changed.
    Stale { checkpoint: u64 },
    /// The committer does not hold the lease with this token: nothing changed.
    Fenced,
}

/// Published after each applied commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    pub position: u64,
    /// The streams whose events the batch applied (e.g. decision ids), for subscription fan-out.
    pub streams: Vec<String>,
}

/// A held lease: the right to commit to a projection, with its fencing token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub owner: String,
    pub token: u64,
}

/// The port. `projection` names a set of read models with its own checkpoint and lease.
#[async_trait]
pub trait ReadModelStore: Send + Sync + std::fmt::Debug {
    /// Applies `writes` and sets the checkpoint to `position`, atomically, if `position` is
    /// past the checkpoint and `token` is the current lease's; then publishes a hint.
    async fn commit(
        &self,
        projection: &str,
        token: u64,
        position: u64,
        writes: &[Write],
        streams: &[String],
    ) -> Result<Commit, ReadStoreError>;

    /// The position the projection's stored read models reflect (0: nothing yet).
    async fn checkpoint(&self, projection: &str) -> Result<u64, ReadStoreError>;

    async fn get(&self, projection: &str, key: &str) -> Result<Option<String>, ReadStoreError>;

    /// Documents by key, in the order asked, `None` where missing.
    async fn get_many(&self, projection: &str, keys: &[String]) -> Result<Vec<Option<String>>, ReadStoreError>;

    /// Up to `count` elements of a list from index `start`.
    async fn range(&self, projection: &str, list: &str, start: usize, count: usize) -> Result<Vec<String>, ReadStoreError>;

    async fn list_len(&self, projection: &str, list: &str) -> Result<usize, ReadStoreError>;

    async fn hash_get(&self, projection: &str, key: &str, field: &str) -> Result<Option<String>, ReadStoreError>;

    /// Every field of a hash (in no particular order).
    async fn hash_all(&self, projection: &str, key: &str) -> Result<Vec<(String, String)>, ReadStoreError>;

    /// Up to `count` change-log entries of commits after `position`, oldest first, with the
    /// position of their commit.
    async fn log_after(&self, projection: &str, position: u64, count: usize) -> Result<Vec<(u64, String)>, ReadStoreError>;

    /// Takes the lease for `ttl` (or renews it, keeping the token, when `owner` holds it).
    /// `None` while another owner holds an unexpired lease. Each new holder gets a larger
    /// token than every earlier one.
    async fn acquire_lease(&self, projection: &str, owner: &str, ttl: Duration) -> Result<Option<Lease>, ReadStoreError>;

    /// Gives the lease up early if it is still this one.
    async fn release_lease(&self, projection: &str, lease: &Lease) -> Result<(), ReadStoreError>;

    /// Removes every entry and the checkpoint of a projection (not its lease), for a rebuild.
    async fn clear(&self, projection: &str) -> Result<(), ReadStoreError>;

    /// Hints of applied commits from now on. The stream ends (or yields an error) when the
    /// connection is lost; subscribe again and re-read the checkpoint.
    async fn hints(&self, projection: &str) -> Result<BoxStream<'static, Hint>, ReadStoreError>;
}

/// Owner names are free text without whitespace (they share a stored value with the token).
pub fn check_owner(owner: &str) -> Result<(), ReadStoreError> {
    if owner.is_empty() || owner.len() > 200 || owner.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ReadStoreError::Invalid(format!("lease owner {owner:?}: 1-200 characters without whitespace")));
    }
    Ok(())
}

#[derive(Debug, Default)]
struct Projection {
    docs: HashMap<String, String>,
    lists: HashMap<String, Vec<String>>,
    hashes: HashMap<String, HashMap<String, String>>,
    checkpoint: u64,
    lease: Option<(Lease, Instant)>,
    fence: u64,
    log: std::collections::VecDeque<(u64, String)>,
}

impl Projection {
    fn live_lease(&mut self) -> Option<&Lease> {
        if self.lease.as_ref().is_some_and(|(_, until)| *until <= Instant::now()) {
            self.lease = None;
        }
        self.lease.as_ref().map(|(l, _)| l)
    }
}

/// The read-model store of one process: a map behind a mutex, hints on a broadcast channel.
#[derive(Debug)]
pub struct MemoryReadStore {
    projections: Mutex<HashMap<String, Projection>>,
    hints: Mutex<HashMap<String, broadcast::Sender<Hint>>>,
}

impl Default for MemoryReadStore {
    fn default() -> Self {
        MemoryReadStore { projections: Mutex::new(HashMap::new()), hints: Mutex::new(HashMap::new()) }
    }
}

impl MemoryReadStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, projection: &str, f: impl FnOnce(&mut Projection) -> R) -> R {
        let mut all = self.projections.lock().unwrap_or_else(|p| p.into_inner());
        f(all.entry(projection.to_string()).or_default())
    }

    fn sender(&self, projection: &str) -> broadcast::Sender<Hint> {
        let mut all = self.hints.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(projection.to_string()).or_insert_with(|| broadcast::channel(1024).0).clone()
    }
}

#[async_trait]
impl ReadModelStore for MemoryReadStore {
    async fn commit(
        &self,
        projection: &str,
        token: u64,
        position: u64,
        writes: &[Write],
        streams: &[String],
    ) -> Result<Commit, ReadStoreError> {
        let outcome = self.with(projection, |p| {
            if p.live_lease().is_none_or(|l| l.token != token) {
                return Commit::Fenced;
            }
            if position <= p.checkpoint {
                return Commit::Stale { checkpoint: p.checkpoint };
            }
            for w in writes {
                match w {
                    Write::Put { key, value } => {
                        p.docs.insert(key.clone(), value.clone());
                    }
                    Write::Delete { key } => {
                        p.docs.remove(key);
                    }
                    Write::Push { list, value } => p.lists.entry(list.clone()).or_default().push(value.clone()),
                    Write::HashPut { key, field, value } => {
                        p.hashes.entry(key.clone()).or_default().insert(field.clone(), value.clone());
                    }
                    Write::Log { value, keep } => {
                        p.log.push_back((position, value.clone()));
                        while p.log.len() > (*keep).max(1) {
                            p.log.pop_front();
                        }
                    }
                }
            }
            p.checkpoint = position;
            Commit::Applied
        });
        if outcome == Commit::Applied {
            let _ = self.sender(projection).send(Hint { position, streams: streams.to_vec() });
        }
        Ok(outcome)
    }

    async fn checkpoint(&self, projection: &str) -> Result<u64, ReadStoreError> {
        Ok(self.with(projection, |p| p.checkpoint))
    }

    async fn get(&self, projection: &str, key: &str) -> Result<Option<String>, ReadStoreError> {
        Ok(self.with(projection, |p| p.docs.get(key).cloned()))
    }

    async fn get_many(&self, projection: &str, keys: &[String]) -> Result<Vec<Option<String>>, ReadStoreError> {
        Ok(self.with(projection, |p| keys.iter().map(|k| p.docs.get(k).cloned()).collect()))
    }

    async fn range(&self, projection: &str, list: &str, start: usize, count: usize) -> Result<Vec<String>, ReadStoreError> {
        Ok(self.with(projection, |p| p.lists.get(list).map(|l| l.iter().skip(start).take(count).cloned().collect()).unwrap_or_default()))
    }

    async fn list_len(&self, projection: &str, list: &str) -> Result<usize, ReadStoreError> {
        Ok(self.with(projection, |p| p.lists.get(list).map_or(0, Vec::len)))
    }

    async fn hash_get(&self, projection: &str, key: &str, field: &str) -> Result<Option<String>, ReadStoreError> {
        Ok(self.with(projection, |p| p.hashes.get(key).and_then(|h| h.get(field)).cloned()))
    }

    async fn hash_all(&self, projection: &str, key: &str) -> Result<Vec<(String, String)>, ReadStoreError> {
        Ok(self
            .with(projection, |p| p.hashes.get(key).map(|h| h.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()))
    }

    async fn log_after(&self, projection: &str, position: u64, count: usize) -> Result<Vec<(u64, String)>, ReadStoreError> {
        Ok(self.with(projection, |p| p.log.iter().filter(|(at, _)| *at > position).take(count).cloned().collect()))
    }

    async fn acquire_lease(&self, projection: &str, owner: &str, ttl: Duration) -> Result<Option<Lease>, ReadStoreError> {
        check_owner(owner)?;
        Ok(self.with(projection, |p| {
            let until = Instant::now() + ttl;
            match p.live_lease().cloned() {
                Some(l) if l.owner == owner => {
                    p.lease = Some((l.clone(), until));
                    Some(l)
                }
                Some(_) => None,
                None => {
                    p.fence += 1;
                    let l = Lease { owner: owner.to_string(), token: p.fence };
                    p.lease = Some((l.clone(), until));
                    Some(l)
                }
            }
        }))
    }

    async fn release_lease(&self, projection: &str, lease: &Lease) -> Result<(), ReadStoreError> {
        self.with(projection, |p| {
            if p.live_lease() == Some(lease) {
                p.lease = None;
            }
        });
        Ok(())
    }

    async fn clear(&self, projection: &str) -> Result<(), ReadStoreError> {
        self.with(projection, |p| {
            p.docs.clear();
            p.lists.clear();
            p.hashes.clear();
            p.log.clear();
            p.checkpoint = 0;
        });
        Ok(())
    }

    async fn hints(&self, projection: &str) -> Result<BoxStream<'static, Hint>, ReadStoreError> {
        let rx = self.sender(projection).subscribe();
        Ok(futures::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(h) => return Some((h, rx)),
                    // A slow reader skipped hints: it re-reads the checkpoint on the next one.
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
        .boxed())
    }
}
