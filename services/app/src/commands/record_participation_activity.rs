//! `recordParticipationActivity`: records an offline participation activity (symposium, written, field visit, questionnaire, poll) (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::{ActivityKind, ActivitySummary};
use canyu_domain::{Aggregate, DomainError, Event};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Records an offline participation activity.
#[derive(Debug, Clone, Serialize)]
pub struct RecordParticipationActivity {
    pub decision_id: String,
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub activity_id: String,
    pub kind: ActivityKind,
    pub held_at: DateTime<Utc>,
    pub summary: ActivitySummary,
    pub participant_count: i64,
}

#[async_trait]
impl Command for RecordParticipationActivity {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "recordParticipationActivity";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::RecordParticipationActivity {
            activity_id: self.activity_id.clone(),
            kind: self.kind,
            held_at: self.held_at,
            summary: self.summary.clone(),
            participant_count: self.participant_count,
        };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
