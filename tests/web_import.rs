//! The list import over HTTP: a lead previews the committed xlsx (nothing written),
//! confirms it (written, audited), lists the row that needs a position and places it;
//! an inspector is refused every step. Then the same path in real Chromium through the
//! import panel (`tests/web/import.mjs`).

mod web_support;

use std::path::Path;

use serde_json::{json, Value};
use web_support::{browser_prerequisites, get_json, run_page_script, Server, INSPECTOR_A, LEAD};

fn fixture() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lead-list.xlsx"))
        .expect("the fixture list")
}

fn site_names(client: &reqwest::blocking::Client, server: &Server) -> Vec<String> {
    let layer = get_json(client, &server.url("/api/layers/institutions"));
    layer["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            f["properties"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn a_lead_previews_confirms_and_places_an_inspector_may_not() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let inspector = server.client_as(INSPECTOR_A);
    let preview_url = server.url("/api/import/preview?name=lead-list.xlsx&crs=wgs84");

    let refused = inspector.post(&preview_url).body(fixture()).send().unwrap();
    assert_eq!(refused.status(), 403);
    let anonymous = reqwest::blocking::Client::new();
    assert_eq!(
        anonymous
            .post(&preview_url)
            .body(fixture())
            .send()
            .unwrap()
            .status(),
        401
    );

    // Without the file's name the refusal is JSON, like every refusal.
    let nameless = lead
        .post(server.url("/api/import/preview?crs=wgs84"))
        .body(fixture())
        .send()
        .unwrap();
    assert_eq!(nameless.status(), 400);
    let body: Value = nameless.json().unwrap();
    assert_eq!(body["error"]["code"], "bad_request", "{body}");

    let before = site_names(&lead, &server);
    let answer: Value = lead
        .post(&preview_url)
        .body(fixture())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let preview = &answer["preview"];
    assert_eq!(preview["added"].as_array().unwrap().len(), 3, "{answer}");
    assert_eq!(preview["refused"].as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(preview["needs_position"][0]["name"], "火星培训", "{answer}");
    assert_eq!(preview["written"], false);
    assert_eq!(
        preview["refused"][0]["place"],
        "lead-list.xlsx sheet \"机构名单\" row 6"
    );
    assert!(
        preview["refused"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("field \"证照情况\": unknown value \"也许\""),
        "{answer}"
    );
    assert_eq!(
        site_names(&lead, &server),
        before,
        "a preview writes nothing"
    );

    let id = answer["id"].as_str().unwrap();
    let confirm_url = server.url(&format!("/api/import/{id}/confirm"));
    assert_eq!(inspector.post(&confirm_url).send().unwrap().status(), 403);
    let done: Value = lead.post(&confirm_url).send().unwrap().json().unwrap();
    assert_eq!(done["preview"]["written"], true, "{done}");
    let after = site_names(&lead, &server);
    for name in ["新星英语培训", "小书包托管", "明光书法"] {
        assert!(after.iter().any(|n| n == name), "{name} missing: {after:?}");
    }
    assert_eq!(
        lead.post(&confirm_url).send().unwrap().status(),
        404,
        "a preview is confirmed once"
    );
    let audit = get_json(&lead, &server.url("/api/audit"));
    assert!(audit.to_string().contains("needs a position 1"), "{audit}");

    let pending_url = server.url("/api/import/pending");
    assert_eq!(inspector.get(&pending_url).send().unwrap().status(), 403);
    let pending = get_json(&lead, &pending_url);
    let pending_id = pending["pending"][0]["id"].as_i64().unwrap();
    let place_url = server.url(&format!("/api/import/pending/{pending_id}/place"));
    let at = json!({"lon": 116.355, "lat": 39.962});
    assert_eq!(
        inspector
            .post(&place_url)
            .json(&at)
            .send()
            .unwrap()
            .status(),
        403
    );
    let nowhere = lead
        .post(&place_url)
        .json(&json!({"lon": 200.0, "lat": 30.0}))
        .send()
        .unwrap();
    assert_eq!(nowhere.status(), 400, "not a WGS-84 position");
    let placed: Value = lead
        .post(&place_url)
        .json(&at)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(placed["pending"].as_array().unwrap().len(), 0, "{placed}");
    assert!(site_names(&lead, &server).iter().any(|n| n == "火星培训"));
    server.stop_gracefully();
}

#[test]
fn a_lead_imports_an_xlsx_in_chromium_with_the_preview() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let list = root.join("tests/fixtures/lead-list.xlsx");
    let list = list.to_str().expect("a UTF-8 path");
    run_page_script(
        &node,
        "import.mjs",
        &server,
        &[("GP_LIST", list)],
        "import: all steps passed",
    );
    server.stop_gracefully();
}
