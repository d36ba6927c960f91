//! GraphQL output types: thin wrappers over read-model views.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use canyu_projections::query::Past;
use canyu_projections::query::{self, Viewer};
use canyu_projections::{self as proj, DecisionView, HearingView};
use chrono::{DateTime, Utc};

use crate::error::OrGql;
use crate::{Auth, Services};

/// GraphQL enums mirror the domain's own enums (`canyu_domain::values`): the `remote` derive
/// converts both ways with exhaustive matches, so a value added on one side and not the other
/// fails to compile, and GraphQL names are the domain's stored names.
macro_rules! gql_enum {
    ($(#[$doc:meta])* $name:ident = $remote:literal { $($variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        #[graphql(remote = $remote)]
        pub enum $name { $( $variant ),* }
    };
}

gql_enum!(
    /// Stage of a decision, derived from its events.
    Stage = "canyu_domain::values::Stage" { Listed, Drafting, Consulting, Feedback, Deliberation, Decided, Withdrawn }
);
gql_enum!(
    /// Disclosure attribute: 主动公开 / 依申请公开 / 不予公开.
    Disclosure = "canyu_domain::values::Disclosure" { Public, OnRequest, Confidential }
);
gql_enum!(
    /// Consultation channel (Decree 713 Art. 14).
    Channel = "canyu_domain::values::Channel" { Online, Written, Symposium, FieldVisit, Questionnaire, OpinionPoll }
);
gql_enum!(
    /// Kind of an offline participation activity.
    ActivityKind = "canyu_domain::values::ActivityKind" { Symposium, Written, FieldVisit, Questionnaire, OpinionPoll }
);
gql_enum!(
    /// SCHEDULED before it opens, OPEN, CLOSED after its end or an early close.
    ConsultationStatus = "canyu_domain::values::ConsultationStatus" { Scheduled, Open, Closed }
);
gql_enum!(
    /// Account role.
    Role = "canyu_domain::values::Role" { Resident, UnitStaff, Admin }
);
gql_enum!(
    /// How hearing participants are selected.
    SelectionMethod = "canyu_domain::values::SelectionMethod" { FirstCome, Lottery }
);
gql_enum!(
    /// Status of a hearing.
    HearingStatus = "canyu_domain::values::HearingStatus" { OpenForSignup, SignupClosed, Drawn, ParticipantsPublished, Held }
);
gql_enum!(
    /// Status of a hearing sign-up.
    SignupStatus = "canyu_domain::values::SignupStatus" { Accepted, Waitlisted, PendingDraw, NotSelected, Withdrawn }
);
gql_enum!(
    /// Adoption outcome of an opinion.
    AdoptionOutcome = "canyu_domain::values::AdoptionOutcome" { Adopted, PartiallyAdopted, NotAdopted }
);
gql_enum!(
    /// Kind of the decision meeting.
    MeetingKind = "canyu_domain::values::MeetingKind" { ExecutiveMeeting, Plenary }
);

/// Pagination facts of a connection.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

fn page_info<T>(p: &query::Page<T>) -> PageInfo {
    PageInfo { has_next_page: p.has_next, end_cursor: p.items.last().map(|(c, _)| c.clone()) }
}

/// An undertaking unit (承办单位).
#[derive(SimpleObject, Clone, Debug)]
pub struct Unit {
    pub id: ID,
    pub name: String,
}

impl Unit {
    pub fn lookup(m: &proj::ReadModel, id: &str) -> Unit {
        Unit { id: ID(id.to_string()), name: m.units.get(id).map(|u| u.name.clone()).unwrap_or_default() }
    }
}

/// An account: public display name and role.
#[derive(Clone, Debug)]
pub struct Account(pub proj::AccountView);

#[Object]
impl Account {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        let s = ctx.data::<Arc<Services>>()?;
        Ok(self.0.unit_id.as_ref().map(|u| s.projections.read(|m| Unit::lookup(m, u))))
    }
    /// The account's own comments and what became of them (only for the account itself).
    async fn comments(&self, ctx: &Context<'_>) -> Result<Vec<MyComment>> {
        let s = ctx.data::<Arc<Services>>()?;
        self.ensure_self(ctx)?;
        Ok(s.projections.read(|m| {
            query::participation(m, &self.0.id)
                .0
                .into_iter()
                .map(|c| {
                    let decision = m.decisions.get(&*c.decision_id);
                    let opinion = c.opinion_id.as_ref().and_then(|o| decision?.opinions.iter().find(|x| *x.id == **o).cloned());
                    let title = decision.map(|d| d.title.clone()).unwrap_or_default();
                    MyComment { comment: Comment::live(c), opinion: opinion.map(Opinion), decision_title: title }
                })
                .collect()
        }))
    }
    /// The account's own hearing sign-ups (only for the account itself).
    async fn hearing_signups(&self, ctx: &Context<'_>) -> Result<Vec<HearingSignup>> {
        let s = ctx.data::<Arc<Services>>()?;
        self.ensure_self(ctx)?;
        Ok(s.projections.read(|m| query::participation(m, &self.0.id).1.into_iter().map(|x| HearingSignup(x.signup)).collect()))
    }
}

impl Account {
    fn ensure_self(&self, ctx: &Context<'_>) -> Result<()> {
        let auth = ctx.data::<Auth>()?;
        match &auth.0 {
            Some(p) if p.account_id == self.0.id => Ok(()),
            _ => Err(crate::error::gql(canyu_app::AppError::forbidden("only the account itself may see this"))),
        }
    }
}

/// One of my comments, with the opinion it was grouped into.
#[derive(SimpleObject, Clone, Debug)]
pub struct MyComment {
    pub comment: Comment,
    pub decision_title: String,
    pub opinion: Option<Opinion>,
}

/// The annual catalogue of major decisions.
#[derive(Clone, Debug)]
pub struct Catalogue(pub query::CatalogueResult);

#[Object]
impl Catalogue {
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn published(&self) -> bool {
        self.0.published_at.is_some()
    }
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// Items visible to the viewer (confidential ones only to admins and their unit).
    async fn items(&self) -> Vec<Decision> {
        self.0.items.iter().map(|d| Decision::live(d.clone())).collect()
    }
    /// How many items are confidential (不予公开).
    async fn confidential_count(&self) -> i32 {
        self.0.confidential_count as i32
    }
    /// The legal bases of the confidential items.
    async fn confidential_bases(&self) -> &[String] {
        &self.0.confidential_bases
    }
}

/// A major administrative decision (重大行政决策事项), live or as it stood at `asOf`.
#[derive(Clone, Debug)]
pub struct Decision {
    pub view: Arc<DecisionView>,
    pub as_of: Option<DateTime<Utc>>,
    /// The replayed read models for `as_of`; `None` for the live view.
    pub past: Option<Arc<Past>>,
}

impl Decision {
    /// The draft versions with clause lineages and comment counts as of the moment shown.
    fn draft_versions(&self, ctx: &Context<'_>) -> Result<Vec<Draft>> {
        let consultations = || self.view.consultations.iter().map(|c| c.id.as_str());
        let counts = match &self.past {
            Some(p) => query::clause_comment_counts(&p.model, consultations()),
            None => ctx.data::<Arc<Services>>()?.projections.read(|m| query::clause_comment_counts(m, consultations())),
        };
        Ok(Draft::versions(&self.view.drafts, &counts))
    }

    pub fn live(view: Arc<DecisionView>) -> Self {
        Decision { view, as_of: None, past: None }
    }

    /// The decision of a replay (see [`query::decision_as_of`]); hearings are already redacted.
    pub fn past(past: Arc<Past>, id: &str) -> Option<Self> {
        let view = past.decision(id)?.clone();
        Some(Decision { view, as_of: Some(past.at), past: Some(past) })
    }
}

/// The drafting background (起草背景).
#[derive(SimpleObject, Clone, Debug)]
pub struct Background {
    pub text: String,
    pub published_at: DateTime<Utc>,
}

/// One clause of a draft.
#[derive(SimpleObject, Clone, Debug)]
pub struct Clause {
    pub id: ID,
    pub number: i32,
    pub text: String,
    /// This clause and the clauses of earlier versions it continues, newest first: the same id
    /// while unchanged, the replaced clause's id where it was rewritten (ADR 0005).
    pub lineage: Vec<ID>,
    /// Comments on this clause or on the clauses it continues, over every consultation (as of
    /// the moment shown).
    pub comment_count: i32,
}

/// A numbered draft version.
#[derive(SimpleObject, Clone, Debug)]
pub struct Draft {
    pub version: i32,
    pub text: String,
    pub clauses: Vec<Clause>,
    pub explanation: String,
    pub change_note: String,
    pub published_at: DateTime<Utc>,
}

impl Draft {
    /// Every version of a decision's draft, each clause with its lineage and comment count.
    fn versions(drafts: &[proj::DraftView], counts: &std::collections::HashMap<Arc<str>, usize>) -> Vec<Draft> {
        let mut previous: &[canyu_domain::events::Clause] = &[];
        let mut lineages: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(drafts.len());
        for d in drafts {
            let predecessors = canyu_domain::clauses::predecessors(previous, &d.clauses);
            let mut next: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
            let mut clauses = Vec::with_capacity(d.clauses.len());
            for (c, before) in d.clauses.iter().zip(predecessors) {
                let mut lineage = vec![c.id.clone()];
                if let Some(earlier) = before.as_deref().and_then(|p| lineages.get(p)) {
                    lineage.extend(earlier.iter().filter(|x| **x != c.id).cloned());
                }
                let comment_count = lineage.iter().map(|id| counts.get(id.as_str()).copied().unwrap_or(0)).sum::<usize>() as i32;
                clauses.push(Clause {
                    id: ID(c.id.clone()),
                    number: c.number as i32,
                    text: c.text.clone(),
                    lineage: lineage.iter().cloned().map(ID).collect(),
                    comment_count,
                });
                next.insert(c.id.as_str(), lineage);
            }
            lineages = next;
            previous = &d.clauses;
            out.push(Draft {
                version: d.version as i32,
                text: d.text.clone(),
                clauses,
                explanation: d.explanation.clone(),
                change_note: d.change_note.clone(),
                published_at: d.published_at,
            });
        }
        out
    }
}

/// An offline participation activity.
#[derive(SimpleObject, Clone, Debug)]
pub struct ParticipationActivity {
    pub id: ID,
    pub kind: ActivityKind,
    pub held_at: DateTime<Utc>,
    pub summary: String,
    pub participant_count: i32,
}

/// The feedback report (意见采纳情况).
#[derive(SimpleObject, Clone, Debug)]
pub struct FeedbackReport {
    pub summary: String,
    pub published_at: DateTime<Utc>,
}

/// A stakeholder attending the meeting (列席).
#[derive(SimpleObject, Clone, Debug)]
pub struct Observer {
    pub name: String,
    pub affiliation: String,
    pub opinion: String,
    /// What became of their opinion; null in records made before outcomes existed.
    pub outcome: Option<AdoptionOutcome>,
    pub rationale: Option<String>,
    /// Records made before outcomes existed: the adoption as free text.
    #[graphql(deprecation = "use outcome and rationale; kept for records made before them")]
    pub adoption: String,
}

/// The decision meeting.
#[derive(SimpleObject, Clone, Debug)]
pub struct Deliberation {
    pub meeting_kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub summary: String,
    pub dissent: String,
    pub observers: Vec<Observer>,
}

/// The published decision with its interpretation (政策解读).
#[derive(SimpleObject, Clone, Debug)]
pub struct DecisionResult {
    pub text: String,
    pub document_number: String,
    pub effective_at: DateTime<Utc>,
    pub interpretation: String,
    pub published_at: DateTime<Utc>,
}

/// An exemption from public participation (Decree 713 Art. 14).
#[derive(SimpleObject, Clone, Debug)]
pub struct ParticipationExemption {
    pub legal_basis: String,
    pub recorded_at: DateTime<Utc>,
}

/// Why and when a decision was withdrawn.
#[derive(SimpleObject, Clone, Debug)]
pub struct Withdrawal {
    pub reason: String,
    pub withdrawn_at: DateTime<Utc>,
}

fn now_or(as_of: Option<DateTime<Utc>>, ctx: &Context<'_>) -> Result<DateTime<Utc>> {
    Ok(match as_of {
        Some(t) => t,
        None => ctx.data::<Arc<Services>>()?.app.now(),
    })
}

#[Object]
impl Decision {
    async fn id(&self) -> ID {
        ID(self.view.id.clone())
    }
    async fn title(&self) -> &str {
        &self.view.title
    }
    async fn summary(&self) -> &str {
        &self.view.summary
    }
    async fn year(&self) -> i32 {
        self.view.year
    }
    async fn stage(&self, ctx: &Context<'_>) -> Result<Stage> {
        Ok(self.view.stage(now_or(self.as_of, ctx)?).into())
    }
    async fn disclosure(&self) -> Disclosure {
        self.view.disclosure.into()
    }
    /// Legal basis when CONFIDENTIAL.
    async fn confidentiality_basis(&self) -> Option<&str> {
        self.view.confidentiality_basis.as_deref()
    }
    /// Why the item was added after the catalogue was published.
    async fn addition_reason(&self) -> Option<&str> {
        self.view.late_addition_reason.as_deref()
    }
    async fn registered_at(&self) -> DateTime<Utc> {
        self.view.registered_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.view.updated_at
    }
    /// The moment this view shows; null for the live view.
    async fn as_of(&self) -> Option<DateTime<Utc>> {
        self.as_of
    }
    async fn undertaking_unit(&self, ctx: &Context<'_>) -> Result<Unit> {
        Ok(ctx.data::<Arc<Services>>()?.projections.read(|m| Unit::lookup(m, &self.view.unit_id)))
    }
    async fn background(&self) -> Option<Background> {
        self.view.background.as_ref().map(|b| Background { text: b.text.clone(), published_at: b.published_at })
    }
    async fn drafts(&self, ctx: &Context<'_>) -> Result<Vec<Draft>> {
        self.draft_versions(ctx)
    }
    async fn current_draft(&self, ctx: &Context<'_>) -> Result<Option<Draft>> {
        Ok(self.draft_versions(ctx)?.pop())
    }
    async fn consultations(&self) -> Vec<Consultation> {
        self.view.consultations.iter().map(|c| Consultation { view: c.clone(), as_of: self.as_of, past: self.past.clone() }).collect()
    }
    /// Why it goes ahead without public participation, when the unit recorded an exemption.
    async fn participation_exemption(&self) -> Option<ParticipationExemption> {
        self.view
            .participation_exemption
            .as_ref()
            .map(|e| ParticipationExemption { legal_basis: e.legal_basis.clone(), recorded_at: e.recorded_at })
    }
    async fn participation_activities(&self) -> Vec<ParticipationActivity> {
        self.view
            .activities
            .iter()
            .map(|a| ParticipationActivity {
                id: ID(a.id.clone()),
                kind: a.kind.into(),
                held_at: a.held_at,
                summary: a.summary.clone(),
                participant_count: a.participant_count as i32,
            })
            .collect()
    }
    async fn hearings(&self, ctx: &Context<'_>) -> Result<Vec<Hearing>> {
        let ids = &self.view.hearing_ids;
        Ok(match &self.past {
            Some(p) => ids.iter().filter_map(|h| p.model.hearings.get(h)).map(|h| Hearing { view: h.clone(), as_of: self.as_of }).collect(),
            None => ctx
                .data::<Arc<Services>>()?
                .projections
                .read(|m| ids.iter().filter_map(|h| m.hearings.get(h)).map(|h| Hearing { view: h.clone(), as_of: None }).collect()),
        })
    }
    async fn opinions(&self) -> Vec<Opinion> {
        self.view.opinions.iter().cloned().map(Opinion).collect()
    }
    async fn feedback_report(&self) -> Option<FeedbackReport> {
        self.view.feedback_report.as_ref().map(|f| FeedbackReport { summary: f.summary.clone(), published_at: f.published_at })
    }
    async fn deliberation(&self) -> Option<Deliberation> {
        self.view.deliberation.as_ref().map(|d| Deliberation {
            meeting_kind: d.meeting_kind.into(),
            held_at: d.held_at,
            summary: d.summary.clone(),
            dissent: d.dissent.clone(),
            observers: d
                .observers
                .iter()
                .map(|o| Observer {
                    name: o.name.clone(),
                    affiliation: o.affiliation.clone(),
                    opinion: o.opinion.clone(),
                    outcome: o.outcome.map(Into::into),
                    rationale: o.rationale.clone(),
                    adoption: o.adoption.clone(),
                })
                .collect(),
        })
    }
    async fn result(&self) -> Option<DecisionResult> {
        self.view.result.as_ref().map(|r| DecisionResult {
            text: r.text.clone(),
            document_number: r.document_number.clone(),
            effective_at: r.effective_at,
            interpretation: r.interpretation.clone(),
            published_at: r.published_at,
        })
    }
    async fn withdrawal(&self) -> Option<Withdrawal> {
        self.view.withdrawal.as_ref().map(|w| Withdrawal { reason: w.reason.clone(), withdrawn_at: w.withdrawn_at })
    }
    /// Every public event of the decision in commit order (up to `asOf` when set).
    /// `kinds` filters by entry kind (e.g. `decision.draft_published`).
    async fn history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        kinds: Option<Vec<String>>,
    ) -> Result<HistoryConnection> {
        let s = ctx.data::<Arc<Services>>()?;
        let first = crate::error::page_size(first)?;
        let page = s.projections.read(|m| query::history(m, &self.view.id, self.as_of, kinds.as_deref(), first, after.as_deref()));
        Ok(HistoryConnection {
            total_count: page.total as i32,
            page_info: page_info(&page),
            edges: page.items.into_iter().map(|(cursor, e)| HistoryEdge { cursor, node: HistoryEntry::from(e) }).collect(),
        })
    }
}

/// One entry of a decision's history.
#[derive(Clone, Debug)]
pub struct HistoryEntry(pub proj::HistoryEntry);

/// One entry of a decision's history.
#[Object]
impl HistoryEntry {
    /// Global position (commit order), as a decimal string.
    async fn position(&self) -> String {
        self.0.position.to_string()
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The event kind, e.g. `decision.draft_published`, `comment.submitted`.
    async fn kind(&self) -> &str {
        self.0.kind
    }
    async fn summary(&self, ctx: &Context<'_>) -> String {
        let lang = ctx.data_opt::<crate::render::Lang>().copied().unwrap_or_default();
        let tz = ctx.data::<Arc<Services>>().map_or(crate::render::DEFAULT_TIME_ZONE, |s| s.time_zone);
        crate::render::summary(&self.0.summary, lang, tz)
    }
    /// The acting unit's name, or the role (`admin`, `resident`, `system`, `anonymous`).
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The comment, hearing, opinion or consultation the entry is about.
    async fn subject_id(&self) -> Option<ID> {
        self.0.subject_id.as_ref().map(|s| ID(s.to_string()))
    }
    /// The entry's leaf in the transparency log (`/log/`), as a decimal string: ask
    /// `inclusionProof` with it. Null until the log has taken the event in.
    async fn leaf_index(&self, ctx: &Context<'_>) -> Option<String> {
        let log = ctx.data::<Arc<Services>>().ok()?.log.as_ref()?;
        log.leaf_index(self.0.position).map(|i| i.to_string())
    }
}

/// The newest signed checkpoint of the transparency log (C2SP tlog-checkpoint).
#[derive(SimpleObject, Clone, Debug)]
pub struct LogCheckpoint {
    /// The log's origin line (also the name of its key).
    pub origin: String,
    /// Leaves in the tree, as a decimal string.
    pub tree_size: String,
    /// Root hash, base64.
    pub root_hash: String,
    /// The signed note, with any witnesses' cosignatures: verify it with the log's key.
    pub note: String,
    pub signed_at: DateTime<Utc>,
}

/// The transparency log's receipt for a resident's write: a signed promise that the leaf will
/// be in a checkpoint by `includeBy`.
#[derive(SimpleObject, Clone, Debug)]
pub struct Receipt {
    /// The leaf's index, as a decimal string: ask `inclusionProof` with it.
    pub leaf_index: String,
    /// The leaf's hash, base64.
    pub leaf_hash: String,
    pub accepted_at: DateTime<Utc>,
    pub include_by: DateTime<Utc>,
    /// The signed note (C2SP signed-note) saying all of the above: keep it.
    pub note: String,
}

/// RFC 9162 inclusion proof of one leaf in the tree of `treeSize` leaves.
#[derive(SimpleObject, Clone, Debug)]
pub struct InclusionProof {
    pub leaf_index: String,
    pub tree_size: String,
    /// The leaf's hash (`SHA-256(0x00 ‖ leaf)`), base64.
    pub leaf_hash: String,
    /// The root of the tree of `treeSize` leaves, base64.
    pub root_hash: String,
    /// The audit path, base64 hashes, leaf to root.
    pub hashes: Vec<String>,
    /// The signed checkpoint of exactly `treeSize` leaves, when one was signed.
    pub checkpoint: Option<String>,
}

/// RFC 9162 consistency proof between two tree sizes.
#[derive(SimpleObject, Clone, Debug)]
pub struct ConsistencyProof {
    pub from: String,
    pub to: String,
    /// Base64 hashes.
    pub hashes: Vec<String>,
}

impl From<proj::HistoryEntry> for HistoryEntry {
    fn from(e: proj::HistoryEntry) -> Self {
        HistoryEntry(e)
    }
}

#[derive(SimpleObject, Clone, Debug)]
pub struct HistoryEdge {
    pub cursor: String,
    pub node: HistoryEntry,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct HistoryConnection {
    pub total_count: i32,
    pub page_info: PageInfo,
    pub edges: Vec<HistoryEdge>,
}

/// A consultation (征求意见).
#[derive(Clone, Debug)]
pub struct Consultation {
    pub view: proj::ConsultationView,
    pub as_of: Option<DateTime<Utc>>,
    /// The replay this consultation belongs to, for an `asOf` view.
    pub past: Option<Arc<Past>>,
}

impl Consultation {
    pub fn live(view: proj::ConsultationView) -> Self {
        Consultation { view, as_of: None, past: None }
    }
}

#[Object]
impl Consultation {
    async fn id(&self) -> ID {
        ID(self.view.id.clone())
    }
    async fn decision_id(&self) -> ID {
        ID(self.view.decision_id.clone())
    }
    async fn decision(&self, ctx: &Context<'_>) -> Result<Option<Decision>> {
        let s = ctx.data::<Arc<Services>>()?;
        let viewer = crate::viewer(ctx)?;
        Ok(s.projections.read(|m| m.decisions.get(&self.view.decision_id).filter(|d| viewer.can_see(m, d)).cloned()).map(Decision::live))
    }
    async fn channel(&self) -> Channel {
        self.view.channel.into()
    }
    async fn draft_version(&self) -> i32 {
        self.view.draft_version as i32
    }
    async fn opens_at(&self) -> DateTime<Utc> {
        self.view.opens_at
    }
    async fn closes_at(&self) -> DateTime<Utc> {
        self.view.closes_at
    }
    async fn how_to_submit(&self) -> &str {
        &self.view.how_to_submit
    }
    /// Why the period is shorter than 30 days, stated when it was opened.
    async fn shortened_reason(&self) -> Option<&str> {
        self.view.shortened_reason.as_deref()
    }
    async fn status(&self, ctx: &Context<'_>) -> Result<ConsultationStatus> {
        Ok(self.view.status(now_or(self.as_of, ctx)?).into())
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.view.closed_at
    }
    /// The earliest moment the unit may close it before its announced end (an online
    /// consultation opened without a reason for a shorter period runs 30 days, Decree 713
    /// Art. 15); null when it may close at any time with a reason, or is closed.
    async fn earliest_close_at(&self) -> Option<DateTime<Utc>> {
        self.view.earliest_close_at()
    }
    async fn closed_early(&self) -> bool {
        self.view.closed_early
    }
    async fn close_reason(&self) -> Option<&str> {
        self.view.close_reason.as_deref()
    }
    async fn comment_count(&self, ctx: &Context<'_>) -> Result<i32> {
        if let Some(p) = &self.past {
            return Ok(query::comment_count(&p.model, &self.view.id, None) as i32);
        }
        let s = ctx.data::<Arc<Services>>()?;
        Ok(s.projections.read(|m| query::comment_count(m, &self.view.id, None)) as i32)
    }
    /// The comments in submission order; with `clauseIds` (a clause's `lineage`), only those on
    /// one of these clauses.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        clause_ids: Option<Vec<ID>>,
    ) -> Result<CommentConnection> {
        let first = crate::error::page_size(first)?;
        let clause_ids: Option<Vec<String>> = clause_ids.map(|v| v.into_iter().map(|id| id.0).collect());
        let page_of = |m: &proj::ReadModel| match &clause_ids {
            Some(ids) => query::comments_on_clauses(m, &self.view.id, ids, first, after.as_deref()),
            None => query::comments(m, &self.view.id, None, first, after.as_deref()),
        };
        let (page, hidden_later) = match &self.past {
            Some(p) => (page_of(&p.model), Some(&p.hidden_later)),
            None => {
                let s = ctx.data::<Arc<Services>>()?;
                (s.projections.read(page_of), None)
            }
        };
        Ok(CommentConnection {
            total_count: page.total as i32,
            page_info: page_info(&page),
            edges: page
                .items
                .into_iter()
                .map(|(cursor, c)| {
                    let later = hidden_later.is_some_and(|h| h.contains(&c.id));
                    CommentEdge { cursor, node: Comment { view: c, hidden_later: later } }
                })
                .collect(),
        })
    }
}

/// A comment. A hidden comment keeps its place, without its body, with the reason.
#[derive(Clone, Debug)]
pub struct Comment {
    pub view: proj::CommentView,
    /// In an `asOf` view: visible then, hidden since (its body is withheld).
    pub hidden_later: bool,
}

impl Comment {
    pub fn live(view: proj::CommentView) -> Self {
        Comment { view, hidden_later: false }
    }
}

#[Object]
impl Comment {
    async fn id(&self) -> ID {
        ID(self.view.id.to_string())
    }
    async fn consultation_id(&self) -> ID {
        ID(self.view.consultation_id.to_string())
    }
    async fn decision_id(&self) -> ID {
        ID(self.view.decision_id.to_string())
    }
    async fn body(&self) -> Option<&str> {
        self.view.body.as_deref()
    }
    async fn clause_id(&self) -> Option<ID> {
        self.view.clause_id.as_ref().map(|c| ID(c.to_string()))
    }
    /// The draft version the comment was written on.
    async fn draft_version(&self) -> i32 {
        self.view.draft_version as i32
    }
    /// The clause's number in the version the comment was written on.
    async fn clause_number(&self) -> Option<i32> {
        self.view.clause_number.map(|n| n as i32)
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.view.submitted_at
    }
    /// Hidden (by the moment shown, in an `asOf` view).
    async fn hidden(&self) -> bool {
        self.view.hidden_at.is_some()
    }
    /// In an `asOf` view: visible at that moment but hidden since; its body stays withheld.
    async fn hidden_later(&self) -> bool {
        self.hidden_later
    }
    async fn hidden_reason(&self) -> Option<&str> {
        self.view.hidden_reason.as_deref()
    }
    /// The opinion this comment was grouped into.
    async fn opinion_id(&self) -> Option<ID> {
        self.view.opinion_id.as_ref().map(|o| ID(o.to_string()))
    }
}

#[derive(SimpleObject, Clone, Debug)]
pub struct CommentEdge {
    pub cursor: String,
    pub node: Comment,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct CommentConnection {
    pub total_count: i32,
    pub page_info: PageInfo,
    pub edges: Vec<CommentEdge>,
}

/// The adoption decision on an opinion.
#[derive(SimpleObject, Clone, Debug)]
pub struct Adoption {
    pub outcome: AdoptionOutcome,
    pub rationale: Option<String>,
    pub decided_at: DateTime<Utc>,
}

/// A grouped opinion (意见) and its adoption.
#[derive(Clone, Debug)]
pub struct Opinion(pub proj::OpinionView);

#[Object]
impl Opinion {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn decision_id(&self) -> ID {
        ID(self.0.decision_id.clone())
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// 较为集中意见.
    async fn concentrated(&self) -> bool {
        self.0.concentrated
    }
    async fn comment_count(&self) -> i32 {
        self.0.comment_ids.len() as i32
    }
    async fn comment_ids(&self) -> Vec<ID> {
        self.0.comment_ids.iter().cloned().map(ID).collect()
    }
    async fn consolidated_at(&self) -> DateTime<Utc> {
        self.0.consolidated_at
    }
    async fn adoption(&self) -> Option<Adoption> {
        self.0.adoption.as_ref().map(|a| Adoption { outcome: a.outcome.into(), rationale: a.rationale.clone(), decided_at: a.decided_at })
    }
}

/// A declared stakeholder group of a hearing: how many signed up (not withdrawn) and how many
/// hold a seat.
#[derive(SimpleObject, Clone, Debug)]
pub struct HearingGroup {
    pub name: String,
    pub signups: i32,
    pub seats: i32,
}

/// A recorded delivery of hearing materials.
#[derive(SimpleObject, Clone, Debug)]
pub struct MaterialsDelivery {
    pub materials: String,
    pub delivered_at: DateTime<Utc>,
    /// When the delivery was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A participant's objection to the hearing record.
#[derive(SimpleObject, Clone, Debug)]
pub struct RecordObjection {
    /// The participant's public display name, as on the participant list.
    pub display_name: String,
    pub stakeholder_group: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// The viewer's answer to a hearing record.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordAnswerKind {
    Confirmed,
    Objected,
}

/// The published hearing record (笔录) and what the participants answered.
pub struct HearingRecord {
    record: canyu_projections::model::HearingRecordView,
    /// Its hearing: the participants, as published, and the viewer's sign-ups.
    hearing: Arc<HearingView>,
}

#[Object]
impl HearingRecord {
    async fn text(&self) -> &str {
        &self.record.text
    }
    async fn published_at(&self) -> DateTime<Utc> {
        self.record.published_at
    }
    /// Participants who confirmed the record.
    async fn confirmations(&self) -> i32 {
        self.record.answers.iter().filter(|a| a.objection.is_none()).count() as i32
    }
    /// Published participants who have not answered yet.
    async fn awaiting(&self) -> i32 {
        let participants = self.hearing.participants.as_ref().map_or(0, Vec::len);
        participants.saturating_sub(self.record.answers.len()) as i32
    }
    /// The objections, with the participant as on the published list.
    async fn objections(&self) -> Vec<RecordObjection> {
        let participant = |id: &str| self.hearing.participants.iter().flatten().find(|p| p.signup_id == id);
        self.record
            .answers
            .iter()
            .filter_map(|a| {
                let note = a.objection.clone()?;
                let p = participant(&a.signup_id);
                Some(RecordObjection {
                    display_name: p.map(|p| p.display_name.clone()).unwrap_or_default(),
                    stakeholder_group: p.map(|p| p.stakeholder_group.clone()).unwrap_or_default(),
                    note,
                    at: a.at,
                })
            })
            .collect()
    }
    /// The viewer's own answer, if they answered.
    async fn my_answer(&self, ctx: &Context<'_>) -> Result<Option<RecordAnswerKind>> {
        let auth = ctx.data::<Auth>()?;
        let Some(p) = auth.0.as_ref() else { return Ok(None) };
        let mine: Vec<&str> = self.hearing.signups.iter().filter(|s| s.account_id == p.account_id).map(|s| s.id.as_str()).collect();
        Ok(self
            .record
            .answers
            .iter()
            .find(|a| mine.contains(&a.signup_id.as_str()))
            .map(|a| if a.objection.is_some() { RecordAnswerKind::Objected } else { RecordAnswerKind::Confirmed }))
    }
}

/// A published hearing participant: display name and group only.
#[derive(SimpleObject, Clone, Debug)]
pub struct Participant {
    pub display_name: String,
    pub stakeholder_group: String,
}

/// A roster line for the organisers, with personal data.
#[derive(SimpleObject, Clone, Debug)]
pub struct RosterEntry {
    pub signup_id: ID,
    pub display_name: String,
    pub stakeholder_group: String,
    pub statement: String,
    pub status: SignupStatus,
    /// Null once the person's data was erased.
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

/// A hearing sign-up (no personal data).
#[derive(Clone, Debug)]
pub struct HearingSignup(pub proj::SignupView);

#[Object]
impl HearingSignup {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn hearing_id(&self) -> ID {
        ID(self.0.hearing_id.clone())
    }
    async fn status(&self) -> SignupStatus {
        self.0.status.into()
    }
    async fn stakeholder_group(&self) -> &str {
        &self.0.stakeholder_group
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn statement(&self) -> &str {
        &self.0.statement
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    /// The sign-up's place on the waitlist (1-based), when waitlisted.
    async fn waitlist_position(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        if self.0.status != canyu_domain::values::SignupStatus::Waitlisted {
            return Ok(None);
        }
        let s = ctx.data::<Arc<Services>>()?;
        Ok(s.projections.read(|m| {
            let h = m.hearings.get(&self.0.hearing_id)?;
            let waiting: Vec<_> = h.signups.iter().filter(|x| x.status == canyu_domain::values::SignupStatus::Waitlisted).collect();
            waiting.iter().position(|x| x.id == self.0.id).map(|p| p as i32 + 1)
        }))
    }
}

/// A hearing (听证会).
#[derive(Clone, Debug)]
pub struct Hearing {
    pub view: Arc<HearingView>,
    pub as_of: Option<DateTime<Utc>>,
}

#[Object]
impl Hearing {
    async fn id(&self) -> ID {
        ID(self.view.id.clone())
    }
    async fn decision_id(&self) -> ID {
        ID(self.view.decision_id.clone())
    }
    async fn status(&self, ctx: &Context<'_>) -> Result<HearingStatus> {
        Ok(self.view.status(now_or(self.as_of, ctx)?).into())
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.view.starts_at
    }
    async fn venue(&self) -> &str {
        &self.view.venue
    }
    async fn capacity(&self) -> i32 {
        self.view.capacity as i32
    }
    async fn seats_taken(&self) -> i32 {
        self.view.seats_taken() as i32
    }
    async fn signup_count(&self) -> i32 {
        self.view.signups.iter().filter(|s| s.status != canyu_domain::values::SignupStatus::Withdrawn).count() as i32
    }
    async fn waitlist_count(&self) -> i32 {
        self.view.signups.iter().filter(|s| s.status == canyu_domain::values::SignupStatus::Waitlisted).count() as i32
    }
    async fn signup_closes_at(&self) -> DateTime<Utc> {
        self.view.signup_closes_at
    }
    async fn selection_method(&self) -> SelectionMethod {
        self.view.selection_method.into()
    }
    /// The selection rules, public from the moment the hearing is scheduled.
    async fn selection_rules(&self) -> &str {
        &self.view.selection_rules
    }
    async fn stakeholder_groups(&self) -> &[String] {
        &self.view.stakeholder_groups
    }
    /// The lottery seed, once drawn: anyone can recompute the draw from it.
    async fn draw_seed(&self) -> Option<&str> {
        self.view.draw_seed.as_deref()
    }
    /// The published participant list (display names and groups only); empty until published.
    async fn participants(&self) -> Vec<Participant> {
        self.view
            .participants
            .iter()
            .flatten()
            .map(|p| Participant { display_name: p.display_name.clone(), stakeholder_group: p.stakeholder_group.clone() })
            .collect()
    }
    async fn participants_published_at(&self) -> Option<DateTime<Utc>> {
        self.view.participants_published_at
    }
    /// Each declared stakeholder group with its sign-ups and seats: a group with no sign-ups
    /// is shown as such (Decree 713 Art. 16).
    async fn groups(&self) -> Vec<HearingGroup> {
        self.view
            .stakeholder_groups
            .iter()
            .map(|g| {
                use canyu_domain::values::SignupStatus as S;
                let mine = self.view.signups.iter().filter(|s| &s.stakeholder_group == g && s.status != S::Withdrawn);
                let (signups, seats) = mine.fold((0, 0), |(n, k), s| (n + 1, k + i32::from(s.status == S::Accepted)));
                HearingGroup { name: g.clone(), signups, seats }
            })
            .collect()
    }
    /// The materials must reach the participants by this time, 7 days before the hearing
    /// (Decree 713 Art. 17).
    async fn materials_due_by(&self) -> DateTime<Utc> {
        self.view.starts_at - canyu_domain::hearing::MATERIALS_LEAD_TIME
    }
    /// The recorded deliveries of materials to the participants.
    async fn materials(&self) -> Vec<MaterialsDelivery> {
        self.view
            .materials
            .iter()
            .map(|d| MaterialsDelivery { materials: d.materials.clone(), delivered_at: d.delivered_at, recorded_at: d.recorded_at })
            .collect()
    }
    /// The hearing record (笔录) and the participants' answers, once published.
    async fn record(&self) -> Option<HearingRecord> {
        self.view.record.clone().map(|record| HearingRecord { record, hearing: self.view.clone() })
    }
    async fn record_summary(&self) -> Option<&str> {
        self.view.record_summary.as_deref()
    }
    async fn held_at(&self) -> Option<DateTime<Utc>> {
        self.view.held_at
    }
    /// The viewer's own sign-up, if any.
    async fn my_signup(&self, ctx: &Context<'_>) -> Result<Option<HearingSignup>> {
        let auth = ctx.data::<Auth>()?;
        Ok(auth.0.as_ref().and_then(|p| self.view.signups.iter().rev().find(|s| s.account_id == p.account_id).cloned().map(HearingSignup)))
    }
    /// The organisers' roster with real names and phones: staff of the decision's unit and
    /// admins only.
    async fn roster(&self, ctx: &Context<'_>) -> Result<Vec<RosterEntry>> {
        let s = ctx.data::<Arc<Services>>()?;
        let auth = ctx.data::<Auth>()?;
        let unit = s.projections.read(|m| m.decisions.get(&self.view.decision_id).map(|d| d.unit_id.clone())).unwrap_or_default();
        canyu_app::policy::unit_staff(auth.0.as_ref(), &unit).gql()?;
        let mut out = Vec::with_capacity(self.view.signups.len());
        for x in &self.view.signups {
            let personal = s.app.open_signup_personal(&x.personal).await.gql()?;
            out.push(RosterEntry {
                signup_id: ID(x.id.clone()),
                display_name: x.display_name.clone(),
                stakeholder_group: x.stakeholder_group.clone(),
                statement: x.statement.clone(),
                status: x.status.into(),
                full_name: personal.as_ref().map(|p| p.full_name.clone()),
                phone: personal.map(|p| p.phone),
                submitted_at: x.submitted_at,
            });
        }
        Ok(out)
    }
}

/// One decision of a unit's dashboard, with what awaits action.
#[derive(SimpleObject, Clone, Debug)]
pub struct DashboardItem {
    pub decision: Decision,
    /// UNGROUPED_COMMENTS, OPINIONS_AWAITING_DECISION, CONSULTATION_ENDED, FEEDBACK_REPORT_DUE,
    /// DRAW_DUE, PARTICIPANT_LIST_DUE, HEARING_RECORD_DUE, DELIBERATION_DUE, RESULT_DUE.
    pub awaiting: Vec<String>,
    pub ungrouped_comments: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct DecisionEdge {
    pub cursor: String,
    pub node: Decision,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct DecisionConnection {
    pub total_count: i32,
    pub page_info: PageInfo,
    pub edges: Vec<DecisionEdge>,
}

impl DecisionConnection {
    pub fn from_page(page: query::Page<Arc<DecisionView>>) -> Self {
        DecisionConnection {
            total_count: page.total as i32,
            page_info: page_info(&page),
            edges: page.items.into_iter().map(|(cursor, d)| DecisionEdge { cursor, node: Decision::live(d) }).collect(),
        }
    }
}

/// Viewer used by resolvers that filter confidential items.
pub fn viewer_of(auth: &Auth) -> Viewer {
    match &auth.0 {
        Some(p) => {
            Viewer { admin: p.is_admin(), unit_id: if p.role == canyu_domain::values::Role::UnitStaff { p.unit_id.clone() } else { None } }
        }
        None => Viewer::default(),
    }
}
