//! The field app's JSON: an inspection with its evidence and photos, a photo's
//! receipt, 摸排 proposals and a site's dossier (一家一册).

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::store::{FollowUp, InspectionRecord, Position, Proposal, ProposalState};

/// Where a photo is served.
pub fn photo_url(sha256: &str) -> String {
    format!("/api/photos/{sha256}")
}

/// A photo as listed with its record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhotoLink {
    /// SHA-256 of the image bytes, lower-case hex.
    pub sha256: String,
    /// Where to fetch it (`/api/photos/{sha256}`).
    pub url: String,
}

impl PhotoLink {
    /// The link of the photo with hash `sha256`.
    pub fn new(sha256: &str) -> Self {
        Self {
            sha256: sha256.to_string(),
            url: photo_url(sha256),
        }
    }
}

/// `GET /api/inspections/{id}`: an inspection with everything recorded for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InspectionDetail {
    /// Its number in the workspace (the ledger's).
    pub id: i64,
    /// The site inspected.
    pub site_id: String,
    /// Its name (`null` when the site is gone from the workspace).
    pub site_name: Option<String>,
    /// Its address.
    pub site_address: Option<String>,
    /// When the visit took place, township local time (`YYYY-MM-DDTHH:MM:SS`).
    pub at: String,
    /// When it reached the server, township local time.
    pub recorded_at: String,
    /// The team that made it.
    pub team_id: String,
    /// `compliant`, `hazard`, `unlicensed_operation`, `closed` or `not_found`.
    pub result: String,
    /// Free-text remarks.
    pub notes: Option<String>,
    /// Checklist codes found wrong.
    pub findings: Vec<String>,
    /// The outcome's code (`null` for a record made without one).
    pub outcome: Option<String>,
    /// 整改 deadline (`YYYY-MM-DD`).
    pub rectify_by: Option<String>,
    /// The authority the case was handed to.
    pub refer_to: Option<String>,
    /// The officers present.
    pub officers: Vec<String>,
    /// The GPS fix.
    pub position: Option<Position>,
    /// The site representative's name.
    pub representative: Option<String>,
    /// The signature as a `data:image/png;base64,…` URL.
    pub signature: Option<String>,
    /// Its photos, in the order added.
    pub photos: Vec<PhotoLink>,
    /// The follow-ups it raised.
    pub follow_ups: Vec<FollowUpBrief>,
}

/// A follow-up an inspection raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FollowUpBrief {
    /// Its number.
    pub id: i64,
    /// `rectification` (整改), `closure` (关停) or `lookback` (回头看).
    pub kind: String,
    /// When it falls due (`YYYY-MM-DD`).
    pub due: Option<String>,
    /// `open` or `done`.
    pub state: String,
    /// The inspection that fulfilled it.
    pub resolved_by: Option<i64>,
}

impl From<&FollowUp> for FollowUpBrief {
    fn from(f: &FollowUp) -> Self {
        Self {
            id: f.id,
            kind: serde_name(&f.kind),
            due: f.due.map(|d| d.to_string()),
            state: serde_name(&f.state),
            resolved_by: f.resolved_by,
        }
    }
}

/// The serde name of a unit enum value (the name the ledger and exports use).
fn serde_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl From<&InspectionRecord> for InspectionDetail {
    fn from(r: &InspectionRecord) -> Self {
        let i = &r.inspection;
        let e = &r.evidence;
        Self {
            id: i.id,
            site_id: i.site_id.clone(),
            site_name: r.site.as_ref().map(|(name, _)| name.clone()),
            site_address: r.site.as_ref().and_then(|(_, address)| address.clone()),
            at: i.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            recorded_at: r.recorded_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            team_id: i.team_id.clone(),
            result: i.result.as_str().to_string(),
            notes: i.notes.clone(),
            findings: e.findings.clone(),
            outcome: e.outcome.clone(),
            rectify_by: e.rectify_by.map(|d| d.to_string()),
            refer_to: e.refer_to.clone(),
            officers: e.officers.clone(),
            position: e.position.clone(),
            representative: e.representative.clone(),
            signature: e.signature.as_ref().map(|png| {
                format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(png)
                )
            }),
            photos: r.photos.iter().map(|p| PhotoLink::new(&p.sha256)).collect(),
            follow_ups: r.follow_ups.iter().map(FollowUpBrief::from).collect(),
        }
    }
}

/// `POST /api/inspections/{id}/photos` and `POST /api/sites/proposals/{id}/photos`:
/// the photo kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhotoAnswer {
    /// SHA-256 of the bytes received, lower-case hex.
    pub sha256: String,
    /// Where to fetch it.
    pub url: String,
}

/// `POST /api/sites/proposals`: a business found in the street.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalRequest {
    /// The name on its sign.
    pub name: String,
    /// Its address, if known.
    pub address: Option<String>,
    /// `care` (托管) or `training` (培训).
    pub kind: String,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Remarks.
    pub notes: Option<String>,
}

/// `POST /api/sites/proposals/{id}/accept`: optionally the new site's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The new site's id (default `P<proposal id>`).
    pub site_id: Option<String>,
}

/// `POST /api/sites/proposals/{id}/merge`: the known site it is, and what to take over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The known site.
    pub site_id: String,
    /// Take the proposal's address.
    #[serde(default)]
    pub update_address: bool,
    /// Take the proposal's position (the site moves to it).
    #[serde(default)]
    pub update_position: bool,
}

/// `POST /api/sites/proposals/{id}/reject`: why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why it is turned down (1 to 500 characters).
    pub reason: String,
}

/// One proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposalAnswer {
    /// Its number.
    pub id: i64,
    /// The name on its sign.
    pub name: String,
    /// Its address.
    pub address: Option<String>,
    /// `care` or `training`.
    pub kind: String,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Remarks.
    pub notes: Option<String>,
    /// Who proposed it.
    pub proposed_by: String,
    /// Their team.
    pub team: Option<String>,
    /// When, township local time.
    pub created_at: String,
    /// `pending`, `accepted`, `merged` or `rejected`.
    pub state: String,
    /// The lead who decided.
    pub decided_by: Option<String>,
    /// When it was decided.
    pub decided_at: Option<String>,
    /// The site it became (accepted) or was merged into.
    pub site_id: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// Its photos.
    pub photos: Vec<PhotoLink>,
}

impl From<&Proposal> for ProposalAnswer {
    fn from(p: &Proposal) -> Self {
        let state = match p.state {
            ProposalState::Pending => "pending",
            ProposalState::Accepted => "accepted",
            ProposalState::Merged => "merged",
            ProposalState::Rejected => "rejected",
        };
        Self {
            id: p.id,
            name: p.input.name.clone(),
            address: p.input.address.clone(),
            kind: crate::store::kind_name(p.input.kind).to_string(),
            lon: p.input.lon,
            lat: p.input.lat,
            notes: p.input.notes.clone(),
            proposed_by: p.input.proposed_by.clone(),
            team: p.input.team_id.clone(),
            created_at: p.created_at.clone(),
            state: state.to_string(),
            decided_by: p.decided_by.clone(),
            decided_at: p.decided_at.clone(),
            site_id: p.site_id.clone(),
            reason: p.reason.clone(),
            photos: p.photos.iter().map(|f| PhotoLink::new(&f.sha256)).collect(),
        }
    }
}

/// `GET /api/sites/proposals`: proposals, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposalsAnswer {
    /// The proposals this user may see (a lead: all; an inspector: their own).
    pub proposals: Vec<ProposalAnswer>,
}

/// The site a dossier is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DossierSite {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `care` or `training`.
    pub kind: String,
    /// `licensed`, `registered_only` or `unlicensed`.
    pub licence: String,
    /// Its address.
    pub address: Option<String>,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Ordered closed (关停) and not re-opened.
    pub closed: bool,
}

/// `GET /api/sites/{id}/dossier`: the site's book (一家一册), every record oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DossierAnswer {
    /// The site.
    pub site: DossierSite,
    /// Every inspection of it, with evidence, photo links and follow-ups (an inspector
    /// sees other teams' records without photos and signature).
    pub inspections: Vec<InspectionDetail>,
    /// Its follow-ups still open.
    pub open_follow_ups: Vec<FollowUpBrief>,
    /// Its tip-offs (举报), every one, the complainant to leads only.
    #[serde(default)]
    pub tipoffs: Vec<super::tipoffs::TipOffAnswer>,
}
