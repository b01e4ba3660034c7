//! `/api/users` and `/api/me/password`: a lead looks after the township's users in the
//! page (add, role and team, disable, reset a password shown once); everyone changes
//! their own password.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::{session_token, Signed};
use super::error::ApiError;
use super::{blocking, ApiJson, AppState};
use crate::api::session::Role;
use crate::store::{one_time_password, Account, AccountChange};

/// One user as the lead's list shows it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct UserRow {
    /// The login name.
    pub name: String,
    /// Lead or inspector.
    pub role: Role,
    /// The inspector's team.
    pub team: Option<String>,
    /// A disabled user cannot sign in; the records stay.
    pub disabled: bool,
    /// Signs in with a password someone else gave and must change it.
    pub must_change_password: bool,
}

impl From<Account> for UserRow {
    fn from(a: Account) -> Self {
        Self {
            name: a.user.username,
            role: api_role(a.user.role),
            team: a.user.team_id,
            disabled: a.disabled,
            must_change_password: a.must_change_password,
        }
    }
}

fn api_role(role: crate::store::Role) -> Role {
    match role {
        crate::store::Role::Lead => Role::Lead,
        crate::store::Role::Inspector => Role::Inspector,
    }
}

fn store_role(role: Role) -> crate::store::Role {
    match role {
        Role::Lead => crate::store::Role::Lead,
        Role::Inspector => crate::store::Role::Inspector,
    }
}

/// `GET /api/users`: every user.
#[derive(Serialize, schemars::JsonSchema)]
pub struct UsersAnswer {
    /// By name.
    pub users: Vec<UserRow>,
}

/// `POST /api/users`: a new user.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The login name (no spaces).
    pub name: String,
    /// Lead or inspector.
    pub role: Role,
    /// The team (inspectors need one).
    pub team: Option<String>,
}

/// A user with a password shown this once (a new user, a reset).
#[derive(Serialize, schemars::JsonSchema)]
pub struct PasswordOnceAnswer {
    /// The user.
    pub user: UserRow,
    /// The password, to hand over; it is not stored and not shown again. The user
    /// must change it at the first sign-in.
    pub password: String,
}

/// `PATCH /api/users/{name}`: what changes (absent fields stay).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// The new role.
    pub role: Option<Role>,
    /// The new team; `""` takes the user off any team.
    pub team: Option<String>,
    /// Disable (true) or enable (false).
    pub disabled: Option<bool>,
}

/// `POST /api/me/password`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one (at least 8 characters).
    pub new_password: String,
}

/// `POST /api/me/password`: done.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PasswordChanged {
    /// Always true.
    pub ok: bool,
}

/// Every user (leads).
pub async fn get_users(
    State(state): State<AppState>,
    Signed(_lead): Signed,
) -> Result<Json<UsersAnswer>, ApiError> {
    let users = blocking(move || state.data.read(|ws| Ok(ws.accounts()?))).await?;
    Ok(Json(UsersAnswer {
        users: users.into_iter().map(UserRow::from).collect(),
    }))
}

/// Adds a user with a one-time password (leads).
pub async fn post_user(
    State(state): State<AppState>,
    Signed(lead): Signed,
    ApiJson(new): ApiJson<NewUser>,
) -> Result<Json<PasswordOnceAnswer>, ApiError> {
    let team = new.team.filter(|t| !t.trim().is_empty());
    if new.role == Role::Inspector && team.is_none() {
        return Err(ApiError::bad_request(
            "team: 检查员需要所属队伍 an inspector needs a team",
        ));
    }
    blocking(move || {
        let password = one_time_password();
        let mut ws = state.data.store_as(&lead.name)?;
        ws.user_add(&new.name, &password, store_role(new.role), team.as_deref())?;
        // The password came from someone else: its owner picks their own at first use.
        ws.account_require_password_change(&new.name)?;
        let user = ws.account(&new.name)?.into();
        Ok(Json(PasswordOnceAnswer { user, password }))
    })
    .await
}

/// Changes a user's role, team or state (leads).
pub async fn patch_user(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(name): Path<String>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Json<UserRow>, ApiError> {
    let change = AccountChange {
        role: patch.role.map(store_role),
        team: patch
            .team
            .map(|t| Some(t.trim().to_string()).filter(|t| !t.is_empty())),
        disabled: patch.disabled,
    };
    if change.disabled == Some(true) && name == lead.name {
        return Err(ApiError::bad_request(
            "disabled: 不能停用自己的账号 you cannot disable yourself",
        ));
    }
    let users = state.users.clone();
    let row = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        Ok(UserRow::from(ws.account_change(&name, &change)?))
    })
    .await?;
    users.forget_user(&row.name);
    Ok(Json(row))
}

/// Gives a user a new one-time password and ends their sessions (leads).
pub async fn reset_password(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(name): Path<String>,
) -> Result<Json<PasswordOnceAnswer>, ApiError> {
    let users = state.users.clone();
    let answer = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        let password = ws.account_reset_password(&name)?;
        let user = ws.account(&name)?.into();
        Ok(PasswordOnceAnswer { user, password })
    })
    .await?;
    users.forget_user(&answer.user.name);
    Ok(Json(answer))
}

/// The signed-in user changes their own password; their other sessions end.
pub async fn change_own_password(
    State(state): State<AppState>,
    Signed(user): Signed,
    headers: HeaderMap,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Json<PasswordChanged>, ApiError> {
    let token = session_token(&headers);
    let users = state.users.clone();
    let name = user.name.clone();
    super::auth::on_password_thread(move || {
        let mut ws = state.data.store_as(&user.name)?;
        ws.account_change_password(
            &user.name,
            &change.current_password,
            &change.new_password,
            token.as_deref(),
        )?;
        Ok::<_, ApiError>(())
    })
    .await??;
    users.forget_user(&name);
    Ok(Json(PasswordChanged { ok: true }))
}
