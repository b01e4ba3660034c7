//! `GET /api/export/{layer}.{geojson|gpx|csv|xlsx}`: downloads.

use axum::extract::{Path, State};
use axum::response::Response;

use super::auth::Signed;
use super::error::ApiError;
use super::AppState;

/// One export file.
pub async fn get_export(
    State(_state): State<AppState>,
    Signed(_user): Signed,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    Err(ApiError::not_found(format!("no export `{file}`")))
}
