//! End to end through the real binary: the contraction hierarchy is built once, kept in
//! the routing cache, read back on the next run, rebuilt when the file is damaged, and
//! gives the same matrix as the plain search.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::path::Path;
use std::process::Command;

fn matrix(sites: &Path, cache: Option<&Path>, profile: &str) -> (serde_json::Value, String) {
    let mut args = vec![
        "matrix".to_string(),
        "--profile".into(),
        profile.into(),
        "--sites".into(),
        sites.display().to_string(),
    ];
    if let Some(dir) = cache {
        args.extend(["--routing-cache".into(), dir.display().to_string()]);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(&args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

fn sites(dir: &Path) -> std::path::PathBuf {
    let mut csv = String::from("id,lon,lat\n");
    for i in 0..12 {
        let lon = 116.3495 + 0.0011 * f64::from(i % 4);
        let lat = 39.9575 + 0.0017 * f64::from(i / 4);
        csv.push_str(&format!("S{i},{lon:.6},{lat:.6}\n"));
    }
    let path = dir.join("sites.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn the_hierarchy_is_kept_read_back_and_rebuilt_when_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let sites = sites(dir.path());
    let cache = dir.path().join("cache");
    for profile in ["walk", "drive"] {
        let (plain, _) = matrix(&sites, None, profile);
        let (built, err) = matrix(&sites, Some(&cache), profile);
        assert!(err.contains("routing hierarchy built"), "{err}");
        assert_eq!(
            built, plain,
            "{profile}: the hierarchy answers as the plain search"
        );
        let (read, err) = matrix(&sites, Some(&cache), profile);
        assert!(err.contains("routing hierarchy from"), "{err}");
        assert_eq!(read, plain);
    }
    let files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "one file per profile: {files:?}");
    // A damaged file is said and replaced, never trusted.
    let mut bytes = std::fs::read(&files[0]).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    std::fs::write(&files[0], &bytes).unwrap();
    let profile = if files[0].to_string_lossy().contains("walk") {
        "walk"
    } else {
        "drive"
    };
    let (plain, _) = matrix(&sites, None, profile);
    let (again, err) = matrix(&sites, Some(&cache), profile);
    assert!(
        err.contains("rebuilding it") && err.contains("routing hierarchy built"),
        "{err}"
    );
    assert_eq!(again, plain);
    let (_, err) = matrix(&sites, Some(&cache), profile);
    assert!(err.contains("routing hierarchy from"), "{err}");
}

#[test]
fn a_plan_reads_the_cache_but_builds_no_hierarchy_it_does_not_need() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("town.sqlite");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
            .args(args)
            .arg("--workspace")
            .arg(&ws)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{args:?}: {stderr}");
        stderr
    };
    run(&["init"]);
    let plan = [
        "plan",
        "--date",
        "2026-11-26",
        "--iterations",
        "200",
        "--json",
    ];
    // The sample's plan is small: one plain search per site beats building a hierarchy.
    let err = run(&plan);
    assert!(!err.contains("routing hierarchy"), "{err}");
    let cache = dir.path().join("town.sqlite-routing");
    assert!(!cache.exists() || std::fs::read_dir(&cache).unwrap().count() == 0);
    // Once one is kept beside the workspace (here by `matrix`), plans read it.
    let sites = sites(dir.path());
    let (_, err) = matrix(&sites, Some(&cache), "walk");
    assert!(err.contains("routing hierarchy built"), "{err}");
    let err = run(&plan);
    assert!(err.contains("routing hierarchy from"), "{err}");
}
