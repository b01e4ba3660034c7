//! gridpatrol: inspection planning for township (镇/街道) leads under the "双减" policy.
//!
//! Data flows one way, and the module tree shows it: files are read into the model, the
//! road network is built from OpenStreetMap, routes are planned on it, and the store keeps
//! the township's workspace; the server and the CLI are thin shells on top. The modules
//! stand on steps, lowest first; a module uses only modules on lower steps, never one
//! above or beside it (`tests/layers.rs` reads every `crate::` path and holds this list
//! to it):
//!
//! 1. [`units`], [`sample`], [`hash_chain`]: units of measure, the bundled sample's
//!    bytes, the 双随机 draw log's chaining rule
//! 2. [`crs`], [`calendar`]: WGS-84 ⇄ GCJ-02 ⇄ BD-09; working days, holidays and
//!    调休, opening hours by weekday, duty rosters
//! 3. [`model`]: plain data (sites with their opening hours, cells, hotspots, depots)
//! 4. [`formats`]: files in and out (GeoJSON, CSV, OSM, GPX, tables, vector tiles)
//! 5. [`rules`]: the township's rules (shift windows, visit times, overdue days,
//!    follow-up periods, hotspot scoring, snapping limits, checklists), one typed struct
//! 6. [`network`], [`plan`], [`tiles`]: the road graph per travel profile; the generic
//!    VRPTW solver; the site layer cut into bubbles and tiles
//! 7. [`routing`], [`sweep`], [`spatial`]: shortest paths and matrices; 拉网式 street
//!    sweeps; cell lookup, track matching and local frames
//! 8. [`store`]: the SQLite workspace
//! 9. [`coverage`]: per 网格 figures, hotspots, 双随机 draws, the ledger's tables
//! 10. [`shift`]: one township shift (日查, 晚查, 夜查, 周末查) as a plan on the streets
//! 11. [`campaign`]: a 专项治理 campaign over weeks (the periodic VRP with time
//!     windows: visits to days and shifts, each day's routes) for the township
//! 12. [`api`]: the JSON the server answers with and accepts, one typed struct each,
//!     with its JSON Schema (the server's OpenAPI description is built from them)
//! 13. [`server`]: the HTTP shell (the CLI is the other shell, in `src/bin`)

pub mod api;
pub mod calendar;
pub mod campaign;
pub mod coverage;
pub mod crs;
pub mod formats;
pub mod hash_chain;
pub mod model;
pub mod network;
pub mod plan;
pub mod routing;
pub mod rules;
pub mod sample;
pub mod server;
pub mod shift;
pub mod spatial;
pub mod store;
pub mod sweep;
pub mod tiles;
pub mod units;

pub use crs::Crs;
pub use model::{Wgs84, Wgs84Point};
