//! The document projector: keeps the read models in a [`ReadModelStore`] (Redis at scale) for
//! other processes to read.
//!
//! It folds the log into an in-memory [`ReadModel`] exactly as the embedded default does, and
//! after each batch writes the documents the batch touched, with the batch's position as the
//! new checkpoint, in one atomic commit under its lease. Layout of projection [`PROJECTION`]:
//!
//! | entry | kind | content |
//! |---|---|---|
//! | `decisions`, `hearings`, `accounts`, `units`, `catalogues` | hash | id (year) → view JSON |
//! | `comments` | hash | index (decimal) → comment JSON, `comments_len` document: the count |
//! | `decision_order` | list | decision ids in registration order |
//! | `history:<decision id>` | list | history entries JSON (the summary as data), in order |
//! | `consultation_decision`, `opinion_decision`, `signup_hearing` | hash | lookups |
//! | `account_signups` | hash | account id → JSON list of sign-up ids |
//! | `erased` | hash | erased account ids |
//! | `dashboard` | hash | decision id → its comments neither grouped nor hidden |
//! | change log | log | per commit, a [`Change`]: every document it wrote (for replicas) |
//!
//! Lists are appended to, so a batch must be applied exactly once on top of the checkpoint
//! its projector started from: the store refuses a stale position, the lease fences a paused
//! projector, and a projector that gets a new lease token compares the store's checkpoint
//! with its own before committing again (replaying the log up to the store's checkpoint when
//! they differ).

use std::sync::Arc;
use std::time::Duration;

use canyu_eventstore::{EventStore, RecordedEvent, StoreError};
use futures::StreamExt;

use std::collections::BTreeSet;

use crate::model::{Changes, ReadModel, Table};
use crate::store::{Commit, Lease, ReadModelStore, ReadStoreError, Write};

/// The name of the projection holding all read models.
pub const PROJECTION: &str = "read-models";

/// Events per commit at most.
pub const BATCH: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ProjectorError {
    #[error(transparent)]
    ReadStore(#[from] ReadStoreError),
    #[error("event store: {0}")]
    EventStore(#[from] StoreError),
    #[error("the lease was lost to another projector")]
    Fenced,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("read-model views serialise")
}

/// Change-log entries kept in the store (a replica further behind reloads the documents).
pub const LOG_KEEP: usize = 1_000;

/// One document write, as the change log carries it. List appends carry the index the value
/// lands at, so a replica can apply a change on top of documents that already hold it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DocWrite {
    Hash { key: String, field: String, value: String },
    Put { key: String, value: String },
    At { list: String, index: usize, value: String },
}

/// What one commit changed: the documents written, taking the read models from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub from: u64,
    pub to: u64,
    pub writes: Vec<DocWrite>,
}

fn hash(key: &str, field: impl ToString, value: String) -> DocWrite {
    DocWrite::Hash { key: key.into(), field: field.to_string(), value }
}

/// The document writes that bring the stored documents from before the tracked events to `m`:
/// exactly what the projectors' tables recorded as changed.
pub fn doc_writes(m: &ReadModel, c: &Changes) -> Vec<DocWrite> {
    fn table<V>(w: &mut Vec<DocWrite>, name: &str, keys: &BTreeSet<String>, t: &Table<String, V>, value: impl Fn(&V) -> String) {
        for key in keys {
            if let Some(v) = t.get(key) {
                w.push(hash(name, key, value(v)));
            }
        }
    }
    let mut w = Vec::new();
    table(&mut w, "units", &c.units, &m.units, json);
    table(&mut w, "accounts", &c.accounts, &m.accounts, json);
    for id in &c.erased {
        w.push(hash("erased", id, "1".into()));
    }
    for year in &c.catalogues {
        if let Some(v) = m.catalogues.get(year) {
            w.push(hash("catalogues", year, json(v)));
        }
    }
    for (i, id) in m.decision_order.iter().enumerate().skip(c.decision_order.appended_from) {
        w.push(DocWrite::At { list: "decision_order".into(), index: i, value: id.clone() });
    }
    table(&mut w, "decisions", &c.decisions, &m.decisions, |v| json(v.as_ref()));
    table(&mut w, "hearings", &c.hearings, &m.hearings, |v| json(v.as_ref()));
    table(&mut w, "consultation_decision", &c.consultation_decision, &m.consultation_decision, String::clone);
    table(&mut w, "opinion_decision", &c.opinion_decision, &m.opinion_decision, String::clone);
    table(&mut w, "signup_hearing", &c.signup_hearing, &m.signup_hearing, String::clone);
    table(&mut w, "account_signups", &c.account_signups, &m.account_signups, json);
    table(&mut w, "dashboard", &c.ungrouped, &m.ungrouped, u32::to_string);
    let from = c.comments.appended_from;
    for i in c.comments.changed.iter().copied().chain(from..m.comments.len()) {
        w.push(hash("comments", i, json(&m.comments[i])));
    }
    if m.comments.len() > from {
        w.push(DocWrite::Put { key: "comments_len".into(), value: m.comments.len().to_string() });
    }
    for (decision, from) in &c.histories {
        let entries = m.histories.get(decision).map_or(&[][..], Vec::as_slice);
        for (i, e) in entries.iter().enumerate().skip(*from) {
            w.push(DocWrite::At { list: format!("history:{decision}"), index: i, value: json(e) });
        }
    }
    w
}

/// The store writes of a change: its documents, and the change itself in the change log.
pub fn writes(change: Change) -> Vec<Write> {
    let log = Write::Log { value: json(&change), keep: LOG_KEEP };
    let mut out: Vec<Write> = change
        .writes
        .into_iter()
        .map(|w| match w {
            DocWrite::Hash { key, field, value } => Write::HashPut { key, field, value },
            DocWrite::Put { key, value } => Write::Put { key, value },
            DocWrite::At { list, value, .. } => Write::Push { list, value },
        })
        .collect();
    out.push(log);
    out
}

/// What a running projector reports (for `/healthz` and `/metrics` of `canyu project`).
#[derive(Debug, Default)]
pub struct ProjectorStatus {
    /// The position committed last.
    pub committed: std::sync::atomic::AtomicU64,
    /// Whether this projector holds the lease now.
    pub lease_held: std::sync::atomic::AtomicBool,
    /// Batches committed since start.
    pub commits: std::sync::atomic::AtomicU64,
}

/// One projector process's state: its lease, its in-memory fold, and the checkpoint that fold
/// was last committed at.
#[derive(Debug)]
pub struct DocumentProjector {
    store: Arc<dyn ReadModelStore>,
    owner: String,
    ttl: Duration,
    lease: Option<Lease>,
    model: ReadModel,
    /// The store checkpoint `model` corresponds to before any uncommitted batch.
    base: u64,
    /// An applied but not yet committed batch: its writes and position.
    pending: Option<(Vec<Write>, Vec<String>, u64)>,
    status: Arc<ProjectorStatus>,
}

impl DocumentProjector {
    pub fn new(store: Arc<dyn ReadModelStore>, owner: &str, ttl: Duration) -> Self {
        DocumentProjector {
            store,
            owner: owner.to_string(),
            ttl,
            lease: None,
            model: ReadModel::default(),
            base: 0,
            pending: None,
            status: Arc::default(),
        }
    }

    /// Live figures of this projector, shareable with an HTTP handler.
    pub fn status(&self) -> Arc<ProjectorStatus> {
        self.status.clone()
    }

    /// The in-memory fold (tests compare it with the stored documents).
    pub fn model(&self) -> &ReadModel {
        &self.model
    }

    /// The position committed last.
    pub fn committed(&self) -> u64 {
        self.base
    }

    /// Takes or renews the lease. Ok(false) while another projector holds it. With a new token,
    /// lines the fold up with the store's checkpoint before anything is committed.
    pub async fn ensure_lease(&mut self, events: &dyn EventStore) -> Result<bool, ProjectorError> {
        let Some(lease) = self.store.acquire_lease(PROJECTION, &self.owner, self.ttl).await? else {
            self.lease = None;
            self.status.lease_held.store(false, std::sync::atomic::Ordering::Relaxed);
            return Ok(false);
        };
        self.status.lease_held.store(true, std::sync::atomic::Ordering::Relaxed);
        let renewed = self.lease.as_ref().is_some_and(|l| l.token == lease.token);
        self.lease = Some(lease);
        if !renewed {
            let checkpoint = self.store.checkpoint(PROJECTION).await?;
            if checkpoint != self.base || self.model.position < checkpoint {
                self.pending = None;
                if self.model.position > checkpoint {
                    tracing::info!(checkpoint, at = self.model.position, "another projector committed meanwhile: refolding from 0");
                    self.model = ReadModel::default();
                }
                self.fold_to(events, checkpoint).await?;
                self.base = checkpoint;
                self.status.committed.store(checkpoint, std::sync::atomic::Ordering::Relaxed);
            }
        }
        Ok(true)
    }

    /// Applies the log to the fold, without writing, up to `position`.
    async fn fold_to(&mut self, events: &dyn EventStore, position: u64) -> Result<(), ProjectorError> {
        while self.model.position < position {
            let page = events.read_all(self.model.position, crate::runner::PAGE).await?;
            if page.is_empty() {
                break;
            }
            self.model.apply_all(page.iter().filter(|e| e.position <= position));
        }
        Ok(())
    }

    /// Applies `batch` to the fold and commits the documents it touched. Retries while the
    /// store is unavailable (up to `patience`), keeping the batch; `Fenced` when the lease is
    /// lost (the caller re-acquires it, which lines the fold up again).
    pub async fn commit_batch(
        &mut self,
        events: &dyn EventStore,
        batch: &[RecordedEvent],
        patience: Duration,
    ) -> Result<(), ProjectorError> {
        if self.pending.is_none() {
            self.model.begin_tracking();
            self.model.apply_all(batch);
            let changes = self.model.take_changes();
            if self.model.position <= self.base {
                return Ok(());
            }
            // Hints name every decision whose history grew (what subscriptions follow).
            let streams: Vec<String> = changes.histories.keys().map(|k| k.to_string()).collect();
            let change = Change { from: self.base, to: self.model.position, writes: doc_writes(&self.model, &changes) };
            self.pending = Some((writes(change), streams, self.model.position));
        }
        self.flush(events, patience).await
    }

    /// Commits the pending batch, if any.
    async fn flush(&mut self, events: &dyn EventStore, patience: Duration) -> Result<(), ProjectorError> {
        let deadline = tokio::time::Instant::now() + patience;
        let mut pause = Duration::from_millis(50);
        while let Some((writes, streams, position)) = &self.pending {
            let Some(lease) = &self.lease else { return Err(ProjectorError::Fenced) };
            match self.store.commit(PROJECTION, lease.token, *position, writes, streams).await {
                Ok(Commit::Applied) => {
                    self.base = *position;
                    self.pending = None;
                    self.status.committed.store(self.base, std::sync::atomic::Ordering::Relaxed);
                    self.status.commits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                Ok(Commit::Fenced | Commit::Stale { .. }) => {
                    self.lease = None;
                    self.status.lease_held.store(false, std::sync::atomic::Ordering::Relaxed);
                    return Err(ProjectorError::Fenced);
                }
                Err(e) if tokio::time::Instant::now() >= deadline => return Err(e.into()),
                Err(e) => {
                    tracing::warn!(%e, "read-model store unavailable; retrying the batch");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(1));
                    // The lease may have lapsed while the store was away: re-take it (which
                    // drops the batch if someone else committed meanwhile).
                    match self.ensure_lease(events).await {
                        Ok(true) => {}
                        Ok(false) => return Err(ProjectorError::Fenced),
                        Err(_) => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// Projects until the log's head at the time of the call (tests, `canyu rebuild`).
    pub async fn catch_up(&mut self, events: &dyn EventStore) -> Result<u64, ProjectorError> {
        self.catch_up_with(events, |_, _| {}).await
    }

    /// [`DocumentProjector::catch_up`] with `progress(position, head)` after each batch.
    pub async fn catch_up_with(&mut self, events: &dyn EventStore, mut progress: impl FnMut(u64, u64)) -> Result<u64, ProjectorError> {
        if !self.ensure_lease(events).await? {
            return Err(ProjectorError::Fenced);
        }
        let head = events.head().await?;
        while self.model.position < head {
            let page = events.read_all(self.model.position, BATCH).await?;
            if page.is_empty() {
                break;
            }
            self.commit_batch(events, &page, Duration::from_secs(30)).await?;
            progress(self.base, head);
            if !self.ensure_lease(events).await? {
                return Err(ProjectorError::Fenced);
            }
        }
        Ok(self.base)
    }

    /// Follows the log forever: waits for the lease, lines up with the store, commits batch
    /// after batch and renews the lease every third of its time. Store outages and lost
    /// leases are waited out; nothing is skipped or committed twice.
    pub async fn run(&mut self, events: Arc<dyn EventStore>) {
        loop {
            match self.ensure_lease(events.as_ref()).await {
                Ok(true) => {}
                Ok(false) => {
                    tokio::time::sleep(self.ttl / 3).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(%e, "projector: cannot take the lease");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            }
            if let Err(e) = self.flush(events.as_ref(), self.ttl / 2).await {
                tracing::warn!(%e, "projector: pending batch not committed");
                continue;
            }
            let mut sub = events.subscribe_all(self.model.position).ready_chunks(BATCH);
            let mut renew = tokio::time::interval(self.ttl / 3);
            renew.tick().await;
            loop {
                tokio::select! {
                    _ = renew.tick() => match self.ensure_lease(events.as_ref()).await {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => tracing::warn!(%e, "projector: lease renewal failed"),
                    },
                    chunk = sub.next() => {
                        let Some(chunk) = chunk else { break };
                        let failed = chunk.iter().any(Result::is_err);
                        let batch: Vec<RecordedEvent> = chunk.into_iter().map_while(Result::ok).collect();
                        if let Err(e) = self.commit_batch(events.as_ref(), &batch, self.ttl / 2).await {
                            tracing::warn!(%e, "projector: batch not committed");
                            break;
                        }
                        if failed {
                            break;
                        }
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clears the projection in the store and folds from 0 (`canyu rebuild`). Needs the lease.
    pub async fn rebuild(&mut self, events: &dyn EventStore, progress: impl FnMut(u64, u64)) -> Result<u64, ProjectorError> {
        if !self.ensure_lease(events).await? {
            return Err(ProjectorError::Fenced);
        }
        self.store.clear(PROJECTION).await?;
        self.model = ReadModel::default();
        self.base = 0;
        self.pending = None;
        self.catch_up_with(events, progress).await
    }

    /// Gives the lease up (a clean shutdown lets a standby take over at once).
    pub async fn release(&mut self) {
        self.status.lease_held.store(false, std::sync::atomic::Ordering::Relaxed);
        if let Some(l) = self.lease.take() {
            let _ = self.store.release_lease(PROJECTION, &l).await;
        }
    }
}
