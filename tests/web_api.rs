//! The HTTP front door of `gridpatrol serve`, through the real binary: JSON errors
//! with stable codes, the body limit, no CORS, a strict CSP, writes refused without
//! a session, and a clean exit on SIGTERM.

mod web_support;

use reqwest::blocking::Client;
use serde_json::Value;
use web_support::{get_json, Server};

fn error_code(r: reqwest::blocking::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().expect("a JSON error body");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_string();
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    (status, code)
}

#[test]
fn front_door_answers_json_errors_and_refuses_what_it_should() {
    let server = Server::start(&[]);
    let client = Client::new();

    // The page and MapLibre come from the binary itself.
    let page = client.get(server.url("/")).send().unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains('*'),
        "{csp}"
    );
    assert!(page.headers().get("access-control-allow-origin").is_none());
    let html = page.text().unwrap();
    assert!(html.contains("/vendor/maplibre-gl/maplibre-gl.js") && !html.contains("https://"));
    let js = client
        .get(server.url("/vendor/maplibre-gl/maplibre-gl.js"))
        .send()
        .unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.bytes().unwrap().len() > 500_000);

    // Unknown endpoints, wrong methods, bad bodies: JSON errors with stable codes.
    assert_eq!(
        error_code(client.get(server.url("/api/nope")).send().unwrap()),
        (404, "not_found".into())
    );
    assert_eq!(
        error_code(client.delete(server.url("/api/me")).send().unwrap()),
        (405, "method_not_allowed".into())
    );
    let wrong_type = client
        .post(server.url("/api/login"))
        .body("name=x")
        .send()
        .unwrap();
    assert_eq!(
        error_code(wrong_type),
        (415, "unsupported_media_type".into())
    );
    let bad_json = client
        .post(server.url("/api/login"))
        .header("content-type", "application/json")
        .body("{\"name\": 1}")
        .send()
        .unwrap();
    assert_eq!(error_code(bad_json), (422, "invalid_json".into()));
    let huge = format!(
        "{{\"name\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(300 * 1024)
    );
    let too_big = client
        .post(server.url("/api/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .unwrap();
    assert_eq!(error_code(too_big), (413, "payload_too_large".into()));
    let wrong_pw = client
        .post(server.url("/api/login"))
        .json(&serde_json::json!({"name": "nobody", "password": "wrong-password"}))
        .send()
        .unwrap();
    assert_eq!(error_code(wrong_pw), (401, "bad_credentials".into()));

    // Without a session: the base map is public, the township's records and every write are not.
    assert_eq!(
        client
            .get(server.url("/api/layers/base"))
            .send()
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        error_code(
            client
                .get(server.url("/api/layers/institutions"))
                .send()
                .unwrap()
        ),
        (401, "unauthorized".into())
    );
    for path in ["/api/plan", "/api/inspections", "/api/draw"] {
        let r = client
            .post(server.url(path))
            .json(&serde_json::json!({}))
            .send()
            .unwrap();
        assert_eq!(error_code(r), (401, "unauthorized".into()), "{path}");
    }
    // A forged session cookie is no session.
    let forged = client
        .get(server.url("/api/coverage"))
        .header("cookie", "gp_session=00ff")
        .send()
        .unwrap();
    assert_eq!(error_code(forged), (401, "unauthorized".into()));
    // A cross-site write is refused before anything else.
    let cross = client
        .post(server.url("/api/inspections"))
        .header("origin", "http://evil.example")
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_eq!(error_code(cross), (403, "forbidden".into()));
    let me: Value = get_json(&client, &server.url("/api/me"));
    assert!(me["user"].is_null());

    server.stop_gracefully();
}

#[test]
fn roles_decide_who_draws_and_every_write_is_signed() {
    let server = Server::start(&[]);
    let lead = server.client_as(web_support::LEAD);
    let inspector = server.client_as(web_support::INSPECTOR_A);
    let me: Value = get_json(&inspector, &server.url("/api/me"));
    assert_eq!(me["user"]["role"], "inspector");
    assert_eq!(me["user"]["team"], "A");

    // Only a lead draws; the same published seed gives the same sites.
    let body = serde_json::json!({"sites": 4, "inspectors": 2, "seed": "2026-11-23 第1期"});
    let refused = inspector
        .post(server.url("/api/draw"))
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(error_code(refused), (403, "forbidden".into()));
    let a: Value = lead
        .post(server.url("/api/draw"))
        .json(&body)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let b: Value = lead
        .post(server.url("/api/draw"))
        .json(&body)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(a["draw"]["sites"].as_array().unwrap().len(), 4);
    assert_eq!(a["draw"]["sites"], b["draw"]["sites"]);
    assert_eq!(
        b["draw"]["prev_hash"], a["draw"]["hash"],
        "draws are hash-chained"
    );

    // An inspector records an inspection for the own team; bad input is named.
    let ok = inspector
        .post(server.url("/api/inspections"))
        .json(&serde_json::json!({"site_id": "S000", "date": "2026-11-23", "result": "hazard", "notes": "灭火器过期"}))
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    let bad = inspector
        .post(server.url("/api/inspections"))
        .json(&serde_json::json!({"site_id": "S000", "date": "23/11/2026", "result": "hazard"}))
        .send()
        .unwrap();
    assert_eq!(error_code(bad), (400, "bad_request".into()));
    let unknown = inspector
        .post(server.url("/api/inspections"))
        .json(&serde_json::json!({"site_id": "NOPE", "date": "2026-11-23", "result": "compliant"}))
        .send()
        .unwrap();
    assert_eq!(error_code(unknown).0, 404);
    let ledger = lead
        .get(server.url("/api/export/ledger.csv"))
        .send()
        .unwrap();
    assert_eq!(ledger.status(), 200);
    assert!(ledger.text().unwrap().contains("S000"));

    // Signing out ends the session on the server, not only in the browser.
    let cookie = server.sign_in(web_support::LEAD);
    let out = Client::new()
        .post(server.url("/api/logout"))
        .header("cookie", &cookie)
        .send()
        .unwrap();
    assert_eq!(out.status(), 200);
    let after = Client::new()
        .get(server.url("/api/coverage"))
        .header("cookie", &cookie)
        .send()
        .unwrap();
    assert_eq!(error_code(after), (401, "unauthorized".into()));
    server.stop_gracefully();
}

/// Every download the page's export panel offers answers, with the right type and
/// content: the links written in the page's script are checked against the server.
#[test]
fn export_buttons_download_geojson_csv_and_xlsx() {
    let server = Server::start(&[]);
    let lead = server.client_as(web_support::LEAD);
    let ok = lead
        .post(server.url("/api/inspections"))
        .json(
            &serde_json::json!({"site_id": "S001", "date": chrono_today(), "result": "compliant"}),
        )
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);

    // The fixed links in the page's export panel (the layer links are built per layer).
    let export_js = lead
        .get(server.url("/static/js/panels/export.js"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let mut fixed: Vec<String> = export_js
        .match_indices("'/api/export/")
        .filter_map(|(i, _)| {
            let rest = &export_js[i + 1..];
            rest.find('\'').map(|end| rest[..end].to_string())
        })
        .collect();
    fixed.sort();
    fixed.dedup();
    for f in ["ledger.csv", "ledger.xlsx", "coverage.csv", "coverage.xlsx"] {
        assert!(
            fixed.contains(&format!("/api/export/{f}")),
            "the page offers {f}: {fixed:?}"
        );
    }
    for path in &fixed {
        let r = lead.get(server.url(path)).send().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.starts_with("attachment"),
            "{path}: {disposition}"
        );
        let kind = r.headers()["content-type"].to_str().unwrap().to_string();
        let bytes = r.bytes().unwrap();
        if path.ends_with(".csv") {
            assert!(kind.starts_with("text/csv"), "{path}: {kind}");
            let text = std::str::from_utf8(&bytes).expect("UTF-8 CSV");
            assert!(text.starts_with('\u{feff}'), "{path}: a BOM for Excel");
            let lines: Vec<&str> = text.lines().collect();
            if path.contains("coverage") {
                assert_eq!(
                    lines.len(),
                    2 + 4,
                    "{path}: a title, the headers and a row per cell"
                );
                assert!(
                    lines[0].contains("测试街道")
                        && lines[1].starts_with("网格,")
                        && text.contains("第1网格"),
                    "{text}"
                );
            } else {
                assert!(text.contains("S001"), "{path}: the recorded inspection");
            }
        } else {
            assert!(kind.contains("spreadsheetml"), "{path}: {kind}");
            assert!(bytes.starts_with(b"PK"), "{path}: an xlsx is a zip");
        }
    }
    // A period for the coverage table is checked like the API's.
    let bad = lead
        .get(server.url("/api/export/coverage.csv?from=yesterday"))
        .send()
        .unwrap();
    assert_eq!(error_code(bad), (400, "bad_request".into()));

    // Each map layer as GeoJSON.
    for layer in ["cells", "institutions", "hotspots", "schools", "routes"] {
        let path = format!("/api/export/{layer}.geojson");
        let r = lead.get(server.url(&path)).send().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], "application/geo+json");
        let fc: Value = r.json().expect("GeoJSON parses");
        assert_eq!(fc["type"], "FeatureCollection");
        let features = fc["features"].as_array().unwrap();
        if layer != "routes" {
            assert!(!features.is_empty(), "{path}");
        }
        assert!(features
            .iter()
            .all(|f| f["geometry"]["coordinates"].is_array()));
    }
    // Exports are the township's records: not without a session.
    let anon = Client::new()
        .get(server.url("/api/export/coverage.csv"))
        .send()
        .unwrap();
    assert_eq!(error_code(anon), (401, "unauthorized".into()));
    server.stop_gracefully();
}

fn chrono_today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// A lean copy of the sites layer (`?fields=map`, for programs that only draw it)
/// carries the id and licence; the page's copy (popups and panels) carries everything.
#[test]
fn the_map_gets_a_lean_sites_layer_and_the_page_the_full_one() {
    let server = Server::start(&[]);
    let lead = server.client_as(web_support::LEAD);
    let get = |q: &str| -> Value {
        get_json(&lead, &server.url(&format!("/api/layers/institutions{q}")))
    };
    let full = get("");
    let lean = get("?fields=map");
    assert_eq!(full["features"].as_array().unwrap().len(), 24);
    assert_eq!(lean["features"].as_array().unwrap().len(), 24);
    for (f, l) in full["features"]
        .as_array()
        .unwrap()
        .iter()
        .zip(lean["features"].as_array().unwrap())
    {
        assert_eq!(f["properties"]["id"], l["properties"]["id"]);
        assert_eq!(f["properties"]["licence"], l["properties"]["licence"]);
        assert_eq!(l["properties"].as_object().unwrap().len(), 2, "{l}");
        assert!(f["properties"]["name"].is_string());
        assert_eq!(f["geometry"], l["geometry"]);
    }
    let bad = lead
        .get(server.url("/api/layers/institutions?fields=some"))
        .send()
        .unwrap();
    assert_eq!(error_code(bad), (400, "bad_request".into()));
    server.stop_gracefully();
}

/// An office's tile server: the page is told where and what (raster or vector), and
/// the Content-Security-Policy lets the page reach that server and no other.
#[test]
fn an_office_tile_server_is_named_to_the_page_and_allowed() {
    for (flags, kind) in [
        (
            &["--tile-url", "http://10.1.2.3:8081/osm/{z}/{x}/{y}.pbf"][..],
            "vector",
        ),
        (
            &[
                "--tile-url",
                "http://10.1.2.3:8081/osm/{z}/{x}/{y}",
                "--tile-kind",
                "vector",
            ],
            "vector",
        ),
        (
            &["--tile-url", "http://10.1.2.3:8081/img/{z}/{x}/{y}.png"],
            "raster",
        ),
    ] {
        let server = Server::start(flags);
        let client = Client::new();
        let config: Value = get_json(&client, &server.url("/api/config"));
        assert_eq!(config["tile_url"], flags[1]);
        assert_eq!(config["tile_kind"], kind, "{flags:?}");
        let page = client.get(server.url("/")).send().unwrap();
        let csp = page.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("connect-src 'self' http://10.1.2.3:8081;"),
            "{csp}"
        );
        assert!(!csp.contains('*'), "{csp}");
    }
}

/// A tile URL that is not one is refused at start-up, with what is wrong.
#[test]
fn a_bad_tile_url_stops_serve_with_a_clear_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tile-url",
            "tiles.example/{z}/{x}/{y}.png",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            "Error: --tile-url: `tiles.example/{z}/{x}/{y}.png` does not start with http:// or https://"
        ),
        "{stderr}"
    );
}
