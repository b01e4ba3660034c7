//! `GET /api/layers/{name}`: the map's layers as GeoJSON (RFC 7946, WGS-84), written
//! by [`crate::formats::geojson`] (each model's own properties, plus what the page
//! shows) from the workspace: cells with their coverage, institutions with licence, cell and
//! last finding, hotspots with score, parts and night-check flag, schools, depots.

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::auth::MaybeSigned;
use super::error::ApiError;
use super::workspace::{coverage_rows, default_window, ServerData};
use super::AppState;
use crate::api::layers;
use crate::coverage::hotspots::hotspots_from_store;
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
    "whitelist",
    "blacklist",
];

/// Layers that depend only on the workspace and the day (not on who asks, nor the
/// hour): built once and kept until the workspace changes.
const SAME_FOR_EVERYONE: &[&str] = &[
    "cells",
    "hotspots",
    "schools",
    "institutions",
    "depots",
    "whitelist",
    "blacklist",
];

fn geojson_response(bytes: impl Into<axum::body::Body>) -> Response {
    ([(CONTENT_TYPE, "application/geo+json")], bytes.into()).into_response()
}

/// How a layer is asked for: `?fields=map` gives only what the map draws with (the
/// id and what the style colours by); the page keeps the full layer for popups.
#[derive(serde::Deserialize, schemars::JsonSchema)]
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
    let key = format!("layer {name} {fields} {}", state.data.today());
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
            "proposals" => proposals_layer(&state.data, user.as_ref())?,
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

/// 摸排 proposals still waiting for a lead, as points (`/api/layers/proposals`, not in
/// the page's default list): a lead sees every one, an inspector their own.
fn proposals_layer(data: &ServerData, user: Option<&super::User>) -> Result<Value, ApiError> {
    let by = user.filter(|u| !u.is_lead()).map(|u| u.name.clone());
    let proposals = data.read(|ws| Ok(ws.proposals(by.as_deref())?))?;
    let features = proposals
        .iter()
        .filter(|p| p.state == crate::store::ProposalState::Pending)
        .map(|p| {
            let point = json!({ "type": "Point", "coordinates": [p.input.lon, p.input.lat] });
            (point, crate::api::field::ProposalAnswer::from(p))
        });
    serde_json::to_value(layers::FeatureCollection::of(features)).map_err(ApiError::internal)
}

/// Builds one layer from the workspace (blocking: call from `spawn_blocking`).
pub fn build_layer(data: &ServerData, name: &str) -> Result<Value, ApiError> {
    data.read(|ws| layer(ws, name))
}

fn layer(ws: &Workspace, name: &str) -> Result<Value, ApiError> {
    let window = default_window(ws)?;
    let value = match name {
        "cells" => {
            let rows = coverage_rows(ws, window)?;
            serde_json::to_value(layers::cells(&ws.cells()?, &rows))
        }
        "hotspots" => {
            let today = ws.today()?;
            let scores = hotspots_from_store(ws, today, &ws.rules()?.hotspots)?;
            serde_json::to_value(layers::hotspots(&ws.hotspots()?, &scores))
        }
        "schools" => {
            let schools = ws.schools()?;
            let points = schools
                .iter()
                .map(|s| (s.id.as_str(), s.name.as_str(), &s.location));
            serde_json::to_value(layers::places(points))
        }
        "institutions" => serde_json::to_value(layers::institutions_from_store(ws, window)?),
        "depots" => {
            let depots = ws.depots()?;
            let points = depots
                .iter()
                .map(|d| (d.id.as_str(), d.name.as_str(), &d.location));
            serde_json::to_value(layers::places(points))
        }
        "routes" => serde_json::to_value(layers::FeatureCollection::<Value>::of([])),
        "whitelist" => serde_json::to_value(super::sites::list_layer(ws, true)?),
        "blacklist" => serde_json::to_value(super::sites::list_layer(ws, false)?),
        other => return Err(ApiError::not_found(format!("no layer `{other}`"))),
    };
    value.map_err(ApiError::internal)
}
