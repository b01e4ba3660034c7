//! The ledger (台账), the weekly/monthly per-cell bulletin (周报告 / 月通报) and the
//! white/black lists, as plain tables; `formats::table` writes them as CSV or xlsx.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::CellCoverage;
pub use crate::formats::table::{Table, Value};
use crate::model::{Cell, Institution};
use crate::spatial::CellLocator;
use crate::store::{FollowUp, FollowUpState, Inspection, InspectionResult, LedgerRow};

/// The bulletin's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Monday to Sunday of the date's week.
    Weekly,
    /// The date's calendar month.
    Monthly,
}

/// The first and last day (inclusive) of the period holding `date`.
///
/// ```
/// use chrono::NaiveDate;
/// use gridpatrol::coverage::report::{period_window, Period};
/// let d = NaiveDate::from_ymd_opt(2025, 3, 12).unwrap(); // a Wednesday
/// assert_eq!(period_window(Period::Weekly, d).0, NaiveDate::from_ymd_opt(2025, 3, 10).unwrap());
/// assert_eq!(period_window(Period::Monthly, d).1, NaiveDate::from_ymd_opt(2025, 3, 31).unwrap());
/// ```
pub fn period_window(period: Period, date: NaiveDate) -> (NaiveDate, NaiveDate) {
    match period {
        Period::Weekly => {
            let start = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            (start, start + Duration::days(6))
        }
        Period::Monthly => {
            let start = date.with_day(1).unwrap_or(date);
            let next = if date.month() == 12 {
                NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
            };
            (start, next.and_then(|n| n.pred_opt()).unwrap_or(date))
        }
    }
}

fn follow_up_text(f: &FollowUp) -> String {
    let kind = match f.kind {
        crate::store::FollowUpKind::Rectification => "整改",
        crate::store::FollowUpKind::Closure => "关停",
        crate::store::FollowUpKind::Lookback => "回头看",
    };
    let state = if f.state == FollowUpState::Open {
        "未完成"
    } else {
        "已完成"
    };
    match f.due {
        Some(d) => format!("{kind} {d} {state}"),
        None => format!("{kind} {state}"),
    }
}

/// The ledger: one row per inspection, with its site, cell, findings and follow-ups.
pub fn ledger_table(rows: &[LedgerRow], cells: &[Cell]) -> Table {
    let polys: Vec<_> = cells.iter().map(|c| c.area.clone()).collect();
    let loc = CellLocator::new(&polys);
    let headers = [
        "检查编号 id",
        "检查时间 at",
        "机构编号 site_id",
        "机构名称 site_name",
        "类别 kind",
        "证照 licence",
        "地址 address",
        "网格 cell",
        "检查组 team",
        "结果 result",
        "结果说明 result_zh",
        "备注 notes",
        "发现问题 findings",
        "后续处理 follow_ups",
        "经度 lon",
        "纬度 lat",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            let i = &r.inspection;
            let cell = loc.locate(r.lon, r.lat).map(|k| cells[k].id.clone());
            vec![
                Value::Number(i.id as f64),
                i.at.format("%Y-%m-%d %H:%M").to_string().into(),
                i.site_id.clone().into(),
                r.site_name.clone().into(),
                r.site_kind.clone().into(),
                r.licence.clone().into(),
                r.address.clone().into(),
                cell.into(),
                i.team_id.clone().into(),
                i.result.as_str().into(),
                i.result.label_zh().into(),
                i.notes.clone().into(),
                r.findings.join("; ").into(),
                r.follow_ups
                    .iter()
                    .map(follow_up_text)
                    .collect::<Vec<_>>()
                    .join("; ")
                    .into(),
                r.lon.into(),
                r.lat.into(),
            ]
        })
        .collect();
    Table {
        name: "台账 ledger".into(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

/// The per-cell bulletin over `from..=to`: coverage plus findings and follow-ups.
pub fn bulletin_table(
    title: &str,
    coverage: &[CellCoverage],
    inspections: &[Inspection],
    sites: &[Institution],
    cells: &[Cell],
) -> Table {
    let polys: Vec<_> = cells.iter().map(|c| c.area.clone()).collect();
    let loc = CellLocator::new(&polys);
    let site_cell: HashMap<&str, usize> = sites
        .iter()
        .filter_map(|s| {
            Some((
                s.id.as_str(),
                loc.locate(s.location.lon(), s.location.lat())?,
            ))
        })
        .collect();
    let mut visits = vec![0usize; cells.len()];
    let mut hazards = vec![0usize; cells.len()];
    let mut unlicensed = vec![0usize; cells.len()];
    for i in inspections {
        let Some(&c) = site_cell.get(i.site_id.as_str()) else {
            continue;
        };
        visits[c] += 1;
        match i.result {
            InspectionResult::Hazard => hazards[c] += 1,
            InspectionResult::UnlicensedOperation => unlicensed[c] += 1,
            _ => {}
        }
    }
    let index: HashMap<&str, usize> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let headers = [
        "网格 cell_id",
        "网格名称 cell_name",
        "网格员 officer",
        "机构数 sites_total",
        "已检查 sites_inspected",
        "检查率% inspected_pct",
        "超期未查 sites_overdue",
        "超期无证 overdue_unlicensed",
        "检查次数 inspections",
        "发现隐患 hazards",
        "无证经营 unlicensed_operations",
        "街道米数 street_m",
        "已巡米数 swept_m",
        "巡查率% swept_pct",
        "重点楼宇小区 hotspots_total",
        "夜查 hotspots_checked_night",
        "最近活动 last_activity",
    ];
    let rows = coverage
        .iter()
        .map(|c| {
            let k = index.get(c.cell_id.as_str()).copied();
            let at = |v: &Vec<usize>| k.map_or(0, |k| v[k]);
            vec![
                c.cell_id.clone().into(),
                c.cell_name.clone().into(),
                c.officer.clone().into(),
                c.sites_total.into(),
                c.sites_inspected.into(),
                pct_or_dash(c.sites_total > 0, c.inspected_pct),
                c.sites_overdue.into(),
                c.overdue_unlicensed.into(),
                at(&visits).into(),
                at(&hazards).into(),
                at(&unlicensed).into(),
                c.street_m.round().into(),
                c.swept_m.round().into(),
                pct_or_dash(c.street_m > 0.0, c.swept_pct),
                c.hotspots_total.into(),
                c.hotspots_checked_night.into(),
                c.last_activity
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .into(),
            ]
        })
        .collect();
    Table {
        name: title.to_string(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

/// A share to one decimal, or "—" for a cell with nothing to share out (no sites, no
/// streets): 0 of 0 is no "100 %" (the API says null).
fn pct_or_dash(defined: bool, pct: f64) -> Value {
    if defined {
        round1(pct).into()
    } else {
        Value::Text(NO_SHARE.into())
    }
}

/// Shown where a percentage has no meaning.
pub const NO_SHARE: &str = "—";

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Which published list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// 白名单: licensed, last inspection compliant, nothing open.
    White,
    /// 黑名单: unlicensed, found operating unlawfully, or ordered closed.
    Black,
}

/// The white or black list from the sites, their latest results and open follow-ups.
pub fn list_table(
    list: List,
    sites: &[Institution],
    last_result: &HashMap<String, (InspectionResult, chrono::NaiveDateTime)>,
    open_follow_ups: &HashMap<String, usize>,
    closed: &std::collections::HashSet<String>,
) -> Table {
    let headers = [
        "机构编号 site_id",
        "机构名称 name",
        "类别 kind",
        "证照 licence",
        "地址 address",
        "最近检查 last_inspected",
        "最近结果 last_result",
        "原因 reason",
    ];
    let mut rows = Vec::new();
    for s in sites {
        let last = last_result.get(&s.id);
        let open = open_follow_ups.get(&s.id).copied().unwrap_or(0);
        let reason =
            super::lists::list_reason(list, s, last.map(|(r, _)| *r), open, closed.contains(&s.id));
        let Some(reason) = reason else { continue };
        rows.push(vec![
            s.id.clone().into(),
            s.name.clone().into(),
            crate::store::kind_name(s.kind).into(),
            crate::store::licence_name(s.licence).into(),
            s.address.clone().into(),
            last.map(|(_, t)| t.format("%Y-%m-%d").to_string()).into(),
            last.map(|(r, _)| r.as_str().to_string()).into(),
            reason.into(),
        ]);
    }
    let name = if list == List::White {
        "白名单 whitelist"
    } else {
        "黑名单 blacklist"
    };
    Table {
        name: name.into(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
