//! The closed set of rule violations the domain can report.

use thiserror::Error;

/// A command broke a rule. Every variant names the reason; callers map it to `REJECTED`
/// (rule violations), `NOT_FOUND`, `CONFLICT` (already exists) or `VALIDATION` (`Invalid`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A field failed to parse. `field` is the input field's GraphQL name. Caller: fix the input.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },

    // --- existence (NOT_FOUND / CONFLICT) ---
    #[error("decision not found")]
    DecisionNotFound,
    #[error("a decision with this id already exists")]
    DecisionAlreadyExists,
    #[error("consultation not found")]
    ConsultationNotFound,
    #[error("opinion not found")]
    OpinionNotFound,
    #[error("an opinion with this id already exists")]
    OpinionAlreadyExists,
    #[error("a consultation with this id already exists")]
    ConsultationAlreadyExists,
    #[error("hearing not found")]
    HearingNotFound,
    #[error("hearing already exists")]
    HearingAlreadyExists,
    #[error("sign-up not found")]
    SignupNotFound,
    #[error("comment not found")]
    CommentNotFound,
    #[error("comment already exists")]
    CommentAlreadyExists,
    #[error("unit not found")]
    UnitNotFound,
    #[error("unit already exists")]
    UnitAlreadyExists,
    #[error("a unit with this name is already registered")]
    UnitNameTaken,
    #[error("account not found")]
    AccountNotFound,
    #[error("username is taken")]
    UsernameTaken,

    // --- lifecycle rules (REJECTED) ---
    #[error("the decision was withdrawn")]
    DecisionWithdrawn,
    #[error("the decision result is already published")]
    DecisionAlreadyDecided,
    #[error("the catalogue is published: adding an item needs a reason")]
    LateAdditionNeedsReason,
    #[error("a confidential item needs its legal basis")]
    ConfidentialityBasisRequired,
    #[error("the catalogue for this year is already published")]
    CatalogueAlreadyPublished,
    #[error("no draft has been published yet")]
    NoDraftPublished,
    #[error("an online consultation shorter than 30 days needs a stated reason when it is opened")]
    PeriodTooShortWithoutReason,
    #[error("closing a consultation before its announced end needs a reason")]
    EarlyCloseNeedsReason,
    /// Closing early shortens the period: an online consultation opened without a reason for a
    /// shorter period (Decree 713 Art. 15) may close only once it has run 30 days.
    #[error(
        "an online consultation opened without a reason for a shorter period runs at least 30 days: it may close from {earliest} (Decree 713 Art. 15)"
    )]
    EarlyCloseBeforeMinimumPeriod { earliest: chrono::DateTime<chrono::Utc> },
    #[error("the consultation is already closed")]
    ConsultationAlreadyClosed,
    /// One online consultation at a time per decision.
    #[error("another online consultation of this decision runs in that period (until {until})")]
    ConsultationOverlaps { until: chrono::DateTime<chrono::Utc> },
    #[error("the consultation has not opened yet")]
    ConsultationNotYetOpen,
    #[error("the consultation is closed")]
    ConsultationClosed,
    #[error("comments are taken only on online consultations")]
    NotAnOnlineConsultation,
    #[error("the clause does not exist in the consulted draft")]
    UnknownClause,
    #[error("the comment is already hidden")]
    CommentAlreadyHidden,
    #[error("comment {0} does not belong to this decision")]
    UnknownComment(String),
    #[error("comment {0} is already grouped into an opinion")]
    CommentAlreadyGrouped(String),
    #[error("the opinion already has an adoption decision")]
    AdoptionAlreadyDecided,
    #[error("a rationale is required unless the opinion is adopted")]
    RationaleRequired,
    #[error("a consultation is still open")]
    ConsultationStillOpen,
    #[error("an opinion has no adoption decision yet")]
    OpinionWithoutDecision,
    #[error("the feedback report is already published")]
    FeedbackReportAlreadyPublished,
    #[error("the feedback report must be published first")]
    FeedbackReportRequired,
    #[error("the deliberation is already recorded")]
    DeliberationAlreadyRecorded,
    #[error("the deliberation must be recorded first")]
    DeliberationRequired,
    /// Decree 713 Art. 14: a public decision is deliberated only after public participation.
    #[error(
        "a public decision needs a participation activity (a consultation or a recorded offline activity) or a recorded exemption with its legal basis before it is deliberated"
    )]
    ParticipationRequired,
    #[error("an exemption from public participation is already recorded")]
    ExemptionAlreadyRecorded,

    // --- hearings (REJECTED) ---
    #[error("the sign-up deadline has passed")]
    SignupClosed,
    #[error("the sign-up period is still open")]
    SignupStillOpen,
    #[error("unknown stakeholder group")]
    UnknownStakeholderGroup,
    #[error("this account already signed up")]
    AlreadySignedUp,
    #[error("the sign-up is already withdrawn")]
    SignupAlreadyWithdrawn,
    #[error("only the person who signed up can withdraw")]
    NotYourSignup,
    #[error("the draw applies only to lottery hearings")]
    NotALottery,
    #[error("the participants were already drawn")]
    AlreadyDrawn,
    #[error("the lottery must be drawn first")]
    DrawRequired,
    #[error("the participant list is already published")]
    ParticipantsAlreadyPublished,
    #[error("the participant list must be published first")]
    ParticipantsNotPublished,
    #[error("the hearing has already started")]
    HearingAlreadyStarted,
    #[error("the hearing has not started yet")]
    HearingNotYetStarted,
    #[error("the hearing is already recorded as held")]
    HearingAlreadyHeld,
    /// Decree 713 Art. 17: the materials reach participants at least 7 days before the hearing.
    #[error("the hearing materials were not recorded as delivered by {by}, 7 days before the hearing")]
    MaterialsNotDeliveredInTime { by: chrono::DateTime<chrono::Utc> },
    #[error("the hearing has not been recorded as held yet")]
    HearingNotYetHeld,
    #[error("the hearing record is already published")]
    HearingRecordAlreadyPublished,
    #[error("the hearing record has not been published yet")]
    HearingRecordNotPublished,
    #[error("only the hearing's published participants answer its record")]
    NotAParticipant,
    #[error("you have already confirmed or objected to the hearing record")]
    HearingRecordAlreadyAnswered,
    /// Decree 713 Art. 16: every declared stakeholder group must be able to hold a seat.
    #[error("the capacity is smaller than the {groups} declared stakeholder groups")]
    CapacityBelowGroups { groups: u32 },
    /// A group that signed up holds no seat in the list to be published.
    #[error("stakeholder group {0} signed up but holds no seat")]
    GroupWithoutSeat(String),

    // --- accounts (REJECTED) ---
    #[error("this person's personal data was already erased")]
    AccountAlreadyErased,
    /// An admin erasing their own account could leave the platform with no admin; another
    /// admin, or the operator's `canyu admin erase-person`, does it.
    #[error("an admin's own account is erased by another admin or the operator")]
    OwnAccountErasure,
}

impl DomainError {
    /// Shorthand for a field error.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid { field, message: message.into() }
    }

    /// True for "does not exist" errors.
    pub fn is_not_found(&self) -> bool {
        use DomainError::*;
        matches!(
            self,
            DecisionNotFound
                | ConsultationNotFound
                | OpinionNotFound
                | HearingNotFound
                | SignupNotFound
                | CommentNotFound
                | UnitNotFound
                | AccountNotFound
        )
    }

    /// True for "already exists" errors (a concurrent or repeated create).
    pub fn is_already_exists(&self) -> bool {
        use DomainError::*;
        matches!(
            self,
            DecisionAlreadyExists
                | OpinionAlreadyExists
                | ConsultationAlreadyExists
                | HearingAlreadyExists
                | CommentAlreadyExists
                | UnitAlreadyExists
                | UsernameTaken
        )
    }

    /// A stable upper-snake name for the reason, shown to clients as `extensions.reason`.
    pub fn reason(&self) -> String {
        let dbg = format!("{self:?}");
        let name = dbg.split(['(', ' ', '{']).next().unwrap_or("");
        let mut out = String::with_capacity(name.len() + 8);
        for (i, ch) in name.chars().enumerate() {
            if ch.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_uppercase());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_is_upper_snake_of_the_variant() {
        assert_eq!(DomainError::PeriodTooShortWithoutReason.reason(), "PERIOD_TOO_SHORT_WITHOUT_REASON");
        assert_eq!(DomainError::UnknownComment("x".into()).reason(), "UNKNOWN_COMMENT");
        assert_eq!(DomainError::invalid("body", "empty").reason(), "INVALID");
    }
}
