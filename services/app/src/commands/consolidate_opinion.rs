//! `consolidateOpinion`: groups comments (and offline input) into one opinion (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::OpinionSummary;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Most comments one opinion may name (more are refused as unknown by the rule).
const MAX_COMMENTS_CHECKED: usize = 10_000;

/// Groups comments into an opinion.
#[derive(Debug, Clone, Serialize)]
pub struct ConsolidateOpinion {
    pub decision_id: String,
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub opinion_id: String,
    pub summary: OpinionSummary,
    pub comment_ids: Vec<String>,
    pub concentrated: bool,
}

#[async_trait]
impl Command for ConsolidateOpinion {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "consolidateOpinion";
    const ACCESS: Access = Access::UnitStaff;

    /// Also loads which decision each named comment belongs to, from the comments' own streams.
    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        let mut prepared = OnDecision::load(app, &self.decision_id).await?;
        for id in self.comment_ids.iter().take(MAX_COMMENTS_CHECKED) {
            let c = app.comment_state(&streams::comment(id)).await?;
            if c.exists {
                prepared.facts.ctx.comment_decisions.insert(id.clone(), c.decision_id.clone());
                prepared.facts.ctx.comment_consultations.insert(id.clone(), c.consultation_id.clone());
            }
        }
        Ok(prepared)
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::ConsolidateOpinion {
            opinion_id: self.opinion_id.clone(),
            summary: self.summary.clone(),
            comment_ids: self.comment_ids.clone(),
            concentrated: self.concentrated,
        };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
