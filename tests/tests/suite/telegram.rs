//! Telegram end to end: the real adapter and teloxide client against a fake Bot API on
//! 127.0.0.1. Every test ends by checking that the canary token never reached a log line.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use ecabot_core::ports::Outbox;
use ecabot_core::{CallStore, ChatStore};
use ecabot_core::{EntryState, Kind, Locale, Reply, Response, Rich};
use ecabot_tests::{
    TestDatabase, call_toml,
    fake_telegram::{Failure, FakeUser, SentMessage, telegram_html_to_text},
    telegram::{ANSWER, CANARY_TOKEN, TelegramApp, logs},
};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
}

fn visible(message: &SentMessage) -> String {
    telegram_html_to_text(&message.text)
        .unwrap_or_else(|e| panic!("invalid HTML ({e}): {}", message.text))
}

/// A call closing `days` after the test start, 17:00 Brussels.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_answers_in_the_users_language_and_understands_questions() {
    let t = TelegramApp::spawn(start()).await;
    let aino = FakeUser::new(501, "Aino", Some("fi"));
    t.fake.push_update(t.fake.private_text(&aino, "/start"));
    let welcome = t.fake.wait_for(aino.id, 1, ANSWER).await;
    let text = visible(&welcome[0]);
    assert!(text.starts_with("Hei! Olen ecabot"), "{text}");
    assert_eq!(welcome[0].parse_mode.as_deref(), Some("HTML"));
    let keyboard = welcome[0].reply_markup.as_ref().expect("the topic menu");
    assert!(
        keyboard
            .to_string()
            .contains("\"callback_data\":\"topic:join\""),
        "{keyboard}"
    );

    let anna = FakeUser::new(502, "Anna", Some("en-GB"));
    t.fake
        .push_update(t.fake.private_text(&anna, "How do I join?"));
    let answer = t.fake.wait_for(anna.id, 1, ANSWER).await;
    assert!(
        visible(&answer[0]).contains(
            "the way into the ECA is through your country's national cluster association"
        ),
        "{}",
        visible(&answer[0])
    );

    // A deep link opens a topic directly.
    t.fake
        .push_update(t.fake.private_text(&anna, "/start eligibility"));
    let linked = t.fake.wait_for(anna.id, 2, ANSWER).await;
    assert!(
        visible(&linked[1]).contains("Quality Label"),
        "{}",
        visible(&linked[1])
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_menu_is_set_for_every_language_and_the_default() {
    let t = TelegramApp::spawn(start()).await;
    let menus = t.fake.commands();
    assert_eq!(
        menus.keys().cloned().collect::<Vec<_>>(),
        ["", "en", "fi"],
        "{menus:?}"
    );
    let describe = |lang: &str, command: &str| {
        menus[lang]
            .iter()
            .find(|(c, _)| c == command)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("{command} missing in {lang}"))
    };
    assert_eq!(
        describe("fi", "calls"),
        "Avoimet haut ja tulevat tapahtumat"
    );
    assert_eq!(describe("en", "calls"), "Open calls and upcoming events");
    assert_eq!(describe("", "subscribe"), describe("en", "subscribe"));
    // Topic commands are spelled the way menus allow, and the parser reads that spelling.
    assert!(
        menus["fi"]
            .iter()
            .any(|(c, _)| c == "cluster_organisations")
    );
    assert_eq!(menus["en"].len(), menus["fi"].len());
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_brings_the_one_hour_reminder_once() {
    let t = TelegramApp::spawn(start()).await;
    t.app
        .import_toml(&call_toml(
            "cba-2027",
            "Cluster Booster Academy 2027",
            "2027-03-03T17:00",
        ))
        .await;
    let deadline = Utc.with_ymd_and_hms(2027, 3, 3, 16, 0, 0).unwrap();
    let user = FakeUser::new(601, "Mika", Some("en"));
    t.fake
        .push_update(t.fake.private_text(&user, "/subscribe cba-2027"));
    let confirmed = t.fake.wait_for(user.id, 1, ANSWER).await;
    assert!(visible(&confirmed[0]).contains("Cluster Booster Academy 2027"));

    // The day-before moment passes while the bot is busy elsewhere; at the one-hour mark only
    // the latest reminder goes.
    let outcome = t.deliver_at(deadline - chrono::Duration::hours(1)).await;
    assert_eq!(outcome.sent, 1, "{outcome:?}");
    let sent = t.fake.sent_to(user.id);
    assert_eq!(sent.len(), 2);
    let reminder = visible(&sent[1]);
    assert!(
        reminder.contains("Cluster Booster Academy 2027") && reminder.contains("1 hour"),
        "{reminder}"
    );
    assert!(
        sent[1].reply_markup.is_some(),
        "snooze and \"I've applied\" buttons"
    );
    for minutes in [1, 10, 30, 59, 70] {
        t.deliver_at(deadline - chrono::Duration::hours(1) + chrono::Duration::minutes(minutes))
            .await;
    }
    assert_eq!(t.fake.sent_to(user.id).len(), 2, "sent once");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_delays_a_reminder_without_losing_or_doubling_it() {
    let t = TelegramApp::spawn(start()).await;
    t.app
        .import_toml(&call_toml(
            "wait",
            "Clusters meet Regions",
            "2027-03-03T17:00",
        ))
        .await;
    let deadline = Utc.with_ymd_and_hms(2027, 3, 3, 16, 0, 0).unwrap();
    let user = FakeUser::new(701, "Lea", Some("en"));
    t.fake
        .push_update(t.fake.private_text(&user, "/subscribe wait"));
    t.fake.wait_for(user.id, 1, ANSWER).await;

    // The adapter also holds this chat for 3 s of wall time: Telegram's clock is real.
    t.fake.fail_next(user.id, Failure::RetryAfter(3));
    let at = deadline - chrono::Duration::hours(1);
    let first = t.deliver_at(at).await;
    assert_eq!((first.sent, first.retried), (0, 1), "{first:?}");
    assert_eq!(t.fake.too_many_requests(), 1);
    assert_eq!(
        t.fake.sent_to(user.id).len(),
        1,
        "only the confirmation so far"
    );
    // Not before Telegram's retry_after.
    let early = t.deliver_at(at + chrono::Duration::seconds(2)).await;
    assert_eq!(early.claimed, 0, "{early:?}");
    let later = t.deliver_at(at + chrono::Duration::seconds(4)).await;
    assert_eq!(later.sent, 1, "{later:?}");
    t.deliver_at(at + chrono::Duration::minutes(5)).await;
    let sent = t.fake.sent_to(user.id);
    assert_eq!(sent.len(), 2, "the reminder arrived exactly once");
    assert!(visible(&sent[1]).contains("Clusters meet Regions"));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_who_blocked_the_bot_is_deactivated_and_not_retried() {
    let t = TelegramApp::spawn(start()).await;
    t.app
        .import_toml(&call_toml(
            "blocked",
            "Matchmaking mission",
            "2027-03-10T17:00",
        ))
        .await;
    let deadline = Utc.with_ymd_and_hms(2027, 3, 10, 16, 0, 0).unwrap();
    let user = FakeUser::new(801, "Olli", Some("en"));
    t.fake
        .push_update(t.fake.private_text(&user, "/subscribe blocked"));
    t.fake.wait_for(user.id, 1, ANSWER).await;
    t.fake.fail_next(user.id, Failure::Blocked);
    let outcome = t.deliver_at(deadline - chrono::Duration::days(7)).await;
    assert_eq!(outcome.failed, 1, "{outcome:?}");
    let chat = TelegramApp::chat(user.id);
    assert!(!t.app.store.chat_prefs(&chat).await.unwrap().active);
    let attempts = t.fake.calls_to("sendmessage").len();
    for at in [
        deadline - chrono::Duration::days(1),
        deadline - chrono::Duration::hours(1),
    ] {
        let later = t.deliver_at(at).await;
        assert_eq!(later.claimed, 0, "{later:?}");
    }
    assert_eq!(
        t.fake.calls_to("sendmessage").len(),
        attempts,
        "no retry storm"
    );
    let entries = t.app.store.entries(Some(&chat)).await.unwrap();
    assert!(
        entries.iter().all(|e| e.state != EntryState::Pending),
        "{entries:?}"
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_character_answer_arrives_in_valid_parts() {
    let t = TelegramApp::spawn(start()).await;
    let words: Vec<String> = (0..1700).map(|i| format!("w{i}")).collect();
    let mut source = String::new();
    for (i, chunk) in words.chunks(17).enumerate() {
        source.push_str(&format!("**Part {i}** {} & <more>\n\n", chunk.join(" ")));
    }
    let body = Rich::parse(&source);
    assert!(body.to_plain().chars().count() > 10_000);
    let response = Response {
        locale: Locale::ENGLISH,
        topic: None,
        kind: Kind::Command,
        replies: vec![Reply::new(body.clone())],
    };
    let chat = TelegramApp::chat(901);
    t.telegram
        .sender()
        .send(&chat, &response, &ecabot_tests::labelled_key("long-answer"))
        .await
        .expect("sent");
    let parts = t.fake.sent_to(901);
    assert!(parts.len() >= 3, "{}", parts.len());
    let mut seen = String::new();
    for part in &parts {
        let text = visible(part);
        assert!(text.encode_utf16().count() <= 4096);
        seen.push_str(&text);
        seen.push(' ');
    }
    let plain = body.to_plain();
    let expected: Vec<&str> = plain.split_whitespace().collect();
    let got: Vec<&str> = seen.split_whitespace().collect();
    assert_eq!(got, expected, "every word once, in order");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_with_markup_characters_arrive_escaped() {
    let t = TelegramApp::spawn(start()).await;
    let title = "<b>R&D</b> *now* _x_";
    t.app
        .import_toml(&call_toml("rnd", title, "2027-03-20T17:00"))
        .await;
    let user = FakeUser::new(1001, "Ida", Some("en"));
    t.fake.push_update(t.fake.private_text(&user, "/calls"));
    let listed = t.fake.wait_for(user.id, 1, ANSWER).await;
    assert!(
        listed[0]
            .text
            .contains("&lt;b&gt;R&amp;D&lt;/b&gt; *now* _x_"),
        "{}",
        listed[0].text
    );
    assert!(visible(&listed[0]).contains(title));
    t.fake
        .push_update(t.fake.private_text(&user, "/subscribe rnd"));
    t.fake.wait_for(user.id, 2, ANSWER).await;
    let deadline = Utc.with_ymd_and_hms(2027, 3, 20, 16, 0, 0).unwrap();
    t.deliver_at(deadline - chrono::Duration::days(7)).await;
    let sent = t.fake.sent_to(user.id);
    assert_eq!(sent.len(), 3);
    assert!(visible(&sent[2]).contains(title), "{}", sent[2].text);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_group_admins_change_a_groups_subscriptions() {
    let t = TelegramApp::spawn(start()).await;
    let group = -1_001_234_567_890_i64;
    let admin = FakeUser::new(1101, "Admin", Some("en"));
    let member = FakeUser::new(1102, "Member", Some("en"));
    t.fake.set_member_status(group, admin.id, "administrator");
    t.fake.set_member_status(group, member.id, "member");
    let chat = TelegramApp::chat(group);
    let bot = t.fake.bot_username();

    t.fake.push_update(
        t.fake
            .group_text(group, &member, &format!("/subscribe@{bot} all")),
    );
    let refused = t.fake.wait_for(group, 1, ANSWER).await;
    assert!(
        visible(&refused[0]).contains("only its administrators"),
        "{}",
        visible(&refused[0])
    );
    assert!(t.app.store.subscriptions(&chat).await.unwrap().is_empty());
    assert_eq!(t.fake.calls_to("getchatmember").len(), 1);

    // Members may still ask, when they address the bot.
    t.fake
        .push_update(t.fake.group_text(group, &member, "just chatting"));
    t.fake.push_update(
        t.fake
            .group_text(group, &member, &format!("@{bot} how do I join?")),
    );
    let answered = t.fake.wait_for(group, 2, ANSWER).await;
    assert!(visible(&answered[1]).contains("national cluster association"));

    t.fake
        .push_update(t.fake.group_text(group, &admin, "/subscribe all"));
    let done = t.fake.wait_for(group, 3, ANSWER).await;
    assert!(
        !visible(&done[2]).contains("only its administrators"),
        "{}",
        visible(&done[2])
    );
    assert_eq!(t.app.store.subscriptions(&chat).await.unwrap().len(), 1);

    // An anonymous admin writes as the group itself.
    t.fake
        .push_update(t.fake.anonymous_admin_text(group, "/quiet 22:00-07:00"));
    t.fake.wait_for(group, 4, ANSWER).await;
    assert!(t.app.store.chat_prefs(&chat).await.unwrap().quiet.is_some());

    // A member's button press is refused the same way.
    let message_id = done[2].message_id;
    t.fake.push_update(
        t.fake
            .callback(&member, group, message_id, "unsub:all-calls"),
    );
    t.fake
        .push_update(t.fake.callback(&member, group, message_id, "lang:fi"));
    let pressed = t.fake.wait_for(group, 6, ANSWER).await;
    for refusal in &pressed[4..] {
        assert!(
            visible(refusal).contains("only its administrators"),
            "{}",
            visible(refusal)
        );
    }
    assert_eq!(
        t.app.store.chat_prefs(&chat).await.unwrap().locale,
        Some(Locale::ENGLISH)
    );
    assert_eq!(
        t.fake.calls_to("answercallbackquery").len(),
        2,
        "every button press is answered"
    );
    // Chatter that is not addressed to the bot got no answer.
    assert_eq!(t.fake.sent_to(group).len(), 6);
    assert!(
        t.fake.edits().is_empty(),
        "a refusal never replaces the message pressed on"
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migrated_group_keeps_its_subscriptions() {
    let t = TelegramApp::spawn(start()).await;
    let (old, new) = (-4_001_i64, -1_009_000_000_001_i64);
    let admin = FakeUser::new(1201, "Admin", Some("fi"));
    t.fake.set_member_status(old, admin.id, "creator");
    t.fake
        .push_update(t.fake.group_text(old, &admin, "/subscribe all"));
    t.fake.wait_for(old, 1, ANSWER).await;
    t.fake.push_update(t.fake.migrated(old, new, &admin));
    let (old_chat, new_chat) = (TelegramApp::chat(old), TelegramApp::chat(new));
    for _ in 0..200 {
        if !t
            .app
            .store
            .subscriptions(&new_chat)
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(t.app.store.subscriptions(&new_chat).await.unwrap().len(), 1);
    assert!(
        t.app
            .store
            .subscriptions(&old_chat)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        t.app.store.chat_prefs(&new_chat).await.unwrap().locale,
        Some(Locale::parse("fi").unwrap()),
        "the language the group subscribed in moved along"
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_are_answered_and_menus_edited_in_place() {
    let t = TelegramApp::spawn(start()).await;
    let user = FakeUser::new(1301, "Eero", Some("en"));
    t.fake.push_update(t.fake.private_text(&user, "/start"));
    let menu = t.fake.wait_for(user.id, 1, ANSWER).await;
    t.fake.push_update(
        t.fake
            .callback(&user, user.id, menu[0].message_id, "topic:join"),
    );
    t.fake.wait_for_calls("editmessagetext", 1, ANSWER).await;
    assert_eq!(t.fake.calls_to("answercallbackquery").len(), 1);
    let edit = &t.fake.edits()[0];
    assert!(
        edit.params["text"]
            .as_str()
            .unwrap_or_default()
            .contains("national cluster association")
    );
    assert_eq!(t.fake.sent_to(user.id).len(), 1, "edited, not sent anew");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_user_gets_one_slow_down() {
    // Pacing off: this is about the bot's own flood control, not Telegram's limits.
    let t = TelegramApp::spawn_with(TestDatabase::sqlite().await, start(), |c| {
        c.global_rate = None
    })
    .await;
    let user = FakeUser::new(1401, "Spam", Some("en"));
    for i in 0..14 {
        t.fake.push_update(
            t.fake
                .private_text(&user, &format!("who is the member in Spain {i}")),
        );
    }
    let other = FakeUser::new(1402, "Calm", Some("en"));
    t.fake.push_update(t.fake.private_text(&other, "/help"));
    t.fake.wait_for(other.id, 1, ANSWER).await;
    let sent = t.fake.wait_for(user.id, 9, ANSWER).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent_now = t.fake.sent_to(user.id);
    assert_eq!(
        sent_now.len(),
        9,
        "eight answers and one slow-down: {}",
        sent_now.len()
    );
    let slow = sent
        .iter()
        .filter(|m| visible(m).contains("faster than I can read"))
        .count();
    assert_eq!(slow, 1);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_rejects_a_wrong_secret_and_serves_the_right_one() {
    let t = TelegramApp::spawn_webhook(start(), "right_secret-123").await;
    let (url, secret) = t.fake.webhook().expect("the webhook was set");
    assert_eq!(url, "https://bot.example.org/telegram");
    assert_eq!(secret.as_deref(), Some("right_secret-123"));
    let user = FakeUser::new(1501, "Web", Some("fi"));
    let mut update = t.fake.private_text(&user, "/start");
    update["update_id"] = 1.into();
    let client = reqwest::Client::new();
    let endpoint = format!("http://{}/telegram", t.webhook_addr());
    for secret in [None, Some("wrong"), Some("right_secret-12")] {
        let mut request = client
            .post(&endpoint)
            .header("content-type", "application/json")
            .body(update.to_string());
        if let Some(s) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        let status = request.send().await.expect("the webhook answers").status();
        assert_eq!(status.as_u16(), 401, "secret {secret:?}");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        t.fake.sent_to(user.id).is_empty(),
        "rejected updates reach no handler"
    );
    let status = client
        .post(&endpoint)
        .header("content-type", "application/json")
        .header("X-Telegram-Bot-Api-Secret-Token", "right_secret-123")
        .body(update.to_string())
        .send()
        .await
        .expect("the webhook answers")
        .status();
    assert_eq!(status.as_u16(), 200);
    let welcome = t.fake.wait_for(user.id, 1, ANSWER).await;
    assert!(visible(&welcome[0]).starts_with("Hei!"));
    assert!(
        t.fake.calls_to("getupdates").is_empty(),
        "no polling in webhook mode"
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_errors_never_carry_the_token() {
    let t = TelegramApp::spawn(start()).await;
    t.app
        .import_toml(&call_toml("offline", "Offline call", "2027-03-10T17:00"))
        .await;
    let user = FakeUser::new(1601, "Net", Some("en"));
    t.fake
        .push_update(t.fake.private_text(&user, "/subscribe offline"));
    t.fake.wait_for(user.id, 1, ANSWER).await;
    let TelegramApp {
        app,
        fake,
        telegram,
        courier,
        ..
    } = t;
    drop(fake);
    app.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 3, 16, 0, 0).unwrap());
    app.scheduler.tick().await.unwrap();
    let outcome = courier.step().await.unwrap();
    assert_eq!(outcome.retried, 1, "{outcome:?}");
    let entries = app
        .store
        .entries(Some(&TelegramApp::chat(user.id)))
        .await
        .unwrap();
    let error = entries
        .iter()
        .find_map(|e| e.last_error.clone())
        .expect("the failure is recorded");
    let half = CANARY_TOKEN.split_once(':').unwrap().1;
    assert!(!error.contains(half), "{error}");
    drop(telegram);
    logs().assert_no_token();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ics_arrives_as_a_calendar_document() {
    let t = TelegramApp::spawn(start()).await;
    t.app
        .import_toml(&call_toml(
            "calendar",
            "Clusters meet Regions",
            "2027-04-20T17:00",
        ))
        .await;
    let user = FakeUser::new(1701, "Kalle", Some("fi"));
    t.fake
        .push_update(t.fake.private_text(&user, "/subscribe calendar"));
    t.fake.wait_for(user.id, 1, ANSWER).await;
    t.fake.push_update(t.fake.private_text(&user, "/ics"));
    let sent = t.fake.wait_for(user.id, 2, ANSWER).await;
    let (name, bytes) = sent[1].document.clone().expect("a document");
    assert_eq!(name, "ecabot-deadlines.ics");
    let calendar = String::from_utf8(bytes).unwrap();
    assert!(calendar.starts_with("BEGIN:VCALENDAR"), "{calendar}");
    assert!(calendar.contains("Clusters meet Regions"), "{calendar}");
    assert!(
        !sent[1].text.is_empty(),
        "the caption says what the file is"
    );
    telegram_html_to_text(&sent[1].text).expect("a valid caption");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_does_not_starve_replies_to_people() {
    use ecabot_core::model::call::Target;
    // 20 messages/s for the whole bot: 120 reminders take about six seconds.
    let t = TelegramApp::spawn_with(TestDatabase::sqlite().await, start(), |c| {
        c.global_rate = Some(20.0)
    })
    .await;
    t.app
        .import_toml(&call_toml(
            "busy",
            "Cluster Booster Academy",
            "2027-03-03T17:00",
        ))
        .await;
    for i in 0..120 {
        let chat = TelegramApp::chat(2_000 + i);
        t.app
            .store
            .subscribe(&chat, &Target::All, start())
            .await
            .unwrap();
    }
    let deadline = Utc.with_ymd_and_hms(2027, 3, 3, 16, 0, 0).unwrap();
    t.app.clock.set(deadline - chrono::Duration::hours(1));
    t.app.scheduler.tick().await.unwrap();
    let TelegramApp { fake, courier, .. } = &t;
    let broadcast = async { while courier.step().await.unwrap().claimed > 0 {} };
    let question = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let user = FakeUser::new(1801, "Asker", Some("en"));
        fake.push_update(fake.private_text(&user, "/help"));
        let asked = std::time::Instant::now();
        let reply = fake.wait_for(user.id, 1, ANSWER).await;
        let broadcast_sent = fake
            .sent()
            .iter()
            .filter(|m| m.chat_id >= 2_000 && m.chat_id < 2_120)
            .count();
        assert!(visible(&reply[0]).contains("/topics"));
        (asked.elapsed(), broadcast_sent)
    };
    let ((), (waited, sent_by_then)) = tokio::join!(broadcast, question);
    assert!(
        waited < Duration::from_secs(2),
        "the reply waited {waited:?}"
    );
    assert!(
        sent_by_then < 120,
        "the broadcast was still running ({sent_by_then} sent)"
    );
    assert_eq!(
        fake.sent()
            .iter()
            .filter(|m| m.chat_id >= 2_000 && m.chat_id < 2_120)
            .count(),
        120
    );
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_to_an_upgraded_group_follows_it_to_the_new_id() {
    let t = TelegramApp::spawn(start()).await;
    t.app
        .import_toml(&call_toml(
            "moved",
            "Clusters meet Regions",
            "2027-03-10T17:00",
        ))
        .await;
    let (old, new) = (-5_001_i64, -1_009_000_000_002_i64);
    let admin = FakeUser::new(1901, "Admin", Some("en"));
    t.fake.set_member_status(old, admin.id, "administrator");
    t.fake
        .push_update(t.fake.group_text(old, &admin, "/subscribe moved"));
    t.fake.wait_for(old, 1, ANSWER).await;
    // Telegram answers the send to the old id with the new one (no migration update seen).
    t.fake.fail_next(old, Failure::Migrated(new));
    let deadline = Utc.with_ymd_and_hms(2027, 3, 10, 16, 0, 0).unwrap();
    let outcome = t.deliver_at(deadline - chrono::Duration::days(7)).await;
    assert_eq!((outcome.retried, outcome.sent), (1, 1), "{outcome:?}");
    let there = t.fake.sent_to(new);
    assert_eq!(there.len(), 1, "delivered once, at the new id");
    assert!(visible(&there[0]).contains("Clusters meet Regions"));
    assert_eq!(
        t.fake.sent_to(old).len(),
        1,
        "only the confirmation went to the old id"
    );
    let new_chat = TelegramApp::chat(new);
    assert_eq!(t.app.store.subscriptions(&new_chat).await.unwrap().len(), 1);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finnish_digest_of_a_real_feed_arrives_in_valid_parts() {
    let t = TelegramApp::spawn(start()).await;
    let user = FakeUser::new(1201, "Aino", Some("fi"));
    t.fake
        .push_update(t.fake.private_text(&user, "/digest daily 8.30"));
    let confirmed = t.fake.wait_for(user.id, 1, ANSWER).await;
    assert!(
        visible(&confirmed[0]).contains("joka päivä klo 8.30"),
        "{}",
        visible(&confirmed[0])
    );
    // 45 long stories come in through the feed client; the digest holds the newest 40.
    let (_server, new) = ecabot_tests::fetch_stories(
        t.app.store.clone(),
        t.app.clock.clone(),
        ecabot_core::planning::digests::MAX_DIGEST_ITEMS + 5,
    )
    .await;
    assert_eq!(new, 45);
    // 08:30 in Brussels on 2 March 2027 is 07:30 UTC.
    let at = Utc.with_ymd_and_hms(2027, 3, 2, 7, 30, 0).unwrap();
    assert_eq!(
        t.deliver_at(at - chrono::Duration::minutes(1)).await.sent,
        0
    );
    let outcome = t.deliver_at(at).await;
    assert_eq!(outcome.sent, 1, "{outcome:?}");
    let parts = t.fake.sent_to(user.id)[1..].to_vec();
    assert!(parts.len() >= 3, "split into {} parts", parts.len());
    let mut seen = String::new();
    for part in &parts {
        // Telegram counts the text after entity parsing: links' addresses do not count.
        let text = visible(part);
        assert!(text.encode_utf16().count() <= 4096, "{}", text.len());
        seen.push_str(&text);
        seen.push('\n');
    }
    assert!(
        seen.starts_with("Päivän kooste, 2. maaliskuuta 2027"),
        "{seen}"
    );
    assert!(seen.contains("…ja 5 muuta uutista."), "{seen}");
    assert!(seen.contains("/digest off lopettaa sen"), "{seen}");
    // Each of the first 40 titles (all published at once, so in arrival order) once, as
    // written (English, HTML-looking text escaped), each a link in the HTML Telegram got.
    let html: String = parts.iter().map(|p| p.text.as_str()).collect();
    for i in 41..=45 {
        assert!(
            !seen.contains(&format!("Story {i}:")),
            "story {i} is one of the 5 more"
        );
    }
    for i in 1..=40 {
        let title = ecabot_tests::story_title(i);
        assert_eq!(
            seen.matches(&format!("{title} ")).count(),
            1,
            "story {i}: {seen}"
        );
        assert!(
            html.contains(&format!(
                "href=\"https://www.clustercollaboration.eu/news/story-{i}?utm_source=rss\""
            )),
            "story {i} linked"
        );
    }
    assert!(html.contains("Story 1: R&amp;D matchmaking"), "escaped");
    assert!(html.contains("3 &lt; 5"), "escaped");
    for minutes in [1, 30, 600] {
        t.deliver_at(at + chrono::Duration::minutes(minutes)).await;
    }
    assert_eq!(t.fake.sent_to(user.id).len(), 1 + parts.len(), "sent once");
    t.stop().await;
}
