//! China's working-day calendar: public holidays and 调休 make-up working days.
//!
//! The dates come from the State Council's yearly notices (国务院办公厅关于XXXX年部分节假日
//! 安排的通知), kept as data in `data/calendar/cn-holidays.toml` and embedded at build time;
//! each year names its notices. The notice for next year appears in November, so a lead can
//! add it (or correct a year) with a file of the same format: [`Calendar::with_overrides`].
//!
//! A working day is Monday to Friday unless a notice gives it off, plus the Saturdays and
//! Sundays a notice makes working days (上班). Outside the years the data covers, every
//! Monday to Friday is a working day; [`Calendar::covers`] tells callers when that is so.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::line_of;

/// The embedded schedule, as published.
const CHINA_TOML: &str = include_str!("../../data/calendar/cn-holidays.toml");
/// How the embedded file is named in errors.
const CHINA_ORIGIN: &str = "data/calendar/cn-holidays.toml";

/// A calendar file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The file could not be read.
    #[error("{origin}: cannot read: {source}")]
    Read {
        /// The file's path.
        origin: String,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// The file was read but one entry is wrong.
    #[error("{origin} line {line}: {problem}")]
    Invalid {
        /// The file's path (or the embedded data's name).
        origin: String,
        /// 1-based line of the entry.
        line: usize,
        /// What is wrong, in words.
        problem: String,
    },
}

/// One notice a year's dates come from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeSource {
    /// The notice's title, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
    pub title: String,
    /// Where it is published (www.gov.cn).
    pub url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    year: Vec<Spanned<YearDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearDoc {
    year: i32,
    sources: Vec<NoticeSource>,
    holidays: Vec<HolidayDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayDoc {
    name: String,
    #[serde(default)]
    off: Vec<Spanned<String>>,
    #[serde(default)]
    work: Vec<Spanned<String>>,
}

/// One date of a year's schedule and where it was written.
#[derive(Debug, Clone)]
struct DatedEntry {
    date: NaiveDate,
    holiday: String,
    origin: String,
    line: usize,
}

/// One notice year: its sources, days off and make-up working days.
#[derive(Debug, Clone)]
struct YearSchedule {
    sources: Vec<NoticeSource>,
    days_off: Vec<DatedEntry>,
    make_up_days: Vec<DatedEntry>,
}

/// Public holidays and 调休 make-up working days, by date.
#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeMap<i32, YearSchedule>,
    days_off: BTreeMap<NaiveDate, String>,
    make_up_days: BTreeMap<NaiveDate, String>,
}

/// How a period given in days is counted: calendar days, or working days of the
/// [`Calendar`] (holidays skipped, 调休 Saturdays counted), as the campaign notices count
/// 整改 deadlines and 有报必查 windows.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    /// Every day counts.
    #[default]
    CalendarDays,
    /// Only the calendar's working days count.
    WorkingDays,
}

impl DayUnit {
    /// The date `n` days of this unit after `date`.
    ///
    /// ```
    /// use gridpatrol::calendar::{Calendar, DayUnit};
    /// let sep30 = chrono::NaiveDate::from_ymd_opt(2024, 9, 30).unwrap();
    /// let due = DayUnit::WorkingDays.add(sep30, 1, Calendar::china());
    /// assert_eq!(due.to_string(), "2024-10-08"); // 1-7 October is the National Day holiday
    /// ```
    pub fn add(self, date: NaiveDate, n: i64, calendar: &Calendar) -> NaiveDate {
        match self {
            DayUnit::CalendarDays => date
                .checked_add_signed(chrono::Duration::days(n))
                .unwrap_or(NaiveDate::MAX),
            DayUnit::WorkingDays => {
                calendar.add_working_days(date, u32::try_from(n.max(0)).unwrap_or(u32::MAX))
            }
        }
    }

    /// How many days of this unit fall after `from` up to and including `to`.
    pub fn between(self, from: NaiveDate, to: NaiveDate, calendar: &Calendar) -> i64 {
        match self {
            DayUnit::CalendarDays => (to - from).num_days(),
            DayUnit::WorkingDays => i64::from(calendar.working_days_between(from, to)),
        }
    }
}

/// China's calendar ([`Calendar::china`]).
impl Default for Calendar {
    fn default() -> Self {
        Calendar::china().clone()
    }
}

impl Calendar {
    /// China's calendar as published by the State Council, from the embedded data file.
    pub fn china() -> &'static Calendar {
        static CHINA: OnceLock<Calendar> = OnceLock::new();
        CHINA.get_or_init(|| {
            // The embedded file is checked by the tests below; failing here is a build error.
            Calendar::from_toml(CHINA_TOML, CHINA_ORIGIN)
                .unwrap_or_else(|e| panic!("embedded holiday data is invalid: {e}"))
        })
    }

    /// A calendar with no holidays: Monday to Friday are the working days.
    pub fn weekdays_only() -> Calendar {
        Calendar {
            years: BTreeMap::new(),
            days_off: BTreeMap::new(),
            make_up_days: BTreeMap::new(),
        }
    }

    /// Reads a calendar file's text; `origin` names it in errors (usually its path).
    pub fn from_toml(text: &str, origin: &str) -> Result<Calendar, CalendarError> {
        let years = read_years(text, origin)?;
        Calendar::from_years(years)
    }

    /// This calendar with the years in the file at `path` added; a year the file lists
    /// replaces the same year here (a corrected or newly published notice).
    pub fn with_overrides(&self, path: &Path) -> Result<Calendar, CalendarError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CalendarError::Read {
            origin: origin.clone(),
            source,
        })?;
        self.with_overrides_text(&text, &origin)
    }

    /// [`Calendar::with_overrides`] for text already read; `origin` names it in errors.
    pub fn with_overrides_text(&self, text: &str, origin: &str) -> Result<Calendar, CalendarError> {
        let mut years = self.years.clone();
        years.extend(read_years(text, origin)?);
        Calendar::from_years(years)
    }

    fn from_years(years: BTreeMap<i32, YearSchedule>) -> Result<Calendar, CalendarError> {
        let mut days_off: BTreeMap<NaiveDate, &DatedEntry> = BTreeMap::new();
        let mut make_up_days: BTreeMap<NaiveDate, &DatedEntry> = BTreeMap::new();
        for schedule in years.values() {
            for entry in &schedule.days_off {
                if let Some(first) = days_off.insert(entry.date, entry) {
                    return Err(listed_twice(entry, first, "a day off"));
                }
            }
            for entry in &schedule.make_up_days {
                if let Some(first) = make_up_days.insert(entry.date, entry) {
                    return Err(listed_twice(entry, first, "a make-up working day"));
                }
            }
        }
        for (date, entry) in &make_up_days {
            if let Some(off) = days_off.get(date) {
                return Err(invalid(
                    entry,
                    format!(
                        "{date} is listed both as a make-up working day ({}) and as a day off ({}, {} line {})",
                        entry.holiday, off.holiday, off.origin, off.line
                    ),
                ));
            }
        }
        let names = |map: BTreeMap<NaiveDate, &DatedEntry>| {
            map.into_iter()
                .map(|(date, entry)| (date, entry.holiday.clone()))
                .collect()
        };
        Ok(Calendar {
            days_off: names(days_off),
            make_up_days: names(make_up_days),
            years,
        })
    }

    /// Whether a notice gives `date` off (放假), weekends inside a break included.
    pub fn is_public_holiday(&self, date: NaiveDate) -> bool {
        self.days_off.contains_key(&date)
    }

    /// The holiday `date` belongs to (e.g. 春节), if a notice gives it off.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.days_off.get(&date).map(String::as_str)
    }

    /// Whether `date` is a Saturday or Sunday a notice makes a working day (调休上班).
    pub fn is_make_up_working_day(&self, date: NaiveDate) -> bool {
        self.make_up_days.contains_key(&date)
    }

    /// Whether offices work on `date`: Monday to Friday unless a holiday, or a make-up day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.make_up_days.contains_key(&date) {
            return true;
        }
        !is_weekend(date) && !self.days_off.contains_key(&date)
    }

    /// The day `n` working days after `date` (`date` itself not counted); `n = 0` gives
    /// `date`. "整改 within 5 working days of the 3rd" is due on `add_working_days(3rd, 5)`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut left = n;
        while left > 0 && day < NaiveDate::MAX {
            day = next_day(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// How many working days fall after `from` up to and including `to` (0 if `to <= from`),
    /// so that `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = next_day(day);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// Whether a notice for `date`'s year is in the data (otherwise only weekends are off).
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years.contains_key(&date.year())
    }

    /// The notice years the calendar holds, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// The notices a year's dates come from (empty if the year is not covered).
    pub fn sources(&self, year: i32) -> &[NoticeSource] {
        self.years
            .get(&year)
            .map(|y| y.sources.as_slice())
            .unwrap_or_default()
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(1))
        .unwrap_or(NaiveDate::MAX)
}

fn invalid(entry: &DatedEntry, problem: String) -> CalendarError {
    CalendarError::Invalid {
        origin: entry.origin.clone(),
        line: entry.line,
        problem,
    }
}

fn listed_twice(entry: &DatedEntry, first: &DatedEntry, what: &str) -> CalendarError {
    invalid(
        entry,
        format!(
            "{} is listed twice as {what} ({}; first for {} at {} line {})",
            entry.date, entry.holiday, first.holiday, first.origin, first.line
        ),
    )
}

/// Parses a file into its notice years, checking each date where it is written.
fn read_years(text: &str, origin: &str) -> Result<BTreeMap<i32, YearSchedule>, CalendarError> {
    let doc: FileDoc = toml::from_str(text).map_err(|e| CalendarError::Invalid {
        origin: origin.to_string(),
        line: e.span().map_or(1, |span| line_of(text, span.start)),
        problem: e.message().trim().to_string(),
    })?;
    let mut years = BTreeMap::new();
    for spanned in doc.year {
        let line = line_of(text, spanned.span().start);
        let year_doc = spanned.into_inner();
        let year = year_doc.year;
        let at = |problem: String| CalendarError::Invalid {
            origin: origin.to_string(),
            line,
            problem,
        };
        if year_doc.sources.is_empty() {
            return Err(at(format!("year {year} names no source notice")));
        }
        if let Some(bad) = year_doc
            .sources
            .iter()
            .find(|s| s.title.trim().is_empty() || s.url.trim().is_empty())
        {
            return Err(at(format!(
                "year {year}: a source needs a title and a url: {bad:?}"
            )));
        }
        let schedule = read_year(&year_doc, text, origin)?;
        if years.insert(year, schedule).is_some() {
            return Err(at(format!("year {year} is listed twice")));
        }
    }
    Ok(years)
}

fn read_year(doc: &YearDoc, text: &str, origin: &str) -> Result<YearSchedule, CalendarError> {
    let mut schedule = YearSchedule {
        sources: doc.sources.clone(),
        days_off: Vec::new(),
        make_up_days: Vec::new(),
    };
    for holiday in &doc.holidays {
        for field in &holiday.off {
            let entry = |date| dated(date, &holiday.name, origin, text, field);
            let (first, last) =
                parse_range(field.get_ref()).map_err(|p| field_error(p, origin, text, field))?;
            check_in_year(first, doc.year)
                .and(check_in_year(last, doc.year))
                .map_err(|p| field_error(p, origin, text, field))?;
            let mut day = first;
            while day <= last {
                schedule.days_off.push(entry(day));
                day = next_day(day);
            }
        }
        for field in &holiday.work {
            let date =
                parse_date(field.get_ref()).map_err(|p| field_error(p, origin, text, field))?;
            check_in_year(date, doc.year).map_err(|p| field_error(p, origin, text, field))?;
            if !is_weekend(date) {
                let problem = format!(
                    "make-up working day {date} is a {}, not a Saturday or Sunday",
                    date.weekday()
                );
                return Err(field_error(problem, origin, text, field));
            }
            schedule
                .make_up_days
                .push(dated(date, &holiday.name, origin, text, field));
        }
    }
    Ok(schedule)
}

fn dated(
    date: NaiveDate,
    holiday: &str,
    origin: &str,
    text: &str,
    field: &Spanned<String>,
) -> DatedEntry {
    DatedEntry {
        date,
        holiday: holiday.to_string(),
        origin: origin.to_string(),
        line: line_of(text, field.span().start),
    }
}

fn field_error(
    problem: String,
    origin: &str,
    text: &str,
    field: &Spanned<String>,
) -> CalendarError {
    CalendarError::Invalid {
        origin: origin.to_string(),
        line: line_of(text, field.span().start),
        problem,
    }
}

/// A notice year's dates lie in that year or the December before (元旦 breaks start early).
fn check_in_year(date: NaiveDate, year: i32) -> Result<(), String> {
    let in_year = date.year() == year || (date.year() == year - 1 && date.month() == 12);
    if in_year {
        Ok(())
    } else {
        Err(format!(
            "{date} is outside the notice year {year} (or the December before it)"
        ))
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("not a date (YYYY-MM-DD): {text:?}"))
}

/// `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`, both ends included.
fn parse_range(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let Some((first, last)) = text.split_once("..") else {
        let date = parse_date(text)?;
        return Ok((date, date));
    };
    let bad = || format!("not a date or date range (YYYY-MM-DD[..YYYY-MM-DD]): {text:?}");
    let first = parse_date(first).map_err(|_| bad())?;
    let last = parse_date(last).map_err(|_| bad())?;
    if last < first {
        return Err(format!("date range ends before it starts: {text:?}"));
    }
    if (last - first).num_days() > 31 {
        return Err(format!(
            "a break of more than a month is not a holiday: {text:?}"
        ));
    }
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn dates(first: &str, last: &str) -> Vec<NaiveDate> {
        d(first)
            .iter_days()
            .take_while(|day| *day <= d(last))
            .collect()
    }

    fn invalid_problem(result: Result<Calendar, CalendarError>) -> (String, usize, String) {
        match result {
            Err(CalendarError::Invalid {
                origin,
                line,
                problem,
            }) => (origin, line, problem),
            other => panic!("expected an invalid-file error, got {other:?}"),
        }
    }

    const SMALL: &str = r#"
[[year]]
year = 2031
sources = [{ title = "通知", url = "https://www.gov.cn/x" }]
holidays = [
  { name = "元旦", off = ["2030-12-31..2031-01-01"], work = ["2031-01-04"] },
]
"#;

    #[test]
    fn embedded_data_covers_every_published_year_with_its_notice() {
        let china = Calendar::china();
        assert_eq!(
            china.years().collect::<Vec<_>>(),
            (2007..=2026).collect::<Vec<_>>()
        );
        for year in china.years() {
            let sources = china.sources(year);
            assert!(!sources.is_empty(), "{year}");
            let main = &sources[0];
            assert!(
                main.title
                    .contains(&format!("{year}年部分节假日安排的通知")),
                "{year}: {}",
                main.title
            );
            assert!(main.url.contains("gov.cn/"), "{year}: {}", main.url);
        }
        assert!(china.covers(d("2026-12-31")));
        assert!(!china.covers(d("2027-01-04")));
    }

    #[test]
    fn national_day_first_to_third_october_is_off_every_year() {
        // 国庆节 is a statutory holiday on 1-3 October (全国年节及纪念日放假办法) every year.
        let china = Calendar::china();
        for year in 2007..=2026 {
            for day in 1..=3 {
                let date = NaiveDate::from_ymd_opt(year, 10, day).unwrap();
                assert!(china.is_public_holiday(date), "{date}");
                assert!(!china.is_working_day(date), "{date}");
            }
        }
    }

    #[test]
    fn national_day_week_is_off_whole_except_where_the_notice_says_otherwise() {
        // 1-7 October is off every year since 2008, except where the notice moved the break:
        // 2008 (29 Sep - 5 Oct) and 2023 (29 Sep - 6 Oct with 中秋; 7-8 Oct worked).
        let china = Calendar::china();
        for year in 2008..=2026 {
            let off: Vec<u32> = (1..=7)
                .filter(|day| {
                    china.is_public_holiday(NaiveDate::from_ymd_opt(year, 10, *day).unwrap())
                })
                .collect();
            let expected: Vec<u32> = match year {
                2008 => (1..=5).collect(),
                2023 => (1..=6).collect(),
                _ => (1..=7).collect(),
            };
            assert_eq!(off, expected, "{year}");
        }
        assert!(
            china.is_working_day(d("2023-10-07")),
            "2023-10-07 was a make-up Saturday"
        );
    }

    /// The number of days off per holiday, as each notice states it (共N天).
    fn days_off_by_holiday(calendar: &Calendar, year: i32) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        let first = NaiveDate::from_ymd_opt(year - 1, 12, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
        for date in first.iter_days().take_while(|day| *day <= last) {
            let Some(name) = calendar.holiday_name(date) else {
                continue;
            };
            match counts.iter_mut().find(|(n, _)| n == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name.to_string(), 1)),
            }
        }
        counts
    }

    #[test]
    fn each_break_is_as_long_as_its_notice_says() {
        let china = Calendar::china();
        let expected: [(i32, &[(&str, usize)]); 3] = [
            (
                2023,
                &[
                    ("元旦", 3),
                    ("春节", 7),
                    ("清明节", 1),
                    ("劳动节", 5),
                    ("端午节", 3),
                    ("中秋节、国庆节", 8),
                ],
            ),
            (
                2024,
                &[
                    ("元旦", 1),
                    ("春节", 8),
                    ("清明节", 3),
                    ("劳动节", 5),
                    ("端午节", 1),
                    ("中秋节", 3),
                    ("国庆节", 7),
                ],
            ),
            (
                2026,
                &[
                    ("元旦", 3),
                    ("春节", 9),
                    ("清明节", 3),
                    ("劳动节", 5),
                    ("端午节", 3),
                    ("中秋节", 3),
                    ("国庆节", 7),
                ],
            ),
        ];
        for (year, holidays) in expected {
            let mut counts = days_off_by_holiday(china, year);
            let mut want: Vec<(String, usize)> =
                holidays.iter().map(|(n, c)| (n.to_string(), *c)).collect();
            counts.sort();
            want.sort();
            assert_eq!(counts, want, "{year}");
        }
    }

    #[test]
    fn known_make_up_saturdays_and_sundays_are_working_days() {
        let china = Calendar::china();
        for date in [
            "2024-10-12",
            "2025-09-28",
            "2024-02-04",
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2007-12-29",
        ] {
            let date = d(date);
            assert!(is_weekend(date), "{date}");
            assert!(china.is_make_up_working_day(date), "{date}");
            assert!(china.is_working_day(date), "{date}");
        }
        // An ordinary Saturday is not.
        assert!(!china.is_working_day(d("2024-10-19")));
    }

    #[test]
    fn spring_festival_2026_runs_15_to_23_february() {
        let china = Calendar::china();
        for date in dates("2026-02-15", "2026-02-23") {
            assert_eq!(china.holiday_name(date), Some("春节"), "{date}");
            assert!(!china.is_working_day(date), "{date}");
        }
        assert!(china.is_working_day(d("2026-02-24")));
        assert!(!china.is_public_holiday(d("2026-02-14")));
    }

    #[test]
    fn the_2020_extension_moves_the_end_of_spring_festival_to_2_february() {
        let china = Calendar::china();
        assert!(china.is_public_holiday(d("2020-01-31")));
        assert!(
            !china.is_working_day(d("2020-02-01")),
            "the extension cancelled this make-up day"
        );
        assert!(china.is_working_day(d("2020-02-03")));
        assert_eq!(china.sources(2020).len(), 2);
    }

    #[test]
    fn a_holiday_joined_to_a_weekend_lists_only_the_holiday() {
        // 2025: 元旦 1 January (Wednesday) off alone, no 调休.
        let china = Calendar::china();
        assert!(china.is_public_holiday(d("2025-01-01")));
        assert!(china.is_working_day(d("2024-12-31")));
        assert!(china.is_working_day(d("2025-01-02")));
    }

    #[test]
    fn working_days_skip_weekends_holidays_and_count_make_up_days() {
        let china = Calendar::china();
        // Mon 30 Sep 2024 + 1 working day: 1-7 Oct off, Tue 8 Oct.
        assert_eq!(china.add_working_days(d("2024-09-30"), 1), d("2024-10-08"));
        // Fri 11 Oct 2024 + 1: Saturday 12 Oct is a make-up working day.
        assert_eq!(china.add_working_days(d("2024-10-11"), 1), d("2024-10-12"));
        // Fri 18 Oct 2024 + 1: an ordinary weekend.
        assert_eq!(china.add_working_days(d("2024-10-18"), 1), d("2024-10-21"));
        assert_eq!(china.add_working_days(d("2024-10-18"), 0), d("2024-10-18"));
        // 20 working days from Mon 2 Sep 2024: 14 Sep (Sat) works, 15-17 Sep off.
        assert_eq!(china.add_working_days(d("2024-09-02"), 20), d("2024-09-30"));
        assert_eq!(
            china.working_days_between(d("2024-09-02"), d("2024-09-30")),
            20
        );
        assert_eq!(
            china.working_days_between(d("2024-09-30"), d("2024-09-02")),
            0
        );
        assert_eq!(
            china.working_days_between(d("2024-10-01"), d("2024-10-07")),
            0
        );
    }

    proptest::proptest! {
        #[test]
        fn counting_working_days_undoes_adding_them(offset in 0u64..7300, n in 0u32..60) {
            let china = Calendar::china();
            let start = d("2007-01-01") + Days::new(offset);
            let due = china.add_working_days(start, n);
            proptest::prop_assert_eq!(china.working_days_between(start, due), n);
            if n > 0 {
                proptest::prop_assert!(china.is_working_day(due));
                // The day before the deadline still leaves one working day to count.
                let eve = due.pred_opt().unwrap();
                proptest::prop_assert_eq!(china.working_days_between(start, eve), n - 1);
            }
        }
    }

    #[test]
    fn outside_the_data_only_weekends_are_off() {
        let plain = Calendar::weekdays_only();
        assert!(plain.is_working_day(d("2024-10-01")));
        assert!(!plain.is_working_day(d("2024-10-12")));
        assert_eq!(plain.add_working_days(d("2024-10-04"), 1), d("2024-10-07"));
    }

    #[test]
    fn overrides_add_a_year_and_replace_a_year() {
        let china = Calendar::china();
        let with_2031 = china.with_overrides_text(SMALL, "leads.toml").unwrap();
        assert!(with_2031.is_public_holiday(d("2030-12-31")));
        assert!(with_2031.is_working_day(d("2031-01-04")));
        assert!(with_2031.covers(d("2031-06-01")));
        assert!(
            with_2031.is_public_holiday(d("2026-10-01")),
            "other years stay"
        );

        let replace_2026 = SMALL.replace("2031", "2026").replace("2030", "2025");
        let replaced = china
            .with_overrides_text(&replace_2026, "leads.toml")
            .unwrap();
        assert!(
            !replaced.is_public_holiday(d("2026-10-01")),
            "the year's old dates are gone"
        );
        assert!(replaced.is_public_holiday(d("2025-12-31")));
        assert_eq!(replaced.sources(2026)[0].title, "通知");
    }

    #[test]
    fn overrides_are_read_from_a_file_and_errors_name_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2031.toml");
        std::fs::write(&path, SMALL).unwrap();
        let calendar = Calendar::china().with_overrides(&path).unwrap();
        assert!(calendar.is_public_holiday(d("2031-01-01")));

        let missing = dir.path().join("missing.toml");
        let err = Calendar::china().with_overrides(&missing).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("{}: cannot read", missing.display())),
            "{err}"
        );
    }

    #[test]
    fn a_date_both_off_and_a_make_up_day_is_an_error_naming_the_line() {
        let text = SMALL.replace(r#"work = ["2031-01-04"]"#, r#"work = ["2030-12-31"]"#);
        // 2030-12-31 is a Tuesday: the weekday check speaks first.
        let (_, line, problem) = invalid_problem(Calendar::from_toml(&text, "x.toml"));
        assert_eq!(line, 6);
        assert!(problem.contains("not a Saturday or Sunday"), "{problem}");

        let text = SMALL.replace(
            r#"off = ["2030-12-31..2031-01-01"]"#,
            r#"off = ["2030-12-31..2031-01-04"]"#,
        );
        let (origin, line, problem) = invalid_problem(Calendar::from_toml(&text, "x.toml"));
        assert_eq!((origin.as_str(), line), ("x.toml", 6));
        assert!(
            problem.contains("2031-01-04 is listed both as a make-up working day"),
            "{problem}"
        );

        // Across files: a later file's make-up day clashes with an earlier file's day off.
        let first = SMALL.replace("2030-12-31..", "2030-12-29..");
        let calendar = Calendar::china()
            .with_overrides_text(&first, "a.toml")
            .unwrap();
        let second = SMALL.replace("2031", "2030").replace(
            r#"off = ["2030-12-31..2030-01-01"], work = ["2030-01-04"]"#,
            r#"work = ["2030-12-29"]"#,
        );
        let err = calendar.with_overrides_text(&second, "b.toml").unwrap_err();
        assert!(
            err.to_string()
                .contains("b.toml line 6: 2030-12-29 is listed both"),
            "{err}"
        );
        assert!(err.to_string().contains("a.toml line 6"), "{err}");
    }

    #[test]
    fn bad_files_are_errors_with_the_line_and_the_problem() {
        let cases = [
            (SMALL.replace("2031-01-04", "2031-01-32"), 6, "not a date"),
            (
                SMALL.replace("2030-12-31..2031-01-01", "2031-01-03..2031-01-01"),
                6,
                "ends before it starts",
            ),
            (
                SMALL.replace("2031-01-04", "2029-01-06"),
                6,
                "outside the notice year",
            ),
            (
                SMALL.replace("2031-01-01", "2031-03-01"),
                6,
                "more than a month",
            ),
            (
                SMALL.replace("year = 2031", "year = \"x\""),
                3,
                "invalid type",
            ),
            (SMALL.replace("name = ", "nam = "), 6, "unknown field"),
            (
                SMALL.replace(
                    r#"[{ title = "通知", url = "https://www.gov.cn/x" }]"#,
                    "[]",
                ),
                2,
                "names no source",
            ),
            (format!("{SMALL}{SMALL}"), 9, "year 2031 is listed twice"),
            ("[[year]\n".to_string(), 1, ""),
        ];
        for (text, expected_line, expected) in cases {
            let (origin, line, problem) = invalid_problem(Calendar::from_toml(&text, "y.toml"));
            assert_eq!(origin, "y.toml");
            assert_eq!(line, expected_line, "{problem}");
            assert!(
                problem.contains(expected),
                "{problem:?} should mention {expected:?}"
            );
        }
    }
}
