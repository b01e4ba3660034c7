//! The 举报 register and the follow-up worklist through the real server: each route as
//! a lead and as inspectors of the team that has a tip-off and of another; the
//! complainant reaches leads only (never an inspector, an export or the dossier of an
//! inspector); a step out of order is 409; and the page's 举报 panel in Chromium
//! (receive → assign → inspect → close).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod web_support;

use reqwest::blocking::Client;
use serde_json::{json, Value};
use web_support::{
    browser_prerequisites, get_json, run_page_script, Server, INSPECTOR_A, INSPECTOR_B, LEAD,
};

fn patch(client: &Client, server: &Server, id: i64, body: Value) -> (u16, Value) {
    let r = client
        .patch(server.url(&format!("/api/tipoffs/{id}")))
        .json(&body)
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

#[test]
fn the_register_answers_each_role_and_keeps_the_complainant_private() {
    let server = Server::start(&[]);
    let (lead, a, b) = (
        server.client_as(LEAD),
        server.client_as(INSPECTOR_A),
        server.client_as(INSPECTOR_B),
    );
    let receive = |client: &Client, body: Value| {
        let r = client
            .post(server.url("/api/tipoffs"))
            .json(&body)
            .send()
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    let body = json!({"source": "hotline_12345", "summary": "周末上学科类课程", "site_id": "S000",
        "received_at": "2024-09-30 09:00", "complainant_name": "张女士", "complainant_contact": "13800000000"});
    // Only a lead receives.
    assert_eq!(receive(&a, body.clone()).0, 403);
    let (status, tip) = receive(&lead, body);
    assert_eq!(status, 200, "{tip}");
    let id = tip["id"].as_i64().unwrap();
    // 有报必查 in 5 working days: the National Day week is skipped, 12 October 2024 is worked.
    assert_eq!(tip["due"], "2024-10-12");
    assert_eq!(tip["status"], "received");
    assert_eq!(tip["complainant_contact"], "13800000000");
    assert_eq!(tip["overdue"], true, "long past its deadline");
    // Placed on the map in GCJ-02 (高德): kept in WGS-84, a few hundred metres apart.
    let (status, placed) = receive(
        &lead,
        json!({"source": "网络", "summary": "小区内托管班", "lon": 116.36, "lat": 39.96, "crs": "gcj02"}),
    );
    assert_eq!(
        status, 422,
        "Chinese source names are for the CLI; the API takes codes"
    );
    assert!(placed["error"]["code"].is_string());
    let (status, placed) = receive(
        &lead,
        json!({"source": "online", "summary": "小区内托管班", "lon": 116.36, "lat": 39.96, "crs": "gcj02"}),
    );
    assert_eq!(status, 200, "{placed}");
    let shift = 116.36 - placed["lon"].as_f64().unwrap();
    assert!((0.001..0.01).contains(&shift), "GCJ-02 converted: {shift}");
    assert!(placed["site_id"].is_null());
    // Neither a site nor a place: refused, naming the fields.
    let (status, err) = receive(&lead, json!({"source": "phone", "summary": "x"}));
    assert_eq!(status, 400);
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("site_id"),
        "{err}"
    );

    // A step out of order is 409 and says what comes next.
    let (status, err) = patch(&lead, &server, id, json!({"action": "close"}));
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (409, Some("wrong_step")),
        "{err}"
    );
    assert!(err["error"]["message"].as_str().unwrap().contains("交办"));
    // Inspectors may not assign; the lead does, to team A.
    assert_eq!(
        patch(&a, &server, id, json!({"action": "assign", "team": "A"})).0,
        403
    );
    let (status, tip) = patch(&lead, &server, id, json!({"action": "assign", "team": "A"}));
    assert_eq!(
        (status, tip["status"].as_str()),
        (200, Some("assigned")),
        "{tip}"
    );

    // Inspectors see their own team's tip-offs only, without the complainant.
    let list_a = get_json(&a, &server.url("/api/tipoffs"));
    assert_eq!(list_a["tipoffs"].as_array().unwrap().len(), 1, "{list_a}");
    assert!(list_a["tipoffs"][0].get("complainant_contact").is_none());
    assert!(!list_a.to_string().contains("13800000000"));
    let list_b = get_json(&b, &server.url("/api/tipoffs"));
    assert_eq!(list_b["tipoffs"].as_array().unwrap().len(), 0);
    // The lead sees both, overdue first, with the complainant; filters apply.
    let all = get_json(&lead, &server.url("/api/tipoffs"));
    assert_eq!(all["tipoffs"][0]["id"], id);
    assert_eq!(all["overdue"], 1);
    assert_eq!(all["tipoffs"][0]["complainant_name"], "张女士");
    let overdue = get_json(&lead, &server.url("/api/tipoffs?overdue=true"));
    assert_eq!(overdue["tipoffs"].as_array().unwrap().len(), 1);
    let of_site = get_json(&lead, &server.url("/api/tipoffs?site=S000&status=assigned"));
    assert_eq!(of_site["tipoffs"].as_array().unwrap().len(), 1);
    let bad = lead
        .get(server.url("/api/tipoffs?status=sleeping"))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);
    let unread = lead
        .get(server.url("/api/tipoffs?overdue=maybe"))
        .send()
        .unwrap();
    assert_eq!(unread.status(), 400);
    assert_eq!(
        unread.json::<Value>().unwrap()["error"]["code"],
        "bad_request"
    );

    // Team A's inspector links the inspection that checked it; team B's may not.
    let visit = a
        .post(server.url("/api/inspections"))
        .json(&json!({"site_id": "S000", "date": "2024-10-08", "result": "hazard"}))
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap();
    let visit_id = visit["inspection"]["id"].as_i64().unwrap();
    assert_eq!(
        patch(
            &b,
            &server,
            id,
            json!({"action": "handle", "inspection_id": visit_id})
        )
        .0,
        403
    );
    let (status, tip) = patch(
        &a,
        &server,
        id,
        json!({"action": "handle", "inspection_id": visit_id}),
    );
    assert_eq!(
        (status, tip["status"].as_str()),
        (200, Some("handled")),
        "{tip}"
    );
    assert_eq!(tip["overdue"], false, "checked: no longer overdue");
    assert!(
        tip.get("complainant_name").is_none(),
        "an inspector's answer"
    );
    // The rest is the lead's.
    assert_eq!(
        patch(
            &a,
            &server,
            id,
            json!({"action": "verify", "verdict": "substantiated"})
        )
        .0,
        403
    );
    let (status, _) = patch(&lead, &server, id, json!({"action": "verify"}));
    assert_eq!(status, 400, "a verdict is needed");
    for step in [
        json!({"action": "verify", "verdict": "substantiated", "note": "现场有学员"}),
        json!({"action": "answer", "answer": "已责令整改并电话答复"}),
        json!({"action": "close"}),
    ] {
        let (status, tip) = patch(&lead, &server, id, step);
        assert_eq!(status, 200, "{tip}");
    }
    let closed = get_json(&lead, &server.url("/api/tipoffs?status=closed"));
    assert_eq!(closed["tipoffs"][0]["verdict"], "substantiated");
    assert_eq!(
        get_json(&lead, &server.url("/api/tipoffs"))["tipoffs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The dossier carries the site's tip-offs; the complainant to a lead only.
    let dossier = get_json(&lead, &server.url("/api/sites/S000/dossier"));
    assert_eq!(dossier["tipoffs"][0]["complainant_contact"], "13800000000");
    let dossier = get_json(&a, &server.url("/api/sites/S000/dossier"));
    assert_eq!(dossier["tipoffs"][0]["status"], "closed");
    assert!(!dossier.to_string().contains("13800000000"));

    // The export: Chinese headers, no complainant; leads only.
    let csv = lead
        .get(server.url("/api/tipoffs/export/tipoffs.csv"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        csv.contains("举报内容") && csv.contains("办理时限") && csv.contains("已办结"),
        "{csv}"
    );
    assert!(csv.contains("12345热线") && csv.contains("属实"));
    assert!(!csv.contains("13800000000") && !csv.contains("张女士"));
    let xlsx = lead
        .get(server.url("/api/tipoffs/export/tipoffs.xlsx"))
        .send()
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().unwrap().starts_with(b"PK"));
    assert_eq!(
        lead.get(server.url("/api/tipoffs/export/other.csv"))
            .send()
            .unwrap()
            .status(),
        404
    );
    // Every step is in the audit log, without the complainant.
    let audit = get_json(&lead, &server.url("/api/audit"));
    let text = audit.to_string();
    for action in [
        "tipoff_receive",
        "tipoff_assign",
        "tipoff_handle",
        "tipoff_verify",
        "tipoff_answer",
        "tipoff_close",
    ] {
        assert!(text.contains(action), "{action} missing from the audit log");
    }
    assert!(!text.contains("13800000000"));

    // The follow-up the hazard raised (整改) is on the lead's worklist.
    let work = get_json(&lead, &server.url("/api/followups"));
    let items = work["followups"].as_array().unwrap();
    assert!(
        items.iter().any(|f| f["site_id"] == "S000"
            && f["kind"] == "rectification"
            && f["kind_label"] == "整改复查"),
        "{work}"
    );
    assert!(work["next_working_day"].as_str().unwrap() > work["today"].as_str().unwrap());
    assert_eq!(
        a.get(server.url("/api/followups")).send().unwrap().status(),
        403
    );
    server.stop_gracefully();
}

/// The 举报 and 复查 panels in Chromium (`tests/web/tipoffs.mjs`): receive a tip-off on a
/// site and one by clicking the map, see the overdue one first and highlighted and the
/// open ones on the map, assign, record the inspection, link it, verify, answer, close;
/// then put a due 整改 check into the next plan with one click.
#[test]
fn tip_off_panel_receives_assigns_inspects_and_closes_in_chromium() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    run_page_script(
        &node,
        "tipoffs.mjs",
        &server,
        &[],
        "tipoffs: all steps passed",
    );
    server.stop_gracefully();
}
