//! A lead's own changes to the site layer, one site at a time: add an institution or a
//! hotspot, move it, edit its fields, close (关停) or reopen it. Each change is written
//! with its site history (who, when, which field, before and after; append-only like
//! the audit log) and an audit entry, in one transaction, and the site is placed in its
//! cell again so the planner, coverage and the map see it at once.
//!
//! Problems are reported Chinese first, naming the field: the page shows them as given.

use chrono::NaiveDateTime;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::audit::{self, Actor};
use super::{map_rows, parse_time_text, time_text, StoreError, Workspace};
use crate::model::{
    Extent, HotspotKind, Institution, InstitutionKind, Licence, OpenHours, Subject, Wgs84Point,
};

/// 10: the history of each site (and hotspot) changed one at a time: one row per
/// changed field, rows of one change sharing its number; append-only.
pub(crate) const SITE_HISTORY: &str = r#"
CREATE TABLE site_history (
    id INTEGER PRIMARY KEY,
    change INTEGER NOT NULL,
    site_id TEXT NOT NULL,
    layer TEXT NOT NULL CHECK (layer IN ('sites', 'hotspots')),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    via TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('add', 'edit', 'move', 'close', 'reopen')),
    field TEXT NOT NULL,
    before TEXT,
    after TEXT);
CREATE INDEX site_history_site ON site_history(site_id, id);
CREATE TRIGGER site_history_no_update BEFORE UPDATE ON site_history
BEGIN SELECT RAISE(ABORT, 'the site history is append-only'); END;
CREATE TRIGGER site_history_no_delete BEFORE DELETE ON site_history
BEGIN SELECT RAISE(ABORT, 'the site history is append-only'); END;
"#;

/// Longest id, name, address or reason kept.
const MAX_ID_CHARS: usize = 64;
const MAX_TEXT_CHARS: usize = 200;

/// A new institution as the lead enters it (position already in WGS-84).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSite {
    /// Its id; `None`: the next free `N<number>`.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Training or care.
    pub kind: InstitutionKind,
    /// 学科类 or not, when known.
    pub subject: Option<Subject>,
    /// Its licence status.
    pub licence: Licence,
    /// Its address.
    pub address: Option<String>,
    /// Opening hours as the lead types them (`周一至周五 16:00-21:00`).
    pub open_hours: Option<String>,
    /// Where it is.
    pub location: Wgs84Point,
}

/// A new hotspot (商务楼宇 / 居民小区) placed by a click: a square footprint around a point.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHotspot {
    /// Its id; `None`: the next free `H<number>`.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Office building or residential compound.
    pub kind: HotspotKind,
    /// The footprint's centre.
    pub location: Wgs84Point,
    /// The footprint's side, metres (10 to 2000).
    pub size_m: f64,
}

/// What a lead changes on a site; `None` leaves a field alone, `Some(None)` clears an
/// optional one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<InstitutionKind>,
    /// A new subject (or none).
    pub subject: Option<Option<Subject>>,
    /// A new licence status.
    pub licence: Option<Licence>,
    /// A new address (or none).
    pub address: Option<Option<String>>,
    /// New opening hours (or none).
    pub open_hours: Option<Option<String>>,
    /// A new position (the site moves).
    pub location: Option<Wgs84Point>,
    /// Close (关停, `true`) or reopen (`false`).
    pub closed: Option<bool>,
    /// Why (kept with the history of a close or reopen).
    pub reason: Option<String>,
}

/// One changed field of one change in a site's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteHistoryEntry {
    /// The change it belongs to (rows of one change share it).
    pub change: i64,
    /// When, township local time.
    pub at: NaiveDateTime,
    /// Who: the signed-in user, or the OS user for the CLI.
    pub actor: String,
    /// `web` or `cli`.
    pub via: String,
    /// `add`, `edit`, `move`, `close` or `reopen`.
    pub action: String,
    /// The field (`name`, `location`, `status`, `reason`…).
    pub field: String,
    /// The value before (`None` for a new site or an unset value).
    pub before: Option<String>,
    /// The value after (`None` when cleared).
    pub after: Option<String>,
}

/// A site as stored, with its state.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSite {
    /// The institution.
    pub site: Institution,
    /// The opening hours as stored (text), even when they do not parse.
    pub open_hours_text: Option<String>,
    /// Closed (关停) and not reopened.
    pub closed: bool,
    /// The cell (网格) it lies in.
    pub cell_id: Option<String>,
}

fn subject_text(s: Subject) -> &'static str {
    match s {
        Subject::Subject => "subject",
        Subject::NonSubject => "non_subject",
    }
}

/// `Some(trimmed)` for text with content, `None` for blank.
fn non_blank(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn check_name(name: &str) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid(
            "name",
            "名称不能为空 (the name is empty)",
        ));
    }
    check_text("name", name)?;
    Ok(name.to_string())
}

fn check_text(field: &'static str, text: &str) -> Result<(), StoreError> {
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(StoreError::invalid(
            field,
            format!("最多 {MAX_TEXT_CHARS} 个字，现有 {n} 个 (at most {MAX_TEXT_CHARS} characters, {n} given)"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(StoreError::invalid(
            field,
            "含有控制字符 (holds a control character)",
        ));
    }
    Ok(())
}

/// A site id the lead chose: plain text a URL path can carry.
fn check_id(id: &str) -> Result<String, StoreError> {
    let id = id.trim();
    let n = id.chars().count();
    if n == 0 || n > MAX_ID_CHARS {
        return Err(StoreError::invalid(
            "id",
            format!("编号须为 1 到 {MAX_ID_CHARS} 个字 (1 to {MAX_ID_CHARS} characters)"),
        ));
    }
    if id
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "/?#%\\".contains(c))
    {
        return Err(StoreError::invalid(
            "id",
            format!("编号“{id}”不能含空格或 / ? # % \\ (no spaces or / ? # % \\)"),
        ));
    }
    if id == "proposals" {
        return Err(StoreError::invalid(
            "id",
            "“proposals”是保留字 (a reserved word)",
        ));
    }
    Ok(id.to_string())
}

fn check_open_hours(text: Option<&str>) -> Result<Option<String>, StoreError> {
    let Some(text) = non_blank(text) else {
        return Ok(None);
    };
    let hours = OpenHours::read(&text).map_err(|e| {
        StoreError::invalid(
            "open_hours",
            format!("营业时间“{text}”无法识别：{e} (opening hours not understood)"),
        )
    })?;
    Ok(Some(hours.to_string()))
}

fn check_location(p: &Wgs84Point, extent: Option<&Extent>) -> Result<(), StoreError> {
    let (lon, lat) = (p.lon(), p.lat());
    let lon_lat = lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat);
    if !lon_lat {
        return Err(StoreError::invalid(
            "location",
            format!("({lon}, {lat}) 不是经纬度 (not a longitude/latitude)"),
        ));
    }
    if let Some(e) = extent {
        let inside = (e.0.min().x..=e.0.max().x).contains(&lon)
            && (e.0.min().y..=e.0.max().y).contains(&lat);
        if !inside {
            return Err(StoreError::invalid(
                "location",
                format!(
                    "({lon:.6}, {lat:.6}) 在本街道范围之外 [{:.4}, {:.4}, {:.4}, {:.4}]：坐标系选对了吗？ \
                     (outside the township: is the coordinate system right?)",
                    e.0.min().x,
                    e.0.min().y,
                    e.0.max().x,
                    e.0.max().y
                ),
            ));
        }
    }
    Ok(())
}

fn location_text(p: &Wgs84Point) -> String {
    format!("{:.7},{:.7}", p.lon(), p.lat())
}

/// Whether `table` holds `id`.
fn exists(tx: &Transaction<'_>, table: &str, id: &str) -> Result<bool, StoreError> {
    Ok(tx.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
        [id],
        |r| r.get(0),
    )?)
}

/// The lead's id, checked and free in both sites and hotspots, or the next free
/// `{prefix}<number>`.
fn new_id(tx: &Transaction<'_>, given: Option<&str>, prefix: &str) -> Result<String, StoreError> {
    if let Some(given) = non_blank(given) {
        let id = check_id(&given)?;
        if exists(tx, "sites", &id)? || exists(tx, "hotspots", &id)? {
            return Err(StoreError::invalid(
                "id",
                format!("编号“{id}”已被占用 (taken by another site)"),
            ));
        }
        return Ok(id);
    }
    let mut n: i64 = tx.query_row("SELECT COUNT(*) FROM sites", [], |r| r.get(0))?;
    loop {
        n += 1;
        let id = format!("{prefix}{n:04}");
        if !exists(tx, "sites", &id)? && !exists(tx, "hotspots", &id)? {
            return Ok(id);
        }
    }
}

/// Writes one change's rows of history and its audit entry.
struct Change<'a> {
    tx: &'a Transaction<'a>,
    actor: &'a Actor,
    number: i64,
    at: String,
    site_id: &'a str,
    layer: &'static str,
}

impl<'a> Change<'a> {
    fn begin(
        tx: &'a Transaction<'a>,
        actor: &'a Actor,
        site_id: &'a str,
        layer: &'static str,
    ) -> Result<Self, StoreError> {
        let number: i64 = tx.query_row(
            "SELECT COALESCE(MAX(change), 0) + 1 FROM site_history",
            [],
            |r| r.get(0),
        )?;
        let at = time_text(super::tracks::township_now(tx)?);
        Ok(Self {
            tx,
            actor,
            number,
            at,
            site_id,
            layer,
        })
    }

    fn field(
        &self,
        action: &str,
        field: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO site_history (change, site_id, layer, at, actor, via, action, field, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                self.number,
                self.site_id,
                self.layer,
                self.at,
                self.actor.name,
                self.actor.via,
                action,
                field,
                before,
                after
            ],
        )?;
        Ok(())
    }

    /// The audit entry summing the change up.
    fn audit(&self, action: &str, detail: &str) -> Result<(), StoreError> {
        audit::record(self.tx, self.actor, action, self.site_id, detail)
    }
}

/// Keeps the values an import changed in each site's history: one change per site,
/// `move` for its position, `edit` for the rest (a site the import added has its
/// first history row at its first later change).
pub(crate) fn record_import(
    tx: &Transaction<'_>,
    actor: &Actor,
    changes: &[super::FieldChange],
) -> Result<(), StoreError> {
    let mut sites: Vec<&str> = changes.iter().map(|c| c.id.as_str()).collect();
    sites.dedup();
    for site in sites {
        let change = Change::begin(tx, actor, site, "sites")?;
        for c in changes.iter().filter(|c| c.id == site) {
            let action = if matches!(c.field.as_str(), "lon" | "lat") {
                "move"
            } else {
                "edit"
            };
            let text = |v: &str| (!v.is_empty()).then(|| v.to_string());
            change.field(
                action,
                &c.field,
                text(&c.before).as_deref(),
                text(&c.after).as_deref(),
            )?;
        }
    }
    Ok(())
}

/// A site's editable fields as stored text, in a fixed order.
type SiteRow = [(&'static str, Option<String>); 7];

fn site_row(tx: &Transaction<'_>, id: &str) -> Result<Option<(SiteRow, bool)>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT name, kind, subject, licence, address, open_hours, lon, lat, status
             FROM sites WHERE id = ?1",
            [id],
            |r| {
                let lon: f64 = r.get(6)?;
                let lat: f64 = r.get(7)?;
                let row: SiteRow = [
                    ("name", r.get(0)?),
                    ("kind", r.get(1)?),
                    ("subject", r.get(2)?),
                    ("licence", r.get(3)?),
                    ("address", r.get(4)?),
                    ("open_hours", r.get(5)?),
                    ("location", Some(location_text(&Wgs84Point::new(lon, lat)))),
                ];
                Ok((row, r.get::<_, String>(8)? == "closed"))
            },
        )
        .optional()?)
}

/// The changes' fields as stored text (`None` in the outer option: not changed).
fn wanted(changes: &SiteChanges) -> Result<[Option<Option<String>>; 7], StoreError> {
    let name = changes.name.as_deref().map(check_name).transpose()?;
    let address = match &changes.address {
        Some(a) => {
            let a = non_blank(a.as_deref());
            if let Some(text) = &a {
                check_text("address", text)?;
            }
            Some(a)
        }
        None => None,
    };
    let open_hours = changes
        .open_hours
        .as_ref()
        .map(|h| check_open_hours(h.as_deref()))
        .transpose()?;
    Ok([
        name.map(Some),
        changes
            .kind
            .map(|k| Some(super::sites::kind_text(k).to_string())),
        changes
            .subject
            .map(|s| s.map(|s| subject_text(s).to_string())),
        changes.licence.map(|l| Some(l.code().to_string())),
        address,
        open_hours,
        changes.location.as_ref().map(|p| Some(location_text(p))),
    ])
}

impl Workspace {
    /// Adds an institution the lead entered, placed in its cell; gives its id. Refused
    /// with the field named when a value is wrong or the id is taken.
    pub fn add_site(&mut self, site: &NewSite) -> Result<String, StoreError> {
        let name = check_name(&site.name)?;
        let address = non_blank(site.address.as_deref());
        if let Some(a) = &address {
            check_text("address", a)?;
        }
        let open_hours = check_open_hours(site.open_hours.as_deref())?;
        let actor = self.actor().clone();
        self.write(|tx| {
            check_location(&site.location, super::sites::stored_extent(tx)?.as_ref())?;
            let id = new_id(tx, site.id.as_deref(), "N")?;
            tx.execute(
                "INSERT INTO sites (id, name, kind, subject, licence, address, lon, lat, open_hours,
                                    complaints, synthetic, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0, 'active')",
                params![
                    id,
                    name,
                    super::sites::kind_text(site.kind),
                    site.subject.map(subject_text),
                    site.licence.code(),
                    address,
                    site.location.lon(),
                    site.location.lat(),
                    open_hours
                ],
            )?;
            super::cells::place_sites(tx)?;
            let change = Change::begin(tx, &actor, &id, "sites")?;
            let fields = [
                ("name", Some(name.clone())),
                ("kind", Some(super::sites::kind_text(site.kind).to_string())),
                ("subject", site.subject.map(|s| subject_text(s).to_string())),
                ("licence", Some(site.licence.code().to_string())),
                ("address", address.clone()),
                ("open_hours", open_hours.clone()),
                ("location", Some(location_text(&site.location))),
            ];
            for (field, value) in fields.iter().filter(|(_, v)| v.is_some()) {
                change.field("add", field, None, value.as_deref())?;
            }
            change.audit(
                "site_add",
                &format!("added {name} at {}", location_text(&site.location)),
            )?;
            Ok(id)
        })
    }

    /// Adds a hotspot: a square of `size_m` around the point, placed in its cell.
    pub fn add_hotspot(&mut self, hotspot: &NewHotspot) -> Result<String, StoreError> {
        let name = check_name(&hotspot.name)?;
        if !(10.0..=2000.0).contains(&hotspot.size_m) {
            return Err(StoreError::invalid(
                "size_m",
                format!(
                    "边长须在 10 到 2000 米之间 (10 to 2000 m), 现为 {}",
                    hotspot.size_m
                ),
            ));
        }
        let actor = self.actor().clone();
        self.write(|tx| {
            check_location(&hotspot.location, super::sites::stored_extent(tx)?.as_ref())?;
            let id = new_id(tx, hotspot.id.as_deref(), "H")?;
            let area = square_around(&hotspot.location, hotspot.size_m);
            tx.execute(
                "INSERT INTO hotspots (id, name, kind, rings) VALUES (?1, ?2, ?3, ?4)",
                params![
                    id,
                    name,
                    super::sites::hotspot_kind_text(hotspot.kind),
                    super::sites::rings_text(&area)
                ],
            )?;
            super::cells::place_hotspots(tx)?;
            let change = Change::begin(tx, &actor, &id, "hotspots")?;
            change.field("add", "name", None, Some(name.as_str()))?;
            change.field(
                "add",
                "kind",
                None,
                Some(super::sites::hotspot_kind_text(hotspot.kind)),
            )?;
            change.field(
                "add",
                "location",
                None,
                Some(location_text(&hotspot.location).as_str()),
            )?;
            change.audit(
                "hotspot_add",
                &format!("added {name}, {} m square", hotspot.size_m),
            )?;
            Ok(id)
        })
    }

    /// Changes a site: fields, position (placed in its cell again), closed or reopened
    /// (reopening ends its open closure orders, as [`Workspace::reopen_site`]). Every
    /// changed field goes into its history; nothing changed writes nothing. Gives the
    /// number of fields changed.
    pub fn change_site(&mut self, id: &str, changes: &SiteChanges) -> Result<usize, StoreError> {
        let wanted = wanted(changes)?;
        let reason = non_blank(changes.reason.as_deref());
        if let Some(r) = &reason {
            check_text("reason", r)?;
        }
        let actor = self.actor().clone();
        self.write(|tx| {
            let (row, closed) =
                site_row(tx, id)?.ok_or_else(|| StoreError::UnknownSite(id.to_string()))?;
            if let Some(p) = &changes.location {
                check_location(p, super::sites::stored_extent(tx)?.as_ref())?;
            }
            let change = Change::begin(tx, &actor, id, "sites")?;
            let mut changed = Vec::new();
            for ((field, before), after) in row.iter().zip(wanted) {
                let Some(after) = after else { continue };
                if after == *before {
                    continue;
                }
                let action = if *field == "location" { "move" } else { "edit" };
                change.field(action, field, before.as_deref(), after.as_deref())?;
                write_field(tx, id, field, after.as_deref(), changes)?;
                changed.push(*field);
            }
            if let Some(close) = changes.closed.filter(|c| *c != closed) {
                let (action, before, after) = match close {
                    true => ("close", "active", "closed"),
                    false => ("reopen", "closed", "active"),
                };
                tx.execute(
                    "UPDATE sites SET status = ?2 WHERE id = ?1",
                    params![id, after],
                )?;
                if !close {
                    tx.execute(
                        "UPDATE follow_ups SET state = 'done'
                         WHERE site_id = ?1 AND kind = 'closure' AND state = 'open'",
                        [id],
                    )?;
                }
                change.field(action, "status", Some(before), Some(after))?;
                if let Some(r) = &reason {
                    change.field(action, "reason", None, Some(r.as_str()))?;
                }
                changed.push(action);
            }
            if changed.is_empty() {
                return Ok(0);
            }
            if changed.contains(&"location") {
                super::cells::place_sites(tx)?;
            }
            change.audit("site_change", &format!("changed {}", changed.join(", ")))?;
            Ok(changed.len())
        })
    }

    /// One site with its state, or `None`.
    pub fn site(&self, id: &str) -> Result<Option<StoredSite>, StoreError> {
        let found = self
            .conn()
            .query_row(
                "SELECT open_hours, status = 'closed', cell_id FROM sites WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((open_hours_text, closed, cell_id)) = found else {
            return Ok(None);
        };
        let site = self.institutions()?.into_iter().find(|s| s.id == id);
        Ok(site.map(|site| StoredSite {
            site,
            open_hours_text,
            closed,
            cell_id,
        }))
    }

    /// The history of a site (or hotspot), oldest first.
    pub fn site_history(&self, id: &str) -> Result<Vec<SiteHistoryEntry>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT change, at, actor, via, action, field, before, after FROM site_history
             WHERE site_id = ?1 ORDER BY id",
        )?;
        map_rows(&mut stmt, [id], |r| {
            Ok(SiteHistoryEntry {
                change: r.get(0)?,
                at: parse_time_text(&r.get::<_, String>(1)?)?,
                actor: r.get(2)?,
                via: r.get(3)?,
                action: r.get(4)?,
                field: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
            })
        })
    }
}

/// Writes one field of a site (`location` is two columns).
fn write_field(
    tx: &Transaction<'_>,
    id: &str,
    field: &str,
    value: Option<&str>,
    changes: &SiteChanges,
) -> Result<(), StoreError> {
    if field == "location" {
        if let Some(p) = &changes.location {
            tx.execute(
                "UPDATE sites SET lon = ?2, lat = ?3 WHERE id = ?1",
                params![id, p.lon(), p.lat()],
            )?;
        }
        return Ok(());
    }
    // `field` is one of the fixed names of `SiteRow`, never the caller's text.
    tx.execute(
        &format!("UPDATE sites SET {field} = ?2 WHERE id = ?1"),
        params![id, value],
    )?;
    Ok(())
}

/// A square of side `size_m` centred on `p` (metres to degrees at its latitude).
fn square_around(p: &Wgs84Point, size_m: f64) -> crate::model::Wgs84Polygon {
    let half_lat = size_m / 2.0 / 111_320.0;
    let half_lon = half_lat / p.lat().to_radians().cos().max(0.01);
    let (x, y) = (p.lon(), p.lat());
    crate::model::Wgs84(geo::Polygon::new(
        geo::LineString::from(vec![
            (x - half_lon, y - half_lat),
            (x + half_lon, y - half_lat),
            (x + half_lon, y + half_lat),
            (x - half_lon, y + half_lat),
            (x - half_lon, y - half_lat),
        ]),
        vec![],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites_test_support::small_township;

    fn ws() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        ws.set_actor(Actor::web_user("lead1"));
        ws
    }

    fn new_site(lon: f64, lat: f64) -> NewSite {
        NewSite {
            id: None,
            name: "新开托管班".into(),
            kind: InstitutionKind::Care,
            subject: None,
            licence: Licence::Unlicensed,
            address: Some("幸福路 1 号".into()),
            open_hours: Some("周一至周五 16:00-19:00".into()),
            location: Wgs84Point::new(lon, lat),
        }
    }

    #[test]
    fn an_added_site_is_placed_in_its_cell_with_its_history_and_audit() {
        let mut ws = ws();
        let id = ws.add_site(&new_site(116.015, 40.002)).unwrap();
        assert_eq!(id, "N0004");
        let stored = ws.site(&id).unwrap().unwrap();
        assert_eq!(stored.cell_id.as_deref(), Some("C2"));
        assert!(!stored.closed);
        let history = ws.site_history(&id).unwrap();
        let fields: Vec<&str> = history.iter().map(|h| h.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "kind",
                "licence",
                "address",
                "open_hours",
                "location"
            ]
        );
        assert!(history
            .iter()
            .all(|h| h.action == "add" && h.actor == "lead1" && h.before.is_none()));
        let audit = ws.audit_log(None, None).unwrap();
        assert_eq!(audit.last().unwrap().action, "site_add");
        assert_eq!(audit.last().unwrap().subject, id);
        // The planner's inputs hold it.
        let today = ws.today().unwrap();
        assert!(ws
            .priority_inputs(today)
            .unwrap()
            .iter()
            .any(|p| p.site_id == id));
    }

    #[test]
    fn a_moved_site_changes_cell_and_each_change_is_kept_with_before_and_after() {
        let mut ws = ws();
        let moved = SiteChanges {
            location: Some(Wgs84Point::new(116.015, 40.005)),
            name: Some("新名".into()),
            ..SiteChanges::default()
        };
        assert_eq!(ws.change_site("S1", &moved).unwrap(), 2);
        assert_eq!(
            ws.site("S1").unwrap().unwrap().cell_id.as_deref(),
            Some("C2")
        );
        let h = ws.site_history("S1").unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(
            (
                h[0].field.as_str(),
                h[0].before.as_deref(),
                h[0].after.as_deref()
            ),
            ("name", Some("机构 S1"), Some("新名"))
        );
        assert_eq!(h[1].action, "move");
        assert_eq!(h[1].after.as_deref(), Some("116.0150000,40.0050000"));
        assert_eq!(h[0].change, h[1].change);
        // The same again changes nothing and writes nothing.
        assert_eq!(ws.change_site("S1", &moved).unwrap(), 0);
        assert_eq!(ws.site_history("S1").unwrap().len(), 2);
    }

    #[test]
    fn close_and_reopen_are_kept_and_the_planner_sees_them() {
        let mut ws = ws();
        let close = SiteChanges {
            closed: Some(true),
            reason: Some("已停业".into()),
            ..SiteChanges::default()
        };
        ws.change_site("S2", &close).unwrap();
        assert!(ws.closed_sites().unwrap().contains("S2"));
        let today = ws.today().unwrap();
        let p = ws.priority_inputs(today).unwrap();
        assert!(p.iter().find(|p| p.site_id == "S2").unwrap().closed);
        let reopen = SiteChanges {
            closed: Some(false),
            ..SiteChanges::default()
        };
        ws.change_site("S2", &reopen).unwrap();
        assert!(ws.closed_sites().unwrap().is_empty());
        let h = ws.site_history("S2").unwrap();
        let actions: Vec<(&str, &str)> = h
            .iter()
            .map(|h| (h.action.as_str(), h.field.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                ("close", "status"),
                ("close", "reason"),
                ("reopen", "status")
            ]
        );
        assert_ne!(h[0].change, h[2].change);
    }

    /// The field and problem of a refused value.
    fn error<T: std::fmt::Debug>(r: Result<T, StoreError>) -> (&'static str, String) {
        match r {
            Err(StoreError::Invalid { field, problem }) => (field, problem),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_values_name_the_field_in_chinese_and_write_nothing() {
        let mut ws = ws();
        let mut blank = new_site(116.005, 40.005);
        blank.name = "  ".into();
        let (field, problem) = error(ws.add_site(&blank));
        assert_eq!(field, "name");
        assert!(problem.starts_with("名称不能为空"), "{problem}");
        let mut taken = new_site(116.005, 40.005);
        taken.id = Some("S1".into());
        assert_eq!(error(ws.add_site(&taken)).0, "id");
        let mut hours = new_site(116.005, 40.005);
        hours.open_hours = Some("随时".into());
        assert_eq!(error(ws.add_site(&hours)).0, "open_hours");
        let bad_move = SiteChanges {
            location: Some(Wgs84Point::new(f64::NAN, 40.0)),
            ..SiteChanges::default()
        };
        assert_eq!(error(ws.change_site("S1", &bad_move)).0, "location");
        assert!(matches!(
            ws.change_site("NOPE", &SiteChanges::default()),
            Err(StoreError::UnknownSite(_))
        ));
        assert_eq!(ws.counts().unwrap().sites, 3);
        assert!(ws.site_history("S1").unwrap().is_empty());
    }

    #[test]
    fn a_site_outside_the_township_is_refused() {
        let mut ws = Workspace::in_memory().unwrap();
        let mut t = small_township();
        t.extent = Some(crate::model::Wgs84(geo::Rect::new(
            geo::coord! { x: 115.99, y: 39.99 },
            geo::coord! { x: 116.03, y: 40.02 },
        )));
        ws.import_township(&t).unwrap();
        let err = ws.add_site(&new_site(116.5, 40.0)).unwrap_err().to_string();
        assert!(
            err.starts_with("location: ") && err.contains("本街道范围之外"),
            "{err}"
        );
    }

    #[test]
    fn an_import_that_changes_a_site_is_in_its_history() {
        let mut ws = ws();
        ws.set_actor(Actor::os_user());
        let mut sites = small_township().institutions;
        sites[0].name = "改名机构".into();
        sites[0].location = Wgs84Point::new(116.0052, 40.0051);
        ws.import_institutions(&sites).unwrap();
        let h = ws.site_history("S1").unwrap();
        let rows: Vec<(&str, &str, Option<&str>)> = h
            .iter()
            .map(|h| (h.action.as_str(), h.field.as_str(), h.after.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                ("edit", "name", Some("改名机构")),
                ("move", "lon", Some("116.0052000")),
                ("move", "lat", Some("40.0051000")),
            ]
        );
        assert!(h
            .iter()
            .all(|row| row.via == "cli" && row.change == h[0].change));
        assert!(ws.site_history("S2").unwrap().is_empty());
    }

    #[test]
    fn the_history_cannot_be_rewritten() {
        let mut ws = ws();
        ws.add_site(&new_site(116.005, 40.005)).unwrap();
        assert!(ws
            .conn()
            .execute("UPDATE site_history SET actor = 'x'", [])
            .is_err());
        assert!(ws.conn().execute("DELETE FROM site_history", []).is_err());
    }

    #[test]
    fn an_added_hotspot_is_a_square_in_its_cell() {
        let mut ws = ws();
        let id = ws
            .add_hotspot(&NewHotspot {
                id: None,
                name: "新写字楼".into(),
                kind: HotspotKind::OfficeBuilding,
                location: Wgs84Point::new(116.015, 40.005),
                size_m: 100.0,
            })
            .unwrap();
        let h = ws.hotspots().unwrap();
        let added = h.iter().find(|h| h.id == id).unwrap();
        use geo::Area;
        let area_m2 =
            added.area.0.unsigned_area() * 111_320.0 * 111_320.0 * 40f64.to_radians().cos();
        assert!((area_m2 - 10_000.0).abs() < 100.0, "{area_m2}");
        assert_eq!(ws.site_history(&id).unwrap().len(), 3);
    }
}
