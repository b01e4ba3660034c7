//! End to end through the real binary: `route`, `matrix` and `network export` on the
//! bundled sample, and clear errors for bad input.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::process::{Command, Output};

fn gridpatrol(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const A: &str = "116.3500,39.9580";
const B: &str = "116.3540,39.9620";

#[test]
fn route_on_the_sample_walks_the_streets() {
    let out = gridpatrol(&["route", "--from", A, "--to", B]);
    let v = json(&out);
    let distance_m = v["distance_m"].as_f64().unwrap();
    let duration_s = v["duration_s"].as_f64().unwrap();
    // At least the straight line (about 560 m), and not absurdly more.
    assert!((560.0..2000.0).contains(&distance_m), "{v}");
    let speed_kmh = distance_m / duration_s * 3.6;
    assert!((4.4..5.0).contains(&speed_kmh), "{speed_kmh}");
    assert_eq!(v["geometry"]["type"], "LineString");
    let coords = v["geometry"]["coordinates"].as_array().unwrap();
    assert!(coords.len() >= 2);
    let snaps = v["snap_m"].as_array().unwrap();
    assert!(snaps
        .iter()
        .all(|s| (0.0..500.0).contains(&s.as_f64().unwrap())));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("MB/s") && stderr.contains("routable in"),
        "{stderr}"
    );
}

#[test]
fn drive_route_is_faster_per_metre_and_gcj02_input_is_converted() {
    let walk = json(&gridpatrol(&["route", "--from", A, "--to", B]));
    let drive = json(&gridpatrol(&[
        "route",
        "--from",
        A,
        "--to",
        B,
        "--profile",
        "drive",
    ]));
    let v = |x: &serde_json::Value, k: &str| x[k].as_f64().unwrap();
    assert!(
        v(&drive, "distance_m") / v(&drive, "duration_s")
            > v(&walk, "distance_m") / v(&walk, "duration_s")
    );
    // The same two points given in GCJ-02 route the same way.
    let to_gcj = |p: &str| {
        let (lon, lat) = p.split_once(',').unwrap();
        let (x, y) = gridpatrol::crs::wgs84_to_gcj02(lon.parse().unwrap(), lat.parse().unwrap());
        format!("{x},{y}")
    };
    let gcj = json(&gridpatrol(&[
        "route",
        "--from",
        &to_gcj(A),
        "--to",
        &to_gcj(B),
        "--crs",
        "gcj02",
    ]));
    assert!(
        (v(&gcj, "duration_s") - v(&walk, "duration_s")).abs() < 1.0,
        "{gcj} vs {walk}"
    );
}

#[test]
fn bad_points_are_clear_errors() {
    let out = gridpatrol(&["route", "--from", "116.35;39.96", "--to", B]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--from") && stderr.contains("LON,LAT"),
        "{stderr}"
    );

    let out = gridpatrol(&["route", "--from", "39.96,116.35", "--to", B]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("outside WGS-84 range"), "{stderr}");

    // Two kilometres east of the sample: no street within the limit.
    let out = gridpatrol(&["route", "--from", "116.39,39.96", "--to", B]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--from 116.39,39.96") && stderr.contains("unreachable"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn network_export_writes_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("walk.geojson");
    let out = gridpatrol(&["network", "export", "--out", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let features = v["features"].as_array().unwrap();
    assert!(features.len() > 100);
    for key in ["from", "to", "length_m", "duration_s", "highway"] {
        assert!(!features[0]["properties"][key].is_null(), "{key}");
    }
    // Nothing else is left in the folder (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn matrix_on_the_sample_matches_route_and_flags_far_sites() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sites.csv");
    std::fs::write(
        &csv,
        format!("id,lon,lat\nA,{A}\nB,{B}\nC,116.3560,39.9600\nFAR,116.39,39.96\n"),
    )
    .unwrap();
    let v = json(&gridpatrol(&["matrix", "--sites", csv.to_str().unwrap()]));
    assert_eq!(v["ids"], serde_json::json!(["A", "B", "C", "FAR"]));
    assert_eq!(v["unreachable"], serde_json::json!(["FAR"]));
    let d = &v["durations_s"];
    for i in 0..3 {
        assert_eq!(d[i][i].as_f64(), Some(0.0));
        assert!(d[i][3].is_null() && d[3][i].is_null());
        for j in 0..3 {
            assert!(d[i][j].as_f64().unwrap() >= 0.0);
            assert!(v["distances_m"][i][j].as_f64().unwrap() >= 0.0);
        }
    }
    let route = json(&gridpatrol(&["route", "--from", A, "--to", B]));
    // The matrix is written to 0.1 s and 0.1 m.
    let near = |a: &serde_json::Value, b: &serde_json::Value| {
        (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() <= 0.05 + 1e-9
    };
    assert!(near(&d[0][1], &route["duration_s"]));
    assert!(near(&v["distances_m"][0][1], &route["distance_m"]));
}

#[test]
fn matrix_with_a_bad_row_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, format!("id,lon,lat\nA,{A}\nB,east,39.96\n")).unwrap();
    let out = gridpatrol(&["matrix", "--sites", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.csv") && stderr.contains("line 3"),
        "{stderr}"
    );
}
