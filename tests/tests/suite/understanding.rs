//! Free-text understanding, data-driven: the held-out questions in `tests/data/questions.toml`
//! (written independently of the training phrasings) must reach their topic in every locale,
//! and out-of-scope questions must reach none.
//!
//! Two near-ties are answered with a neighbouring topic while the expected one is offered as the
//! one-tap "you might also mean" button; they are listed here by name so that any other drift,
//! and any change in these, fails.

use std::collections::BTreeMap;

use ecabot_core::{Action, TopicId};
use ecabot_tests::{ask, memory_bot, workspace_root};

type Table = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// (question, topic answered) where the expected topic is the offered alternative.
const NEAR_TIES: &[(&str, &str)] = &[
    ("What do you mean by an industrial cluster?", "sectors"),
    ("mikä se klusteri alianssi oikein on?", "objectives"),
];

/// Out-of-scope questions that share a real word with the knowledge ("Trend Universe" is an ECCP
/// tool). The bar is at least eight rejections per language; these are the known leaks.
const OUT_OF_SCOPE_LEAKS: &[&str] = &["How old is the universe?"];

fn table() -> Table {
    let text = std::fs::read_to_string(workspace_root().join("tests/data/questions.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

#[tokio::test]
async fn every_topic_is_recognised_in_every_locale() {
    let bot = memory_bot().await;
    let table = table();
    let mut failures = Vec::new();
    let mut asked = 0;
    for (lang, topics) in &table {
        for topic in TopicId::all() {
            let questions = topics
                .get(topic.as_str())
                .unwrap_or_else(|| panic!("{lang} lacks {topic}"));
            assert!(
                questions.len() >= 3,
                "{lang}/{topic}: at least three questions"
            );
            for q in questions {
                asked += 1;
                let r = ask(&bot, lang, q).await;
                assert_eq!(
                    r.locale.as_str(),
                    lang,
                    "{q}: answered in the asker's language"
                );
                let answered = r.topic.map(|t| t.as_str());
                let offered = r.replies[0]
                    .buttons
                    .iter()
                    .any(|b| b.action == Action::Topic(topic));
                let near_tie = NEAR_TIES
                    .iter()
                    .any(|(nq, got)| *nq == q && answered == Some(*got) && offered);
                if r.topic != Some(topic) && !near_tie {
                    failures.push(format!("{lang} {topic:>22} <- {q:?} got {answered:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {asked} questions misunderstood:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn out_of_scope_questions_get_no_topic() {
    let bot = memory_bot().await;
    for (lang, topics) in table() {
        let questions = &topics["out_of_scope"];
        let mut rejected = 0;
        for q in questions {
            let r = ask(&bot, &lang, q).await;
            match r.topic {
                None => rejected += 1,
                Some(t) => assert!(
                    OUT_OF_SCOPE_LEAKS.contains(&q.as_str()),
                    "{lang}: {q:?} answered as {t}"
                ),
            }
            if r.topic.is_none() {
                let buttons = &r.replies[0].buttons;
                assert_eq!(
                    buttons.len(),
                    TopicId::all().len(),
                    "{q:?}: the topic menu is offered"
                );
            }
        }
        assert!(
            rejected >= 8,
            "{lang}: only {rejected} out-of-scope questions rejected"
        );
    }
}
