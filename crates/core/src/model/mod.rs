//! The values the bot works with, each parsed once at the edge. Depends on nothing else in the
//! crate.

pub mod call;
pub mod chat;
pub mod locale;
pub mod markup;
pub mod news;
pub mod outbox;
pub mod reply;
pub mod text;
pub mod token;
pub mod topic;
