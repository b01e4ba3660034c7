//! When a record may be dated: not in the future, and not before the township's
//! campaign data begin. A pure rule, so the store applies the same check to the CLI,
//! the API and device uploads alike.

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// The day the 双减 campaign began (the central opinion of 24 July 2021): the earliest
/// campaign start a township can have, and the start of one that set none.
pub const CAMPAIGN_EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(2021, 7, 24) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// How far past the clock a record may be dated (a field device's clock drifts).
pub const CLOCK_SKEW_S: i64 = 300;

/// Why a record's time is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateProblem {
    /// Later than now (beyond the allowed clock skew).
    #[error("{at} is in the future (now {now})")]
    Future {
        /// The record's time, township local time.
        at: NaiveDateTime,
        /// The clock at the check, township local time.
        now: NaiveDateTime,
    },
    /// Earlier than the township's campaign start.
    #[error("{at} is before the township's campaign data begin ({start})")]
    BeforeCampaign {
        /// The record's time, township local time.
        at: NaiveDateTime,
        /// The township's campaign start.
        start: NaiveDate,
    },
}

/// A run of whole days, `from` to `to` inclusive (township dates): the map's window,
/// a coverage period, a campaign.
///
/// ```
/// use chrono::NaiveDate;
/// use gridpatrol::model::dates::DateWindow;
/// let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
/// let w = DateWindow::new(d(1), d(30)).unwrap();
/// assert_eq!(w.days(), 30);
/// assert!(w.contains(d(30)) && !w.contains(d(1).pred_opt().unwrap()));
/// assert!(DateWindow::new(d(2), d(1)).is_none());
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct DateWindow {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (included).
    pub to: NaiveDate,
}

impl DateWindow {
    /// The days `from..=to`; `None` when `to` is before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Option<Self> {
        (from <= to).then_some(Self { from, to })
    }

    /// Whether `day` lies in the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// How many days it holds.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Its first instant and the first instant after it: `[start, end)` for queries
    /// on times.
    pub fn instants(&self) -> (NaiveDateTime, NaiveDateTime) {
        let start = self.from.and_time(chrono::NaiveTime::MIN);
        let end = self
            .to
            .succ_opt()
            .unwrap_or(self.to)
            .and_time(chrono::NaiveTime::MIN);
        (start, end)
    }
}

/// Checks that a record dated `at` lies between `campaign_start` and `now` (local
/// time of the township, with [`CLOCK_SKEW_S`] of slack for a device's clock).
///
/// ```
/// use chrono::NaiveDate;
/// use gridpatrol::model::dates::{check_record_time, CAMPAIGN_EPOCH};
/// let now = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// assert!(check_record_time(now - chrono::Duration::days(1), now, CAMPAIGN_EPOCH).is_ok());
/// assert!(check_record_time(now + chrono::Duration::days(1), now, CAMPAIGN_EPOCH).is_err());
/// ```
pub fn check_record_time(
    at: NaiveDateTime,
    now: NaiveDateTime,
    campaign_start: NaiveDate,
) -> Result<(), DateProblem> {
    if at > now + Duration::seconds(CLOCK_SKEW_S) {
        return Err(DateProblem::Future { at, now });
    }
    if at.date() < campaign_start {
        return Err(DateProblem::BeforeCampaign {
            at,
            start: campaign_start,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_window_runs_from_the_campaign_start_to_now_plus_the_skew() {
        let now = t("2025-03-01 12:00");
        let start = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
        assert!(check_record_time(t("2024-09-01 00:00"), now, start).is_ok());
        assert!(check_record_time(t("2025-03-01 12:04"), now, start).is_ok());
        assert!(matches!(
            check_record_time(t("2025-03-01 12:06"), now, start),
            Err(DateProblem::Future { .. })
        ));
        assert!(matches!(
            check_record_time(t("2024-08-31 23:59"), now, start),
            Err(DateProblem::BeforeCampaign { .. })
        ));
    }
}
