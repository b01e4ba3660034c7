//! `gridpatrol matrix`: durations and lengths between every pair of sites, as JSON.

use std::path::PathBuf;

use anyhow::Context;
use gridpatrol::network::DEFAULT_MAX_SNAP_M;
use gridpatrol::Crs;
use serde_json::json;

use crate::context::{load_router, print_json, NetworkArgs};

/// Travel matrix between the sites of a CSV file (`id,lon,lat`).
#[derive(clap::Args, Debug)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Sites as CSV with columns id,lon,lat (UTF-8 or GBK).
    #[arg(long, value_name = "FILE.csv")]
    pub sites: PathBuf,
    /// Coordinate system of the sites: wgs84, gcj02 (Amap/Tencent) or bd09 (Baidu).
    #[arg(long, default_value = "wgs84")]
    pub crs: Crs,
    /// Sites farther than this from any street get null rows and columns.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAP_M, value_name = "M")]
    pub max_snap_m: f64,
}

pub fn run(args: MatrixArgs) -> anyhow::Result<()> {
    let file = args.sites.display().to_string();
    let bytes = std::fs::read(&args.sites).with_context(|| format!("cannot read {file}"))?;
    let sites = gridpatrol::formats::csv::read_id_points(&bytes, &file, args.crs)?;
    let router = load_router(&args.network)?;
    // Sites too far from any street are flagged and left out of the search.
    let mut placed = Vec::with_capacity(sites.len());
    let mut snaps = Vec::with_capacity(sites.len());
    let mut unreachable = Vec::new();
    for (i, (id, point)) in sites.iter().enumerate() {
        match router.snap(*point, args.max_snap_m) {
            Ok(s) => {
                placed.push(i);
                snaps.push(s);
            }
            Err(e) => {
                eprintln!("{file}: site {id:?}: {e}; its row and column are null");
                unreachable.push(id.as_str());
            }
        }
    }
    let started = std::time::Instant::now();
    let matrix = router.matrix(&snaps, &snaps);
    eprintln!(
        "{0}×{0} matrix in {1:.3} s",
        snaps.len(),
        started.elapsed().as_secs_f64()
    );
    let n = sites.len();
    let mut durations_s = vec![vec![None; n]; n];
    let mut distances_m = vec![vec![None; n]; n];
    for (a, &i) in placed.iter().enumerate() {
        for (b, &j) in placed.iter().enumerate() {
            durations_s[i][j] = matrix.duration_s(a, b);
            distances_m[i][j] = matrix.distance_m(a, b);
        }
    }
    let ids: Vec<&str> = sites.iter().map(|(id, _)| id.as_str()).collect();
    let out = json!({
        "ids": ids,
        "distances_m": distances_m,
        "durations_s": durations_s,
        "unreachable": unreachable,
    });
    print_json(&out)
}
