//! `openConsultation`: opens a consultation on the current draft; ONLINE needs 30 days or a reason stated now (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::{Channel, HowToSubmit, ShortenedReason};
use chrono::{DateTime, Utc};
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Opens (or announces) a consultation.
#[derive(Debug, Clone, Serialize)]
pub struct OpenConsultation {
    pub decision_id: String,
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub consultation_id: String,
    pub channel: Channel,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub how_to_submit: HowToSubmit,
    pub shortened_reason: Option<ShortenedReason>,
}

#[async_trait]
impl Step for OpenConsultation {
    type On = Decision;
    const NAME: &'static str = "openConsultation";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::OpenConsultation {
            consultation_id: self.consultation_id.clone(),
            channel: self.channel,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            how_to_submit: self.how_to_submit.clone(),
            shortened_reason: self.shortened_reason.clone(),
        }
    }
}
