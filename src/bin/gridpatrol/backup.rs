//! `gridpatrol backup` (a consistent copy of a live workspace) and `gridpatrol restore`
//! (checked before it replaces the workspace).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use gridpatrol::store::{restore as restore_file, BackupSummary, Workspace};

use crate::workspace::WorkspaceArg;

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// Where to write the backup (replaced whole, never half-written).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup to restore (made by `gridpatrol backup`).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol backup --out FILE`: safe while `gridpatrol serve` writes.
pub fn backup(args: BackupArgs) -> Result<()> {
    let path = &args.ws.workspace;
    let ws =
        Workspace::open_existing(path).with_context(|| format!("opening {}", path.display()))?;
    let summary = ws
        .backup_to(&args.out)
        .with_context(|| format!("backing up {} to {}", path.display(), args.out.display()))?;
    print_summary("backup", &args.out, &summary)
}

/// `gridpatrol restore --from FILE`: refuses a damaged or foreign file, leaving the
/// workspace as it was.
pub fn restore(args: RestoreArgs) -> Result<()> {
    let path = &args.ws.workspace;
    let summary = restore_file(path, &args.from).with_context(|| {
        format!(
            "restoring {} from {} (the workspace is unchanged)",
            path.display(),
            args.from.display()
        )
    })?;
    print_summary("restored", path, &summary)
}

fn print_summary(what: &str, path: &std::path::Path, s: &BackupSummary) -> Result<()> {
    out!(
        "{what} {}: schema version {}, {} sites, {} inspections, {} draws; integrity check ok",
        path.display(),
        s.schema_version,
        s.sites,
        s.inspections,
        s.draws
    );
    Ok(())
}
