//! Local flat frames (metres) around a WGS-84 origin, for the short distances that
//! track matching and hotspot scoring measure.

/// Metres per degree of latitude (and of longitude at the equator), on the mean sphere.
pub const M_PER_DEG: f64 = std::f64::consts::PI * crate::units::EARTH_RADIUS_M / 180.0;

/// A local flat frame (metres) around a WGS-84 origin: fine for the few hundred metres
/// the matching and hotspot questions span.
#[derive(Debug, Clone, Copy)]
pub struct LocalFrame {
    lon0: f64,
    lat0: f64,
    kx: f64,
}

impl LocalFrame {
    /// The frame whose origin is (`lon0`, `lat0`), WGS-84 degrees.
    pub fn at(lon0: f64, lat0: f64) -> Self {
        Self {
            lon0,
            lat0,
            kx: M_PER_DEG * lat0.to_radians().cos(),
        }
    }
    /// `[x, y]` in metres east and north of the origin, for a WGS-84 `lon`, `lat`.
    pub fn xy(&self, lon: f64, lat: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * M_PER_DEG]
    }
    /// Degrees of longitude and latitude spanning `m` metres here (for search boxes).
    pub fn deg(&self, m: f64) -> [f64; 2] {
        [m / self.kx.max(1e-9), m / M_PER_DEG]
    }
}

/// Distance in metres from `p` to the segment `a`–`b` (all in one local frame).
pub fn point_segment_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
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
