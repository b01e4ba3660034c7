//! `gridpatrol sweep`: the 拉网式 walking route that covers every street of a cell.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use gridpatrol::model::{Cell, Township};
use gridpatrol::network::Profile;
use gridpatrol::sweep::graph::{ClipOptions, SweepGraph};
use gridpatrol::sweep::{plan_cell, SweepError, SweepOptions, SweepPlan};
use gridpatrol::Wgs84Point;
use serde_json::Value;

use crate::context;

/// Flags of `gridpatrol sweep`.
#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// List the cells (id, name, officer, street metres) and stop.
    #[arg(long)]
    list_cells: bool,
    /// The cell to sweep.
    #[arg(long, value_name = "ID")]
    cell: Option<String>,
    /// Where shifts start and end (default: the township's first depot).
    #[arg(long, value_name = "LON,LAT", value_parser = context::parse_lon_lat)]
    start: Option<(f64, f64)>,
    /// Longest shift, in minutes of walking.
    #[arg(long, default_value_t = 180.0, value_name = "M")]
    shift_minutes: f64,
    /// Walking speed.
    #[arg(long, default_value_t = 4.5, value_name = "KMH")]
    speed_kmh: f64,
    /// Print the plan as JSON instead of a summary.
    #[arg(long)]
    json: bool,
    /// Also write the route as a GeoJSON FeatureCollection (one line per shift).
    #[arg(long, value_name = "FILE")]
    geojson: Option<PathBuf>,
    /// OpenStreetMap extract (.osm or .osm.pbf); default: the one the workspace was made
    /// from, else the bundled sample.
    #[arg(long, value_name = "FILE")]
    osm: Option<PathBuf>,
    /// Sweep the cells of this workspace (default: the bundled sample township's).
    #[arg(long, value_name = "FILE")]
    workspace: Option<PathBuf>,
}

/// The township whose cells are swept, and the extract its streets come from.
fn township_and_extract(args: &SweepArgs) -> anyhow::Result<(Township, Option<PathBuf>)> {
    let Some(path) = &args.workspace else {
        let township = gridpatrol::formats::township::load_sample()
            .context("cannot load the bundled sample township")?;
        return Ok((township, args.osm.clone()));
    };
    let ws = gridpatrol::store::Workspace::open_existing(path)
        .with_context(|| format!("cannot open the workspace {}", path.display()))?;
    let township = ws
        .township()
        .with_context(|| format!("cannot read the township of {}", path.display()))?;
    let extract = context::extract_of(args.osm.as_deref(), &ws)?;
    Ok((township, extract))
}

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    if !(args.shift_minutes.is_finite() && args.shift_minutes > 0.0) {
        bail!(
            "--shift-minutes must be a positive number, not {}",
            args.shift_minutes
        );
    }
    if !(args.speed_kmh.is_finite() && args.speed_kmh > 0.0) {
        bail!(
            "--speed-kmh must be a positive number, not {}",
            args.speed_kmh
        );
    }
    if !args.list_cells && args.cell.is_none() {
        bail!("say which cell: --cell ID (see `gridpatrol sweep --list-cells`)");
    }
    let (township, extract) = township_and_extract(&args)?;
    if township.cells.is_empty() {
        bail!("the township has no grid cells");
    }
    // Check the cell before the (slower) network build.
    let cell = match &args.cell {
        Some(id) if !args.list_cells => Some(find_cell(&township, id)?),
        _ => None,
    };
    let loaded = context::load_roads(extract.as_deref())?;
    let network = context::build_network(&loaded, Profile::Walk)?;
    let Some(cell) = cell else {
        return list_cells(&township, &network.graph);
    };
    let start = args
        .start
        .map(|(lon, lat)| Wgs84Point::new(lon, lat))
        .or_else(|| township.depots.first().map(|d| d.location));
    let options = SweepOptions {
        shift_minutes: args.shift_minutes,
        speed_kmh: args.speed_kmh,
        ..SweepOptions::default()
    };
    let (graph, plan) = match plan_cell(&network.graph, cell, start, &options) {
        Ok(r) => r,
        Err(SweepError::NoStreets) => bail!(
            "cell {} ({}) has no streets to sweep: no walkable way of the map lies inside it",
            cell.id,
            cell.name
        ),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot plan the sweep of cell {}", cell.id))
        }
    };
    if let Some(path) = &args.geojson {
        write_atomic(path, &plan.to_geojson(cell))?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        out!(
            "{}",
            serde_json::to_string_pretty(&plan.to_json(cell, &graph))?
        );
    } else {
        print_summary(cell, &plan, &options)?;
    }
    Ok(())
}

fn find_cell<'a>(township: &'a Township, id: &str) -> anyhow::Result<&'a Cell> {
    if let Some(c) = township.cells.iter().find(|c| c.id == id) {
        return Ok(c);
    }
    let some: Vec<&str> = township
        .cells
        .iter()
        .take(8)
        .map(|c| c.id.as_str())
        .collect();
    let more = if township.cells.len() > some.len() {
        ", …"
    } else {
        ""
    };
    bail!(
        "unknown cell {id:?}; valid cells are {}{more} (all of them: gridpatrol sweep --list-cells)",
        some.join(", ")
    )
}

fn list_cells(township: &Township, road: &gridpatrol::network::RoadGraph) -> anyhow::Result<()> {
    let clip = ClipOptions {
        margin_m: 0.0,
        include: None,
    };
    let mut out = std::io::stdout().lock();
    for cell in &township.cells {
        let street_m = SweepGraph::from_road(road, &cell.area.0, &clip).required_m();
        writeln!(
            out,
            "{}\t{}\t{}\t{:.0}",
            cell.id,
            cell.name,
            cell.officer.as_deref().unwrap_or("-"),
            street_m + 0.0 // an empty sum is -0.0
        )?;
    }
    Ok(())
}

fn km(m: f64) -> String {
    format!("{:.2} km", m / 1000.0)
}

fn print_summary(cell: &Cell, plan: &SweepPlan, options: &SweepOptions) -> anyhow::Result<()> {
    out!(
        "cell {} {} (officer {}): {} of street to sweep",
        cell.id,
        cell.name,
        cell.officer.as_deref().unwrap_or("-"),
        km(plan.required_m)
    );
    out!(
        "route {} in {} shift(s) of at most {:.0} min at {} km/h; deadheading {}; ratio total/required {:.3} (1.0 is the lower bound)",
        km(plan.total_m),
        plan.shifts.len(),
        options.shift_minutes,
        options.speed_kmh,
        km(plan.deadhead_m),
        plan.ratio()
    );
    out!(
        "start {:.6},{:.6} (snapped {:.0} m to the nearest street node)",
        plan.start.lon(),
        plan.start.lat(),
        plan.start_snap_m
    );
    if plan.unreachable_m > 0.0 {
        out!(
            "warning: {} of street in the cell cannot be reached on foot from the rest and is left out",
            km(plan.unreachable_m)
        );
    }
    for (i, s) in plan.shifts.iter().enumerate() {
        let minutes = (s.duration_s / 60.0).round() as u64;
        out!(
            "shift {}: {} ({} swept), {} h {:02} min",
            i + 1,
            km(s.length_m),
            km(s.swept_m),
            minutes / 60,
            minutes % 60
        );
        let names: Vec<&str> = s
            .streets
            .iter()
            .map(|r| r.name.as_deref().unwrap_or("(unnamed)"))
            .collect();
        let mut order: Vec<&str> = Vec::new();
        for n in names {
            if order.last() != Some(&n) {
                order.push(n);
            }
        }
        out!("  {}", order.join(" → "));
    }
    Ok(())
}

/// Writes beside the target and renames, so a failed write leaves no half file.
fn write_atomic(path: &Path, value: &Value) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    serde_json::to_writer(&mut tmp, value)?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
