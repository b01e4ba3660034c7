//! Writes a client may send twice: each carries a key of the client's choosing
//! (`Idempotency-Key`), kept with a hash of the request and the answer given. The
//! same key again gives back the first answer and writes nothing; the same key with
//! another request is refused. The key is stored in the same transaction as the
//! write, so a crash leaves both or neither.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

use super::inspections::record_tx;
use super::{Actor, Inspection, InspectionInput, StoreError, Workspace};

/// The table of keys (migration 4).
pub(crate) const TABLE: &str = r#"
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
    answer TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key));
"#;

/// A client's key for one write: whose it is (`scope`, such as the user), the key,
/// and a hash of the request it came with.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyKey<'a> {
    /// Whose key it is (such as the user name): keys of different scopes never collide.
    pub scope: &'a str,
    /// The client's key, as sent.
    pub key: &'a str,
    /// A hash of the request: the same key sent with another request is refused.
    pub request_hash: &'a str,
}

/// What a keyed write did.
#[derive(Debug, Clone, PartialEq)]
pub enum Once<T> {
    /// Written now; the answer was kept under the key.
    Written(T),
    /// The key was seen with the same request: nothing written, the first answer.
    Replayed(String),
    /// The key was seen with another request: nothing written.
    KeyReused,
}

/// One inspection of a batch, with the client's key when it sent one.
#[derive(Debug, Clone, Copy)]
pub struct KeyedInspection<'a> {
    /// The client's key, when it sent one.
    pub key: Option<IdempotencyKey<'a>>,
    /// The inspection.
    pub input: &'a InspectionInput,
    /// Who records it, for the audit log; `None`: the workspace's actor.
    pub actor: Option<&'a Actor>,
}

/// How long a key is kept: longer than a field device may sit offline holding an
/// unsent record, so a late resend is still recognised.
pub const KEY_KEPT_DAYS: i64 = 90;

impl Workspace {
    /// Forgets keys older than `KEY_KEPT_DAYS` (90) (the table would otherwise grow with
    /// every keyed write); gives how many were forgotten.
    pub fn prune_idempotency_keys(&mut self) -> Result<usize, StoreError> {
        let cutoff = (Utc::now() - chrono::Duration::days(KEY_KEPT_DAYS)).to_rfc3339();
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM idempotency_keys WHERE created_at < ?1",
                [cutoff],
            )?)
        })
    }

    /// Records an inspection once per key; `answer` gives what to answer for it
    /// (kept for a repeat of the same key).
    pub fn record_inspection_once(
        &mut self,
        key: IdempotencyKey<'_>,
        input: &InspectionInput,
        answer: impl Fn(&Inspection) -> String,
    ) -> Result<Once<Inspection>, StoreError> {
        let item = KeyedInspection {
            key: Some(key),
            input,
            actor: None,
        };
        self.record_inspections_keyed(&[item], answer)?
            .pop()
            .unwrap_or_else(|| Err(StoreError::invalid("inspection", "none recorded")))
    }

    /// Records a batch of inspections in one transaction (one commit for many
    /// writers), each on its own: one that fails (an unknown site) is left out and
    /// its error answered, the others are kept. Keyed ones are written once per key.
    pub fn record_inspections_keyed(
        &mut self,
        items: &[KeyedInspection<'_>],
        answer: impl Fn(&Inspection) -> String,
    ) -> Result<Vec<Result<Once<Inspection>, StoreError>>, StoreError> {
        let own = self.actor().clone();
        self.write(|tx| {
            items
                .iter()
                .map(|item| {
                    tx.execute_batch("SAVEPOINT one_inspection")?;
                    let done = record_keyed(tx, item, item.actor.unwrap_or(&own), &answer);
                    tx.execute_batch(if done.is_ok() {
                        "RELEASE one_inspection"
                    } else {
                        "ROLLBACK TO one_inspection; RELEASE one_inspection"
                    })?;
                    Ok(done)
                })
                .collect()
        })
    }
}

fn record_keyed(
    tx: &Transaction<'_>,
    item: &KeyedInspection<'_>,
    actor: &Actor,
    answer: &impl Fn(&Inspection) -> String,
) -> Result<Once<Inspection>, StoreError> {
    if item.input.team_id.trim().is_empty() {
        return Err(StoreError::invalid("team", "is empty"));
    }
    match item.key {
        None => Ok(Once::Written(record_tx(tx, item.input, actor)?)),
        Some(key) => once(tx, key, || {
            let inspection = record_tx(tx, item.input, actor)?;
            Ok((answer(&inspection), inspection))
        }),
    }
}

/// Runs `write` unless `key` was seen; keeps its answer under the key.
fn once<T>(
    tx: &Transaction<'_>,
    key: IdempotencyKey<'_>,
    write: impl FnOnce() -> Result<(String, T), StoreError>,
) -> Result<Once<T>, StoreError> {
    let seen: Option<(String, String)> = tx
        .query_row(
            "SELECT request_hash, answer FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
            [key.scope, key.key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match seen {
        Some((hash, answer)) if hash == key.request_hash => return Ok(Once::Replayed(answer)),
        Some(_) => return Ok(Once::KeyReused),
        None => {}
    }
    let (answer, written) = write()?;
    tx.execute(
        "INSERT INTO idempotency_keys (scope, key, request_hash, answer, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key.scope, key.key, key.request_hash, answer, Utc::now().to_rfc3339()],
    )?;
    Ok(Once::Written(written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::InspectionResult;

    #[test]
    fn a_key_writes_once_and_answers_the_first_answer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.sqlite");
        let mut ws = Workspace::open(&path).unwrap();
        let site = crate::model::Institution {
            id: "S1".into(),
            name: "培训机构".into(),
            kind: crate::model::InstitutionKind::Training,
            subject: None,
            licence: crate::model::Licence::Licensed,
            address: None,
            location: crate::Wgs84Point::new(116.35, 39.96),
            open_hours: None,
            complaints: 0,
            last_inspected: None,
            synthetic: true,
        };
        ws.import_institutions(&[site]).unwrap();
        let input = InspectionInput {
            site_id: "S1".into(),
            at: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            team_id: "A".into(),
            result: InspectionResult::Compliant,
            notes: None,
            rectify_by: None,
            close: false,
            lookback_days: None,
            evidence: None,
        };
        let key = IdempotencyKey {
            scope: "li",
            key: "k1",
            request_hash: "h1",
        };
        let first = ws
            .record_inspection_once(key, &input, |i| format!("id {}", i.id))
            .unwrap();
        let Once::Written(inspection) = first else {
            panic!("the first use writes: {first:?}")
        };
        // Again, even after reopening the file: the first answer, nothing written.
        drop(ws);
        let mut ws = Workspace::open_existing(&path).unwrap();
        assert_eq!(
            ws.record_inspection_once(key, &input, |_| "second".into())
                .unwrap(),
            Once::Replayed(format!("id {}", inspection.id))
        );
        let other_request = IdempotencyKey {
            request_hash: "h2",
            ..key
        };
        assert_eq!(
            ws.record_inspection_once(other_request, &input, |_| String::new())
                .unwrap(),
            Once::KeyReused
        );
        // Another user's key of the same text is their own.
        let other_user = IdempotencyKey {
            scope: "wang",
            ..key
        };
        assert!(matches!(
            ws.record_inspection_once(other_user, &input, |_| String::new())
                .unwrap(),
            Once::Written(_)
        ));
        assert_eq!(ws.counts().unwrap().inspections, 2);

        // A batch: the bad item is left out alone; a key twice in one batch, once.
        let unknown = InspectionInput {
            site_id: "NOPE".into(),
            ..input.clone()
        };
        let fresh = IdempotencyKey { key: "k2", ..key };
        let items = [
            KeyedInspection {
                key: None,
                input: &input,
                actor: None,
            },
            KeyedInspection {
                key: None,
                input: &unknown,
                actor: None,
            },
            KeyedInspection {
                key: Some(fresh),
                input: &input,
                actor: None,
            },
            KeyedInspection {
                key: Some(fresh),
                input: &input,
                actor: None,
            },
        ];
        let done = ws.record_inspections_keyed(&items, |_| "a".into()).unwrap();
        assert!(matches!(done[0], Ok(Once::Written(_))));
        assert!(matches!(done[1], Err(StoreError::UnknownSite(_))));
        assert!(matches!(done[2], Ok(Once::Written(_))));
        assert_eq!(done[3].as_ref().unwrap(), &Once::Replayed("a".into()));
        assert_eq!(ws.counts().unwrap().inspections, 4);

        // Keys past their keeping time are forgotten; recent ones stay.
        let old = (Utc::now() - chrono::Duration::days(KEY_KEPT_DAYS + 1)).to_rfc3339();
        ws.conn()
            .execute(
                "UPDATE idempotency_keys SET created_at = ?1 WHERE key = 'k1'",
                [old],
            )
            .unwrap();
        assert_eq!(
            ws.prune_idempotency_keys().unwrap(),
            2,
            "li's and wang's k1"
        );
        assert_eq!(ws.prune_idempotency_keys().unwrap(), 0);
        assert!(matches!(
            ws.record_inspection_once(fresh, &input, |_| String::new())
                .unwrap(),
            Once::Replayed(_)
        ));
    }
}
