//! Rules of the openness office's aggregates: units, accounts and the annual catalogue.

mod common;

use canyu_domain::DomainError;
use canyu_domain::directory::{Account, AccountCommand, AccountCtx, Catalogue, CatalogueCommand, Unit, UnitCommand};
use canyu_domain::events::*;
use canyu_domain::testing::{given, parsed};
use canyu_domain::values::{DisplayName, Role, TextValue, UnitName};
use common::*;

// --- units -----------------------------------------------------------------------------

fn register_unit(name: &str) -> UnitCommand {
    UnitCommand::Register { unit_id: UNIT.into(), name: parsed(name) }
}

fn unit_registered() -> Event {
    UnitRegistered { unit_id: UNIT.into(), name: "市交通运输局".into() }.into()
}

#[test]
fn unit_is_registered_with_its_name_trimmed() {
    given::<Unit>([]).when(register_unit("  市交通运输局 "), &()).then([unit_registered()]);
}

#[test]
fn registering_an_existing_unit_is_rejected() {
    given::<Unit>([unit_registered()]).when(register_unit("市交通运输局"), &()).then_err(DomainError::UnitAlreadyExists);
}

#[test]
fn unit_without_a_name_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(UnitName::parse(" "), Err(DomainError::invalid("name", "must not be empty")));
}

#[test]
fn unit_name_of_100_characters_is_accepted_and_101_rejected() {
    let name = "局".repeat(100);
    given::<Unit>([]).when(register_unit(&name), &()).then([UnitRegistered { unit_id: UNIT.into(), name }.into()]);
    assert_eq!(UnitName::parse(&"局".repeat(101)), Err(DomainError::invalid("name", "must be at most 100 characters")));
}

// --- accounts --------------------------------------------------------------------------

const ACCOUNT: &str = "account-liming";

fn register_account(display_name: &str) -> AccountCommand {
    AccountCommand::Register {
        account_id: ACCOUNT.into(),
        display_name: parsed(display_name),
        credential: sealed(ACCOUNT),
        role: Role::Resident,
    }
}

fn account_registered(display_name: &str) -> Event {
    AccountRegistered { account_id: ACCOUNT.into(), display_name: display_name.into(), credential: sealed(ACCOUNT), role: Role::Resident }
        .into()
}

fn grant(role: &str, unit_id: Option<&str>) -> AccountCommand {
    AccountCommand::GrantRole { role: Role::parse("role", role).expect("a test role"), unit_id: unit_id.map(Into::into) }
}

fn role_granted(role: &str, unit_id: Option<&str>) -> Event {
    RoleGranted { account_id: ACCOUNT.into(), role: Role::parse("role", role).expect("a test role"), unit_id: unit_id.map(Into::into) }
        .into()
}

fn unit_exists(exists: bool) -> AccountCtx {
    AccountCtx { unit_exists: exists, ..AccountCtx::default() }
}

#[test]
fn account_is_registered_with_its_display_name_trimmed() {
    given::<Account>([]).when(register_account(" 李明 "), &unit_exists(false)).then([account_registered("李明")]);
}

#[test]
fn account_created_by_an_operator_may_be_an_admin() {
    given::<Account>([])
        .when(
            AccountCommand::Register {
                account_id: ACCOUNT.into(),
                display_name: parsed("公开办"),
                credential: sealed(ACCOUNT),
                role: Role::Admin,
            },
            &unit_exists(false),
        )
        .then([AccountRegistered {
            account_id: ACCOUNT.into(),
            display_name: "公开办".into(),
            credential: sealed(ACCOUNT),
            role: Role::Admin,
        }
        .into()]);
}

#[test]
fn registering_a_taken_username_is_rejected() {
    given::<Account>([account_registered("李明")])
        .when(register_account("另一个李明"), &unit_exists(false))
        .then_err(DomainError::UsernameTaken);
}

#[test]
fn account_without_a_display_name_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(DisplayName::parse("   "), Err(DomainError::invalid("displayName", "must not be empty")));
}

#[test]
fn display_name_of_50_chinese_characters_is_accepted() {
    let name = "明".repeat(50);
    given::<Account>([]).when(register_account(&name), &unit_exists(false)).then([account_registered(&name)]);
}

#[test]
fn display_name_of_51_characters_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(DisplayName::parse(&"明".repeat(51)), Err(DomainError::invalid("displayName", "must be at most 50 characters")));
}

#[test]
fn display_name_with_a_line_break_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(DisplayName::parse("李\n明"), Err(DomainError::invalid("displayName", "contains a control character U+000A")));
}

#[test]
fn display_names_are_normalised_and_hidden_characters_refused() {
    // NFKC: full-width letters and the ideographic space become their plain forms.
    assert_eq!(DisplayName::parse("ＡＢＣ\u{3000}\u{3000}李明").unwrap().as_str(), "ABC 李明");
    for hidden in ["李\u{200B}明", "\u{202E}明李", "李\u{2028}明", "李\u{2066}明\u{2069}", "李\u{3164}", "\u{FEFF}李明", "李\u{E000}"]
    {
        let e = DisplayName::parse(hidden).unwrap_err();
        assert!(matches!(&e, DomainError::Invalid { field, .. } if *field == "displayName"), "{hidden:?}: {e:?}");
    }
    for placeholder in ["已注销居民", " 已注销 居民 ", "Erased Resident"] {
        assert_eq!(DisplayName::parse(placeholder), Err(DomainError::invalid("displayName", "is a name the platform shows for others")));
    }
}

#[test]
fn a_resident_display_name_may_not_read_as_an_office() {
    for office in ["市政务公开办", "滕州市政府", "市交通运输局", "北辛街道办", "平台管理员", "Official 李明", "ｃａｎｙｕ"]
    {
        let name = DisplayName::parse(office).unwrap();
        assert!(name.check_resident().is_err(), "{office} passed");
    }
    for person in ["李明", "荆河街道居民", "住建局 王科长", "张局", "老王"] {
        assert_eq!(DisplayName::parse(person).unwrap().check_resident(), Ok(()), "{person}");
    }
    // One name, however it is spaced or cased.
    assert_eq!(DisplayName::parse("Li Ming").unwrap().key(), DisplayName::parse("li  MING").unwrap().key());
}

#[test]
fn unit_staff_role_is_granted_bound_to_an_existing_unit() {
    given::<Account>([account_registered("李明")])
        .when(grant("UNIT_STAFF", Some(UNIT)), &unit_exists(true))
        .then([role_granted("UNIT_STAFF", Some(UNIT))]);
}

#[test]
fn unit_staff_role_without_a_unit_is_rejected() {
    for unit_id in [None, Some("")] {
        given::<Account>([account_registered("李明")])
            .when(grant("UNIT_STAFF", unit_id), &unit_exists(true))
            .then_err(DomainError::invalid("unitId", "UNIT_STAFF needs a unit"));
    }
}

#[test]
fn unit_staff_role_for_a_missing_unit_is_rejected() {
    given::<Account>([account_registered("李明")])
        .when(grant("UNIT_STAFF", Some("unit-nope")), &unit_exists(false))
        .then_err(DomainError::UnitNotFound);
}

#[test]
fn roles_other_than_unit_staff_drop_the_unit() {
    for role in ["ADMIN", "RESIDENT"] {
        given::<Account>([account_registered("李明"), role_granted("UNIT_STAFF", Some(UNIT))])
            .when(grant(role, Some(UNIT)), &unit_exists(true))
            .then([role_granted(role, None)]);
    }
}

#[test]
fn granting_an_unknown_role_is_rejected() {
    assert_eq!(Role::parse("role", "SUPERUSER"), Err(DomainError::invalid("role", "unknown value \"SUPERUSER\"")));
}

#[test]
fn granting_a_role_to_a_missing_account_is_rejected() {
    given::<Account>([]).when(grant("ADMIN", None), &unit_exists(false)).then_err(DomainError::AccountNotFound);
}

#[test]
fn granted_role_and_unit_replace_the_previous_ones() {
    let state = given::<Account>([account_registered("李明")])
        .when(grant("UNIT_STAFF", Some(UNIT)), &unit_exists(true))
        .then([role_granted("UNIT_STAFF", Some(UNIT))]);
    assert_eq!(state.role, Some(Role::UnitStaff));
    assert_eq!(state.unit_id.as_deref(), Some(UNIT));
}

// --- catalogue -------------------------------------------------------------------------

#[test]
fn catalogue_is_published_at_the_current_time() {
    given::<Catalogue>([]).when(CatalogueCommand::Publish { year: 2021 }, &t("2021-01-15T02:00:00Z")).then([CataloguePublished {
        year: 2021,
        published_at: t("2021-01-15T02:00:00Z"),
    }
    .into()]);
}

#[test]
fn catalogue_is_published_only_once() {
    given::<Catalogue>([CataloguePublished { year: 2021, published_at: t("2021-01-15T02:00:00Z") }.into()])
        .when(CatalogueCommand::Publish { year: 2021 }, &t("2021-02-01T00:00:00Z"))
        .then_err(DomainError::CatalogueAlreadyPublished);
}

#[test]
fn catalogue_year_outside_2000_to_2100_is_rejected() {
    for year in [1999, 2101] {
        given::<Catalogue>([])
            .when(CatalogueCommand::Publish { year }, &t("2021-01-15T02:00:00Z"))
            .then_err(DomainError::invalid("year", "must be between 2000 and 2100"));
    }
}

// --- erasure (crypto-shredding) -----------------------------------------------------------

fn erased_at(now: &str) -> AccountCtx {
    AccountCtx { now: t(now), ..AccountCtx::default() }
}

#[test]
fn erasing_a_person_records_a_public_event_without_personal_data() {
    given::<Account>([account_registered("李明")]).when(AccountCommand::Erase, &erased_at(DURING)).then([AccountErased {
        account_id: ACCOUNT.into(),
        erased_at: t(DURING),
    }
    .into()]);
}

#[test]
fn an_erased_account_has_no_credential_no_role_and_an_anonymous_name() {
    let s = given::<Account>([
        account_registered("李明"),
        role_granted("UNIT_STAFF", Some(UNIT)),
        AccountErased { account_id: ACCOUNT.into(), erased_at: t(DURING) }.into(),
    ])
    .state()
    .clone();
    assert!(s.erased);
    assert_eq!(s.credential, None);
    assert_eq!((s.role, s.unit_id), (Some(Role::Resident), None));
    assert_eq!(s.display_name, canyu_domain::directory::ERASED_DISPLAY_NAME);
}

#[test]
fn erasing_twice_is_rejected() {
    given::<Account>([account_registered("李明"), AccountErased { account_id: ACCOUNT.into(), erased_at: t(DURING) }.into()])
        .when(AccountCommand::Erase, &erased_at(AFTER))
        .then_err(DomainError::AccountAlreadyErased);
}

#[test]
fn erasing_a_missing_account_is_rejected() {
    given::<Account>([]).when(AccountCommand::Erase, &erased_at(DURING)).then_err(DomainError::AccountNotFound);
}

#[test]
fn an_erased_account_cannot_be_given_a_role_again() {
    given::<Account>([account_registered("李明"), AccountErased { account_id: ACCOUNT.into(), erased_at: t(DURING) }.into()])
        .when(grant("ADMIN", None), &unit_exists(false))
        .then_err(DomainError::AccountAlreadyErased);
}
