//! Fields of a row (CSV) or a feature's properties (GeoJSON), by canonical English name,
//! with the Chinese and English headers leads actually use, and the parsers of their values.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::error::{Errors, FieldProblem, Place};
use crate::model::{HotspotKind, InstitutionKind, Licence, OpenHours, Subject};

/// A canonical field and the headers (or property names) accepted for it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The English name from the glossary, used in output and in `aliases[0]`.
    pub name: &'static str,
    /// Every accepted header, compared case-insensitively with `' '`/`'-'` read as `'_'`.
    pub aliases: &'static [&'static str],
}

/// The site's own id (编号 / 序号), unique within a layer.
pub const ID: FieldSpec = FieldSpec {
    name: "id",
    aliases: &["id", "编号", "序号", "代码"],
};
/// The site's display name (机构名称, 学校名称, 网格名称…).
pub const NAME: FieldSpec = FieldSpec {
    name: "name",
    aliases: &[
        "name",
        "名称",
        "机构名称",
        "学校名称",
        "网格名称",
        "楼宇名称",
        "小区名称",
    ],
};
/// Longitude, in the layer's declared coordinate system.
pub const LON: FieldSpec = FieldSpec {
    name: "lon",
    aliases: &["lon", "lng", "long", "longitude", "x", "经度"],
};
/// Latitude, in the layer's declared coordinate system.
pub const LAT: FieldSpec = FieldSpec {
    name: "lat",
    aliases: &["lat", "latitude", "y", "纬度"],
};
/// The street address, as written.
pub const ADDRESS: FieldSpec = FieldSpec {
    name: "address",
    aliases: &["address", "地址", "详细地址"],
};
/// What kind of site it is (the layer decides the vocabulary).
pub const KIND: FieldSpec = FieldSpec {
    name: "kind",
    aliases: &["kind", "type", "类型", "类别", "机构类型"],
};
/// An institution's subject class (学科类 / 非学科类).
pub const SUBJECT: FieldSpec = FieldSpec {
    name: "subject",
    aliases: &["subject", "学科类别", "学科", "培训类别"],
};
/// An institution's licence status (证照情况).
pub const LICENCE: FieldSpec = FieldSpec {
    name: "licence",
    aliases: &["licence", "license", "证照", "证照情况", "证照状态"],
};
/// Opening hours, `HH:MM-HH:MM[,HH:MM-HH:MM…]` local time.
pub const OPEN_HOURS: FieldSpec = FieldSpec {
    name: "open_hours",
    aliases: &[
        "open_hours",
        "opening_hours",
        "hours",
        "营业时间",
        "开放时间",
    ],
};
/// Complaints and tip-offs on record (投诉 / 举报), a whole number.
pub const COMPLAINTS: FieldSpec = FieldSpec {
    name: "complaints",
    aliases: &["complaints", "投诉", "投诉数", "投诉次数", "举报", "举报数"],
};
/// The date of the last inspection, `YYYY-MM-DD`.
pub const LAST_INSPECTED: FieldSpec = FieldSpec {
    name: "last_inspected",
    aliases: &[
        "last_inspected",
        "上次检查",
        "最近检查",
        "上次检查日期",
        "最近检查日期",
    ],
};
/// Whether the row was made up by the sample generator (not a real business).
pub const SYNTHETIC: FieldSpec = FieldSpec {
    name: "synthetic",
    aliases: &["synthetic", "模拟", "合成"],
};
/// The grid officer (网格员) responsible for a cell.
pub const OFFICER: FieldSpec = FieldSpec {
    name: "officer",
    aliases: &["officer", "网格员", "负责人"],
};
/// A geometry as WKT, in CSV files (GeoJSON features carry their own).
pub const GEOMETRY: FieldSpec = FieldSpec {
    name: "geometry",
    aliases: &["geometry", "wkt", "geom", "几何", "范围"],
};

fn normalise(header: &str) -> String {
    header.trim().to_lowercase().replace([' ', '-'], "_")
}

/// The field of `specs` that `header` names, if any.
pub fn match_header(specs: &[FieldSpec], header: &str) -> Option<FieldSpec> {
    let h = normalise(header);
    specs
        .iter()
        .copied()
        .find(|s| s.aliases.iter().any(|a| normalise(a) == h))
}

/// One row or feature: its place, the values by canonical field (with the header as
/// written, for messages), and whether any of its fields was rejected.
pub struct Row<'e> {
    /// Where the row or feature is, for error messages.
    pub place: Place,
    values: HashMap<&'static str, (String, String)>,
    extra: Vec<(String, String)>,
    errors: &'e mut Errors,
    failed: bool,
    /// Fields already rejected (not to be reported twice).
    rejected: Vec<&'static str>,
}

impl<'e> Row<'e> {
    /// A row at `place` reporting into `errors`.
    pub fn new(place: Place, errors: &'e mut Errors) -> Self {
        Self {
            place,
            values: HashMap::new(),
            extra: Vec::new(),
            errors,
            failed: false,
            rejected: Vec::new(),
        }
    }
    /// Sets `field`'s value, read under `header`.
    pub fn set(&mut self, field: &'static str, header: &str, value: String) {
        self.values.insert(field, (header.to_string(), value));
    }
    /// Keeps a column (or property) no field of the layer reads, under its header.
    pub fn set_extra(&mut self, header: &str, value: String) {
        self.extra.push((header.to_string(), value));
    }
    /// The fields this row gives a non-blank value for, by canonical name: an import
    /// leaves the stored value of every other field alone.
    pub fn given(&self) -> Vec<&'static str> {
        let mut given: Vec<&'static str> = self
            .values
            .iter()
            .filter(|(_, (_, v))| !v.trim().is_empty())
            .map(|(field, _)| *field)
            .collect();
        given.sort_unstable();
        given
    }
    /// The columns no field reads, `(header, value)` in file order, blank values left out.
    pub fn take_extra(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.extra)
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect()
    }
    /// True when some field of this row was rejected.
    pub fn failed(&self) -> bool {
        self.failed
    }
    /// The header `field` was read under (its canonical name when absent).
    pub fn header(&self, field: &'static str) -> String {
        self.values
            .get(field)
            .map_or(field.to_string(), |(h, _)| h.clone())
    }
    /// Records a problem with `field`.
    pub fn reject(&mut self, field: &'static str, problem: FieldProblem) {
        let header = self.header(field);
        self.errors.field(&self.place, &header, problem);
        self.failed = true;
        self.rejected.push(field);
    }
    /// The trimmed value of `field`, `None` when absent or blank.
    pub fn text(&self, field: FieldSpec) -> Option<String> {
        let (_, v) = self.values.get(field.name)?;
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_string())
    }
    /// The value of a field that must not be blank; ids and names are also held to
    /// [`check_id`] and [`check_name`].
    pub fn required(&mut self, field: FieldSpec) -> Option<String> {
        if self.rejected.contains(&field.name) {
            return None;
        }
        let value = self.text(field);
        let Some(value) = value else {
            self.reject(field.name, FieldProblem::Empty);
            return None;
        };
        let checked = match field.name {
            "id" => check_id(&value),
            "name" => check_name(&value),
            _ => Ok(()),
        };
        checked.map_err(|p| self.reject(field.name, p)).ok()?;
        Some(value)
    }
    /// Parses a required field.
    pub fn parse<T>(
        &mut self,
        field: FieldSpec,
        parse: impl Fn(&str) -> Result<T, FieldProblem>,
    ) -> Option<T> {
        let text = self.required(field)?;
        parse(&text).map_err(|p| self.reject(field.name, p)).ok()
    }
    /// Parses an optional field: `Some(None)` when blank, `None` when invalid.
    pub fn parse_opt<T>(
        &mut self,
        field: FieldSpec,
        parse: impl Fn(&str) -> Result<T, FieldProblem>,
    ) -> Option<Option<T>> {
        match self.text(field) {
            None => Some(None),
            Some(text) => parse(&text)
                .map(Some)
                .map_err(|p| self.reject(field.name, p))
                .ok(),
        }
    }
}

/// The longest id accepted, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// An id: at most [`MAX_ID_CHARS`] characters, none of them a control character (ids
/// end up in file names, URLs and the ledger).
pub fn check_id(text: &str) -> Result<(), FieldProblem> {
    check_length(text, MAX_ID_CHARS)?;
    match text.chars().enumerate().find(|(_, c)| c.is_control()) {
        Some((position, character)) => Err(FieldProblem::ControlCharacter {
            character,
            position: position + 1,
        }),
        None => Ok(()),
    }
}

/// A name: at most [`MAX_NAME_CHARS`] characters.
pub fn check_name(text: &str) -> Result<(), FieldProblem> {
    check_length(text, MAX_NAME_CHARS)
}

fn check_length(text: &str, limit: usize) -> Result<(), FieldProblem> {
    match text.chars().count() {
        length if length > limit => Err(FieldProblem::TooLong { length, limit }),
        _ => Ok(()),
    }
}

/// A decimal number; a comma decimal separator (`116,35`) is rejected, not guessed.
pub fn number(text: &str) -> Result<f64, FieldProblem> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| FieldProblem::NotANumber(text.to_string()))
}

/// A whole number ≥ 0 (`3`, or `3.0` as spreadsheets write it).
pub fn count(text: &str) -> Result<u32, FieldProblem> {
    let bad = || FieldProblem::NotACount(text.to_string());
    let t = text.trim();
    if let Ok(n) = t.parse::<u32>() {
        return Ok(n);
    }
    let v: f64 = t.parse().map_err(|_| bad())?;
    if v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
        Ok(v as u32)
    } else {
        Err(bad())
    }
}

/// A date `YYYY-MM-DD` (also `YYYY/MM/DD`, as Excel may write it).
pub fn date(text: &str) -> Result<NaiveDate, FieldProblem> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .map_err(|_| FieldProblem::NotADate(text.to_string()))
}

/// Opening hours by weekday (`周一至周五 16:00-21:00；周六 09:00-18:00`, OSM's
/// `Mo-Fr 16:00-21:00`, or `08:00-12:00,14:00-20:00` for every day).
pub fn open_hours(text: &str) -> Result<OpenHours, FieldProblem> {
    OpenHours::read(text).map_err(|e| FieldProblem::NotOpenHours {
        text: text.to_string(),
        why: Box::new(e),
    })
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`, `是`/`否`).
pub fn boolean(text: &str) -> Result<bool, FieldProblem> {
    match text.trim().to_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "是" => Ok(true),
        "false" | "0" | "no" | "n" | "否" => Ok(false),
        _ => Err(FieldProblem::UnknownValue {
            value: text.to_string(),
            accepted: vec!["true", "false", "1", "0", "是", "否"],
        }),
    }
}

/// Looks `text` up in `(accepted spelling, value)` pairs, case-insensitively.
fn one_of<T: Copy>(text: &str, table: &[(&'static str, T)]) -> Result<T, FieldProblem> {
    let t = normalise(text);
    table
        .iter()
        .find(|(name, _)| normalise(name) == t)
        .map(|&(_, v)| v)
        .ok_or_else(|| FieldProblem::UnknownValue {
            value: text.to_string(),
            accepted: table.iter().map(|&(n, _)| n).collect(),
        })
}

/// `training` | `care` (培训 / 托管).
pub fn institution_kind(text: &str) -> Result<InstitutionKind, FieldProblem> {
    use InstitutionKind::*;
    one_of(
        text,
        &[
            ("training", Training),
            ("care", Care),
            ("培训", Training),
            ("校外培训", Training),
            ("托管", Care),
            ("托管班", Care),
            ("小饭桌", Care),
        ],
    )
}

/// `subject` | `non_subject` (学科类 / 非学科类).
pub fn subject(text: &str) -> Result<Subject, FieldProblem> {
    let (s, n) = (Subject::Subject, Subject::NonSubject);
    one_of(
        text,
        &[
            ("subject", s),
            ("non_subject", n),
            ("学科类", s),
            ("非学科类", n),
            ("学科", s),
            ("非学科", n),
        ],
    )
}

/// `licensed` | `registered_only` | `unlicensed` (有证有照 / 有照无证 / 无证无照).
pub fn licence(text: &str) -> Result<Licence, FieldProblem> {
    use Licence::*;
    one_of(
        text,
        &[
            ("licensed", Licensed),
            ("registered_only", RegisteredOnly),
            ("unlicensed", Unlicensed),
            ("有证有照", Licensed),
            ("有照无证", RegisteredOnly),
            ("无证无照", Unlicensed),
        ],
    )
}

/// `office_building` | `residential_compound` (商务楼宇 / 居民小区).
pub fn hotspot_kind(text: &str) -> Result<HotspotKind, FieldProblem> {
    use HotspotKind::*;
    one_of(
        text,
        &[
            ("office_building", OfficeBuilding),
            ("residential_compound", ResidentialCompound),
            ("商务楼宇", OfficeBuilding),
            ("居民小区", ResidentialCompound),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_either_language_and_any_case() {
        let specs = [ID, NAME, LON, LAT, OPEN_HOURS];
        assert_eq!(match_header(&specs, " 经度 ").map(|s| s.name), Some("lon"));
        assert_eq!(
            match_header(&specs, "Longitude").map(|s| s.name),
            Some("lon")
        );
        assert_eq!(
            match_header(&specs, "Open Hours").map(|s| s.name),
            Some("open_hours")
        );
        assert_eq!(match_header(&specs, "名称").map(|s| s.name), Some("name"));
        assert!(match_header(&specs, "备注").is_none());
    }

    #[test]
    fn values_parse_and_reject_with_the_accepted_list() {
        assert_eq!(institution_kind("托管"), Ok(InstitutionKind::Care));
        assert_eq!(subject("Non_Subject"), Ok(Subject::NonSubject));
        assert_eq!(licence("有照无证"), Ok(Licence::RegisteredOnly));
        assert_eq!(
            hotspot_kind("居民小区"),
            Ok(HotspotKind::ResidentialCompound)
        );
        let e = licence("maybe").unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown value \"maybe\": expected one of licensed, registered_only, unlicensed, \
             有证有照, 有照无证, 无证无照"
        );
    }

    #[test]
    fn numbers_counts_dates() {
        assert_eq!(number(" 116.35 "), Ok(116.35));
        assert_eq!(
            number("116,35"),
            Err(FieldProblem::NotANumber("116,35".into()))
        );
        assert!(number("NaN").is_err());
        assert_eq!(count("3.0"), Ok(3));
        assert!(count("-1").is_err() && count("2.5").is_err());
        assert_eq!(
            date("2026/03/05"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap())
        );
        assert!(date("2026-02-30").is_err());
        assert_eq!(boolean("是"), Ok(true));
    }
}
