//! The news feeds, end to end against a fake feed server on 127.0.0.1 and a real store (SQLite
//! always, PostgreSQL when `ECABOT_TEST_POSTGRES_URL` is set): good feeds arrive once and as
//! plain text, unchanged feeds cost a 304, bad feeds fail alone, by name, and are retried, and
//! the store's three identities keep each story once.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use ecabot_core::NewsStore;
use ecabot_core::ports::Clock;
use ecabot_core::ports::ManualClock;
use ecabot_core::{FeedState, NewsDraft, NewsItem};
use ecabot_feeds::{
    FeedFailure, FeedResult, FeedSource, Feeds, FetchConfig, FetchError, FetchOutcome, ParseError,
};
use ecabot_store::SqlStore;
use ecabot_tests::feed_server::{FeedServer, Item, Route, atom, gzip, rss};
use ecabot_tests::logs::logs;
use ecabot_tests::{TestApp, TestDatabase, chat, locale, test_databases};

const LAST_MODIFIED: &str = "Fri, 20 Nov 2026 08:00:00 GMT";

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// Saturday 21 November 2026, 08:00 UTC: "now" when a test starts.
fn start() -> DateTime<Utc> {
    utc(2026, 11, 21, 8, 0)
}

fn source(name: &str, url: String, lang: &str) -> FeedSource {
    FeedSource {
        name: name.to_owned(),
        url,
        lang: locale(lang),
    }
}

fn feed(body: String, content_type: &'static str) -> Route {
    Route::Feed {
        body,
        content_type,
        last_modified: LAST_MODIFIED,
    }
}

/// The ETag the feed server derives from a body: FNV-1a 64 in hex, quoted.
fn etag_of(body: &str) -> String {
    let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("\"{hash:016x}\"")
}

struct Rig {
    store: Arc<SqlStore>,
    clock: Arc<ManualClock>,
    feeds: Feeds,
}

async fn setup(db: &TestDatabase, sources: Vec<FeedSource>, config: FetchConfig) -> Rig {
    let store = Arc::new(SqlStore::open(&db.url).await.expect("database opens"));
    let clock = Arc::new(ManualClock::new(start()));
    let feeds = Feeds::new(sources, config, store.clone(), clock.clone()).expect("client builds");
    Rig {
        store,
        clock,
        feeds,
    }
}

impl Rig {
    /// Everything stored since the test started.
    async fn all_news(&self) -> Vec<NewsItem> {
        let from = start() - chrono::Duration::seconds(1);
        self.store
            .news_between(from, self.clock.now())
            .await
            .unwrap()
    }

    async fn state(&self, url: &str) -> FeedState {
        self.store
            .feed_state(url)
            .await
            .unwrap()
            .expect("a state is kept for every fetched feed")
    }
}

fn result<'a>(outcome: &'a FetchOutcome, name: &str) -> &'a Result<FeedResult, FeedFailure> {
    &outcome
        .feeds
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no report for {name}: {outcome:?}"))
        .result
}

/// `(entries, new, dropped)` of a feed that was fetched.
fn fetched(outcome: &FetchOutcome, name: &str) -> (usize, usize, usize) {
    match result(outcome, name) {
        Ok(FeedResult::Fetched {
            entries,
            new,
            dropped,
        }) => (*entries, *new, *dropped),
        other => panic!("{name} was not fetched: {other:?}"),
    }
}

fn titles(items: &[NewsItem]) -> Vec<&str> {
    items.iter().map(|i| i.title.as_str()).collect()
}

#[tokio::test]
async fn good_feeds_arrive_deduplicated_and_cleaned() {
    const SHARED_TITLE: &str = "Matchmaking at the European Cluster Conference";
    const SHARED_LINK: &str = "https://clustercollaboration.example.eu/news/matchmaking";
    let eccp_items = [
        Item {
            title: "<b>Cluster</b> &amp; <i>Booster</i> Academy",
            link: "https://eccp.example.org/news/academy",
            guid: Some("eccp-1"),
            summary: Some(
                "<p>Apply now.</p><script>alert('x')</script><p>Deadline <em>soon</em>.</p>",
            ),
            published: "Fri, 20 Nov 2026 09:00:00 +0000",
        },
        // The same story as in the Alliance's Atom feed: same link, another guid.
        Item {
            title: SHARED_TITLE,
            link: SHARED_LINK,
            guid: Some("eccp-2"),
            summary: None,
            published: "Thu, 19 Nov 2026 10:00:00 +0000",
        },
        Item {
            title: "Call for cluster managers",
            link: "https://eccp.example.org/news/call",
            guid: Some("eccp-3"),
            summary: None,
            published: "Wed, 18 Nov 2026 10:00:00 +0000",
        },
        // The same link with tracking parameters (other guid, title and day): stored once.
        Item {
            title: "Reminder: the call for cluster managers closes soon",
            link: "https://eccp.example.org/news/call?utm_source=rss&utm_medium=feed",
            guid: Some("eccp-4"),
            summary: None,
            published: "Fri, 20 Nov 2026 10:00:00 +0000",
        },
        Item {
            title: "Webinar: Green transition for clusters",
            link: "https://eccp.example.org/events/webinar",
            guid: Some("eccp-5"),
            summary: None,
            published: "Fri, 20 Nov 2026 07:00:00 +0000",
        },
        // The same title (letters and digits, any case) on the same day under another link.
        Item {
            title: "WEBINAR – green transition for clusters!",
            link: "https://eccp.example.org/events/webinar-repeat",
            guid: Some("eccp-6"),
            summary: None,
            published: "Fri, 20 Nov 2026 15:30:00 +0000",
        },
        Item {
            title: "Click me",
            link: "javascript:alert(1)",
            guid: Some("eccp-7"),
            summary: None,
            published: "Fri, 20 Nov 2026 11:00:00 +0000",
        },
        Item {
            title: "Download the report",
            link: "ftp://files.example.org/report.pdf",
            guid: Some("eccp-8"),
            summary: None,
            published: "Fri, 20 Nov 2026 12:00:00 +0000",
        },
    ];
    let alliance_items = [
        Item {
            title: SHARED_TITLE,
            link: SHARED_LINK,
            guid: Some("urn:alliance:1"),
            summary: None,
            published: "2026-11-19T10:00:00Z",
        },
        // Atom `type="html"`: the markup arrives escaped and must still come out as text.
        Item {
            title: "<strong>Alliance</strong> members&#8217; assembly &amp; <em>awards</em>",
            link: "https://alliance.example.eu/news/assembly",
            guid: Some("urn:alliance:2"),
            summary: Some("<p>Vote <script>steal()</script>today</p>"),
            published: "2026-11-20T08:00:00Z",
        },
        Item {
            title: "Łódź Cluster Day",
            link: "https://alliance.example.eu/events/lodz",
            guid: None,
            summary: None,
            published: "2026-11-20T12:00:00Z",
        },
    ];
    let klusterit_items = [
        Item {
            title: "Klusteriyhteistyö – äöå",
            link: "https://klusterit.example.fi/uutiset/1",
            guid: Some("k-1"),
            summary: Some("Yhteistyötä yli rajojen."),
            published: "Fri, 20 Nov 2026 06:00:00 +0200",
        },
        Item {
            title: "Syksyn <i>klusteri</i>päivät",
            link: "https://klusterit.example.fi/uutiset/2",
            guid: Some("k-2"),
            summary: None,
            published: "Thu, 19 Nov 2026 06:00:00 +0200",
        },
    ];

    for db in test_databases().await {
        let server = FeedServer::start().await;
        server.set(
            "/eccp.xml",
            feed(rss("ECCP", &eccp_items), "application/rss+xml"),
        );
        server.set(
            "/alliance.atom",
            feed(atom("Alliance", &alliance_items), "application/atom+xml"),
        );
        server.set(
            "/klusterit.xml",
            feed(rss("Klusterit", &klusterit_items), "application/rss+xml"),
        );
        let sources = vec![
            source("ECCP news", server.url("/eccp.xml"), "en"),
            source("Alliance news", server.url("/alliance.atom"), "en"),
            source("Klusterit", server.url("/klusterit.xml"), "fi"),
        ];
        let rig = setup(&db, sources, FetchConfig::default()).await;

        let outcome = rig.feeds.step().await;
        assert_eq!(outcome.failed(), 0, "{db}: {outcome:?}");
        let names: Vec<&str> = outcome.feeds.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["ECCP news", "Alliance news", "Klusterit"],
            "{db}: reports in configuration order"
        );
        // Which of the two feeds carrying the shared story stores it first is a race; the
        // story is stored exactly once either way.
        let (entries, eccp_new, dropped) = fetched(&outcome, "ECCP news");
        assert_eq!(
            (entries, dropped),
            (8, 2),
            "{db}: javascript: and ftp: links"
        );
        let (entries, alliance_new, dropped) = fetched(&outcome, "Alliance news");
        assert_eq!((entries, dropped), (3, 0), "{db}");
        assert_eq!(fetched(&outcome, "Klusterit"), (2, 2, 0), "{db}");
        assert_eq!(eccp_new + alliance_new, 6, "{db}: {outcome:?}");
        assert!(
            (eccp_new, alliance_new) == (4, 2) || (eccp_new, alliance_new) == (3, 3),
            "{db}: {outcome:?}"
        );
        assert_eq!(outcome.new_items(), 8, "{db}");

        let news = rig.all_news().await;
        let stored: BTreeSet<(&str, &str, &str)> = news
            .iter()
            .map(|i| (i.title.as_str(), i.url.as_str(), i.lang.as_str()))
            .collect();
        let expected: BTreeSet<(&str, &str, &str)> = [
            (
                "Cluster & Booster Academy",
                "https://eccp.example.org/news/academy",
                "en",
            ),
            (SHARED_TITLE, SHARED_LINK, "en"),
            (
                "Call for cluster managers",
                "https://eccp.example.org/news/call",
                "en",
            ),
            (
                "Webinar: Green transition for clusters",
                "https://eccp.example.org/events/webinar",
                "en",
            ),
            (
                "Alliance members\u{2019} assembly & awards",
                "https://alliance.example.eu/news/assembly",
                "en",
            ),
            (
                "Łódź Cluster Day",
                "https://alliance.example.eu/events/lodz",
                "en",
            ),
            (
                "Klusteriyhteistyö – äöå",
                "https://klusterit.example.fi/uutiset/1",
                "fi",
            ),
            (
                "Syksyn klusteripäivät",
                "https://klusterit.example.fi/uutiset/2",
                "fi",
            ),
        ]
        .into_iter()
        .collect();
        assert_eq!(news.len(), 8, "{db}: {:?}", titles(&news));
        assert_eq!(stored, expected, "{db}");

        for item in &news {
            assert_eq!(item.added_at, start(), "{db}: {}", item.title);
            let expected_source = match item.url.as_str() {
                SHARED_LINK if eccp_new == 4 => "ECCP news",
                SHARED_LINK => "Alliance news",
                url if url.starts_with("https://eccp.") => "ECCP news",
                url if url.starts_with("https://alliance.") => "Alliance news",
                _ => "Klusterit",
            };
            assert_eq!(item.source, expected_source, "{db}: {}", item.title);
            let summary = item.summary.as_deref().unwrap_or_default();
            for hostile in ["<", "script", "alert", "steal"] {
                assert!(!summary.contains(hostile), "{db}: {summary:?}");
            }
        }
        let by_url = |url: &str| news.iter().find(|i| i.url == url).unwrap();
        let academy = by_url("https://eccp.example.org/news/academy");
        assert_eq!(
            academy.summary.as_deref(),
            Some("Apply now. Deadline soon."),
            "{db}"
        );
        assert_eq!(academy.published, Some(utc(2026, 11, 20, 9, 0)), "{db}");
        let assembly = by_url("https://alliance.example.eu/news/assembly");
        assert_eq!(assembly.summary.as_deref(), Some("Vote today"), "{db}");
        assert_eq!(assembly.published, Some(utc(2026, 11, 20, 8, 0)), "{db}");
        let klusteri = by_url("https://klusterit.example.fi/uutiset/1");
        assert_eq!(
            klusteri.summary.as_deref(),
            Some("Yhteistyötä yli rajojen."),
            "{db}"
        );
        assert_eq!(klusteri.published, Some(utc(2026, 11, 20, 4, 0)), "{db}");

        // Nothing arrived after "now".
        let later = rig
            .store
            .news_between(start(), start() + chrono::Duration::days(1))
            .await
            .unwrap();
        assert!(later.is_empty(), "{db}: {:?}", titles(&later));
        rig.store.close().await;
    }
}

#[tokio::test]
async fn re_published_feed_adds_nothing_and_conditional_get_is_used() {
    let first = [
        Item {
            title: "Cluster Excellence Programme opens",
            link: "https://eccp.example.org/news/excellence",
            guid: Some("v1-excellence"),
            summary: None,
            published: "Thu, 19 Nov 2026 09:00:00 +0000",
        },
        Item {
            title: "New members join the Alliance",
            link: "https://eccp.example.org/news/members",
            guid: Some("v1-members"),
            summary: None,
            published: "Fri, 20 Nov 2026 09:00:00 +0000",
        },
    ];
    // The CMS re-published everything under new guids and added one story.
    let second = [
        Item {
            title: "Cluster Booster results",
            link: "https://eccp.example.org/news/booster",
            guid: Some("v2-booster"),
            summary: None,
            published: "Sat, 21 Nov 2026 07:00:00 +0000",
        },
        Item {
            guid: Some("v2-excellence"),
            ..first[0]
        },
        Item {
            guid: Some("v2-members"),
            ..first[1]
        },
    ];
    let dated_items = [
        Item {
            title: "Smart specialisation platform update",
            link: "https://s3.example.eu/news/update",
            guid: Some("s3-1"),
            summary: None,
            published: "Fri, 20 Nov 2026 06:00:00 +0000",
        },
        Item {
            title: "Regional ecosystems report",
            link: "https://s3.example.eu/news/report",
            guid: Some("s3-2"),
            summary: None,
            published: "Thu, 19 Nov 2026 06:00:00 +0000",
        },
    ];
    let dated_body = rss("S3", &dated_items);
    let first_body = rss("ECCP", &first);
    let second_body = rss("ECCP", &second);
    let (first_etag, second_etag) = (etag_of(&first_body), etag_of(&second_body));
    assert_ne!(first_etag, second_etag);
    let user_agent = FetchConfig::default().user_agent;

    for db in test_databases().await {
        let server = FeedServer::start().await;
        server.set("/feed.xml", feed(first_body.clone(), "application/rss+xml"));
        server.set(
            "/dated.xml",
            feed(dated_body.clone(), "application/rss+xml"),
        );
        let url = server.url("/feed.xml");
        let rig = setup(
            &db,
            vec![source("ECCP news", url.clone(), "en")],
            FetchConfig::default(),
        )
        .await;

        // 1. First fetch: unconditional, both items stored, both validators kept.
        let t1 = start();
        let outcome = rig.feeds.step().await;
        assert_eq!(fetched(&outcome, "ECCP news"), (2, 2, 0), "{db}");
        let state = rig.state(&url).await;
        assert_eq!(state.etag.as_deref(), Some(first_etag.as_str()), "{db}");
        assert_eq!(state.last_modified.as_deref(), Some(LAST_MODIFIED), "{db}");
        assert_eq!((state.ok_at, state.failures), (Some(t1), 0), "{db}");
        let seen = server.requests("/feed.xml");
        assert_eq!(seen.len(), 1, "{db}");
        assert_eq!(
            (&seen[0].if_none_match, &seen[0].if_modified_since),
            (&None, &None),
            "{db}"
        );
        assert_eq!(seen[0].user_agent.as_deref(), Some(user_agent.as_str()));

        // 2. Unchanged: both validators sent, the server answers 304, nothing is stored.
        rig.clock.advance(chrono::Duration::hours(1));
        let t2 = rig.clock.now();
        let outcome = rig.feeds.step().await;
        assert!(
            matches!(result(&outcome, "ECCP news"), Ok(FeedResult::NotModified)),
            "{db}: {outcome:?}"
        );
        assert_eq!(outcome.new_items(), 0, "{db}");
        assert_eq!(server.not_modified("/feed.xml"), 1, "{db}");
        let seen = server.requests("/feed.xml");
        assert_eq!(seen.len(), 2, "{db}");
        assert_eq!(seen[1].status, 304, "{db}");
        assert_eq!(
            seen[1].if_none_match.as_deref(),
            Some(first_etag.as_str()),
            "{db}"
        );
        assert_eq!(
            seen[1].if_modified_since.as_deref(),
            Some(LAST_MODIFIED),
            "{db}"
        );
        assert!(
            rig.store.news_between(t1, t2).await.unwrap().is_empty(),
            "{db}"
        );
        let state = rig.state(&url).await;
        assert_eq!(state.etag.as_deref(), Some(first_etag.as_str()), "{db}");
        assert_eq!(
            (state.ok_at, state.checked_at),
            (Some(t2), Some(t2)),
            "{db}"
        );

        // 3. Changed and re-published: the stale ETag gets a 200; only the new story is new.
        server.set(
            "/feed.xml",
            feed(second_body.clone(), "application/rss+xml"),
        );
        rig.clock.advance(chrono::Duration::hours(1));
        let t3 = rig.clock.now();
        let outcome = rig.feeds.step().await;
        assert_eq!(fetched(&outcome, "ECCP news"), (3, 1, 0), "{db}");
        let seen = server.requests("/feed.xml");
        assert_eq!((seen.len(), seen[2].status), (3, 200), "{db}");
        assert_eq!(
            seen[2].if_none_match.as_deref(),
            Some(first_etag.as_str()),
            "{db}"
        );
        let added = rig.store.news_between(t2, t3).await.unwrap();
        assert_eq!(titles(&added), ["Cluster Booster results"], "{db}");
        assert_eq!(added[0].added_at, t3, "{db}");
        assert_eq!(rig.all_news().await.len(), 3, "{db}");
        let state = rig.state(&url).await;
        assert_eq!(state.etag.as_deref(), Some(second_etag.as_str()), "{db}");

        // 4. And the new version is not modified either.
        rig.clock.advance(chrono::Duration::hours(1));
        let outcome = rig.feeds.step().await;
        assert!(
            matches!(result(&outcome, "ECCP news"), Ok(FeedResult::NotModified)),
            "{db}: {outcome:?}"
        );
        assert_eq!(server.not_modified("/feed.xml"), 2, "{db}");
        assert_eq!(
            server.requests("/feed.xml")[3].if_none_match.as_deref(),
            Some(second_etag.as_str()),
            "{db}"
        );

        // A server that only ever sent Last-Modified left only that validator: the next fetch
        // sends it alone as If-Modified-Since, the server answers 304, and nothing is parsed
        // or stored (a 200 would have stored two items).
        let dated = server.url("/dated.xml");
        let dated_feeds = Feeds::new(
            vec![source("Dated news", dated.clone(), "en")],
            FetchConfig::default(),
            rig.store.clone(),
            rig.clock.clone(),
        )
        .unwrap();
        rig.store
            .set_feed_state(&FeedState {
                url: dated.clone(),
                last_modified: Some(LAST_MODIFIED.to_owned()),
                ..FeedState::default()
            })
            .await
            .unwrap();
        let outcome = dated_feeds.step().await;
        assert!(
            matches!(result(&outcome, "Dated news"), Ok(FeedResult::NotModified)),
            "{db}: {outcome:?}"
        );
        let seen = server.requests("/dated.xml");
        assert_eq!(seen.len(), 1, "{db}");
        assert_eq!(seen[0].if_none_match, None, "{db}");
        assert_eq!(
            seen[0].if_modified_since.as_deref(),
            Some(LAST_MODIFIED),
            "{db}"
        );
        assert_eq!(seen[0].status, 304, "{db}");
        assert_eq!(rig.all_news().await.len(), 3, "{db}");
        assert_eq!(
            rig.state(&dated).await.last_modified.as_deref(),
            Some(LAST_MODIFIED),
            "{db}: a 304 keeps the validator"
        );
        // Another date is a change: a 200, whose items are stored.
        rig.store
            .set_feed_state(&FeedState {
                url: dated.clone(),
                last_modified: Some("Thu, 19 Nov 2026 08:00:00 GMT".to_owned()),
                ..FeedState::default()
            })
            .await
            .unwrap();
        let outcome = dated_feeds.step().await;
        assert_eq!(fetched(&outcome, "Dated news"), (2, 2, 0), "{db}");
        assert_eq!(server.requests("/dated.xml")[1].status, 200, "{db}");
        rig.store.close().await;
    }
}

type Check = fn(&FeedFailure) -> bool;

#[tokio::test]
async fn bad_feeds_are_logged_by_name_and_never_block_the_good_ones() {
    const TIMEOUT: Duration = Duration::from_millis(800);
    const LIMIT: u64 = 5 * 1024 * 1024;
    // Far larger than the limit plus what the kernel's socket buffers can take in after the
    // client stops reading (tens of MiB on localhost: with 20 MiB the whole body fits there,
    // and "the server did not write it all" would prove nothing).
    const HUGE: u64 = 256 * 1024 * 1024;
    // More than the server can have written to a client that hung up at the limit.
    const HUNG_UP: u64 = 64 * 1024 * 1024;
    let logs = logs();
    let good = [Item {
        title: "Good news for clusters",
        link: "https://eccp.example.org/news/good",
        guid: Some("good-1"),
        summary: None,
        published: "Fri, 20 Nov 2026 09:00:00 +0000",
    }];
    let bad: [(&str, &str, Route, Check); 6] = [
        (
            "Broken XML feed",
            "/broken.xml",
            feed(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</titel></channel></rss>"
                    .to_owned(),
                "application/rss+xml",
            ),
            |f| matches!(f, FeedFailure::Parse(ParseError::Xml { .. })),
        ),
        (
            "Huge feed",
            "/huge.xml",
            Route::Huge { bytes: HUGE },
            |f| matches!(f, FeedFailure::Fetch(FetchError::TooLarge { limit: LIMIT })),
        ),
        (
            "Silent feed",
            "/silent.xml",
            Route::Silent,
            |f| matches!(f, FeedFailure::Fetch(FetchError::Timeout(t)) if *t == TIMEOUT),
        ),
        // Headers, a few bytes, then nothing: the deadline covers the body too.
        (
            "Stalled feed",
            "/stalled.xml",
            Route::Announced { bytes: 4096 },
            |f| matches!(f, FeedFailure::Fetch(FetchError::Timeout(t)) if *t == TIMEOUT),
        ),
        (
            "Failing server feed",
            "/500.xml",
            Route::Status(500),
            |f| matches!(f, FeedFailure::Fetch(FetchError::Status(500))),
        ),
        (
            "Web page feed",
            "/page.html",
            feed(
                "<!DOCTYPE html>\n<html><head><title>Home</title></head><body><p>Hi</p></body></html>"
                    .to_owned(),
                "text/html",
            ),
            |f| matches!(f, FeedFailure::Parse(ParseError::NotAFeed(root)) if root == "html"),
        ),
    ];
    // How many "feed failed" lines name `name` so far (the log is shared by the whole binary).
    let failures_logged = |name: &str| {
        let field = format!("feed={name} ");
        logs.all()
            .lines()
            .filter(|l| l.contains("feed failed") && l.contains(&field))
            .count()
    };

    for db in test_databases().await {
        let server = FeedServer::start().await;
        server.set("/good.xml", feed(rss("Good", &good), "application/rss+xml"));
        let mut sources = vec![source("Good feed", server.url("/good.xml"), "en")];
        for (name, path, route, _) in &bad {
            server.set(path, route.clone());
            sources.push(source(name, server.url(path), "en"));
        }
        let config = FetchConfig {
            timeout: TIMEOUT,
            max_bytes: LIMIT,
            ..FetchConfig::default()
        };
        let rig = setup(&db, sources, config).await;
        let logged_before: Vec<usize> = bad.iter().map(|(n, ..)| failures_logged(n)).collect();
        // Opens the store's connections first (a PostgreSQL login costs a lot in a debug
        // build), so that the timings below measure the fetches.
        let warm_up = (0..rig.feeds.sources().len()).map(|_| rig.store.feed_state("warm-up"));
        futures_util::future::join_all(warm_up).await;

        for round in 1..=2u32 {
            let begun = Instant::now();
            let outcome = rig.feeds.step().await;
            let took = begun.elapsed();
            // Two stalled feeds fetched one after the other would need two whole timeouts.
            assert!(
                took < 2 * TIMEOUT,
                "{db}: round {round} took {took:?}: feeds are fetched concurrently"
            );
            assert_eq!(outcome.failed(), bad.len(), "{db}: {outcome:?}");
            match (round, result(&outcome, "Good feed")) {
                (1, Ok(FeedResult::Fetched { new: 1, .. })) => {}
                (2, Ok(FeedResult::NotModified)) => {}
                (_, other) => panic!("{db}: round {round}: the good feed gave {other:?}"),
            }
            let news = rig.all_news().await;
            assert_eq!(titles(&news), ["Good news for clusters"], "{db}");
            assert_eq!(
                rig.state(&server.url("/good.xml")).await.failures,
                0,
                "{db}"
            );

            for (i, (name, path, _, check)) in bad.iter().enumerate() {
                let failure = match result(&outcome, name) {
                    Err(failure) => failure,
                    Ok(ok) => panic!("{db}: {name} did not fail: {ok:?}"),
                };
                assert!(check(failure), "{db}: {name} failed with {failure:?}");
                let state = rig.state(&server.url(path)).await;
                assert_eq!(state.failures, round, "{db}: {name}: {state:?}");
                assert_eq!(state.ok_at, None, "{db}: {name}");
                assert_eq!(state.checked_at, Some(rig.clock.now()), "{db}: {name}");
                let error = state.last_error.unwrap_or_default();
                assert_eq!(error, failure.to_string(), "{db}: {name}");
                assert!(!error.is_empty(), "{db}: {name}");
                // Retried next time: one request per step.
                let requests = server.requests(path).len();
                assert_eq!(requests, round as usize, "{db}: {name}");
                assert_eq!(
                    failures_logged(name) - logged_before[i],
                    round as usize,
                    "{db}: {name} is logged by name once per failed step"
                );
            }
            if round == 1 {
                // The client hung up soon after the limit, and the server noticed: the step
                // lasted a whole timeout longer, time enough to write far more to a reader.
                let written = server.huge_bytes_written("/huge.xml");
                assert!(written > LIMIT, "{db}: {written}");
                assert!(written < HUNG_UP, "{db}: {written}");
            }
            rig.clock.advance(chrono::Duration::minutes(30));
        }
        assert!(
            server.huge_bytes_written("/huge.xml") < 2 * HUNG_UP,
            "{db}: the retry stopped early too"
        );
        assert_eq!(failures_logged("Good feed"), 0, "{db}");
        rig.store.close().await;
    }
}

#[tokio::test]
async fn gzip_feeds_are_read_and_gzip_bombs_refused_by_name() {
    const LIMIT: u64 = 1024 * 1024;
    let logs = logs();
    let packed_items = [Item {
        title: "Packed news for clusters",
        link: "https://eccp.example.org/news/packed",
        guid: Some("packed-1"),
        summary: Some("Sent gzip-encoded."),
        published: "Fri, 20 Nov 2026 09:00:00 +0000",
    }];
    // A valid start, then 16 MiB of spaces: some 16 KiB on the wire, 16 times the limit unpacked.
    let mut bomb = rss("Bomb", &[]).into_bytes();
    bomb.truncate(bomb.len() - "</channel>\n</rss>\n".len());
    bomb.resize(16 * 1024 * 1024, b' ');
    let bomb = gzip(&bomb, "application/rss+xml");
    let Route::Gzip { packed, .. } = &bomb else {
        panic!("{bomb:?}");
    };
    assert!((packed.len() as u64) < LIMIT / 16, "{} bytes", packed.len());
    let bomb_failures = || {
        logs.all()
            .lines()
            .filter(|l| l.contains("feed failed") && l.contains("feed=Bomb feed "))
            .count()
    };

    for db in test_databases().await {
        let server = FeedServer::start().await;
        let body = rss("Packed", &packed_items);
        server.set("/packed.xml", gzip(body.as_bytes(), "application/rss+xml"));
        server.set("/bomb.xml", bomb.clone());
        let sources = vec![
            source("Packed feed", server.url("/packed.xml"), "en"),
            source("Bomb feed", server.url("/bomb.xml"), "en"),
        ];
        let config = FetchConfig {
            max_bytes: LIMIT,
            ..FetchConfig::default()
        };
        let rig = setup(&db, sources, config).await;
        let logged_before = bomb_failures();

        let outcome = rig.feeds.step().await;
        assert_eq!(fetched(&outcome, "Packed feed"), (1, 1, 0), "{db}");
        let news = rig.all_news().await;
        assert_eq!(titles(&news), ["Packed news for clusters"], "{db}");
        assert_eq!(news[0].summary.as_deref(), Some("Sent gzip-encoded."));
        for path in ["/packed.xml", "/bomb.xml"] {
            let accepted = server.requests(path)[0].accept_encoding.clone();
            let accepted = accepted.unwrap_or_default();
            assert!(
                accepted.contains("gzip") && accepted.contains("deflate"),
                "{db}: {path}: {accepted:?}"
            );
        }

        let failure = match result(&outcome, "Bomb feed") {
            Err(failure) => failure,
            Ok(ok) => panic!("{db}: the bomb was read: {ok:?}"),
        };
        assert!(
            matches!(
                failure,
                FeedFailure::Fetch(FetchError::TooLarge { limit: LIMIT })
            ),
            "{db}: {failure:?}"
        );
        let state = rig.state(&server.url("/bomb.xml")).await;
        assert_eq!(state.failures, 1, "{db}");
        assert_eq!(state.last_error, Some(failure.to_string()), "{db}");
        assert_eq!(bomb_failures() - logged_before, 1, "{db}: logged by name");
        rig.store.close().await;
    }
}

#[tokio::test]
async fn relative_links_are_kept_absolute() {
    let rss_items = [
        item("Rooted at the server", "/news/1"),
        item("Next to the feed", "news/2"),
        item("Same scheme, other host", "//eccp.example.org/news/3"),
        item("Already absolute", "https://eccp.example.org/news/4"),
    ];
    let atom_items = [item("Under the feed's xml:base", "assembly?day=2")];
    // xml:base on the feed element is where the Atom entry's relative link starts from.
    let atom_doc = atom("Alliance", &atom_items).replace(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://alliance.example.eu/news/\">",
    );

    for db in test_databases().await {
        let server = FeedServer::start().await;
        server.set(
            "/site/feed.xml",
            feed(rss("ECCP", &rss_items), "application/rss+xml"),
        );
        server.set(
            "/alliance.atom",
            feed(atom_doc.clone(), "application/atom+xml"),
        );
        let sources = vec![
            source("Relative RSS", server.url("/site/feed.xml"), "en"),
            source("Relative Atom", server.url("/alliance.atom"), "en"),
        ];
        let rig = setup(&db, sources, FetchConfig::default()).await;
        let outcome = rig.feeds.step().await;
        assert_eq!(fetched(&outcome, "Relative RSS"), (4, 4, 0), "{db}");
        assert_eq!(fetched(&outcome, "Relative Atom"), (1, 1, 0), "{db}");

        let news = rig.all_news().await;
        let stored: BTreeSet<(&str, &str)> = news
            .iter()
            .map(|i| (i.title.as_str(), i.url.as_str()))
            .collect();
        let (first, second) = (server.url("/news/1"), server.url("/site/news/2"));
        let expected = BTreeSet::from([
            ("Rooted at the server", first.as_str()),
            ("Next to the feed", second.as_str()),
            ("Same scheme, other host", "http://eccp.example.org/news/3"),
            ("Already absolute", "https://eccp.example.org/news/4"),
            (
                "Under the feed's xml:base",
                "https://alliance.example.eu/news/assembly?day=2",
            ),
        ]);
        assert_eq!(stored, expected, "{db}");
        rig.store.close().await;
    }
}

#[tokio::test]
async fn an_iso_8859_1_atom_feed_reaches_a_digest_intact() {
    const TITLES: [&str; 2] = [
        "Événement à Liège : coopération des clusters",
        "Größere Cluster für Köln",
    ];
    let items = [
        Item {
            title: TITLES[0],
            link: "https://liege.example.be/evenement",
            guid: Some("urn:liege:1"),
            summary: Some("Inscriptions ouvertes à tous, même aux non-membres."),
            published: "2026-11-20T08:00:00Z",
        },
        Item {
            title: TITLES[1],
            link: "https://koeln.example.de/cluster",
            guid: Some("urn:koeln:1"),
            summary: None,
            published: "2026-11-20T09:00:00Z",
        },
    ];
    let doc = atom("Actualités", &items).replace("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"");
    // Every character of the document is in Latin-1: one byte each, no UTF-8 anywhere.
    let latin1: Vec<u8> = doc
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect();
    assert!(std::str::from_utf8(&latin1).is_err());

    for db in test_databases().await {
        let app = TestApp::spawn(db, start()).await;
        let c = chat("liege");
        app.say(&c, "/digest daily 9:00").await;
        // The first digest covers what arrives after the subscription (not at the same instant).
        app.clock.advance(chrono::Duration::hours(1));
        let server = FeedServer::start().await;
        server.set(
            "/actualites.atom",
            Route::Bytes {
                body: latin1.clone().into(),
                content_type: "application/atom+xml",
            },
        );
        let feeds = Feeds::new(
            vec![source("Liège news", server.url("/actualites.atom"), "en")],
            FetchConfig::default(),
            app.store.clone(),
            app.clock.clone(),
        )
        .expect("client builds");
        let outcome = feeds.step().await;
        assert_eq!(fetched(&outcome, "Liège news"), (2, 2, 0), "{}", app.db);

        let sent = app
            .run_through(
                start() + chrono::Duration::days(2),
                chrono::Duration::hours(1),
            )
            .await;
        assert_eq!(sent.len(), 1, "{}", app.db);
        let text = sent[0].text();
        for title in TITLES {
            assert!(text.contains(title), "{}: {title} in:\n{text}", app.db);
        }
        assert!(
            text.contains("Inscriptions ouvertes à tous, même aux non-membres."),
            "{}: {text}",
            app.db
        );
        assert!(
            !text.contains('\u{FFFD}') && !text.contains("Ã"),
            "{}: {text}",
            app.db
        );
    }
}

fn item<'a>(title: &'a str, link: &'a str) -> Item<'a> {
    Item {
        title,
        link,
        guid: None,
        summary: None,
        published: "Fri, 20 Nov 2026 09:00:00 +0000",
    }
}

#[tokio::test]
async fn non_http_urls_and_giant_titles() {
    // About a megabyte each: words, and one word without a space to cut at.
    let words = format!("Giant {}", "cluster ".repeat(131_072));
    let one_word = "x".repeat(1024 * 1024);
    let giants = [
        item(&words, "https://eccp.example.org/news/giant"),
        item(&one_word, "https://eccp.example.org/news/giant-word"),
    ];
    // Relative links are resolved (see `relative_links_are_kept_absolute`); these are not links.
    let bad_links = [
        "https://",
        "mailto:news@example.org",
        "data:text/html,<script>alert(1)</script>",
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "https://exa mple.org/news/4",
    ];
    let rss_bad: Vec<Item<'_>> = bad_links
        .iter()
        .map(|link| item("A story without a usable link", link))
        .collect();
    let atom_bad: Vec<Item<'_>> = bad_links
        .iter()
        .map(|link| item("An entry without a usable link", link))
        .collect();
    let mut mixed = rss_bad.clone();
    mixed.push(item(
        "The one good link",
        "https://eccp.example.org/news/ok",
    ));

    for db in test_databases().await {
        let server = FeedServer::start().await;
        server.set(
            "/giant.xml",
            feed(rss("Giant", &giants), "application/rss+xml"),
        );
        server.set("/bad.xml", feed(rss("Bad", &mixed), "application/rss+xml"));
        server.set(
            "/bad.atom",
            feed(atom("Bad", &atom_bad), "application/atom+xml"),
        );
        let sources = vec![
            source("Giant titles", server.url("/giant.xml"), "en"),
            source("Bad links RSS", server.url("/bad.xml"), "en"),
            source("Bad links Atom", server.url("/bad.atom"), "en"),
            // Feed addresses that are not http(s) are refused without any request.
            source("FTP feed", "ftp://127.0.0.1/feed.xml".to_owned(), "en"),
            source("File feed", "file:///etc/passwd".to_owned(), "en"),
            source("Script feed", "javascript:alert(1)".to_owned(), "en"),
        ];
        let rig = setup(&db, sources, FetchConfig::default()).await;
        let outcome = rig.feeds.step().await;

        assert_eq!(fetched(&outcome, "Giant titles"), (2, 2, 0), "{db}");
        assert_eq!(
            fetched(&outcome, "Bad links RSS"),
            (bad_links.len() + 1, 1, bad_links.len()),
            "{db}"
        );
        assert_eq!(
            fetched(&outcome, "Bad links Atom"),
            (bad_links.len(), 0, bad_links.len()),
            "{db}"
        );
        for name in ["FTP feed", "File feed", "Script feed"] {
            assert!(
                matches!(
                    result(&outcome, name),
                    Err(FeedFailure::Fetch(FetchError::BadUrl))
                ),
                "{db}: {name}: {outcome:?}"
            );
        }

        let news = rig.all_news().await;
        let urls: BTreeSet<&str> = news.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            BTreeSet::from([
                "https://eccp.example.org/news/giant",
                "https://eccp.example.org/news/giant-word",
                "https://eccp.example.org/news/ok",
            ]),
            "{db}"
        );
        for item in news.iter().filter(|i| i.url.contains("giant")) {
            let chars = item.title.chars().count();
            assert!(
                chars <= ecabot_core::model::news::MAX_TITLE_CHARS,
                "{db}: {chars} chars"
            );
            assert!(chars > 250, "{db}: cut no more than needed: {chars}");
            assert!(item.title.ends_with('…'), "{db}: {}", item.title);
        }
        let cut_at_word = news.iter().find(|i| i.url.ends_with("/giant")).unwrap();
        assert!(
            cut_at_word.title.starts_with("Giant cluster cluster")
                && cut_at_word.title.ends_with(" cluster…"),
            "{db}: {}",
            cut_at_word.title
        );
        rig.store.close().await;
    }
}

fn draft(
    title: &str,
    url: &str,
    guid: Option<&str>,
    published: Option<DateTime<Utc>>,
) -> NewsDraft {
    NewsDraft::new("Operator", locale("en"), title, url, None, published, guid).unwrap()
}

#[tokio::test]
async fn the_three_identities_deduplicate_in_storage() {
    let day = |d, h, mi| Some(utc(2026, 11, d, h, mi));
    let first = [
        draft(
            "Alpha cluster news",
            "https://example.org/news/alpha",
            Some("g-1"),
            day(20, 9, 0),
        ),
        draft(
            "Beta event",
            "https://example.org/news/beta",
            None,
            day(19, 9, 0),
        ),
        draft("Undated story", "https://example.org/news/c", None, None),
        // Duplicates inside the same batch: the guid of the first, the link of the second.
        draft(
            "Alpha, moved",
            "https://example.org/news/alpha-moved",
            Some("g-1"),
            day(18, 9, 0),
        ),
        draft(
            "Beta event, again",
            "https://Example.ORG/news/beta/?utm_campaign=x&utm_source=y#comments",
            Some("g-2"),
            day(17, 9, 0),
        ),
    ];
    let second = [
        // Duplicates of stored items, each by one identity only.
        draft(
            "Completely different title",
            "https://example.org/other/1",
            Some("g-1"),
            day(10, 9, 0),
        ),
        draft(
            "Yet another title",
            "https://example.org/news/alpha?utm_source=newsletter&utm_medium=email",
            Some("g-3"),
            None,
        ),
        draft(
            "ALPHA – Cluster News!",
            "https://mirror.example.net/alpha",
            Some("g-4"),
            day(20, 23, 59),
        ),
        // Not duplicates: same title another day, a query that is not tracking, two undated
        // items with the same title.
        draft(
            "Alpha cluster news",
            "https://mirror.example.net/alpha-2025",
            Some("g-5"),
            Some(utc(2025, 11, 20, 9, 0)),
        ),
        draft(
            "Beta event",
            "https://example.org/news/beta?page=2",
            None,
            day(21, 6, 0),
        ),
        draft("Undated story", "https://example.org/news/c2", None, None),
    ];

    for db in test_databases().await {
        let store = SqlStore::open(&db.url).await.unwrap();
        let t1 = start();
        let t2 = t1 + chrono::Duration::hours(1);
        let t3 = t2 + chrono::Duration::hours(1);
        let before = t1 - chrono::Duration::seconds(1);

        assert_eq!(store.add_news(&first, t1).await.unwrap(), 3, "{db}");
        assert_eq!(store.add_news(&second, t2).await.unwrap(), 3, "{db}");
        assert_eq!(store.add_news(&first, t3).await.unwrap(), 0, "{db}");
        assert_eq!(store.add_news(&second, t3).await.unwrap(), 0, "{db}");
        assert_eq!(store.add_news(&[], t3).await.unwrap(), 0, "{db}");

        let window = |from: DateTime<Utc>, to: DateTime<Utc>| {
            let store = &store;
            async move { store.news_between(from, to).await.unwrap() }
        };
        let at_t1 = window(before, t1).await;
        assert_eq!(
            titles(&at_t1),
            ["Alpha cluster news", "Beta event", "Undated story"],
            "{db}: in arrival order, the first of each duplicate kept"
        );
        let alpha = &at_t1[0];
        assert_eq!(
            (
                alpha.url.as_str(),
                alpha.source.as_str(),
                alpha.lang.as_str()
            ),
            ("https://example.org/news/alpha", "Operator", "en"),
            "{db}"
        );
        assert_eq!(
            (alpha.published, alpha.summary.as_deref(), alpha.added_at),
            (day(20, 9, 0), None, t1),
            "{db}"
        );
        assert_eq!(at_t1[2].published, None, "{db}");

        let at_t2 = window(t1, t2).await;
        assert_eq!(
            at_t2
                .iter()
                .map(|i| (i.title.as_str(), i.url.as_str()))
                .collect::<Vec<_>>(),
            [
                (
                    "Alpha cluster news",
                    "https://mirror.example.net/alpha-2025"
                ),
                ("Beta event", "https://example.org/news/beta?page=2"),
                ("Undated story", "https://example.org/news/c2"),
            ],
            "{db}: `from` is exclusive, `to` inclusive"
        );
        assert!(at_t2.iter().all(|i| i.added_at == t2), "{db}");
        assert!(at_t1[2].id < at_t2[0].id, "{db}: ids grow with arrival");

        assert_eq!(window(before, t3).await.len(), 6, "{db}");
        assert_eq!(window(before, t2).await.len(), 6, "{db}");
        assert!(
            window(t2, t3).await.is_empty(),
            "{db}: a repeat keeps the first arrival time"
        );
        assert!(window(t1, t1).await.is_empty(), "{db}");
        assert_eq!(window(t2 - chrono::Duration::seconds(1), t2).await.len(), 3);
        assert!(
            window(before - chrono::Duration::days(1), before)
                .await
                .is_empty()
        );

        // A guid is only an identity within its feed: another feed's post "g-1" is news.
        let elsewhere = NewsDraft::new(
            "Another feed",
            locale("en"),
            "Gamma from elsewhere",
            "https://elsewhere.example.com/posts/1",
            None,
            day(21, 7, 0),
            Some("g-1"),
        )
        .unwrap();
        assert_eq!(store.add_news(&[elsewhere], t3).await.unwrap(), 1, "{db}");
        assert_eq!(window(t2, t3).await.len(), 1, "{db}");

        // Feeds run concurrently: the same story offered at once by many is still stored once.
        let t4 = t3 + chrono::Duration::hours(1);
        let store = Arc::new(store);
        let racers: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                let story = draft(
                    "Simultaneous story",
                    &format!("https://example.org/news/simultaneous?utm_source=feed{i}"),
                    Some(&format!("race-{i}")),
                    day(21, 7, 0),
                );
                tokio::spawn(async move { store.add_news(&[story], t4).await.unwrap() })
            })
            .collect();
        let mut added = 0;
        for racer in racers {
            added += racer.await.unwrap();
        }
        assert_eq!(added, 1, "{db}");
        assert_eq!(store.news_between(t3, t4).await.unwrap().len(), 1, "{db}");
        store.close().await;
    }
}
