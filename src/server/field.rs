//! The field app's routes: an inspection's detail and photos, photos by hash, 摸排
//! proposals of new sites, and a site's dossier (一家一册).
//!
//! The access table lets any signed-in user in; the record decides the rest here: an
//! inspector sees and adds to the inspections of their own team (and their own
//! proposals) only, a lead everything.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::Signed;
use super::error::ApiError;
use super::{blocking, ApiJson, AppState, User};
use crate::api::field::{
    AcceptRequest, DossierAnswer, DossierSite, FollowUpBrief, InspectionDetail, MergeRequest,
    PhotoAnswer, PhotoLink, ProposalAnswer, ProposalRequest, ProposalsAnswer, RejectRequest,
};
use crate::model::InstitutionKind;
use crate::store::{FollowUpState, MergeUpdates, ProposalInput, MAX_PHOTO_BYTES};

/// The body limit of a photo upload: read whole up to four times the largest photo
/// kept, so a client sending a photo too large gets the JSON 413 naming the limit
/// rather than a connection cut off mid-upload.
pub const PHOTO_BODY_LIMIT: usize = 4 * MAX_PHOTO_BYTES;

/// A record number from the path: a JSON 400 when it is not one.
fn record_id(what: &str, text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("{what}: `{text}` is not a record number")))
}

/// The photo's media type from the request: JPEG or PNG only.
fn image_content_type(headers: &HeaderMap) -> Result<&'static str, ApiError> {
    let given = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match given.split(';').next().unwrap_or_default().trim() {
        "image/jpeg" => Ok("image/jpeg"),
        "image/png" => Ok("image/png"),
        _ => Err(ApiError::bad_request(
            "Content-Type: send the photo as image/jpeg or image/png",
        )),
    }
}

/// The body of an upload; a body past the limit is a JSON 413 naming it.
fn upload(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large_for(format!(
            "a photo may have at most {} MB",
            MAX_PHOTO_BYTES / (1024 * 1024)
        )),
        _ => ApiError::bad_request(format!("photo: {rejection}")),
    })
}

/// Refuses an inspector a record of another team (404-free: the record exists).
fn own_team(user: &User, team: &str, id: i64) -> Result<(), ApiError> {
    if user.may_see_team(team) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "inspection {id} belongs to team `{team}`: only that team or a lead may see it"
        )))
    }
}

/// `GET /api/inspections/{id}`: the inspection with its evidence and photos.
pub async fn get_inspection(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Result<Json<InspectionDetail>, ApiError> {
    let id = record_id("id", &id)?;
    let record = blocking(move || state.data.read(|ws| Ok(ws.inspection_record(id)?))).await?;
    let record = record.ok_or_else(|| ApiError::not_found(format!("no inspection {id}")))?;
    own_team(&user, &record.inspection.team_id, id)?;
    Ok(Json(InspectionDetail::from(&record)))
}

/// `POST /api/inspections/{id}/photos`: keeps the image body; the same bytes again are
/// kept once.
pub async fn post_inspection_photo(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PhotoAnswer>, ApiError> {
    let id = record_id("id", &id)?;
    let content_type = image_content_type(&headers)?;
    let bytes = upload(body)?;
    let sha = blocking(move || {
        let team = state.data.read(|ws| {
            Ok(ws
                .inspection_record(id)?
                .map(|r| r.inspection.team_id.clone()))
        })?;
        let team = team.ok_or_else(|| ApiError::not_found(format!("no inspection {id}")))?;
        own_team(&user, &team, id)?;
        let mut ws = state.data.store_as(&user.name)?;
        Ok(ws.add_inspection_photo(id, &bytes, content_type)?)
    })
    .await?;
    tracing::info!(inspection = id, sha256 = %sha, "photo kept");
    let link = PhotoLink::new(&sha);
    Ok(Json(PhotoAnswer {
        sha256: link.sha256,
        url: link.url,
    }))
}

/// `GET /api/photos/{sha256}`: the image, to a lead or a team (or proposer) holding it.
pub async fn get_photo(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError::bad_request(
            "sha256: 64 hexadecimal digits are needed",
        ));
    }
    let sha = sha.to_ascii_lowercase();
    let (photo, (teams, proposers)) = blocking(move || {
        state
            .data
            .read(|ws| Ok((ws.photo(&sha)?, ws.photo_holders(&sha)?)))
    })
    .await?;
    let photo = photo.ok_or_else(|| ApiError::not_found("no such photo"))?;
    let allowed = user.is_lead()
        || teams.iter().any(|t| user.may_see_team(t))
        || proposers.contains(&user.name);
    if !allowed {
        return Err(ApiError::forbidden(
            "this photo belongs to another team's records",
        ));
    }
    let content_type = HeaderValue::from_str(&photo.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    // A photo never changes under its hash.
    let cache = HeaderValue::from_static("private, max-age=31536000, immutable");
    Ok((
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, cache)],
        photo.bytes,
    )
        .into_response())
}

fn kind_of(text: &str) -> Result<InstitutionKind, ApiError> {
    match text {
        "care" => Ok(InstitutionKind::Care),
        "training" => Ok(InstitutionKind::Training),
        other => Err(ApiError::bad_request(format!(
            "kind: `{other}` is not care or training"
        ))),
    }
}

/// `POST /api/sites/proposals`: an inspector (or lead) proposes a site found in the street.
pub async fn post_proposal(
    State(state): State<AppState>,
    Signed(user): Signed,
    ApiJson(req): ApiJson<ProposalRequest>,
) -> Result<Json<ProposalAnswer>, ApiError> {
    let input = ProposalInput {
        name: req.name,
        address: req.address.filter(|a| !a.trim().is_empty()),
        kind: kind_of(&req.kind)?,
        lon: req.lon,
        lat: req.lat,
        notes: req.notes.filter(|n| !n.trim().is_empty()),
        proposed_by: user.name.clone(),
        team_id: user.team.clone(),
    };
    let proposal = blocking(move || {
        let mut ws = state.data.store_as(&user.name)?;
        Ok(ws.propose_site(&input)?)
    })
    .await?;
    Ok(Json(ProposalAnswer::from(&proposal)))
}

/// `GET /api/sites/proposals`: a lead sees all, an inspector their own.
pub async fn get_proposals(
    State(state): State<AppState>,
    Signed(user): Signed,
) -> Result<Json<ProposalsAnswer>, ApiError> {
    let by = (!user.is_lead()).then(|| user.name.clone());
    let proposals =
        blocking(move || state.data.read(|ws| Ok(ws.proposals(by.as_deref())?))).await?;
    Ok(Json(ProposalsAnswer {
        proposals: proposals.iter().map(ProposalAnswer::from).collect(),
    }))
}

/// `POST /api/sites/proposals/{id}/photos`: a photo of the proposal (its proposer or a lead).
pub async fn post_proposal_photo(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PhotoAnswer>, ApiError> {
    let id = record_id("id", &id)?;
    let content_type = image_content_type(&headers)?;
    let bytes = upload(body)?;
    let sha = blocking(move || {
        let proposal = state.data.read(|ws| Ok(ws.proposal(id)?))?;
        let proposal = proposal.ok_or_else(|| ApiError::not_found(format!("no proposal {id}")))?;
        if !user.is_lead() && proposal.input.proposed_by != user.name {
            return Err(ApiError::forbidden(format!(
                "proposal {id} is {}'s",
                proposal.input.proposed_by
            )));
        }
        let mut ws = state.data.store_as(&user.name)?;
        Ok(ws.add_proposal_photo(id, &bytes, content_type)?)
    })
    .await?;
    let link = PhotoLink::new(&sha);
    Ok(Json(PhotoAnswer {
        sha256: link.sha256,
        url: link.url,
    }))
}

/// Runs a lead's decision on proposal `id` and answers the proposal as it stands after.
async fn decide(
    state: AppState,
    lead: User,
    id: &str,
    decision: impl FnOnce(&mut crate::store::Workspace, i64) -> Result<(), ApiError> + Send + 'static,
) -> Result<Json<ProposalAnswer>, ApiError> {
    let id = record_id("id", id)?;
    let proposal = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        decision(&mut ws, id)?;
        ws.proposal(id)?
            .ok_or_else(|| ApiError::not_found(format!("no proposal {id}")))
    })
    .await?;
    Ok(Json(ProposalAnswer::from(&proposal)))
}

/// `POST /api/sites/proposals/{id}/accept`: a new site (leads).
pub async fn accept_proposal(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AcceptRequest>,
) -> Result<Json<ProposalAnswer>, ApiError> {
    decide(state, lead, &id, move |ws, id| {
        ws.accept_proposal(id, req.site_id.as_deref())?;
        Ok(())
    })
    .await
}

/// `POST /api/sites/proposals/{id}/merge`: merged into a known site (leads).
pub async fn merge_proposal(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MergeRequest>,
) -> Result<Json<ProposalAnswer>, ApiError> {
    let updates = MergeUpdates {
        address: req.update_address,
        position: req.update_position,
    };
    decide(state, lead, &id, move |ws, id| {
        ws.merge_proposal(id, &req.site_id, updates)?;
        Ok(())
    })
    .await
}

/// `POST /api/sites/proposals/{id}/reject`: turned down, with a reason (leads).
pub async fn reject_proposal(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RejectRequest>,
) -> Result<Json<ProposalAnswer>, ApiError> {
    decide(state, lead, &id, move |ws, id| {
        ws.reject_proposal(id, &req.reason)?;
        Ok(())
    })
    .await
}

/// `GET /api/sites/{id}/dossier`: the site and every inspection of it (一家一册). An
/// inspector gets other teams' records without photos and signature.
pub async fn get_dossier(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(site_id): Path<String>,
) -> Result<Json<DossierAnswer>, ApiError> {
    let private = user.is_lead();
    let (site, closed, records, follow_ups, tipoffs) = blocking(move || {
        state.data.read(|ws| {
            let site = ws.institutions()?.into_iter().find(|s| s.id == site_id);
            let site = site.ok_or_else(|| ApiError::not_found(format!("no site `{site_id}`")))?;
            let closed = ws.closed_sites()?.contains(&site_id);
            Ok((
                site,
                closed,
                ws.site_records(&site_id)?,
                ws.follow_ups(Some(&site_id))?,
                ws.tip_offs(&crate::store::TipOffFilter {
                    site_id: Some(site_id.clone()),
                    ..Default::default()
                })?,
            ))
        })
    })
    .await?;
    let inspections = super::sites::visible_inspections(&user, &records);
    Ok(Json(DossierAnswer {
        site: DossierSite {
            kind: crate::store::kind_name(site.kind).to_string(),
            licence: crate::store::licence_name(site.licence).to_string(),
            lon: site.location.lon(),
            lat: site.location.lat(),
            id: site.id,
            name: site.name,
            address: site.address,
            closed,
        },
        inspections,
        open_follow_ups: follow_ups
            .iter()
            .filter(|f| f.state == FollowUpState::Open)
            .map(FollowUpBrief::from)
            .collect(),
        tipoffs: tipoffs
            .iter()
            .map(|t| crate::api::tipoffs::TipOffAnswer::new(t, private))
            .collect(),
    }))
}
