//! `erasePerson` (admins) and `canyu admin erase-person` (the operator): erases a person's
//! personal data by deleting their key (crypto-shredding), then records `account.erased.v1`.
//! Their comments stay, unattributed as before.

use async_trait::async_trait;
use canyu_domain::directory::{Account, AccountCommand, AccountCtx, AccountState};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppError, AppResult, Principal, streams};

/// Erases the person behind `account_id`.
#[derive(Debug, Clone, Serialize)]
pub struct ErasePerson {
    pub account_id: String,
}

#[async_trait]
impl Command for ErasePerson {
    type Aggregate = Account;
    type Facts = ();
    const NAME: &'static str = "erasePerson";
    const ACCESS: Access = Access::Admin;

    async fn prepare(&self, _app: &App, caller: Option<&Principal>) -> AppResult<Prepared<()>> {
        if caller.is_some_and(|c| c.account_id == self.account_id) {
            return Err(AppError::from(DomainError::OwnAccountErasure));
        }
        Ok(Prepared { stream: streams::account(&self.account_id), facts: () })
    }

    /// The key goes first: a crash before the event leaves the data unreadable and the account
    /// not yet marked; running the command again deletes nothing and records it.
    async fn before_append(&self, app: &App, _facts: &()) -> AppResult<()> {
        let acc = app.account_state(&self.account_id).await?;
        if !acc.exists {
            return Err(AppError::from(DomainError::AccountNotFound));
        }
        if acc.erased {
            return Err(AppError::from(DomainError::AccountAlreadyErased));
        }
        app.vault.erase(&self.account_id).await?;
        Ok(())
    }

    fn decide(&self, state: &AccountState, _facts: &(), now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Account::decide(state, AccountCommand::Erase, &AccountCtx { now: now.at, ..AccountCtx::default() })
    }
}
