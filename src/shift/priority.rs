//! A site's priority on the plan's date, and the prizes that make the solver follow it.
//!
//! Highest first: mandatory (an open tip-off 举报, or a 回头看 / rectification check
//! due), unlicensed, overdue by licence class, the rest; at night, hotspots flagged for a
//! night check before the others. Prizes are integers weighted so that one stop of a
//! higher class outweighs every stop of the lower classes together: the solver's
//! "maximise the prize" is then exactly this order.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Calendar, DayUnit};
use crate::model::Licence;
use crate::store::SitePriority;

/// A stop's priority class, highest first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    /// Tip-off (举报) not yet answered by an inspection, or a 回头看 / rectification
    /// check due: must be planned when at all feasible.
    Mandatory,
    /// An unlicensed institution (无证): next after the mandatory ones.
    Unlicensed,
    /// Past its licence class's inspection interval (or never inspected).
    Overdue,
    /// A hotspot flagged for a night check.
    NightCheck,
    /// Everything else.
    Routine,
}

/// The class's name as serialised (`mandatory`, `unlicensed`, ...).
/// The class as a lead names it (必查, 无证, 逾期, 夜查, 常规).
pub fn class_name_zh(c: PriorityClass) -> &'static str {
    match c {
        PriorityClass::Mandatory => "必查",
        PriorityClass::Unlicensed => "无证",
        PriorityClass::Overdue => "逾期",
        PriorityClass::NightCheck => "夜查",
        PriorityClass::Routine => "常规",
    }
}

/// The class's stable code (`mandatory`, `unlicensed`, …) for JSON and English text.
pub fn class_name(c: PriorityClass) -> &'static str {
    match c {
        PriorityClass::Mandatory => "mandatory",
        PriorityClass::Unlicensed => "unlicensed",
        PriorityClass::Overdue => "overdue",
        PriorityClass::NightCheck => "night_check",
        PriorityClass::Routine => "routine",
    }
}

/// How long an inspection answers a site's tip-offs (有报必查: complaint counts carry no
/// dates, so a tip-off counts as answered by an inspection at most this old).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TipOffWindow {
    /// The window's length.
    pub days: i64,
    /// Calendar days or working days.
    pub unit: DayUnit,
}

impl TipOffWindow {
    /// Whether an inspection of `p` answers its tip-offs on `date`.
    fn answered(&self, p: &SitePriority, date: NaiveDate, calendar: &Calendar) -> bool {
        match (self.unit, p.last_inspected) {
            (DayUnit::WorkingDays, Some(last)) => {
                DayUnit::WorkingDays.between(last, date, calendar) <= self.days
            }
            _ => p.days_since_inspection.is_some_and(|d| d <= self.days),
        }
    }
}

/// The class of an institution on `date`, with reasons.
pub(super) fn institution_class(
    p: &SitePriority,
    tip_offs: &TipOffWindow,
    date: NaiveDate,
    calendar: &Calendar,
) -> (PriorityClass, Vec<String>) {
    let mut why = Vec::new();
    // Dated register entries win; an imported count (no dates) counts only for a site
    // the register does not know, until a recent inspection answers it.
    let imported_open =
        !p.tip_offs_registered && p.complaints > 0 && !tip_offs.answered(p, date, calendar);
    if imported_open {
        why.push(format!("举报 {} 次", p.complaints));
    }
    for t in &p.tip_offs_due {
        why.push(if t.due < date {
            format!("举报 #{} 已逾期，应于 {} 前核查", t.id, t.due)
        } else {
            format!("举报 #{} 应于 {} 前核查", t.id, t.due)
        });
    }
    if p.reinspection_due_now {
        why.push("回头看 / 整改复查到期".into());
    }
    if p.closed {
        why.push("已关停：核查是否复开".into());
    }
    if p.licence == Licence::Unlicensed {
        why.push("无证无照".into());
    }
    if p.overdue {
        why.push(match p.days_since_inspection {
            Some(d) => format!("逾期：距上次检查 {d} 天"),
            None => "逾期：从未检查".into(),
        });
    }
    let class = if imported_open || !p.tip_offs_due.is_empty() || p.reinspection_due_now {
        PriorityClass::Mandatory
    } else if p.licence == Licence::Unlicensed {
        PriorityClass::Unlicensed
    } else if p.overdue {
        PriorityClass::Overdue
    } else {
        PriorityClass::Routine
    };
    (class, why)
}

/// A tie-break inside a class, 0..=4: longer since the last visit ranks higher.
fn days_bucket(days: Option<i64>) -> u32 {
    match days {
        None => 4,
        Some(d) => (d.clamp(0, 365) / 92) as u32,
    }
}

/// An institution's worth inside its class: 10, plus up to 4 the longer since its last
/// visit, plus 5 when no day team can visit it today (open only in the evening or at the
/// weekend: this shift is its chance); never enough to outweigh a second stop.
pub(super) fn institution_worth(days: Option<i64>, only_outside_day_shift: bool) -> u32 {
    10 + days_bucket(days) + if only_outside_day_shift { 5 } else { 0 }
}

/// A hotspot's worth inside its class: its score in tenths, plus one so that a hotspot
/// scored 0 still counts. Prizes then follow the score: the solver visits the
/// hotspots whose scores add up to the most, never a lower-scored one in place of a
/// higher-scored one it has time for.
pub(super) fn hotspot_worth(score: f64) -> u32 {
    1 + (score.max(0.0) * 10.0).round() as u32
}

/// Integer prizes `(class, worth inside it)` such that one stop of a class outweighs
/// all lower-class stops together.
pub(super) fn prizes(classes: &[(PriorityClass, u32)]) -> Vec<f64> {
    // The largest worth; at least that of an institution never inspected, so that
    // day prizes do not depend on which buckets happen to be present.
    let span = classes
        .iter()
        .map(|(_, worth)| f64::from(*worth))
        .fold(f64::from(institution_worth(None, false)), f64::max);
    let order = [
        PriorityClass::Routine,
        PriorityClass::NightCheck,
        PriorityClass::Overdue,
        PriorityClass::Unlicensed,
        PriorityClass::Mandatory,
    ];
    let mut base = [0.0f64; 5];
    let mut below = 0.0;
    for (k, class) in order.iter().enumerate() {
        base[k] = 1.0 + below;
        let n = classes.iter().filter(|(c, _)| c == class).count() as f64;
        below += n * span * base[k];
    }
    classes
        .iter()
        .map(|(c, worth)| {
            let k = order.iter().position(|o| o == c).unwrap_or(0);
            base[k] * f64::from(*worth)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priority(id: &str, licence: Licence, complaints: u32, days: Option<i64>) -> SitePriority {
        SitePriority {
            site_id: id.into(),
            licence,
            complaints,
            closed: false,
            last_inspected: None,
            last_result: None,
            days_since_inspection: days,
            overdue: days.is_none_or(|d| d > crate::rules::OverdueDays::default().after(licence)),
            open_follow_ups: Vec::new(),
            rectification_due: None,
            reinspection_due: None,
            reinspection_due_now: false,
            tip_offs_registered: false,
            tip_offs_due: Vec::new(),
        }
    }

    #[test]
    fn classes_follow_the_campaign_order() {
        let tip_offs = TipOffWindow {
            days: crate::rules::FollowUpRules::default().tip_off_handled_days,
            unit: DayUnit::CalendarDays,
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let class = |p: &SitePriority| institution_class(p, &tip_offs, today, Calendar::china()).0;
        assert_eq!(
            class(&priority("a", Licence::Licensed, 2, Some(90))),
            PriorityClass::Mandatory
        );
        // A tip-off answered by a recent inspection is no longer mandatory.
        assert_eq!(
            class(&priority("b", Licence::Licensed, 2, Some(3))),
            PriorityClass::Routine
        );
        assert_eq!(
            class(&priority("c", Licence::Unlicensed, 0, Some(3))),
            PriorityClass::Unlicensed
        );
        assert_eq!(
            class(&priority("d", Licence::Licensed, 0, Some(400))),
            PriorityClass::Overdue
        );
        assert_eq!(
            class(&priority("e", Licence::Licensed, 0, Some(10))),
            PriorityClass::Routine
        );
        let mut due = priority("f", Licence::Licensed, 0, Some(10));
        due.reinspection_due_now = true;
        assert_eq!(class(&due), PriorityClass::Mandatory);
    }

    #[test]
    fn a_tip_off_window_in_working_days_skips_the_national_day_holiday() {
        // Inspected on 27 September 2024; a tip-off window of 5 working days.
        let mut p = priority("a", Licence::Licensed, 1, None);
        p.last_inspected = NaiveDate::from_ymd_opt(2024, 9, 27);
        p.overdue = false;
        let mut on = |d: u32| {
            let date = NaiveDate::from_ymd_opt(2024, 10, d).unwrap();
            p.days_since_inspection = p.last_inspected.map(|l| (date - l).num_days());
            let working = TipOffWindow {
                days: 5,
                unit: DayUnit::WorkingDays,
            };
            let calendar_days = TipOffWindow {
                days: 5,
                unit: DayUnit::CalendarDays,
            };
            (
                institution_class(&p, &working, date, Calendar::china()).0,
                institution_class(&p, &calendar_days, date, Calendar::china()).0,
            )
        };
        // 29 Sep (a 调休 Sunday), 30 Sep, then 8-10 October: the 5th working day is 10 Oct.
        assert_eq!(on(10), (PriorityClass::Routine, PriorityClass::Mandatory));
        assert_eq!(on(11).0, PriorityClass::Mandatory);
    }

    #[test]
    fn register_tip_offs_win_over_an_imported_count() {
        let window = TipOffWindow {
            days: 30,
            unit: DayUnit::CalendarDays,
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        // A register entry waiting for its inspection: mandatory, with its deadline,
        // even right after a visit (an imported count would count as answered).
        let mut p = priority("a", Licence::Licensed, 0, Some(2));
        p.tip_offs_registered = true;
        p.tip_offs_due = vec![crate::store::TipOffDue { id: 7, due }];
        let (class, why) = institution_class(&p, &window, today, Calendar::china());
        assert_eq!(class, PriorityClass::Mandatory);
        assert!(
            why.contains(&"举报 #7 应于 2026-11-27 前核查".to_string()),
            "{why:?}"
        );
        let (_, why) = institution_class(
            &p,
            &window,
            due.succ_opt().unwrap().succ_opt().unwrap(),
            Calendar::china(),
        );
        assert!(why.iter().any(|w| w.contains("已逾期")), "{why:?}");
        // The register knows the site and has nothing open: its old imported count no
        // longer makes it mandatory.
        let mut q = priority("b", Licence::Licensed, 3, Some(90));
        assert_eq!(
            institution_class(&q, &window, today, Calendar::china()).0,
            PriorityClass::Mandatory
        );
        q.tip_offs_registered = true;
        assert_eq!(
            institution_class(&q, &window, today, Calendar::china()).0,
            PriorityClass::Routine
        );
    }

    #[test]
    fn one_higher_class_stop_outweighs_all_lower_ones() {
        let (oldest, newest) = (
            institution_worth(None, false),
            institution_worth(Some(0), false),
        );
        assert!(institution_worth(None, true) < 2 * newest);
        let mut classes = vec![(PriorityClass::Routine, oldest); 50];
        classes.extend(vec![(PriorityClass::Overdue, oldest); 30]);
        classes.push((PriorityClass::Overdue, newest));
        classes.extend(vec![(PriorityClass::Unlicensed, newest); 5]);
        let p = prizes(&classes);
        let sum = |c: PriorityClass| -> f64 {
            classes
                .iter()
                .zip(&p)
                .filter(|((k, _), _)| *k == c)
                .map(|(_, x)| x)
                .sum()
        };
        let least = |c: PriorityClass| -> f64 {
            classes
                .iter()
                .zip(&p)
                .filter(|((k, _), _)| *k == c)
                .map(|(_, x)| *x)
                .fold(f64::INFINITY, f64::min)
        };
        assert!(least(PriorityClass::Overdue) > sum(PriorityClass::Routine));
        assert!(
            least(PriorityClass::Unlicensed)
                > sum(PriorityClass::Routine) + sum(PriorityClass::Overdue)
        );
        assert!(
            p.iter().all(|x| x.fract() == 0.0),
            "integers add up exactly"
        );
    }

    #[test]
    fn hotspot_prizes_follow_the_score() {
        let scores = [19.0, 16.0, 9.0, 0.0];
        let classes: Vec<_> = scores
            .iter()
            .map(|&s| (PriorityClass::NightCheck, hotspot_worth(s)))
            .collect();
        let p = prizes(&classes);
        assert!(p.windows(2).all(|w| w[0] > w[1]), "{p:?}");
        assert!(p[3] > 0.0, "a hotspot scored 0 still counts");
        // A higher score is worth more than a lower one plus the travel it saves: one
        // 19 outweighs two 9s.
        assert!(p[0] > 2.0 * p[2]);
        // Night checks still outweigh every routine hotspot together.
        let mut mixed = classes.clone();
        mixed.extend(vec![(PriorityClass::Routine, hotspot_worth(25.0)); 40]);
        let q = prizes(&mixed);
        assert!(q[3] > q[4..].iter().sum::<f64>());
    }
}
