//! The matrix yardstick: build the driving network of an extract, put N sites at seeded
//! random points on its streets, compute the N×N matrix, and print the figures as JSON.
//! It also writes the exported graph, the sites with their snaps and the matrix, so
//! `scripts/matrix_peer_networkx.py` can recompute the same matrix independently.
//!
//! ```text
//! cargo run --release --example matrix_bench -- --osm ../shared/osm/andorra.osm.pbf --sites 1000 [--seed 7] [--out-dir target/matrix_bench] [--profile drive]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use gridpatrol::network::{export::edges_geojson, Profile, RoadNetwork};
use gridpatrol::routing::Router;
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
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        osm: PathBuf::from("../shared/osm/andorra.osm.pbf"),
        sites: 1000,
        seed: 7,
        out_dir: PathBuf::from("target/matrix_bench"),
        profile: Profile::Drive,
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
    let started = Instant::now();
    let bytes = std::fs::read(&args.osm)?;
    let osm = gridpatrol::formats::osm::read_bytes(&bytes, &args.osm.display().to_string())?;
    let read_s = started.elapsed().as_secs_f64();
    let network = RoadNetwork::build(&osm, args.profile)?;
    drop(osm);
    let router = Router::new(network);
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

    let t = Instant::now();
    let matrix = router.matrix(&snaps, &snaps);
    let matrix_s = t.elapsed().as_secs_f64();
    let unreachable = matrix.durations_s.iter().filter(|d| d.is_none()).count();

    std::fs::create_dir_all(&args.out_dir)?;
    std::fs::write(
        args.out_dir.join("graph.geojson"),
        serde_json::to_vec(&edges_geojson(g))?,
    )?;
    let mut sites = String::from("id,lon,lat,edge,from,to,offset_m,length_m,snap_m\n");
    for (i, s) in snaps.iter().enumerate() {
        let (a, b) = g.edge_endpoints(s.edge).ok_or("snap on a missing edge")?;
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
    std::fs::write(args.out_dir.join("sites.csv"), sites)?;
    std::fs::write(
        args.out_dir.join("matrix.json"),
        serde_json::to_vec(&json!({ "durations_s": matrix.duration_rows() }))?,
    )?;

    let spread = snaps
        .windows(2)
        .map(|w| haversine_m(w[0].point.lon_lat(), w[1].point.lon_lat()))
        .sum::<f64>()
        / snaps.len().max(1) as f64;
    let figures = json!({
        "osm": args.osm.display().to_string(),
        "profile": args.profile.name(),
        "osm_mb": bytes.len() as f64 / 1e6,
        "read_s": read_s,
        "read_mb_per_s": bytes.len() as f64 / 1e6 / read_s.max(1e-9),
        "routable_s": routable_s,
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "sites": args.sites,
        "seed": args.seed,
        "mean_gap_between_sites_m": spread,
        "matrix_s": matrix_s,
        "unreachable_pairs": unreachable,
        "threads": rayon::current_num_threads(),
        "peak_memory_mb": peak_memory_mb(),
        "out_dir": args.out_dir.display().to_string(),
    });
    println!("{figures}");
    Ok(())
}
