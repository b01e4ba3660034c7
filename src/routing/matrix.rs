//! Many-to-many matrices on the turn-aware graph: one early-stopping Dijkstra per
//! source, sources spread over the cores with rayon, labels reused per thread.

use petgraph::graph::NodeIndex;
use rayon::prelude::*;

use super::ch::Buckets;
use super::dijkstra::{Seed, Workspace};
use super::endpoints::{direct, same_junction, Endpoint};
use super::turns::duration_of_weight;
use super::Router;
use crate::network::{RoadGraph, Snap};
use crate::units::{Metres, Seconds};

/// Travel durations and lengths from each source (row) to each target (column),
/// `None` where a target cannot be reached.
///
/// Each pair is kept to the millisecond and millimetre in 8 bytes, so a 3 000 × 3 000
/// matrix holds 72 MB. Durations stay below 2^20 s (12 days) once the routing weight's
/// penalties are removed; lengths above 4 294 km (beyond any township's roads) are capped
/// there.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    /// Number of rows.
    pub sources: usize,
    /// Number of columns (the row stride of the cells).
    pub targets: usize,
    /// Row-major, `sources * targets` cells.
    cells: Vec<Cell>,
}

impl Matrix {
    /// Fastest travel time from `source` to `target` in seconds, `None` when unreachable.
    /// Both indices must be in range (`source < sources`, `target < targets`).
    pub fn duration_s(&self, source: usize, target: usize) -> Option<Seconds> {
        self.cells[source * self.targets + target].duration_s()
    }
    /// Length in metres of that fastest path, `None` when unreachable.
    /// Both indices must be in range (`source < sources`, `target < targets`).
    pub fn distance_m(&self, source: usize, target: usize) -> Option<Metres> {
        self.cells[source * self.targets + target].length_m()
    }
    /// Every duration, row-major.
    pub fn durations_s(&self) -> impl ExactSizeIterator<Item = Option<Seconds>> + '_ {
        self.cells.iter().map(|c| c.duration_s())
    }
    /// Every length, row-major.
    pub fn distances_m(&self) -> impl ExactSizeIterator<Item = Option<Metres>> + '_ {
        self.cells.iter().map(|c| c.length_m())
    }
    /// The durations as rows (for JSON).
    pub fn duration_rows(&self) -> Vec<Vec<Option<Seconds>>> {
        rows(self.durations_s(), self.targets)
    }
    /// The lengths as rows (for JSON).
    pub fn distance_rows(&self) -> Vec<Vec<Option<Metres>>> {
        rows(self.distances_m(), self.targets)
    }
}

/// One pair's answer in thousandths: milliseconds and millimetres, `u32::MAX` for none.
/// Thousandths also make a plan the same whichever search answered: the hierarchy and
/// the plain search add the same pieces in another order, and a last-bit difference must
/// not change a plan that depends on whether a hierarchy happened to be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    duration_ms: u32,
    length_mm: u32,
}

impl Cell {
    const NONE: Cell = Cell {
        duration_ms: u32::MAX,
        length_mm: u32::MAX,
    };

    /// The cell of a searched pair: (routing weight, length), the weight's penalties
    /// removed.
    fn of(found: Option<(Seconds, Metres)>) -> Self {
        found.map_or(Self::NONE, |(weight, length_m)| Cell {
            duration_ms: thousandths(duration_of_weight(weight)),
            length_mm: thousandths(length_m),
        })
    }

    fn duration_s(self) -> Option<Seconds> {
        (self != Self::NONE).then(|| f64::from(self.duration_ms) / 1000.0)
    }

    fn length_m(self) -> Option<Metres> {
        (self != Self::NONE).then(|| f64::from(self.length_mm) / 1000.0)
    }
}

/// `x` in thousandths, rounded and capped below the "none" mark.
fn thousandths(x: f64) -> u32 {
    (x * 1000.0).round().clamp(0.0, f64::from(u32::MAX - 1)) as u32
}

/// `x` kept to three decimals (a millisecond, a millimetre): what matrices and routes
/// report, the same whichever search found them.
pub(super) fn to_thousandths(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn rows<T>(mut flat: impl ExactSizeIterator<Item = T>, width: usize) -> Vec<Vec<T>> {
    if width == 0 {
        return Vec::new();
    }
    let height = flat.len() / width;
    (0..height)
        .map(|_| flat.by_ref().take(width).collect())
        .collect()
}

/// One target: the search nodes it can be reached through, with the cost of the last piece.
struct Target {
    endpoint: Endpoint,
    arrivals: Vec<(u32, Seconds, Metres)>,
}

/// How a matrix is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    /// The hierarchy when the matrix is big or the hierarchy is built, else Dijkstra.
    Auto,
    /// One plain search per source.
    Dijkstra,
}

pub(super) fn snap_matrix(router: &Router, sources: &[Snap], targets: &[Snap]) -> Matrix {
    snap_matrix_by(router, sources, targets, Engine::Auto)
}

pub(super) fn snap_matrix_by(
    router: &Router,
    sources: &[Snap],
    targets: &[Snap],
    engine: Engine,
) -> Matrix {
    let bands = MatrixBands::new(router, sources, targets, engine);
    bands.band(0..bands.sources())
}

/// A matrix answered a band of source rows at a time ([`Router::matrix_bands`]): a
/// program writing a big matrix out holds one band, not the whole. Each band equals
/// those rows of [`Router::matrix`]; the hierarchy's target searches are done once.
pub struct MatrixBands<'a> {
    router: &'a Router,
    sources: Vec<Endpoint>,
    targets: Vec<Endpoint>,
    /// The targets' side of the hierarchy's many-to-many; `None`: plain searches.
    buckets: Option<Buckets>,
}

impl<'a> MatrixBands<'a> {
    pub(super) fn new(
        router: &'a Router,
        sources: &[Snap],
        targets: &[Snap],
        engine: Engine,
    ) -> Self {
        let graph = &router.network.graph;
        let of = |s: &Snap| Endpoint::of_snap(graph, s);
        let sources: Vec<Endpoint> = sources.iter().map(of).collect();
        let targets: Vec<Endpoint> = targets.iter().map(of).collect();
        let big = sources.len() * targets.len() >= super::HIERARCHY_MIN_PAIRS;
        let buckets = (engine == Engine::Auto && (big || router.has_hierarchy())).then(|| {
            let arrivals: Vec<Vec<(u32, Seconds, Metres)>> = targets
                .iter()
                .map(|t| t.arrivals(graph, &router.csr))
                .collect();
            router.hierarchy().target_buckets(&arrivals)
        });
        Self {
            router,
            sources,
            targets,
            buckets,
        }
    }

    /// How many source rows.
    pub fn sources(&self) -> usize {
        self.sources.len()
    }

    /// How many target columns.
    pub fn targets(&self) -> usize {
        self.targets.len()
    }

    /// The matrix of the source rows `rows` (clamped to the sources) to every target.
    pub fn band(&self, rows: std::ops::Range<usize>) -> Matrix {
        let end = rows.end.min(self.sources.len());
        let sources = &self.sources[rows.start.min(end)..end];
        match &self.buckets {
            Some(buckets) => hierarchy_matrix(self.router, buckets, sources, &self.targets),
            None => endpoint_matrix(self.router, sources, &self.targets),
        }
    }
}

/// Pairs a [`BandReader`] holds at once: 4 MB of cells.
const BAND_PAIRS: usize = 1 << 19;

/// Reads [`MatrixBands`] pair by pair, in row order, holding one band of rows: a writer
/// asking for every pair row by row gets the whole matrix while memory holds 4 MB of it.
/// Reading the rows again (a second array of the same matrix) answers them again.
pub struct BandReader<'b, 'a> {
    bands: &'b MatrixBands<'a>,
    rows_per_band: usize,
    /// The first row of the band held, and the band.
    band: std::cell::RefCell<(usize, Matrix)>,
}

impl<'b, 'a> BandReader<'b, 'a> {
    /// A reader holding bands of about 2^19 pairs (4 MB) at most.
    pub fn new(bands: &'b MatrixBands<'a>) -> Self {
        Self {
            bands,
            rows_per_band: (BAND_PAIRS / bands.targets().max(1)).max(1),
            band: std::cell::RefCell::new((usize::MAX, Matrix::default())),
        }
    }

    /// As [`Matrix::duration_s`].
    pub fn duration_s(&self, source: usize, target: usize) -> Option<Seconds> {
        self.with_row(source, |m, row| m.duration_s(row, target))
    }

    /// As [`Matrix::distance_m`].
    pub fn distance_m(&self, source: usize, target: usize) -> Option<Metres> {
        self.with_row(source, |m, row| m.distance_m(row, target))
    }

    /// `read` on the band holding `source` and the source's row in it.
    fn with_row<T>(&self, source: usize, read: impl FnOnce(&Matrix, usize) -> T) -> T {
        let first = source / self.rows_per_band * self.rows_per_band;
        let mut band = self.band.borrow_mut();
        if band.0 != first {
            *band = (first, self.bands.band(first..first + self.rows_per_band));
        }
        read(&band.1, source - first)
    }
}

/// The matrix by the contraction hierarchy's bucket many-to-many (the targets' side in
/// `buckets`), with the turn-free cases (same junction, straight along one piece) taken
/// as the plain search takes them.
fn hierarchy_matrix(
    router: &Router,
    buckets: &Buckets,
    sources: &[Endpoint],
    targets: &[Endpoint],
) -> Matrix {
    let graph = &router.network.graph;
    let seeds: Vec<Vec<Seed>> = sources
        .iter()
        .map(|s| {
            s.seeds(graph, &router.csr)
                .into_iter()
                .map(|x| x.0)
                .collect()
        })
        .collect();
    let mut cells = vec![Cell::NONE; sources.len() * targets.len()];
    router
        .hierarchy()
        .rows_to(buckets, &seeds, &mut cells, |i, found, row| {
            let s = &sources[i];
            for ((cell, t), &found) in row.iter_mut().zip(targets).zip(found) {
                *cell = Cell::of(with_turn_free(graph, s, t, found));
            }
        });
    Matrix {
        sources: sources.len(),
        targets: targets.len(),
        cells,
    }
}

/// A searched answer with the turn-free cases (same junction, straight along one piece)
/// taken as the plain search takes them.
fn with_turn_free(
    graph: &RoadGraph,
    s: &Endpoint,
    t: &Endpoint,
    found: Option<(Seconds, Metres)>,
) -> Option<(Seconds, Metres)> {
    if same_junction(s, t).is_some() {
        return Some((0.0, 0.0));
    }
    match direct(graph, s, t) {
        Some(d) if found.is_none_or(|c| d.duration_s <= c.0) => Some((d.duration_s, d.length_m)),
        _ => found,
    }
}

pub(super) fn node_matrix(router: &Router, sources: &[NodeIndex], targets: &[NodeIndex]) -> Matrix {
    let graph = &router.network.graph;
    let at = |n: &NodeIndex| Endpoint::at_node(graph, *n);
    endpoint_matrix(
        router,
        &sources.iter().map(at).collect::<Vec<_>>(),
        &targets.iter().map(at).collect::<Vec<_>>(),
    )
}

/// The matrix between endpoints: one search per source on the turn-aware graph.
pub(super) fn endpoint_matrix(
    router: &Router,
    sources: &[Endpoint],
    targets: &[Endpoint],
) -> Matrix {
    let graph = &router.network.graph;
    let targets: Vec<Target> = targets
        .iter()
        .map(|t| Target {
            arrivals: t.arrivals(graph, &router.csr),
            endpoint: t.clone(),
        })
        .collect();
    let nodes: Vec<u32> = targets
        .iter()
        .flat_map(|t| t.arrivals.iter().map(|a| a.0))
        .collect();
    let mut cells = vec![Cell::NONE; sources.len() * targets.len()];
    // Filled in place, row by row: a 3 000 × 3 000 matrix is 9 M cells.
    cells
        .par_chunks_mut(targets.len().max(1))
        .zip(sources.par_iter())
        .for_each_init(
            || Workspace::new(router.csr.node_count()),
            |ws, (row, s)| {
                let seeds: Vec<Seed> = s
                    .seeds(graph, &router.csr)
                    .into_iter()
                    .map(|x| x.0)
                    .collect();
                ws.search(&router.csr, &seeds, &nodes);
                for (cell, t) in row.iter_mut().zip(&targets) {
                    let straight =
                        || direct(graph, s, &t.endpoint).map(|d| (d.duration_s, d.length_m));
                    *cell = Cell::of(match same_junction(s, &t.endpoint) {
                        Some(_) => Some((0.0, 0.0)),
                        None => best(ws, &t.arrivals, straight()),
                    });
                }
            },
        );
    Matrix {
        sources: sources.len(),
        targets: targets.len(),
        cells,
    }
}

/// The cheapest of arriving through one of `arrivals` or going straight along the edge.
fn best(
    ws: &Workspace,
    arrivals: &[(u32, Seconds, Metres)],
    straight: Option<(Seconds, Metres)>,
) -> Option<(Seconds, Metres)> {
    let mut best = straight;
    for &(node, d, l) in arrivals {
        let at = ws.weight_s[node as usize];
        if at.is_finite() && best.is_none_or(|b| at + d < b.0) {
            best = Some((at + d, ws.length_m[node as usize] + l));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Profile, RoadNetwork};
    use crate::routing::endpoints::partial;
    use crate::routing::turns::TurnCosts;
    use petgraph::graph::EdgeIndex;
    use rand::{Rng, SeedableRng};

    /// The sample's network as a plain junction graph: no turn costs, no barriers, no
    /// restrictions (what petgraph's Dijkstra knows).
    fn sample(profile: Profile) -> Router {
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let osm = crate::formats::osm::read_bytes(&bytes, "sample").unwrap();
        let mut network = RoadNetwork::build(&osm, profile).unwrap();
        network.restrictions.clear();
        for n in network.graph.node_weights_mut() {
            n.control = crate::network::NodeControl::Free;
        }
        Router::with_costs(network, TurnCosts::FREE)
    }

    /// Where a site touches the junction graph: (junction, seconds, metres) to leave or
    /// arrive through it.
    fn junction_ends(router: &Router, e: &Endpoint, leaving: bool) -> Vec<(NodeIndex, f64, f64)> {
        let g = &router.network().graph;
        if let Some(n) = e.node {
            return vec![(n, 0.0, 0.0)];
        }
        let on = if leaving { &e.leave } else { &e.arrive };
        on.iter()
            .map(|o| {
                let (tail, head) = g.edge_endpoints(o.edge).unwrap();
                if leaving {
                    let (d, l) = partial(g, o.edge, o.offset_m, g[o.edge].length_m);
                    (head, d, l)
                } else {
                    let (d, l) = partial(g, o.edge, 0.0, o.offset_m);
                    (tail, d, l)
                }
            })
            .collect()
    }

    /// The oracle: plain Dijkstra on the junction graph (petgraph's own), which with no
    /// turn costs and no restrictions must give the turn-aware search's durations.
    fn oracle(router: &Router, a: &Endpoint, b: &Endpoint) -> Option<f64> {
        let g = &router.network().graph;
        let mut best = direct(g, a, b).map(|d| d.duration_s);
        for (from, d0, _) in junction_ends(router, a, true) {
            let dist = petgraph::algo::dijkstra(g, from, None, |e| e.weight().duration_s);
            for (to, d1, _) in junction_ends(router, b, false) {
                if let Some(mid) = dist.get(&to) {
                    let total = d0 + mid + d1;
                    if best.is_none_or(|b| total < b) {
                        best = Some(total);
                    }
                }
            }
        }
        best
    }

    /// Sites at junctions, near them, and in the middle of streets.
    fn endpoints(router: &Router, seed: u64, n: usize) -> Vec<Endpoint> {
        let g = &router.network().graph;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|i| {
                let e = EdgeIndex::new(rng.gen_range(0..g.edge_count()));
                let length_m = g[e].length_m;
                let offset_m = match i % 3 {
                    0 => 0.0,
                    1 => length_m - rng.gen_range(0.0..1.0f64).min(length_m),
                    _ => rng.gen_range(0.0..=length_m),
                };
                let point = g[e].geometry.0 .0[0];
                let snap = crate::network::Snap {
                    edge: e,
                    offset_m,
                    point: crate::Wgs84Point::new(point.x, point.y),
                    snap_m: 0.0,
                };
                Endpoint::of_snap(g, &snap)
            })
            .collect()
    }

    #[test]
    fn cells_keep_thousandths_and_never_confuse_far_with_unreachable() {
        let c = Cell::of(Some((12.3456, 7.0004)));
        assert_eq!((c.duration_s(), c.length_m()), (Some(12.346), Some(7.0)));
        assert_eq!(c.duration_s(), Some(to_thousandths(12.3456)));
        assert_eq!(Cell::of(None).duration_s(), None);
        assert_eq!(Cell::of(None).length_m(), None);
        assert_eq!(Cell::of(Some((0.0, 0.0))).duration_s(), Some(0.0));
        let far = Cell::of(Some((1e6, 1e10)));
        assert_eq!(far.duration_s(), Some(1e6));
        assert_eq!(far.length_m(), Some(f64::from(u32::MAX - 1) / 1000.0));
        let penalised = crate::routing::turns::DESTINATION_ENTRY_S + 5.0;
        assert_eq!(Cell::of(Some((penalised, 9.0))).duration_s(), Some(5.0));
    }

    #[test]
    fn the_hierarchy_answers_as_the_plain_search_with_turn_costs() {
        for profile in Profile::ALL {
            let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
            let osm = crate::formats::osm::read_bytes(&bytes, "sample").unwrap();
            let router = Router::new(RoadNetwork::build(&osm, profile).unwrap());
            let ends = endpoints(&router, 5, 60);
            let plain = endpoint_matrix(&router, &ends, &ends);
            let arrivals: Vec<_> = ends
                .iter()
                .map(|t| t.arrivals(&router.network.graph, &router.csr))
                .collect();
            let buckets = router.hierarchy().target_buckets(&arrivals);
            let fast = hierarchy_matrix(&router, &buckets, &ends, &ends);
            // Answered in two bands against the same buckets, the rows are the same.
            let split = ends.len() / 3;
            let (top, bottom) = (
                hierarchy_matrix(&router, &buckets, &ends[..split], &ends),
                hierarchy_matrix(&router, &buckets, &ends[split..], &ends),
            );
            let banded: Vec<_> = top.durations_s().chain(bottom.durations_s()).collect();
            assert_eq!(banded, fast.durations_s().collect::<Vec<_>>(), "{profile}");
            for (k, (a, b)) in plain.durations_s().zip(fast.durations_s()).enumerate() {
                match (a, b) {
                    (Some(x), Some(y)) => {
                        assert!((x - y).abs() <= 5e-4, "{profile} cell {k}: {x} vs {y}")
                    }
                    _ => assert_eq!(a.is_some(), b.is_some(), "{profile} cell {k}"),
                }
            }
        }
    }

    #[test]
    fn matches_plain_dijkstra_at_junctions_and_on_streets() {
        for profile in Profile::ALL {
            let router = sample(profile);
            let ends = endpoints(&router, 11, 45);
            assert!(ends.iter().any(|e| e.node.is_some()) && ends.iter().any(|e| e.node.is_none()));
            let m = endpoint_matrix(&router, &ends, &ends);
            for (i, a) in ends.iter().enumerate() {
                for (j, b) in ends.iter().enumerate() {
                    let want = oracle(&router, a, b);
                    let got = m.duration_s(i, j);
                    match (got, want) {
                        (Some(x), Some(y)) => assert!(
                            (x - y).abs() <= 5e-4,
                            "{profile} {i}->{j}: {x} vs oracle {y}"
                        ),
                        _ => assert_eq!(got.is_some(), want.is_some(), "{profile} {i}->{j}"),
                    }
                    if i < 6 && j < 6 {
                        let r = crate::routing::route::route_between(&router, a, b)
                            .map(|r| r.duration_s);
                        assert_eq!(r, got, "{profile} route {i}->{j}");
                    }
                }
            }
        }
    }
}
