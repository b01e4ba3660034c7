//! The planning problem for one shift of the township (日查 or 夜查), built from the
//! model, the store's priority inputs and the road network; and the plan read back as
//! routes on real streets.
//!
//! - Day shift (default 08:30–17:30, a one-hour lunch break starting 11:30–13:00):
//!   institutions, 20 min each, inside their opening hours.
//! - Night shift (default 19:00–22:00): hotspots (office buildings, residential
//!   compounds), 30 min sweep each.
//!
//! Priorities, highest first: mandatory (an open tip-off 举报, or a 回头看 /
//! rectification check due), unlicensed, overdue by licence class, the rest; at night,
//! hotspots flagged for a night check before the others. Prizes are integers weighted
//! so that one stop of a higher class outweighs every stop of the lower classes
//! together: the solver's "maximise the prize" is then exactly this order.

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use crate::coverage::hotspots::{hotspots_from_store, HotspotRule, HotspotScore};
use crate::formats::gpx::{write_gpx, GpxWaypoint};
use crate::model::{Depot, Institution, Licence, Wgs84Point};
use crate::network::snap::{Snap, SnapError};
use crate::network::Profile;
use crate::plan::problem::{Break, Matrix, Problem, Skills, Stop, TimeWindow, Vehicle};
use crate::plan::solution::{Reason, Solution};
use crate::plan::{solve_with_progress, Progress, SolveError, SolveOptions};
use crate::routing::Router;
use crate::store::{SitePriority, StoreError, Workspace};
use crate::units::{format_clock, ClockSeconds, Metres, Seconds};

/// Which shift: 日查 (institutions) or 夜查 (hotspots).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shift {
    Day,
    Night,
}

impl std::fmt::Display for Shift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Shift::Day => "day",
            Shift::Night => "night",
        })
    }
}

impl std::str::FromStr for Shift {
    type Err = TownshipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "日查" => Ok(Shift::Day),
            "night" | "夜查" => Ok(Shift::Night),
            other => Err(TownshipError::UnknownShift(other.to_string())),
        }
    }
}

/// One team of the shift.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSpec {
    pub id: String,
    /// The depot it starts and ends at; `None`: the depots in turn.
    pub depot_id: Option<String>,
    pub max_stops: Option<usize>,
    /// The team has market-supervision / fire staff for joint inspections (联合检查).
    pub joint: bool,
}

impl TeamSpec {
    /// A team with the default depot and no stop limit.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            depot_id: None,
            max_stops: None,
            joint: false,
        }
    }
}

/// What the lead chooses for a shift; [`ShiftSettings::new`] fills the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftSettings {
    pub date: NaiveDate,
    pub shift: Shift,
    pub teams: Vec<TeamSpec>,
    /// The shift's working window (seconds since midnight).
    pub window: TimeWindow,
    /// The lunch break (day shift only by default).
    pub break_: Option<Break>,
    pub institution_service_s: Seconds,
    pub hotspot_service_s: Seconds,
    /// Sites farther than this from a usable street are unreachable.
    pub max_snap_m: Metres,
    /// Sites that need a joint inspection: only a `joint` team may visit them.
    pub joint_sites: Vec<String>,
}

/// The skill of a joint inspection (联合检查 with market supervision or fire staff).
const JOINT: Skills = Skills(1);

/// Days after an inspection during which a site's tip-offs count as handled:
/// complaint counts carry no dates, so an inspection this recent is taken as the
/// response to them.
pub const TIP_OFF_HANDLED_DAYS: i64 = 30;

impl ShiftSettings {
    /// Defaults for `shift` on `date` with `teams` (ids): day 08:30–17:30 with a
    /// 60-minute lunch starting 11:30–13:00, night 19:00–22:00; 20 min per
    /// institution, 30 min per hotspot; sites within 500 m of a street.
    ///
    /// ```
    /// use gridpatrol::shift::{Shift, ShiftSettings, TeamSpec};
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    /// let s = ShiftSettings::new(day, Shift::Night, vec![TeamSpec::new("A")]);
    /// assert_eq!(s.window.start_s, 19.0 * 3600.0);
    /// assert!(s.break_.is_none());
    /// ```
    pub fn new(date: NaiveDate, shift: Shift, teams: Vec<TeamSpec>) -> Self {
        let h = |hours: f64| hours * 3600.0;
        let (window, break_) = match shift {
            Shift::Day => (
                TimeWindow::new(h(8.5), h(17.5)),
                Some(Break {
                    start_window: TimeWindow::new(h(11.5), h(13.0)),
                    duration_s: h(1.0),
                }),
            ),
            Shift::Night => (TimeWindow::new(h(19.0), h(22.0)), None),
        };
        Self {
            date,
            shift,
            teams,
            window,
            break_,
            institution_service_s: 20.0 * 60.0,
            hotspot_service_s: 30.0 * 60.0,
            max_snap_m: 500.0,
            joint_sites: Vec::new(),
        }
    }

    /// Teams `T1..Tn`.
    pub fn numbered_teams(n: usize) -> Vec<TeamSpec> {
        (1..=n).map(|i| TeamSpec::new(format!("T{i}"))).collect()
    }
}

/// What the shift is built from: model data and the store's priority inputs.
#[derive(Debug, Clone, Copy)]
pub struct ShiftInput<'a> {
    pub institutions: &'a [Institution],
    /// From [`crate::store::Workspace::priority_inputs`] for the plan's date.
    pub priorities: &'a [SitePriority],
    /// From [`crate::coverage::hotspots::hotspots_from_store`] for the plan's date.
    pub hotspots: &'a [HotspotScore],
    pub depots: &'a [Depot],
}

/// The workspace's data for one shift, owned: what [`ShiftInput`] borrows. The CLI, the
/// server and the benchmark all plan from this.
#[derive(Debug, Clone, Default)]
pub struct ShiftData {
    pub institutions: Vec<Institution>,
    pub priorities: Vec<SitePriority>,
    /// Scored only for the night shift (the day shift visits institutions).
    pub hotspots: Vec<HotspotScore>,
    pub depots: Vec<Depot>,
}

impl ShiftData {
    /// Reads the sites, their priorities on `date`, the depots and, for the night
    /// shift, the hotspot scores.
    pub fn from_store(ws: &Workspace, date: NaiveDate, shift: Shift) -> Result<Self, StoreError> {
        let hotspots = match shift {
            Shift::Night => hotspots_from_store(ws, date, &HotspotRule::default())?,
            Shift::Day => Vec::new(),
        };
        Ok(Self {
            institutions: ws.institutions()?,
            priorities: ws.priority_inputs(date)?,
            hotspots,
            depots: ws.depots()?,
        })
    }

    /// The borrowed view the planner takes.
    pub fn input(&self) -> ShiftInput<'_> {
        ShiftInput {
            institutions: &self.institutions,
            priorities: &self.priorities,
            hotspots: &self.hotspots,
            depots: &self.depots,
        }
    }
}

/// Why a shift cannot be set up.
#[derive(Debug, Error)]
pub enum TownshipError {
    #[error("unknown shift `{0}`: use day or night")]
    UnknownShift(String),
    #[error("no teams: give at least one team")]
    NoTeams,
    #[error("team ids must be unique: `{0}` appears twice")]
    DuplicateTeam(String),
    #[error("the workspace has no depot: import one (the township office teams start from)")]
    NoDepot,
    #[error("team `{team}`: no depot `{depot}` in the workspace")]
    UnknownDepot { team: String, depot: String },
    #[error("depot `{depot}` is not near a usable street: {source}")]
    DepotUnreachable {
        depot: String,
        #[source]
        source: SnapError,
    },
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// A stop's priority class, highest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    /// Tip-off (举报) not yet answered by an inspection, or a 回头看 / rectification
    /// check due: must be planned when at all feasible.
    Mandatory,
    Unlicensed,
    Overdue,
    /// A hotspot flagged for a night check.
    NightCheck,
    Routine,
}

/// Institution or hotspot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Institution,
    Hotspot,
}

/// A site the shift may visit, with why it ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Candidate {
    pub site_id: String,
    pub name: String,
    pub kind: SiteKind,
    pub class: PriorityClass,
    /// Short reasons, e.g. `complaints: 2`, `overdue: 200 days`.
    pub why: Vec<String>,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    /// Opening hours as `HH:MM-HH:MM` ranges (empty: unknown or any time).
    pub open_hours: Vec<String>,
}

/// The shift as a routing problem, with what each location is.
#[derive(Debug, Clone)]
pub struct ShiftProblem {
    pub settings: ShiftSettings,
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
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct UnplannedSite {
    pub site_id: String,
    pub name: String,
    pub kind: SiteKind,
    pub class: PriorityClass,
    pub mandatory: bool,
    /// `no_time`, `unreachable`, `window_unreachable` or `skill_missing`.
    pub reason: Reason,
    pub detail: String,
}

/// The class of an institution on the plan's date, with reasons.
fn institution_class(p: &SitePriority) -> (PriorityClass, Vec<String>) {
    let mut why = Vec::new();
    let recent = p
        .days_since_inspection
        .is_some_and(|d| d <= TIP_OFF_HANDLED_DAYS);
    if p.complaints > 0 && !recent {
        why.push(format!("tip-offs: {}", p.complaints));
    }
    if p.reinspection_due_now {
        why.push("回头看 / rectification check due".into());
    }
    if p.licence == Licence::Unlicensed {
        why.push("unlicensed".into());
    }
    if p.overdue {
        why.push(match p.days_since_inspection {
            Some(d) => format!("overdue: {d} days since the last inspection"),
            None => "overdue: never inspected".into(),
        });
    }
    let class = if (p.complaints > 0 && !recent) || p.reinspection_due_now {
        PriorityClass::Mandatory
    } else if p.licence == Licence::Unlicensed {
        PriorityClass::Unlicensed
    } else if p.overdue {
        PriorityClass::Overdue
    } else {
        PriorityClass::Routine
    };
    (class, why)
}

/// A tie-break inside a class, 0..=4: longer since the last visit ranks higher.
fn days_bucket(days: Option<i64>) -> u32 {
    match days {
        None => 4,
        Some(d) => (d.clamp(0, 365) / 92) as u32,
    }
}

/// Integer prizes such that one stop of a class outweighs all lower-class stops.
fn prizes(classes: &[(PriorityClass, u32)]) -> Vec<f64> {
    const SPAN: f64 = 14.0; // the largest `10 + bucket`
    let order = [
        PriorityClass::Routine,
        PriorityClass::NightCheck,
        PriorityClass::Overdue,
        PriorityClass::Unlicensed,
        PriorityClass::Mandatory,
    ];
    let mut base = [0.0f64; 5];
    let mut below = 0.0;
    for (k, class) in order.iter().enumerate() {
        base[k] = 1.0 + below;
        let n = classes.iter().filter(|(c, _)| c == class).count() as f64;
        below += n * SPAN * base[k];
    }
    classes
        .iter()
        .map(|(c, bucket)| {
            let k = order.iter().position(|o| o == c).unwrap_or(0);
            base[k] * (10.0 + f64::from(*bucket))
        })
        .collect()
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

fn format_range(start_s: ClockSeconds, end_s: ClockSeconds) -> String {
    format!("{}-{}", format_clock(start_s), format_clock(end_s))
}

/// A candidate stop before snapping.
struct Draft {
    candidate: Candidate,
    stop: Stop,
    bucket: u32,
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
        if p.closed {
            continue; // 关停: ordered closed, nothing to inspect until it reopens
        }
        let (class, why) = institution_class(p);
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
            bucket: days_bucket(p.days_since_inspection),
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
                bucket: (h.score.max(0.0) / 25.0).min(4.0) as u32,
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
            .map(|d| (d.candidate.class, d.bucket))
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

/// One visit of a team's route, for people.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlannedVisit {
    pub seq: usize,
    #[serde(flatten)]
    pub site: Candidate,
    pub arrival: String,
    pub start: String,
    pub departure: String,
    pub arrival_s: ClockSeconds,
    pub start_s: ClockSeconds,
    pub departure_s: ClockSeconds,
    pub service_s: Seconds,
    pub leg_distance_m: Metres,
    pub leg_duration_s: Seconds,
}

/// One team's route.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TeamRoute {
    pub team: String,
    pub depot_id: String,
    pub depot_name: String,
    pub depot_lon: f64,
    pub depot_lat: f64,
    pub departure: String,
    pub return_at: String,
    pub departure_s: ClockSeconds,
    pub return_s: ClockSeconds,
    /// The lunch break, `HH:MM-HH:MM`, when the route spans it.
    pub break_: Option<String>,
    pub stops: Vec<PlannedVisit>,
    pub distance_m: Metres,
    pub travel_s: Seconds,
    /// From departure to return.
    pub duration_s: Seconds,
    /// The route on the streets, `[lon, lat]` pairs (WGS-84).
    pub geometry: Vec<[f64; 2]>,
}

/// Totals of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlanSummary {
    /// Teams asked for (only those with stops have a route).
    #[serde(default)]
    pub teams: usize,
    pub candidates: usize,
    pub planned: usize,
    pub mandatory: usize,
    pub mandatory_planned: usize,
    pub planned_by_class: std::collections::BTreeMap<String, usize>,
    pub unassigned: usize,
    pub prize: f64,
    pub distance_m: Metres,
    pub travel_s: Seconds,
    pub iterations: u64,
    pub solve_s: f64,
}

/// A shift's plan: routes per team, what was left out and why.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ShiftPlan {
    pub date: NaiveDate,
    pub shift: Shift,
    pub profile: Profile,
    pub seed: u64,
    /// The shift's working window (seconds since midnight).
    pub window: TimeWindow,
    pub teams: Vec<TeamRoute>,
    pub unassigned: Vec<UnplannedSite>,
    pub summary: PlanSummary,
}

/// Builds, solves and reads back one shift.
pub fn plan_shift(
    input: &ShiftInput<'_>,
    settings: &ShiftSettings,
    router: &Router,
    options: &SolveOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ShiftPlan, TownshipError> {
    let shift = build_shift(input, settings, router)?;
    let started = std::time::Instant::now();
    let solution = solve_with_progress(&shift.problem, options, progress)?;
    let solve_s = started.elapsed().as_secs_f64();
    Ok(read_back(&shift, &solution, router, options.seed, solve_s))
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
        teams.push(TeamRoute {
            team: r.vehicle_id.clone(),
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
                reason: u.reason,
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

/// The class's name as serialised (`mandatory`, `unlicensed`, ...).
pub fn class_name(c: PriorityClass) -> &'static str {
    match c {
        PriorityClass::Mandatory => "mandatory",
        PriorityClass::Unlicensed => "unlicensed",
        PriorityClass::Overdue => "overdue",
        PriorityClass::NightCheck => "night_check",
        PriorityClass::Routine => "routine",
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

impl ShiftPlan {
    /// The plan as a GeoJSON FeatureCollection (RFC 7946, WGS-84): one LineString per
    /// team and one Point per stop, with the times and reasons as properties.
    pub fn to_geojson(&self) -> serde_json::Value {
        use serde_json::json;
        let mut features = Vec::new();
        for t in &self.teams {
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": t.geometry},
                "properties": {
                    "layer": "route", "team": t.team, "depot": t.depot_id,
                    "departure": t.departure, "return": t.return_at,
                    "stops": t.stops.len(), "distance_m": t.distance_m.round(),
                    "travel_s": t.travel_s.round(), "duration_s": t.duration_s.round(),
                },
            }));
            for v in &t.stops {
                features.push(json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [v.site.lon, v.site.lat]},
                    "properties": {
                        "layer": "stop", "team": t.team, "seq": v.seq,
                        "id": v.site.site_id, "name": v.site.name, "kind": v.site.kind,
                        "priority": v.site.class, "why": v.site.why.join("; "),
                        "arrival": v.arrival, "start": v.start, "departure": v.departure,
                    },
                }));
            }
        }
        json!({"type": "FeatureCollection", "features": features})
    }

    /// A readable summary for the terminal.
    pub fn summary_text(&self) -> String {
        use std::fmt::Write;
        let s = &self.summary;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} shift, {} profile: {} of {} sites planned for {} team(s) ({} with stops); mandatory {}/{}; {:.1} km, {} travelling",
            self.date,
            self.shift,
            self.profile,
            s.planned,
            s.candidates,
            s.teams,
            self.teams.len(),
            s.mandatory_planned,
            s.mandatory,
            s.distance_m / 1000.0,
            format_duration(s.travel_s),
        );
        for t in &self.teams {
            let _ = writeln!(
                out,
                "\nteam {} from {} {}-{} ({} stops, {:.1} km{})",
                t.team,
                t.depot_name,
                t.departure,
                t.return_at,
                t.stops.len(),
                t.distance_m / 1000.0,
                t.break_
                    .as_ref()
                    .map(|b| format!(", break {b}"))
                    .unwrap_or_default(),
            );
            for v in &t.stops {
                let _ = writeln!(
                    out,
                    "  {:>2}. {}-{} {:<10} {:<12} {} (+{:.0} m)",
                    v.seq,
                    v.start,
                    v.departure,
                    v.site.site_id,
                    class_name(v.site.class),
                    v.site.name,
                    v.leg_distance_m
                );
            }
        }
        if !self.unassigned.is_empty() {
            let _ = writeln!(out, "\nnot planned ({}):", self.unassigned.len());
            for u in &self.unassigned {
                let _ = writeln!(
                    out,
                    "  {:<10} {:<12} {}: {}",
                    u.site_id,
                    class_name(u.class),
                    u.name,
                    u.detail
                );
            }
        }
        out
    }
}

impl TeamRoute {
    /// The route as GPX for a field device: stops as waypoints, streets as the track.
    pub fn to_gpx(&self, date: NaiveDate, shift: Shift) -> String {
        let stops: Vec<GpxWaypoint> = self
            .stops
            .iter()
            .map(|v| GpxWaypoint {
                lon: v.site.lon,
                lat: v.site.lat,
                name: format!("{}. {}", v.seq, v.site.name),
                description: format!("{} {} {}", v.start, v.site.site_id, v.site.why.join("; ")),
            })
            .collect();
        let line: Vec<(f64, f64)> = self.geometry.iter().map(|p| (p[0], p[1])).collect();
        write_gpx(&format!("{} {date} {shift}", self.team), &line, &stops)
    }
}

fn format_duration(s: Seconds) -> String {
    let minutes = (s / 60.0).round() as i64;
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priority(id: &str, licence: Licence, complaints: u32, days: Option<i64>) -> SitePriority {
        SitePriority {
            site_id: id.into(),
            licence,
            complaints,
            closed: false,
            last_inspected: None,
            last_result: None,
            days_since_inspection: days,
            overdue: days.is_none_or(|d| d > crate::coverage::overdue_after_days(licence)),
            open_follow_ups: Vec::new(),
            rectification_due: None,
            reinspection_due: None,
            reinspection_due_now: false,
        }
    }

    #[test]
    fn classes_follow_the_campaign_order() {
        let class = |p: &SitePriority| institution_class(p).0;
        assert_eq!(
            class(&priority("a", Licence::Licensed, 2, Some(90))),
            PriorityClass::Mandatory
        );
        // A tip-off answered by a recent inspection is no longer mandatory.
        assert_eq!(
            class(&priority("b", Licence::Licensed, 2, Some(3))),
            PriorityClass::Routine
        );
        assert_eq!(
            class(&priority("c", Licence::Unlicensed, 0, Some(3))),
            PriorityClass::Unlicensed
        );
        assert_eq!(
            class(&priority("d", Licence::Licensed, 0, Some(400))),
            PriorityClass::Overdue
        );
        assert_eq!(
            class(&priority("e", Licence::Licensed, 0, Some(10))),
            PriorityClass::Routine
        );
        let mut due = priority("f", Licence::Licensed, 0, Some(10));
        due.reinspection_due_now = true;
        assert_eq!(class(&due), PriorityClass::Mandatory);
    }

    #[test]
    fn one_higher_class_stop_outweighs_all_lower_ones() {
        let mut classes = vec![(PriorityClass::Routine, 4); 50];
        classes.extend(vec![(PriorityClass::Overdue, 4); 30]);
        classes.push((PriorityClass::Overdue, 0));
        classes.extend(vec![(PriorityClass::Unlicensed, 0); 5]);
        let p = prizes(&classes);
        let sum = |c: PriorityClass| -> f64 {
            classes
                .iter()
                .zip(&p)
                .filter(|((k, _), _)| *k == c)
                .map(|(_, x)| x)
                .sum()
        };
        let least = |c: PriorityClass| -> f64 {
            classes
                .iter()
                .zip(&p)
                .filter(|((k, _), _)| *k == c)
                .map(|(_, x)| *x)
                .fold(f64::INFINITY, f64::min)
        };
        assert!(least(PriorityClass::Overdue) > sum(PriorityClass::Routine));
        assert!(
            least(PriorityClass::Unlicensed)
                > sum(PriorityClass::Routine) + sum(PriorityClass::Overdue)
        );
        assert!(
            p.iter().all(|x| x.fract() == 0.0),
            "integers add up exactly"
        );
    }

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

    #[test]
    fn a_stored_plan_reads_back_unchanged() {
        let text = include_str!("../../tests/fixtures/plan-two-teams.json");
        let plan: ShiftPlan = serde_json::from_str(text).unwrap();
        let again: ShiftPlan =
            serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
        assert_eq!(plan, again);
        assert!(plan.teams.iter().all(|t| !t.stops.is_empty()));
    }

    #[test]
    fn shift_names_parse_in_both_languages() {
        assert_eq!("夜查".parse::<Shift>().unwrap(), Shift::Night);
        assert_eq!("Day".parse::<Shift>().unwrap(), Shift::Day);
        assert!("noon".parse::<Shift>().is_err());
    }

    #[test]
    fn shift_data_reads_the_workspace_and_scores_hotspots_only_at_night() {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let day = ShiftData::from_store(&ws, date, Shift::Day).unwrap();
        let night = ShiftData::from_store(&ws, date, Shift::Night).unwrap();
        assert_eq!(day.institutions.len(), sample.institutions.len());
        assert_eq!(day.priorities.len(), sample.institutions.len());
        assert_eq!(day.depots.len(), sample.depots.len());
        assert!(day.hotspots.is_empty());
        assert_eq!(night.hotspots.len(), sample.hotspots.len());
        assert_eq!(night.input().institutions.len(), day.institutions.len());
    }
}
