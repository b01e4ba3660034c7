//! Coverage at township scale: 1 000 cells, 10 000 sites, a year of inspections, night
//! checks and swept tracks (synthetic, seeded), then coverage recomputed from the store.
//!
//! `cargo run --release --example coverage_bench [WORKSPACE]`
//!
//! With a WORKSPACE path the synthetic township is built there once and reused by later
//! runs (building it takes half a minute; the figures only time the recompute).

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use geo::{LineString, Polygon};
use gridpatrol::coverage::coverage::{coverage_from_rows, coverage_from_store};
use gridpatrol::coverage::CellCoverage;
use gridpatrol::model::{
    Cell, Hotspot, HotspotKind, Institution, InstitutionKind, Licence, Township, Wgs84Point,
};
use gridpatrol::store::{InspectionInput, InspectionResult, Workspace};
use gridpatrol::Wgs84;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const COLS: usize = 40;
const ROWS: usize = 25;
const CELL_DEG: f64 = 0.003; // ≈ 330 m × 255 m at 40°N
const LON0: f64 = 116.30;
const LAT0: f64 = 39.90;

fn square(x: f64, y: f64, w: f64, h: f64) -> gridpatrol::model::Wgs84Polygon {
    Wgs84(Polygon::new(
        LineString::from(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]),
        vec![],
    ))
}

fn township(rng: &mut ChaCha8Rng) -> Township {
    let mut t = Township {
        name: "bench".into(),
        ..Default::default()
    };
    for i in 0..COLS {
        for j in 0..ROWS {
            let (x, y) = (LON0 + i as f64 * CELL_DEG, LAT0 + j as f64 * CELL_DEG);
            t.cells.push(Cell {
                id: format!("C{i:02}{j:02}"),
                name: format!("网格{i}-{j}"),
                officer: None,
                area: square(x, y, CELL_DEG, CELL_DEG),
            });
            t.hotspots.push(Hotspot {
                id: format!("H{i:02}{j:02}"),
                name: "楼宇".into(),
                kind: if (i + j) % 2 == 0 {
                    HotspotKind::OfficeBuilding
                } else {
                    HotspotKind::ResidentialCompound
                },
                area: square(x + 0.001, y + 0.001, 0.0005, 0.0005),
            });
        }
    }
    let (w, h) = (COLS as f64 * CELL_DEG, ROWS as f64 * CELL_DEG);
    for k in 0..10_000 {
        let licence = match rng.gen_range(0..10) {
            0..=1 => Licence::Unlicensed,
            2..=4 => Licence::RegisteredOnly,
            _ => Licence::Licensed,
        };
        t.institutions.push(Institution {
            id: format!("S{k:05}"),
            name: format!("机构{k}"),
            kind: if k % 3 == 0 {
                InstitutionKind::Care
            } else {
                InstitutionKind::Training
            },
            subject: None,
            licence,
            address: None,
            location: Wgs84Point::new(LON0 + rng.gen::<f64>() * w, LAT0 + rng.gen::<f64>() * h),
            open_hours: None,
            complaints: rng.gen_range(0..3),
            last_inspected: None,
            synthetic: true,
        });
    }
    t
}

use gridpatrol::model::bounds::LonLat;

/// A street grid every ~100 m over the township.
fn streets() -> Vec<gridpatrol::store::StreetLine> {
    let (w, h) = (COLS as f64 * CELL_DEG, ROWS as f64 * CELL_DEG);
    let step = 0.001;
    let mut out = Vec::new();
    let mut x = LON0 + step / 2.0;
    while x < LON0 + w {
        out.push((None, vec![LonLat::new(x, LAT0), LonLat::new(x, LAT0 + h)]));
        x += step;
    }
    let mut y = LAT0 + step / 2.0;
    while y < LAT0 + h {
        out.push((None, vec![LonLat::new(LON0, y), LonLat::new(LON0 + w, y)]));
        y += step;
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = match std::env::args_os().nth(1) {
        Some(p) => std::path::PathBuf::from(p),
        None => dir.path().join("bench.sqlite"),
    };
    let ws = if path.exists() {
        println!("reusing the workspace {}", path.display());
        Workspace::open_existing(&path)?
    } else {
        build(&path)?
    };
    measure(&ws)
}

/// Builds the synthetic township and its year of history in a new workspace at `path`.
fn build(path: &std::path::Path) -> Result<Workspace, Box<dyn std::error::Error>> {
    let mut rng = ChaCha8Rng::seed_from_u64(20250301);
    let mut ws = Workspace::open(path)?;
    let t0 = Instant::now();
    let t = township(&mut rng);
    ws.import_township(&t)?;
    let pieces = ws.replace_streets(&streets())?;
    println!(
        "setup: {} cells, {} sites, {} hotspots, {} street pieces in {:.1} s",
        t.cells.len(),
        t.institutions.len(),
        t.hotspots.len(),
        pieces,
        t0.elapsed().as_secs_f64()
    );

    let year = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let t1 = Instant::now();
    let mut inputs = Vec::new();
    for s in &t.institutions {
        let visits = match s.licence {
            Licence::Unlicensed => 10,
            Licence::RegisteredOnly => 5,
            Licence::Licensed => 2,
        };
        for _ in 0..visits {
            let day = year + Duration::days(rng.gen_range(0..365));
            let result = match rng.gen_range(0..20) {
                0 => InspectionResult::Hazard,
                1 => InspectionResult::UnlicensedOperation,
                2 => InspectionResult::Closed,
                _ => InspectionResult::Compliant,
            };
            inputs.push(InspectionInput {
                site_id: s.id.clone(),
                at: day
                    .and_hms_opt(rng.gen_range(9..20), 0, 0)
                    .unwrap_or_default(),
                team_id: format!("T{}", rng.gen_range(0..12)),
                result,
                notes: None,
                rectify_by: None,
                close: false,
                lookback_days: None,
                evidence: None,
            });
        }
    }
    inputs.sort_by_key(|i| i.at);
    ws.record_inspections(&inputs)?;
    let mut nights = 0;
    for h in &t.hotspots {
        for _ in 0..rng.gen_range(0..6) {
            let day = year + Duration::days(rng.gen_range(0..365));
            ws.record_night_check(
                &h.id,
                day.and_hms_opt(20, 30, 0).unwrap_or_default(),
                "N1",
                InspectionResult::Compliant,
                None,
            )?;
            nights += 1;
        }
    }
    // 300 walks along random streets, each ~1 km.
    let mut walked = 0.0;
    for k in 0..300 {
        let day = year + Duration::days(rng.gen_range(0..365));
        let x = LON0 + 0.0005 + 0.001 * rng.gen_range(0..(COLS * 3 - 1)) as f64;
        let y0 = LAT0 + rng.gen::<f64>() * (ROWS as f64 * CELL_DEG - 0.01);
        let track: Vec<LonLat> = (0..=100)
            .map(|s| LonLat::new(x + 0.00003, y0 + s as f64 * 0.0001))
            .collect();
        walked += ws
            .record_track(
                &format!("T{}", k % 12),
                day.and_hms_opt(10, 0, 0).unwrap_or_default(),
                "bench",
                &track,
            )?
            .swept_m;
    }
    println!(
        "history: {} inspections, {} night checks, 300 tracks ({:.0} km swept) in {:.1} s",
        inputs.len(),
        nights,
        walked / 1000.0,
        t1.elapsed().as_secs_f64()
    );
    Ok(ws)
}

/// Runs of the recompute per window (the first warms SQLite's page cache).
const RUNS: usize = 41;

/// Times `f` over `runs` runs: the sorted times in milliseconds and the last answer.
fn time_runs(
    runs: usize,
    mut f: impl FnMut() -> Result<Vec<CellCoverage>, gridpatrol::store::StoreError>,
) -> Result<(Vec<f64>, Vec<CellCoverage>), gridpatrol::store::StoreError> {
    let mut times = Vec::new();
    let mut figures = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        figures = f()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times, figures))
}

/// `min, median, p95, max` of sorted times.
fn spread(times: &[f64]) -> String {
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    format!(
        "min {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times[0],
        pct(0.5),
        pct(0.95),
        times[times.len() - 1]
    )
}

/// Times the coverage recompute over the whole year 2025 and over March, and prints
/// the figures; the straightforward computation (every row, point in polygon) is timed
/// too, as the yardstick.
fn measure(ws: &Workspace) -> Result<(), Box<dyn std::error::Error>> {
    let year = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let march = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default();
    // Timings on a shared machine swing with its load: print it beside them.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let one_minute = load.split_whitespace().next().unwrap_or("?");
        println!(
            "load average {one_minute} on {} cores",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
    }
    for (from, to) in [
        (year, year + Duration::days(364)),
        (march, march + Duration::days(30)),
    ] {
        let (times, figures) = time_runs(RUNS, || coverage_from_store(ws, from, to))?;
        let (plain_times, plain) = time_runs(RUNS / 4, || coverage_from_rows(ws, from, to))?;
        let sites: usize = figures.iter().map(|c| c.sites_total).sum();
        let inspected: usize = figures.iter().map(|c| c.sites_inspected).sum();
        let overdue: usize = figures.iter().map(|c| c.sites_overdue).sum();
        let night: usize = figures.iter().map(|c| c.hotspots_checked_night).sum();
        let street: f64 = figures.iter().map(|c| c.street_m).sum();
        let swept: f64 = figures.iter().map(|c| c.swept_m).sum();
        println!(
            "window {from}..{to}: {} cells, {sites} sites, {inspected} inspected, {overdue} overdue, \
             {night} hotspots checked at night, {:.0} of {:.0} km swept",
            figures.len(),
            swept / 1000.0,
            street / 1000.0
        );
        let same = plain.len() == figures.len()
            && plain.iter().zip(&figures).all(|(a, b)| {
                (a.sites_inspected, a.sites_overdue, a.hotspots_checked_night)
                    == (b.sites_inspected, b.sites_overdue, b.hotspots_checked_night)
            });
        println!(
            "  coverage recompute from the store ({RUNS} runs): {} (target ≤ 100 ms)",
            spread(&times)
        );
        println!(
            "  straightforward computation ({} runs, {}): {}",
            RUNS / 4,
            if same { "same counts" } else { "COUNTS DIFFER" },
            spread(&plain_times)
        );
    }
    Ok(())
}
