//! `recordHearingHeld`: records that the hearing was held, with a summary of its record (unit staff).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand};
use canyu_domain::values::RecordSummary;
use serde::Serialize;

use super::Step;
use crate::{App, AppResult};

/// Records a held hearing.
#[derive(Debug, Clone, Serialize)]
pub struct RecordHearingHeld {
    pub hearing_id: String,
    pub record_summary: RecordSummary,
}

#[async_trait]
impl Step for RecordHearingHeld {
    type On = Hearing;
    const NAME: &'static str = "recordHearingHeld";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.hearing_id.clone())
    }

    fn command(&self) -> HearingCommand {
        HearingCommand::RecordHeld { record_summary: self.record_summary.clone() }
    }
}
