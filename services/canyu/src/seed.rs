//! `canyu seed-demo`: a realistic demo of a county-level city's (滕州市) 2021 catalogue of
//! major administrative decisions, at different stages. History happens on a simulated clock
//! through 2021; the items still open for participation run at the real time now.

use std::sync::Arc;
use std::time::Duration;

use canyu_app::{App, AppError, Command, ManualClock, Meta, Principal, Written, commands};
use canyu_domain::decision::ObserverInput;
use canyu_domain::values::{ActivityKind, AdoptionOutcome, Channel, Disclosure, MeetingKind, Role, SelectionMethod, TextValue};
use chrono::{DateTime, Duration as Days, TimeZone, Utc};

use crate::config::Settings;
use crate::startup::Platform;

/// Errors of the seeder.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{0}")]
    Startup(#[from] crate::startup::StartupError),
    #[error("{0}")]
    App(#[from] AppError),
    #[error("the data directory already holds events; seed a fresh directory")]
    NotEmpty,
}

const DEMO_PASSWORD: &str = "canyu-demo-2021";

/// The demo's text, parsed into the value object its command carries.
fn v<T: TextValue>(text: &str) -> Result<T, SeedError> {
    T::parse(text).map_err(|e| SeedError::App(e.into()))
}

/// [`v`] for optional text.
fn opt<T: TextValue>(text: Option<&str>) -> Result<Option<T>, SeedError> {
    T::parse_optional(text).map_err(|e| SeedError::App(e.into()))
}

struct Seeder {
    platform: Platform,
    clock: Arc<ManualClock>,
}

/// A time in China (UTC+8) on the given day and hour.
pub fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    // Local time in China is UTC+8; the demo's office hours are expressed in UTC.
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().unwrap_or_default() - Days::hours(8)
}

impl Seeder {
    fn app(&self) -> &App {
        &self.platform.app
    }

    async fn settle(&self, w: &Written) {
        self.platform.projections.wait_for(w.position, Duration::from_secs(10)).await;
    }

    async fn login(&self, username: &str) -> Result<Meta, SeedError> {
        let (_, token) = self.app().login(username, DEMO_PASSWORD).await?;
        let p: Principal = self.app().authenticate(&token).await?;
        Ok(Meta::by(Some(p)))
    }

    async fn account(&self, username: &str, display: &str, role: Role) -> Result<String, SeedError> {
        let w = self.app().create_account(&Meta::default(), username, DEMO_PASSWORD, display, role).await?;
        self.settle(&w).await;
        Ok(w.id)
    }

    async fn run<C: Command>(&self, who: &Meta, cmd: C) -> Result<Written, SeedError> {
        let w = self.app().execute(who, cmd).await?;
        self.settle(&w).await;
        Ok(w)
    }

    async fn comment(&self, who: &Meta, consultation: &str, body: &str, clause: Option<&str>) -> Result<String, SeedError> {
        let cmd = commands::SubmitComment {
            comment_id: self.app().new_id(),
            consultation_id: consultation.to_string(),
            body: v(body)?,
            clause_id: opt(clause)?,
        };
        let w = self.app().execute(who, cmd).await?;
        self.settle(&w).await;
        Ok(w.id)
    }

    fn clause(&self, decision: &str, n: usize) -> Option<String> {
        self.platform.projections.read(|m| m.decisions.get(decision)?.drafts.last()?.clauses.get(n).map(|c| c.id.clone()))
    }
}

/// Seeds the demo into `data_dir` (which must hold no events yet) and prints the logins.
pub async fn run(settings: &Settings) -> Result<(), SeedError> {
    let data_dir = settings.data_dir.as_path();
    let clock = Arc::new(ManualClock::new(at(2021, 1, 4, 9)));
    let platform = Platform::connect(settings, clock.clone()).await?;
    if canyu_eventstore::EventStore::head(platform.store.as_ref()).await.map_err(AppError::from)? > 0 {
        return Err(SeedError::NotEmpty);
    }
    platform.spawn_projector();
    seed_platform(platform, clock).await?;
    println!("Demo data loaded into {}. Logins (password for all: {DEMO_PASSWORD}):", data_dir.display());
    for (user, who) in [
        ("admin", "市政务公开办（管理员）"),
        ("zhujian", "市住房和城乡建设局工作人员"),
        ("jiaoti", "市教育和体育局工作人员"),
        ("chengguan", "市城市管理局工作人员"),
        ("fagai", "市发展和改革局工作人员"),
        ("yibao", "市医疗保障局工作人员"),
        ("resident1", "居民"),
        ("resident2", "居民"),
        ("resident3", "居民"),
    ] {
        println!("  {user:<10} {who}");
    }
    Ok(())
}

/// Seeds an opened platform whose app runs on `clock` and whose projector is running.
pub async fn seed_platform(platform: Platform, clock: Arc<ManualClock>) -> Result<Platform, SeedError> {
    let s = Seeder { platform, clock };
    seed(&s).await?;
    Ok(s.platform)
}

async fn seed(s: &Seeder) -> Result<(), SeedError> {
    let app = s.app();
    s.account("admin", "市政务公开办", Role::Admin).await?;
    let admin = s.login("admin").await?;

    let mut units = std::collections::HashMap::new();
    for name in [
        "市住房和城乡建设局",
        "市教育和体育局",
        "市城市管理局",
        "市发展和改革局",
        "市医疗保障局",
        "市自然资源局",
        "市应急管理局",
        "市交通运输局",
    ] {
        let w = app.execute(&admin, commands::RegisterUnit { name: v(name)? }).await?;
        s.settle(&w).await;
        units.insert(name, w.id);
    }
    for (user, display, unit) in [
        ("zhujian", "住建局 王科长", "市住房和城乡建设局"),
        ("jiaoti", "教体局 刘科长", "市教育和体育局"),
        ("chengguan", "城管局 陈科长", "市城市管理局"),
        ("fagai", "发改局 赵科长", "市发展和改革局"),
        ("yibao", "医保局 孙科长", "市医疗保障局"),
    ] {
        let id = s.account(user, display, Role::Resident).await?;
        let w = app
            .execute(&admin, commands::GrantRole { account_id: id.clone(), role: Role::UnitStaff, unit_id: Some(units[unit].clone()) })
            .await?;
        s.settle(&w).await;
    }
    for (user, display) in [("resident1", "荆河街道居民"), ("resident2", "北辛街道居民"), ("resident3", "善南街道居民")] {
        s.account(user, display, Role::Resident).await?;
    }
    let r = [s.login("resident1").await?, s.login("resident2").await?, s.login("resident3").await?];

    // ---- The 2021 catalogue ------------------------------------------------------------------
    let catalogue: [(&str, &str, &str, Disclosure, Option<&str>); 8] = [
        (
            "滕州市城区停车设施规划建设管理办法",
            "规范城区停车设施规划、建设和管理，缓解停车难问题。",
            "市住房和城乡建设局",
            Disclosure::Public,
            None,
        ),
        (
            "滕州市学前教育三年行动计划（2021-2023年）",
            "扩大普惠性学前教育资源，新建、改扩建公办幼儿园。",
            "市教育和体育局",
            Disclosure::Public,
            None,
        ),
        ("滕州市生活垃圾分类管理实施方案", "在城区全面推行生活垃圾分类投放、收集、运输和处理。", "市城市管理局", Disclosure::Public, None),
        (
            "滕州市中心城区集中供热价格调整方案",
            "根据成本监审结果调整中心城区居民集中供热价格。",
            "市发展和改革局",
            Disclosure::Public,
            None,
        ),
        ("滕州市城乡居民基本医疗保险市级统筹实施办法", "统一城乡居民医保筹资标准和待遇水平。", "市医疗保障局", Disclosure::OnRequest, None),
        ("滕州市国土空间总体规划（2021-2035年）", "统筹全市国土空间开发保护格局。", "市自然资源局", Disclosure::Public, None),
        (
            "滕州市重大突发事件应急物资储备方案",
            "应急物资储备布局与调用机制。",
            "市应急管理局",
            Disclosure::Confidential,
            Some("《中华人民共和国保守国家秘密法》第九条"),
        ),
        ("滕州市城区出租汽车运营权有偿使用管理办法", "规范出租汽车经营权有偿使用。", "市交通运输局", Disclosure::Public, None),
    ];
    let mut ids = Vec::new();
    for (title, summary, unit, disclosure, basis) in catalogue {
        let w = app
            .execute(
                &admin,
                commands::RegisterDecision {
                    decision_id: app.new_id(),
                    year: 2021,
                    title: v(title)?,
                    summary: v(summary)?,
                    unit_id: units[unit].clone(),
                    disclosure,
                    confidentiality_basis: opt(basis)?,
                    addition_reason: None,
                },
            )
            .await?;
        s.settle(&w).await;
        ids.push(w.id);
    }
    s.clock.set(at(2021, 2, 26, 10));
    let w = app.execute(&admin, commands::PublishCatalogue { year: 2021 }).await?;
    s.settle(&w).await;

    // ---- 1. Parking: the whole lifecycle, decided ----------------------------------------------
    let zhujian = s.login("zhujian").await?;
    let parking = ids[0].clone();
    s.clock.set(at(2021, 3, 8, 9));
    s.run(&zhujian, commands::PublishBackground { decision_id: parking.clone(),
        text: v("近年来我市机动车保有量快速增长，城区停车泊位缺口较大，占道停车、乱停乱放现象突出。为落实《山东省城市停车设施规划建设及管理办法》，市住房和城乡建设局牵头起草本办法。")?}).await?;
    s.run(&zhujian, commands::PublishDraft { decision_id: parking.clone(),
        text: v("第一条 为加强城区停车设施规划建设管理，制定本办法。\n第二条 本办法适用于本市城区范围内停车设施的规划、建设和管理。\n第三条 新建住宅项目按每户不少于1.2个泊位配建停车位。\n第四条 鼓励机关、企事业单位内部停车场在夜间和节假日向社会开放。\n第五条 占道停车泊位实行差别化收费，具体标准由价格主管部门制定。\n第六条 本办法自发布之日起施行。")?,
        explanation: v("起草说明：本办法共六条，重点解决配建标准偏低、共享停车不足和收费不合理三个问题。")?,
        change_note: v("")?}).await?;
    let consult = s.app().new_id();
    s.run(
        &zhujian,
        commands::OpenConsultation {
            decision_id: parking.clone(),
            consultation_id: consult.clone(),
            channel: Channel::Online,
            opens_at: at(2021, 3, 10, 0),
            closes_at: at(2021, 4, 10, 0),
            how_to_submit: v("登录滕州市人民政府网站“政民互动”栏目或本平台提交意见；也可发送电子邮件至 tzzjj@example.gov.cn。")?,
            shortened_reason: None,
        },
    )
    .await?;
    s.clock.set(at(2021, 3, 12, 20));
    let c1 = s.comment(&r[0], &consult, "老旧小区停车难问题最突出，建议把老旧小区改造中的停车位建设也写进办法。", None).await?;
    s.clock.set(at(2021, 3, 15, 21));
    let c2 = s.comment(&r[1], &consult, "第三条的1.2个泊位标准偏低，建议提高到1.5个。", s.clause(&parking, 2).as_deref()).await?;
    s.clock.set(at(2021, 3, 18, 8));
    let c3 = s.comment(&r[2], &consult, "支持机关单位停车场夜间开放，但要明确安全管理责任。", s.clause(&parking, 3).as_deref()).await?;
    s.clock.set(at(2021, 3, 20, 12));
    let c4 = s.comment(&r[0], &consult, "配建标准建议区分城区核心区和外围区域。", s.clause(&parking, 2).as_deref()).await?;
    s.clock.set(at(2021, 3, 22, 9));
    let hearing = s.app().new_id();
    let w = app
        .execute(
            &zhujian,
            commands::ScheduleHearing {
                hearing_id: hearing.clone(),
                decision_id: parking.clone(),
                starts_at: at(2021, 4, 20, 9),
                venue: v("滕州市政务服务中心三楼听证室")?,
                capacity: 15,
                signup_closes_at: at(2021, 4, 8, 17),
                selection_method: SelectionMethod::FirstCome,
                selection_rules: v(
                    "按报名先后顺序确定听证参加人，每个利益相关群体至少保留一个名额；报满后进入候补，有人撤回时按候补顺序递补。",
                )?,
                stakeholder_groups: vec![v("城区居民")?, v("物业企业")?, v("停车场经营者")?, v("人大代表和政协委员")?],
            },
        )
        .await?;
    s.settle(&w).await;
    s.clock.set(at(2021, 3, 25, 10));
    for (who, name, phone, group, statement) in [
        (&r[0], "张建国", "13806320001", "城区居民", "希望关注老旧小区停车。"),
        (&r[1], "李秀英", "13806320002", "城区居民", "关注配建标准。"),
        (&r[2], "王志强", "13806320003", "物业企业", "代表小区物业发言。"),
    ] {
        let w = app
            .execute(
                who,
                commands::SignUpForHearing {
                    signup_id: app.new_id(),
                    hearing_id: hearing.clone(),
                    full_name: name.into(),
                    phone: phone.into(),
                    stakeholder_group: v(group)?,
                    statement: v(statement)?,
                },
            )
            .await?;
        s.settle(&w).await;
    }
    s.clock.set(at(2021, 4, 10, 9));
    s.run(&zhujian, commands::CloseConsultation { consultation_id: consult.clone(), reason: None }).await?;
    let w = app.execute(&zhujian, commands::PublishHearingParticipants { hearing_id: hearing.clone() }).await?;
    s.settle(&w).await;
    // The materials reach the participants ten days ahead (Decree 713 Art. 17: at least seven).
    s.clock.set(at(2021, 4, 10, 11));
    let w = app
        .execute(
            &zhujian,
            commands::DeliverHearingMaterials {
                hearing_id: hearing.clone(),
                materials: v("《滕州市城区停车设施建设管理办法（征求意见稿）》及起草说明、停车泊位供需调查报告、听证会议程，以电子邮件和纸质方式送达全体听证参加人。")?,
                delivered_at: at(2021, 4, 10, 10),
            },
        )
        .await?;
    s.settle(&w).await;
    s.clock.set(at(2021, 4, 20, 12));
    let w = app
        .execute(
            &zhujian,
            commands::RecordHearingHeld {
                hearing_id: hearing.clone(),
                record_summary: v("听证会于4月20日举行，3名听证参加人发言，主要意见集中在配建标准和老旧小区停车问题。")?,
            },
        )
        .await?;
    s.settle(&w).await;
    // The record (笔录) goes to the participants; two confirm it, one asks for a correction.
    s.clock.set(at(2021, 4, 21, 15));
    let w = app
        .execute(
            &zhujian,
            commands::PublishHearingRecord {
                hearing_id: hearing.clone(),
                text: v("滕州市城区停车设施建设管理办法听证会笔录\n时间：2021年4月20日上午9时\n地点：滕州市政务服务中心三楼听证室\n一、主持人宣布听证事项和纪律。\n二、市住房和城乡建设局说明征求意见稿的主要内容和依据。\n三、城区居民代表发言：建议把老旧小区停车位建设写入办法；建议提高新建住宅配建标准。\n四、物业企业代表发言：支持单位停车场夜间开放，建议明确安全管理责任。\n五、主持人总结，听证会结束。")?,
            },
        )
        .await?;
    s.settle(&w).await;
    for (who, objection) in [(&r[0], None), (&r[1], None), (&r[2], Some("第四项漏记了我关于开放时段由物业与业主协商确定的建议，请补记。"))]
    {
        s.clock.set(at(2021, 4, 22, 9));
        let objection = objection.map(v).transpose()?;
        let w = app.execute(who, commands::AnswerHearingRecord { hearing_id: hearing.clone(), objection }).await?;
        s.settle(&w).await;
    }
    s.clock.set(at(2021, 4, 26, 10));
    let o1 = s
        .run(
            &zhujian,
            commands::ConsolidateOpinion {
                decision_id: parking.clone(),
                opinion_id: s.app().new_id(),
                summary: v("提高新建住宅配建标准，并区分核心区与外围区域")?,
                comment_ids: vec![c2, c4],
                concentrated: true,
            },
        )
        .await?
        .id;
    let o2 = s
        .run(
            &zhujian,
            commands::ConsolidateOpinion {
                decision_id: parking.clone(),
                opinion_id: s.app().new_id(),
                summary: v("将老旧小区停车设施建设纳入办法")?,
                comment_ids: vec![c1],
                concentrated: false,
            },
        )
        .await?
        .id;
    let o3 = s
        .run(
            &zhujian,
            commands::ConsolidateOpinion {
                decision_id: parking.clone(),
                opinion_id: s.app().new_id(),
                summary: v("明确机关单位停车场开放的安全管理责任")?,
                comment_ids: vec![c3],
                concentrated: false,
            },
        )
        .await?
        .id;
    s.clock.set(at(2021, 5, 6, 10));
    s.run(
        &zhujian,
        commands::DecideAdoption {
            opinion_id: o1,
            outcome: AdoptionOutcome::PartiallyAdopted,
            rationale: Some(v("采纳分区设置配建标准的意见，核心区提高至1.5个；外围区域维持1.2个，以免过度增加购房成本。")?),
        },
    )
    .await?;
    s.run(
        &zhujian,
        commands::DecideAdoption {
            opinion_id: o2,
            outcome: AdoptionOutcome::NotAdopted,
            rationale: Some(v("老旧小区改造停车位建设已由《滕州市老旧小区改造实施方案》规定，本办法不再重复规定。")?),
        },
    )
    .await?;
    s.run(&zhujian, commands::DecideAdoption { opinion_id: o3, outcome: AdoptionOutcome::Adopted, rationale: None }).await?;
    s.run(&zhujian, commands::PublishDraft { decision_id: parking.clone(),
        text: v("第一条 为加强城区停车设施规划建设管理，制定本办法。\n第二条 本办法适用于本市城区范围内停车设施的规划、建设和管理。\n第三条 新建住宅项目在城区核心区按每户不少于1.5个泊位、外围区域按每户不少于1.2个泊位配建停车位。\n第四条 鼓励机关、企事业单位内部停车场在夜间和节假日向社会开放，开放单位与管理单位签订安全管理协议，明确安全管理责任。\n第五条 占道停车泊位实行差别化收费，具体标准由价格主管部门制定。\n第六条 本办法自发布之日起施行。")?,
        explanation: v("根据征求意见和听证情况修改。")?,
        change_note: v("修改第三条配建标准，第四条增加安全管理协议。")?}).await?;
    s.run(
        &zhujian,
        commands::PublishFeedbackReport {
            decision_id: parking.clone(),
            summary: v("共收到网上意见4条，听证会发言3人次，归纳为3项意见：采纳1项、部分采纳1项、不予采纳1项，不予采纳的理由已一并公布。")?,
        },
    )
    .await?;
    s.clock.set(at(2021, 5, 20, 15));
    s.run(
        &zhujian,
        commands::RecordDeliberation {
            decision_id: parking.clone(),
            meeting_kind: MeetingKind::ExecutiveMeeting,
            held_at: at(2021, 5, 20, 9),
            summary: v("市政府第12次常务会议审议通过《滕州市城区停车设施规划建设管理办法》。")?,
            dissent: v("有参会人员提出差别化收费标准应尽快出台，会议要求市发展和改革局三个月内制定。")?,
            observers: vec![
                ObserverInput {
                    name: v("张建国")?,
                    affiliation: v("荆河街道居民代表")?,
                    opinion: v("建议加快老旧小区停车位建设。")?,
                    outcome: AdoptionOutcome::NotAdopted,
                    rationale: Some(v("老旧小区停车位建设已由《滕州市老旧小区改造实施方案》规定，本办法不再重复。")?),
                },
                ObserverInput {
                    name: v("周丽")?,
                    affiliation: v("市人大代表")?,
                    opinion: v("建议明确共享停车的安全责任。")?,
                    outcome: AdoptionOutcome::Adopted,
                    rationale: None,
                },
            ],
        },
    )
    .await?;
    s.clock.set(at(2021, 6, 1, 10));
    s.run(
        &zhujian,
        commands::PublishDecisionResult {
            decision_id: parking.clone(),
            text: v("《滕州市城区停车设施规划建设管理办法》已经市政府第12次常务会议审议通过，现予公布，自2021年7月1日起施行。")?,
            document_number: v("滕政发〔2021〕8号")?,
            effective_at: at(2021, 7, 1, 0),
            interpretation: v(
                "政策解读：一是分区提高新建住宅停车配建标准；二是推动机关单位停车场错时开放并明确安全责任；三是实行占道停车差别化收费。",
            )?,
        },
    )
    .await?;

    // ---- 2. Preschool plan: opinions grouped, feedback stage -------------------------------------
    let jiaoti = s.login("jiaoti").await?;
    let preschool = ids[1].clone();
    s.clock.set(at(2021, 6, 7, 9));
    s.run(
        &jiaoti,
        commands::PublishBackground {
            decision_id: preschool.clone(),
            text: v("我市普惠性幼儿园覆盖率低于全省平均水平，城区入园难问题仍然存在。")?,
        },
    )
    .await?;
    s.run(&jiaoti, commands::PublishDraft { decision_id: preschool.clone(),
        text: v("一、到2023年，全市普惠性幼儿园覆盖率达到90%以上。\n二、三年新建、改扩建公办幼儿园30所。\n三、落实城镇小区配套幼儿园建设要求。\n四、加强幼儿园教师队伍建设。")?,
        explanation: v("起草说明：依据国家和省学前教育行动计划制定。")?,
        change_note: v("")?}).await?;
    let pc = s.app().new_id();
    s.run(
        &jiaoti,
        commands::OpenConsultation {
            decision_id: preschool.clone(),
            consultation_id: pc.clone(),
            channel: Channel::Online,
            opens_at: at(2021, 6, 8, 0),
            closes_at: at(2021, 6, 28, 0),
            how_to_submit: v("本平台在线提交。")?,
            shortened_reason: Some(v("秋季学期招生计划须于7月上旬确定，征求意见期限缩短为20日。")?),
        },
    )
    .await?;
    s.clock.set(at(2021, 6, 10, 19));
    let p1 = s.comment(&r[0], &pc, "新建幼儿园要优先布局在新城区，那里适龄儿童最多。", s.clause(&preschool, 1).as_deref()).await?;
    s.clock.set(at(2021, 6, 15, 19));
    let p2 = s.comment(&r[1], &pc, "建议增加对民办普惠园的补助标准。", None).await?;
    s.clock.set(at(2021, 6, 18, 10));
    s.run(
        &jiaoti,
        commands::RecordParticipationActivity {
            decision_id: preschool.clone(),
            activity_id: s.app().new_id(),
            kind: ActivityKind::Symposium,
            held_at: at(2021, 6, 17, 15),
            summary: v("召开幼儿园园长和家长代表座谈会，听取对布局规划和收费的意见。")?,
            participant_count: 18,
        },
    )
    .await?;
    s.clock.set(at(2021, 7, 2, 10));
    let po = s
        .run(
            &jiaoti,
            commands::ConsolidateOpinion {
                decision_id: preschool.clone(),
                opinion_id: s.app().new_id(),
                summary: v("新建公办园优先布局在新城区等适龄儿童集中区域")?,
                comment_ids: vec![p1],
                concentrated: true,
            },
        )
        .await?
        .id;
    s.run(&jiaoti, commands::DecideAdoption { opinion_id: po, outcome: AdoptionOutcome::Adopted, rationale: None }).await?;
    s.run(
        &jiaoti,
        commands::ConsolidateOpinion {
            decision_id: preschool.clone(),
            opinion_id: s.app().new_id(),
            summary: v("提高民办普惠性幼儿园补助标准")?,
            comment_ids: vec![p2],
            concentrated: false,
        },
    )
    .await?;

    // ---- 3. Transport: withdrawn ------------------------------------------------------------------
    s.clock.set(at(2021, 8, 2, 10));
    let w = app
        .execute(
            &admin,
            commands::WithdrawDecision {
                decision_id: ids[7].clone(), reason: v("上位法正在修订，待省级办法出台后重新启动。")?
            },
        )
        .await?;
    s.settle(&w).await;

    // ---- Live items: running at the real time now ---------------------------------------------
    let now = Utc::now();
    s.clock.set(now);
    // 4. Waste sorting: an online consultation open now, with comments.
    let chengguan = s.login("chengguan").await?;
    let waste = ids[2].clone();
    s.run(
        &chengguan,
        commands::PublishBackground {
            decision_id: waste.clone(),
            text: v("按照国家和省关于推行生活垃圾分类的部署，我市作为试点县级市，需在城区全面推行生活垃圾分类。")?,
        },
    )
    .await?;
    s.run(&chengguan, commands::PublishDraft { decision_id: waste.clone(),
        text: v("第一条 生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类。\n第二条 城区居民小区按规定设置分类投放点。\n第三条 物业服务企业为分类投放管理责任人。\n第四条 对违反分类投放规定的单位和个人，依法予以处罚。")?,
        explanation: v("起草说明：参照《山东省生活垃圾管理条例》制定。")?,
        change_note: v("")?}).await?;
    let wc = s.app().new_id();
    s.run(
        &chengguan,
        commands::OpenConsultation {
            decision_id: waste.clone(),
            consultation_id: wc.clone(),
            channel: Channel::Online,
            opens_at: now,
            closes_at: now + Days::days(30),
            how_to_submit: v("本平台在线提交，或书面寄送至滕州市城市管理局（邮编277500）。")?,
            shortened_reason: None,
        },
    )
    .await?;
    s.comment(&r[2], &wc, "建议厨余垃圾定时定点投放，并配备督导员。", s.clause(&waste, 1).as_deref()).await?;
    s.comment(&r[0], &wc, "第四条处罚前应先教育劝导。", s.clause(&waste, 3).as_deref()).await?;

    // 5. Heating prices: a lottery hearing open for sign-up.
    let fagai = s.login("fagai").await?;
    let heating = ids[3].clone();
    s.run(
        &fagai,
        commands::PublishBackground {
            decision_id: heating.clone(),
            text: v("经成本监审，中心城区集中供热企业运行成本上升，现行价格已执行多年。")?,
        },
    )
    .await?;
    s.run(
        &fagai,
        commands::PublishDraft {
            decision_id: heating.clone(),
            text: v(
                "一、居民供热价格由每平方米22元调整为24元。\n二、低保户、特困人员供热费用予以减免。\n三、调整后价格自下一个采暖季起执行。",
            )?,
            explanation: v("调价方案附成本监审报告。")?,
            change_note: v("")?,
        },
    )
    .await?;
    let w = app
        .execute(
            &fagai,
            commands::ScheduleHearing {
                hearing_id: s.app().new_id(),
                decision_id: heating,
                starts_at: now + Days::days(40),
                venue: v("滕州市发展和改革局第一会议室")?,
                capacity: 9,
                signup_closes_at: now + Days::days(20),
                selection_method: SelectionMethod::Lottery,
                selection_rules: v(
                    "报名截止后以公开种子随机抽选9名听证参加人，每个利益相关群体至少1名；抽选结果任何人可按公布的种子复核。",
                )?,
                stakeholder_groups: vec![v("供热用户")?, v("供热企业")?, v("低收入群体代表")?, v("专家学者")?],
            },
        )
        .await?;
    s.settle(&w).await;

    // 6. Health insurance: drafting, exempted from public participation.
    let yibao = s.login("yibao").await?;
    s.run(
        &yibao,
        commands::PublishBackground {
            decision_id: ids[4].clone(), text: v("按照省医保局部署，推进城乡居民基本医疗保险市级统筹。")?
        },
    )
    .await?;
    // It carries out the province's uniform standards: an exemption from public participation
    // with its legal basis (Decree 713 Art. 14), shown on the decision and in its history.
    s.run(
        &yibao,
        commands::RecordParticipationExemption {
            decision_id: ids[4].clone(),
            legal_basis: v("本方案执行国家和省统一规定的筹资标准和待遇政策，市级无自主调整空间。依据《重大行政决策程序暂行条例》第十四条“法律、行政法规另有规定的除外”和省医疗保障局统一部署，不再单独组织公众参与。")?,
        },
    )
    .await?;
    Ok(())
}
