//! `.osm.pbf` reading with the `osmpbf` crate, blob by blob, into [`OsmData`].

use std::io::Read;
use std::sync::atomic::Ordering;

use osmpbf::{BlobDecode, BlobReader, Element, RelMemberType};

use super::{CountingReader, MemberKind, OsmData, OsmError, OsmMember, OsmNode, OsmRelation};
use super::{OsmWay, Tags};

/// Reads a PBF extract from any reader; `file` names it in errors; `progress` gets the
/// bytes consumed after each blob.
pub fn read<R: Read + Send>(
    reader: R,
    file: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<OsmData, OsmError> {
    let counting = CountingReader::new(reader);
    let count = counting.count.clone();
    let mut acc = Accumulator::default();
    for blob in BlobReader::new(counting) {
        let at = count.load(Ordering::Relaxed);
        let fail = |e: osmpbf::Error| OsmError::Pbf {
            file: file.into(),
            message: format!("near byte {at}: {e}"),
        };
        match blob.map_err(fail)?.decode().map_err(fail)? {
            BlobDecode::OsmData(block) => block.for_each_element(|e| acc.push(e)),
            BlobDecode::OsmHeader(header) => check_features(header.required_features(), file)?,
            BlobDecode::Unknown(_) => {}
        }
        progress(count.load(Ordering::Relaxed));
    }
    let bytes = count.load(Ordering::Relaxed);
    Ok(OsmData::new(acc.nodes, acc.ways, acc.relations, bytes))
}

/// Refuses files that need a feature this reader does not have (e.g. history files).
fn check_features(required: &[String], file: &str) -> Result<(), OsmError> {
    const KNOWN: [&str; 3] = ["OsmSchema-V0.6", "DenseNodes", "Sort.Type_then_ID"];
    match required.iter().find(|f| !KNOWN.contains(&f.as_str())) {
        Some(f) => Err(OsmError::Pbf {
            file: file.into(),
            message: format!("requires unsupported feature {f:?}"),
        }),
        None => Ok(()),
    }
}

#[derive(Default)]
struct Accumulator {
    nodes: Vec<OsmNode>,
    ways: Vec<OsmWay>,
    relations: Vec<OsmRelation>,
}

fn tags<'a>(iter: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    Tags(iter.map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
}

impl Accumulator {
    fn push(&mut self, element: Element<'_>) {
        match element {
            Element::Node(n) => self.nodes.push(OsmNode {
                id: n.id(),
                lon: n.lon(),
                lat: n.lat(),
                tags: tags(n.tags()),
            }),
            Element::DenseNode(n) => self.nodes.push(OsmNode {
                id: n.id(),
                lon: n.lon(),
                lat: n.lat(),
                tags: tags(n.tags()),
            }),
            Element::Way(w) => self.ways.push(OsmWay {
                id: w.id(),
                refs: w.refs().collect(),
                tags: tags(w.tags()),
            }),
            Element::Relation(r) => self.relations.push(OsmRelation {
                id: r.id(),
                members: r
                    .members()
                    .map(|m| OsmMember {
                        kind: match m.member_type {
                            RelMemberType::Node => MemberKind::Node,
                            RelMemberType::Way => MemberKind::Way,
                            RelMemberType::Relation => MemberKind::Relation,
                        },
                        id: m.member_id,
                        role: m.role().unwrap_or_default().to_owned(),
                    })
                    .collect(),
                tags: tags(r.tags()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sample() {
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let mut calls = 0;
        let osm = read(&bytes[..], "sample.osm.pbf", &mut |_| calls += 1).unwrap();
        assert!(calls >= 1);
        assert!(osm.nodes.len() > 1000, "{}", osm.nodes.len());
        assert!(
            osm.ways
                .iter()
                .filter(|w| w.tags.get("highway").is_some())
                .count()
                > 100
        );
        assert!(osm.ways.iter().any(|w| w.tags.get("building").is_some()));
        assert_eq!(osm.bytes_read, bytes.len() as u64);
    }

    #[test]
    fn truncated_file_is_a_clear_error() {
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let cut = &bytes[..bytes.len() / 2];
        let err = read(cut, "cut.osm.pbf", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cut.osm.pbf:"), "{err}");
    }
}
