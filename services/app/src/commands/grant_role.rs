//! `grantRole`: grants RESIDENT (revoking staff or admin rights at once), UNIT_STAFF of a unit,
//! or ADMIN (admins).

use async_trait::async_trait;
use canyu_domain::directory::{Account, AccountCommand, AccountCtx, AccountState};
use canyu_domain::values::Role;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Grants `role` to an account.
#[derive(Debug, Clone, Serialize)]
pub struct GrantRole {
    pub account_id: String,
    pub role: Role,
    /// The unit, for UNIT_STAFF.
    pub unit_id: Option<String>,
}

#[async_trait]
impl Command for GrantRole {
    type Aggregate = Account;
    /// Whether the named unit exists.
    type Facts = bool;
    const NAME: &'static str = "grantRole";
    const ACCESS: Access = Access::Admin;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<bool>> {
        let unit_exists = match self.unit_id.as_deref() {
            Some(u) if !u.is_empty() => app.unit_exists(u).await?,
            _ => false,
        };
        Ok(Prepared { stream: streams::account(&self.account_id), facts: unit_exists })
    }

    fn decide(&self, state: &AccountState, unit_exists: &bool, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = AccountCommand::GrantRole { role: self.role, unit_id: self.unit_id.clone() };
        Account::decide(state, command, &AccountCtx { unit_exists: *unit_exists, now: now.at })
    }
}
