//! ecabot on Telegram, through teloxide.
//!
//! A thin adapter: updates become core [`Request`](ecabot_core::Request)s, core
//! [`Response`](ecabot_core::Response)s become HTML messages with inline keyboards, and the
//! outbox reaches Telegram chats through [`Telegram::sender`]. What the bot says and decides
//! lives in the core; Telegram's limits (message length, rate limits, errors) are handled here.

mod adapter;
pub mod html;
mod send;

pub use adapter::{
    DEFAULT_API_URL, Running, Telegram, TelegramConfig, TelegramError, WebhookConfig,
};
pub use ecabot_core::{REDACTED, Token};
pub use send::{SCOPE, chat_ref};
