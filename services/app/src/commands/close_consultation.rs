//! `closeConsultation`: closes a consultation; before its announced end a reason is required (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::CloseReason;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Closes a consultation, found by its id alone.
#[derive(Debug, Clone, Serialize)]
pub struct CloseConsultation {
    pub consultation_id: String,
    pub reason: Option<CloseReason>,
}

#[async_trait]
impl Command for CloseConsultation {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "closeConsultation";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        let decision_id = app.decision_of_consultation(&self.consultation_id).await?;
        OnDecision::load(app, &decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::CloseConsultation { consultation_id: self.consultation_id.clone(), reason: self.reason.clone() };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
