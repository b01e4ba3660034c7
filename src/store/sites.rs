//! Sites (institutions), schools, cells, hotspots and depots: idempotent imports that
//! update by id and report what changed, and loading them back as model types.

use std::collections::HashSet;

use geo::{LineString, Polygon};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension, Transaction};
use serde::Serialize;

use super::{map_rows, parse_date_text, StoreError, Workspace};
use crate::formats::geom::extent_text;
use crate::model::{
    Cell, Depot, Extent, Hotspot, HotspotKind, Institution, InstitutionKind, Licence, OpenHours,
    School, Subject, Township, Wgs84, Wgs84Point, Wgs84Polygon,
};

/// Which layer an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Institutions,
    Schools,
    Cells,
    Hotspots,
    Depots,
}

/// A record the store refused (the rest of the file is imported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    pub id: String,
    pub problem: String,
}

/// What an import did, by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<Rejection>,
}

/// One table's columns and how a record becomes a row.
struct Layer {
    table: &'static str,
    columns: &'static [&'static str],
}

const SITES: Layer = Layer {
    table: "sites",
    columns: &[
        "name",
        "kind",
        "subject",
        "licence",
        "address",
        "lon",
        "lat",
        "open_hours",
        "complaints",
        "last_inspected",
        "synthetic",
    ],
};
const SCHOOLS: Layer = Layer {
    table: "schools",
    columns: &["name", "lon", "lat"],
};
const CELLS: Layer = Layer {
    table: "cells",
    columns: &["name", "officer", "rings"],
};
const HOTSPOTS: Layer = Layer {
    table: "hotspots",
    columns: &["name", "kind", "rings"],
};
const DEPOTS: Layer = Layer {
    table: "depots",
    columns: &["name", "lon", "lat"],
};

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}
fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

pub(crate) fn kind_text(k: InstitutionKind) -> &'static str {
    match k {
        InstitutionKind::Training => "training",
        InstitutionKind::Care => "care",
    }
}
pub(crate) fn licence_text(l: Licence) -> &'static str {
    l.code()
}
pub(crate) fn hotspot_kind_text(k: HotspotKind) -> &'static str {
    match k {
        HotspotKind::OfficeBuilding => "office_building",
        HotspotKind::ResidentialCompound => "residential_compound",
    }
}

fn open_hours_text(h: &OpenHours) -> String {
    let parts: Vec<String> = h
        .ranges
        .iter()
        .map(|r| {
            format!(
                "{}-{}",
                crate::units::format_clock(r.start_s),
                crate::units::format_clock(r.end_s)
            )
        })
        .collect();
    parts.join(",")
}

/// Polygon rings as stored: `[[[lon, lat], ...], ...]`, exterior first, counter-clockwise.
pub(crate) fn rings_text(p: &Wgs84Polygon) -> String {
    use geo::orient::{Direction, Orient};
    let p = p.0.orient(Direction::Default);
    let ring = |l: &LineString<f64>| l.0.iter().map(|c| [c.x, c.y]).collect::<Vec<_>>();
    let mut rings = vec![ring(p.exterior())];
    rings.extend(p.interiors().iter().map(ring));
    serde_json::to_string(&rings).unwrap_or_default()
}

pub(crate) fn parse_rings(id: &str, text: &str) -> Result<Wgs84Polygon, StoreError> {
    let rings: Vec<Vec<[f64; 2]>> = serde_json::from_str(text)
        .map_err(|e| StoreError::corrupt(format!("polygon of {id}"), e))?;
    let mut rings = rings
        .into_iter()
        .map(|r| LineString::from(r.into_iter().map(|[x, y]| (x, y)).collect::<Vec<_>>()));
    let exterior = rings
        .next()
        .ok_or_else(|| StoreError::corrupt(format!("polygon of {id}"), "no ring"))?;
    Ok(Wgs84(Polygon::new(exterior, rings.collect())))
}

fn institution_row(s: &Institution) -> Vec<Value> {
    vec![
        text(&s.name),
        text(kind_text(s.kind)),
        opt_text(s.subject.map(|x| match x {
            Subject::Subject => "subject",
            Subject::NonSubject => "non_subject",
        })),
        text(licence_text(s.licence)),
        opt_text(s.address.as_deref()),
        Value::Real(s.location.lon()),
        Value::Real(s.location.lat()),
        s.open_hours
            .as_ref()
            .map_or(Value::Null, |h| Value::Text(open_hours_text(h))),
        Value::Integer(i64::from(s.complaints)),
        s.last_inspected
            .map_or(Value::Null, |d| Value::Text(d.to_string())),
        Value::Integer(i64::from(s.synthetic)),
    ]
}

fn polygon_problem(p: &Wgs84Polygon, extent: Option<&Extent>) -> Option<String> {
    use geo::{BoundingRect, Intersects};
    let n = p.0.exterior().0.len();
    if n < 4 {
        return Some(format!(
            "polygon has {n} points; a closed ring needs at least 4"
        ));
    }
    if p.0.exterior().0.iter().any(|c| !lon_lat_ok(c.x, c.y)) {
        return Some("polygon has coordinates outside lon -180..180 / lat -90..90".into());
    }
    let (extent, bbox) = (extent?, p.0.bounding_rect()?);
    (!bbox.intersects(&extent.0)).then(|| {
        format!(
            "polygon around ({:.6}, {:.6}) is outside the township extent {}",
            bbox.center().x,
            bbox.center().y,
            extent_text(extent)
        )
    })
}

fn point_problem(p: &Wgs84Point, extent: Option<&Extent>) -> Option<String> {
    if !lon_lat_ok(p.lon(), p.lat()) {
        return Some(format!("location {:?} is not a lon/lat", p.lon_lat()));
    }
    let extent = extent?;
    let e = extent.0;
    let inside =
        (e.min().x..=e.max().x).contains(&p.lon()) && (e.min().y..=e.max().y).contains(&p.lat());
    (!inside).then(|| {
        format!(
            "location ({}, {}) is outside the township extent {}",
            p.lon(),
            p.lat(),
            extent_text(extent)
        )
    })
}

fn lon_lat_ok(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
}

fn stored_extent(conn: &rusqlite::Connection) -> Result<Option<Extent>, StoreError> {
    let corners = conn
        .query_row(
            "SELECT min_lon, min_lat, max_lon, max_lat FROM extent WHERE id = 1",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .optional()?;
    Ok(corners.map(|[x0, y0, x1, y1]: [f64; 4]| {
        Wgs84(geo::Rect::new(
            geo::coord! { x: x0, y: y0 },
            geo::coord! { x: x1, y: y1 },
        ))
    }))
}

fn store_extent(tx: &Transaction<'_>, extent: &Extent) -> Result<(), StoreError> {
    let (min, max) = (extent.0.min(), extent.0.max());
    if !(min.x < max.x && min.y < max.y && lon_lat_ok(min.x, min.y) && lon_lat_ok(max.x, max.y)) {
        return Err(StoreError::invalid(
            "extent",
            format!("{} is not a WGS-84 box", extent_text(extent)),
        ));
    }
    tx.execute(
        "INSERT INTO extent (id, min_lon, min_lat, max_lon, max_lat) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET min_lon = excluded.min_lon, min_lat = excluded.min_lat,
             max_lon = excluded.max_lon, max_lat = excluded.max_lat",
        rusqlite::params![min.x, min.y, max.x, max.y],
    )?;
    Ok(())
}

/// Upserts `rows` (id, problem-or-row) into `layer` inside `tx`.
fn upsert(
    tx: &Transaction<'_>,
    layer: &Layer,
    rows: Vec<(String, Result<Vec<Value>, String>)>,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut seen = HashSet::new();
    let cols = layer.columns.join(", ");
    let select = format!("SELECT {cols} FROM {} WHERE id = ?1", layer.table);
    let placeholders: Vec<String> = (1..=layer.columns.len() + 1)
        .map(|i| format!("?{i}"))
        .collect();
    let insert = format!(
        "INSERT INTO {} (id, {cols}) VALUES ({})",
        layer.table,
        placeholders.join(", ")
    );
    let sets: Vec<String> = layer
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 2))
        .collect();
    let update = format!(
        "UPDATE {} SET {} WHERE id = ?1",
        layer.table,
        sets.join(", ")
    );
    for (id, row) in rows {
        let reject = |problem: String| Rejection {
            id: id.clone(),
            problem,
        };
        if id.trim().is_empty() {
            report.rejected.push(reject("empty id".into()));
            continue;
        }
        if !seen.insert(id.clone()) {
            report
                .rejected
                .push(reject("the same id appears earlier in this file".into()));
            continue;
        }
        let row = match row {
            Ok(row) => row,
            Err(problem) => {
                report.rejected.push(reject(problem));
                continue;
            }
        };
        let existing: Option<Vec<Value>> = tx
            .query_row(&select, [&id], |r| {
                (0..layer.columns.len())
                    .map(|i| r.get::<_, Value>(i))
                    .collect()
            })
            .optional()?;
        let mut params = vec![Value::Text(id.clone())];
        params.extend(row.iter().cloned());
        match existing {
            None => {
                tx.execute(&insert, params_from_iter(params))?;
                report.added += 1;
            }
            Some(old) if same_row(&old, &row) => report.unchanged += 1,
            Some(_) => {
                tx.execute(&update, params_from_iter(params))?;
                report.updated += 1;
            }
        }
    }
    Ok(report)
}

/// Equal rows; reals compare to 1e-9 degrees so a re-import of the same file is "unchanged".
fn same_row(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Value::Real(x), Value::Real(y)) => (x - y).abs() < 1e-9,
            (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => {
                (*x as f64 - y).abs() < 1e-9
            }
            _ => x == y,
        })
}

impl Workspace {
    /// Imports institutions (update by id); one transaction.
    pub fn import_institutions(
        &mut self,
        items: &[Institution],
    ) -> Result<ImportReport, StoreError> {
        self.write(|tx| {
            let report = import_institutions_tx(tx, items)?;
            super::cells::place_sites(tx)?;
            Ok(report)
        })
    }

    /// Imports schools (update by id); one transaction.
    pub fn import_schools(&mut self, items: &[School]) -> Result<ImportReport, StoreError> {
        self.write(|tx| import_schools_tx(tx, items))
    }

    /// Imports cells (update by id) and places sites, hotspots and the cached street
    /// segments in them again.
    pub fn import_cells(&mut self, items: &[Cell]) -> Result<ImportReport, StoreError> {
        self.write(|tx| {
            let report = import_cells_tx(tx, items)?;
            super::cells::place_everything(tx)?;
            Ok(report)
        })
    }

    /// Imports hotspots (update by id); one transaction.
    pub fn import_hotspots(&mut self, items: &[Hotspot]) -> Result<ImportReport, StoreError> {
        self.write(|tx| {
            let report = import_hotspots_tx(tx, items)?;
            super::cells::place_hotspots(tx)?;
            Ok(report)
        })
    }

    /// Imports depots (update by id); one transaction.
    pub fn import_depots(&mut self, items: &[Depot]) -> Result<ImportReport, StoreError> {
        self.write(|tx| import_depots_tx(tx, items))
    }

    /// Imports a whole township in one transaction (used by `gridpatrol init`).
    pub fn import_township(
        &mut self,
        t: &Township,
    ) -> Result<Vec<(ImportKind, ImportReport)>, StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('township', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [&t.name],
            )?;
            if let Some(extent) = &t.extent {
                store_extent(tx, extent)?;
            }
            let out = vec![
                (ImportKind::Cells, import_cells_tx(tx, &t.cells)?),
                (
                    ImportKind::Institutions,
                    import_institutions_tx(tx, &t.institutions)?,
                ),
                (ImportKind::Schools, import_schools_tx(tx, &t.schools)?),
                (ImportKind::Hotspots, import_hotspots_tx(tx, &t.hotspots)?),
                (ImportKind::Depots, import_depots_tx(tx, &t.depots)?),
            ];
            super::cells::place_everything(tx)?;
            Ok(out)
        })
    }

    /// The whole township as model types, sorted by id.
    pub fn township(&self) -> Result<Township, StoreError> {
        Ok(Township {
            name: self.meta("township")?.unwrap_or_default(),
            extent: self.extent()?,
            institutions: self.institutions()?,
            schools: self.schools()?,
            cells: self.cells()?,
            hotspots: self.hotspots()?,
            depots: self.depots()?,
        })
    }

    /// The township's extent, stored by [`Workspace::import_township`] (`gridpatrol
    /// init`): every later import is checked against it. `None` in a workspace made
    /// without one.
    pub fn extent(&self) -> Result<Option<Extent>, StoreError> {
        stored_extent(self.conn())
    }

    /// All institutions (sites), sorted by id.
    pub fn institutions(&self) -> Result<Vec<Institution>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, kind, subject, licence, address, lon, lat, open_hours, complaints,
                    last_inspected, synthetic FROM sites ORDER BY id",
        )?;
        map_rows(&mut stmt, [], |r| {
            let id: String = r.get(0)?;
            Ok(Institution {
                name: r.get(1)?,
                kind: parse_kind(&id, &r.get::<_, String>(2)?)?,
                subject: parse_subject(&id, r.get::<_, Option<String>>(3)?.as_deref())?,
                licence: parse_licence(&id, &r.get::<_, String>(4)?)?,
                address: r.get(5)?,
                location: Wgs84Point::new(r.get(6)?, r.get(7)?),
                open_hours: r
                    .get::<_, Option<String>>(8)?
                    .as_deref()
                    .and_then(OpenHours::parse),
                complaints: r.get(9)?,
                last_inspected: r
                    .get::<_, Option<String>>(10)?
                    .as_deref()
                    .map(parse_date_text)
                    .transpose()?,
                synthetic: r.get(11)?,
                id,
            })
        })
    }

    /// All schools, sorted by id.
    pub fn schools(&self) -> Result<Vec<School>, StoreError> {
        self.named_points("schools", |id, name, location| School {
            id,
            name,
            location,
        })
    }

    /// All depots, sorted by id.
    pub fn depots(&self) -> Result<Vec<Depot>, StoreError> {
        self.named_points("depots", |id, name, location| Depot { id, name, location })
    }

    /// Rows `(id, name, lon, lat)` of a point table, sorted by id.
    fn named_points<T>(
        &self,
        table: &str,
        build: impl Fn(String, String, Wgs84Point) -> T,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT id, name, lon, lat FROM {table} ORDER BY id"
        ))?;
        map_rows(&mut stmt, [], |r| {
            Ok(build(
                r.get(0)?,
                r.get(1)?,
                Wgs84Point::new(r.get(2)?, r.get(3)?),
            ))
        })
    }

    /// All cells, sorted by id.
    pub fn cells(&self) -> Result<Vec<Cell>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, name, officer, rings FROM cells ORDER BY id")?;
        map_rows(&mut stmt, [], |r| {
            let id: String = r.get(0)?;
            Ok(Cell {
                area: parse_rings(&id, &r.get::<_, String>(3)?)?,
                name: r.get(1)?,
                officer: r.get(2)?,
                id,
            })
        })
    }

    /// All hotspots, sorted by id.
    pub fn hotspots(&self) -> Result<Vec<Hotspot>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, name, kind, rings FROM hotspots ORDER BY id")?;
        map_rows(&mut stmt, [], |r| {
            let id: String = r.get(0)?;
            let kind = match r.get::<_, String>(2)?.as_str() {
                "office_building" => HotspotKind::OfficeBuilding,
                "residential_compound" => HotspotKind::ResidentialCompound,
                other => return Err(StoreError::corrupt(format!("kind of hotspot {id}"), other)),
            };
            Ok(Hotspot {
                area: parse_rings(&id, &r.get::<_, String>(3)?)?,
                name: r.get(1)?,
                kind,
                id,
            })
        })
    }

    /// Site ids whose status is `closed` (ordered closed, 关停).
    pub fn closed_sites(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id FROM sites WHERE status = 'closed'")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn parse_kind(id: &str, text: &str) -> Result<InstitutionKind, StoreError> {
    match text {
        "training" => Ok(InstitutionKind::Training),
        "care" => Ok(InstitutionKind::Care),
        other => Err(StoreError::corrupt(format!("kind of {id}"), other)),
    }
}

fn parse_subject(id: &str, text: Option<&str>) -> Result<Option<Subject>, StoreError> {
    match text {
        None => Ok(None),
        Some("subject") => Ok(Some(Subject::Subject)),
        Some("non_subject") => Ok(Some(Subject::NonSubject)),
        Some(other) => Err(StoreError::corrupt(format!("subject of {id}"), other)),
    }
}

fn parse_licence(id: &str, text: &str) -> Result<Licence, StoreError> {
    match text {
        "licensed" => Ok(Licence::Licensed),
        "registered_only" => Ok(Licence::RegisteredOnly),
        "unlicensed" => Ok(Licence::Unlicensed),
        other => Err(StoreError::corrupt(format!("licence of {id}"), other)),
    }
}

fn import_institutions_tx(
    tx: &Transaction<'_>,
    items: &[Institution],
) -> Result<ImportReport, StoreError> {
    let extent = stored_extent(tx)?;
    let rows = items
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                point_problem(&s.location, extent.as_ref())
                    .map_or_else(|| Ok(institution_row(s)), Err),
            )
        })
        .collect();
    upsert(tx, &SITES, rows)
}

fn import_schools_tx(tx: &Transaction<'_>, items: &[School]) -> Result<ImportReport, StoreError> {
    let extent = stored_extent(tx)?;
    let rows = items
        .iter()
        .map(|s| named_point_row(&s.id, &s.name, &s.location, extent.as_ref()))
        .collect();
    upsert(tx, &SCHOOLS, rows)
}

fn import_depots_tx(tx: &Transaction<'_>, items: &[Depot]) -> Result<ImportReport, StoreError> {
    let extent = stored_extent(tx)?;
    let rows = items
        .iter()
        .map(|s| named_point_row(&s.id, &s.name, &s.location, extent.as_ref()))
        .collect();
    upsert(tx, &DEPOTS, rows)
}

/// The row of a school or depot (`name, lon, lat`), or why it is refused.
fn named_point_row(
    id: &str,
    name: &str,
    location: &Wgs84Point,
    extent: Option<&Extent>,
) -> (String, Result<Vec<Value>, String>) {
    let row = vec![
        text(name),
        Value::Real(location.lon()),
        Value::Real(location.lat()),
    ];
    (
        id.to_string(),
        point_problem(location, extent).map_or(Ok(row), Err),
    )
}

fn import_cells_tx(tx: &Transaction<'_>, items: &[Cell]) -> Result<ImportReport, StoreError> {
    let extent = stored_extent(tx)?;
    let rows = items
        .iter()
        .map(|c| {
            let row = vec![
                text(&c.name),
                opt_text(c.officer.as_deref()),
                Value::Text(rings_text(&c.area)),
            ];
            (
                c.id.clone(),
                polygon_problem(&c.area, extent.as_ref()).map_or(Ok(row), Err),
            )
        })
        .collect();
    upsert(tx, &CELLS, rows)
}

fn import_hotspots_tx(tx: &Transaction<'_>, items: &[Hotspot]) -> Result<ImportReport, StoreError> {
    let extent = stored_extent(tx)?;
    let rows = items
        .iter()
        .map(|h| {
            let row = vec![
                text(&h.name),
                text(hotspot_kind_text(h.kind)),
                Value::Text(rings_text(&h.area)),
            ];
            (
                h.id.clone(),
                polygon_problem(&h.area, extent.as_ref()).map_or(Ok(row), Err),
            )
        })
        .collect();
    upsert(tx, &HOTSPOTS, rows)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;

    pub(crate) fn square(x: f64, y: f64, side: f64) -> Wgs84Polygon {
        Wgs84(Polygon::new(
            LineString::from(vec![
                (x, y),
                (x, y + side),
                (x + side, y + side),
                (x + side, y),
                (x, y),
            ]),
            vec![],
        ))
    }

    pub(crate) fn site(id: &str, lon: f64, lat: f64, licence: Licence) -> Institution {
        Institution {
            id: id.into(),
            name: format!("机构 {id}"),
            kind: InstitutionKind::Training,
            subject: Some(Subject::Subject),
            licence,
            address: None,
            location: Wgs84Point::new(lon, lat),
            open_hours: OpenHours::parse("08:00-12:00,14:00-20:00"),
            complaints: 0,
            last_inspected: Some(NaiveDate::from_ymd_opt(2025, 1, 2).unwrap()),
            synthetic: true,
        }
    }

    /// A two-cell township with three sites, a school, a hotspot and a depot.
    pub(crate) fn small_township() -> Township {
        Township {
            name: "测试街道".into(),
            extent: None,
            cells: vec![
                Cell {
                    id: "C1".into(),
                    name: "一格".into(),
                    officer: Some("王".into()),
                    area: square(116.0, 40.0, 0.01),
                },
                Cell {
                    id: "C2".into(),
                    name: "二格".into(),
                    officer: None,
                    area: square(116.01, 40.0, 0.01),
                },
            ],
            institutions: vec![
                site("S1", 116.005, 40.005, Licence::Licensed),
                site("S2", 116.006, 40.005, Licence::Unlicensed),
                site("S3", 116.015, 40.005, Licence::RegisteredOnly),
            ],
            schools: vec![School {
                id: "K1".into(),
                name: "小学".into(),
                location: Wgs84Point::new(116.0055, 40.006),
            }],
            hotspots: vec![Hotspot {
                id: "H1".into(),
                name: "写字楼".into(),
                kind: HotspotKind::OfficeBuilding,
                area: square(116.0058, 40.0048, 0.0004),
            }],
            depots: vec![Depot {
                id: "D1".into(),
                name: "街道办".into(),
                location: Wgs84Point::new(116.0, 40.0),
            }],
        }
    }

    #[test]
    fn import_is_idempotent_and_reports_changes() {
        let mut ws = Workspace::in_memory().unwrap();
        let t = small_township();
        let first = ws.import_institutions(&t.institutions).unwrap();
        assert_eq!((first.added, first.updated, first.unchanged), (3, 0, 0));
        let again = ws.import_institutions(&t.institutions).unwrap();
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 3));
        let mut changed = t.institutions.clone();
        changed[1].name = "改名".into();
        changed.push(site("S4", 116.001, 40.001, Licence::Licensed));
        changed.push(site("S4", 116.001, 40.001, Licence::Licensed));
        let r = ws.import_institutions(&changed).unwrap();
        assert_eq!(
            (r.added, r.updated, r.unchanged, r.rejected.len()),
            (1, 1, 2, 1)
        );
        assert_eq!(ws.institutions().unwrap()[1].name, "改名");
    }

    #[test]
    fn township_round_trips() {
        let mut ws = Workspace::in_memory().unwrap();
        let t = small_township();
        ws.import_township(&t).unwrap();
        let back = ws.township().unwrap();
        assert_eq!(back.name, t.name);
        assert_eq!(back.institutions, t.institutions);
        assert_eq!(back.schools, t.schools);
        assert_eq!(back.depots, t.depots);
        assert_eq!(back.cells.len(), 2);
        assert_eq!(back.hotspots[0].kind, HotspotKind::OfficeBuilding);
        // Stored counter-clockwise whatever the input ring's direction.
        use geo::orient::{Direction, Orient};
        assert_eq!(
            back.cells[0].area.0,
            t.cells[0].area.0.orient(Direction::Default)
        );
    }

    #[test]
    fn bad_polygon_is_rejected_not_imported() {
        let mut ws = Workspace::in_memory().unwrap();
        let bad = Cell {
            id: "X".into(),
            name: "x".into(),
            officer: None,
            area: Wgs84(Polygon::new(
                LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]),
                vec![],
            )),
        };
        let r = ws.import_cells(&[bad]).unwrap();
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(ws.counts().unwrap().cells, 0);
    }

    #[test]
    fn the_township_extent_is_stored_and_checked() {
        let mut ws = Workspace::in_memory().unwrap();
        let mut t = small_township();
        let extent = Wgs84(geo::Rect::new(
            geo::coord! { x: 115.99, y: 39.99 },
            geo::coord! { x: 116.03, y: 40.02 },
        ));
        t.extent = Some(extent);
        ws.import_township(&t).unwrap();
        assert_eq!(ws.extent().unwrap(), Some(extent));
        assert_eq!(ws.township().unwrap().extent, Some(extent));
        let r = ws
            .import_institutions(&[
                site("IN", 116.02, 40.01, Licence::Licensed),
                site("OUT", 116.2, 40.01, Licence::Licensed),
            ])
            .unwrap();
        assert_eq!(r.added, 1);
        assert_eq!(r.rejected.len(), 1);
        assert!(
            r.rejected[0]
                .problem
                .contains("outside the township extent"),
            "{:?}",
            r.rejected
        );
        let far = Cell {
            id: "FAR".into(),
            name: "远".into(),
            officer: None,
            area: square(116.5, 40.0, 0.01),
        };
        assert_eq!(ws.import_cells(&[far]).unwrap().rejected.len(), 1);
        assert_eq!(ws.counts().unwrap().cells, 2);
    }
}
