//! `gridpatrol draw` (双随机: draw, log, publish) and `gridpatrol draw verify`.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use gridpatrol::coverage::draw::{canonical_json, draw, verify_chain, Draw, Stratify};
use gridpatrol::coverage::draw_candidates::draw_candidates;
use gridpatrol::coverage::report::{Table, Value};

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
    /// Check the draw log's hash chain and re-derive every draw from its seed.
    Verify {
        #[command(flatten)]
        ws: WorkspaceArg,
    },
}

/// `gridpatrol draw ...`.
pub fn run(args: DrawArgs) -> Result<()> {
    if let Some(DrawAction::Verify { ws }) = args.action {
        return verify(ws);
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
    let at = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let d = draw(seed, k, by, &candidates, &args.inspectors, &at)?;
    let entry = ws.draw_append(&canonical_json(&d))?;
    let names: std::collections::HashMap<&str, &str> = sites
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    if let Some(out) = &args.csv {
        write_file(
            out,
            &gridpatrol::formats::table::to_csv(&publish_table(
                &d,
                entry.seq,
                &entry.hash,
                &names,
            ))?,
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
            "draw {} (seed {:?}, {} of {} candidates, by {:?}); hash {}",
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

fn publish_table(
    d: &Draw,
    seq: i64,
    hash: &str,
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
    ];
    let rows = d
        .picks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Value::Number(seq as f64),
                Value::Number(i as f64 + 1.0),
                p.site_id.clone().into(),
                names.get(p.site_id.as_str()).map(|s| s.to_string()).into(),
                p.stratum.clone().into(),
                p.inspector.clone().into(),
                d.seed.clone().into(),
                d.at.clone().into(),
                hash.to_string().into(),
            ]
        })
        .collect();
    Table {
        name: "双随机 draw".into(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

fn verify(ws: WorkspaceArg) -> Result<()> {
    let ws = ws.open()?;
    let log = ws.draw_log()?;
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
    match verify_chain(&entries) {
        Ok(last) => {
            out!("ok: {} draws, chain intact, last hash {last}", log.len());
            Ok(())
        }
        Err(problem) => bail!("draw log damaged: {problem}"),
    }
}
