//! The solver against brute force on tiny instances, the independent checker on random
//! instances (proptest), determinism, and bad input.

use gridpatrol::plan::{
    self, check, Break, Matrix, Problem, ProblemError, Reason, Skills, SolveError, SolveOptions,
    Stop, TimeWindow, Vehicle,
};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A random instance: `n` stops, `v` vehicles, windows, prizes, skills, capacity, limits;
/// breaks only when `breaks`.
fn random_problem(seed: u64, n: usize, v: usize, breaks: bool) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pts: Vec<(f64, f64)> = (0..=n)
        .map(|_| (rng.gen_range(0.0..100.0), rng.gen_range(0.0..100.0)))
        .collect();
    let m = Matrix::from_fn(n + 1, |i, j| {
        (pts[i].0 - pts[j].0).hypot(pts[i].1 - pts[j].1)
    });
    let stops = (1..=n)
        .map(|i| {
            let mut windows = Vec::new();
            if rng.gen_bool(0.7) {
                let a = rng.gen_range(0.0..500.0);
                windows.push(TimeWindow::new(a, a + rng.gen_range(30.0..300.0)));
                if rng.gen_bool(0.3) {
                    let b = a + 350.0 + rng.gen_range(0.0..100.0);
                    windows.push(TimeWindow::new(b, b + 100.0));
                }
            }
            Stop {
                windows,
                prize: f64::from(rng.gen_range(1..5u8)),
                mandatory: rng.gen_bool(0.3),
                skills: Skills(if rng.gen_bool(0.2) { 1 } else { 0 }),
                demand: f64::from(rng.gen_range(0..3u8)),
                ..Stop::new(format!("s{i}"), i, rng.gen_range(0.0..40.0))
            }
        })
        .collect();
    let vehicles = (0..v)
        .map(|k| Vehicle {
            skills: Skills(if k == 0 { 1 } else { 0 }),
            capacity: rng.gen_bool(0.5).then_some(5.0),
            max_stops: rng.gen_bool(0.3).then_some(3),
            break_: (breaks && rng.gen_bool(0.6)).then_some(Break {
                start_window: TimeWindow::new(200.0, 300.0),
                duration_s: 60.0,
            }),
            ..Vehicle::new(
                format!("v{k}"),
                0,
                TimeWindow::new(0.0, rng.gen_range(400.0..900.0)),
            )
        })
        .collect();
    Problem {
        durations_s: m.clone(),
        distances_m: m,
        stops,
        vehicles,
    }
}

/// Earliest finish of a sequence, or `None` when infeasible (no breaks here).
fn brute_route_ok(p: &Problem, v: usize, seq: &[usize]) -> Option<f64> {
    let veh = &p.vehicles[v];
    if veh.max_stops.is_some_and(|m| seq.len() > m) {
        return None;
    }
    let load: f64 = seq.iter().map(|&s| p.stops[s].demand).sum();
    if veh.capacity.is_some_and(|c| load > c) {
        return None;
    }
    let (mut t, mut at, mut travel) = (veh.shift.start_s, veh.start_location, 0.0);
    for &s in seq {
        let stop = &p.stops[s];
        if !veh.skills.covers(stop.skills) {
            return None;
        }
        let tau = p.durations_s.get(at, stop.location);
        travel += tau;
        let arr = t + tau;
        let start = if stop.windows.is_empty() {
            arr
        } else {
            stop.windows
                .iter()
                .filter(|w| arr <= w.end_s)
                .map(|w| arr.max(w.start_s))
                .fold(f64::INFINITY, f64::min)
        };
        if !start.is_finite() {
            return None;
        }
        t = start + stop.service_s;
        at = stop.location;
    }
    let tau = p.durations_s.get(at, veh.end_location);
    (t + tau <= veh.shift.end_s).then_some(travel + tau)
}

/// The best (missed mandatory, −prize, travel) by enumerating every assignment and order.
fn brute_force(p: &Problem) -> (usize, f64, f64) {
    fn rec(
        p: &Problem,
        v: usize,
        used: &mut Vec<bool>,
        seq: &mut Vec<usize>,
        travel: f64,
        best: &mut (usize, f64, f64),
    ) {
        // Close vehicle v's route here.
        if let Some(t) = brute_route_ok(p, v, seq) {
            let travel = if seq.is_empty() { travel } else { travel + t };
            if v + 1 < p.vehicles.len() {
                let mut next = Vec::new();
                rec(p, v + 1, used, &mut next, travel, best);
            } else {
                let missed = (0..p.stops.len())
                    .filter(|&s| !used[s] && p.stops[s].mandatory)
                    .count();
                let prize: f64 = (0..p.stops.len())
                    .filter(|&s| used[s])
                    .map(|s| p.stops[s].prize)
                    .sum();
                let cand = (missed, -prize, travel);
                if cand.0 < best.0
                    || (cand.0 == best.0
                        && (cand.1 < best.1 || (cand.1 == best.1 && cand.2 < best.2)))
                {
                    *best = cand;
                }
            }
        }
        for s in 0..p.stops.len() {
            if !used[s] {
                used[s] = true;
                seq.push(s);
                // Prune: a prefix that is already infeasible stays infeasible (waiting allowed).
                if brute_prefix_ok(p, v, seq) {
                    rec(p, v, used, seq, travel, best);
                }
                seq.pop();
                used[s] = false;
            }
        }
    }
    let mut best = (usize::MAX, 0.0, f64::INFINITY);
    rec(
        p,
        0,
        &mut vec![false; p.stops.len()],
        &mut Vec::new(),
        0.0,
        &mut best,
    );
    (best.0, -best.1, best.2)
}

/// A prefix is worth extending only if it could still return in time.
fn brute_prefix_ok(p: &Problem, v: usize, seq: &[usize]) -> bool {
    brute_route_ok(p, v, seq).is_some()
}

#[test]
fn matches_brute_force_on_tiny_instances() {
    for seed in 0..40u64 {
        let n = 3 + (seed as usize % 4);
        let v = 1 + (seed as usize % 2);
        let p = random_problem(seed, n, v, false);
        let (missed, prize, travel) = brute_force(&p);
        let options = SolveOptions {
            max_iterations: Some(3000),
            time_limit_s: 60.0,
            seed,
            ..Default::default()
        };
        let sol = plan::solve(&p, &options).unwrap();
        assert!(check::check(&p, &sol).is_ok(), "seed {seed}");
        let o = sol.objective;
        assert_eq!(o.mandatory_missed, missed, "seed {seed}: missed mandatory");
        assert!(
            (o.prize - prize).abs() < 1e-9,
            "seed {seed}: prize {} vs optimum {prize}",
            o.prize
        );
        assert!(
            (o.travel_s - travel).abs() < 1e-6,
            "seed {seed}: travel {} vs optimum {travel}",
            o.travel_s
        );
    }
}

#[test]
fn same_seed_same_plan() {
    let p = random_problem(7, 40, 3, true);
    let options = SolveOptions {
        max_iterations: Some(500),
        time_limit_s: 60.0,
        seed: 42,
        ..Default::default()
    };
    let a = plan::solve(&p, &options).unwrap();
    let b = plan::solve(&p, &options).unwrap();
    assert_eq!(a.routes, b.routes);
    assert_eq!(a.unassigned, b.unassigned);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn every_plan_passes_the_checker(seed in 0u64..10_000, n in 1usize..30, v in 1usize..4) {
        let p = random_problem(seed, n, v, true);
        let options = SolveOptions { max_iterations: Some(200), time_limit_s: 60.0, seed, ..Default::default() };
        let sol = plan::solve(&p, &options).unwrap();
        prop_assert!(check::check(&p, &sol).is_ok(), "{:?}", check::violations(&p, &sol));
        // Every stop is either routed or explained.
        let routed: usize = sol.routes.iter().map(|r| r.visits.len()).sum();
        prop_assert_eq!(routed + sol.unassigned.len(), n);
    }
}

fn line_problem() -> Problem {
    let m = Matrix::from_fn(3, |i, j| 100.0 * (i as f64 - j as f64).abs());
    Problem {
        durations_s: m.clone(),
        distances_m: m,
        stops: vec![Stop::new("a", 1, 10.0), Stop::new("b", 2, 10.0)],
        vehicles: vec![Vehicle::new("t", 0, TimeWindow::new(0.0, 1000.0))],
    }
}

#[test]
fn no_teams_is_an_error() {
    let mut p = line_problem();
    p.vehicles.clear();
    assert!(matches!(
        plan::solve(&p, &SolveOptions::default()),
        Err(SolveError::Problem(ProblemError::NoVehicles))
    ));
}

#[test]
fn shift_ending_before_it_starts_is_an_error() {
    let mut p = line_problem();
    p.vehicles[0].shift = TimeWindow::new(1000.0, 500.0);
    let err = plan::solve(&p, &SolveOptions::default()).unwrap_err();
    assert!(err.to_string().contains("ends"), "{err}");
}

#[test]
fn unreachable_window_skill_and_road_are_explained() {
    let mut p = line_problem();
    let m = Matrix::from_fn(5, |i, j| {
        if i == j {
            0.0
        } else if i == 4 || j == 4 {
            f64::INFINITY
        } else {
            100.0 * (i as f64 - j as f64).abs()
        }
    });
    p.durations_s = m.clone();
    p.distances_m = m;
    p.stops[0].windows = vec![TimeWindow::new(5000.0, 6000.0)];
    p.stops[0].mandatory = true;
    p.stops[1].skills = Skills(2);
    p.stops.push(Stop::new("c", 3, 10.0));
    p.stops.push(Stop::new("island", 4, 10.0));
    let options = SolveOptions {
        max_iterations: Some(50),
        ..Default::default()
    };
    let sol = plan::solve(&p, &options).unwrap();
    let reason = |id: &str| {
        sol.unassigned
            .iter()
            .find(|u| u.stop_id == id)
            .map(|u| u.reason)
    };
    assert_eq!(reason("a"), Some(Reason::WindowUnreachable));
    assert_eq!(reason("b"), Some(Reason::SkillMissing));
    assert_eq!(reason("island"), Some(Reason::Unreachable));
    assert_eq!(reason("c"), None);
    assert_eq!(sol.objective.mandatory_missed, 1);
}

#[test]
fn lunch_break_is_planned_inside_its_window() {
    // One team, 08:00–17:00, six one-hour visits: it must break between 11:30 and 13:00.
    let m = Matrix::from_fn(7, |i, j| if i == j { 0.0 } else { 300.0 });
    let stops = (1..7)
        .map(|i| Stop {
            prize: 1.0,
            ..Stop::new(format!("s{i}"), i, 3600.0)
        })
        .collect();
    let team = Vehicle {
        break_: Some(Break {
            start_window: TimeWindow::new(11.5 * 3600.0, 13.0 * 3600.0),
            duration_s: 3600.0,
        }),
        ..Vehicle::new("t", 0, TimeWindow::new(8.0 * 3600.0, 17.0 * 3600.0))
    };
    let p = Problem {
        durations_s: m.clone(),
        distances_m: m,
        stops,
        vehicles: vec![team],
    };
    let sol = plan::solve(
        &p,
        &SolveOptions {
            max_iterations: Some(100),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(check::check(&p, &sol).is_ok());
    let route = &sol.routes[0];
    let b = route.break_.expect("a break");
    assert!(b.start_s >= 11.5 * 3600.0 && b.start_s <= 13.0 * 3600.0);
    // 9 h shift − 1 h break − 7 legs × 5 min leaves 7 h 25 min: six visits fit.
    assert_eq!(route.visits.len(), 6);
}
