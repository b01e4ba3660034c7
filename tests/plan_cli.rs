//! `gridpatrol plan` through the real binary on the bundled sample township, each plan
//! re-checked here against the sample's own files (opening hours, shift windows, the
//! break, the depot) rather than against the planner's own checker.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::gridpatrol;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A fresh workspace made from the bundled sample.
fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("ws.sqlite");
    let (ok, _, err) = gridpatrol(&["init", "--workspace", ws.to_str().unwrap()]);
    assert!(ok, "{err}");
    ws
}

/// Plans with a fixed iteration count (reproducible), returning the JSON.
fn plan(ws: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "plan",
        "--date",
        "2026-11-23",
        "--iterations",
        "40",
        "--seconds",
        "60",
        "--json",
        "--workspace",
        ws.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (ok, out, err) = gridpatrol(&args);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("plan JSON")
}

fn clock(text: &str) -> f64 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<f64>().unwrap() * 3600.0 + m.parse::<f64>().unwrap() * 60.0
}

/// Opening hours per institution id, read from the sample's CSV.
fn opening_hours() -> HashMap<String, Vec<(f64, f64)>> {
    let mut reader = csv::Reader::from_path("data/institutions.csv").unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, hours) = (col("id"), col("open_hours"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let ranges = r[hours]
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let (a, b) = s.split_once('-').unwrap();
                    (clock(a), clock(b))
                })
                .collect();
            (r[id].to_string(), ranges)
        })
        .collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// Times follow each other, stay in the shift, respect the 60-min break, and every
/// visit starts and ends while its site is open.
fn check_day_route(team: &Value, hours: &HashMap<String, Vec<(f64, f64)>>) {
    let (depart, back) = (f(&team["departure_s"]), f(&team["return_s"]));
    assert!(depart >= clock("08:30") - 1e-6 && back <= clock("17:30") + 1e-6);
    let mut t = depart;
    let mut gaps = 0.0f64;
    for stop in team["stops"].as_array().unwrap() {
        let (arrival, start, leave) = (
            f(&stop["arrival_s"]),
            f(&stop["start_s"]),
            f(&stop["departure_s"]),
        );
        assert!(arrival + 1e-6 >= t + f(&stop["leg_duration_s"]), "{stop}");
        assert!(start + 1e-6 >= arrival && leave >= start + 1199.0, "{stop}");
        gaps = gaps.max(arrival - t - f(&stop["leg_duration_s"]));
        let id = stop["site_id"].as_str().unwrap();
        let open = &hours[id];
        assert!(
            open.is_empty()
                || open
                    .iter()
                    .any(|(a, b)| start >= a - 1e-6 && leave <= b + 1e-6),
            "{id} visited {}-{} outside its hours {open:?}",
            stop["start"],
            stop["departure"]
        );
        t = leave;
    }
    // A route that spans midday has its hour-long break somewhere in it.
    if back > clock("13:00") && depart < clock("11:30") {
        let brk = team["break_"].as_str().expect("a lunch break");
        let (a, b) = brk.split_once('-').unwrap();
        assert_eq!(clock(b) - clock(a), 3600.0);
        assert!(clock(a) >= clock("11:30") && clock(a) <= clock("13:00"));
    }
    let legs: f64 = team["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| f(&s["leg_distance_m"]))
        .sum();
    assert!(legs <= f(&team["distance_m"]) + 1e-6);
    let line = team["geometry"].as_array().unwrap();
    let (lon, lat) = (f(&team["depot_lon"]), f(&team["depot_lat"]));
    for end in [&line[0], line.last().unwrap()] {
        let (x, y) = (f(&end[0]), f(&end[1]));
        assert!(
            (x - lon).abs() < 0.003 && (y - lat).abs() < 0.003,
            "route ends near the depot"
        );
    }
}

#[test]
fn day_plan_is_feasible_on_the_sample_and_accounts_for_every_site() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let p = plan(&ws, &["--shift", "day", "--teams", "2"]);
    let hours = opening_hours();
    let teams = p["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 2);
    let mut seen = HashSet::new();
    for team in teams {
        check_day_route(team, &hours);
        for s in team["stops"].as_array().unwrap() {
            assert!(
                seen.insert(s["site_id"].as_str().unwrap().to_string()),
                "visited twice"
            );
            assert_eq!(s["kind"], "institution");
        }
    }
    for u in p["unassigned"].as_array().unwrap() {
        let id = u["site_id"].as_str().unwrap();
        assert!(
            seen.insert(id.to_string()),
            "{id} both planned and unassigned"
        );
        let reason = u["reason"].as_str().unwrap();
        assert!(
            [
                "no_time",
                "unreachable",
                "window_unreachable",
                "skill_missing",
                "closed",
                "outside_shift"
            ]
            .contains(&reason),
            "{u}"
        );
    }
    assert_eq!(
        seen.len(),
        hours.len(),
        "every sample site planned or explained"
    );
    let s = &p["summary"];
    assert!(
        f(&s["planned"]) >= 20.0,
        "two teams visit a fair share: {s}"
    );
    assert!(f(&s["mandatory_planned"]) > 0.0, "tip-offs come first: {s}");
}

#[test]
fn a_site_never_open_in_the_day_shift_is_explained_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let p = plan(&ws, &["--teams", "1"]);
    let hours = opening_hours();
    for u in p["unassigned"].as_array().unwrap() {
        let id = u["site_id"].as_str().unwrap();
        let fits = hours[id]
            .iter()
            .any(|(a, b)| b.min(clock("17:30")) - a.max(clock("08:30")) >= 1200.0)
            || hours[id].is_empty();
        if !fits {
            assert_eq!(u["reason"], "outside_shift", "{u}");
        }
    }
}

#[test]
fn same_seed_same_plan_and_the_night_shift_checks_hotspots() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let night = ["--shift", "night", "--teams", "2", "--seed", "7"];
    let (mut a, mut b) = (plan(&ws, &night), plan(&ws, &night));
    for p in [&mut a, &mut b] {
        p["summary"]["solve_s"] = Value::Null;
    }
    assert_eq!(a, b, "a seed and an iteration count reproduce the plan");
    for team in a["teams"].as_array().unwrap() {
        assert!(f(&team["departure_s"]) >= clock("19:00"));
        assert!(f(&team["return_s"]) <= clock("22:00") + 1e-6);
        for s in team["stops"].as_array().unwrap() {
            assert_eq!(s["kind"], "hotspot");
            assert!(s["site_id"].as_str().unwrap().starts_with('H'));
            assert_eq!(f(&s["departure_s"]) - f(&s["start_s"]), 1800.0);
        }
    }
}

#[test]
fn an_inspection_answers_a_tip_off_in_the_next_plan() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let class_of = |p: &Value, id: &str| -> String {
        let planned = p["teams"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["stops"].as_array().unwrap().iter());
        let left = p["unassigned"].as_array().unwrap().iter();
        let hit = planned.chain(left).find(|s| s["site_id"] == id).unwrap();
        hit["class"].as_str().unwrap().to_string()
    };
    let before = plan(&ws, &[]);
    // I105 has tip-offs and no recent inspection in the sample.
    assert_eq!(class_of(&before, "I105"), "mandatory");
    let w = ws.to_str().unwrap();
    let (ok, _, err) = gridpatrol(&[
        "inspect",
        "I105",
        "--at",
        "2026-11-22T10:00",
        "--team",
        "T1",
        "--result",
        "compliant",
        "--workspace",
        w,
    ]);
    assert!(ok, "{err}");
    let after = plan(&ws, &[]);
    assert_eq!(
        class_of(&after, "I105"),
        "unlicensed",
        "answered; still unlicensed"
    );
}

#[test]
fn joint_inspections_go_to_a_team_with_the_staff_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let where_is = |p: &Value, id: &str| -> (Option<String>, Option<String>) {
        for t in p["teams"].as_array().unwrap() {
            if t["stops"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["site_id"] == id)
            {
                return (Some(t["team"].as_str().unwrap().to_string()), None);
            }
        }
        let u = p["unassigned"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["site_id"] == id);
        (None, u.map(|u| u["reason"].as_str().unwrap().to_string()))
    };
    let nobody = plan(&ws, &["--teams", "2", "--joint-sites", "I105"]);
    assert_eq!(
        where_is(&nobody, "I105"),
        (None, Some("skill_missing".into()))
    );
    let t2 = plan(
        &ws,
        &[
            "--teams",
            "2",
            "--joint-sites",
            "I105",
            "--joint-teams",
            "T2",
        ],
    );
    assert_eq!(
        where_is(&t2, "I105").0.as_deref(),
        Some("T2"),
        "a mandatory site, planned on T2"
    );
    let (ok, _, err) = gridpatrol(&[
        "plan",
        "--date",
        "2026-11-23",
        "--workspace",
        ws.to_str().unwrap(),
        "--joint-teams",
        "T9",
    ]);
    assert!(!ok && err.contains("T9"), "{err}");
}

#[test]
fn geojson_and_gpx_per_team() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let geojson = dir.path().join("plan.geojson");
    let gpx = dir.path().join("gpx");
    let p = plan(
        &ws,
        &[
            "--teams",
            "2",
            "--geojson",
            geojson.to_str().unwrap(),
            "--gpx-dir",
            gpx.to_str().unwrap(),
        ],
    );
    let fc: Value = serde_json::from_slice(&std::fs::read(&geojson).unwrap()).unwrap();
    let features = fc["features"].as_array().unwrap();
    let lines = features
        .iter()
        .filter(|x| x["geometry"]["type"] == "LineString")
        .count();
    let points = features
        .iter()
        .filter(|x| x["geometry"]["type"] == "Point")
        .count();
    assert_eq!(lines, p["teams"].as_array().unwrap().len());
    assert_eq!(points as f64, f(&p["summary"]["planned"]));
    for x in features {
        let g = &x["geometry"];
        let first = if g["type"] == "Point" {
            &g["coordinates"]
        } else {
            &g["coordinates"][0]
        };
        assert!((116.0..117.0).contains(&f(&first[0])) && (39.0..41.0).contains(&f(&first[1])));
    }
    let files: Vec<_> = std::fs::read_dir(&gpx).unwrap().collect();
    assert_eq!(files.len(), lines);
    let text = std::fs::read_to_string(gpx.join("2026-11-23-day-T1.gpx")).unwrap();
    assert!(text.contains("<trkpt") && text.contains("<wpt"));
}

#[test]
fn bad_input_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let w = ws.to_str().unwrap();
    let out = dir.path().join("never.geojson");
    let o = out.to_str().unwrap();
    for (args, says) in [
        (vec!["--date", "23/11/2026"], "--date"),
        (vec!["--date", "2026-11-23", "--teams", "0"], "--teams"),
        (vec!["--date", "2026-11-23", "--depot", "D9"], "D9"),
        (vec!["--date", "2026-11-23", "--shift", "noon"], "noon"),
        (vec!["--date", "2026-11-23", "--team-names", "A,A"], "`A`"),
        (
            vec!["--date", "2026-11-23", "--team-names", ","],
            "--team-names",
        ),
    ] {
        let mut all = vec!["plan", "--workspace", w, "--geojson", o];
        all.extend(args);
        let (ok, _, err) = gridpatrol(&all);
        assert!(!ok, "{all:?} should fail");
        assert!(err.contains(says), "{all:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists());
    }
}
