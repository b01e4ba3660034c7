//! `GET /api/layers/{name}`: the map's layers as GeoJSON (RFC 7946, WGS-84), written
//! by [`crate::formats::geojson`] (each model's own properties, plus what the page
//! shows) from the workspace: cells with their coverage, institutions with licence, cell and
//! last finding, hotspots with score, parts and night-check flag, schools, depots.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::auth::MaybeSigned;
use super::error::ApiError;
use super::workspace::{coverage_rows, default_window, site_cells, ServerData};
use super::AppState;
use crate::coverage::hotspots::{hotspots_from_store, HotspotScore};
use crate::formats::geojson::{collection, feature_with, properties, write};
use crate::store::Workspace;

/// The layers the page can ask for, bottom to top.
pub const LAYER_NAMES: &[&str] = &[
    "base",
    "cells",
    "hotspots",
    "schools",
    "institutions",
    "depots",
    "routes",
];

/// Layers that depend only on the workspace and the day (not on who asks, nor the
/// hour): built once and kept until the workspace changes.
const SAME_FOR_EVERYONE: &[&str] = &["cells", "hotspots", "schools", "institutions", "depots"];

fn geojson_response(bytes: impl Into<axum::body::Body>) -> Response {
    ([(CONTENT_TYPE, "application/geo+json")], bytes.into()).into_response()
}

/// How a layer is asked for: `?fields=map` gives only what the map draws with (the
/// id and what the style colours by); the page keeps the full layer for popups.
#[derive(serde::Deserialize)]
pub struct LayerQuery {
    /// `map` for the map's slim properties; absent: every property.
    pub fields: Option<String>,
}

/// The properties the map's style needs, by layer (others: all of them).
fn map_fields(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "institutions" => Some(&["id", "licence"]),
        _ => None,
    }
}

/// Answers one layer. The base map is public; the township's records need a session.
pub async fn get_layer(
    State(state): State<AppState>,
    Path(name): Path<String>,
    MaybeSigned(user): MaybeSigned,
    Query(query): Query<LayerQuery>,
) -> Result<Response, ApiError> {
    let name = name.strip_suffix(".geojson").unwrap_or(&name).to_string();
    if name == "base" {
        return Ok(geojson_response(state.data.base_geojson()));
    }
    if user.is_none() {
        return Err(ApiError::unauthorized());
    }
    let keep = match query.fields.as_deref() {
        None | Some("all") => None,
        Some("map") => map_fields(&name),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "fields: `{other}` is neither `all` nor `map`"
            )))
        }
    };
    // Layers colour by the last 30 days up to today: today is part of the key.
    let fields = if keep.is_some() { "map" } else { "all" };
    let key = format!(
        "layer {name} {fields} {}",
        chrono::Local::now().date_naive()
    );
    let shared = SAME_FOR_EVERYONE.contains(&name.as_str());
    if let Some(bytes) = shared.then(|| state.data.checked_answer(&key)).flatten() {
        return Ok(geojson_response(bytes));
    }
    let bytes = tokio::task::spawn_blocking(move || {
        let build = |ws: &Workspace| {
            serde_json::to_vec(&lean(layer(ws, &name)?, keep)).map_err(ApiError::internal)
        };
        if shared {
            return state.data.answer(&key, build);
        }
        let fc = match name.as_str() {
            "routes" => super::plan::routes_layer(&state.data, user.as_ref())?,
            _ => build_layer(&state.data, &name)?,
        };
        serde_json::to_vec(&fc)
            .map(axum::body::Bytes::from)
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(geojson_response(bytes))
}

/// The layer as the map needs it: properties without a value left out (and only
/// those in `keep`, when given), coordinates to six decimals (0.1 m). With 10 000
/// sites, a third less to send and to parse; with `keep`, most of the rest too.
fn lean(mut fc: Value, keep: Option<&[&str]>) -> Value {
    fn round(v: &mut Value) {
        match v {
            Value::Array(items) => items.iter_mut().for_each(round),
            Value::Number(n) => {
                if let Some(x) = n.as_f64() {
                    *v = json!((x * 1e6).round() / 1e6);
                }
            }
            _ => {}
        }
    }
    if let Some(features) = fc["features"].as_array_mut() {
        for f in features {
            if let Some(props) = f["properties"].as_object_mut() {
                props.retain(|k, v| {
                    !v.is_null() && keep.is_none_or(|keep| keep.contains(&k.as_str()))
                });
            }
            round(&mut f["geometry"]["coordinates"]);
        }
    }
    fc
}

/// Builds one layer from the workspace (blocking: call from `spawn_blocking`).
pub fn build_layer(data: &ServerData, name: &str) -> Result<Value, ApiError> {
    data.read(|ws| layer(ws, name))
}

fn layer(ws: &Workspace, name: &str) -> Result<Value, ApiError> {
    match name {
        "cells" => cells(ws),
        "hotspots" => hotspots(ws),
        "schools" => Ok(write(&ws.schools()?)),
        "institutions" => institutions(ws),
        "depots" => Ok(write(&ws.depots()?)),
        "routes" => Ok(collection(Vec::new())),
        other => Err(ApiError::not_found(format!("no layer `{other}`"))),
    }
}

fn institutions(ws: &Workspace) -> Result<Value, ApiError> {
    let cells = site_cells(ws)?;
    let extras = ws.site_extras()?;
    let (from, to) = default_window(ws)?;
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = to
        .succ_opt()
        .unwrap_or(to)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    // The latest inspection of each site (any time), and who was seen in the window.
    let mut latest: HashMap<String, (chrono::NaiveDateTime, &'static str)> = HashMap::new();
    let mut in_window = std::collections::HashSet::new();
    for i in ws.inspections(None, None)? {
        if i.at >= start && i.at < end {
            in_window.insert(i.site_id.clone());
        }
        let e = latest
            .entry(i.site_id.clone())
            .or_insert((i.at, i.result.label_zh()));
        if i.at >= e.0 {
            *e = (i.at, i.result.label_zh());
        }
    }
    Ok(collection(
        ws.institutions()?
            .iter()
            .map(|i| {
                let last = latest.get(&i.id);
                feature_with(
                    i,
                    properties(vec![
                        (
                            "last_inspected",
                            json!(last
                                .map(|l| l.0.date().to_string())
                                .or_else(|| i.last_inspected.map(|d| d.to_string()))),
                        ),
                        ("findings", json!(last.map(|l| l.1))),
                        ("cell_id", json!(cells.get(&i.id))),
                        ("extra", json!(extras.get(&i.id))),
                        ("inspected_in_period", json!(in_window.contains(&i.id))),
                    ]),
                )
            })
            .collect(),
    ))
}

fn cells(ws: &Workspace) -> Result<Value, ApiError> {
    let (from, to) = default_window(ws)?;
    let rows: HashMap<String, Value> = coverage_rows(ws, from, to)?
        .into_iter()
        .filter_map(|r| r["cell_id"].as_str().map(|id| (id.to_string(), r.clone())))
        .collect();
    Ok(collection(
        ws.cells()?
            .iter()
            .map(|c| {
                let figures = rows.get(&c.id).map_or_else(Map::new, |r| {
                    [
                        "coverage",
                        "sites",
                        "sites_inspected",
                        "sites_overdue",
                        "street_coverage",
                    ]
                    .into_iter()
                    .map(|key| (key.to_string(), r[key].clone()))
                    .collect()
                });
                feature_with(c, figures)
            })
            .collect(),
    ))
}

fn hotspots(ws: &Workspace) -> Result<Value, ApiError> {
    let today = chrono::Local::now().date_naive();
    let scores: HashMap<String, HotspotScore> =
        hotspots_from_store(ws, today, &ws.rules()?.hotspots)?
            .into_iter()
            .map(|s| (s.hotspot_id.clone(), s))
            .collect();
    Ok(collection(
        ws.hotspots()?
            .iter()
            .map(|h| {
                let mut extra = properties(vec![("night", json!(false))]);
                if let Some(s) = scores.get(&h.id) {
                    let c = &s.components;
                    extra.insert("score".into(), json!(s.score));
                    extra.insert("night".into(), json!(s.needs_night_check));
                    extra.insert(
                        "parts".into(),
                        json!({
                            "unlicensed_nearby": c.unlicensed_nearby.points,
                            "complaints_nearby": c.complaints_nearby.points,
                            "past_findings": c.past_findings.points,
                            "schools_nearby": c.schools_nearby.points,
                            "since_night_check": c.since_night_check.points,
                        }),
                    );
                }
                feature_with(h, extra)
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lean_layers_drop_empty_properties_and_round_coordinates() {
        let fc = json!({"type": "FeatureCollection", "features": [{
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[116.123456789, 39.987654321], [116.1, 39.9]]]},
            "properties": {"name": "第1网格", "coverage": null, "sites": 0}
        }]});
        let only = &lean(fc.clone(), Some(&["sites", "coverage"]))["features"][0];
        assert_eq!(only["properties"], json!({"sites": 0}));
        let f = &lean(fc, None)["features"][0];
        assert_eq!(f["properties"], json!({"name": "第1网格", "sites": 0}));
        assert_eq!(
            f["geometry"]["coordinates"][0][0],
            json!([116.123457, 39.987654])
        );
        assert_eq!(f["geometry"]["type"], "Polygon");
    }
}
