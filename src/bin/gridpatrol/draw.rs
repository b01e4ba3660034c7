//! `gridpatrol draw` (双随机: draw, log, publish) and `gridpatrol draw verify`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use gridpatrol::coverage::draw::{
    canonical_json, draw, verify_against_head, verify_chain, Draw, Stratify,
};
use gridpatrol::coverage::draw_candidates::draw_candidates;
use gridpatrol::coverage::report::{Table, Value};
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
    /// Write the publishable result (一公开) as CSV.
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
        None => {}
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
    let sites = ws.institutions()?;
    let at = ws.now()?.format("%Y-%m-%dT%H:%M:%S").to_string();
    let d = draw(seed, k, by, &candidates, &args.inspectors, &at)?;
    let entry = ws.draw_append(&canonical_json(&d))?;
    let names: std::collections::HashMap<&str, &str> = sites
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    if let Some(out) = &args.csv {
        write_file(
            out,
            &gridpatrol::formats::table::to_csv(&publish_table(&d, &entry, &names))?,
        )?;
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

/// The publishable result: each pick with the seed, the time, and the log's head after
/// this draw (`hash`) and before it (`prev_hash`, the head published with the draw before).
fn publish_table(
    d: &Draw,
    entry: &DrawLogEntry,
    names: &std::collections::HashMap<&str, &str>,
) -> Table {
    let headers = [
        "抽查批次 draw_seq",
        "序号 n",
        "机构编号 site_id",
        "机构名称 site_name",
        "分层 stratum",
        "检查人员 inspector",
        "随机种子 seed",
        "抽取时间 drawn_at",
        "记录哈希 hash",
        "上一记录哈希 prev_hash",
    ];
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
                p.stratum.clone().into(),
                p.inspector.clone().into(),
                d.seed.clone().into(),
                d.at.clone().into(),
                entry.hash.clone().into(),
                entry.prev_hash.clone().into(),
            ]
        })
        .collect();
    Table {
        name: "双随机 draw".into(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows,
    }
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
