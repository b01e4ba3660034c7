//! `gridpatrol plan --roster FILE` through the real binary: the teams on duty that day
//! plan with their named officers, a team left with one officer is off, and a holiday
//! with nobody on duty is a clear error.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::gridpatrol;

use std::path::Path;

const ROSTER: &str = r#"
[[team]]
name = "一组"
members = ["张伟", "王芳", "李强"]
leave = [{ person = "王芳", from = "2026-11-23", to = "2026-11-23" }]

[[team]]
name = "二组"
members = ["赵敏", "孙丽"]
leave = [{ person = "孙丽", from = "2026-11-20", to = "2026-11-27" }]
"#;

fn plan(dir: &Path, date: &str) -> (bool, String, String) {
    let ws = dir.join("ws.sqlite");
    if !ws.exists() {
        let (ok, _, err) = gridpatrol(&["init", "--workspace", ws.to_str().unwrap()]);
        assert!(ok, "{err}");
    }
    let roster = dir.join("roster.toml");
    std::fs::write(&roster, ROSTER).unwrap();
    gridpatrol(&[
        "plan",
        "--date",
        date,
        "--roster",
        roster.to_str().unwrap(),
        "--iterations",
        "20",
        "--seconds",
        "60",
        "--json",
        "--workspace",
        ws.to_str().unwrap(),
    ])
}

#[test]
fn the_roster_decides_who_plans_and_with_whom() {
    let dir = tempfile::tempdir().unwrap();
    // Monday 23 November 2026: 王芳 on leave leaves 一组 two officers; 孙丽 on leave
    // leaves 二组 one, so it is off.
    let (ok, out, err) = plan(dir.path(), "2026-11-23");
    assert!(ok, "{err}");
    assert!(
        err.contains("team 二组 is off on 2026-11-23: 孙丽 on leave"),
        "{err}"
    );
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    let teams = plan["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 1, "{teams:?}");
    assert_eq!(teams[0]["team"], "一组");
    assert_eq!(teams[0]["members"], serde_json::json!(["张伟", "李强"]));
}

#[test]
fn nobody_on_duty_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // Thursday 1 October 2026 is National Day: a holiday, no working-day team works.
    let (ok, _, err) = plan(dir.path(), "2026-10-01");
    assert!(!ok);
    assert!(err.contains("no team is on duty on 2026-10-01"), "{err}");
    assert!(err.contains("一组 (not a duty day)"), "{err}");
}
