//! The lead's desk in real chromium (`node tests/web/desk.mjs`, playwright-core with
//! Debian's chromium): users in the page, and the coverage panel's cell details with
//! the sweep on the map, its sheet and GPX.
//!
//! Needs `/usr/bin/chromium` and `npm ci --prefix tests/web`; skips with a note when
//! either is missing, except under `CI=true`, where it fails.

mod web_support;

use std::path::Path;
use std::process::Command;

use web_support::{browser_prerequisites, Server};

#[test]
fn a_lead_manages_users_and_sweeps_a_cell_in_the_page() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(node)
        .arg(root.join("tests/web/desk.mjs"))
        .current_dir(root)
        .env("GP_URL", server.url(""))
        .env("GP_USER", web_support::LEAD)
        .env("GP_PASSWORD", web_support::PASSWORD)
        .env("GP_ARTIFACTS", root.join("test-artifacts"))
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "desk.mjs failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("desk: all steps passed"));
    server.stop_gracefully();
}
