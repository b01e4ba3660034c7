//! The field app on a phone, offline: starts the real `gridpatrol serve`, then drives
//! Debian's headless chromium at 375 × 812 with the GPS set through
//! `node tests/web/field.mjs` (playwright-core): the page reloads from its service
//! worker with the network off, two inspections are recorded with a photo each, the
//! page is closed and opened again, the network returns, and the server then holds
//! exactly the two inspections with their positions and photos (hashes equal).
//! Prints the figures: cached size, load times, a shrunk photo's size, time to sync.
//!
//! Needs `/usr/bin/chromium` (apt: chromium) and `npm ci --prefix tests/web`. When
//! either is missing the test skips with a note, except under `CI=true`, where it fails.

mod web_support;

use std::path::Path;
use std::process::Command;

use web_support::{browser_prerequisites, Server};

#[test]
fn an_inspector_records_offline_and_the_outbox_delivers() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(node)
        .arg(root.join("tests/web/field.mjs"))
        .current_dir(root)
        .env("GP_URL", server.url(""))
        .env("GP_USER", web_support::LEAD)
        .env("GP_INSPECTOR", web_support::INSPECTOR_A)
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
        "field.mjs failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("field: all steps passed"));
    server.stop_gracefully();
}
