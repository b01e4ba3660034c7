//! The planning problem as plain data: matrices, stops and vehicles (teams).
//!
//! Nothing here knows about OpenStreetMap or the township model; [`crate::shift`]
//! builds a [`Problem`] from them, and the benchmarks build one from Solomon or TSPLIB
//! files. Times are seconds since local midnight, durations seconds, lengths metres.

use thiserror::Error;

use crate::units::{ClockSeconds, Metres, Seconds};

/// A square matrix over locations, row-major (`from * n + to`).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    n: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// Builds an `n × n` matrix from a function of (from, to).
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> f64) -> Self {
        let mut data = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                data.push(f(i, j));
            }
        }
        Self { n, data }
    }

    /// Wraps row-major data; `None` when its length is not `n * n`.
    pub fn from_rows(n: usize, data: Vec<f64>) -> Option<Self> {
        (data.len() == n * n).then_some(Self { n, data })
    }

    /// The number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True for the empty matrix.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The entry from `from` to `to`; `f64::INFINITY` means unreachable.
    #[inline]
    pub fn get(&self, from: usize, to: usize) -> f64 {
        self.data[from * self.n + to]
    }
}

/// A closed time interval `[start_s, end_s]` in seconds since midnight.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct TimeWindow {
    /// Opening time, seconds since local midnight.
    pub start_s: ClockSeconds,
    /// Closing time, seconds since local midnight (inclusive, not before `start_s`).
    pub end_s: ClockSeconds,
}

impl TimeWindow {
    /// A window from `start_s` to `end_s`.
    pub fn new(start_s: ClockSeconds, end_s: ClockSeconds) -> Self {
        Self { start_s, end_s }
    }
}

/// Skills as a bit set (up to 64 distinct skills per problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Skills(pub u64);

impl Skills {
    /// True when every skill of `required` is in `self`.
    #[inline]
    pub fn covers(self, required: Skills) -> bool {
        required.0 & !self.0 == 0
    }
}

/// A site to visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// The caller's id (site id, customer number).
    pub id: String,
    /// Row/column in the matrices.
    pub location: usize,
    /// Time spent on site (the inspection itself), in seconds.
    pub service_s: Seconds,
    /// Service must start inside one of these; empty means "any time".
    pub windows: Vec<TimeWindow>,
    /// Collected when served; compared only after mandatory stops.
    pub prize: f64,
    /// Must be served if at all feasible (tip-offs, re-inspections, Solomon customers).
    pub mandatory: bool,
    /// Skills the serving team must have (e.g. a joint inspection); none by default.
    pub skills: Skills,
    /// Load taken up on the vehicle (Solomon demand); 0 for inspections.
    pub demand: f64,
}

impl Stop {
    /// A stop at `location` with no windows, no prize, not mandatory.
    pub fn new(id: impl Into<String>, location: usize, service_s: Seconds) -> Self {
        Self {
            id: id.into(),
            location,
            service_s,
            windows: Vec::new(),
            prize: 0.0,
            mandatory: false,
            skills: Skills::default(),
            demand: 0.0,
        }
    }
}

/// A break the team must take during its shift if it is still out when the break opens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// The break must start inside this window.
    pub start_window: TimeWindow,
    /// How long the break lasts, in seconds.
    pub duration_s: Seconds,
}

/// A team (vehicle): where and when it works and what it can do.
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    /// The caller's id (team name or number).
    pub id: String,
    /// Row/column in the matrices where the team sets out (its depot).
    pub start_location: usize,
    /// Row/column where it must end; usually the same depot.
    pub end_location: usize,
    /// Leaves the start no earlier than `start_s`, back at the end no later than `end_s`.
    pub shift: TimeWindow,
    /// The break the team takes, if any (`break` is a keyword, hence the underscore).
    pub break_: Option<Break>,
    /// What the team can do; it serves only stops whose skills it covers.
    pub skills: Skills,
    /// At most this many stops in its route; `None` for no limit.
    pub max_stops: Option<usize>,
    /// Most total stop `demand` it can carry (Solomon); `None` for no limit.
    pub capacity: Option<f64>,
}

impl Vehicle {
    /// A vehicle based at `depot` working `shift`, with no break, skills or limits.
    pub fn new(id: impl Into<String>, depot: usize, shift: TimeWindow) -> Self {
        Self {
            id: id.into(),
            start_location: depot,
            end_location: depot,
            shift,
            break_: None,
            skills: Skills::default(),
            max_stops: None,
            capacity: None,
        }
    }
}

/// The whole problem: serve all mandatory stops if feasible, then maximise the prize
/// collected, then minimise the total travel time (the `durations_s` matrix).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Travel times between locations in seconds; the cost minimised.
    pub durations_s: Matrix,
    /// Travel lengths between locations in metres, the same size; reported, not minimised.
    pub distances_m: Matrix,
    /// Every stop that may be visited.
    pub stops: Vec<Stop>,
    /// The teams available; at least one.
    pub vehicles: Vec<Vehicle>,
}

/// Why a problem cannot be planned at all.
#[derive(Debug, Error, PartialEq)]
pub enum ProblemError {
    /// The problem has no vehicle, so nothing can be served.
    #[error("no teams: a plan needs at least one team (vehicle)")]
    NoVehicles,
    /// The two matrices cover different numbers of locations.
    #[error("the duration matrix is {durations}×{durations} but the distance matrix is {distances}×{distances}")]
    MatrixSizes {
        /// Locations in `durations_s`.
        durations: usize,
        /// Locations in `distances_m`.
        distances: usize,
    },
    /// A stop or team names a matrix row that does not exist.
    #[error(
        "{what} `{id}` refers to location {location}, but the matrices have only {n} locations"
    )]
    LocationOutOfRange {
        /// `"stop"` or `"team"`.
        what: &'static str,
        /// The stop's or team's id.
        id: String,
        /// The location it names.
        location: usize,
        /// Locations the matrices have.
        n: usize,
    },
    /// A team's shift closes before it opens.
    #[error("team `{id}`: the shift ends ({end_s} s) before it starts ({start_s} s)")]
    ShiftEndsBeforeStart {
        /// The team's id.
        id: String,
        /// Shift start, seconds since midnight.
        start_s: f64,
        /// Shift end, seconds since midnight.
        end_s: f64,
    },
    /// A number is NaN, infinite or negative where that makes no sense.
    #[error("{what} `{id}`: field `{field}` is {value}, which is not a valid number here")]
    BadNumber {
        /// `"stop"` or `"team"`.
        what: &'static str,
        /// The stop's or team's id.
        id: String,
        /// The field, as named in [`Stop`] or [`Vehicle`] (`service_s`, `break.duration_s`...).
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// A stop's time window closes before it opens (or is NaN).
    #[error("stop `{id}`: time window {start_s}–{end_s} ends before it starts")]
    BadWindow {
        /// The stop's id.
        id: String,
        /// Window start, seconds since midnight.
        start_s: f64,
        /// Window end, seconds since midnight.
        end_s: f64,
    },
    /// A matrix entry is negative or NaN (infinity is allowed: unreachable).
    #[error("the matrices hold a negative or NaN entry from {from} to {to}")]
    BadMatrixEntry {
        /// Row (origin location).
        from: usize,
        /// Column (destination location).
        to: usize,
    },
}

impl Problem {
    /// Checks the problem is well formed, so the solver can rely on it.
    pub fn validate(&self) -> Result<(), ProblemError> {
        let n = self.durations_s.len();
        if self.distances_m.len() != n {
            return Err(ProblemError::MatrixSizes {
                durations: n,
                distances: self.distances_m.len(),
            });
        }
        if self.vehicles.is_empty() {
            return Err(ProblemError::NoVehicles);
        }
        for i in 0..n {
            for j in 0..n {
                let (t, d) = (self.durations_s.get(i, j), self.distances_m.get(i, j));
                if t.is_nan() || d.is_nan() || t < 0.0 || d < 0.0 {
                    return Err(ProblemError::BadMatrixEntry { from: i, to: j });
                }
            }
        }
        for v in &self.vehicles {
            self.validate_vehicle(v, n)?;
        }
        for s in &self.stops {
            self.validate_stop(s, n)?;
        }
        Ok(())
    }

    fn validate_vehicle(&self, v: &Vehicle, n: usize) -> Result<(), ProblemError> {
        for location in [v.start_location, v.end_location] {
            if location >= n {
                return Err(ProblemError::LocationOutOfRange {
                    what: "team",
                    id: v.id.clone(),
                    location,
                    n,
                });
            }
        }
        let bad = |field, value: f64| ProblemError::BadNumber {
            what: "team",
            id: v.id.clone(),
            field,
            value,
        };
        if !v.shift.start_s.is_finite() {
            return Err(bad("shift.start_s", v.shift.start_s));
        }
        if v.shift.end_s.is_nan() {
            return Err(bad("shift.end_s", v.shift.end_s));
        }
        if v.shift.end_s < v.shift.start_s {
            return Err(ProblemError::ShiftEndsBeforeStart {
                id: v.id.clone(),
                start_s: v.shift.start_s,
                end_s: v.shift.end_s,
            });
        }
        if let Some(b) = v.break_ {
            if !(b.duration_s >= 0.0 && b.duration_s.is_finite()) {
                return Err(bad("break.duration_s", b.duration_s));
            }
            let w = b.start_window;
            if w.start_s.is_nan() || w.end_s.is_nan() || w.start_s > w.end_s {
                return Err(bad("break.start_window", b.start_window.end_s));
            }
        }
        if let Some(c) = v.capacity {
            if c.is_nan() || c < 0.0 {
                return Err(bad("capacity", c));
            }
        }
        Ok(())
    }

    fn validate_stop(&self, s: &Stop, n: usize) -> Result<(), ProblemError> {
        if s.location >= n {
            return Err(ProblemError::LocationOutOfRange {
                what: "stop",
                id: s.id.clone(),
                location: s.location,
                n,
            });
        }
        let bad = |field, value: f64| ProblemError::BadNumber {
            what: "stop",
            id: s.id.clone(),
            field,
            value,
        };
        if !(s.service_s >= 0.0 && s.service_s.is_finite()) {
            return Err(bad("service_s", s.service_s));
        }
        if !(s.prize >= 0.0 && s.prize.is_finite()) {
            return Err(bad("prize", s.prize));
        }
        if !(s.demand >= 0.0 && s.demand.is_finite()) {
            return Err(bad("demand", s.demand));
        }
        for w in &s.windows {
            if w.start_s.is_nan() || w.end_s.is_nan() || w.end_s < w.start_s {
                return Err(ProblemError::BadWindow {
                    id: s.id.clone(),
                    start_s: w.start_s,
                    end_s: w.end_s,
                });
            }
        }
        Ok(())
    }

    /// Total distance in metres of a sequence of locations.
    pub fn path_distance_m(&self, locations: &[usize]) -> Metres {
        locations
            .windows(2)
            .map(|w| self.distances_m.get(w[0], w[1]))
            .sum()
    }
}
