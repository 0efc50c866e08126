//! Planning 1,000,000 reminders in one scheduler tick on PostgreSQL:
//! `cargo bench -p ecabot-tests --bench plan_pg` (needs `ECABOT_TEST_POSTGRES_URL`).
//! Results go to BENCHMARKS.md.
//!
//! A fresh database holds one call and 1,000,000 English chats subscribed to everything
//! (written by PostgreSQL itself from `generate_series`). The clock stands at the call's 1-day
//! moment, so one `Scheduler::tick` reads the 1,000,000 subscribers, plans a reminder for each
//! and writes 1,000,000 outbox entries. Each run is timed and checked (the tick's count and a
//! `COUNT(*)` of the outbox), and reports the process's peak resident memory (`VmHWM`) during
//! the tick, reset before it through `/proc/self/clear_refs` where the kernel allows. Then the
//! outbox is emptied and the scheduler rewound for the next run. A last pass, in a fresh
//! process (this one's allocator keeps what the ticks freed), times the tick's three parts on
//! their own with the memory each adds: reading the subscribers, planning, writing the entries.
//! One tick takes seconds, so this is a plain program, not a criterion benchmark.

use std::{collections::HashMap, sync::Arc, time::Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecabot_core::CallStore;
use ecabot_core::Scheduler;
use ecabot_core::formats::import::parse_toml;
use ecabot_core::planning::reminders::plan_call;
use ecabot_core::ports::ManualClock;
use ecabot_core::ports::Outbox;
use ecabot_store::SqlStore;
use ecabot_tests::measure::{cpu_seconds, cpu_used};
use sqlx::Connection;

const CHATS: usize = 1_000_000;
const FIRST: usize = 100_000_000;
const RUNS: usize = 3;

fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:").unwrap_or(f64::NAN)
}

fn rss_mb() -> f64 {
    status_mb("VmRSS:").unwrap_or(f64::NAN)
}

/// Resets the peak to the current resident size (Linux); false where that is not allowed.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn cpu_text(before: &(f64, HashMap<u32, f64>), after: &(f64, HashMap<u32, f64>)) -> String {
    match cpu_used(before, after) {
        (own, Some(server)) => format!("CPU: bench {own:.1} s, postgres {server:.1} s"),
        (own, None) => format!("CPU: bench {own:.1} s"),
    }
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url).await.expect("connect")
}

/// 1,000,000 English chats subscribed to everything, written by the server itself.
async fn seed(url: &str) {
    let mut conn = connect(url).await;
    let last = FIRST + CHATS - 1;
    sqlx::raw_sql(&format!(
        "INSERT INTO chats (chat, locale, created_at, updated_at)
         SELECT 'tg:' || i, 'en', 0, 0 FROM generate_series({FIRST}, {last}) AS i;
         INSERT INTO subscriptions (chat, target, since)
         SELECT 'tg:' || i, 'all', 0 FROM generate_series({FIRST}, {last}) AS i;
         ANALYZE chats; ANALYZE subscriptions;"
    ))
    .execute(&mut conn)
    .await
    .expect("seed");
    conn.close().await.ok();
}

/// Forgets planned entries (and their dead rows) and rewinds the scheduler to just before `at`.
async fn rewind(url: &str, at: DateTime<Utc>) {
    let mut conn = connect(url).await;
    sqlx::raw_sql("DELETE FROM outbox")
        .execute(&mut conn)
        .await
        .expect("clear");
    sqlx::raw_sql("VACUUM ANALYZE outbox")
        .execute(&mut conn)
        .await
        .expect("vacuum");
    sqlx::query("DELETE FROM scheduler_state")
        .execute(&mut conn)
        .await
        .expect("rewind");
    sqlx::query("INSERT INTO scheduler_state (name, value) VALUES ('planned_until', $1)")
        .bind((at - Duration::minutes(1)).timestamp())
        .execute(&mut conn)
        .await
        .expect("rewind");
    conn.close().await.ok();
}

async fn outbox_count(url: &str) -> i64 {
    let mut conn = connect(url).await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    conn.close().await.ok();
    n
}

/// Set (to the database's URL) in the child process that times the tick's parts.
const PARTS_URL: &str = "PLAN_PG_PARTS_URL";

fn deadline() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 15, 16, 0, 0).unwrap()
}

/// Reading the subscribers, planning and writing the entries, each timed on its own, with
/// the memory each adds, in a fresh process on a planned-out database.
async fn parts(url: &str) {
    let store = SqlStore::open(url).await.expect("PostgreSQL opens");
    let due = deadline() - Duration::days(1);
    let call = store
        .call(&"bench-0".parse().unwrap())
        .await
        .expect("read")
        .expect("the call");
    let base = rss_mb();
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let subscribers = store.subscribers(&call).await.expect("subscribers");
    let read = started.elapsed().as_secs_f64();
    let read_cpu = cpu_text(&cpu_before, &cpu_seconds());
    let (read_peak, read_held) = (peak_rss_mb() - base, rss_mb() - base);
    assert_eq!(subscribers.len(), CHATS);
    println!(
        "plan_pg/parts: reading {CHATS} subscribers: {read:.2} s ({read_cpu}); +{read_peak:.0} MB at the peak, +{read_held:.0} MB held after (from {base:.0} MB)"
    );
    let started = Instant::now();
    let plan = plan_call(&call, &subscribers, due - Duration::minutes(1), due);
    let planned = started.elapsed().as_secs_f64();
    let (plan_peak, plan_held) = (peak_rss_mb() - base, rss_mb() - base);
    assert_eq!(plan.entries.len(), CHATS);
    println!(
        "plan_pg/parts: planning {CHATS} reminders: {planned:.2} s; +{plan_peak:.0} MB at the peak, +{plan_held:.0} MB held after (subscribers and entries)"
    );
    drop(subscribers);
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let written = store.enqueue(&plan.entries).await.expect("enqueue");
    let write = started.elapsed().as_secs_f64();
    let write_cpu = cpu_text(&cpu_before, &cpu_seconds());
    assert_eq!(written, CHATS);
    println!(
        "plan_pg/parts: writing {CHATS} outbox entries: {write:.2} s ({write_cpu}); +{:.0} MB at the peak so far",
        peak_rss_mb() - base
    );
    store.close().await;
}

fn main() {
    if let Ok(url) = std::env::var(PARTS_URL) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(parts(&url));
        return;
    }
    let admin = match std::env::var("ECABOT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            println!(
                "plan_pg: skipped: set ECABOT_TEST_POSTGRES_URL to a PostgreSQL server (e.g. postgres://ecabot_ci:ecabot_ci@127.0.0.1:5432/postgres)"
            );
            return;
        }
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        println!(
            "plan_pg: at start: peak {:.0} MB, resident {:.0} MB",
            peak_rss_mb(),
            rss_mb()
        );
        let db = ecabot_tests::TestDatabase::postgres(&admin).await;
        let store = Arc::new(SqlStore::open(&db.url).await.expect("PostgreSQL opens"));
        let deadline = deadline();
        let toml = format!(
            "[[call]]\nid = \"bench-0\"\nkind = \"call\"\ndeadline = \"{}\"\ntitle.en = \"Call 0\"\n",
            deadline.to_rfc3339()
        );
        let drafts = parse_toml(&toml).expect("bench call parses");
        store
            .import_calls(&drafts, deadline - Duration::days(60))
            .await
            .expect("import");
        let started = Instant::now();
        seed(&db.url).await;
        println!(
            "plan_pg: seeded {CHATS} chats and subscriptions in {:.1} s (generate_series on the server); peak {:.0} MB, resident {:.0} MB",
            started.elapsed().as_secs_f64(),
            peak_rss_mb(),
            rss_mb()
        );

        let due = deadline - Duration::days(1);
        let clock = Arc::new(ManualClock::new(due));
        let scheduler = Scheduler::new(store.clone(), store.clone(), clock.clone());
        let mut seconds = Vec::new();
        for run in 1..=RUNS {
            rewind(&db.url, due).await;
            let before = rss_mb();
            let reset = reset_peak_rss();
            let floor = peak_rss_mb();
            let cpu_before = cpu_seconds();
            let started = Instant::now();
            let outcome = scheduler.tick().await.expect("tick");
            let took = started.elapsed().as_secs_f64();
            let peak = peak_rss_mb();
            let cpu = cpu_text(&cpu_before, &cpu_seconds());
            assert_eq!(outcome.planned, CHATS, "{outcome:?}");
            let stored = outbox_count(&db.url).await;
            assert_eq!(stored, CHATS as i64, "outbox rows after the tick");
            println!(
                "plan_pg/tick_1m_reminders: run {run}: {took:.2} s, {} entries ({:.0}/s; {cpu}); peak resident {peak:.0} MB {} (resident before {before:.0} MB, after {:.0} MB)",
                outcome.planned,
                outcome.planned as f64 / took,
                if reset {
                    format!("during the tick (peak reset to {floor:.0} MB before it)")
                } else {
                    "of the whole process (clear_refs refused)".to_owned()
                },
                rss_mb()
            );
            seconds.push(took);
        }
        seconds.sort_by(f64::total_cmp);
        println!(
            "plan_pg/tick_1m_reminders: median {:.2} s (min {:.2}, max {:.2}) over {RUNS} runs",
            seconds[RUNS / 2],
            seconds[0],
            seconds[RUNS - 1]
        );

        // The tick's parts on their own, in a fresh process: this one's allocator keeps what
        // the ticks freed, which would hide their memory.
        rewind(&db.url, due).await;
        let status = std::process::Command::new(std::env::current_exe().expect("this program"))
            .env(PARTS_URL, &db.url)
            .status()
            .expect("the parts pass starts");
        assert!(status.success(), "the parts pass failed: {status}");
        store.close().await;
    });
}
