//! ecabot on Discord, through serenity and poise.
//!
//! A thin adapter: slash commands, button presses and messages become core
//! [`Request`](ecabot_core::Request)s; core [`Response`](ecabot_core::Response)s become embeds
//! with buttons and files; the outbox reaches Discord channels and DMs through
//! [`Discord::sender`]. What the bot says and decides lives in the core; Discord's limits
//! (lengths, rate limits, the 3 s answer deadline, errors) are handled here.

mod adapter;
mod commands;
pub mod markdown;
mod send;

pub use adapter::{BadShards, Discord, DiscordConfig, DiscordError, Running, Shards};
pub use send::{SCOPE, chat_ref};
