//! The bundled sample township (`data/`), embedded in the binary at build time so the
//! program works out of the box, from any folder, with no network.

use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "data/"]
#[exclude = "scripts/*"]
// The real-size township is loaded from disk (`init --from`), never built in.
#[exclude = "townships/*"]
struct SampleFiles;

/// The bytes of a file of the bundled sample, by its path inside `data/`.
///
/// ```
/// assert!(gridpatrol::sample::file("osm/haidian-bupt.osm.pbf").is_some());
/// ```
pub fn file(path: &str) -> Option<std::borrow::Cow<'static, [u8]>> {
    SampleFiles::get(path).map(|f| f.data)
}

/// Every file of the bundled sample, by path inside `data/`.
pub fn paths() -> Vec<String> {
    let mut all: Vec<String> = SampleFiles::iter().map(|p| p.into_owned()).collect();
    all.sort();
    all
}

/// The sample's OpenStreetMap extract (PBF).
pub const OSM_PBF: &str = "osm/haidian-bupt.osm.pbf";

/// The sample's township manifest (name, extent, OSM extract, layer files with their
/// formats and coordinate systems); [`crate::formats::township::load_sample`] reads it.
pub const MANIFEST: &str = "township.json";

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_small_sample_is_built_in() {
        let paths = super::paths();
        assert!(paths.iter().any(|p| p == super::MANIFEST), "{paths:?}");
        assert!(
            paths
                .iter()
                .all(|p| !p.starts_with("townships/") && !p.starts_with("scripts/")),
            "{paths:?}"
        );
    }
}
