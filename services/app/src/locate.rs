//! Where a child entity lives: the write side's own index of which decision a consultation or
//! an opinion belongs to, and which hearing a sign-up belongs to, folded from the event log.
//!
//! A command that names a child (`closeConsultation`, `decideAdoption`, `submitComment`,
//! `withdrawHearingSignup`) must find its aggregate's stream without asking a read model, whose
//! freshness differs between gateway replicas. Parents never change, so an entry, once seen in
//! the log, is right forever: a hit costs a map lookup. A miss reads the log's new tail (one
//! query when nothing is new) before it answers "not found", so a child created a moment ago by
//! another process is found too. See docs/adr/0011-write-side-locator.md.

use std::collections::HashMap;
use std::sync::RwLock;

use canyu_eventstore::EventStore;
use serde::Deserialize;

use crate::AppResult;

/// Events read per page when catching up.
const PAGE: usize = 2000;

/// The kinds of children the write side looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Child {
    /// A consultation, in its decision's stream.
    Consultation,
    /// A grouped opinion, in its decision's stream.
    Opinion,
    /// A hearing sign-up, in its hearing's stream.
    Signup,
}

/// The stored events that create a child, and the fields naming the child and its parent.
const CREATORS: &[(&str, Child)] = &[
    ("decision.consultation_opened.v1", Child::Consultation),
    ("decision.opinion_consolidated.v1", Child::Opinion),
    ("hearing.signup_submitted.v1", Child::Signup),
];

#[derive(Deserialize)]
struct Ids {
    decision_id: Option<String>,
    hearing_id: Option<String>,
    consultation_id: Option<String>,
    opinion_id: Option<String>,
    signup_id: Option<String>,
}

/// The index: child → parent id (a decision or hearing id), staff display names, and how far
/// the log was read.
#[derive(Debug, Default)]
pub struct Locator {
    read_up_to: tokio::sync::Mutex<u64>,
    parents: RwLock<HashMap<(Child, String), String>>,
    names: RwLock<Names>,
}

/// Display names by account (their comparison key) and how many staff members (unit staff,
/// admins) bear each key: a resident may not register a staff member's name (issue 10).
#[derive(Debug, Default)]
struct Names {
    accounts: HashMap<String, (String, bool)>,
    staff: HashMap<String, usize>,
}

/// The fields of the account events the name index reads.
#[derive(Deserialize)]
struct AccountFields {
    account_id: String,
    display_name: Option<String>,
    role: Option<String>,
}

impl Names {
    fn set_staff(&mut self, account: &str, staff: bool) {
        let Some((key, was)) = self.accounts.get_mut(account) else { return };
        if *was == staff {
            return;
        }
        *was = staff;
        let key = key.clone();
        self.count(&key, staff);
    }

    fn count(&mut self, key: &str, add: bool) {
        let n = self.staff.entry(key.to_string()).or_default();
        *n = if add { *n + 1 } else { n.saturating_sub(1) };
        if *n == 0 {
            self.staff.remove(key);
        }
    }

    fn apply(&mut self, event_type: &str, f: AccountFields) {
        match event_type {
            "account.registered.v1" => {
                let key = canyu_domain::values::display_name_key(f.display_name.as_deref().unwrap_or(""));
                let staff = f.role.as_deref().is_some_and(|r| r != "RESIDENT");
                if staff {
                    self.count(&key, true);
                }
                self.accounts.insert(f.account_id, (key, staff));
            }
            "account.role_granted.v1" => self.set_staff(&f.account_id, f.role.as_deref().is_some_and(|r| r != "RESIDENT")),
            "account.erased.v1" => {
                self.set_staff(&f.account_id, false);
                self.accounts.remove(&f.account_id);
            }
            _ => {}
        }
    }
}

/// The account events the name index reads.
const ACCOUNT_EVENTS: &[&str] = &["account.registered.v1", "account.role_granted.v1", "account.erased.v1"];

impl Locator {
    /// The parent id of `child`, reading the log's new tail when it is not known yet;
    /// `None` when the log has no such child.
    pub async fn parent(&self, store: &dyn EventStore, kind: Child, id: &str) -> AppResult<Option<String>> {
        if let Some(p) = self.known(kind, id) {
            return Ok(Some(p));
        }
        self.catch_up(store).await?;
        Ok(self.known(kind, id))
    }

    /// Whether a staff member (unit staff or admin) now bears a display name of this key
    /// ([`canyu_domain::values::DisplayName::key`]), reading the log's new tail first.
    pub async fn staff_name_taken(&self, store: &dyn EventStore, key: &str) -> AppResult<bool> {
        self.catch_up(store).await?;
        Ok(self.names.read().unwrap_or_else(|p| p.into_inner()).staff.contains_key(key))
    }

    fn known(&self, kind: Child, id: &str) -> Option<String> {
        self.parents.read().unwrap_or_else(|p| p.into_inner()).get(&(kind, id.to_string())).cloned()
    }

    /// Reads the log from where the index stopped to its end.
    async fn catch_up(&self, store: &dyn EventStore) -> AppResult<()> {
        let mut after = self.read_up_to.lock().await;
        loop {
            let page = store.read_all(*after, PAGE).await?;
            let mut found = Vec::new();
            let mut accounts = Vec::new();
            for e in &page {
                if ACCOUNT_EVENTS.contains(&e.event_type.as_str()) {
                    let f: AccountFields = serde_json::from_str(&e.data).map_err(|err| {
                        crate::AppError::internal(format!("stored event {} ({}) does not decode", e.id, e.event_type), err)
                    })?;
                    accounts.push((e.event_type.as_str(), f));
                    continue;
                }
                let Some((_, kind)) = CREATORS.iter().find(|(t, _)| *t == e.event_type) else { continue };
                let ids: Ids = serde_json::from_str(&e.data)
                    .map_err(|err| crate::AppError::internal(format!("stored event {} ({}) does not decode", e.id, e.event_type), err))?;
                let pair = match kind {
                    Child::Consultation => ids.consultation_id.zip(ids.decision_id),
                    Child::Opinion => ids.opinion_id.zip(ids.decision_id),
                    Child::Signup => ids.signup_id.zip(ids.hearing_id),
                };
                if let Some((child, parent)) = pair {
                    found.push(((*kind, child), parent));
                }
            }
            if !found.is_empty() {
                self.parents.write().unwrap_or_else(|p| p.into_inner()).extend(found);
            }
            if !accounts.is_empty() {
                let mut names = self.names.write().unwrap_or_else(|p| p.into_inner());
                for (event_type, f) in accounts {
                    names.apply(event_type, f);
                }
            }
            match page.last() {
                Some(last) => *after = last.position,
                None => return Ok(()),
            }
            if page.len() < PAGE {
                return Ok(());
            }
        }
    }
}
