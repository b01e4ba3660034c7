//! `gridpatrol inspect` (one inspection, or a batch on standard input acknowledged line
//! by line) and `gridpatrol record-track` (a GPX track or a completed route's GeoJSON).

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use gridpatrol::formats::track::read_track_file_in;
use gridpatrol::store::{InspectionInput, InspectionResult, Workspace};

use crate::workspace::WorkspaceArg;

/// What the inspectors found.
#[derive(ValueEnum, Clone, Copy, Debug)]
#[value(rename_all = "snake_case")]
pub enum ResultArg {
    Compliant,
    Hazard,
    UnlicensedOperation,
    Closed,
    NotFound,
}

impl From<ResultArg> for InspectionResult {
    fn from(r: ResultArg) -> Self {
        match r {
            ResultArg::Compliant => InspectionResult::Compliant,
            ResultArg::Hazard => InspectionResult::Hazard,
            ResultArg::UnlicensedOperation => InspectionResult::UnlicensedOperation,
            ResultArg::Closed => InspectionResult::Closed,
            ResultArg::NotFound => InspectionResult::NotFound,
        }
    }
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The site (institution) id; a hotspot id records a night check (夜查).
    #[arg(required_unless_present = "stdin_batch")]
    pub site: Option<String>,
    /// When: `2025-03-01T19:30`, `2025-03-01 19:30` or RFC 3339.
    #[arg(long, required_unless_present = "stdin_batch")]
    pub at: Option<String>,
    /// The team (检查组) id; created on first use.
    #[arg(long, required_unless_present = "stdin_batch")]
    pub team: Option<String>,
    #[arg(long, value_enum, required_unless_present = "stdin_batch")]
    pub result: Option<ResultArg>,
    #[arg(long)]
    pub notes: Option<String>,
    /// 整改 due date (YYYY-MM-DD) for a hazard.
    #[arg(long, value_name = "DATE")]
    pub rectify_by: Option<String>,
    /// Order the site closed (关停).
    #[arg(long)]
    pub close: bool,
    /// Schedule a 回头看 this many days later.
    #[arg(long, value_name = "N")]
    pub lookback_days: Option<u32>,
    /// Print the stored record as JSON.
    #[arg(long)]
    pub json: bool,
    /// Read inspections as JSON lines on standard input, one transaction each, and print
    /// `ack <line> <id>` after each commit (field devices, tests).
    #[arg(long, hide = true)]
    pub stdin_batch: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// One line of `--stdin-batch`.
#[derive(serde::Deserialize)]
struct BatchLine {
    site: String,
    at: String,
    team: String,
    result: InspectionResult,
    notes: Option<String>,
    rectify_by: Option<NaiveDate>,
    #[serde(default)]
    close: bool,
    lookback_days: Option<u32>,
}

fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("--rectify-by {text:?} is not YYYY-MM-DD"))
}

/// `gridpatrol inspect`.
pub fn inspect(args: InspectArgs) -> Result<()> {
    let mut ws = args.ws.open()?;
    if args.stdin_batch {
        return batch(&mut ws);
    }
    let (Some(site), Some(at), Some(team), Some(result)) =
        (args.site, args.at, args.team, args.result)
    else {
        bail!("SITE, --at, --team and --result are needed");
    };
    let at = ws
        .time_zone()?
        .parse_instant(&at)
        .with_context(|| format!("--at {at:?} is not a time such as 2025-03-01T19:30"))?;
    let input = InspectionInput {
        site_id: site.clone(),
        at,
        team_id: team.clone(),
        result: result.into(),
        notes: args.notes.clone(),
        rectify_by: args.rectify_by.as_deref().map(date).transpose()?,
        close: args.close,
        lookback_days: args.lookback_days,
        evidence: None,
    };
    if !ws.is_site(&site)? && ws.is_hotspot(&site)? {
        let n = ws.record_night_check(&site, at, &team, input.result, args.notes.as_deref())?;
        if args.json {
            out!("{}", serde_json::to_string_pretty(&n)?);
        } else {
            out!(
                "night check {} recorded: hotspot {} {} {}",
                n.id,
                n.hotspot_id,
                n.at,
                n.result.as_str()
            );
        }
        return Ok(());
    }
    let rec = ws.record_inspection(&input)?;
    let follow: Vec<_> = ws
        .follow_ups(Some(&site))?
        .into_iter()
        .filter(|f| f.inspection_id == rec.id)
        .collect();
    if args.json {
        out!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"inspection": rec, "follow_ups": follow})
            )?
        );
    } else {
        out!(
            "inspection {} recorded: {} {} {} ({})",
            rec.id,
            rec.site_id,
            rec.at,
            rec.result.as_str(),
            rec.result.label_zh()
        );
        for f in follow {
            out!(
                "  follow-up {:?} due {}",
                f.kind,
                f.due.map(|d| d.to_string()).unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn batch(ws: &mut Workspace) -> Result<()> {
    let zone = ws.time_zone()?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let b: BatchLine =
            serde_json::from_str(&line).with_context(|| format!("stdin line {}", n + 1))?;
        let at = zone
            .parse_instant(&b.at)
            .with_context(|| format!("stdin line {}: bad at {:?}", n + 1, b.at))?;
        let rec = ws.record_inspection(&InspectionInput {
            site_id: b.site,
            at,
            team_id: b.team,
            result: b.result,
            notes: b.notes,
            rectify_by: b.rectify_by,
            close: b.close,
            lookback_days: b.lookback_days,
            evidence: None,
        })?;
        // Acknowledge only after the commit returned.
        writeln!(out, "ack {} {}", n + 1, rec.id)?;
        out.flush()?;
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct RecordTrackArgs {
    /// A GPX file, or a GeoJSON file of LineStrings (a completed planned route).
    pub file: PathBuf,
    /// The team that walked it.
    #[arg(long)]
    pub team: String,
    /// When (default: the GPX's first point time).
    #[arg(long)]
    pub at: Option<String>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol record-track`: the whole file is checked first, then every line is
/// recorded in one transaction (a bad line stores nothing).
pub fn record_track(args: RecordTrackArgs) -> Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let mut ws = args.ws.open()?;
    let zone = ws.time_zone()?;
    let file = read_track_file_in(&bytes, &name, ws.extent()?, &zone)?;
    let at = match &args.at {
        Some(text) => zone
            .parse_instant(text)
            .with_context(|| format!("--at {text:?} is not a time (e.g. 2025-03-01T09:30)"))?,
        None => file
            .start
            .with_context(|| format!("{name}: the file carries no time; give --at"))?,
    };
    let is_gpx = name.to_ascii_lowercase().ends_with(".gpx");
    let source = format!(
        "{}:{}",
        if is_gpx { "gpx" } else { "route" },
        args.file
            .file_name()
            .map(|f| f.to_string_lossy())
            .unwrap_or_default()
    );
    let lines: Vec<Vec<_>> = file.lines.into_iter().map(|l| l.points).collect();
    let recorded = ws
        .record_tracks(&args.team, at, &source, &lines)
        .with_context(|| format!("{name}: nothing recorded"))?;
    if args.json {
        out!("{}", serde_json::to_string_pretty(&recorded)?);
    } else {
        for t in recorded {
            out!(
                "track {} recorded: {:.0} m walked, {:.0} m of street swept ({} pieces)",
                t.id,
                t.length_m,
                t.swept_m,
                t.swept_segments
            );
        }
    }
    Ok(())
}
