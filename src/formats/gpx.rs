//! GPX tracks from field devices: every `<trkpt>` (and `<rtept>`) as WGS-84 points.

use crate::model::bounds::LonLat;
use quick_xml::events::Event;
use quick_xml::Reader;

/// A track (or route) of a GPX file.
#[derive(Debug, Clone, PartialEq)]
pub struct GpxTrack {
    /// The `<name>` of the track or route, if it has one.
    pub name: Option<String>,
    /// `(lon, lat)` in WGS-84 degrees, in file order.
    pub points: Vec<LonLat>,
    /// The first point's `<time>` text, when present.
    pub start_time: Option<String>,
    /// The 1-based line of the `<trk>` / `<rte>` start tag.
    pub line: usize,
    /// The 1-based line of [`GpxTrack::start_time`] (0 when there is none).
    pub start_time_line: usize,
}

/// Why a GPX file could not be read; names the file and the line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GpxError {
    /// The file is not well-formed XML, or a point lacks a valid coordinate.
    #[error("{source_name} line {line}: {problem}")]
    At {
        /// The file name as given.
        source_name: String,
        /// The 1-based line of the problem.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// The file has no track or route point at all; holds the file name.
    #[error("{0}: no track or route points")]
    Empty(String),
}

/// How deep GPX elements may nest (`gpx` > `trk` > `trkseg` > `trkpt` > `extensions` …
/// needs well under this).
pub const MAX_DEPTH: usize = 64;

fn line_of(bytes: &[u8], pos: usize) -> usize {
    1 + bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Reads the tracks and routes of a GPX document. `source_name` is used in errors.
///
/// ```
/// let gpx = r#"<gpx><trk><name>早班</name><trkseg>
///   <trkpt lat="39.96" lon="116.35"><time>2025-03-01T09:00:00Z</time></trkpt>
///   <trkpt lat="39.961" lon="116.351"/></trkseg></trk></gpx>"#;
/// let t = gridpatrol::formats::gpx::read_gpx(gpx.as_bytes(), "walk.gpx").unwrap();
/// use gridpatrol::model::bounds::LonLat;
/// assert_eq!(t[0].points, vec![LonLat::new(116.35, 39.96), LonLat::new(116.351, 39.961)]);
/// assert_eq!(t[0].name.as_deref(), Some("早班"));
/// ```
pub fn read_gpx(bytes: &[u8], source_name: &str) -> Result<Vec<GpxTrack>, GpxError> {
    super::guard::at_boundary(
        || read_all(bytes, source_name),
        |problem| GpxError::At {
            source_name: source_name.to_string(),
            line: 1,
            problem,
        },
    )
}

fn read_all(bytes: &[u8], source_name: &str) -> Result<Vec<GpxTrack>, GpxError> {
    let mut reader = Reader::from_reader(bytes);
    let mut out: Vec<GpxTrack> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let err = |pos: usize, problem: String| GpxError::At {
        source_name: source_name.to_string(),
        line: line_of(bytes, pos),
        problem,
    };
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| err(pos, e.to_string()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_string();
                if path.is_empty() && out.is_empty() && name != "gpx" {
                    return Err(err(pos, not_gpx(&name)));
                }
                if name == "trk" || name == "rte" {
                    out.push(GpxTrack {
                        name: None,
                        points: vec![],
                        start_time: None,
                        line: line_of(bytes, pos),
                        start_time_line: 0,
                    });
                }
                if name == "trkpt" || name == "rtept" {
                    let (mut lat, mut lon) = (None, None);
                    for a in e.attributes() {
                        let a = a.map_err(|x| err(pos, x.to_string()))?;
                        let v = String::from_utf8_lossy(&a.value).to_string();
                        let parsed = v.trim().parse::<f64>().ok().filter(|x| x.is_finite());
                        match a.key.local_name().as_ref() {
                            b"lat" => {
                                lat = Some(parsed.ok_or_else(|| {
                                    err(pos, format!("lat {v:?} is not a number"))
                                })?)
                            }
                            b"lon" => {
                                lon = Some(parsed.ok_or_else(|| {
                                    err(pos, format!("lon {v:?} is not a number"))
                                })?)
                            }
                            _ => {}
                        }
                    }
                    let (Some(lat), Some(lon)) = (lat, lon) else {
                        return Err(err(pos, format!("<{name}> without lat and lon")));
                    };
                    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                        return Err(err(pos, format!("lat {lat} / lon {lon} out of range")));
                    }
                    match out.last_mut() {
                        Some(t) => t.points.push(LonLat::new(lon, lat)),
                        None => return Err(err(pos, format!("<{name}> outside <trk>/<rte>"))),
                    }
                }
                if matches!(event, Event::Start(_)) {
                    path.push(name);
                    if path.len() > MAX_DEPTH {
                        return Err(err(pos, format!("elements nested deeper than {MAX_DEPTH}")));
                    }
                }
            }
            Event::Text(t) => {
                let Some(top) = path.last() else { continue };
                let text = t
                    .unescape()
                    .map_err(|e| err(pos, e.to_string()))?
                    .trim()
                    .to_string();
                let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
                if let Some(track) = out.last_mut() {
                    if top == "name" && matches!(parent, Some("trk") | Some("rte")) {
                        track.name = Some(text);
                    } else if top == "time"
                        && track.start_time.is_none()
                        && matches!(parent, Some("trkpt") | Some("rtept"))
                    {
                        track.start_time = Some(text);
                        track.start_time_line = line_of(bytes, pos);
                    }
                }
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Eof => {
                if let Some(open) = path.last() {
                    let problem = format!("the file ends inside <{open}> (cut short?)");
                    return Err(err(bytes.len(), problem));
                }
                break;
            }
            _ => {}
        }
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(err(0, "the file is empty".into()));
    }
    if let Some(first) = out
        .first()
        .filter(|_| out.iter().all(|t| t.points.is_empty()))
    {
        return Err(GpxError::At {
            source_name: source_name.to_string(),
            line: first.line,
            problem: "the track has no points (no <trkpt> or <rtept>)".into(),
        });
    }
    out.retain(|t| !t.points.is_empty());
    if out.is_empty() {
        return Err(GpxError::Empty(source_name.to_string()));
    }
    Ok(out)
}

/// Why a document whose root element is `root` is no GPX file.
fn not_gpx(root: &str) -> String {
    if root.eq_ignore_ascii_case("html") {
        "root element is <html>: a web page, not a GPX file".into()
    } else {
        format!("root element is <{root}>, not <gpx>: not a GPX file")
    }
}

/// A named point of a GPX file (a stop of a route).
#[derive(Debug, Clone, PartialEq)]
pub struct GpxWaypoint {
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// The `<name>` shown on the device (e.g. `1. 英才学校`).
    pub name: String,
    /// The `<desc>`, e.g. the planned arrival time.
    pub description: String,
}

/// Writes one route as GPX 1.1 for field devices: the stops as `<wpt>` and the street
/// line as one `<trk>` (WGS-84, 7 decimals ≈ 1 cm). The writer's own reader reads it back.
///
/// ```
/// use gridpatrol::formats::gpx::{read_gpx, write_gpx, GpxWaypoint};
/// let stop = GpxWaypoint { lon: 116.351, lat: 39.961, name: "1. 英才学校".into(), description: "09:00".into() };
/// let text = write_gpx("T1 <day>", &[(116.35, 39.96), (116.351, 39.961)], &[stop]);
/// let back = read_gpx(text.as_bytes(), "t1.gpx").unwrap();
/// assert_eq!(back[0].name.as_deref(), Some("T1 <day>"));
/// assert_eq!(back[0].points.len(), 2);
/// ```
pub fn write_gpx(name: &str, line: &[(f64, f64)], stops: &[GpxWaypoint]) -> String {
    write_gpx_tracks(&[(name, line)], stops)
}

/// GPX 1.1 with `stops` as waypoints and one track per `(name, line)` (a sweep's
/// shifts, say), so a field device lists them apart.
pub fn write_gpx_tracks(tracks: &[(&str, &[(f64, f64)])], stops: &[GpxWaypoint]) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"gridpatrol\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    for w in stops {
        let _ = writeln!(
            out,
            "  <wpt lat=\"{:.7}\" lon=\"{:.7}\"><name>{}</name><desc>{}</desc></wpt>",
            w.lat,
            w.lon,
            quick_xml::escape::escape(w.name.as_str()),
            quick_xml::escape::escape(w.description.as_str()),
        );
    }
    for (name, line) in tracks {
        let _ = writeln!(
            out,
            "  <trk><name>{}</name><trkseg>",
            quick_xml::escape::escape(*name)
        );
        for (lon, lat) in line.iter() {
            let _ = writeln!(out, "    <trkpt lat=\"{lat:.7}\" lon=\"{lon:.7}\"/>");
        }
        out.push_str("  </trkseg></trk>\n");
    }
    out.push_str("</gpx>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_coordinates_name_the_line() {
        let gpx = b"<gpx>\n<trk><trkseg>\n<trkpt lat=\"x\" lon=\"116\"/>\n</trkseg></trk></gpx>";
        let e = read_gpx(gpx, "a.gpx").unwrap_err().to_string();
        assert!(e.contains("a.gpx line 3"), "{e}");
        assert!(read_gpx(b"<gpx></gpx>", "b.gpx").is_err());
        assert!(read_gpx(b"<gpx><trk><trkpt lat=\"1\"", "c.gpx").is_err());
    }

    #[test]
    fn deep_nesting_is_refused_with_the_line() {
        let gpx = format!("<gpx>\n<trk>{}", "<x>".repeat(10_000));
        let e = read_gpx(gpx.as_bytes(), "deep.gpx")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!("deep.gpx line 2: elements nested deeper than {MAX_DEPTH}")
        );
    }

    #[test]
    fn html_empty_and_cut_short_files_say_so() {
        let e = read_gpx(b"<!DOCTYPE html>\n<html><body>502</body></html>", "p.gpx");
        assert!(e
            .unwrap_err()
            .to_string()
            .starts_with("p.gpx line 2: root element is <html>"));
        let e = read_gpx(b"  \n", "e.gpx").unwrap_err().to_string();
        assert_eq!(e, "e.gpx line 1: the file is empty");
        let cut =
            b"<gpx><trk><trkseg>\n<trkpt lat=\"39.96\" lon=\"116.35\"/>\n<trkpt lat=\"39.96\" lo";
        let e = read_gpx(cut, "c.gpx").unwrap_err().to_string();
        assert!(e.starts_with("c.gpx line 3:"), "{e}");
        let cut = b"<gpx><trk><trkseg>\n<trkpt lat=\"39.96\" lon=\"116.35\"/>\n";
        let e = read_gpx(cut, "c.gpx").unwrap_err().to_string();
        assert_eq!(
            e,
            "c.gpx line 3: the file ends inside <trkseg> (cut short?)"
        );
    }

    #[test]
    fn routes_count_too() {
        let t = read_gpx(
            br#"<gpx><rte><rtept lat="40" lon="116"/><rtept lat="40.1" lon="116"/></rte></gpx>"#,
            "r.gpx",
        )
        .unwrap();
        assert_eq!(t[0].points.len(), 2);
    }
}
