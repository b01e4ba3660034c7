//! Exchange: swap two stops (same or different routes).

use super::{intra_gain, set_stops, Move};
use crate::plan::route::{concat_ok, Ctx, State, EPS};

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
        let gain = old - new;
        if !adjacent && gain <= EPS {
            return None;
        }
        if ru == rv {
            return intra_gain(ctx, st, ru, &self.intra_seq(st));
        }
        let ok = gain > EPS
            && st.can_take(ctx, ru, v, 0)
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
