//! ecabot's storage: the core's [`Store`] port on sqlx.
//!
//! One code path serves both engines through `sqlx::Any`: instants are stored as Unix seconds and
//! queries stay within the SQL both speak. Each engine has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`), embedded in the binary and run on connect, so a
//! fresh SQLite file appears on first run with nothing to set up.

use std::{path::Path, str::FromStr, time::Duration};

use ecabot_core::{ChatPrefs, ChatRef, Locale, Store, StoreError};
use sqlx::{
    AnyPool, Executor, Row,
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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl SqlStore {
    /// Connects and runs pending migrations.
    pub async fn open(url: &str) -> Result<SqlStore, OpenError> {
        install_default_drivers();
        let backend: Backend = url.parse()?;
        let mut url = url.to_owned();
        if backend == Backend::Sqlite && !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
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

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn chat_prefs(&self, chat: &ChatRef) -> Result<ChatPrefs, StoreError> {
        let row = sqlx::query("SELECT locale FROM chats WHERE chat = $1")
            .bind(chat.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else {
            return Ok(ChatPrefs::default());
        };
        let locale: Option<String> = row.try_get("locale").map_err(backend_error)?;
        let locale = locale
            .map(|l| {
                Locale::parse(&l).map_err(|e| StoreError::Corrupt(format!("chat {chat}: {e}")))
            })
            .transpose()?;
        Ok(ChatPrefs { locale })
    }

    async fn set_chat_locale(
        &self,
        chat: &ChatRef,
        locale: Option<Locale>,
    ) -> Result<(), StoreError> {
        let now = now();
        sqlx::query(
            "INSERT INTO chats (chat, locale, created_at, updated_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (chat) DO UPDATE SET locale = excluded.locale, updated_at = excluded.updated_at",
        )
        .bind(chat.to_string())
        .bind(locale.map(|l| l.to_string()))
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
