//! An independent check of a campaign plan: every site served exactly on the periods of
//! one of its allowed patterns (or listed as left out), only in periods where it may be
//! visited, each period's day problem faithful to the campaign, and each period's routes
//! valid by the day plan's own checker.

use super::{Campaign, CampaignPlan};

/// Tolerance for copied numbers.
const TOL: f64 = 1e-9;

/// Every rule the plan breaks, as sentences; empty when it is valid.
pub fn violations(c: &Campaign, plan: &CampaignPlan) -> Vec<String> {
    let mut out = Vec::new();
    let n = c.sites.len();
    let mut served: Vec<Vec<usize>> = vec![Vec::new(); n];
    for pp in &plan.periods {
        let Some(period) = c.periods.get(pp.period) else {
            out.push(format!(
                "a plan names period {} which does not exist",
                pp.period
            ));
            continue;
        };
        faithful(c, pp, &mut out);
        for v in plan::check_names(&pp.problem, &pp.solution) {
            out.push(format!("{}: {v}", period.label));
        }
        for r in &pp.solution.routes {
            for visit in &r.visits {
                if let Some(&s) = pp.stop_sites.get(visit.stop) {
                    served[s].push(pp.period);
                }
            }
        }
    }
    if plan.patterns.len() != n {
        out.push(format!("{} patterns for {n} sites", plan.patterns.len()));
        return out;
    }
    for (s, site) in c.sites.iter().enumerate() {
        let mut got = served[s].clone();
        got.sort_unstable();
        match plan.patterns[s] {
            Some(k) => {
                let Some(pattern) = site.patterns.get(k) else {
                    out.push(format!("site {}: pattern {k} does not exist", site.id));
                    continue;
                };
                let mut want = pattern.clone();
                want.sort_unstable();
                if got != want {
                    out.push(format!(
                        "site {}: visited in periods {got:?}, its pattern is {want:?}",
                        site.id
                    ));
                }
                for &p in &got {
                    if site.windows.get(p).is_none_or(Option::is_none) {
                        out.push(format!(
                            "site {}: visited in {} when it may not be",
                            site.id, c.periods[p].label
                        ));
                    }
                }
            }
            None => {
                if !got.is_empty() {
                    out.push(format!("site {}: left out but visited in {got:?}", site.id));
                }
                if !plan.unplanned.iter().any(|u| u.site == s) {
                    out.push(format!("site {}: left out without a reason", site.id));
                }
            }
        }
    }
    out
}

/// The period's day problem says what the campaign says: same teams and shifts, same
/// windows, service and demand, the same travel times between the same places.
fn faithful(c: &Campaign, pp: &super::PeriodPlan, out: &mut Vec<String>) {
    let period = &c.periods[pp.period];
    let label = &period.label;
    if pp.problem.stops.len() != pp.stop_sites.len() {
        out.push(format!("{label}: stops and their sites differ in number"));
        return;
    }
    if pp.problem.vehicles.len() != period.vehicles.len() {
        out.push(format!(
            "{label}: the day plan has other teams than the period"
        ));
        return;
    }
    let mut campaign_location = vec![None; pp.problem.durations_s.len()];
    for (v, w) in pp.problem.vehicles.iter().zip(&period.vehicles) {
        let same = v.id == w.id
            && v.shift == w.shift
            && v.break_ == w.break_
            && v.capacity == w.capacity
            && v.max_stops == w.max_stops;
        if !same {
            out.push(format!("{label}: team {} differs from the period's", w.id));
        }
        campaign_location[v.start_location] = Some(w.start_location);
        campaign_location[v.end_location] = Some(w.end_location);
    }
    for (stop, &s) in pp.problem.stops.iter().zip(&pp.stop_sites) {
        let Some(site) = c.sites.get(s) else {
            out.push(format!("{label}: stop {} names no site", stop.id));
            continue;
        };
        let windows = site.windows[pp.period].clone().unwrap_or_default();
        let same = stop.id == site.id
            && stop.windows == windows
            && (stop.service_s - site.service_s).abs() < TOL
            && (stop.demand - site.demand).abs() < TOL;
        if !same {
            out.push(format!("{label}: stop {} differs from its site", stop.id));
        }
        campaign_location[stop.location] = Some(site.location);
    }
    for (i, a) in campaign_location.iter().enumerate() {
        for (j, b) in campaign_location.iter().enumerate() {
            if let (Some(a), Some(b)) = (a, b) {
                let same = pp.problem.durations_s.get(i, j)
                    == c.durations_in(pp.period).get(*a, *b)
                    && pp.problem.distances_m.get(i, j) == c.distances_in(pp.period).get(*a, *b);
                if !same {
                    out.push(format!("{label}: travel from place {i} to {j} differs"));
                    return;
                }
            }
        }
    }
}

mod plan {
    pub use crate::plan::check::violations as check_names;
}
