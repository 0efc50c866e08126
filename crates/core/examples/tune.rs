//! Grid-searches the understanding thresholds on the development sets (never the blind ones):
//! `cargo run --release -p ecabot-core --example tune`.
//!
//! Cost: a wrong topic or a false claim counts three, a missed topic (an honest "I don't know")
//! one, small talk not answered in kind one.

use std::collections::BTreeMap;

use ecabot_core::language::understanding::Tuning;
use ecabot_core::language::understanding::intent::Intent;
use ecabot_core::{Knowledge, Locale, TopicId};

#[derive(serde::Deserialize)]
struct Set {
    lang: String,
    expect: BTreeMap<String, Vec<String>>,
}

fn main() {
    let mut k = Knowledge::embedded().unwrap();
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/understanding/dev"
    );
    let mut sets = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let set: Set = toml::from_str(&text).unwrap();
        sets.push(set);
    }
    let mut results = Vec::new();
    for word_view in [0.5, 0.6, 0.7] {
        for (min_coverage, min_weakest) in [
            (0.8, 0.4),
            (0.85, 0.35),
            (0.85, 0.4),
            (0.85, 0.45),
            (0.9, 0.4),
            (0.0, 0.45),
        ] {
            for nearest in [0.3, 0.5, 0.7] {
                for min_topic in [0.2, 0.25, 0.3, 0.35] {
                    for (over_elsewhere, min_smalltalk) in [
                        (1.1, 0.25),
                        (1.1, 0.3),
                        (1.1, 0.35),
                        (1.1, 0.4),
                        (1.0, 0.3),
                        (1.2, 0.3),
                    ] {
                        let t = Tuning {
                            word_view,
                            min_coverage,
                            min_weakest,
                            nearest,
                            min_topic,
                            over_elsewhere,
                            min_smalltalk,
                            ..Tuning::default()
                        };
                        k.matcher.set_tuning(t);
                        let (mut cost, mut right, mut claims) = (0, 0, 0);
                        for set in &sets {
                            let l = Locale::parse(&set.lang).unwrap();
                            for (label, qs) in &set.expect {
                                for q in qs {
                                    let u = k.matcher.understand(q, l);
                                    if label == "out-of-scope" {
                                        if u.topic().is_some() {
                                            cost += 3;
                                            claims += 1;
                                        }
                                    } else if let Some(kind) = label.strip_prefix("smalltalk-") {
                                        if !matches!(u.intent, Intent::SmallTalk(s) if s.as_str() == kind)
                                        {
                                            cost += 1 + 2 * u.topic().is_some() as usize;
                                        }
                                    } else {
                                        let want: TopicId = label.parse().unwrap();
                                        match u.topic() {
                                            Some(t) if t == want => right += 1,
                                            Some(_) => cost += 3,
                                            None => cost += 1,
                                        }
                                    }
                                }
                            }
                        }
                        results.push((cost, right, claims, t));
                    }
                }
            }
        }
    }
    results.sort_by_key(|a| a.0);
    for r in results.iter().take(15) {
        println!("cost {} right {} claims {} {:?}", r.0, r.1, r.2, r.3);
    }
}
