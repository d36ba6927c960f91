//! The command path at the handler level, on a real SQLite event store: each scenario names the
//! step it checks (authorize, locate and load, decide, append, conflict retry, idempotent
//! retry) as given (events already in the log) / when (a command) / then (its answer and what
//! the log holds).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use canyu_app::commands::*;
use canyu_app::{App, AppError, ManualClock, Meta, Principal, Tokens, Written};
use canyu_domain::DomainError;
use canyu_domain::testing::parsed;
use canyu_domain::values::{Channel, Disclosure, Role};
use canyu_eventstore::sqlite::{SqliteEventStore, SqliteKeyStore};
use canyu_eventstore::{
    Actor, AppendResult, Capabilities, EventMetadata, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result as StoreResult,
};
use chrono::{DateTime, Duration, Utc};
use futures::stream::BoxStream;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("a test time").with_timezone(&Utc)
}

const NOW: &str = "2021-03-01T09:00:00+08:00";

/// An application on a fresh SQLite log, with a clock standing at [`NOW`].
struct World {
    app: App,
    store: Arc<dyn EventStore>,
    _dir: tempfile::TempDir,
}

fn world_on(wrap: impl FnOnce(Arc<dyn EventStore>) -> Arc<dyn EventStore>) -> World {
    let dir = tempfile::tempdir().expect("a temp dir");
    let sqlite: Arc<dyn EventStore> = Arc::new(SqliteEventStore::open(dir.path().join("events.db")).expect("open the log"));
    let store = wrap(sqlite);
    let keys = Arc::new(SqliteKeyStore::open(dir.path().join("keys.db")).expect("open the keys"));
    let clock = Arc::new(ManualClock::new(t(NOW)));
    let app = App::new(store.clone(), keys, clock, Tokens::new(vec![7; 32], chrono::Duration::hours(1)));
    World { app, store, _dir: dir }
}

fn world() -> World {
    world_on(|s| s)
}

fn person(id: &str, role: Role, unit: Option<&str>) -> Meta {
    Meta::by(Some(Principal { account_id: id.into(), display_name: format!("{id} 的名字"), role, unit_id: unit.map(Into::into) }))
}

fn admin() -> Meta {
    person("admin-1", Role::Admin, None)
}

fn resident(id: &str) -> Meta {
    person(id, Role::Resident, None)
}

fn keyed(mut meta: Meta, key: &str) -> Meta {
    meta.idempotency_key = Some(key.into());
    meta
}

/// Given: a unit with a decision that has draft 1. Returns (unit, decision, staff of the unit).
async fn given_a_drafted_decision(w: &World) -> (String, String, Meta) {
    let unit = w.app.execute(&admin(), RegisterUnit { name: parsed("市交通运输局") }).await.unwrap().id;
    let register = RegisterDecision {
        decision_id: w.app.new_id(),
        year: 2021,
        title: parsed("城市公共交通票价调整方案"),
        summary: parsed(""),
        unit_id: unit.clone(),
        disclosure: Disclosure::Public,
        confidentiality_basis: None,
        addition_reason: None,
    };
    let decision = w.app.execute(&admin(), register).await.unwrap().id;
    let staff = person("staff-1", Role::UnitStaff, Some(&unit));
    let draft = PublishDraft {
        decision_id: decision.clone(),
        text: parsed("第一条 为规范票价，制定本办法。\n第二条 票价实行政府定价。"),
        explanation: parsed(""),
        change_note: parsed(""),
    };
    w.app.execute(&staff, draft).await.unwrap();
    (unit, decision, staff)
}

fn online(decision: &str, id: &str, days: i64) -> OpenConsultation {
    OpenConsultation {
        decision_id: decision.into(),
        consultation_id: id.into(),
        channel: Channel::Online,
        opens_at: t(NOW),
        closes_at: t(NOW) + Duration::days(days),
        how_to_submit: parsed(""),
        shortened_reason: None,
    }
}

fn comment(id: &str, consultation: &str, body: &str) -> SubmitComment {
    SubmitComment { comment_id: id.into(), consultation_id: consultation.into(), body: parsed(body), clause_id: None }
}

async fn head(w: &World) -> u64 {
    w.store.head().await.unwrap()
}

// --- authorize -------------------------------------------------------------------------

#[tokio::test]
async fn a_resident_cannot_register_a_unit_and_nothing_is_written() {
    let w = world();
    let err = w.app.execute(&resident("r1"), RegisterUnit { name: parsed("自封单位") }).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
    assert_eq!(head(&w).await, 0);
}

/// Issue 9: two units named "市交通运输局" were accepted and then shown side by side.
#[tokio::test]
async fn a_second_unit_of_the_same_name_is_refused_and_nothing_is_written() {
    let w = world();
    w.app.execute(&admin(), RegisterUnit { name: parsed("市交通运输局") }).await.unwrap();
    let before = head(&w).await;
    for again in ["市交通运输局", " 市交通 运输局 "] {
        let err = w.app.execute(&admin(), RegisterUnit { name: parsed(again) }).await.unwrap_err();
        assert!(matches!(err, AppError::Rejected(DomainError::UnitNameTaken)), "{again}: {err:?}");
    }
    assert_eq!(head(&w).await, before);
    w.app.execute(&admin(), RegisterUnit { name: parsed("市交通运输局执法支队") }).await.expect("another name is fine");
}

#[tokio::test]
async fn an_anonymous_comment_is_refused_before_anything_is_loaded() {
    let w = world();
    let err = w.app.execute(&Meta::default(), comment("c1", "no-such-consultation", "意见")).await.unwrap_err();
    assert!(matches!(err, AppError::Unauthenticated(_)), "{err:?}");
}

#[tokio::test]
async fn staff_of_another_unit_cannot_open_a_consultation() {
    let w = world();
    let (_, decision, _) = given_a_drafted_decision(&w).await;
    let before = head(&w).await;
    let stranger = person("staff-9", Role::UnitStaff, Some("another-unit"));
    let err = w.app.execute(&stranger, online(&decision, "k1", 30)).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
    assert_eq!(head(&w).await, before, "nothing written");
}

// --- locate and load -------------------------------------------------------------------

#[tokio::test]
async fn a_command_on_a_missing_decision_is_not_found() {
    let w = world();
    let err = w.app.execute(&admin(), online("no-such-decision", "k1", 30)).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn closing_an_unknown_consultation_is_not_found() {
    let w = world();
    given_a_drafted_decision(&w).await;
    let err = w.app.execute(&admin(), CloseConsultation { consultation_id: "nope".into(), reason: None }).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn a_consultation_opened_by_another_process_is_found_without_any_read_model() {
    // Two applications on one log stand for two gateway replicas: neither has read models.
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    let other = App::new(
        w.store.clone(),
        Arc::new(SqliteKeyStore::open(w._dir.path().join("keys-2.db")).unwrap()),
        Arc::new(ManualClock::new(t(NOW) + Duration::hours(1))),
        Tokens::new(vec![7; 32], chrono::Duration::hours(1)),
    );
    // The other replica looks first, finds nothing, and so has read the log to its end.
    let early = other.execute(&resident("r1"), comment("c0", "k1", "太早了")).await.unwrap_err();
    assert!(matches!(early, AppError::NotFound(_)), "{early:?}");
    w.app.execute(&staff, online(&decision, "k1", 30)).await.unwrap();
    let w2 = other.execute(&resident("r1"), comment("c1", "k1", "建议保留老年人免费乘车。")).await.expect("found in the log's new tail");
    assert_eq!(w2.id, "c1");
}

#[tokio::test]
async fn a_stored_value_this_build_does_not_know_is_an_internal_error_not_a_default() {
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    // A consultation stored with a channel no build ever had (corrupt or from the future).
    let data = format!(
        r#"{{"decision_id":"{decision}","consultation_id":"k9","channel":"CARRIER_PIGEON","draft_version":1,"opens_at":"2021-03-01T00:00:00Z","closes_at":"2021-04-01T00:00:00Z","how_to_submit":"","shortened_reason":null}}"#
    );
    let meta = EventMetadata {
        actor: Actor { role: "admin".into(), account_id: None, unit_id: None },
        correlation_id: uuid::Uuid::now_v7(),
        causation_id: None,
        idempotency_key: None,
        server_time: t(NOW),
    };
    let bad = NewEvent { id: uuid::Uuid::now_v7(), event_type: "decision.consultation_opened.v1".into(), data, metadata: meta };
    w.store.append(&format!("decision-{decision}"), ExpectedVersion::Any, vec![bad]).await.unwrap();
    let fresh = App::new(
        w.store.clone(),
        Arc::new(SqliteKeyStore::open(w._dir.path().join("keys-3.db")).unwrap()),
        Arc::new(ManualClock::new(t(NOW))),
        Tokens::new(vec![7; 32], chrono::Duration::hours(1)),
    );
    let err = fresh.execute(&staff, PublishBackground { decision_id: decision, text: parsed("背景") }).await.unwrap_err();
    assert!(matches!(err, AppError::Internal { .. }), "{err:?}");
    assert!(canyu_app::error::chain(&err).contains("CARRIER_PIGEON"), "the cause is kept: {}", canyu_app::error::chain(&err));
}

// --- decide ----------------------------------------------------------------------------

#[tokio::test]
async fn a_rule_refusal_stays_typed_and_writes_nothing() {
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    let before = head(&w).await;
    let err = w.app.execute(&staff, online(&decision, "k1", 20)).await.unwrap_err();
    assert!(matches!(err, AppError::Rejected(DomainError::PeriodTooShortWithoutReason)), "{err:?}");
    assert_eq!(head(&w).await, before);
}

#[tokio::test]
async fn an_early_close_of_a_30_day_consultation_is_refused_with_its_earliest_date() {
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    w.app.execute(&staff, online(&decision, "k1", 30)).await.unwrap();
    let close = CloseConsultation { consultation_id: "k1".into(), reason: Some(parsed("已收集足够意见")) };
    let err = w.app.execute(&staff, close).await.unwrap_err();
    let earliest = t(NOW) + Duration::days(30);
    assert!(matches!(err, AppError::Rejected(DomainError::EarlyCloseBeforeMinimumPeriod { earliest: e }) if e == earliest), "{err:?}");
}

// --- append ----------------------------------------------------------------------------

#[tokio::test]
async fn an_accepted_command_appends_to_its_stream_and_names_what_it_created() {
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    let written = w.app.execute(&staff, online(&decision, "k1", 30)).await.unwrap();
    assert_eq!(written, Written { position: head(&w).await, id: "k1".into() });
    let stream = w.store.read_stream(&format!("decision-{decision}"), 0, 100).await.unwrap();
    let last = stream.last().unwrap();
    assert_eq!(last.event_type, "decision.consultation_opened.v1");
    assert_eq!(last.metadata.actor, Actor { role: "unit_staff".into(), account_id: Some("staff-1".into()), unit_id: staff_unit(&staff) });
}

fn staff_unit(meta: &Meta) -> Option<String> {
    meta.principal.as_ref().and_then(|p| p.unit_id.clone())
}

// --- conflict retry --------------------------------------------------------------------

/// The real store, except that once armed with a stream, the next append to it finds another
/// writer's draft v2 appended just before (what another process does between our read and
/// our write).
struct Interloper {
    inner: Arc<dyn EventStore>,
    armed: std::sync::Mutex<Option<String>>,
    fired: AtomicBool,
}

#[async_trait]
impl EventStore for Interloper {
    async fn append(&self, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> StoreResult<AppendResult> {
        let hit = {
            let mut armed = self.armed.lock().unwrap();
            if armed.as_deref() == Some(stream) { armed.take().is_some() } else { false }
        };
        if hit {
            let id = stream.trim_start_matches("decision-");
            let data = format!(
                r#"{{"decision_id":"{id}","version":2,"text":"第一条 新稿。","clauses":[{{"id":"c9","number":1,"text":"第一条 新稿。"}}],"explanation":"","change_note":"另一进程","published_at":"2021-03-01T00:00:00Z"}}"#
            );
            let meta = events[0].metadata.clone();
            let rival = NewEvent { id: uuid::Uuid::now_v7(), event_type: "decision.draft_published.v1".into(), data, metadata: meta };
            self.inner.append(stream, ExpectedVersion::Any, vec![rival]).await?;
            self.fired.store(true, Ordering::SeqCst);
        }
        self.inner.append(stream, expected, events).await
    }
    async fn read_stream(&self, stream: &str, from: u64, limit: usize) -> StoreResult<Vec<RecordedEvent>> {
        self.inner.read_stream(stream, from, limit).await
    }
    async fn read_all(&self, after: u64, limit: usize) -> StoreResult<Vec<RecordedEvent>> {
        self.inner.read_all(after, limit).await
    }
    async fn head(&self) -> StoreResult<u64> {
        self.inner.head().await
    }
    fn subscribe_all(&self, after: u64) -> BoxStream<'static, StoreResult<RecordedEvent>> {
        self.inner.subscribe_all(after)
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
}

#[tokio::test]
async fn a_version_conflict_is_decided_again_on_the_new_state() {
    let slot: Arc<std::sync::Mutex<Option<Arc<Interloper>>>> = Arc::default();
    let keep = slot.clone();
    let w = world_on(move |inner| {
        let i = Arc::new(Interloper { inner, armed: Default::default(), fired: AtomicBool::new(false) });
        *keep.lock().unwrap() = Some(i.clone());
        i
    });
    let interloper = slot.lock().unwrap().clone().expect("the store is wrapped");
    // Given: the app holds the decision with draft 1 in its cache (its last write).
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    // When another writer publishes draft 2 between our decision and our append:
    *interloper.armed.lock().unwrap() = Some(format!("decision-{decision}"));
    let written = w.app.execute(&staff, online(&decision, "k1", 30)).await.expect("decided again after the conflict");
    // Then the command was re-decided on the new state: the consultation is on draft 2.
    assert!(interloper.fired.load(Ordering::SeqCst), "the rival append happened first");
    let stream = w.store.read_stream(&format!("decision-{decision}"), 0, 100).await.unwrap();
    let opened = stream.iter().find(|e| e.event_type == "decision.consultation_opened.v1").expect("the consultation is stored");
    assert!(opened.data.contains(r#""draft_version":2"#), "decided on the rival's draft 2: {}", opened.data);
    assert_eq!(written.id, "k1");
}

// --- idempotent retry ------------------------------------------------------------------

#[tokio::test]
async fn a_keyed_retry_returns_the_first_result_and_writes_nothing() {
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    let first = w.app.execute(&keyed(staff.clone(), "k-open"), online(&decision, "k1", 30)).await.unwrap();
    let head_after = head(&w).await;
    // The retry carries a new generated id, which is not part of the input.
    let again = w.app.execute(&keyed(staff.clone(), "k-open"), online(&decision, "k2", 30)).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(head(&w).await, head_after, "a retry writes nothing");
    let changed = w.app.execute(&keyed(staff, "k-open"), online(&decision, "k3", 31)).await.unwrap_err();
    assert!(matches!(changed, AppError::IdempotencyKeyReused), "{changed:?}");
    assert_eq!(head(&w).await, head_after);
}

#[tokio::test]
async fn a_keyed_comment_gets_a_random_id_that_names_nobody_and_one_effect() {
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    w.app.execute(&staff, online(&decision, "k1", 30)).await.unwrap();
    let id = w.app.new_id();
    let first = w.app.execute(&keyed(resident("r1"), "walkthrough-1"), comment(&id, "k1", "建议增设督导员。")).await.unwrap();
    assert_eq!(first.id, id, "the comment id is the generated one, not derived from the account and key");
    let again = w.app.execute(&keyed(resident("r1"), "walkthrough-1"), comment(&w.app.new_id(), "k1", "建议增设督导员。")).await.unwrap();
    assert_eq!(again, first);
    // Another account's identical key is its own.
    let other = w.app.execute(&keyed(resident("r2"), "walkthrough-1"), comment(&w.app.new_id(), "k1", "建议增设督导员。")).await.unwrap();
    assert_ne!(other.id, first.id);
}

#[test]
fn the_fingerprint_text_ignores_generated_ids_and_field_order() {
    let a = canyu_app::command::canonical(&comment("id-a", "k1", "意见")).unwrap();
    let b = canyu_app::command::canonical(&comment("id-b", "k1", "意见")).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, "submitComment\0{\"body\":\"意见\",\"clause_id\":null,\"consultation_id\":\"k1\"}");
    let c = canyu_app::command::canonical(&comment("id-a", "k1", "另一条意见")).unwrap();
    assert_ne!(a, c);
}

// --- login ----------------------------------------------------------------------------------

/// Issue 10: a wrong password for an existing user took 21-23 ms, an unknown user 0.5-0.8 ms,
/// so timing told who has an account. Every refused login now runs exactly one argon2
/// verification, whatever the reason.
#[tokio::test]
async fn every_refused_login_costs_one_password_verification() {
    let w = world();
    w.app.register_account(&Meta::default(), "li.ming", "correct-horse-1", "荆河街道居民").await.unwrap();
    for (username, password) in [("li.ming", "wrong-password"), ("nobody.here", "wrong-password"), ("!!", "x"), ("li.ming", "")] {
        let before = canyu_app::auth::verifications();
        let err = w.app.login(username, password).await.unwrap_err();
        assert!(matches!(err, AppError::Unauthenticated(_)), "{username}: {err:?}");
        // Tests of this binary run in parallel: at least ours, and the refusal message is the same.
        assert!(canyu_app::auth::verifications() > before, "{username}: no argon2 verification ran");
        assert_eq!(err.to_string(), AppError::Unauthenticated("wrong username or password".into()).to_string());
    }
    w.app.login("li.ming", "correct-horse-1").await.expect("the right password signs in");
}

// --- erasure ---------------------------------------------------------------------------

#[tokio::test]
async fn a_request_authenticated_before_an_erasure_cannot_seal_the_persons_data_after_it() {
    let w = world();
    let (_, decision, staff) = given_a_drafted_decision(&w).await;
    let hearing = ScheduleHearing {
        hearing_id: w.app.new_id(),
        decision_id: decision,
        starts_at: t(NOW) + Duration::days(20),
        venue: parsed("市政府听证室"),
        capacity: 10,
        signup_closes_at: t(NOW) + Duration::days(10),
        selection_method: canyu_domain::values::SelectionMethod::FirstCome,
        selection_rules: parsed("按报名先后"),
        stakeholder_groups: vec![parsed("城区居民")],
    };
    let hearing = w.app.execute(&staff, hearing).await.unwrap().id;
    let (account, _token) = w.app.register_account(&Meta::by(None), "resident-erased", "password-123", "居民丁").await.unwrap();
    // The resident's request was authenticated (its principal taken) just before the erasure.
    let meta = resident(&account.id);
    w.app.execute(&admin(), ErasePerson { account_id: account.id.clone() }).await.unwrap();
    let before = head(&w).await;
    let signup = SignUpForHearing {
        signup_id: w.app.new_id(),
        hearing_id: hearing,
        full_name: "丁某某".into(),
        phone: "13900000000".into(),
        stakeholder_group: parsed("城区居民"),
        statement: parsed(""),
    };
    let refused = w.app.execute(&meta, signup).await;
    assert!(matches!(refused, Err(AppError::Unauthenticated(_))), "{refused:?}");
    assert_eq!(head(&w).await, before, "nothing sealed for them was written");
    assert!(w.app.vault.seal(&account.id, "any", &"丁某某").await.is_err(), "no key is made for them again");
}

#[tokio::test]
async fn an_admin_cannot_erase_their_own_account_and_nothing_is_written() {
    let w = world();
    let account = w.app.create_account(&Meta::by(None), "only-admin", "password-123", "唯一管理员", Role::Admin).await.unwrap();
    let me = person(&account.id, Role::Admin, None);
    let before = head(&w).await;
    let refused = w.app.execute(&me, ErasePerson { account_id: account.id.clone() }).await;
    assert!(matches!(refused, Err(AppError::Rejected(DomainError::OwnAccountErasure))), "{refused:?}");
    assert_eq!(head(&w).await, before);
    // Another admin (here the operator's command) may.
    w.app.erase_person_as_operator(&account.id).await.unwrap();
}

#[tokio::test]
async fn an_account_id_says_nothing_of_the_username_and_erasure_frees_the_name() {
    let w = world();
    let first = w.app.create_account(&Meta::by(None), "walkthrough", "password-123", "李明", Role::Resident).await.unwrap();
    // Random: not the old UUIDv5 of the name, and a second registration of the name is refused.
    assert_ne!(first.id, canyu_app::legacy_account_id_for("walkthrough"));
    assert_eq!(uuid::Uuid::parse_str(&first.id).unwrap().get_version_num(), 7);
    let taken = w.app.create_account(&Meta::by(None), "walkthrough", "password-456", "王芳", Role::Resident).await;
    assert!(matches!(taken, Err(AppError::Conflict(_))), "{taken:?}");
    assert_eq!(w.app.login("walkthrough", "password-123").await.unwrap().0, first.id);
    assert_eq!(w.app.account_id_of("walkthrough").await.unwrap().as_deref(), Some(first.id.as_str()));

    // Erasure removes the name with the key: the name is free and signs in nobody.
    w.app.erase_person_as_operator(&first.id).await.unwrap();
    assert_eq!(w.app.account_id_of("walkthrough").await.unwrap(), None);
    assert!(matches!(w.app.login("walkthrough", "password-123").await, Err(AppError::Unauthenticated(_))));
    let second = w.app.create_account(&Meta::by(None), "walkthrough", "password-456", "王芳", Role::Resident).await.unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(w.app.login("walkthrough", "password-456").await.unwrap().0, second.id);
}

#[tokio::test]
async fn an_account_registered_under_the_old_derived_id_still_signs_in_until_erased() {
    use canyu_app::{Credential, auth, purpose};
    let w = world();
    // As versions before random ids wrote it: the id derived from the name, the credential sealed.
    let id = canyu_app::legacy_account_id_for("old-timer");
    let hash = auth::hash_password("password-123").unwrap();
    let credential =
        w.app.vault.seal(&id, purpose::CREDENTIAL, &Credential { username: "old-timer".into(), password_hash: hash }).await.unwrap();
    let e = canyu_domain::Event::from(canyu_domain::events::AccountRegistered {
        account_id: id.clone(),
        display_name: "老用户".into(),
        credential,
        role: Role::Resident,
    });
    let meta = EventMetadata {
        actor: Actor { role: "anonymous".into(), account_id: None, unit_id: None },
        correlation_id: uuid::Uuid::now_v7(),
        causation_id: None,
        idempotency_key: None,
        server_time: t(NOW),
    };
    let new = NewEvent { id: uuid::Uuid::now_v7(), event_type: e.event_type().into(), data: e.to_data(), metadata: meta };
    w.store.append(&format!("account-{id}"), ExpectedVersion::NoStream, vec![new]).await.unwrap();

    assert_eq!(w.app.login("old-timer", "password-123").await.unwrap().0, id);
    let taken = w.app.create_account(&Meta::by(None), "old-timer", "password-456", "冒名者", Role::Resident).await;
    assert!(matches!(taken, Err(AppError::Conflict(_))), "{taken:?}");
    w.app.erase_person_as_operator(&id).await.unwrap();
    assert_eq!(w.app.account_id_of("old-timer").await.unwrap(), None, "an erased account holds no name");
    let fresh = w.app.create_account(&Meta::by(None), "old-timer", "password-456", "新用户", Role::Resident).await.unwrap();
    assert_ne!(fresh.id, id);
}
