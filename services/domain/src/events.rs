//! Domain events: the public, versioned contract of Canyu.
//!
//! Every variant has a fixed stored name with a version (`decision.draft_published.v1`),
//! set explicitly with `#[serde(rename)]` and never derived from a Rust path. Fields are
//! primitives (strings, integers, booleans, RFC 3339 timestamps) so that old events always
//! decode. Personal data only ever appears inside a [`Sealed`] value (ciphertext).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values::{ActivityKind, AdoptionOutcome, Channel, Disclosure, MeetingKind, Role, SelectionMethod, SignupStatus};

/// Personal data encrypted with the data subject's own key (crypto-shredding).
///
/// The domain never sees the plaintext: the application seals it before the command reaches
/// `decide`, and only the organiser roster opens it again. Deleting the subject's key erases it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sealed {
    /// The data subject (account id) whose key encrypts this value.
    pub subject: String,
    /// Base64 nonce.
    pub nonce: String,
    /// Base64 ciphertext (AEAD, with the subject and purpose as associated data).
    pub ciphertext: String,
}

/// One clause of a draft, with an id that stays the same while its text is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Clause {
    pub id: String,
    pub number: u32,
    pub text: String,
}

/// A stakeholder attending the decision meeting (列席).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Observer {
    pub name: String,
    pub affiliation: String,
    pub opinion: String,
    /// Records written before outcomes existed: how the opinion was adopted, as free text.
    /// Empty in new records.
    #[serde(default)]
    pub adoption: String,
    /// What became of their opinion (the seed's work points §14).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub outcome: Option<AdoptionOutcome>,
    /// Why it was not, or only partly, adopted.
    #[serde(default)]
    pub rationale: Option<String>,
}

/// A published hearing participant: display name and group only, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PublishedParticipant {
    pub signup_id: String,
    pub display_name: String,
    pub stakeholder_group: String,
}

macro_rules! events {
    ($( $(#[$doc:meta])* $name:literal => $variant:ident { $( $(#[$fdoc:meta])* $field:ident : $ty:ty ),* $(,)? } )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
            pub struct $variant { $( $(#[$fdoc])* pub $field: $ty ),* }
        )*

        /// Every domain event, tagged with its stored name.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", content = "data")]
        pub enum Event {
            $( #[serde(rename = $name)] $variant($variant), )*
        }

        impl Event {
            /// Every stored event name, in declaration order (for schema export).
            pub const TYPES: &'static [&'static str] = &[$($name),*];

            /// The fixed stored name of this event, with its version.
            pub fn event_type(&self) -> &'static str {
                match self { $( Event::$variant(_) => $name, )* }
            }

            /// Decodes a stored event from its stored name and JSON payload.
            pub fn decode(event_type: &str, data: &str) -> Result<Event, serde_json::Error> {
                match event_type {
                    $( $name => serde_json::from_str::<$variant>(data).map(Event::$variant), )*
                    other => Err(serde::de::Error::custom(format!("unknown event type {other:?}"))),
                }
            }
        }

        /// The JSON Schema of every event payload, keyed by stored name.
        pub fn json_schemas() -> Vec<(&'static str, serde_json::Value)> {
            vec![$(
                ($name, {
                    let mut v = serde_json::to_value(schemars::schema_for!($variant)).expect("schemas serialise");
                    v["title"] = serde_json::Value::String($name.to_string());
                    v
                }),
            )*]
        }

        $(
            impl From<$variant> for Event {
                fn from(e: $variant) -> Self { Event::$variant(e) }
            }
        )*
    };
}

events! {
    /// An undertaking unit (承办单位) was registered by the openness office.
    "unit.registered.v1" => UnitRegistered { unit_id: String, name: String }

    /// Somebody registered an account. Username and password hash are sealed personal data.
    "account.registered.v1" => AccountRegistered {
        account_id: String,
        display_name: String,
        /// Sealed JSON `{"username":..,"password_hash":..}`.
        credential: Sealed,
        /// Role given at registration: RESIDENT, or ADMIN when created by an operator.
        #[schemars(with = "String")]
        role: Role,
    }
    /// An admin granted a role (UNIT_STAFF bound to `unit_id`, ADMIN, or RESIDENT).
    "account.role_granted.v1" => RoleGranted {
        account_id: String,
        #[schemars(with = "String")]
        role: Role,
        unit_id: Option<String>,
    }
    /// The person's personal-data key was deleted (crypto-shredding, PIPL Art. 47): every value
    /// sealed for them is unreadable from now on, and read models show them as an erased resident.
    /// Carries no personal data itself.
    "account.erased.v1" => AccountErased { account_id: String, erased_at: DateTime<Utc> }

    /// The annual catalogue of major decisions was published.
    "catalogue.published.v1" => CataloguePublished { year: i32, published_at: DateTime<Utc> }

    /// A major decision was listed in the year's catalogue.
    "decision.registered.v1" => DecisionRegistered {
        decision_id: String,
        year: i32,
        title: String,
        summary: String,
        unit_id: String,
        /// PUBLIC, ON_REQUEST or CONFIDENTIAL.
        #[schemars(with = "String")]
        disclosure: Disclosure,
        confidentiality_basis: Option<String>,
        /// Required when the catalogue was already published.
        late_addition_reason: Option<String>,
    }
    /// The drafting background (起草背景) was published.
    "decision.background_published.v1" => BackgroundPublished { decision_id: String, text: String }
    /// A numbered draft version was published.
    "decision.draft_published.v1" => DraftPublished {
        decision_id: String,
        version: u32,
        text: String,
        clauses: Vec<Clause>,
        explanation: String,
        change_note: String,
        published_at: DateTime<Utc>,
    }
    /// A consultation on the current draft was opened (or announced).
    "decision.consultation_opened.v1" => ConsultationOpened {
        decision_id: String,
        consultation_id: String,
        /// ONLINE, WRITTEN, SYMPOSIUM, FIELD_VISIT, QUESTIONNAIRE or OPINION_POLL.
        #[schemars(with = "String")]
        channel: Channel,
        draft_version: u32,
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        how_to_submit: String,
        shortened_reason: Option<String>,
    }
    /// A consultation was closed; `early` when before its announced end (needs a reason).
    "decision.consultation_closed.v1" => ConsultationClosed {
        decision_id: String,
        consultation_id: String,
        closed_at: DateTime<Utc>,
        early: bool,
        reason: Option<String>,
    }
    /// The unit decides without public participation, on the stated legal basis (Decree 713
    /// Art. 14: participation is required unless a law says otherwise).
    "decision.participation_exempted.v1" => ParticipationExempted { decision_id: String, legal_basis: String }
    /// An offline participation activity was recorded.
    "decision.participation_activity_recorded.v1" => ParticipationActivityRecorded {
        decision_id: String,
        activity_id: String,
        /// SYMPOSIUM, WRITTEN, FIELD_VISIT, QUESTIONNAIRE or OPINION_POLL.
        #[schemars(with = "String")]
        kind: ActivityKind,
        held_at: DateTime<Utc>,
        summary: String,
        participant_count: u32,
    }
    /// Comments and offline input were grouped into one opinion.
    "decision.opinion_consolidated.v1" => OpinionConsolidated {
        decision_id: String,
        opinion_id: String,
        summary: String,
        comment_ids: Vec<String>,
        concentrated: bool,
        /// The consultations its comments came from: its adoption waits until they closed.
        /// Absent in events written before this field (those opinions wait for none).
        #[serde(default)]
        consultation_ids: Vec<String>,
    }
    /// The adoption decision on one opinion.
    "decision.adoption_decided.v1" => AdoptionDecided {
        decision_id: String,
        opinion_id: String,
        /// ADOPTED, PARTIALLY_ADOPTED or NOT_ADOPTED.
        #[schemars(with = "String")]
        outcome: AdoptionOutcome,
        rationale: Option<String>,
    }
    /// The feedback report (意见采纳情况) was published.
    "decision.feedback_report_published.v1" => FeedbackReportPublished {
        decision_id: String,
        summary: String,
        published_at: DateTime<Utc>,
    }
    /// The decision meeting was held.
    "decision.deliberation_recorded.v1" => DeliberationRecorded {
        decision_id: String,
        /// EXECUTIVE_MEETING or PLENARY.
        #[schemars(with = "String")]
        meeting_kind: MeetingKind,
        held_at: DateTime<Utc>,
        summary: String,
        dissent: String,
        observers: Vec<Observer>,
    }
    /// The decision result was published with its interpretation (政策解读).
    "decision.result_published.v1" => ResultPublished {
        decision_id: String,
        text: String,
        document_number: String,
        effective_at: DateTime<Utc>,
        interpretation: String,
        published_at: DateTime<Utc>,
    }
    /// The decision was withdrawn before a result.
    "decision.withdrawn.v1" => DecisionWithdrawn { decision_id: String, reason: String }

    /// A resident commented on an open online consultation.
    "comment.submitted.v1" => CommentSubmitted {
        comment_id: String,
        decision_id: String,
        consultation_id: String,
        account_id: String,
        clause_id: Option<String>,
        /// The draft version the comment was written on (its clause is that version's).
        /// Absent in events written before it existed: the consultation's version.
        #[serde(default)]
        draft_version: Option<u32>,
        body: String,
        submitted_at: DateTime<Utc>,
    }
    /// Unit staff or an admin hid a comment; its body is never shown again.
    "comment.hidden.v1" => CommentHidden { comment_id: String, decision_id: String, reason: String }

    /// A hearing (听证会) was scheduled, with its selection rules public from now on.
    "hearing.scheduled.v1" => HearingScheduled {
        hearing_id: String,
        decision_id: String,
        starts_at: DateTime<Utc>,
        venue: String,
        capacity: u32,
        signup_closes_at: DateTime<Utc>,
        /// FIRST_COME or LOTTERY.
        #[schemars(with = "String")]
        selection_method: SelectionMethod,
        selection_rules: String,
        stakeholder_groups: Vec<String>,
    }
    /// Somebody signed up; real name and phone are sealed.
    "hearing.signup_submitted.v1" => HearingSignupSubmitted {
        hearing_id: String,
        decision_id: String,
        signup_id: String,
        account_id: String,
        display_name: String,
        stakeholder_group: String,
        statement: String,
        /// Sealed JSON `{"full_name":..,"phone":..}`.
        personal: Sealed,
        /// ACCEPTED, WAITLISTED or PENDING_DRAW.
        #[schemars(with = "String")]
        status: SignupStatus,
    }
    /// A sign-up was withdrawn by its owner.
    "hearing.signup_withdrawn.v1" => HearingSignupWithdrawn { hearing_id: String, decision_id: String, signup_id: String }
    /// The first waitlisted sign-up took a freed seat.
    "hearing.signup_promoted.v1" => HearingSignupPromoted { hearing_id: String, decision_id: String, signup_id: String }
    /// The lottery draw: deterministic from `seed`; anyone can recompute `selected`.
    "hearing.participants_drawn.v1" => HearingParticipantsDrawn {
        hearing_id: String,
        decision_id: String,
        seed: String,
        selected: Vec<String>,
        not_selected: Vec<String>,
    }
    /// The participant list was published before the hearing.
    "hearing.participants_published.v1" => HearingParticipantsPublished {
        hearing_id: String,
        decision_id: String,
        participants: Vec<PublishedParticipant>,
    }
    /// The hearing was held; summary of its record.
    "hearing.held.v1" => HearingHeld { hearing_id: String, decision_id: String, record_summary: String }
    /// The materials were delivered to the participants (Decree 713 Art. 17: at least 7 days
    /// before the hearing). May be recorded more than once (supplements).
    "hearing.materials_delivered.v1" => HearingMaterialsDelivered {
        hearing_id: String,
        decision_id: String,
        materials: String,
        delivered_at: DateTime<Utc>,
    }
    /// The hearing record (笔录) was published after the hearing, for participants to confirm.
    "hearing.record_published.v1" => HearingRecordPublished { hearing_id: String, decision_id: String, text: String }
    /// A participant confirmed the published record.
    "hearing.record_confirmed.v1" => HearingRecordConfirmed { hearing_id: String, decision_id: String, signup_id: String }
    /// A participant objected to the published record, with a note.
    "hearing.record_objected.v1" => HearingRecordObjected { hearing_id: String, decision_id: String, signup_id: String, note: String }
}

impl Event {
    /// The decision this event belongs to, when it belongs to one.
    pub fn decision_id(&self) -> Option<&str> {
        use Event::*;
        Some(match self {
            DecisionRegistered(e) => &e.decision_id,
            BackgroundPublished(e) => &e.decision_id,
            DraftPublished(e) => &e.decision_id,
            ConsultationOpened(e) => &e.decision_id,
            ConsultationClosed(e) => &e.decision_id,
            ParticipationActivityRecorded(e) => &e.decision_id,
            ParticipationExempted(e) => &e.decision_id,
            OpinionConsolidated(e) => &e.decision_id,
            AdoptionDecided(e) => &e.decision_id,
            FeedbackReportPublished(e) => &e.decision_id,
            DeliberationRecorded(e) => &e.decision_id,
            ResultPublished(e) => &e.decision_id,
            DecisionWithdrawn(e) => &e.decision_id,
            CommentSubmitted(e) => &e.decision_id,
            CommentHidden(e) => &e.decision_id,
            HearingScheduled(e) => &e.decision_id,
            HearingSignupSubmitted(e) => &e.decision_id,
            HearingSignupWithdrawn(e) => &e.decision_id,
            HearingSignupPromoted(e) => &e.decision_id,
            HearingParticipantsDrawn(e) => &e.decision_id,
            HearingParticipantsPublished(e) => &e.decision_id,
            HearingHeld(e) => &e.decision_id,
            HearingMaterialsDelivered(e) => &e.decision_id,
            HearingRecordPublished(e) => &e.decision_id,
            HearingRecordConfirmed(e) => &e.decision_id,
            HearingRecordObjected(e) => &e.decision_id,
            UnitRegistered(_) | AccountRegistered(_) | RoleGranted(_) | AccountErased(_) | CataloguePublished(_) => {
                return None;
            }
        })
    }

    /// Serialises the payload (without the type tag) as JSON text.
    pub fn to_data(&self) -> String {
        let tagged = serde_json::to_value(self).expect("events serialise");
        serde_json::to_string(&tagged["data"]).expect("json value serialises")
    }

    /// The stored name without its version, e.g. `decision.draft_published`.
    pub fn kind(&self) -> &'static str {
        let t = self.event_type();
        t.rsplit_once('.').map_or(t, |(k, _)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_are_versioned_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in Event::TYPES {
            assert!(t.ends_with(".v1"), "{t} lacks a version");
            assert!(seen.insert(*t), "{t} is declared twice");
        }
    }

    #[test]
    fn an_event_round_trips_through_its_stored_form() {
        let e = Event::from(DecisionWithdrawn { decision_id: "d1".into(), reason: "上位法调整".into() });
        assert_eq!(e.event_type(), "decision.withdrawn.v1");
        let data = e.to_data();
        assert_eq!(data, r#"{"decision_id":"d1","reason":"上位法调整"}"#);
        assert_eq!(Event::decode(e.event_type(), &data).unwrap(), e);
    }

    #[test]
    fn an_unknown_stored_name_does_not_decode() {
        assert!(Event::decode("decision.withdrawn.v9", r#"{"decision_id":"d","reason":"r"}"#).is_err());
    }
}
