//! Routes as site sequences per period and team: their schedule (earliest times, the
//! break where the team first needs it), the cost of a whole state, and cheapest
//! insertion. The search works on these; the day solver polishes them at the end.

use super::Campaign;
use crate::plan::{BreakPlan, Objective, RoutePlan, Solution, Visit};

/// Tolerance for times, seconds.
const EPS: f64 = 1e-7;

/// A route's times, as the day plan reports them.
pub(super) struct Timing {
    pub visits: Vec<Visit>,
    pub break_: Option<BreakPlan>,
    pub return_s: f64,
    pub return_leg: (f64, f64),
    pub travel_s: f64,
    pub distance_m: f64,
}

/// Where service can start at `arrival` inside `windows` (empty: any time).
fn earliest_start(windows: &[crate::plan::TimeWindow], arrival: f64) -> Option<f64> {
    if windows.is_empty() {
        return Some(arrival);
    }
    windows
        .iter()
        .filter(|w| w.end_s + EPS >= arrival)
        .map(|w| arrival.max(w.start_s))
        .min_by(|a, b| a.total_cmp(b))
}

/// The travel time of team `v` serving `seq` (site indices) in period `p`, or `None`
/// when the route breaks a rule. With `record`, also the full timing.
pub(super) fn schedule(
    c: &Campaign,
    p: usize,
    v: usize,
    seq: &[usize],
    record: bool,
) -> Option<(f64, Option<Timing>)> {
    let veh = &c.periods[p].vehicles[v];
    if veh.max_stops.is_some_and(|m| seq.len() > m) {
        return None;
    }
    if let Some(cap) = veh.capacity {
        let load: f64 = seq.iter().map(|&s| c.sites[s].demand).sum();
        if load > cap + EPS {
            return None;
        }
    }
    let mut t = veh.shift.start_s;
    let mut at = veh.start_location;
    let mut travel = 0.0;
    let mut distance = 0.0;
    let mut break_taken = veh.break_.is_none();
    let mut break_plan = None;
    let mut visits = Vec::new();
    for leg in 0..=seq.len() {
        let to = seq
            .get(leg)
            .map_or(veh.end_location, |&s| c.sites[s].location);
        let tau = c.durations_in(p).get(at, to);
        if !tau.is_finite() {
            return None;
        }
        travel += tau;
        if record {
            distance += c.distances_in(p).get(at, to);
        }
        let mut depart = t;
        if let (false, Some(b)) = (break_taken, veh.break_) {
            if t + tau > b.start_window.start_s + EPS {
                let bs = t.max(b.start_window.start_s);
                if bs > b.start_window.end_s + EPS {
                    return None;
                }
                depart = bs + b.duration_s;
                break_taken = true;
                break_plan = Some(BreakPlan {
                    before_visit: leg,
                    start_s: bs,
                    end_s: depart,
                });
            }
        }
        let arrival = depart + tau;
        match seq.get(leg) {
            Some(&s) => {
                let site = &c.sites[s];
                let windows = site.windows[p].as_deref()?;
                let mut start = earliest_start(windows, arrival)?;
                // Waiting past the break's opening: take the break while waiting.
                if let (false, Some(b)) = (break_taken, veh.break_) {
                    if start > b.start_window.start_s + EPS {
                        let bs = arrival.max(b.start_window.start_s);
                        if bs > b.start_window.end_s + EPS {
                            return None;
                        }
                        break_taken = true;
                        break_plan = Some(BreakPlan {
                            before_visit: leg,
                            start_s: bs,
                            end_s: bs + b.duration_s,
                        });
                        start = earliest_start(windows, bs + b.duration_s)?;
                    }
                }
                t = start + site.service_s;
                if record {
                    visits.push(Visit {
                        stop: leg,
                        stop_id: site.id.clone(),
                        arrival_s: arrival,
                        start_s: start,
                        departure_s: t,
                        leg_duration_s: tau,
                        leg_distance_m: c.distances_in(p).get(at, to),
                    });
                }
                at = to;
            }
            None => {
                if arrival > veh.shift.end_s + EPS {
                    return None;
                }
                let timing = record.then(|| Timing {
                    visits: std::mem::take(&mut visits),
                    break_: break_plan,
                    return_s: arrival,
                    return_leg: (tau, c.distances_in(p).get(at, to)),
                    travel_s: travel,
                    distance_m: distance,
                });
                return Some((travel, timing));
            }
        }
    }
    None
}

/// Sequences per period and team, with each route's travel cached.
#[derive(Clone)]
pub(super) struct State {
    /// `routes[p][v]`: the sites team `v` visits in period `p`, in order.
    pub routes: Vec<Vec<Vec<usize>>>,
    /// Travel of each route, seconds.
    pub travel: Vec<Vec<f64>>,
    /// Chosen pattern per site.
    pub pattern: Vec<Option<usize>>,
}

/// Cost of one unserved site: more than any route could save.
pub(super) const UNSERVED: f64 = 1e9;

impl State {
    pub fn empty(c: &Campaign) -> Self {
        Self {
            routes: c
                .periods
                .iter()
                .map(|p| vec![Vec::new(); p.vehicles.len()])
                .collect(),
            travel: c
                .periods
                .iter()
                .map(|p| vec![0.0; p.vehicles.len()])
                .collect(),
            pattern: vec![None; c.sites.len()],
        }
    }

    /// Travel, plus the team-day cost per route used, plus a penalty per site left out.
    pub fn cost(&self, team_day_cost_s: f64) -> f64 {
        let mut total = 0.0;
        for (routes, travel) in self.routes.iter().zip(&self.travel) {
            for (r, t) in routes.iter().zip(travel) {
                if !r.is_empty() {
                    total += t + team_day_cost_s;
                }
            }
        }
        total + UNSERVED * self.pattern.iter().filter(|p| p.is_none()).count() as f64
    }

    /// Takes every visit of site `s` out.
    pub fn remove(&mut self, c: &Campaign, s: usize) {
        let Some(k) = self.pattern[s].take() else {
            return;
        };
        for &p in &c.sites[s].patterns[k] {
            for v in 0..self.routes[p].len() {
                if let Some(i) = self.routes[p][v].iter().position(|&x| x == s) {
                    self.routes[p][v].remove(i);
                    // A route that no longer fits (its break falls elsewhere) costs
                    // infinitely much: such a state is never accepted.
                    self.travel[p][v] = schedule(c, p, v, &self.routes[p][v], false)
                        .map_or(f64::INFINITY, |(t, _)| t);
                }
            }
        }
    }

    /// The cheapest place for site `s` in period `p`: (added cost, team, position).
    pub fn best_insertion(
        &self,
        c: &Campaign,
        p: usize,
        s: usize,
        team_day_cost_s: f64,
    ) -> Option<(f64, usize, usize)> {
        c.sites[s].windows[p].as_ref()?;
        let mut best: Option<(f64, usize, usize)> = None;
        let mut seq = Vec::new();
        let mut tried_empty = false;
        for (v, route) in self.routes[p].iter().enumerate() {
            if route.is_empty() {
                // Identical empty teams give the same answer: try the first only.
                if tried_empty && same_team(c, p, v) {
                    continue;
                }
                tried_empty = true;
            }
            let opening = if route.is_empty() {
                team_day_cost_s
            } else {
                0.0
            };
            for i in 0..=route.len() {
                let delta = detour(c, p, v, route, i, s) + opening;
                if best.is_some_and(|b| delta >= b.0) {
                    continue;
                }
                seq.clear();
                seq.extend_from_slice(&route[..i]);
                seq.push(s);
                seq.extend_from_slice(&route[i..]);
                if schedule(c, p, v, &seq, false).is_some() {
                    best = Some((delta, v, i));
                }
            }
        }
        best
    }

    /// Puts site `s` into period `p` at team `v`, position `i`.
    pub fn insert(&mut self, c: &Campaign, p: usize, v: usize, i: usize, s: usize) {
        self.routes[p][v].insert(i, s);
        self.travel[p][v] =
            schedule(c, p, v, &self.routes[p][v], false).map_or(f64::INFINITY, |(t, _)| t);
    }

    /// The cheapest allowed pattern for site `s` and its added cost, or `None`. Each
    /// period's cheapest insertion is worked out once, however many patterns name it.
    pub fn best_pattern(
        &self,
        c: &Campaign,
        s: usize,
        team_day_cost_s: f64,
    ) -> Option<(f64, usize)> {
        let mut cached: Vec<Option<Option<f64>>> = vec![None; c.periods.len()];
        let mut best: Option<(f64, usize)> = None;
        'patterns: for (k, pattern) in c.sites[s].patterns.iter().enumerate() {
            let mut total = 0.0;
            for &p in pattern {
                let cost = *cached[p].get_or_insert_with(|| {
                    self.best_insertion(c, p, s, team_day_cost_s)
                        .map(|(d, _, _)| d)
                });
                match cost {
                    Some(d) => total += d,
                    None => continue 'patterns,
                }
                if best.is_some_and(|b| total >= b.0) {
                    continue 'patterns;
                }
            }
            if best.is_none_or(|b| total < b.0) {
                best = Some((total, k));
            }
        }
        best
    }

    /// Inserts site `s` with pattern `k`, each visit at its cheapest place.
    pub fn apply_pattern(
        &mut self,
        c: &Campaign,
        s: usize,
        k: usize,
        team_day_cost_s: f64,
    ) -> bool {
        let mut placed = Vec::new();
        for &p in &c.sites[s].patterns[k] {
            match self.best_insertion(c, p, s, team_day_cost_s) {
                Some((_, v, i)) => {
                    self.insert(c, p, v, i, s);
                    placed.push(p);
                }
                None => {
                    self.pattern[s] = Some(k);
                    self.remove(c, s);
                    return false;
                }
            }
        }
        self.pattern[s] = Some(k);
        true
    }
}

/// The travel added by putting `s` at position `i` of the route (travel is the sum of
/// the legs, whatever the times).
fn detour(c: &Campaign, p: usize, v: usize, route: &[usize], i: usize, s: usize) -> f64 {
    let veh = &c.periods[p].vehicles[v];
    let loc = |j: usize| c.sites[route[j]].location;
    let prev = if i == 0 {
        veh.start_location
    } else {
        loc(i - 1)
    };
    let next = if i == route.len() {
        veh.end_location
    } else {
        loc(i)
    };
    let here = c.sites[s].location;
    let d = c.durations_in(p);
    d.get(prev, here) + d.get(here, next) - d.get(prev, next)
}

/// True when team `v` of period `p` is interchangeable with team `v - 1`.
pub(super) fn same_team(c: &Campaign, p: usize, v: usize) -> bool {
    v > 0 && interchangeable(&c.periods[p].vehicles[v - 1], &c.periods[p].vehicles[v])
}

/// Two teams that may swap routes without changing feasibility.
pub(super) fn interchangeable(a: &crate::plan::Vehicle, b: &crate::plan::Vehicle) -> bool {
    a.start_location == b.start_location
        && a.end_location == b.end_location
        && a.shift == b.shift
        && a.break_ == b.break_
        && a.skills == b.skills
        && a.max_stops == b.max_stops
        && a.capacity == b.capacity
}

/// A day plan from the sequences of period `p`: (stop sites, solution).
pub(super) fn own_solution(
    c: &Campaign,
    p: usize,
    routes: &[Vec<usize>],
) -> (Vec<usize>, Solution) {
    let stop_sites: Vec<usize> = routes.iter().flatten().copied().collect();
    let mut routes_out = Vec::new();
    let mut next_stop = 0;
    for (v, seq) in routes.iter().enumerate() {
        if seq.is_empty() {
            continue;
        }
        let Some((_, Some(timing))) = schedule(c, p, v, seq, true) else {
            next_stop += seq.len();
            continue;
        };
        let veh = &c.periods[p].vehicles[v];
        let visits = timing
            .visits
            .into_iter()
            .enumerate()
            .map(|(i, mut visit)| {
                visit.stop = next_stop + i;
                visit
            })
            .collect();
        next_stop += seq.len();
        routes_out.push(RoutePlan {
            vehicle: v,
            vehicle_id: veh.id.clone(),
            departure_s: veh.shift.start_s,
            visits,
            break_: timing.break_,
            return_leg_duration_s: timing.return_leg.0,
            return_leg_distance_m: timing.return_leg.1,
            return_s: timing.return_s,
            travel_s: timing.travel_s,
            distance_m: timing.distance_m,
        });
    }
    let objective = Objective {
        mandatory_missed: 0,
        prize: 0.0,
        travel_s: routes_out.iter().map(|r| r.travel_s).sum(),
        distance_m: routes_out.iter().map(|r| r.distance_m).sum(),
    };
    let solution = Solution {
        routes: routes_out,
        unassigned: Vec::new(),
        objective,
        iterations: 0,
        time_limit_hit: false,
    };
    (stop_sites, solution)
}
