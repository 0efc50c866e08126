//! The Telegram end-to-end harness: the real adapter (teloxide inside) against a
//! [`FakeTelegram`] on 127.0.0.1, on a fresh database, with a test clock for reminders.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use ecabot_core::delivery::courier::DeliveryOutcome;
use ecabot_core::{ChatRef, Courier};
use ecabot_telegram::{Running, SCOPE, Telegram, TelegramConfig, Token, WebhookConfig};

pub use crate::logs::{Logs, logs};
use crate::{TestApp, TestDatabase, fake_telegram::FakeTelegram};

pub use crate::logs::CANARY_TOKEN;
/// How long a test waits for the bot to answer through the fake.
pub const ANSWER: Duration = Duration::from_secs(10);

/// The whole bot on Telegram: core on a fresh database with a test clock, the adapter
/// receiving from the fake, and a delivery worker the test steps.
pub struct TelegramApp {
    pub app: TestApp,
    pub fake: FakeTelegram,
    pub telegram: Arc<Telegram>,
    pub courier: Courier,
    running: Option<Running>,
}

impl TelegramApp {
    /// Long polling, limits as shipped.
    pub async fn spawn(start: DateTime<Utc>) -> TelegramApp {
        TelegramApp::spawn_with(TestDatabase::sqlite().await, start, |_| {}).await
    }

    /// `tune` adjusts the adapter's configuration (webhook mode, rates) before it starts.
    pub async fn spawn_with(
        db: TestDatabase,
        start: DateTime<Utc>,
        tune: impl FnOnce(&mut TelegramConfig),
    ) -> TelegramApp {
        logs();
        let fake = FakeTelegram::start(CANARY_TOKEN).await;
        let app = TestApp::spawn(db, start).await;
        let mut config = TelegramConfig::new(Token::new(CANARY_TOKEN));
        config.api_url = Some(fake.url());
        config.poll_timeout = Duration::from_secs(1);
        tune(&mut config);
        let telegram = Telegram::connect(config, app.bot.clone())
            .await
            .expect("the adapter connects to the fake");
        telegram
            .register_commands()
            .await
            .expect("the command menu is set");
        let running = telegram.start().await.expect("the adapter starts");
        let courier =
            Courier::new(app.bot.clone(), "tg-test").with_sender(SCOPE, telegram.sender());
        TelegramApp {
            app,
            fake,
            telegram,
            courier,
            running: Some(running),
        }
    }

    /// Webhook mode on 127.0.0.1:0 with `secret`.
    pub async fn spawn_webhook(start: DateTime<Utc>, secret: &str) -> TelegramApp {
        let secret = secret.to_owned();
        TelegramApp::spawn_with(TestDatabase::sqlite().await, start, move |config| {
            config.webhook = Some(WebhookConfig {
                url: "https://bot.example.org/telegram".into(),
                secret: Token::new(secret),
                listen: "127.0.0.1:0".parse().expect("an address"),
            })
        })
        .await
    }

    pub fn webhook_addr(&self) -> std::net::SocketAddr {
        self.running
            .as_ref()
            .and_then(|r| r.webhook_addr)
            .expect("webhook mode")
    }

    pub fn chat(id: i64) -> ChatRef {
        ecabot_telegram::chat_ref(teloxide::types::ChatId(id))
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

    /// Stops receiving and checks the logs held no token.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take()
            && tokio::time::timeout(Duration::from_secs(15), running.stop())
                .await
                .is_err()
        {
            let all = logs().all();
            let tail: Vec<&str> = all.lines().rev().take(60).collect();
            panic!(
                "the adapter did not stop within 15 s; last log lines:\n{}",
                tail.join("\n")
            );
        }
        logs().assert_no_token();
    }
}
