//! Local-search moves, one small type per file, each with `gain()` (the travel saved,
//! `None` when infeasible or not improving) and `apply()`; and the descent that
//! tries them over granular neighbourhoods (each stop against its nearest stops).

mod exchange;
mod or_opt;
mod relocate;
mod two_opt;
mod two_opt_star;

pub(crate) use exchange::Exchange;
pub(crate) use or_opt::OrOpt;
pub(crate) use relocate::Relocate;
pub(crate) use two_opt::TwoOpt;
pub(crate) use two_opt_star::TwoOptStar;

use super::construct::{best_insertion, insert, nearby_insertion};
use super::route::{Ctx, State, NONE};

/// A local-search move.
pub(crate) trait Move {
    /// Travel saved by the move when it is feasible and saves more than a tolerance.
    fn gain(&self, ctx: &Ctx, st: &State) -> Option<f64>;
    /// Performs the move (only after `gain` returned `Some`).
    fn apply(&self, ctx: &Ctx, st: &mut State);
}

/// Replaces route `r`'s stops by `seq`.
pub(crate) fn set_stops(ctx: &Ctx, st: &mut State, r: usize, seq: Vec<usize>) {
    st.routes[r].stops = seq;
    st.refresh(ctx, r);
}

/// Improves `st` with the moves until none of them helps (first improvement), and
/// inserts unassigned stops wherever they fit. Returns the number of moves applied.
pub(crate) fn descend(ctx: &Ctx, st: &mut State, granularity: usize) -> usize {
    let mut applied = 0;
    loop {
        let mut improved = false;
        for s in 0..st.route_of.len() {
            if st.route_of[s] == NONE {
                let ins = if ctx.p.stops[s].mandatory {
                    best_insertion(ctx, st, s, 0.0, &mut NoRng)
                } else {
                    nearby_insertion(ctx, st, s, granularity)
                };
                if let Some(ins) = ins {
                    insert(ctx, st, s, ins);
                    improved = true;
                    applied += 1;
                }
            }
        }
        for u in 0..st.route_of.len() {
            if st.route_of[u] == NONE {
                continue;
            }
            // The `granularity` nearest stops that are in a route: where most
            // candidates go unserved, the nearest ones overall may all be unassigned.
            let mut tried = 0;
            for &v in &ctx.neighbours[u] {
                if tried == granularity || st.route_of[u] == NONE {
                    break;
                }
                if st.route_of[v] == NONE {
                    continue;
                }
                tried += 1;
                if try_pair(ctx, st, u, v) {
                    improved = true;
                    applied += 1;
                }
            }
        }
        if !improved {
            return applied;
        }
    }
}

/// Tries the moves that bring `u` next to `v`; applies the first improving one.
fn try_pair(ctx: &Ctx, st: &mut State, u: usize, v: usize) -> bool {
    let (ru, rv) = (st.route_of[u], st.route_of[v]);
    let (pu, pv) = (st.node_of[u], st.node_of[v]);
    macro_rules! attempt {
        ($m:expr) => {{
            let m = $m;
            if m.gain(ctx, st).is_some() {
                m.apply(ctx, st);
                return true;
            }
        }};
    }
    attempt!(Relocate {
        stop: u,
        to_route: rv,
        after: pv
    });
    attempt!(Relocate {
        stop: u,
        to_route: rv,
        after: pv - 1
    });
    attempt!(Exchange { a: u, b: v });
    if ru != rv {
        attempt!(TwoOptStar { u, v });
    } else if pu < pv {
        attempt!(TwoOpt {
            route: ru,
            from: pu + 1,
            to: pv
        });
    } else {
        attempt!(TwoOpt {
            route: ru,
            from: pv + 1,
            to: pu
        });
    }
    for len in 2..=3 {
        for reversed in [false, true] {
            attempt!(OrOpt {
                first: u,
                len,
                to_route: rv,
                after: pv,
                reversed
            });
            attempt!(OrOpt {
                first: u,
                len,
                to_route: rv,
                after: pv - 1,
                reversed
            });
        }
    }
    false
}

/// A random source that never blinks (for deterministic full scans).
struct NoRng;

impl rand::RngCore for NoRng {
    fn next_u32(&mut self) -> u32 {
        u32::MAX
    }
    fn next_u64(&mut self) -> u64 {
        u64::MAX
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0xff);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        dest.fill(0xff);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::plan::construct::insert_all;
    use crate::plan::route::EPS;
    use crate::plan::testing::random_problem;

    /// Travel of route `r` and whether it keeps every constraint, from scratch.
    fn resimulate(ctx: &Ctx, st: &State, r: usize) -> (f64, bool) {
        let route = &st.routes[r];
        let veh = &ctx.p.vehicles[route.v];
        let mut at = veh.start_location;
        let mut travel = 0.0;
        for &s in &route.stops {
            travel += ctx.t(at, ctx.loc[s]);
            at = ctx.loc[s];
        }
        travel += ctx.t(at, veh.end_location);
        let load: f64 = route.stops.iter().map(|&s| ctx.demand[s]).sum();
        let ok = ctx.seq_time_ok(route.v, &route.stops)
            && veh.capacity.is_none_or(|c| load <= c + EPS)
            && veh.max_stops.is_none_or(|m| route.len() <= m);
        (travel, ok)
    }

    /// Applies `m` to a copy of `st` and checks `gain` against the re-simulated routes.
    fn check_move(ctx: &Ctx, st: &State, m: &dyn Move, what: &str) {
        let touched: Vec<usize> = (0..st.routes.len()).collect();
        let before: f64 = touched.iter().map(|&r| resimulate(ctx, st, r).0).sum();
        let mut after_state = st.clone();
        m.apply(ctx, &mut after_state);
        let sims: Vec<(f64, bool)> = touched
            .iter()
            .map(|&r| resimulate(ctx, &after_state, r))
            .collect();
        let after: f64 = sims.iter().map(|s| s.0).sum();
        let feasible = sims.iter().all(|s| s.1);
        let saved = before - after;
        match m.gain(ctx, st) {
            Some(g) => {
                assert!(feasible, "{what}: gain {g} but the result is infeasible");
                assert!((g - saved).abs() < 1e-6, "{what}: gain {g}, saved {saved}");
            }
            None => assert!(
                !(feasible && saved > 1e-6),
                "{what}: no gain reported, but it saves {saved} and is feasible"
            ),
        }
    }

    /// Every move between random pairs of a random plan, checked against re-simulation.
    fn check_moves(seed: u64, with_break: bool) {
        let p = random_problem(seed, 18, 3, with_break);
        let ctx = Ctx::new(&p, 17);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut st = State::empty(&ctx);
        let mut order: Vec<usize> = (0..p.stops.len()).collect();
        order.shuffle(&mut rng);
        insert_all(&ctx, &mut st, &order, 0.3, &mut rng);
        let served: Vec<usize> = (0..p.stops.len())
            .filter(|&s| st.route_of[s] != NONE)
            .collect();
        if served.len() < 2 {
            return;
        }
        for _ in 0..30 {
            let u = *served.choose(&mut rng).unwrap();
            let v = *served.choose(&mut rng).unwrap();
            if u == v {
                continue;
            }
            let (ru, rv) = (st.route_of[u], st.route_of[v]);
            let (pu, pv) = (st.node_of[u], st.node_of[v]);
            for after in [pv, pv - 1] {
                let m = Relocate {
                    stop: u,
                    to_route: rv,
                    after,
                };
                check_move(&ctx, &st, &m, "relocate");
                for len in 2..=3 {
                    for reversed in [false, true] {
                        let m = OrOpt {
                            first: u,
                            len,
                            to_route: rv,
                            after,
                            reversed,
                        };
                        check_move(&ctx, &st, &m, "or-opt");
                    }
                }
            }
            check_move(&ctx, &st, &Exchange { a: u, b: v }, "exchange");
            if ru != rv {
                check_move(&ctx, &st, &TwoOptStar { u, v }, "2-opt*");
            } else {
                let (from, to) = (pu.min(pv), pu.max(pv));
                let m = TwoOpt {
                    route: ru,
                    from,
                    to,
                };
                check_move(&ctx, &st, &m, "2-opt");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]
        /// A move's gain, worked out from the cached route data, equals what a full
        /// re-simulation of the changed routes finds: the travel saved when feasible,
        /// and no gain when the result would be late, overloaded or no shorter.
        #[test]
        fn move_gains_equal_a_full_resimulation(seed in any::<u64>()) {
            check_moves(seed, false);
            check_moves(seed, true);
        }
    }

    #[test]
    fn or_opt_segments_running_past_the_route_end_are_no_move() {
        let p = random_problem(3, 6, 1, false);
        let ctx = Ctx::new(&p, 5);
        let mut st = State::empty(&ctx);
        st.routes[0].stops = vec![0, 1];
        st.refresh(&ctx, 0);
        let m = OrOpt {
            first: 1,
            len: 2,
            to_route: 0,
            after: 0,
            reversed: false,
        };
        assert!(m.gain(&ctx, &st).is_none());
    }
}
