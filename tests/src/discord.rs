//! The Discord end-to-end harness: the real adapter (serenity and poise inside) against a
//! [`FakeDiscord`] (REST and gateway) on 127.0.0.1, on a fresh database, with a test clock for
//! reminders.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use ecabot_core::delivery::courier::DeliveryOutcome;
use ecabot_core::{Bot, ChatRef, Courier, Token};
use ecabot_discord::{Discord, DiscordConfig, Running, SCOPE};
use serde_json::Value;

pub use crate::logs::{DISCORD_CANARY_TOKEN, logs};
use crate::{
    TestApp, TestDatabase,
    fake_discord::{FakeDiscord, Posted},
    slow_store::SlowStore,
};

/// How long a test waits for the bot to answer through the fake.
pub const ANSWER: Duration = Duration::from_secs(10);

/// The whole bot on Discord: core on a fresh database with a test clock, the adapter connected
/// to the fake's gateway, and a delivery worker the test steps. The adapter's core reads the
/// database through a [`SlowStore`], so a test can make answers slow.
pub struct DiscordApp {
    pub app: TestApp,
    pub fake: FakeDiscord,
    pub bot: Arc<Bot>,
    pub slow: Arc<SlowStore>,
    pub discord: Arc<Discord>,
    pub courier: Courier,
    running: Option<Running>,
}

impl DiscordApp {
    pub async fn spawn(start: DateTime<Utc>) -> DiscordApp {
        DiscordApp::spawn_with(TestDatabase::sqlite().await, start, |_| {}).await
    }

    /// `tune` adjusts the adapter's configuration before it connects.
    pub async fn spawn_with(
        db: TestDatabase,
        start: DateTime<Utc>,
        tune: impl FnOnce(&mut DiscordConfig),
    ) -> DiscordApp {
        logs();
        let fake = FakeDiscord::start(DISCORD_CANARY_TOKEN).await;
        fake.set_heartbeat_interval(250);
        let app = TestApp::spawn(db, start).await;
        let mut config = DiscordConfig::new(Token::new(DISCORD_CANARY_TOKEN));
        config.api_url = Some(fake.url());
        config.guild_id = Some(crate::fake_discord::GUILD_ID);
        tune(&mut config);
        let slow = Arc::new(SlowStore::new(app.store.clone()));
        let bot = Arc::new(
            ecabot::bot(
                crate::knowledge(),
                app.store.clone(),
                app.clock.clone(),
                &crate::default_config(),
            )
            .with_chat_store(slow.clone()),
        );
        let discord = Discord::connect(config, bot.clone())
            .await
            .expect("the adapter connects to the fake");
        discord
            .register_commands()
            .await
            .expect("the commands are registered");
        let running = discord.start().await.expect("the adapter starts");
        assert!(
            fake.wait_ready(ANSWER).await,
            "the gateway session did not become ready"
        );
        assert!(
            fake.gateway_requested(),
            "the client asked the fake for the gateway"
        );
        let connected = fake
            .wait_for(ANSWER, |_| discord.is_connected().then_some(()))
            .await;
        assert!(connected.is_some(), "READY reached the adapter");
        let courier = Courier::new(bot.clone(), "dc-test").with_sender(SCOPE, discord.sender());
        DiscordApp {
            app,
            fake,
            bot,
            slow,
            discord,
            courier,
            running: Some(running),
        }
    }

    pub fn chat(channel: u64) -> ChatRef {
        ecabot_discord::chat_ref(serenity::all::ChannelId::new(channel))
    }

    /// One scheduler tick at the current test time, then deliveries until nothing is due.
    pub async fn deliver(&self) -> DeliveryOutcome {
        crate::tick_and_deliver(&self.app.scheduler, &self.courier).await
    }

    /// Moves the test clock to `to` and delivers there.
    pub async fn deliver_at(&self, to: DateTime<Utc>) -> DeliveryOutcome {
        self.app.clock.set(to);
        self.deliver().await
    }

    /// Closes the gateway, checks the fake saw no broken Discord rule and the logs held no
    /// token.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take()
            && tokio::time::timeout(Duration::from_secs(15), running.stop())
                .await
                .is_err()
        {
            panic!("the Discord adapter did not stop within 15 s");
        }
        assert_eq!(self.fake.violations(), Vec::<String>::new());
        logs().assert_no_token();
    }
}

/// The text a posted message shows: its content and its embeds' descriptions, markdown turned
/// back into what a reader sees.
pub fn visible(posted: &Posted) -> String {
    visible_json(&posted.json)
}

pub fn visible_json(json: &Value) -> String {
    let mut out = String::new();
    if let Some(content) = json.get("content").and_then(Value::as_str) {
        out.push_str(&ecabot_discord::markdown::to_visible(content));
    }
    for embed in json
        .get("embeds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(d) = embed.get("description").and_then(Value::as_str) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&ecabot_discord::markdown::to_visible(d));
        }
    }
    out
}

/// The `custom_id`s of a payload's buttons, in order.
pub fn button_ids(json: &Value) -> Vec<String> {
    json.get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|row| row.get("components").and_then(Value::as_array))
        .flatten()
        .filter_map(|b| {
            b.get("custom_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect()
}
