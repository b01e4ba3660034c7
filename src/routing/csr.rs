//! The query structure: a compact adjacency array (CSR) built once from the petgraph
//! model. Arcs of a node sit next to each other in memory, so a search walks flat
//! vectors instead of petgraph's linked edge lists.

use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;

use crate::network::RoadGraph;

/// Forward adjacency of the road graph.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    /// Arcs of node `n` are `first_out[n]..first_out[n + 1]`.
    pub first_out: Vec<u32>,
    /// Target node of each arc.
    pub head: Vec<u32>,
    /// Cost of each arc in seconds, which the search minimises: the travel time, or in
    /// the turn-aware graph the routing weight ([`super::turns::duration_of_weight`]
    /// gives the travel time back).
    pub weight_s: Vec<f64>,
    /// Length of each arc in metres (carried along, not minimised).
    pub length_m: Vec<f64>,
    /// The graph edge of each arc (for paths).
    pub edge: Vec<u32>,
    /// Search nodes that copy another: the last `copy_of.len()` nodes, each standing for
    /// the node it names (in the turn-aware graph, a street piece travelled on a
    /// restriction's via path, see [`super::turns`]). Empty when no node is a copy.
    pub copy_of: Vec<u32>,
}

impl Csr {
    /// Builds the adjacency of `graph`.
    pub fn new(graph: &RoadGraph) -> Self {
        let n = graph.node_count();
        let m = graph.edge_count();
        let mut first_out = vec![0u32; n + 1];
        for e in graph.edge_references() {
            first_out[e.source().index() + 1] += 1;
        }
        for i in 0..n {
            first_out[i + 1] += first_out[i];
        }
        let mut fill = first_out.clone();
        let mut csr = Self {
            first_out,
            head: vec![0; m],
            weight_s: vec![0.0; m],
            length_m: vec![0.0; m],
            edge: vec![0; m],
            copy_of: Vec::new(),
        };
        for e in graph.edge_references() {
            let slot = &mut fill[e.source().index()];
            let a = *slot as usize;
            *slot += 1;
            csr.head[a] = e.target().index() as u32;
            csr.weight_s[a] = e.weight().duration_s;
            csr.length_m[a] = e.weight().length_m;
            csr.edge[a] = e.id().index() as u32;
        }
        csr
    }

    /// How many nodes.
    pub fn node_count(&self) -> usize {
        self.first_out.len().saturating_sub(1)
    }

    /// The arcs leaving `node`.
    pub fn arcs(&self, node: u32) -> std::ops::Range<usize> {
        self.first_out[node as usize] as usize..self.first_out[node as usize + 1] as usize
    }

    /// The graph edge of an arc.
    pub fn edge_of(&self, arc: usize) -> EdgeIndex {
        EdgeIndex::new(self.edge[arc] as usize)
    }

    /// The node an arc leaves from.
    pub fn tail_of(&self, arc: usize) -> u32 {
        // The last node whose arcs start at or before `arc`.
        (self
            .first_out
            .partition_point(|&first| first as usize <= arc)
            - 1) as u32
    }

    /// The first copied node (see [`Csr::copy_of`]).
    fn first_copy(&self) -> usize {
        self.node_count() - self.copy_of.len()
    }

    /// The node `node` stands for: itself, or the node it copies.
    pub fn original(&self, node: u32) -> u32 {
        match (node as usize).checked_sub(self.first_copy()) {
            Some(i) => self.copy_of[i],
            None => node,
        }
    }

    /// Per node, whether it lies in the largest strongly connected part of the graph:
    /// from there every other such node can be reached and can reach it back. On the
    /// turn-aware graph, turn restrictions and barriers can leave a street piece that
    /// the road graph connects unenterable or inescapable; a site is better placed on
    /// the next street than there.
    pub fn in_largest_component(&self) -> Vec<bool> {
        let n = self.node_count();
        let mut graph = petgraph::graph::DiGraph::<(), (), u32>::with_capacity(n, self.head.len());
        for _ in 0..n {
            graph.add_node(());
        }
        for tail in 0..n as u32 {
            for arc in self.arcs(tail) {
                graph.add_edge(tail.into(), self.head[arc].into(), ());
            }
        }
        let mut inside = vec![false; n];
        let components = petgraph::algo::kosaraju_scc(&graph);
        if let Some(largest) = components.iter().max_by_key(|c| c.len()) {
            for node in largest {
                inside[node.index()] = true;
            }
        }
        inside
    }

    /// The copies of `node`.
    pub fn copies(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        let first = self.first_copy() as u32;
        (first..)
            .zip(&self.copy_of)
            .filter(move |&(_, &of)| of == node)
            .map(|(copy, _)| copy)
    }
}
