//! A WGS-84 extent that says which number is which.

use serde::{Deserialize, Serialize};

/// A WGS-84 box, written `[west, south, east, north]` in degrees as GeoJSON's `bbox` and
/// MapLibre's `fitBounds` take it.
///
/// ```
/// use gridpatrol::model::bounds::LonLatBounds;
/// let mut b = LonLatBounds::around(116.35, 39.96);
/// b.extend(116.36, 39.95);
/// assert_eq!(b.as_array(), [116.35, 39.95, 116.36, 39.96]);
/// assert_eq!(serde_json::to_string(&b).unwrap(), "[116.35,39.95,116.36,39.96]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(from = "[f64; 4]", into = "[f64; 4]")]
pub struct LonLatBounds {
    /// Westmost longitude, degrees.
    pub west: f64,
    /// Southmost latitude, degrees.
    pub south: f64,
    /// Eastmost longitude, degrees.
    pub east: f64,
    /// Northmost latitude, degrees.
    pub north: f64,
}

impl LonLatBounds {
    /// The box of one point.
    pub fn around(lon: f64, lat: f64) -> Self {
        Self {
            west: lon,
            south: lat,
            east: lon,
            north: lat,
        }
    }

    /// Grows the box to hold `(lon, lat)`.
    pub fn extend(&mut self, lon: f64, lat: f64) {
        self.west = self.west.min(lon);
        self.south = self.south.min(lat);
        self.east = self.east.max(lon);
        self.north = self.north.max(lat);
    }

    /// The smallest box holding both.
    pub fn union(mut self, other: Self) -> Self {
        self.extend(other.west, other.south);
        self.extend(other.east, other.north);
        self
    }

    /// `[west, south, east, north]`.
    pub fn as_array(&self) -> [f64; 4] {
        [self.west, self.south, self.east, self.north]
    }
}

impl From<[f64; 4]> for LonLatBounds {
    fn from([west, south, east, north]: [f64; 4]) -> Self {
        Self {
            west,
            south,
            east,
            north,
        }
    }
}

impl From<LonLatBounds> for [f64; 4] {
    fn from(b: LonLatBounds) -> Self {
        b.as_array()
    }
}

/// Grows `bounds` (starting it when empty) to hold `(lon, lat)`.
pub fn grow(bounds: &mut Option<LonLatBounds>, lon: f64, lat: f64) {
    match bounds {
        Some(b) => b.extend(lon, lat),
        None => *bounds = Some(LonLatBounds::around(lon, lat)),
    }
}
