//! The turn-aware query graph. Like OSRM, routes are searched on an edge-based graph:
//! every directed street piece of the road graph is a search node, and an arc is a turn
//! from one piece into the next at their shared junction. A turn can then be forbidden
//! (a turn restriction, a barrier) or cost time (turning across traffic, waiting at
//! signals), which a junction-based search cannot express.
//!
//! Search node `e` means "at the start of street piece `e`, already turned into it"; the
//! arc `e -> f` costs the whole of `e` plus the turn into `f`.
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

/// Builds the edge-based graph of `network` with `costs`. Its node `i` is the road
/// graph's edge `i`; `Csr::edge[arc]` is the road edge the arc leaves from, and
/// `Csr::duration_s[arc]` its routing weight (see the module's documentation).
pub fn edge_based_csr(network: &RoadNetwork, costs: &TurnCosts) -> Csr {
    let graph = &network.graph;
    let restrictions = Restrictions::of(network);
    let m = graph.edge_count();
    let mut csr = Csr {
        first_out: Vec::with_capacity(m + 1),
        ..Csr::default()
    };
    csr.first_out.push(0);
    let mut turns = Vec::new();
    for e in graph.edge_indices() {
        allowed_turns(graph, &restrictions, costs, e, &mut turns);
        let data = &graph[e];
        for &(f, turn_s) in &turns {
            csr.head.push(f.index() as u32);
            csr.duration_s.push(data.duration_s + turn_s);
            csr.length_m.push(data.length_m);
            csr.edge.push(e.index() as u32);
        }
        csr.first_out.push(csr.head.len() as u32);
    }
    csr
}

/// The turns out of the end of `e` that may be taken, with their cost in seconds.
/// Turning back onto the same street is allowed only where nothing else is: at a dead
/// end or a barrier the profile may not pass.
fn allowed_turns(
    graph: &RoadGraph,
    restrictions: &Restrictions,
    costs: &TurnCosts,
    e: EdgeIndex,
    out: &mut Vec<(EdgeIndex, Seconds)>,
) {
    out.clear();
    let Some((_, via)) = graph.edge_endpoints(e) else {
        return;
    };
    let twin = graph[e].twin;
    let control = graph[via].control;
    let signal_s = if control == NodeControl::TrafficSignals {
        costs.signal_delay_s
    } else {
        0.0
    };
    if control != NodeControl::Barrier {
        for next in graph.edges_directed(via, Direction::Outgoing) {
            let f = next.id();
            if Some(f) == twin || !restrictions.allows(e.index() as u32, f.index() as u32) {
                continue;
            }
            let cost = turn_cost(graph, costs, e, f, via) + signal_s;
            out.push((f, cost + entry_weight(graph, e, f)));
        }
    }
    if out.is_empty() {
        if let Some(back) = twin {
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

    fn edge(net: &RoadNetwork, from: i64, to: i64) -> EdgeIndex {
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
                    ((csr.duration_s[a] - net.graph[e].duration_s) * 1e6).round() / 1e6,
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
    }
}
