//! `withdrawHearingSignup`: a person withdraws their own sign-up; a freed seat goes to the next
//! on the waitlist.

use async_trait::async_trait;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::{OnHearing, caller};
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal};

/// Withdraws a sign-up, found by its id alone.
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawHearingSignup {
    pub signup_id: String,
}

#[async_trait]
impl Command for WithdrawHearingSignup {
    type Aggregate = Hearing;
    type Facts = OnHearing;
    const NAME: &'static str = "withdrawHearingSignup";
    const ACCESS: Access = Access::SignedIn;

    async fn prepare(&self, app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<OnHearing>> {
        let hearing_id = app.hearing_of_signup(&self.signup_id).await?;
        OnHearing::load(app, &hearing_id).await
    }

    fn decide(&self, state: &HearingState, facts: &OnHearing, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = HearingCommand::Withdraw { signup_id: self.signup_id.clone(), account_id: caller(&now)? };
        Hearing::decide(state, command, &HearingCtx { now: now.at, decision: &facts.decision })
    }
}
