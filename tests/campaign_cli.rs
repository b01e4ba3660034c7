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
    let visits = verify_stops(plan);
    verify_coverage(plan, &visits, &HashSet::new(), &HashMap::new());
}

/// Re-checks every stop of a plan (working day, shift, opening hours, times in order):
/// the visits per site, as (date, shift).
fn verify_stops(plan: &Value) -> HashMap<String, Vec<(NaiveDate, String)>> {
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
    visits
}

/// Every required site planned as often as the rules say (institutions once, hotspots
/// their night checks less those in `checked`), or left out with a reason; `covered`
/// institutions may be absent.
fn verify_coverage(
    plan: &Value,
    visits: &HashMap<String, Vec<(NaiveDate, String)>>,
    covered: &HashSet<String>,
    checked: &HashMap<String, usize>,
) {
    let sample = gridpatrol::formats::township::load_sample().unwrap();
    let rules = Rules::default();
    let hotspots: HashSet<&str> = sample.hotspots.iter().map(|h| h.id.as_str()).collect();
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
                let left = rules.campaign.hotspot_night_checks as usize
                    - checked.get(*h).copied().unwrap_or(0);
                assert_eq!(v.len(), left, "{h}");
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
            None => assert!(
                unplanned.contains_key(id) || covered.contains(id),
                "{id} missing"
            ),
        }
    }
    if covered.is_empty() {
        let required = plan["sites_required"].as_u64().unwrap() as usize;
        assert_eq!(required, visits.len() + unplanned.len());
    }
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

/// The day-shift stops of a plan as (date, site), in plan order.
fn day_stops(plan: &Value) -> Vec<(String, String)> {
    stops_of(plan, "day")
}

/// The evening-shift stops of a plan as (date, site), in plan order.
fn night_stops(plan: &Value) -> Vec<(String, String)> {
    stops_of(plan, "evening")
}

fn stops_of(plan: &Value, shift: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for day in plan["days"].as_array().unwrap() {
        if day["shift"] != shift {
            continue;
        }
        for team in day["teams"].as_array().unwrap() {
            for stop in team["stops"].as_array().unwrap() {
                out.push((
                    day["date"].as_str().unwrap().to_string(),
                    stop["site"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

fn inspect(ws: &Path, site: &str, at: &str) {
    let (ok, _, err) = gridpatrol(&[
        "inspect",
        site,
        "--at",
        at,
        "--team",
        "T1",
        "--result",
        "compliant",
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
}

fn json_of(ws: &Path, args: &[&str]) -> (Value, String) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--json", "--workspace", ws.to_str().unwrap()]);
    let (ok, out, err) = gridpatrol(&all);
    assert!(ok, "{args:?}: {err}");
    (serde_json::from_str(&out).expect("JSON"), err)
}

/// Days of `plan` on or before `today` (`before`) or after it.
fn days_split(plan: &Value, today: &str, before: bool) -> Vec<Value> {
    plan["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| (d["date"].as_str().unwrap() <= today) == before)
        .cloned()
        .collect()
}

#[test]
fn a_saved_campaign_is_followed_and_its_rest_replanned_around_what_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let plan_args = [
        "campaign",
        "plan",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-13",
        "--teams",
        "2",
        "--iterations",
        "200",
        "--seconds",
        "120",
        "--save",
    ];
    let (saved, err) = json_of(&ws, &plan_args);
    assert!(err.contains("saved as campaign 1"), "{err}");
    assert_eq!(saved["campaign_id"], 1);
    verify(&saved);
    let today = "2026-03-04";
    // A inspected on its day; B (planned after today) early, on the 3rd; C, planned
    // before today, never.
    let stops = day_stops(&saved);
    let (a_day, a) = stops[0].clone();
    let (_, b) = stops
        .iter()
        .find(|(d, _)| d.as_str() > today)
        .cloned()
        .expect("a day-shift visit after today");
    let (c_day, c) = stops
        .iter()
        .find(|(d, s)| d.as_str() < today && *s != a)
        .cloned()
        .expect("a second visit before today");
    inspect(&ws, &a, &format!("{a_day}T10:00"));
    inspect(&ws, &b, "2026-03-03T15:00");
    // D, visited on the 2nd, has a hazard to put right by the 10th: its 整改 check is
    // still due after the re-plan.
    let (d_day, d) = stops
        .iter()
        .find(|(day, s)| day.as_str() < today && *s != a && *s != c)
        .cloned()
        .expect("a third visit before today");
    let (ok, _, err) = gridpatrol(&[
        "inspect",
        &d,
        "--at",
        &format!("{d_day}T11:00"),
        "--team",
        "T1",
        "--result",
        "hazard",
        "--rectify-by",
        "2026-03-10",
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    // A hotspot planned at night before today gets one of its night checks.
    let hotspot_ids: HashSet<String> = gridpatrol::formats::township::load_sample()
        .unwrap()
        .hotspots
        .iter()
        .map(|h| h.id.clone())
        .collect();
    let (h_day, h) = night_stops(&saved)
        .into_iter()
        .find(|(d, s)| d.as_str() < today && hotspot_ids.contains(s))
        .expect("a hotspot checked at night before today");
    inspect(&ws, &h, &format!("{h_day}T19:30"));

    let (progress, _) = json_of(&ws, &["campaign", "progress", "--today", today]);
    assert_eq!(progress["campaign_id"], 1);
    let totals = &progress["totals"];
    assert_eq!(totals["done"], 3, "A, D and the hotspot: {totals}");
    assert_eq!(totals["done_other_day"], 1, "{totals}");
    let overdue: Vec<&str> = progress["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["site"].as_str().unwrap())
        .collect();
    assert!(overdue.contains(&c.as_str()), "{c} on {c_day}: {overdue:?}");
    assert!(!overdue.contains(&a.as_str()));
    let cells = progress["cells"].as_array().unwrap();
    let inspected: u64 = cells
        .iter()
        .map(|c| c["sites_inspected"].as_u64().unwrap())
        .sum();
    assert_eq!(inspected, 4, "{cells:?}");
    let (ok, text, err) = gridpatrol(&[
        "campaign",
        "progress",
        "--today",
        today,
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(
        ok && text.contains("逾期未查") && text.contains("网格"),
        "{err}{text}"
    );

    let (replanned, err) = json_of(
        &ws,
        &[
            "campaign",
            "replan",
            "--today",
            today,
            "--teams",
            "2",
            "--iterations",
            "200",
            "--seconds",
            "120",
            "--save",
        ],
    );
    assert!(err.contains("saved as campaign 2"), "{err}");
    assert_eq!(replanned["replaces"], 1);
    assert_eq!(replanned["campaign_id"], 2);
    let plan = &replanned["plan"];
    // The days up to today as saved, to the byte.
    let kept = days_split(plan, today, true);
    assert!(!kept.is_empty());
    assert_eq!(
        serde_json::to_string(&kept).unwrap(),
        serde_json::to_string(&days_split(&saved, today, true)).unwrap()
    );
    // The rest: every stop valid; A and B never again; C and every other site still
    // due, once (or left out with a reason).
    verify_stops(plan);
    let rest = serde_json::json!({
        "from": "2026-03-05",
        "to": plan["to"],
        "days": days_split(plan, today, false),
        "unplanned": plan["unplanned"],
    });
    let rest_visits = verify_stops(&rest);
    assert!(!rest_visits.contains_key(&a) && !rest_visits.contains_key(&b));
    assert!(
        rest_visits.contains_key(&c),
        "{c} is overdue and must come back"
    );
    let d_again = rest_visits.get(&d).expect("D's 整改 check is planned");
    assert!(
        d_again
            .iter()
            .all(|(day, _)| day.to_string().as_str() <= "2026-03-10"),
        "{d}'s check by its due day: {d_again:?}"
    );
    let covered: HashSet<String> = [a, b].into_iter().collect();
    assert_eq!(
        rest_visits.get(&h).map(Vec::len),
        Some(1),
        "{h} was checked once: one night check left"
    );
    let checked: HashMap<String, usize> = [(h, 1)].into_iter().collect();
    verify_coverage(&rest, &rest_visits, &covered, &checked);
    let changes = &replanned["changes"];
    let old_rest: usize = days_split(&saved, today, false)
        .iter()
        .flat_map(|d| d["teams"].as_array().unwrap().clone())
        .map(|t| t["stops"].as_array().unwrap().len())
        .sum();
    let counted = ["kept", "moved", "dropped"]
        .iter()
        .map(|k| changes[k].as_u64().unwrap() as usize)
        .sum::<usize>();
    assert_eq!(counted, old_rest, "{changes}");
    assert!(changes["dropped"].as_u64().unwrap() >= 1, "B is covered");
    // Fewest changes: most sites the saved plan visited after today keep their date and
    // shift (the planner first holds them there; only what no longer fits moves).
    let periods = |days: Vec<Value>| -> HashMap<String, Vec<(String, String)>> {
        let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for d in days {
            for t in d["teams"].as_array().unwrap() {
                for stop in t["stops"].as_array().unwrap() {
                    let at = (d["date"].to_string(), d["shift"].to_string());
                    out.entry(stop["site"].to_string()).or_default().push(at);
                }
            }
        }
        out.values_mut().for_each(|v| v.sort());
        out
    };
    let (before, after) = (
        periods(days_split(&saved, today, false)),
        periods(days_split(plan, today, false)),
    );
    let still = before
        .iter()
        .filter(|(s, p)| after.get(*s) == Some(p))
        .count();
    assert!(
        2 * still >= before.len(),
        "{still} of {} sites keep their date and shift",
        before.len()
    );
    // The new campaign is the latest; the old one is still there by id.
    let (latest, _) = json_of(&ws, &["campaign", "progress", "--today", today]);
    assert_eq!(latest["campaign_id"], 2);
    let (ok, _, err) = gridpatrol(&[
        "campaign",
        "progress",
        "--id",
        "99",
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("no saved campaign 99"), "{err}");
}
