//! `POST /api/inspections`: records one inspection and answers with the cell's new
//! coverage, so the page can recolour it at once.
//!
//! A client may send an `Idempotency-Key` header (a field device that lost the
//! answer sends the same request again): the same key from the same user stores one
//! inspection and answers the first result, even after a restart; the same key with
//! another request is refused (422). The workspace is locked for the write alone,
//! and inspections sent at the same time share one commit ([`super::writes`]); the
//! cell's coverage comes from the answers kept for readers, built beside it.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::auth::Signed;
use super::coverage::{coverage_answer, coverage_key};
use super::error::ApiError;
use super::workspace::{default_window, site_cells, ServerData};
use super::{ApiJson, AppState};
use crate::api::{CellBrief, CoverageAnswer, InspectionAnswer, RecordedInspection};
use crate::model::dates::DateWindow;
use crate::store::{InspectionInput, InspectionResult, Once};

/// The header a client names a write with.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Sent with an answer given again for a repeated key.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
/// Longest key accepted.
const MAX_KEY_LEN: usize = 255;

/// The body: which site, when, what was found.
#[derive(Deserialize, Serialize, schemars::JsonSchema)]
pub struct InspectionRequest {
    /// The site (or hotspot) inspected.
    pub site_id: String,
    /// The day of the visit (`YYYY-MM-DD`); the time is now.
    pub date: String,
    /// `compliant`, `hazard`, `unlicensed_operation`, `closed` or `not_found`.
    pub result: String,
    /// Free-text remarks.
    pub notes: Option<String>,
}

/// The `Idempotency-Key` of a request, checked: 1 to 255 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::bad_request(format!(
            "Idempotency-Key: 1 to {MAX_KEY_LEN} visible ASCII characters (a UUID will do)"
        )));
    }
    Ok(Some(key.to_string()))
}

/// The page's view of the coverage of the cell holding `site_id`: from the coverage
/// answer the readers share (built beside the writers, not under their lock).
/// Blocking when `quick` and the answers must be built: then `None`.
fn cell_of(
    data: &ServerData,
    site_id: &str,
    quick: bool,
) -> Result<Option<Option<CellBrief>>, ApiError> {
    let DateWindow { from, to } = data.read(default_window)?;
    let cells = match quick {
        true => data.checked::<HashMap<String, String>>(SITE_CELLS),
        false => Some(data.kept(SITE_CELLS, site_cells)?),
    };
    let coverage = match quick {
        true => data.checked_answer(&coverage_key(from, to)),
        false => Some(coverage_answer(data, from, to)?),
    };
    let (Some(cells), Some(coverage)) = (cells, coverage) else {
        return Ok(None);
    };
    let Some(cell) = cells.get(site_id) else {
        return Ok(Some(None));
    };
    let answer: CoverageAnswer = serde_json::from_slice(&coverage).map_err(ApiError::internal)?;
    Ok(Some(
        answer
            .cells
            .iter()
            .find(|c| c.cell_id == *cell)
            .map(CellBrief::from),
    ))
}

/// The key the site → cell map is kept under.
const SITE_CELLS: &str = "site cells";

/// What a recorded inspection is answered with, and kept as under its key.
fn answer(i: &crate::store::Inspection) -> String {
    // A plain struct of strings and numbers always serialises.
    serde_json::to_string(&RecordedInspection::from(i)).unwrap_or_default()
}

/// Records an inspection (any signed-in user; the team is theirs, or `lead`).
pub async fn post_inspection(
    State(state): State<AppState>,
    Signed(user): Signed,
    headers: HeaderMap,
    ApiJson(req): ApiJson<InspectionRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let day = NaiveDate::parse_from_str(&req.date, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(format!("date: `{}` is not a date (YYYY-MM-DD)", req.date))
    })?;
    let result: InspectionResult = req.result.parse().map_err(|_| {
        ApiError::bad_request(format!("result: `{}` is not a known result", req.result))
    })?;
    if req.notes.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(ApiError::bad_request("notes: longer than 2000 characters"));
    }
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&req).map_err(ApiError::internal)?,
    ));
    let input = InspectionInput {
        site_id: req.site_id.clone(),
        at: day.and_time(state.data.now().time()),
        team_id: user.team.clone().unwrap_or_else(|| "lead".into()),
        result,
        notes: req.notes.filter(|n| !n.trim().is_empty()),
        rectify_by: None,
        close: false,
        lookback_days: None,
    };
    let site_id = input.site_id.clone();
    let key = key.map(|k| (user.name.clone(), k, request_hash));
    let written = state
        .inspections
        .record(state.data.clone(), &user.name, key, input, answer)
        .await?;
    let (inspection, replayed): (RecordedInspection, bool) = match written {
        Once::Written(i) => (
            serde_json::from_str(&answer(&i)).map_err(ApiError::internal)?,
            false,
        ),
        Once::Replayed(first) => (
            serde_json::from_str(&first).map_err(ApiError::internal)?,
            true,
        ),
        Once::KeyReused => return Err(ApiError::key_reused(
            "this Idempotency-Key was used for another request: use a new key for a new inspection",
        )),
    };
    // Mostly a reader has built the answers after this write already.
    let cell = match cell_of(&state.data, &site_id, true)? {
        Some(cell) => cell,
        None => {
            let data = state.data.clone();
            tokio::task::spawn_blocking(move || cell_of(&data, &site_id, false))
                .await
                .map_err(ApiError::internal)??
                .flatten()
        }
    };
    if replayed {
        tracing::info!(site = %inspection.site_id, user = %user.name, "inspection sent again: first answer given");
    } else {
        tracing::info!(site = %inspection.site_id, user = %user.name, "inspection recorded");
    }
    let mut response = axum::Json(InspectionAnswer { inspection, cell }).into_response();
    if replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        let mut headers = HeaderMap::new();
        assert_eq!(idempotency_key(&headers).unwrap(), None);
        headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("5f0c-11ee"));
        assert_eq!(
            idempotency_key(&headers).unwrap().as_deref(),
            Some("5f0c-11ee")
        );
        headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("a b"));
        assert!(idempotency_key(&headers).is_err());
        let long = HeaderValue::from_str(&"k".repeat(256)).unwrap();
        headers.insert(IDEMPOTENCY_KEY, long);
        assert!(idempotency_key(&headers).is_err());
    }
}
