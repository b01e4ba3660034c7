//! A shift's teams as the lead asks for them (a count or names, a depot, a stop limit,
//! the teams with joint-inspection staff), checked once for the CLI and the server.

use serde::Deserialize;

use super::{ShiftSettings, TeamSpec, TownshipError};

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
}
