//! The base map drawn from the township's own OpenStreetMap extract: streets,
//! paths, railways, buildings, water and parks as one GeoJSON FeatureCollection
//! with a `class` property the page styles. No tiles from the internet needed.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::layers::FeatureCollection;
use crate::formats::osm::{OsmData, OsmWay, Tags};
use crate::model::bounds::{grow, LonLatBounds};

/// A way of the base map: what the page's style draws it as, and its OSM id and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BaseProperties {
    /// `road`, `path`, `building`, `water`, ... (the style filters on it).
    pub class: String,
    /// The OpenStreetMap way's id.
    pub osm_id: i64,
    /// Its name, when OSM has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// How the page draws a way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseClass {
    /// Motorways, trunk, primary, secondary and tertiary roads.
    StreetMajor,
    /// Residential and service streets.
    StreetMinor,
    /// Footways, cycleways, pedestrian streets, steps and tracks.
    Path,
    /// Railways, subway and light rail.
    Rail,
    /// Building outlines.
    Building,
    /// Rivers, lakes and other water.
    Water,
    /// Parks, grass and woods.
    Park,
}

impl BaseClass {
    /// The `class` property the page's style filters on.
    pub fn key(self) -> &'static str {
        match self {
            BaseClass::StreetMajor => "street_major",
            BaseClass::StreetMinor => "street_minor",
            BaseClass::Path => "path",
            BaseClass::Rail => "rail",
            BaseClass::Building => "building",
            BaseClass::Water => "water",
            BaseClass::Park => "park",
        }
    }
    fn is_area(self) -> bool {
        matches!(
            self,
            BaseClass::Building | BaseClass::Water | BaseClass::Park
        )
    }
}

/// The class of a way from its tags, or `None` when the base map does not draw it.
pub fn classify(tags: &Tags) -> Option<BaseClass> {
    if tags.get("building").is_some_and(|v| v != "no") {
        return Some(BaseClass::Building);
    }
    if tags.is("natural", "water")
        || tags.is("waterway", "riverbank")
        || tags.is("landuse", "reservoir")
        || tags.is("landuse", "basin")
    {
        return Some(BaseClass::Water);
    }
    if matches!(tags.get("leisure"), Some("park" | "garden" | "pitch"))
        || matches!(
            tags.get("landuse"),
            Some("grass" | "forest" | "recreation_ground")
        )
    {
        return Some(BaseClass::Park);
    }
    if let Some(h) = tags.get("highway") {
        return match h {
            "motorway" | "trunk" | "primary" | "secondary" | "tertiary" | "motorway_link"
            | "trunk_link" | "primary_link" | "secondary_link" | "tertiary_link" => {
                Some(BaseClass::StreetMajor)
            }
            "residential" | "unclassified" | "service" | "living_street" | "road" => {
                Some(BaseClass::StreetMinor)
            }
            "footway" | "path" | "pedestrian" | "cycleway" | "steps" | "track" => {
                Some(BaseClass::Path)
            }
            _ => None,
        };
    }
    if matches!(tags.get("railway"), Some("rail" | "subway" | "light_rail")) {
        return Some(BaseClass::Rail);
    }
    None
}

fn way_feature(osm: &OsmData, way: &OsmWay, class: BaseClass) -> Option<(Value, BaseProperties)> {
    let coords: Vec<[f64; 2]> = osm
        .way_nodes(way)
        .map(|n| [round6(n.lon), round6(n.lat)])
        .collect();
    let closed = coords.len() >= 4 && coords.first() == coords.last();
    let geometry = if class.is_area() {
        if !closed {
            return None;
        }
        json!({ "type": "Polygon", "coordinates": [coords] })
    } else {
        if coords.len() < 2 {
            return None;
        }
        json!({ "type": "LineString", "coordinates": coords })
    };
    let properties = BaseProperties {
        class: class.key().to_string(),
        osm_id: way.id,
        name: way.tags.get("name").map(str::to_string),
    };
    Some((geometry, properties))
}

/// Six decimals is about 0.1 m: enough for a street map, and a third smaller.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The base map of an extract, areas first so streets draw over them, and the
/// extent `[west, south, east, north]` of what it holds.
pub fn base_map(osm: &OsmData) -> (FeatureCollection<BaseProperties>, Option<LonLatBounds>) {
    let mut areas = Vec::new();
    let mut lines = Vec::new();
    let mut bounds: Option<LonLatBounds> = None;
    for way in &osm.ways {
        let Some(class) = classify(&way.tags) else {
            continue;
        };
        let Some(f) = way_feature(osm, way, class) else {
            continue;
        };
        for n in osm.way_nodes(way) {
            grow(&mut bounds, n.lon, n.lat);
        }
        if class.is_area() {
            areas.push(f);
        } else {
            lines.push(f);
        }
    }
    areas.extend(lines);
    (FeatureCollection::of(areas), bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        Tags(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn classes_from_tags() {
        assert_eq!(
            classify(&tags(&[("building", "yes")])),
            Some(BaseClass::Building)
        );
        assert_eq!(classify(&tags(&[("building", "no")])), None);
        assert_eq!(
            classify(&tags(&[("highway", "primary")])),
            Some(BaseClass::StreetMajor)
        );
        assert_eq!(
            classify(&tags(&[("highway", "residential")])),
            Some(BaseClass::StreetMinor)
        );
        assert_eq!(
            classify(&tags(&[("highway", "footway")])),
            Some(BaseClass::Path)
        );
        assert_eq!(
            classify(&tags(&[("natural", "water")])),
            Some(BaseClass::Water)
        );
        assert_eq!(classify(&tags(&[("highway", "bus_stop")])), None);
        assert_eq!(classify(&tags(&[("amenity", "school")])), None);
    }

    #[test]
    fn sample_base_map_has_streets_buildings_and_water() {
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let osm = crate::formats::osm::read_bytes(&bytes, "sample").unwrap();
        let (fc, bounds) = base_map(&osm);
        let classes: std::collections::HashSet<&str> = fc
            .features
            .iter()
            .map(|f| f.properties.class.as_str())
            .collect();
        for c in ["street_major", "street_minor", "building"] {
            assert!(
                classes.contains(c),
                "no {c} in the sample base map: {classes:?}"
            );
        }
        let [w, s, e, n] = bounds.unwrap().as_array();
        assert!(w < e && s < n && (116.0..117.0).contains(&w) && (39.0..41.0).contains(&s));
        // Polygons are closed rings.
        for f in &fc.features {
            if f.geometry["type"] == "Polygon" {
                let ring = f.geometry["coordinates"][0].as_array().unwrap();
                assert_eq!(ring.first(), ring.last());
            }
        }
    }
}
