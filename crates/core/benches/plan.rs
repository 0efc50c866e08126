//! Planning reminders for 100,000 subscriptions × 10 calls:
//! `cargo bench -p ecabot-core --bench plan`. Target (issue 3): under 1 s and under 100 MB.
//!
//! The worst case is measured: every subscriber of every call comes due in the same tick
//! (1,000,000 reminders), a third of them with quiet hours and a custom zone, planned call by
//! call as [`ecabot_core::Scheduler::tick`] does (entries of one call are written before the
//! next is planned). Peak memory is the process's high-water mark (VmHWM), printed at the end.

use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ecabot_core::model::call::Call;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::CallKind;
use ecabot_core::model::call::LeadTimes;
use ecabot_core::model::call::QuietHours;
use ecabot_core::model::call::Texts;
use ecabot_core::model::call::Zone;
use ecabot_core::planning::reminders::plan_call;
use ecabot_core::{ChatPrefs, ChatRef, Locale, Subscriber};

const SUBSCRIBERS: usize = 100_000;
const CALLS: usize = 10;

fn calls(deadline: DateTime<Utc>) -> Vec<Call> {
    (0..CALLS)
        .map(|i| Call {
            id: CallId::parse(&format!("call-{i}")).unwrap(),
            uid: format!("call-{i}@bench"),
            kind: CallKind::Call,
            title: Texts::one(Locale::ENGLISH, format!("Call {i}")),
            description: Texts::new(),
            deadline,
            zone: Zone::DEFAULT,
            starts: None,
            ends: None,
            location: None,
            url: None,
            topic: None,
            categories: Vec::new(),
            version: 1,
            changed_at: deadline - Duration::days(60),
            previous_deadline: None,
        })
        .collect()
}

fn subscribers(since: DateTime<Utc>) -> Vec<Subscriber> {
    let helsinki = Zone::parse("Europe/Helsinki").unwrap();
    let quiet = QuietHours::parse("22:00-07:00").unwrap();
    (0..SUBSCRIBERS)
        .map(|i| {
            let mut prefs = ChatPrefs::default();
            if i % 3 == 0 {
                prefs.zone = Some(helsinki);
                prefs.quiet = Some(quiet);
                prefs.leads = Some(LeadTimes::parse("3d 1d 2h").unwrap());
            }
            Subscriber {
                chat: ChatRef::new("tg", &(100_000_000 + i).to_string()).unwrap(),
                prefs,
                since,
            }
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
    // 23:00 in Helsinki on the day before the deadline: the 1-day moment of every subscriber.
    let deadline = Utc.with_ymd_and_hms(2027, 3, 16, 21, 0, 0).unwrap();
    let now = deadline - Duration::days(1);
    let from = now - Duration::minutes(1);
    let calls = calls(deadline);
    let subs = subscribers(now - Duration::days(30));
    let before = peak_rss_mb();
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.bench_function("100k_subscriptions_x_10_calls", |b| {
        b.iter(|| {
            let mut planned = 0;
            for call in &calls {
                let plan = plan_call(call, &subs, from, now);
                planned += plan.entries.len();
                black_box(plan);
            }
            assert_eq!(planned, SUBSCRIBERS * CALLS);
        })
    });
    group.finish();
    if let (Some(before), Some(after)) = (before, peak_rss_mb()) {
        println!(
            "plan: peak resident memory {after:.0} MB (inputs loaded: {before:.0} MB; 100,000 subscribers × {CALLS} calls)"
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
