//! Coverage per cell over a campaign window: sites total / inspected / overdue (by
//! licence class), street metres / swept, hotspots checked at night, last activity.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use geo::Centroid;
use serde::Serialize;

use super::{overdue_after_days, CellLocator};
use crate::model::{Cell, Hotspot, Institution, Licence};

/// Everything coverage needs, as plain data (the store fills it; benchmarks and tests
/// can build it directly).
pub struct CoverageInput<'a> {
    pub cells: &'a [Cell],
    pub sites: &'a [Institution],
    pub hotspots: &'a [Hotspot],
    /// First day of the window (inclusive).
    pub from: NaiveDate,
    /// Last day of the window (inclusive); overdue is judged at its end.
    pub to: NaiveDate,
    /// Inspections with `at` inside the window: `(site id, at)`.
    pub inspections: &'a [(String, NaiveDateTime)],
    /// The latest inspection of each site up to the window's end (any time before).
    pub last_inspected: &'a HashMap<String, NaiveDateTime>,
    /// Night checks inside the window: `(hotspot id, at)`.
    pub night_checks: &'a [(String, NaiveDateTime)],
    /// Street metres per cell id.
    pub street_m: &'a HashMap<String, f64>,
    /// Swept metres per cell id in the window, and the latest sweep there.
    pub swept: &'a HashMap<String, (f64, NaiveDateTime)>,
}

/// One cell's figures (the JSON keys and GeoJSON properties are these field names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellCoverage {
    pub cell_id: String,
    pub cell_name: String,
    pub officer: Option<String>,
    pub sites_total: usize,
    pub sites_inspected: usize,
    pub sites_overdue: usize,
    pub overdue_unlicensed: usize,
    pub overdue_registered_only: usize,
    pub overdue_licensed: usize,
    /// `sites_inspected / sites_total` in percent (100 when the cell has no sites).
    pub inspected_pct: f64,
    pub street_m: f64,
    pub swept_m: f64,
    /// `swept_m / street_m` in percent (0 when the cell has no streets).
    pub swept_pct: f64,
    pub hotspots_total: usize,
    pub hotspots_checked_night: usize,
    /// The latest inspection, night check or sweep in the cell within the window.
    pub last_activity: Option<NaiveDateTime>,
}

impl CellCoverage {
    fn empty(c: &Cell) -> Self {
        Self {
            cell_id: c.id.clone(),
            cell_name: c.name.clone(),
            officer: c.officer.clone(),
            sites_total: 0,
            sites_inspected: 0,
            sites_overdue: 0,
            overdue_unlicensed: 0,
            overdue_registered_only: 0,
            overdue_licensed: 0,
            inspected_pct: 100.0,
            street_m: 0.0,
            swept_m: 0.0,
            swept_pct: 0.0,
            hotspots_total: 0,
            hotspots_checked_night: 0,
            last_activity: None,
        }
    }
}

fn later(a: Option<NaiveDateTime>, b: NaiveDateTime) -> Option<NaiveDateTime> {
    Some(a.map_or(b, |a| a.max(b)))
}

/// The coverage of every cell (in the order of `input.cells`).
pub fn compute_coverage(input: &CoverageInput<'_>) -> Vec<CellCoverage> {
    let polygons: Vec<_> = input.cells.iter().map(|c| c.area.clone()).collect();
    let locator = CellLocator::new(&polygons);
    let mut out: Vec<CellCoverage> = input.cells.iter().map(CellCoverage::empty).collect();

    let site_cell: HashMap<&str, usize> = input
        .sites
        .iter()
        .filter_map(|s| {
            Some((
                s.id.as_str(),
                locator.locate(s.location.lon(), s.location.lat())?,
            ))
        })
        .collect();
    let mut inspected: HashMap<&str, NaiveDateTime> = HashMap::new();
    for (site, at) in input.inspections {
        let e = inspected.entry(site.as_str()).or_insert(*at);
        *e = (*e).max(*at);
    }
    for s in input.sites {
        let Some(&ci) = site_cell.get(s.id.as_str()) else {
            continue;
        };
        let cov = &mut out[ci];
        cov.sites_total += 1;
        if let Some(&at) = inspected.get(s.id.as_str()) {
            cov.sites_inspected += 1;
            cov.last_activity = later(cov.last_activity, at);
        }
        let last = input
            .last_inspected
            .get(&s.id)
            .map(|t| t.date())
            .max(s.last_inspected);
        let overdue =
            last.is_none_or(|d| (input.to - d).num_days() > overdue_after_days(s.licence));
        if overdue {
            cov.sites_overdue += 1;
            match s.licence {
                Licence::Unlicensed => cov.overdue_unlicensed += 1,
                Licence::RegisteredOnly => cov.overdue_registered_only += 1,
                Licence::Licensed => cov.overdue_licensed += 1,
            }
        }
    }

    let mut night: HashMap<&str, NaiveDateTime> = HashMap::new();
    for (h, at) in input.night_checks {
        let e = night.entry(h.as_str()).or_insert(*at);
        *e = (*e).max(*at);
    }
    for h in input.hotspots {
        let Some(c) = h.area.0.centroid() else {
            continue;
        };
        let Some(ci) = locator.locate(c.x(), c.y()) else {
            continue;
        };
        out[ci].hotspots_total += 1;
        if let Some(&at) = night.get(h.id.as_str()) {
            out[ci].hotspots_checked_night += 1;
            out[ci].last_activity = later(out[ci].last_activity, at);
        }
    }

    for cov in &mut out {
        cov.street_m = input.street_m.get(&cov.cell_id).copied().unwrap_or(0.0);
        if let Some(&(m, at)) = input.swept.get(&cov.cell_id) {
            cov.swept_m = m.min(cov.street_m);
            cov.last_activity = later(cov.last_activity, at);
        }
        cov.swept_pct = if cov.street_m > 0.0 {
            100.0 * cov.swept_m / cov.street_m
        } else {
            0.0
        };
        if cov.sites_total > 0 {
            cov.inspected_pct = 100.0 * cov.sites_inspected as f64 / cov.sites_total as f64;
        }
    }
    out
}

/// Loads the window's figures from the store and computes coverage (`from..=to` days).
pub fn coverage_from_store(
    ws: &crate::store::Workspace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CellCoverage>, crate::store::StoreError> {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = to
        .succ_opt()
        .unwrap_or(to)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let cells = ws.cells()?;
    let sites = ws.institutions()?;
    let hotspots = ws.hotspots()?;
    let inspections: Vec<(String, NaiveDateTime)> = ws
        .inspections(Some(start), Some(end))?
        .into_iter()
        .map(|i| (i.site_id, i.at))
        .collect();
    let last_inspected: HashMap<String, NaiveDateTime> =
        ws.last_inspections(end)?.into_iter().collect();
    let night_checks: Vec<(String, NaiveDateTime)> = ws
        .night_checks(Some(start), Some(end))?
        .into_iter()
        .map(|n| (n.hotspot_id, n.at))
        .collect();
    let street_m = ws.street_m_by_cell()?;
    let swept = ws.swept_by_cell(start, end)?;
    Ok(compute_coverage(&CoverageInput {
        cells: &cells,
        sites: &sites,
        hotspots: &hotspots,
        from,
        to,
        inspections: &inspections,
        last_inspected: &last_inspected,
        night_checks: &night_checks,
        street_m: &street_m,
        swept: &swept,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites_test_support::small_township;
    use crate::store::{parse_when, InspectionInput, InspectionResult, Workspace};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn counts_per_cell_against_hand_figures() {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        // Streets: one along the bottom of C1 (inside it), one inside C2.
        ws.replace_streets(&[
            (
                Some("一路".into()),
                vec![(116.001, 40.002), (116.009, 40.002)],
            ),
            (
                Some("二路".into()),
                vec![(116.011, 40.002), (116.019, 40.002)],
            ),
        ])
        .unwrap();
        let rec = |ws: &mut Workspace, site: &str, at: &str| {
            ws.record_inspection(&InspectionInput {
                site_id: site.into(),
                at: parse_when(at).unwrap(),
                team_id: "T1".into(),
                result: InspectionResult::Compliant,
                notes: None,
                rectify_by: None,
                close: false,
                lookback_days: None,
            })
            .unwrap();
        };
        rec(&mut ws, "S1", "2025-03-02 10:00");
        rec(&mut ws, "S3", "2025-02-01 10:00"); // before the window
        ws.record_night_check(
            "H1",
            parse_when("2025-03-03 20:00").unwrap(),
            "T1",
            InspectionResult::Compliant,
            None,
        )
        .unwrap();
        // Walk half of 一路.
        let t = ws
            .record_track(
                "T1",
                parse_when("2025-03-04 09:00").unwrap(),
                "gpx:test",
                &[(116.001, 40.0021), (116.005, 40.0021)],
            )
            .unwrap();
        assert!(t.swept_m > 300.0 && t.swept_m < 360.0, "{t:?}");

        let cov = coverage_from_store(&ws, d("2025-03-01"), d("2025-03-31")).unwrap();
        let c1 = &cov[0];
        assert_eq!((c1.sites_total, c1.sites_inspected), (2, 1));
        // S2 (unlicensed) last inspected 2025-01-02: overdue by 2025-03-31; S1 fresh.
        assert_eq!((c1.sites_overdue, c1.overdue_unlicensed), (1, 1));
        assert_eq!((c1.hotspots_total, c1.hotspots_checked_night), (1, 1));
        assert!((c1.swept_pct - 50.0).abs() < 3.0, "{}", c1.swept_pct);
        assert_eq!(c1.last_activity, parse_when("2025-03-04 09:00"));
        let c2 = &cov[1];
        assert_eq!(
            (c2.sites_total, c2.sites_inspected, c2.sites_overdue),
            (1, 0, 0)
        );
        assert_eq!(c2.swept_m, 0.0);
        assert!(c2.street_m > 600.0);
        assert_eq!(c2.last_activity, None);
    }
}
