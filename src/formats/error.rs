//! Errors of the site-list readers: every one names the file, the line (CSV) or feature
//! index (GeoJSON), the field and the problem, so a lead can fix the spreadsheet.

use std::fmt;

/// At most this many errors are collected from one file before reading stops.
pub const MAX_ERRORS: usize = 50;

/// Where in an input something went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// The file as a whole (a missing column, an unreadable document).
    File,
    /// A 1-based line of a CSV file (the header is line 1).
    Line(u64),
    /// A 0-based index into a GeoJSON FeatureCollection's `features`.
    Feature(usize),
    /// A 1-based row of a spreadsheet's sheet, as Excel and WPS number it (the sheet
    /// is named in [`Place::source`], see [`Place::sheet_row`]).
    Row(u64),
}

/// A file (by the name the caller gave) and a position inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file name as the caller gave it (a path, or an upload's name).
    pub source: String,
    /// Where inside the file.
    pub position: Position,
}

impl Place {
    /// The whole of `source`.
    pub fn file(source: &str) -> Self {
        Self {
            source: source.to_string(),
            position: Position::File,
        }
    }
    /// Line `line` (1-based) of `source`.
    pub fn line(source: &str, line: u64) -> Self {
        Self {
            source: source.to_string(),
            position: Position::Line(line),
        }
    }
    /// Row `row` (1-based, as the spreadsheet shows it) of sheet `sheet` of `source`.
    pub fn sheet_row(source: &str, sheet: &str, row: u64) -> Self {
        Self {
            source: format!("{source} sheet {sheet:?}"),
            position: Position::Row(row),
        }
    }
    /// Feature `index` (0-based) of `source`.
    pub fn feature(source: &str, index: usize) -> Self {
        Self {
            source: source.to_string(),
            position: Position::Feature(index),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::File => write!(f, "{}", self.source),
            Position::Line(n) => write!(f, "{} line {n}", self.source),
            Position::Feature(i) => write!(f, "{} feature {i}", self.source),
            Position::Row(n) => write!(f, "{} row {n}", self.source),
        }
    }
}

/// What is wrong with one field's value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FieldProblem {
    /// A required field is blank.
    #[error("is empty")]
    Empty,
    /// Not a decimal number; holds the text as read.
    #[error("not a number: {0:?}")]
    NotANumber(String),
    #[error("not a whole number ≥ 0: {0:?}")]
    /// Not a whole number ≥ 0 (a count); holds the text as read.
    NotACount(String),
    #[error("not a date (YYYY-MM-DD): {0:?}")]
    /// Not a `YYYY-MM-DD` date; holds the text as read.
    NotADate(String),
    #[error("not a time (RFC 3339, e.g. 2025-03-01T09:30:00Z or 2025-03-01 09:30): {0:?}")]
    /// Not a point in time (RFC 3339, or `YYYY-MM-DD HH:MM` in the township's zone); holds it.
    NotATime(String),
    #[error("not opening hours ({} at character {}: {:?}; e.g. `周一至周五 16:00-21:00；周六、周日 08:00-20:00` or `Mo-Fr 16:00-21:00`): {text:?}", why.problem, why.column, why.part)]
    /// Not opening hours; names the part of the text not understood.
    NotOpenHours {
        /// The text as read.
        text: String,
        /// The part not understood, where, and what was expected there.
        why: Box<crate::calendar::OpeningHoursError>,
    },
    #[error("unknown value {value:?}: expected one of {}", accepted.join(", "))]
    /// A value outside a fixed vocabulary (a kind, a licence status, yes / no).
    UnknownValue {
        /// The text as read.
        value: String,
        /// The values that are understood.
        accepted: Vec<&'static str>,
    },
    #[error("duplicate id {id:?} (first at {first})")]
    /// An id already used by an earlier row or feature of the same file.
    DuplicateId {
        /// The repeated id.
        id: String,
        /// Where it first appeared (`line N`, `feature N` or the file).
        first: String,
    },
    #[error("{value} is not a valid {axis} (must be within ±{limit})")]
    /// A coordinate beyond what the axis allows (|lon| ≤ 180, |lat| ≤ 90).
    OutOfRange {
        /// `"longitude"` or `"latitude"`.
        axis: &'static str,
        /// The value read, in degrees.
        value: f64,
        /// The largest magnitude allowed, in degrees.
        limit: f64,
    },
    #[error("lon/lat look swapped: ({lon}, {lat}) read as lon, lat")]
    /// The point lands in the township only with longitude and latitude exchanged.
    Swapped {
        /// The value read as longitude, degrees in the file's coordinate system.
        lon: f64,
        /// The value read as latitude, degrees in the file's coordinate system.
        lat: f64,
    },
    #[error("({lon}, {lat}) is outside the township extent {extent}")]
    /// A point outside the township's extent (a typo, or the wrong coordinate system).
    OutsideExtent {
        /// Longitude read, degrees in the file's coordinate system.
        lon: f64,
        /// Latitude read, degrees in the file's coordinate system.
        lat: f64,
        /// The extent, as text for the message (WGS-84 degrees).
        extent: String,
    },
    #[error("{0}")]
    /// A geometry that cannot be used (wrong type, too few points…); holds the reason.
    BadGeometry(String),
    #[error("{length} characters; at most {limit} are allowed")]
    /// A text longer than its field allows.
    TooLong {
        /// Its length, in characters.
        length: usize,
        /// The most allowed, in characters.
        limit: usize,
    },
    #[error("holds a control character ({character:?}) at character {position}")]
    /// A text holding a control character (ids end up in file names and URLs).
    ControlCharacter {
        /// The offending character.
        character: char,
        /// Its 1-based position, in characters.
        position: usize,
    },
    #[error("is {0}, where text or a number belongs")]
    /// A GeoJSON property that is an array, object or the like; holds its JSON kind.
    NotAValue(&'static str),
    /// Any other problem with the value, in words.
    #[error("{0}")]
    Invalid(String),
}

/// An error reading a site list or a manifest.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The file could not be read at all.
    #[error("{source_name}: cannot read: {message}")]
    Io {
        /// The file name as the caller gave it.
        source_name: String,
        /// The operating system's reason.
        message: String,
    },
    /// The document is not well-formed CSV / JSON, or lacks its required structure.
    #[error("{place}: {problem}")]
    Syntax {
        /// Where the parser stopped.
        place: Place,
        /// The parser's description of the problem.
        problem: String,
    },
    /// A required column (CSV) is missing from the header.
    #[error("{source_name}: missing column {column:?} (accepted headers: {})", accepted.join(", "))]
    MissingColumn {
        /// The file name as the caller gave it.
        source_name: String,
        /// The canonical name of the missing column.
        column: &'static str,
        /// The headers (Chinese and English) accepted for that column.
        accepted: Vec<&'static str>,
    },
    /// One field of one row or feature is wrong.
    #[error("{place}, field {field:?}: {problem}")]
    Field {
        /// The row (CSV line) or feature.
        place: Place,
        /// The field's name.
        field: String,
        /// What is wrong with its value.
        problem: FieldProblem,
    },
    /// Several errors in one file (at most [`MAX_ERRORS`] are kept; `more` were not).
    #[error("{}", many_to_string(errors, *more))]
    Many {
        /// The errors kept, in file order.
        errors: Vec<FormatError>,
        /// How many more were found but not kept.
        more: usize,
    },
}

fn many_to_string(errors: &[FormatError], more: usize) -> String {
    let mut text = format!("{} errors:", errors.len() + more);
    for e in errors {
        text.push_str("\n  ");
        text.push_str(&e.to_string());
    }
    if more > 0 {
        text.push_str(&format!("\n  … and {more} more"));
    }
    text
}

impl FormatError {
    /// The individual errors: itself, or the members of [`FormatError::Many`].
    pub fn errors(&self) -> Vec<&FormatError> {
        match self {
            FormatError::Many { errors, .. } => errors.iter().collect(),
            other => vec![other],
        }
    }
}

/// Collects the errors of one file, up to [`MAX_ERRORS`], so that a lead sees all the
/// problems of a spreadsheet at once rather than one per attempt.
#[derive(Debug, Default)]
pub struct Errors {
    list: Vec<FormatError>,
    more: usize,
}

impl Errors {
    /// Records an error (counted but not kept beyond the cap).
    pub fn push(&mut self, e: FormatError) {
        match e {
            FormatError::Many { errors, more } => {
                for e in errors {
                    self.push(e);
                }
                self.more += more;
            }
            e if self.list.len() < MAX_ERRORS => self.list.push(e),
            _ => self.more += 1,
        }
    }
    /// Records a field error.
    pub fn field(&mut self, place: &Place, field: &str, problem: FieldProblem) {
        self.push(FormatError::Field {
            place: place.clone(),
            field: field.to_string(),
            problem,
        });
    }
    /// True when the cap is reached and reading may stop.
    pub fn full(&self) -> bool {
        self.list.len() >= MAX_ERRORS
    }
    /// True when no error was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.more == 0
    }
    /// `Ok(value)` when nothing went wrong; otherwise every error (nothing half-loaded).
    pub fn finish<T>(mut self, value: T) -> Result<T, FormatError> {
        match self.list.len() {
            0 if self.more == 0 => Ok(value),
            1 if self.more == 0 => Err(self.list.remove(0)),
            _ => Err(FormatError::Many {
                errors: self.list,
                more: self.more,
            }),
        }
    }
}

/// How deep JSON may nest: `serde_json` stops there (its own limit), and the message
/// says so in the lead's terms.
pub const MAX_JSON_DEPTH: usize = 128;

/// A JSON syntax error of `source` at its line: `what` names what the document should
/// have been ("valid JSON", "a valid township manifest").
pub fn json_syntax(source: &str, e: &serde_json::Error, what: &str) -> FormatError {
    let place = match e.line() {
        0 => Place::file(source),
        n => Place::line(source, n as u64),
    };
    let problem = if e.to_string().starts_with("recursion limit exceeded") {
        format!("not {what}: arrays and objects nested deeper than {MAX_JSON_DEPTH}")
    } else if e.is_eof() {
        format!("not {what}: the file ends in the middle of a value (cut short?): {e}")
    } else {
        format!("not {what}: {e}")
    };
    FormatError::Syntax { place, problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_reads_like_a_sentence() {
        let e = FormatError::Field {
            place: Place::line("institutions.csv", 14),
            field: "lon".into(),
            problem: FieldProblem::NotANumber("116,35".into()),
        };
        assert_eq!(
            e.to_string(),
            r#"institutions.csv line 14, field "lon": not a number: "116,35""#
        );
    }

    #[test]
    fn collector_keeps_at_most_the_cap_and_counts_the_rest() {
        let mut errors = Errors::default();
        for i in 0..(MAX_ERRORS as u64 + 5) {
            errors.field(&Place::line("a.csv", i + 2), "name", FieldProblem::Empty);
        }
        let e = errors.finish(()).unwrap_err();
        assert_eq!(e.errors().len(), MAX_ERRORS);
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("{} errors:", MAX_ERRORS + 5)),
            "{text}"
        );
        assert!(text.ends_with("… and 5 more"), "{text}");
    }

    #[test]
    fn json_nested_too_deep_names_the_line() {
        let text = format!("{{\n\"a\": {}", "[".repeat(1000));
        let e = serde_json::from_str::<serde_json::Value>(&text).unwrap_err();
        assert_eq!(
            json_syntax("deep.geojson", &e, "valid JSON").to_string(),
            format!("deep.geojson line 2: not valid JSON: arrays and objects nested deeper than {MAX_JSON_DEPTH}")
        );
    }

    #[test]
    fn one_error_is_returned_as_itself() {
        let mut errors = Errors::default();
        errors.field(
            &Place::feature("s.geojson", 3),
            "geometry",
            FieldProblem::Empty,
        );
        let e = errors.finish(()).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"s.geojson feature 3, field "geometry": is empty"#
        );
    }
}
