//! Every parser of outside bytes behind one door, for the fuzz targets (`fuzz/`) and
//! the test that replays their corpus (`tests/fuzz_replay.rs`): each [`Target`] feeds
//! the bytes to the same reader a command uses and drops the result. A reader may
//! refuse the bytes with an error; it must never panic, abort or hang.

use std::str::FromStr;

use geo::{coord, Rect};

use super::geom::{parse_wkt, LayerGeometry, ReadOptions};
use crate::crs::Crs;
use crate::model::{Cell, Extent, Institution, Wgs84, Wgs84Point, Wgs84Polygon};

/// One parser of outside bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A site list (institutions) as CSV.
    CsvSites,
    /// Grid cells as CSV with a WKT `geometry` column.
    CsvCells,
    /// Institutions and cells as GeoJSON.
    Geojson,
    /// One WKT geometry, checked as a point and as a polygon.
    Wkt,
    /// An OpenStreetMap XML extract.
    OsmXml,
    /// An OpenStreetMap PBF extract.
    OsmPbf,
    /// A GPX track.
    Gpx,
    /// A completed route as GeoJSON lines (`record-track`).
    TrackGeojson,
    /// The township manifest (`township.json`).
    Manifest,
}

impl Target {
    /// Every target, in the order the fuzz script runs them.
    pub const ALL: [Target; 9] = [
        Target::CsvSites,
        Target::CsvCells,
        Target::Geojson,
        Target::Wkt,
        Target::OsmXml,
        Target::OsmPbf,
        Target::Gpx,
        Target::TrackGeojson,
        Target::Manifest,
    ];

    /// The target's name: its fuzz target and its corpus folder.
    pub fn name(self) -> &'static str {
        match self {
            Target::CsvSites => "csv_sites",
            Target::CsvCells => "csv_cells",
            Target::Geojson => "geojson",
            Target::Wkt => "wkt",
            Target::OsmXml => "osm_xml",
            Target::OsmPbf => "osm_pbf",
            Target::Gpx => "gpx",
            Target::TrackGeojson => "track_geojson",
            Target::Manifest => "manifest",
        }
    }

    /// Feeds `bytes` to the target's reader; `true` when it accepted them.
    pub fn read(self, bytes: &[u8]) -> bool {
        let opts = options(bytes);
        match self {
            Target::CsvSites => super::csv::read::<Institution>(bytes, "fuzz.csv", &opts).is_ok(),
            Target::CsvCells => super::csv::read::<Cell>(bytes, "fuzz.csv", &opts).is_ok(),
            Target::Geojson => {
                let sites = super::geojson::read::<Institution>(bytes, "fuzz.geojson", &opts);
                let cells = super::geojson::read::<Cell>(bytes, "fuzz.geojson", &opts);
                sites.is_ok() || cells.is_ok()
            }
            Target::Wkt => {
                let Ok(text) = std::str::from_utf8(bytes) else {
                    return false;
                };
                parse_wkt(text).is_ok_and(|raw| {
                    let point = Wgs84Point::from_raw(raw.clone(), &opts).is_ok();
                    Wgs84Polygon::from_raw(raw, &opts).is_ok() || point
                })
            }
            Target::OsmXml => super::osm::xml::read(bytes, "fuzz.osm", &mut |_| {}).is_ok(),
            Target::OsmPbf => super::osm::pbf::read(bytes, "fuzz.osm.pbf", &mut |_| {}).is_ok(),
            Target::Gpx => super::track::read_track_file(bytes, "fuzz.gpx", opts.extent).is_ok(),
            Target::TrackGeojson => {
                super::track::read_track_file(bytes, "fuzz.geojson", opts.extent).is_ok()
            }
            Target::Manifest => super::township::Manifest::parse(bytes, "township.json").is_ok(),
        }
    }
}

impl FromStr for Target {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, String> {
        Target::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| format!("no fuzz target {name:?}"))
    }
}

/// The sample township's extent, with the coordinate system picked by the input's
/// length so that every system's conversion is exercised.
fn options(bytes: &[u8]) -> ReadOptions {
    let extent: Extent = Wgs84(Rect::new(
        coord! { x: 116.348, y: 39.9545 },
        coord! { x: 116.365, y: 39.9665 },
    ));
    let crs = [Crs::Wgs84, Crs::Gcj02, Crs::Bd09][bytes.len() % 3];
    ReadOptions {
        crs,
        extent: Some(extent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_sample_files_are_accepted() {
        for t in Target::ALL {
            assert_eq!(t.name().parse::<Target>(), Ok(t));
        }
        assert!(Target::Manifest.read(&crate::sample::file("township.json").unwrap()));
        assert!(!Target::Manifest.read(b"{}"));
        assert!(
            !Target::OsmPbf.read(&super::super::osm::pbf::crafted::relation_with_member_type(
                9
            ))
        );
        assert!(
            Target::OsmPbf.read(&super::super::osm::pbf::crafted::relation_with_member_type(
                1
            ))
        );
    }
}
