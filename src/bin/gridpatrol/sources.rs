//! Where a new workspace's township and streets come from: the bundled sample or the
//! lead's folder (read by `gridpatrol::formats`), and the walk network's streets.

use std::path::Path;

use anyhow::Result;
use gridpatrol::model::Township;

/// The bundled sample township.
pub fn sample_township() -> Result<Township> {
    anyhow::bail!("the bundled sample township is not available in this build")
}

/// A township from the lead's folder holding a `township.json` manifest.
pub fn township_from_dir(dir: &Path) -> Result<Township> {
    anyhow::bail!("reading {} is not available in this build", dir.display())
}

/// Street polylines (name, WGS-84 points) of the walk network around `township`.
pub fn street_lines(
    _township: &Township,
    _dir: Option<&Path>,
) -> Result<Vec<gridpatrol::store::StreetLine>> {
    Ok(Vec::new())
}

/// Reads one layer of a CSV or GeoJSON file (by extension) into model values.
pub fn read_layer<T>(_bytes: &[u8], name: &str, _crs: gridpatrol::Crs) -> Result<Vec<T>> {
    anyhow::bail!("reading {name} is not available in this build")
}
