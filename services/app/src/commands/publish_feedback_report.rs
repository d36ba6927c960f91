//! `publishFeedbackReport`: publishes the feedback report (意见采纳情况) once consultations are closed and every opinion has a decision (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::ReportSummary;
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Publishes the feedback report.
#[derive(Debug, Clone, Serialize)]
pub struct PublishFeedbackReport {
    pub decision_id: String,
    pub summary: ReportSummary,
}

#[async_trait]
impl Step for PublishFeedbackReport {
    type On = Decision;
    const NAME: &'static str = "publishFeedbackReport";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::PublishFeedbackReport { summary: self.summary.clone() }
    }
}
