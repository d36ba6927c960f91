//! `recordDeliberation`: records the decision meeting with its observers (列席) and dissent (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{DecisionCommand, ObserverInput};
use canyu_domain::values::{Dissent, MeetingKind, MeetingSummary};
use chrono::{DateTime, Utc};
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Records the decision meeting.
#[derive(Debug, Clone, Serialize)]
pub struct RecordDeliberation {
    pub decision_id: String,
    pub meeting_kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub summary: MeetingSummary,
    pub dissent: Dissent,
    pub observers: Vec<ObserverInput>,
}

#[async_trait]
impl Step for RecordDeliberation {
    type On = Decision;
    const NAME: &'static str = "recordDeliberation";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::RecordDeliberation {
            meeting_kind: self.meeting_kind,
            held_at: self.held_at,
            summary: self.summary.clone(),
            dissent: self.dissent.clone(),
            observers: self.observers.clone(),
        }
    }
}
