//! `gridpatrol network export` writes its GeoJSON as it goes, through a temporary file
//! renamed at the end: the file is whole, short (6-decimal coordinates) and an earlier
//! file survives an export that fails.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::process::Command;

fn export(args: &[&str], out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["network", "export"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn the_export_is_whole_with_six_decimal_coordinates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("walk.geojson");
    let out = export(&["--profile", "walk"], &path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    assert!(features.len() > 100);
    let mut positions = 0;
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "LineString");
        for c in f["geometry"]["coordinates"].as_array().unwrap() {
            for x in c.as_array().unwrap() {
                let text = x.to_string();
                let decimals = text.split('.').nth(1).map_or(0, str::len);
                assert!(decimals <= 6, "{text}");
            }
            positions += 1;
        }
    }
    assert!(positions >= 2 * features.len());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_failed_export_leaves_the_earlier_file_and_no_temporary_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.geojson");
    std::fs::write(&path, "earlier").unwrap();
    let bad_osm = dir.path().join("broken.osm.pbf");
    std::fs::write(&bad_osm, b"\0\0\0\x0dnot a pbf at all").unwrap();
    let out = export(&["--osm", bad_osm.to_str().unwrap()], &path);
    assert!(!out.status.success());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "earlier");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    // A folder that is not there: the error names the folder, nothing is written.
    let nowhere = dir.path().join("missing").join("graph.geojson");
    let out = export(&["--profile", "walk"], &nowhere);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
}
