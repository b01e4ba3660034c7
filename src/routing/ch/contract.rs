//! Node ordering and contraction. Nodes are contracted in rounds: each round takes the
//! nodes whose priority is lower than every neighbour's (an independent set, so their
//! contractions do not touch each other), finds their shortcuts in parallel, then applies
//! them in node order, which keeps the result independent of thread timing.
//!
//! Witness searches of a round avoid every node contracted in that round: a witness that
//! ran through another node of the round would vanish with it, and that node's own
//! witness could in turn run through the first one.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::routing::csr::Csr;
use crate::routing::dijkstra::Entry;

/// Witness searches when contracting stop after settling this many nodes (a missed
/// witness only costs a superfluous shortcut, never a wrong answer).
const CONTRACT_SETTLE_LIMIT: usize = 400;
/// The cheaper bound used to estimate a node's priority. Estimates are redone for every
/// neighbour of every contracted node, so they are most of the build's time; a small
/// bound misses a few witnesses (a slightly worse order), and measured on Heidelberg and
/// Shanghai 15 gives within 5 % of the shortcuts of 100 and the same query times, in
/// half the build time (a third on foot).
const PRIORITY_SETTLE_LIMIT: usize = 15;

/// A directed arc of the graph being contracted (an original arc or a shortcut).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Link {
    /// The other end: the head of an out-arc, the tail of an in-arc.
    pub node: u32,
    /// Travel time in seconds, minimised.
    pub weight_s: f64,
    /// Length in metres of the path behind the weight.
    pub length_m: f64,
    /// How many original arcs the link stands for.
    pub hops: u32,
}

/// The result of contraction, in the input's node numbering.
#[derive(Debug)]
pub(super) struct Contracted {
    /// Nodes from the first contracted (least important) to the last.
    pub order: Vec<u32>,
    /// Per node, its arcs to nodes contracted later.
    pub up_out: Vec<Vec<Link>>,
    /// Per node, the arcs reaching it from nodes contracted later.
    pub up_in: Vec<Vec<Link>>,
}

/// The remaining graph: a node's lists hold only uncontracted neighbours; once a node is
/// contracted its lists are frozen and are its upward arcs.
struct Graph {
    out: Vec<Vec<Link>>,
    inn: Vec<Vec<Link>>,
}

struct Shortcut {
    from: u32,
    link: Link,
}

/// Orders and contracts every node of `csr`.
pub(super) fn contract(csr: &Csr) -> Contracted {
    let n = csr.node_count();
    let mut graph = Graph::from_csr(csr);
    let mut contracted = vec![false; n];
    let mut in_round = vec![false; n];
    let nobody = vec![false; n];
    let mut dirty = vec![true; n];
    let mut priority = vec![0.0f64; n];
    let mut level = vec![0u32; n];
    let mut order = Vec::with_capacity(n);
    let mut remaining: Vec<u32> = (0..n as u32).collect();
    while !remaining.is_empty() {
        let stale: Vec<u32> = remaining
            .iter()
            .copied()
            .filter(|&v| dirty[v as usize])
            .collect();
        let fresh: Vec<f64> = stale
            .par_iter()
            .map_init(
                || Witness::new(n),
                |ws, &v| node_priority(&graph, v, &nobody, ws, level[v as usize]),
            )
            .collect();
        for (&v, p) in stale.iter().zip(fresh) {
            priority[v as usize] = p;
            dirty[v as usize] = false;
        }
        let cutoff = lower_quarter(&remaining, &priority);
        let selected: Vec<u32> = remaining
            .par_iter()
            .copied()
            .filter(|&v| priority[v as usize] <= cutoff && is_local_minimum(&graph, v, &priority))
            .collect();
        for &v in &selected {
            in_round[v as usize] = true;
        }
        let shortcuts: Vec<Vec<Shortcut>> = selected
            .par_iter()
            .map_init(
                || Witness::new(n),
                |ws, &v| shortcuts_of(&graph, v, &in_round, ws, CONTRACT_SETTLE_LIMIT),
            )
            .collect();
        for (&v, found) in selected.iter().zip(shortcuts) {
            graph.remove(v, |w| {
                dirty[w as usize] = true;
                level[w as usize] = level[w as usize].max(level[v as usize] + 1);
            });
            for s in found {
                graph.add_or_improve(s.from, s.link);
            }
            in_round[v as usize] = false;
            contracted[v as usize] = true;
        }
        order.extend_from_slice(&selected);
        remaining.retain(|&v| !contracted[v as usize]);
    }
    Contracted {
        order,
        up_out: graph.out,
        up_in: graph.inn,
    }
}

impl Graph {
    /// The arcs of `csr` without self-loops (useless for shortest paths) and with
    /// parallel arcs merged into the fastest one.
    fn from_csr(csr: &Csr) -> Self {
        let n = csr.node_count();
        let mut out: Vec<Vec<Link>> = vec![Vec::new(); n];
        for tail in 0..n as u32 {
            for arc in csr.arcs(tail) {
                let (head, weight_s) = (csr.head[arc], csr.weight_s[arc]);
                let usable = weight_s.is_finite() && weight_s >= 0.0;
                if head != tail && (head as usize) < n && usable {
                    out[tail as usize].push(Link {
                        node: head,
                        weight_s,
                        length_m: csr.length_m[arc],
                        hops: 1,
                    });
                }
            }
        }
        let mut inn: Vec<Vec<Link>> = vec![Vec::new(); n];
        for (tail, links) in out.iter_mut().enumerate() {
            links.sort_by(|a, b| {
                a.node
                    .cmp(&b.node)
                    .then(a.weight_s.total_cmp(&b.weight_s))
                    .then(a.length_m.total_cmp(&b.length_m))
            });
            links.dedup_by_key(|l| l.node);
            for l in links.iter() {
                inn[l.node as usize].push(Link {
                    node: tail as u32,
                    ..*l
                });
            }
        }
        Self { out, inn }
    }

    /// Detaches `v` from its neighbours, telling `touched` about each.
    fn remove(&mut self, v: u32, mut touched: impl FnMut(u32)) {
        for i in 0..self.out[v as usize].len() {
            let w = self.out[v as usize][i].node;
            self.inn[w as usize].retain(|l| l.node != v);
            touched(w);
        }
        for i in 0..self.inn[v as usize].len() {
            let w = self.inn[v as usize][i].node;
            self.out[w as usize].retain(|l| l.node != v);
            touched(w);
        }
    }

    /// Adds the arc `from -> link.node`, or makes the existing one faster.
    fn add_or_improve(&mut self, from: u32, link: Link) {
        let to = link.node;
        let reverse = Link { node: from, ..link };
        upsert(&mut self.out[from as usize], link);
        upsert(&mut self.inn[to as usize], reverse);
    }
}

fn upsert(links: &mut Vec<Link>, link: Link) {
    match links.iter_mut().find(|l| l.node == link.node) {
        Some(existing) => {
            if link.weight_s < existing.weight_s {
                *existing = link;
            }
        }
        None => links.push(link),
    }
}

/// Lower is contracted earlier: the level plus how many arcs and original hops the
/// contraction would add per arc and hop it removes.
fn node_priority(graph: &Graph, v: u32, nobody: &[bool], ws: &mut Witness, level: u32) -> f64 {
    let added = shortcuts_of(graph, v, nobody, ws, PRIORITY_SETTLE_LIMIT);
    let links = graph.out[v as usize].iter().chain(&graph.inn[v as usize]);
    let (removed, removed_hops) = links.fold((0u64, 0u64), |(n, h), l| (n + 1, h + l.hops as u64));
    let added_hops: u64 = added.iter().map(|s| s.link.hops as u64).sum();
    f64::from(level) + ratio(added.len() as u64, removed) + ratio(added_hops, removed_hops)
}

fn ratio(added: u64, removed: u64) -> f64 {
    if removed == 0 {
        0.0
    } else {
        added as f64 / removed as f64
    }
}

/// The priority a quarter of the way up: a round only takes nodes below it, so a node
/// that merely beats its neighbours but is costly overall waits for a later round.
fn lower_quarter(remaining: &[u32], priority: &[f64]) -> f64 {
    let mut values: Vec<f64> = remaining.iter().map(|&v| priority[v as usize]).collect();
    let at = values.len() / 4;
    let (_, value, _) = values.select_nth_unstable_by(at, f64::total_cmp);
    *value
}

/// Whether `v` comes before each of its neighbours (priority, then a scrambled id so
/// that ties do not favour one corner of the numbering).
fn is_local_minimum(graph: &Graph, v: u32, priority: &[f64]) -> bool {
    let key = |w: u32| (priority[w as usize], scramble(w));
    let mine = key(v);
    let before = |w: u32| {
        let theirs = key(w);
        mine.0
            .total_cmp(&theirs.0)
            .then(mine.1.cmp(&theirs.1))
            .then(v.cmp(&w))
            == Ordering::Less
    };
    graph.out[v as usize]
        .iter()
        .chain(&graph.inn[v as usize])
        .all(|l| before(l.node))
}

fn scramble(v: u32) -> u64 {
    let mut x = u64::from(v).wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The shortcuts contracting `v` needs: for each pair of neighbours `u -> v -> x`, one
/// unless a witness path avoiding `v` (and the nodes of `in_round`) is as fast.
fn shortcuts_of(
    graph: &Graph,
    v: u32,
    in_round: &[bool],
    ws: &mut Witness,
    settle_limit: usize,
) -> Vec<Shortcut> {
    let outs = &graph.out[v as usize];
    let mut found = Vec::new();
    let mut targets = Vec::with_capacity(outs.len());
    for first in &graph.inn[v as usize] {
        let u = first.node;
        targets.clear();
        targets.extend(outs.iter().map(|l| l.node).filter(|&x| x != u));
        if targets.is_empty() {
            continue;
        }
        let bound = outs
            .iter()
            .filter(|l| l.node != u)
            .map(|l| first.weight_s + l.weight_s)
            .fold(0.0, f64::max);
        ws.run(graph, u, v, in_round, &targets, bound, settle_limit);
        for second in outs.iter().filter(|l| l.node != u) {
            let via = first.weight_s + second.weight_s;
            if ws.distance(second.node) > via {
                found.push(Shortcut {
                    from: u,
                    link: Link {
                        node: second.node,
                        weight_s: via,
                        length_m: first.length_m + second.length_m,
                        hops: first.hops + second.hops,
                    },
                });
            }
        }
    }
    found
}

/// A bounded Dijkstra looking for witness paths; labels reset by what was touched.
struct Witness {
    distance: Vec<f64>,
    touched: Vec<u32>,
    target_stamp: Vec<u32>,
    stamp: u32,
    heap: BinaryHeap<Entry>,
}

impl Witness {
    fn new(n: usize) -> Self {
        Self {
            distance: vec![f64::INFINITY; n],
            touched: Vec::new(),
            target_stamp: vec![0; n],
            stamp: 0,
            heap: BinaryHeap::new(),
        }
    }

    fn distance(&self, node: u32) -> f64 {
        self.distance[node as usize]
    }

    /// Searches from `source` avoiding `avoid` and `in_round` until every target is
    /// settled, the next node lies beyond `bound`, or `settle_limit` nodes are settled.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        graph: &Graph,
        source: u32,
        avoid: u32,
        in_round: &[bool],
        targets: &[u32],
        bound: f64,
        settle_limit: usize,
    ) {
        for &t in &self.touched {
            self.distance[t as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.target_stamp.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        let mut unsettled_targets = 0usize;
        for &t in targets {
            if self.target_stamp[t as usize] != self.stamp {
                self.target_stamp[t as usize] = self.stamp;
                unsettled_targets += 1;
            }
        }
        self.distance[source as usize] = 0.0;
        self.touched.push(source);
        self.heap.push(Entry {
            weight_s: 0.0,
            node: source,
        });
        let mut settled = 0usize;
        while let Some(Entry { weight_s, node }) = self.heap.pop() {
            if weight_s > self.distance[node as usize] {
                continue;
            }
            if weight_s > bound || settled >= settle_limit {
                break;
            }
            settled += 1;
            if self.target_stamp[node as usize] == self.stamp {
                self.target_stamp[node as usize] = 0;
                unsettled_targets -= 1;
                if unsettled_targets == 0 {
                    break;
                }
            }
            for l in &graph.out[node as usize] {
                if l.node == avoid || in_round[l.node as usize] {
                    continue;
                }
                let d = weight_s + l.weight_s;
                let slot = &mut self.distance[l.node as usize];
                if d < *slot {
                    if slot.is_infinite() {
                        self.touched.push(l.node);
                    }
                    *slot = d;
                    self.heap.push(Entry {
                        weight_s: d,
                        node: l.node,
                    });
                }
            }
        }
    }
}
