//! `decideAdoption`: decides whether an opinion is adopted; a rationale is required unless ADOPTED (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::DecisionCommand;
use canyu_domain::values::{AdoptionOutcome, Rationale};
use serde::Serialize;

use canyu_domain::decision::Decision;

use super::Step;
use crate::{App, AppResult};

/// Decides the adoption of an opinion, found by its id alone.
#[derive(Debug, Clone, Serialize)]
pub struct DecideAdoption {
    pub opinion_id: String,
    pub outcome: AdoptionOutcome,
    pub rationale: Option<Rationale>,
}

#[async_trait]
impl Step for DecideAdoption {
    type On = Decision;
    const NAME: &'static str = "decideAdoption";

    async fn target_id(&self, app: &App) -> AppResult<String> {
        app.decision_of_opinion(&self.opinion_id).await
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::DecideAdoption { opinion_id: self.opinion_id.clone(), outcome: self.outcome, rationale: self.rationale.clone() }
    }
}
