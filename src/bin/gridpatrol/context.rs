//! Shared by every command that needs the road network: load the extract given by
//! `--osm` (or the bundled sample), build the profile's network with a progress bar,
//! print what was read and built on stderr.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use gridpatrol::formats::osm::{self, OsmData};
use gridpatrol::network::{BuildOptions, BuildStage, Profile, RoadNetwork};
use gridpatrol::routing::Router;
use gridpatrol::store::route_cache;
use indicatif::{ProgressBar, ProgressStyle};

/// The `--osm` and `--profile` flags, for `#[command(flatten)]`.
#[derive(clap::Args, Debug, Clone)]
pub struct NetworkArgs {
    /// OpenStreetMap extract (.osm or .osm.pbf); default: the one the workspace was made
    /// from (`init --from`), else the bundled sample township.
    #[arg(long, value_name = "FILE")]
    pub osm: Option<PathBuf>,
    /// Travel profile: walk or drive.
    #[arg(long, default_value = "walk", value_name = "PROFILE")]
    pub profile: Profile,
    /// Keep the contraction hierarchy of the network in this folder and use it (built
    /// once per extract, profile and turn costs). Plans and campaigns keep theirs
    /// beside the workspace without being asked.
    #[arg(long, value_name = "DIR")]
    pub routing_cache: Option<PathBuf>,
}

/// An extract read, with how long it took.
pub struct LoadedOsm {
    pub osm: OsmData,
    pub name: String,
    pub started: Instant,
}

/// Where `init --from` notes the extract a workspace was made from.
pub const OSM_EXTRACT_KEY: &str = "osm_extract";

/// The extract to work on: `--osm`, else the one the workspace was made from (`init
/// --from`), else `None` for the bundled sample.
pub fn extract_of(
    flag: Option<&Path>,
    ws: &gridpatrol::store::Workspace,
) -> anyhow::Result<Option<std::path::PathBuf>> {
    if let Some(path) = flag {
        return Ok(Some(path.to_path_buf()));
    }
    let Some(noted) = ws.meta(OSM_EXTRACT_KEY)? else {
        return Ok(None);
    };
    let path = std::path::PathBuf::from(noted);
    if !path.exists() {
        anyhow::bail!(
            "the workspace was made from the extract {}, which is gone: give --osm FILE",
            path.display()
        );
    }
    Ok(Some(path))
}

/// Reads `--osm FILE` or the bundled sample, with a progress bar and a summary line.
pub fn load_osm(path: Option<&Path>) -> anyhow::Result<LoadedOsm> {
    load_with(path, osm::read_bytes_with_progress)
}

/// Like [`load_osm`], keeping only what a road network is built from (streets, turn
/// restrictions and their nodes): the commands that only route read a city's extract
/// in a fraction of the memory.
pub fn load_roads(path: Option<&Path>) -> anyhow::Result<LoadedOsm> {
    load_with(path, osm::roads::read_bytes_with_progress)
}

type Reader = fn(&[u8], &str, &mut dyn FnMut(u64)) -> Result<osm::OsmData, osm::OsmError>;

fn load_with(path: Option<&Path>, read: Reader) -> anyhow::Result<LoadedOsm> {
    let started = Instant::now();
    let (bytes, name) = match path {
        Some(p) => (
            std::borrow::Cow::Owned(
                std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
            ),
            p.display().to_string(),
        ),
        None => (
            gridpatrol::sample::file(gridpatrol::sample::OSM_PBF)
                .context("the bundled sample has no OSM extract")?,
            format!("sample {}", gridpatrol::sample::OSM_PBF),
        ),
    };
    let bar = bar(bytes.len() as u64, "reading");
    let osm = read(&bytes, &name, &mut |done| bar.set_position(done))?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "read {name}: {:.2} MB in {:.3} s ({:.1} MB/s): {} nodes, {} ways, {} relations",
        osm.bytes_read as f64 / 1e6,
        secs,
        osm.bytes_read as f64 / 1e6 / secs.max(1e-9),
        osm.nodes.len(),
        osm.ways.len(),
        osm.relations.len(),
    );
    Ok(LoadedOsm { osm, name, started })
}

/// Builds the profile's network from a read extract, with a progress bar and summary.
pub fn build_network(loaded: &LoadedOsm, profile: Profile) -> anyhow::Result<RoadNetwork> {
    build_network_with(loaded, profile, &BuildOptions::default())
}

/// Like [`build_network`], with build options (gates closed for the night).
pub fn build_network_with(
    loaded: &LoadedOsm,
    profile: Profile,
    options: &BuildOptions,
) -> anyhow::Result<RoadNetwork> {
    let bar = bar(1, "building");
    let network =
        RoadNetwork::build_with_options_and_progress(&loaded.osm, profile, options, &mut |p| {
            bar.set_message(match p.stage {
                BuildStage::Ways => "splitting ways",
                BuildStage::Components => "connected parts",
                BuildStage::Index => "snapping index",
            });
            bar.set_length(p.total.max(1));
            bar.set_position(p.done);
        })
        .with_context(|| format!("{}: cannot build the {profile} network", loaded.name))?;
    bar.finish_and_clear();
    eprintln!("{}", network.report);
    Ok(network)
}

/// Gives the router the contraction hierarchy cached in `dir`; when there is none, it is
/// built on the first matrix that needs it and kept there then (at once when `build_now`).
/// A cache that cannot be read or written only costs time: it is said, not fatal.
pub fn use_routing_cache(router: &mut Router, dir: &Path, build_now: bool) {
    let started = Instant::now();
    let found = route_cache::attach(router, dir, |kept| {
        eprintln!(
            "routing hierarchy built in {:.3} s ({} arcs)",
            kept.build_time.as_secs_f64(),
            kept.arcs
        );
        if let Err(e) = kept.written {
            eprintln!(
                "{}: cannot keep the routing hierarchy: {e}",
                kept.path.display()
            );
        }
    });
    match found {
        route_cache::Found::Read => eprintln!(
            "routing hierarchy from {} in {:.3} s",
            dir.display(),
            started.elapsed().as_secs_f64()
        ),
        route_cache::Found::Rejected(why) => eprintln!("{}: {why}; rebuilding it", dir.display()),
        route_cache::Found::Missing => {}
    }
    if build_now {
        router.hierarchy();
    }
}

/// The routing cache of a workspace: `--routing-cache DIR`, else the folder beside it.
/// The router a plan or campaign travels on: the workspace's network for `args`'
/// profile with the township's turn costs, the compounds' gates closed when
/// `gates_closed`, reading (and lazily filling) the routing cache beside the workspace.
pub fn plan_router(
    loaded: &LoadedOsm,
    args: &NetworkArgs,
    ws: &gridpatrol::store::Workspace,
    routing: &gridpatrol::rules::RoutingRules,
    gates_closed: bool,
) -> anyhow::Result<Router> {
    let options = BuildOptions { gates_closed };
    let mut router = Router::with_costs(
        build_network_with(loaded, args.profile, &options)?,
        routing.costs_for(args.profile),
    );
    if let Some(dir) = routing_cache_of(args, ws) {
        use_routing_cache(&mut router, &dir, false);
    }
    Ok(router)
}

/// The night streets of a campaign: the network with the compounds' gates closed, when
/// the township's rules say they close at night.
pub fn night_router(
    loaded: &LoadedOsm,
    args: &NetworkArgs,
    ws: &gridpatrol::store::Workspace,
    routing: &gridpatrol::rules::RoutingRules,
) -> anyhow::Result<Option<Router>> {
    match routing.compounds_closed_at_night {
        true => plan_router(loaded, args, ws, routing, true).map(Some),
        false => Ok(None),
    }
}

pub fn routing_cache_of(args: &NetworkArgs, ws: &gridpatrol::store::Workspace) -> Option<PathBuf> {
    args.routing_cache
        .clone()
        .or_else(|| ws.path().map(route_cache::dir_beside))
}

/// `--osm`/sample → network → router, printing the time to a routable graph.
pub fn load_router(args: &NetworkArgs) -> anyhow::Result<Router> {
    let loaded = load_roads(args.osm.as_deref())?;
    let mut router = Router::new(build_network(&loaded, args.profile)?);
    if let Some(dir) = &args.routing_cache {
        // Asked for by name: build it now, so the next run reads it.
        use_routing_cache(&mut router, dir, true);
    }
    eprintln!(
        "routable in {:.3} s",
        loaded.started.elapsed().as_secs_f64()
    );
    Ok(router)
}

fn bar(len: u64, prefix: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {percent:>3}% {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(prefix);
    bar
}

/// Parses `LON,LAT` (degrees).
pub fn parse_lon_lat(text: &str) -> Result<(f64, f64), String> {
    let (a, b) = text
        .split_once(',')
        .ok_or_else(|| format!("{text:?} is not LON,LAT (two numbers separated by a comma)"))?;
    let number = |s: &str, what: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{what} {s:?} in {text:?} is not a number"))
    };
    let (lon, lat) = (number(a, "longitude")?, number(b, "latitude")?);
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "{text:?} is outside WGS-84 range (LON in -180..180, LAT in -90..90)"
        ));
    }
    Ok((lon, lat))
}

/// Prints a JSON value as one line on stdout; a closed pipe (`| head`) is not a crash.
pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{value}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
