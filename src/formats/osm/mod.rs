//! OpenStreetMap extracts: `.osm.pbf` and `.osm` XML.
