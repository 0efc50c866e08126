//! How long answering a question takes: `cargo bench -p ecabot-tests --bench answer`.
//! Results go to BENCHMARKS.md. `understand/long-*` are the hostile inputs (a 4,000-character
//! word, 4,096 emoji, 4,096 characters of mixed scripts) that must cost about what a normal
//! question does.

use std::{hint::black_box, sync::Arc};

use criterion::{Criterion, criterion_group, criterion_main};
use ecabot_core::ports::SystemClock;
use ecabot_core::{Bot, ChatRef, Knowledge, Locale, Request};
use ecabot_store::SqlStore;

const EN: &[&str] = &[
    "How do I join the alliance?",
    "Who is the member in Poland?",
    "what are the quality label eligibility criteria",
    "When is the Cluster Booster Academy deadline?",
    "whats the weather in helsinki",
    "tell me about the european cluster collaboration platform",
    "how do i joinn the aliance",
    "What are the do's and don'ts of cluster policy?",
];

const FI: &[&str] = &[
    "Miten liitymme allianssiin?",
    "Kuka on Puolan jäsen?",
    "mitkä ovat laatumerkin kriteerit",
    "milloin Cluster Booster Academyn haku päättyy",
    "millainen sää on Helsingissä huomenna",
    "kerro eurooppalaisesta klusteriyhteistyöalustasta",
    "klusteripolitiikan hyvät käytännöt",
    "suomalaiset klusterit",
];

fn bench(c: &mut Criterion) {
    let knowledge = Arc::new(Knowledge::embedded().expect("locales load"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = Arc::new(
        runtime
            .block_on(SqlStore::memory())
            .expect("in-memory SQLite"),
    );
    let bot = Bot::new(
        knowledge.clone(),
        store.clone(),
        store,
        Arc::new(SystemClock),
        Locale::ENGLISH,
    );
    let chat = ChatRef::new("bench", "1").unwrap();
    for (lang, questions) in [("en", EN), ("fi", FI)] {
        let hint = Some(lang.to_owned());
        c.bench_function(&format!("answer/{lang}"), |b| {
            let mut i = 0;
            b.iter(|| {
                let q = questions[i % questions.len()];
                i += 1;
                let request = Request::text(chat.clone(), q).with_hint(hint.clone());
                black_box(runtime.block_on(bot.handle(request)))
            })
        });
        let locale = Locale::parse(lang).unwrap();
        c.bench_function(&format!("understand/{lang}"), |b| {
            let mut i = 0;
            b.iter(|| {
                let q = questions[i % questions.len()];
                i += 1;
                black_box(knowledge.matcher.understand(black_box(q), locale))
            })
        });
    }
}

/// The inputs that once cost 14 times a normal question, each within the 4,096-character limit.
fn long_inputs() -> Vec<(&'static str, String)> {
    let word = "klusteriorganisaatio".repeat(200);
    let emoji = "🎉".repeat(4096);
    let mixed: String = "Ωmega Клaster ÄÖÅ 漢字 ﷺ 𝔘 ab-cd "
        .chars()
        .cycle()
        .take(4096)
        .collect();
    vec![
        ("long-word", word),
        ("long-emoji", emoji),
        ("long-mixed", mixed),
    ]
}

fn bench_long(c: &mut Criterion) {
    let knowledge = Knowledge::embedded().expect("locales load");
    for (name, input) in long_inputs() {
        c.bench_function(&format!("understand/{name}"), |b| {
            b.iter(|| {
                black_box(
                    knowledge
                        .matcher
                        .understand(black_box(&input), Locale::ENGLISH),
                )
            })
        });
    }
}

criterion_group!(benches, bench, bench_long);
criterion_main!(benches);
