//! `GET /api/tiles/institutions/{z}/{x}/{y}`: the township's sites as vector tiles
//! (MVT), gathered into bubbles where they crowd ([`crate::tiles`]). The map draws
//! the site layer from these, so ten thousand sites cost the browser what the few
//! hundred in view cost. The bubbles are built once per workspace change, and each
//! tile is cut from them once, when first asked for. Signed-in users only, like the
//! site layer itself.

use std::collections::HashMap;
use std::sync::RwLock;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::auth::Signed;
use super::error::ApiError;
use super::AppState;
use crate::tiles::{site_tile, ClusterOptions, SiteClusters, TileId, SITE_LAYER};

/// The media type of Mapbox Vector Tiles.
const MVT_MEDIA_TYPE: &str = "application/vnd.mapbox-vector-tile";
/// The key the sites' bubbles are kept under until the workspace changes.
const CLUSTERS_KEY: &str = "tiles institutions";
/// How many cut tiles are kept (a few MB); past that the store starts again.
const MAX_CUT_TILES: usize = 4096;

/// The sites' bubbles and the tiles cut from them so far: a tile many readers ask
/// for is cut once per workspace change.
struct SiteTiles {
    clusters: SiteClusters,
    cut: RwLock<HashMap<TileId, Bytes>>,
}

impl SiteTiles {
    fn tile(&self, tile: TileId) -> Bytes {
        if let Some(bytes) = self.cut.read().ok().and_then(|cut| cut.get(&tile).cloned()) {
            return bytes;
        }
        let bytes = Bytes::from(site_tile(&self.clusters, tile));
        if let Ok(mut cut) = self.cut.write() {
            if cut.len() >= MAX_CUT_TILES {
                cut.clear();
            }
            cut.insert(tile, bytes.clone());
        }
        bytes
    }
}

/// Answers one tile; `y` may end in `.pbf` or `.mvt`.
pub async fn get_tile(
    State(state): State<AppState>,
    Path((layer, z, x, y)): Path<(String, String, String, String)>,
    Signed(_user): Signed,
) -> Result<Response, ApiError> {
    if layer != SITE_LAYER {
        return Err(ApiError::not_found(format!(
            "no tiles for `{layer}` (only `{SITE_LAYER}`)"
        )));
    }
    let tile = parse_tile(&z, &x, &y)?;
    let tiles = match state.data.checked::<SiteTiles>(CLUSTERS_KEY) {
        Some(tiles) => tiles,
        None => tokio::task::spawn_blocking(move || {
            state.data.kept(CLUSTERS_KEY, |ws| {
                Ok(SiteTiles {
                    clusters: SiteClusters::new(&ws.institutions()?, ClusterOptions::default()),
                    cut: RwLock::default(),
                })
            })
        })
        .await
        .map_err(ApiError::internal)??,
    };
    let body = tiles.tile(tile);
    // The page adds a round number to the URL after each change it makes; others'
    // changes show when the map next asks, so a tile is never reused unasked.
    Ok((
        [(CONTENT_TYPE, MVT_MEDIA_TYPE), (CACHE_CONTROL, "no-cache")],
        body,
    )
        .into_response())
}

/// Reads `z/x/y` (y with an optional `.pbf` / `.mvt` ending) into a tile that exists.
fn parse_tile(z: &str, x: &str, y: &str) -> Result<TileId, ApiError> {
    let y = y
        .strip_suffix(".pbf")
        .or_else(|| y.strip_suffix(".mvt"))
        .unwrap_or(y);
    let number = |name: &str, text: &str| {
        text.parse::<u32>().map_err(|_| {
            ApiError::bad_request(format!("tile {name}: `{text}` is not a whole number"))
        })
    };
    let zoom = u8::try_from(number("z", z)?)
        .map_err(|_| ApiError::bad_request(format!("tile z: `{z}` is too deep")))?;
    TileId::new(zoom, number("x", x)?, number("y", y)?)
        .map_err(|e| ApiError::bad_request(format!("tile {z}/{x}/{y}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_addresses_are_read_with_clear_errors() {
        assert_eq!(
            parse_tile("14", "13489", "6208.pbf").unwrap(),
            TileId::new(14, 13489, 6208).unwrap()
        );
        assert_eq!(parse_tile("0", "0", "0.mvt").unwrap().z, 0);
        let message = |z, x, y| parse_tile(z, x, y).unwrap_err().message;
        assert_eq!(message("a", "0", "0"), "tile z: `a` is not a whole number");
        assert_eq!(message("300", "0", "0"), "tile z: `300` is too deep");
        assert_eq!(
            message("2", "4", "0"),
            "tile 2/4/0: tile 4/0 is outside zoom 2, which has 4 tiles a side"
        );
        assert!(message("30", "0", "0").contains("above 24"));
        assert!(message("1", "-1", "0").contains("`-1`"));
    }
}
