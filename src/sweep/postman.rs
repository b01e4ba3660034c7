//! The rural postman: a closed walk covering every required edge.
//!
//! 1. Required edges fall into connected pieces; the pieces are joined by the cheapest
//!    connectors (a spanning tree over shortest paths between pieces, found with one
//!    multi-source Dijkstra: each node learns its nearest piece, and every edge whose
//!    ends belong to different pieces offers a connection).
//! 2. The odd-degree nodes of required edges plus connectors are paired by a
//!    minimum-weight perfect matching over shortest-path distances, and each pair's
//!    path is walked twice (once more than needed).
//! 3. Every node is now even and everything connected: Hierholzer gives the circuit.
//!
//! Pieces that no walkable way reaches are left out and reported (`unreachable_m`).

use geo::Coord;

use super::blossom;
use super::euler;
use super::graph::SweepGraph;
use super::matching::{self, NeighbourTable, Pair};
use super::paths::{Dijkstra, PathStep};
use super::SweepError;
use crate::units::Metres;

/// One edge walked by the tour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traversal {
    /// Index of the edge in the [`SweepGraph`].
    pub edge: usize,
    /// Walked from the edge's `from` node to its `to` node.
    pub forward: bool,
    /// This walk is the one that sweeps the (required) edge; others are deadheading.
    pub service: bool,
}

/// Tuning of the postman solver.
#[derive(Debug, Clone)]
pub struct PostmanOptions {
    /// Odd-node sets up to this size are matched exactly by the subset DP (at most
    /// [`matching::EXACT_MAX`]).
    pub exact_max_odd: usize,
    /// Larger sets up to this size are matched exactly by the blossom algorithm
    /// ([`blossom::BLOSSOM_MAX`] by default; its table takes 8·n² bytes).
    pub blossom_max_odd: usize,
    /// Near neighbours per odd node for the matching of still larger sets.
    pub neighbours: usize,
    /// Larger sets are matched by the blossom algorithm on near-neighbour pairs (with
    /// a proven lower bound); when off, or when those pairs admit no perfect matching,
    /// by greedy plus exchange.
    pub near_blossom: bool,
}

impl Default for PostmanOptions {
    fn default() -> Self {
        Self {
            exact_max_odd: 20,
            blossom_max_odd: blossom::BLOSSOM_MAX,
            neighbours: 30,
            near_blossom: true,
        }
    }
}

/// How the odd nodes were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchingMethod {
    /// Exact, dynamic programming over subsets (few odd nodes).
    Subsets,
    /// Exact, Edmonds' blossom algorithm.
    Blossom,
    /// Exact: the blossom algorithm on each node's nearest few, priced against every
    /// other pair until its duals prove it optimal over all pairs.
    PricedBlossom,
    /// Heuristic: the same when pricing did not settle (optimal among the pairs
    /// offered), with a lower bound from its duals.
    NearBlossom,
    /// Heuristic: greedy on near neighbours plus pairwise exchange.
    GreedyExchange,
}

impl MatchingMethod {
    /// A short name for reports: `subsets`, `blossom` or `greedy_exchange`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Subsets => "subsets",
            Self::Blossom => "blossom",
            Self::PricedBlossom => "priced_blossom",
            Self::NearBlossom => "near_blossom",
            Self::GreedyExchange => "greedy_exchange",
        }
    }

    /// The pairing is a proven optimum.
    pub fn is_exact(self) -> bool {
        matches!(self, Self::Subsets | Self::Blossom | Self::PricedBlossom)
    }
}

/// A closed postman walk and what it took.
#[derive(Debug, Clone)]
pub struct PostmanTour {
    /// The closed walk, starting and ending at `start_node`'s nearest tour node.
    pub circuit: Vec<Traversal>,
    /// The graph node the walker starts from (the snapped start point).
    pub start_node: usize,
    /// Straight-line distance from the given start point to `start_node`.
    pub start_snap_m: Metres,
    /// Required length swept by the circuit.
    pub required_m: Metres,
    /// Required length left out because no walkable way reaches it.
    pub unreachable_m: Metres,
    /// Length of the connectors joining the required pieces.
    pub connector_m: Metres,
    /// Length added by the matching of odd nodes.
    pub matching_m: Metres,
    /// A lower bound on the optimal matching: its exact value when `matching_exact`,
    /// else half the sum of each odd node's distance to its nearest odd neighbour (or,
    /// for `NearBlossom`, the capped blossom duals' bound when that is higher).
    pub matching_lower_bound_m: Metres,
    /// How many odd-degree nodes the required edges and connectors left to pair.
    pub odd_nodes: usize,
    /// `matching_method` is exact ([`MatchingMethod::is_exact`]).
    pub matching_exact: bool,
    /// Which algorithm paired the odd nodes.
    pub matching_method: MatchingMethod,
    /// The odd-degree graph nodes as matched: `(a, b, shortest distance)` per pair.
    pub matched_pairs: Vec<Pair>,
    /// Connected pieces of required edges (before joining).
    pub components: usize,
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        Self((0..n).collect())
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        self.0[ra] = rb;
        ra != rb
    }
}

/// Solves the rural postman on `graph`; `start` (WGS-84 `(lon, lat)`) is snapped to the
/// nearest node that reaches the swept streets and the circuit begins near it.
pub fn solve(
    graph: &SweepGraph,
    start: Option<Coord<f64>>,
    options: &PostmanOptions,
) -> Result<PostmanTour, SweepError> {
    let n = graph.node_count();
    let (comp_of, comps) = required_components(graph);
    if comps == 0 {
        return Err(SweepError::NoStreets);
    }
    let mut dj = Dijkstra::new(n);
    let sources: Vec<(usize, u32)> = (0..n)
        .filter(|&v| comp_of[v] != u32::MAX)
        .map(|v| (v, comp_of[v]))
        .collect();
    dj.run(graph, &sources, |_, _| false);
    let (mut groups, connectors) = join_components(graph, &dj, comps);
    // Keep the group of pieces holding the most required length.
    let mut group_m = vec![0.0; comps];
    for e in graph.edges().iter().filter(|e| e.required) {
        group_m[groups.find(comp_of[e.from] as usize)] += e.length_m;
    }
    let kept = (0..comps)
        .max_by(|a, b| group_m[*a].total_cmp(&group_m[*b]))
        .unwrap_or(0);
    let reach: Vec<bool> = (0..n)
        .map(|v| dj.label(v).is_some_and(|l| groups.find(l as usize) == kept))
        .collect();
    let mut multi: Vec<(usize, bool)> = Vec::new();
    let (mut required_m, mut unreachable_m) = (0.0, 0.0);
    for (i, e) in graph.edges().iter().enumerate().filter(|(_, e)| e.required) {
        if groups.find(comp_of[e.from] as usize) == kept {
            multi.push((i, true));
            required_m += e.length_m;
        } else {
            unreachable_m += e.length_m;
        }
    }
    let mut connector_m = 0.0;
    for (e, path) in connectors {
        if reach[graph.edge(e).from] {
            for (p, _) in path {
                multi.push((p, false));
                connector_m += graph.edge(p).length_m;
            }
        }
    }
    let odd = odd_nodes(graph, &multi);
    let (pairs, method, matching_lower_bound_m) = match_odd(graph, &odd, options, &mut dj)?;
    let mut matching_m = 0.0;
    let matched_pairs: Vec<Pair> = pairs.iter().map(|&(a, b, d)| (odd[a], odd[b], d)).collect();
    for &(a, b, d) in &pairs {
        let (_, path) = dj.path_between(graph, odd[a], odd[b]).ok_or_else(|| {
            SweepError::Internal(format!("matched nodes {a} and {b} not connected"))
        })?;
        multi.extend(path.iter().map(|&(p, _)| (p, false)));
        matching_m += d;
    }
    let (start_node, start_snap_m) = match start {
        Some(p) => graph
            .nearest_node(p, |v| reach[v])
            .ok_or(SweepError::NoStreets)?,
        None => (graph.edge(multi[0].0).from, 0.0),
    };
    let circuit = euler_from(graph, &multi, start_node, &mut dj)?;
    Ok(PostmanTour {
        circuit,
        start_node,
        start_snap_m,
        required_m,
        unreachable_m,
        connector_m,
        matching_m,
        matching_lower_bound_m,
        odd_nodes: odd.len(),
        matching_exact: method.is_exact(),
        matching_method: method,
        matched_pairs,
        components: comps,
    })
}

/// The piece (connected set of required edges) of every node, `u32::MAX` for nodes
/// without required edges, and the number of pieces.
fn required_components(graph: &SweepGraph) -> (Vec<u32>, usize) {
    let n = graph.node_count();
    let mut uf = UnionFind::new(n);
    let mut has = vec![false; n];
    for e in graph.edges().iter().filter(|e| e.required) {
        uf.union(e.from, e.to);
        has[e.from] = true;
        has[e.to] = true;
    }
    let mut id_of_root = vec![u32::MAX; n];
    let mut comp_of = vec![u32::MAX; n];
    let mut count = 0u32;
    for v in 0..n {
        if has[v] {
            let r = uf.find(v);
            if id_of_root[r] == u32::MAX {
                id_of_root[r] = count;
                count += 1;
            }
            comp_of[v] = id_of_root[r];
        }
    }
    (comp_of, count as usize)
}

/// Kruskal over the connections offered by the edges between differently labelled
/// nodes; returns the joined groups and each chosen connection's path.
fn join_components(
    graph: &SweepGraph,
    dj: &Dijkstra,
    comps: usize,
) -> (UnionFind, Vec<Connection>) {
    let mut offers: Vec<(f64, usize)> = Vec::new();
    for (i, e) in graph.edges().iter().enumerate() {
        if let (Some(la), Some(lb)) = (dj.label(e.from), dj.label(e.to)) {
            if la != lb {
                offers.push((dj.dist_m(e.from) + e.length_m + dj.dist_m(e.to), i));
            }
        }
    }
    offers.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups = UnionFind::new(comps);
    let mut chosen = Vec::new();
    for (_, i) in offers {
        let e = graph.edge(i);
        let (la, lb) = (dj.label(e.from), dj.label(e.to));
        if let (Some(la), Some(lb)) = (la, lb) {
            if groups.union(la as usize, lb as usize) {
                let mut path = dj.path_to(graph, e.from);
                path.push((i, true));
                path.extend(dj.path_to(graph, e.to));
                chosen.push((i, path));
            }
        }
    }
    (groups, chosen)
}

/// A chosen connection: the edge that offered it and the whole path it walks.
type Connection = (usize, Vec<PathStep>);

fn odd_nodes(graph: &SweepGraph, multi: &[(usize, bool)]) -> Vec<usize> {
    let mut parity = vec![false; graph.node_count()];
    for &(e, _) in multi {
        let edge = graph.edge(e);
        parity[edge.from] ^= true;
        parity[edge.to] ^= true;
    }
    (0..graph.node_count()).filter(|&v| parity[v]).collect()
}

/// Pairs the odd nodes: exactly when at most `blossom_max_odd` (by subsets when very
/// few), else by blossoms on near neighbours or by greedy plus exchange.
fn match_odd(
    graph: &SweepGraph,
    odd: &[usize],
    options: &PostmanOptions,
    dj: &mut Dijkstra,
) -> Result<(Vec<Pair>, MatchingMethod, Metres), SweepError> {
    let mut index = vec![u32::MAX; graph.node_count()];
    for (i, &v) in odd.iter().enumerate() {
        index[v] = i as u32;
    }
    let unmatched = || SweepError::Internal("odd nodes that cannot be paired".into());
    let subsets = odd.len() <= options.exact_max_odd.min(matching::EXACT_MAX);
    if subsets || odd.len() <= options.blossom_max_odd {
        let d = odd_distances(graph, odd, &index, dj);
        let m = odd.len();
        let (pairs, method) = if subsets {
            let pairs = matching::exact(m, |i, j| d[i * m + j]);
            (pairs, MatchingMethod::Subsets)
        } else {
            let pairs = blossom::min_weight_perfect_matching(m, |i, j| d[i * m + j]);
            (pairs, MatchingMethod::Blossom)
        };
        let pairs = pairs.ok_or_else(unmatched)?;
        let cost = pairs.iter().map(|p| p.2).sum();
        return Ok((pairs, method, cost));
    }
    let k = options.neighbours.max(1);
    let mut table = NeighbourTable {
        lists: Vec::with_capacity(odd.len()),
    };
    for &s in odd {
        let mut list = Vec::with_capacity(k);
        dj.run(graph, &[(s, 0)], |v, dist| {
            if v != s && index[v] != u32::MAX {
                list.push((index[v] as usize, dist));
            }
            list.len() >= k
        });
        table.lists.push(list);
    }
    let greedy = matching::greedy_exchange(odd.len(), &table, |i, matched| {
        let mut found = None;
        dj.run(graph, &[(odd[i], 0)], |v, dist| {
            let j = index[v];
            if j != u32::MAX && !matched[j as usize] {
                found = Some((j as usize, dist));
            }
            found.is_some()
        });
        found
    })
    .ok_or_else(unmatched)?;
    // Each node's pair is at least as long as its nearest neighbour.
    let bound = table
        .lists
        .iter()
        .filter_map(|l| l.first())
        .map(|n| n.1)
        .sum::<f64>()
        / 2.0;
    if options.near_blossom {
        if let Some(found) = near_blossom(graph, odd, &index, dj, &table, k, &greedy) {
            let cost = |p: &[Pair]| p.iter().map(|x| x.2).sum::<f64>();
            if found.1 == MatchingMethod::PricedBlossom || cost(&found.0) <= cost(&greedy) {
                return Ok((found.0, found.1, bound.max(found.2)));
            }
        }
    }
    let pairs = greedy;
    Ok((pairs, MatchingMethod::GreedyExchange, bound))
}

/// Rounds of pricing before the near-neighbour matching is reported unproven.
const PRICING_ROUNDS: usize = 4;
/// Left-out pairs added per odd node and round of pricing (the most violated).
const PRICING_PER_NODE: usize = 8;

/// The blossom matching on each odd node's nearest `k` plus the `greedy` pairs, then
/// priced: every other pair whose reduced cost is negative joins the candidates and
/// it is solved again, until none is (optimal over all pairs, with proof) or the
/// rounds run out (a heuristic, with the duals' lower bound). `None` if the candidates
/// admit no perfect matching.
fn near_blossom(
    graph: &SweepGraph,
    odd: &[usize],
    index: &[u32],
    dj: &mut Dijkstra,
    table: &NeighbourTable,
    k: usize,
    greedy: &[Pair],
) -> Option<(Vec<Pair>, MatchingMethod, Metres)> {
    let mut lists = table.lists.clone();
    let mut last = None;
    for _round in 0..PRICING_ROUNDS {
        let near = blossom::NearMatching::solve(&lists, greedy)?;
        let violated = price(graph, odd, index, dj, &near);
        if violated.is_empty() {
            let pairs = near.pairs();
            let cost = pairs.iter().map(|p| p.2).sum();
            return Some((pairs, MatchingMethod::PricedBlossom, cost));
        }
        for (u, v, d) in violated {
            lists[u].push((v, d));
        }
        last = Some(near);
    }
    let near = last?;
    // Odd nodes not in a node's own list are at least as far as its last one (the
    // candidates only grew since).
    let radius_m: Vec<f64> = (table.lists.iter())
        .map(|l| match l.last() {
            Some(last) if l.len() >= k => last.1,
            _ => f64::INFINITY,
        })
        .collect();
    let bound = near.lower_bound_m(&radius_m);
    Some((near.pairs(), MatchingMethod::NearBlossom, bound))
}

/// The left-out odd pairs whose reduced cost under `near`'s duals is negative, the
/// most violated few per node, by one full search from each odd node.
fn price(
    graph: &SweepGraph,
    odd: &[usize],
    index: &[u32],
    dj: &mut Dijkstra,
    near: &blossom::NearMatching,
) -> Vec<Pair> {
    let mut found = Vec::new();
    for (i, &s) in odd.iter().enumerate() {
        let mut row: Vec<(f64, usize, f64)> = Vec::new();
        let mut left = odd.len();
        dj.run(graph, &[(s, 0)], |v, dist| {
            let j = index[v];
            if j != u32::MAX {
                left -= 1;
                if let Some(by) = near.violation_m(i, j as usize, dist) {
                    row.push((by, j as usize, dist));
                }
            }
            left == 0
        });
        row.sort_by(|a, b| b.0.total_cmp(&a.0));
        row.truncate(PRICING_PER_NODE);
        found.extend(row.into_iter().map(|(_, j, d)| (i, j, d)));
    }
    found
}

/// Shortest-path distances between all odd nodes, row-major (`odd.len()`²).
fn odd_distances(graph: &SweepGraph, odd: &[usize], index: &[u32], dj: &mut Dijkstra) -> Vec<f64> {
    let m = odd.len();
    let mut d = vec![f64::INFINITY; m * m];
    for (i, &s) in odd.iter().enumerate() {
        let mut left = m;
        dj.run(graph, &[(s, 0)], |v, dist| {
            if index[v] != u32::MAX {
                d[i * m + index[v] as usize] = dist;
                left -= 1;
            }
            left == 0
        });
    }
    d
}

/// The Euler circuit of the multigraph, begun at the tour node nearest to `start`.
fn euler_from(
    graph: &SweepGraph,
    multi: &[(usize, bool)],
    start: usize,
    dj: &mut Dijkstra,
) -> Result<Vec<Traversal>, SweepError> {
    let mut on_tour = vec![false; graph.node_count()];
    for &(e, _) in multi {
        on_tour[graph.edge(e).from] = true;
        on_tour[graph.edge(e).to] = true;
    }
    let mut begin = None;
    dj.run(graph, &[(start, 0)], |v, _| {
        if on_tour[v] {
            begin = Some(v);
        }
        begin.is_some()
    });
    let begin = begin.ok_or_else(|| SweepError::Internal("start cannot reach the tour".into()))?;
    let pairs: Vec<(usize, usize)> = multi
        .iter()
        .map(|&(e, _)| (graph.edge(e).from, graph.edge(e).to))
        .collect();
    let walk = euler::circuit(graph.node_count(), &pairs, begin)
        .map_err(|e| SweepError::Internal(format!("no Euler circuit: {e}")))?;
    Ok(walk
        .into_iter()
        .map(|(i, forward)| Traversal {
            edge: multi[i].0,
            forward,
            service: multi[i].1,
        })
        .collect())
}
