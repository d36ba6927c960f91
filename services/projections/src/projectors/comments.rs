//! The comments read model: every comment in submission order (the body dropped once hidden),
//! with its indexes by id, by consultation and by account.

use canyu_domain::events::Event;
use chrono::{DateTime, Utc};

use crate::model::*;

pub(super) fn apply(m: &mut ReadModel, event: &Event, at: DateTime<Utc>) {
    match event {
        Event::CommentSubmitted(e) => {
            if m.comment_index.contains_key(e.comment_id.as_str()) {
                return;
            }
            let id: std::sync::Arc<str> = e.comment_id.as_str().into();
            let consultation_id = m.intern(&e.consultation_id);
            let account_id = m.intern(&e.account_id);
            let draft_version = m.comment_draft_version(&e.decision_id, &e.consultation_id, e.draft_version).unwrap_or(1);
            let clause_number = e.clause_id.as_deref().and_then(|c| m.clause_number(&e.decision_id, draft_version, c));
            let view = CommentView {
                id: id.clone(),
                decision_id: m.intern(&e.decision_id),
                consultation_id: consultation_id.clone(),
                account_id: account_id.clone(),
                clause_id: e.clause_id.as_deref().map(|c| m.intern(c)),
                draft_version,
                clause_number,
                body: Some(e.body.clone()),
                submitted_at: e.submitted_at,
                hidden_reason: None,
                hidden_at: None,
                opinion_id: None,
            };
            let index = m.comments.len() as u32;
            m.comments.push(view);
            m.comment_index.insert(id, index);
            m.consultation_comments.entry(consultation_id).or_default().push(index);
            m.account_comments.entry(account_id).or_default().push(index);
        }
        Event::CommentHidden(e) => {
            m.update_comment(&e.comment_id, |c| {
                c.body = None;
                c.hidden_reason = Some(e.reason.clone());
                c.hidden_at = Some(at);
            });
        }
        _ => {}
    }
}
