//! Delivery: the courier that claims outbox entries and sends them, the pacing every sender
//! shares, the one way a response goes out in parts, and what adapters remember of rights.

pub mod courier;
pub mod pace;
pub mod parts;
pub mod rights;
