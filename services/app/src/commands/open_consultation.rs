//! `openConsultation`: opens a consultation on the current draft; ONLINE needs 30 days or a reason stated now (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::{Channel, HowToSubmit, ShortenedReason};
use canyu_domain::{Aggregate, DomainError, Event};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Opens (or announces) a consultation.
#[derive(Debug, Clone, Serialize)]
pub struct OpenConsultation {
    pub decision_id: String,
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub consultation_id: String,
    pub channel: Channel,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub how_to_submit: HowToSubmit,
    pub shortened_reason: Option<ShortenedReason>,
}

#[async_trait]
impl Command for OpenConsultation {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "openConsultation";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::OpenConsultation {
            consultation_id: self.consultation_id.clone(),
            channel: self.channel,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            how_to_submit: self.how_to_submit.clone(),
            shortened_reason: self.shortened_reason.clone(),
        };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
