//! Who sees a plan, and from when: a lead sees every plan whole; others see only their
//! own team's route, a night plan only once its shift has begun (so a night check is
//! not announced ahead), and never the list of sites left out.

use chrono::NaiveDateTime;

use super::{Shift, ShiftPlan};

/// Who looks at a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer<'a> {
    /// A lead: everything, at any time.
    Lead,
    /// An inspector of this team (or of none).
    Team(Option<&'a str>),
}

/// When a non-lead may first see `plan`: the start of an evening or night shift (夜查 is
/// not announced); at once for day and weekend shifts.
pub fn visible_from(plan: &ShiftPlan) -> Option<NaiveDateTime> {
    matches!(plan.shift, Shift::Night | Shift::Evening).then(|| {
        let start = chrono::NaiveTime::from_num_seconds_from_midnight_opt(
            plan.window.start_s.clamp(0.0, 86_399.0) as u32,
            0,
        )
        .unwrap_or_default();
        plan.date.and_time(start)
    })
}

/// The plan as `viewer` may see it at `now`, or `None` when not yet.
pub fn plan_as_seen(plan: &ShiftPlan, viewer: Viewer<'_>, now: NaiveDateTime) -> Option<ShiftPlan> {
    let Viewer::Team(team) = viewer else {
        return Some(plan.clone());
    };
    if visible_from(plan).is_some_and(|from| now < from) {
        return None;
    }
    let mut own = plan.clone();
    own.teams.retain(|t| team == Some(t.team.as_str()));
    own.unassigned.clear();
    Some(own)
}

/// The teams whose route in `plans` visits `site`.
///
/// ```
/// use gridpatrol::shift::visibility::teams_visiting;
/// assert!(teams_visiting(&[], "I001").is_empty());
/// ```
pub fn teams_visiting<'a>(plans: &'a [ShiftPlan], site: &str) -> Vec<&'a str> {
    plans
        .iter()
        .flat_map(|p| &p.teams)
        .filter(|t| t.stops.iter().any(|s| s.site.site_id == site))
        .map(|t| t.team.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(shift: Shift) -> ShiftPlan {
        let mut p: ShiftPlan =
            serde_json::from_str(include_str!("../../tests/fixtures/plan-two-teams.json")).unwrap();
        p.shift = shift;
        p.window.start_s = 19.0 * 3600.0;
        p
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_team_sees_its_own_route_and_no_left_out_sites() {
        let p = plan(Shift::Day);
        let team = p.teams[0].team.clone();
        let seen = plan_as_seen(&p, Viewer::Team(Some(&team)), at("2026-11-23 08:00")).unwrap();
        assert_eq!(seen.teams.len(), 1);
        assert_eq!(seen.teams[0].team, team);
        assert!(seen.unassigned.is_empty());
        let nobody = plan_as_seen(&p, Viewer::Team(None), at("2026-11-23 08:00")).unwrap();
        assert!(nobody.teams.is_empty());
        let lead = plan_as_seen(&p, Viewer::Lead, at("2026-11-23 08:00")).unwrap();
        assert_eq!(lead, p);
    }

    #[test]
    fn a_night_plan_shows_once_its_shift_begins() {
        let p = plan(Shift::Night);
        let from = p.date.and_hms_opt(19, 0, 0).unwrap();
        assert_eq!(visible_from(&p), Some(from));
        let team = Viewer::Team(Some("T1"));
        assert!(plan_as_seen(&p, team, from - chrono::Duration::minutes(1)).is_none());
        assert!(plan_as_seen(&p, team, from).is_some());
        assert!(plan_as_seen(&p, Viewer::Lead, from - chrono::Duration::hours(5)).is_some());
        assert_eq!(visible_from(&plan(Shift::Day)), None);
        assert_eq!(visible_from(&plan(Shift::Evening)), Some(from));
    }
}
