//! What a history entry says, as data: the kind of step and the facts a reader needs. The text
//! a person reads is rendered from it at the edge (the gateway, exports), in the reader's
//! language; read models never store prose.

use canyu_domain::values::{ActivityKind, AdoptionOutcome, Channel, MeetingKind, SelectionMethod, SignupStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The facts of one history entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Summary {
    /// Listed in the year's catalogue.
    Listed {
        year: i32,
        title: String,
    },
    /// Added after the catalogue was published, with the reason.
    AddedLate {
        title: String,
        reason: String,
    },
    BackgroundPublished,
    DraftPublished {
        version: u32,
        clauses: u32,
        change_note: String,
    },
    ConsultationOpened {
        channel: Channel,
        draft_version: u32,
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        shortened_reason: Option<String>,
    },
    /// Closed: at its end (`early_reason` none) or early with a reason.
    ConsultationClosed {
        channel: Channel,
        early_reason: Option<String>,
    },
    /// Goes ahead without public participation, on a legal basis.
    ParticipationExempted {
        legal_basis: String,
    },
    ActivityRecorded {
        kind: ActivityKind,
        participants: u32,
        summary: String,
    },
    OpinionConsolidated {
        concentrated: bool,
        comments: u32,
        summary: String,
    },
    AdoptionDecided {
        opinion: String,
        outcome: AdoptionOutcome,
        rationale: Option<String>,
    },
    FeedbackReportPublished,
    DeliberationRecorded {
        meeting_kind: MeetingKind,
        held_at: DateTime<Utc>,
        observers: u32,
    },
    ResultPublished {
        document_number: String,
        effective_at: DateTime<Utc>,
    },
    Withdrawn {
        reason: String,
    },
    /// A comment, on the whole draft or on one clause: `clause_number` is the clause's number
    /// in the consulted draft version (the id is internal and never shown).
    CommentSubmitted {
        clause_id: Option<String>,
        #[serde(default)]
        clause_number: Option<u32>,
    },
    CommentHidden {
        reason: String,
    },
    HearingScheduled {
        starts_at: DateTime<Utc>,
        venue: String,
        capacity: u32,
        method: SelectionMethod,
        signup_closes_at: DateTime<Utc>,
    },
    SignupSubmitted {
        group: String,
        status: SignupStatus,
    },
    SignupWithdrawn {
        group: String,
    },
    SignupPromoted {
        group: String,
    },
    ParticipantsDrawn {
        seed: String,
        selected: u32,
        not_selected: u32,
    },
    ParticipantsPublished {
        participants: u32,
    },
    HearingHeld,
    /// The materials were delivered to the participants (Decree 713 Art. 17).
    MaterialsDelivered {
        delivered_at: DateTime<Utc>,
    },
    HearingRecordPublished,
    /// A participant of `group` confirmed the record.
    HearingRecordConfirmed {
        group: String,
    },
    /// A participant of `group` objected to the record (the note is on the hearing).
    HearingRecordObjected {
        group: String,
    },
}
