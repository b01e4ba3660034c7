//! 拉网式 street sweeps: a walking route that covers every street piece of a grid cell,
//! as short as it can be, cut into shifts.
//!
//! - [`graph`]: the cell's undirected multigraph (streets clipped to the polygon are
//!   required, those around it are optional connectors);
//! - [`postman`]: the rural postman circuit (connect the pieces, match odd nodes);
//! - [`matching`]: exact matching by subsets (up to 20 odd nodes) and the greedy-plus-
//!   exchange heuristic (the fallback);
//! - [`blossom`]: the exact minimum-weight perfect matching (Edmonds) on all pairs (up
//!   to 3000 odd nodes), and beyond that on near neighbours, priced against all pairs;
//! - [`euler`]: Hierholzer's Euler circuit;
//! - [`split`]: the circuit cut into shifts that start and end at the start point;
//! - [`output`]: the plan as JSON and GeoJSON.
//!
//! [`plan_cell`] runs all of it on a cell of the walking [`RoadGraph`].
//!
//! ```
//! use geo::{Coord, LineString};
//! use gridpatrol::sweep::{graph::{SweepEdge, SweepGraph}, plan, SweepOptions};
//! // A triangle of 100 m streets and a 50 m dead end: the dead end is walked twice.
//! let c = |x: f64| Coord { x, y: 0.0 };
//! let edge = |from, to, length_m| SweepEdge {
//!     from, to, length_m, required: true, name: None, way_id: 0,
//!     geometry: LineString::new(vec![c(from as f64), c(to as f64)]),
//! };
//! let g = SweepGraph::new(
//!     vec![c(0.0), c(1.0), c(2.0), c(3.0)],
//!     vec![edge(0, 1, 100.0), edge(1, 2, 100.0), edge(2, 0, 100.0), edge(2, 3, 50.0)],
//! ).unwrap();
//! let sweep = plan(&g, None, &SweepOptions::default()).unwrap();
//! assert_eq!(sweep.required_m, 350.0);
//! assert_eq!(sweep.total_m, 400.0);
//! ```

pub mod blossom;
pub mod euler;
pub mod graph;
pub mod matching;
pub mod output;
pub mod paths;
pub mod postman;
pub mod split;

use geo::{Coord, LineString, MultiLineString};
use thiserror::Error;

use crate::model::{Cell, Wgs84, Wgs84Point};
use crate::network::RoadGraph;
use crate::units::{Metres, Seconds};
use graph::{ClipOptions, SweepGraph};
use paths::Dijkstra;
use postman::{PostmanOptions, Traversal};
use split::StepInfo;

/// Why a sweep cannot be planned.
#[derive(Debug, Error)]
pub enum SweepError {
    /// No required street piece to sweep (or none reachable from the start).
    #[error("the cell has no streets to sweep: no walkable way lies inside its polygon")]
    NoStreets,
    /// One sweeping step, with the walks from the start and back, is longer than a shift.
    #[error(
        "a shift of {limit_m:.0} m is too short: one piece of street with the walks there and back takes {needed_m:.0} m; allow longer shifts or start nearer"
    )]
    ShiftTooShort {
        /// The length that shift would need, walks there and back included, in metres.
        needed_m: Metres,
        /// The shift limit asked for, in metres ([`SweepOptions::shift_limit_m`]).
        limit_m: Metres,
    },
    /// A hand-built [`SweepGraph`] is malformed; the text says which edge and why.
    #[error("invalid sweep graph: {0}")]
    InvalidGraph(String),
    /// A step that cannot fail did; the text says which (a bug to report).
    #[error("internal sweep error (a bug): {0}")]
    Internal(String),
}

/// What a sweep plan is asked for.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// Length of one shift, in minutes of walking.
    pub shift_minutes: f64,
    /// Walking speed.
    pub speed_kmh: f64,
    /// How far around the cell connectors are looked for.
    pub margin_m: Metres,
    /// How the rural postman circuit is solved (matching sizes and methods).
    pub postman: PostmanOptions,
}

impl Default for SweepOptions {
    fn default() -> Self {
        Self {
            shift_minutes: 180.0,
            speed_kmh: 4.5,
            margin_m: 300.0,
            postman: PostmanOptions::default(),
        }
    }
}

impl SweepOptions {
    /// The most one shift may walk.
    pub fn shift_limit_m(&self) -> Metres {
        self.speed_kmh * 1000.0 / 60.0 * self.shift_minutes
    }
}

/// One step of a shift: a graph edge walked in a direction, sweeping or deadheading.
pub type Step = Traversal;

/// Consecutive steps along the same street name.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetRun {
    /// The street's name; `None` for unnamed ways (consecutive ones form one run).
    pub name: Option<String>,
    /// Walking length of the run, sweeping and deadheading, in metres.
    pub length_m: Metres,
    /// The part of `length_m` that sweeps streets (the rest is deadheading).
    pub swept_m: Metres,
}

/// One shift: from the start point, along part of the circuit, and back.
#[derive(Debug, Clone)]
pub struct Shift {
    /// Everything the shift walks, the walks to and from the start included, in metres.
    pub length_m: Metres,
    /// Walking time at [`SweepOptions::speed_kmh`], in seconds.
    pub duration_s: Seconds,
    /// Street length swept by this shift.
    pub swept_m: Metres,
    /// The edges walked, in order (indices into the sweep graph).
    pub steps: Vec<Step>,
    /// The steps grouped by street, for directions a walker can follow.
    pub streets: Vec<StreetRun>,
    /// The walked line, start point to start point.
    pub geometry: Wgs84<LineString<f64>>,
}

/// A planned sweep.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// Required street length swept (the lower bound of `total_m`).
    pub required_m: Metres,
    /// Everything walked, including the walks to and from the start.
    pub total_m: Metres,
    /// `total_m - required_m`: walking that sweeps nothing new.
    pub deadhead_m: Metres,
    /// Street length inside the cell that no walkable way reaches (not swept).
    pub unreachable_m: Metres,
    /// The start point as snapped to the street graph, and how far it moved.
    pub start: Wgs84Point,
    /// Straight-line distance from the asked start point to `start`, in metres.
    pub start_snap_m: Metres,
    /// Odd-degree nodes that had to be paired (after the connectors were added).
    pub odd_nodes: usize,
    /// The pairing is a proven optimum, so `matching_m` equals its lower bound.
    pub matching_exact: bool,
    /// Which algorithm paired the odd nodes.
    pub matching_method: postman::MatchingMethod,
    /// Walking added to pair the odd nodes, and a lower bound on its optimum.
    pub matching_m: Metres,
    /// A lower bound on the optimal pairing's walking (see
    /// [`postman::PostmanTour::matching_lower_bound_m`]).
    pub matching_lower_bound_m: Metres,
    /// Walking added to join disconnected pieces of street.
    pub connector_m: Metres,
    /// Disconnected pieces of street inside the cell, before joining.
    pub components: usize,
    /// The circuit cut into shifts, each starting and ending at `start`.
    pub shifts: Vec<Shift>,
}

impl SweepPlan {
    /// `total_m / required_m`; 1.0 is the lower bound.
    pub fn ratio(&self) -> f64 {
        if self.required_m > 0.0 {
            self.total_m / self.required_m
        } else {
            1.0
        }
    }

    /// The whole route, one line per shift.
    pub fn geometry(&self) -> Wgs84<MultiLineString<f64>> {
        Wgs84(MultiLineString::new(
            self.shifts.iter().map(|s| s.geometry.0.clone()).collect(),
        ))
    }

    /// The street pieces this sweep covers, each once: what a recorded sweep adds to
    /// "street metres swept".
    pub fn swept_geometry(&self, graph: &SweepGraph) -> Wgs84<MultiLineString<f64>> {
        Wgs84(MultiLineString::new(
            self.shifts
                .iter()
                .flat_map(|s| s.steps.iter())
                .filter(|s| s.service)
                .map(|s| graph.edge(s.edge).geometry.clone())
                .collect(),
        ))
    }
}

/// Plans the sweep of `cell` on the walking network, from `start` (or from a street
/// node of the cell when `None`). Returns the cell's graph with the plan, whose steps
/// index into it.
pub fn plan_cell(
    road: &RoadGraph,
    cell: &Cell,
    start: Option<Wgs84Point>,
    options: &SweepOptions,
) -> Result<(SweepGraph, SweepPlan), SweepError> {
    let clip = ClipOptions {
        margin_m: options.margin_m,
        include: start.map(|p| p.0.into()),
    };
    let graph = SweepGraph::from_road(road, &cell.area.0, &clip);
    let plan = plan(&graph, start.map(|p| p.0.into()), options)?;
    Ok((graph, plan))
}

/// Plans the sweep of the required edges of `graph` from `start` (`(lon, lat)`).
pub fn plan(
    graph: &SweepGraph,
    start: Option<Coord<f64>>,
    options: &SweepOptions,
) -> Result<SweepPlan, SweepError> {
    let tour = postman::solve(graph, start, &options.postman)?;
    let mut dj = Dijkstra::new(graph.node_count());
    dj.run(graph, &[(tour.start_node, 0)], |_, _| false);
    let infos: Vec<StepInfo> = tour
        .circuit
        .iter()
        .map(|t| {
            let e = graph.edge(t.edge);
            let (from, to) = if t.forward {
                (e.from, e.to)
            } else {
                (e.to, e.from)
            };
            StepInfo {
                from,
                to,
                length_m: e.length_m,
                service: t.service,
            }
        })
        .collect();
    let cuts = split::split(&infos, &|v| dj.dist_m(v), options.shift_limit_m())?;
    let speed_mps = options.speed_kmh / 3.6;
    let shifts: Vec<Shift> = cuts
        .iter()
        .map(|c| {
            let mut steps: Vec<Step> = dj
                .path_to(graph, infos[c.first].from)
                .into_iter()
                .map(deadhead)
                .collect();
            steps.extend_from_slice(&tour.circuit[c.first..=c.last]);
            steps.extend(
                paths::reversed(&dj.path_to(graph, infos[c.last].to))
                    .into_iter()
                    .map(deadhead),
            );
            make_shift(graph, steps, speed_mps)
        })
        .collect();
    let total_m: Metres = shifts.iter().map(|s| s.length_m).sum();
    Ok(SweepPlan {
        required_m: tour.required_m,
        total_m,
        deadhead_m: total_m - tour.required_m,
        unreachable_m: tour.unreachable_m,
        start: Wgs84(graph.node(tour.start_node).into()),
        start_snap_m: tour.start_snap_m,
        odd_nodes: tour.odd_nodes,
        matching_exact: tour.matching_exact,
        matching_method: tour.matching_method,
        matching_m: tour.matching_m,
        matching_lower_bound_m: tour.matching_lower_bound_m,
        connector_m: tour.connector_m,
        components: tour.components,
        shifts,
    })
}

fn deadhead((edge, forward): paths::PathStep) -> Step {
    Traversal {
        edge,
        forward,
        service: false,
    }
}

fn make_shift(graph: &SweepGraph, steps: Vec<Step>, speed_mps: f64) -> Shift {
    let mut coords: Vec<Coord<f64>> = Vec::new();
    let mut streets: Vec<StreetRun> = Vec::new();
    let (mut length_m, mut swept_m) = (0.0, 0.0);
    for s in &steps {
        let e = graph.edge(s.edge);
        let piece: Box<dyn Iterator<Item = &Coord<f64>>> = if s.forward {
            Box::new(e.geometry.0.iter())
        } else {
            Box::new(e.geometry.0.iter().rev())
        };
        for c in piece {
            if coords.last() != Some(c) {
                coords.push(*c);
            }
        }
        let swept = if s.service { e.length_m } else { 0.0 };
        length_m += e.length_m;
        swept_m += swept;
        match streets.last_mut() {
            Some(run) if run.name == e.name => {
                run.length_m += e.length_m;
                run.swept_m += swept;
            }
            _ => streets.push(StreetRun {
                name: e.name.clone(),
                length_m: e.length_m,
                swept_m: swept,
            }),
        }
    }
    Shift {
        length_m,
        duration_s: length_m / speed_mps,
        swept_m,
        steps,
        streets,
        geometry: Wgs84(LineString::new(coords)),
    }
}
