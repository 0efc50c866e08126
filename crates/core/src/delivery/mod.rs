//! Delivery: the courier that claims outbox entries and sends them, the pacing every sender
//! shares, and the one way a response goes out in parts.

pub mod courier;
pub mod pace;
pub mod parts;
