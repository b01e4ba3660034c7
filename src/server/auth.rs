//! Sign-in, sessions and who may see what.
//!
//! Users and sessions live behind [`UserStore`], so the server does not care whether
//! they sit in the SQLite workspace or in memory (tests). The session token travels
//! in an `HttpOnly; SameSite=Strict` cookie; writes also need a JSON body, which a
//! cross-site form cannot send, and an `Origin` (when the browser sends one) equal
//! to the host.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};

use axum::extract::{Extension, FromRequestParts, Path, State};
use axum::http::header::{COOKIE, HOST, ORIGIN, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};

pub use crate::store::{hash_password, password_matches};

use super::access::Checked;
use super::error::ApiError;
use super::{ApiJson, AppState};

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "gp_session";

use crate::api::session::{LoginAnswer, LogoutAnswer, MeAnswer, UnlockAnswer};
pub use crate::api::session::{LoginRequest, Role, User};

/// Failure of the user store (not a wrong password: that is `Ok(None)`).
#[derive(Debug, thiserror::Error)]
#[error("user store: {0}")]
pub struct StoreError(pub String);

/// Where users and sessions live. Implementations keep only argon2 hashes; tokens are
/// random and expire.
pub trait UserStore: Send + Sync + 'static {
    /// The user named `name` and the hash of their password: a quick lookup, so a
    /// lock held for it is never held while hashing.
    fn credentials(&self, name: &str) -> Result<Option<(User, String)>, StoreError>;
    /// The user, when `password` is theirs. An unknown name costs the same hashing as
    /// a known one (a dummy hash), so the answer time does not tell names apart.
    fn verify(&self, name: &str, password: &str) -> Result<Option<User>, StoreError> {
        match self.credentials(name)? {
            Some((user, hash)) => Ok(password_matches(password, &hash).then_some(user)),
            None => {
                password_matches(password, dummy_hash());
                Ok(None)
            }
        }
    }
    /// A new session for `name`, valid for `ttl_s` seconds; returns its token.
    fn open_session(&self, name: &str, ttl_s: u64) -> Result<String, StoreError>;
    /// The user of a live session.
    fn session_user(&self, token: &str) -> Result<Option<User>, StoreError>;
    /// Ends a session (unknown tokens are fine).
    fn close_session(&self, token: &str) -> Result<(), StoreError>;
    /// The user of a live session when known without blocking (a memory lookup);
    /// `None` means "ask [`UserStore::session_user`]".
    fn known_session_user(&self, _token: &str) -> Option<User> {
        None
    }
    /// Forgets what is remembered of `name`'s sessions, after a lead changed the
    /// account (disabled, new role or team, new password): the next request asks again.
    fn forget_user(&self, _name: &str) {}
}

/// How many threads check passwords. Each argon2 check takes 19 MiB, which the
/// allocator keeps per thread: on a few threads of their own (not the blocking
/// pool's hundreds), guessing at any rate cannot grow the server's memory, and
/// sign-ins are checked first come, first served.
const PASSWORD_THREADS: usize = 2;

type PasswordJob = Box<dyn FnOnce() + Send>;

/// Runs `job` on one of the password threads and waits for it.
pub async fn on_password_thread<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    static QUEUE: OnceLock<Mutex<std::sync::mpsc::Sender<PasswordJob>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (send, receive) = std::sync::mpsc::channel::<PasswordJob>();
        let receive = std::sync::Arc::new(Mutex::new(receive));
        for i in 0..PASSWORD_THREADS {
            let receive = receive.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("passwords-{i}"))
                .spawn(move || loop {
                    let next = receive.lock().ok().and_then(|r| r.recv().ok());
                    match next {
                        // A job that panics loses its answer, not the thread.
                        Some(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        None => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        Mutex::new(send)
    });
    let (reply, answer) = tokio::sync::oneshot::channel();
    queue
        .lock()
        .map_err(|_| ApiError::internal("password queue poisoned"))?
        .send(Box::new(move || {
            let _ = reply.send(job());
        }))
        .map_err(|_| ApiError::internal("the password threads stopped"))?;
    answer
        .await
        .map_err(|_| ApiError::internal("a password check stopped"))
}

/// A hash of a random password, made once with the same parameters as real ones:
/// checked against for unknown user names.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

/// A fresh random session token (256 bits, hex).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Users and sessions in memory: for tests and for a server without a workspace.
#[derive(Default)]
pub struct MemoryUsers {
    users: Mutex<HashMap<String, (User, String)>>,
    sessions: Mutex<HashMap<String, (String, std::time::Instant)>>,
}

impl MemoryUsers {
    /// Adds (or replaces) a user with this password.
    pub fn add(&self, user: User, password: &str) -> Result<(), StoreError> {
        let hash = hash_password(password).map_err(|e| StoreError(e.to_string()))?;
        let mut users = self.users.lock().map_err(|e| StoreError(e.to_string()))?;
        users.insert(user.name.clone(), (user, hash));
        Ok(())
    }
}

impl UserStore for MemoryUsers {
    fn credentials(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        let users = self.users.lock().map_err(|e| StoreError(e.to_string()))?;
        Ok(users.get(name).cloned())
    }
    fn open_session(&self, name: &str, ttl_s: u64) -> Result<String, StoreError> {
        let token = new_token();
        let expires = std::time::Instant::now() + std::time::Duration::from_secs(ttl_s);
        let mut sessions = self
            .sessions
            .lock()
            .map_err(|e| StoreError(e.to_string()))?;
        sessions.retain(|_, (_, t)| *t > std::time::Instant::now());
        sessions.insert(token.clone(), (name.to_string(), expires));
        Ok(token)
    }
    fn session_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        let sessions = self
            .sessions
            .lock()
            .map_err(|e| StoreError(e.to_string()))?;
        let Some((name, expires)) = sessions.get(token) else {
            return Ok(None);
        };
        if *expires <= std::time::Instant::now() {
            return Ok(None);
        }
        let users = self.users.lock().map_err(|e| StoreError(e.to_string()))?;
        Ok(users.get(name).map(|(u, _)| u.clone()))
    }
    fn close_session(&self, token: &str) -> Result<(), StoreError> {
        let mut sessions = self
            .sessions
            .lock()
            .map_err(|e| StoreError(e.to_string()))?;
        sessions.remove(token);
        Ok(())
    }
}

/// The session token from the request's cookies.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|t| !t.is_empty())
}

/// Rejects state-changing requests whose `Origin` is not this host (cross-site).
fn check_origin(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    if host.is_some() && origin_host == host {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "cross-origin request from `{origin}` refused"
        )))
    }
}

/// The signed-in user; rejects with 401 `unauthorized` when there is none.
pub struct Signed(pub User);

/// The signed-in user, if any.
pub struct MaybeSigned(pub Option<User>);

/// The user of the request's session (checking a write's `Origin` first): what the
/// access rules ([`super::access`]) decide on.
pub async fn request_user(parts: &Parts, state: &AppState) -> Result<Option<User>, ApiError> {
    check_origin(&parts.method, &parts.headers)?;
    let Some(token) = session_token(&parts.headers) else {
        return Ok(None);
    };
    if let Some(user) = state.users.known_session_user(&token) {
        return Ok(Some(user));
    }
    let users = state.users.clone();
    tokio::task::spawn_blocking(move || users.session_user(&token))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

impl FromRequestParts<AppState> for MaybeSigned {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // The access rules found the user already; ask again only outside them.
        if let Some(Checked(user)) = parts.extensions.get::<Checked>() {
            return Ok(MaybeSigned(user.clone()));
        }
        Ok(MaybeSigned(request_user(parts, state).await?))
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match MaybeSigned::from_request_parts(parts, state).await?.0 {
            Some(user) => Ok(Signed(user)),
            None => Err(ApiError::unauthorized()),
        }
    }
}

/// The session cookie; `Secure` (sent over HTTPS only) when the server speaks TLS.
fn session_cookie(token: &str, max_age_s: u64, secure: bool) -> Result<HeaderValue, ApiError> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_s}{secure}"
    ))
    .map_err(ApiError::internal)
}

/// The address a request came from, set by the connection loop ([`super::listen`]).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// `429 too_many_attempts` with `Retry-After` in whole seconds.
fn held(wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = ApiError::too_many_attempts(format!(
        "too many failed sign-ins: try again in {} min, or ask a lead to unlock the user",
        seconds.div_ceil(60)
    ))
    .into_response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// `POST /api/login`: checks the password, opens a session, sets the cookie. Names
/// and addresses with too many recent failures are held ([`super::throttle`]) before
/// any hashing; hashing runs on the password threads, under no lock.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Option<Extension<ClientAddr>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    check_origin(&Method::POST, &headers)?;
    let address = client.map_or(IpAddr::from([0, 0, 0, 0]), |Extension(c)| c.0);
    if let Some(wait) = state.throttle.wait(&req.name, address) {
        tracing::warn!(user = %req.name, %address, wait_s = wait.as_secs(), "sign-in held: too many failures");
        return Ok(held(wait));
    }
    let users = state.users.clone();
    let ttl_s = state.config.session_ttl_s;
    let name = req.name.clone();
    let opened = on_password_thread(move || {
        let user = users.verify(&req.name, &req.password)?;
        user.map(|u| users.open_session(&u.name, ttl_s).map(|t| (u, t)))
            .transpose()
    })
    .await?
    .map_err(ApiError::internal)?;
    let Some((user, token)) = opened else {
        let (by_user, by_address) = state.throttle.failed(&name, address);
        tracing::warn!(user = %name, %address, by_user, by_address, "sign-in refused: wrong name or password");
        return Err(ApiError::bad_credentials());
    };
    state.throttle.clear_user(&user.name);
    tracing::info!(user = %user.name, %address, "signed in");
    let must_change_password = must_change_password(&state, &user.name).await?;
    let mut response = axum::Json(LoginAnswer {
        user,
        must_change_password,
    })
    .into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        session_cookie(&token, ttl_s, state.config.tls.is_some())?,
    );
    Ok(response)
}

/// `POST /api/users/{name}/unlock` (leads): forgets the user's failed sign-ins.
pub async fn unlock(
    State(state): State<AppState>,
    Signed(lead): Signed,
    Path(name): Path<String>,
) -> axum::Json<UnlockAnswer> {
    let held = state.throttle.clear_user(&name);
    tracing::info!(user = %name, lead = %lead.name, held, "sign-in unlocked");
    axum::Json(UnlockAnswer {
        user: name,
        unlocked: held,
    })
}

/// `POST /api/logout`: ends the session and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_origin(&Method::POST, &headers)?;
    if let Some(token) = session_token(&headers) {
        let users = state.users.clone();
        tokio::task::spawn_blocking(move || users.close_session(&token))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?;
    }
    let mut response = axum::Json(LogoutAnswer { ok: true }).into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        session_cookie("", 0, state.config.tls.is_some())?,
    );
    Ok(response)
}

/// `GET /api/me`: the signed-in user, or `{"user": null}`.
pub async fn me(
    State(state): State<AppState>,
    MaybeSigned(user): MaybeSigned,
) -> Result<axum::Json<MeAnswer>, ApiError> {
    let must_change_password = match &user {
        Some(u) => must_change_password(&state, &u.name).await?,
        None => false,
    };
    Ok(axum::Json(MeAnswer {
        user,
        must_change_password,
    }))
}

/// Whether `name` still signs in with a password someone else gave.
async fn must_change_password(state: &AppState, name: &str) -> Result<bool, ApiError> {
    let state = state.clone();
    let name = name.to_string();
    super::blocking(move || {
        state
            .data
            .read(|ws| Ok(ws.account(&name).is_ok_and(|a| a.must_change_password)))
    })
    .await
}

/// Users and sessions in the SQLite workspace (argon2 hashes, hashed session tokens).
pub struct StoreUsers {
    ws: Mutex<crate::store::Workspace>,
    /// Live sessions looked up lately, by token: user, expiry, when looked up. Spares
    /// every request a query; a session ended here is forgotten at once, one ended
    /// by another process within [`SESSION_RECHECK`].
    known: Mutex<HashMap<String, KnownSession>>,
}

/// A session's user, its expiry and when the workspace was last asked about it.
type KnownSession = (User, chrono::DateTime<chrono::Utc>, std::time::Instant);

/// How long a looked-up session is trusted before the workspace is asked again.
pub const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(30);

/// Most sessions remembered at once (then the memory starts afresh).
const MAX_KNOWN_SESSIONS: usize = 10_000;

impl StoreUsers {
    /// Users of this workspace (its own connection, beside the server's).
    pub fn new(ws: crate::store::Workspace) -> Self {
        Self {
            ws: Mutex::new(ws),
            known: Mutex::new(HashMap::new()),
        }
    }
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, crate::store::Workspace>, StoreError> {
        self.ws.lock().map_err(|e| StoreError(e.to_string()))
    }
}

fn from_store_user(u: crate::store::User) -> User {
    User {
        name: u.username,
        role: match u.role {
            crate::store::Role::Lead => Role::Lead,
            crate::store::Role::Inspector => Role::Inspector,
        },
        team: u.team_id,
    }
}

impl UserStore for StoreUsers {
    fn credentials(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        let found = self
            .lock()?
            .user_with_hash(name)
            .map_err(|e| StoreError(e.to_string()))?;
        Ok(found.map(|(u, hash)| (from_store_user(u), hash)))
    }
    fn open_session(&self, name: &str, ttl_s: u64) -> Result<String, StoreError> {
        let mut ws = self.lock()?;
        let ttl = chrono::Duration::seconds(i64::try_from(ttl_s).unwrap_or(i64::MAX / 1000));
        ws.session_create(name, ttl)
            .map_err(|e| StoreError(e.to_string()))
    }
    fn session_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        let ws = self.lock()?;
        let Some(session) = ws
            .session_get(token)
            .map_err(|e| StoreError(e.to_string()))?
        else {
            return Ok(None);
        };
        let user = from_store_user(session.user);
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= MAX_KNOWN_SESSIONS {
                known.clear();
            }
            let now = std::time::Instant::now();
            known.insert(token.to_string(), (user.clone(), session.expires_at, now));
        }
        Ok(Some(user))
    }
    fn close_session(&self, token: &str) -> Result<(), StoreError> {
        let mut ws = self.lock()?;
        if let Ok(mut known) = self.known.lock() {
            known.remove(token);
        }
        ws.session_delete(token)
            .map_err(|e| StoreError(e.to_string()))
    }
    fn forget_user(&self, name: &str) {
        if let Ok(mut known) = self.known.lock() {
            known.retain(|_, (user, _, _)| user.name != name);
        }
    }
    fn known_session_user(&self, token: &str) -> Option<User> {
        let known = self.known.lock().ok()?;
        let (user, expires_at, looked_up) = known.get(token)?;
        (*expires_at > chrono::Utc::now() && looked_up.elapsed() < SESSION_RECHECK)
            .then(|| user.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_round_trip() {
        let hash = hash_password("s3cret").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("s3cret", &hash));
        assert!(!password_matches("s3cret ", &hash));
        assert!(!password_matches("s3cret", "not a hash"));
    }

    #[test]
    fn sessions_expire_and_close() {
        let users = MemoryUsers::default();
        let user = User {
            name: "li".into(),
            role: Role::Inspector,
            team: Some("A".into()),
        };
        users.add(user.clone(), "pw").unwrap();
        assert_eq!(users.verify("li", "pw").unwrap(), Some(user.clone()));
        assert_eq!(users.verify("li", "PW").unwrap(), None);
        let live = users.open_session("li", 3600).unwrap();
        let dead = users.open_session("li", 0).unwrap();
        assert_eq!(users.session_user(&live).unwrap(), Some(user));
        assert_eq!(users.session_user(&dead).unwrap(), None);
        users.close_session(&live).unwrap();
        assert_eq!(users.session_user(&live).unwrap(), None);
    }

    #[test]
    fn token_from_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; gp_session=abc; b=2"));
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
        headers.insert(COOKIE, HeaderValue::from_static("gp_session="));
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn inspectors_see_only_their_team() {
        let inspector = User {
            name: "wang".into(),
            role: Role::Inspector,
            team: Some("B".into()),
        };
        assert!(inspector.may_see_team("B"));
        assert!(!inspector.may_see_team("A"));
        let lead = User {
            name: "zhao".into(),
            role: Role::Lead,
            team: None,
        };
        assert!(lead.may_see_team("A"));
    }
}
