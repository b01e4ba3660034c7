//! A sweep plan written out: JSON for `gridpatrol sweep --json` and other programs, and
//! GeoJSON for the map and field devices. Coordinates are rounded to 1e-7 degrees
//! (about 1 cm), lengths to 0.1 m.

use geo::{Coord, LineString};
use serde_json::{json, Value};

use super::graph::SweepGraph;
use super::SweepPlan;
use crate::formats::gpx::{write_gpx_tracks, GpxWaypoint};
use crate::model::Cell;

fn line_json(line: &LineString<f64>) -> Value {
    let round = |v: f64| (v * 1e7).round() / 1e7;
    Value::Array(
        line.0
            .iter()
            .map(|c: &Coord<f64>| json!([round(c.x), round(c.y)]))
            .collect(),
    )
}

impl SweepPlan {
    /// The plan as JSON (what `gridpatrol sweep --json` prints): totals, each shift
    /// with its streets and line, the whole route and the swept streets as geometry.
    pub fn to_json(&self, cell: &Cell, graph: &SweepGraph) -> Value {
        let plan = self;
        let r1 = |m: f64| (m * 10.0).round() / 10.0;
        let shifts: Vec<Value> = plan
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "index": i + 1,
                    "length_m": r1(s.length_m),
                    "duration_s": s.duration_s.round(),
                    "swept_m": r1(s.swept_m),
                    "streets": s.streets.iter().map(|r| json!({
                        "name": r.name,
                        "length_m": r1(r.length_m),
                        "swept_m": r1(r.swept_m),
                    })).collect::<Vec<_>>(),
                    "geometry": {"type": "LineString", "coordinates": line_json(&s.geometry.0)},
                })
            })
            .collect();
        json!({
            "cell": cell.id,
            "name": cell.name,
            "total_m": r1(plan.total_m),
            "required_m": r1(plan.required_m),
            "deadhead_m": r1(plan.deadhead_m),
            "ratio": (plan.ratio() * 10_000.0).round() / 10_000.0,
            "unreachable_m": r1(plan.unreachable_m),
            "odd_nodes": plan.odd_nodes,
            "matching_exact": plan.matching_exact,
            "matching_method": plan.matching_method.name(),
            "start": [plan.start.lon(), plan.start.lat()],
            "shifts": shifts,
            "geometry": {
                "type": "MultiLineString",
                "coordinates": plan.shifts.iter().map(|s| line_json(&s.geometry.0)).collect::<Vec<_>>(),
            },
            "swept_geometry": {
                "type": "MultiLineString",
                "coordinates": plan.swept_geometry(graph).0 .0.iter().map(line_json).collect::<Vec<_>>(),
            },
        })
    }

    /// The route as a GeoJSON FeatureCollection, one LineString per shift.
    pub fn to_geojson(&self, cell: &Cell) -> Value {
        let plan = self;
        let features: Vec<Value> = plan
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "type": "Feature",
                    "properties": {
                        "cell": cell.id,
                        "shift": i + 1,
                        "length_m": (s.length_m * 10.0).round() / 10.0,
                        "duration_s": s.duration_s.round(),
                    },
                    "geometry": {"type": "LineString", "coordinates": line_json(&s.geometry.0)},
                })
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features})
    }

    /// The route as GPX for field devices: one track per shift (第N班, with its length
    /// and walking time), the start as a waypoint.
    pub fn to_gpx(&self, cell: &Cell) -> String {
        let names: Vec<String> = self
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    "{} 第{}班 {:.1} km 约 {} 分钟",
                    cell.name,
                    i + 1,
                    s.length_m / 1000.0,
                    (s.duration_s / 60.0).round()
                )
            })
            .collect();
        let lines: Vec<Vec<(f64, f64)>> = self
            .shifts
            .iter()
            .map(|s| s.geometry.0 .0.iter().map(|c| (c.x, c.y)).collect())
            .collect();
        let tracks: Vec<(&str, &[(f64, f64)])> = names
            .iter()
            .zip(&lines)
            .map(|(n, l)| (n.as_str(), l.as_slice()))
            .collect();
        let start = GpxWaypoint {
            lon: self.start.lon(),
            lat: self.start.lat(),
            name: format!("{} 起点", cell.name),
            description: format!("拉网式巡查 {} 班", self.shifts.len()),
        };
        write_gpx_tracks(&tracks, &[start])
    }
}
