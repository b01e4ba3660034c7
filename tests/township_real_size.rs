//! The real-size township in `data/townships/haidian-tsinghua/` through the real binary:
//! `init --from` loads every layer, a day plan for three teams works on its streets, and
//! coverage reports every cell. The checks read the folder's own files, not the planner's.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in, gridpatrol_in_ok, gridpatrol_ok};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

const FOLDER: &str = "data/townships/haidian-tsinghua";
const OSM: &str = "data/townships/haidian-tsinghua/osm/haidian-tsinghua.osm.pbf";
/// How far a site may lie from the street it is reached on (metres): a courtyard's depth.
const SNAP_M: f64 = 150.0;

/// A fresh workspace made from the folder, and what `init` printed.
fn init(dir: &Path) -> (PathBuf, String) {
    let ws = dir.join("ws.sqlite");
    let out = gridpatrol_ok(&[
        "init",
        "--workspace",
        ws.to_str().unwrap(),
        "--from",
        FOLDER,
    ]);
    (ws, out)
}

fn geojson(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(Path::new(FOLDER).join(file)).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["features"].as_array().unwrap().clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn point(v: &Value) -> (f64, f64) {
    (f(&v[0]), f(&v[1]))
}

/// Metres between two WGS-84 points (equirectangular; fine over a few km).
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let k = ((a.1 + b.1) / 2.0).to_radians().cos();
    ((a.0 - b.0) * k).hypot(a.1 - b.1) * 111_195.0
}

/// The point of segment a-b nearest p.
fn nearest_on_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let k = p.1.to_radians().cos();
    let (dx, dy) = ((b.0 - a.0) * k, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * k * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
}

fn inside(p: (f64, f64), ring: &[(f64, f64)]) -> bool {
    let mut hit = false;
    for w in ring.windows(2) {
        let ((x1, y1), (x2, y2)) = (w[0], w[1]);
        if (y1 > p.1) != (y2 > p.1) && p.0 < x1 + (p.1 - y1) * (x2 - x1) / (y2 - y1) {
            hit = !hit;
        }
    }
    hit
}

/// Metres from p to the nearest edge of a ring.
fn to_edge(p: (f64, f64), ring: &[(f64, f64)]) -> f64 {
    ring.windows(2)
        .map(|w| metres(p, nearest_on_segment(p, w[0], w[1])))
        .fold(f64::INFINITY, f64::min)
}

/// The grid cells (id, outer ring) from the folder's cells.geojson.
fn cells() -> Vec<(String, Vec<(f64, f64)>)> {
    geojson("cells.geojson")
        .iter()
        .map(|c| {
            let ring = c["geometry"]["coordinates"][0]
                .as_array()
                .unwrap()
                .iter()
                .map(point)
                .collect();
            (c["properties"]["id"].as_str().unwrap().to_string(), ring)
        })
        .collect()
}

/// A site's position and its opening spans on the plan's day, seconds from midnight.
type Site = ((f64, f64), Vec<(f64, f64)>);

/// The day the tests plan (a Wednesday, a working day).
const PLAN_DAY: &str = "2026-11-25";

/// Institution id → its position and its opening spans on [`PLAN_DAY`], from
/// institutions.csv (weekly hours in OSM or Chinese form, read with the calendar).
fn institutions() -> HashMap<String, Site> {
    use gridpatrol::calendar::{Calendar, OpeningHours};
    let day = chrono::NaiveDate::parse_from_str(PLAN_DAY, "%Y-%m-%d").unwrap();
    let mut reader = csv::Reader::from_path(Path::new(FOLDER).join("institutions.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, lon, lat, hours) = (col("id"), col("lon"), col("lat"), col("open_hours"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let spans = match r[hours].trim() {
                "" => Vec::new(),
                text => OpeningHours::parse(text)
                    .unwrap_or_else(|e| panic!("{}: {text:?}: {e}", &r[id]))
                    .spans_on(day, Calendar::china())
                    .iter()
                    .map(|s| (s.start, s.end))
                    .collect(),
            };
            let at = (r[lon].parse().unwrap(), r[lat].parse().unwrap());
            (r[id].to_string(), (at, spans))
        })
        .collect()
}

#[test]
fn init_from_the_folder_loads_every_layer() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = init(dir.path());
    let rows = institutions().len();
    let (schools, hotspots) = (
        geojson("schools.geojson").len(),
        geojson("hotspots.geojson").len(),
    );
    // The folder's own sizes, as its README states them …
    assert_eq!((rows, cells().len()), (500, 20));
    assert!(
        schools >= 10 && hotspots >= 40,
        "{schools} schools, {hotspots} hotspots"
    );
    // … all of them loaded, and a street network of real size.
    let expected = format!(
        "{rows} institutions, {schools} schools, 20 cells, {hotspots} hotspots, 1 depots, "
    );
    assert!(out.contains(&expected), "{out}");
    let segments: usize = out
        .rsplit(", ")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no street segment count in {out:?}"));
    assert!(segments > 5_000, "{out}");
}

#[test]
fn three_teams_plan_a_day_on_the_real_size_townships_streets() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, _) = init(dir.path());
    let args = [
        "plan",
        "--date",
        PLAN_DAY,
        "--teams",
        "3",
        "--iterations",
        "40",
        "--seconds",
        "120",
        "--json",
    ];
    // No --osm: the workspace plans on the extract it was made from.
    let (ok, out, err) = gridpatrol_in(&ws, &args);
    assert!(ok, "{err}");
    let extract = std::path::Path::new(OSM)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    assert!(err.contains(extract), "planned on {extract}: {err}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    let sites = institutions();
    let cells = cells();
    let teams = plan["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 3);
    let mut planned = 0;
    for team in teams {
        let route: Vec<(f64, f64)> = team["geometry"]
            .as_array()
            .unwrap()
            .iter()
            .map(point)
            .collect();
        assert!(
            route.len() > 2,
            "{} has no route on the streets",
            team["team"]
        );
        let mut previous = route[0];
        for stop in team["stops"].as_array().unwrap() {
            let id = stop["site_id"].as_str().unwrap();
            let (at, spans) = &sites[id];
            // Every stop lies in exactly one cell: the cells tile the township.
            let home: Vec<_> = cells.iter().filter(|(_, ring)| inside(*at, ring)).collect();
            assert_eq!(home.len(), 1, "{id} lies in {} cells", home.len());
            let (cell, ring) = home[0];
            // It is reached on the network: the team's street route passes it closely …
            let snapped = route
                .windows(2)
                .map(|w| nearest_on_segment(*at, w[0], w[1]))
                .min_by(|a, b| metres(*at, *a).total_cmp(&metres(*at, *b)))
                .unwrap();
            let off = metres(*at, snapped);
            assert!(off <= SNAP_M, "{id} is {off:.0} m from its team's route");
            // … on its own cell's streets, unless it sits by the cell's edge.
            assert!(
                inside(snapped, ring) || to_edge(*at, ring) <= SNAP_M,
                "{id} in {cell} is reached on a street of another cell"
            );
            // Legs are walked on streets, never shorter than the straight line.
            assert!(f(&stop["leg_distance_m"]) + 1.0 >= metres(previous, *at) - 2.0 * SNAP_M);
            // Inside that weekday's opening hours (an institution closed all day is
            // never planned).
            let (start, leave) = (f(&stop["start_s"]), f(&stop["departure_s"]));
            assert!(
                spans
                    .iter()
                    .any(|(a, b)| start >= a - 1e-6 && leave <= b + 1e-6),
                "{id} visited {}-{} outside {spans:?}",
                stop["start"],
                stop["departure"]
            );
            previous = *at;
            planned += 1;
        }
    }
    let summary = &plan["summary"];
    assert_eq!(f(&summary["candidates"]) as usize, sites.len(), "{summary}");
    assert_eq!(f(&summary["planned"]) as usize, planned, "{summary}");
    assert!(planned >= 30, "three teams visit a fair share: {summary}");
    assert!(
        f(&summary["mandatory_planned"]) > 0.0,
        "tip-offs come first: {summary}"
    );
}

#[test]
fn coverage_reports_every_cell_of_the_real_size_township() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, _) = init(dir.path());
    let out = gridpatrol_in_ok(
        &ws,
        &[
            "coverage",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--json",
        ],
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    let rows = report["cells"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    let sites: f64 = rows.iter().map(|c| f(&c["sites_total"])).sum();
    assert_eq!(
        sites as usize,
        institutions().len(),
        "every institution in one cell"
    );
    let hotspots: f64 = rows.iter().map(|c| f(&c["hotspots_total"])).sum();
    assert!(hotspots as usize >= geojson("hotspots.geojson").len());
    assert!(
        rows.iter().all(|c| f(&c["street_m"]) > 1_000.0),
        "every cell has streets"
    );
}

#[test]
fn sweep_takes_the_workspaces_cells_and_extract() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, _) = init(dir.path());
    let ws = ws.to_str().unwrap();
    let listed = gridpatrol_ok(&["sweep", "--workspace", ws, "--list-cells"]);
    let ids: Vec<&str> = listed
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let expected: Vec<String> = cells().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), expected.len(), "{listed}");
    assert!(ids.iter().all(|id| expected.iter().any(|e| e == id)));
    let (first, ring) = cells().into_iter().next().unwrap();
    let out = gridpatrol_ok(&["sweep", "--workspace", ws, "--cell", &first, "--json"]);
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["cell"], first.as_str());
    assert!(f(&plan["required_m"]) > 1_000.0);
    // What it sweeps are the real township's streets of that cell (not the sample's).
    let swept: Vec<(f64, f64)> = plan["swept_geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|line| line.as_array().unwrap().iter().map(point))
        .collect();
    assert!(!swept.is_empty());
    let near = swept
        .iter()
        .filter(|p| inside(**p, &ring) || to_edge(**p, &ring) < 60.0)
        .count();
    assert_eq!(near, swept.len(), "every swept street lies in cell {first}");
}
