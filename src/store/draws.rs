//! The 双随机 draw log: append-only, each entry chained to the previous by SHA-256.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{StoreError, Workspace};
use crate::hash_chain::{chain_hash, GENESIS_HASH};

/// One entry of the draw log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrawLogEntry {
    pub seq: i64,
    /// The draw as canonical JSON (what the hash covers).
    pub body: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Workspace {
    /// Appends a draw (canonical JSON) to the log, chaining it to the last entry.
    pub fn draw_append(&mut self, body: &str) -> Result<DrawLogEntry, StoreError> {
        self.write(|tx| {
            let last: Option<(i64, String)> = tx
                .query_row(
                    "SELECT seq, hash FROM draws ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (seq, prev_hash) = match last {
                Some((s, h)) => (s + 1, h),
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
