//! `publishFeedbackReport`: publishes the feedback report (意见采纳情况) once consultations are closed and every opinion has a decision (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::ReportSummary;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Publishes the feedback report.
#[derive(Debug, Clone, Serialize)]
pub struct PublishFeedbackReport {
    pub decision_id: String,
    pub summary: ReportSummary,
}

#[async_trait]
impl Command for PublishFeedbackReport {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "publishFeedbackReport";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::PublishFeedbackReport { summary: self.summary.clone() };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
