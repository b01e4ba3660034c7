//! An offline address look-up on the township's own extract: every named element
//! (buildings, POIs, compounds, schools) and every `addr:street` + `addr:housenumber`
//! becomes an entry with a position, so a lead's list row that has an address and no
//! coordinates can be placed without any online service.
//!
//! Chinese addresses are matched after [`normalise`]: full-width forms to half-width,
//! spaces and punctuation dropped, 號 read as 号, 栋/幢/座 as 号楼, and the 省/市/区/县
//! prefix stripped. A road and house number (`学院路10号`) is tried first, then the
//! name the address mentions last (`北京邮电大学学生活动中心`: the 活动中心), then the
//! row's own name.
//! A road alone is never enough (a road can be kilometres long), and a name found at
//! places far apart is ambiguous: such rows stay unplaced for the lead to click.
//!
//! ```
//! use gridpatrol::formats::osm::addresses::normalise;
//! assert_eq!(normalise("北京市海淀区 学院路１０號"), "学院路10号");
//! assert_eq!(normalise("蓟门里小区3栋"), "蓟门里小区3号楼");
//! ```

use super::{OsmData, Tags};
use crate::units::haversine_m;

/// Two entries of one name farther apart than this make the name ambiguous.
pub const AMBIGUOUS_SPREAD_M: f64 = 300.0;

/// Names shorter than this (in characters, after [`normalise`]) are too generic to match.
const MIN_NAME_CHARS: usize = 3;

/// How a position was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchBy {
    /// The road and house number of an `addr:*` element.
    RoadAndNumber,
    /// A name (building, POI, compound) the address contains.
    AddressName,
    /// The row's own name is the name of an element of the extract.
    SiteName,
}

/// A position found for an address.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct AddressMatch {
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// How it was found.
    pub by: MatchBy,
    /// What it was found by, as the extract writes it (`学院路10号`, `北京邮电大学`).
    pub label: String,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Normalised names (name, name:zh, alt_name, official_name, short_name).
    names: Vec<String>,
    /// Normalised `addr:street` and the house number's leading digits.
    street_number: Option<(String, String)>,
    label: String,
    lon: f64,
    lat: f64,
}

/// The look-up over one extract's names and addresses.
#[derive(Debug, Clone, Default)]
pub struct AddressIndex {
    entries: Vec<Entry>,
}

const NAME_KEYS: &[&str] = &["name", "name:zh", "alt_name", "official_name", "short_name"];

impl AddressIndex {
    /// Indexes every named or addressed node, way and relation that is not a road (roads
    /// are too long to be a place).
    pub fn build(osm: &OsmData) -> Self {
        let mut entries = Vec::new();
        for node in &osm.nodes {
            push_entry(&mut entries, &node.tags, Some((node.lon, node.lat)));
        }
        for way in &osm.ways {
            push_entry(
                &mut entries,
                &way.tags,
                mean(osm.way_nodes(way).map(|n| (n.lon, n.lat))),
            );
        }
        let ways: std::collections::HashMap<i64, &super::OsmWay> =
            osm.ways.iter().map(|w| (w.id, w)).collect();
        for relation in &osm.relations {
            let points = relation
                .members
                .iter()
                .filter(|m| m.kind == super::MemberKind::Way && m.role != "inner")
                .filter_map(|m| ways.get(&m.id).copied())
                .flat_map(|w| osm.way_nodes(w).map(|n| (n.lon, n.lat)));
            push_entry(&mut entries, &relation.tags, mean(points));
        }
        Self { entries }
    }

    /// How many places the look-up knows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the extract named nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of `address` (and, failing that, of a place called `name`), or
    /// `None` when the extract does not say where it is or says it ambiguously.
    pub fn find(&self, address: &str, name: Option<&str>) -> Option<AddressMatch> {
        let address = normalise(address);
        self.by_road_and_number(&address)
            .or_else(|| self.by_contained_name(&address))
            .or_else(|| self.by_site_name(&normalise(name?)))
    }

    fn by_road_and_number(&self, address: &str) -> Option<AddressMatch> {
        let hits: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| {
                e.street_number.as_ref().is_some_and(|(street, number)| {
                    number_after(address, street).is_some_and(|n| n == *number)
                })
            })
            .collect();
        unambiguous(&hits, MatchBy::RoadAndNumber)
    }

    /// The name the address mentions last (addresses go from the general to the
    /// particular: 北京邮电大学学生活动中心 is the 活动中心), the longest on a tie.
    fn by_contained_name(&self, address: &str) -> Option<AddressMatch> {
        let score = |e: &Entry| {
            e.names
                .iter()
                .filter_map(|n| address.rfind(n.as_str()).map(|at| (at + n.len(), n.len())))
                .max()
        };
        let best = self.entries.iter().filter_map(score).max()?;
        let hits: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| score(e) == Some(best))
            .collect();
        unambiguous(&hits, MatchBy::AddressName)
    }

    fn by_site_name(&self, name: &str) -> Option<AddressMatch> {
        let hits: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.names.iter().any(|n| n == name))
            .collect();
        unambiguous(&hits, MatchBy::SiteName)
    }
}

fn push_entry(entries: &mut Vec<Entry>, tags: &Tags, at: Option<(f64, f64)>) {
    let Some((lon, lat)) = at else { return };
    let is_line = ["highway", "railway", "route", "waterway"]
        .iter()
        .any(|k| tags.get(k).is_some())
        || tags.is("type", "route")
        || tags.is("type", "route_master");
    if is_line {
        return;
    }
    let names: Vec<String> = NAME_KEYS
        .iter()
        .filter_map(|k| tags.get(k))
        .map(normalise)
        .filter(|n| n.chars().count() >= MIN_NAME_CHARS && !is_generic(n))
        .collect();
    let street_number = tags
        .get("addr:street")
        .zip(tags.get("addr:housenumber"))
        .and_then(|(street, number)| {
            let digits = leading_digits(&normalise(number));
            (!digits.is_empty()).then(|| (normalise(street), digits))
        });
    if names.is_empty() && street_number.is_none() {
        return;
    }
    let label = match (tags.get("name"), tags.get("addr:street")) {
        (Some(name), _) => name.to_string(),
        (None, Some(street)) => {
            format!("{street}{}", tags.get("addr:housenumber").unwrap_or(""))
        }
        (None, None) => names[0].clone(),
    };
    entries.push(Entry {
        names,
        street_number,
        label,
        lon,
        lat,
    });
}

/// A bare building number (`7号楼`, `12号`): every compound has one, so it says nothing.
fn is_generic(name: &str) -> bool {
    let rest = name.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.len() < name.len() && matches!(rest, "号楼" | "号" | "楼")
}

fn mean(points: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    let (mut n, mut x, mut y) = (0.0, 0.0, 0.0);
    for (lon, lat) in points {
        n += 1.0;
        x += lon;
        y += lat;
    }
    (n > 0.0).then(|| (x / n, y / n))
}

/// The one place the hits agree on, or `None` (no hit, or hits far apart).
fn unambiguous(hits: &[&Entry], by: MatchBy) -> Option<AddressMatch> {
    let first = hits.first()?;
    let spread = hits
        .iter()
        .map(|e| haversine_m((first.lon, first.lat), (e.lon, e.lat)))
        .fold(0.0, f64::max);
    (spread <= AMBIGUOUS_SPREAD_M).then(|| AddressMatch {
        lon: first.lon,
        lat: first.lat,
        by,
        label: first.label.clone(),
    })
}

/// The house number written right after `street` in `address` (`学院路10号` → `10`).
fn number_after(address: &str, street: &str) -> Option<String> {
    let at = address.find(street)?;
    let digits = leading_digits(&address[at + street.len()..]);
    (!digits.is_empty()).then_some(digits)
}

fn leading_digits(text: &str) -> String {
    text.chars().take_while(char::is_ascii_digit).collect()
}

/// Administrative prefixes stripped from the start of an address.
const ADMIN_ENDINGS: &[&str] = &["省", "自治区", "市", "区", "县", "镇", "乡", "街道"];
/// Endings that look administrative but name a place (a compound, a campus).
const PLACE_ENDINGS: &[&str] = &[
    "小区", "校区", "园区", "社区", "景区", "新区", "厂区", "院区", "片区", "街区", "商区", "超市",
    "城市", "都市", "门市", "菜市", "古镇",
];
/// The longest administrative prefix considered, in characters.
const MAX_ADMIN_CHARS: usize = 8;

/// An address or name as compared: half-width, lower case, no spaces or punctuation,
/// 號 → 号, 栋/幢/座 → 号楼, administrative prefixes (北京市, 海淀区, 学院路街道) removed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '號' => '号',
            _ => c,
        };
        if c.is_whitespace()
            || (c.is_ascii_punctuation() && c != '-')
            || "（）·，、。－—".contains(c)
        {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    let mut out = out
        .replace("号楼", "\u{0}")
        .replace(['栋', '幢', '座'], "\u{0}")
        .replace('\u{0}', "号楼");
    while let Some(rest) = strip_admin_prefix(&out) {
        out = rest;
    }
    out
}

fn strip_admin_prefix(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    (2..=MAX_ADMIN_CHARS.min(chars.len().saturating_sub(1)))
        .map(|n| chars[..n].iter().collect::<String>())
        .find(|prefix| {
            ADMIN_ENDINGS.iter().any(|e| prefix.ends_with(e))
                && !PLACE_ENDINGS.iter().any(|e| prefix.ends_with(e))
        })
        .map(|prefix| text[prefix.len()..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::osm::{OsmNode, OsmWay};

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        Tags(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn node(id: i64, lon: f64, lat: f64, t: &[(&str, &str)]) -> OsmNode {
        OsmNode {
            id,
            lon,
            lat,
            tags: tags(t),
        }
    }

    fn township() -> AddressIndex {
        let nodes = vec![
            node(
                1,
                116.350,
                39.960,
                &[("addr:street", "学院路"), ("addr:housenumber", "10号")],
            ),
            node(
                2,
                116.352,
                39.962,
                &[("name", "北京邮电大学"), ("amenity", "university")],
            ),
            node(
                3,
                116.360,
                39.970,
                &[("name", "蓟门里小区"), ("landuse", "residential")],
            ),
            node(4, 116.361, 39.971, &[]),
            node(5, 116.362, 39.972, &[]),
            node(
                6,
                116.300,
                39.900,
                &[("name", "便利店"), ("shop", "convenience")],
            ),
            node(
                7,
                116.400,
                39.990,
                &[("name", "便利店"), ("shop", "convenience")],
            ),
        ];
        let ways = vec![
            OsmWay {
                id: 10,
                refs: vec![4, 5],
                tags: tags(&[("name", "学院路"), ("highway", "primary")]),
            },
            OsmWay {
                id: 11,
                refs: vec![4, 5, 4],
                tags: tags(&[("building", "yes"), ("name", "科研楼")]),
            },
        ];
        AddressIndex::build(&OsmData::new(nodes, ways, vec![], 0))
    }

    #[test]
    fn road_and_number_beat_everything_and_tolerate_prefixes_and_widths() {
        let index = township();
        let hit = index.find("北京市海淀区学院路１０號院3号楼", None).unwrap();
        assert_eq!(
            (hit.lon, hit.lat, hit.by),
            (116.350, 39.960, MatchBy::RoadAndNumber)
        );
        assert!(
            index.find("学院路12号", None).is_none(),
            "another number is another place"
        );
        assert!(
            index.find("学院路", None).is_none(),
            "a road alone places nothing"
        );
    }

    #[test]
    fn names_in_the_address_then_the_sites_own_name() {
        let index = township();
        let hit = index
            .find("海淀区西土城路 北京邮电大学 学生活动中心", None)
            .unwrap();
        assert_eq!(
            (hit.by, hit.label.as_str()),
            (MatchBy::AddressName, "北京邮电大学")
        );
        let hit = index.find("蓟门里小区5栋", None).unwrap();
        assert_eq!(
            hit.label, "蓟门里小区",
            "a compound is not taken for 区 prefix"
        );
        let hit = index.find("不知道", Some("科研楼")).unwrap();
        assert_eq!(hit.by, MatchBy::SiteName);
        assert!(
            (hit.lon - 116.3613).abs() < 1e-3,
            "a building sits at its nodes' mean"
        );
    }

    #[test]
    fn a_name_found_far_apart_is_ambiguous() {
        assert!(township().find("某路便利店", None).is_none());
    }

    #[test]
    fn bare_building_numbers_are_not_names() {
        assert!(is_generic("7号楼") && is_generic("12号"));
        assert!(!is_generic("家属27号楼") && !is_generic("号楼"));
    }

    #[test]
    fn normalise_strips_only_administrative_prefixes() {
        assert_eq!(normalise("广东省深圳市南山区科技园"), "科技园");
        assert_eq!(normalise("海淀区学院路街道学院路10号"), "学院路10号");
        assert_eq!(normalise("ＡＢＣ大厦 Ａ座"), "abc大厦a号楼");
        assert_eq!(normalise("新区"), "新区");
        assert_eq!(normalise("永辉超市学院路店"), "永辉超市学院路店");
    }
}
