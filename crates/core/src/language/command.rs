//! Commands shared by every front end, parsed once here.

use crate::model::topic::TopicId;

/// A command the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start [payload]`: a welcome, or a deep link (`/start join`).
    Start(Option<String>),
    Help,
    Topics,
    /// `/language [code|auto]`; the argument is kept raw so a bad code gets a localized reply.
    Language(Option<String>),
    /// `/<topic-id> [argument]`, e.g. `/members Poland`.
    Topic(TopicId, Option<String>),
    /// `/subscribe [call-id|topic|all]`.
    Subscribe(Option<String>),
    /// `/unsubscribe [call-id|topic|all]`; without an argument, everything.
    Unsubscribe(Option<String>),
    Subscriptions,
    /// `/remind 3d 2h`, `/remind default`, or `/remind` to show the lead times.
    Remind(Option<String>),
    /// `/timezone Europe/Helsinki`, or `/timezone` to show it.
    Timezone(Option<String>),
    /// `/quiet 22:00-07:00`, `/quiet off`, or `/quiet` to show them.
    Quiet(Option<String>),
    Calls,
    /// The chat's subscribed deadlines as an iCalendar file.
    Ics,
    /// `/digest daily|weekly [day] [HH:MM]`, `/digest off`, `/digest preview`, or `/digest`
    /// to show the setting.
    Digest(Option<String>),
    /// A slash command nobody knows; the name is kept (bounded) for the reply.
    Unknown(String),
}

impl Command {
    /// Whether the command changes the chat's subscriptions or settings (and so, in a group,
    /// needs an administrator). Showing a setting changes nothing.
    pub fn changes_settings(&self) -> bool {
        match self {
            Command::Start(payload) => payload.as_deref().is_some_and(|p| p.starts_with("sub-")),
            Command::Subscribe(_) | Command::Unsubscribe(_) => true,
            Command::Language(arg)
            | Command::Remind(arg)
            | Command::Timezone(arg)
            | Command::Quiet(arg) => arg.is_some(),
            // A malformed request changes nothing: it gets its own answer, not a refusal.
            Command::Digest(arg) => {
                crate::language::digest_words::DigestRequest::parse(arg.as_deref())
                    .is_ok_and(|r| r.changes_settings())
            }
            Command::Help
            | Command::Topics
            | Command::Topic(..)
            | Command::Subscriptions
            | Command::Calls
            | Command::Ics
            | Command::Unknown(_) => false,
        }
    }
}

/// What a line of input is, as far as commands go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Command(Command),
    /// `/cmd@OtherBot` in a group: not ours, stay silent.
    ForAnotherBot,
    NotACommand,
}

const MAX_NAME: usize = 32;

impl Command {
    /// Parses `/name[@bot] [argument]`. `own_name` is the bot's username on platforms that
    /// address commands (`/help@ecabot`); a command addressed to another bot is not ours.
    pub fn parse(text: &str, own_name: Option<&str>) -> Parsed {
        let text = text.trim();
        let Some(rest) = text.strip_prefix('/') else {
            return Parsed::NotACommand;
        };
        let (head, arg) = match rest.split_once(char::is_whitespace) {
            Some((h, a)) => (
                h,
                Some(a.trim()).filter(|a| !a.is_empty()).map(str::to_owned),
            ),
            None => (rest, None),
        };
        let (name, addressee) = match head.split_once('@') {
            Some((n, a)) => (n, Some(a)),
            None => (head, None),
        };
        if let (Some(to), Some(own)) = (addressee, own_name)
            && !to.eq_ignore_ascii_case(own)
        {
            return Parsed::ForAnotherBot;
        }
        if name.is_empty() {
            return Parsed::NotACommand;
        }
        let key = name.to_lowercase().replace('_', "-");
        let command = match key.as_str() {
            "start" => Command::Start(arg),
            "help" | "apua" => Command::Help,
            "topics" | "menu" => Command::Topics,
            "language" | "lang" | "kieli" => Command::Language(arg),
            "subscribe" | "tilaa" => Command::Subscribe(arg),
            "unsubscribe" | "stop" | "peru" => Command::Unsubscribe(arg),
            "subscriptions" | "tilaukset" => Command::Subscriptions,
            "remind" | "muistuta" => Command::Remind(arg),
            "timezone" | "tz" | "aikavyohyke" => Command::Timezone(arg),
            "quiet" | "hiljaa" => Command::Quiet(arg),
            "calls" | "haut" => Command::Calls,
            "ics" | "calendar" | "kalenteri" => Command::Ics,
            "digest" | "news" | "kooste" | "uutiset" => Command::Digest(arg),
            other => match other.parse::<TopicId>() {
                Ok(topic) => Command::Topic(topic, arg),
                Err(_) => Command::Unknown(name.chars().take(MAX_NAME).collect()),
            },
        };
        Parsed::Command(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(text: &str) -> Command {
        match Command::parse(text, Some("ecabot")) {
            Parsed::Command(c) => c,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn parses_commands() {
        assert_eq!(cmd("/start"), Command::Start(None));
        assert_eq!(cmd("/start join"), Command::Start(Some("join".into())));
        assert_eq!(cmd("/help@EcaBot"), Command::Help);
        assert_eq!(cmd("/language fi"), Command::Language(Some("fi".into())));
        assert_eq!(
            cmd("/members   Poland "),
            Command::Topic("members".parse().unwrap(), Some("Poland".into()))
        );
        assert_eq!(
            cmd("/cluster_organisations"),
            Command::Topic("cluster-organisations".parse().unwrap(), None)
        );
        assert_eq!(
            cmd("/Cluster-Organisations"),
            Command::Topic("cluster-organisations".parse().unwrap(), None)
        );
        assert_eq!(
            cmd("/frobnicate now"),
            Command::Unknown("frobnicate".into())
        );
        assert_eq!(
            Command::parse("/help@otherbot", Some("ecabot")),
            Parsed::ForAnotherBot
        );
        assert_eq!(
            cmd("/subscribe cba-2024"),
            Command::Subscribe(Some("cba-2024".into()))
        );
        assert_eq!(cmd("/unsubscribe"), Command::Unsubscribe(None));
        assert_eq!(cmd("/remind 3d 2h"), Command::Remind(Some("3d 2h".into())));
        assert_eq!(
            cmd("/timezone@ecabot Europe/Helsinki"),
            Command::Timezone(Some("Europe/Helsinki".into()))
        );
        assert_eq!(cmd("/quiet off"), Command::Quiet(Some("off".into())));
        assert_eq!(cmd("/calls"), Command::Calls);
        assert_eq!(cmd("/ics"), Command::Ics);
        assert_eq!(cmd("/subscriptions"), Command::Subscriptions);
        assert_eq!(
            cmd("/digest weekly fri 14:00"),
            Command::Digest(Some("weekly fri 14:00".into()))
        );
        assert!(cmd("/digest daily").changes_settings());
        assert!(!cmd("/digest preview").changes_settings());
        assert!(!cmd("/digest").changes_settings());
        assert_eq!(Command::parse("hello /help", None), Parsed::NotACommand);
        assert_eq!(Command::parse("/", None), Parsed::NotACommand);
        assert_eq!(Command::parse("/ x", None), Parsed::NotACommand);
    }

    #[test]
    fn unknown_names_are_bounded() {
        let long = format!("/{}", "x".repeat(10_000));
        assert_eq!(cmd(&long), Command::Unknown("x".repeat(MAX_NAME)));
    }
}
