//! The ledger (台账), the weekly/monthly per-cell bulletin (周报告 / 月通报), the
//! white/black lists and the 双随机 result, as plain tables a county accepts: a title row
//! naming the township and the period, Chinese headers, Chinese values (校外培训, 有证有照,
//! 责令整改…) and cells by their names. `formats::table` writes them as CSV or xlsx; the
//! `*_report` functions build them from a workspace so the page and the CLI write the
//! same bytes.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use super::CellCoverage;
pub use crate::formats::table::{Table, Value};
use crate::model::{Cell, Institution, InstitutionKind, Licence};
use crate::rules::{FindingItem, Rules};
use crate::spatial::CellLocator;
use crate::store::{
    FollowUp, FollowUpState, Inspection, InspectionResult, LedgerRow, StoreError, Workspace,
};

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

/// What every report names and how it says things: the township, the cells' names and
/// the labels of the township's checklist and outcomes.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// The township (镇 / 街道) named in every title.
    pub township: String,
    /// Cell id → the name shown (the lead's name for it, else its id).
    pub cell_names: HashMap<String, String>,
    /// Checklist and outcome code → label, from the rules.
    labels: HashMap<String, String>,
    /// Checklist code → label of a care (托管) site's checklist, where codes of the two
    /// checklists mean different things (`serving_teachers`).
    care_labels: HashMap<String, String>,
}

fn collect_labels(items: &[FindingItem], out: &mut HashMap<String, String>) {
    for item in items {
        out.insert(item.code.clone(), item.label.clone());
        collect_labels(&item.items, out);
    }
}

impl ReportContext {
    /// The context from the township's name, its cells and its rules.
    pub fn new(township: &str, cells: &[Cell], rules: &Rules) -> Self {
        let cell_names = cells
            .iter()
            .map(|c| {
                let name = if c.name.trim().is_empty() {
                    &c.id
                } else {
                    &c.name
                };
                (c.id.clone(), name.clone())
            })
            .collect();
        let mut labels = HashMap::new();
        let mut care_labels = HashMap::new();
        collect_labels(&rules.findings.care, &mut care_labels);
        collect_labels(&rules.findings.training, &mut labels);
        for o in &rules.outcomes {
            labels.insert(o.code.clone(), o.label.clone());
        }
        ReportContext {
            township: township.to_string(),
            cell_names,
            labels,
            care_labels,
        }
    }

    /// The context of a workspace.
    pub fn of_workspace(ws: &Workspace) -> Result<Self, StoreError> {
        let township = ws.meta("township")?.unwrap_or_default();
        Ok(Self::new(&township, &ws.cells()?, &ws.rules()?))
    }

    /// The title row: `{township} {report}（{period}）`.
    pub fn title(&self, report: &str, period: &str) -> String {
        let township = self.township.trim();
        let lead = if township.is_empty() {
            report.to_string()
        } else {
            format!("{township} {report}")
        };
        if period.is_empty() {
            lead
        } else {
            format!("{lead}（{period}）")
        }
    }

    /// A cell's name as shown; an unknown id as it is.
    pub fn cell_name(&self, id: &str) -> String {
        self.cell_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The label of an outcome or a training site's checklist code; an unknown code as
    /// it is.
    pub fn label(&self, code: &str) -> String {
        self.labels
            .get(code)
            .or_else(|| self.care_labels.get(code))
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The label of a checklist code from the checklist of the site's kind (its stored
    /// code, `care` or `training`).
    pub fn checklist_label(&self, kind: &str, code: &str) -> String {
        match (kind, self.care_labels.get(code)) {
            ("care", Some(label)) => label.clone(),
            _ => self.label(code),
        }
    }
}

/// A period as written in titles: `2025-03-10至2025-03-16`.
pub fn period_text(from: NaiveDate, to: NaiveDate) -> String {
    format!("{from}至{to}")
}

/// The kind as the county writes it.
pub fn kind_label(kind: InstitutionKind) -> &'static str {
    match kind {
        InstitutionKind::Training => "校外培训",
        InstitutionKind::Care => "托管",
    }
}

/// The licence class as the county writes it.
pub fn licence_label(licence: Licence) -> &'static str {
    match licence {
        Licence::Licensed => "有证有照",
        Licence::RegisteredOnly => "有照无证",
        Licence::Unlicensed => "无证无照",
    }
}

/// A stored kind code (`training`, `care`) in Chinese; unknown text as it is.
fn kind_code_label(code: &str) -> String {
    match code {
        "training" => kind_label(InstitutionKind::Training).into(),
        "care" => kind_label(InstitutionKind::Care).into(),
        other => other.into(),
    }
}

/// A stored licence code in Chinese; unknown text as it is.
fn licence_code_label(code: &str) -> String {
    [
        Licence::Licensed,
        Licence::RegisteredOnly,
        Licence::Unlicensed,
    ]
    .into_iter()
    .find(|l| l.code() == code)
    .map_or_else(|| code.to_string(), |l| licence_label(l).to_string())
}

/// A stored result code (`hazard`…) in Chinese; unknown text as it is.
fn result_code_label(code: &str) -> String {
    [
        InspectionResult::Compliant,
        InspectionResult::Hazard,
        InspectionResult::UnlicensedOperation,
        InspectionResult::Closed,
        InspectionResult::NotFound,
    ]
    .into_iter()
    .find(|r| r.as_str() == code)
    .map_or_else(|| code.to_string(), |r| r.label_zh().to_string())
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

/// The findings of a ledger row in Chinese: the result's finding (`hazard: 消防通道堵塞`
/// becomes `发现隐患：消防通道堵塞`), then the checklist items marked.
fn findings_text(row: &LedgerRow, ctx: &ReportContext) -> String {
    let recorded = row.findings.iter().map(|f| match f.split_once(": ") {
        Some((code, notes)) => format!("{}：{notes}", result_code_label(code)),
        None => result_code_label(f),
    });
    let checklist = row
        .checklist
        .iter()
        .map(|c| ctx.checklist_label(&row.site_kind, c));
    recorded.chain(checklist).collect::<Vec<_>>().join("；")
}

fn strings(headers: &[&str]) -> Vec<String> {
    headers.iter().map(|s| s.to_string()).collect()
}

/// The ledger: one row per inspection, with its site, cell, findings, outcome, photos,
/// 整改 deadline and follow-ups. `period` goes into the title (empty: every record).
pub fn ledger_table(
    rows: &[LedgerRow],
    cells: &[Cell],
    ctx: &ReportContext,
    period: &str,
) -> Table {
    let polys: Vec<_> = cells.iter().map(|c| c.area.clone()).collect();
    let loc = CellLocator::new(&polys);
    let headers = [
        "检查编号",
        "检查时间",
        "机构编号",
        "机构名称",
        "类别",
        "证照情况",
        "地址",
        "网格",
        "检查组",
        "检查结果",
        "处理结果",
        "发现问题",
        "照片数",
        "整改期限",
        "后续处理",
        "备注",
        "经度",
        "纬度",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            let i = &r.inspection;
            let cell = loc
                .locate(r.lon, r.lat)
                .map(|k| ctx.cell_name(&cells[k].id));
            vec![
                Value::Number(i.id as f64),
                i.at.format("%Y-%m-%d %H:%M").to_string().into(),
                i.site_id.clone().into(),
                r.site_name.clone().into(),
                kind_code_label(&r.site_kind).into(),
                licence_code_label(&r.licence).into(),
                r.address.clone().into(),
                cell.into(),
                i.team_id.clone().into(),
                i.result.label_zh().into(),
                r.outcome.as_deref().map(|o| ctx.label(o)).into(),
                findings_text(r, ctx).into(),
                r.photos.into(),
                r.rectify_by.map(|d| d.to_string()).into(),
                r.follow_ups
                    .iter()
                    .map(follow_up_text)
                    .collect::<Vec<_>>()
                    .join("；")
                    .into(),
                i.notes.clone().into(),
                r.lon.into(),
                r.lat.into(),
            ]
        })
        .collect();
    let period = if period.is_empty() {
        "全部记录"
    } else {
        period
    };
    Table {
        name: "台账".into(),
        title: ctx.title("校外培训机构检查台账", period),
        headers: strings(&headers),
        rows,
    }
}

/// The per-cell bulletin over a period: coverage plus findings and follow-ups. `name` is
/// the report (周报告, 月通报, 覆盖情况) and `period` its days, both in the title.
pub fn bulletin_table(
    name: &str,
    period: &str,
    coverage: &[CellCoverage],
    inspections: &[Inspection],
    sites: &[Institution],
    cells: &[Cell],
    ctx: &ReportContext,
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
        "网格",
        "网格员",
        "机构数",
        "已检查",
        "检查率%",
        "超期未查",
        "超期无证",
        "检查次数",
        "发现隐患",
        "无证经营",
        "街道米数",
        "已巡米数",
        "巡查率%",
        "重点楼宇小区",
        "夜查",
        "最近活动",
    ];
    let rows = coverage
        .iter()
        .map(|c| {
            let k = index.get(c.cell_id.as_str()).copied();
            let at = |v: &Vec<usize>| k.map_or(0, |k| v[k]);
            vec![
                ctx.cell_name(&c.cell_id).into(),
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
        name: format!("{name} {period}"),
        title: ctx.title(&format!("校外培训机构检查{name}"), period),
        headers: strings(&headers),
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

/// What a list is built from, beside the sites.
#[derive(Debug, Clone, Default)]
pub struct ListInputs {
    /// Each site's latest result and when.
    pub last_result: HashMap<String, (InspectionResult, NaiveDateTime)>,
    /// Open follow-ups per site.
    pub open_follow_ups: HashMap<String, usize>,
    /// Sites ordered closed.
    pub closed: HashSet<String>,
    /// Each site's cell id.
    pub site_cells: HashMap<String, String>,
}

/// Why a site is on `list`, if it is: the one rule of [`super::lists`], which the
/// map's list layers and the dossier follow too.
fn list_reason(list: List, s: &Institution, inputs: &ListInputs) -> Option<&'static str> {
    super::lists::list_reason(
        list,
        s,
        inputs.last_result.get(&s.id).map(|(r, _)| *r),
        inputs.open_follow_ups.get(&s.id).copied().unwrap_or(0),
        inputs.closed.contains(&s.id),
    )
}

/// The white or black list from the sites, their latest results and open follow-ups,
/// as of `date` (in the title).
pub fn list_table(
    list: List,
    sites: &[Institution],
    inputs: &ListInputs,
    ctx: &ReportContext,
    date: NaiveDate,
) -> Table {
    let headers = [
        "序号",
        "机构编号",
        "机构名称",
        "类别",
        "证照情况",
        "地址",
        "网格",
        "最近检查",
        "最近结果",
        "列入原因",
    ];
    let mut rows = Vec::new();
    for s in sites {
        let Some(reason) = list_reason(list, s, inputs) else {
            continue;
        };
        let last = inputs.last_result.get(&s.id);
        rows.push(vec![
            Value::Number(rows.len() as f64 + 1.0),
            s.id.clone().into(),
            s.name.clone().into(),
            kind_label(s.kind).into(),
            licence_label(s.licence).into(),
            s.address.clone().into(),
            inputs
                .site_cells
                .get(&s.id)
                .map(|c| ctx.cell_name(c))
                .into(),
            last.map(|(_, t)| t.format("%Y-%m-%d").to_string()).into(),
            last.map(|(r, _)| r.label_zh().to_string()).into(),
            reason.into(),
        ]);
    }
    let name = if list == List::White {
        "白名单"
    } else {
        "黑名单"
    };
    Table {
        name: name.into(),
        title: ctx.title(&format!("校外培训机构{name}"), &format!("截至{date}")),
        headers: strings(&headers),
        rows,
    }
}

/// Reading a workspace for a report failed, or the report asked for does not exist.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The workspace could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No draw has this number.
    #[error("没有第 {0} 次双随机抽查记录")]
    NoDraw(i64),
    /// A logged draw could not be read.
    #[error("第 {seq} 次抽查记录无法读取：{problem}")]
    BadDraw {
        /// The draw's number.
        seq: i64,
        /// What is wrong.
        problem: String,
    },
}

/// The ledger of a workspace over `from..=to` (days, inclusive; `None`: open).
pub fn ledger_report(
    ws: &Workspace,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Table, ReportError> {
    let rows = ws.ledger_rows(
        from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        to.and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
    )?;
    let period = match (from, to) {
        (Some(f), Some(t)) => period_text(f, t),
        (Some(f), None) => format!("{f}起"),
        (None, Some(t)) => format!("截至{t}"),
        (None, None) => String::new(),
    };
    let ctx = ReportContext::of_workspace(ws)?;
    Ok(ledger_table(&rows, &ws.cells()?, &ctx, &period))
}

/// The per-cell bulletin of a workspace over `from..=to`, titled `name` (周报告, 月通报…).
pub fn bulletin_report(
    ws: &Workspace,
    name: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Table, ReportError> {
    let figures = super::coverage::coverage_from_store(ws, from, to)?;
    let inspections = ws.inspections(
        from.and_hms_opt(0, 0, 0),
        to.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
    )?;
    let ctx = ReportContext::of_workspace(ws)?;
    Ok(bulletin_table(
        name,
        &period_text(from, to),
        &figures,
        &inspections,
        &ws.institutions()?,
        &ws.cells()?,
        &ctx,
    ))
}

/// The 周报告 or 月通报 of the week or month holding `date`.
pub fn period_report(
    ws: &Workspace,
    period: Period,
    date: NaiveDate,
) -> Result<Table, ReportError> {
    let (from, to) = period_window(period, date);
    let name = match period {
        Period::Weekly => "周报告",
        Period::Monthly => "月通报",
    };
    bulletin_report(ws, name, from, to)
}

/// The white or black list of a workspace as of `date`.
pub fn list_report(ws: &Workspace, list: List, date: NaiveDate) -> Result<Table, ReportError> {
    let mut inputs = ListInputs::default();
    for i in ws.inspections(None, None)? {
        inputs
            .last_result
            .insert(i.site_id.clone(), (i.result, i.at));
    }
    for f in ws.follow_ups(None)? {
        if f.state == FollowUpState::Open {
            *inputs.open_follow_ups.entry(f.site_id.clone()).or_insert(0) += 1;
        }
    }
    inputs.closed = ws.closed_sites()?;
    inputs.site_cells = ws.site_cells()?.into_iter().collect();
    let ctx = ReportContext::of_workspace(ws)?;
    Ok(list_table(list, &ws.institutions()?, &inputs, &ctx, date))
}

/// The publishable result (一公开) of logged draw `seq`: each target with its officers,
/// the seed, the time, the publish-by date, and the log's head after the draw (`hash`)
/// and before it.
pub fn draw_report(ws: &Workspace, seq: i64) -> Result<Table, ReportError> {
    let log = ws.draw_log()?;
    let entry = log
        .iter()
        .find(|e| e.seq == seq)
        .ok_or(ReportError::NoDraw(seq))?;
    let d: super::draw::Draw =
        serde_json::from_str(&entry.body).map_err(|e| ReportError::BadDraw {
            seq,
            problem: e.to_string(),
        })?;
    let ctx = ReportContext::of_workspace(ws)?;
    let sites = ws.institutions()?;
    let names: HashMap<&str, &str> = sites
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    let departments: HashMap<String, String> = ws
        .officers()?
        .into_iter()
        .map(|o| (o.name, o.department))
        .collect();
    Ok(draw_table(&d, entry, &names, &departments, &ctx))
}

/// The publishable result of a draw as a table (see [`draw_report`]); officers are
/// named with their department from the register.
pub fn draw_table(
    d: &super::draw::Draw,
    entry: &crate::store::DrawLogEntry,
    names: &HashMap<&str, &str>,
    departments: &HashMap<String, String>,
    ctx: &ReportContext,
) -> Table {
    let headers = [
        "抽查批次",
        "序号",
        "机构编号",
        "机构名称",
        "分层",
        "检查人员",
        "随机种子",
        "抽取时间",
        "公示截止",
        "记录哈希",
        "上一记录哈希",
    ];
    let stratum = |s: &str| match d.by {
        super::draw::Stratify::Cell => ctx.cell_name(s),
        super::draw::Stratify::Kind => kind_code_label(s),
    };
    let rows = d
        .picks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Value::Number(entry.seq as f64),
                Value::Number(i as f64 + 1.0),
                p.site_id.clone().into(),
                names.get(p.site_id.as_str()).map(|s| s.to_string()).into(),
                stratum(&p.stratum).into(),
                p.officers()
                    .iter()
                    .map(|o| match departments.get(o) {
                        Some(d) => format!("{o}（{d}）"),
                        None => o.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                d.seed.clone().into(),
                d.at.replace('T', " ").into(),
                d.publish_by.map(|p| p.to_string()).into(),
                entry.hash.clone().into(),
                entry.prev_hash.clone().into(),
            ]
        })
        .collect();
    let day = d.at.get(..10).unwrap_or_default();
    Table {
        name: format!("双随机 第{}批", entry.seq),
        title: ctx.title("双随机抽查结果公示", &format!("第{}批，{day}", entry.seq)),
        headers: strings(&headers),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> ReportContext {
        let sample = crate::formats::township::load_sample().unwrap();
        ReportContext::new("城东街道", &sample.cells, &Rules::default())
    }

    #[test]
    fn titles_name_the_township_the_report_and_the_period() {
        let ctx = context();
        assert_eq!(
            ctx.title("月通报", "2025-03-01至2025-03-31"),
            "城东街道 月通报（2025-03-01至2025-03-31）"
        );
        let nameless = ReportContext::default();
        assert_eq!(nameless.title("台账", ""), "台账");
    }

    #[test]
    fn codes_become_chinese_labels() {
        let ctx = context();
        assert_eq!(ctx.label("rectify"), "责令整改");
        assert_eq!(ctx.checklist_label("care", "serving_teachers"), "在职教师");
        assert_eq!(
            ctx.checklist_label("training", "serving_teachers"),
            "在职教师违规补课"
        );
        assert_eq!(
            ctx.checklist_label("care", "food_licence"),
            "食品经营许可证"
        );
        assert_eq!(kind_code_label("training"), "校外培训");
        assert_eq!(kind_code_label("care"), "托管");
        assert_eq!(licence_code_label("registered_only"), "有照无证");
        assert_eq!(licence_code_label("unlicensed"), "无证无照");
        assert_eq!(result_code_label("hazard"), "发现隐患");
    }

    #[test]
    fn cells_are_named_not_coded() {
        let sample = crate::formats::township::load_sample().unwrap();
        let ctx = context();
        let first = &sample.cells[0];
        assert_eq!(ctx.cell_name(&first.id), first.name);
        assert_ne!(
            ctx.cell_name(&first.id),
            first.id,
            "the sample names its cells"
        );
    }

    /// The field app's evidence reaches the ledger: checklist labels, the outcome, the
    /// 整改 deadline and the photos' count.
    #[test]
    fn the_ledger_carries_the_evidence() {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        let due = chrono::NaiveDate::from_ymd_opt(2025, 3, 26).unwrap();
        let inspection = ws
            .record_inspection(&crate::store::InspectionInput {
                site_id: sample.institutions[0].id.clone(),
                at: chrono::NaiveDate::from_ymd_opt(2025, 3, 12)
                    .unwrap()
                    .and_hms_opt(10, 0, 0)
                    .unwrap(),
                team_id: "A".into(),
                result: InspectionResult::Hazard,
                notes: None,
                rectify_by: None,
                close: false,
                lookback_days: None,
                evidence: Some(crate::store::Evidence {
                    findings: vec!["business_licence".into()],
                    outcome: Some("rectify".into()),
                    rectify_by: Some(due),
                    officers: vec!["甲".into(), "乙".into()],
                    ..Default::default()
                }),
            })
            .unwrap();
        let png = b"\x89PNG\r\n\x1a\n0000";
        ws.add_inspection_photo(inspection.id, png, "image/png")
            .unwrap();
        let t = ledger_report(&ws, None, None).unwrap();
        let row = &t.rows[0];
        let cell = |name: &str| &row[t.headers.iter().position(|h| h == name).unwrap()];
        assert_eq!(cell("处理结果"), &Value::from("责令整改"));
        assert_eq!(cell("发现问题"), &Value::from("发现隐患；营业执照"));
        assert_eq!(cell("整改期限"), &Value::from("2025-03-26"));
        assert_eq!(cell("照片数"), &Value::Number(1.0));
    }

    /// No header and no value of a report is an English code or a bilingual header.
    #[test]
    fn a_ledger_row_reads_in_chinese() {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        let site = &sample.institutions[0];
        ws.record_inspection(&crate::store::InspectionInput {
            site_id: site.id.clone(),
            at: chrono::NaiveDate::from_ymd_opt(2025, 3, 12)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            team_id: "A".into(),
            result: InspectionResult::Hazard,
            notes: Some("消防通道堵塞".into()),
            rectify_by: None,
            close: false,
            lookback_days: None,
            evidence: None,
        })
        .unwrap();
        let t = ledger_report(&ws, None, None).unwrap();
        for h in &t.headers {
            assert!(!h.chars().any(|c| c.is_ascii_alphabetic()), "header {h}");
        }
        let row = &t.rows[0];
        let cell = |name: &str| &row[t.headers.iter().position(|h| h == name).unwrap()];
        assert_eq!(cell("检查结果"), &Value::from("发现隐患"));
        assert_eq!(cell("发现问题"), &Value::from("发现隐患：消防通道堵塞"));
        assert_eq!(cell("类别"), &Value::from(kind_label(site.kind)));
        assert!(t.title.contains("台账"), "{}", t.title);
        let cell_shown = cell("网格");
        assert!(
            !sample
                .cells
                .iter()
                .any(|c| &Value::from(c.id.as_str()) == cell_shown),
            "{cell_shown:?} is a code"
        );
    }
}
