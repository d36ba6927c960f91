//! The comment aggregate (`comment-<id>`): a resident's comment on an online consultation.

use chrono::{DateTime, Utc};

use crate::decision::DecisionState;
use crate::events::*;
use crate::values::*;
use crate::{Aggregate, DomainError};

/// Maximum comment length, in characters.
pub const MAX_COMMENT_CHARS: usize = 5000;

/// Everything `decide` needs to know about one comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommentState {
    pub exists: bool,
    pub id: String,
    pub decision_id: String,
    pub consultation_id: String,
    pub account_id: String,
    pub hidden: bool,
}

/// Commands on a comment.
#[derive(Debug, Clone, PartialEq)]
pub enum CommentCommand {
    Submit { comment_id: String, consultation_id: String, account_id: String, clause_id: Option<ClauseId>, body: Body },
    Hide { reason: HideReason },
}

/// Outside facts: the time and the decision the comment is on.
#[derive(Debug, Clone, Copy)]
pub struct CommentCtx<'a> {
    pub now: DateTime<Utc>,
    pub decision: &'a DecisionState,
}

/// Marker type implementing [`Aggregate`] for comments.
#[derive(Debug)]
pub struct Comment;

impl Aggregate for Comment {
    type State = CommentState;
    type Command = CommentCommand;
    type Ctx<'a> = CommentCtx<'a>;

    fn decide(s: &CommentState, cmd: CommentCommand, ctx: &CommentCtx<'_>) -> Result<Vec<Event>, DomainError> {
        match cmd {
            CommentCommand::Submit { comment_id, consultation_id, account_id, clause_id, body } => {
                if s.exists {
                    return Err(DomainError::CommentAlreadyExists);
                }
                let body = body.into_string();
                let d = ctx.decision;
                d.ensure_active()?;
                let c = d.consultations.get(&consultation_id).ok_or(DomainError::ConsultationNotFound)?;
                if c.channel != Channel::Online {
                    return Err(DomainError::NotAnOnlineConsultation);
                }
                if ctx.now < c.opens_at {
                    return Err(DomainError::ConsultationNotYetOpen);
                }
                if c.is_closed(ctx.now) {
                    return Err(DomainError::ConsultationClosed);
                }
                // An open consultation takes comments on the current draft: the text the public
                // reads now, which a version published after the opening replaces (ADR 0005).
                let draft_version = d.current_draft().unwrap_or(c.draft_version).max(c.draft_version);
                let clause_id = clause_id.map(TextValue::into_string);
                if let Some(clause) = &clause_id {
                    let clauses = d.drafts.get(&draft_version).map(Vec::as_slice).unwrap_or(&[]);
                    if !clauses.iter().any(|x| &x.id == clause) {
                        return Err(DomainError::UnknownClause);
                    }
                }
                Ok(vec![
                    CommentSubmitted {
                        comment_id,
                        decision_id: d.id.clone(),
                        consultation_id,
                        account_id,
                        clause_id,
                        draft_version: Some(draft_version),
                        body,
                        submitted_at: ctx.now,
                    }
                    .into(),
                ])
            }
            CommentCommand::Hide { reason } => {
                if !s.exists {
                    return Err(DomainError::CommentNotFound);
                }
                if s.hidden {
                    return Err(DomainError::CommentAlreadyHidden);
                }
                let reason = reason.into_string();
                Ok(vec![CommentHidden { comment_id: s.id.clone(), decision_id: s.decision_id.clone(), reason }.into()])
            }
        }
    }

    fn evolve(mut s: CommentState, event: &Event) -> CommentState {
        match event {
            Event::CommentSubmitted(e) => {
                s.exists = true;
                s.id = e.comment_id.clone();
                s.decision_id = e.decision_id.clone();
                s.consultation_id = e.consultation_id.clone();
                s.account_id = e.account_id.clone();
            }
            Event::CommentHidden(_) => s.hidden = true,
            _ => {}
        }
        s
    }
}
