//! The township's rules as the workspace keeps them: one JSON value under `rules` in
//! `meta`, written by `init --from` and read by everything that applies a rule. A
//! workspace without stored rules uses the defaults.

use rusqlite::{Connection, OptionalExtension};

use super::{StoreError, Workspace};
use crate::rules::Rules;

const KEY: &str = "rules";

/// The rules stored in `conn`, or the defaults.
pub(crate) fn rules_in(conn: &Connection) -> Result<Rules, StoreError> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [KEY], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(Rules::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            what: "rules".into(),
            problem: e.to_string(),
        }),
    }
}

impl Workspace {
    /// The township's rules (the defaults when none were stored).
    pub fn rules(&self) -> Result<Rules, StoreError> {
        rules_in(self.conn())
    }

    /// Stores the township's rules, replacing any before.
    pub fn set_rules(&mut self, rules: &Rules) -> Result<(), StoreError> {
        let json = serde_json::to_string(rules).map_err(|e| StoreError::Corrupt {
            what: "rules".into(),
            problem: e.to_string(),
        })?;
        self.write(|tx| super::put_meta(tx, KEY, &json))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_defaults_until_stored_and_then_read_back() {
        let mut ws = Workspace::in_memory().unwrap();
        assert_eq!(ws.rules().unwrap(), Rules::default());
        let mut rules = Rules::default();
        rules.overdue_days.licensed = 90;
        rules.shifts.night.end = crate::rules::Clock(21.0 * 3600.0);
        ws.set_rules(&rules).unwrap();
        assert_eq!(ws.rules().unwrap(), rules);
    }
}
