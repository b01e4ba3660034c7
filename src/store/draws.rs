//! The 双随机 draw log: append-only, each entry chained to the previous by SHA-256.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{StoreError, Workspace};
use crate::hash_chain::{chain_hash, GENESIS_HASH};

/// One entry of the draw log.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DrawLogEntry {
    /// The entry's position in the log, from 1.
    pub seq: i64,
    /// The draw as canonical JSON (what the hash covers).
    pub body: String,
    /// The previous entry's hash ([`GENESIS_HASH`](crate::hash_chain::GENESIS_HASH) for the first).
    pub prev_hash: String,
    /// `SHA-256(prev_hash ‖ body)` in lower-case hex.
    pub hash: String,
}

/// The `at` of a logged draw body.
fn draw_time(body: &str) -> Result<String, StoreError> {
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|e| StoreError::invalid("draw", e.to_string()))?;
    Ok(v.get("at")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string())
}

impl Workspace {
    /// Appends a draw (canonical JSON) to the log, chaining it to the last entry and
    /// numbering it next. A draw timed before the last one is refused: the log's times
    /// never go backwards, so a back-dated draw cannot be slipped in.
    pub fn draw_append(&mut self, body: &str) -> Result<DrawLogEntry, StoreError> {
        let at = draw_time(body)?;
        self.write(|tx| {
            let last: Option<(i64, String, String)> = tx
                .query_row(
                    "SELECT seq, hash, body FROM draws ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (seq, prev_hash) = match last {
                Some((s, h, last_body)) => {
                    let last_at = draw_time(&last_body)?;
                    if at < last_at {
                        return Err(StoreError::invalid(
                            "at",
                            format!("the draw is timed {at}, before draw {s} ({last_at}); draws are logged in time order"),
                        ));
                    }
                    (s + 1, h)
                }
                None => (1, GENESIS_HASH.to_string()),
            };
            let hash = chain_hash(&prev_hash, body);
            tx.execute(
                "INSERT INTO draws (seq, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![seq, body, prev_hash, hash],
            )?;
            Ok(DrawLogEntry {
                seq,
                body: body.to_string(),
                prev_hash,
                hash,
            })
        })
    }

    /// The log's head: the hash of its last draw, which commits to every draw before it
    /// (the genesis hash for an empty log).
    pub fn draw_head(&self) -> Result<String, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT hash FROM draws ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| GENESIS_HASH.to_string()))
    }

    /// The whole draw log, oldest first.
    pub fn draw_log(&self) -> Result<Vec<DrawLogEntry>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT seq, body, prev_hash, hash FROM draws ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(DrawLogEntry {
                seq: r.get(0)?,
                body: r.get(1)?,
                prev_hash: r.get(2)?,
                hash: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Test hook: rewrites a stored draw body, as a tamperer would.
    #[doc(hidden)]
    pub fn draw_tamper(&mut self, seq: i64, body: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE draws SET body = ?1 WHERE seq = ?2",
                rusqlite::params![body, seq],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draw_timed_before_the_last_one_is_refused() {
        let mut ws = Workspace::in_memory().unwrap();
        let first = ws.draw_append(r#"{"at":"2025-03-08T09:00:00"}"#).unwrap();
        assert_eq!(ws.draw_head().unwrap(), first.hash);
        let err = ws
            .draw_append(r#"{"at":"2025-03-01T09:00:00"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("before draw 1"), "{err}");
        let second = ws.draw_append(r#"{"at":"2025-03-08T09:00:00"}"#).unwrap();
        assert_eq!((second.seq, second.prev_hash), (2, first.hash));
    }
}
