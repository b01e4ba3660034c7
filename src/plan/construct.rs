//! Construction by cheapest feasible insertion, also the "recreate" half of the search.

use rand::Rng;

use super::route::{concat_ok, Ctx, State, NONE};

/// Where to insert a stop: after node `after` of route `route`, adding `delta` travel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Insertion {
    pub route: usize,
    pub after: usize,
    pub delta: f64,
}

/// The cheapest feasible insertion of stop `s`; each position is skipped with
/// probability `blink` (SISR's "blinks" diversify the greedy choice).
pub(crate) fn best_insertion<R: Rng>(
    ctx: &Ctx,
    st: &State,
    s: usize,
    blink: f64,
    rng: &mut R,
) -> Option<Insertion> {
    let mut best: Option<Insertion> = None;
    let ls = ctx.loc[s];
    let mut tried_empty: u64 = 0;
    for (r, route) in st.routes.iter().enumerate() {
        if !st.can_take(ctx, r, s, 1) || !st.load_ok(ctx, r, route.load() + ctx.demand[s]) {
            continue;
        }
        // Empty routes of identical vehicles are interchangeable: try one of each kind.
        if route.stops.is_empty() {
            let class = ctx.vehicle_class[route.v];
            if class < 64 {
                if tried_empty & (1 << class) != 0 {
                    continue;
                }
                tried_empty |= 1 << class;
            }
        }
        for p in 0..=route.len() {
            if blink > 0.0 && rng.gen::<f64>() < blink {
                continue;
            }
            let (a, b) = (route.loc[p], route.loc[p + 1]);
            let delta = ctx.t(a, ls) + ctx.t(ls, b) - ctx.t(a, b);
            let bound = best.map_or(f64::INFINITY, |i| i.delta);
            if delta.is_nan() || delta >= bound {
                continue;
            }
            if concat_ok(ctx, route, p, &[s], route, p + 1) {
                best = Some(Insertion {
                    route: r,
                    after: p,
                    delta,
                });
            }
        }
    }
    best
}

/// The cheapest feasible insertion of stop `s` just before or after one of its `k`
/// nearest stops that are in a route, or into an empty route (one of each kind): the
/// granular insertion, in O(k) where [`best_insertion`] takes O(stops in routes).
pub(crate) fn nearby_insertion(ctx: &Ctx, st: &State, s: usize, k: usize) -> Option<Insertion> {
    let mut best: Option<Insertion> = None;
    let ls = ctx.loc[s];
    let consider = |r: usize, p: usize, best: &mut Option<Insertion>| {
        let route = &st.routes[r];
        let (a, b) = (route.loc[p], route.loc[p + 1]);
        let delta = ctx.t(a, ls) + ctx.t(ls, b) - ctx.t(a, b);
        let bound = best.map_or(f64::INFINITY, |i| i.delta);
        if delta.is_nan() || delta >= bound {
            return;
        }
        if concat_ok(ctx, route, p, &[s], route, p + 1) {
            *best = Some(Insertion {
                route: r,
                after: p,
                delta,
            });
        }
    };
    let fits = |r: usize| {
        st.can_take(ctx, r, s, 1) && st.load_ok(ctx, r, st.routes[r].load() + ctx.demand[s])
    };
    let mut found = 0;
    for &v in &ctx.neighbours[s] {
        if found == k {
            break;
        }
        let r = st.route_of[v];
        if r == NONE {
            continue;
        }
        found += 1;
        if fits(r) {
            let pv = st.node_of[v];
            consider(r, pv - 1, &mut best);
            consider(r, pv, &mut best);
        }
    }
    let mut tried_empty: u64 = 0;
    for (r, route) in st.routes.iter().enumerate() {
        if !route.stops.is_empty() || !fits(r) {
            continue;
        }
        let class = ctx.vehicle_class[route.v];
        if class < 64 {
            if tried_empty & (1 << class) != 0 {
                continue;
            }
            tried_empty |= 1 << class;
        }
        consider(r, 0, &mut best);
    }
    best
}

/// Applies an insertion.
pub(crate) fn insert(ctx: &Ctx, st: &mut State, s: usize, ins: Insertion) {
    debug_assert_eq!(st.route_of[s], NONE);
    st.routes[ins.route].stops.insert(ins.after, s);
    st.refresh(ctx, ins.route);
}

/// Inserts each stop of `order` at its cheapest feasible place; stops that fit
/// nowhere stay unassigned.
pub(crate) fn insert_all<R: Rng>(
    ctx: &Ctx,
    st: &mut State,
    order: &[usize],
    blink: f64,
    rng: &mut R,
) {
    for &s in order {
        if st.route_of[s] != NONE {
            continue;
        }
        if let Some(ins) = best_insertion(ctx, st, s, blink, rng) {
            insert(ctx, st, s, ins);
        }
    }
}
