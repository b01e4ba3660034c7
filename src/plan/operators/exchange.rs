//! Exchange: swap two stops (same or different routes).

use super::{set_stops, Move};
use crate::plan::route::{concat_ok, Ctx, Route, State, EPS};

/// Swap the places of stops `a` and `b`.
pub(crate) struct Exchange {
    pub a: usize,
    pub b: usize,
}

impl Exchange {
    fn intra_seq(&self, st: &State) -> Vec<usize> {
        let r = &st.routes[st.route_of[self.a]];
        let mut seq = r.stops.clone();
        seq.swap(st.node_of[self.a] - 1, st.node_of[self.b] - 1);
        seq
    }
}

/// The gain of swapping stops `x` and `y` of the same route `r` (at nodes `px`, `py`),
/// when it is on time and saves travel; `arc_gain` is the four-arc formula, exact
/// unless the two are adjacent.
fn intra_gain(
    ctx: &Ctx,
    r: &Route,
    (x, px): (usize, usize),
    (y, py): (usize, usize),
    adjacent: bool,
    arc_gain: f64,
) -> Option<f64> {
    let ((x, px), (y, py)) = if px < py {
        ((x, px), (y, py))
    } else {
        ((y, py), (x, px))
    };
    let gain = if adjacent {
        let (lx, ly) = (ctx.loc[x], ctx.loc[y]);
        let (prev, next) = (r.loc[px - 1], r.loc[py + 1]);
        let old = ctx.t(prev, lx) + ctx.t(lx, ly) + ctx.t(ly, next);
        let new = ctx.t(prev, ly) + ctx.t(ly, lx) + ctx.t(lx, next);
        old - new
    } else {
        arc_gain
    };
    if gain <= EPS {
        return None;
    }
    let ok = ctx.with_mid(|mid| {
        mid.push(y);
        mid.extend_from_slice(&r.stops[px..py - 1]);
        mid.push(x);
        concat_ok(ctx, r, px - 1, mid, r, py + 1)
    });
    ok.then_some(gain)
}

impl Move for Exchange {
    fn gain(&self, ctx: &Ctx, st: &State) -> Option<f64> {
        let (u, v) = (self.a, self.b);
        let (ru, rv) = (st.route_of[u], st.route_of[v]);
        let (ra, rb) = (&st.routes[ru], &st.routes[rv]);
        let (pu, pv) = (st.node_of[u], st.node_of[v]);
        let adjacent = ru == rv && pu.abs_diff(pv) == 1;
        let (lu, lv) = (ctx.loc[u], ctx.loc[v]);
        let old = ctx.t(ra.loc[pu - 1], lu)
            + ctx.t(lu, ra.loc[pu + 1])
            + ctx.t(rb.loc[pv - 1], lv)
            + ctx.t(lv, rb.loc[pv + 1]);
        let new = ctx.t(ra.loc[pu - 1], lv)
            + ctx.t(lv, ra.loc[pu + 1])
            + ctx.t(rb.loc[pv - 1], lu)
            + ctx.t(lu, rb.loc[pv + 1]);
        if ru == rv {
            return intra_gain(ctx, ra, (u, pu), (v, pv), adjacent, old - new);
        }
        let gain = old - new;
        if gain <= EPS {
            return None;
        }
        let ok = st.can_take(ctx, ru, v, 0)
            && st.can_take(ctx, rv, u, 0)
            && st.load_ok(ctx, ru, ra.load() - ctx.demand[u] + ctx.demand[v])
            && st.load_ok(ctx, rv, rb.load() - ctx.demand[v] + ctx.demand[u])
            && concat_ok(ctx, ra, pu - 1, &[v], ra, pu + 1)
            && concat_ok(ctx, rb, pv - 1, &[u], rb, pv + 1);
        ok.then_some(gain)
    }

    fn apply(&self, ctx: &Ctx, st: &mut State) {
        let (u, v) = (self.a, self.b);
        let (ru, rv) = (st.route_of[u], st.route_of[v]);
        if ru == rv {
            let seq = self.intra_seq(st);
            set_stops(ctx, st, ru, seq);
            return;
        }
        let (pu, pv) = (st.node_of[u], st.node_of[v]);
        st.routes[ru].stops[pu - 1] = v;
        st.routes[rv].stops[pv - 1] = u;
        st.refresh(ctx, ru);
        st.refresh(ctx, rv);
    }
}
