//! The solver's working state: routes with cached schedule data for O(1) checks.
//!
//! A route of `n` stops has `n + 2` nodes: node 0 is the start location, nodes
//! `1..=n` are the stops, node `n + 1` is the end location. Per node it caches the
//! earliest service start (`es`, forward), the latest start that keeps the rest of the
//! route feasible (`ls`, backward), and cumulative load and travel. Joining a prefix of
//! one route, a few stops, and a suffix of another is then feasible iff the forward
//! simulation of the few stops reaches the suffix's first node by its `ls`: a move is
//! checked in the time of the stops it places, not the route's length (the forward and
//! backward time-window slack of Savelsbergh, and of Vidal's concatenations). Windows can
//! be several per stop: the schedule is monotone (starting earlier never hurts), so the
//! earliest/latest bounds stay exact. A team's break doubles the state: per node the
//! earliest departure with the break already taken (`dep_wb`) and the latest start with
//! it still to take (`ls_nb`), so the check stays as short.

use std::cell::RefCell;

use super::problem::{Matrix, Problem, TimeWindow};

/// Tolerance for time comparisons inside the solver (the checker allows more).
pub(crate) const EPS: f64 = 1e-7;
const INF: f64 = f64::INFINITY;

/// Read-only views of the problem arranged for the hot loop.
pub(crate) struct Ctx<'a> {
    pub p: &'a Problem,
    pub tt: &'a Matrix,
    /// Per stop: location, service time, demand, sorted windows.
    pub loc: Vec<usize>,
    pub svc: Vec<f64>,
    pub demand: Vec<f64>,
    pub windows: Vec<Vec<TimeWindow>>,
    /// Cost of leaving a stop out (prize and mandatory weights folded in).
    pub penalty: Vec<f64>,
    /// Per stop: when its first window opens and its last closes (−∞ and ∞ without
    /// windows), for skipping insertion places that cannot be on time.
    pub first_open: Vec<f64>,
    pub last_close: Vec<f64>,
    /// Per stop, other stops by increasing (symmetrised) travel time.
    pub neighbours: Vec<Vec<usize>>,
    /// Per vehicle: a class id shared by identical vehicles.
    pub vehicle_class: Vec<usize>,
    /// The mandatory stops, in index order.
    pub mandatory: Vec<usize>,
    scratch: RefCell<Vec<usize>>,
    mid: RefCell<Vec<usize>>,
}

impl<'a> Ctx<'a> {
    pub fn new(p: &'a Problem, max_neighbours: usize) -> Self {
        let tt = &p.durations_s;
        let loc: Vec<usize> = p.stops.iter().map(|s| s.location).collect();
        let windows = p
            .stops
            .iter()
            .map(|s| {
                let mut w = s.windows.clone();
                w.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
                w
            })
            .collect();
        let penalty = penalties(p);
        let first_open = p
            .stops
            .iter()
            .map(|s| s.windows.iter().map(|w| w.start_s).fold(INF, f64::min))
            .map(|x| if x == INF { -INF } else { x })
            .collect();
        let last_close = p
            .stops
            .iter()
            .map(|s| s.windows.iter().map(|w| w.end_s).fold(-INF, f64::max))
            .map(|x| if x == -INF { INF } else { x })
            .collect();
        let neighbours = (0..p.stops.len())
            .map(|i| {
                let mut others: Vec<usize> = (0..p.stops.len()).filter(|&j| j != i).collect();
                let key = |j: usize| tt.get(loc[i], loc[j]) + tt.get(loc[j], loc[i]);
                let by = |a: &usize, b: &usize| key(*a).total_cmp(&key(*b)).then(a.cmp(b));
                // Select first: sorting all n stops per stop is O(n² log n).
                if max_neighbours < others.len() {
                    others.select_nth_unstable_by(max_neighbours, by);
                    others.truncate(max_neighbours);
                }
                others.sort_by(by);
                others
            })
            .collect();
        let mut classes: Vec<&super::problem::Vehicle> = Vec::new();
        let vehicle_class = p
            .vehicles
            .iter()
            .map(|v| {
                let same = |w: &&super::problem::Vehicle| {
                    w.start_location == v.start_location
                        && w.end_location == v.end_location
                        && w.shift == v.shift
                        && w.break_ == v.break_
                        && w.skills == v.skills
                        && w.max_stops == v.max_stops
                        && w.capacity == v.capacity
                };
                match classes.iter().position(same) {
                    Some(c) => c,
                    None => {
                        classes.push(v);
                        classes.len() - 1
                    }
                }
            })
            .collect();
        Self {
            p,
            tt,
            vehicle_class,
            mandatory: (0..p.stops.len())
                .filter(|&s| p.stops[s].mandatory)
                .collect(),
            svc: p.stops.iter().map(|s| s.service_s).collect(),
            demand: p.stops.iter().map(|s| s.demand).collect(),
            loc,
            windows,
            penalty,
            first_open,
            last_close,
            neighbours,
            scratch: RefCell::new(Vec::new()),
            mid: RefCell::new(Vec::new()),
        }
    }

    /// Travel time between two matrix locations.
    #[inline]
    pub fn t(&self, a: usize, b: usize) -> f64 {
        self.tt.get(a, b)
    }

    /// Earliest service start at stop `s` when arriving at `arr` (∞ if no window is left).
    #[inline]
    pub fn earliest_start(&self, s: usize, arr: f64) -> f64 {
        let ws = &self.windows[s];
        if ws.is_empty() {
            return arr;
        }
        for w in ws {
            if arr <= w.end_s + EPS {
                return arr.max(w.start_s);
            }
        }
        INF
    }

    /// Latest service start at `s` not later than `bound` (−∞ if none).
    #[inline]
    pub fn latest_start(&self, s: usize, bound: f64) -> f64 {
        let ws = &self.windows[s];
        if ws.is_empty() {
            return bound;
        }
        for w in ws.iter().rev() {
            if w.start_s <= bound + EPS {
                return bound.min(w.end_s);
            }
        }
        -INF
    }

    /// True when vehicles `a` and `b` end at the same place by the same time with the
    /// same break, so a route suffix's latest starts computed for one hold for the other.
    #[inline]
    pub fn same_end(&self, a: usize, b: usize) -> bool {
        let (va, vb) = (&self.p.vehicles[a], &self.p.vehicles[b]);
        a == b
            || (va.end_location == vb.end_location
                && va.shift.end_s == vb.shift.end_s
                && va.break_ == vb.break_)
    }

    /// Leaving `at` at `t` and serving `seq` in order without a break: the departure
    /// time and place after the last stop, or `None` when a window is missed.
    #[inline]
    pub fn serve(&self, mut t: f64, mut at: usize, seq: &[usize]) -> Option<(f64, usize)> {
        for &s in seq {
            let st = self.earliest_start(s, t + self.t(at, self.loc[s]));
            if st == INF {
                return None;
            }
            t = st + self.svc[s];
            at = self.loc[s];
        }
        Some((t, at))
    }

    /// Exact time feasibility of vehicle `v` serving `seq` in order, break included.
    pub fn seq_time_ok(&self, v: usize, seq: &[usize]) -> bool {
        self.schedule_end(v, seq).is_some()
    }

    /// Earliest return time of `v` serving `seq`, with the break placed as well as
    /// possible; `None` when infeasible.
    ///
    /// Dynamic programme over two states per node: earliest departure without the
    /// break taken yet, and with it taken. The break goes either right after leaving
    /// a node or right after arriving at the next one (before its service).
    pub fn schedule_end(&self, v: usize, seq: &[usize]) -> Option<f64> {
        let veh = &self.p.vehicles[v];
        let mut nb = veh.shift.start_s;
        let mut at = veh.start_location;
        let Some(brk) = veh.break_ else {
            let (nb, at) = self.serve(nb, at, seq)?;
            let back = nb + self.t(at, veh.end_location);
            return (back <= veh.shift.end_s + EPS).then_some(back);
        };
        let (b0, b1, d) = (
            brk.start_window.start_s,
            brk.start_window.end_s,
            brk.duration_s,
        );
        let mut wb = INF; // departure with the break taken
        for &s in seq {
            let tau = self.t(at, self.loc[s]);
            let (nb2, wb2) =
                self.break_leg(nb, wb, tau, (b0, b1, d), |arr| self.earliest_start(s, arr));
            if nb2 == INF && wb2 == INF {
                return None;
            }
            nb = if nb2 == INF { INF } else { nb2 + self.svc[s] };
            wb = if wb2 == INF { INF } else { wb2 + self.svc[s] };
            at = self.loc[s];
        }
        let tau = self.t(at, veh.end_location);
        let end = veh.shift.end_s;
        let (nb2, wb2) = self.break_leg(nb, wb, tau, (b0, b1, d), |arr| {
            if arr <= end + EPS {
                arr
            } else {
                INF
            }
        });
        // Back before the break opens: no break needed.
        if nb2 != INF && nb2 <= b0 + EPS {
            return Some(nb2);
        }
        (wb2 != INF).then_some(wb2)
    }

    /// One leg of the break programme: from departures `(nb, wb)` over travel `tau`
    /// to service starts `(without break, with break)` given by `start_at(arrival)`.
    #[inline]
    pub fn break_leg(
        &self,
        nb: f64,
        wb: f64,
        tau: f64,
        (b0, b1, d): (f64, f64, f64),
        start_at: impl Fn(f64) -> f64,
    ) -> (f64, f64) {
        let nb2 = if nb == INF { INF } else { start_at(nb + tau) };
        let mut wb2 = if wb == INF { INF } else { start_at(wb + tau) };
        if nb != INF {
            let before = nb.max(b0);
            if before <= b1 + EPS {
                wb2 = wb2.min(start_at(before + d + tau));
            }
            let after = (nb + tau).max(b0);
            if after <= b1 + EPS {
                wb2 = wb2.min(start_at(after + d));
            }
        }
        (nb2, wb2)
    }

    /// Runs `f` with a cleared buffer for the stops a move places (no allocation in
    /// the hot loop); separate from [`Ctx::with_scratch`], which checks may use inside.
    pub fn with_mid<R>(&self, f: impl FnOnce(&mut Vec<usize>) -> R) -> R {
        let mut buf = self.mid.borrow_mut();
        buf.clear();
        f(&mut buf)
    }

    /// Runs `f` with a cleared scratch buffer (no allocation in the hot loop).
    pub fn with_scratch<R>(&self, f: impl FnOnce(&mut Vec<usize>) -> R) -> R {
        let mut buf = self.scratch.borrow_mut();
        buf.clear();
        f(&mut buf)
    }
}

/// Leaving a stop out costs more than any travel saving; a mandatory stop more than
/// all prizes together.
fn penalties(p: &Problem) -> Vec<f64> {
    let n = p.durations_s.len();
    let mut max_edge: f64 = 0.0;
    for i in 0..n {
        for j in 0..n {
            let t = p.durations_s.get(i, j);
            if t.is_finite() {
                max_edge = max_edge.max(t);
            }
        }
    }
    let per_route = (p.stops.len() as f64 + 1.0) * max_edge;
    let travel_bound: f64 = p
        .vehicles
        .iter()
        .map(|v| {
            let len = v.shift.end_s - v.shift.start_s;
            if len.is_finite() {
                len.min(per_route)
            } else {
                per_route
            }
        })
        .sum::<f64>()
        + 1.0;
    let min_prize = p
        .stops
        .iter()
        .map(|s| s.prize)
        .filter(|&x| x > 0.0)
        .fold(f64::INFINITY, f64::min);
    let w_prize = if min_prize.is_finite() {
        travel_bound / min_prize
    } else {
        0.0
    };
    let prize_total: f64 = p.stops.iter().map(|s| s.prize).sum();
    let w_mandatory = w_prize * (prize_total + 1.0) + travel_bound;
    p.stops
        .iter()
        .map(|s| s.prize * w_prize + if s.mandatory { w_mandatory } else { 0.0 })
        .collect()
}

/// One vehicle's route with its caches.
#[derive(Debug, Default)]
pub(crate) struct Route {
    pub v: usize,
    pub stops: Vec<usize>,
    pub loc: Vec<usize>,
    /// Earliest service start per node (ignoring the break).
    pub es: Vec<f64>,
    /// Earliest departure per node.
    pub dep: Vec<f64>,
    /// Latest service start per node (ignoring the break, or with it already taken).
    pub ls: Vec<f64>,
    /// Earliest departure per node with the break already taken (∞ when it cannot
    /// be); only for a team with a break.
    pub dep_wb: Vec<f64>,
    /// Latest service start per node with the break still to take after it, keeping
    /// the rest feasible (−∞ when none); only for a team with a break.
    pub ls_nb: Vec<f64>,
    /// Load of nodes `0..=p`.
    pub cload: Vec<f64>,
    /// Travel from node 0 to node `p`.
    pub ccost: Vec<f64>,
    /// Travel of the reversed arcs from node 0 to node `p` (for 2-opt on asymmetric data).
    pub crev: Vec<f64>,
    /// Union of required skills of nodes `p..`.
    pub skills_from: Vec<u64>,
    pub has_break: bool,
}

impl Route {
    pub fn new(ctx: &Ctx, v: usize) -> Self {
        let mut r = Route {
            v,
            has_break: ctx.p.vehicles[v].break_.is_some(),
            ..Default::default()
        };
        r.update(ctx);
        r
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.stops.len()
    }

    #[inline]
    pub fn cost(&self) -> f64 {
        *self.ccost.last().unwrap_or(&0.0)
    }

    #[inline]
    pub fn load(&self) -> f64 {
        *self.cload.last().unwrap_or(&0.0)
    }

    /// The per-node float caches (one entry per node, depots included).
    fn node_caches(&mut self) -> [&mut Vec<f64>; 6] {
        [
            &mut self.es,
            &mut self.dep,
            &mut self.ls,
            &mut self.cload,
            &mut self.ccost,
            &mut self.crev,
        ]
    }

    /// Recomputes all caches after `stops` changed.
    pub fn update(&mut self, ctx: &Ctx) {
        let veh = &ctx.p.vehicles[self.v];
        let n = self.stops.len();
        for buf in self.node_caches() {
            buf.clear();
            buf.resize(n + 2, 0.0);
        }
        self.loc.clear();
        self.loc.push(veh.start_location);
        self.loc.extend(self.stops.iter().map(|&s| ctx.loc[s]));
        self.loc.push(veh.end_location);
        self.es[0] = veh.shift.start_s;
        self.dep[0] = veh.shift.start_s;
        self.ls[n + 1] = veh.shift.end_s;
        self.skills_from.clear();
        self.skills_from.resize(n + 2, 0);
        self.forward_from(ctx, 1);
        self.backward_to(ctx, n);
        if self.has_break {
            self.update_break(ctx);
        }
    }

    /// Inserts stop `s` as node `p` (after node `p - 1`) and updates the caches: the
    /// forward ones from `p` on, the backward ones up to `p`; the others only move.
    /// Half the work of [`Route::update`] on average, and the recreate inserts a
    /// dozen stops per iteration (updates were a quarter of the search's time).
    pub fn insert_node(&mut self, ctx: &Ctx, p: usize, s: usize) {
        self.stops.insert(p - 1, s);
        if self.has_break {
            self.update(ctx);
            return;
        }
        self.loc.insert(p, ctx.loc[s]);
        for buf in self.node_caches() {
            buf.insert(p, 0.0);
        }
        self.skills_from.insert(p, 0);
        self.forward_from(ctx, p);
        self.backward_to(ctx, p);
    }

    /// Forward caches of nodes `from..=n + 1`, given those of the nodes before.
    fn forward_from(&mut self, ctx: &Ctx, from: usize) {
        let n = self.stops.len();
        for p in from..=n {
            let s = self.stops[p - 1];
            let (a, b) = (self.loc[p - 1], self.loc[p]);
            self.ccost[p] = self.ccost[p - 1] + ctx.t(a, b);
            self.crev[p] = self.crev[p - 1] + ctx.t(b, a);
            self.cload[p] = self.cload[p - 1] + ctx.demand[s];
            self.es[p] = ctx.earliest_start(s, self.dep[p - 1] + ctx.t(a, b));
            self.dep[p] = self.es[p] + ctx.svc[s];
        }
        let (a, b) = (self.loc[n], self.loc[n + 1]);
        self.ccost[n + 1] = self.ccost[n] + ctx.t(a, b);
        self.crev[n + 1] = self.crev[n] + ctx.t(b, a);
        self.cload[n + 1] = self.cload[n];
        self.es[n + 1] = self.dep[n] + ctx.t(a, b);
        self.dep[n + 1] = self.es[n + 1];
    }

    /// Backward caches of nodes `0..=to`, given those of the nodes after.
    fn backward_to(&mut self, ctx: &Ctx, to: usize) {
        for p in (1..=to).rev() {
            let s = self.stops[p - 1];
            let bound = self.ls[p + 1] - ctx.t(self.loc[p], self.loc[p + 1]) - ctx.svc[s];
            self.ls[p] = ctx.latest_start(s, bound);
            self.skills_from[p] = self.skills_from[p + 1] | ctx.p.stops[s].skills.0;
        }
        self.ls[0] = self.ls[1] - ctx.t(self.loc[0], self.loc[1]);
    }
}

impl Route {
    /// The break's caches: forward, the programme of [`Ctx::schedule_end`] per node;
    /// backward, the latest start at each node from which the rest of the route, the
    /// break included, still fits.
    fn update_break(&mut self, ctx: &Ctx) {
        let veh = &ctx.p.vehicles[self.v];
        let Some(brk) = veh.break_ else {
            return;
        };
        let spec = (
            brk.start_window.start_s,
            brk.start_window.end_s,
            brk.duration_s,
        );
        let (b0, b1, d) = spec;
        let n = self.stops.len();
        let end = veh.shift.end_s;
        self.dep_wb.clear();
        self.dep_wb.resize(n + 2, INF);
        for p in 1..=n {
            let s = self.stops[p - 1];
            let tau = ctx.t(self.loc[p - 1], self.loc[p]);
            let (_, wb) = ctx.break_leg(self.dep[p - 1], self.dep_wb[p - 1], tau, spec, |arr| {
                ctx.earliest_start(s, arr)
            });
            self.dep_wb[p] = wb + ctx.svc[s];
        }
        let tau = ctx.t(self.loc[n], self.loc[n + 1]);
        let (_, wb) = ctx.break_leg(self.dep[n], self.dep_wb[n], tau, spec, |arr| {
            if arr <= end + EPS {
                arr
            } else {
                INF
            }
        });
        self.dep_wb[n + 1] = wb;
        self.ls_nb.clear();
        self.ls_nb.resize(n + 2, -INF);
        // Back at the end without a break only before the break opens.
        self.ls_nb[n + 1] = end.min(b0);
        for p in (0..=n).rev() {
            let svc = if p == 0 {
                0.0
            } else {
                ctx.svc[self.stops[p - 1]]
            };
            let tau = ctx.t(self.loc[p], self.loc[p + 1]);
            let (next_nb, next_wb) = (self.ls_nb[p + 1], self.ls[p + 1]);
            // The break later on.
            let mut bound = next_nb - tau;
            // The break right after leaving this node.
            let leave = b1.min(next_wb - d - tau);
            if b0 <= leave + EPS {
                bound = bound.max(leave);
            }
            // The break on arriving at the next node, before its service.
            let arrive = b1.min(next_wb - d);
            if b0 <= arrive + EPS {
                bound = bound.max(arrive - tau);
            }
            let bound = bound - svc;
            self.ls_nb[p] = if p == 0 {
                bound
            } else {
                ctx.latest_start(self.stops[p - 1], bound)
            };
        }
    }
}

/// Time feasibility of vehicle `a.v` running `a`'s nodes `0..=i`, then `mid`, then
/// `b`'s nodes `k..` (which end at `b`'s end). Load and skills are the caller's.
pub(crate) fn concat_ok(
    ctx: &Ctx,
    a: &Route,
    i: usize,
    mid: &[usize],
    b: &Route,
    k: usize,
) -> bool {
    let exact = || {
        ctx.with_scratch(|seq| {
            seq.extend_from_slice(&a.stops[..i]);
            seq.extend_from_slice(mid);
            if k <= b.len() {
                seq.extend_from_slice(&b.stops[k - 1..]);
            }
            ctx.seq_time_ok(a.v, seq)
        })
    };
    if !ctx.same_end(a.v, b.v) {
        return exact();
    }
    // The O(|mid|) check ignoring the break is exact without one, and a necessary
    // condition with one (a break only delays): most candidates stop here.
    if !concat_ok_without_break(ctx, a, i, mid, b, k) {
        return false;
    }
    !a.has_break || concat_ok_with_break(ctx, a, i, mid, b, k)
}

/// [`concat_ok`] for a team with a break: the break programme run over `mid` only,
/// from `a`'s cached departures at node `i` to `b`'s cached latest starts at node `k`.
fn concat_ok_with_break(
    ctx: &Ctx,
    a: &Route,
    i: usize,
    mid: &[usize],
    b: &Route,
    k: usize,
) -> bool {
    let veh = &ctx.p.vehicles[a.v];
    let Some(brk) = veh.break_ else {
        return true;
    };
    let spec = (
        brk.start_window.start_s,
        brk.start_window.end_s,
        brk.duration_s,
    );
    let (mut nb, mut wb, mut at) = (a.dep[i], a.dep_wb[i], a.loc[i]);
    for &s in mid {
        let tau = ctx.t(at, ctx.loc[s]);
        let (nb2, wb2) = ctx.break_leg(nb, wb, tau, spec, |arr| ctx.earliest_start(s, arr));
        if nb2 == INF && wb2 == INF {
            return false;
        }
        nb = nb2 + ctx.svc[s];
        wb = wb2 + ctx.svc[s];
        at = ctx.loc[s];
    }
    let tau = ctx.t(at, b.loc[k]);
    let end = veh.shift.end_s;
    let (nb2, wb2) = ctx.break_leg(nb, wb, tau, spec, |arr| {
        if k <= b.len() {
            ctx.earliest_start(b.stops[k - 1], arr)
        } else if arr <= end + EPS {
            arr
        } else {
            INF
        }
    });
    wb2 <= b.ls[k] + EPS || nb2 <= b.ls_nb[k] + EPS
}

/// [`concat_ok`] from the cached earliest departures and latest starts, which ignore
/// the break.
fn concat_ok_without_break(
    ctx: &Ctx,
    a: &Route,
    i: usize,
    mid: &[usize],
    b: &Route,
    k: usize,
) -> bool {
    ctx.serve(a.dep[i], a.loc[i], mid)
        .is_some_and(|(t, at)| t + ctx.t(at, b.loc[k]) <= b.ls[k] + EPS)
}

/// The working solution: routes (one per vehicle), who is where, and the cost.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub routes: Vec<Route>,
    /// Per stop: route index, or `usize::MAX` when unassigned.
    pub route_of: Vec<usize>,
    /// Per stop: node index in its route.
    pub node_of: Vec<usize>,
}

pub(crate) const NONE: usize = usize::MAX;

/// `clone_from` reuses the buffers: the search copies a solution every iteration, and
/// the derived one allocated a dozen vectors per route each time.
impl Clone for Route {
    fn clone(&self) -> Self {
        let mut r = Route::default();
        r.clone_from(self);
        r
    }

    fn clone_from(&mut self, o: &Self) {
        self.v = o.v;
        self.has_break = o.has_break;
        self.stops.clone_from(&o.stops);
        self.loc.clone_from(&o.loc);
        self.es.clone_from(&o.es);
        self.dep.clone_from(&o.dep);
        self.ls.clone_from(&o.ls);
        self.dep_wb.clone_from(&o.dep_wb);
        self.ls_nb.clone_from(&o.ls_nb);
        self.cload.clone_from(&o.cload);
        self.ccost.clone_from(&o.ccost);
        self.crev.clone_from(&o.crev);
        self.skills_from.clone_from(&o.skills_from);
    }
}

impl Clone for State {
    fn clone(&self) -> Self {
        let mut s = State::default();
        s.clone_from(self);
        s
    }

    fn clone_from(&mut self, o: &Self) {
        self.routes.clone_from(&o.routes);
        self.route_of.clone_from(&o.route_of);
        self.node_of.clone_from(&o.node_of);
    }
}

impl State {
    pub fn empty(ctx: &Ctx) -> Self {
        State {
            routes: (0..ctx.p.vehicles.len())
                .map(|v| Route::new(ctx, v))
                .collect(),
            route_of: vec![NONE; ctx.p.stops.len()],
            node_of: vec![0; ctx.p.stops.len()],
        }
    }

    /// Refreshes route `r`'s caches and the stop → position index.
    /// Inserts stop `s` into route `r` after node `after`.
    pub fn insert_stop(&mut self, ctx: &Ctx, r: usize, after: usize, s: usize) {
        let route = &mut self.routes[r];
        route.insert_node(ctx, after + 1, s);
        for (i, &t) in route.stops.iter().enumerate().skip(after) {
            self.route_of[t] = r;
            self.node_of[t] = i + 1;
        }
    }

    pub fn refresh(&mut self, ctx: &Ctx, r: usize) {
        let route = &mut self.routes[r];
        route.update(ctx);
        for (i, &s) in route.stops.iter().enumerate() {
            self.route_of[s] = r;
            self.node_of[s] = i + 1;
        }
    }

    /// Travel plus penalties of unassigned stops.
    pub fn cost(&self, ctx: &Ctx) -> f64 {
        let travel: f64 = self.routes.iter().map(Route::cost).sum();
        let missing: f64 = (0..self.route_of.len())
            .filter(|&s| self.route_of[s] == NONE)
            .map(|s| ctx.penalty[s])
            .sum();
        travel + missing
    }

    /// Whether vehicle of route `r` may take stop `s` (skills) and one more stop.
    #[inline]
    pub fn can_take(&self, ctx: &Ctx, r: usize, s: usize, extra_stops: usize) -> bool {
        let route = &self.routes[r];
        let veh = &ctx.p.vehicles[route.v];
        if !veh.skills.covers(ctx.p.stops[s].skills) {
            return false;
        }
        if let Some(m) = veh.max_stops {
            if route.len() + extra_stops > m {
                return false;
            }
        }
        true
    }

    /// Whether route `r` can carry `load` in total.
    #[inline]
    pub fn load_ok(&self, ctx: &Ctx, r: usize, load: f64) -> bool {
        match ctx.p.vehicles[self.routes[r].v].capacity {
            Some(c) => load <= c + EPS,
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::plan::testing::random_problem;

    /// Random routes of up to `max_len` stops each (not necessarily feasible).
    fn random_routes(ctx: &Ctx, rng: &mut ChaCha8Rng, max_len: usize) -> Vec<Route> {
        let mut stops: Vec<usize> = (0..ctx.p.stops.len()).collect();
        stops.shuffle(rng);
        let mut left = stops.into_iter();
        (0..ctx.p.vehicles.len())
            .map(|v| {
                let mut r = Route::new(ctx, v);
                r.stops = left.by_ref().take(rng.gen_range(0..=max_len)).collect();
                r.update(ctx);
                r
            })
            .collect()
    }

    /// Inserting a node leaves the caches exactly as recomputing them all does.
    #[test]
    fn inserting_a_node_updates_the_caches_as_a_full_update_does() {
        let mut inserted = 0;
        for seed in 0..80 {
            let p = random_problem(seed, 14, 2, seed % 2 == 0);
            let ctx = Ctx::new(&p, 10);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut routes = random_routes(&ctx, &mut rng, 6);
            let used: Vec<usize> = routes.iter().flat_map(|r| r.stops.clone()).collect();
            let Some(s) = (0..p.stops.len()).find(|s| !used.contains(s)) else {
                continue;
            };
            let route = &mut routes[0];
            let at = rng.gen_range(1..=route.len() + 1);
            route.insert_node(&ctx, at, s);
            let mut fresh = Route::new(&ctx, 0);
            fresh.stops = route.stops.clone();
            fresh.update(&ctx);
            assert_eq!(format!("{route:?}"), format!("{fresh:?}"), "seed {seed}");
            inserted += 1;
        }
        assert!(inserted > 40);
    }

    /// Checks `concat_ok` against the full schedule of the joined sequence on many
    /// random joins; returns how many were feasible.
    fn compare(seed: u64, with_break: bool) -> usize {
        let p = random_problem(seed, 14, 2, with_break);
        let ctx = Ctx::new(&p, 10);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let mut feasible = 0;
        for _ in 0..40 {
            let routes = random_routes(&ctx, &mut rng, 5);
            let (ra, rb) = (rng.gen_range(0..2), rng.gen_range(0..2));
            let (a, b) = (&routes[ra], &routes[rb]);
            let i = rng.gen_range(0..=a.len());
            let k_min = if ra == rb { i + 1 } else { 1 };
            let k = rng.gen_range(k_min..=b.len() + 1);
            let mid: Vec<usize> = (0..rng.gen_range(0..4))
                .map(|_| rng.gen_range(0..p.stops.len()))
                .collect();
            let mut joined = a.stops[..i].to_vec();
            joined.extend_from_slice(&mid);
            if k <= b.len() {
                joined.extend_from_slice(&b.stops[k - 1..]);
            }
            let exact = ctx.seq_time_ok(a.v, &joined);
            assert_eq!(
                concat_ok(&ctx, a, i, &mid, b, k),
                exact,
                "seed {seed}: {:?}[..{i}] + {mid:?} + {:?}[{k}-1..]",
                a.stops,
                b.stops
            );
            feasible += usize::from(exact);
        }
        feasible
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The cached check of a join (prefix, a few stops, suffix) equals a full
        /// re-simulation of the joined route, with and without a break.
        #[test]
        fn cached_join_check_equals_full_schedule(seed in any::<u64>()) {
            compare(seed, false);
            compare(seed, true);
        }
    }

    #[test]
    fn clone_from_copies_every_cache_over_a_different_solution() {
        let p = random_problem(21, 30, 4, true);
        let ctx = Ctx::new(&p, 10);
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let state = |routes: Vec<Route>| {
            let mut st = State::empty(&ctx);
            st.routes = routes;
            for r in 0..st.routes.len() {
                st.refresh(&ctx, r);
            }
            st
        };
        let source = state(random_routes(&ctx, &mut rng, 8));
        let mut copy = state(random_routes(&ctx, &mut rng, 3));
        assert_ne!(format!("{copy:?}"), format!("{source:?}"));
        copy.clone_from(&source);
        assert_eq!(format!("{copy:?}"), format!("{source:?}"));
        assert_eq!(format!("{:?}", source.clone()), format!("{source:?}"));
    }

    #[test]
    fn the_join_comparison_sees_feasible_and_infeasible_joins() {
        let feasible: usize = (0..100).map(|seed| compare(seed, true)).sum();
        assert!(
            feasible > 200 && feasible < 3800,
            "{feasible} of 4000 feasible"
        );
    }

    #[test]
    fn break_caches_match_the_route_schedule() {
        for seed in 0..200 {
            let p = random_problem(seed, 10, 1, true);
            let ctx = Ctx::new(&p, 10);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let r = &random_routes(&ctx, &mut rng, 8)[0];
            // The whole route is the join of its start and its end.
            let whole = concat_ok(&ctx, r, 0, &r.stops, r, r.len() + 1);
            assert_eq!(whole, ctx.seq_time_ok(r.v, &r.stops), "seed {seed}");
        }
    }
}
