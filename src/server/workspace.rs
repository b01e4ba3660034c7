//! What the server serves from: the township, its base map, and the live records.
//!
//! The server reads through this one type, so wiring in another library capability
//! (the SQLite store, the planner) changes this file and its route, nothing else.

use std::sync::RwLock;

use crate::model::Township;

/// The township the server serves, with its base map already turned into GeoJSON.
pub struct ServerData {
    township: Township,
    /// Streets, buildings and water (GeoJSON FeatureCollection), serialised once.
    base_geojson: Vec<u8>,
    bounds: [f64; 4],
    #[allow(dead_code)]
    pub(crate) live: RwLock<Live>,
}

/// Records made while the server runs.
#[derive(Default)]
pub(crate) struct Live {}

impl ServerData {
    /// A workspace over `township`, with `base_geojson` as its base map.
    pub fn new(township: Township, base_geojson: Vec<u8>, base_bounds: Option<[f64; 4]>) -> Self {
        let bounds = base_bounds
            .or_else(|| township_bounds(&township))
            .unwrap_or([116.34, 39.95, 116.37, 39.97]);
        Self {
            township,
            base_geojson,
            bounds,
            live: RwLock::new(Live::default()),
        }
    }
    /// The township's name.
    pub fn township_name(&self) -> &str {
        &self.township.name
    }
    /// The township's data.
    pub fn township(&self) -> &Township {
        &self.township
    }
    /// `[west, south, east, north]` in WGS-84 degrees.
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }
    /// The base map (streets, buildings, water) as GeoJSON bytes.
    pub fn base_geojson(&self) -> &[u8] {
        &self.base_geojson
    }
}

/// The extent of everything in the township, if it holds anything.
fn township_bounds(t: &Township) -> Option<[f64; 4]> {
    use geo::BoundingRect;
    let mut b: Option<[f64; 4]> = None;
    let mut add = |x: f64, y: f64| {
        let e = b.get_or_insert([x, y, x, y]);
        e[0] = e[0].min(x);
        e[1] = e[1].min(y);
        e[2] = e[2].max(x);
        e[3] = e[3].max(y);
    };
    for i in &t.institutions {
        add(i.location.lon(), i.location.lat());
    }
    for c in &t.cells {
        if let Some(r) = c.area.0.bounding_rect() {
            add(r.min().x, r.min().y);
            add(r.max().x, r.max().y);
        }
    }
    b
}
