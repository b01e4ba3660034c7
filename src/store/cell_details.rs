//! What the coverage panel lists beside each cell's counts: the overdue sites by name,
//! and the evening checks (inspections after the evening shift starts, and night
//! checks of hotspots) in a window.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{map_rows, time_text, StoreError, Workspace};
use crate::model::Licence;

/// A site past its inspection interval at a window's end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OverdueSite {
    /// The site's id.
    pub site_id: String,
    /// Its name.
    pub name: String,
    /// The cell holding it.
    pub cell_id: String,
    /// `licensed`, `registered_only` or `unlicensed`.
    pub licence: String,
    /// The last day it was inspected (recorded or imported), if ever.
    pub last_inspected: Option<String>,
}

impl Workspace {
    /// Sites whose last inspection before `to` is older than the cut-off for their
    /// licence (`overdue_before`), never-inspected ones first, then oldest first: the
    /// same sites [`Workspace::site_tallies`] counts as overdue.
    pub fn overdue_sites(
        &self,
        to: NaiveDateTime,
        overdue_before: impl Fn(Licence) -> NaiveDate,
    ) -> Result<Vec<OverdueSite>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.id, s.name, s.cell_id, s.licence,
                    MAX(COALESCE(substr((SELECT MAX(i.at) FROM inspections i
                                         WHERE i.site_id = s.id AND i.at < ?1), 1, 10), ''),
                        COALESCE(s.last_inspected, ''))
             FROM sites s WHERE s.cell_id IS NOT NULL",
        )?;
        let rows = map_rows(&mut stmt, [time_text(to)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let cutoff = |licence: &str| -> Result<String, StoreError> {
            let l = match licence {
                "unlicensed" => Licence::Unlicensed,
                "registered_only" => Licence::RegisteredOnly,
                "licensed" => Licence::Licensed,
                other => return Err(StoreError::corrupt("site licence", other)),
            };
            Ok(overdue_before(l).format("%Y-%m-%d").to_string())
        };
        let mut out = Vec::new();
        for (site_id, name, cell_id, licence, last) in rows {
            if last.is_empty() || last < cutoff(&licence)? {
                out.push(OverdueSite {
                    site_id,
                    name,
                    cell_id,
                    licence,
                    last_inspected: Some(last).filter(|l| !l.is_empty()),
                });
            }
        }
        out.sort_by(|a, b| {
            (a.last_inspected.is_some(), &a.last_inspected, &a.site_id).cmp(&(
                b.last_inspected.is_some(),
                &b.last_inspected,
                &b.site_id,
            ))
        });
        Ok(out)
    }

    /// Per cell id, the checks made in the evening in `from <= at < to`: inspections
    /// at or after `evening_starts` (local time) and every night check of a hotspot.
    pub fn evening_checks_by_cell(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        evening_starts: NaiveTime,
    ) -> Result<HashMap<String, usize>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT cell, COUNT(*) FROM (
                 SELECT s.cell_id AS cell FROM inspections i JOIN sites s ON s.id = i.site_id
                 WHERE i.at >= ?1 AND i.at < ?2 AND substr(i.at, 12, 8) >= ?3
                   AND s.cell_id IS NOT NULL
                 UNION ALL
                 SELECT h.cell_id FROM night_checks n JOIN hotspots h ON h.id = n.hotspot_id
                 WHERE n.at >= ?1 AND n.at < ?2 AND h.cell_id IS NOT NULL)
             GROUP BY cell",
        )?;
        let evening = evening_starts.format("%H:%M:%S").to_string();
        let rows = map_rows(&mut stmt, [time_text(from), time_text(to), evening], |r| {
            Ok((
                r.get::<_, String>(0)?,
                usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
            ))
        })?;
        Ok(rows.into_iter().collect())
    }
}
