//! `decideAdoption`: decides whether an opinion is adopted; a rationale is required unless ADOPTED (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::{AdoptionOutcome, Rationale};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Decides the adoption of an opinion, found by its id alone.
#[derive(Debug, Clone, Serialize)]
pub struct DecideAdoption {
    pub opinion_id: String,
    pub outcome: AdoptionOutcome,
    pub rationale: Option<Rationale>,
}

#[async_trait]
impl Command for DecideAdoption {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "decideAdoption";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        let decision_id = app.decision_of_opinion(&self.opinion_id).await?;
        OnDecision::load(app, &decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::DecideAdoption {
            opinion_id: self.opinion_id.clone(),
            outcome: self.outcome,
            rationale: self.rationale.clone(),
        };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
