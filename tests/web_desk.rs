//! The lead's desk in real chromium (`node tests/web/desk.mjs`, playwright-core with
//! Debian's chromium): users in the page, and the coverage panel's cell details with
//! the sweep on the map, its sheet and GPX.
//!
//! Needs `/usr/bin/chromium` and `npm ci --prefix tests/web`; skips with a note when
//! either is missing, except under `CI=true`, where it fails.

mod web_support;

use web_support::{browser_prerequisites, run_page_script, Server};

#[test]
fn a_lead_manages_users_and_sweeps_a_cell_in_the_page() {
    let Some(node) = browser_prerequisites() else {
        return;
    };
    let server = Server::start(&[]);
    run_page_script(&node, "desk.mjs", &server, &[], "desk: all steps passed");
    server.stop_gracefully();
}
