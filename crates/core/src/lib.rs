//! ecabot's platform-free core.
//!
//! It knows the alliance (topics, members), speaks the user's language (Fluent catalogs with
//! negotiation and fallback), understands free text and commands, and answers with
//! platform-neutral replies. It talks to the world only through the traits in [`ports`]: no chat
//! SDK, no HTTP, no SQL in here.
//!
//! The domains, in dependency order (each uses only those before it; a test checks):
//! `model` (typed values), `ports` (traits to the outside), `formats` (iCalendar, TOML),
//! `language` (catalog, understanding, commands), `planning` (reminders, digests, the
//! scheduler), `conversation` (the `Bot` and its handlers), `delivery` (courier, pacing).

pub mod conversation;
pub mod delivery;
pub mod formats;
pub mod language;
pub mod model;
pub mod planning;
pub mod ports;

// What the adapters, the store and the binary use; everything else is reached by its full path.
pub use conversation::Suggest;
pub use conversation::{Bot, Input, Knowledge, MENU_COMMANDS, Request, Rights};
pub use delivery::courier::{Courier, CourierConfig};
pub use language::catalog::Catalog;
pub use model::call::{
    BadCallKind, Call, CallDraft, CallId, ImportReport, LeadTimes, QuietHours, Subscription,
    Target, Texts, Zone,
};
pub use model::chat::{ChatPrefs, ChatRef, DigestPlan, Subscriber};
pub use model::locale::Locale;
pub use model::markup::{Block, Inline, Rich};
pub use model::news::{FeedState, NewsDraft, NewsItem};
pub use model::outbox::{Entry, EntryState, Finish, NewEntry, OutboxKey, OutboxStats};
pub use model::reply::{Action, Attachment, Button, Kind, Reply, Response};
pub use model::token::{REDACTED, Token};
pub use model::topic::TopicId;
pub use planning::scheduler::{Scheduler, TickOutcome};
pub use ports::{
    CallStore, ChatStore, Clock, NewsStore, Outbox, PlanStore, SendError, SendResult, Sender,
    Store, StoreError, SystemClock, Telemetry, TelemetryRef,
};
