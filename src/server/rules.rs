//! `GET /api/rules`: the township's rules as the workspace holds them (the field app
//! builds its checklist and outcomes from them; the page reads the shift windows).

use axum::extract::State;
use axum::Json;

use super::auth::Signed;
use super::error::ApiError;
use super::AppState;
use crate::rules::Rules;

/// The rules, for any signed-in user.
pub async fn get_rules(
    State(state): State<AppState>,
    Signed(_user): Signed,
) -> Result<Json<Rules>, ApiError> {
    let rules = tokio::task::spawn_blocking(move || -> Result<Rules, ApiError> {
        Ok(state.data.store()?.rules()?)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(rules))
}
