//! `.osm` XML reading (what openstreetmap.org's Export button gives), streamed with
//! `quick-xml` into [`OsmData`].

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{MemberKind, OsmData, OsmError, OsmMember, OsmNode, OsmRelation};
use super::{OsmWay, Tags};

/// How deep elements may nest. OSM XML needs 3 (`osm` > `way` > `nd`); the bound keeps
/// a hostile file from making every later step walk an absurd tree.
pub const MAX_DEPTH: usize = 64;

/// Reads an XML extract; `file` names it in errors; `progress` gets the bytes consumed
/// every few thousand elements. The root element must be `<osm>` (an HTML page saved
/// under a `.osm` name is refused as such).
pub fn read(bytes: &[u8], file: &str, progress: &mut dyn FnMut(u64)) -> Result<OsmData, OsmError> {
    let mut xml = Reader::from_reader(bytes);
    let mut state = State::default();
    let mut buf = Vec::new();
    let mut elements = 0u64;
    let mut depth = 0usize;
    let mut seen_root = false;
    loop {
        let at = xml.buffer_position();
        let xml_error = |position: u64, message: String| OsmError::Xml {
            file: file.into(),
            line: line_of(bytes, position),
            message,
        };
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(xml.error_position(), format!("not well-formed XML: {e}")))?;
        let element_error = |(element, id, problem): Bad| OsmError::Element {
            file: file.into(),
            element,
            id,
            problem,
        };
        if let Event::Start(e) | Event::Empty(e) = &event {
            if !seen_root {
                seen_root = true;
                check_root(e.local_name().as_ref()).map_err(|m| xml_error(at, m))?;
            }
        }
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(xml_error(
                        at,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                state.open(&e, false).map_err(element_error)?
            }
            Event::Empty(e) => state.open(&e, true).map_err(element_error)?,
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                state.close(e.local_name().as_ref())
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        elements += 1;
        if elements % 8192 == 0 {
            progress(xml.buffer_position());
        }
    }
    if !seen_root {
        return Err(OsmError::Xml {
            file: file.into(),
            line: line_of(bytes, xml.buffer_position()),
            message: "no element at all: not an OpenStreetMap XML file".into(),
        });
    }
    let bytes_read = xml.buffer_position();
    progress(bytes_read);
    Ok(OsmData::new(
        state.nodes,
        state.ways,
        state.relations,
        bytes_read,
    ))
}

/// The 1-based line holding byte `position`.
fn line_of(bytes: &[u8], position: u64) -> u64 {
    let end = (position as usize).min(bytes.len());
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Refuses a document whose root is not `<osm>` (an HTML error page, a GPX file).
fn check_root(name: &[u8]) -> Result<(), String> {
    match name {
        b"osm" => Ok(()),
        b"html" | b"HTML" => Err(
            "root element is <html>: a web page, not an OpenStreetMap XML file (save the export itself, not the page)".into(),
        ),
        other => Err(format!(
            "root element is <{}>, not <osm>: not an OpenStreetMap XML file",
            String::from_utf8_lossy(other)
        )),
    }
}

/// (element, id, problem) of a bad element.
type Bad = (&'static str, i64, String);

/// The element being read, with what it has collected so far.
enum Open {
    None,
    Node(OsmNode),
    Way(OsmWay),
    Relation(OsmRelation),
}

struct State {
    open: Open,
    nodes: Vec<OsmNode>,
    ways: Vec<OsmWay>,
    relations: Vec<OsmRelation>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            open: Open::None,
            nodes: Vec::new(),
            ways: Vec::new(),
            relations: Vec::new(),
        }
    }
}

/// The attributes of one start tag, unescaped.
struct Attrs(Vec<(Vec<u8>, String)>);

impl Attrs {
    fn of(e: &BytesStart<'_>, element: &'static str) -> Result<Self, Bad> {
        let mut all = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| (element, 0, format!("bad attribute: {err}")))?;
            let value = a
                .unescape_value()
                .map_err(|err| (element, 0, format!("bad attribute value: {err}")))?;
            all.push((a.key.as_ref().to_vec(), value.into_owned()));
        }
        Ok(Self(all))
    }
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key.as_bytes())
            .map(|(_, v)| v.as_str())
    }
    fn parse<T: std::str::FromStr>(
        &self,
        key: &str,
        element: &'static str,
        id: i64,
    ) -> Result<T, Bad> {
        let text = self
            .get(key)
            .ok_or_else(|| (element, id, format!("missing attribute {key:?}")))?;
        text.trim().parse().map_err(|_| {
            (
                element,
                id,
                format!("attribute {key}={text:?} is not a number"),
            )
        })
    }
}

impl State {
    fn open(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), Bad> {
        match e.local_name().as_ref() {
            b"node" => self.start(Open::Node(node(&Attrs::of(e, "node")?)?), empty),
            b"way" => {
                let id = Attrs::of(e, "way")?.parse("id", "way", 0)?;
                self.start(
                    Open::Way(OsmWay {
                        id,
                        refs: Vec::new(),
                        tags: Tags::default(),
                    }),
                    empty,
                )
            }
            b"relation" => {
                let id = Attrs::of(e, "relation")?.parse("id", "relation", 0)?;
                let r = OsmRelation {
                    id,
                    members: Vec::new(),
                    tags: Tags::default(),
                };
                self.start(Open::Relation(r), empty)
            }
            b"tag" => self.tag(&Attrs::of(e, "tag")?),
            b"nd" => self.nd(&Attrs::of(e, "nd")?),
            b"member" => self.member(&Attrs::of(e, "member")?),
            _ => Ok(()),
        }
    }

    fn start(&mut self, open: Open, empty: bool) -> Result<(), Bad> {
        self.open = open;
        if empty {
            self.finish();
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) {
        if matches!(name, b"node" | b"way" | b"relation") {
            self.finish();
        }
    }

    fn finish(&mut self) {
        match std::mem::replace(&mut self.open, Open::None) {
            Open::Node(n) => self.nodes.push(n),
            Open::Way(w) => self.ways.push(w),
            Open::Relation(r) => self.relations.push(r),
            Open::None => {}
        }
    }

    fn tag(&mut self, a: &Attrs) -> Result<(), Bad> {
        let (element, id, tags) = match &mut self.open {
            Open::Node(n) => ("node", n.id, &mut n.tags),
            Open::Way(w) => ("way", w.id, &mut w.tags),
            Open::Relation(r) => ("relation", r.id, &mut r.tags),
            Open::None => return Ok(()), // e.g. a changeset's tags
        };
        let k = a
            .get("k")
            .ok_or((element, id, "tag without k".to_string()))?;
        let v = a
            .get("v")
            .ok_or((element, id, format!("tag {k:?} without v")))?;
        tags.0.push((k.to_owned(), v.to_owned()));
        Ok(())
    }

    fn nd(&mut self, a: &Attrs) -> Result<(), Bad> {
        if let Open::Way(w) = &mut self.open {
            let r = a.parse("ref", "way", w.id)?;
            w.refs.push(r);
        }
        Ok(())
    }

    fn member(&mut self, a: &Attrs) -> Result<(), Bad> {
        if let Open::Relation(r) = &mut self.open {
            let kind = match a.get("type") {
                Some("node") => MemberKind::Node,
                Some("way") => MemberKind::Way,
                Some("relation") => MemberKind::Relation,
                other => {
                    return Err((
                        "relation",
                        r.id,
                        format!("member of unknown type {other:?}"),
                    ))
                }
            };
            let id = a.parse("ref", "relation", r.id)?;
            let role = a.get("role").unwrap_or_default().to_owned();
            r.members.push(OsmMember { kind, id, role });
        }
        Ok(())
    }
}

fn node(a: &Attrs) -> Result<OsmNode, Bad> {
    let id: i64 = a.parse("id", "node", 0)?;
    let lon: f64 = a.parse("lon", "node", id)?;
    let lat: f64 = a.parse("lat", "node", id)?;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err((
            "node",
            id,
            format!("lon {lon}, lat {lat} is outside WGS-84 range"),
        ));
    }
    Ok(OsmNode {
        id,
        lon,
        lat,
        tags: Tags::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <node id="1" lat="39.96" lon="116.35"/>
 <node id="2" lat="39.961" lon="116.351"><tag k="amenity" v="prep_school"/><tag k="name" v="A &amp; B"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
 <relation id="20"><member type="way" ref="10" role="outer"/><tag k="type" v="multipolygon"/></relation>
</osm>"#;

    #[test]
    fn reads_nodes_ways_relations_and_counts_missing_refs() {
        let osm = read(SMALL.as_bytes(), "small.osm", &mut |_| {}).unwrap();
        assert_eq!(osm.nodes.len(), 2);
        assert_eq!(osm.node(2).unwrap().tags.get("name"), Some("A & B"));
        assert_eq!(osm.ways[0].refs, vec![1, 2, 3]);
        assert_eq!(osm.missing_node_refs, 1);
        assert_eq!(osm.way_nodes(&osm.ways[0]).count(), 2);
        assert_eq!(osm.relations[0].members[0].role, "outer");
        assert_eq!(osm.relations[0].members[0].kind, MemberKind::Way);
    }

    #[test]
    fn bad_coordinates_name_the_file_and_node() {
        let text = SMALL.replace(r#"lat="39.961""#, r#"lat="north""#);
        let err = read(text.as_bytes(), "bad.osm", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            r#"bad.osm: node 2: attribute lat="north" is not a number"#
        );
        let text = SMALL.replace(r#"lat="39.961""#, r#"lat="139.961""#);
        let err = read(text.as_bytes(), "bad.osm", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("node 2: lon 116.351, lat 139.961 is outside"),
            "{err}"
        );
    }

    #[test]
    fn html_and_deep_nesting_are_refused_with_the_line() {
        let html = "<!DOCTYPE html>\n<html><body>Too many requests</body></html>";
        let err = read(html.as_bytes(), "page.osm", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("page.osm line 2: root element is <html>"),
            "{err}"
        );
        let deep = format!("<osm>\n{}{}</osm>", "<a>".repeat(100), "</a>".repeat(100));
        let err = read(deep.as_bytes(), "deep.osm", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!("deep.osm line 2: elements nested deeper than {MAX_DEPTH}")
        );
        let err = read(b"  ", "blank.osm", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("no element at all"), "{err}");
    }

    #[test]
    fn broken_xml_names_the_position() {
        let text = "<osm><node id=\"1\" lat=\"1\" lon=\"2\"></way></osm>";
        let err = read(text.as_bytes(), "broken.osm", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("broken.osm line 1: not well-formed XML: "),
            "{err}"
        );
    }
}
