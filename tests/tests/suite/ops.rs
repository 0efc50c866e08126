//! The operations endpoints as an orchestrator and a Prometheus scraper see them: liveness,
//! readiness that follows its checks, metrics that parse as Prometheus text and move with the
//! events reported through `Telemetry`, and `ecabot healthcheck`'s client.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, TimeZone, Utc};
use ecabot::{
    metrics::Metrics,
    ops::{Check, Probe, healthcheck, serve_ops},
};
use ecabot_core::ports::SendResult;
use ecabot_core::ports::Telemetry;
use ecabot_core::{OutboxStats, TickOutcome};
use prometheus_parse::{Sample, Scrape, Value};

/// A bot whose database can be switched off, with an outbox backlog whose oldest due entry has
/// waited 90 s at the moment of every scrape.
struct TestProbe {
    database: AtomicBool,
    stats: OutboxStats,
    now: DateTime<Utc>,
    refreshes: AtomicUsize,
    /// How long each call takes (to exceed the endpoints' time limits).
    delay: Duration,
}

impl TestProbe {
    fn new(delay: Duration) -> TestProbe {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        TestProbe {
            database: AtomicBool::new(true),
            stats: OutboxStats {
                pending: 7,
                due: 4,
                oldest_due: Some(now - chrono::Duration::seconds(90)),
            },
            now,
            refreshes: AtomicUsize::new(0),
            delay,
        }
    }
}

#[async_trait::async_trait]
impl Probe for TestProbe {
    async fn readiness(&self) -> Vec<Check> {
        tokio::time::sleep(self.delay).await;
        let database = self.database.load(Ordering::SeqCst);
        vec![
            Check {
                name: "database",
                ok: database,
                detail: if database {
                    String::new()
                } else {
                    "connection refused".into()
                },
            },
            Check {
                name: "telegram",
                ok: true,
                detail: String::new(),
            },
        ]
    }

    async fn refresh(&self, metrics: &Metrics) {
        tokio::time::sleep(self.delay).await;
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        metrics.set_outbox(&self.stats, self.now);
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn parse(text: &str) -> Scrape {
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).unwrap()
}

/// The one sample named `name` with exactly `labels`.
fn sample<'s>(scrape: &'s Scrape, name: &str, labels: &[(&str, &str)]) -> &'s Sample {
    let found: Vec<&Sample> = scrape
        .samples
        .iter()
        .filter(|s| {
            s.metric == name
                && s.labels.len() == labels.len()
                && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))
        })
        .collect();
    assert_eq!(found.len(), 1, "{name}{labels:?} in {:#?}", scrape.samples);
    found[0]
}

/// A counter's value. The text is OpenMetrics: `# TYPE ecabot_x counter` declares the family
/// without `_total`, so prometheus-parse (which looks types up by sample name) reads the
/// `ecabot_x_total` samples as untyped. Names, labels and values are what matter.
fn counter(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    match sample(scrape, name, labels).value {
        Value::Counter(v) | Value::Untyped(v) => v,
        ref other => panic!("{name} is not a counter: {other:?}"),
    }
}

fn gauge(scrape: &Scrape, name: &str) -> f64 {
    match sample(scrape, name, &[]).value {
        Value::Gauge(v) => v,
        ref other => panic!("{name} is not a gauge: {other:?}"),
    }
}

/// The histogram's buckets as (upper bound, cumulative count).
fn buckets(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Vec<(f64, f64)> {
    match &sample(scrape, name, labels).value {
        Value::Histogram(hs) => hs.iter().map(|h| (h.less_than, h.count)).collect(),
        other => panic!("{name} is not a histogram: {other:?}"),
    }
}

const TG: &[(&str, &str)] = &[("platform", "telegram")];
const DC: &[(&str, &str)] = &[("platform", "discord")];

/// Some of everything the bot reports.
fn report(telemetry: &dyn Telemetry) {
    for _ in 0..3 {
        telemetry.update_received("tg");
    }
    telemetry.update_received("dc");
    telemetry.reply_sent("tg");
    telemetry.reply_sent("tg");
    telemetry.message_sent("tg", SendResult::Ok, Duration::from_millis(20));
    telemetry.message_sent("tg", SendResult::RateLimited, Duration::from_millis(120));
    telemetry.message_sent("tg", SendResult::Error, Duration::from_secs(4));
    telemetry.message_sent("dc", SendResult::Ok, Duration::from_millis(40));
    telemetry.entry_finished("reminder", "sent");
    telemetry.entry_finished("reminder", "sent");
    telemetry.entry_finished("reminder", "retried");
    telemetry.entry_finished("digest", "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_answer_and_metrics_follow_events() {
    let metrics = Arc::new(Metrics::new());
    report(metrics.as_ref());
    metrics.record_tick(&TickOutcome {
        planned: 5,
        digests: 2,
        ..TickOutcome::default()
    });
    let probe = Arc::new(TestProbe::new(Duration::ZERO));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (addr, server) = serve_ops(
        "127.0.0.1:0".parse().unwrap(),
        metrics.clone(),
        probe.clone(),
        async move {
            let _ = stopped.await;
        },
    )
    .await
    .unwrap();
    assert_ne!(addr.port(), 0);
    let base = format!("http://{addr}");
    let http = client();

    assert_eq!(
        get(&http, &format!("{base}/healthz")).await,
        (200, "ok\n".into())
    );

    let (status, body) = get(&http, &format!("{base}/readyz")).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "ready\ndatabase: ok\ntelegram: ok\n")
    );
    let scrape = parse(&get(&http, &format!("{base}/metrics")).await.1);
    assert_eq!(gauge(&scrape, "ecabot_ready"), 1.0);

    probe.database.store(false, Ordering::SeqCst);
    let (status, body) = get(&http, &format!("{base}/readyz")).await;
    assert_eq!(status, 503);
    assert_eq!(
        body,
        "not ready\ndatabase: connection refused\ntelegram: ok\n"
    );

    let response = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        content_type,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    let scrape = parse(&text);

    assert_eq!(gauge(&scrape, "ecabot_ready"), 0.0);
    assert_eq!(counter(&scrape, "ecabot_updates_received_total", TG), 3.0);
    assert_eq!(counter(&scrape, "ecabot_updates_received_total", DC), 1.0);
    assert_eq!(counter(&scrape, "ecabot_replies_sent_total", TG), 2.0);
    for (result, n) in [("ok", 1.0), ("rate_limited", 1.0), ("error", 1.0)] {
        let labels = [("platform", "telegram"), ("result", result)];
        assert_eq!(counter(&scrape, "ecabot_messages_sent_total", &labels), n);
    }
    assert_eq!(
        counter(
            &scrape,
            "ecabot_messages_sent_total",
            &[("platform", "discord"), ("result", "ok")]
        ),
        1.0
    );
    assert_eq!(counter(&scrape, "ecabot_rate_limited_total", TG), 1.0);
    assert!(
        !scrape
            .samples
            .iter()
            .any(|s| s.metric == "ecabot_rate_limited_total"
                && s.labels.get("platform") == Some("discord")),
        "discord was never rate limited"
    );

    let telegram = buckets(&scrape, "ecabot_send_latency_seconds", TG);
    assert_eq!(telegram.first(), Some(&(0.005, 0.0)));
    assert_eq!(telegram.last(), Some(&(f64::INFINITY, 3.0)));
    let at = |bound: f64| telegram.iter().find(|(le, _)| *le == bound).unwrap().1;
    assert_eq!(
        (at(0.025), at(0.25), at(2.5), at(5.0), at(10.0)),
        (1.0, 2.0, 2.0, 3.0, 3.0)
    );
    assert_eq!(
        counter(&scrape, "ecabot_send_latency_seconds_count", TG),
        3.0
    );
    let sum = counter(&scrape, "ecabot_send_latency_seconds_sum", TG);
    assert!((sum - 4.14).abs() < 1e-9, "{sum}");

    assert_eq!(counter(&scrape, "ecabot_reminders_planned_total", &[]), 5.0);
    assert_eq!(counter(&scrape, "ecabot_digests_planned_total", &[]), 2.0);
    let entries = |kind: &str, result: &str| {
        counter(
            &scrape,
            "ecabot_outbox_entries_total",
            &[("kind", kind), ("result", result)],
        )
    };
    assert_eq!(entries("reminder", "sent"), 2.0);
    assert_eq!(entries("reminder", "retried"), 1.0);
    assert_eq!(entries("digest", "sent"), 1.0);

    // The probe refreshed the backlog before the scrape.
    assert!(probe.refreshes.load(Ordering::SeqCst) >= 2);
    assert_eq!(gauge(&scrape, "ecabot_outbox_pending"), 7.0);
    assert_eq!(gauge(&scrape, "ecabot_outbox_due"), 4.0);
    assert_eq!(gauge(&scrape, "ecabot_outbox_oldest_due_age_seconds"), 90.0);
    let build = sample(
        &scrape,
        "ecabot_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))],
    );
    assert!(
        matches!(build.value, Value::Untyped(v) | Value::Gauge(v) if v == 1.0),
        "{build:?}"
    );

    // More events: the next scrape counts them on top.
    report(metrics.as_ref());
    metrics.record_tick(&TickOutcome {
        planned: 1,
        ..TickOutcome::default()
    });
    probe.database.store(true, Ordering::SeqCst);
    assert_eq!(get(&http, &format!("{base}/readyz")).await.0, 200);
    let again = parse(&get(&http, &format!("{base}/metrics")).await.1);
    assert_eq!(counter(&again, "ecabot_updates_received_total", TG), 6.0);
    assert_eq!(counter(&again, "ecabot_rate_limited_total", TG), 2.0);
    assert_eq!(
        counter(&again, "ecabot_send_latency_seconds_count", TG),
        6.0
    );
    assert_eq!(
        counter(
            &again,
            "ecabot_outbox_entries_total",
            &[("kind", "reminder"), ("result", "sent")]
        ),
        4.0
    );
    assert_eq!(counter(&again, "ecabot_reminders_planned_total", &[]), 6.0);
    assert_eq!(counter(&again, "ecabot_digests_planned_total", &[]), 2.0);
    assert_eq!(gauge(&again, "ecabot_ready"), 1.0);

    assert_eq!(get(&http, &format!("{base}/nothing-here")).await.0, 404);
    assert_eq!(get(&http, &format!("{base}/")).await.0, 404);
    for path in ["/healthz", "/readyz", "/metrics"] {
        let response = http.post(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 405, "POST {path}");
    }

    healthcheck(&addr.to_string(), Duration::from_secs(5))
        .await
        .unwrap();
    let wildcard = format!("0.0.0.0:{}", addr.port());
    healthcheck(&wildcard, Duration::from_secs(5))
        .await
        .unwrap();

    drop(http);
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops when told")
        .unwrap();
    assert!(
        healthcheck(&addr.to_string(), Duration::from_secs(5))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn healthcheck_fails_on_a_closed_port_and_a_wrong_answer() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap().to_string();
    drop(listener);
    let error = healthcheck(&closed, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(error.contains(&closed), "{error}");

    // Something that answers, but not 200.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 1024];
        let _ = socket.read(&mut request).await.unwrap();
        socket
            .write_all(b"HTTP/1.0 500 Internal Server Error\r\n\r\n")
            .await
            .unwrap();
    });
    let error = healthcheck(&addr, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(error.contains("500"), "{error}");

    // Something that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let error = healthcheck(&addr, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(error.contains("did not answer"), "{error}");
    drop(silent);
}

/// Probes slower than the endpoints' limits: /readyz says not ready in time, /metrics serves
/// the last values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_checks_are_not_ready_and_slow_refreshes_still_scrape() {
    let metrics = Arc::new(Metrics::new());
    metrics.set_ready(true);
    metrics.update_received("tg");
    let probe = Arc::new(TestProbe::new(Duration::from_secs(30)));
    let (addr, _server) = serve_ops(
        "127.0.0.1:0".parse().unwrap(),
        metrics.clone(),
        probe.clone(),
        std::future::pending(),
    )
    .await
    .unwrap();
    let http = client();
    let base = format!("http://{addr}");

    let (readyz, metrics_url) = (format!("{base}/readyz"), format!("{base}/metrics"));
    let ((ready_status, ready_body), (scrape_status, text)) =
        tokio::join!(get(&http, &readyz), get(&http, &metrics_url));
    assert_eq!(ready_status, 503);
    assert_eq!(ready_body, "not ready\nchecks did not finish within 3 s\n");
    assert_eq!(scrape_status, 200);
    let scrape = parse(&text);
    assert_eq!(counter(&scrape, "ecabot_updates_received_total", TG), 1.0);
    // Never refreshed: the backlog gauges keep their last (initial) values.
    assert_eq!(probe.refreshes.load(Ordering::SeqCst), 0);
    assert_eq!(gauge(&scrape, "ecabot_outbox_pending"), 0.0);
    assert_eq!(gauge(&scrape, "ecabot_outbox_oldest_due_age_seconds"), 0.0);
    // The readiness gauge followed the timed-out check.
    assert!(metrics.encode().contains("\necabot_ready 0\n"));
}

/// Every family the operator docs name is in the exposition once something was reported.
#[test]
fn every_documented_family_is_exported() {
    let metrics = Metrics::new();
    report(&metrics);
    metrics.record_tick(&TickOutcome::default());
    metrics.set_outbox(&OutboxStats::default(), Utc::now());
    let scrape = parse(&metrics.encode());
    let names: std::collections::HashSet<&str> =
        scrape.samples.iter().map(|s| s.metric.as_str()).collect();
    for family in [
        "ecabot_updates_received_total",
        "ecabot_replies_sent_total",
        "ecabot_messages_sent_total",
        "ecabot_rate_limited_total",
        "ecabot_send_latency_seconds",
        "ecabot_send_latency_seconds_count",
        "ecabot_send_latency_seconds_sum",
        "ecabot_reminders_planned_total",
        "ecabot_digests_planned_total",
        "ecabot_outbox_entries_total",
        "ecabot_outbox_pending",
        "ecabot_outbox_due",
        "ecabot_outbox_oldest_due_age_seconds",
        "ecabot_ready",
        "ecabot_build_info",
    ] {
        assert!(names.contains(family), "{family} missing from {names:?}");
    }
    let histogram = scrape
        .samples
        .iter()
        .find(|s| s.metric == "ecabot_send_latency_seconds")
        .unwrap();
    assert!(matches!(histogram.value, Value::Histogram(_)));
}
