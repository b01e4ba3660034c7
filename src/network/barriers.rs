//! What stands at a node for one profile: barriers (gates, bollards, walls...) that stop
//! it, and traffic signals that slow it. One function, [`node_control`], reads a node's
//! tags; the build calls it only for tagged nodes of usable ways.

use super::profile::Access;
use super::{BuildOptions, NodeControl, Profile};
use crate::formats::osm::Tags;

/// Barriers a car passes unless the node's access tags or the options close them
/// (as OSRM's car profile does: every other barrier stops a car).
const CAR_PASSABLE: &[&str] = &[
    "gate",
    "lift_gate",
    "swing_gate",
    "sliding_gate",
    "entrance",
    "cattle_grid",
    "border_control",
    "toll_booth",
    "sally_port",
    "height_restrictor",
    "arch",
    "kerb",
    "no",
];

/// Barriers a walker cannot get through or round (every other one a walker passes:
/// bollards, chains, stiles, turnstiles, cycle barriers...). `yes` says nothing about
/// the kind, so it is taken as closed, like OSRM's foot profile does.
const WALK_BLOCKING: &[&str] = &[
    "wall",
    "fence",
    "hedge",
    "retaining_wall",
    "city_wall",
    "guard_rail",
    "ditch",
    "yes",
];

/// Barriers that are gates: open by day unless tagged closed, shut at night when
/// [`BuildOptions::gates_closed`] is set.
const GATES: &[&str] = &[
    "gate",
    "lift_gate",
    "swing_gate",
    "sliding_gate",
    "wicket_gate",
    "hampshire_gate",
    "entrance",
];

/// What a node with these tags is for `profile`: a barrier it may not pass, traffic
/// signals, or nothing.
///
/// ```
/// use gridpatrol::formats::osm::Tags;
/// use gridpatrol::network::{barriers::node_control, BuildOptions, NodeControl, Profile};
/// let tags = |t: &[(&str, &str)]| Tags(t.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
/// let bollard = tags(&[("barrier", "bollard")]);
/// let day = BuildOptions::default();
/// assert_eq!(node_control(Profile::Drive, &bollard, &day), NodeControl::Barrier);
/// assert_eq!(node_control(Profile::Walk, &bollard, &day), NodeControl::Free);
/// let gate = tags(&[("barrier", "gate")]);
/// assert_eq!(node_control(Profile::Walk, &gate, &day), NodeControl::Free);
/// let night = BuildOptions { gates_closed: true };
/// assert_eq!(node_control(Profile::Walk, &gate, &night), NodeControl::Barrier);
/// ```
pub fn node_control(profile: Profile, tags: &Tags, options: &BuildOptions) -> NodeControl {
    if tags.is_empty() {
        NodeControl::Free
    } else if blocks(profile, tags, options) {
        NodeControl::Barrier
    } else if signalled(profile, tags) {
        NodeControl::TrafficSignals
    } else {
        NodeControl::Free
    }
}

/// Whether a barrier (or, with gates closed, a compound entrance) stops `profile`.
///
/// In order: access tags that deny (`access=private`, `foot=no`...) close it; a gate
/// `locked=yes` or shut for the night closes it unless the profile's own key lets it
/// through (a side wicket: `foot=yes`); access tags that allow open it; otherwise the
/// kind decides ([`CAR_PASSABLE`], [`WALK_BLOCKING`]).
fn blocks(profile: Profile, tags: &Tags, options: &BuildOptions) -> bool {
    let barrier = tags.get("barrier").filter(|b| *b != "no");
    let entrance = tags.get("entrance").filter(|e| *e != "no");
    if barrier.is_none() && entrance.is_none() {
        return false;
    }
    let access = profile.access(tags);
    if access == Some(Access::Denied) {
        return true;
    }
    let is_gate = barrier.map_or(entrance.is_some(), |b| GATES.contains(&b));
    let own_allows = profile.own_access(tags).is_some_and(Access::admits);
    if is_gate && !own_allows {
        if tags.is("locked", "yes") {
            return true;
        }
        if options.gates_closed && !open_all_night(profile, tags) {
            return true;
        }
    }
    if access.is_some_and(Access::admits) {
        return false;
    }
    match (barrier, profile) {
        (None, _) => false,
        (Some(kind), Profile::Drive) => !CAR_PASSABLE.contains(&kind),
        (Some(kind), Profile::Walk) => WALK_BLOCKING.contains(&kind),
    }
}

/// A gate that stays open at night: `opening_hours=24/7`, or `yes` on the most specific
/// access key present for the profile (`access=yes`, `foot=yes`...).
fn open_all_night(profile: Profile, tags: &Tags) -> bool {
    let access_value = profile
        .own_access_keys()
        .iter()
        .chain(&["access"])
        .find_map(|k| tags.get(k));
    tags.is("opening_hours", "24/7") || access_value == Some("yes")
}

/// Traffic signals: `highway=traffic_signals` for everyone; on foot also signalled
/// crossings (`highway=crossing` with `crossing=traffic_signals` or
/// `crossing:signals=yes`).
fn signalled(profile: Profile, tags: &Tags) -> bool {
    match tags.get("highway") {
        Some("traffic_signals") => true,
        Some("crossing") => {
            profile == Profile::Walk
                && (tags.is("crossing", "traffic_signals") || tags.is("crossing:signals", "yes"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::build::tests::tags;

    const DAY: BuildOptions = BuildOptions {
        gates_closed: false,
    };
    const NIGHT: BuildOptions = BuildOptions { gates_closed: true };

    fn control(p: Profile, t: &[(&str, &str)], options: &BuildOptions) -> NodeControl {
        node_control(p, &tags(t), options)
    }

    fn stops(p: Profile, t: &[(&str, &str)]) -> bool {
        control(p, t, &DAY) == NodeControl::Barrier
    }

    #[test]
    fn each_barrier_kind_per_profile() {
        // (kind, stops a car, stops a walker), with no access tags on the node.
        let kinds = [
            ("gate", false, false),
            ("lift_gate", false, false),
            ("swing_gate", false, false),
            ("entrance", false, false),
            ("cattle_grid", false, false),
            ("toll_booth", false, false),
            ("border_control", false, false),
            ("height_restrictor", false, false),
            ("bollard", true, false),
            ("block", true, false),
            ("chain", true, false),
            ("kissing_gate", true, false),
            ("stile", true, false),
            ("turnstile", true, false),
            ("cycle_barrier", true, false),
            ("jersey_barrier", true, false),
            ("motorcycle_barrier", true, false),
            ("fence", true, true),
            ("wall", true, true),
            ("hedge", true, true),
            ("yes", true, true),
        ];
        for (kind, car, walker) in kinds {
            assert_eq!(stops(Profile::Drive, &[("barrier", kind)]), car, "{kind}");
            assert_eq!(stops(Profile::Walk, &[("barrier", kind)]), walker, "{kind}");
        }
        assert!(!stops(Profile::Drive, &[("barrier", "no")]));
    }

    #[test]
    fn node_access_opens_and_closes_barriers() {
        for p in Profile::ALL {
            assert!(
                stops(p, &[("barrier", "gate"), ("access", "private")]),
                "{p}"
            );
            assert!(stops(p, &[("barrier", "gate"), ("access", "no")]), "{p}");
            assert!(stops(p, &[("barrier", "gate"), ("locked", "yes")]), "{p}");
            assert!(!stops(p, &[("barrier", "gate"), ("access", "destination")]));
        }
        // A locked gate with a wicket for walkers.
        let wicket = [("barrier", "gate"), ("locked", "yes"), ("foot", "yes")];
        assert!(!stops(Profile::Walk, &wicket));
        assert!(stops(Profile::Drive, &wicket));
        // A private gate that lets walkers through.
        let side = [
            ("barrier", "lift_gate"),
            ("access", "private"),
            ("foot", "yes"),
        ];
        assert!(!stops(Profile::Walk, &side));
        assert!(stops(Profile::Drive, &side));
        // A bollard that lets cars through (retractable, or an access hierarchy).
        assert!(!stops(
            Profile::Drive,
            &[("barrier", "bollard"), ("motor_vehicle", "yes")]
        ));
        assert!(stops(
            Profile::Drive,
            &[
                ("barrier", "bollard"),
                ("access", "yes"),
                ("motorcar", "no")
            ]
        ));
        assert!(stops(
            Profile::Walk,
            &[("barrier", "bollard"), ("foot", "no")]
        ));
        assert!(!stops(
            Profile::Walk,
            &[("barrier", "fence"), ("foot", "yes")]
        ));
    }

    #[test]
    fn gates_close_at_night_unless_open_all_night() {
        for p in Profile::ALL {
            for gate in [
                &[("barrier", "gate")][..],
                &[("barrier", "lift_gate")],
                &[("barrier", "swing_gate")],
                &[("entrance", "main")],
                &[("barrier", "entrance")],
            ] {
                assert_eq!(control(p, gate, &DAY), NodeControl::Free, "{p} {gate:?}");
                assert_eq!(
                    control(p, gate, &NIGHT),
                    NodeControl::Barrier,
                    "{p} {gate:?}"
                );
            }
            let open = [("barrier", "gate"), ("opening_hours", "24/7")];
            assert_eq!(control(p, &open, &NIGHT), NodeControl::Free);
            let open = [("barrier", "gate"), ("access", "yes")];
            assert_eq!(control(p, &open, &NIGHT), NodeControl::Free);
            // Permission by day is not an all-night opening.
            let day_only = [("barrier", "gate"), ("access", "permissive")];
            assert_eq!(control(p, &day_only, &NIGHT), NodeControl::Barrier);
            // A gate that is not a gate kind is unaffected by the night.
            assert_eq!(
                control(p, &[("barrier", "cattle_grid")], &NIGHT),
                control(p, &[("barrier", "cattle_grid")], &DAY)
            );
        }
        let walkers_all_night = [("barrier", "gate"), ("access", "private"), ("foot", "yes")];
        assert_eq!(
            control(Profile::Walk, &walkers_all_night, &NIGHT),
            NodeControl::Free
        );
    }

    #[test]
    fn signals_for_drivers_and_signalled_crossings_for_walkers() {
        let signals = [("highway", "traffic_signals")];
        let crossing = [("highway", "crossing"), ("crossing", "traffic_signals")];
        let new_style = [("highway", "crossing"), ("crossing:signals", "yes")];
        let zebra = [("highway", "crossing"), ("crossing", "uncontrolled")];
        for p in Profile::ALL {
            assert_eq!(control(p, &signals, &DAY), NodeControl::TrafficSignals);
            assert_eq!(control(p, &zebra, &DAY), NodeControl::Free);
        }
        assert_eq!(
            control(Profile::Walk, &crossing, &DAY),
            NodeControl::TrafficSignals
        );
        assert_eq!(
            control(Profile::Walk, &new_style, &DAY),
            NodeControl::TrafficSignals
        );
        assert_eq!(control(Profile::Drive, &crossing, &DAY), NodeControl::Free);
        // A barrier at a signal still bars.
        let both = [("highway", "traffic_signals"), ("barrier", "bollard")];
        assert_eq!(control(Profile::Drive, &both, &DAY), NodeControl::Barrier);
    }
}
