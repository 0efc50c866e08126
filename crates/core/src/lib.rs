//! ecabot's platform-free core.
//!
//! It knows the alliance (topics, members), speaks the user's language (Fluent catalogs with
//! negotiation and fallback), understands free text and commands, and answers with
//! platform-neutral [`Response`]s. It talks to the world only through the ports in [`ports`]:
//! no chat SDK, no HTTP, no SQL in here.

mod bot;
mod calls;
mod command;
mod deadlines;
pub mod digest;
mod flood;
mod i18n;
pub mod ics;
pub mod import;
mod knowledge;
mod locale;
pub mod markup;
pub mod news;
mod nlu;
pub mod outbox;
pub mod pace;
pub mod ports;
mod reply;
pub mod schedule;
mod suggest;
pub mod telemetry;
mod token;

pub use bot::{
    Bot, Input, Knowledge, LoadError, MAX_INPUT_CHARS, MENU_COMMANDS, MenuEntry, Request, Rights,
};
pub use calls::{
    BadCallId, BadCallKind, BadLeadTime, BadQuietHours, BadTarget, Call, CallDraft, CallId,
    CallKind, LeadTime, LeadTimes, MAX_CALL_ID, QuietHours, Subscription, Target, Texts,
    UnknownZone, Zone, resolve_local,
};
pub use command::{Command, Parsed};
pub use deadlines::Stale;
pub use digest::{DigestPlan, DigestRequest, DigestSkipped};
pub use flood::{FloodRule, Verdict};
pub use i18n::{Args, Catalog, CatalogError};
pub use knowledge::{CountryCode, KnowledgeError, Members, TOPIC_IDS, TopicId, UnknownTopic};
pub use locale::{Locale, LocaleError, negotiate};
pub use markup::{Block, Inline, Rich};
pub use news::{BadNews, FeedState, NewsDraft, NewsItem};
pub use nlu::{Matcher, NluError, Tuning, Understanding};
pub use outbox::{
    Courier, CourierConfig, DeliveryOutcome, Entry, EntryState, Finish, NewEntry, Notice, Outbox,
    OutboxStats, SendError, Sender,
};
pub use ports::{
    ChatPrefs, ChatRef, Clock, ImportReport, ManualClock, Store, StoreError, Subscriber,
    SystemClock,
};
pub use reply::{Action, Attachment, BadAction, Button, Reply, Response};
pub use schedule::{Scheduler, TickOutcome};
pub use suggest::{Suggest, Suggestion};
pub use telemetry::{NoTelemetry, SendResult, Telemetry, TelemetryRef};
pub use token::{REDACTED, Token};
