//! `.osm.pbf` reading with the `osmpbf` crate, blob by blob, into [`OsmData`].

use std::io::Read;
use std::sync::atomic::Ordering;

use osmpbf::{BlobDecode, BlobReader, Element, RelMemberType};

use super::{CountingReader, MemberKind, OsmData, OsmError, OsmMember, OsmNode, OsmRelation};
use super::{OsmWay, Tags};
use crate::formats::guard::catch_panic;

/// Reads a PBF extract from any reader; `file` names it in errors; `progress` gets the
/// bytes consumed after each blob.
///
/// Every failure, a panic inside the decoder included, comes back as
/// [`OsmError::Pbf`] naming the file, the blob (its index and byte offset) and, when
/// one was being read, the element.
pub fn read<R: Read + Send>(
    reader: R,
    file: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<OsmData, OsmError> {
    let mut acc = Accumulator::default();
    let bytes = visit(reader, file, progress, &mut |e| acc.push(e))?;
    Ok(OsmData::new(acc.nodes, acc.ways, acc.relations, bytes))
}

/// Hands every element of a PBF extract to `element`, blob by blob, and returns the
/// bytes read. Errors as [`read`] describes them.
pub(crate) fn visit<R: Read + Send>(
    reader: R,
    file: &str,
    progress: &mut dyn FnMut(u64),
    element: &mut dyn FnMut(Element<'_>),
) -> Result<u64, OsmError> {
    let counting = CountingReader::new(reader);
    let count = counting.count.clone();
    let mut blobs = BlobReader::new(counting);
    for index in 0.. {
        let at = count.load(Ordering::Relaxed);
        let fail = |message: String| OsmError::Pbf {
            file: file.into(),
            message: format!("blob {index} (near byte {at}): {message}"),
        };
        let Some(blob) = catch_panic(|| blobs.next()).map_err(|p| fail(panicked(&p)))? else {
            break;
        };
        let blob = blob.map_err(|e| fail(e.to_string()))?;
        let decoded = catch_panic(|| blob.decode())
            .map_err(|p| fail(panicked(&p)))?
            .map_err(|e| fail(e.to_string()))?;
        match decoded {
            BlobDecode::OsmData(block) => {
                // The element being read, to name it when the decoder fails inside it.
                let mut current = None;
                catch_panic(|| {
                    block.for_each_element(|e| {
                        current = Some(describe(&e));
                        element(e)
                    })
                })
                .map_err(|p| {
                    let element = current
                        .map(|(kind, id)| format!("{kind} {id}: "))
                        .unwrap_or_default();
                    fail(format!("{element}{}", panicked(&p)))
                })?;
            }
            BlobDecode::OsmHeader(header) => check_features(header.required_features(), file)?,
            BlobDecode::Unknown(_) => {}
        }
        progress(count.load(Ordering::Relaxed));
    }
    Ok(count.load(Ordering::Relaxed))
}

/// The kind and id of an element, for error messages.
fn describe(element: &Element<'_>) -> (&'static str, i64) {
    match element {
        Element::Node(n) => ("node", n.id()),
        Element::DenseNode(n) => ("node", n.id()),
        Element::Way(w) => ("way", w.id()),
        Element::Relation(r) => ("relation", r.id()),
    }
}

fn panicked(message: &str) -> String {
    format!("the decoder failed on damaged data ({message})")
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
            Element::Node(n) => self.nodes.push(node(&n)),
            Element::DenseNode(n) => self.nodes.push(dense_node(&n)),
            Element::Way(w) => self.ways.push(way(&w)),
            Element::Relation(r) => self.relations.push(relation(&r)),
        }
    }
}

pub(crate) fn node(n: &osmpbf::Node<'_>) -> OsmNode {
    OsmNode {
        id: n.id(),
        lon: n.lon(),
        lat: n.lat(),
        tags: tags(n.tags()),
    }
}

pub(crate) fn dense_node(n: &osmpbf::DenseNode<'_>) -> OsmNode {
    OsmNode {
        id: n.id(),
        lon: n.lon(),
        lat: n.lat(),
        tags: tags(n.tags()),
    }
}

pub(crate) fn way(w: &osmpbf::Way<'_>) -> OsmWay {
    OsmWay {
        id: w.id(),
        refs: w.refs().collect(),
        tags: tags(w.tags()),
    }
}

pub(crate) fn relation(r: &osmpbf::Relation<'_>) -> OsmRelation {
    OsmRelation {
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
    }
}

/// Hand-made PBF files for tests: the smallest valid extract, and one whose relation
/// has a member of an unknown type (the decoder panics on it).
#[doc(hidden)]
pub mod crafted {
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn bytes_field(field: u64, data: &[u8], out: &mut Vec<u8>) {
        varint(field << 3 | 2, out);
        varint(data.len() as u64, out);
        out.extend_from_slice(data);
    }
    fn varint_field(field: u64, v: u64, out: &mut Vec<u8>) {
        varint(field << 3, out);
        varint(v, out);
    }
    /// One file block: length, BlobHeader (type, datasize), Blob (raw bytes).
    fn block(kind: &str, payload: &[u8], out: &mut Vec<u8>) {
        let mut blob = Vec::new();
        bytes_field(1, payload, &mut blob);
        let mut header = Vec::new();
        bytes_field(1, kind.as_bytes(), &mut header);
        varint_field(3, blob.len() as u64, &mut header);
        out.extend_from_slice(&(header.len() as u32).to_be_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&blob);
    }

    /// A PBF file: an empty header block, then one data block holding relation 1
    /// with one member (node 2) whose type code is `member_type` (0-2 are known).
    pub fn relation_with_member_type(member_type: u64) -> Vec<u8> {
        let mut out = Vec::new();
        block("OSMHeader", &[], &mut out);
        let mut relation = Vec::new();
        varint_field(1, 1, &mut relation); // id
        bytes_field(8, &[0], &mut relation); // roles_sid
        bytes_field(9, &[4], &mut relation); // memids, zigzag delta: 2
        let mut types = Vec::new();
        varint(member_type, &mut types);
        bytes_field(10, &types, &mut relation);
        let mut group = Vec::new();
        bytes_field(4, &relation, &mut group);
        let mut strings = Vec::new();
        bytes_field(1, b"", &mut strings);
        let mut primitive = Vec::new();
        bytes_field(1, &strings, &mut primitive);
        bytes_field(2, &group, &mut primitive);
        block("OSMData", &primitive, &mut out);
        out
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
    fn a_crafted_file_with_a_known_member_type_reads() {
        let bytes = crafted::relation_with_member_type(0);
        let osm = read(&bytes[..], "ok.osm.pbf", &mut |_| {}).unwrap();
        assert_eq!(osm.relations.len(), 1);
        assert_eq!(osm.relations[0].members[0].kind, MemberKind::Node);
        assert_eq!(osm.relations[0].members[0].id, 2);
    }

    #[test]
    fn a_member_of_unknown_type_is_an_error_naming_the_blob_and_relation() {
        let bytes = crafted::relation_with_member_type(7);
        assert!(bytes.len() < 120, "{} bytes", bytes.len());
        let err = read(&bytes[..], "bad.osm.pbf", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "bad.osm.pbf: not an OpenStreetMap PBF file or damaged: blob 1 (near byte "
            ),
            "{err}"
        );
        assert!(err.contains("relation 1: the decoder failed"), "{err}");
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
