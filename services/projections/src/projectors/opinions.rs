//! The opinions read model: grouped opinions and their adoption on the decision's document,
//! opinion → decision, and the opinion each grouped comment went into.

use std::sync::Arc;

use canyu_domain::events::Event;
use chrono::{DateTime, Utc};

use super::decisions::update;
use crate::model::*;

pub(super) fn apply(m: &mut ReadModel, event: &Event, at: DateTime<Utc>) {
    match event {
        Event::OpinionConsolidated(e) => {
            m.opinion_decision.insert(e.opinion_id.clone(), e.decision_id.clone());
            let opinion: Arc<str> = e.opinion_id.as_str().into();
            for c in &e.comment_ids {
                m.update_comment(c, |c| c.opinion_id = Some(opinion.clone()));
            }
            update(m, &e.decision_id, at, |d| {
                d.opinions.push(OpinionView {
                    id: e.opinion_id.clone(),
                    decision_id: e.decision_id.clone(),
                    summary: e.summary.clone(),
                    comment_ids: e.comment_ids.clone(),
                    concentrated: e.concentrated,
                    consolidated_at: at,
                    adoption: None,
                })
            });
        }
        Event::AdoptionDecided(e) => update(m, &e.decision_id, at, |d| {
            if let Some(o) = d.opinions.iter_mut().find(|o| o.id == e.opinion_id) {
                o.adoption = Some(AdoptionView { outcome: e.outcome, rationale: e.rationale.clone(), decided_at: at });
            }
        }),
        _ => {}
    }
}
