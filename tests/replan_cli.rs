//! The lead's pins and `plan --from-now` through the real binary on the bundled sample:
//! pins hold in every plan, and a re-plan keeps what is done, starts each team where it
//! is and leaves the rest of an on-time shift with the teams that had it.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in, gridpatrol_in_ok};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

const DATE: &str = "2026-11-23";
const TWO: [&str; 2] = ["--teams", "2"];

fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("ws.sqlite");
    gridpatrol_in_ok(&ws, &["init"]);
    ws
}

fn plan(ws: &Path, date: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "plan",
        "--date",
        date,
        "--iterations",
        "60",
        "--seconds",
        "60",
        "--json",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&gridpatrol_in_ok(ws, &args)).expect("plan JSON")
}

/// Site id to team id of every planned stop.
fn assignments(plan: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for team in plan["teams"].as_array().unwrap() {
        for stop in team["stops"].as_array().unwrap() {
            let site = stop["site_id"].as_str().unwrap().to_string();
            out.insert(site, team["team"].as_str().unwrap().to_string());
        }
    }
    out
}

fn unassigned_reason(plan: &Value, site: &str) -> Option<String> {
    plan["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["site_id"] == site)
        .map(|u| u["reason"].as_str().unwrap().to_string())
}

fn team_stops<'a>(plan: &'a Value, team: &str) -> &'a Vec<Value> {
    let t = plan["teams"].as_array().unwrap().iter();
    t.clone()
        .find(|t| t["team"] == team)
        .map(|t| t["stops"].as_array().unwrap())
        .unwrap()
}

#[test]
fn pins_hold_in_every_plan_until_removed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let first = plan(&ws, DATE, &TWO);
    let planned = assignments(&first);
    // The site moved to T2 is a must-visit one, so T2 makes room for it (a routine
    // site may rightly give way to more urgent ones on a full day).
    let moved = &team_stops(&first, "T1")
        .iter()
        .find(|s| s["class"] == "mandatory")
        .map(|s| s["site_id"].as_str().unwrap().to_string())
        .expect("T1 visits a must-visit site");
    let on_t1: Vec<&String> = planned
        .iter()
        .filter(|(s, t)| t.as_str() == "T1" && *s != moved)
        .map(|(s, _)| s)
        .collect();
    let (excluded, later) = (on_t1[0], on_t1[1]);
    let left_out = first["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["reason"] == "no_time" && u["class"] != "mandatory")
        .map(|u| u["site_id"].as_str().unwrap().to_string())
        .expect("the sample leaves some site out for lack of time");
    gridpatrol_in_ok(
        &ws,
        &["pin", "add", moved, "--team", "T2", "--note", "熟悉"],
    );
    let to_t2 = assignments(&plan(&ws, DATE, &TWO));
    assert_eq!(to_t2.get(moved).map(String::as_str), Some("T2"));

    gridpatrol_in_ok(&ws, &["pin", "add", excluded, "--exclude"]);
    gridpatrol_in_ok(&ws, &["pin", "add", later, "--day", "2026-11-24"]);
    gridpatrol_in_ok(&ws, &["pin", "add", &left_out, "--must-visit"]);
    let pinned = plan(&ws, DATE, &TWO);
    let now = assignments(&pinned);
    assert_ne!(now.get(moved).map(String::as_str), Some("T1"));
    assert_eq!(
        unassigned_reason(&pinned, excluded).as_deref(),
        Some("excluded")
    );
    assert_eq!(
        unassigned_reason(&pinned, later).as_deref(),
        Some("pinned_to_other_day")
    );
    let class_of = |p: &Value, site: &str| -> String {
        let stops = p["teams"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["stops"].as_array().unwrap());
        let all: Vec<&Value> = stops.chain(p["unassigned"].as_array().unwrap()).collect();
        let v = all.into_iter().find(|v| v["site_id"] == site).unwrap();
        v["class"].as_str().unwrap().to_string()
    };
    assert_eq!(class_of(&pinned, &left_out), "mandatory");
    let next_day = plan(&ws, "2026-11-24", &TWO);
    assert!(assignments(&next_day).contains_key(later));

    // A pin to a team that is not on the shift keeps the site out, with why.
    let one_team = plan(&ws, DATE, &[]);
    assert_eq!(
        unassigned_reason(&one_team, moved).as_deref(),
        Some("pinned_team_off")
    );

    let listed: Value =
        serde_json::from_str(&gridpatrol_in_ok(&ws, &["pin", "list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 4);
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["note"] == "熟悉"));

    let (ok, _, err) = gridpatrol_in(&ws, &["pin", "add", moved, "--exclude"]);
    assert!(
        !ok && err.contains(moved) && err.contains("contradicts"),
        "{err}"
    );
    let (ok, _, err) = gridpatrol_in(&ws, &["pin", "add", "no-such-site", "--must-visit"]);
    assert!(!ok && err.contains("no-such-site"), "{err}");

    gridpatrol_in_ok(&ws, &["pin", "remove", excluded]);
    assert_eq!(unassigned_reason(&plan(&ws, DATE, &TWO), excluded), None);
}

/// Records `site` as inspected by `team` at `clock` on [`DATE`].
fn record(ws: &Path, site: &str, team: &str, clock: &str) {
    let at = format!("{DATE}T{clock}");
    gridpatrol_in_ok(
        ws,
        &[
            "inspect",
            site,
            "--at",
            &at,
            "--team",
            team,
            "--result",
            "compliant",
        ],
    );
}

/// `HH:MM` of `seconds` since midnight, rounded down to the minute.
fn minute(seconds: f64) -> String {
    let m = (seconds / 60.0).floor() as u32;
    format!("{:02}:{:02}", m / 60, m % 60)
}

#[test]
fn from_now_keeps_done_stops_and_an_on_time_team_keeps_its_route() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let (ok, _, err) = gridpatrol_in(&ws, &["plan", "--date", DATE, "--from-now", "10:00"]);
    assert!(!ok && err.contains("no saved day plan"), "{err}");

    let before = plan(&ws, DATE, &["--save"]);
    // The team reports each of its first three stops as it leaves, on the minute.
    let now = minute(
        team_stops(&before, "T1")[2]["departure_s"]
            .as_f64()
            .unwrap(),
    );
    let mut done = BTreeSet::new();
    for stop in &team_stops(&before, "T1")[..3] {
        let site = stop["site_id"].as_str().unwrap();
        let left = minute(stop["departure_s"].as_f64().unwrap());
        record(&ws, site, "T1", &left);
        done.insert(site.to_string());
    }
    let after = plan(&ws, DATE, &["--from-now", &now]);
    let from_now = &after["from_now"];
    assert_eq!(from_now["done"].as_array().unwrap().len(), 3);
    assert_eq!(from_now["at"], now.as_str());

    let kept = assignments(&after);
    assert!(
        done.iter().all(|s| !kept.contains_key(s)),
        "done stops are not planned again"
    );
    let rest = assignments(&before)
        .into_keys()
        .filter(|s| !done.contains(s));
    // The re-plan starts from the route under way; it drops a site of it only for a
    // better plan (more must-visit sites, then more priority), and says so.
    let changes = from_now["changes"].as_array().unwrap();
    let mandatory = |plan: &Value| {
        team_stops(plan, "T1")
            .iter()
            .filter(|s| s["class"] == "mandatory" && !done.contains(s["site_id"].as_str().unwrap()))
            .count()
    };
    assert!(mandatory(&after) >= mandatory(&before));
    let mut dropped = 0;
    let rest: Vec<String> = rest.collect();
    let rest_count = rest.len();
    for site in rest {
        if !kept.contains_key(&site) {
            dropped += 1;
            assert!(
                changes.iter().any(|c| c["site_id"] == site.as_str()
                    && c["from_team"] == "T1"
                    && c["to_team"].is_null()),
                "{site} left the plan without a change saying so: {changes:?}"
            );
        }
    }
    assert!(
        dropped < rest_count,
        "an on-time team keeps its route, swapping sites only for better ones"
    );
    for change in changes {
        assert!(
            change["from_team"].is_null() || change["to_team"].is_null(),
            "one team: sites are added or dropped, never moved: {change}"
        );
    }
    let now_s = team_stops(&before, "T1")[2]["departure_s"]
        .as_f64()
        .unwrap()
        - 60.0;
    for stop in team_stops(&after, "T1") {
        assert!(stop["start_s"].as_f64().unwrap() >= now_s);
    }
    let (ok, _, err) = gridpatrol_in(&ws, &["plan", "--date", DATE, "--from-now", "23:00"]);
    assert!(!ok && err.contains("shift is over"), "{err}");
    let (ok, _, err) = gridpatrol_in(&ws, &["plan", "--date", DATE, "--from-now", "25:99"]);
    assert!(!ok && err.contains("--from-now"), "{err}");
}

#[test]
fn a_team_sets_out_from_its_last_done_stop() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let before = plan(&ws, DATE, &["--teams", "2", "--save"]);
    let last = &team_stops(&before, "T1")[2];
    for stop in &team_stops(&before, "T1")[..3] {
        let site = stop["site_id"].as_str().unwrap();
        record(&ws, site, "T1", stop["start"].as_str().unwrap());
    }
    let after = plan(&ws, DATE, &["--from-now", "12:00"]);
    let t1 = after["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team"] == "T1")
        .expect("T1 still has stops");
    let start = &t1["geometry"][0];
    let (dx, dy) = (
        (start[0].as_f64().unwrap() - last["lon"].as_f64().unwrap()) * 85_000.0,
        (start[1].as_f64().unwrap() - last["lat"].as_f64().unwrap()) * 111_000.0,
    );
    assert!(
        dx.hypot(dy) < 300.0,
        "T1 sets out {:.0} m from its last stop",
        dx.hypot(dy)
    );
    assert_eq!(t1["departure"], "12:00");
}

#[test]
fn a_weekend_shift_on_a_working_day_is_noted() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let args = [
        "plan",
        "--date",
        DATE,
        "--shift",
        "weekend",
        "--iterations",
        "10",
        "--json",
    ];
    let (ok, _, err) = gridpatrol_in(&ws, &args);
    assert!(ok && err.contains("is a working day"), "{err}");
    let saturday = [
        "plan",
        "--date",
        "2026-11-28",
        "--shift",
        "weekend",
        "--iterations",
        "10",
        "--json",
    ];
    let (ok, _, err) = gridpatrol_in(&ws, &saturday);
    assert!(ok && !err.contains("is a working day"), "{err}");
}
