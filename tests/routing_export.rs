//! The sample's graph, exported through the real binary and read back as GeoJSON, gives
//! the same shortest durations as the router on a few hundred real pairs, computed by a
//! plain Dijkstra written here.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::process::Command;

use gridpatrol::formats::osm::read_bytes;
use gridpatrol::network::{NodeControl, Profile, RoadNetwork};
use gridpatrol::routing::turns::TurnCosts;
use gridpatrol::routing::Router;
use petgraph::graph::NodeIndex;

/// Directed edges by OSM node id: `from -> [(to, duration_s)]`.
type Adjacency = HashMap<i64, Vec<(i64, f64)>>;

fn export(profile: &str) -> (Adjacency, usize) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("graph.geojson");
    let status = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["network", "export", "--profile", profile, "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let geojson: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let features = geojson["features"].as_array().unwrap();
    let mut adjacency = Adjacency::new();
    for f in features {
        let p = &f["properties"];
        assert!(f["geometry"]["coordinates"].as_array().unwrap().len() >= 2);
        assert!(p["highway"].is_string() && p["length_m"].as_f64().unwrap() >= 0.0);
        let (from, to) = (p["from"].as_i64().unwrap(), p["to"].as_i64().unwrap());
        adjacency
            .entry(from)
            .or_default()
            .push((to, p["duration_s"].as_f64().unwrap()));
    }
    (adjacency, features.len())
}

/// Textbook Dijkstra over the adjacency (durations scaled to integer microseconds for
/// the heap key; labels stay exact floats).
fn dijkstra(adjacency: &Adjacency, source: i64) -> HashMap<i64, f64> {
    let mut best: HashMap<i64, f64> = HashMap::from([(source, 0.0)]);
    let mut heap = BinaryHeap::from([(Reverse(0u64), source)]);
    let mut done = std::collections::HashSet::new();
    while let Some((_, node)) = heap.pop() {
        if !done.insert(node) {
            continue;
        }
        let at = best[&node];
        for &(next, d) in adjacency.get(&node).into_iter().flatten() {
            let candidate = at + d;
            if best.get(&next).is_none_or(|&b| candidate < b) {
                best.insert(next, candidate);
                heap.push((Reverse((candidate * 1e6) as u64), next));
            }
        }
    }
    best
}

fn check(profile: Profile) {
    let (adjacency, edges) = export(profile.name());
    let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
    // The plain Dijkstra on the exported junction graph knows no turn costs, barriers or
    // turn restrictions: compare the turn-aware search without them (tests/routing_legal.rs
    // checks that they bind).
    let mut network = RoadNetwork::build(&read_bytes(&bytes, "sample").unwrap(), profile).unwrap();
    network.restrictions.clear();
    for node in network.graph.node_weights_mut() {
        node.control = NodeControl::Free;
    }
    let router = Router::with_costs(network, TurnCosts::FREE);
    let g = &router.network().graph;
    assert_eq!(edges, g.edge_count());
    // 20 sources × 15 targets spread over the node list.
    let n = g.node_count();
    let sources: Vec<NodeIndex> = (0..20).map(|i| NodeIndex::new(i * 7919 % n)).collect();
    let targets: Vec<NodeIndex> = (0..15)
        .map(|i| NodeIndex::new((i * 104_729 + 13) % n))
        .collect();
    let m = router.node_matrix(&sources, &targets);
    let mut compared = 0;
    for (i, &s) in sources.iter().enumerate() {
        let truth = dijkstra(&adjacency, g[s].osm_id);
        for (j, &t) in targets.iter().enumerate() {
            let want = truth.get(&g[t].osm_id).copied();
            let got = m.duration_s(i, j);
            let (w, r) = (
                want.expect("strongly connected: every node reachable"),
                got.unwrap(),
            );
            assert!(
                (w - r).abs() <= 5e-4 + 1e-9 * w,
                "{profile}: {i}->{j}: want {w}, got {r}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 300);
}

#[test]
fn walk_export_matches_plain_dijkstra() {
    check(Profile::Walk);
}

#[test]
fn drive_export_matches_plain_dijkstra() {
    check(Profile::Drive);
}
