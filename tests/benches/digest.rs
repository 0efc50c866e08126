//! Composing newsletter digests for 10,000 chats from 500 items:
//! `cargo bench -p ecabot-tests --bench digest`. Results go to BENCHMARKS.md.
//!
//! The worst case: all 500 items (in English and Finnish, from 10 sources) arrived since every
//! chat's previous digest, so each chat's digest is selected from all of them and holds the
//! full 40 items, 5 new calls and 10 calls closing soon. Half of the chats read Finnish, a
//! third have their own zone, daily and weekly plans alternate. Each iteration selects and
//! writes the 10,000 digests as the delivery worker does (the catalog formats every heading,
//! date and line). Peak memory is the process's high-water mark (VmHWM), printed at the end.

use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ecabot_core::model::call::Call;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::CallKind;
use ecabot_core::model::call::Texts;
use ecabot_core::model::call::Zone;
use ecabot_core::planning::digests::MAX_DIGEST_ITEMS;
use ecabot_core::planning::digests::select;
use ecabot_core::{DigestPlan, Locale, NewsItem};

const CHATS: usize = 10_000;
const ITEMS: usize = 500;

fn items(now: DateTime<Utc>) -> Vec<NewsItem> {
    let fi = Locale::parse("fi").unwrap();
    (0..ITEMS)
        .map(|i| NewsItem {
            id: i as i64,
            source: format!("Source {}", i % 10),
            lang: if i % 5 == 0 { fi } else { Locale::ENGLISH },
            title: format!(
                "Story {i}: cluster matchmaking mission for green and digital transition partners"
            ),
            url: format!("https://www.clustercollaboration.eu/news/story-{i}"),
            summary: Some(
                "Clusters from twelve countries meet to find partners for joint projects; apply by the end of the month."
                    .into(),
            ),
            published: Some(now - Duration::hours(i as i64 % 100)),
            added_at: now - Duration::minutes(i as i64),
        })
        .collect()
}

fn calls(now: DateTime<Utc>) -> Vec<Call> {
    (0..30)
        .map(|i| Call {
            id: CallId::parse(&format!("call-{i}")).unwrap(),
            uid: format!("call-{i}@bench"),
            kind: if i % 4 == 0 {
                CallKind::Event
            } else {
                CallKind::Call
            },
            title: Texts::one(
                Locale::ENGLISH,
                format!("Call {i} for cluster organisations"),
            ),
            description: Texts::new(),
            // 10 closing within 14 days, the rest later.
            deadline: now + Duration::days(if i < 10 { 1 + i } else { 20 + i }),
            zone: Zone::DEFAULT,
            starts: None,
            ends: None,
            location: None,
            url: None,
            topic: None,
            categories: Vec::new(),
            version: 1 + (i % 2) as u32,
            // 5 added or moved since the previous digest.
            changed_at: now - Duration::days(if i % 6 == 0 { 1 } else { 30 }),
            previous_deadline: None,
        })
        .collect()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bot = runtime.block_on(ecabot_tests::memory_bot());
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap();
    let from = now - Duration::days(7);
    let items = items(now);
    let calls = calls(now);
    let fi = Locale::parse("fi").unwrap();
    let helsinki = Zone::parse("Europe/Helsinki").unwrap();
    let chats: Vec<(Locale, Zone, DigestPlan)> = (0..CHATS)
        .map(|i| {
            let locale = if i % 2 == 0 { fi } else { Locale::ENGLISH };
            let zone = if i % 3 == 0 { helsinki } else { Zone::DEFAULT };
            let plan = if i % 2 == 0 {
                DigestPlan::DEFAULT
            } else {
                "daily 08:30".parse().unwrap()
            };
            (locale, zone, plan)
        })
        .collect();
    let before = peak_rss_mb();
    let mut group = c.benchmark_group("digest");
    group.sample_size(10);
    group.bench_function("compose_10k_chats_from_500_items", |b| {
        b.iter(|| {
            let mut chars = 0;
            for (locale, zone, plan) in &chats {
                let content = select(*locale, &items, &calls, &[], from, now, now);
                assert_eq!(content.items.len(), MAX_DIGEST_ITEMS);
                let response = bot
                    .compose_digest(*locale, *zone, *plan, now, &content, now)
                    .expect("a digest");
                chars += response.replies[0].body.blocks.len();
                black_box(response);
            }
            black_box(chars);
        })
    });
    group.finish();
    if let (Some(before), Some(after)) = (before, peak_rss_mb()) {
        println!(
            "digest: peak resident memory {after:.0} MB (inputs and catalog loaded: {before:.0} MB; {CHATS} chats × {ITEMS} items)"
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
