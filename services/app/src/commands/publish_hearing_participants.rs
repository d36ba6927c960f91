//! `publishHearingParticipants`: publishes the participant list before the hearing (unit staff).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand};
use serde::Serialize;

use super::Step;
use crate::{App, AppResult};

/// Publishes the participant list.
#[derive(Debug, Clone, Serialize)]
pub struct PublishHearingParticipants {
    pub hearing_id: String,
}

#[async_trait]
impl Step for PublishHearingParticipants {
    type On = Hearing;
    const NAME: &'static str = "publishHearingParticipants";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.hearing_id.clone())
    }

    fn command(&self) -> HearingCommand {
        HearingCommand::PublishParticipants
    }
}
