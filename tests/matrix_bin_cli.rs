//! `gridpatrol matrix --format bin` through the real binary on the bundled sample: the
//! file decodes with the library's reader and says what the JSON says; the JSON stays
//! the default.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::path::Path;
use std::process::{Command, Stdio};

use gridpatrol::formats::matrix_bin;

/// Runs `gridpatrol matrix --sites SITES ARGS`, its output into `out`: the stderr.
fn matrix(sites: &Path, args: &[&str], out: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .arg("matrix")
        .arg("--sites")
        .arg(sites)
        .args(args)
        .stdout(Stdio::from(std::fs::File::create(out).unwrap()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

#[test]
fn the_binary_matrix_says_what_the_json_says() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(
        &sites,
        "id,lon,lat\nA,116.3500,39.9580\n乙,116.3540,39.9620\nC,116.3560,39.9600\nFAR,116.39,39.96\nD,116.3525,39.9611\n",
    )
    .unwrap();
    let (json_path, default_path, bin_path) = (
        dir.path().join("m.json"),
        dir.path().join("default.json"),
        dir.path().join("m.bin"),
    );
    matrix(&sites, &["--format", "json"], &json_path);
    matrix(&sites, &[], &default_path);
    matrix(&sites, &["--format", "bin"], &bin_path);
    let json_bytes = std::fs::read(&json_path).unwrap();
    assert_eq!(json_bytes, std::fs::read(&default_path).unwrap());
    let v: serde_json::Value = serde_json::from_slice(&json_bytes).unwrap();
    let bin_bytes = std::fs::read(&bin_path).unwrap();
    assert_eq!(&bin_bytes[..4], b"GPMX");
    let m = matrix_bin::read(&bin_bytes).unwrap();

    let ids = ["A", "乙", "C", "FAR", "D"];
    assert_eq!(m.source_ids, ids);
    assert_eq!(m.target_ids, ids);
    let mut reachable = 0;
    for i in 0..ids.len() {
        for j in 0..ids.len() {
            let pairs = [
                (m.duration_s(i, j), &v["durations_s"][i][j]),
                (m.distance_m(i, j), &v["distances_m"][i][j]),
            ];
            for (bin, json) in pairs {
                match (bin, json.as_f64()) {
                    // JSON has 0.1 s / 0.1 m; f32 keeps far more at these sizes.
                    (Some(b), Some(t)) => assert!(
                        (f64::from(b) - t).abs() <= 0.05 + 1e-3,
                        "{i}->{j}: bin {b}, json {t}"
                    ),
                    (None, None) => assert!(i == 3 || j == 3, "{i}->{j} unreachable"),
                    other => panic!("{i}->{j}: {other:?}"),
                }
            }
            reachable += usize::from(m.duration_s(i, j).is_some());
        }
    }
    assert_eq!(reachable, 16, "every pair but FAR's row and column");
    assert!(m.duration_s(0, 1).unwrap() > 0.0);
}

#[test]
fn an_unknown_format_is_refused_with_the_choices() {
    let out = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["matrix", "--sites", "x.csv", "--format", "csv"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("json") && stderr.contains("bin"),
        "{stderr}"
    );
}

/// `id,lon,lat` rows for `sites` as a CSV file in `dir`.
fn sites_file(dir: &Path, name: &str, sites: &[(String, f64, f64)]) -> std::path::PathBuf {
    let mut text = String::from("id,lon,lat\n");
    for (id, lon, lat) in sites {
        text.push_str(&format!("{id},{lon:.6},{lat:.6}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_matrix_written_band_by_band_says_what_small_searches_say() {
    // 760 sites: 577 600 pairs, more than one band holds, so the rows come in two bands
    // (and from the hierarchy); 20 sites are answered at once by the plain search.
    let grid: Vec<(String, f64, f64)> = (0..760)
        .map(|k| {
            let (col, row) = ((k % 40) as f64, (k / 40) as f64);
            (
                format!("S{k}"),
                116.3470 + col * 0.0004,
                39.9550 + row * 0.0006,
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let all_path = dir.path().join("all.json");
    matrix(&sites_file(dir.path(), "all.csv", &grid), &[], &all_path);
    let all: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&all_path).unwrap()).unwrap();
    for (name, first) in [("head", 0), ("tail", 740)] {
        let part = &grid[first..first + 20];
        let out = dir.path().join(format!("{name}.json"));
        matrix(
            &sites_file(dir.path(), &format!("{name}.csv"), part),
            &[],
            &out,
        );
        let small: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let mut compared = 0;
        for key in ["durations_s", "distances_m"] {
            for i in 0..20 {
                for j in 0..20 {
                    let (big, few) = (&all[key][first + i][first + j], &small[key][i][j]);
                    match (big.as_f64(), few.as_f64()) {
                        (Some(a), Some(b)) => {
                            assert!(
                                (a - b).abs() <= 0.1 + 1e-9,
                                "{key} {name} {i}->{j}: {a} vs {b}"
                            );
                            compared += 1;
                        }
                        _ => assert_eq!(big, few, "{key} {name} {i}->{j}"),
                    }
                }
            }
        }
        assert!(compared > 600, "{name}: only {compared} pairs reachable");
    }
}
