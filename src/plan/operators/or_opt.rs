//! Or-opt: move a string of 2–3 consecutive stops, possibly reversed.

use super::{set_stops, Move};
use crate::plan::route::{concat_ok, Ctx, State, EPS};

/// Move the `len` stops starting at `first` to just after node `after` of `to_route`.
pub(crate) struct OrOpt {
    pub first: usize,
    pub len: usize,
    pub to_route: usize,
    pub after: usize,
    pub reversed: bool,
}

impl OrOpt {
    fn segment(&self, st: &State) -> Option<(usize, usize, [usize; 3])> {
        let ru = st.route_of[self.first];
        let pu = st.node_of[self.first];
        let r = &st.routes[ru];
        if pu + self.len - 1 > r.len() {
            return None;
        }
        let mut seg = [0; 3];
        seg[..self.len].copy_from_slice(&r.stops[pu - 1..pu - 1 + self.len]);
        if self.reversed {
            seg[..self.len].reverse();
        }
        Some((ru, pu, seg))
    }

    fn intra_seq(&self, st: &State) -> Option<Vec<usize>> {
        let (ru, pu, seg) = self.segment(st)?;
        // The target must lie outside the segment and not be its current place.
        if self.after + 1 >= pu && self.after < pu + self.len {
            return None;
        }
        let stops = &st.routes[ru].stops;
        let mut seq = Vec::with_capacity(stops.len());
        for (i, &s) in stops.iter().enumerate() {
            let node = i + 1;
            if node >= pu && node < pu + self.len {
                continue;
            }
            seq.push(s);
            if node == self.after {
                seq.extend_from_slice(&seg[..self.len]);
            }
        }
        if self.after == 0 {
            seq.splice(0..0, seg[..self.len].iter().copied());
        }
        Some(seq)
    }
}

impl Move for OrOpt {
    fn gain(&self, ctx: &Ctx, st: &State) -> Option<f64> {
        let (ru, pu, seg) = self.segment(st)?;
        let rv = self.to_route;
        if ru == rv && self.after + 1 >= pu && self.after < pu + self.len {
            return None;
        }
        let (a, b) = (&st.routes[ru], &st.routes[rv]);
        let seg = &seg[..self.len];
        let last = pu + self.len - 1;
        let (inner, first_loc, last_loc) = if self.reversed {
            (a.crev[last] - a.crev[pu], a.loc[last], a.loc[pu])
        } else {
            (a.ccost[last] - a.ccost[pu], a.loc[pu], a.loc[last])
        };
        let fwd_inner = a.ccost[last] - a.ccost[pu];
        let removed =
            ctx.t(a.loc[pu - 1], a.loc[pu]) + fwd_inner + ctx.t(a.loc[last], a.loc[last + 1])
                - ctx.t(a.loc[pu - 1], a.loc[last + 1]);
        let q = self.after;
        let added = ctx.t(b.loc[q], first_loc) + inner + ctx.t(last_loc, b.loc[q + 1])
            - ctx.t(b.loc[q], b.loc[q + 1]);
        let gain = removed - added;
        if gain <= EPS {
            return None;
        }
        if ru == rv {
            let ok = ctx.with_mid(|mid| {
                if q < pu {
                    mid.extend_from_slice(seg);
                    mid.extend_from_slice(&a.stops[q..pu - 1]);
                    concat_ok(ctx, a, q, mid, a, last + 1)
                } else {
                    mid.extend_from_slice(&a.stops[last..q]);
                    mid.extend_from_slice(seg);
                    concat_ok(ctx, a, pu - 1, mid, a, q + 1)
                }
            });
            return ok.then_some(gain);
        }
        let demand: f64 = seg.iter().map(|&s| ctx.demand[s]).sum();
        let ok = seg.iter().all(|&s| st.can_take(ctx, rv, s, self.len))
            && st.load_ok(ctx, rv, b.load() + demand)
            && concat_ok(ctx, a, pu - 1, &[], a, last + 1)
            && concat_ok(ctx, b, q, seg, b, q + 1);
        ok.then_some(gain)
    }

    fn apply(&self, ctx: &Ctx, st: &mut State) {
        let Some((ru, pu, seg)) = self.segment(st) else {
            return;
        };
        let rv = self.to_route;
        if ru == rv {
            if let Some(seq) = self.intra_seq(st) {
                set_stops(ctx, st, ru, seq);
            }
            return;
        }
        st.routes[ru].stops.drain(pu - 1..pu - 1 + self.len);
        let at = self.after;
        st.routes[rv]
            .stops
            .splice(at..at, seg[..self.len].iter().copied());
        st.refresh(ctx, ru);
        st.refresh(ctx, rv);
    }
}
