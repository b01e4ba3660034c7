//! Street segments (the walk network cut into short pieces, cached at init) and swept
//! tracks: a GPS track or a completed route, matched to the segments it ran along.

use crate::model::bounds::LonLat;
use chrono::NaiveDateTime;
use rusqlite::params;
use serde::Serialize;

use super::{inspections::ensure_team, time_text, StoreError, Workspace};
use crate::formats::time::Zone;
use crate::spatial::track_matching::{self as sweep, Segment};

/// A piece of street, at most [`sweep::MAX_PIECE_M`] long.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreetSegment {
    /// The segment's row id.
    pub id: i64,
    /// Its two ends (WGS-84) and length in metres.
    pub segment: Segment,
    /// The street's name, when OpenStreetMap has one.
    pub name: Option<String>,
}

/// A street polyline to cache: its name and WGS-84 `(lon, lat)` vertices.
pub type StreetLine = (Option<String>, Vec<LonLat>);

/// A stored track: team, time, WGS-84 `(lon, lat)` points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackRecord {
    /// The team that walked it.
    pub team_id: String,
    /// When it was walked, township local time.
    pub at: NaiveDateTime,
    /// `(lon, lat)` in WGS-84 degrees, in walking order.
    pub points: Vec<LonLat>,
}

/// A recorded track and what it swept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweptTrack {
    /// The track's row id.
    pub id: i64,
    /// The team that walked it.
    pub team_id: String,
    /// When it was walked, township local time.
    pub at: NaiveDateTime,
    /// `gpx:<file name>` or `route:<plan id>` (free text from the caller).
    pub source: String,
    /// The track's own length, in metres.
    pub length_m: f64,
    /// How many street segments it swept.
    pub swept_segments: usize,
    /// The total length of those segments, in metres.
    pub swept_m: f64,
}

impl Workspace {
    /// Replaces the cached streets by `lines` (name, WGS-84 `(lon, lat)` vertices), cut
    /// into short pieces, and re-matches every recorded track against them.
    pub fn replace_streets(&mut self, lines: &[StreetLine]) -> Result<usize, StoreError> {
        let pieces: Vec<(Option<&str>, Segment)> = lines
            .iter()
            .flat_map(|(name, pts)| {
                sweep::cut_line(pts)
                    .into_iter()
                    .map(move |s| (name.as_deref(), s))
            })
            .collect();
        self.write(|tx| {
            tx.execute_batch("DELETE FROM swept_segments; DELETE FROM street_segments;")?;
            {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO street_segments (lon1, lat1, lon2, lat2, length_m, name) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for (name, s) in &pieces {
                    ins.execute(params![s.a[0], s.a[1], s.b[0], s.b[1], s.length_m, name])?;
                }
            }
            super::cells::place_segments(tx)?;
            let segments = load_segments(tx)?;
            let limits = super::rules::rules_in(tx)?.snapping;
            let index = sweep::SegmentIndex::new(segments.iter().map(|s| s.segment.clone()).collect(), &limits);
            let mut tracks = tx.prepare("SELECT id, coords FROM swept_tracks")?;
            let rows: Vec<(i64, String)> =
                tracks.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            for (id, coords) in rows {
                let pts: Vec<LonLat> = serde_json::from_str(&coords)
                    .map_err(|e| StoreError::corrupt(format!("track {id}"), e))?;
                insert_matches(tx, id, &index, &segments, &pts)?;
            }
            Ok(pieces.len())
        })
    }

    /// The cached street segments, by id.
    pub fn street_segments(&self) -> Result<Vec<StreetSegment>, StoreError> {
        load_segments(self.conn())
    }

    /// Records a track (GPS or a completed route) as swept streets, in one transaction.
    pub fn record_track(
        &mut self,
        team_id: &str,
        at: NaiveDateTime,
        source: &str,
        points: &[LonLat],
    ) -> Result<SweptTrack, StoreError> {
        let mut recorded = self.record_tracks(team_id, at, source, &[points.to_vec()])?;
        Ok(recorded.remove(0))
    }

    /// Records every line of one file as swept streets, all in one transaction: a bad
    /// line stores none of them.
    pub fn record_tracks(
        &mut self,
        team_id: &str,
        at: NaiveDateTime,
        source: &str,
        lines: &[Vec<LonLat>],
    ) -> Result<Vec<SweptTrack>, StoreError> {
        if lines.is_empty() {
            return Err(StoreError::invalid("track", "the file has no line"));
        }
        for (i, points) in lines.iter().enumerate() {
            check_points(i, points)?;
        }
        let segments = self.street_segments()?;
        let limits = self.rules()?.snapping;
        let index = sweep::SegmentIndex::new(
            segments.iter().map(|s| s.segment.clone()).collect(),
            &limits,
        );
        let actor = self.actor().clone();
        self.write(|tx| {
            ensure_team(tx, team_id)?;
            let mut recorded = Vec::with_capacity(lines.len());
            for points in lines {
                let length_m: f64 = points
                    .windows(2)
                    .map(|w| w[0].distance_m(w[1]))
                    .sum();
                let coords = serde_json::to_string(points)
                    .map_err(|e| StoreError::invalid("track", e.to_string()))?;
                tx.execute(
                    "INSERT INTO swept_tracks (team_id, at, source, coords, length_m) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![team_id, time_text(at), source, coords, length_m],
                )?;
                let id = tx.last_insert_rowid();
                let (n, swept_m) = insert_matches(tx, id, &index, &segments, points)?;
                recorded.push(SweptTrack {
                    id,
                    team_id: team_id.to_string(),
                    at,
                    source: source.to_string(),
                    length_m,
                    swept_segments: n,
                    swept_m,
                });
            }
            let swept_m: f64 = recorded.iter().map(|t| t.swept_m).sum();
            let detail = format!(
                "{} line(s) from {source} at {}, {swept_m:.0} m of street swept",
                recorded.len(),
                time_text(at)
            );
            super::audit::record(tx, &actor, "track", team_id, &detail)?;
            Ok(recorded)
        })
    }

    /// The township's time zone (`time_zone` in its manifest; Asia/Shanghai when the
    /// workspace holds none): times with an offset are converted to it.
    pub fn time_zone(&self) -> Result<Zone, StoreError> {
        match self.meta(TIME_ZONE_KEY)? {
            Some(name) => Zone::parse(&name).map_err(|e| StoreError::corrupt("time zone", e)),
            None => Ok(Zone::default()),
        }
    }

    /// The township's wall-clock time now (in its [`time_zone`](Self::time_zone), not
    /// the computer's): what "today" and "now" mean for its records and plans.
    pub fn now(&self) -> Result<NaiveDateTime, StoreError> {
        township_now(self.conn())
    }

    /// The township's date today (see [`now`](Self::now)).
    pub fn today(&self) -> Result<chrono::NaiveDate, StoreError> {
        Ok(self.now()?.date())
    }

    /// Stores the township's time zone.
    pub fn set_time_zone(&mut self, zone: &Zone) -> Result<(), StoreError> {
        self.set_meta(TIME_ZONE_KEY, zone.name())
    }

    /// Recorded tracks with `from <= at < to`: `(team, at, WGS-84 points)`.
    pub fn tracks(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<TrackRecord>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT team_id, at, coords FROM swept_tracks WHERE at >= ?1 AND at < ?2 ORDER BY at",
        )?;
        super::map_rows(&mut stmt, [time_text(from), time_text(to)], |r| {
            let coords: String = r.get(2)?;
            Ok(TrackRecord {
                team_id: r.get(0)?,
                at: super::parse_time_text(&r.get::<_, String>(1)?)?,
                points: serde_json::from_str(&coords)
                    .map_err(|e| StoreError::corrupt("track", e))?,
            })
        })
    }
}

/// The township's wall-clock time now, read through any connection to its workspace
/// (writers inside a transaction use their own).
pub(crate) fn township_now(conn: &rusqlite::Connection) -> Result<NaiveDateTime, StoreError> {
    use rusqlite::OptionalExtension;
    let name: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [TIME_ZONE_KEY],
            |r| r.get(0),
        )
        .optional()?;
    let zone = match name {
        Some(name) => Zone::parse(&name).map_err(|e| StoreError::corrupt("time zone", e))?,
        None => Zone::default(),
    };
    Ok(zone.now())
}

/// The `meta` key holding the township's time zone.
const TIME_ZONE_KEY: &str = "time_zone";

/// A line needs two points, each a WGS-84 lon/lat (`line` counts from 0).
fn check_points(line: usize, points: &[LonLat]) -> Result<(), StoreError> {
    if points.len() < 2 {
        return Err(StoreError::invalid(
            "track",
            format!(
                "line {line} has {} points; at least 2 are needed",
                points.len()
            ),
        ));
    }
    if points.iter().any(|p| {
        !(p.lon.is_finite() && p.lat.is_finite() && p.lon.abs() <= 180.0 && p.lat.abs() <= 90.0)
    }) {
        return Err(StoreError::invalid(
            "track",
            format!("line {line} has a point that is not a WGS-84 lon/lat"),
        ));
    }
    Ok(())
}

pub(crate) fn load_segments(conn: &rusqlite::Connection) -> Result<Vec<StreetSegment>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, lon1, lat1, lon2, lat2, length_m, name FROM street_segments ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StreetSegment {
            id: r.get(0)?,
            segment: Segment {
                a: [r.get(1)?, r.get(2)?],
                b: [r.get(3)?, r.get(4)?],
                length_m: r.get(5)?,
            },
            name: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn insert_matches(
    tx: &rusqlite::Transaction<'_>,
    track_id: i64,
    index: &sweep::SegmentIndex,
    segments: &[StreetSegment],
    points: &[LonLat],
) -> Result<(usize, f64), StoreError> {
    let matched = index.swept_by(points);
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO swept_segments (track_id, segment_id) VALUES (?1, ?2)",
    )?;
    let mut swept_m = 0.0;
    for &i in &matched {
        ins.execute(params![track_id, segments[i].id])?;
        swept_m += segments[i].segment.length_m;
    }
    Ok((matched.len(), swept_m))
}

impl Workspace {
    /// Street metres per cell: `cell id → metres` (segments outside every cell left out),
    /// summed afresh (coverage reads the per-cell total cached at placement).
    pub fn street_m_by_cell(&self) -> Result<std::collections::HashMap<String, f64>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT cell_id, SUM(length_m) FROM street_segments WHERE cell_id IS NOT NULL GROUP BY cell_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Swept street metres per cell for tracks with `from <= at < to`, and the latest
    /// such track in the cell: `cell id → (metres, time)`.
    pub fn swept_by_cell(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<std::collections::HashMap<String, (f64, NaiveDateTime)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT g.cell_id, SUM(g.length_m), MAX(m.last) FROM street_segments g
             JOIN (SELECT s.segment_id AS segment_id, MAX(t.at) AS last
                   FROM swept_segments s JOIN swept_tracks t ON t.id = s.track_id
                   WHERE t.at >= ?1 AND t.at < ?2 GROUP BY s.segment_id) m ON m.segment_id = g.id
             WHERE g.cell_id IS NOT NULL GROUP BY g.cell_id",
        )?;
        let rows = super::map_rows(&mut stmt, [time_text(from), time_text(to)], |r| {
            let last = super::parse_time_text(&r.get::<_, String>(2)?)?;
            Ok((r.get(0)?, (r.get(1)?, last)))
        })?;
        Ok(rows.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::open(&dir.path().join("w.sqlite")).unwrap();
        let street = (
            Some("学院路".to_string()),
            line(&[(116.350, 39.960), (116.352, 39.960)]),
        );
        ws.replace_streets(&[street]).unwrap();
        (dir, ws)
    }

    /// `(lon, lat)` pairs as a line.
    fn line(points: &[(f64, f64)]) -> Vec<LonLat> {
        points
            .iter()
            .map(|&(lon, lat)| LonLat::new(lon, lat))
            .collect()
    }

    fn count(ws: &Workspace, table: &str) -> i64 {
        ws.conn()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_bad_line_after_a_good_one_stores_nothing() {
        let (_dir, mut ws) = workspace();
        let at = crate::store::parse_when("2025-03-01 09:00").unwrap();
        let good = line(&[(116.350, 39.960), (116.352, 39.960)]);
        let err = ws
            .record_tracks(
                "T1",
                at,
                "route:r.geojson",
                &[good.clone(), line(&[(116.35, 39.96)])],
            )
            .unwrap_err();
        assert!(err.to_string().contains("line 1 has 1 points"), "{err}");
        let err = ws
            .record_tracks(
                "T1",
                at,
                "route:r.geojson",
                &[good.clone(), line(&[(116.35, 39.96), (f64::NAN, 1.0)])],
            )
            .unwrap_err();
        assert!(err.to_string().contains("line 1 has a point"), "{err}");
        assert_eq!(
            (count(&ws, "swept_tracks"), count(&ws, "swept_segments")),
            (0, 0)
        );
        let both = ws
            .record_tracks("T1", at, "route:r.geojson", &[good.clone(), good])
            .unwrap();
        assert_eq!(both.len(), 2);
        assert!(both[0].swept_segments > 0);
        assert_eq!(count(&ws, "swept_tracks"), 2);
    }

    #[test]
    fn the_time_zone_defaults_to_shanghai_and_is_kept() {
        let (_dir, mut ws) = workspace();
        assert_eq!(ws.time_zone().unwrap().name(), "Asia/Shanghai");
        ws.set_time_zone(&Zone::parse("Asia/Urumqi").unwrap())
            .unwrap();
        assert_eq!(ws.time_zone().unwrap().offset_s(), 6 * 3600);
    }

    #[test]
    fn now_is_the_townships_clock_not_the_computers() {
        let (_dir, mut ws) = workspace();
        ws.set_time_zone(&Zone::parse("UTC").unwrap()).unwrap();
        let utc = chrono::Utc::now().naive_utc();
        let now = ws.now().unwrap();
        assert!((now - utc).num_seconds().abs() < 60, "{now} vs UTC {utc}");
        ws.set_time_zone(&Zone::parse("Asia/Urumqi").unwrap())
            .unwrap();
        let later = ws.now().unwrap();
        let hours = (later - utc).num_minutes() as f64 / 60.0;
        assert!((hours - 6.0).abs() < 0.1, "Urumqi is UTC+6, got {hours} h");
        // Records are checked against the township's clock: an inspection an hour
        // ahead of UTC is in the past in Urumqi.
        assert!(super::township_now(ws.conn()).unwrap() > utc + chrono::Duration::hours(5));
    }
}
