//! `recordParticipationActivity`: records an offline participation activity (symposium, written, field visit, questionnaire, poll) (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::{ActivityKind, ActivitySummary};
use chrono::{DateTime, Utc};
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Records an offline participation activity.
#[derive(Debug, Clone, Serialize)]
pub struct RecordParticipationActivity {
    pub decision_id: String,
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub activity_id: String,
    pub kind: ActivityKind,
    pub held_at: DateTime<Utc>,
    pub summary: ActivitySummary,
    pub participant_count: i64,
}

#[async_trait]
impl Step for RecordParticipationActivity {
    type On = Decision;
    const NAME: &'static str = "recordParticipationActivity";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::RecordParticipationActivity {
            activity_id: self.activity_id.clone(),
            kind: self.kind,
            held_at: self.held_at,
            summary: self.summary.clone(),
            participant_count: self.participant_count,
        }
    }
}
