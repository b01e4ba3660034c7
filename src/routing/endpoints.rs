//! How a site joins the turn-aware graph ([`super::turns`]): the street pieces it can
//! leave along and arrive by, the search seeds that leaving gives, and the arrivals a
//! search must reach.
//!
//! A site in the middle of a two-way street can leave and arrive both ways. A site at a
//! junction (or within [`JUNCTION_SNAP_M`] of it) is at the junction: it leaves along
//! every street out of it and arrives by every street into it, so it is never forced
//! round a detour to enter one particular street.

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::csr::Csr;
use super::dijkstra::Seed;
use super::turns::start_weight;
use crate::network::{RoadGraph, Snap};
use crate::units::{Metres, Seconds};

/// A site this close to the end of its street piece is taken to stand at the junction.
pub const JUNCTION_SNAP_M: Metres = 1.0;

/// A position on one directed street piece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnEdge {
    /// The street piece.
    pub edge: EdgeIndex,
    /// Metres from the piece's source.
    pub offset_m: f64,
}

/// Where a route may start and end for one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Positions a route from the site starts at (travelling along the piece).
    pub leave: Vec<OnEdge>,
    /// Positions a route to the site ends at.
    pub arrive: Vec<OnEdge>,
    /// The junction the site stands at, if it does.
    pub node: Option<NodeIndex>,
}

impl Endpoint {
    /// A snapped site: at a junction when within [`JUNCTION_SNAP_M`] of one, otherwise on
    /// its piece and, on a two-way street, on the piece's twin.
    pub fn of_snap(graph: &RoadGraph, snap: &Snap) -> Self {
        let length_m = graph[snap.edge].length_m;
        let ends = graph.edge_endpoints(snap.edge);
        if let Some((tail, head)) = ends {
            if snap.offset_m <= JUNCTION_SNAP_M {
                return Self::at_node(graph, tail);
            }
            if length_m - snap.offset_m <= JUNCTION_SNAP_M {
                return Self::at_node(graph, head);
            }
        }
        let mut on = vec![OnEdge {
            edge: snap.edge,
            offset_m: snap.offset_m,
        }];
        if let Some(t) = graph[snap.edge].twin {
            on.push(OnEdge {
                edge: t,
                offset_m: (length_m - snap.offset_m).max(0.0),
            });
        }
        Self {
            leave: on.clone(),
            arrive: on,
            node: None,
        }
    }

    /// A site standing at junction `node`.
    pub fn at_node(graph: &RoadGraph, node: NodeIndex) -> Self {
        let leave = graph
            .edges_directed(node, Direction::Outgoing)
            .map(|e| OnEdge {
                edge: e.id(),
                offset_m: 0.0,
            })
            .collect();
        let arrive = graph
            .edges_directed(node, Direction::Incoming)
            .map(|e| OnEdge {
                edge: e.id(),
                offset_m: e.weight().length_m,
            })
            .collect();
        Self {
            leave,
            arrive,
            node: Some(node),
        }
    }

    /// The search seeds of leaving the site, each with the index in `leave` it comes
    /// from. Leaving from the very start of a piece seeds the piece itself; leaving from
    /// partway seeds every turn at the piece's end, with the rest of the piece and the
    /// turn already paid.
    pub fn seeds(&self, graph: &RoadGraph, csr: &Csr) -> Vec<(Seed, usize)> {
        let mut out = Vec::new();
        for (i, on) in self.leave.iter().enumerate() {
            let e = on.edge.index() as u32;
            if on.offset_m <= 0.0 {
                let entry_s = self.node.map_or(0.0, |at| start_weight(graph, at, on.edge));
                out.push((
                    Seed {
                        node: e,
                        weight_s: entry_s,
                        length_m: 0.0,
                    },
                    i,
                ));
                continue;
            }
            let (before_s, before_m) = partial(graph, on.edge, 0.0, on.offset_m);
            for arc in csr.arcs(e) {
                out.push((
                    Seed {
                        node: csr.head[arc],
                        weight_s: (csr.weight_s[arc] - before_s).max(0.0),
                        length_m: (csr.length_m[arc] - before_m).max(0.0),
                    },
                    i,
                ));
            }
        }
        out
    }

    /// The search nodes a route to the site ends through, with the cost of the last piece:
    /// each piece it arrives by, and every copy of that piece (a piece on a restriction's
    /// via path is reached along the path as its copy, see [`super::turns`]).
    pub fn arrivals(&self, graph: &RoadGraph, csr: &Csr) -> Vec<(u32, Seconds, Metres)> {
        let mut out = Vec::with_capacity(self.arrive.len());
        for on in &self.arrive {
            let (d, l) = partial(graph, on.edge, 0.0, on.offset_m);
            let node = on.edge.index() as u32;
            out.push((node, d, l));
            out.extend(csr.copies(node).map(|copy| (copy, d, l)));
        }
        out
    }
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

/// A route that needs no turn: both sites at the same junction, or the target ahead on
/// the piece the source leaves along.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Direct {
    /// Seconds along the piece.
    pub duration_s: Seconds,
    /// Metres along the piece.
    pub length_m: Metres,
    /// The piece and where on it the route starts.
    pub on: OnEdge,
    /// Where on the piece it ends.
    pub to_m: f64,
}

/// The junction both sites stand at, if they stand at the same one (a route of nothing).
pub fn same_junction(from: &Endpoint, to: &Endpoint) -> Option<NodeIndex> {
    from.node.filter(|_| from.node == to.node)
}

/// The cheapest turn-free route from `from` to `to` along one piece, if there is one.
pub fn direct(graph: &RoadGraph, from: &Endpoint, to: &Endpoint) -> Option<Direct> {
    let mut best: Option<Direct> = None;
    for f in &from.leave {
        for t in to
            .arrive
            .iter()
            .filter(|t| t.edge == f.edge && t.offset_m >= f.offset_m)
        {
            let (duration_s, length_m) = partial(graph, f.edge, f.offset_m, t.offset_m);
            if best.is_none_or(|b| duration_s < b.duration_s) {
                best = Some(Direct {
                    duration_s,
                    length_m,
                    on: *f,
                    to_m: t.offset_m,
                });
            }
        }
    }
    best
}
