//! The hearing aggregate (`hearing-<id>`, 听证会): scheduling, sign-ups, the draw, the
//! published participant list, and the record of the hearing (Decree 713 Art. 16-17).

use chrono::{DateTime, Duration, Utc};

use crate::decision::{DecisionState, sane_time};
use crate::events::*;
use crate::values::*;
use crate::{Aggregate, DomainError};

/// Hearing materials go to participants at least this long before the hearing, so sign-up
/// must close at least this long before it starts.
pub const MATERIALS_LEAD_TIME: Duration = Duration::days(7);

/// One sign-up as the rules need it (no personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct SignupState {
    pub id: String,
    pub account_id: String,
    pub display_name: String,
    pub group: String,
    pub status: SignupStatus,
}

/// Everything `decide` needs to know about one hearing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HearingState {
    pub id: String,
    pub exists: bool,
    pub decision_id: String,
    pub starts_at: DateTime<Utc>,
    pub signup_closes_at: DateTime<Utc>,
    pub capacity: u32,
    pub method: Option<SelectionMethod>,
    pub groups: Vec<String>,
    /// In arrival order.
    pub signups: Vec<SignupState>,
    /// The lottery's waitlist order (not selected, in ticket order).
    pub draw_waitlist: Vec<String>,
    pub drawn: bool,
    pub published: bool,
    pub held: bool,
    /// The earliest recorded delivery of the materials.
    pub materials_delivered_at: Option<DateTime<Utc>>,
    pub record_published: bool,
    /// Sign-ups that confirmed or objected to the record.
    pub record_answered: Vec<String>,
}

impl HearingState {
    /// Seats currently taken (accepted sign-ups).
    pub fn seats_taken(&self) -> u32 {
        self.signups.iter().filter(|s| s.status == SignupStatus::Accepted).count() as u32
    }

    fn signup(&self, id: &str) -> Result<&SignupState, DomainError> {
        self.signups.iter().find(|s| s.id == id).ok_or(DomainError::SignupNotFound)
    }

    /// Whether `group` holds a seat.
    pub fn has_seat(&self, group: &str) -> bool {
        self.signups.iter().any(|s| s.group == group && s.status == SignupStatus::Accepted)
    }

    /// Seats kept for declared groups other than `group` that hold none yet (Decree 713
    /// Art. 16: every group is represented), as far as capacity allows.
    fn seats_reserved_for_others(&self, group: &str) -> u32 {
        self.groups.iter().filter(|g| *g != group && !self.has_seat(g)).count() as u32
    }

    /// Who takes a seat left free by `leaving`: first the next waiting sign-up of the same
    /// group (so the group stays represented), else the next waiting one. Waiting means
    /// waitlisted in arrival order (FIRST_COME) or not selected in ticket order (LOTTERY).
    fn successor(&self, leaving: &SignupState) -> Option<String> {
        let waiting: Vec<&SignupState> = match self.method {
            Some(SelectionMethod::Lottery) => self
                .draw_waitlist
                .iter()
                .filter_map(|id| self.signups.iter().find(|x| &x.id == id && x.status == SignupStatus::NotSelected))
                .collect(),
            _ => self.signups.iter().filter(|x| x.status == SignupStatus::Waitlisted).collect(),
        };
        waiting.iter().find(|x| x.group == leaving.group).or_else(|| waiting.first()).map(|x| x.id.clone())
    }
}

/// Commands on a hearing.
#[derive(Debug, Clone, PartialEq)]
pub enum HearingCommand {
    Schedule {
        hearing_id: String,
        decision_id: String,
        starts_at: DateTime<Utc>,
        venue: Venue,
        capacity: i64,
        signup_closes_at: DateTime<Utc>,
        selection_method: SelectionMethod,
        selection_rules: SelectionRules,
        stakeholder_groups: Vec<DeclaredGroup>,
    },
    SignUp {
        signup_id: String,
        account_id: String,
        display_name: DisplayName,
        stakeholder_group: StakeholderGroup,
        statement: Statement,
        personal: Sealed,
    },
    Withdraw {
        signup_id: String,
        account_id: String,
    },
    Draw {
        seed: Seed,
    },
    PublishParticipants,
    /// Records the materials delivered to the participants, and when (Art. 17).
    DeliverMaterials {
        materials: MaterialsList,
        delivered_at: DateTime<Utc>,
    },
    RecordHeld {
        record_summary: RecordSummary,
    },
    /// Publishes the hearing record (笔录) after the hearing.
    PublishRecord {
        text: HearingRecordText,
    },
    /// A published participant confirms the record (`objection: None`) or objects with a note.
    AnswerRecord {
        account_id: String,
        objection: Option<ObjectionNote>,
    },
}

/// Outside facts for hearing commands.
#[derive(Debug, Clone, Copy)]
pub struct HearingCtx<'a> {
    pub now: DateTime<Utc>,
    /// The hearing's decision (for `Schedule`, and to refuse work on a closed decision).
    pub decision: &'a DecisionState,
}

/// Marker type implementing [`Aggregate`] for hearings.
#[derive(Debug)]
pub struct Hearing;

impl Aggregate for Hearing {
    type State = HearingState;
    type Command = HearingCommand;
    type Ctx<'a> = HearingCtx<'a>;

    fn decide(s: &HearingState, cmd: HearingCommand, ctx: &HearingCtx<'_>) -> Result<Vec<Event>, DomainError> {
        use HearingCommand as C;
        let (hearing_id, decision_id) = (s.id.clone(), s.decision_id.clone());
        if !matches!(cmd, C::Schedule { .. }) {
            if !s.exists {
                return Err(DomainError::HearingNotFound);
            }
            // After the hearing only its record is published and answered.
            if s.held && !matches!(cmd, C::PublishRecord { .. } | C::AnswerRecord { .. }) {
                return Err(DomainError::HearingAlreadyHeld);
            }
        }
        let events: Vec<Event> = match cmd {
            C::Schedule {
                hearing_id,
                decision_id,
                starts_at,
                venue,
                capacity,
                signup_closes_at,
                selection_method,
                selection_rules,
                stakeholder_groups,
            } => {
                if s.exists {
                    return Err(DomainError::HearingAlreadyExists);
                }
                ctx.decision.ensure_active()?;
                if decision_id != ctx.decision.id {
                    return Err(DomainError::DecisionNotFound);
                }
                let starts_at = sane_time("startsAt", starts_at)?;
                let signup_closes_at = sane_time("signupClosesAt", signup_closes_at)?;
                if starts_at <= ctx.now {
                    return Err(DomainError::invalid("startsAt", "must be in the future"));
                }
                if signup_closes_at + MATERIALS_LEAD_TIME > starts_at {
                    return Err(DomainError::invalid(
                        "signupClosesAt",
                        "must be at least 7 days before the hearing, so materials reach participants in time",
                    ));
                }
                let venue = venue.into_string();
                let capacity = u32::try_from(capacity)
                    .ok()
                    .filter(|c| (1..=10_000).contains(c))
                    .ok_or_else(|| DomainError::invalid("capacity", "must be between 1 and 10000"))?;
                let selection_rules = selection_rules.into_string();
                let mut groups = Vec::new();
                for g in stakeholder_groups {
                    let g = g.into_string();
                    if !groups.contains(&g) {
                        groups.push(g);
                    }
                }
                if groups.is_empty() || groups.len() > 50 {
                    return Err(DomainError::invalid("stakeholderGroups", "must name 1 to 50 groups"));
                }
                // Every declared group must be able to hold a seat, whatever the selection.
                if (capacity as usize) < groups.len() {
                    return Err(DomainError::CapacityBelowGroups { groups: groups.len() as u32 });
                }
                if ctx.decision.current_draft().is_none() {
                    return Err(DomainError::NoDraftPublished);
                }
                vec![
                    HearingScheduled {
                        hearing_id,
                        decision_id,
                        starts_at,
                        venue,
                        capacity,
                        signup_closes_at,
                        selection_method,
                        selection_rules,
                        stakeholder_groups: groups,
                    }
                    .into(),
                ]
            }
            C::SignUp { signup_id, account_id, display_name, stakeholder_group, statement, personal } => {
                ctx.decision.ensure_active()?;
                if ctx.now >= s.signup_closes_at {
                    return Err(DomainError::SignupClosed);
                }
                let group = stakeholder_group.into_string();
                if !s.groups.contains(&group) {
                    return Err(DomainError::UnknownStakeholderGroup);
                }
                let (statement, display_name) = (statement.into_string(), display_name.into_string());
                if s.signups.iter().any(|x| x.account_id == account_id && x.status != SignupStatus::Withdrawn) {
                    return Err(DomainError::AlreadySignedUp);
                }
                // First come, first seated, except the seats kept for groups not yet represented.
                let free = s.capacity.saturating_sub(s.seats_taken());
                let status = match s.method {
                    Some(SelectionMethod::Lottery) => SignupStatus::PendingDraw,
                    _ if free > 0 && !s.has_seat(&group) => SignupStatus::Accepted,
                    _ if free > s.seats_reserved_for_others(&group) => SignupStatus::Accepted,
                    _ => SignupStatus::Waitlisted,
                };
                vec![
                    HearingSignupSubmitted {
                        hearing_id,
                        decision_id,
                        signup_id,
                        account_id,
                        display_name,
                        stakeholder_group: group,
                        statement,
                        personal,
                        status,
                    }
                    .into(),
                ]
            }
            C::Withdraw { signup_id, account_id } => {
                let signup = s.signup(&signup_id)?;
                if signup.account_id != account_id {
                    return Err(DomainError::NotYourSignup);
                }
                if signup.status == SignupStatus::Withdrawn {
                    return Err(DomainError::SignupAlreadyWithdrawn);
                }
                if ctx.now >= s.starts_at {
                    return Err(DomainError::HearingAlreadyStarted);
                }
                let mut out: Vec<Event> =
                    vec![HearingSignupWithdrawn { hearing_id: hearing_id.clone(), decision_id: decision_id.clone(), signup_id }.into()];
                if signup.status == SignupStatus::Accepted
                    && !s.published
                    && let Some(next) = s.successor(signup)
                {
                    out.push(HearingSignupPromoted { hearing_id, decision_id, signup_id: next }.into());
                }
                out
            }
            C::Draw { seed } => {
                ctx.decision.ensure_active()?;
                if s.method != Some(SelectionMethod::Lottery) {
                    return Err(DomainError::NotALottery);
                }
                if s.drawn {
                    return Err(DomainError::AlreadyDrawn);
                }
                if ctx.now < s.signup_closes_at {
                    return Err(DomainError::SignupStillOpen);
                }
                let seed = seed.into_string();
                let entries: Vec<(String, String)> =
                    s.signups.iter().filter(|x| x.status == SignupStatus::PendingDraw).map(|x| (x.id.clone(), x.group.clone())).collect();
                let d = crate::lottery::draw(&seed, s.capacity as usize, &entries);
                vec![HearingParticipantsDrawn { hearing_id, decision_id, seed, selected: d.selected, not_selected: d.not_selected }.into()]
            }
            C::PublishParticipants => {
                ctx.decision.ensure_active()?;
                if s.published {
                    return Err(DomainError::ParticipantsAlreadyPublished);
                }
                if s.method == Some(SelectionMethod::Lottery) && !s.drawn {
                    return Err(DomainError::DrawRequired);
                }
                if ctx.now >= s.starts_at {
                    return Err(DomainError::HearingAlreadyStarted);
                }
                if ctx.now < s.signup_closes_at {
                    return Err(DomainError::SignupStillOpen);
                }
                // Seats kept for groups that never signed up go to those waiting, in order.
                let mut s = s.clone();
                let mut out: Vec<Event> = Vec::new();
                if s.method != Some(SelectionMethod::Lottery) {
                    let free = s.capacity.saturating_sub(s.seats_taken()) as usize;
                    let waiting: Vec<String> =
                        s.signups.iter().filter(|x| x.status == SignupStatus::Waitlisted).take(free).map(|x| x.id.clone()).collect();
                    for id in waiting {
                        let promoted: Event =
                            HearingSignupPromoted { hearing_id: hearing_id.clone(), decision_id: decision_id.clone(), signup_id: id }
                                .into();
                        s = Hearing::evolve(s, &promoted);
                        out.push(promoted);
                    }
                }
                if let Some(group) = s
                    .groups
                    .iter()
                    .find(|g| !s.has_seat(g) && s.signups.iter().any(|x| &x.group == *g && x.status != SignupStatus::Withdrawn))
                {
                    return Err(DomainError::GroupWithoutSeat(group.clone()));
                }
                let participants = s
                    .signups
                    .iter()
                    .filter(|x| x.status == SignupStatus::Accepted)
                    .map(|x| PublishedParticipant {
                        signup_id: x.id.clone(),
                        display_name: x.display_name.clone(),
                        stakeholder_group: x.group.clone(),
                    })
                    .collect();
                out.push(HearingParticipantsPublished { hearing_id, decision_id, participants }.into());
                out
            }
            C::DeliverMaterials { materials, delivered_at } => {
                ctx.decision.ensure_active()?;
                // The materials go to the participants, so the list comes first.
                if !s.published {
                    return Err(DomainError::ParticipantsNotPublished);
                }
                let delivered_at = sane_time("deliveredAt", delivered_at)?;
                if delivered_at > ctx.now {
                    return Err(DomainError::invalid("deliveredAt", "must not be in the future"));
                }
                if delivered_at >= s.starts_at {
                    return Err(DomainError::invalid("deliveredAt", "must be before the hearing starts"));
                }
                vec![HearingMaterialsDelivered { hearing_id, decision_id, materials: materials.into_string(), delivered_at }.into()]
            }
            C::RecordHeld { record_summary } => {
                ctx.decision.ensure_active()?;
                if !s.published {
                    return Err(DomainError::ParticipantsNotPublished);
                }
                if ctx.now < s.starts_at {
                    return Err(DomainError::HearingNotYetStarted);
                }
                let by = s.starts_at - MATERIALS_LEAD_TIME;
                if s.materials_delivered_at.is_none_or(|at| at > by) {
                    return Err(DomainError::MaterialsNotDeliveredInTime { by });
                }
                vec![HearingHeld { hearing_id, decision_id, record_summary: record_summary.into_string() }.into()]
            }
            C::PublishRecord { text } => {
                if !s.held {
                    return Err(DomainError::HearingNotYetHeld);
                }
                if s.record_published {
                    return Err(DomainError::HearingRecordAlreadyPublished);
                }
                vec![HearingRecordPublished { hearing_id, decision_id, text: text.into_string() }.into()]
            }
            C::AnswerRecord { account_id, objection } => {
                if !s.record_published {
                    return Err(DomainError::HearingRecordNotPublished);
                }
                let signup = s
                    .signups
                    .iter()
                    .find(|x| x.account_id == account_id && x.status == SignupStatus::Accepted)
                    .ok_or(DomainError::NotAParticipant)?;
                if s.record_answered.contains(&signup.id) {
                    return Err(DomainError::HearingRecordAlreadyAnswered);
                }
                let signup_id = signup.id.clone();
                match objection {
                    None => vec![HearingRecordConfirmed { hearing_id, decision_id, signup_id }.into()],
                    Some(note) => vec![HearingRecordObjected { hearing_id, decision_id, signup_id, note: note.into_string() }.into()],
                }
            }
        };
        Ok(events)
    }

    fn evolve(mut s: HearingState, event: &Event) -> HearingState {
        let set = |s: &mut HearingState, id: &str, status: SignupStatus| {
            if let Some(x) = s.signups.iter_mut().find(|x| x.id == id) {
                x.status = status;
            }
        };
        match event {
            Event::HearingScheduled(e) => {
                s.id = e.hearing_id.clone();
                s.exists = true;
                s.decision_id = e.decision_id.clone();
                s.starts_at = e.starts_at;
                s.signup_closes_at = e.signup_closes_at;
                s.capacity = e.capacity;
                s.method = Some(e.selection_method);
                s.groups = e.stakeholder_groups.clone();
            }
            Event::HearingSignupSubmitted(e) => s.signups.push(SignupState {
                id: e.signup_id.clone(),
                account_id: e.account_id.clone(),
                display_name: e.display_name.clone(),
                group: e.stakeholder_group.clone(),
                status: e.status,
            }),
            Event::HearingSignupWithdrawn(e) => set(&mut s, &e.signup_id, SignupStatus::Withdrawn),
            Event::HearingSignupPromoted(e) => set(&mut s, &e.signup_id, SignupStatus::Accepted),
            Event::HearingParticipantsDrawn(e) => {
                s.drawn = true;
                for id in &e.selected {
                    set(&mut s, id, SignupStatus::Accepted);
                }
                for id in &e.not_selected {
                    set(&mut s, id, SignupStatus::NotSelected);
                }
                s.draw_waitlist = e.not_selected.clone();
            }
            Event::HearingParticipantsPublished(_) => s.published = true,
            Event::HearingHeld(_) => s.held = true,
            Event::HearingMaterialsDelivered(e) => {
                s.materials_delivered_at = Some(s.materials_delivered_at.map_or(e.delivered_at, |at| at.min(e.delivered_at)));
            }
            Event::HearingRecordPublished(_) => s.record_published = true,
            Event::HearingRecordConfirmed(e) => s.record_answered.push(e.signup_id.clone()),
            Event::HearingRecordObjected(e) => s.record_answered.push(e.signup_id.clone()),
            _ => {}
        }
        s
    }
}
