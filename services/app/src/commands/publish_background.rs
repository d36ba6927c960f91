//! `publishBackground`: publishes the drafting background (起草背景) of a decision (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::BackgroundText;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Publishes the drafting background.
#[derive(Debug, Clone, Serialize)]
pub struct PublishBackground {
    pub decision_id: String,
    pub text: BackgroundText,
}

#[async_trait]
impl Command for PublishBackground {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "publishBackground";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::PublishBackground { text: self.text.clone() };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
