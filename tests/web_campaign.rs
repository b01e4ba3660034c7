//! `POST /api/campaign` through the real server: a lead gets a campaign plan with the
//! documented keys, every stop on a working day of the window; bad requests are refused
//! naming the field.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod web_support;

use gridpatrol::calendar::Calendar;
use serde_json::{json, Value};
use web_support::{Server, LEAD};

fn post(server: &Server, body: Value) -> (u16, Value) {
    let lead = server.client_as(LEAD);
    let r = lead
        .post(server.url("/api/campaign"))
        .json(&body)
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

#[test]
fn a_lead_plans_a_campaign_on_working_days() {
    let server = Server::start(&[]);
    let (status, plan) = post(
        &server,
        json!({"from": "2026-09-28", "to": "2026-10-09", "teams": 2, "iterations": 100}),
    );
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["from"], "2026-09-28");
    assert_eq!(plan["to"], "2026-10-09");
    assert!(plan["unplanned"].is_array());
    let days = plan["days"].as_array().unwrap();
    assert!(!days.is_empty(), "{plan}");
    for day in days {
        let date =
            chrono::NaiveDate::parse_from_str(day["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        assert!(Calendar::china().is_working_day(date), "{date}");
        for team in day["teams"].as_array().unwrap() {
            assert!(team["team"].is_string());
            for stop in team["stops"].as_array().unwrap() {
                assert!(stop["site"].is_string() && stop["arrive"].is_string());
            }
        }
    }
    for u in plan["unplanned"].as_array().unwrap() {
        assert!(u["site"].is_string() && u["reason"].is_string());
        assert!(u.get("would_fit_with").is_some());
    }
}

#[test]
fn bad_campaign_requests_name_the_field() {
    let server = Server::start(&[]);
    let (status, body) = post(&server, json!({"from": "2026-03-09", "to": "2026-03-02"}));
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("to:"),
        "{body}"
    );
    let (status, body) = post(&server, json!({"from": "3/2", "to": "2026-03-09"}));
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("from:"),
        "{body}"
    );
    let (status, body) = post(
        &server,
        json!({"from": "2026-03-02", "to": "2026-03-09", "teams": 0}),
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("teams:"),
        "{body}"
    );
}

fn get(server: &Server, path: &str) -> (u16, Value) {
    let r = server.client_as(LEAD).get(server.url(path)).send().unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

fn post_to(server: &Server, path: &str, body: Value) -> (u16, Value) {
    let r = server
        .client_as(LEAD)
        .post(server.url(path))
        .json(&body)
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

#[test]
fn a_saved_campaign_is_followed_and_replanned_through_the_api() {
    let server = Server::start(&[]);
    let (status, body) = get(&server, "/api/campaign/progress");
    assert_eq!(status, 404, "none saved yet: {body}");
    let (status, body) = get(&server, "/api/campaign/progress?id=abc");
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("id:"));

    let (status, plan) = post(
        &server,
        json!({"from": "2026-11-09", "to": "2026-11-20", "teams": 2, "iterations": 100, "save": true}),
    );
    assert_eq!(status, 200, "{plan}");
    let id = plan["campaign_id"].as_i64().expect("saved: an id");
    let first_day = &plan["days"][0];
    let date = first_day["date"].as_str().unwrap();
    let site = first_day["teams"][0]["stops"][0]["site"].as_str().unwrap();
    let r = server
        .client_as(LEAD)
        .post(server.url("/api/inspections"))
        .json(&json!({"site_id": site, "date": date, "result": "compliant"}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().unwrap());

    let today = date;
    let (status, progress) = get(
        &server,
        &format!("/api/campaign/progress?id={id}&today={today}"),
    );
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["campaign_id"], id);
    assert_eq!(progress["totals"]["done"], 1, "{progress}");
    assert!(progress["cells"].is_array() && progress["days"].is_array());

    let (status, replanned) = post_to(
        &server,
        "/api/campaign/replan",
        json!({"id": id.to_string(), "today": today, "teams": 2, "iterations": 100, "save": true}),
    );
    assert_eq!(status, 200, "{replanned}");
    assert_eq!(replanned["replaces"], id);
    assert_eq!(replanned["campaign_id"], id + 1);
    assert!(replanned["changes"]["moved"].is_u64());
    for day in replanned["plan"]["days"].as_array().unwrap() {
        let kept = day["date"].as_str().unwrap() <= today;
        for team in day["teams"].as_array().unwrap() {
            for stop in team["stops"].as_array().unwrap() {
                assert!(kept || stop["site"] != site, "{site} visited again");
            }
        }
    }
    let (status, body) = post_to(
        &server,
        "/api/campaign/replan",
        json!({"today": "2026-11-20", "iterations": 100}),
    );
    assert_eq!(status, 409, "nothing left after the last day: {body}");
    let (status, body) = post_to(&server, "/api/campaign/replan", json!({"id": "x1"}));
    assert_eq!(status, 400, "{body}");
}
