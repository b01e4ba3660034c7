//! A lead's list of institutions as it comes (机构名称, 举办者, 地址, 证照情况, 联系电话…,
//! often without ids, types or coordinates) made ready for the row pipeline
//! ([`super::csv::read_rows`]) against the workspace's current sites:
//!
//! - no id: a site of the same name keeps its id; a new one gets `L` and 8 hex digits
//!   of its name and address (the same list imported twice gives the same ids);
//! - no type column: a known site keeps its type, a new one is a 校外培训 (training);
//! - no coordinates: a known site keeps its place; else the address (or the name) is
//!   looked up offline in the township's extract ([`AddressIndex`]); else the row
//!   needs a position (kept for the lead to place on the map, never dropped).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::error::Place;
use super::fields::{self as f, match_header, FieldSpec};
use super::layers::SiteLayer;
use super::osm::addresses::{normalise, AddressIndex, AddressMatch};
use super::spreadsheet::Sheet;
use crate::crs::Crs;
use crate::model::{Institution, InstitutionKind, Wgs84Point};

/// Where a row's position comes from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum PositionFrom {
    /// The row's own coordinates.
    File,
    /// The row gave none; the site it names keeps its stored place.
    Stored,
    /// Found by the offline address look-up.
    Found(AddressMatch),
}

/// A row ready for the row pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadyRow {
    /// Where the row is in the list.
    pub place: Place,
    /// Its cells under [`PreparedList::header`] (ids, types and coordinates filled in).
    pub cells: Vec<String>,
    /// Where its position comes from.
    pub position: PositionFrom,
    /// The exact WGS-84 position to keep when it is not the file's (stored or found).
    pub exact: Option<Wgs84Point>,
}

/// A row with neither coordinates nor a place the look-up finds.
#[derive(Debug, Clone, PartialEq)]
pub struct UnplacedRow {
    /// Where the row is in the list.
    pub place: Place,
    /// The site's name as written.
    pub name: String,
    /// Its address as written, if any.
    pub address: Option<String>,
    /// Its cells under [`PreparedList::header`] (id filled in, coordinates blank).
    pub cells: Vec<String>,
}

/// What a header of the list is read as.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct ColumnUse {
    /// The header as written.
    pub header: String,
    /// The field it gives (`name`, `lon`…), or `None` when kept as an extra attribute.
    pub field: Option<&'static str>,
}

/// A list made ready: the header the pipeline reads, the rows, the unplaced rows.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedList {
    /// The file (and sheet) as messages name it.
    pub source: String,
    /// The list's header with any `id`, `kind`, `lon`, `lat` columns it lacked.
    pub header: Vec<String>,
    /// The headers as written and what each is read as.
    pub columns: Vec<ColumnUse>,
    /// The rows with a position.
    pub rows: Vec<ReadyRow>,
    /// The rows that need a position.
    pub unplaced: Vec<UnplacedRow>,
    /// The fields the list lacked and were filled in (`id`, `kind`, `lon`, `lat`).
    pub filled: Vec<&'static str>,
}

/// Column positions of the fields this module fills in, after any were appended.
struct Slots {
    id: usize,
    name: Option<usize>,
    kind: usize,
    address: Option<usize>,
    lon: usize,
    lat: usize,
}

fn fields() -> Vec<FieldSpec> {
    let mut specs = Institution::FIELDS.to_vec();
    specs.extend([f::LON, f::LAT]);
    specs
}

/// Makes `sheet` ready for the row pipeline against the workspace's `sites`; `crs` is
/// the list's coordinate system (filled coordinates are written in it).
pub fn prepare(
    sheet: &Sheet,
    sites: &[Institution],
    index: Option<&AddressIndex>,
    crs: Crs,
) -> PreparedList {
    let specs = fields();
    let columns: Vec<ColumnUse> = sheet
        .header
        .iter()
        .filter(|h| !h.trim().is_empty())
        .map(|h| ColumnUse {
            header: h.clone(),
            field: match_header(&specs, h).map(|s| s.name),
        })
        .collect();
    let mut header = sheet.header.clone();
    let mut filled = Vec::new();
    let mut slot = |spec: FieldSpec, header: &mut Vec<String>| {
        header
            .iter()
            .position(|h| match_header(&[spec], h).is_some())
            .unwrap_or_else(|| {
                header.push(spec.name.to_string());
                filled.push(spec.name);
                header.len() - 1
            })
    };
    let slots = Slots {
        id: slot(f::ID, &mut header),
        kind: slot(f::KIND, &mut header),
        lon: slot(f::LON, &mut header),
        lat: slot(f::LAT, &mut header),
        name: header
            .iter()
            .position(|h| match_header(&[f::NAME], h).is_some()),
        address: header
            .iter()
            .position(|h| match_header(&[f::ADDRESS], h).is_some()),
    };
    let by_id: HashMap<&str, &Institution> = sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut by_name: HashMap<String, Vec<&Institution>> = HashMap::new();
    for site in sites {
        by_name.entry(normalise(&site.name)).or_default().push(site);
    }
    let mut list = PreparedList {
        source: sheet.source.clone(),
        header,
        columns,
        rows: Vec::new(),
        unplaced: Vec::new(),
        filled,
    };
    for (place, cells) in &sheet.rows {
        let mut cells = cells.clone();
        cells.resize(list.header.len().max(cells.len()), String::new());
        let cell = |i: Option<usize>, cells: &[String]| {
            i.map(|i| cells[i].trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let name = cell(slots.name, &cells);
        let address = cell(slots.address, &cells);
        if cells[slots.id].trim().is_empty() {
            if let Some(name) = &name {
                cells[slots.id] = known_by_name(&by_name, name, address.as_deref())
                    .map_or_else(|| new_id(name, address.as_deref()), |s| s.id.clone());
            }
        }
        let known = by_id.get(cells[slots.id].trim()).copied();
        if cells[slots.kind].trim().is_empty() {
            let kind = known.map_or(InstitutionKind::Training, |s| s.kind);
            cells[slots.kind] = kind_code(kind).to_string();
        }
        let has_coordinates =
            !cells[slots.lon].trim().is_empty() || !cells[slots.lat].trim().is_empty();
        let (position, exact) = if has_coordinates {
            (PositionFrom::File, None)
        } else if let Some(site) = known {
            (PositionFrom::Stored, Some(site.location))
        } else if let Some(hit) = index.and_then(|ix| {
            address.as_deref().map_or_else(
                || ix.find("", name.as_deref()),
                |a| ix.find(a, name.as_deref()),
            )
        }) {
            let at = Wgs84Point::new(hit.lon, hit.lat);
            (PositionFrom::Found(hit), Some(at))
        } else {
            list.unplaced.push(UnplacedRow {
                place: place.clone(),
                name: name.unwrap_or_default(),
                address,
                cells,
            });
            continue;
        };
        if let Some(at) = exact {
            let (lon, lat) = crs.from_wgs84(at.lon(), at.lat());
            cells[slots.lon] = lon.to_string();
            cells[slots.lat] = lat.to_string();
        }
        list.rows.push(ReadyRow {
            place: place.clone(),
            cells,
            position,
            exact,
        });
    }
    list
}

/// The stored site a row without an id names: the only one of that name, or the one
/// of that name at the same address.
fn known_by_name<'a>(
    by_name: &HashMap<String, Vec<&'a Institution>>,
    name: &str,
    address: Option<&str>,
) -> Option<&'a Institution> {
    match by_name.get(&normalise(name))?.as_slice() {
        [only] => Some(only),
        several => several.iter().copied().find(|s| {
            s.address.as_deref().map(normalise) == address.map(normalise) && address.is_some()
        }),
    }
}

/// A new site's id: `L` and the first 8 hex digits of SHA-256 over its name and address.
pub fn new_id(name: &str, address: Option<&str>) -> String {
    let mut hash = Sha256::new();
    hash.update(normalise(name).as_bytes());
    hash.update([0]);
    hash.update(normalise(address.unwrap_or("")).as_bytes());
    format!("L{}", &hex::encode(hash.finalize())[..8])
}

fn kind_code(kind: InstitutionKind) -> &'static str {
    match kind {
        InstitutionKind::Training => "training",
        InstitutionKind::Care => "care",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::osm::{OsmData, OsmNode, Tags};
    use crate::model::Licence;

    fn site(id: &str, name: &str, kind: InstitutionKind) -> Institution {
        Institution {
            id: id.into(),
            name: name.into(),
            kind,
            subject: None,
            licence: Licence::Licensed,
            address: None,
            location: Wgs84Point::new(116.34, 39.95),
            open_hours: None,
            complaints: 0,
            last_inspected: None,
            synthetic: false,
        }
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            source: "list.xlsx sheet \"机构\"".into(),
            header: ["机构名称", "举办者", "地址", "证照情况", "经度", "纬度"]
                .map(String::from)
                .to_vec(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let place = Place::sheet_row("list.xlsx", "机构", i as u64 + 2);
                    (place, r.iter().map(|c| c.to_string()).collect())
                })
                .collect(),
        }
    }

    fn index() -> AddressIndex {
        let tags = Tags(vec![
            ("addr:street".into(), "学院路".into()),
            ("addr:housenumber".into(), "10".into()),
        ]);
        let node = OsmNode {
            id: 1,
            lon: 116.35,
            lat: 39.96,
            tags,
        };
        AddressIndex::build(&OsmData::new(vec![node], vec![], vec![], 0))
    }

    #[test]
    fn ids_types_and_places_are_filled_from_the_workspace_and_the_lookup() {
        let sites = [site("I009", "小饭桌", InstitutionKind::Care)];
        let list = sheet(&[
            &["小饭桌", "张三", "", "无证无照", "", ""],
            &[
                "新机构",
                "李四",
                "北京市海淀区学院路10号",
                "有证有照",
                "",
                "",
            ],
            &["远方培训", "王五", "火星路1号", "有证有照", "", ""],
            &["有坐标", "", "", "有证有照", "116.351", "39.961"],
        ]);
        let ready = prepare(&list, &sites, Some(&index()), Crs::Wgs84);
        assert_eq!(ready.filled, ["id", "kind"]);
        assert_eq!(ready.header.len(), 8);
        let known = &ready.rows[0];
        assert_eq!(
            (known.cells[6].as_str(), known.cells[7].as_str()),
            ("I009", "care")
        );
        assert_eq!(known.position, PositionFrom::Stored);
        let found = &ready.rows[1];
        assert_eq!(
            found.cells[6],
            new_id("新机构", Some("北京市海淀区学院路10号"))
        );
        assert_eq!(found.cells[7], "training");
        assert!(matches!(found.position, PositionFrom::Found(_)));
        assert_eq!(found.cells[4], "116.35");
        assert_eq!(ready.rows[2].position, PositionFrom::File);
        assert_eq!(ready.unplaced.len(), 1);
        assert_eq!(ready.unplaced[0].name, "远方培训");
        assert_eq!(
            ready.unplaced[0].place.to_string(),
            "list.xlsx sheet \"机构\" row 4"
        );
        let used: Vec<Option<&str>> = ready.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            used,
            [
                Some("name"),
                None,
                Some("address"),
                Some("licence"),
                Some("lon"),
                Some("lat")
            ]
        );
    }

    #[test]
    fn found_places_are_written_in_the_lists_coordinate_system() {
        let list = sheet(&[&["新机构", "", "学院路10号", "有证有照", "", ""]]);
        let ready = prepare(&list, &[], Some(&index()), Crs::Gcj02);
        let lon: f64 = ready.rows[0].cells[4].parse().unwrap();
        assert!((lon - 116.35).abs() > 1e-4, "shifted into GCJ-02: {lon}");
        assert_eq!(ready.rows[0].exact, Some(Wgs84Point::new(116.35, 39.96)));
    }
}
