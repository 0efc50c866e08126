//! ecabot's storage: the core's [`Store`] and [`Outbox`](ecabot_core::ports::Outbox) ports on sqlx.
//!
//! One code path serves both engines through `sqlx::Any`: instants are stored as Unix seconds,
//! booleans as 0/1, typed values (zones, lead times, targets, notices) in their canonical text
//! form, and queries stay within the SQL both speak. Each engine has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`), embedded in the binary and run on connect, so a
//! fresh SQLite file appears on first run with nothing to set up.
//!
//! - `chats.rs`: chat settings, subscriptions, dismissals, subscribers, scheduler state.
//! - `calls.rs`: the call catalogue and its import.
//! - `news.rs`: news items for digests and the state of each feed.
//! - `outbox.rs`: the delivery outbox (enqueue, claim under a lease, finish).

mod calls;
mod chats;
mod copy;
mod news;
mod outbox;
mod pace;

pub use copy::{CopyError, CopyReport, copy_database};
pub use pace::{GUARD as PACE_GUARD, SqlPace};

use std::{path::Path, str::FromStr, time::Duration};

use chrono::{DateTime, Utc};
use ecabot_core::model::call::Call;
use ecabot_core::model::call::CallDraft;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::ImportReport;
use ecabot_core::model::call::LeadTimes;
use ecabot_core::model::call::QuietHours;
use ecabot_core::model::call::Subscription;
use ecabot_core::model::call::Target;
use ecabot_core::model::call::Zone;
use ecabot_core::ports::StoreError;
use ecabot_core::{
    CallStore, ChatPrefs, ChatRef, ChatStore, DigestPlan, FeedState, Locale, NewsDraft, NewsItem,
    NewsStore, PlanStore, Subscriber,
};
use sqlx::{
    Any, AnyPool, Executor, Transaction,
    any::{AnyPoolOptions, install_default_drivers},
};

/// Which engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL {0} (use sqlite:// or postgres://)")]
    Scheme(String),
    #[error("could not open the database at {url}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not bring the database at {url} up to date")]
    Migrate {
        url: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("could not create the data directory {path}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The URL with any password replaced, for logs and errors.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest
        .split_once('/')
        .map(|(a, t)| (a, format!("/{t}")))
        .unwrap_or((rest, String::new()));
    let tail = match tail.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => tail,
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => format!("{scheme}://{authority}{tail}"),
    }
}

impl FromStr for Backend {
    type Err = OpenError;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(OpenError::Scheme(redact_url(url)))
        }
    }
}

/// The SQLite URL of the default database file in `data_dir`, creating the directory.
pub fn default_sqlite_url(data_dir: &Path) -> Result<String, OpenError> {
    std::fs::create_dir_all(data_dir).map_err(|source| OpenError::DataDir {
        path: data_dir.display().to_string(),
        source,
    })?;
    Ok(format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("ecabot.db").display()
    ))
}

/// The sqlx-backed store.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

fn backend_error(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(Box::new(e))
}

/// The wall clock, for bookkeeping columns (`created_at`, `updated_at`) only.
fn wall_clock() -> i64 {
    Utc::now().timestamp()
}

/// An instant as stored: Unix seconds.
fn secs(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// A stored instant back, or `Corrupt` naming what it belongs to.
fn instant(secs: i64, what: &dyn std::fmt::Display) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| StoreError::Corrupt(format!("{what}: {secs} is not an instant")))
}

/// The `VALUES` list of a many-row insert: `rows` tuples of `columns` numbered placeholders,
/// numbering from `$offset + 1`, each tuple ending with `tail` (shared values such as `, $1`).
fn value_rows(rows: usize, columns: usize, offset: usize, tail: &str) -> String {
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = (1..=columns)
                .map(|c| format!("${}", offset + row * columns + c))
                .collect();
            format!("({}{tail})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a SQLite URL names an in-memory database, which lives as long as its connection.
fn is_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

impl SqlStore {
    /// Connects and runs pending migrations. `sqlite::memory:` gives a private in-memory
    /// database held by one connection that is never closed, for one-shot use.
    pub async fn open(url: &str) -> Result<SqlStore, OpenError> {
        install_default_drivers();
        let backend: Backend = url.parse()?;
        let memory = backend == Backend::Sqlite && is_memory(url);
        let mut url = url.to_owned();
        if backend == Backend::Sqlite && !memory && !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        let options = if memory {
            // Each connection would see its own empty database: keep exactly one, forever.
            AnyPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
        };
        let options = options
            // A local SQLite file cannot drop a connection the way a network can: pinging it
            // before every query doubled the cost of a question. PostgreSQL keeps the check.
            .test_before_acquire(backend != Backend::Sqlite)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers and a writer work at once; the busy timeout makes
                        // concurrent writers wait instead of failing with "database is locked".
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            });
        let pool = options
            .connect(&url)
            .await
            .map_err(|source| OpenError::Connect {
                url: redact_url(&url),
                source,
            })?;
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("../../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../../migrations/postgres"),
        };
        migrator
            .run(&pool)
            .await
            .map_err(|source| OpenError::Migrate {
                url: redact_url(&url),
                source,
            })?;
        Ok(SqlStore { pool, backend })
    }

    /// A fresh private in-memory SQLite database.
    pub async fn memory() -> Result<SqlStore, OpenError> {
        SqlStore::open("sqlite::memory:").await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answers a trivial query within `timeout` (readiness probes).
    pub async fn ping(&self, timeout: Duration) -> Result<(), StoreError> {
        match tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&self.pool)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(backend_error(e)),
            Err(_) => Err(StoreError::Unavailable(
                format!("no answer within {} ms", timeout.as_millis()).into(),
            )),
        }
    }

    /// The bot-wide budget of `per_sec` messages per second for platform `scope`, shared by
    /// every instance on this database.
    pub fn shared_pace(&self, scope: &str, per_sec: f64) -> SqlPace {
        SqlPace::new(self.clone(), scope, per_sec)
    }

    /// A transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a concurrent writer waits for the busy timeout instead of
    /// failing when a read-then-write transaction tries to upgrade its lock.
    async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
        .map_err(backend_error)
    }
}

#[async_trait::async_trait]
impl ChatStore for SqlStore {
    async fn chat_prefs(&self, chat: &ChatRef) -> Result<ChatPrefs, StoreError> {
        chats::chat_prefs(self, chat).await
    }

    async fn set_chat_locale(
        &self,
        chat: &ChatRef,
        locale: Option<Locale>,
    ) -> Result<(), StoreError> {
        chats::set_field(
            self,
            chat,
            chats::Field::Locale,
            locale.map(|l| l.to_string()),
        )
        .await
    }

    async fn set_chat_zone(&self, chat: &ChatRef, zone: Option<Zone>) -> Result<(), StoreError> {
        chats::set_field(self, chat, chats::Field::Zone, zone.map(|z| z.to_string())).await
    }

    async fn set_chat_quiet(
        &self,
        chat: &ChatRef,
        quiet: Option<QuietHours>,
    ) -> Result<(), StoreError> {
        chats::set_field(
            self,
            chat,
            chats::Field::Quiet,
            quiet.map(|q| q.to_string()),
        )
        .await
    }

    async fn set_chat_leads(
        &self,
        chat: &ChatRef,
        leads: Option<LeadTimes>,
    ) -> Result<(), StoreError> {
        chats::set_field(
            self,
            chat,
            chats::Field::Leads,
            leads.map(|l| l.to_string()),
        )
        .await
    }

    async fn set_chat_active(&self, chat: &ChatRef, active: bool) -> Result<(), StoreError> {
        chats::set_active(self, chat, active).await
    }

    async fn move_chat(&self, from: &ChatRef, to: &ChatRef) -> Result<(), StoreError> {
        chats::move_chat(self, from, to).await
    }

    async fn set_chat_digest(
        &self,
        chat: &ChatRef,
        digest: Option<DigestPlan>,
    ) -> Result<(), StoreError> {
        chats::set_digest(self, chat, digest).await
    }
}

#[async_trait::async_trait]
impl CallStore for SqlStore {
    async fn import_calls(
        &self,
        drafts: &[CallDraft],
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError> {
        calls::import(self, drafts, now).await
    }

    async fn calls(&self) -> Result<Vec<Call>, StoreError> {
        calls::after(self, None).await
    }

    async fn calls_after(&self, after: DateTime<Utc>) -> Result<Vec<Call>, StoreError> {
        calls::after(self, Some(after)).await
    }

    async fn call(&self, id: &CallId) -> Result<Option<Call>, StoreError> {
        calls::one(self, id).await
    }

    async fn subscribe(
        &self,
        chat: &ChatRef,
        target: &Target,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        chats::subscribe(self, chat, target, now).await
    }

    async fn unsubscribe(
        &self,
        chat: &ChatRef,
        target: Option<&Target>,
    ) -> Result<u64, StoreError> {
        chats::unsubscribe(self, chat, target).await
    }

    async fn subscriptions(&self, chat: &ChatRef) -> Result<Vec<Subscription>, StoreError> {
        chats::subscriptions(self, chat).await
    }

    async fn dismiss(
        &self,
        chat: &ChatRef,
        call: &CallId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        chats::dismiss(self, chat, call, now).await
    }

    async fn dismissed(&self, chat: &ChatRef) -> Result<Vec<CallId>, StoreError> {
        chats::dismissed(self, chat).await
    }

    async fn subscribers(&self, call: &Call) -> Result<Vec<Subscriber>, StoreError> {
        chats::subscribers(self, call).await
    }

    async fn lead_sets(&self) -> Result<Vec<LeadTimes>, StoreError> {
        chats::lead_sets(self).await
    }
}

#[async_trait::async_trait]
impl NewsStore for SqlStore {
    async fn add_news(
        &self,
        drafts: &[NewsDraft],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        news::add(self, drafts, now).await
    }

    async fn news_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<NewsItem>, StoreError> {
        news::between(self, from, to).await
    }

    async fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        news::feed_state(self, url).await
    }

    async fn set_feed_state(&self, state: &FeedState) -> Result<(), StoreError> {
        news::set_feed_state(self, state).await
    }
}

#[async_trait::async_trait]
impl PlanStore for SqlStore {
    async fn digest_chats(&self) -> Result<Vec<(ChatRef, ChatPrefs)>, StoreError> {
        chats::digest_chats(self).await
    }

    async fn advance_digests(&self, moves: &[(ChatRef, DateTime<Utc>)]) -> Result<(), StoreError> {
        chats::advance_digests(self, moves).await
    }

    async fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        chats::planned_until(self).await
    }

    async fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        chats::set_planned_until(self, at).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_rows_number_their_placeholders() {
        assert_eq!(value_rows(2, 2, 1, ", $1"), "($2, $3, $1), ($4, $5, $1)");
        assert_eq!(value_rows(1, 3, 0, ""), "($1, $2, $3)");
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://bot:s3cret@db:5432/ecabot"),
            "postgres://bot:***@db:5432/ecabot"
        );
        assert_eq!(
            redact_url("postgres://db/ecabot?password=s3cret"),
            "postgres://db/ecabot?…"
        );
        assert_eq!(
            redact_url("sqlite:///var/lib/ecabot/ecabot.db"),
            "sqlite:///var/lib/ecabot/ecabot.db"
        );
        assert!("mysql://x".parse::<Backend>().is_err());
    }
}
