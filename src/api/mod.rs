//! The JSON the server answers with and accepts: one typed struct per answer, request
//! and map-layer feature, shared by the server, the page's types and the tests.
//!
//! Each type derives [`schemars::JsonSchema`], so the server's OpenAPI description
//! (`GET /api/openapi.json`) is generated from the very types it answers with: a field
//! renamed here is renamed in the description too.
//!
//! - [`session`]: who is signed in, sign-in and sign-out
//! - [`answers`]: the page's configuration, coverage, plans, inspections, draws, audit,
//!   errors
//! - [`layers`]: the map's GeoJSON layers, one properties struct per layer
//! - [`field`]: the field app's inspection detail, photos, 摸排 proposals, dossiers
//! - [`sites`]: the lead's site desk (add, move, edit, close), the dossier, list layers
//! - [`tipoffs`]: the 举报 register and the follow-up worklist
//! - [`basemap`]: the public base map's streets, buildings and water from the extract

pub mod answers;
pub mod basemap;
pub mod draws;
pub mod field;
pub mod layers;
pub mod session;
pub mod sites;
pub mod tipoffs;

pub use answers::*;
pub use session::{Role, User};
