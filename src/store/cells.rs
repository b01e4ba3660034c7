//! Which cell (网格) holds each site, hotspot and street piece, cached in the tables
//! whenever sites, hotspots, cells or streets change, and the per-cell tallies that
//! coverage is made of: counted by SQLite over the cached placement, so recomputing
//! coverage needs no polygon and no point-in-polygon test.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use geo::Centroid;
use rusqlite::{params, Connection, Transaction};

use super::{map_rows, parse_time_text, time_text, StoreError, Workspace};
use crate::model::{Licence, Wgs84Polygon};
use crate::spatial::CellLocator;

/// The stored cells' ids and polygons, in id order (the order coverage reports them in,
/// and the order [`CellLocator`] breaks border ties by).
fn stored_cells(conn: &Connection) -> Result<(Vec<String>, Vec<Wgs84Polygon>), StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, rings FROM cells ORDER BY id")?;
    let rows = map_rows(&mut stmt, [], |r| {
        let id: String = r.get(0)?;
        let area = super::sites::parse_rings(&id, &r.get::<_, String>(1)?)?;
        Ok((id, area))
    })?;
    Ok(rows.into_iter().unzip())
}

/// Writes `table.cell_id` for the rows `(id, stored cell, located cell)` whose located
/// cell differs from the stored one (a re-import mostly changes nothing).
fn store_places(
    tx: &Transaction<'_>,
    table: &str,
    places: Vec<(String, Option<String>, Option<String>)>,
) -> Result<(), StoreError> {
    let mut upd = tx.prepare_cached(&format!("UPDATE {table} SET cell_id = ?1 WHERE id = ?2"))?;
    for (id, old, new) in places {
        if old != new {
            upd.execute(params![new, id])?;
        }
    }
    Ok(())
}

/// Puts each site in the cell containing its location.
pub(crate) fn place_sites(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let (ids, polys) = stored_cells(tx)?;
    let locator = CellLocator::new(&polys);
    let mut stmt = tx.prepare_cached("SELECT id, cell_id, lon, lat FROM sites")?;
    let places = map_rows(&mut stmt, [], |r| {
        let cell = locator.locate(r.get(2)?, r.get(3)?).map(|i| ids[i].clone());
        Ok((r.get(0)?, r.get(1)?, cell))
    })?;
    store_places(tx, "sites", places)
}

/// Puts each hotspot in the cell containing its polygon's centroid.
pub(crate) fn place_hotspots(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let (ids, polys) = stored_cells(tx)?;
    let locator = CellLocator::new(&polys);
    let mut stmt = tx.prepare_cached("SELECT id, cell_id, rings FROM hotspots")?;
    let places = map_rows(&mut stmt, [], |r| {
        let id: String = r.get(0)?;
        let area = super::sites::parse_rings(&id, &r.get::<_, String>(2)?)?;
        let cell = area
            .0
            .centroid()
            .and_then(|c| locator.locate(c.x(), c.y()))
            .map(|i| ids[i].clone());
        Ok((id, r.get(1)?, cell))
    })?;
    store_places(tx, "hotspots", places)
}

/// Puts each street segment in the cell containing its midpoint, and totals the street
/// metres of each cell.
pub(crate) fn place_segments(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let (ids, polys) = stored_cells(tx)?;
    let locator = CellLocator::new(&polys);
    let mut upd = tx.prepare_cached("UPDATE street_segments SET cell_id = ?1 WHERE id = ?2")?;
    for s in super::tracks::load_segments(tx)? {
        let m = s.segment.midpoint();
        let cell = locator.locate(m[0], m[1]).map(|i| ids[i].as_str());
        upd.execute(params![cell, s.id])?;
    }
    tx.execute_batch(
        "UPDATE cells SET street_m = COALESCE(
             (SELECT SUM(length_m) FROM street_segments g WHERE g.cell_id = cells.id), 0)",
    )?;
    Ok(())
}

/// Places everything again (after the cells changed, and when migrating).
pub(crate) fn place_everything(tx: &Transaction<'_>) -> Result<(), StoreError> {
    refuse_overlaps(tx)?;
    place_sites(tx)?;
    place_hotspots(tx)?;
    place_segments(tx)
}

/// Refuses a set of cells that overlap, as the workspace holds them after an import:
/// one file is checked as it is read, but a later file's cell may overlap a stored one.
fn refuse_overlaps(conn: &Connection) -> Result<(), StoreError> {
    let (ids, polys) = stored_cells(conn)?;
    let refs: Vec<&Wgs84Polygon> = polys.iter().collect();
    let problems: Vec<String> = crate::formats::geom::overlapping_cells(&refs)
        .iter()
        .map(|o| {
            format!(
                "cell {:?} overlaps cell {:?} over {:.0} % of the smaller cell",
                ids[o.first],
                ids[o.second],
                100.0 * o.share
            )
        })
        .collect();
    match problems.is_empty() {
        true => Ok(()),
        false => Err(StoreError::invalid(
            "cells",
            format!("{} (nothing imported)", problems.join("; ")),
        )),
    }
}

/// A cell as coverage lists it: no polygon, its cached street metres.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSummary {
    /// The cell's id.
    pub id: String,
    /// The cell's name.
    pub name: String,
    /// Its grid officer (网格员), if known.
    pub officer: Option<String>,
    /// Metres of walkable street inside the cell (cached at init).
    pub street_m: f64,
}

/// The sites of one cell over a window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteTally {
    /// Sites in the cell.
    pub sites_total: usize,
    /// Sites with an inspection inside the window.
    pub sites_inspected: usize,
    /// The latest inspection in the window.
    pub last_inspection: Option<NaiveDateTime>,
    /// Unlicensed sites past their inspection interval at the window's end.
    pub overdue_unlicensed: usize,
    /// Registered-only sites past their inspection interval at the window's end.
    pub overdue_registered_only: usize,
    /// Licensed sites past their inspection interval at the window's end.
    pub overdue_licensed: usize,
}

/// The hotspots of one cell over a window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HotspotTally {
    /// Hotspots in the cell.
    pub hotspots_total: usize,
    /// Hotspots with a night check inside the window.
    pub checked_night: usize,
    /// The latest night check in the window.
    pub last_night_check: Option<NaiveDateTime>,
}

fn opt_time(text: Option<String>) -> Result<Option<NaiveDateTime>, StoreError> {
    text.as_deref().map(parse_time_text).transpose()
}

impl Workspace {
    /// Every cell without its polygon, in id order.
    pub fn cell_summaries(&self) -> Result<Vec<CellSummary>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, name, officer, street_m FROM cells ORDER BY id")?;
        map_rows(&mut stmt, [], |r| {
            Ok(CellSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                officer: r.get(2)?,
                street_m: r.get(3)?,
            })
        })
    }

    /// The cell of every site inside one: `site id → cell id` (as placed at import).
    pub fn site_cells(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, cell_id FROM sites WHERE cell_id IS NOT NULL")?;
        Ok(map_rows(&mut stmt, [], |r| Ok((r.get(0)?, r.get(1)?)))?
            .into_iter()
            .collect())
    }

    /// Sites per cell id for the window `from <= at < to`: how many, how many inspected
    /// in it, and how many overdue by licence class. A site is overdue when its latest
    /// inspection before `to` (or its imported last-inspection date, whichever is later)
    /// falls before `overdue_before(licence)`, or it has none.
    pub fn site_tallies(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        overdue_before: impl Fn(Licence) -> NaiveDate,
    ) -> Result<HashMap<String, SiteTally>, StoreError> {
        // A site's latest inspection before `to` is its latest of all (kept in the row)
        // when that is before `to`, else one index seek (inspections_site_at) finds it.
        // The site was inspected in the window when that falls after `from`. Stored
        // times and dates are ISO text, so they compare as text.
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.cell_id, s.licence, s.last_inspected,
                    CASE WHEN s.last_inspection_at IS NULL OR s.last_inspection_at < ?1
                         THEN s.last_inspection_at
                         ELSE (SELECT MAX(i.at) FROM inspections i
                               WHERE i.site_id = s.id AND i.at < ?1) END
             FROM sites s WHERE s.cell_id IS NOT NULL",
        )?;
        let from = time_text(from);
        let cutoffs = [
            Licence::Unlicensed,
            Licence::RegisteredOnly,
            Licence::Licensed,
        ]
        .map(|l| overdue_before(l).format("%Y-%m-%d").to_string());
        let mut tallies: HashMap<String, (SiteTally, Option<String>)> = HashMap::new();
        let mut rows = stmt.query([time_text(to)])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<Option<&str>, StoreError> {
                r.get_ref(i)?
                    .as_str_or_null()
                    .map_err(|e| StoreError::corrupt("site row", e))
            };
            let (Some(cell), Some(licence)) = (text(0)?, text(1)?) else {
                return Err(StoreError::corrupt("site row", "no cell or licence"));
            };
            let class = match licence {
                "unlicensed" => 0,
                "registered_only" => 1,
                "licensed" => 2,
                other => return Err(StoreError::corrupt("site licence", other)),
            };
            let (imported, last_at) = (text(2)?, text(3)?);
            if !tallies.contains_key(cell) {
                tallies.insert(cell.to_string(), Default::default());
            }
            let Some((t, latest)) = tallies.get_mut(cell) else {
                continue;
            };
            t.sites_total += 1;
            if let Some(at) = last_at.filter(|at| *at >= from.as_str()) {
                t.sites_inspected += 1;
                if latest.as_deref().is_none_or(|l| at > l) {
                    *latest = Some(at.to_string());
                }
            }
            let last_day = last_at.map(|at| at.get(..10).unwrap_or(at)).max(imported);
            if last_day.is_none_or(|d| d < cutoffs[class].as_str()) {
                match class {
                    0 => t.overdue_unlicensed += 1,
                    1 => t.overdue_registered_only += 1,
                    _ => t.overdue_licensed += 1,
                }
            }
        }
        tallies
            .into_iter()
            .map(|(cell, (mut t, latest))| {
                t.last_inspection = opt_time(latest)?;
                Ok((cell, t))
            })
            .collect()
    }

    /// Hotspots per cell id, and those night-checked in the window `from <= at < to`.
    pub fn hotspot_tallies(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<HashMap<String, HotspotTally>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT h.cell_id, COUNT(*), COUNT(n.last_at), MAX(n.last_at)
             FROM hotspots h LEFT JOIN
                  (SELECT hotspot_id, MAX(at) AS last_at FROM night_checks
                   WHERE at >= ?1 AND at < ?2 GROUP BY hotspot_id) n ON n.hotspot_id = h.id
             WHERE h.cell_id IS NOT NULL GROUP BY h.cell_id",
        )?;
        let rows = map_rows(&mut stmt, [time_text(from), time_text(to)], |r| {
            let tally = HotspotTally {
                hotspots_total: usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                checked_night: usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                last_night_check: opt_time(r.get(3)?)?,
            };
            Ok((r.get(0)?, tally))
        })?;
        Ok(rows.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_a_first_version_workspace_places_its_sites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(super::super::schema::FIRST).unwrap();
            c.execute_batch(
                r#"PRAGMA user_version = 1;
                INSERT INTO cells (id, name, rings) VALUES
                  ('C1', 'a', '[[[116.0,40.0],[116.01,40.0],[116.01,40.01],[116.0,40.01],[116.0,40.0]]]');
                INSERT INTO sites (id, name, kind, licence, lon, lat) VALUES
                  ('S1', 's', 'training', 'unlicensed', 116.005, 40.005),
                  ('S2', 's', 'training', 'licensed', 117.0, 40.005);
                INSERT INTO hotspots (id, name, kind, rings) VALUES
                  ('H1', 'h', 'office_building', '[[[116.001,40.001],[116.002,40.001],[116.002,40.002],[116.001,40.002],[116.001,40.001]]]');
                INSERT INTO street_segments (lon1, lat1, lon2, lat2, length_m) VALUES
                  (116.001, 40.003, 116.002, 40.003, 85.0);
                INSERT INTO teams (id, name) VALUES ('T', 'T');
                INSERT INTO inspections (site_id, at, team_id, result, recorded_at) VALUES
                  ('S1', '2025-01-10T10:00:00', 'T', 'compliant', '2025-01-10T10:00:00'),
                  ('S1', '2025-01-20T10:00:00', 'T', 'compliant', '2025-01-20T10:00:00');"#,
            )
            .unwrap();
        }
        let ws = Workspace::open(&path).unwrap();
        let cell = |table: &str, id: &str| -> Option<String> {
            ws.conn()
                .query_row(
                    &format!("SELECT cell_id FROM {table} WHERE id = ?1"),
                    [id],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(cell("sites", "S1").as_deref(), Some("C1"));
        assert_eq!(cell("sites", "S2"), None);
        assert_eq!(cell("hotspots", "H1").as_deref(), Some("C1"));
        assert_eq!(ws.cell_summaries().unwrap()[0].street_m, 85.0);
        let at = |s: &str| crate::store::parse_when(s).unwrap();
        let sites = ws
            .site_tallies(at("2025-01-01"), at("2025-02-01"), |_| {
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
            })
            .unwrap();
        assert_eq!(sites["C1"].sites_total, 1);
        assert_eq!(sites["C1"].sites_inspected, 1);
        assert_eq!(sites["C1"].last_inspection, Some(at("2025-01-20 10:00")));
        assert_eq!(sites["C1"].overdue_unlicensed, 0);
        // Judged on a day before the second inspection: the first one counts.
        let sites = ws
            .site_tallies(at("2025-01-01"), at("2025-01-15"), |_| {
                NaiveDate::from_ymd_opt(2025, 1, 12).unwrap()
            })
            .unwrap();
        assert_eq!(sites["C1"].last_inspection, Some(at("2025-01-10 10:00")));
        assert_eq!(sites["C1"].overdue_unlicensed, 1);
    }
}
