//! The graph as GeoJSON: one LineString Feature per directed edge, so anyone can look
//! at it in QGIS or recompute its shortest paths with other tools.

use serde_json::{json, Value};

use super::RoadGraph;

/// A FeatureCollection with one Feature per directed edge; properties `from`, `to`
/// (OpenStreetMap node ids), `length_m`, `duration_s`, `highway`, plus `edge` (the
/// graph's edge index), `twin` (the opposite edge's index, or null), `way_id` and
/// `name` where known.
pub fn edges_geojson(graph: &RoadGraph) -> Value {
    let features: Vec<Value> = graph
        .edge_indices()
        .filter_map(|e| {
            let (a, b) = graph.edge_endpoints(e)?;
            let d = &graph[e];
            let coords: Vec<[f64; 2]> = d.geometry.0 .0.iter().map(|c| [c.x, c.y]).collect();
            Some(json!({
                "type": "Feature",
                "geometry": { "type": "LineString", "coordinates": coords },
                "properties": {
                    "edge": e.index(),
                    "twin": d.twin.map(|t| t.index()),
                    "from": graph[a].osm_id,
                    "to": graph[b].osm_id,
                    "length_m": d.length_m,
                    "duration_s": d.duration_s,
                    "highway": d.highway,
                    "way_id": d.way_id,
                    "name": d.name,
                },
            }))
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}
