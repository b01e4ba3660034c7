//! A solved plan: per team the ordered visits with their times, and what was left out.

use serde::Serialize;

use crate::units::{ClockSeconds, Metres, Seconds};

/// One visit of a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visit {
    /// Index into [`super::Problem::stops`].
    pub stop: usize,
    /// The stop's own id ([`super::Stop::id`]), so the visit reads without the problem.
    pub stop_id: String,
    /// When the team gets there, seconds since midnight.
    pub arrival_s: ClockSeconds,
    /// When the inspection begins: the arrival, or later when waiting for a time window
    /// or after a break taken on arrival.
    pub start_s: ClockSeconds,
    /// When the team leaves: `start_s` plus the stop's service time.
    pub departure_s: ClockSeconds,
    /// The leg that leads here from the previous visit (or the start).
    pub leg_duration_s: Seconds,
    /// Length of that leg, in metres.
    pub leg_distance_m: Metres,
}

/// Where the break falls: on the leg that leads to visit `before_visit`
/// (`visits.len()` means the leg back to the end location).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BreakPlan {
    /// Index of the visit whose leg holds the break.
    pub before_visit: usize,
    /// When the break begins, seconds since midnight.
    pub start_s: ClockSeconds,
    /// When it ends: `start_s` plus the break's duration.
    pub end_s: ClockSeconds,
}

/// One team's route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutePlan {
    /// Index into [`super::Problem::vehicles`].
    pub vehicle: usize,
    /// The team's own id ([`super::Vehicle::id`]).
    pub vehicle_id: String,
    /// When the team leaves its start location: the start of its shift.
    pub departure_s: ClockSeconds,
    /// The stops served, in order.
    pub visits: Vec<Visit>,
    /// Where the team's break falls; `None` when it has none or is back before it opens.
    pub break_: Option<BreakPlan>,
    /// The leg back to the end location.
    pub return_leg_duration_s: Seconds,
    /// Length of the leg back, in metres.
    pub return_leg_distance_m: Metres,
    /// When the team is back at its end location, seconds since midnight.
    pub return_s: ClockSeconds,
    /// Time spent travelling (every leg, the way back included; no service or waiting).
    pub travel_s: Seconds,
    /// Length travelled over the same legs, in metres.
    pub distance_m: Metres,
}

/// Why a stop is not in the plan.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No team has the skills the stop needs.
    SkillMissing,
    /// No team can get there and back (no road connection, or the site could not be
    /// placed on the network).
    Unreachable,
    /// No team can reach it inside its time windows even with nothing else to do.
    WindowUnreachable,
    /// It would fit alone, but not together with the stops of higher priority.
    NoTime,
}

impl Reason {
    /// A short English explanation for summaries.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::SkillMissing => "no team has the required skills",
            Reason::Unreachable => "unreachable: no road connection to the site",
            Reason::WindowUnreachable => "no team can reach it inside its opening hours",
            Reason::NoTime => "no time left in the shifts for it",
        }
    }
}

/// A stop left out of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unassigned {
    /// Index into [`super::Problem::stops`].
    pub stop: usize,
    /// The stop's own id.
    pub stop_id: String,
    /// The stop had to be served; a missed mandatory stop needs a lead's attention.
    pub mandatory: bool,
    /// Why no route could take it.
    pub reason: Reason,
}

/// The objective, compared in this order: fewer mandatory stops missed, more prize,
/// less travel time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Objective {
    /// Mandatory stops left unassigned (first criterion: lower is better).
    pub mandatory_missed: usize,
    /// Sum of the prizes of the stops served (second: higher is better).
    pub prize: f64,
    /// Travel time of all routes in seconds (third: lower is better).
    pub travel_s: Seconds,
    /// Length of all routes in metres; reported only, never compared.
    pub distance_m: Metres,
}

impl Objective {
    /// True when `self` is strictly better than `other` (travel compared with a small tolerance).
    pub fn better_than(&self, other: &Objective) -> bool {
        if self.mandatory_missed != other.mandatory_missed {
            return self.mandatory_missed < other.mandatory_missed;
        }
        if (self.prize - other.prize).abs() > 1e-9 {
            return self.prize > other.prize;
        }
        self.travel_s < other.travel_s - 1e-6
    }
}

/// A plan: routes (only teams with at least one visit) and unassigned stops.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// One route per team that visits something, in vehicle order.
    pub routes: Vec<RoutePlan>,
    /// Every stop not visited, with the reason.
    pub unassigned: Vec<Unassigned>,
    /// How good the plan is, by the criteria of [`Objective`].
    pub objective: Objective,
    /// Search iterations done.
    pub iterations: u64,
    /// The time limit ended the search before its iteration budget was spent (always
    /// when it had none): the plan may then differ on a faster or busier machine.
    pub time_limit_hit: bool,
}
