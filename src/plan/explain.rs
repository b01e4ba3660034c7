//! Why a stop was left out: the most basic reason that holds.

use super::route::Ctx;
use super::solution::Reason;

/// The reason stop `s` is not in the plan.
pub(crate) fn reason(ctx: &Ctx, s: usize) -> Reason {
    let p = ctx.p;
    let stop = &p.stops[s];
    let skilled: Vec<usize> = (0..p.vehicles.len())
        .filter(|&v| p.vehicles[v].skills.covers(stop.skills))
        .collect();
    if skilled.is_empty() {
        return Reason::SkillMissing;
    }
    let reachable: Vec<usize> = skilled
        .into_iter()
        .filter(|&v| {
            let veh = &p.vehicles[v];
            ctx.t(veh.start_location, stop.location).is_finite()
                && ctx.t(stop.location, veh.end_location).is_finite()
        })
        .collect();
    if reachable.is_empty() {
        return Reason::Unreachable;
    }
    let alone_ok = reachable.iter().any(|&v| {
        let veh = &p.vehicles[v];
        veh.capacity.is_none_or(|c| stop.demand <= c)
            && veh.max_stops.is_none_or(|m| m >= 1)
            && ctx.seq_time_ok(v, &[s])
    });
    if alone_ok {
        Reason::NoTime
    } else {
        Reason::WindowUnreachable
    }
}
