//! Ports: what the core needs from the outside world, as traits the binary wires up.
//! Storage is implemented by `ecabot-store` (sqlx); the clock is injected so tests control time.

use std::{collections::HashMap, fmt, str::FromStr, sync::Mutex};

use chrono::{DateTime, Utc};

use crate::Locale;

/// A conversation on some front end: `scope:id`, e.g. `console:local`, `tg:12345`,
/// `dc:channel:987`. The core never looks inside the id; the scope names the front end.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatRef {
    scope: String,
    id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadChatRef {
    #[error("a chat reference is scope:id, e.g. console:local")]
    Shape,
    #[error("a chat scope is lowercase letters, digits and '-'")]
    Scope,
    #[error("a chat id is 1 to 128 visible characters")]
    Id,
}

impl ChatRef {
    pub fn new(scope: &str, id: &str) -> Result<ChatRef, BadChatRef> {
        if scope.is_empty()
            || scope.len() > 16
            || !scope
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(BadChatRef::Scope);
        }
        if id.is_empty()
            || id.len() > 128
            || id.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(BadChatRef::Id);
        }
        Ok(ChatRef {
            scope: scope.to_owned(),
            id: id.to_owned(),
        })
    }

    pub fn scope(&self) -> &str {
        &self.scope
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

impl FromStr for ChatRef {
    type Err = BadChatRef;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (scope, id) = s.split_once(':').ok_or(BadChatRef::Shape)?;
        ChatRef::new(scope, id)
    }
}

impl fmt::Display for ChatRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.scope, self.id)
    }
}

impl fmt::Debug for ChatRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChatRef({self})")
    }
}

/// What a chat chose. Absent fields mean "not chosen": the platform hint and defaults apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatPrefs {
    pub locale: Option<Locale>,
}

/// A storage failure, as the core sees it: the details stay in the source for the logs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

/// Persistent state of the bot.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    async fn chat_prefs(&self, chat: &ChatRef) -> Result<ChatPrefs, StoreError>;
    /// Sets (or with `None` clears) the chat's explicit language.
    async fn set_chat_locale(
        &self,
        chat: &ChatRef,
        locale: Option<Locale>,
    ) -> Result<(), StoreError>;
}

/// A store that forgets on exit: for one-shot questions and benchmarks.
#[derive(Default)]
pub struct MemoryStore {
    prefs: Mutex<HashMap<ChatRef, ChatPrefs>>,
}

#[async_trait::async_trait]
impl Store for MemoryStore {
    async fn chat_prefs(&self, chat: &ChatRef) -> Result<ChatPrefs, StoreError> {
        Ok(self
            .prefs
            .lock()
            .expect("not poisoned")
            .get(chat)
            .cloned()
            .unwrap_or_default())
    }

    async fn set_chat_locale(
        &self,
        chat: &ChatRef,
        locale: Option<Locale>,
    ) -> Result<(), StoreError> {
        self.prefs
            .lock()
            .expect("not poisoned")
            .entry(chat.clone())
            .or_default()
            .locale = locale;
        Ok(())
    }
}

/// Where "now" comes from. Production uses [`SystemClock`]; tests step a [`ManualClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(start))
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().expect("not poisoned") = to;
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().expect("not poisoned") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("not poisoned")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_refs_parse() {
        let c: ChatRef = "tg:-100123".parse().unwrap();
        assert_eq!((c.scope(), c.id()), ("tg", "-100123"));
        assert_eq!(c.to_string(), "tg:-100123");
        let d: ChatRef = "dc:channel:42".parse().unwrap();
        assert_eq!(d.id(), "channel:42");
        assert_eq!("nocolon".parse::<ChatRef>(), Err(BadChatRef::Shape));
        assert_eq!("TG:1".parse::<ChatRef>(), Err(BadChatRef::Scope));
        assert_eq!("tg:".parse::<ChatRef>(), Err(BadChatRef::Id));
        assert_eq!("tg:a b".parse::<ChatRef>(), Err(BadChatRef::Id));
    }
}
