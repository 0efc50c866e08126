//! Reminders fanned out to 10,000 Telegram chats through the real adapter (teloxide) to the
//! fake Bot API on 127.0.0.1, from a real SQLite outbox: `cargo bench -p ecabot-tests --bench
//! telegram`. Results go to BENCHMARKS.md.
//!
//! - `fanout_10k_paced`: the adapter paced at `RATE` messages/s (Telegram's 25/s scaled up 40
//!   times so a run takes seconds, not minutes); the fake enforces Telegram's own ratio (30/25
//!   of that) and answers 429 above it. Reported: the rate reached, as a share of `RATE`, the
//!   429s, and the busiest second the fake saw.
//! - `ceiling_limits_off`: every limit off, to find the adapter's own ceiling.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use ecabot_core::CallStore;
use ecabot_core::formats::import::parse_toml;
use ecabot_core::ports::Clock;
use ecabot_core::ports::ManualClock;
use ecabot_core::{Bot, Courier, Locale, Scheduler};
use ecabot_store::SqlStore;
use ecabot_telegram::{SCOPE, Telegram, TelegramConfig, Token};
use ecabot_tests::{fake_telegram::FakeTelegram, knowledge, telegram::CANARY_TOKEN};

const CHATS: usize = 10_000;
/// Telegram's 25/s, scaled up 40 times.
const RATE: f64 = 1_000.0;

struct Rig {
    fake: FakeTelegram,
    store: Arc<SqlStore>,
    clock: Arc<ManualClock>,
    scheduler: Scheduler,
    courier: Courier,
    round: std::cell::Cell<u32>,
    _dir: tempfile::TempDir,
}

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap()
}

async fn rig(rate: Option<f64>) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let store = Arc::new(SqlStore::open(&url).await.expect("SQLite opens"));
    ecabot_tests::seed_subscribers(&url, CHATS, 100_000).await;

    let fake = FakeTelegram::start(CANARY_TOKEN).await;
    if let Some(rate) = rate {
        fake.set_limits(Some((rate * 30.0 / 25.0) as u32), None);
    }
    let clock = Arc::new(ManualClock::new(base()));
    let bot = Arc::new(Bot::new(
        knowledge(),
        store.clone(),
        store.clone(),
        clock.clone(),
        Locale::ENGLISH,
    ));
    let mut config = TelegramConfig::new(Token::new(CANARY_TOKEN));
    config.api_url = Some(fake.url());
    config.global_rate = rate;
    let telegram = Telegram::connect(config, bot.clone())
        .await
        .expect("the adapter connects");
    let courier = Courier::new(bot, "bench").with_sender(SCOPE, telegram.sender());
    let scheduler = Scheduler::new(store.clone(), store.clone(), clock.clone());
    Rig {
        fake,
        store,
        clock,
        scheduler,
        courier,
        round: std::cell::Cell::new(0),
        _dir: dir,
    }
}

impl Rig {
    /// A new call whose one-hour moment has just come: 10,000 reminders due.
    async fn due(&self) {
        let round = self.round.get();
        self.round.set(round + 1);
        let deadline = base() + chrono::Duration::days(i64::from(round) + 1);
        let toml = format!(
            "[[call]]\nid = \"bench-{round}\"\nkind = \"call\"\ndeadline = \"{}\"\ntitle.en = \"Call {round}\"\n",
            deadline.to_rfc3339()
        );
        let drafts = parse_toml(&toml).expect("bench call parses");
        self.clock.set(deadline - chrono::Duration::hours(2));
        self.store
            .import_calls(&drafts, self.clock.now())
            .await
            .expect("import");
        self.scheduler.tick().await.expect("tick");
        self.clock.set(deadline - chrono::Duration::hours(1));
        let outcome = self.scheduler.tick().await.expect("tick");
        assert_eq!(outcome.planned, CHATS, "{outcome:?}");
    }

    /// Delivers until nothing is due; returns how many were sent.
    async fn drain(&self) -> usize {
        let mut sent = 0;
        loop {
            let outcome = self.courier.step().await.expect("step");
            if outcome.claimed == 0 {
                return sent;
            }
            assert_eq!(outcome.retried + outcome.failed, 0, "{outcome:?}");
            sent += outcome.sent;
        }
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("telegram");
    // One fan-out per sample: 10 samples of 10,000 messages each.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(CHATS as u64));

    let paced = runtime.block_on(rig(Some(RATE)));
    let mut seconds = Vec::new();
    group.measurement_time(Duration::from_secs(120));
    group.bench_function("fanout_10k_paced", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                runtime.block_on(paced.due());
                let started = std::time::Instant::now();
                let sent = runtime.block_on(paced.drain());
                let took = started.elapsed();
                assert_eq!(sent, CHATS);
                seconds.push(took.as_secs_f64());
                total += took;
            }
            total
        })
    });
    let mean = seconds.iter().sum::<f64>() / seconds.len() as f64;
    eprintln!(
        "fanout_10k_paced: configured {RATE}/s; reached {:.0}/s = {:.1} % of it over {} runs; 429s: {}; busiest second at the fake: {} (its limit {})",
        CHATS as f64 / mean,
        100.0 * CHATS as f64 / mean / RATE,
        seconds.len(),
        paced.fake.too_many_requests(),
        paced.fake.peak_per_second(),
        (RATE * 30.0 / 25.0) as u32,
    );

    let open = runtime.block_on(rig(None));
    group.measurement_time(Duration::from_secs(45));
    group.bench_function("ceiling_limits_off", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                runtime.block_on(open.due());
                let started = std::time::Instant::now();
                let sent = runtime.block_on(open.drain());
                total += started.elapsed();
                assert_eq!(sent, CHATS);
            }
            total
        })
    });
    eprintln!(
        "ceiling_limits_off: busiest second at the fake: {}",
        open.fake.peak_per_second()
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
