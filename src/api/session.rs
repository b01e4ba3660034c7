//! Who is signed in: the session's user and the sign-in answers.

use serde::{Deserialize, Serialize};

/// What a user may do: leads plan and see everything; inspectors see their own team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A township lead: plans, imports, draws, sees everything.
    Lead,
    /// An inspector: sees the team's route, records inspections.
    Inspector,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lead" => Ok(Role::Lead),
            "inspector" => Ok(Role::Inspector),
            other => Err(format!("role must be `lead` or `inspector`, not `{other}`")),
        }
    }
}

/// A signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    /// The login name.
    pub name: String,
    /// Lead or inspector.
    pub role: Role,
    /// The team an inspector belongs to (leads may have none).
    pub team: Option<String>,
}

impl User {
    /// True for leads.
    pub fn is_lead(&self) -> bool {
        self.role == Role::Lead
    }
    /// Whether this user may see the plan of `team`.
    pub fn may_see_team(&self, team: &str) -> bool {
        self.is_lead() || self.team.as_deref() == Some(team)
    }
}

/// `GET /api/me`: the signed-in user, or `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MeAnswer {
    /// The user, `null` when not signed in.
    pub user: Option<User>,
    /// The password was given by someone else (a reset, the first start): the page
    /// asks for a new one before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

/// `POST /api/login`: the user now signed in (the session is in the cookie).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoginAnswer {
    /// Who signed in.
    pub user: User,
    /// As in [`MeAnswer`]: a new password is asked for first.
    #[serde(default)]
    pub must_change_password: bool,
}

/// `POST /api/login`'s body.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct LoginRequest {
    /// The login name.
    pub name: String,
    /// The password.
    pub password: String,
}

/// `POST /api/logout`: always `{"ok": true}`; the cookie is cleared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LogoutAnswer {
    /// Always true.
    pub ok: bool,
}

/// `POST /api/users/{name}/unlock`: whose failed sign-ins were forgotten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnlockAnswer {
    /// The login name.
    pub user: String,
    /// Whether the name was held (too many failures) before.
    pub unlocked: bool,
}
