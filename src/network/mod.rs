//! The road network: one directed `petgraph` graph per travel profile, built from
//! OpenStreetMap ways. Nodes are junctions and dead ends; an edge runs between two of
//! them along one way and keeps its geometry, length and travel time.
//!
//! Building happens once ([`build`]), snapping sites onto edges uses an `rstar` index
//! ([`snap`]), and [`crate::routing`] answers queries on the built graph.

use geo::LineString;
use petgraph::graph::{DiGraph, EdgeIndex};
use serde::{Deserialize, Serialize};

use crate::model::{Wgs84, Wgs84Point};
use crate::units::{Metres, Seconds};

/// How a team travels: the profile decides which ways are usable and how fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    #[default]
    Walk,
    Drive,
}

/// A junction or dead end of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeData {
    /// The OpenStreetMap node id.
    pub osm_id: i64,
    pub location: Wgs84Point,
}

/// A directed street piece between two nodes, along one OpenStreetMap way.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeData {
    pub way_id: i64,
    /// The way's `highway` tag (`residential`, `footway`, ...).
    pub highway: String,
    pub name: Option<String>,
    pub length_m: Metres,
    pub duration_s: Seconds,
    /// From the edge's source node to its target node.
    pub geometry: Wgs84<LineString<f64>>,
    /// The opposite direction of the same street piece, where it may be travelled both ways.
    pub twin: Option<EdgeIndex>,
}

/// The routable graph of one travel profile.
pub type RoadGraph = DiGraph<NodeData, EdgeData>;
