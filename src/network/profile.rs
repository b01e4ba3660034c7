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
    /// Along the way, open only to reach a place on it (`motor_vehicle=destination`...):
    /// no through traffic.
    pub forward_destination_only: bool,
    /// Against it, likewise.
    pub backward_destination_only: bool,
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
        if under_construction(tags) || !self.allowed(tags, highway) {
            return None;
        }
        let (forward, backward) = match self {
            Profile::Walk => walk_directions(tags),
            Profile::Drive => drive_directions(tags, highway)?,
        };
        // `vehicle:backward=agricultural`, `access:forward=no`...: one direction closed.
        let along = self.direction_access(tags, "forward");
        let against = self.direction_access(tags, "backward");
        let forward = forward && along != Some(Access::Denied);
        let backward = backward && against != Some(Access::Denied);
        if !(forward || backward) {
            return None;
        }
        let whole_way = self.access(tags);
        let destination_only = |direction: Option<Access>| {
            self.keeps_out_through_traffic()
                && direction.or(whole_way) == Some(Access::DestinationOnly)
        };
        let speed_kmh = match self {
            Profile::Drive => maxspeed_kmh(tags).unwrap_or(class.speed_kmh),
            Profile::Walk => class.speed_kmh,
        };
        Some(WayRule {
            forward,
            backward,
            speed_kmh,
            forward_destination_only: destination_only(along),
            backward_destination_only: destination_only(against),
        })
    }

    /// Whether `destination`-like access keeps this profile's through traffic out. Cars
    /// may not cut through a residents' street; walkers may (no rule stops them).
    fn keeps_out_through_traffic(self) -> bool {
        self == Profile::Drive
    }

    /// The access keys that speak for this profile, most specific first, without the
    /// general `access` (OSM hierarchy: walk `access < foot`; drive `access < vehicle <
    /// motor_vehicle < motorcar`).
    pub(crate) fn own_access_keys(self) -> &'static [&'static str] {
        match self {
            Profile::Walk => &["foot"],
            Profile::Drive => &["motorcar", "motor_vehicle", "vehicle"],
        }
    }

    /// What the access tags say for this profile: the most specific key with a value
    /// [`access_verdict`] understands wins; `None` when none says anything.
    pub(crate) fn access(self, tags: &Tags) -> Option<Access> {
        self.own_access(tags)
            .or_else(|| tags.get("access").and_then(access_verdict))
    }

    /// What the direction-specific access tags (`KEY:forward`, `KEY:backward`) say for
    /// this profile, most specific key first, `access:DIR` last.
    fn direction_access(self, tags: &Tags, direction: &str) -> Option<Access> {
        self.own_access_keys()
            .iter()
            .chain(&["access"])
            .find_map(|k| {
                tags.get(&format!("{k}:{direction}"))
                    .and_then(access_verdict)
            })
    }

    /// Like [`Profile::access`], ignoring the general `access` key.
    pub(crate) fn own_access(self, tags: &Tags) -> Option<Access> {
        self.own_access_keys()
            .iter()
            .find_map(|k| tags.get(k).and_then(access_verdict))
    }

    /// Access tags: the profile's own keys win over `access`; motorways and trunk roads
    /// take walkers only with a sidewalk (or their own `foot=` permission).
    fn allowed(self, tags: &Tags, highway: &str) -> bool {
        if tags.is("area", "yes") && self == Profile::Drive {
            return false;
        }
        if let Some(own) = self.own_access(tags) {
            return own.admits();
        }
        if tags.get("access").and_then(access_verdict) == Some(Access::Denied) {
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

/// What one access value means for the traveller it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// May pass.
    Allowed,
    /// May pass only to reach a place on the way (`destination`, `delivery`,
    /// `customers`, `permit`, `residents`): no through traffic.
    DestinationOnly,
    /// May not pass.
    Denied,
}

impl Access {
    /// Whether the traveller may use the way at all (perhaps only to reach it).
    pub(crate) fn admits(self) -> bool {
        self != Access::Denied
    }
}

/// Reads one access value. An inspection team is an ordinary legal traveller: values
/// that admit it with a purpose (`destination`, `delivery`, `customers`, `permit`,
/// `residents`) admit it only to reach a place on the way (as OSRM's car profile reads
/// them), and `discouraged` allows (legal, only advised against). Values for other users
/// (`agricultural`, `forestry`, `emergency`, `military`, `psv`, `use_sidepath`) and
/// `no`/`private` deny. Anything else (`unknown`, lists, typos) says nothing, so the
/// next, more general key decides.
pub(crate) fn access_verdict(value: &str) -> Option<Access> {
    match value.trim() {
        "yes" | "permissive" | "designated" | "official" | "discouraged" => Some(Access::Allowed),
        "destination" | "delivery" | "customers" | "permit" | "residents" => {
            Some(Access::DestinationOnly)
        }
        "no" | "private" | "agricultural" | "forestry" | "emergency" | "military" | "psv"
        | "use_sidepath" => Some(Access::Denied),
        _ => None,
    }
}

/// Ways being built or not there at all: `highway=construction|proposed|abandoned`,
/// platforms (`highway=platform`, not a street), and any way tagged `construction=*`
/// except `no` and `minor` (minor works leave the way open, per the OSM wiki).
fn under_construction(tags: &Tags) -> bool {
    let highway_gone = matches!(
        tags.get("highway"),
        Some("construction" | "proposed" | "abandoned" | "platform")
    );
    highway_gone
        || tags
            .get("construction")
            .is_some_and(|c| c != "no" && c != "minor")
}

/// A `oneway`-style value as (forward, backward); `None` for values that say nothing.
fn oneway_value(value: &str) -> Option<(bool, bool)> {
    match value {
        "yes" | "true" | "1" => Some((true, false)),
        "-1" | "reverse" => Some((false, true)),
        "no" | "false" | "0" => Some((true, true)),
        _ => None,
    }
}

/// Walkers ignore `oneway` (it binds vehicles); only `oneway:foot` restricts them.
fn walk_directions(tags: &Tags) -> (bool, bool) {
    tags.get("oneway:foot")
        .and_then(oneway_value)
        .unwrap_or((true, true))
}

/// The most specific of `oneway:motor_vehicle`, `oneway:vehicle`, `oneway` decides;
/// without one, roundabouts and motorways are one-way. `reversible` (direction changes
/// by time of day) makes the way unusable (`None`): no plan can count on it.
fn drive_directions(tags: &Tags, highway: &str) -> Option<(bool, bool)> {
    for key in ["oneway:motor_vehicle", "oneway:vehicle", "oneway"] {
        match tags.get(key) {
            Some("reversible") => return None,
            Some(v) => {
                if let Some(directions) = oneway_value(v) {
                    return Some(directions);
                }
            }
            None => {}
        }
    }
    let implied = matches!(tags.get("junction"), Some("roundabout" | "circular"))
        || matches!(highway, "motorway" | "motorway_link");
    Some((true, !implied))
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
    fn one_direction_can_be_closed_by_its_own_access_tag() {
        let d = |t: &[(&str, &str)]| {
            Profile::Drive
                .way_rule(&tags(t))
                .map(|r| (r.forward, r.backward))
        };
        let road = ("highway", "unclassified");
        assert_eq!(
            d(&[road, ("vehicle:backward", "agricultural")]),
            Some((true, false))
        );
        assert_eq!(d(&[road, ("access:forward", "no")]), Some((false, true)));
        assert_eq!(
            d(&[
                road,
                ("access:forward", "no"),
                ("motor_vehicle:forward", "yes")
            ]),
            Some((true, true))
        );
        assert_eq!(
            d(&[
                road,
                ("oneway", "yes"),
                ("motor_vehicle:forward", "private")
            ]),
            None
        );
        let walk = Profile::Walk
            .way_rule(&tags(&[road, ("vehicle:backward", "no")]))
            .unwrap();
        assert!(walk.forward && walk.backward);
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

    #[test]
    fn access_values_follow_the_hierarchy() {
        let w = |t: &[(&str, &str)]| Profile::Walk.way_rule(&tags(t)).is_some();
        let d = |t: &[(&str, &str)]| Profile::Drive.way_rule(&tags(t)).is_some();
        for allowing in [
            "yes",
            "permissive",
            "designated",
            "destination",
            "delivery",
            "customers",
            "discouraged",
        ] {
            assert!(
                d(&[("highway", "service"), ("access", allowing)]),
                "{allowing}"
            );
            assert!(
                w(&[("highway", "service"), ("access", allowing)]),
                "{allowing}"
            );
        }
        for denying in [
            "no",
            "private",
            "agricultural",
            "forestry",
            "emergency",
            "psv",
        ] {
            assert!(
                !d(&[("highway", "service"), ("access", denying)]),
                "{denying}"
            );
            assert!(
                !w(&[("highway", "service"), ("access", denying)]),
                "{denying}"
            );
        }
        // Drive: motorcar > motor_vehicle > vehicle > access.
        let road = ("highway", "residential");
        assert!(!d(&[road, ("vehicle", "no")]));
        assert!(d(&[
            road,
            ("vehicle", "no"),
            ("motor_vehicle", "destination")
        ]));
        assert!(!d(&[road, ("motor_vehicle", "yes"), ("motorcar", "no")]));
        assert!(d(&[road, ("access", "no"), ("vehicle", "yes")]));
        // A value nobody understands leaves the decision to the next key.
        assert!(!d(&[road, ("access", "no"), ("motor_vehicle", "unknown")]));
        // Walk: foot > access; vehicle keys do not bind walkers.
        assert!(w(&[road, ("motor_vehicle", "no"), ("vehicle", "private")]));
        assert!(!w(&[road, ("access", "yes"), ("foot", "private")]));
        assert!(w(&[("highway", "trunk"), ("foot", "designated")]));
    }

    #[test]
    fn construction_and_non_roads_are_unusable() {
        for p in Profile::ALL {
            let ok = |t: &[(&str, &str)]| p.way_rule(&tags(t)).is_some();
            assert!(ok(&[("highway", "residential")]));
            assert!(!ok(&[
                ("highway", "construction"),
                ("construction", "residential")
            ]));
            assert!(!ok(&[("highway", "residential"), ("construction", "yes")]));
            assert!(!ok(&[
                ("highway", "residential"),
                ("construction", "widening")
            ]));
            assert!(ok(&[("highway", "residential"), ("construction", "no")]));
            assert!(ok(&[("highway", "residential"), ("construction", "minor")]));
            for gone in ["proposed", "abandoned", "platform"] {
                assert!(!ok(&[("highway", gone)]), "{p} {gone}");
            }
        }
    }

    #[test]
    fn oneway_per_profile() {
        let dirs =
            |p: Profile, t: &[(&str, &str)]| p.way_rule(&tags(t)).map(|r| (r.forward, r.backward));
        let road = ("highway", "residential");
        let both = Some((true, true));
        // Walkers ignore oneway, even oneway:vehicle; only oneway:foot binds them.
        assert_eq!(dirs(Profile::Walk, &[road, ("oneway", "yes")]), both);
        assert_eq!(dirs(Profile::Walk, &[road, ("oneway", "-1")]), both);
        assert_eq!(
            dirs(Profile::Walk, &[road, ("oneway:foot", "yes")]),
            Some((true, false))
        );
        assert_eq!(
            dirs(
                Profile::Walk,
                &[("highway", "footway"), ("oneway:foot", "-1")]
            ),
            Some((false, true))
        );
        assert_eq!(dirs(Profile::Walk, &[road, ("oneway", "reversible")]), both);
        // Drivers: the most specific oneway key wins.
        assert_eq!(
            dirs(Profile::Drive, &[road, ("oneway:motor_vehicle", "yes")]),
            Some((true, false))
        );
        assert_eq!(
            dirs(Profile::Drive, &[road, ("oneway:vehicle", "-1")]),
            Some((false, true))
        );
        assert_eq!(
            dirs(
                Profile::Drive,
                &[road, ("oneway", "yes"), ("oneway:motor_vehicle", "no")]
            ),
            both
        );
        assert_eq!(dirs(Profile::Drive, &[road, ("oneway:foot", "yes")]), both);
        assert_eq!(
            dirs(Profile::Drive, &[road, ("oneway", "reversible")]),
            None
        );
        assert_eq!(
            dirs(
                Profile::Drive,
                &[road, ("oneway:motor_vehicle", "reversible")]
            ),
            None
        );
    }
}
