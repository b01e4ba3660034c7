//! The lead's pins (钉选): a site kept to a team or to a day, marked must-visit, or left
//! out. The planners honour them ([`crate::shift::pins`]); the store keeps them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What a pin asks of the planner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PinRule {
    /// Only this team visits the site (指定队伍).
    Team {
        /// The team's id.
        team: String,
    },
    /// The site is visited on this day and on no other (指定日期).
    Day {
        /// The township date.
        date: NaiveDate,
    },
    /// The site must be visited in the shift it is planned for (必查).
    MustVisit,
    /// The site is left out of every plan (暂不安排).
    Exclude,
}

impl PinRule {
    /// The rule's kind as the store and the API name it: `team`, `day`, `must_visit` or
    /// `exclude`.
    pub fn kind(&self) -> &'static str {
        match self {
            PinRule::Team { .. } => "team",
            PinRule::Day { .. } => "day",
            PinRule::MustVisit => "must_visit",
            PinRule::Exclude => "exclude",
        }
    }

    /// The rule for people, in Chinese.
    ///
    /// ```
    /// use gridpatrol::model::pin::PinRule;
    /// assert_eq!(PinRule::Team { team: "T2".into() }.describe_zh(), "指定由 T2 检查");
    /// assert_eq!(PinRule::Exclude.describe_zh(), "暂不安排");
    /// ```
    pub fn describe_zh(&self) -> String {
        match self {
            PinRule::Team { team } => format!("指定由 {team} 检查"),
            PinRule::Day { date } => format!("指定 {date} 检查"),
            PinRule::MustVisit => "必查".to_string(),
            PinRule::Exclude => "暂不安排".to_string(),
        }
    }
}

/// One pin of one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pin {
    /// The site (institution or hotspot) pinned.
    pub site_id: String,
    /// What the pin asks.
    #[serde(flatten)]
    pub rule: PinRule,
    /// Why, in the lead's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Pin {
    /// A pin of `site_id` without a note.
    ///
    /// ```
    /// use gridpatrol::model::pin::{Pin, PinRule};
    /// let p = Pin::new("I001", PinRule::MustVisit);
    /// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"site_id":"I001","kind":"must_visit"}"#);
    /// ```
    pub fn new(site_id: impl Into<String>, rule: PinRule) -> Self {
        Self {
            site_id: site_id.into(),
            rule,
            note: None,
        }
    }
}

/// A pin that cannot stand beside the site's other pins.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PinError {
    /// Leaving a site out contradicts keeping it to a team or a day, or visiting it.
    #[error("site `{site}`: a pin `{new}` contradicts its pin `{existing}`; remove that first")]
    Contradicts {
        /// The site's id.
        site: String,
        /// The kind of pin asked for.
        new: &'static str,
        /// The kind of pin the site has.
        existing: &'static str,
    },
    /// A team pin with an empty team id.
    #[error("site `{0}`: a team pin needs a team id")]
    EmptyTeam(String),
}

/// Whether `new` may join a site's `existing` pins (one pin per kind replaces the old
/// one; `exclude` stands alone).
///
/// ```
/// use gridpatrol::model::pin::{check_pin, Pin, PinRule};
/// let must = Pin { site_id: "S1".into(), rule: PinRule::MustVisit, note: None };
/// let out = Pin { site_id: "S1".into(), rule: PinRule::Exclude, note: None };
/// assert!(check_pin(&out, &[must]).is_err());
/// ```
pub fn check_pin(new: &Pin, existing: &[Pin]) -> Result<(), PinError> {
    if let PinRule::Team { team } = &new.rule {
        if team.trim().is_empty() {
            return Err(PinError::EmptyTeam(new.site_id.clone()));
        }
    }
    let clash = existing
        .iter()
        .filter(|p| p.site_id == new.site_id && p.rule.kind() != new.rule.kind())
        .find(|p| (p.rule == PinRule::Exclude) != (new.rule == PinRule::Exclude));
    match clash {
        Some(p) => Err(PinError::Contradicts {
            site: new.site_id.clone(),
            new: new.rule.kind(),
            existing: p.rule.kind(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn exclude_stands_alone_and_a_kind_replaces_itself() {
        let team = Pin::new("S", PinRule::Team { team: "T1".into() });
        let must = Pin::new("S", PinRule::MustVisit);
        let out = Pin::new("S", PinRule::Exclude);
        assert!(check_pin(&must, std::slice::from_ref(&team)).is_ok());
        assert!(matches!(
            check_pin(&out, &[team.clone(), must]),
            Err(PinError::Contradicts { .. })
        ));
        assert!(check_pin(&team, std::slice::from_ref(&out)).is_err());
        assert!(check_pin(&Pin::new("S", PinRule::Team { team: "T3".into() }), &[team]).is_ok());
        assert!(check_pin(&Pin::new("other", PinRule::Exclude), &[out]).is_ok());
        assert_eq!(
            check_pin(&Pin::new("S", PinRule::Team { team: " ".into() }), &[]),
            Err(PinError::EmptyTeam("S".into()))
        );
    }

    #[test]
    fn pins_read_and_write_as_flat_json() {
        let p = Pin::new(
            "S1",
            PinRule::Day {
                date: day("2026-11-24"),
            },
        );
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(text, r#"{"site_id":"S1","kind":"day","date":"2026-11-24"}"#);
        assert_eq!(serde_json::from_str::<Pin>(&text).unwrap(), p);
    }
}
