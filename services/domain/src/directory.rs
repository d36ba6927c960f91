//! Small aggregates of the openness office: undertaking units (`unit-<id>`), accounts
//! (`account-<id>`) and the annual catalogue (`catalogue-<year>`).

use chrono::{DateTime, Utc};

use crate::events::*;
use crate::values::*;
use crate::{Aggregate, DomainError};

/// A registered undertaking unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitState {
    pub exists: bool,
    pub name: String,
}

/// Commands on a unit.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitCommand {
    Register { unit_id: String, name: UnitName },
}

/// Marker type implementing [`Aggregate`] for units.
#[derive(Debug)]
pub struct Unit;

impl Aggregate for Unit {
    type State = UnitState;
    type Command = UnitCommand;
    type Ctx<'a> = ();

    fn decide(s: &UnitState, cmd: UnitCommand, _: &()) -> Result<Vec<Event>, DomainError> {
        let UnitCommand::Register { unit_id, name } = cmd;
        if s.exists {
            return Err(DomainError::UnitAlreadyExists);
        }
        Ok(vec![UnitRegistered { unit_id, name: name.into_string() }.into()])
    }

    fn evolve(mut s: UnitState, event: &Event) -> UnitState {
        if let Event::UnitRegistered(e) = event {
            s.exists = true;
            s.name = e.name.clone();
        }
        s
    }
}

/// An account: its public display name and role. Credentials stay sealed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountState {
    pub exists: bool,
    pub id: String,
    pub display_name: String,
    pub credential: Option<Sealed>,
    pub role: Option<Role>,
    pub unit_id: Option<String>,
    /// The person's key was deleted: no credential, no role, shown as [`ERASED_DISPLAY_NAME`].
    pub erased: bool,
}

/// What read models show instead of an erased person's display name.
pub const ERASED_DISPLAY_NAME: &str = "已注销居民";

/// Commands on an account.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountCommand {
    Register {
        account_id: String,
        display_name: DisplayName,
        credential: Sealed,
        role: Role,
    },
    GrantRole {
        role: Role,
        unit_id: Option<String>,
    },
    /// Records that the person's key was deleted (the application deletes it first).
    Erase,
}

/// Outside facts: for `GrantRole` to UNIT_STAFF, whether the unit exists; the time for `Erase`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountCtx {
    pub unit_exists: bool,
    pub now: DateTime<Utc>,
}

/// Marker type implementing [`Aggregate`] for accounts.
#[derive(Debug)]
pub struct Account;

impl Aggregate for Account {
    type State = AccountState;
    type Command = AccountCommand;
    type Ctx<'a> = AccountCtx;

    fn decide(s: &AccountState, cmd: AccountCommand, ctx: &AccountCtx) -> Result<Vec<Event>, DomainError> {
        match cmd {
            AccountCommand::Register { account_id, display_name, credential, role } => {
                if s.exists {
                    return Err(DomainError::UsernameTaken);
                }
                let display_name = display_name.into_string();
                Ok(vec![AccountRegistered { account_id, display_name, credential, role }.into()])
            }
            AccountCommand::GrantRole { role, unit_id } => {
                if !s.exists {
                    return Err(DomainError::AccountNotFound);
                }
                if s.erased {
                    return Err(DomainError::AccountAlreadyErased);
                }
                let unit_id = match role {
                    Role::UnitStaff => {
                        let unit =
                            unit_id.filter(|u| !u.is_empty()).ok_or_else(|| DomainError::invalid("unitId", "UNIT_STAFF needs a unit"))?;
                        if !ctx.unit_exists {
                            return Err(DomainError::UnitNotFound);
                        }
                        Some(unit)
                    }
                    _ => None,
                };
                Ok(vec![RoleGranted { account_id: s.id.clone(), role, unit_id }.into()])
            }
            AccountCommand::Erase => {
                if !s.exists {
                    return Err(DomainError::AccountNotFound);
                }
                if s.erased {
                    return Err(DomainError::AccountAlreadyErased);
                }
                Ok(vec![AccountErased { account_id: s.id.clone(), erased_at: ctx.now }.into()])
            }
        }
    }

    fn evolve(mut s: AccountState, event: &Event) -> AccountState {
        match event {
            Event::AccountRegistered(e) => {
                s.exists = true;
                s.id = e.account_id.clone();
                s.display_name = e.display_name.clone();
                s.credential = Some(e.credential.clone());
                s.role = Some(e.role);
            }
            Event::RoleGranted(e) => {
                s.role = Some(e.role);
                s.unit_id = e.unit_id.clone();
            }
            Event::AccountErased(_) => {
                s.erased = true;
                s.credential = None;
                s.role = Some(Role::Resident);
                s.unit_id = None;
                s.display_name = ERASED_DISPLAY_NAME.to_string();
            }
            _ => {}
        }
        s
    }
}

/// The catalogue of one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogueState {
    pub published_at: Option<DateTime<Utc>>,
}

/// Commands on a catalogue.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogueCommand {
    Publish { year: i32 },
}

/// Marker type implementing [`Aggregate`] for catalogues.
#[derive(Debug)]
pub struct Catalogue;

impl Aggregate for Catalogue {
    type State = CatalogueState;
    type Command = CatalogueCommand;
    type Ctx<'a> = DateTime<Utc>;

    fn decide(s: &CatalogueState, cmd: CatalogueCommand, now: &DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
        let CatalogueCommand::Publish { year } = cmd;
        if !(2000..=2100).contains(&year) {
            return Err(DomainError::invalid("year", "must be between 2000 and 2100"));
        }
        if s.published_at.is_some() {
            return Err(DomainError::CatalogueAlreadyPublished);
        }
        Ok(vec![CataloguePublished { year, published_at: *now }.into()])
    }

    fn evolve(mut s: CatalogueState, event: &Event) -> CatalogueState {
        if let Event::CataloguePublished(e) = event {
            s.published_at = Some(e.published_at);
        }
        s
    }
}
