//! Re-planning a shift under way (`plan --from-now HH:MM`): the stops already done stay
//! done, each team sets out from where it is at that time, and the rest is planned again
//! changing as few assignments as it can.
//!
//! Fewest changes, in two passes: first every site stays with the team that had it (only
//! new sites are free); then the sites that pass could not fit are freed and planned
//! again, the others still kept. The second pass is taken only when it plans more.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::build::UnplannedReason;
use super::{plan_shift, Shift, ShiftInput, ShiftPlan, ShiftSettings, TeamSpec, TownshipError};
use crate::coverage::hotspots::HotspotScore;
use crate::model::{Institution, Wgs84Point};
use crate::plan::{Progress, SolveOptions};
use crate::routing::Router;
use crate::store::{StoreError, Workspace};
use crate::units::{format_clock, ClockSeconds};

/// A visit made earlier in the shift (an inspection or a night check recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct DoneVisit {
    /// The site visited.
    pub site_id: String,
    /// The team that made it.
    pub team: String,
    /// When, seconds since local midnight.
    pub at_s: ClockSeconds,
}

/// Where the shift stands: the plan the teams are working, the time, what is done.
#[derive(Debug, Clone, Copy)]
pub struct ShiftUnderWay<'a> {
    /// The plan the teams set out with.
    pub previous: &'a ShiftPlan,
    /// Now, seconds since local midnight.
    pub now_s: ClockSeconds,
    /// What was done so far today.
    pub done: &'a [DoneVisit],
}

/// A stop done before the re-plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoneStop {
    /// The site.
    pub site_id: String,
    /// Its name.
    pub name: String,
    /// The team that visited it.
    pub team: String,
    /// When, `HH:MM`.
    pub at: String,
}

/// A site whose team changed in the re-plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssignmentChange {
    /// The site.
    pub site_id: String,
    /// Its name.
    pub name: String,
    /// The team that had it (`None`: it was not planned).
    pub from_team: Option<String>,
    /// The team that has it now (`None`: left out).
    pub to_team: Option<String>,
}

/// What a re-plan kept and changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FromNow {
    /// The time re-planned from, `HH:MM`.
    pub at: String,
    /// Stops done before then, by time.
    pub done: Vec<DoneStop>,
    /// Sites still with the team that had them.
    pub kept: usize,
    /// Sites that moved to another team, were added, or dropped.
    pub changes: Vec<AssignmentChange>,
}

impl FromNow {
    /// What was done, kept and changed, for the terminal.
    pub fn summary_text(&self) -> String {
        use std::fmt::Write;
        let mut out = format!(
            "\nre-planned from {}: {} done, {} kept with their team, {} changed\n",
            self.at,
            self.done.len(),
            self.kept,
            self.changes.len()
        );
        for d in &self.done {
            let _ = writeln!(
                out,
                "  done {} {:<10} {} ({})",
                d.at, d.site_id, d.name, d.team
            );
        }
        let team = |t: &Option<String>| t.clone().unwrap_or_else(|| "-".into());
        for c in &self.changes {
            let (from, to) = (team(&c.from_team), team(&c.to_team));
            let _ = writeln!(out, "  moved {:<10} {} {from} -> {to}", c.site_id, c.name);
        }
        out
    }
}

/// Re-plans the rest of a shift under way. `settings` are the shift's (teams with their
/// depots); the window starts at `state.now_s` and each team sets out from its last done
/// stop.
pub fn replan_from_now(
    input: &ShiftInput<'_>,
    settings: &ShiftSettings,
    state: ShiftUnderWay<'_>,
    router: &Router,
    options: &SolveOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ShiftPlan, TownshipError> {
    let now_s = state.now_s;
    if now_s >= settings.window.end_s {
        return Err(TownshipError::ShiftOver(format_clock(now_s)));
    }
    let done: BTreeSet<&str> = state.done.iter().map(|d| d.site_id.as_str()).collect();
    let institutions: Vec<Institution> = input
        .institutions
        .iter()
        .filter(|i| !done.contains(i.id.as_str()))
        .cloned()
        .collect();
    let hotspots: Vec<HotspotScore> = input
        .hotspots
        .iter()
        .filter(|h| !done.contains(h.hotspot_id.as_str()))
        .cloned()
        .collect();
    let rest = ShiftInput {
        institutions: &institutions,
        hotspots: &hotspots,
        ..*input
    };
    let mut settings = from_now(settings, now_s);
    for team in &mut settings.teams {
        team.start_at = last_position(input, state.done, &team.id);
    }
    let before = assignments(state.previous, &done);
    settings.kept_teams = before.clone();
    // Start the search from the routes under way, so an on-time team keeps its route.
    let options = &SolveOptions {
        warm_start: remaining_routes(state.previous, &settings, &done),
        ..options.clone()
    };
    let first = plan_shift(&rest, &settings, router, options, progress)?;
    let lost: Vec<String> = first
        .unassigned
        .iter()
        .filter(|u| before.contains_key(&u.site_id) && another_team_might_fit(u.reason))
        .map(|u| u.site_id.clone())
        .collect();
    let mut plan = if lost.is_empty() {
        first
    } else {
        for site in &lost {
            settings.kept_teams.remove(site);
        }
        let second = plan_shift(&rest, &settings, router, options, progress)?;
        better(first, second)
    };
    plan.from_now = Some(account(input, state, &before, &plan));
    Ok(plan)
}

/// The shift's settings from `now_s` on: the window starts then, and a break whose
/// window has passed is dropped (taken or skipped).
fn from_now(settings: &ShiftSettings, now_s: ClockSeconds) -> ShiftSettings {
    let mut s = settings.clone();
    s.window.start_s = s.window.start_s.max(now_s);
    s.break_ = s.break_.and_then(|mut b| {
        b.start_window.start_s = b.start_window.start_s.max(now_s);
        (b.start_window.start_s <= b.start_window.end_s).then_some(b)
    });
    s
}

/// Where `team` is: the site of its latest done visit (`None`: still at its depot).
fn last_position(input: &ShiftInput<'_>, done: &[DoneVisit], team: &str) -> Option<Wgs84Point> {
    let last = done
        .iter()
        .filter(|d| d.team == team)
        .max_by(|a, b| a.at_s.total_cmp(&b.at_s))?;
    site_point(input, &last.site_id)
}

fn site_point(input: &ShiftInput<'_>, site: &str) -> Option<Wgs84Point> {
    let institution = input.institutions.iter().find(|i| i.id == site);
    let hotspot = || input.hotspots.iter().find(|h| h.hotspot_id == site);
    institution
        .map(|i| i.location)
        .or_else(|| hotspot().map(|h| Wgs84Point::new(h.location[0], h.location[1])))
}

fn site_name(input: &ShiftInput<'_>, site: &str) -> String {
    let institution = input.institutions.iter().find(|i| i.id == site);
    let hotspot = || input.hotspots.iter().find(|h| h.hotspot_id == site);
    institution
        .map(|i| i.name.clone())
        .or_else(|| hotspot().map(|h| h.name.clone()))
        .unwrap_or_else(|| site.to_string())
}

/// Site to team in `plan`, leaving out the sites in `skip`.
fn assignments(plan: &ShiftPlan, skip: &BTreeSet<&str>) -> BTreeMap<String, String> {
    plan.teams
        .iter()
        .flat_map(|t| t.stops.iter().map(move |s| (&s.site.site_id, &t.team)))
        .filter(|(site, _)| !skip.contains(site.as_str()))
        .map(|(site, team)| (site.clone(), team.clone()))
        .collect()
}

/// Each team's stops not yet done, in the order planned, in the order of `settings.teams`.
fn remaining_routes(
    plan: &ShiftPlan,
    settings: &ShiftSettings,
    done: &BTreeSet<&str>,
) -> Vec<Vec<String>> {
    settings
        .teams
        .iter()
        .map(|team| {
            plan.teams
                .iter()
                .filter(|t| t.team == team.id)
                .flat_map(|t| t.stops.iter().map(|s| s.site.site_id.clone()))
                .filter(|site| !done.contains(site.as_str()))
                .collect()
        })
        .collect()
}

/// Whether another team might fit a site its own team could not (not so for a site
/// closed, off the streets or pinned out).
fn another_team_might_fit(reason: UnplannedReason) -> bool {
    use UnplannedReason::*;
    matches!(reason, NoTime | WindowUnreachable | SkillMissing)
}

/// The plan that serves more must-visit sites, then collects more priority.
fn better(first: ShiftPlan, second: ShiftPlan) -> ShiftPlan {
    let key = |p: &ShiftPlan| (p.summary.mandatory_planned, p.summary.prize);
    if key(&second) > key(&first) {
        second
    } else {
        first
    }
}

/// What was done, kept and changed.
fn account(
    input: &ShiftInput<'_>,
    state: ShiftUnderWay<'_>,
    before: &BTreeMap<String, String>,
    plan: &ShiftPlan,
) -> FromNow {
    let after = assignments(plan, &BTreeSet::new());
    let sites: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut kept = 0;
    let mut changes = Vec::new();
    for site in sites {
        let (from, to) = (before.get(site), after.get(site));
        if from == to {
            kept += 1;
            continue;
        }
        changes.push(AssignmentChange {
            site_id: site.clone(),
            name: site_name(input, site),
            from_team: from.cloned(),
            to_team: to.cloned(),
        });
    }
    let mut done: Vec<&DoneVisit> = state.done.iter().collect();
    done.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    FromNow {
        at: format_clock(state.now_s),
        done: done
            .into_iter()
            .map(|d| DoneStop {
                site_id: d.site_id.clone(),
                name: site_name(input, &d.site_id),
                team: d.team.clone(),
                at: format_clock(d.at_s),
            })
            .collect(),
        kept,
        changes,
    }
}

/// The plan the teams work on `date`'s `shift`: the latest published one, else the
/// latest draft; with its id.
pub fn working_plan(
    ws: &Workspace,
    date: NaiveDate,
    shift: Shift,
) -> Result<Option<(i64, ShiftPlan)>, StoreError> {
    let plans = ws.plans_on(&date.to_string())?;
    let of_shift = || plans.iter().filter(|p| p.shift == shift.to_string());
    let Some(stored) = of_shift()
        .rfind(|p| p.published)
        .or_else(|| of_shift().next_back())
    else {
        return Ok(None);
    };
    let plan = serde_json::from_str(&stored.body)
        .map_err(|e| StoreError::corrupt(format!("plan {}", stored.id), e))?;
    Ok(Some((stored.id, plan)))
}

/// Inspections and night checks recorded on `date` up to `now_s`: the shift's done visits.
pub fn done_visits(
    ws: &Workspace,
    date: NaiveDate,
    now_s: ClockSeconds,
) -> Result<Vec<DoneVisit>, StoreError> {
    let from = date.and_time(chrono::NaiveTime::MIN);
    let to = from + chrono::Duration::seconds(now_s.ceil() as i64 + 1);
    let seconds = |at: chrono::NaiveDateTime| (at - from).num_seconds() as f64;
    let inspections = ws.inspections(Some(from), Some(to))?.into_iter();
    let visits = inspections.map(|i| DoneVisit {
        at_s: seconds(i.at),
        site_id: i.site_id,
        team: i.team_id,
    });
    let checks = ws.night_checks(Some(from), Some(to))?.into_iter();
    let checks = checks.map(|c| DoneVisit {
        at_s: seconds(c.at),
        site_id: c.hotspot_id,
        team: c.team_id,
    });
    Ok(visits.chain(checks).filter(|d| d.at_s <= now_s).collect())
}

/// The teams of `plan` as they set out: ids, depots and members.
pub fn plan_teams(plan: &ShiftPlan) -> Vec<TeamSpec> {
    plan.teams
        .iter()
        .map(|t| TeamSpec {
            depot_id: Some(t.depot_id.clone()),
            members: t.members.clone(),
            ..TeamSpec::new(t.team.clone())
        })
        .collect()
}
