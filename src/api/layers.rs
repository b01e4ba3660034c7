//! The map's GeoJSON layers (RFC 7946, WGS-84), one typed properties struct per layer,
//! built from the workspace. The server answers `GET /api/layers/{name}` with them; the
//! hotspot export uses the same properties, so the map and QGIS read the same names.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::dates::DateWindow;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::answers::CoverageRow;
use crate::coverage::hotspots::HotspotScore;
use crate::formats::geojson::{open_hours_text, point_geometry, polygon_geometry};
use crate::model::{Cell, Hotspot, HotspotKind, Institution, InstitutionKind, Licence, Subject};
use crate::store::{Inspection, StoreError};

/// A GeoJSON FeatureCollection whose features all carry properties `P`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FeatureCollection<P> {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    #[schemars(schema_with = "collection_type")]
    pub kind: String,
    /// The features, in the layer's order.
    pub features: Vec<Feature<P>>,
}

/// A GeoJSON Feature: a WGS-84 geometry and typed properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Feature<P> {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schemars(schema_with = "feature_type")]
    pub kind: String,
    /// A GeoJSON geometry, `[lon, lat]` positions (RFC 7946).
    #[schemars(schema_with = "geometry_schema")]
    pub geometry: Value,
    /// What the map and its popups show.
    pub properties: P,
}

impl<P> FeatureCollection<P> {
    /// A collection of `(geometry, properties)` pairs, in order.
    pub fn of(features: impl IntoIterator<Item = (Value, P)>) -> Self {
        Self {
            kind: "FeatureCollection".into(),
            features: features
                .into_iter()
                .map(|(geometry, properties)| Feature {
                    kind: "Feature".into(),
                    geometry,
                    properties,
                })
                .collect(),
        }
    }
}

fn collection_type(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "const": "FeatureCollection" })
}

fn feature_type(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "const": "Feature" })
}

fn geometry_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "description": "A GeoJSON geometry (RFC 7946): Point, LineString, Polygon or MultiPolygon, WGS-84 [lon, lat].",
        "required": ["type", "coordinates"],
        "properties": {
            "type": { "type": "string", "enum": ["Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString"] },
            "coordinates": { "type": "array" }
        }
    })
}

/// An institution on the map: its record, its cell and its latest inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InstitutionProperties {
    /// The institution's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is (学科类 tutoring, 托管, ...).
    pub kind: InstitutionKind,
    /// What it teaches, if known.
    pub subject: Option<Subject>,
    /// Its licence state (有证有照, 有照无证, 无证无照).
    pub licence: Licence,
    /// Its address, if known.
    pub address: Option<String>,
    /// Its opening hours as imported, if known.
    pub open_hours: Option<String>,
    /// Tip-offs (举报) on record.
    pub complaints: u32,
    /// The day of its latest inspection (`YYYY-MM-DD`), recorded or imported.
    pub last_inspected: Option<String>,
    /// True for a made-up sample site.
    pub synthetic: bool,
    /// The latest inspection's result, in Chinese.
    pub findings: Option<String>,
    /// The cell (网格) it lies in.
    pub cell_id: Option<String>,
    /// Columns the import kept that gridpatrol does not know.
    pub extra: Option<BTreeMap<String, String>>,
    /// Whether it was inspected inside the map's window.
    pub inspected_in_period: bool,
}

/// A cell (网格) on the map, with its coverage in the map's window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CellProperties {
    /// The cell's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its grid officer (网格员), if known.
    pub officer: Option<String>,
    /// Share of its institutions inspected, 0 to 1 (`null` without sites).
    pub coverage: Option<f64>,
    /// Institutions in the cell.
    pub sites: Option<usize>,
    /// Institutions inspected inside the window.
    pub sites_inspected: Option<usize>,
    /// Institutions overdue at the window's end.
    pub sites_overdue: Option<usize>,
    /// Share of its streets swept, 0 to 1 (`null` without streets).
    pub street_coverage: Option<f64>,
}

/// A hotspot (商务楼宇 or 居民小区) with its night-check score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HotspotProperties {
    /// The hotspot's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Office building or residential compound.
    pub kind: HotspotKind,
    /// Its score, when scored.
    pub score: Option<f64>,
    /// Whether the rules flag it for a night check.
    pub needs_night_check: bool,
    /// The score's parts, in points.
    pub parts: Option<ScoreParts>,
}

/// The parts a hotspot's score adds up from, in points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScoreParts {
    /// Unlicensed institutions nearby.
    pub unlicensed_nearby: f64,
    /// Tip-offs nearby.
    pub complaints_nearby: f64,
    /// Past findings nearby.
    pub past_findings: f64,
    /// Schools nearby.
    pub schools_nearby: f64,
    /// Days since its last night check.
    pub since_night_check: f64,
}

/// A school or a depot: a named point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlaceProperties {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// What the institution layer needs besides the institutions themselves.
pub struct InstitutionContext<'a> {
    /// Each site's cell, by site id.
    pub cells: &'a HashMap<String, String>,
    /// Each site's unknown import columns, by site id.
    pub extras: &'a HashMap<String, BTreeMap<String, String>>,
    /// Every inspection on record.
    pub inspections: &'a [Inspection],
    /// The map's window.
    pub window: DateWindow,
}

/// The institutions layer: each site with its cell, latest finding and whether it was
/// inspected in the window.
pub fn institutions(
    sites: &[Institution],
    context: &InstitutionContext<'_>,
) -> FeatureCollection<InstitutionProperties> {
    let mut latest: HashMap<&str, &Inspection> = HashMap::new();
    let mut in_window = HashSet::new();
    for i in context.inspections {
        if context.window.contains(i.at.date()) {
            in_window.insert(i.site_id.as_str());
        }
        let e = latest.entry(i.site_id.as_str()).or_insert(i);
        if i.at >= e.at {
            *e = i;
        }
    }
    FeatureCollection::of(sites.iter().map(|s| {
        let last = latest.get(s.id.as_str());
        let properties = InstitutionProperties {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind,
            subject: s.subject,
            licence: s.licence,
            address: s.address.clone(),
            open_hours: s.open_hours.as_ref().map(open_hours_text),
            complaints: s.complaints,
            last_inspected: last
                .map(|l| l.at.date())
                .or(s.last_inspected)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            synthetic: s.synthetic,
            findings: last.map(|l| l.result.label_zh().to_string()),
            cell_id: context.cells.get(&s.id).cloned(),
            extra: context.extras.get(&s.id).cloned(),
            inspected_in_period: in_window.contains(s.id.as_str()),
        };
        (point_geometry(&s.location), properties)
    }))
}

/// The cells layer: each cell with its coverage row's figures.
pub fn cells(cells: &[Cell], rows: &[CoverageRow]) -> FeatureCollection<CellProperties> {
    let by_id: HashMap<&str, &CoverageRow> = rows.iter().map(|r| (r.cell_id.as_str(), r)).collect();
    FeatureCollection::of(cells.iter().map(|c| {
        let row = by_id.get(c.id.as_str());
        let properties = CellProperties {
            id: c.id.clone(),
            name: c.name.clone(),
            officer: c.officer.clone(),
            coverage: row.and_then(|r| r.coverage),
            sites: row.map(|r| r.sites),
            sites_inspected: row.map(|r| r.sites_inspected),
            sites_overdue: row.map(|r| r.sites_overdue),
            street_coverage: row.and_then(|r| r.street_coverage),
        };
        (polygon_geometry(&c.area), properties)
    }))
}

/// The hotspots layer (and the hotspot export): each hotspot with its score.
pub fn hotspots(
    items: &[Hotspot],
    scores: &[HotspotScore],
) -> FeatureCollection<HotspotProperties> {
    let by_id: HashMap<&str, &HotspotScore> =
        scores.iter().map(|s| (s.hotspot_id.as_str(), s)).collect();
    FeatureCollection::of(items.iter().map(|h| {
        let score = by_id.get(h.id.as_str());
        let properties = HotspotProperties {
            id: h.id.clone(),
            name: h.name.clone(),
            kind: h.kind,
            score: score.map(|s| s.score),
            needs_night_check: score.is_some_and(|s| s.needs_night_check),
            parts: score.map(|s| {
                let c = &s.components;
                ScoreParts {
                    unlicensed_nearby: c.unlicensed_nearby.points,
                    complaints_nearby: c.complaints_nearby.points,
                    past_findings: c.past_findings.points,
                    schools_nearby: c.schools_nearby.points,
                    since_night_check: c.since_night_check.points,
                }
            }),
        };
        (polygon_geometry(&h.area), properties)
    }))
}

/// Named points (schools, depots) as a layer.
pub fn places<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str, &'a crate::model::Wgs84Point)>,
) -> FeatureCollection<PlaceProperties> {
    FeatureCollection::of(items.into_iter().map(|(id, name, at)| {
        let properties = PlaceProperties {
            id: id.to_string(),
            name: name.to_string(),
        };
        (point_geometry(at), properties)
    }))
}

/// The institutions layer from the workspace, over the window `from..=to`.
pub fn institutions_from_store(
    ws: &crate::store::Workspace,
    window: DateWindow,
) -> Result<FeatureCollection<InstitutionProperties>, StoreError> {
    let cells = ws.site_cells()?;
    let extras = ws.site_extras()?;
    let inspections = ws.inspections(None, None)?;
    let context = InstitutionContext {
        cells: &cells,
        extras: &extras,
        inspections: &inspections,
        window,
    };
    Ok(institutions(&ws.institutions()?, &context))
}
