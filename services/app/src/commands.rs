//! One file per command: its typed input, its authorization rule, where it appends and the
//! outside facts it needs (see [`crate::command`] for the path every command takes).
//!
//! Shared here: the facts most commands on a decision or hearing load.

use std::sync::Arc;

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared, Stored};
use crate::{App, AppResult, Principal, streams};

mod answer_hearing_record;
mod close_consultation;
mod consolidate_opinion;
mod create_account;
mod decide_adoption;
mod deliver_hearing_materials;
mod draw_hearing_participants;
mod erase_person;
mod grant_role;
mod hide_comment;
mod open_consultation;
mod publish_background;
mod publish_catalogue;
mod publish_decision_result;
mod publish_draft;
mod publish_feedback_report;
mod publish_hearing_participants;
mod publish_hearing_record;
mod record_deliberation;
mod record_hearing_held;
mod record_participation_activity;
mod record_participation_exemption;
mod register_decision;
mod register_unit;
mod schedule_hearing;
mod sign_up_for_hearing;
mod submit_comment;
mod withdraw_decision;
mod withdraw_hearing_signup;

pub use answer_hearing_record::AnswerHearingRecord;
pub use close_consultation::CloseConsultation;
pub use consolidate_opinion::ConsolidateOpinion;
pub use create_account::CreateAccount;
pub use decide_adoption::DecideAdoption;
pub use deliver_hearing_materials::DeliverHearingMaterials;
pub use draw_hearing_participants::DrawHearingParticipants;
pub use erase_person::ErasePerson;
pub use grant_role::GrantRole;
pub use hide_comment::HideComment;
pub use open_consultation::OpenConsultation;
pub use publish_background::PublishBackground;
pub use publish_catalogue::PublishCatalogue;
pub use publish_decision_result::PublishDecisionResult;
pub use publish_draft::PublishDraft;
pub use publish_feedback_report::PublishFeedbackReport;
pub use publish_hearing_participants::PublishHearingParticipants;
pub use publish_hearing_record::PublishHearingRecord;
pub use record_deliberation::RecordDeliberation;
pub use record_hearing_held::RecordHearingHeld;
pub use record_participation_activity::RecordParticipationActivity;
pub use record_participation_exemption::RecordParticipationExemption;
pub use register_decision::RegisterDecision;
pub use register_unit::RegisterUnit;
pub use schedule_hearing::ScheduleHearing;
pub use sign_up_for_hearing::SignUpForHearing;
pub use submit_comment::SubmitComment;
pub use withdraw_decision::WithdrawDecision;
pub use withdraw_hearing_signup::WithdrawHearingSignup;

/// Facts of a command on an existing decision: the decision's state (its unit authorizes).
#[derive(Debug)]
pub struct OnDecision {
    pub decision: Arc<DecisionState>,
    pub ctx: DecisionCtx,
}

impl OnDecision {
    /// Loads an existing decision (`NOT_FOUND` otherwise) and its stream.
    pub async fn load(app: &App, decision_id: &str) -> AppResult<Prepared<OnDecision>> {
        let decision = app.decision_state(decision_id).await?;
        Ok(Prepared { stream: streams::decision(decision_id), facts: OnDecision { decision, ctx: DecisionCtx::default() } })
    }

    /// The decision's undertaking unit.
    pub fn unit(&self) -> Option<&str> {
        Some(&self.decision.unit_id)
    }
}

/// The shape most commands on a decision or a hearing share: a step on an existing
/// aggregate, taken by staff of the decision's undertaking unit, decided with the time alone.
/// Implementing it implements [`Command`].
#[async_trait]
pub trait Step: Serialize + Send + Sync + 'static {
    /// The aggregate it changes: [`Decision`] or [`Hearing`].
    type On: StepTarget;
    /// The operation, e.g. `publishDraft`.
    const NAME: &'static str;
    /// The id of the decision or hearing it is on (through the locator when the input names a
    /// child of it).
    async fn target_id(&self, app: &App) -> AppResult<String>;
    /// The domain's command.
    fn command(&self) -> <Self::On as Aggregate>::Command;
}

/// What a [`Step`] needs of its aggregate: how to load it and its facts, whose unit may act,
/// and how to decide with the time.
#[async_trait]
pub trait StepTarget: Stored {
    type Facts: Send + Sync;
    /// The stream and facts of an existing aggregate (`NOT_FOUND` otherwise).
    async fn load(app: &App, id: &str) -> AppResult<Prepared<Self::Facts>>;
    /// The unit whose staff may act.
    fn unit(facts: &Self::Facts) -> Option<&str>;
    fn decide_step(state: &Self::State, command: Self::Command, facts: &Self::Facts, now: Now<'_>) -> Result<Vec<Event>, DomainError>;
}

#[async_trait]
impl StepTarget for Decision {
    type Facts = OnDecision;
    async fn load(app: &App, id: &str) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, id).await
    }
    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }
    fn decide_step(state: &DecisionState, command: DecisionCommand, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}

#[async_trait]
impl StepTarget for Hearing {
    type Facts = OnHearing;
    async fn load(app: &App, id: &str) -> AppResult<Prepared<OnHearing>> {
        OnHearing::load(app, id).await
    }
    fn unit(facts: &OnHearing) -> Option<&str> {
        facts.unit()
    }
    fn decide_step(state: &HearingState, command: HearingCommand, facts: &OnHearing, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Hearing::decide(state, command, &HearingCtx { now: now.at, decision: &facts.decision })
    }
}

#[async_trait]
impl<T: Step> Command for T {
    type Aggregate = T::On;
    type Facts = <T::On as StepTarget>::Facts;
    const NAME: &'static str = <T as Step>::NAME;
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<Self::Facts>> {
        T::On::load(app, &self.target_id(app).await?).await
    }

    fn unit(facts: &Self::Facts) -> Option<&str> {
        T::On::unit(facts)
    }

    fn decide(&self, state: &<T::On as Aggregate>::State, facts: &Self::Facts, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        T::On::decide_step(state, self.command(), facts, now)
    }
}

/// Facts of a command on an existing hearing: its decision's state.
#[derive(Debug)]
pub struct OnHearing {
    pub decision: Arc<DecisionState>,
}

impl OnHearing {
    /// Loads an existing hearing's decision (`NOT_FOUND` when either is missing).
    pub async fn load(app: &App, hearing_id: &str) -> AppResult<Prepared<OnHearing>> {
        let decision_id = app.hearing_decision(hearing_id).await?;
        let decision = app.decision_state(&decision_id).await?;
        Ok(Prepared { stream: streams::hearing(hearing_id), facts: OnHearing { decision } })
    }

    pub fn unit(&self) -> Option<&str> {
        Some(&self.decision.unit_id)
    }
}

/// The caller's account id ([`Access`](crate::command::Access) guarantees a caller).
pub(crate) fn caller(now: &crate::command::Now<'_>) -> Result<String, DomainError> {
    now.principal.map(|p| p.account_id.clone()).ok_or(DomainError::AccountNotFound)
}
