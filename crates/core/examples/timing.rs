//! Times `understand` on the hostile inputs and on a normal question, for profiling:
//! `cargo run --release -p ecabot-core --example timing [-- mixed|emoji|word|normal]`.
use ecabot_core::{Knowledge, Locale};

fn main() {
    let k = Knowledge::embedded().unwrap();
    let which = std::env::args().nth(1);
    let inputs = [
        ("emoji", "🎉".repeat(4096)),
        ("word", "klusteriorganisaatio".repeat(200)),
        (
            "mixed",
            "Ωmega Клaster ÄÖÅ 漢字 ﷺ 𝔘 ab-cd "
                .chars()
                .cycle()
                .take(4096)
                .collect(),
        ),
        ("normal", "How do I join the alliance?".to_string()),
    ];
    for (name, input) in &inputs {
        if which.as_deref().is_some_and(|w| w != *name) {
            continue;
        }
        let t = std::time::Instant::now();
        for _ in 0..20000 {
            std::hint::black_box(
                k.matcher
                    .understand(std::hint::black_box(input), Locale::ENGLISH),
            );
        }
        println!("{name}: {:?} per call", t.elapsed() / 20000);
    }
}
