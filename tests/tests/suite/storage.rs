//! The storage story, on a real SQLite file always and on PostgreSQL when
//! `ECABOT_TEST_POSTGRES_URL` is set (CI sets it). Each test gets a fresh database.

use std::sync::Arc;

use ecabot_core::ChatPrefs;
use ecabot_core::ChatStore;
use ecabot_core::ports::StoreError;
use ecabot_store::{Backend, SqlStore};
use ecabot_tests::{bot_with, chat, locale, test_databases};

#[tokio::test]
async fn chat_preferences_round_trip() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        let (a, b) = (chat("a"), chat("b"));
        assert_eq!(
            store.chat_prefs(&a).await.unwrap(),
            ChatPrefs::default(),
            "{db}"
        );
        store.set_chat_locale(&a, Some(locale("fi"))).await.unwrap();
        store.set_chat_locale(&a, Some(locale("fi"))).await.unwrap();
        assert_eq!(
            store.chat_prefs(&a).await.unwrap().locale,
            Some(locale("fi")),
            "{db}"
        );
        assert_eq!(
            store.chat_prefs(&b).await.unwrap().locale,
            None,
            "{db}: chats are separate"
        );
        store.set_chat_locale(&a, None).await.unwrap();
        assert_eq!(
            store.chat_prefs(&a).await.unwrap().locale,
            None,
            "{db}: cleared"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn preferences_survive_a_restart_and_migrations_run_once() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        let bot = bot_with(Arc::new(store.clone()));
        let c = chat("persist");
        let set = bot
            .handle(ecabot_core::Request::text(c.clone(), "/language fi"))
            .await;
        assert_eq!(set.locale.as_str(), "fi");
        store.close().await;
        let reopened = SqlStore::open(&db.url).await.unwrap();
        let bot = bot_with(Arc::new(reopened.clone()));
        let r = bot
            .handle(ecabot_core::Request::text(c, "/help").with_hint(Some("en".into())))
            .await;
        assert_eq!(
            r.locale.as_str(),
            "fi",
            "{db}: the choice outlived the process's store"
        );
        reopened.close().await;
    }
}

#[tokio::test]
async fn concurrent_writers_do_not_fail() {
    for db in test_databases().await {
        let store = Arc::new(SqlStore::open(&db.url).await.unwrap());
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let lang = if i % 2 == 0 { "fi" } else { "en" };
                    store
                        .set_chat_locale(&chat(&format!("c{}", i % 7)), Some(locale(lang)))
                        .await
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap_or_else(|e| panic!("{db}: {e:?}"));
        }
        store.close().await;
    }
}

#[tokio::test]
async fn invalid_stored_data_is_reported_not_guessed() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        db.execute("INSERT INTO chats (chat, locale, created_at, updated_at) VALUES ('test:bad', '!!', 0, 0)").await;
        match store.chat_prefs(&chat("bad")).await {
            Err(StoreError::Corrupt(message)) => {
                assert!(message.contains("test:bad"), "{db}: {message}")
            }
            other => panic!("{db}: expected Corrupt, got {other:?}"),
        }
        let bot = bot_with(Arc::new(store.clone()));
        let r = bot
            .handle(ecabot_core::Request::text(chat("bad"), "/help").with_hint(Some("fi".into())))
            .await;
        assert_eq!(
            r.locale.as_str(),
            "fi",
            "{db}: the bot still answers, following the hint"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn the_backend_follows_the_url() {
    assert_eq!(
        "sqlite:///tmp/x.db".parse::<Backend>().unwrap(),
        Backend::Sqlite
    );
    assert_eq!(
        "postgres://u@h/db".parse::<Backend>().unwrap(),
        Backend::Postgres
    );
    let err = SqlStore::open("mysql://root:hunter2@localhost/x")
        .await
        .err()
        .unwrap();
    assert!(
        !format!("{err} {err:?}").contains("hunter2"),
        "no password in errors"
    );
}

// ---- Chat settings, calls, subscriptions and the scheduler's state ----

mod calls_and_subscriptions {
    use std::{collections::HashSet, sync::Arc};

    use ecabot_core::{CallStore, ChatStore, PlanStore};

    use chrono::{DateTime, Duration, TimeZone, Utc};
    use ecabot_core::model::call::CallDraft;
    use ecabot_core::model::call::CallId;
    use ecabot_core::model::call::CallKind;
    use ecabot_core::model::call::LeadTimes;
    use ecabot_core::model::call::QuietHours;
    use ecabot_core::model::call::Target;
    use ecabot_core::model::call::Texts;
    use ecabot_core::model::call::Zone;

    use ecabot_core::ports::StoreError;
    use ecabot_core::{ChatPrefs, DigestPlan, TopicId};
    use ecabot_store::{Backend, SqlStore};
    use ecabot_tests::{TestDatabase, chat, locale, test_databases};

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    fn draft(uid: &str, deadline: DateTime<Utc>) -> CallDraft {
        CallDraft {
            id: None,
            uid: uid.to_owned(),
            kind: CallKind::Call,
            title: Texts::one(locale("en"), format!("Call {uid}")),
            description: Texts::new(),
            deadline,
            zone: Zone::DEFAULT,
            starts: None,
            ends: None,
            location: None,
            url: None,
            topic: None,
            categories: Vec::new(),
            line: 1,
        }
    }

    fn id(s: &str) -> CallId {
        CallId::parse(s).unwrap()
    }

    fn topic(s: &str) -> TopicId {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn every_chat_setting_round_trips_without_clobbering_the_others() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            let c = chat("settings");
            let helsinki = Zone::parse("Europe/Helsinki").unwrap();
            let quiet = QuietHours::parse("22:00-07:00").unwrap();
            let leads = LeadTimes::parse("3d 2h 30m").unwrap();

            // Each setter creates the chat's row when it is missing.
            store.set_chat_zone(&c, Some(helsinki)).await.unwrap();
            assert_eq!(
                store.chat_prefs(&c).await.unwrap(),
                ChatPrefs {
                    zone: Some(helsinki),
                    ..ChatPrefs::default()
                },
                "{db}"
            );
            store.set_chat_locale(&c, Some(locale("fi"))).await.unwrap();
            store.set_chat_quiet(&c, Some(quiet)).await.unwrap();
            store.set_chat_leads(&c, Some(leads.clone())).await.unwrap();
            let digest: DigestPlan = "weekly fri 14:00".parse().unwrap();
            store.set_chat_digest(&c, Some(digest)).await.unwrap();
            store.set_chat_active(&c, false).await.unwrap();
            let full = ChatPrefs {
                locale: Some(locale("fi")),
                zone: Some(helsinki),
                quiet: Some(quiet),
                leads: Some(leads.clone()),
                digest: Some(digest),
                digest_since: None,
                active: false,
            };
            assert_eq!(store.chat_prefs(&c).await.unwrap(), full, "{db}");

            // Clearing one leaves the others.
            store.set_chat_zone(&c, None).await.unwrap();
            store.set_chat_active(&c, true).await.unwrap();
            assert_eq!(
                store.chat_prefs(&c).await.unwrap(),
                ChatPrefs {
                    zone: None,
                    active: true,
                    ..full.clone()
                },
                "{db}"
            );
            store.set_chat_quiet(&c, None).await.unwrap();
            store.set_chat_leads(&c, None).await.unwrap();
            store.set_chat_locale(&c, None).await.unwrap();
            store.set_chat_digest(&c, None).await.unwrap();
            assert_eq!(
                store.chat_prefs(&c).await.unwrap(),
                ChatPrefs::default(),
                "{db}"
            );

            let gone = chat("gone");
            store.set_chat_active(&gone, false).await.unwrap();
            assert!(!store.chat_prefs(&gone).await.unwrap().active, "{db}");
            store.close().await;
        }
    }

    #[tokio::test]
    async fn unreadable_chat_settings_are_corrupt_and_name_the_chat() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            for (name, column, value) in [
                ("zone", "zone", "'Mars/Olympus'"),
                ("quiet", "quiet", "'7-7'"),
                ("leads", "leads", "'soon'"),
                ("active", "active", "7"),
            ] {
                db.execute(&format!(
                    "INSERT INTO chats (chat, {column}, created_at, updated_at) \
                     VALUES ('test:bad-{name}', {value}, 0, 0)"
                ))
                .await;
                match store.chat_prefs(&chat(&format!("bad-{name}"))).await {
                    Err(StoreError::Corrupt(message)) => assert!(
                        message.contains(&format!("test:bad-{name}")),
                        "{db}: {message}"
                    ),
                    other => panic!("{db}: {name}: expected Corrupt, got {other:?}"),
                }
            }
            store.close().await;
        }
    }

    #[tokio::test]
    async fn an_in_memory_store_keeps_its_data() {
        let store = SqlStore::memory().await.unwrap();
        assert_eq!(store.backend(), Backend::Sqlite);
        let c = chat("mem");
        store.set_chat_locale(&c, Some(locale("fi"))).await.unwrap();
        store.subscribe(&c, &Target::All, at(1, 0)).await.unwrap();
        let report = store
            .import_calls(&[draft("m@x", at(20, 12))], at(1, 0))
            .await
            .unwrap();
        assert_eq!(report.added, vec![id("m")]);
        // Let the pool sit idle a moment: the one connection (and the database) stays.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(
            store.chat_prefs(&c).await.unwrap().locale,
            Some(locale("fi"))
        );
        let call = store.call(&id("m")).await.unwrap().unwrap();
        assert_eq!(store.subscribers(&call).await.unwrap().len(), 1);
        // Two in-memory stores are separate databases.
        let other = SqlStore::memory().await.unwrap();
        assert_eq!(other.calls().await.unwrap(), vec![]);
    }

    #[tokio::test]
    async fn a_call_round_trips_every_field() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            let mut title = Texts::one(locale("en"), "Cluster Booster Academy 2026");
            title.set(locale("fi"), "Klusterikiihdyttämö \"2026\" ✓");
            let full = CallDraft {
                id: Some(id("cba-2026")),
                uid: "cba-2026@clustercollaboration.eu".into(),
                kind: CallKind::Event,
                title,
                description: Texts::one(locale("en"), "Two lines\nof text"),
                deadline: at(20, 12),
                zone: Zone::parse("Europe/Helsinki").unwrap(),
                starts: Some(at(20, 12)),
                ends: Some(at(21, 16)),
                location: Some("Palma".into()),
                url: Some("https://example.org/cba".into()),
                topic: Some(topic("academy")),
                categories: vec!["Training".into(), "Academy, 2026".into()],
                line: 7,
            };
            let report = store
                .import_calls(std::slice::from_ref(&full), at(1, 9))
                .await
                .unwrap();
            assert_eq!(report.added, vec![id("cba-2026")], "{db}");
            let call = store.call(&id("cba-2026")).await.unwrap().unwrap();
            assert_eq!(call.uid, full.uid, "{db}");
            assert_eq!(call.kind, full.kind, "{db}");
            assert_eq!(call.title, full.title, "{db}");
            assert_eq!(call.description, full.description, "{db}");
            assert_eq!(call.deadline, full.deadline, "{db}");
            assert_eq!(call.zone, full.zone, "{db}");
            assert_eq!((call.starts, call.ends), (full.starts, full.ends), "{db}");
            assert_eq!(call.location, full.location, "{db}");
            assert_eq!(call.url, full.url, "{db}");
            assert_eq!(call.topic, full.topic, "{db}");
            assert_eq!(call.categories, full.categories, "{db}");
            assert_eq!(call.version, 1, "{db}");
            assert_eq!(call.changed_at, at(1, 9), "{db}");
            assert_eq!(call.previous_deadline, None, "{db}");
            assert_eq!(store.call(&id("nope")).await.unwrap(), None, "{db}");
            store.close().await;
        }
    }

    #[tokio::test]
    async fn imports_add_update_move_and_leave_alone() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            let (a, b, c) = (
                draft("a@x", at(20, 12)),
                draft("b@x", at(10, 12)),
                draft("c@x", at(15, 12)),
            );
            let first = store
                .import_calls(&[a.clone(), b.clone(), c.clone()], at(1, 0))
                .await
                .unwrap();
            assert_eq!(first.added, vec![id("a"), id("b"), id("c")], "{db}");
            assert!(first.updated.is_empty() && first.moved.is_empty(), "{db}");

            // Re-importing the same file changes nothing.
            let again = store
                .import_calls(&[a.clone(), b.clone(), c.clone()], at(2, 0))
                .await
                .unwrap();
            assert_eq!(again.unchanged, vec![id("a"), id("b"), id("c")], "{db}");
            assert!(again.added.is_empty() && again.updated.is_empty(), "{db}");
            assert!(again.moved.is_empty(), "{db}");
            let before = store.calls().await.unwrap();
            assert_eq!(
                before.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
                ["b", "c", "a"],
                "{db}: by deadline"
            );
            assert!(
                before
                    .iter()
                    .all(|c| c.version == 1 && c.changed_at == at(1, 0)),
                "{db}"
            );

            // A new title is an update; a new deadline is a move.
            let mut a2 = a.clone();
            a2.title = Texts::one(locale("en"), "Renamed");
            a2.id = Some(id("ignored-for-known-uids"));
            let mut b2 = b.clone();
            b2.deadline = at(25, 12);
            let third = store
                .import_calls(&[a2, b2, c.clone()], at(3, 0))
                .await
                .unwrap();
            assert_eq!(third.updated, vec![id("a")], "{db}");
            assert_eq!(third.moved, vec![id("b")], "{db}");
            assert_eq!(third.unchanged, vec![id("c")], "{db}");
            assert!(third.added.is_empty(), "{db}");
            let a_now = store.call(&id("a")).await.unwrap().unwrap();
            assert_eq!(
                (a_now.title(locale("en")), a_now.version, a_now.changed_at),
                ("Renamed", 1, at(1, 0)),
                "{db}"
            );
            let b_now = store.call(&id("b")).await.unwrap().unwrap();
            assert_eq!(
                (b_now.deadline, b_now.version, b_now.changed_at),
                (at(25, 12), 2, at(3, 0)),
                "{db}"
            );
            assert_eq!(b_now.previous_deadline, Some(at(10, 12)), "{db}");

            // A title change later keeps the version and the previous deadline.
            let mut b3 = b.clone();
            b3.deadline = at(25, 12);
            b3.url = Some("https://example.org/b".into());
            let fourth = store.import_calls(&[b3], at(4, 0)).await.unwrap();
            assert_eq!(fourth.updated, vec![id("b")], "{db}");
            let b_now = store.call(&id("b")).await.unwrap().unwrap();
            assert_eq!(
                (b_now.version, b_now.changed_at, b_now.previous_deadline),
                (2, at(3, 0), Some(at(10, 12))),
                "{db}"
            );

            // Reads by deadline.
            let ids = |calls: Vec<ecabot_core::model::call::Call>| {
                calls
                    .into_iter()
                    .map(|c| c.id.to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(store.calls().await.unwrap()), ["c", "a", "b"], "{db}");
            assert_eq!(
                ids(store.calls_after(at(15, 12)).await.unwrap()),
                ["a", "b"],
                "{db}: strictly after"
            );
            assert!(
                store.calls_after(at(31, 0)).await.unwrap().is_empty(),
                "{db}"
            );
            assert_eq!(
                store.import_calls(&[], at(5, 0)).await.unwrap(),
                Default::default()
            );
            store.close().await;
        }
    }

    #[tokio::test]
    async fn clashing_ids_are_disambiguated_and_stay_stable() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            store
                .import_calls(&[draft("cba@one", at(10, 0))], at(1, 0))
                .await
                .unwrap();
            // Same slug from another UID: in a later batch, twice within one batch, and as an
            // explicit id.
            let mut explicit = draft("other-uid", at(13, 0));
            explicit.id = Some(id("cba"));
            let batch = [
                draft("cba@two", at(11, 0)),
                draft("cba@three", at(12, 0)),
                explicit,
            ];
            let report = store.import_calls(&batch, at(2, 0)).await.unwrap();
            let expected = vec![
                id("cba").disambiguated("cba@two"),
                id("cba").disambiguated("cba@three"),
                id("cba").disambiguated("other-uid"),
            ];
            assert_eq!(report.added, expected, "{db}");
            let cba = id("cba");
            let unique: HashSet<_> = expected.iter().chain([&cba]).collect();
            assert_eq!(unique.len(), 4, "{db}");
            for (call, uid) in expected.iter().zip(["cba@two", "cba@three", "other-uid"]) {
                assert_eq!(store.call(call).await.unwrap().unwrap().uid, uid, "{db}");
            }
            // Re-imported, every UID keeps the id it got.
            let again = store.import_calls(&batch, at(3, 0)).await.unwrap();
            assert_eq!(again.unchanged, expected, "{db}");
            assert_eq!(store.calls().await.unwrap().len(), 4, "{db}");
            store.close().await;
        }
    }

    #[tokio::test]
    async fn a_uid_twice_in_one_batch_counts_once_with_its_last_draft() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            let report = store
                .import_calls(
                    &[draft("d@x", at(10, 0)), draft("d@x", at(11, 0))],
                    at(1, 0),
                )
                .await
                .unwrap();
            assert_eq!(report.added, vec![id("d")], "{db}");
            assert!(report.updated.is_empty() && report.moved.is_empty(), "{db}");
            let call = store.call(&id("d")).await.unwrap().unwrap();
            assert_eq!((call.deadline, call.version), (at(11, 0), 1), "{db}");
            store.close().await;
        }
    }

    /// Makes the database refuse a call whose UID is `boom`, midway through an import.
    async fn refuse_boom(db: &TestDatabase) {
        match db.backend {
            Backend::Sqlite => {
                db.execute(
                    "CREATE TRIGGER refuse_boom BEFORE INSERT ON calls WHEN NEW.uid = 'boom' \
                     BEGIN SELECT RAISE(ABORT, 'refused'); END",
                )
                .await
            }
            Backend::Postgres => {
                db.execute(
                    "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN \
                     IF NEW.uid = 'boom' THEN RAISE EXCEPTION 'refused'; END IF; \
                     RETURN NEW; END $$ LANGUAGE plpgsql",
                )
                .await;
                db.execute(
                    "CREATE TRIGGER refuse_boom BEFORE INSERT ON calls \
                     FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
                )
                .await
            }
        }
    }

    #[tokio::test]
    async fn a_failing_import_changes_nothing() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            let a = draft("a@x", at(20, 12));
            store
                .import_calls(std::slice::from_ref(&a), at(1, 0))
                .await
                .unwrap();
            let before = store.calls().await.unwrap();
            refuse_boom(&db).await;

            let mut moved = a.clone();
            moved.deadline = at(27, 12);
            let batch = [moved, draft("new@x", at(21, 0)), draft("boom", at(22, 0))];
            match store.import_calls(&batch, at(2, 0)).await {
                Err(StoreError::Unavailable(_)) => {}
                other => panic!("{db}: expected the import to fail, got {other:?}"),
            }
            assert_eq!(
                store.calls().await.unwrap(),
                before,
                "{db}: nothing of the batch"
            );
            // The store still works afterwards.
            let report = store.import_calls(&batch[..2], at(3, 0)).await.unwrap();
            assert_eq!(
                (report.moved, report.added),
                (vec![id("a")], vec![id("new")]),
                "{db}"
            );
            store.close().await;
        }
    }

    #[tokio::test]
    async fn subscriptions_and_dismissals() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            let c = chat("subs");
            let cba = Target::Call(id("cba"));
            let academy = Target::Topic(topic("academy"));
            assert!(store.subscribe(&c, &cba, at(2, 0)).await.unwrap(), "{db}");
            assert!(
                !store.subscribe(&c, &cba, at(3, 0)).await.unwrap(),
                "{db}: already there"
            );
            assert!(
                store.subscribe(&c, &academy, at(1, 0)).await.unwrap(),
                "{db}"
            );
            assert!(
                store.subscribe(&c, &Target::All, at(2, 0)).await.unwrap(),
                "{db}"
            );
            let subs = store.subscriptions(&c).await.unwrap();
            let listed: Vec<_> = subs.iter().map(|s| (s.target.clone(), s.since)).collect();
            assert_eq!(
                listed,
                vec![
                    (academy.clone(), at(1, 0)),
                    (Target::All, at(2, 0)),
                    (cba.clone(), at(2, 0)),
                ],
                "{db}: by since, then target; the first since kept"
            );
            assert!(store.subscriptions(&chat("none")).await.unwrap().is_empty());

            assert_eq!(store.unsubscribe(&c, Some(&cba)).await.unwrap(), 1, "{db}");
            assert_eq!(store.unsubscribe(&c, Some(&cba)).await.unwrap(), 0, "{db}");
            assert_eq!(store.unsubscribe(&c, None).await.unwrap(), 2, "{db}");
            assert!(store.subscriptions(&c).await.unwrap().is_empty(), "{db}");

            // Dismissals, and subscribing to the call takes one back.
            let d = chat("dismisser");
            store.dismiss(&d, &id("cba"), at(4, 0)).await.unwrap();
            store.dismiss(&d, &id("cba"), at(5, 0)).await.unwrap();
            store.dismiss(&d, &id("other"), at(6, 0)).await.unwrap();
            assert_eq!(
                store.dismissed(&d).await.unwrap(),
                vec![id("cba"), id("other")],
                "{db}"
            );
            store
                .subscribe(&d, &Target::Topic(topic("academy")), at(7, 0))
                .await
                .unwrap();
            assert_eq!(store.dismissed(&d).await.unwrap().len(), 2, "{db}");
            store.subscribe(&d, &cba, at(7, 0)).await.unwrap();
            assert_eq!(
                store.dismissed(&d).await.unwrap(),
                vec![id("other")],
                "{db}"
            );
            store.close().await;
        }
    }

    #[tokio::test]
    async fn subscribers_are_the_active_covered_undismissed_chats() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            let mut x = draft("x@calls", at(20, 12));
            x.topic = Some(topic("academy"));
            let y = draft("y@calls", at(21, 12));
            store.import_calls(&[x, y], at(1, 0)).await.unwrap();
            let x = store.call(&id("x")).await.unwrap().unwrap();
            let y = store.call(&id("y")).await.unwrap().unwrap();

            let sub = |name: &str, target: Target, day: u32| {
                let store = store.clone();
                let name = name.to_owned();
                async move {
                    store
                        .subscribe(&chat(&name), &target, at(day, 0))
                        .await
                        .unwrap()
                }
            };
            sub("all", Target::All, 2).await;
            sub("by-call", Target::Call(id("x")), 3).await;
            sub("by-topic", Target::Topic(topic("academy")), 4).await;
            sub("other-topic", Target::Topic(topic("events")), 4).await;
            sub("other-call", Target::Call(id("y")), 4).await;
            sub("inactive", Target::All, 2).await;
            store
                .set_chat_active(&chat("inactive"), false)
                .await
                .unwrap();
            sub("dismissed", Target::All, 2).await;
            store
                .dismiss(&chat("dismissed"), &id("x"), at(5, 0))
                .await
                .unwrap();
            // Several matching subscriptions: one row, the earliest since.
            sub("many", Target::All, 6).await;
            sub("many", Target::Call(id("x")), 3).await;
            sub("many", Target::Topic(topic("academy")), 5).await;
            let zone = Zone::parse("Europe/Helsinki").unwrap();
            store
                .set_chat_zone(&chat("many"), Some(zone))
                .await
                .unwrap();
            store
                .set_chat_leads(&chat("many"), Some(LeadTimes::parse("2d").unwrap()))
                .await
                .unwrap();

            let found = store.subscribers(&x).await.unwrap();
            let summary: Vec<(String, DateTime<Utc>)> = found
                .iter()
                .map(|s| (s.chat.id().to_owned(), s.since))
                .collect();
            assert_eq!(
                summary,
                vec![
                    ("all".to_owned(), at(2, 0)),
                    ("by-call".to_owned(), at(3, 0)),
                    ("by-topic".to_owned(), at(4, 0)),
                    ("many".to_owned(), at(3, 0)),
                ],
                "{db}"
            );
            let many = found.iter().find(|s| s.chat.id() == "many").unwrap();
            assert_eq!(many.prefs.zone, Some(zone), "{db}");
            assert_eq!(
                many.prefs.leads,
                Some(LeadTimes::parse("2d").unwrap()),
                "{db}"
            );
            assert!(many.prefs.active, "{db}");

            // A call without a topic: only "all" and its own subscribers.
            let names: Vec<String> = store
                .subscribers(&y)
                .await
                .unwrap()
                .iter()
                .map(|s| s.chat.id().to_owned())
                .collect();
            assert_eq!(names, ["all", "dismissed", "many", "other-call"], "{db}");

            // A chat whose settings cannot be read is left out, not everyone.
            db.execute("UPDATE chats SET zone = 'Mars/Olympus' WHERE chat = 'test:all'")
                .await;
            assert_eq!(store.subscribers(&x).await.unwrap().len(), 3, "{db}");
            store.close().await;
        }
    }

    #[tokio::test]
    async fn subscribers_of_a_hundred_thousand_chats_come_in_one_query() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            store
                .import_calls(&[draft("big@x", at(20, 12))], at(1, 0))
                .await
                .unwrap();
            let call = store.call(&id("big")).await.unwrap().unwrap();
            db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
                 INSERT INTO chats (chat, zone, leads, created_at, updated_at) \
                 SELECT 'test:c' || i, 'Europe/Helsinki', '7d 1d 1h', 0, 0 FROM n",
            )
            .await;
            db.execute(
                "INSERT INTO subscriptions (chat, target, since) \
                 SELECT chat, CASE WHEN length(chat) % 2 = 0 THEN 'all' ELSE 'call:big' END, 100 \
                 FROM chats",
            )
            .await;
            let started = std::time::Instant::now();
            let found = store.subscribers(&call).await.unwrap();
            let took = started.elapsed();
            assert_eq!(found.len(), 100_000, "{db}");
            eprintln!("{db}: subscribers of 100,000 chats in {took:?}");
            assert!(took < std::time::Duration::from_secs(20), "{db}: {took:?}");
            store.close().await;
        }
    }

    #[tokio::test]
    async fn lead_sets_are_those_in_use_plus_the_standard() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            assert_eq!(
                store.lead_sets().await.unwrap(),
                vec![LeadTimes::standard()],
                "{db}"
            );
            let two_days = LeadTimes::parse("2d 3h").unwrap();
            let hour = LeadTimes::parse("1h").unwrap();
            let set = |name: &str, leads: LeadTimes, subscribed: bool, active: bool| {
                let store = store.clone();
                let c = chat(name);
                async move {
                    store.set_chat_leads(&c, Some(leads)).await.unwrap();
                    if subscribed {
                        store.subscribe(&c, &Target::All, at(1, 0)).await.unwrap();
                    }
                    store.set_chat_active(&c, active).await.unwrap();
                }
            };
            set("a", two_days.clone(), true, true).await;
            set("b", two_days.clone(), true, true).await;
            set("standard", LeadTimes::standard(), true, true).await;
            set("unsubscribed", LeadTimes::parse("5d").unwrap(), false, true).await;
            set("inactive", LeadTimes::parse("6d").unwrap(), true, false).await;
            set("hour", hour.clone(), true, true).await;
            let sets = store.lead_sets().await.unwrap();
            assert_eq!(sets.len(), 3, "{db}: {sets:?}");
            assert_eq!(sets[0], LeadTimes::standard(), "{db}");
            assert!(sets.contains(&two_days) && sets.contains(&hour), "{db}");
            store.close().await;
        }
    }

    #[tokio::test]
    async fn planned_until_never_moves_back() {
        for db in test_databases().await {
            let store = SqlStore::open(&db.url).await.unwrap();
            assert_eq!(store.planned_until().await.unwrap(), None, "{db}");
            store.set_planned_until(at(2, 0)).await.unwrap();
            assert_eq!(store.planned_until().await.unwrap(), Some(at(2, 0)), "{db}");
            store.set_planned_until(at(1, 0)).await.unwrap();
            assert_eq!(store.planned_until().await.unwrap(), Some(at(2, 0)), "{db}");
            store.set_planned_until(at(3, 0)).await.unwrap();
            assert_eq!(store.planned_until().await.unwrap(), Some(at(3, 0)), "{db}");

            // Several processes at once: the latest instant wins.
            let mut tasks = Vec::new();
            for i in 0..4u32 {
                let store = Arc::new(SqlStore::open(&db.url).await.unwrap());
                tasks.push(tokio::spawn(async move {
                    for hour in 0..10 {
                        let t = at(10 + i, hour) + Duration::minutes(i64::from(i));
                        store.set_planned_until(t).await.unwrap();
                    }
                    store.close().await;
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
            assert_eq!(
                store.planned_until().await.unwrap(),
                Some(at(13, 9) + Duration::minutes(3)),
                "{db}"
            );
            store.close().await;
        }
    }
}
