//! Who may call what: every route of the server, with its rule, in one table.
//!
//! [`enforce`] runs before every handler: it finds the signed-in user (if any), looks
//! the matched route up in [`RULES`] and refuses with 401 or 403 before the handler
//! is reached. A route missing from the table is refused for everyone (and logged),
//! so a new endpoint is closed until someone writes down who may use it. Handlers
//! read the user the check found through [`super::auth::Signed`].

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::{self, User};
use super::error::ApiError;
use super::AppState;

/// What a route asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    Signed,
    /// Leads only.
    Lead,
    /// A lead, or an inspector of the team the path names (`{team}`).
    OwnTeam,
    /// A map layer: the base map is public, the township's records need a session.
    Layer,
    /// A download: the rule of the file asked for, from [`export_rule`].
    Export,
}

/// One route: method, path as the router writes it, and its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteRule {
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path as the router writes it (`/api/plans/{team}`).
    pub path: &'static str,
    /// Who may call it.
    pub rule: Rule,
}

const fn route(method: &'static str, path: &'static str, rule: Rule) -> RouteRule {
    RouteRule { method, path, rule }
}

/// Every route the server answers, with its rule.
pub const RULES: &[RouteRule] = &[
    route("GET", "/", Rule::Public),
    route("GET", "/static/{*path}", Rule::Public),
    route("GET", "/manifest.webmanifest", Rule::Public),
    route("GET", "/sw.js", Rule::Public),
    route("GET", "/vendor/maplibre-gl/{*path}", Rule::Public),
    route("GET", "/api/config", Rule::Public),
    route("POST", "/api/login", Rule::Public),
    route("POST", "/api/logout", Rule::Public),
    route("GET", "/api/me", Rule::Public),
    route("POST", "/api/users/{name}/unlock", Rule::Lead),
    route("GET", "/api/layers/{name}", Rule::Layer),
    route("GET", "/api/tiles/{layer}/{z}/{x}/{y}", Rule::Signed),
    route("GET", "/api/coverage", Rule::Signed),
    route("POST", "/api/plan", Rule::Lead),
    route("POST", "/api/plan/{id}/publish", Rule::Lead),
    route("POST", "/api/campaign", Rule::Lead),
    route("GET", "/api/campaign/progress", Rule::Lead),
    route("POST", "/api/campaign/replan", Rule::Lead),
    route("GET", "/api/plan", Rule::Signed),
    route("GET", "/api/plan/sheet/{team}", Rule::OwnTeam),
    route("POST", "/api/inspections", Rule::Signed),
    // The record decides (its team, its proposer): checked in `field`.
    route("GET", "/api/inspections/{id}", Rule::Signed),
    route("POST", "/api/inspections/{id}/photos", Rule::Signed),
    route("GET", "/api/photos/{sha256}", Rule::Signed),
    route("POST", "/api/sites/proposals", Rule::Signed),
    route("GET", "/api/sites/proposals", Rule::Signed),
    route("POST", "/api/sites/proposals/{id}/photos", Rule::Signed),
    route("POST", "/api/sites/proposals/{id}/accept", Rule::Lead),
    route("POST", "/api/sites/proposals/{id}/merge", Rule::Lead),
    route("POST", "/api/sites/proposals/{id}/reject", Rule::Lead),
    route("GET", "/api/sites/{id}/dossier", Rule::Signed),
    route("POST", "/api/draw", Rule::Lead),
    route("GET", "/api/export/{file}", Rule::Export),
    route("GET", "/api/rules", Rule::Signed),
    route("GET", "/api/pins", Rule::Lead),
    route("POST", "/api/pins", Rule::Lead),
    route("DELETE", "/api/pins/{site}", Rule::Lead),
    route("GET", "/api/audit", Rule::Lead),
    route("GET", "/api/openapi.json", Rule::Public),
    route("GET", "/api/users", Rule::Lead),
    route("POST", "/api/users", Rule::Lead),
    route("PATCH", "/api/users/{name}", Rule::Lead),
    route("POST", "/api/users/{name}/password-reset", Rule::Lead),
    route("POST", "/api/me/password", Rule::Signed),
    route("GET", "/api/sweep/{cell}", Rule::Signed),
    route("POST", "/api/sites", Rule::Lead),
    route("PATCH", "/api/sites/{id}", Rule::Lead),
    route("GET", "/api/sites/{id}", Rule::Signed),
];

/// The downloads under `/api/export/`, by file name pattern (`*` any text), with what
/// each needs. The ledger holds every team's findings: leads only.
pub const EXPORTS: &[(&str, Rule)] = &[
    ("ledger.csv", Rule::Lead),
    ("ledger.xlsx", Rule::Lead),
    ("coverage.csv", Rule::Signed),
    ("coverage.xlsx", Rule::Signed),
    ("routes-*.gpx", Rule::OwnTeam),
    ("*.geojson", Rule::Signed),
];

/// The rule of `method` on the router path `path`, if the table has one.
pub fn rule_of(method: &Method, path: &str) -> Option<Rule> {
    RULES
        .iter()
        .find(|r| r.path == path && r.method == method.as_str())
        .map(|r| r.rule)
}

/// The rule of an export file; unknown names need a session (then answer 404).
pub fn export_rule(file: &str) -> Rule {
    EXPORTS
        .iter()
        .find(|(pattern, _)| matches_pattern(pattern, file))
        .map_or(Rule::Signed, |(_, rule)| *rule)
}

/// `pattern` with at most one `*` standing for any text.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
        }
    }
}

/// What a request needs once its rule is applied to its path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    Nothing,
    Session,
    Lead,
    Team(String),
}

/// The need of `rule` for a request whose path is `path` (the team or file named
/// in it decides for [`Rule::OwnTeam`], [`Rule::Layer`] and [`Rule::Export`]).
fn need(rule: Rule, path: &str) -> Need {
    let last = percent_decode(path.rsplit('/').next().unwrap_or_default());
    match rule {
        Rule::Public => Need::Nothing,
        Rule::Signed => Need::Session,
        Rule::Lead => Need::Lead,
        Rule::OwnTeam => Need::Team(last),
        Rule::Layer if matches!(last.as_str(), "base" | "base.geojson") => Need::Nothing,
        Rule::Layer => Need::Session,
        Rule::Export => match export_rule(&last) {
            Rule::OwnTeam => Need::Team(
                last.strip_prefix("routes-")
                    .and_then(|f| f.strip_suffix(".gpx"))
                    .unwrap_or_default()
                    .to_string(),
            ),
            other => need(other, ""),
        },
    }
}

/// Decodes `%XX` escapes (team names may be Chinese); bad escapes stay as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `user` meets `need`: 401 without a session, 403 with the wrong one.
fn check(need: &Need, user: Option<&User>) -> Result<(), ApiError> {
    let signed = |user: Option<&User>| user.cloned().ok_or_else(ApiError::unauthorized);
    match need {
        Need::Nothing => Ok(()),
        Need::Session => signed(user).map(|_| ()),
        Need::Lead if signed(user)?.is_lead() => Ok(()),
        Need::Lead => Err(ApiError::forbidden("only a lead may do this")),
        Need::Team(team) if signed(user)?.may_see_team(team) => Ok(()),
        Need::Team(team) => Err(ApiError::forbidden(format!(
            "only a lead or team `{team}` may see this"
        ))),
    }
}

/// The user a checked request was made by (`None`: not signed in), for the handlers.
#[derive(Debug, Clone)]
pub struct Checked(pub Option<User>);

/// Middleware: applies the route's rule before the handler runs.
pub async fn enforce(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let Some(matched) = matched else {
        // No route matched: the fallbacks answer 404 / 405.
        return next.run(Request::from_parts(parts, body)).await;
    };
    // HEAD is answered by the GET handler, under the GET rule.
    let method = if parts.method == Method::HEAD {
        Method::GET
    } else {
        parts.method.clone()
    };
    let Some(rule) = rule_of(&method, matched.as_str()) else {
        if RULES.iter().any(|r| r.path == matched.as_str()) {
            return ApiError::method_not_allowed().into_response();
        }
        tracing::error!(method = %parts.method, route = matched.as_str(), "route without an access rule refused");
        return ApiError::forbidden("this route has no access rule").into_response();
    };
    let need = need(rule, parts.uri.path());
    if need == Need::Nothing {
        // Open to all: no session to look up (handlers that want one ask for it).
        return next.run(Request::from_parts(parts, body)).await;
    }
    let user = match auth::request_user(&parts, &state).await {
        Ok(user) => user,
        Err(e) => return e.into_response(),
    };
    if let Err(refused) = check(&need, user.as_ref()) {
        tracing::info!(
            route = matched.as_str(),
            user = user.as_ref().map_or("-", |u| u.name.as_str()),
            code = refused.code,
            "refused by the access rules"
        );
        return refused.into_response();
    }
    parts.extensions.insert(Checked(user));
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::Role;

    fn user(role: Role, team: Option<&str>) -> User {
        User {
            name: "u".into(),
            role,
            team: team.map(str::to_string),
        }
    }

    #[test]
    fn exports_and_layers_are_ruled_by_the_file_they_name() {
        assert_eq!(export_rule("ledger.csv"), Rule::Lead);
        assert_eq!(export_rule("routes-A.gpx"), Rule::OwnTeam);
        assert_eq!(export_rule("cells.geojson"), Rule::Signed);
        assert_eq!(
            need(Rule::Export, "/api/export/routes-%E4%B8%80%E9%98%9F.gpx"),
            Need::Team("一队".into())
        );
        assert_eq!(need(Rule::Export, "/api/export/ledger.xlsx"), Need::Lead);
        assert_eq!(need(Rule::Layer, "/api/layers/base"), Need::Nothing);
        assert_eq!(need(Rule::Layer, "/api/layers/cells"), Need::Session);
        assert!(!matches_pattern("routes-*.gpx", "routes.gpx"));
    }

    #[test]
    fn each_need_refuses_the_wrong_people() {
        let inspector = user(Role::Inspector, Some("A"));
        let lead = user(Role::Lead, None);
        let code = |need: Need, u: Option<&User>| check(&need, u).err().map(|e| e.status.as_u16());
        assert_eq!(code(Need::Nothing, None), None);
        assert_eq!(code(Need::Session, None), Some(401));
        assert_eq!(code(Need::Lead, Some(&inspector)), Some(403));
        assert_eq!(code(Need::Lead, Some(&lead)), None);
        assert_eq!(code(Need::Team("A".into()), Some(&inspector)), None);
        assert_eq!(code(Need::Team("B".into()), Some(&inspector)), Some(403));
        assert_eq!(code(Need::Team("B".into()), Some(&lead)), None);
        assert_eq!(code(Need::Team("B".into()), None), Some(401));
    }

    #[test]
    fn every_route_has_one_rule() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                !RULES[..i]
                    .iter()
                    .any(|o| o.path == r.path && o.method == r.method),
                "{} {} twice",
                r.method,
                r.path
            );
        }
    }
}
