//! `recordHearingHeld`: records that the hearing was held, with a summary of its record (unit staff).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::values::RecordSummary;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnHearing;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Records a held hearing.
#[derive(Debug, Clone, Serialize)]
pub struct RecordHearingHeld {
    pub hearing_id: String,
    pub record_summary: RecordSummary,
}

#[async_trait]
impl Command for RecordHearingHeld {
    type Aggregate = Hearing;
    type Facts = OnHearing;
    const NAME: &'static str = "recordHearingHeld";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnHearing>> {
        OnHearing::load(app, &self.hearing_id).await
    }

    fn unit(facts: &OnHearing) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &HearingState, facts: &OnHearing, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Hearing::decide(
            state,
            HearingCommand::RecordHeld { record_summary: self.record_summary.clone() },
            &HearingCtx { now: now.at, decision: &facts.decision },
        )
    }
}
