//! `GET /api/sweep/{cell}`: the 拉网式 walking route that covers every street of one
//! 网格 of the workspace, split into shifts — as JSON for the map and the printed
//! sheet, or `?format=gpx` for field devices.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::auth::Signed;
use super::error::ApiError;
use super::{blocking, AppState};
use crate::network::Profile;
use crate::sweep::{plan_cell, SweepError, SweepOptions};

/// `?format=&shift_minutes=&speed_kmh=` of `GET /api/sweep/{cell}`.
#[derive(Deserialize, Default, schemars::JsonSchema)]
pub struct SweepQuery {
    /// `json` (default) or `gpx` (a download, one track per shift).
    pub format: Option<String>,
    /// Longest shift in minutes of walking (default 180).
    pub shift_minutes: Option<f64>,
    /// Walking speed in km/h (default 4.5).
    pub speed_kmh: Option<f64>,
}

/// One shift of a sweep, for the sheet.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SweepShiftRow {
    /// 1, 2, …
    pub index: usize,
    /// Metres walked, the walk to and from the start included.
    pub length_m: f64,
    /// Minutes of walking.
    pub minutes: f64,
    /// The streets in walking order, with metres swept on each.
    pub streets: Vec<SweepStreet>,
}

/// A street of a shift's directions.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SweepStreet {
    /// The street's name (无名道路 when OSM has none).
    pub name: String,
    /// Metres walked along it in this run.
    pub length_m: f64,
}

/// `GET /api/sweep/{cell}`: the plan.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SweepAnswer {
    /// The cell's id and name.
    pub cell: String,
    /// The cell's name (第1网格, or the lead's name for it).
    pub name: String,
    /// Street metres to sweep inside the cell.
    pub required_m: f64,
    /// Everything walked.
    pub total_m: f64,
    /// Walked / required (1.0 is the least possible).
    pub ratio: f64,
    /// The shifts, in order.
    pub shifts: Vec<SweepShiftRow>,
    /// The route for the map: a GeoJSON FeatureCollection, one LineString per shift.
    pub geojson: Value,
}

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn options(q: &SweepQuery) -> Result<SweepOptions, ApiError> {
    let mut options = SweepOptions::default();
    if let Some(m) = q.shift_minutes {
        if !(m.is_finite() && (1.0..=24.0 * 60.0).contains(&m)) {
            return Err(ApiError::bad_request(
                "shift_minutes: 每班分钟数须在 1–1440 之间 must be 1–1440",
            ));
        }
        options.shift_minutes = m;
    }
    if let Some(v) = q.speed_kmh {
        if !(v.is_finite() && v > 0.5 && v <= 30.0) {
            return Err(ApiError::bad_request(
                "speed_kmh: 步行速度须在 0.5–30 之间 must be 0.5–30",
            ));
        }
        options.speed_kmh = v;
    }
    Ok(options)
}

/// The sweep of one cell of the workspace, from the township's first depot.
pub async fn get_sweep(
    State(state): State<AppState>,
    Signed(_user): Signed,
    Path(cell_id): Path<String>,
    query: Result<Query<SweepQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    // A query that does not read (`speed_kmh=fast`) is a JSON 400 like every refusal.
    let Query(query) = query?;
    let options = options(&query)?;
    let gpx = match query.format.as_deref() {
        None | Some("json") => false,
        Some("gpx") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "format: 只能是 json 或 gpx, not `{other}`"
            )))
        }
    };
    blocking(move || {
        let (township, rules) = state.data.read(|ws| Ok((ws.township()?, ws.rules()?)))?;
        let Some(cell) = township.cells.iter().find(|c| c.id == cell_id) else {
            return Err(ApiError::not_found(format!("没有网格 no cell `{cell_id}`")));
        };
        let start = township.depots.first().map(|d| d.location);
        let router = state.planner.router(Profile::Walk, &rules.routing)?;
        let (_, plan) =
            plan_cell(&router.network().graph, cell, start, &options).map_err(|e| match e {
                SweepError::NoStreets => ApiError::bad_request(format!(
                    "{} 内没有可步行的街道 has no walkable street",
                    cell.name
                )),
                // The lead's shift length is too short for this cell: their choice to change.
                SweepError::ShiftTooShort { needed_m, limit_m } => {
                    ApiError::bad_request(format!(
                        "shift_minutes: 一班只能走 {limit_m:.0} 米, 最短一段街道连同往返需 {needed_m:.0} 米, 请延长每班时间 \
                         a shift of {limit_m:.0} m is too short: one piece of street with the walks there and back takes {needed_m:.0} m"
                    ))
                }
                other => ApiError::internal(other),
            })?;
        if gpx {
            let file = format!("sweep-{}.gpx", cell.id);
            return Ok((
                [
                    (CONTENT_TYPE, "application/gpx+xml".to_string()),
                    (
                        CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}\""),
                    ),
                ],
                plan.to_gpx(cell),
            )
                .into_response());
        }
        let shifts = plan
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| SweepShiftRow {
                index: i + 1,
                length_m: r1(s.length_m),
                minutes: (s.duration_s / 60.0).round(),
                streets: s
                    .streets
                    .iter()
                    .map(|r| SweepStreet {
                        name: r.name.clone().unwrap_or_else(|| "无名道路".to_string()),
                        length_m: r1(r.length_m),
                    })
                    .collect(),
            })
            .collect();
        Ok(Json(SweepAnswer {
            cell: cell.id.clone(),
            name: cell.name.clone(),
            required_m: r1(plan.required_m),
            total_m: r1(plan.total_m),
            ratio: (plan.ratio() * 10_000.0).round() / 10_000.0,
            shifts,
            geojson: plan.to_geojson(cell),
        })
        .into_response())
    })
    .await
}
