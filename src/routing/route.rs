//! One-to-one routes with their geometry: the partial first edge, the full edges of the
//! search tree's path, and the partial last edge.

use geo::{Coord, LineString};
use petgraph::graph::EdgeIndex;

use super::dijkstra::{Seed, Workspace, NO_ARC};
use super::endpoints::{arrival, direct, on_edges, seed, OnEdge};
use super::{Route, Router};
use crate::model::Wgs84;
use crate::network::{RoadGraph, Snap};

use crate::units::haversine_m;

pub(super) fn route(router: &Router, from: &Snap, to: &Snap) -> Option<Route> {
    let graph = &router.network.graph;
    let starts = on_edges(graph, from);
    let ends = on_edges(graph, to);
    let seeds: Vec<Seed> = starts.iter().map(|o| seed(graph, o)).collect();
    let arrivals: Vec<(u32, f64, f64)> = ends.iter().map(|o| arrival(graph, o)).collect();
    let mut ws = Workspace::new(router.csr.node_count());
    let nodes: Vec<u32> = arrivals.iter().map(|a| a.0).collect();
    ws.search(&router.csr, &seeds, &nodes);

    let straight = direct(graph, &starts, &ends);
    let mut best: Option<(f64, usize)> = None;
    for (i, &(node, d, _)) in arrivals.iter().enumerate() {
        let at = ws.duration_s[node as usize] + d;
        if at.is_finite() && best.is_none_or(|b| at < b.0) {
            best = Some((at, i));
        }
    }
    match (straight, best) {
        (Some(s), b) if b.is_none_or(|b| s.0 <= b.0) => {
            let (duration_s, distance_m, on, to_m) = s;
            let coords = piece(graph, on.edge, on.offset_m, to_m);
            Some(Route {
                distance_m,
                duration_s,
                geometry: Wgs84(LineString::new(coords)),
                edges: vec![on.edge],
            })
        }
        (_, Some((duration_s, i))) => {
            let (node, _, l) = arrivals[i];
            let distance_m = ws.length_m[node as usize] + l;
            let path = path_to(router, &ws, node);
            Some(assemble(
                graph, &starts, &seeds, &path, &ends[i], duration_s, distance_m,
            ))
        }
        _ => None,
    }
}

/// The arcs' edges from the seed to `node`, in travel order.
fn path_to(router: &Router, ws: &Workspace, node: u32) -> Vec<EdgeIndex> {
    let mut path = Vec::new();
    let mut at = node as usize;
    while ws.parent[at] != NO_ARC {
        let arc = ws.parent[at] as usize;
        let e = router.csr.edge_of(arc);
        path.push(e);
        at = router
            .network
            .graph
            .edge_endpoints(e)
            .map(|(a, _)| a.index())
            .unwrap_or(at);
        if path.len() > router.csr.head.len() {
            break; // cannot happen on a shortest-path tree; guards against a cycle
        }
    }
    path.reverse();
    path
}

fn assemble(
    graph: &RoadGraph,
    starts: &[OnEdge],
    seeds: &[Seed],
    path: &[EdgeIndex],
    end: &OnEdge,
    duration_s: f64,
    distance_m: f64,
) -> Route {
    // The seed the path starts from: the node at its beginning, reached most cheaply.
    let first_node = match path.first() {
        Some(&e) => graph.edge_endpoints(e).map(|(a, _)| a.index() as u32),
        None => graph
            .edge_endpoints(end.edge)
            .map(|(a, _)| a.index() as u32),
    };
    let start = starts
        .iter()
        .zip(seeds)
        .filter(|(_, s)| Some(s.node) == first_node)
        .min_by(|a, b| a.1.duration_s.total_cmp(&b.1.duration_s))
        .map(|(o, _)| *o)
        .unwrap_or(starts[0]);
    let mut coords = piece(
        graph,
        start.edge,
        start.offset_m,
        graph[start.edge].length_m,
    );
    let mut edges = vec![start.edge];
    for &e in path {
        extend(&mut coords, &graph[e].geometry.0 .0);
        edges.push(e);
    }
    extend(&mut coords, &piece(graph, end.edge, 0.0, end.offset_m));
    edges.push(end.edge);
    Route {
        distance_m,
        duration_s,
        geometry: Wgs84(LineString::new(coords)),
        edges,
    }
}

/// Appends `more`, skipping its first point when it repeats the last one.
fn extend(coords: &mut Vec<Coord<f64>>, more: &[Coord<f64>]) {
    let skip = usize::from(coords.last().is_some() && coords.last() == more.first());
    coords.extend_from_slice(&more[skip.min(more.len())..]);
}

/// The part of an edge's geometry between `from_m` and `to_m` metres from its source.
pub fn piece(graph: &RoadGraph, edge: EdgeIndex, from_m: f64, to_m: f64) -> Vec<Coord<f64>> {
    sub_line(&graph[edge].geometry.0 .0, from_m, to_m)
}

/// The part of a polyline between two distances (haversine metres) along it.
pub fn sub_line(line: &[Coord<f64>], from_m: f64, to_m: f64) -> Vec<Coord<f64>> {
    let mut out = Vec::new();
    let mut walked = 0.0;
    for w in line.windows(2) {
        let len = haversine_m((w[0].x, w[0].y), (w[1].x, w[1].y));
        let at = |m: f64| {
            let t = if len > 0.0 {
                ((m - walked) / len).clamp(0.0, 1.0)
            } else {
                0.0
            };
            Coord {
                x: w[0].x + t * (w[1].x - w[0].x),
                y: w[0].y + t * (w[1].y - w[0].y),
            }
        };
        let end = walked + len;
        if out.is_empty() && from_m <= end {
            out.push(at(from_m));
        }
        if !out.is_empty() {
            if to_m <= end {
                out.push(at(to_m));
                return out;
            }
            out.push(w[1]);
        }
        walked = end;
    }
    if out.is_empty() {
        out.extend(line.last().copied());
    }
    if out.len() == 1 {
        out.push(out[0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{build::tests::plus, Profile, RoadNetwork};
    use crate::routing::Router;
    use crate::Wgs84Point;

    fn router(profile: Profile) -> Router {
        Router::new(RoadNetwork::build(&plus(), profile).unwrap())
    }

    /// Snap at `lon` on the two-way street 1-2-3 (lat 39.96).
    fn on_street(r: &Router, lon: f64) -> Snap {
        r.snap(Wgs84Point::new(lon, 39.96), 10.0).unwrap()
    }

    #[test]
    fn same_two_way_edge_goes_straight_both_ways() {
        let r = router(Profile::Drive);
        let (a, b) = (on_street(&r, 116.3502), on_street(&r, 116.3506));
        assert_eq!(a.edge, b.edge);
        let ab = r.route(&a, &b).unwrap();
        let ba = r.route(&b, &a).unwrap();
        let straight = haversine_m(a.point.lon_lat(), b.point.lon_lat());
        assert!((ab.distance_m - straight).abs() < 0.01, "{ab:?}");
        assert!((ba.distance_m - straight).abs() < 0.01, "{ba:?}");
        assert_eq!(ab.edges.len(), 1);
        assert_eq!(ab.geometry.0 .0.first().unwrap().x, a.point.lon());
        assert_eq!(ba.geometry.0 .0.first().unwrap().x, b.point.lon());
        let zero = r.route(&a, &a).unwrap();
        assert_eq!((zero.distance_m, zero.duration_s), (0.0, 0.0));
    }

    #[test]
    fn behind_on_a_one_way_edge_goes_around_the_block() {
        let r = router(Profile::Drive);
        // On the one-way 4 -> 2 (north-bound), site b is south of site a.
        let a = r.snap(Wgs84Point::new(116.351, 39.9597), 10.0).unwrap();
        let b = r.snap(Wgs84Point::new(116.351, 39.9593), 10.0).unwrap();
        assert_eq!(a.edge, b.edge);
        assert!(r.network().graph[a.edge].twin.is_none());
        let forward = r.route(&b, &a).unwrap();
        assert!((forward.distance_m - 44.5).abs() < 0.5, "{forward:?}");
        // a -> b: on to 2, up to 5, back by the service road via 7 to 4, then north to b.
        let around = r.route(&a, &b).unwrap();
        let loop_m = 33.4 + 111.2 + 85.2 + 238.2 + 33.4;
        assert!(
            (around.distance_m - loop_m).abs() < 2.0,
            "{}",
            around.distance_m
        );
        assert!(around.edges.len() >= 4);
        // Walking ignores oneway: straight back.
        let w = router(Profile::Walk);
        let (a, b) = (
            w.snap(a.point, 10.0).unwrap(),
            w.snap(b.point, 10.0).unwrap(),
        );
        assert!((w.route(&a, &b).unwrap().distance_m - 44.5).abs() < 0.5);
    }

    #[test]
    fn sub_line_cuts_inside_segments() {
        let line = [
            Coord { x: 116.0, y: 40.0 },
            Coord {
                x: 116.0,
                y: 40.001,
            },
            Coord {
                x: 116.0,
                y: 40.002,
            },
        ];
        let seg = haversine_m((116.0, 40.0), (116.0, 40.001));
        let part = sub_line(&line, seg / 2.0, seg * 1.5);
        assert_eq!(part.len(), 3);
        assert!((part[0].y - 40.0005).abs() < 1e-9 && (part[2].y - 40.0015).abs() < 1e-9);
        let whole = sub_line(&line, 0.0, 2.0 * seg + 1.0);
        assert_eq!(whole, line.to_vec());
        let point = sub_line(&line, seg, seg);
        assert_eq!(point.len(), 2);
        assert!((point[0].y - 40.001).abs() < 1e-9);
    }
}
