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

use super::construct::{best_insertion, insert};
use super::route::{Ctx, State, EPS, NONE};

/// A local-search move.
pub(crate) trait Move {
    /// Travel saved by the move when it is feasible and saves more than a tolerance.
    fn gain(&self, ctx: &Ctx, st: &State) -> Option<f64>;
    /// Performs the move (only after `gain` returned `Some`).
    fn apply(&self, ctx: &Ctx, st: &mut State);
}

/// Gain of replacing route `r`'s stops by `seq` (same vehicle), or `None` when
/// infeasible or not improving. Used by intra-route moves; O(n).
pub(crate) fn intra_gain(ctx: &Ctx, st: &State, r: usize, seq: &[usize]) -> Option<f64> {
    let route = &st.routes[r];
    let veh = &ctx.p.vehicles[route.v];
    let mut at = veh.start_location;
    let mut cost = 0.0;
    for &s in seq {
        cost += ctx.t(at, ctx.loc[s]);
        at = ctx.loc[s];
    }
    cost += ctx.t(at, veh.end_location);
    let gain = route.cost() - cost;
    (gain > EPS && ctx.seq_time_ok(route.v, seq)).then_some(gain)
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
                if let Some(ins) = best_insertion(ctx, st, s, 0.0, &mut NoRng) {
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
            let k = granularity.min(ctx.neighbours[u].len());
            for vi in 0..k {
                let v = ctx.neighbours[u][vi];
                if st.route_of[v] == NONE || st.route_of[u] == NONE {
                    continue;
                }
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
