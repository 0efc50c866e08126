//! Grid-searches the understanding thresholds over `tests/data/questions.toml`:
//! `cargo run --release -p ecabot-core --example tune`.
use std::collections::BTreeMap;

use ecabot_core::language::understanding::Tuning;
use ecabot_core::{Knowledge, Locale, TopicId};

fn main() {
    let mut k = Knowledge::embedded().unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/questions.toml"
    ))
    .unwrap();
    let table: BTreeMap<String, BTreeMap<String, Vec<String>>> = toml::from_str(&text).unwrap();
    let mut results = Vec::new();
    for uw in [0.4, 0.5, 0.6, 0.7, 0.8] {
        for mk in [0.35, 0.4, 0.45, 0.5, 0.55, 0.6] {
            for mc in [0.3, 0.4, 0.5, 0.55, 0.6, 0.65] {
                for ms in [0.5, 1.5] {
                    let t = Tuning {
                        unknown_weight: uw,
                        min_known: mk,
                        min_coverage: mc,
                        min_score: ms,
                    };
                    k.matcher.set_tuning(t);
                    let (mut miss, mut oos) = (0, 0);
                    for (lang, topics) in &table {
                        let l = Locale::parse(lang).unwrap();
                        for (topic, qs) in topics {
                            for q in qs {
                                let got = k.matcher.understand(q, l).topic;
                                if topic == "out_of_scope" {
                                    oos += got.is_some() as usize;
                                } else if got != topic.parse::<TopicId>().ok() {
                                    miss += 1;
                                }
                            }
                        }
                    }
                    results.push((miss + 2 * oos, miss, oos, t));
                }
            }
        }
    }
    results.sort_by_key(|a| a.0);
    for r in results.iter().take(12) {
        println!("cost {} miss {} oos {} {:?}", r.0, r.1, r.2, r.3);
    }
}
