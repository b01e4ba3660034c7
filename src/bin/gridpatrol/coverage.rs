//! `gridpatrol coverage` (per-cell table and choropleth GeoJSON) and `gridpatrol hotspots`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::Args;
use gridpatrol::coverage::coverage::coverage_from_store;
use gridpatrol::coverage::hotspots::hotspots_from_store;

use crate::export::write_file;
use crate::workspace::WorkspaceArg;

pub fn day(text: &str, flag: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("{flag} {text:?} is not a date YYYY-MM-DD"))
}

#[derive(Args, Debug)]
pub struct CoverageArgs {
    /// First day of the campaign window (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Last day of the window, inclusive.
    #[arg(long)]
    pub to: String,
    /// Also write the cells with their figures as GeoJSON.
    #[arg(long, value_name = "OUT")]
    pub geojson: Option<PathBuf>,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol coverage`.
pub fn coverage(args: CoverageArgs) -> Result<()> {
    let (from, to) = (day(&args.from, "--from")?, day(&args.to, "--to")?);
    anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    let ws = args.ws.open()?;
    let figures = coverage_from_store(&ws, from, to)?;
    if let Some(out) = &args.geojson {
        write_file(
            out,
            &gridpatrol::formats::geojson::to_bytes(&gridpatrol::coverage::layers::coverage(
                &ws.cells()?,
                &figures,
            )),
        )?;
    }
    if args.json {
        out!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"from": from, "to": to, "cells": figures})
            )?
        );
        return Ok(());
    }
    out!("coverage {from} .. {to}");
    out!(
        "{:<10} {:>6} {:>6} {:>7} {:>8} {:>9} {:>9} {:>7} {:>8}  last activity",
        "cell",
        "sites",
        "insp",
        "insp%",
        "overdue",
        "street_m",
        "swept_m",
        "swept%",
        "night"
    );
    for c in &figures {
        out!(
            "{:<10} {:>6} {:>6} {:>7} {:>8} {:>9.0} {:>9.0} {:>7} {:>5}/{:<2}  {}",
            c.cell_id,
            c.sites_total,
            c.sites_inspected,
            pct_text(c.sites_total > 0, c.inspected_pct),
            c.sites_overdue,
            c.street_m,
            c.swept_m,
            pct_text(c.street_m > 0.0, c.swept_pct),
            c.hotspots_checked_night,
            c.hotspots_total,
            c.last_activity
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "-".into())
        );
    }
    Ok(())
}

/// A percentage to one decimal, or "—" where it has no meaning (0 of 0).
fn pct_text(defined: bool, pct: f64) -> String {
    if defined {
        format!("{pct:.1}")
    } else {
        gridpatrol::coverage::report::NO_SHARE.to_string()
    }
}

/// `x` with a negative zero made positive, so that tables never print "-0".
fn unsigned_zero(x: f64) -> f64 {
    x + 0.0
}

#[derive(Args, Debug)]
pub struct HotspotsArgs {
    /// The day to score for (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Print JSON with every score's components.
    #[arg(long)]
    pub json: bool,
    /// Only the hotspots flagged for a night check.
    #[arg(long)]
    pub flagged: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol hotspots`.
pub fn hotspots(args: HotspotsArgs) -> Result<()> {
    let ws = args.ws.open()?;
    let date = match &args.date {
        Some(d) => day(d, "--date")?,
        None => ws.today()?,
    };
    let rule = ws.rules()?.hotspots;
    let mut scores = hotspots_from_store(&ws, date, &rule)?;
    if args.flagged {
        scores.retain(|s| s.needs_night_check);
    }
    if args.json {
        out!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"date": date, "rule": rule, "hotspots": scores})
            )?
        );
        return Ok(());
    }
    out!("{:<12} {:>6} {:>5}  {:<24} parts (unlicensed + complaints + findings + schools + days since night check)", "hotspot", "score", "flag", "name");
    for s in &scores {
        let c = &s.components;
        out!(
            "{:<12} {:>6.1} {:>5}  {:<24} {} + {} + {} + {} + {}",
            s.hotspot_id,
            unsigned_zero(s.score),
            if s.needs_night_check { "夜查" } else { "" },
            s.name,
            unsigned_zero(c.unlicensed_nearby.points),
            unsigned_zero(c.complaints_nearby.points),
            unsigned_zero(c.past_findings.points),
            unsigned_zero(c.schools_nearby.points),
            unsigned_zero(c.since_night_check.points)
        );
    }
    Ok(())
}
