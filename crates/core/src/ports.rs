//! The traits through which the core reaches the world: storage, the outbox, senders, the clock,
//! the shared send budget and telemetry. Adapters implement them; the core holds no I/O.

use std::{
    fmt,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};

use crate::model::call::Call;
use crate::model::call::CallDraft;
use crate::model::call::CallId;
use crate::model::call::ImportReport;
use crate::model::call::LeadTimes;
use crate::model::call::QuietHours;
use crate::model::call::Subscription;
use crate::model::call::Target;
use crate::model::call::Zone;
use crate::model::chat::ChatPrefs;
use crate::model::chat::ChatRef;
use crate::model::chat::DigestPlan;
use crate::model::chat::Subscriber;
use crate::model::locale::Locale;
use crate::model::news::FeedState;
use crate::model::news::NewsDraft;
use crate::model::news::NewsItem;
use crate::model::outbox::Entry;
use crate::model::outbox::Finish;
use crate::model::outbox::NewEntry;
use crate::model::outbox::OutboxKey;
use crate::model::outbox::OutboxStats;
use crate::model::reply::Response;

/// A storage failure, as the core sees it: the details stay in the source for the logs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

/// Everything the bot keeps, by concern. A consumer that needs one concern takes that trait
/// (the feeds take a [`NewsStore`]); a wrapper implements only the concern it changes.
pub trait Store: ChatStore + CallStore + NewsStore + PlanStore {}

impl<T: ChatStore + CallStore + NewsStore + PlanStore + ?Sized> Store for T {}

/// Each chat's settings: language, zone, quiet hours, lead times, digest plan, activity.
#[async_trait::async_trait]
pub trait ChatStore: Send + Sync {
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

    /// Sets (or with `None` stops) the chat's digest. Stopping also forgets where the last
    /// digest ended, so a digest turned on again later starts fresh.
    async fn set_chat_digest(
        &self,
        chat: &ChatRef,
        digest: Option<DigestPlan>,
    ) -> Result<(), StoreError>;
}

/// Calls, subscriptions to them and "I've applied" dismissals.
#[async_trait::async_trait]
pub trait CallStore: Send + Sync {
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
}

/// News items for digests and the state of each feed.
#[async_trait::async_trait]
pub trait NewsStore: Send + Sync {
    /// Stores the items that are new (see [`crate::model::news`] for what counts as the same item)
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
}

/// What planning has done: digest cursors and the instant planned up to.
#[async_trait::async_trait]
pub trait PlanStore: Send + Sync {
    /// Active chats that get a digest, with their settings.
    async fn digest_chats(&self) -> Result<Vec<(ChatRef, ChatPrefs)>, StoreError>;

    /// Moves each chat's `digest_since` forward to the given moment (never back), in one
    /// transaction.
    async fn advance_digests(&self, moves: &[(ChatRef, DateTime<Utc>)]) -> Result<(), StoreError>;

    /// The instant up to which the scheduler has planned, shared by all instances.
    async fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Moves [`Store::planned_until`] forward (never back).
    async fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError>;
}

/// The outbox's storage.
#[async_trait::async_trait]
pub trait Outbox: Send + Sync {
    /// Inserts the entries whose key is new, in one transaction; returns how many were new.
    async fn enqueue(&self, entries: &[NewEntry]) -> Result<usize, StoreError>;
    /// Leases up to `limit` pending entries due at `now` whose chat is in one of `scopes` to
    /// `token` until `until`. An entry whose lease ran out (its worker died) is claimable again.
    async fn claim(
        &self,
        scopes: &[&str],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
        token: &str,
    ) -> Result<Vec<Entry>, StoreError>;
    /// Records how a claimed entry ended; false when the claim was lost meanwhile.
    async fn finish(
        &self,
        id: i64,
        token: &str,
        finish: &Finish,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Cancels a chat's pending entries of one call, or with `None` of every call (its
    /// digests stay); returns how many.
    async fn cancel_pending(
        &self,
        chat: &ChatRef,
        call: Option<&CallId>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// A chat's entries (or all with `None`), oldest first: for operators and tests.
    async fn entries(&self, chat: Option<&ChatRef>) -> Result<Vec<Entry>, StoreError>;
    /// How much is waiting at `now`, for metrics and alerts.
    async fn stats(&self, now: DateTime<Utc>) -> Result<OutboxStats, StoreError>;
}

/// Why a platform did not take a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying: network trouble, 5xx, rate limits (with the platform's `retry_after`).
    #[error("temporary failure: {reason}")]
    Transient {
        reason: String,
        retry_after: Option<std::time::Duration>,
    },
    /// Never worth retrying: the user blocked the bot, the chat is gone.
    #[error("permanent failure: {reason}")]
    Permanent { reason: String },
    /// The platform refused this message (malformed, too big) but the chat is fine: the entry
    /// fails, the chat keeps its reminders.
    #[error("refused: {reason}")]
    Refused { reason: String },
    /// The chat now lives under another id (a group upgraded to a supergroup): move it and
    /// send there.
    #[error("the chat moved to {to}")]
    Moved { to: ChatRef },
}

/// A front end's way of sending a message on its own initiative. Adapters implement it.
#[async_trait::async_trait]
pub trait Sender: Send + Sync {
    /// Sends `response` to `chat`. `key` is the outbox entry's key: the same on every retry of
    /// this delivery, so platforms that de-duplicate by a client nonce (Discord) can make a
    /// retried send arrive once.
    async fn send(
        &self,
        chat: &ChatRef,
        response: &Response,
        key: &OutboxKey,
    ) -> Result<(), SendError>;
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

/// A send budget shared by every instance of the bot. Platform limits count per bot, not per
/// process: with several instances, each books its global slot here (the store keeps one
/// timeline per platform) while the per-chat limits stay with the local [`Pacer`].
#[async_trait::async_trait]
pub trait SharedPace: Send + Sync {
    /// Takes the next free slot at least `after` from now and waits for it: returns when the
    /// message may go.
    async fn take_turn(&self, after: Duration) -> Result<(), crate::ports::StoreError>;
    /// Books nothing for anyone before `wait` from now (the platform said to wait).
    async fn hold(&self, wait: Duration) -> Result<(), crate::ports::StoreError>;
}

/// The shared budget could not be reached: a send waits (transient failure) rather than go
/// unpaced and break the limit for every instance.
#[derive(Debug, thiserror::Error)]
#[error("the shared send budget is unavailable: {0}")]
pub struct PaceUnavailable(pub crate::ports::StoreError);

/// How one platform request that carried a message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendResult {
    Ok,
    /// The platform said "too many requests" (HTTP 429).
    RateLimited,
    /// Any other failure.
    Error,
}

impl SendResult {
    pub fn as_str(self) -> &'static str {
        match self {
            SendResult::Ok => "ok",
            SendResult::RateLimited => "rate_limited",
            SendResult::Error => "error",
        }
    }
}

/// Events worth counting. Every method has a do-nothing default, so a front end without an
/// operator (tests, `ecabot chat`) passes [`NoTelemetry`]. `scope` is the platform (`tg`, `dc`).
pub trait Telemetry: Send + Sync {
    /// An update (message, button press, command) arrived from the platform.
    fn update_received(&self, _scope: &str) {}
    /// The bot answered a person (one reply, however many messages it took).
    fn reply_sent(&self, _scope: &str) {}
    /// One request that carried a message to the platform ended after `latency` on the wire
    /// (pacing waits not included).
    fn message_sent(&self, _scope: &str, _result: SendResult, _latency: Duration) {}
    /// The delivery worker finished an outbox entry: `kind` is the notice's kind (`reminder`,
    /// `digest`, …) and `result` how it ended (`sent`, `retried`, `failed`, `dropped`, …).
    fn entry_finished(&self, _kind: &str, _result: &str) {}
}

/// Counts nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTelemetry;

impl Telemetry for NoTelemetry {}

/// A shared handle to the process's telemetry; `Debug` so configs holding one stay printable.
#[derive(Clone)]
pub struct TelemetryRef(pub Arc<dyn Telemetry>);

impl TelemetryRef {
    pub fn none() -> TelemetryRef {
        TelemetryRef(Arc::new(NoTelemetry))
    }
}

impl Default for TelemetryRef {
    fn default() -> Self {
        TelemetryRef::none()
    }
}

impl std::ops::Deref for TelemetryRef {
    type Target = dyn Telemetry;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}

impl fmt::Debug for TelemetryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TelemetryRef")
    }
}
