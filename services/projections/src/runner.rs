//! The checkpointed runner: applies `$all` to the in-memory read models, in batches, each
//! batch and its checkpoint under one write lock (atomic for readers).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use canyu_eventstore::{EventStore, StoreError};
use futures::StreamExt;
use tokio::sync::watch;

use crate::model::ReadModel;

/// Events read per page when catching up.
pub const PAGE: usize = 2000;

/// The read models of this process and the position they have reached.
pub struct Projections {
    model: RwLock<ReadModel>,
    position: watch::Sender<u64>,
    /// When the last batch was applied (milliseconds since the Unix epoch).
    applied_at_ms: std::sync::atomic::AtomicI64,
    /// A replica of stored read models: when it last confirmed it matches the store.
    synced_at_ms: std::sync::atomic::AtomicI64,
}

impl std::fmt::Debug for Projections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projections").field("position", &*self.position.borrow()).finish()
    }
}

impl Default for Projections {
    fn default() -> Self {
        Projections {
            model: RwLock::new(ReadModel::default()),
            position: watch::channel(0).0,
            applied_at_ms: Default::default(),
            synced_at_ms: Default::default(),
        }
    }
}

impl Projections {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Runs `f` with shared access to the read models. Keep `f` short: it blocks the projector.
    pub fn read<R>(&self, f: impl FnOnce(&ReadModel) -> R) -> R {
        f(&self.model.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// A copy of the whole read model (tests and the rebuild check).
    pub fn snapshot(&self) -> ReadModel {
        self.read(Clone::clone)
    }

    /// The global position the read models reflect.
    pub fn position(&self) -> u64 {
        *self.position.borrow()
    }

    /// Notified whenever the position advances.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.position.subscribe()
    }

    /// Applies a batch of events (already in global order) and publishes the new checkpoint.
    pub fn apply_batch(&self, events: &[canyu_eventstore::RecordedEvent]) {
        let position = {
            let mut m = self.model.write().unwrap_or_else(|p| p.into_inner());
            m.apply_all(events);
            m.position
        };
        self.applied_at_ms.store(chrono::Utc::now().timestamp_millis(), std::sync::atomic::Ordering::Relaxed);
        self.position.send_if_modified(|p| {
            let moved = position > *p;
            *p = position.max(*p);
            moved
        });
    }

    /// Swaps in a whole read model (a replica's reload or catch-up) and publishes its position.
    pub fn replace(&self, model: ReadModel) {
        let position = model.position;
        *self.model.write().unwrap_or_else(|p| p.into_inner()) = model;
        let now = chrono::Utc::now().timestamp_millis();
        self.applied_at_ms.store(now, std::sync::atomic::Ordering::Relaxed);
        self.synced_at_ms.store(now, std::sync::atomic::Ordering::Relaxed);
        self.position.send_replace(position);
    }

    /// Runs `f` with exclusive access to the read models (a replica applying changes).
    pub(crate) fn write<R>(&self, f: impl FnOnce(&mut ReadModel) -> R) -> R {
        f(&mut self.model.write().unwrap_or_else(|p| p.into_inner()))
    }

    /// Publishes a new position to waiters (read-your-writes, subscriptions).
    pub(crate) fn publish(&self, position: u64) {
        self.applied_at_ms.store(chrono::Utc::now().timestamp_millis(), std::sync::atomic::Ordering::Relaxed);
        self.position.send_if_modified(|p| {
            let moved = position > *p;
            *p = position.max(*p);
            moved
        });
    }

    /// Records that a replica matches its store now.
    pub fn mark_synced(&self) {
        self.synced_at_ms.store(chrono::Utc::now().timestamp_millis(), std::sync::atomic::Ordering::Relaxed);
    }

    /// Time since a replica last matched its store (zero before `follow` ever synced is not
    /// possible: it starts at the epoch, i.e. "very stale").
    pub fn sync_age(&self) -> Duration {
        let ms = chrono::Utc::now().timestamp_millis() - self.synced_at_ms.load(std::sync::atomic::Ordering::Relaxed);
        Duration::from_millis(ms.max(0) as u64)
    }

    /// Time since the projector last applied a batch.
    pub fn last_applied_age(&self) -> Duration {
        let ms = chrono::Utc::now().timestamp_millis() - self.applied_at_ms.load(std::sync::atomic::Ordering::Relaxed);
        Duration::from_millis(ms.max(0) as u64)
    }

    /// Waits until the read models reach `position`; false on timeout.
    pub async fn wait_for(&self, position: u64, timeout: Duration) -> bool {
        let mut rx = self.watch();
        tokio::time::timeout(timeout, rx.wait_for(|p| *p >= position)).await.is_ok_and(|r| r.is_ok())
    }

    /// Reads everything up to the store's current head; calls `progress(position, head)` per
    /// page. Returns the number of events applied. Reading the next page (on the store's
    /// threads) overlaps with applying the current one.
    pub async fn catch_up(&self, store: &dyn EventStore, mut progress: impl FnMut(u64, u64)) -> Result<u64, StoreError> {
        let head = store.head().await?;
        let remaining = head.saturating_sub(self.position());
        if remaining > 10_000 {
            self.model.write().unwrap_or_else(|p| p.into_inner()).reserve_for(remaining as usize);
        }
        let (tx, mut rx) = tokio::sync::mpsc::channel(2);
        let reader = async move {
            let mut from = self.position();
            while from < head {
                let page = store.read_all(from, PAGE).await?;
                let Some(last) = page.last() else { break };
                from = last.position;
                if tx.send(page).await.is_err() {
                    break;
                }
            }
            Ok::<(), StoreError>(())
        };
        let applier = async {
            let mut applied = 0u64;
            while let Some(page) = rx.recv().await {
                applied += page.len() as u64;
                self.apply_batch(&page);
                progress(self.position(), head);
            }
            applied
        };
        let (read, applied) = futures::join!(reader, applier);
        read?;
        Ok(applied)
    }

    /// Follows the store from the current checkpoint, forever; on a store error, waits and
    /// resubscribes from the checkpoint (nothing is skipped or applied twice).
    pub async fn run(self: Arc<Self>, store: Arc<dyn EventStore>) {
        loop {
            let mut events = store.subscribe_all(self.position()).ready_chunks(PAGE);
            while let Some(chunk) = events.next().await {
                let mut batch = Vec::with_capacity(chunk.len());
                let mut failed = None;
                for e in chunk {
                    match e {
                        Ok(e) => batch.push(e),
                        Err(err) => {
                            failed = Some(err);
                            break;
                        }
                    }
                }
                self.apply_batch(&batch);
                if let Some(err) = failed {
                    tracing::warn!(%err, "projection subscription failed; resubscribing");
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
