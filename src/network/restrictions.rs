//! Turn restrictions: `type=restriction` relations read for one profile and resolved onto
//! the built graph's edges. A `from` way, `via` node, `to` way restriction becomes turns
//! at one junction ([`TurnRestriction`]); one whose `via` is one or more ways becomes a
//! path of edges ([`ViaWayRestriction`]) that the turn-aware graph gives a state of its
//! own. The rest (time-dependent ones, members outside the extract...) are skipped and
//! counted by reason in a [`RestrictionReport`].

use std::collections::{HashMap, HashSet};

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::{Profile, RestrictionKind, RoadGraph, TurnRestriction};
use crate::formats::osm::{MemberKind, OsmData, OsmRelation};

/// What became of the extract's turn restrictions for one profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RestrictionReport {
    /// Relations resolved onto the graph.
    pub applied: usize,
    /// Turn restrictions they gave (a relation may give several, one per edge pair; a
    /// via-way relation one per path of edges from `from` to `to`).
    pub turns: usize,
    /// Of the applied relations, those whose `via` is one or more ways.
    pub via_ways: usize,
    /// Restriction relations that do not bind the profile (`restriction:hgv`, or any
    /// plain restriction for walkers).
    pub other_profiles: usize,
    /// Relations that bind the profile but were not applied, by reason.
    pub skipped: SkippedRestrictions,
}

/// Why restrictions that bind the profile were not applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SkippedRestrictions {
    /// `except=` names the profile's vehicle (`motorcar`, `motor_vehicle`, `vehicle`;
    /// `foot` for walkers).
    pub excepted: usize,
    /// Only valid at some times and tagged only as `restriction:conditional` (a plain
    /// `restriction` with `hour_on`/`day_on` is applied at all hours).
    pub conditional: usize,
    /// The `via` is one or more ways, but the graph has no path of edges along them
    /// from an edge of `from` to an edge of `to`.
    pub via_way: usize,
    /// A member is not in the extract (clipped at its edge).
    pub missing_member: usize,
    /// A member is in the extract but not in the profile's graph (a way it may not use,
    /// a direction it may not take, a part dropped as unconnected).
    pub not_in_graph: usize,
    /// The `from` or `to` way does not pass through the `via` node.
    pub not_adjacent: usize,
    /// No `from`, `via` or `to`, several vias, or a value that is neither `no_*` nor
    /// `only_*`.
    pub malformed: usize,
}

impl SkippedRestrictions {
    /// All skipped relations.
    pub fn total(&self) -> usize {
        self.reasons().iter().map(|(_, n)| n).sum()
    }

    /// Each reason with its count, in a fixed order.
    fn reasons(&self) -> [(&'static str, usize); 7] {
        [
            ("excepted", self.excepted),
            ("conditional", self.conditional),
            ("via way without a path", self.via_way),
            ("member outside the extract", self.missing_member),
            ("member not in the graph", self.not_in_graph),
            ("way not at the via node", self.not_adjacent),
            ("malformed", self.malformed),
        ]
    }
}

impl std::fmt::Display for RestrictionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "turn restrictions: {} applied ({} turns, {} via ways), {} skipped",
            self.applied,
            self.turns,
            self.via_ways,
            self.skipped.total()
        )?;
        let reasons: Vec<String> = self
            .skipped
            .reasons()
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(why, n)| format!("{n} {why}"))
            .collect();
        if !reasons.is_empty() {
            write!(f, " ({})", reasons.join(", "))?;
        }
        Ok(())
    }
}

/// Why a relation is not applied, before looking at the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    OtherProfiles,
    Excepted,
    Conditional,
    Malformed,
}

/// A restriction relation that binds the profile, read from its tags and members.
#[derive(Debug, Clone, PartialEq)]
struct Parsed {
    relation_id: i64,
    kind: RestrictionKind,
    from: Vec<i64>,
    via: Via,
    to: Vec<i64>,
}

/// The `via` member(s) of a restriction.
#[derive(Debug, Clone, PartialEq)]
enum Via {
    /// One node: the turn happens there.
    Node(i64),
    /// Ways, in the order the relation lists them, travelled from `from` to `to`.
    Ways(Vec<i64>),
}

/// The restriction keys that bind a profile, most specific first.
fn restriction_keys(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Drive => &[
            "restriction:motorcar",
            "restriction:motor_vehicle",
            "restriction",
        ],
        Profile::Walk => &["restriction:foot"],
    }
}

/// The `except=` values that exempt the profile.
fn exempting(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Drive => &["motorcar", "motor_vehicle", "vehicle"],
        Profile::Walk => &["foot"],
    }
}

/// Reads a relation as a restriction for `profile`.
fn parse(relation: &OsmRelation, profile: Profile) -> Result<Parsed, Skip> {
    let tags = &relation.tags;
    let keys = restriction_keys(profile);
    let Some(value) = keys.iter().find_map(|k| tags.get(k)) else {
        let timed = keys
            .iter()
            .any(|k| tags.get(&format!("{k}:conditional")).is_some());
        return Err(if timed {
            Skip::Conditional
        } else {
            Skip::OtherProfiles
        });
    };
    let except = tags.get("except").unwrap_or_default();
    if except
        .split(';')
        .any(|v| exempting(profile).contains(&v.trim()))
    {
        return Err(Skip::Excepted);
    }
    // `hour_on`/`day_on`... (the old way of tagging times) do not lift the restriction: a
    // turn banned in the daytime, when teams work, is kept at every hour, as OSRM does.
    let kind = if value.starts_with("no_") {
        RestrictionKind::No
    } else if value.starts_with("only_") {
        RestrictionKind::Only
    } else {
        return Err(Skip::Malformed);
    };
    let members = |role: &str, kind: MemberKind| -> Vec<i64> {
        relation
            .members
            .iter()
            .filter(|m| m.role == role && m.kind == kind)
            .map(|m| m.id)
            .collect()
    };
    let (from, via_nodes, via_ways, to) = (
        members("from", MemberKind::Way),
        members("via", MemberKind::Node),
        members("via", MemberKind::Way),
        members("to", MemberKind::Way),
    );
    let via = match (&via_nodes[..], via_ways) {
        ([node], ways) if ways.is_empty() => Via::Node(*node),
        ([], ways) if !ways.is_empty() => Via::Ways(ways),
        _ => return Err(Skip::Malformed),
    };
    if from.is_empty() || to.is_empty() {
        return Err(Skip::Malformed);
    }
    Ok(Parsed {
        relation_id: relation.id,
        kind,
        from,
        via,
        to,
    })
}

/// The `type=restriction` relations of the extract that bind `profile`, read; skipped
/// ones are counted into `report`.
fn read_all(osm: &OsmData, profile: Profile, report: &mut RestrictionReport) -> Vec<Parsed> {
    let mut out = Vec::new();
    for relation in &osm.relations {
        if !relation.tags.is("type", "restriction") {
            continue;
        }
        match parse(relation, profile) {
            Ok(parsed) => out.push(parsed),
            Err(Skip::OtherProfiles) => report.other_profiles += 1,
            Err(Skip::Excepted) => report.skipped.excepted += 1,
            Err(Skip::Conditional) => report.skipped.conditional += 1,
            Err(Skip::Malformed) => report.skipped.malformed += 1,
        }
    }
    out
}

/// OSM ids of the via nodes of restrictions binding `profile`: the build makes them
/// graph nodes, so a restriction at a node inside one way (a `no_u_turn` there) resolves.
pub(crate) fn via_nodes(osm: &OsmData, profile: Profile) -> Vec<i64> {
    read_all(osm, profile, &mut RestrictionReport::default())
        .iter()
        .filter_map(|p| match p.via {
            Via::Node(node) => Some(node),
            Via::Ways(_) => None,
        })
        .collect()
}

/// A restriction whose `via` is one or more ways, resolved onto one path of edges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViaWayRestriction {
    /// The relation it comes from (for reports).
    pub relation_id: i64,
    /// The edge of the `from` way arriving at the first via edge.
    pub from: EdgeIndex,
    /// The edges along the via ways, in travel order.
    pub via: Vec<EdgeIndex>,
    /// The edges of the `to` way leaving the last via edge's end.
    pub to: Vec<EdgeIndex>,
    /// `No`: after `from` and `via`, no turn into `to`; `Only`: only a turn into `to`.
    /// Leaving the via path before its end is allowed either way (as OSRM reads it).
    pub kind: RestrictionKind,
}

/// Via paths longer than this many edges are not followed (a via way is a short link).
const MAX_VIA_EDGES: usize = 64;

/// The extract's restrictions for one profile, resolved onto the graph.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Restrictions at one junction.
    pub turns: Vec<TurnRestriction>,
    /// Restrictions along via ways.
    pub via_ways: Vec<ViaWayRestriction>,
    /// What became of the relations.
    pub report: RestrictionReport,
}

/// Why a restriction that binds the profile is not resolved, after reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unresolved {
    MissingMember,
    NotInGraph,
    NotAdjacent,
    NoViaPath,
}

/// What a resolver looks members up in.
struct Lookup<'a> {
    osm: &'a OsmData,
    graph: &'a RoadGraph,
    way_refs: HashMap<i64, &'a [i64]>,
    graph_node: HashMap<i64, NodeIndex>,
    way_edges: HashMap<i64, Vec<EdgeIndex>>,
}

impl<'a> Lookup<'a> {
    fn new(osm: &'a OsmData, graph: &'a RoadGraph, parsed: &[Parsed]) -> Self {
        let wanted_ways: HashSet<i64> = parsed.iter().flat_map(Parsed::ways).collect();
        let way_refs = osm
            .ways
            .iter()
            .filter(|w| wanted_ways.contains(&w.id))
            .map(|w| (w.id, &w.refs[..]))
            .collect();
        let wanted_vias: HashSet<i64> = parsed
            .iter()
            .filter_map(|p| match p.via {
                Via::Node(node) => Some(node),
                Via::Ways(_) => None,
            })
            .collect();
        let graph_node = graph
            .node_indices()
            .filter(|&n| wanted_vias.contains(&graph[n].osm_id))
            .map(|n| (graph[n].osm_id, n))
            .collect();
        // Edges of the ways of via-way restrictions, to start their path searches.
        let path_ways: HashSet<i64> = parsed
            .iter()
            .filter(|p| matches!(p.via, Via::Ways(_)))
            .flat_map(Parsed::ways)
            .collect();
        let mut way_edges: HashMap<i64, Vec<EdgeIndex>> = HashMap::new();
        for e in graph.edge_references() {
            if path_ways.contains(&e.weight().way_id) {
                way_edges.entry(e.weight().way_id).or_default().push(e.id());
            }
        }
        Self {
            osm,
            graph,
            way_refs,
            graph_node,
            way_edges,
        }
    }

    /// Whether two ways of the extract share a node.
    fn touch(&self, a: i64, b: i64) -> bool {
        let b_refs = self.way_refs[&b];
        self.way_refs[&a].iter().any(|n| b_refs.contains(n))
    }
}

impl Parsed {
    /// Every way the relation names.
    fn ways(&self) -> impl Iterator<Item = i64> + '_ {
        let via: &[i64] = match &self.via {
            Via::Ways(ways) => ways,
            Via::Node(_) => &[],
        };
        self.from.iter().chain(via).chain(&self.to).copied()
    }
}

/// Resolves the extract's restrictions for `profile` onto `graph`'s edges.
///
/// At a via node, `from` is every edge of the from-way arriving at via, `to` every edge
/// of the to-way leaving it (both directions of a two-way way through via). When from
/// and to are the same way, only the turn back along the same piece counts (a
/// `no_u_turn`). An `only_*` that leaves one `from` edge several `to` edges is written
/// as `No` for every other edge leaving via, so no reader has to merge several `Only`s.
///
/// Along via ways, every edge of the from-way arriving where the first via way starts
/// gives one path, followed along the via ways in the relation's order to where an edge
/// of the to-way leaves.
pub fn resolve(osm: &OsmData, profile: Profile, graph: &RoadGraph) -> Resolved {
    let mut out = Resolved::default();
    let parsed = read_all(osm, profile, &mut out.report);
    let lookup = Lookup::new(osm, graph, &parsed);
    for p in &parsed {
        let resolved = match &p.via {
            Via::Node(node) => resolve_at_node(&lookup, p, *node, &mut out.turns),
            Via::Ways(ways) => resolve_along_ways(&lookup, p, ways, &mut out.via_ways),
        };
        let skipped = &mut out.report.skipped;
        match resolved {
            Ok(turns) => {
                out.report.applied += 1;
                out.report.turns += turns;
                out.report.via_ways += usize::from(matches!(p.via, Via::Ways(_)));
            }
            Err(Unresolved::MissingMember) => skipped.missing_member += 1,
            Err(Unresolved::NotInGraph) => skipped.not_in_graph += 1,
            Err(Unresolved::NotAdjacent) => skipped.not_adjacent += 1,
            Err(Unresolved::NoViaPath) => skipped.via_way += 1,
        }
    }
    out
}

/// Resolves a restriction at node `via`, giving how many turns it wrote.
fn resolve_at_node(
    lookup: &Lookup,
    p: &Parsed,
    via: i64,
    turns: &mut Vec<TurnRestriction>,
) -> Result<usize, Unresolved> {
    let graph = lookup.graph;
    let members_present =
        lookup.osm.node(via).is_some() && p.ways().all(|w| lookup.way_refs.contains_key(&w));
    if !members_present {
        return Err(Unresolved::MissingMember);
    }
    if p.ways().any(|w| !lookup.way_refs[&w].contains(&via)) {
        return Err(Unresolved::NotAdjacent);
    }
    let &via = lookup.graph_node.get(&via).ok_or(Unresolved::NotInGraph)?;
    let from = edges_at(graph, via, Direction::Incoming, &p.from);
    let to = edges_at(graph, via, Direction::Outgoing, &p.to);
    if from.is_empty() || to.is_empty() {
        return Err(Unresolved::NotInGraph);
    }
    let before = turns.len();
    for &f in &from {
        let allowed_to: Vec<EdgeIndex> = to
            .iter()
            .copied()
            .filter(|&t| graph[f].way_id != graph[t].way_id || graph[f].twin == Some(t))
            .collect();
        write_turns(graph, p, f, via, &allowed_to, turns);
    }
    Ok(turns.len() - before)
}

/// Resolves a restriction along the via ways `vias`, giving how many paths it wrote.
fn resolve_along_ways(
    lookup: &Lookup,
    p: &Parsed,
    vias: &[i64],
    out: &mut Vec<ViaWayRestriction>,
) -> Result<usize, Unresolved> {
    if !p.ways().all(|w| lookup.way_refs.contains_key(&w)) {
        return Err(Unresolved::MissingMember);
    }
    let (first, last) = (vias[0], vias[vias.len() - 1]);
    let chained = vias.windows(2).all(|w| lookup.touch(w[0], w[1]))
        && p.from.iter().all(|&f| lookup.touch(f, first))
        && p.to.iter().all(|&t| lookup.touch(last, t));
    if !chained {
        return Err(Unresolved::NotAdjacent);
    }
    let graph = lookup.graph;
    let before = out.len();
    let from_edges = p
        .from
        .iter()
        .filter_map(|w| lookup.way_edges.get(w))
        .flatten();
    for &from in from_edges {
        let mut search = ViaPathSearch {
            graph,
            vias,
            to_ways: &p.to,
            path: Vec::new(),
            seen: vec![graph.edge_endpoints(from).map_or(NodeIndex::end(), |e| e.1)],
        };
        if let Some(to) = search.follow(from, None) {
            out.push(ViaWayRestriction {
                relation_id: p.relation_id,
                from,
                via: search.path,
                to,
                kind: p.kind,
            });
        }
    }
    match out.len() - before {
        0 if p.ways().all(|w| lookup.way_edges.contains_key(&w)) => Err(Unresolved::NoViaPath),
        0 => Err(Unresolved::NotInGraph),
        n => Ok(n),
    }
}

/// A depth-first walk along via ways, in their order, without turning back or passing a
/// node twice.
struct ViaPathSearch<'a> {
    graph: &'a RoadGraph,
    vias: &'a [i64],
    to_ways: &'a [i64],
    /// The via edges walked so far.
    path: Vec<EdgeIndex>,
    /// The nodes walked through so far.
    seen: Vec<NodeIndex>,
}

impl ViaPathSearch<'_> {
    /// Walks on from the end of `came_by`, which is on via way `way_index` (`None`: the
    /// from edge). Gives the to-edges at the path's end, leaving `path` as the path.
    fn follow(&mut self, came_by: EdgeIndex, way_index: Option<usize>) -> Option<Vec<EdgeIndex>> {
        let graph = self.graph;
        let (_, at) = graph.edge_endpoints(came_by)?;
        if way_index == Some(self.vias.len() - 1) {
            let to: Vec<EdgeIndex> = graph
                .edges_directed(at, Direction::Outgoing)
                .filter(|e| self.to_ways.contains(&e.weight().way_id))
                .filter(|e| graph[came_by].twin != Some(e.id()))
                .map(|e| e.id())
                .collect();
            if !to.is_empty() {
                return Some(to);
            }
        }
        if self.path.len() >= MAX_VIA_EDGES {
            return None;
        }
        let next_ways = match way_index {
            None => 0..1,
            Some(i) => i..(i + 2).min(self.vias.len()),
        };
        for e in graph.edges_directed(at, Direction::Outgoing) {
            let Some(next) = next_ways
                .clone()
                .find(|&i| self.vias[i] == e.weight().way_id)
            else {
                continue;
            };
            if graph[came_by].twin == Some(e.id()) || self.seen.contains(&e.target()) {
                continue;
            }
            self.path.push(e.id());
            self.seen.push(e.target());
            if let Some(to) = self.follow(e.id(), Some(next)) {
                return Some(to);
            }
            self.path.pop();
            self.seen.pop();
        }
        None
    }
}

/// The edges of `ways` arriving at (`Incoming`) or leaving (`Outgoing`) `via`.
fn edges_at(
    graph: &RoadGraph,
    via: NodeIndex,
    direction: Direction,
    ways: &[i64],
) -> Vec<EdgeIndex> {
    graph
        .edges_directed(via, direction)
        .filter(|e| ways.contains(&e.weight().way_id))
        .map(|e| e.id())
        .collect()
}

/// The turns one restriction makes for one `from` edge.
fn write_turns(
    graph: &RoadGraph,
    p: &Parsed,
    from: EdgeIndex,
    via: NodeIndex,
    to: &[EdgeIndex],
    out: &mut Vec<TurnRestriction>,
) {
    let turn = |to: EdgeIndex, kind: RestrictionKind| TurnRestriction {
        relation_id: p.relation_id,
        from,
        via,
        to,
        kind,
    };
    match (p.kind, to) {
        (_, []) => {}
        (RestrictionKind::No, _) => out.extend(to.iter().map(|&t| turn(t, RestrictionKind::No))),
        (RestrictionKind::Only, [single]) => out.push(turn(*single, RestrictionKind::Only)),
        (RestrictionKind::Only, _) => out.extend(
            graph
                .edges_directed(via, Direction::Outgoing)
                .map(|e| e.id())
                .filter(|e| !to.contains(e))
                .map(|e| turn(e, RestrictionKind::No)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::osm::{OsmMember, OsmRelation};
    use crate::network::build::tests::{plus, tags};
    use crate::network::RoadNetwork;

    /// A restriction relation: `(role, kind, id)` members and its tags.
    fn relation(id: i64, members: &[(&str, MemberKind, i64)], t: &[(&str, &str)]) -> OsmRelation {
        let mut all = vec![("type", "restriction")];
        all.extend_from_slice(t);
        OsmRelation {
            id,
            members: members
                .iter()
                .map(|&(role, kind, id)| OsmMember {
                    kind,
                    id,
                    role: role.to_string(),
                })
                .collect(),
            tags: tags(&all),
        }
    }

    use MemberKind::{Node as N, Way as W};

    /// `plus()` with these relations.
    fn network(profile: Profile, relations: Vec<OsmRelation>) -> RoadNetwork {
        let base = plus();
        let osm = OsmData::new(base.nodes, base.ways, relations, 0);
        RoadNetwork::build(&osm, profile).unwrap()
    }

    /// The turns as `(from, via, to, kind)` in OSM node ids: from's source, via, to's target.
    fn turns(net: &RoadNetwork) -> Vec<(i64, i64, i64, RestrictionKind)> {
        let g = &net.graph;
        let id = |n: NodeIndex| g[n].osm_id;
        let mut out: Vec<_> = net
            .restrictions
            .iter()
            .map(|r| {
                let (a, b) = g.edge_endpoints(r.from).unwrap();
                let (c, d) = g.edge_endpoints(r.to).unwrap();
                assert_eq!((b, c), (r.via, r.via), "{r:?}");
                (id(a), id(r.via), id(d), r.kind)
            })
            .collect();
        out.sort_by_key(|t| (t.0, t.1, t.2));
        out
    }

    #[test]
    fn no_restrictions_resolve_on_every_edge_arriving_and_leaving() {
        // Way 10 runs through 2, so both of its edges into 2 are `from`.
        let net = network(
            Profile::Drive,
            vec![relation(
                100,
                &[("from", W, 10), ("via", N, 2), ("to", W, 11)],
                &[("restriction", "no_left_turn")],
            )],
        );
        use RestrictionKind::{No, Only};
        assert_eq!(turns(&net), vec![(1, 2, 5, No), (3, 2, 5, No)]);
        assert_eq!(
            (
                net.report.restrictions.applied,
                net.report.restrictions.turns
            ),
            (1, 2)
        );
        assert!(net.restrictions.iter().all(|r| r.relation_id == 100));
        // An only_ with one edge to take stays an Only.
        let net = network(
            Profile::Drive,
            vec![relation(
                101,
                &[("from", W, 11), ("via", N, 5), ("to", W, 12)],
                &[("restriction", "only_right_turn")],
            )],
        );
        assert_eq!(turns(&net), vec![(2, 5, 4, Only)]);
    }

    #[test]
    fn an_only_with_several_edges_to_take_forbids_the_others() {
        let net = network(
            Profile::Drive,
            vec![relation(
                102,
                &[("from", W, 11), ("via", N, 2), ("to", W, 10)],
                &[("restriction", "only_straight_on")],
            )],
        );
        // From 4 into 2, way 10 leaves both ways: only the turn onto way 11 north is barred.
        assert_eq!(turns(&net), vec![(4, 2, 5, RestrictionKind::No)]);
    }

    #[test]
    fn a_u_turn_ban_at_a_node_inside_a_way_splits_it_there() {
        let rel = relation(
            103,
            &[("from", W, 12), ("via", N, 7), ("to", W, 12)],
            &[("restriction", "no_u_turn")],
        );
        let net = network(Profile::Drive, vec![rel]);
        assert_eq!(net.report.nodes, 6, "{}", net.report);
        use RestrictionKind::No;
        assert_eq!(turns(&net), vec![(4, 7, 4, No), (5, 7, 5, No)]);
        // Without the relation node 7 is no junction.
        assert_eq!(network(Profile::Drive, vec![]).report.nodes, 5);
    }

    #[test]
    fn except_profiles_and_unresolvable_ones_are_counted() {
        let no_left = [("restriction", "no_left_turn")];
        let good = [("from", W, 10), ("via", N, 2), ("to", W, 11)];
        let relations = vec![
            relation(
                1,
                &good,
                &[
                    ("restriction", "no_left_turn"),
                    ("except", "bicycle;motorcar"),
                ],
            ),
            // Way 11 leaves 2 one way only, to its end at 5, where way 10 is not.
            relation(
                2,
                &[("from", W, 10), ("via", W, 11), ("to", W, 10)],
                &no_left,
            ),
            relation(
                3,
                &good,
                &[("restriction:conditional", "no_left_turn @ (07:00-09:00)")],
            ),
            relation(
                4,
                &good,
                &[("restriction", "no_left_turn"), ("hour_on", "7:00")],
            ),
            relation(
                5,
                &[("from", W, 999), ("via", N, 2), ("to", W, 11)],
                &no_left,
            ),
            relation(
                6,
                &[("from", W, 12), ("via", N, 2), ("to", W, 11)],
                &no_left,
            ),
            relation(
                7,
                &[("from", W, 13), ("via", N, 3), ("to", W, 10)],
                &no_left,
            ),
            relation(8, &[("from", W, 10), ("via", N, 2)], &no_left),
            relation(9, &good, &[("restriction", "give_way")]),
            relation(10, &good, &[("restriction:hgv", "no_left_turn")]),
            relation(11, &good, &[("restriction:foot", "no_left_turn")]),
            relation(
                12,
                &good,
                &[("restriction", "no_left_turn"), ("except", "psv")],
            ),
        ];
        let net = network(Profile::Drive, relations.clone());
        let r = &net.report.restrictions;
        let expected = SkippedRestrictions {
            excepted: 1,
            conditional: 1,
            via_way: 1,
            missing_member: 1,
            not_in_graph: 1,
            not_adjacent: 1,
            malformed: 2,
        };
        assert_eq!(r.skipped, expected, "{r}");
        // Relation 4 (daytime only, by `hour_on`) is applied at all hours.
        assert_eq!((r.applied, r.other_profiles), (2, 2));
        assert!(net
            .restrictions
            .iter()
            .all(|t| [4, 12].contains(&t.relation_id)));
        let text = net.report.to_string();
        assert!(
            text.contains("2 applied (4 turns, 0 via ways), 8 skipped"),
            "{text}"
        );
        assert!(text.contains("1 via way without a path"), "{text}");
        // Walkers obey restriction:foot only.
        let walk = network(Profile::Walk, relations);
        assert_eq!(walk.report.restrictions.applied, 1);
        assert!(walk.restrictions.iter().all(|t| t.relation_id == 11));
        assert_eq!(walk.report.restrictions.other_profiles, 11);
    }

    /// The via-way restrictions as `(from's source, via targets, to targets, kind)` in OSM ids.
    fn paths(net: &RoadNetwork) -> Vec<(i64, Vec<i64>, Vec<i64>, RestrictionKind)> {
        let g = &net.graph;
        let target = |e: &EdgeIndex| g[g.edge_endpoints(*e).unwrap().1].osm_id;
        let mut out: Vec<_> = net
            .via_way_restrictions
            .iter()
            .map(|r| {
                let (a, _) = g.edge_endpoints(r.from).unwrap();
                let via = r.via.iter().map(target).collect();
                (g[a].osm_id, via, r.to.iter().map(target).collect(), r.kind)
            })
            .collect();
        out.sort_by_key(|p| p.0);
        out
    }

    #[test]
    fn via_ways_resolve_onto_paths_of_edges() {
        use RestrictionKind::{No, Only};
        // Along way 11 from 2 north to 5, then onto way 12 (one piece, 5 to 4).
        let net = network(
            Profile::Drive,
            vec![relation(
                104,
                &[("from", W, 10), ("via", W, 11), ("to", W, 12)],
                &[("restriction", "no_right_turn")],
            )],
        );
        assert_eq!(
            paths(&net),
            vec![(1, vec![5], vec![4], No), (3, vec![5], vec![4], No)]
        );
        let r = &net.report.restrictions;
        assert_eq!((r.applied, r.turns, r.via_ways), (1, 2, 1), "{r}");
        assert!(net.restrictions.is_empty());
        // Two via ways in a row: 2 -> 5 on way 11, 5 -> 4 on way 12, then 4 -> 2 on way 11.
        let net = network(
            Profile::Drive,
            vec![relation(
                105,
                &[
                    ("from", W, 10),
                    ("via", W, 11),
                    ("via", W, 12),
                    ("to", W, 11),
                ],
                &[("restriction", "only_straight_on")],
            )],
        );
        assert_eq!(
            paths(&net),
            vec![
                (1, vec![5, 4], vec![2], Only),
                (3, vec![5, 4], vec![2], Only)
            ]
        );
        // Via ways that do not meet the from way are not adjacent.
        let net = network(
            Profile::Drive,
            vec![relation(
                106,
                &[("from", W, 10), ("via", W, 12), ("to", W, 11)],
                &[("restriction", "no_left_turn")],
            )],
        );
        assert_eq!(net.report.restrictions.skipped.not_adjacent, 1);
        assert!(net.via_way_restrictions.is_empty());
    }
}
