//! Days and hours: when the township works and when a site is open.
//!
//! - [`holidays`]: China's public holidays and 调休 make-up working days from the State
//!   Council's yearly notices (`data/calendar/cn-holidays.toml`, embedded), with working-day
//!   arithmetic for deadlines counted in working days (整改 deadlines, 有报必查 within N
//!   working days).
//! - [`opening_hours`]: a site's opening hours by weekday, read from OSM's `opening_hours`
//!   syntax or the Chinese forms leads type (`周一至周五 16:00-21:00；周六、周日 08:00-20:00`).
//! - [`roster`]: each team's members, duty weekdays, leave and weekend duty dates, and whether
//!   a team is on duty on a given day (an inspection needs two officers).
//!
//! Plain data and pure functions: nothing here knows about routes, the store or HTTP.

pub mod holidays;
pub mod opening_hours;
pub mod roster;

pub use holidays::{Calendar, CalendarError, DayUnit, NoticeSource};
pub use opening_hours::{OpenSpan, OpeningHours, OpeningHoursError};
pub use roster::{DutyRoster, RosterError, TeamDuty, MIN_OFFICERS};

/// The 1-based line of a byte offset in `text`, for errors that name a line.
pub(crate) fn line_of(text: &str, byte_offset: usize) -> usize {
    let end = byte_offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::line_of;

    #[test]
    fn line_of_counts_newlines_before_the_offset() {
        let text = "a\nbb\nccc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 5), 3);
        assert_eq!(line_of(text, 999), 3);
    }
}
