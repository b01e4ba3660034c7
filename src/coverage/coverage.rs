//! Coverage per cell over a campaign window: sites total / inspected / overdue (by
//! licence class), street metres / swept, hotspots checked at night, last activity.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use geo::Centroid;
use serde::Serialize;

use crate::model::{Cell, Hotspot, Institution, Licence};
use crate::rules::OverdueDays;
use crate::spatial::CellLocator;

/// Everything coverage needs, as plain data (the store fills it; benchmarks and tests
/// can build it directly).
pub struct CoverageInput<'a> {
    /// The township's grid cells.
    pub cells: &'a [Cell],
    /// The institutions, each counted in the cell containing it.
    pub sites: &'a [Institution],
    /// The hotspots, each counted in the cell containing it.
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
    /// When a site is overdue, by licence (the township's rules).
    pub overdue_days: OverdueDays,
    /// When the evening shift starts: inspections from then on are evening checks.
    pub evening_starts: chrono::NaiveTime,
}

/// One cell's figures (the JSON keys and GeoJSON properties are these field names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellCoverage {
    /// The cell's id.
    pub cell_id: String,
    /// The cell's name.
    pub cell_name: String,
    /// Its grid officer (网格员), if known.
    pub officer: Option<String>,
    /// Institutions in the cell.
    pub sites_total: usize,
    /// Institutions with an inspection inside the window.
    pub sites_inspected: usize,
    /// Institutions past their inspection interval at the window's end (the three below).
    pub sites_overdue: usize,
    /// Overdue 无证无照 institutions.
    pub overdue_unlicensed: usize,
    /// Overdue 有照无证 institutions.
    pub overdue_registered_only: usize,
    /// Overdue 有证有照 institutions.
    pub overdue_licensed: usize,
    /// `sites_inspected / sites_total` in percent (100 when the cell has no sites).
    pub inspected_pct: f64,
    /// Metres of walkable street in the cell.
    pub street_m: f64,
    /// Metres of those streets swept (walked) inside the window.
    pub swept_m: f64,
    /// `swept_m / street_m` in percent (0 when the cell has no streets).
    pub swept_pct: f64,
    /// Hotspots in the cell.
    pub hotspots_total: usize,
    /// Hotspots with a night check inside the window.
    pub hotspots_checked_night: usize,
    /// Checks made in the evening inside the window: inspections from the evening
    /// shift's start on, and night checks of hotspots.
    pub evening_checks: usize,
    /// The latest inspection, night check or sweep in the cell within the window.
    pub last_activity: Option<NaiveDateTime>,
}

impl CellCoverage {
    fn empty(id: &str, name: &str, officer: Option<&str>) -> Self {
        Self {
            cell_id: id.to_string(),
            cell_name: name.to_string(),
            officer: officer.map(str::to_string),
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
            evening_checks: 0,
            last_activity: None,
        }
    }
}

impl CellCoverage {
    /// Street and swept metres, the percentages, and the sweep's part of last activity.
    fn finish(&mut self, street_m: f64, swept: Option<(f64, NaiveDateTime)>) {
        self.street_m = street_m;
        if let Some((m, at)) = swept {
            self.swept_m = m.min(street_m);
            self.last_activity = later(self.last_activity, at);
        }
        self.swept_pct = if street_m > 0.0 {
            100.0 * self.swept_m / street_m
        } else {
            0.0
        };
        if self.sites_total > 0 {
            self.inspected_pct = 100.0 * self.sites_inspected as f64 / self.sites_total as f64;
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
    let mut out: Vec<CellCoverage> = input
        .cells
        .iter()
        .map(|c| CellCoverage::empty(&c.id, &c.name, c.officer.as_deref()))
        .collect();

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
    let mut evening: HashMap<&str, usize> = HashMap::new();
    for (site, at) in input.inspections {
        let e = inspected.entry(site.as_str()).or_insert(*at);
        *e = (*e).max(*at);
        if at.time() >= input.evening_starts {
            *evening.entry(site.as_str()).or_default() += 1;
        }
    }
    for s in input.sites {
        let Some(&ci) = site_cell.get(s.id.as_str()) else {
            continue;
        };
        let cov = &mut out[ci];
        cov.sites_total += 1;
        cov.evening_checks += evening.get(s.id.as_str()).copied().unwrap_or(0);
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
            last.is_none_or(|d| (input.to - d).num_days() > input.overdue_days.after(s.licence));
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
    let mut night_count: HashMap<&str, usize> = HashMap::new();
    for (h, at) in input.night_checks {
        let e = night.entry(h.as_str()).or_insert(*at);
        *e = (*e).max(*at);
        *night_count.entry(h.as_str()).or_default() += 1;
    }
    for h in input.hotspots {
        let Some(c) = h.area.0.centroid() else {
            continue;
        };
        let Some(ci) = locator.locate(c.x(), c.y()) else {
            continue;
        };
        out[ci].hotspots_total += 1;
        out[ci].evening_checks += night_count.get(h.id.as_str()).copied().unwrap_or(0);
        if let Some(&at) = night.get(h.id.as_str()) {
            out[ci].hotspots_checked_night += 1;
            out[ci].last_activity = later(out[ci].last_activity, at);
        }
    }

    for cov in &mut out {
        let street_m = input.street_m.get(&cov.cell_id).copied().unwrap_or(0.0);
        cov.finish(street_m, input.swept.get(&cov.cell_id).copied());
    }
    out
}

/// The window `from..=to` (days) as times: `start <= at < end`.
fn window(from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = to
        .succ_opt()
        .unwrap_or(to)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    (start, end)
}

/// The day before which a site of `licence` is overdue when judged on `to`.
/// The sites overdue at the end of `from..=to` (what [`coverage_from_store`] counts as
/// `sites_overdue`), by name: never inspected first, then the oldest.
pub fn overdue_from_store(
    ws: &crate::store::Workspace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<crate::store::OverdueSite>, crate::store::StoreError> {
    let (_, end) = window(from, to);
    let overdue_days = ws.rules()?.overdue_days;
    ws.overdue_sites(end, |l| overdue_cutoff(to, l, &overdue_days))
}

/// Open work per cell id at the end of a window: the register's open tip-offs (placed
/// by their site's cell, else by their own position), how many of them are overdue, and
/// the open follow-ups (整改 checks, closures, 回头看) due by `to`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OpenWork {
    /// Tip-offs not closed.
    pub open_tipoffs: usize,
    /// Of those, past their deadline.
    pub overdue_tipoffs: usize,
    /// Open follow-ups due on or before the window's last day.
    pub followups_due: usize,
}

/// [`OpenWork`] of every cell that has some, from the store.
pub fn open_work_from_store(
    ws: &crate::store::Workspace,
    to: NaiveDate,
) -> Result<HashMap<String, OpenWork>, crate::store::StoreError> {
    let site_cells = ws.site_cells()?;
    let cells = ws.cells()?;
    let polygons: Vec<_> = cells.iter().map(|c| c.area.clone()).collect();
    let locator = CellLocator::new(&polygons);
    let mut work: HashMap<String, OpenWork> = HashMap::new();
    let open = crate::store::TipOffFilter {
        open_only: true,
        ..Default::default()
    };
    for t in ws.tip_offs(&open)? {
        let cell = t
            .site_id
            .as_ref()
            .and_then(|s| site_cells.get(s).cloned())
            .or_else(|| locator.locate(t.lon, t.lat).map(|i| cells[i].id.clone()));
        if let Some(cell) = cell {
            let w = work.entry(cell).or_default();
            w.open_tipoffs += 1;
            w.overdue_tipoffs += usize::from(t.overdue);
        }
    }
    for f in ws.follow_ups(None)? {
        let due = f.due.is_none_or(|d| d <= to);
        if f.state != crate::store::FollowUpState::Open || !due {
            continue;
        }
        if let Some(cell) = site_cells.get(&f.site_id) {
            work.entry(cell.clone()).or_default().followups_due += 1;
        }
    }
    Ok(work)
}

fn overdue_cutoff(to: NaiveDate, licence: Licence, overdue_days: &OverdueDays) -> NaiveDate {
    to.checked_sub_signed(chrono::Duration::days(overdue_days.after(licence)))
        .unwrap_or(NaiveDate::MIN)
}

/// Coverage of every cell (in id order) over `from..=to` days, from the store.
///
/// The same figures as [`compute_coverage`] over the store's rows, counted by SQLite
/// from the cell each site, hotspot and street piece was placed in when imported: no
/// polygon is read and no point located, so it stays fast at township scale.
pub fn coverage_from_store(
    ws: &crate::store::Workspace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CellCoverage>, crate::store::StoreError> {
    let (start, end) = window(from, to);
    let rules = ws.rules()?;
    let overdue_days = rules.overdue_days;
    let mut sites = ws.site_tallies(start, end, |l| overdue_cutoff(to, l, &overdue_days))?;
    let mut hotspots = ws.hotspot_tallies(start, end)?;
    let evening = ws.evening_checks_by_cell(start, end, rules.shifts.evening.start.to_time())?;
    let swept = ws.swept_by_cell(start, end)?;
    let cells = ws.cell_summaries()?;
    Ok(cells
        .into_iter()
        .map(|c| {
            let s = sites.remove(&c.id).unwrap_or_default();
            let h = hotspots.remove(&c.id).unwrap_or_default();
            let mut cov = CellCoverage {
                sites_total: s.sites_total,
                sites_inspected: s.sites_inspected,
                sites_overdue: s.overdue_unlicensed
                    + s.overdue_registered_only
                    + s.overdue_licensed,
                overdue_unlicensed: s.overdue_unlicensed,
                overdue_registered_only: s.overdue_registered_only,
                overdue_licensed: s.overdue_licensed,
                hotspots_total: h.hotspots_total,
                hotspots_checked_night: h.checked_night,
                evening_checks: evening.get(&c.id).copied().unwrap_or(0),
                last_activity: s.last_inspection.max(h.last_night_check),
                ..CellCoverage::empty(&c.id, &c.name, c.officer.as_deref())
            };
            cov.finish(c.street_m, swept.get(&c.id).copied());
            cov
        })
        .collect())
}

/// Coverage computed the straightforward way from everything the store holds:
/// polygons, sites and every inspection of the window (the yardstick of the fast
/// [`coverage_from_store`]).
pub fn coverage_from_rows(
    ws: &crate::store::Workspace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CellCoverage>, crate::store::StoreError> {
    let (start, end) = window(from, to);
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
        overdue_days: ws.rules()?.overdue_days,
        evening_starts: ws.rules()?.shifts.evening.start.to_time(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::bounds::LonLat;
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
                vec![LonLat::new(116.001, 40.002), LonLat::new(116.009, 40.002)],
            ),
            (
                Some("二路".into()),
                vec![LonLat::new(116.011, 40.002), LonLat::new(116.019, 40.002)],
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
                evidence: None,
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
                &[LonLat::new(116.001, 40.0021), LonLat::new(116.005, 40.0021)],
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

    /// A random township: a 3×3 grid of cells with a gap (sites there are in no cell),
    /// sites on cell borders and corners, imported last-inspection dates, hotspots,
    /// streets, and a spring of inspections, night checks and walks.
    fn random_workspace(seed: u64) -> Workspace {
        use crate::model::{Cell, Hotspot, HotspotKind, Institution, Licence, Township};
        use crate::store::sites_test_support::{site, square};
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut t = Township::default();
        for i in 0..3 {
            for j in 0..3 {
                if (i, j) == (2, 2) {
                    continue;
                }
                let (x, y) = (116.0 + 0.01 * i as f64, 40.0 + 0.01 * j as f64);
                t.cells.push(Cell {
                    id: format!("C{i}{j}"),
                    name: format!("格{i}{j}"),
                    officer: None,
                    area: square(x, y, 0.01),
                });
                t.hotspots.push(Hotspot {
                    id: format!("H{i}{j}"),
                    name: "楼".into(),
                    kind: HotspotKind::OfficeBuilding,
                    area: square(x + rng.gen::<f64>() * 0.009, y + 0.004, 0.001),
                });
            }
        }
        for k in 0..60 {
            // Every fourth site on a grid line (a border or a corner).
            let mut coord = || {
                let v = rng.gen::<f64>() * 0.031;
                if rng.gen_range(0..4) == 0 {
                    (v / 0.01).round() * 0.01
                } else {
                    v
                }
            };
            let (dx, dy) = (coord(), coord());
            let licence = [
                Licence::Unlicensed,
                Licence::RegisteredOnly,
                Licence::Licensed,
            ][rng.gen_range(0..3)];
            let mut s: Institution = site(&format!("S{k:02}"), 116.0 + dx, 40.0 + dy, licence);
            s.last_inspected = match rng.gen_range(0..3) {
                0 => None,
                _ => Some(d("2024-10-01") + chrono::Duration::days(rng.gen_range(0..200))),
            };
            t.institutions.push(s);
        }
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&t).unwrap();
        let streets: Vec<crate::store::StreetLine> = (0..6)
            .map(|k| {
                let y = 40.001 + 0.005 * k as f64;
                (None, vec![LonLat::new(116.0, y), LonLat::new(116.03, y)])
            })
            .collect();
        ws.replace_streets(&streets).unwrap();
        let day = |rng: &mut rand_chacha::ChaCha8Rng| {
            d("2024-12-01") + chrono::Duration::days(rng.gen_range(0..180))
        };
        let inputs: Vec<InspectionInput> = (0..150)
            .map(|_| InspectionInput {
                site_id: format!("S{:02}", rng.gen_range(0..60)),
                at: day(&mut rng)
                    .and_hms_opt(rng.gen_range(0..24), 0, 0)
                    .unwrap(),
                team_id: "T1".into(),
                result: InspectionResult::Compliant,
                notes: None,
                rectify_by: None,
                close: false,
                lookback_days: None,
                evidence: None,
            })
            .collect();
        ws.record_inspections(&inputs).unwrap();
        for _ in 0..20 {
            let h = &t.hotspots[rng.gen_range(0..t.hotspots.len())].id;
            let at = day(&mut rng).and_hms_opt(21, 0, 0).unwrap();
            ws.record_night_check(h, at, "N", InspectionResult::Compliant, None)
                .unwrap();
        }
        for _ in 0..6 {
            let y = 40.001 + 0.005 * rng.gen_range(0..6) as f64 + 0.00001;
            let x0 = 116.0 + rng.gen::<f64>() * 0.02;
            let at = day(&mut rng).and_hms_opt(10, 0, 0).unwrap();
            let line = [LonLat::new(x0, y), LonLat::new(x0 + 0.008, y)];
            ws.record_track("T1", at, "test", &line).unwrap();
        }
        ws
    }

    /// Equal figures; metres and percentages to a micrometre (sums may differ in order).
    fn assert_same(fast: &[CellCoverage], plain: &[CellCoverage], what: &str) {
        assert_eq!(fast.len(), plain.len(), "{what}");
        let round = |c: &CellCoverage| {
            let mut c = c.clone();
            for x in [
                &mut c.street_m,
                &mut c.swept_m,
                &mut c.swept_pct,
                &mut c.inspected_pct,
            ] {
                *x = (*x * 1e6).round() / 1e6;
            }
            c
        };
        for (f, p) in fast.iter().zip(plain) {
            assert_eq!(round(f), round(p), "{what}");
        }
    }

    #[test]
    fn fast_path_matches_the_straightforward_computation() {
        use rand::{Rng, SeedableRng};
        let mut busy_cells = 0;
        for seed in 0..12 {
            let ws = random_workspace(seed);
            // The stored placement is the locator's answer for every site.
            let cells = ws.cells().unwrap();
            let polygons: Vec<_> = cells.iter().map(|c| c.area.clone()).collect();
            let locator = CellLocator::new(&polygons);
            let expected: HashMap<String, String> = ws
                .institutions()
                .unwrap()
                .into_iter()
                .filter_map(|s| {
                    let i = locator.locate(s.location.lon(), s.location.lat())?;
                    Some((s.id, cells[i].id.clone()))
                })
                .collect();
            assert_eq!(ws.site_cells().unwrap(), expected, "seed {seed}");
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1000 + seed);
            for _ in 0..4 {
                let from = d("2024-11-15") + chrono::Duration::days(rng.gen_range(0..150));
                let to = from + chrono::Duration::days(rng.gen_range(0..90));
                let fast = coverage_from_store(&ws, from, to).unwrap();
                let plain = coverage_from_rows(&ws, from, to).unwrap();
                assert_same(&fast, &plain, &format!("seed {seed}, {from}..{to}"));
                busy_cells += fast
                    .iter()
                    .filter(|c| c.sites_inspected > 0 && c.sites_overdue > 0)
                    .count();
            }
        }
        // The random histories exercise both inspected and overdue sites.
        assert!(busy_cells > 20, "{busy_cells}");
    }

    #[test]
    fn placement_follows_moved_sites_and_new_cells() {
        let mut ws = random_workspace(7);
        let (from, to) = (d("2025-01-01"), d("2025-03-31"));
        let mut t = ws.township().unwrap();
        // Move a site into the gap (no cell), then cover the gap with a new cell.
        t.institutions[0].location = crate::model::Wgs84Point::new(116.025, 40.025);
        ws.import_institutions(&t.institutions).unwrap();
        assert_same(
            &coverage_from_store(&ws, from, to).unwrap(),
            &coverage_from_rows(&ws, from, to).unwrap(),
            "site moved",
        );
        ws.import_cells(&[crate::model::Cell {
            id: "C22".into(),
            name: "新格".into(),
            officer: None,
            area: crate::store::sites_test_support::square(116.02, 40.02, 0.01),
        }])
        .unwrap();
        let fast = coverage_from_store(&ws, from, to).unwrap();
        assert_same(
            &fast,
            &coverage_from_rows(&ws, from, to).unwrap(),
            "new cell",
        );
        let c22 = fast.iter().find(|c| c.cell_id == "C22").unwrap();
        assert!(c22.sites_total >= 1 && c22.street_m > 0.0, "{c22:?}");
    }
}
