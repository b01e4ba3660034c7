//! The township's calendar: the built-in State Council schedules plus the years a lead
//! added (next year's notice, a correction), kept in the workspace as the files were
//! given, so every plan, deadline and campaign in this workspace counts the same days.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{StoreError, Workspace};
use crate::calendar::Calendar;

const KEY: &str = "calendar_files";

/// A calendar file a lead added: its name and its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarFile {
    /// Where it came from (its path when added), named in errors.
    pub origin: String,
    /// The file's text, in the format of `data/calendar/cn-holidays.toml`.
    pub text: String,
}

fn files_in(conn: &Connection) -> Result<Vec<CalendarFile>, StoreError> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [KEY], |r| r.get(0))
        .optional()?;
    text.map_or(Ok(Vec::new()), |t| {
        serde_json::from_str(&t).map_err(|e| StoreError::corrupt("calendar files", e))
    })
}

/// The built-in calendar with `files` laid over it in order (a later year replaces).
fn calendar_of(files: &[CalendarFile]) -> Result<Calendar, crate::calendar::CalendarError> {
    let mut calendar = Calendar::china().clone();
    for f in files {
        calendar = calendar.with_overrides_text(&f.text, &f.origin)?;
    }
    Ok(calendar)
}

/// The calendar stored in `conn`.
pub(crate) fn calendar_in(conn: &Connection) -> Result<Calendar, StoreError> {
    calendar_of(&files_in(conn)?).map_err(|e| StoreError::corrupt("calendar", e))
}

impl Workspace {
    /// The township's calendar: the built-in schedules and the years a lead added.
    pub fn calendar(&self) -> Result<Calendar, StoreError> {
        calendar_in(self.conn())
    }

    /// The calendar files a lead added, oldest first.
    pub fn calendar_files(&self) -> Result<Vec<CalendarFile>, StoreError> {
        files_in(self.conn())
    }

    /// Adds a calendar file (its years replace the same years before); refuses a file
    /// that does not read or contradicts itself, naming its line. Returns the calendar.
    pub fn add_calendar_file(&mut self, file: CalendarFile) -> Result<Calendar, StoreError> {
        let mut files = self.calendar_files()?;
        files.push(file);
        let calendar =
            calendar_of(&files).map_err(|e| StoreError::invalid("calendar", e.to_string()))?;
        let json = serde_json::to_string(&files).map_err(|e| StoreError::corrupt("calendar", e))?;
        let actor = self.actor().clone();
        let origin = files.last().map(|f| f.origin.clone()).unwrap_or_default();
        self.write(|tx| {
            super::put_meta(tx, KEY, &json)?;
            super::audit::record(tx, &actor, "calendar", &origin, "calendar years added")
        })?;
        Ok(calendar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const NEXT_YEAR: &str = r#"
[[year]]
year = 2031
sources = [{ title = "国务院办公厅关于2031年部分节假日安排的通知", url = "https://www.gov.cn/example" }]
holidays = [{ name = "元旦", off = ["2031-01-01..2031-01-03"], work = ["2031-01-04"] }]
"#;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn an_added_year_counts_in_the_workspace_and_bad_files_are_refused() {
        let mut ws = Workspace::in_memory().unwrap();
        assert!(ws.calendar().unwrap().is_working_day(day("2031-01-02")));
        let file = CalendarFile {
            origin: "2031.toml".into(),
            text: NEXT_YEAR.into(),
        };
        ws.add_calendar_file(file).unwrap();
        let calendar = ws.calendar().unwrap();
        assert!(!calendar.is_working_day(day("2031-01-02")));
        assert!(
            calendar.is_working_day(day("2031-01-04")),
            "a 调休 Saturday"
        );
        assert!(
            !calendar.is_working_day(day("2024-10-01")),
            "the built-in years stay"
        );
        let bad = CalendarFile {
            origin: "bad.toml".into(),
            text: "[[year]]\nyear = 2032\n".into(),
        };
        let err = ws.add_calendar_file(bad).unwrap_err().to_string();
        assert!(err.contains("bad.toml"), "{err}");
        assert_eq!(ws.calendar_files().unwrap().len(), 1);
    }
}
