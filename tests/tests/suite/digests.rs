//! Newsletter digests driven by a test clock through the real scheduler, outbox and store, on
//! SQLite and (when configured) PostgreSQL: local times across DST in two zones, one digest per
//! period, nothing new → nothing sent, restarts and overlapping ticks, quiet hours, and what a
//! digest says.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecabot_core::NewsStore;
use ecabot_core::ports::Outbox;
use ecabot_core::{EntryState, Locale, NewsDraft, Scheduler};
use ecabot_tests::{Sent, TestApp, chat, locale, test_databases};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn item(n: usize, lang: &str, published: DateTime<Utc>) -> NewsDraft {
    NewsDraft::new(
        "ECCP news",
        locale(lang),
        &format!("Story {n}"),
        &format!("https://news.example.org/{n}"),
        Some("A summary"),
        Some(published),
        None,
    )
    .unwrap()
}

/// Adds one item "now" (as the feed fetcher would).
async fn publish(app: &TestApp, n: usize) {
    let now = app.now();
    assert_eq!(
        app.store
            .add_news(&[item(n, "en", now)], now)
            .await
            .unwrap(),
        1
    );
}

fn stories(sent: &Sent) -> Vec<usize> {
    let text = sent.text();
    text.split("Story ")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn daily_and_weekly_digests_in_two_zones_arrive_once_at_local_time_across_dst() {
    for db in test_databases().await {
        // Monday 19 October 2026. Europe's clocks go back on Sunday 25 October, 01:00 UTC.
        let app = TestApp::spawn(db, utc(2026, 10, 19, 0, 0)).await;
        let helsinki = chat("helsinki");
        let lisbon = chat("lisbon");
        app.say_in(&helsinki, "fi", "/timezone Europe/Helsinki")
            .await;
        let set = app.say_in(&helsinki, "fi", "/digest daily 9:00").await;
        assert!(
            set.plain_text().contains("joka päivä klo 9.00"),
            "{}",
            set.plain_text()
        );
        app.say(&lisbon, "/timezone Europe/Lisbon").await;
        app.say(&lisbon, "/digest weekly mon 09:00").await;

        let end = utc(2026, 11, 3, 0, 0);
        let mut sent = Vec::new();
        let mut n = 0;
        while app.now() < end {
            // A story every 12 hours, then the clock moves on in 30-minute steps.
            if app.now().timestamp() % (12 * 3600) == 0 {
                n += 1;
                publish(&app, n).await;
            }
            let next = app.now() + Duration::minutes(30);
            sent.extend(app.run_at(next).await);
        }
        let at = |c| -> Vec<DateTime<Utc>> {
            sent.iter().filter(|s| s.chat == c).map(|s| s.at).collect()
        };
        // 09:00 in Helsinki: 06:00 UTC in summer time (to 24 Oct), 07:00 UTC after.
        let mut daily: Vec<DateTime<Utc>> = (19..=24).map(|d| utc(2026, 10, d, 6, 0)).collect();
        daily.extend((25..=31).map(|d| utc(2026, 10, d, 7, 0)));
        daily.extend((1..=2).map(|d| utc(2026, 11, d, 7, 0)));
        assert_eq!(at(helsinki.clone()), daily, "{}", app.db);
        // 09:00 in Lisbon on Mondays: 08:00 UTC in summer time, 09:00 UTC after.
        assert_eq!(
            at(lisbon.clone()),
            [
                utc(2026, 10, 19, 8, 0),
                utc(2026, 10, 26, 9, 0),
                utc(2026, 11, 2, 9, 0)
            ],
            "{}",
            app.db
        );
        // Every story reaches each chat exactly once, in its language's headings.
        for c in [&helsinki, &lisbon] {
            let mut seen: Vec<usize> = sent
                .iter()
                .filter(|s| s.chat == *c)
                .flat_map(stories)
                .collect();
            seen.sort_unstable();
            // The first digest looks back one period; every story of the run is in one digest,
            // except those after the last one.
            let last = sent
                .iter()
                .filter(|s| s.chat == *c)
                .map(|s| s.at)
                .max()
                .unwrap();
            let expected: Vec<usize> = (1..=n)
                .filter(|k| utc(2026, 10, 19, 0, 0) + Duration::hours(12 * (*k as i64 - 1)) < last)
                .collect();
            assert_eq!(seen, expected, "{}: {c}", app.db);
        }
        let fi = sent.iter().find(|s| s.chat == helsinki).unwrap().text();
        assert!(fi.starts_with("Päivän kooste, 19. lokakuuta 2026"), "{fi}");
        let en = sent.iter().find(|s| s.chat == lisbon).unwrap().text();
        assert!(
            en.starts_with("Your weekly digest, 19 October 2026"),
            "{en}"
        );
        let keys: Vec<String> = app
            .store
            .entries(Some(&lisbon))
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.key.to_string())
            .collect();
        assert_eq!(
            keys,
            [
                "digest:test:lisbon:2026-10-19",
                "digest:test:lisbon:2026-10-26",
                "digest:test:lisbon:2026-11-02"
            ]
        );
    }
}

#[tokio::test]
async fn nothing_new_means_nothing_sent() {
    for db in test_databases().await {
        // Wednesday 4 November 2026; digests on Mondays at 09:00 Brussels (08:00 UTC).
        let app = TestApp::spawn(db, utc(2026, 11, 4, 12, 0)).await;
        let c = chat("quiet-week");
        app.say(&c, "/digest weekly").await;
        // An item in another language is not news to this chat.
        let now = app.now();
        app.store
            .add_news(&[item(1, "fi", now)], now)
            .await
            .unwrap();
        let sent = app
            .run_through(utc(2026, 11, 10, 0, 0), Duration::hours(1))
            .await;
        assert!(
            sent.is_empty(),
            "{}: {:?}",
            app.db,
            sent.iter().map(Sent::text).collect::<Vec<_>>()
        );
        let entries = app.store.entries(Some(&c)).await.unwrap();
        assert_eq!(entries.len(), 1, "{}", app.db);
        assert_eq!(entries[0].state, EntryState::Cancelled);
        assert_eq!(
            entries[0].last_error.as_deref(),
            Some("nothing new since the previous digest")
        );
        // One story during the week: one digest with it next Monday, then silence again.
        publish(&app, 2).await;
        let sent = app
            .run_through(utc(2026, 11, 24, 0, 0), Duration::hours(1))
            .await;
        assert_eq!(sent.len(), 1, "{}", app.db);
        assert_eq!(sent[0].at, utc(2026, 11, 16, 8, 0));
        assert_eq!(stories(&sent[0]), [2]);
        // Turned off: the next digest is not even planned.
        app.say(&c, "/digest off").await;
        publish(&app, 3).await;
        assert!(
            app.run_through(utc(2026, 12, 1, 0, 0), Duration::hours(1))
                .await
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_restart_or_overlapping_ticks_never_send_a_digest_twice() {
    for db in test_databases().await {
        let start = utc(2026, 11, 15, 12, 0);
        let app = TestApp::spawn(db, start).await;
        let c = chat("restart");
        app.say(&c, "/digest daily 09:00").await;
        publish(&app, 1).await;
        // Two instances tick the same window at once: one entry.
        app.clock.set(utc(2026, 11, 16, 8, 0));
        let other = Scheduler::new(app.store.clone(), app.store.clone(), app.clock.clone());
        let (a, b) = tokio::join!(app.scheduler.tick(), other.tick());
        assert_eq!(
            a.unwrap().digests + b.unwrap().digests,
            1,
            "{}: one digest entry",
            app.db
        );
        // The process dies before delivering; a new one on the same database delivers it once.
        let TestApp { db, .. } = app;
        let app = TestApp::spawn(db, utc(2026, 11, 16, 8, 1)).await;
        let sent = app.run().await;
        assert_eq!(sent.len(), 1, "{}", app.db);
        assert_eq!(stories(&sent[0]), [1]);
        // Restarted again in the middle of the period (a fresh process replans the window from
        // the shared cursor): nothing more until the next day's story and moment.
        let TestApp { db, .. } = app;
        let app = TestApp::spawn(db, utc(2026, 11, 16, 12, 0)).await;
        assert!(app.run().await.is_empty(), "{}", app.db);
        publish(&app, 2).await;
        let sent = app
            .run_through(utc(2026, 11, 17, 12, 0), Duration::minutes(30))
            .await;
        assert_eq!(sent.len(), 1, "{}", app.db);
        assert_eq!(sent[0].at, utc(2026, 11, 17, 8, 0));
        assert_eq!(stories(&sent[0]), [2]);
        let states: Vec<EntryState> = app
            .store
            .entries(Some(&c))
            .await
            .unwrap()
            .iter()
            .map(|e| e.state)
            .collect();
        assert_eq!(states, [EntryState::Sent, EntryState::Sent]);
    }
}

#[tokio::test]
async fn quiet_hours_hold_a_digest_until_they_end() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2026, 11, 20, 12, 0)).await;
        let c = chat("night-owl");
        app.say(&c, "/timezone Europe/Helsinki").await;
        app.say(&c, "/quiet 22:00-07:30").await;
        app.say(&c, "/digest daily 06:00").await;
        publish(&app, 1).await;
        let sent = app
            .run_through(utc(2026, 11, 21, 12, 0), Duration::minutes(15))
            .await;
        assert_eq!(sent.len(), 1, "{}", app.db);
        // 07:30 Helsinki = 05:30 UTC in winter.
        assert_eq!(sent[0].at, utc(2026, 11, 21, 5, 30), "{}", app.db);
    }
}

#[tokio::test]
async fn a_digest_lists_items_then_new_calls_then_closing_soon() {
    for db in test_databases().await {
        let app = TestApp::spawn(db, utc(2026, 11, 20, 12, 0)).await;
        let c = chat("contents");
        app.say(&c, "/digest daily 09:00").await;
        let now = app.now();
        let hostile = NewsDraft::new(
            "Klusterit <i>FI</i>",
            Locale::ENGLISH,
            "<b>R&D</b> [click](https://evil.example) **now** – Łódź äöå",
            "https://news.example.org/hostile",
            Some("<script>alert(1)</script>Plain words"),
            Some(now),
            None,
        )
        .unwrap();
        app.store.add_news(&[hostile], now).await.unwrap();
        app.import_toml(&ecabot_tests::call_toml(
            "matchmaking",
            "Matchmaking mission",
            "2026-11-30T17:00:00",
        ))
        .await;
        let sent = app.run_at(utc(2026, 11, 21, 8, 0)).await;
        assert_eq!(sent.len(), 1, "{}", app.db);
        let text = sent[0].text();
        let items = text
            .find("Klusterit <i>FI</i>")
            .expect("the source is named");
        let calls = text.find("New and changed calls").expect("new calls");
        let closing = text.find("Closing soon").expect("closing soon");
        assert!(items < calls && calls < closing, "{text}");
        // Outside text is text: no markup of its own, in its own language.
        let body = &sent[0].response.replies[0].body;
        let links: Vec<(String, String)> = body
            .blocks
            .iter()
            .flat_map(|b| match b {
                ecabot_core::Block::List(items) => items.concat(),
                ecabot_core::Block::Paragraph(runs) => runs.clone(),
            })
            .filter_map(|i| match i {
                ecabot_core::Inline::Link { label, url } => Some((label, url)),
                _ => None,
            })
            .collect();
        assert_eq!(
            links,
            [(
                "<b>R&D</b> [click](https://evil.example) **now** – Łódź äöå".to_owned(),
                "https://news.example.org/hostile".to_owned()
            )]
        );
        assert!(
            text.contains("<script>alert(1)</script>Plain words"),
            "{text}"
        );
        assert!(text.contains("Matchmaking mission"), "{text}");
        assert!(text.contains("/digest off"), "{text}");
        // The preview shows what the next one holds so far: nothing yet.
        let preview = app.say(&c, "/digest preview").await.plain_text();
        assert!(preview.starts_with("Nothing new has arrived"), "{preview}");
    }
}
