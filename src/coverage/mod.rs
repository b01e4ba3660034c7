//! Coverage per 网格 (cell), hotspots for night checks, the 双随机 draw and the ledger's
//! tables. Plain computations over model types and store rows; no I/O.
//!
//! - [`coverage`]: sites inspected / overdue, street metres swept, per cell.
//! - [`sweep`]: which street pieces a track ran along (buffer + direction match).
//! - [`hotspots`]: night-check scores with their parts.
//! - [`draw`]: reproducible stratified draws and the hash chain of the draw log.
//! - [`layers`]: coverage, scores and inspections as GeoJSON layers.
//! - [`report`]: the ledger (台账), weekly/monthly bulletins, white/black lists as tables.

#[allow(clippy::module_inception)] // coverage::coverage: the per-cell figures
pub mod coverage;
pub mod draw;
pub mod hotspots;
pub mod layers;
mod locate;
pub mod report;
pub mod sweep;

pub use coverage::{compute_coverage, CellCoverage, CoverageInput};
pub use locate::CellLocator;

use crate::model::Licence;

/// Days after the last inspection when a site of this licence class is overdue:
/// unlicensed (无证无照) 30, registered only (有照无证) 60, licensed (有证有照) 180.
///
/// ```
/// use gridpatrol::{coverage::overdue_after_days, model::Licence};
/// assert!(overdue_after_days(Licence::Unlicensed) < overdue_after_days(Licence::Licensed));
/// ```
pub fn overdue_after_days(licence: Licence) -> i64 {
    match licence {
        Licence::Unlicensed => 30,
        Licence::RegisteredOnly => 60,
        Licence::Licensed => 180,
    }
}

/// Metres per degree of latitude (and of longitude at the equator), on the mean sphere.
pub(crate) const M_PER_DEG: f64 = std::f64::consts::PI * crate::units::EARTH_RADIUS_M / 180.0;

/// A local flat frame (metres) around a WGS-84 origin: fine for the few hundred metres
/// the matching and hotspot questions span.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalFrame {
    lon0: f64,
    lat0: f64,
    kx: f64,
}

impl LocalFrame {
    pub(crate) fn at(lon0: f64, lat0: f64) -> Self {
        Self {
            lon0,
            lat0,
            kx: M_PER_DEG * lat0.to_radians().cos(),
        }
    }
    pub(crate) fn xy(&self, lon: f64, lat: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * M_PER_DEG]
    }
    /// Degrees of longitude and latitude spanning `m` metres here (for search boxes).
    pub(crate) fn deg(&self, m: f64) -> [f64; 2] {
        [m / self.kx.max(1e-9), m / M_PER_DEG]
    }
}

/// Distance in metres from `p` to the segment `a`–`b` (all in one local frame).
pub(crate) fn point_segment_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - qx).powi(2) + (p[1] - qy).powi(2)).sqrt()
}
