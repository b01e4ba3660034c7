//! The shift as the solver's problem: candidate stops with their windows, service times
//! and prizes, one vehicle per team from its depot, and the travel matrices on the
//! street network. Sites that cannot be placed on a street are set aside with why.

use chrono::NaiveDate;
use serde::Serialize;

use super::pins::{PinnedOut, PinsOn};
use super::priority::{
    hotspot_worth, institution_class, institution_worth, prizes, PriorityClass, TipOffWindow,
};
use super::{Shift, ShiftInput, ShiftSettings, TownshipError};
use crate::calendar::Calendar;
use crate::model::{Depot, Institution, Wgs84Point};
use crate::network::snap::Snap;
use crate::plan::problem::{Matrix, Problem, Skills, Stop, TimeWindow, Vehicle};
use crate::plan::solution::Reason;
use crate::routing::Router;
use crate::store::SitePriority;
use crate::units::{format_clock, ClockSeconds};

/// The skill of a joint inspection (联合检查 with market supervision or fire staff).
const JOINT: Skills = Skills(1);

/// Institution or hotspot.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A tutoring institution.
    Institution,
    /// A hotspot (office building or residential compound).
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
    /// Opening hours on the plan's date as `HH:MM-HH:MM` spans (empty: unknown).
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
    /// Sites set aside before solving: not near a street, closed that day, or not open
    /// during the shift.
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
    /// `no_time`, `unreachable`, `window_unreachable`, `skill_missing`, `closed`,
    /// `outside_shift`, `excluded`, `pinned_to_other_day` or `pinned_team_off`.
    pub reason: UnplannedReason,
    /// The reason in words, for people.
    pub detail: String,
}

/// Why a site is not in the plan: the solver's reasons and the calendar's.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnplannedReason {
    /// No team has the skills the stop needs.
    SkillMissing,
    /// No team can get there and back, or the site is not near a street.
    Unreachable,
    /// No team can reach it inside its opening hours even with nothing else to do.
    WindowUnreachable,
    /// It would fit alone, but not together with the stops of higher priority.
    NoTime,
    /// Its opening hours say it is closed all day on the plan's date (weekday or holiday).
    Closed,
    /// It opens that day, but not inside this shift's window (another shift may visit it).
    OutsideShift,
    /// The lead excluded it (a pin).
    Excluded,
    /// The lead pinned it to another day.
    PinnedToOtherDay,
    /// The lead pinned it to a team that is not in this shift.
    PinnedTeamOff,
}

impl UnplannedReason {
    /// A short English explanation for summaries.
    pub fn describe(self) -> &'static str {
        match self {
            UnplannedReason::SkillMissing => Reason::SkillMissing.describe(),
            UnplannedReason::Unreachable => Reason::Unreachable.describe(),
            UnplannedReason::WindowUnreachable => Reason::WindowUnreachable.describe(),
            UnplannedReason::NoTime => Reason::NoTime.describe(),
            UnplannedReason::Closed => "closed on this date by its opening hours",
            UnplannedReason::OutsideShift => "not open during this shift: plan it on another",
            UnplannedReason::Excluded => "excluded by the lead's pin",
            UnplannedReason::PinnedToOtherDay => "pinned to another day by the lead",
            UnplannedReason::PinnedTeamOff => "pinned to a team that is not on this shift",
        }
    }
}

impl UnplannedReason {
    /// The explanation in Chinese, for a lead's summary.
    pub fn describe_zh(self) -> &'static str {
        match self {
            UnplannedReason::SkillMissing => "没有具备所需资质的小组",
            UnplannedReason::Unreachable => "街道上无法到达",
            UnplannedReason::WindowUnreachable => "营业时间内赶不到",
            UnplannedReason::NoTime => "本班次时间已排满",
            UnplannedReason::Closed => "按营业时间当天不营业",
            UnplannedReason::OutsideShift => "本班次时段不营业，请排到其他班次",
            UnplannedReason::Excluded => "负责人钉选为暂不安排",
            UnplannedReason::PinnedToOtherDay => "负责人钉选到其他日期",
            UnplannedReason::PinnedTeamOff => "钉选的小组不在本班次",
        }
    }
}

impl From<Reason> for UnplannedReason {
    fn from(r: Reason) -> Self {
        match r {
            Reason::SkillMissing => UnplannedReason::SkillMissing,
            Reason::Unreachable => UnplannedReason::Unreachable,
            Reason::WindowUnreachable => UnplannedReason::WindowUnreachable,
            Reason::NoTime => UnplannedReason::NoTime,
        }
    }
}

/// When service may start at `inst` on the shift's date: each span it opens that day
/// (by weekday and holiday), clipped to the shift's window, leaving room for the visit.
/// `None`: the hours are unknown (any time). Empty: it cannot be visited in this shift.
fn visit_windows(
    inst: &Institution,
    settings: &ShiftSettings,
    calendar: &Calendar,
) -> Option<Vec<TimeWindow>> {
    let service_s = settings.institution_service_s;
    institution_windows(inst, settings.date, settings.window, service_s, calendar)
}

/// When service may start at `inst` on `date` inside the shift `window`: each span it
/// opens that day (by weekday and holiday), clipped to the window, leaving `service_s`
/// for the visit. `None`: the hours are unknown (any time). Empty: not in this window.
/// The day planner and the campaign planner both ask here.
pub fn institution_windows(
    inst: &Institution,
    date: NaiveDate,
    shift: TimeWindow,
    service_s: crate::units::Seconds,
    calendar: &Calendar,
) -> Option<Vec<TimeWindow>> {
    let hours = inst.open_hours.as_ref()?;
    Some(
        hours
            .schedule()
            .spans_on(date, calendar)
            .iter()
            .map(|span| {
                let start = span.start.max(shift.start_s);
                let end = span.end.min(shift.end_s) - service_s;
                (start, end)
            })
            .filter(|&(start, end)| end >= start)
            .map(|(start, end)| TimeWindow::new(start, end))
            .collect(),
    )
}

/// Whether `inst` is open at some time inside `window` on `date` (unknown hours: yes).
fn opens_in(inst: &Institution, window: TimeWindow, date: NaiveDate, calendar: &Calendar) -> bool {
    inst.open_hours.as_ref().is_none_or(|h| {
        h.schedule()
            .spans_on(date, calendar)
            .iter()
            .any(|s| s.start < window.end_s && s.end > window.start_s)
    })
}

/// The day's open spans of `inst` as `HH:MM-HH:MM` (empty: unknown or closed).
fn open_hours_on(inst: &Institution, date: NaiveDate, calendar: &Calendar) -> Vec<String> {
    inst.open_hours
        .iter()
        .flat_map(|h| h.schedule().spans_on(date, calendar))
        .map(|r| format_range(r.start, r.end))
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

/// The institutions the shift may visit; those closed on the date or not open during the
/// shift are set aside with why (explained, never silently dropped).
fn institution_drafts(
    input: &ShiftInput<'_>,
    settings: &ShiftSettings,
) -> (Vec<Draft>, Vec<UnplannedSite>) {
    let by_id: std::collections::HashMap<&str, &SitePriority> = input
        .priorities
        .iter()
        .map(|p| (p.site_id.as_str(), p))
        .collect();
    let mut out = Vec::new();
    let mut set_aside = Vec::new();
    for inst in input.institutions {
        let Some(p) = by_id.get(inst.id.as_str()) else {
            continue;
        };
        // 关停: nothing to inspect until it reopens, but its 回头看 (has it reopened?).
        let look_back_due = p.reinspection_due.is_some_and(|d| d <= settings.date);
        if p.closed && !look_back_due {
            continue;
        }
        let tip_offs = TipOffWindow {
            days: settings.tip_off_handled_days,
            unit: settings.tip_off_days_unit,
        };
        let (class, why) = institution_class(p, &tip_offs, settings.date, input.calendar);
        let mandatory = class == PriorityClass::Mandatory;
        let windows = visit_windows(inst, settings, input.calendar);
        if let Some(reason) = not_open_in_shift(inst, windows.as_deref(), settings, input.calendar)
        {
            set_aside.push(UnplannedSite {
                site_id: inst.id.clone(),
                name: inst.name.clone(),
                kind: SiteKind::Institution,
                class,
                mandatory,
                reason,
                detail: reason.describe().to_string(),
            });
            continue;
        }
        let calendar = input.calendar;
        let only_here = settings.shift != Shift::Day
            && !opens_in(inst, settings.day_window, settings.date, calendar);
        let mut why = why;
        if only_here {
            why.push("今日白班时段不营业".into());
        }
        let mut stop = Stop::new(inst.id.clone(), 0, settings.institution_service_s);
        stop.windows = windows.unwrap_or_default();
        stop.mandatory = mandatory;
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
                open_hours: open_hours_on(inst, settings.date, input.calendar),
            },
            stop,
            worth: institution_worth(p.days_since_inspection, only_here),
        });
    }
    (out, set_aside)
}

/// Why an institution cannot be visited in this shift, if it cannot: closed all day, or
/// open only outside the shift's window (`windows` from [`visit_windows`]).
fn not_open_in_shift(
    inst: &Institution,
    windows: Option<&[TimeWindow]>,
    settings: &ShiftSettings,
    calendar: &Calendar,
) -> Option<UnplannedReason> {
    let windows = windows?;
    if !windows.is_empty() {
        return None;
    }
    let opens_that_day = inst
        .open_hours
        .as_ref()
        .is_some_and(|h| h.schedule().is_open_on(settings.date, calendar));
    Some(if opens_that_day {
        UnplannedReason::OutsideShift
    } else {
        UnplannedReason::Closed
    })
}

fn hotspot_drafts(input: &ShiftInput<'_>, settings: &ShiftSettings) -> Vec<Draft> {
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
                why.push("需夜查".into());
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

/// Where each team sets out when it is not at its depot: the location of its snapped
/// position, appended to `snaps`.
fn team_starts(
    settings: &ShiftSettings,
    router: &Router,
    snaps: &mut Vec<Snap>,
) -> Result<Vec<Option<usize>>, TownshipError> {
    let mut out = Vec::with_capacity(settings.teams.len());
    for team in &settings.teams {
        let Some(point) = team.start_at else {
            out.push(None);
            continue;
        };
        let snap = router.snap(point, settings.max_snap_m).map_err(|source| {
            TownshipError::StartUnreachable {
                team: team.id.clone(),
                source,
            }
        })?;
        out.push(Some(snaps.len()));
        snaps.push(snap);
    }
    Ok(out)
}

/// The lead's pins on the shift's date, with the assignments a re-plan keeps.
fn shift_pins(input: &ShiftInput<'_>, settings: &ShiftSettings) -> PinsOn {
    let mut pins = PinsOn::new(input.pins, settings.date);
    for (site, team) in &settings.kept_teams {
        pins.keep_with(site, team);
    }
    pins
}

/// The skill only team `i` of the shift has: a site kept to the team requires it. Bit 0
/// is [`JOINT`]; the check in [`team_depots`] keeps `i` below 63.
fn team_skill(i: usize) -> Skills {
    Skills(1 << (i + 1))
}

/// Applies the pins to the drafts: sites left out today are set aside with why, must-visit
/// sites become mandatory, and a site kept to a team requires that team's skill.
fn apply_pins(
    drafts: Vec<Draft>,
    pins: &PinsOn,
    settings: &ShiftSettings,
) -> Result<(Vec<Draft>, Vec<UnplannedSite>), TownshipError> {
    let mut kept = Vec::with_capacity(drafts.len());
    let mut set_aside = Vec::new();
    for mut d in drafts {
        let id = d.candidate.site_id.as_str();
        let team = pins.team(id);
        let team_index = team.map(|t| settings.teams.iter().position(|s| s.id == t));
        let reason = match (pins.left_out(id), team_index) {
            (Some(PinnedOut::Excluded), _) => Some(UnplannedReason::Excluded),
            (Some(PinnedOut::OtherDay(_)), _) => Some(UnplannedReason::PinnedToOtherDay),
            (None, Some(None)) => Some(UnplannedReason::PinnedTeamOff),
            (None, _) => None,
        };
        if let Some(reason) = reason {
            set_aside.push(pinned_out(d.candidate, d.stop.mandatory, reason, pins));
            continue;
        }
        if pins.must_visit(id) {
            d.stop.mandatory = true;
            d.candidate.class = PriorityClass::Mandatory;
            d.candidate.why.push("钉选：必查".into());
        }
        if let (Some(i), Some(team)) = (team_index.flatten(), team) {
            d.stop.skills = Skills(d.stop.skills.0 | team_skill(i).0);
            d.candidate.why.push(format!("保留给 {team} 队"));
        }
        kept.push(d);
    }
    Ok((kept, set_aside))
}

fn pinned_out(
    c: Candidate,
    mandatory: bool,
    reason: UnplannedReason,
    pins: &PinsOn,
) -> UnplannedSite {
    let detail = match (pins.left_out(&c.site_id), pins.team(&c.site_id)) {
        (Some(PinnedOut::OtherDay(day)), _) => format!("pinned to {day} by the lead"),
        (None, Some(team)) => format!("pinned to team {team}, which is not on this shift"),
        _ => reason.describe().to_string(),
    };
    UnplannedSite {
        site_id: c.site_id,
        name: c.name,
        kind: c.kind,
        class: c.class,
        mandatory,
        reason,
        detail,
    }
}

/// The depot of each team: its own choice, or the depots in turn.
fn team_depots(
    input: &ShiftInput<'_>,
    settings: &ShiftSettings,
) -> Result<Vec<Depot>, TownshipError> {
    if input.depots.is_empty() {
        return Err(TownshipError::NoDepot);
    }
    if settings.teams.len() >= 63 {
        return Err(TownshipError::TooManyTeams(settings.teams.len()));
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
    let team_starts = team_starts(settings, router, &mut snaps)?;
    let mut drafts = Vec::new();
    let mut unreachable = Vec::new();
    if settings.visits.institutions() {
        let (institutions, set_aside) = institution_drafts(input, settings);
        drafts.extend(institutions);
        unreachable.extend(set_aside);
    }
    if settings.visits.hotspots() {
        drafts.extend(hotspot_drafts(input, settings));
    }
    let (drafts, pinned_out) = apply_pins(drafts, &shift_pins(input, settings), settings)?;
    unreachable.extend(pinned_out);
    let mut kept = Vec::new();
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
                reason: UnplannedReason::Unreachable,
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
            stop.skills = Skills(stop.skills.0 | JOINT.0);
        }
        stops.push(stop);
        candidates.push(d.candidate);
    }
    let vehicles = settings
        .teams
        .iter()
        .zip(&depots)
        .enumerate()
        .map(|(i, (team, depot))| {
            let at = depot_location[&depot.id];
            let mut v = Vehicle::new(team.id.clone(), at, settings.window);
            v.start_location = team_starts[i].unwrap_or(at);
            v.break_ = settings.break_;
            v.max_stops = team.max_stops;
            v.skills = team_skill(i);
            if team.joint {
                v.skills = Skills(v.skills.0 | JOINT.0);
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
    use crate::shift::{Shift, TeamSpec};

    fn institution(hours: &str) -> Institution {
        let mut inst = crate::formats::township::load_sample()
            .unwrap()
            .institutions
            .remove(0);
        inst.open_hours = Some(crate::model::OpenHours::read(hours).unwrap());
        inst
    }

    fn settings(date: &str, shift: Shift) -> ShiftSettings {
        let date = date.parse().unwrap();
        ShiftSettings::new(date, shift, vec![TeamSpec::new("A")])
    }

    fn windows(hours: &str, date: &str, shift: Shift) -> Vec<TimeWindow> {
        let inst = institution(hours);
        visit_windows(&inst, &settings(date, shift), Calendar::china()).unwrap()
    }

    fn not_open(hours: &str, date: &str, shift: Shift) -> Option<UnplannedReason> {
        let inst = institution(hours);
        let s = settings(date, shift);
        let w = visit_windows(&inst, &s, Calendar::china());
        not_open_in_shift(&inst, w.as_deref(), &s, Calendar::china())
    }

    const H: f64 = 3600.0;

    #[test]
    fn windows_are_the_days_spans_clipped_to_the_shift_with_room_for_the_visit() {
        // Monday 2026-11-23; the day shift runs 08:30-17:30, a visit takes 20 minutes.
        let w = windows("08:00-08:10,16:00-19:00", "2026-11-23", Shift::Day);
        assert_eq!(w, vec![TimeWindow::new(16.0 * H, 17.5 * H - 1200.0)]);
        let evening = windows("17:30-21:00", "2026-11-23", Shift::Evening);
        assert_eq!(evening, vec![TimeWindow::new(17.5 * H, 21.0 * H - 1200.0)]);
    }

    #[test]
    fn the_weekday_decides_the_hours() {
        let hours = "周一至周五 16:00-21:00；周六、周日 08:00-20:00";
        let monday = windows(hours, "2026-11-23", Shift::Day);
        let saturday = windows(hours, "2026-11-28", Shift::Day);
        assert_eq!(monday, vec![TimeWindow::new(16.0 * H, 17.5 * H - 1200.0)]);
        assert_eq!(saturday, vec![TimeWindow::new(8.5 * H, 17.5 * H - 1200.0)]);
    }

    #[test]
    fn closed_days_follow_the_calendar() {
        // 1 October is National Day: a 工作日-only site is closed; 12 October 2024 is a
        // 调休 Saturday, a working day, so it opens.
        let hours = "工作日 09:00-17:00";
        assert_eq!(
            not_open(hours, "2024-10-01", Shift::Day),
            Some(UnplannedReason::Closed)
        );
        assert_eq!(not_open(hours, "2024-10-12", Shift::Day), None);
        assert_eq!(
            not_open("Mo-Fr 17:30-21:00", "2026-11-28", Shift::Evening),
            Some(UnplannedReason::Closed)
        );
    }

    #[test]
    fn evening_only_sites_are_outside_the_day_shift_and_inside_the_evening() {
        let hours = "17:30-21:00";
        assert_eq!(
            not_open(hours, "2026-11-23", Shift::Day),
            Some(UnplannedReason::OutsideShift)
        );
        assert_eq!(not_open(hours, "2026-11-23", Shift::Evening), None);
        assert_eq!(
            not_open("08:00-12:00", "2026-11-23", Shift::Evening),
            Some(UnplannedReason::OutsideShift)
        );
    }
}
