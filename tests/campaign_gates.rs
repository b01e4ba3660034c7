//! Compounds that lock their gates at night, through the real binary: with
//! `routing.compounds_closed_at_night` in the township's rules, a campaign's evening
//! rounds (晚查) keep time on the streets with the gates closed, checked leg by leg
//! against that network built independently by the library; without it, they may cut
//! through the compounds and fall short of it.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use cli_support::gridpatrol;
use gridpatrol::network::{BuildOptions, Profile, RoadNetwork};
use gridpatrol::routing::Router;
use gridpatrol::rules::Rules;
use gridpatrol::Wgs84Point;
use serde_json::Value;

/// A workspace made from a copy of the bundled sample, with `rules` as its rules.toml.
fn workspace(dir: &Path, name: &str, rules: &str) -> PathBuf {
    let folder = cli_support::sample_folder(&dir.join(name));
    std::fs::write(folder.join("rules.toml"), rules).unwrap();
    let ws = dir.join(format!("{name}.sqlite"));
    let (ok, _, err) = gridpatrol(&[
        "init",
        "--from",
        folder.to_str().unwrap(),
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    ws
}

fn campaign(ws: &Path) -> Value {
    let (ok, out, err) = gridpatrol(&[
        "campaign",
        "plan",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-04",
        "--teams",
        "1",
        "--iterations",
        "150",
        "--json",
        "--workspace",
        ws.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn clock(text: &str) -> f64 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<f64>().unwrap() * 3600.0 + m.parse::<f64>().unwrap() * 60.0
}

/// The walking router on the sample's streets with the compounds' gates closed.
fn closed_streets() -> Router {
    let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
    let osm = gridpatrol::formats::osm::read_bytes(&bytes, "sample").unwrap();
    let options = BuildOptions { gates_closed: true };
    let network = RoadNetwork::build_with(&osm, Profile::Walk, &options).unwrap();
    Router::with_costs(network, Rules::default().routing.costs_for(Profile::Walk))
}

/// Per evening leg between two stops: (the time the plan allows for it, the walk on the
/// closed streets), both in seconds; the plan's clock is in whole minutes.
fn evening_legs(plan: &Value, router: &Router) -> Vec<(f64, f64)> {
    let rules = Rules::default();
    let hotspots: HashSet<String> = gridpatrol::formats::township::load_sample()
        .unwrap()
        .hotspots
        .into_iter()
        .map(|h| h.id)
        .collect();
    let service = |site: &str| match hotspots.contains(site) {
        true => rules.service_minutes.hotspot_s(),
        false => rules.service_minutes.institution_s(),
    };
    let mut legs = Vec::new();
    for day in plan["days"].as_array().unwrap() {
        if day["shift"] != "evening" {
            continue;
        }
        for team in day["teams"].as_array().unwrap() {
            let stops = team["stops"].as_array().unwrap();
            for pair in stops.windows(2) {
                let at = |s: &Value| {
                    let [lon, lat] = [0, 1].map(|k| s["lon_lat"][k].as_f64().unwrap());
                    router.snap(Wgs84Point::new(lon, lat), 200.0).unwrap()
                };
                let m = router.matrix(&[at(&pair[0])], &[at(&pair[1])]);
                let walk = m.duration_s(0, 0).unwrap();
                let leave = clock(pair[0]["start"].as_str().unwrap())
                    + service(pair[0]["site"].as_str().unwrap());
                legs.push((clock(pair[1]["arrive"].as_str().unwrap()) - leave, walk));
            }
        }
    }
    legs
}

#[test]
fn evening_rounds_go_round_compounds_that_lock_their_gates() {
    let dir = tempfile::tempdir().unwrap();
    let closed = workspace(
        dir.path(),
        "closed",
        "[routing]\ncompounds_closed_at_night = true\n",
    );
    let open = workspace(dir.path(), "open", "");
    let router = closed_streets();

    let legs = evening_legs(&campaign(&closed), &router);
    assert!(legs.len() >= 5, "{legs:?}");
    for (allowed, walk) in &legs {
        // Minutes on the plan's clock: each end may be rounded by half a minute.
        assert!(
            allowed + 60.0 >= *walk,
            "a leg of {walk} s given {allowed} s"
        );
    }

    // The same campaign with the gates open cuts through them somewhere: the check above
    // has teeth, and the setting is what changed the rounds.
    let legs = evening_legs(&campaign(&open), &router);
    assert!(
        legs.iter().any(|(allowed, walk)| allowed + 60.0 < *walk),
        "{legs:?}"
    );
}
