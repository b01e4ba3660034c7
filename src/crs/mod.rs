//! Coordinate systems used by Chinese web maps, and conversion to and from WGS-84.
//!
//! GCJ-02 (Amap 高德, Tencent) adds a non-linear offset to WGS-84 inside China; BD-09
//! (Baidu) applies a further rotation and shift to GCJ-02. Outside China GCJ-02 equals
//! WGS-84. The forward transforms are the public formulas; the inverses are found by
//! fixed-point iteration, which converges to millimetres in a few steps.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The coordinate system an input declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    /// GPS and OpenStreetMap.
    #[default]
    Wgs84,
    /// Amap (高德) and Tencent maps.
    Gcj02,
    /// Baidu maps.
    Bd09,
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Crs::Wgs84 => "wgs84",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        })
    }
}

/// An unknown coordinate-system name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown coordinate system {0:?}: expected wgs84, gcj02 or bd09")]
pub struct UnknownCrs(pub String);

impl FromStr for Crs {
    type Err = UnknownCrs;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "wgs84" | "epsg4326" => Ok(Crs::Wgs84),
            "gcj02" => Ok(Crs::Gcj02),
            "bd09" | "bd09ll" => Ok(Crs::Bd09),
            _ => Err(UnknownCrs(s.to_string())),
        }
    }
}

impl Crs {
    /// Converts `(lon, lat)` in this system to WGS-84.
    ///
    /// ```
    /// use gridpatrol::Crs;
    /// let (lon, lat) = Crs::Gcj02.to_wgs84(116.397_47, 39.908_72);
    /// let back = Crs::Gcj02.from_wgs84(lon, lat);
    /// assert!((back.0 - 116.397_47).abs() < 1e-8 && (back.1 - 39.908_72).abs() < 1e-8);
    /// ```
    pub fn to_wgs84(self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Crs::Wgs84 => (lon, lat),
            Crs::Gcj02 => gcj02_to_wgs84(lon, lat),
            Crs::Bd09 => {
                let (glon, glat) = bd09_to_gcj02(lon, lat);
                gcj02_to_wgs84(glon, glat)
            }
        }
    }

    /// Converts WGS-84 `(lon, lat)` into this system.
    pub fn from_wgs84(self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Crs::Wgs84 => (lon, lat),
            Crs::Gcj02 => wgs84_to_gcj02(lon, lat),
            Crs::Bd09 => {
                let (glon, glat) = wgs84_to_gcj02(lon, lat);
                gcj02_to_bd09(glon, glat)
            }
        }
    }
}

/// Krasovsky 1940 ellipsoid, on which GCJ-02's offset is defined.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
const BD_X_PI: f64 = PI * 3000.0 / 180.0;

/// The rough box inside which GCJ-02 applies an offset (mainland China and its seas).
pub fn in_china(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS-84 → GCJ-02 (the forward, published transform).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let d_lat = offset_lat(lon - 105.0, lat - 35.0);
    let d_lon = offset_lon(lon - 105.0, lat - 35.0);
    let rad_lat = lat.to_radians();
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat =
        (d_lat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (KRASOVSKY_A / sqrt_magic * rad_lat.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

/// GCJ-02 → WGS-84 by fixed-point iteration on the forward transform.
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let (mut wlon, mut wlat) = (lon, lat);
    for _ in 0..30 {
        let (glon, glat) = wgs84_to_gcj02(wlon, wlat);
        let (dlon, dlat) = (glon - lon, glat - lat);
        wlon -= dlon;
        wlat -= dlat;
        if dlon.abs() < 1e-10 && dlat.abs() < 1e-10 {
            break;
        }
    }
    (wlon, wlat)
}

/// GCJ-02 → BD-09.
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * BD_X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * BD_X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 → GCJ-02 by fixed-point iteration on [`gcj02_to_bd09`].
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    let (mut glon, mut glat) = (lon - 0.0065, lat - 0.006);
    for _ in 0..30 {
        let (blon, blat) = gcj02_to_bd09(glon, glat);
        let (dlon, dlat) = (blon - lon, blat - lat);
        glon -= dlon;
        glat -= dlat;
        if dlon.abs() < 1e-11 && dlat.abs() < 1e-11 {
            break;
        }
    }
    (glon, glat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::haversine_m;

    /// Tiananmen flagpole: WGS-84 from GPS surveys, GCJ-02 as Amap shows it (the
    /// offset there is about 0.0062° east and 0.0013° north).
    const TIANANMEN_WGS84: (f64, f64) = (116.391_275, 39.907_374);

    #[test]
    fn gcj02_offset_near_tiananmen_is_the_known_few_hundred_metres() {
        let g = wgs84_to_gcj02(TIANANMEN_WGS84.0, TIANANMEN_WGS84.1);
        let (dlon, dlat) = (g.0 - TIANANMEN_WGS84.0, g.1 - TIANANMEN_WGS84.1);
        assert!((dlon - 0.00624).abs() < 0.0002, "dlon {dlon}");
        assert!((dlat - 0.00140).abs() < 0.0002, "dlat {dlat}");
        let shift = haversine_m(TIANANMEN_WGS84, g);
        assert!((500.0..600.0).contains(&shift), "shift {shift} m");
    }

    #[test]
    fn bd09_of_a_known_point() {
        // Baidu's own example: GCJ-02 (116.404, 39.915) is BD-09 (116.41036, 39.92133).
        let b = gcj02_to_bd09(116.404, 39.915);
        assert!(
            (b.0 - 116.410_36).abs() < 2e-5 && (b.1 - 39.921_33).abs() < 2e-5,
            "{b:?}"
        );
    }

    #[test]
    fn outside_china_is_unchanged() {
        assert_eq!(wgs84_to_gcj02(1.52, 42.5), (1.52, 42.5));
        assert_eq!(Crs::Gcj02.to_wgs84(7.42, 43.73), (7.42, 43.73));
    }

    #[test]
    fn round_trips_within_a_metre_across_china() {
        let mut worst: f64 = 0.0;
        for i in 0..=60 {
            for j in 0..=40 {
                let lon = 73.5 + 61.0 * f64::from(i) / 60.0;
                let lat = 18.0 + 35.5 * f64::from(j) / 40.0;
                for crs in [Crs::Gcj02, Crs::Bd09] {
                    let (x, y) = crs.from_wgs84(lon, lat);
                    let back = crs.to_wgs84(x, y);
                    worst = worst.max(haversine_m((lon, lat), back));
                    let (x2, y2) = crs.to_wgs84(lon, lat);
                    let fwd = crs.from_wgs84(x2, y2);
                    worst = worst.max(haversine_m((lon, lat), fwd));
                }
            }
        }
        assert!(worst <= 1.0, "worst round trip {worst} m");
        assert!(
            worst <= 0.01,
            "iteration should reach centimetres, got {worst} m"
        );
    }

    #[test]
    fn parses_names() {
        assert_eq!("WGS84".parse::<Crs>(), Ok(Crs::Wgs84));
        assert_eq!("gcj-02".parse::<Crs>(), Ok(Crs::Gcj02));
        assert_eq!("bd09".parse::<Crs>(), Ok(Crs::Bd09));
        assert!("utm50n".parse::<Crs>().is_err());
    }
}
