//! The contraction hierarchy's yardstick: build the network of an extract, contract it,
//! then compute an N×N matrix between seeded random nodes by the hierarchy and by the
//! per-source plain Dijkstra on the same query graph, and print the figures as JSON.
//!
//! ```text
//! cargo run --release --example ch_bench -- --osm ../shared/osm/heidelberg.osm.pbf --points 1000 [--seed 7] [--profile drive|walk]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use gridpatrol::network::{Profile, RoadNetwork};
use gridpatrol::routing::ch::Hierarchy;
use gridpatrol::routing::csr::Csr;
use gridpatrol::routing::dijkstra::{Seed, Workspace};
use gridpatrol::routing::Router;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde_json::json;

struct Args {
    osm: PathBuf,
    points: usize,
    seed: u64,
    profile: Profile,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        osm: PathBuf::from("../shared/osm/andorra.osm.pbf"),
        points: 1000,
        seed: 7,
        profile: Profile::Drive,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--osm" => args.osm = value.into(),
            "--points" => {
                args.points = value
                    .parse()
                    .map_err(|_| format!("--points {value:?} is not a number"))?
            }
            "--seed" => {
                args.seed = value
                    .parse()
                    .map_err(|_| format!("--seed {value:?} is not a number"))?
            }
            "--profile" => args.profile = value.parse().map_err(|e| format!("{e}"))?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

/// Peak resident memory of this process (VmHWM), in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Distinct arcs of the input (no self-loops, parallel arcs counted once): what the
/// hierarchy would hold without shortcuts.
fn distinct_arcs(csr: &Csr) -> usize {
    let mut count = 0;
    for tail in 0..csr.node_count() as u32 {
        let mut heads: Vec<u32> = csr
            .arcs(tail)
            .map(|a| csr.head[a])
            .filter(|&h| h != tail)
            .collect();
        heads.sort_unstable();
        heads.dedup();
        count += heads.len();
    }
    count
}

fn relative_difference(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-9)
}

/// Durations and lengths between `nodes` by one plain Dijkstra per source (rayon).
fn plain_matrix(csr: &Csr, nodes: &[u32]) -> Vec<Option<(f64, f64)>> {
    let rows: Vec<Vec<Option<(f64, f64)>>> = nodes
        .par_iter()
        .map_init(
            || Workspace::new(csr.node_count()),
            |ws, &node| {
                let seed = Seed {
                    node,
                    weight_s: 0.0,
                    length_m: 0.0,
                };
                ws.search(csr, &[seed], nodes);
                nodes
                    .iter()
                    .map(|&t| {
                        let d = ws.weight_s[t as usize];
                        d.is_finite().then(|| (d, ws.length_m[t as usize]))
                    })
                    .collect()
            },
        )
        .collect();
    rows.into_iter().flatten().collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let bytes = std::fs::read(&args.osm)?;
    let osm = gridpatrol::formats::osm::read_bytes(&bytes, &args.osm.display().to_string())?;
    let router = Router::new(RoadNetwork::build(&osm, args.profile)?);
    drop(osm);
    let csr = router.csr();

    let t = Instant::now();
    let hierarchy = Hierarchy::build(csr);
    let build_s = t.elapsed().as_secs_f64();
    let hierarchy_bytes = hierarchy.to_bytes().len();

    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let nodes: Vec<u32> = (0..args.points)
        .map(|_| rng.gen_range(0..csr.node_count() as u32))
        .collect();
    let sources: Vec<Vec<Seed>> = nodes
        .iter()
        .map(|&node| {
            vec![Seed {
                node,
                weight_s: 0.0,
                length_m: 0.0,
            }]
        })
        .collect();
    let targets: Vec<Vec<(u32, f64, f64)>> = nodes.iter().map(|&n| vec![(n, 0.0, 0.0)]).collect();

    let t = Instant::now();
    let by_hierarchy = hierarchy.many_to_many(&sources, &targets);
    let ch_matrix_s = t.elapsed().as_secs_f64();

    // The oracle: one plain Dijkstra per source on the same query graph.
    let t = Instant::now();
    let by_dijkstra = plain_matrix(csr, &nodes);
    let dijkstra_matrix_s = t.elapsed().as_secs_f64();

    let mut max_rel_diff = 0.0f64;
    let mut max_rel_diff_length = 0.0f64;
    let mut reachability_differs = 0usize;
    for (cell, want) in by_hierarchy.iter().zip(&by_dijkstra) {
        match (cell, want) {
            (Some((d, l)), Some((want_d, want_l))) => {
                max_rel_diff = max_rel_diff.max(relative_difference(*d, *want_d));
                max_rel_diff_length = max_rel_diff_length.max(relative_difference(*l, *want_l));
            }
            (None, None) => {}
            _ => reachability_differs += 1,
        }
    }
    let figures = json!({
        "osm": args.osm.display().to_string(),
        "profile": args.profile.name(),
        "points": args.points,
        "seed": args.seed,
        "threads": rayon::current_num_threads(),
        "nodes": hierarchy.node_count(),
        "arcs": csr.head.len(),
        "hierarchy_arcs": hierarchy.arc_count(),
        "shortcuts": hierarchy.arc_count().saturating_sub(distinct_arcs(csr)),
        "hierarchy_mb": hierarchy_bytes as f64 / 1e6,
        "build_s": build_s,
        "ch_matrix_s": ch_matrix_s,
        "dijkstra_matrix_s": dijkstra_matrix_s,
        "max_rel_diff": max_rel_diff,
        "max_rel_diff_length": max_rel_diff_length,
        "reachability_differs": reachability_differs,
        "unreachable_pairs": by_hierarchy.iter().filter(|c| c.is_none()).count(),
        "peak_mb": peak_memory_mb(),
    });
    println!("{figures}");
    Ok(())
}
