//! Where a new workspace's township and streets come from: the bundled sample or the
//! lead's folder (read by `gridpatrol::formats`), and the walk network's streets.

use std::path::Path;

use anyhow::Context as _;
use anyhow::Result;
use gridpatrol::model::Township;

/// The bundled sample township.
pub fn sample_township() -> Result<Township> {
    Ok(gridpatrol::formats::township::load_sample()?)
}

/// A township from the lead's folder holding a `township.json` manifest.
pub fn township_from_dir(dir: &Path) -> Result<Township> {
    Ok(gridpatrol::formats::township::load_dir(dir)?)
}

/// The lead's `calendar.toml` beside the manifest, if the folder has one (next year's
/// holidays, in the format of data/calendar/cn-holidays.toml).
pub fn calendar_file(dir: Option<&Path>) -> Result<Option<gridpatrol::store::CalendarFile>> {
    let Some(path) = dir.map(|d| d.join("calendar.toml")).filter(|p| p.exists()) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let origin = path.display().to_string();
    Ok(Some(gridpatrol::store::CalendarFile { origin, text }))
}

/// The township's time zone: the manifest's `time_zone` in the lead's folder, or
/// Asia/Shanghai (the bundled sample's).
pub fn time_zone(dir: Option<&Path>) -> Result<gridpatrol::formats::time::Zone> {
    match dir {
        None => Ok(gridpatrol::formats::time::Zone::default()),
        Some(dir) => {
            let manifest = gridpatrol::formats::township::read_manifest(dir)?;
            manifest.zone().map_err(anyhow::Error::msg)
        }
    }
}

/// Street polylines (name, WGS-84 points) of the walk network: built from the bundled
/// extract, or from the `.osm.pbf`/`.osm` file in the lead's folder (or its `osm/`).
/// Each two-way street is listed once.
pub fn street_lines(
    _township: &Township,
    dir: Option<&Path>,
) -> Result<Vec<gridpatrol::store::StreetLine>> {
    let osm_path = match dir {
        None => None,
        Some(dir) => match township_extract(dir)? {
            Some(p) => Some(p),
            None => {
                eprintln!(
                    "note: no .osm.pbf or .osm file in {}; street coverage will be empty",
                    dir.display()
                );
                return Ok(Vec::new());
            }
        },
    };
    let loaded = crate::context::load_osm(osm_path.as_deref())?;
    let network = crate::context::build_network(&loaded, gridpatrol::network::Profile::Walk)?;
    Ok(network_lines(&network.graph))
}

/// The township folder's extract: the manifest's `osm`, else the `.osm.pbf`/`.osm` file
/// in the folder (or its `osm/`).
pub fn township_extract(dir: &Path) -> Result<Option<std::path::PathBuf>> {
    let manifest = gridpatrol::formats::township::read_manifest(dir)?;
    Ok(manifest.osm.map(|f| dir.join(f)).or_else(|| find_osm(dir)))
}

fn find_osm(dir: &Path) -> Option<std::path::PathBuf> {
    for d in [dir.to_path_buf(), dir.join("osm")] {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        let pick = |suffix: &str| {
            files
                .iter()
                .find(|p| p.to_string_lossy().ends_with(suffix))
                .cloned()
        };
        if let Some(p) = pick(".osm.pbf").or_else(|| pick(".osm")) {
            return Some(p);
        }
    }
    None
}

/// The graph's edges as polylines, one per street piece (twins skipped).
pub fn network_lines(graph: &gridpatrol::network::RoadGraph) -> Vec<gridpatrol::store::StreetLine> {
    use petgraph::visit::EdgeRef;
    graph
        .edge_references()
        .filter(|e| e.weight().twin.is_none_or(|t| t.index() > e.id().index()))
        .map(|e| {
            let w = e.weight();
            (
                w.name.clone(),
                w.geometry
                    .0
                     .0
                    .iter()
                    .map(|c| gridpatrol::model::bounds::LonLat::new(c.x, c.y))
                    .collect(),
            )
        })
        .collect()
}

/// Reads one layer of a CSV or GeoJSON file (by extension): every item with the fields
/// its row gave and its unknown columns; all of it, or an error naming every bad line or
/// feature (a coordinate outside `extent`, the workspace's township, is one).
pub fn read_layer_items<T: gridpatrol::formats::SiteLayer>(
    bytes: &[u8],
    name: &str,
    crs: gridpatrol::Crs,
    extent: Option<gridpatrol::model::Extent>,
) -> Result<Vec<gridpatrol::formats::ReadItem<T>>> {
    let opts = gridpatrol::formats::ReadOptions { crs, extent };
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        Ok(gridpatrol::formats::csv::read_items(bytes, name, &opts)?)
    } else if gridpatrol::formats::spreadsheet::is_workbook(&lower) {
        Ok(gridpatrol::formats::spreadsheet::read_items(
            bytes, name, &opts,
        )?)
    } else if lower.ends_with(".geojson") || lower.ends_with(".json") {
        Ok(gridpatrol::formats::geojson::read_items(
            bytes, name, &opts,
        )?)
    } else {
        anyhow::bail!("{name}: give a .csv, .geojson, .xlsx, .xls or .ods file")
    }
}
