//! `gridpatrol calendar`: the working days, public holidays and 调休 make-up days the
//! workspace counts with — show a year, or add next year's State Council notice.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand};
use gridpatrol::store::CalendarFile;

use crate::workspace::WorkspaceArg;

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// List a year's holidays and make-up working days, with the notices they come from.
    Show(CalendarShowArgs),
    /// Add a calendar file (the format of data/calendar/cn-holidays.toml): its years
    /// replace the same years of the built-in schedules in this workspace.
    Add(CalendarAddArgs),
}

#[derive(Args, Debug)]
pub struct CalendarShowArgs {
    /// The year (default: the latest the calendar covers).
    #[arg(long)]
    pub year: Option<i32>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct CalendarAddArgs {
    /// The calendar file (TOML).
    pub file: PathBuf,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol calendar …`.
pub fn run(command: CalendarCommand) -> Result<()> {
    match command {
        CalendarCommand::Show(args) => show(args),
        CalendarCommand::Add(args) => add(args),
    }
}

fn show(args: CalendarShowArgs) -> Result<()> {
    let calendar = args.ws.open()?.calendar()?;
    let years: Vec<i32> = calendar.years().collect();
    let year = args
        .year
        .or(years.last().copied())
        .context("the calendar covers no year")?;
    if !years.contains(&year) {
        anyhow::bail!(
            "the calendar does not cover {year} (it covers {}–{}): add its notice with `gridpatrol calendar add FILE`",
            years.first().unwrap_or(&0),
            years.last().unwrap_or(&0)
        );
    }
    for source in calendar.sources(year) {
        out!("{}  {}", source.title, source.url);
    }
    // The notice's dates may start in the December before (2008's 元旦 did).
    let first = NaiveDate::from_ymd_opt(year - 1, 12, 1).context("year out of range")?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).context("year out of range")?;
    for date in first.iter_days().take_while(|d| *d <= last) {
        if let Some(name) = calendar.holiday_name(date) {
            if date.year() == year || date.month() == 12 {
                out!("{date} {}  放假 {name}", weekday_zh(date));
            }
        } else if calendar.is_make_up_working_day(date) {
            out!("{date} {}  调休上班", weekday_zh(date));
        }
    }
    Ok(())
}

fn weekday_zh(date: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [date.weekday().num_days_from_monday() as usize]
}

fn add(args: CalendarAddArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let origin = args.file.display().to_string();
    let mut ws = args.ws.open()?;
    let calendar = ws.add_calendar_file(CalendarFile { origin, text })?;
    let years: Vec<i32> = calendar.years().collect();
    out!(
        "calendar now covers {}–{} ({} years)",
        years.first().unwrap_or(&0),
        years.last().unwrap_or(&0),
        years.len()
    );
    Ok(())
}
