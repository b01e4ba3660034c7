//! The evidence an inspector records in the field beside an inspection: the checklist's
//! findings, the outcome (合规, 责令整改, 关停/取缔, 移交, 未找到), the officers present, the
//! position, the site representative, a signature, and photos kept by their SHA-256 in
//! the workspace itself (so a backup carries them).

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::audit;
use super::inspections::{FollowUp, Inspection, InspectionResult};
use super::{map_rows, parse_date_text, parse_time_text, time_text, StoreError, Workspace};
use crate::model::InstitutionKind;

/// Migration 9: evidence of inspections, photos (content-addressed, linked to
/// inspections and proposals) and 摸排 proposals of new sites.
pub(crate) const FIELD_EVIDENCE: &str = r#"
CREATE TABLE inspection_evidence (
    inspection_id INTEGER PRIMARY KEY REFERENCES inspections(id),
    findings TEXT NOT NULL DEFAULT '[]',
    outcome TEXT,
    rectify_by TEXT,
    refer_to TEXT,
    officers TEXT NOT NULL DEFAULT '[]',
    position TEXT,
    representative TEXT,
    signature BLOB);
CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE inspection_photos (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    sha256 TEXT NOT NULL REFERENCES photos(sha256),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (inspection_id, sha256));
CREATE INDEX inspection_photos_sha ON inspection_photos(sha256);
CREATE TABLE site_proposals (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT,
    kind TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    notes TEXT,
    proposed_by TEXT NOT NULL,
    team_id TEXT,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'merged', 'rejected')),
    decided_by TEXT,
    decided_at TEXT,
    site_id TEXT,
    reason TEXT);
CREATE INDEX site_proposals_state ON site_proposals(state);
CREATE TABLE proposal_photos (
    proposal_id INTEGER NOT NULL REFERENCES site_proposals(id),
    sha256 TEXT NOT NULL REFERENCES photos(sha256),
    PRIMARY KEY (proposal_id, sha256));
CREATE INDEX proposal_photos_sha ON proposal_photos(sha256);
"#;

/// Largest photo kept, in bytes (the page shrinks photos to ≤ 1600 px JPEG first).
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// Most photos one inspection (or one proposal) keeps.
pub const MAX_PHOTOS: usize = 10;
/// Largest signature kept, in bytes of PNG.
pub const MAX_SIGNATURE_BYTES: usize = 150 * 1024;
/// Fewest officers present at an inspection (执法人员不少于两人).
pub const MIN_OFFICERS: usize = 2;

/// Where the inspector stood, from the phone's GPS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// The fix's accuracy radius, metres.
    pub accuracy_m: f64,
    /// When the fix was taken, township local time (`YYYY-MM-DDTHH:MM:SS`).
    pub at: Option<String>,
}

/// The evidence of one inspection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidence {
    /// Checklist codes found wrong (from the rules' `findings` of the site's kind).
    pub findings: Vec<String>,
    /// The outcome's code (from the rules' `outcomes`).
    pub outcome: Option<String>,
    /// 整改 deadline; filled from the rules when the outcome is `rectify` and none given.
    pub rectify_by: Option<NaiveDate>,
    /// The authority the case is handed to (移交: 市场监管, 消防, 公安, 卫健…).
    pub refer_to: Option<String>,
    /// The officers present (at least [`MIN_OFFICERS`] when any are named).
    pub officers: Vec<String>,
    /// The GPS position.
    pub position: Option<Position>,
    /// The site representative's name.
    pub representative: Option<String>,
    /// The representative's signature, PNG bytes.
    pub signature: Option<Vec<u8>>,
}

/// A photo's hash and type, as listed with its inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoRef {
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// `image/jpeg` or `image/png`.
    pub content_type: String,
}

/// A stored photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// `image/jpeg` or `image/png`.
    pub content_type: String,
    /// The image.
    pub bytes: Vec<u8>,
}

/// An inspection with everything recorded for it.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionRecord {
    /// The inspection.
    pub inspection: Inspection,
    /// The site's name and address (`None` when the site is gone from the workspace).
    pub site: Option<(String, Option<String>)>,
    /// When it reached the workspace.
    pub recorded_at: NaiveDateTime,
    /// Its evidence (empty for a record made without any).
    pub evidence: Evidence,
    /// Its photos, in the order added.
    pub photos: Vec<PhotoRef>,
    /// The follow-ups it raised.
    pub follow_ups: Vec<FollowUp>,
}

/// What an outcome does to the inspection's result and whether it orders a closure.
/// Outcomes a county adds to the rules have no effect of their own: `result` decides.
pub fn outcome_effect(
    outcome: &str,
    given: Option<InspectionResult>,
    has_findings: bool,
) -> Result<(InspectionResult, bool), StoreError> {
    use InspectionResult::*;
    let fits = |allowed: &[InspectionResult], default: InspectionResult| match given {
        None => Ok(default),
        Some(r) if allowed.contains(&r) => Ok(r),
        Some(r) => Err(StoreError::invalid(
            "result",
            format!("`{}` does not fit the outcome `{outcome}`", r.as_str()),
        )),
    };
    let found = if has_findings { Hazard } else { Compliant };
    match outcome {
        "compliant" => Ok((fits(&[Compliant, Closed], Compliant)?, false)),
        "rectify" => Ok((fits(&[Hazard, UnlicensedOperation], Hazard)?, false)),
        "close" => Ok((
            fits(&[Hazard, UnlicensedOperation], UnlicensedOperation)?,
            true,
        )),
        "refer" => Ok((
            fits(&[Compliant, Hazard, UnlicensedOperation], found)?,
            false,
        )),
        "not_found" => Ok((fits(&[NotFound, Closed], NotFound)?, false)),
        _ => given.map(|r| (r, false)).ok_or_else(|| {
            StoreError::invalid(
                "outcome",
                format!(
                    "`{outcome}` is not one of compliant, rectify, close, refer, not_found \
                     (an outcome of the township's own rules needs `result` beside it)"
                ),
            )
        }),
    }
}

/// Checks `e` against the rules for a site of `kind`: known checklist codes and
/// outcome, two officers, a position on Earth, a PNG signature of bounded size.
pub(crate) fn check_evidence(
    tx: &Transaction<'_>,
    e: &Evidence,
    kind: InstitutionKind,
) -> Result<(), StoreError> {
    let rules = super::rules::rules_in(tx)?;
    let list = rules.findings.for_kind(kind);
    let known = |code: &str| {
        list.iter()
            .chain(list.iter().flat_map(|f| &f.items))
            .any(|f| f.code == code)
    };
    let kind_name = super::sites::kind_text(kind);
    if let Some(bad) = e.findings.iter().find(|c| !known(c)) {
        return Err(StoreError::invalid(
            "findings",
            format!("`{bad}` is not on the {kind_name} checklist (rules findings.{kind_name})"),
        ));
    }
    if let Some(outcome) = &e.outcome {
        if !rules.outcomes.iter().any(|o| &o.code == outcome) {
            let codes: Vec<&str> = rules.outcomes.iter().map(|o| o.code.as_str()).collect();
            return Err(StoreError::invalid(
                "outcome",
                format!("`{outcome}` is not one of {}", codes.join(", ")),
            ));
        }
    }
    if e.outcome.as_deref() == Some("refer") && e.refer_to.is_none() {
        return Err(StoreError::invalid(
            "refer_to",
            "needed with the outcome refer (市场监管, 消防, 公安, 卫健…)",
        ));
    }
    let named = e.officers.iter().filter(|o| !o.trim().is_empty()).count();
    if !e.officers.is_empty() && named < MIN_OFFICERS {
        return Err(StoreError::invalid(
            "officers",
            format!("at least {MIN_OFFICERS} officers must be named"),
        ));
    }
    if let Some(p) = &e.position {
        let on_earth = (-180.0..=180.0).contains(&p.lon) && (-90.0..=90.0).contains(&p.lat);
        if !(on_earth && p.accuracy_m.is_finite() && p.accuracy_m >= 0.0) {
            return Err(StoreError::invalid(
                "position",
                "lon -180..180, lat -90..90 and accuracy_m ≥ 0 are needed",
            ));
        }
        if let Some(at) = &p.at {
            parse_time_text(at).map_err(|_| {
                StoreError::invalid("position.at", format!("`{at}` is not YYYY-MM-DDTHH:MM:SS"))
            })?;
        }
    }
    if let Some(sig) = &e.signature {
        if sig.len() > MAX_SIGNATURE_BYTES || image_type(sig) != Some("image/png") {
            return Err(StoreError::invalid(
                "signature",
                format!(
                    "a PNG of at most {} KB is needed",
                    MAX_SIGNATURE_BYTES / 1024
                ),
            ));
        }
    }
    Ok(())
}

/// Stores `e` for inspection `id`; the 整改 deadline kept is the one its follow-up got.
pub(crate) fn store_evidence(
    tx: &Transaction<'_>,
    id: i64,
    e: &Evidence,
) -> Result<(), StoreError> {
    let due: Option<String> = tx
        .query_row(
            "SELECT due FROM follow_ups WHERE inspection_id = ?1 AND kind = 'rectification'",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let rectify_by = e.rectify_by.map(|d| d.to_string()).or(due);
    tx.execute(
        "INSERT INTO inspection_evidence (inspection_id, findings, outcome, rectify_by, refer_to,
            officers, position, representative, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            json(&e.findings),
            e.outcome,
            rectify_by,
            e.refer_to,
            json(&e.officers),
            e.position.as_ref().map(json),
            e.representative,
            e.signature
        ],
    )?;
    Ok(())
}

/// A stored JSON column's text (plain data always serialises).
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `image/jpeg` or `image/png` when `bytes` start like one.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Checks a photo's bytes against `content_type` and the size limit; gives its hash.
pub(crate) fn check_photo(bytes: &[u8], content_type: &str) -> Result<String, StoreError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(StoreError::TooLarge(format!(
            "a photo may have at most {} MB",
            MAX_PHOTO_BYTES / (1024 * 1024)
        )));
    }
    match image_type(bytes) {
        Some(t) if t == content_type => Ok(sha256_hex(bytes)),
        _ => Err(StoreError::invalid(
            "photo",
            format!("the body is not a {content_type} image (JPEG or PNG only)"),
        )),
    }
}

/// Keeps `bytes` once under their hash.
pub(crate) fn keep_photo(
    tx: &Transaction<'_>,
    sha: &str,
    bytes: &[u8],
    content_type: &str,
) -> Result<(), StoreError> {
    let now = time_text(super::tracks::township_now(tx)?);
    tx.execute(
        "INSERT OR IGNORE INTO photos (sha256, content_type, bytes, size, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![sha, content_type, bytes, bytes.len() as i64, now],
    )?;
    Ok(())
}

/// Refuses a new photo past [`MAX_PHOTOS`] of `table`'s `owner` (`seen`: already linked).
pub(crate) fn check_count(count: i64, seen: bool) -> Result<(), StoreError> {
    if !seen && count >= MAX_PHOTOS as i64 {
        return Err(StoreError::invalid(
            "photos",
            format!("at most {MAX_PHOTOS} photos per record"),
        ));
    }
    Ok(())
}

/// Whether record `id` already has photo `sha` in `table` (whose record column is
/// `owner`); refuses a new photo past [`MAX_PHOTOS`]. Both names are this module's
/// constants, never input.
pub(crate) fn photo_seen(
    tx: &Transaction<'_>,
    table: &str,
    owner: &str,
    id: i64,
    sha: &str,
) -> Result<bool, StoreError> {
    let seen: bool = tx.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {owner} = ?1 AND sha256 = ?2)"),
        params![id, sha],
        |r| r.get(0),
    )?;
    let count: i64 = tx.query_row(
        &format!("SELECT COUNT(*) FROM {table} WHERE {owner} = ?1"),
        [id],
        |r| r.get(0),
    )?;
    check_count(count, seen)?;
    Ok(seen)
}

impl Workspace {
    /// Adds a photo to inspection `id`: the same bytes again are kept once (and
    /// answered with the same hash); at most [`MAX_PHOTOS`] per inspection and
    /// [`MAX_PHOTO_BYTES`] each. Gives the SHA-256.
    pub fn add_inspection_photo(
        &mut self,
        id: i64,
        bytes: &[u8],
        content_type: &str,
    ) -> Result<String, StoreError> {
        let sha = check_photo(bytes, content_type)?;
        let actor = self.actor().clone();
        self.write(|tx| {
            inspection_exists(tx, id)?;
            let seen = photo_seen(tx, "inspection_photos", "inspection_id", id, &sha)?;
            if !seen {
                keep_photo(tx, &sha, bytes, content_type)?;
                let now = time_text(super::tracks::township_now(tx)?);
                tx.execute(
                    "INSERT INTO inspection_photos (inspection_id, sha256, added_by, added_at) VALUES (?1, ?2, ?3, ?4)",
                    params![id, sha, actor.name, now],
                )?;
                let detail = format!("photo {sha} ({} bytes)", bytes.len());
                audit::record(tx, &actor, "inspection_photo", &id.to_string(), &detail)?;
            }
            Ok(sha.clone())
        })
    }

    /// A stored photo by its hash.
    pub fn photo(&self, sha256: &str) -> Result<Option<Photo>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT content_type, bytes FROM photos WHERE sha256 = ?1",
                [sha256],
                |r| {
                    Ok(Photo {
                        content_type: r.get(0)?,
                        bytes: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// The teams whose inspections hold the photo, and the users whose proposals do:
    /// who besides a lead may see it.
    pub fn photo_holders(&self, sha256: &str) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT i.team_id FROM inspection_photos p JOIN inspections i ON i.id = p.inspection_id
             WHERE p.sha256 = ?1",
        )?;
        let teams = map_rows(&mut stmt, [sha256], |r| Ok(r.get(0)?))?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT s.proposed_by FROM proposal_photos p JOIN site_proposals s ON s.id = p.proposal_id
             WHERE p.sha256 = ?1",
        )?;
        let proposers = map_rows(&mut stmt, [sha256], |r| Ok(r.get(0)?))?;
        Ok((teams, proposers))
    }

    /// One inspection with its evidence, photos and follow-ups; `None` when unknown.
    pub fn inspection_record(&self, id: i64) -> Result<Option<InspectionRecord>, StoreError> {
        let mut records = self.inspection_records("i.id = ?1", [id])?;
        Ok(records.pop())
    }

    /// Every inspection of site `site_id` with its evidence, photos and follow-ups,
    /// oldest first: the site's dossier (一家一册).
    pub fn site_records(&self, site_id: &str) -> Result<Vec<InspectionRecord>, StoreError> {
        self.inspection_records("i.site_id = ?1", [site_id])
    }

    fn inspection_records(
        &self,
        filter: &str,
        arg: impl rusqlite::Params + Copy,
    ) -> Result<Vec<InspectionRecord>, StoreError> {
        let sql = format!(
            "SELECT i.id, i.site_id, i.at, i.team_id, i.result, i.notes, i.recorded_at,
                    e.findings, e.outcome, e.rectify_by, e.refer_to, e.officers, e.position,
                    e.representative, e.signature, s.name, s.address
             FROM inspections i LEFT JOIN inspection_evidence e ON e.inspection_id = i.id
             LEFT JOIN sites s ON s.id = i.site_id
             WHERE {filter} ORDER BY i.at, i.id"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut records = map_rows(&mut stmt, arg, record_row)?;
        let mut photos = self.conn().prepare_cached(
            "SELECT p.sha256, f.content_type FROM inspection_photos p JOIN photos f ON f.sha256 = p.sha256
             WHERE p.inspection_id = ?1 ORDER BY p.added_at, p.rowid",
        )?;
        let mut follow = self
            .conn()
            .prepare_cached("SELECT id FROM follow_ups WHERE inspection_id = ?1 ORDER BY id")?;
        for record in &mut records {
            let id = record.inspection.id;
            record.photos = map_rows(&mut photos, [id], |r| {
                Ok(PhotoRef {
                    sha256: r.get(0)?,
                    content_type: r.get(1)?,
                })
            })?;
            let ids: Vec<i64> = map_rows(&mut follow, [id], |r| Ok(r.get(0)?))?;
            if !ids.is_empty() {
                let site = record.inspection.site_id.clone();
                record.follow_ups = self
                    .follow_ups(Some(&site))?
                    .into_iter()
                    .filter(|f| f.inspection_id == id)
                    .collect();
            }
        }
        Ok(records)
    }
}

fn json_column<T: serde::de::DeserializeOwned>(
    what: &str,
    text: Option<String>,
) -> Result<Option<T>, StoreError> {
    text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::corrupt(what, e)))
        .transpose()
}

fn record_row(r: &rusqlite::Row<'_>) -> Result<InspectionRecord, StoreError> {
    let inspection = Inspection {
        id: r.get(0)?,
        site_id: r.get(1)?,
        at: parse_time_text(&r.get::<_, String>(2)?)?,
        team_id: r.get(3)?,
        result: r.get::<_, String>(4)?.parse()?,
        notes: r.get(5)?,
    };
    let evidence = Evidence {
        findings: json_column("inspection_evidence.findings", r.get(7)?)?.unwrap_or_default(),
        outcome: r.get(8)?,
        rectify_by: r
            .get::<_, Option<String>>(9)?
            .as_deref()
            .map(parse_date_text)
            .transpose()?,
        refer_to: r.get(10)?,
        officers: json_column("inspection_evidence.officers", r.get(11)?)?.unwrap_or_default(),
        position: json_column("inspection_evidence.position", r.get(12)?)?,
        representative: r.get(13)?,
        signature: r.get(14)?,
    };
    let site = r
        .get::<_, Option<String>>(15)?
        .map(|name| Ok::<_, StoreError>((name, r.get(16)?)))
        .transpose()?;
    Ok(InspectionRecord {
        inspection,
        site,
        recorded_at: parse_time_text(&r.get::<_, String>(6)?)?,
        evidence,
        photos: Vec::new(),
        follow_ups: Vec::new(),
    })
}

fn inspection_exists(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    let known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM inspections WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if !known {
        return Err(StoreError::NotFound(format!("inspection {id}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites::tests::small_township;
    use crate::store::{FollowUpKind, InspectionInput};

    fn ws() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        ws
    }

    fn input(evidence: Evidence) -> InspectionInput {
        InspectionInput {
            site_id: "S1".into(),
            at: crate::store::parse_when("2025-03-01 10:00").unwrap(),
            team_id: "T1".into(),
            result: InspectionResult::Hazard,
            notes: None,
            rectify_by: None,
            close: false,
            lookback_days: None,
            evidence: Some(evidence),
        }
    }

    fn evidence() -> Evidence {
        Evidence {
            findings: vec!["fees".into()],
            outcome: Some("rectify".into()),
            officers: vec!["王军".into(), "李红".into()],
            position: Some(Position {
                lon: 116.35,
                lat: 39.96,
                accuracy_m: 8.5,
                at: Some("2025-03-01T09:58:00".into()),
            }),
            representative: Some("张老板".into()),
            ..Evidence::default()
        }
    }

    #[test]
    fn evidence_round_trips_and_takes_the_rules_deadline() {
        let mut ws = ws();
        let mut e = evidence();
        e.signature = Some(b"\x89PNG\r\n\x1a\nrest".to_vec());
        let i = ws.record_inspection(&input(e.clone())).unwrap();
        let record = ws.inspection_record(i.id).unwrap().unwrap();
        let due = NaiveDate::from_ymd_opt(2025, 3, 15);
        assert_eq!(
            record.evidence,
            Evidence {
                rectify_by: due,
                ..e
            }
        );
        assert_eq!(record.follow_ups[0].kind, FollowUpKind::Rectification);
        assert_eq!(record.follow_ups[0].due, due);
        assert_eq!(ws.site_records("S1").unwrap().len(), 1);
        assert_eq!(record.site, Some(("机构 S1".to_string(), None)));
        assert!(ws.inspection_record(i.id + 1).unwrap().is_none());
    }

    #[test]
    fn evidence_is_checked_against_the_rules() {
        let bad = |e: Evidence| ws().record_inspection(&input(e)).unwrap_err().to_string();
        let err = bad(Evidence {
            findings: vec!["no_such_code".into()],
            ..Evidence::default()
        });
        assert!(err.contains("`no_such_code` is not on the"), "{err}");
        let err = bad(Evidence {
            outcome: Some("shrug".into()),
            ..Evidence::default()
        });
        assert!(err.contains("`shrug` is not one of compliant"), "{err}");
        let err = bad(Evidence {
            officers: vec!["王军".into()],
            ..Evidence::default()
        });
        assert!(err.contains("at least 2 officers"), "{err}");
        let err = bad(Evidence {
            signature: Some(b"GIF89a".to_vec()),
            ..Evidence::default()
        });
        assert!(err.contains("signature"), "{err}");
        let err = bad(Evidence {
            outcome: Some("refer".into()),
            ..Evidence::default()
        });
        assert!(err.contains("refer_to: needed"), "{err}");
        let mut ws = ws();
        ws.record_inspection(&input(Evidence::default())).unwrap();
    }

    #[test]
    fn outcomes_decide_the_result() {
        use InspectionResult::*;
        assert_eq!(
            outcome_effect("rectify", None, true).unwrap(),
            (Hazard, false)
        );
        assert_eq!(
            outcome_effect("close", None, true).unwrap(),
            (UnlicensedOperation, true)
        );
        assert_eq!(
            outcome_effect("refer", None, false).unwrap(),
            (Compliant, false)
        );
        assert_eq!(
            outcome_effect("refer", None, true).unwrap(),
            (Hazard, false)
        );
        assert_eq!(
            outcome_effect("not_found", None, false).unwrap(),
            (NotFound, false)
        );
        assert!(outcome_effect("compliant", Some(Hazard), false).is_err());
        assert!(outcome_effect("county_own", None, false).is_err());
        assert_eq!(
            outcome_effect("county_own", Some(Closed), false).unwrap(),
            (Closed, false)
        );
    }

    fn jpeg(n: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
        b.extend(std::iter::repeat_n(n, 100));
        b
    }

    #[test]
    fn photos_are_kept_once_and_limited() {
        let mut ws = ws();
        let i = ws.record_inspection(&input(evidence_plain())).unwrap();
        let sha = ws
            .add_inspection_photo(i.id, &jpeg(1), "image/jpeg")
            .unwrap();
        assert_eq!(sha, sha256_hex(&jpeg(1)));
        assert_eq!(
            ws.add_inspection_photo(i.id, &jpeg(1), "image/jpeg")
                .unwrap(),
            sha
        );
        let stored: i64 = ws
            .conn()
            .query_row("SELECT COUNT(*) FROM photos", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 1);
        assert_eq!(ws.photo(&sha).unwrap().unwrap().bytes, jpeg(1));
        assert_eq!(ws.photo_holders(&sha).unwrap().0, vec!["T1".to_string()]);
        // A PNG sent as JPEG, a text, an unknown inspection, a photo too large.
        assert!(ws
            .add_inspection_photo(i.id, b"\x89PNG\r\n\x1a\n", "image/jpeg")
            .is_err());
        assert!(ws
            .add_inspection_photo(i.id, b"hello", "image/jpeg")
            .is_err());
        assert!(matches!(
            ws.add_inspection_photo(i.id + 9, &jpeg(2), "image/jpeg"),
            Err(StoreError::NotFound(_))
        ));
        let mut big = jpeg(3);
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert!(matches!(
            ws.add_inspection_photo(i.id, &big, "image/jpeg"),
            Err(StoreError::TooLarge(_))
        ));
        for n in 2..=MAX_PHOTOS as u8 {
            ws.add_inspection_photo(i.id, &jpeg(n), "image/jpeg")
                .unwrap();
        }
        let err = ws
            .add_inspection_photo(i.id, &jpeg(99), "image/jpeg")
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 10 photos"), "{err}");
        // One already kept is answered again at the limit.
        assert_eq!(
            ws.add_inspection_photo(i.id, &jpeg(1), "image/jpeg")
                .unwrap(),
            sha
        );
        let record = ws.inspection_record(i.id).unwrap().unwrap();
        assert_eq!(record.photos.len(), MAX_PHOTOS);
        assert_eq!(record.photos[0].sha256, sha);
    }

    fn evidence_plain() -> Evidence {
        Evidence {
            officers: vec!["王军".into(), "李红".into()],
            ..Evidence::default()
        }
    }
}
