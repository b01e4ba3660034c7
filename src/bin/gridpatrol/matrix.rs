//! `gridpatrol matrix`: durations and lengths between every pair of sites, as JSON or,
//! for programs, in the compact binary layout of `gridpatrol::formats::matrix_bin`.

use std::path::PathBuf;

use anyhow::Context;
use gridpatrol::formats::matrix_bin::write_matrix_bin;
use gridpatrol::formats::matrix_json::write_matrix_json;
use gridpatrol::network::DEFAULT_MAX_SNAP_M;
use gridpatrol::routing::BandReader;
use gridpatrol::Crs;
use std::io::{IsTerminal as _, Write as _};

use crate::context::{load_router, NetworkArgs};

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
    /// Output: json (ids, distances_m, durations_s to 0.1, unreachable) or bin
    /// (little-endian: "GPMX", version, sources, targets, f32 durations in s and
    /// distances in m with NaN where unreachable, then the site ids).
    #[arg(long, value_enum, default_value_t = MatrixFormat::Json)]
    pub format: MatrixFormat,
}

/// How `gridpatrol matrix` writes the matrix to standard output.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatrixFormat {
    /// Text for people and scripts.
    Json,
    /// Compact binary for programs: 8 bytes a pair at fixed offsets.
    Bin,
}

pub fn run(args: MatrixArgs) -> anyhow::Result<()> {
    if args.format == MatrixFormat::Bin && std::io::stdout().is_terminal() {
        anyhow::bail!("--format bin writes binary data: redirect it to a file (> matrix.bin)");
    }
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
    // Answered a band of rows at a time as the writer asks: a 3 000-site matrix is never
    // held whole (the search runs once per array written).
    let bands = router.matrix_bands(&snaps, &snaps);
    let matrix = BandReader::new(&bands);
    // Each site's row in the search, `None` for one left out.
    let mut row_of = vec![None; sites.len()];
    for (a, &i) in placed.iter().enumerate() {
        row_of[i] = Some(a);
    }
    let pair = |i: usize, j: usize| Some((row_of[i]?, row_of[j]?));
    let distance_m = |i: usize, j: usize| pair(i, j).and_then(|(a, b)| matrix.distance_m(a, b));
    let duration_s = |i: usize, j: usize| pair(i, j).and_then(|(a, b)| matrix.duration_s(a, b));
    let ids: Vec<&str> = sites.iter().map(|(id, _)| id.as_str()).collect();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let written = match args.format {
        MatrixFormat::Json => {
            write_matrix_json(&mut out, &ids, &distance_m, &duration_s, &unreachable)
        }
        MatrixFormat::Bin => write_matrix_bin(&mut out, &ids, &ids, &duration_s, &distance_m),
    }
    .and_then(|()| out.flush());
    eprintln!(
        "{0}×{0} matrix searched and written in {1:.3} s",
        snaps.len(),
        started.elapsed().as_secs_f64()
    );
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
