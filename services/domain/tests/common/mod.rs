//! Shared fixtures for the given/when/then tests: a fixed calendar, builders for past events
//! and contexts. Every builder returns exactly what the aggregate itself would have emitted,
//! so a test's `given` reads like the decision's real history.

#![allow(dead_code, reason = "each test crate uses a different subset of the fixtures")]

use std::collections::HashMap;

use canyu_domain::Aggregate;
use canyu_domain::decision::{Decision, DecisionCtx, DecisionState};
use canyu_domain::events::*;
#[allow(unused_imports, reason = "each test crate uses a different subset")]
pub use canyu_domain::values::{ActivityKind, AdoptionOutcome, Channel, Disclosure, MeetingKind, Role, SelectionMethod, SignupStatus};
use chrono::{DateTime, Utc};

/// The decision every test works on.
pub const DECISION: &str = "d-2021-07";
/// Its undertaking unit.
pub const UNIT: &str = "unit-transport";
/// The online consultation most tests use: open from `OPENS` to `CLOSES` (30 days).
pub const ONLINE: &str = "consult-online";
pub const OPENS: &str = "2021-03-01T00:00:00Z";
pub const CLOSES: &str = "2021-03-31T00:00:00Z";
/// A day while `ONLINE` is open.
pub const DURING: &str = "2021-03-10T08:00:00Z";
/// A day after `ONLINE` ended.
pub const AFTER: &str = "2021-04-02T00:00:00Z";

/// Text of the first draft; its clauses are `c1`..`c3`.
pub const DRAFT_V1: &str = "第一条 为规范公共交通票价，制定本办法。\n第二条 票价实行政府定价。\n第三条 本办法自发布之日起施行。";

/// A fixed instant, e.g. `t("2021-03-01T00:00:00Z")`.
pub fn t(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap_or_else(|e| panic!("bad test time {rfc3339:?}: {e}")).with_timezone(&Utc)
}

/// A decision context at `now`, for a registered unit and an unpublished catalogue.
pub fn ctx(now: &str) -> DecisionCtx {
    DecisionCtx {
        now: t(now),
        catalogue_published: false,
        unit_exists: true,
        comment_decisions: HashMap::new(),
        comment_consultations: HashMap::new(),
    }
}

/// Like [`ctx`], knowing which decision each listed comment belongs to (each was submitted to
/// the consultation `ONLINE`).
pub fn ctx_with_comments(now: &str, comments: &[(&str, &str)]) -> DecisionCtx {
    DecisionCtx {
        comment_decisions: comments.iter().map(|(c, d)| (c.to_string(), d.to_string())).collect(),
        comment_consultations: comments.iter().map(|(c, _)| (c.to_string(), ONLINE.to_string())).collect(),
        ..ctx(now)
    }
}

/// The decision state folded from `events` (for hearing and comment contexts).
pub fn decision_state(events: &[Event]) -> DecisionState {
    Decision::fold(events)
}

// --- decision events -------------------------------------------------------------------

pub fn registered() -> Event {
    DecisionRegistered {
        decision_id: DECISION.into(),
        year: 2021,
        title: "城市公共交通票价调整方案".into(),
        summary: "调整市区公交、地铁票价结构。".into(),
        unit_id: UNIT.into(),
        disclosure: Disclosure::Public,
        confidentiality_basis: None,
        late_addition_reason: None,
    }
    .into()
}

pub fn background() -> Event {
    BackgroundPublished { decision_id: DECISION.into(), text: "现行票价自2010年起未作调整。".into() }.into()
}

pub fn clause(id: &str, number: u32, text: &str) -> Clause {
    Clause { id: id.into(), number, text: text.into() }
}

/// The clauses of [`DRAFT_V1`].
pub fn draft_v1_clauses() -> Vec<Clause> {
    vec![
        clause("c1", 1, "第一条 为规范公共交通票价，制定本办法。"),
        clause("c2", 2, "第二条 票价实行政府定价。"),
        clause("c3", 3, "第三条 本办法自发布之日起施行。"),
    ]
}

pub fn draft(version: u32, text: &str, clauses: Vec<Clause>, published_at: &str) -> Event {
    DraftPublished {
        decision_id: DECISION.into(),
        version,
        text: text.into(),
        clauses,
        explanation: "起草说明".into(),
        change_note: String::new(),
        published_at: t(published_at),
    }
    .into()
}

/// Draft version 1 ([`DRAFT_V1`]), published a week before `ONLINE` opens.
pub fn draft_v1() -> Event {
    draft(1, DRAFT_V1, draft_v1_clauses(), "2021-02-22T00:00:00Z")
}

pub fn consultation(id: &str, channel: &str, draft_version: u32, opens_at: &str, closes_at: &str, shortened_reason: Option<&str>) -> Event {
    ConsultationOpened {
        decision_id: DECISION.into(),
        consultation_id: id.into(),
        channel: Channel::parse("channel", channel).expect("a test channel"),
        draft_version,
        opens_at: t(opens_at),
        closes_at: t(closes_at),
        how_to_submit: "在本平台提交意见".into(),
        shortened_reason: shortened_reason.map(Into::into),
    }
    .into()
}

/// `ONLINE`, on draft 1, from `OPENS` to `CLOSES`.
pub fn online_consultation() -> Event {
    consultation(ONLINE, "ONLINE", 1, OPENS, CLOSES, None)
}

pub fn consultation_closed(id: &str, closed_at: &str, early: bool, reason: Option<&str>) -> Event {
    ConsultationClosed {
        decision_id: DECISION.into(),
        consultation_id: id.into(),
        closed_at: t(closed_at),
        early,
        reason: reason.map(Into::into),
    }
    .into()
}

pub fn opinion(id: &str, comment_ids: &[&str]) -> Event {
    OpinionConsolidated {
        decision_id: DECISION.into(),
        opinion_id: id.into(),
        summary: "建议保留老年人免费乘车".into(),
        comment_ids: comment_ids.iter().map(|c| c.to_string()).collect(),
        concentrated: true,
        // Every fixture comment is submitted to `ONLINE` (see `ctx_with_comments`).
        consultation_ids: if comment_ids.is_empty() { vec![] } else { vec![ONLINE.into()] },
    }
    .into()
}

pub fn adoption(opinion_id: &str, outcome: &str, rationale: Option<&str>) -> Event {
    AdoptionDecided {
        decision_id: DECISION.into(),
        opinion_id: opinion_id.into(),
        outcome: AdoptionOutcome::parse("outcome", outcome).expect("a test outcome"),
        rationale: rationale.map(Into::into),
    }
    .into()
}

pub fn feedback_report(at: &str) -> Event {
    FeedbackReportPublished { decision_id: DECISION.into(), summary: "共收到意见120条，采纳35条。".into(), published_at: t(at) }.into()
}

pub fn deliberation(held_at: &str) -> Event {
    DeliberationRecorded {
        decision_id: DECISION.into(),
        meeting_kind: MeetingKind::ExecutiveMeeting,
        held_at: t(held_at),
        summary: "会议原则通过。".into(),
        dissent: String::new(),
        observers: vec![],
    }
    .into()
}

pub fn result(published_at: &str) -> Event {
    ResultPublished {
        decision_id: DECISION.into(),
        text: "决定自2021年7月1日起执行新票价。".into(),
        document_number: "市政发〔2021〕12号".into(),
        effective_at: t("2021-07-01T00:00:00Z"),
        interpretation: "一图读懂新票价。".into(),
        published_at: t(published_at),
    }
    .into()
}

pub fn withdrawn() -> Event {
    DecisionWithdrawn { decision_id: DECISION.into(), reason: "上位法调整".into() }.into()
}

// --- histories -------------------------------------------------------------------------

/// Registered, with draft 1 published.
pub fn drafted() -> Vec<Event> {
    vec![registered(), draft_v1()]
}

/// Drafted, with `ONLINE` opened.
pub fn consulting() -> Vec<Event> {
    let mut events = drafted();
    events.push(online_consultation());
    events
}

/// Consulting, `ONLINE` over, one opinion `op1` adopted, feedback report published.
pub fn fed_back() -> Vec<Event> {
    let mut events = consulting();
    events.extend([opinion("op1", &["k1"]), adoption("op1", "ADOPTED", None), feedback_report("2021-04-10T00:00:00Z")]);
    events
}

/// Fed back and deliberated.
pub fn deliberated() -> Vec<Event> {
    let mut events = fed_back();
    events.push(deliberation("2021-05-10T00:00:00Z"));
    events
}

/// Deliberated and decided.
pub fn decided() -> Vec<Event> {
    let mut events = deliberated();
    events.push(result("2021-05-20T00:00:00Z"));
    events
}

/// Drafted, then withdrawn.
pub fn drafted_then_withdrawn() -> Vec<Event> {
    let mut events = drafted();
    events.push(withdrawn());
    events
}

/// Personal data as the application would seal it (the domain never opens it).
pub fn sealed(subject: &str) -> Sealed {
    Sealed { subject: subject.into(), nonce: "bm9uY2U=".into(), ciphertext: format!("Y2lwaGVy-{subject}") }
}

// --- hearings --------------------------------------------------------------------------

pub const HEARING: &str = "hearing-1";
/// When the hearing is scheduled.
pub const SCHEDULING: &str = "2021-03-05T00:00:00Z";
/// The hearing starts at `STARTS`; sign-up closes at `SIGNUP_CLOSES`, ten days earlier.
pub const STARTS: &str = "2021-04-20T09:00:00Z";
pub const SIGNUP_CLOSES: &str = "2021-04-10T09:00:00Z";
/// While sign-up is open.
pub const SIGNUP_OPEN: &str = "2021-03-15T00:00:00Z";
/// After sign-up closed, before the hearing.
pub const SIGNUP_OVER: &str = "2021-04-12T00:00:00Z";
/// After the hearing started.
pub const STARTED: &str = "2021-04-20T12:00:00Z";

pub fn hearing_ctx<'a>(now: &str, decision: &'a DecisionState) -> canyu_domain::hearing::HearingCtx<'a> {
    canyu_domain::hearing::HearingCtx { now: t(now), decision }
}

pub fn scheduled(method: &str, capacity: u32, groups: &[&str]) -> Event {
    HearingScheduled {
        hearing_id: HEARING.into(),
        decision_id: DECISION.into(),
        starts_at: t(STARTS),
        venue: "市政府第一会议室".into(),
        capacity,
        signup_closes_at: t(SIGNUP_CLOSES),
        selection_method: SelectionMethod::parse("selectionMethod", method).expect("a test method"),
        selection_rules: "按报名先后顺序确定参加人".into(),
        stakeholder_groups: groups.iter().map(|g| g.to_string()).collect(),
    }
    .into()
}

/// The public name a test account signs up with.
pub fn display_name(account: &str) -> String {
    format!("市民{account}")
}

pub fn signed_up(signup_id: &str, account: &str, group: &str, status: &str) -> Event {
    HearingSignupSubmitted {
        hearing_id: HEARING.into(),
        decision_id: DECISION.into(),
        signup_id: signup_id.into(),
        account_id: account.into(),
        display_name: display_name(account),
        stakeholder_group: group.into(),
        statement: "希望保留老年人优惠".into(),
        personal: sealed(account),
        status: SignupStatus::parse("status", status).expect("a test status"),
    }
    .into()
}

pub fn signup_withdrawn(signup_id: &str) -> Event {
    HearingSignupWithdrawn { hearing_id: HEARING.into(), decision_id: DECISION.into(), signup_id: signup_id.into() }.into()
}

pub fn signup_promoted(signup_id: &str) -> Event {
    HearingSignupPromoted { hearing_id: HEARING.into(), decision_id: DECISION.into(), signup_id: signup_id.into() }.into()
}

pub fn participants_published(participants: &[(&str, &str, &str)]) -> Event {
    HearingParticipantsPublished {
        hearing_id: HEARING.into(),
        decision_id: DECISION.into(),
        participants: participants
            .iter()
            .map(|(signup_id, account, group)| PublishedParticipant {
                signup_id: signup_id.to_string(),
                display_name: display_name(account),
                stakeholder_group: group.to_string(),
            })
            .collect(),
    }
    .into()
}

pub fn hearing_held() -> Event {
    HearingHeld {
        hearing_id: HEARING.into(), decision_id: DECISION.into(), record_summary: "听证会按程序举行，参加人已确认笔录。".into()
    }
    .into()
}

/// A command's observer from the event's (the fields must parse).
pub fn observer_input(o: Observer) -> canyu_domain::decision::ObserverInput {
    use canyu_domain::testing::parsed;
    canyu_domain::decision::ObserverInput {
        name: parsed(&o.name),
        affiliation: parsed(&o.affiliation),
        opinion: parsed(&o.opinion),
        outcome: o.outcome.expect("a test observer has an outcome"),
        rationale: canyu_domain::testing::parsed_optional(o.rationale.as_deref()),
    }
}
