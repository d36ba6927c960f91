//! The hearings read model: each hearing's document (sign-ups with their sealed personal data,
//! the draw, the published participants, the record), sign-up → hearing, each account's
//! sign-ups, and erasures applied to every hearing an erased person signed up for.

use std::sync::Arc;

use canyu_domain::events::Event;
use canyu_domain::values::SignupStatus;
use chrono::{DateTime, Utc};

use crate::model::*;

fn update(m: &mut ReadModel, id: &str, f: impl FnOnce(&mut HearingView)) {
    m.hearings.update(id, |h| f(Arc::make_mut(h)));
}

/// Applies erasures to one hearing (after an erasure, or new data about erased people).
fn redact(m: &mut ReadModel, id: &str) {
    let needed = m.hearings.get(id).is_some_and(|h| h.signups.iter().any(|s| m.erased_accounts.contains_key(&s.account_id)));
    if !needed {
        return;
    }
    let Some(mut h) = m.hearings.get(id).cloned() else { return };
    m.redact_hearing(Arc::make_mut(&mut h));
    m.hearings.insert(id.to_string(), h);
}

/// A participant's answer to the published record.
fn answer(m: &mut ReadModel, hearing: &str, signup: &str, objection: Option<&String>, at: DateTime<Utc>) {
    update(m, hearing, |h| {
        if let Some(r) = h.record.as_mut() {
            r.answers.push(RecordAnswer { signup_id: signup.to_string(), objection: objection.cloned(), at })
        }
    })
}

fn set_status(h: &mut HearingView, signup: &str, status: SignupStatus) {
    if let Some(s) = h.signups.iter_mut().find(|s| s.id == signup) {
        s.status = status;
    }
}

pub(super) fn apply(m: &mut ReadModel, event: &Event, at: DateTime<Utc>) {
    match event {
        Event::HearingScheduled(e) => {
            let view = HearingView {
                id: e.hearing_id.clone(),
                decision_id: e.decision_id.clone(),
                starts_at: e.starts_at,
                venue: e.venue.clone(),
                capacity: e.capacity,
                signup_closes_at: e.signup_closes_at,
                selection_method: e.selection_method,
                selection_rules: e.selection_rules.clone(),
                stakeholder_groups: e.stakeholder_groups.clone(),
                scheduled_at: at,
                signups: vec![],
                draw_seed: None,
                participants: None,
                participants_published_at: None,
                record_summary: None,
                held_at: None,
                materials: vec![],
                record: None,
            };
            m.hearings.insert(e.hearing_id.clone(), Arc::new(view));
        }
        Event::HearingSignupSubmitted(e) => {
            m.signup_hearing.insert(e.signup_id.clone(), e.hearing_id.clone());
            m.account_signups.upsert(e.account_id.clone(), Vec::new).push(e.signup_id.clone());
            update(m, &e.hearing_id, |h| {
                h.signups.push(SignupView {
                    id: e.signup_id.clone(),
                    hearing_id: e.hearing_id.clone(),
                    account_id: e.account_id.clone(),
                    display_name: e.display_name.clone(),
                    stakeholder_group: e.stakeholder_group.clone(),
                    statement: e.statement.clone(),
                    status: e.status,
                    submitted_at: at,
                    personal: e.personal.clone(),
                })
            });
        }
        Event::HearingSignupWithdrawn(e) => update(m, &e.hearing_id, |h| set_status(h, &e.signup_id, SignupStatus::Withdrawn)),
        Event::HearingSignupPromoted(e) => update(m, &e.hearing_id, |h| set_status(h, &e.signup_id, SignupStatus::Accepted)),
        Event::HearingParticipantsDrawn(e) => update(m, &e.hearing_id, |h| {
            h.draw_seed = Some(e.seed.clone());
            for s in h.signups.iter_mut() {
                if e.selected.contains(&s.id) {
                    s.status = SignupStatus::Accepted;
                } else if e.not_selected.contains(&s.id) {
                    s.status = SignupStatus::NotSelected;
                }
            }
        }),
        Event::HearingParticipantsPublished(e) => {
            update(m, &e.hearing_id, |h| {
                h.participants = Some(e.participants.clone());
                h.participants_published_at = Some(at);
            });
            redact(m, &e.hearing_id);
        }
        Event::HearingHeld(e) => update(m, &e.hearing_id, |h| {
            h.record_summary = Some(e.record_summary.clone());
            h.held_at = Some(at);
        }),
        Event::HearingMaterialsDelivered(e) => update(m, &e.hearing_id, |h| {
            h.materials.push(MaterialsDelivery { materials: e.materials.clone(), delivered_at: e.delivered_at, recorded_at: at })
        }),
        Event::HearingRecordPublished(e) => {
            update(m, &e.hearing_id, |h| h.record = Some(HearingRecordView { text: e.text.clone(), published_at: at, answers: vec![] }))
        }
        Event::HearingRecordConfirmed(e) => answer(m, &e.hearing_id, &e.signup_id, None, at),
        Event::HearingRecordObjected(e) => answer(m, &e.hearing_id, &e.signup_id, Some(&e.note), at),
        Event::AccountErased(e) => {
            let signups = m.account_signups.get(&e.account_id).cloned().unwrap_or_default();
            let hearings: Vec<String> = signups.iter().filter_map(|s| m.signup_hearing.get(s).cloned()).collect();
            for h in hearings {
                redact(m, &h);
            }
        }
        _ => {}
    }
}
