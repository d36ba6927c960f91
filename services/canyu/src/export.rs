//! `canyu export`: the public record as one JSON document, for journalists and open-data
//! users. It holds exactly what an anonymous GraphQL caller can read: units, catalogues and
//! every non-confidential decision with its drafts, consultations, comments (bodies of hidden
//! comments dropped), hearings (published participants only, by display name), opinions,
//! feedback, deliberation, result and full history. No sealed value and no account id leaves:
//! erased people appear as "已注销居民".

use canyu_projections::model::{HearingView, ReadModel};
use canyu_projections::query::Viewer;
use serde_json::{Value, json};

fn hearing(m: &ReadModel, h: &HearingView) -> Value {
    let mut h = h.clone();
    m.redact_hearing(&mut h);
    json!({
        "id": h.id,
        "startsAt": h.starts_at,
        "venue": h.venue,
        "capacity": h.capacity,
        "signupClosesAt": h.signup_closes_at,
        "selectionMethod": h.selection_method.as_str(),
        "selectionRules": h.selection_rules,
        "stakeholderGroups": h.stakeholder_groups,
        "signupCount": h.signups.len(),
        "seatsTaken": h.seats_taken(),
        "drawSeed": h.draw_seed,
        "participants": h.participants.as_ref().map(|ps| ps.iter().map(|p| json!({"displayName": p.display_name, "stakeholderGroup": p.stakeholder_group})).collect::<Vec<_>>()),
        "participantsPublishedAt": h.participants_published_at,
        "recordSummary": h.record_summary,
        "heldAt": h.held_at,
    })
}

/// The public record of the read models.
pub fn public_record(m: &ReadModel, time_zone: chrono_tz::Tz, now: chrono::DateTime<chrono::Utc>) -> Value {
    let anonymous = Viewer::default();
    let decisions: Vec<Value> = m
        .decision_order
        .iter()
        .filter_map(|id| m.decisions.get(id))
        .filter(|d| anonymous.can_see(m, d))
        .map(|d| {
            let consultations: Vec<Value> = d
                .consultations
                .iter()
                .map(|c| {
                    let comments: Vec<Value> = m
                        .consultation_comments
                        .get(c.id.as_str())
                        .map(|ix| {
                            m.comments_at(ix)
                                .map(|cm| {
                                    json!({
                                        "id": &*cm.id,
                                        "clauseId": cm.clause_id.as_deref(),
                                        "body": cm.body,
                                        "submittedAt": cm.submitted_at,
                                        "hiddenReason": cm.hidden_reason,
                                        "opinionId": cm.opinion_id.as_deref(),
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    json!({
                        "id": c.id, "channel": c.channel, "draftVersion": c.draft_version, "opensAt": c.opens_at, "closesAt": c.closes_at,
                        "howToSubmit": c.how_to_submit, "shortenedReason": c.shortened_reason, "closedAt": c.closed_at,
                        "closedEarly": c.closed_early, "closeReason": c.close_reason, "comments": comments,
                    })
                })
                .collect();
            let history: Vec<Value> = m
                .histories
                .get(d.id.as_str())
                .map(|h| {
                    h.iter()
                        .map(|e| json!({"position": e.position.to_string(), "at": e.at, "kind": e.kind, "summary": canyu_gateway::render::summary(&e.summary, canyu_gateway::render::Lang::Zh, time_zone), "actor": &*e.actor}))
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "id": d.id,
                "year": d.year,
                "title": d.title,
                "summary": d.summary,
                "stage": d.stage(now).as_str(),
                "undertakingUnit": m.units.get(&d.unit_id).map(|u| u.name.clone()),
                "disclosure": d.disclosure,
                "lateAdditionReason": d.late_addition_reason,
                "registeredAt": d.registered_at,
                "background": d.background.as_ref().map(|b| json!({"text": b.text, "publishedAt": b.published_at})),
                "drafts": d.drafts.iter().map(|x| json!({"version": x.version, "text": x.text, "explanation": x.explanation, "changeNote": x.change_note, "publishedAt": x.published_at})).collect::<Vec<_>>(),
                "consultations": consultations,
                "activities": d.activities.iter().map(|a| json!({"kind": a.kind, "heldAt": a.held_at, "summary": a.summary, "participantCount": a.participant_count})).collect::<Vec<_>>(),
                "hearings": d.hearing_ids.iter().filter_map(|h| m.hearings.get(h)).map(|h| hearing(m, h)).collect::<Vec<_>>(),
                "opinions": d.opinions.iter().map(|o| json!({
                    "id": o.id, "summary": o.summary, "concentrated": o.concentrated, "commentIds": o.comment_ids,
                    "adoption": o.adoption.as_ref().map(|a| json!({"outcome": a.outcome, "rationale": a.rationale, "decidedAt": a.decided_at})),
                })).collect::<Vec<_>>(),
                "feedbackReport": d.feedback_report.as_ref().map(|f| json!({"summary": f.summary, "publishedAt": f.published_at})),
                "deliberation": d.deliberation.as_ref().map(|x| json!({"meetingKind": x.meeting_kind, "heldAt": x.held_at, "summary": x.summary, "dissent": x.dissent,
                    "observers": x.observers.iter().map(|o| json!({"name": o.name, "affiliation": o.affiliation, "opinion": o.opinion, "outcome": o.outcome, "rationale": o.rationale, "adoption": o.adoption})).collect::<Vec<_>>()})),
                "result": d.result.as_ref().map(|r| json!({"text": r.text, "documentNumber": r.document_number, "effectiveAt": r.effective_at, "interpretation": r.interpretation, "publishedAt": r.published_at})),
                "withdrawal": d.withdrawal.as_ref().map(|w| json!({"reason": w.reason, "withdrawnAt": w.withdrawn_at})),
                "history": history,
            })
        })
        .collect();
    // Confidential items of published catalogues; items of unpublished years are not public yet.
    let confidential =
        m.decisions.values().filter(|d| d.is_confidential() && canyu_projections::query::catalogue_published(m, d.year)).count();
    json!({
        "format": "canyu-public-record-v1",
        "position": m.position.to_string(),
        "units": m.units.values().map(|u| json!({"id": u.id, "name": u.name})).collect::<Vec<_>>(),
        "catalogues": m.catalogues.values().filter(|c| c.published_at.is_some()).map(|c| json!({"year": c.year, "publishedAt": c.published_at})).collect::<Vec<_>>(),
        "confidentialDecisionCount": confidential,
        "decisions": decisions,
    })
}
