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

pub use matrix::Matrix;

/// A built network ready for queries.
#[derive(Debug, Clone)]
pub struct Router {
    network: RoadNetwork,
    costs: turns::TurnCosts,
    csr: csr::Csr,
}

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
        Self {
            network,
            costs,
            csr,
        }
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

    /// Snaps a point onto the network (see [`crate::network::SnapIndex::snap`]).
    pub fn snap(&self, point: Wgs84Point, max_snap_m: Metres) -> Result<Snap, SnapError> {
        self.network.snap(point, max_snap_m)
    }

    /// The fastest route from `from` to `to`, `None` when there is none.
    pub fn route(&self, from: &Snap, to: &Snap) -> Option<Route> {
        route::route(self, from, to)
    }

    /// Durations and lengths from every source to every target, in parallel.
    pub fn matrix(&self, sources: &[Snap], targets: &[Snap]) -> Matrix {
        matrix::snap_matrix(self, sources, targets)
    }

    /// Durations and lengths between graph nodes (e.g. junctions of a street sweep).
    pub fn node_matrix(&self, sources: &[NodeIndex], targets: &[NodeIndex]) -> Matrix {
        matrix::node_matrix(self, sources, targets)
    }
}
