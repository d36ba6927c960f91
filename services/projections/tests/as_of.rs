//! Property: for any moment T, the decision as of T (the replay behind `decision(asOf:)`)
//! equals what a fresh read model folded from only the events committed by T shows, except
//! for what the present withholds from every view (erased people, bodies of comments hidden
//! since). Scenarios are random walks through the whole procedure on a real SQLite log, each
//! step at a random later time; T runs over every event's time, the instant before it, and
//! random moments in between.

use std::collections::HashSet;
use std::sync::Arc;

use canyu_app::commands::*;
use canyu_app::{App, AppError, Clock, ManualClock, Meta, Principal, Tokens};
use canyu_domain::testing::parsed;
use canyu_domain::values::{AdoptionOutcome, Channel, Disclosure, MeetingKind, Role, SelectionMethod};
use canyu_eventstore::sqlite::{SqliteEventStore, SqliteKeyStore};
use canyu_eventstore::{EventStore, RecordedEvent};
use canyu_projections::ReadModel;
use canyu_projections::query::{self, PastPlan};
use chrono::{DateTime, Duration, Utc};

/// A small deterministic generator (xorshift64*), so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("a test time").with_timezone(&Utc)
}

fn person(id: &str, role: Role, unit: Option<&str>) -> Meta {
    Meta::by(Some(Principal { account_id: id.into(), display_name: format!("居民{id}"), role, unit_id: unit.map(Into::into) }))
}

struct World {
    app: App,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// Only rule refusals are expected from a random walk; anything else fails the property.
fn allowed<T>(r: Result<T, AppError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(AppError::Rejected(_) | AppError::Invalid { .. } | AppError::NotFound(_)) => None,
        Err(e) => panic!("a random step failed unexpectedly: {e:?}"),
    }
}

/// Runs one random scenario; returns the decision's id.
async fn scenario(w: &World, rng: &mut Rng, steps: usize) -> String {
    let admin = person("admin-1", Role::Admin, None);
    let unit = w.app.execute(&admin, RegisterUnit { name: parsed("市城市管理局") }).await.unwrap().id;
    let staff = person("staff-1", Role::UnitStaff, Some(&unit));
    let register = RegisterDecision {
        decision_id: w.app.new_id(),
        year: 2021,
        title: parsed("城区停车收费管理办法"),
        summary: parsed("调整中心城区停车收费"),
        unit_id: unit.clone(),
        disclosure: Disclosure::Public,
        confidentiality_basis: None,
        addition_reason: None,
    };
    let decision = w.app.execute(&admin, register).await.unwrap().id;
    let draft = |n: u32| PublishDraft {
        decision_id: decision.clone(),
        text: parsed(&format!("第一条 为规范停车收费，制定本办法。\n第二条 收费标准第{n}稿。\n第三条 本办法自公布之日起施行。")),
        explanation: parsed("起草说明"),
        change_note: parsed(""),
    };
    w.app.execute(&staff, draft(1)).await.unwrap();
    let residents: Vec<String> = (0..6).map(|i| format!("resident-{i}")).collect();
    let mut consultations: Vec<String> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    let mut opinions: Vec<String> = Vec::new();
    let mut hearings: Vec<String> = Vec::new();
    let mut signups: Vec<(String, String)> = Vec::new();
    let mut drafts = 1;
    let mut now = w.clock.now();
    for step in 0..steps {
        // Mostly hours apart, sometimes weeks: periods end and hearings start within a walk.
        let gap = if rng.below(6) == 0 { 20 * 24 * 60 } else { 36 * 60 };
        now += Duration::minutes(1 + rng.below(gap) as i64);
        w.clock.set(now);
        let resident = person(rng.pick(&residents).unwrap(), Role::Resident, None);
        match rng.below(16) {
            0 => {
                let id = w.app.new_id();
                let days = [10, 30, 45][rng.below(3)];
                let open = OpenConsultation {
                    decision_id: decision.clone(),
                    consultation_id: id.clone(),
                    channel: if rng.below(4) == 0 { Channel::Symposium } else { Channel::Online },
                    opens_at: now,
                    closes_at: now + Duration::days(days),
                    how_to_submit: parsed("网上提交"),
                    shortened_reason: (days < 30).then(|| parsed("情况紧急")),
                };
                if allowed(w.app.execute(&staff, open).await).is_some() {
                    consultations.push(id);
                }
            }
            1..=5 => {
                let Some(k) = rng.pick(&consultations).cloned() else { continue };
                let clause = ["c1", "c2", "c3"][rng.below(3)];
                let submit = SubmitComment {
                    comment_id: w.app.new_id(),
                    consultation_id: k,
                    body: parsed(&format!("意见{}", rng.below(1000))),
                    clause_id: (rng.below(2) == 0).then(|| parsed(clause)),
                };
                if let Some(written) = allowed(w.app.execute(&resident, submit).await) {
                    comments.push(written.id);
                }
            }
            6 => {
                let Some(c) = rng.pick(&comments).cloned() else { continue };
                allowed(w.app.execute(&staff, HideComment { comment_id: c, reason: parsed("含有个人信息") }).await);
            }
            7 | 8 => {
                let n = 1 + rng.below(4);
                let ids: Vec<String> = (0..n).filter_map(|_| rng.pick(&comments).cloned()).collect();
                let consolidate = ConsolidateOpinion {
                    decision_id: decision.clone(),
                    opinion_id: w.app.new_id(),
                    summary: parsed("关于收费标准的意见"),
                    comment_ids: ids,
                    concentrated: rng.below(2) == 0,
                };
                if let Some(written) = allowed(w.app.execute(&staff, consolidate).await) {
                    opinions.push(written.id);
                }
            }
            9 => {
                let Some(o) = rng.pick(&opinions).cloned() else { continue };
                let outcome = [AdoptionOutcome::Adopted, AdoptionOutcome::PartiallyAdopted, AdoptionOutcome::NotAdopted][rng.below(3)];
                let rationale = (outcome != AdoptionOutcome::Adopted).then(|| parsed("与上位法不一致"));
                allowed(w.app.execute(&staff, DecideAdoption { opinion_id: o, outcome, rationale }).await);
            }
            10 => {
                let Some(k) = rng.pick(&consultations).cloned() else { continue };
                allowed(w.app.execute(&staff, CloseConsultation { consultation_id: k, reason: Some(parsed("意见已充分")) }).await);
            }
            11 => {
                drafts += 1;
                allowed(w.app.execute(&staff, draft(drafts)).await);
            }
            12 => {
                if hearings.is_empty() {
                    let schedule = ScheduleHearing {
                        hearing_id: w.app.new_id(),
                        decision_id: decision.clone(),
                        starts_at: now + Duration::days(30),
                        venue: parsed("市政府第一会议室"),
                        capacity: 3,
                        signup_closes_at: now + Duration::days(12),
                        selection_method: SelectionMethod::FirstCome,
                        selection_rules: parsed("按报名先后"),
                        stakeholder_groups: vec![parsed("车主"), parsed("商户")],
                    };
                    if let Some(written) = allowed(w.app.execute(&staff, schedule).await) {
                        hearings.push(written.id);
                    }
                } else {
                    let h = hearings[0].clone();
                    match rng.below(6) {
                        0 => {
                            allowed(w.app.execute(&staff, PublishHearingParticipants { hearing_id: h }).await);
                        }
                        1 => {
                            allowed(
                                w.app.execute(&staff, RecordHearingHeld { hearing_id: h, record_summary: parsed("听证笔录摘要") }).await,
                            );
                        }
                        2 => {
                            let deliver =
                                DeliverHearingMaterials { hearing_id: h, materials: parsed("征求意见稿"), delivered_at: now };
                            allowed(w.app.execute(&staff, deliver).await);
                        }
                        3 => {
                            allowed(w.app.execute(&staff, PublishHearingRecord { hearing_id: h, text: parsed("听证笔录全文") }).await);
                        }
                        4 => {
                            let Some((_, who)) = rng.pick(&signups).cloned() else { continue };
                            let objection = (rng.below(2) == 0).then(|| parsed("漏记发言"));
                            allowed(
                                w.app.execute(&person(&who, Role::Resident, None), AnswerHearingRecord { hearing_id: h, objection }).await,
                            );
                        }
                        _ => {
                            let Some((s, who)) = rng.pick(&signups).cloned() else { continue };
                            allowed(w.app.execute(&person(&who, Role::Resident, None), WithdrawHearingSignup { signup_id: s }).await);
                        }
                    }
                }
            }
            13 => {
                let Some(h) = rng.pick(&hearings).cloned() else { continue };
                let who = rng.pick(&residents).unwrap().clone();
                let signup = SignUpForHearing {
                    signup_id: w.app.new_id(),
                    hearing_id: h,
                    full_name: "张三".into(),
                    phone: "13800138000".into(),
                    stakeholder_group: parsed(["车主", "商户"][rng.below(2)]),
                    statement: parsed("希望参加"),
                };
                if let Some(written) = allowed(w.app.execute(&person(&who, Role::Resident, None), signup).await) {
                    signups.push((written.id, who));
                }
            }
            14 => {
                let report = PublishFeedbackReport { decision_id: decision.clone(), summary: parsed("意见采纳情况说明") };
                allowed(w.app.execute(&staff, report).await);
            }
            _ if step < steps * 3 / 4 => continue,
            _ => {
                let deliberate = RecordDeliberation {
                    decision_id: decision.clone(),
                    meeting_kind: MeetingKind::ExecutiveMeeting,
                    held_at: now,
                    summary: parsed("会议审议通过"),
                    dissent: parsed(""),
                    observers: vec![],
                };
                if allowed(w.app.execute(&staff, deliberate).await).is_some() {
                    let result = PublishDecisionResult {
                        decision_id: decision.clone(),
                        text: parsed("决定公布"),
                        document_number: parsed("政发〔2021〕1号"),
                        effective_at: now + Duration::days(30),
                        interpretation: parsed("政策解读"),
                    };
                    allowed(w.app.execute(&staff, result).await);
                }
            }
        }
    }
    decision
}

async fn all_events(store: &dyn EventStore) -> Vec<RecordedEvent> {
    let mut out = Vec::new();
    loop {
        let page = store.read_all(out.last().map_or(0, |e: &RecordedEvent| e.position), 1000).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// Checks the property at `at` against the fresh fold of the events committed by then.
async fn check(w: &World, live: &ReadModel, events: &[RecordedEvent], decision: &str, at: DateTime<Utc>) {
    let view = live.decisions.get(decision).expect("the live decision");
    let plan = PastPlan::of(live, view, at);
    let past = query::decision_as_of(w.store.as_ref(), &plan, at).await.unwrap();

    let mut fresh = ReadModel::default();
    fresh.apply_all(events.iter().filter(|e| e.metadata.server_time <= at));
    let Some(expected) = fresh.decisions.get(decision) else {
        assert!(past.is_none(), "at {at}: the decision did not exist yet");
        return;
    };
    let past = past.unwrap_or_else(|| panic!("at {at}: the decision existed"));
    assert_eq!(past.decision(decision), Some(expected), "at {at}: the decision's view");

    for h in &expected.hearing_ids {
        let mut want = fresh.hearings.get(h).cloned().expect("a hearing of the fresh fold");
        live.redact_hearing(Arc::make_mut(&mut want));
        assert_eq!(past.model.hearings.get(h), Some(&want), "at {at}: hearing {h}");
    }
    for c in &expected.consultations {
        let got = query::comments(&past.model, &c.id, None, Some(100), None);
        let want = query::comments(&fresh, &c.id, None, Some(100), None);
        assert_eq!(got.total, want.total, "at {at}: comment count of {}", c.id);
        let want: Vec<_> = want
            .items
            .into_iter()
            .map(|(cursor, mut comment)| {
                // Hidden since: its body stays withheld, and the replay says so.
                let hidden_now = live.comment(&comment.id).is_some_and(|l| l.hidden_at.is_some());
                let later = hidden_now && comment.hidden_at.is_none();
                assert_eq!(past.hidden_later.contains(&comment.id), later, "at {at}: comment {} hidden later", comment.id);
                if hidden_now {
                    comment.body = None;
                }
                (cursor, comment)
            })
            .collect();
        assert_eq!(got.items, want, "at {at}: comments of {}", c.id);
    }
}

#[tokio::test]
async fn a_decision_as_of_any_moment_is_the_fold_of_the_events_committed_by_then() {
    let mut seen: HashSet<String> = HashSet::new();
    let mut seeds = Rng(0x9E37_79B9_7F4A_7C15);
    for seed in (0..12).map(|_| seeds.next() | 1) {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn EventStore> = Arc::new(SqliteEventStore::open(dir.path().join("events.db")).unwrap());
        let keys = Arc::new(SqliteKeyStore::open(dir.path().join("keys.db")).unwrap());
        let clock = Arc::new(ManualClock::new(t("2021-03-01T09:00:00+08:00")));
        let app = App::new(store.clone(), keys, clock.clone(), Tokens::new(vec![7; 32], Duration::hours(1)));
        let w = World { app, store, clock, _dir: dir };
        let mut rng = Rng(seed);
        let decision = scenario(&w, &mut rng, 120).await;

        let events = all_events(w.store.as_ref()).await;
        let mut live = ReadModel::default();
        live.apply_all(&events);
        let kinds: HashSet<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        assert!(kinds.len() >= 8, "seed {seed:#x}: the walk reaches enough of the procedure: {kinds:?}");
        seen.extend(kinds.iter().map(|k| k.to_string()));

        let first = events.first().unwrap().metadata.server_time;
        let last = events.last().unwrap().metadata.server_time;
        let mut moments: Vec<DateTime<Utc>> = events.iter().map(|e| e.metadata.server_time).collect();
        moments.extend(events.iter().map(|e| e.metadata.server_time - Duration::milliseconds(1)));
        let span = (last - first).num_seconds().max(1) as u64;
        moments.extend((0..40).map(|_| first + Duration::seconds((rng.next() % span) as i64)));
        moments.push(first - Duration::days(1));
        moments.sort();
        moments.dedup();
        for at in moments {
            check(&w, &live, &events, &decision, at).await;
        }
    }
    for kind in [
        "comment.submitted.v1",
        "comment.hidden.v1",
        "decision.opinion_consolidated.v1",
        "decision.adoption_decided.v1",
        "decision.consultation_closed.v1",
        "hearing.signup_submitted.v1",
        "hearing.signup_withdrawn.v1",
        "hearing.participants_published.v1",
        "decision.result_published.v1",
    ] {
        assert!(seen.contains(kind), "no walk reached {kind}: {seen:?}");
    }
}
