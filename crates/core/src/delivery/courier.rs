//! The courier: everything the bot says on its own initiative (reminders, notices, digests) is
//! first written down as an outbox entry with a unique key; [`Courier::step`] claims due
//! entries, renders each ([`crate::conversation::Bot::render`]), sends it through the
//! platform's [`Sender`] and marks it. Writing first makes a reminder survive a crash; the
//! unique key makes it exist once however many ticks or processes plan it.

use crate::conversation::Rendered;
use crate::model::chat::ChatRef;
use crate::model::outbox::Entry;
use crate::model::outbox::Finish;
use crate::ports::Outbox;
use crate::ports::SendError;
use crate::ports::Sender;
use crate::ports::StoreError;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;

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
    bot: std::sync::Arc<crate::conversation::Bot>,
    senders: std::collections::BTreeMap<String, std::sync::Arc<dyn Sender>>,
    config: CourierConfig,
    name: String,
    claims: std::sync::atomic::AtomicU64,
    telemetry: crate::ports::TelemetryRef,
    /// Ends not yet written: (entry id, claim token, how it ended). A send whose mark failed
    /// is remembered, so a database outage does not make the next claimer send it again.
    unmarked: std::sync::Mutex<Vec<(i64, String, Finish)>>,
}

impl Courier {
    /// `name` identifies this worker in claim tokens (host and process, say).
    pub fn new(bot: std::sync::Arc<crate::conversation::Bot>, name: impl Into<String>) -> Courier {
        Courier {
            bot,
            senders: Default::default(),
            config: CourierConfig::default(),
            name: name.into(),
            claims: Default::default(),
            telemetry: crate::ports::TelemetryRef::none(),
            unmarked: Default::default(),
        }
    }

    pub fn with_config(mut self, config: CourierConfig) -> Courier {
        self.config = config;
        self
    }

    /// Reports every finished entry to `telemetry`.
    pub fn with_telemetry(mut self, telemetry: crate::ports::TelemetryRef) -> Courier {
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
        let response = match self.bot.render(&entry.chat, &entry.notice, now).await? {
            Rendered::Send(response) => response,
            Rendered::Skip(skip) => {
                let reason = skip.to_string();
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

/// The wait before retry number `attempts`: `backoff × 2^(attempts − 1)`, capped.
fn backoff(config: &CourierConfig, attempts: u32) -> chrono::Duration {
    let factor = 1i32 << attempts.saturating_sub(1).min(16);
    (config.backoff * factor).min(config.max_backoff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let config = CourierConfig::default();
        let waits: Vec<i64> = (1..=9).map(|a| backoff(&config, a).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(&config, 1000).num_seconds(), 3600);
    }
}
