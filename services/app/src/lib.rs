//! The application layer: command handlers (authorize, load, decide, append, retry on
//! conflict), the authorization policy, tokens and the personal-data vault.
//!
//! Depends on `canyu-domain` and the `canyu-eventstore` port; knows nothing of HTTP or GraphQL.

pub mod auth;
pub mod error;
pub mod idempotency;
pub mod ports;
pub mod repo;
pub mod vault;

use std::sync::Arc;

use canyu_domain::comment::{Comment, CommentCommand, CommentCtx};
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx};
use canyu_domain::directory::{Account, AccountCommand, AccountCtx, Catalogue, CatalogueCommand, Unit, UnitCommand};
use canyu_domain::events::Sealed;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx};
use canyu_domain::values::{self, Role};
use canyu_domain::{Aggregate, DomainError};
use canyu_eventstore::keys::KeyStore;
use canyu_eventstore::{Actor, EventMetadata, EventStore};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use auth::{Principal, Tokens, policy};
pub use error::{AppError, AppResult};
pub use ports::{Clock, Lookup, ManualClock, SystemClock};
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
    /// Fingerprint of the request's input (the gateway hashes the operation and its input):
    /// a retry under the same idempotency key must match it. See [`idempotency`].
    pub fingerprint: Option<String>,
}

impl Meta {
    /// A request by `principal`.
    pub fn by(principal: Option<Principal>) -> Self {
        Meta { principal, ..Default::default() }
    }
}

/// What a successful command wrote: the global position of its last event and the id of the
/// thing it created or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub position: u64,
    pub id: String,
}

const NS: Uuid = Uuid::from_u128(0x6a1e_5c3e_2b8d_4f7a_9c01_c4a9_0000_0713);

/// The account id of a username: deterministic, so that registering the same name twice
/// collides on the stream (`UsernameTaken`) without a separate index.
pub fn account_id_for(username: &str) -> String {
    Uuid::new_v5(&NS, format!("account:{username}").as_bytes()).to_string()
}

/// Everything needed to handle commands.
pub struct App {
    pub store: Arc<dyn EventStore>,
    pub clock: Arc<dyn Clock>,
    pub vault: Vault,
    pub tokens: Tokens,
    lookup: Arc<dyn Lookup>,
    idem: idempotency::Index,
    /// Cross-process claims of idempotency keys (set when several processes serve one platform).
    claims: std::sync::OnceLock<Arc<dyn idempotency::KeyClaims>>,
    decisions: Repo<Decision>,
    hearings: Repo<Hearing>,
    comments: Repo<Comment>,
    units: Repo<Unit>,
    accounts: Repo<Account>,
    catalogues: Repo<Catalogue>,
}

impl App {
    pub fn new(
        store: Arc<dyn EventStore>,
        keys: Arc<dyn KeyStore>,
        clock: Arc<dyn Clock>,
        tokens: Tokens,
        lookup: Arc<dyn Lookup>,
    ) -> Self {
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
            lookup,
            idem: idempotency::Index::default(),
            claims: std::sync::OnceLock::new(),
        }
    }

    /// Runs a write once per `(account, idempotency key)`: a retry with the same input gets the
    /// first result, a different input is refused. Without a key or a signed-in caller it just
    /// runs. Nothing is written when the key is refused.
    async fn once(&self, meta: &Meta, run: impl std::future::Future<Output = AppResult<Written>>) -> AppResult<Written> {
        let (Some(key), Some(p)) = (&meta.idempotency_key, &meta.principal) else { return run.await };
        idempotency::check_key(key)?;
        let fingerprint = meta.fingerprint.as_deref().unwrap_or("");
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

    fn metadata(&self, meta: &Meta) -> EventMetadata {
        let actor = match &meta.principal {
            Some(p) => Actor { role: p.role_name().into(), account_id: Some(p.account_id.clone()), unit_id: p.unit_id.clone() },
            None => Actor { role: "anonymous".into(), account_id: None, unit_id: None },
        };
        EventMetadata {
            actor,
            correlation_id: meta.correlation_id.unwrap_or_else(Uuid::now_v7),
            causation_id: None,
            idempotency_key: meta.idempotency_key.as_deref().map(|k| idempotency::stored(k, meta.fingerprint.as_deref().unwrap_or(""))),
            server_time: self.clock.now(),
        }
    }

    // ----- accounts -----------------------------------------------------------------------

    /// Resolves a bearer token to the account's current role.
    pub async fn authenticate(&self, token: &str) -> AppResult<Principal> {
        let account_id = self.tokens.verify(token, self.clock.now())?;
        let (acc, _) = self.accounts.load(&streams::account(&account_id)).await?;
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

    /// Registers an account. `role` is RESIDENT for self-registration; operators may create
    /// admins through [`App::create_account`].
    pub async fn register_account(&self, meta: &Meta, username: &str, password: &str, display_name: &str) -> AppResult<(Written, String)> {
        let w = self.create_account(meta, username, password, display_name, Role::Resident).await?;
        let (token, _) = self.tokens.issue(&w.id, self.clock.now());
        Ok((w, token))
    }

    /// Creates an account with any role (the `canyu admin create-user` command).
    pub async fn create_account(&self, meta: &Meta, username: &str, password: &str, display_name: &str, role: Role) -> AppResult<Written> {
        let username = values::username(username)?;
        let password = values::password(password)?.to_string();
        values::text("displayName", display_name, 1, 50, false)?;
        let account_id = account_id_for(&username);
        let stream = streams::account(&account_id);
        if self.accounts.load(&stream).await?.0.exists {
            return Err(DomainError::UsernameTaken.into());
        }
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|e| AppError::Unavailable(e.to_string()))??;
        let credential = self.vault.seal(&account_id, purpose::CREDENTIAL, &Credential { username, password_hash: hash }).await?;
        let cmd = AccountCommand::Register { account_id: account_id.clone(), display_name: display_name.to_string(), credential, role };
        let c =
            self.accounts.execute(&stream, &self.metadata(meta), |s| Ok(Account::decide(s, cmd.clone(), &AccountCtx::default())?)).await?;
        Ok(Written { position: c.position, id: account_id })
    }

    /// Checks a username and password; returns the account id and a token.
    pub async fn login(&self, username: &str, password: &str) -> AppResult<(String, String)> {
        let refused = || AppError::Unauthenticated("wrong username or password".into());
        let username = values::username(username).map_err(|_| refused())?;
        let account_id = account_id_for(&username);
        let (acc, _) = self.accounts.load(&streams::account(&account_id)).await?;
        let Some(sealed) = acc.credential.clone() else { return Err(refused()) };
        let Some(cred) = self.vault.open::<Credential>(&sealed, purpose::CREDENTIAL).await? else { return Err(refused()) };
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &cred.password_hash))
            .await
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
        if !ok {
            return Err(refused());
        }
        let (token, _) = self.tokens.issue(&account_id, self.clock.now());
        Ok((account_id, token))
    }

    /// Grants a role (admins only).
    async fn grant_role_inner(&self, meta: &Meta, account_id: &str, role: &str, unit_id: Option<&str>) -> AppResult<Written> {
        policy::admin(meta.principal.as_ref())?;
        let unit_exists = match unit_id {
            Some(u) if !u.is_empty() => self.units.load(&streams::unit(u)).await?.0.exists,
            _ => false,
        };
        let cmd = AccountCommand::GrantRole { role: role.to_string(), unit_id: unit_id.map(str::to_string) };
        let c = self
            .accounts
            .execute(&streams::account(account_id), &self.metadata(meta), |s| {
                Ok(Account::decide(s, cmd.clone(), &AccountCtx { unit_exists, ..AccountCtx::default() })?)
            })
            .await?;
        Ok(Written { position: c.position, id: account_id.to_string() })
    }

    // ----- units and the catalogue --------------------------------------------------------

    /// Registers an undertaking unit (admins only).
    async fn register_unit_inner(&self, meta: &Meta, name: &str) -> AppResult<Written> {
        policy::admin(meta.principal.as_ref())?;
        let unit_id = self.new_id();
        let cmd = UnitCommand::Register { unit_id: unit_id.clone(), name: name.to_string() };
        let c = self.units.execute(&streams::unit(&unit_id), &self.metadata(meta), |s| Ok(Unit::decide(s, cmd.clone(), &())?)).await?;
        Ok(Written { position: c.position, id: unit_id })
    }

    /// Whether a unit exists.
    pub async fn unit_exists(&self, unit_id: &str) -> AppResult<bool> {
        Ok(self.units.load(&streams::unit(unit_id)).await?.0.exists)
    }

    /// Publishes a year's catalogue (admins only).
    async fn publish_catalogue_inner(&self, meta: &Meta, year: i32) -> AppResult<Written> {
        policy::admin(meta.principal.as_ref())?;
        let now = self.clock.now();
        let cmd = CatalogueCommand::Publish { year };
        let c = self
            .catalogues
            .execute(&streams::catalogue(year), &self.metadata(meta), |s| Ok(Catalogue::decide(s, cmd.clone(), &now)?))
            .await?;
        Ok(Written { position: c.position, id: year.to_string() })
    }

    // ----- decisions ----------------------------------------------------------------------

    /// Lists a decision in a year's catalogue (admins only).
    #[expect(clippy::too_many_arguments, reason = "mirrors the GraphQL input one to one")]
    async fn register_decision_inner(
        &self,
        meta: &Meta,
        year: i32,
        title: &str,
        summary: &str,
        unit_id: &str,
        disclosure: &str,
        confidentiality_basis: Option<&str>,
        addition_reason: Option<&str>,
    ) -> AppResult<Written> {
        policy::admin(meta.principal.as_ref())?;
        let decision_id = self.new_id();
        let catalogue_published = if (2000..=2100).contains(&year) {
            self.catalogues.load(&streams::catalogue(year)).await?.0.published_at.is_some()
        } else {
            false
        };
        let ctx =
            DecisionCtx { now: self.clock.now(), catalogue_published, unit_exists: self.unit_exists(unit_id).await?, ..Default::default() };
        let cmd = DecisionCommand::Register {
            decision_id: decision_id.clone(),
            year,
            title: title.to_string(),
            summary: summary.to_string(),
            unit_id: unit_id.to_string(),
            disclosure: disclosure.to_string(),
            confidentiality_basis: confidentiality_basis.map(str::to_string),
            late_addition_reason: addition_reason.map(str::to_string),
        };
        let c = self
            .decisions
            .execute(&streams::decision(&decision_id), &self.metadata(meta), |s| Ok(Decision::decide(s, cmd.clone(), &ctx)?))
            .await?;
        Ok(Written { position: c.position, id: decision_id })
    }

    /// The current state of a decision (for authorization checks elsewhere).
    pub async fn decision_state(&self, decision_id: &str) -> AppResult<Arc<canyu_domain::decision::DecisionState>> {
        let (d, _) = self.decisions.load(&streams::decision(decision_id)).await?;
        if !d.exists {
            return Err(DomainError::DecisionNotFound.into());
        }
        Ok(d)
    }

    /// Runs a command on an existing decision, as staff of its undertaking unit (or admin).
    /// `id` in the result is the decision id, unless the command created a child (consultation,
    /// activity, opinion), whose id is returned instead.
    async fn decision_command_inner(&self, meta: &Meta, decision_id: &str, cmd: DecisionCommand) -> AppResult<Written> {
        let d = self.decision_state(decision_id).await?;
        policy::unit_staff(meta.principal.as_ref(), &d.unit_id)?;
        let mut ctx = DecisionCtx { now: self.clock.now(), ..Default::default() };
        if let DecisionCommand::ConsolidateOpinion { comment_ids, .. } = &cmd {
            for id in comment_ids.iter().take(10_000) {
                let (c, _) = self.comments.load(&streams::comment(id)).await?;
                if c.exists {
                    ctx.comment_decisions.insert(id.clone(), c.decision_id.clone());
                }
            }
        }
        let child = match &cmd {
            DecisionCommand::OpenConsultation { consultation_id, .. } | DecisionCommand::CloseConsultation { consultation_id, .. } => {
                Some(consultation_id.clone())
            }
            DecisionCommand::RecordParticipationActivity { activity_id, .. } => Some(activity_id.clone()),
            DecisionCommand::ConsolidateOpinion { opinion_id, .. } | DecisionCommand::DecideAdoption { opinion_id, .. } => {
                Some(opinion_id.clone())
            }
            _ => None,
        };
        let c = self
            .decisions
            .execute(&streams::decision(decision_id), &self.metadata(meta), |s| Ok(Decision::decide(s, cmd.clone(), &ctx)?))
            .await?;
        Ok(Written { position: c.position, id: child.unwrap_or_else(|| decision_id.to_string()) })
    }

    /// The decision a consultation belongs to.
    pub async fn decision_of_consultation(&self, consultation_id: &str) -> AppResult<String> {
        self.lookup.consultation_decision(consultation_id).await.ok_or_else(|| DomainError::ConsultationNotFound.into())
    }

    /// The decision an opinion belongs to.
    pub async fn decision_of_opinion(&self, opinion_id: &str) -> AppResult<String> {
        self.lookup.opinion_decision(opinion_id).await.ok_or_else(|| DomainError::OpinionNotFound.into())
    }

    // ----- comments -----------------------------------------------------------------------

    /// Submits a comment as the signed-in account. With an idempotency key, a retry with the
    /// same input returns the first result and a different input under the same key is refused.
    async fn submit_comment_inner(&self, meta: &Meta, consultation_id: &str, body: &str, clause_id: Option<&str>) -> AppResult<Written> {
        let p = policy::signed_in(meta.principal.as_ref())?;
        let comment_id = match &meta.idempotency_key {
            Some(k) => Uuid::new_v5(&NS, format!("comment:{}:{k}", p.account_id).as_bytes()).to_string(),
            None => self.new_id(),
        };
        let decision_id = self.decision_of_consultation(consultation_id).await?;
        let (decision, _) = self.decisions.load(&streams::decision(&decision_id)).await?;
        let now = self.clock.now();
        let stream = streams::comment(&comment_id);
        let cmd = CommentCommand::Submit {
            comment_id: comment_id.clone(),
            consultation_id: consultation_id.to_string(),
            account_id: p.account_id.clone(),
            clause_id: clause_id.map(str::to_string),
            body: body.to_string(),
        };
        if meta.idempotency_key.is_some()
            && let Some(w) = self.replay_comment(&stream, &cmd).await?
        {
            return Ok(w);
        }
        let c = self
            .comments
            .execute(&stream, &self.metadata(meta), |s| Ok(Comment::decide(s, cmd.clone(), &CommentCtx { now, decision: &decision })?))
            .await;
        match c {
            Ok(c) => Ok(Written { position: c.position, id: comment_id }),
            // Two concurrent retries with one key: the loser sees the winner's comment.
            Err(AppError::Conflict(_)) if meta.idempotency_key.is_some() => {
                self.replay_comment(&stream, &cmd).await?.ok_or_else(|| AppError::Conflict("try again".into()))
            }
            Err(e) => Err(e),
        }
    }

    async fn replay_comment(&self, stream: &str, cmd: &CommentCommand) -> AppResult<Option<Written>> {
        let existing = self.store.read_stream(stream, 0, 1).await?;
        let Some(first) = existing.first() else { return Ok(None) };
        let Some(canyu_domain::Event::CommentSubmitted(e)) = decode(first)? else {
            return Err(AppError::Unavailable("comment stream does not start with a submission".into()));
        };
        let CommentCommand::Submit { consultation_id, clause_id, body, .. } = cmd else { return Ok(None) };
        let same_clause = clause_id.as_deref().filter(|c| !c.trim().is_empty()) == e.clause_id.as_deref();
        if &e.consultation_id == consultation_id && e.body == body.trim().replace("\r\n", "\n") && same_clause {
            Ok(Some(Written { position: first.position, id: e.comment_id }))
        } else {
            Err(AppError::Rejected {
                reason: "IDEMPOTENCY_KEY_REUSED".into(),
                message: "this idempotency key was already used for a different request".into(),
            })
        }
    }

    /// Hides a comment (staff of the decision's unit, or admin).
    async fn hide_comment_inner(&self, meta: &Meta, comment_id: &str, reason: &str) -> AppResult<Written> {
        let stream = streams::comment(comment_id);
        let (c, _) = self.comments.load(&stream).await?;
        if !c.exists {
            return Err(DomainError::CommentNotFound.into());
        }
        let d = self.decision_state(&c.decision_id).await?;
        policy::unit_staff(meta.principal.as_ref(), &d.unit_id)?;
        let cmd = CommentCommand::Hide { reason: reason.to_string() };
        let now = self.clock.now();
        let w = self
            .comments
            .execute(&stream, &self.metadata(meta), |s| Ok(Comment::decide(s, cmd.clone(), &CommentCtx { now, decision: &d })?))
            .await?;
        Ok(Written { position: w.position, id: comment_id.to_string() })
    }

    // ----- hearings -----------------------------------------------------------------------

    /// Schedules a hearing on a decision (unit staff).
    async fn schedule_hearing_inner(&self, meta: &Meta, cmd: HearingCommand) -> AppResult<Written> {
        let HearingCommand::Schedule { hearing_id, decision_id, .. } = &cmd else {
            return Err(AppError::invalid("input", "not a scheduling command"));
        };
        let d = self.decision_state(decision_id).await?;
        policy::unit_staff(meta.principal.as_ref(), &d.unit_id)?;
        let now = self.clock.now();
        let id = hearing_id.clone();
        let c = self
            .hearings
            .execute(&streams::hearing(&id), &self.metadata(meta), |s| {
                Ok(Hearing::decide(s, cmd.clone(), &HearingCtx { now, decision: &d })?)
            })
            .await?;
        Ok(Written { position: c.position, id })
    }

    /// The decision id a hearing belongs to.
    pub async fn hearing_decision(&self, hearing_id: &str) -> AppResult<String> {
        let (h, _) = self.hearings.load(&streams::hearing(hearing_id)).await?;
        if !h.exists {
            return Err(DomainError::HearingNotFound.into());
        }
        Ok(h.decision_id.clone())
    }

    /// Signs the signed-in account up for a hearing; real name and phone are sealed.
    async fn sign_up_for_hearing_inner(
        &self,
        meta: &Meta,
        hearing_id: &str,
        full_name: &str,
        phone: &str,
        group: &str,
        statement: &str,
    ) -> AppResult<Written> {
        let p = policy::signed_in(meta.principal.as_ref())?;
        let full_name = values::text("fullName", full_name, 1, 50, false)?;
        let phone = values::phone(phone)?;
        let decision_id = self.hearing_decision(hearing_id).await?;
        let d = self.decision_state(&decision_id).await?;
        let personal: Sealed = self.vault.seal(&p.account_id, purpose::HEARING_SIGNUP, &SignupPersonal { full_name, phone }).await?;
        let signup_id = self.new_id();
        let cmd = HearingCommand::SignUp {
            signup_id: signup_id.clone(),
            account_id: p.account_id.clone(),
            display_name: p.display_name.clone(),
            stakeholder_group: group.to_string(),
            statement: statement.to_string(),
            personal,
        };
        let now = self.clock.now();
        let c = self
            .hearings
            .execute(&streams::hearing(hearing_id), &self.metadata(meta), |s| {
                Ok(Hearing::decide(s, cmd.clone(), &HearingCtx { now, decision: &d })?)
            })
            .await?;
        Ok(Written { position: c.position, id: signup_id })
    }

    /// Withdraws the signed-in account's own sign-up.
    pub async fn withdraw_signup(&self, meta: &Meta, signup_id: &str) -> AppResult<(Written, String)> {
        let p = policy::signed_in(meta.principal.as_ref())?;
        let hearing_id = self.lookup.signup_hearing(signup_id).await.ok_or(DomainError::SignupNotFound)?;
        let decision_id = self.hearing_decision(&hearing_id).await?;
        let d = self.decision_state(&decision_id).await?;
        let cmd = HearingCommand::Withdraw { signup_id: signup_id.to_string(), account_id: p.account_id.clone() };
        let run = async {
            let now = self.clock.now();
            let c = self
                .hearings
                .execute(&streams::hearing(&hearing_id), &self.metadata(meta), |s| {
                    Ok(Hearing::decide(s, cmd.clone(), &HearingCtx { now, decision: &d })?)
                })
                .await?;
            Ok(Written { position: c.position, id: signup_id.to_string() })
        };
        let w = self.once(meta, run).await?;
        Ok((w, hearing_id))
    }

    /// Runs an organiser's command on a hearing (draw, publish participants, record held).
    async fn hearing_command_inner(&self, meta: &Meta, hearing_id: &str, cmd: HearingCommand) -> AppResult<Written> {
        let decision_id = self.hearing_decision(hearing_id).await?;
        let d = self.decision_state(&decision_id).await?;
        policy::unit_staff(meta.principal.as_ref(), &d.unit_id)?;
        let now = self.clock.now();
        let c = self
            .hearings
            .execute(&streams::hearing(hearing_id), &self.metadata(meta), |s| {
                Ok(Hearing::decide(s, cmd.clone(), &HearingCtx { now, decision: &d })?)
            })
            .await?;
        Ok(Written { position: c.position, id: hearing_id.to_string() })
    }

    // ----- public, idempotent entry points ---------------------------------------------------

    /// Grants RESIDENT (revoking staff or admin rights at once), UNIT_STAFF of a unit, or ADMIN
    /// (admins only).
    pub async fn grant_role(&self, meta: &Meta, account_id: &str, role: &str, unit_id: Option<&str>) -> AppResult<Written> {
        self.once(meta, self.grant_role_inner(meta, account_id, role, unit_id)).await
    }

    /// Registers an undertaking unit (admins only).
    pub async fn register_unit(&self, meta: &Meta, name: &str) -> AppResult<Written> {
        self.once(meta, self.register_unit_inner(meta, name)).await
    }

    /// Publishes a year's catalogue (admins only).
    pub async fn publish_catalogue(&self, meta: &Meta, year: i32) -> AppResult<Written> {
        self.once(meta, self.publish_catalogue_inner(meta, year)).await
    }

    /// Lists a decision in a year's catalogue (admins only).
    #[expect(clippy::too_many_arguments, reason = "mirrors the GraphQL input one to one")]
    pub async fn register_decision(
        &self,
        meta: &Meta,
        year: i32,
        title: &str,
        summary: &str,
        unit_id: &str,
        disclosure: &str,
        confidentiality_basis: Option<&str>,
        addition_reason: Option<&str>,
    ) -> AppResult<Written> {
        self.once(
            meta,
            self.register_decision_inner(meta, year, title, summary, unit_id, disclosure, confidentiality_basis, addition_reason),
        )
        .await
    }

    /// Runs a command on an existing decision, as staff of its undertaking unit (or admin).
    /// `id` in the result is the decision id, unless the command created or names a child
    /// (consultation, activity, opinion), whose id is returned instead.
    pub async fn decision_command(&self, meta: &Meta, decision_id: &str, cmd: DecisionCommand) -> AppResult<Written> {
        self.once(meta, self.decision_command_inner(meta, decision_id, cmd)).await
    }

    /// Submits a comment as the signed-in account. With an idempotency key, a retry with the
    /// same input returns the first result and a different input under the same key is refused.
    pub async fn submit_comment(&self, meta: &Meta, consultation_id: &str, body: &str, clause_id: Option<&str>) -> AppResult<Written> {
        self.once(meta, self.submit_comment_inner(meta, consultation_id, body, clause_id)).await
    }

    /// Hides a comment (staff of the decision's unit, or admin).
    pub async fn hide_comment(&self, meta: &Meta, comment_id: &str, reason: &str) -> AppResult<Written> {
        self.once(meta, self.hide_comment_inner(meta, comment_id, reason)).await
    }

    /// Schedules a hearing on a decision (unit staff).
    pub async fn schedule_hearing(&self, meta: &Meta, cmd: HearingCommand) -> AppResult<Written> {
        self.once(meta, self.schedule_hearing_inner(meta, cmd)).await
    }

    /// Signs the signed-in account up for a hearing; real name and phone are sealed.
    pub async fn sign_up_for_hearing(
        &self,
        meta: &Meta,
        hearing_id: &str,
        full_name: &str,
        phone: &str,
        group: &str,
        statement: &str,
    ) -> AppResult<Written> {
        // The gateway's fingerprint leaves out the name and phone; they join it here, keyed with
        // the person's own key, so the stored record reveals nothing and is shredded with them.
        let mut meta = meta.clone();
        if let (Some(p), Some(_)) = (&meta.principal, &meta.idempotency_key) {
            let personal = self.vault.fingerprint(&p.account_id, &format!("{full_name}\0{phone}")).await?;
            meta.fingerprint = Some(format!("{}.{personal}", meta.fingerprint.as_deref().unwrap_or("")));
        }
        self.once(&meta, self.sign_up_for_hearing_inner(&meta, hearing_id, full_name, phone, group, statement)).await
    }

    /// Runs an organiser's command on a hearing (draw, publish participants, record held).
    pub async fn hearing_command(&self, meta: &Meta, hearing_id: &str, cmd: HearingCommand) -> AppResult<Written> {
        self.once(meta, self.hearing_command_inner(meta, hearing_id, cmd)).await
    }

    /// Erases a person's personal data (admins only): deletes their key, so every value sealed
    /// for them (username, password hash, real names and phones of sign-ups) is unreadable, then
    /// records the public `account.erased.v1`. Their comments stay, unattributed as before.
    pub async fn erase_person(&self, meta: &Meta, account_id: &str) -> AppResult<Written> {
        policy::admin(meta.principal.as_ref())?;
        self.once(meta, self.erase(meta, account_id)).await
    }

    /// [`App::erase_person`] for the operator's command line (`canyu admin erase-person`).
    pub async fn erase_person_as_operator(&self, account_id: &str) -> AppResult<Written> {
        self.erase(&Meta::default(), account_id).await
    }

    async fn erase(&self, meta: &Meta, account_id: &str) -> AppResult<Written> {
        let stream = streams::account(account_id);
        let (acc, _) = self.accounts.load(&stream).await?;
        if !acc.exists {
            return Err(DomainError::AccountNotFound.into());
        }
        if acc.erased {
            return Err(DomainError::AccountAlreadyErased.into());
        }
        // The key goes first: a crash before the event leaves the data unreadable and the
        // account not yet marked; running the command again deletes nothing and records it.
        self.vault.erase(account_id).await?;
        let ctx = AccountCtx { now: self.clock.now(), ..AccountCtx::default() };
        let c = self.accounts.execute(&stream, &self.metadata(meta), |s| Ok(Account::decide(s, AccountCommand::Erase, &ctx)?)).await?;
        tracing::info!(position = c.position, "personal data erased");
        Ok(Written { position: c.position, id: account_id.to_string() })
    }

    /// Opens the sealed personal data of a hearing sign-up (for the organiser roster).
    pub async fn open_signup_personal(&self, sealed: &Sealed) -> AppResult<Option<SignupPersonal>> {
        self.vault.open(sealed, purpose::HEARING_SIGNUP).await
    }

    /// Account display names and roles, for `me`.
    pub async fn account(&self, account_id: &str) -> AppResult<Arc<canyu_domain::directory::AccountState>> {
        Ok(self.accounts.load(&streams::account(account_id)).await?.0)
    }

    /// The time now, per the application clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
