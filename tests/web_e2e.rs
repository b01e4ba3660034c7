//! The map page as a person uses it: starts the real `gridpatrol serve` on a free
//! port with a temporary workspace, then drives Debian's headless chromium through
//! `node tests/web/e2e.mjs` (playwright-core). Screenshots land in test-artifacts/.
//!
//! Needs `/usr/bin/chromium` (apt: chromium) and `npm ci --prefix tests/web`. When
//! either is missing the test skips with a note, except under `CI=true`, where it fails.

mod web_support;

use std::path::Path;
use std::process::Command;

use web_support::{browser_prerequisites, Server};

#[test]
fn page_works_end_to_end_in_chromium() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(node)
        .arg(root.join("tests/web/e2e.mjs"))
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
        "browser e2e failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("e2e: all steps passed"));
    server.stop_gracefully();
}
