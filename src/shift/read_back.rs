//! The solver's answer read back for people: each team's visits with names, clock
//! times and reasons, the route on the streets, what was left out and why, and totals.

use chrono::NaiveDate;
use serde::Serialize;

use super::build::{format_range, Candidate, ShiftProblem, UnplannedSite};
use super::priority::{class_name, PriorityClass};
use super::Shift;
use crate::network::snap::Snap;
use crate::network::Profile;
use crate::plan::problem::TimeWindow;
use crate::plan::solution::Solution;
use crate::routing::Router;
use crate::units::{format_clock, ClockSeconds, Metres, Seconds};

/// One visit of a team's route, for people.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct PlannedVisit {
    /// Position in the team's route, from 1.
    pub seq: usize,
    /// The site visited (flattened into the visit in JSON).
    #[serde(flatten)]
    pub site: Candidate,
    /// Arrival, `HH:MM` local time.
    pub arrival: String,
    /// Start of the inspection, `HH:MM` (later than arrival when the site is not open yet).
    pub start: String,
    /// Departure, `HH:MM` local time.
    pub departure: String,
    /// Arrival, seconds since local midnight.
    pub arrival_s: ClockSeconds,
    /// Start of the inspection, seconds since local midnight.
    pub start_s: ClockSeconds,
    /// Departure, seconds since local midnight.
    pub departure_s: ClockSeconds,
    /// Time spent on site, seconds.
    pub service_s: Seconds,
    /// Street distance from the previous stop (or the depot), metres.
    pub leg_distance_m: Metres,
    /// Travel time from the previous stop (or the depot), seconds.
    pub leg_duration_s: Seconds,
}

/// One team's route.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct TeamRoute {
    /// The team's id.
    pub team: String,
    /// The team's colour on the map, the route sheet and the exports (`#rrggbb`).
    #[serde(default)]
    pub color: String,
    /// The officers on duty in the team (from a roster; empty when not named).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// The depot the team starts from and returns to.
    pub depot_id: String,
    /// The depot's name.
    pub depot_name: String,
    /// The depot's longitude, WGS-84 degrees.
    pub depot_lon: f64,
    /// The depot's latitude, WGS-84 degrees.
    pub depot_lat: f64,
    /// Leaving the depot, `HH:MM` local time.
    pub departure: String,
    /// Back at the depot, `HH:MM` local time.
    pub return_at: String,
    /// Leaving the depot, seconds since local midnight.
    pub departure_s: ClockSeconds,
    /// Back at the depot, seconds since local midnight.
    pub return_s: ClockSeconds,
    /// The lunch break, `HH:MM-HH:MM`, when the route spans it.
    pub break_: Option<String>,
    /// The visits, in route order.
    pub stops: Vec<PlannedVisit>,
    /// Street distance of the whole route, depot to depot, metres.
    pub distance_m: Metres,
    /// Time spent travelling (not waiting or inspecting), seconds.
    pub travel_s: Seconds,
    /// From departure to return.
    pub duration_s: Seconds,
    /// The route on the streets, `[lon, lat]` pairs (WGS-84).
    pub geometry: Vec<[f64; 2]>,
}

/// Totals of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct PlanSummary {
    /// Teams asked for (only those with stops have a route).
    #[serde(default)]
    pub teams: usize,
    /// Sites considered, reachable or not.
    pub candidates: usize,
    /// Sites given to a team.
    pub planned: usize,
    /// Sites that must be visited on this date (the mandatory class).
    pub mandatory: usize,
    /// Mandatory sites given to a team.
    pub mandatory_planned: usize,
    /// Planned sites per priority class name.
    pub planned_by_class: std::collections::BTreeMap<String, usize>,
    /// Sites left out (reachable or not).
    pub unassigned: usize,
    /// The solver's total prize (higher classes outweigh any number of lower ones).
    pub prize: f64,
    /// Street distance over all routes, metres.
    pub distance_m: Metres,
    /// Travel time over all routes, seconds.
    pub travel_s: Seconds,
    /// Local-search iterations the solver ran.
    pub iterations: u64,
    /// Wall-clock time of the solve, seconds.
    pub solve_s: f64,
}

/// A shift's plan: routes per team, what was left out and why.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ShiftPlan {
    /// The day planned (township date).
    pub date: NaiveDate,
    /// Day or night shift.
    pub shift: Shift,
    /// The travel profile (walk or drive) the times come from.
    pub profile: Profile,
    /// The solver's random seed: the same seed and data give the same plan.
    pub seed: u64,
    /// The shift's working window (seconds since midnight).
    pub window: TimeWindow,
    /// One route per team with stops.
    pub teams: Vec<TeamRoute>,
    /// Sites left out, with the reason, highest class first.
    pub unassigned: Vec<UnplannedSite>,
    /// Totals.
    pub summary: PlanSummary,
    /// A plan made while the shift was under way: what was done, and what moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_now: Option<super::replan::FromNow>,
}

/// Turns a solution into routes with names, clock times and street geometry.
pub fn read_back(
    shift: &ShiftProblem,
    solution: &Solution,
    router: &Router,
    seed: u64,
    solve_s: f64,
) -> ShiftPlan {
    let p = &shift.problem;
    let mut teams = Vec::new();
    for r in &solution.routes {
        let depot = &shift.team_depots[r.vehicle];
        let home = p.vehicles[r.vehicle].start_location;
        let mut path = vec![home];
        path.extend(r.visits.iter().map(|v| p.stops[v.stop].location));
        path.push(p.vehicles[r.vehicle].end_location);
        let stops = r
            .visits
            .iter()
            .enumerate()
            .map(|(i, v)| PlannedVisit {
                seq: i + 1,
                site: shift.candidates[v.stop].clone(),
                arrival: format_clock(v.arrival_s),
                start: format_clock(v.start_s),
                departure: format_clock(v.departure_s),
                arrival_s: v.arrival_s,
                start_s: v.start_s,
                departure_s: v.departure_s,
                service_s: p.stops[v.stop].service_s,
                leg_distance_m: v.leg_distance_m,
                leg_duration_s: v.leg_duration_s,
            })
            .collect();
        let members = shift
            .settings
            .teams
            .iter()
            .find(|t| t.id == r.vehicle_id)
            .map(|t| t.members.clone())
            .unwrap_or_default();
        teams.push(TeamRoute {
            team: r.vehicle_id.clone(),
            color: super::output::team_colour(teams.len()).to_string(),
            members,
            depot_id: depot.id.clone(),
            depot_name: depot.name.clone(),
            depot_lon: depot.location.lon(),
            depot_lat: depot.location.lat(),
            departure: format_clock(r.departure_s),
            return_at: format_clock(r.return_s),
            departure_s: r.departure_s,
            return_s: r.return_s,
            break_: r.break_.map(|b| format_range(b.start_s, b.end_s)),
            stops,
            distance_m: r.distance_m,
            travel_s: r.travel_s,
            duration_s: r.return_s - r.departure_s,
            geometry: street_line(router, &shift.snaps, &path),
        });
    }
    let mut unassigned: Vec<UnplannedSite> = solution
        .unassigned
        .iter()
        .map(|u| {
            let c = &shift.candidates[u.stop];
            UnplannedSite {
                site_id: c.site_id.clone(),
                name: c.name.clone(),
                kind: c.kind,
                class: c.class,
                mandatory: u.mandatory,
                reason: u.reason.into(),
                detail: u.reason.describe().to_string(),
            }
        })
        .chain(shift.unreachable.iter().cloned())
        .collect();
    unassigned.sort_by(|a, b| a.class.cmp(&b.class).then(a.site_id.cmp(&b.site_id)));
    let summary = summarise(shift, solution, &teams, &unassigned, solve_s);
    ShiftPlan {
        date: shift.settings.date,
        shift: shift.settings.shift,
        profile: router.network().profile,
        seed,
        window: shift.settings.window,
        teams,
        unassigned,
        summary,
        from_now: None,
    }
}

fn summarise(
    shift: &ShiftProblem,
    solution: &Solution,
    teams: &[TeamRoute],
    unassigned: &[UnplannedSite],
    solve_s: f64,
) -> PlanSummary {
    let mut planned_by_class = std::collections::BTreeMap::new();
    for v in teams.iter().flat_map(|t| &t.stops) {
        *planned_by_class
            .entry(class_name(v.site.class).to_string())
            .or_insert(0) += 1;
    }
    let mandatory = shift
        .candidates
        .iter()
        .filter(|c| c.class == PriorityClass::Mandatory)
        .count()
        + shift.unreachable.iter().filter(|u| u.mandatory).count();
    let planned = teams.iter().map(|t| t.stops.len()).sum();
    PlanSummary {
        teams: shift.problem.vehicles.len(),
        candidates: shift.candidates.len() + shift.unreachable.len(),
        planned,
        mandatory,
        mandatory_planned: mandatory - unassigned.iter().filter(|u| u.mandatory).count(),
        planned_by_class,
        unassigned: unassigned.len(),
        prize: solution.objective.prize,
        distance_m: solution.objective.distance_m,
        travel_s: solution.objective.travel_s,
        iterations: solution.iterations,
        solve_s,
    }
}

/// The street line through matrix locations `path`, leg by leg.
fn street_line(router: &Router, snaps: &[Snap], path: &[usize]) -> Vec<[f64; 2]> {
    let mut line: Vec<[f64; 2]> = Vec::new();
    for w in path.windows(2) {
        let Some(route) = router.route(&snaps[w[0]], &snaps[w[1]]) else {
            continue;
        };
        for c in route.geometry.0 .0 {
            let xy = [c.x, c.y];
            if line.last() != Some(&xy) {
                line.push(xy);
            }
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_plan_reads_back_unchanged() {
        let text = include_str!("../../tests/fixtures/plan-two-teams.json");
        let plan: ShiftPlan = serde_json::from_str(text).unwrap();
        let again: ShiftPlan =
            serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
        assert_eq!(plan, again);
        assert!(plan.teams.iter().all(|t| !t.stops.is_empty()));
    }
}
