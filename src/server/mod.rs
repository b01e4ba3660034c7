//! The web server: the JSON API under `/api/` and the map page, from one binary.
//!
//! This module only translates HTTP into calls on the library and back; every
//! decision (routes, coverage, draws, the ledger) is made below it. One file per
//! concern: [`layers`] (GeoJSON map layers), [`tiles`] (the site layer as vector
//! tiles), [`plan`], [`inspections`], [`coverage`],
//! [`draw`], [`export`], [`auth`] (sign-in, sessions, who sees what), [`error`]
//! (JSON errors with stable codes) and [`assets`] (the embedded page).
//!
//! Security defaults: no CORS headers at all (the page is same-origin), a body size
//! limit, a Content-Security-Policy that allows only this origin (plus the optional
//! tile server), `HttpOnly; SameSite=Strict` session cookies.

pub mod access;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod campaign;
pub mod coverage;
pub mod draw;
pub mod error;
pub mod export;
pub mod field;
pub mod host;
pub mod inspections;
pub mod layers;
pub mod listen;
pub mod openapi;
pub mod pins;
pub mod plan;
pub mod rules;
pub mod sites;
pub mod sweep;
pub mod throttle;
pub mod tiles;
pub mod users;
pub mod workspace;
pub mod writes;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::routing::{delete, get, patch, post, MethodRouter};
use axum::Router;
use serde::de::DeserializeOwned;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use auth::{MemoryUsers, Role, StoreUsers, User, UserStore};
pub use error::ApiError;
pub use listen::{tls_config, TlsError, TlsFiles};
pub use workspace::ServerData;

/// How the server runs: where it listens and what it allows.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The address and port to listen on.
    pub listen: SocketAddr,
    /// Optional tile URL template (`https://tiles.example/{z}/{x}/{y}.png`) for
    /// offices that run a tile server; the default base map needs none.
    pub tile_url: Option<String>,
    /// What `tile_url` serves.
    pub tile_kind: TileKind,
    /// How long a session lasts after sign-in.
    pub session_ttl_s: u64,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Failed sign-ins allowed per user and per address.
    pub login_limit: throttle::LoginLimit,
    /// The names (and addresses) clients may reach the server as, besides the
    /// loopback ones; a request naming another host is refused (421).
    pub hosts: Vec<String>,
    /// The certificate and key to speak HTTPS with; plain HTTP when `None`.
    pub tls: Option<TlsFiles>,
    /// Most connections open at once; more wait until one closes.
    pub max_connections: usize,
    /// How long a client has to send a request's headers (and a kept-alive
    /// connection may sit idle) before it is dropped.
    pub header_timeout: std::time::Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tile_url: None,
            tile_kind: TileKind::Raster,
            session_ttl_s: 12 * 3600,
            body_limit_bytes: 256 * 1024,
            login_limit: throttle::LoginLimit::default(),
            hosts: Vec::new(),
            tls: None,
            max_connections: 512,
            header_timeout: std::time::Duration::from_secs(10),
        }
    }
}

pub use crate::api::TileKind;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The configuration, shared read-only.
    pub config: Arc<ServerConfig>,
    /// Users and sessions.
    pub users: Arc<dyn UserStore>,
    /// The workspace served, with its base map.
    pub data: Arc<ServerData>,
    /// The road networks plans are made on.
    pub planner: Arc<plan::Planner>,
    /// Failed sign-ins by user and address.
    pub throttle: Arc<throttle::LoginThrottle>,
    /// Inspections waiting for the next commit.
    pub inspections: Arc<writes::InspectionQueue>,
}

impl AppState {
    /// The state of a server with this configuration, users and data.
    pub fn new(
        config: ServerConfig,
        users: Arc<dyn UserStore>,
        data: ServerData,
        planner: plan::Planner,
    ) -> Self {
        Self {
            throttle: Arc::new(throttle::LoginThrottle::new(config.login_limit)),
            inspections: Arc::default(),
            config: Arc::new(config),
            users,
            data: Arc::new(data),
            planner: Arc::new(planner),
        }
    }
}

/// A JSON body whose rejections are answered as [`ApiError`]s.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

/// What is wrong with an office tile server's URL template.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TileUrlError {
    /// The template does not start with `http://` or `https://`; holds it.
    #[error("`{0}` does not start with http:// or https://")]
    Scheme(String),
    /// Nothing follows the scheme; holds the template.
    #[error("`{0}` names no server after the scheme")]
    NoHost(String),
    /// The server part holds characters a host name cannot.
    #[error(
        "`{url}`: the server part `{host}` may hold only letters, digits, `.`, `-`, `:` and `[]`"
    )]
    BadHost {
        /// The template as given.
        url: String,
        /// Its server part.
        host: String,
    },
    /// A tile coordinate placeholder is missing.
    #[error("`{url}` lacks the {placeholder} placeholder (a template looks like https://tiles.example/{{z}}/{{x}}/{{y}}.png)")]
    Placeholder {
        /// The template as given.
        url: String,
        /// The missing placeholder: `{z}`, `{x}` or `{y}`.
        placeholder: &'static str,
    },
}

/// The origin (`scheme://host[:port]`) of a tile URL template, checked: http(s), a
/// plain host, and the `{z}`, `{x}` and `{y}` placeholders. The page may reach that
/// origin and no other.
///
/// ```
/// use gridpatrol::server::tile_origin;
/// assert_eq!(tile_origin("http://10.0.0.5:8081/osm/{z}/{x}/{y}.pbf").unwrap(), "http://10.0.0.5:8081");
/// assert!(tile_origin("10.0.0.5/{z}/{x}/{y}.png").is_err());
/// ```
pub fn tile_origin(url: &str) -> Result<String, TileUrlError> {
    let (scheme, rest) = url
        .split_once("://")
        .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
        .ok_or_else(|| TileUrlError::Scheme(url.into()))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(TileUrlError::NoHost(url.into()));
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    if !host.chars().all(plain) {
        return Err(TileUrlError::BadHost {
            url: url.into(),
            host: host.into(),
        });
    }
    for placeholder in ["{z}", "{x}", "{y}"] {
        if !url.contains(placeholder) {
            return Err(TileUrlError::Placeholder {
                url: url.into(),
                placeholder,
            });
        }
    }
    Ok(format!("{scheme}://{host}"))
}

/// The Content-Security-Policy: this origin only, plus the configured tile server.
fn content_security_policy(tile_url: Option<&str>) -> String {
    let tiles = tile_url
        .and_then(|u| tile_origin(u).ok())
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; \
         img-src 'self' data: blob:{tiles}; connect-src 'self'{tiles}; \
         style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// `GET /api/config`: what the page needs before it draws the map.
async fn page_config(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<crate::api::ConfigAnswer> {
    let ws = &state.data;
    axum::Json(crate::api::ConfigAnswer {
        township: ws.township_name().to_string(),
        bounds: ws.bounds(),
        tile_url: state.config.tile_url.clone(),
        tile_kind: state.config.tile_kind,
        layers: layers::LAYER_NAMES.iter().map(|l| l.to_string()).collect(),
    })
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    if uri.path().starts_with("/api/") {
        ApiError::not_found("no such API endpoint")
    } else {
        ApiError::not_found(format!("no page `{}`", uri.path()))
    }
}

/// Every route the server answers: method, path and handler. Each one needs a rule in
/// [`access::RULES`]; a route without one is refused to everybody.
fn routes() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("GET", "/", get(assets::index)),
        ("GET", "/static/{*path}", get(assets::page_file)),
        ("GET", "/manifest.webmanifest", get(assets::manifest)),
        ("GET", "/sw.js", get(assets::service_worker)),
        (
            "GET",
            "/vendor/maplibre-gl/{*path}",
            get(assets::maplibre_file),
        ),
        ("GET", "/api/config", get(page_config)),
        ("POST", "/api/login", post(auth::login)),
        ("POST", "/api/logout", post(auth::logout)),
        ("GET", "/api/me", get(auth::me)),
        ("POST", "/api/users/{name}/unlock", post(auth::unlock)),
        ("GET", "/api/layers/{name}", get(layers::get_layer)),
        (
            "GET",
            "/api/tiles/{layer}/{z}/{x}/{y}",
            get(tiles::get_tile),
        ),
        ("GET", "/api/coverage", get(coverage::get_coverage)),
        ("POST", "/api/plan", post(plan::post_plan)),
        ("POST", "/api/plan/{id}/publish", post(plan::publish_plan)),
        ("POST", "/api/campaign", post(campaign::post_campaign)),
        ("GET", "/api/campaign/progress", get(campaign::get_progress)),
        ("POST", "/api/campaign/replan", post(campaign::post_replan)),
        ("GET", "/api/plan", get(plan::get_plan)),
        ("GET", "/api/plan/sheet/{team}", get(plan::get_sheet)),
        (
            "POST",
            "/api/inspections",
            post(inspections::post_inspection),
        ),
        ("GET", "/api/inspections/{id}", get(field::get_inspection)),
        (
            "POST",
            "/api/inspections/{id}/photos",
            post(field::post_inspection_photo)
                .layer(DefaultBodyLimit::max(field::PHOTO_BODY_LIMIT)),
        ),
        ("GET", "/api/photos/{sha256}", get(field::get_photo)),
        ("POST", "/api/sites/proposals", post(field::post_proposal)),
        ("GET", "/api/sites/proposals", get(field::get_proposals)),
        (
            "POST",
            "/api/sites/proposals/{id}/photos",
            post(field::post_proposal_photo).layer(DefaultBodyLimit::max(field::PHOTO_BODY_LIMIT)),
        ),
        (
            "POST",
            "/api/sites/proposals/{id}/accept",
            post(field::accept_proposal),
        ),
        (
            "POST",
            "/api/sites/proposals/{id}/merge",
            post(field::merge_proposal),
        ),
        (
            "POST",
            "/api/sites/proposals/{id}/reject",
            post(field::reject_proposal),
        ),
        ("GET", "/api/sites/{id}/dossier", get(field::get_dossier)),
        ("POST", "/api/draw", post(draw::post_draw)),
        ("GET", "/api/export/{file}", get(export::get_export)),
        ("GET", "/api/rules", get(rules::get_rules)),
        ("GET", "/api/pins", get(pins::get_pins)),
        ("POST", "/api/pins", post(pins::post_pin)),
        ("DELETE", "/api/pins/{site}", delete(pins::delete_pin)),
        ("GET", "/api/audit", get(audit::get_audit)),
        ("GET", "/api/openapi.json", get(openapi::get_openapi)),
        // Users in the page (issue 16 item 11).
        ("GET", "/api/users", get(users::get_users)),
        ("POST", "/api/users", post(users::post_user)),
        ("PATCH", "/api/users/{name}", patch(users::patch_user)),
        (
            "POST",
            "/api/users/{name}/password-reset",
            post(users::reset_password),
        ),
        ("POST", "/api/me/password", post(users::change_own_password)),
        // The sweep in the page (issue 16 item 10).
        ("GET", "/api/sweep/{cell}", get(sweep::get_sweep)),
        ("POST", "/api/sites", post(sites::post_site)),
        ("PATCH", "/api/sites/{id}", patch(sites::patch_site)),
        ("GET", "/api/sites/{id}", get(sites::get_site)),
    ]
}

/// Runs a store call off the async threads (SQLite blocks), as every handler must.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

/// `(method, path)` of every route the router answers, for the access tests.
pub fn route_list() -> Vec<(&'static str, &'static str)> {
    routes()
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect()
}

/// The whole application: API, page and middleware.
pub fn router(state: AppState) -> Router {
    let csp = HeaderValue::from_str(&content_security_policy(state.config.tile_url.as_deref()))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    // Over HTTPS, browsers are told to use nothing else for this host for a year.
    let hsts = state
        .config
        .tls
        .is_some()
        .then(|| HeaderValue::from_static("max-age=31536000"));
    let hosts = Arc::new(host::AllowedHosts::new(&state.config));
    routes()
        .into_iter()
        .fold(Router::new(), |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::enforce,
        ))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            STRICT_TRANSPORT_SECURITY,
            hsts,
        ))
        .layer(axum::middleware::from_fn_with_state(
            hosts,
            host::check_host,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state
                .config
                .header_timeout
                .max(std::time::Duration::from_secs(30)),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight (see
/// [`listen::serve`]: the connection cap, header deadline and TLS).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listen::serve(listener, state, shutdown).await
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_urls_are_checked_before_the_page_is_told() {
        assert_eq!(
            tile_origin("https://tiles.example/{z}/{x}/{y}.png?key=1").unwrap(),
            "https://tiles.example"
        );
        assert_eq!(
            tile_origin("http://[::1]:8081/{z}/{x}/{y}.pbf").unwrap(),
            "http://[::1]:8081"
        );
        let error = |url: &str| tile_origin(url).unwrap_err().to_string();
        assert_eq!(
            error("tiles.example/{z}/{x}/{y}.png"),
            "`tiles.example/{z}/{x}/{y}.png` does not start with http:// or https://"
        );
        assert!(error("ftp://t/{z}/{x}/{y}").contains("does not start with http"));
        assert!(error("http:///{z}/{x}/{y}").contains("names no server"));
        // A host that would write into the Content-Security-Policy header.
        assert!(error("http://a; script-src *").contains("may hold only"));
        assert!(error("http://t.example/{z}/{x}.png").contains("lacks the {y} placeholder"));
        assert_eq!(
            content_security_policy(Some("http://a; script-src */{z}/{x}/{y}")),
            content_security_policy(None)
        );
    }

    #[test]
    fn every_route_has_an_access_rule_and_every_rule_a_route() {
        let routes = route_list();
        for (method, path) in &routes {
            let method: axum::http::Method = method.parse().unwrap();
            assert!(
                access::rule_of(&method, path).is_some(),
                "{method} {path} has no rule in access::RULES"
            );
        }
        for rule in access::RULES {
            assert!(
                routes.contains(&(rule.method, rule.path)),
                "the rule for {} {} names no route",
                rule.method,
                rule.path
            );
        }
    }

    #[test]
    fn csp_names_only_this_origin_and_the_tile_host() {
        let plain = content_security_policy(None);
        assert!(plain.contains("connect-src 'self';"));
        assert!(!plain.contains('*'));
        let tiles = content_security_policy(Some("https://tiles.gov.example/{z}/{x}/{y}.png"));
        assert!(tiles.contains("img-src 'self' data: blob: https://tiles.gov.example;"));
    }
}
