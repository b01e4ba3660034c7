//! Coverage per 网格 (cell), hotspots for night checks, the 双随机 draw and the ledger's
//! tables. Plain computations over model types and store rows; no I/O.
//!
//! - [`coverage`]: sites inspected / overdue, street metres swept, per cell.
//! - [`hotspots`]: night-check scores with their parts.
//! - [`draw`]: reproducible stratified draws and the hash chain of the draw log.
//! - [`draw_candidates`]: the sites a draw may pick, each in its stratum.
//! - [`layers`]: coverage, scores and inspections as GeoJSON layers.
//! - [`lists`]: who is on the white and black lists, and white-listed sites found at fault.
//! - [`report`]: the ledger (台账), weekly/monthly bulletins, white/black lists as tables.

#[allow(clippy::module_inception)] // coverage::coverage: the per-cell figures
pub mod coverage;
pub mod draw;
pub mod draw_candidates;
pub mod hotspots;
pub mod layers;
pub mod lists;
pub mod register_draw;
pub mod report;

pub use crate::spatial::CellLocator;
pub use coverage::{
    compute_coverage, open_work_from_store, overdue_from_store, CellCoverage, CoverageInput,
    OpenWork,
};
