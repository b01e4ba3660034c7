//! Euler circuits by Hierholzer's algorithm: walk until stuck, then splice in the
//! detours found at nodes with unused edges (done with one stack, no recursion).

use thiserror::Error;

/// Why no Euler circuit exists.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EulerError {
    /// This node (by index) has an odd degree, so no closed walk can use each edge once.
    #[error("node {0} has an odd number of edges")]
    OddDegree(usize),
    /// Some edge cannot be reached from this start node (by index).
    #[error("the edges are not all connected to the start node {0}")]
    Disconnected(usize),
}

/// A closed walk from `start` using every edge of the undirected multigraph `edges`
/// (pairs of node indices below `node_count`) exactly once: `(edge, forward)` in
/// walking order, `forward` when the edge is walked from its first node to its second.
///
/// ```
/// use gridpatrol::sweep::euler::circuit;
/// let walk = circuit(3, &[(0, 1), (1, 2), (2, 0)], 0).unwrap();
/// assert_eq!(walk, vec![(0, true), (1, true), (2, true)]);
/// ```
pub fn circuit(
    node_count: usize,
    edges: &[(usize, usize)],
    start: usize,
) -> Result<Vec<(usize, bool)>, EulerError> {
    let mut degree = vec![0usize; node_count + 1];
    for &(a, b) in edges {
        degree[a] += 1;
        degree[b] += 1;
    }
    if let Some(v) = (0..node_count).find(|&v| degree[v] % 2 == 1) {
        return Err(EulerError::OddDegree(v));
    }
    if edges.is_empty() {
        return Ok(Vec::new());
    }
    let mut first = vec![0usize; node_count + 1];
    for v in 0..node_count {
        first[v + 1] = first[v] + degree[v];
    }
    let mut fill = first.clone();
    let mut incident = vec![0usize; first[node_count]];
    for (i, &(a, b)) in edges.iter().enumerate() {
        incident[fill[a]] = i;
        fill[a] += 1;
        incident[fill[b]] = i;
        fill[b] += 1;
    }
    let mut next = first.clone();
    let mut used = vec![false; edges.len()];
    let mut walk = Vec::with_capacity(edges.len());
    let mut stack: Vec<(usize, Option<(usize, bool)>)> = vec![(start, None)];
    while let Some(&(v, via)) = stack.last() {
        while next[v] < first[v + 1] && used[incident[next[v]]] {
            next[v] += 1;
        }
        if next[v] < first[v + 1] {
            let e = incident[next[v]];
            used[e] = true;
            let (a, b) = edges[e];
            let forward = a == v;
            stack.push((if forward { b } else { a }, Some((e, forward))));
        } else {
            stack.pop();
            walk.extend(via);
        }
    }
    if walk.len() != edges.len() {
        return Err(EulerError::Disconnected(start));
    }
    walk.reverse();
    Ok(walk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_closed(edges: &[(usize, usize)], start: usize, walk: &[(usize, bool)]) {
        assert_eq!(walk.len(), edges.len());
        let mut seen = vec![false; edges.len()];
        let mut at = start;
        for &(e, forward) in walk {
            assert!(!seen[e], "edge {e} twice");
            seen[e] = true;
            let (a, b) = if forward {
                edges[e]
            } else {
                (edges[e].1, edges[e].0)
            };
            assert_eq!(a, at);
            at = b;
        }
        assert_eq!(at, start);
    }

    #[test]
    fn figure_eight_with_loop_and_parallel_edges() {
        let edges = [
            (0, 1),
            (1, 2),
            (2, 0),
            (0, 3),
            (3, 4),
            (4, 0),
            (2, 2),
            (3, 4),
            (4, 3),
        ];
        let walk = circuit(5, &edges, 3).unwrap();
        check_closed(&edges, 3, &walk);
    }

    #[test]
    fn refuses_odd_and_disconnected() {
        assert_eq!(
            circuit(3, &[(0, 1), (1, 2)], 0),
            Err(EulerError::OddDegree(0))
        );
        assert_eq!(
            circuit(4, &[(0, 1), (1, 0), (2, 3), (3, 2)], 0),
            Err(EulerError::Disconnected(0))
        );
    }

    proptest! {
        /// Random closed walks doubled up give Eulerian multigraphs.
        #[test]
        fn random_eulerian_graphs(walks in proptest::collection::vec(proptest::collection::vec(0usize..8, 1..8), 1..4)) {
            let mut edges = Vec::new();
            for w in &walks {
                // Each walk starts and ends at node 0, so everything is connected.
                let mut at = 0;
                for &v in w.iter().chain(std::iter::once(&0)) {
                    edges.push((at, v));
                    at = v;
                }
            }
            let walk = circuit(8, &edges, 0).unwrap();
            check_closed(&edges, 0, &walk);
        }
    }
}
