//! The delivery outbox: everything the bot says on its own initiative (reminders, notices,
//! later digests) is first written down as an entry with a unique key, then claimed, sent
//! through a platform's [`Sender`] and marked. Writing first makes a reminder survive a crash;
//! the unique key makes it exist once however many ticks or processes plan it.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;

use crate::{CallId, ChatRef, LeadTime, Response, StoreError};

/// What an entry will say; rendered only when it is sent, in the chat's language and zone of
/// that moment, so "how long is left" is true when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `lead` before the deadline of `version` of the call.
    Reminder {
        call: CallId,
        version: u32,
        lead: LeadTime,
    },
    /// A reminder the user asked to see again later.
    Snoozed { call: CallId, version: u32 },
    /// The deadline moved from `previous` to the one of `version`.
    DeadlineChanged {
        call: CallId,
        version: u32,
        previous: DateTime<Utc>,
    },
    /// The chat's digest of what arrived in `(from, slot]`, due at `slot`.
    Digest {
        from: DateTime<Utc>,
        slot: DateTime<Utc>,
    },
}

impl Notice {
    /// The call it is about; digests are about no one call.
    pub fn call(&self) -> Option<&CallId> {
        match self {
            Notice::Reminder { call, .. }
            | Notice::Snoozed { call, .. }
            | Notice::DeadlineChanged { call, .. } => Some(call),
            Notice::Digest { .. } => None,
        }
    }

    /// What kind of notice it is, as its stored form starts (for logs and metrics).
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Reminder { .. } => "reminder",
            Notice::Snoozed { .. } => "snoozed",
            Notice::DeadlineChanged { .. } => "changed",
            Notice::Digest { .. } => "digest",
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Reminder {
                call,
                version,
                lead,
            } => write!(f, "reminder:{call}:{version}:{}", lead.minutes()),
            Notice::Snoozed { call, version } => write!(f, "snoozed:{call}:{version}"),
            Notice::DeadlineChanged {
                call,
                version,
                previous,
            } => write!(f, "changed:{call}:{version}:{}", previous.timestamp()),
            Notice::Digest { from, slot } => {
                write!(f, "digest:{}:{}", from.timestamp(), slot.timestamp())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a notice: {0:?}")]
pub struct BadNotice(pub String);

impl FromStr for Notice {
    type Err = BadNotice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadNotice(s.chars().take(80).collect());
        let parts: Vec<&str> = s.split(':').collect();
        let call = |i: usize| {
            parts
                .get(i)
                .and_then(|c| CallId::parse(c).ok())
                .ok_or_else(bad)
        };
        let number = |i: usize| {
            parts
                .get(i)
                .and_then(|n| n.parse::<i64>().ok())
                .ok_or_else(bad)
        };
        let version = |i: usize| number(i).and_then(|v| u32::try_from(v).map_err(|_| bad()));
        let instant =
            |i: usize| number(i).and_then(|n| DateTime::from_timestamp(n, 0).ok_or_else(bad));
        match (parts.first().copied(), parts.len()) {
            (Some("reminder"), 4) => Ok(Notice::Reminder {
                call: call(1)?,
                version: version(2)?,
                lead: u32::try_from(number(3)?)
                    .ok()
                    .and_then(|m| LeadTime::from_minutes(m).ok())
                    .ok_or_else(bad)?,
            }),
            (Some("snoozed"), 3) => Ok(Notice::Snoozed {
                call: call(1)?,
                version: version(2)?,
            }),
            (Some("changed"), 4) => Ok(Notice::DeadlineChanged {
                call: call(1)?,
                version: version(2)?,
                previous: instant(3)?,
            }),
            (Some("digest"), 3) => Ok(Notice::Digest {
                from: instant(1)?,
                slot: instant(2)?,
            }),
            _ => Err(bad()),
        }
    }
}

/// Where an entry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryState {
    /// Waiting to be sent (possibly leased to a worker right now).
    Pending,
    Sent,
    /// The platform refused for good (blocked bot, deleted chat).
    Failed,
    /// Planned but superseded (a later reminder of the same call went instead).
    Skipped,
    /// Its moment passed (the deadline went by before it could be sent).
    Dropped,
    /// Withdrawn (unsubscribed, "I've applied", the deadline moved).
    Cancelled,
}

impl EntryState {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Sent => "sent",
            EntryState::Failed => "failed",
            EntryState::Skipped => "skipped",
            EntryState::Dropped => "dropped",
            EntryState::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an outbox state")]
pub struct BadEntryState(pub String);

impl FromStr for EntryState {
    type Err = BadEntryState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pending" => EntryState::Pending,
            "sent" => EntryState::Sent,
            "failed" => EntryState::Failed,
            "skipped" => EntryState::Skipped,
            "dropped" => EntryState::Dropped,
            "cancelled" => EntryState::Cancelled,
            other => return Err(BadEntryState(other.chars().take(32).collect())),
        })
    }
}

/// An entry to create. Its `key` is unique across the outbox: creating it again does nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub key: String,
    pub chat: ChatRef,
    pub notice: Notice,
    /// Not to be sent before this instant (quiet hours, snooze).
    pub not_before: DateTime<Utc>,
    /// Worthless after this instant (the deadline): dropped, and logged, instead of sent.
    pub expires: Option<DateTime<Utc>>,
    /// [`EntryState::Pending`], or [`EntryState::Skipped`] to record a superseded reminder so it
    /// is never planned again.
    pub state: EntryState,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub key: String,
    pub chat: ChatRef,
    pub notice: Notice,
    pub not_before: DateTime<Utc>,
    pub expires: Option<DateTime<Utc>>,
    /// Claims so far, this one included.
    pub attempts: u32,
    pub state: EntryState,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// How a claimed entry ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    Sent,
    /// Try again at `at`.
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    Failed {
        error: String,
    },
    Dropped {
        reason: String,
    },
    Cancelled {
        reason: String,
    },
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

/// The outbox's backlog at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Pending entries, due or not.
    pub pending: u64,
    /// Pending entries whose time has come (the backlog).
    pub due: u64,
    /// The `not_before` of the oldest due entry: how long the backlog has been waiting.
    pub oldest_due: Option<DateTime<Utc>>,
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
    async fn send(&self, chat: &ChatRef, response: &Response, key: &str) -> Result<(), SendError>;
}

/// Why the worker itself did not send an entry, as recorded in its `last_error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Undelivered {
    #[error("the deadline passed before delivery")]
    Expired,
    #[error("no sender for scope {0}")]
    NoSender(String),
    #[error("the chat moved to {0}")]
    Moved(ChatRef),
    #[error("the claim ran out before the entry's turn")]
    LeaseRunningOut,
}

/// What one delivery step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryOutcome {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub dropped: usize,
    pub cancelled: usize,
    /// Entries whose lease was lost before they were marked (another worker took over).
    pub lost: usize,
}

/// Tuning of the delivery worker.
#[derive(Debug, Clone)]
pub struct CourierConfig {
    /// How long a claim lasts. A worker that dies holding entries delays them by at most this.
    pub lease: chrono::Duration,
    /// Entries claimed per step.
    pub batch: usize,
    /// First retry delay; doubled per attempt up to `max_backoff`.
    pub backoff: chrono::Duration,
    pub max_backoff: chrono::Duration,
    /// After this many attempts a transiently failing entry is given up (and logged).
    pub max_attempts: u32,
    /// Entries of a batch in flight at once.
    pub concurrency: usize,
}

impl Default for CourierConfig {
    fn default() -> Self {
        CourierConfig {
            lease: chrono::Duration::minutes(2),
            batch: 128,
            backoff: chrono::Duration::seconds(30),
            max_backoff: chrono::Duration::hours(1),
            max_attempts: 12,
            concurrency: 16,
        }
    }
}

/// The delivery worker: claims due entries, renders them, sends them through the sender of
/// their chat's scope, and marks them. One [`Courier::step`] per call; the caller loops.
pub struct Courier {
    bot: std::sync::Arc<crate::Bot>,
    senders: std::collections::BTreeMap<String, std::sync::Arc<dyn Sender>>,
    config: CourierConfig,
    name: String,
    claims: std::sync::atomic::AtomicU64,
    telemetry: crate::TelemetryRef,
    /// Ends not yet written: (entry id, claim token, how it ended). A send whose mark failed
    /// is remembered, so a database outage does not make the next claimer send it again.
    unmarked: std::sync::Mutex<Vec<(i64, String, Finish)>>,
}

impl Courier {
    /// `name` identifies this worker in claim tokens (host and process, say).
    pub fn new(bot: std::sync::Arc<crate::Bot>, name: impl Into<String>) -> Courier {
        Courier {
            bot,
            senders: Default::default(),
            config: CourierConfig::default(),
            name: name.into(),
            claims: Default::default(),
            telemetry: crate::TelemetryRef::none(),
            unmarked: Default::default(),
        }
    }

    pub fn with_config(mut self, config: CourierConfig) -> Courier {
        self.config = config;
        self
    }

    /// Reports every finished entry to `telemetry`.
    pub fn with_telemetry(mut self, telemetry: crate::TelemetryRef) -> Courier {
        self.telemetry = telemetry;
        self
    }

    /// Delivers entries of chats in `scope` (`tg`, `dc`, `console`) through `sender`.
    pub fn with_sender(mut self, scope: &str, sender: std::sync::Arc<dyn Sender>) -> Courier {
        self.senders.insert(scope.to_owned(), sender);
        self
    }

    fn unmarked(&self) -> std::sync::MutexGuard<'_, Vec<(i64, String, Finish)>> {
        self.unmarked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes the ends a failed mark left behind; nothing new is claimed until they are written.
    async fn mark_unmarked(&self, outbox: &dyn Outbox) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut *self.unmarked());
        let mut left = Vec::new();
        let mut failure = None;
        for (id, token, finish) in pending {
            if failure.is_some() {
                left.push((id, token, finish));
                continue;
            }
            match outbox
                .finish(id, &token, &finish, self.bot.clock().now())
                .await
            {
                Ok(true) => tracing::info!(id, "marked an entry after the database came back"),
                Ok(false) => {
                    tracing::warn!(id, "lost the claim of an entry before it could be marked")
                }
                Err(e) => {
                    left.push((id, token, finish));
                    failure = Some(e);
                }
            }
        }
        self.unmarked().extend(left);
        failure.map_or(Ok(()), Err)
    }

    /// Claims one batch and delivers it.
    pub async fn step(&self) -> Result<DeliveryOutcome, StoreError> {
        let outbox = self.bot.outbox().clone();
        self.mark_unmarked(outbox.as_ref()).await?;
        let now = self.bot.clock().now();
        let serial = self
            .claims
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = format!(
            "{}:{}:{serial}",
            self.name,
            now.timestamp_nanos_opt().unwrap_or_default()
        );
        let scopes: Vec<&str> = self.senders.keys().map(String::as_str).collect();
        let entries = outbox
            .claim(
                &scopes,
                now,
                now + self.config.lease,
                self.config.batch,
                &token,
            )
            .await?;
        // Chats are served concurrently (a platform's pacing decides when each message may
        // go); a chat's own entries go in order. Each entry is marked as soon as its send ended.
        let mut by_chat: Vec<Vec<&Entry>> = Vec::new();
        for entry in &entries {
            match by_chat.iter_mut().find(|g| g[0].chat == entry.chat) {
                Some(group) => group.push(entry),
                None => by_chat.push(vec![entry]),
            }
        }
        let token = token.as_str();
        let outbox = &outbox;
        let ended: Vec<Vec<Result<(Finish, bool), StoreError>>> =
            futures_util::stream::iter(by_chat.into_iter().map(|group| async move {
                let mut results = Vec::with_capacity(group.len());
                for entry in group {
                    let result = async {
                        let finish = self.deliver(entry, now).await?;
                        let marked = match outbox
                            .finish(entry.id, token, &finish, self.bot.clock().now())
                            .await
                        {
                            Ok(marked) => marked,
                            Err(e) if finish == Finish::Sent => {
                                // Sent: marking later beats sending again after the lease.
                                self.unmarked()
                                    .push((entry.id, token.to_owned(), finish));
                                return Err(e);
                            }
                            Err(e) => return Err(e),
                        };
                        self.telemetry
                            .entry_finished(entry.notice.kind(), finish.as_str());
                        if !marked {
                            tracing::warn!(key = %entry.key, "lost the claim before marking the entry");
                        }
                        Ok((finish, marked))
                    }
                    .await;
                    let failed = result.is_err();
                    results.push(result);
                    if failed {
                        break;
                    }
                }
                results
            }))
            .buffered(self.config.concurrency.max(1))
            .collect()
            .await;
        let mut outcome = DeliveryOutcome {
            claimed: entries.len(),
            ..DeliveryOutcome::default()
        };
        for result in ended.into_iter().flatten() {
            let (finish, marked) = result?;
            match finish {
                Finish::Sent => outcome.sent += 1,
                Finish::Retry { .. } => outcome.retried += 1,
                Finish::Failed { .. } => outcome.failed += 1,
                Finish::Dropped { .. } => outcome.dropped += 1,
                Finish::Cancelled { .. } => outcome.cancelled += 1,
            }
            if !marked {
                outcome.lost += 1;
            }
        }
        Ok(outcome)
    }

    async fn deliver(&self, entry: &Entry, now: DateTime<Utc>) -> Result<Finish, StoreError> {
        // A send that starts late in the lease could end after it, when another worker may
        // have claimed the entry again: the last quarter of the lease sends nothing new.
        let current = self.bot.clock().now();
        if current >= now + self.config.lease * 3 / 4 {
            tracing::info!(key = %entry.key, "claim nearly ran out before its turn; released");
            return Ok(Finish::Retry {
                at: current,
                error: Undelivered::LeaseRunningOut.to_string(),
            });
        }
        if entry.expires.is_some_and(|e| e <= now) {
            tracing::warn!(key = %entry.key, chat = %entry.chat, "deadline passed before delivery; dropped");
            return Ok(Finish::Dropped {
                reason: Undelivered::Expired.to_string(),
            });
        }
        let rendered = match &entry.notice {
            Notice::Digest { from, slot } => self
                .bot
                .render_digest(&entry.chat, *from, *slot, now)
                .await?
                .map_err(|skipped| skipped.to_string()),
            notice => self
                .bot
                .render_notice(&entry.chat, notice, now)
                .await?
                .map_err(|stale| stale.to_string()),
        };
        let response = match rendered {
            Ok(r) => r,
            Err(reason) => {
                tracing::info!(key = %entry.key, %reason, "not sent");
                return Ok(Finish::Cancelled { reason });
            }
        };
        let Some(sender) = self.senders.get(entry.chat.scope()) else {
            // Claimed only for our scopes, so this is a defect; leave it for another worker.
            return Ok(Finish::Retry {
                at: now + self.config.lease,
                error: Undelivered::NoSender(entry.chat.scope().to_owned()).to_string(),
            });
        };
        match sender.send(&entry.chat, &response, &entry.key).await {
            Ok(()) => {
                tracing::debug!(key = %entry.key, "sent");
                Ok(Finish::Sent)
            }
            Err(SendError::Permanent { reason }) => {
                tracing::warn!(chat = %entry.chat, %reason, "chat unreachable for good");
                self.bot.chat_gone(&entry.chat).await?;
                Ok(Finish::Failed { error: reason })
            }
            Err(SendError::Refused { reason }) => {
                tracing::error!(key = %entry.key, chat = %entry.chat, %reason, "the platform refused the message");
                Ok(Finish::Failed { error: reason })
            }
            Err(SendError::Moved { to }) => {
                self.bot.chat_moved(&entry.chat, &to).await?;
                Ok(Finish::Retry {
                    at: now,
                    error: Undelivered::Moved(to).to_string(),
                })
            }
            Err(SendError::Transient {
                reason,
                retry_after,
            }) => {
                if entry.attempts >= self.config.max_attempts {
                    tracing::error!(key = %entry.key, attempts = entry.attempts, %reason, "giving up after repeated failures");
                    return Ok(Finish::Failed { error: reason });
                }
                let backoff = backoff(&self.config, entry.attempts);
                let wait = retry_after
                    .and_then(|d| chrono::Duration::from_std(d).ok())
                    .map_or(backoff, |platform| {
                        platform.max(chrono::Duration::seconds(1))
                    });
                tracing::info!(key = %entry.key, %reason, retry_in = %wait, "will retry");
                Ok(Finish::Retry {
                    at: now + wait,
                    error: reason,
                })
            }
        }
    }
}

impl Finish {
    /// The word for how it ended, as metrics label it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Finish::Sent => "sent",
            Finish::Retry { .. } => "retried",
            Finish::Failed { .. } => "failed",
            Finish::Dropped { .. } => "dropped",
            Finish::Cancelled { .. } => "cancelled",
        }
    }
}

/// The wait before retry number `attempts`: `backoff × 2^(attempts − 1)`, capped.
fn backoff(config: &CourierConfig, attempts: u32) -> chrono::Duration {
    let factor = 1i32 << attempts.saturating_sub(1).min(16);
    (config.backoff * factor).min(config.max_backoff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip() {
        let call = CallId::parse("cba-2024").unwrap();
        for n in [
            Notice::Reminder {
                call: call.clone(),
                version: 2,
                lead: LeadTime::parse("1d").unwrap(),
            },
            Notice::Snoozed {
                call: call.clone(),
                version: 1,
            },
            Notice::DeadlineChanged {
                call,
                version: 3,
                previous: DateTime::from_timestamp(1_729_201_140, 0).unwrap(),
            },
            Notice::Digest {
                from: DateTime::from_timestamp(1_795_000_000, 0).unwrap(),
                slot: DateTime::from_timestamp(1_795_600_000, 0).unwrap(),
            },
        ] {
            assert_eq!(n.to_string().parse::<Notice>().unwrap(), n);
        }
        for bad in [
            "",
            "reminder:x",
            "reminder:cba:1:1",
            "nope:a:1",
            "changed:a:-1:0",
            "digest:1",
            "digest:x:1",
        ] {
            assert!(bad.parse::<Notice>().is_err(), "{bad}");
        }
    }

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let config = CourierConfig::default();
        let waits: Vec<i64> = (1..=9).map(|a| backoff(&config, a).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(&config, 1000).num_seconds(), 3600);
    }
}
