//! Shared harness for ecabot's integration and end-to-end suites.

pub mod discord;
pub mod fake_discord;
pub mod fake_telegram;
pub mod feed_server;
pub mod fleet;
pub mod logs;
pub mod measure;
pub mod pg_proxy;
pub mod slow_store;
pub mod telegram;

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use ecabot_core::CallStore;
use ecabot_core::Store;
use ecabot_core::delivery::courier::DeliveryOutcome;
use ecabot_core::model::call::ImportReport;
use ecabot_core::ports::Clock;
use ecabot_core::ports::ManualClock;
use ecabot_core::ports::SendError;
use ecabot_core::ports::Sender;
use ecabot_core::ports::SystemClock;
use ecabot_core::{
    Action, Bot, ChatRef, Courier, Knowledge, Locale, OutboxKey, Request, Response, Scheduler,
};
use ecabot_store::SqlStore;

/// One scheduler tick, then delivery steps until nothing is due; what they did, summed.
pub async fn tick_and_deliver(scheduler: &Scheduler, courier: &Courier) -> DeliveryOutcome {
    scheduler.tick().await.expect("tick");
    let mut total = DeliveryOutcome::default();
    loop {
        let outcome = courier.step().await.expect("delivery step");
        if outcome.claimed == 0 {
            return total;
        }
        total.claimed += outcome.claimed;
        total.sent += outcome.sent;
        total.retried += outcome.retried;
        total.failed += outcome.failed;
        total.dropped += outcome.dropped;
        total.cancelled += outcome.cancelled;
        total.lost += outcome.lost;
    }
}

/// A call in the TOML form of `ecabot calls import`, English title, Brussels time.
pub fn call_toml(id: &str, title: &str, deadline: &str) -> String {
    format!(
        "[[call]]\nid = \"{id}\"\nkind = \"call\"\nzone = \"Europe/Brussels\"\ndeadline = \"{deadline}\"\ntitle.en = {title:?}\n"
    )
}

/// A real outbox key that carries a story's label (a call-id-shaped word), so storage stories can
/// name their entries and read the names back with [`label_of`].
pub fn labelled_key(label: &str) -> OutboxKey {
    OutboxKey::Snoozed {
        chat: "console:label".parse().unwrap(),
        call: ecabot_core::CallId::parse(label).expect("a label is shaped like a call id"),
        version: 1,
        at: chrono::DateTime::UNIX_EPOCH,
    }
}

/// The label of a key made by [`labelled_key`].
pub fn label_of(key: &OutboxKey) -> &str {
    match key {
        OutboxKey::Snoozed { call, .. } => call.as_str(),
        other => panic!("{other} is not a labelled key"),
    }
}

/// Every Rust file under `dir`, however deep, in no particular order.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// The workspace root (for data files and the built binary).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The embedded knowledge, loaded once per test binary as the binary loads it.
pub fn knowledge() -> Arc<Knowledge> {
    static K: std::sync::OnceLock<Arc<Knowledge>> = std::sync::OnceLock::new();
    K.get_or_init(|| ecabot::knowledge().expect("locale files load"))
        .clone()
}

/// The configuration of a bot started with no file and an empty environment: the defaults.
pub fn default_config() -> ecabot::Config {
    struct NoEnv;
    impl ecabot::Env for NoEnv {
        fn var(&self, _name: &str) -> Option<String> {
            None
        }
    }
    ecabot::Config::load(None, &NoEnv).expect("the defaults are a valid configuration")
}

pub fn locale(tag: &str) -> Locale {
    Locale::parse(tag).expect("valid tag")
}

/// A bot on a fresh in-memory SQLite database, English default, real clock.
pub async fn memory_bot() -> Bot {
    let store = SqlStore::memory().await.expect("in-memory SQLite opens");
    bot_with(Arc::new(store))
}

/// A bot on the given store, wired as the binary wires it (default configuration, real clock).
pub fn bot_with(store: Arc<SqlStore>) -> Bot {
    ecabot::bot(knowledge(), store, Arc::new(SystemClock), &default_config())
}

/// Everything a sender was asked to send, with the (test) time it was sent at.
#[derive(Debug, Clone)]
pub struct Sent {
    pub chat: ChatRef,
    pub at: DateTime<Utc>,
    pub response: Response,
}

impl Sent {
    pub fn text(&self) -> String {
        self.response.plain_text()
    }
}

/// How a [`RecordingSender`] answers the next sends.
#[derive(Debug, Clone)]
pub enum Script {
    Ok,
    Transient(Option<std::time::Duration>),
    Permanent,
}

/// A [`Sender`] that records what it is given and fails on request.
pub struct RecordingSender {
    clock: Arc<ManualClock>,
    sent: Mutex<Vec<Sent>>,
    script: Mutex<std::collections::VecDeque<Script>>,
}

impl RecordingSender {
    pub fn new(clock: Arc<ManualClock>) -> RecordingSender {
        RecordingSender {
            clock,
            sent: Mutex::default(),
            script: Mutex::default(),
        }
    }

    /// Queues outcomes for the next sends (after them, sends succeed).
    pub fn then(&self, outcomes: impl IntoIterator<Item = Script>) {
        self.script.lock().unwrap().extend(outcomes);
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    /// Takes what was sent so far.
    pub fn take(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }
}

#[async_trait::async_trait]
impl Sender for RecordingSender {
    async fn send(
        &self,
        chat: &ChatRef,
        response: &Response,
        _key: &OutboxKey,
    ) -> Result<(), SendError> {
        let next = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Script::Ok);
        match next {
            Script::Ok => {
                self.sent.lock().unwrap().push(Sent {
                    chat: chat.clone(),
                    at: self.clock.now(),
                    response: response.clone(),
                });
                Ok(())
            }
            Script::Transient(retry_after) => Err(SendError::Transient {
                reason: "scripted failure".into(),
                retry_after,
            }),
            Script::Permanent => Err(SendError::Permanent {
                reason: "scripted: bot blocked".into(),
            }),
        }
    }
}

/// The whole core on a real database with a test clock and a recording sender for chats of
/// scope `test`: the spawn-app of this suite.
pub struct TestApp {
    pub db: TestDatabase,
    pub store: Arc<SqlStore>,
    pub clock: Arc<ManualClock>,
    pub bot: Arc<Bot>,
    pub sender: Arc<RecordingSender>,
    pub scheduler: Scheduler,
    pub courier: Courier,
}

impl TestApp {
    /// Opens `db` (migrations run), seeds the shipped calls, and sets the clock to `start`.
    pub async fn spawn(db: TestDatabase, start: DateTime<Utc>) -> TestApp {
        let store = Arc::new(SqlStore::open(&db.url).await.expect("database opens"));
        let clock = Arc::new(ManualClock::new(start));
        ecabot::seed_calls(store.as_ref(), start)
            .await
            .expect("seeds import");
        let bot = Arc::new(ecabot::bot(
            knowledge(),
            store.clone(),
            clock.clone(),
            &default_config(),
        ));
        let sender = Arc::new(RecordingSender::new(clock.clone()));
        let scheduler = Scheduler::new(store.clone(), store.clone(), clock.clone());
        let courier = Courier::new(bot.clone(), "test").with_sender("test", sender.clone());
        TestApp {
            db,
            store,
            clock,
            bot,
            sender,
            scheduler,
            courier,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Says `text` in `chat` (hint: English).
    pub async fn say(&self, chat: &ChatRef, text: &str) -> Response {
        self.say_in(chat, "en", text).await
    }

    pub async fn say_in(&self, chat: &ChatRef, hint: &str, text: &str) -> Response {
        self.bot
            .handle(Request::text(chat.clone(), text).with_hint(Some(hint.to_owned())))
            .await
    }

    /// Presses a button.
    pub async fn press(&self, chat: &ChatRef, action: Action) -> Response {
        self.bot
            .handle(Request::action(chat.clone(), action).with_hint(Some("en".into())))
            .await
    }

    /// Imports calls from a file in `tests/data`.
    pub async fn import(&self, file: &str) -> ImportReport {
        let path = workspace_root().join("tests/data").join(file);
        let bytes = std::fs::read(&path).expect("test data exists");
        let drafts =
            ecabot_core::formats::import::parse_file(file, &bytes).expect("test data parses");
        self.store
            .import_calls(&drafts, self.now())
            .await
            .expect("import")
    }

    /// Imports calls written in the TOML form.
    pub async fn import_toml(&self, toml: &str) -> ImportReport {
        let drafts = ecabot_core::formats::import::parse_toml(toml).expect("test TOML parses");
        self.store
            .import_calls(&drafts, self.now())
            .await
            .expect("import")
    }

    /// One scheduler tick and deliveries until nothing more is due; returns what was sent.
    pub async fn run(&self) -> Vec<Sent> {
        tick_and_deliver(&self.scheduler, &self.courier).await;
        self.sender.take()
    }

    /// Moves the clock to `to` and runs there.
    pub async fn run_at(&self, to: DateTime<Utc>) -> Vec<Sent> {
        self.clock.set(to);
        self.run().await
    }

    /// Moves the clock forward in `step`s up to `to`, running at every step; returns everything
    /// sent on the way.
    pub async fn run_through(&self, to: DateTime<Utc>, step: chrono::Duration) -> Vec<Sent> {
        let mut sent = Vec::new();
        while self.now() < to {
            let next = (self.now() + step).min(to);
            sent.extend(self.run_at(next).await);
        }
        sent
    }
}

pub fn chat(id: &str) -> ChatRef {
    ChatRef::new("test", id).expect("valid chat")
}

/// Asks `text` in a fresh chat with `hint` as the platform language.
pub async fn ask(bot: &Bot, hint: &str, text: &str) -> Response {
    bot.handle(Request::text(chat("ask"), text).with_hint(Some(hint.to_owned())))
        .await
}

/// The `ecabot` binary, built on demand when the test run did not build it.
pub fn ecabot_binary() -> PathBuf {
    let root = workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let profile_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| target.join("debug"));
    let binary = profile_dir.join("ecabot");
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = std::process::Command::new(cargo);
        cmd.current_dir(&root)
            .args(["build", "--quiet", "-p", "ecabot", "--bin", "ecabot"]);
        if profile_dir.ends_with("release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building the ecabot binary failed");
    });
    binary
}

/// A fresh database for one test: a SQLite file in a temporary directory, or a new database on
/// the PostgreSQL server named by `ECABOT_TEST_POSTGRES_URL`.
pub struct TestDatabase {
    pub url: String,
    pub backend: ecabot_store::Backend,
    _dir: Option<tempfile::TempDir>,
}

impl std::fmt::Display for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.backend)
    }
}

impl TestDatabase {
    pub async fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("ecabot.db").display()
        );
        TestDatabase {
            url,
            backend: ecabot_store::Backend::Sqlite,
            _dir: Some(dir),
        }
    }

    /// A database another process made (a child in a crash test): not removed by this handle.
    pub fn existing(url: &str) -> TestDatabase {
        TestDatabase {
            url: url.to_owned(),
            backend: url.parse().expect("a sqlite: or postgres: URL"),
            _dir: None,
        }
    }

    /// A new, empty database on the server at `admin_url`.
    pub async fn postgres(admin_url: &str) -> TestDatabase {
        use sqlx::Connection;
        let name = format!(
            "ecabot_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let mut conn = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("ECABOT_TEST_POSTGRES_URL is reachable");
        // Databases of earlier test processes that have exited are left-overs: drop them.
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE 'ecabot_test_%'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default();
        for db in stale {
            let pid = db
                .trim_start_matches("ecabot_test_")
                .split('_')
                .next()
                .unwrap_or_default();
            let alive = !pid.is_empty() && std::path::Path::new("/proc").join(pid).exists();
            if !alive && db.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db}"))
                    .execute(&mut conn)
                    .await;
            }
        }
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut conn)
            .await
            .expect("drop");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create database");
        conn.close().await.ok();
        let (base, query) = admin_url
            .split_once('?')
            .map(|(b, q)| (b, format!("?{q}")))
            .unwrap_or((admin_url, String::new()));
        let server = base
            .rsplit_once('/')
            .map(|(s, _)| s)
            .filter(|s| !s.ends_with('/'))
            .unwrap_or(base);
        TestDatabase {
            url: format!("{server}/{name}{query}"),
            backend: ecabot_store::Backend::Postgres,
            _dir: None,
        }
    }

    /// Runs raw SQL against the database, bypassing the store (to plant bad data).
    pub async fn execute(&self, sql: &str) {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.url)
            .await
            .expect("connect");
        sqlx::query(sql)
            .execute(&mut conn)
            .await
            .expect("raw SQL runs");
        conn.close().await.ok();
    }
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The PostgreSQL server of `ECABOT_TEST_POSTGRES_URL`, or `None` to run on SQLite only. With
/// `ECABOT_TEST_REQUIRE_POSTGRES` set (CI sets it) a missing URL fails the story instead, so no
/// storage story can quietly lose its PostgreSQL half; a server that does not answer fails it
/// when the story connects.
pub fn postgres_url() -> Option<String> {
    match std::env::var("ECABOT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("ECABOT_TEST_REQUIRE_POSTGRES").is_none(),
                "ECABOT_TEST_REQUIRE_POSTGRES is set but ECABOT_TEST_POSTGRES_URL is not"
            );
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                eprintln!("ECABOT_TEST_POSTGRES_URL is not set: storage stories run on SQLite only")
            });
            None
        }
    }
}

/// The databases every storage test runs on: SQLite always, PostgreSQL when configured.
pub async fn test_databases() -> Vec<TestDatabase> {
    let mut dbs = vec![TestDatabase::sqlite().await];
    if let Some(url) = postgres_url() {
        dbs.push(TestDatabase::postgres(&url).await);
    }
    dbs
}

/// Writes `count` English chats `tg:<first + i>`, each subscribed to everything, straight into
/// the database at `url`: bulk setup for benchmarks, 500 rows per statement.
pub async fn seed_subscribers(url: &str, count: usize, first: usize) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let mut tx = conn.begin().await.expect("begin");
    for chunk in (first..first + count).collect::<Vec<_>>().chunks(500) {
        let chats: Vec<String> = chunk
            .iter()
            .map(|i| format!("('tg:{i}', 'en', 0, 0)"))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO chats (chat, locale, created_at, updated_at) VALUES {}",
            chats.join(",")
        ))
        .execute(&mut *tx)
        .await
        .expect("chats");
        let subs: Vec<String> = chunk
            .iter()
            .map(|i| format!("('tg:{i}', 'all', 0)"))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO subscriptions (chat, target, since) VALUES {}",
            subs.join(",")
        ))
        .execute(&mut *tx)
        .await
        .expect("subscriptions");
    }
    tx.commit().await.expect("commit");
    conn.close().await.ok();
}

/// The title of story `i` in [`fetch_stories`], as the feed has it and as readers see it:
/// long, with markup characters (`&`, `<`) and non-ASCII letters, so digests built from it
/// need splitting and escaping.
pub fn story_title(i: usize) -> String {
    format!(
        "Story {i}: R&D matchmaking in Łódź, Tampere and Köln – 3 < 5 {}",
        "partners wanted for green and digital transition projects ".repeat(2)
    )
    .trim_end()
    .to_owned()
}

/// Serves an English RSS feed "ECCP news" of `n` stories at `/news.xml` on a new
/// [`feed_server::FeedServer`] and fetches it once through the real feed client into `store`
/// at the clock's time. Returns the server (keep it alive while it matters) and the new count.
pub async fn fetch_stories(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    n: usize,
) -> (feed_server::FeedServer, usize) {
    let server = feed_server::FeedServer::start().await;
    let titles: Vec<String> = (1..=n).map(story_title).collect();
    let links: Vec<String> = (1..=n)
        .map(|i| format!("https://www.clustercollaboration.eu/news/story-{i}?utm_source=rss"))
        .collect();
    let published = clock.now().to_rfc2822();
    let items: Vec<feed_server::Item<'_>> = (0..n)
        .map(|i| feed_server::Item {
            title: &titles[i],
            link: &links[i],
            guid: None,
            summary: Some("<p>Read <i>more</i> &amp; apply.</p>"),
            published: &published,
        })
        .collect();
    server.set(
        "/news.xml",
        feed_server::Route::Feed {
            body: feed_server::rss("ECCP news", &items),
            content_type: "application/rss+xml",
            last_modified: "Sat, 21 Nov 2026 08:00:00 GMT",
        },
    );
    let source = ecabot_feeds::FeedSource {
        name: "ECCP news".into(),
        url: server.url("/news.xml"),
        lang: Locale::ENGLISH,
    };
    let feeds = ecabot_feeds::Feeds::new(
        vec![source],
        ecabot_feeds::FetchConfig::default(),
        store,
        clock,
    )
    .expect("a feed client");
    let outcome = feeds.step().await;
    assert_eq!(outcome.failed(), 0, "{outcome:?}");
    let new = outcome.new_items();
    (server, new)
}
