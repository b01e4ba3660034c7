//! `gridpatrol export whitelist|blacklist|LAYER --out FILE`, and the atomic file writer
//! every command uses.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use gridpatrol::coverage::layers;
use gridpatrol::coverage::report::{list_report, List};
use gridpatrol::formats::geojson as gj;

use crate::workspace::WorkspaceArg;

/// Writes `bytes` to `path` through a temporary file renamed into place, so a reader
/// never sees half a file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("writing in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    Whitelist,
    Blacklist,
    Institutions,
    Schools,
    Cells,
    Hotspots,
    Depots,
    Coverage,
    Inspections,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    pub what: What,
    /// The output: .csv/.xlsx for the lists, .geojson for layers.
    #[arg(long)]
    pub out: PathBuf,
    /// Window start for `coverage`/`inspections` (default: the rules' `map.window_days`,
    /// 30, before --to).
    #[arg(long)]
    pub from: Option<String>,
    /// Window end (default: today).
    #[arg(long)]
    pub to: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol export`.
pub fn export(args: ExportArgs) -> Result<()> {
    let ws = args.ws.open()?;
    let to = match &args.to {
        Some(d) => crate::coverage::day(d, "--to")?,
        None => ws.today()?,
    };
    let from = match &args.from {
        Some(d) => crate::coverage::day(d, "--from")?,
        None => ws.rules()?.map.window_ending(to).0,
    };
    if matches!(args.what, What::Whitelist | What::Blacklist) {
        let list = if args.what == What::Whitelist {
            List::White
        } else {
            List::Black
        };
        let table = list_report(&ws, list, to)?;
        crate::ledger::write_table(&args.out, &table)?;
        out!(
            "{}: {} sites written to {}",
            table.title,
            table.rows.len(),
            args.out.display()
        );
        return Ok(());
    }
    let ext = args
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext != "geojson" && ext != "json" {
        bail!(
            "{}: layers are exported as GeoJSON (.geojson)",
            args.out.display()
        );
    }
    let fc = match args.what {
        What::Institutions => gj::write(&ws.institutions()?),
        What::Schools => gj::write(&ws.schools()?),
        What::Cells => gj::write(&ws.cells()?),
        What::Depots => gj::write(&ws.depots()?),
        What::Hotspots => {
            let rule = ws.rules()?.hotspots;
            let scores = gridpatrol::coverage::hotspots::hotspots_from_store(&ws, to, &rule)?;
            serde_json::to_value(gridpatrol::api::layers::hotspots(&ws.hotspots()?, &scores))?
        }
        What::Coverage => {
            let figures = gridpatrol::coverage::coverage::coverage_from_store(&ws, from, to)?;
            layers::coverage(&ws.cells()?, &figures)
        }
        What::Inspections => {
            let items = ws.inspections(
                from.and_hms_opt(0, 0, 0),
                to.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
            )?;
            layers::inspections(&items, &ws.institutions()?)
        }
        What::Whitelist | What::Blacklist => unreachable!("handled above"),
    };
    let bytes = gj::to_bytes(&fc);
    write_file(&args.out, &bytes)?;
    out!("{:?} written to {}", args.what, args.out.display());
    Ok(())
}
