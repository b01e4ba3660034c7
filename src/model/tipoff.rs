//! The 举报 register's rules, as pure functions: where a tip-off comes from, the steps
//! it goes through (received → assigned → handled by an inspection → verified →
//! answered → closed), which step may follow which, its deadline in working days
//! (有报必查) and when it is overdue. The store keeps tip-offs and calls these; they are
//! tested here without a database.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;

/// Where a tip-off came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TipOffSource {
    /// 12345 热线 (the citizens' hotline).
    #[serde(rename = "hotline_12345")]
    Hotline12345,
    /// 电话: a call to the office.
    Phone,
    /// 来信: a letter.
    Letter,
    /// 网络: a web form, e-mail or message.
    Online,
    /// 上级交办: passed down by the county or district.
    Superior,
}

impl TipOffSource {
    /// Every source, in the order forms list them.
    pub const ALL: [TipOffSource; 5] = [
        TipOffSource::Hotline12345,
        TipOffSource::Phone,
        TipOffSource::Letter,
        TipOffSource::Online,
        TipOffSource::Superior,
    ];

    /// The stored, API and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            TipOffSource::Hotline12345 => "hotline_12345",
            TipOffSource::Phone => "phone",
            TipOffSource::Letter => "letter",
            TipOffSource::Online => "online",
            TipOffSource::Superior => "superior",
        }
    }

    /// The name leads read.
    pub fn label_zh(self) -> &'static str {
        match self {
            TipOffSource::Hotline12345 => "12345热线",
            TipOffSource::Phone => "电话",
            TipOffSource::Letter => "来信",
            TipOffSource::Online => "网络",
            TipOffSource::Superior => "上级交办",
        }
    }

    /// The source named `text` (stored name or Chinese label).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|s| {
            s.as_str() == text
                || s.label_zh() == text
                || (text == "12345" && *s == TipOffSource::Hotline12345)
        })
    }
}

/// Where a tip-off stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TipOffStatus {
    /// 已受理: received, no team yet.
    Received,
    /// 已交办: a team has it, with a deadline.
    Assigned,
    /// 已核查: an inspection of the site answers it.
    Handled,
    /// 已核实: the lead has judged what the inspection found.
    Verified,
    /// 已答复: the complainant (or the superior) has the answer.
    Answered,
    /// 已办结: done.
    Closed,
}

impl TipOffStatus {
    /// Every status, in order.
    pub const ALL: [TipOffStatus; 6] = [
        TipOffStatus::Received,
        TipOffStatus::Assigned,
        TipOffStatus::Handled,
        TipOffStatus::Verified,
        TipOffStatus::Answered,
        TipOffStatus::Closed,
    ];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            TipOffStatus::Received => "received",
            TipOffStatus::Assigned => "assigned",
            TipOffStatus::Handled => "handled",
            TipOffStatus::Verified => "verified",
            TipOffStatus::Answered => "answered",
            TipOffStatus::Closed => "closed",
        }
    }

    /// The name leads read.
    pub fn label_zh(self) -> &'static str {
        match self {
            TipOffStatus::Received => "已受理",
            TipOffStatus::Assigned => "已交办",
            TipOffStatus::Handled => "已核查",
            TipOffStatus::Verified => "已核实",
            TipOffStatus::Answered => "已答复",
            TipOffStatus::Closed => "已办结",
        }
    }

    /// The status named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// Not closed yet.
    pub fn is_open(self) -> bool {
        self != TipOffStatus::Closed
    }

    /// Still waiting for the inspection that answers it (有报必查): what the planner
    /// must schedule.
    pub fn awaits_inspection(self) -> bool {
        matches!(self, TipOffStatus::Received | TipOffStatus::Assigned)
    }
}

/// What the check found of the complaint (核实结论).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TipOffVerdict {
    /// 属实.
    Substantiated,
    /// 部分属实.
    PartlySubstantiated,
    /// 不属实.
    Unsubstantiated,
}

impl TipOffVerdict {
    /// Every verdict.
    pub const ALL: [TipOffVerdict; 3] = [
        TipOffVerdict::Substantiated,
        TipOffVerdict::PartlySubstantiated,
        TipOffVerdict::Unsubstantiated,
    ];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            TipOffVerdict::Substantiated => "substantiated",
            TipOffVerdict::PartlySubstantiated => "partly_substantiated",
            TipOffVerdict::Unsubstantiated => "unsubstantiated",
        }
    }

    /// The name leads read.
    pub fn label_zh(self) -> &'static str {
        match self {
            TipOffVerdict::Substantiated => "属实",
            TipOffVerdict::PartlySubstantiated => "部分属实",
            TipOffVerdict::Unsubstantiated => "不属实",
        }
    }

    /// The verdict named `text` (stored name or Chinese label).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == text || v.label_zh() == text)
    }
}

/// A step a tip-off may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TipOffStep {
    /// 交办: give it to a team (again, while no inspection answers it).
    Assign,
    /// 核查: link the inspection that answers it.
    Handle,
    /// 核实: judge what the inspection found.
    Verify,
    /// 答复: record the answer given.
    Answer,
    /// 办结: close it.
    Close,
}

impl TipOffStep {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            TipOffStep::Assign => "assign",
            TipOffStep::Handle => "handle",
            TipOffStep::Verify => "verify",
            TipOffStep::Answer => "answer",
            TipOffStep::Close => "close",
        }
    }

    /// The name leads read.
    pub fn label_zh(self) -> &'static str {
        match self {
            TipOffStep::Assign => "交办",
            TipOffStep::Handle => "核查",
            TipOffStep::Verify => "核实",
            TipOffStep::Answer => "答复",
            TipOffStep::Close => "办结",
        }
    }

    /// The status the step leads to.
    pub fn leads_to(self) -> TipOffStatus {
        match self {
            TipOffStep::Assign => TipOffStatus::Assigned,
            TipOffStep::Handle => TipOffStatus::Handled,
            TipOffStep::Verify => TipOffStatus::Verified,
            TipOffStep::Answer => TipOffStatus::Answered,
            TipOffStep::Close => TipOffStatus::Closed,
        }
    }

    /// The statuses the step may start from.
    fn allowed_from(self) -> &'static [TipOffStatus] {
        use TipOffStatus::*;
        match self {
            TipOffStep::Assign => &[Received, Assigned],
            TipOffStep::Handle => &[Assigned],
            TipOffStep::Verify => &[Handled],
            TipOffStep::Answer => &[Verified],
            TipOffStep::Close => &[Answered],
        }
    }
}

/// A step refused: the tip-off is not where the step may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("tip-off is {} ({}): cannot {} ({}) it; {}", .from.as_str(), .from.label_zh(), .step.as_str(), .step.label_zh(), hint(*.from))]
pub struct WrongStep {
    /// Where the tip-off stands.
    pub from: TipOffStatus,
    /// The step refused.
    pub step: TipOffStep,
}

/// What may be done next from `status`, for the refusal's message.
fn hint(status: TipOffStatus) -> &'static str {
    match status {
        TipOffStatus::Received => "assign it to a team first (交办)",
        TipOffStatus::Assigned => "link the inspection that checked it next (核查)",
        TipOffStatus::Handled => "verify what the inspection found next (核实)",
        TipOffStatus::Verified => "record the answer next (答复)",
        TipOffStatus::Answered => "close it next (办结)",
        TipOffStatus::Closed => "it is closed (已办结): nothing more to do",
    }
}

/// The status after `step` from `from`, or why the step is refused.
pub fn next_status(from: TipOffStatus, step: TipOffStep) -> Result<TipOffStatus, WrongStep> {
    if step.allowed_from().contains(&from) {
        Ok(step.leads_to())
    } else {
        Err(WrongStep { from, step })
    }
}

/// The day a tip-off received on `received` must be checked by (有报必查): `working_days`
/// working days later on `calendar` (the receiving day not counted), so holidays and
/// 调休 move it.
pub fn deadline(received: NaiveDate, working_days: u32, calendar: &Calendar) -> NaiveDate {
    calendar.add_working_days(received, working_days)
}

/// A tip-off still waiting for its inspection after its deadline, on `today`.
pub fn is_overdue(status: TipOffStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status.awaits_inspection() && today > due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_steps_go_in_order_and_wrong_ones_are_refused_with_what_comes_next() {
        use TipOffStatus::*;
        let path = [
            (TipOffStep::Assign, Assigned),
            (TipOffStep::Handle, Handled),
            (TipOffStep::Verify, Verified),
            (TipOffStep::Answer, Answered),
            (TipOffStep::Close, Closed),
        ];
        let mut status = Received;
        for (step, after) in path {
            status = next_status(status, step).unwrap();
            assert_eq!(status, after);
        }
        // Every other pair is refused, naming where it stands and what is next.
        for from in TipOffStatus::ALL {
            for (step, _) in path {
                let allowed = matches!(
                    (from, step),
                    (Received | Assigned, TipOffStep::Assign)
                        | (Assigned, TipOffStep::Handle)
                        | (Handled, TipOffStep::Verify)
                        | (Verified, TipOffStep::Answer)
                        | (Answered, TipOffStep::Close)
                );
                assert_eq!(
                    next_status(from, step).is_ok(),
                    allowed,
                    "{from:?} {step:?}"
                );
            }
        }
        let err = next_status(Received, TipOffStep::Close)
            .unwrap_err()
            .to_string();
        assert!(err.contains("received") && err.contains("交办"), "{err}");
        let err = next_status(Closed, TipOffStep::Assign)
            .unwrap_err()
            .to_string();
        assert!(err.contains("已办结"), "{err}");
        // Re-assigning before the check is allowed; after it, not.
        assert_eq!(next_status(Assigned, TipOffStep::Assign), Ok(Assigned));
        assert!(next_status(Handled, TipOffStep::Assign).is_err());
    }

    #[test]
    fn a_tip_off_received_on_30_september_is_due_after_the_national_day_holiday() {
        let china = Calendar::china();
        // 2024: 1-7 October off; 29 September (Sunday) and 12 October (Saturday) worked.
        assert_eq!(deadline(day(2024, 9, 30), 5, china), day(2024, 10, 12));
        // Without the calendar it would be 7 October, inside the holiday.
        assert_eq!(
            deadline(day(2024, 9, 30), 5, &Calendar::weekdays_only()),
            day(2024, 10, 7)
        );
        // 2025: 1-8 October off, 11 October (Saturday) worked.
        assert_eq!(deadline(day(2025, 9, 30), 1, china), day(2025, 10, 9));
        // An ordinary week: Monday + 5 working days is the next Monday.
        assert_eq!(deadline(day(2025, 11, 3), 5, china), day(2025, 11, 10));
    }

    #[test]
    fn overdue_means_still_unchecked_after_the_deadline() {
        let due = day(2024, 10, 12);
        assert!(!is_overdue(TipOffStatus::Assigned, due, due));
        assert!(is_overdue(TipOffStatus::Assigned, due, day(2024, 10, 13)));
        assert!(is_overdue(TipOffStatus::Received, due, day(2024, 10, 13)));
        assert!(!is_overdue(TipOffStatus::Handled, due, day(2024, 10, 13)));
        assert!(!is_overdue(TipOffStatus::Closed, due, day(2024, 12, 1)));
    }

    #[test]
    fn sources_read_by_name_or_label() {
        for s in TipOffSource::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                s.as_str(),
                "the API's name is the stored one"
            );
            assert_eq!(TipOffSource::parse(s.as_str()), Some(s));
            assert_eq!(TipOffSource::parse(s.label_zh()), Some(s));
        }
        assert_eq!(
            TipOffSource::parse("12345"),
            Some(TipOffSource::Hotline12345)
        );
        assert_eq!(TipOffSource::parse("fax"), None);
    }
}
