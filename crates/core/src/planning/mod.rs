//! Planning what the bot will say first: reminders and digests written into the outbox by the
//! scheduler's tick.

pub mod digests;
pub mod reminders;
pub mod scheduler;
