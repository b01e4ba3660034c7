//! Travel profiles as data: which `highway` classes each profile may use, at what speed,
//! and how `oneway`, `access` and `maxspeed` tags change that. One table per profile,
//! one function reading a way's tags against it; nothing else in the crate decides
//! access or speed.

use super::Profile;
use crate::formats::osm::Tags;

/// A usable class and its speed in km/h.
struct Class {
    highway: &'static str,
    speed_kmh: f64,
}

const fn class(highway: &'static str, speed_kmh: f64) -> Class {
    Class { highway, speed_kmh }
}

/// Walking: a steady 4.8 km/h on everything a pedestrian may use (4.5 on steps).
/// Motorways and trunk roads only where a sidewalk or `foot=yes` is tagged.
const WALK: &[Class] = &[
    class("footway", 4.8),
    class("path", 4.8),
    class("pedestrian", 4.8),
    class("steps", 4.5),
    class("corridor", 4.8),
    class("living_street", 4.8),
    class("residential", 4.8),
    class("service", 4.8),
    class("unclassified", 4.8),
    class("road", 4.8),
    class("track", 4.8),
    class("cycleway", 4.8),
    class("bridleway", 4.8),
    class("tertiary", 4.8),
    class("tertiary_link", 4.8),
    class("secondary", 4.8),
    class("secondary_link", 4.8),
    class("primary", 4.8),
    class("primary_link", 4.8),
    class("trunk", 4.8),
    class("trunk_link", 4.8),
    class("motorway", 4.8),
    class("motorway_link", 4.8),
];

/// Driving: typical urban speeds per class; a tagged `maxspeed` replaces them.
const DRIVE: &[Class] = &[
    class("motorway", 100.0),
    class("motorway_link", 60.0),
    class("trunk", 80.0),
    class("trunk_link", 50.0),
    class("primary", 60.0),
    class("primary_link", 40.0),
    class("secondary", 50.0),
    class("secondary_link", 40.0),
    class("tertiary", 40.0),
    class("tertiary_link", 30.0),
    class("unclassified", 30.0),
    class("road", 25.0),
    class("residential", 25.0),
    class("living_street", 10.0),
    class("service", 15.0),
];

/// How one way may be travelled under a profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayRule {
    /// Along the way's node order.
    pub forward: bool,
    /// Against it.
    pub backward: bool,
    /// Travel speed in km/h: the class speed, or a tagged `maxspeed` when driving.
    pub speed_kmh: f64,
}

impl Profile {
    /// Every profile, for listings and tests.
    pub const ALL: [Profile; 2] = [Profile::Walk, Profile::Drive];

    /// The profile's name as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Walk => "walk",
            Profile::Drive => "drive",
        }
    }

    /// How a way with these tags may be travelled, or `None` when it is not usable.
    ///
    /// ```
    /// use gridpatrol::formats::osm::Tags;
    /// use gridpatrol::network::Profile;
    /// let tags = |t: &[(&str, &str)]| Tags(t.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    /// let oneway = tags(&[("highway", "residential"), ("oneway", "yes")]);
    /// let rule = Profile::Drive.way_rule(&oneway).unwrap();
    /// assert!(rule.forward && !rule.backward);
    /// assert!(Profile::Walk.way_rule(&oneway).unwrap().backward);
    /// assert!(Profile::Drive.way_rule(&tags(&[("highway", "footway")])).is_none());
    /// ```
    pub fn way_rule(self, tags: &Tags) -> Option<WayRule> {
        let highway = tags.get("highway")?;
        let table = match self {
            Profile::Walk => WALK,
            Profile::Drive => DRIVE,
        };
        let class = table.iter().find(|c| c.highway == highway)?;
        if !self.allowed(tags, highway) {
            return None;
        }
        let (forward, backward) = match self {
            Profile::Walk => (true, true),
            Profile::Drive => drive_directions(tags, highway),
        };
        let speed_kmh = match self {
            Profile::Drive => maxspeed_kmh(tags).unwrap_or(class.speed_kmh),
            Profile::Walk => class.speed_kmh,
        };
        Some(WayRule {
            forward,
            backward,
            speed_kmh,
        })
    }

    /// Access tags: the profile's own tag (`foot`, `motor_vehicle`...) wins over `access`.
    fn allowed(self, tags: &Tags, highway: &str) -> bool {
        if tags.is("area", "yes") && self == Profile::Drive {
            return false;
        }
        let own_keys: &[&str] = match self {
            Profile::Walk => &["foot"],
            Profile::Drive => &["motorcar", "motor_vehicle", "vehicle"],
        };
        if let Some(v) = own_keys.iter().find_map(|k| tags.get(k)) {
            return !is_denied(v);
        }
        if tags.get("access").is_some_and(is_denied) {
            return false;
        }
        if self == Profile::Walk
            && matches!(
                highway,
                "motorway" | "motorway_link" | "trunk" | "trunk_link"
            )
        {
            return tags
                .get("sidewalk")
                .is_some_and(|s| matches!(s, "both" | "left" | "right" | "yes" | "separate"));
        }
        true
    }
}

fn is_denied(value: &str) -> bool {
    matches!(value, "no" | "private")
}

/// `oneway` (yes/true/1, -1/reverse, no), roundabouts and motorways are one-way.
fn drive_directions(tags: &Tags, highway: &str) -> (bool, bool) {
    match tags.get("oneway") {
        Some("yes" | "true" | "1") => return (true, false),
        Some("-1" | "reverse") => return (false, true),
        Some("no" | "false" | "0") => return (true, true),
        _ => {}
    }
    let implied = matches!(tags.get("junction"), Some("roundabout" | "circular"))
        || matches!(highway, "motorway" | "motorway_link");
    (true, !implied)
}

/// A numeric `maxspeed` in km/h (`50`, `50 km/h`, `30 mph`); zones and words give `None`.
pub fn maxspeed_kmh(tags: &Tags) -> Option<f64> {
    let text = tags.get("maxspeed")?.trim();
    let (number, factor) = match text.strip_suffix("mph") {
        Some(n) => (n, 1.609_344),
        None => (text.trim_end_matches("km/h").trim_end_matches("kmh"), 1.0),
    };
    let v: f64 = number.trim().parse().ok()?;
    (v > 0.0 && v < 300.0).then_some(v * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &[(&str, &str)]) -> Tags {
        Tags(
            t.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn oneway_variants() {
        let d = |t: &[(&str, &str)]| {
            let r = Profile::Drive.way_rule(&tags(t)).unwrap();
            (r.forward, r.backward)
        };
        assert_eq!(d(&[("highway", "primary")]), (true, true));
        assert_eq!(d(&[("highway", "primary"), ("oneway", "1")]), (true, false));
        assert_eq!(
            d(&[("highway", "primary"), ("oneway", "true")]),
            (true, false)
        );
        assert_eq!(
            d(&[("highway", "primary"), ("oneway", "-1")]),
            (false, true)
        );
        assert_eq!(
            d(&[("highway", "primary"), ("junction", "roundabout")]),
            (true, false)
        );
        assert_eq!(d(&[("highway", "motorway")]), (true, false));
        assert_eq!(
            d(&[("highway", "motorway"), ("oneway", "no")]),
            (true, true)
        );
    }

    #[test]
    fn access_and_sidewalks() {
        let w = |t: &[(&str, &str)]| Profile::Walk.way_rule(&tags(t)).is_some();
        let d = |t: &[(&str, &str)]| Profile::Drive.way_rule(&tags(t)).is_some();
        assert!(w(&[("highway", "steps")]));
        assert!(!w(&[("highway", "motorway")]));
        assert!(w(&[("highway", "trunk"), ("sidewalk", "both")]));
        assert!(!w(&[("highway", "footway"), ("access", "private")]));
        assert!(w(&[
            ("highway", "service"),
            ("access", "private"),
            ("foot", "yes")
        ]));
        assert!(!w(&[("highway", "path"), ("foot", "no")]));
        assert!(!d(&[("highway", "residential"), ("access", "no")]));
        assert!(!d(&[
            ("highway", "residential"),
            ("motor_vehicle", "private")
        ]));
        assert!(d(&[
            ("highway", "service"),
            ("access", "no"),
            ("motor_vehicle", "yes")
        ]));
        assert!(!d(&[("highway", "pedestrian")]));
        assert!(!d(&[("highway", "construction")]));
    }

    #[test]
    fn speeds() {
        let s = |p: Profile, t: &[(&str, &str)]| p.way_rule(&tags(t)).unwrap().speed_kmh;
        assert_eq!(s(Profile::Drive, &[("highway", "residential")]), 25.0);
        assert_eq!(
            s(
                Profile::Drive,
                &[("highway", "primary"), ("maxspeed", "70")]
            ),
            70.0
        );
        assert!(
            (s(
                Profile::Drive,
                &[("highway", "primary"), ("maxspeed", "30 mph")]
            ) - 48.28)
                .abs()
                < 0.01
        );
        assert_eq!(
            s(
                Profile::Drive,
                &[("highway", "primary"), ("maxspeed", "CN:urban")]
            ),
            60.0
        );
        for h in ["footway", "residential", "primary", "steps"] {
            let v = s(Profile::Walk, &[("highway", h)]);
            assert!((4.5..=5.0).contains(&v), "{h}: {v}");
        }
    }
}
