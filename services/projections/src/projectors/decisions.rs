//! The decisions read model: each decision's document (background, drafts, consultations,
//! activities, hearings listed, feedback report, deliberation, result, withdrawal, and the
//! domain's own fold for its stage), the registration order, and consultation → decision.

use std::sync::Arc;

use canyu_domain::Aggregate;
use canyu_domain::decision::Decision;
use canyu_domain::events::Event;
use chrono::{DateTime, Utc};

use crate::model::*;

/// Changes an existing decision's document and marks it updated at `at`.
pub(super) fn update(m: &mut ReadModel, id: &str, at: DateTime<Utc>, f: impl FnOnce(&mut DecisionView)) {
    m.decisions.update(id, |d| {
        let d = Arc::make_mut(d);
        d.updated_at = at;
        f(d);
    });
}

pub(super) fn apply(m: &mut ReadModel, event: &Event, at: DateTime<Utc>) {
    // The domain's own fold of the decision, for its stage and rule-derived facts.
    if event.event_type().starts_with("decision.")
        && !matches!(event, Event::DecisionRegistered(_))
        && let Some(id) = event.decision_id()
    {
        m.decisions.update(id, |d| {
            let d = Arc::make_mut(d);
            d.state = Decision::evolve(std::mem::take(&mut d.state), event);
        });
    }
    match event {
        Event::DecisionRegistered(e) => {
            let view = DecisionView {
                id: e.decision_id.clone(),
                year: e.year,
                title: e.title.clone(),
                summary: e.summary.clone(),
                unit_id: e.unit_id.clone(),
                disclosure: e.disclosure,
                confidentiality_basis: e.confidentiality_basis.clone(),
                late_addition_reason: e.late_addition_reason.clone(),
                registered_at: at,
                updated_at: at,
                background: None,
                drafts: vec![],
                consultations: vec![],
                activities: vec![],
                participation_exemption: None,
                hearing_ids: vec![],
                opinions: vec![],
                feedback_report: None,
                deliberation: None,
                result: None,
                withdrawal: None,
                state: Decision::evolve(Default::default(), event),
            };
            if m.decisions.insert(e.decision_id.clone(), Arc::new(view)).is_none() {
                m.decision_order.push(e.decision_id.clone());
            }
        }
        Event::BackgroundPublished(e) => {
            update(m, &e.decision_id, at, |d| d.background = Some(BackgroundView { text: e.text.clone(), published_at: at }));
        }
        Event::DraftPublished(e) => update(m, &e.decision_id, at, |d| {
            d.drafts.push(DraftView {
                version: e.version,
                text: e.text.clone(),
                clauses: e.clauses.clone(),
                explanation: e.explanation.clone(),
                change_note: e.change_note.clone(),
                published_at: e.published_at,
            })
        }),
        Event::ConsultationOpened(e) => {
            m.consultation_decision.insert(e.consultation_id.clone(), e.decision_id.clone());
            update(m, &e.decision_id, at, |d| {
                d.consultations.push(ConsultationView {
                    id: e.consultation_id.clone(),
                    decision_id: e.decision_id.clone(),
                    channel: e.channel,
                    draft_version: e.draft_version,
                    opens_at: e.opens_at,
                    closes_at: e.closes_at,
                    how_to_submit: e.how_to_submit.clone(),
                    shortened_reason: e.shortened_reason.clone(),
                    opened_recorded_at: at,
                    closed_at: None,
                    closed_early: false,
                    close_reason: None,
                })
            });
        }
        Event::ConsultationClosed(e) => update(m, &e.decision_id, at, |d| {
            if let Some(c) = d.consultations.iter_mut().find(|c| c.id == e.consultation_id) {
                c.closed_at = Some(e.closed_at);
                c.closed_early = e.early;
                c.close_reason = e.reason.clone();
            }
        }),
        Event::ParticipationExempted(e) => update(m, &e.decision_id, at, |d| {
            d.participation_exemption = Some(ExemptionView { legal_basis: e.legal_basis.clone(), recorded_at: at })
        }),
        Event::ParticipationActivityRecorded(e) => update(m, &e.decision_id, at, |d| {
            d.activities.push(ActivityView {
                id: e.activity_id.clone(),
                kind: e.kind,
                held_at: e.held_at,
                summary: e.summary.clone(),
                participant_count: e.participant_count,
            })
        }),
        Event::FeedbackReportPublished(e) => update(m, &e.decision_id, at, |d| {
            d.feedback_report = Some(FeedbackReportView { summary: e.summary.clone(), published_at: e.published_at })
        }),
        Event::DeliberationRecorded(e) => update(m, &e.decision_id, at, |d| {
            d.deliberation = Some(DeliberationView {
                meeting_kind: e.meeting_kind,
                held_at: e.held_at,
                summary: e.summary.clone(),
                dissent: e.dissent.clone(),
                observers: e.observers.clone(),
                recorded_at: at,
            })
        }),
        Event::ResultPublished(e) => update(m, &e.decision_id, at, |d| {
            d.result = Some(ResultView {
                text: e.text.clone(),
                document_number: e.document_number.clone(),
                effective_at: e.effective_at,
                interpretation: e.interpretation.clone(),
                published_at: e.published_at,
            })
        }),
        Event::DecisionWithdrawn(e) => {
            update(m, &e.decision_id, at, |d| d.withdrawal = Some(WithdrawalView { reason: e.reason.clone(), withdrawn_at: at }))
        }
        // A hearing's scheduling lists it on its decision.
        Event::HearingScheduled(e) => update(m, &e.decision_id, at, |d| d.hearing_ids.push(e.hearing_id.clone())),
        _ => {}
    }
}
