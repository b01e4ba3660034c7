//! `POST /api/plan` (a lead plans a shift), `GET /api/plan` (the plan this user may
//! see) and `GET /api/plan/sheet/{team}` (a team's printable route sheet).

use axum::extract::{Path, State};

use super::auth::{Lead, Signed};
use super::error::ApiError;
use super::AppState;

/// Plans a shift.
pub async fn post_plan(
    State(_state): State<AppState>,
    Lead(_user): Lead,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Err(ApiError::unavailable("planning is not wired in yet"))
}

/// The current plan, filtered to what this user may see (`{"plan": null}` when none).
pub async fn get_plan(
    State(_state): State<AppState>,
    Signed(_user): Signed,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Ok(axum::Json(serde_json::json!({ "plan": null })))
}

/// A team's route sheet.
pub async fn get_sheet(
    State(_state): State<AppState>,
    Signed(_user): Signed,
    Path(_team): Path<String>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Err(ApiError::conflict("no_plan", "no plan has been made yet"))
}
