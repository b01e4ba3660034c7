//! `gridpatrol route`: the fastest route between two points, as JSON.

use anyhow::Context;
use gridpatrol::network::DEFAULT_MAX_SNAP_M;
use gridpatrol::{Crs, Wgs84Point};
use serde_json::json;

use crate::context::{load_router, parse_lon_lat, print_json, NetworkArgs};

/// Route between two points on the street network.
#[derive(clap::Args, Debug)]
pub struct RouteArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Start as LON,LAT.
    #[arg(long, value_parser = parse_lon_lat, allow_hyphen_values = true, value_name = "LON,LAT")]
    pub from: (f64, f64),
    /// End as LON,LAT.
    #[arg(long, value_parser = parse_lon_lat, allow_hyphen_values = true, value_name = "LON,LAT")]
    pub to: (f64, f64),
    /// Coordinate system of --from and --to: wgs84, gcj02 (Amap/Tencent) or bd09 (Baidu).
    #[arg(long, default_value = "wgs84")]
    pub crs: Crs,
    /// Points farther than this from any street are unreachable.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAP_M, value_name = "M")]
    pub max_snap_m: f64,
}

pub fn run(args: RouteArgs) -> anyhow::Result<()> {
    let router = load_router(&args.network)?;
    let point = |(lon, lat): (f64, f64)| {
        let (lon, lat) = args.crs.to_wgs84(lon, lat);
        Wgs84Point::new(lon, lat)
    };
    let from = router
        .snap(point(args.from), args.max_snap_m)
        .with_context(|| format!("--from {},{}", args.from.0, args.from.1))?;
    let to = router
        .snap(point(args.to), args.max_snap_m)
        .with_context(|| format!("--to {},{}", args.to.0, args.to.1))?;
    let route = router
        .route(&from, &to)
        .context("no route between --from and --to on this network")?;
    let coords: Vec<[f64; 2]> = route.geometry.0 .0.iter().map(|c| [c.x, c.y]).collect();
    let out = json!({
        "distance_m": route.distance_m,
        "duration_s": route.duration_s,
        "snap_m": [from.snap_m, to.snap_m],
        "geometry": { "type": "LineString", "coordinates": coords },
    });
    print_json(&out)
}
