//! How a snapped site joins the graph: the ways it can leave (to an edge's head) and
//! arrive (from an edge's tail), with the partial cost of the piece of edge travelled.

use petgraph::graph::EdgeIndex;

use super::dijkstra::Seed;
use crate::network::{RoadGraph, Snap};

/// A site's position on one directed edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnEdge {
    pub edge: EdgeIndex,
    /// Metres from this edge's source.
    pub offset_m: f64,
}

/// The directed edges a snapped site lies on: its own, and its twin when two-way.
pub fn on_edges(graph: &RoadGraph, snap: &Snap) -> Vec<OnEdge> {
    let mut out = vec![OnEdge {
        edge: snap.edge,
        offset_m: snap.offset_m,
    }];
    if let Some(t) = graph[snap.edge].twin {
        let length_m = graph[snap.edge].length_m;
        out.push(OnEdge {
            edge: t,
            offset_m: (length_m - snap.offset_m).max(0.0),
        });
    }
    out
}

/// Duration and length of travelling the edge between offsets `from_m <= to_m`.
pub fn partial(graph: &RoadGraph, edge: EdgeIndex, from_m: f64, to_m: f64) -> (f64, f64) {
    let e = &graph[edge];
    let length_m = (to_m - from_m).max(0.0);
    let fraction = if e.length_m > 0.0 {
        length_m / e.length_m
    } else {
        0.0
    };
    (e.duration_s * fraction, length_m)
}

/// Where a site leaving along `on` first reaches a node (the edge's target).
pub fn seed(graph: &RoadGraph, on: &OnEdge) -> Seed {
    let (_, head) = graph.edge_endpoints(on.edge).unwrap_or_default();
    let (duration_s, length_m) = partial(graph, on.edge, on.offset_m, graph[on.edge].length_m);
    Seed {
        node: head.index() as u32,
        duration_s,
        length_m,
    }
}

/// The node a site arriving along `on` comes from (the edge's source), and the cost of
/// the last piece.
pub fn arrival(graph: &RoadGraph, on: &OnEdge) -> (u32, f64, f64) {
    let (tail, _) = graph.edge_endpoints(on.edge).unwrap_or_default();
    let (d, l) = partial(graph, on.edge, 0.0, on.offset_m);
    (tail.index() as u32, d, l)
}

/// The cost of going straight along a shared edge, when the target lies ahead.
pub fn direct(
    graph: &RoadGraph,
    from: &[OnEdge],
    to: &[OnEdge],
) -> Option<(f64, f64, OnEdge, f64)> {
    let mut best: Option<(f64, f64, OnEdge, f64)> = None;
    for f in from {
        for t in to
            .iter()
            .filter(|t| t.edge == f.edge && t.offset_m >= f.offset_m)
        {
            let (d, l) = partial(graph, f.edge, f.offset_m, t.offset_m);
            if best.is_none_or(|b| d < b.0) {
                best = Some((d, l, *f, t.offset_m));
            }
        }
    }
    best
}
