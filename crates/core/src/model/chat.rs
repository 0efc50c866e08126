//! Chats: where a conversation lives (`ChatRef`), what it has chosen (`ChatPrefs`, `DigestPlan`)
//! and who follows a call (`Subscriber`).

use std::{fmt, str::FromStr};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};

use crate::model::call::LeadTimes;
use crate::model::call::QuietHours;
use crate::model::call::Zone;
use crate::model::locale::Locale;

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

/// A chat that should hear about a call, with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub chat: ChatRef,
    pub prefs: ChatPrefs,
    /// When the earliest of its subscriptions covering the call began.
    pub since: DateTime<Utc>,
}

/// When a chat gets its digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestPlan {
    Daily { at: NaiveTime },
    Weekly { day: Weekday, at: NaiveTime },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a digest schedule: {0:?}")]
pub struct BadDigestPlan(pub String);

impl DigestPlan {
    /// Monday 09:00, the chat's time.
    pub const DEFAULT: DigestPlan = DigestPlan::Weekly {
        day: Weekday::Mon,
        at: NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"),
    };

    pub fn at(self) -> NaiveTime {
        match self {
            DigestPlan::Daily { at } | DigestPlan::Weekly { at, .. } => at,
        }
    }

    /// The time between two digests.
    pub fn period(self) -> Duration {
        match self {
            DigestPlan::Daily { .. } => Duration::days(1),
            DigestPlan::Weekly { .. } => Duration::days(7),
        }
    }

    fn on(self, date: NaiveDate) -> bool {
        match self {
            DigestPlan::Daily { .. } => true,
            DigestPlan::Weekly { day, .. } => date.weekday() == day,
        }
    }

    /// The moment of the digest on a local date (whether or not the plan sends one that day).
    fn moment(self, zone: Zone, date: NaiveDate) -> DateTime<Utc> {
        crate::model::call::resolve_local(zone, date.and_time(self.at()))
    }

    /// The latest digest moment at or before `at`.
    pub fn latest(self, zone: Zone, at: DateTime<Utc>) -> DateTime<Utc> {
        let today = zone.local(at).date_naive();
        (0..=8)
            .filter_map(|back| today.checked_sub_days(chrono::Days::new(back)))
            .filter(|d| self.on(*d))
            .map(|d| self.moment(zone, d))
            .find(|m| *m <= at)
            .unwrap_or(at - self.period())
    }

    /// The first digest moment after `at`.
    pub fn next(self, zone: Zone, at: DateTime<Utc>) -> DateTime<Utc> {
        let today = zone.local(at).date_naive();
        (0..=8)
            .filter_map(|ahead| today.checked_add_days(chrono::Days::new(ahead)))
            .filter(|d| self.on(*d))
            .map(|d| self.moment(zone, d))
            .find(|m| *m > at)
            .unwrap_or(at + self.period())
    }
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// The stored form: `daily 09:00`, `weekly fri 14:00`.
impl fmt::Display for DigestPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at();
        match self {
            DigestPlan::Daily { .. } => write!(f, "daily {:02}:{:02}", at.hour(), at.minute()),
            DigestPlan::Weekly { day, .. } => write!(
                f,
                "weekly {} {:02}:{:02}",
                weekday_code(*day),
                at.hour(),
                at.minute()
            ),
        }
    }
}

impl FromStr for DigestPlan {
    type Err = BadDigestPlan;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadDigestPlan(s.chars().take(40).collect());
        let stored_time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad());
        let words: Vec<&str> = s.split_whitespace().collect();
        match words.as_slice() {
            ["daily", at] => Ok(DigestPlan::Daily {
                at: stored_time(at)?,
            }),
            ["weekly", day, at] => Ok(DigestPlan::Weekly {
                day: day.parse().map_err(|_| bad())?,
                at: stored_time(at)?,
            }),
            _ => Err(bad()),
        }
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
