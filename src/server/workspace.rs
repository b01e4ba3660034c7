//! What the server serves from: the SQLite workspace (sites, cells, inspections,
//! draws, users), plus the base map drawn once from the OSM extract.
//!
//! Handlers call these methods from `spawn_blocking`; the workspace connection sits
//! behind a mutex (SQLite writes are serial anyway, reads are sub-millisecond).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{Local, NaiveDate};
use serde_json::{json, Value};

use super::error::ApiError;
use crate::coverage::coverage::{coverage_from_store, CellCoverage};
use crate::coverage::CellLocator;
use crate::model::Township;
use crate::store::{StoreError, Workspace};

/// The workspace the server serves, with its base map already turned into GeoJSON.
pub struct ServerData {
    store: Mutex<Workspace>,
    name: String,
    /// Streets, buildings and water (GeoJSON FeatureCollection), serialised once.
    base_geojson: Vec<u8>,
    bounds: [f64; 4],
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownSite(id) => ApiError::not_found(format!("no site `{id}`")),
            StoreError::Invalid { field, problem } => {
                ApiError::bad_request(format!("{field}: {problem}"))
            }
            other => ApiError::internal(other),
        }
    }
}

impl ServerData {
    /// A server over `store`, with `base_geojson` as its base map.
    pub fn new(
        store: Workspace,
        name: String,
        base_geojson: Vec<u8>,
        base_bounds: Option<[f64; 4]>,
    ) -> Result<Self, StoreError> {
        let bounds = base_bounds
            .or_else(|| store.township().ok().as_ref().and_then(township_bounds))
            .unwrap_or([116.34, 39.95, 116.37, 39.97]);
        Ok(Self {
            store: Mutex::new(store),
            name,
            base_geojson,
            bounds,
        })
    }
    /// The township's name.
    pub fn township_name(&self) -> &str {
        &self.name
    }
    /// `[west, south, east, north]` in WGS-84 degrees.
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }
    /// The base map (streets, buildings, water) as GeoJSON bytes.
    pub fn base_geojson(&self) -> &[u8] {
        &self.base_geojson
    }
    /// The workspace, locked.
    pub fn store(&self) -> Result<MutexGuard<'_, Workspace>, ApiError> {
        self.store
            .lock()
            .map_err(|_| ApiError::internal("workspace lock poisoned"))
    }
}

/// The last 30 days up to today: the window the map colours cells by.
pub fn default_window() -> (NaiveDate, NaiveDate) {
    let to = Local::now().date_naive();
    (to - chrono::Duration::days(29), to)
}

/// Coverage rows as the page reads them (the store's figures, renamed for the table).
pub fn coverage_rows(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Value>, ApiError> {
    Ok(coverage_from_store(ws, from, to)?
        .iter()
        .map(coverage_row)
        .collect())
}

fn coverage_row(c: &CellCoverage) -> Value {
    json!({
        "cell_id": c.cell_id, "name": c.cell_name, "officer": c.officer,
        "sites": c.sites_total, "sites_inspected": c.sites_inspected,
        "sites_overdue": c.sites_overdue,
        "coverage": if c.sites_total > 0 { Some(c.sites_inspected as f64 / c.sites_total as f64) } else { None },
        "street_coverage": if c.street_m > 0.0 { Some(c.swept_pct / 100.0) } else { None },
        "hotspots": c.hotspots_total, "hotspots_checked_night": c.hotspots_checked_night,
        "last_activity": c.last_activity.map(|t| t.to_string()),
    })
}

/// Which cell each site lies in, by site id.
pub fn site_cells(ws: &Workspace) -> Result<HashMap<String, String>, ApiError> {
    let cells = ws.cells()?;
    let polys: Vec<_> = cells.iter().map(|c| c.area.clone()).collect();
    let loc = CellLocator::new(&polys);
    Ok(ws
        .institutions()?
        .iter()
        .filter_map(|s| {
            loc.locate(s.location.lon(), s.location.lat())
                .map(|i| (s.id.clone(), cells[i].id.clone()))
        })
        .collect())
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
