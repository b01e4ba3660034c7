//! Dijkstra on the sweep graph, with a reusable workspace: only the nodes a search
//! touched are reset, so thousands of short neighbour-limited searches stay cheap.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::graph::SweepGraph;

const NONE: u32 = u32::MAX;

/// One edge walked along a path: the graph edge and whether it is walked from its
/// `from` node to its `to` node.
pub type PathStep = (usize, bool);

#[derive(Clone, Copy, PartialEq)]
struct Entry {
    dist_m: f64,
    node: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the nearest first.
        other
            .dist_m
            .total_cmp(&self.dist_m)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A shortest-path search workspace sized for one graph.
pub struct Dijkstra {
    dist_m: Vec<f64>,
    pred_edge: Vec<u32>,
    label: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl Dijkstra {
    /// A workspace for graphs of `node_count` nodes.
    pub fn new(node_count: usize) -> Self {
        Self {
            dist_m: vec![f64::INFINITY; node_count],
            pred_edge: vec![NONE; node_count],
            label: vec![NONE; node_count],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            let v = v as usize;
            self.dist_m[v] = f64::INFINITY;
            self.pred_edge[v] = NONE;
            self.label[v] = NONE;
        }
        self.touched.clear();
        self.heap.clear();
    }

    /// Searches from `sources` (node, label); `settle(node, dist_m)` is called as each
    /// node is settled, nearest first, and stops the search by returning `true`.
    pub fn run<F>(&mut self, graph: &SweepGraph, sources: &[(usize, u32)], mut settle: F)
    where
        F: FnMut(usize, f64) -> bool,
    {
        self.reset();
        for &(s, label) in sources {
            if self.dist_m[s] > 0.0 {
                self.touch(s, 0.0, NONE, label);
                self.heap.push(Entry {
                    dist_m: 0.0,
                    node: s as u32,
                });
            }
        }
        while let Some(Entry { dist_m, node }) = self.heap.pop() {
            let v = node as usize;
            if dist_m > self.dist_m[v] {
                continue;
            }
            if settle(v, dist_m) {
                return;
            }
            let label = self.label[v];
            for &(w, e) in graph.neighbours(v) {
                let nd = dist_m + graph.edge(e as usize).length_m;
                if nd < self.dist_m[w as usize] {
                    self.touch(w as usize, nd, e, label);
                    self.heap.push(Entry {
                        dist_m: nd,
                        node: w,
                    });
                }
            }
        }
    }

    fn touch(&mut self, v: usize, dist_m: f64, pred: u32, label: u32) {
        if self.dist_m[v].is_infinite() {
            self.touched.push(v as u32);
        }
        self.dist_m[v] = dist_m;
        self.pred_edge[v] = pred;
        self.label[v] = label;
    }

    /// The distance found to `v` by the last search (infinite if not reached).
    pub fn dist_m(&self, v: usize) -> f64 {
        self.dist_m[v]
    }

    /// The label of the source `v` was reached from in the last search.
    pub fn label(&self, v: usize) -> Option<u32> {
        (self.label[v] != NONE).then_some(self.label[v])
    }

    /// The path of the last search from its source to `v`, in walking order.
    pub fn path_to(&self, graph: &SweepGraph, v: usize) -> Vec<PathStep> {
        let mut steps = Vec::new();
        let mut at = v;
        while self.pred_edge[at] != NONE {
            let e = self.pred_edge[at] as usize;
            let edge = graph.edge(e);
            // Walked towards `at`: forward when `at` is the edge's `to` node.
            let forward = edge.to == at;
            steps.push((e, forward));
            at = if forward { edge.from } else { edge.to };
        }
        steps.reverse();
        steps
    }

    /// Shortest path from `a` to `b` (distance and steps), or `None` if unreachable.
    pub fn path_between(
        &mut self,
        graph: &SweepGraph,
        a: usize,
        b: usize,
    ) -> Option<(f64, Vec<PathStep>)> {
        let mut found = false;
        self.run(graph, &[(a, 0)], |v, _| {
            found = v == b;
            found
        });
        found.then(|| (self.dist_m[b], self.path_to(graph, b)))
    }
}

/// Reverses a path: the same edges walked the other way, last first.
pub fn reversed(path: &[PathStep]) -> Vec<PathStep> {
    path.iter().rev().map(|&(e, f)| (e, !f)).collect()
}
