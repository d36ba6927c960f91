//! The projector: how each event changes the read models. Applying an event at or below the
//! checkpoint is a no-op, so redelivery is harmless.

use std::sync::Arc;

use canyu_app::decode;
use canyu_domain::Aggregate;
use canyu_domain::decision::Decision;
use canyu_domain::events::*;
use canyu_domain::values::{ActivityKind, AdoptionOutcome, Channel, MeetingKind, Role, SelectionMethod, SignupStatus};
use canyu_eventstore::RecordedEvent;
use chrono::{DateTime, Utc};

use crate::model::*;

/// Chinese labels of consultation channels, for history summaries.
fn channel_label(c: Channel) -> &'static str {
    match c {
        Channel::Online => "网上公开征求意见",
        Channel::Written => "书面征求意见",
        Channel::Symposium => "座谈会",
        Channel::FieldVisit => "实地走访",
        Channel::Questionnaire => "问卷调查",
        Channel::OpinionPoll => "民意调查",
    }
}

/// Chinese labels of offline activity kinds, for history summaries.
fn activity_label(k: ActivityKind) -> &'static str {
    match k {
        ActivityKind::Written => "书面征求意见",
        ActivityKind::Symposium => "座谈会",
        ActivityKind::FieldVisit => "实地走访",
        ActivityKind::Questionnaire => "问卷调查",
        ActivityKind::OpinionPoll => "民意调查",
    }
}

fn outcome_label(o: AdoptionOutcome) -> &'static str {
    match o {
        AdoptionOutcome::Adopted => "采纳",
        AdoptionOutcome::PartiallyAdopted => "部分采纳",
        AdoptionOutcome::NotAdopted => "不予采纳",
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

impl ReadModel {
    /// Applies a batch of events in order; returns how many were new.
    pub fn apply_all<'a>(&mut self, events: impl IntoIterator<Item = &'a RecordedEvent>) -> usize {
        events.into_iter().filter(|e| self.apply(e)).count()
    }

    /// Applies one event if it is past the checkpoint; returns whether it was applied.
    pub fn apply(&mut self, rec: &RecordedEvent) -> bool {
        if rec.position <= self.position {
            return false;
        }
        self.position = rec.position;
        let event = match decode(rec) {
            Ok(Some(e)) => e,
            Ok(None) => return true,
            Err(err) => {
                tracing::error!(position = rec.position, %err, "skipping an event that does not decode");
                return true;
            }
        };
        let at = rec.metadata.server_time;
        let actor: Arc<str> = match rec.metadata.actor.role.as_str() {
            "unit_staff" => match rec.metadata.actor.unit_id.as_ref().and_then(|u| self.units.get(u)) {
                Some(u) => u.name.as_str().into(),
                None => self.intern("unit_staff"),
            },
            other => self.intern(other),
        };
        if let Some(mut t) = self.touched.take() {
            self.note(&mut t, &event);
            self.touched = Some(t);
        }
        let kind = event.kind();
        let history_key = event.decision_id().map(|d| self.intern(d));
        let summary = self.apply_event(event, at);
        if let (Some(key), Some((summary, subject_id))) = (history_key, summary) {
            let summary = self.intern(&summary);
            let subject_id = subject_id.map(|s| match self.comment_index.get_key_value(s.as_str()) {
                Some((k, _)) => k.clone(),
                None => Arc::from(s),
            });
            self.histories.entry(key).or_default().push(HistoryEntry { position: rec.position, at, kind, summary, actor, subject_id });
        }
        true
    }

    /// Records in `t` what `event` is about to change.
    fn note(&self, t: &mut Touched, event: &Event) {
        if let Some(d) = event.decision_id() {
            // Only decision events (and a hearing's scheduling, which lists it on the decision)
            // change the decision's own document; every event of a decision adds history.
            if event.event_type().starts_with("decision.") || matches!(event, Event::HearingScheduled(_)) {
                t.decisions.insert(d.to_string());
            }
            t.history_from.entry(d.to_string()).or_insert_with(|| self.histories.get(d).map_or(0, Vec::len));
        }
        let mut comment = |id: &str| {
            if let Some(&i) = self.comment_index.get(id)
                && (i as usize) < t.comments_from
            {
                t.comments.insert(i);
            }
        };
        match event {
            Event::UnitRegistered(e) => {
                t.units.insert(e.unit_id.clone());
            }
            Event::AccountRegistered(e) => {
                t.accounts.insert(e.account_id.clone());
            }
            Event::RoleGranted(e) => {
                t.accounts.insert(e.account_id.clone());
            }
            Event::AccountErased(e) => {
                t.accounts.insert(e.account_id.clone());
                t.erased.insert(e.account_id.clone());
                for s in self.account_signups.get(&e.account_id).into_iter().flatten() {
                    if let Some(h) = self.signup_hearing.get(s) {
                        t.hearings.insert(h.clone());
                    }
                }
            }
            Event::CataloguePublished(e) => {
                t.catalogues.insert(e.year);
            }
            Event::ConsultationOpened(e) => t.lookups.push(("consultation_decision", e.consultation_id.clone(), e.decision_id.clone())),
            Event::OpinionConsolidated(e) => {
                t.lookups.push(("opinion_decision", e.opinion_id.clone(), e.decision_id.clone()));
                e.comment_ids.iter().for_each(|c| comment(c));
            }
            Event::CommentHidden(e) => comment(&e.comment_id),
            Event::HearingScheduled(e) => {
                t.hearings.insert(e.hearing_id.clone());
            }
            Event::HearingSignupSubmitted(e) => {
                t.lookups.push(("signup_hearing", e.signup_id.clone(), e.hearing_id.clone()));
                t.account_signups.insert(e.account_id.clone());
                t.hearings.insert(e.hearing_id.clone());
            }
            Event::HearingSignupWithdrawn(e) => {
                t.hearings.insert(e.hearing_id.clone());
            }
            Event::HearingSignupPromoted(e) => {
                t.hearings.insert(e.hearing_id.clone());
            }
            Event::HearingParticipantsDrawn(e) => {
                t.hearings.insert(e.hearing_id.clone());
            }
            Event::HearingParticipantsPublished(e) => {
                t.hearings.insert(e.hearing_id.clone());
            }
            Event::HearingHeld(e) => {
                t.hearings.insert(e.hearing_id.clone());
            }
            _ => {}
        }
    }

    fn decision_mut(&mut self, id: &str, at: DateTime<Utc>) -> Option<&mut DecisionView> {
        let d = Arc::make_mut(self.decisions.get_mut(id)?);
        d.updated_at = at;
        Some(d)
    }

    fn hearing_mut(&mut self, id: &str) -> Option<&mut HearingView> {
        self.hearings.get_mut(id).map(Arc::make_mut)
    }

    /// Applies erasures to one hearing (after an erasure, or new data about erased people).
    fn redact_hearing_by_id(&mut self, id: &str) {
        if self.erased_accounts.is_empty() {
            return;
        }
        let Some(mut h) = self.hearings.remove(id) else { return };
        self.redact_hearing(Arc::make_mut(&mut h));
        self.hearings.insert(id.to_string(), h);
    }

    /// Updates the views; returns the history summary and subject for decision events.
    fn apply_event(&mut self, event: Event, at: DateTime<Utc>) -> Option<(String, Option<String>)> {
        // The domain's own fold of the decision, for stage and rule-derived facts.
        if event.event_type().starts_with("decision.")
            && !matches!(event, Event::DecisionRegistered(_))
            && let Some(d) = event.decision_id().and_then(|id| self.decisions.get_mut(id))
        {
            let d = Arc::make_mut(d);
            d.state = Decision::evolve(std::mem::take(&mut d.state), &event);
        }
        match event {
            Event::UnitRegistered(e) => {
                self.units.insert(e.unit_id.clone(), UnitView { id: e.unit_id.clone(), name: e.name.clone() });
                None
            }
            Event::AccountRegistered(e) => {
                self.accounts.insert(
                    e.account_id.clone(),
                    AccountView {
                        id: e.account_id.clone(),
                        display_name: e.display_name.clone(),
                        role: e.role,
                        unit_id: None,
                        erased: false,
                    },
                );
                None
            }
            Event::RoleGranted(e) => {
                if let Some(a) = self.accounts.get_mut(&e.account_id) {
                    a.role = e.role;
                    a.unit_id = e.unit_id.clone();
                }
                None
            }
            Event::AccountErased(e) => {
                if let Some(a) = self.accounts.get_mut(&e.account_id) {
                    a.display_name = canyu_domain::directory::ERASED_DISPLAY_NAME.to_string();
                    a.role = Role::Resident;
                    a.unit_id = None;
                    a.erased = true;
                }
                self.erased_accounts.insert(e.account_id.clone());
                let signups = self.account_signups.get(&e.account_id).cloned().unwrap_or_default();
                let hearing_ids: Vec<String> = signups.iter().filter_map(|s| self.signup_hearing.get(s).cloned()).collect();
                for hearing_id in hearing_ids {
                    self.redact_hearing_by_id(&hearing_id);
                }
                None
            }
            Event::CataloguePublished(e) => {
                self.catalogues.insert(e.year, CatalogueView { year: e.year, published_at: Some(e.published_at) });
                None
            }
            Event::DecisionRegistered(e) => {
                let view = DecisionView {
                    id: e.decision_id.clone(),
                    year: e.year,
                    title: e.title.clone(),
                    summary: e.summary.clone(),
                    unit_id: e.unit_id.clone(),
                    disclosure: e.disclosure,
                    confidentiality_basis: e.confidentiality_basis.clone(),
                    late_addition_reason: e.late_addition_reason.clone(),
                    registered_at: at,
                    updated_at: at,
                    background: None,
                    drafts: vec![],
                    consultations: vec![],
                    activities: vec![],
                    hearing_ids: vec![],
                    opinions: vec![],
                    feedback_report: None,
                    deliberation: None,
                    result: None,
                    withdrawal: None,
                    state: Decision::evolve(Default::default(), &Event::DecisionRegistered(e.clone())),
                };
                if self.decisions.insert(e.decision_id.clone(), Arc::new(view)).is_none() {
                    self.decision_order.push(e.decision_id.clone());
                }
                let summary = match &e.late_addition_reason {
                    Some(r) => format!("目录公布后增补事项「{}」，理由：{}", clip(&e.title, 40), clip(r, 60)),
                    None => format!("列入{}年度重大行政决策事项目录：「{}」", e.year, clip(&e.title, 40)),
                };
                Some((summary, None))
            }
            Event::BackgroundPublished(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                d.background = Some(BackgroundView { text: e.text.clone(), published_at: at });
                Some(("发布起草背景".into(), None))
            }
            Event::DraftPublished(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                d.drafts.push(DraftView {
                    version: e.version,
                    text: e.text.clone(),
                    clauses: e.clauses.clone(),
                    explanation: e.explanation.clone(),
                    change_note: e.change_note.clone(),
                    published_at: e.published_at,
                });
                let note = if e.change_note.is_empty() { String::new() } else { format!("：{}", clip(&e.change_note, 60)) };
                Some((format!("发布草案第{}稿（{}条）{note}", e.version, e.clauses.len()), None))
            }
            Event::ConsultationOpened(e) => {
                self.consultation_decision.insert(e.consultation_id.clone(), e.decision_id.clone());
                let d = self.decision_mut(&e.decision_id, at)?;
                d.consultations.push(ConsultationView {
                    id: e.consultation_id.clone(),
                    decision_id: e.decision_id.clone(),
                    channel: e.channel,
                    draft_version: e.draft_version,
                    opens_at: e.opens_at,
                    closes_at: e.closes_at,
                    how_to_submit: e.how_to_submit.clone(),
                    shortened_reason: e.shortened_reason.clone(),
                    opened_recorded_at: at,
                    closed_at: None,
                    closed_early: false,
                    close_reason: None,
                });
                let days = (e.closes_at - e.opens_at).num_days();
                let short = e.shortened_reason.as_ref().map(|r| format!("；期限缩短理由：{}", clip(r, 60))).unwrap_or_default();
                Some((
                    format!(
                        "开展{}（第{}稿，{} 至 {}，共{days}天）{short}",
                        channel_label(e.channel),
                        e.draft_version,
                        e.opens_at.format("%Y-%m-%d"),
                        e.closes_at.format("%Y-%m-%d")
                    ),
                    Some(e.consultation_id.clone()),
                ))
            }
            Event::ConsultationClosed(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                let c = d.consultations.iter_mut().find(|c| c.id == e.consultation_id)?;
                c.closed_at = Some(e.closed_at);
                c.closed_early = e.early;
                c.close_reason = e.reason.clone();
                let summary = match (&e.reason, e.early) {
                    (Some(r), true) => format!("提前结束{}，理由：{}", channel_label(c.channel), clip(r, 60)),
                    _ => format!("{}结束", channel_label(c.channel)),
                };
                Some((summary, Some(e.consultation_id.clone())))
            }
            Event::ParticipationActivityRecorded(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                d.activities.push(ActivityView {
                    id: e.activity_id.clone(),
                    kind: e.kind,
                    held_at: e.held_at,
                    summary: e.summary.clone(),
                    participant_count: e.participant_count,
                });
                Some((
                    format!("记录{}（{}人参加）：{}", activity_label(e.kind), e.participant_count, clip(&e.summary, 40)),
                    Some(e.activity_id.clone()),
                ))
            }
            Event::OpinionConsolidated(e) => {
                self.opinion_decision.insert(e.opinion_id.clone(), e.decision_id.clone());
                let opinion: Arc<str> = e.opinion_id.as_str().into();
                for c in &e.comment_ids {
                    if let Some(c) = self.comment_mut(c) {
                        c.opinion_id = Some(opinion.clone());
                    }
                }
                let d = self.decision_mut(&e.decision_id, at)?;
                d.opinions.push(OpinionView {
                    id: e.opinion_id.clone(),
                    decision_id: e.decision_id.clone(),
                    summary: e.summary.clone(),
                    comment_ids: e.comment_ids.clone(),
                    concentrated: e.concentrated,
                    consolidated_at: at,
                    adoption: None,
                });
                let kind = if e.concentrated { "较为集中意见" } else { "意见" };
                Some((format!("归纳{kind}（{}条评论）：{}", e.comment_ids.len(), clip(&e.summary, 40)), Some(e.opinion_id.clone())))
            }
            Event::AdoptionDecided(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                let o = d.opinions.iter_mut().find(|o| o.id == e.opinion_id)?;
                o.adoption = Some(AdoptionView { outcome: e.outcome, rationale: e.rationale.clone(), decided_at: at });
                let why = e.rationale.as_ref().map(|r| format!("，理由：{}", clip(r, 60))).unwrap_or_default();
                Some((format!("对意见「{}」作出{}决定{why}", clip(&o.summary, 30), outcome_label(e.outcome)), Some(e.opinion_id.clone())))
            }
            Event::FeedbackReportPublished(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                d.feedback_report = Some(FeedbackReportView { summary: e.summary.clone(), published_at: e.published_at });
                Some(("公布意见采纳情况".into(), None))
            }
            Event::DeliberationRecorded(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                d.deliberation = Some(DeliberationView {
                    meeting_kind: e.meeting_kind,
                    held_at: e.held_at,
                    summary: e.summary.clone(),
                    dissent: e.dissent.clone(),
                    observers: e.observers.clone(),
                    recorded_at: at,
                });
                let meeting = match e.meeting_kind {
                    MeetingKind::Plenary => "政府全体会议",
                    MeetingKind::ExecutiveMeeting => "政府常务会议",
                };
                Some((format!("{}审议（{}，{}名列席代表）", meeting, e.held_at.format("%Y-%m-%d"), e.observers.len()), None))
            }
            Event::ResultPublished(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                d.result = Some(ResultView {
                    text: e.text.clone(),
                    document_number: e.document_number.clone(),
                    effective_at: e.effective_at,
                    interpretation: e.interpretation.clone(),
                    published_at: e.published_at,
                });
                Some((format!("公布决策结果（{}）及政策解读，{}起施行", e.document_number, e.effective_at.format("%Y-%m-%d")), None))
            }
            Event::DecisionWithdrawn(e) => {
                let d = self.decision_mut(&e.decision_id, at)?;
                d.withdrawal = Some(WithdrawalView { reason: e.reason.clone(), withdrawn_at: at });
                Some((format!("撤回决策事项，理由：{}", clip(&e.reason, 60)), None))
            }
            Event::CommentSubmitted(e) => {
                if self.comment_index.contains_key(e.comment_id.as_str()) {
                    return None;
                }
                let id: Arc<str> = e.comment_id.as_str().into();
                let consultation_id = self.intern(&e.consultation_id);
                let account_id = self.intern(&e.account_id);
                let view = CommentView {
                    id: id.clone(),
                    decision_id: self.intern(&e.decision_id),
                    consultation_id: consultation_id.clone(),
                    account_id: account_id.clone(),
                    clause_id: e.clause_id.as_deref().map(|c| self.intern(c)),
                    body: None,
                    submitted_at: e.submitted_at,
                    hidden_reason: None,
                    hidden_at: None,
                    opinion_id: None,
                };
                let on = e.clause_id.as_ref().map(|c| format!("就条款 {c} ")).unwrap_or_default();
                let subject = e.comment_id;
                let index = self.comments.len() as u32;
                self.comments.push(CommentView { body: Some(e.body), ..view });
                self.comment_index.insert(id, index);
                self.consultation_comments.entry(consultation_id).or_default().push(index);
                self.account_comments.entry(account_id).or_default().push(index);
                Some((format!("收到公众意见：{on}提交一条意见"), Some(subject)))
            }
            Event::CommentHidden(e) => {
                let c = self.comment_mut(&e.comment_id)?;
                c.body = None;
                c.hidden_reason = Some(e.reason.clone());
                c.hidden_at = Some(at);
                Some((format!("隐藏一条意见，理由：{}", clip(&e.reason, 60)), Some(e.comment_id.clone())))
            }
            Event::HearingScheduled(e) => {
                self.hearings.insert(
                    e.hearing_id.clone(),
                    Arc::new(HearingView {
                        id: e.hearing_id.clone(),
                        decision_id: e.decision_id.clone(),
                        starts_at: e.starts_at,
                        venue: e.venue.clone(),
                        capacity: e.capacity,
                        signup_closes_at: e.signup_closes_at,
                        selection_method: e.selection_method,
                        selection_rules: e.selection_rules.clone(),
                        stakeholder_groups: e.stakeholder_groups.clone(),
                        scheduled_at: at,
                        signups: vec![],
                        draw_seed: None,
                        participants: None,
                        participants_published_at: None,
                        record_summary: None,
                        held_at: None,
                    }),
                );
                if let Some(d) = self.decisions.get_mut(&e.decision_id) {
                    let d = Arc::make_mut(d);
                    d.hearing_ids.push(e.hearing_id.clone());
                    d.updated_at = at;
                }
                let method = match e.selection_method {
                    SelectionMethod::Lottery => "随机抽选",
                    SelectionMethod::FirstCome => "按报名先后",
                };
                Some((
                    format!(
                        "公告听证会：{}，{}，{}个名额，{}，报名截止{}",
                        e.starts_at.format("%Y-%m-%d"),
                        clip(&e.venue, 30),
                        e.capacity,
                        method,
                        e.signup_closes_at.format("%Y-%m-%d")
                    ),
                    Some(e.hearing_id.clone()),
                ))
            }
            Event::HearingSignupSubmitted(e) => {
                self.signup_hearing.insert(e.signup_id.clone(), e.hearing_id.clone());
                self.account_signups.entry(e.account_id.clone()).or_default().push(e.signup_id.clone());
                let h = self.hearing_mut(&e.hearing_id)?;
                let status = e.status;
                h.signups.push(SignupView {
                    id: e.signup_id.clone(),
                    hearing_id: e.hearing_id.clone(),
                    account_id: e.account_id.clone(),
                    display_name: e.display_name.clone(),
                    stakeholder_group: e.stakeholder_group.clone(),
                    statement: e.statement.clone(),
                    status,
                    submitted_at: at,
                    personal: e.personal.clone(),
                });
                let what = match status {
                    SignupStatus::Accepted => "报名成功",
                    SignupStatus::Waitlisted => "进入候补",
                    _ => "待抽选",
                };
                Some((format!("{}代表报名参加听证会（{what}）", e.stakeholder_group), Some(e.hearing_id.clone())))
            }
            Event::HearingSignupWithdrawn(e) => {
                let h = self.hearing_mut(&e.hearing_id)?;
                let s = h.signups.iter_mut().find(|s| s.id == e.signup_id)?;
                s.status = SignupStatus::Withdrawn;
                Some((format!("{}代表撤回听证会报名", s.stakeholder_group), Some(e.hearing_id.clone())))
            }
            Event::HearingSignupPromoted(e) => {
                let h = self.hearing_mut(&e.hearing_id)?;
                let s = h.signups.iter_mut().find(|s| s.id == e.signup_id)?;
                s.status = SignupStatus::Accepted;
                Some((format!("候补的{}代表递补参加听证会", s.stakeholder_group), Some(e.hearing_id.clone())))
            }
            Event::HearingParticipantsDrawn(e) => {
                let h = self.hearing_mut(&e.hearing_id)?;
                h.draw_seed = Some(e.seed.clone());
                for s in h.signups.iter_mut() {
                    if e.selected.contains(&s.id) {
                        s.status = SignupStatus::Accepted;
                    } else if e.not_selected.contains(&s.id) {
                        s.status = SignupStatus::NotSelected;
                    }
                }
                Some((
                    format!("随机抽选听证参加人（种子 {}）：{}人入选，{}人未入选", e.seed, e.selected.len(), e.not_selected.len()),
                    Some(e.hearing_id.clone()),
                ))
            }
            Event::HearingParticipantsPublished(e) => {
                let h = self.hearing_mut(&e.hearing_id)?;
                h.participants = Some(e.participants.clone());
                h.participants_published_at = Some(at);
                self.redact_hearing_by_id(&e.hearing_id);
                Some((format!("公布听证参加人名单（{}人）", e.participants.len()), Some(e.hearing_id.clone())))
            }
            Event::HearingHeld(e) => {
                let h = self.hearing_mut(&e.hearing_id)?;
                h.record_summary = Some(e.record_summary.clone());
                h.held_at = Some(at);
                Some(("举行听证会，公布听证笔录摘要".into(), Some(e.hearing_id.clone())))
            }
        }
    }
}
