//! `publishDraft`: publishes the next draft version; each non-blank line is a clause (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::{ChangeNote, DraftText, Explanation};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Publishes the next draft version.
#[derive(Debug, Clone, Serialize)]
pub struct PublishDraft {
    pub decision_id: String,
    pub text: DraftText,
    pub explanation: Explanation,
    pub change_note: ChangeNote,
}

#[async_trait]
impl Command for PublishDraft {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "publishDraft";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::PublishDraft {
            text: self.text.clone(),
            explanation: self.explanation.clone(),
            change_note: self.change_note.clone(),
        };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
