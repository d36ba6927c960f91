//! Text for people, rendered at the edge from read-model data in the reader's language
//! (`Accept-Language`: Chinese unless the reader prefers English).

use canyu_domain::values::{ActivityKind, AdoptionOutcome, Channel, MeetingKind, SelectionMethod, SignupStatus};
use canyu_projections::Summary;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The platform's time zone unless configured otherwise (`time_zone`).
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Shanghai;

/// The reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The language an `Accept-Language` header prefers among ours: the first of `zh*` or
    /// `en*` by quality (ties in header order); Chinese when neither is named.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(h) = header else { return Lang::Zh };
        let mut best: Option<(f32, Lang)> = None;
        for part in h.split(',') {
            let mut bits = part.trim().split(';');
            let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = bits.find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = if tag.starts_with("zh") {
                Lang::Zh
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Zh, |(_, l)| l)
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

fn channel(c: Channel, lang: Lang) -> &'static str {
    match (lang, c) {
        (Lang::Zh, Channel::Online) => "网上公开征求意见",
        (Lang::Zh, Channel::Written) => "书面征求意见",
        (Lang::Zh, Channel::Symposium) => "座谈会",
        (Lang::Zh, Channel::FieldVisit) => "实地走访",
        (Lang::Zh, Channel::Questionnaire) => "问卷调查",
        (Lang::Zh, Channel::OpinionPoll) => "民意调查",
        (Lang::En, Channel::Online) => "public online consultation",
        (Lang::En, Channel::Written) => "written consultation",
        (Lang::En, Channel::Symposium) => "symposium",
        (Lang::En, Channel::FieldVisit) => "field visit",
        (Lang::En, Channel::Questionnaire) => "questionnaire",
        (Lang::En, Channel::OpinionPoll) => "opinion poll",
    }
}

fn activity(k: ActivityKind, lang: Lang) -> &'static str {
    match k {
        ActivityKind::Written => channel(Channel::Written, lang),
        ActivityKind::Symposium => channel(Channel::Symposium, lang),
        ActivityKind::FieldVisit => channel(Channel::FieldVisit, lang),
        ActivityKind::Questionnaire => channel(Channel::Questionnaire, lang),
        ActivityKind::OpinionPoll => channel(Channel::OpinionPoll, lang),
    }
}

fn outcome(o: AdoptionOutcome, lang: Lang) -> &'static str {
    match (lang, o) {
        (Lang::Zh, AdoptionOutcome::Adopted) => "采纳",
        (Lang::Zh, AdoptionOutcome::PartiallyAdopted) => "部分采纳",
        (Lang::Zh, AdoptionOutcome::NotAdopted) => "不予采纳",
        (Lang::En, AdoptionOutcome::Adopted) => "adopted",
        (Lang::En, AdoptionOutcome::PartiallyAdopted) => "partially adopted",
        (Lang::En, AdoptionOutcome::NotAdopted) => "not adopted",
    }
}

/// The calendar day of `t` in the platform's time zone (stored times are UTC).
fn day(t: &DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d").to_string()
}

/// A number in Chinese numerals, as clauses are numbered (第三条, 第十二条, 第一百零五条);
/// from 10,000 on, in Arabic digits.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n >= 10_000 {
        return n.to_string();
    }
    if n < 10 {
        return DIGITS[n as usize].to_string();
    }
    if n < 20 {
        return format!("十{}", if n == 10 { "" } else { DIGITS[(n - 10) as usize] });
    }
    let mut out = String::new();
    let mut rest = n;
    let mut gap = false;
    for (value, name) in [(1000, "千"), (100, "百"), (10, "十")] {
        let digit = rest / value;
        rest %= value;
        if digit > 0 {
            if gap {
                out.push('零');
                gap = false;
            }
            out.push_str(DIGITS[digit as usize]);
            out.push_str(name);
        } else if !out.is_empty() {
            gap = true;
        }
    }
    if rest > 0 {
        if gap {
            out.push('零');
        }
        out.push_str(DIGITS[rest as usize]);
    }
    out
}

/// The text of a history entry's summary, with its dates in the platform's time zone.
pub fn summary(s: &Summary, lang: Lang, tz: Tz) -> String {
    match lang {
        Lang::Zh => zh(s, tz),
        Lang::En => en(s, tz),
    }
}

fn zh(s: &Summary, tz: Tz) -> String {
    use Summary as S;
    match s {
        S::Listed { year, title } => format!("列入{year}年度重大行政决策事项目录：「{}」", clip(title, 40)),
        S::AddedLate { title, reason } => format!("目录公布后增补事项「{}」，理由：{}", clip(title, 40), clip(reason, 60)),
        S::BackgroundPublished => "发布起草背景".into(),
        S::DraftPublished { version, clauses, change_note } => {
            let note = if change_note.is_empty() { String::new() } else { format!("：{}", clip(change_note, 60)) };
            format!("发布草案第{version}稿（{clauses}条）{note}")
        }
        S::ConsultationOpened { channel: c, draft_version, opens_at, closes_at, shortened_reason } => {
            let days = (*closes_at - *opens_at).num_days();
            let short = shortened_reason.as_ref().map(|r| format!("；期限缩短理由：{}", clip(r, 60))).unwrap_or_default();
            format!(
                "开展{}（第{draft_version}稿，{} 至 {}，共{days}天）{short}",
                channel(*c, Lang::Zh),
                day(opens_at, tz),
                day(closes_at, tz)
            )
        }
        S::ConsultationClosed { channel: c, early_reason: Some(r) } => format!("提前结束{}，理由：{}", channel(*c, Lang::Zh), clip(r, 60)),
        S::ConsultationClosed { channel: c, early_reason: None } => format!("{}结束", channel(*c, Lang::Zh)),
        S::ParticipationExempted { legal_basis } => format!("记录不开展公众参与的法定依据：{}", clip(legal_basis, 80)),
        S::ActivityRecorded { kind, participants, summary } => {
            format!("记录{}（{participants}人参加）：{}", activity(*kind, Lang::Zh), clip(summary, 40))
        }
        S::OpinionConsolidated { concentrated, comments, summary } => {
            let kind = if *concentrated { "较为集中意见" } else { "意见" };
            format!("归纳{kind}（{comments}条评论）：{}", clip(summary, 40))
        }
        S::AdoptionDecided { opinion, outcome: o, rationale } => {
            let why = rationale.as_ref().map(|r| format!("，理由：{}", clip(r, 60))).unwrap_or_default();
            format!("对意见「{}」作出{}决定{why}", clip(opinion, 30), outcome(*o, Lang::Zh))
        }
        S::FeedbackReportPublished => "公布意见采纳情况".into(),
        S::DeliberationRecorded { meeting_kind, held_at, observers } => {
            let meeting = match meeting_kind {
                MeetingKind::Plenary => "政府全体会议",
                MeetingKind::ExecutiveMeeting => "政府常务会议",
            };
            format!("{meeting}审议（{}，{observers}名列席代表）", day(held_at, tz))
        }
        S::ResultPublished { document_number, effective_at } => {
            format!("公布决策结果（{document_number}）及政策解读，{}起施行", day(effective_at, tz))
        }
        S::Withdrawn { reason } => format!("撤回决策事项，理由：{}", clip(reason, 60)),
        S::CommentSubmitted { clause_id, clause_number } => match (clause_id, clause_number) {
            (_, Some(n)) => format!("收到公众意见：就第{}条提交一条意见", chinese_number(*n)),
            (Some(_), None) => "收到公众意见：就草案的一个条款提交一条意见".into(),
            (None, None) => "收到公众意见：提交一条意见".into(),
        },
        S::CommentHidden { reason } => format!("隐藏一条意见，理由：{}", clip(reason, 60)),
        S::HearingScheduled { starts_at, venue, capacity, method, signup_closes_at } => {
            let method = match method {
                SelectionMethod::Lottery => "随机抽选",
                SelectionMethod::FirstCome => "按报名先后",
            };
            format!(
                "公告听证会：{}，{}，{capacity}个名额，{method}，报名截止{}",
                day(starts_at, tz),
                clip(venue, 30),
                day(signup_closes_at, tz)
            )
        }
        S::SignupSubmitted { group, status } => {
            let what = match status {
                SignupStatus::Accepted => "报名成功",
                SignupStatus::Waitlisted => "进入候补",
                _ => "待抽选",
            };
            format!("{group}代表报名参加听证会（{what}）")
        }
        S::SignupWithdrawn { group } => format!("{group}代表撤回听证会报名"),
        S::SignupPromoted { group } => format!("候补的{group}代表递补参加听证会"),
        S::ParticipantsDrawn { seed, selected, not_selected } => {
            format!("随机抽选听证参加人（种子 {seed}）：{selected}人入选，{not_selected}人未入选")
        }
        S::ParticipantsPublished { participants } => format!("公布听证参加人名单（{participants}人）"),
        S::HearingHeld => "举行听证会，公布听证笔录摘要".into(),
        S::MaterialsDelivered { delivered_at } => format!("{}向听证参加人送达听证材料", day(delivered_at, tz)),
        S::HearingRecordPublished => "公布听证笔录，请听证参加人确认".into(),
        S::HearingRecordConfirmed { group } => format!("{group}听证参加人确认听证笔录"),
        S::HearingRecordObjected { group } => format!("{group}听证参加人对听证笔录提出异议"),
    }
}

fn en(s: &Summary, tz: Tz) -> String {
    use Summary as S;
    match s {
        S::Listed { year, title } => format!("Listed in the {year} catalogue of major decisions: “{}”", clip(title, 40)),
        S::AddedLate { title, reason } => {
            format!("Added to the catalogue after its publication: “{}”; reason: {}", clip(title, 40), clip(reason, 60))
        }
        S::BackgroundPublished => "Drafting background published".into(),
        S::DraftPublished { version, clauses, change_note } => {
            let note = if change_note.is_empty() { String::new() } else { format!(": {}", clip(change_note, 60)) };
            format!("Draft version {version} published ({clauses} clauses){note}")
        }
        S::ConsultationOpened { channel: c, draft_version, opens_at, closes_at, shortened_reason } => {
            let days = (*closes_at - *opens_at).num_days();
            let short = shortened_reason.as_ref().map(|r| format!("; shortened because: {}", clip(r, 60))).unwrap_or_default();
            format!(
                "{} opened on draft {draft_version} ({} to {}, {days} days){short}",
                capitalised(channel(*c, Lang::En)),
                day(opens_at, tz),
                day(closes_at, tz)
            )
        }
        S::ConsultationClosed { channel: c, early_reason: Some(r) } => {
            format!("{} closed early; reason: {}", capitalised(channel(*c, Lang::En)), clip(r, 60))
        }
        S::ConsultationClosed { channel: c, early_reason: None } => format!("{} ended", capitalised(channel(*c, Lang::En))),
        S::ParticipationExempted { legal_basis } => {
            format!("Exempted from public participation; legal basis: {}", clip(legal_basis, 80))
        }
        S::ActivityRecorded { kind, participants, summary } => {
            format!("{} recorded ({participants} participants): {}", capitalised(activity(*kind, Lang::En)), clip(summary, 40))
        }
        S::OpinionConsolidated { concentrated, comments, summary } => {
            let kind = if *concentrated { "concentrated opinion" } else { "opinion" };
            format!("Comments grouped into a {kind} ({comments} comments): {}", clip(summary, 40))
        }
        S::AdoptionDecided { opinion, outcome: o, rationale } => {
            let why = rationale.as_ref().map(|r| format!("; rationale: {}", clip(r, 60))).unwrap_or_default();
            format!("Opinion “{}” {}{why}", clip(opinion, 30), outcome(*o, Lang::En))
        }
        S::FeedbackReportPublished => "Feedback report on the adoption of opinions published".into(),
        S::DeliberationRecorded { meeting_kind, held_at, observers } => {
            let meeting = match meeting_kind {
                MeetingKind::Plenary => "plenary meeting of the government",
                MeetingKind::ExecutiveMeeting => "executive meeting of the government",
            };
            format!("Deliberated at the {meeting} ({}, {observers} observers)", day(held_at, tz))
        }
        S::ResultPublished { document_number, effective_at } => {
            format!("Decision ({document_number}) and its interpretation published; in force from {}", day(effective_at, tz))
        }
        S::Withdrawn { reason } => format!("Decision withdrawn; reason: {}", clip(reason, 60)),
        S::CommentSubmitted { clause_id, clause_number } => match (clause_id, clause_number) {
            (_, Some(n)) => format!("Public comment received on clause {n}"),
            (Some(_), None) => "Public comment received on a clause of the draft".into(),
            (None, None) => "Public comment received".into(),
        },
        S::CommentHidden { reason } => format!("A comment was hidden; reason: {}", clip(reason, 60)),
        S::HearingScheduled { starts_at, venue, capacity, method, signup_closes_at } => {
            let method = match method {
                SelectionMethod::Lottery => "participants drawn by lot",
                SelectionMethod::FirstCome => "first come, first served",
            };
            format!(
                "Hearing announced: {}, {}, {capacity} seats, {method}, sign-up until {}",
                day(starts_at, tz),
                clip(venue, 30),
                day(signup_closes_at, tz)
            )
        }
        S::SignupSubmitted { group, status } => {
            let what = match status {
                SignupStatus::Accepted => "accepted",
                SignupStatus::Waitlisted => "waitlisted",
                _ => "awaiting the draw",
            };
            format!("A representative of {group} signed up for the hearing ({what})")
        }
        S::SignupWithdrawn { group } => format!("A representative of {group} withdrew from the hearing"),
        S::SignupPromoted { group } => format!("A waitlisted representative of {group} took a freed seat"),
        S::ParticipantsDrawn { seed, selected, not_selected } => {
            format!("Hearing participants drawn by lot (seed {seed}): {selected} selected, {not_selected} not selected")
        }
        S::ParticipantsPublished { participants } => format!("Hearing participant list published ({participants} participants)"),
        S::HearingHeld => "Hearing held; summary of its record published".into(),
        S::MaterialsDelivered { delivered_at } => format!("Hearing materials delivered to the participants on {}", day(delivered_at, tz)),
        S::HearingRecordPublished => "Hearing record published for the participants to confirm".into(),
        S::HearingRecordConfirmed { group } => format!("A participant of {group} confirmed the hearing record"),
        S::HearingRecordObjected { group } => format!("A participant of {group} objected to the hearing record"),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_gets_chinese_unless_they_prefer_english() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("fr-FR, en;q=0.5, zh;q=0.7")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("de")), Lang::Zh);
    }

    #[test]
    fn summaries_render_in_both_languages_from_the_same_data() {
        let s = Summary::DraftPublished { version: 2, clauses: 6, change_note: "提高配建标准".into() };
        assert_eq!(summary(&s, Lang::Zh, DEFAULT_TIME_ZONE), "发布草案第2稿（6条）：提高配建标准");
        assert_eq!(summary(&s, Lang::En, DEFAULT_TIME_ZONE), "Draft version 2 published (6 clauses): 提高配建标准");
        let c = Summary::ConsultationClosed { channel: Channel::Online, early_reason: None };
        assert_eq!(summary(&c, Lang::Zh, DEFAULT_TIME_ZONE), "网上公开征求意见结束");
        assert_eq!(summary(&c, Lang::En, DEFAULT_TIME_ZONE), "Public online consultation ended");
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn dates_read_in_the_city_s_time_not_utc() {
        // The demo's parking consultation: 2021-03-10 00:00 to 2021-04-10 00:00 in Tengzhou,
        // stored as 2021-03-09T16:00Z and 2021-04-09T16:00Z.
        let opened = Summary::ConsultationOpened {
            channel: Channel::Online,
            draft_version: 1,
            opens_at: utc("2021-03-09T16:00:00Z"),
            closes_at: utc("2021-04-09T16:00:00Z"),
            shortened_reason: None,
        };
        assert_eq!(summary(&opened, Lang::Zh, DEFAULT_TIME_ZONE), "开展网上公开征求意见（第1稿，2021-03-10 至 2021-04-10，共31天）");
        let result =
            Summary::ResultPublished { document_number: "滕政发〔2021〕5号".into(), effective_at: utc("2021-06-30T16:00:00Z") };
        assert_eq!(summary(&result, Lang::Zh, DEFAULT_TIME_ZONE), "公布决策结果（滕政发〔2021〕5号）及政策解读，2021-07-01起施行");
        assert_eq!(summary(&result, Lang::Zh, chrono_tz::UTC), "公布决策结果（滕政发〔2021〕5号）及政策解读，2021-06-30起施行");
    }

    #[test]
    fn a_comment_names_its_clause_by_number_never_by_id() {
        let s = Summary::CommentSubmitted { clause_id: Some("c3".into()), clause_number: Some(3) };
        assert_eq!(summary(&s, Lang::Zh, DEFAULT_TIME_ZONE), "收到公众意见：就第三条提交一条意见");
        assert_eq!(summary(&s, Lang::En, DEFAULT_TIME_ZONE), "Public comment received on clause 3");
        let unknown = Summary::CommentSubmitted { clause_id: Some("c3".into()), clause_number: None };
        assert!(!summary(&unknown, Lang::Zh, DEFAULT_TIME_ZONE).contains("c3"));
        assert!(!summary(&unknown, Lang::En, DEFAULT_TIME_ZONE).contains("c3"));
    }

    #[test]
    fn clause_numbers_are_written_as_chinese_numerals() {
        let cases = [
            (1, "一"),
            (3, "三"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (21, "二十一"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1001, "一千零一"),
        ];
        for (n, text) in cases {
            assert_eq!(chinese_number(n), text, "{n}");
        }
    }
}
