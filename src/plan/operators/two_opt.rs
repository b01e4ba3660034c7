//! Intra-route 2-opt: reverse a stretch of one route.

use super::{set_stops, Move};
use crate::plan::route::{concat_ok, Ctx, State, EPS};

/// Reverse nodes `from..=to` of `route` (1-based stop nodes).
pub(crate) struct TwoOpt {
    pub route: usize,
    pub from: usize,
    pub to: usize,
}

impl TwoOpt {
    fn seq(&self, st: &State) -> Option<Vec<usize>> {
        if self.from >= self.to {
            return None;
        }
        let mut seq = st.routes[self.route].stops.clone();
        seq[self.from - 1..self.to].reverse();
        Some(seq)
    }
}

impl Move for TwoOpt {
    fn gain(&self, ctx: &Ctx, st: &State) -> Option<f64> {
        let r = &st.routes[self.route];
        let (i, j) = (self.from, self.to);
        if i >= j {
            return None;
        }
        // Travel change in O(1) (reversed inner arcs from the cached sums), then the
        // reversed stretch alone is scheduled between the cached prefix and suffix.
        let fwd_inner = r.ccost[j] - r.ccost[i];
        let rev_inner = r.crev[j] - r.crev[i];
        let old = ctx.t(r.loc[i - 1], r.loc[i]) + fwd_inner + ctx.t(r.loc[j], r.loc[j + 1]);
        let new = ctx.t(r.loc[i - 1], r.loc[j]) + rev_inner + ctx.t(r.loc[i], r.loc[j + 1]);
        let gain = old - new;
        if gain <= EPS {
            return None;
        }
        let ok = ctx.with_mid(|mid| {
            mid.extend(r.stops[i - 1..j].iter().rev());
            concat_ok(ctx, r, i - 1, mid, r, j + 1)
        });
        ok.then_some(gain)
    }

    fn apply(&self, ctx: &Ctx, st: &mut State) {
        if let Some(seq) = self.seq(st) {
            set_stops(ctx, st, self.route, seq);
        }
    }
}
