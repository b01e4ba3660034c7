//! Property tests: the router's matrices and routes against an independent computation
//! on small random networks. The independent side splits every edge at the sites on it
//! (so sites become plain graph nodes) and runs petgraph's own Dijkstra.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::collections::HashMap;

use geo::{Coord, LineString};
use gridpatrol::formats::osm::{OsmData, OsmNode, OsmWay, Tags};
use gridpatrol::network::{Profile, RoadNetwork, Snap};
use gridpatrol::routing::endpoints::JUNCTION_SNAP_M;
use gridpatrol::routing::turns::TurnCosts;
use gridpatrol::routing::Router;
use gridpatrol::units::haversine_m;
use gridpatrol::Wgs84Point;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use proptest::prelude::*;

const CLASSES: [&[(&str, &str)]; 5] = [
    &[("highway", "residential")],
    &[("highway", "residential"), ("oneway", "yes")],
    &[("highway", "primary"), ("maxspeed", "70")],
    &[("highway", "footway")],
    &[("highway", "service"), ("oneway", "-1")],
];

fn tags(t: &[(&str, &str)]) -> Tags {
    Tags(
        t.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// A random town: nodes in a ~1 km box, ways through 2-4 of them.
fn town() -> impl Strategy<Value = OsmData> {
    (3usize..12)
        .prop_flat_map(|n| {
            let nodes = prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), n);
            let ways =
                prop::collection::vec((prop::collection::vec(0..n, 2..5), 0..CLASSES.len()), 1..16);
            (nodes, ways)
        })
        .prop_map(|(nodes, ways)| {
            let nodes = nodes
                .into_iter()
                .enumerate()
                .map(|(i, (x, y))| OsmNode {
                    id: i as i64 + 1,
                    lon: 116.35 + x,
                    lat: 39.95 + y,
                    tags: Tags::default(),
                })
                .collect();
            let ways = ways
                .into_iter()
                .enumerate()
                .map(|(i, (refs, class))| OsmWay {
                    id: 100 + i as i64,
                    refs: refs.into_iter().map(|r| r as i64 + 1).collect(),
                    tags: tags(CLASSES[class]),
                })
                .collect();
            OsmData::new(nodes, ways, Vec::new(), 0)
        })
}

/// Sites placed on edges at fractions of their length.
fn sites(router: &Router, picks: &[(usize, f64)]) -> Vec<Snap> {
    let g = &router.network().graph;
    picks
        .iter()
        .map(|&(k, frac)| {
            let edge = EdgeIndex::new(k % g.edge_count());
            let length_m = g[edge].length_m;
            // Within a metre of a junction a site stands at the junction: put it exactly there.
            let offset_m = match length_m * frac {
                o if o <= JUNCTION_SNAP_M => 0.0,
                o if length_m - o <= JUNCTION_SNAP_M => length_m,
                o => o,
            };
            Snap {
                edge,
                offset_m,
                point: Wgs84Point::new(0.0, 0.0),
                snap_m: 0.0,
            }
        })
        .collect()
}

/// The independent graph: every directed edge split at the sites on it; site `k` is
/// node `nodes + k`. Weights are durations.
fn split_graph(router: &Router, snaps: &[Snap]) -> DiGraph<(), f64> {
    let g = &router.network().graph;
    let mut out: DiGraph<(), f64> = DiGraph::new();
    for _ in 0..g.node_count() + snaps.len() {
        out.add_node(());
    }
    let mut on_edge: HashMap<EdgeIndex, Vec<(f64, usize)>> = HashMap::new();
    for (k, s) in snaps.iter().enumerate() {
        on_edge
            .entry(s.edge)
            .or_default()
            .push((s.offset_m, g.node_count() + k));
        if let Some(t) = g[s.edge].twin {
            on_edge
                .entry(t)
                .or_default()
                .push((g[t].length_m - s.offset_m, g.node_count() + k));
        }
    }
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).unwrap();
        let d = &g[e];
        let mut stops = vec![(0.0, a.index())];
        let mut mid = on_edge.remove(&e).unwrap_or_default();
        mid.sort_by(|x, y| x.0.total_cmp(&y.0));
        stops.extend(mid);
        stops.push((d.length_m, b.index()));
        for w in stops.windows(2) {
            let frac = if d.length_m > 0.0 {
                (w[1].0 - w[0].0) / d.length_m
            } else {
                0.0
            };
            out.add_edge(
                NodeIndex::new(w[0].1),
                NodeIndex::new(w[1].1),
                d.duration_s * frac,
            );
        }
    }
    // A site at a junction leaves and arrives by every street of the junction.
    for (k, s) in snaps.iter().enumerate() {
        let (a, b) = g.edge_endpoints(s.edge).unwrap();
        let at = if s.offset_m == 0.0 {
            a
        } else if s.offset_m == g[s.edge].length_m {
            b
        } else {
            continue;
        };
        let site = NodeIndex::new(g.node_count() + k);
        out.add_edge(site, at, 0.0);
        out.add_edge(at, site, 0.0);
    }
    out
}

/// Equal to the router's precision: it reports thousandths (a millisecond, a millimetre).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 5e-4 + 1e-9 * a.abs().max(b.abs())
}

fn line_length_m(line: &LineString<f64>) -> f64 {
    line.0
        .windows(2)
        .map(|w: &[Coord<f64>]| haversine_m((w[0].x, w[0].y), (w[1].x, w[1].y)))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn snap_matrix_matches_dijkstra_on_the_split_graph(
        osm in town(),
        drive in any::<bool>(),
        picks in prop::collection::vec((0usize..1000, 0.0f64..=1.0), 1..7),
    ) {
        let profile = if drive { Profile::Drive } else { Profile::Walk };
        let Ok(network) = RoadNetwork::build(&osm, profile) else { return Ok(()) };
        if network.graph.edge_count() == 0 { return Ok(()) }
        let router = Router::with_costs(network, TurnCosts::FREE);
        let snaps = sites(&router, &picks);
        let m = router.matrix(&snaps, &snaps);
        let split = split_graph(&router, &snaps);
        let base = router.network().graph.node_count();
        for i in 0..snaps.len() {
            let truth = petgraph::algo::dijkstra(&split, NodeIndex::new(base + i), None, |e| *e.weight());
            for j in 0..snaps.len() {
                let want = truth.get(&NodeIndex::new(base + j)).copied();
                let got = m.duration_s(i, j);
                match (want, got) {
                    (Some(w), Some(g)) => prop_assert!(close(w, g), "{i}->{j}: want {w}, got {g}"),
                    (w, g) => prop_assert_eq!(w, g, "{}->{}", i, j),
                }
                // The route agrees with the matrix, and its geometry is as long as it says.
                let route = router.route(&snaps[i], &snaps[j]);
                prop_assert_eq!(route.as_ref().map(|r| r.duration_s), got);
                prop_assert_eq!(route.as_ref().map(|r| r.distance_m), m.distance_m(i, j));
                if let Some(r) = route {
                    let drawn = line_length_m(&r.geometry.0);
                    // Cut points are interpolated linearly in lon/lat while lengths are
                    // great-circle metres: a few centimetres per kilometre apart at most.
                    prop_assert!((drawn - r.distance_m).abs() < 0.01 + 1e-4 * r.distance_m,
                        "{i}->{j}: geometry {drawn} m, distance {} m", r.distance_m);
                }
            }
        }
    }

    #[test]
    fn node_matrix_matches_floyd_warshall(osm in town(), drive in any::<bool>()) {
        let profile = if drive { Profile::Drive } else { Profile::Walk };
        let Ok(network) = RoadNetwork::build(&osm, profile) else { return Ok(()) };
        let router = Router::with_costs(network, TurnCosts::FREE);
        let g = &router.network().graph;
        let all: Vec<NodeIndex> = g.node_indices().collect();
        let m = router.node_matrix(&all, &all);
        let fw = petgraph::algo::floyd_warshall(g, |e| e.weight().duration_s).unwrap();
        for (i, &a) in all.iter().enumerate() {
            for (j, &b) in all.iter().enumerate() {
                let want = fw.get(&(a, b)).copied().filter(|d| *d < 1e300);
                match (want, m.duration_s(i, j)) {
                    (Some(w), Some(r)) => prop_assert!(close(w, r), "{i}->{j}: want {w}, got {r}"),
                    (w, r) => prop_assert_eq!(w, r),
                }
            }
        }
    }
}
