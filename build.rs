//! Checks that the page's pinned front-end packages are installed before the
//! server embeds them (`src/server/assets.rs`): MapLibre GL JS comes from the npm
//! registry through `web/package-lock.json`, never from a CDN at run time.

fn main() {
    println!("cargo:rerun-if-changed=web/package-lock.json");
    println!("cargo:rerun-if-changed=web/node_modules/maplibre-gl/dist/maplibre-gl.js");
    // The page's modules are embedded file by file: a new module rebuilds the binary.
    println!("cargo:rerun-if-changed=web/js");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let maplibre =
        std::path::Path::new(&manifest).join("web/node_modules/maplibre-gl/dist/maplibre-gl.js");
    if !maplibre.is_file() {
        panic!(
            "\n\n  gridpatrol embeds the web page's MapLibre GL JS at build time, and\n  \
             {} is missing.\n  Install the pinned front-end packages once, then build again:\n\n      \
             npm ci --prefix web\n\n",
            maplibre.display()
        );
    }
}
