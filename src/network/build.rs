//! Building a profile's graph from an extract: keep the ways the profile may use, split
//! them at junctions (nodes shared by two or more usable ways, and way ends), add one
//! directed edge per direction allowed, and keep the largest strongly connected
//! component so every node can reach every other.
//!
//! Nodes where something stands for the profile (a barrier it may not pass, traffic
//! signals; [`super::barriers`]) and the via nodes of turn restrictions are split at too,
//! so the router sees them as graph nodes. A barrier can be reached and turned back
//! from, never passed: the connectivity check treats each street piece ending there as
//! ending at its own dead end, so what lies only beyond a barrier is dropped.

use geo::{Coord, LineString};
use petgraph::graph::{DiGraph, NodeIndex};

use super::barriers::node_control;
use super::restrictions::{self, RestrictionReport, ViaWayRestriction};
use super::{EdgeData, NodeControl, NodeData, Profile, RoadGraph, TurnRestriction, WayRule};
use crate::formats::osm::{OsmData, OsmWay};
use crate::model::{Wgs84, Wgs84Point};
use crate::units::{haversine_m, Metres};

/// What the build made and what it dropped.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BuildReport {
    /// The profile the graph was built for.
    pub profile: Profile,
    /// Ways the profile may use.
    pub usable_ways: usize,
    /// Graph nodes (junctions and dead ends) kept.
    pub nodes: usize,
    /// Directed edges kept.
    pub edges: usize,
    /// Street length kept, each street piece counted once whatever its directions.
    pub length_m: Metres,
    /// Outside the largest strongly connected component.
    pub dropped_nodes: usize,
    /// Directed edges outside the largest strongly connected component.
    pub dropped_edges: usize,
    /// Street length outside it, counted like `length_m`.
    pub dropped_length_m: Metres,
    /// How many strongly connected components there were.
    pub components: usize,
    /// Way node references missing from the extract (skipped).
    pub missing_node_refs: usize,
    /// Graph nodes with a barrier the profile may not pass ([`NodeControl::Barrier`]).
    pub barrier_nodes: usize,
    /// Graph nodes with traffic signals ([`NodeControl::TrafficSignals`]).
    pub signal_nodes: usize,
    /// What became of the extract's turn restrictions.
    pub restrictions: RestrictionReport,
    /// The options the graph was built with (part of what identifies it, like `profile`).
    pub options: BuildOptions,
}

/// Choices a build makes beyond the profile.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct BuildOptions {
    /// Compounds closed for the night: gates (`barrier=gate|lift_gate|swing_gate|...`,
    /// `entrance=*`) bar every traveller unless tagged open all night (`access=yes`,
    /// `opening_hours=24/7`). Off by default (daytime inspections).
    pub gates_closed: bool,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} network: {} nodes, {} edges, {:.1} km of street from {} ways; dropped outside the largest connected part: {} nodes, {} edges, {:.1} km ({} parts)",
            self.profile,
            self.nodes,
            self.edges,
            self.length_m / 1000.0,
            self.usable_ways,
            self.dropped_nodes,
            self.dropped_edges,
            self.dropped_length_m / 1000.0,
            self.components,
        )?;
        if self.missing_node_refs > 0 {
            write!(
                f,
                "; {} way node references missing from the extract were skipped",
                self.missing_node_refs
            )?;
        }
        write!(
            f,
            "; {} barrier nodes closed to it, {} traffic signals; {}",
            self.barrier_nodes, self.signal_nodes, self.restrictions
        )?;
        if self.options.gates_closed {
            f.write_str("; gates closed for the night")?;
        }
        Ok(())
    }
}

/// Where the build is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildStage {
    /// Splitting ways into street pieces (done/total in ways).
    Ways,
    /// Finding the largest strongly connected component.
    Components,
    /// Building the snapping index.
    Index,
}

/// A progress report for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildProgress {
    /// The stage being worked on.
    pub stage: BuildStage,
    /// Units of the stage finished so far (ways for [`BuildStage::Ways`]).
    pub done: u64,
    /// Units the stage has in all; `done == total` when it is finished.
    pub total: u64,
}

/// Why no network could be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// No way in the extract has a `highway` class the profile may travel (with access
    /// allowed), so there is nothing to build a graph from.
    #[error("the extract has no way usable by the {0} profile (no highway it may travel)")]
    NoUsableWays(Profile),
}

/// One street piece between two junctions, along one way.
struct Piece {
    from: u32,
    to: u32,
    way: usize,
    rule: WayRule,
    coords: Vec<Coord<f64>>,
    length_m: Metres,
}

/// A built graph with what the build did and the turn restrictions on its edges.
pub struct Built {
    /// The routable graph.
    pub graph: RoadGraph,
    /// What the build kept and dropped.
    pub report: BuildReport,
    /// Turn restrictions binding the profile, on `graph`'s edges.
    pub restrictions: Vec<TurnRestriction>,
    /// Restrictions along via ways binding the profile, on `graph`'s edges.
    pub via_way_restrictions: Vec<ViaWayRestriction>,
}

/// Builds the graph, its report and its turn restrictions (see the module docs).
pub fn build_graph(
    osm: &OsmData,
    profile: Profile,
    options: &BuildOptions,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<Built, BuildError> {
    let usable: Vec<(usize, WayRule, Vec<usize>)> = osm
        .ways
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let rule = profile.way_rule(&w.tags)?;
            let nodes = present_nodes(osm, w);
            (nodes.len() >= 2).then_some((i, rule, nodes))
        })
        .collect();
    if usable.is_empty() {
        return Err(BuildError::NoUsableWays(profile));
    }
    let vias: Vec<usize> = restrictions::via_nodes(osm, profile)
        .into_iter()
        .filter_map(|id| osm.node_position(id))
        .collect();
    let split = split_ways(
        osm,
        &usable,
        &Splits {
            profile,
            options,
            vias: &vias,
        },
        progress,
    );
    progress(BuildProgress {
        stage: BuildStage::Components,
        done: 0,
        total: 1,
    });
    let kept = largest_component(&split);
    progress(BuildProgress {
        stage: BuildStage::Components,
        done: 1,
        total: 1,
    });
    let mut report = BuildReport {
        profile,
        usable_ways: usable.len(),
        components: kept.components,
        missing_node_refs: osm.missing_node_refs,
        options: *options,
        ..Default::default()
    };
    let graph = assemble(osm, &split, &kept, &mut report);
    let resolved = restrictions::resolve(osm, profile, &graph);
    report.restrictions = resolved.report;
    Ok(Built {
        graph,
        report,
        restrictions: resolved.turns,
        via_way_restrictions: resolved.via_ways,
    })
}

/// Indices into `osm.nodes` of a way's nodes present in the extract, without repeats of
/// the same node in a row.
fn present_nodes(osm: &OsmData, way: &OsmWay) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(way.refs.len());
    for &r in &way.refs {
        if let Some(i) = osm.node_position(r) {
            if out.last() != Some(&i) {
                out.push(i);
            }
        }
    }
    out
}

/// What, besides shared nodes and way ends, splits ways.
struct Splits<'a> {
    profile: Profile,
    options: &'a BuildOptions,
    /// Via nodes of turn restrictions (indices into `osm.nodes`).
    vias: &'a [usize],
}

/// Ways cut into pieces at junctions.
struct Split {
    /// The junctions, as indices into `osm.nodes`.
    junctions: Vec<usize>,
    /// What stands at each junction.
    controls: Vec<NodeControl>,
    /// The pieces, whose ends are indices into `junctions`.
    pieces: Vec<Piece>,
}

/// Splits usable ways at junctions: nodes shared by two usable ways, way ends, nodes
/// with a barrier or signals for the profile, and restriction via nodes. Only the
/// tagged nodes of usable ways are looked at, so the extra split costs little.
fn split_ways(
    osm: &OsmData,
    usable: &[(usize, WayRule, Vec<usize>)],
    splits: &Splits,
    progress: &mut dyn FnMut(BuildProgress),
) -> Split {
    let mut uses = vec![0u8; osm.nodes.len()];
    let mut control_at: Vec<(usize, NodeControl)> = Vec::new();
    for (_, _, nodes) in usable {
        for &n in nodes {
            if uses[n] == 0 && !osm.nodes[n].tags.is_empty() {
                let control = node_control(splits.profile, &osm.nodes[n].tags, splits.options);
                if control != NodeControl::Free {
                    control_at.push((n, control));
                }
            }
            uses[n] = uses[n].saturating_add(1);
        }
        // Way ends are junctions even when only one way uses them.
        for end in [nodes[0], nodes[nodes.len() - 1]] {
            uses[end] = uses[end].saturating_add(1);
        }
    }
    for &n in control_at.iter().map(|(n, _)| n).chain(splits.vias) {
        if uses[n] > 0 {
            uses[n] = uses[n].max(2);
        }
    }
    let mut junction_of = vec![u32::MAX; osm.nodes.len()];
    let mut junctions = Vec::new();
    let mut junction = |n: usize| {
        if junction_of[n] == u32::MAX {
            junction_of[n] = junctions.len() as u32;
            junctions.push(n);
        }
        junction_of[n]
    };
    let coord = |n: usize| Coord {
        x: osm.nodes[n].lon,
        y: osm.nodes[n].lat,
    };
    let mut pieces = Vec::new();
    let total = usable.len() as u64;
    for (done, (way, rule, nodes)) in usable.iter().enumerate() {
        let mut start = 0;
        for k in 1..nodes.len() {
            if uses[nodes[k]] < 2 && k + 1 < nodes.len() {
                continue;
            }
            let coords: Vec<Coord<f64>> = nodes[start..=k].iter().map(|&n| coord(n)).collect();
            let length_m = coords
                .windows(2)
                .map(|w| haversine_m((w[0].x, w[0].y), (w[1].x, w[1].y)))
                .sum();
            let (from, to) = (junction(nodes[start]), junction(nodes[k]));
            if from != to || length_m > 0.0 {
                pieces.push(Piece {
                    from,
                    to,
                    way: *way,
                    rule: *rule,
                    coords,
                    length_m,
                });
            }
            start = k;
        }
        if done % 1024 == 0 {
            progress(BuildProgress {
                stage: BuildStage::Ways,
                done: done as u64,
                total,
            });
        }
    }
    progress(BuildProgress {
        stage: BuildStage::Ways,
        done: total,
        total,
    });
    let mut controls = vec![NodeControl::Free; junctions.len()];
    for (n, control) in control_at {
        if junction_of[n] != u32::MAX {
            controls[junction_of[n] as usize] = control;
        }
    }
    Split {
        junctions,
        controls,
        pieces,
    }
}

/// Which junctions and pieces the largest strongly connected component keeps.
struct Kept {
    nodes: Vec<bool>,
    pieces: Vec<bool>,
    components: usize,
}

/// Finds the largest strongly connected component. A barrier junction is not passable,
/// so each piece end at one gets a dead end of its own: a piece to a barrier is kept
/// when it can be driven there and back, and the barrier when one such piece is kept.
fn largest_component(split: &Split) -> Kept {
    let junctions = split.junctions.len();
    let is_barrier = |j: u32| split.controls[j as usize] == NodeControl::Barrier;
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(junctions, split.pieces.len() * 2);
    for _ in 0..junctions {
        g.add_node(());
    }
    let mut ends = Vec::with_capacity(split.pieces.len());
    for p in &split.pieces {
        let mut end = |j: u32| {
            if is_barrier(j) {
                g.add_node(())
            } else {
                NodeIndex::new(j as usize)
            }
        };
        let (a, b) = (end(p.from), end(p.to));
        if p.rule.forward {
            g.add_edge(a, b, ());
        }
        if p.rule.backward {
            g.add_edge(b, a, ());
        }
        ends.push((a, b));
    }
    // Kosaraju walks iteratively; petgraph's Tarjan recurses once per node on a path and
    // overflowed a test thread's stack on Heidelberg's drive graph.
    let components = petgraph::algo::kosaraju_scc(&g);
    let mut in_largest = vec![false; g.node_count()];
    if let Some(largest) = components.iter().max_by_key(|c| c.len()) {
        for n in largest {
            in_largest[n.index()] = true;
        }
    }
    let mut nodes = in_largest[..junctions].to_vec();
    let mut pieces = vec![false; split.pieces.len()];
    for (k, (p, (a, b))) in split.pieces.iter().zip(ends).enumerate() {
        pieces[k] = in_largest[a.index()] && in_largest[b.index()];
        if pieces[k] {
            nodes[p.from as usize] = true;
            nodes[p.to as usize] = true;
        }
    }
    // Barrier junctions themselves stand alone in `g`: not parts of the network.
    let barriers = (0..junctions as u32).filter(|&j| is_barrier(j)).count();
    Kept {
        nodes,
        pieces,
        components: components.len() - barriers,
    }
}

/// Which way along its way a signal stops traffic (`traffic_signals:direction`):
/// `Some(true)` along the way's node order only, `Some(false)` against it only, `None`
/// both ways (untagged, `both`, or a value not understood).
fn signal_direction(tags: &crate::formats::osm::Tags) -> Option<bool> {
    match tags.get("traffic_signals:direction") {
        Some("forward") => Some(true),
        Some("backward") => Some(false),
        _ => None,
    }
}

/// Builds the final graph from the kept pieces, filling in the report's counts.
fn assemble(osm: &OsmData, split: &Split, kept: &Kept, report: &mut BuildReport) -> RoadGraph {
    let mut graph = RoadGraph::default();
    let mut index = vec![NodeIndex::end(); split.junctions.len()];
    for (j, &n) in split.junctions.iter().enumerate() {
        if !kept.nodes[j] {
            report.dropped_nodes += 1;
            continue;
        }
        let node = &osm.nodes[n];
        let control = split.controls[j];
        match control {
            NodeControl::Barrier => report.barrier_nodes += 1,
            NodeControl::TrafficSignals => report.signal_nodes += 1,
            NodeControl::Free => {}
        }
        index[j] = graph.add_node(NodeData {
            osm_id: node.id,
            location: Wgs84Point::new(node.lon, node.lat),
            control,
        });
    }
    for (p, &keep) in split.pieces.iter().zip(&kept.pieces) {
        let directions = usize::from(p.rule.forward) + usize::from(p.rule.backward);
        if !keep {
            report.dropped_edges += directions;
            report.dropped_length_m += p.length_m;
            continue;
        }
        let (a, b) = (index[p.from as usize], index[p.to as usize]);
        let way = &osm.ways[p.way];
        // A signal tagged for one direction of the way stops only traffic going that way.
        let passes = |junction: u32, along_way: bool| {
            split.controls[junction as usize] == NodeControl::TrafficSignals
                && signal_direction(&osm.nodes[split.junctions[junction as usize]].tags)
                    .is_some_and(|forward| forward != along_way)
        };
        let data = |coords: Vec<Coord<f64>>, destination_only: bool, passes_signal| EdgeData {
            way_id: way.id,
            highway: way.tags.get("highway").unwrap_or_default().to_owned(),
            name: way.tags.get("name").map(str::to_owned),
            length_m: p.length_m,
            duration_s: p.length_m / (p.rule.speed_kmh / 3.6),
            geometry: Wgs84(LineString::new(coords)),
            twin: None,
            destination_only,
            passes_signal,
        };
        let fwd = p.rule.forward.then(|| {
            let passes_signal = passes(p.to, true);
            let along = data(
                p.coords.clone(),
                p.rule.forward_destination_only,
                passes_signal,
            );
            graph.add_edge(a, b, along)
        });
        let mut reversed = p.coords.clone();
        reversed.reverse();
        let bwd = p.rule.backward.then(|| {
            let passes_signal = passes(p.from, false);
            let against = data(reversed, p.rule.backward_destination_only, passes_signal);
            graph.add_edge(b, a, against)
        });
        if let (Some(f), Some(r)) = (fwd, bwd) {
            graph[f].twin = Some(r);
            graph[r].twin = Some(f);
        }
        report.length_m += p.length_m;
    }
    report.nodes = graph.node_count();
    report.edges = graph.edge_count();
    graph
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::formats::osm::{OsmNode, Tags};

    const DAY: BuildOptions = BuildOptions {
        gates_closed: false,
    };

    pub(crate) fn tags(t: &[(&str, &str)]) -> Tags {
        Tags(
            t.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// A node without tags.
    pub(crate) fn osm_node(id: i64, lon: f64, lat: f64) -> OsmNode {
        OsmNode {
            id,
            lon,
            lat,
            tags: Tags::default(),
        }
    }

    /// A way through `refs` with tags `t`.
    pub(crate) fn osm_way(id: i64, refs: Vec<i64>, t: &[(&str, &str)]) -> OsmWay {
        OsmWay {
            id,
            refs,
            tags: tags(t),
        }
    }

    /// A plus-shaped town: a two-way street 1-2-3 crossed by a one-way 4-2-5 (north),
    /// a two-way service road back from 5 via 7 to 4 (with a node 99 missing from the
    /// extract), and a one-way stub 3-6 that cannot be left.
    pub(crate) fn plus() -> OsmData {
        let node = osm_node;
        let nodes = vec![
            node(1, 116.350, 39.960),
            node(2, 116.351, 39.960),
            node(3, 116.352, 39.960),
            node(4, 116.351, 39.959),
            node(5, 116.351, 39.961),
            node(6, 116.353, 39.960),
            node(7, 116.352, 39.961),
        ];
        let way = osm_way;
        let ways = vec![
            way(
                10,
                vec![1, 2, 3],
                &[("highway", "residential"), ("name", "东街")],
            ),
            way(
                11,
                vec![4, 2, 5],
                &[("highway", "residential"), ("oneway", "yes")],
            ),
            way(12, vec![5, 99, 7, 4], &[("highway", "service")]),
            way(13, vec![3, 6], &[("highway", "service"), ("oneway", "yes")]),
            way(14, vec![1, 3], &[("building", "yes")]),
        ];
        OsmData::new(nodes, ways, Vec::new(), 0)
    }

    #[test]
    fn splits_at_junctions_and_keeps_the_strong_component() {
        let osm = plus();
        let Built {
            graph: g, report, ..
        } = build_graph(&osm, Profile::Drive, &DAY, &mut |_| {}).unwrap();
        // Junctions 1,2,3 (street), 4,5 (ways 11/12 ends); 6 is a one-way dead end: dropped.
        assert_eq!(report.nodes, 5, "{report}");
        assert_eq!(report.dropped_nodes, 1);
        assert_eq!(report.dropped_edges, 1);
        assert!((report.dropped_length_m - 85.3).abs() < 1.0, "{report}");
        assert_eq!(report.missing_node_refs, 1);
        // 1-2, 2-3 both ways (4) + 4->2, 2->5 (2) + 5-4 both ways (2).
        assert_eq!(report.edges, 8);
        for e in g.edge_indices() {
            let d = &g[e];
            assert!(d.length_m > 0.0 && d.duration_s > 0.0);
            let (a, b) = g.edge_endpoints(e).unwrap();
            let first = d.geometry.0 .0[0];
            assert_eq!((first.x, first.y), g[a].location.0.x_y());
            let last = d.geometry.0 .0.last().unwrap();
            assert_eq!((last.x, last.y), g[b].location.0.x_y());
            if let Some(t) = d.twin {
                assert_eq!(g.edge_endpoints(t), Some((b, a)));
                assert_eq!(g[t].twin, Some(e));
            }
        }
        let walk = build_graph(&osm, Profile::Walk, &DAY, &mut |_| {})
            .unwrap()
            .report;
        assert_eq!((walk.nodes, walk.dropped_nodes, walk.edges), (6, 0, 12));
    }

    #[test]
    fn no_roads_is_an_error() {
        let mut osm = plus();
        osm.ways.retain(|w| w.tags.get("highway").is_none());
        assert_eq!(
            build_graph(&osm, Profile::Walk, &DAY, &mut |_| {})
                .err()
                .unwrap(),
            BuildError::NoUsableWays(Profile::Walk)
        );
    }

    /// A ring road 1-3 (ways 20, and 21 through 4) and a compound: a service road from 3
    /// through node 2 (tagged `gate`) to 8 inside.
    fn compound(gate: &[(&str, &str)], at_4: &[(&str, &str)]) -> OsmData {
        let node = |id: i64, lon: f64, lat: f64, t: &[(&str, &str)]| OsmNode {
            id,
            lon,
            lat,
            tags: tags(t),
        };
        let nodes = vec![
            node(1, 116.350, 39.960, &[]),
            node(3, 116.352, 39.960, &[]),
            node(4, 116.351, 39.959, at_4),
            node(2, 116.352, 39.961, gate),
            node(8, 116.352, 39.962, &[]),
        ];
        let way = |id: i64, refs: Vec<i64>, t: &[(&str, &str)]| OsmWay {
            id,
            refs,
            tags: tags(t),
        };
        let ways = vec![
            way(20, vec![1, 3], &[("highway", "residential")]),
            way(21, vec![3, 4, 1], &[("highway", "residential")]),
            way(22, vec![3, 2, 8], &[("highway", "service")]),
        ];
        OsmData::new(nodes, ways, Vec::new(), 0)
    }

    fn built(osm: &OsmData, profile: Profile, options: &BuildOptions) -> Built {
        build_graph(osm, profile, options, &mut |_| {}).unwrap()
    }

    fn controls(g: &RoadGraph) -> Vec<(i64, NodeControl)> {
        let mut out: Vec<_> = g
            .node_indices()
            .map(|n| (g[n].osm_id, g[n].control))
            .collect();
        out.sort_by_key(|c| c.0);
        out
    }

    const NIGHT: BuildOptions = BuildOptions { gates_closed: true };

    #[test]
    fn an_open_gate_is_no_junction_and_a_closed_one_cuts_the_compound_off() {
        let osm = compound(&[("barrier", "gate")], &[]);
        for p in Profile::ALL {
            let day = built(&osm, p, &DAY);
            // Junctions 1, 3 (ring) and 8 (dead end); 2 is a plain vertex.
            assert_eq!(
                (day.report.nodes, day.report.edges),
                (3, 6),
                "{}",
                day.report
            );
            assert_eq!(day.report.barrier_nodes, 0);
            let night = built(&osm, p, &NIGHT);
            // 2 becomes a node, reached from 3 and left back to 3; 8 lies beyond it.
            let r = &night.report;
            assert_eq!((r.nodes, r.edges, r.barrier_nodes), (3, 6, 1), "{r}");
            assert_eq!((r.dropped_nodes, r.dropped_edges), (1, 2), "{r}");
            let gate = night
                .graph
                .node_indices()
                .find(|&n| night.graph[n].osm_id == 2);
            let gate = gate.unwrap();
            assert_eq!(night.graph[gate].control, NodeControl::Barrier);
            assert_eq!(night.graph.edges(gate).count(), 1, "only back to 3");
            assert!(r.to_string().contains("1 barrier nodes"), "{r}");
        }
        // Open all night: nothing changes.
        let open = compound(&[("barrier", "gate"), ("opening_hours", "24/7")], &[]);
        let open = built(&open, Profile::Walk, &NIGHT).report;
        assert_eq!((open.barrier_nodes, open.dropped_nodes), (0, 0));
    }

    #[test]
    fn a_bollard_stops_cars_only() {
        let osm = compound(&[("barrier", "bollard")], &[]);
        let drive = built(&osm, Profile::Drive, &DAY);
        assert_eq!(
            controls(&drive.graph),
            vec![
                (1, NodeControl::Free),
                (2, NodeControl::Barrier),
                (3, NodeControl::Free)
            ]
        );
        let walk = built(&osm, Profile::Walk, &DAY).report;
        assert_eq!((walk.barrier_nodes, walk.dropped_nodes), (0, 0));
        // A wall stops walkers too; a private gate stops both.
        for tags in [
            &[("barrier", "wall")][..],
            &[("barrier", "gate"), ("access", "private")],
        ] {
            let walk = built(&compound(tags, &[]), Profile::Walk, &DAY);
            assert_eq!((walk.report.nodes, walk.report.barrier_nodes), (3, 1));
        }
    }

    #[test]
    fn a_signal_for_one_direction_stops_only_traffic_going_that_way() {
        // Way 21 runs 3 -> 4 -> 1; the signal at 4 faces traffic along it.
        let edge_into_4 = |g: &RoadGraph, from: i64| {
            let e = g
                .edge_indices()
                .find(|&e| {
                    let (a, b) = g.edge_endpoints(e).unwrap();
                    (g[a].osm_id, g[b].osm_id) == (from, 4)
                })
                .unwrap();
            g[e].passes_signal
        };
        for (direction, along_passes, against_passes) in [
            ("forward", false, true),
            ("backward", true, false),
            ("both", false, false),
        ] {
            let osm = compound(
                &[],
                &[
                    ("highway", "traffic_signals"),
                    ("traffic_signals:direction", direction),
                ],
            );
            for p in Profile::ALL {
                let g = built(&osm, p, &DAY).graph;
                assert_eq!(edge_into_4(&g, 3), along_passes, "{direction} {p} along");
                assert_eq!(
                    edge_into_4(&g, 1),
                    against_passes,
                    "{direction} {p} against"
                );
            }
        }
    }

    #[test]
    fn signals_split_ways_for_the_profiles_they_control() {
        let signals = compound(&[], &[("highway", "traffic_signals")]);
        for p in Profile::ALL {
            let b = built(&signals, p, &DAY);
            assert_eq!((b.report.nodes, b.report.edges), (4, 8), "{p}");
            assert_eq!(b.report.signal_nodes, 1);
            assert!(controls(&b.graph).contains(&(4, NodeControl::TrafficSignals)));
        }
        let crossing = compound(
            &[],
            &[("highway", "crossing"), ("crossing", "traffic_signals")],
        );
        let walk = built(&crossing, Profile::Walk, &DAY).report;
        assert_eq!((walk.nodes, walk.signal_nodes), (4, 1));
        let drive = built(&crossing, Profile::Drive, &DAY).report;
        assert_eq!((drive.nodes, drive.signal_nodes), (3, 0));
        // A signal on a way the profile may not use is not looked at.
        let mut footway = signals.clone();
        footway.ways[1].tags = tags(&[("highway", "footway")]);
        let drive = built(&footway, Profile::Drive, &DAY).report;
        assert_eq!(drive.signal_nodes, 0);
    }

    #[test]
    fn build_with_options_closes_gates_through_the_network() {
        let osm = compound(&[("barrier", "lift_gate")], &[]);
        let night = crate::network::RoadNetwork::build_with(&osm, Profile::Drive, &NIGHT).unwrap();
        assert_eq!(night.report.barrier_nodes, 1);
        assert!(night.report.options.gates_closed);
        assert!(night
            .report
            .to_string()
            .ends_with("gates closed for the night"));
        let day = crate::network::RoadNetwork::build(&osm, Profile::Drive).unwrap();
        assert_eq!(day.report.barrier_nodes, 0);
    }
}
