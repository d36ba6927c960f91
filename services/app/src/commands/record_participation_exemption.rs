//! `recordParticipationExemption`: the unit records why a decision goes ahead without public
//! participation, with its legal basis (Decree 713 Art. 14) (unit staff).

use async_trait::async_trait;
use canyu_domain::decision::{Decision, DecisionCommand};
use canyu_domain::values::ExemptionBasis;
use serde::Serialize;

use super::Step;
use crate::{App, AppResult};

/// Records an exemption from public participation.
#[derive(Debug, Clone, Serialize)]
pub struct RecordParticipationExemption {
    pub decision_id: String,
    pub legal_basis: ExemptionBasis,
}

#[async_trait]
impl Step for RecordParticipationExemption {
    type On = Decision;
    const NAME: &'static str = "recordParticipationExemption";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.decision_id.clone())
    }

    fn command(&self) -> DecisionCommand {
        DecisionCommand::RecordExemption { legal_basis: self.legal_basis.clone() }
    }
}
