//! Routing legality on real extracts (`../shared/osm`, skipped with a message when
//! absent): barriers, signals and turn restrictions found in plausible numbers, and every
//! resolved restriction sits on edges that meet at its via node.
#![allow(clippy::unwrap_used)] // a helper outside #[test] fns panics on bad data on purpose

use std::path::PathBuf;

use gridpatrol::network::{BuildOptions, NodeControl, Profile, RestrictionKind, RoadNetwork};

/// The shared extract `name`, looked for in `shared/osm` beside the checkout or its
/// parent (worktrees live one level deeper).
fn shared_extract(name: &str) -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .skip(1)
        .take(3)
        .map(|dir| dir.join("shared/osm").join(name))
        .find(|p| p.exists())
}

/// The drive, walk and night-walk networks of a shared extract, checked for what holds
/// on any extract; `None` (with a message) when the file is absent.
fn check_extract(name: &str) -> Option<[RoadNetwork; 3]> {
    let Some(path) = shared_extract(name) else {
        eprintln!("skipped: shared/osm/{name} is not here");
        return None;
    };
    let osm = gridpatrol::formats::osm::read_path(&path, &mut |_| {}).unwrap();
    let drive = RoadNetwork::build(&osm, Profile::Drive).unwrap();
    let walk = RoadNetwork::build(&osm, Profile::Walk).unwrap();
    let night_options = BuildOptions { gates_closed: true };
    let night = RoadNetwork::build_with(&osm, Profile::Walk, &night_options).unwrap();
    eprintln!(
        "{name}:\n  {}\n  {}\n  night {}",
        drive.report, walk.report, night.report
    );
    let relations = osm
        .relations
        .iter()
        .filter(|r| r.tags.is("type", "restriction"))
        .count();
    for net in [&drive, &walk, &night] {
        let r = &net.report;
        // Every restriction relation is applied, skipped for a reason, or for others.
        let seen = r.restrictions.applied + r.restrictions.skipped.total();
        assert_eq!(seen + r.restrictions.other_profiles, relations, "{r}");
        let paths = net.via_way_restrictions.len();
        assert_eq!(net.restrictions.len() + paths, r.restrictions.turns);
        let g = &net.graph;
        let counted = |c: NodeControl| g.node_indices().filter(|&n| g[n].control == c).count();
        assert_eq!(counted(NodeControl::Barrier), r.barrier_nodes);
        assert_eq!(counted(NodeControl::TrafficSignals), r.signal_nodes);
        for t in &net.restrictions {
            assert_eq!(g.edge_endpoints(t.from).unwrap().1, t.via, "{t:?}");
            assert_eq!(g.edge_endpoints(t.to).unwrap().0, t.via, "{t:?}");
        }
        // A via-way restriction is one unbroken path: from, the via edges, then a to edge.
        for p in &net.via_way_restrictions {
            let mut pieces = vec![p.from];
            pieces.extend(&p.via);
            for to in &p.to {
                let ends: Vec<_> = pieces
                    .iter()
                    .chain([to])
                    .map(|&e| g.edge_endpoints(e).unwrap())
                    .collect();
                assert!(ends.windows(2).all(|w| w[0].1 == w[1].0), "{p:?}");
            }
        }
    }
    // Walkers pass more barriers than cars; closing gates for the night bars more.
    assert!(walk.report.barrier_nodes <= drive.report.barrier_nodes);
    assert!(night.report.barrier_nodes >= walk.report.barrier_nodes);
    Some([drive, walk, night])
}

#[test]
fn monaco_has_signals_and_gates_that_close_at_night() {
    let Some([drive, walk, night]) = check_extract("monaco.osm.pbf") else {
        return;
    };
    assert!(drive.report.signal_nodes > 0, "{}", drive.report);
    assert!(walk.report.signal_nodes >= drive.report.signal_nodes);
    assert!(night.report.barrier_nodes > walk.report.barrier_nodes);
    // This extract carries no restriction relations at all.
    assert_eq!(drive.report.restrictions, Default::default());
}

#[test]
fn andorra_has_barriers_for_cars() {
    let Some([drive, walk, _]) = check_extract("andorra.osm.pbf") else {
        return;
    };
    assert!(
        drive.report.barrier_nodes > walk.report.barrier_nodes,
        "{}",
        drive.report
    );
    assert!(drive.report.signal_nodes > 0);
}

#[test]
fn heidelberg_resolves_most_of_its_turn_restrictions() {
    let Some([drive, walk, night]) = check_extract("heidelberg.osm.pbf") else {
        return;
    };
    let r = &drive.report.restrictions;
    assert!(r.applied > 100 && r.applied > 4 * r.skipped.total(), "{r}");
    assert!(drive
        .restrictions
        .iter()
        .any(|t| t.kind == RestrictionKind::No));
    assert!(drive
        .restrictions
        .iter()
        .any(|t| t.kind == RestrictionKind::Only));
    assert!(drive.report.barrier_nodes > walk.report.barrier_nodes);
    assert!(night.report.barrier_nodes > walk.report.barrier_nodes);
    assert!(drive.report.signal_nodes > 100);
}

#[test]
fn tsinghua_resolves_its_via_way_u_turn_bans() {
    let Some([drive, _, _]) = check_extract("beijing-haidian-tsinghua.osm") else {
        return;
    };
    // Two u-turn bans across the median of 成府路, each along one short via way; the
    // to-way of r1666020 runs out of the extract one way only, so the graph drops it.
    let resolved: Vec<i64> = drive
        .via_way_restrictions
        .iter()
        .map(|p| p.relation_id)
        .collect();
    assert_eq!(resolved, vec![1666021], "{}", drive.report);
    let skipped = &drive.report.restrictions.skipped;
    assert_eq!(
        (skipped.via_way, skipped.not_in_graph),
        (0, 1),
        "{}",
        drive.report
    );
}
