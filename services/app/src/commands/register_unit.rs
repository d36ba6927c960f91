//! `registerUnit`: registers an undertaking unit (承办单位) (admins).

use async_trait::async_trait;
use canyu_domain::directory::{Unit, UnitCommand, UnitState};
use canyu_domain::values::UnitName;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Registers a unit.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterUnit {
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub unit_id: String,
    pub name: UnitName,
}

#[async_trait]
impl Command for RegisterUnit {
    type Aggregate = Unit;
    type Facts = ();
    const NAME: &'static str = "registerUnit";
    const ACCESS: Access = Access::Admin;

    async fn prepare(&self, _app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<()>> {
        Ok(Prepared { stream: streams::unit(&self.unit_id), facts: () })
    }

    fn decide(&self, state: &UnitState, _facts: &(), _now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Unit::decide(state, UnitCommand::Register { unit_id: self.unit_id.clone(), name: self.name.clone() }, &())
    }
}
