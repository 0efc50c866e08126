//! The operations HTTP server: liveness (`/healthz`), readiness (`/readyz`) and Prometheus
//! metrics (`/metrics`) for orchestrators and scrapers, plus the client side of
//! `ecabot healthcheck` for images that ship no curl.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};

use crate::metrics::{self, Metrics};

/// Readiness checks get this long: an orchestrator's probe should hear back before its own
/// timeout rather than hang.
const READY_TIMEOUT: Duration = Duration::from_secs(3);
/// A scrape waits this long for fresh gauges, then serves the last values.
const REFRESH_TIMEOUT: Duration = Duration::from_secs(2);

/// One readiness check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    /// Why it failed (ignored when `ok`).
    pub detail: String,
}

/// What the server asks the running bot; the binary implements it over its store and front ends.
#[async_trait::async_trait]
pub trait Probe: Send + Sync {
    /// Every check /readyz reports (database, telegram, discord …).
    async fn readiness(&self) -> Vec<Check>;
    /// Refreshes gauges that are read from elsewhere (the outbox backlog) before a scrape.
    /// Failures are the probe's to log: the scrape serves the last values either way.
    async fn refresh(&self, metrics: &Metrics);
}

#[derive(Clone)]
struct Ops {
    metrics: Arc<Metrics>,
    probe: Arc<dyn Probe>,
}

/// Binds `addr` (port 0 allowed) and serves until `shutdown` resolves; returns the bound address.
pub async fn serve_ops(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    probe: Arc<dyn Probe>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(scrape))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(Ops { metrics, probe });
    tracing::info!(%addr, "operations endpoints: /healthz /readyz /metrics");
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "the operations server stopped");
        }
    });
    Ok((addr, task))
}

/// Liveness: answering at all shows the process and its runtime are alive.
async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(ops): State<Ops>) -> impl IntoResponse {
    let (ready, body) = match tokio::time::timeout(READY_TIMEOUT, ops.probe.readiness()).await {
        Ok(checks) => readiness_report(&checks),
        Err(_) => {
            tracing::warn!(timeout = ?READY_TIMEOUT, "readiness checks timed out");
            let secs = READY_TIMEOUT.as_secs();
            (
                false,
                format!("not ready\nchecks did not finish within {secs} s\n"),
            )
        }
    };
    ops.metrics.set_ready(ready);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body)
}

/// Whether every check passed, and the plain-text body naming each.
fn readiness_report(checks: &[Check]) -> (bool, String) {
    let ready = checks.iter().all(|check| check.ok);
    let mut body = String::from(if ready { "ready\n" } else { "not ready\n" });
    for check in checks {
        body.push_str(check.name);
        body.push_str(": ");
        // One line per check, whatever the detail holds.
        let detail = if check.ok { "ok" } else { check.detail.trim() };
        body.extend(detail.chars().map(|c| if c == '\n' { ' ' } else { c }));
        body.push('\n');
    }
    (ready, body)
}

async fn scrape(State(ops): State<Ops>) -> impl IntoResponse {
    if tokio::time::timeout(REFRESH_TIMEOUT, ops.probe.refresh(&ops.metrics))
        .await
        .is_err()
    {
        tracing::warn!(timeout = ?REFRESH_TIMEOUT, "refreshing the metrics timed out; serving the last values");
    }
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        ops.metrics.encode(),
    )
}

/// `ecabot healthcheck`: GET /healthz at `addr` (host:port) over plain HTTP, within `timeout`;
/// Ok when it answers 200. A wildcard address (`0.0.0.0:9464`, the listen address the image
/// sets) is asked on loopback.
pub async fn healthcheck(addr: &str, timeout: Duration) -> Result<(), String> {
    let target = loopback_for_wildcard(addr);
    match tokio::time::timeout(timeout, get_healthz(&target)).await {
        Ok(result) => result,
        Err(_) => Err(format!("{target} did not answer within {timeout:?}")),
    }
}

fn loopback_for_wildcard(addr: &str) -> String {
    match addr.parse::<SocketAddr>() {
        Ok(SocketAddr::V4(a)) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, a.port())).to_string()
        }
        Ok(SocketAddr::V6(a)) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, a.port())).to_string()
        }
        _ => addr.to_owned(),
    }
}

async fn get_healthz(addr: &str) -> Result<(), String> {
    // The server asked is this one's own: a proxy from the environment has no say.
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot ask {addr}: {}", reason(e)))?;
    let response = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .map_err(|e| {
            if e.is_connect() {
                format!("cannot connect to {addr}: {}", reason(e))
            } else {
                format!(
                    "{addr} closed the connection without answering: {}",
                    reason(e)
                )
            }
        })?;
    match response.status() {
        reqwest::StatusCode::OK => Ok(()),
        status => Err(format!("{addr} answered {status}")),
    }
}

/// The error and its causes, without the URL (the caller names the address).
fn reason(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_failing_checks_on_one_line_each() {
        let checks = [
            Check {
                name: "database",
                ok: true,
                detail: String::new(),
            },
            Check {
                name: "telegram",
                ok: false,
                detail: "getMe failed:\nconnection refused".into(),
            },
        ];
        let (ready, body) = readiness_report(&checks);
        assert!(!ready);
        assert_eq!(
            body,
            "not ready\ndatabase: ok\ntelegram: getMe failed: connection refused\n"
        );
        assert_eq!(readiness_report(&checks[..1]).1, "ready\ndatabase: ok\n");
    }

    #[test]
    fn wildcard_addresses_are_asked_on_loopback() {
        assert_eq!(loopback_for_wildcard("0.0.0.0:9464"), "127.0.0.1:9464");
        assert_eq!(loopback_for_wildcard("[::]:9464"), "[::1]:9464");
        assert_eq!(loopback_for_wildcard("ecabot:9464"), "ecabot:9464");
    }
}
