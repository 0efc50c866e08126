//! Outbox throughput on PostgreSQL with every limit off, for one and for three instances:
//! `cargo bench -p ecabot-tests --bench outbox_pg` (needs `ECABOT_TEST_POSTGRES_URL`).
//! Results go to BENCHMARKS.md.
//!
//! A fresh database holds one call and `CHATS` English chats subscribed to everything; one
//! scheduler tick at the call's 1-day moment writes `CHATS` due reminders. An "instance" is
//! what one `ecabot` process brings: its own runtime (a thread), its own `SqlStore` (its own
//! pool of connections), its own `Bot` and a `Courier` with its own name. Each courier loops
//! `step()` (claim a batch with `FOR UPDATE SKIP LOCKED`, render each entry in its chat's
//! language, send, mark it sent) until it claims nothing; all instances start at once and the
//! wall time runs until the last is done. The sender counts and returns at once, so this
//! measures the outbox machinery, not a network. Every run checks that each entry was sent
//! exactly once and is marked sent, then puts all entries back to pending. The CPU time of the
//! instances and of the local PostgreSQL server's processes is printed per run.
//!
//! With `OUTBOX_PG_ASYNC_COMMIT=1` the bench database gets `synchronous_commit = off`, to see
//! how much of the time is commits waiting for their WAL flush (a diagnostic, not a setting
//! to run the bot with).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chrono::{DateTime, TimeZone, Utc};
use ecabot_core::CallStore;
use ecabot_core::delivery::courier::DeliveryOutcome;
use ecabot_core::formats::import::parse_toml;
use ecabot_core::ports::ManualClock;
use ecabot_core::ports::SendError;
use ecabot_core::ports::Sender;
use ecabot_core::{Bot, ChatRef, Courier, CourierConfig, Locale, OutboxKey, Response, Scheduler};
use ecabot_store::SqlStore;
use ecabot_tests::measure::{cpu_seconds, cpu_used};
use sqlx::Connection;

const CHATS: usize = 20_000;
/// Timed runs per configuration.
const RUNS: usize = 5;
/// The most instances any configuration runs.
const MAX_INSTANCES: usize = 3;

/// Counts sends per outbox key and answers at once.
#[derive(Default)]
struct CountingSender {
    sends: Mutex<HashMap<String, u32>>,
}

#[async_trait::async_trait]
impl Sender for CountingSender {
    async fn send(
        &self,
        _chat: &ChatRef,
        _response: &Response,
        key: &OutboxKey,
    ) -> Result<(), SendError> {
        *self
            .sends
            .lock()
            .unwrap()
            .entry(key.to_string())
            .or_default() += 1;
        Ok(())
    }
}

impl CountingSender {
    fn take(&self) -> HashMap<String, u32> {
        std::mem::take(&mut *self.sends.lock().unwrap())
    }
}

fn deadline() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 15, 16, 0, 0).unwrap()
}

/// One call, `CHATS` subscribers, and a tick at the 1-day moment: `CHATS` due entries.
async fn setup(url: &str, clock: Arc<ManualClock>) {
    let store = Arc::new(SqlStore::open(url).await.expect("PostgreSQL opens"));
    let toml = format!(
        "[[call]]\nid = \"bench-0\"\nkind = \"call\"\ndeadline = \"{}\"\ntitle.en = \"Call 0\"\n",
        deadline().to_rfc3339()
    );
    let drafts = parse_toml(&toml).expect("bench call parses");
    store
        .import_calls(&drafts, deadline() - chrono::Duration::days(60))
        .await
        .expect("import");
    ecabot_tests::seed_subscribers(url, CHATS, 100_000_000).await;
    let scheduler = Scheduler::new(store.clone(), store.clone(), clock);
    let outcome = scheduler.tick().await.expect("tick");
    assert_eq!(outcome.planned, CHATS, "{outcome:?}");
    store.close().await;
}

/// Lets commits on the bench database return before their WAL is flushed: a diagnostic, to
/// see what waiting for the flush costs. Must run before the instances connect.
async fn async_commit(url: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let (name,): (String,) = sqlx::query_as("SELECT current_database()::text")
        .fetch_one(&mut conn)
        .await
        .expect("database name");
    sqlx::raw_sql(&format!(
        "ALTER DATABASE \"{name}\" SET synchronous_commit = off"
    ))
    .execute(&mut conn)
    .await
    .expect("synchronous_commit = off");
    conn.close().await.ok();
}

/// Puts every entry back to pending and cleans the table, so each run starts alike.
async fn reset(url: &str) {
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    sqlx::raw_sql(
        "UPDATE outbox SET state = 'pending', claim_token = NULL, lease_until = NULL,
         sent_at = NULL, attempts = 0",
    )
    .execute(&mut conn)
    .await
    .expect("reset");
    sqlx::raw_sql("VACUUM ANALYZE outbox")
        .execute(&mut conn)
        .await
        .expect("vacuum");
    conn.close().await.ok();
}

/// Entries per state.
async fn states(url: &str) -> Vec<(String, i64)> {
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")
            .fetch_all(&mut conn)
            .await
            .expect("count");
    conn.close().await.ok();
    rows
}

fn add(total: &mut DeliveryOutcome, step: &DeliveryOutcome) {
    total.claimed += step.claimed;
    total.sent += step.sent;
    total.retried += step.retried;
    total.failed += step.failed;
    total.dropped += step.dropped;
    total.cancelled += step.cancelled;
    total.lost += step.lost;
}

/// Delivers until a step claims nothing; what was done and in how many steps.
async fn drain_one(courier: &Courier) -> (DeliveryOutcome, usize) {
    let mut total = DeliveryOutcome::default();
    let mut steps = 0;
    loop {
        let outcome = courier.step().await.expect("delivery step");
        if outcome.claimed == 0 {
            return (total, steps);
        }
        steps += 1;
        add(&mut total, &outcome);
    }
}

/// One instance: a thread with its own runtime, store (pool), bot and courier, as one
/// `ecabot` process has. (`Courier::step`'s future cannot be handed to `tokio::spawn`: rustc
/// does not prove it `Send` for every lifetime, so an instance is a thread, not a task.)
struct Instance {
    /// Start draining with this batch size.
    jobs: tokio::sync::mpsc::Sender<usize>,
    done: std::sync::mpsc::Receiver<(DeliveryOutcome, usize)>,
    thread: std::thread::JoinHandle<()>,
}

impl Instance {
    fn start(
        name: String,
        url: String,
        clock: Arc<ManualClock>,
        sender: Arc<CountingSender>,
    ) -> Instance {
        let (jobs, mut job) = tokio::sync::mpsc::channel::<usize>(1);
        let (done_tx, done) = std::sync::mpsc::channel();
        let (ready_tx, ready) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let store = Arc::new(SqlStore::open(&url).await.expect("PostgreSQL opens"));
                let bot = Arc::new(Bot::new(
                    ecabot_tests::knowledge(),
                    store.clone(),
                    store.clone(),
                    clock,
                    Locale::ENGLISH,
                ));
                ready_tx.send(()).unwrap();
                while let Some(batch) = job.recv().await {
                    let config = CourierConfig {
                        batch,
                        ..CourierConfig::default()
                    };
                    let courier = Courier::new(bot.clone(), name.clone())
                        .with_config(config)
                        .with_sender("tg", sender.clone());
                    done_tx.send(drain_one(&courier).await).unwrap();
                }
                store.close().await;
            });
        });
        ready.recv().expect("the instance starts");
        Instance { jobs, done, thread }
    }
}

/// Runs the first `k` instances at once until each claims nothing; the wall time and what
/// each did.
fn drain(
    instances: &[Instance],
    k: usize,
    batch: usize,
) -> (Duration, Vec<(DeliveryOutcome, usize)>) {
    let started = Instant::now();
    for instance in &instances[..k] {
        instance.jobs.blocking_send(batch).unwrap();
    }
    let done = instances[..k]
        .iter()
        .map(|i| i.done.recv().expect("the instance finishes"))
        .collect();
    (started.elapsed(), done)
}

/// Fails loudly unless every entry was sent exactly once and is marked sent.
async fn check(url: &str, sender: &CountingSender, done: &[(DeliveryOutcome, usize)]) {
    let sends = sender.take();
    let twice: Vec<_> = sends.iter().filter(|(_, n)| **n != 1).take(5).collect();
    assert!(twice.is_empty(), "entries sent more than once: {twice:?}");
    assert_eq!(sends.len(), CHATS, "entries sent (distinct keys)");
    let mut total = DeliveryOutcome::default();
    for (outcome, _) in done {
        add(&mut total, outcome);
    }
    assert_eq!(
        (total.claimed, total.sent, total.lost),
        (CHATS, CHATS, 0),
        "{total:?}"
    );
    let states = states(url).await;
    assert_eq!(
        states,
        vec![("sent".to_owned(), CHATS as i64)],
        "outbox states after the run"
    );
}

fn instances_label(k: usize) -> &'static str {
    if k == 1 { "instance" } else { "instances" }
}

fn main() {
    let admin = match std::env::var("ECABOT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            println!(
                "outbox_pg: skipped: set ECABOT_TEST_POSTGRES_URL to a PostgreSQL server (e.g. postgres://ecabot_ci:ecabot_ci@127.0.0.1:5432/postgres)"
            );
            return;
        }
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(ecabot_tests::TestDatabase::postgres(&admin));
    let url = db.url.clone();
    if std::env::var_os("OUTBOX_PG_ASYNC_COMMIT").is_some() {
        runtime.block_on(async_commit(&url));
        println!(
            "outbox_pg: OUTBOX_PG_ASYNC_COMMIT is set: synchronous_commit = off on the bench database (commits do not wait for the WAL flush)"
        );
    }
    let clock = Arc::new(ManualClock::new(deadline() - chrono::Duration::days(1)));
    let started = Instant::now();
    runtime.block_on(setup(&url, clock.clone()));
    println!(
        "outbox_pg: {CHATS} due reminders planned in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    runtime.block_on(reset(&url));

    let sender = Arc::new(CountingSender::default());
    let instances: Vec<Instance> = (0..MAX_INSTANCES)
        .map(|i| {
            Instance::start(
                format!("bench-{i}"),
                url.clone(),
                clock.clone(),
                sender.clone(),
            )
        })
        .collect();

    // One untimed run with every instance, so each pool has its connections.
    let (took, done) = drain(&instances, MAX_INSTANCES, 128);
    runtime.block_on(check(&url, &sender, &done));
    println!(
        "outbox_pg: warm-up with {MAX_INSTANCES} instances: {:.2} s",
        took.as_secs_f64()
    );
    runtime.block_on(reset(&url));

    let defaults = CourierConfig::default();
    let mut summary = Vec::new();
    for (k, batch) in [(1, 128), (3, 128), (1, 512), (3, 512)] {
        let mut rates = Vec::new();
        for run in 1..=RUNS {
            let cpu_before = cpu_seconds();
            let (took, done) = drain(&instances, k, batch);
            let cpu_after = cpu_seconds();
            runtime.block_on(check(&url, &sender, &done));
            let rate = CHATS as f64 / took.as_secs_f64();
            let cpu = match cpu_used(&cpu_before, &cpu_after) {
                (own, Some(server)) => {
                    format!("CPU: instances {own:.1} s, postgres {server:.1} s")
                }
                (own, None) => format!("CPU: instances {own:.1} s"),
            };
            let per_instance: Vec<String> = done
                .iter()
                .map(|(o, steps)| format!("{} in {steps} steps", o.sent))
                .collect();
            println!(
                "outbox_pg: {k} {}, batch {batch}: run {run}: {:.2} s, {rate:.0} entries/s ({cpu}; sent per instance: {})",
                instances_label(k),
                took.as_secs_f64(),
                per_instance.join(", ")
            );
            rates.push(rate);
            runtime.block_on(reset(&url));
        }
        rates.sort_by(f64::total_cmp);
        let line = format!(
            "outbox_pg/{k}_{}/batch_{batch}/concurrency_{}: {CHATS} entries, median {:.0} entries/s (min {:.0}, max {:.0}) over {RUNS} runs",
            instances_label(k),
            defaults.concurrency,
            rates[RUNS / 2],
            rates[0],
            rates[RUNS - 1],
        );
        println!("{line}");
        summary.push(line);
    }
    for instance in instances {
        drop(instance.jobs);
        instance.thread.join().expect("the instance stops");
    }
    println!("\nsummary:");
    for line in summary {
        println!("{line}");
    }
}
