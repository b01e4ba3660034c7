//! Saved campaign plans (专项治理排期): the planner's JSON body over a window of days,
//! kept so that the campaign's progress can be followed and the rest re-planned. A
//! re-planned campaign is a new row that names the one it replaces.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{StoreError, Workspace};

/// A saved campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredCampaign {
    /// The row id.
    pub id: i64,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub to: String,
    /// The planner's JSON, as given.
    pub body: String,
    /// Who saved it.
    pub created_by: String,
    /// When, RFC 3339.
    pub created_at: String,
    /// The campaign this one re-plans, if any.
    pub replaces: Option<i64>,
}

/// The columns [`stored_campaign`] maps.
const CAMPAIGN_COLUMNS: &str = "id, from_date, to_date, body, created_by, created_at, replaces";

fn stored_campaign(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCampaign> {
    Ok(StoredCampaign {
        id: r.get(0)?,
        from: r.get(1)?,
        to: r.get(2)?,
        body: r.get(3)?,
        created_by: r.get(4)?,
        created_at: r.get(5)?,
        replaces: r.get(6)?,
    })
}

/// Checks that `body` is a campaign plan's JSON over `from`..`to`: an object whose
/// `from` and `to` are those days and whose `days` is a list.
fn check_body(from: &str, to: &str, body: &str) -> Result<(), StoreError> {
    let value: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| StoreError::invalid("campaign", format!("body is not JSON: {e}")))?;
    for (key, want) in [("from", from), ("to", to)] {
        if value.get(key).and_then(|v| v.as_str()) != Some(want) {
            return Err(StoreError::invalid(
                "campaign",
                format!("body's `{key}` is not `{want}`"),
            ));
        }
    }
    if !value.get("days").is_some_and(serde_json::Value::is_array) {
        return Err(StoreError::invalid("campaign", "body has no `days` list"));
    }
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d");
    match (day(from), day(to)) {
        (Ok(f), Ok(t)) if f <= t => Ok(()),
        _ => Err(StoreError::invalid(
            "campaign",
            format!("`{from}` to `{to}` is not a window of days (YYYY-MM-DD, from <= to)"),
        )),
    }
}

impl Workspace {
    /// Saves a campaign plan over `from`..`to` (logged); `replaces` names the campaign it
    /// re-plans. Returns the new id.
    pub fn campaign_save(
        &mut self,
        from: &str,
        to: &str,
        body: &str,
        replaces: Option<i64>,
    ) -> Result<i64, StoreError> {
        check_body(from, to, body)?;
        if let Some(old) = replaces {
            if self.campaign_get(old)?.is_none() {
                return Err(StoreError::invalid(
                    "replaces",
                    format!("no campaign {old}"),
                ));
            }
        }
        let actor = self.actor().clone();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO campaigns (from_date, to_date, body, created_by, created_at, replaces) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![from, to, body, actor.name, chrono::Utc::now().to_rfc3339(), replaces],
            )?;
            let id = tx.last_insert_rowid();
            let detail = match replaces {
                Some(old) => format!("{from} to {to}, replaces campaign {old}"),
                None => format!("{from} to {to}"),
            };
            super::audit::record(tx, &actor, "campaign", &id.to_string(), &detail)?;
            Ok(id)
        })
    }

    /// A saved campaign by id.
    pub fn campaign_get(&self, id: i64) -> Result<Option<StoredCampaign>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?1"),
                [id],
                stored_campaign,
            )
            .optional()?)
    }

    /// The campaign saved last, if any.
    pub fn campaign_latest(&self) -> Result<Option<StoredCampaign>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns ORDER BY id DESC LIMIT 1"),
                [],
                stored_campaign,
            )
            .optional()?)
    }

    /// The cell of every site and hotspot inside one: `id → cell id`.
    pub fn place_cells(&self) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let mut out = self.site_cells()?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, cell_id FROM hotspots WHERE cell_id IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        for row in rows {
            let (id, cell) = row?;
            out.insert(id, cell);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"from":"2026-03-02","to":"2026-03-06","days":[],"unplanned":[]}"#;

    #[test]
    fn a_saved_campaign_comes_back_and_its_saving_is_logged() {
        let mut ws = Workspace::in_memory().unwrap();
        assert_eq!(ws.campaign_latest().unwrap(), None);
        let first = ws
            .campaign_save("2026-03-02", "2026-03-06", BODY, None)
            .unwrap();
        let second = ws
            .campaign_save("2026-03-02", "2026-03-06", BODY, Some(first))
            .unwrap();
        let got = ws.campaign_get(first).unwrap().unwrap();
        assert_eq!((got.body.as_str(), got.replaces), (BODY, None));
        let latest = ws.campaign_latest().unwrap().unwrap();
        assert_eq!((latest.id, latest.replaces), (second, Some(first)));
        assert_eq!(ws.campaign_get(999).unwrap(), None);
        let log = ws.audit_log(None, None).unwrap();
        let saved: Vec<_> = log.iter().filter(|e| e.action == "campaign").collect();
        assert_eq!(saved.len(), 2, "{log:?}");
        assert_eq!(saved[1].subject, second.to_string());
    }

    #[test]
    fn bodies_that_are_no_campaign_are_refused_and_nothing_is_kept() {
        let mut ws = Workspace::in_memory().unwrap();
        for (from, to, body, replaces) in [
            ("2026-03-02", "2026-03-06", "not json", None),
            ("2026-03-02", "2026-03-07", BODY, None),
            (
                "2026-03-02",
                "2026-03-06",
                r#"{"from":"2026-03-02","to":"2026-03-06"}"#,
                None,
            ),
            (
                "2026-03-06",
                "2026-03-02",
                r#"{"from":"2026-03-06","to":"2026-03-02","days":[]}"#,
                None,
            ),
            ("2026-03-02", "2026-03-06", BODY, Some(7)),
        ] {
            let err = ws.campaign_save(from, to, body, replaces).unwrap_err();
            assert!(matches!(err, StoreError::Invalid { .. }), "{err}");
        }
        assert_eq!(ws.campaign_latest().unwrap(), None);
    }
}
