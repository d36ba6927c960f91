//! `closeConsultation`: closes a consultation; before its announced end a reason is required (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::CloseReason;
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Closes a consultation, found by its id alone.
#[derive(Debug, Clone, Serialize)]
pub struct CloseConsultation {
    pub consultation_id: String,
    pub reason: Option<CloseReason>,
}

#[async_trait]
impl Step for CloseConsultation {
    type On = Decision;
    const NAME: &'static str = "closeConsultation";

    async fn target_id(&self, app: &App) -> AppResult<String> {
        app.decision_of_consultation(&self.consultation_id).await
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::CloseConsultation { consultation_id: self.consultation_id.clone(), reason: self.reason.clone() }
    }
}
