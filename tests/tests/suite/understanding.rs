//! Free-text understanding, data-driven: the questions in `tests/data/questions.toml` (the set
//! the earlier matcher was tuned on) must reach their topic in every locale, answered or offered
//! as the one-tap "you might also mean" button, and out-of-scope questions must reach none.
//! Small talk, the question's own language and the `kind` of a reply are told apart here too.
//! How well understanding generalizes is measured on the blind sets (BENCHMARKS.md), not here.
//!
//! The known misses are listed by name, so that any other drift, and any change in these, fails.

use std::collections::BTreeMap;

use ecabot_core::language::understanding::intent::SmallTalk;
use ecabot_core::{Action, ChatStore, Kind, Locale, Request, Rich, TopicId};
use ecabot_tests::{ask, chat, knowledge, memory_bot, workspace_root};

type Table = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// (question, topic answered) where the expected topic is neither answered nor offered: the
/// nearest-neighbour matcher reads these differently from the one this set was tuned for.
const KNOWN_MISSES: &[(&str, &str)] = &[("What is the ECCP's mission?", "objectives")];

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
                let known = KNOWN_MISSES
                    .iter()
                    .any(|(nq, got)| *nq == q && answered == Some(*got));
                let right = r.topic == Some(topic) || offered;
                if right == known {
                    failures.push(format!("{lang} {topic:>22} <- {q:?} got {answered:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {asked} questions misunderstood, or known misses now understood:\n{}",
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
            if r.kind == Kind::Unknown {
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

fn plain(lang: &str, id: &str) -> String {
    let locale = Locale::parse(lang).unwrap();
    Rich::parse(&knowledge().catalog.get(locale, id)).to_plain()
}

/// Every kind of small talk, in each language, gets its own short reply with a button or two,
/// not the "I don't know" menu.
#[tokio::test]
async fn small_talk_is_answered_in_kind() {
    let cases: &[(&str, SmallTalk, &[&str])] = &[
        (
            "en",
            SmallTalk::Greeting,
            &["hi", "Good morning!", "hey there"],
        ),
        ("en", SmallTalk::Thanks, &["thanks!", "thank you very much"]),
        ("en", SmallTalk::Goodbye, &["bye", "see you later"]),
        (
            "en",
            SmallTalk::Identity,
            &["who are you?", "are you a bot?"],
        ),
        (
            "en",
            SmallTalk::Capabilities,
            &["what can you do?", "what can I ask you"],
        ),
        ("en", SmallTalk::Nonsense, &["asdfghjkl", "qwerty"]),
        ("en", SmallTalk::Insult, &["you are useless", "stupid bot"]),
        ("fi", SmallTalk::Greeting, &["moi", "hyvää huomenta"]),
        ("fi", SmallTalk::Thanks, &["kiitos", "kiitti paljon"]),
        (
            "fi",
            SmallTalk::Goodbye,
            &["heippa, pitää lähteä", "nähdään"],
        ),
        ("fi", SmallTalk::Identity, &["kuka sä oot?", "oletko botti"]),
        (
            "fi",
            SmallTalk::Capabilities,
            &["mitä osaat?", "mitä sulta voi kysyä"],
        ),
        ("fi", SmallTalk::Nonsense, &["asdfghjklö", "jkjkjkjk"]),
        (
            "fi",
            SmallTalk::Insult,
            &["tyhmä botti", "olet ihan hyödytön"],
        ),
    ];
    let bot = memory_bot().await;
    let mut failures = Vec::new();
    for (case, (lang, kind, messages)) in cases.iter().enumerate() {
        let expected = plain(lang, &format!("smalltalk-{}", kind.as_str()));
        for (i, message) in messages.iter().enumerate() {
            let r = bot
                .handle(
                    Request::text(chat(&format!("talk-{case}-{i}")), *message)
                        .with_hint(Some((*lang).into())),
                )
                .await;
            let buttons = r.replies[0].buttons.len();
            if r.kind != Kind::SmallTalk
                || r.plain_text() != expected
                || r.locale.as_str() != *lang
                || !(1..=2).contains(&buttons)
            {
                failures.push(format!(
                    "{lang} {kind:?} {message:?}: {:?} {} buttons: {}",
                    r.kind,
                    buttons,
                    r.plain_text()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Out-of-scope questions that share the domain's words: joining a gym, members of a band, a
/// capital, seats in the European Parliament, a food quality label.
#[tokio::test]
async fn look_alike_questions_are_not_claimed() {
    let cases: &[(&str, &str)] = &[
        ("en", "How do I join a gym?"),
        ("en", "who are the members of the band Queen"),
        ("en", "What is the capital of Finland?"),
        (
            "en",
            "How many seats does Finland have in the European Parliament?",
        ),
        ("en", "what does the DOP quality label on cheese mean"),
        ("fi", "Miten liityn kuntosalin jäseneksi?"),
        ("fi", "ketkä on bändin jäsenet?"),
        ("fi", "mikä on Suomen pääkaupunki"),
        ("fi", "montako paikkaa Suomella on Euroopan parlamentissa"),
    ];
    let bot = memory_bot().await;
    for (lang, q) in cases {
        let r = ask(&bot, lang, q).await;
        assert_eq!(r.topic, None, "{lang} {q:?} claimed as {:?}", r.topic);
        assert_ne!(r.kind, Kind::Topic, "{q:?}");
    }
}

/// In a chat without a chosen language, the question's own language decides the answer's; a
/// language the bot does not speak gets the list of those it does, in the platform's language.
#[tokio::test]
async fn the_question_language_decides_in_a_chat_without_one() {
    let bot = memory_bot().await;
    let r = ask(&bot, "en", "Miten liityn allianssiin?").await;
    assert_eq!(r.locale.as_str(), "fi");
    assert_eq!(r.topic.map(|t| t.as_str()), Some("join"));

    let r = ask(&bot, "fi", "How do I join the alliance?").await;
    assert_eq!(r.locale.as_str(), "en");
    assert_eq!(r.topic.map(|t| t.as_str()), Some("join"));

    let r = ask(&bot, "en", "hola, ¿cómo me uno a la alianza?").await;
    assert_eq!(r.locale.as_str(), "en", "the platform's language");
    assert_eq!(r.kind, Kind::Unknown);
    assert!(
        r.plain_text()
            .starts_with("Sorry, I don't speak that language yet. I speak English and suomi"),
        "{}",
        r.plain_text()
    );
    let actions: Vec<&Action> = r.replies[0].buttons.iter().map(|b| &b.action).collect();
    assert_eq!(
        actions,
        [
            &Action::Language(Locale::ENGLISH),
            &Action::Language(Locale::parse("fi").unwrap())
        ]
    );
    let r = ask(&bot, "fi", "¿Quién es el miembro de la alianza en España?").await;
    assert_eq!(r.locale.as_str(), "fi");
    assert!(
        r.plain_text().starts_with("Valitettavasti en vielä puhu"),
        "{}",
        r.plain_text()
    );

    // Too short to tell: the platform's language.
    let r = ask(&bot, "fi", "ECCP?").await;
    assert_eq!(r.locale.as_str(), "fi");
    assert_eq!(r.topic.map(|t| t.as_str()), Some("eccp"));

    // A chat that chose a language keeps it, whatever the question's language.
    let store = ecabot_store::SqlStore::memory().await.unwrap();
    let store = std::sync::Arc::new(store);
    let chosen = chat("chose-english");
    store
        .set_chat_locale(&chosen, Some(Locale::ENGLISH))
        .await
        .unwrap();
    let bot = ecabot_tests::bot_with(store);
    let r = bot
        .handle(
            Request::text(chosen.clone(), "Miten liityn allianssiin?").with_hint(Some("fi".into())),
        )
        .await;
    assert_eq!(r.locale.as_str(), "en");
    assert_eq!(r.topic.map(|t| t.as_str()), Some("join"));
    let r = bot
        .handle(Request::text(chosen, "hola, ¿cómo me uno a la alianza?"))
        .await;
    assert_eq!(r.kind, Kind::Unknown);
    assert!(
        r.plain_text().starts_with("Sorry, I don't know"),
        "{}",
        r.plain_text()
    );
}

/// A close second topic is offered as a one-tap "did you mean" button, first among the buttons.
#[tokio::test]
async fn a_close_second_topic_is_offered() {
    let bot = memory_bot().await;
    let r = ask(&bot, "en", "Who is the Finnish member of the alliance?").await;
    assert_eq!(r.topic.map(|t| t.as_str()), Some("finnish-clusters"));
    assert!(
        r.plain_text().contains("You might also mean:"),
        "{}",
        r.plain_text()
    );
    let first = &r.replies[0].buttons[0];
    assert_eq!(first.action, Action::Topic("members".parse().unwrap()));
}
