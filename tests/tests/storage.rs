//! The storage story, on a real SQLite file always and on PostgreSQL when
//! `ECABOT_TEST_POSTGRES_URL` is set (CI sets it). Each test gets a fresh database.

use std::sync::Arc;

use ecabot_core::{ChatPrefs, Store, StoreError};
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
