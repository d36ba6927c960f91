//! The running log: the tree kept level with the event store, checkpoints signed on a cadence
//! and stored, tiles and proofs served from memory, receipts, and bundles.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use canyu_eventstore::{EventStore, RecordedEvent};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::StreamExt;
use tokio::sync::watch;

use crate::LogError;
use crate::bundle::{BUNDLE_FORMAT, Bundle, BundleConsistency, BundleEntry, BundleEvent};
use crate::leaf::{Leaf, public_text};
use crate::note::{NoteKey, Receipt, checkpoint_text, open_checkpoint};
use crate::tree::{TILE_WIDTH, Tree};

/// At most this long between an event and the checkpoint that includes it.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);
/// A checkpoint is signed as soon as this many events wait for one.
pub const CHECKPOINT_EVENTS: u64 = 1_000;
/// What a receipt promises: a checkpoint including the event within this delay.
pub const RECEIPT_DELAY: Duration = Duration::from_secs(10);
/// Page size of the catch-up read.
const PAGE: usize = 2_000;

/// A signed checkpoint as the log stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub root: [u8; 32],
    /// The signed note, with any witnesses' cosignatures.
    pub note: String,
    pub signed_at: DateTime<Utc>,
}

/// Checkpoints on disk (`log.db` in the data dir): one row per signed size.
struct CheckpointStore(Mutex<rusqlite::Connection>);

impl CheckpointStore {
    fn open(path: &Path) -> Result<Self, LogError> {
        let conn = rusqlite::Connection::open(path).map_err(LogError::store)?;
        conn.execute_batch(
            // NORMAL in WAL: a crash may lose the newest checkpoints, never corrupt the file.
            // That is safe: the tree is rebuilt from the events and Ed25519 is deterministic,
            // so the same size is signed again to the very same note.
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
             CREATE TABLE IF NOT EXISTS checkpoints (
                size      INTEGER PRIMARY KEY,
                root      BLOB NOT NULL,
                note      TEXT NOT NULL,
                signed_at TEXT NOT NULL
             ) STRICT;",
        )
        .map_err(LogError::store)?;
        Ok(CheckpointStore(Mutex::new(conn)))
    }

    fn put(&self, cp: &StoredCheckpoint) -> Result<(), LogError> {
        let conn = self.0.lock().expect("checkpoint store lock");
        conn.execute(
            "INSERT INTO checkpoints (size, root, note, signed_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (size) DO UPDATE SET note = excluded.note",
            rusqlite::params![cp.size as i64, &cp.root[..], cp.note, cp.signed_at.to_rfc3339()],
        )
        .map_err(LogError::store)?;
        Ok(())
    }

    fn all(&self) -> Result<Vec<StoredCheckpoint>, LogError> {
        self.select("WHERE size >= ?1 ORDER BY size", 0)
    }

    fn select(&self, filter: &str, bound: i64) -> Result<Vec<StoredCheckpoint>, LogError> {
        let conn = self.0.lock().expect("checkpoint store lock");
        let mut stmt =
            conn.prepare_cached(&format!("SELECT size, root, note, signed_at FROM checkpoints {filter}")).map_err(LogError::store)?;
        let rows = stmt
            .query_map([bound], |r| {
                let root: Vec<u8> = r.get(1)?;
                let at: String = r.get(3)?;
                Ok((r.get::<_, i64>(0)?, root, r.get::<_, String>(2)?, at))
            })
            .map_err(LogError::store)?;
        let mut out = Vec::new();
        for row in rows {
            let (size, root, note, at) = row.map_err(LogError::store)?;
            out.push(StoredCheckpoint {
                size: size as u64,
                root: root.try_into().map_err(|_| LogError::Corrupt(format!("checkpoint {size}: root is not 32 bytes")))?,
                note,
                signed_at: DateTime::parse_from_rfc3339(&at)
                    .map_err(|_| LogError::Corrupt(format!("checkpoint {size}: bad time")))?
                    .to_utc(),
            });
        }
        Ok(out)
    }

    /// The checkpoint of the largest size not above `size` (an index lookup: there is one
    /// row per second of activity).
    fn at_most(&self, size: u64) -> Result<Option<StoredCheckpoint>, LogError> {
        Ok(self.select("WHERE size <= ?1 ORDER BY size DESC LIMIT 1", size.min(i64::MAX as u64) as i64)?.pop())
    }
}

/// The transparency log of one data dir.
pub struct TransparencyLog {
    key: NoteKey,
    tree: RwLock<Tree>,
    checkpoints: CheckpointStore,
    latest: RwLock<Option<StoredCheckpoint>>,
    size: watch::Sender<u64>,
    /// Verifier keys of the witnesses whose cosignatures the log accepts.
    witnesses: Vec<String>,
}

impl std::fmt::Debug for TransparencyLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransparencyLog").field("origin", &self.origin()).field("size", &self.size()).finish_non_exhaustive()
    }
}

impl TransparencyLog {
    fn tree(&self) -> std::sync::RwLockReadGuard<'_, Tree> {
        self.tree.read().expect("tree lock")
    }

    /// Opens the log whose checkpoints live in `log_db`, signing with `key` (named as the
    /// origin). The tree starts empty: [`TransparencyLog::catch_up`] builds it from the events.
    pub fn open(log_db: &Path, key: NoteKey, witnesses: Vec<String>) -> Result<Arc<Self>, LogError> {
        let checkpoints = CheckpointStore::open(log_db)?;
        let latest = checkpoints.at_most(u64::MAX)?;
        if let Some(cp) = &latest {
            let vkey = key.vkey();
            open_checkpoint(&cp.note, &vkey, &[]).map_err(|e| {
                LogError::Key(format!("the stored checkpoint of size {} does not verify with the log key {vkey}: {e}", cp.size))
            })?;
        }
        Ok(Arc::new(TransparencyLog {
            key,
            tree: RwLock::new(Tree::new()),
            checkpoints,
            latest: RwLock::new(latest),
            size: watch::channel(0).0,
            witnesses,
        }))
    }

    pub fn origin(&self) -> &str {
        self.key.name()
    }

    /// The verifier key to publish.
    pub fn vkey(&self) -> String {
        self.key.vkey()
    }

    /// Leaves in the tree.
    pub fn size(&self) -> u64 {
        self.tree().size()
    }

    /// Adds events (in global order, after the tree's last) as leaves.
    pub fn ingest(&self, events: &[RecordedEvent]) {
        let leaves: Vec<(u64, [u8; 32])> = events.iter().map(|e| (e.position, Leaf::of(e).hash())).collect();
        let size = {
            let mut tree = self.tree.write().expect("tree lock");
            for (position, hash) in leaves {
                if position > tree.last_position() {
                    tree.push(position, hash);
                }
            }
            tree.size()
        };
        self.size.send_replace(size);
    }

    /// Builds the tree from every stored event not yet in it; returns the leaves added. The next
    /// page is read while the current one is hashed (the store reads on its own threads).
    pub async fn catch_up(&self, store: &dyn EventStore) -> Result<u64, LogError> {
        let start = self.size();
        let after = self.tree().last_position();
        let mut page = store.read_all(after, PAGE).await.map_err(LogError::events)?;
        while let Some(last) = page.last().map(|e| e.position) {
            let (next, ()) = futures::join!(store.read_all(last, PAGE), async { self.ingest(&page) });
            page = next.map_err(LogError::events)?;
        }
        Ok(self.size() - start)
    }

    /// Follows the store: every event committed from now on becomes a leaf.
    pub async fn follow(self: Arc<Self>, store: Arc<dyn EventStore>) -> Result<(), LogError> {
        let after = self.tree().last_position();
        let mut events = store.subscribe_all(after).ready_chunks(PAGE);
        while let Some(batch) = events.next().await {
            let batch: Vec<RecordedEvent> = batch.into_iter().collect::<Result<_, _>>().map_err(LogError::events)?;
            self.ingest(&batch);
        }
        Ok(())
    }

    /// Signs checkpoints while the process runs: at most [`CHECKPOINT_INTERVAL`] after an
    /// event, at once when [`CHECKPOINT_EVENTS`] wait.
    pub async fn sign_on_cadence(self: Arc<Self>) -> Result<(), LogError> {
        let mut sizes = self.size.subscribe();
        loop {
            let signed = self.latest_checkpoint().map_or(0, |c| c.size);
            let deadline = tokio::time::sleep(CHECKPOINT_INTERVAL);
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    _ = &mut deadline => break,
                    changed = sizes.changed() => {
                        if changed.is_err() { return Ok(()) }
                        if *sizes.borrow() >= signed + CHECKPOINT_EVENTS { break }
                    }
                }
            }
            if let Err(e) = self.sign_checkpoint() {
                tracing::error!(error = %e, "could not sign a checkpoint");
            }
        }
    }

    /// Signs and stores a checkpoint of the whole tree if it grew since the last one.
    pub fn sign_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LogError> {
        let (size, root) = {
            let tree = self.tree();
            (tree.size(), tree.root(tree.size())?)
        };
        if self.latest_checkpoint().is_some_and(|c| c.size >= size) {
            return Ok(None);
        }
        let note = self.key.sign(&checkpoint_text(self.origin(), size, &root))?;
        let cp = StoredCheckpoint { size, root, note, signed_at: Utc::now() };
        self.checkpoints.put(&cp)?;
        *self.latest.write().expect("latest lock") = Some(cp.clone());
        Ok(Some(cp))
    }

    /// The newest signed checkpoint.
    pub fn latest_checkpoint(&self) -> Option<StoredCheckpoint> {
        self.latest.read().expect("latest lock").clone()
    }

    /// Every stored checkpoint, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, LogError> {
        self.checkpoints.all()
    }

    /// Adds a witness's cosignature to the stored checkpoint it cosigns. Only the configured
    /// witnesses are accepted, and only over a checkpoint this log signed.
    pub fn add_cosignature(&self, cosigned: &str) -> Result<StoredCheckpoint, LogError> {
        let opened = open_checkpoint(cosigned, &self.vkey(), &[])?;
        let Some(mut stored) = self.checkpoints.at_most(opened.size)?.filter(|c| c.size == opened.size) else {
            return Err(LogError::Range(format!("no checkpoint of size {} was signed", opened.size)));
        };
        if stored.root != opened.root {
            return Err(LogError::Note("the cosigned checkpoint is not the one this log signed".into()));
        }
        // Only the lines of configured witnesses whose cosignature verifies are kept.
        let mut merged = stored.note.clone();
        let mut added = false;
        for w in &self.witnesses {
            let name = crate::note::vkey_name(w).unwrap_or_default();
            if open_checkpoint(cosigned, &self.vkey(), std::slice::from_ref(w)).is_err() {
                continue;
            }
            let before = merged.clone();
            merged = merge_signatures(&merged, cosigned, name);
            added |= merged != before;
        }
        if !added {
            return Err(LogError::Note("no configured witness added a cosignature to this checkpoint".into()));
        }
        let all: Vec<String> = self
            .witnesses
            .iter()
            .filter(|w| merged.contains(&format!("— {} ", crate::note::vkey_name(w).unwrap_or_default())))
            .cloned()
            .collect();
        open_checkpoint(&merged, &self.vkey(), &all)?;
        stored.note = merged;
        self.checkpoints.put(&stored)?;
        let mut latest = self.latest.write().expect("latest lock");
        if latest.as_ref().is_some_and(|l| l.size == stored.size) {
            *latest = Some(stored.clone());
        }
        Ok(stored)
    }

    /// The stored checkpoint of the largest size not above `size`.
    pub fn checkpoint_at_most(&self, size: u64) -> Result<Option<StoredCheckpoint>, LogError> {
        self.checkpoints.at_most(size)
    }

    /// Leaf index of the event at a global position.
    pub fn leaf_index(&self, position: u64) -> Option<u64> {
        self.tree().index_of(position)
    }

    /// Hash of leaf `index`.
    pub fn leaf_hash(&self, index: u64) -> Option<[u8; 32]> {
        self.tree().leaf_hash(index)
    }

    /// Root of the tree's first `size` leaves.
    pub fn root(&self, size: u64) -> Result<[u8; 32], LogError> {
        self.tree().root(size)
    }

    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<[u8; 32]>, LogError> {
        self.tree().inclusion_proof(index, size)
    }

    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<[u8; 32]>, LogError> {
        self.tree().consistency_proof(from, to)
    }

    /// A hash tile, within the latest checkpoint.
    pub fn tile(&self, level: u8, index: u64, width: u32) -> Result<Vec<u8>, LogError> {
        let published = self.latest_checkpoint().map_or(0, |c| c.size);
        self.tree().tile(level, index, width, published)
    }

    /// The leaves of entry bundle `index` with `width` entries (C2SP tlog-tiles: each a
    /// big-endian 16-bit length and the leaf), within the latest checkpoint.
    pub async fn entries(&self, store: &dyn EventStore, index: u64, width: u32) -> Result<Vec<u8>, LogError> {
        let published = self.latest_checkpoint().map_or(0, |c| c.size);
        let first = index.checked_mul(TILE_WIDTH).ok_or_else(|| LogError::Range("no such tile".into()))?;
        if width == 0 || u64::from(width) > TILE_WIDTH || first + u64::from(width) > published {
            return Err(LogError::Range("the entries are not in the published tree".into()));
        }
        let events = self.events(store, first, u64::from(width)).await?;
        let mut out = Vec::new();
        for e in &events {
            let leaf = Leaf::of(e).encode();
            out.extend_from_slice(&(leaf.len() as u16).to_be_bytes());
            out.extend_from_slice(&leaf);
        }
        Ok(out)
    }

    /// The events of leaves `first .. first + count`.
    async fn events(&self, store: &dyn EventStore, first: u64, count: u64) -> Result<Vec<RecordedEvent>, LogError> {
        let after = if first == 0 {
            0
        } else {
            self.tree().position_of(first - 1).ok_or_else(|| LogError::Range(format!("no leaf {}", first - 1)))?
        };
        let events = store.read_all(after, count as usize).await.map_err(LogError::events)?;
        if events.len() as u64 != count {
            return Err(LogError::Corrupt(format!("leaves {first}..{} have no events", first + count)));
        }
        Ok(events)
    }

    /// A signed receipt for the event at `position`, once it is a leaf: the leaf hash, index
    /// and time, and the promise of a checkpoint within [`RECEIPT_DELAY`].
    pub async fn receipt(&self, position: u64, wait: Duration) -> Result<(Receipt, String), LogError> {
        let mut sizes = self.size.subscribe();
        let found = tokio::time::timeout(wait, async {
            loop {
                if let Some(index) = self.leaf_index(position) {
                    return Some(index);
                }
                if sizes.changed().await.is_err() {
                    return None;
                }
            }
        })
        .await;
        let Ok(Some(index)) = found else {
            return Err(LogError::Range(format!("the event at position {position} is not in the log yet")));
        };
        let hash = self.tree().leaf_hash(index).expect("leaf of a found index");
        let now = Utc::now();
        let by = now + chrono::Duration::from_std(RECEIPT_DELAY).expect("small delay");
        let receipt = Receipt {
            origin: self.origin().to_owned(),
            leaf_index: index,
            leaf_hash: hash,
            accepted_at: now.to_rfc3339_opts(SecondsFormat::Micros, true),
            include_by: by.to_rfc3339_opts(SecondsFormat::Secs, true),
        };
        let note = self.key.sign(&receipt.text())?;
        Ok((receipt, note))
    }

    /// A bundle of the events at `positions` (ascending), with proofs against the latest
    /// checkpoint, and consistency proofs from each size in `since`. Events `withhold` picks
    /// are shown by their leaf alone.
    pub async fn bundle(
        &self,
        store: &dyn EventStore,
        decision_id: &str,
        positions: &[u64],
        withhold: &(dyn Fn(&RecordedEvent) -> bool + Sync),
        since: &[u64],
    ) -> Result<Bundle, LogError> {
        let cp = self.latest_checkpoint().ok_or_else(|| LogError::Range("the log has no checkpoint yet".into()))?;
        let mut entries = Vec::with_capacity(positions.len());
        for &position in positions {
            let Some(index) = self.leaf_index(position).filter(|&i| i < cp.size) else { continue };
            let event = self.events(store, index, 1).await?.pop().expect("one event");
            let leaf = Leaf::of(&event);
            let proof = self.inclusion_proof(index, cp.size)?;
            let data = (!withhold(&event)).then(|| public_text(&event.data).0);
            entries.push(BundleEntry {
                leaf_index: index,
                leaf: B64.encode(leaf.encode()),
                inclusion_proof: proof.iter().map(|h| B64.encode(h)).collect(),
                event: BundleEvent {
                    position,
                    id: event.id.to_string(),
                    stream: event.stream_id.clone(),
                    version: event.version,
                    event_type: event.event_type.clone(),
                    time: event.metadata.server_time.to_rfc3339_opts(SecondsFormat::Micros, true),
                    data,
                },
            });
        }
        let mut consistency = Vec::new();
        for &from in since {
            if from > 0 && from < cp.size {
                let proof = self.consistency_proof(from, cp.size)?;
                consistency.push(BundleConsistency { from, proof: proof.iter().map(|h| B64.encode(h)).collect() });
            }
        }
        Ok(Bundle { format: BUNDLE_FORMAT.into(), decision_id: decision_id.into(), checkpoint: cp.note, entries, consistency })
    }

    /// Checks every stored checkpoint against the tree built from the events: each must be
    /// signed by the log key and have the root of the tree at its size. Returns how many.
    pub fn check_checkpoints(&self) -> Result<usize, LogError> {
        let all = self.checkpoints.all()?;
        let size = self.size();
        for cp in &all {
            let opened = open_checkpoint(&cp.note, &self.vkey(), &[])?;
            if opened.size != cp.size || opened.root != cp.root {
                return Err(LogError::Corrupt(format!("checkpoint {}: the stored root differs from the signed one", cp.size)));
            }
            if cp.size > size {
                return Err(LogError::Corrupt(format!(
                    "checkpoint {} is larger than the log ({size} events): events are missing",
                    cp.size
                )));
            }
            if self.root(cp.size)? != cp.root {
                return Err(LogError::Corrupt(format!(
                    "the events no longer hash to the signed checkpoint of size {} (signed {}): the log was changed after it was signed",
                    cp.size, cp.signed_at
                )));
            }
        }
        Ok(all.len())
    }
}

/// The note `base` with the signature line by key `name` taken from `other`.
fn merge_signatures(base: &str, other: &str, name: &str) -> String {
    let sigs = |n: &str| -> Vec<String> { n.rsplit_once("\n\n").map(|(_, s)| s.lines().map(str::to_owned).collect()).unwrap_or_default() };
    let prefix = format!("— {name} ");
    let Some(new) = sigs(other).into_iter().find(|l| l.starts_with(&prefix)) else { return base.to_owned() };
    let Some((text, _)) = base.rsplit_once("\n\n") else { return base.to_owned() };
    // The witness's newer cosignature replaces its older one.
    let mut lines: Vec<String> = sigs(base).into_iter().filter(|l| !l.starts_with(&prefix)).collect();
    lines.push(new);
    format!("{text}\n\n{}\n", lines.join("\n"))
}
