//! `answerHearingRecord`: a published participant confirms the hearing record or objects to it
//! with a note (signed in; Decree 713 Art. 17: participants confirm the record).

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::values::ObjectionNote;
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::{OnHearing, caller};
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Confirms (`objection: None`) or objects to a hearing's record, as the caller.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerHearingRecord {
    pub hearing_id: String,
    pub objection: Option<ObjectionNote>,
}

#[async_trait]
impl Command for AnswerHearingRecord {
    type Aggregate = Hearing;
    type Facts = OnHearing;
    const NAME: &'static str = "answerHearingRecord";
    const ACCESS: Access = Access::SignedIn;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnHearing>> {
        OnHearing::load(app, &self.hearing_id).await
    }

    fn decide(&self, state: &HearingState, facts: &OnHearing, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = HearingCommand::AnswerRecord { account_id: caller(&now)?, objection: self.objection.clone() };
        Hearing::decide(state, command, &HearingCtx { now: now.at, decision: &facts.decision })
    }
}
