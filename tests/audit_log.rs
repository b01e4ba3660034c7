//! Who did what: the CLI records the OS user, the server the signed-in user, in an
//! append-only log a lead reads with `gridpatrol audit` or `GET /api/audit`.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod web_support;

use std::path::Path;
use std::process::Command;

use gridpatrol::store::Workspace;
use web_support::Server;

/// Runs `gridpatrol ARGS --workspace WS` as OS user `user`; its stdout.
fn as_user(user: &str, ws: &Path, args: &[&str], stdin: Option<&str>) -> String {
    use std::io::Write;
    // `--workspace` right after the command: `user` takes it before its action.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .arg(args[0])
        .arg("--workspace")
        .arg(ws)
        .args(&args[1..])
        .env("USER", user)
        .env("LOGNAME", user)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn cli_writes_are_logged_with_the_os_user_and_the_log_only_grows() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    as_user("clerk", &ws, &["init"], None);
    let site = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap()[0]
        .id
        .clone();
    as_user(
        "wang",
        &ws,
        &[
            "inspect",
            &site,
            "--at",
            "2025-03-01T10:00",
            "--team",
            "T1",
            "--result",
            "hazard",
        ],
        None,
    );
    as_user(
        "zhang",
        &ws,
        &["draw", "--k", "2", "--seed", "公开种子"],
        None,
    );
    as_user(
        "zhang",
        &ws,
        &["user", "add", "li", "--role", "inspector", "--team", "T1"],
        Some("a-long-password\n"),
    );
    let text = as_user("anyone", &ws, &["audit"], None);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let who: Vec<(&str, &str, &str)> = lines.iter().map(|l| (l[1], l[3], l[4])).collect();
    assert_eq!(
        who,
        [
            ("clerk", "import", "township"),
            ("wang", "inspection", site.as_str()),
            ("zhang", "draw", "1"),
            ("zhang", "user_add", "li"),
        ],
        "{text}"
    );
    assert!(lines.iter().all(|l| l[2] == "cli"));

    let csv = dir.path().join("audit.csv");
    as_user(
        "anyone",
        &ws,
        &["audit", "--csv", csv.to_str().unwrap()],
        None,
    );
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(
        written.contains("操作人 actor") && written.contains("wang"),
        "{written}"
    );
    let later = as_user("anyone", &ws, &["audit", "--from", "2999-01-01"], None);
    assert!(later.is_empty(), "{later}");

    // Nobody edits or deletes an entry, not even with the database file at hand.
    let c = rusqlite::Connection::open(&ws).unwrap();
    for sql in [
        "UPDATE audit SET actor = 'someone else'",
        "DELETE FROM audit WHERE action = 'draw'",
    ] {
        let err = c.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{err}");
    }
}

#[test]
fn server_writes_are_logged_with_the_signed_in_user_and_only_leads_read_them() {
    let server = Server::start(&[]);
    let lead = server.client_as(web_support::LEAD);
    let inspector = server.client_as(web_support::INSPECTOR_A);
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let r = inspector
        .post(server.url("/api/inspections"))
        .json(&serde_json::json!({"site_id": "S000", "date": today, "result": "compliant"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = lead
        .post(server.url("/api/draw"))
        .json(&serde_json::json!({"sites": 2, "inspectors": 1, "seed": "审计"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    // The answer publishes the log's head with the result.
    let drawn: serde_json::Value = r.json().unwrap();
    assert_eq!(drawn["draw"]["head"], drawn["draw"]["hash"]);
    assert_eq!(drawn["draw"]["head"].as_str().unwrap().len(), 64);
    assert_eq!(
        inspector
            .get(server.url("/api/audit"))
            .send()
            .unwrap()
            .status(),
        403
    );
    let log = web_support::get_json(&lead, &server.url("/api/audit"));
    // Every sign-in is on record, under the one who signed in.
    let signed_in: std::collections::BTreeSet<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "sign_in" && e["actor"] == e["subject"])
        .filter_map(|e| e["actor"].as_str())
        .collect();
    assert!(
        signed_in.contains(web_support::LEAD) && signed_in.contains(web_support::INSPECTOR_A),
        "{log}"
    );
    let web: Vec<(String, String, String)> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["via"] == "web" && e["action"] != "sign_in")
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
                e["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        web,
        [
            (
                web_support::INSPECTOR_A.into(),
                "inspection".into(),
                "S000".into()
            ),
            (web_support::LEAD.into(), "draw".into(), "1".into()),
        ],
        "{log}"
    );
    let csv = lead
        .get(server.url("/api/audit?format=csv&from=2000-01-01"))
        .send()
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.text().unwrap().contains(web_support::INSPECTOR_A));
    server.stop_gracefully();
}
