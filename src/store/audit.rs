//! Who did what: an append-only audit log of every write that matters to the county's
//! audit (inspections, night checks, plans, draws, imports, users), each with the
//! signed-in user (or the OS user for the CLI) and the time. The row is written in the
//! same transaction as the change it records, and triggers refuse any UPDATE or DELETE
//! of it, so the log can only grow.

use chrono::NaiveDateTime;
use rusqlite::{params, Transaction};
use serde::Serialize;

use super::{map_rows, parse_time_text, time_text, StoreError, Workspace};

/// Who is acting on the workspace, and through which shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The signed-in user, or the OS user running the CLI.
    pub name: String,
    /// `cli` or `web`.
    pub via: &'static str,
}

impl Actor {
    /// The user running this process, from `$USER` or `$LOGNAME` (`unknown` when
    /// neither is set): the actor of every CLI command.
    pub fn os_user() -> Self {
        let name = ["USER", "LOGNAME"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "unknown".into());
        Actor { name, via: "cli" }
    }

    /// A user signed in to the web page.
    pub fn web_user(name: &str) -> Self {
        Actor {
            name: name.to_string(),
            via: "web",
        }
    }

    /// Requests of the web page before any user is known (the server itself).
    pub fn web_anonymous() -> Self {
        Actor {
            name: "-".into(),
            via: "web",
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AuditEntry {
    /// Its place in the log (increasing, never reused).
    pub id: i64,
    /// When it was done, township local time.
    pub at: NaiveDateTime,
    /// Who did it: the signed-in user, or the OS user for the CLI.
    pub actor: String,
    /// Through what: the web server or the command line.
    pub via: String,
    /// `inspection`, `night_check`, `plan`, `plan_publish`, `draw`, `import`, `user_add`,
    /// `site_reopen`, `track` (a swept street track), `sign_in`.
    pub action: String,
    /// What it acted on: a site id, a plan id, a draw number, a layer, a user name.
    pub subject: String,
    /// A short account of the change.
    pub detail: String,
}

/// 5: the append-only audit log.
pub(crate) const AUDIT_LOG: &str = r#"
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, via TEXT NOT NULL,
    action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX audit_at ON audit(at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Appends an entry inside the transaction of the change it records.
pub(crate) fn record(
    tx: &Transaction<'_>,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit (at, actor, via, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            time_text(super::tracks::township_now(tx)?),
            actor.name,
            actor.via,
            action,
            subject,
            detail
        ],
    )?;
    Ok(())
}

impl Workspace {
    /// Who the following writes are recorded as (the OS user until set).
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = actor;
    }

    /// The actor writes are recorded as.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Audit entries with `from <= at < to` (either bound optional), oldest first.
    pub fn audit_log(
        &self,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, at, actor, via, action, subject, detail FROM audit
             WHERE at >= ?1 AND at < ?2 ORDER BY id",
        )?;
        let bounds = [
            from.map_or_else(|| "0000".to_string(), time_text),
            to.map_or_else(|| "9999".to_string(), time_text),
        ];
        map_rows(&mut stmt, bounds, |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: parse_time_text(&r.get::<_, String>(1)?)?,
                actor: r.get(2)?,
                via: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                detail: r.get(6)?,
            })
        })
    }
}

/// The audit log as a table for CSV or xlsx (headers Chinese first).
pub fn audit_table(entries: &[AuditEntry]) -> crate::formats::table::Table {
    let headers = [
        "序号 id",
        "时间 at",
        "操作人 actor",
        "途径 via",
        "操作 action",
        "对象 subject",
        "内容 detail",
    ];
    crate::formats::table::Table {
        name: "操作记录 audit".into(),
        title: String::new(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    (e.id as f64).into(),
                    time_text(e.at).into(),
                    e.actor.clone().into(),
                    e.via.clone().into(),
                    e.action.clone().into(),
                    e.subject.clone().into(),
                    e.detail.clone().into(),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{InspectionInput, InspectionResult, Role};

    #[test]
    fn writes_are_recorded_with_their_actor_and_the_log_cannot_be_changed() {
        let mut ws = Workspace::in_memory().unwrap();
        let clerk = Actor {
            name: "clerk".into(),
            via: "cli",
        };
        ws.set_actor(clerk);
        ws.import_township(&crate::store::sites_test_support::small_township())
            .unwrap();
        ws.set_actor(Actor::web_user("lead1"));
        ws.record_inspection(&InspectionInput {
            site_id: "S1".into(),
            at: crate::store::parse_when("2025-03-01 10:00").unwrap(),
            team_id: "T1".into(),
            result: InspectionResult::Hazard,
            notes: None,
            rectify_by: None,
            close: false,
            lookback_days: None,
            evidence: None,
        })
        .unwrap();
        ws.user_add("insp1", "battery staple", Role::Inspector, Some("T1"))
            .unwrap();
        let log = ws.audit_log(None, None).unwrap();
        let seen: Vec<(&str, &str, &str, &str)> = log
            .iter()
            .map(|e| {
                (
                    e.action.as_str(),
                    e.actor.as_str(),
                    e.via.as_str(),
                    e.subject.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("import", "clerk", "cli", "township"),
                ("inspection", "lead1", "web", "S1"),
                ("user_add", "lead1", "web", "insp1"),
            ]
        );
        assert!(log[1].detail.contains("hazard"), "{}", log[1].detail);
        for sql in ["UPDATE audit SET actor = 'x'", "DELETE FROM audit"] {
            let err = ws.conn().execute(sql, []).unwrap_err().to_string();
            assert!(err.contains("append-only"), "{err}");
        }
        assert_eq!(ws.audit_log(None, None).unwrap().len(), 3);
    }

    #[test]
    fn the_cli_actor_is_the_os_user() {
        let actor = Actor::os_user();
        assert_eq!(actor.via, "cli");
        let expected = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        assert_eq!(actor.name, expected);
    }
}
