//! A dedicated path for pure single-tour problems: one team that returns to where it
//! started, nothing but the order of the stops to decide (no windows, breaks or
//! limits that bind, every stop worth serving, a finite and symmetric matrix).
//!
//! The general search ([`super::search`]) keeps schedules and several routes up to
//! date; for one long tour that is wasted work. Here the tour is a plain array with a
//! position index, improved by 2-opt and Or-opt moves over short nearest-neighbour
//! lists with a queue of "active" cities (don't-look bits), and then by an iterated
//! local search: a double bridge confined to a short stretch of the tour (two
//! adjacent segments swapped), local search from the six cities it touched, and the
//! result kept when it is no longer than before (else the touched positions are
//! restored). Reproducible for a seed and an iteration budget; the clock only stops it.

use std::collections::VecDeque;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::problem::{Matrix, Problem};
use super::search::{Progress, SolveOptions};

/// Neighbours kept per city.
const NEIGHBOURS: usize = 10;
/// Longest segment moved by Or-opt.
const OR_OPT_MAX: usize = 3;
/// Shortest and longest segment swapped by the kick (chosen on TSPLIB's tsp225,
/// pcb442 and pr1002 at a fixed iteration count).
const KICK_MIN: usize = OR_OPT_MAX + 1;
const KICK_MAX: usize = 50;
/// Smallest gain worth a move (travel seconds).
const GAIN_EPS: f64 = 1e-7;
/// Minimum time between two progress reports of the search loop.
const REPORT_EVERY_S: f64 = 0.05;

/// True when `p` is a pure single-tour problem this module solves exactly as posed:
/// serving every stop is then the best possible plan, and only travel remains.
pub(crate) fn applies(p: &Problem) -> bool {
    let [veh] = p.vehicles.as_slice() else {
        return false;
    };
    if veh.start_location != veh.end_location || veh.break_.is_some() || p.stops.is_empty() {
        return false;
    }
    let demand: f64 = p.stops.iter().map(|s| s.demand).sum();
    if veh.capacity.is_some_and(|c| demand > c) || veh.max_stops.is_some_and(|m| m < p.stops.len())
    {
        return false;
    }
    let worth = |s: &super::problem::Stop| {
        s.windows.is_empty() && veh.skills.covers(s.skills) && (s.mandatory || s.prize > 0.0)
    };
    if !p.stops.iter().all(worth) {
        return false;
    }
    let locs = locations(p);
    let t = &p.durations_s;
    locs.iter().enumerate().all(|(k, &a)| {
        locs[k..].iter().all(|&b| {
            let (ab, ba) = (t.get(a, b), t.get(b, a));
            ab.is_finite() && ab == ba
        })
    })
}

/// Matrix locations of the tour's cities: city 0 is the depot, city `k` is stop `k - 1`.
fn locations(p: &Problem) -> Vec<usize> {
    std::iter::once(p.vehicles[0].start_location)
        .chain(p.stops.iter().map(|s| s.location))
        .collect()
}

/// The stops in tour order (starting after the depot) and the iterations done.
/// Call only when [`applies`] holds.
pub(crate) fn solve(
    p: &Problem,
    options: &SolveOptions,
    progress: &mut dyn FnMut(Progress),
) -> (Vec<usize>, u64) {
    let started = Instant::now();
    let prize: f64 = p.stops.iter().map(|s| s.prize).sum();
    let mut report = |iteration: u64, travel_s: f64| {
        progress(Progress {
            iteration,
            elapsed_s: started.elapsed().as_secs_f64(),
            mandatory_missed: 0,
            prize,
            travel_s,
        })
    };
    let dist = Dist {
        tt: &p.durations_s,
        loc: locations(p),
    };
    if dist.loc.len() <= 3 {
        // Every tour through three cities or fewer is the same cycle.
        let order: Vec<usize> = (0..p.stops.len()).collect();
        report(0, dist.cycle(&[0, 1, 2][..dist.loc.len()]));
        return (order, 0);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut tour = Tour::new(dist);
    tour.descend();
    tour.commit();
    let mut cost = tour.cost();
    report(0, cost);
    let mut last_report = 0.0;
    let mut iteration: u64 = 0;
    loop {
        if options.max_iterations.is_some_and(|max| iteration >= max) {
            break;
        }
        let elapsed = started.elapsed().as_secs_f64();
        if elapsed >= options.time_limit_s {
            break;
        }
        iteration += 1;
        let delta = tour.kick(&mut rng) - tour.descend();
        if delta <= 0.0 {
            tour.commit();
            if delta < 0.0 {
                cost += delta;
                if elapsed - last_report >= REPORT_EVERY_S {
                    last_report = elapsed;
                    report(iteration, cost);
                }
            }
        } else {
            tour.restore();
        }
    }
    report(iteration, tour.cost());
    (tour.stop_order(), iteration)
}

/// `i` modulo `n` for `i < 2n` (a division costs more than the rest of a move test).
#[inline]
fn wrap(i: usize, n: usize) -> usize {
    if i >= n {
        i - n
    } else {
        i
    }
}

/// Travel between cities through the problem's matrix.
struct Dist<'a> {
    tt: &'a Matrix,
    loc: Vec<usize>,
}

impl Dist<'_> {
    #[inline]
    fn d(&self, a: usize, b: usize) -> f64 {
        self.tt.get(self.loc[a], self.loc[b])
    }

    /// Length of the closed tour visiting `cities` in order.
    fn cycle(&self, cities: &[usize]) -> f64 {
        let n = cities.len();
        (0..n)
            .map(|i| self.d(cities[i], cities[wrap(i + 1, n)]))
            .sum()
    }

    /// The `k` nearest other cities of each city, nearest first, flattened.
    fn neighbours(&self, k: usize) -> Vec<usize> {
        let n = self.loc.len();
        let mut out = Vec::with_capacity(n * k);
        let mut others: Vec<usize> = Vec::with_capacity(n);
        for a in 0..n {
            others.clear();
            others.extend((0..n).filter(|&b| b != a));
            let by = |x: &usize, y: &usize| self.d(a, *x).total_cmp(&self.d(a, *y)).then(x.cmp(y));
            if k < others.len() {
                others.select_nth_unstable_by(k, by);
                others.truncate(k);
            }
            others.sort_by(by);
            out.extend_from_slice(&others);
        }
        out
    }
}

/// A cyclic tour as an array of cities with each city's position, the last committed
/// version of the array, and the ranges of positions changed since.
struct Tour<'a> {
    dist: Dist<'a>,
    tour: Vec<usize>,
    pos: Vec<usize>,
    saved: Vec<usize>,
    /// Cyclic position ranges `(start, len)` changed since the last commit.
    touched: Vec<(usize, usize)>,
    nb: Vec<usize>,
    k: usize,
    queue: VecDeque<usize>,
    queued: Vec<bool>,
    buf: Vec<usize>,
}

impl<'a> Tour<'a> {
    /// A nearest-neighbour tour from the depot, every city queued for improvement.
    fn new(dist: Dist<'a>) -> Self {
        let n = dist.loc.len();
        let k = NEIGHBOURS.min(n - 1);
        let nb = dist.neighbours(k);
        let mut visited = vec![false; n];
        let mut tour = Vec::with_capacity(n);
        let mut at = 0;
        visited[0] = true;
        tour.push(0);
        for _ in 1..n {
            let near = nb[at * k..(at + 1) * k]
                .iter()
                .copied()
                .find(|&c| !visited[c]);
            let next = near.unwrap_or_else(|| {
                (0..n)
                    .filter(|&c| !visited[c])
                    .min_by(|&x, &y| dist.d(at, x).total_cmp(&dist.d(at, y)))
                    .unwrap_or(0)
            });
            visited[next] = true;
            tour.push(next);
            at = next;
        }
        let mut pos = vec![0; n];
        for (i, &c) in tour.iter().enumerate() {
            pos[c] = i;
        }
        Tour {
            dist,
            saved: tour.clone(),
            tour,
            pos,
            touched: Vec::new(),
            nb,
            k,
            queue: (0..n).collect(),
            queued: vec![true; n],
            buf: Vec::new(),
        }
    }

    #[inline]
    fn n(&self) -> usize {
        self.tour.len()
    }

    #[inline]
    fn d(&self, a: usize, b: usize) -> f64 {
        self.dist.d(a, b)
    }

    #[inline]
    fn at(&self, i: usize) -> usize {
        self.tour[wrap(i, self.n())]
    }

    #[inline]
    fn next(&self, c: usize) -> usize {
        self.at(self.pos[c] + 1)
    }

    #[inline]
    fn prev(&self, c: usize) -> usize {
        self.at(self.pos[c] + self.n() - 1)
    }

    fn cost(&self) -> f64 {
        self.dist.cycle(&self.tour)
    }

    fn push(&mut self, c: usize) {
        if !self.queued[c] {
            self.queued[c] = true;
            self.queue.push_back(c);
        }
    }

    /// Improves until no queued city has an improving move; returns the total gain.
    fn descend(&mut self) -> f64 {
        let mut gain = 0.0;
        while let Some(a) = self.queue.pop_front() {
            self.queued[a] = false;
            let g = self.improve_two_opt(a).or_else(|| self.improve_or_opt(a));
            if let Some(g) = g {
                gain += g;
                self.push(a);
            }
        }
        gain
    }

    /// The first improving 2-opt move that makes `a` adjacent to one of its neighbours.
    fn improve_two_opt(&mut self, a: usize) -> Option<f64> {
        for forward in [true, false] {
            let b = if forward { self.next(a) } else { self.prev(a) };
            let d_ab = self.d(a, b);
            for j in 0..self.k {
                let c = self.nb[a * self.k + j];
                let g1 = d_ab - self.d(a, c);
                if g1 <= GAIN_EPS {
                    break;
                }
                let e = if forward { self.next(c) } else { self.prev(c) };
                if c == b || e == a {
                    continue;
                }
                let gain = g1 + self.d(c, e) - self.d(b, e);
                if gain > GAIN_EPS {
                    // Edges (a,b) and (c,e) become (a,c) and (b,e).
                    if forward {
                        self.reverse(self.pos[b], self.pos[c]);
                    } else {
                        self.reverse(self.pos[a], self.pos[e]);
                    }
                    for x in [a, b, c, e] {
                        self.push(x);
                    }
                    return Some(gain);
                }
            }
        }
        None
    }

    /// The first improving move of a segment of 1 to 3 cities ending at `a` next to one
    /// of `a`'s neighbours (either orientation).
    fn improve_or_opt(&mut self, a: usize) -> Option<f64> {
        let n = self.n();
        for len in 1..=OR_OPT_MAX.min(n.saturating_sub(3)) {
            let starts = [self.pos[a], wrap(self.pos[a] + n + 1 - len, n)];
            for (si, &i) in starts.iter().enumerate() {
                if si == 1 && len == 1 {
                    break;
                }
                if let Some(g) = self.try_segment(a, i, len) {
                    return Some(g);
                }
            }
        }
        None
    }

    /// Tries moving the segment at positions `i..i + len` (which has `a` at one end)
    /// next to one of `a`'s neighbours; applies the first improving placement.
    fn try_segment(&mut self, a: usize, i: usize, len: usize) -> Option<f64> {
        let n = self.n();
        let (first, last) = (self.at(i), self.at(i + len - 1));
        let (p, nx) = (self.at(i + n - 1), self.at(i + len));
        if p == nx {
            return None;
        }
        let removal = self.d(p, first) + self.d(last, nx) - self.d(p, nx);
        if removal <= GAIN_EPS {
            return None;
        }
        let inside = |t: &Self, c: usize| wrap(t.pos[c] + n - i, n) < len;
        for j in 0..self.k {
            let c = self.nb[a * self.k + j];
            if removal - self.d(a, c) <= GAIN_EPS {
                break;
            }
            if inside(self, c) {
                continue;
            }
            for (x, y) in [(c, self.next(c)), (self.prev(c), c)] {
                if inside(self, x) || inside(self, y) {
                    continue;
                }
                let base = self.d(x, y);
                let add_fwd = self.d(x, first) + self.d(last, y) - base;
                let add_rev = self.d(x, last) + self.d(first, y) - base;
                let (add, reversed) = if add_rev < add_fwd {
                    (add_rev, true)
                } else {
                    (add_fwd, false)
                };
                let gain = removal - add;
                if gain > GAIN_EPS {
                    self.move_segment(i, len, x, reversed);
                    for z in [p, nx, first, last, x, y] {
                        self.push(z);
                    }
                    return Some(gain);
                }
            }
        }
        None
    }

    /// A double bridge on a short stretch: two adjacent segments after a random city
    /// swap places. Returns the added length; queues the six cities it touched.
    fn kick(&mut self, rng: &mut ChaCha8Rng) -> f64 {
        let n = self.n();
        let most = KICK_MAX.min((n - 2) / 2).max(1);
        // Segments longer than Or-opt moves, else the descent just undoes the kick.
        let least = KICK_MIN.min(most / 2).max(1);
        let s = rng.gen_range(0..n);
        let l1 = rng.gen_range(least..=most);
        let l2 = rng.gen_range(least..=most);
        let a = self.at(s);
        let (b1, bl) = (self.at(s + 1), self.at(s + l1));
        let (c1, cl) = (self.at(s + l1 + 1), self.at(s + l1 + l2));
        let e = self.at(s + l1 + l2 + 1);
        let delta = self.d(a, c1) + self.d(cl, b1) + self.d(bl, e)
            - self.d(a, b1)
            - self.d(bl, c1)
            - self.d(cl, e);
        self.move_segment(wrap(s + 1, n), l1, cl, false);
        for z in [a, b1, bl, c1, cl, e] {
            self.push(z);
        }
        delta
    }

    /// Reverses the path from position `i` forward to position `j` (or, equivalently for
    /// a symmetric tour, the shorter complementary path).
    fn reverse(&mut self, i: usize, j: usize) {
        let n = self.n();
        let mut len = wrap(j + n - i, n) + 1;
        let (mut i, mut j) = (i, j);
        if 2 * len > n {
            (i, j) = (wrap(j + 1, n), wrap(i + n - 1, n));
            len = n - len;
        }
        self.touched.push((i, len));
        for k in 0..len / 2 {
            let (x, y) = (wrap(i + k, n), wrap(j + n - k, n));
            self.tour.swap(x, y);
            self.pos[self.tour[x]] = x;
            self.pos[self.tour[y]] = y;
        }
    }

    /// Moves the segment at positions `i..i + len` between city `x` and its successor
    /// (both outside the segment), reversed or not, shifting the shorter side.
    fn move_segment(&mut self, i: usize, len: usize, x: usize, reversed: bool) {
        let n = self.n();
        self.buf.clear();
        for k in 0..len {
            self.buf.push(self.tour[wrap(i + k, n)]);
        }
        if reversed {
            self.buf.reverse();
        }
        let after = wrap(self.pos[x] + n - wrap(i + len - 1, n), n);
        let before = n - len - after;
        let start = if after <= before {
            // [segment][next .. x] becomes [next .. x][segment].
            for k in 0..after {
                self.tour[wrap(i + k, n)] = self.tour[wrap(i + len + k, n)];
            }
            for k in 0..len {
                self.tour[wrap(i + after + k, n)] = self.buf[k];
            }
            self.touched.push((i, len + after));
            (i, len + after)
        } else {
            // [x's successor .. prev][segment] becomes [segment][x's successor .. prev].
            let s = wrap(i + n - before, n);
            for k in (0..before).rev() {
                self.tour[wrap(s + len + k, n)] = self.tour[wrap(s + k, n)];
            }
            for k in 0..len {
                self.tour[wrap(s + k, n)] = self.buf[k];
            }
            self.touched.push((s, len + before));
            (s, len + before)
        };
        for k in 0..start.1 {
            let q = wrap(start.0 + k, n);
            self.pos[self.tour[q]] = q;
        }
    }

    /// Keeps the changes since the last commit.
    fn commit(&mut self) {
        let n = self.n();
        for &(s, len) in &self.touched {
            for k in 0..len {
                let q = wrap(s + k, n);
                self.saved[q] = self.tour[q];
            }
        }
        self.touched.clear();
    }

    /// Undoes the changes since the last commit.
    fn restore(&mut self) {
        let n = self.n();
        for &(s, len) in &self.touched {
            for k in 0..len {
                let q = wrap(s + k, n);
                self.tour[q] = self.saved[q];
                self.pos[self.tour[q]] = q;
            }
        }
        self.touched.clear();
    }

    /// Stop indices in tour order, starting after the depot.
    fn stop_order(&self) -> Vec<usize> {
        let n = self.n();
        let d = self.pos[0];
        (1..n).map(|k| self.tour[wrap(d + k, n)] - 1).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::problem::{Stop, TimeWindow, Vehicle};
    use crate::plan::{check, solve_with_progress};
    use proptest::prelude::*;
    use rand::Rng;

    /// A tour problem over points (the first is the depot), Euclidean travel times.
    fn tour_problem(pts: &[(f64, f64)]) -> Problem {
        let m = Matrix::from_fn(pts.len(), |i, j| {
            (pts[i].0 - pts[j].0).hypot(pts[i].1 - pts[j].1)
        });
        let stops = (1..pts.len())
            .map(|i| Stop {
                mandatory: true,
                ..Stop::new(format!("s{i}"), i, 0.0)
            })
            .collect();
        let team = Vehicle::new("t", 0, TimeWindow::new(0.0, f64::INFINITY));
        Problem {
            durations_s: m.clone(),
            distances_m: m,
            stops,
            vehicles: vec![team],
        }
    }

    fn random_points(seed: u64, n: usize, grid: f64) -> Vec<(f64, f64)> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let (x, y): (f64, f64) = (rng.gen_range(0.0..grid), rng.gen_range(0.0..grid));
                if grid < 50.0 {
                    (x.floor(), y.floor())
                } else {
                    (x, y)
                }
            })
            .collect()
    }

    /// The shortest tour by enumerating every order of the stops (branch and bound).
    fn brute_force(p: &Problem) -> f64 {
        fn rec(p: &Problem, at: usize, left: &mut Vec<usize>, so_far: f64, best: &mut f64) {
            let t = &p.durations_s;
            if so_far >= *best {
                return;
            }
            if left.is_empty() {
                *best = best.min(so_far + t.get(at, 0));
                return;
            }
            for k in 0..left.len() {
                let s = left.swap_remove(k);
                rec(p, s, left, so_far + t.get(at, s), best);
                left.push(s);
                let last = left.len() - 1;
                left.swap(k, last);
            }
        }
        let mut left: Vec<usize> = (1..p.durations_s.len()).collect();
        let mut best = f64::INFINITY;
        rec(p, 0, &mut left, 0.0, &mut best);
        best
    }

    fn options(iterations: u64, seed: u64) -> SolveOptions {
        SolveOptions {
            time_limit_s: 600.0,
            max_iterations: Some(iterations),
            seed,
            ..Default::default()
        }
    }

    #[test]
    fn matches_brute_force_on_small_instances() {
        for seed in 0..40 {
            let stops = 1 + (seed as usize % 9);
            let grid = if seed % 2 == 0 { 100.0 } else { 10.0 };
            let p = tour_problem(&random_points(seed, stops + 1, grid));
            assert!(applies(&p));
            let plan = crate::plan::solve(&p, &options(2000, seed)).unwrap();
            let best = brute_force(&p);
            assert!(
                (plan.objective.travel_s - best).abs() < 1e-6,
                "seed {seed}: {} stops, tour {} but the optimum is {best}",
                stops,
                plan.objective.travel_s
            );
            assert_eq!(plan.routes[0].visits.len(), stops);
        }
    }

    #[test]
    fn same_seed_same_tour_and_progress_reports_the_length() {
        let p = tour_problem(&random_points(7, 120, 1000.0));
        let mut last = f64::NAN;
        let a = solve_with_progress(&p, &options(3000, 5), &mut |pr| last = pr.travel_s).unwrap();
        let b = crate::plan::solve(&p, &options(3000, 5)).unwrap();
        assert_eq!(a.routes, b.routes);
        assert_eq!(a.iterations, 3000);
        assert!((last - a.objective.travel_s).abs() < 1e-6);
    }

    #[test]
    fn asymmetric_or_binding_problems_take_the_general_search() {
        let mut p = tour_problem(&random_points(3, 8, 100.0));
        let n = p.durations_s.len();
        let skew = Matrix::from_fn(n, |i, j| {
            p.durations_s.get(i, j) + if i < j { 5.0 } else { 0.0 }
        });
        p.durations_s = skew;
        assert!(!applies(&p));
        let plan = crate::plan::solve(&p, &options(200, 1)).unwrap();
        assert!(check::check(&p, &plan).is_ok());
        assert_eq!(plan.unassigned.len(), 0);

        let mut p = tour_problem(&random_points(4, 8, 100.0));
        p.stops[2].windows = vec![TimeWindow::new(0.0, 50.0)];
        assert!(!applies(&p));
        let mut p = tour_problem(&random_points(4, 8, 100.0));
        p.stops[2].mandatory = false;
        assert!(!applies(&p));
        p.stops[2].prize = 1.0;
        assert!(applies(&p));
    }

    #[test]
    fn a_tour_longer_than_the_shift_falls_back_and_stays_feasible() {
        let mut p = tour_problem(&random_points(9, 30, 100.0));
        p.vehicles[0].shift = TimeWindow::new(0.0, 150.0);
        assert!(applies(&p));
        let plan = crate::plan::solve(&p, &options(300, 1)).unwrap();
        assert!(check::check(&p, &plan).is_ok());
        assert!(!plan.unassigned.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Kicks, descents and restores keep a permutation with a consistent position
        /// index, and the length tracked through the move gains equals the recomputed one.
        #[test]
        fn moves_keep_a_permutation_and_their_gains_add_up(
            seed in 0u64..10_000, n in 4usize..70, grid in prop_oneof![Just(8.0), Just(1000.0)]
        ) {
            let p = tour_problem(&random_points(seed, n, grid));
            let dist = Dist { tt: &p.durations_s, loc: locations(&p) };
            let mut tour = Tour::new(dist);
            let mut tracked = tour.cost();
            tracked -= tour.descend();
            tour.commit();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for _ in 0..200 {
                let delta = tour.kick(&mut rng) - tour.descend();
                if delta <= 0.0 || rng.gen_bool(0.2) {
                    tour.commit();
                    tracked += delta;
                } else {
                    tour.restore();
                }
                prop_assert!((tracked - tour.cost()).abs() < 1e-6 * (1.0 + tracked));
            }
            let mut seen = tour.tour.clone();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..n).collect::<Vec<_>>());
            for (i, &c) in tour.tour.iter().enumerate() {
                prop_assert_eq!(tour.pos[c], i);
            }
            prop_assert_eq!(&tour.saved, &tour.tour);
        }

        /// Through `solve`: every stop exactly once, and the plan passes the checker.
        #[test]
        fn solved_tours_pass_the_checker(seed in 0u64..10_000, n in 1usize..60) {
            let p = tour_problem(&random_points(seed, n + 1, 12.0));
            let plan = crate::plan::solve(&p, &options(100, seed)).unwrap();
            prop_assert!(check::check(&p, &plan).is_ok());
            let mut order: Vec<usize> = plan.routes[0].visits.iter().map(|v| v.stop).collect();
            order.sort_unstable();
            prop_assert_eq!(order, (0..n).collect::<Vec<_>>());
        }
    }
}
