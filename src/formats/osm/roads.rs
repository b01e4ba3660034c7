//! Reading only what a road network is built from, so a city extract's buildings, land
//! use and their tags never sit in memory: ways tagged `highway`, the `type=restriction`
//! relations, the other ways those relations name (their nodes only, without tags), and
//! the nodes all of these use. A road network built on the result is the same, with the
//! same report, as one built on the whole extract (`tests/osm_roads.rs` checks it).
//!
//! A PBF extract is read in two passes over its bytes: ways and relations first (keeping
//! only the node ids the kept ways use), then the nodes among those. Way references to
//! nodes missing from the extract are still counted over every way, as
//! [`OsmData::missing_node_refs`] does for the whole extract. Duplicate ids are refused
//! among the kept elements. An XML extract is read whole, then cut down the same way.
//!
//! ```
//! use gridpatrol::formats::osm;
//! let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
//! let roads = osm::roads::read_bytes(&bytes, "sample").unwrap();
//! let all = osm::read_bytes(&bytes, "sample").unwrap();
//! assert!(roads.nodes.len() < all.nodes.len());
//! assert!(roads.ways.iter().any(|w| w.tags.get("highway").is_some()));
//! assert_eq!(roads.missing_node_refs, all.missing_node_refs);
//! ```

use std::collections::HashSet;

use osmpbf::Element;

use super::{pbf, read_checked, OsmData, OsmError};
use super::{MemberKind, OsmNode, OsmRelation, OsmWay};

/// Reads the road part of an extract held in memory; `file` names it in errors.
pub fn read_bytes(bytes: &[u8], file: &str) -> Result<OsmData, OsmError> {
    read_bytes_with_progress(bytes, file, &mut |_| {})
}

/// Like [`read_bytes`], calling `progress(bytes)` now and then (each pass of a PBF
/// file counts half of its bytes).
pub fn read_bytes_with_progress(
    bytes: &[u8],
    file: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<OsmData, OsmError> {
    read_checked(bytes, file, progress, read_pbf, keep_roads)
}

/// Whether a relation is one the road network reads.
fn is_restriction(relation: &OsmRelation) -> bool {
    relation.tags.is("type", "restriction")
}

/// Whether a way is one a travel profile may use (every profile needs `highway`).
fn is_road(way: &OsmWay) -> bool {
    way.tags.get("highway").is_some()
}

/// The ids of the ways the relations name.
fn member_ways(relations: &[OsmRelation]) -> HashSet<i64> {
    relations
        .iter()
        .flat_map(|r| &r.members)
        .filter(|m| m.kind == MemberKind::Way)
        .map(|m| m.id)
        .collect()
}

/// The node ids the kept ways and relations use, sorted, without repeats.
fn needed_nodes(ways: &[OsmWay], relations: &[OsmRelation]) -> Vec<i64> {
    let mut ids: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    let members = relations.iter().flat_map(|r| &r.members);
    ids.extend(members.filter(|m| m.kind == MemberKind::Node).map(|m| m.id));
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The road part of a whole extract (what [`read_bytes`] keeps), its count of missing
/// node references kept.
pub fn keep_roads(data: OsmData) -> OsmData {
    let OsmData {
        nodes,
        ways,
        mut relations,
        bytes_read,
        missing_node_refs,
        ..
    } = data;
    relations.retain(is_restriction);
    let members = member_ways(&relations);
    let ways: Vec<OsmWay> = ways
        .into_iter()
        .filter(|w| is_road(w) || members.contains(&w.id))
        .map(|w| if is_road(&w) { w } else { untagged(w) })
        .collect();
    let needed = needed_nodes(&ways, &relations);
    let nodes: Vec<OsmNode> = nodes
        .into_iter()
        .filter(|n| needed.binary_search(&n.id).is_ok())
        .collect();
    let mut roads = OsmData::new(nodes, ways, relations, bytes_read);
    roads.missing_node_refs = missing_node_refs;
    roads
}

fn untagged(way: OsmWay) -> OsmWay {
    OsmWay {
        tags: Default::default(),
        ..way
    }
}

/// What the first PBF pass keeps: road ways whole, every other way's node references
/// (to count missing ones, and for restrictions naming it), restriction relations.
#[derive(Default)]
struct WaysPass {
    /// `(position among the file's ways, way)`.
    roads: Vec<(usize, OsmWay)>,
    /// `(position, id, range in other_refs)` of ways that are no roads.
    others: Vec<(usize, i64, std::ops::Range<usize>)>,
    other_refs: Vec<i64>,
    relations: Vec<OsmRelation>,
    seen_ways: usize,
}

impl WaysPass {
    fn push(&mut self, element: Element<'_>) {
        match element {
            Element::Way(w) => {
                let position = self.seen_ways;
                self.seen_ways += 1;
                if w.tags().any(|(k, _)| k == "highway") {
                    let way = pbf::way(&w);
                    self.roads.push((position, way));
                } else {
                    let start = self.other_refs.len();
                    self.other_refs.extend(w.refs());
                    self.others
                        .push((position, w.id(), start..self.other_refs.len()));
                }
            }
            Element::Relation(r) if r.tags().any(|t| t == ("type", "restriction")) => {
                self.relations.push(pbf::relation(&r));
            }
            // Other relations are not kept, but their members are still decoded: a
            // damaged one must be the same error as when the whole extract is read.
            Element::Relation(r) => r.members().for_each(drop),
            _ => {}
        }
    }

    /// The kept ways in file order, and every way's node references, sorted.
    fn finish(self) -> (Vec<OsmWay>, Vec<OsmRelation>, Vec<i64>) {
        let members = member_ways(&self.relations);
        let named: Vec<(usize, OsmWay)> = self
            .others
            .into_iter()
            .filter(|(_, id, _)| members.contains(id))
            .map(|(position, id, refs)| {
                let refs = self.other_refs[refs].to_vec();
                let tags = Default::default();
                (position, OsmWay { id, refs, tags })
            })
            .collect();
        // The other ways' references become the list to count from, without a copy: on a
        // city extract they are mostly buildings', the largest thing this pass holds.
        let mut all_refs = self.other_refs;
        all_refs.extend(self.roads.iter().flat_map(|(_, w)| w.refs.iter().copied()));
        all_refs.sort_unstable();
        let mut ways = self.roads;
        ways.extend(named);
        ways.sort_unstable_by_key(|(position, _)| *position);
        let ways = ways.into_iter().map(|(_, w)| w).collect();
        (ways, self.relations, all_refs)
    }
}

/// Two passes over a PBF extract (see the module docs).
fn read_pbf(bytes: &[u8], file: &str, progress: &mut dyn FnMut(u64)) -> Result<OsmData, OsmError> {
    let mut first = WaysPass::default();
    pbf::visit(bytes, file, &mut |done| progress(done / 2), &mut |e| {
        first.push(e)
    })?;
    let (ways, relations, all_refs) = first.finish();
    let needed = needed_nodes(&ways, &relations);
    let mut nodes = Vec::with_capacity(needed.len());
    let mut present_refs = 0usize;
    let half = bytes.len() as u64 / 2;
    let read = pbf::visit(
        bytes,
        file,
        &mut |done| progress(half + done / 2),
        &mut |e| {
            let node = match e {
                Element::Node(n) => pbf::node(&n),
                Element::DenseNode(n) => pbf::dense_node(&n),
                _ => return,
            };
            let from = all_refs.partition_point(|&r| r < node.id);
            present_refs += all_refs[from..].partition_point(|&r| r == node.id);
            if needed.binary_search(&node.id).is_ok() {
                nodes.push(node);
            }
        },
    )?;
    nodes.shrink_to_fit();
    let mut data = OsmData::new(nodes, ways, relations, read);
    data.missing_node_refs = all_refs.len() - present_refs;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_passes_keep_what_cutting_the_whole_extract_keeps() {
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let all = crate::formats::osm::read_bytes(&bytes, "sample").unwrap();
        let cut = keep_roads(all.clone());
        let read = read_bytes(&bytes, "sample").unwrap();
        assert_eq!(read.nodes, cut.nodes);
        assert_eq!(read.ways, cut.ways);
        assert_eq!(read.relations, cut.relations);
        assert_eq!(read.missing_node_refs, all.missing_node_refs);
        assert!(read.ways.iter().all(|w| w.tags.get("building").is_none()));
    }

    /// A restriction naming a way that is no road, and a way reaching a node outside
    /// the extract: the way keeps its nodes (untagged), the missing node is counted.
    #[test]
    fn restriction_members_and_missing_nodes_are_kept_and_counted() {
        let text = r#"<osm>
            <node id="1" lat="39.960" lon="116.350"/>
            <node id="2" lat="39.960" lon="116.351"/>
            <node id="3" lat="39.961" lon="116.351"><tag k="shop" v="books"/></node>
            <node id="4" lat="39.962" lon="116.351"/>
            <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
            <way id="11"><nd ref="2"/><nd ref="3"/><nd ref="99"/><tag k="barrier" v="fence"/></way>
            <way id="12"><nd ref="4"/><nd ref="98"/><tag k="building" v="yes"/></way>
            <relation id="20"><member type="way" ref="10" role="from"/>
              <member type="node" ref="2" role="via"/><member type="way" ref="11" role="to"/>
              <tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
            <relation id="21"><member type="way" ref="12" role="outer"/>
              <tag k="type" v="multipolygon"/></relation>
        </osm>"#;
        let roads = read_bytes(text.as_bytes(), "t.osm").unwrap();
        let ids = |v: Vec<i64>| v;
        assert_eq!(ids(roads.nodes.iter().map(|n| n.id).collect()), [1, 2, 3]);
        assert_eq!(ids(roads.ways.iter().map(|w| w.id).collect()), [10, 11]);
        assert!(roads.ways[1].tags.is_empty());
        assert_eq!(roads.ways[1].refs, [2, 3, 99]);
        assert_eq!(ids(roads.relations.iter().map(|r| r.id).collect()), [20]);
        assert_eq!(roads.missing_node_refs, 2);
    }

    #[test]
    fn bad_input_is_the_readers_error() {
        let damaged = pbf::crafted::relation_with_member_type(7);
        let whole = crate::formats::osm::read_bytes(&damaged, "d.osm.pbf").unwrap_err();
        let roads = read_bytes(&damaged, "d.osm.pbf").unwrap_err();
        assert_eq!(roads.to_string(), whole.to_string());
        let err = read_bytes(b"hello", "x.txt").unwrap_err();
        assert!(matches!(err, OsmError::UnknownFormat { .. }), "{err}");
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let err = read_bytes(&bytes[..bytes.len() / 2], "cut.osm.pbf")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cut.osm.pbf:"), "{err}");
    }
}
