//! Idempotency for every mutation: a signed-in caller may send a key with any mutation; a
//! retry with the same key and the same input returns the first result, a different input
//! under a used key is refused (`REJECTED`, reason `IDEMPOTENCY_KEY_REUSED`).
//!
//! The record is the write itself: the events of a keyed command carry
//! `metadata.idempotency_key = "<key>\u{1f}<request fingerprint>"` and the actor's account, so
//! the effect and its record commit atomically (a crash cannot separate them). This process
//! keeps an index `(account, key) → (fingerprint, result)`, read from the log (all of it on the
//! first keyed mutation, then the log's new tail before each keyed mutation, so writes of other
//! processes are seen) and by every keyed command it runs; one lock per `(account, key)`
//! serialises concurrent retries in this process, and a [`KeyClaims`] (Redis, when several
//! processes serve one platform) serialises them across processes. See
//! docs/adr/0009-idempotency.md.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use canyu_domain::Event;
use canyu_eventstore::{EventStore, RecordedEvent};

use crate::{AppError, AppResult, Written, decode};

/// Separates the client's key from the request fingerprint in the stored metadata.
pub const SEPARATOR: char = '\u{1f}';

/// Longest accepted key, in characters.
pub const MAX_KEY_CHARS: usize = 100;

/// Checks a client's key: 1 to 100 printable characters, no separator or control characters.
pub fn check_key(key: &str) -> AppResult<()> {
    let n = key.chars().count();
    if n == 0 || n > MAX_KEY_CHARS || key.chars().any(char::is_control) {
        return Err(AppError::invalid("idempotencyKey", "must be 1 to 100 printable characters"));
    }
    Ok(())
}

/// The stored form of a key with its request fingerprint.
pub fn stored(key: &str, fingerprint: &str) -> String {
    format!("{key}{SEPARATOR}{fingerprint}")
}

/// Splits a stored key into (key, fingerprint).
pub fn parse_stored(s: &str) -> (&str, &str) {
    s.split_once(SEPARATOR).unwrap_or((s, ""))
}

type Key = (String, String);

#[derive(Debug, Clone)]
struct Record {
    fingerprint: String,
    written: Written,
}

/// The in-process index of keyed results and the per-key locks.
#[derive(Default)]
pub struct Index {
    /// The log position the index has read up to (serialised: one reader at a time).
    read_up_to: tokio::sync::Mutex<u64>,
    records: Mutex<HashMap<Key, Record>>,
    locks: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

/// Exclusive right, across processes, to run one keyed request; dropped (or released) when
/// done. Claims expire by themselves, so a crashed holder blocks its key only for a while.
#[async_trait::async_trait]
pub trait KeyClaims: Send + Sync {
    /// Waits (bounded) for the claim of `(account, key)`; `Unavailable` when it cannot be had.
    async fn claim(&self, account: &str, key: &str) -> AppResult<Box<dyn ClaimGuard>>;
}

/// A held claim.
#[async_trait::async_trait]
pub trait ClaimGuard: Send {
    async fn release(self: Box<Self>);
}

/// What a keyed request finds before it runs.
pub enum Prior {
    /// No earlier request with this key: run it (the guard holds the key's lock).
    None,
    /// The same request already ran: return its result.
    Same(Written),
}

/// The id a command's result names, from its first event (see `App` handlers' `Written.id`).
pub fn result_id(e: &Event) -> String {
    use Event::*;
    match e {
        UnitRegistered(e) => e.unit_id.clone(),
        AccountRegistered(e) => e.account_id.clone(),
        RoleGranted(e) => e.account_id.clone(),
        AccountErased(e) => e.account_id.clone(),
        CataloguePublished(e) => e.year.to_string(),
        ConsultationOpened(e) => e.consultation_id.clone(),
        ConsultationClosed(e) => e.consultation_id.clone(),
        ParticipationActivityRecorded(e) => e.activity_id.clone(),
        OpinionConsolidated(e) => e.opinion_id.clone(),
        AdoptionDecided(e) => e.opinion_id.clone(),
        CommentSubmitted(e) => e.comment_id.clone(),
        CommentHidden(e) => e.comment_id.clone(),
        HearingSignupSubmitted(e) => e.signup_id.clone(),
        HearingSignupWithdrawn(e) => e.signup_id.clone(),
        HearingSignupPromoted(e) => e.signup_id.clone(),
        HearingScheduled(e) => e.hearing_id.clone(),
        HearingParticipantsDrawn(e) => e.hearing_id.clone(),
        HearingParticipantsPublished(e) => e.hearing_id.clone(),
        HearingHeld(e) => e.hearing_id.clone(),
        other => other.decision_id().unwrap_or_default().to_string(),
    }
}

impl Index {
    /// Reads the log from where the index stopped to its end.
    async fn load(&self, store: &dyn EventStore) -> AppResult<()> {
        let mut after = self.read_up_to.lock().await;
        loop {
            let page = store.read_all(*after, 2000).await?;
            let mut found: HashMap<Key, Record> = HashMap::new();
            for e in &page {
                Self::absorb(&mut found, e)?;
            }
            {
                let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
                for (k, r) in found {
                    match records.get_mut(&k) {
                        Some(old) if old.fingerprint == r.fingerprint => {
                            old.written.position = old.written.position.max(r.written.position)
                        }
                        Some(_) => {}
                        None => {
                            records.insert(k, r);
                        }
                    }
                }
            }
            match page.last() {
                Some(last) => *after = last.position,
                None => return Ok(()),
            }
            if page.len() < 2000 {
                return Ok(());
            }
        }
    }

    fn absorb(found: &mut HashMap<Key, Record>, e: &RecordedEvent) -> AppResult<()> {
        let (Some(stored), Some(account)) = (&e.metadata.idempotency_key, &e.metadata.actor.account_id) else { return Ok(()) };
        let (key, fingerprint) = parse_stored(stored);
        let k = (account.clone(), key.to_string());
        match found.get_mut(&k) {
            // A later event of the same append: the result's position is its last event's.
            Some(r) if r.fingerprint == fingerprint => r.written.position = r.written.position.max(e.position),
            Some(_) => {}
            None => {
                let Some(ev) = decode(e)? else { return Ok(()) };
                found.insert(
                    k,
                    Record { fingerprint: fingerprint.to_string(), written: Written { position: e.position, id: result_id(&ev) } },
                );
            }
        }
        Ok(())
    }

    /// The lock of one key; hold it while checking and running the request.
    pub fn lock(&self, account: &str, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        if locks.len() > 10_000 {
            locks.retain(|_, l| Arc::strong_count(l) > 1);
        }
        locks.entry((account.to_string(), key.to_string())).or_default().clone()
    }

    /// Checks for an earlier request with this key (call with the key's lock held).
    pub async fn prior(&self, store: &dyn EventStore, account: &str, key: &str, fingerprint: &str) -> AppResult<Prior> {
        self.load(store).await?;
        let records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        match records.get(&(account.to_string(), key.to_string())) {
            None => Ok(Prior::None),
            Some(r) if r.fingerprint == fingerprint => Ok(Prior::Same(r.written.clone())),
            Some(_) => Err(AppError::IdempotencyKeyReused),
        }
    }

    /// Remembers a completed keyed request.
    pub fn remember(&self, account: &str, key: &str, fingerprint: &str, written: &Written) {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((account.to_string(), key.to_string()), Record { fingerprint: fingerprint.to_string(), written: written.clone() });
    }
}
