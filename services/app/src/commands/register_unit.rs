//! `registerUnit`: registers an undertaking unit (承办单位) (admins). Names are unique: the
//! unit's id derives from its name (case and white space ignored), so a second unit of the
//! same name is refused (`UNIT_NAME_TAKEN`), atomically, by the stream it would write.

use async_trait::async_trait;
use canyu_domain::directory::{Unit, UnitCommand, UnitState};
use canyu_domain::values::{TextValue, UnitName};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Registers a unit.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterUnit {
    pub name: UnitName,
}

impl RegisterUnit {
    /// The id the unit gets.
    pub fn unit_id(&self) -> String {
        crate::unit_id_for(self.name.as_str())
    }
}

#[async_trait]
impl Command for RegisterUnit {
    type Aggregate = Unit;
    type Facts = ();
    const NAME: &'static str = "registerUnit";
    const ACCESS: Access = Access::Admin;

    async fn prepare(&self, _app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<()>> {
        Ok(Prepared { stream: streams::unit(&self.unit_id()), facts: () })
    }

    fn decide(&self, state: &UnitState, _facts: &(), _now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        if state.exists {
            return Err(DomainError::UnitNameTaken);
        }
        Unit::decide(state, UnitCommand::Register { unit_id: self.unit_id(), name: self.name.clone() }, &())
    }
}
