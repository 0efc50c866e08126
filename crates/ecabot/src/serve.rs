//! `ecabot serve`: the chat front ends, the reminder scheduler and the delivery worker in one
//! process, until a stop signal.

use std::{future::Future, sync::Arc, time::Duration};

use anyhow::{Context, bail};
use chrono::Utc;
use ecabot_core::{Clock, Courier, Scheduler, SystemClock};
use ecabot_telegram::{SCOPE, Telegram};

use crate::Config;

/// How often an idle delivery worker looks for due entries.
const IDLE_POLL: Duration = Duration::from_secs(1);

/// Runs until `shutdown` resolves, then stops receiving, lets the delivery step in flight
/// finish (its entries are marked, or released when their lease runs out), and closes the
/// database.
pub async fn serve(
    config: Config,
    worker: String,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let Some(telegram_config) = config.telegram.clone() else {
        bail!(
            "nothing to serve: set TELEGRAM_BOT_TOKEN to run the Telegram bot (`ecabot chat` talks to the bot in this terminal without one)"
        );
    };
    let knowledge = crate::knowledge()?;
    let store = Arc::new(crate::open_store(&config).await?);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    crate::seed_calls(store.as_ref(), clock.now()).await?;
    let bot = Arc::new(crate::bot(knowledge, store.clone(), clock.clone(), &config));

    let telegram = Telegram::connect(telegram_config, bot.clone())
        .await
        .context("cannot start the Telegram bot")?;
    if let Err(error) = telegram.register_commands().await {
        tracing::warn!(%error, "could not set the command menu; commands still work");
    }
    let receiving = telegram.start().await?;
    tracing::info!(bot = telegram.username(), "serving on Telegram");

    let scheduler = Scheduler::new(store.clone(), store.clone(), clock);
    let courier = Courier::new(bot.clone(), worker).with_sender(SCOPE, telegram.sender());
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
                Ok(outcome) if outcome.planned > 0 => tracing::info!(?outcome, "reminders planned"),
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
    receiving.stop().await;
    store.close().await;
    Ok(())
}
