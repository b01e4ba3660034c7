//! The periodic VRP benchmark: Cordeau, Gendreau and Laporte's (1997) instances p01–p10
//! (`benchmarks/pvrp/`), solved by the campaign planner, each solution re-checked here
//! from the file alone (every customer on the days of one allowed combination, vehicle
//! capacity, route duration, vehicles per day), and the gap to the best-known value.
//!
//! usage: cargo run --release --example pvrp -- [--seconds 60] [--seed N] [p01 p02 …]

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use gridpatrol::campaign::{plan_campaign, Campaign, CampaignOptions, CampaignPlan, Period, Site};
use gridpatrol::plan::{Matrix, TimeWindow, Vehicle};

/// One instance as the file gives it.
struct Instance {
    vehicles: usize,
    days: usize,
    max_duration: f64,
    capacity: f64,
    /// Depot first.
    customers: Vec<Customer>,
}

/// A customer line: coordinates, service time, demand, allowed day combinations.
struct Customer {
    x: f64,
    y: f64,
    service: f64,
    demand: f64,
    combos: Vec<Vec<usize>>,
}

fn numbers(line: &str, name: &str, no: usize) -> Result<Vec<f64>> {
    line.split_whitespace()
        .map(|w| {
            w.parse::<f64>()
                .with_context(|| format!("{name}, line {no}: `{w}` is not a number"))
        })
        .collect()
}

fn read_instance(path: &Path) -> Result<Instance> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.display().to_string();
    let lines: Vec<(usize, Vec<f64>)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Ok((i + 1, numbers(l, &name, i + 1)?)))
        .collect::<Result<_>>()?;
    let Some((_, head)) = lines.first() else {
        bail!("{name}: empty file");
    };
    if head.len() < 4 || head[0] != 1.0 {
        bail!("{name}, line 1: expected `1 m n t` (a periodic VRP)");
    }
    let (vehicles, n, days) = (head[1] as usize, head[2] as usize, head[3] as usize);
    let Some((_, dq)) = lines.get(1) else {
        bail!("{name}: no `D Q` line");
    };
    let (max_duration, capacity) = (dq[0], dq[1]);
    let mut customers = Vec::new();
    for (no, row) in lines.iter().skip(1 + days).take(n + 1) {
        if row.len() < 7 {
            bail!("{name}, line {no}: a customer needs `i x y d q f a list`");
        }
        let count = row[6] as usize;
        if row.len() < 7 + count {
            bail!("{name}, line {no}: {count} combinations announced, fewer given");
        }
        let combos = row[7..7 + count]
            .iter()
            .map(|&code| {
                let code = code as u64;
                (0..days)
                    .filter(|d| code >> (days - 1 - d) & 1 == 1)
                    .collect()
            })
            .collect();
        customers.push(Customer {
            x: row[1],
            y: row[2],
            service: row[3],
            demand: row[4],
            combos,
        });
    }
    if customers.len() != n + 1 {
        bail!(
            "{name}: {n} customers announced, {} found",
            customers.len() - 1
        );
    }
    Ok(Instance {
        vehicles,
        days,
        max_duration,
        capacity,
        customers,
    })
}

fn distance(inst: &Instance, a: usize, b: usize) -> f64 {
    let (p, q) = (&inst.customers[a], &inst.customers[b]);
    ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
}

fn campaign(inst: &Instance) -> Campaign {
    let n = inst.customers.len();
    let m = Matrix::from_fn(n, |a, b| distance(inst, a, b));
    let end = if inst.max_duration > 0.0 {
        inst.max_duration
    } else {
        f64::INFINITY
    };
    let periods = (0..inst.days)
        .map(|d| Period {
            label: format!("day {}", d + 1),
            vehicles: (0..inst.vehicles)
                .map(|k| {
                    let mut v = Vehicle::new(format!("v{}", k + 1), 0, TimeWindow::new(0.0, end));
                    v.capacity = Some(inst.capacity);
                    v
                })
                .collect(),
            gates_closed: false,
        })
        .collect();
    let sites = inst.customers[1..]
        .iter()
        .enumerate()
        .map(|(i, c)| Site {
            id: (i + 1).to_string(),
            location: i + 1,
            service_s: c.service,
            demand: c.demand,
            windows: vec![Some(Vec::new()); inst.days],
            patterns: c.combos.clone(),
        })
        .collect();
    Campaign {
        durations_s: m.clone(),
        distances_m: m,
        closed_gates: None,
        periods,
        sites,
    }
}

/// Re-checks the plan from the instance alone; returns the total distance.
fn verify(inst: &Instance, plan: &CampaignPlan) -> Result<f64> {
    let n = inst.customers.len() - 1;
    let mut days_of = vec![Vec::new(); n + 1];
    let mut total = 0.0;
    for pp in &plan.periods {
        let day = pp.period;
        if pp.solution.routes.len() > inst.vehicles {
            bail!(
                "day {}: {} routes, {} vehicles",
                day + 1,
                pp.solution.routes.len(),
                inst.vehicles
            );
        }
        for r in &pp.solution.routes {
            let customers: Vec<usize> = r
                .visits
                .iter()
                .map(|v| pp.problem.stops[v.stop].id.parse::<usize>())
                .collect::<Result<_, _>>()?;
            let mut at = 0;
            let mut length = 0.0;
            let mut load = 0.0;
            let mut service = 0.0;
            for &c in &customers {
                length += distance(inst, at, c);
                load += inst.customers[c].demand;
                service += inst.customers[c].service;
                days_of[c].push(day);
                at = c;
            }
            length += distance(inst, at, 0);
            if load > inst.capacity + 1e-9 {
                bail!(
                    "day {}: load {load} over capacity {}",
                    day + 1,
                    inst.capacity
                );
            }
            if inst.max_duration > 0.0 && length + service > inst.max_duration + 1e-6 {
                bail!(
                    "day {}: route lasts {} over {}",
                    day + 1,
                    length + service,
                    inst.max_duration
                );
            }
            total += length;
        }
    }
    for (c, days) in days_of.iter().enumerate().skip(1) {
        let mut got = days.clone();
        got.sort_unstable();
        let allowed = inst.customers[c].combos.contains(&got);
        if !allowed {
            bail!("customer {c} visited on days {got:?}, not an allowed combination");
        }
    }
    Ok(total)
}

fn main() -> Result<()> {
    let mut seconds = 60.0;
    let mut seed = 1;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().context("--seconds needs a value")?.parse()?,
            "--seed" => seed = args.next().context("--seed needs a value")?.parse()?,
            _ => names.push(a),
        }
    }
    if names.is_empty() {
        names = (1..=10).map(|i| format!("p{i:02}")).collect();
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benchmarks/pvrp");
    let bks_text = std::fs::read_to_string(dir.join("bks.csv"))?;
    let bks = |name: &str| -> Option<f64> {
        bks_text
            .lines()
            .filter_map(|l| l.split_once(','))
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.trim().parse().ok())
    };
    println!("| instance | n | days | veh/day | BKS | gridpatrol | gap % | seconds |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut gaps = Vec::new();
    for name in &names {
        let inst = read_instance(&dir.join(name))?;
        let options = CampaignOptions {
            time_limit_s: seconds,
            max_iterations: None,
            seed,
            team_day_cost_s: 0.0,
            polish_iterations: 2000,
        };
        let started = Instant::now();
        let plan = plan_campaign(&campaign(&inst), &options)?;
        let took = started.elapsed().as_secs_f64();
        if !plan.unplanned.is_empty() {
            bail!(
                "{name}: {} customers could not be planned",
                plan.unplanned.len()
            );
        }
        let total = verify(&inst, &plan).with_context(|| format!("{name}: invalid solution"))?;
        let best = bks(name).with_context(|| format!("{name}: no best-known value"))?;
        let gap = 100.0 * (total / best - 1.0);
        gaps.push(gap);
        println!(
            "| {name} | {} | {} | {} | {best:.2} | {total:.2} | {gap:+.2} | {took:.1} |",
            inst.customers.len() - 1,
            inst.days,
            inst.vehicles
        );
    }
    let mean = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
    println!(
        "\nmean gap: {mean:+.2} % over {} instances at {seconds} s each (seed {seed})",
        gaps.len()
    );
    Ok(())
}
