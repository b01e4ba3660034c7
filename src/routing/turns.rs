//! The turn-aware query graph. Like OSRM, routes are searched on an edge-based graph:
//! every directed street piece of the road graph is a search node, and an arc is a turn
//! from one piece into the next at their shared junction. A turn can then be forbidden
//! (a turn restriction, a barrier) or cost time (turning across traffic, waiting at
//! signals), which a junction-based search cannot express.
//!
//! Search node `e` means "at the start of street piece `e`, already turned into it"; the
//! arc `e -> f` costs the whole of `e` plus the turn into `f`. A restriction along via
//! ways also needs to know how a piece was reached: the pieces of its via path get copies,
//! search nodes of their own past the road graph's edges (see `ViaStates`).
//!
//! The search minimises a *routing weight* in seconds: the travel time, plus
//! [`DESTINATION_ENTRY_S`] for every turn from a street open to through traffic into one
//! open only to reach a place on it (`motor_vehicle=destination`, ...). A route thus enters
//! such streets only where its end lies, or where nothing else reaches (OSRM's car profile
//! does the same with a smaller penalty). The penalty is a power of two far above any
//! trip's time, so [`duration_of_weight`] takes it off again exactly.

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{HashMap, HashSet};

use super::csr::Csr;
use crate::network::{NodeControl, Profile, RestrictionKind, RoadGraph, RoadNetwork};
use crate::units::Seconds;

pub use crate::rules::{RoutingRules, TurnCosts};

impl TurnCosts {
    /// The built-in costs of a profile (the township's rules may change them).
    ///
    /// ```
    /// use gridpatrol::network::Profile;
    /// use gridpatrol::routing::turns::TurnCosts;
    /// assert!(TurnCosts::default_for(Profile::Drive).left_turn_s > 0.0);
    /// assert_eq!(TurnCosts::default_for(Profile::Walk).left_turn_s, 0.0);
    /// ```
    pub fn default_for(profile: Profile) -> Self {
        RoutingRules::default().costs_for(profile)
    }
}

impl RoutingRules {
    /// The costs the rules set for `profile`.
    pub fn costs_for(&self, profile: Profile) -> TurnCosts {
        match profile {
            Profile::Drive => self.drive,
            Profile::Walk => self.walk,
        }
    }
}

/// The routing weight of entering a destination-only street from an open one: 2^20 s
/// (about 12 days), more than any trip a matrix holds takes.
pub const DESTINATION_ENTRY_S: Seconds = 1_048_576.0;

/// The travel time in a routing weight (the weight without its entry penalties).
///
/// ```
/// use gridpatrol::routing::turns::{duration_of_weight, DESTINATION_ENTRY_S};
/// assert_eq!(duration_of_weight(95.5), 95.5);
/// assert_eq!(duration_of_weight(2.0 * DESTINATION_ENTRY_S + 95.5), 95.5);
/// ```
pub fn duration_of_weight(weight_s: Seconds) -> Seconds {
    weight_s % DESTINATION_ENTRY_S
}

/// The weight added on turning from `from` into `to` for leaving through traffic.
fn entry_weight(graph: &RoadGraph, from: EdgeIndex, to: EdgeIndex) -> Seconds {
    if graph[to].destination_only && !graph[from].destination_only {
        DESTINATION_ENTRY_S
    } else {
        0.0
    }
}

/// The routing weight of starting from junction `at` along `e`: a site at a junction of
/// open streets stands on them, so setting off into a destination-only street there is
/// entering it.
pub(super) fn start_weight(graph: &RoadGraph, at: NodeIndex, e: EdgeIndex) -> Seconds {
    let touches_open_street = graph
        .edges_directed(at, Direction::Outgoing)
        .chain(graph.edges_directed(at, Direction::Incoming))
        .any(|x| !x.weight().destination_only);
    if graph[e].destination_only && touches_open_street {
        DESTINATION_ENTRY_S
    } else {
        0.0
    }
}

/// Turn restrictions of a network, ready for look-up.
struct Restrictions {
    forbidden: HashSet<(u32, u32)>,
    only: HashMap<u32, Vec<u32>>,
}

impl Restrictions {
    fn of(network: &RoadNetwork) -> Self {
        let mut forbidden = HashSet::new();
        let mut only: HashMap<u32, Vec<u32>> = HashMap::new();
        for r in &network.restrictions {
            let (from, to) = (r.from.index() as u32, r.to.index() as u32);
            match r.kind {
                RestrictionKind::No => {
                    forbidden.insert((from, to));
                }
                RestrictionKind::Only => only.entry(from).or_default().push(to),
            }
        }
        Self { forbidden, only }
    }

    fn allows(&self, from: u32, to: u32) -> bool {
        !self.forbidden.contains(&(from, to))
            && self
                .only
                .get(&from)
                .is_none_or(|allowed| allowed.contains(&to))
    }
}

/// The states restrictions along via ways add to the turn-aware graph, as OSRM does.
///
/// A restriction `from -> v1 -> ... -> vk -> to` bans (or commands) a turn only for
/// travellers who came along that whole path, which a search node per street piece
/// cannot tell. So the path gets copies of its via pieces: turning from `from` into `v1`
/// enters the copy of `v1`, which leads on into the copy of `v2`, and so on; the copy of
/// `vk` lacks the banned turn (or keeps only the commanded one). Every other turn out of
/// a copy leads where the plain piece's turn leads, so leaving the path is free.
///
/// Paths sharing a start share their copies (a prefix tree), and a copy also obeys every
/// restriction whose path is a suffix of its own (as in a many-pattern string search:
/// `fallback` is the longest such suffix), so overlapping restrictions all hold.
struct ViaStates {
    /// Search nodes below this are plain street pieces; copy `s` is node `first + s`.
    first: u32,
    /// The street piece each copy stands for.
    edge: Vec<u32>,
    /// `(search node, piece turned into)` -> the copy entered, where a path goes on.
    next: HashMap<(u32, u32), u32>,
    /// Per copy, the search node of the longest shorter path it ends with.
    fallback: Vec<u32>,
    /// Per copy, the pieces it may not turn into.
    forbidden: Vec<Vec<u32>>,
    /// Per copy, the only pieces it may turn into, if restricted so.
    only: Vec<Option<Vec<u32>>>,
}

impl ViaStates {
    fn of(network: &RoadNetwork) -> Self {
        let mut states = Self {
            first: network.graph.edge_count() as u32,
            edge: Vec::new(),
            next: HashMap::new(),
            fallback: Vec::new(),
            forbidden: Vec::new(),
            only: Vec::new(),
        };
        // (parent search node, depth) per copy, for the fallbacks.
        let mut parent_depth = Vec::new();
        for r in &network.via_way_restrictions {
            let mut at = r.from.index() as u32;
            for (depth, v) in r.via.iter().enumerate() {
                at = states.enter(at, v.index() as u32, depth, &mut parent_depth);
            }
            let Some(copy) = at.checked_sub(states.first) else {
                continue; // no via edge: nothing to copy
            };
            let copy = copy as usize;
            let to: Vec<u32> = r.to.iter().map(|t| t.index() as u32).collect();
            match r.kind {
                RestrictionKind::No => states.forbidden[copy].extend(to),
                RestrictionKind::Only => {
                    let kept = match states.only[copy].take() {
                        Some(before) => to.into_iter().filter(|t| before.contains(t)).collect(),
                        None => to,
                    };
                    states.only[copy] = Some(kept);
                }
            }
        }
        states.link_fallbacks(&parent_depth);
        states
    }

    /// The copy entered turning from search node `at` into piece `v`, made if new.
    fn enter(
        &mut self,
        at: u32,
        v: u32,
        depth: usize,
        parent_depth: &mut Vec<(u32, usize)>,
    ) -> u32 {
        if let Some(&copy) = self.next.get(&(at, v)) {
            return copy;
        }
        let copy = self.first + self.edge.len() as u32;
        self.edge.push(v);
        self.fallback.push(v);
        self.forbidden.push(Vec::new());
        self.only.push(None);
        parent_depth.push((at, depth));
        self.next.insert((at, v), copy);
        copy
    }

    /// Sets every copy's fallback, shortest paths first (a fallback is shorter than its
    /// copy's path), and hands the fallback's restrictions down to the copy.
    fn link_fallbacks(&mut self, parent_depth: &[(u32, usize)]) {
        let mut order: Vec<usize> = (0..self.edge.len()).collect();
        order.sort_by_key(|&c| parent_depth[c].1);
        for c in order {
            let parent = parent_depth[c].0;
            if parent >= self.first {
                let from = self.fallback[(parent - self.first) as usize];
                self.fallback[c] = self.step(from, self.edge[c]);
            }
            let Some(inherited) = self.fallback[c].checked_sub(self.first) else {
                continue;
            };
            let inherited = inherited as usize;
            let forbidden = self.forbidden[inherited].clone();
            self.forbidden[c].extend(forbidden);
            if let Some(only) = self.only[inherited].clone() {
                self.only[c] = Some(match self.only[c].take() {
                    Some(own) => own.into_iter().filter(|t| only.contains(t)).collect(),
                    None => only,
                });
            }
        }
    }

    /// The search node reached by turning from search node `at` into piece `to`.
    fn step(&self, mut at: u32, to: u32) -> u32 {
        loop {
            if let Some(&copy) = self.next.get(&(at, to)) {
                return copy;
            }
            if at < self.first {
                return to;
            }
            at = self.fallback[(at - self.first) as usize];
        }
    }

    /// Whether copy `c` may turn into piece `to`.
    fn permits(&self, c: usize, to: u32) -> bool {
        !self.forbidden[c].contains(&to) && self.only[c].as_ref().is_none_or(|o| o.contains(&to))
    }
}

/// Builds the edge-based graph of `network` with `costs`. Its node `i` is the road
/// graph's edge `i`, followed by the copies restrictions along via ways need
/// ([`Csr::copy_of`] names the edge each stands for); `Csr::edge[arc]` is the road edge
/// the arc leaves from, and `Csr::duration_s[arc]` its routing weight (see the module's
/// documentation).
pub fn edge_based_csr(network: &RoadNetwork, costs: &TurnCosts) -> Csr {
    let graph = &network.graph;
    let restrictions = Restrictions::of(network);
    let states = ViaStates::of(network);
    let m = graph.edge_count();
    let mut csr = Csr {
        first_out: Vec::with_capacity(m + states.edge.len() + 1),
        ..Csr::default()
    };
    csr.first_out.push(0);
    let mut turns = Vec::new();
    let plain = graph.edge_indices().map(|e| (e.index() as u32, e));
    let copies = (states.first..).zip(states.edge.iter().map(|&e| EdgeIndex::new(e as usize)));
    for (node, e) in plain.chain(copies) {
        let permits = |to: EdgeIndex| match node.checked_sub(states.first) {
            Some(c) => states.permits(c as usize, to.index() as u32),
            None => true,
        };
        allowed_turns(graph, &restrictions, costs, e, permits, &mut turns);
        let data = &graph[e];
        for &(f, turn_s) in &turns {
            csr.head.push(states.step(node, f.index() as u32));
            csr.weight_s.push(data.duration_s + turn_s);
            csr.length_m.push(data.length_m);
            csr.edge.push(e.index() as u32);
        }
        csr.first_out.push(csr.head.len() as u32);
    }
    csr.copy_of = states.edge;
    csr
}

/// The turns out of the end of `e` that may be taken (and `permits`), with their cost
/// in seconds. Turning back onto the same street is allowed only where nothing else is:
/// at a dead end or a barrier the profile may not pass.
fn allowed_turns(
    graph: &RoadGraph,
    restrictions: &Restrictions,
    costs: &TurnCosts,
    e: EdgeIndex,
    permits: impl Fn(EdgeIndex) -> bool,
    out: &mut Vec<(EdgeIndex, Seconds)>,
) {
    out.clear();
    let Some((_, via)) = graph.edge_endpoints(e) else {
        return;
    };
    let twin = graph[e].twin;
    let control = graph[via].control;
    // A signal tagged for the other direction only does not stop this edge's traffic.
    let signal_s = if control == NodeControl::TrafficSignals && !graph[e].passes_signal {
        costs.signal_delay_s
    } else {
        0.0
    };
    let allows =
        |f: EdgeIndex| restrictions.allows(e.index() as u32, f.index() as u32) && permits(f);
    if control != NodeControl::Barrier {
        for next in graph.edges_directed(via, Direction::Outgoing) {
            let f = next.id();
            if Some(f) == twin || !allows(f) {
                continue;
            }
            let cost = turn_cost(graph, costs, e, f, via) + signal_s;
            out.push((f, cost + entry_weight(graph, e, f)));
        }
    }
    if out.is_empty() {
        if let Some(back) = twin.filter(|&b| permits(b)) {
            out.push((back, costs.u_turn_s + entry_weight(graph, e, back)));
        }
    }
}

/// The cost of turning from `e` into `f` at `via`, by the angle between them.
fn turn_cost(
    graph: &RoadGraph,
    costs: &TurnCosts,
    e: EdgeIndex,
    f: EdgeIndex,
    via: NodeIndex,
) -> Seconds {
    if costs.left_turn_s == 0.0 && costs.right_turn_s == 0.0 {
        return 0.0;
    }
    let incoming = &graph[e].geometry.0 .0;
    let outgoing = &graph[f].geometry.0 .0;
    let at = graph[via].location.0;
    let (Some(before), Some(after)) = (
        incoming
            .iter()
            .rev()
            .find(|c| (c.x, c.y) != (at.x(), at.y())),
        outgoing.iter().find(|c| (c.x, c.y) != (at.x(), at.y())),
    ) else {
        return 0.0;
    };
    // Directions in a local metric frame (longitude shrunk by the latitude's cosine).
    let k = at.y().to_radians().cos();
    let (ix, iy) = ((at.x() - before.x) * k, at.y() - before.y);
    let (ox, oy) = ((after.x - at.x()) * k, after.y - at.y());
    let cross = ix * oy - iy * ox;
    let dot = ix * ox + iy * oy;
    let angle = cross.atan2(dot); // > 0: turning left (counter-clockwise)
    let sharpness = (angle.abs() / std::f64::consts::FRAC_PI_2).min(2.0);
    // Slight bends (under ~20°) are driving straight on.
    if sharpness < 0.22 {
        return 0.0;
    }
    let right_angle_s = if angle > 0.0 {
        costs.left_turn_s
    } else {
        costs.right_turn_s
    };
    right_angle_s * sharpness
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::build::tests::plus;
    use crate::network::TurnRestriction;

    fn drive() -> RoadNetwork {
        RoadNetwork::build(&plus(), Profile::Drive).unwrap()
    }

    /// The edge from OSM node `from` to OSM node `to`.
    pub(super) fn edge(net: &RoadNetwork, from: i64, to: i64) -> EdgeIndex {
        let g = &net.graph;
        g.edge_indices()
            .find(|&e| {
                let (a, b) = g.edge_endpoints(e).unwrap();
                g[a].osm_id == from && g[b].osm_id == to
            })
            .unwrap_or_else(|| panic!("no edge {from}->{to}"))
    }

    fn turns_of(net: &RoadNetwork, csr: &Csr, e: EdgeIndex) -> Vec<(EdgeIndex, f64)> {
        csr.arcs(e.index() as u32)
            .map(|a| {
                (
                    EdgeIndex::new(csr.head[a] as usize),
                    ((csr.weight_s[a] - net.graph[e].duration_s) * 1e6).round() / 1e6,
                )
            })
            .collect()
    }

    #[test]
    fn left_turns_cost_more_than_right_turns_and_straight_on_is_free() {
        let net = drive();
        let csr = edge_based_csr(&net, &TurnCosts::default_for(Profile::Drive));
        // Driving east 1 -> 2: north (2 -> 5) is a left turn, east (2 -> 3) straight on.
        let turns = turns_of(&net, &csr, edge(&net, 1, 2));
        let cost = |to: EdgeIndex| turns.iter().find(|t| t.0 == to).map(|t| t.1);
        assert_eq!(cost(edge(&net, 2, 3)), Some(0.0));
        let left = cost(edge(&net, 2, 5)).unwrap();
        assert!((left - 8.0).abs() < 0.5, "{left}");
        // No u-turn back to 1 where other turns exist.
        assert_eq!(cost(edge(&net, 2, 1)), None);
        // Driving north 4 -> 2: east (2 -> 3) is a right turn.
        let turns = turns_of(&net, &csr, edge(&net, 4, 2));
        let right = turns.iter().find(|t| t.0 == edge(&net, 2, 3)).unwrap().1;
        assert!((right - 3.0).abs() < 0.5, "{right}");
    }

    #[test]
    fn a_dead_end_or_a_barrier_only_lets_you_turn_back() {
        let mut net = drive();
        // 3 is a dead end for cars (the one-way stub to 6 was dropped).
        let csr = edge_based_csr(&net, &TurnCosts::default_for(Profile::Drive));
        assert_eq!(
            turns_of(&net, &csr, edge(&net, 2, 3)),
            vec![(edge(&net, 3, 2), 20.0)]
        );
        let two = net.graph.edge_endpoints(edge(&net, 1, 2)).unwrap().1;
        net.graph[two].control = NodeControl::Barrier;
        let csr = edge_based_csr(&net, &TurnCosts::FREE);
        assert_eq!(
            turns_of(&net, &csr, edge(&net, 1, 2)),
            vec![(edge(&net, 2, 1), 0.0)]
        );
    }

    /// A short destination-only street 1-2-3 (with an open spur 2-5) beside a longer
    /// open road from 1 round by 4 to 3 (one street piece: 4 is no junction).
    fn residents_street() -> crate::formats::osm::OsmData {
        use crate::formats::osm::OsmData;
        use crate::network::build::tests::{osm_node as node, osm_way as way};
        let nodes = vec![
            node(1, 116.350, 39.960),
            node(2, 116.351, 39.960),
            node(3, 116.352, 39.960),
            node(4, 116.351, 39.962),
            node(5, 116.351, 39.959),
        ];
        let residential = ("highway", "residential");
        let ways = vec![
            way(
                20,
                vec![1, 2, 3],
                &[residential, ("motor_vehicle", "destination")],
            ),
            way(21, vec![1, 4, 3], &[residential]),
            way(22, vec![2, 5], &[residential]),
        ];
        OsmData::new(nodes, ways, Vec::new(), 0)
    }

    /// A snap on `edge` at `offset_m` from its start.
    fn on(net: &RoadNetwork, edge: EdgeIndex, offset_m: f64) -> crate::network::Snap {
        let p = net.graph[edge].geometry.0 .0[0];
        crate::network::Snap {
            edge,
            offset_m,
            point: crate::Wgs84Point::new(p.x, p.y),
            snap_m: 0.0,
        }
    }

    #[test]
    fn cars_do_not_cut_through_destination_only_streets() {
        let osm = residents_street();
        let net = RoadNetwork::build(&osm, Profile::Drive).unwrap();
        let (one_two, two_three) = (edge(&net, 1, 2), edge(&net, 2, 3));
        assert!(
            net.graph[one_two].destination_only && !net.graph[edge(&net, 1, 3)].destination_only
        );
        let open_way = net.graph[edge(&net, 1, 3)].duration_s;
        let through = net.graph[one_two].duration_s + net.graph[two_three].duration_s;
        assert!(through < open_way / 2.0);
        let router = crate::routing::Router::with_costs(net.clone(), TurnCosts::FREE);
        let (from_1, to_3) = (
            on(&net, one_two, 0.0),
            on(&net, two_three, net.graph[two_three].length_m),
        );
        let halfway = on(&net, two_three, net.graph[two_three].length_m / 2.0);
        let spur_end = on(&net, edge(&net, 2, 5), net.graph[edge(&net, 2, 5)].length_m);
        let m = router.matrix(&[from_1, spur_end], &[to_3, halfway, from_1]);
        // 1 to 3 takes the open road, though the residents' street is shorter.
        assert!((m.duration_s(0, 0).unwrap() - open_way).abs() < 5e-4);
        // A place on the street is reached along it, and its time carries no penalty.
        let into = m.duration_s(0, 1).unwrap();
        assert!(
            (into - (net.graph[one_two].duration_s + net.graph[two_three].duration_s / 2.0)).abs()
                < 5e-4
        );
        // From the spur, the car enters the street once and leaves by either end.
        assert!(m.duration_s(1, 2).unwrap() < DESTINATION_ENTRY_S);
        let route = router.route(&from_1, &to_3).unwrap();
        assert_eq!(Some(route.duration_s), m.duration_s(0, 0));
        assert!(!route.edges.contains(&one_two));
        // The plain search and the hierarchy agree.
        let plain = router.matrix_by_dijkstra(&[from_1, spur_end], &[to_3, halfway, from_1]);
        router.hierarchy();
        let fast = router.matrix(&[from_1, spur_end], &[to_3, halfway, from_1]);
        for (a, b) in plain.durations_s().zip(fast.durations_s()) {
            assert!((a.unwrap() - b.unwrap()).abs() < 5e-4, "{a:?} vs {b:?}");
        }
        // Walkers may cut through.
        let walk = RoadNetwork::build(&osm, Profile::Walk).unwrap();
        assert!(walk.graph.edge_weights().all(|e| !e.destination_only));
    }

    #[test]
    fn restrictions_and_signals() {
        let mut net = drive();
        let (from, to) = (edge(&net, 1, 2), edge(&net, 2, 5));
        let via = net.graph.edge_endpoints(from).unwrap().1;
        net.restrictions.push(TurnRestriction {
            relation_id: 1,
            from,
            via,
            to,
            kind: RestrictionKind::No,
        });
        let csr = edge_based_csr(&net, &TurnCosts::FREE);
        assert_eq!(turns_of(&net, &csr, from), vec![(edge(&net, 2, 3), 0.0)]);
        net.restrictions[0].kind = RestrictionKind::Only;
        net.graph[via].control = NodeControl::TrafficSignals;
        let costs = TurnCosts {
            signal_delay_s: 12.0,
            ..TurnCosts::FREE
        };
        let csr = edge_based_csr(&net, &costs);
        assert_eq!(turns_of(&net, &csr, from), vec![(to, 12.0)]);
        // A signal tagged for the other direction only is passed without a stop.
        net.graph[from].passes_signal = true;
        let csr = edge_based_csr(&net, &costs);
        assert_eq!(turns_of(&net, &csr, from), vec![(to, 0.0)]);
    }
}

#[cfg(test)]
mod via_way_tests {
    use super::*;
    use crate::formats::osm::{MemberKind, OsmData, OsmMember, OsmRelation};
    use crate::network::build::tests::{osm_node as node, osm_way as way, tags};
    use crate::network::Snap;
    use crate::routing::Router;
    use tests::edge;

    /// A restriction relation from way `from` along the via ways to way `to`.
    fn along(id: i64, from: i64, vias: &[i64], to: i64, value: &str) -> OsmRelation {
        let member = |role: &str, id: i64| OsmMember {
            kind: MemberKind::Way,
            id,
            role: role.to_string(),
        };
        let mut members = vec![member("from", from)];
        members.extend(vias.iter().map(|&v| member("via", v)));
        members.push(member("to", to));
        OsmRelation {
            id,
            members,
            tags: tags(&[("type", "restriction"), ("restriction", value)]),
        }
    }

    /// A dual carriageway: the north one (way 30, A1 1 -> A2 2 -> A3 3) runs east, the
    /// south one (way 31, B3 6 -> B2 5 -> B1 4) west, a median crossing (32) runs from A2
    /// to B2, and the ends are joined (33: A3 -> B3, 37: B1 -> A1). A side street comes
    /// from N2 (7) into A2 (34) and goes on from B2 south (35) to S2 (9) on a back street
    /// (36: S1 8 - S2 - S3 10) joined to B1 (38) and B3 (39).
    pub(super) fn dual_carriageway(relations: Vec<OsmRelation>) -> RoadNetwork {
        let nodes = vec![
            node(1, 116.350, 39.9620),
            node(2, 116.351, 39.9620),
            node(3, 116.352, 39.9620),
            node(4, 116.350, 39.9615),
            node(5, 116.351, 39.9615),
            node(6, 116.352, 39.9615),
            node(7, 116.351, 39.9630),
            node(8, 116.350, 39.9600),
            node(9, 116.351, 39.9600),
            node(10, 116.352, 39.9600),
        ];
        let one_way = [("highway", "residential"), ("oneway", "yes")];
        let two_way = [("highway", "residential")];
        let ways = vec![
            way(30, vec![1, 2, 3], &one_way),
            way(31, vec![6, 5, 4], &one_way),
            way(32, vec![2, 5], &one_way),
            way(33, vec![3, 6], &one_way),
            way(37, vec![4, 1], &one_way),
            way(34, vec![7, 2], &two_way),
            way(35, vec![5, 9], &two_way),
            way(36, vec![8, 9, 10], &two_way),
            way(38, vec![8, 4], &two_way),
            way(39, vec![10, 6], &two_way),
        ];
        let osm = OsmData::new(nodes, ways, relations, 0);
        RoadNetwork::build(&osm, Profile::Drive).unwrap()
    }

    /// A site halfway along the piece `from -> to`.
    pub(super) fn halfway(net: &RoadNetwork, from: i64, to: i64) -> Snap {
        let e = edge(net, from, to);
        let p = net.graph[e].geometry.0 .0[0];
        Snap {
            edge: e,
            offset_m: net.graph[e].length_m / 2.0,
            point: crate::Wgs84Point::new(p.x, p.y),
            snap_m: 0.0,
        }
    }

    /// Seconds along the pieces given as OSM node pairs, the first and last halfway.
    fn seconds(net: &RoadNetwork, pieces: &[(i64, i64)]) -> f64 {
        let whole: Vec<f64> = pieces
            .iter()
            .map(|&(a, b)| net.graph[edge(net, a, b)].duration_s)
            .collect();
        whole.iter().sum::<f64>() - whole[0] / 2.0 - whole[whole.len() - 1] / 2.0
    }

    #[test]
    fn restrictions_along_a_via_way_hold_only_for_who_came_along_it() {
        let net = dual_carriageway(vec![
            along(900, 30, &[32], 31, "no_u_turn"),
            along(901, 34, &[32], 35, "only_straight_on"),
            along(902, 30, &[32], 35, "no_left_turn"),
        ]);
        let r = &net.report.restrictions;
        assert_eq!((r.applied, r.via_ways, r.skipped.total()), (3, 3, 0), "{r}");
        let router = Router::with_costs(net.clone(), TurnCosts::FREE);
        // Both restrictions from the north carriageway share one copy of the crossing.
        assert_eq!(router.csr().copy_of.len(), 2);
        let crossing = edge(&net, 2, 5);
        let (a, b) = (halfway(&net, 1, 2), halfway(&net, 5, 4));
        let (c, n, s) = (
            halfway(&net, 2, 5),
            halfway(&net, 7, 2),
            halfway(&net, 5, 9),
        );
        // No u-turn through the crossing: round by A3 and B3.
        let u_turn = router.route(&a, &b).unwrap();
        assert!(!u_turn.edges.contains(&crossing), "{:?}", u_turn.edges);
        let round = seconds(&net, &[(1, 2), (2, 3), (3, 6), (6, 5), (5, 4)]);
        assert!((u_turn.duration_s - round).abs() < 1e-3, "{u_turn:?}");
        // A site on the crossing is still reached along it.
        let onto = router.route(&a, &c).unwrap();
        assert_eq!(onto.edges, vec![edge(&net, 1, 2), crossing]);
        assert!((onto.duration_s - seconds(&net, &[(1, 2), (2, 5)])).abs() < 1e-3);
        // From the side street the crossing leads only straight on to S2.
        let turn = router.route(&n, &b).unwrap();
        assert!(!turn.edges.contains(&crossing), "{:?}", turn.edges);
        let round = seconds(&net, &[(7, 2), (2, 3), (3, 6), (6, 5), (5, 4)]);
        assert!((turn.duration_s - round).abs() < 1e-3, "{turn:?}");
        let straight = router.route(&n, &s).unwrap();
        assert_eq!(
            straight.edges,
            vec![edge(&net, 7, 2), crossing, edge(&net, 5, 9)]
        );
        // Without the relations the crossing is the way.
        let free = Router::with_costs(dual_carriageway(vec![]), TurnCosts::FREE);
        assert!(free.route(&a, &b).unwrap().edges.contains(&crossing));
        assert!(free.route(&n, &b).unwrap().edges.contains(&crossing));
        // The matrix answers as the routes, by the plain search and by the hierarchy.
        let (sources, targets) = ([a, n, c, s], [b, c, s, a]);
        let plain = router.matrix_by_dijkstra(&sources, &targets);
        for (i, from) in sources.iter().enumerate() {
            for (j, to) in targets.iter().enumerate() {
                let route = router.route(from, to).map(|r| r.duration_s);
                assert_eq!(plain.duration_s(i, j), route, "{i}->{j}");
            }
        }
        router.hierarchy();
        let fast = router.matrix(&sources, &targets);
        for (k, (x, y)) in plain.durations_s().zip(fast.durations_s()).enumerate() {
            assert!(
                (x.unwrap() - y.unwrap()).abs() < 5e-4,
                "cell {k}: {x:?} vs {y:?}"
            );
        }
    }
}

#[cfg(test)]
mod sealed_piece_tests {
    use super::via_way_tests::{dual_carriageway, halfway};
    use super::*;
    use crate::network::TurnRestriction;
    use crate::routing::Router;
    use crate::Wgs84Point;
    use tests::edge;

    #[test]
    fn sites_snap_past_a_piece_that_restrictions_seal_off() {
        let mut net = dual_carriageway(vec![]);
        // The side street N2 (7) - A2 (2) is a dead end: banning the turn into it from
        // the carriageway seals both its directions off.
        let (into, out) = (edge(&net, 2, 7), edge(&net, 7, 2));
        let from = edge(&net, 1, 2);
        net.restrictions.push(TurnRestriction {
            relation_id: 1,
            from,
            via: net.graph.edge_endpoints(from).unwrap().1,
            to: into,
            kind: RestrictionKind::No,
        });
        // 4 m east of the side street, 78 m north of the carriageway.
        let p = Wgs84Point::new(116.351_05, 39.962_7);
        let sealed = net.snap(p, 100.0).unwrap();
        assert!([into, out].contains(&sealed.edge), "{sealed:?}");
        let router = Router::with_costs(net.clone(), TurnCosts::FREE);
        let placed = router.snap(p, 100.0).unwrap();
        assert!(
            [from, edge(&net, 2, 3)].contains(&placed.edge),
            "{placed:?}"
        );
        assert!((placed.snap_m - 78.0).abs() < 2.0, "{placed:?}");
        // Placed there, the site reaches everywhere and is reached from everywhere; on
        // the sealed street it would be reached from nowhere.
        let elsewhere = halfway(&net, 8, 9);
        let m = router.matrix(&[placed, elsewhere], &[placed, elsewhere]);
        assert!(m.durations_s().all(|d| d.is_some()), "{m:?}");
        assert_eq!(
            router.matrix(&[elsewhere], &[sealed]).duration_s(0, 0),
            None
        );
        // Nothing usable within the limit: the nearest street, as before.
        assert_eq!(router.snap(p, 50.0).unwrap().edge, sealed.edge);
    }
}
