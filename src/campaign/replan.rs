//! Following a saved campaign: its progress from the workspace's records, and "re-plan
//! the rest" (重排剩余) — the days up to today stay exactly as saved, every site already
//! visited in the window counts as covered unless a follow-up (整改 check, 回头看) still
//! asks for a visit, and the days from tomorrow to the campaign's end are planned again
//! by the same planner.

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::check::violations;
use super::progress::{plan_date, progress, CampaignProgress, ProgressError};
use super::township::{
    build_rest, plan_township, CampaignOutput, Covered, DayOut, Streets, Teams, TownshipCampaign,
    TownshipCampaignError, TownshipInput,
};
use super::{CampaignOptions, CampaignPlan};
use crate::shift::{Shift, ShiftData};
use crate::store::{SitePriority, StoreError, Workspace};
use crate::units::parse_clock;

/// A period of the campaign: its date and shift.
type Period = (NaiveDate, Shift);

/// Why a saved campaign cannot be followed or re-planned.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// The workspace failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No campaign with that id.
    #[error("no saved campaign {0}")]
    NoSuchCampaign(i64),
    /// None saved at all.
    #[error("no campaign is saved yet: plan one with `campaign plan --save`")]
    NoneSaved,
    /// The stored body is not a campaign plan.
    #[error("saved campaign {id} is damaged: {problem}")]
    BadBody {
        /// The campaign's id.
        id: i64,
        /// What does not parse.
        problem: String,
    },
    /// A date in the plan does not parse.
    #[error(transparent)]
    Progress(#[from] ProgressError),
    /// Nothing is left to re-plan.
    #[error("campaign {id} ended on {to}: nothing is left to re-plan after {today}")]
    Ended {
        /// The campaign's id.
        id: i64,
        /// Its last day.
        to: NaiveDate,
        /// The day given as today.
        today: NaiveDate,
    },
    /// The rest cannot be set up or planned.
    #[error(transparent)]
    Township(#[from] TownshipCampaignError),
    /// The re-planned days fail the independent check (a bug; nothing is saved).
    #[error("the re-planned days fail the campaign check: {0}")]
    Check(String),
}

/// A saved campaign read back.
#[derive(Debug, Clone)]
pub struct SavedCampaign {
    /// Its id.
    pub id: i64,
    /// The plan.
    pub plan: CampaignOutput,
}

/// Reads campaign `id` (default: the one saved last).
pub fn load_saved(ws: &Workspace, id: Option<i64>) -> Result<SavedCampaign, FollowError> {
    let stored = match id {
        Some(id) => ws
            .campaign_get(id)?
            .ok_or(FollowError::NoSuchCampaign(id))?,
        None => ws.campaign_latest()?.ok_or(FollowError::NoneSaved)?,
    };
    let plan = serde_json::from_str(&stored.body).map_err(|e| FollowError::BadBody {
        id: stored.id,
        problem: e.to_string(),
    })?;
    Ok(SavedCampaign {
        id: stored.id,
        plan,
    })
}

/// A visit recorded: the site's (or hotspot's) id and the township date.
pub type Visit = (String, NaiveDate);

/// Visits recorded from `from` to `to` (both included), as (site id, township date):
/// institutions' inspections, then hotspots' night checks.
pub fn recorded_visits(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<Visit>, Vec<Visit>), StoreError> {
    let start = from.and_hms_opt(0, 0, 0);
    let end = to
        .checked_add_days(Days::new(1))
        .and_then(|d| d.and_hms_opt(0, 0, 0));
    let inspections = ws
        .inspections(start, end)?
        .into_iter()
        .map(|i| (i.site_id, i.at.date()))
        .collect();
    let checks = ws
        .night_checks(start, end)?
        .into_iter()
        .map(|c| (c.hotspot_id, c.at.date()))
        .collect();
    Ok((inspections, checks))
}

/// The saved campaign `id` (default: the latest)'s progress on `today`.
pub fn progress_of(
    ws: &Workspace,
    id: Option<i64>,
    today: NaiveDate,
) -> Result<CampaignProgress, FollowError> {
    let saved = load_saved(ws, id)?;
    let from = plan_date(&saved.plan.from, "from")?;
    let to = plan_date(&saved.plan.to, "to")?;
    let (mut visited, checks) = recorded_visits(ws, from, to.min(today))?;
    visited.extend(checks);
    let mut p = progress(&saved.plan, &visited, &ws.place_cells()?, today)?;
    p.campaign_id = Some(saved.id);
    Ok(p)
}

/// What is covered on `today`: every institution visited in the window so far unless
/// a follow-up still gives it a due day (its priority read for the rest), and each
/// hotspot's night checks so far.
pub fn covered_by(
    inspections: &[(String, NaiveDate)],
    night_checks: &[(String, NaiveDate)],
    priorities: &[SitePriority],
) -> Covered {
    let follow_up_due: BTreeSet<&str> = priorities
        .iter()
        .filter(|p| p.rectification_due.is_some() || p.reinspection_due.is_some())
        .map(|p| p.site_id.as_str())
        .collect();
    let mut covered = Covered::default();
    for (site, _) in inspections {
        if !follow_up_due.contains(site.as_str()) {
            covered.institutions.insert(site.clone());
        }
    }
    for (hotspot, _) in night_checks {
        *covered.hotspot_checks.entry(hotspot.clone()).or_default() += 1;
    }
    covered
}

/// Everything the rest of a campaign is planned from, read from the workspace.
#[derive(Debug, Clone)]
pub struct RestInput {
    /// The campaign re-planned.
    pub old: SavedCampaign,
    /// The last day kept as saved.
    pub today: NaiveDate,
    /// The first day planned again.
    pub rest_from: NaiveDate,
    /// The campaign's last day.
    pub to: NaiveDate,
    /// Institutions, priorities on `rest_from`, depots, rules.
    pub day: ShiftData,
    /// Hotspots scored on `rest_from`.
    pub night: ShiftData,
    /// What is already done.
    pub covered: Covered,
}

/// Reads what re-planning campaign `id` (default: the latest) after `today` needs.
pub fn rest_input(
    ws: &Workspace,
    id: Option<i64>,
    today: NaiveDate,
) -> Result<RestInput, FollowError> {
    let old = load_saved(ws, id)?;
    let from = plan_date(&old.plan.from, "from")?;
    let to = plan_date(&old.plan.to, "to")?;
    let rest_from = today.succ_opt().unwrap_or(today).max(from);
    if rest_from > to || today >= to {
        return Err(FollowError::Ended {
            id: old.id,
            to,
            today,
        });
    }
    let day = ShiftData::from_store(ws, rest_from, Shift::Day)?;
    let night = ShiftData::from_store(ws, rest_from, Shift::Night)?;
    let (inspections, checks) = if today < from {
        (Vec::new(), Vec::new())
    } else {
        recorded_visits(ws, from, today)?
    };
    let covered = covered_by(&inspections, &checks, &day.priorities);
    Ok(RestInput {
        old,
        today,
        rest_from,
        to,
        day,
        night,
        covered,
    })
}

/// How the re-planned days differ from the saved plan's days after today, counted in
/// visits (a site planned twice counts twice).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VisitChanges {
    /// Visits on the same date, shift and team as before.
    pub kept: usize,
    /// Visits moved to another date, shift or team.
    pub moved: usize,
    /// Visits no longer planned (the site is covered, or now left out).
    pub dropped: usize,
    /// Visits planned that the saved plan did not have after today.
    pub added: usize,
}

/// The re-planned campaign.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Replanned {
    /// The campaign re-planned.
    pub replaces: i64,
    /// The last day kept as saved.
    pub kept_through: String,
    /// The whole window: the days up to `kept_through` as saved, then the new days.
    /// Its `travel_min` counts the new days only (the saved days' travel is not kept
    /// per day); team hours of saved days count from their shift's start; covered
    /// sites count as planned in `sites_planned` and `sites_required`.
    pub plan: CampaignOutput,
    /// Sites (institutions and hotspots) counted as done, not visited again.
    pub covered_sites: usize,
    /// The new days against the saved plan's days after `kept_through`.
    pub changes: VisitChanges,
    /// The new campaign's id, when it was saved.
    pub campaign_id: Option<i64>,
}

/// Plans the rest of the campaign with `teams` on `router`, and puts it behind the
/// saved days. The new days pass the independent check ([`violations`]) or nothing is
/// answered.
pub fn replan<'r>(
    rest: &RestInput,
    teams: Teams<'_>,
    streets: impl Into<Streets<'r>>,
    options: &CampaignOptions,
) -> Result<Replanned, FollowError> {
    let input = TownshipInput {
        from: rest.rest_from,
        to: rest.to,
        institutions: &rest.day.institutions,
        priorities: &rest.day.priorities,
        hotspots: &rest.night.hotspots,
        depots: &rest.day.depots,
        rules: &rest.day.rules,
        calendar: &rest.day.calendar,
        teams,
        pins: &rest.day.pins,
    };
    let old = &rest.old.plan;
    let mut kept_days = Vec::new();
    let mut old_rest = Vec::new();
    for (i, d) in old.days.iter().enumerate() {
        if plan_date(&d.date, format!("days[{i}].date"))? <= rest.today {
            kept_days.push(d.clone());
        } else {
            old_rest.push(d.clone());
        }
    }
    let full = build_rest(&input, streets, &rest.covered)?;
    let (tc, plan, new) = plan_stably(&full, &saved_slots(&old_rest)?, rest, options)?;
    let broken = violations(&tc.campaign, &plan);
    if !broken.is_empty() {
        return Err(FollowError::Check(broken.join("; ")));
    }
    let changes = visit_changes(&old_rest, &new.days);
    let covered_sites = rest.covered.institutions.len() + rest.covered.hotspot_checks.len();
    let merged = merge(old, kept_days, new, &rest.day.rules, &rest.covered);
    Ok(Replanned {
        replaces: rest.old.id,
        kept_through: rest.today.to_string(),
        plan: merged,
        covered_sites,
        changes,
        campaign_id: None,
    })
}

/// Per site, the (date, shift) periods the saved plan visits it in.
fn saved_slots(days: &[DayOut]) -> Result<HashMap<String, Vec<Period>>, FollowError> {
    let mut out: HashMap<String, Vec<Period>> = HashMap::new();
    for (i, d) in days.iter().enumerate() {
        let date = plan_date(&d.date, format!("days[{i}].date"))?;
        for stop in d.teams.iter().flat_map(|t| &t.stops) {
            out.entry(stop.site.clone())
                .or_default()
                .push((date, d.shift));
        }
    }
    Ok(out)
}

/// Keeps each site of `tc` to the periods the saved plan had for it, where such a
/// visit pattern still exists; answers the sites so restricted.
fn keep_saved_periods(
    tc: &mut TownshipCampaign,
    saved: &HashMap<String, Vec<Period>>,
) -> Vec<usize> {
    let slots = &tc.slots;
    let mut restricted = Vec::new();
    for (i, site) in tc.campaign.sites.iter_mut().enumerate() {
        let Some(old) = saved.get(&site.id) else {
            continue;
        };
        let as_before = |pattern: &Vec<usize>| pattern.iter().all(|&p| old.contains(&slots[p]));
        let kept: Vec<Vec<usize>> = site
            .patterns
            .iter()
            .filter(|p| as_before(p))
            .cloned()
            .collect();
        if !kept.is_empty() && kept.len() < site.patterns.len() {
            site.patterns = kept;
            restricted.push(i);
        }
    }
    restricted
}

/// Plans the rest changing as few visits as it can: first every site keeps the days and
/// shifts the saved plan gave it (new sites are free); then the sites that no longer fit
/// there are freed and the plan made again, taken when it leaves fewer sites out.
fn plan_stably(
    full: &TownshipCampaign,
    saved: &HashMap<String, Vec<Period>>,
    rest: &RestInput,
    options: &CampaignOptions,
) -> Result<(TownshipCampaign, CampaignPlan, CampaignOutput), FollowError> {
    let (from, to) = (rest.rest_from, rest.to);
    let mut stable = full.clone();
    let restricted = keep_saved_periods(&mut stable, saved);
    let (plan, out) = plan_township(&stable, from, to, options, false)?;
    let lost: Vec<usize> = restricted
        .into_iter()
        .filter(|&i| plan.patterns[i].is_none())
        .collect();
    if lost.is_empty() {
        return Ok((stable, plan, out));
    }
    let mut freer = stable.clone();
    for i in lost {
        freer.campaign.sites[i].patterns = full.campaign.sites[i].patterns.clone();
    }
    let (plan2, out2) = plan_township(&freer, from, to, options, false)?;
    Ok(if plan2.unplanned.len() < plan.unplanned.len() {
        (freer, plan2, out2)
    } else {
        (stable, plan, out)
    })
}

/// The saved days, then the new ones, with the campaign's figures over both.
fn merge(
    old: &CampaignOutput,
    kept: Vec<super::township::DayOut>,
    new: CampaignOutput,
    rules: &crate::rules::Rules,
    covered: &Covered,
) -> CampaignOutput {
    let mut team_hours = new.team_hours.clone();
    let mut kept_team_days = 0;
    for d in &kept {
        let start = d.shift.rule(rules).start.0;
        for t in d.teams.iter().filter(|t| !t.stops.is_empty()) {
            kept_team_days += 1;
            let back = parse_clock(&t.back).unwrap_or(start);
            let hours = ((back - start).max(0.0) / 360.0).round() / 10.0;
            *team_hours.entry(t.team.clone()).or_insert(0.0) += hours;
        }
    }
    let unplanned: BTreeSet<&str> = new.unplanned.iter().map(|u| u.site.as_str()).collect();
    let mut sites: BTreeSet<&str> = kept
        .iter()
        .chain(&new.days)
        .flat_map(|d| d.teams.iter().flat_map(|t| t.stops.iter()))
        .map(|s| s.site.as_str())
        .collect();
    sites.extend(covered.institutions.iter().map(String::as_str));
    sites.extend(covered.hotspot_checks.keys().map(String::as_str));
    let sites_planned = sites.iter().filter(|s| !unplanned.contains(*s)).count();
    let mut days = kept;
    days.extend(new.days);
    CampaignOutput {
        from: old.from.clone(),
        to: old.to.clone(),
        days,
        team_days: kept_team_days + new.team_days,
        sites_required: sites_planned + new.unplanned.len(),
        sites_planned,
        team_hours: team_hours
            .into_iter()
            .map(|(k, v)| (k, (v * 10.0).round() / 10.0))
            .collect(),
        travel_min: new.travel_min,
        unplanned: new.unplanned,
        greedy_team_days: None,
        seconds: new.seconds,
        campaign_id: None,
    }
}

/// Compares two lists of days visit by visit: per site, visits on the same date, shift
/// and team are kept; of the rest, as many as both have are moved.
pub fn visit_changes(
    before: &[super::township::DayOut],
    after: &[super::township::DayOut],
) -> VisitChanges {
    type Slot = (String, Shift, String);
    fn by_site(days: &[super::township::DayOut]) -> HashMap<&str, Vec<Slot>> {
        let mut out: HashMap<&str, Vec<Slot>> = HashMap::new();
        for d in days {
            for t in &d.teams {
                for s in &t.stops {
                    out.entry(s.site.as_str()).or_default().push((
                        d.date.clone(),
                        d.shift,
                        t.team.clone(),
                    ));
                }
            }
        }
        out
    }
    let old = by_site(before);
    let mut new = by_site(after);
    let mut c = VisitChanges::default();
    for (site, slots) in &old {
        let mut fresh = new.remove(site).unwrap_or_default();
        let mut left_old = 0;
        for slot in slots {
            match fresh.iter().position(|s| s == slot) {
                Some(k) => {
                    fresh.swap_remove(k);
                    c.kept += 1;
                }
                None => left_old += 1,
            }
        }
        let moved = left_old.min(fresh.len());
        c.moved += moved;
        c.dropped += left_old - moved;
        c.added += fresh.len() - moved;
    }
    c.added += new.values().map(Vec::len).sum::<usize>();
    c
}

impl Replanned {
    /// A short summary: what was kept, what moved, then the plan.
    pub fn summary_text(&self) -> String {
        let c = &self.changes;
        let mut s = format!(
            "重排专项检查 #{}：{} 及以前按原计划保留，已完成 {} 处不再安排；其后的检查与原计划相比：不变 {} 次，调整 {} 次，取消 {} 次，新增 {} 次\n",
            self.replaces, self.kept_through, self.covered_sites, c.kept, c.moved, c.dropped, c.added
        );
        s += &self.plan.summary_text();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::township::{DayOut, StopOut, TeamOut};

    fn day(date: &str, team: &str, sites: &[&str]) -> DayOut {
        DayOut {
            date: date.into(),
            shift: Shift::Day,
            teams: vec![TeamOut {
                team: team.into(),
                stops: sites
                    .iter()
                    .map(|s| StopOut {
                        site: s.to_string(),
                        name: s.to_string(),
                        arrive: "09:00".into(),
                        start: "09:00".into(),
                        lon_lat: [116.0, 40.0],
                    })
                    .collect(),
                back: "17:00".into(),
            }],
        }
    }

    #[test]
    fn visits_are_counted_kept_moved_dropped_and_added() {
        let before = [
            day("2026-03-05", "T1", &["a", "b", "c"]),
            day("2026-03-06", "T1", &["d"]),
        ];
        let after = [
            day("2026-03-05", "T1", &["a"]),
            day("2026-03-06", "T2", &["b", "e"]),
        ];
        let c = visit_changes(&before, &after);
        assert_eq!(
            c,
            VisitChanges {
                kept: 1,
                moved: 1,
                dropped: 2,
                added: 1
            }
        );
    }

    fn priority(id: &str) -> SitePriority {
        SitePriority {
            site_id: id.into(),
            licence: crate::model::Licence::Licensed,
            complaints: 0,
            closed: false,
            last_inspected: None,
            last_result: None,
            days_since_inspection: None,
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
    fn a_site_inspected_is_covered_unless_a_follow_up_is_due() {
        let d = |t: &str| plan_date(t, "test").unwrap();
        let inspections = [
            ("a".to_string(), d("2026-03-02")),
            ("b".into(), d("2026-03-03")),
        ];
        let checks = [
            ("h".to_string(), d("2026-03-02")),
            ("h".into(), d("2026-03-04")),
        ];
        let mut due = priority("b");
        due.rectification_due = Some(d("2026-03-10"));
        let c = covered_by(&inspections, &checks, &[priority("a"), due]);
        assert!(c.institutions.contains("a"));
        assert!(!c.institutions.contains("b"), "its 整改 check is still due");
        assert_eq!(c.hotspot_checks["h"], 2);
    }
}
