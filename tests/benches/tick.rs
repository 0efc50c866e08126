//! One scheduler tick against a real SQLite file with 100,000 subscribed chats and 10 open
//! calls: `cargo bench -p ecabot-tests --bench tick`. Results go to BENCHMARKS.md.
//!
//! - `quiet`: a tick in which no reminder comes due (what almost every minute looks like);
//! - `subscribers_of_one_call`: the read half of the next case;
//! - `one_call_due`: the 1-day moment of one call passes for all 100,000 chats, so the tick
//!   reads its subscribers and writes 100,000 outbox entries.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ecabot_core::Scheduler;
use ecabot_core::formats::import::parse_toml;
use ecabot_core::ports::ManualClock;
use ecabot_store::SqlStore;
use sqlx::Connection;

const CHATS: usize = 100_000;

async fn setup(url: &str, deadline: DateTime<Utc>) -> Arc<SqlStore> {
    let store = Arc::new(SqlStore::open(url).await.expect("SQLite opens"));
    let mut toml = String::new();
    for i in 0..10 {
        // Deadlines an hour apart, so at most one call's moment falls in a one-minute tick.
        let at = (deadline + Duration::hours(i)).to_rfc3339();
        toml.push_str(&format!(
            "[[call]]\nid = \"bench-{i}\"\nkind = \"call\"\ndeadline = \"{at}\"\ntitle.en = \"Call {i}\"\n"
        ));
    }
    let drafts = parse_toml(&toml).expect("bench calls parse");
    use ecabot_core::CallStore;
    store
        .import_calls(&drafts, deadline - Duration::days(60))
        .await
        .expect("import");
    ecabot_tests::seed_subscribers(url, CHATS, 100_000_000).await;
    store
}

/// Forgets planned entries and rewinds the scheduler to just before `at`.
async fn rewind(url: &str, at: DateTime<Utc>) {
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    sqlx::query("DELETE FROM outbox")
        .execute(&mut conn)
        .await
        .expect("clear");
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

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let deadline = Utc.with_ymd_and_hms(2027, 3, 15, 16, 0, 0).unwrap();
    let store = runtime.block_on(setup(&url, deadline));
    let due = deadline - Duration::days(1);
    let clock = Arc::new(ManualClock::new(due));
    let scheduler = Scheduler::new(store.clone(), store.clone(), clock.clone());

    let mut group = c.benchmark_group("tick_sqlite_100k_chats_10_calls");
    group.sample_size(10);
    group.bench_function("quiet", |b| {
        let quiet = due - Duration::hours(5);
        b.iter_batched(
            || {
                clock.set(quiet);
                runtime.block_on(rewind(&url, quiet));
            },
            |()| {
                let outcome = runtime.block_on(scheduler.tick()).unwrap();
                assert_eq!(outcome.planned, 0);
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("subscribers_of_one_call", |b| {
        use ecabot_core::CallStore;
        let call = runtime
            .block_on(store.call(&"bench-0".parse().unwrap()))
            .unwrap()
            .unwrap();
        b.iter(|| {
            let subs = runtime.block_on(store.subscribers(&call)).unwrap();
            assert_eq!(subs.len(), CHATS);
        })
    });
    group.bench_function("one_call_due", |b| {
        b.iter_batched(
            || {
                clock.set(due);
                runtime.block_on(rewind(&url, due));
            },
            |()| {
                let outcome = runtime.block_on(scheduler.tick()).unwrap();
                assert_eq!(outcome.planned, CHATS);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
