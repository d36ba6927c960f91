//! The one command path. Every write is a typed command (one file each under `commands/`)
//! that tells, through [`Command`], its authorization rule, where its aggregate's stream is
//! and which outside facts it needs; [`App::execute`](crate::App::execute) runs them all the
//! same way:
//!
//! 1. **authorize** what needs nothing loaded ([`Access::SignedIn`], [`Access::Admin`]);
//! 2. inside the idempotency wrapper ([`crate::idempotency`], fingerprinted from the command's
//!    canonical JSON, never from `Debug`), so that a retry returns the first result before
//!    anything is loaded:
//!    - **locate** the stream and **load** the outside facts ([`Command::prepare`]); a command
//!      naming something that does not exist is `NOT_FOUND` here;
//!    - **authorize** what needs the facts ([`Access::UnitStaff`]: staff of the decision's unit);
//!    - **decide** on the aggregate's state, **append** with the expected version, and on a
//!      version conflict re-read and decide again ([`crate::Repo`]).
//!
//! The result names the thing the command created or changed: the id from its first event
//! ([`crate::idempotency::result_id`]) and the global position of its last.

use async_trait::async_trait;
use canyu_domain::{Aggregate, DomainError, Event};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{App, AppResult, Principal, Repo};

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (account registration).
    Anyone,
    /// Any signed-in account (checked before anything is loaded).
    SignedIn,
    /// The openness office (checked before anything is loaded).
    Admin,
    /// Staff of the unit that [`Command::unit`] names in the loaded facts, or an admin.
    UnitStaff,
}

/// An aggregate the application stores: which of the app's repositories holds it.
pub trait Stored: Aggregate<State: Send + Sync + 'static> + Sized + 'static {
    fn repo(app: &App) -> &Repo<Self>;
}

/// Where a command appends, and the outside facts it decides with.
#[derive(Debug)]
pub struct Prepared<F> {
    /// The aggregate's stream, e.g. `decision-<id>`.
    pub stream: String,
    pub facts: F,
}

/// What `decide` gets besides the aggregate's state and the command's own facts.
#[derive(Debug, Clone, Copy)]
pub struct Now<'a> {
    pub at: DateTime<Utc>,
    /// The caller ([`Access`] guarantees one for every command).
    pub principal: Option<&'a Principal>,
}

/// A typed command: its fields are the parsed input (ids generated for new entities are marked
/// `#[serde(skip)]`, so a retry with the same input has the same fingerprint).
#[async_trait]
pub trait Command: Serialize + Send + Sync + Sized + 'static {
    /// The aggregate it appends to.
    type Aggregate: Stored;
    /// Outside facts loaded before deciding (other aggregates' state, derived values).
    type Facts: Send + Sync;
    /// The operation, e.g. `submitComment`: part of the idempotency fingerprint and of logs.
    const NAME: &'static str;
    /// Who may run it.
    const ACCESS: Access;

    /// Finds the stream and loads the facts. Reads only the write side (streams, the
    /// [`Locator`](crate::locate::Locator)), never a read model.
    async fn prepare(&self, app: &App, caller: Option<&Principal>) -> AppResult<Prepared<Self::Facts>>;

    /// For [`Access::UnitStaff`]: the unit whose staff may run it.
    fn unit(_facts: &Self::Facts) -> Option<&str> {
        None
    }

    /// Personal data of the caller that belongs in the fingerprint but must not be stored
    /// readable: fingerprinted with the caller's own key, so it is shredded with them.
    fn personal(&self) -> Option<String> {
        None
    }

    /// Whether a retry under the caller's idempotency key returns the first result (false only
    /// for account creation, which has no caller to scope a key to).
    const IDEMPOTENT: bool = true;

    /// Runs right before the append, inside the idempotency wrapper (erasure deletes the key
    /// here, so a crash before the event leaves the data unreadable and the command re-runnable).
    async fn before_append(&self, _app: &App, _facts: &Self::Facts) -> AppResult<()> {
        Ok(())
    }

    /// The events, decided by the aggregate (pure).
    fn decide(&self, state: &<Self::Aggregate as Aggregate>::State, facts: &Self::Facts, now: Now<'_>) -> Result<Vec<Event>, DomainError>;
}

/// The canonical text of a command for its fingerprint: its name and its JSON with object keys
/// sorted, so neither field order nor `Debug` output affects it.
pub fn canonical<C: Command>(cmd: &C) -> AppResult<String> {
    let value = serde_json::to_value(cmd).map_err(|e| crate::AppError::internal(format!("{} does not serialise", C::NAME), e))?;
    let mut out = String::with_capacity(256);
    out.push_str(C::NAME);
    out.push('\0');
    write_sorted(&value, &mut out);
    Ok(out)
}

fn write_sorted(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_sorted(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
