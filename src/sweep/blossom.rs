//! Exact minimum-weight perfect matching on a complete graph: Edmonds' blossom
//! algorithm with dual variables, O(n³) time and O(n²) memory.
//!
//! The primal-dual method keeps a dual value per vertex and per blossom (an odd set of
//! vertices shrunk to one node) such that no edge has negative reduced cost ("slack"),
//! and only zero-slack ("tight") edges are used. Each stage grows alternating trees
//! from every unmatched vertex along tight edges, raising the duals of outer nodes and
//! lowering those of inner nodes by the largest amount that keeps every slack
//! non-negative, until two trees meet (augment: one more matched pair), a tree meets
//! itself (shrink the odd cycle into a blossom) or an inner blossom's dual reaches zero
//! (expand it). When every vertex is matched, the duals prove the matching optimal.
//!
//! Blossom duals are charged to the edges leaving the blossom, so a vertex's
//! "effective" dual (its own plus those of the blossoms around it) is all an edge
//! between two top-level nodes needs. Weights are whole multiples of 4 (millimetres ×4)
//! and every vertex starts on an even dual, which keeps every dual change a whole
//! number: tree vertices always share one parity, so the slack between two outer
//! vertices is even and its half exact.

use super::matching::Pair;

const NONE: usize = usize::MAX;
/// Weight of a missing (infinite) edge: never tight, never chosen.
const NO_EDGE: i64 = i64::MAX / 4;
/// `near_key` of a vertex without candidates; missing edges' keys stay above it.
const NO_NEAR: i64 = NO_EDGE / 2;

/// The largest set [`min_weight_perfect_matching`] is meant for: its n² weight table
/// takes 8·n² bytes (72 MB at 3000).
pub const BLOSSOM_MAX: usize = 3000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Free,
    Outer,
    Inner,
}

/// What ends one dual step.
enum Event {
    /// A free node is reached from an outer vertex: it joins that tree.
    Grow(usize),
    /// Two outer vertices in different nodes are joined by a tight edge.
    Meet(usize, usize),
    /// An inner blossom's dual reached zero: it falls apart.
    Expand(usize),
}

/// Edge weights in millimetres × 4.
enum Weights {
    /// All pairs, `n × n` row-major (`NO_EDGE` where unreachable).
    Dense(Vec<i64>),
    /// Candidate edges only: per vertex, `(neighbour, weight)` sorted by neighbour.
    Sparse(Vec<Vec<(usize, i64)>>),
}

struct Solver {
    n: usize,
    w: Weights,
    mate: Vec<usize>,
    /// Per vertex: its dual plus the duals of every blossom containing it.
    eff: Vec<i64>,
    /// Per node (vertices `0..n`, blossoms `n..2n`): the blossom dual.
    z: Vec<i64>,
    /// Per node: the blossom directly containing it.
    parent: Vec<usize>,
    /// Per blossom: its sub-nodes in cycle order, the base's first.
    childs: Vec<Vec<usize>>,
    /// Per blossom: `cedges[b][i]` joins a vertex of `childs[b][i]` to one of
    /// `childs[b][i + 1]` (cyclically); the odd-numbered ones are matched.
    cedges: Vec<Vec<(usize, usize)>>,
    /// Per node: the vertex whose matched edge leaves it.
    base: Vec<usize>,
    /// Per vertex: the top-level node containing it.
    top: Vec<usize>,
    /// Per top-level node, in the current stage.
    label: Vec<Label>,
    /// Per inner top-level node: the tree edge (outer vertex, vertex inside) reaching it.
    tparent: Vec<(usize, usize)>,
    /// Per vertex: the outer vertex outside its node with the least slack to it.
    near: Vec<usize>,
    /// Per vertex: `w(near, v) - eff[near] + outer_shift`, which stays fixed while
    /// the duals move (every outer vertex moves by the same step).
    near_key: Vec<i64>,
    /// The sum of this stage's dual steps so far.
    outer_shift: i64,
    unused: Vec<usize>,
    stamp: Vec<u32>,
    stamp_now: u32,
}

/// The minimum-weight perfect matching of `n` items (`n` even) under the symmetric
/// distance `dist` (metres, rounded to millimetres for the optimisation; non-finite
/// means "cannot be paired"). `None` if `n` is odd or no perfect matching exists.
///
/// ```
/// use gridpatrol::sweep::blossom::min_weight_perfect_matching;
/// // Two triangles 8 m apart: the optimum crosses once, between the nearest corners.
/// let pos = [(0.0, 0.0), (1.0, 0.0), (0.5, 0.8), (9.0, 0.0), (10.0, 0.0), (9.5, 0.8)];
/// let d = |i: usize, j: usize| {
///     let (a, b): ((f64, f64), (f64, f64)) = (pos[i], pos[j]);
///     ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
/// };
/// let pairs = min_weight_perfect_matching(6, d).unwrap();
/// let cost: f64 = pairs.iter().map(|p| p.2).sum();
/// assert!((cost - (d(1, 3) + d(0, 2) + d(4, 5))).abs() < 1e-9);
/// ```
pub fn min_weight_perfect_matching(
    n: usize,
    dist: impl Fn(usize, usize) -> f64,
) -> Option<Vec<Pair>> {
    if n % 2 == 1 {
        return None;
    }
    let mut w = vec![NO_EDGE; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let d = dist(i, j);
            if d.is_finite() && (0.0..1e12).contains(&d) {
                let mm = (d * 1000.0).round() as i64 * 4;
                w[i * n + j] = mm;
                w[j * n + i] = mm;
            }
        }
    }
    let mut solver = Solver::new(n, Weights::Dense(w));
    if !solver.solve() {
        return None;
    }
    Some(
        (0..n)
            .filter(|&i| solver.mate[i] > i)
            .map(|i| (i, solver.mate[i], dist(i, solver.mate[i])))
            .collect(),
    )
}

/// A minimum-weight perfect matching over candidate pairs only (each item's nearest
/// few), for sets too large for the all-pairs table. It is optimal among the
/// candidates; [`NearMatching::violation_m`] tells whether a pair left out could
/// improve it (if none can, it is optimal over all pairs: "pricing"), and
/// [`NearMatching::lower_bound_m`] bounds the optimum over all pairs without pricing.
pub struct NearMatching {
    solver: Solver,
    /// Per vertex: `(candidate, distance_m)`, sorted by candidate.
    dist_m: Vec<Vec<(usize, f64)>>,
    /// Per vertex: the blossoms around it, outermost first.
    chain: Vec<Vec<usize>>,
}

fn scaled(d_m: f64) -> Option<i64> {
    (d_m.is_finite() && (0.0..1e12).contains(&d_m)).then(|| (d_m * 1000.0).round() as i64 * 4)
}

impl NearMatching {
    /// Matches `lists.len()` items over the pairs in `lists` (`lists[v]`: `(item,
    /// distance_m)`) and the `extra` pairs (a known perfect matching among them
    /// guarantees a result no worse than it). `None` if the count is odd or the
    /// candidates admit no perfect matching.
    pub fn solve(lists: &[Vec<(usize, f64)>], extra: &[Pair]) -> Option<Self> {
        let n = lists.len();
        if n % 2 == 1 {
            return None;
        }
        let mut adj: Vec<Vec<(usize, i64, f64)>> = vec![Vec::new(); n];
        let listed = lists
            .iter()
            .enumerate()
            .flat_map(|(v, l)| l.iter().map(move |&(u, d)| (v, u, d)));
        for (v, u, d) in listed.chain(extra.iter().copied()) {
            if let (true, Some(w)) = (u != v && u < n && v < n, scaled(d)) {
                adj[v].push((u, w, d));
                adj[u].push((v, w, d));
            }
        }
        for a in &mut adj {
            a.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)));
            a.dedup_by_key(|e| e.0);
        }
        let weights = adj
            .iter()
            .map(|a| a.iter().map(|e| (e.0, e.1)).collect())
            .collect();
        let mut solver = Solver::new(n, Weights::Sparse(weights));
        if !solver.solve() {
            return None;
        }
        let chain = (0..n)
            .map(|v| {
                let mut up = Vec::new();
                let mut b = solver.parent[v];
                while b != NONE {
                    up.push(b);
                    b = solver.parent[b];
                }
                up.reverse();
                up
            })
            .collect();
        let dist_m = adj
            .into_iter()
            .map(|a| a.into_iter().map(|e| (e.0, e.2)).collect())
            .collect();
        Some(Self {
            solver,
            dist_m,
            chain,
        })
    }

    /// The matched pairs, `(a, b, distance_m)` with `a < b`.
    pub fn pairs(&self) -> Vec<Pair> {
        let mate = &self.solver.mate;
        (0..mate.len())
            .filter(|&i| mate[i] > i)
            .map(|i| {
                let list = &self.dist_m[i];
                let k = list.binary_search_by_key(&mate[i], |e| e.0).ok();
                (i, mate[i], k.map_or(f64::INFINITY, |k| list[k].1))
            })
            .collect()
    }

    /// How far below zero the reduced cost of pairing `u` and `v` (at `d_m`) is, in
    /// metres; `None` if it is not negative. When no pair of items has one, the duals
    /// are feasible for all pairs and prove the matching optimal over all of them
    /// (up to the millimetre rounding of the weights).
    pub fn violation_m(&self, u: usize, v: usize, d_m: f64) -> Option<f64> {
        let s = &self.solver;
        let w = scaled(d_m)?;
        let (cu, cv) = (&self.chain[u], &self.chain[v]);
        let common: i64 = cu
            .iter()
            .zip(cv)
            .take_while(|(a, b)| a == b)
            .map(|(&b, _)| s.z[b])
            .sum();
        let reduced = w - s.eff[u] - s.eff[v] + 2 * common;
        (u != v && reduced < 0).then(|| -reduced as f64 / 4000.0)
    }

    /// A lower bound on the optimum over all pairs, given `radius_m[v]`: every item
    /// not among `v`'s candidates is at least that far from it (infinite if all are).
    /// It is the dual objective after lowering duals until no vertex's exceeds half its
    /// radius, which makes them feasible for every pair: a pair outside both lists is
    /// at least `max(radius)` long, more than the two lowered duals together.
    pub fn lower_bound_m(&self, radius_m: &[f64]) -> f64 {
        let n = self.solver.n;
        let radius: Vec<i64> = (0..n)
            .map(|v| radius_m.get(v).and_then(|&r| scaled(r)).unwrap_or(NO_EDGE))
            .collect();
        // Rounding to millimetres moves each of the n/2 pairs by at most 0.5 mm.
        let bound_m =
            (self.solver.dual_lower_bound(&radius) as f64 / 4.0 - n as f64 / 4.0) / 1000.0;
        bound_m.max(0.0)
    }
}

impl Solver {
    fn new(n: usize, w: Weights) -> Self {
        let nodes = 2 * n.max(1);
        Self {
            n,
            w,
            mate: vec![NONE; n],
            eff: vec![0; n],
            z: vec![0; nodes],
            parent: vec![NONE; nodes],
            childs: vec![Vec::new(); nodes],
            cedges: vec![Vec::new(); nodes],
            base: (0..nodes).map(|b| if b < n { b } else { NONE }).collect(),
            top: (0..n).collect(),
            label: vec![Label::Free; nodes],
            tparent: vec![(NONE, NONE); nodes],
            near: vec![NONE; n],
            near_key: vec![NO_NEAR; n],
            outer_shift: 0,
            unused: (n..nodes).rev().collect(),
            stamp: vec![0; nodes],
            stamp_now: 0,
        }
    }

    fn weight(&self, u: usize, v: usize) -> i64 {
        match &self.w {
            Weights::Dense(w) => w[u * self.n + v],
            Weights::Sparse(adj) => adj[u]
                .binary_search_by_key(&v, |e| e.0)
                .map_or(NO_EDGE, |k| adj[u][k].1),
        }
    }

    /// The vertices `v` may be paired with, and the weights.
    fn candidates(&self, v: usize) -> Vec<(usize, i64)> {
        match &self.w {
            Weights::Dense(w) => (0..self.n)
                .map(|u| (u, w[v * self.n + u]))
                .filter(|e| e.1 < NO_EDGE)
                .collect(),
            Weights::Sparse(adj) => adj[v].clone(),
        }
    }

    /// Reduced cost of the edge between vertices of different top-level nodes.
    fn slack(&self, u: usize, v: usize) -> i64 {
        self.weight(u, v) - self.eff[u] - self.eff[v]
    }

    fn is_top(&self, b: usize) -> bool {
        self.parent[b] == NONE && (b < self.n || !self.childs[b].is_empty())
    }

    /// The vertices inside node `b`.
    fn leaves(&self, b: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![b];
        while let Some(x) = stack.pop() {
            if x < self.n {
                out.push(x);
            } else {
                stack.extend_from_slice(&self.childs[x]);
            }
        }
        out
    }

    /// The dual objective after lowering duals until every vertex's effective dual is
    /// at most half its radius (see [`NearMatching::lower_bound_m`]): a lower bound on
    /// the optimum over all pairs. A blossom's dual lowers every vertex inside it at
    /// once, so blossoms give up what all their vertices must lose first (top down),
    /// and each vertex's own dual the rest.
    fn dual_lower_bound(&self, radius: &[i64]) -> i64 {
        let mut need: Vec<i64> = (0..self.n)
            .map(|v| (self.eff[v] - radius[v] / 2).max(0))
            .collect();
        let mut total: i64 = (self.n..2 * self.n)
            .filter(|&b| !self.childs[b].is_empty())
            .map(|b| self.z[b])
            .sum();
        for v in 0..self.n {
            let mut around = 0;
            let mut b = self.parent[v];
            while b != NONE {
                around += self.z[b];
                b = self.parent[b];
            }
            total += self.eff[v] - around;
        }
        let mut stack: Vec<usize> = (0..2 * self.n).filter(|&b| self.is_top(b)).collect();
        while let Some(b) = stack.pop() {
            if b < self.n {
                total -= need[b];
                continue;
            }
            let inside = self.leaves(b);
            let common = inside.iter().map(|&v| need[v]).min().unwrap_or(0);
            let cut = common.min(self.z[b]).max(0);
            total -= cut;
            for v in inside {
                need[v] -= cut;
            }
            stack.extend_from_slice(&self.childs[b]);
        }
        total
    }

    /// Matches every vertex; `false` if no perfect matching exists.
    fn solve(&mut self) -> bool {
        if !self.init_duals() {
            return false;
        }
        self.match_tight_greedily();
        while self.mate.contains(&NONE) {
            self.start_stage();
            loop {
                match self.next_event() {
                    None => return false,
                    Some(Event::Grow(v)) => self.grow(v),
                    Some(Event::Meet(u, v)) => {
                        if self.meet(u, v) {
                            break;
                        }
                    }
                    Some(Event::Expand(b)) => self.expand(b),
                }
            }
            self.dissolve_zero_blossoms();
        }
        true
    }

    /// Half of each vertex's lightest edge: feasible, and even (weights are ×4).
    fn init_duals(&mut self) -> bool {
        for v in 0..self.n {
            let lightest = self.candidates(v).iter().map(|e| e.1).min();
            match lightest {
                Some(w) if w < NO_EDGE => self.eff[v] = w / 2,
                _ => return false,
            }
        }
        true
    }

    /// A cheap head start: each unmatched vertex raises its dual until one of its
    /// edges is tight (feasibility kept) and pairs with an unmatched vertex on a tight
    /// edge if there is one. Slacks are even here, so duals stay even.
    fn match_tight_greedily(&mut self) {
        for v in 0..self.n {
            if self.mate[v] != NONE {
                continue;
            }
            let around = self.candidates(v);
            let slack = |this: &Self, (u, w): (usize, i64)| w - this.eff[u] - this.eff[v];
            let Some(least) = around.iter().map(|&e| slack(self, e)).min() else {
                continue;
            };
            self.eff[v] += least;
            let free_tight = around
                .iter()
                .find(|&&e| self.mate[e.0] == NONE && slack(self, e) == 0);
            if let Some(&(u, _)) = free_tight {
                self.mate[u] = v;
                self.mate[v] = u;
            }
        }
    }

    /// Every unmatched top-level node becomes the outer root of a tree.
    fn start_stage(&mut self) {
        self.near.iter_mut().for_each(|x| *x = NONE);
        self.near_key.iter_mut().for_each(|x| *x = NO_NEAR);
        self.outer_shift = 0;
        let tops: Vec<usize> = (0..2 * self.n).filter(|&b| self.is_top(b)).collect();
        for &b in &tops {
            self.label[b] = Label::Free;
            self.tparent[b] = (NONE, NONE);
        }
        for &b in &tops {
            if self.mate[self.base[b]] == NONE {
                self.label[b] = Label::Outer;
                let vs = self.leaves(b);
                self.offer_outer(&vs);
            }
        }
    }

    /// New outer vertices `sources` become candidates for every other node's `near`.
    fn offer_outer(&mut self, sources: &[usize]) {
        let n = self.n;
        for &s in sources {
            let ts = self.top[s];
            let base = self.eff[s] - self.outer_shift;
            let mut offer = |v: usize, w: i64| {
                let key = w - base;
                if key < self.near_key[v] && self.top[v] != ts {
                    self.near_key[v] = key;
                    self.near[v] = s;
                }
            };
            match &self.w {
                Weights::Dense(w) => {
                    for (v, &w) in w[s * n..(s + 1) * n].iter().enumerate() {
                        offer(v, w);
                    }
                }
                Weights::Sparse(adj) => {
                    for &(v, w) in &adj[s] {
                        offer(v, w);
                    }
                }
            }
        }
    }

    /// The best outer vertex outside `v`'s node, by a full scan.
    fn rescan_near(&mut self, v: usize) {
        let tv = self.top[v];
        self.near[v] = NONE;
        self.near_key[v] = NO_NEAR;
        for (s, w) in self.candidates(v) {
            if self.top[s] == tv || self.label[self.top[s]] != Label::Outer {
                continue;
            }
            let key = w - self.eff[s] + self.outer_shift;
            if key < self.near_key[v] {
                self.near_key[v] = key;
                self.near[v] = s;
            }
        }
    }

    /// Finds the largest dual step, applies it, and says what happened at its end.
    fn next_event(&mut self) -> Option<Event> {
        let mut best: Option<(i64, Event)> = None;
        let mut offer = |delta: i64, event: Event| {
            if best.as_ref().is_none_or(|b| delta < b.0) {
                best = Some((delta, event));
            }
        };
        for v in 0..self.n {
            let s = self.near[v];
            if s == NONE {
                continue;
            }
            let slack = self.near_key[v] - self.outer_shift - self.eff[v];
            debug_assert_eq!(slack, self.slack(s, v));
            match self.label[self.top[v]] {
                Label::Free => offer(slack, Event::Grow(v)),
                Label::Outer => {
                    debug_assert!(slack % 2 == 0, "odd slack {slack} between outer vertices");
                    offer(slack / 2, Event::Meet(s, v));
                }
                Label::Inner => {}
            }
        }
        for b in self.n..2 * self.n {
            if self.is_top(b) && self.label[b] == Label::Inner {
                offer(self.z[b], Event::Expand(b));
            }
        }
        let (delta, event) = best?;
        if delta > 0 {
            self.shift(delta);
        }
        Some(event)
    }

    /// Raises outer duals and lowers inner ones by `delta`.
    fn shift(&mut self, delta: i64) {
        self.outer_shift += delta;
        for v in 0..self.n {
            match self.label[self.top[v]] {
                Label::Outer => self.eff[v] += delta,
                Label::Inner => self.eff[v] -= delta,
                Label::Free => {}
            }
        }
        for b in self.n..2 * self.n {
            if self.is_top(b) {
                match self.label[b] {
                    Label::Outer => self.z[b] += delta,
                    Label::Inner => self.z[b] -= delta,
                    Label::Free => {}
                }
            }
        }
    }

    /// The free node of `v` becomes inner (reached from `near[v]`), its mate's outer.
    fn grow(&mut self, v: usize) {
        let fb = self.top[v];
        self.label[fb] = Label::Inner;
        self.tparent[fb] = (self.near[v], v);
        // Free nodes are matched: every unmatched node is an outer root.
        let mb = self.top[self.mate[self.base[fb]]];
        self.label[mb] = Label::Outer;
        let vs = self.leaves(mb);
        self.offer_outer(&vs);
    }

    /// The outer node above outer node `b` in its tree (`None` at the root).
    fn outer_parent(&self, b: usize) -> Option<usize> {
        let m = self.mate[self.base[b]];
        (m != NONE).then(|| self.top[self.tparent[self.top[m]].0])
    }

    /// Outer vertices `u` and `v` are joined by a tight edge: shrink the cycle if they
    /// share a tree, else augment. `true` when augmented.
    fn meet(&mut self, u: usize, v: usize) -> bool {
        self.stamp_now += 1;
        let (mut a, mut b) = (Some(self.top[u]), Some(self.top[v]));
        let mut common = None;
        while a.is_some() || b.is_some() {
            if let Some(x) = a {
                if self.stamp[x] == self.stamp_now {
                    common = Some(x);
                    break;
                }
                self.stamp[x] = self.stamp_now;
                a = self.outer_parent(x);
            }
            std::mem::swap(&mut a, &mut b);
        }
        match common {
            Some(lca) => {
                self.shrink(lca, u, v);
                false
            }
            None => {
                self.augment_side(u, v);
                self.augment_side(v, u);
                true
            }
        }
    }

    /// The tree path from outer node `from` up to `lca`: the nodes (lowest first) and
    /// each one's edge to the next node up, as (vertex in it, vertex above).
    fn path_up(&self, from: usize, lca: usize) -> (Vec<usize>, Vec<(usize, usize)>) {
        let (mut nodes, mut edges) = (Vec::new(), Vec::new());
        let mut x = from;
        while x != lca {
            let b = self.base[x];
            let m = self.mate[b];
            nodes.push(x);
            edges.push((b, m));
            let t = self.top[m];
            let (s, tv) = self.tparent[t];
            nodes.push(t);
            edges.push((tv, s));
            x = self.top[s];
        }
        (nodes, edges)
    }

    /// Shrinks the odd cycle lca → … → top(u) – top(v) → … → lca into a new outer blossom.
    fn shrink(&mut self, lca: usize, u: usize, v: usize) {
        let (up_u, eu) = self.path_up(self.top[u], lca);
        let (up_v, ev) = self.path_up(self.top[v], lca);
        let mut kids = vec![lca];
        let mut edges = Vec::with_capacity(up_u.len() + up_v.len() + 1);
        for j in (0..up_u.len()).rev() {
            edges.push((eu[j].1, eu[j].0));
            kids.push(up_u[j]);
        }
        edges.push((u, v));
        for j in 0..up_v.len() {
            kids.push(up_v[j]);
            edges.push(ev[j]);
        }
        let Some(nb) = self.unused.pop() else {
            unreachable!("a laminar family of odd sets has fewer than n members")
        };
        let mut turned_outer = Vec::new();
        for &k in &kids {
            self.parent[k] = nb;
            if self.label[k] == Label::Inner {
                turned_outer.extend(self.leaves(k));
            }
        }
        self.base[nb] = self.base[lca];
        self.childs[nb] = kids;
        self.cedges[nb] = edges;
        self.z[nb] = 0;
        self.label[nb] = Label::Outer;
        self.parent[nb] = NONE;
        let inside = self.leaves(nb);
        for &x in &inside {
            self.top[x] = nb;
        }
        for &x in &inside {
            if self.near[x] != NONE && self.top[self.near[x]] == nb {
                self.rescan_near(x);
            }
        }
        self.offer_outer(&turned_outer);
    }

    /// Flips the tree path from outer vertex `x` to its root, `x` now matched to
    /// `partner`.
    fn augment_side(&mut self, mut x: usize, mut partner: usize) {
        loop {
            let bs = self.top[x];
            let m = self.mate[self.base[bs]];
            self.rebase(bs, x);
            self.mate[x] = partner;
            if m == NONE {
                return;
            }
            let bt = self.top[m];
            let (s, t) = self.tparent[bt];
            self.rebase(bt, t);
            self.mate[t] = s;
            x = s;
            partner = t;
        }
    }

    /// Rematches inside node `b` so that vertex `x` becomes its base (the one vertex
    /// whose matched edge may leave `b`).
    fn rebase(&mut self, b: usize, x: usize) {
        if b < self.n || self.base[b] == x {
            return;
        }
        let mut c = x;
        while self.parent[c] != b {
            c = self.parent[c];
        }
        self.rebase(c, x);
        let k = self.childs[b].len();
        let Some(i) = self.childs[b].iter().position(|&y| y == c) else {
            unreachable!("a vertex's ancestor chain passes through its parent's children")
        };
        // Flip the even path from child i to child 0 that starts with a matched edge.
        let flip = |this: &mut Self, e: usize| {
            let (p, q) = this.cedges[b][e];
            let (cp, cq) = (this.childs[b][e], this.childs[b][(e + 1) % k]);
            this.rebase(cp, p);
            this.rebase(cq, q);
            this.mate[p] = q;
            this.mate[q] = p;
        };
        if i % 2 == 1 {
            for e in (i + 1..k).step_by(2) {
                flip(self, e);
            }
        } else {
            for e in (0..i).step_by(2) {
                flip(self, e);
            }
        }
        self.childs[b].rotate_left(i);
        self.cedges[b].rotate_left(i);
        self.base[b] = x;
    }

    /// The inner blossom `b` (dual zero) falls apart: the even path through it from the
    /// entry vertex to the base stays in the tree, the other children become free.
    fn expand(&mut self, b: usize) {
        let (s, t) = self.tparent[b];
        let kids = std::mem::take(&mut self.childs[b]);
        let edges = std::mem::take(&mut self.cedges[b]);
        self.release(b, &kids);
        let k = kids.len();
        let mut ct = t;
        while self.parent[ct] != NONE {
            ct = self.parent[ct];
        }
        let Some(j) = kids.iter().position(|&y| y == ct) else {
            unreachable!("the entry vertex lies in one of the blossom's children")
        };
        // The path as (child, edge to the next child oriented from it).
        let path: Vec<(usize, (usize, usize))> = if j % 2 == 1 {
            (j..k).map(|p| (kids[p], edges[p])).collect()
        } else {
            (1..=j)
                .rev()
                .map(|p| (kids[p], (edges[p - 1].1, edges[p - 1].0)))
                .collect()
        };
        self.label[ct] = Label::Inner;
        self.tparent[ct] = (s, t);
        let mut newly_outer = Vec::new();
        for pair in path.chunks(2) {
            // pair[0] is inner, joined by a matched edge to the outer pair[1], whose
            // edge leads to the next inner child (child 0 after the last pair).
            let [_, (outer, (x, y))] = pair else {
                unreachable!("the path from the entry to the base has even length")
            };
            self.label[*outer] = Label::Outer;
            newly_outer.extend(self.leaves(*outer));
            let next = self.top[*y];
            self.label[next] = Label::Inner;
            self.tparent[next] = (*x, *y);
        }
        self.offer_outer(&newly_outer);
    }

    /// Makes the children of blossom `b` top-level (all free) and retires `b`.
    fn release(&mut self, b: usize, kids: &[usize]) {
        for &c in kids {
            self.parent[c] = NONE;
            self.label[c] = Label::Free;
            for v in self.leaves(c) {
                self.top[v] = c;
            }
        }
        self.label[b] = Label::Free;
        self.z[b] = 0;
        self.base[b] = NONE;
        self.unused.push(b);
    }

    /// Between stages: blossoms whose dual is zero are no longer needed.
    fn dissolve_zero_blossoms(&mut self) {
        let mut stack: Vec<usize> = (self.n..2 * self.n)
            .filter(|&b| self.is_top(b) && self.z[b] == 0)
            .collect();
        while let Some(b) = stack.pop() {
            let kids = std::mem::take(&mut self.childs[b]);
            self.cedges[b].clear();
            self.release(b, &kids);
            stack.extend(kids.into_iter().filter(|&c| c >= self.n && self.z[c] == 0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::matching::exact;
    use proptest::prelude::*;

    /// The optimality certificate: every reduced cost non-negative, blossom duals
    /// non-negative, and the dual objective equal to the matching's weight (weak
    /// duality then proves no perfect matching is lighter).
    fn certify(s: &Solver) -> Result<(), String> {
        let n = s.n;
        let ancestors = |v: usize| {
            let mut out = Vec::new();
            let mut x = s.parent[v];
            while x != NONE {
                out.push(x);
                x = s.parent[x];
            }
            out
        };
        let anc: Vec<Vec<usize>> = (0..n).map(ancestors).collect();
        let own = |v: usize| s.eff[v] - anc[v].iter().map(|&b| s.z[b]).sum::<i64>();
        let mut dual: i64 = (0..n).map(own).sum();
        for b in n..2 * n {
            if !s.childs[b].is_empty() {
                if s.z[b] < 0 {
                    return Err(format!("blossom {b} has dual {}", s.z[b]));
                }
                dual += s.z[b];
            }
        }
        let mut primal = 0;
        for u in 0..n {
            for v in u + 1..n {
                let w = s.weight(u, v);
                if w >= NO_EDGE {
                    continue;
                }
                let crossing: i64 = anc[u]
                    .iter()
                    .filter(|b| !anc[v].contains(b))
                    .chain(anc[v].iter().filter(|b| !anc[u].contains(b)))
                    .map(|&b| s.z[b])
                    .sum();
                let reduced = w - own(u) - own(v) - crossing;
                if reduced < 0 {
                    return Err(format!("edge {u}-{v} has reduced cost {reduced}"));
                }
                if s.mate[u] == v {
                    primal += w;
                    if reduced != 0 {
                        return Err(format!("matched edge {u}-{v} is not tight"));
                    }
                }
            }
        }
        if primal != dual {
            return Err(format!("primal {primal} != dual {dual}"));
        }
        Ok(())
    }

    fn solved(n: usize, d: &[Vec<f64>]) -> Solver {
        let mut w = vec![NO_EDGE; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j && d[i][j].is_finite() {
                    w[i * n + j] = (d[i][j] * 1000.0).round() as i64 * 4;
                }
            }
        }
        let mut s = Solver::new(n, Weights::Dense(w));
        assert!(s.solve());
        s
    }

    fn symmetric(n: usize, values: &[u32], modulus: u32) -> Vec<Vec<f64>> {
        // Entry (i, j) of the upper triangle takes the next value, mirrored below.
        let at = |i: usize, j: usize| {
            let (a, b) = (i.min(j), i.max(j));
            let k = a * n + b;
            (values[k % values.len()] % modulus) as f64
        };
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| if i == j { 0.0 } else { at(i, j) })
                    .collect()
            })
            .collect()
    }

    proptest! {
        /// Against the subset DP (itself checked against brute force), on arbitrary
        /// (non-metric) weights, with many ties when the modulus is small.
        #[test]
        fn equals_exact_dp(half in 1usize..8, modulus in prop_oneof![Just(3u32), Just(10), Just(1000)],
                           values in proptest::collection::vec(0u32..100_000, 120)) {
            let n = 2 * half;
            let d = symmetric(n, &values, modulus);
            let pairs = min_weight_perfect_matching(n, |i, j| d[i][j]).unwrap();
            let mut seen = vec![false; n];
            for &(a, b, w) in &pairs {
                prop_assert!(!seen[a] && !seen[b] && a != b);
                seen[a] = true;
                seen[b] = true;
                prop_assert_eq!(w, d[a][b]);
            }
            prop_assert!(seen.iter().all(|s| *s));
            let ours: f64 = pairs.iter().map(|p| p.2).sum();
            let best: f64 = exact(n, |i, j| d[i][j]).unwrap().iter().map(|p| p.2).sum();
            prop_assert!((ours - best).abs() < 1e-9, "{ours} vs {best}");
            prop_assert!(certify(&solved(n, &d)).is_ok(), "{:?}", certify(&solved(n, &d)));
        }

        /// Larger sets, beyond the DP: the dual certificate proves optimality.
        #[test]
        fn larger_sets_are_certified(half in 8usize..40, modulus in prop_oneof![Just(4u32), Just(50), Just(100_000)],
                                     values in proptest::collection::vec(0u32..1_000_000, 400)) {
            let n = 2 * half;
            let d = symmetric(n, &values, modulus);
            let s = solved(n, &d);
            prop_assert!(certify(&s).is_ok(), "{:?}", certify(&s));
        }

        /// Euclidean points (the metric case the sweep meets) also certify.
        #[test]
        fn euclidean_sets_are_certified(half in 2usize..40, coords in proptest::collection::vec(0.0f64..1000.0, 160)) {
            let n = 2 * half;
            let d: Vec<Vec<f64>> = (0..n)
                .map(|i| (0..n).map(|j| ((coords[2 * i] - coords[2 * j]).powi(2) + (coords[2 * i + 1] - coords[2 * j + 1]).powi(2)).sqrt()).collect())
                .collect();
            let s = solved(n, &d);
            prop_assert!(certify(&s).is_ok(), "{:?}", certify(&s));
        }
    }

    proptest! {
        /// Candidate pairs only: a perfect matching no lighter than the optimum, and a
        /// bound no heavier than it (the bound is what must never lie).
        #[test]
        fn near_neighbours_bound_the_optimum(half in 1usize..8, k in 1usize..16,
                                             coords in proptest::collection::vec(0.0f64..1000.0, 32)) {
            let n = 2 * half;
            let d: Vec<Vec<f64>> = (0..n)
                .map(|i| (0..n).map(|j| ((coords[2 * i] - coords[2 * j]).powi(2) + (coords[2 * i + 1] - coords[2 * j + 1]).powi(2)).sqrt()).collect())
                .collect();
            let mut lists = Vec::new();
            let mut radius = Vec::new();
            for (i, row) in d.iter().enumerate() {
                let mut l: Vec<(usize, f64)> = (0..n).filter(|&j| j != i).map(|j| (j, row[j])).collect();
                l.sort_by(|a, b| a.1.total_cmp(&b.1));
                l.truncate(k);
                radius.push(if l.len() < n - 1 { l.last().map_or(0.0, |e| e.1) } else { f64::INFINITY });
                lists.push(l);
            }
            let best: f64 = exact(n, |i, j| d[i][j]).unwrap().iter().map(|p| p.2).sum();
            if let Some(near) = NearMatching::solve(&lists, &[]) {
                let (pairs, bound) = (near.pairs(), near.lower_bound_m(&radius));
                let mut seen = vec![false; n];
                for &(a, b, w) in &pairs {
                    prop_assert!(!seen[a] && !seen[b] && a != b);
                    seen[a] = true;
                    seen[b] = true;
                    prop_assert!((w - d[a][b]).abs() < 1e-9);
                }
                prop_assert!(seen.iter().all(|s| *s));
                let cost: f64 = pairs.iter().map(|p| p.2).sum();
                prop_assert!(cost >= best - 1e-6, "{cost} below the optimum {best}");
                prop_assert!(bound <= best + 1e-9, "bound {bound} above the optimum {best}");
                if k >= n - 1 {
                    // All pairs offered: the bound is the optimum, less the rounding
                    // (up to 0.5 mm per pair in the optimum, and as much subtracted).
                    prop_assert!((cost - best).abs() < 1e-6);
                    prop_assert!(bound >= best - n as f64 / 2000.0 - 1e-6, "bound {bound} vs {best}");
                }
            } else {
                prop_assert!(k < n - 1, "all pairs offered, yet no matching");
            }
        }
    }

    proptest! {
        /// Pricing: add the pairs with negative reduced cost and solve again until
        /// there are none; then the matching is the optimum over all pairs, and a
        /// matching that is not optimal always shows a violated pair.
        #[test]
        fn pricing_reaches_the_optimum(half in 1usize..8, k in 1usize..4, modulus in prop_oneof![Just(5u32), Just(1000)],
                                       values in proptest::collection::vec(0u32..100_000, 120)) {
            let n = 2 * half;
            let d = symmetric(n, &values, modulus);
            let best: f64 = exact(n, |i, j| d[i][j]).unwrap().iter().map(|p| p.2).sum();
            let mut lists: Vec<Vec<(usize, f64)>> = (0..n)
                .map(|i| {
                    let mut l: Vec<(usize, f64)> = (0..n).filter(|&j| j != i).map(|j| (j, d[i][j])).collect();
                    l.sort_by(|a, b| a.1.total_cmp(&b.1));
                    l.truncate(k);
                    l
                })
                .collect();
            // A perfect matching to start from: 0-1, 2-3, ...
            let extra: Vec<Pair> = (0..half).map(|i| (2 * i, 2 * i + 1, d[2 * i][2 * i + 1])).collect();
            for _round in 0..=n * n {
                let near = NearMatching::solve(&lists, &extra).unwrap();
                let cost: f64 = near.pairs().iter().map(|p| p.2).sum();
                let violated: Vec<(usize, usize)> = (0..n)
                    .flat_map(|u| (0..n).map(move |v| (u, v)))
                    .filter(|&(u, v)| near.violation_m(u, v, d[u][v]).is_some())
                    .collect();
                if violated.is_empty() {
                    prop_assert!((cost - best).abs() < 1e-6, "priced {cost} vs optimum {best}");
                    return Ok(());
                }
                prop_assert!(cost >= best - 1e-6);
                for (u, v) in violated {
                    lists[u].push((v, d[u][v]));
                }
            }
            prop_assert!(false, "pricing did not settle");
        }
    }

    #[test]
    fn missing_edges_and_odd_sets() {
        assert!(min_weight_perfect_matching(3, |_, _| 1.0).is_none());
        assert_eq!(min_weight_perfect_matching(0, |_, _| 1.0).unwrap().len(), 0);
        // 0-1 and 2-3 are the only edges: forced.
        let d = |i: usize, j: usize| {
            if (i.min(j), i.max(j)) == (0, 1) || (i.min(j), i.max(j)) == (2, 3) {
                5.0
            } else {
                f64::INFINITY
            }
        };
        let pairs = min_weight_perfect_matching(4, d).unwrap();
        assert_eq!(pairs, vec![(0, 1, 5.0), (2, 3, 5.0)]);
        // A vertex with no edge at all: no perfect matching.
        let isolated = |i: usize, j: usize| if i == 3 || j == 3 { f64::INFINITY } else { 1.0 };
        assert!(min_weight_perfect_matching(4, isolated).is_none());
    }
}
