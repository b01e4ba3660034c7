//! What the server serves from: the SQLite workspace (sites, cells, inspections,
//! draws, users), plus the base map drawn once from the OSM extract.
//!
//! Handlers call these methods from `spawn_blocking`. Writes go through one
//! connection behind a mutex (SQLite writes are serial anyway) and hold it only for
//! the write itself. What the page reads most (the coverage figures, the township's
//! layers) is built once and kept as JSON bytes until the workspace changes, on a
//! connection of its own (WAL lets it read the last commit while a write goes on):
//! many readers then cost a lookup each, and a build never waits for, nor holds up,
//! the writers. Readers who arrive while an answer is being built wait for that
//! build instead of starting their own.

use std::any::Any;
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use chrono::{NaiveDate, NaiveDateTime};

use crate::formats::time::Zone;

use super::error::ApiError;
use crate::api::CoverageRow;
use crate::coverage::coverage::coverage_from_store;
use crate::model::bounds::{grow, LonLatBounds};
use crate::model::dates::DateWindow;
use crate::model::Township;
use crate::store::{ChangeStamp, StoreError, Workspace};

/// The workspace the server serves, with its base map already turned into GeoJSON.
pub struct ServerData {
    store: Mutex<Workspace>,
    /// The workspace file, for the connections answers are built on (`None` in
    /// memory: then they are built on `store`).
    path: Option<PathBuf>,
    /// Idle connections for building answers.
    readers: Mutex<Vec<Workspace>>,
    /// A connection asked only for the workspace's [`ChangeStamp`].
    stamps: Option<Mutex<Workspace>>,
    /// One gate per answer key: a build at a time, the others wait for it.
    gates: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// The township's time zone: what "now" and "today" mean for it.
    zone: Zone,
    name: String,
    /// Streets, buildings and water (GeoJSON FeatureCollection), serialised once.
    base_geojson: Bytes,
    bounds: LonLatBounds,
    /// Built answers, with the workspace state they were built from.
    answers: Mutex<Answers>,
    /// Set whenever the workspace is taken (a write may follow): the next answer
    /// checks the workspace's [`ChangeStamp`] first.
    recheck: AtomicBool,
}

/// Answers built from the workspace (JSON bytes, or built structures such as the
/// sites' bubbles, by key) and the last stamp seen.
#[derive(Default)]
struct Answers {
    built: HashMap<String, (ChangeStamp, Kept)>,
    seen: Option<(ChangeStamp, Instant)>,
}

/// A built answer, of whatever type its key stands for.
type Kept = Arc<dyn Any + Send + Sync>;

/// How long a checked workspace state is trusted: writes by other processes (the CLI)
/// show up on the page within this.
pub const RECHECK_AFTER: Duration = Duration::from_millis(500);

/// Most idle connections kept for building answers.
const MAX_READERS: usize = 8;

/// The workspace locked for writing; when let go, kept answers are checked against
/// the workspace again before the next one is served.
pub struct WriteGuard<'a> {
    ws: MutexGuard<'a, Workspace>,
    recheck: &'a AtomicBool,
}

impl Deref for WriteGuard<'_> {
    type Target = Workspace;
    fn deref(&self) -> &Workspace {
        &self.ws
    }
}

impl DerefMut for WriteGuard<'_> {
    fn deref_mut(&mut self) -> &mut Workspace {
        &mut self.ws
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        // After the commit: a stamp taken before it never hides it.
        self.recheck.store(true, Ordering::SeqCst);
    }
}

/// How many built answers are kept (one per layer and coverage period asked for).
const MAX_ANSWERS: usize = 64;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownSite(id) => ApiError::not_found(format!("no site `{id}`")),
            StoreError::Invalid { field, problem } => {
                ApiError::bad_request(format!("{field}: {problem}"))
            }
            StoreError::NotFound(what) => ApiError::not_found(format!("no {what}")),
            StoreError::UnknownUser(name) => {
                ApiError::not_found(format!("没有用户 no user `{name}`"))
            }
            StoreError::UserExists(name) => ApiError::conflict(
                "user_exists",
                format!("用户已存在 user `{name}` exists already"),
            ),
            StoreError::TooLarge(problem) => ApiError::payload_too_large_for(problem),
            other => ApiError::internal(other),
        }
    }
}

impl ServerData {
    /// A server over `store`, with `base_geojson` as its base map.
    pub fn new(
        store: Workspace,
        name: String,
        base_geojson: Vec<u8>,
        base_bounds: Option<LonLatBounds>,
    ) -> Result<Self, StoreError> {
        let bounds = base_bounds
            .or_else(|| store.township().ok().as_ref().and_then(township_bounds))
            .unwrap_or(LonLatBounds::from(FALLBACK_BOUNDS));
        let path = store.path().map(PathBuf::from);
        let stamps = match &path {
            Some(p) => Some(Mutex::new(Workspace::open_existing(p)?)),
            None => None,
        };
        let zone = store.time_zone()?;
        // Keys a device could no longer resend: dropped once per start.
        let mut store = store;
        if store.path().is_some() {
            store.prune_idempotency_keys()?;
        }
        Ok(Self {
            zone,
            store: Mutex::new(store),
            path,
            readers: Mutex::new(Vec::new()),
            stamps,
            gates: Mutex::new(HashMap::new()),
            name,
            base_geojson: Bytes::from(base_geojson),
            bounds,
            answers: Mutex::new(Answers::default()),
            recheck: AtomicBool::new(true),
        })
    }
    /// The township's wall-clock time now (its time zone, not the computer's).
    pub fn now(&self) -> NaiveDateTime {
        self.zone.now()
    }
    /// The township's date today.
    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }
    /// The township's name.
    pub fn township_name(&self) -> &str {
        &self.name
    }
    /// `[west, south, east, north]` in WGS-84 degrees.
    pub fn bounds(&self) -> LonLatBounds {
        self.bounds
    }
    /// The base map (streets, buildings, water) as GeoJSON bytes (a cheap clone).
    pub fn base_geojson(&self) -> Bytes {
        self.base_geojson.clone()
    }
    /// The answer stored under `key` when it is known to be current, without touching
    /// the workspace: nothing went through [`ServerData::store`] since the last check
    /// and that check is under [`RECHECK_AFTER`] old (other processes' writes show up
    /// within that). Cheap enough for the async handler itself; `None`: use
    /// [`ServerData::answer`].
    pub fn current_answer(&self, key: &str) -> Option<Bytes> {
        self.current::<Bytes>(key).map(|bytes| (*bytes).clone())
    }
    /// Like [`ServerData::current_answer`], for any answer kept by [`ServerData::kept`].
    pub fn current<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        if self.recheck.load(Ordering::SeqCst) {
            return None;
        }
        let answers = self.answers.lock().ok()?;
        let (stamp, checked) = answers.seen?;
        if checked.elapsed() > RECHECK_AFTER {
            return None;
        }
        Self::lookup(&answers, key, stamp)
    }

    /// Like [`ServerData::current`], but when a write may have happened since the
    /// last check, asks the workspace's stamp (one quick query on a connection of
    /// its own, no table read) instead of giving up: after a write, the first reader
    /// builds, the others find the answer here without a blocking task each. `None`:
    /// use [`ServerData::kept`].
    pub fn checked<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        if let Some(kept) = self.current(key) {
            return Some(kept);
        }
        self.stamps.as_ref()?;
        let stamp = self.stamp().ok()?;
        Self::lookup(&*self.answers.lock().ok()?, key, stamp)
    }

    /// [`ServerData::checked`] for JSON answers.
    pub fn checked_answer(&self, key: &str) -> Option<Bytes> {
        self.checked::<Bytes>(key).map(|bytes| (*bytes).clone())
    }

    /// The answer under `key` if built at `stamp` or later.
    fn lookup<T: Any + Send + Sync>(
        answers: &Answers,
        key: &str,
        stamp: ChangeStamp,
    ) -> Option<Arc<T>> {
        let (built, kept) = answers.built.get(key)?;
        built
            .covers(stamp)
            .then(|| kept.clone().downcast::<T>().ok())
            .flatten()
    }

    /// The answer stored under `key` if the workspace has not changed since it was
    /// built, else a fresh one from `build` (blocking: call from `spawn_blocking`).
    pub fn answer(
        &self,
        key: &str,
        build: impl FnOnce(&Workspace) -> Result<Vec<u8>, ApiError>,
    ) -> Result<Bytes, ApiError> {
        let bytes = self.kept(key, |ws| build(ws).map(Bytes::from))?;
        Ok((*bytes).clone())
    }

    /// Like [`ServerData::answer`], for any structure built from the workspace (each
    /// key always with the same type).
    pub fn kept<T: Any + Send + Sync>(
        &self,
        key: &str,
        build: impl FnOnce(&Workspace) -> Result<T, ApiError>,
    ) -> Result<Arc<T>, ApiError> {
        let stamp = self.stamp()?;
        if let Some(kept) = Self::lookup(&*self.answers()?, key, stamp) {
            return Ok(kept);
        }
        let gate = self.gate(key)?;
        let _building = gate
            .lock()
            .map_err(|_| ApiError::internal("answer gate poisoned"))?;
        // Whoever held the gate may have built it, from a state as new as ours.
        if let Some(kept) = Self::lookup(&*self.answers()?, key, stamp) {
            return Ok(kept);
        }
        let stamp = self.stamp()?;
        let fresh = Arc::new(self.read(build)?);
        let mut answers = self.answers()?;
        if answers.built.len() >= MAX_ANSWERS {
            answers.built.retain(|_, (built, _)| built.covers(stamp));
            if answers.built.len() >= MAX_ANSWERS {
                answers.built.clear();
            }
        }
        answers
            .built
            .insert(key.to_string(), (stamp, fresh.clone() as Kept));
        Ok(fresh)
    }

    /// The gate of `key`.
    fn gate(&self, key: &str) -> Result<Arc<Mutex<()>>, ApiError> {
        let mut gates = self
            .gates
            .lock()
            .map_err(|_| ApiError::internal("answer gates poisoned"))?;
        if gates.len() >= MAX_ANSWERS * 4 {
            gates.retain(|_, gate| Arc::strong_count(gate) > 1);
        }
        Ok(gates.entry(key.to_string()).or_default().clone())
    }

    /// The workspace's stamp now; it is then trusted for [`RECHECK_AFTER`] unless a
    /// write goes through [`ServerData::store`].
    fn stamp(&self) -> Result<ChangeStamp, ApiError> {
        // Cleared before asking: a write committed after the question marks it again.
        self.recheck.store(false, Ordering::SeqCst);
        let stamp = match &self.stamps {
            Some(conn) => conn
                .lock()
                .map_err(|_| ApiError::internal("stamp connection poisoned"))?
                .change_stamp()?,
            None => self
                .store
                .lock()
                .map_err(|_| ApiError::internal("workspace lock poisoned"))?
                .change_stamp()?,
        };
        self.answers()?.seen = Some((stamp, Instant::now()));
        Ok(stamp)
    }

    /// Runs `read` on a connection of its own, in one read transaction (one state
    /// of the workspace throughout), without the writers' lock. In memory, on the
    /// writers' connection.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Workspace) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let Some(path) = &self.path else {
            let ws = self
                .store
                .lock()
                .map_err(|_| ApiError::internal("workspace lock poisoned"))?;
            return read(&ws);
        };
        let idle = self.readers.lock().ok().and_then(|mut r| r.pop());
        let ws = match idle {
            Some(ws) => ws,
            None => Workspace::open_existing(path)?,
        };
        let (answer, ended) = ws.read_snapshot(read)?;
        if ended {
            if let Ok(mut readers) = self.readers.lock() {
                if readers.len() < MAX_READERS {
                    readers.push(ws);
                }
            }
        }
        answer
    }
    fn answers(&self) -> Result<MutexGuard<'_, Answers>, ApiError> {
        self.answers
            .lock()
            .map_err(|_| ApiError::internal("answer cache lock poisoned"))
    }
    /// The workspace, locked for writing. Whoever takes it may write, so stored
    /// answers are checked against the workspace again before the next one is
    /// served. Hold it for the write only: build answers with [`ServerData::read`].
    pub fn store(&self) -> Result<WriteGuard<'_>, ApiError> {
        let mut ws = self
            .store
            .lock()
            .map_err(|_| ApiError::internal("workspace lock poisoned"))?;
        self.recheck.store(true, Ordering::SeqCst);
        // A write through a handle handed out without a user is the server's own.
        ws.set_actor(crate::store::Actor::web_anonymous());
        Ok(WriteGuard {
            ws,
            recheck: &self.recheck,
        })
    }

    /// The workspace, its writes recorded in the audit log as signed-in `user`'s.
    pub fn store_as(&self, user: &str) -> Result<WriteGuard<'_>, ApiError> {
        let mut ws = self.store()?;
        ws.set_actor(crate::store::Actor::web_user(user));
        Ok(ws)
    }
}

/// The window the map colours cells by: the rules' `map.window_days` up to today.
pub fn default_window(ws: &Workspace) -> Result<DateWindow, ApiError> {
    let (from, to) = ws.rules()?.map.window_ending(ws.today()?);
    Ok(DateWindow { from, to })
}

/// Coverage rows as the page reads them (the store's figures, renamed for the table).
pub fn coverage_rows(ws: &Workspace, window: DateWindow) -> Result<Vec<CoverageRow>, ApiError> {
    let mut overdue: HashMap<String, Vec<crate::store::OverdueSite>> = HashMap::new();
    for site in crate::coverage::overdue_from_store(ws, window.from, window.to)? {
        overdue.entry(site.cell_id.clone()).or_default().push(site);
    }
    let work = crate::coverage::open_work_from_store(ws, window.to)?;
    Ok(coverage_from_store(ws, window.from, window.to)?
        .iter()
        .map(|c| {
            let open = work.get(&c.cell_id).copied().unwrap_or_default();
            CoverageRow {
                overdue: overdue.remove(&c.cell_id).unwrap_or_default(),
                open_tipoffs: open.open_tipoffs,
                overdue_tipoffs: open.overdue_tipoffs,
                followups_due: open.followups_due,
                ..CoverageRow::from(c)
            }
        })
        .collect())
}

/// Where the map opens when neither the extract nor the township gives an extent:
/// the bundled sample's, WGS-84 `[west, south, east, north]`.
pub const FALLBACK_BOUNDS: [f64; 4] = [116.34, 39.95, 116.37, 39.97];

/// Which cell each site lies in, by site id (placed by the store at import).
pub fn site_cells(ws: &Workspace) -> Result<HashMap<String, String>, ApiError> {
    Ok(ws.site_cells()?)
}

/// The extent of everything in the township, if it holds anything.
fn township_bounds(t: &Township) -> Option<LonLatBounds> {
    use geo::BoundingRect;
    let mut b: Option<LonLatBounds> = None;
    let mut add = |lon: f64, lat: f64| grow(&mut b, lon, lat);
    for i in &t.institutions {
        add(i.location.lon(), i.location.lat());
    }
    for c in &t.cells {
        if let Some(r) = c.area.0.bounding_rect() {
            add(r.min().x, r.min().y);
            add(r.max().x, r.max().y);
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// The answer under test: the workspace's `note`, counting how often it is built.
    fn note(data: &ServerData, builds: &Cell<usize>) -> String {
        let bytes = data
            .answer("note", |ws| {
                builds.set(builds.get() + 1);
                Ok(ws.meta("note")?.unwrap_or_default().into_bytes())
            })
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn answers_are_kept_until_the_workspace_changes_by_any_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.sqlite");
        let mut ws = Workspace::open(&path).unwrap();
        ws.set_meta("note", "one").unwrap();
        let data = ServerData::new(ws, "t".into(), Vec::new(), None).unwrap();
        let builds = Cell::new(0);
        assert_eq!(note(&data, &builds), "one");
        assert_eq!(note(&data, &builds), "one");
        assert_eq!(builds.get(), 1, "the second read is the kept answer");

        // A write through the server's own connection: no stale answer, even fast.
        data.store().unwrap().set_meta("note", "two").unwrap();
        assert_eq!(data.current_answer("note"), None);
        assert_eq!(note(&data, &builds), "two");
        assert_eq!(builds.get(), 2);

        // A write by another process (another connection to the file).
        let mut other = Workspace::open_existing(&path).unwrap();
        other.set_meta("note", "three").unwrap();
        assert_eq!(note(&data, &builds), "three");
        assert_eq!(builds.get(), 3);
        assert_eq!(note(&data, &builds), "three");
        assert_eq!(builds.get(), 3);
    }
}
