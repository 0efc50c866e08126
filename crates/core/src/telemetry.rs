//! What the bot counts about itself, for operators' dashboards and alerts. Front ends and the
//! delivery worker report here; the binary exports it (Prometheus text). The core only names
//! the events, so no metrics library leaks into the core or the adapters.

use std::{fmt, sync::Arc, time::Duration};

/// How one platform request that carried a message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendResult {
    Ok,
    /// The platform said "too many requests" (HTTP 429).
    RateLimited,
    /// Any other failure.
    Error,
}

impl SendResult {
    pub fn as_str(self) -> &'static str {
        match self {
            SendResult::Ok => "ok",
            SendResult::RateLimited => "rate_limited",
            SendResult::Error => "error",
        }
    }
}

/// Events worth counting. Every method has a do-nothing default, so a front end without an
/// operator (tests, `ecabot chat`) passes [`NoTelemetry`]. `scope` is the platform (`tg`, `dc`).
pub trait Telemetry: Send + Sync {
    /// An update (message, button press, command) arrived from the platform.
    fn update_received(&self, _scope: &str) {}
    /// The bot answered a person (one reply, however many messages it took).
    fn reply_sent(&self, _scope: &str) {}
    /// One request that carried a message to the platform ended after `latency` on the wire
    /// (pacing waits not included).
    fn message_sent(&self, _scope: &str, _result: SendResult, _latency: Duration) {}
    /// The delivery worker finished an outbox entry: `kind` is the notice's kind (`reminder`,
    /// `digest`, …) and `result` how it ended (`sent`, `retried`, `failed`, `dropped`, …).
    fn entry_finished(&self, _kind: &str, _result: &str) {}
}

/// Counts nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTelemetry;

impl Telemetry for NoTelemetry {}

/// A shared handle to the process's telemetry; `Debug` so configs holding one stay printable.
#[derive(Clone)]
pub struct TelemetryRef(pub Arc<dyn Telemetry>);

impl TelemetryRef {
    pub fn none() -> TelemetryRef {
        TelemetryRef(Arc::new(NoTelemetry))
    }
}

impl Default for TelemetryRef {
    fn default() -> Self {
        TelemetryRef::none()
    }
}

impl std::ops::Deref for TelemetryRef {
    type Target = dyn Telemetry;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}

impl fmt::Debug for TelemetryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TelemetryRef")
    }
}
