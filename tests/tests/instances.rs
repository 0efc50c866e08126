//! Several `ecabot serve` processes on one PostgreSQL, against one fake Bot API, as operators
//! run the bot at scale: 2,000 subscribers of one call whose reminder is due.
//!
//! - every reminder arrives exactly once, the fleet together never exceeds the configured
//!   global rate (sliding 1 s windows at the fake), updates reach whichever instance's webhook
//!   they are posted to, and /metrics on each instance parses and adds up;
//! - one instance of three is SIGKILLed 10 times during the fan-out: nothing is lost, and the
//!   only repeats are messages sent just before a kill and not yet marked (the documented
//!   send-then-crash window); they are counted and reported;
//! - PostgreSQL goes away for 20 s during the fan-out (a relay in front of it cuts every
//!   connection and refuses new ones): /readyz says unready, nothing is lost, the fan-out
//!   resumes when the database is back, and the sends whose mark failed in the cut are marked
//!   by their own workers, not sent again.
//!
//! The three tests take turns (they measure rates; sharing two cores would blur them).

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use chrono::Utc;
use ecabot_core::CallStore;
use ecabot_core::ports::Outbox;
use ecabot_store::SqlStore;
use ecabot_tests::{
    TestDatabase, call_toml, ecabot_binary,
    fake_telegram::{FakeTelegram, FakeUser},
    fleet::{FleetConfig, Instance, WEBHOOK_SECRET},
    pg_proxy::{PgProxy, server_of},
    seed_subscribers,
    telegram::CANARY_TOKEN,
};

const SUBSCRIBERS: usize = 2_000;
/// The first subscriber's chat id.
const FIRST: usize = 500_000;
/// TELEGRAM_RATE_LIMIT for the whole fleet.
const RATE: u32 = 100;

static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The PostgreSQL server these stories need; without one (outside CI) they say so and end.
fn postgres() -> Option<String> {
    let url = ecabot_tests::postgres_url();
    if url.is_none() {
        eprintln!("the multi-instance stories need PostgreSQL");
    }
    url
}

/// A fresh database with `SUBSCRIBERS` English chats subscribed to everything and one call
/// whose 1-day reminder came due 20 s ago.
async fn seeded(admin_url: &str) -> TestDatabase {
    // Built first: the reminder's moment must still be inside the first tick's window when
    // the instances start.
    ecabot_binary();
    let db = TestDatabase::postgres(admin_url).await;
    let store = SqlStore::open(&db.url).await.expect("the database opens");
    let deadline = Utc::now() + chrono::Duration::days(1) - chrono::Duration::seconds(20);
    let toml = call_toml(
        "fleet-call",
        "Cluster Booster Academy",
        // Local time in the call's zone, as operators write it.
        &deadline
            .with_timezone(&chrono_tz::Europe::Brussels)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string(),
    );
    let drafts = ecabot_core::formats::import::parse_toml(&toml).expect("the call parses");
    store
        // Known before its reminder's moment, as a real call is.
        .import_calls(&drafts, Utc::now() - chrono::Duration::minutes(5))
        .await
        .expect("the call is imported");
    store.close().await;
    seed_subscribers(&db.url, SUBSCRIBERS, FIRST).await;
    db
}

fn fleet(
    db_url: &str,
    fake: &FakeTelegram,
    lease_secs: u64,
    dir: &tempfile::TempDir,
) -> FleetConfig {
    FleetConfig {
        database_url: db_url.to_owned(),
        bot_api_url: fake.url(),
        rate: RATE,
        lease_secs,
        data_dir: dir.path().to_path_buf(),
    }
}

fn subscriber_ids() -> impl Iterator<Item = i64> {
    (FIRST..FIRST + SUBSCRIBERS).map(|i| i as i64)
}

/// Messages per subscriber so far.
fn deliveries(fake: &FakeTelegram) -> BTreeMap<i64, Vec<Instant>> {
    let mut by_chat: BTreeMap<i64, Vec<Instant>> = BTreeMap::new();
    for message in fake.sent() {
        if (FIRST as i64..(FIRST + SUBSCRIBERS) as i64).contains(&message.chat_id) {
            by_chat.entry(message.chat_id).or_default().push(message.at);
        }
    }
    by_chat
}

/// Waits until every subscriber got at least one message.
async fn wait_all_reached(fake: &FakeTelegram, timeout: Duration, instances: &[Instance]) {
    let deadline = Instant::now() + timeout;
    loop {
        let reached = deliveries(fake).len();
        if reached == SUBSCRIBERS {
            return;
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = instances
                .iter()
                .map(|i| format!("--- {}\n{}", i.name, tail(&i.log(), 40)))
                .collect();
            panic!(
                "only {reached} of {SUBSCRIBERS} subscribers reached within {timeout:?}\n{}",
                logs.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn tail(log: &str, lines: usize) -> String {
    let all: Vec<&str> = log.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Every outbox entry of the fan-out ended as sent.
async fn assert_all_marked_sent(db_url: &str) {
    let store = SqlStore::open(db_url).await.expect("the database opens");
    let entries = store.entries(None).await.expect("entries");
    let reminders: Vec<_> = entries
        .iter()
        .filter(|e| e.notice.kind() == "reminder")
        .collect();
    assert_eq!(reminders.len(), SUBSCRIBERS, "one entry per subscriber");
    let unsent: Vec<_> = reminders
        .iter()
        .filter(|e| e.state != ecabot_core::EntryState::Sent)
        .map(|e| format!("{} {:?} {:?}", e.chat, e.state, e.last_error))
        .take(10)
        .collect();
    assert!(unsent.is_empty(), "entries not sent: {unsent:?}");
    store.close().await;
}

async fn post_update(instance: &Instance, update: &serde_json::Value) -> u16 {
    reqwest::Client::new()
        .post(format!("http://{}/telegram", instance.webhook))
        .header("content-type", "application/json")
        .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
        .body(update.to_string())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the webhook answers")
        .status()
        .as_u16()
}

fn sum(metrics: &[BTreeMap<String, f64>], key: &str) -> f64 {
    metrics.iter().filter_map(|m| m.get(key)).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_send_each_reminder_once_within_the_global_rate() {
    let Some(admin) = postgres() else { return };
    let _turn = TURN.lock().await;
    let db = seeded(&admin).await;
    let fake = FakeTelegram::start(CANARY_TOKEN).await;
    // The fake answers 429 beyond the rate: the fleet must never be told to slow down.
    fake.set_limits(Some(RATE), None);
    let dir = tempfile::tempdir().unwrap();
    let config = fleet(&db.url, &fake, 60, &dir);
    let mut instances: Vec<Instance> = (0..3)
        .map(|i| Instance::spawn(&config, &format!("instance-{i}")))
        .collect();
    for instance in &mut instances {
        instance.wait_ready(Duration::from_secs(60)).await;
    }
    let (url, secret) = fake.webhook().expect("the webhook was set");
    assert_eq!(url, "https://bot.example.org/telegram");
    assert_eq!(secret.as_deref(), Some(WEBHOOK_SECRET));

    // Webhook traffic is shared: whichever instance an update reaches answers it.
    for (i, instance) in instances.iter().enumerate() {
        let user = FakeUser::new(9_000 + i as i64, "Web", Some("fi"));
        let mut update = fake.private_text(&user, "/start");
        update["update_id"] = (100 + i as i64).into();
        assert_eq!(post_update(instance, &update).await, 200);
        let welcome = fake.wait_for(user.id, 1, Duration::from_secs(30)).await;
        assert!(welcome[0].text.starts_with("Hei!"), "{}", welcome[0].text);
    }

    wait_all_reached(&fake, Duration::from_secs(120), &instances).await;
    // Time for a late duplicate to show up, were there one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let by_chat = deliveries(&fake);
    let twice: Vec<_> = by_chat.iter().filter(|(_, at)| at.len() != 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert!(subscriber_ids().all(|id| by_chat.contains_key(&id)));
    let peak = fake.peak_per_second();
    assert!(
        peak <= RATE as usize,
        "{peak} messages within one second, above {RATE}"
    );
    assert_eq!(fake.too_many_requests(), 0, "the fake had to refuse sends");
    assert_all_marked_sent(&db.url).await;

    let mut metrics = Vec::new();
    for instance in &instances {
        metrics.push(instance.metrics().await);
    }
    let sent_key = "ecabot_outbox_entries_total{kind=\"reminder\",result=\"sent\"}";
    assert_eq!(sum(&metrics, sent_key), SUBSCRIBERS as f64, "{metrics:#?}");
    assert_eq!(
        sum(&metrics, "ecabot_reminders_planned_total"),
        SUBSCRIBERS as f64
    );
    let senders = metrics
        .iter()
        .filter(|m| m.get(sent_key).copied().unwrap_or(0.0) > 0.0)
        .count();
    assert!(
        senders >= 2,
        "the instances share the fan-out: {senders} sent"
    );
    for m in &metrics {
        assert_eq!(
            m.get("ecabot_updates_received_total{platform=\"telegram\"}"),
            Some(&1.0)
        );
        assert_eq!(m.get("ecabot_outbox_due"), Some(&0.0));
        // Every message sent (its reminders and the welcome) had its latency observed.
        let observed = m
            .get("ecabot_send_latency_seconds_bucket{le=\"inf\",platform=\"telegram\"}")
            .copied()
            .unwrap_or(0.0);
        let sent = m.get(sent_key).copied().unwrap_or(0.0);
        assert_eq!(
            observed,
            sent + 1.0,
            "latencies observed for {sent} reminders + 1 welcome"
        );
    }
    eprintln!(
        "fan-out: {SUBSCRIBERS} reminders, peak {peak}/s (limit {RATE}), per instance: {:?}",
        metrics
            .iter()
            .map(|m| m.get(sent_key).copied().unwrap_or(0.0))
            .collect::<Vec<_>>()
    );
    for instance in instances {
        let log = instance.stop().await;
        assert!(
            !log.contains(CANARY_TOKEN.split_once(':').unwrap().1),
            "token in the log"
        );
        assert!(
            log.lines().all(
                |l| l.trim().is_empty() || serde_json::from_str::<serde_json::Value>(l).is_ok()
            ),
            "ECABOT_LOG_FORMAT=json writes one JSON object per line:\n{}",
            tail(&log, 5)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_instances_during_a_fan_out_loses_nothing() {
    let Some(admin) = postgres() else { return };
    let _turn = TURN.lock().await;
    let db = seeded(&admin).await;
    let fake = FakeTelegram::start(CANARY_TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let config = fleet(&db.url, &fake, 8, &dir);
    let mut instances: Vec<Instance> = (0..3)
        .map(|i| Instance::spawn(&config, &format!("instance-{i}")))
        .collect();
    for instance in &mut instances {
        instance.wait_ready(Duration::from_secs(60)).await;
    }
    let mut kills: Vec<Instant> = Vec::new();
    for round in 0..10 {
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        let victim = round % 3;
        instances[victim].kill();
        kills.push(Instant::now());
        let replacement = Instance::spawn(&config, &format!("instance-{victim}-{round}"));
        instances[victim] = replacement;
    }
    let reached_during_kills = deliveries(&fake).len();
    wait_all_reached(&fake, Duration::from_secs(180), &instances).await;
    // Past the lease: anything a killed instance held has been sent by now, or never will be.
    tokio::time::sleep(Duration::from_secs(config.lease_secs + 2)).await;
    let by_chat = deliveries(&fake);
    assert!(
        subscriber_ids().all(|id| by_chat.contains_key(&id)),
        "a reminder was lost"
    );
    let repeated: Vec<(&i64, &Vec<Instant>)> =
        by_chat.iter().filter(|(_, at)| at.len() > 1).collect();
    for (chat, at) in &repeated {
        assert_eq!(at.len(), 2, "chat {chat} got {} copies", at.len());
        // The first copy went out just before a kill: sent, not yet marked.
        let first = at[0];
        assert!(
            kills
                .iter()
                .any(|kill| *kill >= first && kill.duration_since(first) < Duration::from_secs(1)),
            "chat {chat}: a repeat whose first copy was not sent in the second before a kill"
        );
    }
    assert_all_marked_sent(&db.url).await;
    eprintln!(
        "10 kills: {reached_during_kills} reached while killing, all {SUBSCRIBERS} reached, {} sent twice (send-then-crash window)",
        repeated.len()
    );
    assert!(
        reached_during_kills < SUBSCRIBERS,
        "the kills happened during the fan-out"
    );
    for instance in instances {
        instance.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_pauses_the_fan_out_and_loses_nothing() {
    let Some(admin) = postgres() else { return };
    let _turn = TURN.lock().await;
    let db = seeded(&admin).await;
    let proxy = PgProxy::start(server_of(&db.url)).await;
    let fake = FakeTelegram::start(CANARY_TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    // A lease longer than the outage: a send whose mark failed is marked by its own worker
    // when the database is back, before anyone else may claim it.
    let config = fleet(&proxy.rewrite(&db.url), &fake, 30, &dir);
    let mut instances: Vec<Instance> = (0..3)
        .map(|i| Instance::spawn(&config, &format!("instance-{i}")))
        .collect();
    for instance in &mut instances {
        instance.wait_ready(Duration::from_secs(60)).await;
    }
    // Into the fan-out, the database goes away for 20 s.
    while deliveries(&fake).len() < 300 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    proxy.take_down();
    let cut = Instant::now();
    let before = deliveries(&fake).len();
    for instance in &instances {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match instance.get("/readyz").await {
                Some((503, body)) => {
                    assert!(body.contains("database"), "{body}");
                    break;
                }
                _ if Instant::now() > deadline => {
                    panic!("{} still ready without its database", instance.name)
                }
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        let (status, _) = instance.get("/healthz").await.expect("alive");
        assert_eq!(status, 200, "liveness does not depend on the database");
    }
    tokio::time::sleep(Duration::from_secs(20).saturating_sub(cut.elapsed())).await;
    let during = deliveries(&fake).len();
    assert!(
        during < SUBSCRIBERS,
        "the outage happened during the fan-out"
    );
    proxy.restore();
    for instance in &mut instances {
        instance.wait_ready(Duration::from_secs(60)).await;
    }
    wait_all_reached(&fake, Duration::from_secs(180), &instances).await;
    tokio::time::sleep(Duration::from_secs(config.lease_secs + 2)).await;
    let by_chat = deliveries(&fake);
    let repeated: Vec<(&i64, &Vec<Instant>)> =
        by_chat.iter().filter(|(_, at)| at.len() > 1).collect();
    for (chat, at) in &repeated {
        assert_eq!(at.len(), 2, "chat {chat} got {} copies", at.len());
        assert!(
            at[0] <= cut + Duration::from_secs(1)
                && cut.saturating_duration_since(at[0]) < Duration::from_secs(2),
            "chat {chat}: a repeat whose first copy was not sent as the database went away"
        );
    }
    assert_all_marked_sent(&db.url).await;
    eprintln!(
        "outage: {before} reached before the cut, {during} when it ended, all {SUBSCRIBERS} after; {} sent twice (sent, then the database went away before it was marked)",
        repeated.len()
    );
    for instance in instances {
        instance.stop().await;
    }
}
