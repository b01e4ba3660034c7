//! Who is on duty: each team's officers, duty days, leave and weekend duty dates.
//!
//! An inspection needs at least two officers ([`MIN_OFFICERS`]). A team works on its duty
//! days (by default the calendar's working days, 调休 Saturdays included) and on the dates of
//! the weekend duty roster; a member on leave takes the team off that day unless it still
//! has two officers.
//!
//! The roster file is TOML, one `[[team]]` per team:
//!
//! ```toml
//! [[team]]
//! name = "一组"
//! members = ["张伟", "王芳", "李强"]
//! duty_days = "工作日"                      # day syntax of opening hours; default 工作日
//! weekend_duty = ["2026-03-07", "2026-03-14"]
//! leave = [{ person = "王芳", from = "2026-03-02", to = "2026-03-04" }]
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::{line_of, Calendar, OpeningHours};

/// Officers an inspection needs.
pub const MIN_OFFICERS: usize = 2;

/// A roster file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The file could not be read.
    #[error("{origin}: cannot read: {source}")]
    Read {
        /// The file's path.
        origin: String,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// One entry of the file is wrong.
    #[error("{origin} line {line}: {problem}")]
    Invalid {
        /// The file's path.
        origin: String,
        /// 1-based line of the entry.
        line: usize,
        /// What is wrong, in words.
        problem: String,
    },
}

/// Whether a team works on a day, and with whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamDuty {
    /// The team works that day: scheduled, and at least [`MIN_OFFICERS`] present.
    pub on_duty: bool,
    /// A duty day or a weekend duty date for the team.
    pub scheduled: bool,
    /// Members not on leave, in roster order.
    pub present: Vec<String>,
    /// Members on leave that day.
    pub on_leave: Vec<String>,
}

/// The teams of a township with their people and duty days.
#[derive(Debug, Clone)]
pub struct DutyRoster {
    teams: Vec<Team>,
}

#[derive(Debug, Clone)]
struct Team {
    name: String,
    members: Vec<String>,
    duty_days: OpeningHours,
    weekend_duty: BTreeSet<NaiveDate>,
    leave: Vec<Leave>,
}

#[derive(Debug, Clone)]
struct Leave {
    person: String,
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    team: Vec<Spanned<TeamDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamDoc {
    name: String,
    members: Vec<String>,
    duty_days: Option<Spanned<String>>,
    #[serde(default)]
    weekend_duty: Vec<Spanned<String>>,
    #[serde(default)]
    leave: Vec<Spanned<LeaveDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeaveDoc {
    person: String,
    from: String,
    to: String,
}

impl DutyRoster {
    /// Reads the roster file at `path`.
    pub fn read(path: &Path) -> Result<DutyRoster, RosterError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RosterError::Read {
            origin: origin.clone(),
            source,
        })?;
        DutyRoster::from_toml(&text, &origin)
    }

    /// Reads a roster's text; `origin` names it in errors (usually its path).
    pub fn from_toml(text: &str, origin: &str) -> Result<DutyRoster, RosterError> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| RosterError::Invalid {
            origin: origin.to_string(),
            line: e.span().map_or(1, |span| line_of(text, span.start)),
            problem: e.message().trim().to_string(),
        })?;
        let reader = Reader { text, origin };
        let mut teams: Vec<Team> = Vec::new();
        let mut team_of_person: BTreeMap<String, String> = BTreeMap::new();
        for spanned in doc.team {
            let line = line_of(text, spanned.span().start);
            let team = reader.team(spanned.into_inner(), line)?;
            if teams.iter().any(|t| t.name == team.name) {
                return Err(reader.invalid(line, format!("team {:?} is listed twice", team.name)));
            }
            for person in &team.members {
                if let Some(other) = team_of_person.insert(person.clone(), team.name.clone()) {
                    let problem = format!(
                        "{person:?} is a member of both {other:?} and {:?}",
                        team.name
                    );
                    return Err(reader.invalid(line, problem));
                }
            }
            teams.push(team);
        }
        Ok(DutyRoster { teams })
    }

    /// The teams' names, in file order.
    pub fn teams(&self) -> impl Iterator<Item = &str> + '_ {
        self.teams.iter().map(|t| t.name.as_str())
    }

    /// A team's members, or `None` for a team not in the roster.
    pub fn members(&self, team: &str) -> Option<&[String]> {
        self.team(team).map(|t| t.members.as_slice())
    }

    /// Whether `team` works on `date` and who is present; `None` for a team not in the
    /// roster. Scheduled means a duty day or a weekend duty date; a scheduled team is on
    /// duty when at least [`MIN_OFFICERS`] members are not on leave.
    pub fn team_on_duty(
        &self,
        team: &str,
        date: NaiveDate,
        calendar: &Calendar,
    ) -> Option<TeamDuty> {
        let team = self.team(team)?;
        let scheduled =
            team.weekend_duty.contains(&date) || team.duty_days.is_open_on(date, calendar);
        let (on_leave, present): (Vec<String>, Vec<String>) = team
            .members
            .iter()
            .cloned()
            .partition(|person| team.is_on_leave(person, date));
        Some(TeamDuty {
            on_duty: scheduled && present.len() >= MIN_OFFICERS,
            scheduled,
            present,
            on_leave,
        })
    }

    /// The teams on duty on `date`, in file order.
    pub fn teams_on_duty(&self, date: NaiveDate, calendar: &Calendar) -> Vec<&str> {
        self.teams()
            .filter(|team| {
                self.team_on_duty(team, date, calendar)
                    .is_some_and(|duty| duty.on_duty)
            })
            .collect()
    }

    fn team(&self, name: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.name == name)
    }
}

impl Team {
    fn is_on_leave(&self, person: &str, date: NaiveDate) -> bool {
        self.leave
            .iter()
            .any(|l| l.person == person && l.from <= date && date <= l.to)
    }
}

/// Turns the file's entries into teams, naming the line of anything wrong.
struct Reader<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Reader<'_> {
    fn invalid(&self, line: usize, problem: String) -> RosterError {
        RosterError::Invalid {
            origin: self.origin.to_string(),
            line,
            problem,
        }
    }

    fn line<T>(&self, spanned: &Spanned<T>) -> usize {
        line_of(self.text, spanned.span().start)
    }

    fn team(&self, doc: TeamDoc, line: usize) -> Result<Team, RosterError> {
        let name = doc.name.trim().to_string();
        if name.is_empty() {
            return Err(self.invalid(line, "a team needs a name".to_string()));
        }
        let members = self.members(&name, &doc.members, line)?;
        let duty_days = match &doc.duty_days {
            None => OpeningHours::working_days_all_day(),
            Some(text) => OpeningHours::parse(text.get_ref()).map_err(|e| {
                self.invalid(
                    self.line(text),
                    format!("team {name:?}, field \"duty_days\": {e}"),
                )
            })?,
        };
        let mut weekend_duty = BTreeSet::new();
        for date in &doc.weekend_duty {
            let parsed = parse_date(date.get_ref()).map_err(|p| {
                self.invalid(
                    self.line(date),
                    format!("team {name:?}, field \"weekend_duty\": {p}"),
                )
            })?;
            weekend_duty.insert(parsed);
        }
        let leave = doc
            .leave
            .iter()
            .map(|entry| self.leave(&name, &members, entry))
            .collect::<Result<_, _>>()?;
        Ok(Team {
            name,
            members,
            duty_days,
            weekend_duty,
            leave,
        })
    }

    fn members(
        &self,
        team: &str,
        names: &[String],
        line: usize,
    ) -> Result<Vec<String>, RosterError> {
        let mut members: Vec<String> = Vec::new();
        for name in names {
            let name = name.trim();
            if name.is_empty() {
                return Err(self.invalid(line, format!("team {team:?}: a member's name is empty")));
            }
            if members.iter().any(|m| m == name) {
                return Err(self.invalid(line, format!("team {team:?}: {name:?} is listed twice")));
            }
            members.push(name.to_string());
        }
        if members.len() < MIN_OFFICERS {
            let problem = format!(
                "team {team:?} has {} member(s); an inspection needs at least {MIN_OFFICERS} officers",
                members.len()
            );
            return Err(self.invalid(line, problem));
        }
        Ok(members)
    }

    fn leave(
        &self,
        team: &str,
        members: &[String],
        entry: &Spanned<LeaveDoc>,
    ) -> Result<Leave, RosterError> {
        let line = self.line(entry);
        let doc = entry.get_ref();
        let person = doc.person.trim().to_string();
        if !members.contains(&person) {
            return Err(self.invalid(
                line,
                format!("leave for {person:?}, who is not a member of team {team:?}"),
            ));
        }
        let date = |field: &str, text: &str| {
            parse_date(text).map_err(|p| {
                self.invalid(line, format!("leave for {person:?}, field {field:?}: {p}"))
            })
        };
        let (from, to) = (date("from", &doc.from)?, date("to", &doc.to)?);
        if to < from {
            return Err(self.invalid(
                line,
                format!("leave for {person:?} ends ({to}) before it starts ({from})"),
            ));
        }
        Ok(Leave { person, from, to })
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("not a date (YYYY-MM-DD): {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const ROSTER: &str = r#"
[[team]]
name = "一组"
members = ["张伟", "王芳", "李强"]
weekend_duty = ["2024-10-19"]
leave = [
  { person = "王芳", from = "2024-10-14", to = "2024-10-16" },
  { person = "李强", from = "2024-10-16", to = "2024-10-16" },
]

[[team]]
name = "二组"
members = ["赵敏", "刘洋"]
duty_days = "周一至周五；PH off"
leave = [{ person = "刘洋", from = "2024-10-15", to = "2024-10-15" }]
"#;

    fn roster() -> DutyRoster {
        DutyRoster::from_toml(ROSTER, "roster.toml").unwrap()
    }

    fn duty(team: &str, date: &str) -> TeamDuty {
        roster()
            .team_on_duty(team, d(date), Calendar::china())
            .unwrap()
    }

    fn invalid(text: &str) -> (usize, String) {
        match DutyRoster::from_toml(text, "r.toml") {
            Err(RosterError::Invalid {
                origin,
                line,
                problem,
            }) => {
                assert_eq!(origin, "r.toml");
                (line, problem)
            }
            other => panic!("expected an invalid-roster error, got {other:?}"),
        }
    }

    #[test]
    fn teams_and_members_in_file_order() {
        let roster = roster();
        assert_eq!(roster.teams().collect::<Vec<_>>(), ["一组", "二组"]);
        assert_eq!(roster.members("二组").unwrap(), ["赵敏", "刘洋"]);
        assert!(roster.members("三组").is_none());
        assert!(roster
            .team_on_duty("三组", d("2024-10-14"), Calendar::china())
            .is_none());
    }

    #[test]
    fn one_person_on_leave_leaves_two_officers_on_duty() {
        // Monday 14 Oct 2024: 王芳 on leave, 张伟 and 李强 remain.
        let monday = duty("一组", "2024-10-14");
        assert!(monday.on_duty && monday.scheduled);
        assert_eq!(monday.present, ["张伟", "李强"]);
        assert_eq!(monday.on_leave, ["王芳"]);
    }

    #[test]
    fn leave_that_leaves_one_officer_takes_the_team_off() {
        // Wednesday 16 Oct 2024: 王芳 and 李强 both on leave.
        let wednesday = duty("一组", "2024-10-16");
        assert!(wednesday.scheduled && !wednesday.on_duty);
        assert_eq!(wednesday.present, ["张伟"]);
        // A two-person team loses its day to one person's leave.
        assert!(!duty("二组", "2024-10-15").on_duty);
        assert!(duty("二组", "2024-10-16").on_duty);
        assert_eq!(
            roster().teams_on_duty(d("2024-10-16"), Calendar::china()),
            ["二组"]
        );
    }

    #[test]
    fn default_duty_days_are_the_calendars_working_days() {
        assert!(duty("一组", "2024-10-12").on_duty, "调休 Saturday");
        assert!(!duty("一组", "2024-10-02").scheduled, "国庆节");
        assert!(
            !duty("一组", "2024-10-26").scheduled,
            "an ordinary Saturday"
        );
        assert!(duty("一组", "2024-10-19").on_duty, "its weekend duty date");
    }

    #[test]
    fn duty_days_in_opening_hours_syntax() {
        assert!(
            !duty("二组", "2024-10-12").scheduled,
            "Mo-Fr: not the 调休 Saturday"
        );
        assert!(!duty("二组", "2024-10-01").scheduled, "PH off");
        assert!(duty("二组", "2024-10-14").on_duty);
        assert!(
            !duty("二组", "2024-10-19").scheduled,
            "一组's weekend duty only"
        );
    }

    #[test]
    fn reads_a_roster_file_and_names_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.toml");
        std::fs::write(&path, ROSTER).unwrap();
        assert_eq!(DutyRoster::read(&path).unwrap().teams().count(), 2);
        let missing = dir.path().join("none.toml");
        let err = DutyRoster::read(&missing).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("{}: cannot read", missing.display())),
            "{err}"
        );
    }

    #[test]
    fn bad_rosters_name_the_line_and_the_problem() {
        let cases = [
            (
                ROSTER.replace(r#"["赵敏", "刘洋"]"#, r#"["赵敏"]"#),
                11,
                "needs at least 2 officers",
            ),
            (
                ROSTER.replace(r#"["赵敏", "刘洋"]"#, r#"["赵敏", "赵敏"]"#),
                11,
                "\"赵敏\" is listed twice",
            ),
            (
                ROSTER.replace(r#"["赵敏", "刘洋"]"#, r#"["赵敏", "刘洋", "张伟"]"#),
                11,
                "member of both \"一组\" and \"二组\"",
            ),
            (
                ROSTER.replace("name = \"二组\"", "name = \"一组\""),
                11,
                "team \"一组\" is listed twice",
            ),
            (
                ROSTER.replace("周一至周五；PH off", "周一至周八"),
                14,
                "field \"duty_days\": at character 4, \"周八\": not understood",
            ),
            (
                ROSTER.replace("2024-10-19", "2024-10-32"),
                5,
                "field \"weekend_duty\": not a date",
            ),
            (
                ROSTER.replace("person = \"李强\"", "person = \"赵敏\""),
                8,
                "not a member of team \"一组\"",
            ),
            (
                ROSTER.replace("to = \"2024-10-16\" },\n]", "to = \"2024-10-15\" },\n]"),
                8,
                "ends (2024-10-15) before it starts",
            ),
            (
                ROSTER.replace("from = \"2024-10-14\"", "from = \"14/10/2024\""),
                7,
                "field \"from\": not a date",
            ),
            (ROSTER.replace("members", "people"), 4, "unknown field"),
            (
                ROSTER.replace("name = \"一组\"", "name = \" \""),
                2,
                "needs a name",
            ),
        ];
        for (text, expected_line, expected) in cases {
            let (line, problem) = invalid(&text);
            assert_eq!(line, expected_line, "{problem}");
            assert!(
                problem.contains(expected),
                "{problem:?} should mention {expected:?}"
            );
        }
    }
}
