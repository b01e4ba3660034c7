//! The site layer as vector tiles, through the real server: the tiles are decoded by
//! GDAL (its MVT driver, `ogr2ogr`), not by gridpatrol, and checked against the site
//! layer's GeoJSON. At every zoom each site is in exactly one tile, alone at its own
//! place or counted in one bubble with its licence.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod web_support;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use web_support::{get_json, Server, LEAD};

/// A site from the GeoJSON layer: where it is and its licence.
struct Site {
    lon: f64,
    lat: f64,
    licence: String,
}

fn sites(client: &reqwest::blocking::Client, server: &Server) -> HashMap<String, Site> {
    let layer: Value = get_json(client, &server.url("/api/layers/institutions"));
    layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            let p = &f["properties"];
            (
                p["id"].as_str().unwrap().to_string(),
                Site {
                    lon: c[0].as_f64().unwrap(),
                    lat: c[1].as_f64().unwrap(),
                    licence: p["licence"].as_str().unwrap().to_string(),
                },
            )
        })
        .collect()
}

/// The XYZ tile holding a place, by the slippy-map formula (not gridpatrol's code).
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let phi = lat.to_radians();
    let x = (lon + 180.0) / 360.0 * n;
    let y = (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    (x as u32, y as u32)
}

fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.1.to_radians(), b.1.to_radians());
    let (dp, dl) = (p2 - p1, (b.0 - a.0).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// The features of one tile file (named `z/x/y.pbf`, which places it), decoded by
/// GDAL into WGS-84 GeoJSON. `None` when GDAL is not installed (outside CI).
fn decode_with_gdal(tile: &Path) -> Option<Vec<Value>> {
    let out = tile.with_extension("geojson");
    let run = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON", "-t_srs", "EPSG:4326"])
        .arg(&out)
        .arg(tile)
        .output();
    let Ok(run) = run else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "ogr2ogr is missing (apt-get install gdal-bin)"
        );
        return None;
    };
    assert!(
        run.status.success(),
        "GDAL rejected {}: {}",
        tile.display(),
        String::from_utf8_lossy(&run.stderr)
    );
    let fc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    Some(fc["features"].as_array().unwrap().clone())
}

#[test]
fn every_site_is_in_one_tile_alone_or_in_a_bubble_at_every_zoom() {
    let server = Server::start(&["--synthetic-sites", "1500"]);
    let lead = server.client_as(LEAD);
    let sites = sites(&lead, &server);
    assert_eq!(sites.len(), 24 + 1500);
    let licence_total = |licence: &str| sites.values().filter(|s| s.licence == licence).count();
    let dir = tempfile::tempdir().unwrap();
    for z in [12u8, 15, 18] {
        let tiles: HashSet<(u32, u32)> = sites.values().map(|s| tile_of(s.lon, s.lat, z)).collect();
        let mut alone: HashSet<String> = HashSet::new();
        let (mut in_bubbles, mut bubbles) = (0, 0);
        let mut tally: HashMap<String, usize> = HashMap::new();
        for (x, y) in tiles {
            let response = lead
                .get(server.url(&format!("/api/tiles/institutions/{z}/{x}/{y}.pbf")))
                .send()
                .unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(
                response.headers()["content-type"],
                "application/vnd.mapbox-vector-tile"
            );
            let body = response.bytes().unwrap();
            assert!(!body.is_empty(), "tile {z}/{x}/{y} holds sites");
            let file = dir.path().join(format!("{z}/{x}/{y}.pbf"));
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &body).unwrap();
            let Some(features) = decode_with_gdal(&file) else {
                eprintln!("note: ogr2ogr not installed; skipping the GDAL decoding");
                return;
            };
            // A tile unit at this zoom (4096 a tile), in metres at the equator, plus
            // the layer's own rounding of degrees to six decimals (0.11 m).
            let unit_m = 40_075_016.7 / f64::from(1u32 << z) / 4096.0 + 0.15;
            for f in features {
                let p = &f["properties"];
                let c = &f["geometry"]["coordinates"];
                let at = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
                if let Some(count) = p["point_count"].as_u64() {
                    let count = count as usize;
                    assert!(count >= 5, "a bubble holds at least 5 sites");
                    assert!(p["expansion_zoom"].as_u64().unwrap() > u64::from(z));
                    in_bubbles += count;
                    bubbles += 1;
                    for licence in ["unlicensed", "registered_only"] {
                        *tally.entry(licence.into()).or_default() +=
                            p[licence].as_u64().unwrap() as usize;
                    }
                    continue;
                }
                let id = p["id"].as_str().unwrap().to_string();
                let site = &sites[&id];
                assert_eq!(p["licence"].as_str().unwrap(), site.licence);
                let off = haversine_m(at, (site.lon, site.lat));
                assert!(
                    off <= unit_m,
                    "{id} drawn {off:.2} m from its place at zoom {z}"
                );
                *tally.entry(site.licence.clone()).or_default() += 1;
                assert!(alone.insert(id), "a site in two tiles at zoom {z}");
            }
        }
        assert_eq!(alone.len() + in_bubbles, sites.len(), "zoom {z}");
        for licence in ["unlicensed", "registered_only"] {
            assert_eq!(
                tally[licence],
                licence_total(licence),
                "{licence} at zoom {z}"
            );
        }
        if z == 18 {
            assert_eq!(bubbles, 0, "every site alone below zoom 17");
        } else {
            assert!(bubbles > 0, "1524 sites over 1.3 km crowd at zoom {z}");
        }
    }
}

#[test]
fn tiles_need_a_session_and_a_real_address() {
    let server = Server::start(&[]);
    let anonymous = reqwest::blocking::Client::new();
    let tile = server.url("/api/tiles/institutions/15/26978/12413");
    assert_eq!(anonymous.get(&tile).send().unwrap().status(), 401);
    let lead = server.client_as(LEAD);
    let error = |path: &str| {
        let r = lead.get(server.url(path)).send().unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().unwrap();
        (
            status,
            body["error"]["message"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        error("/api/tiles/institutions/2/4/0"),
        (
            400,
            "tile 2/4/0: tile 4/0 is outside zoom 2, which has 4 tiles a side".into()
        )
    );
    assert_eq!(error("/api/tiles/schools/1/0/0").0, 404);
    assert_eq!(error("/api/tiles/institutions/x/0/0").0, 400);
    // Far from the township: an empty tile, not an error.
    let empty = lead
        .get(server.url("/api/tiles/institutions/10/0/0"))
        .send()
        .unwrap();
    assert_eq!(empty.status(), 200);
    assert!(empty.bytes().unwrap().is_empty());
}

/// A site imported by another process (`gridpatrol import`) shows in the tiles the
/// server already cut, within the workspace recheck (0.5 s).
#[test]
fn tiles_follow_the_workspace() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    // The middle of the fixture township, at zoom 18: every site alone.
    let (lon, lat) = (116.356_75, 39.960_4);
    let (x, y) = tile_of(lon, lat, 18);
    let path = format!("/api/tiles/institutions/18/{x}/{y}");
    let tile = |client: &reqwest::blocking::Client| {
        client
            .get(server.url(&path))
            .send()
            .unwrap()
            .bytes()
            .unwrap()
    };
    let before = tile(&lead);
    assert!(!before.windows(5).any(|w| w == b"NEW01"));
    let csv = server.dir.path().join("new.csv");
    std::fs::write(
        &csv,
        format!(
            "id,name,kind,subject,licence,address,lon,lat,open_hours,complaints,last_inspected,synthetic\n\
             NEW01,新开培训点,training,subject,unlicensed,,{lon},{lat},,1,,false\n"
        ),
    )
    .unwrap();
    let ws = server.dir.path().join("township.sqlite");
    web_support::gridpatrol(
        &[
            "import",
            "institutions",
            csv.to_str().unwrap(),
            "--crs",
            "wgs84",
            "--workspace",
            ws.to_str().unwrap(),
        ],
        "",
    );
    std::thread::sleep(std::time::Duration::from_millis(600));
    let after = tile(&lead);
    assert!(
        after.windows(5).any(|w| w == b"NEW01"),
        "the new site is in its tile"
    );
    assert!(after.windows(10).any(|w| w == b"unlicensed"));
}
