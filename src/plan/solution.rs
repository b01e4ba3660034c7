//! A solved plan: per team the ordered visits with their times, and what was left out.

use serde::Serialize;

use crate::units::{ClockSeconds, Metres, Seconds};

/// One visit of a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visit {
    /// Index into [`super::Problem::stops`].
    pub stop: usize,
    pub stop_id: String,
    pub arrival_s: ClockSeconds,
    pub start_s: ClockSeconds,
    pub departure_s: ClockSeconds,
    /// The leg that leads here from the previous visit (or the start).
    pub leg_duration_s: Seconds,
    pub leg_distance_m: Metres,
}

/// Where the break falls: on the leg that leads to visit `before_visit`
/// (`visits.len()` means the leg back to the end location).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BreakPlan {
    pub before_visit: usize,
    pub start_s: ClockSeconds,
    pub end_s: ClockSeconds,
}

/// One team's route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutePlan {
    /// Index into [`super::Problem::vehicles`].
    pub vehicle: usize,
    pub vehicle_id: String,
    pub departure_s: ClockSeconds,
    pub visits: Vec<Visit>,
    pub break_: Option<BreakPlan>,
    /// The leg back to the end location.
    pub return_leg_duration_s: Seconds,
    pub return_leg_distance_m: Metres,
    pub return_s: ClockSeconds,
    pub travel_s: Seconds,
    pub distance_m: Metres,
}

/// Why a stop is not in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    pub stop: usize,
    pub stop_id: String,
    pub mandatory: bool,
    pub reason: Reason,
}

/// The objective, compared in this order: fewer mandatory stops missed, more prize,
/// less travel time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Objective {
    pub mandatory_missed: usize,
    pub prize: f64,
    pub travel_s: Seconds,
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
    pub routes: Vec<RoutePlan>,
    pub unassigned: Vec<Unassigned>,
    pub objective: Objective,
    /// Search iterations done.
    pub iterations: u64,
}
