//! The turn-aware query graph. Like OSRM, routes are searched on an edge-based graph:
//! every directed street piece of the road graph is a search node, and an arc is a turn
//! from one piece into the next at their shared junction. A turn can then be forbidden
//! (a turn restriction, a barrier) or cost time (turning across traffic, waiting at
//! signals), which a junction-based search cannot express.
//!
//! Search node `e` means "at the start of street piece `e`, already turned into it"; the
//! arc `e -> f` costs the whole of `e` plus the turn into `f`.

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
/// graph's edge `i`; `Csr::edge[arc]` is the road edge the arc leaves from.
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
            out.push((f, turn_cost(graph, costs, e, f, via) + signal_s));
        }
    }
    if out.is_empty() {
        if let Some(back) = twin {
            out.push((back, costs.u_turn_s));
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
