//! What the bot will say on its own initiative: outbox entries, their keys and states.

use crate::model::call::CallId;
use crate::model::call::LeadTime;
use crate::model::chat::ChatRef;
use chrono::{DateTime, NaiveDate, Utc};
use std::{fmt, str::FromStr};

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

/// The unique key of an outbox entry: what makes planning the same message twice a no-op,
/// across ticks and instances. Its text form is what the database stores, so it never changes
/// for an existing kind (the field orders are historical); [`OutboxKey::from_str`] reads it back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OutboxKey {
    /// One per chat, call, lead time and deadline version.
    Reminder {
        chat: ChatRef,
        call: CallId,
        lead: LeadTime,
        version: u32,
    },
    /// One per chat, call and deadline version.
    Changed {
        chat: ChatRef,
        call: CallId,
        version: u32,
    },
    /// One per chat, call, version and the moment it was snoozed to.
    Snoozed {
        chat: ChatRef,
        call: CallId,
        version: u32,
        at: DateTime<Utc>,
    },
    /// One per chat and local date of the digest's moment.
    Digest { chat: ChatRef, date: NaiveDate },
}

impl OutboxKey {
    pub fn chat(&self) -> &ChatRef {
        match self {
            OutboxKey::Reminder { chat, .. }
            | OutboxKey::Changed { chat, .. }
            | OutboxKey::Snoozed { chat, .. }
            | OutboxKey::Digest { chat, .. } => chat,
        }
    }
}

impl fmt::Display for OutboxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutboxKey::Reminder {
                chat,
                call,
                lead,
                version,
            } => write!(f, "reminder:{chat}:{call}:{}:{version}", lead.minutes()),
            OutboxKey::Changed {
                chat,
                call,
                version,
            } => write!(f, "changed:{chat}:{call}:{version}"),
            OutboxKey::Snoozed {
                chat,
                call,
                version,
                at,
            } => write!(f, "snoozed:{chat}:{call}:{version}:{}", at.timestamp()),
            OutboxKey::Digest { chat, date } => write!(f, "digest:{chat}:{date}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an outbox key")]
pub struct BadOutboxKey(pub String);

impl FromStr for OutboxKey {
    type Err = BadOutboxKey;

    /// Reads the fields after the chat from the right, since a chat id may hold `:`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadOutboxKey(s.chars().take(80).collect());
        let (kind, rest) = s.split_once(':').ok_or_else(bad)?;
        let tail = match kind {
            "reminder" | "snoozed" => 3,
            "changed" => 2,
            "digest" => 1,
            _ => return Err(bad()),
        };
        let mut fields: Vec<&str> = rest.rsplitn(tail + 1, ':').collect();
        if fields.len() != tail + 1 {
            return Err(bad());
        }
        fields.reverse();
        let chat: ChatRef = fields[0].parse().map_err(|_| bad())?;
        let call = || CallId::parse(fields[1]).map_err(|_| bad());
        let number = |i: usize| fields[i].parse::<u32>().map_err(|_| bad());
        Ok(match kind {
            "reminder" => OutboxKey::Reminder {
                chat,
                call: call()?,
                lead: LeadTime::from_minutes(number(2)?).map_err(|_| bad())?,
                version: number(3)?,
            },
            "changed" => OutboxKey::Changed {
                chat,
                call: call()?,
                version: number(2)?,
            },
            "snoozed" => OutboxKey::Snoozed {
                chat,
                call: call()?,
                version: number(2)?,
                at: fields[3]
                    .parse::<i64>()
                    .ok()
                    .and_then(|t| DateTime::from_timestamp(t, 0))
                    .ok_or_else(bad)?,
            },
            _ => OutboxKey::Digest {
                chat,
                date: fields[1].parse().map_err(|_| bad())?,
            },
        })
    }
}

/// An entry to create. Its `key` is unique across the outbox: creating it again does nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub key: OutboxKey,
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
    pub key: OutboxKey,
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
    fn outbox_keys_keep_their_stored_form() {
        let chat: ChatRef = "dc:channel:987".parse().unwrap();
        let call = CallId::parse("cba-2024").unwrap();
        let cases = [
            (
                OutboxKey::Reminder {
                    chat: chat.clone(),
                    call: call.clone(),
                    lead: LeadTime::parse("1d").unwrap(),
                    version: 2,
                },
                "reminder:dc:channel:987:cba-2024:1440:2",
            ),
            (
                OutboxKey::Changed {
                    chat: chat.clone(),
                    call: call.clone(),
                    version: 3,
                },
                "changed:dc:channel:987:cba-2024:3",
            ),
            (
                OutboxKey::Snoozed {
                    chat: chat.clone(),
                    call,
                    version: 1,
                    at: DateTime::from_timestamp(1_795_000_000, 0).unwrap(),
                },
                "snoozed:dc:channel:987:cba-2024:1:1795000000",
            ),
            (
                OutboxKey::Digest {
                    chat,
                    date: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
                },
                "digest:dc:channel:987:2026-11-16",
            ),
        ];
        for (key, text) in cases {
            assert_eq!(key.to_string(), text);
            assert_eq!(text.parse::<OutboxKey>().unwrap(), key);
        }
        for bad in [
            "",
            "reminder:tg:1:cba:1440",
            "reminder:tg:1:cba:1:2",
            "changed:tg:1:Bad Id:2",
            "digest:tg:1:2026-13-01",
            "digest:nochat:2026-11-16",
            "nope:tg:1:x",
        ] {
            assert!(bad.parse::<OutboxKey>().is_err(), "{bad}");
        }
    }
}
