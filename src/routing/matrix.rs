//! Many-to-many matrices: one early-stopping Dijkstra per source, sources spread over
//! the cores with rayon, labels reused per thread.

use petgraph::graph::NodeIndex;
use rayon::prelude::*;

use super::dijkstra::{Seed, Workspace};
use super::endpoints::{arrival, direct, on_edges, seed, OnEdge};
use super::Router;
use crate::network::Snap;
use crate::units::{Metres, Seconds};

/// Travel durations and lengths from each source (row) to each target (column),
/// `None` where a target cannot be reached.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    /// Number of rows.
    pub sources: usize,
    /// Number of columns (the row stride of the flat vectors).
    pub targets: usize,
    /// Row-major, `sources * targets` entries.
    pub durations_s: Vec<Option<Seconds>>,
    /// Length of the fastest path; row-major like `durations_s`.
    pub distances_m: Vec<Option<Metres>>,
}

impl Matrix {
    /// Fastest travel time from `source` to `target` in seconds, `None` when unreachable.
    /// Both indices must be in range (`source < sources`, `target < targets`).
    pub fn duration_s(&self, source: usize, target: usize) -> Option<Seconds> {
        self.durations_s[source * self.targets + target]
    }
    /// Length in metres of that fastest path, `None` when unreachable.
    /// Both indices must be in range (`source < sources`, `target < targets`).
    pub fn distance_m(&self, source: usize, target: usize) -> Option<Metres> {
        self.distances_m[source * self.targets + target]
    }
    /// The durations as rows (for JSON).
    pub fn duration_rows(&self) -> Vec<Vec<Option<Seconds>>> {
        rows(&self.durations_s, self.targets)
    }
    /// The lengths as rows (for JSON).
    pub fn distance_rows(&self) -> Vec<Vec<Option<Metres>>> {
        rows(&self.distances_m, self.targets)
    }

    fn from_rows(
        sources: usize,
        targets: usize,
        rows: Vec<Vec<Option<(Seconds, Metres)>>>,
    ) -> Self {
        let flat: Vec<Option<(Seconds, Metres)>> = rows.into_iter().flatten().collect();
        Self {
            sources,
            targets,
            durations_s: flat.iter().map(|c| c.map(|c| c.0)).collect(),
            distances_m: flat.iter().map(|c| c.map(|c| c.1)).collect(),
        }
    }
}

fn rows<T: Copy>(flat: &[T], width: usize) -> Vec<Vec<T>> {
    if width == 0 {
        return Vec::new();
    }
    flat.chunks(width).map(<[T]>::to_vec).collect()
}

/// One target: the nodes it can be reached from, with the cost of the last piece.
struct Target {
    on: Vec<OnEdge>,
    arrivals: Vec<(u32, Seconds, Metres)>,
}

pub(super) fn snap_matrix(router: &Router, sources: &[Snap], targets: &[Snap]) -> Matrix {
    let graph = &router.network.graph;
    let targets: Vec<Target> = targets
        .iter()
        .map(|t| {
            let on = on_edges(graph, t);
            let arrivals = on.iter().map(|o| arrival(graph, o)).collect();
            Target { on, arrivals }
        })
        .collect();
    let nodes: Vec<u32> = targets
        .iter()
        .flat_map(|t| t.arrivals.iter().map(|a| a.0))
        .collect();
    let rows = sources
        .par_iter()
        .map_init(
            || Workspace::new(router.csr.node_count()),
            |ws, s| {
                let on = on_edges(graph, s);
                let seeds: Vec<Seed> = on.iter().map(|o| seed(graph, o)).collect();
                ws.search(&router.csr, &seeds, &nodes);
                targets
                    .iter()
                    .map(|t| {
                        best(
                            ws,
                            &t.arrivals,
                            direct(graph, &on, &t.on).map(|d| (d.0, d.1)),
                        )
                    })
                    .collect::<Vec<_>>()
            },
        )
        .collect();
    Matrix::from_rows(sources.len(), targets.len(), rows)
}

pub(super) fn node_matrix(router: &Router, sources: &[NodeIndex], targets: &[NodeIndex]) -> Matrix {
    let nodes: Vec<u32> = targets.iter().map(|t| t.index() as u32).collect();
    let rows = sources
        .par_iter()
        .map_init(
            || Workspace::new(router.csr.node_count()),
            |ws, s| {
                let seed = Seed {
                    node: s.index() as u32,
                    duration_s: 0.0,
                    length_m: 0.0,
                };
                ws.search(&router.csr, &[seed], &nodes);
                nodes
                    .iter()
                    .map(|&t| best(ws, &[(t, 0.0, 0.0)], None))
                    .collect::<Vec<_>>()
            },
        )
        .collect();
    Matrix::from_rows(sources.len(), targets.len(), rows)
}

/// The cheapest of arriving through one of `arrivals` or going straight along the edge.
fn best(
    ws: &Workspace,
    arrivals: &[(u32, Seconds, Metres)],
    straight: Option<(Seconds, Metres)>,
) -> Option<(Seconds, Metres)> {
    let mut best = straight;
    for &(node, d, l) in arrivals {
        let at = ws.duration_s[node as usize];
        if at.is_finite() && best.is_none_or(|b| at + d < b.0) {
            best = Some((at + d, ws.length_m[node as usize] + l));
        }
    }
    best
}
