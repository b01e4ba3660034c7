//! `gridpatrol draw` (双随机: draw, log, publish) and `gridpatrol draw verify`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use gridpatrol::coverage::draw::{
    canonical_json, draw, verify_against_head, verify_chain, Stratify,
};
use gridpatrol::coverage::draw_candidates::{draw_candidates, draw_from_registers};
use gridpatrol::coverage::report::draw_report;
use gridpatrol::store::DrawLogEntry;

use crate::export::write_file;
use crate::workspace::WorkspaceArg;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ByArg {
    Cell,
    Kind,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DrawArgs {
    #[command(subcommand)]
    pub action: Option<DrawAction>,
    /// How many targets to draw.
    #[arg(long)]
    pub k: Option<usize>,
    /// The published seed text (e.g. the date and a lottery number).
    #[arg(long)]
    pub seed: Option<String>,
    /// Stratify proportionally by cell or by kind.
    #[arg(long, value_enum, default_value = "cell")]
    pub by: ByArg,
    /// Inspectors to pair with the targets, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub inspectors: Vec<String>,
    /// Draw from the registers instead: every risk tier at its ratio from the rules,
    /// at least two officers per target from `gridpatrol officer`, none recused.
    #[arg(long, conflicts_with_all = ["k", "inspectors", "by"])]
    pub register: bool,
    /// Write the publishable result (一公开) as CSV (or xlsx, by the extension).
    #[arg(long, value_name = "OUT")]
    pub csv: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Subcommand, Debug)]
pub enum DrawAction {
    /// Check the draw log's hash chain (numbered without gaps, times in order) and
    /// re-derive every draw from its seed; with --head, also that the log holds the
    /// published head unchanged.
    Verify {
        /// A head (hash) published with a draw's result: every draw up to it must be in
        /// the log as it was.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
        /// Check this published log file (from `draw log --out`) instead of a workspace.
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
        #[command(flatten)]
        ws: WorkspaceArg,
    },
    /// Write a logged draw's publishable result (一公开) as CSV or xlsx, the file the
    /// page's draw panel downloads.
    Publish {
        /// The draw's number in the log.
        #[arg(long)]
        seq: i64,
        /// FILE.csv (UTF-8 with BOM) or FILE.xlsx.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        ws: WorkspaceArg,
    },
    /// Write the whole draw log as JSON lines, for publishing beside the results.
    Log {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        ws: WorkspaceArg,
    },
}

/// `gridpatrol draw ...`.
pub fn run(args: DrawArgs) -> Result<()> {
    match args.action {
        Some(DrawAction::Verify { head, log, ws }) => return verify(ws, log, head),
        Some(DrawAction::Log { out, ws }) => return write_log(ws, &out),
        Some(DrawAction::Publish { seq, out, ws }) => {
            let table = draw_report(&ws.open()?, seq)?;
            crate::ledger::write_table(&out, &table)?;
            out!(
                "{}: {} targets written to {}",
                table.title,
                table.rows.len(),
                out.display()
            );
            return Ok(());
        }
        None => {}
    }
    if args.register {
        return register(args);
    }
    let (Some(k), Some(seed)) = (args.k, args.seed.as_deref()) else {
        bail!("--k and --seed are needed (or `gridpatrol draw verify`)");
    };
    let mut ws = args.ws.open()?;
    let by = match args.by {
        ByArg::Cell => Stratify::Cell,
        ByArg::Kind => Stratify::Kind,
    };
    let candidates = draw_candidates(&ws, by)?;
    let at = ws.now()?.format("%Y-%m-%dT%H:%M:%S").to_string();
    let d = draw(seed, k, by, &candidates, &args.inspectors, &at)?;
    let entry = ws.draw_append(&canonical_json(&d))?;
    if let Some(out) = &args.csv {
        crate::ledger::write_table(out, &draw_report(&ws, entry.seq)?)?;
    }
    if args.json {
        out!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"seq": entry.seq, "hash": entry.hash, "prev_hash": entry.prev_hash, "draw": d})
            )?
        );
    } else {
        out!(
            "draw {} (seed {:?}, {} of {} candidates, by {:?}); hash {} (the log's head: publish it with the result)",
            entry.seq,
            seed,
            k,
            d.candidates.len(),
            by,
            entry.hash
        );
        for p in &d.picks {
            out!(
                "  {:<12} {:<10} {}",
                p.site_id,
                p.stratum,
                p.inspector.as_deref().unwrap_or("-")
            );
        }
    }
    Ok(())
}

/// `gridpatrol draw --register --seed S`.
fn register(args: DrawArgs) -> Result<()> {
    let Some(seed) = args.seed.as_deref() else {
        bail!("--seed is needed: publish the seed before drawing");
    };
    let mut ws = args.ws.open()?;
    let (d, entry) = draw_from_registers(&mut ws, seed)?;
    if let Some(out) = &args.csv {
        crate::ledger::write_table(out, &draw_report(&ws, entry.seq)?)?;
    }
    if args.json {
        out!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"seq": entry.seq, "hash": entry.hash, "prev_hash": entry.prev_hash, "draw": d})
            )?
        );
        return Ok(());
    }
    out!(
        "draw {} from the registers (seed {:?}, {} targets of {} sites, {} officers); publish by {}; hash {}",
        entry.seq,
        seed,
        d.picks.len(),
        d.candidates.len(),
        d.inspectors.len(),
        d.publish_by.map(|p| p.to_string()).unwrap_or_default(),
        entry.hash
    );
    for p in &d.picks {
        out!(
            "  {:<12} {:<10} {}",
            p.site_id,
            p.stratum,
            p.officers.join(",")
        );
    }
    Ok(())
}

/// `draw verify [--head HASH] [--log FILE]`.
fn verify(ws: WorkspaceArg, log_file: Option<PathBuf>, head: Option<String>) -> Result<()> {
    let log = match &log_file {
        Some(path) => read_log(path)?,
        None => ws.open()?.draw_log()?,
    };
    let entries: Vec<_> = log
        .iter()
        .map(|e| {
            (
                e.seq,
                e.body.as_str(),
                e.prev_hash.as_str(),
                e.hash.as_str(),
            )
        })
        .collect();
    let Some(head) = head else {
        match verify_chain(&entries) {
            Ok(last) => {
                out!("ok: {} draws, chain intact, last hash {last}", log.len());
                return Ok(());
            }
            Err(problem) => bail!("draw log damaged: {problem}"),
        }
    };
    match verify_against_head(&entries, &head) {
        Ok(found) => {
            out!(
                "ok: {} draws, chain intact; the published head is draw {}, unchanged with every draw before it; {} draws since; last hash {}",
                log.len(),
                found.seq,
                found.later,
                found.last_hash
            );
            Ok(())
        }
        Err(problem) => bail!("draw log does not match: {problem}"),
    }
}

/// `draw log --out FILE`: one JSON object a line (seq, body, prev_hash, hash).
fn write_log(ws: WorkspaceArg, out: &std::path::Path) -> Result<()> {
    let log = ws.open()?.draw_log()?;
    let mut text = String::new();
    for e in &log {
        text.push_str(&serde_json::to_string(e)?);
        text.push('\n');
    }
    write_file(out, text.as_bytes())?;
    out!("{} draws written to {}", log.len(), out.display());
    Ok(())
}

fn read_log(path: &std::path::Path) -> Result<Vec<DrawLogEntry>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{} line {}: not a draw log entry", path.display(), i + 1))
        })
        .collect()
}
