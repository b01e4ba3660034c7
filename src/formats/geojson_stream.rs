//! GeoJSON FeatureCollections one Feature at a time, both ways, so that a file of
//! 300 000 features or a city's road graph never sits in memory as a tree of JSON
//! values.
//!
//! Reading: `stream_features` walks the document with serde's visitors and hands
//! each Feature, parsed on its own, to a `FeatureSink`, then drops it. Writing:
//! [`FeatureWriter`] writes the collection's head, each Feature as it comes and the
//! tail; [`RoundedLine`] is a LineString with 6-decimal coordinates.
//!
//! ```
//! use gridpatrol::formats::geojson_stream::{FeatureWriter, RoundedLine};
//! use geo::coord;
//! let mut out = FeatureWriter::new(Vec::new()).unwrap();
//! let line = [coord! { x: 116.3512345678, y: 39.96 }, coord! { x: 116.352, y: 39.961 }];
//! out.feature(&RoundedLine(&line), &serde_json::json!({ "name": "成府路" })).unwrap();
//! let bytes = out.finish().unwrap();
//! let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
//! assert_eq!(v["features"][0]["geometry"]["coordinates"][0][0], 116.351235);
//! assert_eq!(v["features"][0]["properties"]["name"], "成府路");
//! ```

use std::fmt;
use std::io::{self, Write};

use geo::Coord;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

// ------------------------------------------------------------------ reading

/// Where [`stream_features`] puts the features of a FeatureCollection, one at a time.
pub(crate) trait FeatureSink {
    /// A `features` array begins. A file that repeats the key starts over: the last one
    /// counts, as it does when a JSON object is read whole.
    fn restart(&mut self);
    /// Feature `index` (0-based) of the array; `false` when the sink wants no more (the
    /// rest of the array is still read, so a syntax error further on is still found).
    fn feature(&mut self, index: usize, feature: Value) -> bool;
}

/// The top level of a document as [`stream_features`] found it.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct TopLevel {
    /// The `"type"` member when it is text (`None` when absent, not text, or when the
    /// document is no object).
    pub kind: Option<String>,
    /// Whether the (last) `"features"` member was an array.
    pub features_array: bool,
}

/// Reads the JSON document `text`, giving every element of its `features` array to
/// `sink` as it is read; the answer says what the top level held. Any syntax error in
/// the whole document (trailing text included) is the error, as if it were read whole.
pub(crate) fn stream_features(
    text: &str,
    sink: &mut impl FeatureSink,
) -> Result<TopLevel, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = DocumentSeed { sink }.deserialize(&mut de)?;
    de.end()?;
    Ok(top)
}

/// Answers `$answer` for any JSON scalar (null, true, a number, text): the shapes a
/// visitor does not expect but must read past.
macro_rules! any_scalar_is {
    ($answer:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($answer)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($answer)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($answer)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($answer)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($answer)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($answer)
        }
    };
}

/// Reads past a sequence's elements one by one, each parsed as a value (so it is
/// checked exactly as a whole-document read checks it) and dropped.
fn skip_elements<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<Value>()?.is_some() {}
    Ok(())
}

/// Reads past a map's entries one by one (see [`skip_elements`]).
fn skip_entries<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, Value>()?.is_some() {}
    Ok(())
}

struct DocumentSeed<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: FeatureSink> DeserializeSeed<'de> for DocumentSeed<'_, S> {
    type Value = TopLevel;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TopLevel, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: FeatureSink> Visitor<'de> for DocumentSeed<'_, S> {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON document")
    }

    any_scalar_is!(TopLevel::default());

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TopLevel, A::Error> {
        skip_elements(seq)?;
        Ok(TopLevel::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut top = TopLevel::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    top.kind = match map.next_value::<Value>()? {
                        Value::String(kind) => Some(kind),
                        _ => None,
                    }
                }
                "features" => {
                    top.features_array = map.next_value_seed(FeaturesSeed {
                        sink: &mut *self.sink,
                    })?
                }
                _ => {
                    map.next_value::<Value>()?;
                }
            }
        }
        Ok(top)
    }
}

/// The `features` member: `true` when it is an array (whose elements went to the sink).
struct FeaturesSeed<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: FeatureSink> DeserializeSeed<'de> for FeaturesSeed<'_, S> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: FeatureSink> Visitor<'de> for FeaturesSeed<'_, S> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of GeoJSON Features")
    }

    any_scalar_is!(false);

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        skip_entries(map)?;
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        self.sink.restart();
        let mut index = 0;
        while let Some(feature) = seq.next_element::<Value>()? {
            if !self.sink.feature(index, feature) {
                skip_elements(seq)?;
                break;
            }
            index += 1;
        }
        Ok(true)
    }
}

// ------------------------------------------------------------------ writing

/// A FeatureCollection written to `out` as it goes: the head at once, each Feature as
/// it is given, the tail at [`FeatureWriter::finish`]. Memory stays at one Feature.
#[derive(Debug)]
pub struct FeatureWriter<W: Write> {
    out: W,
    written: usize,
}

impl<W: Write> FeatureWriter<W> {
    /// Starts the collection (writes its head to `out`).
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
        Ok(Self { out, written: 0 })
    }

    /// Writes one Feature of `geometry` (a GeoJSON geometry object) and `properties`.
    pub fn feature(
        &mut self,
        geometry: &impl Serialize,
        properties: &impl Serialize,
    ) -> io::Result<()> {
        if self.written > 0 {
            self.out.write_all(b",\n")?;
        }
        self.out.write_all(b"{\"type\":\"Feature\",\"geometry\":")?;
        serde_json::to_writer(&mut self.out, geometry)?;
        self.out.write_all(b",\"properties\":")?;
        serde_json::to_writer(&mut self.out, properties)?;
        self.out.write_all(b"}")?;
        self.written += 1;
        Ok(())
    }

    /// How many Features were written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Ends the collection (writes its tail) and gives `out` back, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// `v` rounded to 6 decimals: RFC 7946 (section 11.2) calls 6 decimals of a degree
/// about 10 cm, finer than a street's mapped position, and each figure shrinks by a
/// third from the 15-17 digits a float prints with.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A LineString geometry of WGS-84 `[lon, lat]` coordinates, written with 6 decimals
/// (see [`round6`]).
#[derive(Debug, Clone, Copy)]
pub struct RoundedLine<'a>(pub &'a [Coord<f64>]);

impl Serialize for RoundedLine<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", "LineString")?;
        map.serialize_entry("coordinates", &Positions(self.0))?;
        map.end()
    }
}

struct Positions<'a>(&'a [Coord<f64>]);

impl Serialize for Positions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for c in self.0 {
            seq.serialize_element(&[round6(c.x), round6(c.y)])?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps what it was given, and asks for no more after `limit` features.
    #[derive(Default)]
    struct Kept {
        restarts: usize,
        features: Vec<(usize, Value)>,
        limit: Option<usize>,
    }

    impl FeatureSink for Kept {
        fn restart(&mut self) {
            self.restarts += 1;
            self.features.clear();
        }
        fn feature(&mut self, index: usize, feature: Value) -> bool {
            self.features.push((index, feature));
            self.limit.is_none_or(|l| self.features.len() < l)
        }
    }

    fn stream(text: &str) -> (Result<TopLevel, String>, Kept) {
        let mut kept = Kept::default();
        let top = stream_features(text, &mut kept).map_err(|e| e.to_string());
        (top, kept)
    }

    #[test]
    fn features_come_one_by_one_whatever_the_order_of_the_members() {
        let (top, kept) = stream(
            r#"{"features":[{"a":1},{"b":[2]}],"bbox":[0,0,1,1],"type":"FeatureCollection"}"#,
        );
        assert_eq!(
            top.unwrap(),
            TopLevel {
                kind: Some("FeatureCollection".into()),
                features_array: true
            }
        );
        let indices: Vec<usize> = kept.features.iter().map(|f| f.0).collect();
        assert_eq!(indices, vec![0, 1]);
        assert_eq!(kept.features[1].1["b"][0], 2);
    }

    #[test]
    fn the_last_features_member_counts_as_for_a_whole_object() {
        let (top, kept) = stream(r#"{"type":"FeatureCollection","features":[1,2],"features":[3]}"#);
        assert!(top.unwrap().features_array);
        assert_eq!((kept.restarts, kept.features.len()), (2, 1));
        let (top, _) = stream(r#"{"type":"FeatureCollection","features":[1],"features":{"x":1}}"#);
        assert!(!top.unwrap().features_array);
    }

    #[test]
    fn other_shapes_say_what_the_top_level_lacks() {
        for text in [r#"[1,{"type":"FeatureCollection"}]"#, "null", "3", r#""x""#] {
            assert_eq!(stream(text).0.unwrap(), TopLevel::default(), "{text}");
        }
        let (top, kept) = stream(r#"{"type":7,"features":"none"}"#);
        assert_eq!(top.unwrap(), TopLevel::default());
        assert_eq!(kept.restarts, 0);
    }

    #[test]
    fn a_sink_that_stops_still_sees_a_later_syntax_error() {
        let mut kept = Kept {
            limit: Some(1),
            ..Kept::default()
        };
        let text = r#"{"type":"FeatureCollection","features":[1,2,3,[}"#;
        let err = stream_features(text, &mut kept).unwrap_err();
        assert_eq!((err.line(), kept.features.len()), (1, 1));
        let (top, _) = stream(r#"{"type":"FeatureCollection","features":[]} x"#);
        assert!(top.unwrap_err().contains("trailing characters"));
    }

    #[test]
    fn the_writer_gives_a_collection_even_when_empty() {
        let empty = FeatureWriter::new(Vec::new()).unwrap().finish().unwrap();
        let v: Value = serde_json::from_slice(&empty).unwrap();
        assert_eq!(v["features"].as_array().map(Vec::len), Some(0));
        let mut out = FeatureWriter::new(Vec::new()).unwrap();
        for i in 0..3 {
            out.feature(&serde_json::json!(null), &serde_json::json!({ "i": i }))
                .unwrap();
        }
        assert_eq!(out.written(), 3);
        let v: Value = serde_json::from_slice(&out.finish().unwrap()).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(v["features"][2]["properties"]["i"], 2);
        assert_eq!(v["features"][2]["type"], "Feature");
    }

    #[test]
    fn six_decimals_print_short() {
        assert_eq!(round6(116.351_234_567), 116.351235);
        let line = [Coord {
            x: 8.123_456_789,
            y: -49.000_000_4,
        }];
        let text = serde_json::to_string(&RoundedLine(&line)).unwrap();
        assert_eq!(
            text,
            r#"{"type":"LineString","coordinates":[[8.123457,-49.0]]}"#
        );
    }
}
