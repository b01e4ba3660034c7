//! The `Host` a request names must be one the server was told it serves as: the
//! loopback names, each `--host`, and the address it listens on. A page from
//! another site that points its own name at this machine (DNS rebinding) names
//! its own host, and is refused before any handler runs.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::ServerConfig;

/// The names every server answers as.
pub const LOOPBACK_NAMES: &[&str] = &["localhost", "127.0.0.1", "[::1]"];

/// The host names (lower case, without port) requests may name.
#[derive(Debug, Clone)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// The loopback names, the configured hosts and the listen address (unless it is
    /// the any-address `0.0.0.0` / `[::]`).
    pub fn new(config: &ServerConfig) -> Self {
        let listen = match config.listen.ip() {
            ip if ip.is_unspecified() => None,
            IpAddr::V4(v4) => Some(v4.to_string()),
            IpAddr::V6(v6) => Some(format!("[{v6}]")),
        };
        let mut names: Vec<String> = LOOPBACK_NAMES
            .iter()
            .map(|n| n.to_string())
            .chain(config.hosts.iter().map(|h| normalise(h)))
            .chain(listen)
            .collect();
        names.dedup();
        Self(names)
    }

    /// Whether a `Host` header value (`name[:port]`) names this server.
    pub fn allows(&self, host: &str) -> bool {
        let name = normalise(host_name(host));
        self.0.contains(&name)
    }
}

/// A host as compared: lower case, without a trailing dot; IPv6 in brackets.
fn normalise(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    match host.parse::<std::net::Ipv6Addr>() {
        Ok(v6) => format!("[{v6}]"),
        Err(_) => host,
    }
}

/// The name part of `name[:port]` (`[v6]:port` keeps its brackets).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Middleware: 400 without a `Host`, 421 for a host not served here.
pub async fn check_host(
    State(allowed): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    let named = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| {
            request
                .headers()
                .get(HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
    let Some(host) = named else {
        return ApiError::bad_request("the request names no host (send a Host header)")
            .into_response();
    };
    if !allowed.allows(&host) {
        tracing::warn!(%host, "request for another host refused");
        return ApiError::wrong_host(format!(
            "this server does not answer as `{host}`: it answers as {}; start `gridpatrol serve` with `--host {}` to add it",
            allowed.0.join(", "),
            host_name(&host)
        ))
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(listen: &str, hosts: &[&str]) -> AllowedHosts {
        AllowedHosts::new(&ServerConfig {
            listen: listen.parse().unwrap(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            ..ServerConfig::default()
        })
    }

    #[test]
    fn loopback_names_configured_hosts_and_the_listen_address_are_served() {
        let local = allowed("127.0.0.1:8080", &[]);
        for ok in [
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "LOCALHOST",
            "localhost.",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "10.0.0.5:8080",
        ] {
            assert!(!local.allows(refused), "{refused}");
        }
        let office = allowed("0.0.0.0:8443", &["gp.township.example", "10.0.0.5"]);
        assert!(office.allows("gp.township.example:8443"));
        assert!(office.allows("10.0.0.5:8443"));
        assert!(!office.allows("0.0.0.0:8443"));
        let lan = allowed("192.168.1.20:8080", &[]);
        assert!(lan.allows("192.168.1.20:8080"));
        let v6 = allowed("[fd00::5]:8080", &[]);
        assert!(v6.allows("[fd00::5]:8080"));
    }
}
