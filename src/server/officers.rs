//! The 双随机 registers in the page: `GET /api/officers` (the officer register and the
//! site register's tiers), `POST /api/officers` (add an officer), `POST
//! /api/officers/conflicts` (declare a conflict) and `GET /api/draws` (the draw log with
//! each draw's publish-by date and hash). Leads only.

use axum::extract::State;
use axum::Json;

use super::auth::Signed;
use super::error::ApiError;
use super::{blocking, ApiJson, AppState};
use crate::api::draws::{
    ConflictRequest, DrawSummary, DrawsAnswer, OfficerRequest, OfficersAnswer,
};
use crate::coverage::draw::Draw;
use crate::coverage::draw_candidates::{site_register, tier_counts};
use crate::store::Workspace;

fn officers_answer(ws: &Workspace) -> Result<OfficersAnswer, ApiError> {
    let rules = ws.rules()?.draw;
    let register = site_register(ws, ws.today()?)?;
    let tiers = tier_counts(&register)
        .into_iter()
        .map(|(t, n)| {
            let key = serde_json::to_value(t)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            (key, n)
        })
        .collect();
    let ratios = [
        ("high", rules.high_pct),
        ("medium", rules.medium_pct),
        ("low", rules.low_pct),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Ok(OfficersAnswer {
        officers: ws.officers()?,
        tiers,
        ratios,
        officers_per_target: rules.officers_per_target,
    })
}

/// The officer register.
pub async fn get_officers(
    State(state): State<AppState>,
    Signed(_lead): Signed,
) -> Result<Json<OfficersAnswer>, ApiError> {
    let answer = blocking(move || state.data.read(officers_answer)).await?;
    Ok(Json(answer))
}

/// Adds an officer; answers the register.
pub async fn post_officer(
    State(state): State<AppState>,
    Signed(lead): Signed,
    ApiJson(req): ApiJson<OfficerRequest>,
) -> Result<Json<OfficersAnswer>, ApiError> {
    let answer = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        ws.officer_add(&req.name, &req.department)?;
        officers_answer(&ws)
    })
    .await?;
    Ok(Json(answer))
}

/// Declares a conflict; answers the register.
pub async fn post_conflict(
    State(state): State<AppState>,
    Signed(lead): Signed,
    ApiJson(req): ApiJson<ConflictRequest>,
) -> Result<Json<OfficersAnswer>, ApiError> {
    let answer = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        ws.officer_conflict_add(&req.officer, &req.site_id, req.reason.as_deref())?;
        officers_answer(&ws)
    })
    .await?;
    Ok(Json(answer))
}

/// The draw log, newest first, each with what its publication needs.
pub async fn get_draws(
    State(state): State<AppState>,
    Signed(_lead): Signed,
) -> Result<Json<DrawsAnswer>, ApiError> {
    let answer = blocking(move || {
        state.data.read(|ws| {
            let mut draws = Vec::new();
            for entry in ws.draw_log()? {
                let d: Draw = serde_json::from_str(&entry.body).map_err(ApiError::internal)?;
                draws.push(DrawSummary {
                    seq: entry.seq,
                    seed: d.seed,
                    at: d.at,
                    targets: d.picks.len(),
                    register: d.ratios.is_some(),
                    publish_by: d.publish_by.map(|p| p.to_string()),
                    hash: entry.hash,
                });
            }
            draws.reverse();
            Ok(DrawsAnswer {
                head: ws.draw_head()?,
                draws,
            })
        })
    })
    .await?;
    Ok(Json(answer))
}
