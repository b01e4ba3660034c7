//! The lead's pins as the workspace keeps them: one row per site and kind, written and
//! removed with an audit entry, read by every plan.

use rusqlite::params;

use super::{StoreError, Workspace};
use crate::model::pin::{check_pin, Pin, PinRule};

/// The kinds a pin may have, as stored.
const KINDS: [&str; 4] = ["team", "day", "must_visit", "exclude"];

fn pin_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(String, String, Option<String>, Option<String>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

/// A stored row as a pin; a value that does not parse is a damaged workspace.
fn to_pin(
    (site_id, kind, value, note): (String, String, Option<String>, Option<String>),
) -> Result<Pin, StoreError> {
    let damaged = |problem: &str| StoreError::corrupt(format!("pin of {site_id}"), problem);
    let rule = match kind.as_str() {
        "team" => PinRule::Team {
            team: value.ok_or_else(|| damaged("team pin without a team"))?,
        },
        "day" => PinRule::Day {
            date: value
                .as_deref()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| damaged("day pin without a date"))?,
        },
        "must_visit" => PinRule::MustVisit,
        "exclude" => PinRule::Exclude,
        other => return Err(damaged(&format!("unknown kind `{other}`"))),
    };
    Ok(Pin {
        site_id,
        rule,
        note,
    })
}

fn rule_value(rule: &PinRule) -> Option<String> {
    match rule {
        PinRule::Team { team } => Some(team.trim().to_string()),
        PinRule::Day { date } => Some(date.to_string()),
        PinRule::MustVisit | PinRule::Exclude => None,
    }
}

impl Workspace {
    /// Every pin, by site and kind.
    pub fn pins(&self) -> Result<Vec<Pin>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT site_id, kind, value, note FROM pins ORDER BY site_id, kind")?;
        let rows = stmt.query_map([], pin_row)?;
        rows.map(|r| to_pin(r?)).collect()
    }

    /// Pins a site (logged); a pin of the same kind is replaced. Refuses an unknown site
    /// and a pin that contradicts the site's others (see [`check_pin`]).
    pub fn pin_set(&mut self, pin: &Pin) -> Result<(), StoreError> {
        if !self.is_site(&pin.site_id)? && !self.is_hotspot(&pin.site_id)? {
            return Err(StoreError::UnknownSite(pin.site_id.clone()));
        }
        check_pin(pin, &self.pins()?).map_err(|e| StoreError::invalid("pin", e.to_string()))?;
        let actor = self.actor().clone();
        let at = chrono::Utc::now().to_rfc3339();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO pins (site_id, kind, value, note, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(site_id, kind) DO UPDATE SET value = excluded.value,
                     note = excluded.note, created_by = excluded.created_by,
                     created_at = excluded.created_at",
                params![
                    pin.site_id,
                    pin.rule.kind(),
                    rule_value(&pin.rule),
                    pin.note,
                    actor.name,
                    at
                ],
            )?;
            let detail = pin.rule.describe_zh();
            super::audit::record(tx, &actor, "pin", &pin.site_id, &detail)
        })
    }

    /// Removes a site's pin of `kind` (every pin of the site when `None`), logged;
    /// returns how many were removed.
    pub fn pin_remove(&mut self, site_id: &str, kind: Option<&str>) -> Result<usize, StoreError> {
        if let Some(k) = kind.filter(|k| !KINDS.contains(k)) {
            let problem = format!("`{k}` is not one of {}", KINDS.join(", "));
            return Err(StoreError::invalid("kind", problem));
        }
        let actor = self.actor().clone();
        self.write(|tx| {
            let removed = tx.execute(
                "DELETE FROM pins WHERE site_id = ?1 AND (?2 IS NULL OR kind = ?2)",
                params![site_id, kind],
            )?;
            if removed > 0 {
                let detail = format!("removed {}", kind.unwrap_or("all"));
                super::audit::record(tx, &actor, "unpin", site_id, &detail)?;
            }
            Ok(removed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        ws
    }

    #[test]
    fn pins_are_kept_replaced_checked_and_removed_with_an_audit_entry() {
        let mut ws = workspace();
        let site = ws.institutions().unwrap()[0].id.clone();
        let team = |t: &str| Pin {
            site_id: site.clone(),
            rule: PinRule::Team { team: t.into() },
            note: Some("熟悉情况".into()),
        };
        ws.pin_set(&team("T1")).unwrap();
        ws.pin_set(&team("T2")).unwrap();
        assert_eq!(ws.pins().unwrap(), vec![team("T2")]);
        let exclude = Pin {
            site_id: site.clone(),
            rule: PinRule::Exclude,
            note: None,
        };
        assert!(matches!(
            ws.pin_set(&exclude),
            Err(StoreError::Invalid { .. })
        ));
        let unknown = Pin {
            site_id: "nowhere".into(),
            rule: PinRule::MustVisit,
            note: None,
        };
        assert!(matches!(
            ws.pin_set(&unknown),
            Err(StoreError::UnknownSite(_))
        ));
        assert!(ws.pin_remove(&site, Some("nope")).is_err());
        assert_eq!(ws.pin_remove(&site, Some("team")).unwrap(), 1);
        assert!(ws.pins().unwrap().is_empty());
        let actions: Vec<String> = ws
            .audit_log(None, None)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .filter(|a| a.contains("pin"))
            .collect();
        assert_eq!(actions, ["pin", "pin", "unpin"]);
    }
}
