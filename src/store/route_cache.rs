//! The routing cache beside a workspace: contraction hierarchies, which take seconds to
//! build on a city's streets, kept as files named by what they were built from (the
//! query graph's fingerprint), so a changed extract, profile or turn cost simply misses.
//!
//! A file is written to a temporary name and renamed into place, so a reader never sees
//! half of one; a damaged file is the caller's to reject (the hierarchy's own checksum).

use std::path::{Path, PathBuf};

use crate::routing::ch::Hierarchy;
use crate::routing::Router;

/// What [`attach`] found in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A hierarchy that fits the router: it is in use.
    Read,
    /// Nothing for this query graph yet.
    Missing,
    /// A file that could not be used (damaged, old, or for another graph): why.
    Rejected(String),
}

/// How keeping a freshly built hierarchy went: where, how long the build took, and
/// `Err` when the file could not be written (the hierarchy is used anyway).
#[derive(Debug)]
pub struct Kept {
    /// The cache file.
    pub path: PathBuf,
    /// How long the build took.
    pub build_time: std::time::Duration,
    /// Contracted arcs (a size to report).
    pub arcs: usize,
    /// Whether the file was written.
    pub written: std::io::Result<()>,
}

/// Gives `router` the contraction hierarchy cached in `dir` when one fits. Otherwise
/// nothing is built now: the router builds it on the first matrix big enough to need
/// it, and it is then written to `dir` and `kept` hears how that went. The file is named
/// by the query graph's fingerprint, so a changed extract, profile or turn cost misses;
/// a damaged or unfitting file is never trusted.
pub fn attach(
    router: &mut Router,
    dir: &Path,
    kept: impl Fn(Kept) + Send + Sync + 'static,
) -> Found {
    let key = format!(
        "{}-{}",
        router.network().profile,
        router.graph_fingerprint()
    );
    let mut found = Found::Missing;
    if let Some(bytes) = load(dir, &key) {
        match Hierarchy::from_bytes(&bytes).map(|h| router.use_hierarchy(h)) {
            Ok(Ok(())) => return Found::Read,
            Ok(Err(e)) => found = Found::Rejected(e.to_string()),
            Err(e) => found = Found::Rejected(e.to_string()),
        }
    }
    let dir = dir.to_owned();
    router.on_hierarchy_built(move |hierarchy, build_time| {
        kept(Kept {
            path: dir.join(file_name(&key)),
            build_time,
            arcs: hierarchy.arc_count(),
            written: save(&dir, &key, &hierarchy.to_bytes()),
        })
    });
    found
}

/// Where the routing cache of the workspace file `workspace` lives: a folder beside it
/// (`town.sqlite` → `town.sqlite-routing/`).
///
/// ```
/// use std::path::Path;
/// let dir = gridpatrol::store::route_cache::dir_beside(Path::new("/data/town.sqlite"));
/// assert_eq!(dir, Path::new("/data/town.sqlite-routing"));
/// ```
pub fn dir_beside(workspace: &Path) -> PathBuf {
    let mut name = workspace.file_name().unwrap_or_default().to_os_string();
    name.push("-routing");
    workspace.with_file_name(name)
}

/// The cached bytes named `key` in `dir`, if there are any.
pub fn load(dir: &Path, key: &str) -> Option<Vec<u8>> {
    std::fs::read(dir.join(file_name(key))).ok()
}

/// Keeps `bytes` under `key` in `dir` (created if needed), replacing what was there.
pub fn save(dir: &Path, key: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.as_file().sync_all()?;
    file.persist(dir.join(file_name(key)))
        .map_err(|e| e.error)?;
    Ok(())
}

fn file_name(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.ch")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_by_key_and_misses_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir_beside(&dir.path().join("town.sqlite"));
        assert_eq!(load(&cache, "walk-abc"), None);
        save(&cache, "walk-abc", b"first").unwrap();
        save(&cache, "walk-abc", b"second").unwrap();
        assert_eq!(load(&cache, "walk-abc").as_deref(), Some(&b"second"[..]));
        assert_eq!(load(&cache, "drive-abc"), None);
        // Nothing but the one file: no temporary left behind.
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);
    }
}
