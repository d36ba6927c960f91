//! The catalogue read model: undertaking units, accounts (public face and role), the years'
//! catalogue publications, and who was erased.

use canyu_domain::events::Event;
use canyu_domain::values::Role;

use crate::model::*;

pub(super) fn apply(m: &mut ReadModel, event: &Event) {
    match event {
        Event::UnitRegistered(e) => {
            m.units.insert(e.unit_id.clone(), UnitView { id: e.unit_id.clone(), name: e.name.clone() });
        }
        Event::AccountRegistered(e) => {
            let view =
                AccountView { id: e.account_id.clone(), display_name: e.display_name.clone(), role: e.role, unit_id: None, erased: false };
            m.accounts.insert(e.account_id.clone(), view);
        }
        Event::RoleGranted(e) => {
            m.accounts.update(&e.account_id, |a| {
                a.role = e.role;
                a.unit_id = e.unit_id.clone();
            });
        }
        Event::AccountErased(e) => {
            m.accounts.update(&e.account_id, |a| {
                a.display_name = canyu_domain::directory::ERASED_DISPLAY_NAME.to_string();
                a.role = Role::Resident;
                a.unit_id = None;
                a.erased = true;
            });
            m.erased_accounts.insert(e.account_id.clone(), ());
        }
        Event::CataloguePublished(e) => {
            m.catalogues.insert(e.year, CatalogueView { year: e.year, published_at: Some(e.published_at) });
        }
        _ => {}
    }
}
