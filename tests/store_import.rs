//! `gridpatrol init` and `gridpatrol import` through the real binary: the sample
//! workspace, idempotent re-imports, GCJ-02 input, and malformed files changing nothing.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in as run, gridpatrol_in_ok as ok};

use std::path::Path;

use gridpatrol::store::Workspace;

/// `gridpatrol import institutions FILE --crs wgs84` on `ws`, which must succeed.
fn import_institutions(ws: &Path, file: &Path) -> String {
    ok(
        ws,
        &[
            "import",
            "institutions",
            file.to_str().unwrap(),
            "--crs",
            "wgs84",
        ],
    )
}

const HEADER: &str =
    "id,name,kind,subject,licence,address,lon,lat,open_hours,complaints,last_inspected,synthetic\n";

#[test]
fn init_from_sample_has_every_layer_and_streets() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    let out = ok(&ws, &["init"]);
    assert!(out.contains("institutions"), "{out}");
    let c = Workspace::open_existing(&ws).unwrap().counts().unwrap();
    assert!(
        c.sites > 0 && c.cells > 0 && c.schools > 0 && c.hotspots > 0 && c.depots > 0,
        "{c:?}"
    );
    assert!(c.street_segments > 100, "{c:?}");
    let (success, _, err) = run(&ws, &["init"]);
    assert!(!success && err.contains("exists"), "{err}");
    // Coverage works straight away, with street metres from the walk network (~21 km).
    let json = ok(
        &ws,
        &[
            "coverage",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cells = v["cells"].as_array().unwrap();
    let street: f64 = cells.iter().map(|c| c["street_m"].as_f64().unwrap()).sum();
    assert!(street > 10_000.0, "{street}");
    let with_streets = cells
        .iter()
        .filter(|c| c["street_m"].as_f64().unwrap() > 0.0)
        .count();
    assert!(2 * with_streets > cells.len(), "{json}");
}

#[test]
fn reimport_updates_by_id_and_malformed_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    drop(Workspace::open(&ws).unwrap());
    let f = dir.path().join("inst.csv");
    std::fs::write(
        &f,
        format!("{HEADER}A1,甲,training,subject,licensed,,116.35,39.96,,0,,false\nA2,乙,care,,unlicensed,,116.351,39.961,,2,,false\n"),
    )
    .unwrap();
    let first = ok(
        &ws,
        &[
            "import",
            "institutions",
            f.to_str().unwrap(),
            "--crs",
            "wgs84",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(
        (
            v["added"].as_u64(),
            v["updated"].as_u64(),
            v["unchanged"].as_u64()
        ),
        (Some(2), Some(0), Some(0))
    );
    let again = import_institutions(&ws, &f);
    assert!(
        again.contains("added 0, updated 0, unchanged 2, rejected 0"),
        "{again}"
    );
    std::fs::write(
        &f,
        format!("{HEADER}A1,甲改,training,subject,licensed,,116.35,39.96,,0,,false\nA2,乙,care,,unlicensed,,116.351,39.961,,2,,false\nA3,丙,training,,registered_only,,116.352,39.962,,0,,false\n"),
    )
    .unwrap();
    let third = import_institutions(&ws, &f);
    assert!(third.contains("added 1, updated 1, unchanged 1"), "{third}");

    let before = std::fs::read(&ws).unwrap();
    let names = |ws: &Path| -> Vec<String> {
        Workspace::open_existing(ws)
            .unwrap()
            .institutions()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    let snapshot = names(&ws);
    // A bad number on line 3: nothing of the file is imported, the error names the line.
    std::fs::write(
        &f,
        format!("{HEADER}A1,新名,training,subject,licensed,,116.35,39.96,,0,,false\nA4,丁,training,,licensed,,116.3x,39.96,,0,,false\n"),
    )
    .unwrap();
    let (success, _, err) = run(
        &ws,
        &[
            "import",
            "institutions",
            f.to_str().unwrap(),
            "--crs",
            "wgs84",
        ],
    );
    assert!(!success, "a malformed file was accepted");
    assert!(err.contains("line 3"), "{err}");
    assert_eq!(names(&ws), snapshot);
    // Truncated GeoJSON: refused, nothing changed.
    let g = dir.path().join("cells.geojson");
    std::fs::write(&g, r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[116.34,39.95],[116.36,39.95]"#).unwrap();
    let (success, _, err) = run(
        &ws,
        &["import", "cells", g.to_str().unwrap(), "--crs", "wgs84"],
    );
    assert!(!success && err.contains("cells.geojson"), "{err}");
    let c = Workspace::open_existing(&ws).unwrap().counts().unwrap();
    assert_eq!((c.sites, c.cells), (3, 0));
    Workspace::open_existing(&ws)
        .unwrap()
        .integrity_check()
        .unwrap();
    assert!(!before.is_empty());
}

#[test]
fn gcj02_input_is_stored_as_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    drop(Workspace::open(&ws).unwrap());
    let (lon, lat) = gridpatrol::crs::wgs84_to_gcj02(116.35, 39.96);
    let f = dir.path().join("inst.csv");
    std::fs::write(
        &f,
        format!("{HEADER}G1,高德点,training,,licensed,,{lon},{lat},,0,,false\n"),
    )
    .unwrap();
    ok(
        &ws,
        &[
            "import",
            "institutions",
            f.to_str().unwrap(),
            "--crs",
            "gcj02",
        ],
    );
    let s = &Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap()[0];
    let d = gridpatrol::units::haversine_m(s.location.lon_lat(), (116.35, 39.96));
    assert!(d < 1.0, "{d} m off");
}

#[test]
fn imports_are_checked_against_the_township_extent_from_init() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    ok(&ws, &["init"]);
    let extent = Workspace::open_existing(&ws)
        .unwrap()
        .extent()
        .unwrap()
        .expect("init stores the sample's extent");
    assert_eq!(
        (
            extent.0.min().x,
            extent.0.min().y,
            extent.0.max().x,
            extent.0.max().y
        ),
        (116.348, 39.9545, 116.365, 39.9665)
    );
    let before = Workspace::open_existing(&ws).unwrap().township().unwrap();

    // Line 2 is inside the township, line 3 ~12 km east of it: the file is refused
    // whole, naming the file and the line.
    let f = dir.path().join("far.csv");
    std::fs::write(
        &f,
        format!("{HEADER}X1,近,training,,licensed,,116.355,39.96,,0,,false\nX2,远,training,,licensed,,116.50,39.96,,0,,false\n"),
    )
    .unwrap();
    let (success, _, err) = run(
        &ws,
        &[
            "import",
            "institutions",
            f.to_str().unwrap(),
            "--crs",
            "wgs84",
        ],
    );
    assert!(!success, "an out-of-extent row was accepted");
    assert!(
        err.contains("far.csv line 3") && err.contains("outside the township extent"),
        "{err}"
    );
    // A cell polygon far away (GeoJSON): refused, its feature named.
    let g = dir.path().join("far-cells.geojson");
    std::fs::write(
        &g,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"FAR","name":"远格"},"geometry":{"type":"Polygon","coordinates":[[[116.50,39.95],[116.51,39.95],[116.51,39.96],[116.50,39.96],[116.50,39.95]]]}}]}"#,
    )
    .unwrap();
    let (success, _, err) = run(
        &ws,
        &["import", "cells", g.to_str().unwrap(), "--crs", "wgs84"],
    );
    assert!(!success, "an out-of-extent cell was accepted");
    assert!(
        err.contains("far-cells.geojson") && err.contains("outside the township extent"),
        "{err}"
    );

    // Nothing of either file was imported.
    let after = Workspace::open_existing(&ws).unwrap().township().unwrap();
    assert_eq!(after.institutions, before.institutions);
    assert_eq!(after.cells, before.cells);

    // The in-extent row alone imports.
    std::fs::write(
        &f,
        format!("{HEADER}X1,近,training,,licensed,,116.355,39.96,,0,,false\n"),
    )
    .unwrap();
    let out = import_institutions(&ws, &f);
    assert!(out.contains("added 1"), "{out}");
}
