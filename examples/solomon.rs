//! Solves a Solomon-format VRPTW instance and prints one JSON line:
//! `{"instance","vehicles","distance","seconds","feasible"}`.
//!
//! All customers are mandatory, the fleet is limited as in the file, distances are
//! Euclidean in double precision (travel time equals distance) and the objective is the
//! total distance. `feasible` comes from the plan's independent checker.
//!
//! usage: cargo run --release --example solomon -- FILE --seconds S [--seed N] [--iterations N] [--progress]

use std::time::Instant;

use anyhow::{bail, Context, Result};
use gridpatrol::plan::{self, Matrix, Problem, SolveOptions, Stop, TimeWindow, Vehicle};

struct Args {
    file: String,
    seconds: f64,
    seed: u64,
    iterations: Option<u64>,
    progress: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        file: String::new(),
        seconds: 10.0,
        seed: 1,
        iterations: None,
        progress: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => args.seconds = it.next().context("--seconds needs a value")?.parse()?,
            "--seed" => args.seed = it.next().context("--seed needs a value")?.parse()?,
            "--iterations" => {
                args.iterations = Some(it.next().context("--iterations needs a value")?.parse()?)
            }
            "--progress" => args.progress = true,
            _ if args.file.is_empty() => args.file = a,
            _ => bail!("unexpected argument {a}"),
        }
    }
    if args.file.is_empty() {
        bail!("usage: solomon FILE --seconds S [--seed N] [--iterations N] [--progress]");
    }
    Ok(args)
}

/// Reads the fleet size, capacity and customer rows (depot first).
fn read_solomon(text: &str) -> Result<(usize, f64, Vec<[f64; 7]>)> {
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let mut fleet = None;
    let mut rows = Vec::new();
    for (i, parts) in lines.iter().enumerate() {
        if parts
            .first()
            .is_some_and(|p| p.eq_ignore_ascii_case("VEHICLE"))
        {
            let nums = lines[i + 1..]
                .iter()
                .find(|l| l.first().is_some_and(|p| p.parse::<f64>().is_ok()))
                .context("no fleet line after VEHICLE")?;
            fleet = Some((nums[0].parse::<usize>()?, nums[1].parse::<f64>()?));
        }
        if parts.len() == 7 {
            let nums: Result<Vec<f64>, _> = parts.iter().map(|p| p.parse::<f64>()).collect();
            if let Ok(nums) = nums {
                rows.push([
                    nums[0], nums[1], nums[2], nums[3], nums[4], nums[5], nums[6],
                ]);
            }
        }
    }
    let (fleet, capacity) = fleet.context("no VEHICLE section")?;
    if rows.len() < 2 {
        bail!("fewer than two customer rows");
    }
    Ok((fleet, capacity, rows))
}

fn problem(fleet: usize, capacity: f64, rows: &[[f64; 7]]) -> Problem {
    let d = Matrix::from_fn(rows.len(), |i, j| {
        (rows[i][1] - rows[j][1]).hypot(rows[i][2] - rows[j][2])
    });
    let stops = rows[1..]
        .iter()
        .enumerate()
        .map(|(i, r)| Stop {
            demand: r[3],
            windows: vec![TimeWindow::new(r[4], r[5])],
            mandatory: true,
            ..Stop::new(format!("{}", r[0]), i + 1, r[6])
        })
        .collect();
    let vehicles = (0..fleet)
        .map(|v| Vehicle {
            capacity: Some(capacity),
            ..Vehicle::new(format!("v{v}"), 0, TimeWindow::new(rows[0][4], rows[0][5]))
        })
        .collect();
    Problem {
        durations_s: d.clone(),
        distances_m: d,
        stops,
        vehicles,
    }
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("reading {}", args.file))?;
    let (fleet, capacity, rows) =
        read_solomon(&text).with_context(|| format!("parsing {}", args.file))?;
    let problem = problem(fleet, capacity, &rows);
    let options = SolveOptions {
        time_limit_s: args.seconds,
        max_iterations: args.iterations,
        seed: args.seed,
        ..Default::default()
    };
    let started = Instant::now();
    let show = args.progress;
    let solution = plan::solve_with_progress(&problem, &options, &mut |p| {
        if show {
            eprintln!(
                "{:8} {:6.2}s missed {} distance {:.2}",
                p.iteration, p.elapsed_s, p.mandatory_missed, p.travel_s
            );
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let feasible =
        plan::check::check(&problem, &solution).is_ok() && solution.objective.mandatory_missed == 0;
    let instance = std::path::Path::new(&args.file)
        .file_name()
        .map_or(args.file.clone(), |n| n.to_string_lossy().into_owned());
    println!(
        "{}",
        serde_json::json!({
            "instance": instance,
            "vehicles": solution.routes.len(),
            "distance": (solution.objective.distance_m * 100.0).round() / 100.0,
            "seconds": (seconds * 100.0).round() / 100.0,
            "feasible": feasible,
            "iterations": solution.iterations,
        })
    );
    Ok(())
}
