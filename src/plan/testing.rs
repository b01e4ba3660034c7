//! Random problems for the solver's unit tests: points in a square, travel time equal
//! to distance, one or two windows per stop, demand and capacity, and optionally a
//! break for every team (all teams alike, so suffixes can move between them).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::problem::{Break, Matrix, Problem, Stop, TimeWindow, Vehicle};

/// A random problem of `stops` stops and `teams` identical teams from `seed`.
pub(crate) fn random_problem(seed: u64, stops: usize, teams: usize, with_break: bool) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let points: Vec<(f64, f64)> = (0..=stops)
        .map(|_| (rng.gen_range(0.0..100.0), rng.gen_range(0.0..100.0)))
        .collect();
    let m = Matrix::from_fn(points.len(), |i, j| {
        (points[i].0 - points[j].0).hypot(points[i].1 - points[j].1)
    });
    let horizon = 600.0;
    let stops = (1..=stops)
        .map(|i| {
            let mut s = Stop::new(format!("s{i}"), i, rng.gen_range(0.0..15.0));
            s.demand = rng.gen_range(0.0..10.0);
            s.mandatory = rng.gen_bool(0.5);
            s.prize = rng.gen_range(0.0..5.0);
            let windows = rng.gen_range(0..3);
            let mut at = 0.0;
            for _ in 0..windows {
                let open = at + rng.gen_range(0.0..200.0);
                let close = open + rng.gen_range(20.0..200.0);
                s.windows.push(TimeWindow::new(open, close));
                at = close + 10.0;
            }
            s
        })
        .collect();
    let vehicles = (0..teams)
        .map(|v| {
            let mut veh = Vehicle::new(format!("t{v}"), 0, TimeWindow::new(0.0, horizon));
            veh.capacity = Some(60.0);
            if with_break {
                veh.break_ = Some(Break {
                    start_window: TimeWindow::new(200.0, 320.0),
                    duration_s: 45.0,
                });
            }
            veh
        })
        .collect();
    Problem {
        durations_s: m.clone(),
        distances_m: m,
        stops,
        vehicles,
    }
}
