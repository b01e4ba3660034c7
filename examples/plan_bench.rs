//! Times `plan` on the bundled sample township: a day shift for 2, 4 and 6 teams and
//! a night shift, with the default search (2000 iterations, seed 1); then the day shift
//! for 10 teams on the sample plus 500, 1 000 and 3 000 synthetic institutions (copies
//! of the sample's, moved up to ~300 m, ordinary priority), the township scale the
//! search must keep up with. Prints one JSON line per case with the time to build the
//! problem, the solve time, the iterations done and the plan's size.
//! Issue target: every case completes its iterations in ≤ 5 s.
//!
//! With `--township DIR` (a township folder such as `data/townships/haidian-tsinghua`,
//! on its own extract's streets) the scale case is that township plus synthetic
//! institutions up to `--candidates N` (default 3 000): the whole chain for a district,
//! matrix and day plan, on a district's real streets. `--profile walk|drive` (default
//! walk) picks the network.
//!
//! usage: cargo run --release --example plan_bench [-- --only-scale] [-- --extra N,N,...]
//!        cargo run --release --example plan_bench -- --township DIR [--candidates N] [--profile drive]

use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gridpatrol::model::Institution;
use gridpatrol::network::{Profile, RoadNetwork};
use gridpatrol::plan::SolveOptions;
use gridpatrol::routing::Router;
use gridpatrol::shift::{plan_shift, Shift, ShiftData, ShiftSettings};
use gridpatrol::store::{SitePriority, Workspace};
use gridpatrol::Wgs84Point;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Teams of the township-scale cases.
const SCALE_TEAMS: usize = 10;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(dir) = flag(&args, "--township") {
        return district(&args, std::path::Path::new(dir));
    }
    let only_scale = args.iter().any(|a| a == "--only-scale");
    let extras: Vec<usize> = match args.iter().position(|a| a == "--extra") {
        Some(i) => args
            .get(i + 1)
            .context("--extra needs a list")?
            .split(',')
            .map(|x| x.trim().parse::<usize>())
            .collect::<Result<_, _>>()?,
        None => vec![500, 1000, 3000],
    };
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
    let options = bench_options();
    let sample_cases = [
        (Shift::Day, 2),
        (Shift::Day, 4),
        (Shift::Day, 6),
        (Shift::Night, 2),
    ];
    if !only_scale {
        for (shift, teams) in sample_cases {
            run_case(&shift_data, &router, date, shift, teams, &options, "")?;
        }
    }
    for extra in extras {
        scale_case(&shift_data, extra, &router, date, &options, "")?;
    }
    Ok(())
}

/// The day shift for [`SCALE_TEAMS`] teams on `data` plus `extra` synthetic institutions.
fn scale_case(
    data: &ShiftData,
    extra: usize,
    router: &Router,
    date: NaiveDate,
    options: &SolveOptions,
    tag: &str,
) -> Result<()> {
    let data = with_synthetic(data, extra);
    let label = format!("{tag} +{extra} synthetic");
    run_case(
        &data,
        router,
        date,
        Shift::Day,
        SCALE_TEAMS,
        options,
        &label,
    )
}

/// The search of every case: 2 000 iterations, seed 1, under a 5 s cap.
fn bench_options() -> SolveOptions {
    SolveOptions {
        time_limit_s: 5.0,
        max_iterations: Some(2000),
        seed: 1,
        ..Default::default()
    }
}

/// Plans one shift and prints its JSON line.
fn run_case(
    data: &ShiftData,
    router: &Router,
    date: NaiveDate,
    shift: Shift,
    teams: usize,
    options: &SolveOptions,
    label: &str,
) -> Result<()> {
    let settings = ShiftSettings::from_rules(
        &data.rules,
        date,
        shift,
        ShiftSettings::numbered_teams(teams),
    );
    let t0 = Instant::now();
    let plan = plan_shift(&data.input(), &settings, router, options, &mut |_| {})?;
    let s = &plan.summary;
    println!(
        "{{\"case\":\"{shift} {teams} teams{label}\",\"seconds\":{:.3},\"solve_s\":{:.3},\"iterations\":{},\"candidates\":{},\"planned\":{},\"mandatory\":{},\"mandatory_planned\":{}}}",
        t0.elapsed().as_secs_f64(),
        s.solve_s,
        s.iterations,
        s.candidates,
        s.planned,
        s.mandatory,
        s.mandatory_planned
    );
    Ok(())
}

/// The sample's data plus `extra` synthetic institutions: each a copy of a sample
/// institution moved by up to ~300 m, with no complaints or follow-ups (so the mandatory
/// stops stay the sample's). Fixed seed: every run plans the same township.
fn with_synthetic(data: &ShiftData, extra: usize) -> ShiftData {
    let mut out = data.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let by_id: std::collections::HashMap<&str, &SitePriority> = data
        .priorities
        .iter()
        .map(|p| (p.site_id.as_str(), p))
        .collect();
    let originals: Vec<(&Institution, &SitePriority)> = data
        .institutions
        .iter()
        .filter_map(|i| by_id.get(i.id.as_str()).map(|p| (i, *p)))
        .filter(|(_, p)| !p.closed)
        .collect();
    for k in 0..extra {
        let (inst, priority) = originals[rng.gen_range(0..originals.len())];
        let id = format!("SYN-{k:05}");
        // ~0.0027° of latitude ≈ 300 m; longitude degrees are shorter by cos(40°).
        let dlat = rng.gen_range(-0.0027..0.0027);
        let dlon = rng.gen_range(-0.0035..0.0035);
        let mut copy = inst.clone();
        copy.id = id.clone();
        copy.synthetic = true;
        copy.complaints = 0;
        copy.location = Wgs84Point::new(inst.location.lon() + dlon, inst.location.lat() + dlat);
        let mut p = priority.clone();
        p.site_id = id;
        p.complaints = 0;
        p.open_follow_ups.clear();
        p.rectification_due = None;
        p.reinspection_due = None;
        p.reinspection_due_now = false;
        out.institutions.push(copy);
        out.priorities.push(p);
    }
    out
}

/// The value after `name`, if given.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).map(String::as_str)
}

/// The district chain: a township folder on its own streets, topped up with synthetic
/// institutions to `--candidates`, planned for [`SCALE_TEAMS`] teams. The first plan
/// includes building the turn graph's hierarchy, as a first plan on a new workspace does.
fn district(args: &[String], dir: &std::path::Path) -> Result<()> {
    use gridpatrol::formats::township;
    let target: usize = flag(args, "--candidates").unwrap_or("3000").parse()?;
    let profile: Profile = flag(args, "--profile").unwrap_or("walk").parse()?;
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).context("date")?;
    let started = Instant::now();
    let mut ws = Workspace::in_memory()?;
    ws.import_township(&township::load_dir(dir)?)?;
    let osm_file = township::read_manifest(dir)?
        .osm
        .context("the township names no OSM extract")?;
    let osm_path = dir.join(osm_file);
    let osm = gridpatrol::formats::osm::read_bytes(
        &std::fs::read(&osm_path)?,
        &osm_path.display().to_string(),
    )?;
    let router = Router::new(RoadNetwork::build(&osm, profile)?);
    let data = ShiftData::from_store(&ws, date, Shift::Day)?;
    let own = data.institutions.len();
    println!(
        "{{\"case\":\"setup {}\",\"seconds\":{:.3},\"institutions\":{own},\"road_nodes\":{}}}",
        dir.display(),
        started.elapsed().as_secs_f64(),
        router.network().graph.node_count()
    );
    let extra = target.saturating_sub(own);
    let tag = format!(" {profile}");
    scale_case(&data, extra, &router, date, &bench_options(), &tag)
}
