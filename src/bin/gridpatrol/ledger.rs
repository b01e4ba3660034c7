//! `gridpatrol ledger` (台账) and `gridpatrol report weekly|monthly` (per-cell bulletin).

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use gridpatrol::coverage::report::{ledger_report, period_report, period_window, Period, Table};

use crate::coverage::day;
use crate::export::write_file;
use crate::workspace::WorkspaceArg;

#[derive(Args, Debug)]
pub struct LedgerArgs {
    /// First day (inclusive).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (inclusive).
    #[arg(long)]
    pub to: Option<String>,
    /// FILE.csv (UTF-8 with BOM) or FILE.xlsx.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// Writes `table` as CSV or xlsx by the file's extension.
pub fn write_table(out: &Path, table: &Table) -> Result<()> {
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = match ext.as_str() {
        "csv" => gridpatrol::formats::table::to_csv(table)?,
        "xlsx" => gridpatrol::formats::table::to_xlsx(&[table])?,
        _ => bail!("{}: the output must end in .csv or .xlsx", out.display()),
    };
    write_file(out, &bytes)
}

/// `gridpatrol ledger`.
pub fn ledger(args: LedgerArgs) -> Result<()> {
    let from = args.from.as_deref().map(|d| day(d, "--from")).transpose()?;
    let to = args.to.as_deref().map(|d| day(d, "--to")).transpose()?;
    let ws = args.ws.open()?;
    let table = ledger_report(&ws, from, to)?;
    write_table(&args.out, &table)?;
    out!(
        "ledger: {} inspections written to {}",
        table.rows.len(),
        args.out.display()
    );
    Ok(())
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum PeriodArg {
    Weekly,
    Monthly,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    pub period: PeriodArg,
    /// Any day of the week or month to report.
    #[arg(long)]
    pub date: String,
    /// FILE.csv or FILE.xlsx.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol report weekly|monthly`.
pub fn report(args: ReportArgs) -> Result<()> {
    let date = day(&args.date, "--date")?;
    let period = match args.period {
        PeriodArg::Weekly => Period::Weekly,
        PeriodArg::Monthly => Period::Monthly,
    };
    let (from, to) = period_window(period, date);
    let ws = args.ws.open()?;
    let table = period_report(&ws, period, date)?;
    let inspections = ws.inspections(
        from.and_hms_opt(0, 0, 0),
        to.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
    )?;
    let title = table.title.clone();
    write_table(&args.out, &table)?;
    out!(
        "{title}: {} cells, {} inspections, written to {}",
        table.rows.len(),
        inspections.len(),
        args.out.display()
    );
    Ok(())
}
