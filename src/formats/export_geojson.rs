//! GeoJSON export of every workspace layer (RFC 7946: WGS-84 lon/lat, polygons with
//! counter-clockwise exterior rings, no `crs` member). Bytes out; the caller writes.

use geo::orient::{Direction, Orient};
use serde_json::{json, Map, Value};

use crate::coverage::hotspots::HotspotScore;
use crate::coverage::CellCoverage;
use crate::model::{Cell, Depot, Hotspot, Institution, School, Wgs84Polygon};
use crate::store::Inspection;

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// A GeoJSON point geometry.
pub fn point(lon: f64, lat: f64) -> Value {
    json!({"type": "Point", "coordinates": [round7(lon), round7(lat)]})
}

/// A GeoJSON polygon geometry, right-hand rule (exterior counter-clockwise).
pub fn polygon(p: &Wgs84Polygon) -> Value {
    let p = p.0.orient(Direction::Default);
    let ring = |l: &geo::LineString<f64>| -> Vec<[f64; 2]> {
        l.0.iter().map(|c| [round7(c.x), round7(c.y)]).collect()
    };
    let mut rings = vec![ring(p.exterior())];
    rings.extend(p.interiors().iter().map(ring));
    json!({"type": "Polygon", "coordinates": rings})
}

/// A feature from a geometry and properties (an object).
pub fn feature(geometry: Value, properties: Value) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

/// A FeatureCollection as pretty-printed bytes.
pub fn collection(features: Vec<Value>) -> Vec<u8> {
    let fc = json!({"type": "FeatureCollection", "features": features});
    serde_json::to_vec_pretty(&fc).unwrap_or_default()
}

fn props(v: impl serde::Serialize) -> Value {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => Value::Object(m),
        _ => Value::Object(Map::new()),
    }
}

/// Institutions as points.
pub fn institutions(items: &[Institution]) -> Vec<u8> {
    collection(
        items
            .iter()
            .map(|s| {
                feature(
                    point(s.location.lon(), s.location.lat()),
                    json!({
                        "id": s.id, "name": s.name, "kind": crate::store::kind_name(s.kind),
                        "licence": crate::store::licence_name(s.licence), "address": s.address,
                        "complaints": s.complaints, "last_inspected": s.last_inspected.map(|d| d.to_string()),
                        "synthetic": s.synthetic,
                    }),
                )
            })
            .collect(),
    )
}

/// Schools as points.
pub fn schools(items: &[School]) -> Vec<u8> {
    collection(
        items
            .iter()
            .map(|s| {
                feature(
                    point(s.location.lon(), s.location.lat()),
                    json!({"id": s.id, "name": s.name}),
                )
            })
            .collect(),
    )
}

/// Depots as points.
pub fn depots(items: &[Depot]) -> Vec<u8> {
    collection(
        items
            .iter()
            .map(|s| {
                feature(
                    point(s.location.lon(), s.location.lat()),
                    json!({"id": s.id, "name": s.name}),
                )
            })
            .collect(),
    )
}

/// Cells as polygons.
pub fn cells(items: &[Cell]) -> Vec<u8> {
    collection(
        items
            .iter()
            .map(|c| {
                feature(
                    polygon(&c.area),
                    json!({"id": c.id, "name": c.name, "officer": c.officer}),
                )
            })
            .collect(),
    )
}

/// Hotspots as polygons, with their scores when given.
pub fn hotspots(items: &[Hotspot], scores: &[HotspotScore]) -> Vec<u8> {
    collection(
        items
            .iter()
            .map(|h| {
                let s = scores.iter().find(|s| s.hotspot_id == h.id);
                feature(
                    polygon(&h.area),
                    json!({
                        "id": h.id, "name": h.name, "kind": h.kind,
                        "score": s.map(|s| s.score), "needs_night_check": s.map(|s| s.needs_night_check),
                    }),
                )
            })
            .collect(),
    )
}

/// Coverage per cell: cell polygons with every figure as a property (choropleth-ready).
pub fn coverage(cells: &[Cell], figures: &[CellCoverage]) -> Vec<u8> {
    collection(
        figures
            .iter()
            .filter_map(|f| {
                let c = cells.iter().find(|c| c.id == f.cell_id)?;
                let mut p = props(f);
                if let Value::Object(m) = &mut p {
                    if let Some(t) = f.last_activity {
                        m.insert(
                            "last_activity".into(),
                            Value::String(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
                        );
                    }
                }
                Some(feature(polygon(&c.area), p))
            })
            .collect(),
    )
}

/// Inspections as points at their sites.
pub fn inspections(items: &[Inspection], sites: &[Institution]) -> Vec<u8> {
    let at: std::collections::HashMap<&str, &Institution> =
        sites.iter().map(|s| (s.id.as_str(), s)).collect();
    collection(
        items
            .iter()
            .filter_map(|i| {
                let s = at.get(i.site_id.as_str())?;
                Some(feature(
                    point(s.location.lon(), s.location.lat()),
                    json!({
                        "id": i.id, "site_id": i.site_id, "site_name": s.name,
                        "at": i.at.format("%Y-%m-%dT%H:%M:%S").to_string(), "team_id": i.team_id,
                        "result": i.result.as_str(), "notes": i.notes,
                    }),
                ))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    #[test]
    fn polygons_follow_the_right_hand_rule() {
        // Clockwise input.
        let cw = crate::Wgs84(Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (0.0, 1.0),
                (1.0, 1.0),
                (1.0, 0.0),
                (0.0, 0.0),
            ]),
            vec![],
        ));
        let g = polygon(&cw);
        let ring: Vec<[f64; 2]> = serde_json::from_value(g["coordinates"][0].clone()).unwrap();
        let area2: f64 = ring
            .windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum();
        assert!(area2 > 0.0, "exterior must be counter-clockwise");
        let fc: geojson::GeoJson = String::from_utf8(collection(vec![feature(g, json!({}))]))
            .unwrap()
            .parse()
            .unwrap();
        assert!(matches!(fc, geojson::GeoJson::FeatureCollection(_)));
    }
}
