//! `gridpatrol calendar` and the calendar a lead adds (next year's notice): it reaches
//! the workspace from `init --from` or `calendar add`, and 整改 deadlines counted in
//! working days follow it.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol, gridpatrol_in, gridpatrol_in_ok};

use std::path::Path;

/// A (made-up) corrected notice for 2025 that replaces the built-in year: 1–3 January
/// off, Saturday 4 January a make-up working day (the real notice gave 1 January alone).
const CORRECTED_2025: &str = r#"
[[year]]
year = 2025
sources = [{ title = "国务院办公厅关于2025年部分节假日安排的通知（更正）", url = "https://www.gov.cn/example-2025" }]
holidays = [{ name = "元旦", off = ["2025-01-01..2025-01-03"], work = ["2025-01-04"] }]
"#;

/// The bundled sample's folder, copied, with `extra` files beside the manifest.
fn township_folder(dir: &Path, extra: &[(&str, &str)]) -> std::path::PathBuf {
    let folder = dir.join("township");
    std::fs::create_dir_all(folder.join("osm")).unwrap();
    for entry in std::fs::read_dir("data").unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir("data/osm").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, folder.join("osm").join(path.file_name().unwrap())).unwrap();
    }
    for (name, text) in extra {
        std::fs::write(folder.join(name), text).unwrap();
    }
    folder
}

/// The 整改 due date of a hazard found on Tuesday 31 December 2024 (three working days).
fn rectify_due(ws: &Path) -> String {
    let site = "I001";
    let out = gridpatrol_in_ok(
        ws,
        &[
            "inspect",
            site,
            "--at",
            "2024-12-31T10:00",
            "--team",
            "T1",
            "--result",
            "hazard",
            "--json",
        ],
    );
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    answer["follow_ups"][0]["due"].as_str().unwrap().to_string()
}

const RULES: &str = "[follow_ups]\nrectify_days = 3\nrectify_days_unit = \"working_days\"\n";

#[test]
fn a_calendar_beside_the_manifest_moves_working_day_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    let calendar = ("calendar.toml", CORRECTED_2025);
    let with = township_folder(dir.path(), &[("rules.toml", RULES), calendar]);
    let ws = dir.path().join("with.sqlite");
    gridpatrol_in_ok(&ws, &["init", "--from", with.to_str().unwrap()]);
    // As published: Thu 2, Fri 3, Mon 6 January. Corrected: Sat 4, Mon 6, Tue 7.
    assert_eq!(rectify_due(&ws), "2025-01-07");

    let plain_dir = tempfile::tempdir().unwrap();
    let without = township_folder(plain_dir.path(), &[("rules.toml", RULES)]);
    let plain = plain_dir.path().join("plain.sqlite");
    gridpatrol_in_ok(&plain, &["init", "--from", without.to_str().unwrap()]);
    assert_eq!(rectify_due(&plain), "2025-01-06");

    // The same notice added afterwards counts from then on.
    let file = dir.path().join("2025.toml");
    std::fs::write(&file, CORRECTED_2025).unwrap();
    let added = gridpatrol_in_ok(&plain, &["calendar", "add", file.to_str().unwrap()]);
    assert!(added.contains("2026"), "{added}");
    let shown = gridpatrol_in_ok(&plain, &["calendar", "show", "--year", "2025"]);
    assert!(shown.contains("2025-01-02 周四  放假 元旦"), "{shown}");
    assert!(shown.contains("2025-01-04 周六  调休上班"), "{shown}");
    assert!(
        shown.contains("example-2025"),
        "the notice is named: {shown}"
    );
    assert!(
        !shown.contains("春节"),
        "the corrected year replaces the published one: {shown}"
    );
}

#[test]
fn a_bad_calendar_file_is_refused_with_its_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.sqlite");
    gridpatrol_in_ok(&ws, &["init"]);
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, CORRECTED_2025.replace("2025-01-04", "2025-01-02")).unwrap();
    let (ok, _, err) = gridpatrol_in(&ws, &["calendar", "add", bad.to_str().unwrap()]);
    assert!(
        !ok && err.contains("bad.toml") && err.contains("line"),
        "{err}"
    );
    let (ok, _, err) = gridpatrol_in(&ws, &["calendar", "show", "--year", "2006"]);
    assert!(!ok && err.contains("does not cover 2006"), "{err}");
    let (ok, out, _) = gridpatrol(&[
        "calendar",
        "show",
        "--year",
        "2024",
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(ok && out.contains("2024-10-12 周六  调休上班"), "{out}");
}
