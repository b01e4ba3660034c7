//! Backups of a live workspace and their restore. Copying the file while the server
//! runs misses the writes still in the WAL; SQLite's online backup API copies one
//! consistent snapshot of the database, WAL included, while others keep writing.
//! A restore checks the copy (SQLite's integrity check, a gridpatrol schema this build
//! knows) before it replaces the workspace by a rename, so a bad file changes nothing.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::schema::SCHEMA_VERSION;
use super::{StoreError, Workspace, BUSY_TIMEOUT};

/// Tables every gridpatrol workspace has, whatever its schema version.
const WORKSPACE_TABLES: &[&str] = &["meta", "sites", "inspections", "draws", "users"];

/// What a backup or restore copied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupSummary {
    /// The schema version of the copied file.
    pub schema_version: u32,
    /// Tutoring institutions in it.
    pub sites: u64,
    /// Inspections in it.
    pub inspections: u64,
    /// Entries of the draw log in it.
    pub draws: u64,
}

impl Workspace {
    /// Writes a consistent copy of the workspace to `out` with SQLite's online backup
    /// API (safe while the server writes), checks it, and moves it into place by a
    /// rename, so `out` is either the old file or a whole, sound backup.
    pub fn backup_to(&self, out: &Path) -> Result<BackupSummary, StoreError> {
        let tmp = temp_beside(out)?;
        {
            let mut dst = Connection::open(tmp.path()).map_err(|e| open_error(tmp.path(), e))?;
            copy_database(self.conn(), &mut dst)?;
        }
        let summary = check_workspace_file(tmp.path())?;
        tmp.persist(out).map_err(|e| StoreError::Open {
            path: out.to_path_buf(),
            problem: e.error.to_string(),
        })?;
        Ok(summary)
    }
}

/// Replaces the workspace at `workspace` with the backup `from`, after checking that
/// `from` is a sound gridpatrol workspace of a schema version this build knows. The
/// copy is made beside the workspace and renamed over it: on any failure the
/// workspace is untouched. Stop the server first: it keeps the file it opened.
pub fn restore(workspace: &Path, from: &Path) -> Result<BackupSummary, StoreError> {
    check_workspace_file(from)?;
    let tmp = temp_beside(workspace)?;
    {
        let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| open_error(from, e))?;
        let mut dst = Connection::open(tmp.path()).map_err(|e| open_error(tmp.path(), e))?;
        copy_database(&src, &mut dst)?;
    }
    let summary = check_workspace_file(tmp.path())?;
    if workspace.exists() {
        // Fold the old file's WAL in, so no stale WAL is left to be applied to the new one.
        let old = Connection::open(workspace).map_err(|e| open_error(workspace, e))?;
        old.busy_timeout(BUSY_TIMEOUT)?;
        old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        drop(old);
        if side_file(workspace, "-wal")
            .metadata()
            .is_ok_and(|m| m.len() > 0)
        {
            return Err(StoreError::Open {
                path: workspace.to_path_buf(),
                problem: "still in use (is the server running?); stop it, then restore".into(),
            });
        }
    }
    tmp.persist(workspace).map_err(|e| StoreError::Open {
        path: workspace.to_path_buf(),
        problem: e.error.to_string(),
    })?;
    // The old file's (empty) WAL and its index belong to the replaced file.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(side_file(workspace, suffix));
    }
    Ok(summary)
}

/// Checks that `path` is a sound SQLite file holding a gridpatrol workspace whose
/// schema this build knows, without changing it; what it holds.
pub fn check_workspace_file(path: &Path) -> Result<BackupSummary, StoreError> {
    let bad = |problem: String| StoreError::Open {
        path: path.to_path_buf(),
        problem,
    };
    if !path.is_file() {
        return Err(bad("no such file".into()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| open_error(path, e))?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| bad(format!("not a readable SQLite database: {e}")))?;
    if verdict != "ok" {
        return Err(bad(format!("integrity check failed: {verdict}")));
    }
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 || version > SCHEMA_VERSION {
        return Err(bad(format!(
            "schema version {version} is not a gridpatrol workspace this build knows (1..={SCHEMA_VERSION})"
        )));
    }
    for table in WORKSPACE_TABLES {
        let found: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if found == 0 {
            return Err(bad(format!("no table {table}: not a gridpatrol workspace")));
        }
    }
    let count = |table: &str| -> Result<u64, StoreError> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(BackupSummary {
        schema_version: version,
        sites: count("sites")?,
        inspections: count("inspections")?,
        draws: count("draws")?,
    })
}

/// Copies every page of `src` into `dst` in one step, so the copy is one snapshot
/// (waiting while another connection holds a lock), as a rollback-journal file.
fn copy_database(src: &Connection, dst: &mut Connection) -> Result<(), StoreError> {
    {
        let backup = Backup::new(src, dst)?;
        let started = std::time::Instant::now();
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    if started.elapsed() > BUSY_TIMEOUT {
                        return Err(StoreError::corrupt(
                            "backup",
                            "the workspace stayed locked by another writer",
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                _ => {}
            }
        }
    }
    // The copy is one self-contained file (a WAL copy would leave -wal/-shm beside it);
    // opening it as a workspace switches it back to WAL.
    dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    Ok(())
}

fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, StoreError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::Builder::new()
        .prefix(".gridpatrol-copy-")
        .suffix(".sqlite")
        .tempfile_in(dir)
        .map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            problem: format!("cannot write beside it: {e}"),
        })
}

fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    StoreError::Open {
        path: path.to_path_buf(),
        problem: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_holds_what_is_still_in_the_wal_and_restores() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        let mut ws = Workspace::open(&path).unwrap();
        ws.import_township(&crate::store::sites_test_support::small_township())
            .unwrap();
        // The commit is in the WAL only while `ws` stays open.
        assert!(side_file(&path, "-wal").metadata().unwrap().len() > 0);
        let out = dir.path().join("b.sqlite");
        let summary = ws.backup_to(&out).unwrap();
        assert_eq!((summary.sites, summary.schema_version), (3, SCHEMA_VERSION));
        drop(ws);
        let target = dir.path().join("restored.sqlite");
        restore(&target, &out).unwrap();
        assert_eq!(Workspace::open(&target).unwrap().counts().unwrap().sites, 3);
    }

    #[test]
    fn a_file_that_is_not_a_workspace_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.sqlite");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x); PRAGMA user_version = 2;")
            .unwrap();
        let err = check_workspace_file(&other).unwrap_err().to_string();
        assert!(err.contains("not a gridpatrol workspace"), "{err}");
        let newer = dir.path().join("newer.sqlite");
        drop(Workspace::open(&newer).unwrap());
        Connection::open(&newer)
            .unwrap()
            .execute_batch("PRAGMA user_version = 999")
            .unwrap();
        let err = check_workspace_file(&newer).unwrap_err().to_string();
        assert!(err.contains("schema version 999"), "{err}");
    }
}
