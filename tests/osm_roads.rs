//! The road part of an extract (`formats::osm::roads`) builds the very networks, with the
//! same build reports, that the whole extract builds, for both profiles.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use gridpatrol::formats::osm;
use gridpatrol::network::{Profile, RoadNetwork};

fn same_network(a: &RoadNetwork, b: &RoadNetwork) {
    assert_eq!(a.report, b.report);
    assert_eq!(a.restrictions, b.restrictions);
    let (ga, gb) = (&a.graph, &b.graph);
    assert_eq!(ga.node_count(), gb.node_count());
    assert_eq!(ga.edge_count(), gb.edge_count());
    for n in ga.node_indices() {
        assert_eq!(ga[n], gb[n]);
    }
    for e in ga.edge_indices() {
        assert_eq!(ga[e], gb[e]);
        assert_eq!(ga.edge_endpoints(e), gb.edge_endpoints(e));
    }
}

#[test]
fn the_road_part_builds_the_same_networks_as_the_whole_extract() {
    for name in [gridpatrol::sample::OSM_PBF, "osm/haidian-bupt.osm"] {
        let bytes = gridpatrol::sample::file(name).unwrap();
        let all = osm::read_bytes(&bytes, name).unwrap();
        let roads = osm::roads::read_bytes(&bytes, name).unwrap();
        assert!(roads.nodes.len() < all.nodes.len(), "{name}");
        assert!(roads.ways.len() < all.ways.len(), "{name}");
        assert_eq!(roads.bytes_read, bytes.len() as u64);
        for profile in Profile::ALL {
            let whole = RoadNetwork::build(&all, profile).unwrap();
            let part = RoadNetwork::build(&roads, profile).unwrap();
            same_network(&whole, &part);
        }
    }
}
