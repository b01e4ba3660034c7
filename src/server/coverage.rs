//! `GET /api/coverage?from=YYYY-MM-DD&to=YYYY-MM-DD`: coverage figures per cell.

use axum::extract::{Query, State};
use serde::Deserialize;

use super::auth::Signed;
use super::error::ApiError;
use super::AppState;

/// The period asked for (inclusive dates).
#[derive(Deserialize)]
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Coverage per cell over a period.
pub async fn get_coverage(
    State(_state): State<AppState>,
    Signed(_user): Signed,
    Query(_period): Query<Period>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Err(ApiError::unavailable("coverage is not wired in yet"))
}
