//! `/api/import`: a lead's list (xlsx, xls, ods or CSV) previewed, then confirmed; the
//! rows that need a position listed and placed with a click. The handlers are thin:
//! reading, the address look-up, the preview and the writes are library calls.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::Signed;
use super::error::ApiError;
use super::{blocking, ApiJson, AppState};
use crate::formats::leadlist;
use crate::formats::spreadsheet::Sheet;
use crate::model::Wgs84Point;
use crate::store::{ImportPreview, PendingSite, Workspace};
use crate::Crs;

/// The largest list accepted, in bytes.
pub const IMPORT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// How many previews are kept waiting for confirmation (the oldest is forgotten).
const KEPT_PREVIEWS: usize = 16;

/// A previewed list waiting for the lead's confirmation.
struct Waiting {
    id: String,
    name: String,
    crs: Crs,
    bytes: Bytes,
}

/// The previews waiting for confirmation, newest last.
#[derive(Default)]
pub struct Previews {
    waiting: Mutex<VecDeque<Waiting>>,
    counter: Mutex<u64>,
}

impl Previews {
    fn keep(&self, name: String, crs: Crs, bytes: Bytes) -> String {
        let n = {
            let mut counter = self.counter.lock().unwrap_or_else(|p| p.into_inner());
            *counter += 1;
            *counter
        };
        let nonce: u64 = rand::random();
        let id = format!("{n}-{nonce:016x}");
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        if waiting.len() >= KEPT_PREVIEWS {
            waiting.pop_front();
        }
        waiting.push_back(Waiting {
            id: id.clone(),
            name,
            crs,
            bytes,
        });
        id
    }

    fn take(&self, id: &str) -> Option<Waiting> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let at = waiting.iter().position(|w| w.id == id)?;
        waiting.remove(at)
    }
}

/// `?name=&crs=` of `POST /api/import/preview`.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct PreviewQuery {
    /// The file's name (its ending says xlsx, xls, ods or csv).
    pub name: String,
    /// The list's coordinate system: wgs84 (default), gcj02 (高德/腾讯) or bd09 (百度).
    pub crs: Option<String>,
}

/// A preview, with the id that confirms it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PreviewAnswer {
    /// Send to `POST /api/import/{id}/confirm` to write what the preview shows.
    pub id: String,
    /// What the import would do (after confirming: what it did).
    pub preview: ImportPreview,
}

/// The sites that still need a position.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PendingAnswer {
    /// Oldest first.
    pub pending: Vec<PendingSite>,
}

/// Where a lead placed a pending site.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct PlaceRequest {
    /// Longitude, WGS-84 degrees (as the map gives it).
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
}

/// A pending site placed: the site it became.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PlacedAnswer {
    /// The new site's id.
    pub site_id: String,
    /// The sites still pending.
    pub pending: Vec<PendingSite>,
}

fn list_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    let bytes = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large_for(format!(
            "a list may have at most {} MB",
            IMPORT_BODY_LIMIT / (1024 * 1024)
        )),
        _ => ApiError::bad_request(format!("list: {rejection}")),
    })?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request("list: the file is empty"));
    }
    Ok(bytes)
}

fn file_name(name: &str) -> Result<String, ApiError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if base.is_empty() || base.chars().count() > 200 || base.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "name: `{name}` is not a file name"
        )));
    }
    Ok(base.to_string())
}

/// Reads the list and works out (or writes) what it does to the workspace.
fn run(
    state: &AppState,
    ws: &mut Workspace,
    name: &str,
    crs: Crs,
    bytes: &[u8],
    write: bool,
) -> Result<ImportPreview, ApiError> {
    let sheet = Sheet::read(bytes, name).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let list = leadlist::prepare(
        &sheet,
        &ws.institutions()?,
        Some(state.addresses.as_ref()),
        crs,
    );
    let preview = if write {
        ws.confirm_list(&list, crs)?
    } else {
        ws.preview_list(&list, crs)?
    };
    Ok(preview)
}

/// `POST /api/import/preview`: what importing the list in the body would do; nothing
/// is written (leads).
pub async fn post_preview(
    State(state): State<AppState>,
    Signed(lead): Signed,
    query: Result<Query<PreviewQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PreviewAnswer>, ApiError> {
    // A query without the file's name is a JSON 400 like every refusal.
    let Query(query) = query?;
    let bytes = list_bytes(body)?;
    let name = file_name(&query.name)?;
    let crs: Crs = query
        .crs
        .as_deref()
        .unwrap_or("wgs84")
        .parse()
        .map_err(|e| ApiError::bad_request(format!("crs: {e}")))?;
    let kept = bytes.clone();
    let answer_state = state.clone();
    let preview = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        run(&state, &mut ws, &name, crs, &bytes, false).map(|p| (p, name))
    })
    .await?;
    let (preview, name) = preview;
    let id = answer_state.imports.keep(name, crs, kept);
    Ok(Json(PreviewAnswer { id, preview }))
}

/// `POST /api/import/{id}/confirm`: writes the previewed list in one transaction (the
/// workspace as it is now decides; the answer says what was written) (leads).
pub async fn post_confirm(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(id): Path<String>,
) -> Result<Json<PreviewAnswer>, ApiError> {
    let waiting = state
        .imports
        .take(&id)
        .ok_or_else(|| ApiError::not_found(format!("no preview `{id}` waiting (preview again)")))?;
    let preview = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        run(
            &state,
            &mut ws,
            &waiting.name,
            waiting.crs,
            &waiting.bytes,
            true,
        )
    })
    .await?;
    Ok(Json(PreviewAnswer { id, preview }))
}

/// `GET /api/import/pending`: the sites kept from lists that need a position (leads).
pub async fn get_pending(
    State(state): State<AppState>,
    Signed(_lead): Signed,
) -> Result<Json<PendingAnswer>, ApiError> {
    let pending = blocking(move || state.data.read(|ws| Ok(ws.pending_sites()?))).await?;
    Ok(Json(PendingAnswer { pending }))
}

/// `POST /api/import/pending/{id}/place`: the lead's click places a pending site,
/// which becomes a site (leads).
pub async fn post_place(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(id): Path<String>,
    ApiJson(at): ApiJson<PlaceRequest>,
) -> Result<Json<PlacedAnswer>, ApiError> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("id: `{id}` is not a record number")))?;
    let valid = at.lon.is_finite()
        && at.lat.is_finite()
        && (-180.0..=180.0).contains(&at.lon)
        && (-90.0..=90.0).contains(&at.lat);
    if !valid {
        return Err(ApiError::bad_request("lon/lat: not a WGS-84 position"));
    }
    let answer = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        let site_id = ws
            .pending_sites()?
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| p.site_id)
            .ok_or_else(|| ApiError::not_found(format!("no pending site {id}")))?;
        ws.place_pending(id, Wgs84Point::new(at.lon, at.lat))?
            .ok_or_else(|| ApiError::not_found(format!("no pending site {id}")))?;
        Ok(PlacedAnswer {
            site_id,
            pending: ws.pending_sites()?,
        })
    })
    .await?;
    Ok(Json(answer))
}
