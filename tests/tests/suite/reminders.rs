//! Reminders driven by a test clock through the real scheduler, outbox and store, on SQLite and
//! (when configured) PostgreSQL: the moments, DST, downtime, moved and passed deadlines, quiet
//! hours, snooze, "I've applied", and failing platforms.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecabot_core::ChatStore;
use ecabot_core::ports::Outbox;
use ecabot_core::{Action, ChatRef, EntryState};
use ecabot_tests::{Script, Sent, TestApp, chat, test_databases};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// A call in the TOML form with its deadline as local time in `zone`.
fn call(id: &str, zone: &str, deadline: &str) -> String {
    format!(
        "[[call]]\nid = \"{id}\"\nkind = \"call\"\ntopic = \"academy\"\nzone = \"{zone}\"\ndeadline = \"{deadline}\"\nurl = \"https://www.clustercollaboration.eu/\"\ntitle.en = \"Test call {id}\"\ntitle.fi = \"Testihaku {id}\"\n"
    )
}

fn texts(sent: &[Sent]) -> Vec<String> {
    sent.iter().map(Sent::text).collect()
}

fn action(sent: &Sent, pick: impl Fn(&Action) -> bool) -> &Action {
    sent.response
        .replies
        .iter()
        .flat_map(|r| r.buttons.iter())
        .map(|b| &b.action)
        .find(|a| pick(a))
        .expect("the reminder has that button")
}

/// Runs at `at - 1 minute` (nothing may be sent) and at `at` (exactly one message must be);
/// returns that message.
async fn exactly_at(app: &TestApp, at: DateTime<Utc>) -> Sent {
    let early = app.run_at(at - Duration::minutes(1)).await;
    assert!(
        early.is_empty(),
        "{}: nothing before {at}: {:?}",
        app.db,
        texts(&early)
    );
    let mut sent = app.run_at(at).await;
    assert_eq!(
        sent.len(),
        1,
        "{}: one message at {at}: {:?}",
        app.db,
        texts(&sent)
    );
    assert_eq!(sent[0].at, at);
    sent.remove(0)
}

#[tokio::test]
async fn seven_days_one_day_one_hour_each_once() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        // 17:00 in Brussels, UTC+1 in early March.
        app.import_toml(&call("cba-2027", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let deadline = utc(2027, 3, 15, 16, 0);
        let me = chat("alice");
        let r = app.say(&me, "/subscribe cba-2027").await;
        assert!(
            r.plain_text()
                .contains("The next reminder comes on 8 March 2027 at 17:00 (Europe/Brussels)"),
            "{}: {}",
            app.db,
            r.plain_text()
        );
        let week = exactly_at(&app, deadline - Duration::days(7)).await;
        assert!(
            week.text().starts_with(
                "⏰ Applications for Test call cba-2027 close in 7 days: 15 March 2027 at 17:00 (Europe/Brussels)."
            ),
            "{}",
            week.text()
        );
        let day = exactly_at(&app, deadline - Duration::days(1)).await;
        assert!(day.text().contains("close in 1 day:"), "{}", day.text());
        let hour = exactly_at(&app, deadline - Duration::hours(1)).await;
        assert!(hour.text().contains("close in 1 hour:"), "{}", hour.text());
        // Running again, and on past the deadline, sends nothing more.
        let after = app
            .run_through(deadline + Duration::days(2), Duration::hours(6))
            .await;
        assert!(after.is_empty(), "{}: {:?}", app.db, texts(&after));
        let entries = app.store.entries(Some(&me)).await.unwrap();
        assert_eq!(entries.len(), 3);
        assert!(entries.iter().all(|e| e.state == EntryState::Sent));
    }
}

/// Every reminder of a week around a DST change comes once, at `deadline − lead` in UTC.
async fn dst_week(zone: &str, deadline_local: &str, deadline: DateTime<Utc>, start: DateTime<Utc>) {
    for db in test_databases().await {
        let app = TestApp::spawn(db, start).await;
        app.import_toml(&call("dst", zone, deadline_local)).await;
        let me = chat("dst");
        app.say(&me, &format!("/timezone {zone}")).await;
        app.say(&me, "/remind 7d 2d 1d 1h").await;
        app.say(&me, "/subscribe").await;
        let sent = app
            .run_through(deadline + Duration::hours(2), Duration::minutes(30))
            .await;
        let at: Vec<DateTime<Utc>> = sent.iter().map(|s| s.at).collect();
        let expected: Vec<DateTime<Utc>> = [7, 2, 1]
            .iter()
            .map(|d| deadline - Duration::days(*d))
            .chain([deadline - Duration::hours(1)])
            .collect();
        assert_eq!(at, expected, "{} {zone}: {:?}", app.db, texts(&sent));
        for s in &sent {
            assert!(
                s.text().contains(&format!("({zone})")),
                "times shown in the chat's zone: {}",
                s.text()
            );
        }
    }
}

#[tokio::test]
async fn dst_spring_forward_in_helsinki() {
    // Clocks go 03:00 → 04:00 in Helsinki on 28 March 2027 (01:00 UTC); deadline after it.
    dst_week(
        "Europe/Helsinki",
        "2027-03-29T10:00",
        utc(2027, 3, 29, 7, 0),
        utc(2027, 3, 20, 0, 0),
    )
    .await;
}

#[tokio::test]
async fn dst_fall_back_in_helsinki() {
    // Clocks go 04:00 → 03:00 on 31 October 2027; the deadline is in the repeated hour (the
    // first 03:30, 00:30 UTC).
    dst_week(
        "Europe/Helsinki",
        "2027-10-31T03:30",
        utc(2027, 10, 31, 0, 30),
        utc(2027, 10, 22, 0, 0),
    )
    .await;
}

#[tokio::test]
async fn dst_spring_forward_in_new_york() {
    // Clocks go 02:00 → 03:00 in New York on 14 March 2027 (07:00 UTC).
    dst_week(
        "America/New_York",
        "2027-03-15T09:00",
        utc(2027, 3, 15, 13, 0),
        utc(2027, 3, 6, 0, 0),
    )
    .await;
}

#[tokio::test]
async fn downtime_sends_the_latest_missed_reminder_once_late() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(&call("late", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let deadline = utc(2027, 3, 15, 16, 0);
        let me = chat("late");
        app.say(&me, "/subscribe").await;
        assert!(app.run_at(utc(2027, 3, 7, 0, 0)).await.is_empty());
        // Down from before the 7-day moment until 3 hours after the 1-day moment.
        let back = deadline - Duration::days(1) + Duration::hours(3);
        let sent = app.run_at(back).await;
        assert_eq!(sent.len(), 1, "{}: {:?}", app.db, texts(&sent));
        assert!(
            sent[0].text().contains("close in 21 hours:"),
            "says how long is left: {}",
            sent[0].text()
        );
        let states: Vec<(String, EntryState)> = app
            .store
            .entries(Some(&me))
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.key.to_string(), e.state))
            .collect();
        assert!(
            states
                .iter()
                .any(|(k, s)| k.contains(":10080:") && *s == EntryState::Skipped),
            "{states:?}"
        );
        assert!(app.run_at(back + Duration::minutes(5)).await.is_empty());
        // The 1-hour reminder comes normally afterwards.
        exactly_at(&app, deadline - Duration::hours(1)).await;
    }
}

#[tokio::test]
async fn a_deadline_that_passed_during_downtime_is_dropped_not_sent() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 14, 9, 0)).await;
        app.import_toml(&call("gone", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let deadline = utc(2027, 3, 15, 16, 0);
        let me = chat("gone");
        app.say(&me, "/subscribe").await;
        assert!(app.run_at(utc(2027, 3, 14, 10, 0)).await.is_empty());
        // Down from before the 1-day moment until after the deadline.
        let sent = app.run_at(deadline + Duration::hours(1)).await;
        assert!(sent.is_empty(), "{}: {:?}", app.db, texts(&sent));
        let entries = app.store.entries(Some(&me)).await.unwrap();
        assert_eq!(entries.len(), 2, "1-day and 1-hour reminders recorded");
        assert!(entries.iter().all(|e| e.state == EntryState::Dropped));
        let r = app.say(&me, "/calls").await;
        assert!(
            r.plain_text()
                .contains("The last one was Test call gone, which closed on 15 March 2027"),
            "{}",
            r.plain_text()
        );
    }
}

#[tokio::test]
async fn a_moved_deadline_is_announced_once_and_replanned() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(&call("moves", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let me = chat("moves");
        app.say(&me, "/subscribe").await;
        let old = utc(2027, 3, 15, 16, 0);
        exactly_at(&app, old - Duration::days(7)).await;
        // Extended by a week, announced on 10 March.
        app.clock.set(utc(2027, 3, 10, 12, 0));
        let report = app
            .import_toml(&call("moves", "Europe/Brussels", "2027-03-22T17:00"))
            .await;
        assert_eq!(report.moved.len(), 1);
        let sent = app.run().await;
        assert_eq!(sent.len(), 1, "{}: {:?}", app.db, texts(&sent));
        assert!(
            sent[0].text().starts_with(
                "📅 The deadline of Test call moves has changed: it is now 22 March 2027 at 17:00 (Europe/Brussels) (it was 15 March 2027 at 17:00 (Europe/Brussels))."
            ),
            "{}",
            sent[0].text()
        );
        // Re-importing the same file changes nothing and announces nothing.
        app.import_toml(&call("moves", "Europe/Brussels", "2027-03-22T17:00"))
            .await;
        let new = utc(2027, 3, 22, 16, 0);
        let rest = app
            .run_through(new + Duration::hours(1), Duration::hours(1))
            .await;
        let at: Vec<DateTime<Utc>> = rest.iter().map(|s| s.at).collect();
        // The old 1-day and 1-hour moments pass silently; the new 7-day moment (15 March)
        // came after the announcement, so it is sent.
        assert_eq!(
            at,
            [
                new - Duration::days(7),
                new - Duration::days(1),
                new - Duration::hours(1)
            ],
            "{}: {:?}",
            app.db,
            texts(&rest)
        );
    }
}

#[tokio::test]
async fn quiet_hours_hold_reminders_unless_the_deadline_comes_first() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        // 23:30 in Helsinki (21:30 UTC): the 1-day moment falls in the night before.
        app.import_toml(&call("night", "Europe/Helsinki", "2027-03-16T23:30"))
            .await;
        let me = chat("night");
        app.say(&me, "/timezone Europe/Helsinki").await;
        app.say(&me, "/quiet 22:00-07:00").await;
        app.say(&me, "/remind 1d 1h").await;
        app.say(&me, "/subscribe").await;
        let deadline = utc(2027, 3, 16, 21, 30);
        let sent = app.run_through(deadline, Duration::minutes(30)).await;
        let at: Vec<DateTime<Utc>> = sent.iter().map(|s| s.at).collect();
        // 1 day before is 23:30 local: held until 07:00 local (05:00 UTC). 1 hour before is
        // 22:30 local, inside quiet hours that end after the deadline: sent on time.
        assert_eq!(
            at,
            [utc(2027, 3, 16, 5, 0), deadline - Duration::hours(1)],
            "{}: {:?}",
            app.db,
            texts(&sent)
        );
        let r = app.say(&me, "/subscriptions").await;
        assert!(
            r.plain_text().contains("Quiet hours: 22:00–07:00"),
            "{}",
            r.plain_text()
        );
    }
}

#[tokio::test]
async fn snooze_brings_the_reminder_back_once() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(&call("snz", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let me = chat("snz");
        app.say(&me, "/subscribe").await;
        let deadline = utc(2027, 3, 15, 16, 0);
        let week = exactly_at(&app, deadline - Duration::days(7)).await;
        let snooze = action(&week, |a| matches!(a, Action::Snooze(..))).clone();
        let Action::Snooze(_, after) = &snooze else {
            unreachable!()
        };
        assert_eq!(after.minutes(), 24 * 60, "a day when a week is left");
        let r = app.press(&me, snooze.clone()).await;
        assert!(
            r.plain_text()
                .starts_with("I'll remind you of Test call snz again on 9 March 2027 at 17:00"),
            "{}",
            r.plain_text()
        );
        // Pressing twice (a double tap) still brings it back once.
        app.press(&me, snooze).await;
        let again = exactly_at(&app, deadline - Duration::days(6)).await;
        assert!(again.text().contains("close in 6 days"), "{}", again.text());
        assert!(app.run_at(deadline - Duration::days(5)).await.is_empty());
    }
}

#[tokio::test]
async fn ive_applied_stops_the_reminders_of_that_call_only() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        let mut both = call("one", "Europe/Brussels", "2027-03-15T17:00");
        both.push_str(&call("two", "Europe/Brussels", "2027-03-15T17:00"));
        app.import_toml(&both).await;
        let me = chat("done");
        app.say(&me, "/subscribe").await;
        let deadline = utc(2027, 3, 15, 16, 0);
        let week = app.run_at(deadline - Duration::days(7)).await;
        assert_eq!(week.len(), 2);
        let first = week.iter().find(|s| s.text().contains("call one")).unwrap();
        let applied = action(first, |a| matches!(a, Action::Applied(_))).clone();
        let r = app.press(&me, applied).await;
        assert!(
            r.plain_text().starts_with("Good luck!"),
            "{}",
            r.plain_text()
        );
        let rest = app.run_through(deadline, Duration::hours(1)).await;
        assert_eq!(rest.len(), 2, "{}: {:?}", app.db, texts(&rest));
        assert!(rest.iter().all(|s| s.text().contains("call two")));
    }
}

#[tokio::test]
async fn subscribing_after_a_moment_does_not_send_it_late() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(&call("fresh", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        // The scheduler last ran on 1 March (a terminal session, or an instance that was down):
        // the 7-day moment on 8 March lies in the window of its next tick.
        assert!(app.run().await.is_empty());
        app.clock.set(utc(2027, 3, 9, 12, 0));
        let me = chat("fresh");
        let r = app.say(&me, "/subscribe fresh").await;
        assert!(
            r.plain_text()
                .contains("The next reminder comes on 14 March 2027 at 17:00 (Europe/Brussels)"),
            "{}",
            r.plain_text()
        );
        assert!(app.run_at(utc(2027, 3, 9, 12, 1)).await.is_empty());
        let sent = app
            .run_through(utc(2027, 3, 15, 16, 0), Duration::hours(1))
            .await;
        assert_eq!(sent.len(), 2, "1 day and 1 hour only: {:?}", texts(&sent));
    }
}

#[tokio::test]
async fn a_transient_failure_is_retried_after_retry_after_and_sent_once() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(&call("flaky", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let me = chat("flaky");
        app.say(&me, "/subscribe").await;
        let at = utc(2027, 3, 8, 16, 0);
        app.sender
            .then([Script::Transient(Some(std::time::Duration::from_secs(90)))]);
        assert!(app.run_at(at).await.is_empty());
        assert!(app.run_at(at + Duration::seconds(60)).await.is_empty());
        let sent = app.run_at(at + Duration::seconds(90)).await;
        assert_eq!(sent.len(), 1);
        assert!(app.run_at(at + Duration::minutes(10)).await.is_empty());
        let entries = app.store.entries(Some(&me)).await.unwrap();
        assert_eq!(entries[0].attempts, 2);
    }
}

#[tokio::test]
async fn a_blocked_bot_deactivates_the_chat_until_it_speaks_again() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(&call("blk", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let me: ChatRef = chat("blocked");
        let other = chat("other");
        app.say(&me, "/subscribe").await;
        app.say(&other, "/subscribe").await;
        app.sender.then([Script::Permanent]);
        let sent = app.run_at(utc(2027, 3, 8, 16, 0)).await;
        // One of the two chats got the permanent failure; find which.
        assert_eq!(sent.len(), 1);
        let blocked = if sent[0].chat == me { other } else { me };
        assert!(!app.store.chat_prefs(&blocked).await.unwrap().active);
        let later = app.run_at(utc(2027, 3, 14, 16, 0)).await;
        assert_eq!(later.len(), 1, "only the reachable chat");
        assert_ne!(later[0].chat, blocked);
        // The user unblocks and writes: reminders resume.
        app.say(&blocked, "hello").await;
        assert!(app.store.chat_prefs(&blocked).await.unwrap().active);
        let last = app.run_at(utc(2027, 3, 15, 15, 0)).await;
        assert_eq!(last.len(), 2, "{:?}", texts(&last));
    }
}

#[tokio::test]
async fn reminders_appear_in_a_terminal_session_when_due() {
    use ecabot::console::{Background, ConsoleSender, Session, Style, run_chat};
    use ecabot_core::{Courier, Scheduler};
    use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};

    let app = TestApp::spawn(
        ecabot_tests::TestDatabase::sqlite().await,
        utc(2027, 3, 1, 9, 0),
    )
    .await;
    app.import_toml(&call("term", "Europe/Brussels", "2027-03-15T17:00"))
        .await;
    let me = ChatRef::new("console", "tester").unwrap();
    let (sender, inbox) = ConsoleSender::new(me.clone());
    let courier = Courier::new(app.bot.clone(), "console")
        .with_sender("console", std::sync::Arc::new(sender));
    let scheduler = Scheduler::new(app.store.clone(), app.store.clone(), app.clock.clone());
    let (ticks, tick_rx) = tokio::sync::mpsc::channel(1);
    let (mut keyboard, stdin) = tokio::io::duplex(1 << 16);
    let (stdout, mut screen) = tokio::io::duplex(1 << 16);
    let session = Session {
        chat: me.clone(),
        hint: Some("en".into()),
        style: Style::Plain,
        prompt: false,
    };
    let background = Background {
        scheduler,
        courier,
        inbox,
        ticks: tick_rx,
    };
    let bot = app.bot.clone();
    let chat = run_chat(
        &bot,
        session,
        BufReader::new(stdin),
        stdout,
        Some(background),
    );

    /// Reads the screen until `needle` shows (a safety timeout, not a wait for time to pass).
    async fn expect(screen: &mut tokio::io::DuplexStream, seen: &mut String, needle: &str) {
        let found = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            let mut buf = [0u8; 4096];
            while !seen.contains(needle) {
                let n = screen.read(&mut buf).await.unwrap();
                assert!(n > 0, "the session ended before showing {needle:?}");
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
        .await;
        assert!(found.is_ok(), "{needle:?} never appeared in:\n{seen}");
    }

    let drive = async {
        let mut seen = String::new();
        keyboard.write_all(b"/subscribe\n").await.unwrap();
        expect(&mut screen, &mut seen, "Done! I'll remind this chat").await;
        app.clock.set(utc(2027, 3, 8, 16, 0));
        ticks.send(()).await.unwrap();
        expect(
            &mut screen,
            &mut seen,
            "⏰ Applications for Test call term close in 7 days",
        )
        .await;
        expect(
            &mut screen,
            &mut seen,
            "[2] ✅ I've applied, stop reminding me",
        )
        .await;
        // Pressing the reminder's button by its number works like any other button.
        keyboard.write_all(b"2\n").await.unwrap();
        expect(&mut screen, &mut seen, "Good luck! No more reminders").await;
        drop(keyboard);
        seen
    };
    let (answered, seen) = tokio::join!(chat, drive);
    assert_eq!(answered.unwrap(), 2, "{seen}");
    let entries = app.store.entries(Some(&me)).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Sent);
}

#[tokio::test]
async fn an_imported_calendar_is_listed_in_the_chats_zone_and_exported_back() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 1, 10, 9, 0)).await;
        let report = app.import("ics/eccp-events.ics").await;
        assert_eq!(report.added.len(), 4, "{}", app.db);
        let me = chat("ics");
        app.say(&me, "/timezone Europe/Helsinki").await;
        let calls = app.say(&me, "/calls").await.plain_text();
        assert!(
            calls.contains(
                "Cluster Booster Academy 2027 – call for applications: apply by 15 March 2027 at 18:00 (Europe/Helsinki), 64 days left. To be reminded: /subscribe cba-2027-sample"
            ),
            "{}: {calls}",
            app.db
        );
        let fi = app
            .say_in(&chat("ics-fi"), "fi", "/calls")
            .await
            .plain_text();
        assert!(
            fi.contains("Klusterit kohtaavat alueet – Tampere"),
            "Finnish titles from LANGUAGE=fi: {fi}"
        );
        app.say(&me, "/subscribe cba-2027-sample").await;
        app.say(&me, "/remind 3d 1h").await;
        let r = app.say(&me, "/ics").await;
        let file = r.replies[0]
            .attachment
            .as_ref()
            .expect("an .ics attachment");
        assert_eq!(file.file_name, "ecabot-deadlines.ics");
        let back = ecabot_core::formats::ics::parse(&file.bytes).expect("our own calendar parses");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].deadline, utc(2027, 3, 15, 16, 0));
        let text = String::from_utf8(file.bytes.clone()).unwrap();
        assert_eq!(text.matches("BEGIN:VALARM").count(), 2, "{text}");
        assert!(text.contains("TRIGGER:-PT4320M\r\n"), "{text}");
    }
}

#[tokio::test]
async fn unsubscribing_from_a_call_followed_through_all_says_how_to_stop_it() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(&call("cov", "Europe/Brussels", "2027-03-15T17:00"))
            .await;
        let covered = chat("covered");
        app.say(&covered, "/subscribe").await;
        let r = app.say(&covered, "/unsubscribe cov").await.plain_text();
        assert!(
            r.contains("This chat does not follow Test call cov on its own.")
                && r.contains("It still gets reminders of it through another subscription"),
            "{}: {r}",
            app.db
        );
        // A topic subscription that does not cover the call: no such hint.
        let other = chat("other-topic");
        app.say(&other, "/subscribe events").await;
        let r = app.say(&other, "/unsubscribe cov").await.plain_text();
        assert!(
            r.contains("does not follow Test call cov") && !r.contains("still gets reminders"),
            "{}: {r}",
            app.db
        );
    }
}
