//! The 举报 register's and the follow-up worklist's JSON: tip-offs received, listed and
//! moved along, and the due 整改 checks, 回头看 and closures to verify.

use serde::{Deserialize, Serialize};

use crate::model::tipoff::{TipOffSource, TipOffStatus, TipOffStep, TipOffVerdict};
use crate::store::{FollowUpItem, TipOff};

/// `POST /api/tipoffs`: a tip-off received (leads).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TipOffRequest {
    /// `hotline_12345` (12345热线), `phone` (电话), `letter` (来信), `online` (网络) or
    /// `superior` (上级交办).
    pub source: TipOffSource,
    /// What is complained of.
    pub summary: String,
    /// Where, as the complainant said it.
    #[serde(default)]
    pub place: Option<String>,
    /// When it was received (`YYYY-MM-DD HH:MM`, township time); default now.
    #[serde(default)]
    pub received_at: Option<String>,
    /// The complainant's name: kept private, shown to leads only.
    #[serde(default)]
    pub complainant_name: Option<String>,
    /// The complainant's phone or address: kept private, shown to leads only.
    #[serde(default)]
    pub complainant_contact: Option<String>,
    /// The site it concerns, when known.
    #[serde(default)]
    pub site_id: Option<String>,
    /// Longitude on the map, when no site is given.
    #[serde(default)]
    pub lon: Option<f64>,
    /// Latitude on the map, when no site is given.
    #[serde(default)]
    pub lat: Option<f64>,
    /// The coordinates' system: `wgs84` (default), `gcj02` (高德/腾讯) or `bd09` (百度).
    #[serde(default)]
    pub crs: Option<String>,
}

/// `PATCH /api/tipoffs/{id}`: one step. Each step reads only its own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TipOffPatch {
    /// `assign` (交办, leads), `handle` (核查: the inspection that checked it; its
    /// team or a lead), `verify` (核实, leads), `answer` (答复, leads), `close` (办结, leads).
    pub action: TipOffStep,
    /// assign: the team.
    #[serde(default)]
    pub team: Option<String>,
    /// assign: another deadline than the rules' (`YYYY-MM-DD`).
    #[serde(default)]
    pub due: Option<String>,
    /// handle: the inspection's number.
    #[serde(default)]
    pub inspection_id: Option<i64>,
    /// verify: `substantiated` (属实), `partly_substantiated` (部分属实) or
    /// `unsubstantiated` (不属实).
    #[serde(default)]
    pub verdict: Option<TipOffVerdict>,
    /// verify: the lead's note.
    #[serde(default)]
    pub note: Option<String>,
    /// answer: what was answered.
    #[serde(default)]
    pub answer: Option<String>,
}

/// `GET /api/tipoffs` filters (other query parameters are ignored, as on every route).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TipOffQuery {
    /// `open` (default: every one not closed), `all`, or one status (`received`,
    /// `assigned`, `handled`, `verified`, `answered`, `closed`).
    #[serde(default)]
    pub status: Option<String>,
    /// `true`: only those past their deadline without an inspection; `false`: the others.
    #[serde(default)]
    pub overdue: Option<bool>,
    /// Only this site's.
    #[serde(default)]
    pub site: Option<String>,
}

/// One tip-off as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TipOffAnswer {
    /// Its number in the register.
    pub id: i64,
    /// Where it came in.
    pub source: TipOffSource,
    /// The source in Chinese (12345热线, 电话…).
    pub source_label: String,
    /// What is complained of.
    pub summary: String,
    /// Where, as the complainant said it.
    pub place: Option<String>,
    /// When it was received (`YYYY-MM-DDTHH:MM:SS`, township time).
    pub received_at: String,
    /// The complainant's name: in leads' answers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_name: Option<String>,
    /// The complainant's contact: in leads' answers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_contact: Option<String>,
    /// The site it concerns.
    pub site_id: Option<String>,
    /// That site's name.
    pub site_name: Option<String>,
    /// Longitude, WGS-84.
    pub lon: f64,
    /// Latitude, WGS-84.
    pub lat: f64,
    /// Where it stands.
    pub status: TipOffStatus,
    /// The status in Chinese (已受理, 已交办…).
    pub status_label: String,
    /// The team that has it.
    pub team_id: Option<String>,
    /// The day it must be checked by (`YYYY-MM-DD`, working days from the day received).
    pub due: String,
    /// Past its deadline without an inspection.
    pub overdue: bool,
    /// The inspection that checked it.
    pub inspection_id: Option<i64>,
    /// What the check found of the complaint.
    pub verdict: Option<TipOffVerdict>,
    /// The lead's note on the verdict.
    pub verify_note: Option<String>,
    /// The answer given.
    pub answer: Option<String>,
    /// When it was closed.
    pub closed_at: Option<String>,
}

impl TipOffAnswer {
    /// The answer for a reader who may (`private`) or may not see the complainant.
    pub fn new(t: &TipOff, private: bool) -> Self {
        Self {
            id: t.id,
            source: t.source,
            source_label: t.source.label_zh().to_string(),
            summary: t.summary.clone(),
            place: t.place.clone(),
            received_at: t.received_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            complainant_name: t.complainant_name.clone().filter(|_| private),
            complainant_contact: t.complainant_contact.clone().filter(|_| private),
            site_id: t.site_id.clone(),
            site_name: t.site_name.clone(),
            lon: t.lon,
            lat: t.lat,
            status: t.status,
            status_label: t.status.label_zh().to_string(),
            team_id: t.team_id.clone(),
            due: t.due.to_string(),
            overdue: t.overdue,
            inspection_id: t.inspection_id,
            verdict: t.verdict,
            verify_note: t.verify_note.clone(),
            answer: t.answer.clone(),
            closed_at: t
                .closed_at
                .map(|c| c.format("%Y-%m-%dT%H:%M:%S").to_string()),
        }
    }
}

/// `GET /api/tipoffs`: overdue first, then by deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TipOffsAnswer {
    /// The tip-offs.
    pub tipoffs: Vec<TipOffAnswer>,
    /// How many of them are overdue.
    pub overdue: usize,
}

/// One due follow-up of the worklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FollowUpAnswer {
    /// The follow-up's number.
    pub id: i64,
    /// `rectification` (整改复查), `closure` (关停核查) or `lookback` (回头看).
    pub kind: String,
    /// The kind in Chinese.
    pub kind_label: String,
    /// The site.
    pub site_id: String,
    /// The site's name.
    pub site_name: String,
    /// Its address.
    pub address: Option<String>,
    /// Longitude, WGS-84.
    pub lon: f64,
    /// Latitude, WGS-84.
    pub lat: f64,
    /// When it falls due (`YYYY-MM-DD`); none for a closure ordered without a date.
    pub due: Option<String>,
    /// Due before today and still open.
    pub overdue: bool,
    /// The inspection that raised it.
    pub inspection_id: i64,
}

impl From<&FollowUpItem> for FollowUpAnswer {
    fn from(f: &FollowUpItem) -> Self {
        Self {
            id: f.follow_up.id,
            kind: crate::store::follow_up_kind_name(f.follow_up.kind).to_string(),
            kind_label: crate::store::follow_up_kind_label(f.follow_up.kind).to_string(),
            site_id: f.follow_up.site_id.clone(),
            site_name: f.site_name.clone(),
            address: f.address.clone(),
            lon: f.lon,
            lat: f.lat,
            due: f.follow_up.due.map(|d| d.to_string()),
            overdue: f.overdue,
            inspection_id: f.follow_up.inspection_id,
        }
    }
}

/// `GET /api/followups`: open follow-ups, overdue first, then by due day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FollowUpsAnswer {
    /// The township's today (`YYYY-MM-DD`).
    pub today: String,
    /// The next working day (where a click puts a follow-up by default).
    pub next_working_day: String,
    /// The follow-ups.
    pub followups: Vec<FollowUpAnswer>,
}
