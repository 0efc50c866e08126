//! A delivery worker killed with SIGKILL while it holds an outbox entry. The test re-runs this
//! test binary as the worker (`crash_child`), kills it at a chosen point, restarts delivery in
//! this process, and counts what reached the "platform" (a file the child appends to, plus the
//! recording sender here).
//!
//! - killed after claiming, before sending: delivered once, after the lease runs out;
//! - killed after sending, before marking: delivered twice. This is the one window no outbox
//!   can close without the platform's help (the message left, the record of it did not);
//!   adapters narrow it further with platform de-duplication (Discord's `nonce`);
//! - killed after marking: delivered once, never again;
//! - not killed, but the database refuses the mark after the send: the worker keeps the mark
//!   and writes it when the database is back, before claiming more, so nothing is sent twice.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
    time::{Duration as StdDuration, Instant},
};

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecabot_core::ports::Outbox;
use ecabot_core::ports::SendError;
use ecabot_core::ports::Sender;
use ecabot_core::{ChatRef, Courier, EntryState, OutboxKey, Response};
use ecabot_tests::{TestApp, TestDatabase, chat, test_databases};

const MODE: &str = "ECABOT_CRASH_MODE";
const DB: &str = "ECABOT_CRASH_DB";
const AT: &str = "ECABOT_CRASH_AT";
const DIR: &str = "ECABOT_CRASH_DIR";

/// Where the child stops for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    BeforeSend,
    AfterSend,
    AfterMark,
}

impl Point {
    fn name(self) -> &'static str {
        match self {
            Point::BeforeSend => "before-send",
            Point::AfterSend => "after-send",
            Point::AfterMark => "after-mark",
        }
    }
}

/// The child's platform: appends each message to `delivered` and signals `reached` when the
/// worker is where it should be killed, then never returns.
struct Doomed {
    point: Point,
    dir: PathBuf,
}

impl Doomed {
    fn signal(&self) {
        std::fs::write(self.dir.join("reached"), b"1").expect("signal file");
    }
}

#[async_trait::async_trait]
impl Sender for Doomed {
    async fn send(
        &self,
        chat: &ChatRef,
        response: &Response,
        _key: &OutboxKey,
    ) -> Result<(), SendError> {
        if self.point == Point::BeforeSend {
            self.signal();
            std::future::pending::<()>().await;
        }
        append(
            &self.dir.join("delivered"),
            &format!("{chat}\t{}", response.plain_text()),
        );
        if self.point == Point::AfterSend {
            self.signal();
            std::future::pending::<()>().await;
        }
        Ok(())
    }
}

fn append(path: &Path, line: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open the delivery log");
    writeln!(f, "{}", line.replace('\n', " ")).expect("write the delivery log");
    f.sync_all().expect("sync");
}

/// The test that is the worker process: started by the stories below in a child process, never
/// run on its own (hence ignored: a run of the suite does not count it as a test that passed).
const CHILD: &str = "crash::crash_child";

/// The worker process. Does nothing unless started by `killed_workers_…` below.
#[tokio::test]
#[ignore = "the worker process of the crash stories; they start it"]
async fn crash_child() {
    let (Ok(mode), Ok(url), Ok(at), Ok(dir)) = (
        std::env::var(MODE),
        std::env::var(DB),
        std::env::var(AT),
        std::env::var(DIR),
    ) else {
        return;
    };
    let point = [Point::BeforeSend, Point::AfterSend, Point::AfterMark]
        .into_iter()
        .find(|p| p.name() == mode)
        .expect("a known mode");
    let at: DateTime<Utc> = at.parse().expect("an RFC 3339 instant");
    let app = TestApp::spawn(TestDatabase::existing(&url), at).await;
    let doomed = Arc::new(Doomed {
        point,
        dir: PathBuf::from(&dir),
    });
    let courier = Courier::new(app.bot.clone(), "child").with_sender("test", doomed.clone());
    let outcome = courier.step().await.expect("a delivery step");
    assert_eq!(outcome.sent, 1);
    doomed.signal();
    std::future::pending::<()>().await;
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// Runs the child until it reaches `point`, then kills it with SIGKILL.
fn run_and_kill(url: &str, at: DateTime<Utc>, point: Point, dir: &Path) {
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            CHILD,
            "--ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(MODE, point.name())
        .env(DB, url)
        .env(AT, at.to_rfc3339())
        .env(DIR, dir)
        .spawn()
        .expect("the child starts");
    let reached = dir.join("reached");
    let started = Instant::now();
    while !reached.exists() {
        if let Some(status) = child.try_wait().expect("child status") {
            panic!("the child exited early ({status}) instead of reaching {point:?}");
        }
        assert!(
            started.elapsed() < StdDuration::from_secs(120),
            "the child never reached {point:?}"
        );
        std::thread::sleep(StdDuration::from_millis(20));
    }
    // SIGKILL: no destructors, no flushing, no goodbye.
    child.kill().expect("kill");
    child.wait().expect("reap");
}

#[tokio::test]
async fn killed_workers_lose_nothing_and_repeat_only_in_the_send_window() {
    for point in [Point::BeforeSend, Point::AfterSend, Point::AfterMark] {
        for db in test_databases().await {
            let moment = utc(2027, 3, 8, 16, 0);
            let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
            app.import_toml(
                "[[call]]\nid = \"crash\"\nkind = \"call\"\nzone = \"Europe/Brussels\"\ndeadline = \"2027-03-15T17:00\"\ntitle.en = \"Crash test call\"\n",
            )
            .await;
            let me = chat("crash");
            app.say(&me, "/subscribe").await;
            app.scheduler.tick().await.unwrap();
            app.clock.set(moment);
            let planned = app.scheduler.tick().await.unwrap();
            assert_eq!(planned.planned, 1);

            let dir = tempfile::tempdir().unwrap();
            run_and_kill(&app.db.url, moment, point, dir.path());
            let by_child = std::fs::read_to_string(dir.path().join("delivered"))
                .unwrap_or_default()
                .lines()
                .count();

            // "Restart": this process delivers from the same database.
            let entries = app.store.entries(Some(&me)).await.unwrap();
            let expected_state = match point {
                Point::AfterMark => EntryState::Sent,
                _ => EntryState::Pending,
            };
            assert_eq!(entries[0].state, expected_state, "{point:?} {}", app.db);
            // While the dead worker's lease lasts, nobody takes the entry...
            let during = app.run_at(moment + Duration::minutes(1)).await;
            assert!(during.is_empty(), "{point:?} {}: lease respected", app.db);
            // ...then it is delivered (unless it was already marked sent).
            let after = app.run_at(moment + Duration::minutes(3)).await;
            let total = by_child + after.len();
            let expected_total = match point {
                Point::BeforeSend | Point::AfterMark => 1,
                Point::AfterSend => 2,
            };
            assert_eq!(
                total,
                expected_total,
                "{point:?} {}: child sent {by_child}, restart sent {}",
                app.db,
                after.len()
            );
            let entries = app.store.entries(Some(&me)).await.unwrap();
            assert_eq!(entries.len(), 1);
            assert_eq!(entries[0].state, EntryState::Sent);
            let later = app.run_at(moment + Duration::hours(1)).await;
            assert!(later.is_empty(), "never again afterwards");
        }
    }
}

/// An outbox whose `finish` fails while `down` is set: the database going away between a send
/// and its mark.
struct Flaky {
    inner: Arc<ecabot_store::SqlStore>,
    down: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl Outbox for Flaky {
    async fn enqueue(
        &self,
        entries: &[ecabot_core::NewEntry],
    ) -> Result<usize, ecabot_core::ports::StoreError> {
        self.inner.enqueue(entries).await
    }
    async fn claim(
        &self,
        scopes: &[&str],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
        token: &str,
    ) -> Result<Vec<ecabot_core::Entry>, ecabot_core::ports::StoreError> {
        self.inner.claim(scopes, now, until, limit, token).await
    }
    async fn finish(
        &self,
        id: i64,
        token: &str,
        finish: &ecabot_core::Finish,
        now: DateTime<Utc>,
    ) -> Result<bool, ecabot_core::ports::StoreError> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(ecabot_core::ports::StoreError::Unavailable(
                "connection refused".into(),
            ));
        }
        self.inner.finish(id, token, finish, now).await
    }
    async fn cancel_pending(
        &self,
        chat: &ChatRef,
        call: Option<&ecabot_core::model::call::CallId>,
        now: DateTime<Utc>,
    ) -> Result<u64, ecabot_core::ports::StoreError> {
        self.inner.cancel_pending(chat, call, now).await
    }
    async fn entries(
        &self,
        chat: Option<&ChatRef>,
    ) -> Result<Vec<ecabot_core::Entry>, ecabot_core::ports::StoreError> {
        self.inner.entries(chat).await
    }
    async fn stats(
        &self,
        now: DateTime<Utc>,
    ) -> Result<ecabot_core::OutboxStats, ecabot_core::ports::StoreError> {
        self.inner.stats(now).await
    }
}

/// The database fails the mark of a message that was sent: the worker keeps the mark and writes
/// it when the database answers again, before claiming anything, so the message is not sent a
/// second time once the lease runs out (as it would be after a crash).
#[tokio::test]
async fn a_mark_the_database_refused_is_written_later_not_resent() {
    for db in test_databases().await {
        let moment = utc(2027, 3, 8, 16, 0);
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        app.import_toml(
            "[[call]]\nid = \"flaky\"\nkind = \"call\"\nzone = \"Europe/Brussels\"\ndeadline = \"2027-03-15T17:00\"\ntitle.en = \"Flaky database call\"\n",
        )
        .await;
        let me = chat("flaky");
        app.say(&me, "/subscribe").await;
        app.scheduler.tick().await.unwrap();
        app.clock.set(moment);
        assert_eq!(app.scheduler.tick().await.unwrap().planned, 1);

        let flaky = Arc::new(Flaky {
            inner: app.store.clone(),
            down: true.into(),
        });
        let bot = Arc::new(ecabot_core::Bot::new(
            ecabot_tests::knowledge(),
            app.store.clone(),
            flaky.clone(),
            app.clock.clone(),
            ecabot_core::Locale::ENGLISH,
        ));
        let courier = Courier::new(bot, "flaky").with_sender("test", app.sender.clone());
        assert!(courier.step().await.is_err(), "{}: the mark failed", app.db);
        assert_eq!(app.sender.sent().len(), 1, "{}", app.db);
        // Still down: the kept mark fails again and nothing new is claimed or sent.
        app.clock.set(moment + Duration::seconds(30));
        assert!(courier.step().await.is_err());
        assert_eq!(app.sender.sent().len(), 1);

        flaky.down.store(false, std::sync::atomic::Ordering::SeqCst);
        app.clock.set(moment + Duration::minutes(5));
        let outcome = courier.step().await.expect("the database is back");
        assert_eq!(outcome.claimed, 0, "{}: marked before claiming", app.db);
        let entries = app.store.entries(Some(&me)).await.unwrap();
        assert_eq!(entries[0].state, EntryState::Sent, "{}", app.db);
        assert_eq!(app.sender.take().len(), 1, "{}", app.db);
        let later = app.run_at(moment + Duration::hours(1)).await;
        assert!(later.is_empty(), "{}: never sent twice", app.db);
    }
}

/// A platform so slow that each send takes 100 s of the test clock.
struct Slow {
    clock: Arc<ecabot_core::ports::ManualClock>,
    sent: std::sync::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl Sender for Slow {
    async fn send(
        &self,
        chat: &ChatRef,
        _response: &Response,
        key: &OutboxKey,
    ) -> Result<(), SendError> {
        self.sent.lock().unwrap().push(format!("{chat} {key}"));
        self.clock.advance(Duration::seconds(100));
        Ok(())
    }
}

/// A batch that outlasts three quarters of its 2-minute lease sends nothing more: the rest is
/// released for the next claim instead of racing a worker that may take it over at the end.
#[tokio::test]
async fn nothing_is_sent_in_the_last_quarter_of_a_lease() {
    for db in test_databases().await {
        let moment = utc(2027, 3, 8, 16, 0);
        let app = TestApp::spawn(db, utc(2027, 3, 1, 9, 0)).await;
        for id in ["slow-a", "slow-b"] {
            app.import_toml(&format!(
                "[[call]]\nid = \"{id}\"\nkind = \"call\"\nzone = \"Europe/Brussels\"\ndeadline = \"2027-03-15T17:00\"\ntitle.en = \"Slow call {id}\"\n"
            ))
            .await;
        }
        let me = chat("slow");
        app.say(&me, "/subscribe").await;
        app.scheduler.tick().await.unwrap();
        app.clock.set(moment);
        assert_eq!(app.scheduler.tick().await.unwrap().planned, 2);

        let slow = Arc::new(Slow {
            clock: app.clock.clone(),
            sent: Default::default(),
        });
        let courier = Courier::new(app.bot.clone(), "slow").with_sender("test", slow.clone());
        let first = courier.step().await.unwrap();
        assert_eq!(
            (first.claimed, first.sent, first.retried),
            (2, 1, 1),
            "{}",
            app.db
        );
        let second = courier.step().await.unwrap();
        assert_eq!(
            (second.claimed, second.sent),
            (1, 1),
            "{}: released, then sent",
            app.db
        );
        let sent = slow.sent.lock().unwrap().clone();
        assert_eq!(sent.len(), 2, "{}", app.db);
        assert_ne!(sent[0], sent[1], "{}: each reminder once", app.db);
        let entries = app.store.entries(Some(&me)).await.unwrap();
        assert!(
            entries.iter().all(|e| e.state == EntryState::Sent),
            "{}",
            app.db
        );
    }
}
