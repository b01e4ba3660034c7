//! Plans as the planner produced them (JSON bodies), kept for the record and for
//! recording a completed route as swept streets.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{inspections::ensure_team, StoreError, Workspace};

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredPlan {
    /// The plan's row id.
    pub id: i64,
    /// The day planned, `YYYY-MM-DD` (township date).
    pub date: String,
    /// `day` or `night`.
    pub shift: String,
    /// The team the plan is for; `None` for a plan of every team.
    pub team_id: Option<String>,
    /// The planner's JSON, as given.
    pub body: String,
}

/// Maps a `SELECT id, date, shift, team_id, body` row.
fn stored_plan(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredPlan> {
    Ok(StoredPlan {
        id: r.get(0)?,
        date: r.get(1)?,
        shift: r.get(2)?,
        team_id: r.get(3)?,
        body: r.get(4)?,
    })
}

impl Workspace {
    /// Stores a plan; returns its id.
    pub fn plan_save(
        &mut self,
        date: &str,
        shift: &str,
        team_id: Option<&str>,
        body: &str,
    ) -> Result<i64, StoreError> {
        if serde_json::from_str::<serde_json::Value>(body).is_err() {
            return Err(StoreError::invalid("plan", "body is not JSON"));
        }
        self.write(|tx| {
            if let Some(team) = team_id {
                ensure_team(tx, team)?;
            }
            tx.execute(
                "INSERT INTO plans (date, shift, team_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![date, shift, team_id, body, chrono::Utc::now().to_rfc3339()],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// A plan by id.
    pub fn plan_get(&self, id: i64) -> Result<Option<StoredPlan>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, date, shift, team_id, body FROM plans WHERE id = ?1",
                [id],
                stored_plan,
            )
            .optional()?)
    }

    /// The most recent plans, newest first (at most `limit`).
    pub fn plans_latest(&self, limit: usize) -> Result<Vec<StoredPlan>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, date, shift, team_id, body FROM plans ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], stored_plan)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Plans of a date, oldest first.
    pub fn plans_on(&self, date: &str) -> Result<Vec<StoredPlan>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, date, shift, team_id, body FROM plans WHERE date = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([date], stored_plan)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
