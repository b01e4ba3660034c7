//! The field app's API through the real server: an evidence-grade record, its photos
//! kept once by SHA-256 (also when the record is sent again), who may see them, the
//! limits, 摸排 proposals from proposal to site, and the site's dossier (一家一册).
#![allow(clippy::unwrap_used)]

mod web_support;

use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use web_support::{gridpatrol, Server, INSPECTOR_A, INSPECTOR_B, LEAD};

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// A JPEG as far as the server looks (its start), `n` making each one different.
fn jpeg(n: u8, len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(len.max(5), n);
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn evidence_record(site: &str) -> Value {
    let day = today();
    json!({
        "site_id": site,
        "date": day,
        "at": format!("{day}T00:00:05"),
        "notes": "消防通道堵塞",
        "findings": ["fees", "safety"],
        "outcome": "rectify",
        "officers": ["王军", "李红"],
        "position": {"lon": 116.3551, "lat": 39.9601, "accuracy_m": 12.5, "at": format!("{day}T00:00:03")},
        "representative": "张老板",
        "signature": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    })
}

fn post(client: &Client, server: &Server, path: &str, body: &Value) -> Response {
    client.post(server.url(path)).json(body).send().unwrap()
}

fn post_photo(
    client: &Client,
    server: &Server,
    path: &str,
    bytes: &[u8],
    content_type: &str,
) -> Response {
    client
        .post(server.url(path))
        .header("content-type", content_type)
        .body(bytes.to_vec())
        .send()
        .unwrap()
}

fn error(r: Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().unwrap();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn inspection_count(server: &Server) -> usize {
    let csv = server
        .client_as(LEAD)
        .get(server.url("/api/export/ledger.csv"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    csv.lines().count() - 1
}

#[test]
fn an_evidence_record_is_kept_once_with_its_photos_for_its_team_only() {
    let server = Server::start(&[]);
    let (a, b, lead) = (
        server.client_as(INSPECTOR_A),
        server.client_as(INSPECTOR_B),
        server.client_as(LEAD),
    );
    let before = inspection_count(&server);
    let body = evidence_record("S001");
    let send = || {
        a.post(server.url("/api/inspections"))
            .header("idempotency-key", "field-1")
            .json(&body)
            .send()
            .unwrap()
    };
    let first = send();
    assert_eq!(first.status(), 200);
    let first: Value = first.json().unwrap();
    let id = first["inspection"]["id"].as_i64().unwrap();
    assert_eq!(first["inspection"]["result"], "hazard", "整改 is a hazard");
    let photo = jpeg(7, 40_000);
    let path = format!("/api/inspections/{id}/photos");
    // The device lost both answers and sends record and photo again.
    let again = send();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().unwrap()["inspection"]["id"], id);
    for _ in 0..2 {
        let kept: Value = post_photo(&a, &server, &path, &photo, "image/jpeg")
            .json()
            .unwrap();
        assert_eq!(kept["sha256"], sha256(&photo));
        assert_eq!(kept["url"], format!("/api/photos/{}", sha256(&photo)));
    }
    assert_eq!(inspection_count(&server), before + 1);

    let detail: Value = a
        .get(server.url(&format!("/api/inspections/{id}")))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(detail["site_name"], "测试培训机构1");
    assert_eq!(detail["findings"], json!(["fees", "safety"]));
    assert_eq!(detail["outcome"], "rectify");
    assert_eq!(detail["officers"], json!(["王军", "李红"]));
    assert_eq!(detail["position"]["accuracy_m"], 12.5);
    assert_eq!(detail["representative"], "张老板");
    assert_eq!(detail["at"], format!("{}T00:00:05", today()));
    assert_eq!(detail["signature"], body["signature"]);
    assert!(detail["rectify_by"].as_str().unwrap() > today().as_str());
    assert_eq!(detail["follow_ups"][0]["kind"], "rectification");
    assert_eq!(detail["follow_ups"][0]["due"], detail["rectify_by"]);
    assert_eq!(detail["photos"].as_array().unwrap().len(), 1);
    let url = detail["photos"][0]["url"].as_str().unwrap().to_string();
    let fetched = a.get(server.url(&url)).send().unwrap();
    assert_eq!(fetched.headers()["content-type"], "image/jpeg");
    assert_eq!(sha256(&fetched.bytes().unwrap()), sha256(&photo));

    // Team B neither reads nor adds to team A's record; the lead reads it.
    assert_eq!(
        b.get(server.url(&format!("/api/inspections/{id}")))
            .send()
            .unwrap()
            .status(),
        403
    );
    assert_eq!(b.get(server.url(&url)).send().unwrap().status(), 403);
    let other = post_photo(&b, &server, &path, &jpeg(8, 100), "image/jpeg");
    assert_eq!(other.status(), 403);
    assert_eq!(lead.get(server.url(&url)).send().unwrap().status(), 200);
    assert_eq!(
        lead.get(server.url(&format!("/api/inspections/{id}")))
            .send()
            .unwrap()
            .status(),
        200
    );

    // Limits: too large (413, even past the body limit), not an image, too many (400).
    let (status, code, message) = error(post_photo(
        &a,
        &server,
        &path,
        &jpeg(9, 2 * 1024 * 1024 + 1),
        "image/jpeg",
    ));
    assert_eq!(
        (status, code.as_str()),
        (413, "payload_too_large"),
        "{message}"
    );
    assert!(message.contains("2 MB"), "{message}");
    let (status, code, _) = error(post_photo(
        &a,
        &server,
        &path,
        &jpeg(9, 3 * 1024 * 1024),
        "image/jpeg",
    ));
    assert_eq!((status, code.as_str()), (413, "payload_too_large"));
    let (status, _, message) = error(post_photo(&a, &server, &path, b"hello", "image/jpeg"));
    assert_eq!(status, 400, "{message}");
    let (status, _, message) = error(post_photo(&a, &server, &path, &photo, "text/plain"));
    assert_eq!(status, 400, "{message}");
    for n in 1..10 {
        let r = post_photo(&a, &server, &path, &jpeg(n, 1000), "image/jpeg");
        assert_eq!(r.status(), 200);
    }
    let (status, _, message) = error(post_photo(
        &a,
        &server,
        &path,
        &jpeg(10, 1000),
        "image/jpeg",
    ));
    assert_eq!(status, 400);
    assert!(message.contains("at most 10 photos"), "{message}");
    let (status, _, message) = error(post_photo(
        &a,
        &server,
        "/api/inspections/x1/photos",
        &photo,
        "image/jpeg",
    ));
    assert_eq!(status, 400, "{message}");

    // Bad evidence: each refused with the field named, nothing stored.
    for (field, value, says) in [
        ("findings", json!(["fees", "no_such_item"]), "no_such_item"),
        ("officers", json!(["王军"]), "at least 2 officers"),
        ("outcome", json!("shrug"), "`shrug` is not one of"),
        ("outcome", json!("refer"), "refer_to: needed"),
        ("rectify_by", json!("next week"), "rectify_by"),
        ("at", json!("2999-01-01T10:00:00"), "at:"),
        (
            "signature",
            json!("data:image/gif;base64,R0lG"),
            "signature",
        ),
    ] {
        let mut bad = evidence_record("S001");
        bad[field] = value;
        let (status, code, message) = error(post(&a, &server, "/api/inspections", &bad));
        assert_eq!(
            (status, code.as_str()),
            (400, "bad_request"),
            "{field}: {message}"
        );
        assert!(message.contains(says), "{field}: {message}");
    }
    assert_eq!(inspection_count(&server), before + 1);

    // A backup carries the photos.
    let out = tempfile::tempdir().unwrap();
    let copy = out.path().join("backup.sqlite");
    let ws = server.workspace_path();
    gridpatrol(
        &[
            "backup",
            "--workspace",
            ws.to_str().unwrap(),
            "--out",
            copy.to_str().unwrap(),
        ],
        "",
    );
    let backup = gridpatrol::store::Workspace::open_existing(&copy).unwrap();
    let kept = backup.photo(&sha256(&photo)).unwrap().unwrap();
    assert_eq!(kept.bytes, photo);
    server.stop_gracefully();
}

#[test]
fn proposals_become_sites_or_merge_or_are_rejected_and_the_dossier_lists_every_record() {
    let server = Server::start(&[]);
    let (a, b, lead) = (
        server.client_as(INSPECTOR_A),
        server.client_as(INSPECTOR_B),
        server.client_as(LEAD),
    );
    let propose = |name: &str| -> Value {
        let r = post(
            &a,
            &server,
            "/api/sites/proposals",
            &json!({"name": name, "address": "西土城路99号", "kind": "training",
                    "lon": 116.3560, "lat": 39.9600, "notes": "二楼，无招牌"}),
        );
        assert_eq!(r.status(), 200);
        r.json().unwrap()
    };
    let first = propose("新发现托管班");
    assert_eq!(first["state"], "pending");
    assert_eq!(first["proposed_by"], INSPECTOR_A);
    assert_eq!(first["team"], "A");
    let pid = first["id"].as_i64().unwrap();
    let photo = jpeg(3, 500);
    let kept: Value = post_photo(
        &a,
        &server,
        &format!("/api/sites/proposals/{pid}/photos"),
        &photo,
        "image/jpeg",
    )
    .json()
    .unwrap();
    assert_eq!(kept["sha256"], sha256(&photo));
    assert_eq!(
        b.get(server.url(kept["url"].as_str().unwrap()))
            .send()
            .unwrap()
            .status(),
        403
    );
    let (status, _, message) = error(post(
        &a,
        &server,
        "/api/sites/proposals",
        &json!({"name": "x", "kind": "gym", "lon": 116.35, "lat": 39.96}),
    ));
    assert_eq!(status, 400, "{message}");

    // Lists: the lead sees all, an inspector their own.
    let list = |c: &Client| -> Value {
        c.get(server.url("/api/sites/proposals"))
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    assert_eq!(list(&b)["proposals"], json!([]));
    assert_eq!(
        list(&a)["proposals"][0]["photos"][0]["sha256"],
        sha256(&photo)
    );
    assert_eq!(list(&lead)["proposals"].as_array().unwrap().len(), 1);

    // The lead's map layer of pending proposals; another team's inspector sees none.
    let layer = |c: &Client| -> Value {
        c.get(server.url("/api/layers/proposals"))
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let pending = layer(&lead);
    assert_eq!(pending["features"][0]["properties"]["id"], pid);
    assert_eq!(
        pending["features"][0]["geometry"]["coordinates"],
        json!([116.356, 39.96])
    );
    assert_eq!(layer(&b)["features"], json!([]));

    // Accept: a new site in its cell, with a dossier.
    let accept = format!("/api/sites/proposals/{pid}/accept");
    assert_eq!(post(&a, &server, &accept, &json!({})).status(), 403);
    let accepted: Value = post(&lead, &server, &accept, &json!({})).json().unwrap();
    assert_eq!(accepted["state"], "accepted");
    assert_eq!(accepted["decided_by"], LEAD);
    let site = accepted["site_id"].as_str().unwrap().to_string();
    assert_eq!(site, format!("P{pid}"));
    let (status, _, message) = error(post(&lead, &server, &accept, &json!({})));
    assert_eq!(status, 400);
    assert!(message.contains("accepted already"), "{message}");
    let dossier: Value = lead
        .get(server.url(&format!("/api/sites/{site}/dossier")))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(dossier["site"]["name"], "新发现托管班");
    assert_eq!(dossier["site"]["licence"], "unlicensed");
    assert_eq!(
        layer(&lead)["features"],
        json!([]),
        "decided: off the layer"
    );
    let cells: Value = lead
        .get(server.url("/api/layers/institutions"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let placed = cells["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["id"] == site.as_str());
    assert!(placed, "the new site is on the map");

    // Merge into a known site, taking the address; reject another.
    let second = propose("S002 的新招牌");
    let merged: Value = post(
        &lead,
        &server,
        &format!("/api/sites/proposals/{}/merge", second["id"]),
        &json!({"site_id": "S002", "update_address": true}),
    )
    .json()
    .unwrap();
    assert_eq!(
        (merged["state"].as_str(), merged["site_id"].as_str()),
        (Some("merged"), Some("S002"))
    );
    let third = propose("重复上报");
    let reject = format!("/api/sites/proposals/{}/reject", third["id"]);
    let (status, _, _) = error(post(&lead, &server, &reject, &json!({"reason": " "})));
    assert_eq!(status, 400);
    let rejected: Value = post(&lead, &server, &reject, &json!({"reason": "与S003重复"}))
        .json()
        .unwrap();
    assert_eq!(
        (rejected["state"].as_str(), rejected["reason"].as_str()),
        (Some("rejected"), Some("与S003重复"))
    );
    assert_eq!(
        error(post(
            &lead,
            &server,
            "/api/sites/proposals/99/merge",
            &json!({"site_id": "S002"})
        ))
        .0,
        404
    );
    let audit: Value = lead
        .get(server.url("/api/audit"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "site_proposal",
        "site_add",
        "site_merge",
        "proposal_decision",
    ] {
        assert!(
            actions.contains(&action),
            "{action} is in the audit log: {actions:?}"
        );
    }

    // The dossier of S002: its new address and every record, other teams' photos hidden.
    let mut ids = Vec::new();
    for client in [&a, &a, &b] {
        let r: Value = post(
            client,
            &server,
            "/api/inspections",
            &evidence_record("S002"),
        )
        .json()
        .unwrap();
        let id = r["inspection"]["id"].as_i64().unwrap();
        post_photo(
            client,
            &server,
            &format!("/api/inspections/{id}/photos"),
            &jpeg(id as u8, 300),
            "image/jpeg",
        );
        ids.push(id);
    }
    let dossier_of = |c: &Client| -> Value {
        c.get(server.url("/api/sites/S002/dossier"))
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let full = dossier_of(&lead);
    assert_eq!(full["site"]["address"], "西土城路99号");
    let listed: Vec<i64> = full["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, ids);
    assert!(full["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["photos"].as_array().unwrap().len() == 1));
    assert!(!full["open_follow_ups"].as_array().unwrap().is_empty());
    let seen_by_a = dossier_of(&a);
    assert_eq!(seen_by_a["inspections"][2]["team_id"], "B");
    assert_eq!(seen_by_a["inspections"][2]["photos"], json!([]));
    assert_eq!(seen_by_a["inspections"][2]["signature"], Value::Null);
    assert_eq!(
        seen_by_a["inspections"][0]["photos"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        lead.get(server.url("/api/sites/NOPE/dossier"))
            .send()
            .unwrap()
            .status(),
        404
    );
    server.stop_gracefully();
}
