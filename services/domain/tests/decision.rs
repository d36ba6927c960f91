//! Rules of the decision aggregate, one given/when/then test per rule.

mod common;

use canyu_domain::decision::{Decision, DecisionCommand};
use canyu_domain::events::*;
use canyu_domain::testing::{given, parsed, parsed_optional};
use canyu_domain::values::{
    BackgroundText, DecisionSummary, DraftText, ExemptionBasis, Interpretation, ObserverName, OpinionSummary, ReportSummary, Stage,
    TextValue, Title, WithdrawalReason,
};
use canyu_domain::{Aggregate, DomainError};
use common::*;

// --- command builders ------------------------------------------------------------------

/// The fields of a `Register` command, defaulting to what [`registered`] records.
struct Reg {
    year: i32,
    title: String,
    summary: String,
    disclosure: String,
    basis: Option<String>,
    late: Option<String>,
}

fn register(edit: impl FnOnce(&mut Reg)) -> DecisionCommand {
    let mut r = Reg {
        year: 2021,
        title: "城市公共交通票价调整方案".into(),
        summary: "调整市区公交、地铁票价结构。".into(),
        disclosure: "PUBLIC".into(),
        basis: None,
        late: None,
    };
    edit(&mut r);
    DecisionCommand::Register {
        decision_id: DECISION.into(),
        year: r.year,
        title: parsed(&r.title),
        summary: parsed(&r.summary),
        unit_id: UNIT.into(),
        disclosure: Disclosure::parse("disclosure", &r.disclosure).expect("a test disclosure"),
        confidentiality_basis: parsed_optional(r.basis.as_deref()),
        late_addition_reason: parsed_optional(r.late.as_deref()),
    }
}

fn registered_with(edit: impl FnOnce(&mut DecisionRegistered)) -> Event {
    let Event::DecisionRegistered(mut e) = registered() else { unreachable!("registered() builds a DecisionRegistered") };
    edit(&mut e);
    e.into()
}

fn publish_draft(text: &str, change_note: &str) -> DecisionCommand {
    DecisionCommand::PublishDraft { text: parsed(text), explanation: parsed("起草说明"), change_note: parsed(change_note) }
}

fn open(id: &str, channel: &str, opens_at: &str, closes_at: &str, reason: Option<&str>) -> DecisionCommand {
    DecisionCommand::OpenConsultation {
        consultation_id: id.into(),
        channel: Channel::parse("channel", channel).expect("a test channel"),
        opens_at: t(opens_at),
        closes_at: t(closes_at),
        how_to_submit: parsed("在本平台提交意见"),
        shortened_reason: parsed_optional(reason),
    }
}

fn close(id: &str, reason: Option<&str>) -> DecisionCommand {
    DecisionCommand::CloseConsultation { consultation_id: id.into(), reason: parsed_optional(reason) }
}

fn activity(held_at: &str, participant_count: i64) -> DecisionCommand {
    DecisionCommand::RecordParticipationActivity {
        activity_id: "act1".into(),
        kind: ActivityKind::Symposium,
        held_at: t(held_at),
        summary: parsed("与公交企业、乘客代表座谈"),
        participant_count,
    }
}

fn consolidate(opinion_id: &str, comment_ids: &[&str]) -> DecisionCommand {
    DecisionCommand::ConsolidateOpinion {
        opinion_id: opinion_id.into(),
        summary: parsed("  建议保留老年人免费乘车 "),
        comment_ids: comment_ids.iter().map(|c| c.to_string()).collect(),
        concentrated: true,
    }
}

fn decide_adoption(opinion_id: &str, outcome: &str, rationale: Option<&str>) -> DecisionCommand {
    DecisionCommand::DecideAdoption {
        opinion_id: opinion_id.into(),
        outcome: AdoptionOutcome::parse("outcome", outcome).expect("a test outcome"),
        rationale: parsed_optional(rationale),
    }
}

fn publish_feedback() -> DecisionCommand {
    DecisionCommand::PublishFeedbackReport { summary: parsed("共收到意见120条，采纳35条。") }
}

fn record_deliberation(observers: Vec<Observer>) -> DecisionCommand {
    DecisionCommand::RecordDeliberation {
        meeting_kind: MeetingKind::ExecutiveMeeting,
        held_at: t("2021-05-10T00:00:00Z"),
        summary: parsed("会议原则通过。"),
        dissent: parsed(""),
        observers: observers.into_iter().map(observer_input).collect(),
    }
}

fn publish_result(interpretation: &str) -> DecisionCommand {
    DecisionCommand::PublishResult {
        text: parsed("决定自2021年7月1日起执行新票价。"),
        document_number: parsed("市政发〔2021〕12号"),
        effective_at: t("2021-07-01T00:00:00Z"),
        interpretation: parsed(interpretation),
    }
}

fn withdraw(reason: &str) -> DecisionCommand {
    DecisionCommand::Withdraw { reason: parsed(reason) }
}

/// One of each command that needs an active decision.
fn every_command_on_an_existing_decision() -> Vec<DecisionCommand> {
    vec![
        DecisionCommand::PublishBackground { text: parsed("背景") },
        publish_draft(DRAFT_V1, ""),
        open("c2", "ONLINE", "2021-06-01T00:00:00Z", "2021-07-01T00:00:00Z", None),
        close(ONLINE, Some("提前结束")),
        activity("2021-03-12T09:00:00Z", 12),
        consolidate("op9", &[]),
        decide_adoption("op1", "ADOPTED", None),
        publish_feedback(),
        record_deliberation(vec![]),
        publish_result("政策解读"),
        withdraw("上位法调整"),
        DecisionCommand::RecordExemption { legal_basis: parsed(BASIS) },
    ]
}

// --- register --------------------------------------------------------------------------

#[test]
fn decision_is_registered_with_its_title_and_summary_trimmed() {
    given::<Decision>([])
        .when(
            register(|r| {
                r.title = "  城市公共交通票价调整方案 ".into();
                r.summary = "\n调整市区公交、地铁票价结构。\n".into();
            }),
            &ctx(OPENS),
        )
        .then([registered()]);
}

#[test]
fn decision_with_an_empty_title_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(Title::parse("   "), Err(DomainError::invalid("title", "must not be empty")));
}

#[test]
fn title_of_200_chinese_characters_is_accepted_though_it_is_600_bytes() {
    let title = "票".repeat(200);
    assert_eq!(title.len(), 600);
    given::<Decision>([]).when(register(|r| r.title = title.clone()), &ctx(OPENS)).then([registered_with(|e| e.title = title.clone())]);
}

#[test]
fn title_of_201_characters_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(Title::parse(&"票".repeat(201)), Err(DomainError::invalid("title", "must be at most 200 characters")));
}

#[test]
fn title_with_a_line_break_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(Title::parse("票价\n调整"), Err(DomainError::invalid("title", "contains a control character U+000A")));
}

#[test]
fn summary_of_5001_characters_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(DecisionSummary::parse(&"要".repeat(5001)), Err(DomainError::invalid("summary", "must be at most 5000 characters")));
}

#[test]
fn decision_may_be_registered_without_a_summary() {
    given::<Decision>([]).when(register(|r| r.summary = String::new()), &ctx(OPENS)).then([registered_with(|e| e.summary = String::new())]);
}

#[test]
fn confidential_decision_without_a_legal_basis_is_rejected() {
    given::<Decision>([])
        .when(register(|r| r.disclosure = "CONFIDENTIAL".into()), &ctx(OPENS))
        .then_err(DomainError::ConfidentialityBasisRequired);
}

#[test]
fn confidential_decision_with_a_blank_legal_basis_is_rejected() {
    given::<Decision>([])
        .when(
            register(|r| {
                r.disclosure = "CONFIDENTIAL".into();
                r.basis = Some("  ".into());
            }),
            &ctx(OPENS),
        )
        .then_err(DomainError::ConfidentialityBasisRequired);
}

#[test]
fn confidential_decision_records_its_legal_basis() {
    given::<Decision>([])
        .when(
            register(|r| {
                r.disclosure = "CONFIDENTIAL".into();
                r.basis = Some(" 《中华人民共和国保守国家秘密法》第九条 ".into());
            }),
            &ctx(OPENS),
        )
        .then([registered_with(|e| {
            e.disclosure = Disclosure::Confidential;
            e.confidentiality_basis = Some("《中华人民共和国保守国家秘密法》第九条".into());
        })]);
}

#[test]
fn confidentiality_basis_is_dropped_when_the_decision_is_not_confidential() {
    for disclosure in ["PUBLIC", "ON_REQUEST"] {
        given::<Decision>([])
            .when(
                register(|r| {
                    r.disclosure = disclosure.into();
                    r.basis = Some("《保守国家秘密法》第九条".into());
                }),
                &ctx(OPENS),
            )
            .then([registered_with(|e| e.disclosure = Disclosure::parse("disclosure", disclosure).expect("a test disclosure"))]);
    }
}

#[test]
fn unknown_disclosure_attribute_is_rejected() {
    // Commands carry the parsed enum: an unknown name is refused where the input is parsed.
    assert_eq!(Disclosure::parse("disclosure", "SECRET"), Err(DomainError::invalid("disclosure", "unknown value \"SECRET\"")));
}

#[test]
fn late_addition_after_the_catalogue_is_published_needs_a_reason() {
    let mut published = ctx(OPENS);
    published.catalogue_published = true;
    given::<Decision>([]).when(register(|_| {}), &published).then_err(DomainError::LateAdditionNeedsReason);
}

#[test]
fn late_addition_after_the_catalogue_is_published_records_its_reason() {
    let mut published = ctx(OPENS);
    published.catalogue_published = true;
    given::<Decision>([])
        .when(register(|r| r.late = Some("根据市政府常务会议新增".into())), &published)
        .then([registered_with(|e| e.late_addition_reason = Some("根据市政府常务会议新增".into()))]);
}

#[test]
fn late_addition_reason_is_dropped_while_the_catalogue_is_unpublished() {
    given::<Decision>([]).when(register(|r| r.late = Some("根据市政府常务会议新增".into())), &ctx(OPENS)).then([registered()]);
}

#[test]
fn decision_of_an_unknown_unit_is_rejected() {
    let mut no_unit = ctx(OPENS);
    no_unit.unit_exists = false;
    given::<Decision>([]).when(register(|_| {}), &no_unit).then_err(DomainError::UnitNotFound);
}

#[test]
fn decision_year_outside_2000_to_2100_is_rejected() {
    for year in [1999, 2101, 0, -2021] {
        given::<Decision>([])
            .when(register(|r| r.year = year), &ctx(OPENS))
            .then_err(DomainError::invalid("year", "must be between 2000 and 2100"));
    }
}

#[test]
fn decision_years_2000_and_2100_are_accepted() {
    for year in [2000, 2100] {
        given::<Decision>([]).when(register(|r| r.year = year), &ctx(OPENS)).then([registered_with(|e| e.year = year)]);
    }
}

#[test]
fn registering_an_existing_decision_is_rejected() {
    given::<Decision>([registered()]).when(register(|_| {}), &ctx(OPENS)).then_err(DomainError::DecisionAlreadyExists);
}

#[test]
fn every_command_on_an_unregistered_decision_is_rejected() {
    for cmd in every_command_on_an_existing_decision() {
        given::<Decision>([]).when(cmd, &ctx(DURING)).then_err(DomainError::DecisionNotFound);
    }
}

// --- background and drafts -------------------------------------------------------------

#[test]
fn background_is_published() {
    given::<Decision>([registered()])
        .when(DecisionCommand::PublishBackground { text: parsed(" 现行票价自2010年起未作调整。 ") }, &ctx(OPENS))
        .then([background()]);
}

#[test]
fn empty_background_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(BackgroundText::parse(" "), Err(DomainError::invalid("text", "must not be empty")));
}

#[test]
fn first_draft_is_version_1_with_one_numbered_clause_per_paragraph() {
    given::<Decision>([registered()]).when(publish_draft(DRAFT_V1, ""), &ctx("2021-02-22T00:00:00Z")).then([draft_v1()]);
}

#[test]
fn blank_lines_in_a_draft_are_not_clauses() {
    let text = "第一条 总则。\n\n\n第二条 附则。";
    given::<Decision>([registered()]).when(publish_draft(text, ""), &ctx(OPENS)).then([draft(
        1,
        text,
        vec![clause("c1", 1, "第一条 总则。"), clause("c2", 2, "第二条 附则。")],
        OPENS,
    )]);
}

#[test]
fn next_draft_is_numbered_on_keeps_ids_of_unchanged_clauses_and_records_its_change_note() {
    let v2 =
        "第一条 为规范公共交通票价，制定本办法。\n第二条 票价实行政府指导价。\n第三条 本办法自发布之日起施行。\n第四条 老年人免费乘车。";
    given::<Decision>(drafted()).when(publish_draft(v2, " 第二条改为政府指导价；新增第四条。 "), &ctx("2021-04-20T00:00:00Z")).then([
        DraftPublished {
            decision_id: DECISION.into(),
            version: 2,
            text: v2.into(),
            clauses: vec![
                clause("c1", 1, "第一条 为规范公共交通票价，制定本办法。"),
                clause("c4", 2, "第二条 票价实行政府指导价。"),
                clause("c3", 3, "第三条 本办法自发布之日起施行。"),
                clause("c5", 4, "第四条 老年人免费乘车。"),
            ],
            explanation: "起草说明".into(),
            change_note: "第二条改为政府指导价；新增第四条。".into(),
            published_at: t("2021-04-20T00:00:00Z"),
        }
        .into(),
    ]);
}

#[test]
fn clause_ids_of_removed_clauses_are_never_given_to_new_clauses() {
    let v2 = "第一条 为规范公共交通票价，制定本办法。\n第二条 票价实行政府定价。";
    let v3 = "第一条 为规范公共交通票价，制定本办法。\n第二条 票价实行政府定价。\n第三条 本办法自2022年起施行。";
    let mut history = drafted();
    history.push(draft(2, v2, draft_v1_clauses()[..2].to_vec(), OPENS));
    given::<Decision>(history).when(publish_draft(v3, ""), &ctx(DURING)).then([draft(
        3,
        v3,
        vec![
            clause("c1", 1, "第一条 为规范公共交通票价，制定本办法。"),
            clause("c2", 2, "第二条 票价实行政府定价。"),
            clause("c4", 3, "第三条 本办法自2022年起施行。"),
        ],
        DURING,
    )]);
}

#[test]
fn empty_draft_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(DraftText::parse(" \n "), Err(DomainError::invalid("text", "must not be empty")));
}

// --- consultations ---------------------------------------------------------------------

const BEFORE_OPENING: &str = "2021-02-25T00:00:00Z";

#[test]
fn online_consultation_shorter_than_30_days_without_a_reason_is_rejected() {
    given::<Decision>(drafted())
        .when(open(ONLINE, "ONLINE", OPENS, "2021-03-30T00:00:00Z", None), &ctx(BEFORE_OPENING))
        .then_err(DomainError::PeriodTooShortWithoutReason);
}

#[test]
fn online_consultation_one_second_short_of_30_days_without_a_reason_is_rejected() {
    given::<Decision>(drafted())
        .when(open(ONLINE, "ONLINE", OPENS, "2021-03-30T23:59:59Z", None), &ctx(BEFORE_OPENING))
        .then_err(DomainError::PeriodTooShortWithoutReason);
}

#[test]
fn online_consultation_shorter_than_30_days_with_a_blank_reason_is_rejected() {
    given::<Decision>(drafted())
        .when(open(ONLINE, "ONLINE", OPENS, "2021-03-30T00:00:00Z", Some("  ")), &ctx(BEFORE_OPENING))
        .then_err(DomainError::PeriodTooShortWithoutReason);
}

#[test]
fn online_consultation_shorter_than_30_days_opens_with_its_reason_stated() {
    given::<Decision>(drafted())
        .when(open(ONLINE, "ONLINE", OPENS, "2021-03-16T00:00:00Z", Some(" 须在汛期前实施 ")), &ctx(BEFORE_OPENING))
        .then([consultation(ONLINE, "ONLINE", 1, OPENS, "2021-03-16T00:00:00Z", Some("须在汛期前实施"))]);
}

#[test]
fn online_consultation_of_exactly_30_days_needs_no_reason() {
    given::<Decision>(drafted()).when(open(ONLINE, "ONLINE", OPENS, CLOSES, None), &ctx(BEFORE_OPENING)).then([online_consultation()]);
}

#[test]
fn offline_consultation_shorter_than_30_days_needs_no_reason() {
    for channel in ["WRITTEN", "SYMPOSIUM", "FIELD_VISIT", "QUESTIONNAIRE", "OPINION_POLL"] {
        given::<Decision>(drafted())
            .when(open("offline", channel, OPENS, "2021-03-02T00:00:00Z", None), &ctx(BEFORE_OPENING))
            .then([consultation("offline", channel, 1, OPENS, "2021-03-02T00:00:00Z", None)]);
    }
}

#[test]
fn consultation_closing_before_it_opens_is_rejected() {
    for closes_at in ["2021-02-28T00:00:00Z", OPENS] {
        given::<Decision>(drafted())
            .when(open(ONLINE, "ONLINE", OPENS, closes_at, Some("紧急")), &ctx(BEFORE_OPENING))
            .then_err(DomainError::invalid("closesAt", "must be after opensAt"));
    }
}

#[test]
fn consultation_closing_now_or_in_the_past_is_rejected() {
    for now in [CLOSES, AFTER] {
        given::<Decision>(drafted())
            .when(open(ONLINE, "ONLINE", OPENS, CLOSES, None), &ctx(now))
            .then_err(DomainError::invalid("closesAt", "must be in the future"));
    }
}

#[test]
fn consultation_times_outside_2000_to_2100_are_rejected() {
    given::<Decision>(drafted())
        .when(open(ONLINE, "ONLINE", "1999-12-31T23:59:59Z", CLOSES, None), &ctx(BEFORE_OPENING))
        .then_err(DomainError::invalid("opensAt", "must be between the years 2000 and 2100"));
}

#[test]
fn consultation_before_any_draft_is_rejected() {
    given::<Decision>([registered()])
        .when(open(ONLINE, "ONLINE", OPENS, CLOSES, None), &ctx(BEFORE_OPENING))
        .then_err(DomainError::NoDraftPublished);
}

#[test]
fn consultation_on_an_unknown_channel_is_rejected() {
    assert_eq!(Channel::parse("channel", "HEARING"), Err(DomainError::invalid("channel", "unknown value \"HEARING\"")));
}

#[test]
fn consultation_is_on_the_latest_draft_version() {
    let mut history = drafted();
    history.push(draft(2, DRAFT_V1, draft_v1_clauses(), BEFORE_OPENING));
    given::<Decision>(history)
        .when(open(ONLINE, "ONLINE", OPENS, CLOSES, None), &ctx(BEFORE_OPENING))
        .then([consultation(ONLINE, "ONLINE", 2, OPENS, CLOSES, None)]);
}

// --- closing consultations -------------------------------------------------------------

/// An online consultation announced for 45 days, so closing it on day 35 still leaves it
/// longer than the 30-day minimum.
fn consulting_for_45_days() -> Vec<Event> {
    let mut history = drafted();
    history.push(consultation("long", "ONLINE", 1, OPENS, "2021-04-15T00:00:00Z", None));
    history
}

#[test]
fn closing_a_consultation_before_its_announced_end_without_a_reason_is_rejected() {
    given::<Decision>(consulting_for_45_days())
        .when(close("long", None), &ctx("2021-04-05T00:00:00Z"))
        .then_err(DomainError::EarlyCloseNeedsReason);
}

#[test]
fn closing_an_offline_consultation_early_without_a_reason_is_rejected() {
    let mut history = drafted();
    history.push(consultation("symposium", "SYMPOSIUM", 1, OPENS, "2021-03-05T00:00:00Z", None));
    given::<Decision>(history)
        .when(close("symposium", Some(" ")), &ctx("2021-03-03T00:00:00Z"))
        .then_err(DomainError::EarlyCloseNeedsReason);
}

#[test]
fn closing_an_online_consultation_before_it_ran_30_days_names_the_earliest_date() {
    // Issue 9: 45 days announced without a reason for a shorter period: closing on day 20, even
    // with a reason, is shortening below 30 days; the refusal says from when it may close.
    given::<Decision>(consulting_for_45_days())
        .when(close("long", Some("已收集足够意见")), &ctx("2021-03-21T00:00:00Z"))
        .then_err(DomainError::EarlyCloseBeforeMinimumPeriod { earliest: t("2021-03-31T00:00:00Z") });
}

#[test]
fn closing_a_consultation_early_with_a_reason_is_recorded_as_early() {
    given::<Decision>(consulting_for_45_days())
        .when(close("long", Some(" 已收集足够意见 ")), &ctx("2021-04-05T00:00:00Z"))
        .then([consultation_closed("long", "2021-04-05T00:00:00Z", true, Some("已收集足够意见"))]);
}

#[test]
fn closing_a_consultation_after_its_announced_end_needs_no_reason() {
    given::<Decision>(consulting()).when(close(ONLINE, None), &ctx(AFTER)).then([consultation_closed(ONLINE, AFTER, false, None)]);
}

#[test]
fn closing_a_consultation_exactly_at_its_announced_end_is_not_early() {
    given::<Decision>(consulting()).when(close(ONLINE, None), &ctx(CLOSES)).then([consultation_closed(ONLINE, CLOSES, false, None)]);
}

#[test]
fn closing_an_already_closed_consultation_is_rejected() {
    let mut history = consulting();
    history.push(consultation_closed(ONLINE, AFTER, false, None));
    given::<Decision>(history)
        .when(close(ONLINE, Some("再次关闭")), &ctx("2021-04-03T00:00:00Z"))
        .then_err(DomainError::ConsultationAlreadyClosed);
}

#[test]
fn closing_an_unknown_consultation_is_rejected() {
    given::<Decision>(consulting()).when(close("nope", Some("理由")), &ctx(DURING)).then_err(DomainError::ConsultationNotFound);
}

// --- participation activities ----------------------------------------------------------

#[test]
fn participation_activity_is_recorded() {
    given::<Decision>(drafted()).when(activity("2021-03-12T09:00:00Z", 12), &ctx("2021-03-15T00:00:00Z")).then([
        ParticipationActivityRecorded {
            decision_id: DECISION.into(),
            activity_id: "act1".into(),
            kind: ActivityKind::Symposium,
            held_at: t("2021-03-12T09:00:00Z"),
            summary: "与公交企业、乘客代表座谈".into(),
            participant_count: 12,
        }
        .into(),
    ]);
}

#[test]
fn participation_activity_held_in_the_future_is_rejected() {
    given::<Decision>(drafted())
        .when(activity("2021-03-15T00:00:01Z", 12), &ctx("2021-03-15T00:00:00Z"))
        .then_err(DomainError::invalid("heldAt", "must not be in the future"));
}

#[test]
fn participation_activity_may_be_recorded_the_moment_it_is_held() {
    given::<Decision>(drafted()).when(activity("2021-03-15T00:00:00Z", 0), &ctx("2021-03-15T00:00:00Z")).then([
        ParticipationActivityRecorded {
            decision_id: DECISION.into(),
            activity_id: "act1".into(),
            kind: ActivityKind::Symposium,
            held_at: t("2021-03-15T00:00:00Z"),
            summary: "与公交企业、乘客代表座谈".into(),
            participant_count: 0,
        }
        .into(),
    ]);
}

#[test]
fn participation_activity_with_a_negative_or_huge_participant_count_is_rejected() {
    // Issue 10: 2^31-1 participants were accepted.
    for count in [-1, 100_001, i64::from(i32::MAX), i64::from(u32::MAX) + 1] {
        given::<Decision>(drafted())
            .when(activity("2021-03-12T09:00:00Z", count), &ctx("2021-03-15T00:00:00Z"))
            .then_err(DomainError::invalid("participantCount", "must be between 0 and 100000"));
    }
}

#[test]
fn participation_activity_of_an_online_kind_is_rejected() {
    // An online consultation is not an offline activity: the kind does not parse.
    assert_eq!(ActivityKind::parse("kind", "ONLINE"), Err(DomainError::invalid("kind", "unknown value \"ONLINE\"")));
}

// --- opinions --------------------------------------------------------------------------

fn knowing_comments() -> canyu_domain::decision::DecisionCtx {
    ctx_with_comments(AFTER, &[("k1", DECISION), ("k2", DECISION), ("k9", "d-2021-other")])
}

#[test]
fn opinion_groups_comments_of_this_decision() {
    given::<Decision>(consulting()).when(consolidate("op1", &["k1", "k2"]), &knowing_comments()).then([opinion("op1", &["k1", "k2"])]);
}

#[test]
fn opinion_from_offline_input_needs_no_comments() {
    given::<Decision>(consulting()).when(consolidate("op1", &[]), &knowing_comments()).then([opinion("op1", &[])]);
}

#[test]
fn opinion_with_a_comment_of_another_decision_is_rejected() {
    given::<Decision>(consulting())
        .when(consolidate("op1", &["k1", "k9"]), &knowing_comments())
        .then_err(DomainError::UnknownComment("k9".into()));
}

#[test]
fn opinion_with_a_comment_nobody_knows_is_rejected() {
    given::<Decision>(consulting())
        .when(consolidate("op1", &["k404"]), &knowing_comments())
        .then_err(DomainError::UnknownComment("k404".into()));
}

#[test]
fn comment_already_grouped_into_an_opinion_cannot_be_grouped_again() {
    let mut history = consulting();
    history.push(opinion("op1", &["k1"]));
    given::<Decision>(history)
        .when(consolidate("op2", &["k2", "k1"]), &knowing_comments())
        .then_err(DomainError::CommentAlreadyGrouped("k1".into()));
}

#[test]
fn duplicate_comment_ids_in_one_opinion_collapse() {
    given::<Decision>(consulting())
        .when(consolidate("op1", &["k1", "k2", "k1", "k2"]), &knowing_comments())
        .then([opinion("op1", &["k1", "k2"])]);
}

#[test]
fn opinion_with_an_empty_summary_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(OpinionSummary::parse(" "), Err(DomainError::invalid("summary", "must not be empty")));
}

#[test]
fn opinion_cannot_be_consolidated_after_the_feedback_report() {
    given::<Decision>(fed_back())
        .when(consolidate("op2", &["k2"]), &knowing_comments())
        .then_err(DomainError::FeedbackReportAlreadyPublished);
}

// --- adoption --------------------------------------------------------------------------

fn with_opinion() -> Vec<Event> {
    let mut history = consulting();
    history.push(opinion("op1", &["k1"]));
    history
}

#[test]
fn not_adopting_an_opinion_without_a_rationale_is_rejected() {
    given::<Decision>(with_opinion())
        .when(decide_adoption("op1", "NOT_ADOPTED", None), &ctx(AFTER))
        .then_err(DomainError::RationaleRequired);
}

#[test]
fn partially_adopting_an_opinion_without_a_rationale_is_rejected() {
    given::<Decision>(with_opinion())
        .when(decide_adoption("op1", "PARTIALLY_ADOPTED", None), &ctx(AFTER))
        .then_err(DomainError::RationaleRequired);
}

#[test]
fn blank_rationale_counts_as_no_rationale() {
    given::<Decision>(with_opinion())
        .when(decide_adoption("op1", "NOT_ADOPTED", Some(" \n ")), &ctx(AFTER))
        .then_err(DomainError::RationaleRequired);
}

/// Issue 9: adoption decisions were accepted while the consultation they draw on still took
/// comments. Opinions may be drafted meanwhile; their adoption waits for the close.
#[test]
fn adoption_waits_until_the_consultation_the_opinion_draws_on_has_closed() {
    given::<Decision>(with_opinion())
        .when(decide_adoption("op1", "ADOPTED", None), &ctx(DURING))
        .then_err(DomainError::ConsultationStillOpen);
    let mut closed_early = with_opinion();
    closed_early.push(consultation_closed(ONLINE, DURING, true, Some("意见已充分")));
    given::<Decision>(closed_early).when(decide_adoption("op1", "ADOPTED", None), &ctx(DURING)).then([adoption("op1", "ADOPTED", None)]);
}

#[test]
fn an_opinion_from_offline_input_may_be_adopted_while_a_consultation_is_open() {
    let mut history = consulting();
    history.push(opinion("op-offline", &[]));
    given::<Decision>(history).when(decide_adoption("op-offline", "ADOPTED", None), &ctx(DURING)).then([adoption(
        "op-offline",
        "ADOPTED",
        None,
    )]);
}

#[test]
fn an_opinion_names_the_consultations_its_comments_came_from() {
    let consolidate = DecisionCommand::ConsolidateOpinion {
        opinion_id: "op1".into(),
        summary: parsed("建议保留老年人免费乘车"),
        comment_ids: vec!["k1".into()],
        concentrated: true,
    };
    given::<Decision>(consulting()).when(consolidate, &ctx_with_comments(DURING, &[("k1", DECISION)])).then([opinion("op1", &["k1"])]);
}

/// Issue 9: a second online consultation overlapping the first was accepted.
#[test]
fn an_online_consultation_overlapping_another_is_refused_with_the_end_of_the_other() {
    let overlapping = open("second", "ONLINE", "2021-03-20T00:00:00Z", "2021-04-30T00:00:00Z", None);
    given::<Decision>(consulting()).when(overlapping, &ctx(DURING)).then_err(DomainError::ConsultationOverlaps { until: t(CLOSES) });
}

#[test]
fn an_online_consultation_may_follow_one_that_closed_and_offline_channels_may_run_alongside() {
    let after = open("second", "ONLINE", CLOSES, "2021-05-01T00:00:00Z", None);
    given::<Decision>(consulting()).when(after, &ctx(DURING)).then([consultation(
        "second",
        "ONLINE",
        1,
        CLOSES,
        "2021-05-01T00:00:00Z",
        None,
    )]);
    let mut closed_early = consulting();
    closed_early.push(consultation_closed(ONLINE, DURING, true, Some("意见已充分")));
    let next = open("second", "ONLINE", DURING, "2021-04-30T00:00:00Z", None);
    given::<Decision>(closed_early).when(next, &ctx(DURING)).then([consultation(
        "second",
        "ONLINE",
        1,
        DURING,
        "2021-04-30T00:00:00Z",
        None,
    )]);
    let symposium = open("talk", "SYMPOSIUM", "2021-03-15T00:00:00Z", "2021-03-16T00:00:00Z", None);
    let talk = consultation("talk", "SYMPOSIUM", 1, "2021-03-15T00:00:00Z", "2021-03-16T00:00:00Z", None);
    given::<Decision>(consulting()).when(symposium, &ctx(DURING)).then([talk]);
}

#[test]
fn adopting_an_opinion_needs_no_rationale() {
    given::<Decision>(with_opinion()).when(decide_adoption("op1", "ADOPTED", None), &ctx(AFTER)).then([adoption("op1", "ADOPTED", None)]);
}

#[test]
fn not_adopting_an_opinion_records_its_rationale() {
    for outcome in ["NOT_ADOPTED", "PARTIALLY_ADOPTED"] {
        given::<Decision>(with_opinion()).when(decide_adoption("op1", outcome, Some(" 与上位法规定不符 ")), &ctx(AFTER)).then([adoption(
            "op1",
            outcome,
            Some("与上位法规定不符"),
        )]);
    }
}

#[test]
fn adoption_decided_twice_is_rejected() {
    let mut history = with_opinion();
    history.push(adoption("op1", "ADOPTED", None));
    given::<Decision>(history)
        .when(decide_adoption("op1", "NOT_ADOPTED", Some("改变主意")), &ctx(AFTER))
        .then_err(DomainError::AdoptionAlreadyDecided);
}

#[test]
fn adoption_of_an_unknown_opinion_is_rejected() {
    given::<Decision>(with_opinion()).when(decide_adoption("op404", "ADOPTED", None), &ctx(AFTER)).then_err(DomainError::OpinionNotFound);
}

#[test]
fn adoption_with_an_unknown_outcome_is_rejected() {
    assert_eq!(AdoptionOutcome::parse("outcome", "REJECTED"), Err(DomainError::invalid("outcome", "unknown value \"REJECTED\"")));
}

// --- feedback report -------------------------------------------------------------------

fn ready_for_feedback() -> Vec<Event> {
    let mut history = with_opinion();
    history.push(adoption("op1", "ADOPTED", None));
    history
}

#[test]
fn feedback_report_is_rejected_while_a_consultation_is_still_open() {
    given::<Decision>(ready_for_feedback()).when(publish_feedback(), &ctx(DURING)).then_err(DomainError::ConsultationStillOpen);
}

#[test]
fn feedback_report_is_rejected_while_a_consultation_has_not_even_opened() {
    let mut history = ready_for_feedback();
    history.push(consultation("later", "SYMPOSIUM", 1, "2021-05-01T00:00:00Z", "2021-05-02T00:00:00Z", None));
    given::<Decision>(history).when(publish_feedback(), &ctx(AFTER)).then_err(DomainError::ConsultationStillOpen);
}

#[test]
fn feedback_report_is_published_once_an_unclosed_consultation_has_passed_its_end() {
    given::<Decision>(ready_for_feedback()).when(publish_feedback(), &ctx(AFTER)).then([feedback_report(AFTER)]);
}

#[test]
fn feedback_report_is_published_after_a_consultation_closed_early() {
    let mut history = ready_for_feedback();
    history.push(consultation_closed(ONLINE, DURING, true, Some("紧急情况")));
    given::<Decision>(history).when(publish_feedback(), &ctx("2021-03-11T00:00:00Z")).then([feedback_report("2021-03-11T00:00:00Z")]);
}

#[test]
fn feedback_report_is_rejected_while_an_opinion_has_no_adoption_decision() {
    given::<Decision>(with_opinion()).when(publish_feedback(), &ctx(AFTER)).then_err(DomainError::OpinionWithoutDecision);
}

#[test]
fn feedback_report_published_twice_is_rejected() {
    given::<Decision>(fed_back())
        .when(publish_feedback(), &ctx("2021-04-20T00:00:00Z"))
        .then_err(DomainError::FeedbackReportAlreadyPublished);
}

#[test]
fn feedback_report_with_an_empty_summary_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(ReportSummary::parse(""), Err(DomainError::invalid("summary", "must not be empty")));
}

// --- deliberation ----------------------------------------------------------------------

fn observer(name: &str) -> Observer {
    Observer {
        name: name.into(),
        affiliation: "出租车行业协会".into(),
        opinion: "建议分时段定价".into(),
        adoption: String::new(),
        outcome: Some(AdoptionOutcome::Adopted),
        rationale: None,
    }
}

#[test]
fn deliberation_after_a_consultation_requires_the_feedback_report() {
    given::<Decision>(ready_for_feedback())
        .when(record_deliberation(vec![]), &ctx("2021-05-10T00:00:00Z"))
        .then_err(DomainError::FeedbackReportRequired);
}

#[test]
fn deliberation_is_recorded_with_its_observers_and_dissent() {
    given::<Decision>(fed_back())
        .when(
            DecisionCommand::RecordDeliberation {
                meeting_kind: MeetingKind::Plenary,
                held_at: t("2021-05-10T00:00:00Z"),
                summary: parsed(" 会议原则通过。 "),
                dissent: parsed("一名委员认为调价幅度过大。"),
                observers: vec![observer_input(observer(" 王某 "))],
            },
            &ctx("2021-05-10T12:00:00Z"),
        )
        .then([DeliberationRecorded {
            decision_id: DECISION.into(),
            meeting_kind: MeetingKind::Plenary,
            held_at: t("2021-05-10T00:00:00Z"),
            summary: "会议原则通过。".into(),
            dissent: "一名委员认为调价幅度过大。".into(),
            observers: vec![observer("王某")],
        }
        .into()]);
}

#[test]
fn a_meeting_records_at_most_two_hundred_observers() {
    let many = |n: usize| (0..n).map(|i| observer(&format!("列席人员{i}"))).collect::<Vec<_>>();
    given::<Decision>(fed_back())
        .when(record_deliberation(many(canyu_domain::decision::MAX_OBSERVERS + 1)), &ctx("2021-05-10T12:00:00Z"))
        .then_err(DomainError::invalid("observers", "at most 200 observers per meeting"));
    let recorded = given::<Decision>(fed_back())
        .when(record_deliberation(many(canyu_domain::decision::MAX_OBSERVERS)), &ctx("2021-05-10T12:00:00Z"))
        .events();
    assert_eq!(recorded.len(), 1);
}

#[test]
fn deliberation_after_an_offline_activity_only_needs_no_feedback_report() {
    let mut history = drafted();
    history.push(
        ParticipationActivityRecorded {
            decision_id: DECISION.into(),
            activity_id: "a1".into(),
            kind: ActivityKind::Symposium,
            held_at: t("2021-04-01T09:00:00Z"),
            summary: "座谈会听取了出租车行业意见。".into(),
            participant_count: 12,
        }
        .into(),
    );
    given::<Decision>(history).when(record_deliberation(vec![]), &ctx("2021-05-10T12:00:00Z")).then([deliberation("2021-05-10T00:00:00Z")]);
}

// --- participation required (Decree 713 Art. 14) ---------------------------------------------

fn exempted(basis: &str) -> Event {
    ParticipationExempted { decision_id: DECISION.into(), legal_basis: basis.into() }.into()
}

const BASIS: &str = "依据《中华人民共和国突发事件应对法》第四十九条，属于应急处置措施，不适用公众参与程序。";

/// Issue 9: an item with no consultation and no activity could be deliberated and decided.
#[test]
fn a_public_decision_without_any_participation_cannot_be_deliberated() {
    given::<Decision>(drafted())
        .when(record_deliberation(vec![]), &ctx("2021-05-10T12:00:00Z"))
        .then_err(DomainError::ParticipationRequired);
    given::<Decision>([registered()])
        .when(record_deliberation(vec![]), &ctx("2021-05-10T12:00:00Z"))
        .then_err(DomainError::ParticipationRequired);
}

#[test]
fn an_exemption_with_its_legal_basis_is_recorded_and_lets_the_decision_be_deliberated() {
    let record = DecisionCommand::RecordExemption { legal_basis: parsed(&format!(" {BASIS} ")) };
    given::<Decision>(drafted()).when(record, &ctx(DURING)).then([exempted(BASIS)]);
    let mut history = drafted();
    history.push(exempted(BASIS));
    given::<Decision>(history).when(record_deliberation(vec![]), &ctx("2021-05-10T12:00:00Z")).then([deliberation("2021-05-10T00:00:00Z")]);
}

#[test]
fn an_exemption_is_recorded_once_before_the_deliberation() {
    let mut twice = drafted();
    twice.push(exempted(BASIS));
    given::<Decision>(twice)
        .when(DecisionCommand::RecordExemption { legal_basis: parsed(BASIS) }, &ctx(DURING))
        .then_err(DomainError::ExemptionAlreadyRecorded);
    given::<Decision>(deliberated())
        .when(DecisionCommand::RecordExemption { legal_basis: parsed(BASIS) }, &ctx(AFTER))
        .then_err(DomainError::DeliberationAlreadyRecorded);
    assert_eq!(ExemptionBasis::parse(" "), Err(DomainError::invalid("legalBasis", "must not be empty")));
}

#[test]
fn a_confidential_decision_is_deliberated_without_public_participation() {
    let confidential: Event = DecisionRegistered {
        decision_id: DECISION.into(),
        year: 2021,
        title: "城市公共交通票价调整方案".into(),
        summary: String::new(),
        unit_id: UNIT.into(),
        disclosure: Disclosure::Confidential,
        confidentiality_basis: Some("涉及国家秘密".into()),
        late_addition_reason: None,
    }
    .into();
    given::<Decision>([confidential, draft_v1()])
        .when(record_deliberation(vec![]), &ctx("2021-05-10T12:00:00Z"))
        .then([deliberation("2021-05-10T00:00:00Z")]);
}

/// Issue 9 (§14): each observer's opinion gets an outcome, with a rationale unless adopted.
#[test]
fn an_observer_s_opinion_not_adopted_needs_its_rationale() {
    let mut not_adopted = observer("李某");
    not_adopted.outcome = Some(AdoptionOutcome::NotAdopted);
    let deliberate = |o: Observer| DecisionCommand::RecordDeliberation {
        meeting_kind: MeetingKind::Plenary,
        held_at: t("2021-05-10T00:00:00Z"),
        summary: parsed("会议原则通过。"),
        dissent: parsed(""),
        observers: vec![observer_input(o)],
    };
    given::<Decision>(fed_back())
        .when(deliberate(not_adopted.clone()), &ctx("2021-05-10T12:00:00Z"))
        .then_err(DomainError::invalid("observers.rationale", "is required unless the opinion is adopted"));
    not_adopted.rationale = Some("分时段定价将另行研究。".into());
    given::<Decision>(fed_back()).when(deliberate(not_adopted.clone()), &ctx("2021-05-10T12:00:00Z")).then([DeliberationRecorded {
        decision_id: DECISION.into(),
        meeting_kind: MeetingKind::Plenary,
        held_at: t("2021-05-10T00:00:00Z"),
        summary: "会议原则通过。".into(),
        dissent: String::new(),
        observers: vec![not_adopted],
    }
    .into()]);
}

#[test]
fn observer_without_a_name_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(ObserverName::parse("  "), Err(DomainError::invalid("observers.name", "must not be empty")));
}

#[test]
fn observer_name_longer_than_100_characters_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(ObserverName::parse(&"王".repeat(101)), Err(DomainError::invalid("observers.name", "must be at most 100 characters")));
}

#[test]
fn deliberation_of_an_unknown_meeting_kind_is_rejected() {
    assert_eq!(MeetingKind::parse("meetingKind", "HEARING"), Err(DomainError::invalid("meetingKind", "unknown value \"HEARING\"")));
}

#[test]
fn deliberation_recorded_twice_is_rejected() {
    given::<Decision>(deliberated())
        .when(record_deliberation(vec![]), &ctx("2021-05-11T00:00:00Z"))
        .then_err(DomainError::DeliberationAlreadyRecorded);
}

// --- result ----------------------------------------------------------------------------

#[test]
fn result_requires_the_deliberation() {
    given::<Decision>(fed_back())
        .when(publish_result("一图读懂新票价。"), &ctx("2021-05-20T00:00:00Z"))
        .then_err(DomainError::DeliberationRequired);
}

#[test]
fn result_without_an_interpretation_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(Interpretation::parse(" \n "), Err(DomainError::invalid("interpretation", "must not be empty")));
}

#[test]
fn result_is_published_with_its_interpretation() {
    given::<Decision>(deliberated())
        .when(publish_result("一图读懂新票价。"), &ctx("2021-05-20T00:00:00Z"))
        .then([result("2021-05-20T00:00:00Z")]);
}

#[test]
fn decided_decision_rejects_every_further_command() {
    for cmd in every_command_on_an_existing_decision() {
        given::<Decision>(decided()).when(cmd, &ctx("2021-06-01T00:00:00Z")).then_err(DomainError::DecisionAlreadyDecided);
    }
}

// --- withdrawal ------------------------------------------------------------------------

#[test]
fn withdrawal_without_a_reason_is_rejected() {
    // Commands carry parsed text: the rule holds where the input is parsed.
    assert_eq!(WithdrawalReason::parse("   "), Err(DomainError::invalid("reason", "must not be empty")));
}

#[test]
fn decision_is_withdrawn_with_its_reason() {
    given::<Decision>(drafted()).when(withdraw(" 上位法调整 "), &ctx(DURING)).then([withdrawn()]);
}

#[test]
fn withdrawn_decision_rejects_every_further_command() {
    for cmd in every_command_on_an_existing_decision() {
        given::<Decision>(drafted_then_withdrawn()).when(cmd, &ctx(DURING)).then_err(DomainError::DecisionWithdrawn);
    }
}

// --- stage -----------------------------------------------------------------------------

/// The stage once every period of the fixtures has ended.
fn stage(events: &[Event]) -> Stage {
    Decision::fold(events).stage(t(AFTER))
}

/// Issue 9: the stage showed FEEDBACK while the online consultation was still taking comments.
#[test]
fn a_decision_stays_consulting_while_a_consultation_is_open_whatever_was_grouped_meanwhile() {
    let state = Decision::fold(&with_opinion());
    assert_eq!(state.stage(t(DURING)), Stage::Consulting);
    assert_eq!(state.stage(t(CLOSES)), Stage::Feedback, "from its announced end");
    let mut closed_early = with_opinion();
    closed_early.push(consultation_closed(ONLINE, DURING, true, Some("意见已充分")));
    assert_eq!(Decision::fold(&closed_early).stage(t(DURING)), Stage::Feedback);
}

#[test]
fn registered_decision_is_listed() {
    assert_eq!(stage(&[registered()]), Stage::Listed);
}

#[test]
fn decision_with_a_background_or_a_draft_is_drafting() {
    assert_eq!(stage(&[registered(), background()]), Stage::Drafting);
    assert_eq!(stage(&drafted()), Stage::Drafting);
}

#[test]
fn decision_with_a_consultation_is_consulting_even_after_it_closed() {
    assert_eq!(stage(&consulting()), Stage::Consulting);
    let mut closed = consulting();
    closed.push(consultation_closed(ONLINE, AFTER, false, None));
    assert_eq!(stage(&closed), Stage::Consulting);
}

#[test]
fn decision_with_an_opinion_or_a_feedback_report_is_in_feedback() {
    assert_eq!(stage(&with_opinion()), Stage::Feedback);
    assert_eq!(stage(&fed_back()), Stage::Feedback);
    let mut report_only = consulting();
    report_only.push(feedback_report(AFTER));
    assert_eq!(stage(&report_only), Stage::Feedback);
}

#[test]
fn deliberated_decision_is_in_deliberation() {
    assert_eq!(stage(&deliberated()), Stage::Deliberation);
}

#[test]
fn decision_with_a_result_is_decided() {
    assert_eq!(stage(&decided()), Stage::Decided);
}

#[test]
fn withdrawn_decision_is_withdrawn_at_any_stage() {
    assert_eq!(stage(&[registered(), withdrawn()]), Stage::Withdrawn);
    assert_eq!(stage(&drafted_then_withdrawn()), Stage::Withdrawn);
    let mut late = deliberated();
    late.push(withdrawn());
    assert_eq!(stage(&late), Stage::Withdrawn);
}

#[test]
fn stage_follows_the_decision_through_its_whole_life() {
    let history = decided();
    let stages: Vec<Stage> = (1..=history.len()).map(|n| stage(&history[..n])).collect();
    assert_eq!(
        stages,
        [
            Stage::Listed,       // registered
            Stage::Drafting,     // draft 1
            Stage::Consulting,   // online consultation
            Stage::Feedback,     // opinion
            Stage::Feedback,     // adoption
            Stage::Feedback,     // feedback report
            Stage::Deliberation, // deliberation
            Stage::Decided,      // result
        ]
    );
}
