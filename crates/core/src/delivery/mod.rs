//! Delivery: the courier that claims outbox entries and sends them, and the pacing every sender
//! shares.

pub mod courier;
pub mod pace;
