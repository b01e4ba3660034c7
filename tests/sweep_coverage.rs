//! A walked sweep counts in coverage: `sweep --geojson` → `record-track` → `coverage`,
//! through the real binary on the bundled sample and a real workspace file.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in_ok, gridpatrol_ok};

use std::path::Path;

use serde_json::Value;

/// `(street metres, swept metres)` of one cell in November 2026.
fn swept(workspace: &Path, cell: &str) -> (f64, f64) {
    let json = gridpatrol_in_ok(
        workspace,
        &[
            "coverage",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--json",
        ],
    );
    let v: Value = serde_json::from_str(&json).expect("coverage JSON");
    let row = v["cells"]
        .as_array()
        .and_then(|cells| cells.iter().find(|c| c["cell_id"] == cell))
        .unwrap_or_else(|| panic!("cell {cell} in {json}"));
    (
        row["street_m"].as_f64().unwrap(),
        row["swept_m"].as_f64().unwrap(),
    )
}

#[test]
fn a_recorded_sweep_covers_its_cells_streets() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("w.sqlite");
    let route = dir.path().join("sweep-C01.geojson");
    gridpatrol_in_ok(&workspace, &["init"]);

    let (street_m, before_m) = swept(&workspace, "C01");
    assert!(street_m > 1000.0, "C01 has {street_m} m of street");
    assert_eq!(before_m, 0.0, "nothing walked yet");

    gridpatrol_ok(&[
        "sweep",
        "--cell",
        "C01",
        "--geojson",
        route.to_str().unwrap(),
    ]);
    let recorded = gridpatrol_in_ok(
        &workspace,
        &[
            "record-track",
            "--team",
            "拉网一组",
            "--at",
            "2026-11-20T09:00",
            route.to_str().unwrap(),
        ],
    );
    assert!(recorded.contains("swept"), "{recorded}");

    // Every street metre of the cell is swept (up to the rounding of clipped ends).
    let (street_m, swept_m) = swept(&workspace, "C01");
    assert!(
        swept_m >= 0.995 * street_m && swept_m <= street_m + 1.0,
        "swept {swept_m} of {street_m} m"
    );
}
