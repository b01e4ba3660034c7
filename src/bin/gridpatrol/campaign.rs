//! `gridpatrol campaign plan`: a 专项治理 campaign over a window of days: every active
//! institution once, tip-offs and follow-ups by their days, hotspots at night, on the
//! days the teams work. `campaign progress` follows a saved campaign day by day and cell
//! by cell; `campaign replan` keeps the days done and plans the rest again.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use gridpatrol::calendar::DutyRoster;
use gridpatrol::campaign::replan::{progress_of, replan, rest_input};
use gridpatrol::campaign::township::{
    build_campaign, plan_township, Streets, Teams, TownshipInput,
};
use gridpatrol::campaign::CampaignOptions;
use gridpatrol::shift::{Shift, ShiftData};

use crate::context::{self, NetworkArgs};
use crate::coverage::day;
use crate::export::write_file;
use crate::workspace::WorkspaceArg;

/// Pattern iterations of the default search.
const DEFAULT_ITERATIONS: u64 = 3000;

#[derive(clap::Subcommand, Debug)]
pub enum CampaignCommand {
    /// Plan the campaign day by day and shift by shift.
    Plan(CampaignPlanArgs),
    /// A saved campaign's progress: planned against done, per day and per cell.
    Progress(CampaignProgressArgs),
    /// Keep a saved campaign's days up to today and plan the rest again.
    Replan(CampaignReplanArgs),
}

#[derive(clap::Args, Debug)]
pub struct CampaignProgressArgs {
    /// The saved campaign (default: the one saved last).
    #[arg(long, value_name = "N")]
    pub id: Option<i64>,
    /// The day to count up to (YYYY-MM-DD; default: the township's today).
    #[arg(long)]
    pub today: Option<String>,
    /// Print the progress as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(clap::Args, Debug)]
pub struct CampaignReplanArgs {
    /// The saved campaign (default: the one saved last).
    #[arg(long, value_name = "N")]
    pub id: Option<i64>,
    /// The last day kept as planned (YYYY-MM-DD; default: the township's today).
    #[arg(long)]
    pub today: Option<String>,
    /// Teams T1..Tn on every working day of the calendar.
    #[arg(long, conflicts_with = "roster")]
    pub teams: Option<usize>,
    /// A duty roster (TOML: teams, members, duty days, leave, weekend duty).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Longest planning time in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Search iterations (0: search until --seconds runs out).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: u64,
    /// Keep the new plan as a campaign that replaces the old one.
    #[arg(long)]
    pub save: bool,
    /// Print the new plan as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(clap::Args, Debug)]
pub struct CampaignPlanArgs {
    /// First day of the campaign (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Last day of the campaign (YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub to: String,
    /// Teams T1..Tn on every working day of the calendar.
    #[arg(long, conflicts_with = "roster")]
    pub teams: Option<usize>,
    /// A duty roster (TOML: teams, members, duty days, leave, weekend duty).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Longest planning time in seconds (a cap; the search normally ends after
    /// --iterations first, so that a seed always gives the same plan).
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Search iterations (0: search until --seconds runs out).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: u64,
    /// Also plan the plain day-by-day greedy baseline and print its team-days.
    #[arg(long)]
    pub compare_greedy: bool,
    /// Print the plan as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Also write the routes as GeoJSON.
    #[arg(long, value_name = "FILE")]
    pub geojson: Option<PathBuf>,
    /// Keep the plan in the workspace (its progress can then be followed).
    #[arg(long)]
    pub save: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol campaign …`.
pub fn run(command: CampaignCommand) -> Result<()> {
    match command {
        CampaignCommand::Plan(args) => plan(args),
        CampaignCommand::Progress(args) => progress(args),
        CampaignCommand::Replan(args) => replan_rest(args),
    }
}

/// The teams from `--roster` or `--teams` (default one team).
fn teams_of(roster: Option<&DutyRoster>, count: Option<usize>) -> Result<Teams<'_>> {
    Ok(match (roster, count) {
        (Some(r), _) => Teams::Roster(r),
        (None, Some(0)) => bail!("--teams must be at least 1"),
        (None, Some(n)) => Teams::Count(n),
        (None, None) => Teams::Count(1),
    })
}

fn search_options(seconds: f64, iterations: u64, seed: u64) -> Result<CampaignOptions> {
    if !(seconds.is_finite() && seconds > 0.0) {
        bail!("--seconds must be a positive number, not {seconds}");
    }
    Ok(CampaignOptions {
        time_limit_s: seconds,
        max_iterations: (iterations > 0).then_some(iterations),
        seed,
        team_day_cost_s: TEAM_DAY_COST_S,
        polish_iterations: 200,
    })
}

fn progress(args: CampaignProgressArgs) -> Result<()> {
    let ws = args.ws.open()?;
    let today = match &args.today {
        Some(t) => day(t, "--today")?,
        None => ws.today()?,
    };
    let p = progress_of(&ws, args.id, today).context("cannot follow the campaign")?;
    if args.json {
        out!("{}", serde_json::to_string_pretty(&p)?);
    } else {
        print!("{}", p.summary_text());
    }
    Ok(())
}

fn replan_rest(args: CampaignReplanArgs) -> Result<()> {
    let options = search_options(args.seconds, args.iterations, args.seed)?;
    let roster = match &args.roster {
        Some(path) => Some(DutyRoster::read(path)?),
        None => None,
    };
    let teams = teams_of(roster.as_ref(), args.teams)?;
    let mut ws = args.ws.open()?;
    let today = match &args.today {
        Some(t) => day(t, "--today")?,
        None => ws.today()?,
    };
    let rest = rest_input(&ws, args.id, today).context("cannot re-plan the campaign")?;
    let extract = context::extract_of(args.network.osm.as_deref(), &ws)?;
    let loaded = context::load_roads(extract.as_deref())?;
    let routing = ws.rules()?.routing;
    let router = context::plan_router(&loaded, &args.network, &ws, &routing, false)?;
    let night = context::night_router(&loaded, &args.network, &ws, &routing)?;
    let streets = Streets {
        open: &router,
        gates_closed: night.as_ref(),
    };
    let mut replanned =
        replan(&rest, teams, streets, &options).context("cannot re-plan the campaign")?;
    if args.save {
        let body = serde_json::to_string(&replanned.plan)?;
        let id = ws.campaign_save(
            &replanned.plan.from,
            &replanned.plan.to,
            &body,
            Some(replanned.replaces),
        )?;
        eprintln!(
            "saved as campaign {id} (replaces campaign {})",
            replanned.replaces
        );
        replanned.campaign_id = Some(id);
        replanned.plan.campaign_id = Some(id);
    }
    if args.json {
        out!("{}", serde_json::to_string_pretty(&replanned)?);
    } else {
        print!("{}", replanned.summary_text());
    }
    Ok(())
}

fn plan(args: CampaignPlanArgs) -> Result<()> {
    let from = day(&args.from, "--from")?;
    let to = day(&args.to, "--to")?;
    if to < from {
        bail!("--to {to} is before --from {from}");
    }
    let options = search_options(args.seconds, args.iterations, args.seed)?;
    let roster = match &args.roster {
        Some(path) => Some(DutyRoster::read(path)?),
        None => None,
    };
    let teams = teams_of(roster.as_ref(), args.teams)?;
    let mut ws = args.ws.open()?;
    let day_data = ShiftData::from_store(&ws, from, Shift::Day)?;
    let night_data = ShiftData::from_store(&ws, from, Shift::Night)?;
    let extract = context::extract_of(args.network.osm.as_deref(), &ws)?;
    let loaded = context::load_roads(extract.as_deref())?;
    let routing = &day_data.rules.routing;
    let router = context::plan_router(&loaded, &args.network, &ws, routing, false)?;
    let night = context::night_router(&loaded, &args.network, &ws, routing)?;
    let streets = Streets {
        open: &router,
        gates_closed: night.as_ref(),
    };
    let input = TownshipInput {
        from,
        to,
        institutions: &day_data.institutions,
        priorities: &day_data.priorities,
        hotspots: &night_data.hotspots,
        depots: &day_data.depots,
        rules: &day_data.rules,
        calendar: &day_data.calendar,
        teams,
        pins: &day_data.pins,
    };
    let tc = build_campaign(&input, streets).context("cannot set up the campaign")?;
    let (plan, mut output) = plan_township(&tc, from, to, &options, args.compare_greedy)
        .context("cannot plan the campaign")?;
    if args.iterations > 0 && plan.iterations < args.iterations {
        eprintln!(
            "note: the {} s limit ended the search after {} of {} iterations",
            args.seconds, plan.iterations, args.iterations
        );
    }
    if let Some(path) = &args.geojson {
        write_file(
            path,
            serde_json::to_string(&output.to_geojson())?.as_bytes(),
        )?;
    }
    if args.save {
        let body = serde_json::to_string(&output)?;
        let id = ws.campaign_save(&output.from, &output.to, &body, None)?;
        eprintln!("saved as campaign {id}");
        output.campaign_id = Some(id);
    }
    if args.json {
        out!("{}", serde_json::to_string_pretty(&output)?);
    } else {
        print!("{}", output.summary_text());
    }
    Ok(())
}

/// One more team out on a shift costs as much as this much travel: the plan prefers
/// fewer, fuller team-days.
const TEAM_DAY_COST_S: f64 = 2.0 * 3600.0;
