//! The routing cache beside a workspace: contraction hierarchies, which take seconds to
//! build on a city's streets, kept as files named by what they were built from (the
//! query graph's fingerprint), so a changed extract, profile or turn cost simply misses.
//!
//! A file is written to a temporary name and renamed into place, so a reader never sees
//! half of one; a damaged file is the caller's to reject (the hierarchy's own checksum).

use std::path::{Path, PathBuf};

use crate::routing::ch::Hierarchy;
use crate::routing::Router;

/// What [`attach`] did.
#[derive(Debug)]
pub enum Attached {
    /// The hierarchy was read from the cache.
    Read,
    /// It was built, and kept in the cache unless `kept` says why not.
    Built {
        /// Why a cached file was not used, if there was one.
        rejected: Option<String>,
        /// `Err` when the cache could not be written (the hierarchy is used anyway).
        kept: std::io::Result<()>,
    },
}

/// Gives `router` its contraction hierarchy from the cache in `dir`, or builds it and
/// keeps it there. The file is named by the query graph's fingerprint, so a changed
/// extract, profile or turn cost misses; a damaged or unfitting file is rebuilt.
pub fn attach(router: &Router, dir: &Path) -> Attached {
    let key = format!(
        "{}-{}",
        router.network().profile,
        router.graph_fingerprint()
    );
    let mut rejected = None;
    if let Some(bytes) = load(dir, &key) {
        match Hierarchy::from_bytes(&bytes).map(|h| router.use_hierarchy(h)) {
            Ok(Ok(())) => return Attached::Read,
            Ok(Err(e)) => rejected = Some(e.to_string()),
            Err(e) => rejected = Some(e.to_string()),
        }
    }
    let kept = save(dir, &key, &router.hierarchy().to_bytes());
    Attached::Built { rejected, kept }
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
