//! Spatial helpers below the store: which 网格 (cell) a point lies in, which street
//! pieces a walked track ran along, and local flat frames in metres. Pure geometry over
//! model types; the store and coverage both build on it.
//!
//! - [`cell_locator`]: point-in-cell lookup with an R-tree, ties broken by cell order.
//! - [`track_matching`]: cuts a street into pieces and matches a track to them
//!   (buffer + direction).
//! - [`frame`]: a local flat frame and point-to-segment distance in metres.

pub mod cell_locator;
pub mod frame;
pub mod track_matching;

pub use cell_locator::CellLocator;
pub use frame::{point_segment_m, LocalFrame, M_PER_DEG};
