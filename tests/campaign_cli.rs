//! `gridpatrol campaign plan` through the real binary on the bundled sample, each plan
//! re-checked here from the sample's own files, the calendar and the default rules:
//! every required site planned or listed as left out with a reason, institutions on
//! working days inside their opening hours in the day shift, hotspots at night as often
//! as the rules say on distinct dates, each route's times inside its shift.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::gridpatrol;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gridpatrol::calendar::Calendar;
use gridpatrol::rules::Rules;
use serde_json::Value;

fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("ws.sqlite");
    let (ok, _, err) = gridpatrol(&["init", "--workspace", ws.to_str().unwrap()]);
    assert!(ok, "{err}");
    ws
}

fn campaign(ws: &Path, from: &str, to: &str, teams: &str) -> Value {
    let (ok, out, err) = gridpatrol(&[
        "campaign",
        "plan",
        "--from",
        from,
        "--to",
        to,
        "--teams",
        teams,
        "--iterations",
        "200",
        "--seconds",
        "120",
        "--json",
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("campaign JSON")
}

fn clock(text: &str) -> f64 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<f64>().unwrap() * 3600.0 + m.parse::<f64>().unwrap() * 60.0
}

/// Re-checks a campaign plan from the sample's files alone.
fn verify(plan: &Value) {
    let sample = gridpatrol::formats::township::load_sample().unwrap();
    let rules = Rules::default();
    let calendar = Calendar::china();
    let from = NaiveDate::parse_from_str(plan["from"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let to = NaiveDate::parse_from_str(plan["to"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let institutions: HashMap<&str, _> = sample
        .institutions
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let hotspots: HashSet<&str> = sample.hotspots.iter().map(|h| h.id.as_str()).collect();
    let service_inst = rules.service_minutes.institution_s();
    let mut visits: HashMap<String, Vec<(NaiveDate, String)>> = HashMap::new();
    for day in plan["days"].as_array().unwrap() {
        let date = NaiveDate::parse_from_str(day["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let shift = day["shift"].as_str().unwrap();
        assert!(from <= date && date <= to, "{date} outside the window");
        assert!(calendar.is_working_day(date), "{date} is not a working day");
        let window = match shift {
            "day" => &rules.shifts.day,
            "evening" => &rules.shifts.evening,
            "night" => &rules.shifts.night,
            "weekend" => &rules.shifts.weekend,
            other => panic!("unknown shift {other}"),
        };
        // What each shift visits, as the rules' defaults say (checked, not read back).
        let (visits_institutions, visits_hotspots) = match shift {
            "day" | "weekend" => (true, false),
            "evening" => (true, true),
            _ => (false, true),
        };
        let mut teams_seen = HashSet::new();
        for team in day["teams"].as_array().unwrap() {
            assert!(
                teams_seen.insert(team["team"].as_str().unwrap()),
                "a team twice in a shift"
            );
            let mut last = window.start.0;
            for stop in team["stops"].as_array().unwrap() {
                let site = stop["site"].as_str().unwrap();
                let (arrive, start) = (
                    clock(stop["arrive"].as_str().unwrap()),
                    clock(stop["start"].as_str().unwrap()),
                );
                assert!(
                    arrive + 60.0 >= last && start + 60.0 >= arrive,
                    "{date} {shift}: times go back at {site}"
                );
                last = start;
                match institutions.get(site) {
                    Some(inst) if visits_institutions => {
                        if let Some(hours) = &inst.open_hours {
                            // That weekday's spans (holidays and 调休 by the calendar).
                            let spans = hours.schedule().spans_on(date, calendar);
                            let inside = spans.iter().any(|r| {
                                start + 60.0 >= r.start && start + service_inst <= r.end + 60.0
                            });
                            assert!(
                                inside,
                                "{date}: {site} visited at {start} outside its hours {spans:?}"
                            );
                        }
                    }
                    None if visits_hotspots => {
                        assert!(hotspots.contains(site), "{site} is no hotspot")
                    }
                    _ => panic!("{date} {shift}: {site} visited in the wrong shift"),
                }
                visits
                    .entry(site.to_string())
                    .or_default()
                    .push((date, shift.to_string()));
            }
            assert!(
                clock(team["back"].as_str().unwrap()) <= window.end.0 + 60.0,
                "back after the shift"
            );
        }
    }
    let unplanned: HashMap<&str, &Value> = plan["unplanned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["site"].as_str().unwrap(), u))
        .collect();
    for u in unplanned.values() {
        assert!(!u["reason"].as_str().unwrap().is_empty());
        assert!(
            !visits.contains_key(u["site"].as_str().unwrap()),
            "left out yet visited"
        );
    }
    // Every hotspot: planned exactly as often as the rules say, on distinct dates, or left out.
    for h in &hotspots {
        match visits.get(*h) {
            Some(v) => {
                let dates: HashSet<_> = v.iter().map(|(d, _)| *d).collect();
                assert_eq!(v.len(), rules.campaign.hotspot_night_checks as usize, "{h}");
                assert_eq!(dates.len(), v.len(), "{h}: two checks on one night");
            }
            None => assert!(
                unplanned.contains_key(h),
                "hotspot {h} neither planned nor left out"
            ),
        }
    }
    // Every institution (a fresh sample workspace has no closures): once, or left out.
    for inst in &sample.institutions {
        let id = inst.id.as_str();
        match visits.get(id) {
            Some(v) => assert_eq!(v.len(), 1, "{id} visited {} times", v.len()),
            None => assert!(unplanned.contains_key(id), "{id} missing"),
        }
    }
    let required = plan["sites_required"].as_u64().unwrap() as usize;
    assert_eq!(required, visits.len() + unplanned.len());
}

#[test]
fn a_four_week_campaign_covers_every_site_or_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let plan = campaign(&ws, "2026-03-02", "2026-03-29", "3");
    verify(&plan);
    assert!(plan["team_days"].as_u64().unwrap() > 0);
    // Evening-only institutions cannot be reached in the day shift; a longer day is tried
    // and named.
    let left: Vec<&Value> = plan["unplanned"].as_array().unwrap().iter().collect();
    assert!(left
        .iter()
        .all(|u| u["reason_code"] != "no_time" || !u["would_fit_with"].is_null()));
}

#[test]
fn the_national_day_holiday_has_no_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let plan = campaign(&ws, "2026-09-28", "2026-10-09", "2");
    verify(&plan);
    for day in plan["days"].as_array().unwrap() {
        let date = day["date"].as_str().unwrap();
        assert!(
            !("2026-10-01"..="2026-10-07").contains(&date),
            "work planned on {date}"
        );
    }
}

#[test]
fn bad_windows_and_team_counts_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let w = ws.to_str().unwrap();
    let (ok, _, err) = gridpatrol(&[
        "campaign",
        "plan",
        "--from",
        "2026-03-09",
        "--to",
        "2026-03-02",
        "--workspace",
        w,
    ]);
    assert!(!ok && err.contains("--to"), "{err}");
    let (ok, _, err) = gridpatrol(&[
        "campaign",
        "plan",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-09",
        "--teams",
        "0",
        "--workspace",
        w,
    ]);
    assert!(!ok && err.contains("--teams"), "{err}");
}
