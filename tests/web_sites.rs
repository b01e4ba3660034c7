//! The lead's site desk through the real server: a site added in GCJ-02 is stored in
//! WGS-84 and placed in its cell, moved to another cell, edited, closed and reopened,
//! each change in its history and the audit log; the planner's layers and coverage see
//! it at once; wrong values are named Chinese first; only a lead may write; the dossier
//! (一家一册) and the white/black list layers, with the flag of a white-listed site
//! found at fault since.
#![allow(clippy::unwrap_used)]

mod web_support;

use gridpatrol::crs::Crs;
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use web_support::{get_json, Server, INSPECTOR_A, LEAD};

fn post(client: &Client, server: &Server, path: &str, body: &Value) -> Response {
    client.post(server.url(path)).json(body).send().unwrap()
}

fn patch(client: &Client, server: &Server, path: &str, body: &Value) -> Response {
    client.patch(server.url(path)).json(body).send().unwrap()
}

/// `(status, code, message)` of an error answer.
fn error(r: Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().unwrap();
    let text = |k: &str| body["error"][k].as_str().unwrap_or_default().to_string();
    (status, text("code"), text("message"))
}

fn ok(r: Response) -> Value {
    let status = r.status();
    let body: Value = r.json().unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// The feature of `id` in layer `name`, if there.
fn feature(client: &Client, server: &Server, name: &str, id: &str) -> Option<Value> {
    let layer = get_json(client, &server.url(&format!("/api/layers/{name}")));
    layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == id)
        .cloned()
}

/// Sites in cell `cell` as coverage counts them.
fn sites_in_cell(client: &Client, server: &Server, cell: &str) -> u64 {
    let coverage = get_json(client, &server.url("/api/coverage"));
    coverage["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cell_id"] == cell)
        .unwrap()["sites"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_lead_adds_moves_edits_closes_and_reopens_a_site() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let inspector = server.client_as(INSPECTOR_A);
    let anonymous = Client::new();
    // In cell G1 (south-west), given as 高德 (GCJ-02) shows it.
    let (lon, lat) = (116.3520, 39.9570);
    let (glon, glat) = Crs::Gcj02.from_wgs84(lon, lat);
    let body = json!({
        "name": "阳光托管班", "kind": "care", "licence": "unlicensed",
        "address": "西土城路 99 号", "open_hours": "周一至周五 16:00-19:00",
        "lon": glon, "lat": glat, "crs": "gcj02",
    });
    assert_eq!(error(post(&anonymous, &server, "/api/sites", &body)).0, 401);
    assert_eq!(error(post(&inspector, &server, "/api/sites", &body)).0, 403);
    let before = sites_in_cell(&lead, &server, "G1");
    let site = ok(post(&lead, &server, "/api/sites", &body));
    let id = site["id"].as_str().unwrap().to_string();
    assert!(
        (site["lon"].as_f64().unwrap() - lon).abs() < 1e-6
            && (site["lat"].as_f64().unwrap() - lat).abs() < 1e-6,
        "stored in WGS-84: {site}"
    );
    assert_eq!(site["cell_id"], "G1");
    assert_eq!(site["closed"], false);
    assert_eq!(site["open_hours"], "Mo-Fr 16:00-19:00");
    assert_eq!(sites_in_cell(&lead, &server, "G1"), before + 1);
    let on_map = feature(&lead, &server, "institutions", &id).expect("on the site layer");
    assert_eq!(on_map["properties"]["cell_id"], "G1");
    assert!(
        feature(&lead, &server, "blacklist", &id).is_some(),
        "an unlicensed site is black-listed"
    );

    // Dragged to the north-east cell.
    let moved = json!({"lon": 116.3620, "lat": 39.9640});
    let path = format!("/api/sites/{id}");
    assert_eq!(error(patch(&inspector, &server, &path, &moved)).0, 403);
    assert_eq!(error(patch(&anonymous, &server, &path, &moved)).0, 401);
    let site = ok(patch(&lead, &server, &path, &moved));
    assert_eq!(site["cell_id"], "G4");
    assert_eq!(sites_in_cell(&lead, &server, "G1"), before);
    let on_map = feature(&lead, &server, "institutions", &id).unwrap();
    let at = &on_map["geometry"]["coordinates"];
    assert!(
        (at[0].as_f64().unwrap() - 116.362).abs() < 1e-6
            && (at[1].as_f64().unwrap() - 39.964).abs() < 1e-6,
        "{at}"
    );

    // Edited, then closed and reopened.
    let site = ok(patch(
        &lead,
        &server,
        &path,
        &json!({"name": "阳光托管", "licence": "registered_only", "address": ""}),
    ));
    assert_eq!(
        (&site["name"], &site["licence"], &site["address"]),
        (&json!("阳光托管"), &json!("registered_only"), &Value::Null)
    );
    let site = ok(patch(
        &lead,
        &server,
        &path,
        &json!({"closed": true, "reason": "已停业"}),
    ));
    assert_eq!(site["closed"], true);
    let black = feature(&lead, &server, "blacklist", &id).unwrap();
    assert_eq!(black["properties"]["reason"], "已责令关停");
    ok(patch(&lead, &server, &path, &json!({"closed": false})));

    // The dossier holds every change, who made it, before and after.
    let dossier = ok(inspector.get(server.url(&path)).send().unwrap());
    assert_eq!(dossier["site"]["closed"], false);
    assert_eq!(dossier["tipoffs"], json!([]));
    let history = dossier["history"].as_array().unwrap();
    let actions: Vec<(&str, &str)> = history
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("add", "name"),
            ("add", "kind"),
            ("add", "licence"),
            ("add", "address"),
            ("add", "open_hours"),
            ("add", "location"),
            ("move", "location"),
            ("edit", "name"),
            ("edit", "licence"),
            ("edit", "address"),
            ("close", "status"),
            ("close", "reason"),
            ("reopen", "status"),
        ]
    );
    assert!(history
        .iter()
        .all(|h| h["actor"] == LEAD && h["via"] == "web"));
    assert_eq!(history[7]["before"], "阳光托管班");
    assert_eq!(history[9]["after"], Value::Null);
    // ... and so does the audit log.
    let audit = get_json(&lead, &server.url("/api/audit"));
    let entries: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == id.as_str())
        .collect();
    assert_eq!(entries.len(), 5, "{entries:?}");
    assert_eq!(entries[0]["action"], "site_add");
    // The field app's dossier still answers.
    assert_eq!(
        inspector
            .get(server.url(&format!("{path}/dossier")))
            .send()
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        error(anonymous.get(server.url(&path)).send().unwrap()).0,
        401
    );
    assert_eq!(
        error(lead.get(server.url("/api/sites/NOPE")).send().unwrap()).0,
        404
    );
    server.stop_gracefully();
}

#[test]
fn wrong_values_are_named_chinese_first_and_nothing_is_written() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let good = json!({"name": "新机构", "kind": "training", "lon": 116.352, "lat": 39.957});
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    for (body, field, chinese) in [
        (with("name", json!("  ")), "name", "名称不能为空"),
        (with("crs", json!("mercator")), "crs", "坐标系"),
        (with("kind", json!("school")), "kind", "类别"),
        (with("licence", json!("ok")), "licence", "证照"),
        (with("open_hours", json!("随时")), "open_hours", "营业时间"),
        (with("id", json!("S000")), "id", "已被占用"),
        (with("id", json!("a/b")), "id", "不能含"),
        (with("lat", json!(95.0)), "location", "不是经纬度"),
    ] {
        let (status, code, message) = error(post(&lead, &server, "/api/sites", &body));
        assert_eq!((status, code.as_str()), (400, "bad_request"), "{body}");
        assert!(
            message.starts_with(&format!("{field}: ")) && message.contains(chinese),
            "{body}: {message}"
        );
    }
    let (status, _, message) = error(patch(
        &lead,
        &server,
        "/api/sites/S000",
        &json!({"lon": 116.35}),
    ));
    assert_eq!(status, 400);
    assert!(message.starts_with("location: "), "{message}");
    let dossier = get_json(&lead, &server.url("/api/sites/S000"));
    assert_eq!(dossier["history"], json!([]));
    let layer = get_json(&lead, &server.url("/api/layers/institutions"));
    assert_eq!(layer["features"].as_array().unwrap().len(), 24);
    // A hotspot by a click: a square in its cell.
    let hotspot = ok(post(
        &lead,
        &server,
        "/api/sites",
        &json!({"name": "新商务楼", "kind": "office_building", "lon": 116.362, "lat": 39.964, "size_m": 60}),
    ));
    assert!(feature(&lead, &server, "hotspots", hotspot["id"].as_str().unwrap()).is_some());
    server.stop_gracefully();
}

#[test]
fn a_white_listed_site_found_at_fault_is_flagged_on_the_layer_and_in_the_dossier() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let inspector = server.client_as(INSPECTOR_A);
    let day = (chrono::Local::now().date_naive() - chrono::Duration::days(1)).to_string();
    let visit = |at: &str, result: &str| {
        ok(post(
            &inspector,
            &server,
            "/api/inspections",
            &json!({"site_id": "S002", "date": day, "at": format!("{day}T{at}"), "result": result}),
        ))
    };
    // S002 is licensed: a compliant visit puts it on the white list.
    visit("10:00:00", "compliant");
    let white = feature(&lead, &server, "whitelist", "S002").expect("white-listed");
    assert_eq!(white["properties"]["flagged"], false);
    let dossier = get_json(&lead, &server.url("/api/sites/S002"));
    assert_eq!(dossier["lists"]["white"], true);
    assert_eq!(dossier["lists"]["new_finding"], Value::Null);
    // A hazard found later: still on the white layer, flagged, and named in the dossier.
    let hazard = visit("11:00:00", "hazard");
    let white = feature(&lead, &server, "whitelist", "S002").expect("still on the layer");
    assert_eq!(white["properties"]["flagged"], true);
    assert_eq!(white["properties"]["finding"], "hazard");
    let dossier = get_json(&inspector, &server.url("/api/sites/S002"));
    assert_eq!(dossier["lists"]["white"], false);
    assert_eq!(
        dossier["lists"]["new_finding"]["inspection_id"],
        hazard["inspection"]["id"]
    );
    assert_eq!(dossier["inspections"].as_array().unwrap().len(), 2);
    assert_eq!(
        dossier["follow_ups"][0]["kind"], "rectification",
        "{dossier}"
    );
    // Only the one site is flagged.
    let layer = get_json(&lead, &server.url("/api/layers/whitelist"));
    let flagged = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["flagged"] == true)
        .count();
    assert_eq!(flagged, 1);
    server.stop_gracefully();
}
