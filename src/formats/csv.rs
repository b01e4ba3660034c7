//! CSV site lists, as leads export them from Excel or WPS: UTF-8 with or without BOM or
//! GBK; headers in English or Chinese (`名称,经度,纬度,地址`); points as `lon`/`lat`
//! columns (or a WKT `geometry` column), polygons as a WKT `geometry` column.
//!
//! Readers check every row, collect up to [`MAX_ERRORS`](super::error::MAX_ERRORS)
//! errors and return all the items or none.
//!
//! ```
//! use gridpatrol::formats::csv::read_id_points;
//! use gridpatrol::Crs;
//! let sites = read_id_points(b"id,lon,lat\nA,116.35,39.96\n", "sites.csv", Crs::Wgs84).unwrap();
//! assert_eq!(sites[0].0, "A");
//! let err = read_id_points(b"id,lon,lat\nA,116.35,39.96\nB,116,35,39.96\n", "sites.csv", Crs::Wgs84);
//! assert_eq!(
//!     err.unwrap_err().to_string(),
//!     "sites.csv line 3: 4 fields but the header has 3 (an unquoted comma inside a value?)"
//! );
//! ```

use std::collections::HashMap;

use super::error::{Errors, FieldProblem, FormatError, Place};
use super::fields::{self as f, FieldSpec, Row};
use super::geom::{parse_wkt, LayerGeometry, RawGeometry, ReadOptions};
use super::layers::{IdPoint, ReadItem, SiteLayer};
use super::text::decode_or_error;
use crate::crs::Crs;
use crate::model::{Cell, Depot, Hotspot, Institution, School, Wgs84Point};

/// Reads `id,lon,lat` (any column order, extra columns ignored, Chinese headers
/// `编号,经度,纬度` too) into `(id, WGS-84 point)` pairs, in file order. Ids must be
/// non-empty and unique.
pub fn read_id_points(
    bytes: &[u8],
    source: &str,
    crs: Crs,
) -> Result<Vec<(String, Wgs84Point)>, FormatError> {
    let points: Vec<IdPoint> = read(bytes, source, &ReadOptions::crs(crs))?;
    Ok(points.into_iter().map(|p| (p.id, p.location)).collect())
}

/// Reads institutions (校外培训 / 托管机构).
pub fn read_institutions(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Institution>, FormatError> {
    read(bytes, source, opts)
}

/// Reads schools.
pub fn read_schools(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<School>, FormatError> {
    read(bytes, source, opts)
}

/// Reads grid cells (网格), polygons in a WKT `geometry` column.
pub fn read_cells(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Cell>, FormatError> {
    read(bytes, source, opts)
}

/// Reads hotspots (商务楼宇 / 居民小区), polygons in a WKT `geometry` column.
pub fn read_hotspots(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Hotspot>, FormatError> {
    read(bytes, source, opts)
}

/// Reads depots (the township office a team starts from).
pub fn read_depots(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<Depot>, FormatError> {
    read(bytes, source, opts)
}

/// Where each field of a layer sits in the header.
struct Columns {
    fields: Vec<(usize, FieldSpec, String)>,
    lon: Option<(usize, String)>,
    lat: Option<(usize, String)>,
    geometry: Option<(usize, String)>,
    /// Columns no field of the layer reads, kept beside the item.
    unknown: Vec<(usize, String)>,
}

fn is_point<T: SiteLayer>() -> bool {
    <T::Geometry as LayerGeometry>::EXPECTED == "Point"
}

/// Maps header columns to the layer's fields; reports missing and doubled columns.
fn columns<T: SiteLayer>(header: &csv::StringRecord, source: &str) -> Result<Columns, FormatError> {
    let mut specs: Vec<FieldSpec> = T::FIELDS.to_vec();
    specs.extend([f::LON, f::LAT, f::GEOMETRY]);
    let mut seen: HashMap<&str, String> = HashMap::new();
    let mut cols = Columns {
        fields: Vec::new(),
        lon: None,
        lat: None,
        geometry: None,
        unknown: Vec::new(),
    };
    for (i, h) in header.iter().enumerate() {
        let Some(spec) = f::match_header(&specs, h) else {
            if !h.trim().is_empty() {
                cols.unknown.push((i, h.to_string()));
            }
            continue;
        };
        if let Some(first) = seen.insert(spec.name, h.to_string()) {
            return Err(FormatError::Syntax {
                place: Place::line(source, 1),
                problem: format!(
                    "columns {first:?} and {h:?} both give field {:?}",
                    spec.name
                ),
            });
        }
        let slot = (i, h.to_string());
        match spec.name {
            "lon" => cols.lon = Some(slot),
            "lat" => cols.lat = Some(slot),
            "geometry" => cols.geometry = Some(slot),
            _ => cols.fields.push((i, spec, h.to_string())),
        }
    }
    let missing = |spec: FieldSpec| FormatError::MissingColumn {
        source_name: source.to_string(),
        column: spec.name,
        accepted: spec.aliases.to_vec(),
    };
    for spec in T::FIELDS.iter().filter(|s| T::REQUIRED.contains(&s.name)) {
        if !seen.contains_key(spec.name) {
            return Err(missing(*spec));
        }
    }
    if cols.geometry.is_none() {
        if !is_point::<T>() {
            return Err(missing(f::GEOMETRY));
        }
        if cols.lon.is_none() {
            return Err(missing(f::LON));
        }
        if cols.lat.is_none() {
            return Err(missing(f::LAT));
        }
    }
    Ok(cols)
}

/// Picks the delimiter from the header line: `,` unless only `;` or tabs appear.
pub(crate) fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.contains(',') {
        b','
    } else if header.contains('\t') {
        b'\t'
    } else if header.contains(';') {
        b';'
    } else {
        b','
    }
}

/// Reads any layer from CSV bytes.
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

/// Reads any layer from CSV bytes, each item with the fields it gave and those the layer
/// does not know (for imports that update only what a file says).
pub fn read_items<T: SiteLayer>(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<ReadItem<T>>, FormatError> {
    super::guard::at_boundary(
        || read_all::<T>(bytes, source, opts),
        |problem| FormatError::Syntax {
            place: Place::file(source),
            problem,
        },
    )
}

fn read_all<T: SiteLayer>(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<ReadItem<T>>, FormatError> {
    let text = decode_or_error(bytes, source)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&text))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines = LineIndex::new(&text);
    let header = reader
        .headers()
        .map_err(|e| syntax(source, &lines, &e))?
        .clone();
    let cols = columns::<T>(&header, source)?;
    let mut errors = Errors::default();
    let mut items = Vec::new();
    let mut first_seen: HashMap<String, Place> = HashMap::new();
    let mut places = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        if errors.full() {
            errors.push(FormatError::Syntax {
                place: Place::file(source),
                problem: "too many errors; stopped reading".into(),
            });
            break;
        }
        let start = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.push(syntax(source, &lines, &e));
                continue;
            }
        }
        if record.iter().all(str::is_empty) {
            continue; // the blank rows spreadsheets leave at the end
        }
        let start = lines.skip_line_ends(&text, record.position().map_or(start, |p| p.byte()));
        let line = lines.line_at(start);
        let end = reader.position().byte() as usize;
        let raw = text.get(start as usize..end.min(text.len()));
        if let Some(problem) = unterminated_quote(raw, end >= text.len()) {
            errors.push(FormatError::Syntax {
                place: Place::line(source, line),
                problem,
            });
            continue;
        }
        if record.len() > header.len() {
            // Usually an unquoted decimal comma (`116,35`) that split a field in two.
            errors.push(FormatError::Syntax {
                place: Place::line(source, line),
                problem: format!(
                    "{} fields but the header has {} (an unquoted comma inside a value?)",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let mut row = Row::new(Place::line(source, line), &mut errors);
        let item = build_row::<T>(&mut row, &record, &cols, opts);
        if let Some(item) = item.filter(|_| !row.failed()) {
            let (given, extra) = (row.given(), row.take_extra());
            let place = row.place.clone();
            check_unique(&mut first_seen, &place, item.id(), &mut errors);
            places.push(place);
            items.push(ReadItem { item, given, extra });
        }
    }
    T::check_layer(&items, &places, opts, &mut errors);
    errors.finish(items)
}

/// Line numbers as an editor shows them (the header is line 1), from byte offsets:
/// a line ends at `\n`, `\r\n` or a lone `\r` (old Mac exports).
struct LineIndex {
    starts: Vec<u64>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i as u64 + 1);
            }
        }
        Self { starts }
    }
    /// The first byte at or after `offset` that does not end a line: the csv crate
    /// gives a record's start before the line ends and blank lines it skipped.
    fn skip_line_ends(&self, text: &str, offset: u64) -> u64 {
        let rest = text.as_bytes().get(offset as usize..).unwrap_or_default();
        offset
            + rest
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count() as u64
    }
    /// The 1-based line holding byte `offset`.
    fn line_at(&self, offset: u64) -> u64 {
        self.starts.partition_point(|&s| s <= offset) as u64
    }
}

/// A record that ran to the end of the file with an odd number of quotes opened a
/// quoted field it never closed: every following line was swallowed into one field.
fn unterminated_quote(raw: Option<&str>, at_end: bool) -> Option<String> {
    let raw = raw?;
    let quotes = raw.matches('"').count();
    (at_end && quotes % 2 == 1 && raw.contains(['\n', '\r'])).then(|| {
        format!(
            "a quote (\") opened here is never closed: the rest of the file ({} more lines) was read as one value",
            raw.lines().count().saturating_sub(1)
        )
    })
}

fn syntax(source: &str, lines: &LineIndex, e: &csv::Error) -> FormatError {
    let place = match e.position() {
        Some(p) => Place::line(source, lines.line_at(p.byte())),
        None => Place::file(source),
    };
    FormatError::Syntax {
        place,
        problem: format!("not valid CSV: {e}"),
    }
}

/// Records a duplicate-id error when `id` was seen before.
pub(crate) fn check_unique(
    first_seen: &mut HashMap<String, Place>,
    place: &Place,
    id: &str,
    errors: &mut Errors,
) {
    if let Some(first) = first_seen.get(id) {
        let first = match &first.position {
            super::error::Position::Line(n) => format!("line {n}"),
            super::error::Position::Row(n) => format!("row {n}"),
            super::error::Position::Feature(i) => format!("feature {i}"),
            super::error::Position::File => first.source.clone(),
        };
        errors.field(
            place,
            "id",
            FieldProblem::DuplicateId {
                id: id.to_string(),
                first,
            },
        );
    } else {
        first_seen.insert(id.to_string(), place.clone());
    }
}

/// One row read on its own: the item, or every problem its fields have.
#[derive(Debug)]
pub struct RowRead<T> {
    /// Where the row is (line, or sheet and row).
    pub place: Place,
    /// The item with what the row gave, or the row's problems (one error or several).
    pub outcome: Result<ReadItem<T>, FormatError>,
}

/// Reads rows already split into cells (a spreadsheet's sheet, a list being previewed)
/// with the same columns, fields and checks as a CSV file, each row on its own: a bad
/// row does not stop the others. `source` names the file (and sheet) in header errors;
/// a missing or doubled column fails the whole list. Ids are not checked for
/// uniqueness across rows here (see [`all_rows`]).
pub fn read_rows<T: SiteLayer>(
    header: &[String],
    rows: &[(Place, Vec<String>)],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<RowRead<T>>, FormatError> {
    let header = csv::StringRecord::from(header.to_vec());
    let cols = columns::<T>(&header, source)?;
    Ok(rows
        .iter()
        .map(|(place, cells)| {
            let record = csv::StringRecord::from(cells.clone());
            let mut errors = Errors::default();
            let mut row = Row::new(place.clone(), &mut errors);
            let item = build_row::<T>(&mut row, &record, &cols, opts);
            let outcome = match item.filter(|_| !row.failed()) {
                Some(item) => {
                    let (given, extra) = (row.given(), row.take_extra());
                    Ok(ReadItem { item, given, extra })
                }
                None => Err(errors
                    .finish(())
                    .err()
                    .unwrap_or_else(|| FormatError::Syntax {
                        place: place.clone(),
                        problem: "the row could not be read".into(),
                    })),
            };
            RowRead {
                place: place.clone(),
                outcome,
            }
        })
        .collect())
}

/// All the rows' items, or every problem of the list: bad rows, ids used twice, and the
/// layer's own checks (as [`read_items`] does for a CSV file).
pub fn all_rows<T: SiteLayer>(
    rows: Vec<RowRead<T>>,
    opts: &ReadOptions,
) -> Result<Vec<ReadItem<T>>, FormatError> {
    let mut errors = Errors::default();
    let mut first_seen: HashMap<String, Place> = HashMap::new();
    let (mut items, mut places) = (Vec::new(), Vec::new());
    for row in rows {
        match row.outcome {
            Ok(item) => {
                check_unique(&mut first_seen, &row.place, item.item.id(), &mut errors);
                places.push(row.place);
                items.push(item);
            }
            Err(e) => errors.push(e),
        }
    }
    T::check_layer(&items, &places, opts, &mut errors);
    errors.finish(items)
}

fn build_row<T: SiteLayer>(
    row: &mut Row<'_>,
    record: &csv::StringRecord,
    cols: &Columns,
    opts: &ReadOptions,
) -> Option<T> {
    for (i, spec, header) in &cols.fields {
        row.set(spec.name, header, record.get(*i).unwrap_or("").to_string());
    }
    for (i, header) in &cols.unknown {
        row.set_extra(header, record.get(*i).unwrap_or("").to_string());
    }
    let geometry = row_geometry::<T>(row, record, cols, opts);
    T::build(row, geometry)
}

/// The row's geometry: `lon`/`lat` for point layers when present, else WKT.
fn row_geometry<T: SiteLayer>(
    row: &mut Row<'_>,
    record: &csv::StringRecord,
    cols: &Columns,
    opts: &ReadOptions,
) -> Option<T::Geometry> {
    let cell = |slot: &Option<(usize, String)>| {
        slot.as_ref()
            .map(|(i, h)| (h.clone(), record.get(*i).unwrap_or("").to_string()))
    };
    let lon_lat = (cell(&cols.lon), cell(&cols.lat));
    let (raw, label) = match (is_point::<T>(), lon_lat) {
        (true, (Some((lon_h, lon)), Some((lat_h, lat)))) => {
            let lon = coordinate(row, "lon", &lon_h, &lon);
            let lat = coordinate(row, "lat", &lat_h, &lat);
            (RawGeometry::Point(lon?, lat?), format!("{lon_h}/{lat_h}"))
        }
        _ => {
            let (header, text) = cell(&cols.geometry)?;
            row.set("geometry", &header, text.clone());
            if text.trim().is_empty() {
                row.reject("geometry", FieldProblem::Empty);
                return None;
            }
            match parse_wkt(&text) {
                Ok(raw) => (raw, header),
                Err(p) => {
                    row.reject("geometry", p);
                    return None;
                }
            }
        }
    };
    match T::Geometry::from_raw(raw, opts) {
        Ok(g) => Some(g),
        Err(p) => {
            row.set("location", &label, String::new());
            row.reject("location", p);
            None
        }
    }
}

fn coordinate(row: &mut Row<'_>, field: &'static str, header: &str, text: &str) -> Option<f64> {
    row.set(field, header, text.to_string());
    if text.trim().is_empty() {
        row.reject(field, FieldProblem::Empty);
        return None;
    }
    f::number(text).map_err(|p| row.reject(field, p)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Extent, InstitutionKind, Licence, Subject, Wgs84};
    use geo::{coord, Rect};

    fn extent() -> Extent {
        Wgs84(Rect::new(
            coord! { x: 116.348, y: 39.954 },
            coord! { x: 116.365, y: 39.967 },
        ))
    }

    fn opts() -> ReadOptions {
        ReadOptions {
            crs: Crs::Wgs84,
            extent: Some(extent()),
        }
    }

    fn messages(e: &FormatError) -> Vec<String> {
        e.errors().iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn id_points_with_bom_and_any_column_order() {
        let bytes = "\u{feff}lat,id,lon,备注\n39.96,A,116.35,x\n39.961,B,116.351,\n".as_bytes();
        let sites = read_id_points(bytes, "s.csv", Crs::Wgs84).unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!(
            (sites[1].0.as_str(), sites[1].1.lon_lat()),
            ("B", (116.351, 39.961))
        );
    }

    #[test]
    fn id_points_in_gbk_with_chinese_headers() {
        let (bytes, _, _) =
            encoding_rs::GBK.encode("编号,名称,经度,纬度\n甲1,某托管班,116.35,39.96\n");
        let sites = read_id_points(&bytes, "s.csv", Crs::Wgs84).unwrap();
        assert_eq!(sites[0].0, "甲1");
    }

    #[test]
    fn id_points_are_converted_from_gcj02() {
        let (gx, gy) = Crs::Gcj02.from_wgs84(116.3557, 39.9611);
        let text = format!("id,lon,lat\nA,{gx},{gy}\n");
        let sites = read_id_points(text.as_bytes(), "s.csv", Crs::Gcj02).unwrap();
        let d = crate::units::haversine_m((116.3557, 39.9611), sites[0].1.lon_lat());
        assert!(d < 0.05, "{d} m");
    }

    #[test]
    fn id_point_errors_name_line_and_field_and_all_are_collected() {
        let text =
            "id,lon,lat\nA,116.35,39.96\n,116.35,39.96\nA,116.35,39.96\nC,116,35\nD,39.96,116.35\n";
        let e = read_id_points(text.as_bytes(), "institutions.csv", Crs::Wgs84).unwrap_err();
        assert_eq!(
            messages(&e),
            vec![
                r#"institutions.csv line 3, field "id": is empty"#,
                r#"institutions.csv line 4, field "id": duplicate id "A" (first at line 2)"#,
                r#"institutions.csv line 6, field "lon/lat": lon/lat look swapped: (39.96, 116.35) read as lon, lat"#,
            ]
        );
        let e = read_id_points(
            b"id,lon,lat\nA,\"116,35\",39.96\n",
            "institutions.csv",
            Crs::Wgs84,
        );
        assert_eq!(
            e.unwrap_err().to_string(),
            r#"institutions.csv line 2, field "lon": not a number: "116,35""#
        );
    }

    #[test]
    fn missing_columns_and_bad_text() {
        let e = read_id_points(b"id,x_coord,lat\n", "s.csv", Crs::Wgs84).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(r#"s.csv: missing column "lon" (accepted headers: lon, lng"#),
            "{e}"
        );
        let e = read_id_points(b"name,lon,lat\n", "s.csv", Crs::Wgs84).unwrap_err();
        assert!(e.to_string().contains(r#"missing column "id""#), "{e}");
        let e = read_id_points(&[0x41, 0xFF, 0xFF], "s.csv", Crs::Wgs84).unwrap_err();
        assert_eq!(e.to_string(), "s.csv line 1: text is neither UTF-8 nor GBK");
        let e = read_id_points(b"id,lon,lng,lat\n", "s.csv", Crs::Wgs84).unwrap_err();
        assert!(
            e.to_string()
                .contains(r#"columns "lon" and "lng" both give field "lon""#),
            "{e}"
        );
    }

    const INSTITUTIONS: &str = "\
id,name,kind,subject,licence,address,lon,lat,open_hours,complaints,last_inspected,synthetic
I1,学而思培优,training,subject,licensed,西土城路10号,116.352,39.960,\"08:00-12:00,14:00-20:00\",2,2026-03-05,false
I2,小饭桌,托管,,无证无照,,116.353,39.961,,,,true
";

    #[test]
    fn weekday_hours_are_read_and_bad_hours_name_the_part_not_understood() {
        let text = "\
id,name,kind,licence,lon,lat,open_hours
I1,晚托,care,unlicensed,116.352,39.960,周一至周五 16:00-21:00；周六、周日 08:00-20:00
I2,书法,training,licensed,116.352,39.960,周一至周五 16:00-21:00；周八 08:00-20:00
";
        let e = read_institutions(text.as_bytes(), "i.csv", &opts()).unwrap_err();
        let m = messages(&e);
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(
            m[0].starts_with(r#"i.csv line 3, field "open_hours": not opening hours"#),
            "{}",
            m[0]
        );
        assert!(
            m[0].contains("周八"),
            "names the part not understood: {}",
            m[0]
        );
        let good = text.lines().take(2).collect::<Vec<_>>().join("\n");
        let list = read_institutions(good.as_bytes(), "i.csv", &opts()).unwrap();
        let saturday = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let spans = list[0].open_hours.as_ref().unwrap().schedule();
        let spans = spans.spans_on(saturday, crate::calendar::Calendar::china());
        assert_eq!(
            (spans[0].start, spans[0].end),
            (8.0 * 3600.0, 20.0 * 3600.0)
        );
    }

    #[test]
    fn institutions_read_every_field() {
        let list = read_institutions(INSTITUTIONS.as_bytes(), "i.csv", &opts()).unwrap();
        assert_eq!(list.len(), 2);
        let a = &list[0];
        assert_eq!(
            (a.kind, a.subject, a.licence),
            (
                InstitutionKind::Training,
                Some(Subject::Subject),
                Licence::Licensed
            )
        );
        let hours = a.open_hours.as_ref().unwrap();
        assert_eq!(hours.to_string(), "08:00-12:00,14:00-20:00");
        assert_eq!(
            (a.complaints, a.last_inspected.unwrap().to_string()),
            (2, "2026-03-05".into())
        );
        assert_eq!(a.address.as_deref(), Some("西土城路10号"));
        let b = &list[1];
        assert_eq!(
            (b.kind, b.subject, b.licence, b.synthetic),
            (InstitutionKind::Care, None, Licence::Unlicensed, true)
        );
        assert_eq!(
            (b.complaints, b.address.is_none(), b.open_hours.is_none()),
            (0, true, true)
        );
    }

    #[test]
    fn institution_errors_are_all_reported_and_nothing_is_loaded() {
        let text = "\
名称,编号,类型,学科类别,证照情况,经度,纬度,营业时间,投诉数,上次检查
,I1,培训,学科类,有证有照,116.352,39.960,,,
好,I2,dance,学科类,maybe,116.352,39.960,25:00-26:00,-1,2026-13-01
远,I3,培训,学科类,有证有照,116.452,39.960,,,
";
        let e = read_institutions(text.as_bytes(), "i.csv", &opts()).unwrap_err();
        let m = messages(&e);
        assert_eq!(m.len(), 7, "{m:#?}");
        assert_eq!(m[0], r#"i.csv line 2, field "名称": is empty"#);
        assert!(m[1].starts_with(r#"i.csv line 3, field "类型": unknown value "dance": expected one of training, care, 培训"#), "{}", m[1]);
        assert!(
            m[2].starts_with(r#"i.csv line 3, field "证照情况": unknown value "maybe""#),
            "{}",
            m[2]
        );
        assert!(
            m[3].starts_with(r#"i.csv line 3, field "营业时间": not opening hours"#),
            "{}",
            m[3]
        );
        assert!(
            m[4].starts_with(r#"i.csv line 3, field "投诉数": not a whole number"#),
            "{}",
            m[4]
        );
        assert!(
            m[5].starts_with(r#"i.csv line 3, field "上次检查": not a date"#),
            "{}",
            m[5]
        );
        assert!(m[6].starts_with(r#"i.csv line 4, field "经度/纬度": (116.452, 39.96) is outside the township extent"#), "{}", m[6]);
        assert!(
            e.to_string().starts_with("7 errors:\n  i.csv line 2"),
            "{e}"
        );
    }

    #[test]
    fn polygons_from_wkt() {
        let text = "id,name,kind,geometry\nH1,某小区,居民小区,\"POLYGON ((116.350 39.960, 116.352 39.960, 116.352 39.962, 116.350 39.960))\"\n";
        let list = read_hotspots(text.as_bytes(), "h.csv", &opts()).unwrap();
        assert_eq!(list[0].kind, crate::model::HotspotKind::ResidentialCompound);
        let e = read_hotspots(b"id,name,kind\n", "h.csv", &opts()).unwrap_err();
        assert!(
            e.to_string().contains(r#"missing column "geometry""#),
            "{e}"
        );
        let bad = "id,name,kind,geometry\nH1,x,商务楼宇,POINT (116.35 39.96)\nH2,y,商务楼宇,POLYGON ((1 2\n";
        let m = messages(&read_hotspots(bad.as_bytes(), "h.csv", &opts()).unwrap_err());
        assert_eq!(
            m[0],
            r#"h.csv line 2, field "geometry": expected a Polygon, found Point"#
        );
        assert!(
            m[1].starts_with(r#"h.csv line 3, field "geometry": not WKT"#),
            "{}",
            m[1]
        );
    }

    #[test]
    fn gbk_institutions_in_bd09_with_chinese_values() {
        let (bx, by) = Crs::Bd09.from_wgs84(116.3557, 39.9611);
        let text = format!(
            "编号,名称,类型,学科类别,证照情况,地址,经度,纬度\nA1,某某小饭桌,小饭桌,,有照无证,某小区3号楼,{bx},{by}\n\
             A2,某某学科辅导,培训,学科类,无证无照,,{bx},{by}\n"
        );
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        let o = ReadOptions {
            crs: Crs::Bd09,
            extent: Some(extent()),
        };
        let list = read_institutions(&bytes, "i.csv", &o).unwrap();
        assert_eq!(
            (list[0].kind, list[0].licence),
            (InstitutionKind::Care, Licence::RegisteredOnly)
        );
        assert_eq!(list[0].address.as_deref(), Some("某小区3号楼"));
        assert_eq!(
            (list[1].subject, list[1].licence),
            (Some(Subject::Subject), Licence::Unlicensed)
        );
        let d = crate::units::haversine_m((116.3557, 39.9611), list[1].location.lon_lat());
        assert!(d < 0.05, "{d} m");
    }

    #[test]
    fn line_numbers_match_an_editor_with_any_line_ending() {
        for ending in ["\n", "\r\n", "\r"] {
            let text = ["id,lon,lat", "A,116.35,39.96", "", ",116.35,39.96", ""].join(ending);
            let e = read_id_points(text.as_bytes(), "s.csv", Crs::Wgs84).unwrap_err();
            assert_eq!(
                e.to_string(),
                r#"s.csv line 4, field "id": is empty"#,
                "ending {ending:?}"
            );
        }
        let quoted = "id,name,kind,licence,lon,lat\nA,\"two\nlines\",training,licensed,116.35,39.96\n,x,training,licensed,116.35,39.96\n";
        let e = read_institutions(quoted.as_bytes(), "i.csv", &opts()).unwrap_err();
        assert_eq!(e.to_string(), r#"i.csv line 4, field "id": is empty"#);
    }

    #[test]
    fn an_unterminated_quote_is_named_as_such() {
        let text = "id,lon,lat\nA,116.35,39.96\nB,\"116.35,39.96\nC,116.35,39.96\n";
        let e = read_id_points(text.as_bytes(), "s.csv", Crs::Wgs84).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.csv line 3: a quote (\") opened here is never closed"),
            "{e}"
        );
    }

    #[test]
    fn long_names_and_ids_and_control_characters_are_refused() {
        let long_name = "名".repeat(201);
        let long_id = "x".repeat(65);
        let text = format!(
            "id,name,kind,licence,lon,lat\nA,{long_name},training,licensed,116.35,39.96\n{long_id},ok,training,licensed,116.35,39.96\n\"B\u{7}\",ok,training,licensed,116.35,39.96\n"
        );
        let m = messages(&read_institutions(text.as_bytes(), "i.csv", &opts()).unwrap_err());
        assert_eq!(
            m,
            vec![
                r#"i.csv line 2, field "name": 201 characters; at most 200 are allowed"#,
                r#"i.csv line 3, field "id": 65 characters; at most 64 are allowed"#,
                r#"i.csv line 4, field "id": holds a control character ('\u{7}') at character 2"#,
            ]
        );
    }

    #[test]
    fn overlapping_cells_and_cells_beyond_the_township_are_refused() {
        let square = |x0: f64, y0: f64, d: f64| {
            format!(
                "\"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))\"",
                x1 = x0 + d,
                y1 = y0 + d
            )
        };
        let text = format!(
            "id,name,geometry\nC1,a,{}\nC2,b,{}\nC3,c,{}\nC4,d,{}\n",
            square(116.350, 39.955, 0.004),
            square(116.354, 39.955, 0.004), // shares an edge with C1: fine
            square(116.352, 39.956, 0.004), // overlaps both
            square(116.360, 39.960, 0.02),  // mostly outside
        );
        let m = messages(&read_cells(text.as_bytes(), "c.csv", &opts()).unwrap_err());
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(
            m[0].starts_with(r#"c.csv line 5, field "geometry": "#)
                && m[0].contains("% of the cell lies outside the township extent"),
            "{}",
            m[0]
        );
        assert!(m[1].starts_with(r#"c.csv line 4, field "geometry": overlaps cell "C1" (c.csv line 2) over 37 % of the smaller cell"#), "{}", m[1]);
        assert!(
            m[2].contains(r#"overlaps cell "C2" (c.csv line 3)"#),
            "{}",
            m[2]
        );
    }

    #[test]
    fn semicolons_and_blank_rows() {
        let sites =
            read_id_points(b"id;lon;lat\nA;116.35;39.96\n;;\n", "s.csv", Crs::Wgs84).unwrap();
        assert_eq!(sites.len(), 1);
    }
}
