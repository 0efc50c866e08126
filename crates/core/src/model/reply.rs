//! What the core answers: platform-neutral values each front end renders natively.

use std::{fmt, str::FromStr};

use crate::model::call::CallId;
use crate::model::call::LeadTime;
use crate::model::locale::Locale;
use crate::model::markup::Rich;
use crate::model::topic::TopicId;

/// Something a user can do by pressing a button. Encoded as a short stable string for callback
/// data (Telegram allows 64 bytes, Discord 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Topic(TopicId),
    Topics,
    Language(Locale),
    /// Remind this chat of a call.
    Subscribe(CallId),
    Unsubscribe(CallId),
    /// Show this call's reminder again after a while.
    Snooze(CallId, LeadTime),
    /// "I've applied": no more reminders of this call here.
    Applied(CallId),
}

impl Action {
    /// Whether pressing it changes the chat's subscriptions or settings.
    pub fn changes_settings(&self) -> bool {
        match self {
            Action::Topic(_) | Action::Topics => false,
            Action::Language(_)
            | Action::Subscribe(_)
            | Action::Unsubscribe(_)
            | Action::Snooze(..)
            | Action::Applied(_) => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a button action: {0:?}")]
pub struct BadAction(pub String);

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Topic(t) => write!(f, "topic:{t}"),
            Action::Topics => f.write_str("topics"),
            Action::Language(l) => write!(f, "lang:{l}"),
            Action::Subscribe(c) => write!(f, "sub:{c}"),
            Action::Unsubscribe(c) => write!(f, "unsub:{c}"),
            Action::Snooze(c, after) => write!(f, "snooze:{c}:{}", after.minutes()),
            Action::Applied(c) => write!(f, "done:{c}"),
        }
    }
}

impl FromStr for Action {
    type Err = BadAction;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadAction(s.chars().take(64).collect());
        match s.split_once(':') {
            None if s == "topics" => Ok(Action::Topics),
            Some(("topic", t)) => t.parse().map(Action::Topic).map_err(|_| bad()),
            Some(("lang", l)) => Locale::parse(l).map(Action::Language).map_err(|_| bad()),
            Some(("sub", c)) => CallId::parse(c).map(Action::Subscribe).map_err(|_| bad()),
            Some(("unsub", c)) => CallId::parse(c).map(Action::Unsubscribe).map_err(|_| bad()),
            Some(("done", c)) => CallId::parse(c).map(Action::Applied).map_err(|_| bad()),
            Some(("snooze", rest)) => {
                let (c, m) = rest.split_once(':').ok_or_else(bad)?;
                let call = CallId::parse(c).map_err(|_| bad())?;
                let minutes = m.parse().map_err(|_| bad())?;
                let after = LeadTime::from_minutes(minutes).map_err(|_| bad())?;
                Ok(Action::Snooze(call, after))
            }
            _ => Err(bad()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Button {
    pub label: String,
    #[serde(serialize_with = "display")]
    pub action: Action,
}

fn display<S: serde::Serializer>(a: &Action, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(a)
}

/// A file to send along, e.g. an `.ics` calendar.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attachment {
    pub file_name: String,
    pub media_type: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// One message to the user.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Reply {
    pub body: Rich,
    /// Buttons in order; front ends lay them out within their own limits.
    pub buttons: Vec<Button>,
    pub attachment: Option<Attachment>,
}

impl Reply {
    pub fn new(body: Rich) -> Reply {
        Reply {
            body,
            ..Reply::default()
        }
    }

    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Reply {
        self.buttons = buttons;
        self
    }
}

/// What the bot took a request for (`ask --json`'s `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Free text understood as a topic (`topic` says which).
    Topic,
    /// Free text understood as small talk: a greeting, thanks, "who are you"…
    SmallTalk,
    /// Free text not understood (`topic` is none).
    Unknown,
    /// A command or a button: nothing had to be understood.
    Command,
}

/// Everything the bot says in answer to one request.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Response {
    /// The language answered in.
    pub locale: Locale,
    /// The topic answered, when the input was understood as one.
    pub topic: Option<TopicId>,
    pub kind: Kind,
    pub replies: Vec<Reply>,
}

impl Response {
    /// All replies as plain text, separated by blank lines.
    pub fn plain_text(&self) -> String {
        self.replies
            .iter()
            .map(|r| r.body.to_plain())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_and_fit_callback_data() {
        for a in [
            Action::Topics,
            Action::Topic("cluster-organisations".parse().unwrap()),
            Action::Language(Locale::parse("fi").unwrap()),
            Action::Subscribe(CallId::parse(&"c".repeat(crate::model::call::MAX_CALL_ID)).unwrap()),
            Action::Unsubscribe(CallId::parse("cba-2024").unwrap()),
            Action::Applied(CallId::parse("cba-2024").unwrap()),
            Action::Snooze(
                CallId::parse(&"c".repeat(crate::model::call::MAX_CALL_ID)).unwrap(),
                LeadTime::parse("60d").unwrap(),
            ),
        ] {
            let s = a.to_string();
            assert!(s.len() <= 64);
            assert_eq!(s.parse::<Action>().unwrap(), a);
        }
        assert!("topic:weather".parse::<Action>().is_err());
        assert!("rm -rf".parse::<Action>().is_err());
        assert!("snooze:cba:1".parse::<Action>().is_err());
        assert!("sub:Not An Id".parse::<Action>().is_err());
    }
}
