//! An inspection dated in the future or before the township's campaign data begin is
//! refused by the CLI and by the API alike (the rule lives in the store).

mod cli_support;
mod web_support;

use gridpatrol::store::Workspace;
use web_support::Server;

#[test]
fn the_cli_refuses_future_and_pre_campaign_inspections() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    cli_support::gridpatrol_in_ok(&ws, &["init"]);
    let site = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap()[0]
        .id
        .clone();
    let next_year = (chrono::Local::now() + chrono::Duration::days(365))
        .format("%Y-%m-%dT10:00")
        .to_string();
    for (at, problem) in [
        (next_year.as_str(), "in the future"),
        (
            "2019-06-01T10:00",
            "before the township's campaign data begin",
        ),
    ] {
        let (success, _, err) = cli_support::gridpatrol_in(
            &ws,
            &[
                "inspect",
                &site,
                "--at",
                at,
                "--team",
                "T1",
                "--result",
                "compliant",
            ],
        );
        assert!(!success, "an inspection at {at} was recorded");
        assert!(err.contains(problem), "{err}");
    }
    assert_eq!(
        Workspace::open_existing(&ws)
            .unwrap()
            .counts()
            .unwrap()
            .inspections,
        0
    );
}

#[test]
fn the_api_refuses_future_and_pre_campaign_inspections() {
    let server = Server::start(&[]);
    let lead = server.client_as(web_support::LEAD);
    let tomorrow = (chrono::Local::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    for (date, problem) in [
        (tomorrow.as_str(), "in the future"),
        ("2019-06-01", "before the township's campaign data begin"),
    ] {
        let r = lead
            .post(server.url("/api/inspections"))
            .json(&serde_json::json!({"site_id": "S000", "date": date, "result": "compliant"}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 400, "{date}");
        let body: serde_json::Value = r.json().unwrap();
        assert!(body.to_string().contains(problem), "{date}: {body}");
    }
    server.stop_gracefully();
}
