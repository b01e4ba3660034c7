//! The workspace schema and its migrations. `PRAGMA user_version` holds the number of
//! migrations applied; each migration runs in the same transaction as the version bump,
//! so a workspace is always at exactly one version. Existing migrations are never
//! edited: a change of schema is a new migration at the end.

use rusqlite::{Connection, Transaction};

use super::StoreError;

/// A migration's Rust step, run inside its transaction.
type Step = fn(&Transaction<'_>) -> Result<(), StoreError>;

/// One step of the schema: SQL, then (for derived columns SQL cannot compute, such as
/// which cell holds a site) a Rust step in the same transaction.
struct Migration {
    sql: &'static str,
    then: Option<Step>,
}

/// The migrations in order; migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: FIRST,
        then: None,
    },
    Migration {
        sql: CELL_PLACEMENT_AND_EXTENT,
        then: Some(super::cells::place_everything),
    },
    Migration {
        sql: LATEST_INSPECTION,
        then: None,
    },
    Migration {
        sql: SITE_EXTRA_ATTRIBUTES,
        then: None,
    },
    Migration {
        sql: super::idempotency::TABLE,
        then: None,
    },
    Migration {
        sql: super::audit::AUDIT_LOG,
        then: None,
    },
    Migration {
        sql: PLAN_PUBLISHING,
        then: None,
    },
    Migration {
        sql: PINS_AND_CAMPAIGNS,
        then: None,
    },
    Migration {
        sql: super::evidence::FIELD_EVIDENCE,
        then: None,
    },
    Migration {
        sql: super::accounts::ACCOUNT_STATE,
        then: None,
    },
    Migration {
        sql: super::site_edits::SITE_HISTORY,
        then: None,
    },
];

/// 1: the first schema.
pub(crate) const FIRST: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sites (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT,
    licence TEXT NOT NULL, address TEXT, lon REAL NOT NULL, lat REAL NOT NULL,
    open_hours TEXT, complaints INTEGER NOT NULL DEFAULT 0, last_inspected TEXT,
    synthetic INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'active');
CREATE TABLE schools (id TEXT PRIMARY KEY, name TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL);
CREATE TABLE cells (id TEXT PRIMARY KEY, name TEXT NOT NULL, officer TEXT, rings TEXT NOT NULL);
CREATE TABLE hotspots (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, rings TEXT NOT NULL);
CREATE TABLE depots (id TEXT PRIMARY KEY, name TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL);
CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE plans (
    id INTEGER PRIMARY KEY, date TEXT NOT NULL, shift TEXT NOT NULL,
    team_id TEXT REFERENCES teams(id), body TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE inspections (
    id INTEGER PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), at TEXT NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams(id), result TEXT NOT NULL, notes TEXT,
    recorded_at TEXT NOT NULL);
CREATE INDEX inspections_site_at ON inspections(site_id, at);
CREATE INDEX inspections_at ON inspections(at);
CREATE TABLE findings (
    id INTEGER PRIMARY KEY, inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    kind TEXT NOT NULL, notes TEXT);
CREATE INDEX findings_inspection ON findings(inspection_id);
CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id),
    inspection_id INTEGER NOT NULL REFERENCES inspections(id), kind TEXT NOT NULL,
    due TEXT, state TEXT NOT NULL, resolved_by INTEGER REFERENCES inspections(id));
CREATE INDEX follow_ups_site ON follow_ups(site_id, state);
CREATE TABLE street_segments (
    id INTEGER PRIMARY KEY, cell_id TEXT REFERENCES cells(id) ON DELETE SET NULL,
    lon1 REAL NOT NULL, lat1 REAL NOT NULL, lon2 REAL NOT NULL, lat2 REAL NOT NULL,
    length_m REAL NOT NULL, name TEXT);
CREATE INDEX street_segments_cell ON street_segments(cell_id);
CREATE TABLE swept_tracks (
    id INTEGER PRIMARY KEY, team_id TEXT NOT NULL REFERENCES teams(id), at TEXT NOT NULL,
    source TEXT NOT NULL, coords TEXT NOT NULL, length_m REAL NOT NULL);
CREATE INDEX swept_tracks_at ON swept_tracks(at);
CREATE TABLE swept_segments (
    track_id INTEGER NOT NULL REFERENCES swept_tracks(id),
    segment_id INTEGER NOT NULL REFERENCES street_segments(id),
    PRIMARY KEY (track_id, segment_id));
CREATE TABLE night_checks (
    id INTEGER PRIMARY KEY, hotspot_id TEXT NOT NULL REFERENCES hotspots(id), at TEXT NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams(id), result TEXT NOT NULL, notes TEXT);
CREATE INDEX night_checks_at ON night_checks(at);
CREATE TABLE draws (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE users (
    username TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('lead', 'inspector')),
    team_id TEXT REFERENCES teams(id), password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    expires_at TEXT NOT NULL);
"#;

/// 2: the cell holding each site, hotspot (by centroid) and street metres per cell,
/// cached so coverage needs no point-in-polygon work; a night-check index by hotspot;
/// the township's extent, against which later imports are checked.
const CELL_PLACEMENT_AND_EXTENT: &str = r#"
ALTER TABLE sites ADD COLUMN cell_id TEXT;
ALTER TABLE hotspots ADD COLUMN cell_id TEXT;
ALTER TABLE cells ADD COLUMN street_m REAL NOT NULL DEFAULT 0;
CREATE INDEX sites_cell ON sites(cell_id);
CREATE INDEX night_checks_hotspot_at ON night_checks(hotspot_id, at);
CREATE TABLE extent (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL,
    CHECK (min_lon < max_lon AND min_lat < max_lat));
"#;

/// 3: each site's latest inspection, kept by every recorded inspection, so coverage up
/// to today needs no index seek per site.
const LATEST_INSPECTION: &str = r#"
ALTER TABLE sites ADD COLUMN last_inspection_at TEXT;
UPDATE sites SET last_inspection_at = (SELECT MAX(at) FROM inspections i WHERE i.site_id = sites.id);
"#;

/// 4: columns of the lead's lists that no field reads (联系人, 联系电话…), kept on the
/// site as a JSON object of text instead of being dropped.
const SITE_EXTRA_ATTRIBUTES: &str = r#"
ALTER TABLE sites ADD COLUMN extra TEXT;
"#;

/// 8: the lead's pins (a site kept to a team or a day, must-visit, or left out), which
/// every re-plan honours; and saved campaign plans, whose progress is followed day by day.
const PINS_AND_CAMPAIGNS: &str = r#"
CREATE TABLE pins (
    site_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('team', 'day', 'must_visit', 'exclude')),
    value TEXT,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (site_id, kind));
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    replaces INTEGER REFERENCES campaigns(id));
"#;

/// 7: a plan is a draft until a lead publishes it; plans kept before were all shown.
const PLAN_PUBLISHING: &str = r#"
ALTER TABLE plans ADD COLUMN published_at TEXT;
UPDATE plans SET published_at = created_at;
"#;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings `conn` up to [`SCHEMA_VERSION`]; refuses a workspace from a newer build.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i as u32 {
            tx.commit()?;
            continue;
        }
        tx.execute_batch(step.sql)?;
        if let Some(then) = step.then {
            then(&tx)?;
        }
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}
