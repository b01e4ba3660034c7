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

use web_support::{browser_prerequisites, run_page_script, Server};

#[test]
fn an_inspector_records_offline_and_the_outbox_delivers() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    run_page_script(
        &node,
        "field.mjs",
        &server,
        &[("GP_INSPECTOR", web_support::INSPECTOR_A)],
        "field: all steps passed",
    );
    server.stop_gracefully();
}
