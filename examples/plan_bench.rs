//! Times `plan` on the bundled sample township: a day shift for 2, 4 and 6 teams and
//! a night shift, with the default search (2000 iterations, seed 1), and prints one JSON
//! line per case with the time to build the problem, the solve time and the plan's size.
//! Issue target: a plan in ≤ 5 s by default.
//!
//! usage: cargo run --release --example plan_bench

use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gridpatrol::network::{Profile, RoadNetwork};
use gridpatrol::plan::SolveOptions;
use gridpatrol::routing::Router;
use gridpatrol::shift::{plan_shift, Shift, ShiftData, ShiftSettings};
use gridpatrol::store::Workspace;

fn main() -> Result<()> {
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).context("date")?;
    let started = Instant::now();
    let mut ws = Workspace::in_memory()?;
    ws.import_township(&gridpatrol::formats::township::load_sample()?)?;
    let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).context("sample OSM")?;
    let osm = gridpatrol::formats::osm::read_bytes(&bytes, gridpatrol::sample::OSM_PBF)?;
    let router = Router::new(RoadNetwork::build(&osm, Profile::Walk)?);
    // Loaded once for every case: the night's data (hotspots scored) holds the day's.
    let shift_data = ShiftData::from_store(&ws, date, Shift::Night)?;
    println!(
        "{{\"case\":\"setup\",\"seconds\":{:.3}}}",
        started.elapsed().as_secs_f64()
    );
    let input = shift_data.input();
    let options = SolveOptions {
        time_limit_s: 5.0,
        max_iterations: Some(2000),
        seed: 1,
    };
    for (shift, teams) in [
        (Shift::Day, 2),
        (Shift::Day, 4),
        (Shift::Day, 6),
        (Shift::Night, 2),
    ] {
        let settings = ShiftSettings::from_rules(
            &shift_data.rules,
            date,
            shift,
            ShiftSettings::numbered_teams(teams),
        );
        let t0 = Instant::now();
        let plan = plan_shift(&input, &settings, &router, &options, &mut |_| {})?;
        let s = &plan.summary;
        println!(
            "{{\"case\":\"{shift} {teams} teams\",\"seconds\":{:.3},\"solve_s\":{:.3},\"iterations\":{},\"candidates\":{},\"planned\":{},\"mandatory\":{},\"mandatory_planned\":{}}}",
            t0.elapsed().as_secs_f64(),
            s.solve_s,
            s.iterations,
            s.candidates,
            s.planned,
            s.mandatory,
            s.mandatory_planned
        );
    }
    Ok(())
}
