//! Rules of the hearing aggregate (Decree 713 Art. 16-17), one given/when/then test per rule.

mod common;

use canyu_domain::DomainError;
use canyu_domain::decision::DecisionState;
use canyu_domain::events::*;
use canyu_domain::hearing::{Hearing, HearingCommand};
use canyu_domain::lottery;
use canyu_domain::testing::{given, parsed, parsed_optional};
use canyu_domain::values::{DeclaredGroup, MaterialsList, RecordSummary, Seed, SelectionRules, TextValue};
use common::*;

const GROUPS: &[&str] = &["居民", "企业", "律师"];
/// The groups of the first-come fixtures: as many as its 2 seats (Art. 16: each can be seated).
const FC_GROUPS: &[&str] = &["居民", "企业"];

/// The decision the hearing is about: registered, with draft 1.
fn decision() -> DecisionState {
    decision_state(&drafted())
}

fn schedule(edit: impl FnOnce(&mut HearingScheduled)) -> HearingCommand {
    let Event::HearingScheduled(mut e) = scheduled("FIRST_COME", 2, FC_GROUPS) else {
        unreachable!("scheduled() builds a HearingScheduled")
    };
    edit(&mut e);
    HearingCommand::Schedule {
        hearing_id: e.hearing_id,
        decision_id: e.decision_id,
        starts_at: e.starts_at,
        venue: parsed(&e.venue),
        capacity: i64::from(e.capacity),
        signup_closes_at: e.signup_closes_at,
        selection_method: e.selection_method,
        selection_rules: parsed(&e.selection_rules),
        stakeholder_groups: e.stakeholder_groups.iter().map(|g| parsed(g)).collect(),
    }
}

fn sign_up(signup_id: &str, account: &str, group: &str) -> HearingCommand {
    HearingCommand::SignUp {
        signup_id: signup_id.into(),
        account_id: account.into(),
        display_name: parsed(&display_name(account)),
        stakeholder_group: parsed(group),
        statement: parsed("希望保留老年人优惠"),
        personal: sealed(account),
    }
}

fn withdraw(signup_id: &str, account: &str) -> HearingCommand {
    HearingCommand::Withdraw { signup_id: signup_id.into(), account_id: account.into() }
}

fn draw(seed: &str) -> HearingCommand {
    HearingCommand::Draw { seed: parsed(seed) }
}

fn record_held() -> HearingCommand {
    HearingCommand::RecordHeld { record_summary: parsed(" 听证会按程序举行，参加人已确认笔录。 ") }
}

/// A first-come hearing with 2 seats.
fn first_come() -> Vec<Event> {
    vec![scheduled("FIRST_COME", 2, FC_GROUPS)]
}

/// A first-come hearing with 2 seats taken by `s1` (居民) and `s2` (企业), and `s3` (居民),
/// `s4` (企业) waitlisted.
fn first_come_full() -> Vec<Event> {
    vec![
        scheduled("FIRST_COME", 2, FC_GROUPS),
        signed_up("s1", "a1", "居民", "ACCEPTED"),
        signed_up("s2", "a2", "企业", "ACCEPTED"),
        signed_up("s3", "a3", "居民", "WAITLISTED"),
        signed_up("s4", "a4", "企业", "WAITLISTED"),
    ]
}

/// A lottery hearing with `capacity` seats and sign-ups `(signup_id, group)`, each from
/// account `a-<signup_id>`.
fn lottery_with(capacity: u32, groups: &[&str], signups: &[(&str, &str)]) -> Vec<Event> {
    let mut events = vec![scheduled("LOTTERY", capacity, groups)];
    for (id, group) in signups {
        events.push(signed_up(id, &format!("a-{id}"), group, "PENDING_DRAW"));
    }
    events
}

fn drawn(seed: &str, d: &lottery::Draw) -> Event {
    HearingParticipantsDrawn {
        hearing_id: HEARING.into(),
        decision_id: DECISION.into(),
        seed: seed.into(),
        selected: d.selected.clone(),
        not_selected: d.not_selected.clone(),
    }
    .into()
}

fn entries(signups: &[(&str, &str)]) -> Vec<(String, String)> {
    signups.iter().map(|(id, g)| (id.to_string(), g.to_string())).collect()
}

// --- scheduling ------------------------------------------------------------------------

#[test]
fn hearing_is_scheduled_with_its_stakeholder_groups_trimmed_and_deduplicated() {
    let d = decision();
    given::<Hearing>([])
        .when(
            schedule(|e| {
                e.venue = " 市政府第一会议室 ".into();
                e.capacity = 3;
                e.stakeholder_groups = vec![" 居民 ".into(), "企业".into(), "居民".into(), "律师".into(), "企业 ".into()];
            }),
            &hearing_ctx(SCHEDULING, &d),
        )
        .then([scheduled("FIRST_COME", 3, GROUPS)]);
}

#[test]
fn hearing_before_any_draft_is_rejected() {
    let d = decision_state(&[registered()]);
    given::<Hearing>([]).when(schedule(|_| {}), &hearing_ctx(SCHEDULING, &d)).then_err(DomainError::NoDraftPublished);
}

#[test]
fn hearing_on_a_withdrawn_decision_is_rejected() {
    let d = decision_state(&drafted_then_withdrawn());
    given::<Hearing>([]).when(schedule(|_| {}), &hearing_ctx(SCHEDULING, &d)).then_err(DomainError::DecisionWithdrawn);
}

#[test]
fn hearing_on_a_decided_decision_is_rejected() {
    let d = decision_state(&decided());
    given::<Hearing>([]).when(schedule(|_| {}), &hearing_ctx("2021-06-01T00:00:00Z", &d)).then_err(DomainError::DecisionAlreadyDecided);
}

#[test]
fn hearing_on_an_unknown_decision_is_rejected() {
    let d = DecisionState::default();
    given::<Hearing>([]).when(schedule(|_| {}), &hearing_ctx(SCHEDULING, &d)).then_err(DomainError::DecisionNotFound);
}

#[test]
fn hearing_starting_now_or_in_the_past_is_rejected() {
    let d = decision();
    for now in [STARTS, "2021-04-21T00:00:00Z"] {
        given::<Hearing>([])
            .when(schedule(|_| {}), &hearing_ctx(now, &d))
            .then_err(DomainError::invalid("startsAt", "must be in the future"));
    }
}

#[test]
fn sign_up_closing_less_than_7_days_before_the_hearing_is_rejected() {
    let d = decision();
    given::<Hearing>([]).when(schedule(|e| e.signup_closes_at = t("2021-04-13T09:00:01Z")), &hearing_ctx(SCHEDULING, &d)).then_err(
        DomainError::invalid("signupClosesAt", "must be at least 7 days before the hearing, so materials reach participants in time"),
    );
}

#[test]
fn sign_up_closing_exactly_7_days_before_the_hearing_is_accepted() {
    let d = decision();
    let Event::HearingScheduled(mut expected) = scheduled("FIRST_COME", 2, FC_GROUPS) else { unreachable!() };
    expected.signup_closes_at = t("2021-04-13T09:00:00Z");
    given::<Hearing>([])
        .when(schedule(|e| e.signup_closes_at = t("2021-04-13T09:00:00Z")), &hearing_ctx(SCHEDULING, &d))
        .then([expected.into()]);
}

#[test]
fn hearing_capacity_outside_1_to_10000_is_rejected() {
    let d = decision();
    for capacity in [0_i64, -1, 10_001, i64::from(u32::MAX) + 1] {
        let mut cmd = schedule(|_| {});
        if let HearingCommand::Schedule { capacity: c, .. } = &mut cmd {
            *c = capacity;
        }
        given::<Hearing>([])
            .when(cmd, &hearing_ctx(SCHEDULING, &d))
            .then_err(DomainError::invalid("capacity", "must be between 1 and 10000"));
    }
}

#[test]
fn hearing_capacities_1_and_10000_are_accepted() {
    let d = decision();
    for capacity in [1, 10_000] {
        let one_group = |e: &mut HearingScheduled| {
            e.capacity = capacity;
            e.stakeholder_groups = vec!["居民".into()];
        };
        given::<Hearing>([]).when(schedule(one_group), &hearing_ctx(SCHEDULING, &d)).then([scheduled("FIRST_COME", capacity, &["居民"])]);
    }
}

#[test]
fn hearing_without_stakeholder_groups_is_rejected() {
    let d = decision();
    given::<Hearing>([])
        .when(schedule(|e| e.stakeholder_groups = vec![]), &hearing_ctx(SCHEDULING, &d))
        .then_err(DomainError::invalid("stakeholderGroups", "must name 1 to 50 groups"));
}

#[test]
fn hearing_with_more_than_50_stakeholder_groups_is_rejected() {
    let d = decision();
    given::<Hearing>([])
        .when(schedule(|e| e.stakeholder_groups = (1..=51).map(|i| format!("群体{i}")).collect()), &hearing_ctx(SCHEDULING, &d))
        .then_err(DomainError::invalid("stakeholderGroups", "must name 1 to 50 groups"));
}

#[test]
fn hearing_with_a_blank_stakeholder_group_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(DeclaredGroup::parse("  "), Err(DomainError::invalid("stakeholderGroups", "must not be empty")));
}

#[test]
fn hearing_with_an_unknown_selection_method_is_rejected() {
    assert_eq!(
        SelectionMethod::parse("selectionMethod", "RANDOM"),
        Err(DomainError::invalid("selectionMethod", "unknown value \"RANDOM\""))
    );
}

#[test]
fn hearing_without_selection_rules_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(SelectionRules::parse(" "), Err(DomainError::invalid("selectionRules", "must not be empty")));
}

#[test]
fn scheduling_an_existing_hearing_is_rejected() {
    let d = decision();
    given::<Hearing>(first_come()).when(schedule(|_| {}), &hearing_ctx(SCHEDULING, &d)).then_err(DomainError::HearingAlreadyExists);
}

// --- first-come sign-ups ---------------------------------------------------------------

#[test]
fn first_come_sign_up_is_accepted_while_seats_remain() {
    let d = decision();
    let mut history = first_come();
    history.push(signed_up("s1", "a1", "居民", "ACCEPTED"));
    given::<Hearing>(history)
        .when(sign_up("s2", "a2", " 企业 "), &hearing_ctx(SIGNUP_OPEN, &d))
        .then([signed_up("s2", "a2", "企业", "ACCEPTED")]);
}

#[test]
fn first_come_sign_up_beyond_capacity_is_waitlisted() {
    let d = decision();
    let mut history = first_come();
    history.push(signed_up("s1", "a1", "居民", "ACCEPTED"));
    history.push(signed_up("s2", "a2", "企业", "ACCEPTED"));
    given::<Hearing>(history).when(sign_up("s3", "a3", "居民"), &hearing_ctx(SIGNUP_OPEN, &d)).then([signed_up(
        "s3",
        "a3",
        "居民",
        "WAITLISTED",
    )]);
}

#[test]
fn withdrawing_an_accepted_sign_up_promotes_the_next_waitlisted_of_the_same_group() {
    let d = decision();
    // s3 (居民) waited longer, but the seat of s2 (企业) goes to s4 (企业): the group stays seated.
    given::<Hearing>(first_come_full())
        .when(withdraw("s2", "a2"), &hearing_ctx(SIGNUP_OPEN, &d))
        .then([signup_withdrawn("s2"), signup_promoted("s4")]);
}

// --- every declared group represented (Decree 713 Art. 16) ----------------------------------

/// Issue 9: a LOTTERY hearing with fewer seats than groups was accepted.
#[test]
fn a_hearing_with_fewer_seats_than_declared_groups_is_refused() {
    let d = decision();
    for method in [canyu_domain::values::SelectionMethod::Lottery, canyu_domain::values::SelectionMethod::FirstCome] {
        let cmd = schedule(|e| {
            e.selection_method = method;
            e.capacity = 2;
            e.stakeholder_groups = GROUPS.iter().map(|g| g.to_string()).collect();
        });
        given::<Hearing>([]).when(cmd, &hearing_ctx(SCHEDULING, &d)).then_err(DomainError::CapacityBelowGroups { groups: 3 });
    }
}

#[test]
fn first_come_keeps_a_seat_for_each_group_not_yet_seated() {
    let d = decision();
    let history = vec![scheduled("FIRST_COME", 3, GROUPS), signed_up("s1", "a1", "居民", "ACCEPTED")];
    // Two seats left, two groups unseated: a second 居民 waits; 企业 and 律师 are seated.
    given::<Hearing>(history.clone()).when(sign_up("s2", "a2", "居民"), &hearing_ctx(SIGNUP_OPEN, &d)).then([signed_up(
        "s2",
        "a2",
        "居民",
        "WAITLISTED",
    )]);
    given::<Hearing>(history)
        .when(sign_up("s2", "a2", "企业"), &hearing_ctx(SIGNUP_OPEN, &d))
        .then([signed_up("s2", "a2", "企业", "ACCEPTED")]);
}

#[test]
fn seats_kept_for_groups_that_never_signed_up_go_to_those_waiting_when_the_list_is_published() {
    let d = decision();
    let history = vec![
        scheduled("FIRST_COME", 3, GROUPS),
        signed_up("s1", "a1", "居民", "ACCEPTED"),
        signed_up("s2", "a2", "居民", "WAITLISTED"),
        signed_up("s3", "a3", "居民", "WAITLISTED"),
        signed_up("s4", "a4", "企业", "ACCEPTED"),
    ];
    // 律师 never signed up: its kept seat goes to s2, the first waiting.
    given::<Hearing>(history)
        .when(HearingCommand::PublishParticipants, &hearing_ctx(SIGNUP_OVER, &d))
        .then([signup_promoted("s2"), participants_published(&[("s1", "a1", "居民"), ("s2", "a2", "居民"), ("s4", "a4", "企业")])]);
}

#[test]
fn a_drawn_participant_who_withdraws_is_replaced_from_the_same_group_first() {
    let d = decision();
    let signups: &[(&str, &str)] = &[("r1", "居民"), ("r2", "居民"), ("r3", "居民"), ("b1", "企业"), ("b2", "企业"), ("l1", "律师")];
    let result = lottery::draw("seed", 3, &entries(signups));
    let mut history = lottery_with(3, GROUPS, signups);
    history.push(drawn("seed", &result));
    let leaving = result.selected.iter().find(|id| id.starts_with('b')).expect("企业 holds a seat").clone();
    let next_of_group = result.not_selected.iter().find(|id| id.starts_with('b')).expect("another 企业 waits").clone();
    given::<Hearing>(history)
        .when(withdraw(&leaving, &format!("a-{leaving}")), &hearing_ctx(SIGNUP_OVER, &d))
        .then([signup_withdrawn(&leaving), signup_promoted(&next_of_group)]);
}

/// A list in which a group that signed up holds no seat is refused (here from a draw recorded
/// before every group was guaranteed a seat).
#[test]
fn a_participant_list_leaving_a_group_that_signed_up_without_a_seat_is_refused() {
    let d = decision();
    let mut history = lottery_with(3, GROUPS, &[("r1", "居民"), ("r2", "居民"), ("r3", "居民"), ("b1", "企业")]);
    history.push(drawn("seed", &lottery::Draw { selected: vec!["r1".into(), "r2".into(), "r3".into()], not_selected: vec!["b1".into()] }));
    given::<Hearing>(history)
        .when(HearingCommand::PublishParticipants, &hearing_ctx(SIGNUP_OVER, &d))
        .then_err(DomainError::GroupWithoutSeat("企业".into()));
}

#[test]
fn waitlisted_sign_up_that_withdrew_is_skipped_when_a_seat_frees() {
    let d = decision();
    let mut history = first_come_full();
    history.push(signup_withdrawn("s3"));
    given::<Hearing>(history)
        .when(withdraw("s1", "a1"), &hearing_ctx(SIGNUP_OPEN, &d))
        .then([signup_withdrawn("s1"), signup_promoted("s4")]);
}

#[test]
fn promoted_sign_up_holds_its_seat_so_the_next_sign_up_is_waitlisted() {
    let d = decision();
    let mut history = first_come_full();
    history.extend([signup_withdrawn("s2"), signup_promoted("s4")]);
    given::<Hearing>(history).when(sign_up("s5", "a5", "居民"), &hearing_ctx(SIGNUP_OPEN, &d)).then([signed_up(
        "s5",
        "a5",
        "居民",
        "WAITLISTED",
    )]);
}

#[test]
fn withdrawing_a_waitlisted_sign_up_promotes_nobody() {
    let d = decision();
    given::<Hearing>(first_come_full()).when(withdraw("s3", "a3"), &hearing_ctx(SIGNUP_OPEN, &d)).then([signup_withdrawn("s3")]);
}

#[test]
fn withdrawing_after_the_participant_list_is_published_promotes_nobody() {
    let d = decision();
    let mut history = first_come_full();
    history.push(participants_published(&[("s1", "a1", "居民"), ("s2", "a2", "企业")]));
    given::<Hearing>(history).when(withdraw("s1", "a1"), &hearing_ctx(SIGNUP_OVER, &d)).then([signup_withdrawn("s1")]);
}

#[test]
fn withdrawing_someone_elses_sign_up_is_rejected() {
    let d = decision();
    given::<Hearing>(first_come_full()).when(withdraw("s1", "a2"), &hearing_ctx(SIGNUP_OPEN, &d)).then_err(DomainError::NotYourSignup);
}

#[test]
fn withdrawing_a_sign_up_twice_is_rejected() {
    let d = decision();
    let mut history = first_come_full();
    history.push(signup_withdrawn("s3"));
    given::<Hearing>(history).when(withdraw("s3", "a3"), &hearing_ctx(SIGNUP_OPEN, &d)).then_err(DomainError::SignupAlreadyWithdrawn);
}

#[test]
fn withdrawing_an_unknown_sign_up_is_rejected() {
    let d = decision();
    given::<Hearing>(first_come_full()).when(withdraw("s404", "a1"), &hearing_ctx(SIGNUP_OPEN, &d)).then_err(DomainError::SignupNotFound);
}

#[test]
fn withdrawing_once_the_hearing_started_is_rejected() {
    let d = decision();
    given::<Hearing>(first_come_full()).when(withdraw("s1", "a1"), &hearing_ctx(STARTS, &d)).then_err(DomainError::HearingAlreadyStarted);
}

#[test]
fn same_account_signing_up_twice_is_rejected() {
    let d = decision();
    for status_of_first in ["ACCEPTED", "WAITLISTED"] {
        let history = vec![
            scheduled("FIRST_COME", 2, FC_GROUPS),
            signed_up("s0", "a0", "居民", "ACCEPTED"),
            signed_up("s1", "a1", "居民", status_of_first),
        ];
        given::<Hearing>(history).when(sign_up("s2", "a1", "企业"), &hearing_ctx(SIGNUP_OPEN, &d)).then_err(DomainError::AlreadySignedUp);
    }
}

#[test]
fn account_may_sign_up_again_after_withdrawing() {
    let d = decision();
    let mut history = first_come_full();
    history.extend([signup_withdrawn("s1"), signup_promoted("s3")]);
    history.push(signup_withdrawn("s4"));
    given::<Hearing>(history).when(sign_up("s5", "a1", "居民"), &hearing_ctx(SIGNUP_OPEN, &d)).then([signed_up(
        "s5",
        "a1",
        "居民",
        "WAITLISTED",
    )]);
}

#[test]
fn sign_up_for_an_undeclared_stakeholder_group_is_rejected() {
    let d = decision();
    given::<Hearing>(first_come())
        .when(sign_up("s1", "a1", "记者"), &hearing_ctx(SIGNUP_OPEN, &d))
        .then_err(DomainError::UnknownStakeholderGroup);
}

#[test]
fn sign_up_at_or_after_the_deadline_is_rejected() {
    let d = decision();
    for now in [SIGNUP_CLOSES, SIGNUP_OVER] {
        given::<Hearing>(first_come()).when(sign_up("s1", "a1", "居民"), &hearing_ctx(now, &d)).then_err(DomainError::SignupClosed);
    }
}

#[test]
fn sign_up_on_a_withdrawn_decision_is_rejected() {
    let d = decision_state(&drafted_then_withdrawn());
    given::<Hearing>(first_come())
        .when(sign_up("s1", "a1", "居民"), &hearing_ctx(SIGNUP_OPEN, &d))
        .then_err(DomainError::DecisionWithdrawn);
}

#[test]
fn every_command_on_an_unscheduled_hearing_is_rejected() {
    let d = decision();
    for cmd in [sign_up("s1", "a1", "居民"), withdraw("s1", "a1"), draw("seed"), HearingCommand::PublishParticipants, record_held()] {
        given::<Hearing>([]).when(cmd, &hearing_ctx(SIGNUP_OPEN, &d)).then_err(DomainError::HearingNotFound);
    }
}

// --- lottery ---------------------------------------------------------------------------

const LOTTERY_SIGNUPS: &[(&str, &str)] =
    &[("s1", "居民"), ("s2", "居民"), ("s3", "企业"), ("s4", "居民"), ("s5", "律师"), ("s6", "居民"), ("s7", "企业"), ("s8", "居民")];

#[test]
fn lottery_sign_ups_wait_for_the_draw_even_beyond_capacity() {
    let d = decision();
    let history = lottery_with(3, GROUPS, &[("s1", "居民"), ("s2", "居民"), ("s4", "居民")]);
    given::<Hearing>(history).when(sign_up("s3", "a-s3", "企业"), &hearing_ctx(SIGNUP_OPEN, &d)).then([signed_up(
        "s3",
        "a-s3",
        "企业",
        "PENDING_DRAW",
    )]);
}

#[test]
fn draw_before_sign_up_closes_is_rejected() {
    let d = decision();
    given::<Hearing>(lottery_with(3, GROUPS, LOTTERY_SIGNUPS))
        .when(draw("2021-04-10 上证指数收盘价"), &hearing_ctx(SIGNUP_OPEN, &d))
        .then_err(DomainError::SignupStillOpen);
}

#[test]
fn draw_is_deterministic_and_anyone_can_recompute_it_from_the_seed() {
    let d = decision();
    let mut history = lottery_with(3, GROUPS, LOTTERY_SIGNUPS);
    history.push(signup_withdrawn("s4"));
    // The published algorithm, over the sign-ups still waiting, in arrival order.
    let waiting: Vec<(&str, &str)> = LOTTERY_SIGNUPS.iter().copied().filter(|(id, _)| *id != "s4").collect();
    let expected = lottery::draw("3421.07", 3, &entries(&waiting));
    assert_eq!(expected.selected.len(), 3);
    assert_eq!(expected.not_selected.len(), 4);

    let first = given::<Hearing>(history.clone()).when(draw(" 3421.07 "), &hearing_ctx(SIGNUP_OVER, &d)).events();
    assert_eq!(first, [drawn("3421.07", &expected)]);
    let again = given::<Hearing>(history).when(draw("3421.07"), &hearing_ctx("2021-04-13T00:00:00Z", &d)).events();
    assert_eq!(again, first);
}

#[test]
fn draw_gives_every_stakeholder_group_a_seat_when_capacity_allows() {
    let d = decision();
    let mut signups: Vec<(String, String)> = (1..=12).map(|i| (format!("r{i}"), "居民".to_string())).collect();
    signups.push(("lawyer".into(), "律师".into()));
    signups.push(("firm".into(), "企业".into()));
    let refs: Vec<(&str, &str)> = signups.iter().map(|(id, g)| (id.as_str(), g.as_str())).collect();
    for seed in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        let events = given::<Hearing>(lottery_with(3, GROUPS, &refs)).when(draw(seed), &hearing_ctx(SIGNUP_OVER, &d)).events();
        let [Event::HearingParticipantsDrawn(e)] = events.as_slice() else {
            panic!("expected one draw event, got {events:?}");
        };
        assert_eq!(e.selected.len(), 3, "seed {seed}");
        assert!(e.selected.contains(&"lawyer".to_string()), "seed {seed}");
        assert!(e.selected.contains(&"firm".to_string()), "seed {seed}");
        assert_eq!(e.not_selected.len(), 11, "seed {seed}");
    }
}

#[test]
fn drawing_twice_is_rejected() {
    let d = decision();
    let mut history = lottery_with(3, GROUPS, LOTTERY_SIGNUPS);
    history.push(drawn("seed", &lottery::draw("seed", 3, &entries(LOTTERY_SIGNUPS))));
    given::<Hearing>(history).when(draw("another seed"), &hearing_ctx(SIGNUP_OVER, &d)).then_err(DomainError::AlreadyDrawn);
}

#[test]
fn draw_on_a_first_come_hearing_is_rejected() {
    let d = decision();
    given::<Hearing>(first_come_full()).when(draw("seed"), &hearing_ctx(SIGNUP_OVER, &d)).then_err(DomainError::NotALottery);
}

#[test]
fn draw_without_a_seed_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(Seed::parse("  "), Err(DomainError::invalid("seed", "must not be empty")));
}

#[test]
fn withdrawing_a_drawn_participant_promotes_the_first_not_selected_in_ticket_order() {
    let d = decision();
    let result = lottery::draw("seed", 3, &entries(LOTTERY_SIGNUPS));
    let mut history = lottery_with(3, GROUPS, LOTTERY_SIGNUPS);
    history.push(drawn("seed", &result));
    // The first in ticket order already withdrew, so the second is promoted.
    let gone = &result.not_selected[0];
    history.push(signup_withdrawn(gone));
    let leaving = &result.selected[0];
    given::<Hearing>(history)
        .when(withdraw(leaving, &format!("a-{leaving}")), &hearing_ctx(SIGNUP_OVER, &d))
        .then([signup_withdrawn(leaving), signup_promoted(&result.not_selected[1])]);
}

// --- participant list ------------------------------------------------------------------

#[test]
fn lottery_participants_cannot_be_published_before_the_draw() {
    let d = decision();
    given::<Hearing>(lottery_with(3, GROUPS, LOTTERY_SIGNUPS))
        .when(HearingCommand::PublishParticipants, &hearing_ctx(SIGNUP_OVER, &d))
        .then_err(DomainError::DrawRequired);
}

#[test]
fn participants_cannot_be_published_once_the_hearing_started() {
    let d = decision();
    given::<Hearing>(first_come_full())
        .when(HearingCommand::PublishParticipants, &hearing_ctx(STARTS, &d))
        .then_err(DomainError::HearingAlreadyStarted);
}

#[test]
fn participant_list_shows_display_names_and_groups_of_accepted_sign_ups_only() {
    let d = decision();
    let mut history = first_come_full();
    history.extend([signup_withdrawn("s1"), signup_promoted("s3")]);
    given::<Hearing>(history)
        .when(HearingCommand::PublishParticipants, &hearing_ctx(SIGNUP_OVER, &d))
        .then([participants_published(&[("s2", "a2", "企业"), ("s3", "a3", "居民")])]);
}

#[test]
fn lottery_participant_list_shows_the_selected_in_arrival_order() {
    let d = decision();
    let result = lottery::draw("seed", 3, &entries(LOTTERY_SIGNUPS));
    let mut history = lottery_with(3, GROUPS, LOTTERY_SIGNUPS);
    history.push(drawn("seed", &result));
    let accounts: Vec<String> = LOTTERY_SIGNUPS.iter().map(|(id, _)| format!("a-{id}")).collect();
    let expected: Vec<(&str, &str, &str)> = LOTTERY_SIGNUPS
        .iter()
        .zip(&accounts)
        .filter(|((id, _), _)| result.selected.iter().any(|s| s == id))
        .map(|((id, group), account)| (*id, account.as_str(), *group))
        .collect();
    assert_eq!(expected.len(), 3);
    given::<Hearing>(history)
        .when(HearingCommand::PublishParticipants, &hearing_ctx(SIGNUP_OVER, &d))
        .then([participants_published(&expected)]);
}

#[test]
fn participant_list_published_twice_is_rejected() {
    let d = decision();
    let mut history = first_come_full();
    history.push(participants_published(&[("s1", "a1", "居民"), ("s2", "a2", "企业")]));
    given::<Hearing>(history)
        .when(HearingCommand::PublishParticipants, &hearing_ctx(SIGNUP_OVER, &d))
        .then_err(DomainError::ParticipantsAlreadyPublished);
}

// --- the hearing itself ----------------------------------------------------------------

fn published() -> Vec<Event> {
    let mut history = first_come_full();
    history.push(participants_published(&[("s1", "a1", "居民"), ("s2", "a2", "企业")]));
    history
}

#[test]
fn hearing_cannot_be_recorded_as_held_before_its_participant_list_is_published() {
    let d = decision();
    given::<Hearing>(first_come_full()).when(record_held(), &hearing_ctx(STARTED, &d)).then_err(DomainError::ParticipantsNotPublished);
}

#[test]
fn hearing_cannot_be_recorded_as_held_before_it_starts() {
    let d = decision();
    given::<Hearing>(published()).when(record_held(), &hearing_ctx(SIGNUP_OVER, &d)).then_err(DomainError::HearingNotYetStarted);
}

const MATERIALS: &str = "征求意见稿、起草说明、成本监审报告";
/// Eight days before the hearing starts (it starts 2021-04-20T09:00Z).
const DELIVERED: &str = "2021-04-12T00:00:00Z";

fn delivered(at: &str) -> Event {
    HearingMaterialsDelivered { hearing_id: HEARING.into(), decision_id: DECISION.into(), materials: MATERIALS.into(), delivered_at: t(at) }
        .into()
}

fn deliver(at: &str) -> HearingCommand {
    HearingCommand::DeliverMaterials { materials: parsed(MATERIALS), delivered_at: t(at) }
}

/// Published, with the materials delivered eight days before the hearing.
fn ready() -> Vec<Event> {
    let mut history = published();
    history.push(delivered(DELIVERED));
    history
}

#[test]
fn hearing_is_recorded_as_held_with_its_record_summary() {
    let d = decision();
    given::<Hearing>(ready()).when(record_held(), &hearing_ctx(STARTED, &d)).then([hearing_held()]);
}

// --- materials and record (Decree 713 Art. 17) -------------------------------------------------

#[test]
fn materials_are_recorded_as_delivered_to_the_published_participants() {
    let d = decision();
    given::<Hearing>(published()).when(deliver(DELIVERED), &hearing_ctx(SIGNUP_OVER, &d)).then([delivered(DELIVERED)]);
    given::<Hearing>(first_come_full())
        .when(deliver(DELIVERED), &hearing_ctx(SIGNUP_OVER, &d))
        .then_err(DomainError::ParticipantsNotPublished);
    given::<Hearing>(published())
        .when(deliver("2021-04-13T00:00:00Z"), &hearing_ctx(SIGNUP_OVER, &d))
        .then_err(DomainError::invalid("deliveredAt", "must not be in the future"));
    assert_eq!(MaterialsList::parse(" "), Err(DomainError::invalid("materials", "must not be empty")));
}

/// Issue 9: a hearing could be recorded as held without its materials ever reaching anyone.
#[test]
fn a_hearing_is_not_recorded_as_held_unless_materials_were_delivered_seven_days_before() {
    let d = decision();
    let by = t(STARTS) - chrono::Duration::days(7);
    given::<Hearing>(published()).when(record_held(), &hearing_ctx(STARTED, &d)).then_err(DomainError::MaterialsNotDeliveredInTime { by });
    let mut late = published();
    late.push(delivered("2021-04-14T00:00:00Z"));
    given::<Hearing>(late.clone()).when(record_held(), &hearing_ctx(STARTED, &d)).then_err(DomainError::MaterialsNotDeliveredInTime { by });
    // Exactly seven days before is in time; a later supplement does not undo an earlier delivery.
    let mut in_time = published();
    in_time.push(delivered("2021-04-13T09:00:00Z"));
    in_time.push(delivered("2021-04-18T00:00:00Z"));
    given::<Hearing>(in_time).when(record_held(), &hearing_ctx(STARTED, &d)).then([hearing_held()]);
}

fn record_published() -> Event {
    HearingRecordPublished { hearing_id: HEARING.into(), decision_id: DECISION.into(), text: "听证笔录全文".into() }.into()
}

fn held_with_record() -> Vec<Event> {
    let mut history = ready();
    history.push(hearing_held());
    history.push(record_published());
    history
}

fn answer(account: &str, objection: Option<&str>) -> HearingCommand {
    HearingCommand::AnswerRecord { account_id: account.into(), objection: parsed_optional(objection) }
}

#[test]
fn the_record_is_published_once_after_the_hearing() {
    let d = decision();
    let publish = || HearingCommand::PublishRecord { text: parsed("听证笔录全文") };
    given::<Hearing>(ready()).when(publish(), &hearing_ctx(STARTED, &d)).then_err(DomainError::HearingNotYetHeld);
    let mut held = ready();
    held.push(hearing_held());
    given::<Hearing>(held).when(publish(), &hearing_ctx(STARTED, &d)).then([record_published()]);
    given::<Hearing>(held_with_record()).when(publish(), &hearing_ctx(STARTED, &d)).then_err(DomainError::HearingRecordAlreadyPublished);
}

#[test]
fn each_participant_confirms_the_record_or_objects_with_a_note_once() {
    let d = decision();
    let confirmed: Event =
        HearingRecordConfirmed { hearing_id: HEARING.into(), decision_id: DECISION.into(), signup_id: "s1".into() }.into();
    given::<Hearing>(held_with_record()).when(answer("a1", None), &hearing_ctx(STARTED, &d)).then([confirmed.clone()]);
    let objected: Event = HearingRecordObjected {
        hearing_id: HEARING.into(),
        decision_id: DECISION.into(),
        signup_id: "s2".into(),
        note: "第二段遗漏了我关于夜间票价的发言".into(),
    }
    .into();
    given::<Hearing>(held_with_record())
        .when(answer("a2", Some("第二段遗漏了我关于夜间票价的发言")), &hearing_ctx(STARTED, &d))
        .then([objected]);
    let mut answered = held_with_record();
    answered.push(confirmed);
    given::<Hearing>(answered)
        .when(answer("a1", Some("改变主意")), &hearing_ctx(STARTED, &d))
        .then_err(DomainError::HearingRecordAlreadyAnswered);
    // Someone on the waitlist, or not signed up at all, is not a participant.
    given::<Hearing>(held_with_record()).when(answer("a3", None), &hearing_ctx(STARTED, &d)).then_err(DomainError::NotAParticipant);
    given::<Hearing>(held_with_record()).when(answer("nobody", None), &hearing_ctx(STARTED, &d)).then_err(DomainError::NotAParticipant);
    let mut unpublished = ready();
    unpublished.push(hearing_held());
    given::<Hearing>(unpublished).when(answer("a1", None), &hearing_ctx(STARTED, &d)).then_err(DomainError::HearingRecordNotPublished);
}

#[test]
fn hearing_record_without_a_summary_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(RecordSummary::parse(""), Err(DomainError::invalid("recordSummary", "must not be empty")));
}

#[test]
fn every_command_on_a_held_hearing_is_rejected() {
    let d = decision();
    let mut history = ready();
    history.push(hearing_held());
    for cmd in [
        sign_up("s9", "a9", "居民"),
        withdraw("s1", "a1"),
        draw("seed"),
        HearingCommand::PublishParticipants,
        record_held(),
        deliver(DELIVERED),
    ] {
        given::<Hearing>(history.clone()).when(cmd, &hearing_ctx(STARTED, &d)).then_err(DomainError::HearingAlreadyHeld);
    }
}
