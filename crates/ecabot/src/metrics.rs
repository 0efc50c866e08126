//! The process's counters, exported at `/metrics` for Prometheus. Front ends and the delivery
//! worker report through [`ecabot_core::ports::Telemetry`]; the binary adds the scheduler's ticks, the
//! outbox backlog and readiness.
//!
//! The text is OpenMetrics 1.0 (what `prometheus-client` writes): counter families are declared
//! without `_total` (`# TYPE ecabot_updates_received counter`) and their samples carry it.

use std::{borrow::Cow, sync::atomic::AtomicU64, time::Duration};

use chrono::{DateTime, Utc};
use ecabot_core::ports::SendResult;
use ecabot_core::ports::Telemetry;
use ecabot_core::{OutboxStats, TickOutcome};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram, info::Info},
    registry::{Registry, Unit},
};

/// The content type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds for platform request latency: HTTP calls take milliseconds to seconds.
const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Label values the code passes, kept static so counting allocates nothing once a series exists.
const KNOWN_VALUES: &[&str] = &[
    "telegram",
    "discord",
    "reminder",
    "snoozed",
    "changed",
    "digest",
    "sent",
    "retried",
    "failed",
    "dropped",
    "cancelled",
    "skipped",
];

/// `value` as a label value: borrowed when it is one the code is known to pass.
fn label(value: &str) -> Cow<'static, str> {
    KNOWN_VALUES
        .iter()
        .find(|known| **known == value)
        .map_or_else(
            || Cow::Owned(value.to_owned()),
            |known| Cow::Borrowed(*known),
        )
}

/// The scope the front ends pass (`tg`, `dc`) as the platform name dashboards show.
fn platform(scope: &str) -> Cow<'static, str> {
    match scope {
        "tg" => Cow::Borrowed("telegram"),
        "dc" => Cow::Borrowed("discord"),
        other => label(other),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct PlatformLabels {
    platform: Cow<'static, str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct SentLabels {
    platform: Cow<'static, str>,
    result: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EntryLabels {
    kind: Cow<'static, str>,
    result: Cow<'static, str>,
}

type LatencyFamily = Family<PlatformLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Every metric of the process, in one registry. Handles are cheap clones of shared atomics,
/// so reporting never takes the registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    updates: Family<PlatformLabels, Counter>,
    replies: Family<PlatformLabels, Counter>,
    messages: Family<SentLabels, Counter>,
    rate_limited: Family<PlatformLabels, Counter>,
    latency: LatencyFamily,
    reminders_planned: Counter,
    digests_planned: Counter,
    entries: Family<EntryLabels, Counter>,
    outbox_pending: Gauge,
    outbox_due: Gauge,
    oldest_due_age: Gauge<f64, AtomicU64>,
    ready: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let updates = Family::default();
        registry.register(
            "ecabot_updates_received",
            "Updates (messages, button presses, commands) received from a platform",
            updates.clone(),
        );
        let replies = Family::default();
        registry.register(
            "ecabot_replies_sent",
            "Replies the bot gave a person, however many messages each took",
            replies.clone(),
        );
        let messages = Family::default();
        registry.register(
            "ecabot_messages_sent",
            "Requests that carried a message to a platform, by how they ended",
            messages.clone(),
        );
        let rate_limited = Family::default();
        registry.register(
            "ecabot_rate_limited",
            "Requests a platform refused with HTTP 429 (too many requests)",
            rate_limited.clone(),
        );
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "ecabot_send_latency",
            "Time on the wire of requests that carried a message, pacing waits excluded",
            Unit::Seconds,
            latency.clone(),
        );
        let reminders_planned = Counter::default();
        registry.register(
            "ecabot_reminders_planned",
            "Outbox entries (reminders and notices) the scheduler created",
            reminders_planned.clone(),
        );
        let digests_planned = Counter::default();
        registry.register(
            "ecabot_digests_planned",
            "Digest entries the scheduler created",
            digests_planned.clone(),
        );
        let entries = Family::default();
        registry.register(
            "ecabot_outbox_entries",
            "Outbox entries the delivery worker finished, by notice kind and outcome",
            entries.clone(),
        );
        let outbox_pending = Gauge::default();
        registry.register(
            "ecabot_outbox_pending",
            "Pending outbox entries, due or not",
            outbox_pending.clone(),
        );
        let outbox_due = Gauge::default();
        registry.register(
            "ecabot_outbox_due",
            "Pending outbox entries whose time has come (the backlog)",
            outbox_due.clone(),
        );
        let oldest_due_age = Gauge::<f64, AtomicU64>::default();
        registry.register_with_unit(
            "ecabot_outbox_oldest_due_age",
            "How long the oldest due outbox entry has waited, 0 when nothing is due",
            Unit::Seconds,
            oldest_due_age.clone(),
        );
        let ready = Gauge::default();
        registry.register(
            "ecabot_ready",
            "1 when the last readiness check passed, else 0",
            ready.clone(),
        );
        registry.register(
            "ecabot_build",
            "The running build",
            Info::new([("version", env!("CARGO_PKG_VERSION"))]),
        );
        Metrics {
            registry,
            updates,
            replies,
            messages,
            rate_limited,
            latency,
            reminders_planned,
            digests_planned,
            entries,
            outbox_pending,
            outbox_due,
            oldest_due_age,
            ready,
        }
    }

    /// Counts what one scheduler tick planned.
    pub fn record_tick(&self, outcome: &TickOutcome) {
        self.reminders_planned.inc_by(count(outcome.planned));
        self.digests_planned.inc_by(count(outcome.digests));
    }

    /// Sets the backlog gauges from the outbox's stats taken at `now`.
    pub fn set_outbox(&self, stats: &OutboxStats, now: DateTime<Utc>) {
        self.outbox_pending.set(gauge(stats.pending));
        self.outbox_due.set(gauge(stats.due));
        let age = stats.oldest_due.map_or(0.0, |oldest| {
            // Milliseconds keep sub-second precision; a clock step backwards reads as 0.
            (now - oldest).num_milliseconds().max(0) as f64 / 1000.0
        });
        self.oldest_due_age.set(age);
    }

    pub fn set_ready(&self, ready: bool) {
        self.ready.set(i64::from(ready));
    }

    /// The exposition text (OpenMetrics, served as [`CONTENT_TYPE`]).
    pub fn encode(&self) -> String {
        let mut text = String::with_capacity(4096);
        // Writing to a String cannot fail; an error would come from a label encoder, and then
        // the scrape gets what was written so far rather than nothing.
        if let Err(error) = encode(&mut text, &self.registry) {
            tracing::error!(%error, "cannot encode the metrics");
        }
        text
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn gauge(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Telemetry for Metrics {
    fn update_received(&self, scope: &str) {
        let labels = PlatformLabels {
            platform: platform(scope),
        };
        self.updates.get_or_create(&labels).inc();
    }

    fn reply_sent(&self, scope: &str) {
        let labels = PlatformLabels {
            platform: platform(scope),
        };
        self.replies.get_or_create(&labels).inc();
    }

    fn message_sent(&self, scope: &str, result: SendResult, latency: Duration) {
        let labels = PlatformLabels {
            platform: platform(scope),
        };
        self.latency
            .get_or_create(&labels)
            .observe(latency.as_secs_f64());
        if result == SendResult::RateLimited {
            self.rate_limited.get_or_create(&labels).inc();
        }
        let sent = SentLabels {
            platform: labels.platform,
            result: result.as_str(),
        };
        self.messages.get_or_create(&sent).inc();
    }

    fn entry_finished(&self, kind: &str, result: &str) {
        let labels = EntryLabels {
            kind: label(kind),
            result: label(result),
        };
        self.entries.get_or_create(&labels).inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_map_to_platform_names() {
        assert_eq!(platform("tg"), "telegram");
        assert_eq!(platform("dc"), "discord");
        assert_eq!(platform("matrix"), "matrix");
        assert!(matches!(label("reminder"), Cow::Borrowed(_)));
    }

    #[test]
    fn nothing_due_reads_as_zero_age() {
        let metrics = Metrics::new();
        let now = Utc::now();
        metrics.set_outbox(
            &OutboxStats {
                pending: 3,
                due: 1,
                oldest_due: Some(now - chrono::Duration::seconds(90)),
            },
            now,
        );
        assert!(
            metrics
                .encode()
                .contains("ecabot_outbox_oldest_due_age_seconds 90.0\n")
        );
        metrics.set_outbox(&OutboxStats::default(), now);
        assert!(
            metrics
                .encode()
                .contains("ecabot_outbox_oldest_due_age_seconds 0.0\n")
        );
    }
}
