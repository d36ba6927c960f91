//! `submitComment`: a signed-in resident comments on an open ONLINE consultation, optionally on
//! one clause of the consulted draft.

use std::sync::Arc;

use async_trait::async_trait;
use canyu_domain::comment::{Comment, CommentCommand, CommentCtx, CommentState};
use canyu_domain::decision::DecisionState;
use canyu_domain::values::{Body, ClauseId};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::caller;
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Submits a comment on a consultation, found by its id alone.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitComment {
    /// Chosen by the application (random, so it names nobody; not part of the input).
    #[serde(skip)]
    pub comment_id: String,
    pub consultation_id: String,
    pub body: Body,
    pub clause_id: Option<ClauseId>,
}

#[async_trait]
impl Command for SubmitComment {
    type Aggregate = Comment;
    /// The decision the consultation belongs to.
    type Facts = Arc<DecisionState>;
    const NAME: &'static str = "submitComment";
    const ACCESS: Access = Access::SignedIn;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<Arc<DecisionState>>> {
        let decision_id = app.decision_of_consultation(&self.consultation_id).await?;
        let decision = app.decision_state(&decision_id).await?;
        Ok(Prepared { stream: streams::comment(&self.comment_id), facts: decision })
    }

    fn decide(&self, state: &CommentState, decision: &Arc<DecisionState>, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = CommentCommand::Submit {
            comment_id: self.comment_id.clone(),
            consultation_id: self.consultation_id.clone(),
            account_id: caller(&now)?,
            clause_id: self.clause_id.clone(),
            body: self.body.clone(),
        };
        Comment::decide(state, command, &CommentCtx { now: now.at, decision })
    }
}
