//! `/api/pins`: the lead's pins (钉选) — list, set, remove. Every plan made afterwards,
//! on the page or the command line, honours them.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::Signed;
use super::error::ApiError;
use super::{blocking, ApiJson, AppState};
use crate::model::pin::Pin;

/// Every pin, by site and kind.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PinsAnswer {
    /// The pins.
    pub pins: Vec<Pin>,
}

/// `?kind=` of `DELETE /api/pins/{site}`: remove one kind only.
#[derive(Deserialize, Default, schemars::JsonSchema)]
pub struct UnpinQuery {
    /// `team`, `day`, `must_visit` or `exclude` (default: every pin of the site).
    pub kind: Option<String>,
}

/// The pins.
pub async fn get_pins(
    State(state): State<AppState>,
    Signed(_lead): Signed,
) -> Result<Json<PinsAnswer>, ApiError> {
    let pins = blocking(move || state.data.read(|ws| Ok(ws.pins()?))).await?;
    Ok(Json(PinsAnswer { pins }))
}

/// Sets a pin (a pin of the same kind is replaced); answers every pin.
pub async fn post_pin(
    State(state): State<AppState>,
    Signed(lead): Signed,
    ApiJson(pin): ApiJson<Pin>,
) -> Result<Json<PinsAnswer>, ApiError> {
    let pins = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        ws.pin_set(&pin)?;
        Ok(ws.pins()?)
    })
    .await?;
    Ok(Json(PinsAnswer { pins }))
}

/// Removes a site's pins (of one kind with `?kind=`); answers every pin left.
pub async fn delete_pin(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(site): Path<String>,
    Query(query): Query<UnpinQuery>,
) -> Result<Json<PinsAnswer>, ApiError> {
    let pins = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        if ws.pin_remove(&site, query.kind.as_deref())? == 0 {
            return Err(ApiError::not_found(format!(
                "site `{site}` has no such pin"
            )));
        }
        Ok(ws.pins()?)
    })
    .await?;
    Ok(Json(PinsAnswer { pins }))
}
