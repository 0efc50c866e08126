//! The delivery outbox on a real database: SQLite always, PostgreSQL when
//! `ECABOT_TEST_POSTGRES_URL` is set. Each test gets a fresh database.

use std::{collections::HashSet, sync::Arc};

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::LeadTime;
use ecabot_core::model::outbox::Notice;
use ecabot_core::ports::Outbox;
use ecabot_core::{CallStore, ChatStore};
use ecabot_core::{ChatRef, Entry, EntryState, Finish, NewEntry};
use ecabot_store::SqlStore;
use ecabot_tests::{label_of, labelled_key, test_databases};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn mins(n: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(n)
}

fn chat(s: &str) -> ChatRef {
    s.parse().unwrap()
}

fn call(s: &str) -> CallId {
    CallId::parse(s).unwrap()
}

fn reminder(key: &str, to: &str, call_id: &str, due: DateTime<Utc>) -> NewEntry {
    NewEntry {
        key: labelled_key(key),
        chat: chat(to),
        notice: Notice::Reminder {
            call: call(call_id),
            version: 1,
            lead: LeadTime::parse("1d").unwrap(),
        },
        not_before: due,
        expires: Some(due + Duration::days(1)),
        state: EntryState::Pending,
    }
}

fn keys(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|e| label_of(&e.key)).collect()
}

async fn entry(store: &SqlStore, key: &str) -> Entry {
    store
        .entries(None)
        .await
        .unwrap()
        .into_iter()
        .find(|e| label_of(&e.key) == key)
        .unwrap_or_else(|| panic!("no entry {key}"))
}

#[tokio::test]
async fn an_entry_is_written_once_per_key() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        let a = reminder("a", "tg:1", "cba", mins(0));
        let mut skipped = reminder("s", "tg:1", "cba", mins(0));
        skipped.state = EntryState::Skipped;
        let changed = NewEntry {
            key: labelled_key("c"),
            chat: chat("dc:channel:9"),
            notice: Notice::DeadlineChanged {
                call: call("cba"),
                version: 2,
                previous: mins(-60),
            },
            not_before: mins(1),
            expires: None,
            state: EntryState::Pending,
        };
        assert_eq!(
            store
                .enqueue(&[a.clone(), skipped.clone(), changed.clone()])
                .await
                .unwrap(),
            3,
            "{db}"
        );
        assert_eq!(
            store.enqueue(std::slice::from_ref(&a)).await.unwrap(),
            0,
            "{db}"
        );
        let mut dup = reminder("b", "tg:2", "cba", mins(0));
        assert_eq!(
            store.enqueue(&[dup.clone(), dup.clone(), a]).await.unwrap(),
            1,
            "{db}: duplicate keys within a batch count once"
        );
        dup.not_before = mins(99);
        assert_eq!(store.enqueue(&[dup]).await.unwrap(), 0, "{db}");
        assert_eq!(store.enqueue(&[]).await.unwrap(), 0, "{db}");

        let all = store.entries(None).await.unwrap();
        assert_eq!(keys(&all), ["a", "s", "c", "b"], "{db}: oldest first");
        let first = &all[0];
        assert_eq!(first.chat, chat("tg:1"), "{db}");
        assert_eq!(first.notice.to_string(), "reminder:cba:1:1440", "{db}");
        assert_eq!(first.not_before, mins(0), "{db}");
        assert_eq!(first.expires, Some(mins(24 * 60)), "{db}");
        assert_eq!(
            (
                first.attempts,
                first.state,
                first.sent_at,
                first.last_error.clone()
            ),
            (0, EntryState::Pending, None, None),
            "{db}"
        );
        assert_eq!(all[1].state, EntryState::Skipped, "{db}");
        assert_eq!(all[2].notice, changed.notice, "{db}");
        assert_eq!(all[2].expires, None, "{db}");
        assert_eq!(
            keys(&store.entries(Some(&chat("tg:1"))).await.unwrap()),
            ["a", "s"],
            "{db}"
        );
        // The original of a key stays as it was.
        assert_eq!(entry(&store, "b").await.not_before, mins(0), "{db}");
        store.close().await;
    }
}

#[tokio::test]
async fn claims_take_due_pending_entries_of_the_scopes_in_order() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        let mut skipped = reminder("skipped", "tg:9", "cba", mins(0));
        skipped.state = EntryState::Skipped;
        store
            .enqueue(&[
                reminder("later", "tg:2", "cba", mins(3)),
                reminder("first", "tg:1", "cba", mins(0)),
                reminder("discord", "dc:channel:1", "cba", mins(0)),
                reminder("future", "tg:3", "cba", mins(60)),
                skipped,
                reminder("second", "tg:4", "cba", mins(0)),
            ])
            .await
            .unwrap();
        let until = mins(10);
        assert!(
            store
                .claim(&["tg"], mins(5), until, 0, "w")
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .claim(&[], mins(5), until, 10, "w")
                .await
                .unwrap()
                .is_empty()
        );
        let one = store.claim(&["tg"], mins(5), until, 1, "w1").await.unwrap();
        assert_eq!(keys(&one), ["first"], "{db}: not_before, then id");
        assert_eq!(one[0].attempts, 1, "{db}");
        let rest = store
            .claim(&["tg"], mins(5), until, 10, "w2")
            .await
            .unwrap();
        assert_eq!(keys(&rest), ["second", "later"], "{db}");
        let discord = store
            .claim(&["tg", "dc"], mins(5), until, 10, "w3")
            .await
            .unwrap();
        assert_eq!(keys(&discord), ["discord"], "{db}");
        assert!(
            store
                .claim(&["tg", "dc"], mins(5), until, 10, "w4")
                .await
                .unwrap()
                .is_empty(),
            "{db}: the future and skipped ones stay"
        );
        for (e, token) in one
            .iter()
            .map(|e| (e, "w1"))
            .chain(rest.iter().map(|e| (e, "w2")))
        {
            assert!(
                store
                    .finish(e.id, token, &Finish::Sent, mins(6))
                    .await
                    .unwrap()
            );
        }
        let future = store
            .claim(&["tg"], mins(60), mins(70), 10, "w5")
            .await
            .unwrap();
        assert_eq!(keys(&future), ["future"], "{db}");
        store.close().await;
    }
}

#[tokio::test]
async fn a_lease_keeps_others_off_until_it_runs_out_and_fences_late_workers() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        store
            .enqueue(&[reminder("r", "tg:1", "cba", mins(0))])
            .await
            .unwrap();
        let first = store
            .claim(&["tg"], mins(1), mins(6), 10, "old")
            .await
            .unwrap();
        assert_eq!((first.len(), first[0].attempts), (1, 1), "{db}");
        let id = first[0].id;
        assert!(
            store
                .claim(&["tg"], mins(5), mins(10), 10, "new")
                .await
                .unwrap()
                .is_empty(),
            "{db}: still leased"
        );
        // The first worker died; after its lease the entry goes to another.
        let second = store
            .claim(&["tg"], mins(6), mins(11), 10, "new")
            .await
            .unwrap();
        assert_eq!(
            (second.len(), second[0].id, second[0].attempts),
            (1, id, 2),
            "{db}"
        );
        let before = entry(&store, "r").await;
        assert!(
            !store
                .finish(id, "old", &Finish::Sent, mins(7))
                .await
                .unwrap(),
            "{db}: a stale token finishes nothing"
        );
        assert!(
            !store
                .finish(id, "old", &Finish::Failed { error: "x".into() }, mins(7))
                .await
                .unwrap(),
            "{db}"
        );
        assert_eq!(entry(&store, "r").await, before, "{db}: unchanged");

        assert!(
            store
                .finish(id, "new", &Finish::Sent, mins(8))
                .await
                .unwrap(),
            "{db}"
        );
        let sent = entry(&store, "r").await;
        assert_eq!(
            (sent.state, sent.sent_at),
            (EntryState::Sent, Some(mins(8))),
            "{db}"
        );
        assert!(
            !store
                .finish(id, "new", &Finish::Sent, mins(9))
                .await
                .unwrap(),
            "{db}: finished once"
        );
        assert!(
            store
                .claim(&["tg"], mins(30), mins(40), 10, "again")
                .await
                .unwrap()
                .is_empty(),
            "{db}: a sent entry is never claimed again"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_retry_makes_the_entry_due_again_later() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        store
            .enqueue(&[reminder("r", "tg:1", "cba", mins(0))])
            .await
            .unwrap();
        let claimed = store
            .claim(&["tg"], mins(0), mins(5), 10, "w1")
            .await
            .unwrap();
        let id = claimed[0].id;
        let retry = Finish::Retry {
            at: mins(10),
            error: "429 Too Many Requests".into(),
        };
        assert!(
            store.finish(id, "w1", &retry, mins(1)).await.unwrap(),
            "{db}"
        );
        let waiting = entry(&store, "r").await;
        assert_eq!(
            (
                waiting.state,
                waiting.not_before,
                waiting.last_error.as_deref()
            ),
            (EntryState::Pending, mins(10), Some("429 Too Many Requests")),
            "{db}"
        );
        assert!(
            store
                .claim(&["tg"], mins(9), mins(15), 10, "w2")
                .await
                .unwrap()
                .is_empty(),
            "{db}: not yet"
        );
        assert!(
            !store
                .finish(id, "w1", &Finish::Sent, mins(9))
                .await
                .unwrap(),
            "{db}: the retried claim is over"
        );
        let again = store
            .claim(&["tg"], mins(10), mins(15), 10, "w2")
            .await
            .unwrap();
        assert_eq!((again.len(), again[0].attempts), (1, 2), "{db}");
        store.close().await;
    }
}

#[tokio::test]
async fn failed_dropped_and_cancelled_entries_keep_their_reason() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        store
            .enqueue(&[
                reminder("f", "tg:1", "cba", mins(0)),
                reminder("d", "tg:2", "cba", mins(0)),
                reminder("c", "tg:3", "cba", mins(0)),
            ])
            .await
            .unwrap();
        let claimed = store
            .claim(&["tg"], mins(0), mins(5), 10, "w")
            .await
            .unwrap();
        assert_eq!(claimed.len(), 3, "{db}");
        let ends = [
            (
                "f",
                Finish::Failed {
                    error: "blocked".into(),
                },
                EntryState::Failed,
            ),
            (
                "d",
                Finish::Dropped {
                    reason: "too late".into(),
                },
                EntryState::Dropped,
            ),
            (
                "c",
                Finish::Cancelled {
                    reason: "applied".into(),
                },
                EntryState::Cancelled,
            ),
        ];
        for (key, finish, _) in &ends {
            let e = claimed.iter().find(|e| label_of(&e.key) == *key).unwrap();
            assert!(
                store.finish(e.id, "w", finish, mins(1)).await.unwrap(),
                "{db}"
            );
        }
        for ((key, _, state), reason) in ends.iter().zip(["blocked", "too late", "applied"]) {
            let e = entry(&store, key).await;
            assert_eq!(
                (e.state, e.last_error.as_deref(), e.sent_at),
                (*state, Some(reason), None),
                "{db}"
            );
        }
        assert!(
            store
                .claim(&["tg"], mins(60), mins(65), 10, "w")
                .await
                .unwrap()
                .is_empty(),
            "{db}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn cancelling_withdraws_pending_entries_even_leased_ones() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        store
            .enqueue(&[
                reminder("a-leased", "tg:1", "a", mins(0)),
                reminder("a-later", "tg:1", "a", mins(60)),
                reminder("b", "tg:1", "b", mins(60)),
                reminder("a-other-chat", "tg:2", "a", mins(60)),
                reminder("a-sent", "tg:1", "a", mins(1)),
            ])
            .await
            .unwrap();
        let leased = store
            .claim(&["tg"], mins(0), mins(30), 1, "w")
            .await
            .unwrap();
        assert_eq!(keys(&leased), ["a-leased"], "{db}");
        let sent = store
            .claim(&["tg"], mins(1), mins(30), 1, "s")
            .await
            .unwrap();
        assert!(
            store
                .finish(sent[0].id, "s", &Finish::Sent, mins(2))
                .await
                .unwrap()
        );

        assert_eq!(
            store
                .cancel_pending(&chat("tg:1"), Some(&call("a")), mins(3))
                .await
                .unwrap(),
            2,
            "{db}"
        );
        let state = |key: &'static str| {
            let store = store.clone();
            async move { entry(&store, key).await.state }
        };
        assert_eq!(state("a-leased").await, EntryState::Cancelled, "{db}");
        assert_eq!(state("a-later").await, EntryState::Cancelled, "{db}");
        assert_eq!(state("b").await, EntryState::Pending, "{db}");
        assert_eq!(state("a-other-chat").await, EntryState::Pending, "{db}");
        assert_eq!(state("a-sent").await, EntryState::Sent, "{db}");
        assert!(
            !store
                .finish(leased[0].id, "w", &Finish::Sent, mins(4))
                .await
                .unwrap(),
            "{db}: the worker learns its entry was withdrawn"
        );
        assert_eq!(state("a-leased").await, EntryState::Cancelled, "{db}");

        assert_eq!(
            store
                .cancel_pending(&chat("tg:1"), None, mins(5))
                .await
                .unwrap(),
            1,
            "{db}"
        );
        assert_eq!(state("b").await, EntryState::Cancelled, "{db}");
        assert_eq!(state("a-other-chat").await, EntryState::Pending, "{db}");
        store.close().await;
    }
}

#[tokio::test]
async fn an_unreadable_entry_is_failed_not_fatal() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        store
            .enqueue(&[
                reminder("good-1", "tg:1", "cba", mins(0)),
                reminder("good-2", "tg:2", "cba", mins(2)),
            ])
            .await
            .unwrap();
        db.execute(&format!(
            "INSERT INTO outbox (key, chat, scope, call, notice, state, not_before, attempts, \
             created_at, updated_at) \
             VALUES ('snoozed:console:label:bad:1:0', 'tg:3', 'tg', NULL, 'gibberish', 'pending', {}, 0, 0, 0)",
            mins(1).timestamp()
        ))
        .await;
        let claimed = store
            .claim(&["tg"], mins(5), mins(10), 10, "w")
            .await
            .unwrap();
        assert_eq!(keys(&claimed), ["good-1", "good-2"], "{db}");
        for e in &claimed {
            assert!(
                store
                    .finish(e.id, "w", &Finish::Sent, mins(6))
                    .await
                    .unwrap()
            );
        }
        // `entries` reports it: read the state straight from the table.
        assert!(
            store.entries(None).await.is_err(),
            "{db}: listed as corrupt"
        );
        let one_chat = store.entries(Some(&chat("tg:1"))).await.unwrap();
        assert_eq!(keys(&one_chat), ["good-1"], "{db}: other chats still list");
        assert!(
            store
                .claim(&["tg"], mins(20), mins(30), 10, "w2")
                .await
                .unwrap()
                .is_empty(),
            "{db}: the bad entry was set aside"
        );
        db.execute("UPDATE outbox SET notice = 'snoozed:cba:1' WHERE key = 'snoozed:console:label:bad:1:0'")
            .await;
        let fixed = entry(&store, "bad").await;
        assert_eq!(fixed.state, EntryState::Failed, "{db}");
        assert!(
            fixed
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("gibberish"),
            "{db}: {:?}",
            fixed.last_error
        );
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_share_an_entry() {
    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        let entries: Vec<NewEntry> = (0..200)
            .map(|i| {
                reminder(
                    &format!("k{i}"),
                    &format!("tg:{}", i % 17),
                    "cba",
                    mins(i % 5),
                )
            })
            .collect();
        assert_eq!(store.enqueue(&entries).await.unwrap(), 200, "{db}");
        let mut workers = Vec::new();
        for w in 0..4 {
            let worker = Arc::new(SqlStore::open(&db.url).await.unwrap());
            workers.push(tokio::spawn(async move {
                let token = format!("worker-{w}");
                let mut mine = Vec::new();
                loop {
                    let batch = worker
                        .claim(&["tg"], mins(10), mins(20), 7, &token)
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        break;
                    }
                    for e in batch {
                        assert!(
                            worker
                                .finish(e.id, &token, &Finish::Sent, mins(11))
                                .await
                                .unwrap()
                        );
                        mine.push(e.id);
                    }
                }
                worker.close().await;
                mine
            }));
        }
        let mut seen = HashSet::new();
        let mut total = 0;
        for w in workers {
            let ids = w.await.unwrap();
            total += ids.len();
            seen.extend(ids);
        }
        assert_eq!(
            (total, seen.len()),
            (200, 200),
            "{db}: each entry exactly once"
        );
        let all = store.entries(None).await.unwrap();
        assert!(
            all.iter()
                .all(|e| e.state == EntryState::Sent && e.attempts == 1),
            "{db}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_moved_chat_takes_its_settings_subscriptions_and_pending_entries_along() {
    use ecabot_core::model::call::Target;
    use ecabot_core::model::call::Zone;

    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        let (old, new) = (chat("tg:-4001"), chat("tg:-1009000000001"));
        let fi = ecabot_core::Locale::parse("fi").unwrap();
        store.set_chat_locale(&old, Some(fi)).await.unwrap();
        store
            .set_chat_zone(&old, Some(Zone::parse("Europe/Helsinki").unwrap()))
            .await
            .unwrap();
        store.subscribe(&old, &Target::All, t0()).await.unwrap();
        store.dismiss(&old, &call("cba"), t0()).await.unwrap();
        // The new chat already said something and chose its own zone.
        store
            .set_chat_zone(&new, Some(Zone::parse("Europe/Warsaw").unwrap()))
            .await
            .unwrap();
        store
            .enqueue(&[
                reminder("pending", "tg:-4001", "cba", mins(10)),
                reminder("done", "tg:-4001", "cba", mins(0)),
            ])
            .await
            .unwrap();
        let claimed = store
            .claim(&["tg"], mins(0), mins(2), 10, "w")
            .await
            .unwrap();
        assert_eq!(keys(&claimed), ["done"], "{db}");
        store
            .finish(claimed[0].id, "w", &Finish::Sent, mins(0))
            .await
            .unwrap();

        store.move_chat(&old, &new).await.unwrap();
        let prefs = store.chat_prefs(&new).await.unwrap();
        assert_eq!(prefs.locale, Some(fi), "{db}");
        assert_eq!(
            prefs.zone().name(),
            "Europe/Warsaw",
            "its own choice stays: {db}"
        );
        assert_eq!(store.subscriptions(&new).await.unwrap().len(), 1, "{db}");
        assert_eq!(store.dismissed(&new).await.unwrap(), [call("cba")], "{db}");
        assert!(store.subscriptions(&old).await.unwrap().is_empty(), "{db}");
        assert_eq!(
            store.chat_prefs(&old).await.unwrap(),
            Default::default(),
            "{db}"
        );
        assert_eq!(
            keys(&store.entries(Some(&new)).await.unwrap()),
            ["pending"],
            "{db}"
        );
        assert_eq!(
            keys(&store.entries(Some(&old)).await.unwrap()),
            ["done"],
            "history stays where it happened: {db}"
        );
        // Moving again (both migration messages arrive) changes nothing.
        store.move_chat(&old, &new).await.unwrap();
        assert_eq!(store.subscriptions(&new).await.unwrap().len(), 1, "{db}");
    }
}
