//! `ecabot serve`: the chat front ends, the reminder scheduler and the delivery worker in one
//! process, until a stop signal.

use std::{future::Future, sync::Arc, time::Duration};

use anyhow::{Context, bail};
use chrono::Utc;
use ecabot_core::{Clock, Courier, Scheduler, SystemClock};
use ecabot_discord::Discord;
use ecabot_telegram::Telegram;

use crate::Config;

/// How often an idle delivery worker looks for due entries.
const IDLE_POLL: Duration = Duration::from_secs(1);

/// Runs until `shutdown` resolves, then stops receiving, lets the delivery step in flight
/// finish (its entries are marked, or released when their lease runs out), and closes the
/// database. Every configured front end runs in this one process, on one outbox.
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
    crate::seed_calls(store.as_ref(), clock.now()).await?;
    let bot = Arc::new(crate::bot(knowledge, store.clone(), clock.clone(), &config));
    let mut courier = Courier::new(bot.clone(), worker);

    let mut telegram_running = None;
    if let Some(telegram_config) = config.telegram.clone() {
        let telegram = Telegram::connect(telegram_config, bot.clone())
            .await
            .context("cannot start the Telegram bot")?;
        if let Err(error) = telegram.register_commands().await {
            tracing::warn!(%error, "could not set the command menu; commands still work");
        }
        telegram_running = Some(telegram.start().await?);
        tracing::info!(bot = telegram.username(), "serving on Telegram");
        courier = courier.with_sender(ecabot_telegram::SCOPE, telegram.sender());
    }
    let mut discord_running = None;
    if let Some(discord_config) = config.discord.clone() {
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
        tracing::info!(bot = discord.name(), "serving on Discord");
        courier = courier.with_sender(ecabot_discord::SCOPE, discord.sender());
    }

    let feeds = crate::spawn_feeds(&config.digest, store.clone(), clock.clone())?;
    let scheduler = Scheduler::new(store.clone(), store.clone(), clock);
    let (tick_tx, mut ticks) = tokio::sync::mpsc::channel(1);
    let ticker = tokio::spawn(crate::ticker(config.schedule.clone(), tick_tx));
    let (stop, mut stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    while !*stopping.borrow() {
        tokio::select! {
            _ = stopping.changed() => break,
            Some(()) = ticks.recv() => match scheduler.tick().await {
                Ok(outcome) if outcome.planned + outcome.digests > 0 => tracing::info!(?outcome, "reminders and digests planned"),
                Ok(_) => {}
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
    tracing::info!(at = %Utc::now(), "stopping");
    ticker.abort();
    if let Some(feeds) = feeds {
        feeds.abort();
    }
    if let Some(running) = telegram_running {
        running.stop().await;
    }
    if let Some(running) = discord_running {
        running.stop().await;
    }
    store.close().await;
    Ok(())
}
