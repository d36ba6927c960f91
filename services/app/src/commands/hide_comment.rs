//! `hideComment`: hides a comment with a reason; it stays in the history without its body
//! (staff of the decision's unit, or admins).

use std::sync::Arc;

use async_trait::async_trait;
use canyu_domain::comment::{Comment, CommentCommand, CommentCtx, CommentState};
use canyu_domain::decision::DecisionState;
use canyu_domain::values::HideReason;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppError, AppResult, Principal, streams};

/// Hides a comment.
#[derive(Debug, Clone, Serialize)]
pub struct HideComment {
    pub comment_id: String,
    pub reason: HideReason,
}

#[async_trait]
impl Command for HideComment {
    type Aggregate = Comment;
    /// The decision the comment is on (its unit authorizes).
    type Facts = Arc<DecisionState>;
    const NAME: &'static str = "hideComment";
    const ACCESS: Access = Access::UnitStaff;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<Arc<DecisionState>>> {
        let stream = streams::comment(&self.comment_id);
        let comment = app.comment_state(&stream).await?;
        if !comment.exists {
            return Err(AppError::from(DomainError::CommentNotFound));
        }
        let decision = app.decision_state(&comment.decision_id).await?;
        Ok(Prepared { stream, facts: decision })
    }

    fn unit(decision: &Arc<DecisionState>) -> Option<&str> {
        Some(&decision.unit_id)
    }

    fn decide(&self, state: &CommentState, decision: &Arc<DecisionState>, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Comment::decide(state, CommentCommand::Hide { reason: self.reason.clone() }, &CommentCtx { now: now.at, decision })
    }
}
