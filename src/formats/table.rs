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

/// A table: a sheet name, a title, headers and rows of the same width.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// The sheet name in an xlsx workbook (cut to Excel's 31 characters); CSV ignores it.
    pub name: String,
    /// The title row above the headers (the township, the report and its period), as a
    /// county expects it printed; empty for none. CSV writes it as its first line.
    pub title: String,
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

/// The table as CSV bytes: BOM, the title (when there is one) as a one-cell line,
/// header row, rows. Text cells are passed through [`neutralise_formula`]; numbers
/// (written by this program) are not.
///
/// ```
/// use gridpatrol::coverage::report::{Table, Value};
/// let t = Table { name: "t".into(), title: "某镇 台账".into(), headers: vec!["网格".into()], rows: vec![vec![Value::Number(3.0)]] };
/// let bytes = gridpatrol::formats::table::to_csv(&t).unwrap();
/// assert_eq!(bytes, "\u{feff}某镇 台账\n网格\n3\n".as_bytes());
/// ```
pub fn to_csv(table: &Table) -> Result<Vec<u8>, TableError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(BOM.to_vec());
    if !table.title.is_empty() {
        w.write_record([neutralise_formula(&table.title)])?;
    }
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

/// How wide a column must be, in Excel's character units, to show `text`: a CJK
/// character takes two, anything else one.
fn display_width(text: &str) -> usize {
    text.lines()
        .map(|line| {
            line.chars()
                .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// Column widths that fit the header and the cells (2 to spare), between 6 and 60.
pub fn column_widths(table: &Table) -> Vec<f64> {
    (0..table.headers.len())
        .map(|c| {
            let widest = std::iter::once(display_width(&table.headers[c]))
                .chain(
                    table
                        .rows
                        .iter()
                        .filter_map(|r| r.get(c))
                        .map(|v| display_width(&text(v))),
                )
                .max()
                .unwrap_or(0);
            (widest + 2).clamp(6, 60) as f64
        })
        .collect()
}

/// The tables as an xlsx workbook, one sheet each (names from [`sheet_name`]): the title
/// row merged across the columns, the header row below it, both frozen, and columns as
/// wide as their contents.
pub fn to_xlsx(tables: &[&Table]) -> Result<Vec<u8>, TableError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    // A fixed creation time (the writer's default is now), so the same data gives the
    // same bytes from the page and from the CLI.
    let mut properties = rust_xlsxwriter::DocProperties::new()
        .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 7, 24)?);
    if let Some(first) = tables.first().filter(|t| !t.title.is_empty()) {
        properties = properties.set_title(&first.title);
    }
    book.set_properties(&properties);
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let title_format = rust_xlsxwriter::Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&t.name))?;
        let header_row = u32::from(!t.title.is_empty());
        if header_row == 1 {
            let last = t.headers.len().max(1) as u16 - 1;
            if last == 0 {
                sheet.write_string_with_format(0, 0, &t.title, &title_format)?;
            } else {
                sheet.merge_range(0, 0, 0, last, &t.title, &title_format)?;
            }
        }
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(header_row, c as u16, h, &bold)?;
        }
        for (c, width) in column_widths(t).into_iter().enumerate() {
            sheet.set_column_width(c as u16, width)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1 + header_row;
            for (c, v) in row.iter().enumerate() {
                match v {
                    Value::Text(s) => sheet.write_string(r, c as u16, s)?,
                    Value::Number(x) if x.is_finite() => sheet.write_number(r, c as u16, *x)?,
                    _ => sheet,
                };
            }
        }
        sheet.set_freeze_panes(header_row + 1, 0)?;
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
            title: String::new(),
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
            title: String::new(),
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
            title: "某镇 台账".into(),
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
            title: String::new(),
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
