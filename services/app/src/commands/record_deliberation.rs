//! `recordDeliberation`: records the decision meeting with its observers (列席) and dissent (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState, ObserverInput};
use canyu_domain::values::{Dissent, MeetingKind, MeetingSummary};
use canyu_domain::{Aggregate, DomainError, Event};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::OnDecision;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Records the decision meeting.
#[derive(Debug, Clone, Serialize)]
pub struct RecordDeliberation {
    pub decision_id: String,
    pub meeting_kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub summary: MeetingSummary,
    pub dissent: Dissent,
    pub observers: Vec<ObserverInput>,
}

#[async_trait]
impl Command for RecordDeliberation {
    type Aggregate = Decision;
    type Facts = OnDecision;
    const NAME: &'static str = "recordDeliberation";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnDecision>> {
        OnDecision::load(app, &self.decision_id).await
    }

    fn unit(facts: &OnDecision) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &DecisionState, facts: &OnDecision, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::RecordDeliberation {
            meeting_kind: self.meeting_kind,
            held_at: self.held_at,
            summary: self.summary.clone(),
            dissent: self.dissent.clone(),
            observers: self.observers.clone(),
        };
        Decision::decide(state, command, &DecisionCtx { now: now.at, ..facts.ctx.clone() })
    }
}
