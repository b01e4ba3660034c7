//! The sweep in the page: `GET /api/sweep/{cell}` on the real server plans the walk
//! over every street of one of the workspace's cells, as JSON for the map and sheet and
//! as GPX (one track per shift) read back with the GPX reader.

mod web_support;

use gridpatrol::formats::gpx::read_gpx;
use serde_json::Value;
use web_support::{Server, INSPECTOR_A};

#[test]
fn a_cells_sweep_comes_as_json_and_gpx() {
    let server = Server::start(&[]);
    let inspector = server.client_as(INSPECTOR_A);
    let plan: Value = inspector
        .get(server.url("/api/sweep/G1?shift_minutes=60"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(plan["cell"], "G1");
    assert_eq!(plan["name"], "第1网格");
    let shifts = plan["shifts"].as_array().unwrap();
    assert!(!shifts.is_empty(), "{plan}");
    assert!(plan["ratio"].as_f64().unwrap() >= 1.0);
    assert!(shifts
        .iter()
        .all(|s| s["minutes"].as_f64().unwrap() <= 60.0 + 1.0));
    let walked: f64 = shifts.iter().map(|s| s["length_m"].as_f64().unwrap()).sum();
    assert!((walked - plan["total_m"].as_f64().unwrap()).abs() < 1.0 + 0.1 * shifts.len() as f64);
    assert_eq!(
        plan["geojson"]["features"].as_array().unwrap().len(),
        shifts.len()
    );

    let gpx = inspector
        .get(server.url("/api/sweep/G1?shift_minutes=60&format=gpx"))
        .send()
        .unwrap();
    assert_eq!(gpx.headers()["content-type"], "application/gpx+xml");
    let tracks = read_gpx(&gpx.bytes().unwrap(), "sweep-G1.gpx").unwrap();
    assert_eq!(tracks.len(), shifts.len());
    assert!(tracks[0].name.as_deref().unwrap().contains("第1网格 第1班"));

    let missing = inspector.get(server.url("/api/sweep/G99")).send().unwrap();
    assert_eq!(missing.status(), 404);
    let bad = inspector
        .get(server.url("/api/sweep/G1?format=kml"))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);
    let slow = inspector
        .get(server.url("/api/sweep/G1?speed_kmh=0"))
        .send()
        .unwrap();
    assert_eq!(slow.status(), 400);
    // A query that does not read is refused as JSON, like every refusal.
    let unreadable = inspector
        .get(server.url("/api/sweep/G1?speed_kmh=fast"))
        .send()
        .unwrap();
    assert_eq!(unreadable.status(), 400);
    let body: Value = unreadable.json().unwrap();
    assert_eq!(body["error"]["code"], "bad_request", "{body}");
    // A shift below a minute is refused; one too short for any street is the lead's
    // choice to change, so it is a 400 naming the length needed, not a server error.
    let tiny = inspector
        .get(server.url("/api/sweep/G1?shift_minutes=2.220446049250313e-16"))
        .send()
        .unwrap();
    assert_eq!(tiny.status(), 400);
    let short = inspector
        .get(server.url("/api/sweep/G1?shift_minutes=1&speed_kmh=0.6"))
        .send()
        .unwrap();
    assert_eq!(short.status(), 400);
    let body: Value = short.json().unwrap();
    assert!(
        body["error"]["message"].as_str().unwrap().contains("米"),
        "{body}"
    );
    server.stop_gracefully();
}
