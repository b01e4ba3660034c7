//! OpenStreetMap extracts: `.osm.pbf` ([`pbf`]) and `.osm` XML ([`xml`]), both read into
//! one plain [`OsmData`]: every node with its location, every way with its node
//! references, every relation with its members, all with their tags. Nothing is
//! filtered here; the road network, buildings, schools and land use are extracted from it
//! by whoever needs them.
//!
//! The readers take bytes or a reader; [`read_path`] is the thin file-opening helper.
//!
//! ```
//! let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
//! let osm = gridpatrol::formats::osm::read_bytes(&bytes, "sample").unwrap();
//! assert!(osm.ways.iter().any(|w| w.tags.get("highway").is_some()));
//! assert_eq!(osm.bytes_read, bytes.len() as u64);
//! ```

pub mod addresses;
pub mod pbf;
pub mod roads;
pub mod xml;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Tags of an element, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl Tags {
    /// The value of `key`, if tagged.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    /// True when `key` is tagged with exactly `value`.
    pub fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == Some(value)
    }
    /// True when the element has no tags.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many tags the element has.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// A node: a WGS-84 position, with tags where tagged.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmNode {
    /// The OSM node id (negative for unsaved edits).
    pub id: i64,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// The node's tags (empty for plain way vertices).
    pub tags: Tags,
}

/// A way: an ordered list of node ids with tags.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    /// The OSM way id.
    pub id: i64,
    /// Ids of its nodes, in drawing order (a closed way repeats the first).
    pub refs: Vec<i64>,
    /// The way's tags.
    pub tags: Tags,
}

/// What kind of element a relation member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// A node member.
    Node,
    /// A way member.
    Way,
    /// A relation member (relations may nest).
    Relation,
}

/// One member of a relation.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmMember {
    /// Whether the member is a node, a way or a relation.
    pub kind: MemberKind,
    /// The member's OSM id (may refer to an element outside the extract).
    pub id: i64,
    /// Its role in the relation (`outer`, `inner`, `admin_centre`…; may be empty).
    pub role: String,
}

/// A relation: members with roles, and tags (multipolygons, boundaries, routes...).
#[derive(Debug, Clone, PartialEq)]
pub struct OsmRelation {
    /// The OSM relation id.
    pub id: i64,
    /// Its members, in file order.
    pub members: Vec<OsmMember>,
    /// The relation's tags.
    pub tags: Tags,
}

/// Everything an extract holds.
#[derive(Debug, Clone, Default)]
pub struct OsmData {
    /// Every node, in file order.
    pub nodes: Vec<OsmNode>,
    /// Every way, in file order.
    pub ways: Vec<OsmWay>,
    /// Every relation, in file order.
    pub relations: Vec<OsmRelation>,
    /// Bytes of the file consumed (to report MB/s).
    pub bytes_read: u64,
    /// Way node references whose node is not in the extract (clipped extracts): such
    /// references are skipped by [`OsmData::way_nodes`].
    pub missing_node_refs: usize,
    node_index: NodeIndex,
}

/// How a node is found by its id. Extracts cut by the usual tools list nodes in id order,
/// and a binary search over them needs no memory of its own; a hash map (16 bytes and
/// more a node) serves the files that do not.
#[derive(Debug, Clone, Default)]
enum NodeIndex {
    #[default]
    Sorted,
    Hashed(HashMap<i64, usize>),
}

impl NodeIndex {
    fn of(nodes: &[OsmNode]) -> Self {
        if nodes.windows(2).all(|w| w[0].id < w[1].id) {
            NodeIndex::Sorted
        } else {
            NodeIndex::Hashed(nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect())
        }
    }

    fn position(&self, nodes: &[OsmNode], id: i64) -> Option<usize> {
        match self {
            NodeIndex::Sorted => nodes.binary_search_by_key(&id, |n| n.id).ok(),
            NodeIndex::Hashed(map) => map.get(&id).copied(),
        }
    }
}

impl OsmData {
    /// Assembles the data once reading is done: indexes nodes by id and counts way
    /// references to nodes that are not in the extract.
    pub fn new(
        nodes: Vec<OsmNode>,
        ways: Vec<OsmWay>,
        relations: Vec<OsmRelation>,
        bytes_read: u64,
    ) -> Self {
        let node_index = NodeIndex::of(&nodes);
        let missing_node_refs = ways
            .iter()
            .flat_map(|w| w.refs.iter())
            .filter(|&&r| node_index.position(&nodes, r).is_none())
            .count();
        Self {
            nodes,
            ways,
            relations,
            bytes_read,
            missing_node_refs,
            node_index,
        }
    }

    /// The node with this id, if the extract has it.
    pub fn node(&self, id: i64) -> Option<&OsmNode> {
        self.node_position(id).map(|i| &self.nodes[i])
    }

    /// The position of a node in [`OsmData::nodes`], if the extract has it.
    pub fn node_position(&self, id: i64) -> Option<usize> {
        self.node_index.position(&self.nodes, id)
    }

    /// The position of a node as `(lon, lat)`, if the extract has it.
    pub fn location(&self, id: i64) -> Option<(f64, f64)> {
        self.node(id).map(|n| (n.lon, n.lat))
    }

    /// A way's nodes that are present in the extract, in order (missing ones skipped).
    pub fn way_nodes<'a>(&'a self, way: &'a OsmWay) -> impl Iterator<Item = &'a OsmNode> + 'a {
        way.refs.iter().filter_map(move |&r| self.node(r))
    }
}

/// A problem reading an extract: the file, the element and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file name as given.
        file: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A PBF file whose blocks cannot be decoded.
    #[error("{file}: not an OpenStreetMap PBF file or damaged: {message}")]
    Pbf {
        /// The file name as given.
        file: String,
        /// The decoder's description of the damage.
        message: String,
    },
    /// An XML file that is not well-formed, or not OpenStreetMap XML at all.
    #[error("{file} line {line}: {message}")]
    Xml {
        /// The file name as given.
        file: String,
        /// The 1-based line where the problem was found.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// One element is unusable (a duplicate id, a bad coordinate, a dangling reference…).
    #[error("{file}: {element} {id}: {problem}")]
    Element {
        /// The file name as given.
        file: String,
        /// `"node"`, `"way"` or `"relation"`.
        element: &'static str,
        /// The element's OSM id.
        id: i64,
        /// What is wrong with it.
        problem: String,
    },
    /// The first bytes are neither XML nor a PBF header.
    #[error("{file}: neither OSM XML nor OSM PBF (first bytes do not match either)")]
    UnknownFormat {
        /// The file name as given.
        file: String,
    },
    /// A file of 0 bytes.
    #[error("{file}: the file is empty (0 bytes)")]
    Empty {
        /// The file name as given.
        file: String,
    },
    /// Reading failed in a way the other variants do not name (a reader's panic, caught).
    #[error("{file}: {message}")]
    Failed {
        /// The file name as given.
        file: String,
        /// What went wrong.
        message: String,
    },
}

/// Which encoding an extract is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsmFormat {
    /// Protocol-buffer blocks (`.osm.pbf`).
    Pbf,
    /// OSM XML (`.osm`).
    Xml,
}

/// Guesses the format from the first bytes: XML starts with `<` (after an optional BOM
/// and whitespace); PBF starts with a blob header naming `OSMHeader`.
pub fn sniff(head: &[u8]) -> Option<OsmFormat> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first == b'<' {
        return Some(OsmFormat::Xml);
    }
    let window = &head[..head.len().min(32)];
    window
        .windows(9)
        .any(|w| w == b"OSMHeader")
        .then_some(OsmFormat::Pbf)
}

/// Reads an extract held in memory; `file` names it in errors.
pub fn read_bytes(bytes: &[u8], file: &str) -> Result<OsmData, OsmError> {
    read_bytes_with_progress(bytes, file, &mut |_| {})
}

/// Like [`read_bytes`], calling `progress(bytes_read)` now and then.
pub fn read_bytes_with_progress(
    bytes: &[u8],
    file: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<OsmData, OsmError> {
    read_checked(
        bytes,
        file,
        progress,
        |b, f, p| pbf::read(b, f, p),
        |data| data,
    )
}

/// A reader of PBF bytes: `(bytes, file, progress)`.
pub(crate) type PbfReader = fn(&[u8], &str, &mut dyn FnMut(u64)) -> Result<OsmData, OsmError>;

/// Reads `bytes` by their format (PBF with `read_pbf`, XML whole and then `keep`), checks
/// the ids, and turns a panic of the decoder into an error naming `file`.
pub(crate) fn read_checked(
    bytes: &[u8],
    file: &str,
    progress: &mut dyn FnMut(u64),
    read_pbf: PbfReader,
    keep: fn(OsmData) -> OsmData,
) -> Result<OsmData, OsmError> {
    let read = || {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(OsmError::Empty { file: file.into() });
        }
        let data = match sniff(bytes) {
            Some(OsmFormat::Pbf) => read_pbf(bytes, file, progress),
            Some(OsmFormat::Xml) => xml::read(bytes, file, progress).map(keep),
            None => Err(OsmError::UnknownFormat { file: file.into() }),
        }?;
        check_unique_ids(&data, file)?;
        Ok(data)
    };
    let on_panic = |message| OsmError::Failed {
        file: file.into(),
        message,
    };
    crate::formats::guard::at_boundary(read, on_panic)
}

/// Refuses an extract holding two nodes, ways or relations with one id: which one a way
/// means would be a guess.
fn check_unique_ids(data: &OsmData, file: &str) -> Result<(), OsmError> {
    fn first_repeat(ids: impl Iterator<Item = i64>) -> Option<i64> {
        let mut seen = std::collections::HashSet::new();
        ids.into_iter().find(|id| !seen.insert(*id))
    }
    let repeats = [
        ("node", first_repeat(data.nodes.iter().map(|n| n.id))),
        ("way", first_repeat(data.ways.iter().map(|w| w.id))),
        (
            "relation",
            first_repeat(data.relations.iter().map(|r| r.id)),
        ),
    ];
    match repeats.into_iter().find_map(|(kind, id)| Some((kind, id?))) {
        Some((element, id)) => Err(OsmError::Element {
            file: file.into(),
            element,
            id,
            problem: "appears twice (duplicate id)".into(),
        }),
        None => Ok(()),
    }
}

/// Opens and reads an extract from a path (`.osm` or `.osm.pbf`, recognised by content).
pub fn read_path(path: &Path, progress: &mut dyn FnMut(u64)) -> Result<OsmData, OsmError> {
    let file = path.display().to_string();
    let io = |source| OsmError::Io {
        file: file.clone(),
        source,
    };
    let mut reader = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(io)?;
    read_bytes_with_progress(&bytes, &file, progress)
}

/// A reader that counts the bytes it hands out.
pub(crate) struct CountingReader<R> {
    inner: R,
    pub(crate) count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R> CountingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            count: Default::default(),
        }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_tells_xml_from_pbf() {
        assert_eq!(sniff(b"\xEF\xBB\xBF  <?xml version"), Some(OsmFormat::Xml));
        let pbf = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        assert_eq!(sniff(&pbf), Some(OsmFormat::Pbf));
        assert_eq!(sniff(b"id,lon,lat\n"), None);
        assert!(matches!(
            read_bytes(b"hello", "x.txt"),
            Err(OsmError::UnknownFormat { .. })
        ));
    }

    #[test]
    fn nodes_are_found_by_id_in_file_order_or_not() {
        let at = |id: i64| OsmNode {
            id,
            lon: id as f64,
            lat: 0.0,
            tags: Tags::default(),
        };
        let way = OsmWay {
            id: 1,
            refs: vec![3, 4, 9, 1],
            tags: Tags::default(),
        };
        for ids in [vec![1, 3, 9], vec![9, 1, 3]] {
            let nodes = ids.iter().map(|&i| at(i)).collect();
            let data = OsmData::new(nodes, vec![way.clone()], vec![], 0);
            assert_eq!(
                matches!(data.node_index, NodeIndex::Sorted),
                ids.is_sorted()
            );
            for id in [1, 3, 9] {
                let at = data.node_position(id).unwrap();
                assert_eq!(data.nodes[at].id, id);
                assert_eq!(data.location(id), Some((id as f64, 0.0)));
            }
            assert_eq!(data.node(4), None);
            assert_eq!(data.missing_node_refs, 1);
            assert_eq!(data.way_nodes(&way).count(), 3);
        }
    }

    #[test]
    fn duplicate_node_ids_are_refused() {
        let text = r#"<osm><node id="5" lat="39.96" lon="116.35"/><node id="5" lat="39.97" lon="116.36"/></osm>"#;
        let err = read_bytes(text.as_bytes(), "dup.osm")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "dup.osm: node 5: appears twice (duplicate id)");
    }

    #[test]
    fn xml_and_pbf_of_the_sample_agree() {
        let pbf = read_bytes(&crate::sample::file(crate::sample::OSM_PBF).unwrap(), "pbf").unwrap();
        let xml_bytes = crate::sample::file("osm/haidian-bupt.osm").unwrap();
        let xml = read_bytes(&xml_bytes, "xml").unwrap();
        assert_eq!(pbf.nodes.len(), xml.nodes.len());
        assert_eq!(pbf.ways.len(), xml.ways.len());
        assert_eq!(pbf.relations.len(), xml.relations.len());
        let way = &xml.ways[xml.ways.len() / 2];
        let same = pbf.ways.iter().find(|w| w.id == way.id).unwrap();
        assert_eq!(same, way);
        let node = xml.nodes.iter().find(|n| !n.tags.is_empty()).unwrap();
        let p = pbf.node(node.id).unwrap();
        assert_eq!(p.tags, node.tags);
        assert!((p.lon - node.lon).abs() < 1e-7 && (p.lat - node.lat).abs() < 1e-7);
        assert_eq!(xml.bytes_read, xml_bytes.len() as u64);
    }
}
