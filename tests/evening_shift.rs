//! The evening shift (晚查) through the real binary on the bundled sample: the
//! institutions open only 17:30-21:00 cannot be visited by the day shift, and the evening
//! shift plans them inside their opening hours; `night` keeps visiting hotspots only.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::gridpatrol;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Monday 23 November 2026, a working day.
const DATE: &str = "2026-11-23";

fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("ws.sqlite");
    let (ok, _, err) = gridpatrol(&["init", "--workspace", ws.to_str().unwrap()]);
    assert!(ok, "{err}");
    ws
}

fn plan(ws: &Path, shift: &str, teams: &str) -> Value {
    let args = [
        "plan",
        "--date",
        DATE,
        "--shift",
        shift,
        "--teams",
        teams,
        "--iterations",
        "300",
        "--seconds",
        "120",
        "--json",
        "--workspace",
        ws.to_str().unwrap(),
    ];
    let (ok, out, err) = gridpatrol(&args);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("plan JSON")
}

/// The sample's institutions open only 17:30-21:00, read from its CSV.
fn evening_only() -> HashSet<String> {
    let mut reader = csv::Reader::from_path("data/institutions.csv").unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, hours) = (col("id"), col("open_hours"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[hours] == "17:30-21:00")
        .map(|r| r[id].to_string())
        .collect()
}

fn clock(text: &str) -> f64 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<f64>().unwrap() * 3600.0 + m.parse::<f64>().unwrap() * 60.0
}

fn visits(plan: &Value) -> Vec<&Value> {
    plan["teams"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["stops"].as_array().unwrap())
        .collect()
}

#[test]
fn the_evening_shift_plans_the_institutions_the_day_shift_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let evening_only = evening_only();
    assert_eq!(evening_only.len(), 22, "the sample's evening institutions");

    let day = plan(&ws, "day", "3");
    let in_day: Vec<&Value> = visits(&day)
        .into_iter()
        .filter(|v| evening_only.contains(v["site_id"].as_str().unwrap()))
        .collect();
    assert!(in_day.is_empty(), "the day shift ends at 17:30: {in_day:?}");
    let outside_day: Vec<&Value> = day["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["reason"] == "outside_shift")
        .collect();
    let explained: HashSet<&str> = outside_day
        .iter()
        .map(|u| u["site_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        explained,
        evening_only.iter().map(String::as_str).collect(),
        "the day plan explains every evening-only site"
    );
    let must_visit: HashSet<&str> = outside_day
        .iter()
        .filter(|u| u["mandatory"] == true)
        .map(|u| u["site_id"].as_str().unwrap())
        .collect();
    assert!(
        !must_visit.is_empty(),
        "the sample has tip-offs at evening sites"
    );

    let evening = plan(&ws, "evening", "3");
    let planned: HashSet<&str> = visits(&evening)
        .iter()
        .map(|v| v["site_id"].as_str().unwrap())
        .collect();
    let missing: Vec<&&str> = must_visit.difference(&planned).collect();
    assert!(
        missing.is_empty(),
        "the evening shift plans every must-visit site the day shift could not: {missing:?}"
    );
    let more = evening_only
        .iter()
        .filter(|id| planned.contains(id.as_str()))
        .count();
    assert!(more >= must_visit.len(), "{more}");
    // Inside the opening hours and the shift (17:30-21:30), with the 20-minute visit.
    for v in visits(&evening) {
        let (start, end) = (
            clock(v["start"].as_str().unwrap()),
            clock(v["departure"].as_str().unwrap()),
        );
        assert!(start >= clock("17:30") && end <= clock("21:30"), "{v}");
        if evening_only.contains(v["site_id"].as_str().unwrap()) {
            assert!(end <= clock("21:00"), "closes at 21:00: {v}");
        }
    }
    let kinds: HashSet<&str> = visits(&evening)
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains("institution"), "{kinds:?}");
}

#[test]
fn night_still_visits_hotspots_only_and_unknown_shifts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let night = plan(&ws, "night", "1");
    assert!(!visits(&night).is_empty());
    assert!(visits(&night).iter().all(|v| v["kind"] == "hotspot"));
    let (ok, _, err) = gridpatrol(&[
        "plan",
        "--date",
        DATE,
        "--shift",
        "noon",
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("use day, evening, night or weekend"), "{err}");
}
