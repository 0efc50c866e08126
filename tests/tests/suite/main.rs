//! The integration suites of the workspace, one module per story, in one test binary so the
//! workspace links teloxide, serenity and sqlx into one test program instead of one per suite.
//! `instances.rs` stays a binary of its own: it starts three `ecabot serve` processes and measures
//! a global send rate, which other suites running beside it would disturb.

mod architecture;
mod calls_cli;
mod cli;
mod conversation;
mod crash;
mod db_copy;
mod digests;
mod discord;
mod feeds;
mod locales;
mod no_words_in_code;
mod ops;
mod outbox_storage;
mod reminders;
mod serve;
mod storage;
mod telegram;
mod understanding;
