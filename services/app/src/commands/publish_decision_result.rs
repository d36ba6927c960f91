//! `publishDecisionResult`: publishes the decision result with its interpretation (政策解读), released together (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::{DocumentNumber, Interpretation, ResultText};
use chrono::{DateTime, Utc};
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Publishes the decision result.
#[derive(Debug, Clone, Serialize)]
pub struct PublishDecisionResult {
    pub decision_id: String,
    pub text: ResultText,
    pub document_number: DocumentNumber,
    pub effective_at: DateTime<Utc>,
    pub interpretation: Interpretation,
}

#[async_trait]
impl Step for PublishDecisionResult {
    type On = Decision;
    const NAME: &'static str = "publishDecisionResult";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::PublishResult {
            text: self.text.clone(),
            document_number: self.document_number.clone(),
            effective_at: self.effective_at,
            interpretation: self.interpretation.clone(),
        }
    }
}
