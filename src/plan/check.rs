//! An independent feasibility check of a returned plan.
//!
//! It shares no code with the solver: it replays each route from the problem data and
//! the times the plan claims, and verifies every rule (windows, shift, break, skills,
//! capacity, stop limits, each stop at most once, mandatory stops served or explained,
//! the objective figures).

use super::problem::Problem;
use super::solution::Solution;

/// Tolerance for claimed times, seconds.
const TOL: f64 = 1e-6;

/// Every rule the plan breaks, as readable sentences; empty when the plan is valid.
pub fn violations(problem: &Problem, solution: &Solution) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = vec![0usize; problem.stops.len()];
    let mut travel = 0.0;
    let mut distance = 0.0;
    let mut prize = 0.0;
    let mut used_vehicles = vec![false; problem.vehicles.len()];
    for route in &solution.routes {
        let Some(veh) = problem.vehicles.get(route.vehicle) else {
            out.push(format!(
                "route names vehicle {} which does not exist",
                route.vehicle
            ));
            continue;
        };
        if std::mem::replace(&mut used_vehicles[route.vehicle], true) {
            out.push(format!("vehicle {} has two routes", veh.id));
        }
        let name = &veh.id;
        if route.visits.is_empty() {
            out.push(format!("vehicle {name}: route without visits"));
        }
        if route.departure_s < veh.shift.start_s - TOL {
            out.push(format!(
                "vehicle {name}: leaves at {} before its shift starts",
                route.departure_s
            ));
        }
        let mut at = veh.start_location;
        let mut t = route.departure_s;
        let mut load = 0.0;
        let mut route_travel = 0.0;
        let mut route_distance = 0.0;
        let brk = route.break_;
        let legs = route.visits.len() + 1;
        for leg in 0..legs {
            let (to, start, label) = if leg < route.visits.len() {
                let visit = &route.visits[leg];
                match problem.stops.get(visit.stop) {
                    Some(stop) => (stop.location, visit.start_s, format!("stop {}", stop.id)),
                    None => {
                        out.push(format!(
                            "vehicle {name}: visit of unknown stop {}",
                            visit.stop
                        ));
                        return out;
                    }
                }
            } else {
                (veh.end_location, route.return_s, "the return".to_string())
            };
            let tau = problem.durations_s.get(at, to);
            let dist = problem.distances_m.get(at, to);
            if !tau.is_finite() || !dist.is_finite() {
                out.push(format!(
                    "vehicle {name}: {label} is unreachable from the previous place"
                ));
            }
            route_travel += tau;
            route_distance += dist;
            let mut needed = tau;
            if let Some(b) = brk.filter(|b| b.before_visit == leg) {
                needed += b.end_s - b.start_s;
                if b.start_s < t - TOL || b.end_s > start + TOL {
                    out.push(format!(
                        "vehicle {name}: the break is not between the leg's ends before {label}"
                    ));
                }
            }
            if start < t + needed - TOL {
                out.push(format!(
                    "vehicle {name}: {label} starts at {start} but cannot be reached before {}",
                    t + needed
                ));
            }
            if leg < route.visits.len() {
                let visit = &route.visits[leg];
                let stop = &problem.stops[visit.stop];
                seen[visit.stop] += 1;
                prize += stop.prize;
                load += stop.demand;
                if !veh.skills.covers(stop.skills) {
                    out.push(format!(
                        "vehicle {name}: lacks a skill stop {} needs",
                        stop.id
                    ));
                }
                let in_window = stop.windows.is_empty()
                    || stop
                        .windows
                        .iter()
                        .any(|w| start >= w.start_s - TOL && start <= w.end_s + TOL);
                if !in_window {
                    out.push(format!(
                        "vehicle {name}: stop {} starts at {start}, outside its windows",
                        stop.id
                    ));
                }
                if visit.arrival_s > start + TOL {
                    out.push(format!(
                        "vehicle {name}: stop {} starts before the team arrives",
                        stop.id
                    ));
                }
                if (visit.departure_s - (start + stop.service_s)).abs() > TOL {
                    out.push(format!(
                        "vehicle {name}: stop {} departure is not start + service",
                        stop.id
                    ));
                }
                t = visit.departure_s;
                at = stop.location;
            }
        }
        if route.return_s > veh.shift.end_s + TOL {
            out.push(format!(
                "vehicle {name}: returns at {} after its shift ends at {}",
                route.return_s, veh.shift.end_s
            ));
        }
        check_break(veh, route, name, &mut out);
        if let Some(c) = veh.capacity {
            if load > c + TOL {
                out.push(format!("vehicle {name}: load {load} exceeds capacity {c}"));
            }
        }
        if let Some(m) = veh.max_stops {
            if route.visits.len() > m {
                out.push(format!(
                    "vehicle {name}: {} stops exceed its limit {m}",
                    route.visits.len()
                ));
            }
        }
        if (route_travel - route.travel_s).abs() > 1e-6 * (1.0 + route_travel.abs()) {
            out.push(format!(
                "vehicle {name}: claims travel {} but it is {route_travel}",
                route.travel_s
            ));
        }
        if (route_distance - route.distance_m).abs() > 1e-6 * (1.0 + route_distance.abs()) {
            out.push(format!(
                "vehicle {name}: claims distance {} but it is {route_distance}",
                route.distance_m
            ));
        }
        travel += route_travel;
        distance += route_distance;
    }
    for u in &solution.unassigned {
        match seen.get_mut(u.stop) {
            Some(c) => *c += 1,
            None => out.push(format!("unassigned names unknown stop {}", u.stop)),
        }
    }
    let mut missed = 0;
    for (s, &count) in seen.iter().enumerate() {
        if count != 1 {
            out.push(format!(
                "stop {} appears {count} times in routes and unassigned (must be once)",
                problem.stops[s].id
            ));
        }
    }
    for u in &solution.unassigned {
        if problem.stops.get(u.stop).is_some_and(|s| s.mandatory) {
            missed += 1;
        }
    }
    let obj = &solution.objective;
    if obj.mandatory_missed != missed {
        out.push(format!(
            "objective claims {} mandatory missed, but {missed} are",
            obj.mandatory_missed
        ));
    }
    if (obj.prize - prize).abs() > 1e-6 * (1.0 + prize) {
        out.push(format!(
            "objective claims prize {} but it is {prize}",
            obj.prize
        ));
    }
    if (obj.travel_s - travel).abs() > 1e-6 * (1.0 + travel) {
        out.push(format!(
            "objective claims travel {} but it is {travel}",
            obj.travel_s
        ));
    }
    if (obj.distance_m - distance).abs() > 1e-6 * (1.0 + distance) {
        out.push(format!(
            "objective claims distance {} but it is {distance}",
            obj.distance_m
        ));
    }
    out
}

fn check_break(
    veh: &super::problem::Vehicle,
    route: &super::solution::RoutePlan,
    name: &str,
    out: &mut Vec<String>,
) {
    match (veh.break_, route.break_) {
        (None, Some(_)) => out.push(format!("vehicle {name}: has a break it does not need")),
        (Some(b), None) => {
            if route.return_s > b.start_window.start_s + TOL {
                out.push(format!(
                    "vehicle {name}: still out when its break opens but takes no break"
                ));
            }
        }
        (Some(b), Some(p)) => {
            if p.start_s < b.start_window.start_s - TOL || p.start_s > b.start_window.end_s + TOL {
                out.push(format!(
                    "vehicle {name}: break starts at {} outside its window",
                    p.start_s
                ));
            }
            if p.end_s - p.start_s < b.duration_s - TOL {
                out.push(format!(
                    "vehicle {name}: break shorter than {} s",
                    b.duration_s
                ));
            }
            if p.before_visit > route.visits.len() {
                out.push(format!(
                    "vehicle {name}: break placed after the end of the route"
                ));
            }
        }
        (None, None) => {}
    }
}

/// `Ok` when the plan is valid, else every violation.
pub fn check(problem: &Problem, solution: &Solution) -> Result<(), Vec<String>> {
    let v = violations(problem, solution);
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}
