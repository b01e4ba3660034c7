//! One shift of the township (日查, 晚查, 夜查 or 周末查) planned as routes on real
//! streets: the township's side of planning, on top of the generic solver in [`crate::plan`].
//!
//! - [`settings`]: the shift, its teams, window, break, what it visits and visit times;
//!   the workspace's data it is planned from. The shifts are the township's rules
//!   ([`crate::rules::Shifts`]): day (default 08:30–17:30, a one-hour lunch starting
//!   11:30–13:00) visits institutions; evening (17:30–21:30) institutions open in the
//!   evening and hotspots; night (19:00–22:00) hotspots; weekend (09:00–17:00)
//!   institutions. A stop's windows are its opening hours on that weekday (holidays by
//!   the [`crate::calendar::Calendar`]) clipped to the shift; 20 min per institution,
//!   30 min per hotspot.
//! - [`priority`]: a site's priority class and the prizes that make the solver follow it.
//! - [`build`]: the shift as the solver's problem (stops, vehicles, matrices).
//! - [`mod@read_back`]: the solution as routes for people, with what was left out and why.
//! - [`output`]: GeoJSON, GPX and the terminal summary.
//! - [`teams`]: the teams as the lead asks for them, checked, or from a duty roster.
//! - [`visibility`]: who sees a plan, and from when.

pub mod build;
pub mod output;
pub mod pins;
pub mod priority;
pub mod read_back;
pub mod replan;
pub mod settings;
pub mod teams;
pub mod visibility;

use thiserror::Error;

pub use build::{build_shift, Candidate, ShiftProblem, SiteKind, UnplannedSite};
pub use priority::{class_name, PriorityClass, TipOffWindow};
pub use read_back::{read_back, PlanSummary, PlannedVisit, ShiftPlan, TeamRoute};
pub use settings::{Shift, ShiftData, ShiftInput, ShiftSettings, TeamSpec};

use crate::network::snap::SnapError;
use crate::plan::{solve_with_progress, Progress, SolveError, SolveOptions};
use crate::routing::Router;

/// Why a shift cannot be set up.
#[derive(Debug, Error)]
pub enum TownshipError {
    /// The shift name is not one of the township's shifts; holds it as given.
    #[error("unknown shift `{0}`: use day, evening, night or weekend")]
    UnknownShift(String),
    /// The shift has no team.
    #[error("no teams: give at least one team")]
    NoTeams,
    /// More teams than one shift can tell apart; holds the count.
    #[error("{0} teams in one shift: at most 62")]
    TooManyTeams(usize),
    /// No roster team works on the date.
    #[error("no team is on duty on {date}: {why}")]
    NoTeamOnDuty {
        /// The plan's date.
        date: chrono::NaiveDate,
        /// Each team and why it is off.
        why: String,
    },
    /// A joint team that is not one of the shift's teams; holds its id.
    #[error("joint teams: no team `{0}` in this plan")]
    UnknownJointTeam(String),
    /// A joint site the workspace does not hold; holds its id.
    #[error("joint sites: no site `{0}` in the workspace")]
    UnknownJointSite(String),
    /// Two teams share an id; holds the id.
    #[error("team ids must be unique: `{0}` appears twice")]
    DuplicateTeam(String),
    /// The workspace has no depot to start from.
    #[error("the workspace has no depot: import one (the township office teams start from)")]
    NoDepot,
    /// A team names a depot the workspace does not have.
    #[error("team `{team}`: no depot `{depot}` in the workspace")]
    UnknownDepot {
        /// The team's id.
        team: String,
        /// The depot id it asked for.
        depot: String,
    },
    /// A depot too far from any street the profile may use.
    #[error("depot `{depot}` is not near a usable street: {source}")]
    DepotUnreachable {
        /// The depot's id.
        depot: String,
        /// Why it could not be snapped.
        #[source]
        source: SnapError,
    },
    /// Where a team is now is not near a usable street.
    #[error("team `{team}` is not near a usable street where it is now: {source}")]
    StartUnreachable {
        /// The team's id.
        team: String,
        /// Why it could not be snapped.
        #[source]
        source: SnapError,
    },
    /// The shift is over at the time given; holds the time, `HH:MM`.
    #[error("the shift is over at {0}: nothing is left to re-plan")]
    ShiftOver(String),
    /// The problem was malformed or the plan failed its check.
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// Builds, solves and reads back one shift.
pub fn plan_shift(
    input: &ShiftInput<'_>,
    settings: &ShiftSettings,
    router: &Router,
    options: &SolveOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ShiftPlan, TownshipError> {
    let shift = build_shift(input, settings, router)?;
    let started = std::time::Instant::now();
    let solution = solve_with_progress(&shift.problem, options, progress)?;
    let solve_s = started.elapsed().as_secs_f64();
    Ok(read_back(&shift, &solution, router, options.seed, solve_s))
}
