//! `drawHearingParticipants`: runs the lottery after the sign-up deadline, from a published seed; anyone can recompute it (unit staff).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand};
use canyu_domain::values::Seed;
use serde::Serialize;

use super::Step;
use crate::{App, AppResult};

/// Draws the participants of a LOTTERY hearing.
#[derive(Debug, Clone, Serialize)]
pub struct DrawHearingParticipants {
    pub hearing_id: String,
    /// Published seed of the draw.
    pub seed: Seed,
}

#[async_trait]
impl Step for DrawHearingParticipants {
    type On = Hearing;
    const NAME: &'static str = "drawHearingParticipants";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.hearing_id.clone())
    }

    fn command(&self) -> HearingCommand {
        HearingCommand::Draw { seed: self.seed.clone() }
    }
}
