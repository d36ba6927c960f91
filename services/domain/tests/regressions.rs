//! Regression tests for rule gaps found by mutation-testing the domain: each names the rule
//! it checks and the loophole it closes.

mod common;

use canyu_domain::decision::{Decision, DecisionCommand};
use canyu_domain::hearing::{Hearing, HearingCommand};
use canyu_domain::testing::{given, parsed};
use canyu_domain::{Aggregate, DomainError};
use common::*;

/// DESIGN "The rules it follows", Decree 713 Art. 15: a shorter online consultation "needs
/// its reason stated in the notice itself, when it is opened (not added later). Closing early
/// counts as shortening."
///
/// `ONLINE` was announced for exactly 30 days with no shortened reason. Closing it on day 10
/// shortens it to 10 days, and the reason given at close time is exactly the "added later"
/// the rule forbids. src/decision.rs `CloseConsultation` (lines 256-268) only asks for *a*
/// reason (`EarlyCloseNeedsReason`) and emits `ConsultationClosed { early: true }`.
#[test]
fn online_consultation_closed_before_30_days_without_a_reason_stated_at_opening_is_rejected() {
    given::<Decision>(consulting())
        .when(DecisionCommand::CloseConsultation { consultation_id: ONLINE.into(), reason: Some(parsed("已收集足够意见")) }, &ctx(DURING))
        // Issue 9: the refusal names the rule and the earliest allowed date (30 days on).
        .then_err(DomainError::EarlyCloseBeforeMinimumPeriod { earliest: t(CLOSES) });
}

/// Same rule (30 calendar days for the public). Backdating `opensAt` makes a 5-day window
/// look like 33 days: now is 2021-03-20, the notice says "open since 2021-02-20, closes
/// 2021-03-25", and no reason is stated. src/decision.rs line 241 measures
/// `closes_at - opens_at` instead of the time the public actually gets.
#[test]
fn online_consultation_announced_with_a_past_opening_time_counts_its_period_from_now() {
    given::<Decision>(drafted())
        .when(
            DecisionCommand::OpenConsultation {
                consultation_id: ONLINE.into(),
                channel: Channel::Online,
                opens_at: t("2021-02-20T00:00:00Z"),
                closes_at: t("2021-03-25T00:00:00Z"),
                how_to_submit: parsed("在本平台提交意见"),
                shortened_reason: None,
            },
            &ctx("2021-03-20T00:00:00Z"),
        )
        .then_err(DomainError::PeriodTooShortWithoutReason);
}

/// Ids of a decision's children must not be reused: `evolve` (src/decision.rs line 413)
/// inserts `OpinionState { outcome: None }` over the existing opinion, so consolidating again
/// under `op1` silently erases op1's published NOT_ADOPTED decision and lets it be decided
/// anew. `ConsolidateOpinion` (line 281) never checks `s.opinions.contains_key`.
/// (No error variant exists for this yet; once `OpinionAlreadyExists` is added, assert it.)
#[test]
fn consolidating_an_opinion_under_an_existing_opinion_id_is_rejected() {
    let mut history = consulting();
    history.extend([opinion("op1", &["k1"]), adoption("op1", "NOT_ADOPTED", Some("与上位法规定不符"))]);
    let state = Decision::fold(&history);
    let result = Decision::decide(
        &state,
        DecisionCommand::ConsolidateOpinion {
            opinion_id: "op1".into(),
            summary: parsed("另一条意见"),
            comment_ids: vec!["k2".into()],
            concentrated: false,
        },
        &ctx_with_comments(AFTER, &[("k1", DECISION), ("k2", DECISION)]),
    );
    assert!(result.is_err(), "reusing opinion id op1 was accepted with {result:?}; folding it erases op1's adoption decision");
}

/// Same for consultations: `evolve` (src/decision.rs lines 391-401) replaces the existing
/// consultation with `closed_at: None`, so re-opening a closed consultation under its own id
/// reopens it for comments and rewrites its announced period. `OpenConsultation` (line 227)
/// never checks `s.consultations.contains_key`.
/// (No error variant exists for this yet; once `ConsultationAlreadyExists` is added, assert it.)
#[test]
fn opening_a_consultation_under_an_existing_consultation_id_is_rejected() {
    let mut history = consulting();
    history.push(consultation_closed(ONLINE, DURING, true, Some("紧急情况")));
    let state = Decision::fold(&history);
    let result = Decision::decide(
        &state,
        DecisionCommand::OpenConsultation {
            consultation_id: ONLINE.into(),
            channel: Channel::Online,
            opens_at: t("2021-03-11T00:00:00Z"),
            closes_at: t("2021-04-20T00:00:00Z"),
            how_to_submit: parsed("在本平台提交意见"),
            shortened_reason: None,
        },
        &ctx("2021-03-11T00:00:00Z"),
    );
    assert!(result.is_err(), "re-opening closed consultation {ONLINE} was accepted with {result:?}");
}

/// `DeliberationRecorded` is "the decision meeting was held", with its summary and dissent;
/// a meeting in the future cannot have either. `RecordParticipationActivity` refuses a future
/// `heldAt` (src/decision.rs line 273) but `RecordDeliberation` (line 335) does not.
#[test]
fn deliberation_held_in_the_future_is_rejected() {
    given::<Decision>(fed_back())
        .when(
            DecisionCommand::RecordDeliberation {
                meeting_kind: MeetingKind::ExecutiveMeeting,
                held_at: t("2021-05-10T00:00:00Z"),
                summary: parsed("会议原则通过。"),
                dissent: parsed(""),
                observers: vec![],
            },
            &ctx("2021-05-01T00:00:00Z"),
        )
        .then_err(DomainError::invalid("heldAt", "must not be in the future"));
}

/// DESIGN: "Opinions collected and how they were adopted are published" (work points §13,
/// Decree 713 Art. 18, 32). Opinions gathered offline (a symposium, no consultation) are
/// still opinions: here `op1` has no adoption decision and no feedback report, yet the
/// deliberation is accepted, after which the result can be published and `op1` never gets
/// an answer. src/decision.rs line 349 requires the report only when
/// `!s.consultations.is_empty()`.
#[test]
fn deliberation_after_opinions_were_consolidated_requires_the_feedback_report() {
    let mut history = drafted();
    history.extend([
        canyu_domain::events::ParticipationActivityRecorded {
            decision_id: DECISION.into(),
            activity_id: "act1".into(),
            kind: ActivityKind::Symposium,
            held_at: t("2021-03-12T09:00:00Z"),
            summary: "与公交企业、乘客代表座谈".into(),
            participant_count: 12,
        }
        .into(),
        opinion("op1", &[]),
    ]);
    given::<Decision>(history)
        .when(
            DecisionCommand::RecordDeliberation {
                meeting_kind: MeetingKind::ExecutiveMeeting,
                held_at: t("2021-05-10T00:00:00Z"),
                summary: parsed("会议原则通过。"),
                dissent: parsed(""),
                observers: vec![],
            },
            &ctx("2021-05-10T12:00:00Z"),
        )
        .then_err(DomainError::FeedbackReportRequired);
}

/// DESIGN, Decree 713 Art. 16-17: the participant list is "published before the hearing" and
/// must be the list of participants. `PublishParticipants` (src/hearing.rs lines 223-240)
/// checks only the draw (lotteries) and the start time, so a first-come list can be published
/// while sign-up is still open. Every later accepted sign-up is then missing from the
/// published list, and because `Withdraw` stops promoting once the list is published
/// (line 196), a seat freed afterwards goes to the next *new* sign-up instead of the first
/// waitlisted person.
#[test]
fn participants_cannot_be_published_while_sign_up_is_still_open() {
    let d = decision_state(&drafted());
    given::<Hearing>([scheduled("FIRST_COME", 2, &["居民", "企业"]), signed_up("s1", "a1", "居民", "ACCEPTED")])
        .when(HearingCommand::PublishParticipants, &hearing_ctx(SIGNUP_OPEN, &d))
        .then_err(DomainError::SignupStillOpen);
}

/// `HearingCtx::decision` is documented (src/hearing.rs line 81) as given "to refuse work on
/// a closed decision", but only `Schedule` and `SignUp` call `ctx.decision.ensure_active()`:
/// a hearing of a withdrawn decision can still be drawn, have its participants published and
/// be recorded as held.
#[test]
fn hearing_work_on_a_withdrawn_decision_is_rejected() {
    let d = decision_state(&drafted_then_withdrawn());
    let lottery = vec![scheduled("LOTTERY", 2, &["居民"]), signed_up("s1", "a1", "居民", "PENDING_DRAW")];
    let first_come = vec![scheduled("FIRST_COME", 2, &["居民"]), signed_up("s1", "a1", "居民", "ACCEPTED")];
    let mut published = first_come.clone();
    published.push(participants_published(&[("s1", "a1", "居民")]));
    for (history, cmd, now) in [
        (lottery, HearingCommand::Draw { seed: parsed("seed") }, SIGNUP_OVER),
        (first_come, HearingCommand::PublishParticipants, SIGNUP_OVER),
        (published, HearingCommand::RecordHeld { record_summary: parsed("听证会按程序举行。") }, STARTED),
    ] {
        given::<Hearing>(history).when(cmd, &hearing_ctx(now, &d)).then_err(DomainError::DecisionWithdrawn);
    }
}
