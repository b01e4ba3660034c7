//! The outer loop: ruin and recreate with string removals (in the manner of SISR,
//! Christiaens & Vanden Berghe 2020) under simulated-annealing acceptance, with the
//! local-search descent polishing every new best solution.
//!
//! Deterministic for a seed: the temperature follows the iteration count when an
//! iteration budget is given, and the clock only stops the search (reported in
//! [`crate::plan::Solution::time_limit_hit`]). An iteration costs about the same at any
//! number of candidates: a recreate tries the ruined stops, the unassigned stops near
//! them and the mandatory ones, not every unassigned stop; optional stops are inserted
//! next to their nearest stops in a route (granular insertion).

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::construct::{best_insertion_opening, insert, insert_all, nearby_insertion};
use super::operators::descend;
use super::route::{Ctx, State, NONE};

/// How long and how to search.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveOptions {
    /// Stop after this many seconds at the latest.
    pub time_limit_s: f64,
    /// Stop after this many iterations; when set, the result depends only on the seed
    /// and this count (as long as the time limit is not reached first).
    pub max_iterations: Option<u64>,
    /// Seeds the random choices; the same seed and iteration budget give the same plan.
    pub seed: u64,
    /// How many nearest stops (by travel time) the local search tries each stop
    /// against: the granular neighbourhood, as in HGS and PyVRP. Only stops in a route
    /// count, so where most candidates go unserved it still finds the routes nearby.
    pub granularity: usize,
    /// Routes to start from, as stop ids per vehicle in order (a re-plan starts from
    /// the plan under way); empty for none. Routes that no longer fit, and stops that
    /// no longer exist, are left out; the search keeps whichever start is better.
    pub warm_start: Vec<Vec<String>>,
}

/// Iterations of the default search: they fit the default 5 s cap at township scale
/// (3 000 candidates, 10 teams) on a shared two-core machine, so the cap stays a safety
/// stop and a seed gives the same plan on any machine.
pub const DEFAULT_ITERATIONS: u64 = 2000;

/// The default granularity: 20 nearest stops.
pub const DEFAULT_GRANULARITY: usize = 20;

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit_s: 5.0,
            max_iterations: None,
            seed: 1,
            granularity: DEFAULT_GRANULARITY,
            warm_start: Vec::new(),
        }
    }
}

/// Reported whenever the search finds a better plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The iteration that found it.
    pub iteration: u64,
    /// Wall-clock seconds since the search began.
    pub elapsed_s: f64,
    /// Mandatory stops the new best plan leaves out.
    pub mandatory_missed: usize,
    /// Prize it collects.
    pub prize: f64,
    /// Its total travel time, in seconds.
    pub travel_s: f64,
}

/// Average removed stops per ruin, and the longest string.
const AVG_REMOVED: f64 = 10.0;
const MAX_STRING: f64 = 10.0;
const BLINK: f64 = 0.01;
/// How often a recreate weighs opening an empty route at [`OPEN_FACTOR`] of its
/// cost, and that weight. Every other move fills existing routes, and a route costs
/// its two legs to and from the depot before it pays off, so without this the search
/// only ever closes routes: on Gehring-Homberger 400 R2 it ended with 10-12 routes
/// where 12-14 are shorter.
const OPEN_CHANCE: f64 = 0.1;
const OPEN_FACTOR: f64 = 0.5;
/// Per ruined stop, how many of its nearest neighbours the recreate tries to insert
/// when they are unassigned.
const RECREATE_NEIGHBOURS: usize = 20;

pub(crate) fn run(
    ctx: &Ctx,
    options: &SolveOptions,
    progress: &mut dyn FnMut(Progress),
) -> (State, u64) {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut current = initial(ctx, &mut rng);
    descend(ctx, &mut current, options.granularity);
    if let Some(mut warm) = warm(ctx, &options.warm_start, &mut rng) {
        descend(ctx, &mut warm, options.granularity);
        if warm.cost(ctx) < current.cost(ctx) {
            current = warm;
        }
    }
    let mut current_cost = current.cost(ctx);
    let mut best = current.clone();
    let mut best_cost = current_cost;
    report(ctx, &best, 0, started, progress);

    let (t0, tf) = temperatures(ctx, &current);
    // `cand` equals `current` at the start of every iteration; only the routes an
    // iteration touches are copied back and forth (copying the whole solution was a
    // third of an iteration's time on 400 stops and 100 vehicles).
    let mut cand = current.clone();
    let mut removed = Vec::new();
    let mut touched = Vec::new();
    let mut iteration: u64 = 0;
    loop {
        if let Some(max) = options.max_iterations {
            if iteration >= max {
                break;
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        if elapsed >= options.time_limit_s {
            break;
        }
        if ctx.p.stops.is_empty() {
            break;
        }
        iteration += 1;
        let frac = match options.max_iterations {
            Some(max) => iteration as f64 / max as f64,
            None => elapsed / options.time_limit_s,
        };
        let temperature = t0 * (tf / t0).powf(frac.min(1.0));

        touched.clear();
        ruin(ctx, &mut cand, &mut rng, &mut removed, &mut touched);
        recreate(
            ctx,
            &mut cand,
            &mut rng,
            &mut removed,
            &mut touched,
            options.granularity,
        );
        touched.sort_unstable();
        touched.dedup();
        let cand_cost = cand.cost(ctx);
        let threshold = current_cost - temperature * rng.gen::<f64>().max(1e-300).ln();
        if cand_cost < threshold {
            copy_routes(&mut current, &cand, &touched);
            current_cost = cand_cost;
            if current_cost < best_cost - 1e-9 {
                descend(ctx, &mut current, options.granularity);
                current_cost = current.cost(ctx);
                best.clone_from(&current);
                best_cost = current_cost;
                cand.clone_from(&current);
                report(ctx, &best, iteration, started, progress);
            }
        } else {
            copy_routes(&mut cand, &current, &touched);
        }
    }
    descend(ctx, &mut best, options.granularity);
    (best, iteration)
}

/// Makes `dst` equal to `src`, given that they differ only in the routes `touched`.
fn copy_routes(dst: &mut State, src: &State, touched: &[usize]) {
    // A stop in a touched route of `dst` is either in a touched route of `src` or
    // unassigned there: clear them all, then place `src`'s.
    for &r in touched {
        for &s in &dst.routes[r].stops {
            dst.route_of[s] = NONE;
        }
    }
    for &r in touched {
        dst.routes[r].clone_from(&src.routes[r]);
        for (i, &s) in dst.routes[r].stops.iter().enumerate() {
            dst.route_of[s] = r;
            dst.node_of[s] = i + 1;
        }
    }
}

fn report(
    ctx: &Ctx,
    st: &State,
    iteration: u64,
    started: Instant,
    progress: &mut dyn FnMut(Progress),
) {
    let (mut missed, mut prize) = (0, 0.0);
    for (s, stop) in ctx.p.stops.iter().enumerate() {
        if st.route_of[s] == NONE {
            missed += usize::from(stop.mandatory);
        } else {
            prize += stop.prize;
        }
    }
    progress(Progress {
        iteration,
        elapsed_s: started.elapsed().as_secs_f64(),
        mandatory_missed: missed,
        prize,
        travel_s: st.routes.iter().map(|r| r.cost()).sum(),
    });
}

/// Start and end temperatures, scaled by the mean arc of the first solution.
fn temperatures(ctx: &Ctx, st: &State) -> (f64, f64) {
    let used = st.routes.iter().filter(|r| !r.stops.is_empty()).count();
    let served: usize = st.routes.iter().map(|r| r.len()).sum();
    let travel: f64 = st.routes.iter().map(|r| r.cost()).sum();
    let mean_arc = if served > 0 {
        travel / (served + used) as f64
    } else {
        1.0
    };
    let mean_arc = if mean_arc.is_finite() && mean_arc > 0.0 {
        mean_arc
    } else {
        1.0
    };
    let _ = ctx;
    // Long routes (few teams, many stops each) need hotter acceptance to move whole
    // strings between routes; short ones do best cool (Solomon R2/C2 vs R1/C1).
    let stops_per_route = if used > 0 {
        served as f64 / used as f64
    } else {
        1.0
    };
    let scale = (stops_per_route / 10.0).clamp(1.0, 10.0);
    // Starting hot matters more with more iterations: 4x the earlier start gave
    // 1-2 % shorter routes on Gehring-Homberger 400 at 25 000 and 120 000 iterations,
    // and 1.3x that again (with routes opening in the recreate) 0.2-0.3 % at 150 000
    // and 400 000 iterations (R1/R2/RC2, 4 seeds).
    let t0 = 2.6 * scale * mean_arc;
    let tf = 0.0065 * scale * mean_arc;
    (t0, tf)
}

/// The first solution: stops by decreasing penalty, cheapest insertion.
fn initial(ctx: &Ctx, rng: &mut ChaCha8Rng) -> State {
    let mut st = State::empty(ctx);
    let mut order: Vec<usize> = (0..ctx.p.stops.len()).collect();
    order.shuffle(rng);
    let depot = ctx.p.vehicles[0].start_location;
    order.sort_by(|&a, &b| {
        ctx.penalty[b].total_cmp(&ctx.penalty[a]).then(
            ctx.t(depot, ctx.loc[b])
                .total_cmp(&ctx.t(depot, ctx.loc[a])),
        )
    });
    insert_all(ctx, &mut st, &order, 0.0, rng);
    st
}

/// The warm start's routes where they still fit, then every other stop inserted.
fn warm(ctx: &Ctx, routes: &[Vec<String>], rng: &mut ChaCha8Rng) -> Option<State> {
    if routes.is_empty() {
        return None;
    }
    let index: std::collections::HashMap<&str, usize> = ctx
        .p
        .stops
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut st = State::empty(ctx);
    let mut placed = vec![false; ctx.p.stops.len()];
    for (v, ids) in routes.iter().enumerate().take(st.routes.len()) {
        let seq: Vec<usize> = ids
            .iter()
            .filter_map(|id| index.get(id.as_str()).copied())
            .collect();
        let veh = &ctx.p.vehicles[v];
        let load: f64 = seq.iter().map(|&s| ctx.demand[s]).sum();
        let fits = ctx.seq_time_ok(v, &seq)
            && seq
                .iter()
                .all(|&s| !placed[s] && veh.skills.covers(ctx.p.stops[s].skills))
            && veh.capacity.is_none_or(|c| load <= c + 1e-9)
            && veh.max_stops.is_none_or(|m| seq.len() <= m);
        if seq.is_empty() || !fits {
            continue;
        }
        for &s in &seq {
            placed[s] = true;
        }
        st.routes[v].stops = seq;
        st.refresh(ctx, v);
    }
    let mut rest: Vec<usize> = (0..ctx.p.stops.len()).filter(|&s| !placed[s]).collect();
    rest.sort_by(|&a, &b| ctx.penalty[b].total_cmp(&ctx.penalty[a]));
    insert_all(ctx, &mut st, &rest, 0.0, rng);
    Some(st)
}

/// Removes a few strings of stops that lie close together (adjacent strings from
/// different routes), so that recreating them can reorganise a neighbourhood.
fn ruin(
    ctx: &Ctx,
    st: &mut State,
    rng: &mut ChaCha8Rng,
    removed: &mut Vec<usize>,
    touched: &mut Vec<usize>,
) {
    removed.clear();
    let used: Vec<usize> = (0..st.routes.len())
        .filter(|&r| !st.routes[r].stops.is_empty())
        .collect();
    if used.is_empty() {
        return;
    }
    let served: usize = used.iter().map(|&r| st.routes[r].len()).sum();
    let avg_len = served as f64 / used.len() as f64;
    let ls_max = MAX_STRING.min(avg_len);
    let ks_max = 4.0 * AVG_REMOVED / (1.0 + ls_max) - 1.0;
    let ks = (rng.gen_range(1.0..ks_max.max(1.0) + 1.0)).floor() as usize;
    // A random served stop seeds the ruin.
    let mut seed = rng.gen_range(0..ctx.p.stops.len());
    while st.route_of[seed] == NONE {
        seed = (seed + 1) % ctx.p.stops.len();
    }
    let mut ruined: Vec<usize> = Vec::with_capacity(ks);
    for &c in std::iter::once(&seed).chain(ctx.neighbours[seed].iter()) {
        if ruined.len() >= ks {
            break;
        }
        let r = st.route_of[c];
        if r == NONE || ruined.contains(&r) {
            continue;
        }
        let route_len = st.routes[r].len();
        let lt_max = (route_len as f64).min(ls_max);
        let lt = (rng.gen_range(1.0..lt_max.max(1.0) + 1.0)).floor() as usize;
        let lt = lt.clamp(1, route_len);
        remove_string(st, r, st.node_of[c] - 1, lt, rng, removed);
        ruined.push(r);
    }
    for &r in &ruined {
        st.refresh(ctx, r);
    }
    touched.extend_from_slice(&ruined);
    for &s in removed.iter() {
        st.route_of[s] = NONE;
    }
}

/// Removes `len` consecutive stops containing index `at` of route `r` (half of the
/// time keeping a few stops in the middle of a longer string: "split string").
fn remove_string(
    st: &mut State,
    r: usize,
    at: usize,
    len: usize,
    rng: &mut ChaCha8Rng,
    removed: &mut Vec<usize>,
) {
    let stops = &mut st.routes[r].stops;
    let n = stops.len();
    let mut keep = 0;
    if len < n && rng.gen_bool(0.5) {
        keep = 1;
        while len + keep < n && rng.gen_bool(0.5) {
            keep += 1;
        }
    }
    let total = len + keep;
    let lo = (at + 1).saturating_sub(total);
    let hi = at.min(n - total);
    let start = rng.gen_range(lo..=hi);
    let keep_at = if keep > 0 { rng.gen_range(0..=len) } else { 0 };
    let mut idx = 0;
    stops.retain(|&s| {
        let i = idx;
        idx += 1;
        if i < start || i >= start + total {
            return true;
        }
        let off = i - start;
        if keep > 0 && off >= keep_at && off < keep_at + keep {
            return true;
        }
        removed.push(s);
        false
    });
}

/// The stops a recreate tries: the ruined ones, the unassigned stops among their
/// nearest neighbours, and every unassigned mandatory stop; in index order.
///
/// Not every unassigned stop: on a township with thousands of candidates and a few
/// hundred places in the routes, trying them all made each iteration cost O(N × places).
fn candidates_near(ctx: &Ctx, st: &State, removed: &mut Vec<usize>) {
    let ruined = removed.len();
    for i in 0..ruined {
        let s = removed[i];
        for &n in ctx.neighbours[s].iter().take(RECREATE_NEIGHBOURS) {
            if st.route_of[n] == NONE {
                removed.push(n);
            }
        }
    }
    removed.extend(ctx.mandatory.iter().filter(|&&s| st.route_of[s] == NONE));
    removed.sort_unstable();
    removed.dedup();
}

/// Re-inserts the removed stops and tries the unassigned stops near them, highest
/// penalty first, in one of SISR's orders within equal penalties.
fn recreate(
    ctx: &Ctx,
    st: &mut State,
    rng: &mut ChaCha8Rng,
    removed: &mut Vec<usize>,
    touched: &mut Vec<usize>,
    granularity: usize,
) {
    let mut ruined = removed.clone();
    ruined.sort_unstable();
    candidates_near(ctx, st, removed);
    removed.shuffle(rng);
    let depot = ctx.p.vehicles[0].start_location;
    match rng.gen_range(0..11) {
        0..=3 => {}
        4..=7 => removed.sort_by(|&a, &b| ctx.demand[b].total_cmp(&ctx.demand[a])),
        8..=9 => removed.sort_by(|&a, &b| {
            ctx.t(depot, ctx.loc[b])
                .total_cmp(&ctx.t(depot, ctx.loc[a]))
        }),
        _ => removed.sort_by(|&a, &b| {
            ctx.t(depot, ctx.loc[a])
                .total_cmp(&ctx.t(depot, ctx.loc[b]))
        }),
    }
    // Mandatory stops first; by prize only half of the time, since a fixed order
    // would make the greedy recreate repeat itself.
    if rng.gen_bool(0.5) {
        removed.sort_by(|&a, &b| ctx.penalty[b].total_cmp(&ctx.penalty[a]));
    } else {
        removed.sort_by_key(|&s| !ctx.p.stops[s].mandatory);
    }
    let open_factor = if rng.gen_bool(OPEN_CHANCE) {
        OPEN_FACTOR
    } else {
        1.0
    };
    // The ruined and the mandatory stops may go anywhere; the optional stops near
    // them only next to their nearest stops in a route.
    for &s in removed.iter() {
        let ins = if ruined.binary_search(&s).is_ok() || ctx.p.stops[s].mandatory {
            best_insertion_opening(ctx, st, s, BLINK, open_factor, rng)
        } else {
            nearby_insertion(ctx, st, s, granularity)
        };
        if let Some(ins) = ins {
            touched.push(ins.route);
            insert(ctx, st, s, ins);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testing::random_problem;
    use crate::plan::{solve, SolveOptions};

    #[test]
    fn a_warm_start_is_never_lost() {
        let p = random_problem(12, 60, 4, true);
        let long = SolveOptions {
            max_iterations: Some(600),
            time_limit_s: 60.0,
            seed: 3,
            ..Default::default()
        };
        let good = solve(&p, &long).unwrap();
        let mut routes = vec![Vec::new(); p.vehicles.len()];
        for r in &good.routes {
            routes[r.vehicle] = r
                .visits
                .iter()
                .map(|v| p.stops[v.stop].id.clone())
                .collect();
        }
        let short = SolveOptions {
            max_iterations: Some(1),
            seed: 9,
            ..long.clone()
        };
        let cold = solve(&p, &short).unwrap();
        let warm = solve(
            &p,
            &SolveOptions {
                warm_start: routes,
                ..short
            },
        )
        .unwrap();
        let key = |s: &crate::plan::Solution| (s.objective.mandatory_missed, -s.objective.prize);
        assert!(
            key(&warm) <= key(&good),
            "{:?} vs {:?}",
            warm.objective,
            good.objective
        );
        assert!(
            key(&cold) > key(&good),
            "the test needs a start the short search cannot find"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_plan_and_the_budget_ends_the_search() {
        let p = random_problem(11, 60, 4, true);
        let options = SolveOptions {
            max_iterations: Some(300),
            time_limit_s: 60.0,
            seed: 5,
            ..Default::default()
        };
        let first = solve(&p, &options).unwrap();
        let second = solve(&p, &options).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.iterations, 300);
        assert!(!first.time_limit_hit);
        let other = solve(&p, &SolveOptions { seed: 6, ..options }).unwrap();
        assert!(crate::plan::check::check(&p, &other).is_ok());
    }

    #[test]
    fn the_search_starts_hot_enough_to_accept_a_detour_of_one_mean_arc_more_often_than_not() {
        let p = random_problem(14, 40, 3, false);
        let ctx = Ctx::new(&p, 10);
        let mut rng = ChaCha8Rng::seed_from_u64(14);
        let st = initial(&ctx, &mut rng);
        let used = st.routes.iter().filter(|r| !r.stops.is_empty()).count();
        let served: usize = st.routes.iter().map(|r| r.len()).sum();
        let travel: f64 = st.routes.iter().map(|r| r.cost()).sum();
        assert!(served > 0);
        let mean_arc = travel / (served + used) as f64;
        let (t0, tf) = temperatures(&ctx, &st);
        assert!((-mean_arc / t0).exp() > 0.5, "t0 {t0}, mean arc {mean_arc}");
        assert!(
            tf < t0 / 100.0,
            "the search must end cool: t0 {t0}, tf {tf}"
        );
    }

    #[test]
    fn a_time_limit_that_cuts_the_budget_is_reported() {
        let p = random_problem(12, 60, 4, true);
        let options = SolveOptions {
            max_iterations: Some(u64::MAX),
            time_limit_s: 0.05,
            ..Default::default()
        };
        let plan = solve(&p, &options).unwrap();
        assert!(plan.time_limit_hit);
        assert!(plan.iterations < u64::MAX);
    }

    #[test]
    fn a_recreate_tries_the_ruined_stops_their_unassigned_neighbours_and_mandatory_stops() {
        let p = random_problem(13, 40, 1, false);
        let ctx = Ctx::new(&p, 10);
        let st = State::empty(&ctx);
        let mut tried = vec![0];
        candidates_near(&ctx, &st, &mut tried);
        let mut expected: Vec<usize> = std::iter::once(0)
            .chain(ctx.neighbours[0].iter().take(RECREATE_NEIGHBOURS).copied())
            .chain(ctx.mandatory.iter().copied())
            .collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(tried, expected);
        assert!(tried.len() < p.stops.len());
    }
}
