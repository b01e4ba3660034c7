//! Shortest paths on a built [`RoadNetwork`]: one-to-one routes between snapped sites
//! ([`Router::route`]) and many-to-many matrices, parallel across cores
//! ([`Router::matrix`]).
//!
//! Like OSRM, the network is built once and queried many times: [`Router::new`] turns
//! the petgraph model into a compact adjacency array ([`csr::Csr`]) that every query
//! walks. Routes optimise travel time and report the length of the fastest path. Sites
//! sit in the middle of edges, so a route starts and ends with part of an edge; on a
//! two-way street a site may leave and arrive either way.
//!
//! ```
//! use gridpatrol::network::{Profile, RoadNetwork};
//! use gridpatrol::routing::Router;
//! use gridpatrol::Wgs84Point;
//! let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
//! let osm = gridpatrol::formats::osm::read_bytes(&bytes, "sample").unwrap();
//! let router = Router::new(RoadNetwork::build(&osm, Profile::Walk).unwrap());
//! let a = router.snap(Wgs84Point::new(116.3520, 39.9590), 500.0).unwrap();
//! let b = router.snap(Wgs84Point::new(116.3600, 39.9630), 500.0).unwrap();
//! let route = router.route(&a, &b).unwrap();
//! assert!(route.distance_m > 700.0 && route.duration_s > 500.0);
//! let m = router.matrix(&[a, b], &[a, b]);
//! assert_eq!(m.duration_s(0, 1), Some(route.duration_s));
//! assert_eq!(m.duration_s(1, 1), Some(0.0));
//! ```

pub mod ch;
pub mod csr;
pub mod dijkstra;
pub mod endpoints;
pub mod matrix;
pub mod route;
pub mod turns;

use petgraph::graph::{EdgeIndex, NodeIndex};

use crate::model::{Wgs84, Wgs84Point};
use crate::network::{RoadNetwork, Snap, SnapError};
use crate::units::{Metres, Seconds};

pub use matrix::{BandReader, Matrix, MatrixBands};

/// A built network ready for queries.
#[derive(Clone)]
pub struct Router {
    network: RoadNetwork,
    costs: turns::TurnCosts,
    csr: csr::Csr,
    /// Per road edge, whether its search node is in the largest strongly connected part
    /// of `csr` (see [`csr::Csr::in_largest_component`]): the pieces sites snap onto.
    connected: Vec<bool>,
    /// The contraction hierarchy of `csr`, built on the first big matrix (or loaded).
    hierarchy: std::sync::OnceLock<ch::Hierarchy>,
    /// Told when the hierarchy has been built, e.g. to keep it in a cache.
    on_hierarchy_built: Option<HierarchyBuilt>,
}

/// A listener for [`Router::on_hierarchy_built`]: the hierarchy and how long it took.
pub type HierarchyBuilt = std::sync::Arc<dyn Fn(&ch::Hierarchy, std::time::Duration) + Send + Sync>;

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("profile", &self.network.profile)
            .field("costs", &self.costs)
            .field("query_nodes", &self.csr.node_count())
            .field("has_hierarchy", &self.has_hierarchy())
            .finish_non_exhaustive()
    }
}

/// Why a router did not take a hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HierarchyRefused {
    /// It was built for a graph of another size.
    #[error("the hierarchy was built for another graph ({built} nodes; this one has {graph})")]
    OtherGraph {
        /// Nodes of the graph it was built for.
        built: usize,
        /// Nodes of this router's graph.
        graph: usize,
    },
    /// The router has one already.
    #[error("the router has a hierarchy already")]
    InUse,
}

/// Matrices with at least this many pairs are answered by the contraction hierarchy:
/// below it one plain search per source costs less than building the hierarchy.
pub const HIERARCHY_MIN_PAIRS: usize = 250 * 250;

/// One route between two snapped sites.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Length along the fastest path.
    pub distance_m: Metres,
    /// Travel time in seconds, the quantity the route minimises.
    pub duration_s: Seconds,
    /// From the start's snapped point to the end's, along the streets.
    pub geometry: Wgs84<geo::LineString<f64>>,
    /// The edges travelled, in order, including the partly travelled first and last.
    pub edges: Vec<EdgeIndex>,
}

impl Router {
    /// Prepares a network for queries with the profile's default turn costs (builds
    /// the turn-aware graph once).
    pub fn new(network: RoadNetwork) -> Self {
        let costs = turns::TurnCosts::default_for(network.profile);
        Self::with_costs(network, costs)
    }

    /// Prepares a network for queries with the given turn and signal costs.
    pub fn with_costs(network: RoadNetwork, costs: turns::TurnCosts) -> Self {
        let csr = turns::edge_based_csr(&network, &costs);
        let mut connected = csr.in_largest_component();
        connected.truncate(network.graph.edge_count());
        Self {
            network,
            costs,
            csr,
            connected,
            hierarchy: std::sync::OnceLock::new(),
            on_hierarchy_built: None,
        }
    }

    /// The contraction hierarchy of the query graph, built now if it was not yet (the
    /// listener set by [`Router::on_hierarchy_built`] then hears of it).
    pub fn hierarchy(&self) -> &ch::Hierarchy {
        let mut took = None;
        let hierarchy = self.hierarchy.get_or_init(|| {
            let started = std::time::Instant::now();
            let built = ch::Hierarchy::build(&self.csr);
            took = Some(started.elapsed());
            built
        });
        if let (Some(took), Some(listener)) = (took, &self.on_hierarchy_built) {
            listener(hierarchy, took);
        }
        hierarchy
    }

    /// Calls `listener` when this router builds its hierarchy (not when one is given by
    /// [`Router::use_hierarchy`]): the store keeps it in the routing cache this way.
    pub fn on_hierarchy_built(
        &mut self,
        listener: impl Fn(&ch::Hierarchy, std::time::Duration) + Send + Sync + 'static,
    ) {
        self.on_hierarchy_built = Some(std::sync::Arc::new(listener));
    }

    /// Whether the hierarchy is built (or loaded) already.
    pub fn has_hierarchy(&self) -> bool {
        self.hierarchy.get().is_some()
    }

    /// Uses a hierarchy built earlier for this very query graph (from a cache). Refused
    /// when it does not fit the graph, or when one is in use already.
    pub fn use_hierarchy(&self, hierarchy: ch::Hierarchy) -> Result<(), HierarchyRefused> {
        let (built, graph) = (hierarchy.node_count(), self.csr.node_count());
        if built != graph {
            return Err(HierarchyRefused::OtherGraph { built, graph });
        }
        self.hierarchy
            .set(hierarchy)
            .map_err(|_| HierarchyRefused::InUse)
    }

    /// A fingerprint of the query graph (nodes, turns, their costs): a hierarchy cached
    /// under it fits this router, and any change of extract, profile or costs changes it.
    pub fn graph_fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"gridpatrol query graph 1");
        h.update(self.network.profile.name().as_bytes());
        for v in &self.csr.first_out {
            h.update(v.to_le_bytes());
        }
        for v in &self.csr.head {
            h.update(v.to_le_bytes());
        }
        for v in &self.csr.weight_s {
            h.update(v.to_le_bytes());
        }
        for v in &self.csr.length_m {
            h.update(v.to_le_bytes());
        }
        hex::encode(&h.finalize()[..12])
    }

    /// The turn and signal costs routes pay.
    pub fn costs(&self) -> &turns::TurnCosts {
        &self.costs
    }

    /// The network routed on.
    pub fn network(&self) -> &RoadNetwork {
        &self.network
    }

    /// The turn-aware query graph (see [`turns`]): node `i` is the road graph's edge `i`.
    pub fn csr(&self) -> &csr::Csr {
        &self.csr
    }

    /// Snaps a point onto the nearest street piece that routes reach and leave: one in
    /// the largest strongly connected part of the turn-aware graph, in either direction
    /// of a two-way street (as OSRM avoids its tiny components). A piece that turn
    /// restrictions seal off is passed over for the next street within `max_snap_m`;
    /// failing one, the point goes to the nearest piece (see
    /// [`crate::network::SnapIndex::snap_where`]).
    pub fn snap(&self, point: Wgs84Point, max_snap_m: Metres) -> Result<Snap, SnapError> {
        let graph = &self.network.graph;
        let connected = |e: EdgeIndex| self.connected.get(e.index()).copied().unwrap_or(false);
        self.network.snap_where(point, max_snap_m, |e| {
            connected(e) || graph[e].twin.is_some_and(connected)
        })
    }

    /// The fastest route from `from` to `to`, `None` when there is none.
    pub fn route(&self, from: &Snap, to: &Snap) -> Option<Route> {
        route::route(self, from, to)
    }

    /// Durations and lengths from every source to every target, in parallel: by the
    /// contraction hierarchy for big matrices (see [`HIERARCHY_MIN_PAIRS`]) or once it
    /// is built, else by one search per source. Both give the same answers.
    pub fn matrix(&self, sources: &[Snap], targets: &[Snap]) -> Matrix {
        matrix::snap_matrix(self, sources, targets)
    }

    /// The same matrix as [`Router::matrix`], answered a band of source rows at a time
    /// when asked (see [`MatrixBands`]): for writing a matrix too big to hold twice.
    ///
    /// ```
    /// # let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
    /// # let osm = gridpatrol::formats::osm::read_bytes(&bytes, "sample").unwrap();
    /// # let router = gridpatrol::routing::Router::new(
    /// #     gridpatrol::network::RoadNetwork::build(&osm, gridpatrol::network::Profile::Walk).unwrap());
    /// use gridpatrol::Wgs84Point;
    /// let sites: Vec<_> = [(116.3520, 39.9590), (116.3600, 39.9630), (116.3550, 39.9610)]
    ///     .iter()
    ///     .map(|&(lon, lat)| router.snap(Wgs84Point::new(lon, lat), 500.0).unwrap())
    ///     .collect();
    /// let whole = router.matrix(&sites, &sites);
    /// let bands = router.matrix_bands(&sites, &sites);
    /// let last_two = bands.band(1..3);
    /// assert_eq!(last_two.duration_s(1, 0), whole.duration_s(2, 0));
    /// ```
    pub fn matrix_bands(&self, sources: &[Snap], targets: &[Snap]) -> MatrixBands<'_> {
        MatrixBands::new(self, sources, targets, matrix::Engine::Auto)
    }

    /// Like [`Router::matrix`], always by one plain search per source (the oracle the
    /// hierarchy is checked against).
    pub fn matrix_by_dijkstra(&self, sources: &[Snap], targets: &[Snap]) -> Matrix {
        matrix::snap_matrix_by(self, sources, targets, matrix::Engine::Dijkstra)
    }

    /// Durations and lengths between graph nodes (e.g. junctions of a street sweep).
    pub fn node_matrix(&self, sources: &[NodeIndex], targets: &[NodeIndex]) -> Matrix {
        matrix::node_matrix(self, sources, targets)
    }
}
