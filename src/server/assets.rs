//! The page and MapLibre GL JS, embedded in the binary at build time (`build.rs`
//! checks that `npm ci --prefix web` has put MapLibre in place).

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use super::error::ApiError;

#[derive(RustEmbed)]
#[folder = "web/"]
#[include = "*.html"]
#[include = "*.js"]
#[include = "*.css"]
#[include = "*.svg"]
#[include = "fonts/*.woff2"]
#[exclude = "node_modules/*"]
struct Page;

#[derive(RustEmbed)]
#[folder = "web/node_modules/maplibre-gl/dist/"]
#[include = "maplibre-gl.js"]
#[include = "maplibre-gl.css"]
#[include = "LICENSE.txt"]
struct Maplibre;

fn answer(file: Option<rust_embed::EmbeddedFile>, path: &str, headers: &HeaderMap) -> Response {
    let Some(file) = file else {
        return ApiError::not_found(format!("no file `{path}`")).into_response();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..12]));
    if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag)
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut response = file.data.into_owned().into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.essence_str()) {
        h.insert(CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, v);
    }
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /`: the page.
pub async fn index(headers: HeaderMap) -> Response {
    answer(Page::get("index.html"), "index.html", &headers)
}

/// `GET /static/{file}`: the page's scripts and styles.
pub async fn page_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    answer(Page::get(&path), &path, &headers)
}

/// `GET /vendor/maplibre-gl/{file}`: the pinned MapLibre GL JS.
pub async fn maplibre_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    answer(Maplibre::get(&path), &path, &headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_and_maplibre_are_embedded() {
        assert!(Page::get("index.html").is_some());
        assert!(Page::get("app.js").is_some());
        assert!(Page::get("labels.js").is_some());
        assert!(Page::get("fonts/gp-sans.woff2").is_some());
        assert!(Maplibre::get("maplibre-gl.js").is_some());
        assert!(Maplibre::get("maplibre-gl.css").is_some());
        assert!(Maplibre::get("maplibre-gl-dev.js").is_none());
    }
}
