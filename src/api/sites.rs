//! The lead's site desk: adding, moving, editing and closing sites (`POST /api/sites`,
//! `PATCH /api/sites/{id}`), the site's whole dossier (`GET /api/sites/{id}`) and the
//! white/black list layers.

use serde::{Deserialize, Serialize};

use super::field::{FollowUpBrief, InspectionDetail};
use crate::coverage::lists::Standing;
use crate::store::{SiteHistoryEntry, StoredSite};

/// `POST /api/sites`: a new institution, or a hotspot (`kind` `office_building` or
/// `residential_compound`: a square of `size_m` around the point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    /// Its id (default: the next free `N0001`… for an institution, `H0001`… for a hotspot).
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// `training`, `care`, `office_building` or `residential_compound`.
    pub kind: String,
    /// `subject` (学科类) or `non_subject`, for training.
    pub subject: Option<String>,
    /// `licensed`, `registered_only` or `unlicensed` (default `unlicensed`).
    pub licence: Option<String>,
    /// Its address.
    pub address: Option<String>,
    /// Opening hours (`周一至周五 16:00-21:00`, `Mo-Fr 16:00-21:00`).
    pub open_hours: Option<String>,
    /// Longitude in `crs`.
    pub lon: f64,
    /// Latitude in `crs`.
    pub lat: f64,
    /// `wgs84` (GPS, OpenStreetMap; the default), `gcj02` (高德, 腾讯) or `bd09` (百度).
    pub crs: Option<String>,
    /// A hotspot's side in metres (default 80).
    pub size_m: Option<f64>,
}

/// `PATCH /api/sites/{id}`: what to change; absent fields stay, an empty text clears
/// an address or opening hours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SitePatch {
    /// A new name.
    pub name: Option<String>,
    /// `training` or `care`.
    pub kind: Option<String>,
    /// `subject`, `non_subject`, or empty for none.
    pub subject: Option<String>,
    /// `licensed`, `registered_only` or `unlicensed`.
    pub licence: Option<String>,
    /// A new address (empty: none).
    pub address: Option<String>,
    /// New opening hours (empty: none).
    pub open_hours: Option<String>,
    /// New longitude in `crs` (with `lat`: the site moves).
    pub lon: Option<f64>,
    /// New latitude in `crs`.
    pub lat: Option<f64>,
    /// The system of `lon`/`lat`: `wgs84` (default), `gcj02` or `bd09`.
    pub crs: Option<String>,
    /// `true`: close (关停); `false`: reopen (恢复).
    pub closed: Option<bool>,
    /// Why it is closed or reopened (kept in its history).
    pub reason: Option<String>,
}

/// A site as stored (the answer of `POST` and `PATCH`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteAnswer {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `training`, `care`, `office_building` or `residential_compound`.
    pub kind: String,
    /// `subject` or `non_subject`, when known.
    pub subject: Option<String>,
    /// `licensed`, `registered_only` or `unlicensed` (`null` for a hotspot).
    pub licence: Option<String>,
    /// Its address.
    pub address: Option<String>,
    /// Opening hours as stored.
    pub open_hours: Option<String>,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// The cell (网格) it lies in.
    pub cell_id: Option<String>,
    /// Closed (关停) and not reopened.
    pub closed: bool,
}

impl From<&StoredSite> for SiteAnswer {
    fn from(s: &StoredSite) -> Self {
        let site = &s.site;
        Self {
            id: site.id.clone(),
            name: site.name.clone(),
            kind: crate::store::kind_name(site.kind).to_string(),
            subject: site.subject.map(|x| {
                match x {
                    crate::model::Subject::Subject => "subject",
                    crate::model::Subject::NonSubject => "non_subject",
                }
                .to_string()
            }),
            licence: Some(crate::store::licence_name(site.licence).to_string()),
            address: site.address.clone(),
            open_hours: s.open_hours_text.clone(),
            lon: site.location.lon(),
            lat: site.location.lat(),
            cell_id: s.cell_id.clone(),
            closed: s.closed,
        }
    }
}

/// One changed field in a site's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteChangeAnswer {
    /// The change it belongs to.
    pub change: i64,
    /// When, township local time (`YYYY-MM-DDTHH:MM:SS`).
    pub at: String,
    /// Who.
    pub actor: String,
    /// `web` or `cli`.
    pub via: String,
    /// `add`, `edit`, `move`, `close` or `reopen`.
    pub action: String,
    /// The field (`name`, `location` as `lon,lat`, `status`, `reason`…).
    pub field: String,
    /// Before (`null`: unset or new).
    pub before: Option<String>,
    /// After (`null`: cleared).
    pub after: Option<String>,
}

impl From<&SiteHistoryEntry> for SiteChangeAnswer {
    fn from(h: &SiteHistoryEntry) -> Self {
        Self {
            change: h.change,
            at: h.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            actor: h.actor.clone(),
            via: h.via.clone(),
            action: h.action.clone(),
            field: h.field.clone(),
            before: h.before.clone(),
            after: h.after.clone(),
        }
    }
}

/// A finding at a white-listed site after it entered the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewFindingAnswer {
    /// The inspection.
    pub inspection_id: i64,
    /// When (`YYYY-MM-DDTHH:MM:SS`).
    pub at: String,
    /// `hazard` or `unlicensed_operation`.
    pub result: String,
}

/// Where a site stands on the white and black lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ListStanding {
    /// On the white list (白名单) now.
    pub white: bool,
    /// On the black list (黑名单) now.
    pub black: bool,
    /// Why, in Chinese (white or black).
    pub reason: Option<String>,
    /// When it last entered the white list.
    pub white_since: Option<String>,
    /// White-listed, then found at fault: the lead should take it off the published list.
    pub new_finding: Option<NewFindingAnswer>,
}

impl From<&Standing> for ListStanding {
    fn from(s: &Standing) -> Self {
        Self {
            white: s.white.is_some(),
            black: s.black.is_some(),
            reason: s.black.or(s.white).map(str::to_string),
            white_since: s
                .white_since
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            new_finding: s.flag.as_ref().map(|f| NewFindingAnswer {
                inspection_id: f.inspection_id,
                at: f.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                result: f.result.as_str().to_string(),
            }),
        }
    }
}

/// `GET /api/sites/{id}`: the site's book (一家一册): its record and history, every
/// inspection with findings and photos, its follow-ups, the lists it is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteDossierAnswer {
    /// The site.
    pub site: SiteAnswer,
    /// Every change made to it one at a time, oldest first.
    pub history: Vec<SiteChangeAnswer>,
    /// Every inspection of it, oldest first (an inspector sees other teams' records
    /// without photos and signature).
    pub inspections: Vec<InspectionDetail>,
    /// Every follow-up, open and done, oldest first.
    pub follow_ups: Vec<FollowUpBrief>,
    /// The white and black lists.
    pub lists: ListStanding,
    /// 举报 register: the tip-offs about this site (the complainant for leads only).
    pub tipoffs: Vec<super::tipoffs::TipOffAnswer>,
}

/// A site on the white- or black-list layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ListProperties {
    /// The site's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `licensed`, `registered_only` or `unlicensed`.
    pub licence: String,
    /// Why it is on the list (for a flagged white site: why it was).
    pub reason: String,
    /// When it last entered the white list (white layer).
    pub white_since: Option<String>,
    /// White-listed, then found at fault (white layer): the lead should act.
    pub flagged: bool,
    /// The finding behind the flag: `hazard` or `unlicensed_operation`.
    pub finding: Option<String>,
    /// When it was found.
    pub finding_at: Option<String>,
}
