//! `publishBackground`: publishes the drafting background (起草背景) of a decision (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::BackgroundText;
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Publishes the drafting background.
#[derive(Debug, Clone, Serialize)]
pub struct PublishBackground {
    pub decision_id: String,
    pub text: BackgroundText,
}

#[async_trait]
impl Step for PublishBackground {
    type On = Decision;
    const NAME: &'static str = "publishBackground";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::PublishBackground { text: self.text.clone() }
    }
}
