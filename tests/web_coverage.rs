//! The coverage panel's answer, complete: per cell the overdue sites by name (as many
//! as it counts), street metres and metres swept, the evening checks — an inspection
//! recorded at 19:30 counts in its cell, one at 10:00 does not — and open tip-offs.

mod web_support;

use serde_json::Value;
use web_support::{Server, INSPECTOR_A, LEAD};

fn coverage(server: &Server, client: &reqwest::blocking::Client, day: &str) -> Vec<Value> {
    let answer: Value = client
        .get(server.url(&format!("/api/coverage?from={day}&to={day}")))
        .send()
        .expect("coverage answers")
        .json()
        .expect("coverage is JSON");
    answer["cells"].as_array().expect("cells").clone()
}

fn cell_of<'a>(rows: &'a [Value], site: &str) -> &'a Value {
    rows.iter()
        .find(|r| {
            r["overdue"]
                .as_array()
                .expect("overdue list")
                .iter()
                .any(|s| s["site_id"] == site)
        })
        .expect("the site is overdue somewhere")
}

#[test]
fn coverage_lists_overdue_sites_and_counts_evening_checks() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let inspector = server.client_as(INSPECTOR_A);
    // Yesterday: both times of day are in the past wherever the test runs.
    let day = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let before = coverage(&server, &lead, &day);
    for row in &before {
        assert_eq!(
            row["overdue"].as_array().unwrap().len() as u64,
            row["sites_overdue"].as_u64().unwrap(),
            "{row}"
        );
        assert!(row["street_m"].as_f64().unwrap() >= row["swept_m"].as_f64().unwrap());
    }
    let cell = cell_of(&before, "S000")["cell_id"].clone();
    let evening_before = before.iter().find(|r| r["cell_id"] == cell).unwrap()["evening_checks"]
        .as_u64()
        .unwrap();
    for at in ["10:00", "19:30"] {
        let r = inspector
            .post(server.url("/api/inspections"))
            .json(&serde_json::json!({"site_id": "S000", "date": day, "at": format!("{day}T{at}:00"), "result": "compliant"}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().unwrap());
    }
    let tipoffs_before = before.iter().find(|r| r["cell_id"] == cell).unwrap()["open_tipoffs"]
        .as_u64()
        .unwrap();
    let received = lead
        .post(server.url("/api/tipoffs"))
        .json(&serde_json::json!({"source": "hotline_12345", "summary": "晚上有学生进出", "site_id": "S000"}))
        .send()
        .unwrap();
    assert_eq!(received.status(), 200, "{}", received.text().unwrap());
    let after = coverage(&server, &lead, &day);
    let row = after.iter().find(|r| r["cell_id"] == cell).unwrap();
    assert_eq!(row["evening_checks"].as_u64().unwrap(), evening_before + 1);
    assert_eq!(row["open_tipoffs"].as_u64().unwrap(), tipoffs_before + 1);
    assert!(
        !row["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["site_id"] == "S000"),
        "an inspected site leaves the overdue list"
    );
    server.stop_gracefully();
}
