//! The model layers as the readers see them: which fields each has, and how a checked
//! row or feature becomes a model value. CSV and GeoJSON share these definitions.

use super::error::{Errors, Place};
use super::fields::{self as f, FieldSpec, Row};
use super::geom::{check_cells, LayerGeometry, ReadOptions};
use crate::model::{Cell, Depot, Hotspot, Institution, School, Wgs84Point, Wgs84Polygon};

/// A layer a site list can hold: institutions, schools, cells, hotspots, depots.
pub trait SiteLayer: Sized {
    /// The layer's name (`institutions`, …), as in the manifest.
    const LAYER: &'static str;
    /// The fields read from a row or from a feature's properties (not the geometry).
    const FIELDS: &'static [FieldSpec];
    /// The fields that must be present and non-blank in every row (CSV columns that must exist).
    const REQUIRED: &'static [&'static str] = &["id", "name"];
    /// The geometry each item carries.
    type Geometry: LayerGeometry;
    /// Builds an item; `None` when a field or the geometry (`None`) was rejected (the
    /// row has said why). Every field is checked even when the geometry failed.
    fn build(row: &mut Row<'_>, geometry: Option<Self::Geometry>) -> Option<Self>;
    /// The item's id, unique within the layer.
    fn id(&self) -> &str;
    /// Checks that concern the layer as a whole, once every item is read (`places[i]`
    /// is where `items[i]` was read). None by default; cells must not overlap.
    fn check_layer(_items: &[ReadItem<Self>], _places: &[Place], _opts: &ReadOptions, _errors: &mut Errors) {}
}

impl SiteLayer for Institution {
    const LAYER: &'static str = "institutions";
    const FIELDS: &'static [FieldSpec] = &[
        f::ID,
        f::NAME,
        f::KIND,
        f::SUBJECT,
        f::LICENCE,
        f::ADDRESS,
        f::OPEN_HOURS,
        f::COMPLAINTS,
        f::LAST_INSPECTED,
        f::SYNTHETIC,
    ];
    const REQUIRED: &'static [&'static str] = &["id", "name", "kind", "licence"];
    type Geometry = Wgs84Point;
    fn build(row: &mut Row<'_>, location: Option<Wgs84Point>) -> Option<Self> {
        let id = row.required(f::ID);
        let name = row.required(f::NAME);
        let kind = row.parse(f::KIND, f::institution_kind);
        let subject = row.parse_opt(f::SUBJECT, f::subject);
        let licence = row.parse(f::LICENCE, f::licence);
        let open_hours = row.parse_opt(f::OPEN_HOURS, f::open_hours);
        let complaints = row.parse_opt(f::COMPLAINTS, f::count);
        let last_inspected = row.parse_opt(f::LAST_INSPECTED, f::date);
        let synthetic = row.parse_opt(f::SYNTHETIC, f::boolean);
        Some(Institution {
            id: id?,
            name: name?,
            kind: kind?,
            subject: subject?,
            licence: licence?,
            address: row.text(f::ADDRESS),
            location: location?,
            open_hours: open_hours?,
            complaints: complaints?.unwrap_or(0),
            last_inspected: last_inspected?,
            synthetic: synthetic?.unwrap_or(false),
        })
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl SiteLayer for School {
    const LAYER: &'static str = "schools";
    const FIELDS: &'static [FieldSpec] = &[f::ID, f::NAME];
    type Geometry = Wgs84Point;
    fn build(row: &mut Row<'_>, location: Option<Wgs84Point>) -> Option<Self> {
        let id = row.required(f::ID);
        let name = row.required(f::NAME);
        Some(School {
            id: id?,
            name: name?,
            location: location?,
        })
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl SiteLayer for Depot {
    const LAYER: &'static str = "depots";
    const FIELDS: &'static [FieldSpec] = &[f::ID, f::NAME];
    type Geometry = Wgs84Point;
    fn build(row: &mut Row<'_>, location: Option<Wgs84Point>) -> Option<Self> {
        let id = row.required(f::ID);
        let name = row.required(f::NAME);
        Some(Depot {
            id: id?,
            name: name?,
            location: location?,
        })
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl SiteLayer for Cell {
    const LAYER: &'static str = "cells";
    const FIELDS: &'static [FieldSpec] = &[f::ID, f::NAME, f::OFFICER];
    type Geometry = Wgs84Polygon;
    fn build(row: &mut Row<'_>, area: Option<Wgs84Polygon>) -> Option<Self> {
        let id = row.required(f::ID);
        let name = row.required(f::NAME);
        Some(Cell {
            id: id?,
            name: name?,
            officer: row.text(f::OFFICER),
            area: area?,
        })
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn check_layer(
        items: &[ReadItem<Self>],
        places: &[Place],
        opts: &ReadOptions,
        errors: &mut Errors,
    ) {
        let cells: Vec<(&str, &Wgs84Polygon)> = items
            .iter()
            .map(|c| (c.item.id.as_str(), &c.item.area))
            .collect();
        check_cells(&cells, places, opts.extent.as_ref(), errors);
    }
}

impl SiteLayer for Hotspot {
    const LAYER: &'static str = "hotspots";
    const FIELDS: &'static [FieldSpec] = &[f::ID, f::NAME, f::KIND];
    const REQUIRED: &'static [&'static str] = &["id", "name", "kind"];
    type Geometry = Wgs84Polygon;
    fn build(row: &mut Row<'_>, area: Option<Wgs84Polygon>) -> Option<Self> {
        let id = row.required(f::ID);
        let name = row.required(f::NAME);
        let kind = row.parse(f::KIND, f::hotspot_kind);
        Some(Hotspot {
            id: id?,
            name: name?,
            kind: kind?,
            area: area?,
        })
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// An item as read from one row or feature, with what the row said beyond the item:
/// which fields it gave (an import updates only those) and the columns the layer does
/// not know (kept as extra attributes or reported as ignored, never dropped unsaid).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadItem<T> {
    /// The item read (already checked and in WGS-84).
    pub item: T,
    /// Canonical names of the fields with a non-blank value (`name`, `open_hours`, …).
    pub given: Vec<&'static str>,
    /// Unknown columns or properties `(header, value)` with a non-blank value.
    pub extra: Vec<(String, String)>,
}

/// A bare site: an id and a point (the `matrix` command's `id,lon,lat` lists).
#[derive(Debug, Clone, PartialEq)]
pub struct IdPoint {
    /// The site's id as given.
    pub id: String,
    /// Its position, WGS-84.
    pub location: Wgs84Point,
}

impl SiteLayer for IdPoint {
    const LAYER: &'static str = "sites";
    const FIELDS: &'static [FieldSpec] = &[f::ID];
    const REQUIRED: &'static [&'static str] = &["id"];
    type Geometry = Wgs84Point;
    fn build(row: &mut Row<'_>, location: Option<Wgs84Point>) -> Option<Self> {
        let id = row.required(f::ID);
        Some(IdPoint {
            id: id?,
            location: location?,
        })
    }
    fn id(&self) -> &str {
        &self.id
    }
}
