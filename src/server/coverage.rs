//! `GET /api/coverage?from=YYYY-MM-DD&to=YYYY-MM-DD`: coverage figures per cell
//! (default: the last 30 days).

use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::auth::Signed;
use super::error::ApiError;
use super::workspace::{coverage_rows, default_window, ServerData};
use super::AppState;
use crate::api::CoverageAnswer;
use crate::model::dates::DateWindow;

/// The period asked for (inclusive dates).
#[derive(Deserialize, schemars::JsonSchema)]
pub struct Period {
    /// First day, `YYYY-MM-DD` (default: the rules' map window ending today).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default: today).
    pub to: Option<String>,
}

fn date(field: &str, text: Option<&str>, default: NaiveDate) -> Result<NaiveDate, ApiError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(format!("{field}: `{t}` is not a date (YYYY-MM-DD)"))
        }),
    }
}

/// The inclusive dates of a period, the map's default window where not given.
pub fn period_dates(
    period: &Period,
    ws: &crate::store::Workspace,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let default = default_window(ws)?;
    let from = date("from", period.from.as_deref(), default.from)?;
    let to = date("to", period.to.as_deref(), default.to)?;
    if to < from {
        return Err(ApiError::bad_request("`to` is before `from`"));
    }
    Ok((from, to))
}

/// The key the coverage over `from..=to` is kept under.
pub fn coverage_key(from: NaiveDate, to: NaiveDate) -> String {
    format!("coverage {from} {to}")
}

/// The coverage answer over `from..=to` (`{"from", "to", "cells": [...]}`), kept
/// until the workspace changes (blocking: call from `spawn_blocking`).
pub fn coverage_answer(
    data: &ServerData,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<axum::body::Bytes, ApiError> {
    data.answer(&coverage_key(from, to), |ws| {
        let rows = coverage_rows(ws, DateWindow { from, to })?;
        serde_json::to_vec(&CoverageAnswer {
            from,
            to,
            cells: rows,
        })
        .map_err(ApiError::internal)
    })
}

/// Coverage per cell over a period.
pub async fn get_coverage(
    State(state): State<AppState>,
    Signed(_user): Signed,
    Query(period): Query<Period>,
) -> Result<Response, ApiError> {
    let (from, to) = state.data.read(|ws| period_dates(&period, ws))?;
    if let Some(bytes) = state.data.checked_answer(&coverage_key(from, to)) {
        return Ok(([(CONTENT_TYPE, "application/json")], bytes).into_response());
    }
    let bytes = tokio::task::spawn_blocking(move || coverage_answer(&state.data, from, to))
        .await
        .map_err(ApiError::internal)??;
    Ok(([(CONTENT_TYPE, "application/json")], bytes).into_response())
}
