//! The lead's site desk in real Chromium: starts `gridpatrol serve`, then
//! `node tests/web/sites.mjs` adds a site by clicking the map (and one by pasting
//! 高德 GCJ-02 coordinates), drags it to another
//! cell, edits it, closes it and opens its printable 一家一册 (checked on the page and
//! through the API).
//!
//! Needs `/usr/bin/chromium` (apt: chromium) and `npm ci --prefix tests/web`. When
//! either is missing the test skips with a note, except under `CI=true`, where it fails.

mod web_support;

use web_support::{browser_prerequisites, run_page_script, Server};

#[test]
fn a_lead_adds_drags_edits_closes_a_site_and_opens_its_dossier() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    // A place as 高德 gives it (GCJ-02), and where it truly is.
    let wgs84 = (116.3560, 39.9600);
    let gcj02 = gridpatrol::crs::Crs::Gcj02.from_wgs84(wgs84.0, wgs84.1);
    let gcj02 = format!("{:.7},{:.7}", gcj02.0, gcj02.1);
    let wgs84 = format!("{},{}", wgs84.0, wgs84.1);
    run_page_script(
        &node,
        "sites.mjs",
        &server,
        &[("GP_PASTE_GCJ02", &gcj02), ("GP_PASTE_WGS84", &wgs84)],
        "sites: all steps passed",
    );
    server.stop_gracefully();
}
