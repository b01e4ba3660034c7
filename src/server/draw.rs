//! `POST /api/draw`: a 双随机 draw (random targets, random inspectors) with its seed.

use axum::extract::State;

use super::auth::Lead;
use super::error::ApiError;
use super::AppState;

/// Runs a draw.
pub async fn post_draw(
    State(_state): State<AppState>,
    Lead(_user): Lead,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Err(ApiError::unavailable("draws are not wired in yet"))
}
