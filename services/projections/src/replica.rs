//! A gateway's replica of the read models kept in a read-model store (Redis at scale).
//!
//! The gateway does not fold the log: it loads the documents the projector wrote, then
//! applies the projector's change log (each entry: every document one commit wrote, from one
//! checkpoint to the next). Redis pub/sub hints wake it at once; without a hint it still polls
//! the checkpoint every [`POLL`], so a lost hint delays an update by at most that, and never
//! loses it. A gap in the log (trimmed, or the store was cleared or lost its data) makes it
//! reload the documents. Queries read the replica through [`Projections`]; while the store
//! cannot be reached the replica reports its age and the gateway answers `UNAVAILABLE`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;

use crate::documents::{Change, DocWrite, PROJECTION};
use crate::model::*;
use crate::runner::Projections;
use crate::store::{ReadModelStore, ReadStoreError};

/// How often the replica checks the store without a hint.
pub const POLL: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error(transparent)]
    Store(#[from] ReadStoreError),
    #[error("malformed stored document {0}: {1}")]
    Malformed(String, String),
    #[error("the change log has a gap at position {0}")]
    Gap(u64),
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, value: &str) -> Result<T, ReplicaError> {
    serde_json::from_str(value).map_err(|e| ReplicaError::Malformed(what.to_string(), e.to_string()))
}

/// Event kinds as `&'static str` (a history entry's `kind`): each distinct name is leaked
/// once; there are a few dozen.
fn static_kind(kind: &str) -> &'static str {
    static KINDS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut kinds = KINDS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(k) = kinds.get(kind) {
        return k;
    }
    let k: &'static str = Box::leak(kind.to_string().into_boxed_str());
    kinds.insert(k);
    k
}

#[derive(serde::Deserialize)]
struct HistoryDoc {
    position: u64,
    at: DateTime<Utc>,
    kind: String,
    summary: Summary,
    actor: String,
    subject_id: Option<String>,
}

fn past_the_end(list: &str, index: usize, len: usize) -> ReplicaError {
    ReplicaError::Malformed(list.to_string(), format!("index {index} past the end {len}"))
}

impl ReadModel {
    /// Applies one stored document write (idempotent: writing what is already there is a no-op).
    pub fn apply_doc(&mut self, w: &DocWrite) -> Result<(), ReplicaError> {
        match w {
            DocWrite::Put { .. } => {} // `comments_len`: derived from the comments themselves.
            DocWrite::Hash { key, field, value } => match key.as_str() {
                "units" => {
                    self.units.insert(field.clone(), parse(key, value)?);
                }
                "accounts" => {
                    self.accounts.insert(field.clone(), parse(key, value)?);
                }
                "erased" => {
                    self.erased_accounts.insert(field.clone(), ());
                }
                "dashboard" => {
                    let n = value.parse().map_err(|_| ReplicaError::Malformed(key.clone(), value.clone()))?;
                    self.ungrouped.insert(field.clone(), n);
                }
                "catalogues" => {
                    let year = field.parse().map_err(|_| ReplicaError::Malformed(key.clone(), field.clone()))?;
                    self.catalogues.insert(year, parse(key, value)?);
                }
                "decisions" => {
                    self.decisions.insert(field.clone(), Arc::new(parse(key, value)?));
                }
                "hearings" => {
                    self.hearings.insert(field.clone(), Arc::new(parse(key, value)?));
                }
                "consultation_decision" => {
                    self.consultation_decision.insert(field.clone(), value.clone());
                }
                "opinion_decision" => {
                    self.opinion_decision.insert(field.clone(), value.clone());
                }
                "signup_hearing" => {
                    self.signup_hearing.insert(field.clone(), value.clone());
                }
                "account_signups" => {
                    self.account_signups.insert(field.clone(), parse(key, value)?);
                }
                "comments" => {
                    let index: usize = field.parse().map_err(|_| ReplicaError::Malformed(key.clone(), field.clone()))?;
                    let c: CommentView = parse(key, value)?;
                    let c = CommentView {
                        decision_id: self.intern(&c.decision_id),
                        consultation_id: self.intern(&c.consultation_id),
                        account_id: self.intern(&c.account_id),
                        clause_id: c.clause_id.as_deref().map(|x| self.intern(x)),
                        opinion_id: c.opinion_id.as_deref().map(|x| self.intern(x)),
                        ..c
                    };
                    let (id, consultation, account) = (c.id.clone(), c.consultation_id.clone(), c.account_id.clone());
                    let appended = index == self.comments.len();
                    if !self.comments.put(index, c) {
                        return Err(past_the_end("comments", index, self.comments.len()));
                    }
                    if appended {
                        self.comment_index.insert(id, index as u32);
                        self.consultation_comments.entry(consultation).or_default().push(index as u32);
                        self.account_comments.entry(account).or_default().push(index as u32);
                    }
                }
                other => return Err(ReplicaError::Malformed(other.to_string(), "unknown hash".into())),
            },
            DocWrite::At { list, index, value } => {
                if list == "decision_order" {
                    if !self.decision_order.put(*index, value.clone()) {
                        return Err(past_the_end(list, *index, self.decision_order.len()));
                    }
                } else if let Some(decision) = list.strip_prefix("history:") {
                    let h: HistoryDoc = parse(list, value)?;
                    let entry = HistoryEntry {
                        position: h.position,
                        at: h.at,
                        kind: static_kind(&h.kind),
                        summary: self.intern_summary(h.summary),
                        actor: self.intern(&h.actor),
                        subject_id: h.subject_id.as_deref().map(Arc::from),
                    };
                    let key = self.intern(decision);
                    let len = self.histories.get(&key).map_or(0, Vec::len);
                    if !self.histories.put(key, *index, entry) {
                        return Err(past_the_end(list, *index, len));
                    }
                } else {
                    return Err(ReplicaError::Malformed(list.clone(), "unknown list".into()));
                }
            }
        }
        Ok(())
    }

    /// Applies one change-log entry on top of this replica.
    pub fn apply_change(&mut self, change: &Change) -> Result<(), ReplicaError> {
        for w in &change.writes {
            self.apply_doc(w)?;
        }
        self.position = self.position.max(change.to);
        Ok(())
    }
}

/// Loads every stored document into a fresh replica, then the change log written meanwhile.
pub async fn load(store: &dyn ReadModelStore) -> Result<ReadModel, ReplicaError> {
    let p = PROJECTION;
    let checkpoint = store.checkpoint(p).await?;
    let mut m = ReadModel::default();
    for key in [
        "units",
        "accounts",
        "erased",
        "dashboard",
        "catalogues",
        "decisions",
        "hearings",
        "consultation_decision",
        "opinion_decision",
        "signup_hearing",
        "account_signups",
    ] {
        for (field, value) in store.hash_all(p, key).await? {
            m.apply_doc(&DocWrite::Hash { key: key.into(), field, value })?;
        }
    }
    let mut comments: Vec<(usize, String)> = Vec::new();
    for (field, value) in store.hash_all(p, "comments").await? {
        comments.push((field.parse().map_err(|_| ReplicaError::Malformed("comments".into(), field))?, value));
    }
    comments.sort_unstable_by_key(|(i, _)| *i);
    m.reserve_for(comments.len());
    for (index, value) in comments {
        m.apply_doc(&DocWrite::Hash { key: "comments".into(), field: index.to_string(), value })?;
    }
    let order = store.range(p, "decision_order", 0, usize::MAX / 4).await?;
    for (index, id) in order.iter().enumerate() {
        m.apply_doc(&DocWrite::At { list: "decision_order".into(), index, value: id.clone() })?;
        let list = format!("history:{id}");
        for (index, value) in store.range(p, &list, 0, usize::MAX / 4).await?.into_iter().enumerate() {
            m.apply_doc(&DocWrite::At { list: list.clone(), index, value })?;
        }
    }
    m.position = checkpoint;
    // Documents read after `checkpoint` may be newer: replaying the log from there brings
    // every one of them to the same, latest commit.
    follow_log(store, &mut m).await?;
    Ok(m)
}

/// The next page of change-log entries after `position` (empty: none yet).
async fn next_changes(store: &dyn ReadModelStore, position: u64) -> Result<Vec<Change>, ReplicaError> {
    let entries = store.log_after(PROJECTION, position, 200).await?;
    entries.iter().map(|(_, v)| parse::<Change>("change log", v)).collect()
}

impl ReadModel {
    /// Applies consecutive changes; `Gap` when one starts past this model's position.
    fn apply_changes(&mut self, changes: &[Change]) -> Result<(), ReplicaError> {
        for c in changes {
            if c.from > self.position {
                return Err(ReplicaError::Gap(self.position));
            }
            self.apply_change(c)?;
        }
        Ok(())
    }
}

/// Applies the change-log entries after `m.position`.
async fn follow_log(store: &dyn ReadModelStore, m: &mut ReadModel) -> Result<(), ReplicaError> {
    loop {
        let changes = next_changes(store, m.position).await?;
        if changes.is_empty() {
            return Ok(());
        }
        m.apply_changes(&changes)?;
    }
}

impl Projections {
    /// Brings the replica up to the store: applies the change log, or reloads everything when
    /// the log has a gap or the store went back (cleared, restored). Returns whether it moved.
    pub async fn sync_from(&self, store: &dyn ReadModelStore) -> Result<bool, ReplicaError> {
        let checkpoint = store.checkpoint(PROJECTION).await?;
        let position = self.position();
        if checkpoint == position {
            self.mark_synced();
            return Ok(false);
        }
        if checkpoint > position {
            match self.apply_log(store).await {
                Ok(()) if self.position() >= checkpoint => {
                    self.mark_synced();
                    return Ok(true);
                }
                Ok(()) | Err(ReplicaError::Gap(_)) | Err(ReplicaError::Malformed(..)) => {}
                Err(e) => return Err(e),
            }
        }
        tracing::info!(checkpoint, position, "read-model replica reloads from the store");
        let m = load(store).await?;
        self.replace(m);
        Ok(true)
    }

    /// Applies the change-log entries after the replica's position, page by page, each page
    /// under the write lock (no copy of the read models).
    async fn apply_log(&self, store: &dyn ReadModelStore) -> Result<(), ReplicaError> {
        loop {
            let changes = next_changes(store, self.position()).await?;
            if changes.is_empty() {
                return Ok(());
            }
            let position = self.write(|m| m.apply_changes(&changes).map(|()| m.position))?;
            self.publish(position);
        }
    }

    /// Follows the store forever: a hint or [`POLL`] triggers a sync; errors are logged and
    /// retried (the replica's age tells the gateway whether it may still answer).
    pub async fn follow(self: Arc<Self>, store: Arc<dyn ReadModelStore>) {
        loop {
            let mut hints = match store.hints(PROJECTION).await {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::warn!(%e, "read-model hints unavailable; polling");
                    None
                }
            };
            loop {
                if let Err(e) = self.sync_from(store.as_ref()).await {
                    tracing::warn!(%e, "read-model replica cannot sync");
                    tokio::time::sleep(POLL).await;
                    break;
                }
                match hints.as_mut() {
                    Some(h) => match tokio::time::timeout(POLL, h.next()).await {
                        Ok(Some(_)) | Err(_) => {}
                        Ok(None) => break, // the hint connection ended: subscribe again
                    },
                    None => {
                        tokio::time::sleep(POLL).await;
                        break;
                    }
                }
            }
        }
    }
}
