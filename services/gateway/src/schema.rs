//! Query, Mutation and Subscription roots. Resolvers are thin: build a command, call the app
//! layer, wait until the read models hold the result, return the changed object.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ID, Object, Result, SimpleObject, Subscription};
use canyu_app::{AppError, Meta, Written};
use canyu_domain::decision::DecisionCommand;
use canyu_domain::events::Observer as DomainObserver;
use canyu_domain::hearing::HearingCommand;
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

/// The `Idempotency-Key` header of the request, if any (applies to its one mutation).
#[derive(Debug, Clone)]
pub struct IdempotencyKeyHeader(pub String);

/// Who asks, with the idempotency key (the input's, else the header's) and a fingerprint of
/// the operation and its input, so that a retry under the same key must repeat the input.
/// The fingerprint is keyed with the server's secret, and inputs with personal data pass only
/// their other fields, so the stored fingerprint reveals nothing about the input.
fn meta(ctx: &Context<'_>, operation: &str, input: &impl std::fmt::Debug, idempotency_key: Option<String>) -> Result<Meta> {
    let auth = ctx.data::<Auth>()?;
    let idempotency_key = idempotency_key.or_else(|| ctx.data_opt::<IdempotencyKeyHeader>().map(|h| h.0.clone()));
    let fingerprint = match &idempotency_key {
        Some(_) => Some(services(ctx)?.app.tokens.fingerprint(&format!("{operation}\0{input:?}"))),
        None => None,
    };
    Ok(Meta { principal: auth.0.clone(), correlation_id: None, idempotency_key, fingerprint })
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
    /// The signed-in account, or null.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        let s = services(ctx)?;
        let auth = ctx.data::<Auth>()?;
        Ok(auth.0.as_ref().and_then(|p| s.projections.read(|m| m.accounts.get(&p.account_id).cloned())).map(Account))
    }

    /// All undertaking units.
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        let s = services(ctx)?;
        Ok(s.projections.read(|m| m.units.values().map(|u| Unit { id: ID(u.id.clone()), name: u.name.clone() }).collect()))
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
        let f = filter
            .map(|f| QFilter {
                year: f.year,
                unit_id: f.unit_id.map(|u| u.0),
                stage: f.stage.and_then(|st| canyu_domain::values::Stage::parse("stage", st.as_str()).ok()),
                text: f.text.filter(|t| !t.trim().is_empty()),
            })
            .unwrap_or_default();
        let first = crate::error::page_size(first)?;
        Ok(DecisionConnection::from_page(s.projections.read(|m| query::decisions(m, &f, &v, first, after.as_deref()))))
    }

    /// One decision; with `asOf`, the decision as it stood at that moment.
    async fn decision(&self, ctx: &Context<'_>, id: ID, as_of: Option<DateTime<Utc>>) -> Result<Option<Decision>> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        let Some(live) = s.projections.read(|m| m.decisions.get(id.as_str()).cloned()) else { return Ok(None) };
        if !v.can_see(&live) {
            return Ok(None);
        }
        let Some(at) = as_of else { return Ok(Some(Decision::live(live))) };
        let replay = query::decision_as_of(s.store.as_ref(), id.as_str(), &live.hearing_ids, at).await.map_err(|e| gql(e.into()))?;
        Ok(replay.map(|(view, mut hearings)| {
            // Erasures apply to the past too: an erased person is not shown in any `asOf` view.
            s.projections.read(|m| m.redact_hearings(&mut hearings));
            Decision { view, as_of: Some(at), hearings_as_of: Some(Arc::new(hearings)) }
        }))
    }

    /// One consultation.
    async fn consultation(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Consultation>> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        Ok(s.projections.read(|m| {
            let d = m.decisions.get(m.consultation_decision.get(id.as_str())?)?;
            if !v.can_see(d) {
                return None;
            }
            d.consultations.iter().find(|c| c.id == id.as_str()).map(|c| Consultation { view: c.clone(), as_of: None })
        }))
    }

    /// One hearing.
    async fn hearing(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Hearing>> {
        let s = services(ctx)?;
        let v = viewer(ctx)?;
        Ok(s.projections.read(|m| {
            let h = m.hearings.get(id.as_str())?;
            let d = m.decisions.get(&h.decision_id)?;
            v.can_see(d).then(|| Hearing { view: h.clone(), as_of: None })
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
}

payload!(UnitPayload, unit: Unit);
payload!(AccountPayload, account: Account);
payload!(CataloguePayload, catalogue: Catalogue);
payload!(DecisionPayload, decision: Decision);
payload!(ConsultationPayload, consultation: Consultation);
payload!(CommentPayload, comment: Comment);
payload!(HearingPayload, hearing: Hearing);
payload!(HearingSignupPayload, signup: HearingSignup);
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
    async fn decision_cmd(ctx: &Context<'_>, meta: Meta, decision_id: &ID, cmd: DecisionCommand) -> Result<DecisionPayload> {
        let s = services(ctx)?;
        let w = s.app.decision_command(&meta, decision_id.as_str(), cmd).await.gql()?;
        let position = settle(s, &w).await?;
        Ok(DecisionPayload { position, decision: decision_view(s, decision_id.as_str())? })
    }

    async fn consultation_payload(s: &Services, w: Written, decision_id: &str) -> Result<ConsultationPayload> {
        let position = settle(s, &w).await?;
        let view =
            s.projections.read(|m| m.decisions.get(decision_id).and_then(|d| d.consultations.iter().find(|c| c.id == w.id).cloned()));
        Ok(ConsultationPayload {
            position,
            consultation: Consultation { view: view.ok_or_else(|| gql(AppError::NotFound("consultation not found".into())))?, as_of: None },
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

    async fn signup_payload(s: &Services, w: Written, hearing_id: &str) -> Result<HearingSignupPayload> {
        let position = settle(s, &w).await?;
        let view = s.projections.read(|m| m.hearings.get(hearing_id).and_then(|h| h.signups.iter().find(|x| x.id == w.id).cloned()));
        Ok(HearingSignupPayload {
            position,
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
        let m = meta(ctx, "registerAccount", &(), None)?;
        let s = services(ctx)?;
        let (w, token) = s.app.register_account(&m, &input.username, &input.password, &input.display_name).await.gql()?;
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AuthPayload { position, token, account })
    }

    /// Signs in.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> Result<AuthPayload> {
        let s = services(ctx)?;
        let (account_id, token) = s.app.login(&input.username, &input.password).await.gql()?;
        let w = Written { position: s.projections.position(), id: account_id };
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AuthPayload { position, token, account })
    }

    /// Registers an undertaking unit (admin).
    async fn register_unit(&self, ctx: &Context<'_>, input: RegisterUnitInput) -> Result<UnitPayload> {
        let m = meta(ctx, "registerUnit", &input, None)?;
        let s = services(ctx)?;
        let w = s.app.register_unit(&m, &input.name).await.gql()?;
        let position = settle(s, &w).await?;
        Ok(UnitPayload { position, unit: s.projections.read(|m| Unit::lookup(m, &w.id)) })
    }

    /// Grants RESIDENT, UNIT_STAFF (with unitId) or ADMIN (admin).
    async fn grant_role(&self, ctx: &Context<'_>, input: GrantRoleInput) -> Result<AccountPayload> {
        let m = meta(ctx, "grantRole", &input, None)?;
        let s = services(ctx)?;
        let w =
            s.app.grant_role(&m, input.account_id.as_str(), input.role.as_str(), input.unit_id.as_ref().map(|u| u.as_str())).await.gql()?;
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AccountPayload { position, account })
    }

    /// Erases a person's personal data (admin): deletes their key (crypto-shredding) and
    /// records a public `account.erased.v1`; they are shown as an erased resident from then on.
    async fn erase_person(&self, ctx: &Context<'_>, input: ErasePersonInput) -> Result<AccountPayload> {
        let m = meta(ctx, "erasePerson", &input, None)?;
        let s = services(ctx)?;
        let w = s.app.erase_person(&m, input.account_id.as_str()).await.gql()?;
        let (position, account) = Self::account_payload(s, &w).await?;
        Ok(AccountPayload { position, account })
    }

    /// Lists a major decision in a year's catalogue (admin).
    async fn register_decision(&self, ctx: &Context<'_>, input: RegisterDecisionInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "registerDecision", &input, None)?;
        let s = services(ctx)?;
        let w = s
            .app
            .register_decision(
                &m,
                input.year,
                &input.title,
                &input.summary,
                input.undertaking_unit_id.as_str(),
                input.disclosure.as_str(),
                input.confidentiality_basis.as_deref(),
                input.addition_reason.as_deref(),
            )
            .await
            .gql()?;
        let position = settle(s, &w).await?;
        Ok(DecisionPayload { position, decision: decision_view(s, &w.id)? })
    }

    /// Publishes a year's catalogue (admin).
    async fn publish_catalogue(&self, ctx: &Context<'_>, input: PublishCatalogueInput) -> Result<CataloguePayload> {
        let m = meta(ctx, "publishCatalogue", &input, None)?;
        let s = services(ctx)?;
        let w = s.app.publish_catalogue(&m, input.year).await.gql()?;
        let position = settle(s, &w).await?;
        let v = viewer(ctx)?;
        Ok(CataloguePayload { position, catalogue: Catalogue(s.projections.read(|m| query::catalogue(m, input.year, &v))) })
    }

    /// Publishes the drafting background (unit staff).
    async fn publish_background(&self, ctx: &Context<'_>, input: PublishBackgroundInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "publishBackground", &input, None)?;
        Self::decision_cmd(ctx, m, &input.decision_id, DecisionCommand::PublishBackground { text: input.text }).await
    }

    /// Publishes the next draft version (unit staff).
    async fn publish_draft(&self, ctx: &Context<'_>, input: PublishDraftInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "publishDraft", &input, None)?;
        let cmd = DecisionCommand::PublishDraft { text: input.text, explanation: input.explanation, change_note: input.change_note };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Opens a consultation on the current draft (unit staff). ONLINE needs 30 days or a reason.
    async fn open_consultation(&self, ctx: &Context<'_>, input: OpenConsultationInput) -> Result<ConsultationPayload> {
        let m = meta(ctx, "openConsultation", &input, None)?;
        let s = services(ctx)?;
        let cmd = DecisionCommand::OpenConsultation {
            consultation_id: s.app.new_id(),
            channel: input.channel.as_str().into(),
            opens_at: input.opens_at,
            closes_at: input.closes_at,
            how_to_submit: input.how_to_submit,
            shortened_reason: input.shortened_reason,
        };
        let w = s.app.decision_command(&m, input.decision_id.as_str(), cmd).await.gql()?;
        Self::consultation_payload(s, w, input.decision_id.as_str()).await
    }

    /// Closes a consultation; before its announced end a reason is required (unit staff).
    async fn close_consultation(&self, ctx: &Context<'_>, input: CloseConsultationInput) -> Result<ConsultationPayload> {
        let m = meta(ctx, "closeConsultation", &input, None)?;
        let s = services(ctx)?;
        let decision_id = s.app.decision_of_consultation(input.consultation_id.as_str()).await.gql()?;
        let cmd = DecisionCommand::CloseConsultation { consultation_id: input.consultation_id.0.clone(), reason: input.reason };
        let w = s.app.decision_command(&m, &decision_id, cmd).await.gql()?;
        Self::consultation_payload(s, w, &decision_id).await
    }

    /// Records an offline activity: symposium, written, field visit, questionnaire, poll.
    async fn record_participation_activity(&self, ctx: &Context<'_>, input: RecordParticipationActivityInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "recordParticipationActivity", &input, None)?;
        let s = services(ctx)?;
        let cmd = DecisionCommand::RecordParticipationActivity {
            activity_id: s.app.new_id(),
            kind: input.kind.as_str().into(),
            held_at: input.held_at,
            summary: input.summary,
            participant_count: input.participant_count.into(),
        };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Comments on an open ONLINE consultation, optionally on one clause (signed in).
    async fn submit_comment(&self, ctx: &Context<'_>, input: SubmitCommentInput) -> Result<CommentPayload> {
        let m = meta(ctx, "submitComment", &input, input.idempotency_key.clone())?;
        let s = services(ctx)?;
        if input.idempotency_key.as_ref().is_some_and(|k| k.is_empty() || k.chars().count() > 100) {
            return Err(invalid("idempotencyKey", "must be 1 to 100 characters"));
        }
        let w = s
            .app
            .submit_comment(&m, input.consultation_id.as_str(), &input.body, input.clause_id.as_ref().map(|c| c.as_str()))
            .await
            .gql()?;
        let position = settle(s, &w).await?;
        let c = s.projections.read(|m| m.comment(&w.id).cloned()).ok_or_else(|| gql(AppError::NotFound("comment not found".into())))?;
        Ok(CommentPayload { position, comment: Comment(c) })
    }

    /// Hides a comment with a reason; it stays in the history without its body (unit staff).
    async fn hide_comment(&self, ctx: &Context<'_>, input: HideCommentInput) -> Result<CommentPayload> {
        let m = meta(ctx, "hideComment", &input, None)?;
        let s = services(ctx)?;
        let w = s.app.hide_comment(&m, input.comment_id.as_str(), &input.reason).await.gql()?;
        let position = settle(s, &w).await?;
        let c = s.projections.read(|m| m.comment(&w.id).cloned()).ok_or_else(|| gql(AppError::NotFound("comment not found".into())))?;
        Ok(CommentPayload { position, comment: Comment(c) })
    }

    /// Schedules a hearing; its selection rules are public from now on (unit staff).
    async fn schedule_hearing(&self, ctx: &Context<'_>, input: ScheduleHearingInput) -> Result<HearingPayload> {
        let m = meta(ctx, "scheduleHearing", &input, None)?;
        let s = services(ctx)?;
        let hearing_id = s.app.new_id();
        let cmd = HearingCommand::Schedule {
            hearing_id: hearing_id.clone(),
            decision_id: input.decision_id.0,
            starts_at: input.starts_at,
            venue: input.venue,
            capacity: input.capacity.into(),
            signup_closes_at: input.signup_closes_at,
            selection_method: input.selection_method.as_str().into(),
            selection_rules: input.selection_rules,
            stakeholder_groups: input.stakeholder_groups,
        };
        let w = s.app.schedule_hearing(&m, cmd).await.gql()?;
        // On a keyed retry the result names the first request's hearing, not this new id.
        let id = w.id.clone();
        Self::hearing_payload(s, w, &id).await
    }

    /// Signs up for a hearing with real name and phone (encrypted; signed in).
    async fn sign_up_for_hearing(&self, ctx: &Context<'_>, input: SignUpForHearingInput) -> Result<HearingSignupPayload> {
        let m = meta(ctx, "signUpForHearing", &(&input.hearing_id, &input.stakeholder_group, &input.statement), None)?;
        let s = services(ctx)?;
        let w = s
            .app
            .sign_up_for_hearing(&m, input.hearing_id.as_str(), &input.full_name, &input.phone, &input.stakeholder_group, &input.statement)
            .await
            .gql()?;
        Self::signup_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Withdraws one's own sign-up; a freed seat goes to the first on the waitlist.
    async fn withdraw_hearing_signup(&self, ctx: &Context<'_>, input: WithdrawHearingSignupInput) -> Result<HearingSignupPayload> {
        let m = meta(ctx, "withdrawHearingSignup", &input, None)?;
        let s = services(ctx)?;
        let (w, hearing_id) = s.app.withdraw_signup(&m, input.signup_id.as_str()).await.gql()?;
        Self::signup_payload(s, w, &hearing_id).await
    }

    /// Runs the lottery after the sign-up deadline, from a published seed (unit staff).
    async fn draw_hearing_participants(&self, ctx: &Context<'_>, input: DrawHearingParticipantsInput) -> Result<HearingPayload> {
        let m = meta(ctx, "drawHearingParticipants", &input, None)?;
        let s = services(ctx)?;
        let w = s.app.hearing_command(&m, input.hearing_id.as_str(), HearingCommand::Draw { seed: input.seed }).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Publishes the participant list before the hearing (unit staff).
    async fn publish_hearing_participants(&self, ctx: &Context<'_>, input: PublishHearingParticipantsInput) -> Result<HearingPayload> {
        let m = meta(ctx, "publishHearingParticipants", &input, None)?;
        let s = services(ctx)?;
        let w = s.app.hearing_command(&m, input.hearing_id.as_str(), HearingCommand::PublishParticipants).await.gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Records that the hearing was held, with a summary of its record (unit staff).
    async fn record_hearing_held(&self, ctx: &Context<'_>, input: RecordHearingHeldInput) -> Result<HearingPayload> {
        let m = meta(ctx, "recordHearingHeld", &input, None)?;
        let s = services(ctx)?;
        let w = s
            .app
            .hearing_command(&m, input.hearing_id.as_str(), HearingCommand::RecordHeld { record_summary: input.record_summary })
            .await
            .gql()?;
        Self::hearing_payload(s, w, input.hearing_id.as_str()).await
    }

    /// Groups comments (and offline input) into one opinion (unit staff).
    async fn consolidate_opinion(&self, ctx: &Context<'_>, input: ConsolidateOpinionInput) -> Result<OpinionPayload> {
        let m = meta(ctx, "consolidateOpinion", &input, None)?;
        let s = services(ctx)?;
        let cmd = DecisionCommand::ConsolidateOpinion {
            opinion_id: s.app.new_id(),
            summary: input.summary,
            comment_ids: input.comment_ids.into_iter().map(|c| c.0).collect(),
            concentrated: input.concentrated,
        };
        let w = s.app.decision_command(&m, input.decision_id.as_str(), cmd).await.gql()?;
        Self::opinion_payload(s, w, input.decision_id.as_str()).await
    }

    /// Decides whether an opinion is adopted; a rationale is required unless ADOPTED.
    async fn decide_adoption(&self, ctx: &Context<'_>, input: DecideAdoptionInput) -> Result<OpinionPayload> {
        let m = meta(ctx, "decideAdoption", &input, None)?;
        let s = services(ctx)?;
        let decision_id = s.app.decision_of_opinion(input.opinion_id.as_str()).await.gql()?;
        let cmd = DecisionCommand::DecideAdoption {
            opinion_id: input.opinion_id.0.clone(),
            outcome: input.outcome.as_str().into(),
            rationale: input.rationale,
        };
        let w = s.app.decision_command(&m, &decision_id, cmd).await.gql()?;
        Self::opinion_payload(s, w, &decision_id).await
    }

    /// Publishes the feedback report (意见采纳情况) once consultations are closed and every
    /// opinion has a decision (unit staff).
    async fn publish_feedback_report(&self, ctx: &Context<'_>, input: PublishFeedbackReportInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "publishFeedbackReport", &input, None)?;
        Self::decision_cmd(ctx, m, &input.decision_id, DecisionCommand::PublishFeedbackReport { summary: input.summary }).await
    }

    /// Records the decision meeting with observers (列席) and dissent (unit staff).
    async fn record_deliberation(&self, ctx: &Context<'_>, input: RecordDeliberationInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "recordDeliberation", &input, None)?;
        let cmd = DecisionCommand::RecordDeliberation {
            meeting_kind: input.meeting_kind.as_str().into(),
            held_at: input.held_at,
            summary: input.summary,
            dissent: input.dissent,
            observers: input
                .observers
                .into_iter()
                .map(|o| DomainObserver { name: o.name, affiliation: o.affiliation, opinion: o.opinion, adoption: o.adoption })
                .collect(),
        };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Publishes the result with its interpretation (政策解读), released together (unit staff).
    async fn publish_decision_result(&self, ctx: &Context<'_>, input: PublishDecisionResultInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "publishDecisionResult", &input, None)?;
        let cmd = DecisionCommand::PublishResult {
            text: input.text,
            document_number: input.document_number,
            effective_at: input.effective_at,
            interpretation: input.interpretation,
        };
        Self::decision_cmd(ctx, m, &input.decision_id, cmd).await
    }

    /// Withdraws a decision before its result, with a reason (unit staff).
    async fn withdraw_decision(&self, ctx: &Context<'_>, input: WithdrawDecisionInput) -> Result<DecisionPayload> {
        let m = meta(ctx, "withdrawDecision", &input, None)?;
        Self::decision_cmd(ctx, m, &input.decision_id, DecisionCommand::Withdraw { reason: input.reason }).await
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
        let visible = s.projections.read(|m| m.decisions.get(decision_id.as_str()).map(|d| v.can_see(d)));
        if visible != Some(true) {
            return Err(gql(AppError::NotFound("decision not found".into())));
        }
        let mut rx = s.projections.watch();
        let mut last = *rx.borrow_and_update();
        let id = decision_id.0;
        Ok(async_stream::stream! {
            loop {
                if rx.changed().await.is_err() {
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
