//! The page and MapLibre GL JS, embedded in the binary at build time (`build.rs`
//! checks that `npm ci --prefix web` has put MapLibre in place). The page is
//! `index.html`, `style.css`, its font and its ES modules under `js/`, which the
//! browser loads natively (no bundler).

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use super::error::ApiError;

#[derive(RustEmbed)]
#[folder = "web/"]
#[include = "*.html"]
#[include = "*.js"]
#[include = "*.css"]
#[include = "*.svg"]
#[include = "*.webmanifest"]
#[include = "fonts/*.woff2"]
// The page's tools (TypeScript, ESLint: devDependencies) and their configs stay out.
#[exclude = "node_modules/*"]
#[exclude = "*.config.*"]
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

/// `GET /manifest.webmanifest`: what a phone needs to install the page as an app.
pub async fn manifest(headers: HeaderMap) -> Response {
    let mut response = answer(
        Page::get("manifest.webmanifest"),
        "manifest.webmanifest",
        &headers,
    );
    if response.status() == StatusCode::OK {
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/manifest+json"),
        );
    }
    response
}

/// `GET /sw.js`: the service worker that keeps the page, the map and the day's data
/// for use offline. Served from the root so that its scope is the whole page.
pub async fn service_worker(headers: HeaderMap) -> Response {
    let mut response = answer(Page::get("sw.js"), "sw.js", &headers);
    response.headers_mut().insert(
        HeaderName::from_static("service-worker-allowed"),
        HeaderValue::from_static("/"),
    );
    response
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
        assert!(Page::get("js/main.js").is_some());
        assert!(Page::get("js/map/labels.js").is_some());
        assert!(Page::get("js/panels/plan.js").is_some());
        assert!(Page::get("fonts/gp-sans.woff2").is_some());
        assert!(Maplibre::get("maplibre-gl.js").is_some());
        assert!(Maplibre::get("maplibre-gl.css").is_some());
        assert!(Maplibre::get("maplibre-gl-dev.js").is_none());
    }

    /// The page's tools (TypeScript, ESLint, their configs, the npm manifests) stay
    /// out of the binary: only what the browser loads is embedded.
    #[test]
    fn only_what_the_browser_loads_is_embedded() {
        let files: Vec<String> = Page::iter().map(|f| f.into_owned()).collect();
        for file in &files {
            assert!(!file.starts_with("node_modules/"), "{file} is embedded");
            let page_file = file.ends_with(".html")
                || file.ends_with(".css")
                || file.ends_with(".woff2")
                || file.ends_with(".svg")
                || file == "manifest.webmanifest"
                || file == "sw.js"
                || (file.starts_with("js/") && file.ends_with(".js"));
            assert!(
                page_file,
                "{file} is embedded but the browser never loads it"
            );
        }
    }

    /// The service worker may control the whole page, and the manifest is typed as one.
    #[tokio::test]
    async fn service_worker_and_manifest_are_served_for_installing() {
        let worker = service_worker(HeaderMap::new()).await;
        assert_eq!(worker.status(), StatusCode::OK);
        assert_eq!(worker.headers()[CONTENT_TYPE], "text/javascript");
        assert_eq!(worker.headers()["service-worker-allowed"], "/");
        let manifest = manifest(HeaderMap::new()).await;
        assert_eq!(manifest.status(), StatusCode::OK);
        assert_eq!(
            manifest.headers()[CONTENT_TYPE],
            "application/manifest+json"
        );
    }

    /// Module scripts must come with a JavaScript type, or the browser refuses them.
    #[test]
    fn modules_are_served_as_javascript() {
        for path in ["js/main.js", "js/map/map.js"] {
            let response = answer(Page::get(path), path, &HeaderMap::new());
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(
                response.headers()[CONTENT_TYPE],
                "text/javascript",
                "{path}"
            );
        }
        let worker = answer(Page::get("sw.js"), "sw.js", &HeaderMap::new());
        assert_eq!(worker.headers()[CONTENT_TYPE], "text/javascript");
        let missing = answer(
            Page::get("js/nothing.js"),
            "js/nothing.js",
            &HeaderMap::new(),
        );
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
}
