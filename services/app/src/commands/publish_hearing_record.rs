//! `publishHearingRecord`: publishes the hearing record (笔录) after the hearing, for its
//! participants to confirm (unit staff; Decree 713 Art. 17).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand};
use canyu_domain::values::HearingRecordText;
use serde::Serialize;

use super::Step;
use crate::{App, AppResult};

/// Publishes a held hearing's record.
#[derive(Debug, Clone, Serialize)]
pub struct PublishHearingRecord {
    pub hearing_id: String,
    pub text: HearingRecordText,
}

#[async_trait]
impl Step for PublishHearingRecord {
    type On = Hearing;
    const NAME: &'static str = "publishHearingRecord";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.hearing_id.clone())
    }

    fn command(&self) -> HearingCommand {
        HearingCommand::PublishRecord { text: self.text.clone() }
    }
}
