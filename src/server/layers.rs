//! `GET /api/layers/{name}`: the map's layers as GeoJSON (RFC 7946, WGS-84).

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::auth::MaybeSigned;
use super::error::ApiError;
use super::AppState;
use crate::model::{Licence, Township};

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

fn geojson_response(bytes: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, "application/geo+json")], bytes).into_response()
}

/// Answers one layer. The base map is public; the township's records need a session.
pub async fn get_layer(
    State(state): State<AppState>,
    Path(name): Path<String>,
    MaybeSigned(user): MaybeSigned,
) -> Result<Response, ApiError> {
    let name = name.strip_suffix(".geojson").unwrap_or(&name).to_string();
    if name == "base" {
        return Ok(geojson_response(state.data.base_geojson().to_vec()));
    }
    let Some(_user) = user else {
        return Err(ApiError::unauthorized());
    };
    let t = state.data.township();
    let fc = match name.as_str() {
        "cells" => cells(t),
        "hotspots" => hotspots(t),
        "schools" => schools(t),
        "institutions" => institutions(t),
        "depots" => depots(t),
        "routes" => collection(Vec::new()),
        other => return Err(ApiError::not_found(format!("no layer `{other}`"))),
    };
    let bytes = serde_json::to_vec(&fc).map_err(ApiError::internal)?;
    Ok(geojson_response(bytes))
}

fn collection(features: Vec<Value>) -> Value {
    json!({ "type": "FeatureCollection", "features": features })
}

fn point(lon: f64, lat: f64) -> Value {
    json!({ "type": "Point", "coordinates": [lon, lat] })
}

fn polygon(p: &geo::Polygon<f64>) -> Value {
    let ring =
        |r: &geo::LineString<f64>| -> Vec<[f64; 2]> { r.0.iter().map(|c| [c.x, c.y]).collect() };
    let mut rings = vec![ring(p.exterior())];
    rings.extend(p.interiors().iter().map(ring));
    json!({ "type": "Polygon", "coordinates": rings })
}

fn feature(geometry: Value, properties: Value) -> Value {
    json!({ "type": "Feature", "geometry": geometry, "properties": properties })
}

/// Licence status as the page's legend keys it.
pub fn licence_key(l: Licence) -> &'static str {
    match l {
        Licence::Licensed => "licensed",
        Licence::RegisteredOnly => "registered_only",
        Licence::Unlicensed => "unlicensed",
    }
}

fn institutions(t: &Township) -> Value {
    collection(
        t.institutions
            .iter()
            .map(|i| {
                feature(
                    point(i.location.lon(), i.location.lat()),
                    json!({
                        "id": i.id, "name": i.name, "kind": i.kind, "subject": i.subject,
                        "licence": licence_key(i.licence), "address": i.address,
                        "complaints": i.complaints,
                        "last_inspected": i.last_inspected.map(|d| d.to_string()),
                    }),
                )
            })
            .collect(),
    )
}

fn schools(t: &Township) -> Value {
    collection(
        t.schools
            .iter()
            .map(|s| {
                feature(
                    point(s.location.lon(), s.location.lat()),
                    json!({ "id": s.id, "name": s.name }),
                )
            })
            .collect(),
    )
}

fn depots(t: &Township) -> Value {
    collection(
        t.depots
            .iter()
            .map(|d| {
                feature(
                    point(d.location.lon(), d.location.lat()),
                    json!({ "id": d.id, "name": d.name }),
                )
            })
            .collect(),
    )
}

fn cells(t: &Township) -> Value {
    collection(
        t.cells
            .iter()
            .map(|c| {
                feature(
                    polygon(&c.area.0),
                    json!({ "id": c.id, "name": c.name, "officer": c.officer }),
                )
            })
            .collect(),
    )
}

fn hotspots(t: &Township) -> Value {
    collection(
        t.hotspots
            .iter()
            .map(|h| {
                feature(
                    polygon(&h.area.0),
                    json!({ "id": h.id, "name": h.name, "kind": h.kind }),
                )
            })
            .collect(),
    )
}
