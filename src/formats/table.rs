//! Writing report tables: CSV in UTF-8 with a BOM (so Excel and WPS open Chinese text
//! correctly) and xlsx (one sheet per table). Bytes out; the caller writes the file.

use serde::Serialize;

/// A value in a table cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// Text (formula-looking text is neutralised when written).
    Text(String),
    /// A number, written as a number cell.
    Number(f64),
    /// A blank cell.
    Empty,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        s.map_or(Value::Empty, Value::Text)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Number(x)
    }
}
impl From<usize> for Value {
    fn from(x: usize) -> Self {
        Value::Number(x as f64)
    }
}

/// A table: a sheet name, headers and rows of the same width.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// The sheet name in an xlsx workbook (cut to Excel's 31 characters); CSV ignores it.
    pub name: String,
    /// Column headers, in order.
    pub headers: Vec<String>,
    /// The rows, each as wide as `headers`.
    pub rows: Vec<Vec<Value>>,
}

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The CSV writer failed.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The xlsx writer failed.
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The UTF-8 byte order mark Excel looks for.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => neutralise_formula(s),
        Value::Number(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        Value::Number(x) => format!("{x}"),
        Value::Empty => String::new(),
    }
}

/// Text as a spreadsheet must show it, never run it (OWASP's rule against CSV
/// injection): a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return
/// would be taken by Excel or WPS as a formula, so it gets a leading `'`. Every CSV this
/// program writes goes through [`to_csv`], so no writer can forget.
///
/// ```
/// use gridpatrol::formats::table::neutralise_formula;
/// assert_eq!(neutralise_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(neutralise_formula("学而思"), "学而思");
/// ```
pub fn neutralise_formula(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The table as CSV bytes: BOM, header row, rows. Text cells are passed through
/// [`neutralise_formula`]; numbers (written by this program) are not.
///
/// ```
/// use gridpatrol::coverage::report::{Table, Value};
/// let t = Table { name: "t".into(), headers: vec!["网格".into()], rows: vec![vec![Value::Number(3.0)]] };
/// let bytes = gridpatrol::formats::table::to_csv(&t).unwrap();
/// assert_eq!(bytes, "\u{feff}网格\n3\n".as_bytes());
/// ```
pub fn to_csv(table: &Table) -> Result<Vec<u8>, TableError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BOM.to_vec());
    w.write_record(table.headers.iter().map(|h| neutralise_formula(h)))?;
    for row in &table.rows {
        w.write_record(row.iter().map(text))?;
    }
    w.into_inner()
        .map_err(|e| TableError::Csv(csv::Error::from(e.into_error())))
}

/// Excel's longest sheet name, in characters.
const SHEET_NAME_CHARS: usize = 31;

/// A sheet name Excel accepts (no `[]:*?/\`, at most 31 characters) that keeps what
/// matters: when too long, the English glosses go first (`覆盖 coverage 2025-03-01~
/// 2025-03-31` becomes `覆盖 2025-03-01~2025-03-31`), and only then is it cut.
///
/// ```
/// use gridpatrol::formats::table::sheet_name;
/// assert_eq!(sheet_name("覆盖 coverage 2025-03-01~2025-03-31"), "覆盖 2025-03-01~2025-03-31");
/// assert_eq!(sheet_name("台账 ledger"), "台账 ledger");
/// ```
pub fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).collect();
    if clean.chars().count() <= SHEET_NAME_CHARS {
        return clean;
    }
    let is_gloss = |w: &&str| w.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
    let kept: Vec<&str> = clean.split(' ').filter(|w| !is_gloss(w)).collect();
    kept.join(" ").chars().take(SHEET_NAME_CHARS).collect()
}

/// The tables as an xlsx workbook, one sheet each (names from [`sheet_name`]).
pub fn to_xlsx(tables: &[&Table]) -> Result<Vec<u8>, TableError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&t.name))?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                match v {
                    Value::Text(s) => sheet.write_string(r, c as u16, s)?,
                    Value::Number(x) if x.is_finite() => sheet.write_number(r, c as u16, *x)?,
                    _ => sheet,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_and_newlines() {
        let t = Table {
            name: "x".into(),
            headers: vec!["a".into(), "b".into()],
            rows: vec![
                vec![
                    Value::Text("x,y".into()),
                    Value::Text("第一行\n第二行".into()),
                ],
                vec![Value::Empty, Value::Number(1.5)],
            ],
        };
        let bytes = to_csv(&t).unwrap();
        assert!(bytes.starts_with(BOM));
        let mut r = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][0], "x,y");
        assert_eq!(&rows[0][1], "第一行\n第二行");
        assert_eq!(&rows[1][1], "1.5");
    }

    #[test]
    fn csv_cells_that_would_be_formulas_are_neutralised() {
        let hostile = [
            "=1+1",
            "+86 10",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ];
        let t = Table {
            name: "x".into(),
            headers: vec!["=h".into(), "b".into()],
            rows: hostile
                .iter()
                .map(|h| vec![Value::Text(h.to_string()), Value::Number(-3.0)])
                .collect(),
        };
        let bytes = to_csv(&t).unwrap();
        let mut r = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
        assert_eq!(&r.headers().unwrap()[0], "'=h");
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        for (row, h) in rows.iter().zip(hostile) {
            assert_eq!(&row[0], format!("'{h}"));
            assert_eq!(&row[1], "-3", "numbers are ours, written as numbers");
        }
    }

    /// Every CSV goes through [`to_csv`]: no other file in `src/` builds a CSV writer
    /// (one that did could forget [`neutralise_formula`]).
    #[test]
    fn no_other_csv_writer_exists() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let needle = ["csv::", "Writer"].concat();
                    if text.contains(&needle) && !path.ends_with("formats/table.rs") {
                        found.push(path.display().to_string());
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "CSV written outside formats/table.rs: {found:?}"
        );
    }

    #[test]
    fn sheet_names_keep_the_dates_and_fit_excel() {
        let long = "覆盖 coverage 2025-03-01~2025-03-31";
        assert!(long.chars().count() > SHEET_NAME_CHARS);
        assert_eq!(sheet_name(long), "覆盖 2025-03-01~2025-03-31");
        assert_eq!(
            sheet_name("月通报 2025-03-01~2025-03-31"),
            "月通报 2025-03-01~2025-03-31"
        );
        assert_eq!(sheet_name("a/b:c"), "abc");
        assert_eq!(
            sheet_name(&"格".repeat(40)).chars().count(),
            SHEET_NAME_CHARS
        );
    }

    #[test]
    fn xlsx_is_a_zip() {
        let t = Table {
            name: "台账 ledger".into(),
            headers: vec!["a".into()],
            rows: vec![vec![Value::Number(1.0)]],
        };
        let bytes = to_xlsx(&[&t]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }

    /// Reads one file out of an xlsx (a zip) as text.
    fn part(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn xlsx_keeps_formula_looking_text_as_text() {
        let hostile = [
            "=HYPERLINK(\"http://x\",\"点击\")",
            "+1+1",
            "-2",
            "@SUM(A1)",
        ];
        let t = Table {
            name: "台账".into(),
            headers: vec!["名称 name".into(), "数 n".into()],
            rows: hostile
                .iter()
                .map(|h| vec![Value::Text(h.to_string()), Value::Number(3.0)])
                .collect(),
        };
        let bytes = to_xlsx(&[&t]).unwrap();
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>"), "no cell is a formula: {sheet}");
        assert!(sheet.contains("<v>3</v>"), "numbers stay numbers: {sheet}");
        let strings = part(&bytes, "xl/sharedStrings.xml");
        for h in hostile {
            let escaped = h.replace('&', "&amp;").replace('"', "&quot;");
            assert!(
                strings.contains(&escaped) || strings.contains(h),
                "{h} kept as a string: {strings}"
            );
        }
        assert!(strings.contains("名称 name"), "{strings}");
    }
}
