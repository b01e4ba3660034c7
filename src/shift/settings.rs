//! What the lead chooses for a shift (日查 or 夜查, the teams, the window, the break, the
//! time per visit) and the workspace's data the shift is planned from.

use chrono::NaiveDate;
use serde::Serialize;

use super::TownshipError;
use crate::coverage::hotspots::{hotspots_from_store, HotspotRule, HotspotScore};
use crate::model::{Depot, Institution};
use crate::plan::problem::{Break, TimeWindow};
use crate::store::{SitePriority, StoreError, Workspace};
use crate::units::{Metres, Seconds};

/// Which shift: 日查 (institutions) or 夜查 (hotspots).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shift {
    Day,
    Night,
}

impl std::fmt::Display for Shift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Shift::Day => "day",
            Shift::Night => "night",
        })
    }
}

impl std::str::FromStr for Shift {
    type Err = TownshipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "日查" => Ok(Shift::Day),
            "night" | "夜查" => Ok(Shift::Night),
            other => Err(TownshipError::UnknownShift(other.to_string())),
        }
    }
}

/// One team of the shift.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSpec {
    pub id: String,
    /// The depot it starts and ends at; `None`: the depots in turn.
    pub depot_id: Option<String>,
    pub max_stops: Option<usize>,
    /// The team has market-supervision / fire staff for joint inspections (联合检查).
    pub joint: bool,
}

impl TeamSpec {
    /// A team with the default depot and no stop limit.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            depot_id: None,
            max_stops: None,
            joint: false,
        }
    }
}

/// What the lead chooses for a shift; [`ShiftSettings::new`] fills the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftSettings {
    pub date: NaiveDate,
    pub shift: Shift,
    pub teams: Vec<TeamSpec>,
    /// The shift's working window (seconds since midnight).
    pub window: TimeWindow,
    /// The lunch break (day shift only by default).
    pub break_: Option<Break>,
    pub institution_service_s: Seconds,
    pub hotspot_service_s: Seconds,
    /// Sites farther than this from a usable street are unreachable.
    pub max_snap_m: Metres,
    /// Sites that need a joint inspection: only a `joint` team may visit them.
    pub joint_sites: Vec<String>,
}

impl ShiftSettings {
    /// Defaults for `shift` on `date` with `teams` (ids): day 08:30–17:30 with a
    /// 60-minute lunch starting 11:30–13:00, night 19:00–22:00; 20 min per
    /// institution, 30 min per hotspot; sites within 500 m of a street.
    ///
    /// ```
    /// use gridpatrol::shift::{Shift, ShiftSettings, TeamSpec};
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    /// let s = ShiftSettings::new(day, Shift::Night, vec![TeamSpec::new("A")]);
    /// assert_eq!(s.window.start_s, 19.0 * 3600.0);
    /// assert!(s.break_.is_none());
    /// ```
    pub fn new(date: NaiveDate, shift: Shift, teams: Vec<TeamSpec>) -> Self {
        let h = |hours: f64| hours * 3600.0;
        let (window, break_) = match shift {
            Shift::Day => (
                TimeWindow::new(h(8.5), h(17.5)),
                Some(Break {
                    start_window: TimeWindow::new(h(11.5), h(13.0)),
                    duration_s: h(1.0),
                }),
            ),
            Shift::Night => (TimeWindow::new(h(19.0), h(22.0)), None),
        };
        Self {
            date,
            shift,
            teams,
            window,
            break_,
            institution_service_s: 20.0 * 60.0,
            hotspot_service_s: 30.0 * 60.0,
            max_snap_m: 500.0,
            joint_sites: Vec::new(),
        }
    }

    /// Teams `T1..Tn`.
    pub fn numbered_teams(n: usize) -> Vec<TeamSpec> {
        (1..=n).map(|i| TeamSpec::new(format!("T{i}"))).collect()
    }
}

/// What the shift is built from: model data and the store's priority inputs.
#[derive(Debug, Clone, Copy)]
pub struct ShiftInput<'a> {
    pub institutions: &'a [Institution],
    /// From [`crate::store::Workspace::priority_inputs`] for the plan's date.
    pub priorities: &'a [SitePriority],
    /// From [`crate::coverage::hotspots::hotspots_from_store`] for the plan's date.
    pub hotspots: &'a [HotspotScore],
    pub depots: &'a [Depot],
}

/// The workspace's data for one shift, owned: what [`ShiftInput`] borrows. The CLI, the
/// server and the benchmark all plan from this.
#[derive(Debug, Clone, Default)]
pub struct ShiftData {
    pub institutions: Vec<Institution>,
    pub priorities: Vec<SitePriority>,
    /// Scored only for the night shift (the day shift visits institutions).
    pub hotspots: Vec<HotspotScore>,
    pub depots: Vec<Depot>,
}

impl ShiftData {
    /// Reads the sites, their priorities on `date`, the depots and, for the night
    /// shift, the hotspot scores.
    pub fn from_store(ws: &Workspace, date: NaiveDate, shift: Shift) -> Result<Self, StoreError> {
        let hotspots = match shift {
            Shift::Night => hotspots_from_store(ws, date, &HotspotRule::default())?,
            Shift::Day => Vec::new(),
        };
        Ok(Self {
            institutions: ws.institutions()?,
            priorities: ws.priority_inputs(date)?,
            hotspots,
            depots: ws.depots()?,
        })
    }

    /// The borrowed view the planner takes.
    pub fn input(&self) -> ShiftInput<'_> {
        ShiftInput {
            institutions: &self.institutions,
            priorities: &self.priorities,
            hotspots: &self.hotspots,
            depots: &self.depots,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_names_parse_in_both_languages() {
        assert_eq!("夜查".parse::<Shift>().unwrap(), Shift::Night);
        assert_eq!("Day".parse::<Shift>().unwrap(), Shift::Day);
        assert!("noon".parse::<Shift>().is_err());
    }

    #[test]
    fn shift_data_reads_the_workspace_and_scores_hotspots_only_at_night() {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let day = ShiftData::from_store(&ws, date, Shift::Day).unwrap();
        let night = ShiftData::from_store(&ws, date, Shift::Night).unwrap();
        assert_eq!(day.institutions.len(), sample.institutions.len());
        assert_eq!(day.priorities.len(), sample.institutions.len());
        assert_eq!(day.depots.len(), sample.depots.len());
        assert!(day.hotspots.is_empty());
        assert_eq!(night.hotspots.len(), sample.hotspots.len());
        assert_eq!(night.input().institutions.len(), day.institutions.len());
    }
}
