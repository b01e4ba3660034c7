//! Planning through the real server: a lead plans, inspectors see only their own
//! team's route, night plans stay hidden from inspectors until the shift starts,
//! and each team's route downloads as GPX.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod web_support;

use serde_json::{json, Value};
use web_support::{Server, INSPECTOR_A, INSPECTOR_B, LEAD};

fn post_plan(client: &reqwest::blocking::Client, server: &Server, body: Value) -> (u16, Value) {
    let r = client
        .post(server.url("/api/plan"))
        .json(&body)
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

/// Publishes plan `id` as `client`: from then on inspectors see it.
fn publish(client: &reqwest::blocking::Client, server: &Server, id: &Value) -> (u16, Value) {
    let r = client
        .post(server.url(&format!("/api/plan/{id}/publish")))
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

fn get(client: &reqwest::blocking::Client, server: &Server, path: &str) -> (u16, Value) {
    let r = client.get(server.url(path)).send().unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

fn teams_of(plan: &Value) -> Vec<String> {
    plan["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["team"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn lead_plans_inspectors_see_their_own_route() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let (status, body) = post_plan(
        &lead,
        &server,
        json!({"date": "2026-11-23", "shift": "day", "teams": ["A", "B"], "seconds": 1}),
    );
    assert_eq!(status, 200, "{body}");
    let plan = &body["plan"];
    assert_eq!(
        teams_of(plan),
        ["A", "B"],
        "both teams have work on the fixture"
    );
    for t in plan["teams"].as_array().unwrap() {
        assert!(t["color"].as_str().unwrap().starts_with('#'));
        assert!(t["geometry"].as_array().unwrap().len() >= 2);
        assert!(!t["stops"].as_array().unwrap().is_empty());
    }

    // A lead's plan is a draft: inspectors do not see it, and may not publish it.
    assert_eq!(plan["published"], false);
    let a = server.client_as(INSPECTOR_A);
    let (status, seen) = get(&a, &server, "/api/plan");
    assert_eq!(status, 200);
    assert_eq!(seen["plan"], Value::Null, "a draft is the lead's alone");
    let (status, _) = publish(&a, &server, &plan["id"]);
    assert_eq!(status, 403);
    let (status, _) = get(&a, &server, "/api/plan/sheet/A");
    assert_eq!(status, 409, "no published plan yet");
    let (status, published) = publish(&lead, &server, &plan["id"]);
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["plan"]["published"], true);
    let (status, _) = publish(&lead, &server, &json!(999_999));
    assert_eq!(status, 404);
    // A plan id that is no number is a JSON error like any other (it was axum's text).
    let (status, error) = publish(&lead, &server, &json!(1.5));
    assert_eq!(status, 400);
    assert_eq!(error["error"]["code"], "bad_request", "{error}");

    // Published: an inspector of team A sees A's route only, and no list of what was
    // left out.
    let (status, seen) = get(&a, &server, "/api/plan");
    assert_eq!(status, 200);
    assert_eq!(teams_of(&seen["plan"]), ["A"]);
    assert_eq!(seen["plan"]["unassigned"], json!([]));
    let (status, _) = get(&a, &server, "/api/plan/sheet/B");
    assert_eq!(status, 403, "B's sheet is not A's to read");
    let (status, sheet) = get(&a, &server, "/api/plan/sheet/A");
    assert_eq!(status, 200);
    assert_eq!(sheet["team"]["team"], "A");

    // The routes layer carries the inspector's own lines and stops only.
    let (_, layer) = get(&a, &server, "/api/layers/routes");
    let features = layer["features"].as_array().unwrap();
    assert!(!features.is_empty());
    assert!(features.iter().all(|f| f["properties"]["team"] == "A"));

    // GPX per team, for the team's own inspector; not for the other team's.
    let gpx = a
        .get(server.url("/api/export/routes-A.gpx"))
        .send()
        .unwrap();
    assert_eq!(gpx.status(), 200);
    let text = gpx.text().unwrap();
    let tracks = gridpatrol::formats::gpx::read_gpx(text.as_bytes(), "routes-A.gpx").unwrap();
    assert!(tracks[0].points.len() >= 2);
    let b_as_a = a
        .get(server.url("/api/export/routes-B.gpx"))
        .send()
        .unwrap();
    assert_eq!(b_as_a.status(), 403);

    // Only leads plan; bad requests are named.
    let (status, err) = post_plan(
        &a,
        &server,
        json!({"date": "2026-11-23", "shift": "day", "teams": 1}),
    );
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    for (bad, says) in [
        (
            json!({"date": "23.11.2026", "shift": "day", "teams": 1}),
            "date",
        ),
        (
            json!({"date": "2026-11-23", "shift": "noon", "teams": 1}),
            "noon",
        ),
        (
            json!({"date": "2026-11-23", "shift": "day", "teams": []}),
            "teams",
        ),
        (
            json!({"date": "2026-11-23", "shift": "day", "teams": 1, "seconds": 600}),
            "seconds",
        ),
    ] {
        let (status, err) = post_plan(&lead, &server, bad.clone());
        assert_eq!(status, 400, "{bad}: {err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(says),
            "{err}"
        );
    }
}

#[test]
fn night_plans_are_hidden_from_inspectors_until_the_shift_starts() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let b = server.client_as(INSPECTOR_B);
    // A night far in the future: the lead sees it, team B does not yet.
    let (status, body) = post_plan(
        &lead,
        &server,
        json!({"date": "2099-06-01", "shift": "night", "teams": ["A", "B"], "seconds": 1}),
    );
    assert_eq!(status, 200, "{body}");
    assert!(!teams_of(&body["plan"]).is_empty());
    assert_eq!(publish(&lead, &server, &body["plan"]["id"]).0, 200);
    let (_, seen) = get(&b, &server, "/api/plan?date=2099-06-01");
    assert_eq!(seen["plan"], Value::Null);
    assert_eq!(seen["hidden_until"], "2099-06-01 19:00");
    let (status, _) = get(&b, &server, "/api/plan/sheet/B?date=2099-06-01");
    assert_eq!(status, 403);
    let (_, layer) = get(&b, &server, "/api/layers/routes");
    assert_eq!(
        layer["features"],
        json!([]),
        "no night lines leak through the map"
    );
    let (_, lead_view) = get(&lead, &server, "/api/plan?date=2099-06-01&shift=night");
    assert!(!teams_of(&lead_view["plan"]).is_empty());

    // A night that has begun (a past date) is shown to its team.
    let (status, body) = post_plan(
        &lead,
        &server,
        json!({"date": "2020-06-01", "shift": "night", "teams": ["A", "B"], "seconds": 1}),
    );
    assert_eq!(status, 200);
    assert_eq!(publish(&lead, &server, &body["plan"]["id"]).0, 200);
    let (_, seen) = get(&b, &server, "/api/plan?date=2020-06-01");
    let teams = teams_of(&seen["plan"]);
    assert!(teams.iter().all(|t| t == "B"), "{teams:?}");
    for t in seen["plan"]["teams"].as_array().unwrap() {
        for s in t["stops"].as_array().unwrap() {
            assert_eq!(s["kind"], "hotspot");
        }
    }
}

#[test]
fn a_lead_pins_sites_and_replans_the_shift_under_way() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let day = json!({"date": "2026-11-23", "shift": "day", "teams": ["A", "B"], "seconds": 1});
    let (status, body) = post_plan(&lead, &server, day);
    assert_eq!(status, 200, "{body}");
    let plan = &body["plan"];
    assert_eq!(publish(&lead, &server, &plan["id"]).0, 200);
    let stops = |plan: &Value, team: &str| -> Vec<Value> {
        let t = plan["teams"].as_array().unwrap().iter();
        t.clone()
            .find(|t| t["team"] == team)
            .map(|t| t["stops"].as_array().unwrap().clone())
            .unwrap_or_default()
    };
    let first_a = stops(plan, "A")[0].clone();
    let last_b = stops(plan, "B").last().unwrap()["site_id"].clone();

    let pin = |body: Value| {
        let r = lead
            .post(server.url("/api/pins"))
            .json(&body)
            .send()
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    let (status, pins) = pin(json!({"site_id": last_b, "kind": "exclude"}));
    assert_eq!(status, 200, "{pins}");
    assert_eq!(pins["pins"].as_array().unwrap().len(), 1);
    let (status, err) = pin(json!({"site_id": "nowhere", "kind": "must_visit"}));
    assert!(
        (400..500).contains(&status) && err.to_string().contains("nowhere"),
        "{err}"
    );
    let (status, err) = pin(json!({"site_id": last_b, "kind": "team"}));
    assert_eq!(status, 422, "a team pin without a team: {err}");

    // Team A reports its first stop as it leaves; the lead re-plans from then.
    let left = first_a["departure_s"].as_f64().unwrap();
    let clock = format!(
        "{:02}:{:02}",
        (left / 3600.0) as u32,
        (left % 3600.0 / 60.0) as u32
    );
    let ws = server.dir.path().join("township.sqlite");
    let site = first_a["site_id"].as_str().unwrap();
    let at = format!("2026-11-23T{clock}");
    web_support::gridpatrol(
        &[
            "inspect",
            site,
            "--at",
            &at,
            "--team",
            "A",
            "--result",
            "compliant",
            "--workspace",
            ws.to_str().unwrap(),
        ],
        "",
    );
    let again =
        json!({"date": "2026-11-23", "shift": "day", "teams": 1, "seconds": 1, "from_now": clock});
    let (status, body) = post_plan(&lead, &server, again);
    assert_eq!(status, 200, "{body}");
    let replanned = &body["plan"];
    assert_eq!(teams_of(replanned), ["A", "B"], "the working plan's teams");
    assert_eq!(replanned["from_now"]["done"][0]["site_id"], site);
    let planned: Vec<Value> = ["A", "B"]
        .iter()
        .flat_map(|t| stops(replanned, t))
        .collect();
    assert!(planned
        .iter()
        .all(|s| s["site_id"] != site && s["site_id"] != last_b));
    let excluded = replanned["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["site_id"] == last_b);
    assert_eq!(excluded.unwrap()["reason"], "excluded");

    let bad = json!({"date": "2026-11-23", "shift": "day", "teams": 1, "from_now": "soon"});
    let (status, err) = post_plan(&lead, &server, bad);
    assert_eq!(status, 400, "{err}");
    let no_plan = json!({"date": "2026-11-30", "shift": "day", "teams": 1, "from_now": "10:00"});
    assert_eq!(post_plan(&lead, &server, no_plan).0, 409);

    let unpin = |site: &Value| {
        lead.delete(server.url(&format!("/api/pins/{}", site.as_str().unwrap())))
            .send()
            .unwrap()
    };
    let r = unpin(&last_b);
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.json::<Value>().unwrap()["pins"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(unpin(&last_b).status().as_u16(), 404);
    server.stop_gracefully();
}

#[test]
fn a_roster_names_the_teams_on_duty_with_their_officers() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let roster = r#"
[[team]]
name = "A"
members = ["张伟", "王芳", "李强"]
leave = [{ person = "王芳", from = "2026-11-23", to = "2026-11-23" }]

[[team]]
name = "B"
members = ["赵敏", "孙丽"]
leave = [{ person = "孙丽", from = "2026-11-20", to = "2026-11-27" }]
"#;
    let body =
        json!({"date": "2026-11-23", "shift": "day", "teams": 1, "seconds": 1, "roster": roster});
    let (status, answer) = post_plan(&lead, &server, body);
    assert_eq!(status, 200, "{answer}");
    let plan = &answer["plan"];
    assert_eq!(teams_of(plan), ["A"], "B has one officer left: it stays in");
    assert_eq!(plan["teams"][0]["members"], json!(["张伟", "李强"]));
    let bad =
        json!({"date": "2026-11-23", "shift": "day", "teams": 1, "roster": "[[team]]\nname = 3\n"});
    let (status, err) = post_plan(&lead, &server, bad);
    assert!(status == 400 && err.to_string().contains("roster"), "{err}");
    let sunday = json!({"date": "2026-11-22", "shift": "day", "teams": 1, "roster": roster});
    let (status, err) = post_plan(&lead, &server, sunday);
    assert!(
        status == 400 && err.to_string().contains("no team is on duty"),
        "{err}"
    );
    server.stop_gracefully();
}

#[test]
fn an_inspector_records_only_their_own_teams_sites_of_the_day() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let day = json!({"date": "2026-11-23", "shift": "day", "teams": ["A", "B"], "seconds": 1});
    let (status, body) = post_plan(&lead, &server, day);
    assert_eq!(status, 200, "{body}");
    let plan = &body["plan"];
    let site_of = |team: &str| -> String {
        let t = plan["teams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["team"] == team);
        t.unwrap()["stops"][0]["site_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (on_a, on_b) = (site_of("A"), site_of("B"));
    let record = |client: &reqwest::blocking::Client, site: &str| {
        let body = json!({"site_id": site, "date": "2026-11-23", "result": "compliant"});
        let r = client
            .post(server.url("/api/inspections"))
            .json(&body)
            .send()
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    let b = server.client_as(INSPECTOR_B);
    // A draft shares out nothing yet.
    assert_eq!(record(&b, &on_a).0, 200);
    assert_eq!(publish(&lead, &server, &plan["id"]).0, 200);
    let (status, err) = record(&b, &on_a);
    assert_eq!(status, 403, "{err}");
    assert!(err.to_string().contains("team A"), "{err}");
    assert_eq!(record(&b, &on_b).0, 200);
    assert_eq!(record(&server.client_as(INSPECTOR_A), &on_a).0, 200);
    assert_eq!(record(&lead, &on_b).0, 200, "a lead records any site");
    server.stop_gracefully();
}
