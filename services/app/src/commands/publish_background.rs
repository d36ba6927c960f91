//! `publishBackground`: publishes the drafting background (起草背景) of a decision (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::BackgroundText;
use serde::Serialize;

use super::DecisionStep;
use crate::{App, AppResult};

/// Publishes the drafting background.
#[derive(Debug, Clone, Serialize)]
pub struct PublishBackground {
    pub decision_id: String,
    pub text: BackgroundText,
}

#[async_trait]
impl DecisionStep for PublishBackground {
    const NAME: &'static str = "publishBackground";

    async fn decision_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::PublishBackground { text: self.text.clone() }
    }
}
