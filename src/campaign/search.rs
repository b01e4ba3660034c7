//! The search over visit patterns: cheapest-insertion construction, then ruin and
//! recreate (remove a site and its nearest neighbours from every period, put each back
//! with its cheapest allowed pattern) under simulated-annealing acceptance. The day
//! solver polishes each period of the best state at the end.

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::routes::{interchangeable, own_solution, schedule, State};
use super::{
    Campaign, CampaignError, CampaignOptions, CampaignPlan, LeftOut, Period, PeriodPlan, Unplanned,
};
use crate::plan::{self, Matrix, Problem, SolveError, SolveOptions, Stop, TimeWindow, Vehicle};

/// Neighbours kept per site for the ruin step.
const NEIGHBOURS: usize = 40;
/// Most sites removed by one ruin.
const MAX_REMOVED: usize = 15;

/// Plans the campaign: every site a pattern if it fits, routes per period.
pub fn plan_campaign(c: &Campaign, o: &CampaignOptions) -> Result<CampaignPlan, CampaignError> {
    c.validate()?;
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    let near = neighbours(c);
    let f = o.team_day_cost_s;
    let mut current = State::empty(c);
    let mut order: Vec<usize> = (0..c.sites.len()).collect();
    order.sort_by(|&a, &b| urgency(c, a).total_cmp(&urgency(c, b)));
    recreate(c, &mut current, &order, f);
    let mut current_cost = current.cost(f);
    let mut best = current.clone();
    let mut best_cost = current_cost;

    let visits: usize = (0..c.sites.len())
        .filter_map(|s| current.pattern[s].map(|k| c.sites[s].patterns[k].len()))
        .sum();
    let travel: f64 = current.travel.iter().flatten().sum();
    let t0 = 0.2 * travel / visits.max(1) as f64 + 1e-9;
    let tf = t0 / 200.0;
    let search_share = if o.polish_iterations > 0 { 0.85 } else { 1.0 };
    let mut cand = current.clone();
    let mut removed = Vec::new();
    let mut iteration = 0u64;
    while !c.sites.is_empty() {
        if o.max_iterations.is_some_and(|m| iteration >= m) {
            break;
        }
        let elapsed = started.elapsed().as_secs_f64();
        if elapsed >= o.time_limit_s * search_share {
            break;
        }
        iteration += 1;
        let frac = match o.max_iterations {
            Some(m) => iteration as f64 / m as f64,
            None => elapsed / (o.time_limit_s * search_share),
        };
        let temperature = t0 * (tf / t0).powf(frac.min(1.0));
        cand.clone_from(&current);
        ruin(c, &mut cand, &near, &mut rng, &mut removed);
        removed.shuffle(&mut rng);
        if rng.gen_bool(0.5) {
            removed.sort_by(|&a, &b| urgency(c, a).total_cmp(&urgency(c, b)));
        }
        recreate(c, &mut cand, &removed, f);
        let cand_cost = cand.cost(f);
        let threshold = current_cost - temperature * rng.gen::<f64>().max(1e-300).ln();
        if cand_cost < threshold {
            std::mem::swap(&mut current, &mut cand);
            current_cost = cand_cost;
            if current_cost < best_cost - 1e-9 {
                best.clone_from(&current);
                best_cost = current_cost;
            }
        }
    }
    finish(c, &best, o, started, iteration)
}

/// The plain baseline: fill each period in turn, the most urgent sites first, with no
/// moves between periods.
pub fn greedy_baseline(c: &Campaign, o: &CampaignOptions) -> Result<CampaignPlan, CampaignError> {
    c.validate()?;
    let started = Instant::now();
    let mut state = State::empty(c);
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); c.sites.len()];
    for p in 0..c.periods.len() {
        let mut eligible: Vec<(usize, usize)> = (0..c.sites.len())
            .filter(|&s| state.pattern[s].is_none())
            .filter_map(|s| {
                let last = (0..c.sites[s].patterns.len())
                    .filter(|&k| extends(c, s, k, &chosen[s], p))
                    .map(|k| c.sites[s].patterns[k].iter().copied().max().unwrap_or(p))
                    .min()?;
                Some((last, s))
            })
            .collect();
        eligible.sort();
        for (_, s) in eligible {
            let Some((_, v, i)) = state.best_insertion(c, p, s, 0.0) else {
                continue;
            };
            state.insert(c, p, v, i, s);
            chosen[s].push(p);
            let complete = (0..c.sites[s].patterns.len()).find(|&k| {
                let pattern = &c.sites[s].patterns[k];
                pattern.len() == chosen[s].len() && chosen[s].iter().all(|x| pattern.contains(x))
            });
            if let Some(k) = complete {
                state.pattern[s] = Some(k);
            }
        }
    }
    // Sites only partly visited are left out: take their visits back.
    for (s, periods) in chosen.iter().enumerate() {
        if state.pattern[s].is_none() {
            for &p in periods {
                for v in 0..state.routes[p].len() {
                    if let Some(i) = state.routes[p][v].iter().position(|&x| x == s) {
                        state.routes[p][v].remove(i);
                        state.travel[p][v] =
                            schedule(c, p, v, &state.routes[p][v], false).map_or(0.0, |(t, _)| t);
                    }
                }
            }
        }
    }
    finish(c, &state, o, started, 0)
}

/// True when pattern `k` of site `s` holds the periods chosen so far and `p`, and its
/// other periods are still to come.
fn extends(c: &Campaign, s: usize, k: usize, chosen: &[usize], p: usize) -> bool {
    let pattern = &c.sites[s].patterns[k];
    pattern.contains(&p)
        && chosen.iter().all(|x| pattern.contains(x))
        && pattern.iter().all(|x| chosen.contains(x) || *x >= p)
}

/// Fewer open patterns and more demand come first.
fn urgency(c: &Campaign, s: usize) -> f64 {
    let open = (0..c.sites[s].patterns.len())
        .filter(|&k| c.pattern_open(s, k))
        .count();
    open as f64 * 1e6 - c.sites[s].demand
}

/// Per site, the other sites nearest to it (travel both ways).
fn neighbours(c: &Campaign) -> Vec<Vec<usize>> {
    let d = &c.durations_s;
    (0..c.sites.len())
        .map(|s| {
            let a = c.sites[s].location;
            let mut others: Vec<(f64, usize)> = (0..c.sites.len())
                .filter(|&t| t != s)
                .map(|t| {
                    let b = c.sites[t].location;
                    (d.get(a, b) + d.get(b, a), t)
                })
                .collect();
            let keep = NEIGHBOURS.min(others.len());
            if keep < others.len() {
                others.select_nth_unstable_by(keep, |x, y| x.0.total_cmp(&y.0));
                others.truncate(keep);
            }
            others.sort_by(|x, y| x.0.total_cmp(&y.0));
            others.into_iter().map(|(_, t)| t).collect()
        })
        .collect()
}

/// Removes a random site and its nearest neighbours (all their visits), and every site
/// left out so far; `removed` gets them.
fn ruin(
    c: &Campaign,
    st: &mut State,
    near: &[Vec<usize>],
    rng: &mut ChaCha8Rng,
    removed: &mut Vec<usize>,
) {
    removed.clear();
    removed.extend((0..c.sites.len()).filter(|&s| st.pattern[s].is_none()));
    let n = c.sites.len();
    let most = MAX_REMOVED.min((n / 4).max(1));
    let q = rng.gen_range(1..=most);
    let seed = rng.gen_range(0..n);
    let already = removed.len();
    for s in std::iter::once(seed).chain(near[seed].iter().copied()) {
        if removed.len() - already >= q {
            break;
        }
        if st.pattern[s].is_some() {
            st.remove(c, s);
            removed.push(s);
        }
    }
}

/// Puts back each site of `order` with its cheapest allowed pattern.
fn recreate(c: &Campaign, st: &mut State, order: &[usize], f: f64) {
    for &s in order {
        if st.pattern[s].is_some() {
            continue;
        }
        if let Some((_, k)) = st.best_pattern(c, s, f) {
            st.apply_pattern(c, s, k, f);
        }
    }
}

/// The day problem of period `p` for the sites in `stop_sites`, on a matrix of only the
/// locations it uses.
fn day_problem(c: &Campaign, p: usize, stop_sites: &[usize]) -> Problem {
    let vehicles = &c.periods[p].vehicles;
    let mut locations: Vec<usize> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut local = |l: usize, locations: &mut Vec<usize>| {
        *index.entry(l).or_insert_with(|| {
            locations.push(l);
            locations.len() - 1
        })
    };
    let vehicles: Vec<Vehicle> = vehicles
        .iter()
        .map(|v| {
            let mut v = v.clone();
            v.start_location = local(v.start_location, &mut locations);
            v.end_location = local(v.end_location, &mut locations);
            v
        })
        .collect();
    let stops: Vec<Stop> = stop_sites
        .iter()
        .map(|&s| {
            let site = &c.sites[s];
            let mut stop = Stop::new(
                site.id.clone(),
                local(site.location, &mut locations),
                site.service_s,
            );
            stop.windows = site.windows[p].clone().unwrap_or_default();
            stop.mandatory = true;
            stop.demand = site.demand;
            stop
        })
        .collect();
    let n = locations.len();
    let sub = |m: &Matrix| Matrix::from_fn(n, |i, j| m.get(locations[i], locations[j]));
    Problem {
        durations_s: sub(c.durations_in(p)),
        distances_m: sub(c.distances_in(p)),
        stops,
        vehicles,
    }
}

/// The plan from a state: each period's routes as a checked day plan (the day solver's
/// when it does better), team hours balanced, and the sites left out with why.
fn finish(
    c: &Campaign,
    st: &State,
    o: &CampaignOptions,
    started: Instant,
    iterations: u64,
) -> Result<CampaignPlan, CampaignError> {
    let mut periods = Vec::new();
    let busy: Vec<usize> = (0..c.periods.len())
        .filter(|&p| st.routes[p].iter().any(|r| !r.is_empty()))
        .collect();
    for (done, &p) in busy.iter().enumerate() {
        let (stop_sites, own) = own_solution(c, p, &st.routes[p]);
        let problem = day_problem(c, p, &stop_sites);
        let cost =
            |s: &plan::Solution| s.objective.travel_s + o.team_day_cost_s * s.routes.len() as f64;
        let mut solution = own;
        let left = o.time_limit_s - started.elapsed().as_secs_f64();
        if o.polish_iterations > 0 && left > 0.0 {
            let options = SolveOptions {
                time_limit_s: left / (busy.len() - done) as f64,
                max_iterations: Some(o.polish_iterations),
                seed: o.seed.wrapping_add(p as u64),
                ..SolveOptions::default()
            };
            let polished = plan::solve(&problem, &options)?;
            if polished.unassigned.is_empty() && cost(&polished) < cost(&solution) - 1e-9 {
                solution = polished;
            }
        }
        if let Some(v) = plan::check::violations(&problem, &solution).first() {
            return Err(SolveError::CheckFailed(format!("{}: {v}", c.periods[p].label)).into());
        }
        periods.push(PeriodPlan {
            period: p,
            problem,
            stop_sites,
            solution,
        });
    }
    balance_hours(&mut periods);
    let unplanned = (0..c.sites.len())
        .filter(|&s| st.pattern[s].is_none())
        .map(|s| Unplanned {
            site: s,
            reason: left_out_reason(c, s),
        })
        .collect();
    Ok(CampaignPlan {
        patterns: st.pattern.clone(),
        periods,
        unplanned,
        iterations,
    })
}

/// Gives each period's longest routes to the interchangeable teams with the fewest
/// hours so far, period after period.
fn balance_hours(periods: &mut [PeriodPlan]) {
    let mut hours: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for pp in periods.iter_mut() {
        let vehicles = &pp.problem.vehicles;
        let mut class_of: Vec<usize> = Vec::new();
        for (i, v) in vehicles.iter().enumerate() {
            let class = (0..i)
                .find(|&j| interchangeable(&vehicles[j], v))
                .map_or(i, |j| class_of[j]);
            class_of.push(class);
        }
        for class in 0..vehicles.len() {
            let mut members: Vec<usize> = (0..vehicles.len())
                .filter(|&v| class_of[v] == class)
                .collect();
            if members.len() < 2 {
                continue;
            }
            let mut routes: Vec<usize> = (0..pp.solution.routes.len())
                .filter(|&r| class_of[pp.solution.routes[r].vehicle] == class)
                .collect();
            let length = |r: &plan::RoutePlan| r.return_s - r.departure_s;
            routes.sort_by(|&a, &b| {
                length(&pp.solution.routes[b]).total_cmp(&length(&pp.solution.routes[a]))
            });
            let worked = |v: usize| hours.get(&vehicles[v].id).copied().unwrap_or(0.0);
            members.sort_by(|&a, &b| worked(a).total_cmp(&worked(b)).then(a.cmp(&b)));
            for (&r, &v) in routes.iter().zip(&members) {
                pp.solution.routes[r].vehicle = v;
                pp.solution.routes[r].vehicle_id = vehicles[v].id.clone();
            }
        }
        pp.solution.routes.sort_by_key(|r| r.vehicle);
        for r in &pp.solution.routes {
            *hours.entry(r.vehicle_id.clone()).or_insert(0.0) += r.return_s - r.departure_s;
        }
    }
}

/// Why site `s` could not be placed.
fn left_out_reason(c: &Campaign, s: usize) -> LeftOut {
    let open: Vec<usize> = (0..c.sites[s].patterns.len())
        .filter(|&k| c.pattern_open(s, k))
        .collect();
    if open.is_empty() {
        return LeftOut::NoPeriod;
    }
    let alone_fits = |p: usize| {
        (0..c.periods[p].vehicles.len()).any(|v| schedule(c, p, v, &[s], false).is_some())
    };
    if open
        .iter()
        .any(|&k| c.sites[s].patterns[k].iter().all(|&p| alone_fits(p)))
    {
        LeftOut::NoTime
    } else {
        LeftOut::NoWindow
    }
}

/// A change a lead could make to fit what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The change in words, e.g. `再加一个组日：2026-03-05 日查`.
    pub label: String,
    /// The period it changes (one more team, a longer shift); `None` adds a new period
    /// (an extra weekend shift).
    pub period: Option<usize>,
    /// The teams of the changed or new period.
    pub vehicles: Vec<Vehicle>,
    /// Per site, its windows in that period (`None`: not visitable then).
    pub windows: Vec<Option<Vec<TimeWindow>>>,
}

/// For each site left out of `plan`, the index of the first of `changes` with which it
/// fits beside everything planned (tried, not guessed), or `None`.
pub fn would_fit(c: &Campaign, plan: &CampaignPlan, changes: &[Change]) -> Vec<Option<usize>> {
    let mut answer = vec![None; plan.unplanned.len()];
    for (ci, change) in changes.iter().enumerate() {
        if answer.iter().all(Option::is_some) {
            break;
        }
        let changed = apply_change(c, change);
        let state = state_of(&changed, plan);
        for (u, slot) in plan.unplanned.iter().zip(answer.iter_mut()) {
            if slot.is_none() && state.best_pattern(&changed, u.site, 0.0).is_some() {
                *slot = Some(ci);
            }
        }
    }
    answer
}

/// The campaign with `change` made; a new period may replace any one visit of a pattern.
fn apply_change(c: &Campaign, change: &Change) -> Campaign {
    let mut changed = c.clone();
    let period = Period {
        label: change.label.clone(),
        vehicles: change.vehicles.clone(),
        // A changed period keeps its streets; an added one is a day off's daytime shift.
        gates_closed: change.period.is_some_and(|p| c.periods[p].gates_closed),
    };
    match change.period {
        Some(p) => {
            changed.periods[p] = period;
            for (site, w) in changed.sites.iter_mut().zip(&change.windows) {
                site.windows[p] = w.clone();
            }
        }
        None => {
            let new = changed.periods.len();
            changed.periods.push(period);
            for (site, w) in changed.sites.iter_mut().zip(&change.windows) {
                site.windows.push(w.clone());
                let mut extra = Vec::new();
                for pattern in &site.patterns {
                    for i in 0..pattern.len() {
                        let mut alt = pattern.clone();
                        alt[i] = new;
                        extra.push(alt);
                    }
                }
                site.patterns.extend(extra);
            }
        }
    }
    changed
}

/// The sequences of a finished plan, on campaign `c` (which may have more periods or
/// teams than the plan used).
fn state_of(c: &Campaign, plan: &CampaignPlan) -> State {
    let mut st = State::empty(c);
    for pp in &plan.periods {
        for r in &pp.solution.routes {
            if r.vehicle >= st.routes[pp.period].len() {
                continue;
            }
            let seq: Vec<usize> = r.visits.iter().map(|v| pp.stop_sites[v.stop]).collect();
            st.travel[pp.period][r.vehicle] =
                schedule(c, pp.period, r.vehicle, &seq, false).map_or(f64::INFINITY, |(t, _)| t);
            st.routes[pp.period][r.vehicle] = seq;
        }
    }
    st.pattern = plan.patterns.clone();
    st
}
