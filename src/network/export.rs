//! The graph as GeoJSON: one LineString Feature per directed edge, so anyone can look
//! at it in QGIS or recompute its shortest paths with other tools.
//!
//! [`write_edges_geojson`] writes the features one by one to any `Write` (a city's graph
//! never becomes a tree of JSON values); [`edges_geojson`] gives the same as a value for
//! small graphs.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::RoadGraph;
use crate::formats::geojson_stream::{FeatureWriter, RoundedLine};

/// One edge's properties, in the order they are written.
#[derive(Serialize)]
struct EdgeProperties<'a> {
    edge: usize,
    twin: Option<usize>,
    from: i64,
    to: i64,
    length_m: f64,
    duration_s: f64,
    highway: &'a str,
    way_id: i64,
    name: Option<&'a str>,
}

/// Writes a FeatureCollection with one Feature per directed edge to `out`, feature by
/// feature; properties `from`, `to` (OpenStreetMap node ids), `length_m`,
/// `duration_s`, `highway`, plus `edge` (the graph's edge index), `twin` (the opposite
/// edge's index, or null), `way_id` and `name` (null when the way has none).
///
/// Coordinates have 6 decimals (about 10 cm, RFC 7946's advice: finer than where a
/// street is mapped); `length_m` and `duration_s` are written exactly as the graph
/// holds them, so a shortest path computed on the file equals the router's.
pub fn write_edges_geojson(graph: &RoadGraph, out: impl Write) -> io::Result<()> {
    let mut writer = FeatureWriter::new(out)?;
    for e in graph.edge_indices() {
        let Some((a, b)) = graph.edge_endpoints(e) else {
            continue;
        };
        let d = &graph[e];
        let properties = EdgeProperties {
            edge: e.index(),
            twin: d.twin.map(|t| t.index()),
            from: graph[a].osm_id,
            to: graph[b].osm_id,
            length_m: d.length_m,
            duration_s: d.duration_s,
            highway: &d.highway,
            way_id: d.way_id,
            name: d.name.as_deref(),
        };
        writer.feature(&RoundedLine(&d.geometry.0 .0), &properties)?;
    }
    writer.finish()?;
    Ok(())
}

/// The FeatureCollection [`write_edges_geojson`] writes, as a value: for small graphs
/// (tests, examples); a city's graph goes to a file through the writer.
pub fn edges_geojson(graph: &RoadGraph) -> Value {
    let mut bytes = Vec::new();
    // Writing to memory does not fail, and the writer writes JSON: Null is never taken.
    match write_edges_geojson(graph, &mut bytes) {
        Ok(()) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::osm::read_bytes;
    use crate::network::{Profile, RoadNetwork};

    #[test]
    fn every_edge_is_a_feature_with_its_exact_figures_and_short_coordinates() {
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let osm = read_bytes(&bytes, "sample").unwrap();
        let graph = RoadNetwork::build(&osm, Profile::Walk).unwrap().graph;
        let mut out = Vec::new();
        write_edges_geojson(&graph, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let features = v["features"].as_array().unwrap();
        assert_eq!(features.len(), graph.edge_count());
        for (e, f) in graph.edge_indices().zip(features) {
            let (p, d) = (&f["properties"], &graph[e]);
            assert_eq!(p["edge"], e.index());
            assert_eq!(p["duration_s"].as_f64(), Some(d.duration_s));
            assert_eq!(p["length_m"].as_f64(), Some(d.length_m));
            assert_eq!(p["name"].as_str(), d.name.as_deref());
            let coords = f["geometry"]["coordinates"].as_array().unwrap();
            assert_eq!(coords.len(), d.geometry.0 .0.len());
            for (c, want) in coords.iter().zip(&d.geometry.0 .0) {
                let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
                assert!((x - want.x).abs() <= 5e-7 && (y - want.y).abs() <= 5e-7);
                for text in [c[0].to_string(), c[1].to_string()] {
                    let decimals = text.split('.').nth(1).map_or(0, str::len);
                    assert!(decimals <= 6, "{text}");
                }
            }
        }
        assert_eq!(edges_geojson(&graph), v);
    }
}
