//! Rules of the comment aggregate, one given/when/then test per rule.

mod common;

use canyu_domain::DomainError;
use canyu_domain::comment::{Comment, CommentCommand, CommentCtx};
use canyu_domain::decision::DecisionState;
use canyu_domain::events::*;
use canyu_domain::testing::{given, parsed};
use canyu_domain::values::{Body, ClauseId, HideReason, TextValue};
use common::*;

const RESIDENT: &str = "resident-1";

fn comment_ctx<'a>(now: &str, decision: &'a DecisionState) -> CommentCtx<'a> {
    CommentCtx { now: t(now), decision }
}

fn submit(consultation_id: &str, clause_id: Option<&str>, body: &str) -> CommentCommand {
    CommentCommand::Submit {
        comment_id: "k1".into(),
        consultation_id: consultation_id.into(),
        account_id: RESIDENT.into(),
        clause_id: ClauseId::parse_optional(clause_id).expect("a test clause id"),
        body: parsed(body),
    }
}

fn submitted(clause_id: Option<&str>, body: &str, at: &str) -> Event {
    submitted_on(1, clause_id, body, at)
}

/// A comment written on draft `version`.
fn submitted_on(version: u32, clause_id: Option<&str>, body: &str, at: &str) -> Event {
    CommentSubmitted {
        comment_id: "k1".into(),
        decision_id: DECISION.into(),
        consultation_id: ONLINE.into(),
        account_id: RESIDENT.into(),
        clause_id: clause_id.map(Into::into),
        draft_version: Some(version),
        body: body.into(),
        submitted_at: t(at),
    }
    .into()
}

fn hide(reason: &str) -> CommentCommand {
    CommentCommand::Hide { reason: parsed(reason) }
}

fn hidden() -> Event {
    CommentHidden { comment_id: "k1".into(), decision_id: DECISION.into(), reason: "含有他人电话号码".into() }.into()
}

/// The decision with `ONLINE` open from `OPENS` to `CLOSES`.
fn open_decision() -> DecisionState {
    decision_state(&consulting())
}

// --- submitting ------------------------------------------------------------------------

#[test]
fn comment_is_submitted_on_an_open_online_consultation() {
    let d = open_decision();
    given::<Comment>([]).when(submit(ONLINE, None, "  建议保留老年人免费乘车。 \n"), &comment_ctx(DURING, &d)).then([submitted(
        None,
        "建议保留老年人免费乘车。",
        DURING,
    )]);
}

#[test]
fn comment_is_accepted_from_the_moment_the_consultation_opens() {
    let d = open_decision();
    given::<Comment>([]).when(submit(ONLINE, None, "支持"), &comment_ctx(OPENS, &d)).then([submitted(None, "支持", OPENS)]);
}

#[test]
fn comment_before_the_consultation_opens_is_rejected() {
    let d = open_decision();
    given::<Comment>([])
        .when(submit(ONLINE, None, "支持"), &comment_ctx("2021-02-28T23:59:59Z", &d))
        .then_err(DomainError::ConsultationNotYetOpen);
}

#[test]
fn comment_is_rejected_once_the_consultation_reached_its_announced_end() {
    let d = open_decision();
    for now in [CLOSES, AFTER] {
        given::<Comment>([]).when(submit(ONLINE, None, "支持"), &comment_ctx(now, &d)).then_err(DomainError::ConsultationClosed);
    }
}

#[test]
fn comment_is_rejected_after_the_consultation_closed_early() {
    let mut history = consulting();
    history.push(consultation_closed(ONLINE, DURING, true, Some("紧急情况")));
    let d = decision_state(&history);
    given::<Comment>([])
        .when(submit(ONLINE, None, "支持"), &comment_ctx("2021-03-11T00:00:00Z", &d))
        .then_err(DomainError::ConsultationClosed);
}

#[test]
fn comment_on_an_offline_consultation_is_rejected() {
    let mut history = drafted();
    history.push(consultation("symposium", "SYMPOSIUM", 1, OPENS, CLOSES, None));
    let d = decision_state(&history);
    given::<Comment>([]).when(submit("symposium", None, "支持"), &comment_ctx(DURING, &d)).then_err(DomainError::NotAnOnlineConsultation);
}

#[test]
fn comment_on_an_unknown_consultation_is_rejected() {
    let d = open_decision();
    given::<Comment>([]).when(submit("nope", None, "支持"), &comment_ctx(DURING, &d)).then_err(DomainError::ConsultationNotFound);
}

#[test]
fn comment_on_a_clause_of_the_consulted_draft_is_accepted() {
    let d = open_decision();
    given::<Comment>([]).when(submit(ONLINE, Some("c2"), "建议改为政府指导价"), &comment_ctx(DURING, &d)).then([submitted(
        Some("c2"),
        "建议改为政府指导价",
        DURING,
    )]);
}

#[test]
fn comment_on_an_unknown_clause_is_rejected() {
    let d = open_decision();
    given::<Comment>([]).when(submit(ONLINE, Some("c9"), "支持"), &comment_ctx(DURING, &d)).then_err(DomainError::UnknownClause);
}

/// `ONLINE` consults draft 1; draft 2 then replaced clause `c2` with `c4`.
fn consulting_on_a_superseded_draft() -> DecisionState {
    let mut history = consulting();
    history.push(draft(
        2,
        "第一条 为规范公共交通票价，制定本办法。\n第二条 票价实行政府指导价。\n第三条 本办法自发布之日起施行。",
        vec![
            clause("c1", 1, "第一条 为规范公共交通票价，制定本办法。"),
            clause("c4", 2, "第二条 票价实行政府指导价。"),
            clause("c3", 3, "第三条 本办法自发布之日起施行。"),
        ],
        "2021-03-05T00:00:00Z",
    ));
    decision_state(&history)
}

/// Issue 9: with draft 2 published while the consultation on draft 1 was open, the page offered
/// a button for the rewritten clause `c4` and the API refused it. An open consultation takes
/// comments on the current draft; the comment keeps the version it was written on.
#[test]
fn an_open_consultation_takes_comments_on_the_current_draft_and_records_its_version() {
    let d = consulting_on_a_superseded_draft();
    given::<Comment>([]).when(submit(ONLINE, Some("c4"), "支持"), &comment_ctx(DURING, &d)).then([submitted_on(
        2,
        Some("c4"),
        "支持",
        DURING,
    )]);
    given::<Comment>([]).when(submit(ONLINE, None, "支持"), &comment_ctx(DURING, &d)).then([submitted_on(2, None, "支持", DURING)]);
    // An unchanged clause keeps its id across versions.
    given::<Comment>([]).when(submit(ONLINE, Some("c3"), "支持"), &comment_ctx(DURING, &d)).then([submitted_on(
        2,
        Some("c3"),
        "支持",
        DURING,
    )]);
}

#[test]
fn a_clause_the_current_draft_replaced_takes_no_new_comment() {
    let d = consulting_on_a_superseded_draft();
    given::<Comment>([]).when(submit(ONLINE, Some("c2"), "支持"), &comment_ctx(DURING, &d)).then_err(DomainError::UnknownClause);
}

#[test]
fn blank_clause_id_means_a_comment_on_the_whole_draft() {
    let d = open_decision();
    given::<Comment>([]).when(submit(ONLINE, Some("  "), "支持"), &comment_ctx(DURING, &d)).then([submitted(None, "支持", DURING)]);
}

/// Issue 10: a body of only U+FEFF was accepted as non-empty. Invisible characters at the ends
/// are trimmed like white space.
#[test]
fn a_body_of_only_invisible_characters_is_empty() {
    for blank in ["\u{FEFF}", "\u{200B}\u{200D} \u{2060}", " \u{00AD}\n"] {
        assert_eq!(Body::parse(blank), Err(DomainError::invalid("body", "must not be empty")), "{blank:?}");
    }
    assert_eq!(Body::parse("\u{FEFF}支持\u{200B}").unwrap().as_str(), "支持");
    assert_eq!(ClauseId::parse_optional(Some("\u{FEFF}")), Ok(None));
}

#[test]
fn comment_of_5000_chinese_characters_is_accepted() {
    let d = open_decision();
    let body = "意".repeat(5000);
    assert_eq!(body.len(), 15_000);
    given::<Comment>([]).when(submit(ONLINE, None, &body), &comment_ctx(DURING, &d)).then([submitted(None, &body, DURING)]);
}

#[test]
fn comment_of_5001_characters_is_rejected() {
    // Commands carry a parsed body: the rule holds where the input is parsed.
    assert_eq!(Body::parse(&"意".repeat(5001)), Err(DomainError::invalid("body", "must be at most 5000 characters")));
}

#[test]
fn empty_comment_is_rejected() {
    for body in ["", " \n\t "] {
        assert_eq!(Body::parse(body), Err(DomainError::invalid("body", "must not be empty")), "{body:?}");
    }
}

#[test]
fn comment_with_a_control_character_is_rejected() {
    assert_eq!(Body::parse("支持\u{7}调价"), Err(DomainError::invalid("body", "contains a control character U+0007")));
}

#[test]
fn comment_keeps_its_paragraphs_with_line_endings_normalised() {
    let d = open_decision();
    given::<Comment>([])
        .when(submit(ONLINE, None, "第一，支持。\r\n\r\n第二，\t建议分时段定价。"), &comment_ctx(DURING, &d))
        .then([submitted(None, "第一，支持。\n\n第二，\t建议分时段定价。", DURING)]);
}

#[test]
fn comment_on_a_withdrawn_decision_is_rejected() {
    let mut history = consulting();
    history.push(withdrawn());
    let d = decision_state(&history);
    given::<Comment>([]).when(submit(ONLINE, None, "支持"), &comment_ctx(DURING, &d)).then_err(DomainError::DecisionWithdrawn);
}

#[test]
fn comment_on_an_unknown_decision_is_rejected() {
    let d = DecisionState::default();
    given::<Comment>([]).when(submit(ONLINE, None, "支持"), &comment_ctx(DURING, &d)).then_err(DomainError::DecisionNotFound);
}

#[test]
fn submitting_an_existing_comment_again_is_rejected() {
    let d = open_decision();
    given::<Comment>([submitted(None, "支持", DURING)])
        .when(submit(ONLINE, None, "支持"), &comment_ctx(DURING, &d))
        .then_err(DomainError::CommentAlreadyExists);
}

// --- hiding ----------------------------------------------------------------------------

#[test]
fn comment_is_hidden_with_its_reason() {
    let d = open_decision();
    given::<Comment>([submitted(None, "支持", DURING)]).when(hide(" 含有他人电话号码 "), &comment_ctx(DURING, &d)).then([hidden()]);
}

#[test]
fn hiding_a_comment_without_a_reason_is_rejected() {
    assert_eq!(HideReason::parse("  "), Err(DomainError::invalid("reason", "must not be empty")));
}

#[test]
fn hiding_a_comment_twice_is_rejected() {
    let d = open_decision();
    given::<Comment>([submitted(None, "支持", DURING), hidden()])
        .when(hide("再次隐藏"), &comment_ctx(DURING, &d))
        .then_err(DomainError::CommentAlreadyHidden);
}

#[test]
fn hiding_a_missing_comment_is_rejected() {
    let d = open_decision();
    given::<Comment>([]).when(hide("含有他人电话号码"), &comment_ctx(DURING, &d)).then_err(DomainError::CommentNotFound);
}

#[test]
fn comment_can_be_hidden_after_its_consultation_closed() {
    let d = open_decision();
    given::<Comment>([submitted(None, "支持", DURING)]).when(hide("含有他人电话号码"), &comment_ctx(AFTER, &d)).then([hidden()]);
}
