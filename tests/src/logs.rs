//! Log capture shared by the end-to-end suites: every line of the test binary, through the
//! shipped redactor and raw, so a test can prove a token never reached a log.

use std::sync::{Arc, Mutex, OnceLock};

/// The bot token of every Telegram test: a canary that must never appear in a log line.
pub const CANARY_TOKEN: &str = "7000001:CANARY-ecabot-token-must-not-leak";
/// The bot token of every Discord test (`id.timestamp.hmac`, like a real one); its secret part
/// must never appear in a log line.
pub const DISCORD_CANARY_TOKEN: &str =
    "OTAwMDAwMDAwMDAwMDAwMDAy.GhTcYw.CANARY-discord-token-must-not-leak";

/// Log lines of this test binary. `all` went through the shipped redactor at TRACE for every
/// crate (teloxide, reqwest, hyper included); `ours` is the raw output of ecabot's own crates,
/// without the redactor, so our code's own discipline is checked too.
pub struct Logs {
    all: Arc<Mutex<Vec<u8>>>,
    ours: Arc<Mutex<Vec<u8>>>,
}

impl Logs {
    pub fn all(&self) -> String {
        String::from_utf8_lossy(&self.all.lock().unwrap()).into_owned()
    }

    pub fn ours(&self) -> String {
        String::from_utf8_lossy(&self.ours.lock().unwrap()).into_owned()
    }

    /// Panics if a canary token (or its secret part) was ever logged.
    pub fn assert_no_token(&self) {
        for half in [
            CANARY_TOKEN
                .split_once(':')
                .map_or(CANARY_TOKEN, |(_, h)| h),
            DISCORD_CANARY_TOKEN
                .rsplit_once('.')
                .map_or(DISCORD_CANARY_TOKEN, |(_, h)| h),
        ] {
            self.assert_absent(half);
        }
    }

    fn assert_absent(&self, half: &str) {
        for (name, text) in [("redacted", self.all()), ("raw ecabot", self.ours())] {
            assert!(
                !text.contains(half),
                "the token appeared in the {name} logs:\n{}",
                text.lines()
                    .filter(|l| l.contains(half))
                    .take(5)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

/// Installs the capturing subscriber once per test binary.
pub fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};
        let (redacted, all) = ecabot::logging::Redactor::buffer(vec![
            CANARY_TOKEN.to_owned(),
            DISCORD_CANARY_TOKEN.to_owned(),
        ]);
        let (raw, ours) = ecabot::logging::Redactor::buffer(Vec::new());
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(redacted)
                    .with_filter(EnvFilter::new("trace")),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(raw)
                    .with_filter(EnvFilter::new(
                        "ecabot=trace,ecabot_core=trace,ecabot_store=trace,ecabot_telegram=trace,ecabot_discord=trace,ecabot_feeds=trace",
                    )),
            )
            .init();
        Logs { all, ours }
    })
}
