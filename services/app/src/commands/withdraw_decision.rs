//! `withdrawDecision`: withdraws a decision before its result, with a reason (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::WithdrawalReason;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Withdraws a decision.
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawDecision {
    pub decision_id: String,
    pub reason: WithdrawalReason,
}

#[async_trait]
impl Command for WithdrawDecision {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "withdrawDecision";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::Withdraw { reason: self.reason.clone() };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
