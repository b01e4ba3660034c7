//! GeoJSON FeatureCollections: reading every model layer (points for institutions,
//! schools and depots; Polygon, or a one-part MultiPolygon, for cells and hotspots),
//! one feature at a time (see [`super::geojson_stream`]: a 300 000-feature file costs
//! its bytes and the items, not a tree of JSON values), and
//! writing them as RFC 7946 asks (WGS-84 lon/lat, 7 decimals, counter-clockwise
//! exteriors and clockwise holes), with the glossary's English property names.
//!
//! ```
//! use gridpatrol::formats::geojson::{read_schools, write};
//! use gridpatrol::formats::ReadOptions;
//! let text = r#"{"type":"FeatureCollection","features":[
//!   {"type":"Feature","properties":{"id":"S1","名称":"某小学"},
//!    "geometry":{"type":"Point","coordinates":[116.35,39.96]}}]}"#;
//! let schools = read_schools(text.as_bytes(), "schools.geojson", &ReadOptions::default()).unwrap();
//! assert_eq!(schools[0].name, "某小学");
//! let out = write(&schools);
//! assert_eq!(out["features"][0]["properties"]["name"], "某小学");
//! ```

use std::collections::HashMap;

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, Polygon};
use serde_json::{json, Map, Value};

use super::csv::check_unique;
use super::error::{json_syntax, Errors, FieldProblem, FormatError, Place};
use super::fields::{self as f, Row};
use super::geojson_stream::{stream_features, FeatureSink};
use super::geom::{round7, LayerGeometry, RawGeometry, ReadOptions};
use super::layers::{ReadItem, SiteLayer};
use super::text::decode_or_error;
use crate::model::{
    Cell, Depot, Hotspot, Institution, OpenHours, School, Wgs84Point, Wgs84Polygon,
};

/// Reads institutions from a FeatureCollection of Points.
pub fn read_institutions(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Institution>, FormatError> {
    read(bytes, source, opts)
}

/// Reads schools from a FeatureCollection of Points.
pub fn read_schools(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<School>, FormatError> {
    read(bytes, source, opts)
}

/// Reads grid cells from a FeatureCollection of Polygons.
pub fn read_cells(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Cell>, FormatError> {
    read(bytes, source, opts)
}

/// Reads hotspots from a FeatureCollection of Polygons.
pub fn read_hotspots(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Hotspot>, FormatError> {
    read(bytes, source, opts)
}

/// Reads depots from a FeatureCollection of Points.
pub fn read_depots(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Depot>, FormatError> {
    read(bytes, source, opts)
}

fn syntax(place: Place, problem: impl Into<String>) -> FormatError {
    FormatError::Syntax {
        place,
        problem: problem.into(),
    }
}

/// Reads any layer from a GeoJSON FeatureCollection; all items or every error.
pub fn read<T: SiteLayer>(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<T>, FormatError> {
    Ok(read_items(bytes, source, opts)?
        .into_iter()
        .map(|r| r.item)
        .collect())
}

/// Reads any layer from a FeatureCollection, each item with the fields it gave and those the layer
/// does not know (for imports that update only what a file says).
pub fn read_items<T: SiteLayer>(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<ReadItem<T>>, FormatError> {
    super::guard::at_boundary(
        || read_all::<T>(bytes, source, opts),
        |problem| syntax(Place::file(source), problem),
    )
}

fn read_all<T: SiteLayer>(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<ReadItem<T>>, FormatError> {
    let file = Place::file(source);
    let text = decode_or_error(bytes, source)?;
    let mut layer = LayerFeatures::<T>::new(source, opts);
    let top =
        stream_features(&text, &mut layer).map_err(|e| json_syntax(source, &e, "valid JSON"))?;
    let top_field = |field: &str, problem: String| FormatError::Field {
        place: file.clone(),
        field: field.into(),
        problem: FieldProblem::Invalid(problem),
    };
    match top.kind.as_deref() {
        Some("FeatureCollection") => {}
        other => {
            return Err(top_field(
                "type",
                format!("{other:?}: not a GeoJSON FeatureCollection (\"type\" must be \"FeatureCollection\")"),
            ))
        }
    }
    if !top.features_array {
        return Err(top_field("features", "must be an array".into()));
    }
    layer.finish()
}

/// One layer's features as they stream in: the items built so far, every error, and
/// where each id was first seen. Each feature's JSON is dropped once it is read.
struct LayerFeatures<'a, T> {
    source: &'a str,
    opts: &'a ReadOptions,
    errors: Errors,
    items: Vec<ReadItem<T>>,
    places: Vec<Place>,
    first_seen: HashMap<String, Place>,
}

impl<'a, T: SiteLayer> LayerFeatures<'a, T> {
    fn new(source: &'a str, opts: &'a ReadOptions) -> Self {
        Self {
            source,
            opts,
            errors: Errors::default(),
            items: Vec::new(),
            places: Vec::new(),
            first_seen: HashMap::new(),
        }
    }

    /// The layer's own checks over all items; all of them, or every error.
    fn finish(mut self) -> Result<Vec<ReadItem<T>>, FormatError> {
        T::check_layer(&self.items, &self.places, self.opts, &mut self.errors);
        self.errors.finish(self.items)
    }
}

impl<T: SiteLayer> FeatureSink for LayerFeatures<'_, T> {
    fn restart(&mut self) {
        *self = Self::new(self.source, self.opts);
    }

    fn feature(&mut self, index: usize, feature: Value) -> bool {
        if self.errors.full() {
            let file = Place::file(self.source);
            self.errors
                .push(syntax(file, "too many errors; stopped reading"));
            return false;
        }
        let place = Place::feature(self.source, index);
        let mut row = Row::new(place.clone(), &mut self.errors);
        if let Some(item) = build::<T>(&mut row, &feature, self.opts).filter(|_| !row.failed()) {
            let (given, extra) = (row.given(), row.take_extra());
            check_unique(&mut self.first_seen, &place, item.id(), &mut self.errors);
            self.places.push(place);
            self.items.push(ReadItem { item, given, extra });
        }
        true
    }
}

fn build<T: SiteLayer>(row: &mut Row<'_>, feature: &Value, opts: &ReadOptions) -> Option<T> {
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        row.reject(
            "type",
            FieldProblem::BadGeometry("not a GeoJSON Feature".into()),
        );
        return None;
    }
    if let Some(props) = feature.get("properties").and_then(Value::as_object) {
        for (key, value) in props {
            match (f::match_header(T::FIELDS, key), scalar(value)) {
                (Some(spec), Ok(Some(text))) => row.set(spec.name, key, text),
                (None, Ok(Some(text))) => row.set_extra(key, text),
                (Some(spec), Err(kind)) => {
                    row.set(spec.name, key, String::new());
                    row.reject(spec.name, FieldProblem::NotAValue(kind));
                }
                _ => {}
            }
        }
    }
    // RFC 7946 lets a feature carry its id beside the properties.
    if row.text(f::ID).is_none() {
        match feature.get("id").map(scalar) {
            Some(Ok(Some(id))) => row.set("id", "id", id),
            Some(Err(kind)) => {
                row.set("id", "id", String::new());
                row.reject("id", FieldProblem::NotAValue(kind));
            }
            _ => {}
        }
    }
    let geometry = match feature.get("geometry").filter(|g| !g.is_null()) {
        None => Err(FieldProblem::Empty),
        Some(g) => parse_geometry(g).and_then(|raw| T::Geometry::from_raw(raw, opts)),
    };
    let geometry = geometry.map_err(|p| row.reject("geometry", p)).ok();
    T::build(row, geometry)
}

/// A property value as text; `None` for null (absent); an object or array is refused
/// (its JSON text is no id or name).
fn scalar(value: &Value) -> Result<Option<String>, &'static str> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Object(_) => Err("an object"),
        Value::Array(_) => Err("an array"),
    }
}

/// Reads a GeoJSON geometry object into a raw geometry (coordinates not yet checked).
pub fn parse_geometry(g: &Value) -> Result<RawGeometry, FieldProblem> {
    let bad = |why: String| FieldProblem::BadGeometry(why);
    let kind = g
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no \"type\"".into()))?;
    let coords = || {
        g.get("coordinates")
            .ok_or_else(|| bad(format!("{kind} without \"coordinates\"")))
    };
    match kind {
        "Point" => {
            let c = position(coords()?)
                .ok_or_else(|| bad("Point coordinates must be [lon, lat]".into()))?;
            Ok(RawGeometry::Point(c.x, c.y))
        }
        "Polygon" => polygon(coords()?)
            .map(RawGeometry::Polygon)
            .ok_or_else(|| bad("Polygon coordinates must be rings of [lon, lat]".into())),
        "MultiPolygon" => coords()?
            .as_array()
            .and_then(|ps| ps.iter().map(polygon).collect::<Option<Vec<_>>>())
            .map(RawGeometry::MultiPolygon)
            .ok_or_else(|| bad("MultiPolygon coordinates must be polygons of rings".into())),
        other => Ok(RawGeometry::Other(other.to_string())),
    }
}

fn position(v: &Value) -> Option<Coord<f64>> {
    let a = v.as_array()?;
    match a.as_slice() {
        [x, y, ..] => Some(Coord {
            x: x.as_f64()?,
            y: y.as_f64()?,
        }),
        _ => None,
    }
}

fn polygon(v: &Value) -> Option<Polygon<f64>> {
    let rings = v.as_array()?;
    let mut rings = rings.iter().map(|r| {
        r.as_array()?
            .iter()
            .map(position)
            .collect::<Option<Vec<_>>>()
            .map(LineString::new)
    });
    let exterior = rings.next()??;
    let holes = rings.collect::<Option<Vec<_>>>()?;
    Some(Polygon::new(exterior, holes))
}

// ------------------------------------------------------------------ writing

/// A model value that can be written as a GeoJSON Feature.
pub trait ToFeature {
    /// The Feature's `properties`.
    fn properties(&self) -> Map<String, Value>;
    /// The Feature's `geometry`.
    fn geometry(&self) -> Value;
}

/// A FeatureCollection of `items`, in order.
pub fn write<T: ToFeature>(items: &[T]) -> Value {
    collection(items.iter().map(feature).collect())
}

/// One Feature.
pub fn feature<T: ToFeature>(item: &T) -> Value {
    feature_of(item.geometry(), item.properties())
}

/// One Feature of `item` whose properties are its own and then `extra` (which adds
/// keys or replaces them): a layer that shows more than the model holds.
pub fn feature_with<T: ToFeature>(item: &T, extra: Map<String, Value>) -> Value {
    let mut properties = item.properties();
    properties.extend(extra);
    feature_of(item.geometry(), properties)
}

/// A Feature from a geometry (see [`point_geometry`], [`polygon_geometry`]) and its
/// properties.
pub fn feature_of(geometry: Value, properties: Map<String, Value>) -> Value {
    json!({ "type": "Feature", "properties": properties, "geometry": geometry })
}

/// A FeatureCollection of features, in order.
pub fn collection(features: Vec<Value>) -> Value {
    json!({ "type": "FeatureCollection", "features": features })
}

/// A FeatureCollection as the bytes of a `.geojson` file (UTF-8, indented).
pub fn to_bytes(collection: &Value) -> Vec<u8> {
    // A `Value` always serialises; the empty fallback is never taken.
    serde_json::to_vec_pretty(collection).unwrap_or_default()
}

/// Properties from `(key, value)` pairs, for [`feature_with`] and [`feature_of`].
pub fn properties(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A Point geometry, 7 decimals.
pub fn point_geometry(p: &Wgs84Point) -> Value {
    json!({ "type": "Point", "coordinates": [round7(p.lon()), round7(p.lat())] })
}

fn ring(line: &LineString<f64>) -> Value {
    Value::Array(
        line.0
            .iter()
            .map(|c| json!([round7(c.x), round7(c.y)]))
            .collect(),
    )
}

/// A Polygon geometry, 7 decimals, exterior counter-clockwise and holes clockwise.
pub fn polygon_geometry(p: &Wgs84Polygon) -> Value {
    let oriented = p.0.orient(Direction::Default);
    let mut rings = vec![ring(oriented.exterior())];
    rings.extend(oriented.interiors().iter().map(ring));
    json!({ "type": "Polygon", "coordinates": rings })
}

/// The opening hours as text the readers accept (OSM syntax; plain ranges for every day).
pub fn open_hours_text(h: &OpenHours) -> String {
    h.to_string()
}

impl ToFeature for Institution {
    fn properties(&self) -> Map<String, Value> {
        properties(vec![
            ("id", json!(self.id)),
            ("name", json!(self.name)),
            ("kind", json!(self.kind)),
            ("subject", json!(self.subject)),
            ("licence", json!(self.licence)),
            ("address", json!(self.address)),
            (
                "open_hours",
                json!(self.open_hours.as_ref().map(open_hours_text)),
            ),
            ("complaints", json!(self.complaints)),
            (
                "last_inspected",
                json!(self
                    .last_inspected
                    .map(|d| d.format("%Y-%m-%d").to_string())),
            ),
            ("synthetic", json!(self.synthetic)),
        ])
    }
    fn geometry(&self) -> Value {
        point_geometry(&self.location)
    }
}

impl ToFeature for School {
    fn properties(&self) -> Map<String, Value> {
        properties(vec![("id", json!(self.id)), ("name", json!(self.name))])
    }
    fn geometry(&self) -> Value {
        point_geometry(&self.location)
    }
}

impl ToFeature for Depot {
    fn properties(&self) -> Map<String, Value> {
        properties(vec![("id", json!(self.id)), ("name", json!(self.name))])
    }
    fn geometry(&self) -> Value {
        point_geometry(&self.location)
    }
}

impl ToFeature for Cell {
    fn properties(&self) -> Map<String, Value> {
        properties(vec![
            ("id", json!(self.id)),
            ("name", json!(self.name)),
            ("officer", json!(self.officer)),
        ])
    }
    fn geometry(&self) -> Value {
        polygon_geometry(&self.area)
    }
}

impl ToFeature for Hotspot {
    fn properties(&self) -> Map<String, Value> {
        properties(vec![
            ("id", json!(self.id)),
            ("name", json!(self.name)),
            ("kind", json!(self.kind)),
        ])
    }
    fn geometry(&self) -> Value {
        polygon_geometry(&self.area)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::model::{Extent, HotspotKind, Licence, Wgs84};
    use geo::{coord, Rect, Winding};

    fn opts() -> ReadOptions {
        let extent: Extent = Wgs84(Rect::new(
            coord! { x: 116.348, y: 39.954 },
            coord! { x: 116.365, y: 39.967 },
        ));
        ReadOptions {
            crs: Crs::Wgs84,
            extent: Some(extent),
        }
    }

    fn collection(features: &[&str]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    const SQUARE_CW: &str = r#"{"type":"Polygon","coordinates":[[[116.350,39.960],[116.350,39.962],[116.352,39.962],[116.352,39.960],[116.350,39.960]]]}"#;

    #[test]
    fn hotspots_read_and_written_counter_clockwise() {
        let text = collection(&[&format!(
            r#"{{"type":"Feature","id":7,"properties":{{"名称":"某大厦","kind":"商务楼宇"}},"geometry":{SQUARE_CW}}}"#
        )]);
        let list = read_hotspots(text.as_bytes(), "h.geojson", &opts()).unwrap();
        assert_eq!(
            (list[0].id.as_str(), list[0].kind),
            ("7", HotspotKind::OfficeBuilding)
        );
        assert!(list[0].area.0.exterior().is_ccw());
        let out = write(&list);
        let ring = &out["features"][0]["geometry"]["coordinates"][0];
        let coords: Vec<(f64, f64)> = ring
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
            .collect();
        assert!(LineString::from(coords).is_ccw());
        assert_eq!(out["features"][0]["properties"]["kind"], "office_building");
    }

    #[test]
    fn feature_errors_name_index_and_field() {
        let text = collection(&[
            r#"{"type":"Feature","properties":{"id":"a","name":"x"},"geometry":{"type":"Point","coordinates":[116.35,39.96]}}"#,
            r#"{"type":"Feature","properties":{"id":"a","name":"y"},"geometry":{"type":"Point","coordinates":[116.35,39.96]}}"#,
            r#"{"type":"Feature","properties":{"id":"b","name":""},"geometry":null}"#,
            r#"{"type":"Feature","properties":{"id":"c","name":"z"},"geometry":{"type":"Point","coordinates":[39.96,116.35]}}"#,
            r#"{"type":"Feature","properties":{"id":"d","name":"w"},"geometry":{"type":"LineString","coordinates":[[116.35,39.96],[116.36,39.96]]}}"#,
        ]);
        let e = read_schools(text.as_bytes(), "schools.geojson", &opts()).unwrap_err();
        let m: Vec<String> = e.errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            m,
            vec![
                r#"schools.geojson feature 1, field "id": duplicate id "a" (first at feature 0)"#,
                r#"schools.geojson feature 2, field "geometry": is empty"#,
                r#"schools.geojson feature 2, field "name": is empty"#,
                r#"schools.geojson feature 3, field "geometry": lon/lat look swapped: (39.96, 116.35) read as lon, lat"#,
                r#"schools.geojson feature 4, field "geometry": expected a Point, found LineString"#,
            ]
        );
    }

    #[test]
    fn an_object_or_array_where_an_id_belongs_is_refused() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":{"a":1},"name":"x"},"geometry":{"type":"Point","coordinates":[116.35,39.96]}},
          {"type":"Feature","id":[1,2],"properties":{"name":["x"]},"geometry":{"type":"Point","coordinates":[116.35,39.96]}}]}"#;
        let e = read_schools(text.as_bytes(), "s.geojson", &opts()).unwrap_err();
        let m: Vec<String> = e.errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            m,
            vec![
                r#"s.geojson feature 0, field "id": is an object, where text or a number belongs"#,
                r#"s.geojson feature 1, field "name": is an array, where text or a number belongs"#,
                r#"s.geojson feature 1, field "id": is an array, where text or a number belongs"#,
            ]
        );
    }

    #[test]
    fn document_errors() {
        let e = read_schools(b"{", "s.geojson", &opts())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.geojson line 1: not valid JSON"), "{e}");
        let e = read_schools(br#"{"type":"Feature"}"#, "s.geojson", &opts())
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a GeoJSON FeatureCollection"), "{e}");
    }

    #[test]
    fn institutions_round_trip_through_geojson() {
        let csv = "id,name,kind,subject,licence,address,lon,lat,open_hours,complaints,last_inspected,synthetic\n\
                   I1,学而思,training,subject,unlicensed,某楼,116.3521234,39.9601234,\"08:00-12:00,14:00-20:00\",2,2026-03-05,true\n\
                   I2,小饭桌,care,,licensed,,116.353,39.961,,,,false\n";
        let list =
            crate::formats::csv::read_institutions(csv.as_bytes(), "i.csv", &opts()).unwrap();
        let text = write(&list).to_string();
        let back = read_institutions(text.as_bytes(), "i.geojson", &opts()).unwrap();
        assert_eq!(back, list);
        assert_eq!(back[0].licence, Licence::Unlicensed);
    }

    /// The reader as it was before it streamed: the whole document as one JSON tree.
    /// The oracle for [`read_all`], which must answer exactly as it did.
    fn read_whole_document<T: SiteLayer>(
        bytes: &[u8],
        source: &str,
        opts: &ReadOptions,
    ) -> Result<Vec<ReadItem<T>>, FormatError> {
        let file = Place::file(source);
        let text = decode_or_error(bytes, source)?;
        let doc: Value =
            serde_json::from_str(&text).map_err(|e| json_syntax(source, &e, "valid JSON"))?;
        let top_field = |field: &str, problem: String| FormatError::Field {
            place: file.clone(),
            field: field.into(),
            problem: FieldProblem::Invalid(problem),
        };
        let kind = doc.get("type").and_then(Value::as_str);
        if kind != Some("FeatureCollection") {
            return Err(top_field(
                "type",
                format!("{kind:?}: not a GeoJSON FeatureCollection (\"type\" must be \"FeatureCollection\")"),
            ));
        }
        let features = doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| top_field("features", "must be an array".into()))?;
        let mut errors = Errors::default();
        let mut items = Vec::new();
        let mut first_seen: HashMap<String, Place> = HashMap::new();
        let mut places = Vec::new();
        for (i, feature) in features.iter().enumerate() {
            if errors.full() {
                errors.push(syntax(file.clone(), "too many errors; stopped reading"));
                break;
            }
            let place = Place::feature(source, i);
            let mut row = Row::new(place.clone(), &mut errors);
            if let Some(item) = build::<T>(&mut row, feature, opts).filter(|_| !row.failed()) {
                let (given, extra) = (row.given(), row.take_extra());
                check_unique(&mut first_seen, &place, item.id(), &mut errors);
                places.push(place);
                items.push(ReadItem { item, given, extra });
            }
        }
        T::check_layer(&items, &places, opts, &mut errors);
        errors.finish(items)
    }

    /// What a read answered, in full: every item with its given and extra fields, or
    /// every error.
    fn outcome<T: SiteLayer + std::fmt::Debug>(
        read: Result<Vec<ReadItem<T>>, FormatError>,
    ) -> String {
        match read {
            Ok(items) => items
                .iter()
                .map(|r| format!("{:?} {:?} {:?}\n", r.item, r.given, r.extra))
                .collect(),
            Err(e) => format!("{e:?}\n{e}"),
        }
    }

    fn same_as_whole_document<T: SiteLayer + std::fmt::Debug>(bytes: &[u8], name: &str) {
        for opts in [opts(), ReadOptions::default()] {
            let streamed = outcome(read_items::<T>(bytes, name, &opts));
            let whole = outcome(read_whole_document::<T>(bytes, name, &opts));
            assert_eq!(streamed, whole, "{name}");
        }
    }

    fn every_layer_same_as_whole_document(bytes: &[u8], name: &str) {
        same_as_whole_document::<Institution>(bytes, name);
        same_as_whole_document::<School>(bytes, name);
        same_as_whole_document::<Depot>(bytes, name);
        same_as_whole_document::<Cell>(bytes, name);
        same_as_whole_document::<Hotspot>(bytes, name);
    }

    #[test]
    fn streaming_answers_as_the_whole_document_did_on_every_kept_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let folders = [
            "data",
            "data/townships/haidian-tsinghua",
            "tests/malformed/import-institutions",
            "tests/malformed/import-cells",
            "tests/malformed/record-track",
            "fuzz/corpus/geojson",
            "fuzz/regressions/geojson",
            "fuzz/corpus/track_geojson",
        ];
        let mut files = 0;
        for folder in folders {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                let name = path.display().to_string();
                if name.ends_with(".geojson") || name.ends_with(".json") {
                    every_layer_same_as_whole_document(&std::fs::read(&path).unwrap(), &name);
                    files += 1;
                }
            }
        }
        assert!(files >= 20, "{files}");
    }

    #[test]
    fn streaming_answers_as_the_whole_document_did_on_odd_shapes() {
        let point = |id: &str| {
            format!(
                r#"{{"type":"Feature","properties":{{"id":"{id}","name":"某机构","kind":"training","licence":"licensed"}},"geometry":{{"type":"Point","coordinates":[116.35,39.96]}}}}"#
            )
        };
        let bad = r#"{"type":"Feature","properties":{"id":"x"},"geometry":null}"#;
        let many_bad = vec![bad; 300].join(",");
        let docs = [
            format!(
                r#"{{"features":[{}],"type":"FeatureCollection"}}"#,
                point("a")
            ),
            format!(
                r#"{{"type":"FeatureCollection","features":[{}],"features":[{}]}}"#,
                point("a"),
                point("b")
            ),
            format!(
                r#"{{"type":"FeatureCollection","features":[{}],"features":7}}"#,
                point("a")
            ),
            format!(
                r#"{{"type":"FeatureCollection","type":"Feature","features":[{}]}}"#,
                point("a")
            ),
            format!(
                r#"{{"type":"FeatureCollection","features":[{}],"bbox":[1e999]}}"#,
                point("a")
            ),
            format!(r#"{{"type":"FeatureCollection","features":[{many_bad}]}}"#),
            format!(r#"{{"type":"FeatureCollection","features":[{many_bad},{{]}}"#),
            format!(r#"{{"type":"FeatureCollection","features":[{many_bad},1e999]}}"#),
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}} trailing"#,
                point("a")
            ),
            format!(r#"[{}]"#, point("a")),
            format!(
                r#"{{"type":"FeatureCollection","features":{{"0":{}}}}}"#,
                point("a")
            ),
            r#"{"type":"FeatureCollection"}"#.to_string(),
            r#"{"type":["FeatureCollection"],"features":[]}"#.to_string(),
            r#"{"type":"FeatureCollection","features":[]}"#.to_string(),
            r#"{"type":"FeatureCollection","features":[null,3,"x",[]]}"#.to_string(),
            "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[]}".to_string(),
            String::new(),
            "null".to_string(),
        ];
        for (i, doc) in docs.iter().enumerate() {
            every_layer_same_as_whole_document(doc.as_bytes(), &format!("doc{i}.geojson"));
        }
        let (gbk, _, _) = encoding_rs::GBK.encode(&docs[0]);
        every_layer_same_as_whole_document(&gbk, "gbk.geojson");
    }

    #[test]
    fn gcj02_polygons_are_converted() {
        let text = collection(&[&format!(
            r#"{{"type":"Feature","properties":{{"id":"C1","name":"第1网格"}},"geometry":{SQUARE_CW}}}"#
        )]);
        let o = ReadOptions::crs(Crs::Gcj02);
        let cells = read_cells(text.as_bytes(), "c.geojson", &o).unwrap();
        let c = cells[0].area.0.exterior().0[0];
        let (x, y) = Crs::Gcj02.from_wgs84(c.x, c.y);
        assert!(
            (x - 116.350).abs() < 1e-7 || (x - 116.352).abs() < 1e-7,
            "{x}"
        );
        assert!(
            (y - 39.960).abs() < 1e-7 || (y - 39.962).abs() < 1e-7,
            "{y}"
        );
    }
}
