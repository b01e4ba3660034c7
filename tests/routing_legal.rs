//! End to end through the real binary: routes obey turn restrictions and barriers for
//! cars, walkers are not bound by them, and left turns and signals cost cars time.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::path::Path;
use std::process::Command;

/// A small town in OSM XML. Main street A-B-C runs east (ways 1, 2); way 3 runs north
/// from B to N; a loop C-CN-N (ways 4, 5) goes round the block. Relation 9 forbids the
/// left turn from way 1 into way 3 at B. With `bollard`, a bollard on way 5 closes the
/// loop to cars. With `signals`, B has traffic signals.
fn town(bollard: bool, signals: bool) -> String {
    let bollard_tags = if bollard {
        r#"<tag k="barrier" v="bollard"/>"#
    } else {
        ""
    };
    let signal_tags = if signals {
        r#"<tag k="highway" v="traffic_signals"/>"#
    } else {
        ""
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="39.9600" lon="116.3500"/>
  <node id="2" lat="39.9600" lon="116.3510">{signal_tags}</node>
  <node id="3" lat="39.9600" lon="116.3520"/>
  <node id="4" lat="39.9610" lon="116.3510"/>
  <node id="5" lat="39.9610" lon="116.3520"/>
  <node id="6" lat="39.9610" lon="116.3515">{bollard_tags}</node>
  <way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="name" v="东街"/></way>
  <way id="2"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
  <way id="3"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/></way>
  <way id="4"><nd ref="3"/><nd ref="5"/><tag k="highway" v="residential"/></way>
  <way id="5"><nd ref="5"/><nd ref="6"/><nd ref="4"/><tag k="highway" v="residential"/></way>
  <relation id="9">
    <member type="way" ref="1" role="from"/>
    <member type="node" ref="2" role="via"/>
    <member type="way" ref="3" role="to"/>
    <tag k="type" v="restriction"/>
    <tag k="restriction" v="no_left_turn"/>
  </relation>
</osm>
"#
    )
}

fn write_town(dir: &Path, bollard: bool, signals: bool) -> String {
    let path = dir.join(format!("town-{bollard}-{signals}.osm"));
    std::fs::write(&path, town(bollard, signals)).unwrap();
    path.display().to_string()
}

/// Mid-way along way 1 (A-B), and mid-way along way 3 (B-N).
const ON_WAY_1: &str = "116.3505,39.9600";
const ON_WAY_3: &str = "116.3510,39.9605";

fn route(osm: &str, profile: &str) -> Result<serde_json::Value, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args([
            "route",
            "--osm",
            osm,
            "--profile",
            profile,
            "--from",
            ON_WAY_1,
            "--to",
            ON_WAY_3,
        ])
        .output()
        .unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn distance_m(v: &serde_json::Value) -> f64 {
    v["distance_m"].as_f64().unwrap()
}

#[test]
fn a_car_goes_round_the_block_instead_of_a_forbidden_left_turn() {
    let dir = tempfile::tempdir().unwrap();
    let osm = write_town(dir.path(), false, false);
    // Through B: half of A-B (about 43 m) and half of B-N (about 56 m).
    let walk = route(&osm, "walk").unwrap();
    assert!((distance_m(&walk) - 98.0).abs() < 3.0, "{walk}");
    // By car the turn at B is forbidden: east to C, north, west to N, south.
    let drive = route(&osm, "drive").unwrap();
    let round = 43.0 + 85.0 + 111.0 + 85.0 + 56.0;
    assert!((distance_m(&drive) - round).abs() < 5.0, "{drive}");
}

#[test]
fn a_bollard_closes_the_way_round_to_cars_but_not_to_walkers() {
    let dir = tempfile::tempdir().unwrap();
    let osm = write_town(dir.path(), true, false);
    let walk = route(&osm, "walk").unwrap();
    assert!((distance_m(&walk) - 98.0).abs() < 3.0, "{walk}");
    // The car may not pass the bollard: it turns back there and comes back to B from
    // the east, where the restriction (from way 1) does not bind.
    let drive = route(&osm, "drive").unwrap();
    let coords = drive["geometry"]["coordinates"].as_array().unwrap();
    let at = |lon: f64, lat: f64| {
        coords.iter().any(|c| {
            (c[0].as_f64().unwrap() - lon).abs() < 1e-9
                && (c[1].as_f64().unwrap() - lat).abs() < 1e-9
        })
    };
    assert!(at(116.3515, 39.961), "turns back at the bollard: {drive}");
    assert!(!at(116.351, 39.961), "never passes it to N: {drive}");
    let there_and_back = 43.0 + 85.0 + 111.0 + 43.0 + 43.0 + 111.0 + 85.0 + 56.0;
    assert!((distance_m(&drive) - there_and_back).abs() < 5.0, "{drive}");
}

#[test]
fn signals_cost_time_but_not_distance() {
    let dir = tempfile::tempdir().unwrap();
    let plain = route(&write_town(dir.path(), false, false), "walk").unwrap();
    let signalled = route(&write_town(dir.path(), false, true), "walk").unwrap();
    assert!((distance_m(&plain) - distance_m(&signalled)).abs() < 0.01);
    let wait = signalled["duration_s"].as_f64().unwrap() - plain["duration_s"].as_f64().unwrap();
    // The default wait at a signalled crossing on foot (rules.routing.walk.signal_delay_s).
    assert!((wait - 20.0).abs() < 0.01, "{wait}");
}
