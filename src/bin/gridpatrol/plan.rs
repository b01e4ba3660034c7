//! `gridpatrol plan`: the day's routes per team (日查) or the night's hotspot checks
//! (夜查), on the workspace's sites and the road network.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use gridpatrol::calendar::{Calendar, DutyRoster};
use gridpatrol::plan::SolveOptions;
use gridpatrol::shift::replan::{
    done_visits, plan_teams, replan_from_now, working_plan, DoneVisit, ShiftUnderWay,
};
use gridpatrol::shift::teams::{roster_teams, TeamChoice, TeamList};
use gridpatrol::shift::{
    plan_shift, Shift, ShiftData, ShiftPlan, ShiftSettings, TeamSpec, TownshipError,
};
use gridpatrol::store::Workspace;
use gridpatrol::units::{format_clock, parse_clock, ClockSeconds};

use crate::context::{self, NetworkArgs};
use crate::coverage::day;
use crate::export::write_file;
use crate::workspace::WorkspaceArg;

/// Iterations of the default search: they fit the 5 s cap at township scale.
const DEFAULT_ITERATIONS: u64 = gridpatrol::plan::DEFAULT_ITERATIONS;

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// The day planned (YYYY-MM-DD): priorities are worked out for it.
    #[arg(long)]
    pub date: String,
    /// `day` (institutions; by default 08:30-17:30), `evening` (institutions open in the
    /// evening and hotspots; 17:30-21:30), `night` (hotspots; 19:00-22:00) or `weekend`
    /// (institutions; 09:00-17:00): windows and visits are the township's rules
    /// (`gridpatrol rules`).
    #[arg(long, default_value = "day")]
    pub shift: Shift,
    /// How many teams (named T1..Tn unless --team-names is given).
    #[arg(long, default_value_t = 1)]
    pub teams: usize,
    /// Team names, comma separated (overrides --teams), e.g. `A,B`.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub team_names: Vec<String>,
    /// A duty roster (TOML: each team's members, duty days, leave, weekend duty): the
    /// teams on duty that day with at least two officers (overrides --teams).
    #[arg(long, value_name = "FILE", conflicts_with = "team_names")]
    pub roster: Option<PathBuf>,
    /// The depot every team starts from (default: the workspace's depots in turn).
    #[arg(long, value_name = "ID")]
    pub depot: Option<String>,
    /// Sites that need a joint inspection (联合检查), comma separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub joint_sites: Vec<String>,
    /// Teams with market-supervision / fire staff who may do joint inspections.
    #[arg(long, value_delimiter = ',', value_name = "TEAMS")]
    pub joint_teams: Vec<String>,
    /// At most this many stops per team.
    #[arg(long, value_name = "N")]
    pub max_stops: Option<usize>,
    /// Longest search time in seconds (a cap: the search normally ends after
    /// --iterations first, so that a seed always gives the same plan).
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Random seed: the same seed, data and iteration count give the same plan.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Search iterations (0: search until --seconds runs out).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: u64,
    /// Print the plan as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Also write the routes as GeoJSON (one LineString per team, one Point per stop).
    #[arg(long, value_name = "FILE")]
    pub geojson: Option<PathBuf>,
    /// Also write one GPX file per team into this folder (for field devices).
    #[arg(long, value_name = "DIR")]
    pub gpx_dir: Option<PathBuf>,
    /// Keep the plan in the workspace (the web page shows the latest).
    #[arg(long)]
    pub save: bool,
    /// Re-plan the shift under way from this time (HH:MM): stops recorded as done stay
    /// done, each team sets out from its last done stop, and the rest of the saved plan
    /// (the latest published one of the date and shift) changes as little as it can.
    /// The teams are the saved plan's unless --team-names or --roster is given.
    #[arg(long, value_name = "HH:MM")]
    pub from_now: Option<String>,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// The teams on duty on `date` in the roster file, with their officers; says which are off.
fn roster_team_names(
    path: &std::path::Path,
    date: NaiveDate,
    calendar: &Calendar,
) -> Result<Vec<TeamSpec>> {
    let roster = DutyRoster::read(path)?;
    let day = roster_teams(&roster, date, calendar)
        .with_context(|| format!("--roster {}", path.display()))?;
    for off in &day.off {
        eprintln!("team {} is off on {date}: {}", off.team, off.reason);
    }
    Ok(day.on_duty)
}

fn teams(args: &PlanArgs, date: NaiveDate, calendar: &Calendar) -> Result<Vec<TeamSpec>> {
    let rostered = match &args.roster {
        Some(path) => Some(roster_team_names(path, date, calendar)?),
        None => None,
    };
    let list = match &rostered {
        Some(on_duty) => TeamList::Names(on_duty.iter().map(|t| t.id.clone()).collect()),
        None if args.team_names.is_empty() => TeamList::Count(args.teams),
        None => TeamList::Names(args.team_names.clone()),
    };
    let choice = TeamChoice {
        list,
        depot: args.depot.clone(),
        max_stops: args.max_stops,
        joint_teams: args.joint_teams.clone(),
    };
    // The library checks the list; the messages name this command's flags.
    let mut teams = choice.teams().map_err(|e| match e {
        TownshipError::NoTeams if args.team_names.is_empty() => {
            anyhow!("--teams must be at least 1")
        }
        TownshipError::NoTeams => anyhow!("--team-names: give at least one team name"),
        TownshipError::UnknownJointTeam(j) => {
            anyhow!("--joint-teams: no team `{j}` in this plan")
        }
        e => e.into(),
    })?;
    for (team, on_duty) in teams.iter_mut().zip(rostered.iter().flatten()) {
        team.members.clone_from(&on_duty.members);
    }
    Ok(teams)
}

/// A shift under way: the saved plan it follows, the time, what is done.
struct UnderWay {
    plan_id: i64,
    previous: ShiftPlan,
    now_s: ClockSeconds,
    done: Vec<DoneVisit>,
}

fn under_way(ws: &Workspace, date: NaiveDate, shift: Shift, text: &str) -> Result<UnderWay> {
    let now_s = parse_clock(text)
        .ok_or_else(|| anyhow!("--from-now: `{text}` is not a time of day (HH:MM)"))?;
    let Some((plan_id, previous)) = working_plan(ws, date, shift)? else {
        bail!("--from-now: no saved {shift} plan on {date} to re-plan (plan it with --save first)");
    };
    let done = done_visits(ws, date, now_s)?;
    Ok(UnderWay {
        plan_id,
        previous,
        now_s,
        done,
    })
}

/// Marks `joint` teams (by id) as able to do joint inspections.
fn with_joint_teams(mut teams: Vec<TeamSpec>, joint: &[String]) -> Result<Vec<TeamSpec>> {
    for j in joint {
        let team = teams.iter_mut().find(|t| &t.id == j);
        team.ok_or_else(|| anyhow!("--joint-teams: no team `{j}` in this plan"))?
            .joint = true;
    }
    Ok(teams)
}

/// `gridpatrol plan`.
pub fn run(args: PlanArgs) -> Result<()> {
    let date = day(&args.date, "--date")?;
    if !(args.seconds.is_finite() && args.seconds > 0.0) {
        bail!("--seconds must be a positive number, not {}", args.seconds);
    }
    let ws = args.ws.open()?;
    let under_way = match &args.from_now {
        Some(text) => Some(under_way(&ws, date, args.shift, text)?),
        None => None,
    };
    let teams = match &under_way {
        Some(u) if args.team_names.is_empty() && args.roster.is_none() => {
            with_joint_teams(plan_teams(&u.previous), &args.joint_teams)?
        }
        _ => teams(&args, date, &ws.calendar()?)?,
    };
    let shift_data = ShiftData::from_store(&ws, date, args.shift)?;
    if args.shift == Shift::Weekend && shift_data.calendar.is_working_day(date) {
        eprintln!(
            "note: {date} is a working day; the weekend shift (周末查) is meant for days off"
        );
    }
    let mut settings = ShiftSettings::from_rules(&shift_data.rules, date, args.shift, teams);
    settings.joint_sites = args
        .joint_sites
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    let loaded =
        context::load_roads(context::extract_of(args.network.osm.as_deref(), &ws)?.as_deref())?;
    // At night the compounds' gates are locked (when the rules say so).
    let routing = &shift_data.rules.routing;
    let gates_closed = args.shift.after_dark() && routing.compounds_closed_at_night;
    let router = context::plan_router(&loaded, &args.network, &ws, routing, gates_closed)?;
    let input = shift_data.input();
    let options = SolveOptions {
        time_limit_s: args.seconds,
        max_iterations: (args.iterations > 0).then_some(args.iterations),
        seed: args.seed,
        ..Default::default()
    };
    let mut report = |p: gridpatrol::plan::Progress| {
        eprintln!(
            "  {:>6.2} s  iteration {:>6}: mandatory missed {}, priority {:.0}, travel {:.0} min",
            p.elapsed_s,
            p.iteration,
            p.mandatory_missed,
            p.prize,
            p.travel_s / 60.0
        );
    };
    let plan = match &under_way {
        Some(u) => {
            let state = ShiftUnderWay {
                previous: &u.previous,
                now_s: u.now_s,
                done: &u.done,
            };
            eprintln!(
                "re-planning plan {} from {}: {} stop(s) done",
                u.plan_id,
                format_clock(u.now_s),
                u.done.len()
            );
            replan_from_now(&input, &settings, state, &router, &options, &mut report)
        }
        None => plan_shift(&input, &settings, &router, &options, &mut report),
    }
    .context("cannot plan the shift")?;
    if args.iterations > 0 && plan.summary.iterations < args.iterations {
        eprintln!(
            "note: the {} s limit ended the search after {} of {} iterations; \
             the same seed may give another plan on a busier or faster machine",
            args.seconds, plan.summary.iterations, args.iterations
        );
    }
    if let Some(out) = &args.geojson {
        write_file(out, serde_json::to_string(&plan.to_geojson())?.as_bytes())?;
    }
    if let Some(dir) = &args.gpx_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for t in &plan.teams {
            let path = dir.join(format!("{}-{}-{}.gpx", date, args.shift, t.team));
            write_file(&path, t.to_gpx(date, args.shift).as_bytes())?;
        }
    }
    let body = serde_json::to_string_pretty(&plan)?;
    if args.save {
        let mut ws = ws;
        let id = ws.plan_save(&date.to_string(), &args.shift.to_string(), None, &body)?;
        eprintln!("saved as plan {id}");
    }
    if args.json {
        out!("{body}");
    } else {
        let text = if crate::locale::chinese() {
            plan.summary_text_zh()
        } else {
            plan.summary_text()
        };
        print!("{text}");
    }
    Ok(())
}
