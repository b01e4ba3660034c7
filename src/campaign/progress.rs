//! A saved campaign's progress: which planned visits are done, per day and shift and per
//! 网格 cell, and what is overdue. Pure: the caller hands in the plan, the visits recorded
//! (inspections of institutions, night checks of hotspots) and the sites' cells.
//!
//! A planned visit is *done* when its site has a visit recorded on that day; a visit
//! recorded on another day of the window (earlier or later) counts for one planned visit
//! still open, as *done on another day*. A visit not done is *overdue* when its day has
//! passed, *due* today, *ahead* after today.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::township::CampaignOutput;
use crate::shift::Shift;

/// A plan that cannot be followed: a date in it does not parse.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// A date field is not `YYYY-MM-DD`.
    #[error("campaign plan: {field} `{text}` is not a date (YYYY-MM-DD)")]
    BadDate {
        /// Which field (`from`, `to`, `days[3].date`).
        field: String,
        /// The text found.
        text: String,
    },
}

/// Parses a plan's date.
pub fn plan_date(text: &str, field: impl Into<String>) -> Result<NaiveDate, ProgressError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| ProgressError::BadDate {
        field: field.into(),
        text: text.to_string(),
    })
}

/// Where a planned visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// Visited on its day.
    Done,
    /// Visited on another day of the window.
    DoneOtherDay,
    /// Its day has passed and the site was not visited.
    Overdue,
    /// Planned for today, not yet visited.
    Due,
    /// Planned after today.
    Ahead,
}

/// One date and shift of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DayProgress {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The shift.
    pub shift: Shift,
    /// Visits planned.
    pub planned: usize,
    /// Done on this day.
    pub done: usize,
    /// Done on another day of the window.
    pub done_other_day: usize,
    /// Not done and the day has passed.
    pub overdue: usize,
    /// Not done, today or later.
    pub open: usize,
}

/// One 网格 cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CellProgress {
    /// The cell's id; empty for sites outside every cell.
    pub cell: String,
    /// Distinct sites the campaign plans to visit here.
    pub sites_planned: usize,
    /// Of them, visited at least once in the window so far.
    pub sites_inspected: usize,
    /// Of them, with a planned visit still not done.
    pub sites_to_do: usize,
    /// Visits planned here.
    pub visits_planned: usize,
    /// Visits done (on their day or another).
    pub visits_done: usize,
}

/// A planned visit whose day has passed without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OverdueVisit {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The shift.
    pub shift: Shift,
    /// The team it was planned for.
    pub team: String,
    /// The site's id.
    pub site: String,
    /// Its name.
    pub name: String,
}

/// The whole campaign's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProgressTotals {
    /// Visits planned.
    pub visits_planned: usize,
    /// Done on their day.
    pub done: usize,
    /// Done on another day.
    pub done_other_day: usize,
    /// Overdue.
    pub overdue: usize,
    /// Planned for today, not yet done.
    pub due_today: usize,
    /// Planned after today, not yet done.
    pub ahead: usize,
    /// Distinct sites planned.
    pub sites_planned: usize,
    /// Of them, visited in the window so far.
    pub sites_inspected: usize,
    /// Of them, with visits still to do.
    pub sites_to_do: usize,
    /// Sites the plan could not place at all.
    pub unplanned: usize,
}

/// A campaign's progress on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CampaignProgress {
    /// The saved campaign's id (set by whoever read it from the workspace).
    pub campaign_id: Option<i64>,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// The day the figures are for.
    pub today: String,
    /// Per date and shift, in plan order.
    pub days: Vec<DayProgress>,
    /// Per cell, by cell id.
    pub cells: Vec<CellProgress>,
    /// Over the campaign.
    pub totals: ProgressTotals,
    /// The overdue visits, oldest first.
    pub overdue: Vec<OverdueVisit>,
}

/// One planned visit, where it is in the plan.
struct PlannedVisit<'a> {
    day: usize,
    date: NaiveDate,
    team: &'a str,
    site: &'a str,
    name: &'a str,
}

/// Every planned visit's state, in plan order (days, teams, stops), beside the visits.
fn visit_states<'a>(
    plan: &'a CampaignOutput,
    visited: &[(String, NaiveDate)],
    window: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<Vec<(PlannedVisit<'a>, VisitState)>, ProgressError> {
    let mut visits = Vec::new();
    for (i, d) in plan.days.iter().enumerate() {
        let date = plan_date(&d.date, format!("days[{i}].date"))?;
        for t in &d.teams {
            for s in &t.stops {
                visits.push(PlannedVisit {
                    day: i,
                    date,
                    team: &t.team,
                    site: &s.site,
                    name: &s.name,
                });
            }
        }
    }
    // Each site's recorded visit days in the window up to today, each usable once.
    let mut unused: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    for (site, date) in visited {
        if window.0 <= *date && *date <= window.1 && *date <= today {
            unused.entry(site.as_str()).or_default().push(*date);
        }
    }
    let mut states: Vec<Option<VisitState>> = vec![None; visits.len()];
    for (v, state) in visits.iter().zip(states.iter_mut()) {
        if let Some(days) = unused.get_mut(v.site) {
            if let Some(k) = days.iter().position(|d| *d == v.date) {
                days.swap_remove(k);
                *state = Some(VisitState::Done);
            }
        }
    }
    for (v, state) in visits.iter().zip(states.iter_mut()) {
        if state.is_none() && unused.get_mut(v.site).and_then(Vec::pop).is_some() {
            *state = Some(VisitState::DoneOtherDay);
        }
    }
    Ok(visits
        .into_iter()
        .zip(states)
        .map(|(v, state)| {
            let state = state.unwrap_or(match v.date.cmp(&today) {
                std::cmp::Ordering::Less => VisitState::Overdue,
                std::cmp::Ordering::Equal => VisitState::Due,
                std::cmp::Ordering::Greater => VisitState::Ahead,
            });
            (v, state)
        })
        .collect())
}

/// The campaign's progress on `today`: `visited` holds every recorded visit as (site or
/// hotspot id, township date); `cells` maps site and hotspot ids to their cell.
pub fn progress(
    plan: &CampaignOutput,
    visited: &[(String, NaiveDate)],
    cells: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<CampaignProgress, ProgressError> {
    let window = (plan_date(&plan.from, "from")?, plan_date(&plan.to, "to")?);
    let states = visit_states(plan, visited, window, today)?;
    let mut days: Vec<DayProgress> = plan
        .days
        .iter()
        .map(|d| DayProgress {
            date: d.date.clone(),
            shift: d.shift,
            planned: 0,
            done: 0,
            done_other_day: 0,
            overdue: 0,
            open: 0,
        })
        .collect();
    let mut totals = ProgressTotals {
        unplanned: plan.unplanned.len(),
        ..ProgressTotals::default()
    };
    let mut overdue = Vec::new();
    let mut cell_visits: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut site_open: BTreeMap<&str, bool> = BTreeMap::new();
    for (v, state) in &states {
        let day = &mut days[v.day];
        day.planned += 1;
        totals.visits_planned += 1;
        let done = matches!(state, VisitState::Done | VisitState::DoneOtherDay);
        let (on_day, in_total) = match state {
            VisitState::Done => (&mut day.done, &mut totals.done),
            VisitState::DoneOtherDay => (&mut day.done_other_day, &mut totals.done_other_day),
            VisitState::Overdue => (&mut day.overdue, &mut totals.overdue),
            VisitState::Due => (&mut day.open, &mut totals.due_today),
            VisitState::Ahead => (&mut day.open, &mut totals.ahead),
        };
        *on_day += 1;
        *in_total += 1;
        if *state == VisitState::Overdue {
            overdue.push(OverdueVisit {
                date: day.date.clone(),
                shift: day.shift,
                team: v.team.to_string(),
                site: v.site.to_string(),
                name: v.name.to_string(),
            });
        }
        let cell = cells.get(v.site).map_or("", String::as_str);
        let tally = cell_visits.entry(cell).or_default();
        tally.0 += 1;
        tally.1 += usize::from(done);
        *site_open.entry(v.site).or_default() |= !done;
    }
    let inspected: BTreeSet<&str> = visited
        .iter()
        .filter(|(_, d)| window.0 <= *d && *d <= window.1 && *d <= today)
        .map(|(s, _)| s.as_str())
        .collect();
    let mut per_cell: BTreeMap<&str, CellProgress> = BTreeMap::new();
    for (&site, &open) in &site_open {
        let cell = cells.get(site).map_or("", String::as_str);
        let c = per_cell.entry(cell).or_insert_with(|| CellProgress {
            cell: cell.to_string(),
            sites_planned: 0,
            sites_inspected: 0,
            sites_to_do: 0,
            visits_planned: cell_visits[cell].0,
            visits_done: cell_visits[cell].1,
        });
        c.sites_planned += 1;
        c.sites_inspected += usize::from(inspected.contains(site));
        c.sites_to_do += usize::from(open);
    }
    let cells: Vec<CellProgress> = per_cell.into_values().collect();
    totals.sites_planned = cells.iter().map(|c| c.sites_planned).sum();
    totals.sites_inspected = cells.iter().map(|c| c.sites_inspected).sum();
    totals.sites_to_do = cells.iter().map(|c| c.sites_to_do).sum();
    Ok(CampaignProgress {
        campaign_id: None,
        from: plan.from.clone(),
        to: plan.to.clone(),
        today: today.to_string(),
        days,
        cells,
        totals,
        overdue,
    })
}

impl CampaignProgress {
    /// A short summary for the terminal, in Chinese.
    pub fn summary_text(&self) -> String {
        let t = &self.totals;
        let done = t.done + t.done_other_day;
        let mut s = format!(
            "专项检查{} {} 至 {}，截至 {}：计划检查 {} 次，已完成 {} 次（{:.0}%，其中 {} 次在其他日期完成），逾期 {} 次，今日待查 {} 次，此后 {} 次；应查 {} 处，已查 {} 处，尚余 {} 处；未能安排 {} 处\n",
            self.campaign_id.map(|id| format!(" #{id}")).unwrap_or_default(),
            self.from,
            self.to,
            self.today,
            t.visits_planned,
            done,
            100.0 * done as f64 / t.visits_planned.max(1) as f64,
            t.done_other_day,
            t.overdue,
            t.due_today,
            t.ahead,
            t.sites_planned,
            t.sites_inspected,
            t.sites_to_do,
            t.unplanned,
        );
        s += "日期        班次    计划  当日完成  他日完成  逾期  待查\n";
        for d in &self.days {
            s += &format!(
                "{}  {:<6}{:>4}{:>10}{:>10}{:>6}{:>6}\n",
                d.date,
                d.shift.name_zh(),
                d.planned,
                d.done,
                d.done_other_day,
                d.overdue,
                d.open
            );
        }
        s += "网格        应查  已查  尚余  计划次数  完成次数\n";
        for c in &self.cells {
            let name = if c.cell.is_empty() {
                "未划网格"
            } else {
                &c.cell
            };
            s += &format!(
                "{:<10}{:>6}{:>6}{:>6}{:>10}{:>10}\n",
                name,
                c.sites_planned,
                c.sites_inspected,
                c.sites_to_do,
                c.visits_planned,
                c.visits_done
            );
        }
        if !self.overdue.is_empty() {
            s += &format!("逾期未查 {} 次：\n", self.overdue.len());
            for o in &self.overdue {
                s += &format!(
                    "  {} {} {}：{} {}\n",
                    o.date,
                    o.shift.name_zh(),
                    o.team,
                    o.site,
                    o.name
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::township::{DayOut, StopOut, TeamOut};

    fn stop(site: &str) -> StopOut {
        StopOut {
            site: site.into(),
            name: format!("{site}名"),
            arrive: "09:00".into(),
            start: "09:00".into(),
            lon_lat: [116.0, 40.0],
        }
    }

    fn day(date: &str, shift: Shift, team: &str, sites: &[&str]) -> DayOut {
        DayOut {
            date: date.into(),
            shift,
            teams: vec![TeamOut {
                team: team.into(),
                stops: sites.iter().map(|s| stop(s)).collect(),
                back: "17:00".into(),
            }],
        }
    }

    /// Four days: a, b on the 2nd; c on the 3rd; hotspot h at night on the 3rd and 5th;
    /// d and e on the 5th.
    fn plan() -> CampaignOutput {
        CampaignOutput {
            from: "2026-03-02".into(),
            to: "2026-03-06".into(),
            days: vec![
                day("2026-03-02", Shift::Day, "T1", &["a", "b"]),
                day("2026-03-03", Shift::Day, "T1", &["c"]),
                day("2026-03-03", Shift::Evening, "T2", &["h"]),
                day("2026-03-05", Shift::Day, "T1", &["d", "e"]),
                day("2026-03-05", Shift::Evening, "T2", &["h"]),
            ],
            unplanned: Vec::new(),
            team_days: 5,
            sites_required: 6,
            sites_planned: 6,
            team_hours: BTreeMap::new(),
            travel_min: 0.0,
            greedy_team_days: None,
            seconds: 0.0,
            campaign_id: None,
        }
    }

    fn d(text: &str) -> NaiveDate {
        plan_date(text, "test").unwrap()
    }

    fn cells() -> HashMap<String, String> {
        [
            ("a", "G1"),
            ("b", "G1"),
            ("c", "G2"),
            ("d", "G2"),
            ("h", "G1"),
        ]
        .into_iter()
        .map(|(s, c)| (s.to_string(), c.to_string()))
        .collect()
    }

    #[test]
    fn visits_on_their_day_on_another_day_and_missed_are_told_apart() {
        // a on its day; d (planned the 5th) early on the 3rd; h once on the 4th; b, c
        // never; a visit outside the window and one after today do not count.
        let visited = [
            ("a", "2026-03-02"),
            ("d", "2026-03-03"),
            ("h", "2026-03-04"),
            ("b", "2026-02-27"),
            ("c", "2026-03-05"),
        ]
        .map(|(s, t)| (s.to_string(), d(t)));
        let p = progress(&plan(), &visited, &cells(), d("2026-03-04")).unwrap();
        let t = &p.totals;
        assert_eq!((t.visits_planned, t.done, t.done_other_day), (7, 1, 2));
        assert_eq!((t.overdue, t.due_today, t.ahead), (2, 0, 2));
        let overdue: Vec<(&str, &str)> = p
            .overdue
            .iter()
            .map(|o| (o.date.as_str(), o.site.as_str()))
            .collect();
        assert_eq!(overdue, [("2026-03-02", "b"), ("2026-03-03", "c")]);
        // The hotspot's one check covers its first planned night; the second is ahead.
        assert_eq!(p.days[2].done_other_day, 1);
        assert_eq!((p.days[4].done_other_day, p.days[4].open), (0, 1));
        assert_eq!(p.days[3].done_other_day, 1);
        assert_eq!((p.days[0].done, p.days[0].overdue), (1, 1));
    }

    #[test]
    fn cells_count_sites_planned_inspected_and_still_to_do() {
        let visited = [
            ("a", "2026-03-02"),
            ("h", "2026-03-03"),
            ("d", "2026-03-05"),
        ]
        .map(|(s, t)| (s.to_string(), d(t)));
        let p = progress(&plan(), &visited, &cells(), d("2026-03-05")).unwrap();
        let by_cell: HashMap<&str, &CellProgress> =
            p.cells.iter().map(|c| (c.cell.as_str(), c)).collect();
        // G1: a, b, h; h checked once of twice, so still to do.
        let g1 = by_cell["G1"];
        assert_eq!(
            (g1.sites_planned, g1.sites_inspected, g1.sites_to_do),
            (3, 2, 2)
        );
        assert_eq!((g1.visits_planned, g1.visits_done), (4, 2));
        let g2 = by_cell["G2"];
        assert_eq!(
            (g2.sites_planned, g2.sites_inspected, g2.sites_to_do),
            (2, 1, 1)
        );
        // e has no cell.
        let none = by_cell[""];
        assert_eq!((none.sites_planned, none.sites_to_do), (1, 1));
        assert_eq!(p.totals.due_today, 2, "e and h's second check today");
        assert_eq!(p.totals.sites_to_do, 4);
        assert!(p.summary_text().contains("未划网格"));
    }

    #[test]
    fn a_plan_with_a_bad_date_is_an_error_naming_the_field() {
        let mut bad = plan();
        bad.days[1].date = "3/3".into();
        let err = progress(&bad, &[], &cells(), d("2026-03-04")).unwrap_err();
        assert!(err.to_string().contains("days[1].date"), "{err}");
    }
}
