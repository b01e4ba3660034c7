//! `gridpatrol pin`: the lead's pins (钉选) — a site kept to a team or a day, must-visit,
//! or left out — which every plan and re-plan honours until removed.

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use gridpatrol::shift::pins::{Pin, PinRule};

use crate::coverage::day;
use crate::workspace::WorkspaceArg;

#[derive(Subcommand, Debug)]
pub enum PinCommand {
    /// Pin a site: exactly one of --team, --day, --must-visit, --exclude.
    Add(PinAddArgs),
    /// List the pins.
    List(PinListArgs),
    /// Remove a site's pin of one kind (--kind) or all its pins.
    Remove(PinRemoveArgs),
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("rule").required(true).args(["team", "day", "must_visit", "exclude"])))]
pub struct PinAddArgs {
    /// The site (institution or hotspot) id.
    pub site: String,
    /// Only this team visits the site.
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// Visit the site on this day (YYYY-MM-DD) and on no other.
    #[arg(long, value_name = "DATE")]
    pub day: Option<String>,
    /// The site must be visited in the shift it is planned for.
    #[arg(long)]
    pub must_visit: bool,
    /// Leave the site out of every plan.
    #[arg(long)]
    pub exclude: bool,
    /// Why, in your words (kept with the pin).
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct PinListArgs {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Args, Debug)]
pub struct PinRemoveArgs {
    /// The site id.
    pub site: String,
    /// Only the pin of this kind: team, day, must_visit or exclude.
    #[arg(long)]
    pub kind: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol pin …`.
pub fn run(command: PinCommand) -> Result<()> {
    match command {
        PinCommand::Add(args) => add(args),
        PinCommand::List(args) => list(args),
        PinCommand::Remove(args) => remove(args),
    }
}

fn add(args: PinAddArgs) -> Result<()> {
    let rule = match (&args.team, &args.day) {
        (Some(team), _) => PinRule::Team { team: team.clone() },
        (_, Some(text)) => PinRule::Day {
            date: day(text, "--day")?,
        },
        _ if args.must_visit => PinRule::MustVisit,
        _ => PinRule::Exclude,
    };
    let pin = Pin {
        site_id: args.site.trim().to_string(),
        rule,
        note: args.note.clone(),
    };
    let mut ws = args.ws.open()?;
    ws.pin_set(&pin)?;
    out!("{}：{}", pin.site_id, pin.rule.describe_zh());
    Ok(())
}

fn list(args: PinListArgs) -> Result<()> {
    let pins = args.ws.open()?.pins()?;
    if args.json {
        out!("{}", serde_json::to_string_pretty(&pins)?);
        return Ok(());
    }
    if pins.is_empty() {
        out!("没有钉选 (no pins)");
    }
    for p in &pins {
        let note = p
            .note
            .as_deref()
            .map(|n| format!("  ({n})"))
            .unwrap_or_default();
        out!("{}\t{}{note}", p.site_id, p.rule.describe_zh());
    }
    Ok(())
}

fn remove(args: PinRemoveArgs) -> Result<()> {
    let mut ws = args.ws.open()?;
    let removed = ws.pin_remove(args.site.trim(), args.kind.as_deref())?;
    if removed == 0 {
        bail!("site {} has no such pin", args.site);
    }
    out!("removed {removed} pin(s) of {}", args.site);
    Ok(())
}
