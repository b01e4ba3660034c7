//! A contraction hierarchy for many-to-many matrices.
//!
//! [`Hierarchy::build`] contracts the nodes of a [`Csr`] one by one, least important
//! first, adding a shortcut wherever removing a node would lengthen a fastest path. Every
//! fastest path then climbs to a most important node and descends from it, so a query
//! searches only upward from both ends ([`Hierarchy::many_to_many`]). The graph is taken
//! as a plain weighted directed graph (only `first_out`, `head`, `weight_s` and
//! `length_m` are read), whatever its nodes stand for.
//!
//! Weights (seconds) stay `f64`: sums then match the plain Dijkstra to rounding, and
//! witness searches compare exactly what the query will add. Lengths, which are only
//! carried along, are stored as `f32` (a relative error below 1e-7).
//!
//! ```
//! use gridpatrol::routing::ch::Hierarchy;
//! use gridpatrol::routing::csr::Csr;
//! use gridpatrol::routing::dijkstra::Seed;
//! // 0 -> 1 -> 2, and a slow direct arc 0 -> 2.
//! let csr = Csr {
//!     first_out: vec![0, 2, 3, 3],
//!     head: vec![1, 2, 2],
//!     weight_s: vec![10.0, 50.0, 15.0],
//!     length_m: vec![100.0, 300.0, 150.0],
//!     edge: vec![0, 1, 2],
//!     copy_of: Vec::new(),
//! };
//! let ch = Hierarchy::build(&csr);
//! let from = Seed { node: 0, weight_s: 0.0, length_m: 0.0 };
//! let m = ch.many_to_many(&[vec![from]], &[vec![(2, 1.0, 5.0)], vec![(0, 0.0, 0.0)]]);
//! assert_eq!(m, vec![Some((26.0, 255.0)), Some((0.0, 0.0))]);
//! let again = Hierarchy::from_bytes(&ch.to_bytes()).unwrap();
//! assert_eq!(again.to_bytes(), ch.to_bytes());
//! ```

mod bytes;
mod contract;
mod query;
#[cfg(test)]
mod tests;

use crate::routing::csr::Csr;
use crate::routing::dijkstra::Seed;

pub use bytes::HierarchyError;
pub use query::Buckets;

/// A contracted graph ready for many-to-many queries. Nodes are renumbered by
/// importance internally; the API speaks the numbering of the [`Csr`] it was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    /// The hierarchy id of each input node (its rank: higher is more important).
    rank: Vec<u32>,
    /// Arcs to more important nodes.
    forward: Upward,
    /// Per node, the arcs reaching it from more important nodes (head = their tail).
    backward: Upward,
}

/// Upward arcs in adjacency-array form, indexed by hierarchy id.
#[derive(Debug, Clone, PartialEq, Default)]
struct Upward {
    first_out: Vec<u32>,
    head: Vec<u32>,
    weight_s: Vec<f64>,
    length_m: Vec<f32>,
}

impl Upward {
    fn arcs(&self, node: u32) -> std::ops::Range<usize> {
        self.first_out[node as usize] as usize..self.first_out[node as usize + 1] as usize
    }

    fn arc_count(&self) -> usize {
        self.head.len()
    }

    /// Packs per-node link lists (input numbering) into hierarchy order, freeing each
    /// list once packed so the lists and the arrays are not held in full together.
    fn pack(order: &[u32], rank: &[u32], mut links: Vec<Vec<contract::Link>>) -> Self {
        let arcs: usize = links.iter().map(Vec::len).sum();
        let mut up = Self {
            first_out: Vec::with_capacity(order.len() + 1),
            head: Vec::with_capacity(arcs),
            weight_s: Vec::with_capacity(arcs),
            length_m: Vec::with_capacity(arcs),
        };
        up.first_out.push(0);
        for &v in order {
            let mut arcs: Vec<(u32, f64, f32)> = std::mem::take(&mut links[v as usize])
                .into_iter()
                .map(|l| (rank[l.node as usize], l.weight_s, l.length_m as f32))
                .collect();
            arcs.sort_by_key(|a| a.0);
            for (head, weight_s, length_m) in arcs {
                up.head.push(head);
                up.weight_s.push(weight_s);
                up.length_m.push(length_m);
            }
            up.first_out.push(up.head.len() as u32);
        }
        up
    }
}

impl Hierarchy {
    /// Contracts `csr`. Deterministic: the same graph gives the same hierarchy (and
    /// bytes) whatever the number of threads.
    pub fn build(csr: &Csr) -> Self {
        let contract::Contracted {
            order,
            up_out,
            up_in,
        } = contract::contract(csr);
        let mut rank = vec![0u32; order.len()];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        let forward = Upward::pack(&order, &rank, up_out);
        let backward = Upward::pack(&order, &rank, up_in);
        Self {
            rank,
            forward,
            backward,
        }
    }

    /// How many nodes (as in the input graph).
    pub fn node_count(&self) -> usize {
        self.rank.len()
    }

    /// How many upward arcs, original and shortcuts, in both directions.
    pub fn arc_count(&self) -> usize {
        self.forward.arc_count() + self.backward.arc_count()
    }

    /// Weights and lengths from every source to every target, row-major
    /// `sources.len() x targets.len()`, `None` where unreachable. A source starts from
    /// any of its seeds (node, seconds and metres already spent); a target is reached at
    /// any of its nodes, each with a last piece `(node, seconds, metres)` added. Seeds
    /// and arrivals at nodes outside the graph or with non-finite costs are ignored.
    /// Sources are searched in parallel.
    pub fn many_to_many(
        &self,
        sources: &[Vec<Seed>],
        targets: &[Vec<(u32, f64, f64)>],
    ) -> Vec<Option<(f64, f64)>> {
        query::many_to_many(self, sources, targets)
    }

    /// [`Hierarchy::many_to_many`] handing each source's row of answers to `finish`
    /// (source index, its answers, its `targets.len()` cells of `out`) instead of
    /// returning a matrix of floats: `out` may hold a compact cell, so a big matrix is
    /// stored once. `out` has one cell per pair, row-major.
    pub fn many_to_many_rows<C: Send>(
        &self,
        sources: &[Vec<Seed>],
        targets: &[Vec<(u32, f64, f64)>],
        out: &mut [C],
        finish: impl Fn(usize, &[Option<(f64, f64)>], &mut [C]) + Sync,
    ) {
        query::many_to_many_rows(self, sources, targets, out, finish)
    }

    /// The backward half of a many-to-many: every target's upward search, left as
    /// buckets (targets as in [`Hierarchy::many_to_many`]). With [`Hierarchy::rows_to`]
    /// a big matrix is answered a band of sources at a time, the buckets searched once.
    pub fn target_buckets(&self, targets: &[Vec<(u32, f64, f64)>]) -> Buckets {
        query::target_buckets(self, targets)
    }

    /// The forward half: each source's row against `buckets`, handed to `finish` as in
    /// [`Hierarchy::many_to_many_rows`] (`out` has one cell per source and target).
    pub fn rows_to<C: Send>(
        &self,
        buckets: &Buckets,
        sources: &[Vec<Seed>],
        out: &mut [C],
        finish: impl Fn(usize, &[Option<(f64, f64)>], &mut [C]) + Sync,
    ) {
        query::rows_to(self, buckets, sources, out, finish)
    }

    /// The hierarchy id of an input node with its starting costs, if usable.
    fn seed(&self, node: u32, weight_s: f64, length_m: f64) -> Option<(u32, f64, f64)> {
        let rank = *self.rank.get(node as usize)?;
        (weight_s.is_finite() && length_m.is_finite()).then_some((rank, weight_s, length_m))
    }
}
