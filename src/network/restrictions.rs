//! Turn restrictions: `type=restriction` relations read for one profile and resolved onto
//! the built graph's edges. Only `from` way, `via` node, `to` way restrictions are
//! resolved; the rest (via ways, time-dependent ones, members outside the extract...) are
//! skipped and counted by reason in a [`RestrictionReport`].

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
    /// Turn restrictions they gave (a relation may give several, one per edge pair).
    pub turns: usize,
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
    /// The `via` is a way (not resolved: it needs a path of edges).
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
            ("via way", self.via_way),
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
            "turn restrictions: {} applied ({} turns), {} skipped",
            self.applied,
            self.turns,
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
    ViaWay,
    Malformed,
}

/// A restriction relation that binds the profile, read from its tags and members.
#[derive(Debug, Clone, PartialEq)]
struct Parsed {
    relation_id: i64,
    kind: RestrictionKind,
    from: Vec<i64>,
    via: i64,
    to: Vec<i64>,
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
    if !members("via", MemberKind::Way).is_empty() {
        return Err(Skip::ViaWay);
    }
    let (from, via, to) = (
        members("from", MemberKind::Way),
        members("via", MemberKind::Node),
        members("to", MemberKind::Way),
    );
    match via[..] {
        [via] if !from.is_empty() && !to.is_empty() => Ok(Parsed {
            relation_id: relation.id,
            kind,
            from,
            via,
            to,
        }),
        _ => Err(Skip::Malformed),
    }
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
            Err(Skip::ViaWay) => report.skipped.via_way += 1,
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
        .map(|p| p.via)
        .collect()
}

/// Resolves the extract's restrictions for `profile` onto `graph`'s edges.
///
/// `from` is every edge of the from-way arriving at via, `to` every edge of the to-way
/// leaving it (both directions of a two-way way through via). When from and to are the
/// same way, only the turn back along the same piece counts (a `no_u_turn`). An
/// `only_*` that leaves one `from` edge several `to` edges is written as `No` for every
/// other edge leaving via, so no reader has to merge several `Only`s.
pub fn resolve(
    osm: &OsmData,
    profile: Profile,
    graph: &RoadGraph,
) -> (Vec<TurnRestriction>, RestrictionReport) {
    let mut report = RestrictionReport::default();
    let parsed = read_all(osm, profile, &mut report);
    let wanted_ways: HashSet<i64> = parsed
        .iter()
        .flat_map(|p| p.from.iter().chain(&p.to))
        .copied()
        .collect();
    let way_refs: HashMap<i64, &[i64]> = osm
        .ways
        .iter()
        .filter(|w| wanted_ways.contains(&w.id))
        .map(|w| (w.id, &w.refs[..]))
        .collect();
    let wanted_vias: HashSet<i64> = parsed.iter().map(|p| p.via).collect();
    let graph_node: HashMap<i64, NodeIndex> = graph
        .node_indices()
        .filter(|&n| wanted_vias.contains(&graph[n].osm_id))
        .map(|n| (graph[n].osm_id, n))
        .collect();
    let mut turns = Vec::new();
    for p in &parsed {
        let members_present = osm.node(p.via).is_some()
            && p.from.iter().chain(&p.to).all(|w| way_refs.contains_key(w));
        if !members_present {
            report.skipped.missing_member += 1;
            continue;
        }
        if p.from
            .iter()
            .chain(&p.to)
            .any(|w| !way_refs[w].contains(&p.via))
        {
            report.skipped.not_adjacent += 1;
            continue;
        }
        let Some(&via) = graph_node.get(&p.via) else {
            report.skipped.not_in_graph += 1;
            continue;
        };
        let from = edges_at(graph, via, Direction::Incoming, &p.from);
        let to = edges_at(graph, via, Direction::Outgoing, &p.to);
        if from.is_empty() || to.is_empty() {
            report.skipped.not_in_graph += 1;
            continue;
        }
        let before = turns.len();
        for &f in &from {
            let allowed_to: Vec<EdgeIndex> = to
                .iter()
                .copied()
                .filter(|&t| graph[f].way_id != graph[t].way_id || graph[f].twin == Some(t))
                .collect();
            write_turns(graph, p, f, via, &allowed_to, &mut turns);
        }
        report.applied += 1;
        report.turns += turns.len() - before;
    }
    (turns, report)
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
            relation(
                2,
                &[("from", W, 10), ("via", W, 12), ("to", W, 11)],
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
        assert!(text.contains("2 applied (4 turns), 8 skipped"), "{text}");
        assert!(text.contains("1 via way"), "{text}");
        // Walkers obey restriction:foot only.
        let walk = network(Profile::Walk, relations);
        assert_eq!(walk.report.restrictions.applied, 1);
        assert!(walk.restrictions.iter().all(|t| t.relation_id == 11));
        assert_eq!(walk.report.restrictions.other_profiles, 11);
    }
}
