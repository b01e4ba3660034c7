//! The bucket many-to-many query. A backward upward search from every target leaves,
//! at each node it settles, a bucket entry "target j is this far"; a forward upward
//! search from every source then reads the buckets of the nodes it settles. Both
//! searches stall on demand: a node that a higher neighbour reaches faster by coming back
//! down is not expanded and leaves or reads no bucket.

use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::{Hierarchy, Upward};
use crate::routing::dijkstra::Entry;
use crate::routing::dijkstra::Seed;

/// One bucket entry: target `target` is `weight_s` seconds (and `length_m` metres)
/// from the node holding the entry.
#[derive(Debug, Clone, Copy)]
struct BucketEntry {
    weight_s: f64,
    target: u32,
    length_m: f32,
}

/// The buckets of all targets, grouped by node: the backward half of a many-to-many,
/// kept to answer the sources a band at a time.
#[derive(Debug)]
pub struct Buckets {
    first: Vec<usize>,
    entries: Vec<BucketEntry>,
    /// How many targets.
    targets: usize,
}

impl Buckets {
    fn at(&self, node: u32) -> &[BucketEntry] {
        &self.entries[self.first[node as usize]..self.first[node as usize + 1]]
    }
}

pub(super) fn many_to_many(
    hierarchy: &Hierarchy,
    sources: &[Vec<Seed>],
    targets: &[Vec<(u32, f64, f64)>],
) -> Vec<Option<(f64, f64)>> {
    let mut cells = vec![None; sources.len() * targets.len()];
    many_to_many_rows(hierarchy, sources, targets, &mut cells, |_, found, row| {
        row.copy_from_slice(found)
    });
    cells
}

/// The many-to-many, handing each source's row of `(seconds, metres)` answers to
/// `finish`, which stores it in that source's `targets.len()` cells of `out`. A caller
/// keeping a compact cell holds only its own matrix, never a second one of full floats.
pub(super) fn many_to_many_rows<C: Send>(
    hierarchy: &Hierarchy,
    sources: &[Vec<Seed>],
    targets: &[Vec<(u32, f64, f64)>],
    out: &mut [C],
    finish: impl Fn(usize, &[Option<(f64, f64)>], &mut [C]) + Sync,
) {
    if sources.is_empty() || targets.is_empty() {
        return;
    }
    let buckets = target_buckets(hierarchy, targets);
    rows_to(hierarchy, &buckets, sources, out, finish);
}

/// The forward half of the many-to-many: each source's upward search reads the targets'
/// `buckets`, and its row goes to `finish` as in [`many_to_many_rows`].
pub(super) fn rows_to<C: Send>(
    hierarchy: &Hierarchy,
    buckets: &Buckets,
    sources: &[Vec<Seed>],
    out: &mut [C],
    finish: impl Fn(usize, &[Option<(f64, f64)>], &mut [C]) + Sync,
) {
    let n = hierarchy.node_count();
    let width = buckets.targets;
    if sources.is_empty() || width == 0 {
        return;
    }
    assert_eq!(out.len(), sources.len() * width, "one cell per pair");
    out.par_chunks_mut(width)
        .zip(sources.par_iter())
        .enumerate()
        .for_each_init(
            || (Search::new(n), vec![None::<(f64, f64)>; width]),
            |(search, found), (source, (row, seeds))| {
                found.fill(None);
                let seeds = seeds
                    .iter()
                    .filter_map(|s| hierarchy.seed(s.node, s.weight_s, s.length_m));
                search.run(
                    &hierarchy.forward,
                    &hierarchy.backward,
                    seeds,
                    |node, d, l| {
                        for e in buckets.at(node) {
                            let total = d + e.weight_s;
                            let cell = &mut found[e.target as usize];
                            if cell.is_none_or(|best| total < best.0) {
                                *cell = Some((total, l + f64::from(e.length_m)));
                            }
                        }
                    },
                );
                finish(source, found, row);
            },
        );
}

/// The backward upward searches from every target, grouped into per-node buckets.
pub(super) fn target_buckets(hierarchy: &Hierarchy, targets: &[Vec<(u32, f64, f64)>]) -> Buckets {
    let n = hierarchy.node_count();
    let reached: Vec<Vec<(u32, f64, f32)>> = targets
        .par_iter()
        .map_init(
            || Search::new(n),
            |search, arrivals| {
                let seeds = arrivals
                    .iter()
                    .filter_map(|&(node, d, l)| hierarchy.seed(node, d, l));
                let mut out = Vec::new();
                search.run(
                    &hierarchy.backward,
                    &hierarchy.forward,
                    seeds,
                    |node, d, l| {
                        out.push((node, d, l as f32));
                    },
                );
                out
            },
        )
        .collect();
    fill_buckets(n, &reached)
}

/// Groups the backward searches' nodes into per-node buckets, targets in order.
fn fill_buckets(n: usize, reached: &[Vec<(u32, f64, f32)>]) -> Buckets {
    let mut first = vec![0usize; n + 1];
    for per_target in reached {
        for &(node, _, _) in per_target {
            first[node as usize + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let blank = BucketEntry {
        weight_s: 0.0,
        target: 0,
        length_m: 0.0,
    };
    let mut entries = vec![blank; first[n]];
    for (target, per_target) in reached.iter().enumerate() {
        for &(node, weight_s, length_m) in per_target {
            let slot = &mut fill[node as usize];
            entries[*slot] = BucketEntry {
                weight_s,
                target: target as u32,
                length_m,
            };
            *slot += 1;
        }
    }
    Buckets {
        first,
        entries,
        targets: reached.len(),
    }
}

/// Labels of one upward search, reused across searches on one thread.
struct Search {
    weight_s: Vec<f64>,
    length_m: Vec<f64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl Search {
    fn new(n: usize) -> Self {
        Self {
            weight_s: vec![f64::INFINITY; n],
            length_m: vec![0.0; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn improve(&mut self, node: u32, weight_s: f64, length_m: f64) {
        let slot = &mut self.weight_s[node as usize];
        if weight_s < *slot {
            if slot.is_infinite() {
                self.touched.push(node);
            }
            *slot = weight_s;
            self.length_m[node as usize] = length_m;
            self.heap.push(Entry { weight_s, node });
        }
    }

    /// Dijkstra over the `up` arcs from `seeds` (hierarchy ids), calling `settle` with
    /// every node settled and not stalled (checked with the `down` arcs).
    fn run(
        &mut self,
        up: &Upward,
        down: &Upward,
        seeds: impl Iterator<Item = (u32, f64, f64)>,
        mut settle: impl FnMut(u32, f64, f64),
    ) {
        for &t in &self.touched {
            self.weight_s[t as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        for (node, d, l) in seeds {
            self.improve(node, d, l);
        }
        while let Some(Entry { weight_s, node }) = self.heap.pop() {
            if weight_s > self.weight_s[node as usize] || self.stalled(down, node, weight_s) {
                continue;
            }
            let length_m = self.length_m[node as usize];
            settle(node, weight_s, length_m);
            for arc in up.arcs(node) {
                self.improve(
                    up.head[arc],
                    weight_s + up.weight_s[arc],
                    length_m + f64::from(up.length_m[arc]),
                );
            }
        }
    }

    /// Whether a higher node already reached reaches `node` faster than `weight_s`.
    fn stalled(&self, down: &Upward, node: u32, weight_s: f64) -> bool {
        down.arcs(node)
            .any(|arc| self.weight_s[down.head[arc] as usize] + down.weight_s[arc] < weight_s)
    }
}
