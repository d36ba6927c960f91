//! Query functions over the read models: visibility, filters, pagination, the `asOf` replay.

use std::collections::HashSet;
use std::sync::Arc;

use canyu_domain::values::{ConsultationStatus, SelectionMethod, SignupStatus, Stage};
use canyu_eventstore::{EventStore, RecordedEvent, StoreError};
use chrono::{DateTime, Utc};

use crate::model::*;

/// Largest page any list returns.
pub const MAX_PAGE: usize = 100;

/// Who is looking: decides which decisions are visible.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub admin: bool,
    pub unit_id: Option<String>,
}

impl Viewer {
    /// Admins and staff of the decision's unit see it always. Anyone else sees it once its
    /// year's catalogue is published (an item added later is added to a published catalogue),
    /// and never when it is confidential. Every path to a decision — lists, `decision(id)`,
    /// its consultations, hearings, comments, history, subscriptions, the export — asks here.
    pub fn can_see(&self, m: &ReadModel, d: &DecisionView) -> bool {
        if self.admin || self.unit_id.as_deref() == Some(d.unit_id.as_str()) {
            return true;
        }
        !d.is_confidential() && catalogue_published(m, d.year)
    }
}

/// Whether the year's catalogue has been published.
pub fn catalogue_published(m: &ReadModel, year: i32) -> bool {
    m.catalogues.get(&year).is_some_and(|c| c.published_at.is_some())
}

/// A page of items with the total count and the cursor after the last item.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub total: usize,
    pub items: Vec<(String, T)>,
    pub has_next: bool,
}

/// Clamps a requested page size to 1..=MAX_PAGE (default 20).
pub fn page_size(first: Option<i32>) -> usize {
    first.map_or(20, |f| f.clamp(1, MAX_PAGE as i32) as usize)
}

fn offset_after(after: Option<&str>) -> usize {
    // Saturating: the largest cursor is past every page, never page one again.
    after.and_then(|a| a.parse::<usize>().ok()).map_or(0, |a| a.saturating_add(1))
}

/// Filter of the decision list.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub year: Option<i32>,
    pub unit_id: Option<String>,
    pub stage: Option<Stage>,
    /// Case-insensitive substring of title or summary.
    pub text: Option<String>,
    /// The moment `stage` is evaluated at.
    pub now: DateTime<Utc>,
}

/// Decisions in registration order, filtered; cursors are indexes into the filtered list.
pub fn decisions(m: &ReadModel, f: &DecisionFilter, viewer: &Viewer, first: Option<i32>, after: Option<&str>) -> Page<Arc<DecisionView>> {
    let needle = f.text.as_ref().map(|t| t.to_lowercase());
    let all: Vec<&Arc<DecisionView>> = m
        .decision_order
        .iter()
        .filter_map(|id| m.decisions.get(id))
        .filter(|d| viewer.can_see(m, d))
        .filter(|d| f.year.is_none_or(|y| d.year == y))
        .filter(|d| f.unit_id.as_ref().is_none_or(|u| &d.unit_id == u))
        .filter(|d| f.stage.is_none_or(|s| d.stage(f.now) == s))
        .filter(|d| needle.as_ref().is_none_or(|n| d.title.to_lowercase().contains(n) || d.summary.to_lowercase().contains(n)))
        .collect();
    slice(all.into_iter().cloned().collect(), first, after)
}

fn slice<T>(all: Vec<T>, first: Option<i32>, after: Option<&str>) -> Page<T> {
    let total = all.len();
    let start = offset_after(after).min(total);
    let n = page_size(first);
    let items: Vec<(String, T)> = all.into_iter().enumerate().skip(start).take(n).map(|(i, t)| (i.to_string(), t)).collect();
    Page { total, has_next: start + n < total, items }
}

/// The public catalogue of a year.
#[derive(Debug, Clone)]
pub struct CatalogueResult {
    pub year: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub items: Vec<Arc<DecisionView>>,
    pub confidential_count: usize,
    pub confidential_bases: Vec<String>,
}

/// The catalogue: before publication only admins (all items) and a unit's staff (their own
/// items) see anything; confidential items appear only as a count with their legal bases,
/// except to admins and their unit's staff.
pub fn catalogue(m: &ReadModel, year: i32, viewer: &Viewer) -> CatalogueResult {
    let published_at = m.catalogues.get(&year).and_then(|c| c.published_at);
    let mut items = Vec::new();
    let mut confidential_count = 0;
    let mut confidential_bases = Vec::new();
    if published_at.is_some() || viewer.admin || viewer.unit_id.is_some() {
        for d in m.decision_order.iter().filter_map(|id| m.decisions.get(id)).filter(|d| d.year == year) {
            if !viewer.can_see(m, d) && published_at.is_none() {
                continue;
            }
            if d.is_confidential() {
                confidential_count += 1;
                if let Some(b) = &d.confidentiality_basis {
                    confidential_bases.push(b.clone());
                }
            }
            if viewer.can_see(m, d) {
                items.push(d.clone());
            }
        }
    }
    CatalogueResult { year, published_at, items, confidential_count, confidential_bases }
}

/// Comments of a consultation, in submission order, optionally only those submitted by `until`.
pub fn comments(
    m: &ReadModel,
    consultation_id: &str,
    until: Option<DateTime<Utc>>,
    first: Option<i32>,
    after: Option<&str>,
) -> Page<CommentView> {
    let ids = m.consultation_comments.get(consultation_id).map(Vec::as_slice).unwrap_or(&[]);
    match until {
        None => {
            let total = ids.len();
            let start = offset_after(after).min(total);
            let n = page_size(first);
            let items =
                m.comments_at(&ids[start..total.min(start + n)]).enumerate().map(|(i, c)| ((start + i).to_string(), c.clone())).collect();
            Page { total, has_next: start + n < total, items }
        }
        Some(t) => {
            let all: Vec<CommentView> = m.comments_at(ids).filter(|c| c.submitted_at <= t).cloned().collect();
            slice(all, first, after)
        }
    }
}

/// Comments of a consultation on any of `clause_ids` (a clause and its predecessors), in
/// submission order.
pub fn comments_on_clauses(
    m: &ReadModel,
    consultation_id: &str,
    clause_ids: &[String],
    first: Option<i32>,
    after: Option<&str>,
) -> Page<CommentView> {
    let ids = m.consultation_comments.get(consultation_id).map(Vec::as_slice).unwrap_or(&[]);
    let on = |c: &&CommentView| c.clause_id.as_deref().is_some_and(|k| clause_ids.iter().any(|x| x == k));
    slice(m.comments_at(ids).filter(on).cloned().collect(), first, after)
}

/// Comments on each clause id over the given consultations.
pub fn clause_comment_counts<'a>(
    m: &ReadModel,
    consultation_ids: impl Iterator<Item = &'a str>,
) -> std::collections::HashMap<Arc<str>, usize> {
    let mut counts = std::collections::HashMap::new();
    for k in consultation_ids {
        let ids = m.consultation_comments.get(k).map(Vec::as_slice).unwrap_or(&[]);
        for clause in m.comments_at(ids).filter_map(|c| c.clause_id.clone()) {
            *counts.entry(clause).or_insert(0) += 1;
        }
    }
    counts
}

/// Number of comments of a consultation (submitted by `until`, if given).
pub fn comment_count(m: &ReadModel, consultation_id: &str, until: Option<DateTime<Utc>>) -> usize {
    let ids = m.consultation_comments.get(consultation_id).map(Vec::as_slice).unwrap_or(&[]);
    match until {
        None => ids.len(),
        Some(t) => m.comments_at(ids).filter(|c| c.submitted_at <= t).count(),
    }
}

/// A decision's history in commit order; cursors are global positions.
pub fn history(
    m: &ReadModel,
    decision_id: &str,
    until: Option<DateTime<Utc>>,
    kinds: Option<&[String]>,
    first: Option<i32>,
    after: Option<&str>,
) -> Page<HistoryEntry> {
    let all = m.histories.get(decision_id).map(Vec::as_slice).unwrap_or(&[]);
    let end = match until {
        Some(t) => all.partition_point(|e| e.at <= t),
        None => all.len(),
    };
    let all = &all[..end];
    let after_pos = after.and_then(|a| a.parse::<u64>().ok()).unwrap_or(0);
    let n = page_size(first);
    let keep = |e: &&HistoryEntry| kinds.is_none_or(|k| k.iter().any(|k| k == e.kind));
    let total = if kinds.is_some() { all.iter().filter(keep).count() } else { all.len() };
    let start = all.partition_point(|e| e.position <= after_pos);
    let mut items: Vec<(String, HistoryEntry)> =
        all[start..].iter().filter(keep).take(n + 1).map(|e| (e.position.to_string(), e.clone())).collect();
    let has_next = items.len() > n;
    items.truncate(n);
    Page { total, items, has_next }
}

/// History entries of a decision after `position` (for live subscriptions).
pub fn history_after(m: &ReadModel, decision_id: &str, position: u64) -> Vec<HistoryEntry> {
    let all = m.histories.get(decision_id).map(Vec::as_slice).unwrap_or(&[]);
    all[all.partition_point(|e| e.position <= position)..].to_vec()
}

/// What an `asOf` replay of one decision takes from the live read model: the streams to read
/// and what applies to the past too (erasures, hidden comments).
#[derive(Debug, Clone, Default)]
pub struct PastPlan {
    pub decision_id: String,
    pub hearing_ids: Vec<String>,
    /// The decision's comments that may have existed at the moment (submitted by then).
    pub comment_ids: Vec<Arc<str>>,
    /// Accounts erased by now: erasure applies to every past view.
    pub erased: Vec<String>,
    /// Comments hidden by now: their bodies stay withheld in every past view.
    pub hidden: HashSet<Arc<str>>,
}

impl PastPlan {
    /// The plan for `d` at `at`, from the live read model.
    pub fn of(m: &ReadModel, d: &DecisionView, at: DateTime<Utc>) -> Self {
        let mut comment_ids = Vec::new();
        let mut hidden = HashSet::new();
        for c in &d.consultations {
            let ids = m.consultation_comments.get(c.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            // A comment's submission time is taken before its append, so one submitted after
            // `at` was not in the log at `at` either.
            for comment in m.comments_at(ids).filter(|c| c.submitted_at <= at) {
                comment_ids.push(comment.id.clone());
                if comment.hidden_at.is_some() {
                    hidden.insert(comment.id.clone());
                }
            }
        }
        PastPlan {
            decision_id: d.id.clone(),
            hearing_ids: d.hearing_ids.clone(),
            comment_ids,
            erased: m.erased_accounts.keys().cloned().collect(),
            hidden,
        }
    }
}

/// A decision as it stood at a moment: the read models folded from only the events of its
/// streams (decision, hearings, comments) committed by then, by the same projectors. What the
/// present withholds stays withheld: erased people, and the bodies of comments hidden later.
#[derive(Debug, Clone)]
pub struct Past {
    pub at: DateTime<Utc>,
    pub model: ReadModel,
    /// Comments visible at `at` that were hidden later: their bodies are withheld.
    pub hidden_later: HashSet<Arc<str>>,
}

impl Past {
    /// The replayed decision.
    pub fn decision(&self, id: &str) -> Option<&Arc<DecisionView>> {
        self.model.decisions.get(id)
    }
}

/// Streams read at once by a replay.
const REPLAY_READS: usize = 16;

/// The decision of `plan` as it stood at `at` (see [`Past`]); `None` if it did not exist yet.
pub async fn decision_as_of(store: &dyn EventStore, plan: &PastPlan, at: DateTime<Utc>) -> Result<Option<Past>, StoreError> {
    use futures::{StreamExt, TryStreamExt};
    let mut streams = vec![canyu_app::streams::decision(&plan.decision_id)];
    streams.extend(plan.hearing_ids.iter().map(|h| canyu_app::streams::hearing(h)));
    streams.extend(plan.comment_ids.iter().map(|c| canyu_app::streams::comment(c)));
    type Read<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<RecordedEvent>, StoreError>> + Send + 'a>>;
    let reads: Vec<Read<'_>> = streams.iter().map(|s| Box::pin(read_until(store, s, at)) as Read<'_>).collect();
    let pages: Vec<Vec<RecordedEvent>> = futures::stream::iter(reads).buffered(REPLAY_READS).try_collect().await?;
    let mut events: Vec<RecordedEvent> = pages.into_iter().flatten().collect();
    events.sort_by_key(|e| e.position);
    let mut model = ReadModel::default();
    for a in &plan.erased {
        model.erased_accounts.insert(a.clone(), ());
    }
    model.apply_all(&events);
    if !model.decisions.contains_key(&plan.decision_id) {
        return Ok(None);
    }
    for id in &plan.hearing_ids {
        if let Some(mut h) = model.hearings.get(id).cloned() {
            model.redact_hearing(Arc::make_mut(&mut h));
            model.hearings.insert(id.clone(), h);
        }
    }
    let mut hidden_later = HashSet::new();
    for id in &plan.hidden {
        let later = model.update_comment(id, |c| {
            let later = c.hidden_at.is_none();
            if later {
                c.body = None;
            }
            later
        });
        if later == Some(true) {
            hidden_later.insert(id.clone());
        }
    }
    Ok(Some(Past { at, model, hidden_later }))
}

/// A stream's events committed by `at`.
async fn read_until(store: &dyn EventStore, stream: &str, at: DateTime<Utc>) -> Result<Vec<RecordedEvent>, StoreError> {
    const PAGE: usize = 1000;
    let mut out = Vec::new();
    let mut from = 0;
    loop {
        let page = store.read_stream(stream, from, PAGE).await?;
        let n = page.len();
        out.extend(page.into_iter().filter(|e| e.metadata.server_time <= at));
        if n < PAGE {
            return Ok(out);
        }
        from += n as u64;
    }
}

/// One decision's pending actions for its unit.
#[derive(Debug, Clone)]
pub struct DashboardItem {
    pub decision: Arc<DecisionView>,
    /// Codes: UNGROUPED_COMMENTS, OPINIONS_AWAITING_DECISION, CONSULTATION_ENDED,
    /// FEEDBACK_REPORT_DUE, DRAW_DUE, PARTICIPANT_LIST_DUE, HEARING_RECORD_DUE,
    /// DELIBERATION_DUE, RESULT_DUE.
    pub awaiting: Vec<String>,
    pub ungrouped_comments: usize,
}

/// What awaits action for each of a unit's active decisions.
pub fn dashboard(m: &ReadModel, unit_id: &str, now: DateTime<Utc>) -> Vec<DashboardItem> {
    let mut out = Vec::new();
    for d in m.decision_order.iter().filter_map(|id| m.decisions.get(id)).filter(|d| d.unit_id == unit_id) {
        if matches!(d.stage(now), Stage::Decided | Stage::Withdrawn) {
            continue;
        }
        let mut awaiting = Vec::new();
        let ungrouped = m.ungrouped.get(&d.id).copied().unwrap_or(0) as usize;
        let all_closed = d.consultations.iter().all(|c| c.status(now) == ConsultationStatus::Closed);
        if ungrouped > 0 && all_closed {
            awaiting.push("UNGROUPED_COMMENTS".into());
        }
        if d.opinions.iter().any(|o| o.adoption.is_none()) {
            awaiting.push("OPINIONS_AWAITING_DECISION".into());
        }
        if d.consultations.iter().any(|c| c.closed_at.is_none() && now >= c.closes_at) {
            awaiting.push("CONSULTATION_ENDED".into());
        }
        if !d.consultations.is_empty() && all_closed && d.feedback_report.is_none() && d.opinions.iter().all(|o| o.adoption.is_some()) {
            awaiting.push("FEEDBACK_REPORT_DUE".into());
        }
        for h in d.hearing_ids.iter().filter_map(|h| m.hearings.get(h)) {
            if h.selection_method == SelectionMethod::Lottery && h.draw_seed.is_none() && now >= h.signup_closes_at {
                awaiting.push("DRAW_DUE".into());
            } else if h.participants.is_none() && now >= h.signup_closes_at && now < h.starts_at {
                awaiting.push("PARTICIPANT_LIST_DUE".into());
            } else if h.participants.is_some() && h.held_at.is_none() && now >= h.starts_at {
                awaiting.push("HEARING_RECORD_DUE".into());
            }
        }
        if (d.feedback_report.is_some() || d.consultations.is_empty()) && d.deliberation.is_none() && !d.drafts.is_empty() {
            awaiting.push("DELIBERATION_DUE".into());
        }
        if d.deliberation.is_some() && d.result.is_none() {
            awaiting.push("RESULT_DUE".into());
        }
        out.push(DashboardItem { decision: d.clone(), awaiting, ungrouped_comments: ungrouped });
    }
    out
}

/// A resident's own sign-up with its hearing.
#[derive(Debug, Clone)]
pub struct MySignup {
    pub signup: SignupView,
    pub hearing: Arc<HearingView>,
}

/// Everything an account took part in: comments (with their opinion) and sign-ups.
pub fn participation(m: &ReadModel, account_id: &str) -> (Vec<CommentView>, Vec<MySignup>) {
    let comments = m.account_comments.get(account_id).map(|ids| m.comments_at(ids).cloned().collect()).unwrap_or_default();
    let signups = m
        .account_signups
        .get(account_id)
        .into_iter()
        .flatten()
        .filter_map(|sid| {
            let h = m.hearings.get(m.signup_hearing.get(sid)?)?;
            let s = h.signups.iter().find(|s| &s.id == sid)?;
            Some(MySignup { signup: s.clone(), hearing: h.clone() })
        })
        .collect();
    (comments, signups)
}

/// Whether a sign-up status counts as having a seat.
pub fn has_seat(s: SignupStatus) -> bool {
    s == SignupStatus::Accepted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 10: the cursor "18446744073709551615" overflowed and answered page one again.
    #[test]
    fn the_largest_cursor_is_past_every_page_not_page_one() {
        assert_eq!(offset_after(None), 0);
        assert_eq!(offset_after(Some("4")), 5);
        assert_eq!(offset_after(Some("18446744073709551615")), usize::MAX);
        let page = slice((0..10).collect::<Vec<i32>>(), Some(3), Some("18446744073709551615"));
        assert!(page.items.is_empty() && !page.has_next, "nothing after the end");
        let first = slice((0..10).collect::<Vec<i32>>(), Some(3), None);
        assert_eq!(first.items.iter().map(|(_, v)| *v).collect::<Vec<_>>(), [0, 1, 2]);
    }
}

/// What a record bundle withholds (shows by its leaf alone): the positions of comments since
/// hidden, and whatever the erased accounts wrote (`erased`: their ids).
#[derive(Debug, Clone, Default)]
pub struct Withheld {
    pub positions: HashSet<u64>,
    pub erased: HashSet<String>,
}

/// [`Withheld`] for one decision's record.
pub fn withheld(m: &ReadModel, decision_id: &str) -> Withheld {
    let all = m.histories.get(decision_id).map(Vec::as_slice).unwrap_or(&[]);
    let positions = all
        .iter()
        .filter(|e| e.subject_id.as_deref().and_then(|id| m.comment(id)).is_some_and(|c| c.hidden_at.is_some()))
        .map(|e| e.position)
        .collect();
    Withheld { positions, erased: m.erased_accounts.keys().cloned().collect() }
}
