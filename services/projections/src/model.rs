//! Read-model documents. Everything here is public data except `SignupView::personal`, which
//! stays sealed (ciphertext) and is opened only for the organiser roster.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Maps keyed by ids we generated: foldhash is several times faster than SipHash here.
pub type HashMap<K, V> = foldhash::HashMap<K, V>;
pub type HashSet<K> = foldhash::HashSet<K>;
use std::sync::Arc;

use canyu_domain::decision::DecisionState;

pub use crate::summary::Summary;
pub use crate::tracked::{List, ListChanges, Lists, Table};
use canyu_domain::events::{Clause, Observer, PublishedParticipant, Sealed};
use canyu_domain::values::{
    ActivityKind, AdoptionOutcome, Channel, ConsultationStatus, Disclosure, HearingStatus, MeetingKind, Role, SelectionMethod,
    SignupStatus, Stage,
};
use chrono::{DateTime, Utc};

/// An undertaking unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitView {
    pub id: String,
    pub name: String,
}

/// An account's public face and role. No personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<String>,
    /// The person's personal data was erased; `display_name` is then the erased placeholder.
    pub erased: bool,
}

/// A year's catalogue publication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CatalogueView {
    pub year: i32,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackgroundView {
    pub text: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftView {
    pub version: u32,
    pub text: String,
    pub clauses: Vec<Clause>,
    pub explanation: String,
    pub change_note: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationView {
    pub id: String,
    pub decision_id: String,
    pub channel: Channel,
    pub draft_version: u32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub how_to_submit: String,
    pub shortened_reason: Option<String>,
    pub opened_recorded_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_early: bool,
    pub close_reason: Option<String>,
}

impl ConsultationView {
    /// The earliest moment it may be closed before its announced end, while that is
    /// restricted (see `ConsultationState::earliest_close`); `None` once closed.
    pub fn earliest_close_at(&self) -> Option<DateTime<Utc>> {
        if self.closed_at.is_some() {
            return None;
        }
        canyu_domain::decision::earliest_close(self.channel, self.shortened_reason.is_some(), self.opens_at)
    }

    /// SCHEDULED, OPEN or CLOSED at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> ConsultationStatus {
        if self.closed_at.is_some_and(|c| c <= now) || now >= self.closes_at {
            ConsultationStatus::Closed
        } else if now < self.opens_at {
            ConsultationStatus::Scheduled
        } else {
            ConsultationStatus::Open
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: String,
    pub kind: ActivityKind,
    pub held_at: DateTime<Utc>,
    pub summary: String,
    pub participant_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExemptionView {
    pub legal_basis: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdoptionView {
    pub outcome: AdoptionOutcome,
    pub rationale: Option<String>,
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpinionView {
    pub id: String,
    pub decision_id: String,
    pub summary: String,
    pub comment_ids: Vec<String>,
    pub concentrated: bool,
    pub consolidated_at: DateTime<Utc>,
    pub adoption: Option<AdoptionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackReportView {
    pub summary: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliberationView {
    pub meeting_kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub summary: String,
    pub dissent: String,
    pub observers: Vec<Observer>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub text: String,
    pub document_number: String,
    pub effective_at: DateTime<Utc>,
    pub interpretation: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithdrawalView {
    pub reason: String,
    pub withdrawn_at: DateTime<Utc>,
}

/// One major decision with everything published about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    pub id: String,
    pub year: i32,
    pub title: String,
    pub summary: String,
    pub unit_id: String,
    pub disclosure: Disclosure,
    pub confidentiality_basis: Option<String>,
    pub late_addition_reason: Option<String>,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub background: Option<BackgroundView>,
    pub drafts: Vec<DraftView>,
    pub consultations: Vec<ConsultationView>,
    pub activities: Vec<ActivityView>,
    /// Why it goes ahead without public participation (Decree 713 Art. 14), when recorded.
    #[serde(default)]
    pub participation_exemption: Option<ExemptionView>,
    pub hearing_ids: Vec<String>,
    pub opinions: Vec<OpinionView>,
    pub feedback_report: Option<FeedbackReportView>,
    pub deliberation: Option<DeliberationView>,
    pub result: Option<ResultView>,
    pub withdrawal: Option<WithdrawalView>,
    /// The domain's own fold, for the stage and rule-derived facts.
    pub state: DecisionState,
}

impl DecisionView {
    pub fn stage(&self, now: DateTime<Utc>) -> Stage {
        self.state.stage(now)
    }
    pub fn is_confidential(&self) -> bool {
        self.disclosure == Disclosure::Confidential
    }
}

/// A hearing sign-up. `personal` is sealed and never leaves the roster query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignupView {
    pub id: String,
    pub hearing_id: String,
    pub account_id: String,
    pub display_name: String,
    pub stakeholder_group: String,
    pub statement: String,
    pub status: SignupStatus,
    pub submitted_at: DateTime<Utc>,
    pub personal: Sealed,
}

/// A hearing (听证会).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HearingView {
    pub id: String,
    pub decision_id: String,
    pub starts_at: DateTime<Utc>,
    pub venue: String,
    pub capacity: u32,
    pub signup_closes_at: DateTime<Utc>,
    pub selection_method: SelectionMethod,
    pub selection_rules: String,
    pub stakeholder_groups: Vec<String>,
    pub scheduled_at: DateTime<Utc>,
    pub signups: Vec<SignupView>,
    pub draw_seed: Option<String>,
    pub participants: Option<Vec<PublishedParticipant>>,
    pub participants_published_at: Option<DateTime<Utc>>,
    pub record_summary: Option<String>,
    pub held_at: Option<DateTime<Utc>>,
    /// Deliveries of materials to the participants (Decree 713 Art. 17), in recorded order.
    #[serde(default)]
    pub materials: Vec<MaterialsDelivery>,
    /// The hearing record (笔录) and the participants' answers, once published.
    #[serde(default)]
    pub record: Option<HearingRecordView>,
}

/// One delivery of hearing materials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialsDelivery {
    pub materials: String,
    pub delivered_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

/// A published hearing record and what the participants answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HearingRecordView {
    pub text: String,
    pub published_at: DateTime<Utc>,
    pub answers: Vec<RecordAnswer>,
}

/// A participant's answer to the record: a confirmation, or an objection with its note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordAnswer {
    pub signup_id: String,
    pub objection: Option<String>,
    pub at: DateTime<Utc>,
}

impl HearingView {
    pub fn seats_taken(&self) -> u32 {
        self.signups.iter().filter(|s| s.status == SignupStatus::Accepted).count() as u32
    }

    /// SCHEDULED, SIGNUP_CLOSED, DRAWN, PARTICIPANTS_PUBLISHED or HELD at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> HearingStatus {
        if self.held_at.is_some() {
            HearingStatus::Held
        } else if self.participants.is_some() {
            HearingStatus::ParticipantsPublished
        } else if self.draw_seed.is_some() {
            HearingStatus::Drawn
        } else if now >= self.signup_closes_at {
            HearingStatus::SignupClosed
        } else {
            HearingStatus::OpenForSignup
        }
    }
}

/// A comment. The body of a hidden comment is dropped from the read model. Ids repeated
/// across many comments are interned (`Arc<str>`): a million comments must fit in memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: Arc<str>,
    pub decision_id: Arc<str>,
    pub consultation_id: Arc<str>,
    pub account_id: Arc<str>,
    pub clause_id: Option<Arc<str>>,
    /// The draft version the comment was written on (its clause is that version's).
    #[serde(default)]
    pub draft_version: u32,
    /// The clause's number in that version.
    #[serde(default)]
    pub clause_number: Option<u32>,
    pub body: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub hidden_reason: Option<String>,
    pub hidden_at: Option<DateTime<Utc>>,
    pub opinion_id: Option<Arc<str>>,
}

/// One entry of a decision's public history: what happened, as data ([`Summary`]); the text is
/// rendered at the edge in the reader's language.
/// Serialize only: `kind` is a `&'static str` (a known event name); the reader maps it back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub position: u64,
    pub at: DateTime<Utc>,
    /// The stored event name without its version, e.g. `decision.draft_published`.
    pub kind: &'static str,
    /// Interned: most entries (comments, sign-ups) share a handful of summaries.
    pub summary: Arc<Summary>,
    /// The acting unit's name, or the role (`admin`, `resident`, `system`).
    pub actor: Arc<str>,
    /// The entity the entry is about (comment, hearing, opinion, consultation), if any.
    pub subject_id: Option<Arc<str>>,
}

/// All read models of one process, with the checkpoint they reflect. Each table belongs to
/// one projector (`projectors/`) and records what it changed while tracking is on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadModel {
    /// Global position of the last event applied.
    pub position: u64,
    // --- catalogue (projectors/catalogue.rs) ---
    pub units: Table<String, UnitView>,
    pub accounts: Table<String, AccountView>,
    pub catalogues: Table<i32, CatalogueView>,
    /// Accounts whose personal data was erased (`account.erased.v1`).
    pub erased_accounts: Table<String, ()>,
    // --- decisions (projectors/decisions.rs; opinions.rs adds the opinions) ---
    pub decisions: Table<String, Arc<DecisionView>>,
    /// Decision ids in registration order.
    pub decision_order: List<String>,
    pub consultation_decision: Table<String, String>,
    pub opinion_decision: Table<String, String>,
    // --- hearings (projectors/hearings.rs) ---
    pub hearings: Table<String, Arc<HearingView>>,
    pub signup_hearing: Table<String, String>,
    /// Per account: sign-up ids, in order ("my participation").
    pub account_signups: Table<String, Vec<String>>,
    // --- comments (projectors/comments.rs) ---
    /// Comments in submission order; `comment_index` finds one by id.
    pub comments: List<CommentView>,
    pub comment_index: HashMap<Arc<str>, u32>,
    /// Comments (indexes into `comments`) per consultation, in submission order.
    pub consultation_comments: HashMap<Arc<str>, Vec<u32>>,
    /// Per account: comments (indexes), in order ("my participation").
    pub account_comments: HashMap<Arc<str>, Vec<u32>>,
    // --- history (projectors/history.rs) ---
    pub histories: Lists<Arc<str>, HistoryEntry>,
    // --- dashboard (projectors/dashboard.rs) ---
    /// Per decision: its comments neither grouped into an opinion nor hidden.
    pub ungrouped: Table<String, u32>,
    /// Shared copies of repeated strings (ids, actors) and summaries.
    pub interned: HashSet<Arc<str>>,
    pub interned_summaries: HashSet<Arc<Summary>>,
    /// The first stored event that did not decode (position, why), and how many did not: such
    /// events are left out of the read models, and `serve` refuses to start on them.
    pub undecodable: Option<(u64, String)>,
    pub undecodable_count: u64,
}

/// What the events applied since [`ReadModel::begin_tracking`] changed, table by table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    pub units: BTreeSet<String>,
    pub accounts: BTreeSet<String>,
    pub catalogues: BTreeSet<i32>,
    pub erased: BTreeSet<String>,
    pub decisions: BTreeSet<String>,
    pub decision_order: ListChanges,
    pub consultation_decision: BTreeSet<String>,
    pub opinion_decision: BTreeSet<String>,
    pub hearings: BTreeSet<String>,
    pub signup_hearing: BTreeSet<String>,
    pub account_signups: BTreeSet<String>,
    pub comments: ListChanges,
    /// Per decision, the first new history index.
    pub histories: BTreeMap<Arc<str>, usize>,
    pub ungrouped: BTreeSet<String>,
}

impl ReadModel {
    /// Makes room for about `events` more comments, so that a rebuild does not copy the
    /// comment table while it grows (untouched capacity costs no resident memory).
    pub fn reserve_for(&mut self, events: usize) {
        self.comments.reserve(events);
        self.comment_index.reserve(events);
    }

    /// The draft version a comment was written on: the one its event names, or, for comments
    /// recorded before events named one, its consultation's.
    pub fn comment_draft_version(&self, decision: &str, consultation: &str, named: Option<u32>) -> Option<u32> {
        match named {
            Some(v) => Some(v),
            None => Some(self.decisions.get(decision)?.consultations.iter().find(|c| c.id == consultation)?.draft_version),
        }
    }

    /// The number of clause `clause` in draft `version` of a decision.
    pub fn clause_number(&self, decision: &str, version: u32, clause: &str) -> Option<u32> {
        let d = self.decisions.get(decision)?;
        d.drafts.iter().find(|x| x.version == version)?.clauses.iter().find(|c| c.id == clause).map(|c| c.number)
    }

    /// A comment by id.
    pub fn comment(&self, id: &str) -> Option<&CommentView> {
        self.comment_index.get(id).and_then(|i| self.comments.get(*i as usize))
    }

    /// Changes a comment found by id.
    pub fn update_comment<R>(&mut self, id: &str, f: impl FnOnce(&mut CommentView) -> R) -> Option<R> {
        let i = *self.comment_index.get(id)?;
        self.comments.update(i as usize, f)
    }

    /// The comments at `indexes`.
    pub fn comments_at<'a>(&'a self, indexes: &'a [u32]) -> impl Iterator<Item = &'a CommentView> + 'a {
        indexes.iter().filter_map(|i| self.comments.get(*i as usize))
    }

    /// Shows erased people in a hearing as [`ERASED_DISPLAY_NAME`](canyu_domain::directory::ERASED_DISPLAY_NAME):
    /// their sign-ups and their entries in a published participant list.
    pub fn redact_hearing(&self, h: &mut HearingView) {
        if self.erased_accounts.is_empty() || !h.signups.iter().any(|s| self.erased_accounts.contains_key(&s.account_id)) {
            return;
        }
        let placeholder = canyu_domain::directory::ERASED_DISPLAY_NAME;
        let mut erased_signups = Vec::new();
        for s in h.signups.iter_mut().filter(|s| self.erased_accounts.contains_key(&s.account_id)) {
            s.display_name = placeholder.to_string();
            s.statement = String::new();
            erased_signups.push(s.id.clone());
        }
        for p in h.participants.iter_mut().flatten().filter(|p| erased_signups.contains(&p.signup_id)) {
            p.display_name = placeholder.to_string();
        }
    }

    /// Starts recording what the next events change.
    pub fn begin_tracking(&mut self) {
        self.units.track();
        self.accounts.track();
        self.catalogues.track();
        self.erased_accounts.track();
        self.decisions.track();
        self.decision_order.track();
        self.consultation_decision.track();
        self.opinion_decision.track();
        self.hearings.track();
        self.signup_hearing.track();
        self.account_signups.track();
        self.comments.track();
        self.histories.track();
        self.ungrouped.track();
    }

    /// What changed since [`ReadModel::begin_tracking`] (and stops recording).
    pub fn take_changes(&mut self) -> Changes {
        Changes {
            units: self.units.take_changed(),
            accounts: self.accounts.take_changed(),
            catalogues: self.catalogues.take_changed(),
            erased: self.erased_accounts.take_changed(),
            decisions: self.decisions.take_changed(),
            decision_order: self.decision_order.take_changes(),
            consultation_decision: self.consultation_decision.take_changed(),
            opinion_decision: self.opinion_decision.take_changed(),
            hearings: self.hearings.take_changed(),
            signup_hearing: self.signup_hearing.take_changed(),
            account_signups: self.account_signups.take_changed(),
            comments: self.comments.take_changes(),
            histories: self.histories.take_appended(),
            ungrouped: self.ungrouped.take_changed(),
        }
    }

    /// The one shared copy of `s`.
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.interned.get(s) {
            return a.clone();
        }
        let a: Arc<str> = s.into();
        self.interned.insert(a.clone());
        a
    }

    /// The one shared copy of a summary.
    pub fn intern_summary(&mut self, s: Summary) -> Arc<Summary> {
        if let Some(a) = self.interned_summaries.get(&s) {
            return a.clone();
        }
        let a = Arc::new(s);
        self.interned_summaries.insert(a.clone());
        a
    }
}
