//! Sweep benchmark: the whole walking network of a square district treated as one cell.
//!
//! ```text
//! cargo run --release --example sweep_bench -- --osm ../shared/osm/andorra.osm.pbf [--area-km2 20] [--center LON,LAT] [--shift-minutes 480] [--blossom-max-odd N] [--out-dir DIR]
//! ```
//! Prints one JSON object: the district, required and total metres, their ratio, the
//! odd nodes and the matching against its lower bound, the seconds of each phase, and
//! the peak memory (VmHWM).
//!
//! `--blossom-max-odd 0` forces the near-neighbour blossom heuristic (to measure it),
//! adding `--near-blossom 0` the greedy-plus-exchange one; `--neighbours K` sets their
//! candidate pairs per odd node.
//! With `--out-dir DIR` it also writes what an independent peer needs to check the
//! matching (`scripts/sweep_peer_networkx.py`): `DIR/graph.csv` (every sweep-graph edge:
//! `from,to,length_m,required`) and `DIR/matching.json` (the odd nodes, our pairs with
//! their distances, and our matching cost).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use geo::{Coord, Rect};
use gridpatrol::network::{Profile, RoadNetwork};
use gridpatrol::sweep::graph::{ClipOptions, SweepGraph};
use gridpatrol::sweep::{plan, postman, SweepOptions};
use serde_json::json;

struct Args {
    osm: String,
    area_km2: f64,
    center: (f64, f64),
    shift_minutes: f64,
    out_dir: Option<String>,
    blossom_max_odd: Option<usize>,
    near_blossom: Option<bool>,
    neighbours: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        osm: "../shared/osm/andorra.osm.pbf".into(),
        area_km2: 20.0,
        // Andorra la Vella and Escaldes-Engordany, the densest streets of the country.
        center: (1.5300, 42.5085),
        // A full 8-hour working day: a 20 km² district's far streets are more than
        // 1.5 h' walk from its centre, so a shorter shift cannot even reach them and
        // come back (180 minutes fails on Andorra with "a shift ... is too short").
        shift_minutes: 480.0,
        out_dir: None,
        blossom_max_odd: None,
        near_blossom: None,
        neighbours: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| {
            v.parse::<f64>()
                .map_err(|_| format!("{flag}: {v:?} is not a number"))
        };
        let count = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: {v:?} is not a count"))
        };
        match flag.as_str() {
            "--osm" => args.osm = value,
            "--area-km2" => args.area_km2 = number(&value)?,
            "--shift-minutes" => args.shift_minutes = number(&value)?,
            "--out-dir" => args.out_dir = Some(value),
            "--blossom-max-odd" => args.blossom_max_odd = Some(count(&value)?),
            "--neighbours" => args.neighbours = Some(count(&value)?),
            "--near-blossom" => args.near_blossom = Some(count(&value)? != 0),
            "--center" => {
                let (a, b) = value.split_once(',').ok_or("--center wants LON,LAT")?;
                args.center = (number(a)?, number(b)?);
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

/// A square of `area_km2` around `center`, in degrees.
fn square(center: (f64, f64), area_km2: f64) -> Rect<f64> {
    let half_m = area_km2.sqrt() * 1000.0 / 2.0;
    let dy = half_m / 111_195.0;
    let dx = dy / center.1.to_radians().cos();
    Rect::new(
        Coord {
            x: center.0 - dx,
            y: center.1 - dy,
        },
        Coord {
            x: center.0 + dx,
            y: center.1 + dy,
        },
    )
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes `bytes` to `path` through a temporary file, so no half-written file is left.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::File::create(&tmp)?.write_all(bytes)?;
    std::fs::rename(&tmp, path)
}

/// The sweep graph and our odd-node matching, for the peer to recompute exactly.
fn write_peer_input(
    dir: &Path,
    graph: &SweepGraph,
    tour: &postman::PostmanTour,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut csv = String::from("from,to,length_m,required\n");
    for e in graph.edges() {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            e.from, e.to, e.length_m, e.required as u8
        ));
    }
    write_file(&dir.join("graph.csv"), csv.as_bytes())?;
    let mut odd: Vec<usize> = tour.matched_pairs.iter().flat_map(|p| [p.0, p.1]).collect();
    odd.sort_unstable();
    let matching = json!({
        "odd_nodes": odd,
        "pairs": tour.matched_pairs.iter().map(|p| json!([p.0, p.1, p.2])).collect::<Vec<_>>(),
        "matching_m": tour.matching_m,
        "matching_exact": tour.matching_exact,
        "matching_lower_bound_m": tour.matching_lower_bound_m,
    });
    write_file(&dir.join("matching.json"), matching.to_string().as_bytes())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("sweep_bench: {e}");
            std::process::exit(2);
        }
    };
    if !std::path::Path::new(&args.osm).exists() {
        eprintln!("sweep_bench: {} not found; nothing measured", args.osm);
        std::process::exit(1);
    }
    let t0 = Instant::now();
    let osm =
        match gridpatrol::formats::osm::read_path(std::path::Path::new(&args.osm), &mut |_| {}) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("sweep_bench: {e}");
                std::process::exit(1);
            }
        };
    let read_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let network = match RoadNetwork::build(&osm, Profile::Walk) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("sweep_bench: {e}");
            std::process::exit(1);
        }
    };
    let network_s = t1.elapsed().as_secs_f64();
    drop(osm);

    let rect = square(args.center, args.area_km2);
    let t2 = Instant::now();
    let graph = SweepGraph::from_road(&network.graph, &rect.to_polygon(), &ClipOptions::default());
    let clip_s = t2.elapsed().as_secs_f64();
    let mut options = SweepOptions {
        shift_minutes: args.shift_minutes,
        ..SweepOptions::default()
    };
    if let Some(n) = args.blossom_max_odd {
        options.postman.blossom_max_odd = n;
    }
    if let Some(on) = args.near_blossom {
        options.postman.near_blossom = on;
    }
    if let Some(k) = args.neighbours {
        options.postman.neighbours = k;
    }
    let t3 = Instant::now();
    let result = plan(&graph, Some(args.center.into()), &options);
    let plan_s = t3.elapsed().as_secs_f64();
    let sweep = match result {
        Ok(p) => p,
        Err(e) => {
            eprintln!("sweep_bench: {e}");
            std::process::exit(1);
        }
    };
    if let Some(dir) = &args.out_dir {
        let written = postman::solve(&graph, Some(args.center.into()), &options.postman)
            .map_err(|e| e.to_string())
            .and_then(|tour| {
                write_peer_input(Path::new(dir), &graph, &tour).map_err(|e| format!("{dir}: {e}"))
            });
        if let Err(e) = written {
            eprintln!("sweep_bench: {e}");
            std::process::exit(1);
        }
    }
    let out = json!({
        "osm": args.osm,
        "area_km2": args.area_km2,
        "box": [rect.min().x, rect.min().y, rect.max().x, rect.max().y],
        "network_edges": network.graph.edge_count(),
        "sweep_graph": {"nodes": graph.node_count(), "edges": graph.edge_count()},
        "required_m": sweep.required_m.round(),
        "total_m": sweep.total_m.round(),
        "deadhead_m": sweep.deadhead_m.round(),
        "ratio": (sweep.ratio() * 10_000.0).round() / 10_000.0,
        "unreachable_m": sweep.unreachable_m.round(),
        "components": sweep.components,
        "connector_m": sweep.connector_m.round(),
        "odd_nodes": sweep.odd_nodes,
        "matching_exact": sweep.matching_exact,
        "matching_method": sweep.matching_method.name(),
        "matching_m": sweep.matching_m.round(),
        "matching_lower_bound_m": sweep.matching_lower_bound_m.round(),
        "shifts": sweep.shifts.len(),
        "shift_minutes": args.shift_minutes,
        "seconds": {
            "read_osm": read_s,
            "build_network": network_s,
            "clip_cell": clip_s,
            "plan_sweep": plan_s,
            "sweep_total": clip_s + plan_s,
        },
        "vm_hwm_kb": vm_hwm_kb(),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}
