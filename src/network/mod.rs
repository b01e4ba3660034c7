//! The road network: one directed `petgraph` graph per travel profile, built from
//! OpenStreetMap ways. Nodes are junctions and dead ends; an edge runs between two of
//! them along one way and keeps its geometry, length and travel time.
//!
//! Building happens once ([`build`]), snapping sites onto edges uses an `rstar` index
//! ([`snap`]), and [`crate::routing`] answers queries on the built graph.

pub mod barriers;
pub mod build;
pub mod export;
pub mod profile;
pub mod restrictions;
pub mod snap;

use geo::LineString;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::model::{Wgs84, Wgs84Point};
use crate::units::{Metres, Seconds};

/// How a team travels: the profile decides which ways are usable and how fast.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// On foot at walking speed, both ways along every street a pedestrian may use
    /// (the default: inspections are mostly on foot).
    #[default]
    Walk,
    /// By car, obeying one-way streets and access tags, at class speeds or `maxspeed`.
    Drive,
}

/// A junction or dead end of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeData {
    /// The OpenStreetMap node id.
    pub osm_id: i64,
    /// Where the node is (WGS-84, as in the extract).
    pub location: Wgs84Point,
    /// What stands at the node, as far as travelling through it goes.
    pub control: NodeControl,
}

/// What stands at a node for one profile: passing through may cost time or be barred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeControl {
    /// Nothing that slows or stops a traveller.
    #[default]
    Free,
    /// Traffic signals (`highway=traffic_signals`, or a signalled crossing on foot): a
    /// delay for going through.
    TrafficSignals,
    /// A barrier this profile may not pass (a gate, bollard, lift gate... closed to it):
    /// a traveller reaching it can only turn back.
    Barrier,
}

/// A turn restriction resolved onto the graph (`type=restriction` relations that apply
/// to the profile, `except` taken into account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnRestriction {
    /// The relation it comes from (for reports).
    pub relation_id: i64,
    /// The edge arriving at `via`.
    pub from: EdgeIndex,
    /// The junction where the turn happens.
    pub via: NodeIndex,
    /// The edge leaving `via`.
    pub to: EdgeIndex,
    /// `no_*` forbids this turn; `only_*` forbids every other turn from `from` at `via`.
    pub kind: RestrictionKind,
}

/// Whether a restriction forbids its turn or makes it the only one allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestrictionKind {
    /// `no_left_turn`, `no_u_turn`, ...: the turn `from -> to` is forbidden.
    No,
    /// `only_straight_on`, ...: from `from` at `via`, only `to` may be taken.
    Only,
}

/// A directed street piece between two nodes, along one OpenStreetMap way.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeData {
    /// The OpenStreetMap way this piece was cut from.
    pub way_id: i64,
    /// The way's `highway` tag (`residential`, `footway`, ...).
    pub highway: String,
    /// The way's `name` tag (street names in sweep shifts and exports); `None` when untagged.
    pub name: Option<String>,
    /// Length along the geometry (haversine, metres).
    pub length_m: Metres,
    /// Travel time in seconds at the profile's speed for this way (`length_m / speed`).
    pub duration_s: Seconds,
    /// From the edge's source node to its target node.
    pub geometry: Wgs84<LineString<f64>>,
    /// The opposite direction of the same street piece, where it may be travelled both ways.
    pub twin: Option<EdgeIndex>,
    /// Open only to reach a place on it (`motor_vehicle=destination`...): a route may
    /// start or end on such streets but not cut through them (see [`crate::routing::turns`]).
    pub destination_only: bool,
    /// The edge ends at traffic signals tagged for the other direction only
    /// (`traffic_signals:direction`): travelling along it does not stop there.
    pub passes_signal: bool,
}

/// The routable graph of one travel profile.
pub type RoadGraph = DiGraph<NodeData, EdgeData>;

pub use build::{BuildError, BuildOptions, BuildProgress, BuildReport, BuildStage};
pub use profile::WayRule;
pub use restrictions::{RestrictionReport, SkippedRestrictions, ViaWayRestriction};
pub use snap::{Snap, SnapError, SnapIndex, DEFAULT_MAX_SNAP_M};

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown profile name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown travel profile {0:?}: expected walk or drive")]
pub struct UnknownProfile(pub String);

impl std::str::FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "walk" | "foot" => Ok(Profile::Walk),
            "drive" | "car" => Ok(Profile::Drive),
            _ => Err(UnknownProfile(s.to_string())),
        }
    }
}

/// A built network: the graph of one profile, what the build did, and the snapping index.
///
/// ```
/// use gridpatrol::network::{Profile, RoadNetwork};
/// let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
/// let osm = gridpatrol::formats::osm::read_bytes(&bytes, "sample").unwrap();
/// let net = RoadNetwork::build(&osm, Profile::Walk).unwrap();
/// assert_eq!(net.graph.node_count(), net.report.nodes);
/// let snap = net.snap(gridpatrol::Wgs84Point::new(116.3557, 39.9611), 500.0).unwrap();
/// assert!(snap.snap_m < 500.0);
/// ```
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    /// The travel profile the graph was built for.
    pub profile: Profile,
    /// The routable graph: the largest strongly connected part of the usable ways.
    pub graph: RoadGraph,
    /// What the build kept and dropped.
    pub report: BuildReport,
    /// Turn restrictions on `graph`'s edges (empty for profiles they do not bind).
    pub restrictions: Vec<TurnRestriction>,
    /// Restrictions along via ways on `graph`'s edges (the turn-aware graph gives each
    /// path a state of its own).
    pub via_way_restrictions: Vec<ViaWayRestriction>,
    /// The R-tree that places points onto `graph`'s edges.
    pub snapper: SnapIndex,
}

impl RoadNetwork {
    /// Builds the network of `profile` from an extract (default [`BuildOptions`]).
    pub fn build(osm: &crate::formats::osm::OsmData, profile: Profile) -> Result<Self, BuildError> {
        Self::build_with_progress(osm, profile, &mut |_| {})
    }

    /// Like [`RoadNetwork::build`], with build options (gates closed for the night...).
    pub fn build_with(
        osm: &crate::formats::osm::OsmData,
        profile: Profile,
        options: &BuildOptions,
    ) -> Result<Self, BuildError> {
        Self::build_with_options_and_progress(osm, profile, options, &mut |_| {})
    }

    /// Like [`RoadNetwork::build`], reporting progress (for a progress bar).
    pub fn build_with_progress(
        osm: &crate::formats::osm::OsmData,
        profile: Profile,
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<Self, BuildError> {
        Self::build_with_options_and_progress(osm, profile, &BuildOptions::default(), progress)
    }

    /// [`RoadNetwork::build_with`] reporting progress.
    pub fn build_with_options_and_progress(
        osm: &crate::formats::osm::OsmData,
        profile: Profile,
        options: &BuildOptions,
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<Self, BuildError> {
        let build::Built {
            graph,
            report,
            restrictions,
            via_way_restrictions,
        } = build::build_graph(osm, profile, options, progress)?;
        progress(BuildProgress {
            stage: BuildStage::Index,
            done: 0,
            total: 1,
        });
        let snapper = SnapIndex::new(&graph);
        progress(BuildProgress {
            stage: BuildStage::Index,
            done: 1,
            total: 1,
        });
        Ok(Self {
            profile,
            graph,
            report,
            restrictions,
            via_way_restrictions,
            snapper,
        })
    }

    /// Snaps a point onto the nearest usable edge (see [`SnapIndex::snap`]).
    pub fn snap(&self, point: Wgs84Point, max_snap_m: Metres) -> Result<Snap, SnapError> {
        self.snapper.snap(&self.graph, point, max_snap_m)
    }

    /// Snaps a point onto the nearest edge `usable` accepts (see
    /// [`SnapIndex::snap_where`]).
    pub fn snap_where(
        &self,
        point: Wgs84Point,
        max_snap_m: Metres,
        usable: impl Fn(EdgeIndex) -> bool,
    ) -> Result<Snap, SnapError> {
        self.snapper
            .snap_where(&self.graph, point, max_snap_m, usable)
    }
}
