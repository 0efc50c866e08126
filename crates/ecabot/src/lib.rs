//! The `ecabot` binary's library half: configuration, wiring and the terminal front end, kept
//! out of `main.rs` so the integration suite can drive them directly.

pub mod config;
pub mod console;
pub mod logging;
pub mod metrics;
pub mod ops;
pub mod serve;

use std::{collections::HashSet, sync::Arc};

use anyhow::Context;
use chrono::{DateTime, Utc};
use ecabot_core::Store;
use ecabot_core::model::call::CallDraft;
use ecabot_core::ports::Clock;
use ecabot_core::ports::Outbox;
use ecabot_core::{Bot, Knowledge};
use ecabot_store::{SqlStore, default_sqlite_url, redact_url};

pub use config::{Config, Env, ProcessEnv, Secret};

/// Loads the embedded knowledge; a failure here is a build defect, caught by the test suite.
pub fn knowledge() -> anyhow::Result<Arc<Knowledge>> {
    Ok(Arc::new(
        Knowledge::embedded().context("the embedded locale files are invalid")?,
    ))
}

/// Opens the configured database (a SQLite file in the data directory unless a URL is set).
pub async fn open_store(config: &Config) -> anyhow::Result<SqlStore> {
    let url = match &config.database_url {
        Some(url) => url.expose().clone(),
        None => default_sqlite_url(&config.data_dir)?,
    };
    let store = SqlStore::open(&url).await?;
    tracing::info!(database = %redact_url(&url), "database ready");
    Ok(store)
}

/// The bot wired to a store that is also its outbox (both engines of `ecabot-store` are).
pub fn bot<S>(
    knowledge: Arc<Knowledge>,
    store: Arc<S>,
    clock: Arc<dyn Clock>,
    config: &Config,
) -> Bot
where
    S: Store + Outbox + 'static,
{
    Bot::new(
        knowledge,
        store.clone(),
        store,
        clock,
        config.default_locale,
    )
}

/// Adds the shipped calls (the alliance's own past events) that the database does not have yet.
/// Calls an operator imported or changed are never touched.
/// Instances starting together may race to add them; the loser finds them added.
pub async fn seed_calls(store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let missing = missing_seed_calls(store).await?;
    if missing.is_empty() {
        return Ok(0);
    }
    match store.import_calls(&missing, now).await {
        Ok(report) => Ok(report.added.len()),
        Err(error) => {
            if missing_seed_calls(store).await?.is_empty() {
                tracing::debug!(%error, "another instance added the shipped calls first");
                return Ok(0);
            }
            Err(error).context("could not add the shipped calls")
        }
    }
}

async fn missing_seed_calls(store: &dyn Store) -> anyhow::Result<Vec<CallDraft>> {
    let known: HashSet<String> = store.calls().await?.into_iter().map(|c| c.uid).collect();
    Ok(ecabot_core::formats::import::seed_calls()
        .into_iter()
        .filter(|d| !known.contains(&d.uid))
        .collect())
}

/// This process, as named in outbox claims.
pub fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into());
    format!("{host}:{}", std::process::id())
}

/// Sends a tick now and then at every moment of the schedule, until the receiver is gone.
pub async fn ticker(schedule: cron::Schedule, ticks: tokio::sync::mpsc::Sender<()>) {
    if ticks.send(()).await.is_err() {
        return;
    }
    for next in schedule.upcoming(Utc) {
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        // A full channel means a tick is already waiting: skipping this one loses nothing.
        if let Err(tokio::sync::mpsc::error::TrySendError::Closed(())) = ticks.try_send(()) {
            return;
        }
    }
}

/// Fetches the configured feeds now and at every moment of their schedule, in a task of its
/// own so a slow feed never holds up answers or deliveries. `None` without feeds.
pub fn spawn_feeds(
    config: &config::DigestConfig,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    if config.feeds.is_empty() {
        return Ok(None);
    }
    let feeds = ecabot_feeds::Feeds::new(config.feeds.clone(), config.fetch.clone(), store, clock)
        .context("cannot set up fetching the digest feeds")?;
    let (tick_tx, mut ticks) = tokio::sync::mpsc::channel(1);
    let schedule = config.schedule.clone();
    Ok(Some(tokio::spawn(async move {
        let ticker = tokio::spawn(ticker(schedule, tick_tx));
        while ticks.recv().await.is_some() {
            let outcome = feeds.step().await;
            tracing::info!(
                feeds = outcome.feeds.len(),
                new = outcome.new_items(),
                failed = outcome.failed(),
                "feeds fetched"
            );
        }
        ticker.abort();
    })))
}

/// The terminal's language (`LC_ALL`, `LC_MESSAGES`, `LANG`) as a platform hint: `fi_FI.UTF-8` → `fi_FI`.
pub fn terminal_locale_hint(env: &dyn Env) -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| env.var(v))
        .map(|v| v.split(['.', '@']).next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty() && v != "C" && v != "POSIX")
}
