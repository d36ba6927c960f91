//! `drawHearingParticipants`: runs the lottery after the sign-up deadline, from a published seed; anyone can recompute it (unit staff).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::values::Seed;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::OnHearing;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Draws the participants of a LOTTERY hearing.
#[derive(Debug, Clone, Serialize)]
pub struct DrawHearingParticipants {
    pub hearing_id: String,
    /// Published seed of the draw.
    pub seed: Seed,
}

#[async_trait]
impl Command for DrawHearingParticipants {
    type Aggregate = Hearing;
    type Facts = OnHearing;
    const NAME: &'static str = "drawHearingParticipants";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnHearing>> {
        OnHearing::load(app, &self.hearing_id).await
    }

    fn unit(facts: &OnHearing) -> Option<&str> {
        facts.unit()
    }

    fn decide(&self, state: &HearingState, facts: &OnHearing, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Hearing::decide(state, HearingCommand::Draw { seed: self.seed.clone() }, &HearingCtx { now: now.at, decision: &facts.decision })
    }
}
