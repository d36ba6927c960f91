//! The application layer: typed commands (`commands/`, one file each) run through one path
//! ([`command`]: authorize, locate and load, decide, append, retry on conflict, idempotency
//! around it once), the write side's own index of children ([`locate`]), the authorization
//! policy, tokens and the personal-data vault.
//!
//! Depends on `canyu-domain` and the `canyu-eventstore` port; knows nothing of HTTP, GraphQL or
//! the read models.

pub mod auth;
pub mod command;
pub mod commands;
pub mod error;
pub mod idempotency;
pub mod locate;
pub mod ports;
pub mod repo;
pub mod vault;

use std::sync::Arc;

use canyu_domain::DomainError;
use canyu_domain::comment::{Comment, CommentState};
use canyu_domain::decision::{Decision, DecisionState};
use canyu_domain::directory::{Account, AccountState, Catalogue, Unit};
use canyu_domain::events::Sealed;
use canyu_domain::hearing::Hearing;
use canyu_domain::values::{self, Role};
use canyu_eventstore::keys::KeyStore;
use canyu_eventstore::{Actor, EventMetadata, EventStore};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::command::{Now, Prepared, Stored};

pub use auth::{Principal, Tokens, policy};
pub use command::{Access, Command};
pub use error::{AppError, AppResult};
pub use ports::{Clock, ManualClock, SystemClock};
pub use repo::{Committed, Repo, decode};
pub use vault::Vault;

/// Purpose labels bound into sealed values' associated data.
pub mod purpose {
    pub const CREDENTIAL: &str = "account.credential";
    pub const HEARING_SIGNUP: &str = "hearing.signup";
}

/// Stream names (DESIGN.md, Events).
pub mod streams {
    pub fn decision(id: &str) -> String {
        format!("decision-{id}")
    }
    pub fn hearing(id: &str) -> String {
        format!("hearing-{id}")
    }
    pub fn comment(id: &str) -> String {
        format!("comment-{id}")
    }
    pub fn unit(id: &str) -> String {
        format!("unit-{id}")
    }
    pub fn account(id: &str) -> String {
        format!("account-{id}")
    }
    pub fn catalogue(year: i32) -> String {
        format!("catalogue-{year}")
    }
}

/// Sealed account credential.
#[derive(Debug, Serialize, Deserialize)]
pub struct Credential {
    pub username: String,
    pub password_hash: String,
}

/// Sealed hearing sign-up personal data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignupPersonal {
    pub full_name: String,
    pub phone: String,
}

/// Who asks, and the request's tracing and idempotency facts.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub principal: Option<Principal>,
    pub correlation_id: Option<Uuid>,
    pub idempotency_key: Option<String>,
    /// The operator at the machine (`canyu admin …`): passes every access rule, recorded as an
    /// anonymous actor.
    pub operator: bool,
}

impl Meta {
    /// A request by `principal`.
    pub fn by(principal: Option<Principal>) -> Self {
        Meta { principal, ..Default::default() }
    }

    /// The operator at the machine.
    pub fn operator() -> Self {
        Meta { operator: true, ..Default::default() }
    }
}

/// What a successful command wrote: the global position of its last event and the id of the
/// thing it created or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub position: u64,
    pub id: String,
}

/// Namespace of account ids derived from usernames.
const NS: Uuid = Uuid::from_u128(0x6a1e_5c3e_2b8d_4f7a_9c01_c4a9_0000_0713);

/// The unit id of a unit name: deterministic over the name with case and white space ignored,
/// so that a second unit of the same name collides on the stream (`UnitNameTaken`) without a
/// separate index. Unit names are public, so the id reveals nothing.
pub fn unit_id_for(name: &str) -> String {
    let key: String = name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    Uuid::new_v5(&NS, format!("unit:{key}").as_bytes()).to_string()
}

/// The account id that versions before issue 10 derived from a username (UUIDv5). Accounts
/// are now given random ids and found through the key store's name index
/// ([`App::account_id_of`]); this finds the accounts registered before, whose stream names
/// still carry it.
pub fn legacy_account_id_for(username: &str) -> String {
    Uuid::new_v5(&NS, format!("account:{username}").as_bytes()).to_string()
}

/// Everything needed to handle commands.
pub struct App {
    pub store: Arc<dyn EventStore>,
    pub clock: Arc<dyn Clock>,
    pub vault: Vault,
    pub tokens: Tokens,
    locator: locate::Locator,
    idem: idempotency::Index,
    /// Cross-process claims of idempotency keys (set when several processes serve one platform).
    claims: std::sync::OnceLock<Arc<dyn idempotency::KeyClaims>>,
    /// Set when the platform serves its record read-only: every command is refused.
    read_only: std::sync::atomic::AtomicBool,
    decisions: Repo<Decision>,
    hearings: Repo<Hearing>,
    comments: Repo<Comment>,
    units: Repo<Unit>,
    accounts: Repo<Account>,
    catalogues: Repo<Catalogue>,
}

macro_rules! stored {
    ($($aggregate:ty => $field:ident),* $(,)?) => {
        $(impl Stored for $aggregate {
            fn repo(app: &App) -> &Repo<Self> {
                &app.$field
            }
        })*
    };
}

stored!(Decision => decisions, Hearing => hearings, Comment => comments, Unit => units, Account => accounts, Catalogue => catalogues);

impl App {
    pub fn new(store: Arc<dyn EventStore>, keys: Arc<dyn KeyStore>, clock: Arc<dyn Clock>, tokens: Tokens) -> Self {
        App {
            decisions: Repo::new(store.clone(), true),
            hearings: Repo::new(store.clone(), true),
            comments: Repo::new(store.clone(), false),
            units: Repo::new(store.clone(), true),
            accounts: Repo::new(store.clone(), true),
            catalogues: Repo::new(store.clone(), true),
            store,
            clock,
            vault: Vault::new(keys),
            tokens,
            locator: locate::Locator::default(),
            idem: idempotency::Index::default(),
            claims: std::sync::OnceLock::new(),
            read_only: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// From now on every command is refused with [`AppError::ReadOnly`] (`serve --read-only`).
    pub fn set_read_only(&self) {
        self.read_only.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether commands are refused.
    pub fn is_read_only(&self) -> bool {
        self.read_only.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs a command: authorize the caller, then, once per idempotency key, locate and load
    /// its facts, authorize against them, decide, append and retry on conflict. See [`command`].
    pub async fn execute<C: Command>(&self, meta: &Meta, cmd: C) -> AppResult<Written> {
        if self.is_read_only() {
            return Err(AppError::ReadOnly);
        }
        let caller = meta.principal.as_ref();
        if !meta.operator {
            match C::ACCESS {
                Access::SignedIn => {
                    policy::signed_in(caller)?;
                }
                Access::Admin => {
                    policy::admin(caller)?;
                }
                Access::Anyone | Access::UnitStaff => {}
            }
        }
        let fingerprint = match (C::IDEMPOTENT, &meta.idempotency_key, caller) {
            (true, Some(_), Some(p)) => Some(self.fingerprint(&cmd, p).await?),
            _ => None,
        };
        let run = async {
            let Prepared { stream, facts } = cmd.prepare(self, caller).await?;
            if C::ACCESS == Access::UnitStaff && !meta.operator {
                policy::unit_staff(caller, C::unit(&facts).unwrap_or_default())?;
            }
            cmd.before_append(self, &facts).await?;
            let now = Now { at: self.clock.now(), principal: caller };
            let metadata = self.metadata(meta, fingerprint.as_deref());
            let c = C::Aggregate::repo(self).execute(&stream, &metadata, |s| Ok(cmd.decide(s, &facts, now)?)).await?;
            let first = c.events.first().ok_or_else(|| AppError::bug("an append without events"))?;
            Ok(Written { position: c.position, id: idempotency::result_id(first) })
        };
        match &fingerprint {
            Some(f) => self.once(meta, f, run).await,
            None => run.await,
        }
    }

    /// The fingerprint a retry under the same key must match: the command's canonical JSON
    /// keyed with the server's secret, and its personal data keyed with the caller's own key.
    async fn fingerprint<C: Command>(&self, cmd: &C, caller: &Principal) -> AppResult<String> {
        let mut f = self.tokens.fingerprint(&command::canonical(cmd)?);
        if let Some(personal) = cmd.personal() {
            f = format!("{f}.{}", self.vault.fingerprint(&caller.account_id, &personal).await?);
        }
        Ok(f)
    }

    /// Runs a write once per `(account, idempotency key)`: a retry with the same input gets the
    /// first result, a different input is refused. Nothing is written when the key is refused.
    async fn once(&self, meta: &Meta, fingerprint: &str, run: impl std::future::Future<Output = AppResult<Written>>) -> AppResult<Written> {
        let (Some(key), Some(p)) = (&meta.idempotency_key, &meta.principal) else { return run.await };
        idempotency::check_key(key)?;
        let lock = self.idem.lock(&p.account_id, key);
        let _held = lock.lock().await;
        let claim = match self.claims.get() {
            Some(c) => Some(c.claim(&p.account_id, key).await?),
            None => None,
        };
        let result = async {
            // With the claim held, the log's tail shows any earlier attempt of another process.
            if let idempotency::Prior::Same(w) = self.idem.prior(self.store.as_ref(), &p.account_id, key, fingerprint).await? {
                return Ok(w);
            }
            let w = run.await?;
            self.idem.remember(&p.account_id, key, fingerprint, &w);
            Ok(w)
        }
        .await;
        if let Some(c) = claim {
            c.release().await;
        }
        result
    }

    /// Shares idempotency keys with the other processes serving this platform (once).
    pub fn set_key_claims(&self, claims: Arc<dyn idempotency::KeyClaims>) {
        let _ = self.claims.set(claims);
    }

    /// A fresh id (UUID v7) for a new entity.
    pub fn new_id(&self) -> String {
        Uuid::now_v7().to_string()
    }

    fn metadata(&self, meta: &Meta, fingerprint: Option<&str>) -> EventMetadata {
        let actor = match &meta.principal {
            Some(p) => Actor { role: p.role_name().into(), account_id: Some(p.account_id.clone()), unit_id: p.unit_id.clone() },
            None => Actor { role: "anonymous".into(), account_id: None, unit_id: None },
        };
        EventMetadata {
            actor,
            correlation_id: meta.correlation_id.unwrap_or_else(Uuid::now_v7),
            causation_id: None,
            idempotency_key: match (&meta.idempotency_key, fingerprint) {
                (Some(k), Some(f)) => Some(idempotency::stored(k, f)),
                _ => None,
            },
            server_time: self.clock.now(),
        }
    }

    // ----- accounts -----------------------------------------------------------------------

    /// Resolves a bearer token to the account's current role.
    pub async fn authenticate(&self, token: &str) -> AppResult<Principal> {
        let account_id = self.tokens.verify(token, self.clock.now())?;
        let acc = self.account_state(&account_id).await?;
        if !acc.exists || acc.erased {
            return Err(AppError::Unauthenticated("the account no longer exists".into()));
        }
        Ok(Principal {
            account_id,
            display_name: acc.display_name.clone(),
            role: acc.role.unwrap_or(Role::Resident),
            unit_id: acc.unit_id.clone(),
        })
    }

    /// Registers a resident account and signs it in (returns the token).
    pub async fn register_account(&self, meta: &Meta, username: &str, password: &str, display_name: &str) -> AppResult<(Written, String)> {
        let w = self.create_account(meta, username, password, display_name, Role::Resident).await?;
        let (token, _) = self.tokens.issue(&w.id, self.clock.now());
        Ok((w, token))
    }

    /// Creates an account with any role (residents register themselves; the operator's
    /// `canyu admin create-user` creates admins).
    pub async fn create_account(&self, meta: &Meta, username: &str, password: &str, display_name: &str, role: Role) -> AppResult<Written> {
        let cmd = commands::CreateAccount {
            username: username.to_string(),
            password: password.to_string(),
            display_name: display_name.to_string(),
            role,
        };
        self.execute(meta, cmd).await
    }

    /// The account a login name belongs to: the key store's name index, else (for accounts
    /// registered before ids were random) the old derived id, whose name is then indexed. An
    /// erased account holds no name.
    pub async fn account_id_of(&self, username: &str) -> AppResult<Option<String>> {
        if let Some(id) = self.vault.name_owner(username).await? {
            return Ok(Some(id));
        }
        let legacy = legacy_account_id_for(username);
        let state = self.account_state(&legacy).await?;
        if !state.exists || state.erased {
            return Ok(None);
        }
        Ok(Some(self.vault.claim_name(username, &legacy).await?))
    }

    /// Whether a staff member (unit staff, admin) now bears a display name of this key.
    pub async fn staff_name_taken(&self, key: &str) -> AppResult<bool> {
        self.locator.staff_name_taken(self.store.as_ref(), key).await
    }

    /// Checks a username and password; returns the account id and a token.
    pub async fn login(&self, username: &str, password: &str) -> AppResult<(String, String)> {
        let refused = || AppError::Unauthenticated("wrong username or password".into());
        let password = password.to_string();
        // Whoever has no account (or no credential, or an erased one) costs one argon2 hash
        // too, so the answer's timing does not tell which usernames exist.
        let hash = match values::username(username) {
            Ok(username) => match self.account_id_of(&username).await? {
                Some(account_id) => {
                    let acc = self.account_state(&account_id).await?;
                    match acc.credential.clone() {
                        // The credential names its login name: a name index that points
                        // elsewhere never lets one person sign in as another.
                        Some(sealed) => self
                            .vault
                            .open::<Credential>(&sealed, purpose::CREDENTIAL)
                            .await?
                            .filter(|c| c.username == username)
                            .map(|c| (account_id, c.password_hash)),
                        None => None,
                    }
                }
                None => None,
            },
            Err(_) => None,
        };
        let Some((account_id, hash)) = hash else {
            tokio::task::spawn_blocking(move || auth::verify_against_dummy(&password)).await?;
            return Err(refused());
        };
        let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash)).await?;
        if !ok {
            return Err(refused());
        }
        let (token, _) = self.tokens.issue(&account_id, self.clock.now());
        Ok((account_id, token))
    }

    /// [`commands::ErasePerson`] for the operator's command line (`canyu admin erase-person`).
    pub async fn erase_person_as_operator(&self, account_id: &str) -> AppResult<Written> {
        let w = self.execute(&Meta::operator(), commands::ErasePerson { account_id: account_id.to_string() }).await?;
        tracing::info!(position = w.position, "personal data erased");
        Ok(w)
    }

    /// Opens the sealed personal data of a hearing sign-up (for the organiser roster).
    pub async fn open_signup_personal(&self, sealed: &Sealed) -> AppResult<Option<SignupPersonal>> {
        self.vault.open(sealed, purpose::HEARING_SIGNUP).await
    }

    // ----- the write side's facts -----------------------------------------------------------

    /// An account's state (`exists` false when there is none).
    pub async fn account_state(&self, account_id: &str) -> AppResult<Arc<AccountState>> {
        Ok(self.accounts.load(&streams::account(account_id)).await?.0)
    }

    /// Whether a unit exists.
    pub async fn unit_exists(&self, unit_id: &str) -> AppResult<bool> {
        Ok(self.units.load(&streams::unit(unit_id)).await?.0.exists)
    }

    /// Whether a year's catalogue is published.
    pub async fn catalogue_published(&self, year: i32) -> AppResult<bool> {
        Ok(self.catalogues.load(&streams::catalogue(year)).await?.0.published_at.is_some())
    }

    /// The current state of an existing decision (`NOT_FOUND` otherwise).
    pub async fn decision_state(&self, decision_id: &str) -> AppResult<Arc<DecisionState>> {
        let (d, _) = self.decisions.load(&streams::decision(decision_id)).await?;
        if !d.exists {
            return Err(DomainError::DecisionNotFound.into());
        }
        Ok(d)
    }

    /// A comment's state, from its stream (`exists` false when there is none).
    pub async fn comment_state(&self, stream: &str) -> AppResult<Arc<CommentState>> {
        Ok(self.comments.load(stream).await?.0)
    }

    /// The decision a consultation belongs to (`NOT_FOUND` when the log has no such consultation).
    pub async fn decision_of_consultation(&self, consultation_id: &str) -> AppResult<String> {
        let found = self.locator.parent(self.store.as_ref(), locate::Child::Consultation, consultation_id).await?;
        found.ok_or_else(|| DomainError::ConsultationNotFound.into())
    }

    /// The decision an opinion belongs to.
    pub async fn decision_of_opinion(&self, opinion_id: &str) -> AppResult<String> {
        let found = self.locator.parent(self.store.as_ref(), locate::Child::Opinion, opinion_id).await?;
        found.ok_or_else(|| DomainError::OpinionNotFound.into())
    }

    /// The hearing a sign-up belongs to.
    pub async fn hearing_of_signup(&self, signup_id: &str) -> AppResult<String> {
        let found = self.locator.parent(self.store.as_ref(), locate::Child::Signup, signup_id).await?;
        found.ok_or_else(|| DomainError::SignupNotFound.into())
    }

    /// The decision a hearing belongs to.
    pub async fn hearing_decision(&self, hearing_id: &str) -> AppResult<String> {
        let (h, _) = self.hearings.load(&streams::hearing(hearing_id)).await?;
        if !h.exists {
            return Err(DomainError::HearingNotFound.into());
        }
        Ok(h.decision_id.clone())
    }

    /// The time now, per the application clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
