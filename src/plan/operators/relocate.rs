//! Relocate: move one stop to another place (same or another route).

use super::{set_stops, Move};
use crate::plan::route::{concat_ok, Ctx, State, EPS};

/// Move `stop` to just after node `after` of route `to_route`.
pub(crate) struct Relocate {
    pub stop: usize,
    pub to_route: usize,
    pub after: usize,
}

impl Relocate {
    fn intra_seq(&self, st: &State) -> Option<Vec<usize>> {
        let r = &st.routes[self.to_route];
        let pu = st.node_of[self.stop];
        if self.after == pu || self.after + 1 == pu {
            return None;
        }
        let mut seq = r.stops.clone();
        seq.remove(pu - 1);
        let at = if self.after > pu {
            self.after - 1
        } else {
            self.after
        };
        seq.insert(at, self.stop);
        Some(seq)
    }
}

impl Move for Relocate {
    fn gain(&self, ctx: &Ctx, st: &State) -> Option<f64> {
        let (u, ru, rv) = (self.stop, st.route_of[self.stop], self.to_route);
        let (a, b) = (&st.routes[ru], &st.routes[rv]);
        let (pu, q, lu) = (st.node_of[u], self.after, ctx.loc[u]);
        if ru == rv && (q == pu || q + 1 == pu) {
            return None;
        }
        // Arc changes; exact for the same route too, as `q` and `q + 1` differ from `pu`.
        let removed = ctx.t(a.loc[pu - 1], lu) + ctx.t(lu, a.loc[pu + 1])
            - ctx.t(a.loc[pu - 1], a.loc[pu + 1]);
        let added = ctx.t(b.loc[q], lu) + ctx.t(lu, b.loc[q + 1]) - ctx.t(b.loc[q], b.loc[q + 1]);
        let gain = removed - added;
        if gain <= EPS {
            return None;
        }
        if ru == rv {
            // Only the stretch between the old and the new place moves in time.
            let ok = ctx.with_mid(|mid| {
                if q < pu {
                    mid.push(u);
                    mid.extend_from_slice(&a.stops[q..pu - 1]);
                    concat_ok(ctx, a, q, mid, a, pu + 1)
                } else {
                    mid.extend_from_slice(&a.stops[pu..q]);
                    mid.push(u);
                    concat_ok(ctx, a, pu - 1, mid, a, q + 1)
                }
            });
            return ok.then_some(gain);
        }
        let ok = gain > EPS
            && st.can_take(ctx, rv, u, 1)
            && st.load_ok(ctx, rv, b.load() + ctx.demand[u])
            && concat_ok(ctx, a, pu - 1, &[], a, pu + 1)
            && concat_ok(ctx, b, q, &[u], b, q + 1);
        ok.then_some(gain)
    }

    fn apply(&self, ctx: &Ctx, st: &mut State) {
        let (u, ru, rv) = (self.stop, st.route_of[self.stop], self.to_route);
        if ru == rv {
            if let Some(seq) = self.intra_seq(st) {
                set_stops(ctx, st, ru, seq);
            }
            return;
        }
        let pu = st.node_of[u];
        st.routes[ru].stops.remove(pu - 1);
        st.routes[rv].stops.insert(self.after, u);
        st.refresh(ctx, ru);
        st.refresh(ctx, rv);
    }
}
