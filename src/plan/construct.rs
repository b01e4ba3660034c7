//! Construction by cheapest feasible insertion, also the "recreate" half of the search.

use rand::Rng;

use super::route::{concat_ok, Ctx, State, EPS, NONE};

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
    best_insertion_opening(ctx, st, s, blink, 1.0, rng)
}

/// [`best_insertion`] with the cost of opening an empty route weighed by
/// `open_factor`: below 1 the choice leans towards a new route, so that a search
/// whose other moves only ever fill routes also explores plans with more of them.
/// The returned `delta` is the weighed one.
pub(crate) fn best_insertion_opening<R: Rng>(
    ctx: &Ctx,
    st: &State,
    s: usize,
    blink: f64,
    open_factor: f64,
    rng: &mut R,
) -> Option<Insertion> {
    let mut best: Option<Insertion> = None;
    let ls = ctx.loc[s];
    let mut tried_empty: u64 = 0;
    let mut kept_before_blink = positions_before_blink(blink, rng);
    let (open_done, close) = (ctx.first_open[s] + ctx.svc[s], ctx.last_close[s]);
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
        // Departures and latest starts only grow along a route: before `first` the
        // rest of the route cannot wait for `s`'s first window to open, and once the
        // route leaves after `s`'s last window closes, no later place is on time.
        let first = route.ls[1..].partition_point(|&l| l + EPS < open_done);
        for p in first..=route.len() {
            if route.dep[p] > close + EPS {
                break;
            }
            if kept_before_blink == 0 {
                kept_before_blink = positions_before_blink(blink, rng);
                continue;
            }
            kept_before_blink -= 1;
            let (a, b) = (route.loc[p], route.loc[p + 1]);
            let mut delta = ctx.t(a, ls) + ctx.t(ls, b) - ctx.t(a, b);
            if route.stops.is_empty() {
                delta *= open_factor;
            }
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

/// How many positions to try before the next one blinks: geometric, so that each
/// position blinks independently with probability `blink`, at one random draw per
/// blink instead of one per position (those draws were a sixth of the search's time).
fn positions_before_blink<R: Rng>(blink: f64, rng: &mut R) -> u64 {
    if blink <= 0.0 {
        return u64::MAX;
    }
    if blink >= 1.0 {
        return 0;
    }
    let u: f64 = rng.gen::<f64>().max(f64::MIN_POSITIVE);
    let kept = (u.ln() / (1.0 - blink).ln()).floor();
    if kept >= u64::MAX as f64 {
        u64::MAX
    } else {
        kept as u64
    }
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
    st.insert_stop(ctx, ins.route, ins.after, s);
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

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::{best_insertion, best_insertion_opening, insert_all, positions_before_blink};
    use crate::plan::route::{Ctx, State, NONE};
    use crate::plan::testing::random_problem;

    /// The cheapest on-time insertion of `s` by trying every place and simulating
    /// the whole route (break included); opening an empty route weighs `open_factor`
    /// times its cost.
    fn brute_force(ctx: &Ctx, st: &State, s: usize, open_factor: f64) -> Option<f64> {
        let mut best: Option<f64> = None;
        for (r, route) in st.routes.iter().enumerate() {
            if !st.can_take(ctx, r, s, 1) || !st.load_ok(ctx, r, route.load() + ctx.demand[s]) {
                continue;
            }
            for p in 0..=route.len() {
                let mut seq = route.stops.clone();
                seq.insert(p, s);
                let (a, b) = (route.loc[p], route.loc[p + 1]);
                let mut delta = ctx.t(a, ctx.loc[s]) + ctx.t(ctx.loc[s], b) - ctx.t(a, b);
                if route.stops.is_empty() {
                    delta *= open_factor;
                }
                if ctx.seq_time_ok(route.v, &seq) && best.is_none_or(|d| delta < d) {
                    best = Some(delta);
                }
            }
        }
        best
    }

    /// Skipping the places that cannot be on time never skips the best one.
    #[test]
    fn the_cheapest_insertion_is_the_best_of_all_places() {
        for seed in 0..40 {
            let p = random_problem(seed, 30, 3, seed % 2 == 0);
            let ctx = Ctx::new(&p, 29);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut st = State::empty(&ctx);
            let order: Vec<usize> = (0..p.stops.len()).filter(|s| s % 3 != 0).collect();
            insert_all(&ctx, &mut st, &order, 0.2, &mut rng);
            for s in (0..p.stops.len()).filter(|&s| st.route_of[s] == NONE) {
                let found = best_insertion(&ctx, &st, s, 0.0, &mut rng).map(|i| i.delta);
                let expected = brute_force(&ctx, &st, s, 1.0);
                match (found, expected) {
                    (None, None) => {}
                    (Some(f), Some(e)) => {
                        assert!((f - e).abs() < 1e-9, "seed {seed} stop {s}: {f} vs {e}")
                    }
                    _ => panic!("seed {seed} stop {s}: {found:?} vs {expected:?}"),
                }
            }
        }
    }

    /// Weighing the opening of a route picks the cheapest place by the weighed cost,
    /// and a light enough weight opens a route wherever one is left and fits.
    #[test]
    fn a_lighter_opening_cost_leans_towards_an_empty_route() {
        let mut opened = 0;
        for seed in 0..40 {
            let p = random_problem(seed, 30, 6, seed % 2 == 0);
            let ctx = Ctx::new(&p, 29);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut st = State::empty(&ctx);
            let order: Vec<usize> = (0..p.stops.len()).filter(|s| s % 4 == 0).collect();
            insert_all(&ctx, &mut st, &order, 0.0, &mut rng);
            for s in (0..p.stops.len()).filter(|&s| st.route_of[s] == NONE) {
                for factor in [0.0, 0.5] {
                    let found = best_insertion_opening(&ctx, &st, s, 0.0, factor, &mut rng);
                    let expected = brute_force(&ctx, &st, s, factor);
                    let delta = found.map(|i| i.delta);
                    match (delta, expected) {
                        (None, None) => {}
                        (Some(f), Some(e)) => assert!((f - e).abs() < 1e-9, "seed {seed}"),
                        _ => panic!("seed {seed} stop {s}: {delta:?} vs {expected:?}"),
                    }
                    let into_empty = found.is_some_and(|i| st.routes[i.route].stops.is_empty());
                    let plain = best_insertion(&ctx, &st, s, 0.0, &mut rng);
                    let plain_empty = plain.is_some_and(|i| st.routes[i.route].stops.is_empty());
                    if factor == 0.0 && into_empty && !plain_empty {
                        opened += 1;
                    }
                }
            }
        }
        assert!(opened > 0, "the weight must change some choices");
    }

    /// Skipping geometric runs blinks each position with the given probability.
    #[test]
    fn positions_blink_at_the_given_rate() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for blink in [0.01, 0.3, 0.7] {
            let (mut blinked, mut positions) = (0u64, 0u64);
            while positions < 200_000 {
                let kept = positions_before_blink(blink, &mut rng);
                positions += kept + 1;
                blinked += 1;
            }
            let rate = blinked as f64 / positions as f64;
            assert!(
                (rate - blink).abs() < 0.1 * blink,
                "blink {blink}, rate {rate}"
            );
        }
        assert_eq!(positions_before_blink(0.0, &mut rng), u64::MAX);
        assert_eq!(positions_before_blink(1.0, &mut rng), 0);
    }
}
