//! `gridpatrol tipoff`: the 举报 register — receive a tip-off, list it (overdue first),
//! take it through assign → handle → verify → answer → close, export it.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use gridpatrol::crs::Crs;
use gridpatrol::model::tipoff::{TipOffSource, TipOffStatus, TipOffVerdict};
use gridpatrol::store::{TipOff, TipOffChange, TipOffFilter, TipOffInput, Workspace};

use crate::coverage::day;
use crate::workspace::WorkspaceArg;

#[derive(Subcommand, Debug)]
pub enum TipOffCommand {
    /// Receive a tip-off: linked to a site (--site) or placed on the map (--lon --lat).
    Add(AddArgs),
    /// List tip-offs, overdue first (default: the open ones).
    List(ListArgs),
    /// Assign a tip-off to a team (交办).
    Assign(AssignArgs),
    /// Link the inspection that checked a tip-off (核查).
    Handle(HandleArgs),
    /// Record what the check found of the complaint (核实).
    Verify(VerifyArgs),
    /// Record the answer given to the complainant (答复).
    Answer(AnswerArgs),
    /// Close an answered tip-off (办结).
    Close(CloseArgs),
    /// Write the register as CSV or xlsx (Chinese headers, no complainant).
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// Where it came in: hotline_12345 (12345热线), phone (电话), letter (来信), online
    /// (网络), superior (上级交办); the Chinese names work too.
    #[arg(long)]
    pub source: String,
    /// What is complained of.
    #[arg(long)]
    pub summary: String,
    /// Where, as the complainant said it.
    #[arg(long)]
    pub place: Option<String>,
    /// When it was received (YYYY-MM-DD HH:MM; default now).
    #[arg(long, value_name = "TIME")]
    pub received: Option<String>,
    /// The site it concerns.
    #[arg(long)]
    pub site: Option<String>,
    /// Longitude, when no site is known.
    #[arg(long, requires = "lat", allow_hyphen_values = true)]
    pub lon: Option<f64>,
    /// Latitude, when no site is known.
    #[arg(long, requires = "lon", allow_hyphen_values = true)]
    pub lat: Option<f64>,
    /// The coordinates' system: wgs84 (default), gcj02 (高德/腾讯) or bd09 (百度).
    #[arg(long, default_value = "wgs84")]
    pub crs: String,
    /// The complainant's name (kept private).
    #[arg(long)]
    pub name: Option<String>,
    /// The complainant's phone or address (kept private).
    #[arg(long)]
    pub contact: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// open (default), all, or one status: received, assigned, handled, verified,
    /// answered, closed.
    #[arg(long, default_value = "open")]
    pub status: String,
    /// Only the overdue ones.
    #[arg(long)]
    pub overdue: bool,
    /// Only this site's.
    #[arg(long)]
    pub site: Option<String>,
    /// Print JSON instead of the table (without the complainant).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct AssignArgs {
    /// The tip-off's number.
    pub id: i64,
    /// The team.
    #[arg(long)]
    pub team: String,
    /// Another deadline than the rules' (YYYY-MM-DD).
    #[arg(long)]
    pub due: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct HandleArgs {
    /// The tip-off's number.
    pub id: i64,
    /// The inspection that checked it.
    #[arg(long)]
    pub inspection: i64,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The tip-off's number.
    pub id: i64,
    /// substantiated (属实), partly_substantiated (部分属实), unsubstantiated (不属实).
    #[arg(long)]
    pub verdict: String,
    /// The lead's note.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct AnswerArgs {
    /// The tip-off's number.
    pub id: i64,
    /// What was answered.
    #[arg(long)]
    pub text: String,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct CloseArgs {
    /// The tip-off's number.
    pub id: i64,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The file to write: .csv or .xlsx.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol tipoff …`.
pub fn run(command: TipOffCommand) -> Result<()> {
    match command {
        TipOffCommand::Add(args) => add(args),
        TipOffCommand::List(args) => list(args),
        TipOffCommand::Assign(a) => {
            let due = a.due.as_deref().map(|d| day(d, "--due")).transpose()?;
            let change = TipOffChange::Assign { team: a.team, due };
            step(&a.ws, a.id, &change)
        }
        TipOffCommand::Handle(a) => step(
            &a.ws,
            a.id,
            &TipOffChange::Handle {
                inspection_id: a.inspection,
            },
        ),
        TipOffCommand::Verify(a) => {
            let Some(verdict) = TipOffVerdict::parse(&a.verdict) else {
                bail!(
                    "--verdict {:?}: expected substantiated, partly_substantiated or unsubstantiated (属实/部分属实/不属实)",
                    a.verdict
                );
            };
            step(
                &a.ws,
                a.id,
                &TipOffChange::Verify {
                    verdict,
                    note: a.note,
                },
            )
        }
        TipOffCommand::Answer(a) => step(&a.ws, a.id, &TipOffChange::Answer { answer: a.text }),
        TipOffCommand::Close(a) => step(&a.ws, a.id, &TipOffChange::Close),
        TipOffCommand::Export(a) => {
            let ws = a.ws.open()?;
            let all = ws.tip_offs(&TipOffFilter::default())?;
            let context = gridpatrol::coverage::report::ReportContext::of_workspace(&ws)?;
            let title = context.title("举报登记表", &format!("截至{}", ws.today()?));
            crate::ledger::write_table(&a.out, &gridpatrol::store::tip_off_table(&all, title))?;
            out!("{} tip-offs written to {}", all.len(), a.out.display());
            Ok(())
        }
    }
}

fn add(args: AddArgs) -> Result<()> {
    let Some(source) = TipOffSource::parse(&args.source) else {
        bail!(
            "--source {:?}: expected hotline_12345, phone, letter, online or superior (12345热线/电话/来信/网络/上级交办)",
            args.source
        );
    };
    let crs = Crs::from_str(&args.crs).context("--crs")?;
    let position = args
        .lon
        .zip(args.lat)
        .map(|(lon, lat)| crs.to_wgs84(lon, lat));
    let mut ws = args.ws.open()?;
    let received_at = match args.received.as_deref() {
        Some(text) => gridpatrol::store::parse_when(text)
            .with_context(|| format!("--received {text:?} is not a time YYYY-MM-DD HH:MM"))?,
        None => ws.now()?,
    };
    let tip = ws.receive_tip_off(&TipOffInput {
        source,
        summary: args.summary,
        place: args.place,
        received_at,
        complainant_name: args.name,
        complainant_contact: args.contact,
        site_id: args.site,
        position,
    })?;
    out!("举报 #{} 已受理 (received), due {}", tip.id, tip.due);
    Ok(())
}

fn step(ws: &WorkspaceArg, id: i64, change: &TipOffChange) -> Result<()> {
    let mut ws: Workspace = ws.open()?;
    let tip = ws
        .change_tip_off(id, change)
        .with_context(|| format!("tip-off {id}"))?;
    out!(
        "举报 #{}: {} ({})",
        tip.id,
        tip.status.label_zh(),
        tip.status.as_str()
    );
    Ok(())
}

fn list(args: ListArgs) -> Result<()> {
    let (status, open_only) = match args.status.as_str() {
        "open" => (None, true),
        "all" => (None, false),
        other => match TipOffStatus::parse(other) {
            Some(s) => (Some(s), false),
            None => bail!(
                "--status {other:?}: expected open, all, received, assigned, handled, verified, answered or closed"
            ),
        },
    };
    let ws = args.ws.open()?;
    let list = ws.tip_offs(&TipOffFilter {
        status,
        open_only,
        overdue: args.overdue.then_some(true),
        site_id: args.site.clone(),
        team_id: None,
    })?;
    if args.json {
        let public: Vec<TipOff> = list
            .into_iter()
            .map(|t| TipOff {
                complainant_name: None,
                complainant_contact: None,
                ..t
            })
            .collect();
        out!("{}", serde_json::to_string_pretty(&public)?);
        return Ok(());
    }
    if list.is_empty() {
        out!("没有举报 (no tip-offs)");
    }
    for t in &list {
        let flag = if t.overdue { "逾期 OVERDUE" } else { "" };
        let site = t.site_id.as_deref().unwrap_or("-");
        let team = t.team_id.as_deref().unwrap_or("-");
        out!(
            "#{}\t{}\t{}\t{site}\tteam {team}\tdue {}\t{flag}\t{}",
            t.id,
            t.source.label_zh(),
            t.status.label_zh(),
            t.due,
            t.summary
        );
    }
    Ok(())
}
