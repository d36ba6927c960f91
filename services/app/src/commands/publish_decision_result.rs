//! `publishDecisionResult`: publishes the decision result with its interpretation (政策解读), released together (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::{DocumentNumber, Interpretation, ResultText};
use canyu_domain::{Aggregate, DomainError, Event};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Publishes the decision result.
#[derive(Debug, Clone, Serialize)]
pub struct PublishDecisionResult {
    pub decision_id: String,
    pub text: ResultText,
    pub document_number: DocumentNumber,
    pub effective_at: DateTime<Utc>,
    pub interpretation: Interpretation,
}

#[async_trait]
impl Command for PublishDecisionResult {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "publishDecisionResult";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::PublishResult {
            text: self.text.clone(),
            document_number: self.document_number.clone(),
            effective_at: self.effective_at,
            interpretation: self.interpretation.clone(),
        };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
