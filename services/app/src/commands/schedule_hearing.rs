//! `scheduleHearing`: schedules a hearing (听证会) on a decision; its selection rules are public
//! from now on (unit staff).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::values::{DeclaredGroup, SelectionMethod, SelectionRules, Venue};
use canyu_domain::{Aggregate, DomainError, Event};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::OnHearing;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Schedules a hearing.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleHearing {
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub hearing_id: String,
    pub decision_id: String,
    pub starts_at: DateTime<Utc>,
    pub venue: Venue,
    pub capacity: i64,
    pub signup_closes_at: DateTime<Utc>,
    pub selection_method: SelectionMethod,
    pub selection_rules: SelectionRules,
    pub stakeholder_groups: Vec<DeclaredGroup>,
}

#[async_trait]
impl Command for ScheduleHearing {
    type Aggregate = Hearing;
    type Facts = OnHearing;
    const NAME: &'static str = "scheduleHearing";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnHearing>> {
        let decision = app.decision_state(&self.decision_id).await?;
        Ok(Prepared { stream: streams::hearing(&self.hearing_id), facts: OnHearing { decision } })
    }

    fn unit(facts: &OnHearing) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &HearingState, facts: &OnHearing, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = HearingCommand::Schedule {
            hearing_id: self.hearing_id.clone(),
            decision_id: self.decision_id.clone(),
            starts_at: self.starts_at,
            venue: self.venue.clone(),
            capacity: self.capacity,
            signup_closes_at: self.signup_closes_at,
            selection_method: self.selection_method,
            selection_rules: self.selection_rules.clone(),
            stakeholder_groups: self.stakeholder_groups.clone(),
        };
        Hearing::decide(state, command, &HearingCtx { now: now.at, decision: &facts.decision })
    }
}
