//! Input and output formats: the lead's site lists (CSV, GeoJSON), OpenStreetMap
//! extracts (PBF, XML), GPX for field devices. Formats produce model types; they never
//! route or plan.

pub mod export_geojson;
pub mod gpx;
pub mod osm;
pub mod table;
