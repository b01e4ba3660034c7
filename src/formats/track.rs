//! Track files for `record-track`: a GPX file from a field device, or a completed
//! route as GeoJSON lines. The whole file is read and checked before anything is
//! stored (one file, one transaction): every line must have positions that are WGS-84
//! lon/lat, at least one track must come near the township, and a time in the file is
//! converted to township time. Errors name the file and the line (GPX) or feature.

use crate::model::bounds::LonLat;
use serde_json::Value;

use super::error::{json_syntax, FieldProblem, FormatError, Place};
use super::geom::extent_text;
use super::gpx::{read_gpx, GpxError};
use super::text::decode_or_error;
use super::time::Zone;
use crate::model::Extent;

/// One line of a track file, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackLine {
    /// Where it is in the file: a GPX line, or a GeoJSON feature.
    pub place: Place,
    /// `(lon, lat)` in WGS-84 degrees, at least two.
    pub points: Vec<LonLat>,
}

/// A checked track file.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackFile {
    /// The usable lines (at least one), in file order.
    pub lines: Vec<TrackLine>,
    /// The first point's time (GPX `<time>`), in township time, when the file has one.
    pub start: Option<chrono::NaiveDateTime>,
}

/// Reads a track file: GPX when `source` ends in `.gpx`, otherwise GeoJSON
/// (a FeatureCollection, Feature or geometry of LineStrings / MultiLineStrings).
/// Lines with fewer than two points are left out; a file with no line left is an
/// error, and so is one whose every point lies outside `extent`.
pub fn read_track_file(
    bytes: &[u8],
    source: &str,
    extent: Option<Extent>,
) -> Result<TrackFile, FormatError> {
    read_track_file_in(bytes, source, extent, &Zone::default())
}

/// [`read_track_file`] with times converted to `zone`.
pub fn read_track_file_in(
    bytes: &[u8],
    source: &str,
    extent: Option<Extent>,
    zone: &Zone,
) -> Result<TrackFile, FormatError> {
    super::guard::at_boundary(
        || read_all(bytes, source, extent, zone),
        |problem| FormatError::Syntax {
            place: Place::file(source),
            problem,
        },
    )
}

fn read_all(
    bytes: &[u8],
    source: &str,
    extent: Option<Extent>,
    zone: &Zone,
) -> Result<TrackFile, FormatError> {
    let file = if source.to_ascii_lowercase().ends_with(".gpx") {
        gpx_file(bytes, source, zone)?
    } else {
        TrackFile {
            lines: geojson_lines(bytes, source)?,
            start: None,
        }
    };
    if file.lines.is_empty() {
        return Err(FormatError::Syntax {
            place: Place::file(source),
            problem: "no line with at least two points".into(),
        });
    }
    if let Some(extent) = extent {
        let near = |p: &LonLat| {
            let (min, max) = (extent.0.min(), extent.0.max());
            (min.x..=max.x).contains(&p.lon) && (min.y..=max.y).contains(&p.lat)
        };
        if !file.lines.iter().any(|l| l.points.iter().any(near)) {
            let LonLat { lon: x, lat: y } = file.lines[0].points[0];
            return Err(FormatError::Field {
                place: file.lines[0].place.clone(),
                field: "points".into(),
                problem: FieldProblem::BadGeometry(format!(
                    "the whole track lies outside the township extent {} (first point {x}, {y}): another township's file, or lat/lon swapped?",
                    extent_text(&extent)
                )),
            });
        }
    }
    Ok(file)
}

fn gpx_file(bytes: &[u8], source: &str, zone: &Zone) -> Result<TrackFile, FormatError> {
    let tracks = read_gpx(bytes, source).map_err(|e| match e {
        GpxError::At {
            source_name,
            line,
            problem,
        } => FormatError::Syntax {
            place: Place::line(&source_name, line as u64),
            problem,
        },
        GpxError::Empty(name) => FormatError::Syntax {
            place: Place::file(&name),
            problem: "no track or route points".into(),
        },
    })?;
    let mut start = None;
    if let Some(t) = tracks.iter().find(|t| t.start_time.is_some()) {
        let text = t.start_time.clone().unwrap_or_default();
        start = Some(
            zone.parse_instant(&text)
                .ok_or_else(|| FormatError::Field {
                    place: Place::line(source, t.start_time_line as u64),
                    field: "time".into(),
                    problem: FieldProblem::NotATime(text),
                })?,
        );
    }
    let lines = tracks
        .into_iter()
        .filter(|t| t.points.len() >= 2)
        .map(|t| TrackLine {
            place: Place::line(source, t.line as u64),
            points: t.points,
        })
        .collect();
    Ok(TrackFile { lines, start })
}

/// LineString / MultiLineString geometries of a GeoJSON document, each position
/// checked; a feature of another geometry type is an error (not silently skipped).
fn geojson_lines(bytes: &[u8], source: &str) -> Result<Vec<TrackLine>, FormatError> {
    let file = Place::file(source);
    let text = decode_or_error(bytes, source)?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| json_syntax(source, &e, "valid JSON"))?;
    let geometries: Vec<(Place, Option<&Value>)> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| FormatError::Syntax {
                place: file.clone(),
                problem: "\"features\" must be an array".into(),
            })?
            .iter()
            .enumerate()
            .map(|(i, f)| (Place::feature(source, i), f.get("geometry")))
            .collect(),
        Some("Feature") => vec![(Place::feature(source, 0), doc.get("geometry"))],
        Some(_) => vec![(Place::feature(source, 0), Some(&doc))],
        None => {
            return Err(FormatError::Syntax {
                place: file,
                problem: "not GeoJSON (no \"type\")".into(),
            })
        }
    };
    let mut lines = Vec::new();
    for (place, geometry) in geometries {
        let bad = |problem: String| FormatError::Field {
            place: place.clone(),
            field: "geometry".into(),
            problem: FieldProblem::BadGeometry(problem),
        };
        let Some(g) = geometry.filter(|g| !g.is_null()) else {
            return Err(FormatError::Field {
                place,
                field: "geometry".into(),
                problem: FieldProblem::Empty,
            });
        };
        let coords = g.get("coordinates");
        let parts: Vec<&Value> = match (g.get("type").and_then(Value::as_str), coords) {
            (Some("LineString"), Some(c)) => vec![c],
            (Some("MultiLineString"), Some(Value::Array(parts))) => parts.iter().collect(),
            (Some(kind @ ("LineString" | "MultiLineString")), _) => {
                return Err(bad(format!("{kind} without valid \"coordinates\"")))
            }
            (Some(other), _) => {
                return Err(bad(format!(
                    "expected a LineString or MultiLineString, found {other}"
                )))
            }
            (None, _) => return Err(bad("no \"type\"".into())),
        };
        for part in parts {
            let points = line_points(part).map_err(&bad)?;
            if points.len() >= 2 {
                lines.push(TrackLine {
                    place: place.clone(),
                    points,
                });
            }
        }
    }
    Ok(lines)
}

/// The positions of one line: each `[lon, lat, …]` with finite numbers in range.
fn line_points(line: &Value) -> Result<Vec<LonLat>, String> {
    let positions = line
        .as_array()
        .ok_or("line coordinates must be an array of [lon, lat]")?;
    positions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let xy = p.as_array().and_then(|a| match a.as_slice() {
                [x, y, ..] => Some((x.as_f64()?, y.as_f64()?)),
                _ => None,
            });
            match xy {
                Some((x, y)) if x.abs() <= 180.0 && y.abs() <= 90.0 => Ok(LonLat::new(x, y)),
                Some((x, y)) => Err(format!("position {i} ({x}, {y}) is not a WGS-84 lon/lat")),
                None => Err(format!(
                    "position {i} is not [lon, lat]: {}",
                    super::geom::excerpt(&p.to_string())
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, Rect};

    fn extent() -> Extent {
        crate::model::Wgs84(Rect::new(
            coord! { x: 116.348, y: 39.954 },
            coord! { x: 116.365, y: 39.967 },
        ))
    }

    #[test]
    fn a_bad_feature_after_a_good_one_refuses_the_whole_file() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"LineString","coordinates":[[116.35,39.96],[116.351,39.961]]}},
          {"type":"Feature","geometry":{"type":"LineString","coordinates":[[116.35,39.96],[116.351]]}}]}"#;
        let e = read_track_file(text.as_bytes(), "r.geojson", Some(extent())).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"r.geojson feature 1, field "geometry": position 1 is not [lon, lat]: [116.351]"#
        );
        let ok = text.replace("[116.351]]", "[116.352,39.962]]");
        let file = read_track_file(ok.as_bytes(), "r.geojson", Some(extent())).unwrap();
        assert_eq!(file.lines.len(), 2);
        assert_eq!(file.lines[1].place, Place::feature("r.geojson", 1));
    }

    #[test]
    fn geometry_kinds_and_ranges() {
        let point = r#"{"type":"Point","coordinates":[116.35,39.96]}"#;
        let e = read_track_file(point.as_bytes(), "p.geojson", None).unwrap_err();
        assert!(
            e.to_string()
                .contains("expected a LineString or MultiLineString, found Point"),
            "{e}"
        );
        let far = r#"{"type":"MultiLineString","coordinates":[[[116.35,39.96],[116.35,139.96]]]}"#;
        let e = read_track_file(far.as_bytes(), "m.geojson", None).unwrap_err();
        assert!(
            e.to_string()
                .contains("position 1 (116.35, 139.96) is not a WGS-84"),
            "{e}"
        );
    }

    #[test]
    fn a_gpx_track_wholly_outside_the_township_is_refused() {
        let gpx = "<gpx>\n<trk><trkseg><trkpt lat=\"31.23\" lon=\"121.47\"/><trkpt lat=\"31.24\" lon=\"121.48\"/></trkseg></trk></gpx>";
        let e = read_track_file(gpx.as_bytes(), "shanghai.gpx", Some(extent())).unwrap_err();
        assert!(
            e.to_string().starts_with(r#"shanghai.gpx line 2, field "points": the whole track lies outside the township extent"#),
            "{e}"
        );
    }

    #[test]
    fn gpx_times_become_township_time_and_bad_ones_name_the_line() {
        let gpx = "<gpx><trk><trkseg>\n<trkpt lat=\"39.96\" lon=\"116.35\"><time>2025-03-01T01:30:00Z</time></trkpt>\n<trkpt lat=\"39.961\" lon=\"116.351\"/></trkseg></trk></gpx>";
        let file = read_track_file(gpx.as_bytes(), "t.gpx", Some(extent())).unwrap();
        assert_eq!(file.start.unwrap().to_string(), "2025-03-01 09:30:00");
        let urumqi = Zone::parse("Asia/Urumqi").unwrap();
        let file = read_track_file_in(gpx.as_bytes(), "t.gpx", None, &urumqi).unwrap();
        assert_eq!(file.start.unwrap().to_string(), "2025-03-01 07:30:00");
        let bad = gpx.replace("2025-03-01T01:30:00Z", "01/03/2025 9:30");
        let e = read_track_file(bad.as_bytes(), "t.gpx", None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(r#"t.gpx line 2, field "time": not a time (RFC 3339"#),
            "{e}"
        );
    }
}
