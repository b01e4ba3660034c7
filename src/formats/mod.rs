//! Input and output formats: the lead's site lists (CSV, GeoJSON), OpenStreetMap
//! extracts (PBF, XML), GPX for field devices, vector tiles (MVT) for the map. Formats
//! produce model types; they never route or plan.
//!
//! Site lists: [`csv`] and [`geojson`] read every model layer (through the shared field
//! definitions in [`layers`] and the checks in [`geom`]), [`text`] detects UTF-8 / GBK,
//! and [`error`] says what is wrong where. [`geojson`] also writes every layer.
//! [`geojson_stream`] reads and writes big FeatureCollections one feature at a time;
//! [`matrix_json`] and [`matrix_bin`] write travel matrices (text, or compact binary).

pub mod csv;
pub mod error;
pub mod fields;
pub mod geojson;
pub mod geojson_stream;
pub mod geom;
pub mod gpx;
pub mod guard;
pub mod layers;
pub mod leadlist;
pub mod matrix_bin;
pub mod matrix_json;
pub mod mvt;
pub mod osm;
pub mod spreadsheet;
pub mod table;
pub mod text;
pub mod time;
pub mod township;
pub mod track;
pub mod untrusted;

pub use error::{FieldProblem, FormatError, Place, Position};
pub use geom::ReadOptions;
pub use layers::{ReadItem, SiteLayer};
