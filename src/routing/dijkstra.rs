//! Dijkstra on the CSR, minimising the routing weight (seconds: the travel time plus
//! the penalties of [`super::turns`]) and carrying the length of the path found.
//! Labels live in a [`Workspace`] reused across searches (one per thread): only the
//! nodes a search touched are reset, so a search costs what it explores, not the graph.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::csr::Csr;

/// No parent: the node is a seed (or unreached).
pub const NO_ARC: u32 = u32::MAX;

/// A start of a search: a node already reached at some cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    /// The CSR node index.
    pub node: u32,
    /// Weight (seconds) already spent reaching it (e.g. from a site partway along an edge).
    pub weight_s: f64,
    /// Metres already travelled reaching it.
    pub length_m: f64,
}

/// Per-thread labels, sized to the graph once.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Best weight found per node by the last search, in seconds; infinite where
    /// unreached, exact only for settled nodes.
    pub weight_s: Vec<f64>,
    /// Length in metres of the path behind `weight_s`, per node.
    pub length_m: Vec<f64>,
    /// The arc a node was reached by, [`NO_ARC`] for seeds.
    pub parent: Vec<u32>,
    settled: Vec<bool>,
    /// Stamp of the search that marked a node as a target.
    target_stamp: Vec<u32>,
    stamp: u32,
    touched: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

/// A heap entry: a node and its tentative weight, smallest weight first (shared
/// with the contraction hierarchy's searches).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Entry {
    pub weight_s: f64,
    pub node: u32,
}

impl Eq for Entry {}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the smallest weight first.
        other
            .weight_s
            .total_cmp(&self.weight_s)
            .then(other.node.cmp(&self.node))
    }
}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Workspace {
    /// Labels for a graph of `nodes` nodes.
    pub fn new(nodes: usize) -> Self {
        Self {
            weight_s: vec![f64::INFINITY; nodes],
            length_m: vec![f64::INFINITY; nodes],
            parent: vec![NO_ARC; nodes],
            settled: vec![false; nodes],
            target_stamp: vec![0; nodes],
            stamp: 0,
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &n in &self.touched {
            let n = n as usize;
            self.weight_s[n] = f64::INFINITY;
            self.length_m[n] = f64::INFINITY;
            self.parent[n] = NO_ARC;
            self.settled[n] = false;
        }
        self.touched.clear();
        self.heap.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.target_stamp.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
    }

    fn improve(&mut self, node: u32, weight_s: f64, length_m: f64, parent: u32) {
        let n = node as usize;
        if weight_s < self.weight_s[n] {
            if self.weight_s[n].is_infinite() {
                self.touched.push(node);
            }
            self.weight_s[n] = weight_s;
            self.length_m[n] = length_m;
            self.parent[n] = parent;
            self.heap.push(Entry { weight_s, node });
        }
    }

    /// Runs Dijkstra from `seeds` until every node of `targets` is settled (all nodes
    /// when `targets` is empty). Afterwards `weight_s[n]` is exact for settled nodes.
    pub fn search(&mut self, csr: &Csr, seeds: &[Seed], targets: &[u32]) {
        self.reset();
        let mut remaining = 0usize;
        for &t in targets {
            if self.target_stamp[t as usize] != self.stamp {
                self.target_stamp[t as usize] = self.stamp;
                remaining += 1;
            }
        }
        let all = targets.is_empty();
        for s in seeds {
            self.improve(s.node, s.weight_s, s.length_m, NO_ARC);
        }
        while let Some(Entry { weight_s, node }) = self.heap.pop() {
            let n = node as usize;
            if self.settled[n] || weight_s > self.weight_s[n] {
                continue;
            }
            self.settled[n] = true;
            if !all && self.target_stamp[n] == self.stamp {
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
            let length_m = self.length_m[n];
            for arc in csr.arcs(node) {
                let head = csr.head[arc];
                if !self.settled[head as usize] {
                    self.improve(
                        head,
                        weight_s + csr.weight_s[arc],
                        length_m + csr.length_m[arc],
                        arc as u32,
                    );
                }
            }
        }
    }
}
