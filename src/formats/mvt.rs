//! Mapbox Vector Tiles (MVT, version 2.1 of the specification): the protobuf tiles
//! MapLibre draws from. gridpatrol sends its large point layers to the page this way,
//! so the browser decodes the few hundred features in view instead of every site.
//!
//! Only what gridpatrol needs is written: layers of point features with properties.
//! The protobuf wire format is written by hand; it is a few varints and lengths.

use std::collections::HashMap;

/// Tile coordinates run from 0 to this, left to right and top to bottom.
pub const EXTENT: u32 = 4096;

/// A property value of a feature.
#[derive(Debug, Clone, PartialEq)]
pub enum MvtValue {
    /// A string value.
    Text(String),
    /// An unsigned integer value (counts, ids, zooms).
    Uint(u64),
    /// A boolean value (e.g. `cluster`).
    Bool(bool),
}

/// A point feature, in tile coordinates (0..[`EXTENT`], y down; a point just outside
/// the tile is allowed).
#[derive(Debug, Clone, PartialEq)]
pub struct MvtPoint {
    /// The feature id within its layer.
    pub id: u64,
    /// Tile x, 0 at the left edge, [`EXTENT`] at the right.
    pub x: i32,
    /// Tile y, 0 at the top edge, [`EXTENT`] at the bottom.
    pub y: i32,
    /// Named properties, in the order they are written.
    pub properties: Vec<(&'static str, MvtValue)>,
}

/// A named layer of point features.
#[derive(Debug, Clone, PartialEq)]
pub struct MvtLayer {
    /// The layer name the style refers to.
    pub name: String,
    /// The layer's point features.
    pub features: Vec<MvtPoint>,
}

// Protobuf wire types.
const VARINT: u32 = 0;
const LENGTH_DELIMITED: u32 = 2;
// The one geometry command gridpatrol writes: MoveTo, once.
const MOVE_TO_ONCE: u32 = (1 << 3) | 1;
const GEOM_POINT: u64 = 1;

/// Encodes a tile: an empty list gives an empty (valid) tile.
///
/// ```
/// use gridpatrol::formats::mvt::{encode_tile, MvtLayer, MvtPoint, MvtValue};
/// let layer = MvtLayer {
///     name: "institutions".into(),
///     features: vec![MvtPoint { id: 1, x: 2048, y: 2048, properties: vec![("licence", MvtValue::Text("unlicensed".into()))] }],
/// };
/// let tile = encode_tile(&[layer]);
/// assert_eq!(tile[0], 0x1a); // field 3 (layers), length-delimited
/// ```
pub fn encode_tile(layers: &[MvtLayer]) -> Vec<u8> {
    let mut tile = Vec::new();
    for layer in layers {
        put_bytes(&mut tile, 3, &encode_layer(layer));
    }
    tile
}

fn encode_layer(layer: &MvtLayer) -> Vec<u8> {
    // Keys and values are stored once per layer; features refer to them by index.
    let mut keys: Vec<&str> = Vec::new();
    let mut key_index: HashMap<&str, u32> = HashMap::new();
    let mut values: Vec<Vec<u8>> = Vec::new();
    let mut value_index: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut features = Vec::new();
    for point in &layer.features {
        let mut tags = Vec::with_capacity(point.properties.len() * 2);
        for (key, value) in &point.properties {
            let k = *key_index.entry(key).or_insert_with(|| {
                keys.push(key);
                keys.len() as u32 - 1
            });
            let encoded = encode_value(value);
            let v = match value_index.get(&encoded) {
                Some(&v) => v,
                None => {
                    values.push(encoded.clone());
                    value_index.insert(encoded, values.len() as u32 - 1);
                    values.len() as u32 - 1
                }
            };
            tags.extend([k, v]);
        }
        features.push(encode_point(point, &tags));
    }
    let mut out = Vec::new();
    put_varint_field(&mut out, 15, 2); // version
    put_bytes(&mut out, 1, layer.name.as_bytes());
    for feature in &features {
        put_bytes(&mut out, 2, feature);
    }
    for key in keys {
        put_bytes(&mut out, 3, key.as_bytes());
    }
    for value in &values {
        put_bytes(&mut out, 4, value);
    }
    put_varint_field(&mut out, 5, EXTENT as u64);
    out
}

fn encode_point(point: &MvtPoint, tags: &[u32]) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint_field(&mut out, 1, point.id);
    put_packed(&mut out, 2, tags);
    put_varint_field(&mut out, 3, GEOM_POINT);
    // The cursor starts at (0, 0): one MoveTo by the point's own coordinates.
    put_packed(
        &mut out,
        4,
        &[MOVE_TO_ONCE, zigzag(point.x), zigzag(point.y)],
    );
    out
}

fn encode_value(value: &MvtValue) -> Vec<u8> {
    let mut out = Vec::new();
    match value {
        MvtValue::Text(s) => put_bytes(&mut out, 1, s.as_bytes()),
        MvtValue::Uint(n) => put_varint_field(&mut out, 5, *n),
        MvtValue::Bool(b) => put_varint_field(&mut out, 7, u64::from(*b)),
    }
    out
}

fn zigzag(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_key(out: &mut Vec<u8>, field: u32, wire_type: u32) {
    put_varint(out, u64::from((field << 3) | wire_type));
}

fn put_varint_field(out: &mut Vec<u8>, field: u32, n: u64) {
    put_key(out, field, VARINT);
    put_varint(out, n);
}

fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, LENGTH_DELIMITED);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_packed(out: &mut Vec<u8>, field: u32, items: &[u32]) {
    let mut packed = Vec::with_capacity(items.len() * 2);
    for &item in items {
        put_varint(&mut packed, u64::from(item));
    }
    put_bytes(out, field, &packed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_follow_the_protobuf_rules() {
        let mut out = Vec::new();
        put_varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
        assert_eq!(
            [zigzag(0), zigzag(-1), zigzag(1), zigzag(-2), zigzag(2047)],
            [0, 1, 2, 3, 4094]
        );
        assert_eq!(zigzag(i32::MIN), u32::MAX);
    }

    /// The bytes of a one-point tile, worked out by hand from the specification.
    #[test]
    fn a_point_tile_matches_the_bytes_worked_out_by_hand() {
        let layer = MvtLayer {
            name: "s".into(),
            features: vec![MvtPoint {
                id: 7,
                x: 25,
                y: 17,
                properties: vec![("k", MvtValue::Uint(3))],
            }],
        };
        let feature = [
            0x08, 7, // id
            0x12, 2, 0, 0, // tags: key 0, value 0
            0x18, 1, // type POINT
            0x22, 3, 9, 50, 34, // MoveTo(1), zigzag 25 and 17
        ];
        let mut expected_layer = vec![0x78, 2, 0x0a, 1, b's', 0x12, feature.len() as u8];
        expected_layer.extend(feature);
        expected_layer.extend([0x1a, 1, b'k', 0x22, 2, 0x28, 3, 0x28, 0x80, 0x20]);
        let mut expected = vec![0x1a, expected_layer.len() as u8];
        expected.extend(&expected_layer);
        assert_eq!(encode_tile(&[layer]), expected);
    }

    #[test]
    fn equal_keys_and_values_are_stored_once() {
        let point = |id, licence: &str| MvtPoint {
            id,
            x: 0,
            y: 0,
            properties: vec![("licence", MvtValue::Text(licence.into()))],
        };
        let layer = MvtLayer {
            name: "l".into(),
            features: vec![point(1, "a"), point(2, "b"), point(3, "a")],
        };
        let bytes = encode_layer(&layer);
        let count = |needle: &[u8]| bytes.windows(needle.len()).filter(|w| *w == needle).count();
        assert_eq!(count(b"licence"), 1);
        assert_eq!(count(&[0x0a, 1, b'a']), 1, "the value `a` once");
        assert!(encode_tile(&[]).is_empty());
    }
}
