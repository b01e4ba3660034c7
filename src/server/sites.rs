//! The lead's site desk: `POST /api/sites` (add an institution or a hotspot, its
//! position in WGS-84, GCJ-02 or BD-09), `PATCH /api/sites/{id}` (move, edit, close,
//! reopen), `GET /api/sites/{id}` (the dossier, 一家一册) and the white/black list
//! layers. Positions are converted to WGS-84 here, at the input boundary; the store
//! checks every value and keeps the history.

use axum::extract::{Path, State};
use axum::Json;

use super::auth::Signed;
use super::error::ApiError;
use super::{blocking, ApiJson, AppState, User};
use crate::api::field::{FollowUpBrief, InspectionDetail};
use crate::api::layers::FeatureCollection;
use crate::api::sites::{
    ListProperties, ListStanding, SiteAnswer, SiteChangeAnswer, SiteDossierAnswer, SitePatch,
    SiteRequest,
};
use crate::coverage::lists::{standings_from_store, Standing};
use crate::crs::Crs;
use crate::model::{HotspotKind, InstitutionKind, Licence, Subject, Wgs84Point};
use crate::store::{InspectionRecord, NewHotspot, NewSite, SiteChanges, Workspace};

/// A hotspot's side when the request gives none, metres.
const DEFAULT_HOTSPOT_SIZE_M: f64 = 80.0;

fn crs_of(text: Option<&str>) -> Result<Crs, ApiError> {
    text.map_or(Ok(Crs::Wgs84), |t| {
        t.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "crs: 坐标系“{t}”不认识，可选 wgs84、gcj02（高德、腾讯）、bd09（百度） \
                 (expected wgs84, gcj02 or bd09)"
            ))
        })
    })
}

/// The position in WGS-84 from `lon`/`lat` in `crs`.
fn position(lon: f64, lat: f64, crs: Option<&str>) -> Result<Wgs84Point, ApiError> {
    let crs = crs_of(crs)?;
    if !(lon.is_finite() && lat.is_finite()) {
        return Err(ApiError::bad_request(
            "location: 经纬度须为数字 (lon and lat must be numbers)",
        ));
    }
    let (lon, lat) = crs.to_wgs84(lon, lat);
    Ok(Wgs84Point::new(lon, lat))
}

fn institution_kind(text: &str) -> Result<InstitutionKind, ApiError> {
    match text {
        "training" => Ok(InstitutionKind::Training),
        "care" => Ok(InstitutionKind::Care),
        other => Err(ApiError::bad_request(format!(
            "kind: 类别“{other}”不认识，可选 training（校外培训）、care（托管） \
             (expected training or care)"
        ))),
    }
}

fn licence_of(text: &str) -> Result<Licence, ApiError> {
    match text {
        "licensed" => Ok(Licence::Licensed),
        "registered_only" => Ok(Licence::RegisteredOnly),
        "unlicensed" => Ok(Licence::Unlicensed),
        other => Err(ApiError::bad_request(format!(
            "licence: 证照“{other}”不认识，可选 licensed（有证有照）、registered_only（有照无证）、\
             unlicensed（无证无照） (expected licensed, registered_only or unlicensed)"
        ))),
    }
}

/// A subject, or none for an empty text.
fn subject_of(text: &str) -> Result<Option<Subject>, ApiError> {
    match text.trim() {
        "" => Ok(None),
        "subject" => Ok(Some(Subject::Subject)),
        "non_subject" => Ok(Some(Subject::NonSubject)),
        other => Err(ApiError::bad_request(format!(
            "subject: “{other}”不认识，可选 subject（学科类）、non_subject（非学科类） \
             (expected subject or non_subject)"
        ))),
    }
}

/// The site as stored now.
fn stored(ws: &Workspace, id: &str) -> Result<SiteAnswer, ApiError> {
    let site = ws
        .site(id)?
        .ok_or_else(|| ApiError::not_found(format!("no site `{id}`")))?;
    Ok(SiteAnswer::from(&site))
}

/// The hotspot as stored now, in the sites' answer shape.
fn stored_hotspot(ws: &Workspace, id: &str) -> Result<SiteAnswer, ApiError> {
    use geo::Centroid;
    let hotspot = ws
        .hotspots()?
        .into_iter()
        .find(|h| h.id == id)
        .ok_or_else(|| ApiError::not_found(format!("no hotspot `{id}`")))?;
    let centre = hotspot.area.0.centroid();
    Ok(SiteAnswer {
        id: hotspot.id,
        name: hotspot.name,
        kind: crate::store::hotspot_kind_name(hotspot.kind).to_string(),
        subject: None,
        licence: None,
        address: None,
        open_hours: None,
        lon: centre.map_or(f64::NAN, |c| c.x()),
        lat: centre.map_or(f64::NAN, |c| c.y()),
        cell_id: None,
        closed: false,
    })
}

/// `POST /api/sites`: a lead adds an institution or a hotspot; answers it as stored.
pub async fn post_site(
    State(state): State<AppState>,
    Signed(lead): Signed,
    ApiJson(req): ApiJson<SiteRequest>,
) -> Result<Json<SiteAnswer>, ApiError> {
    let location = position(req.lon, req.lat, req.crs.as_deref())?;
    let hotspot = match req.kind.as_str() {
        "office_building" => Some(HotspotKind::OfficeBuilding),
        "residential_compound" => Some(HotspotKind::ResidentialCompound),
        _ => None,
    };
    let answer = if let Some(kind) = hotspot {
        let new = NewHotspot {
            id: req.id,
            name: req.name,
            kind,
            location,
            size_m: req.size_m.unwrap_or(DEFAULT_HOTSPOT_SIZE_M),
        };
        blocking(move || {
            let id = state.data.store_as(&lead.name)?.add_hotspot(&new)?;
            state.data.read(|ws| stored_hotspot(ws, &id))
        })
        .await?
    } else {
        let new = NewSite {
            id: req.id,
            name: req.name,
            kind: institution_kind(&req.kind)?,
            subject: subject_of(req.subject.as_deref().unwrap_or_default())?,
            licence: licence_of(req.licence.as_deref().unwrap_or("unlicensed"))?,
            address: req.address,
            open_hours: req.open_hours,
            location,
        };
        blocking(move || {
            let id = state.data.store_as(&lead.name)?.add_site(&new)?;
            state.data.read(|ws| stored(ws, &id))
        })
        .await?
    };
    tracing::info!(site = %answer.id, "site added");
    Ok(Json(answer))
}

/// The store's changes from a patch (positions converted to WGS-84).
fn changes_of(patch: SitePatch) -> Result<SiteChanges, ApiError> {
    let location = match (patch.lon, patch.lat) {
        (Some(lon), Some(lat)) => Some(position(lon, lat, patch.crs.as_deref())?),
        (None, None) => None,
        _ => {
            return Err(ApiError::bad_request(
                "location: 经度和纬度须一起给出 (give lon and lat together)",
            ))
        }
    };
    let clearable = |text: Option<String>| text.map(|t| Some(t).filter(|t| !t.trim().is_empty()));
    Ok(SiteChanges {
        name: patch.name,
        kind: patch.kind.as_deref().map(institution_kind).transpose()?,
        subject: patch.subject.as_deref().map(subject_of).transpose()?,
        licence: patch.licence.as_deref().map(licence_of).transpose()?,
        address: clearable(patch.address),
        open_hours: clearable(patch.open_hours),
        location,
        closed: patch.closed,
        reason: patch.reason,
    })
}

/// `PATCH /api/sites/{id}`: a lead moves, edits, closes or reopens a site; answers the
/// site as stored.
pub async fn patch_site(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<SitePatch>,
) -> Result<Json<SiteAnswer>, ApiError> {
    let changes = changes_of(patch)?;
    let answer = blocking(move || {
        let changed = state
            .data
            .store_as(&lead.name)?
            .change_site(&id, &changes)?;
        tracing::info!(site = %id, fields = changed, "site changed");
        state.data.read(|ws| stored(ws, &id))
    })
    .await?;
    Ok(Json(answer))
}

/// The inspections as `user` may see them: other teams' without photos and signature.
pub(crate) fn visible_inspections(
    user: &User,
    records: &[InspectionRecord],
) -> Vec<InspectionDetail> {
    records
        .iter()
        .map(|r| {
            let mut detail = InspectionDetail::from(r);
            if !user.may_see_team(&detail.team_id) {
                detail.photos.clear();
                detail.signature = None;
            }
            detail
        })
        .collect()
}

/// `GET /api/sites/{id}`: the site's dossier (一家一册) for any signed-in user.
pub async fn get_site(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Result<Json<SiteDossierAnswer>, ApiError> {
    let dossier = blocking(move || {
        state.data.read(|ws| {
            let site = stored(ws, &id)?;
            let standing = standings_from_store(ws)?
                .into_iter()
                .find(|s| s.site_id == id)
                .ok_or_else(|| ApiError::not_found(format!("no site `{id}`")))?;
            Ok(SiteDossierAnswer {
                site,
                history: ws
                    .site_history(&id)?
                    .iter()
                    .map(SiteChangeAnswer::from)
                    .collect(),
                inspections: visible_inspections(&user, &ws.site_records(&id)?),
                follow_ups: ws
                    .follow_ups(Some(&id))?
                    .iter()
                    .map(FollowUpBrief::from)
                    .collect(),
                lists: ListStanding::from(&standing),
                tipoffs: ws
                    .tip_offs(&crate::store::TipOffFilter {
                        site_id: Some(id.clone()),
                        ..Default::default()
                    })?
                    .iter()
                    .map(|t| crate::api::tipoffs::TipOffAnswer::new(t, user.is_lead()))
                    .collect(),
            })
        })
    })
    .await?;
    Ok(Json(dossier))
}

/// The white (`whitelist`) or black (`blacklist`) list as a point layer; white-listed
/// sites found at fault since stay on the white layer, flagged.
pub fn list_layer(
    ws: &Workspace,
    white: bool,
) -> Result<FeatureCollection<ListProperties>, ApiError> {
    let standings: std::collections::HashMap<String, Standing> = standings_from_store(ws)?
        .into_iter()
        .map(|s| (s.site_id.clone(), s))
        .collect();
    let features = ws.institutions()?.into_iter().filter_map(|site| {
        let s = standings.get(&site.id)?;
        let reason = if white {
            s.on_white_layer()
                .then(|| s.white.unwrap_or(crate::coverage::lists::WHITE_REASON))?
        } else {
            s.black?
        };
        let flag = s.flag.as_ref().filter(|_| white);
        let point = serde_json::json!({
            "type": "Point",
            "coordinates": [site.location.lon(), site.location.lat()],
        });
        Some((
            point,
            ListProperties {
                id: site.id.clone(),
                name: site.name.clone(),
                licence: crate::store::licence_name(site.licence).to_string(),
                reason: reason.to_string(),
                white_since: s
                    .white_since
                    .filter(|_| white)
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
                flagged: flag.is_some(),
                finding: flag.map(|f| f.result.as_str().to_string()),
                finding_at: flag.map(|f| f.at.format("%Y-%m-%dT%H:%M:%S").to_string()),
            },
        ))
    });
    Ok(FeatureCollection::of(features.collect::<Vec<_>>()))
}
