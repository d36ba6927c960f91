//! The decision aggregate (`decision-<id>`): catalogue entry, drafting, consultations,
//! opinions and adoption, feedback report, deliberation, result, withdrawal.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};

use crate::events::*;
use crate::values::*;
use crate::{Aggregate, DomainError};

/// The most participants one offline activity may record.
pub const MAX_PARTICIPANTS: u32 = 100_000;
/// Observers (列席) recorded for one decision meeting: a meeting room, not a stadium.
pub const MAX_OBSERVERS: usize = 200;

/// Minimum length of a public online consultation (Decree 713 Art. 15).
pub const MIN_ONLINE_CONSULTATION: Duration = Duration::days(30);

/// See [`ConsultationState::earliest_close`] (shared with the read models' view).
pub fn earliest_close(channel: Channel, shortened: bool, opens_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (channel == Channel::Online && !shortened).then(|| opens_at + MIN_ONLINE_CONSULTATION)
}

/// A consultation as the rules need it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConsultationState {
    pub channel: Channel,
    pub draft_version: u32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Whether a shortened period was announced (with its reason) when it opened.
    pub shortened: bool,
}

impl ConsultationState {
    /// Closed by an event, or past its announced end.
    pub fn is_closed(&self, now: DateTime<Utc>) -> bool {
        self.closed_at.is_some() || now >= self.closes_at
    }

    /// The earliest moment it may close before its announced end, when that is restricted:
    /// an online consultation opened without a reason for a shorter period runs 30 days
    /// (Decree 713 Art. 15; closing early is shortening). `None`: any time, with a reason.
    pub fn earliest_close(&self) -> Option<DateTime<Utc>> {
        earliest_close(self.channel, self.shortened, self.opens_at)
    }
}

/// An opinion as the rules need it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpinionState {
    pub outcome: Option<AdoptionOutcome>,
    /// The consultations its comments came from.
    #[serde(default)]
    pub consultations: Vec<String>,
}

/// Everything `decide` needs to know about one decision.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DecisionState {
    pub id: String,
    pub exists: bool,
    pub year: i32,
    pub unit_id: String,
    pub disclosure: Option<Disclosure>,
    pub has_background: bool,
    /// Clauses of each draft version, by version.
    pub drafts: BTreeMap<u32, Vec<Clause>>,
    pub next_clause_id: u32,
    pub consultations: BTreeMap<String, ConsultationState>,
    pub activities: u32,
    /// An exemption from public participation was recorded (with its legal basis).
    #[serde(default)]
    pub exempted: bool,
    pub opinions: BTreeMap<String, OpinionState>,
    /// Which opinion each grouped comment went into.
    pub grouped_comments: HashMap<String, String>,
    pub feedback_published: bool,
    pub deliberated: bool,
    pub decided: bool,
    pub withdrawn: bool,
}

impl DecisionState {
    /// The current (latest) draft version, if any.
    pub fn current_draft(&self) -> Option<u32> {
        self.drafts.keys().next_back().copied()
    }

    /// The stage at `now`, from events and the consultations' periods: CONSULTING while any
    /// consultation is open (or announced), whatever was drafted meanwhile.
    pub fn stage(&self, now: DateTime<Utc>) -> Stage {
        if self.withdrawn {
            Stage::Withdrawn
        } else if self.decided {
            Stage::Decided
        } else if self.deliberated {
            Stage::Deliberation
        } else if self.consultations.values().any(|c| !c.is_closed(now)) {
            Stage::Consulting
        } else if self.feedback_published || !self.opinions.is_empty() {
            Stage::Feedback
        } else if !self.consultations.is_empty() {
            Stage::Consulting
        } else if self.has_background || !self.drafts.is_empty() {
            Stage::Drafting
        } else {
            Stage::Listed
        }
    }

    /// Rejects commands on a missing, withdrawn or decided decision.
    pub fn ensure_active(&self) -> Result<(), DomainError> {
        if !self.exists {
            Err(DomainError::DecisionNotFound)
        } else if self.withdrawn {
            Err(DomainError::DecisionWithdrawn)
        } else if self.decided {
            Err(DomainError::DecisionAlreadyDecided)
        } else {
            Ok(())
        }
    }
}

/// Commands on a decision. Ids are chosen by the application.
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionCommand {
    Register {
        decision_id: String,
        year: i32,
        title: Title,
        summary: DecisionSummary,
        unit_id: String,
        disclosure: Disclosure,
        confidentiality_basis: Option<ConfidentialityBasis>,
        late_addition_reason: Option<AdditionReason>,
    },
    PublishBackground {
        text: BackgroundText,
    },
    PublishDraft {
        text: DraftText,
        explanation: Explanation,
        change_note: ChangeNote,
    },
    OpenConsultation {
        consultation_id: String,
        channel: Channel,
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        how_to_submit: HowToSubmit,
        shortened_reason: Option<ShortenedReason>,
    },
    CloseConsultation {
        consultation_id: String,
        reason: Option<CloseReason>,
    },
    RecordExemption {
        legal_basis: ExemptionBasis,
    },
    RecordParticipationActivity {
        activity_id: String,
        kind: ActivityKind,
        held_at: DateTime<Utc>,
        summary: ActivitySummary,
        participant_count: i64,
    },
    ConsolidateOpinion {
        opinion_id: String,
        summary: OpinionSummary,
        comment_ids: Vec<String>,
        concentrated: bool,
    },
    DecideAdoption {
        opinion_id: String,
        outcome: AdoptionOutcome,
        rationale: Option<Rationale>,
    },
    PublishFeedbackReport {
        summary: ReportSummary,
    },
    RecordDeliberation {
        meeting_kind: MeetingKind,
        held_at: DateTime<Utc>,
        summary: MeetingSummary,
        dissent: Dissent,
        observers: Vec<ObserverInput>,
    },
    PublishResult {
        text: ResultText,
        document_number: DocumentNumber,
        effective_at: DateTime<Utc>,
        interpretation: Interpretation,
    },
    Withdraw {
        reason: WithdrawalReason,
    },
}

/// A stakeholder attending the decision meeting (列席), as a command names them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ObserverInput {
    pub name: ObserverName,
    pub affiliation: Affiliation,
    pub opinion: ObserverOpinion,
    pub outcome: AdoptionOutcome,
    pub rationale: Option<ObserverRationale>,
}

/// Outside facts a decision command may need, supplied by the application.
#[derive(Debug, Clone, Default)]
pub struct DecisionCtx {
    pub now: DateTime<Utc>,
    /// For `Register`: whether the year's catalogue is already published.
    pub catalogue_published: bool,
    /// For `Register`: whether the undertaking unit exists.
    pub unit_exists: bool,
    /// For `ConsolidateOpinion`: the decision each named comment belongs to (absent: unknown).
    pub comment_decisions: HashMap<String, String>,
    /// For `ConsolidateOpinion`: the consultation each named comment was submitted to.
    pub comment_consultations: HashMap<String, String>,
}

/// Marker type implementing [`Aggregate`] for decisions.
#[derive(Debug)]
pub struct Decision;

fn earliest() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default()
}

/// Refuses timestamps outside 2000..=2100, which are always input mistakes.
pub fn sane_time(field: &'static str, t: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    let latest = earliest() + Duration::days(365 * 100 + 25);
    if t < earliest() || t > latest {
        return Err(DomainError::invalid(field, "must be between the years 2000 and 2100"));
    }
    Ok(t)
}

impl Aggregate for Decision {
    type State = DecisionState;
    type Command = DecisionCommand;
    type Ctx<'a> = DecisionCtx;

    fn decide(s: &DecisionState, cmd: DecisionCommand, ctx: &DecisionCtx) -> Result<Vec<Event>, DomainError> {
        use DecisionCommand as C;
        let id = s.id.clone();
        let event: Event = match cmd {
            C::Register { decision_id, year, title, summary, unit_id, disclosure, confidentiality_basis, late_addition_reason } => {
                if s.exists {
                    return Err(DomainError::DecisionAlreadyExists);
                }
                if !(2000..=2100).contains(&year) {
                    return Err(DomainError::invalid("year", "must be between 2000 and 2100"));
                }
                let (title, summary, basis) =
                    (title.into_string(), summary.into_string(), confidentiality_basis.map(TextValue::into_string));
                if disclosure == Disclosure::Confidential && basis.is_none() {
                    return Err(DomainError::ConfidentialityBasisRequired);
                }
                let late = late_addition_reason.map(TextValue::into_string);
                if ctx.catalogue_published && late.is_none() {
                    return Err(DomainError::LateAdditionNeedsReason);
                }
                if !ctx.unit_exists {
                    return Err(DomainError::UnitNotFound);
                }
                DecisionRegistered {
                    decision_id,
                    year,
                    title,
                    summary,
                    unit_id,
                    disclosure,
                    confidentiality_basis: if disclosure == Disclosure::Confidential { basis } else { None },
                    late_addition_reason: if ctx.catalogue_published { late } else { None },
                }
                .into()
            }
            C::PublishBackground { text: t } => {
                s.ensure_active()?;
                BackgroundPublished { decision_id: id, text: t.into_string() }.into()
            }
            C::PublishDraft { text: t, explanation, change_note } => {
                s.ensure_active()?;
                let (t, explanation, change_note) = (t.into_string(), explanation.into_string(), change_note.into_string());
                let previous = s.current_draft().and_then(|v| s.drafts.get(&v)).map(Vec::as_slice).unwrap_or(&[]);
                let mut next = s.next_clause_id;
                let clauses = crate::clauses::split(&t, previous, &mut next);
                DraftPublished {
                    decision_id: id,
                    version: s.current_draft().unwrap_or(0) + 1,
                    text: t,
                    clauses,
                    explanation,
                    change_note,
                    published_at: ctx.now,
                }
                .into()
            }
            C::OpenConsultation { consultation_id, channel, opens_at, closes_at, how_to_submit, shortened_reason } => {
                s.ensure_active()?;
                let opens_at = sane_time("opensAt", opens_at)?;
                let closes_at = sane_time("closesAt", closes_at)?;
                if closes_at <= opens_at {
                    return Err(DomainError::invalid("closesAt", "must be after opensAt"));
                }
                if closes_at <= ctx.now {
                    return Err(DomainError::invalid("closesAt", "must be in the future"));
                }
                let how_to_submit = how_to_submit.into_string();
                let shortened_reason = shortened_reason.map(TextValue::into_string);
                if s.consultations.contains_key(&consultation_id) {
                    return Err(DomainError::ConsultationAlreadyExists);
                }
                // One online consultation at a time: two would split the public's comments
                // between two notices of the same decision.
                if channel == Channel::Online
                    && let Some(other) = s
                        .consultations
                        .values()
                        .find(|c| c.channel == Channel::Online && opens_at < c.closed_at.unwrap_or(c.closes_at) && c.opens_at < closes_at)
                {
                    return Err(DomainError::ConsultationOverlaps { until: other.closed_at.unwrap_or(other.closes_at) });
                }
                let draft_version = s.current_draft().ok_or(DomainError::NoDraftPublished)?;
                // The public gets the period from when it is announced, so a backdated opening
                // does not count towards the 30 days.
                if channel == Channel::Online && closes_at - opens_at.max(ctx.now) < MIN_ONLINE_CONSULTATION && shortened_reason.is_none() {
                    return Err(DomainError::PeriodTooShortWithoutReason);
                }
                ConsultationOpened {
                    decision_id: id,
                    consultation_id,
                    channel,
                    draft_version,
                    opens_at,
                    closes_at,
                    how_to_submit,
                    shortened_reason,
                }
                .into()
            }
            C::CloseConsultation { consultation_id, reason } => {
                s.ensure_active()?;
                let c = s.consultations.get(&consultation_id).ok_or(DomainError::ConsultationNotFound)?;
                if c.closed_at.is_some() {
                    return Err(DomainError::ConsultationAlreadyClosed);
                }
                let reason = reason.map(TextValue::into_string);
                let early = ctx.now < c.closes_at;
                if early && reason.is_none() {
                    return Err(DomainError::EarlyCloseNeedsReason);
                }
                // Closing early is shortening: below 30 days it needs the reason stated at opening.
                if early
                    && let Some(earliest) = c.earliest_close()
                    && ctx.now < earliest
                {
                    return Err(DomainError::EarlyCloseBeforeMinimumPeriod { earliest });
                }
                ConsultationClosed { decision_id: id, consultation_id, closed_at: ctx.now, early, reason }.into()
            }
            C::RecordExemption { legal_basis } => {
                s.ensure_active()?;
                if s.deliberated {
                    return Err(DomainError::DeliberationAlreadyRecorded);
                }
                if s.exempted {
                    return Err(DomainError::ExemptionAlreadyRecorded);
                }
                ParticipationExempted { decision_id: id, legal_basis: legal_basis.into_string() }.into()
            }
            C::RecordParticipationActivity { activity_id, kind, held_at, summary, participant_count } => {
                s.ensure_active()?;
                let held_at = sane_time("heldAt", held_at)?;
                if held_at > ctx.now {
                    return Err(DomainError::invalid("heldAt", "must not be in the future"));
                }
                let summary = summary.into_string();
                // An activity someone attended; a count beyond any hall is a typo or an attack.
                let participant_count = u32::try_from(participant_count)
                    .ok()
                    .filter(|n| *n <= MAX_PARTICIPANTS)
                    .ok_or_else(|| DomainError::invalid("participantCount", "must be between 0 and 100000"))?;
                ParticipationActivityRecorded { decision_id: id, activity_id, kind, held_at, summary, participant_count }.into()
            }
            C::ConsolidateOpinion { opinion_id, summary, comment_ids, concentrated } => {
                s.ensure_active()?;
                if s.feedback_published {
                    return Err(DomainError::FeedbackReportAlreadyPublished);
                }
                if s.opinions.contains_key(&opinion_id) {
                    return Err(DomainError::OpinionAlreadyExists);
                }
                let summary = summary.into_string();
                let mut ids: Vec<String> = Vec::with_capacity(comment_ids.len());
                for c in comment_ids {
                    if ids.contains(&c) {
                        continue;
                    }
                    if ctx.comment_decisions.get(&c) != Some(&s.id) {
                        return Err(DomainError::UnknownComment(c));
                    }
                    if s.grouped_comments.contains_key(&c) {
                        return Err(DomainError::CommentAlreadyGrouped(c));
                    }
                    ids.push(c);
                }
                let mut consultation_ids: Vec<String> = Vec::new();
                for k in ids.iter().filter_map(|c| ctx.comment_consultations.get(c)) {
                    if !consultation_ids.contains(k) {
                        consultation_ids.push(k.clone());
                    }
                }
                OpinionConsolidated { decision_id: id, opinion_id, summary, comment_ids: ids, concentrated, consultation_ids }.into()
            }
            C::DecideAdoption { opinion_id, outcome, rationale } => {
                s.ensure_active()?;
                let rationale = rationale.map(TextValue::into_string);
                let o = s.opinions.get(&opinion_id).ok_or(DomainError::OpinionNotFound)?;
                if o.outcome.is_some() {
                    return Err(DomainError::AdoptionAlreadyDecided);
                }
                if outcome != AdoptionOutcome::Adopted && rationale.is_none() {
                    return Err(DomainError::RationaleRequired);
                }
                // Opinions may be drafted while comments come in; what became of them is decided
                // once the consultations they draw on have closed.
                if o.consultations.iter().filter_map(|k| s.consultations.get(k)).any(|c| !c.is_closed(ctx.now)) {
                    return Err(DomainError::ConsultationStillOpen);
                }
                AdoptionDecided { decision_id: id, opinion_id, outcome, rationale }.into()
            }
            C::PublishFeedbackReport { summary } => {
                s.ensure_active()?;
                if s.feedback_published {
                    return Err(DomainError::FeedbackReportAlreadyPublished);
                }
                let summary = summary.into_string();
                if s.consultations.values().any(|c| !c.is_closed(ctx.now)) {
                    return Err(DomainError::ConsultationStillOpen);
                }
                if s.opinions.values().any(|o| o.outcome.is_none()) {
                    return Err(DomainError::OpinionWithoutDecision);
                }
                FeedbackReportPublished { decision_id: id, summary, published_at: ctx.now }.into()
            }
            C::RecordDeliberation { meeting_kind, held_at, summary, dissent, observers } => {
                s.ensure_active()?;
                if s.deliberated {
                    return Err(DomainError::DeliberationAlreadyRecorded);
                }
                let held_at = sane_time("heldAt", held_at)?;
                if held_at > ctx.now {
                    return Err(DomainError::invalid("heldAt", "must not be in the future"));
                }
                if observers.len() > MAX_OBSERVERS {
                    return Err(DomainError::invalid("observers", format!("at most {MAX_OBSERVERS} observers per meeting")));
                }
                let (summary, dissent) = (summary.into_string(), dissent.into_string());
                let mut recorded = Vec::with_capacity(observers.len());
                for o in observers {
                    if o.outcome != AdoptionOutcome::Adopted && o.rationale.is_none() {
                        return Err(DomainError::invalid("observers.rationale", "is required unless the opinion is adopted"));
                    }
                    recorded.push(Observer {
                        name: o.name.into_string(),
                        affiliation: o.affiliation.into_string(),
                        opinion: o.opinion.into_string(),
                        adoption: String::new(),
                        outcome: Some(o.outcome),
                        rationale: o.rationale.map(TextValue::into_string),
                    });
                }
                let observers = recorded;
                let public = s.disclosure != Some(Disclosure::Confidential);
                if public && s.consultations.is_empty() && s.activities == 0 && !s.exempted {
                    return Err(DomainError::ParticipationRequired);
                }
                if (!s.consultations.is_empty() || !s.opinions.is_empty()) && !s.feedback_published {
                    return Err(DomainError::FeedbackReportRequired);
                }
                DeliberationRecorded { decision_id: id, meeting_kind, held_at, summary, dissent, observers }.into()
            }
            C::PublishResult { text: t, document_number, effective_at, interpretation } => {
                s.ensure_active()?;
                let (t, document_number) = (t.into_string(), document_number.into_string());
                let effective_at = sane_time("effectiveAt", effective_at)?;
                let interpretation = interpretation.into_string();
                if !s.deliberated {
                    return Err(DomainError::DeliberationRequired);
                }
                ResultPublished { decision_id: id, text: t, document_number, effective_at, interpretation, published_at: ctx.now }.into()
            }
            C::Withdraw { reason } => {
                s.ensure_active()?;
                DecisionWithdrawn { decision_id: id, reason: reason.into_string() }.into()
            }
        };
        Ok(vec![event])
    }

    fn evolve(mut s: DecisionState, event: &Event) -> DecisionState {
        match event {
            Event::DecisionRegistered(e) => {
                s.id = e.decision_id.clone();
                s.exists = true;
                s.year = e.year;
                s.unit_id = e.unit_id.clone();
                s.disclosure = Some(e.disclosure);
            }
            Event::BackgroundPublished(_) => s.has_background = true,
            Event::DraftPublished(e) => {
                for c in &e.clauses {
                    if let Some(n) = c.id.strip_prefix('c').and_then(|n| n.parse::<u32>().ok()) {
                        s.next_clause_id = s.next_clause_id.max(n);
                    }
                }
                s.drafts.insert(e.version, e.clauses.clone());
            }
            Event::ConsultationOpened(e) => {
                s.consultations.insert(
                    e.consultation_id.clone(),
                    ConsultationState {
                        channel: e.channel,
                        draft_version: e.draft_version,
                        opens_at: e.opens_at,
                        closes_at: e.closes_at,
                        closed_at: None,
                        shortened: e.shortened_reason.is_some(),
                    },
                );
            }
            Event::ConsultationClosed(e) => {
                if let Some(c) = s.consultations.get_mut(&e.consultation_id) {
                    c.closed_at = Some(e.closed_at);
                }
            }
            Event::ParticipationActivityRecorded(_) => s.activities += 1,
            Event::ParticipationExempted(_) => s.exempted = true,
            Event::OpinionConsolidated(e) => {
                for c in &e.comment_ids {
                    s.grouped_comments.insert(c.clone(), e.opinion_id.clone());
                }
                s.opinions.insert(e.opinion_id.clone(), OpinionState { outcome: None, consultations: e.consultation_ids.clone() });
            }
            Event::AdoptionDecided(e) => {
                if let Some(o) = s.opinions.get_mut(&e.opinion_id) {
                    o.outcome = Some(e.outcome);
                }
            }
            Event::FeedbackReportPublished(_) => s.feedback_published = true,
            Event::DeliberationRecorded(_) => s.deliberated = true,
            Event::ResultPublished(_) => s.decided = true,
            Event::DecisionWithdrawn(_) => s.withdrawn = true,
            _ => {}
        }
        s
    }
}
