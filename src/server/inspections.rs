//! `POST /api/inspections`: records one inspection and answers with the cell's new
//! coverage, so the page can recolour it at once.

use axum::extract::State;
use chrono::{Local, NaiveDate};
use serde::Deserialize;

use super::auth::Signed;
use super::error::ApiError;
use super::workspace::{coverage_rows, default_window, site_cells};
use super::{ApiJson, AppState};
use crate::store::{InspectionInput, InspectionResult};

/// The body: which site, when, what was found.
#[derive(Deserialize)]
pub struct InspectionRequest {
    pub site_id: String,
    /// The day of the visit (`YYYY-MM-DD`); the time is now.
    pub date: String,
    /// `compliant`, `hazard`, `unlicensed_operation`, `closed` or `not_found`.
    pub result: String,
    pub notes: Option<String>,
}

/// Records an inspection (any signed-in user; the team is theirs, or `lead`).
pub async fn post_inspection(
    State(state): State<AppState>,
    Signed(user): Signed,
    ApiJson(req): ApiJson<InspectionRequest>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let day = NaiveDate::parse_from_str(&req.date, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(format!("date: `{}` is not a date (YYYY-MM-DD)", req.date))
    })?;
    let result: InspectionResult = req.result.parse().map_err(|_| {
        ApiError::bad_request(format!("result: `{}` is not a known result", req.result))
    })?;
    if req.notes.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(ApiError::bad_request("notes: longer than 2000 characters"));
    }
    let input = InspectionInput {
        site_id: req.site_id.clone(),
        at: day.and_time(Local::now().time()),
        team_id: user.team.clone().unwrap_or_else(|| "lead".into()),
        result,
        notes: req.notes.filter(|n| !n.trim().is_empty()),
        rectify_by: None,
        close: false,
        lookback_days: None,
    };
    let user_name = user.name.clone();
    let (inspection, cell) = tokio::task::spawn_blocking(move || {
        let mut ws = state.data.store_as(&user_name)?;
        let inspection = ws.record_inspection(&input)?;
        let cell_id = site_cells(&ws)?.remove(&input.site_id);
        let (from, to) = default_window();
        let cell = match cell_id {
            Some(id) => coverage_rows(&ws, from, to)?
                .into_iter()
                .find(|r| r["cell_id"] == id.as_str()),
            None => None,
        };
        Ok::<_, ApiError>((inspection, cell))
    })
    .await
    .map_err(ApiError::internal)??;
    tracing::info!(site = %inspection.site_id, user = %user.name, "inspection recorded");
    Ok(axum::Json(serde_json::json!({
        "inspection": { "id": inspection.id, "site_id": inspection.site_id, "at": inspection.at.to_string(), "result": inspection.result },
        "cell": cell.map(|c| serde_json::json!({ "id": c["cell_id"], "name": c["name"], "coverage": c["coverage"] })),
    })))
}
