//! `gridpatrol sweep` through the real binary, on the bundled sample township.

mod cli_support;
use cli_support::gridpatrol;

use std::process::Command;

use serde_json::Value;

/// `(id, street metres)` of every cell, from `--list-cells`.
fn cells() -> Vec<(String, f64)> {
    let (ok, stdout, stderr) = gridpatrol(&["sweep", "--list-cells"]);
    assert!(ok, "{stderr}");
    stdout
        .lines()
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            assert_eq!(fields.len(), 4, "id, name, officer, street metres: {l:?}");
            (
                fields[0].to_string(),
                fields[3].parse().expect("street metres"),
            )
        })
        .collect()
}

#[test]
fn list_then_sweep_the_largest_cell_as_json() {
    let cells = cells();
    assert!(!cells.is_empty());
    let (id, street_m) = cells
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .cloned()
        .unwrap();
    assert!(street_m > 0.0);
    let dir = tempfile::tempdir().unwrap();
    let geojson = dir.path().join("route.geojson");
    let (ok, stdout, stderr) = gridpatrol(&[
        "sweep",
        "--cell",
        &id,
        "--json",
        "--shift-minutes",
        "60",
        "--geojson",
        geojson.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(plan["cell"], id.as_str());
    let total = plan["total_m"].as_f64().unwrap();
    let required = plan["required_m"].as_f64().unwrap();
    let unreachable = plan["unreachable_m"].as_f64().unwrap();
    // The listing clips without connectors: the same street length, reached or not.
    assert!(
        (required + unreachable - street_m).abs() < 2.0,
        "{required} + {unreachable} vs {street_m}"
    );
    assert!(total >= required);
    assert!((plan["deadhead_m"].as_f64().unwrap() - (total - required)).abs() < 0.5);
    let shifts = plan["shifts"].as_array().unwrap();
    assert!(!shifts.is_empty());
    let mut sum = 0.0;
    for s in shifts {
        let length = s["length_m"].as_f64().unwrap();
        // 60 minutes at the default 4.5 km/h.
        assert!(length <= 4500.0 + 0.5, "{length}");
        assert!((s["duration_s"].as_f64().unwrap() - length / 4.5 * 3.6).abs() < 1.0);
        let coords = s["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(
            coords.first(),
            coords.last(),
            "a shift returns to its start"
        );
        assert!(!s["streets"].as_array().unwrap().is_empty());
        sum += length;
    }
    assert!((sum - total).abs() < 1.0);
    assert_eq!(plan["geometry"]["type"], "MultiLineString");
    assert_eq!(
        plan["geometry"]["coordinates"].as_array().unwrap().len(),
        shifts.len()
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&geojson).unwrap()).unwrap();
    assert_eq!(written["features"].as_array().unwrap().len(), shifts.len());
}

#[test]
fn readable_summary_names_the_ratio() {
    let id = cells()[0].0.clone();
    let (ok, stdout, stderr) = gridpatrol(&["sweep", "--cell", &id]);
    if !ok {
        // A cell without streets must say so plainly.
        assert!(stderr.contains("no streets"), "{stderr}");
        return;
    }
    assert!(stdout.contains("ratio"), "{stdout}");
    assert!(stdout.contains("shift 1"), "{stdout}");
}

#[test]
fn unknown_cell_lists_valid_ids() {
    let first = cells()[0].0.clone();
    let (ok, _, stderr) = gridpatrol(&["sweep", "--cell", "no-such-cell"]);
    assert!(!ok);
    assert!(stderr.contains("unknown cell"), "{stderr}");
    assert!(stderr.contains(&first), "{stderr}");
}

#[test]
fn bad_numbers_are_refused() {
    let (ok, _, stderr) = gridpatrol(&["sweep", "--cell", "x", "--shift-minutes", "0"]);
    assert!(!ok);
    assert!(stderr.contains("--shift-minutes"), "{stderr}");
    let (ok, _, stderr) = gridpatrol(&["sweep", "--cell", "x", "--start", "200,10"]);
    assert!(!ok);
    assert!(stderr.contains("outside"), "{stderr}");
}

/// `gridpatrol sweep ... | head -1`: the reader leaves early; the command ends quietly
/// (success, no panic), whether it prints text or JSON.
#[test]
fn a_reader_that_leaves_early_is_no_crash() {
    for args in [
        &["sweep", "--list-cells"][..],
        &["sweep", "--cell", "C01"],
        &["sweep", "--cell", "C01", "--json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the gridpatrol binary runs");
        // Close the reading end before the command has written anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("gridpatrol ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.status.success(), "{args:?}: {stderr}");
    }
}
