//! Units used across the crate. Names carry them too (`length_m`, `duration_s`).

/// A length in metres.
pub type Metres = f64;
/// A duration in seconds.
pub type Seconds = f64;
/// Seconds since local midnight, the clock of shifts, windows and schedules.
pub type ClockSeconds = f64;

/// Mean Earth radius used for haversine lengths (IUGG), in metres.
pub const EARTH_RADIUS_M: Metres = 6_371_008.8;

/// Great-circle distance between two WGS-84 positions given as `(lon, lat)` degrees.
///
/// ```
/// let d = gridpatrol::units::haversine_m((116.35, 39.96), (116.36, 39.96));
/// assert!((d - 852.0).abs() < 2.0);
/// ```
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> Metres {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Parses `HH:MM` (or `HH:MM:SS`) into seconds since midnight; `24:00` is allowed.
///
/// ```
/// assert_eq!(gridpatrol::units::parse_clock("08:30"), Some(30600.0));
/// assert_eq!(gridpatrol::units::parse_clock("25:00"), None);
/// ```
pub fn parse_clock(text: &str) -> Option<ClockSeconds> {
    let mut parts = text.trim().split(':');
    let h: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next()?.trim().parse().ok()?;
    let s: u32 = match parts.next() {
        Some(s) => s.trim().parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() || m > 59 || s > 59 || h > 24 || (h == 24 && (m > 0 || s > 0)) {
        return None;
    }
    Some(f64::from(h * 3600 + m * 60 + s))
}

/// Formats seconds since midnight as `HH:MM`.
///
/// ```
/// assert_eq!(gridpatrol::units::format_clock(30600.0), "08:30");
/// ```
pub fn format_clock(t: ClockSeconds) -> String {
    let total = t.round().max(0.0) as u64;
    format!("{:02}:{:02}", total / 3600, (total % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_round_trip() {
        for text in ["00:00", "08:30", "17:30", "23:59", "24:00"] {
            assert_eq!(format_clock(parse_clock(text).unwrap()), text);
        }
        for bad in ["", "8", "12:60", "a:b", "24:01", "1:2:3:4"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn haversine_one_degree_of_latitude() {
        let d = haversine_m((116.0, 39.0), (116.0, 40.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
    }
}
