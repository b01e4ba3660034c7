//! Users (lead or inspector, argon2 password hashes) and login sessions (only a SHA-256
//! of each token is stored, so a copied workspace file does not leak live sessions).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rand::RngCore;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{StoreError, Workspace};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The township lead: plans, imports, draws, reports.
    Lead,
    /// An inspector: sees the team's plan, records inspections.
    Inspector,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Inspector => "inspector",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lead" => Ok(Role::Lead),
            "inspector" => Ok(Role::Inspector),
            other => Err(StoreError::invalid(
                "role",
                format!("{other:?} is not lead or inspector"),
            )),
        }
    }
}

/// A user, without the password hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// The login name.
    pub username: String,
    /// Lead or inspector: what the user may see and do.
    pub role: Role,
    /// An inspector's team (leads have none).
    pub team_id: Option<String>,
}

/// A live login session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    /// Whose session it is.
    pub user: User,
    /// When the session ends (UTC).
    pub expires_at: DateTime<Utc>,
}

/// Hashes a password with argon2id and a random salt (a PHC string): the one hasher
/// of gridpatrol, for the CLI and the server alike.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Password(e.to_string()))
}

/// Whether `password` is the one hashed in `phc` (a string from [`hash_password`]);
/// false for a damaged hash.
pub fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Workspace {
    /// Adds a user with an argon2 hash of `password`; the team is created if needed.
    pub fn user_add(
        &mut self,
        username: &str,
        password: &str,
        role: Role,
        team_id: Option<&str>,
    ) -> Result<User, StoreError> {
        if username.trim().is_empty() || username.chars().any(char::is_whitespace) {
            return Err(StoreError::invalid(
                "username",
                "must be non-empty without spaces",
            ));
        }
        if password.chars().count() < 8 {
            return Err(StoreError::invalid(
                "password",
                "needs at least 8 characters",
            ));
        }
        let hash = hash_password(password)?;
        let actor = self.actor().clone();
        self.write(|tx| {
            if let Some(team) = team_id {
                super::inspections::ensure_team(tx, team)?;
            }
            let exists: Option<i64> =
                tx.query_row("SELECT 1 FROM users WHERE username = ?1", [username], |r| r.get(0)).optional()?;
            if exists.is_some() {
                return Err(StoreError::UserExists(username.to_string()));
            }
            tx.execute(
                "INSERT INTO users (username, role, team_id, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![username, role.as_str(), team_id, hash, Utc::now().to_rfc3339()],
            )?;
            let detail = format!("{} of team {}", role.as_str(), team_id.unwrap_or("-"));
            super::audit::record(tx, &actor, "user_add", username, &detail)?;
            Ok(User { username: username.to_string(), role, team_id: team_id.map(str::to_string) })
        })
    }

    /// A user by name.
    pub fn user_get(&self, username: &str) -> Result<Option<User>, StoreError> {
        Ok(self.user_with_hash(username)?.map(|(u, _)| u))
    }

    /// An enabled user by name with the stored password hash (a PHC string), to check with
    /// [`password_matches`] outside any lock: hashing is the slow part of a sign-in.
    pub fn user_with_hash(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let row: Option<(String, Option<String>, String)> = self
            .conn()
            .query_row(
                "SELECT role, team_id, password_hash FROM users WHERE username = ?1 AND disabled_at IS NULL",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some((role, team_id, hash)) => Ok(Some((
                User {
                    username: username.to_string(),
                    role: role.parse()?,
                    team_id,
                },
                hash,
            ))),
        }
    }

    /// All users, by name.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT username, role, team_id FROM users ORDER BY username")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (username, role, team_id) = row?;
            out.push(User {
                username,
                role: role.parse()?,
                team_id,
            });
        }
        Ok(out)
    }

    /// The user when `password` is right; `None` for a wrong password or unknown user.
    pub fn user_verify_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let Some((user, hash)) = self.user_with_hash(username)? else {
            return Ok(None);
        };
        PasswordHash::new(&hash).map_err(|e| StoreError::corrupt("password hash", e))?;
        Ok(password_matches(password, &hash).then_some(user))
    }

    /// Starts a session for `username` lasting `ttl`; returns the bearer token (shown once).
    pub fn session_create(
        &mut self,
        username: &str,
        ttl: chrono::Duration,
    ) -> Result<String, StoreError> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let expires = Utc::now() + ttl;
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row("SELECT 1 FROM users WHERE username = ?1", [username], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_none() {
                return Err(StoreError::UnknownUser(username.to_string()));
            }
            tx.execute(
                "DELETE FROM sessions WHERE expires_at <= ?1",
                [Utc::now().to_rfc3339()],
            )?;
            tx.execute(
                "INSERT INTO sessions (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
                params![token_hash(&token), username, expires.to_rfc3339()],
            )?;
            // Who signed in and when is part of the record (failed attempts are not:
            // a guessing storm must not turn into writes).
            let detail = format!("session until {}", expires.format("%Y-%m-%d %H:%M UTC"));
            super::audit::record(
                tx,
                &super::Actor::web_user(username),
                "sign_in",
                username,
                &detail,
            )?;
            Ok(())
        })?;
        Ok(token)
    }

    /// The live session of `token`; `None` when unknown or expired.
    pub fn session_get(&self, token: &str) -> Result<Option<Session>, StoreError> {
        let row: Option<(String, String)> = self
            .conn()
            .query_row(
                "SELECT username, expires_at FROM sessions WHERE token_hash = ?1",
                [token_hash(token)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((username, expires)) = row else {
            return Ok(None);
        };
        let expires_at = DateTime::parse_from_rfc3339(&expires)
            .map_err(|e| StoreError::corrupt("session expiry", e))?
            .with_timezone(&Utc);
        if expires_at <= Utc::now() {
            return Ok(None);
        }
        Ok(self
            .user_get(&username)?
            .map(|user| Session { user, expires_at }))
    }

    /// Ends the session of `token` (logging out); unknown tokens are ignored.
    pub fn session_delete(&mut self, token: &str) -> Result<(), StoreError> {
        let h = token_hash(token);
        self.write(|tx| {
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [h])?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_and_session_life() {
        let mut ws = Workspace::in_memory().unwrap();
        ws.user_add("lead1", "correct horse", Role::Lead, None)
            .unwrap();
        ws.user_add("insp1", "battery staple", Role::Inspector, Some("T1"))
            .unwrap();
        assert!(matches!(
            ws.user_add("lead1", "whatever12", Role::Lead, None),
            Err(StoreError::UserExists(_))
        ));
        assert!(ws.user_add("short", "1234567", Role::Lead, None).is_err());
        assert_eq!(
            ws.user_verify_password("lead1", "correct horse")
                .unwrap()
                .unwrap()
                .role,
            Role::Lead
        );
        assert!(ws
            .user_verify_password("lead1", "wrong horse")
            .unwrap()
            .is_none());
        assert!(ws
            .user_verify_password("nobody", "correct horse")
            .unwrap()
            .is_none());

        let token = ws
            .session_create("insp1", chrono::Duration::hours(8))
            .unwrap();
        let s = ws.session_get(&token).unwrap().unwrap();
        assert_eq!(s.user.team_id.as_deref(), Some("T1"));
        assert!(ws.session_get("not-a-token").unwrap().is_none());
        ws.session_delete(&token).unwrap();
        assert!(ws.session_get(&token).unwrap().is_none());

        let expired = ws
            .session_create("insp1", chrono::Duration::seconds(-1))
            .unwrap();
        assert!(ws.session_get(&expired).unwrap().is_none());
        assert!(ws
            .session_create("nobody", chrono::Duration::hours(1))
            .is_err());
    }
}
