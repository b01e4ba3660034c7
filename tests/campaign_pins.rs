//! The lead's pins in a campaign, through the real binary on the bundled sample: an
//! excluded site is never visited, a site pinned to a day is visited on that day only.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::gridpatrol_in_ok;

use serde_json::Value;

/// Every (date, site) visit of a campaign plan.
fn visits(plan: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for day in plan["days"].as_array().unwrap() {
        for team in day["teams"].as_array().unwrap() {
            for stop in team["stops"].as_array().unwrap() {
                let date = day["date"].as_str().unwrap().to_string();
                out.push((date, stop["site"].as_str().unwrap().to_string()));
            }
        }
    }
    out
}

fn plan(ws: &std::path::Path) -> Value {
    let args = [
        "campaign",
        "plan",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-27",
        "--teams",
        "3",
        "--iterations",
        "100",
        "--seconds",
        "120",
        "--json",
    ];
    serde_json::from_str(&gridpatrol_in_ok(ws, &args)).unwrap()
}

#[test]
fn a_campaign_leaves_out_excluded_sites_and_keeps_pinned_days() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.sqlite");
    gridpatrol_in_ok(&ws, &["init"]);
    let before = visits(&plan(&ws));
    let site_on = |site: &str| -> Vec<String> {
        before
            .iter()
            .filter(|(_, s)| s == site)
            .map(|(d, _)| d.clone())
            .collect()
    };
    // Two sites visited in the unpinned plan; the second moves to another day.
    let (excluded, moved) = (before[0].1.clone(), before[1].1.clone());
    let other_day = ["2026-11-24", "2026-11-26"]
        .into_iter()
        .find(|d| !site_on(&moved).iter().any(|v| v == d))
        .unwrap();
    gridpatrol_in_ok(&ws, &["pin", "add", &excluded, "--exclude"]);
    gridpatrol_in_ok(&ws, &["pin", "add", &moved, "--day", other_day]);

    let after = visits(&plan(&ws));
    assert!(
        after.iter().all(|(_, s)| s != &excluded),
        "{excluded} is left out"
    );
    let days: Vec<&String> = after
        .iter()
        .filter(|(_, s)| s == &moved)
        .map(|(d, _)| d)
        .collect();
    assert!(
        !days.is_empty(),
        "the sample's {moved} can be visited on {other_day}"
    );
    assert!(
        days.iter().all(|d| d.as_str() == other_day),
        "{moved} visited on {other_day} only: {days:?}"
    );
}
