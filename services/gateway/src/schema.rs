//! Query, Mutation and Subscription roots. Resolvers are thin: build a command, call the app
//! layer, wait until the read models hold the result, return the changed object.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ID, Object, Result, SimpleObject, Subscription};
use canyu_app::{AppError, Command, Meta, Written, commands};
use canyu_domain::decision::ObserverInput;
use canyu_domain::values::TextValue;
use canyu_projections::query::{self, DecisionFilter as QFilter};
use chrono::{DateTime, Utc};
use futures::Stream;

use crate::error::{OrGql, gql, invalid};
use crate::inputs::*;
use crate::types::*;
use crate::{Auth, Services, viewer};

/// How long a mutation waits for the read models to include its events.
pub const READ_YOUR_WRITES_TIMEOUT: Duration = Duration::from_secs(5);

fn services<'a>(ctx: &'a Context<'_>) -> Result<&'a Arc<Services>> {
    ctx.data::<Arc<Services>>()
}

fn transparency_log<'a>(ctx: &'a Context<'_>) -> Result<&'a Arc<canyu_translog::TransparencyLog>> {
    services(ctx)?.log.as_ref().ok_or_else(|| gql(AppError::NotFound("this server keeps no transparency log".into())))
}

/// A non-negative decimal string argument (sizes and indexes exceed GraphQL's 32-bit Int).
fn decimal(field: &str, value: &str) -> Result<u64> {
    if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(gql(AppError::invalid(field, "must be a non-negative decimal number")));
    }
    value.parse().map_err(|_| gql(AppError::invalid(field, "is out of range")))
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The `Idempotency-Key` header of the request, if any (applies to its one mutation).
#[derive(Debug, Clone)]
pub struct IdempotencyKeyHeader(pub String);

/// Parses a text input into the value object its command carries (`VALIDATION` with the
/// field's name otherwise): input is parsed at the edge, before any lookup or permission check.
fn parse<T: TextValue>(value: &str) -> Result<T> {
    T::parse(value).map_err(|e| gql(e.into()))
}

/// [`parse`] for an optional input: absent or blank is `None`.
fn parse_optional<T: TextValue>(value: Option<&str>) -> Result<Option<T>> {
    T::parse_optional(value).map_err(|e| gql(e.into()))
}

/// Who asks, with the idempotency key (the input's, else the `Idempotency-Key` header's). The
/// application fingerprints the typed command itself, so a retry must repeat the input.
fn meta(ctx: &Context<'_>, idempotency_key: Option<String>) -> Result<Meta> {
    let auth = ctx.data::<Auth>()?;
    let idempotency_key = idempotency_key.or_else(|| ctx.data_opt::<IdempotencyKeyHeader>().map(|h| h.0.clone()));
    Ok(Meta { principal: auth.0.clone(), idempotency_key, ..Meta::default() })
}

/// Waits (bounded) until the read models show the write, so the answer reflects it. When
/// they cannot (a replica whose store went away, a projector being replaced, a stalled fold),
/// answers `UNAVAILABLE` with the position: the write is recorded, and a retry with the same
/// idempotency key returns it.
async fn settle(s: &Services, w: &Written) -> Result<String> {
    let deadline = tokio::time::Instant::now() + READ_YOUR_WRITES_TIMEOUT;
    loop {
        if s.projections.wait_for(w.position, Duration::from_millis(250)).await {
            return Ok(w.position.to_string());
        }
        if s.stale_replica().is_some() || tokio::time::Instant::now() >= deadline {
            tracing::warn!(position = w.position, "read models did not reach the write in time");
            let message = format!(
                "recorded at position {}, but the read models cannot show it yet; retry with the same idempotency key for the result",
                w.position
            );
            let e = crate::error::refused("UNAVAILABLE", message);
            return Err(async_graphql::ErrorExtensions::extend_with(e, |_, e| e.set("position", w.position.to_string())));
        }
    }
}

fn decision_view(s: &Services, id: &str) -> Result<Decision> {
    s.projections
        .read(|m| m.decisions.get(id).cloned())
        .map(Decision::live)
        .ok_or_else(|| gql(AppError::NotFound("decision not found".into())))
}

pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// The transparency log's newest signed checkpoint (also at `/log/checkpoint`).
    async fn log_checkpoint(&self, ctx: &Context<'_>) -> Result<Option<LogCheckpoint>> {
        let s = services(ctx)?;
        Ok(s.log.as_ref().and_then(|l| l.latest_checkpoint()).map(|cp| LogCheckpoint {
            origin: s.log.as_ref().map(|l| l.origin().to_owned()).unwrap_or_default(),
            tree_size: cp.size.to_string(),
            root_hash: b64(&cp.root),
            note: cp.note,
            signed_at: cp.signed_at,
        }))
    }

    /// The inclusion proof of leaf `leafIndex` in the tree of `treeSize` leaves (decimal
    /// strings); ask it at the size of a checkpoint you hold, not the current one.
    async fn inclusion_proof(&self, ctx: &Context<'_>, leaf_index: String, tree_size: String) -> Result<InclusionProof> {
        let log = transparency_log(ctx)?;
        let index = decimal("leafIndex", &leaf_index)?;
        let size = decimal("treeSize", &tree_size)?;
        if size > log.size() {
            return Err(gql(AppError::invalid("treeSize", format!("the log has {} leaves", log.size()))));
        }
        if index >= size {
            return Err(gql(AppError::invalid("leafIndex", format!("a tree of {size} leaves has no leaf {index}"))));
        }
        let hashes = log.inclusion_proof(index, size).map_err(|e| gql(AppError::invalid("treeSize", e.to_string())))?;
        let leaf = log.leaf_hash(index).ok_or_else(|| gql(AppError::invalid("leafIndex", "no such leaf")))?;
        let root = log.root(size).map_err(|e| gql(AppError::invalid("treeSize", e.to_string())))?;
        let checkpoint = log
            .checkpoint_at_most(size)
            .map_err(|e| gql(AppError::unavailable("transparency log", e)))?
            .filter(|c| c.size == size)
            .map(|c| c.note);
        Ok(InclusionProof {
            leaf_index,
            tree_size,
            leaf_hash: b64(&leaf),
            root_hash: b64(&root),
            hashes: hashes.iter().map(|h| b64(h)).collect(),
            checkpoint,
        })
    }

    /// The consistency proof from the tree of `from` leaves to the tree of `to` leaves
    /// (decimal strings): that the larger extends the smaller, nothing rewritten.
    async fn consistency_proof(&self, ctx: &Context<'_>, from: String, to: String) -> Result<ConsistencyProof> {
        let log = transparency_log(ctx)?;
        let (a, b) = (decimal("from", &from)?, decimal("to", &to)?);
        if b > log.size() {
            return Err(gql(AppError::invalid("to", format!("the log has {} leaves", log.size()))));
        }
        if a > b {
            return Err(gql(AppError::invalid("from", "from is larger than to")));
        }
        let hashes = log.consistency_proof(a, b).map_err(|e| gql(AppError::invalid("to", e.to_string())))?;
        Ok(ConsistencyProof { from, to, hashes: hashes.iter().map(|h| b64(h)).collect() })
    }

    /// The signed-in account, or null.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        let s = services(ctx)?;
        let auth = ctx.data::<Auth>()?;
        Ok(auth.0.as_ref().and_then(|p| s.projections.read(|m| m.accounts.get(&p.account_id).cloned())).map(Account))
    }

    /// The account of a username, to grant it a role (admins only). Null when there is none.
    async fn account_by_username(&self, ctx: &Context<'_>, username: String) -> Result<Option<Account>> {
        let s = services(ctx)?;
        canyu_app::policy::admin(ctx.data::<Auth>()?.0.as_ref()).gql()?;
        let Ok(username) = canyu_domain::values::username(&username) else { return Ok(None) };
        let Some(id) = s.app.account_id_of(&username).await.gql()? else { return Ok(None) };
        Ok(s.projections.read(|m| m.accounts.get(&id).cloned()).map(Account))
    }

    /// All undertaking units.
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        let s = services(ctx)?;
        let mut units: Vec<Unit> =
            s.projections.read(|m| m.units.values().map(|u| Unit { id: ID(u.id.clone()), name: u.name.clone() }).collect());
        units.sort_by(|a, b| a.id.0.cmp(&b.id.0));
        Ok(units)
    }

    /// The annual catalogue of a year.
    async fn catalogue(&self, ctx: &Context<'_>, year: i32) -> Result<Option<Catalogue>> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        Ok(Some(Catalogue(s.projections.read(|m| query::catalogue(m, year, &v)))))
    }

    /// Decisions, filtered by year, unit, stage or text, in catalogue order.
    async fn decisions(
        &self,
        ctx: &Context<'_>,
        filter: Option<DecisionFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<DecisionConnection> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        let now = s.app.now();
        let f = filter
            .map(|f| QFilter {
                year: f.year,
                unit_id: f.unit_id.map(|u| u.0),
                stage: f.stage.map(Into::into),
                text: f.text.filter(|t| !t.trim().is_empty()),
                now,
            })
            .unwrap_or(QFilter { now, ..QFilter::default() });
        let first = crate::error::page_size(first)?;
        Ok(DecisionConnection::from_page(s.projections.read(|m| query::decisions(m, &f, &v, first, after.as_deref()))))
    }

    /// One decision; with `asOf`, the decision as it stood at that moment.
    async fn decision(&self, ctx: &Context<'_>, id: ID, as_of: Option<DateTime<Utc>>) -> Result<Option<Decision>> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        let Some(live) = s.projections.read(|m| m.decisions.get(id.as_str()).filter(|d| v.can_see(m, d)).cloned()) else {
            return Ok(None);
        };
        let Some(at) = as_of else { return Ok(Some(Decision::live(live))) };
        let plan = s.projections.read(|m| query::PastPlan::of(m, &live, at));
        let past = query::decision_as_of(s.store.as_ref(), &plan, at).await.map_err(|e| gql(e.into()))?;
        Ok(past.and_then(|p| Decision::past(Arc::new(p), id.as_str())))
    }

    /// One consultation.
    async fn consultation(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Consultation>> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        Ok(s.projections.read(|m| {
            let d = m.decisions.get(m.consultation_decision.get(id.as_str())?)?;
            if !v.can_see(m, d) {
                return None;
            }
            d.consultations.iter().find(|c| c.id == id.as_str()).map(|c| Consultation::live(c.clone()))
        }))
    }

    /// One hearing.
    async fn hearing(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Hearing>> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        Ok(s.projections.read(|m| {
            let h = m.hearings.get(id.as_str())?;
            let d = m.decisions.get(&h.decision_id)?;
            v.can_see(m, d).then(|| Hearing { view: h.clone(), as_of: None })
        }))
    }

    /// What awaits action for a unit's decisions (staff of the unit and admins).
    async fn unit_dashboard(&self, ctx: &Context<'_>, unit_id: ID) -> Result<Vec<DashboardItem>> {
        let s = services(ctx)?;
        canyu_app::policy::unit_staff(ctx.data::<Auth>()?.0.as_ref(), unit_id.as_str()).gql()?;
        let now = s.app.now();
        Ok(s.projections.read(|m| {
            query::dashboard(m, unit_id.as_str(), now)
                .into_iter()
                .map(|i| DashboardItem {
                    decision: Decision::live(i.decision),
                    awaiting: i.awaiting,
                    ungrouped_comments: i.ungrouped_comments as i32,
                })
                .collect()
        }))
    }
}

macro_rules! payload {
    ($name:ident, $field:ident : $ty:ty) => {
        #[derive(SimpleObject)]
        pub struct $name {
            /// Global position of the mutation's last event, as a decimal string.
            pub position: String,
            pub $field: $ty,
        }
    };
    ($name:ident, $field:ident : $ty:ty, receipt) => {
        #[derive(SimpleObject)]
        pub struct $name {
            /// Global position of the mutation's last event, as a decimal string.
            pub position: String,
            pub $field: $ty,
            /// The transparency log's signed receipt for what a resident wrote: keep it, and
            /// check later that the log kept its promise (null when the mutation wrote no
            /// resident's input, or the server keeps no log).
            pub receipt: Option<Receipt>,
        }
    };
}

/// The log's receipt for the event at `position`, once the log has taken it in.
async fn receipt(s: &Services, position: u64) -> Option<Receipt> {
    let log = s.log.as_ref()?;
    match log.receipt(position, Duration::from_secs(2)).await {
        Ok((r, note)) => Some(Receipt {
            leaf_index: r.leaf_index.to_string(),
            leaf_hash: b64(&r.leaf_hash),
            accepted_at: DateTime::parse_from_rfc3339(&r.accepted_at).ok()?.to_utc(),
            include_by: DateTime::parse_from_rfc3339(&r.include_by).ok()?.to_utc(),
            note,
        }),
        Err(e) => {
            tracing::warn!(position, error = %e, "no receipt for a resident's write");
            None
        }
    }
}

payload!(UnitPayload, unit: Unit);
payload!(AccountPayload, account: Account);
payload!(CataloguePayload, catalogue: Catalogue);
payload!(DecisionPayload, decision: Decision);
payload!(ConsultationPayload, consultation: Consultation);
payload!(CommentPayload, comment: Comment, receipt);
payload!(HearingPayload, hearing: Hearing);
payload!(HearingSignupPayload, signup: HearingSignup, receipt);
payload!(OpinionPayload, opinion: Opinion);

/// A signed-in session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    pub position: String,
    /// Bearer token for the `Authorization` header.
    pub token: String,
    pub account: Account,
}

pub struct MutationRoot;

impl MutationRoot {
    async fn decision_cmd<C: Command>(ctx: &Context<'_>, meta: Meta, decision_id: &ID, cmd: C) -> Result<DecisionPayload> {
        let s = services(ctx)?;
        let w = s.app.execute(&meta, cmd).await.gql()?;
        let position = settle(s, &w).await?;
        Ok(DecisionPayload { position, decision: decision_view(s, decision_id.as_str())? })
    }

    async fn consultation_payload(s: &Services, w: Written, decision_id: &str) -> Result<ConsultationPayload> {
        let position = settle(s, &w).await?;
        let view =
            s.projections.read(|m| m.decisions.get(decision_id).and_then(|d| d.consultations.iter().find(|c| c.id == w.id).cloned()));
        Ok(ConsultationPayload {
            position,
            consultation: Consultation::live(view.ok_or_else(|| gql(AppError::NotFound("consultation not found".into())))?),
        })
    }

    async fn opinion_payload(s: &Services, w: Written, decision_id: &str) -> Result<OpinionPayload> {
        let position = settle(s, &w).await?;
        let view = s.projections.read(|m| m.decisions.get(decision_id).and_then(|d| d.opinions.iter().find(|o| o.id == w.id).cloned()));
        Ok(OpinionPayload { position, opinion: Opinion(view.ok_or_else(|| gql(AppError::NotFound("opinion not found".into())))?) })
    }

    async fn hearing_payload(s: &Services, w: Written, hearing_id: &str) -> Result<HearingPayload> {
        let position = settle(s, &w).await?;
        let view = s.projections.read(|m| m.hearings.get(hearing_id).cloned());
        Ok(HearingPayload {
            position,
            hearing: Hearing { view: view.ok_or_else(|| gql(AppError::NotFound("hearing not found".into())))?, as_of: None },
        })
    }

    async fn signup_payload(s: &Services, w: Written, hearing_id: &str, with_receipt: bool) -> Result<HearingSignupPayload> {
        let position = settle(s, &w).await?;
        let receipt = if with_receipt { receipt(s, w.position).await } else { None };
        let view = s.projections.read(|m| m.hearings.get(hearing_id).and_then(|h| h.signups.iter().find(|x| x.id == w.id).cloned()));
        Ok(HearingSignupPayload {
            position,
            receipt,
            signup: HearingSignup(view.ok_or_else(|| gql(AppError::NotFound("sign-up not found".into())))?),
        })
    }

    async fn account_payload(s: &Services, w: &Written) -> Result<(String, Account)> {
        let position = settle(s, w).await?;
        let acc =
            s.projections.read(|m| m.accounts.get(&w.id).cloned()).ok_or_else(|| gql(AppError::NotFound("account not found".into())))?;
        Ok((position, Account(acc)))
    }
}

#[Object]
impl MutationRoot {
    /// Creates a resident account and signs it in.
    async fn register_account(&self, ctx: &Context<'_>, input: RegisterAccountInput) -> Result<AuthPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let (w, token) = s.app.register_account(&m, &input.username, &input.password, &input.display_name).await.gql()?;
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AuthPayload { position, token, account })
    }

    /// Signs in.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> Result<AuthPayload> {
        let s = services(ctx)?;
        if let Some(limits) = ctx.data_opt::<crate::server::limits::LoginLimits>() {
            let client = ctx.data_opt::<crate::server::limits::ClientKey>().map_or("unknown", |c| c.0.as_str());
            limits.attempt(client, &input.username).await.gql()?;
        }
        let (account_id, token) = s.app.login(&input.username, &input.password).await.gql()?;
        let w = Written { position: s.projections.position(), id: account_id };
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AuthPayload { position, token, account })
    }

    /// Registers an undertaking unit (admin).
    async fn register_unit(&self, ctx: &Context<'_>, input: RegisterUnitInput) -> Result<UnitPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let w = s.app.execute(&m, commands::RegisterUnit { name: parse(&input.name)? }).await.gql()?;
        let position = settle(s, &w).await?;
        Ok(UnitPayload { position, unit: s.projections.read(|m| Unit::lookup(m, &w.id)) })
    }

    /// Grants RESIDENT, UNIT_STAFF (with unitId) or ADMIN (admin).
    async fn grant_role(&self, ctx: &Context<'_>, input: GrantRoleInput) -> Result<AccountPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::GrantRole { account_id: input.account_id.0, role: input.role.into(), unit_id: input.unit_id.map(|u| u.0) };
        let w = s.app.execute(&m, cmd).await.gql()?;
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AccountPayload { position, account })
    }

    /// Erases a person's personal data (admin): deletes their key (crypto-shredding) and
    /// records a public `account.erased.v1`; they are shown as an erased resident from then on.
    async fn erase_person(&self, ctx: &Context<'_>, input: ErasePersonInput) -> Result<AccountPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let w = s.app.execute(&m, commands::ErasePerson { account_id: input.account_id.0 }).await.gql()?;
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AccountPayload { position, account })
    }

    /// Lists a major decision in a year's catalogue (admin).
    async fn register_decision(&self, ctx: &Context<'_>, input: RegisterDecisionInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::RegisterDecision {
            decision_id: s.app.new_id(),
            year: input.year,
            title: parse(&input.title)?,
            summary: parse(&input.summary)?,
            unit_id: input.undertaking_unit_id.0,
            disclosure: input.disclosure.into(),
            confidentiality_basis: parse_optional(input.confidentiality_basis.as_deref())?,
            addition_reason: parse_optional(input.addition_reason.as_deref())?,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        let position = settle(s, &w).await?;
        Ok(DecisionPayload { position, decision: decision_view(s, &w.id)? })
    }

    /// Publishes a year's catalogue (admin).
    async fn publish_catalogue(&self, ctx: &Context<'_>, input: PublishCatalogueInput) -> Result<CataloguePayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let w = s.app.execute(&m, commands::PublishCatalogue { year: input.year }).await.gql()?;
        let position = settle(s, &w).await?;
        let v = viewer(ctx)?;
        Ok(CataloguePayload { position, catalogue: Catalogue(s.projections.read(|m| query::catalogue(m, input.year, &v))) })
    }

    /// Publishes the drafting background (unit staff).
    async fn publish_background(&self, ctx: &Context<'_>, input: PublishBackgroundInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let cmd = commands::PublishBackground { decision_id: input.decision_id.0.clone(), text: parse(&input.text)? };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Publishes the next draft version (unit staff).
    async fn publish_draft(&self, ctx: &Context<'_>, input: PublishDraftInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let cmd = commands::PublishDraft {
            decision_id: input.decision_id.0.clone(),
            text: parse(&input.text)?,
            explanation: parse(&input.explanation)?,
            change_note: parse(&input.change_note)?,
        };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Opens a consultation on the current draft (unit staff). ONLINE needs 30 days or a reason.
    async fn open_consultation(&self, ctx: &Context<'_>, input: OpenConsultationInput) -> Result<ConsultationPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::OpenConsultation {
            decision_id: input.decision_id.0.clone(),
            consultation_id: s.app.new_id(),
            channel: input.channel.into(),
            opens_at: input.opens_at,
            closes_at: input.closes_at,
            how_to_submit: parse(&input.how_to_submit)?,
            shortened_reason: parse_optional(input.shortened_reason.as_deref())?,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::consultation_payload(s, w, input.decision_id.as_str()).await
    }

    /// Closes a consultation; before its announced end a reason is required (unit staff).
    async fn close_consultation(&self, ctx: &Context<'_>, input: CloseConsultationInput) -> Result<ConsultationPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let decision_id = s.app.decision_of_consultation(input.consultation_id.as_str()).await.gql()?;
        let cmd =
            commands::CloseConsultation { consultation_id: input.consultation_id.0, reason: parse_optional(input.reason.as_deref())? };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::consultation_payload(s, w, &decision_id).await
    }

    /// Records an offline activity: symposium, written, field visit, questionnaire, poll.
    async fn record_participation_activity(&self, ctx: &Context<'_>, input: RecordParticipationActivityInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::RecordParticipationActivity {
            decision_id: input.decision_id.0.clone(),
            activity_id: s.app.new_id(),
            kind: input.kind.into(),
            held_at: input.held_at,
            summary: parse(&input.summary)?,
            participant_count: input.participant_count.into(),
        };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Records that the decision goes ahead without public participation, with the legal basis
    /// that allows it (Decree 713 Art. 14); shown publicly on the decision and in its history.
    async fn record_participation_exemption(&self, ctx: &Context<'_>, input: RecordParticipationExemptionInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let cmd =
            commands::RecordParticipationExemption { decision_id: input.decision_id.0.clone(), legal_basis: parse(&input.legal_basis)? };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Comments on an open ONLINE consultation, optionally on one clause (signed in).
    async fn submit_comment(&self, ctx: &Context<'_>, input: SubmitCommentInput) -> Result<CommentPayload> {
        let m = meta(ctx, input.idempotency_key.clone())?;
        let s = services(ctx)?;
        if input.idempotency_key.as_ref().is_some_and(|k| k.is_empty() || k.chars().count() > 100) {
            return Err(invalid("idempotencyKey", "must be 1 to 100 characters"));
        }
        let cmd = commands::SubmitComment {
            comment_id: s.app.new_id(),
            consultation_id: input.consultation_id.0,
            body: parse(&input.body)?,
            clause_id: parse_optional(input.clause_id.as_ref().map(|c| c.as_str()))?,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        let position = settle(s, &w).await?;
        let c = s.projections.read(|m| m.comment(&w.id).cloned()).ok_or_else(|| gql(AppError::NotFound("comment not found".into())))?;
        Ok(CommentPayload { position, comment: Comment::live(c), receipt: receipt(s, w.position).await })
    }

    /// Hides a comment with a reason; it stays in the history without its body (unit staff).
    async fn hide_comment(&self, ctx: &Context<'_>, input: HideCommentInput) -> Result<CommentPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let w = s.app.execute(&m, commands::HideComment { comment_id: input.comment_id.0, reason: parse(&input.reason)? }).await.gql()?;
        let position = settle(s, &w).await?;
        let c = s.projections.read(|m| m.comment(&w.id).cloned()).ok_or_else(|| gql(AppError::NotFound("comment not found".into())))?;
        Ok(CommentPayload { position, comment: Comment::live(c), receipt: None })
    }

    /// Schedules a hearing; its selection rules are public from now on (unit staff).
    async fn schedule_hearing(&self, ctx: &Context<'_>, input: ScheduleHearingInput) -> Result<HearingPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::ScheduleHearing {
            hearing_id: s.app.new_id(),
            decision_id: input.decision_id.0,
            starts_at: input.starts_at,
            venue: parse(&input.venue)?,
            capacity: input.capacity.into(),
            signup_closes_at: input.signup_closes_at,
            selection_method: input.selection_method.into(),
            selection_rules: parse(&input.selection_rules)?,
            stakeholder_groups: input.stakeholder_groups.iter().map(|g| parse(g)).collect::<Result<_>>()?,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        // On a keyed retry the result names the first request's hearing, not this new id.
        let id = w.id.clone();
        Self::hearing_payload(s, w, &id).await
    }

    /// Signs up for a hearing with real name and phone (encrypted; signed in).
    async fn sign_up_for_hearing(&self, ctx: &Context<'_>, input: SignUpForHearingInput) -> Result<HearingSignupPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::SignUpForHearing {
            signup_id: s.app.new_id(),
            hearing_id: input.hearing_id.0.clone(),
            full_name: input.full_name,
            phone: input.phone,
            stakeholder_group: parse(&input.stakeholder_group)?,
            statement: parse(&input.statement)?,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::signup_payload(s, w, input.hearing_id.as_str(), true).await
    }

    /// Withdraws one's own sign-up; a freed seat goes to the first on the waitlist.
    async fn withdraw_hearing_signup(&self, ctx: &Context<'_>, input: WithdrawHearingSignupInput) -> Result<HearingSignupPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        // The sign-up is looked up first: another id under a used key names nothing (NOT_FOUND).
        let hearing_id = s.app.hearing_of_signup(input.signup_id.as_str()).await.gql()?;
        let w = s.app.execute(&m, commands::WithdrawHearingSignup { signup_id: input.signup_id.0 }).await.gql()?;
        Self::signup_payload(s, w, &hearing_id, false).await
    }

    /// Runs the lottery after the sign-up deadline, from a published seed (unit staff).
    async fn draw_hearing_participants(&self, ctx: &Context<'_>, input: DrawHearingParticipantsInput) -> Result<HearingPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::DrawHearingParticipants { hearing_id: input.hearing_id.0.clone(), seed: parse(&input.seed)? };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Publishes the participant list before the hearing (unit staff).
    async fn publish_hearing_participants(&self, ctx: &Context<'_>, input: PublishHearingParticipantsInput) -> Result<HearingPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let w = s.app.execute(&m, commands::PublishHearingParticipants { hearing_id: input.hearing_id.0.clone() }).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Records that the hearing was held, with a summary of its record (unit staff).
    async fn record_hearing_held(&self, ctx: &Context<'_>, input: RecordHearingHeldInput) -> Result<HearingPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::RecordHearingHeld { hearing_id: input.hearing_id.0.clone(), record_summary: parse(&input.record_summary)? };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Records the materials delivered to the participants, and when (unit staff). A hearing is
    /// recorded as held only if they were delivered at least 7 days before it (Decree 713 Art. 17).
    async fn deliver_hearing_materials(&self, ctx: &Context<'_>, input: DeliverHearingMaterialsInput) -> Result<HearingPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::DeliverHearingMaterials {
            hearing_id: input.hearing_id.0.clone(),
            materials: parse(&input.materials)?,
            delivered_at: input.delivered_at,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Publishes the hearing record (笔录) after the hearing, for the participants to confirm
    /// (unit staff).
    async fn publish_hearing_record(&self, ctx: &Context<'_>, input: PublishHearingRecordInput) -> Result<HearingPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::PublishHearingRecord { hearing_id: input.hearing_id.0.clone(), text: parse(&input.text)? };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// A published participant confirms the hearing record, or objects to it with a note.
    async fn answer_hearing_record(&self, ctx: &Context<'_>, input: AnswerHearingRecordInput) -> Result<HearingPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::AnswerHearingRecord {
            hearing_id: input.hearing_id.0.clone(),
            objection: parse_optional(input.objection.as_deref())?,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Groups comments (and offline input) into one opinion (unit staff).
    async fn consolidate_opinion(&self, ctx: &Context<'_>, input: ConsolidateOpinionInput) -> Result<OpinionPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let cmd = commands::ConsolidateOpinion {
            decision_id: input.decision_id.0.clone(),
            opinion_id: s.app.new_id(),
            summary: parse(&input.summary)?,
            comment_ids: input.comment_ids.into_iter().map(|c| c.0).collect(),
            concentrated: input.concentrated,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::opinion_payload(s, w, input.decision_id.as_str()).await
    }

    /// Decides whether an opinion is adopted; a rationale is required unless ADOPTED.
    async fn decide_adoption(&self, ctx: &Context<'_>, input: DecideAdoptionInput) -> Result<OpinionPayload> {
        let m = meta(ctx, None)?;
        let s = services(ctx)?;
        let decision_id = s.app.decision_of_opinion(input.opinion_id.as_str()).await.gql()?;
        let cmd = commands::DecideAdoption {
            opinion_id: input.opinion_id.0,
            outcome: input.outcome.into(),
            rationale: parse_optional(input.rationale.as_deref())?,
        };
        let w = s.app.execute(&m, cmd).await.gql()?;
        Self::opinion_payload(s, w, &decision_id).await
    }

    /// Publishes the feedback report (意见采纳情况) once consultations are closed and every
    /// opinion has a decision (unit staff).
    async fn publish_feedback_report(&self, ctx: &Context<'_>, input: PublishFeedbackReportInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let cmd = commands::PublishFeedbackReport { decision_id: input.decision_id.0.clone(), summary: parse(&input.summary)? };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Records the decision meeting with observers (列席) and dissent (unit staff).
    async fn record_deliberation(&self, ctx: &Context<'_>, input: RecordDeliberationInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let cmd = commands::RecordDeliberation {
            decision_id: input.decision_id.0.clone(),
            meeting_kind: input.meeting_kind.into(),
            held_at: input.held_at,
            summary: parse(&input.summary)?,
            dissent: parse(&input.dissent)?,
            observers: input
                .observers
                .into_iter()
                .map(|o| {
                    Ok(ObserverInput {
                        name: parse(&o.name)?,
                        affiliation: parse(&o.affiliation)?,
                        opinion: parse(&o.opinion)?,
                        outcome: o.outcome.into(),
                        rationale: parse_optional(o.rationale.as_deref())?,
                    })
                })
                .collect::<Result<_>>()?,
        };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Publishes the result with its interpretation (政策解读), released together (unit staff).
    async fn publish_decision_result(&self, ctx: &Context<'_>, input: PublishDecisionResultInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let cmd = commands::PublishDecisionResult {
            decision_id: input.decision_id.0.clone(),
            text: parse(&input.text)?,
            document_number: parse(&input.document_number)?,
            effective_at: input.effective_at,
            interpretation: parse(&input.interpretation)?,
        };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Withdraws a decision before its result, with a reason (unit staff).
    async fn withdraw_decision(&self, ctx: &Context<'_>, input: WithdrawDecisionInput) -> Result<DecisionPayload> {
        let m = meta(ctx, None)?;
        let cmd = commands::WithdrawDecision { decision_id: input.decision_id.0.clone(), reason: parse(&input.reason)? };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }
}

pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// New history entries of a decision, live, in commit order. Never skips an entry: each
    /// wake-up re-reads the read model after the last position delivered.
    async fn decision_history(&self, ctx: &Context<'_>, decision_id: ID) -> Result<impl Stream<Item = HistoryEntry> + use<>> {
        let s = services(ctx)?.clone();
        let v = viewer(ctx)?;
        let visible = s.projections.read(|m| m.decisions.get(decision_id.as_str()).map(|d| v.can_see(m, d)));
        if visible != Some(true) {
            return Err(gql(AppError::NotFound("decision not found".into())));
        }
        let mut rx = s.projections.watch();
        let mut last = *rx.borrow_and_update();
        let id = decision_id.0;
        // On a WebSocket the principal is looked up again at each wake-up: a revoked role or
        // an erased account ends the subscription before anything more is delivered.
        let token = ctx.data_opt::<crate::server::limits::SocketToken>().and_then(|t| t.0.clone());
        Ok(async_stream::stream! {
            loop {
                if rx.changed().await.is_err() {
                    break;
                }
                let auth = match &token {
                    None => Some(Auth(None)),
                    Some(t) => s.app.authenticate(t).await.ok().map(|p| Auth(Some(p))),
                };
                let Some(auth) = auth else { break };
                let viewer = crate::types::viewer_of(&auth);
                if s.projections.read(|m| m.decisions.get(id.as_str()).map(|d| viewer.can_see(m, d))) != Some(true) {
                    break;
                }
                let pos = *rx.borrow_and_update();
                let entries = s.projections.read(|m| query::history_after(m, &id, last));
                last = pos.max(entries.last().map_or(0, |e| e.position));
                for e in entries {
                    yield HistoryEntry::from(e);
                }
            }
        })
    }
}
