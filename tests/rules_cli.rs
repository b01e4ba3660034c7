//! The township's rules through the real binary: `init --from` a folder with a
//! `rules.toml` stores them, `gridpatrol rules` shows them (TOML or JSON), the planner
//! follows them, and a bad file stops `init` with the file, the key and the problem.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{gridpatrol, gridpatrol_in, gridpatrol_in_ok, gridpatrol_ok};

/// A copy of the bundled sample's folder (manifest, layers, OSM extract) in `dir`.
fn sample_folder(dir: &Path) -> PathBuf {
    cli_support::sample_folder(&dir.join("township"))
}

#[test]
fn a_folder_s_rules_are_stored_shown_and_followed() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path());
    std::fs::write(
        folder.join("rules.toml"),
        "[shifts.night]\nstart = \"18:00\"\nend = \"20:30\"\n\n[overdue_days]\nlicensed = 90\n",
    )
    .unwrap();
    let ws = dir.path().join("w.sqlite");
    gridpatrol_in_ok(&ws, &["init", "--from", folder.to_str().unwrap()]);

    let json: serde_json::Value =
        serde_json::from_str(&gridpatrol_in_ok(&ws, &["rules", "--format", "json"])).unwrap();
    assert_eq!(json["shifts"]["night"]["start"], "18:00");
    assert_eq!(json["overdue_days"]["licensed"], 90);
    assert_eq!(
        json["overdue_days"]["unlicensed"], 30,
        "defaults fill the rest"
    );
    assert_eq!(json["follow_ups"]["rectify_days"], 14);
    assert_eq!(json["outcomes"][0]["label"], "合规");

    // The TOML shown reads back as the same rules.
    let toml = gridpatrol_in_ok(&ws, &["rules"]);
    let again = gridpatrol::rules::Rules::from_toml(&toml, "shown").unwrap();
    assert_eq!(serde_json::to_value(&again).unwrap(), json);

    // The night plan runs in the township's window.
    let plan: serde_json::Value = serde_json::from_str(&gridpatrol_in_ok(
        &ws,
        &[
            "plan",
            "--shift",
            "night",
            "--teams",
            "1",
            "--date",
            "2026-11-23",
            "--seconds",
            "1",
            "--iterations",
            "50",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(plan["window"]["start_s"], 18.0 * 3600.0);
    assert_eq!(plan["window"]["end_s"], 20.5 * 3600.0);
    for stop in plan["teams"][0]["stops"].as_array().unwrap() {
        assert!(stop["departure_s"].as_f64().unwrap() <= 20.5 * 3600.0);
    }
}

#[test]
fn the_sample_workspace_shows_the_default_rules() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    gridpatrol_in_ok(&ws, &["init"]);
    let shown = gridpatrol_in_ok(&ws, &["rules"]);
    assert_eq!(
        gridpatrol::rules::Rules::from_toml(&shown, "shown").unwrap(),
        gridpatrol::rules::Rules::default()
    );
}

#[test]
fn bad_rules_stop_init_naming_the_file_the_key_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path());
    let rules = folder.join("rules.toml");
    let ws = dir.path().join("w.sqlite");
    for (text, expected) in [
        (
            "[overdue_days]\nlicenced = 90\n",
            "key `overdue_days.licenced`: unknown field",
        ),
        (
            "[map]\nwindow_days = -3\n",
            "key `map.window_days`: -3 days: must be at least 1",
        ),
        (
            "[shifts.day]\nstart = \"9\"\nend = \"17:00\"\n",
            "`9` is not a clock time",
        ),
    ] {
        std::fs::write(&rules, text).unwrap();
        let (success, _, err) = gridpatrol_in(&ws, &["init", "--from", folder.to_str().unwrap()]);
        assert!(!success, "{text}");
        assert!(
            err.contains("rules.toml") && err.contains(expected),
            "{err}"
        );
        assert!(!ws.exists(), "a failed init leaves no workspace");
        // `rules --from` checks a folder the same way, with no workspace.
        let (success, _, err) = gridpatrol(&["rules", "--from", folder.to_str().unwrap()]);
        assert!(!success && err.contains(expected), "{err}");
    }
    std::fs::remove_file(&rules).unwrap();
    let manifest = folder.join("township.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    json["rules"] = serde_json::json!({"follow_ups": {"look_back_days": 45}});
    std::fs::write(&manifest, serde_json::to_vec(&json).unwrap()).unwrap();
    let shown = gridpatrol_ok(&[
        "rules",
        "--format",
        "json",
        "--from",
        folder.to_str().unwrap(),
    ]);
    assert!(shown.contains("\"look_back_days\": 45"), "{shown}");
}
