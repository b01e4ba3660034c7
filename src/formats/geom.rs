//! Geometry on the way in: coordinates in the declared system are checked (range,
//! swapped lon/lat, township extent), converted to WGS-84 and, for polygons, oriented as
//! RFC 7946 asks. Also a small WKT reader for the `geometry` column of CSV files.

use geo::orient::{Direction, Orient};
use geo::{
    Area, BooleanOps, BoundingRect, Coord, Intersects, LineString, MapCoords, Polygon, Validation,
};

use super::error::{Errors, FieldProblem, Place};
use crate::crs::Crs;
use crate::model::{Extent, Wgs84, Wgs84Point, Wgs84Polygon};

/// How to read a layer: the coordinate system its coordinates are in, and the township
/// extent (WGS-84) they must fall in, when known.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// The coordinate system the layer's coordinates are in.
    pub crs: Crs,
    /// The township extent (WGS-84); points outside it are refused when set.
    pub extent: Option<Extent>,
}

impl ReadOptions {
    /// Coordinates in `crs`, no extent check.
    pub fn crs(crs: Crs) -> Self {
        Self { crs, extent: None }
    }
}

/// A geometry as read, in the input's coordinate system, before checks.
#[derive(Debug, Clone, PartialEq)]
pub enum RawGeometry {
    /// A point `(lon, lat)` in the input's coordinate system.
    Point(f64, f64),
    /// A polygon in the input's coordinate system.
    Polygon(Polygon<f64>),
    /// A multipolygon in the input's coordinate system.
    MultiPolygon(Vec<Polygon<f64>>),
    /// Any other type, by name (`LineString`, …): rejected by every layer.
    Other(String),
}

/// A model geometry type that a layer's features carry.
pub trait LayerGeometry: Sized {
    /// What the layer expects, for messages (`Point`, `Polygon`).
    const EXPECTED: &'static str;
    /// Checks and converts a raw geometry.
    fn from_raw(raw: RawGeometry, opts: &ReadOptions) -> Result<Self, FieldProblem>;
}

impl LayerGeometry for Wgs84Point {
    const EXPECTED: &'static str = "Point";
    fn from_raw(raw: RawGeometry, opts: &ReadOptions) -> Result<Self, FieldProblem> {
        match raw {
            RawGeometry::Point(lon, lat) => point(lon, lat, opts),
            other => Err(wrong_type(&other, Self::EXPECTED)),
        }
    }
}

impl LayerGeometry for Wgs84Polygon {
    const EXPECTED: &'static str = "Polygon";
    fn from_raw(raw: RawGeometry, opts: &ReadOptions) -> Result<Self, FieldProblem> {
        match raw {
            RawGeometry::Polygon(p) => polygon(p, opts),
            RawGeometry::MultiPolygon(mut parts) if parts.len() == 1 => {
                polygon(parts.remove(0), opts)
            }
            RawGeometry::MultiPolygon(parts) => Err(FieldProblem::BadGeometry(format!(
                "MultiPolygon with {} parts: give each part its own feature or row",
                parts.len()
            ))),
            other => Err(wrong_type(&other, Self::EXPECTED)),
        }
    }
}

fn wrong_type(raw: &RawGeometry, expected: &str) -> FieldProblem {
    let found = match raw {
        RawGeometry::Point(..) => "Point",
        RawGeometry::Polygon(_) => "Polygon",
        RawGeometry::MultiPolygon(_) => "MultiPolygon",
        RawGeometry::Other(name) => name.as_str(),
    };
    FieldProblem::BadGeometry(format!("expected a {expected}, found {found}"))
}

fn valid_range(lon: f64, lat: f64) -> bool {
    lon.abs() <= 180.0 && lat.abs() <= 90.0
}

fn inside(extent: &Extent, lon: f64, lat: f64) -> bool {
    let (min, max) = (extent.0.min(), extent.0.max());
    (min.x..=max.x).contains(&lon) && (min.y..=max.y).contains(&lat)
}

/// Describes an extent as `[min_lon, min_lat, max_lon, max_lat]`.
pub fn extent_text(extent: &Extent) -> String {
    let (min, max) = (extent.0.min(), extent.0.max());
    format!("[{}, {}, {}, {}]", min.x, min.y, max.x, max.y)
}

/// Checks a point given as `(lon, lat)` in `opts.crs` and converts it to WGS-84.
///
/// ```
/// use gridpatrol::formats::geom::{point, ReadOptions};
/// use gridpatrol::Crs;
/// let p = point(116.3620, 39.9625, &ReadOptions::crs(Crs::Gcj02)).unwrap();
/// assert!((p.lon() - 116.3558).abs() < 0.0005); // GCJ-02 is ~500 m east of WGS-84 here
/// assert!(point(39.96, 116.35, &ReadOptions::default()).unwrap_err().to_string().contains("swapped"));
/// ```
pub fn point(lon: f64, lat: f64, opts: &ReadOptions) -> Result<Wgs84Point, FieldProblem> {
    if !valid_range(lon, lat) {
        return Err(if valid_range(lat, lon) {
            FieldProblem::Swapped { lon, lat }
        } else if lon.abs() > 180.0 {
            FieldProblem::OutOfRange {
                axis: "longitude",
                value: lon,
                limit: 180.0,
            }
        } else {
            FieldProblem::OutOfRange {
                axis: "latitude",
                value: lat,
                limit: 90.0,
            }
        });
    }
    let (x, y) = opts.crs.to_wgs84(lon, lat);
    let Some(extent) = &opts.extent else {
        return Ok(Wgs84Point::new(x, y));
    };
    if inside(extent, x, y) {
        return Ok(Wgs84Point::new(x, y));
    }
    let (sx, sy) = opts.crs.to_wgs84(lat, lon);
    if valid_range(lat, lon) && inside(extent, sx, sy) {
        Err(FieldProblem::Swapped { lon, lat })
    } else {
        Err(FieldProblem::OutsideExtent {
            lon,
            lat,
            extent: extent_text(extent),
        })
    }
}

/// Checks a polygon in `opts.crs`, converts it to WGS-84 and orients it (exterior
/// counter-clockwise, holes clockwise). Its bounding box must meet the extent.
pub fn polygon(raw: Polygon<f64>, opts: &ReadOptions) -> Result<Wgs84Polygon, FieldProblem> {
    let rings = std::iter::once(raw.exterior()).chain(raw.interiors());
    for (i, ring) in rings.enumerate() {
        let distinct = ring.0.windows(2).filter(|w| w[0] != w[1]).count();
        if distinct < 3 {
            let which = if i == 0 {
                "exterior".to_string()
            } else {
                format!("hole {i}")
            };
            return Err(FieldProblem::BadGeometry(format!(
                "{which} ring has fewer than 3 distinct points"
            )));
        }
        if let Some(c) = ring.0.iter().find(|c| !valid_range(c.x, c.y)) {
            return Err(point(c.x, c.y, &ReadOptions::crs(opts.crs))
                .err()
                .unwrap_or(FieldProblem::OutOfRange {
                    axis: "coordinate",
                    value: c.x,
                    limit: 180.0,
                }));
        }
    }
    let converted = raw.map_coords(|c| {
        let (x, y) = opts.crs.to_wgs84(c.x, c.y);
        Coord { x, y }
    });
    if let Err(e) = converted.check_validation() {
        // "exterior ring has a self-intersection", "interior ring at index 0 is not
        // contained within the polygon's exterior", …
        return Err(FieldProblem::BadGeometry(format!("invalid polygon: {e}")));
    }
    if converted.unsigned_area() == 0.0 {
        return Err(FieldProblem::BadGeometry("polygon has zero area".into()));
    }
    if let (Some(extent), Some(bbox)) = (&opts.extent, converted.bounding_rect()) {
        if !bbox.intersects(&extent.0) {
            let swapped = raw.map_coords(|c| {
                let (x, y) = opts.crs.to_wgs84(c.y, c.x);
                Coord { x, y }
            });
            let c = bbox.center();
            return Err(match swapped.bounding_rect() {
                Some(b) if b.intersects(&extent.0) => FieldProblem::Swapped { lon: c.x, lat: c.y },
                _ => FieldProblem::OutsideExtent {
                    lon: c.x,
                    lat: c.y,
                    extent: format!("{} (polygon centre)", extent_text(extent)),
                },
            });
        }
    }
    Ok(Wgs84(converted.orient(Direction::Default)))
}

/// How much of a cell may lie outside the township, or inside another cell, as a share
/// of its area: boundaries drawn by hand never meet exactly.
pub const CELL_SLACK: f64 = 0.02;

/// Grid cells partition the township: each must lie inside its extent and none may
/// overlap another (beyond [`CELL_SLACK`]). `cells[i]` (id, area) was read at
/// `places[i]`; problems are reported on the later cell's `geometry` field.
pub fn check_cells(
    cells: &[(&str, &Wgs84Polygon)],
    places: &[Place],
    extent: Option<&Extent>,
    errors: &mut Errors,
) {
    let areas: Vec<f64> = cells.iter().map(|(_, p)| p.0.unsigned_area()).collect();
    let mut report = |i: usize, problem: String| {
        errors.field(&places[i], "geometry", FieldProblem::BadGeometry(problem));
    };
    if let Some(extent) = extent {
        let township = extent.0.to_polygon();
        for (i, (_, cell)) in cells.iter().enumerate() {
            let inside = cell.0.intersection(&township).unsigned_area();
            let outside = (areas[i] - inside) / areas[i];
            if outside > CELL_SLACK {
                report(
                    i,
                    format!(
                        "{:.0} % of the cell lies outside the township extent {}",
                        outside * 100.0,
                        extent_text(extent)
                    ),
                );
            }
        }
    }
    let polygons: Vec<&Wgs84Polygon> = cells.iter().map(|(_, p)| *p).collect();
    for overlap in overlapping_cells(&polygons) {
        let (i, j) = (overlap.first, overlap.second);
        report(
            j,
            format!(
                "overlaps cell {:?} ({}) over {:.0} % of the smaller cell",
                cells[i].0,
                places[i],
                100.0 * overlap.share
            ),
        );
    }
}

/// Two cells that overlap beyond [`CELL_SLACK`]: their indices (`first < second`) and
/// the shared area as a share of the smaller cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellOverlap {
    /// The earlier cell.
    pub first: usize,
    /// The later cell.
    pub second: usize,
    /// Shared area / the smaller cell's area.
    pub share: f64,
}

/// Every pair of `cells` overlapping beyond [`CELL_SLACK`] of the smaller one.
///
/// ```
/// use geo::{polygon, Polygon};
/// use gridpatrol::formats::geom::overlapping_cells;
/// use gridpatrol::model::Wgs84;
/// let square = |x: f64| Wgs84(polygon![(x: x, y: 0.0), (x: x + 1.0, y: 0.0), (x: x + 1.0, y: 1.0), (x: x, y: 1.0)]);
/// let (a, b, c) = (square(0.0), square(0.5), square(1.0));
/// let found = overlapping_cells(&[&a, &b, &c]);
/// assert_eq!(found.iter().map(|o| (o.first, o.second)).collect::<Vec<_>>(), [(0, 1), (1, 2)]);
/// ```
pub fn overlapping_cells(cells: &[&Wgs84Polygon]) -> Vec<CellOverlap> {
    let areas: Vec<f64> = cells.iter().map(|p| p.0.unsigned_area()).collect();
    let boxes: Vec<_> = cells.iter().map(|p| p.0.bounding_rect()).collect();
    let mut found = Vec::new();
    for second in 0..cells.len() {
        for first in 0..second {
            let (Some(a), Some(b)) = (boxes[first], boxes[second]) else {
                continue;
            };
            if !a.intersects(&b) {
                continue;
            }
            let shared = cells[first]
                .0
                .intersection(&cells[second].0)
                .unsigned_area();
            let smaller = areas[first].min(areas[second]);
            if shared > CELL_SLACK * smaller {
                found.push(CellOverlap {
                    first,
                    second,
                    share: shared / smaller,
                });
            }
        }
    }
    found
}

/// Reads WKT `POINT`, `POLYGON` or `MULTIPOLYGON` (2-D) into a raw geometry.
///
/// ```
/// use gridpatrol::formats::geom::{parse_wkt, RawGeometry};
/// assert_eq!(parse_wkt("POINT (116.35 39.96)"), Ok(RawGeometry::Point(116.35, 39.96)));
/// assert!(parse_wkt("POLYGON ((0 0, 1 0, 1 1, 0 0))").is_ok());
/// ```
pub fn parse_wkt(text: &str) -> Result<RawGeometry, FieldProblem> {
    let bad =
        |why: &str| FieldProblem::BadGeometry(format!("not WKT ({why}): {:?}", excerpt(text)));
    let t = text.trim();
    let open = t.find('(').ok_or_else(|| bad("no '('"))?;
    let keyword = t[..open].trim().to_ascii_uppercase();
    let mut parser = WktParser {
        chars: t[open..].chars().peekable(),
    };
    let tree = parser.node(0).map_err(bad)?;
    parser.skip_ws();
    if parser.chars.peek().is_some() {
        return Err(bad("text after the geometry"));
    }
    match keyword.as_str() {
        "POINT" => match tree.as_slice() {
            [Wkt::Coord(x, y)] => Ok(RawGeometry::Point(*x, *y)),
            _ => Err(bad("a POINT has one coordinate")),
        },
        "POLYGON" => wkt_polygon(&tree)
            .map(RawGeometry::Polygon)
            .ok_or_else(|| bad("rings")),
        "MULTIPOLYGON" => tree
            .iter()
            .map(|n| match n {
                Wkt::List(rings) => wkt_polygon(rings),
                Wkt::Coord(..) => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(RawGeometry::MultiPolygon)
            .ok_or_else(|| bad("polygons")),
        other => Ok(RawGeometry::Other(other.to_string())),
    }
}

/// How deep WKT parentheses may nest: a MULTIPOLYGON needs 3. The parser is recursive,
/// so the bound also keeps a hostile field from overflowing the stack.
pub const MAX_WKT_DEPTH: usize = 8;
const NESTED_TOO_DEEP: &str = "parentheses nested deeper than 8";

/// The start of a long value, for messages.
pub fn excerpt(text: &str) -> String {
    const KEEP: usize = 80;
    match text.char_indices().nth(KEEP) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

enum Wkt {
    Coord(f64, f64),
    List(Vec<Wkt>),
}

fn wkt_polygon(rings: &[Wkt]) -> Option<Polygon<f64>> {
    let mut lines = rings.iter().map(|r| match r {
        Wkt::List(coords) => coords
            .iter()
            .map(|c| match c {
                Wkt::Coord(x, y) => Some(Coord { x: *x, y: *y }),
                Wkt::List(_) => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(LineString::new),
        Wkt::Coord(..) => None,
    });
    let exterior = lines.next()??;
    let holes = lines.collect::<Option<Vec<_>>>()?;
    Some(Polygon::new(exterior, holes))
}

struct WktParser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

impl WktParser<'_> {
    fn skip_ws(&mut self) {
        while self.chars.next_if(|c| c.is_whitespace()).is_some() {}
    }
    /// `( item, item, … )` where an item is a nested list or a coordinate `x y`;
    /// `depth` lists enclose this one.
    fn node(&mut self, depth: usize) -> Result<Vec<Wkt>, &'static str> {
        if depth >= MAX_WKT_DEPTH {
            return Err(NESTED_TOO_DEEP);
        }
        self.skip_ws();
        if self.chars.next() != Some('(') {
            return Err("expected '('");
        }
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.chars.peek() == Some(&'(') {
                items.push(Wkt::List(self.node(depth + 1)?));
            } else {
                let x = self.number()?;
                let y = self.number()?;
                items.push(Wkt::Coord(x, y));
            }
            self.skip_ws();
            match self.chars.next() {
                Some(',') => continue,
                Some(')') => return Ok(items),
                _ => return Err("expected ',' or ')'"),
            }
        }
    }
    fn number(&mut self) -> Result<f64, &'static str> {
        self.skip_ws();
        let mut s = String::new();
        while let Some(c) = self
            .chars
            .next_if(|c| !c.is_whitespace() && !matches!(c, ',' | ')' | '('))
        {
            s.push(c);
        }
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or("expected a number")
    }
}

/// Rounds to 7 decimals (about 1 cm), the precision written to GeoJSON.
pub fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, Rect, Winding};

    fn extent() -> Extent {
        Wgs84(Rect::new(
            coord! { x: 116.348, y: 39.954 },
            coord! { x: 116.365, y: 39.967 },
        ))
    }

    #[test]
    fn point_inside_extent_outside_and_swapped() {
        let opts = ReadOptions {
            crs: Crs::Wgs84,
            extent: Some(extent()),
        };
        assert!(point(116.35, 39.96, &opts).is_ok());
        let e = point(116.40, 39.96, &opts).unwrap_err();
        assert!(matches!(e, FieldProblem::OutsideExtent { .. }), "{e}");
        assert!(
            e.to_string().contains("[116.348, 39.954, 116.365, 39.967]"),
            "{e}"
        );
        assert_eq!(
            point(39.96, 116.35, &opts).unwrap_err().to_string(),
            "lon/lat look swapped: (39.96, 116.35) read as lon, lat"
        );
        // Swapped but both within ±90: only the extent tells.
        let square = Wgs84(Rect::new(
            coord! { x: 30.0, y: 10.0 },
            coord! { x: 31.0, y: 11.0 },
        ));
        let opts = ReadOptions {
            crs: Crs::Wgs84,
            extent: Some(square),
        };
        assert!(matches!(
            point(10.5, 30.5, &opts),
            Err(FieldProblem::Swapped { .. })
        ));
    }

    #[test]
    fn out_of_range_without_extent() {
        let opts = ReadOptions::default();
        assert!(matches!(
            point(200.0, 39.0, &opts),
            Err(FieldProblem::OutOfRange { .. })
        ));
        assert!(matches!(
            point(39.9, 116.3, &opts),
            Err(FieldProblem::Swapped { .. })
        ));
    }

    #[test]
    fn gcj02_and_bd09_inputs_land_on_the_same_wgs84_point() {
        let truth = (116.3557, 39.9611);
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
            let (x, y) = crs.from_wgs84(truth.0, truth.1);
            let p = point(x, y, &ReadOptions::crs(crs)).unwrap();
            let d = crate::units::haversine_m(truth, p.lon_lat());
            assert!(d < 0.05, "{crs}: {d} m");
        }
    }

    #[test]
    fn polygons_are_oriented_counter_clockwise_with_clockwise_holes() {
        let wkt = "POLYGON ((116.350 39.960, 116.350 39.962, 116.352 39.962, 116.352 39.960, \
                   116.350 39.960), (116.3505 39.9605, 116.3515 39.9605, 116.3515 39.9615, \
                   116.3505 39.9615, 116.3505 39.9605))";
        let RawGeometry::Polygon(raw) = parse_wkt(wkt).unwrap() else {
            panic!()
        };
        assert!(raw.exterior().is_cw() && raw.interiors()[0].is_ccw());
        let p = polygon(
            raw,
            &ReadOptions {
                crs: Crs::Wgs84,
                extent: Some(extent()),
            },
        )
        .unwrap();
        assert!(p.0.exterior().is_ccw());
        assert!(p.0.interiors()[0].is_cw());
    }

    #[test]
    fn bad_polygons() {
        let degenerate = Polygon::new(
            LineString::from(vec![(116.35, 39.96), (116.36, 39.96)]),
            vec![],
        );
        assert!(polygon(degenerate, &ReadOptions::default()).is_err());
        let far = Polygon::new(
            LineString::from(vec![
                (117.0, 39.0),
                (117.1, 39.0),
                (117.1, 39.1),
                (117.0, 39.0),
            ]),
            vec![],
        );
        let opts = ReadOptions {
            crs: Crs::Wgs84,
            extent: Some(extent()),
        };
        assert!(matches!(
            polygon(far, &opts),
            Err(FieldProblem::OutsideExtent { .. })
        ));
    }

    #[test]
    fn self_crossing_polygons_and_holes_outside_are_refused() {
        let opts = ReadOptions {
            crs: Crs::Wgs84,
            extent: Some(extent()),
        };
        let bow_tie = "POLYGON ((116.350 39.960, 116.352 39.962, 116.352 39.960, 116.350 39.962, 116.350 39.960))";
        let RawGeometry::Polygon(raw) = parse_wkt(bow_tie).unwrap() else {
            panic!()
        };
        let e = polygon(raw, &opts).unwrap_err().to_string();
        assert!(e.contains("self-intersection"), "{e}");
        let hole_outside = "POLYGON ((116.350 39.960, 116.352 39.960, 116.352 39.962, 116.350 39.962, 116.350 39.960), \
            (116.360 39.960, 116.361 39.960, 116.361 39.961, 116.360 39.960))";
        let RawGeometry::Polygon(raw) = parse_wkt(hole_outside).unwrap() else {
            panic!()
        };
        let e = polygon(raw, &opts).unwrap_err().to_string();
        assert!(
            e.contains("interior ring at index 0 is not contained"),
            "{e}"
        );
    }

    #[test]
    fn wkt_forms() {
        assert!(matches!(
            parse_wkt("multipolygon (((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))"),
            Ok(RawGeometry::MultiPolygon(v)) if v.len() == 2
        ));
        assert_eq!(
            parse_wkt("LINESTRING (0 0, 1 1)"),
            Ok(RawGeometry::Other("LINESTRING".into()))
        );
        for bad in [
            "POINT 1 2",
            "POINT (1)",
            "POLYGON ((0 0, 1 x))",
            "POINT (1 2) extra",
            "POINT (1 2",
        ] {
            assert!(parse_wkt(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_without_recursing_further() {
        let deep = format!("POLYGON {}", "(".repeat(60_000));
        let err = parse_wkt(&deep).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("not WKT ({NESTED_TOO_DEEP})")),
            "{err}"
        );
        assert!(err.len() < 200, "the message quotes only the start: {err}");
        assert!(NESTED_TOO_DEEP.ends_with(&MAX_WKT_DEPTH.to_string()));
        let ok = "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))";
        assert!(parse_wkt(ok).is_ok());
    }
}
