//! End to end on Discord: the real adapter (serenity and poise) against a fake Discord REST API
//! and gateway on 127.0.0.1, the core on a real SQLite file, time from a test clock.

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use ecabot_core::Locale;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::Target;
use ecabot_core::{CallStore, ChatStore};
use ecabot_tests::{
    call_toml,
    discord::{ANSWER, DiscordApp, button_ids, visible, visible_json},
    fake_discord::{BOT_USER_ID, EVERYONE_PERMISSIONS, Failure, FakeUser, MANAGE_CHANNELS, Place},
};
use serde_json::Value;

const CHANNEL: u64 = 700_000_000_000_000_001;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 10, 9, 0, 0).unwrap()
}

/// The bot on Discord with one open call: the Cluster Booster Academy, closing 3 March 2027
/// at 17:00 Brussels time.
async fn with_academy() -> DiscordApp {
    let t = DiscordApp::spawn(start()).await;
    t.app
        .import_toml(&call_toml(
            "cba-2027",
            "Cluster Booster Academy 2027",
            "2027-03-03T17:00",
        ))
        .await;
    t
}

fn member(permissions: u64) -> Place {
    Place::Channel {
        channel_id: CHANNEL,
        permissions,
    }
}

/// The interaction callbacks of one interaction, waited for.
async fn callbacks(
    t: &DiscordApp,
    id: &str,
    n: usize,
) -> Vec<ecabot_tests::fake_discord::Callback> {
    t.fake
        .wait_for(ANSWER, |fake| {
            let mine: Vec<_> = fake
                .callbacks()
                .into_iter()
                .filter(|c| c.interaction_id == id)
                .collect();
            (mine.len() >= n).then_some(mine)
        })
        .await
        .unwrap_or_else(|| panic!("no answer to interaction {id}"))
}

/// The values of an autocomplete answer's choices, in order.
fn choice_values(data: &Value) -> Vec<String> {
    data["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["value"].as_str().map(str::to_owned))
        .collect()
}

fn localizations<'a>(command: &'a Value, field: &str) -> &'a serde_json::Map<String, Value> {
    command[field]
        .as_object()
        .unwrap_or_else(|| panic!("{field} of {}", command["name"]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_in_the_guild_with_finnish_localizations() {
    let t = DiscordApp::spawn(start()).await;
    let registrations = t.fake.registrations();
    let last = registrations.last().expect("commands registered");
    assert_eq!(last.guild_id, Some(ecabot_tests::fake_discord::GUILD_ID));
    let commands = last.commands.as_array().expect("an array of commands");
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for contract in [
        "ask",
        "topics",
        "join",
        "members",
        "calls",
        "subscribe",
        "unsubscribe",
        "subscriptions",
        "remind",
        "timezone",
        "quiet",
        "language",
        "ics",
        "digest",
        "help",
        "cluster-organisations",
    ] {
        assert!(names.contains(&contract), "/{contract} missing: {names:?}");
    }
    assert_eq!(
        commands.len(),
        1 + 12 + ecabot_core::model::topic::TOPIC_IDS.len()
    );
    let cat = &ecabot_tests::knowledge().catalog;
    let fi = Locale::parse("fi").unwrap();
    for command in commands {
        let name = command["name"].as_str().unwrap();
        let local_names = localizations(command, "name_localizations");
        let descriptions = localizations(command, "description_localizations");
        assert_eq!(
            local_names["fi"],
            cat.get(fi, &format!("command-{name}")),
            "/{name}"
        );
        for key in ["fi", "en-US", "en-GB"] {
            assert!(descriptions.contains_key(key), "/{name} lacks {key}");
        }
        assert_ne!(descriptions["fi"], descriptions["en-US"], "/{name}");
    }
    let ask = commands.iter().find(|c| c["name"] == "ask").unwrap();
    assert_eq!(ask["name_localizations"]["fi"], "kysy");
    assert_eq!(ask["options"][0]["name"], "question");
    assert_eq!(ask["options"][0]["name_localizations"]["fi"], "kysymys");
    assert_eq!(ask["options"][0]["required"], true);
    let members = commands.iter().find(|c| c["name"] == "members").unwrap();
    assert_eq!(members["options"][0]["name"], "country");
    assert_eq!(members["options"][0]["autocomplete"], true);
    assert_eq!(members["options"][0]["name_localizations"]["fi"], "maa");
    let subscribe = commands.iter().find(|c| c["name"] == "subscribe").unwrap();
    assert_eq!(subscribe["options"][0]["autocomplete"], true);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_with_locale_fi_answers_in_finnish() {
    let t = DiscordApp::spawn(start()).await;
    let aino = FakeUser::new(501, "Aino", Some("fi"));
    let expected = t
        .app
        .say_in(&DiscordApp::chat(1), "fi", "Miten liityn?")
        .await;
    assert_eq!(expected.locale.as_str(), "fi");
    let asked = t.fake.slash(
        &aino,
        member(EVERYONE_PERMISSIONS),
        "ask",
        &[("question", "Miten liityn?")],
    );
    let answer = &callbacks(&t, &asked.id, 1).await[0];
    assert_eq!(answer.kind, 4, "answered at once: {answer:?}");
    assert!(answer.after < Duration::from_secs(3));
    let text = visible_json(&answer.data);
    let first_line = expected.plain_text();
    let first_line = first_line.lines().next().unwrap();
    let probe: String = first_line.chars().take(30).collect();
    assert!(text.contains(&probe), "{probe:?} not in {text}");
    assert!(!button_ids(&answer.data).is_empty(), "topic buttons");
    assert_eq!(
        answer.data["allowed_mentions"]["parse"],
        Value::Array(vec![])
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_country_poland_names_the_polish_clusters_association() {
    let t = DiscordApp::spawn(start()).await;
    let user = FakeUser::new(502, "Piotr", Some("en-GB"));
    let asked = t
        .fake
        .slash(&user, Place::Dm, "members", &[("country", "Poland")]);
    let answer = &callbacks(&t, &asked.id, 1).await[0];
    let text = visible_json(&answer.data);
    assert!(text.contains("Polish Clusters Association"), "{text}");

    // Typing "Pol" suggests Poland.
    let typing = t.fake.autocomplete(
        &user,
        Place::Dm,
        "members",
        &[("country", "Pol")],
        "country",
    );
    let suggestions = &callbacks(&t, &typing.id, 1).await[0];
    assert_eq!(suggestions.kind, 8);
    let values = choice_values(&suggestions.data);
    assert_eq!(values, ["Poland"]);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_of_subscribe_lists_open_calls_only() {
    let t = DiscordApp::spawn(start()).await;
    t.app
        .import_toml(&format!(
            "{}{}",
            call_toml(
                "cba-2027",
                "Cluster Booster Academy 2027",
                "2027-03-03T17:00"
            ),
            call_toml("closed-2026", "A call that closed", "2026-12-01T17:00"),
        ))
        .await;
    t.app
        .import_toml(&call_toml(
            "matchmaking-2027",
            "Matchmaking mission to Tampere",
            "2027-04-14T12:00",
        ))
        .await;
    let user = FakeUser::new(503, "Mika", Some("en-US"));
    let typing = t
        .fake
        .autocomplete(&user, Place::Dm, "subscribe", &[("call", "")], "call");
    let suggestions = &callbacks(&t, &typing.id, 1).await[0];
    assert_eq!(suggestions.kind, 8);
    let choices = suggestions.data["choices"].as_array().unwrap();
    let open = t.app.store.calls_after(start()).await.unwrap();
    assert!(!open.is_empty());
    let values: Vec<&str> = choices.iter().filter_map(|c| c["value"].as_str()).collect();
    for call in open.iter().take(25) {
        assert!(values.contains(&call.id.as_str()), "{} missing", call.id);
    }
    assert!(!values.contains(&"closed-2026"), "a closed call is offered");
    let booster = choices
        .iter()
        .find(|c| c["value"] == "cba-2027")
        .expect("the academy");
    assert!(
        booster["name"]
            .as_str()
            .unwrap()
            .starts_with("Cluster Booster Academy 2027"),
        "{booster}"
    );

    let narrowed = t
        .fake
        .autocomplete(&user, Place::Dm, "subscribe", &[("call", "boost")], "call");
    let narrowed = &callbacks(&t, &narrowed.id, 1).await[0];
    let values = choice_values(&narrowed.data);
    assert!(values.iter().any(|v| v == "cba-2027"), "{values:?}");
    assert!(values.len() < choices.len(), "typing narrows the list");
    assert!(!values.iter().any(|v| v == "matchmaking-2027"));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_reminder_needs_manage_channels_and_arrives_once_as_an_embed() {
    let t = with_academy().await;
    let chat = DiscordApp::chat(CHANNEL);
    let member_without = FakeUser::new(504, "Liisa", Some("fi"));
    let refused = t.fake.slash(
        &member_without,
        member(EVERYONE_PERMISSIONS),
        "subscribe",
        &[("call", "cba-2027")],
    );
    let refusal = &callbacks(&t, &refused.id, 1).await[0];
    let cat = &ecabot_tests::knowledge().catalog;
    let fi = Locale::parse("fi").unwrap();
    let expected: String = cat.get(fi, "admins-only").chars().take(20).collect();
    assert!(
        visible_json(&refusal.data).contains(&expected),
        "{}",
        visible_json(&refusal.data)
    );
    assert_eq!(
        refusal.data["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "only the asker sees the refusal"
    );
    assert!(t.app.store.subscriptions(&chat).await.unwrap().is_empty());

    let manager = FakeUser::new(505, "Anna", Some("en-GB"));
    let allowed = t.fake.slash(
        &manager,
        member(EVERYONE_PERMISSIONS | MANAGE_CHANNELS),
        "subscribe",
        &[("call", "cba-2027")],
    );
    let confirmed = &callbacks(&t, &allowed.id, 1).await[0];
    assert!(visible_json(&confirmed.data).contains("Cluster Booster Academy 2027"));
    let subscriptions = t.app.store.subscriptions(&chat).await.unwrap();
    assert_eq!(
        subscriptions[0].target,
        Target::Call(CallId::parse("cba-2027").unwrap())
    );

    // The one-hour mark comes: one embed in the channel, with a nonce, and never again.
    let deadline = Utc.with_ymd_and_hms(2027, 3, 3, 16, 0, 0).unwrap();
    let outcome = t.deliver_at(deadline - chrono::Duration::hours(1)).await;
    assert_eq!(outcome.sent, 1, "{outcome:?}");
    let posted = t.fake.messages_in(CHANNEL);
    assert_eq!(posted.len(), 1);
    let reminder = &posted[0];
    let embeds = reminder.json["embeds"].as_array().expect("an embed");
    assert_eq!(embeds.len(), 1);
    let text = visible(reminder);
    assert!(text.contains("Cluster Booster Academy 2027"), "{text}");
    assert!(
        reminder.json["nonce"]
            .as_str()
            .is_some_and(|n| n.len() <= 25)
    );
    assert_eq!(reminder.json["enforce_nonce"], true);
    let buttons = button_ids(&reminder.json);
    assert!(
        buttons.iter().any(|b| b.starts_with("snooze:cba-2027")),
        "{buttons:?}"
    );
    assert!(buttons.contains(&"done:cba-2027".to_owned()), "{buttons:?}");
    for minutes in [1, 10, 59, 70] {
        t.deliver_at(deadline - chrono::Duration::hours(1) + chrono::Duration::minutes(minutes))
            .await;
    }
    assert_eq!(t.fake.messages_in(CHANNEL).len(), 1, "sent once");

    // "I've applied" by a member without the right is refused; by the manager it takes the
    // buttons off the reminder.
    let press = t.fake.button(
        &member_without,
        member(EVERYONE_PERMISSIONS),
        &reminder.message_id,
        "done:cba-2027",
    );
    let refusal = &callbacks(&t, &press.id, 1).await[0];
    assert_eq!(refusal.kind, 4);
    assert_eq!(refusal.data["flags"].as_u64().unwrap_or(0) & 64, 64);
    let press = t.fake.button(
        &manager,
        member(EVERYONE_PERMISSIONS | MANAGE_CHANNELS),
        &reminder.message_id,
        "done:cba-2027",
    );
    let update = &callbacks(&t, &press.id, 1).await[0];
    assert_eq!(update.kind, 7, "the reminder message is updated");
    assert_eq!(update.data["components"], Value::Array(vec![]));
    assert_eq!(
        t.app.store.dismissed(&chat).await.unwrap(),
        [CallId::parse("cba-2027").unwrap()]
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_delays_the_reminder_and_a_lost_answer_does_not_duplicate_it() {
    let t = with_academy().await;
    let second: u64 = CHANNEL + 1;
    t.fake.add_channel(CHANNEL);
    t.fake.add_channel(second);
    for channel in [CHANNEL, second] {
        t.app
            .store
            .subscribe(
                &DiscordApp::chat(channel),
                &Target::Call(CallId::parse("cba-2027").unwrap()),
                start(),
            )
            .await
            .unwrap();
    }
    t.fake.fail_next(
        CHANNEL,
        Failure::RateLimited {
            retry_after: 0.8,
            global: false,
        },
    );
    t.fake.fail_next(second, Failure::CreatedButLost);
    let due = Utc.with_ymd_and_hms(2027, 3, 3, 15, 0, 0).unwrap();
    let limited_at = Instant::now();
    let first = t.deliver_at(due).await;
    assert_eq!(first.retried, 2, "{first:?}");
    assert_eq!(t.fake.too_many_requests(), 1);
    assert!(
        t.fake.messages_in(CHANNEL).is_empty(),
        "nothing went out yet"
    );

    // The outbox retries after Retry-After; the pacer holds the channel that long in real time.
    let again = t.deliver_at(due + chrono::Duration::minutes(1)).await;
    assert_eq!(again.sent, 2, "{again:?}");
    let limited = t.fake.messages_in(CHANNEL);
    assert_eq!(limited.len(), 1);
    assert!(
        limited[0].at.duration_since(limited_at) >= Duration::from_millis(800),
        "sent {:?} after the 429",
        limited[0].at.duration_since(limited_at)
    );
    // The message whose answer was lost was sent again with the same nonce: Discord kept one.
    assert_eq!(t.fake.messages_in(second).len(), 1);
    assert_eq!(t.fake.nonce_duplicates(), 1);
    for minutes in [2, 30, 70] {
        t.deliver_at(due + chrono::Duration::minutes(minutes)).await;
    }
    assert_eq!(t.fake.messages().len(), 2, "each reminder once");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_is_deferred_within_3_s_then_delivered() {
    let t = DiscordApp::spawn(start()).await;
    t.slow.set_delay(Duration::from_millis(2_500));
    let user = FakeUser::new(506, "Matti", Some("fi"));
    let asked = t.fake.slash(&user, Place::Dm, "topics", &[]);
    let deferred = &callbacks(&t, &asked.id, 1).await[0];
    assert_eq!(deferred.kind, 5, "deferred first: {deferred:?}");
    assert!(
        deferred.after < Duration::from_secs(3),
        "{:?}",
        deferred.after
    );
    let answer = t
        .fake
        .wait_for(ANSWER, |fake| {
            fake.followups()
                .into_iter()
                .find(|p| p.interaction_token.as_deref() == Some(asked.token.as_str()))
        })
        .await
        .expect("the answer follows");
    assert!(!visible(&answer).is_empty());
    assert!(!button_ids(&answer.json).is_empty(), "the topic menu");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dms_and_mentions_are_answered_and_other_chatter_is_not() {
    let t = DiscordApp::spawn(start()).await;
    let user = FakeUser::new(507, "Eva", None);
    t.fake.message(&user, Place::Dm, "How do I join?", false);
    let dm = t.fake.dm_channel_of(user.id);
    let answer = t
        .fake
        .wait_for(ANSWER, |fake| fake.messages_in(dm).into_iter().next())
        .await
        .expect("a DM answer");
    let expected = t
        .app
        .say(&DiscordApp::chat(2), "How do I join?")
        .await
        .plain_text();
    let probe: String = expected.lines().next().unwrap().chars().take(30).collect();
    assert!(visible(&answer).contains(&probe), "{}", visible(&answer));

    t.fake.message(
        &user,
        member(EVERYONE_PERMISSIONS),
        "talking among ourselves",
        false,
    );
    t.fake.message(
        &user,
        member(EVERYONE_PERMISSIONS),
        &format!("<@{BOT_USER_ID}> who is the member in Poland?"),
        true,
    );
    let answer = t
        .fake
        .wait_for(ANSWER, |fake| fake.messages_in(CHANNEL).into_iter().next())
        .await
        .expect("an answer in the channel");
    assert!(
        visible(&answer).contains("Polish Clusters Association"),
        "{}",
        visible(&answer)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        t.fake.messages_in(CHANNEL).len(),
        1,
        "chatter is not answered"
    );

    // A settings change by mention is checked against the member's roles, asked of Discord.
    // (Rights are remembered a minute, so the manager is another person.)
    let manager = FakeUser::new(509, "Kari", None);
    t.fake.set_managers(CHANNEL, &[manager.id]);
    for (who, answers, allowed) in [(&user, 2, false), (&manager, 3, true)] {
        t.fake.message(
            who,
            member(EVERYONE_PERMISSIONS),
            &format!("<@{BOT_USER_ID}> /quiet 22:00-07:00"),
            true,
        );
        t.fake
            .wait_for(ANSWER, |fake| {
                (fake.messages_in(CHANNEL).len() == answers).then_some(())
            })
            .await
            .expect("an answer");
        let prefs = t
            .app
            .store
            .chat_prefs(&DiscordApp::chat(CHANNEL))
            .await
            .unwrap();
        assert_eq!(prefs.quiet.is_some(), allowed, "{}", who.name);
    }
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_channel_stops_its_reminders_without_a_retry_storm() {
    let t = with_academy().await;
    let chat = DiscordApp::chat(CHANNEL);
    t.fake.add_channel(CHANNEL);
    t.app
        .store
        .subscribe(&chat, &Target::All, start())
        .await
        .unwrap();
    t.fake.fail_next(CHANNEL, Failure::UnknownChannel);
    // The day-before reminder of the 17:00 Brussels deadline.
    let due = Utc.with_ymd_and_hms(2027, 3, 2, 16, 0, 0).unwrap();
    let outcome = t.deliver_at(due).await;
    assert_eq!(outcome.failed, 1, "{outcome:?}");
    assert!(!t.app.store.chat_prefs(&chat).await.unwrap().active);
    let before = t.fake.requests().len();
    t.deliver_at(due + chrono::Duration::hours(23)).await;
    let posts = t.fake.requests()[before..]
        .iter()
        .filter(|(method, path, _)| method == "POST" && path.contains("/messages"))
        .count();
    assert_eq!(posts, 0, "nothing more is sent to a gone channel");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_buttons_edit_the_menu_in_place_and_ics_is_a_file() {
    let t = DiscordApp::spawn(start()).await;
    let user = FakeUser::new(508, "Olli", Some("en-US"));
    let asked = t.fake.slash(&user, Place::Dm, "topics", &[]);
    let menu = &callbacks(&t, &asked.id, 1).await[0];
    let buttons = button_ids(&menu.data);
    assert_eq!(buttons.len(), ecabot_core::model::topic::TOPIC_IDS.len());
    let press = t.fake.button(&user, Place::Dm, "1", "topic:join");
    let update = &callbacks(&t, &press.id, 1).await[0];
    assert_eq!(update.kind, 7, "navigation edits in place");
    assert!(!visible_json(&update.data).is_empty());

    t.app
        .import_toml(&call_toml(
            "cba-2027",
            "Cluster Booster Academy 2027",
            "2027-03-03T17:00",
        ))
        .await;
    let subscribe = t
        .fake
        .slash(&user, Place::Dm, "subscribe", &[("call", "cba-2027")]);
    callbacks(&t, &subscribe.id, 1).await;
    let ics = t.fake.slash(&user, Place::Dm, "ics", &[]);
    let file = &callbacks(&t, &ics.id, 1).await[0];
    let (name, bytes) = file.files.first().expect("an attachment");
    assert!(name.ends_with(".ics"), "{name}");
    let text = String::from_utf8_lossy(bytes);
    assert!(text.starts_with("BEGIN:VCALENDAR") && text.contains("Cluster Booster Academy 2027"));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_session_heartbeats_and_resumes_after_a_dropped_connection() {
    let t = DiscordApp::spawn(start()).await;
    let identify = t.fake.identify().expect("an Identify");
    let intents = identify["intents"].as_u64().unwrap();
    let message_content = 1 << 15;
    assert_eq!(intents & message_content, 0, "no privileged intent");
    t.fake
        .wait_for(ANSWER, |fake| (fake.heartbeats() >= 2).then_some(()))
        .await
        .expect("heartbeats at the interval of Hello, acknowledged");

    t.fake.disconnect();
    t.fake
        .wait_for(ANSWER, |fake| (fake.resumes() >= 1).then_some(()))
        .await
        .expect("the client resumes the session");
    assert_eq!(t.fake.connections(), 2);
    let user = FakeUser::new(510, "Sanna", Some("en-US"));
    let asked = t.fake.slash(&user, Place::Dm, "help", &[]);
    let answer = &callbacks(&t, &asked.id, 1).await[0];
    assert_eq!(answer.kind, 4, "answered after the resume");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chats_chosen_language_wins_over_the_interaction_locale() {
    let t = DiscordApp::spawn(start()).await;
    let user = FakeUser::new(511, "Ville", Some("fi"));
    let chosen = t
        .fake
        .slash(&user, Place::Dm, "language", &[("language", "en")]);
    let confirmed = &callbacks(&t, &chosen.id, 1).await[0];
    let cat = &ecabot_tests::knowledge().catalog;
    assert!(visible_json(&confirmed.data).contains(&cat.get(Locale::ENGLISH, "language-set")));
    let asked = t
        .fake
        .slash(&user, Place::Dm, "ask", &[("question", "Miten liityn?")]);
    let answer = &callbacks(&t, &asked.id, 1).await[0];
    let expected = t
        .app
        .say_in(&DiscordApp::chat(3), "en", "How do I join?")
        .await
        .plain_text();
    let probe: String = expected.lines().next().unwrap().chars().take(30).collect();
    assert!(
        visible_json(&answer.data).contains(&probe),
        "{:?}",
        answer.data
    );

    let typing = t.fake.autocomplete(
        &user,
        Place::Dm,
        "language",
        &[("language", "")],
        "language",
    );
    let values = choice_values(&callbacks(&t, &typing.id, 1).await[0].data);
    assert_eq!(values, ["en", "fi", "auto"]);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_stays_under_discords_global_limit() {
    let t = with_academy().await;
    let channels: Vec<u64> = (0..150).map(|i| CHANNEL + 100 + i).collect();
    for &channel in &channels {
        t.fake.add_channel(channel);
        t.app
            .store
            .subscribe(&DiscordApp::chat(channel), &Target::All, start())
            .await
            .unwrap();
    }
    let began = Instant::now();
    let outcome = t
        .deliver_at(Utc.with_ymd_and_hms(2027, 3, 3, 15, 0, 0).unwrap())
        .await;
    let took = began.elapsed();
    assert_eq!(outcome.sent, channels.len(), "{outcome:?}");
    assert_eq!(t.fake.messages().len(), channels.len());
    // 45 per second, the shipped default, under Discord's 50 requests/s.
    let peak = t.fake.peak_per_second();
    assert!(peak <= 46, "{peak} requests in one second");
    assert!(
        took >= Duration::from_secs(3),
        "150 messages at 45/s cannot take {took:?}"
    );
    assert_eq!(t.fake.too_many_requests(), 0);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_digest_of_a_real_feed_arrives_in_the_channel_within_embed_limits() {
    let t = DiscordApp::spawn(start()).await;
    let manager = FakeUser::new(521, "Erik", Some("en-GB"));
    let set = t.fake.slash(
        &manager,
        member(EVERYONE_PERMISSIONS | MANAGE_CHANNELS),
        "digest",
        &[("schedule", "weekly")],
    );
    let confirmed = visible_json(&callbacks(&t, &set.id, 1).await[0].data);
    assert!(confirmed.contains("every Monday at 09:00"), "{confirmed}");
    let (_server, new) = ecabot_tests::fetch_stories(
        t.app.store.clone(),
        t.app.clock.clone(),
        ecabot_core::planning::digests::MAX_DIGEST_ITEMS,
    )
    .await;
    assert_eq!(new, 40);
    // Monday 11 January 2027, 09:00 in Brussels.
    let at = Utc.with_ymd_and_hms(2027, 1, 11, 8, 0, 0).unwrap();
    assert_eq!(
        t.deliver_at(at - chrono::Duration::minutes(1)).await.sent,
        0
    );
    let outcome = t.deliver_at(at).await;
    assert_eq!(outcome.sent, 1, "{outcome:?}");
    let posted = t.fake.messages_in(CHANNEL);
    assert!(!posted.is_empty());
    let mut seen = String::new();
    for message in &posted {
        let embeds = message.json["embeds"].as_array().expect("embeds");
        let total: usize = embeds
            .iter()
            .map(|e| {
                e["description"]
                    .as_str()
                    .unwrap_or("")
                    .encode_utf16()
                    .count()
            })
            .sum();
        assert!(total <= 6000, "{total}");
        seen.push_str(&visible(message));
        seen.push('\n');
    }
    assert!(
        seen.starts_with("Your weekly digest, 11 January 2027"),
        "{seen}"
    );
    for i in 1..=40 {
        let title = ecabot_tests::story_title(i);
        assert_eq!(seen.matches(&format!("{title} ")).count(), 1, "story {i}");
    }
    assert!(seen.contains("/digest off stops it"), "{seen}");
    for minutes in [1, 30, 600] {
        t.deliver_at(at + chrono::Duration::minutes(minutes)).await;
    }
    assert_eq!(t.fake.messages_in(CHANNEL).len(), posted.len(), "sent once");
    t.stop().await;
}

/// `DISCORD_SHARDS=3/4`: this instance identifies as shard 3 of 4 and serves what that shard
/// receives, so instances can split the gateway between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_runs_the_shard_it_is_given() {
    let shards: ecabot_discord::Shards = "3/4".parse().expect("a shard range");
    let t = DiscordApp::spawn_with(
        ecabot_tests::TestDatabase::sqlite().await,
        start(),
        |config| {
            config.shards = shards;
        },
    )
    .await;
    let identify = t.fake.identify().expect("an Identify");
    assert_eq!(identify["shard"], serde_json::json!([3, 4]), "{identify}");
    let user = FakeUser::new(512, "Shard", Some("en-US"));
    let asked = t.fake.slash(&user, Place::Dm, "help", &[]);
    let answer = &callbacks(&t, &asked.id, 1).await[0];
    assert_eq!(answer.kind, 4, "answered on shard 3");
    for (text, ok) in [
        ("0/1", true),
        ("0-1/4", true),
        ("2-3/4", true),
        ("4/4", false),
        ("2-1/4", false),
        ("1/0", false),
        ("a/b", false),
        ("3", false),
    ] {
        assert_eq!(text.parse::<ecabot_discord::Shards>().is_ok(), ok, "{text}");
    }
    assert_eq!(
        "0-1/4"
            .parse::<ecabot_discord::Shards>()
            .unwrap()
            .to_string(),
        "0-1/4"
    );
    t.stop().await;
}
