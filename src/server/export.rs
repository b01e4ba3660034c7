//! `GET /api/export/{file}`: downloads. `{layer}.geojson` for the map's layers,
//! `ledger.csv` / `ledger.xlsx` for the 台账 (one row per inspection),
//! `coverage.csv` / `coverage.xlsx` for the per-cell figures (`?from=&to=`, default
//! the last 30 days), `weekly` / `monthly` (周报告 / 月通报, `?date=`), `whitelist` /
//! `blacklist` and `draw-{seq}` (a draw's publishable result) as `.csv` or `.xlsx`, and
//! `routes-{team}.gpx` (a team's route in the current plan, for field devices).

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::auth::Signed;
use super::coverage::{period_dates, Period};
use super::error::ApiError;
use super::layers::build_layer;
use super::AppState;
use crate::coverage::report;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn attachment(bytes: Vec<u8>, mime: &'static str, file: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file}\"");
    (
        [
            (CONTENT_TYPE, mime.to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// A report a county receives, by file stem: `ledger`, `coverage` (`?from=&to=`),
/// `weekly` / `monthly` (`?date=`, default today), `whitelist`, `blacklist` and
/// `draw-{seq}`; `None` for another stem. Built by the same library calls as the CLI's,
/// so the page and the CLI write the same bytes.
fn report_table(
    ws: &crate::store::Workspace,
    stem: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    date: chrono::NaiveDate,
) -> Result<Option<report::Table>, ApiError> {
    let table = match stem {
        "ledger" => report::ledger_report(ws, None, None),
        "coverage" => report::bulletin_report(ws, "覆盖情况", from, to),
        "weekly" => report::period_report(ws, report::Period::Weekly, date),
        "monthly" => report::period_report(ws, report::Period::Monthly, date),
        "whitelist" => report::list_report(ws, report::List::White, date),
        "blacklist" => report::list_report(ws, report::List::Black, date),
        other => match other.strip_prefix("draw-").map(str::parse::<i64>) {
            Some(Ok(seq)) => report::draw_report(ws, seq),
            _ => return Ok(None),
        },
    };
    match table {
        Ok(t) => Ok(Some(t)),
        Err(report::ReportError::NoDraw(seq)) => Err(ApiError::not_found(format!(
            "没有第 {seq} 次双随机抽查记录"
        ))),
        Err(e) => Err(ApiError::internal(e)),
    }
}

/// The query of a report download: the coverage window, or the day the week, month or
/// list is of.
#[derive(serde::Deserialize, Default)]
pub struct ReportQuery {
    /// Window start (coverage).
    pub from: Option<String>,
    /// Window end (coverage).
    pub to: Option<String>,
    /// Any day of the week or month (weekly, monthly), or the lists' day; default today.
    pub date: Option<String>,
}

/// One export file.
pub async fn get_export(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(file): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return Err(ApiError::not_found(format!("no export `{file}`")));
    };
    let (stem, ext) = (stem.to_string(), ext.to_string());
    if let ("gpx", Some(team)) = (ext.as_str(), stem.strip_prefix("routes-")) {
        let bytes = super::plan::team_gpx(state, user, team).await?;
        return Ok(attachment(bytes, "application/gpx+xml", &file));
    }
    if (stem.as_str(), ext.as_str()) == ("routes", "geojson") {
        let fc = tokio::task::spawn_blocking(move || {
            super::plan::routes_layer(&state.data, Some(&user))
        })
        .await
        .map_err(ApiError::internal)??;
        let bytes = serde_json::to_vec(&fc).map_err(ApiError::internal)?;
        return Ok(attachment(bytes, "application/geo+json", &file));
    }
    let period = Period {
        from: query.from.clone(),
        to: query.to.clone(),
    };
    let (from, to) = period_dates(&period, &*state.data.store()?)?;
    let date = match query.date.as_deref().filter(|d| !d.is_empty()) {
        None => state.data.today(),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(format!("date: `{d}` is not a date (YYYY-MM-DD)"))
        })?,
    };
    tokio::task::spawn_blocking(move || match (stem.as_str(), ext.as_str()) {
        (_, "csv" | "xlsx") => {
            let table = state
                .data
                .read(|ws| report_table(ws, &stem, from, to, date))?
                .ok_or_else(|| ApiError::not_found(format!("no export `{file}`")))?;
            if ext == "csv" {
                let bytes = crate::formats::table::to_csv(&table).map_err(ApiError::internal)?;
                Ok(attachment(bytes, "text/csv; charset=utf-8", &file))
            } else {
                let bytes =
                    crate::formats::table::to_xlsx(&[&table]).map_err(ApiError::internal)?;
                Ok(attachment(bytes, XLSX, &file))
            }
        }
        (layer, "geojson") if layer != "base" => {
            let fc = build_layer(&state.data, layer)?;
            let bytes = serde_json::to_vec(&fc).map_err(ApiError::internal)?;
            Ok(attachment(bytes, "application/geo+json", &file))
        }
        _ => Err(ApiError::not_found(format!("no export `{file}`"))),
    })
    .await
    .map_err(ApiError::internal)?
}
