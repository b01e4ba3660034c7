//! The campaign plan (专项治理): many days and shifts at once, a periodic vehicle routing
//! problem with time windows. Pure data in, plans out; nothing here reads the workspace.
//!
//! - a [`Campaign`] holds the periods (a date and shift, with the teams on duty), the
//!   sites with their allowed visit patterns (which periods may serve them together) and
//!   their windows per period, and one travel matrix;
//! - [`plan_campaign`] assigns every site a pattern, routes each period, and improves by
//!   moving visits between periods (ruin and recreate over patterns, simulated-annealing
//!   acceptance); each period's routes are then polished by the day solver
//!   ([`crate::plan::solve`]) and every period's plan passes [`crate::plan::check`];
//! - [`greedy_baseline`] fills one period after the other, with no moves between them;
//! - [`would_fit`] tries the changes a lead could make (one more team-day, an extra
//!   shift, a longer shift) for a site left out, and names the first that fits;
//! - [`check`] re-validates a campaign plan independently.

pub mod check;
pub mod progress;
pub mod replan;
mod routes;
mod search;
#[cfg(test)]
mod tests;
pub mod township;

use serde::Serialize;
use thiserror::Error;

use crate::plan::{Matrix, Problem, ProblemError, Solution, SolveError, TimeWindow, Vehicle};
use crate::units::Seconds;

pub use search::{greedy_baseline, plan_campaign, would_fit, Change};

/// One period of the campaign: a date's shift and the teams working it.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// What the period is called in reports (e.g. `2026-03-02 day`).
    pub label: String,
    /// The teams on duty, with their shift window and break; their locations index the
    /// campaign's matrices.
    pub vehicles: Vec<Vehicle>,
    /// Whether the period travels on [`Campaign::closed_gates`]: a night shift when the
    /// compounds (小区) lock their gates.
    pub gates_closed: bool,
}

/// A site to visit, and when it may be visited.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The caller's id.
    pub id: String,
    /// Row/column in the campaign's matrices.
    pub location: usize,
    /// Time spent on site per visit, in seconds.
    pub service_s: Seconds,
    /// Load per visit (the periodic benchmark's demand); 0 for inspections.
    pub demand: f64,
    /// Per period: `None` when the site cannot be visited in it (closed that day, or the
    /// shift does not visit such sites); else the windows service must start in (empty
    /// means any time).
    pub windows: Vec<Option<Vec<TimeWindow>>>,
    /// The allowed visit patterns: each a set of period indices visited together (one
    /// visit each). A site visited once in the window has one single-period pattern per
    /// allowed period.
    pub patterns: Vec<Vec<usize>>,
}

/// The whole campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Travel times between locations, seconds; the cost minimised.
    pub durations_s: Matrix,
    /// Travel lengths, metres; reported.
    pub distances_m: Matrix,
    /// Travel on the streets with the compounds' gates closed, for the periods marked
    /// [`Period::gates_closed`]; `None` when every period travels on the matrices above.
    pub closed_gates: Option<ClosedGates>,
    /// The periods, in time order.
    pub periods: Vec<Period>,
    /// The sites to visit.
    pub sites: Vec<Site>,
}

/// Travel between the same locations with the compounds' gates closed (night shifts).
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedGates {
    /// Travel times, seconds (infinite where the locked gates cut a place off).
    pub durations_s: Matrix,
    /// Travel lengths, metres.
    pub distances_m: Matrix,
}

/// How long and how to search.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignOptions {
    /// Stop after this many seconds at the latest.
    pub time_limit_s: f64,
    /// Ruin-and-recreate iterations over patterns; with it the plan depends only on the
    /// seed (as long as the time limit is not reached first).
    pub max_iterations: Option<u64>,
    /// Seeds every random choice.
    pub seed: u64,
    /// Cost of putting one more team out on a period, in travel seconds: above zero,
    /// the search prefers fewer, fuller team-days.
    pub team_day_cost_s: f64,
    /// Day-solver iterations per period when polishing the final routes (0: none).
    pub polish_iterations: u64,
}

impl Default for CampaignOptions {
    fn default() -> Self {
        Self {
            time_limit_s: 10.0,
            max_iterations: Some(20_000),
            seed: 1,
            team_day_cost_s: 0.0,
            polish_iterations: 300,
        }
    }
}

/// Why no campaign plan came out.
#[derive(Debug, Error)]
pub enum CampaignError {
    /// A site's windows do not list one entry per period.
    #[error("site `{site}` has windows for {got} periods, the campaign has {expected}")]
    WindowCount {
        /// The site's id.
        site: String,
        /// Entries given.
        got: usize,
        /// Periods in the campaign.
        expected: usize,
    },
    /// A pattern names a period the campaign does not have.
    #[error("site `{site}`: a visit pattern names period {period}, the campaign has {periods}")]
    PatternOutOfRange {
        /// The site's id.
        site: String,
        /// The period named.
        period: usize,
        /// Periods in the campaign.
        periods: usize,
    },
    /// A period's day problem is malformed (a bad shift, a location out of range…).
    #[error("period `{period}`: {source}")]
    Period {
        /// The period's label.
        period: String,
        /// What is wrong.
        #[source]
        source: ProblemError,
    },
    /// A period travels with the gates closed but the campaign has no such matrices, or
    /// they do not cover every location.
    #[error("period `{period}` travels with the compounds' gates closed, but the campaign has no matrices for it covering its {locations} locations")]
    ClosedGatesMissing {
        /// The period's label.
        period: String,
        /// Locations of the campaign.
        locations: usize,
    },
    /// The day solver failed (a bad problem or a failed check).
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// Why a site is not (fully) in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOut {
    /// No period of the window may serve it (closed, or no shift visits it then).
    NoPeriod,
    /// Some period may serve it, but no team can reach it inside its windows there.
    NoWindow,
    /// It would fit alone, but not beside the other visits.
    NoTime,
}

impl LeftOut {
    /// The reason in Chinese, for leads.
    pub fn describe_zh(self) -> &'static str {
        match self {
            LeftOut::NoPeriod => "检查期内没有可安排的班次（营业日与值班日不重合）",
            LeftOut::NoWindow => "任何班次都无法在其营业时间内到达",
            LeftOut::NoTime => "班次时间已排满",
        }
    }
}

/// A site left out of the campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unplanned {
    /// Index into [`Campaign::sites`].
    pub site: usize,
    /// Why.
    pub reason: LeftOut,
}

/// One period's routes, as a checked day plan.
#[derive(Debug, Clone)]
pub struct PeriodPlan {
    /// Index into [`Campaign::periods`].
    pub period: usize,
    /// The day problem: its stops are the campaign's sites served in this period.
    pub problem: Problem,
    /// `problem.stops[i]` is `Campaign::sites[stop_sites[i]]`.
    pub stop_sites: Vec<usize>,
    /// The routes, every stop served.
    pub solution: Solution,
}

/// A campaign plan.
#[derive(Debug, Clone)]
pub struct CampaignPlan {
    /// Per site, the index of its chosen pattern (`None`: left out).
    pub patterns: Vec<Option<usize>>,
    /// One plan per period (periods with nothing to do have no routes).
    pub periods: Vec<PeriodPlan>,
    /// Sites left out, with why.
    pub unplanned: Vec<Unplanned>,
    /// Ruin-and-recreate iterations done.
    pub iterations: u64,
}

impl CampaignPlan {
    /// Total travel time over all periods, seconds.
    pub fn travel_s(&self) -> f64 {
        self.periods
            .iter()
            .map(|p| p.solution.objective.travel_s)
            .sum()
    }

    /// Team-days (team × period with at least one visit).
    pub fn team_days(&self) -> usize {
        self.periods.iter().map(|p| p.solution.routes.len()).sum()
    }

    /// Working seconds (shift start to return) per team id, over the campaign.
    pub fn team_hours(&self) -> std::collections::BTreeMap<String, f64> {
        let mut out = std::collections::BTreeMap::new();
        for p in &self.periods {
            for r in &p.solution.routes {
                *out.entry(r.vehicle_id.clone()).or_insert(0.0) += r.return_s - r.departure_s;
            }
        }
        out
    }
}

impl Campaign {
    /// Checks the campaign is well formed.
    pub fn validate(&self) -> Result<(), CampaignError> {
        let n = self.periods.len();
        for s in &self.sites {
            if s.windows.len() != n {
                return Err(CampaignError::WindowCount {
                    site: s.id.clone(),
                    got: s.windows.len(),
                    expected: n,
                });
            }
            for &p in s.patterns.iter().flatten() {
                if p >= n {
                    return Err(CampaignError::PatternOutOfRange {
                        site: s.id.clone(),
                        period: p,
                        periods: n,
                    });
                }
            }
        }
        let locations = self.durations_s.len();
        let closed_ok = self
            .closed_gates
            .as_ref()
            .is_some_and(|g| g.durations_s.len() == locations && g.distances_m.len() == locations);
        for p in &self.periods {
            if p.gates_closed && !closed_ok {
                return Err(CampaignError::ClosedGatesMissing {
                    period: p.label.clone(),
                    locations,
                });
            }
            for v in &p.vehicles {
                let bad = [v.start_location, v.end_location]
                    .into_iter()
                    .find(|&l| l >= locations);
                if let Some(location) = bad {
                    return Err(CampaignError::Period {
                        period: p.label.clone(),
                        source: ProblemError::LocationOutOfRange {
                            what: "team",
                            id: v.id.clone(),
                            location,
                            n: locations,
                        },
                    });
                }
                if v.shift.start_s.is_nan()
                    || v.shift.end_s.is_nan()
                    || v.shift.start_s > v.shift.end_s
                {
                    return Err(CampaignError::Period {
                        period: p.label.clone(),
                        source: ProblemError::ShiftEndsBeforeStart {
                            id: v.id.clone(),
                            start_s: v.shift.start_s,
                            end_s: v.shift.end_s,
                        },
                    });
                }
            }
        }
        Ok(())
    }

    /// Travel times in period `p`: with the gates closed when the period says so.
    pub fn durations_in(&self, p: usize) -> &Matrix {
        match (&self.closed_gates, self.periods[p].gates_closed) {
            (Some(g), true) => &g.durations_s,
            _ => &self.durations_s,
        }
    }

    /// Travel lengths in period `p`, like [`Campaign::durations_in`].
    pub fn distances_in(&self, p: usize) -> &Matrix {
        match (&self.closed_gates, self.periods[p].gates_closed) {
            (Some(g), true) => &g.distances_m,
            _ => &self.distances_m,
        }
    }

    /// True when pattern `k` of site `s` names only periods the site may be visited in.
    pub fn pattern_open(&self, s: usize, k: usize) -> bool {
        let site = &self.sites[s];
        site.patterns[k]
            .iter()
            .all(|&p| site.windows[p].is_some() && !self.periods[p].vehicles.is_empty())
    }
}
