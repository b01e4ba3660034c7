//! Shared by the web tests: a real `gridpatrol serve` on a free port over a fresh
//! workspace with a lead and two inspectors, stopped with SIGTERM at the end.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use geo::{LineString, Polygon};
use gridpatrol::model::{
    Cell, Depot, Hotspot, HotspotKind, Institution, InstitutionKind, Licence, OpenHours, School,
    Subject, Township,
};
use gridpatrol::{Wgs84, Wgs84Point};

pub const LEAD: &str = "zhang.lead";
pub const INSPECTOR_A: &str = "li.a";
pub const INSPECTOR_B: &str = "wang.b";
pub const PASSWORD: &str = "correct-horse-9";

const BIN: &str = env!("CARGO_BIN_EXE_gridpatrol");

/// The node binary when chromium and playwright-core are installed; `None` (skip)
/// otherwise, but under `CI=true` a missing piece fails the test.
pub fn browser_prerequisites() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("GP_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if !Path::new(&chromium).exists() {
        missing.push(format!("{chromium} (apt-get install chromium)"));
    }
    if !root.join("tests/web/node_modules/playwright-core").is_dir() {
        missing.push("tests/web/node_modules (npm ci --prefix tests/web)".into());
    }
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        missing.push("node".into());
    }
    if missing.is_empty() {
        return Some(PathBuf::from("node"));
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !ci,
        "CI=true and the browser test cannot run: missing {missing:?}"
    );
    eprintln!("note: skipping the browser test, missing {missing:?}");
    None
}

/// Runs `tests/web/{script}` with node against `server`, signed in as the lead
/// (`GP_URL`, `GP_USER`, `GP_PASSWORD`, `GP_ARTIFACTS`, then `env`); fails unless it
/// exits 0 and prints `done`. Answers what it printed.
pub fn run_page_script(
    node: &Path,
    script: &str,
    server: &Server,
    env: &[(&str, &str)],
    done: &str,
) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(node)
        .arg(root.join("tests/web").join(script))
        .current_dir(root)
        .env("GP_URL", server.url(""))
        .env("GP_USER", LEAD)
        .env("GP_PASSWORD", PASSWORD)
        .env("GP_ARTIFACTS", root.join("test-artifacts"))
        .envs(env.iter().copied())
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(done), "{script} did not say {done:?}");
    stdout
}

/// A small township over the bundled sample's streets (around 北邮, Haidian): a 2×2
/// grid of cells, 24 institutions of every licence status, two schools, two hotspots
/// and the township office as depot.
pub fn fixture_township() -> Township {
    let (w, s, e, n) = (116.3490, 39.9550, 116.3645, 39.9658);
    let (mx, my) = ((w + e) / 2.0, (s + n) / 2.0);
    let rect = |x0: f64, y0: f64, x1: f64, y1: f64| {
        Wgs84(Polygon::new(
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
            vec![],
        ))
    };
    let cells = [
        (w, s, mx, my),
        (mx, s, e, my),
        (w, my, mx, n),
        (mx, my, e, n),
    ]
    .iter()
    .enumerate()
    .map(|(i, &(x0, y0, x1, y1))| Cell {
        id: format!("G{}", i + 1),
        name: format!("第{}网格", i + 1),
        officer: Some(format!("网格员{}", i + 1)),
        area: rect(x0, y0, x1, y1),
    })
    .collect();
    let institutions = (0..24)
        .map(|i| {
            let fx = 0.08 + 0.84 * ((i % 6) as f64 + 0.5) / 6.0;
            let fy = 0.08 + 0.84 * ((i / 6) as f64 + 0.5) / 4.0;
            Institution {
                id: format!("S{i:03}"),
                name: format!("测试培训机构{i}"),
                kind: if i % 4 == 0 {
                    InstitutionKind::Care
                } else {
                    InstitutionKind::Training
                },
                subject: (i % 4 != 0).then_some(if i % 2 == 0 {
                    Subject::Subject
                } else {
                    Subject::NonSubject
                }),
                licence: match i % 3 {
                    0 => Licence::Unlicensed,
                    1 => Licence::RegisteredOnly,
                    _ => Licence::Licensed,
                },
                address: Some(format!("西土城路{}号", 10 + i)),
                location: Wgs84Point::new(w + fx * (e - w), s + fy * (n - s)),
                open_hours: OpenHours::parse("09:00-21:00"),
                complaints: (i % 5) as u32,
                last_inspected: None,
                synthetic: true,
            }
        })
        .collect();
    Township {
        name: "测试街道".into(),
        institutions,
        schools: vec![
            School {
                id: "SCH1".into(),
                name: "测试小学".into(),
                location: Wgs84Point::new(w + 0.3 * (e - w), s + 0.35 * (n - s)),
            },
            School {
                id: "SCH2".into(),
                name: "测试中学".into(),
                location: Wgs84Point::new(w + 0.7 * (e - w), s + 0.7 * (n - s)),
            },
        ],
        cells,
        hotspots: vec![
            Hotspot {
                id: "H1".into(),
                name: "测试商务楼".into(),
                kind: HotspotKind::OfficeBuilding,
                area: rect(
                    w + 0.2 * (e - w),
                    s + 0.2 * (n - s),
                    w + 0.35 * (e - w),
                    s + 0.35 * (n - s),
                ),
            },
            Hotspot {
                id: "H2".into(),
                name: "测试小区".into(),
                kind: HotspotKind::ResidentialCompound,
                area: rect(
                    w + 0.6 * (e - w),
                    s + 0.6 * (n - s),
                    w + 0.8 * (e - w),
                    s + 0.8 * (n - s),
                ),
            },
        ],
        extent: None,
        depots: vec![Depot {
            id: "D1".into(),
            name: "街道办".into(),
            location: Wgs84Point::new(mx, my),
        }],
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Runs the CLI with `stdin` as its input; panics with its output when it fails.
pub fn gridpatrol(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting gridpatrol");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("writing stdin");
    let out = child.wait_with_output().expect("gridpatrol output");
    assert!(
        out.status.success(),
        "gridpatrol {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A running server over its own temporary workspace.
pub struct Server {
    child: Option<Child>,
    port: u16,
    pub dir: tempfile::TempDir,
    /// The flags it was started with, besides `--listen` and `--workspace`.
    extra: Vec<String>,
}

impl Server {
    /// Starts `serve` over a fresh temporary workspace holding [`fixture_township`],
    /// a lead and two inspectors (added with `gridpatrol user add`), and waits until
    /// it answers.
    pub fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("township.sqlite");
        {
            let mut ws = gridpatrol::store::Workspace::open(&path).expect("workspace");
            ws.import_township(&fixture_township()).expect("import");
        }
        let ws = path.to_str().expect("utf-8 path");
        let pw = format!("{PASSWORD}\n");
        gridpatrol(
            &[
                "user",
                "--workspace",
                ws,
                "add",
                LEAD,
                "--role",
                "lead",
                "--password-stdin",
            ],
            &pw,
        );
        for (name, team) in [(INSPECTOR_A, "A"), (INSPECTOR_B, "B")] {
            gridpatrol(
                &[
                    "user",
                    "--workspace",
                    ws,
                    "add",
                    name,
                    "--role",
                    "inspector",
                    "--team",
                    team,
                ],
                &pw,
            );
        }
        let extra: Vec<String> = extra.iter().map(|a| a.to_string()).collect();
        Self::serve(dir, free_port(), extra)
    }

    /// Runs `serve` on `port` over the workspace in `dir` and waits until it answers.
    fn serve(dir: tempfile::TempDir, port: u16, extra: Vec<String>) -> Self {
        let ws = dir.path().join("township.sqlite");
        let listen = format!("127.0.0.1:{port}");
        let child = Command::new(BIN)
            .args(["serve", "--listen", &listen, "--workspace"])
            .arg(&ws)
            .args(&extra)
            .env("RUST_LOG", "gridpatrol=info,tower_http=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting gridpatrol serve");
        let server = Server {
            child: Some(child),
            port,
            dir,
            extra,
        };
        if !server.extra.iter().any(|a| a == "--tls-cert") {
            server.wait_until_up();
        }
        server
    }

    /// Stops the server (SIGTERM) and starts it again over the same workspace, port
    /// and flags.
    pub fn restart(mut self) -> Self {
        self.stop_child();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("temp dir"));
        Self::serve(dir, self.port, std::mem::take(&mut self.extra))
    }

    /// The workspace file the server serves (for `gridpatrol backup` and the like).
    pub fn workspace_path(&self) -> PathBuf {
        self.dir.path().join("township.sqlite")
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn wait_until_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if reqwest::blocking::get(self.url("/api/config"))
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "the server did not answer on port {} within 60 s",
            self.port
        );
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The session cookie (`gp_session=...`) after signing in as `name`.
    pub fn sign_in(&self, name: &str) -> String {
        let r = reqwest::blocking::Client::new()
            .post(self.url("/api/login"))
            .json(&serde_json::json!({ "name": name, "password": PASSWORD }))
            .send()
            .expect("login request");
        assert!(r.status().is_success(), "login as {name}: {}", r.status());
        let set = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("a session cookie");
        set.split(';').next().unwrap_or_default().to_string()
    }

    /// A client that sends the session cookie of `name` with every request.
    pub fn client_as(&self, name: &str) -> reqwest::blocking::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        let cookie = self.sign_in(name);
        headers.insert(
            reqwest::header::COOKIE,
            reqwest::header::HeaderValue::from_str(&cookie).expect("cookie header"),
        );
        reqwest::blocking::Client::builder()
            .default_headers(headers)
            .build()
            .expect("client")
    }

    /// Sends SIGTERM and checks the server exits cleanly within 10 s.
    pub fn stop_gracefully(mut self) {
        self.stop_child();
    }

    fn stop_child(&mut self) {
        let mut child = self.child.take().expect("running");
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                assert!(
                    status.success(),
                    "server exited with {status} after SIGTERM"
                );
                return;
            }
            assert!(
                Instant::now() < deadline,
                "server still running 10 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `GET url` as JSON (any status).
pub fn get_json(client: &reqwest::blocking::Client, url: &str) -> serde_json::Value {
    client
        .get(url)
        .send()
        .expect("the server answers")
        .json()
        .expect("a JSON answer")
}
