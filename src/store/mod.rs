//! The workspace: one SQLite file (WAL, foreign keys, busy timeout) holding the township's
//! sites, cells, hotspots, teams, plans, inspections, swept streets, draws and users.
//!
//! Every import and every write runs in one `BEGIN IMMEDIATE` transaction, so a
//! malformed file or a killed process never leaves half a change behind, and two
//! processes writing at once queue on the lock instead of corrupting the file.
//!
//! ```
//! use gridpatrol::store::Workspace;
//! let ws = Workspace::in_memory().unwrap();
//! assert_eq!(ws.counts().unwrap().sites, 0);
//! ```

pub mod accounts;
pub mod audit;
pub mod backup;
mod calendar;
mod campaigns;
mod cell_details;
mod cells;
mod draws;
mod evidence;
mod idempotency;
mod inspections;
mod list_import;
mod officers;
mod pins;
mod plans;
mod proposals;
pub mod route_cache;
mod rules;
pub mod schema;
mod site_edits;
mod sites;
mod snapshot;
mod tipoffs;
mod tracks;
mod users;
mod worklist;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use accounts::{one_time_password, Account, AccountChange, FIRST_LEAD};
pub use audit::{audit_table, Actor, AuditEntry};
pub use backup::{check_workspace_file, restore, BackupSummary};
pub use calendar::CalendarFile;
pub use campaigns::StoredCampaign;
pub use cell_details::OverdueSite;
pub use cells::{CellSummary, HotspotTally, SiteTally};
pub use draws::DrawLogEntry;
pub use evidence::{
    image_type, outcome_effect, sha256_hex, Evidence, InspectionRecord, Photo, PhotoRef, Position,
    MAX_PHOTOS, MAX_PHOTO_BYTES, MAX_SIGNATURE_BYTES, MIN_OFFICERS,
};
pub use idempotency::{IdempotencyKey, KeyedInspection, Once};
pub use inspections::{
    FollowUp, FollowUpKind, FollowUpState, Inspection, InspectionInput, InspectionResult,
    LedgerRow, NightCheck, SitePriority,
};
pub use list_import::{
    ImportPreview, PendingSite, PreviewChange, PreviewRefusal, PreviewRow, PreviewUnplaced,
};
pub use officers::Officer;
pub use plans::StoredPlan;
pub use proposals::{MergeUpdates, Proposal, ProposalInput, ProposalState};
pub use site_edits::{NewHotspot, NewSite, SiteChanges, SiteHistoryEntry, StoredSite};
pub use sites::{
    FieldChange, ImportKind, ImportOptions, ImportReport, Importable, Rejection,
    SAME_SITE_MAX_MOVE_M,
};
pub use snapshot::ChangeStamp;
pub use tipoffs::{tip_off_table, TipOff, TipOffChange, TipOffDue, TipOffFilter, TipOffInput};
pub use tracks::{StreetLine, StreetSegment, SweptTrack, TrackRecord};
pub use users::{hash_password, password_matches, Role, Session, User};
pub use worklist::{follow_up_kind_label, follow_up_kind_name, FollowUpItem};

/// The file name of the default workspace, created in the current folder on first use
/// from the bundled sample township (`--workspace FILE` chooses another).
pub const DEFAULT_WORKSPACE: &str = "gridpatrol-workspace.sqlite";

/// How long a writer waits for another process's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused a statement or the file.
    #[error("workspace database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The workspace file cannot be opened, backed up or restored.
    #[error("workspace {path}: {problem}")]
    Open {
        /// The workspace (or backup) file.
        path: PathBuf,
        /// What went wrong.
        problem: String,
    },
    /// The file was written by a newer gridpatrol with a schema this one does not know.
    #[error("the workspace has schema version {found}; this gridpatrol understands up to {supported}: upgrade gridpatrol")]
    NewerSchema {
        /// The file's schema version.
        found: u32,
        /// The newest version this build understands.
        supported: u32,
    },
    /// An id that matches neither a site nor a hotspot; holds the id.
    #[error("no site or hotspot with id {0:?} in the workspace")]
    UnknownSite(String),
    /// No user by that name; holds the name.
    #[error("no user {0:?}")]
    UnknownUser(String),
    /// A user by that name exists already; holds the name.
    #[error("user {0:?} exists already")]
    UserExists(String),
    /// A value that the store refuses to write.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field (or argument) at fault.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A stored value that does not parse back (a damaged or hand-edited file).
    #[error("stored {what} is damaged: {problem}")]
    Corrupt {
        /// Which value (table and column, or record).
        what: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A record (inspection, proposal, photo) that is not in the workspace; names it.
    #[error("no {0} in the workspace")]
    NotFound(String),
    /// A value larger than the workspace keeps; says the limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Hashing or checking a password failed; holds the reason.
    #[error("password hashing: {0}")]
    Password(String),
}

impl StoreError {
    pub(crate) fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        StoreError::Invalid {
            field,
            problem: problem.into(),
        }
    }
    pub(crate) fn corrupt(what: impl Into<String>, problem: impl ToString) -> Self {
        StoreError::Corrupt {
            what: what.into(),
            problem: problem.to_string(),
        }
    }
}

/// An open workspace.
pub struct Workspace {
    conn: Connection,
    path: Option<PathBuf>,
    /// Who the writes are recorded as in the audit log.
    actor: audit::Actor,
}

/// How row counts of the main tables look (for `gridpatrol init` and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Tutoring institutions (sites).
    pub sites: u64,
    /// Schools.
    pub schools: u64,
    /// Grid cells (网格).
    pub cells: u64,
    /// Hotspots (重点区域).
    pub hotspots: u64,
    /// Depots.
    pub depots: u64,
    /// Recorded inspections.
    pub inspections: u64,
    /// Street segments of the road network (sweep and coverage).
    pub street_segments: u64,
    /// Entries of the 双随机 draw log.
    pub draws: u64,
}

impl Workspace {
    /// Opens (creating if needed) the workspace at `path` and migrates its schema.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })?;
        Self::setup(conn, Some(path.to_path_buf()))
    }

    /// Opens an existing workspace; an error if there is no file at `path`.
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                problem: "no such workspace file (create it with `gridpatrol init`)".into(),
            });
        }
        Self::open(path)
    }

    /// A throw-away workspace in memory (tests, examples).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // A file that is not SQLite fails here, with the file named.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| StoreError::Open {
                path: path.clone().unwrap_or_default(),
                problem: e.to_string(),
            })?;
        if path.is_some() && !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Open {
                path: path.unwrap_or_default(),
                problem: format!("could not switch to WAL journal (got {mode})"),
            });
        }
        // FULL: an acknowledged commit survives a crash of the machine, not only of us.
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            conn,
            path,
            actor: audit::Actor::os_user(),
        })
    }

    /// The file this workspace lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Read access for queries in this module family.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one immediate transaction: all of it is committed, or none of it.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one immediate transaction and commits only when `f` says to keep its
    /// work (`(value, true)`); otherwise everything `f` wrote is rolled back (dry runs).
    pub(crate) fn write_or_discard<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<(T, bool), StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (out, keep) = f(&tx)?;
        if keep {
            tx.commit()?;
        } else {
            tx.rollback()?;
        }
        Ok(out)
    }

    /// Row counts of the main tables.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let n = |table: &str| -> Result<u64, StoreError> {
            Ok(self
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(Counts {
            sites: n("sites")?,
            schools: n("schools")?,
            cells: n("cells")?,
            hotspots: n("hotspots")?,
            depots: n("depots")?,
            inspections: n("inspections")?,
            street_segments: n("street_segments")?,
            draws: n("draws")?,
        })
    }

    /// `PRAGMA integrity_check`: `Ok(())` when SQLite finds the file sound.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(StoreError::corrupt("database file", verdict))
        }
    }

    /// A free-form setting (township name, campaign window...).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a free-form setting.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            put_meta(tx, key, value)?;
            Ok(())
        })
    }
}

/// Runs a prepared query and maps each row with `map`, which may fail on a damaged
/// stored value as well as on SQLite: the one place rows become values.
pub(crate) fn map_rows<T>(
    stmt: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// The stored form of a timestamp: local wall-clock time, to the second.
pub(crate) const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// Sets `key` in `meta` to `value` inside the caller's transaction.
pub(crate) fn put_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

pub(crate) fn time_text(t: NaiveDateTime) -> String {
    t.format(TIME_FORMAT).to_string()
}

pub(crate) fn parse_time_text(text: &str) -> Result<NaiveDateTime, StoreError> {
    NaiveDateTime::parse_from_str(text, TIME_FORMAT)
        .map_err(|e| StoreError::corrupt(format!("timestamp {text:?}"), e))
}

pub(crate) fn parse_date_text(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| StoreError::corrupt(format!("date {text:?}"), e))
}

/// Parses a time as the lead types it: `2025-03-01T19:30`, `2025-03-01 19:30[:00]`,
/// RFC 3339 (converted to China Standard Time — a township elsewhere uses its own
/// zone's [`Zone::parse_instant`](crate::formats::time::Zone::parse_instant) — see
/// [`Zone::parse_instant`](crate::formats::time::Zone::parse_instant)), or a bare date
/// (midnight).
///
/// ```
/// let t = gridpatrol::store::parse_when("2025-03-01 19:30").unwrap();
/// assert_eq!(t.to_string(), "2025-03-01 19:30:00");
/// let utc = gridpatrol::store::parse_when("2025-03-01T11:30:00Z").unwrap();
/// assert_eq!(utc.to_string(), "2025-03-01 19:30:00");
/// assert!(gridpatrol::store::parse_when("yesterday").is_none());
/// ```
pub fn parse_when(text: &str) -> Option<NaiveDateTime> {
    crate::formats::time::Zone::default().parse_instant(text)
}

#[cfg(test)]
pub(crate) use sites::tests as sites_test_support;

/// The stored name of an institution kind (`training`, `care`).
pub fn kind_name(k: crate::model::InstitutionKind) -> &'static str {
    sites::kind_text(k)
}

/// The stored name of a hotspot kind (`office_building`, `residential_compound`).
pub fn hotspot_kind_name(k: crate::model::HotspotKind) -> &'static str {
    sites::hotspot_kind_text(k)
}

/// The stored name of a licence class (`licensed`, `registered_only`, `unlicensed`).
pub fn licence_name(l: crate::model::Licence) -> &'static str {
    sites::licence_text(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_workspace_is_wal_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(&dir.path().join("w.sqlite")).unwrap();
        let mode: String = ws
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = ws
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let v: u32 = ws
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, schema::SCHEMA_VERSION);
        ws.integrity_check().unwrap();
    }

    #[test]
    fn reopening_does_not_migrate_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        Workspace::open(&path)
            .unwrap()
            .set_meta("name", "x")
            .unwrap();
        let ws = Workspace::open(&path).unwrap();
        assert_eq!(ws.meta("name").unwrap().as_deref(), Some("x"));
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        drop(Workspace::open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA user_version = 999").unwrap();
        drop(c);
        assert!(matches!(
            Workspace::open(&path),
            Err(StoreError::NewerSchema { .. })
        ));
    }

    #[test]
    fn not_sqlite_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        std::fs::write(
            &path,
            b"this is not a database, just some text that is long enough",
        )
        .unwrap();
        let err = Workspace::open(&path).err().unwrap().to_string();
        assert!(err.contains("w.sqlite"), "{err}");
    }
}
