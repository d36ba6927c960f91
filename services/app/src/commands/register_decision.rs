//! `registerDecision`: lists a major decision in a year's catalogue (admins).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand, DecisionCtx, DecisionState};
use canyu_domain::values::{AdditionReason, ConfidentialityBasis, DecisionSummary, Disclosure, Title};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Lists a decision in the catalogue of `year`.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterDecision {
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub decision_id: String,
    pub year: i32,
    pub title: Title,
    pub summary: DecisionSummary,
    pub unit_id: String,
    pub disclosure: Disclosure,
    pub confidentiality_basis: Option<ConfidentialityBasis>,
    /// Required once the year's catalogue is published.
    pub addition_reason: Option<AdditionReason>,
}

/// Whether the catalogue is already published and the unit exists.
#[derive(Debug)]
pub struct CatalogueAndUnit {
    catalogue_published: bool,
    unit_exists: bool,
}

#[async_trait]
impl Command for RegisterDecision {
    type Aggregate = Decision;
    type Facts = CatalogueAndUnit;
    const NAME: &'static str = "registerDecision";
    const ACCESS: Access = Access::Admin;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<CatalogueAndUnit>> {
        let catalogue_published = (2000..=2100).contains(&self.year) && app.catalogue_published(self.year).await?;
        let unit_exists = app.unit_exists(&self.unit_id).await?;
        Ok(Prepared { stream: streams::decision(&self.decision_id), facts: CatalogueAndUnit { catalogue_published, unit_exists } })
    }

    fn decide(&self, state: &DecisionState, facts: &CatalogueAndUnit, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = DecisionCommand::Register {
            decision_id: self.decision_id.clone(),
            year: self.year,
            title: self.title.clone(),
            summary: self.summary.clone(),
            unit_id: self.unit_id.clone(),
            disclosure: self.disclosure,
            confidentiality_basis: self.confidentiality_basis.clone(),
            late_addition_reason: self.addition_reason.clone(),
        };
        let ctx = DecisionCtx {
            now: now.at,
            catalogue_published: facts.catalogue_published,
            unit_exists: facts.unit_exists,
            ..DecisionCtx::default()
        };
        Decision::decide(state, command, &ctx)
    }
}
