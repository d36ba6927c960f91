//! `withdrawDecision`: withdraws a decision before its result, with a reason (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::WithdrawalReason;
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Withdraws a decision.
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawDecision {
    pub decision_id: String,
    pub reason: WithdrawalReason,
}

#[async_trait]
impl Step for WithdrawDecision {
    type On = Decision;
    const NAME: &'static str = "withdrawDecision";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::Withdraw { reason: self.reason.clone() }
    }
}
