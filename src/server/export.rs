//! `GET /api/export/{file}`: downloads. `{layer}.geojson` for the map's layers,
//! `ledger.csv` / `ledger.xlsx` for the 台账 (one row per inspection),
//! `coverage.csv` / `coverage.xlsx` for the per-cell figures (`?from=&to=`, default
//! the last 30 days), and `routes-{team}.gpx` (a team's route in the current plan, for
//! field devices).

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::auth::Signed;
use super::coverage::{period_dates, Period};
use super::error::ApiError;
use super::layers::build_layer;
use super::AppState;

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

fn ledger_table(data: &super::ServerData) -> Result<crate::coverage::report::Table, ApiError> {
    data.read(|ws| {
        let rows = ws.ledger_rows(None, None)?;
        let cells = ws.cells()?;
        Ok(crate::coverage::report::ledger_table(&rows, &cells))
    })
}

/// The per-cell coverage bulletin over `from..=to`, as the CLI's report writes it.
fn coverage_table(
    data: &super::ServerData,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<crate::coverage::report::Table, ApiError> {
    data.read(|ws| {
        let figures = crate::coverage::coverage::coverage_from_store(ws, from, to)?;
        let inspections = ws.inspections(
            from.and_hms_opt(0, 0, 0),
            to.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
        )?;
        Ok(crate::coverage::report::bulletin_table(
            &format!("覆盖 coverage {from}~{to}"),
            &figures,
            &inspections,
            &ws.institutions()?,
            &ws.cells()?,
        ))
    })
}

/// One export file.
pub async fn get_export(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(file): Path<String>,
    Query(period): Query<Period>,
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
    let (from, to) = period_dates(&period, &*state.data.store()?)?;
    tokio::task::spawn_blocking(move || match (stem.as_str(), ext.as_str()) {
        ("coverage", "csv") => {
            let bytes = crate::formats::table::to_csv(&coverage_table(&state.data, from, to)?)
                .map_err(ApiError::internal)?;
            Ok(attachment(bytes, "text/csv; charset=utf-8", &file))
        }
        ("coverage", "xlsx") => {
            let t = coverage_table(&state.data, from, to)?;
            let bytes = crate::formats::table::to_xlsx(&[&t]).map_err(ApiError::internal)?;
            Ok(attachment(bytes, XLSX, &file))
        }
        ("ledger", "csv") => {
            let bytes = crate::formats::table::to_csv(&ledger_table(&state.data)?)
                .map_err(ApiError::internal)?;
            Ok(attachment(bytes, "text/csv; charset=utf-8", &file))
        }
        ("ledger", "xlsx") => {
            let t = ledger_table(&state.data)?;
            let bytes = crate::formats::table::to_xlsx(&[&t]).map_err(ApiError::internal)?;
            Ok(attachment(bytes, XLSX, &file))
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
