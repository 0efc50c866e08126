//! Copying a whole database into another (how a pilot moves from SQLite to PostgreSQL): a
//! SQLite database filled through the store's own methods is copied into a fresh SQLite file
//! and, when `ECABOT_TEST_POSTGRES_URL` is set, into PostgreSQL and from there back into
//! SQLite. Everything read back through the same methods must be equal.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecabot_core::model::call::Call;
use ecabot_core::model::call::CallDraft;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::CallKind;
use ecabot_core::model::call::LeadTime;
use ecabot_core::model::call::LeadTimes;
use ecabot_core::model::call::QuietHours;
use ecabot_core::model::call::Subscription;
use ecabot_core::model::call::Target;
use ecabot_core::model::call::Texts;
use ecabot_core::model::call::Zone;
use ecabot_core::model::outbox::Notice;
use ecabot_core::ports::Outbox;
use ecabot_core::ports::StoreError;
use ecabot_core::{CallStore, ChatStore, NewsStore, PlanStore};
use ecabot_core::{
    ChatPrefs, ChatRef, DigestPlan, Entry, EntryState, FeedState, Finish, NewEntry, NewsDraft,
    NewsItem, OutboxStats, Subscriber, TopicId,
};
use ecabot_store::{CopyError, CopyReport, SqlStore, copy_database};
use ecabot_tests::{
    TestDatabase, call_toml, label_of, labelled_key, locale, postgres_url, seed_subscribers,
    test_databases,
};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

fn chat(s: &str) -> ChatRef {
    s.parse().unwrap()
}

fn id(s: &str) -> CallId {
    CallId::parse(s).unwrap()
}

/// The chats given settings by hand; [`SEEDED`] more are written in bulk.
const CHATS: [&str; 4] = ["tg:1", "dc:channel:9", "console:local", "tg:gone"];
/// Bulk chats, each subscribed to everything: more than a page of the copy.
const SEEDED: usize = 1_500;
/// Outbox entries written in bulk besides the hand-made ones: several pages.
const BULK_ENTRIES: usize = 2_300;
const FEEDS: [&str; 3] = [
    "https://news.example.org/rss",
    "https://other.example.org/atom",
    "https://never.example.org/feed",
];

fn reminder(key: &str, to: &str, call: &str, due: DateTime<Utc>) -> NewEntry {
    NewEntry {
        key: labelled_key(key),
        chat: chat(to),
        notice: Notice::Reminder {
            call: id(call),
            version: 1,
            lead: LeadTime::parse("1d").unwrap(),
        },
        not_before: due,
        expires: Some(due + Duration::days(1)),
        state: EntryState::Pending,
    }
}

fn story(n: usize, summary: Option<&str>, published: Option<DateTime<Utc>>) -> NewsDraft {
    NewsDraft::new(
        "ECCP news",
        locale(if n.is_multiple_of(2) { "en" } else { "fi" }),
        &format!("Story {n}: Łódź & Köln"),
        &format!("https://news.example.org/{n}?utm_source=rss"),
        summary,
        published,
        (n == 1).then_some("guid-1"),
    )
    .unwrap()
}

/// Fills `store` (at `url`) through the store's methods with every kind of row; returns the
/// rows each table should have.
async fn fill(store: &SqlStore, url: &str) -> Vec<(String, u64)> {
    // Calls: two from TOML, one moved (version 2), one with every optional field.
    let toml = [
        call_toml("cba", "Cluster bootcamp", "2026-04-01T12:00:00"),
        call_toml("green", "Green transition", "2026-05-01T17:00:00"),
    ]
    .concat();
    let drafts = ecabot_core::formats::import::parse_toml(&toml).unwrap();
    store.import_calls(&drafts, at(1, 8)).await.unwrap();
    let moved = call_toml("green", "Green transition", "2026-05-08T17:00:00");
    let report = store
        .import_calls(
            &ecabot_core::formats::import::parse_toml(&moved).unwrap(),
            at(2, 8),
        )
        .await
        .unwrap();
    assert_eq!(report.moved, [id("green")]);
    let mut title = Texts::one(locale("en"), "Academy days");
    title.set(locale("fi"), "Akatemiapäivät");
    let full = CallDraft {
        id: Some(id("academy-days")),
        uid: "academy-days@ecabot".into(),
        kind: CallKind::Event,
        title,
        description: Texts::one(locale("en"), "Two days of \"workshops\"; bring a laptop."),
        deadline: at(20, 9),
        zone: Zone::parse("Europe/Helsinki").unwrap(),
        starts: Some(at(20, 7)),
        ends: Some(at(21, 15)),
        location: Some("Tampere".into()),
        url: Some("https://example.org/academy".into()),
        topic: Some("academy".parse::<TopicId>().unwrap()),
        categories: vec!["training".into(), "SME".into()],
        line: 1,
    };
    store.import_calls(&[full], at(1, 9)).await.unwrap();

    // Chats with every setting, subscriptions and dismissals.
    let (one, discord, console, gone) = (
        chat(CHATS[0]),
        chat(CHATS[1]),
        chat(CHATS[2]),
        chat(CHATS[3]),
    );
    store
        .set_chat_locale(&one, Some(locale("fi")))
        .await
        .unwrap();
    store
        .set_chat_zone(&one, Some(Zone::parse("Europe/Helsinki").unwrap()))
        .await
        .unwrap();
    store
        .set_chat_quiet(&one, Some(QuietHours::parse("22:00-07:00").unwrap()))
        .await
        .unwrap();
    store
        .set_chat_leads(&one, Some(LeadTimes::parse("3d 2h 30m").unwrap()))
        .await
        .unwrap();
    let weekly: DigestPlan = "weekly fri 14:00".parse().unwrap();
    store.set_chat_digest(&one, Some(weekly)).await.unwrap();
    store
        .advance_digests(&[(one.clone(), at(6, 12))])
        .await
        .unwrap();
    store
        .set_chat_locale(&discord, Some(locale("en")))
        .await
        .unwrap();
    let daily: DigestPlan = "daily 07:30".parse().unwrap();
    store.set_chat_digest(&discord, Some(daily)).await.unwrap();
    store.set_chat_active(&gone, false).await.unwrap();
    store
        .subscribe(&one, &Target::All, at(1, 10))
        .await
        .unwrap();
    store
        .subscribe(&one, &Target::Call(id("cba")), at(1, 11))
        .await
        .unwrap();
    store
        .subscribe(&one, &Target::Topic("academy".parse().unwrap()), at(1, 12))
        .await
        .unwrap();
    store
        .subscribe(&discord, &Target::Call(id("green")), at(2, 10))
        .await
        .unwrap();
    store
        .subscribe(&console, &Target::All, at(2, 11))
        .await
        .unwrap();
    store
        .subscribe(&gone, &Target::All, at(2, 12))
        .await
        .unwrap();
    store.dismiss(&one, &id("green"), at(3, 9)).await.unwrap();
    store
        .dismiss(&console, &id("academy-days"), at(3, 10))
        .await
        .unwrap();
    seed_subscribers(url, SEEDED, 10_000).await;

    // Outbox entries in every state: sent, failed, retried (pending with an error), cancelled,
    // skipped, leased right now, and plain pending ones in bulk.
    let mut skipped = reminder("skipped", "tg:1", "cba", at(5, 9));
    skipped.state = EntryState::Skipped;
    let changed = NewEntry {
        key: labelled_key("changed"),
        chat: discord.clone(),
        notice: Notice::DeadlineChanged {
            call: id("green"),
            version: 2,
            previous: at(1, 17),
        },
        not_before: at(2, 9),
        expires: None,
        state: EntryState::Pending,
    };
    let digest = NewEntry {
        key: labelled_key("digest"),
        chat: one.clone(),
        notice: Notice::Digest {
            from: at(1, 12),
            slot: at(6, 12),
        },
        not_before: at(6, 12),
        expires: None,
        state: EntryState::Pending,
    };
    let made = [
        reminder("sent", "tg:1", "cba", at(4, 9)),
        reminder("failed", "console:local", "cba", at(4, 9)),
        reminder("retried", "tg:1", "academy-days", at(4, 10)),
        reminder("cancelled", "tg:gone", "cba", at(4, 10)),
        reminder("leased", "tg:1", "green", at(4, 11)),
        skipped,
        changed,
        digest,
    ];
    assert_eq!(store.enqueue(&made).await.unwrap(), made.len());
    let claimed = store
        .claim(&["tg", "console"], at(4, 10), at(4, 11), 4, "w1")
        .await
        .unwrap();
    let by_key = |key: &str| claimed.iter().find(|e| label_of(&e.key) == key).unwrap().id;
    assert!(
        store
            .finish(by_key("sent"), "w1", &Finish::Sent, at(4, 10))
            .await
            .unwrap()
    );
    let failed = Finish::Failed {
        error: "bot blocked".into(),
    };
    assert!(
        store
            .finish(by_key("failed"), "w1", &failed, at(4, 10))
            .await
            .unwrap()
    );
    let retry = Finish::Retry {
        at: at(4, 12),
        error: "429: slow down".into(),
    };
    assert!(
        store
            .finish(by_key("retried"), "w1", &retry, at(4, 10))
            .await
            .unwrap()
    );
    let cancelled = Finish::Cancelled {
        reason: "unsubscribed".into(),
    };
    assert!(
        store
            .finish(by_key("cancelled"), "w1", &cancelled, at(4, 10))
            .await
            .unwrap()
    );
    let leased = store
        .claim(&["tg"], at(4, 11), at(4, 13), 1, "w2")
        .await
        .unwrap();
    assert_eq!(leased.len(), 1);
    let bulk: Vec<NewEntry> = (0..BULK_ENTRIES)
        .map(|i| {
            reminder(
                &format!("bulk-{i}"),
                &format!("tg:{}", 10_000 + i % SEEDED),
                "cba",
                at(10, 9) + Duration::minutes(i as i64),
            )
        })
        .collect();
    assert_eq!(store.enqueue(&bulk).await.unwrap(), BULK_ENTRIES);

    // News, feed state and the scheduler's cursor.
    let news = [
        story(1, Some("A summary with <b>markup</b>"), Some(at(3, 6))),
        story(2, None, None),
        story(3, Some("Kolmas"), Some(at(3, 7))),
    ];
    assert_eq!(store.add_news(&news, at(3, 8)).await.unwrap(), 3);
    store
        .set_feed_state(&FeedState {
            url: FEEDS[0].into(),
            etag: Some("\"abc\"".into()),
            last_modified: Some("Sat, 21 Nov 2026 08:00:00 GMT".into()),
            checked_at: Some(at(3, 8)),
            ok_at: Some(at(3, 8)),
            failures: 0,
            last_error: None,
        })
        .await
        .unwrap();
    store
        .set_feed_state(&FeedState {
            url: FEEDS[1].into(),
            etag: None,
            last_modified: None,
            checked_at: Some(at(3, 9)),
            ok_at: None,
            failures: 3,
            last_error: Some("timed out".into()),
        })
        .await
        .unwrap();
    store.set_planned_until(at(12, 0)).await.unwrap();

    [
        ("chats", CHATS.len() + SEEDED),
        ("subscriptions", 6 + SEEDED),
        ("dismissals", 2),
        ("calls", 3),
        ("outbox", made.len() + BULK_ENTRIES),
        ("scheduler_state", 1),
        ("news", 3),
        ("feeds", 2),
    ]
    .into_iter()
    .map(|(table, rows)| (table.to_owned(), rows as u64))
    .collect()
}

/// Everything the store's methods tell of a database.
#[derive(Debug, PartialEq)]
struct Contents {
    prefs: Vec<ChatPrefs>,
    subscriptions: Vec<Vec<Subscription>>,
    dismissed: Vec<Vec<CallId>>,
    calls: Vec<Call>,
    subscribers: Vec<Vec<Subscriber>>,
    lead_sets: Vec<LeadTimes>,
    digest_chats: Vec<(ChatRef, ChatPrefs)>,
    entries: Vec<Entry>,
    stats: OutboxStats,
    news: Vec<NewsItem>,
    feeds: Vec<Option<FeedState>>,
    planned_until: Option<DateTime<Utc>>,
}

async fn contents(store: &SqlStore) -> Contents {
    let chats: Vec<ChatRef> = CHATS.iter().map(|c| chat(c)).collect();
    let calls = store.calls().await.unwrap();
    let mut prefs = Vec::new();
    let mut subscriptions = Vec::new();
    let mut dismissed = Vec::new();
    for c in &chats {
        prefs.push(store.chat_prefs(c).await.unwrap());
        subscriptions.push(store.subscriptions(c).await.unwrap());
        dismissed.push(store.dismissed(c).await.unwrap());
    }
    let mut subscribers = Vec::new();
    for call in &calls {
        subscribers.push(store.subscribers(call).await.unwrap());
    }
    let mut feeds = Vec::new();
    for url in FEEDS {
        feeds.push(store.feed_state(url).await.unwrap());
    }
    Contents {
        prefs,
        subscriptions,
        dismissed,
        subscribers,
        lead_sets: store.lead_sets().await.unwrap(),
        digest_chats: store.digest_chats().await.unwrap(),
        entries: store.entries(None).await.unwrap(),
        stats: store.stats(at(10, 12)).await.unwrap(),
        news: store
            .news_between(at(1, 0) - Duration::days(365), at(28, 0))
            .await
            .unwrap(),
        feeds,
        planned_until: store.planned_until().await.unwrap(),
        calls,
    }
}

/// Copies `from` into the fresh database `db`, checks the copy, that a second copy is refused
/// and that the target then takes new rows; returns the target store and the new entry's id.
async fn copy_and_check(
    from: &SqlStore,
    db: &TestDatabase,
    expected: &Contents,
    rows: &[(String, u64)],
) -> (SqlStore, i64) {
    let to = SqlStore::open(&db.url).await.unwrap();
    let report = copy_database(from, &to)
        .await
        .unwrap_or_else(|e| panic!("{db}: {e:?}"));
    assert_eq!(
        report,
        CopyReport {
            tables: rows.to_vec()
        },
        "{db}"
    );
    let copied = contents(&to).await;
    assert_eq!(copied.entries.len(), expected.entries.len(), "{db}");
    assert_eq!(&copied, expected, "{db}");
    // Sanity: the comparison covers real data.
    assert!(copied.subscribers.iter().all(|s| s.len() > SEEDED), "{db}");
    assert!(copied.prefs[0].digest_since.is_some(), "{db}");
    assert!(!copied.prefs[3].active, "{db}");

    match copy_database(from, &to).await {
        Err(CopyError::TargetNotEmpty { table, rows }) => {
            assert_eq!(
                (table.as_str(), rows),
                ("chats", (CHATS.len() + SEEDED) as u64),
                "{db}"
            );
        }
        other => panic!("{db}: expected TargetNotEmpty, got {other:?}"),
    }
    assert_eq!(
        &contents(&to).await,
        expected,
        "{db}: a refused copy changes nothing"
    );

    // New rows get fresh ids: the sequences moved past the copied ones.
    let top = expected.entries.iter().map(|e| e.id).max().unwrap();
    let key = format!("after-copy-{top}");
    assert_eq!(
        to.enqueue(&[reminder(&key, "tg:1", "cba", at(15, 9))])
            .await
            .unwrap(),
        1,
        "{db}"
    );
    let added = to.entries(Some(&chat("tg:1"))).await.unwrap();
    let added_id = added.iter().find(|e| label_of(&e.key) == key).unwrap().id;
    assert!(added_id > top, "{db}: id {added_id} after {top}");
    let news_top = expected.news.iter().map(|n| n.id).max().unwrap();
    let n = expected.news.len() + 1;
    assert_eq!(
        to.add_news(&[story(n, None, None)], at(15, 9))
            .await
            .unwrap(),
        1,
        "{db}"
    );
    let news = to.news_between(at(15, 8), at(15, 10)).await.unwrap();
    let added = news
        .iter()
        .find(|item| item.title.starts_with(&format!("Story {n}:")))
        .unwrap();
    assert!(
        added.id > news_top,
        "{db}: news id {} after {news_top}",
        added.id
    );
    (to, added_id)
}

#[tokio::test]
async fn a_database_copies_whole_into_an_empty_one_in_any_direction() {
    let source_db = TestDatabase::sqlite().await;
    let source = SqlStore::open(&source_db.url).await.unwrap();
    let rows = fill(&source, &source_db.url).await;
    let expected = contents(&source).await;
    assert_eq!(expected.entries.len(), 8 + BULK_ENTRIES);

    let sqlite_db = TestDatabase::sqlite().await;
    let (sqlite, _) = copy_and_check(&source, &sqlite_db, &expected, &rows).await;
    sqlite.close().await;

    let Some(url) = postgres_url() else {
        eprintln!("ECABOT_TEST_POSTGRES_URL is not set: the copy was tested SQLite to SQLite only");
        return;
    };
    let pg_db = TestDatabase::postgres(&url).await;
    let (pg, pg_top) = copy_and_check(&source, &pg_db, &expected, &rows).await;

    // And back: PostgreSQL (now with one more entry and news item) into a fresh SQLite file.
    // A key already there still uses up an id on PostgreSQL: SQLite must not hand it out.
    let again = reminder(
        &format!("after-copy-{}", pg_top - 1),
        "tg:1",
        "cba",
        at(15, 9),
    );
    assert_eq!(pg.enqueue(&[again]).await.unwrap(), 0);
    let expected = contents(&pg).await;
    let rows: Vec<(String, u64)> = rows
        .into_iter()
        .map(|(table, n)| {
            let more = u64::from(table == "outbox" || table == "news");
            (table, n + more)
        })
        .collect();
    let back_db = TestDatabase::sqlite().await;
    let (back, back_id) = copy_and_check(&pg, &back_db, &expected, &rows).await;
    assert!(
        back_id > pg_top + 1,
        "id {back_id}: the ids PostgreSQL used up stay used"
    );
    back.close().await;
    pg.close().await;
    source.close().await;
}

#[tokio::test]
async fn a_failed_copy_leaves_the_target_empty() {
    let source_db = TestDatabase::sqlite().await;
    let source = SqlStore::open(&source_db.url).await.unwrap();
    fill(&source, &source_db.url).await;
    // An unreadable cell in a table copied after others (chats, calls, …) were written.
    source_db
        .execute(
            "UPDATE outbox SET attempts = 'many' WHERE key = 'snoozed:console:label:bulk-1500:1:0'",
        )
        .await;
    for db in test_databases().await {
        let to = SqlStore::open(&db.url).await.unwrap();
        match copy_database(&source, &to).await {
            Err(CopyError::Store(StoreError::Corrupt(message))) => {
                assert!(message.contains("outbox.attempts"), "{db}: {message}")
            }
            other => panic!("{db}: expected a Corrupt error, got {other:?}"),
        }
        assert_eq!(
            to.chat_prefs(&chat("tg:1")).await.unwrap(),
            ChatPrefs::default(),
            "{db}"
        );
        assert!(to.calls().await.unwrap().is_empty(), "{db}");
        assert!(to.entries(None).await.unwrap().is_empty(), "{db}");
        assert_eq!(to.planned_until().await.unwrap(), None, "{db}");
        // Nothing was left behind: once the cell is fixed, the same target takes the copy.
        source_db
            .execute(
                "UPDATE outbox SET attempts = 0 WHERE key = 'snoozed:console:label:bulk-1500:1:0'",
            )
            .await;
        copy_database(&source, &to)
            .await
            .unwrap_or_else(|e| panic!("{db}: {e:?}"));
        source_db
            .execute("UPDATE outbox SET attempts = 'many' WHERE key = 'snoozed:console:label:bulk-1500:1:0'")
            .await;
        to.close().await;
    }
    source.close().await;
}
