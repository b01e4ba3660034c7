//! The CLI and the server are shells over the same library calls, so they refuse the
//! same requests: a joint inspection (联合检查) of a site the workspace does not hold
//! is an error in both (the server used to ignore it and plan as if it were not asked).

mod web_support;

use serde_json::{json, Value};
use web_support::{Server, LEAD};

#[test]
fn an_unknown_joint_site_is_refused_by_the_cli_and_the_server() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let answer = lead
        .post(server.url("/api/plan"))
        .json(
            &json!({"date": "2026-11-23", "shift": "day", "teams": ["A", "B"],
                      "seconds": 1, "joint_sites": ["NO-SUCH-SITE"], "joint_teams": ["A"]}),
        )
        .send()
        .unwrap();
    assert_eq!(answer.status(), 400);
    let body: Value = answer.json().unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("NO-SUCH-SITE"), "{message}");

    let ws = server.dir.path().join("township.sqlite");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args([
            "plan",
            "--date",
            "2026-11-23",
            "--iterations",
            "10",
            "--joint-sites",
        ])
        .arg("NO-SUCH-SITE")
        .arg("--workspace")
        .arg(&ws)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("joint sites: no site `NO-SUCH-SITE`"),
        "{err}"
    );
    // The same list of teams, checked once: an unknown joint team is named by both.
    let answer = lead
        .post(server.url("/api/plan"))
        .json(&json!({"date": "2026-11-23", "shift": "day", "teams": 2, "joint_teams": ["T9"]}))
        .send()
        .unwrap();
    assert_eq!(answer.status(), 400);
}
