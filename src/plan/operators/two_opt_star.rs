//! 2-opt*: exchange the tails of two routes, so that `u` is followed by `v`.

use super::Move;
use crate::plan::route::{concat_ok, Ctx, State, EPS};

/// Route of `u` keeps its head up to `u` and takes the tail of `v`'s route from `v`;
/// route of `v` keeps its head before `v` and takes `u`'s old tail.
pub(crate) struct TwoOptStar {
    pub u: usize,
    pub v: usize,
}

impl Move for TwoOptStar {
    fn gain(&self, ctx: &Ctx, st: &State) -> Option<f64> {
        let (ru, rv) = (st.route_of[self.u], st.route_of[self.v]);
        if ru == rv {
            return None;
        }
        let (a, b) = (&st.routes[ru], &st.routes[rv]);
        if !ctx.same_end(a.v, b.v) {
            return None;
        }
        let (pu, pv) = (st.node_of[self.u], st.node_of[self.v]);
        let old = ctx.t(a.loc[pu], a.loc[pu + 1]) + ctx.t(b.loc[pv - 1], b.loc[pv]);
        let new = ctx.t(a.loc[pu], b.loc[pv]) + ctx.t(b.loc[pv - 1], a.loc[pu + 1]);
        let gain = old - new;
        if gain <= EPS {
            return None;
        }
        let (va, vb) = (&ctx.p.vehicles[a.v], &ctx.p.vehicles[b.v]);
        let load_a = a.cload[pu] + b.load() - b.cload[pv - 1];
        let load_b = b.cload[pv - 1] + a.load() - a.cload[pu];
        let n_a = pu + b.len() + 1 - pv;
        let n_b = pv - 1 + a.len() - pu;
        let ok = va.max_stops.is_none_or(|m| n_a <= m)
            && vb.max_stops.is_none_or(|m| n_b <= m)
            && va
                .skills
                .covers(crate::plan::problem::Skills(b.skills_from[pv]))
            && vb
                .skills
                .covers(crate::plan::problem::Skills(a.skills_from[pu + 1]))
            && st.load_ok(ctx, ru, load_a)
            && st.load_ok(ctx, rv, load_b)
            && concat_ok(ctx, a, pu, &[], b, pv)
            && concat_ok(ctx, b, pv - 1, &[], a, pu + 1);
        ok.then_some(gain)
    }

    fn apply(&self, ctx: &Ctx, st: &mut State) {
        let (ru, rv) = (st.route_of[self.u], st.route_of[self.v]);
        let (pu, pv) = (st.node_of[self.u], st.node_of[self.v]);
        let tail_a = st.routes[ru].stops.split_off(pu);
        let tail_b = st.routes[rv].stops.split_off(pv - 1);
        st.routes[ru].stops.extend(tail_b);
        st.routes[rv].stops.extend(tail_a);
        st.refresh(ctx, ru);
        st.refresh(ctx, rv);
    }
}
