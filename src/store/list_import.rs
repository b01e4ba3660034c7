//! A lead's list of institutions, previewed then written: the preview says which
//! columns are read, which rows would be added, changed (field by field) or refused (and
//! why), and which need a position; nothing is written until the lead confirms. On
//! confirming, the rows are imported and the rows that need a position are kept as
//! pending sites, in one transaction; a lead places each later with a click.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::sites::{import_items_tx, FieldChange, ImportOptions, ImportReport};
use super::{map_rows, StoreError, Workspace};
use crate::formats::csv::read_rows;
use crate::formats::leadlist::{ColumnUse, PositionFrom, PreparedList, UnplacedRow};
use crate::formats::{Place, ReadItem, ReadOptions};
use crate::model::{Institution, Wgs84Point};
use crate::Crs;

/// A row the import would add.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PreviewRow {
    /// Where the row is (`list.xlsx sheet "机构" row 3`).
    pub place: String,
    /// The site's id (given, kept from the site of the same name, or new).
    pub id: String,
    /// The site's name.
    pub name: String,
    /// Where its position comes from.
    pub position: PositionFrom,
}

/// A row that would change a stored site.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PreviewChange {
    /// Where the row is.
    pub place: String,
    /// The site's id.
    pub id: String,
    /// The site's name.
    pub name: String,
    /// Every value that would change.
    pub fields: Vec<FieldChange>,
}

/// A row the import refuses, and why.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PreviewRefusal {
    /// Where the row is.
    pub place: String,
    /// Why, naming the column.
    pub reason: String,
}

/// A row kept as "needs a position".
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PreviewUnplaced {
    /// Where the row is.
    pub place: String,
    /// The site's name.
    pub name: String,
    /// Its address as written.
    pub address: Option<String>,
}

/// What importing a list would do; nothing written.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ImportPreview {
    /// The file (and sheet).
    pub source: String,
    /// The headers and what each is read as (a field, or kept as an extra attribute).
    pub columns: Vec<ColumnUse>,
    /// Fields the list lacked and were filled in (`id`, `kind`).
    pub filled: Vec<&'static str>,
    /// Rows that would be added.
    pub added: Vec<PreviewRow>,
    /// Rows that would change a stored site.
    pub changed: Vec<PreviewChange>,
    /// Rows that give a stored site exactly as it is.
    pub unchanged: usize,
    /// Rows refused, with the reason.
    pub refused: Vec<PreviewRefusal>,
    /// Rows that need a position (kept, for the lead to place on the map).
    pub needs_position: Vec<PreviewUnplaced>,
    /// True once written (after [`Workspace::confirm_list`]).
    pub written: bool,
}

/// A site kept from a list until a lead gives it a position.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PendingSite {
    /// Its number in the workspace.
    pub id: i64,
    /// Where it was in its list.
    pub place: String,
    /// The site's id once placed (already chosen at import).
    pub site_id: String,
    /// The site's name.
    pub name: String,
    /// Its address as written.
    pub address: Option<String>,
    /// Who imported it, and when (RFC 3339).
    pub imported_by: String,
    /// When it was imported.
    pub imported_at: String,
}

/// 10: rows of an imported list that had no position, kept until a lead places them.
pub(crate) const PENDING_SITES: &str = r#"
CREATE TABLE pending_sites (
    id INTEGER PRIMARY KEY,
    place TEXT NOT NULL,
    site_id TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT,
    header TEXT NOT NULL,
    cells TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    placed_at TEXT);
"#;

/// The rows read, each with its id and its place in the list.
struct ReadList {
    items: Vec<ReadItem<Institution>>,
    places: Vec<Place>,
    positions: Vec<PositionFrom>,
    refused: Vec<PreviewRefusal>,
}

fn invalid(problem: impl ToString) -> StoreError {
    StoreError::Invalid {
        field: "list",
        problem: problem.to_string(),
    }
}

fn read_list(list: &PreparedList, opts: &ReadOptions) -> Result<ReadList, StoreError> {
    let rows: Vec<(Place, Vec<String>)> = list
        .rows
        .iter()
        .map(|r| (r.place.clone(), r.cells.clone()))
        .collect();
    let reads =
        read_rows::<Institution>(&list.header, &rows, &list.source, opts).map_err(invalid)?;
    let mut out = ReadList {
        items: Vec::new(),
        places: Vec::new(),
        positions: Vec::new(),
        refused: Vec::new(),
    };
    let mut first_seen: HashMap<String, String> = HashMap::new();
    for (read, ready) in reads.into_iter().zip(&list.rows) {
        let place = read.place.to_string();
        match read.outcome {
            Ok(mut item) => {
                if let Some(first) = first_seen.get(&item.item.id) {
                    out.refused.push(PreviewRefusal {
                        reason: format!("id {:?} is also given at {first}", item.item.id),
                        place,
                    });
                    continue;
                }
                first_seen.insert(item.item.id.clone(), place);
                if let Some(at) = ready.exact {
                    item.item.location = at;
                }
                out.items.push(item);
                out.places.push(read.place);
                out.positions.push(ready.position.clone());
            }
            Err(e) => out.refused.push(PreviewRefusal {
                reason: without_place(&e.to_string(), &place),
                place,
            }),
        }
    }
    Ok(out)
}

/// An error's text without the place it starts with (the preview shows the place
/// beside it): `field "证照情况": unknown value …`.
fn without_place(text: &str, place: &str) -> String {
    text.strip_prefix(place)
        .map(|rest| rest.trim_start_matches([',', ':', ' ']))
        .unwrap_or(text)
        .to_string()
}

fn preview_of(
    list: &PreparedList,
    read: ReadList,
    report: &ImportReport,
    known: &HashSet<String>,
) -> ImportPreview {
    let mut changes: BTreeMap<&str, Vec<FieldChange>> = BTreeMap::new();
    for c in &report.changes {
        changes.entry(c.id.as_str()).or_default().push(c.clone());
    }
    let problems: HashMap<&str, &str> = report
        .rejected
        .iter()
        .chain(&report.conflicts)
        .map(|r| (r.id.as_str(), r.problem.as_str()))
        .collect();
    let mut preview = ImportPreview {
        source: list.source.clone(),
        columns: list.columns.clone(),
        filled: list.filled.clone(),
        added: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
        refused: read.refused,
        needs_position: list.unplaced.iter().map(unplaced_preview).collect(),
        written: report.written,
    };
    for ((item, place), position) in read.items.iter().zip(&read.places).zip(read.positions) {
        let (id, name, place) = (&item.item.id, &item.item.name, place.to_string());
        if let Some(problem) = problems.get(id.as_str()) {
            let reason = format!("site {id}: {problem}");
            preview.refused.push(PreviewRefusal { place, reason });
        } else if let Some(fields) = changes.remove(id.as_str()) {
            let (id, name) = (id.clone(), name.clone());
            preview.changed.push(PreviewChange {
                place,
                id,
                name,
                fields,
            });
        } else if known.contains(id) {
            preview.unchanged += 1;
        } else {
            let (id, name) = (id.clone(), name.clone());
            preview.added.push(PreviewRow {
                place,
                id,
                name,
                position,
            });
        }
    }
    preview
}

fn unplaced_preview(row: &UnplacedRow) -> PreviewUnplaced {
    PreviewUnplaced {
        place: row.place.to_string(),
        name: row.name.clone(),
        address: row.address.clone(),
    }
}

impl Workspace {
    /// What importing `list` would do (see [`crate::formats::leadlist::prepare`]); the
    /// workspace is left as it was.
    pub fn preview_list(
        &mut self,
        list: &PreparedList,
        crs: Crs,
    ) -> Result<ImportPreview, StoreError> {
        self.list_import(list, crs, false)
    }

    /// Imports `list` as [`Workspace::preview_list`] shows it, in one transaction: the
    /// rows that can be read are written, the rows that need a position are kept as
    /// [`PendingSite`]s, the audit log says so. Refused rows are left out.
    pub fn confirm_list(
        &mut self,
        list: &PreparedList,
        crs: Crs,
    ) -> Result<ImportPreview, StoreError> {
        self.list_import(list, crs, true)
    }

    fn list_import(
        &mut self,
        list: &PreparedList,
        crs: Crs,
        write: bool,
    ) -> Result<ImportPreview, StoreError> {
        let opts = ReadOptions {
            crs,
            extent: self.extent()?,
        };
        let actor = self.actor().clone();
        let read = read_list(list, &opts)?;
        let known: HashSet<String> = self.institutions()?.into_iter().map(|s| s.id).collect();
        self.write_or_discard(|tx| {
            let import = ImportOptions {
                replace: false,
                dry_run: !write,
            };
            let report = import_items_tx(tx, &actor, &read.items, import)?;
            let mut preview = preview_of(list, read, &report, &known);
            if report.written {
                let at = chrono::Utc::now().to_rfc3339();
                for row in &list.unplaced {
                    keep_pending(tx, list, row, &actor.name, &at)?;
                }
                let detail = format!(
                    "{}: added {}, changed {}, unchanged {}, refused {}, needs a position {}",
                    list.source,
                    preview.added.len(),
                    preview.changed.len(),
                    preview.unchanged,
                    preview.refused.len(),
                    preview.needs_position.len()
                );
                super::audit::record(tx, &actor, "import", "list", &detail)?;
            }
            preview.written = report.written;
            Ok((preview, report.written))
        })
    }

    /// The sites kept from lists that still need a position, oldest first.
    pub fn pending_sites(&self) -> Result<Vec<PendingSite>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, place, site_id, name, address, imported_by, imported_at
               FROM pending_sites WHERE placed_at IS NULL ORDER BY id",
        )?;
        map_rows(&mut stmt, [], |r| {
            Ok(PendingSite {
                id: r.get(0)?,
                place: r.get(1)?,
                site_id: r.get(2)?,
                name: r.get(3)?,
                address: r.get(4)?,
                imported_by: r.get(5)?,
                imported_at: r.get(6)?,
            })
        })
    }

    /// Places pending site `id` at `at` (WGS-84): its row is read again with that
    /// position through the same pipeline and imported; the pending entry is closed.
    /// `Ok(None)` when there is no such pending site.
    pub fn place_pending(
        &mut self,
        id: i64,
        at: Wgs84Point,
    ) -> Result<Option<ImportReport>, StoreError> {
        let stored: Option<(String, String, String)> = self
            .conn()
            .query_row(
                "SELECT place, header, cells FROM pending_sites WHERE id = ?1 AND placed_at IS NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((place, header, cells)) = stored else {
            return Ok(None);
        };
        let corrupt = |e| StoreError::corrupt(format!("pending site {id}"), e);
        let header: Vec<String> = serde_json::from_str(&header).map_err(corrupt)?;
        let mut cells: Vec<String> = serde_json::from_str(&cells).map_err(corrupt)?;
        let spec = [crate::formats::fields::LON, crate::formats::fields::LAT];
        for (spec, value) in spec.iter().zip([at.lon(), at.lat()]) {
            if let Some(i) = header
                .iter()
                .position(|h| crate::formats::fields::match_header(&[*spec], h).is_some())
            {
                cells[i] = value.to_string();
            }
        }
        let opts = ReadOptions {
            crs: Crs::Wgs84,
            extent: self.extent()?,
        };
        let source = Place::file(&place);
        let rows = [(source, cells)];
        let read = read_rows::<Institution>(&header, &rows, &place, &opts).map_err(invalid)?;
        let item = read
            .into_iter()
            .next()
            .map(|r| r.outcome)
            .transpose()
            .map_err(invalid)?;
        let items: Vec<ReadItem<Institution>> = item.into_iter().collect();
        let actor = self.actor().clone();
        self.write(|tx| {
            let opts = ImportOptions::default();
            let report = import_items_tx(tx, &actor, &items, opts)?;
            if let Some(r) = report.rejected.first().or(report.conflicts.first()) {
                return Err(invalid(format!("{place}: {}", r.problem)));
            }
            tx.execute(
                "UPDATE pending_sites SET placed_at = ?1 WHERE id = ?2",
                params![chrono::Utc::now().to_rfc3339(), id],
            )?;
            Ok(Some(report))
        })
    }
}

fn keep_pending(
    tx: &rusqlite::Transaction<'_>,
    list: &PreparedList,
    row: &UnplacedRow,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    let id_column = list.header.iter().position(|h| {
        crate::formats::fields::match_header(&[crate::formats::fields::ID], h).is_some()
    });
    let site_id = id_column.map_or("", |i| row.cells[i].as_str());
    // A list imported again does not keep the same row twice.
    tx.execute(
        "INSERT INTO pending_sites (place, site_id, name, address, header, cells, imported_by, imported_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
          WHERE NOT EXISTS (SELECT 1 FROM pending_sites WHERE site_id = ?2 AND placed_at IS NULL)",
        params![
            row.place.to_string(),
            site_id,
            row.name,
            row.address,
            serde_json::to_string(&list.header).unwrap_or_default(),
            serde_json::to_string(&row.cells).unwrap_or_default(),
            by,
            at
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::leadlist::prepare;
    use crate::formats::spreadsheet::Sheet;
    use crate::model::{InstitutionKind, Licence};

    fn workspace_with(site_name: &str) -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_institutions(&[Institution {
            id: "I001".into(),
            name: site_name.into(),
            kind: InstitutionKind::Care,
            subject: None,
            licence: Licence::Licensed,
            address: None,
            location: Wgs84Point::new(116.35, 39.96),
            open_hours: None,
            complaints: 0,
            last_inspected: None,
            synthetic: false,
        }])
        .unwrap();
        ws
    }

    fn list() -> Sheet {
        let text = "机构名称,地址,证照情况,经度,纬度,联系电话\n\
                    小饭桌,,无证无照,,,13800000000\n\
                    新机构,,有证有照,116.351,39.961,\n\
                    坏机构,,也许,116.352,39.962,\n\
                    无处机构,火星路1号,有证有照,,,\n";
        Sheet::from_csv(text.as_bytes(), "list.csv").unwrap()
    }

    #[test]
    fn the_preview_sorts_rows_and_writes_nothing_until_confirmed() {
        let mut ws = workspace_with("小饭桌");
        let ready = prepare(&list(), &ws.institutions().unwrap(), None, Crs::Wgs84);
        let preview = ws.preview_list(&ready, Crs::Wgs84).unwrap();
        assert!(!preview.written);
        assert_eq!(preview.changed.len(), 1);
        let fields: Vec<&str> = preview.changed[0]
            .fields
            .iter()
            .map(|c| c.field.as_str())
            .collect();
        assert_eq!(fields, ["licence", "联系电话"], "the type stays 托管");
        assert_eq!(preview.added.len(), 1);
        assert_eq!(preview.added[0].name, "新机构");
        assert_eq!(preview.refused.len(), 1);
        assert_eq!(preview.refused[0].place, "list.csv line 4");
        assert!(preview.refused[0].reason.starts_with("field \"证照情况\""));
        assert_eq!(preview.needs_position[0].name, "无处机构");
        assert_eq!(ws.institutions().unwrap().len(), 1, "nothing written");
        assert!(ws.pending_sites().unwrap().is_empty());

        let done = ws.confirm_list(&ready, Crs::Wgs84).unwrap();
        assert!(done.written);
        let sites = ws.institutions().unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].licence, Licence::Unlicensed);
        assert_eq!(sites[0].kind, InstitutionKind::Care);
        assert_eq!(sites[0].location, Wgs84Point::new(116.35, 39.96));
        let pending = ws.pending_sites().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].place, "list.csv line 5");
    }

    #[test]
    fn a_pending_site_is_placed_through_the_same_checks() {
        let mut ws = workspace_with("小饭桌");
        let ready = prepare(&list(), &ws.institutions().unwrap(), None, Crs::Wgs84);
        ws.confirm_list(&ready, Crs::Wgs84).unwrap();
        let pending = ws.pending_sites().unwrap().remove(0);
        let at = Wgs84Point::new(116.353, 39.963);
        let report = ws.place_pending(pending.id, at).unwrap().unwrap();
        assert_eq!(report.added, 1);
        let site = ws
            .institutions()
            .unwrap()
            .into_iter()
            .find(|s| s.id == pending.site_id)
            .unwrap();
        assert_eq!((site.name.as_str(), site.location), ("无处机构", at));
        assert!(ws.pending_sites().unwrap().is_empty());
        assert!(ws.place_pending(pending.id, at).unwrap().is_none());
    }
}
