//! Shared harness for ecabot's integration and end-to-end suites.

use std::{path::PathBuf, sync::Arc};

use ecabot_core::{Bot, ChatRef, Knowledge, Locale, MemoryStore, Request, Response, Store};

/// The workspace root (for data files and the built binary).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The embedded knowledge, loaded once per test binary.
pub fn knowledge() -> Arc<Knowledge> {
    static K: std::sync::OnceLock<Arc<Knowledge>> = std::sync::OnceLock::new();
    K.get_or_init(|| Arc::new(Knowledge::embedded().expect("locale files load")))
        .clone()
}

pub fn locale(tag: &str) -> Locale {
    Locale::parse(tag).expect("valid tag")
}

/// A bot on an in-memory store, English default.
pub fn memory_bot() -> Bot {
    bot_with(Arc::new(MemoryStore::default()))
}

pub fn bot_with(store: Arc<dyn Store>) -> Bot {
    Bot::new(knowledge(), store, Locale::ENGLISH)
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

/// The databases every storage test runs on: SQLite always, PostgreSQL when configured.
pub async fn test_databases() -> Vec<TestDatabase> {
    let mut dbs = vec![TestDatabase::sqlite().await];
    match std::env::var("ECABOT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => dbs.push(TestDatabase::postgres(&url).await),
        _ => {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                eprintln!("ECABOT_TEST_POSTGRES_URL is not set: storage tests run on SQLite only")
            });
        }
    }
    dbs
}
