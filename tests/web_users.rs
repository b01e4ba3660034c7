//! Users in the page, against the real `gridpatrol serve` and the real binary: a lead
//! adds an inspector (a one-time password, shown once), the inspector must change it,
//! a lead disables and re-enables a user, resets a password; the last lead stays; the
//! first start of an empty workspace prints the first lead's one-time password.

mod web_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{json, Value};
use web_support::{gridpatrol, Server, INSPECTOR_A, LEAD, PASSWORD};

/// Signs in at `base`; answers a client carrying the session cookie (if any) and the
/// login's answer.
fn sign_in_at(base: &str, name: &str, password: &str) -> (Client, Value) {
    let r = Client::new()
        .post(format!("{base}/api/login"))
        .json(&json!({"name": name, "password": password}))
        .send()
        .expect("login answers");
    let status = r.status();
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let body: Value = r.json().unwrap_or(Value::Null);
    assert!(status.is_success() || status == 401, "{status} {body}");
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert(
            reqwest::header::COOKIE,
            cookie.parse().expect("a cookie header"),
        );
    }
    let client = Client::builder()
        .default_headers(headers)
        .build()
        .expect("a client");
    (client, body)
}

fn sign_in(server: &Server, name: &str, password: &str) -> (Client, Value) {
    sign_in_at(server.url("").trim_end_matches('/'), name, password)
}

#[test]
fn a_lead_adds_changes_disables_and_resets_users() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);

    let added: Value = lead
        .post(server.url("/api/users"))
        .json(&json!({"name": "zhao.c", "role": "inspector", "team": "C"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let given = added["password"].as_str().unwrap().to_string();
    assert_eq!(given.len(), 14);
    assert_eq!(added["user"]["team"], "C");
    assert_eq!(added["user"]["must_change_password"], true);

    // Without a team an inspector is refused, naming the field.
    let r = lead
        .post(server.url("/api/users"))
        .json(&json!({"name": "nobody.x", "role": "inspector"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().unwrap().contains("team"));
    let r = lead
        .post(server.url("/api/users"))
        .json(&json!({"name": "zhao.c", "role": "lead"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 409);

    // The new inspector signs in and is asked for a password of their own.
    let (zhao, body) = sign_in(&server, "zhao.c", &given);
    assert_eq!(body["must_change_password"], true);
    let me: Value = zhao
        .get(server.url("/api/me"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(me["must_change_password"], true);
    let wrong = zhao
        .post(server.url("/api/me/password"))
        .json(&json!({"current_password": "not it at all", "new_password": "zhao-own-pass"}))
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 400);
    let changed = zhao
        .post(server.url("/api/me/password"))
        .json(&json!({"current_password": given, "new_password": "zhao-own-pass"}))
        .send()
        .unwrap();
    assert_eq!(changed.status(), 200, "{}", changed.text().unwrap());
    let me: Value = zhao
        .get(server.url("/api/me"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(me["must_change_password"], false);
    assert_eq!(
        me["user"]["name"], "zhao.c",
        "the changer's own session stays"
    );

    // Moved to team A, then disabled: the session ends and sign-in is refused.
    let moved: Value = lead
        .patch(server.url("/api/users/zhao.c"))
        .json(&json!({"team": "A"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(moved["team"], "A");
    let off = lead
        .patch(server.url("/api/users/zhao.c"))
        .json(&json!({"disabled": true}))
        .send()
        .unwrap();
    assert_eq!(off.status(), 200);
    let me: Value = zhao
        .get(server.url("/api/me"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        me["user"].is_null(),
        "a disabled user's session ends at once"
    );
    let (_, refused) = sign_in(&server, "zhao.c", "zhao-own-pass");
    assert_eq!(refused["error"]["code"], "bad_credentials");
    lead.patch(server.url("/api/users/zhao.c"))
        .json(&json!({"disabled": false}))
        .send()
        .unwrap();
    let (_, back) = sign_in(&server, "zhao.c", "zhao-own-pass");
    assert_eq!(back["user"]["team"], "A");

    // A reset gives a new one-time password; the old one stops working.
    let reset: Value = lead
        .post(server.url("/api/users/zhao.c/password-reset"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let again = reset["password"].as_str().unwrap();
    let (_, old) = sign_in(&server, "zhao.c", "zhao-own-pass");
    assert_eq!(old["error"]["code"], "bad_credentials");
    let (_, new) = sign_in(&server, "zhao.c", again);
    assert_eq!(new["must_change_password"], true);

    // The lead cannot disable themself, nor demote the last lead.
    let me_off = lead
        .patch(server.url(&format!("/api/users/{LEAD}")))
        .json(&json!({"disabled": true}))
        .send()
        .unwrap();
    assert_eq!(me_off.status(), 400);
    let demote = lead
        .patch(server.url(&format!("/api/users/{LEAD}")))
        .json(&json!({"role": "inspector", "team": "A"}))
        .send()
        .unwrap();
    assert_eq!(demote.status(), 400);
    assert!(demote.text().unwrap().contains("最后一名组长"));

    let list: Value = lead
        .get(server.url("/api/users"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let names: Vec<&str> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"zhao.c") && names.contains(&INSPECTOR_A));
    let audit: Value = lead
        .get(server.url("/api/audit"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let text = audit.to_string();
    for action in [
        "user_add",
        "user_change",
        "password_reset",
        "password_change",
    ] {
        assert!(text.contains(action), "audit lacks {action}");
    }
    server.stop_gracefully();
}

#[test]
fn the_cli_manages_users_with_the_workspace_flag_after_the_subcommand() {
    let server = Server::start(&[]);
    let ws = server.workspace_path();
    let ws = ws.to_str().unwrap();
    gridpatrol(
        &[
            "user",
            "add",
            "sun.d",
            "--role",
            "inspector",
            "--team",
            "D",
            "--workspace",
            ws,
        ],
        &format!("{PASSWORD}\n"),
    );
    let listed = gridpatrol(&["user", "list", "--workspace", ws], "");
    assert!(listed.contains("sun.d\tinspector\tD\tactive"), "{listed}");
    gridpatrol(&["user", "disable", "sun.d", "--workspace", ws], "");
    let listed = gridpatrol(&["user", "list", "--workspace", ws], "");
    assert!(listed.contains("sun.d\tinspector\tD\tdisabled"), "{listed}");
    let password = gridpatrol(&["user", "reset-password", "sun.d", "--workspace", ws], "");
    assert_eq!(password.trim().len(), 14);
    gridpatrol(&["user", "enable", "sun.d", "--workspace", ws], "");
    gridpatrol(
        &["user", "set", "sun.d", "--team", "A", "--workspace", ws],
        "",
    );
    let (_, body) = sign_in(&server, "sun.d", password.trim());
    assert_eq!(body["user"]["team"], "A");
    assert_eq!(body["must_change_password"], true);
    server.stop_gracefully();
}

#[test]
fn the_first_start_prints_the_first_leads_one_time_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    {
        let mut ws = gridpatrol::store::Workspace::open(&path).unwrap();
        ws.import_township(&web_support::fixture_township())
            .unwrap();
    }
    let port = web_support::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--workspace",
        ])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut password = None;
    while password.is_none() && Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.trim().strip_prefix("一次性密码 password") {
            password = Some(rest.trim().to_string());
        }
    }
    let password = password.expect("the first start prints a one-time password");
    let (_, answer) = sign_in_at(
        &format!("http://127.0.0.1:{port}"),
        gridpatrol::store::FIRST_LEAD,
        &password,
    );
    assert_eq!(answer["user"]["role"], "lead");
    assert_eq!(answer["must_change_password"], true);
    let _ = child.kill();
    let _ = child.wait();
    // A second start finds a user and prints no password.
    let out = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["user", "list", "--workspace"])
        .arg(&path)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("admin\tlead\t\tmust-change-password"),
        "{listed}"
    );
}
