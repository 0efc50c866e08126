//! Ports: what the core needs from the outside world, as traits the binary wires up.
//! Storage is implemented by `ecabot-store` (sqlx); the clock is injected so tests control time.

use std::{fmt, str::FromStr, sync::Mutex};

use chrono::{DateTime, Utc};

use crate::{
    Call, CallDraft, CallId, DigestPlan, FeedState, LeadTimes, Locale, NewsDraft, NewsItem,
    QuietHours, Subscription, Target, Zone,
};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatPrefs {
    pub locale: Option<Locale>,
    pub zone: Option<Zone>,
    pub quiet: Option<QuietHours>,
    pub leads: Option<LeadTimes>,
    /// When the chat gets its newsletter digest; `None`: no digest.
    pub digest: Option<DigestPlan>,
    /// The moment of the chat's latest planned digest: the next one holds what came after.
    pub digest_since: Option<DateTime<Utc>>,
    /// False once a platform said the chat is gone (bot blocked, channel deleted): nothing is
    /// sent to it until it speaks to the bot again.
    pub active: bool,
}

impl Default for ChatPrefs {
    fn default() -> Self {
        ChatPrefs {
            locale: None,
            zone: None,
            quiet: None,
            leads: None,
            digest: None,
            digest_since: None,
            active: true,
        }
    }
}

impl ChatPrefs {
    pub fn zone(&self) -> Zone {
        self.zone.unwrap_or_default()
    }

    pub fn leads(&self) -> LeadTimes {
        self.leads.clone().unwrap_or_default()
    }
}

/// A storage failure, as the core sees it: the details stay in the source for the logs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: Vec<CallId>,
    pub updated: Vec<CallId>,
    /// Calls whose deadline moved: their version went up and subscribers will hear of it.
    pub moved: Vec<CallId>,
    pub unchanged: Vec<CallId>,
}

/// A chat that should hear about a call, with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub chat: ChatRef,
    pub prefs: ChatPrefs,
    /// When the earliest of its subscriptions covering the call began.
    pub since: DateTime<Utc>,
}

/// Persistent state of the bot: chat settings, calls and subscriptions.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    async fn chat_prefs(&self, chat: &ChatRef) -> Result<ChatPrefs, StoreError>;
    /// Sets (or with `None` clears) the chat's explicit language.
    async fn set_chat_locale(
        &self,
        chat: &ChatRef,
        locale: Option<Locale>,
    ) -> Result<(), StoreError>;
    async fn set_chat_zone(&self, chat: &ChatRef, zone: Option<Zone>) -> Result<(), StoreError>;
    async fn set_chat_quiet(
        &self,
        chat: &ChatRef,
        quiet: Option<QuietHours>,
    ) -> Result<(), StoreError>;
    async fn set_chat_leads(
        &self,
        chat: &ChatRef,
        leads: Option<LeadTimes>,
    ) -> Result<(), StoreError>;
    async fn set_chat_active(&self, chat: &ChatRef, active: bool) -> Result<(), StoreError>;
    /// Moves everything of chat `from` to chat `to` in one transaction: settings (where `to`
    /// has none of its own), subscriptions, dismissals and pending outbox entries.
    async fn move_chat(&self, from: &ChatRef, to: &ChatRef) -> Result<(), StoreError>;

    /// Adds or updates calls by UID in one transaction: all of them or none. A call whose
    /// deadline moved gets `version + 1` and `changed_at = now`.
    async fn import_calls(
        &self,
        drafts: &[CallDraft],
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError>;
    /// Every call, by deadline.
    async fn calls(&self) -> Result<Vec<Call>, StoreError>;
    /// Calls whose deadline is after `after`, by deadline.
    async fn calls_after(&self, after: DateTime<Utc>) -> Result<Vec<Call>, StoreError>;
    async fn call(&self, id: &CallId) -> Result<Option<Call>, StoreError>;

    /// Subscribes; false when the chat already had this subscription. Subscribing to a call
    /// also takes back an earlier "I've applied" for it.
    async fn subscribe(
        &self,
        chat: &ChatRef,
        target: &Target,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Removes one subscription, or with `None` all of them; returns how many went.
    async fn unsubscribe(&self, chat: &ChatRef, target: Option<&Target>)
    -> Result<u64, StoreError>;
    async fn subscriptions(&self, chat: &ChatRef) -> Result<Vec<Subscription>, StoreError>;
    /// "I've applied, stop reminding me": no more reminders of this call for this chat.
    async fn dismiss(
        &self,
        chat: &ChatRef,
        call: &CallId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn dismissed(&self, chat: &ChatRef) -> Result<Vec<CallId>, StoreError>;
    /// Active chats with a subscription covering the call and no dismissal of it.
    async fn subscribers(&self, call: &Call) -> Result<Vec<Subscriber>, StoreError>;
    /// Every lead-time set in use, the standard one included.
    async fn lead_sets(&self) -> Result<Vec<LeadTimes>, StoreError>;

    /// Sets (or with `None` stops) the chat's digest. Stopping also forgets where the last
    /// digest ended, so a digest turned on again later starts fresh.
    async fn set_chat_digest(
        &self,
        chat: &ChatRef,
        digest: Option<DigestPlan>,
    ) -> Result<(), StoreError>;
    /// Active chats that get a digest, with their settings.
    async fn digest_chats(&self) -> Result<Vec<(ChatRef, ChatPrefs)>, StoreError>;
    /// Moves each chat's `digest_since` forward to the given moment (never back), in one
    /// transaction.
    async fn advance_digests(&self, moves: &[(ChatRef, DateTime<Utc>)]) -> Result<(), StoreError>;

    /// Stores the items that are new (see [`crate::news`] for what counts as the same item)
    /// in one transaction; returns how many were new.
    async fn add_news(&self, drafts: &[NewsDraft], now: DateTime<Utc>)
    -> Result<usize, StoreError>;
    /// Items first seen in `(from, to]`, in the order they arrived.
    async fn news_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<NewsItem>, StoreError>;
    /// What the bot remembers of the feed at `url`.
    async fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError>;
    async fn set_feed_state(&self, state: &FeedState) -> Result<(), StoreError>;

    /// The instant up to which the scheduler has planned, shared by all instances.
    async fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// Moves [`Store::planned_until`] forward (never back).
    async fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError>;
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
