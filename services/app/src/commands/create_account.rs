//! `registerAccount` (residents, anonymous) and `canyu admin create-user` (any role): creates an
//! account. The username and password hash are sealed with the person's own key.

use async_trait::async_trait;
use canyu_domain::directory::{Account, AccountCommand, AccountCtx, AccountState};
use canyu_domain::events::Sealed;
use canyu_domain::values::{self, DisplayName, Role, TextValue};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppError, AppResult, Credential, Principal, auth, purpose, streams};

/// Creates an account. Never fingerprinted: it has no caller to scope a key to, and its input
/// is personal data.
#[derive(Debug, Clone, Serialize)]
pub struct CreateAccount {
    #[serde(skip)]
    pub username: String,
    #[serde(skip)]
    pub password: String,
    #[serde(skip)]
    pub display_name: String,
    pub role: Role,
}

/// The account's id and its sealed credential.
#[derive(Debug)]
pub struct NewAccount {
    account_id: String,
    display_name: DisplayName,
    credential: Sealed,
}

#[async_trait]
impl Command for CreateAccount {
    type Aggregate = Account;
    type Facts = NewAccount;
    const NAME: &'static str = "registerAccount";
    /// Checked by the callers: self-registration is open to anyone, other roles are created
    /// only by the operator's command line.
    const ACCESS: Access = Access::Anyone;
    const IDEMPOTENT: bool = false;

    /// Parses the username and password, refuses a taken name, hashes and seals the credential.
    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<NewAccount>> {
        let username = values::username(&self.username)?;
        let password = values::password(&self.password)?.to_string();
        let display_name = DisplayName::parse(&self.display_name)?;
        if self.role == Role::Resident {
            // A resident may not pass for an office, a unit or a staff member.
            display_name.check_resident()?;
            if app.unit_exists(&crate::unit_id_for(display_name.as_str())).await? {
                return Err(AppError::from(DomainError::invalid("displayName", "is the name of an undertaking unit")));
            }
            if app.staff_name_taken(&display_name.key()).await? {
                return Err(AppError::from(DomainError::invalid("displayName", "is the display name of a staff member")));
            }
        }
        if app.account_id_of(&username).await?.is_some() {
            return Err(AppError::from(DomainError::UsernameTaken));
        }
        // A random id: nothing about the person can be read from it, the stream's name or a
        // token. The name index (in the key store, erased with the key) is claimed first:
        // of two registrations of one name, one holds it. A holder whose account was never
        // written (a crash between claim and append) is completed by this registration; two
        // doing so at once meet on the stream and one is told the name is taken.
        let fresh = app.new_id();
        let account_id = app.vault.claim_name(&username, &fresh).await?;
        if account_id != fresh && app.account_state(&account_id).await?.exists {
            return Err(AppError::from(DomainError::UsernameTaken));
        }
        let stream = streams::account(&account_id);
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await??;
        let credential = app.vault.seal(&account_id, purpose::CREDENTIAL, &Credential { username, password_hash: hash }).await?;
        Ok(Prepared { stream, facts: NewAccount { account_id, display_name, credential } })
    }

    fn decide(&self, state: &AccountState, facts: &NewAccount, _now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = AccountCommand::Register {
            account_id: facts.account_id.clone(),
            display_name: facts.display_name.clone(),
            credential: facts.credential.clone(),
            role: self.role,
        };
        Account::decide(state, command, &AccountCtx::default())
    }
}
