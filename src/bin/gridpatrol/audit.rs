//! `gridpatrol audit`: who did what (inspections, plans, draws, imports, users), from
//! the workspace's append-only audit log.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use gridpatrol::store::{audit_table, parse_when};

use crate::export::write_file;
use crate::workspace::WorkspaceArg;

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// From this day or time on (`2025-03-01`, `2025-03-01T08:00`).
    #[arg(long)]
    pub from: Option<String>,
    /// Before this day (the whole day included) or time.
    #[arg(long)]
    pub to: Option<String>,
    /// Write the entries as CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol audit [--from --to] [--csv FILE]`.
pub fn audit(args: AuditArgs) -> Result<()> {
    let ws = args.ws.open()?;
    let bound = |flag: &str, text: &Option<String>, end: bool| -> Result<_> {
        let Some(text) = text else { return Ok(None) };
        let t =
            parse_when(text).with_context(|| format!("{flag} {text:?} is not a date or time"))?;
        // A bare date as --to means the whole day.
        let date_only = text.trim().len() == 10;
        Ok(Some(if end && date_only {
            t + chrono::Duration::days(1)
        } else {
            t
        }))
    };
    let entries = ws.audit_log(
        bound("--from", &args.from, false)?,
        bound("--to", &args.to, true)?,
    )?;
    if let Some(out) = &args.csv {
        write_file(
            out,
            &gridpatrol::formats::table::to_csv(&audit_table(&entries))?,
        )?;
        out!("{} entries written to {}", entries.len(), out.display());
        return Ok(());
    }
    for e in &entries {
        out!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.via,
            e.action,
            e.subject,
            e.detail
        );
    }
    Ok(())
}
