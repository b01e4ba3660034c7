//! gridpatrol: inspection planning for township (镇/街道) leads under the "双减" policy.
//!
//! Data flows one way, and the module tree shows it:
//! [`formats`] (GeoJSON, CSV, OSM, GPX, vector tiles) → [`model`] → [`network`] (road graph per
//! travel profile) → [`routing`] (shortest paths, matrices) → [`plan`] (day and night
//! routes), [`sweep`] (拉网式 street sweeps) and [`coverage`] (per 网格 figures, hotspots,
//! 双随机 draws) → [`store`] (the SQLite workspace) → [`server`] and the CLI; [`tiles`]
//! cuts the site layer into bubbles and vector tiles for the map.
//! Nothing below calls upward; the server and the CLI are thin shells.

pub mod calendar;
pub mod coverage;
pub mod crs;
pub mod formats;
pub mod hash_chain;
pub mod model;
pub mod network;
pub mod plan;
pub mod routing;
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
