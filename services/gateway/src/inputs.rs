//! GraphQL input types. Text limits are checked in the domain (characters, not bytes), so
//! every field error carries the field's name and nothing is written.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};

use crate::types::{ActivityKind, AdoptionOutcome, Channel, Disclosure, MeetingKind, Role, SelectionMethod, Stage};

#[derive(InputObject, Debug)]
pub struct DecisionFilter {
    pub year: Option<i32>,
    pub unit_id: Option<ID>,
    pub stage: Option<Stage>,
    /// Substring of the title or summary.
    pub text: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct RegisterAccountInput {
    pub username: String,
    pub password: String,
    pub display_name: String,
}

#[derive(InputObject, Debug)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[derive(InputObject, Debug)]
pub struct RegisterUnitInput {
    pub name: String,
}

#[derive(InputObject, Debug)]
pub struct GrantRoleInput {
    pub account_id: ID,
    pub role: Role,
    pub unit_id: Option<ID>,
}

#[derive(InputObject, Debug)]
pub struct ErasePersonInput {
    pub account_id: ID,
}

#[derive(InputObject, Debug)]
pub struct RegisterDecisionInput {
    pub year: i32,
    pub title: String,
    #[graphql(default)]
    pub summary: String,
    pub undertaking_unit_id: ID,
    pub disclosure: Disclosure,
    pub confidentiality_basis: Option<String>,
    /// Required when the year's catalogue is already published.
    pub addition_reason: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct PublishCatalogueInput {
    pub year: i32,
}

#[derive(InputObject, Debug)]
pub struct PublishBackgroundInput {
    pub decision_id: ID,
    pub text: String,
}

#[derive(InputObject, Debug)]
pub struct PublishDraftInput {
    pub decision_id: ID,
    /// The draft text; each non-blank line is one clause.
    pub text: String,
    #[graphql(default)]
    pub explanation: String,
    #[graphql(default)]
    pub change_note: String,
}

#[derive(InputObject, Debug)]
pub struct OpenConsultationInput {
    pub decision_id: ID,
    pub channel: Channel,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    #[graphql(default)]
    pub how_to_submit: String,
    /// Required for an ONLINE consultation shorter than 30 days.
    pub shortened_reason: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct CloseConsultationInput {
    pub consultation_id: ID,
    /// Required when closing before the announced end.
    pub reason: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct RecordParticipationActivityInput {
    pub decision_id: ID,
    pub kind: ActivityKind,
    pub held_at: DateTime<Utc>,
    pub summary: String,
    pub participant_count: i32,
}

/// The legal basis for deciding without public participation (Decree 713 Art. 14).
#[derive(InputObject, Debug)]
pub struct RecordParticipationExemptionInput {
    pub decision_id: ID,
    pub legal_basis: String,
}

#[derive(InputObject, Debug)]
pub struct SubmitCommentInput {
    pub consultation_id: ID,
    pub body: String,
    pub clause_id: Option<ID>,
    /// A retry with the same key and input returns the first result.
    pub idempotency_key: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct HideCommentInput {
    pub comment_id: ID,
    pub reason: String,
}

#[derive(InputObject, Debug)]
pub struct ScheduleHearingInput {
    pub decision_id: ID,
    pub starts_at: DateTime<Utc>,
    pub venue: String,
    pub capacity: i32,
    pub signup_closes_at: DateTime<Utc>,
    pub selection_method: SelectionMethod,
    pub selection_rules: String,
    pub stakeholder_groups: Vec<String>,
}

#[derive(InputObject, Debug)]
pub struct SignUpForHearingInput {
    pub hearing_id: ID,
    /// Real name: personal data, encrypted, shown only on the organisers' roster.
    pub full_name: String,
    /// Phone: personal data, encrypted, shown only on the organisers' roster.
    pub phone: String,
    pub stakeholder_group: String,
    #[graphql(default)]
    pub statement: String,
}

#[derive(InputObject, Debug)]
pub struct WithdrawHearingSignupInput {
    pub signup_id: ID,
}

#[derive(InputObject, Debug)]
pub struct DrawHearingParticipantsInput {
    pub hearing_id: ID,
    /// Published seed; anyone can recompute the draw from it.
    pub seed: String,
}

#[derive(InputObject, Debug)]
pub struct PublishHearingParticipantsInput {
    pub hearing_id: ID,
}

#[derive(InputObject, Debug)]
pub struct RecordHearingHeldInput {
    pub hearing_id: ID,
    pub record_summary: String,
}

/// The materials delivered to a hearing's participants, and when (Decree 713 Art. 17).
#[derive(InputObject, Debug)]
pub struct DeliverHearingMaterialsInput {
    pub hearing_id: ID,
    /// What was delivered (documents, in a line or a list).
    pub materials: String,
    pub delivered_at: DateTime<Utc>,
}

/// The hearing record (笔录), published after the hearing.
#[derive(InputObject, Debug)]
pub struct PublishHearingRecordInput {
    pub hearing_id: ID,
    pub text: String,
}

/// A participant's answer to the hearing record: a confirmation, or an objection with a note.
#[derive(InputObject, Debug)]
pub struct AnswerHearingRecordInput {
    pub hearing_id: ID,
    /// Absent or null: the participant confirms the record. Otherwise what they object to.
    pub objection: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct ConsolidateOpinionInput {
    pub decision_id: ID,
    pub summary: String,
    #[graphql(default)]
    pub comment_ids: Vec<ID>,
    #[graphql(default)]
    pub concentrated: bool,
}

#[derive(InputObject, Debug)]
pub struct DecideAdoptionInput {
    pub opinion_id: ID,
    pub outcome: AdoptionOutcome,
    /// Required unless ADOPTED.
    pub rationale: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct PublishFeedbackReportInput {
    pub decision_id: ID,
    pub summary: String,
}

#[derive(InputObject, Debug)]
pub struct ObserverInput {
    pub name: String,
    #[graphql(default)]
    pub affiliation: String,
    #[graphql(default)]
    pub opinion: String,
    /// What became of their opinion.
    pub outcome: AdoptionOutcome,
    /// Required unless ADOPTED.
    pub rationale: Option<String>,
}

#[derive(InputObject, Debug)]
pub struct RecordDeliberationInput {
    pub decision_id: ID,
    pub meeting_kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub summary: String,
    #[graphql(default)]
    pub dissent: String,
    #[graphql(default)]
    pub observers: Vec<ObserverInput>,
}

#[derive(InputObject, Debug)]
pub struct PublishDecisionResultInput {
    pub decision_id: ID,
    pub text: String,
    pub document_number: String,
    pub effective_at: DateTime<Utc>,
    pub interpretation: String,
}

#[derive(InputObject, Debug)]
pub struct WithdrawDecisionInput {
    pub decision_id: ID,
    pub reason: String,
}
