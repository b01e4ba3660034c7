//! Looking after users: a lead changes roles and teams, disables an account, resets a
//! password (a new one, shown once); everyone changes their own. The very first start
//! of a workspace with no user makes the first lead with a one-time password.

use chrono::Utc;
use rand::Rng;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::users::{hash_password, password_matches};
use super::{Role, StoreError, User, Workspace};

/// 10: a user can be disabled (kept for the record, no sign-in), and a password given
/// by someone else (a reset, the first start) must be changed at the next sign-in.
pub(crate) const ACCOUNT_STATE: &str = r#"
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
"#;

/// The login name the first start gives the first lead.
pub const FIRST_LEAD: &str = "admin";

/// A user as the lead's user list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    /// Login name, role and team.
    #[serde(flatten)]
    pub user: User,
    /// Disabled accounts cannot sign in; their records stay.
    pub disabled: bool,
    /// The password was given by someone else and must be changed.
    pub must_change_password: bool,
}

/// What a lead changes of an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountChange {
    /// The new role.
    pub role: Option<Role>,
    /// The new team: `Some(None)` takes the user off any team.
    pub team: Option<Option<String>>,
    /// Disable (true) or enable (false) the account.
    pub disabled: Option<bool>,
}

/// Letters and digits that cannot be mistaken for one another when read aloud or
/// copied from a screen (no 0/O, 1/l/I).
const CLEAR_CHARACTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A random password of 14 clear characters (about 80 bits), for resets and the first
/// lead.
pub fn one_time_password() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..14)
        .map(|_| CLEAR_CHARACTERS[rng.gen_range(0..CLEAR_CHARACTERS.len())] as char)
        .collect()
}

fn check_password(password: &str) -> Result<(), StoreError> {
    if password.chars().count() < 8 {
        return Err(StoreError::invalid(
            "password",
            "needs at least 8 characters (密码至少 8 位)",
        ));
    }
    Ok(())
}

/// How many enabled leads there are besides `username`.
fn other_active_leads(tx: &Transaction<'_>, username: &str) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "SELECT COUNT(*) FROM users WHERE role = 'lead' AND disabled_at IS NULL AND username <> ?1",
        [username],
        |r| r.get(0),
    )?)
}

fn account_row(tx: &rusqlite::Connection, username: &str) -> Result<Account, StoreError> {
    tx.query_row(
        "SELECT role, team_id, disabled_at IS NOT NULL, must_change_password FROM users WHERE username = ?1",
        [username],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
            ))
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::UnknownUser(username.to_string()))
    .and_then(|(role, team_id, disabled, must_change_password)| {
        Ok(Account {
            user: User {
                username: username.to_string(),
                role: role.parse()?,
                team_id,
            },
            disabled,
            must_change_password,
        })
    })
}

impl Workspace {
    /// Every account, by name, with its state.
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let names: Vec<String> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT username FROM users ORDER BY username")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        names
            .iter()
            .map(|name| account_row(self.conn(), name))
            .collect()
    }

    /// One account with its state.
    pub fn account(&self, username: &str) -> Result<Account, StoreError> {
        account_row(self.conn(), username)
    }

    /// Changes an account's role, team or state. The last enabled lead can be neither
    /// disabled nor made an inspector (nobody could manage users any more); disabling
    /// ends the user's sessions at once.
    pub fn account_change(
        &mut self,
        username: &str,
        change: &AccountChange,
    ) -> Result<Account, StoreError> {
        let actor = self.actor().clone();
        self.write(|tx| {
            let before = account_row(tx, username)?;
            let becomes_inspector = change.role == Some(Role::Inspector);
            let disables = change.disabled == Some(true);
            if before.user.role == Role::Lead
                && !before.disabled
                && (becomes_inspector || disables)
                && other_active_leads(tx, username)? == 0
            {
                return Err(StoreError::invalid(
                    "user",
                    format!(
                        "{username} is the last enabled lead (最后一名组长不能停用或降为检查员)"
                    ),
                ));
            }
            let mut said = Vec::new();
            if let Some(role) = change.role {
                tx.execute(
                    "UPDATE users SET role = ?2 WHERE username = ?1",
                    params![username, role.as_str()],
                )?;
                said.push(format!("role {}", role.as_str()));
            }
            if let Some(team) = &change.team {
                if let Some(team) = team {
                    super::inspections::ensure_team(tx, team)?;
                }
                tx.execute(
                    "UPDATE users SET team_id = ?2 WHERE username = ?1",
                    params![username, team],
                )?;
                said.push(format!("team {}", team.as_deref().unwrap_or("-")));
            }
            if let Some(disabled) = change.disabled {
                let at = disabled.then(|| Utc::now().to_rfc3339());
                tx.execute(
                    "UPDATE users SET disabled_at = ?2 WHERE username = ?1",
                    params![username, at],
                )?;
                if disabled {
                    tx.execute("DELETE FROM sessions WHERE username = ?1", [username])?;
                }
                said.push(if disabled { "disabled" } else { "enabled" }.to_string());
            }
            if said.is_empty() {
                return Err(StoreError::invalid("change", "says nothing to change"));
            }
            super::audit::record(tx, &actor, "user_change", username, &said.join(", "))?;
            account_row(tx, username)
        })
    }

    /// Gives `username` a new random password that must be changed at the next sign-in,
    /// ends their sessions, and returns the password (shown once, never stored).
    pub fn account_reset_password(&mut self, username: &str) -> Result<String, StoreError> {
        let password = one_time_password();
        let hash = hash_password(&password)?;
        let actor = self.actor().clone();
        self.write(|tx| {
            account_row(tx, username)?;
            tx.execute(
                "UPDATE users SET password_hash = ?2, must_change_password = 1 WHERE username = ?1",
                params![username, hash],
            )?;
            tx.execute("DELETE FROM sessions WHERE username = ?1", [username])?;
            super::audit::record(tx, &actor, "password_reset", username, "one-time password")
        })?;
        Ok(password)
    }

    /// A user changes their own password, giving the current one. Other sessions of the
    /// user end; the one in `keep_session_token` (the caller's) stays.
    pub fn account_change_password(
        &mut self,
        username: &str,
        current: &str,
        new: &str,
        keep_session_token: Option<&str>,
    ) -> Result<(), StoreError> {
        check_password(new)?;
        let Some((_, hash)) = self.user_with_hash(username)? else {
            return Err(StoreError::UnknownUser(username.to_string()));
        };
        if !password_matches(current, &hash) {
            return Err(StoreError::invalid(
                "current_password",
                "is not the current password (当前密码不对)",
            ));
        }
        if current == new {
            return Err(StoreError::invalid(
                "password",
                "must differ from the current one (新密码不能与当前密码相同)",
            ));
        }
        let new_hash = hash_password(new)?;
        let keep = keep_session_token.map(super::users::token_hash);
        let actor = self.actor().clone();
        self.write(|tx| {
            tx.execute(
                "UPDATE users SET password_hash = ?2, must_change_password = 0 WHERE username = ?1",
                params![username, new_hash],
            )?;
            tx.execute(
                "DELETE FROM sessions WHERE username = ?1 AND token_hash IS NOT ?2",
                params![username, keep],
            )?;
            super::audit::record(tx, &actor, "password_change", username, "by the user")
        })
    }

    /// On a workspace with no user at all, adds the first lead ([`FIRST_LEAD`]) with a
    /// one-time password and returns it; `None` when users exist.
    pub fn first_lead_if_none(&mut self) -> Result<Option<(String, String)>, StoreError> {
        let count: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
        if count > 0 {
            return Ok(None);
        }
        let password = one_time_password();
        self.user_add(FIRST_LEAD, &password, Role::Lead, None)?;
        self.account_require_password_change(FIRST_LEAD)?;
        Ok(Some((FIRST_LEAD.to_string(), password)))
    }

    /// Marks `username`'s password as given by someone else: it must be changed at the
    /// next sign-in.
    pub fn account_require_password_change(&mut self, username: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE users SET must_change_password = 1 WHERE username = ?1",
                [username],
            )?;
            if changed == 0 {
                return Err(StoreError::UnknownUser(username.to_string()));
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.user_add("lead1", "correct horse", Role::Lead, None)
            .unwrap();
        ws.user_add("insp1", "battery staple", Role::Inspector, Some("T1"))
            .unwrap();
        ws
    }

    #[test]
    fn the_last_enabled_lead_stays_a_lead() {
        let mut ws = workspace();
        let disable = AccountChange {
            disabled: Some(true),
            ..AccountChange::default()
        };
        let demote = AccountChange {
            role: Some(Role::Inspector),
            ..AccountChange::default()
        };
        assert!(ws.account_change("lead1", &disable).is_err());
        assert!(ws.account_change("lead1", &demote).is_err());
        ws.account_change(
            "insp1",
            &AccountChange {
                role: Some(Role::Lead),
                team: Some(None),
                ..AccountChange::default()
            },
        )
        .unwrap();
        let now = ws.account_change("lead1", &disable).unwrap();
        assert!(now.disabled);
        assert!(ws.account_change("insp1", &disable).is_err());
    }

    #[test]
    fn disabling_ends_sessions_and_sign_ins() {
        let mut ws = workspace();
        let token = ws
            .session_create("insp1", chrono::Duration::hours(1))
            .unwrap();
        ws.account_change(
            "insp1",
            &AccountChange {
                disabled: Some(true),
                ..AccountChange::default()
            },
        )
        .unwrap();
        assert!(ws.session_get(&token).unwrap().is_none());
        assert!(ws
            .user_verify_password("insp1", "battery staple")
            .unwrap()
            .is_none());
        assert!(ws.user_with_hash("insp1").unwrap().is_none());
        ws.account_change(
            "insp1",
            &AccountChange {
                disabled: Some(false),
                ..AccountChange::default()
            },
        )
        .unwrap();
        assert!(ws
            .user_verify_password("insp1", "battery staple")
            .unwrap()
            .is_some());
    }

    #[test]
    fn a_reset_password_works_once_set_and_must_be_changed() {
        let mut ws = workspace();
        let old = ws
            .session_create("insp1", chrono::Duration::hours(1))
            .unwrap();
        let given = ws.account_reset_password("insp1").unwrap();
        assert_eq!(given.len(), 14);
        assert!(ws.session_get(&old).unwrap().is_none());
        assert!(ws.account("insp1").unwrap().must_change_password);
        assert!(ws
            .user_verify_password("insp1", "battery staple")
            .unwrap()
            .is_none());
        let mine = ws
            .session_create("insp1", chrono::Duration::hours(1))
            .unwrap();
        let other = ws
            .session_create("insp1", chrono::Duration::hours(1))
            .unwrap();
        assert!(ws
            .account_change_password("insp1", "wrong one", "a new secret", Some(&mine))
            .is_err());
        assert!(ws
            .account_change_password("insp1", &given, "short", Some(&mine))
            .is_err());
        ws.account_change_password("insp1", &given, "a new secret", Some(&mine))
            .unwrap();
        assert!(!ws.account("insp1").unwrap().must_change_password);
        assert!(ws.session_get(&mine).unwrap().is_some());
        assert!(ws.session_get(&other).unwrap().is_none());
        assert!(ws
            .user_verify_password("insp1", "a new secret")
            .unwrap()
            .is_some());
    }

    #[test]
    fn the_first_start_makes_one_lead_once() {
        let mut ws = Workspace::in_memory().unwrap();
        let (name, password) = ws.first_lead_if_none().unwrap().unwrap();
        assert_eq!(name, FIRST_LEAD);
        assert!(ws.user_verify_password(&name, &password).unwrap().is_some());
        assert!(ws.account(&name).unwrap().must_change_password);
        assert!(ws.first_lead_if_none().unwrap().is_none());
    }

    #[test]
    fn one_time_passwords_use_clear_characters() {
        let p = one_time_password();
        assert!(p.bytes().all(|b| CLEAR_CHARACTERS.contains(&b)));
        assert_ne!(p, one_time_password());
    }
}
