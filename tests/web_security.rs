//! The server as an attacker meets it, through the real binary: who may call which
//! route, guessing passwords, repeated writes, slow clients, other hosts and TLS.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod web_support;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use gridpatrol::server::access::{self, RULES};
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use web_support::{Server, INSPECTOR_A, INSPECTOR_B, LEAD, PASSWORD};

/// What an access rule should do with a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Reaches the handler (whatever it answers then).
    Pass,
    /// 401 `unauthorized`.
    NoSession,
    /// 403 `forbidden`.
    Forbidden,
}
use Expect::{Forbidden, NoSession, Pass};

/// One request per route and case: route as in the table, the path sent, a body for
/// writes, and what anonymous, inspector (team A) and lead should meet.
struct Probe {
    method: &'static str,
    route: &'static str,
    path: &'static str,
    expect: [Expect; 3],
}

const fn probe(
    method: &'static str,
    route: &'static str,
    path: &'static str,
    expect: [Expect; 3],
) -> Probe {
    Probe {
        method,
        route,
        path,
        expect,
    }
}

/// Every route, every case that decides differently. Logout comes last: it ends the
/// session it is sent with.
const PROBES: &[Probe] = &[
    probe("GET", "/", "/", [Pass, Pass, Pass]),
    probe(
        "GET",
        "/static/{*path}",
        "/static/js/main.js",
        [Pass, Pass, Pass],
    ),
    probe(
        "GET",
        "/manifest.webmanifest",
        "/manifest.webmanifest",
        [Pass, Pass, Pass],
    ),
    probe("GET", "/sw.js", "/sw.js", [Pass, Pass, Pass]),
    probe(
        "GET",
        "/vendor/maplibre-gl/{*path}",
        "/vendor/maplibre-gl/maplibre-gl.css",
        [Pass, Pass, Pass],
    ),
    probe("GET", "/api/config", "/api/config", [Pass, Pass, Pass]),
    probe("POST", "/api/login", "/api/login", [Pass, Pass, Pass]),
    probe("GET", "/api/me", "/api/me", [Pass, Pass, Pass]),
    probe(
        "POST",
        "/api/users/{name}/unlock",
        "/api/users/wang.b/unlock",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/layers/{name}",
        "/api/layers/base",
        [Pass, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/layers/{name}",
        "/api/layers/institutions",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/tiles/{layer}/{z}/{x}/{y}",
        "/api/tiles/institutions/0/0/0",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/coverage",
        "/api/coverage",
        [NoSession, Pass, Pass],
    ),
    probe(
        "POST",
        "/api/plan",
        "/api/plan",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/plan/{id}/publish",
        "/api/plan/1/publish",
        [NoSession, Forbidden, Pass],
    ),
    probe("GET", "/api/plan", "/api/plan", [NoSession, Pass, Pass]),
    probe(
        "POST",
        "/api/campaign",
        "/api/campaign",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/campaign/progress",
        "/api/campaign/progress",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/campaign/replan",
        "/api/campaign/replan",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/plan/sheet/{team}",
        "/api/plan/sheet/A",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/plan/sheet/{team}",
        "/api/plan/sheet/B",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/inspections",
        "/api/inspections",
        [NoSession, Pass, Pass],
    ),
    probe(
        "POST",
        "/api/draw",
        "/api/draw",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/export/{file}",
        "/api/export/ledger.csv",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/export/{file}",
        "/api/export/ledger.xlsx",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/export/{file}",
        "/api/export/coverage.csv",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/export/{file}",
        "/api/export/coverage.xlsx",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/export/{file}",
        "/api/export/routes-A.gpx",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/export/{file}",
        "/api/export/routes-B.gpx",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/export/{file}",
        "/api/export/institutions.geojson",
        [NoSession, Pass, Pass],
    ),
    probe("GET", "/api/rules", "/api/rules", [NoSession, Pass, Pass]),
    probe(
        "GET",
        "/api/pins",
        "/api/pins",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/pins",
        "/api/pins",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "DELETE",
        "/api/pins/{site}",
        "/api/pins/I001",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/audit",
        "/api/audit",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/openapi.json",
        "/api/openapi.json",
        [Pass, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/inspections/{id}",
        "/api/inspections/1",
        [NoSession, Pass, Pass],
    ),
    probe(
        "POST",
        "/api/inspections/{id}/photos",
        "/api/inspections/1/photos",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/photos/{sha256}",
        "/api/photos/0000000000000000000000000000000000000000000000000000000000000000",
        [NoSession, Pass, Pass],
    ),
    probe(
        "POST",
        "/api/sites/proposals",
        "/api/sites/proposals",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/sites/proposals",
        "/api/sites/proposals",
        [NoSession, Pass, Pass],
    ),
    probe(
        "POST",
        "/api/sites/proposals/{id}/photos",
        "/api/sites/proposals/1/photos",
        [NoSession, Pass, Pass],
    ),
    probe(
        "POST",
        "/api/sites/proposals/{id}/accept",
        "/api/sites/proposals/1/accept",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/sites/proposals/{id}/merge",
        "/api/sites/proposals/1/merge",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/sites/proposals/{id}/reject",
        "/api/sites/proposals/1/reject",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/sites/{id}/dossier",
        "/api/sites/I001/dossier",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/users",
        "/api/users",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/users",
        "/api/users",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "PATCH",
        "/api/users/{name}",
        "/api/users/nobody",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/users/{name}/password-reset",
        "/api/users/nobody/password-reset",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "POST",
        "/api/me/password",
        "/api/me/password",
        [NoSession, Pass, Pass],
    ),
    probe(
        "GET",
        "/api/sweep/{cell}",
        "/api/sweep/nowhere",
        [NoSession, Pass, Pass],
    ),
    probe(
        "POST",
        "/api/sites",
        "/api/sites",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "PATCH",
        "/api/sites/{id}",
        "/api/sites/I001",
        [NoSession, Forbidden, Pass],
    ),
    probe(
        "GET",
        "/api/sites/{id}",
        "/api/sites/I001",
        [NoSession, Pass, Pass],
    ),
    probe("POST", "/api/logout", "/api/logout", [Pass, Pass, Pass]),
];

/// What the access rules did with a response.
fn met(r: Response) -> (Expect, String) {
    let status = r.status().as_u16();
    let code = r
        .json::<Value>()
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
        .unwrap_or_default();
    let expect = match (status, code.as_str()) {
        (401, "unauthorized") => NoSession,
        (403, "forbidden") => Forbidden,
        _ => Pass,
    };
    (expect, format!("{status} {code}"))
}

/// Each route as anonymous, inspector and lead: the rule table's answer, and a
/// failure when a route exists (or a rule, or an export) that no probe covers.
#[test]
fn every_route_answers_each_role_as_its_rule_says() {
    let routes: BTreeSet<(&str, &str)> = gridpatrol::server::route_list().into_iter().collect();
    let rules: BTreeSet<(&str, &str)> = RULES.iter().map(|r| (r.method, r.path)).collect();
    let probed: BTreeSet<(&str, &str)> = PROBES.iter().map(|p| (p.method, p.route)).collect();
    assert_eq!(routes, rules, "every route has a rule, every rule a route");
    assert_eq!(
        routes, probed,
        "a route without a probe here: add one with what each role should meet"
    );
    for (pattern, _) in access::EXPORTS {
        let probed_here = PROBES.iter().any(|p| {
            p.path.strip_prefix("/api/export/").is_some_and(|file| {
                access::export_rule(file) == access::export_rule(pattern.replace('*', "x").as_str())
                    && matches_simple(pattern, file)
            })
        });
        assert!(probed_here, "the export {pattern} has no probe");
    }

    let server = Server::start(&[]);
    let callers = [
        ("anonymous", Client::new()),
        ("inspector", server.client_as(INSPECTOR_A)),
        ("lead", server.client_as(LEAD)),
    ];
    for p in PROBES {
        for (i, (who, client)) in callers.iter().enumerate() {
            let url = server.url(p.path);
            let request = match p.method {
                "GET" => client.get(&url),
                "POST" if p.route == "/api/login" => client
                    .post(&url)
                    .json(&json!({"name": "nobody", "password": "not-the-password"})),
                "POST" => client.post(&url).json(&json!({})),
                "PATCH" => client.patch(&url).json(&json!({})),
                "DELETE" => client.delete(&url),
                other => panic!("no probe for method {other}"),
            };
            let (got, answer) = met(request.send().expect("the server answers"));
            assert_eq!(
                got, p.expect[i],
                "{} {} as {who}: answered {answer}",
                p.method, p.path
            );
        }
    }
    // HEAD follows GET's rule; a method a route lacks is 405, not a way around it.
    let head = Client::new()
        .head(server.url("/api/export/ledger.csv"))
        .send()
        .unwrap();
    assert_eq!(head.status(), 401);
    let delete = callers[2]
        .1
        .delete(server.url("/api/export/ledger.csv"))
        .send()
        .unwrap();
    assert_eq!(delete.status(), 405);
    server.stop_gracefully();
}

fn matches_simple(pattern: &str, file: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == file,
        Some((head, tail)) => file.starts_with(head) && file.ends_with(tail),
    }
}

fn login(server: &Server, name: &str, password: &str) -> Response {
    Client::new()
        .post(server.url("/api/login"))
        .json(&json!({"name": name, "password": password}))
        .send()
        .expect("login answers")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Wrong passwords: an unknown name costs what a known one does, a name is held
/// after 10 failures (429 with Retry-After, even with the right password) until a
/// lead unlocks it, and an address guessing many names is held too.
#[test]
fn password_guessing_is_held_and_names_cannot_be_told_apart() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);

    // Timing: interleaved, medians (a loaded machine shifts both alike).
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..6 {
        let t = Instant::now();
        assert_eq!(login(&server, INSPECTOR_B, "wrong-password").status(), 401);
        known.push(t.elapsed());
        let t = Instant::now();
        let r = login(&server, &format!("nobody{i}"), "wrong-password");
        assert_eq!(r.status(), 401);
        unknown.push(t.elapsed());
    }
    let (known, unknown) = (median(known), median(unknown));
    assert!(
        unknown * 2 >= known,
        "an unknown name answers in {unknown:?}, a known one in {known:?}: names can be told apart"
    );

    // The lockout: 10 failures, then 429 until unlocked.
    for _ in 0..10 {
        assert_eq!(login(&server, INSPECTOR_A, "wrong-password").status(), 401);
    }
    let held = login(&server, INSPECTOR_A, PASSWORD);
    assert_eq!(held.status(), 429, "the right password is held too");
    let retry: u64 = held.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    let body: Value = held.json().unwrap();
    assert_eq!(body["error"]["code"], "too_many_attempts");
    // Other users are not held.
    assert_eq!(login(&server, LEAD, PASSWORD).status(), 200);
    let unlocked: Value = lead
        .post(server.url(&format!("/api/users/{INSPECTOR_A}/unlock")))
        .json(&json!({}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(unlocked["unlocked"], true);
    assert_eq!(login(&server, INSPECTOR_A, PASSWORD).status(), 200);

    // One address guessing many names: held after 50 failures in all.
    let mut answers = Vec::new();
    for i in 0..40 {
        answers.push(
            login(&server, &format!("guess{i}"), "wrong-password")
                .status()
                .as_u16(),
        );
    }
    assert!(answers.contains(&429), "the address is held: {answers:?}");
    assert_eq!(login(&server, LEAD, PASSWORD).status(), 429);
    server.stop_gracefully();
}

fn record(client: &Client, server: &Server, key: Option<&str>, site: &str) -> Response {
    let mut request = client.post(server.url("/api/inspections")).json(
        &json!({"site_id": site, "date": chrono::Local::now().date_naive().to_string(), "result": "hazard", "notes": "消防通道堵塞"}),
    );
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().expect("the server answers")
}

fn ledger_lines(server: &Server) -> usize {
    server
        .client_as(LEAD)
        .get(server.url("/api/export/ledger.csv"))
        .send()
        .unwrap()
        .text()
        .unwrap()
        .lines()
        .count()
}

/// The same Idempotency-Key twice (even across a restart) stores one inspection and
/// answers the first result; the key with another request is refused.
#[test]
fn a_write_sent_twice_with_one_key_is_stored_once() {
    let server = Server::start(&[]);
    let inspector = server.client_as(INSPECTOR_A);
    let before = ledger_lines(&server);
    let first = record(&inspector, &server, Some("visit-7f3a"), "S002");
    assert_eq!(first.status(), 200);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().unwrap();
    assert_eq!(
        first["cell"]["id"].as_str().map(|c| c.starts_with('G')),
        Some(true)
    );
    let again = record(&inspector, &server, Some("visit-7f3a"), "S002");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().unwrap();
    assert_eq!(again["inspection"], first["inspection"]);
    assert_eq!(ledger_lines(&server), before + 1);

    let server = server.restart();
    let inspector = server.client_as(INSPECTOR_A);
    let after_restart: Value = record(&inspector, &server, Some("visit-7f3a"), "S002")
        .json()
        .unwrap();
    assert_eq!(after_restart["inspection"], first["inspection"]);
    assert_eq!(ledger_lines(&server), before + 1);

    let reused = record(&inspector, &server, Some("visit-7f3a"), "S003");
    assert_eq!(reused.status(), 422);
    let reused: Value = reused.json().unwrap();
    assert_eq!(reused["error"]["code"], "idempotency_key_reused");
    let bad_key = record(&inspector, &server, Some("has space"), "S003");
    assert_eq!(bad_key.status(), 400);
    // Another user's key of the same text is theirs; without a key, every send counts.
    assert_eq!(
        record(
            &server.client_as(INSPECTOR_B),
            &server,
            Some("visit-7f3a"),
            "S003"
        )
        .status(),
        200
    );
    assert_eq!(record(&inspector, &server, None, "S004").status(), 200);
    assert_eq!(record(&inspector, &server, None, "S004").status(), 200);
    assert_eq!(ledger_lines(&server), before + 4);
    server.stop_gracefully();
}

/// Whether the server closed `stream` (read gives end of file or an error) within
/// `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 408 answer, then the close
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// Connections that send their headers slowly, or nothing, are dropped after the
/// header timeout, and more than the cap of them cannot keep a normal request out.
#[test]
fn slow_clients_are_dropped_and_others_still_served() {
    let server = Server::start(&["--max-connections", "16", "--header-timeout", "1"]);
    let address = format!("127.0.0.1:{}", server.port());
    let mut slow: Vec<TcpStream> = (0..40)
        .map(|i| {
            let mut s = TcpStream::connect(&address).expect("connect");
            if i % 2 == 0 {
                // Half a request, and then nothing.
                s.write_all(b"GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .unwrap();
            }
            s
        })
        .collect();
    let started = Instant::now();
    let answered = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
        .get(server.url("/api/config"))
        .send()
        .expect("a normal request is answered while slow clients hold connections");
    assert_eq!(answered.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(
            closed_within(s, Duration::from_secs(10)),
            "slow connection {i} still open"
        );
    }
    // An idle kept-alive connection goes too.
    let mut idle = TcpStream::connect(&address).unwrap();
    idle.write_all(b"GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let t = Instant::now();
    assert!(closed_within(&mut idle, Duration::from_secs(10)));
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "answered, then kept a while"
    );
    server.stop_gracefully();
}

/// A request naming a host the server was not told about is refused (DNS
/// rebinding), with a JSON error naming the fix.
#[test]
fn requests_for_other_hosts_are_refused() {
    let server = Server::start(&["--host", "gp.township.example"]);
    let client = Client::new();
    let as_host = |host: &str| {
        client
            .get(server.url("/api/config"))
            .header("host", host)
            .send()
            .unwrap()
    };
    let refused = as_host("evil.example");
    assert_eq!(refused.status(), 421);
    let body: Value = refused.json().unwrap();
    assert_eq!(body["error"]["code"], "wrong_host");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--host evil.example"));
    for ok in [
        format!("localhost:{}", server.port()),
        format!("127.0.0.1:{}", server.port()),
        "gp.township.example".to_string(),
    ] {
        assert_eq!(as_host(&ok).status(), 200, "{ok}");
    }
    // HTTP/1.0 without a Host header at all.
    let mut raw = TcpStream::connect(format!("127.0.0.1:{}", server.port())).unwrap();
    raw.write_all(b"GET /api/config HTTP/1.0\r\n\r\n").unwrap();
    let mut answer = String::new();
    raw.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.0 400"), "{answer}");
    server.stop_gracefully();
}

/// Over TLS (a certificate made here): the page and sign-in work, the cookie is
/// `Secure`, HSTS is sent, and plain HTTP on the same port gets nothing.
#[test]
fn tls_serves_with_secure_cookies_and_hsts() {
    let names = vec!["localhost".to_string()];
    let cert = rcgen::generate_simple_self_signed(names).expect("a certificate");
    let dir = tempfile::tempdir().unwrap();
    let (cert_file, key_file) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_file, cert.cert.pem()).unwrap();
    std::fs::write(&key_file, cert.key_pair.serialize_pem()).unwrap();
    let server = Server::start(&[
        "--tls-cert",
        cert_file.to_str().unwrap(),
        "--tls-key",
        key_file.to_str().unwrap(),
    ]);
    let client = Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", ([127, 0, 0, 1], server.port()).into())
        .build()
        .unwrap();
    let url = |path: &str| format!("https://localhost:{}{path}", server.port());
    let deadline = Instant::now() + Duration::from_secs(60);
    let config = loop {
        match client.get(url("/api/config")).send() {
            Ok(r) => break r,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("no TLS answer: {e}"),
        }
    };
    assert_eq!(config.status(), 200);
    assert_eq!(
        config.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let signed = client
        .post(url("/api/login"))
        .json(&json!({"name": LEAD, "password": PASSWORD}))
        .send()
        .unwrap();
    assert_eq!(signed.status(), 200);
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let ledger = client
        .get(url("/api/export/ledger.csv"))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .unwrap();
    assert_eq!(ledger.status(), 200);
    // Plain HTTP to the TLS port is not answered in clear text.
    let plain = Client::new().get(server.url("/api/config")).send();
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    server.stop_gracefully();
}

/// A certificate file that is not one stops serve with the file named.
#[test]
fn a_bad_certificate_stops_serve_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("cert.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["serve", "--listen", "127.0.0.1:0", "--workspace"])
        .arg(dir.path().join("ws.sqlite"))
        .arg("--tls-cert")
        .arg(&bad)
        .arg("--tls-key")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cert.pem") && stderr.contains("no certificate"),
        "{stderr}"
    );
}

/// Listening beyond this computer without TLS is said loudly on stderr, before the
/// server starts answering.
#[test]
fn listening_off_loopback_without_tls_warns_loudly() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["serve", "--listen", "0.0.0.0:0", "--workspace"])
        .arg(dir.path().join("ws.sqlite"))
        .env("RUST_LOG", "off")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let mut said = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !said.contains("--tls-cert") && Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            said.push_str(&line);
            said.push('\n');
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        said.contains("WARNING: listening on 0.0.0.0:0 without TLS") && said.contains("--tls-cert"),
        "{said}"
    );
}

/// Many devices at once, some sending the same key at the same moment (they share
/// a commit): every distinct inspection is stored, each key once.
#[test]
fn concurrent_writes_with_shared_keys_store_each_key_once() {
    let server = Server::start(&[]);
    let before = ledger_lines(&server);
    let inspector = server.client_as(INSPECTOR_A);
    std::thread::scope(|scope| {
        for t in 0..16 {
            let (inspector, server) = (&inspector, &server);
            scope.spawn(move || {
                for round in 0..4 {
                    // Threads in pairs send the same key: 8 keys per round.
                    let key = format!("device-{}-{round}", t / 2);
                    let r = record(inspector, server, Some(&key), "S005");
                    assert_eq!(r.status(), 200, "{key}");
                }
            });
        }
    });
    assert_eq!(ledger_lines(&server), before + 8 * 4);
    server.stop_gracefully();
}
