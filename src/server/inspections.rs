//! `POST /api/inspections`: records one inspection.

use axum::extract::State;

use super::auth::Signed;
use super::error::ApiError;
use super::AppState;

/// Records an inspection.
pub async fn post_inspection(
    State(_state): State<AppState>,
    Signed(_user): Signed,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Err(ApiError::unavailable(
        "recording inspections is not wired in yet",
    ))
}
