//! The township's campaign (专项治理): the workspace's sites, rules, calendar and teams
//! as a [`Campaign`], and the plan back as dates, shifts and stops.
//!
//! Required visits: every active institution once in the window (a closed one only for
//! its 回头看); an open tip-off (有报必查) of the 举报 register by its deadline (within
//! `rules.campaign.tip_off_working_days` working days when already past, as for an
//! imported complaint count on a site the register does not know); a 整改 check on or before its due day; a 回头看 on or after its day
//! (at once when already due); every hotspot `rules.campaign.hotspot_night_checks` times
//! at night, the checks `night_check_gap_days` apart. Days worked come from the
//! calendar (working days, holidays, 调休) or the duty roster.
//!
//! Two functions say which visits fit where: [`shifts_on`] (a working day has the day
//! shift and the evening shift, a day off worked by the roster the weekend shift, each
//! with its window and break from the rules) and [`site_windows`] (a shift visits what
//! the rules say it visits: institutions inside that weekday's opening hours, hotspots
//! at any time of a shift that checks them).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    greedy_baseline, plan_campaign, would_fit, Campaign, CampaignError, CampaignOptions,
    CampaignPlan, Change, ClosedGates, LeftOut, Period, Site,
};
use crate::calendar::{Calendar, DutyRoster};
use crate::coverage::hotspots::HotspotScore;
use crate::model::pin::{Pin, PinRule};
use crate::model::{Depot, Institution, Wgs84Point};
use crate::plan::{Break, Matrix, TimeWindow, Vehicle};
use crate::routing::Router;
use crate::rules::Rules;
use crate::shift::build::institution_windows;
use crate::shift::Shift;
use crate::store::SitePriority;
use crate::units::{format_clock, Seconds};

/// Who works: `n` teams on every working day, or a duty roster.
#[derive(Debug, Clone, Copy)]
pub enum Teams<'a> {
    /// Teams `T1..Tn` on every working day of the calendar.
    Count(usize),
    /// The roster's teams on their duty days.
    Roster(&'a DutyRoster),
}

/// What the township campaign is planned from.
#[derive(Debug, Clone, Copy)]
pub struct TownshipInput<'a> {
    /// First day of the window.
    pub from: NaiveDate,
    /// Last day of the window (inclusive).
    pub to: NaiveDate,
    /// The township's institutions.
    pub institutions: &'a [Institution],
    /// Priority inputs of the institutions on `from`.
    pub priorities: &'a [SitePriority],
    /// The hotspots, scored on `from`.
    pub hotspots: &'a [HotspotScore],
    /// The depots teams start from (in turn).
    pub depots: &'a [Depot],
    /// The township's rules.
    pub rules: &'a Rules,
    /// Working days, holidays and 调休.
    pub calendar: &'a Calendar,
    /// The teams.
    pub teams: Teams<'a>,
    /// The lead's pins: an excluded site is not visited, a site pinned to a day is
    /// visited on that day only (team pins apply to each day's plan, not here).
    pub pins: &'a [Pin],
}

/// Why a township campaign cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum TownshipCampaignError {
    /// The window ends before it starts.
    #[error("the campaign ends ({to}) before it starts ({from})")]
    EmptyWindow {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// No team count, or zero teams.
    #[error("no teams: give at least one team")]
    NoTeams,
    /// The workspace has no depot.
    #[error("the workspace has no depot: import one (the township office teams start from)")]
    NoDepot,
    /// A depot is not near a street.
    #[error("depot `{0}` is not near a usable street")]
    DepotUnreachable(String),
    /// The planner failed.
    #[error(transparent)]
    Campaign(#[from] CampaignError),
}

/// One shift of a date: its name, window and break.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftSlot {
    /// Day or night.
    pub shift: Shift,
    /// When teams leave and must be back.
    pub window: TimeWindow,
    /// The break, if the shift has one.
    pub break_: Option<Break>,
}

/// The shifts worked on a date: a working day has the day shift (日查) and the evening
/// shift (晚查, when tutoring happens and hotspots are checked); a day off worked by the
/// roster has the weekend shift (周末查).
pub fn shifts_on(rules: &Rules, date: NaiveDate, calendar: &Calendar) -> Vec<ShiftSlot> {
    let shifts: &[Shift] = if calendar.is_working_day(date) {
        &[Shift::Day, Shift::Evening]
    } else {
        &[Shift::Weekend]
    };
    shifts.iter().map(|&shift| slot_of(rules, shift)).collect()
}

/// A shift's window and break from the rules.
fn slot_of(rules: &Rules, shift: Shift) -> ShiftSlot {
    let w = shift.rule(rules);
    ShiftSlot {
        shift,
        window: TimeWindow::new(w.start.0, w.end.0),
        break_: w.lunch.as_ref().map(|l| Break {
            start_window: TimeWindow::new(l.earliest.0, l.latest.0),
            duration_s: l.duration_s(),
        }),
    }
}

/// A site of the campaign, as the township knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteInfo {
    /// The site's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `institution` or `hotspot`.
    pub kind: &'static str,
    /// Longitude, latitude (WGS-84).
    pub lon_lat: [f64; 2],
}

/// When `site` may be visited in `slot` on `date`: `None` when not at all; service
/// must start inside the windows (empty: any time). A shift visits what the rules say
/// it visits; an institution only inside that weekday's opening hours.
pub fn site_windows(
    site: SiteRef<'_>,
    date: NaiveDate,
    slot: &ShiftSlot,
    service_s: Seconds,
    input: &TownshipInput<'_>,
) -> Option<Vec<TimeWindow>> {
    let visits = slot.shift.visits(input.rules);
    match site {
        SiteRef::Institution(inst) if visits.institutions() => {
            match institution_windows(inst, date, slot.window, service_s, input.calendar) {
                None => Some(Vec::new()),
                Some(w) => (!w.is_empty()).then_some(w),
            }
        }
        SiteRef::Hotspot(_) if visits.hotspots() => Some(Vec::new()),
        _ => None,
    }
}

/// A site handed to [`site_windows`].
#[derive(Debug, Clone, Copy)]
pub enum SiteRef<'a> {
    /// An institution.
    Institution(&'a Institution),
    /// A hotspot.
    Hotspot(&'a HotspotScore),
}

/// The township's campaign as the generic planner's problem.
#[derive(Debug, Clone)]
pub struct TownshipCampaign {
    /// The problem.
    pub campaign: Campaign,
    /// Per period: its date and shift.
    pub slots: Vec<(NaiveDate, Shift)>,
    /// Per campaign site: who it is.
    pub sites: Vec<SiteInfo>,
    /// Where each team's depot is, by team id.
    pub depots: Vec<(String, [f64; 2])>,
    /// Required sites that could not be placed on a street.
    pub unreachable: Vec<SiteInfo>,
    /// Changes to try for what is left out, smallest first.
    pub changes: Vec<Change>,
}

/// Travel between `points` on the streets with the gates closed; a point no night street
/// reaches is cut off (infinite travel) there.
fn closed_gates(router: &Router, points: &[Wgs84Point], max_snap_m: f64) -> ClosedGates {
    let mut local = vec![None; points.len()];
    let mut snaps = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if let Ok(snap) = router.snap(*p, max_snap_m) {
            local[i] = Some(snaps.len());
            snaps.push(snap);
        }
    }
    let m = router.matrix(&snaps, &snaps);
    let n = points.len();
    let cell =
        |i: usize, j: usize, f: &dyn Fn(usize, usize) -> Option<f64>| match (local[i], local[j]) {
            (Some(a), Some(b)) => f(a, b).unwrap_or(f64::INFINITY),
            _ if i == j => 0.0,
            _ => f64::INFINITY,
        };
    ClosedGates {
        durations_s: Matrix::from_fn(n, |i, j| cell(i, j, &|a, b| m.duration_s(a, b))),
        distances_m: Matrix::from_fn(n, |i, j| cell(i, j, &|a, b| m.distance_m(a, b))),
    }
}

fn team_names(input: &TownshipInput<'_>, date: NaiveDate) -> Vec<String> {
    match input.teams {
        Teams::Count(n) if input.calendar.is_working_day(date) => {
            (1..=n).map(|i| format!("T{i}")).collect()
        }
        Teams::Count(_) => Vec::new(),
        Teams::Roster(r) => r
            .teams_on_duty(date, input.calendar)
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

fn dates(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

/// What is already done when the rest of a campaign is planned: institutions whose
/// visit the window no longer needs, and night checks of each hotspot already made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Covered {
    /// Institutions visited in the window that need no further visit.
    pub institutions: std::collections::HashSet<String>,
    /// Per hotspot id, the night checks already made in the window.
    pub hotspot_checks: std::collections::HashMap<String, usize>,
}

/// The streets a campaign travels on: the open network and, when the compounds (小区)
/// lock their gates at night, the network with the gates closed for its night shifts.
#[derive(Clone, Copy)]
pub struct Streets<'a> {
    /// Every shift's streets, or every shift but the night's when `gates_closed` is set.
    pub open: &'a Router,
    /// Night shifts' streets, the compounds' gates closed.
    pub gates_closed: Option<&'a Router>,
}

impl<'a> From<&'a Router> for Streets<'a> {
    /// Every shift on the same streets.
    fn from(open: &'a Router) -> Self {
        Self {
            open,
            gates_closed: None,
        }
    }
}

/// Builds the campaign: periods, sites with their patterns, the street matrices.
pub fn build_campaign<'r>(
    input: &TownshipInput<'_>,
    streets: impl Into<Streets<'r>>,
) -> Result<TownshipCampaign, TownshipCampaignError> {
    build_rest(input, streets, &Covered::default())
}

/// Builds the campaign over `input`'s window without the visits `covered` already made:
/// covered institutions are not required, hotspots need only their remaining checks.
pub fn build_rest<'r>(
    input: &TownshipInput<'_>,
    streets: impl Into<Streets<'r>>,
    covered: &Covered,
) -> Result<TownshipCampaign, TownshipCampaignError> {
    let streets = streets.into();
    let router = streets.open;
    let (from, to) = (input.from, input.to);
    if to < from {
        return Err(TownshipCampaignError::EmptyWindow { from, to });
    }
    if matches!(input.teams, Teams::Count(0)) {
        return Err(TownshipCampaignError::NoTeams);
    }
    if input.depots.is_empty() {
        return Err(TownshipCampaignError::NoDepot);
    }
    let max_snap = input.rules.snapping.max_site_to_street_m;
    let mut snaps = Vec::new();
    // Where each location is, to place it again on the night streets.
    let mut points = Vec::new();
    for d in input.depots {
        let snap = router
            .snap(d.location, max_snap)
            .map_err(|_| TownshipCampaignError::DepotUnreachable(d.id.clone()))?;
        snaps.push(snap);
        points.push(d.location);
    }
    let days = dates(from, to);
    // Periods: every shift of every date some team works.
    let mut periods = Vec::new();
    let mut slots = Vec::new();
    let mut slot_specs = Vec::new();
    let mut depots_out = Vec::new();
    let team_depot = |i: usize| i % input.depots.len();
    for &date in &days {
        let names = team_names(input, date);
        if names.is_empty() {
            continue;
        }
        for slot in shifts_on(input.rules, date, input.calendar) {
            let vehicles = names
                .iter()
                .enumerate()
                .map(|(i, name)| vehicle(name, team_depot(i), &slot))
                .collect();
            for (i, name) in names.iter().enumerate() {
                let d = &input.depots[team_depot(i)];
                if !depots_out.iter().any(|(n, _)| n == name) {
                    depots_out.push((name.clone(), [d.location.lon(), d.location.lat()]));
                }
            }
            periods.push(Period {
                label: format!("{date} {}", slot.shift.name_zh()),
                vehicles,
                gates_closed: slot.shift.after_dark() && streets.gates_closed.is_some(),
            });
            slots.push((date, slot.shift));
            slot_specs.push(slot);
        }
    }
    let required = pinned(required_sites(input, &slots, covered), input.pins, &slots);
    let mut sites = Vec::new();
    let mut infos = Vec::new();
    let mut unreachable = Vec::new();
    for r in required {
        let point = Wgs84Point::new(r.info.lon_lat[0], r.info.lon_lat[1]);
        match router.snap(point, max_snap) {
            Ok(snap) => {
                let location = snaps.len();
                snaps.push(snap);
                points.push(point);
                let windows = slots
                    .iter()
                    .zip(&slot_specs)
                    .map(|((date, _), slot)| site_windows(r.site, *date, slot, r.service_s, input))
                    .collect();
                sites.push(Site {
                    id: r.info.id.clone(),
                    location,
                    service_s: r.service_s,
                    demand: 0.0,
                    windows,
                    patterns: r.patterns,
                });
                infos.push(r.info);
            }
            Err(_) => unreachable.push(r.info),
        }
    }
    let m = router.matrix(&snaps, &snaps);
    let n = snaps.len();
    let campaign = Campaign {
        durations_s: Matrix::from_fn(n, |i, j| m.duration_s(i, j).unwrap_or(f64::INFINITY)),
        distances_m: Matrix::from_fn(n, |i, j| m.distance_m(i, j).unwrap_or(f64::INFINITY)),
        closed_gates: streets
            .gates_closed
            .filter(|_| periods.iter().any(|p| p.gates_closed))
            .map(|night| closed_gates(night, &points, max_snap)),
        periods,
        sites,
    };
    let changes = changes(input, &campaign, &slots, &slot_specs, &days, &infos);
    Ok(TownshipCampaign {
        campaign,
        slots,
        sites: infos,
        depots: depots_out,
        unreachable,
        changes,
    })
}

fn vehicle(name: &str, depot: usize, slot: &ShiftSlot) -> Vehicle {
    let mut v = Vehicle::new(name, depot, slot.window);
    v.break_ = slot.break_;
    v
}

/// A required site before snapping.
struct Required<'a> {
    info: SiteInfo,
    site: SiteRef<'a>,
    service_s: Seconds,
    patterns: Vec<Vec<usize>>,
}

/// Every site the campaign must visit, with its allowed patterns over `slots`.
fn required_sites<'a>(
    input: &TownshipInput<'a>,
    slots: &[(NaiveDate, Shift)],
    covered: &Covered,
) -> Vec<Required<'a>> {
    let rules = input.rules;
    let mut out = Vec::new();
    // Institutions in any shift that visits them, inside their days; the windows keep
    // each to its opening hours.
    let days_of = |lo: NaiveDate, hi: NaiveDate| -> Vec<Vec<usize>> {
        slots
            .iter()
            .enumerate()
            .filter(|(_, (d, s))| s.visits(rules).institutions() && lo <= *d && *d <= hi)
            .map(|(p, _)| vec![p])
            .collect()
    };
    let urgent = input
        .calendar
        .add_working_days(input.from, rules.campaign.tip_off_working_days);
    for inst in input.institutions {
        if covered.institutions.contains(&inst.id) {
            continue;
        }
        let Some(p) = input.priorities.iter().find(|p| p.site_id == inst.id) else {
            continue;
        };
        let Some((lo, hi)) = institution_days(p, input.from, input.to, urgent, rules) else {
            continue;
        };
        out.push(Required {
            info: SiteInfo {
                id: inst.id.clone(),
                name: inst.name.clone(),
                kind: "institution",
                lon_lat: [inst.location.lon(), inst.location.lat()],
            },
            site: SiteRef::Institution(inst),
            service_s: rules.service_minutes.institution_s(),
            patterns: days_of(lo, hi),
        });
    }
    let nights: Vec<usize> = (0..slots.len())
        .filter(|&p| slots[p].1.visits(rules).hotspots())
        .collect();
    let checks = rules.campaign.hotspot_night_checks as usize;
    let window_days = (input.to - input.from).num_days() + 1;
    let gap = rules
        .campaign
        .night_check_gap_days
        .min(window_days / checks.max(1) as i64);
    let mut night_patterns: std::collections::HashMap<usize, Vec<Vec<usize>>> =
        std::collections::HashMap::new();
    for h in input.hotspots {
        let done = covered.hotspot_checks.get(&h.hotspot_id).copied();
        let left = checks.saturating_sub(done.unwrap_or(0));
        if left > 0 {
            let patterns = night_patterns.entry(left).or_insert_with(|| {
                spaced_combinations(&nights, left, |a, b| {
                    (slots[b].0 - slots[a].0).num_days() >= gap.max(1)
                })
            });
            out.push(Required {
                info: SiteInfo {
                    id: h.hotspot_id.clone(),
                    name: h.name.clone(),
                    kind: "hotspot",
                    lon_lat: h.location,
                },
                site: SiteRef::Hotspot(h),
                service_s: rules.service_minutes.hotspot_s(),
                patterns: patterns.clone(),
            });
        }
    }
    out
}

/// The sites as the lead's pins leave them: excluded ones dropped, a site pinned to a
/// day kept to the patterns on that day (none, when the day is outside the window or
/// the site cannot be visited then: it is then listed as unplanned, with why).
fn pinned<'a>(
    required: Vec<Required<'a>>,
    pins: &[Pin],
    slots: &[(NaiveDate, Shift)],
) -> Vec<Required<'a>> {
    let rule = |id: &str, wanted: fn(&PinRule) -> bool| {
        pins.iter()
            .find(|p| p.site_id == id && wanted(&p.rule))
            .map(|p| p.rule.clone())
    };
    required
        .into_iter()
        .filter(|r| rule(&r.info.id, |p| *p == PinRule::Exclude).is_none())
        .map(|mut r| {
            if let Some(PinRule::Day { date }) =
                rule(&r.info.id, |p| matches!(p, PinRule::Day { .. }))
            {
                r.patterns
                    .retain(|pattern| pattern.iter().all(|&p| slots[p].0 == date));
            }
            r
        })
        .collect()
}

/// The days an institution may be visited: `None` when it needs no visit (closed, no
/// 回头看 in the window).
fn institution_days(
    p: &SitePriority,
    from: NaiveDate,
    to: NaiveDate,
    urgent: NaiveDate,
    rules: &Rules,
) -> Option<(NaiveDate, NaiveDate)> {
    let (mut lo, mut hi) = (from, to);
    if p.closed && p.reinspection_due.is_none_or(|d| d > to) {
        return None;
    }
    let recent = p
        .days_since_inspection
        .is_some_and(|d| d <= rules.follow_ups.tip_off_handled_days);
    // A register tip-off by its own deadline (at once when past); an imported count,
    // which has none, within the rules' working days.
    if let Some(t) = p.tip_offs_due.first() {
        hi = hi.min(if t.due < from { urgent } else { t.due });
    } else if !p.tip_offs_registered && p.complaints > 0 && !recent {
        hi = hi.min(urgent);
    }
    if let Some(r) = p.rectification_due {
        hi = hi.min(if r < from { urgent } else { r });
    }
    if let Some(d) = p.reinspection_due {
        if d <= from {
            hi = hi.min(urgent);
        } else {
            lo = lo.max(d);
        }
    }
    if lo > hi {
        lo = from;
    }
    Some((lo, hi.max(lo)))
}

/// Every choice of `k` items of `items` (in order) where `apart(a, b)` holds for each
/// two consecutive.
fn spaced_combinations(
    items: &[usize],
    k: usize,
    apart: impl Fn(usize, usize) -> bool + Copy,
) -> Vec<Vec<usize>> {
    fn grow(
        items: &[usize],
        k: usize,
        start: usize,
        current: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
        apart: &dyn Fn(usize, usize) -> bool,
    ) {
        if current.len() == k {
            out.push(current.clone());
            return;
        }
        for i in start..items.len() {
            if current.last().is_none_or(|&last| apart(last, items[i])) {
                current.push(items[i]);
                grow(items, k, i + 1, current, out, apart);
                current.pop();
            }
        }
    }
    let mut out = Vec::new();
    if k > 0 {
        grow(items, k, 0, &mut Vec::new(), &mut out, &apart);
    }
    out
}

/// The changes tried for sites left out, smallest first: an hour longer on a worked
/// shift, one more team on a worked shift, an extra shift on a day nobody works.
fn changes(
    input: &TownshipInput<'_>,
    c: &Campaign,
    slots: &[(NaiveDate, Shift)],
    specs: &[ShiftSlot],
    days: &[NaiveDate],
    infos: &[SiteInfo],
) -> Vec<Change> {
    let service = |i: usize| c.sites[i].service_s;
    let windows_in = |date: NaiveDate, slot: &ShiftSlot| -> Vec<Option<Vec<TimeWindow>>> {
        (0..c.sites.len())
            .map(|i| {
                site_ref(input, &infos[i])
                    .and_then(|s| site_windows(s, date, slot, service(i), input))
            })
            .collect()
    };
    let mut out = Vec::new();
    for (p, (&(date, shift), spec)) in slots.iter().zip(specs).enumerate() {
        let mut longer = *spec;
        longer.window.end_s += 3600.0;
        out.push(Change {
            label: format!("{date} {}延长一小时", shift.name_zh()),
            period: Some(p),
            vehicles: c.periods[p]
                .vehicles
                .iter()
                .map(|v| Vehicle {
                    shift: longer.window,
                    ..v.clone()
                })
                .collect(),
            windows: windows_in(date, &longer),
        });
    }
    for (p, (&(date, shift), spec)) in slots.iter().zip(specs).enumerate() {
        let mut vehicles = c.periods[p].vehicles.clone();
        vehicles.push(vehicle("加派组", 0, spec));
        out.push(Change {
            label: format!("{date} {}再加一个组日", shift.name_zh()),
            period: Some(p),
            vehicles,
            windows: windows_in(date, spec),
        });
    }
    for &date in days.iter().filter(|d| !slots.iter().any(|(s, _)| s == *d)) {
        let spec = slot_of(input.rules, Shift::Weekend);
        out.push(Change {
            label: format!("{date} 加一个{}班（休息日）", spec.shift.name_zh()),
            period: None,
            vehicles: vec![vehicle("加班组", 0, &spec)],
            windows: windows_in(date, &spec),
        });
    }
    out
}

fn site_ref<'a>(input: &TownshipInput<'a>, info: &SiteInfo) -> Option<SiteRef<'a>> {
    match info.kind {
        "institution" => input
            .institutions
            .iter()
            .find(|i| i.id == info.id)
            .map(SiteRef::Institution),
        _ => input
            .hotspots
            .iter()
            .find(|h| h.hotspot_id == info.id)
            .map(SiteRef::Hotspot),
    }
}

/// One stop of the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StopOut {
    /// The site's id.
    pub site: String,
    /// Its name.
    pub name: String,
    /// Arrival, `HH:MM`.
    pub arrive: String,
    /// When the inspection starts, `HH:MM`.
    pub start: String,
    /// `[lon, lat]`.
    pub lon_lat: [f64; 2],
}

/// One team's route in a shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamOut {
    /// The team.
    pub team: String,
    /// Its stops in order.
    pub stops: Vec<StopOut>,
    /// Back at the depot, `HH:MM`.
    pub back: String,
}

/// One shift of one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DayOut {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The shift (`day`, `evening`, `night`, `weekend`).
    pub shift: Shift,
    /// The teams out.
    pub teams: Vec<TeamOut>,
}

/// A site left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnplannedOut {
    /// The site's id.
    pub site: String,
    /// Its name.
    pub name: String,
    /// Why, in Chinese.
    pub reason: String,
    /// `no_period`, `no_window`, `no_time` or `unreachable`.
    pub reason_code: String,
    /// The smallest change tried with which it fits; `null` when none does.
    pub would_fit_with: Option<String>,
}

/// The campaign plan as leads and the page read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CampaignOutput {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Per date and shift with work, the routes.
    pub days: Vec<DayOut>,
    /// What could not be planned.
    pub unplanned: Vec<UnplannedOut>,
    /// Team × shift with at least one stop.
    pub team_days: usize,
    /// Sites the campaign must visit.
    pub sites_required: usize,
    /// Sites fully planned.
    pub sites_planned: usize,
    /// Hours per team (shift start to return), over the campaign.
    pub team_hours: std::collections::BTreeMap<String, f64>,
    /// Travel over the campaign, minutes.
    pub travel_min: f64,
    /// The plain day-by-day greedy plan's team-days, when it was computed.
    pub greedy_team_days: Option<usize>,
    /// Planning time, seconds.
    pub seconds: f64,
    /// The saved campaign's id, when the plan was saved (not part of the saved body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<i64>,
}

/// Plans the campaign (and, when asked, the greedy baseline to compare with).
pub fn plan_township(
    tc: &TownshipCampaign,
    from: NaiveDate,
    to: NaiveDate,
    options: &CampaignOptions,
    compare_greedy: bool,
) -> Result<(CampaignPlan, CampaignOutput), TownshipCampaignError> {
    let started = std::time::Instant::now();
    let plan = plan_campaign(&tc.campaign, options)?;
    let fits = would_fit(&tc.campaign, &plan, &tc.changes);
    let greedy_team_days = if compare_greedy {
        Some(greedy_baseline(&tc.campaign, options)?.team_days())
    } else {
        None
    };
    let mut out = output(tc, &plan, &fits, from, to);
    out.greedy_team_days = greedy_team_days;
    out.seconds = started.elapsed().as_secs_f64();
    Ok((plan, out))
}

/// The plan as dates, shifts and stops.
pub fn output(
    tc: &TownshipCampaign,
    plan: &CampaignPlan,
    fits: &[Option<usize>],
    from: NaiveDate,
    to: NaiveDate,
) -> CampaignOutput {
    let days = plan
        .periods
        .iter()
        .map(|pp| {
            let (date, shift) = tc.slots[pp.period];
            DayOut {
                date: date.to_string(),
                shift,
                teams: pp
                    .solution
                    .routes
                    .iter()
                    .map(|r| TeamOut {
                        team: r.vehicle_id.clone(),
                        back: format_clock(r.return_s),
                        stops: r
                            .visits
                            .iter()
                            .map(|v| {
                                let info = &tc.sites[pp.stop_sites[v.stop]];
                                StopOut {
                                    site: info.id.clone(),
                                    name: info.name.clone(),
                                    arrive: format_clock(v.arrival_s),
                                    start: format_clock(v.start_s),
                                    lon_lat: info.lon_lat,
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let mut unplanned: Vec<UnplannedOut> = plan
        .unplanned
        .iter()
        .zip(fits)
        .map(|(u, fit)| UnplannedOut {
            site: tc.sites[u.site].id.clone(),
            name: tc.sites[u.site].name.clone(),
            reason: u.reason.describe_zh().to_string(),
            reason_code: match u.reason {
                LeftOut::NoPeriod => "no_period",
                LeftOut::NoWindow => "no_window",
                LeftOut::NoTime => "no_time",
            }
            .to_string(),
            would_fit_with: fit.map(|i| tc.changes[i].label.clone()),
        })
        .collect();
    unplanned.extend(tc.unreachable.iter().map(|info| UnplannedOut {
        site: info.id.clone(),
        name: info.name.clone(),
        reason: "不在可通行道路附近，无法规划路线".into(),
        reason_code: "unreachable".into(),
        would_fit_with: None,
    }));
    CampaignOutput {
        from: from.to_string(),
        to: to.to_string(),
        days,
        team_days: plan.team_days(),
        sites_required: tc.sites.len() + tc.unreachable.len(),
        sites_planned: plan.patterns.iter().filter(|p| p.is_some()).count(),
        team_hours: plan
            .team_hours()
            .into_iter()
            .map(|(k, v)| (k, (v / 360.0).round() / 10.0))
            .collect(),
        travel_min: (plan.travel_s() / 6.0).round() / 10.0,
        unplanned,
        greedy_team_days: None,
        seconds: 0.0,
        campaign_id: None,
    }
}

impl CampaignOutput {
    /// A short summary for the terminal, in Chinese.
    pub fn summary_text(&self) -> String {
        let mut s = format!(
            "专项检查 {} 至 {}：{} 个班次，{} 个组日，应查 {} 处，已排 {} 处（{:.0}%），路上 {:.0} 分钟，用时 {:.1} 秒\n",
            self.from,
            self.to,
            self.days.len(),
            self.team_days,
            self.sites_required,
            self.sites_planned,
            100.0 * self.sites_planned as f64 / self.sites_required.max(1) as f64,
            self.travel_min,
            self.seconds
        );
        if let Some(g) = self.greedy_team_days {
            s += &format!(
                "逐日贪心排班需 {g} 个组日（本方案少 {} 个）\n",
                g as i64 - self.team_days as i64
            );
        }
        s += "各组工时：";
        for (team, h) in &self.team_hours {
            s += &format!(" {team} {h:.1} 小时");
        }
        s += "\n";
        for d in &self.days {
            s += &format!("{} {}\n", d.date, d.shift.name_zh());
            for t in &d.teams {
                let stops: Vec<String> = t
                    .stops
                    .iter()
                    .map(|x| format!("{} {}", x.arrive, x.name))
                    .collect();
                s += &format!("  {}: {}（{} 返回）\n", t.team, stops.join(" → "), t.back);
            }
        }
        if !self.unplanned.is_empty() {
            s += &format!("未能安排 {} 处：\n", self.unplanned.len());
            for u in &self.unplanned {
                s += &format!(
                    "  {} {}：{}{}\n",
                    u.site,
                    u.name,
                    u.reason,
                    u.would_fit_with
                        .as_ref()
                        .map(|w| format!("；可行的调整：{w}"))
                        .unwrap_or_default()
                );
            }
        }
        s
    }

    /// The routes as GeoJSON: one Point per stop, one LineString per team and shift
    /// (straight lines between stops, in order).
    pub fn to_geojson(&self) -> serde_json::Value {
        let mut features = Vec::new();
        for d in &self.days {
            for t in &d.teams {
                let coords: Vec<[f64; 2]> = t.stops.iter().map(|s| s.lon_lat).collect();
                features.push(serde_json::json!({
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": coords},
                    "properties": {"date": d.date, "shift": d.shift, "team": t.team},
                }));
                for (i, s) in t.stops.iter().enumerate() {
                    features.push(serde_json::json!({
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": s.lon_lat},
                        "properties": {"date": d.date, "shift": d.shift, "team": t.team,
                            "order": i + 1, "site": s.site, "name": s.name, "arrive": s.arrive},
                    }));
                }
            }
        }
        serde_json::json!({"type": "FeatureCollection", "features": features})
    }
}

#[cfg(test)]
mod register_tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn priority() -> SitePriority {
        SitePriority {
            site_id: "a".into(),
            licence: crate::model::Licence::Licensed,
            complaints: 0,
            closed: false,
            last_inspected: Some(day(1)),
            last_result: None,
            days_since_inspection: Some(22),
            overdue: false,
            open_follow_ups: Vec::new(),
            rectification_due: None,
            reinspection_due: None,
            reinspection_due_now: false,
            tip_offs_registered: false,
            tip_offs_due: Vec::new(),
        }
    }

    #[test]
    fn a_register_tip_off_is_visited_by_its_own_deadline() {
        let rules = Rules::default();
        let (from, to, urgent) = (day(23), day(30), day(30));
        assert_eq!(
            institution_days(&priority(), from, to, urgent, &rules),
            Some((from, to))
        );
        let mut p = priority();
        p.tip_offs_registered = true;
        p.tip_offs_due = vec![crate::store::TipOffDue {
            id: 1,
            due: day(25),
        }];
        assert_eq!(
            institution_days(&p, from, to, urgent, &rules),
            Some((from, day(25)))
        );
        // Past its deadline already: as soon as the rules' urgent window allows.
        p.tip_offs_due[0].due = day(20);
        assert_eq!(
            institution_days(&p, from, to, day(27), &rules),
            Some((from, day(27)))
        );
        // An imported count on a site the register knows no longer narrows the days.
        let mut q = priority();
        q.complaints = 2;
        q.days_since_inspection = Some(90);
        assert_eq!(
            institution_days(&q, from, to, day(27), &rules),
            Some((from, day(27)))
        );
        q.tip_offs_registered = true;
        assert_eq!(
            institution_days(&q, from, to, day(27), &rules),
            Some((from, to))
        );
    }
}
