//! The shift as the solver's problem: candidate stops with their windows, service times
//! and prizes, one vehicle per team from its depot, and the travel matrices on the
//! street network. Sites that cannot be placed on a street are set aside with why.

use serde::Serialize;

use super::priority::{hotspot_worth, institution_class, institution_worth, prizes, PriorityClass};
use super::{Shift, ShiftInput, ShiftSettings, TownshipError};
use crate::model::{Depot, Institution, Wgs84Point};
use crate::network::snap::Snap;
use crate::plan::problem::{Matrix, Problem, Skills, Stop, TimeWindow, Vehicle};
use crate::plan::solution::Reason;
use crate::routing::Router;
use crate::store::SitePriority;
use crate::units::{format_clock, ClockSeconds, Seconds};

/// The skill of a joint inspection (联合检查 with market supervision or fire staff).
const JOINT: Skills = Skills(1);

/// Institution or hotspot.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A tutoring institution (day shift).
    Institution,
    /// A hotspot (night shift).
    Hotspot,
}

/// A site the shift may visit, with why it ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Candidate {
    /// The site's id.
    pub site_id: String,
    /// The site's name.
    pub name: String,
    /// Institution or hotspot.
    pub kind: SiteKind,
    /// Its priority class on the plan's date.
    pub class: PriorityClass,
    /// Short reasons, e.g. `complaints: 2`, `overdue: 200 days`.
    pub why: Vec<String>,
    /// The street address, if known.
    pub address: Option<String>,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Opening hours as `HH:MM-HH:MM` ranges (empty: unknown or any time).
    pub open_hours: Vec<String>,
}

/// The shift as a routing problem, with what each location is.
#[derive(Debug, Clone)]
pub struct ShiftProblem {
    /// The settings the problem was built from.
    pub settings: ShiftSettings,
    /// The routing problem handed to the solver.
    pub problem: Problem,
    /// `problem.stops[i]` is `candidates[i]`.
    pub candidates: Vec<Candidate>,
    /// The network position of every matrix location (depots first, then stops).
    pub snaps: Vec<Snap>,
    /// Depot per team (index into the depots given).
    pub team_depots: Vec<Depot>,
    /// Sites that could not be placed on the network.
    pub unreachable: Vec<UnplannedSite>,
}

/// A site left out of the plan, and why.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct UnplannedSite {
    /// The site's id.
    pub site_id: String,
    /// The site's name.
    pub name: String,
    /// Institution or hotspot.
    pub kind: SiteKind,
    /// Its priority class on the plan's date.
    pub class: PriorityClass,
    /// The site had to be visited on this date.
    pub mandatory: bool,
    /// `no_time`, `unreachable`, `window_unreachable` or `skill_missing`.
    pub reason: Reason,
    /// The reason in words, for people.
    pub detail: String,
}

/// Service must start where the site is open and end before it closes.
fn opening_windows(inst: &Institution, service_s: Seconds) -> Vec<TimeWindow> {
    inst.open_hours
        .iter()
        .flat_map(|h| h.ranges.iter())
        .filter(|r| r.end_s - service_s >= r.start_s)
        .map(|r| TimeWindow::new(r.start_s, r.end_s - service_s))
        .collect()
}

pub(super) fn format_range(start_s: ClockSeconds, end_s: ClockSeconds) -> String {
    format!("{}-{}", format_clock(start_s), format_clock(end_s))
}

/// A candidate stop before snapping.
struct Draft {
    candidate: Candidate,
    stop: Stop,
    /// Its worth inside its class (see [`prizes`]).
    worth: u32,
}

fn day_drafts(input: &ShiftInput<'_>, settings: &ShiftSettings) -> Vec<Draft> {
    let by_id: std::collections::HashMap<&str, &SitePriority> = input
        .priorities
        .iter()
        .map(|p| (p.site_id.as_str(), p))
        .collect();
    let mut out = Vec::new();
    for inst in input.institutions {
        let Some(p) = by_id.get(inst.id.as_str()) else {
            continue;
        };
        // 关停: nothing to inspect until it reopens, but its 回头看 (has it reopened?).
        let look_back_due = p.reinspection_due.is_some_and(|d| d <= settings.date);
        if p.closed && !look_back_due {
            continue;
        }
        let (class, why) = institution_class(p, settings.tip_off_handled_days);
        let mut stop = Stop::new(inst.id.clone(), 0, settings.institution_service_s);
        stop.windows = opening_windows(inst, settings.institution_service_s);
        stop.mandatory = class == PriorityClass::Mandatory;
        let open_hours = inst
            .open_hours
            .iter()
            .flat_map(|h| h.ranges.iter())
            .map(|r| format_range(r.start_s, r.end_s))
            .collect();
        out.push(Draft {
            candidate: Candidate {
                site_id: inst.id.clone(),
                name: inst.name.clone(),
                kind: SiteKind::Institution,
                class,
                why,
                address: inst.address.clone(),
                lon: inst.location.lon(),
                lat: inst.location.lat(),
                open_hours,
            },
            stop,
            worth: institution_worth(p.days_since_inspection),
        });
    }
    out
}

fn night_drafts(input: &ShiftInput<'_>, settings: &ShiftSettings) -> Vec<Draft> {
    input
        .hotspots
        .iter()
        .map(|h| {
            let class = if h.needs_night_check {
                PriorityClass::NightCheck
            } else {
                PriorityClass::Routine
            };
            let mut why = vec![format!("score {:.1}", h.score)];
            if h.needs_night_check {
                why.push("flagged for a night check".into());
            }
            Draft {
                candidate: Candidate {
                    site_id: h.hotspot_id.clone(),
                    name: h.name.clone(),
                    kind: SiteKind::Hotspot,
                    class,
                    why,
                    address: None,
                    lon: h.location[0],
                    lat: h.location[1],
                    open_hours: Vec::new(),
                },
                stop: Stop::new(h.hotspot_id.clone(), 0, settings.hotspot_service_s),
                worth: hotspot_worth(h.score),
            }
        })
        .collect()
}

/// The depot of each team: its own choice, or the depots in turn.
fn team_depots(
    input: &ShiftInput<'_>,
    settings: &ShiftSettings,
) -> Result<Vec<Depot>, TownshipError> {
    if input.depots.is_empty() {
        return Err(TownshipError::NoDepot);
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, team) in settings.teams.iter().enumerate() {
        if !seen.insert(team.id.as_str()) {
            return Err(TownshipError::DuplicateTeam(team.id.clone()));
        }
        let depot = match &team.depot_id {
            Some(id) => input.depots.iter().find(|d| &d.id == id).ok_or_else(|| {
                TownshipError::UnknownDepot {
                    team: team.id.clone(),
                    depot: id.clone(),
                }
            })?,
            None => &input.depots[i % input.depots.len()],
        };
        out.push(depot.clone());
    }
    Ok(out)
}

/// Builds the routing problem of one shift.
pub fn build_shift(
    input: &ShiftInput<'_>,
    settings: &ShiftSettings,
    router: &Router,
) -> Result<ShiftProblem, TownshipError> {
    if settings.teams.is_empty() {
        return Err(TownshipError::NoTeams);
    }
    let known = |id: &String| {
        input.institutions.iter().any(|i| &i.id == id)
            || input.hotspots.iter().any(|h| &h.hotspot_id == id)
    };
    if let Some(id) = settings.joint_sites.iter().find(|id| !known(id)) {
        return Err(TownshipError::UnknownJointSite(id.clone()));
    }
    let depots = team_depots(input, settings)?;
    let mut snaps = Vec::new();
    let mut depot_location = std::collections::HashMap::new();
    for d in &depots {
        if depot_location.contains_key(&d.id) {
            continue;
        }
        let snap = router
            .snap(d.location, settings.max_snap_m)
            .map_err(|source| TownshipError::DepotUnreachable {
                depot: d.id.clone(),
                source,
            })?;
        depot_location.insert(d.id.clone(), snaps.len());
        snaps.push(snap);
    }
    let drafts = match settings.shift {
        Shift::Day => day_drafts(input, settings),
        Shift::Night => night_drafts(input, settings),
    };
    let mut kept = Vec::new();
    let mut unreachable = Vec::new();
    for d in drafts {
        let point = Wgs84Point::new(d.candidate.lon, d.candidate.lat);
        match router.snap(point, settings.max_snap_m) {
            Ok(snap) => {
                snaps.push(snap);
                kept.push(d);
            }
            Err(e) => unreachable.push(UnplannedSite {
                site_id: d.candidate.site_id,
                name: d.candidate.name,
                kind: d.candidate.kind,
                mandatory: d.candidate.class == PriorityClass::Mandatory,
                class: d.candidate.class,
                reason: Reason::Unreachable,
                detail: e.to_string(),
            }),
        }
    }
    let prize = prizes(
        &kept
            .iter()
            .map(|d| (d.candidate.class, d.worth))
            .collect::<Vec<_>>(),
    );
    let first_stop = snaps.len() - kept.len();
    let mut stops = Vec::with_capacity(kept.len());
    let mut candidates = Vec::with_capacity(kept.len());
    for (i, (d, prize)) in kept.into_iter().zip(prize).enumerate() {
        let mut stop = d.stop;
        stop.location = first_stop + i;
        stop.prize = prize;
        if settings.joint_sites.contains(&d.candidate.site_id) {
            stop.skills = JOINT;
        }
        stops.push(stop);
        candidates.push(d.candidate);
    }
    let vehicles = settings
        .teams
        .iter()
        .zip(&depots)
        .map(|(team, depot)| {
            let at = depot_location[&depot.id];
            let mut v = Vehicle::new(team.id.clone(), at, settings.window);
            v.break_ = settings.break_;
            v.max_stops = team.max_stops;
            if team.joint {
                v.skills = JOINT;
            }
            v
        })
        .collect();
    let m = router.matrix(&snaps, &snaps);
    let n = snaps.len();
    let unreachable_inf = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
    let problem = Problem {
        durations_s: Matrix::from_fn(n, |i, j| unreachable_inf(m.duration_s(i, j))),
        distances_m: Matrix::from_fn(n, |i, j| unreachable_inf(m.distance_m(i, j))),
        stops,
        vehicles,
    };
    Ok(ShiftProblem {
        settings: settings.clone(),
        problem,
        candidates,
        snaps,
        team_depots: depots,
        unreachable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_leave_room_for_the_visit() {
        let mut inst = crate::formats::township::load_sample()
            .unwrap()
            .institutions
            .remove(0);
        inst.open_hours = crate::model::OpenHours::parse("08:00-08:10,16:00-19:00");
        let w = opening_windows(&inst, 1200.0);
        assert_eq!(
            w,
            vec![TimeWindow::new(16.0 * 3600.0, 18.0 * 3600.0 + 2400.0)]
        );
    }
}
