//! `publishDraft`: publishes the next draft version; each non-blank line is a clause (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::{ChangeNote, DraftText, Explanation};
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Publishes the next draft version.
#[derive(Debug, Clone, Serialize)]
pub struct PublishDraft {
    pub decision_id: String,
    pub text: DraftText,
    pub explanation: Explanation,
    pub change_note: ChangeNote,
}

#[async_trait]
impl Step for PublishDraft {
    type On = Decision;
    const NAME: &'static str = "publishDraft";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::PublishDraft {
            text: self.text.clone(),
            explanation: self.explanation.clone(),
            change_note: self.change_note.clone(),
        }
    }
}
