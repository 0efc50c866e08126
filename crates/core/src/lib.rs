//! ecabot's platform-free core.
//!
//! It knows the alliance (topics, members), speaks the user's language (Fluent catalogs with
//! negotiation and fallback), understands free text and commands, and answers with
//! platform-neutral [`Response`]s. It talks to the world only through the ports in [`ports`]:
//! no chat SDK, no HTTP, no SQL in here.

mod bot;
mod command;
mod i18n;
mod knowledge;
mod locale;
pub mod markup;
mod nlu;
pub mod ports;
mod reply;

pub use bot::{Bot, Input, Knowledge, LoadError, MAX_INPUT_CHARS, Request};
pub use command::{Command, Parsed};
pub use i18n::{Args, Catalog, CatalogError};
pub use knowledge::{CountryCode, KnowledgeError, Members, TOPIC_IDS, TopicId, UnknownTopic};
pub use locale::{Locale, LocaleError, negotiate};
pub use markup::{Block, Inline, Rich};
pub use nlu::{Matcher, NluError, Tuning, Understanding};
pub use ports::{
    ChatPrefs, ChatRef, Clock, ManualClock, MemoryStore, Store, StoreError, SystemClock,
};
pub use reply::{Action, Attachment, BadAction, Button, Reply, Response};
