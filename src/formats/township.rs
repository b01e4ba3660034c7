//! The township manifest (`township.json`): the township's name and extent, its
//! OpenStreetMap extract, and each site-list layer with its file, format and declared
//! coordinate system. Loading reads every layer, checks it against the extent and
//! returns the whole township or every error found (nothing half-loaded).
//!
//! ```json
//! {
//!   "name": "北邮周边示例街道",
//!   "extent": [116.348, 39.9545, 116.365, 39.9665],
//!   "osm": "osm/haidian-bupt.osm.pbf",
//!   "layers": {
//!     "institutions": { "file": "institutions.csv", "format": "csv", "crs": "wgs84" },
//!     "cells": { "file": "cells.geojson", "crs": "gcj02" }
//!   }
//! }
//! ```
//! `format` may be left out when the file ends in `.csv`, `.geojson` or `.json`;
//! `crs` is required: every input says which system its coordinates are in.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use geo::{coord, Rect};
use serde::{Deserialize, Serialize};

use super::error::{json_syntax, Errors, FormatError, Place};
use super::geom::ReadOptions;
use super::layers::SiteLayer;
use crate::crs::Crs;
use crate::model::{Extent, Township, Wgs84};

/// The manifest's file name inside a township folder.
pub const MANIFEST_FILE: &str = "township.json";

/// A parsed `township.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The township's name (镇 / 街道).
    pub name: String,
    /// `[min_lon, min_lat, max_lon, max_lat]` in WGS-84; every site must fall inside.
    pub extent: [f64; 4],
    /// The OpenStreetMap extract (`.osm.pbf` or `.osm`), relative to the manifest.
    #[serde(default)]
    pub osm: Option<String>,
    /// The site-list layers.
    #[serde(default)]
    pub layers: Layers,
    /// The township's rules, when not in `rules.toml` (read by [`crate::rules`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<serde_json::Value>,
    /// The township's time zone (default Asia/Shanghai): device times with an offset
    /// are converted to it. See [`Zone::parse`](super::time::Zone::parse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// Each layer's file, all optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layers {
    /// The tutoring institutions (培训机构) list.
    pub institutions: Option<LayerFile>,
    /// The schools list (a school near a hotspot raises its score).
    pub schools: Option<LayerFile>,
    /// The grid cells (网格) with their officers.
    pub cells: Option<LayerFile>,
    /// The known hotspots (重点区域).
    pub hotspots: Option<LayerFile>,
    /// The depots teams start from and return to.
    pub depots: Option<LayerFile>,
}

/// One layer's file, relative to the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerFile {
    /// The file's path, relative to the manifest.
    pub file: String,
    /// CSV or GeoJSON; guessed from the file name when left out.
    #[serde(default)]
    pub format: Option<LayerFormat>,
    /// The coordinate system the file's coordinates are in (required, never guessed).
    pub crs: Crs,
}

/// A site list's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerFormat {
    /// Comma-separated values with a header row (UTF-8 or GBK).
    Csv,
    /// A GeoJSON FeatureCollection.
    Geojson,
}

impl LayerFile {
    /// The declared format, or the one the file name's ending gives.
    pub fn format(&self) -> Option<LayerFormat> {
        self.format.or_else(|| {
            let lower = self.file.to_ascii_lowercase();
            if lower.ends_with(".csv") {
                Some(LayerFormat::Csv)
            } else if lower.ends_with(".geojson") || lower.ends_with(".json") {
                Some(LayerFormat::Geojson)
            } else {
                None
            }
        })
    }
}

impl Manifest {
    /// Parses and checks a manifest (`source` names it in errors).
    pub fn parse(bytes: &[u8], source: &str) -> Result<Self, FormatError> {
        let syntax = |problem: String| FormatError::Syntax {
            place: Place::file(source),
            problem,
        };
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| json_syntax(source, &e, "a valid township manifest"))?;
        let [x0, y0, x1, y1] = m.extent;
        let ok = [x0, y0, x1, y1].iter().all(|v| v.is_finite())
            && x0 < x1
            && y0 < y1
            && (-180.0..=180.0).contains(&x0)
            && (-180.0..=180.0).contains(&x1)
            && (-90.0..=90.0).contains(&y0)
            && (-90.0..=90.0).contains(&y1);
        if !ok {
            return Err(syntax(format!(
                "extent {:?} must be [min_lon, min_lat, max_lon, max_lat] with min < max",
                m.extent
            )));
        }
        if m.name.trim().is_empty() {
            return Err(syntax("\"name\" is empty".into()));
        }
        m.zone()
            .map_err(|e| syntax(format!("\"time_zone\": {e}")))?;
        Ok(m)
    }

    /// The township's time zone: `time_zone`, or Asia/Shanghai.
    pub fn zone(&self) -> Result<super::time::Zone, String> {
        match &self.time_zone {
            Some(name) => super::time::Zone::parse(name),
            None => Ok(super::time::Zone::default()),
        }
    }

    /// The extent as a WGS-84 rectangle.
    pub fn extent(&self) -> Extent {
        let [x0, y0, x1, y1] = self.extent;
        Wgs84(Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 }))
    }
}

/// Loads the township described by `dir/township.json`.
pub fn load_dir(dir: &Path) -> Result<Township, FormatError> {
    let read = |name: &str| -> Result<Cow<'static, [u8]>, FormatError> {
        let path: PathBuf = dir.join(name);
        std::fs::read(&path)
            .map(Cow::Owned)
            .map_err(|e| FormatError::Io {
                source_name: path.display().to_string(),
                message: e.to_string(),
            })
    };
    let manifest = Manifest::parse(
        &read(MANIFEST_FILE)?,
        &dir.join(MANIFEST_FILE).display().to_string(),
    )?;
    load_layers(&manifest, read)
}

/// Reads `dir/township.json` alone (to find the OSM extract, say).
pub fn read_manifest(dir: &Path) -> Result<Manifest, FormatError> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = std::fs::read(&path).map_err(|e| FormatError::Io {
        source_name: path.display().to_string(),
        message: e.to_string(),
    })?;
    Manifest::parse(&bytes, &path.display().to_string())
}

/// The bundled sample's manifest.
pub fn sample_manifest() -> Result<Manifest, FormatError> {
    Manifest::parse(
        &sample_file(crate::sample::MANIFEST)?,
        crate::sample::MANIFEST,
    )
}

fn sample_file(name: &str) -> Result<Cow<'static, [u8]>, FormatError> {
    crate::sample::file(name).ok_or_else(|| FormatError::Io {
        source_name: name.to_string(),
        message: "not in the bundled sample".into(),
    })
}

/// Loads the bundled sample township (embedded in the binary; no files needed).
///
/// ```
/// let t = gridpatrol::formats::township::load_sample().unwrap();
/// assert!(t.institutions.len() >= 100 && t.extent.is_some());
/// ```
pub fn load_sample() -> Result<Township, FormatError> {
    load_layers(&sample_manifest()?, sample_file)
}

/// Reads every layer the manifest lists; all of them, or every error of every layer.
fn load_layers(
    manifest: &Manifest,
    read: impl Fn(&str) -> Result<Cow<'static, [u8]>, FormatError>,
) -> Result<Township, FormatError> {
    let extent = manifest.extent();
    let mut errors = Errors::default();
    let mut township = Township {
        name: manifest.name.clone(),
        extent: Some(extent),
        ..Township::default()
    };
    let layers = &manifest.layers;
    let mut load = |file: &Option<LayerFile>| -> Option<LoadedLayer> {
        let file = file.as_ref()?;
        let result = read(&file.file).map(|bytes| (bytes, file.format()));
        match result {
            Ok((bytes, Some(format))) => Some(LoadedLayer {
                bytes,
                format,
                file: file.clone(),
            }),
            Ok((_, None)) => {
                errors.push(FormatError::Syntax {
                    place: Place::file(&file.file),
                    problem: "unknown format: give \"format\": \"csv\" or \"geojson\"".into(),
                });
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        }
    };
    let files = [
        load(&layers.institutions),
        load(&layers.schools),
        load(&layers.cells),
        load(&layers.hotspots),
        load(&layers.depots),
    ];
    let [institutions, schools, cells, hotspots, depots] = files;
    township.institutions = read_layer(institutions, extent, &mut errors);
    township.schools = read_layer(schools, extent, &mut errors);
    township.cells = read_layer(cells, extent, &mut errors);
    township.hotspots = read_layer(hotspots, extent, &mut errors);
    township.depots = read_layer(depots, extent, &mut errors);
    errors.finish(township)
}

struct LoadedLayer {
    bytes: Cow<'static, [u8]>,
    format: LayerFormat,
    file: LayerFile,
}

fn read_layer<T: SiteLayer>(
    layer: Option<LoadedLayer>,
    extent: Extent,
    errors: &mut Errors,
) -> Vec<T> {
    let Some(layer) = layer else {
        return Vec::new();
    };
    let opts = ReadOptions {
        crs: layer.file.crs,
        extent: Some(extent),
    };
    let result = match layer.format {
        LayerFormat::Csv => super::csv::read(&layer.bytes, &layer.file.file, &opts),
        LayerFormat::Geojson => super::geojson::read(&layer.bytes, &layer.file.file, &opts),
    };
    result.unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_parses_and_infers_formats() {
        let m = Manifest::parse(
            br#"{"name":"x","extent":[116.3,39.9,116.4,40.0],"layers":{"cells":{"file":"c.geojson","crs":"gcj02"}}}"#,
            "t.json",
        )
        .unwrap();
        let cells = m.layers.cells.unwrap();
        assert_eq!(
            (cells.format(), cells.crs),
            (Some(LayerFormat::Geojson), Crs::Gcj02)
        );
        assert!(m.osm.is_none());
    }

    #[test]
    fn manifest_errors() {
        let bad_extent = br#"{"name":"x","extent":[116.4,39.9,116.3,40.0]}"#;
        let e = Manifest::parse(bad_extent, "t.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.json: extent"), "{e}");
        let no_crs = br#"{"name":"x","extent":[116.3,39.9,116.4,40.0],"layers":{"cells":{"file":"c.geojson"}}}"#;
        let e = Manifest::parse(no_crs, "t.json").unwrap_err().to_string();
        assert!(e.contains("missing field `crs`"), "{e}");
        let typo = br#"{"name":"x","extent":[116.3,39.9,116.4,40.0],"layers":{"cell":{"file":"c","crs":"wgs84"}}}"#;
        let e = Manifest::parse(typo, "t.json").unwrap_err().to_string();
        assert!(e.contains("unknown field `cell`"), "{e}");
    }

    #[test]
    fn every_layer_error_is_reported_and_nothing_loads() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = r#"{"name":"x","extent":[116.348,39.954,116.365,39.967],"layers":{
            "institutions":{"file":"i.csv","crs":"wgs84"},
            "schools":{"file":"missing.geojson","crs":"wgs84"},
            "depots":{"file":"d.txt","crs":"wgs84"}}}"#;
        std::fs::write(dir.path().join(MANIFEST_FILE), manifest).unwrap();
        std::fs::write(
            dir.path().join("i.csv"),
            "id,name,kind,licence,lon,lat\nI1,a,training,licensed,116.5,39.96\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("d.txt"), "").unwrap();
        let e = load_dir(dir.path()).unwrap_err();
        let m: Vec<String> = e.errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(m[0].contains("missing.geojson: cannot read"), "{}", m[0]);
        assert_eq!(
            m[1],
            "d.txt: unknown format: give \"format\": \"csv\" or \"geojson\""
        );
        assert!(
            m[2].starts_with("i.csv line 2, field \"lon/lat\": (116.5, 39.96) is outside"),
            "{}",
            m[2]
        );
    }
}
