//! Routing legality on real extracts (`../shared/osm`, skipped with a message when
//! absent): barriers, signals and turn restrictions found in plausible numbers, and every
//! resolved restriction sits on edges that meet at its via node.

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

fn check_extract(name: &str) {
    let Some(path) = shared_extract(name) else {
        eprintln!("skipped: shared/osm/{name} is not here");
        return;
    };
    let osm = gridpatrol::formats::osm::read_path(&path, &mut |_| {}).unwrap();
    let drive = RoadNetwork::build(&osm, Profile::Drive).unwrap();
    let walk = RoadNetwork::build(&osm, Profile::Walk).unwrap();
    let night =
        RoadNetwork::build_with(&osm, Profile::Walk, &BuildOptions { gates_closed: true }).unwrap();
    eprintln!(
        "{name}:\n  {}\n  {}\n  night {}",
        drive.report, walk.report, night.report
    );

    let r = &drive.report;
    assert!(r.restrictions.applied > 0, "{r}");
    assert!(r.barrier_nodes > 0 && r.signal_nodes > 0, "{r}");
    // Most restrictions of a real extract resolve; the skipped are the exception.
    assert!(
        r.restrictions.applied > r.restrictions.skipped.total(),
        "{r}"
    );
    assert_eq!(drive.restrictions.len(), r.restrictions.turns);
    let g = &drive.graph;
    let counted = |c: NodeControl| g.node_indices().filter(|&n| g[n].control == c).count();
    assert_eq!(counted(NodeControl::Barrier), r.barrier_nodes);
    assert_eq!(counted(NodeControl::TrafficSignals), r.signal_nodes);
    for t in &drive.restrictions {
        assert_eq!(g.edge_endpoints(t.from).unwrap().1, t.via, "{t:?}");
        assert_eq!(g.edge_endpoints(t.to).unwrap().0, t.via, "{t:?}");
    }
    assert!(drive
        .restrictions
        .iter()
        .any(|t| t.kind == RestrictionKind::No));
    // Plain restrictions bind cars, not walkers.
    assert!(walk.report.restrictions.other_profiles >= r.restrictions.applied);
    // Walkers pass more barriers than cars; closing gates for the night bars more.
    assert!(
        walk.report.barrier_nodes < r.barrier_nodes,
        "{}",
        walk.report
    );
    assert!(
        night.report.barrier_nodes > walk.report.barrier_nodes,
        "{}",
        night.report
    );
}

#[test]
fn monaco_has_barriers_signals_and_restrictions() {
    check_extract("monaco.osm.pbf");
}

#[test]
fn andorra_has_barriers_signals_and_restrictions() {
    check_extract("andorra.osm.pbf");
}
