//! Day and night routes (日查 + 夜查): a prize-collecting vehicle routing problem with
//! time windows, breaks, skills and stop limits, and the solver for it.
//!
//! - [`problem`]: the problem as plain data (matrices, stops, vehicles);
//! - [`solve`]: construction, local search (`operators`) and ruin-and-recreate
//!   ([`search`]) within a time and iteration budget, reproducible for a seed;
//! - [`solution`]: routes with times, and unassigned stops with a [`Reason`];
//! - [`check`]: an independent checker every returned plan passes;
//! - a faster path for a pure single tour (one team, nothing that binds but the
//!   order: the TSP), with 2-opt, Or-opt and an iterated local search;
//!
//! ```
//! use gridpatrol::plan::{solve, Matrix, Problem, SolveOptions, Stop, TimeWindow, Vehicle};
//! // Three sites on a line, 60 s apart, and a team based at location 0.
//! let m = Matrix::from_fn(4, |i, j| 60.0 * (i as f64 - j as f64).abs());
//! let mut stops: Vec<Stop> = (1..4).map(|i| Stop::new(format!("s{i}"), i, 300.0)).collect();
//! stops[2].windows = vec![TimeWindow::new(9.0 * 3600.0, 10.0 * 3600.0)];
//! let team = Vehicle::new("team-1", 0, TimeWindow::new(8.0 * 3600.0, 12.0 * 3600.0));
//! let problem = Problem { durations_s: m.clone(), distances_m: m, stops, vehicles: vec![team] };
//! let options = SolveOptions { max_iterations: Some(100), ..Default::default() };
//! let plan = solve(&problem, &options).unwrap();
//! assert_eq!(plan.routes[0].visits.len(), 3);
//! assert_eq!(plan.objective.travel_s, 360.0);
//! assert!(gridpatrol::plan::check::check(&problem, &plan).is_ok());
//! ```

pub mod check;
mod construct;
mod explain;
mod operators;
pub mod problem;
mod route;
pub mod search;
pub mod solution;
#[cfg(test)]
mod testing;
mod tsp;

use thiserror::Error;

pub use problem::{Break, Matrix, Problem, ProblemError, Skills, Stop, TimeWindow, Vehicle};
pub use search::{Progress, SolveOptions, DEFAULT_GRANULARITY, DEFAULT_ITERATIONS};
pub use solution::{BreakPlan, Objective, Reason, RoutePlan, Solution, Unassigned, Visit};

use route::{Ctx, Route, State, NONE};

/// Why no plan came out.
#[derive(Debug, Error)]
pub enum SolveError {
    /// The problem is malformed (a bad window, a matrix of the wrong size…).
    #[error(transparent)]
    Problem(#[from] ProblemError),
    /// A safety net: the plan failed the independent check (a solver bug).
    #[error("internal error: the plan failed its feasibility check: {0}")]
    CheckFailed(String),
}

/// Neighbour list length kept per stop.
const MAX_NEIGHBOURS: usize = 100;

/// Solves `problem` within `options`' budget.
pub fn solve(problem: &Problem, options: &SolveOptions) -> Result<Solution, SolveError> {
    solve_with_progress(problem, options, &mut |_| {})
}

/// Like [`solve`], calling `progress` whenever a better plan is found.
pub fn solve_with_progress(
    problem: &Problem,
    options: &SolveOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Solution, SolveError> {
    problem.validate()?;
    let started = std::time::Instant::now();
    if tsp::applies(problem) {
        let (order, iterations) = tsp::solve(problem, options, progress);
        let ctx = Ctx::new(problem, 0);
        if ctx.seq_time_ok(0, &order) {
            let mut state = State::empty(&ctx);
            state.routes[0].stops = order;
            state.refresh(&ctx, 0);
            return checked(problem, to_solution(&ctx, &state, iterations, options));
        }
        // The tour does not fit the shift: the general search decides what to leave out.
    }
    let options = SolveOptions {
        time_limit_s: options.time_limit_s - started.elapsed().as_secs_f64(),
        ..options.clone()
    };
    let ctx = Ctx::new(problem, MAX_NEIGHBOURS);
    let (state, iterations) = search::run(&ctx, &options, progress);
    checked(problem, to_solution(&ctx, &state, iterations, &options))
}

/// The solution, after the independent checker found nothing wrong with it.
fn checked(problem: &Problem, solution: Solution) -> Result<Solution, SolveError> {
    let violations = check::violations(problem, &solution);
    if let Some(first) = violations.first() {
        return Err(SolveError::CheckFailed(first.clone()));
    }
    Ok(solution)
}

fn to_solution(ctx: &Ctx, st: &State, iterations: u64, options: &SolveOptions) -> Solution {
    let p = ctx.p;
    let routes: Vec<RoutePlan> = st
        .routes
        .iter()
        .filter(|r| !r.stops.is_empty())
        .filter_map(|r| route_plan(ctx, r))
        .collect();
    let mut in_routes = vec![false; p.stops.len()];
    for r in &routes {
        for v in &r.visits {
            in_routes[v.stop] = true;
        }
    }
    let unassigned: Vec<Unassigned> = (0..p.stops.len())
        .filter(|&s| !in_routes[s])
        .map(|s| Unassigned {
            stop: s,
            stop_id: p.stops[s].id.clone(),
            mandatory: p.stops[s].mandatory,
            reason: explain::reason(ctx, s),
        })
        .collect();
    let objective = Objective {
        mandatory_missed: unassigned.iter().filter(|u| u.mandatory).count(),
        prize: routes
            .iter()
            .flat_map(|r| r.visits.iter())
            .map(|v| p.stops[v.stop].prize)
            .sum(),
        travel_s: routes.iter().map(|r| r.travel_s).sum(),
        distance_m: routes.iter().map(|r| r.distance_m).sum(),
    };
    let _ = NONE;
    let time_limit_hit =
        !p.stops.is_empty() && options.max_iterations.is_none_or(|m| iterations < m);
    Solution {
        routes,
        unassigned,
        objective,
        iterations,
        time_limit_hit,
    }
}

/// Where the break goes in a schedule: on leg `leg`, before travelling or on arrival.
#[derive(Clone, Copy)]
struct BreakAt {
    leg: usize,
    on_arrival: bool,
}

/// The earliest schedule of a route with a fixed break placement.
fn timed(ctx: &Ctx, r: &Route, brk: Option<BreakAt>) -> Option<RoutePlan> {
    let p = ctx.p;
    let veh = &p.vehicles[r.v];
    let spec = veh.break_;
    let mut t = veh.shift.start_s;
    let mut at = veh.start_location;
    let mut visits = Vec::with_capacity(r.len());
    let mut break_plan = None;
    let legs = r.len() + 1;
    let mut return_s = 0.0;
    let mut return_leg = (0.0, 0.0);
    for leg in 0..legs {
        let (to, s) = if leg < r.len() {
            (ctx.loc[r.stops[leg]], Some(r.stops[leg]))
        } else {
            (veh.end_location, None)
        };
        let tau = ctx.t(at, to);
        let dist = p.distances_m.get(at, to);
        let start_at = |arr: f64| match s {
            Some(s) => ctx.earliest_start(s, arr),
            None if arr <= veh.shift.end_s + route::EPS => arr,
            None => f64::INFINITY,
        };
        let (arrival, start) = match (brk, spec) {
            (Some(b), Some(spec)) if b.leg == leg => {
                let (b0, b1, d) = (
                    spec.start_window.start_s,
                    spec.start_window.end_s,
                    spec.duration_s,
                );
                let bs = if b.on_arrival {
                    (t + tau).max(b0)
                } else {
                    t.max(b0)
                };
                if bs > b1 + route::EPS {
                    return None;
                }
                break_plan = Some(BreakPlan {
                    before_visit: leg,
                    start_s: bs,
                    end_s: bs + d,
                });
                if b.on_arrival {
                    (t + tau, start_at(bs + d))
                } else {
                    (bs + d + tau, start_at(bs + d + tau))
                }
            }
            _ => (t + tau, start_at(t + tau)),
        };
        if !start.is_finite() {
            return None;
        }
        match s {
            Some(s) => {
                t = start + ctx.svc[s];
                visits.push(Visit {
                    stop: s,
                    stop_id: p.stops[s].id.clone(),
                    arrival_s: arrival,
                    start_s: start,
                    departure_s: t,
                    leg_duration_s: tau,
                    leg_distance_m: dist,
                });
                at = to;
            }
            None => {
                return_s = start;
                return_leg = (tau, dist);
            }
        }
    }
    if let Some(spec) = spec {
        if break_plan.is_none() && return_s > spec.start_window.start_s + route::EPS {
            return None;
        }
    }
    let travel_s = visits.iter().map(|v| v.leg_duration_s).sum::<f64>() + return_leg.0;
    let distance_m = visits.iter().map(|v| v.leg_distance_m).sum::<f64>() + return_leg.1;
    Some(RoutePlan {
        vehicle: r.v,
        vehicle_id: veh.id.clone(),
        departure_s: veh.shift.start_s,
        visits,
        break_: break_plan,
        return_leg_duration_s: return_leg.0,
        return_leg_distance_m: return_leg.1,
        return_s,
        travel_s,
        distance_m,
    })
}

/// The route's schedule: earliest times, the break where it ends the route soonest.
fn route_plan(ctx: &Ctx, r: &Route) -> Option<RoutePlan> {
    if ctx.p.vehicles[r.v].break_.is_none() {
        return timed(ctx, r, None);
    }
    let mut best: Option<RoutePlan> = timed(ctx, r, None);
    for leg in 0..=r.len() {
        for on_arrival in [false, true] {
            if let Some(plan) = timed(ctx, r, Some(BreakAt { leg, on_arrival })) {
                if best
                    .as_ref()
                    .is_none_or(|b| plan.return_s < b.return_s - route::EPS)
                {
                    best = Some(plan);
                }
            }
        }
    }
    best
}
