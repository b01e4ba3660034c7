//! The map page as a person uses it: starts the real `gridpatrol serve` on a free
//! port with a temporary workspace, then drives Debian's headless chromium through
//! `node tests/web/e2e.mjs` (playwright-core). Screenshots land in test-artifacts/.
//! A second run puts an office's vector tile server under the map
//! (`tests/web/office_tiles.mjs`), with tiles GDAL makes from the sample's streets;
//! a third checks that the page's modules load cleanly (`tests/web/page_load.mjs`),
//! a fourth the page's API client (`tests/web/api_client.mjs`).
//!
//! Needs `/usr/bin/chromium` (apt: chromium) and `npm ci --prefix tests/web`. When
//! either is missing the test skips with a note, except under `CI=true`, where it fails.

mod web_support;

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use web_support::{browser_prerequisites, run_page_script, Server};

/// Runs a browser script against `server`; panics with its output unless it prints
/// `done`.
#[test]
fn page_works_end_to_end_in_chromium() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    run_page_script(&node, "e2e.mjs", &server, &[], "e2e: all steps passed");
    server.stop_gracefully();
}

/// The page's modules all load, as JavaScript, with no console error; a module
/// answered by a 404 is caught (`tests/web/page_load.mjs`).
#[test]
fn page_modules_load_without_console_errors() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    run_page_script(
        &node,
        "page_load.mjs",
        &server,
        &[],
        "page load: all steps passed",
    );
    server.stop_gracefully();
}

/// The page's API client: a fresh Idempotency-Key on every POST, and a 429 shown as
/// 请求过于频繁，请稍后再试 (`tests/web/api_client.mjs`).
#[test]
fn page_api_client_keys_writes_and_words_too_many_requests() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    run_page_script(
        &node,
        "api_client.mjs",
        &server,
        &[],
        "api client: all steps passed",
    );
    server.stop_gracefully();
}

/// Vector tiles in the OpenMapTiles schema (`transportation`, `building`, `water`,
/// `park`), made by GDAL from the sample's OpenStreetMap extract into `dir`. `None`
/// when GDAL is not installed (outside CI).
fn office_tiles(dir: &Path) -> Option<()> {
    let osm = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osm/haidian-bupt.osm.pbf");
    let gpkg = dir.join("office.gpkg");
    let layers = [
        (
            "transportation",
            "SELECT highway AS class, name FROM lines WHERE highway IS NOT NULL",
        ),
        (
            "building",
            "SELECT building FROM multipolygons WHERE building IS NOT NULL",
        ),
        (
            "water",
            "SELECT name FROM multipolygons WHERE \"natural\" = 'water'",
        ),
        (
            "park",
            "SELECT name FROM multipolygons WHERE leisure = 'park'",
        ),
    ];
    for (i, (name, sql)) in layers.iter().enumerate() {
        let mut ogr = Command::new("ogr2ogr");
        if i > 0 {
            ogr.arg("-update");
        }
        ogr.args(["-f", "GPKG"])
            .arg(&gpkg)
            .arg(&osm)
            .args(["-sql", sql, "-nln", name]);
        gdal(&mut ogr)?;
    }
    gdal(
        Command::new("ogr2ogr")
            .args(["-f", "MVT"])
            .arg(dir.join("tiles"))
            .arg(&gpkg)
            .args(["-dsco", "MINZOOM=12", "-dsco", "MAXZOOM=14"])
            .args(["-dsco", "COMPRESS=NO", "-dsco", "FORMAT=DIRECTORY"]),
    )
}

fn gdal(command: &mut Command) -> Option<()> {
    let Ok(out) = command.output() else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "ogr2ogr is missing (apt-get install gdal-bin)"
        );
        eprintln!("note: ogr2ogr not installed; skipping the office tile server test");
        return None;
    };
    assert!(
        out.status.success(),
        "ogr2ogr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}

#[test]
fn an_office_tile_server_draws_under_the_township() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    if office_tiles(dir.path()).is_none() {
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
        .to_string();
    let url = format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.pbf");
    let server = Server::start(&["--tile-url", &url]);
    let tiles = dir.path().join("tiles");
    run_page_script(
        &node,
        "office_tiles.mjs",
        &server,
        &[
            ("GP_TILE_DIR", tiles.to_str().unwrap()),
            ("GP_TILE_PORT", &port),
        ],
        "office tiles: all steps passed",
    );
    server.stop_gracefully();
}

/// The 专项 panel: a saved campaign's progress per cell, then 重排剩余
/// (`tests/web/campaign.mjs`).
#[test]
fn a_lead_follows_a_campaign_and_replans_the_rest_in_the_page() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    let lead = server.client_as(web_support::LEAD);
    let plan: serde_json::Value = lead
        .post(server.url("/api/campaign"))
        .json(&serde_json::json!({"from": "2026-11-09", "to": "2026-11-20", "teams": 2, "iterations": 100, "save": true}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(plan["campaign_id"], 1, "{plan}");
    let first = &plan["days"][0];
    let date = first["date"].as_str().unwrap();
    let site = first["teams"][0]["stops"][0]["site"].as_str().unwrap();
    let recorded = lead
        .post(server.url("/api/inspections"))
        .json(&serde_json::json!({"site_id": site, "date": date, "result": "compliant"}))
        .send()
        .unwrap();
    assert!(recorded.status().is_success());
    run_page_script(
        &node,
        "campaign.mjs",
        &server,
        &[("GP_TODAY", date)],
        "campaign: all steps passed",
    );
    server.stop_gracefully();
}
