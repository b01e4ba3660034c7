//! The township's rules, typed and in one place: the shift windows and breaks, the time
//! per visit, when a site is overdue, how long a tip-off counts as answered, the 整改
//! and 回头看 periods, how hotspots are scored, the map's window, the snapping limits, and
//! the findings checklist and outcomes an inspector records.
//!
//! A township states its own in `rules.toml` beside `township.json`, or under a `rules`
//! key inside it; what it leaves out keeps the default below. `init --from` stores them in
//! the workspace, and every part of the program reads them from there. Unknown keys and
//! bad values are errors naming the file, the key and the problem.
//!
//! ```
//! let rules = gridpatrol::rules::Rules::from_toml("[overdue_days]\nlicensed = 90\n", "rules.toml").unwrap();
//! assert_eq!(rules.overdue_days.licensed, 90);
//! assert_eq!(rules.overdue_days.unlicensed, 30); // the default
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::DayUnit;
use crate::model::{InstitutionKind, Licence};
use crate::units::{format_clock, parse_clock, ClockSeconds, Metres, Seconds};

/// The rules file's name inside a township folder.
pub const RULES_FILE: &str = "rules.toml";

/// The default farthest distance from a site to a usable street (also the default of
/// `route`/`matrix --max-snap-m`).
pub const DEFAULT_MAX_SITE_TO_STREET_M: Metres = 500.0;

/// Why a township's rules cannot be used.
#[derive(Debug, Error)]
pub enum RulesError {
    /// The rules file could not be read.
    #[error("{source_name}: cannot read: {message}")]
    Io {
        /// The file as named to the user.
        source_name: String,
        /// The operating system's reason.
        message: String,
    },
    /// A key is unknown, of the wrong type, or out of range.
    #[error("{source_name}: key `{key}`: {problem}")]
    Invalid {
        /// The file as named to the user.
        source_name: String,
        /// The key, dotted from the top (`shifts.day.start`).
        key: String,
        /// What is wrong with its value.
        problem: String,
    },
    /// Rules given both in `rules.toml` and in the manifest.
    #[error("{source_name}: rules are given twice (in {RULES_FILE} and under `rules` in township.json): keep one")]
    Twice {
        /// The township folder, as named to the user.
        source_name: String,
    },
}

/// Every rule of the township. `Rules::default()` is the built-in policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// The shifts: day (日查), evening and night (夜查), weekend.
    pub shifts: Shifts,
    /// Minutes per visit, by what is visited.
    pub service_minutes: ServiceMinutes,
    /// Days after the last inspection when a site is overdue, by licence class.
    pub overdue_days: OverdueDays,
    /// Tip-offs, 整改 and 回头看.
    pub follow_ups: FollowUpRules,
    /// How hotspots are scored for night checks.
    pub hotspots: HotspotRule,
    /// What the map shows by default.
    pub map: MapRules,
    /// How far a site may be from a street, and how a walked track matches streets.
    pub snapping: SnapRules,
    /// The findings checklist, per kind of institution.
    pub findings: Findings,
    /// The outcomes an inspection may end with.
    pub outcomes: Vec<Outcome>,
    /// What a campaign (专项治理) plan must cover.
    pub campaign: CampaignRules,
    /// The 双随机 draw from the registers: risk tiers, sampling ratios, officers per
    /// target and the publication deadline.
    pub draw: DrawRules,
    /// What turns and signals cost a team on foot and by car.
    pub routing: RoutingRules,
}

/// What turning and junctions cost, per travel profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingRules {
    /// On foot (the default profile).
    pub walk: TurnCosts,
    /// By car.
    pub drive: TurnCosts,
    /// Residential compounds (小区) and campuses lock their gates at night: routes of the
    /// shifts after dark (晚查 and 夜查, in day plans and campaigns) then go round them
    /// instead of through their gates.
    pub compounds_closed_at_night: bool,
}

/// Defaults fit for Chinese urban streets: cars wait longer to turn left across traffic
/// and at signals with long cycles; walkers do not slow for turns but wait about a
/// quarter of a signal cycle at a signalled crossing.
impl Default for RoutingRules {
    fn default() -> Self {
        Self {
            walk: TurnCosts {
                left_turn_s: 0.0,
                right_turn_s: 0.0,
                u_turn_s: 0.0,
                signal_delay_s: 20.0,
            },
            drive: TurnCosts {
                left_turn_s: 8.0,
                right_turn_s: 3.0,
                u_turn_s: 20.0,
                signal_delay_s: 12.0,
            },
            compounds_closed_at_night: false,
        }
    }
}

/// What turning and junctions cost one profile, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnCosts {
    /// A right-angle turn that crosses oncoming traffic (a left turn where traffic keeps
    /// right, as in China); gentler turns cost proportionally less.
    pub left_turn_s: Seconds,
    /// A right-angle turn that does not cross traffic (a right turn).
    pub right_turn_s: Seconds,
    /// Turning back where nothing else is possible (a dead end, a closed barrier).
    pub u_turn_s: Seconds,
    /// Going through a signalled junction or crossing: the mean wait for green.
    pub signal_delay_s: Seconds,
}

impl TurnCosts {
    /// No turn or signal costs at all (the plain junction graph's answers).
    pub const FREE: TurnCosts = TurnCosts {
        left_turn_s: 0.0,
        right_turn_s: 0.0,
        u_turn_s: 0.0,
        signal_delay_s: 0.0,
    };
}

/// How a 双随机 draw from the registers works (see `coverage::register_draw`).
///
/// A site's risk tier: **high** when it is 无证无照, or had at least `high_findings`
/// findings (隐患 or 无证经营) in the last `findings_window_days`, or has at least
/// `high_tip_offs` tip-offs; else **medium** when it is 有照无证 or had any finding or
/// tip-off; else **low**. Each tier is sampled at its own ratio (rounded up, so a tier
/// with sites and a ratio above 0 gives at least one target).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DrawRules {
    /// Share of high-risk sites drawn, percent.
    pub high_pct: f64,
    /// Share of medium-risk sites drawn, percent.
    pub medium_pct: f64,
    /// Share of low-risk sites drawn, percent.
    pub low_pct: f64,
    /// Officers sent to each target (执法人员不少于两人).
    pub officers_per_target: u32,
    /// The result is published within this many working days of the draw.
    pub publish_working_days: u32,
    /// Findings in the window that make a site high risk.
    pub high_findings: u32,
    /// Tip-offs that make a site high risk.
    pub high_tip_offs: u32,
    /// How far back findings count, in days.
    pub findings_window_days: i64,
}

impl Default for DrawRules {
    fn default() -> Self {
        DrawRules {
            high_pct: 30.0,
            medium_pct: 10.0,
            low_pct: 3.0,
            officers_per_target: 2,
            publish_working_days: 20,
            high_findings: 1,
            high_tip_offs: 2,
            findings_window_days: 365,
        }
    }
}

/// What a campaign plan (`gridpatrol campaign plan`) must cover besides visiting every
/// active institution once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CampaignRules {
    /// Night checks of every hotspot in the campaign's window.
    pub hotspot_night_checks: u32,
    /// Days at least between two night checks of one hotspot (shortened when the
    /// window is too short for them).
    pub night_check_gap_days: i64,
    /// An open tip-off (有报必查) is checked within this many working days.
    pub tip_off_working_days: u32,
}

impl Default for CampaignRules {
    fn default() -> Self {
        Self {
            hotspot_night_checks: 2,
            night_check_gap_days: 7,
            tip_off_working_days: 5,
        }
    }
}

/// A clock time written `HH:MM` in files, held as seconds since midnight.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Clock(pub ClockSeconds);

impl Clock {
    /// The time of day (seconds past 24:00 stop at 23:59:59).
    pub fn to_time(self) -> chrono::NaiveTime {
        let s = self.0.clamp(0.0, 86_399.0) as u32;
        chrono::NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap_or_default()
    }
}

impl schemars::JsonSchema for Clock {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Clock".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{1,2}:[0-9]{2}$",
            "description": "A clock time, HH:MM."
        })
    }
}

impl Serialize for Clock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_clock(self.0))
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_clock(&text).map(Clock).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a clock time (HH:MM)"))
        })
    }
}

/// The township's shifts: each a window, a break and what it visits. `plan --shift` names
/// one of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Shifts {
    /// 日查: institutions in opening hours.
    pub day: ShiftWindow,
    /// 夜查 of institutions open in the evening (托管, 小饭桌, evening classes) and hotspots.
    pub evening: ShiftWindow,
    /// 夜查 of hotspots late in the evening.
    pub night: ShiftWindow,
    /// 周末查: institutions open at the weekend (or on a holiday).
    pub weekend: ShiftWindow,
}

impl Default for Shifts {
    fn default() -> Self {
        let at = |h: f64| Clock(h * 3600.0);
        let lunch = |earliest: f64| {
            Some(Lunch {
                earliest: at(earliest),
                latest: at(13.0),
                minutes: 60.0,
            })
        };
        Self {
            day: ShiftWindow {
                start: at(8.5),
                end: at(17.5),
                lunch: lunch(11.5),
                visits: Some(Visits::Institutions),
            },
            evening: ShiftWindow {
                start: at(17.5),
                end: at(21.5),
                lunch: None,
                visits: Some(Visits::Both),
            },
            night: ShiftWindow {
                start: at(19.0),
                end: at(22.0),
                lunch: None,
                visits: Some(Visits::Hotspots),
            },
            weekend: ShiftWindow {
                start: at(9.0),
                end: at(17.0),
                lunch: lunch(11.5),
                visits: Some(Visits::Institutions),
            },
        }
    }
}

/// What a shift visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visits {
    /// Institutions, inside their opening hours on the day.
    Institutions,
    /// Hotspots (office buildings, residential compounds), scored for night checks.
    Hotspots,
    /// Both: institutions open in the window and hotspots.
    Both,
}

impl Visits {
    /// The shift visits institutions.
    pub fn institutions(self) -> bool {
        matches!(self, Visits::Institutions | Visits::Both)
    }
    /// The shift visits hotspots.
    pub fn hotspots(self) -> bool {
        matches!(self, Visits::Hotspots | Visits::Both)
    }
}

/// A shift's working window, its break and what it visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftWindow {
    /// Start of the window, local time.
    pub start: Clock,
    /// End of the window, local time (teams are back at the depot by then).
    pub end: Clock,
    /// The break, if the shift has one.
    #[serde(default)]
    pub lunch: Option<Lunch>,
    /// What the shift visits; absent: the shift's own default (day and weekend
    /// institutions, evening both, night hotspots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<Visits>,
}

/// A break of `minutes` starting between `earliest` and `latest`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lunch {
    /// The earliest the break may start, local time.
    pub earliest: Clock,
    /// The latest the break may start, local time.
    pub latest: Clock,
    /// How long the break lasts, minutes.
    pub minutes: f64,
}

impl Lunch {
    /// How long the break lasts, seconds.
    pub fn duration_s(&self) -> Seconds {
        self.minutes * 60.0
    }
}

/// Minutes per visit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceMinutes {
    /// An institution on the day shift.
    pub institution: f64,
    /// A hotspot swept on the night shift.
    pub hotspot: f64,
}

impl Default for ServiceMinutes {
    fn default() -> Self {
        Self {
            institution: 20.0,
            hotspot: 30.0,
        }
    }
}

impl ServiceMinutes {
    /// An institution's visit in seconds.
    pub fn institution_s(&self) -> Seconds {
        self.institution * 60.0
    }
    /// A hotspot's sweep in seconds.
    pub fn hotspot_s(&self) -> Seconds {
        self.hotspot * 60.0
    }
}

/// Days after the last inspection when a site is overdue: unlicensed (无证无照) 30,
/// registered only (有照无证) 60, licensed (有证有照) 180.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OverdueDays {
    /// Days for 无证无照 sites.
    pub unlicensed: i64,
    /// Days for 有照无证 sites.
    pub registered_only: i64,
    /// Days for 有证有照 sites.
    pub licensed: i64,
}

impl Default for OverdueDays {
    fn default() -> Self {
        Self {
            unlicensed: 30,
            registered_only: 60,
            licensed: 180,
        }
    }
}

impl OverdueDays {
    /// The days for a licence class.
    ///
    /// ```
    /// use gridpatrol::{rules::OverdueDays, model::Licence};
    /// let d = OverdueDays::default();
    /// assert!(d.after(Licence::Unlicensed) < d.after(Licence::Licensed));
    /// ```
    pub fn after(&self, licence: Licence) -> i64 {
        match licence {
            Licence::Unlicensed => self.unlicensed,
            Licence::RegisteredOnly => self.registered_only,
            Licence::Licensed => self.licensed,
        }
    }
}

/// Tip-offs (举报), rectification (整改) and the look-back (回头看).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpRules {
    /// An inspection this recent answers a site's tip-offs (counts carry no dates).
    pub tip_off_handled_days: i64,
    /// Days to rectify a hazard when the inspector gives no date.
    pub rectify_days: i64,
    /// Days after a closure or a rectification when the 回头看 falls due.
    pub look_back_days: i64,
    /// How `tip_off_handled_days` counts: `calendar_days` (default) or `working_days`
    /// (有报必查 within N working days, holidays skipped, 调休 Saturdays counted).
    pub tip_off_days_unit: DayUnit,
    /// How `rectify_days` counts: `calendar_days` (default) or `working_days`.
    pub rectify_days_unit: DayUnit,
}

impl Default for FollowUpRules {
    fn default() -> Self {
        Self {
            tip_off_handled_days: 30,
            rectify_days: 14,
            look_back_days: 30,
            tip_off_days_unit: DayUnit::CalendarDays,
            rectify_days_unit: DayUnit::CalendarDays,
        }
    }
}

/// How hotspots (office buildings, residential compounds) are scored for night checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HotspotRule {
    /// Sites this close to the building (or inside it) count as "in or near".
    pub near_site_m: Metres,
    /// Schools this close raise the score.
    pub near_school_m: Metres,
    /// Findings older than this do not count.
    pub findings_window_days: i64,
    /// Points per unlicensed site in or near.
    pub points_per_unlicensed: f64,
    /// The most points unlicensed sites can add.
    pub max_unlicensed: f64,
    /// Points per complaint or tip-off on sites in or near.
    pub points_per_complaint: f64,
    /// The most points complaints can add.
    pub max_complaints: f64,
    /// Points per recent finding at sites in or near.
    pub points_per_finding: f64,
    /// The most points findings can add.
    pub max_findings: f64,
    /// Points per school nearby.
    pub points_per_school: f64,
    /// The most points schools can add.
    pub max_schools: f64,
    /// Points per 10 days since the last night check (never checked: the maximum).
    pub points_per_10_days: f64,
    /// The most points the days since the last night check can add (also when never checked).
    pub max_days: f64,
    /// A hotspot needs a night check when its score reaches this...
    pub flag_score: f64,
    /// ...and it was not night-checked in the last this many days.
    pub recheck_after_days: i64,
}

impl Default for HotspotRule {
    fn default() -> Self {
        Self {
            near_site_m: 100.0,
            near_school_m: 500.0,
            findings_window_days: 365,
            points_per_unlicensed: 3.0,
            max_unlicensed: 9.0,
            points_per_complaint: 1.0,
            max_complaints: 4.0,
            points_per_finding: 1.5,
            max_findings: 6.0,
            points_per_school: 1.0,
            max_schools: 3.0,
            points_per_10_days: 1.0,
            max_days: 3.0,
            flag_score: 5.0,
            recheck_after_days: 7,
        }
    }
}

/// What the map shows when nobody chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MapRules {
    /// The map colours cells by the last this many days, today included.
    pub window_days: i64,
}

impl Default for MapRules {
    fn default() -> Self {
        Self { window_days: 30 }
    }
}

impl MapRules {
    /// The inclusive dates of the window ending on `today`.
    ///
    /// ```
    /// let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    /// let (from, to) = gridpatrol::rules::MapRules::default().window_ending(today);
    /// assert_eq!((from.to_string(), to), ("2026-11-01".to_string(), today));
    /// ```
    pub fn window_ending(
        &self,
        today: chrono::NaiveDate,
    ) -> (chrono::NaiveDate, chrono::NaiveDate) {
        let from = today
            .checked_sub_signed(chrono::Duration::days(self.window_days - 1))
            .unwrap_or(chrono::NaiveDate::MIN);
        (from, today)
    }
}

/// Snapping limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SnapRules {
    /// A site farther than this from a usable street cannot be planned.
    pub max_site_to_street_m: Metres,
    /// A street piece is swept when a track passes within this distance...
    pub track_buffer_m: Metres,
    /// ...running along it within this angle (a track crossing a street does not sweep it).
    pub track_max_angle_deg: f64,
}

impl Default for SnapRules {
    fn default() -> Self {
        Self {
            max_site_to_street_m: DEFAULT_MAX_SITE_TO_STREET_M,
            track_buffer_m: 15.0,
            track_max_angle_deg: 35.0,
        }
    }
}

/// The findings checklist per kind of institution, from the campaign plans' own lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Findings {
    /// After-school care (托管).
    pub care: Vec<FindingItem>,
    /// Off-campus training (培训).
    pub training: Vec<FindingItem>,
}

impl Findings {
    /// The checklist for a kind of institution.
    pub fn for_kind(&self, kind: InstitutionKind) -> &[FindingItem] {
        match kind {
            InstitutionKind::Care => &self.care,
            InstitutionKind::Training => &self.training,
        }
    }
}

/// One item of the checklist, possibly with sub-items (资质: 营业执照, 食品经营许可证, 健康证).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingItem {
    /// A stable code other programs store.
    pub code: String,
    /// What the inspector reads.
    pub label: String,
    /// Sub-items, checked one by one (empty for a plain item).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<FindingItem>,
}

fn item(code: &str, label: &str) -> FindingItem {
    FindingItem {
        code: code.into(),
        label: label.into(),
        items: Vec::new(),
    }
}

fn group(code: &str, label: &str, items: Vec<FindingItem>) -> FindingItem {
    FindingItem {
        items,
        ..item(code, label)
    }
}

impl Default for Findings {
    fn default() -> Self {
        Self {
            care: vec![
                group(
                    "qualification",
                    "资质",
                    vec![
                        item("business_licence", "营业执照"),
                        item("food_licence", "食品经营许可证"),
                        item("health_certificates", "健康证"),
                    ],
                ),
                group(
                    "safety",
                    "安全隐患",
                    vec![
                        item("building", "房屋"),
                        item("fire", "消防"),
                        item("food", "食品"),
                        item("traffic", "交通"),
                        item("hygiene", "卫生"),
                    ],
                ),
                item("subject_training", "超出经营范围开展学科培训"),
                item("advertising", "违法广告/虚假宣传"),
                item("serving_teachers", "在职教师"),
            ],
            training: vec![
                item("school_licence", "办学许可证"),
                item("business_licence", "营业执照"),
                item("annual_review", "年检"),
                item("safety", "安全隐患"),
                item("admissions_link", "与招生入学挂钩"),
                item("ahead_of_curriculum", "超标超前"),
                item("fees", "收费与预收费监管"),
                item("materials", "培训材料"),
                item("serving_teachers", "在职教师违规补课"),
                item("sham_closure", "假注销真运营"),
            ],
        }
    }
}

/// An outcome an inspection may end with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// A stable code other programs store.
    pub code: String,
    /// What the inspector reads.
    pub label: String,
}

fn default_outcomes() -> Vec<Outcome> {
    [
        ("compliant", "合规"),
        ("rectify", "责令整改"),
        ("close", "关停/取缔"),
        ("refer", "移交"),
        ("not_found", "未找到/已搬离"),
    ]
    .into_iter()
    .map(|(code, label)| Outcome {
        code: code.into(),
        label: label.into(),
    })
    .collect()
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            shifts: Shifts::default(),
            service_minutes: ServiceMinutes::default(),
            overdue_days: OverdueDays::default(),
            follow_ups: FollowUpRules::default(),
            hotspots: HotspotRule::default(),
            map: MapRules::default(),
            snapping: SnapRules::default(),
            findings: Findings::default(),
            outcomes: default_outcomes(),
            campaign: CampaignRules::default(),
            draw: DrawRules::default(),
            routing: RoutingRules::default(),
        }
    }
}

impl Rules {
    /// Reads rules from TOML text (`source_name` names it in errors), with defaults for
    /// what it leaves out.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Self, RulesError> {
        let de = toml::Deserializer::parse(text).map_err(|e| RulesError::Invalid {
            source_name: source_name.into(),
            key: "(syntax)".into(),
            problem: e.message().to_string(),
        })?;
        let rules: Rules = serde_path_to_error::deserialize(de)
            .map_err(|e| invalid(source_name, e.path().to_string(), e.inner().message()))?;
        rules.checked(source_name)
    }

    /// Reads rules from a JSON value (the `rules` key of `township.json`).
    pub fn from_json(value: &serde_json::Value, source_name: &str) -> Result<Self, RulesError> {
        let rules: Rules = serde_path_to_error::deserialize(value).map_err(|e| {
            invalid(
                source_name,
                format!("rules.{}", e.path()),
                &e.inner().to_string(),
            )
        })?;
        rules.checked(source_name)
    }

    /// The rules of the township in `dir`: its `rules.toml`, or the `rules` key of its
    /// `township.json`, or the defaults when it states none.
    pub fn load_dir(dir: &Path) -> Result<Self, RulesError> {
        let toml_path = dir.join(RULES_FILE);
        let manifest_path = dir.join(crate::formats::township::MANIFEST_FILE);
        let in_manifest = match std::fs::read(&manifest_path) {
            Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("rules").cloned()),
            Err(_) => None,
        };
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| RulesError::Io {
                source_name: p.display().to_string(),
                message: e.to_string(),
            })
        };
        match (toml_path.exists(), in_manifest) {
            (true, Some(_)) => Err(RulesError::Twice {
                source_name: dir.display().to_string(),
            }),
            (true, None) => Self::from_toml(&read(&toml_path)?, &toml_path.display().to_string()),
            (false, Some(v)) => Self::from_json(&v, &manifest_path.display().to_string()),
            (false, None) => Ok(Self::default()),
        }
    }

    /// The rules as TOML, as a township would write them.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks values serde cannot: positive periods, windows that open before they
    /// close, a break inside its shift, a checklist and outcomes with unique codes.
    fn checked(self, source_name: &str) -> Result<Self, RulesError> {
        let bad = |key: &str, problem: &str| Err(invalid(source_name, key.into(), problem));
        for (key, pct) in [
            ("draw.high_pct", self.draw.high_pct),
            ("draw.medium_pct", self.draw.medium_pct),
            ("draw.low_pct", self.draw.low_pct),
        ] {
            if !(0.0..=100.0).contains(&pct) {
                return bad(key, "a share between 0 and 100 (percent)");
            }
        }
        if self.draw.officers_per_target < 2 {
            return bad(
                "draw.officers_per_target",
                "at least 2 (执法人员不少于两人)",
            );
        }
        if self.draw.findings_window_days < 1 {
            return bad("draw.findings_window_days", "at least 1 day");
        }
        let days = [
            ("overdue_days.unlicensed", self.overdue_days.unlicensed),
            (
                "overdue_days.registered_only",
                self.overdue_days.registered_only,
            ),
            ("overdue_days.licensed", self.overdue_days.licensed),
            (
                "follow_ups.tip_off_handled_days",
                self.follow_ups.tip_off_handled_days,
            ),
            ("follow_ups.rectify_days", self.follow_ups.rectify_days),
            ("follow_ups.look_back_days", self.follow_ups.look_back_days),
            (
                "hotspots.findings_window_days",
                self.hotspots.findings_window_days,
            ),
            (
                "hotspots.recheck_after_days",
                self.hotspots.recheck_after_days,
            ),
            ("map.window_days", self.map.window_days),
        ];
        for (key, value) in days {
            if value < 1 {
                return bad(key, &format!("{value} days: must be at least 1"));
            }
        }
        let positive = [
            (
                "service_minutes.institution",
                self.service_minutes.institution,
            ),
            ("service_minutes.hotspot", self.service_minutes.hotspot),
            (
                "snapping.max_site_to_street_m",
                self.snapping.max_site_to_street_m,
            ),
            ("snapping.track_buffer_m", self.snapping.track_buffer_m),
            (
                "snapping.track_max_angle_deg",
                self.snapping.track_max_angle_deg,
            ),
            ("hotspots.near_site_m", self.hotspots.near_site_m),
            ("hotspots.near_school_m", self.hotspots.near_school_m),
        ];
        for (key, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return bad(key, &format!("{value}: must be a number above 0"));
            }
        }
        for (profile, costs) in [("walk", self.routing.walk), ("drive", self.routing.drive)] {
            for (name, value) in [
                ("left_turn_s", costs.left_turn_s),
                ("right_turn_s", costs.right_turn_s),
                ("u_turn_s", costs.u_turn_s),
                ("signal_delay_s", costs.signal_delay_s),
            ] {
                if !(value.is_finite() && (0.0..=600.0).contains(&value)) {
                    return bad(
                        &format!("routing.{profile}.{name}"),
                        &format!("{value}: seconds between 0 and 600"),
                    );
                }
            }
        }
        let shifts = &self.shifts;
        for (name, shift) in [
            ("day", &shifts.day),
            ("evening", &shifts.evening),
            ("night", &shifts.night),
            ("weekend", &shifts.weekend),
        ] {
            if shift.start >= shift.end {
                return bad(&format!("shifts.{name}"), "start must come before end");
            }
            if let Some(l) = &shift.lunch {
                let inside = shift.start <= l.earliest
                    && l.earliest <= l.latest
                    && l.latest.0 + l.duration_s() <= shift.end.0;
                if !(l.minutes.is_finite() && l.minutes > 0.0 && inside) {
                    return bad(
                        &format!("shifts.{name}.lunch"),
                        "earliest ≤ latest, minutes above 0, and the break inside the shift",
                    );
                }
            }
        }
        let mut codes = std::collections::HashSet::new();
        for o in &self.outcomes {
            if o.code.trim().is_empty() || !codes.insert(o.code.as_str()) {
                return bad(
                    "outcomes",
                    &format!("code `{}` is empty or repeated", o.code),
                );
            }
        }
        if self.outcomes.is_empty() {
            return bad("outcomes", "at least one outcome");
        }
        for (name, list) in [
            ("care", &self.findings.care),
            ("training", &self.findings.training),
        ] {
            let mut codes = std::collections::HashSet::new();
            for f in list.iter().chain(list.iter().flat_map(|f| &f.items)) {
                if f.code.trim().is_empty() || !codes.insert(f.code.as_str()) {
                    return bad(
                        &format!("findings.{name}"),
                        &format!("code `{}` is empty or repeated", f.code),
                    );
                }
            }
        }
        Ok(self)
    }
}

fn invalid(source_name: &str, key: String, problem: &str) -> RulesError {
    RulesError::Invalid {
        source_name: source_name.into(),
        key,
        problem: problem.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draw_ratios_are_read_and_checked() {
        let r = Rules::from_toml("[draw]\nhigh_pct = 50\n", "rules.toml").unwrap();
        assert_eq!(r.draw.high_pct, 50.0);
        assert_eq!(r.draw.low_pct, DrawRules::default().low_pct);
        let e = Rules::from_toml("[draw]\nlow_pct = 120\n", "rules.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("draw.low_pct"), "{e}");
        let e = Rules::from_toml("[draw]\nofficers_per_target = 1\n", "rules.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("draw.officers_per_target"), "{e}");
    }

    #[test]
    fn the_defaults_survive_toml_and_json() {
        let rules = Rules::default();
        assert_eq!(Rules::from_toml(&rules.to_toml(), "x").unwrap(), rules);
        let json = serde_json::to_value(&rules).unwrap();
        assert_eq!(Rules::from_json(&json, "x").unwrap(), rules);
        assert_eq!(Rules::from_toml("", "x").unwrap(), rules);
    }

    #[test]
    fn a_partial_file_keeps_the_other_defaults() {
        let r = Rules::from_toml(
            "[shifts.night]\nstart = \"18:30\"\nend = \"21:30\"\n[follow_ups]\nrectify_days = 7\n",
            "rules.toml",
        )
        .unwrap();
        assert_eq!(r.shifts.night.start, Clock(18.5 * 3600.0));
        assert_eq!(r.follow_ups.rectify_days, 7);
        assert_eq!(r.follow_ups.look_back_days, 30);
        assert_eq!(r.shifts.day, Shifts::default().day);
    }

    #[test]
    fn errors_name_the_file_the_key_and_the_problem() {
        let message = |text: &str| {
            Rules::from_toml(text, "t/rules.toml")
                .unwrap_err()
                .to_string()
        };
        let unknown = message("[overdue_days]\nlicenced = 90\n");
        assert!(
            unknown.starts_with("t/rules.toml: key `overdue_days.licenced`"),
            "{unknown}"
        );
        assert!(unknown.contains("unknown field"), "{unknown}");
        let wrong_type = message("[map]\nwindow_days = \"a month\"\n");
        assert!(wrong_type.contains("key `map.window_days`"), "{wrong_type}");
        let clock = message("[shifts.day]\nstart = \"8h\"\nend = \"17:00\"\n");
        assert!(clock.contains("`8h` is not a clock time"), "{clock}");
        let negative = message("[follow_ups]\nlook_back_days = 0\n");
        assert!(
            negative.contains("key `follow_ups.look_back_days`: 0 days"),
            "{negative}"
        );
        let reversed = message("[shifts.night]\nstart = \"22:00\"\nend = \"19:00\"\n");
        assert!(
            reversed.contains("key `shifts.night`: start must come before end"),
            "{reversed}"
        );
        let json = serde_json::json!({"hotspots": {"flag": 3}});
        let e = Rules::from_json(&json, "township.json")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("township.json: key `rules.hotspots.flag`"),
            "{e}"
        );
    }

    #[test]
    fn a_township_shapes_its_shifts_and_counts_deadlines_in_working_days() {
        let text =
            "[shifts.evening]\nstart = \"18:00\"\nend = \"21:00\"\nvisits = \"institutions\"\n\
                    [follow_ups]\nrectify_days_unit = \"working_days\"\n";
        let r = Rules::from_toml(text, "rules.toml").unwrap();
        assert_eq!(r.shifts.evening.visits, Some(Visits::Institutions));
        assert_eq!(r.shifts.evening.start, Clock(18.0 * 3600.0));
        assert_eq!(r.shifts.weekend, Shifts::default().weekend);
        assert_eq!(r.follow_ups.rectify_days_unit, DayUnit::WorkingDays);
        assert_eq!(r.follow_ups.tip_off_days_unit, DayUnit::CalendarDays);
        let bad = Rules::from_toml(
            "[shifts.weekend]\nstart = \"09:00\"\nend = \"17:00\"\nvisits = \"shops\"\n",
            "rules.toml",
        );
        let e = bad.unwrap_err().to_string();
        assert!(e.contains("shifts.weekend"), "{e}");
        let reversed = Rules::from_toml(
            "[shifts.evening]\nstart = \"21:30\"\nend = \"17:30\"\n",
            "rules.toml",
        );
        assert!(reversed
            .unwrap_err()
            .to_string()
            .contains("key `shifts.evening`"));
    }

    #[test]
    fn a_folder_gives_its_rules_once() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Rules::load_dir(dir.path()).unwrap(), Rules::default());
        std::fs::write(
            dir.path().join("township.json"),
            r#"{"rules": {"map": {"window_days": 7}}}"#,
        )
        .unwrap();
        assert_eq!(Rules::load_dir(dir.path()).unwrap().map.window_days, 7);
        std::fs::write(dir.path().join(RULES_FILE), "[map]\nwindow_days = 14\n").unwrap();
        assert!(matches!(
            Rules::load_dir(dir.path()),
            Err(RulesError::Twice { .. })
        ));
    }

    #[test]
    fn the_checklists_hold_the_campaign_items() {
        let f = Findings::default();
        let labels = |list: &[FindingItem]| -> Vec<String> {
            list.iter()
                .flat_map(|i| std::iter::once(i).chain(&i.items))
                .map(|i| i.label.clone())
                .collect()
        };
        let care = labels(f.for_kind(InstitutionKind::Care));
        assert!(care.contains(&"食品经营许可证".to_string()) && care.contains(&"交通".to_string()));
        assert_eq!(f.for_kind(InstitutionKind::Training).len(), 10);
        let outcomes: Vec<_> = default_outcomes().into_iter().map(|o| o.label).collect();
        assert_eq!(
            outcomes,
            ["合规", "责令整改", "关停/取缔", "移交", "未找到/已搬离"]
        );
    }
}
