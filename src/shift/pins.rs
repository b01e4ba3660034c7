//! What the lead's pins ([`crate::model::pin`]) mean for one shift: sites left out that
//! day, sites that must be visited, sites only one team may visit. Every plan and every
//! re-plan applies them; a pin stays until the lead removes it.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

pub use crate::model::pin::{check_pin, Pin, PinError, PinRule};

/// What the pins mean for one shift's date: looked up by site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinsOn {
    /// Sites left out today: excluded, or pinned to another day (with that day).
    left_out: HashMap<String, Option<NaiveDate>>,
    /// Sites that must be visited today (must-visit, or pinned to today).
    must_visit: HashSet<String>,
    /// Sites only one team may visit.
    team: HashMap<String, String>,
}

/// Why a pin keeps a site out of today's shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinnedOut {
    /// The lead excluded it.
    Excluded,
    /// The lead pinned it to another day.
    OtherDay(NaiveDate),
}

impl PinsOn {
    /// The pins as they apply on `date`.
    pub fn new(pins: &[Pin], date: NaiveDate) -> Self {
        let mut out = Self::default();
        for pin in pins {
            let site = pin.site_id.clone();
            match &pin.rule {
                PinRule::Exclude => {
                    out.left_out.insert(site, None);
                }
                PinRule::Day { date: d } if *d != date => {
                    out.left_out.insert(site, Some(*d));
                }
                PinRule::Day { .. } | PinRule::MustVisit => {
                    out.must_visit.insert(site);
                }
                PinRule::Team { team } => {
                    out.team.insert(site, team.clone());
                }
            }
        }
        out
    }

    /// Why `site` is kept out today, if a pin keeps it out.
    pub fn left_out(&self, site: &str) -> Option<PinnedOut> {
        self.left_out
            .get(site)
            .map(|d| d.map_or(PinnedOut::Excluded, PinnedOut::OtherDay))
    }

    /// Whether a pin makes `site` a must-visit today.
    pub fn must_visit(&self, site: &str) -> bool {
        self.must_visit.contains(site)
    }

    /// The team `site` is pinned to, if any.
    pub fn team(&self, site: &str) -> Option<&str> {
        self.team.get(site).map(String::as_str)
    }

    /// Keeps `site` to `team` for this plan only (a re-plan's wish to leave assignments
    /// as they were); a lead's pin of the site wins.
    pub fn keep_with(&mut self, site: &str, team: &str) {
        self.team
            .entry(site.to_string())
            .or_insert_with(|| team.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pin::PinRule;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn pins_apply_by_date() {
        let pins = [
            Pin::new("A", PinRule::Exclude),
            Pin::new(
                "B",
                PinRule::Day {
                    date: day("2026-11-24"),
                },
            ),
            Pin::new("C", PinRule::MustVisit),
            Pin::new("D", PinRule::Team { team: "T2".into() }),
        ];
        let monday = PinsOn::new(&pins, day("2026-11-23"));
        assert_eq!(monday.left_out("A"), Some(PinnedOut::Excluded));
        assert_eq!(
            monday.left_out("B"),
            Some(PinnedOut::OtherDay(day("2026-11-24")))
        );
        assert!(monday.must_visit("C") && !monday.must_visit("B"));
        assert_eq!(monday.team("D"), Some("T2"));
        let tuesday = PinsOn::new(&pins, day("2026-11-24"));
        assert_eq!(tuesday.left_out("B"), None);
        assert!(tuesday.must_visit("B"));
    }

    #[test]
    fn a_kept_assignment_yields_to_the_leads_pin() {
        let mut pins = PinsOn::new(
            &[Pin::new("D", PinRule::Team { team: "T2".into() })],
            day("2026-11-23"),
        );
        pins.keep_with("D", "T1");
        pins.keep_with("E", "T1");
        assert_eq!((pins.team("D"), pins.team("E")), (Some("T2"), Some("T1")));
    }
}
