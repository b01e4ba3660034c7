//! What the CLI prints for edge values (issue 13, item 10): a cell with no sites or no
//! streets shows "—", not "100.0" or "0.0"; no table prints "-0".

mod cli_support;

use cli_support::gridpatrol_in_ok;

#[test]
fn empty_cells_show_a_dash_and_no_table_prints_negative_zero() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    gridpatrol_in_ok(&ws, &["init"]);
    let table = gridpatrol_in_ok(
        &ws,
        &["coverage", "--from", "2025-03-01", "--to", "2025-03-31"],
    );
    let json = gridpatrol_in_ok(
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
    let mut checked = 0;
    for cell in cells {
        let id = cell["cell_id"].as_str().unwrap();
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap();
        let columns: Vec<&str> = line.split_whitespace().collect();
        if cell["sites_total"] == 0 {
            assert_eq!(columns[3], "—", "{line}");
            checked += 1;
        } else {
            assert_ne!(columns[3], "—", "{line}");
        }
    }
    let hotspots = gridpatrol_in_ok(&ws, &["hotspots", "--date", "2025-03-10"]);
    assert!(
        !hotspots
            .split_whitespace()
            .any(|w| w == "-0" || w == "-0.0"),
        "{hotspots}"
    );
    println!("{checked} cells without sites checked");
}
