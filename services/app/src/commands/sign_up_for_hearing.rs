//! `signUpForHearing`: a signed-in person signs up for a hearing with their real name and
//! phone, which are sealed with their own key (personal data, shown only on the organisers'
//! roster).

use async_trait::async_trait;
use canyu_domain::events::Sealed;
use canyu_domain::hearing::{Hearing, HearingCommand, HearingCtx, HearingState};
use canyu_domain::values::{self, DisplayName, StakeholderGroup, Statement, TextValue};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use super::{OnHearing, caller};
use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppError, AppResult, Principal, SignupPersonal, purpose};

/// Signs the caller up. The name and phone stay out of the stored fingerprint except keyed with
/// the person's own key ([`Command::personal`]).
#[derive(Debug, Clone, Serialize)]
pub struct SignUpForHearing {
    /// Chosen by the application (not part of the input).
    #[serde(skip)]
    pub signup_id: String,
    pub hearing_id: String,
    #[serde(skip)]
    pub full_name: String,
    #[serde(skip)]
    pub phone: String,
    pub stakeholder_group: StakeholderGroup,
    pub statement: Statement,
}

/// The hearing's decision, the caller's sealed personal data and display name.
#[derive(Debug)]
pub struct SignupFacts {
    hearing: OnHearing,
    personal: Sealed,
    display_name: DisplayName,
}

#[async_trait]
impl Command for SignUpForHearing {
    type Aggregate = Hearing;
    type Facts = SignupFacts;
    const NAME: &'static str = "signUpForHearing";
    const ACCESS: Access = Access::SignedIn;

    async fn prepare(&self, app: &App, caller: Option<&Principal>) -> AppResult<Prepared<SignupFacts>> {
        let p = caller.ok_or_else(|| AppError::Unauthenticated("sign in first".into()))?;
        let full_name = values::text("fullName", &self.full_name, 1, 50, false)?;
        let phone = values::phone(&self.phone)?;
        let Prepared { stream, facts: hearing } = OnHearing::load(app, &self.hearing_id).await?;
        let personal = app.vault.seal(&p.account_id, purpose::HEARING_SIGNUP, &SignupPersonal { full_name, phone }).await?;
        Ok(Prepared { stream, facts: SignupFacts { hearing, personal, display_name: DisplayName::parse(&p.display_name)? } })
    }

    fn personal(&self) -> Option<String> {
        Some(format!("{}\0{}", self.full_name, self.phone))
    }

    fn decide(&self, state: &HearingState, facts: &SignupFacts, now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        let command = HearingCommand::SignUp {
            signup_id: self.signup_id.clone(),
            account_id: caller(&now)?,
            display_name: facts.display_name.clone(),
            stakeholder_group: self.stakeholder_group.clone(),
            statement: self.statement.clone(),
            personal: facts.personal.clone(),
        };
        Hearing::decide(state, command, &HearingCtx { now: now.at, decision: &facts.hearing.decision })
    }
}
