//! WGS-84 positions and extents that say which number is which.

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

/// A WGS-84 position with its order in its name: longitude first, as GeoJSON and the
/// devices' tracks give it (GPX writes `lat=` before `lon=`). Written `[lon, lat]`.
///
/// ```
/// use gridpatrol::model::bounds::LonLat;
/// let p = LonLat::new(116.35, 39.96);
/// assert_eq!(serde_json::to_string(&p).unwrap(), "[116.35,39.96]");
/// assert!((p.distance_m(LonLat::new(116.351, 39.96)) - 85.3).abs() < 0.5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(from = "[f64; 2]", into = "[f64; 2]")]
pub struct LonLat {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

impl LonLat {
    /// A position from longitude and latitude, in that order.
    pub fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }

    /// `(lon, lat)`, for the functions that take a pair.
    pub fn pair(self) -> (f64, f64) {
        (self.lon, self.lat)
    }

    /// The great-circle distance to `other`, metres.
    pub fn distance_m(self, other: LonLat) -> crate::units::Metres {
        crate::units::haversine_m(self.pair(), other.pair())
    }
}

impl From<[f64; 2]> for LonLat {
    fn from([lon, lat]: [f64; 2]) -> Self {
        Self { lon, lat }
    }
}

impl From<LonLat> for [f64; 2] {
    fn from(p: LonLat) -> Self {
        [p.lon, p.lat]
    }
}
