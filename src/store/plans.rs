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
    /// `day`, `evening`, `night` or `weekend`.
    pub shift: String,
    /// The team the plan is for; `None` for a plan of every team.
    pub team_id: Option<String>,
    /// The planner's JSON, as given.
    pub body: String,
    /// Published: inspectors see it. A draft is the lead's alone.
    pub published: bool,
}

/// The columns [`stored_plan`] maps.
const PLAN_COLUMNS: &str = "id, date, shift, team_id, body, published_at IS NOT NULL";

/// Maps a `SELECT` of [`PLAN_COLUMNS`].
fn stored_plan(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredPlan> {
    Ok(StoredPlan {
        id: r.get(0)?,
        date: r.get(1)?,
        shift: r.get(2)?,
        team_id: r.get(3)?,
        body: r.get(4)?,
        published: r.get(5)?,
    })
}

impl Workspace {
    /// Stores a plan, published at once (inspectors see it); returns its id.
    pub fn plan_save(
        &mut self,
        date: &str,
        shift: &str,
        team_id: Option<&str>,
        body: &str,
    ) -> Result<i64, StoreError> {
        self.insert_plan(date, shift, team_id, body, true)
    }

    /// Stores a lead's trial plan as a draft: inspectors keep seeing the published plans
    /// until [`Workspace::plan_publish`]; returns its id.
    pub fn plan_save_draft(
        &mut self,
        date: &str,
        shift: &str,
        team_id: Option<&str>,
        body: &str,
    ) -> Result<i64, StoreError> {
        self.insert_plan(date, shift, team_id, body, false)
    }

    fn insert_plan(
        &mut self,
        date: &str,
        shift: &str,
        team_id: Option<&str>,
        body: &str,
        published: bool,
    ) -> Result<i64, StoreError> {
        if serde_json::from_str::<serde_json::Value>(body).is_err() {
            return Err(StoreError::invalid("plan", "body is not JSON"));
        }
        let actor = self.actor().clone();
        self.write(|tx| {
            if let Some(team) = team_id {
                ensure_team(tx, team)?;
            }
            let now = chrono::Utc::now().to_rfc3339();
            tx.execute(
                "INSERT INTO plans (date, shift, team_id, body, created_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![date, shift, team_id, body, now, published.then_some(&now)],
            )?;
            let id = tx.last_insert_rowid();
            let state = if published { "published" } else { "draft" };
            let detail = format!("{date} {shift} shift, team {}, {state}", team_id.unwrap_or("-"));
            super::audit::record(tx, &actor, "plan", &id.to_string(), &detail)?;
            Ok(id)
        })
    }

    /// Publishes plan `id` (logged): from now on inspectors see it. `None`: no such plan.
    /// Publishing a published plan changes nothing and logs nothing.
    pub fn plan_publish(&mut self, id: i64) -> Result<Option<StoredPlan>, StoreError> {
        let Some(plan) = self.plan_get(id)? else {
            return Ok(None);
        };
        if plan.published {
            return Ok(Some(plan));
        }
        let actor = self.actor().clone();
        self.write(|tx| {
            tx.execute(
                "UPDATE plans SET published_at = ?1 WHERE id = ?2 AND published_at IS NULL",
                params![chrono::Utc::now().to_rfc3339(), id],
            )?;
            let detail = format!("{} {} shift", plan.date, plan.shift);
            super::audit::record(tx, &actor, "plan_publish", &id.to_string(), &detail)?;
            Ok(())
        })?;
        self.plan_get(id)
    }

    /// A plan by id.
    pub fn plan_get(&self, id: i64) -> Result<Option<StoredPlan>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
                [id],
                stored_plan,
            )
            .optional()?)
    }

    /// The most recent plans, newest first (at most `limit`).
    pub fn plans_latest(&self, limit: usize) -> Result<Vec<StoredPlan>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {PLAN_COLUMNS} FROM plans ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], stored_plan)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Plans of a date, oldest first.
    pub fn plans_on(&self, date: &str) -> Result<Vec<StoredPlan>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE date = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([date], stored_plan)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_becomes_published_once_and_the_publishing_is_logged() {
        let mut ws = Workspace::in_memory().unwrap();
        let shown = ws.plan_save("2026-11-23", "day", None, "{}").unwrap();
        let draft = ws
            .plan_save_draft("2026-11-23", "evening", None, "{}")
            .unwrap();
        assert!(ws.plan_get(shown).unwrap().unwrap().published);
        assert!(!ws.plan_get(draft).unwrap().unwrap().published);
        let published = ws.plan_publish(draft).unwrap().unwrap();
        assert!(published.published);
        assert!(ws.plan_publish(draft).unwrap().unwrap().published);
        assert_eq!(ws.plan_publish(999).unwrap(), None);
        let log = ws.audit_log(None, None).unwrap();
        let publishing: Vec<_> = log.iter().filter(|e| e.action == "plan_publish").collect();
        assert_eq!(publishing.len(), 1, "logged once: {log:?}");
        assert_eq!(publishing[0].subject, draft.to_string());
    }
}
