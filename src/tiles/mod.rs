//! Map tiles for the page's large layers: the township's sites, gathered into
//! bubbles where they crowd ([`clusters`]), cut into Web Mercator tiles and written as
//! vector tiles ([`crate::formats::mvt`]). The browser then decodes the few hundred
//! features in view, whatever the number of sites; the server builds the bubbles once
//! per workspace change.

pub mod clusters;

use crate::formats::mvt::{encode_tile, MvtLayer, MvtPoint, MvtValue, EXTENT};
pub use clusters::{ClusterOptions, SiteClusters};

/// The deepest zoom gridpatrol cuts tiles for (about 0.04 m per tile unit there).
pub const MAX_TILE_ZOOM: u8 = 24;

/// What is wrong with a tile address.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TileError {
    /// The zoom asked for is deeper than [`MAX_TILE_ZOOM`].
    #[error("zoom {0} is above {MAX_TILE_ZOOM}")]
    ZoomTooDeep(u8),
    /// `x` or `y` is not below the zoom's tile count.
    #[error("tile {x}/{y} is outside zoom {z}, which has {size} tiles a side")]
    OutsideZoom {
        /// The zoom asked for.
        z: u8,
        /// The column asked for.
        x: u32,
        /// The row asked for.
        y: u32,
        /// Tiles a side at zoom `z` (2^z); valid columns and rows are `0..size`.
        size: u32,
    },
}

/// A Web Mercator (EPSG:3857) tile, `z/x/y` as in XYZ tile URLs: x grows east, y
/// grows south, 2^z tiles a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    /// Zoom level, `0..=`[`MAX_TILE_ZOOM`].
    pub z: u8,
    /// Column, counted east from 180°W, `0..2^z`.
    pub x: u32,
    /// Row, counted south from 85.05°N, `0..2^z`.
    pub y: u32,
}

impl TileId {
    /// A tile address, checked to exist.
    ///
    /// ```
    /// use gridpatrol::tiles::TileId;
    /// assert!(TileId::new(1, 1, 1).is_ok());
    /// assert!(TileId::new(1, 2, 0).is_err());
    /// ```
    pub fn new(z: u8, x: u32, y: u32) -> Result<Self, TileError> {
        if z > MAX_TILE_ZOOM {
            return Err(TileError::ZoomTooDeep(z));
        }
        let size = 1u32 << z;
        if x >= size || y >= size {
            return Err(TileError::OutsideZoom { z, x, y, size });
        }
        Ok(Self { z, x, y })
    }
    /// The tile's `[west, north]` and `[east, south]` corners in [`unit_mercator`]
    /// coordinates.
    pub fn unit_bounds(self) -> ([f64; 2], [f64; 2]) {
        let size = f64::from(1u32 << self.z);
        let corner = |x: u32, y: u32| [f64::from(x) / size, f64::from(y) / size];
        (corner(self.x, self.y), corner(self.x + 1, self.y + 1))
    }
    /// A [`unit_mercator`] position in this tile's coordinates (0..[`EXTENT`]).
    pub fn tile_xy(self, unit: [f64; 2]) -> (i32, i32) {
        let size = f64::from(1u32 << self.z);
        let scale = f64::from(EXTENT);
        let along = |u: f64, origin: u32| ((u * size - f64::from(origin)) * scale).round() as i32;
        (along(unit[0], self.x), along(unit[1], self.y))
    }
}

/// Web Mercator latitudes stop here (the square world of XYZ tiles).
const MAX_MERCATOR_LAT: f64 = 85.051_128_779_806_59;

/// WGS-84 degrees to Web Mercator scaled to the unit square: x from 0 (180°W) to 1
/// (180°E), y from 0 (85.05°N) to 1 (85.05°S). Tile `z/x/y` covers
/// `[x, x+1] / 2^z` by `[y, y+1] / 2^z`.
///
/// ```
/// use gridpatrol::tiles::unit_mercator;
/// assert_eq!(unit_mercator(0.0, 0.0), [0.5, 0.5]);
/// ```
pub fn unit_mercator(lon_deg: f64, lat_deg: f64) -> [f64; 2] {
    let lat = lat_deg
        .clamp(-MAX_MERCATOR_LAT, MAX_MERCATOR_LAT)
        .to_radians();
    let x = (lon_deg + 180.0) / 360.0;
    let y =
        0.5 - (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln() / (2.0 * std::f64::consts::PI);
    [x, y]
}

/// The name of the site layer inside its tiles (MapLibre's `source-layer`).
pub const SITE_LAYER: &str = "institutions";

/// One tile of the site layer. A site alone carries `id` and `licence`; a bubble
/// carries `cluster_id`, `point_count` (and `point_count_abbreviated`, for its label),
/// how many of its sites are `unlicensed` and `registered_only`, and the
/// `expansion_zoom` at which it comes apart.
pub fn site_tile(clusters: &SiteClusters, tile: TileId) -> Vec<u8> {
    let features: Vec<MvtPoint> = clusters
        .items_in(tile)
        .map(|item| {
            let (x, y) = tile.tile_xy(item.position);
            let (id, properties) = match &item.kind {
                clusters::ItemKind::Site(index) => {
                    let site = clusters.site(*index);
                    (
                        *index as u64,
                        vec![
                            ("id", MvtValue::Text(site.id.clone())),
                            ("licence", MvtValue::Text(site.licence.code().into())),
                        ],
                    )
                }
                clusters::ItemKind::Cluster(c) => (
                    c.id,
                    vec![
                        ("cluster", MvtValue::Bool(true)),
                        ("cluster_id", MvtValue::Uint(c.id)),
                        ("point_count", MvtValue::Uint(u64::from(c.count))),
                        (
                            "point_count_abbreviated",
                            MvtValue::Text(abbreviated(c.count)),
                        ),
                        ("unlicensed", MvtValue::Uint(u64::from(c.unlicensed))),
                        (
                            "registered_only",
                            MvtValue::Uint(u64::from(c.registered_only)),
                        ),
                        (
                            "expansion_zoom",
                            MvtValue::Uint(u64::from(c.expansion_zoom)),
                        ),
                    ],
                ),
            };
            MvtPoint {
                id,
                x,
                y,
                properties,
            }
        })
        .collect();
    if features.is_empty() {
        return Vec::new();
    }
    encode_tile(&[MvtLayer {
        name: SITE_LAYER.into(),
        features,
    }])
}

/// A bubble's label: 8, 950, 1.2k, 12k.
fn abbreviated(count: u32) -> String {
    match count {
        0..=999 => count.to_string(),
        1000..=9999 => format!("{:.1}k", f64::from(count) / 1000.0),
        _ => format!("{}k", (f64::from(count) / 1000.0).round()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_addresses_outside_the_world_are_refused() {
        assert_eq!(TileId::new(25, 0, 0), Err(TileError::ZoomTooDeep(25)));
        assert!(matches!(
            TileId::new(3, 0, 8),
            Err(TileError::OutsideZoom { size: 8, .. })
        ));
        assert!(TileId::new(0, 0, 0).is_ok());
    }

    /// Beijing (116.39°E, 39.91°N) is in tile 14/13489/6208, by the slippy-map formula
    /// `y = (1 - ln(tan φ + sec φ) / π) / 2 · 2^z` (a different form of the projection).
    #[test]
    fn a_known_place_falls_in_its_known_tile() {
        let unit = unit_mercator(116.391_3, 39.907_2);
        let z = 14;
        let size = f64::from(1u32 << z);
        assert_eq!(
            ((unit[0] * size) as u32, (unit[1] * size) as u32),
            (13489, 6208)
        );
        let tile = TileId::new(z, 13489, 6208).unwrap();
        let (x, y) = tile.tile_xy(unit);
        assert!((0..4096).contains(&x) && (0..4096).contains(&y), "{x} {y}");
        let (nw, se) = tile.unit_bounds();
        assert!(nw[0] <= unit[0] && unit[0] < se[0] && nw[1] <= unit[1] && unit[1] < se[1]);
    }

    #[test]
    fn mercator_is_clamped_at_the_poles() {
        assert_eq!(unit_mercator(180.0, 90.0)[1], unit_mercator(0.0, 89.0)[1]);
        assert!(unit_mercator(0.0, 90.0)[1].abs() < 1e-12);
    }

    #[test]
    fn labels_are_abbreviated_like_the_map_expects() {
        assert_eq!(abbreviated(8), "8");
        assert_eq!(abbreviated(950), "950");
        assert_eq!(abbreviated(1234), "1.2k");
        assert_eq!(abbreviated(12_345), "12k");
    }
}
