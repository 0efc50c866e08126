//! Measures understanding on a labelled set, language by language, and prints a Markdown table
//! for BENCHMARKS.md:
//!
//! `cargo run --release -p ecabot-core --example measure -- dev` (or `blind`).
//!
//! The sets live in `tests/data/understanding/<set>/<lang>.toml`. `--misses` lists what went
//! wrong, for tuning; it refuses the blind set, which is measured but never looked into.

use std::collections::BTreeMap;
use std::time::Instant;

use ecabot_core::language::understanding::Written;
use ecabot_core::language::understanding::intent::Intent;
use ecabot_core::{Knowledge, Locale, TopicId};

#[derive(serde::Deserialize)]
struct Set {
    lang: String,
    expect: BTreeMap<String, Vec<String>>,
}

#[derive(Default)]
struct Tally {
    topics: usize,
    topics_right: usize,
    out_of_scope: usize,
    false_claims: usize,
    smalltalk: usize,
    smalltalk_right: usize,
    smalltalk_claimed: usize,
    micros: Vec<u128>,
    misses: Vec<String>,
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "–".into();
    }
    format!("{:.0} %", 100.0 * part as f64 / whole as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let set = args.first().map(String::as_str).unwrap_or("dev");
    let misses = args.iter().any(|a| a == "--misses");
    assert!(
        !(misses && set == "blind"),
        "the blind set is measured, never looked into"
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/understanding")
        .join(set);
    let knowledge = Knowledge::embedded().expect("the embedded locales load");
    let spoken = knowledge.catalog.locales().to_vec();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    println!(
        "| language | topic questions right | false claims (out of scope) | small talk answered in kind | small talk taken for a topic | median per question | language recognised |"
    );
    println!("|---|---|---|---|---|---|---|");
    for file in files {
        let set: Set = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let locale = Locale::parse(&set.lang).unwrap();
        // Whether the language is told from the text: the bot's own for those it speaks,
        // "a language I do not speak" (the "I speak …" reply) for the others.
        let recognised = set
            .expect
            .values()
            .flatten()
            .filter(
                |q| match knowledge.matcher.understand(q, Locale::ENGLISH).written {
                    Written::In(l) => l == locale,
                    Written::Foreign(code) => code == set.lang,
                    Written::Unsure => false,
                },
            )
            .count();
        let asked = set.expect.values().flatten().count();
        let recognised = format!("{recognised}/{asked}");
        if !spoken.contains(&locale) {
            println!("| {} | not spoken yet | | | | | {recognised} |", set.lang);
            continue;
        }
        let mut tally = Tally::default();
        for (label, questions) in &set.expect {
            for question in questions {
                let started = Instant::now();
                let understood = knowledge.matcher.understand(question, locale);
                tally.micros.push(started.elapsed().as_micros());
                let got = understood.topic();
                let wrong = if label == "out-of-scope" {
                    tally.out_of_scope += 1;
                    tally.false_claims += got.is_some() as usize;
                    got.is_some()
                } else if let Some(kind) = label.strip_prefix("smalltalk-") {
                    tally.smalltalk += 1;
                    tally.smalltalk_claimed += got.is_some() as usize;
                    let right =
                        matches!(understood.intent, Intent::SmallTalk(k) if k.as_str() == kind);
                    tally.smalltalk_right += right as usize;
                    !right
                } else {
                    let expected: TopicId = label.parse().expect("a topic id");
                    tally.topics += 1;
                    tally.topics_right += (got == Some(expected)) as usize;
                    if misses && got == Some(expected) {
                        eprintln!(
                            "    right {:.2} {:.2} {:.2} {question:?}",
                            understood.score, understood.coverage, understood.weakest
                        );
                    }
                    got != Some(expected)
                };
                if wrong {
                    tally.misses.push(format!(
                        "{label}: {question:?} -> {:?} ({:.2} vs {:.2}, coverage {:.2}, weakest {:.2})",
                        understood.intent, understood.score, understood.runner_up, understood.coverage, understood.weakest
                    ));
                }
            }
        }
        tally.micros.sort_unstable();
        let median = tally.micros[tally.micros.len() / 2];
        println!(
            "| {} | {}/{} ({}) | {}/{} | {}/{} | {}/{} | {median} µs | {recognised} |",
            set.lang,
            tally.topics_right,
            tally.topics,
            percent(tally.topics_right, tally.topics),
            tally.false_claims,
            tally.out_of_scope,
            tally.smalltalk_right,
            tally.smalltalk,
            tally.smalltalk_claimed,
            tally.smalltalk,
        );
        if misses {
            for miss in &tally.misses {
                eprintln!("  {miss}");
            }
        }
    }
}
