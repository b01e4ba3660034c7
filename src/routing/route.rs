//! One-to-one routes with their geometry: the partial first piece, the full pieces of
//! the search tree's path on the turn-aware graph, and the partial last piece.

use geo::{Coord, LineString};
use petgraph::graph::EdgeIndex;

use super::dijkstra::{Seed, Workspace, NO_ARC};
use super::endpoints::{direct, same_junction, Endpoint, OnEdge};
use super::matrix::to_thousandths;
use super::turns::duration_of_weight;
use super::{Route, Router};
use crate::model::Wgs84;
use crate::network::{RoadGraph, Snap};

use crate::units::haversine_m;

pub(super) fn route(router: &Router, from: &Snap, to: &Snap) -> Option<Route> {
    let graph = &router.network.graph;
    route_between(
        router,
        &Endpoint::of_snap(graph, from),
        &Endpoint::of_snap(graph, to),
    )
}

/// The fastest route between two endpoints on the turn-aware graph.
pub(super) fn route_between(router: &Router, from: &Endpoint, to: &Endpoint) -> Option<Route> {
    let mut route = fastest(router, from, to)?;
    route.duration_s = to_thousandths(route.duration_s);
    route.distance_m = to_thousandths(route.distance_m);
    Some(route)
}

fn fastest(router: &Router, from: &Endpoint, to: &Endpoint) -> Option<Route> {
    let graph = &router.network.graph;
    if let Some(node) = same_junction(from, to) {
        let at = graph[node].location.0 .0;
        return Some(Route {
            distance_m: 0.0,
            duration_s: 0.0,
            geometry: Wgs84(LineString::new(vec![at, at])),
            edges: Vec::new(),
        });
    }
    let seeds = from.seeds(graph, &router.csr);
    let arrivals = to.arrivals(graph, &router.csr);
    let mut ws = Workspace::new(router.csr.node_count());
    let plain: Vec<Seed> = seeds.iter().map(|s| s.0).collect();
    let nodes: Vec<u32> = arrivals.iter().map(|a| a.0).collect();
    ws.search(&router.csr, &plain, &nodes);

    let mut best: Option<(f64, usize)> = None;
    for (i, &(node, d, _)) in arrivals.iter().enumerate() {
        let at = ws.weight_s[node as usize] + d;
        if at.is_finite() && best.is_none_or(|b| at < b.0) {
            best = Some((at, i));
        }
    }
    match (direct(graph, from, to), best) {
        (Some(s), b) if b.is_none_or(|b| s.duration_s <= b.0) => Some(Route {
            distance_m: s.length_m,
            duration_s: s.duration_s,
            geometry: Wgs84(LineString::new(piece(
                graph,
                s.on.edge,
                s.on.offset_m,
                s.to_m,
            ))),
            edges: vec![s.on.edge],
        }),
        (_, Some((weight_s, i))) => {
            // `arrivals` lists copies too: the piece arrived by is the original of `node`.
            let (node, _, l) = arrivals[i];
            let path = path_to(router, &ws, node);
            let start = start_of(from, &seeds, path[0]);
            // Copies of street pieces (on restrictions' via paths) are travelled as the pieces.
            let path: Vec<u32> = path.iter().map(|&n| router.csr.original(n)).collect();
            let last = *path.last()?;
            let end = to.arrive.iter().find(|a| a.edge.index() as u32 == last)?;
            Some(assemble(
                graph,
                start,
                &path,
                end,
                duration_of_weight(weight_s),
                ws.length_m[node as usize] + l,
            ))
        }
        _ => None,
    }
}

/// The search nodes (street pieces or their copies) from a seed to `node`, in travel order.
fn path_to(router: &Router, ws: &Workspace, node: u32) -> Vec<u32> {
    let mut path = vec![node];
    let mut at = node as usize;
    while ws.parent[at] != NO_ARC {
        at = router.csr.tail_of(ws.parent[at] as usize) as usize;
        path.push(at as u32);
        if path.len() > router.csr.node_count() {
            break; // cannot happen on a shortest-path tree; guards against a cycle
        }
    }
    path.reverse();
    path
}

/// Where the route leaves the site: the cheapest seed of the path's first piece. `None`
/// when the path starts at the very beginning of a piece the site stands at.
fn start_of(from: &Endpoint, seeds: &[(Seed, usize)], first: u32) -> Option<OnEdge> {
    let (seed, i) = seeds
        .iter()
        .filter(|s| s.0.node == first)
        .min_by(|a, b| a.0.weight_s.total_cmp(&b.0.weight_s))?;
    let on = from.leave[*i];
    (on.offset_m > 0.0 || on.edge.index() as u32 != seed.node).then_some(on)
}

fn assemble(
    graph: &RoadGraph,
    start: Option<OnEdge>,
    path: &[u32],
    end: &OnEdge,
    duration_s: f64,
    distance_m: f64,
) -> Route {
    let mut coords = Vec::new();
    let mut edges = Vec::new();
    if let Some(start) = start {
        coords = piece(
            graph,
            start.edge,
            start.offset_m,
            graph[start.edge].length_m,
        );
        edges.push(start.edge);
    }
    let end_node = end.edge.index() as u32;
    let (last, whole) = path.split_last().unwrap_or((&end_node, &[]));
    for &e in whole {
        let e = EdgeIndex::new(e as usize);
        extend(&mut coords, &graph[e].geometry.0 .0);
        edges.push(e);
    }
    let last = EdgeIndex::new(*last as usize);
    extend(&mut coords, &piece(graph, last, 0.0, end.offset_m));
    edges.push(last);
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
