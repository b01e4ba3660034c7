//! Spreadsheets as leads keep their lists: `.xlsx`, `.xls` and `.ods` (read with
//! `calamine`), and CSV through the same [`Sheet`], so every list goes through one row
//! pipeline ([`super::csv::read_rows`]): the same headers, fields and checks. Errors name
//! the file, the sheet, the row as the spreadsheet numbers it, and the column.
//!
//! ```
//! use gridpatrol::formats::spreadsheet::Sheet;
//! let sheet = Sheet::from_csv("名称,地址\n学而思,学院路1号\n".as_bytes(), "list.csv").unwrap();
//! assert_eq!(sheet.header, ["名称", "地址"]);
//! assert_eq!(sheet.rows[0].0.to_string(), "list.csv line 2");
//! ```

use std::io::Cursor;

use calamine::{Data, Reader};

use super::csv::{all_rows, read_rows};
use super::error::{FormatError, Place};
use super::geom::ReadOptions;
use super::layers::{ReadItem, SiteLayer};
use super::text::decode_or_error;

/// One sheet of a list: its header and its non-blank rows, each with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The file (and sheet) as messages name it: `list.xlsx sheet "机构"`.
    pub source: String,
    /// The header row's cells, as written (blank headers are empty strings).
    pub header: Vec<String>,
    /// The rows below the header, blank rows left out, as wide as the header or wider.
    pub rows: Vec<(Place, Vec<String>)>,
}

/// True for the file names read as a spreadsheet workbook (not CSV).
pub fn is_workbook(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".ods"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

impl Sheet {
    /// The first sheet of a workbook that holds anything; its first non-blank row is
    /// the header.
    pub fn from_workbook(bytes: &[u8], source: &str) -> Result<Sheet, FormatError> {
        super::guard::at_boundary(
            || first_sheet(bytes, source),
            |problem| FormatError::Syntax {
                place: Place::file(source),
                problem,
            },
        )
    }

    /// A CSV file (UTF-8 or GBK, `,` `;` or tab) as a sheet; lines as an editor numbers them.
    pub fn from_csv(bytes: &[u8], source: &str) -> Result<Sheet, FormatError> {
        let text = decode_or_error(bytes, source)?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(super::csv::delimiter(&text))
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let syntax = |e: csv::Error| FormatError::Syntax {
            place: e
                .position()
                .map_or(Place::file(source), |p| Place::line(source, p.line())),
            problem: format!("not valid CSV: {e}"),
        };
        let header = reader.headers().map_err(syntax)?.iter().map(String::from);
        let header = header.collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(syntax)?;
            if record.iter().all(str::is_empty) {
                continue;
            }
            let line = record.position().map_or(0, csv::Position::line);
            rows.push((
                Place::line(source, line),
                record.iter().map(String::from).collect(),
            ));
        }
        Ok(Sheet {
            source: source.to_string(),
            header,
            rows,
        })
    }

    /// A workbook (by its name's ending) or else CSV.
    pub fn read(bytes: &[u8], source: &str) -> Result<Sheet, FormatError> {
        if is_workbook(source) {
            Self::from_workbook(bytes, source)
        } else {
            Self::from_csv(bytes, source)
        }
    }
}

fn first_sheet(bytes: &[u8], source: &str) -> Result<Sheet, FormatError> {
    let unreadable = |e: calamine::Error| FormatError::Syntax {
        place: Place::file(source),
        problem: format!("not a spreadsheet calamine can read (.xlsx, .xls, .ods): {e}"),
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(unreadable)?;
        let Some((top, _)) = range.start() else {
            continue;
        };
        let mut lines = range.rows().enumerate().map(|(i, cells)| {
            let cells: Vec<String> = cells.iter().map(cell_text).collect();
            (u64::from(top) + i as u64 + 1, cells)
        });
        let Some((_, header)) = lines.find(|(_, cells)| cells.iter().any(|c| !c.is_empty())) else {
            continue;
        };
        let label = format!("{source} sheet {name:?}");
        let rows = lines
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
            .map(|(row, cells)| (Place::sheet_row(source, &name, row), cells))
            .collect();
        return Ok(Sheet {
            source: label,
            header,
            rows,
        });
    }
    Err(FormatError::Syntax {
        place: Place::file(source),
        problem: "every sheet is empty".into(),
    })
}

/// A cell as the text a lead sees: whole numbers without `.0`, dates as `YYYY-MM-DD`,
/// Excel's error values (`#N/A`) as written, so the field that reads them says so.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        Data::Float(x) => x.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Reads a layer from a workbook or CSV list, all rows or none, through the same row
/// pipeline as [`super::csv::read_items`].
pub fn read_items<T: SiteLayer>(
    bytes: &[u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Vec<ReadItem<T>>, FormatError> {
    let sheet = Sheet::read(bytes, source)?;
    all_rows(
        read_rows(&sheet.header, &sheet.rows, &sheet.source, opts)?,
        opts,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::model::Institution;
    use rust_xlsxwriter::Workbook;

    /// A workbook with one sheet named `name`, `rows[0]` the header; numbers stay numbers.
    fn workbook(name: &str, rows: &[&[&str]]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match value.parse::<f64>() {
                    Ok(x) if r > 0 => sheet.write_number(r, c, x).unwrap(),
                    _ => sheet.write_string(r, c, *value).unwrap(),
                };
            }
        }
        book.save_to_buffer().unwrap()
    }

    const HEADER: &[&str] = &[
        "编号",
        "机构名称",
        "机构类型",
        "证照情况",
        "经度",
        "纬度",
        "联系电话",
    ];

    #[test]
    fn an_xlsx_with_chinese_headers_reads_like_the_csv() {
        let bytes = workbook(
            "机构",
            &[
                HEADER,
                &[
                    "A1",
                    "学而思",
                    "培训",
                    "有证有照",
                    "116.35",
                    "39.96",
                    "010-62281234",
                ],
                &["", "", "", "", "", "", ""],
                &[
                    "A2",
                    "小饭桌",
                    "托管",
                    "无证无照",
                    "116.351",
                    "39.961",
                    "13800000000",
                ],
            ],
        );
        let items: Vec<ReadItem<Institution>> =
            read_items(&bytes, "list.xlsx", &ReadOptions::crs(Crs::Wgs84)).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].item.name, "学而思");
        assert_eq!(items[1].item.location.lon(), 116.351);
        assert_eq!(
            items[0].extra,
            [("联系电话".to_string(), "010-62281234".to_string())]
        );
        let csv = "编号,机构名称,机构类型,证照情况,经度,纬度,联系电话\n\
                   A1,学而思,培训,有证有照,116.35,39.96,010-62281234\n\
                   A2,小饭桌,托管,无证无照,116.351,39.961,13800000000\n";
        let from_csv: Vec<ReadItem<Institution>> =
            read_items(csv.as_bytes(), "list.csv", &ReadOptions::crs(Crs::Wgs84)).unwrap();
        assert_eq!(
            from_csv, items,
            "one pipeline: the same list reads the same"
        );
    }

    #[test]
    fn errors_name_file_sheet_row_and_column() {
        let bytes = workbook(
            "机构",
            &[
                HEADER,
                &["A1", "学而思", "培训", "有证有照", "116.35", "39.96", ""],
                &["A2", "小饭桌", "托管", "也许", "116.351", "39.961", ""],
            ],
        );
        let err = read_items::<Institution>(&bytes, "list.xlsx", &ReadOptions::crs(Crs::Wgs84))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                r#"list.xlsx sheet "机构" row 3, field "证照情况": unknown value "也许""#
            ),
            "{err}"
        );
    }

    #[test]
    fn a_missing_column_names_the_sheet() {
        let bytes = workbook("名单", &[&["机构名称", "经度"], &["学而思", "116.35"]]);
        let err = read_items::<Institution>(&bytes, "list.xlsx", &ReadOptions::crs(Crs::Wgs84))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(r#"list.xlsx sheet "名单""#), "{err}");
    }

    #[test]
    fn the_header_may_sit_below_blank_rows_and_numbers_read_as_written() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(2, 1, "名称").unwrap();
        sheet.write_string(2, 2, "投诉").unwrap();
        sheet.write_string(3, 1, "学而思").unwrap();
        sheet.write_number(3, 2, 3.0).unwrap();
        sheet.write_number(4, 2, 0.25).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let sheet = Sheet::from_workbook(&bytes, "x.xlsx").unwrap();
        assert_eq!(sheet.header, ["名称", "投诉"]);
        assert_eq!(sheet.rows[0].1, ["学而思", "3"]);
        assert_eq!(sheet.rows[1].1, ["", "0.25"]);
        assert_eq!(
            sheet.rows[1].0.to_string(),
            r#"x.xlsx sheet "Sheet1" row 5"#
        );
    }

    #[test]
    fn garbage_is_an_error_naming_the_file() {
        let err = Sheet::from_workbook(b"PK\x03\x04 not really", "bad.xlsx").unwrap_err();
        assert!(err.to_string().starts_with("bad.xlsx: "), "{err}");
        let empty = workbook("空", &[]);
        let err = Sheet::from_workbook(&empty, "empty.xlsx").unwrap_err();
        assert!(err.to_string().contains("every sheet is empty"), "{err}");
    }
}
