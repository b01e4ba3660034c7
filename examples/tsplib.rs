//! Solves a TSPLIB EUC_2D instance (one team, no windows, TSPLIB's rounded distances)
//! and prints one JSON line: `{"instance","length","seconds"}`.
//!
//! usage: cargo run --release --example tsplib -- FILE --seconds S [--seed N] [--iterations N]
//!
//! With `--iterations` the tour depends only on the seed and the count (unless the
//! time limit comes first).

use std::time::Instant;

use anyhow::{bail, Context, Result};
use gridpatrol::plan::{self, Matrix, Problem, SolveOptions, Stop, TimeWindow, Vehicle};

/// Reads the coordinates of an EUC_2D instance.
fn read_tsplib(text: &str) -> Result<Vec<(f64, f64)>> {
    let mut in_coords = false;
    let mut pts = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(kind) = line.strip_prefix("EDGE_WEIGHT_TYPE") {
            let kind = kind.trim_start_matches([' ', ':']).trim();
            if kind != "EUC_2D" {
                bail!("EDGE_WEIGHT_TYPE {kind} is not supported (only EUC_2D)");
            }
        }
        if line.starts_with("NODE_COORD_SECTION") {
            in_coords = true;
            continue;
        }
        if line.starts_with("EOF") {
            break;
        }
        if in_coords {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() >= 3 {
                pts.push((parts[1].parse()?, parts[2].parse()?));
            }
        }
    }
    if pts.len() < 2 {
        bail!("fewer than two cities");
    }
    Ok(pts)
}

fn main() -> Result<()> {
    let mut file = String::new();
    let (mut seconds, mut seed, mut iterations) = (1.0, 1u64, None);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => seconds = it.next().context("--seconds needs a value")?.parse()?,
            "--seed" => seed = it.next().context("--seed needs a value")?.parse()?,
            "--iterations" => {
                iterations = Some(it.next().context("--iterations needs a value")?.parse()?)
            }
            _ => file = a,
        }
    }
    if file.is_empty() {
        bail!("usage: tsplib FILE --seconds S [--seed N] [--iterations N]");
    }
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {file}"))?;
    let pts = read_tsplib(&text).with_context(|| format!("parsing {file}"))?;
    // TSPLIB's nint: round half up of the Euclidean distance.
    let d = Matrix::from_fn(pts.len(), |i, j| {
        ((pts[i].0 - pts[j].0).hypot(pts[i].1 - pts[j].1) + 0.5).floor()
    });
    let stops = (1..pts.len())
        .map(|i| Stop {
            mandatory: true,
            ..Stop::new(format!("{}", i + 1), i, 0.0)
        })
        .collect();
    let vehicle = Vehicle::new("salesman", 0, TimeWindow::new(0.0, f64::INFINITY));
    let problem = Problem {
        durations_s: d.clone(),
        distances_m: d,
        stops,
        vehicles: vec![vehicle],
    };
    let started = Instant::now();
    let options = SolveOptions {
        time_limit_s: seconds,
        max_iterations: iterations,
        seed,
        ..Default::default()
    };
    let solution = plan::solve(&problem, &options)?;
    let instance = std::path::Path::new(&file)
        .file_stem()
        .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
    println!(
        "{}",
        serde_json::json!({
            "instance": instance,
            "length": solution.objective.distance_m,
            "seconds": (started.elapsed().as_secs_f64() * 100.0).round() / 100.0,
            "iterations": solution.iterations,
        })
    );
    Ok(())
}
