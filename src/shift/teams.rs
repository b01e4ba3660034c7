//! A shift's teams as the lead asks for them (a count or names, a depot, a stop limit,
//! the teams with joint-inspection staff), checked once for the CLI and the server.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{ShiftSettings, TeamSpec, TownshipError};
use crate::calendar::{Calendar, DutyRoster, MIN_OFFICERS};

/// Teams as a count (`2` → `T1`, `T2`) or as names (`["A", "B"]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum TeamList {
    /// A number of teams, named `T1`, `T2`, ….
    Count(usize),
    /// The teams' names, each one route.
    Names(Vec<String>),
}

/// What the lead chose for the teams of a shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamChoice {
    /// The teams by count or by name.
    pub list: TeamList,
    /// The depot every team starts from (`None`: the depots in turn).
    pub depot: Option<String>,
    /// At most this many stops per team.
    pub max_stops: Option<usize>,
    /// Teams with market-supervision / fire staff for joint inspections (联合检查).
    pub joint_teams: Vec<String>,
}

impl TeamChoice {
    /// The teams, each with its depot, stop limit and joint flag. Blank names are
    /// dropped; no team at all, or a joint team that is not one of them, is an error.
    ///
    /// ```
    /// use gridpatrol::shift::teams::{TeamChoice, TeamList};
    /// let choice = TeamChoice {
    ///     list: TeamList::Count(2),
    ///     depot: None,
    ///     max_stops: Some(8),
    ///     joint_teams: vec!["T2".into()],
    /// };
    /// let teams = choice.teams().unwrap();
    /// assert_eq!((teams[0].id.as_str(), teams[1].joint), ("T1", true));
    /// ```
    pub fn teams(&self) -> Result<Vec<TeamSpec>, TownshipError> {
        let mut teams: Vec<TeamSpec> = match &self.list {
            TeamList::Count(n) => ShiftSettings::numbered_teams(*n),
            TeamList::Names(names) => names
                .iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty())
                .map(TeamSpec::new)
                .collect(),
        };
        if teams.is_empty() {
            return Err(TownshipError::NoTeams);
        }
        for t in &mut teams {
            t.depot_id.clone_from(&self.depot);
            t.max_stops = self.max_stops;
            t.joint = self.joint_teams.iter().any(|j| j.trim() == t.id);
        }
        if let Some(j) = self
            .joint_teams
            .iter()
            .find(|j| !teams.iter().any(|t| t.id == j.trim()))
        {
            return Err(TownshipError::UnknownJointTeam(j.clone()));
        }
        Ok(teams)
    }
}

/// A roster team that does not work on the plan's date, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamOff {
    /// The team's name.
    pub team: String,
    /// Why, in words (`not a duty day`, `王芳 on leave: 1 officer left, 2 needed`).
    pub reason: String,
}

/// The teams of a duty roster on one date: who works (with the officers present) and who
/// is off.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterDay {
    /// Teams on duty, in roster order, each with its present officers as `members`.
    pub on_duty: Vec<TeamSpec>,
    /// Teams off that day: not a duty day, or fewer than two officers after leave.
    pub off: Vec<TeamOff>,
}

/// The roster's teams on `date`. A team works on its duty days and weekend duty dates,
/// and only with at least [`MIN_OFFICERS`] officers not on leave; no team on duty is an
/// error naming why each is off.
///
/// ```
/// use gridpatrol::calendar::{Calendar, DutyRoster};
/// let roster = DutyRoster::from_toml(
///     "[[team]]\nname = \"一组\"\nmembers = [\"张伟\", \"王芳\"]\n", "roster.toml").unwrap();
/// let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
/// let day = gridpatrol::shift::teams::roster_teams(&roster, monday, Calendar::china()).unwrap();
/// assert_eq!(day.on_duty[0].members, ["张伟", "王芳"]);
/// let sunday = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// assert!(gridpatrol::shift::teams::roster_teams(&roster, sunday, Calendar::china()).is_err());
/// ```
pub fn roster_teams(
    roster: &DutyRoster,
    date: NaiveDate,
    calendar: &Calendar,
) -> Result<RosterDay, TownshipError> {
    let mut day = RosterDay {
        on_duty: Vec::new(),
        off: Vec::new(),
    };
    for name in roster.teams() {
        let Some(duty) = roster.team_on_duty(name, date, calendar) else {
            continue;
        };
        if duty.on_duty {
            let mut team = TeamSpec::new(name);
            team.members = duty.present;
            day.on_duty.push(team);
            continue;
        }
        let reason = if !duty.scheduled {
            "not a duty day".to_string()
        } else {
            format!(
                "{} on leave: {} officer(s) left, {MIN_OFFICERS} needed",
                duty.on_leave.join("、"),
                duty.present.len()
            )
        };
        day.off.push(TeamOff {
            team: name.to_string(),
            reason,
        });
    }
    if day.on_duty.is_empty() {
        let why: Vec<String> = day
            .off
            .iter()
            .map(|o| format!("{} ({})", o.team, o.reason))
            .collect();
        return Err(TownshipError::NoTeamOnDuty {
            date,
            why: why.join("; "),
        });
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(list: TeamList, joint: &[&str]) -> TeamChoice {
        TeamChoice {
            list,
            depot: Some("D1".into()),
            max_stops: None,
            joint_teams: joint.iter().map(|j| j.to_string()).collect(),
        }
    }

    #[test]
    fn names_are_trimmed_and_blank_ones_dropped() {
        let names = TeamList::Names(vec![" A ".into(), "".into(), "B".into()]);
        let teams = choice(names, &["A "]).teams().unwrap();
        let ids: Vec<_> = teams.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["A", "B"]);
        assert!(teams[0].joint && !teams[1].joint);
        assert!(teams.iter().all(|t| t.depot_id.as_deref() == Some("D1")));
    }

    #[test]
    fn no_team_or_an_unknown_joint_team_is_refused() {
        assert!(matches!(
            choice(TeamList::Count(0), &[]).teams(),
            Err(TownshipError::NoTeams)
        ));
        assert!(matches!(
            choice(TeamList::Names(vec![" ".into()]), &[]).teams(),
            Err(TownshipError::NoTeams)
        ));
        let e = choice(TeamList::Count(2), &["T9"]).teams().unwrap_err();
        assert_eq!(e.to_string(), "joint teams: no team `T9` in this plan");
    }

    const ROSTER: &str = r#"
[[team]]
name = "一组"
members = ["张伟", "王芳", "李强"]
leave = [{ person = "王芳", from = "2024-09-30", to = "2024-10-12" }]

[[team]]
name = "二组"
members = ["赵敏", "孙丽"]
leave = [{ person = "孙丽", from = "2024-10-12", to = "2024-10-12" }]

[[team]]
name = "周末组"
members = ["周杰", "吴刚"]
duty_days = "周六、周日"
"#;

    fn roster_day(date: &str) -> Result<RosterDay, TownshipError> {
        let roster = DutyRoster::from_toml(ROSTER, "roster.toml").unwrap();
        roster_teams(&roster, date.parse().unwrap(), Calendar::china())
    }

    fn names(day: &RosterDay) -> Vec<&str> {
        day.on_duty.iter().map(|t| t.id.as_str()).collect()
    }

    #[test]
    fn a_roster_team_works_on_its_duty_days_with_two_officers() {
        // Monday 30 September 2024: a working day; 王芳 is on leave but 一组 keeps two.
        let monday = roster_day("2024-09-30").unwrap();
        assert_eq!(names(&monday), ["一组", "二组"]);
        assert_eq!(monday.on_duty[0].members, ["张伟", "李强"]);
        assert_eq!(monday.off[0].reason, "not a duty day");
        // Saturday 12 October 2024 is a 调休 working day: 二组 has one officer left.
        let make_up = roster_day("2024-10-12").unwrap();
        assert_eq!(names(&make_up), ["一组", "周末组"]);
        let off = &make_up.off[0];
        assert_eq!(off.team, "二组");
        assert!(
            off.reason
                .contains("孙丽 on leave: 1 officer(s) left, 2 needed"),
            "{}",
            off.reason
        );
    }

    #[test]
    fn no_team_on_duty_is_an_error_that_says_why() {
        // 1 October is National Day: no working-day team works, and it is a Tuesday.
        let e = roster_day("2024-10-01").unwrap_err().to_string();
        assert!(e.contains("no team is on duty on 2024-10-01"), "{e}");
        assert!(e.contains("一组 (not a duty day)"), "{e}");
    }
}
