//! Sites (institutions), schools, cells, hotspots and depots: idempotent imports that
//! update by id and report what changed, and loading them back as model types.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use geo::{LineString, Polygon};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension, Transaction};
use serde::Serialize;

use super::{map_rows, parse_date_text, StoreError, Workspace};
use crate::formats::geom::extent_text;
use crate::formats::ReadItem;
use crate::model::{
    Cell, Depot, Extent, Hotspot, HotspotKind, Institution, InstitutionKind, Licence, OpenHours,
    School, Subject, Township, Wgs84, Wgs84Point, Wgs84Polygon,
};

/// Which layer an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Tutoring institutions (the inspected sites).
    Institutions,
    /// Schools.
    Schools,
    /// Grid cells (网格).
    Cells,
    /// Hotspots (重点区域).
    Hotspots,
    /// Depots.
    Depots,
}

/// A record the store refused (the rest of the file is imported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    /// The refused record's id.
    pub id: String,
    /// Why it was refused.
    pub problem: String,
}

/// One stored value an import changed (`before` is empty for a value that was unset).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FieldChange {
    /// The record's id.
    pub id: String,
    /// The field (`name`, `open_hours`, …) or the header of an extra attribute (`联系人`).
    pub field: String,
    /// The stored value before the import (empty when unset).
    pub before: String,
    /// The value the import writes.
    pub after: String,
}

/// How an import treats what a file says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Overwrite a record whose name and place both change: without it such an update
    /// is taken for another site under a colliding id (序号 from two lists) and the whole
    /// import is refused.
    pub replace: bool,
    /// Work out the report and write nothing.
    pub dry_run: bool,
}

/// What an import did (or, on a dry run or a refused import, would do), by id and field.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// Records new to the workspace.
    pub added: usize,
    /// Records with at least one changed value.
    pub updated: usize,
    /// Records the file gave exactly as stored.
    pub unchanged: usize,
    /// Records the store refused (the rest are still imported).
    pub rejected: Vec<Rejection>,
    /// Updates that change a record's name and place at once: another site under the
    /// same id. Any of them refuses the whole import unless [`ImportOptions::replace`]
    /// is set (then they are the records it overwrote).
    pub conflicts: Vec<Rejection>,
    /// Every stored value changed, field by field.
    pub changes: Vec<FieldChange>,
    /// Columns the layer does not know, kept as extra attributes of each site.
    pub kept_columns: Vec<String>,
    /// Columns the layer does not know and does not keep (only sites keep extras).
    pub ignored_columns: Vec<String>,
    /// True when the changes were written; false on a dry run or a refused import.
    pub written: bool,
}

/// Where a record is: a point's columns, or a polygon's rings column.
#[derive(Clone, Copy)]
enum PlaceColumns {
    Point { lon: usize, lat: usize },
    Rings(usize),
}

/// One table's columns (the first is always `name`) and where its place is.
struct Layer {
    table: &'static str,
    columns: &'static [&'static str],
    place: PlaceColumns,
    /// Keeps unknown columns as extra attributes (a JSON object in column `extra`).
    keeps_extra: bool,
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
    place: PlaceColumns::Point { lon: 5, lat: 6 },
    keeps_extra: true,
};
const SCHOOLS: Layer = Layer {
    table: "schools",
    columns: &["name", "lon", "lat"],
    place: PlaceColumns::Point { lon: 1, lat: 2 },
    keeps_extra: false,
};
const CELLS: Layer = Layer {
    table: "cells",
    columns: &["name", "officer", "rings"],
    place: PlaceColumns::Rings(2),
    keeps_extra: false,
};
const HOTSPOTS: Layer = Layer {
    table: "hotspots",
    columns: &["name", "kind", "rings"],
    place: PlaceColumns::Rings(2),
    keeps_extra: false,
};
const DEPOTS: Layer = Layer {
    table: "depots",
    columns: &["name", "lon", "lat"],
    place: PlaceColumns::Point { lon: 1, lat: 2 },
    keeps_extra: false,
};

/// Columns every row gives (the geometry is required by every reader).
const ALWAYS_GIVEN: &[&str] = &["lon", "lat", "rings"];

/// A renamed record that moved less than this is the same site, its place corrected.
pub const SAME_SITE_MAX_MOVE_M: f64 = 50.0;

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
    h.to_string()
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

pub(crate) fn stored_extent(conn: &rusqlite::Connection) -> Result<Option<Extent>, StoreError> {
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

/// A record on its way in: its id, its row (or why it is refused), the fields the
/// file gave (`None`: all of them) and its unknown columns.
struct Incoming {
    id: String,
    row: Result<Vec<Value>, String>,
    given: Option<Vec<&'static str>>,
    extra: Vec<(String, String)>,
}

/// The prepared statements' text for one layer.
struct LayerSql {
    select: String,
    insert: String,
    update: String,
}

impl Layer {
    fn sql(&self) -> LayerSql {
        let cols = self.columns.join(", ");
        let extra_col = if self.keeps_extra { ", extra" } else { "" };
        let n = self.columns.len();
        let placeholders: Vec<String> = (1..=n + 1 + usize::from(self.keeps_extra))
            .map(|i| format!("?{i}"))
            .collect();
        let mut sets: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 2))
            .collect();
        if self.keeps_extra {
            sets.push(format!("extra = ?{}", n + 2));
        }
        LayerSql {
            select: format!("SELECT {cols}{extra_col} FROM {} WHERE id = ?1", self.table),
            insert: format!(
                "INSERT INTO {} (id, {cols}{extra_col}) VALUES ({})",
                self.table,
                placeholders.join(", ")
            ),
            update: format!(
                "UPDATE {} SET {} WHERE id = ?1",
                self.table,
                sets.join(", ")
            ),
        }
    }

    /// Why `new` is not the same record as `old` (name and place both changed), if so.
    fn identity_conflict(&self, old: &[Value], new: &[Value]) -> Option<String> {
        if same_value(&old[0], &new[0]) {
            return None;
        }
        let moved = match self.place {
            PlaceColumns::Point { lon, lat } => {
                let point = |row: &[Value]| (real(&row[lon]), real(&row[lat]));
                let d = crate::units::haversine_m(point(old), point(new));
                (d > SAME_SITE_MAX_MOVE_M).then(|| format!("{d:.0} m away"))
            }
            PlaceColumns::Rings(i) => {
                (!same_value(&old[i], &new[i])).then(|| "with another outline".to_string())
            }
        }?;
        Some(format!(
            "the workspace has {} here; the file has {} {moved}: another site under the same id? \
             (--replace overwrites it)",
            value_text(&old[0]),
            value_text(&new[0])
        ))
    }
}

fn real(v: &Value) -> f64 {
    match v {
        Value::Real(x) => *x,
        Value::Integer(x) => *x as f64,
        _ => f64::NAN,
    }
}

/// A stored value as the report shows it (empty for unset).
fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(x) => x.to_string(),
        Value::Real(x) => format!("{x:.7}"),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => format!("{} bytes", b.len()),
    }
}

/// Extra attributes as stored: a JSON object of text values.
pub(crate) fn parse_extra(
    id: &str,
    text: Option<&str>,
) -> Result<BTreeMap<String, String>, StoreError> {
    match text {
        None => Ok(BTreeMap::new()),
        Some(t) => serde_json::from_str(t)
            .map_err(|e| StoreError::corrupt(format!("extra attributes of {id}"), e)),
    }
}

fn extra_value(extra: &BTreeMap<String, String>) -> Value {
    if extra.is_empty() {
        Value::Null
    } else {
        Value::Text(serde_json::to_string(extra).unwrap_or_default())
    }
}

/// Upserts `rows` into `layer` inside `tx`: a new id is added whole; a known id gets
/// only the fields its row gave, so a file without an hours column leaves every
/// site's hours alone.
fn upsert(
    tx: &Transaction<'_>,
    layer: &Layer,
    rows: Vec<Incoming>,
    replace: bool,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut seen = HashSet::new();
    let mut unknown = BTreeSet::new();
    let sql = layer.sql();
    let n = layer.columns.len();
    for Incoming {
        id,
        row,
        given,
        extra,
    } in rows
    {
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
        unknown.extend(extra.iter().map(|(h, _)| h.clone()));
        let extra = if layer.keeps_extra { extra } else { Vec::new() };
        let stored: Option<Vec<Value>> = tx
            .query_row(&sql.select, [&id], |r| {
                (0..n + usize::from(layer.keeps_extra))
                    .map(|i| r.get::<_, Value>(i))
                    .collect()
            })
            .optional()?;
        let Some(mut old) = stored else {
            let mut params = vec![Value::Text(id.clone())];
            params.extend(row);
            if layer.keeps_extra {
                params.push(extra_value(&extra.into_iter().collect()));
            }
            tx.execute(&sql.insert, params_from_iter(params))?;
            report.added += 1;
            continue;
        };
        let old_extra = if layer.keeps_extra {
            let text = old.pop();
            parse_extra(
                &id,
                text.as_ref().and_then(|v| match v {
                    Value::Text(t) => Some(t.as_str()),
                    _ => None,
                }),
            )?
        } else {
            BTreeMap::new()
        };
        let is_given = |col: &str| {
            given.as_ref().is_none_or(|g| g.contains(&col)) || ALWAYS_GIVEN.contains(&col)
        };
        let merged: Vec<Value> = layer
            .columns
            .iter()
            .zip(old.iter().zip(row))
            .map(|(col, (before, after))| if is_given(col) { after } else { before.clone() })
            .collect();
        if let Some(problem) = layer.identity_conflict(&old, &merged) {
            report.conflicts.push(reject(problem));
            if !replace {
                continue;
            }
        }
        let mut changes: Vec<FieldChange> = layer
            .columns
            .iter()
            .zip(old.iter().zip(&merged))
            .filter(|(_, (a, b))| !same_value(a, b))
            .map(|(col, (a, b))| FieldChange {
                id: id.clone(),
                field: col.to_string(),
                before: value_text(a),
                after: value_text(b),
            })
            .collect();
        let mut new_extra = old_extra.clone();
        for (header, value) in extra {
            let before = new_extra.insert(header.clone(), value.clone());
            if before.as_deref() != Some(value.as_str()) {
                changes.push(FieldChange {
                    id: id.clone(),
                    field: header,
                    before: before.unwrap_or_default(),
                    after: value,
                });
            }
        }
        if changes.is_empty() {
            report.unchanged += 1;
            continue;
        }
        let mut params = vec![Value::Text(id.clone())];
        params.extend(merged);
        if layer.keeps_extra {
            params.push(extra_value(&new_extra));
        }
        tx.execute(&sql.update, params_from_iter(params))?;
        report.updated += 1;
        report.changes.extend(changes);
    }
    let unknown = unknown.into_iter().collect();
    if layer.keeps_extra {
        report.kept_columns = unknown;
    } else {
        report.ignored_columns = unknown;
    }
    Ok(report)
}

/// Equal values; reals compare to 1e-9 degrees so a re-import of the same file is "unchanged".
fn same_value(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::Real(x), Value::Real(y)) => (x - y).abs() < 1e-9,
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => {
            (*x as f64 - y).abs() < 1e-9
        }
        _ => x == y,
    }
}

/// A model value an import can write: which layer, its id, and its row (or why the
/// store refuses it, such as a place outside the township).
pub trait Importable {
    /// The layer the value belongs to.
    const KIND: ImportKind;
    /// The value's id.
    fn import_id(&self) -> &str;
    /// The row in the layer's column order, or the problem.
    fn import_row(&self, extent: Option<&Extent>) -> Result<Vec<Value>, String>;
}

impl Importable for Institution {
    const KIND: ImportKind = ImportKind::Institutions;
    fn import_id(&self) -> &str {
        &self.id
    }
    fn import_row(&self, extent: Option<&Extent>) -> Result<Vec<Value>, String> {
        point_problem(&self.location, extent).map_or_else(|| Ok(institution_row(self)), Err)
    }
}

impl Importable for School {
    const KIND: ImportKind = ImportKind::Schools;
    fn import_id(&self) -> &str {
        &self.id
    }
    fn import_row(&self, extent: Option<&Extent>) -> Result<Vec<Value>, String> {
        named_point_row(&self.name, &self.location, extent)
    }
}

impl Importable for Depot {
    const KIND: ImportKind = ImportKind::Depots;
    fn import_id(&self) -> &str {
        &self.id
    }
    fn import_row(&self, extent: Option<&Extent>) -> Result<Vec<Value>, String> {
        named_point_row(&self.name, &self.location, extent)
    }
}

impl Importable for Cell {
    const KIND: ImportKind = ImportKind::Cells;
    fn import_id(&self) -> &str {
        &self.id
    }
    fn import_row(&self, extent: Option<&Extent>) -> Result<Vec<Value>, String> {
        let row = vec![
            text(&self.name),
            opt_text(self.officer.as_deref()),
            Value::Text(rings_text(&self.area)),
        ];
        polygon_problem(&self.area, extent).map_or(Ok(row), Err)
    }
}

impl Importable for Hotspot {
    const KIND: ImportKind = ImportKind::Hotspots;
    fn import_id(&self) -> &str {
        &self.id
    }
    fn import_row(&self, extent: Option<&Extent>) -> Result<Vec<Value>, String> {
        let row = vec![
            text(&self.name),
            text(hotspot_kind_text(self.kind)),
            Value::Text(rings_text(&self.area)),
        ];
        polygon_problem(&self.area, extent).map_or(Ok(row), Err)
    }
}

fn layer_of(kind: ImportKind) -> &'static Layer {
    match kind {
        ImportKind::Institutions => &SITES,
        ImportKind::Schools => &SCHOOLS,
        ImportKind::Cells => &CELLS,
        ImportKind::Hotspots => &HOTSPOTS,
        ImportKind::Depots => &DEPOTS,
    }
}

/// Upserts whole records (every field given) of one layer inside `tx`.
fn import_tx<T: Importable>(tx: &Transaction<'_>, items: &[T]) -> Result<ImportReport, StoreError> {
    let extent = stored_extent(tx)?;
    let rows = items
        .iter()
        .map(|item| Incoming {
            id: item.import_id().to_string(),
            row: item.import_row(extent.as_ref()),
            given: None,
            extra: Vec::new(),
        })
        .collect();
    upsert(tx, layer_of(T::KIND), rows, false)
}

fn kind_name_of(kind: ImportKind) -> &'static str {
    layer_of(kind).table
}

/// Records an import that was written in the audit log.
fn audit_import(
    tx: &Transaction<'_>,
    actor: &super::audit::Actor,
    kind: ImportKind,
    r: &ImportReport,
) -> Result<(), StoreError> {
    let detail = format!(
        "added {}, updated {} ({} values changed), unchanged {}, rejected {}{}",
        r.added,
        r.updated,
        r.changes.len(),
        r.unchanged,
        r.rejected.len(),
        if r.conflicts.is_empty() {
            String::new()
        } else {
            format!(", replaced {}", r.conflicts.len())
        }
    );
    if kind == ImportKind::Institutions {
        super::site_edits::record_import(tx, actor, &r.changes)?;
    }
    super::audit::record(tx, actor, "import", kind_name_of(kind), &detail)
}

/// [`Workspace::import_items`] inside `tx`: the report, with `written` true when the
/// changes stand (the caller commits or rolls back accordingly).
pub(crate) fn import_items_tx<T: Importable>(
    tx: &Transaction<'_>,
    actor: &super::audit::Actor,
    items: &[ReadItem<T>],
    opts: ImportOptions,
) -> Result<ImportReport, StoreError> {
    let extent = stored_extent(tx)?;
    let rows = items
        .iter()
        .map(|r| Incoming {
            id: r.item.import_id().to_string(),
            row: r.item.import_row(extent.as_ref()),
            given: Some(r.given.clone()),
            extra: r.extra.clone(),
        })
        .collect();
    let mut report = upsert(tx, layer_of(T::KIND), rows, opts.replace)?;
    report.written = !opts.dry_run && (opts.replace || report.conflicts.is_empty());
    if report.written {
        place_after(tx, T::KIND)?;
        audit_import(tx, actor, T::KIND, &report)?;
    }
    Ok(report)
}

/// Places what a layer's change moved in the cells again.
fn place_after(tx: &Transaction<'_>, kind: ImportKind) -> Result<(), StoreError> {
    match kind {
        ImportKind::Institutions => super::cells::place_sites(tx),
        ImportKind::Cells => super::cells::place_everything(tx),
        ImportKind::Hotspots => super::cells::place_hotspots(tx),
        ImportKind::Schools | ImportKind::Depots => Ok(()),
    }
}

impl Workspace {
    /// Imports institutions (whole records, update by id); one transaction.
    pub fn import_institutions(
        &mut self,
        items: &[Institution],
    ) -> Result<ImportReport, StoreError> {
        self.import_whole(items)
    }

    /// Imports schools (whole records, update by id); one transaction.
    pub fn import_schools(&mut self, items: &[School]) -> Result<ImportReport, StoreError> {
        self.import_whole(items)
    }

    /// Imports cells (whole records, update by id) and places sites, hotspots and the
    /// cached street segments in them again.
    pub fn import_cells(&mut self, items: &[Cell]) -> Result<ImportReport, StoreError> {
        self.import_whole(items)
    }

    /// Imports hotspots (whole records, update by id); one transaction.
    pub fn import_hotspots(&mut self, items: &[Hotspot]) -> Result<ImportReport, StoreError> {
        self.import_whole(items)
    }

    /// Imports depots (whole records, update by id); one transaction.
    pub fn import_depots(&mut self, items: &[Depot]) -> Result<ImportReport, StoreError> {
        self.import_whole(items)
    }

    fn import_whole<T: Importable>(&mut self, items: &[T]) -> Result<ImportReport, StoreError> {
        let actor = self.actor().clone();
        self.write(|tx| {
            let mut report = import_tx(tx, items)?;
            place_after(tx, T::KIND)?;
            report.written = true;
            audit_import(tx, &actor, T::KIND, &report)?;
            Ok(report)
        })
    }

    /// Imports a lead's file as read (see [`crate::formats::csv::read_items`]): a new
    /// id is added; a known id gets only the fields its row gave, unknown columns become
    /// extra attributes of sites (other layers list them as ignored). Nothing is
    /// written on a dry run, nor when an update would change a record's name and
    /// place at once (unless `opts.replace`): the report says what would change.
    pub fn import_items<T: Importable>(
        &mut self,
        items: &[ReadItem<T>],
        opts: ImportOptions,
    ) -> Result<ImportReport, StoreError> {
        let actor = self.actor().clone();
        self.write_or_discard(|tx| {
            let report = import_items_tx(tx, &actor, items, opts)?;
            let keep = report.written;
            Ok((report, keep))
        })
    }

    /// Each site's extra attributes (columns of its lists that no field reads, such as
    /// 联系人), by site id; sites without any are left out.
    pub fn site_extras(&self) -> Result<HashMap<String, BTreeMap<String, String>>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, extra FROM sites WHERE extra IS NOT NULL")?;
        let rows = map_rows(&mut stmt, [], |r| {
            let id: String = r.get(0)?;
            let extra = parse_extra(&id, r.get::<_, Option<String>>(1)?.as_deref())?;
            Ok((id, extra))
        })?;
        Ok(rows.into_iter().collect())
    }

    /// Imports a whole township in one transaction (used by `gridpatrol init`).
    pub fn import_township(
        &mut self,
        t: &Township,
    ) -> Result<Vec<(ImportKind, ImportReport)>, StoreError> {
        let actor = self.actor().clone();
        self.write(|tx| {
            super::put_meta(tx, "township", &t.name)?;
            if let Some(extent) = &t.extent {
                store_extent(tx, extent)?;
            }
            let out = vec![
                (ImportKind::Cells, import_tx(tx, &t.cells)?),
                (ImportKind::Institutions, import_tx(tx, &t.institutions)?),
                (ImportKind::Schools, import_tx(tx, &t.schools)?),
                (ImportKind::Hotspots, import_tx(tx, &t.hotspots)?),
                (ImportKind::Depots, import_tx(tx, &t.depots)?),
            ];
            super::cells::place_everything(tx)?;
            let sizes: Vec<String> = out
                .iter()
                .map(|(kind, r)| format!("{}: added {}", kind_name_of(*kind), r.added))
                .collect();
            super::audit::record(tx, &actor, "import", "township", &sizes.join("; "))?;
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

pub(crate) fn parse_kind(id: &str, text: &str) -> Result<InstitutionKind, StoreError> {
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

/// The row of a school or depot (`name, lon, lat`), or why it is refused.
fn named_point_row(
    name: &str,
    location: &Wgs84Point,
    extent: Option<&Extent>,
) -> Result<Vec<Value>, String> {
    let row = vec![
        text(name),
        Value::Real(location.lon()),
        Value::Real(location.lat()),
    ];
    point_problem(location, extent).map_or(Ok(row), Err)
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

    fn read_item(
        site: Institution,
        given: &[&'static str],
        extra: &[(&str, &str)],
    ) -> ReadItem<Institution> {
        ReadItem {
            item: site,
            given: given.to_vec(),
            extra: extra
                .iter()
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_field_the_file_does_not_give_keeps_its_stored_value() {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        // A tip-off list: id, name, kind, licence, place and a complaint count; no hours.
        let mut tip = site("S1", 116.005, 40.005, Licence::Licensed);
        tip.open_hours = None;
        tip.last_inspected = None;
        tip.complaints = 3;
        let given = ["id", "name", "kind", "licence", "complaints"];
        let r = ws
            .import_items(
                &[read_item(tip, &given, &[("联系电话", "139")])],
                ImportOptions::default(),
            )
            .unwrap();
        assert_eq!((r.updated, r.written), (1, true));
        let s1 = &ws.institutions().unwrap()[0];
        assert_eq!(s1.open_hours, OpenHours::parse("08:00-12:00,14:00-20:00"));
        assert_eq!(s1.last_inspected, NaiveDate::from_ymd_opt(2025, 1, 2));
        assert_eq!(s1.complaints, 3);
        let fields: Vec<&str> = r.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["complaints", "联系电话"]);
        assert_eq!(
            (r.changes[0].before.as_str(), r.changes[0].after.as_str()),
            ("0", "3")
        );
        assert_eq!(r.kept_columns, ["联系电话"]);
        assert_eq!(ws.site_extras().unwrap()["S1"]["联系电话"], "139");
    }

    #[test]
    fn a_new_name_at_another_place_is_refused_unless_replaced() {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        let all = ["id", "name", "kind", "licence"];
        let mut other = site("S2", 116.015, 40.015, Licence::Licensed);
        other.name = "别的机构".into();
        let fresh = site("S9", 116.001, 40.001, Licence::Licensed);
        let items = [
            read_item(other.clone(), &all, &[]),
            read_item(fresh, &all, &[]),
        ];
        let r = ws.import_items(&items, ImportOptions::default()).unwrap();
        assert!(!r.written);
        assert_eq!(r.conflicts.len(), 1, "{r:?}");
        assert!(
            r.conflicts[0].problem.contains("机构 S2"),
            "{:?}",
            r.conflicts
        );
        assert_eq!(
            ws.counts().unwrap().sites,
            3,
            "nothing of a refused import is written"
        );
        assert_eq!(ws.institutions().unwrap()[1].name, "机构 S2");
        // Renamed where it stands (a 10 m correction): the same site.
        let mut renamed = site("S2", 116.006, 40.0051, Licence::Unlicensed);
        renamed.name = "新名".into();
        let r = ws
            .import_items(&[read_item(renamed, &all, &[])], ImportOptions::default())
            .unwrap();
        assert!(r.written && r.conflicts.is_empty(), "{r:?}");
        let replace = ImportOptions {
            replace: true,
            dry_run: false,
        };
        let r = ws.import_items(&items, replace).unwrap();
        assert_eq!((r.written, r.added, r.updated), (true, 1, 1));
        assert_eq!(ws.institutions().unwrap()[1].name, "别的机构");
    }

    #[test]
    fn a_dry_run_reports_and_writes_nothing() {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        let mut changed = site("S1", 116.005, 40.005, Licence::Unlicensed);
        changed.name = "改名".into();
        let items = [
            read_item(
                changed,
                &["id", "name", "kind", "licence"],
                &[("联系人", "李")],
            ),
            read_item(
                site("S7", 116.002, 40.002, Licence::Licensed),
                &["id", "name"],
                &[],
            ),
        ];
        let dry = ImportOptions {
            replace: false,
            dry_run: true,
        };
        let r = ws.import_items(&items, dry).unwrap();
        assert_eq!((r.added, r.updated, r.written), (1, 1, false));
        let fields: Vec<&str> = r.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name", "licence", "联系人"]);
        assert_eq!(ws.counts().unwrap().sites, 3);
        assert_eq!(ws.institutions().unwrap()[0].name, "机构 S1");
        assert!(ws.site_extras().unwrap().is_empty());
    }

    #[test]
    fn layers_without_extras_list_unknown_columns_as_ignored() {
        let mut ws = Workspace::in_memory().unwrap();
        let school = School {
            id: "K1".into(),
            name: "小学".into(),
            location: Wgs84Point::new(116.0, 40.0),
        };
        let r = ws
            .import_items(
                &[ReadItem {
                    item: school,
                    given: vec!["id", "name"],
                    extra: vec![("校长".into(), "张".into())],
                }],
                ImportOptions::default(),
            )
            .unwrap();
        assert_eq!(r.ignored_columns, ["校长"]);
        assert!(r.kept_columns.is_empty());
    }
}
