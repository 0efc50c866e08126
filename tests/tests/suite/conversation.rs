//! The conversation service in process: commands × locales, languages, countries, and hostile input.

use ecabot_core::{Action, Input, Request, Response, Rich, TopicId};
use ecabot_tests::{ask, chat, knowledge, locale, memory_bot};

fn text(r: &Response) -> String {
    r.plain_text()
}

fn catalog_text(lang: &str, id: &str) -> String {
    Rich::parse(&knowledge().catalog.get(locale(lang), id)).to_plain()
}

#[tokio::test]
async fn every_topic_command_answers_in_every_locale() {
    let bot = memory_bot().await;
    for lang in ["en", "fi"] {
        for topic in TopicId::all() {
            for command in [
                format!("/{topic}"),
                format!("/{}", topic.command_name()),
                format!("/start {topic}"),
            ] {
                let r = ask(&bot, lang, &command).await;
                assert_eq!(r.topic, Some(topic), "{lang} {command}");
                assert_eq!(r.locale.as_str(), lang);
                let body = catalog_text(lang, &topic.body_id());
                let start: String = body.chars().take(40).collect();
                assert!(
                    text(&r).starts_with(&start),
                    "{lang} {command}: the topic's own text"
                );
            }
        }
    }
}

#[tokio::test]
async fn hostile_and_odd_input_gets_a_clear_localized_reply() {
    let bot = memory_bot().await;
    for lang in ["en", "fi"] {
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "empty-input"),
            ("   \n\t ".into(), "empty-input"),
            ("\u{0}\u{7}\u{1b}\u{202e}".into(), "empty-input"),
            ("🎉🔥👍".into(), "no-words"),
            ("1234 !!! ???".into(), "no-words"),
            ("ما هو تحالف المجموعات الأوروبية؟".into(), "unknown-question"),
            ("מהי הברית האירופית של האשכולות?".into(), "unknown-question"),
        ];
        for (input, expected) in cases {
            let r = ask(&bot, lang, &input).await;
            assert_eq!(r.topic, None, "{input:?}");
            let intro = catalog_text(lang, expected);
            assert!(
                text(&r).starts_with(&intro),
                "{lang} {input:?}: expected {expected}, got {}",
                text(&r)
            );
            assert_eq!(
                r.replies[0].buttons.len(),
                TopicId::all().len(),
                "{input:?}: the topic menu"
            );
        }
        let huge = "How do I join?".repeat(7500);
        assert!(huge.len() > 100_000);
        let r = ask(&bot, lang, &huge).await;
        assert_eq!(r.topic, None);
        let expected = if lang == "fi" {
            "105\u{a0}000 merkkiä"
        } else {
            "105,000 characters"
        };
        assert!(
            text(&r).contains(expected),
            "{lang}: the length is named: {}",
            text(&r)
        );
        let noisy = "\u{7}How do\u{0} I \u{202e}join\u{1b}?";
        assert_eq!(
            ask(&bot, lang, noisy).await.topic,
            "join".parse().ok(),
            "control characters are ignored"
        );
    }
}

#[tokio::test]
async fn members_by_country_in_both_languages() {
    let bot = memory_bot().await;
    let r = ask(&bot, "fi", "Kuka on Puolan jäsen?").await;
    assert_eq!(r.topic, "members".parse().ok());
    assert!(
        text(&r).starts_with("Puolassa allianssin jäsen on Polish Clusters Association."),
        "{}",
        text(&r)
    );
    let r = ask(&bot, "fi", "kuka on Suomen jäsen?").await;
    assert!(text(&r).contains("East and North Finland"), "{}", text(&r));
    let r = ask(&bot, "en", "Who is the member in Poland?").await;
    assert!(
        text(&r).starts_with("The alliance's member in Poland is Polish Clusters Association.")
    );
    let r = ask(&bot, "en", "who represents france in the alliance").await;
    assert!(
        text(&r).contains("2 member associations in France"),
        "{}",
        text(&r)
    );
    assert!(text(&r).contains("France Clusters"));
    let r = ask(&bot, "en", "/members Belgium").await;
    assert!(
        text(&r).starts_with("The alliance has no national member association in Belgium"),
        "{}",
        text(&r)
    );
    let r = ask(&bot, "fi", "/members Belgia").await;
    assert!(text(&r).starts_with("Belgiassa ei ole"), "{}", text(&r));
    let r = ask(&bot, "en", "/members Atlantis").await;
    assert!(
        text(&r).contains("I don't recognise \"Atlantis\" as a country"),
        "{}",
        text(&r)
    );
    assert!(
        text(&r).contains("Poland"),
        "lists the countries with members"
    );
    let r = ask(&bot, "en", "/members").await;
    assert!(
        text(&r).contains("Poland: Polish Clusters Association"),
        "the full list"
    );
    assert!(
        text(&r).contains(
            "France: Association Française des Pôles de Compétitivité and France Clusters"
        )
    );
    let r = ask(&bot, "en", "How can we join from Spain?").await;
    assert_eq!(r.topic, "join".parse().ok());
    assert!(
        text(&r).contains("In Spain, your way in is Spanish Federation of AEIs & Clusters."),
        "{}",
        text(&r)
    );
}

#[tokio::test]
async fn language_choice_beats_the_platform_hint_until_reset() {
    let bot = memory_bot().await;
    let c = chat("lang");
    let say = |text: &str, hint: &str| Request::text(c.clone(), text).with_hint(Some(hint.into()));
    assert_eq!(
        bot.handle(say("/help", "en-GB")).await.locale.as_str(),
        "en"
    );
    assert_eq!(
        bot.handle(say("/help", "fi-FI")).await.locale.as_str(),
        "fi",
        "the hint counts"
    );
    assert_eq!(
        bot.handle(say("/help", "de-DE")).await.locale.as_str(),
        "en",
        "unsupported hint → default"
    );
    let set = bot.handle(say("/language fi", "en")).await;
    assert_eq!(set.locale.as_str(), "fi");
    assert_eq!(text(&set), catalog_text("fi", "language-set"));
    assert_eq!(
        bot.handle(say("How do I join?", "en-US"))
            .await
            .locale
            .as_str(),
        "fi",
        "choice beats hint"
    );
    let bad = bot.handle(say("/language klingon", "en")).await;
    assert!(text(&bad).contains("”klingon”"), "{}", text(&bad));
    let menu = bot.handle(say("/language", "en")).await;
    let actions: Vec<_> = menu.replies[0]
        .buttons
        .iter()
        .map(|b| b.action.to_string())
        .collect();
    assert_eq!(actions, ["lang:en", "lang:fi"]);
    assert_eq!(
        menu.replies[0].buttons[1].label, "suomi",
        "languages are named in their own language"
    );
    let pressed = Request {
        input: Input::Action(Action::Language(locale("en"))),
        ..say("", "fi")
    };
    assert_eq!(bot.handle(pressed).await.locale.as_str(), "en");
    let auto = bot.handle(say("/language auto", "fi")).await;
    assert_eq!(auto.locale.as_str(), "fi");
    assert_eq!(
        bot.handle(say("/help", "en")).await.locale.as_str(),
        "en",
        "back to following the hint"
    );
}

#[tokio::test]
async fn other_commands() {
    let bot = memory_bot().await;
    let r = ask(&bot, "fi", "/start").await;
    assert!(text(&r).starts_with("Hei! Olen ecabot"), "{}", text(&r));
    assert_eq!(r.replies[0].buttons.len(), TopicId::all().len());
    let r = ask(&bot, "en", "/start no-such-link").await;
    assert_eq!(
        text(&r).lines().next().unwrap(),
        catalog_text("en", "unknown-deep-link")
    );
    let r = ask(&bot, "en", "/start sub-nonexistent").await;
    assert!(
        text(&r).starts_with("I don't know a call or topic called “nonexistent”"),
        "{}",
        text(&r)
    );
    let r = ask(&bot, "en", "/frobnicate now").await;
    assert_eq!(
        text(&r),
        "I don't know the command /frobnicate. Type /help to see what I can do."
    );
    let r = ask(&bot, "en", "/**bold**[x](https://evil.example)").await;
    assert!(
        text(&r).contains("/**bold**[x](https://evil.example. Type"),
        "echoed literally, bounded: {}",
        text(&r)
    );
    let inlines = format!("{:?}", r.replies[0].body);
    assert!(
        !inlines.contains("Bold") && !inlines.contains("Link"),
        "no markup from user input: {inlines}"
    );
    let mut request = Request::text(chat("group"), "/help@someotherbot");
    request.bot_name = Some("ecabot".into());
    assert!(
        bot.handle(request).await.replies.is_empty(),
        "commands for another bot are not ours"
    );
    let mut request = Request::text(chat("group"), "/help@ecabot");
    request.bot_name = Some("ecabot".into());
    assert_eq!(bot.handle(request).await.replies.len(), 1);
    let topics = ask(&bot, "en", "/topics").await;
    let labels: Vec<_> = topics.replies[0]
        .buttons
        .iter()
        .map(|b| b.action.to_string())
        .collect();
    assert_eq!(labels[0], "topic:about");
    assert_eq!(labels.len(), TopicId::all().len());
    let pressed = Request {
        input: Input::Action("topic:eccp".parse().unwrap()),
        ..Request::text(chat("b"), "")
    };
    assert_eq!(bot.handle(pressed).await.topic, "eccp".parse().ok());
}

/// Several suggested time zones are alternatives, joined the language's way with "or".
#[tokio::test]
async fn unknown_time_zones_get_alternatives() {
    let bot = memory_bot().await;
    let r = ask(&bot, "en", "/timezone Europe/Br").await;
    assert!(
        text(&r).contains("Did you mean Europe/Brussels, Europe/Gibraltar, Europe/Bratislava, Asia/Brunei or Asia/Hebron?"),
        "{}",
        text(&r)
    );
    let r = ask(&bot, "fi", "/timezone Europe/Br").await;
    assert!(
        text(&r).contains("Asia/Brunei tai Asia/Hebron?"),
        "{}",
        text(&r)
    );
}
