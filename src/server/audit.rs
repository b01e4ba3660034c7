//! `GET /api/audit`: who did what, from the workspace's append-only audit log; leads only.
//! `?from=YYYY-MM-DD&to=YYYY-MM-DD` (both days included) narrows it; `?format=csv`
//! downloads it.

use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::auth::Signed;
use super::error::ApiError;
use super::AppState;
use crate::api::AuditAnswer;
use crate::store::audit_table;

/// The query: an optional window of days and format.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct AuditQuery {
    /// First day included, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// `csv` for a download; JSON otherwise.
    pub format: Option<String>,
}

fn day(field: &str, text: &Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    text.as_deref()
        .map(|t| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(format!("{field}: `{t}` is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()
}

/// The audit entries in the window, as JSON (or CSV with `format=csv`).
pub async fn get_audit(
    State(state): State<AppState>,
    // Leads only: the access table (`access.rs`) refuses anyone else first.
    Signed(_lead): Signed,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let from = day("from", &q.from)?.and_then(|d| d.and_hms_opt(0, 0, 0));
    let to = day("to", &q.to)?
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0));
    let csv = q.format.as_deref() == Some("csv");
    tokio::task::spawn_blocking(move || {
        let entries = state.data.store()?.audit_log(from, to)?;
        if csv {
            let bytes = crate::formats::table::to_csv(&audit_table(&entries))
                .map_err(ApiError::internal)?;
            return Ok((
                [
                    (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        CONTENT_DISPOSITION,
                        "attachment; filename=\"audit.csv\"".to_string(),
                    ),
                ],
                bytes,
            )
                .into_response());
        }
        Ok(axum::Json(AuditAnswer { entries }).into_response())
    })
    .await
    .map_err(ApiError::internal)?
}
