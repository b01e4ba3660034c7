//! Building a profile's graph from an extract: keep the ways the profile may use, split
//! them at junctions (nodes shared by two or more usable ways, and way ends), add one
//! directed edge per direction allowed, and keep the largest strongly connected
//! component so every node can reach every other.

use geo::{Coord, LineString};
use petgraph::graph::{DiGraph, NodeIndex};

use super::{EdgeData, NodeControl, NodeData, Profile, RoadGraph, WayRule};
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

/// Builds the graph and the report (see the module docs).
pub fn build_graph(
    osm: &OsmData,
    profile: Profile,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<(RoadGraph, BuildReport), BuildError> {
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
    let (junctions, pieces) = split_ways(osm, &usable, progress);
    progress(BuildProgress {
        stage: BuildStage::Components,
        done: 0,
        total: 1,
    });
    let (keep, components) = largest_component(junctions.len(), &pieces);
    progress(BuildProgress {
        stage: BuildStage::Components,
        done: 1,
        total: 1,
    });
    let mut report = BuildReport {
        profile,
        usable_ways: usable.len(),
        components,
        missing_node_refs: osm.missing_node_refs,
        ..Default::default()
    };
    let graph = assemble(osm, &junctions, &pieces, &keep, &mut report);
    Ok((graph, report))
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

/// Splits usable ways at junctions. Returns the junctions (as indices into `osm.nodes`)
/// and the pieces, whose ends are indices into that junction list.
fn split_ways(
    osm: &OsmData,
    usable: &[(usize, WayRule, Vec<usize>)],
    progress: &mut dyn FnMut(BuildProgress),
) -> (Vec<usize>, Vec<Piece>) {
    let mut uses = vec![0u8; osm.nodes.len()];
    for (_, _, nodes) in usable {
        for &n in nodes {
            uses[n] = uses[n].saturating_add(1);
        }
        // Way ends are junctions even when only one way uses them.
        for end in [nodes[0], nodes[nodes.len() - 1]] {
            uses[end] = uses[end].saturating_add(1);
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
    (junctions, pieces)
}

/// Which junctions belong to the largest strongly connected component, and how many
/// components there were.
fn largest_component(junctions: usize, pieces: &[Piece]) -> (Vec<bool>, usize) {
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(junctions, pieces.len() * 2);
    for _ in 0..junctions {
        g.add_node(());
    }
    for p in pieces {
        let (a, b) = (
            NodeIndex::new(p.from as usize),
            NodeIndex::new(p.to as usize),
        );
        if p.rule.forward {
            g.add_edge(a, b, ());
        }
        if p.rule.backward {
            g.add_edge(b, a, ());
        }
    }
    let components = petgraph::algo::tarjan_scc(&g);
    let mut keep = vec![false; junctions];
    if let Some(largest) = components.iter().max_by_key(|c| c.len()) {
        for n in largest {
            keep[n.index()] = true;
        }
    }
    (keep, components.len())
}

/// Builds the final graph from the kept pieces, filling in the report's counts.
fn assemble(
    osm: &OsmData,
    junctions: &[usize],
    pieces: &[Piece],
    keep: &[bool],
    report: &mut BuildReport,
) -> RoadGraph {
    let mut graph = RoadGraph::default();
    let mut index = vec![NodeIndex::end(); junctions.len()];
    for (j, &n) in junctions.iter().enumerate() {
        if keep[j] {
            let node = &osm.nodes[n];
            index[j] = graph.add_node(NodeData {
                osm_id: node.id,
                location: Wgs84Point::new(node.lon, node.lat),
                control: NodeControl::Free,
            });
        } else {
            report.dropped_nodes += 1;
        }
    }
    for p in pieces {
        let directions = usize::from(p.rule.forward) + usize::from(p.rule.backward);
        if !(keep[p.from as usize] && keep[p.to as usize]) {
            report.dropped_edges += directions;
            report.dropped_length_m += p.length_m;
            continue;
        }
        let (a, b) = (index[p.from as usize], index[p.to as usize]);
        let way = &osm.ways[p.way];
        let data = |coords: Vec<Coord<f64>>| EdgeData {
            way_id: way.id,
            highway: way.tags.get("highway").unwrap_or_default().to_owned(),
            name: way.tags.get("name").map(str::to_owned),
            length_m: p.length_m,
            duration_s: p.length_m / (p.rule.speed_kmh / 3.6),
            geometry: Wgs84(LineString::new(coords)),
            twin: None,
        };
        let fwd = p
            .rule
            .forward
            .then(|| graph.add_edge(a, b, data(p.coords.clone())));
        let mut reversed = p.coords.clone();
        reversed.reverse();
        let bwd = p
            .rule
            .backward
            .then(|| graph.add_edge(b, a, data(reversed)));
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

    pub(crate) fn tags(t: &[(&str, &str)]) -> Tags {
        Tags(
            t.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// A plus-shaped town: a two-way street 1-2-3 crossed by a one-way 4-2-5 (north),
    /// a two-way service road back from 5 via 7 to 4 (with a node 99 missing from the
    /// extract), and a one-way stub 3-6 that cannot be left.
    pub(crate) fn plus() -> OsmData {
        let node = |id: i64, lon: f64, lat: f64| OsmNode {
            id,
            lon,
            lat,
            tags: Tags::default(),
        };
        let nodes = vec![
            node(1, 116.350, 39.960),
            node(2, 116.351, 39.960),
            node(3, 116.352, 39.960),
            node(4, 116.351, 39.959),
            node(5, 116.351, 39.961),
            node(6, 116.353, 39.960),
            node(7, 116.352, 39.961),
        ];
        let way = |id: i64, refs: Vec<i64>, t: &[(&str, &str)]| OsmWay {
            id,
            refs,
            tags: tags(t),
        };
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
        let (g, report) = build_graph(&osm, Profile::Drive, &mut |_| {}).unwrap();
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
        let walk = build_graph(&osm, Profile::Walk, &mut |_| {}).unwrap().1;
        assert_eq!((walk.nodes, walk.dropped_nodes, walk.edges), (6, 0, 12));
    }

    #[test]
    fn no_roads_is_an_error() {
        let mut osm = plus();
        osm.ways.retain(|w| w.tags.get("highway").is_none());
        assert_eq!(
            build_graph(&osm, Profile::Walk, &mut |_| {}).unwrap_err(),
            BuildError::NoUsableWays(Profile::Walk)
        );
    }
}
