//! `deliverHearingMaterials`: records the materials delivered to a hearing's participants, and
//! when (unit staff; Decree 713 Art. 17).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand};
use canyu_domain::values::MaterialsList;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Step;
use crate::{App, AppResult};

/// Records a delivery of hearing materials.
#[derive(Debug, Clone, Serialize)]
pub struct DeliverHearingMaterials {
    pub hearing_id: String,
    pub materials: MaterialsList,
    pub delivered_at: DateTime<Utc>,
}

#[async_trait]
impl Step for DeliverHearingMaterials {
    type On = Hearing;
    const NAME: &'static str = "deliverHearingMaterials";

    async fn target_id(&self, _app: &App) -> AppResult<String> {
        Ok(self.hearing_id.clone())
    }

    fn command(&self) -> HearingCommand {
        HearingCommand::DeliverMaterials { materials: self.materials.clone(), delivered_at: self.delivered_at }
    }
}
