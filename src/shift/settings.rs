//! What the lead chooses for a shift (which shift, the teams, the window, the break, what
//! it visits, the time per visit) and the workspace's data the shift is planned from.

use chrono::NaiveDate;
use serde::Serialize;

use super::pins::Pin;
use super::TownshipError;
use crate::calendar::{Calendar, DayUnit};
use crate::coverage::hotspots::{hotspots_from_store, HotspotScore};
use crate::model::{Depot, Institution, Wgs84Point};
use crate::plan::problem::{Break, TimeWindow};
use crate::rules::{Rules, ShiftWindow, Visits};
use crate::store::{SitePriority, StoreError, Workspace};
use crate::units::{Metres, Seconds};

/// Which shift: its window, break and what it visits come from the township's rules
/// ([`crate::rules::Shifts`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Shift {
    /// 日查: institutions, in opening hours (default 08:30–17:30).
    Day,
    /// 晚查 (the evening 夜查): institutions open in the evening and hotspots (default
    /// 17:30–21:30).
    Evening,
    /// 夜查: hotspots, late in the evening (default 19:00–22:00).
    Night,
    /// 周末查: institutions open at the weekend (default 09:00–17:00).
    Weekend,
}

impl Shift {
    /// Every shift, in the order of the day.
    pub const ALL: [Shift; 4] = [Shift::Day, Shift::Evening, Shift::Night, Shift::Weekend];

    /// The shift's window, break and visits in `rules`.
    pub fn rule(self, rules: &Rules) -> &ShiftWindow {
        match self {
            Shift::Day => &rules.shifts.day,
            Shift::Evening => &rules.shifts.evening,
            Shift::Night => &rules.shifts.night,
            Shift::Weekend => &rules.shifts.weekend,
        }
    }

    /// What the shift visits by `rules` (its own default when the rules do not say).
    ///
    /// ```
    /// use gridpatrol::{rules::{Rules, Visits}, shift::Shift};
    /// assert_eq!(Shift::Evening.visits(&Rules::default()), Visits::Both);
    /// assert_eq!(Shift::Night.visits(&Rules::default()), Visits::Hotspots);
    /// ```
    pub fn visits(self, rules: &Rules) -> Visits {
        self.rule(rules).visits.unwrap_or(match self {
            Shift::Day | Shift::Weekend => Visits::Institutions,
            Shift::Evening => Visits::Both,
            Shift::Night => Visits::Hotspots,
        })
    }

    /// Whether the shift works after dark (晚查 and 夜查): when the township's rules say
    /// compounds lock their gates at night, its routes go round them.
    ///
    /// ```
    /// use gridpatrol::shift::Shift;
    /// assert!(Shift::Evening.after_dark() && Shift::Night.after_dark());
    /// assert!(!Shift::Day.after_dark() && !Shift::Weekend.after_dark());
    /// ```
    pub fn after_dark(self) -> bool {
        matches!(self, Shift::Evening | Shift::Night)
    }

    /// The shift's name for people: 日查, 晚查, 夜查, 周末查.
    pub fn name_zh(self) -> &'static str {
        match self {
            Shift::Day => "日查",
            Shift::Evening => "晚查",
            Shift::Night => "夜查",
            Shift::Weekend => "周末查",
        }
    }
}

impl std::fmt::Display for Shift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Shift::Day => "day",
            Shift::Evening => "evening",
            Shift::Night => "night",
            Shift::Weekend => "weekend",
        })
    }
}

impl std::str::FromStr for Shift {
    type Err = TownshipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "日查" => Ok(Shift::Day),
            "evening" | "晚查" => Ok(Shift::Evening),
            "night" | "夜查" => Ok(Shift::Night),
            "weekend" | "周末查" | "周末" => Ok(Shift::Weekend),
            other => Err(TownshipError::UnknownShift(other.to_string())),
        }
    }
}

/// One team of the shift.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSpec {
    /// The team's id, unique in the shift.
    pub id: String,
    /// The depot it starts and ends at; `None`: the depots in turn.
    pub depot_id: Option<String>,
    /// The most visits the team may make; `None`: no limit but the window.
    pub max_stops: Option<usize>,
    /// The team has market-supervision / fire staff for joint inspections (联合检查).
    pub joint: bool,
    /// The officers on duty in the team that day (from a roster); empty: not named.
    pub members: Vec<String>,
    /// Where the team is when it does not set out from its depot (a shift re-planned
    /// while under way); it still ends at its depot.
    pub start_at: Option<Wgs84Point>,
}

impl TeamSpec {
    /// A team with the default depot, no stop limit and no named members.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            depot_id: None,
            max_stops: None,
            joint: false,
            members: Vec::new(),
            start_at: None,
        }
    }
}

/// What the lead chooses for a shift; [`ShiftSettings::from_rules`] fills the rest from
/// the township's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftSettings {
    /// The day planned (township date).
    pub date: NaiveDate,
    /// Which shift.
    pub shift: Shift,
    /// What the shift visits.
    pub visits: Visits,
    /// The teams, each one route.
    pub teams: Vec<TeamSpec>,
    /// The shift's working window (seconds since midnight).
    pub window: TimeWindow,
    /// The day shift's window on this date (日查): in another shift, institutions open
    /// today only outside it rank first in their class (no day team can visit them).
    pub day_window: TimeWindow,
    /// The break (day and weekend shifts by default).
    pub break_: Option<Break>,
    /// Time spent inspecting an institution, seconds.
    pub institution_service_s: Seconds,
    /// Time spent checking a hotspot, seconds.
    pub hotspot_service_s: Seconds,
    /// Sites farther than this from a usable street are unreachable.
    pub max_snap_m: Metres,
    /// An inspection this recent answers a site's tip-offs.
    pub tip_off_handled_days: i64,
    /// Whether `tip_off_handled_days` counts calendar days or working days.
    pub tip_off_days_unit: DayUnit,
    /// Sites that need a joint inspection: only a `joint` team may visit them.
    pub joint_sites: Vec<String>,
    /// For this plan only, sites kept with the team that had them (a re-plan changes as
    /// few assignments as it can): site id to team id. The lead's team pins win.
    pub kept_teams: std::collections::BTreeMap<String, String>,
}

impl ShiftSettings {
    /// The built-in rules for `shift` on `date` with `teams` (ids): day 08:30–17:30
    /// with a 60-minute lunch starting 11:30–13:00, evening 17:30–21:30, night
    /// 19:00–22:00, weekend 09:00–17:00 with lunch; 20 min per institution, 30 min per
    /// hotspot; sites within 500 m of a street.
    ///
    /// ```
    /// use gridpatrol::shift::{Shift, ShiftSettings, TeamSpec};
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    /// let s = ShiftSettings::new(day, Shift::Night, vec![TeamSpec::new("A")]);
    /// assert_eq!(s.window.start_s, 19.0 * 3600.0);
    /// assert!(s.break_.is_none());
    /// ```
    pub fn new(date: NaiveDate, shift: Shift, teams: Vec<TeamSpec>) -> Self {
        Self::from_rules(&Rules::default(), date, shift, teams)
    }

    /// The township's `rules` for `shift` on `date` with `teams`.
    pub fn from_rules(rules: &Rules, date: NaiveDate, shift: Shift, teams: Vec<TeamSpec>) -> Self {
        let window_rule = shift.rule(rules);
        Self {
            date,
            shift,
            visits: shift.visits(rules),
            teams,
            window: TimeWindow::new(window_rule.start.0, window_rule.end.0),
            day_window: TimeWindow::new(rules.shifts.day.start.0, rules.shifts.day.end.0),
            break_: window_rule.lunch.as_ref().map(|l| Break {
                start_window: TimeWindow::new(l.earliest.0, l.latest.0),
                duration_s: l.duration_s(),
            }),
            institution_service_s: rules.service_minutes.institution_s(),
            hotspot_service_s: rules.service_minutes.hotspot_s(),
            max_snap_m: rules.snapping.max_site_to_street_m,
            tip_off_handled_days: rules.follow_ups.tip_off_handled_days,
            tip_off_days_unit: rules.follow_ups.tip_off_days_unit,
            joint_sites: Vec::new(),
            kept_teams: Default::default(),
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
    /// The township's institutions.
    pub institutions: &'a [Institution],
    /// From [`crate::store::Workspace::priority_inputs`] for the plan's date.
    pub priorities: &'a [SitePriority],
    /// From [`crate::coverage::hotspots::hotspots_from_store`] for the plan's date.
    pub hotspots: &'a [HotspotScore],
    /// The depots teams start from.
    pub depots: &'a [Depot],
    /// Working days and holidays: which opening hours apply on the plan's date.
    pub calendar: &'a Calendar,
    /// The lead's pins ([`crate::store::Workspace::pins`]).
    pub pins: &'a [Pin],
}

/// The workspace's data for one shift, owned: what [`ShiftInput`] borrows. The CLI, the
/// server and the benchmark all plan from this.
#[derive(Debug, Clone, Default)]
pub struct ShiftData {
    /// The township's institutions.
    pub institutions: Vec<Institution>,
    /// Priority inputs of every institution on the plan's date.
    pub priorities: Vec<SitePriority>,
    /// Scored only for shifts that visit hotspots.
    pub hotspots: Vec<HotspotScore>,
    /// The depots teams start from.
    pub depots: Vec<Depot>,
    /// The township's rules, for [`ShiftSettings::from_rules`].
    pub rules: Rules,
    /// Working days and holidays ([`Calendar::china`] unless the caller sets another).
    pub calendar: Calendar,
    /// The lead's pins.
    pub pins: Vec<Pin>,
}

impl ShiftData {
    /// Reads the sites, their priorities on `date`, the depots and, for a shift that
    /// visits hotspots, the hotspot scores.
    pub fn from_store(ws: &Workspace, date: NaiveDate, shift: Shift) -> Result<Self, StoreError> {
        let rules = ws.rules()?;
        let hotspots = if shift.visits(&rules).hotspots() {
            hotspots_from_store(ws, date, &rules.hotspots)?
        } else {
            Vec::new()
        };
        Ok(Self {
            institutions: ws.institutions()?,
            priorities: ws.priority_inputs(date)?,
            hotspots,
            depots: ws.depots()?,
            rules,
            calendar: ws.calendar()?,
            pins: ws.pins()?,
        })
    }

    /// The borrowed view the planner takes.
    pub fn input(&self) -> ShiftInput<'_> {
        ShiftInput {
            institutions: &self.institutions,
            priorities: &self.priorities,
            hotspots: &self.hotspots,
            depots: &self.depots,
            calendar: &self.calendar,
            pins: &self.pins,
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
        assert_eq!("evening".parse::<Shift>().unwrap(), Shift::Evening);
        assert_eq!("周末查".parse::<Shift>().unwrap(), Shift::Weekend);
        for shift in Shift::ALL {
            assert_eq!(shift.to_string().parse::<Shift>().unwrap(), shift);
        }
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
