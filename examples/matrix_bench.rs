//! The matrix yardstick: build the driving network of an extract, put N sites at seeded
//! random points on its streets, compute the N×N matrix, and print the figures as JSON
//! (reading, building, preprocessing for queries, search and writing timed apart, and
//! the peak memory).
//! It writes into the output folder the snapped points (`points.csv`, `id,lon,lat`: what
//! `gridpatrol matrix --sites` and OSRM are asked about), the sites with their snaps
//! (`sites.csv`), the matrix as `gridpatrol matrix` writes it (`matrix_answer.json`) and,
//! unless `--peer-files no`, the exported graph and the full-precision durations, so
//! `scripts/matrix_peer_networkx.py` can recompute the same matrix independently.
//! With `--route-pairs FILE` (lines `i,j`) it computes no matrix: it writes the route of
//! each pair of sites (`routes.json`: lengths, durations, the ways and nodes passed, the
//! line), for explaining where it disagrees with another router.
//! With `--metric distance` every street piece weighs its length and turns cost nothing,
//! so the search finds the shortest legal route instead of the fastest: set beside a
//! router that also minimises distance, what is left between the two is what each lets
//! a car or walker pass, not how fast each thinks the streets are.
//!
//! ```text
//! cargo run --release --example matrix_bench -- --osm ../shared/osm/andorra.osm.pbf --sites 1000 [--seed 7] [--out-dir target/matrix_bench] [--profile drive] [--peer-files yes|no] [--route-pairs FILE] [--metric time|distance]
//! ```

use std::error::Error;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use gridpatrol::formats::matrix_json::write_matrix_json;
use gridpatrol::network::{export::edges_geojson, Profile, RoadGraph, RoadNetwork, Snap};
use gridpatrol::routing::turns::TurnCosts;
use gridpatrol::routing::{Matrix, Router};
use gridpatrol::units::haversine_m;
use gridpatrol::Wgs84Point;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

struct Args {
    osm: PathBuf,
    sites: usize,
    seed: u64,
    out_dir: PathBuf,
    profile: Profile,
    peer_files: bool,
    route_pairs: Option<PathBuf>,
    shortest: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        osm: PathBuf::from("../shared/osm/andorra.osm.pbf"),
        sites: 1000,
        seed: 7,
        out_dir: PathBuf::from("target/matrix_bench"),
        profile: Profile::Drive,
        peer_files: true,
        route_pairs: None,
        shortest: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--osm" => args.osm = value.into(),
            "--sites" => {
                args.sites = value
                    .parse()
                    .map_err(|_| format!("--sites {value:?} is not a number"))?
            }
            "--seed" => {
                args.seed = value
                    .parse()
                    .map_err(|_| format!("--seed {value:?} is not a number"))?
            }
            "--out-dir" => args.out_dir = value.into(),
            "--profile" => args.profile = value.parse().map_err(|e| format!("{e}"))?,
            "--peer-files" => {
                args.peer_files = match value.as_str() {
                    "yes" => true,
                    "no" => false,
                    _ => return Err(format!("--peer-files {value:?}: say yes or no")),
                }
            }
            "--route-pairs" => args.route_pairs = Some(value.into()),
            "--metric" => {
                args.shortest = match value.as_str() {
                    "time" => false,
                    "distance" => true,
                    _ => return Err(format!("--metric {value:?}: say time or distance")),
                }
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

/// One memory figure of this process from /proc/self/status (`VmHWM`: peak resident,
/// `VmRSS`: resident now), in MB.
fn memory_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Memory stage by stage: after each stage, the resident size then and the peak during
/// the stage (the kernel's peak is reset between stages through `/proc/self/clear_refs`;
/// where it cannot be, the figure is the peak so far).
struct Stages {
    figures: Vec<serde_json::Value>,
    overall_peak_mb: f64,
}

impl Stages {
    fn new() -> Self {
        let mut stages = Self {
            figures: Vec::new(),
            overall_peak_mb: 0.0,
        };
        stages.reset_peak();
        stages
    }

    fn reset_peak(&mut self) {
        self.overall_peak_mb = self.overall_peak_mb.max(memory_mb("VmHWM:").unwrap_or(0.0));
        // "5" resets VmHWM to the current resident size (Linux 4.0 and later).
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }

    /// Records the end of stage `name`.
    fn done(&mut self, name: &str) {
        let (rss, peak) = (memory_mb("VmRSS:"), memory_mb("VmHWM:"));
        eprintln!(
            "memory after {name:<10} resident {:>7.1} MB, peak during it {:>7.1} MB",
            rss.unwrap_or(f64::NAN),
            peak.unwrap_or(f64::NAN)
        );
        self.figures
            .push(json!({ "stage": name, "rss_mb": rss, "peak_mb": peak }));
        self.reset_peak();
    }

    /// The highest resident size of the whole run so far.
    fn peak_mb(&mut self) -> f64 {
        self.reset_peak();
        self.overall_peak_mb
    }
}

/// A random point on the streets: an edge chosen with probability by length, then a
/// uniform position along it.
fn random_point(router: &Router, cumulative: &[(f64, usize)], rng: &mut ChaCha8Rng) -> Wgs84Point {
    let g = &router.network().graph;
    let total = cumulative.last().map_or(0.0, |c| c.0);
    let x = rng.gen_range(0.0..total);
    let i = cumulative
        .partition_point(|c| c.0 < x)
        .min(cumulative.len() - 1);
    let coords = &g[petgraph::graph::EdgeIndex::new(cumulative[i].1)]
        .geometry
        .0
         .0;
    let k = rng.gen_range(0..coords.len() - 1);
    let t: f64 = rng.gen_range(0.0..1.0);
    let (a, b) = (coords[k], coords[k + 1]);
    Wgs84Point::new(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let mut stages = Stages::new();
    stages.done("start");
    let started = Instant::now();
    let bytes = std::fs::read(&args.osm)?;
    // Only the road part: what the network is built from (the same network).
    let osm = gridpatrol::formats::osm::roads::read_bytes(&bytes, &args.osm.display().to_string())?;
    let read_s = started.elapsed().as_secs_f64();
    stages.done("read");
    let mut network = RoadNetwork::build(&osm, args.profile)?;
    stages.done("build");
    drop(osm);
    stages.done("drop osm");
    let build_s = started.elapsed().as_secs_f64() - read_s;
    let t = Instant::now();
    let router = if args.shortest {
        // A metre weighs a second: the matrix's durations are then route lengths.
        for edge in network.graph.edge_weights_mut() {
            edge.duration_s = edge.length_m;
        }
        Router::with_costs(network, TurnCosts::FREE)
    } else {
        Router::new(network)
    };
    stages.done("turn csr");
    // The turn-aware graph, and the contraction hierarchy a matrix this big is answered by.
    if args.sites * args.sites >= gridpatrol::routing::HIERARCHY_MIN_PAIRS {
        router.hierarchy();
        stages.done("hierarchy");
    }
    let preprocess_s = t.elapsed().as_secs_f64();
    let routable_s = started.elapsed().as_secs_f64();
    eprintln!("{}", router.network().report);

    let g = &router.network().graph;
    let mut cumulative = Vec::new();
    let mut sum = 0.0;
    for e in g.edge_indices() {
        sum += g[e].length_m;
        cumulative.push((sum, e.index()));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let snaps: Vec<_> = (0..args.sites)
        .map(|_| router.snap(random_point(&router, &cumulative, &mut rng), 50.0))
        .collect::<Result<_, _>>()?;
    stages.done("snap");
    std::fs::create_dir_all(&args.out_dir)?;
    if let Some(pairs) = &args.route_pairs {
        return write_routes(&router, &snaps, pairs, &args.out_dir);
    }

    let t = Instant::now();
    let matrix = router.matrix(&snaps, &snaps);
    let matrix_s = t.elapsed().as_secs_f64();
    let rss_after_matrix_mb = memory_mb("VmRSS:");
    stages.done("matrix");
    let unreachable = matrix.durations_s().filter(|d| d.is_none()).count();

    let t = Instant::now();
    write_answer(&matrix, args.out_dir.join("matrix_answer.json"))?;
    let write_s = t.elapsed().as_secs_f64();
    stages.done("write");
    // The peak before the extra files below, which only the peers need.
    let peak_memory_mb = stages.peak_mb();

    write_sites(g, &snaps, &args.out_dir)?;
    if args.peer_files {
        std::fs::write(
            args.out_dir.join("graph.geojson"),
            serde_json::to_vec(&edges_geojson(g))?,
        )?;
        std::fs::write(
            args.out_dir.join("matrix.json"),
            serde_json::to_vec(&json!({ "durations_s": matrix.duration_rows() }))?,
        )?;
    }

    let spread = snaps
        .windows(2)
        .map(|w| haversine_m(w[0].point.lon_lat(), w[1].point.lon_lat()))
        .sum::<f64>()
        / snaps.len().max(1) as f64;
    let figures = json!({
        "osm": args.osm.display().to_string(),
        "profile": args.profile.name(),
        "metric": if args.shortest { "distance" } else { "time" },
        "osm_mb": bytes.len() as f64 / 1e6,
        "read_s": read_s,
        "read_mb_per_s": bytes.len() as f64 / 1e6 / read_s.max(1e-9),
        "build_s": build_s,
        "preprocess_s": preprocess_s,
        "routable_s": routable_s,
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "sites": args.sites,
        "seed": args.seed,
        "mean_gap_between_sites_m": spread,
        "matrix_s": matrix_s,
        "write_s": write_s,
        "unreachable_pairs": unreachable,
        "threads": rayon::current_num_threads(),
        "peak_memory_mb": peak_memory_mb,
        "rss_after_matrix_mb": rss_after_matrix_mb,
        "memory_stages": stages.figures,
        "out_dir": args.out_dir.display().to_string(),
    });
    println!("{figures}");
    Ok(())
}

/// The matrix as `gridpatrol matrix` writes it (ids `s0`, `s1`, …), into `path`.
fn write_answer(matrix: &Matrix, path: PathBuf) -> std::io::Result<()> {
    let ids: Vec<String> = (0..matrix.sources).map(|i| format!("s{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    write_matrix_json(
        &mut out,
        &ids,
        &|i, j| matrix.distance_m(i, j),
        &|i, j| matrix.duration_s(i, j),
        &[],
    )?;
    out.flush()
}

/// `points.csv` (the snapped points, `id,lon,lat`) and `sites.csv` (the same with the
/// edge, its end nodes and the offset along it).
fn write_sites(g: &RoadGraph, snaps: &[Snap], out_dir: &Path) -> Result<(), Box<dyn Error>> {
    let mut points = String::from("id,lon,lat\n");
    let mut sites = String::from("id,lon,lat,edge,from,to,offset_m,length_m,snap_m\n");
    for (i, s) in snaps.iter().enumerate() {
        let (a, b) = g.edge_endpoints(s.edge).ok_or("snap on a missing edge")?;
        points += &format!("s{i},{:.8},{:.8}\n", s.point.lon(), s.point.lat());
        sites += &format!(
            "s{i},{:.8},{:.8},{},{},{},{:.6},{:.6},{:.3}\n",
            s.point.lon(),
            s.point.lat(),
            s.edge.index(),
            g[a].osm_id,
            g[b].osm_id,
            s.offset_m,
            g[s.edge].length_m,
            s.snap_m
        );
    }
    std::fs::write(out_dir.join("points.csv"), points)?;
    std::fs::write(out_dir.join("sites.csv"), sites)?;
    Ok(())
}

/// `routes.json`: the route between the sites of each line `i,j` of `pairs`, with the
/// edges it passes as `[way id, from node, to node, highway]` (OpenStreetMap ids) and its
/// line (`null` where there is no route).
fn write_routes(
    router: &Router,
    snaps: &[Snap],
    pairs: &Path,
    out_dir: &Path,
) -> Result<(), Box<dyn Error>> {
    let g = &router.network().graph;
    let text = std::fs::read_to_string(pairs)?;
    let mut routes = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = || {
            format!(
                "{}: line {}: expected i,j site numbers",
                pairs.display(),
                n + 1
            )
        };
        let (i, j) = line.split_once(',').ok_or_else(bad)?;
        let (i, j): (usize, usize) = (
            i.trim().parse().map_err(|_| bad())?,
            j.trim().parse().map_err(|_| bad())?,
        );
        let (from, to) = (snaps.get(i).ok_or_else(bad)?, snaps.get(j).ok_or_else(bad)?);
        let Some(route) = router.route(from, to) else {
            routes.push(json!({ "i": i, "j": j, "route": null }));
            continue;
        };
        let mut edges = Vec::with_capacity(route.edges.len());
        for &e in &route.edges {
            let (a, b) = g.edge_endpoints(e).ok_or("route on a missing edge")?;
            edges.push(json!([g[e].way_id, g[a].osm_id, g[b].osm_id, g[e].highway]));
        }
        let line: Vec<[f64; 2]> = route.geometry.0 .0.iter().map(|c| [c.x, c.y]).collect();
        routes.push(json!({
            "i": i,
            "j": j,
            "route": {
                "distance_m": route.distance_m,
                "duration_s": route.duration_s,
                "edges": edges,
                "coordinates": line,
            },
        }));
    }
    std::fs::write(out_dir.join("routes.json"), serde_json::to_vec(&routes)?)?;
    println!(
        "{}",
        json!({ "routes": routes.len(), "out_dir": out_dir.display().to_string() })
    );
    Ok(())
}
