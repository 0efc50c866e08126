//! `ecabot serve`: the chat front ends, the reminder scheduler, the delivery worker and the
//! operations endpoints in one process, until a stop signal. Several processes may serve one
//! PostgreSQL database: they share the outbox (leased claims), the plans (unique keys) and the
//! platforms' send budgets (in the database).

use std::{
    future::Future,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::{Context, bail};
use chrono::Utc;
use ecabot_core::delivery::pace::SharedPaceRef;
use ecabot_core::ports::Clock;
use ecabot_core::ports::Outbox;
use ecabot_core::ports::SystemClock;
use ecabot_core::ports::TelemetryRef;
use ecabot_core::{Courier, CourierConfig, Scheduler};
use ecabot_discord::Discord;
use ecabot_store::SqlStore;
use ecabot_telegram::Telegram;

use crate::{
    Config,
    metrics::Metrics,
    ops::{Check, Probe},
};

/// How often an idle delivery worker looks for due entries.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// How long the database may take to answer a readiness probe.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs until `shutdown` resolves, then drains: reports not ready, stops receiving, lets the
/// delivery step in flight finish (its entries are marked, or released when their lease runs
/// out), and closes the database.
pub async fn serve(
    config: Config,
    worker: String,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if config.telegram.is_none() && config.discord.is_none() {
        bail!(
            "nothing to serve: set TELEGRAM_BOT_TOKEN to run the Telegram bot and/or DISCORD_TOKEN to run the Discord bot (`ecabot chat` talks to the bot in this terminal without one)"
        );
    }
    let knowledge = crate::knowledge()?;
    let store = Arc::new(crate::open_store(&config).await?);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let metrics = Arc::new(Metrics::new());
    let telemetry = TelemetryRef(metrics.clone());

    let (stop, mut stopping) = tokio::sync::watch::channel(false);
    let probe = Arc::new(ServeProbe {
        store: store.clone(),
        telegram: Mutex::new(None),
        discord: OnceLock::new(),
        wants_telegram: config.telegram.is_some(),
        wants_discord: config.discord.is_some(),
        draining: AtomicBool::new(false),
    });
    let (ops_addr, ops) = {
        let mut ops_stopping = stopping.clone();
        crate::ops::serve_ops(
            config.http_addr,
            metrics.clone(),
            probe.clone(),
            async move {
                let _ = ops_stopping.wait_for(|stop| *stop).await;
            },
        )
        .await
        .with_context(|| {
            format!(
                "cannot listen on ECABOT_HTTP_ADDR {} for /healthz, /readyz and /metrics",
                config.http_addr
            )
        })?
    };
    tracing::info!(addr = %ops_addr, "operations endpoints ready");

    crate::seed_calls(store.as_ref(), clock.now()).await?;
    let bot = Arc::new(crate::bot(knowledge, store.clone(), clock.clone(), &config));
    let lease = chrono::Duration::from_std(config.outbox_lease)
        .context("ECABOT_OUTBOX_LEASE_SECS is out of range")?;
    let mut courier = Courier::new(bot.clone(), worker)
        .with_config(CourierConfig {
            lease,
            ..CourierConfig::default()
        })
        .with_telemetry(telemetry.clone());

    if let Some(mut telegram_config) = config.telegram.clone() {
        telegram_config.telemetry = telemetry.clone();
        telegram_config.shared_pace = telegram_config
            .global_rate
            .map(|rate| shared_pace(&store, ecabot_telegram::SCOPE, rate));
        let telegram = Telegram::connect(telegram_config, bot.clone())
            .await
            .context("cannot start the Telegram bot")?;
        if let Err(error) = telegram.register_commands().await {
            tracing::warn!(%error, "could not set the command menu; commands still work");
        }
        let running = telegram.start().await?;
        *lock(&probe.telegram) = Some(running);
        tracing::info!(bot = telegram.username(), "serving on Telegram");
        courier = courier.with_sender(ecabot_telegram::SCOPE, telegram.sender());
    }
    let mut discord_running = None;
    if let Some(mut discord_config) = config.discord.clone() {
        discord_config.telemetry = telemetry.clone();
        discord_config.shared_pace = discord_config
            .global_rate
            .map(|rate| shared_pace(&store, ecabot_discord::SCOPE, rate));
        let discord = Discord::connect(discord_config, bot.clone())
            .await
            .context("cannot start the Discord bot")?;
        match discord.register_commands().await {
            Ok(count) => tracing::info!(count, "slash commands registered"),
            Err(error) => {
                tracing::warn!(%error, "could not register the slash commands; messages still work")
            }
        }
        discord_running = Some(discord.start().await?);
        let _ = probe.discord.set(discord.clone());
        tracing::info!(bot = discord.name(), "serving on Discord");
        courier = courier.with_sender(ecabot_discord::SCOPE, discord.sender());
    }

    let feeds = crate::spawn_feeds(&config.digest, store.clone(), clock.clone())?;
    let scheduler = Scheduler::new(store.clone(), store.clone(), clock);
    let (tick_tx, mut ticks) = tokio::sync::mpsc::channel(1);
    let ticker = tokio::spawn(crate::ticker(config.schedule.clone(), tick_tx));
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    while !*stopping.borrow() {
        tokio::select! {
            _ = stopping.changed() => break,
            Some(()) = ticks.recv() => match scheduler.tick().await {
                Ok(outcome) => {
                    metrics.record_tick(&outcome);
                    if outcome.planned + outcome.digests > 0 {
                        tracing::info!(?outcome, "reminders and digests planned");
                    }
                }
                Err(error) => tracing::error!(%error, source = ?std::error::Error::source(&error), "scheduler tick failed"),
            },
            () = tokio::time::sleep(IDLE_POLL) => {}
        }
        // Deliver what is due; a stop request is looked at between steps.
        loop {
            match courier.step().await {
                Ok(outcome) if outcome.claimed == 0 => break,
                Ok(outcome) => tracing::debug!(?outcome, "delivered"),
                Err(error) => {
                    tracing::error!(%error, source = ?std::error::Error::source(&error), "delivery failed");
                    break;
                }
            }
            if *stopping.borrow() {
                break;
            }
        }
    }
    probe.draining.store(true, Ordering::Relaxed);
    tracing::info!(at = %Utc::now(), "stopping");
    ticker.abort();
    if let Some(feeds) = feeds {
        feeds.abort();
    }
    let telegram_running = lock(&probe.telegram).take();
    if let Some(running) = telegram_running {
        running.stop().await;
    }
    if let Some(running) = discord_running {
        running.stop().await;
    }
    if let Err(error) = ops.await {
        tracing::error!(%error, "the operations server ended abnormally");
    }
    store.close().await;
    Ok(())
}

/// The platform's send budget in the database, so every instance draws on the same one.
fn shared_pace(store: &Arc<SqlStore>, scope: &str, rate: f64) -> SharedPaceRef {
    SharedPaceRef(Arc::new(store.shared_pace(scope, rate)))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What `/readyz` and `/metrics` look at in a serving process.
struct ServeProbe {
    store: Arc<SqlStore>,
    telegram: Mutex<Option<ecabot_telegram::Running>>,
    discord: OnceLock<Arc<Discord>>,
    wants_telegram: bool,
    wants_discord: bool,
    /// Set once a stop was asked for: a draining instance takes no new traffic.
    draining: AtomicBool,
}

#[async_trait::async_trait]
impl Probe for ServeProbe {
    async fn readiness(&self) -> Vec<Check> {
        let mut checks = Vec::new();
        let database = self.store.ping(PING_TIMEOUT).await;
        checks.push(Check {
            name: "database",
            ok: database.is_ok(),
            detail: match database {
                Ok(()) => "ok".into(),
                Err(e) => format!("unreachable: {e}"),
            },
        });
        if self.wants_telegram {
            let receiving = lock(&self.telegram)
                .as_ref()
                .is_some_and(ecabot_telegram::Running::is_receiving);
            checks.push(Check {
                name: "telegram",
                ok: receiving,
                detail: if receiving {
                    "receiving"
                } else {
                    "not receiving"
                }
                .into(),
            });
        }
        if self.wants_discord {
            let connected = self.discord.get().is_some_and(|d| d.is_connected());
            checks.push(Check {
                name: "discord",
                ok: connected,
                detail: if connected {
                    "connected"
                } else {
                    "not connected"
                }
                .into(),
            });
        }
        if self.draining.load(Ordering::Relaxed) {
            checks.push(Check {
                name: "serve",
                ok: false,
                detail: "stopping".into(),
            });
        }
        checks
    }

    async fn refresh(&self, metrics: &Metrics) {
        let now = Utc::now();
        match self.store.stats(now).await {
            Ok(stats) => metrics.set_outbox(&stats, now),
            Err(error) => tracing::warn!(%error, "could not read the outbox backlog for /metrics"),
        }
    }
}
