//! The history read model: every public event of a decision, in commit order, as data (the
//! kind of step, its facts as a [`Summary`], the actor, the subject). Reads the views as they
//! stood before the event; the text is rendered at the edge.

use std::sync::Arc;

use canyu_domain::events::Event;
use canyu_eventstore::RecordedEvent;

use crate::model::*;

/// The history entry an event adds, and the decision it belongs to; `None` for events that
/// belong to no decision, or name a decision (hearing, comment, opinion) this model lacks.
pub(super) fn entry(m: &mut ReadModel, event: &Event, rec: &RecordedEvent) -> Option<(Arc<str>, HistoryEntry)> {
    let decision_id = event.decision_id()?;
    let (summary, subject) = summary(m, event)?;
    let key = m.intern(decision_id);
    let actor = m.actor_of(&rec.metadata.actor);
    let summary = m.intern_summary(summary);
    // projectors.rs shares a comment's id once the comment is indexed.
    let subject_id = subject.map(Arc::from);
    Some((key, HistoryEntry { position: rec.position, at: rec.metadata.server_time, kind: event.kind(), summary, actor, subject_id }))
}

fn decision<'a>(m: &'a ReadModel, id: &str) -> Option<&'a DecisionView> {
    m.decisions.get(id).map(|d| d.as_ref())
}

fn hearing_group(m: &ReadModel, hearing: &str, signup: &str) -> Option<String> {
    m.hearings.get(hearing)?.signups.iter().find(|s| s.id == signup).map(|s| s.stakeholder_group.clone())
}

fn summary<'e>(m: &ReadModel, event: &'e Event) -> Option<(Summary, Option<&'e str>)> {
    use Summary as S;
    Some(match event {
        Event::DecisionRegistered(e) => match &e.late_addition_reason {
            Some(r) => (S::AddedLate { title: e.title.clone(), reason: r.clone() }, None),
            None => (S::Listed { year: e.year, title: e.title.clone() }, None),
        },
        Event::BackgroundPublished(e) => {
            decision(m, &e.decision_id)?;
            (S::BackgroundPublished, None)
        }
        Event::DraftPublished(e) => {
            decision(m, &e.decision_id)?;
            (S::DraftPublished { version: e.version, clauses: e.clauses.len() as u32, change_note: e.change_note.clone() }, None)
        }
        Event::ConsultationOpened(e) => {
            decision(m, &e.decision_id)?;
            let s = S::ConsultationOpened {
                channel: e.channel,
                draft_version: e.draft_version,
                opens_at: e.opens_at,
                closes_at: e.closes_at,
                shortened_reason: e.shortened_reason.clone(),
            };
            (s, Some(e.consultation_id.as_str()))
        }
        Event::ConsultationClosed(e) => {
            let c = decision(m, &e.decision_id)?.consultations.iter().find(|c| c.id == e.consultation_id)?;
            let early_reason = if e.early { e.reason.clone() } else { None };
            (S::ConsultationClosed { channel: c.channel, early_reason }, Some(e.consultation_id.as_str()))
        }
        Event::ParticipationExempted(e) => {
            decision(m, &e.decision_id)?;
            (S::ParticipationExempted { legal_basis: e.legal_basis.clone() }, None)
        }
        Event::ParticipationActivityRecorded(e) => {
            decision(m, &e.decision_id)?;
            (
                S::ActivityRecorded { kind: e.kind, participants: e.participant_count, summary: e.summary.clone() },
                Some(e.activity_id.as_str()),
            )
        }
        Event::OpinionConsolidated(e) => {
            decision(m, &e.decision_id)?;
            let s =
                S::OpinionConsolidated { concentrated: e.concentrated, comments: e.comment_ids.len() as u32, summary: e.summary.clone() };
            (s, Some(e.opinion_id.as_str()))
        }
        Event::AdoptionDecided(e) => {
            let o = decision(m, &e.decision_id)?.opinions.iter().find(|o| o.id == e.opinion_id)?;
            (
                S::AdoptionDecided { opinion: o.summary.clone(), outcome: e.outcome, rationale: e.rationale.clone() },
                Some(e.opinion_id.as_str()),
            )
        }
        Event::FeedbackReportPublished(e) => {
            decision(m, &e.decision_id)?;
            (S::FeedbackReportPublished, None)
        }
        Event::DeliberationRecorded(e) => {
            decision(m, &e.decision_id)?;
            (S::DeliberationRecorded { meeting_kind: e.meeting_kind, held_at: e.held_at, observers: e.observers.len() as u32 }, None)
        }
        Event::ResultPublished(e) => {
            decision(m, &e.decision_id)?;
            (S::ResultPublished { document_number: e.document_number.clone(), effective_at: e.effective_at }, None)
        }
        Event::DecisionWithdrawn(e) => {
            decision(m, &e.decision_id)?;
            (S::Withdrawn { reason: e.reason.clone() }, None)
        }
        Event::CommentSubmitted(e) => {
            if m.comment_index.contains_key(e.comment_id.as_str()) {
                return None;
            }
            let version = m.comment_draft_version(&e.decision_id, &e.consultation_id, e.draft_version);
            let clause_number = e.clause_id.as_ref().zip(version).and_then(|(c, v)| m.clause_number(&e.decision_id, v, c));
            (S::CommentSubmitted { clause_id: e.clause_id.clone(), clause_number }, Some(e.comment_id.as_str()))
        }
        Event::CommentHidden(e) => {
            m.comment(&e.comment_id)?;
            (S::CommentHidden { reason: e.reason.clone() }, Some(e.comment_id.as_str()))
        }
        Event::HearingScheduled(e) => {
            let s = S::HearingScheduled {
                starts_at: e.starts_at,
                venue: e.venue.clone(),
                capacity: e.capacity,
                method: e.selection_method,
                signup_closes_at: e.signup_closes_at,
            };
            (s, Some(e.hearing_id.as_str()))
        }
        Event::HearingSignupSubmitted(e) => {
            m.hearings.get(&e.hearing_id)?;
            (S::SignupSubmitted { group: e.stakeholder_group.clone(), status: e.status }, Some(e.hearing_id.as_str()))
        }
        Event::HearingSignupWithdrawn(e) => {
            (S::SignupWithdrawn { group: hearing_group(m, &e.hearing_id, &e.signup_id)? }, Some(e.hearing_id.as_str()))
        }
        Event::HearingSignupPromoted(e) => {
            (S::SignupPromoted { group: hearing_group(m, &e.hearing_id, &e.signup_id)? }, Some(e.hearing_id.as_str()))
        }
        Event::HearingParticipantsDrawn(e) => {
            m.hearings.get(&e.hearing_id)?;
            let s =
                S::ParticipantsDrawn { seed: e.seed.clone(), selected: e.selected.len() as u32, not_selected: e.not_selected.len() as u32 };
            (s, Some(e.hearing_id.as_str()))
        }
        Event::HearingParticipantsPublished(e) => {
            m.hearings.get(&e.hearing_id)?;
            (S::ParticipantsPublished { participants: e.participants.len() as u32 }, Some(e.hearing_id.as_str()))
        }
        Event::HearingHeld(e) => {
            m.hearings.get(&e.hearing_id)?;
            (S::HearingHeld, Some(e.hearing_id.as_str()))
        }
        Event::HearingMaterialsDelivered(e) => {
            m.hearings.get(&e.hearing_id)?;
            (S::MaterialsDelivered { delivered_at: e.delivered_at }, Some(e.hearing_id.as_str()))
        }
        Event::HearingRecordPublished(e) => {
            m.hearings.get(&e.hearing_id)?;
            (S::HearingRecordPublished, Some(e.hearing_id.as_str()))
        }
        Event::HearingRecordConfirmed(e) => {
            (S::HearingRecordConfirmed { group: hearing_group(m, &e.hearing_id, &e.signup_id)? }, Some(e.hearing_id.as_str()))
        }
        Event::HearingRecordObjected(e) => {
            (S::HearingRecordObjected { group: hearing_group(m, &e.hearing_id, &e.signup_id)? }, Some(e.hearing_id.as_str()))
        }
        Event::UnitRegistered(_)
        | Event::AccountRegistered(_)
        | Event::RoleGranted(_)
        | Event::AccountErased(_)
        | Event::CataloguePublished(_) => {
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use canyu_domain::events::*;
    use canyu_domain::values::{Channel, Disclosure};
    use chrono::Utc;

    use crate::model::{ReadModel, Summary};
    use crate::projectors::testing::rec;

    fn clause(id: &str, number: u32) -> Clause {
        Clause { id: id.into(), number, text: format!("第{number}条") }
    }

    #[test]
    fn a_comment_on_a_clause_records_the_clause_number_of_the_consulted_draft() {
        let now = Utc::now();
        let events: Vec<Event> = vec![
            DecisionRegistered {
                decision_id: "d1".into(),
                year: 2021,
                title: "停车管理办法".into(),
                summary: String::new(),
                unit_id: "u1".into(),
                disclosure: Disclosure::Public,
                confidentiality_basis: None,
                late_addition_reason: None,
            }
            .into(),
            DraftPublished {
                decision_id: "d1".into(),
                version: 1,
                text: String::new(),
                clauses: vec![clause("c1", 1), clause("c7", 2), clause("c3", 3)],
                explanation: String::new(),
                change_note: String::new(),
                published_at: now,
            }
            .into(),
            ConsultationOpened {
                decision_id: "d1".into(),
                consultation_id: "k1".into(),
                channel: Channel::Online,
                draft_version: 1,
                opens_at: now,
                closes_at: now,
                how_to_submit: String::new(),
                shortened_reason: None,
            }
            .into(),
            CommentSubmitted {
                comment_id: "m1".into(),
                decision_id: "d1".into(),
                consultation_id: "k1".into(),
                account_id: "a1".into(),
                clause_id: Some("c7".into()),
                draft_version: None,
                body: "意见".into(),
                submitted_at: now,
            }
            .into(),
        ];
        let mut m = ReadModel::default();
        let recs: Vec<_> = events.into_iter().enumerate().map(|(i, e)| rec(i as u64 + 1, e)).collect();
        m.apply_all(&recs);
        let last = m.histories.get("d1").and_then(|h| h.last()).expect("the comment's entry");
        assert_eq!(*last.summary, Summary::CommentSubmitted { clause_id: Some("c7".into()), clause_number: Some(2) });
    }
}
