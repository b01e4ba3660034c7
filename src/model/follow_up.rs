//! The follow-up rules of an inspection, as a pure function: given a site's state (closed
//! or not, its open follow-ups) and one visit, what the visit resolves, opens and
//! leaves the site as. The store reads the state, calls [`next_follow_ups`] and writes
//! the effects in the visit's transaction; the rules are tested here without a database.
//!
//! - 整改 (rectification): a hazard opens one (or moves its due date); a compliant visit
//!   closes every open one and schedules a 回头看.
//! - 关停 (closure): ordering a site closed opens one and marks the site closed. A visit
//!   finding it closed, gone or compliant (nothing operating) fulfils it and schedules a
//!   回头看; a visit finding it operating without a licence leaves it open. No visit
//!   re-opens a closed site: that is a decision of its own.
//! - 回头看 (look-back): a visit on or after its date is it; one open per site, the
//!   newest date wins.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, DayUnit};

/// What the inspectors found at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionResult {
    /// 合规: nothing wrong.
    Compliant,
    /// 隐患: a hazard to rectify.
    Hazard,
    /// 违规办学: operating without the licence it needs.
    UnlicensedOperation,
    /// The premises were found closed.
    Closed,
    /// Nothing at the address.
    NotFound,
}

impl InspectionResult {
    /// Every result, in the order the CLI lists them.
    pub const ALL: [InspectionResult; 5] = [
        InspectionResult::Compliant,
        InspectionResult::Hazard,
        InspectionResult::UnlicensedOperation,
        InspectionResult::Closed,
        InspectionResult::NotFound,
    ];

    /// The stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            InspectionResult::Compliant => "compliant",
            InspectionResult::Hazard => "hazard",
            InspectionResult::UnlicensedOperation => "unlicensed_operation",
            InspectionResult::Closed => "closed",
            InspectionResult::NotFound => "not_found",
        }
    }

    /// The name leads read (Chinese).
    pub fn label_zh(self) -> &'static str {
        match self {
            InspectionResult::Compliant => "合规",
            InspectionResult::Hazard => "发现隐患",
            InspectionResult::UnlicensedOperation => "无证违规经营",
            InspectionResult::Closed => "已关闭",
            InspectionResult::NotFound => "未找到",
        }
    }

    /// A finding to record, if the result is one.
    pub fn is_finding(self) -> bool {
        matches!(
            self,
            InspectionResult::Hazard | InspectionResult::UnlicensedOperation
        )
    }
}

/// The kind of a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// 整改: fix the hazard by the due date.
    Rectification,
    /// 关停: ordered closed; open until an inspection finds it closed.
    Closure,
    /// 回头看: re-inspect on or after the due date to catch a rebound.
    Lookback,
}

/// Open or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// Still to be done.
    Open,
    /// Done: resolved by a later inspection.
    Done,
}

/// An open follow-up as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFollowUp {
    /// The follow-up's row id in the workspace.
    pub id: i64,
    /// 整改, 关停 or 回头看.
    pub kind: FollowUpKind,
    /// The day it falls due (township local date), if it has one.
    pub due: Option<NaiveDate>,
}

/// One visit, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    /// The day of the visit (township local date).
    pub day: NaiveDate,
    /// What the inspectors found.
    pub result: InspectionResult,
    /// 整改 due date for a hazard, or the closure's date when `close`.
    pub rectify_by: Option<NaiveDate>,
    /// Order the site closed (关停).
    pub close: bool,
    /// Schedule a 回头看 this many days later (else `policy.lookback_days` when one is due).
    pub lookback_days: Option<u32>,
}

/// The policy numbers the rules use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpPolicy {
    /// Days given to rectify a hazard when no date is set.
    pub rectify_days: i64,
    /// Days after a closure or a finished rectification before the 回头看.
    pub lookback_days: i64,
    /// How `rectify_days` counts (working days use [`Calendar::china`]).
    pub rectify_days_unit: DayUnit,
}

/// What a visit does to a site's follow-ups and status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FollowUpEffects {
    /// Open follow-ups this visit fulfils (by id).
    pub resolve: Vec<i64>,
    /// Open follow-ups whose due date moves.
    pub set_due: Vec<(i64, NaiveDate)>,
    /// Open follow-ups dropped, replaced by a newer one of the same kind.
    pub drop: Vec<i64>,
    /// Follow-ups to open: kind and due date.
    pub open: Vec<(FollowUpKind, NaiveDate)>,
    /// Whether the site is closed (关停) after the visit.
    pub site_closed: bool,
}

/// The follow-up state machine: what `visit` does to a site that is `closed` (or not)
/// with the `open` follow-ups.
///
/// ```
/// use chrono::NaiveDate;
/// use gridpatrol::model::follow_up::*;
/// let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
/// let policy = FollowUpPolicy { rectify_days: 14, lookback_days: 30, rectify_days_unit: Default::default() };
/// let closure = OpenFollowUp { id: 7, kind: FollowUpKind::Closure, due: Some(day) };
/// let visit = Visit { day, result: InspectionResult::Compliant, rectify_by: None, close: false, lookback_days: None };
/// let e = next_follow_ups(true, &[closure], &visit, &policy, gridpatrol::calendar::Calendar::china());
/// assert!(e.site_closed);            // a compliant visit does not re-open a closed site
/// assert_eq!(e.resolve, vec![7]);    // and it fulfils the closure order
/// ```
pub fn next_follow_ups(
    closed: bool,
    open: &[OpenFollowUp],
    visit: &Visit,
    policy: &FollowUpPolicy,
    calendar: &Calendar,
) -> FollowUpEffects {
    let mut e = FollowUpEffects {
        site_closed: closed || visit.close,
        ..FollowUpEffects::default()
    };
    let of_kind = |k: FollowUpKind| open.iter().filter(move |f| f.kind == k);
    let resolve_all = |e: &mut FollowUpEffects, k: FollowUpKind| -> bool {
        let before = e.resolve.len();
        e.resolve.extend(of_kind(k).map(|f| f.id));
        e.resolve.len() > before
    };
    // A visit on or after a 回头看's date is that 回头看.
    let lookbacks_done: Vec<i64> = of_kind(FollowUpKind::Lookback)
        .filter(|f| f.due.is_none_or(|d| d <= visit.day))
        .map(|f| f.id)
        .collect();
    e.resolve.extend(&lookbacks_done);
    let mut schedule_lookback = visit.lookback_days.is_some();
    match visit.result {
        InspectionResult::Compliant => {
            schedule_lookback |= resolve_all(&mut e, FollowUpKind::Rectification);
            if closed {
                // Found closed as ordered: nothing operates.
                schedule_lookback |= resolve_all(&mut e, FollowUpKind::Closure);
            }
        }
        InspectionResult::Hazard => match (
            of_kind(FollowUpKind::Rectification).next(),
            visit.rectify_by,
        ) {
            (Some(f), Some(due)) => e.set_due.push((f.id, due)),
            (Some(_), None) => {}
            (None, due) => e.open.push((
                FollowUpKind::Rectification,
                due.unwrap_or_else(|| {
                    let unit = policy.rectify_days_unit;
                    unit.add(visit.day, policy.rectify_days, calendar)
                }),
            )),
        },
        InspectionResult::Closed | InspectionResult::NotFound => {
            schedule_lookback |= resolve_all(&mut e, FollowUpKind::Closure);
        }
        InspectionResult::UnlicensedOperation => {}
    }
    if visit.close {
        e.open
            .push((FollowUpKind::Closure, visit.rectify_by.unwrap_or(visit.day)));
        schedule_lookback = true;
    }
    if schedule_lookback {
        e.drop.extend(
            of_kind(FollowUpKind::Lookback)
                .map(|f| f.id)
                .filter(|id| !lookbacks_done.contains(id)),
        );
        let days = visit.lookback_days.map_or(policy.lookback_days, i64::from);
        e.open
            .push((FollowUpKind::Lookback, visit.day + Duration::days(days)));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: FollowUpPolicy = FollowUpPolicy {
        rectify_days: 14,
        lookback_days: 30,
        rectify_days_unit: DayUnit::CalendarDays,
    };

    #[test]
    fn a_rectify_deadline_in_working_days_skips_national_day_and_counts_the_make_up_saturday() {
        let policy = FollowUpPolicy {
            rectify_days: 5,
            rectify_days_unit: DayUnit::WorkingDays,
            ..POLICY
        };
        // A hazard found on Monday 30 September 2024: 1-7 October is the holiday, and
        // Saturday 12 October a 调休 working day, so the 5th working day is 12 October.
        let mut v = visit(1, InspectionResult::Hazard);
        v.day = NaiveDate::from_ymd_opt(2024, 9, 30).unwrap();
        let e = next_follow_ups(false, &[], &v, &policy, Calendar::china());
        let due = NaiveDate::from_ymd_opt(2024, 10, 12).unwrap();
        assert_eq!(e.open, vec![(FollowUpKind::Rectification, due)]);
        // Counted in calendar days, as before: 5 October.
        let e = next_follow_ups(
            false,
            &[],
            &v,
            &FollowUpPolicy {
                rectify_days: 5,
                ..POLICY
            },
            Calendar::china(),
        );
        let due = NaiveDate::from_ymd_opt(2024, 10, 5).unwrap();
        assert_eq!(e.open, vec![(FollowUpKind::Rectification, due)]);
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
    }

    fn visit(d: u32, result: InspectionResult) -> Visit {
        Visit {
            day: day(d),
            result,
            rectify_by: None,
            close: false,
            lookback_days: None,
        }
    }

    fn follow(id: i64, kind: FollowUpKind, due: u32) -> OpenFollowUp {
        OpenFollowUp {
            id,
            kind,
            due: Some(day(due)),
        }
    }

    #[test]
    fn a_compliant_visit_keeps_a_closed_site_closed_and_fulfils_its_closure() {
        let open = [
            follow(1, FollowUpKind::Closure, 1),
            follow(2, FollowUpKind::Lookback, 31),
        ];
        let e = next_follow_ups(
            true,
            &open,
            &visit(10, InspectionResult::Compliant),
            &POLICY,
            Calendar::china(),
        );
        assert!(e.site_closed);
        assert_eq!(e.resolve, vec![1]);
        // The early visit is not the 回头看; the fulfilled closure schedules a new one.
        assert_eq!(e.drop, vec![2]);
        assert_eq!(
            e.open,
            vec![(FollowUpKind::Lookback, day(10) + Duration::days(30))]
        );
    }

    #[test]
    fn operating_without_a_licence_leaves_the_closure_open() {
        let open = [follow(1, FollowUpKind::Closure, 1)];
        let e = next_follow_ups(
            true,
            &open,
            &visit(10, InspectionResult::UnlicensedOperation),
            &POLICY,
            Calendar::china(),
        );
        assert!(e.site_closed && e.resolve.is_empty() && e.open.is_empty());
    }

    #[test]
    fn no_result_re_opens_a_closed_site() {
        for result in InspectionResult::ALL {
            let e = next_follow_ups(true, &[], &visit(10, result), &POLICY, Calendar::china());
            assert!(e.site_closed, "{result:?} re-opened the site");
        }
    }

    #[test]
    fn hazard_then_fix_then_lookback() {
        let e = next_follow_ups(
            false,
            &[],
            &visit(1, InspectionResult::Hazard),
            &POLICY,
            Calendar::china(),
        );
        assert_eq!(e.open, vec![(FollowUpKind::Rectification, day(15))]);
        let open = [follow(5, FollowUpKind::Rectification, 15)];
        let mut later = visit(3, InspectionResult::Hazard);
        later.rectify_by = Some(day(20));
        assert_eq!(
            next_follow_ups(false, &open, &later, &POLICY, Calendar::china()).set_due,
            vec![(5, day(20))]
        );
        let e = next_follow_ups(
            false,
            &open,
            &visit(9, InspectionResult::Compliant),
            &POLICY,
            Calendar::china(),
        );
        assert_eq!(e.resolve, vec![5]);
        assert_eq!(
            e.open,
            vec![(FollowUpKind::Lookback, day(9) + Duration::days(30))]
        );
        assert!(!e.site_closed);
    }

    #[test]
    fn ordering_a_closure_opens_it_with_a_lookback() {
        let mut v = visit(1, InspectionResult::UnlicensedOperation);
        v.close = true;
        v.lookback_days = Some(7);
        let e = next_follow_ups(false, &[], &v, &POLICY, Calendar::china());
        assert!(e.site_closed);
        assert_eq!(
            e.open,
            vec![
                (FollowUpKind::Closure, day(1)),
                (FollowUpKind::Lookback, day(8))
            ]
        );
    }
}
