//! `publishHearingParticipants`: publishes the participant list before the hearing (unit staff).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnHearing;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Publishes the participant list.
#[derive(Debug, Clone, Serialize)]
pub struct PublishHearingParticipants {
    pub hearing_id: String,
}

#[async_trait]
impl Command for PublishHearingParticipants {
    type Aggregate = Hearing;
    type Facts = OnHearing;
    const NAME: &'static str = "publishHearingParticipants";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnHearing>> {
        OnHearing::load(app, &self.hearing_id).await
    }

    fn unit(facts: &OnHearing) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &HearingState, facts: &OnHearing, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Hearing::decide(state, HearingCommand::PublishParticipants, &HearingCtx { now: now.at, decision: &facts.decision })
    }
}
