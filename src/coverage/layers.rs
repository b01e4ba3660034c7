//! The coverage figures and inspections as GeoJSON layers (RFC 7946),
//! written by the one GeoJSON writer, [`crate::formats::geojson`]; the CLI's exports
//! and the server's map layers both come through it.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::CellCoverage;
use crate::formats::geojson::{
    collection, feature_of, point_geometry, polygon_geometry, properties,
};
use crate::model::{Cell, Institution};
use crate::store::Inspection;

/// Stored time form in exports: local wall-clock time, to the second.
fn time_text(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Coverage per cell: cell polygons with every figure as a property (choropleth-ready),
/// in the order of `figures`; figures of unknown cells are left out.
///
/// ```
/// use gridpatrol::coverage::layers::coverage;
/// let fc = coverage(&[], &[]);
/// assert_eq!(fc["type"], "FeatureCollection");
/// ```
pub fn coverage(cells: &[Cell], figures: &[CellCoverage]) -> Value {
    let by_id: HashMap<&str, &Cell> = cells.iter().map(|c| (c.id.as_str(), c)).collect();
    collection(
        figures
            .iter()
            .filter_map(|f| {
                let c = by_id.get(f.cell_id.as_str())?;
                let mut props = match serde_json::to_value(f) {
                    Ok(Value::Object(m)) => m,
                    _ => Map::new(),
                };
                props.insert(
                    "last_activity".into(),
                    json!(f.last_activity.map(time_text)),
                );
                Some(feature_of(polygon_geometry(&c.area), props))
            })
            .collect(),
    )
}

/// Inspections as points at their sites (inspections of unknown sites are left out).
pub fn inspections(items: &[Inspection], sites: &[Institution]) -> Value {
    let at: HashMap<&str, &Institution> = sites.iter().map(|s| (s.id.as_str(), s)).collect();
    collection(
        items
            .iter()
            .filter_map(|i| {
                let s = at.get(i.site_id.as_str())?;
                Some(feature_of(
                    point_geometry(&s.location),
                    properties(vec![
                        ("id", json!(i.id)),
                        ("site_id", json!(i.site_id)),
                        ("site_name", json!(s.name)),
                        ("at", json!(time_text(i.at))),
                        ("team_id", json!(i.team_id)),
                        ("result", json!(i.result.as_str())),
                        ("notes", json!(i.notes)),
                    ]),
                ))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites_test_support::small_township;

    #[test]
    fn coverage_features_carry_figures_on_right_hand_polygons() {
        let t = small_township();
        let ws = {
            let mut ws = crate::store::Workspace::in_memory().unwrap();
            ws.import_township(&t).unwrap();
            ws
        };
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let figures =
            super::super::coverage::coverage_from_store(&ws, d("2025-03-01"), d("2025-03-31"))
                .unwrap();
        let fc = coverage(&ws.cells().unwrap(), &figures);
        let f = &fc["features"][0];
        assert_eq!(f["properties"]["cell_id"], "C1");
        assert_eq!(f["properties"]["sites_total"], 2);
        assert_eq!(f["properties"]["last_activity"], Value::Null);
        let ring: Vec<[f64; 2]> =
            serde_json::from_value(f["geometry"]["coordinates"][0].clone()).unwrap();
        let area2: f64 = ring
            .windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum();
        assert!(area2 > 0.0, "exterior must be counter-clockwise");
    }
}
