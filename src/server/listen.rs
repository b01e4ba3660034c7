//! Connections: accepting them (at most [`ServerConfig::max_connections`] at once),
//! TLS when configured, and HTTP/1.1 with a deadline for each request's headers.
//!
//! A client that opens a connection and sends its headers slowly (or not at all), or
//! leaves a kept-alive connection idle, is dropped after
//! [`ServerConfig::header_timeout`]: hyper's header timer runs from the moment the
//! server waits for a request, so it bounds idle keep-alive time too. The cap keeps
//! file descriptors for everyone else: past it, new connections wait in the
//! listen backlog until one closes.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use super::auth::ClientAddr;
use super::{router, AppState, ServerConfig};

/// The certificate chain and private key files (PEM) the server speaks TLS with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, PEM.
    pub cert: PathBuf,
    /// The private key, PEM.
    pub key: PathBuf,
}

/// What is wrong with the TLS files.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file cannot be read or parsed as PEM.
    #[error("{file}: {problem}")]
    File {
        /// The certificate or key file.
        file: PathBuf,
        /// What went wrong.
        problem: String,
    },
    /// The certificate file holds no certificate.
    #[error("{file}: no certificate in it (a PEM file with -----BEGIN CERTIFICATE-----)")]
    NoCertificate {
        /// The certificate file.
        file: PathBuf,
    },
    /// The key is not the certificate's, or rustls refuses the pair.
    #[error("the certificate {cert} and the key {key} do not go together: {problem}")]
    Mismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// Why rustls refused them.
        problem: String,
    },
}

fn file_error(file: &Path, problem: impl ToString) -> TlsError {
    TlsError::File {
        file: file.to_path_buf(),
        problem: problem.to_string(),
    }
}

/// The rustls configuration of `files` (HTTP/1.1 only), checked: both files read,
/// at least one certificate, and the key matches it.
pub fn tls_config(files: &TlsFiles) -> Result<rustls::ServerConfig, TlsError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| file_error(&files.cert, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| file_error(&files.cert, e))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            file: files.cert.clone(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| file_error(&files.key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| file_error(&files.cert, e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Mismatch {
            cert: files.cert.clone(),
            key: files.key.clone(),
            problem: e.to_string(),
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// How long the requests in flight may take to finish once shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `state` on `listener` until `shutdown` resolves, then lets the requests in
/// flight finish (up to 30 s).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config.clone();
    let tls = match &config.tls {
        Some(files) => Some(tokio_rustls::TlsAcceptor::from(Arc::new(
            tls_config(files).map_err(std::io::Error::other)?,
        ))),
        None => None,
    };
    let app = router(state);
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin or stop.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let (app, config, tls) = (app.clone(), config.clone(), tls.clone());
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _slot = slot;
            match tls {
                None => serve_connection(stream, peer, app, &config, watcher).await,
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(config.header_timeout, acceptor.accept(stream)).await;
                    match handshake {
                        Ok(Ok(stream)) => {
                            serve_connection(stream, peer, app, &config, watcher).await
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake too slow: dropped"),
                    }
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("requests still running after {DRAIN_TIMEOUT:?}: stopping anyway");
        }
    }
    Ok(())
}

/// One connection, HTTP/1.1 with keep-alive and the header deadline.
async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    app: Router,
    config: &ServerConfig,
    watcher: hyper_util::server::graceful::Watcher,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let client = ClientAddr(peer.ip());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(client);
        app.clone().oneshot(request)
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    let connection = http.serve_connection(TokioIo::new(io), service);
    if let Err(e) = watcher.watch(connection).await {
        tracing::debug!(%peer, error = %e, "connection ended with an error");
    }
}
