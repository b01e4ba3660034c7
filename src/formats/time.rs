//! Instants on the way in. Devices write times with an offset (GPX's `…Z` is UTC); the
//! ledger keeps the township's wall-clock time. Every instant read from outside is
//! converted to the township's zone here (Asia/Shanghai unless the manifest's
//! `time_zone` says otherwise); a time without an offset is taken as township time.
//!
//! China has kept no daylight saving since 1991, so each zone accepted here is a fixed
//! offset; zones with daylight saving are refused rather than half-handled.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

/// The township's time zone: a name and its offset from UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    name: String,
    offset: FixedOffset,
}

/// The zone used when the manifest names none.
pub const DEFAULT_ZONE: &str = "Asia/Shanghai";

/// IANA names of zones without daylight saving, with their offsets in hours.
const NAMED: [(&str, i32); 12] = [
    ("Asia/Shanghai", 8),
    ("Asia/Chongqing", 8),
    ("Asia/Chungking", 8),
    ("Asia/Harbin", 8),
    ("PRC", 8),
    ("Asia/Hong_Kong", 8),
    ("Asia/Macau", 8),
    ("Asia/Taipei", 8),
    ("Asia/Urumqi", 6),
    ("Asia/Kashgar", 6),
    ("UTC", 0),
    ("Etc/UTC", 0),
];

/// UTC+8, China Standard Time (checked when compiling).
const CHINA_STANDARD_TIME: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

impl Default for Zone {
    /// Asia/Shanghai.
    fn default() -> Self {
        Zone {
            name: DEFAULT_ZONE.into(),
            offset: CHINA_STANDARD_TIME,
        }
    }
}

impl Zone {
    /// A zone by IANA name (`Asia/Shanghai`, `Asia/Urumqi`, …) or as a fixed offset
    /// (`+08:00`, `UTC+8`).
    ///
    /// ```
    /// use gridpatrol::formats::time::Zone;
    /// assert_eq!(Zone::parse("Asia/Shanghai").unwrap().offset_s(), 8 * 3600);
    /// assert_eq!(Zone::parse("UTC+6").unwrap().offset_s(), 6 * 3600);
    /// assert!(Zone::parse("Europe/Berlin").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Zone, String> {
        let name = name.trim();
        let hours = NAMED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, h)| h * 3600);
        let seconds = hours.or_else(|| fixed_offset_s(name)).ok_or_else(|| {
            format!(
                "time zone {name:?} is not known: give one of {} or an offset such as +08:00",
                NAMED.map(|(n, _)| n).join(", ")
            )
        })?;
        let offset = FixedOffset::east_opt(seconds)
            .ok_or_else(|| format!("time zone {name:?}: offset out of range"))?;
        Ok(Zone {
            name: name.to_string(),
            offset,
        })
    }

    /// The name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Seconds east of UTC.
    pub fn offset_s(&self) -> i32 {
        self.offset.local_minus_utc()
    }

    /// The wall-clock time in this zone now, whatever the computer's own zone is.
    pub fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().with_timezone(&self.offset).naive_local()
    }

    /// Reads an instant as leads and devices write it, in township time:
    /// RFC 3339 with an offset (`2025-03-01T01:30:00Z`) is converted to this zone;
    /// `2025-03-01T19:30`, `2025-03-01 19:30[:00]` are township time already; a bare
    /// date is midnight.
    ///
    /// ```
    /// use gridpatrol::formats::time::Zone;
    /// let z = Zone::default();
    /// let t = z.parse_instant("2025-03-01T01:30:00Z").unwrap();
    /// assert_eq!(t.to_string(), "2025-03-01 09:30:00");
    /// assert_eq!(z.parse_instant("2025-03-01 19:30").unwrap().to_string(), "2025-03-01 19:30:00");
    /// ```
    pub fn parse_instant(&self, text: &str) -> Option<NaiveDateTime> {
        let text = text.trim();
        let with_offset = DateTime::parse_from_rfc3339(text)
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%z"));
        if let Ok(t) = with_offset {
            return Some(t.with_timezone(&self.offset).naive_local());
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return Some(t);
            }
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    }
}

/// `+08:00`, `-05:30`, `UTC+8`, `GMT+8` as seconds east of UTC.
fn fixed_offset_s(text: &str) -> Option<i32> {
    let upper = text.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None => (digits.parse::<i32>().ok()?, 0),
    };
    ((0..=14).contains(&h) && (0..60).contains(&m)).then_some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_and_offset_times_become_township_time() {
        let shanghai = Zone::default();
        assert_eq!(shanghai.name(), DEFAULT_ZONE);
        let cases = [
            ("2025-03-01T01:30:00Z", "2025-03-01 09:30:00"),
            ("2025-03-01T01:30:00.250Z", "2025-03-01 09:30:00.250"),
            ("2025-03-01T09:30:00+08:00", "2025-03-01 09:30:00"),
            ("2025-02-28T20:30:00-05:00", "2025-03-01 09:30:00"),
            ("2025-03-01T09:30:00+0800", "2025-03-01 09:30:00"),
            ("2025-03-01T09:30", "2025-03-01 09:30:00"),
            ("2025-03-01", "2025-03-01 00:00:00"),
        ];
        for (text, want) in cases {
            let got = shanghai.parse_instant(text).unwrap();
            assert_eq!(got.to_string(), want, "{text}");
        }
        let urumqi = Zone::parse("Asia/Urumqi").unwrap();
        assert_eq!(
            urumqi
                .parse_instant("2025-03-01T01:30:00Z")
                .unwrap()
                .to_string(),
            "2025-03-01 07:30:00"
        );
        assert!(shanghai.parse_instant("yesterday").is_none());
        assert!(shanghai.parse_instant("2025-13-01T00:00:00Z").is_none());
    }

    #[test]
    fn zones_by_name_or_offset_and_unknown_ones_refused() {
        assert_eq!(Zone::parse("+05:30").unwrap().offset_s(), 5 * 3600 + 1800);
        assert_eq!(Zone::parse("utc-3").unwrap().offset_s(), -3 * 3600);
        let e = Zone::parse("America/New_York").unwrap_err();
        assert!(e.contains("Asia/Shanghai") && e.contains("+08:00"), "{e}");
        assert!(Zone::parse("+15:00").is_err());
        assert!(Zone::parse("+8:75").is_err());
    }
}
