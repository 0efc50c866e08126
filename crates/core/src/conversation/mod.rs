//! The conversation service: one request in, localized replies out. Every front end (terminal,
//! Telegram, Discord) calls [`Bot::handle`] and renders the [`Response`].

mod calls;
mod digest;
mod flood;
mod notices;
mod settings;
mod smalltalk;
mod subscriptions;
mod suggestions;
mod topics;
mod wording;

pub use notices::{Rendered, Skip};
pub use suggestions::{Suggest, Suggestion};

use crate::conversation::flood::FloodGuard;
use crate::conversation::flood::FloodRule;
use crate::conversation::flood::Verdict;
use crate::language::catalog::Args;
use crate::language::catalog::Catalog;
use crate::language::catalog::CatalogError;
use crate::language::command::Command;
use crate::language::command::Parsed;
use crate::language::understanding::Matcher;
use crate::language::understanding::NluError;
use crate::language::understanding::Written;
use crate::language::understanding::intent::Intent;
use crate::language::understanding::intent::SmallTalk;
use crate::model::chat::ChatRef;
use crate::model::locale::Locale;
use crate::model::locale::negotiate;
use crate::model::markup::Rich;
use crate::model::reply::Action;
use crate::model::reply::Kind;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::model::topic::CountryCode;
use crate::model::topic::KnowledgeError;
use crate::model::topic::Members;
use crate::model::topic::TopicId;
use crate::ports::ChatStore;
use crate::ports::Clock;
use crate::ports::Outbox;
use crate::ports::Store;
use crate::ports::StoreError;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// Longest input read as a question, in characters (Telegram's own message limit).
pub const MAX_INPUT_CHARS: usize = 4096;
/// Longest piece of user input echoed back in a reply.
const MAX_ECHO_CHARS: usize = 40;

/// Everything the bot knows, loaded once and shared.
pub struct Knowledge {
    pub catalog: Catalog,
    pub matcher: Matcher,
    pub members: Members,
    /// Every country the locale files name, with or without a member.
    pub countries: Vec<CountryCode>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    #[error(transparent)]
    Nlu(#[from] NluError),
}

impl Knowledge {
    /// The knowledge compiled into the binary.
    pub fn embedded() -> Result<Knowledge, LoadError> {
        let catalog = Catalog::embedded()?;
        let members = Members::embedded()?;
        Knowledge::new(catalog, members)
    }

    pub fn new(catalog: Catalog, members: Members) -> Result<Knowledge, LoadError> {
        let countries: Vec<CountryCode> = all_two_letter_codes()
            .filter(|c| catalog.has(Locale::ENGLISH, &c.message_id()))
            .collect();
        let matcher = Matcher::new(&catalog, countries.iter().copied())?;
        Ok(Knowledge {
            catalog,
            matcher,
            members,
            countries,
        })
    }
}

fn all_two_letter_codes() -> impl Iterator<Item = CountryCode> {
    (b'a'..=b'z').flat_map(|a| {
        (b'a'..=b'z').filter_map(move |b| CountryCode::parse(&String::from_utf8_lossy(&[a, b])))
    })
}

/// The commands of every platform's menu, in menu order. Their names are a public contract.
pub const MENU_COMMANDS: [&str; 13] = [
    "start",
    "help",
    "topics",
    "calls",
    "subscribe",
    "subscriptions",
    "unsubscribe",
    "remind",
    "timezone",
    "quiet",
    "ics",
    "digest",
    "language",
];

/// One command of a platform's command menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub command: String,
    pub description: String,
}

/// What arrived from a chat.
#[derive(Debug, Clone)]
pub struct Request {
    pub chat: ChatRef,
    /// The platform's idea of the user's language (Telegram `language_code`, Discord `locale`,
    /// the terminal's `LANG`), used unless the chat chose a language.
    pub locale_hint: Option<String>,
    /// The bot's own name where commands are addressed (`/help@ecabot`).
    pub bot_name: Option<String>,
    /// Who wrote, on platforms where many people share a chat or anyone can write: flood
    /// control counts per sender. `None` (the terminal) is never throttled.
    pub sender: Option<String>,
    /// What the writer may change in this chat; the front end finds out (group admins).
    pub rights: Rights,
    pub input: Input,
}

/// What the person writing may do in the chat they write in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rights {
    /// Their own chat, or an administrator of the group: may change its settings.
    #[default]
    Manage,
    /// A member of a group: may ask, not change the group's subscriptions or settings.
    Ask,
    /// The platform could not tell (it failed to answer): treated as [`Rights::Ask`], with an
    /// apology instead of a refusal.
    Unverified,
}

#[derive(Debug, Clone)]
pub enum Input {
    Text(String),
    /// A button press.
    Action(Action),
}

impl Request {
    pub fn text(chat: ChatRef, text: impl Into<String>) -> Request {
        Request::new(chat, Input::Text(text.into()))
    }

    /// A button press.
    pub fn action(chat: ChatRef, action: Action) -> Request {
        Request::new(chat, Input::Action(action))
    }

    fn new(chat: ChatRef, input: Input) -> Request {
        Request {
            chat,
            locale_hint: None,
            bot_name: None,
            sender: None,
            rights: Rights::Manage,
            input,
        }
    }

    pub fn with_hint(mut self, hint: Option<String>) -> Request {
        self.locale_hint = hint;
        self
    }

    /// Commands may be addressed to this bot as `/help@name`.
    pub fn addressed_as(mut self, bot_name: Option<String>) -> Request {
        self.bot_name = bot_name;
        self
    }

    pub fn from_sender(mut self, sender: impl Into<String>) -> Request {
        self.sender = Some(sender.into());
        self
    }

    pub fn with_rights(mut self, rights: Rights) -> Request {
        self.rights = rights;
        self
    }

    /// Whether answering would change the chat's subscriptions or settings, so that a front
    /// end asks the platform about the writer's rights only when it matters.
    pub fn changes_settings(&self) -> bool {
        match &self.input {
            Input::Action(action) => action.changes_settings(),
            Input::Text(text) => match Command::parse(&clean(text), self.bot_name.as_deref()) {
                Parsed::Command(command) => command.changes_settings(),
                Parsed::ForAnotherBot | Parsed::NotACommand => false,
            },
        }
    }
}

/// The conversation service.
pub struct Bot {
    knowledge: Arc<Knowledge>,
    store: Arc<dyn Store>,
    /// The chat settings, read on every answer: the same store unless a test slows it down.
    chats: Arc<dyn ChatStore>,
    outbox: Arc<dyn Outbox>,
    clock: Arc<dyn Clock>,
    default_locale: Locale,
    flood: std::sync::Mutex<FloodGuard>,
}

impl Bot {
    pub fn new(
        knowledge: Arc<Knowledge>,
        store: Arc<dyn Store>,
        outbox: Arc<dyn Outbox>,
        clock: Arc<dyn Clock>,
        default_locale: Locale,
    ) -> Bot {
        Bot {
            knowledge,
            chats: store.clone(),
            store,
            outbox,
            clock,
            default_locale,
            flood: std::sync::Mutex::new(FloodGuard::default()),
        }
    }

    /// Replaces the flood rule (tests, operators with unusual traffic).
    /// Reads and writes chat settings through `chats` instead of the main store: for a store
    /// that answers slowly, as a database under load does.
    pub fn with_chat_store(mut self, chats: Arc<dyn ChatStore>) -> Bot {
        self.chats = chats;
        self
    }

    pub fn with_flood_rule(mut self, rule: FloodRule) -> Bot {
        self.flood = std::sync::Mutex::new(FloodGuard::new(rule));
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn outbox(&self) -> &Arc<dyn Outbox> {
        &self.outbox
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The language of chats that chose none and whose platform gives no hint.
    pub fn default_locale(&self) -> Locale {
        self.default_locale
    }

    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    pub(crate) fn cat(&self) -> &Catalog {
        &self.knowledge.catalog
    }

    /// The reply language for a chat, following the negotiation rule.
    pub async fn locale_for(&self, chat: &ChatRef, hint: Option<&str>) -> Locale {
        let chosen = self.chosen_locale(chat).await;
        negotiate(self.cat().locales(), chosen, hint, self.default_locale)
    }

    /// The language a chat chose with /language, if any.
    async fn chosen_locale(&self, chat: &ChatRef) -> Option<Locale> {
        match self.chats.chat_prefs(chat).await {
            Ok(prefs) if !prefs.active => {
                // A chat that was given up on (blocked bot) speaks again: it is back.
                if let Err(error) = self.chats.set_chat_active(chat, true).await {
                    tracing::error!(%chat, error = %error, "could not reactivate the chat");
                } else {
                    tracing::info!(%chat, "chat active again");
                }
                prefs.locale
            }
            Ok(prefs) => prefs.locale,
            Err(error) => {
                tracing::error!(%chat, error = %error, source = ?std::error::Error::source(&error), "could not read chat preferences");
                None
            }
        }
        .filter(|l| self.cat().supports(*l))
    }

    /// Answers one request. Never fails: storage trouble is logged and told to the user.
    pub async fn handle(&self, request: Request) -> Response {
        let verdict = match &request.sender {
            Some(sender) => self
                .flood
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .check(&format!("{}/{sender}", request.chat), self.clock.now()),
            None => Verdict::Answer,
        };
        if verdict == Verdict::Ignore {
            return Response {
                locale: self.default_locale,
                topic: None,
                kind: Kind::Command,
                replies: Vec::new(),
            };
        }
        let chosen = self.chosen_locale(&request.chat).await;
        let locale = negotiate(
            self.cat().locales(),
            chosen,
            request.locale_hint.as_deref(),
            self.default_locale,
        );
        if verdict == Verdict::SlowDown {
            tracing::info!(chat = %request.chat, "flooding; muted for a while");
            return self.say(
                locale,
                None,
                Reply::new(Rich::parse(&self.cat().get(locale, "slow-down"))),
            );
        }
        let refusal = match request.rights {
            Rights::Manage => None,
            Rights::Ask => Some("admins-only"),
            Rights::Unverified => Some("admins-unknown"),
        };
        if let Some(id) = refusal
            && request.changes_settings()
        {
            return self.say(
                locale,
                None,
                Reply::new(Rich::parse(&self.cat().get(locale, id))),
            );
        }
        match &request.input {
            Input::Action(action) => {
                let mut response = self.act(&request, locale, action.clone()).await;
                response.kind = Kind::Command;
                response
            }
            Input::Text(text) => self.text(&request, locale, chosen.is_some(), text).await,
        }
    }

    /// Answers free text. In a chat that chose no language, a message clearly written in a
    /// language the bot speaks is answered in that language, and one in a language it does not
    /// speak gets the list of those it does.
    async fn text(&self, request: &Request, locale: Locale, chosen: bool, raw: &str) -> Response {
        let text = clean(raw);
        let length = text.chars().count();
        if length > MAX_INPUT_CHARS {
            let args = Args::new()
                .number("length", length as f64)
                .number("max", MAX_INPUT_CHARS as f64);
            return self.say(
                locale,
                None,
                Reply::new(Rich::parse(&self.cat().msg(locale, "too-long", &args))),
            );
        }
        if text.is_empty() {
            return self.menu(locale, "empty-input");
        }
        match Command::parse(&text, request.bot_name.as_deref()) {
            Parsed::Command(command) => {
                let mut response = self.command(request, locale, command).await;
                response.kind = Kind::Command;
                return response;
            }
            Parsed::ForAnotherBot => {
                return Response {
                    locale,
                    topic: None,
                    kind: Kind::Command,
                    replies: Vec::new(),
                };
            }
            Parsed::NotACommand => {}
        }
        if !text.chars().any(char::is_alphabetic) {
            return self.menu(locale, "no-words");
        }
        let understood = self.knowledge.matcher.understand(&text, locale);
        tracing::debug!(?understood, "understood");
        // Keyboard mashing says nothing about a language, even when it matches a wording.
        let mashing = understood.intent == Intent::SmallTalk(SmallTalk::Nonsense);
        let locale = match understood.written {
            Written::In(written) if !chosen && !mashing => written,
            Written::Foreign(language) if !chosen => {
                tracing::info!(language, "a message in a language the bot does not speak");
                return self.languages_spoken(locale);
            }
            _ => locale,
        };
        let mut topic = match understood.intent {
            Intent::Topic(topic) => topic,
            Intent::SmallTalk(kind) => return self.small_talk(locale, kind),
            Intent::Unknown => return self.menu(locale, "unknown-question"),
        };
        // "Who represents Germany?", "contact in Poland", "clusters in Spain": with a country
        // named, these are questions about that country's member association.
        if let Some(country) = understood.country {
            let finnish = CountryCode::parse("fi").expect("valid code");
            let about_members = match topic.as_str() {
                "representation" | "contact" => true,
                "finnish-clusters" => country != finnish,
                _ => false,
            };
            if about_members {
                topic = "members".parse().expect("a topic");
            }
        }
        let country_answer = topic.as_str() == "members" && understood.country.is_some();
        let mut reply = self.topic_reply(locale, topic, understood.country);
        if let Some(also) = understood.also.filter(|a| *a != topic && !country_answer) {
            reply
                .body
                .append(Rich::text(self.cat().get(locale, "see-also")));
            reply.buttons.insert(0, self.topic_button(locale, also));
        }
        self.say(locale, Some(topic), reply)
    }

    async fn command(&self, request: &Request, locale: Locale, command: Command) -> Response {
        match command {
            Command::Start(None) => {
                let args = Args::new().markup("languages", self.language_list(locale));
                let body = Rich::parse(&self.cat().msg(locale, "welcome", &args));
                self.say(
                    locale,
                    None,
                    Reply::new(body).with_buttons(self.topic_buttons(locale)),
                )
            }
            Command::Start(Some(payload)) => {
                if let Some(call) = payload.strip_prefix("sub-") {
                    let result = self.subscribe(request, locale, Some(call.to_owned())).await;
                    return self.settle(locale, "could not subscribe", result);
                }
                match payload.parse::<TopicId>() {
                    Ok(topic) => {
                        self.say(locale, Some(topic), self.topic_reply(locale, topic, None))
                    }
                    Err(_) => self.menu(locale, "unknown-deep-link"),
                }
            }
            Command::Help => self.say(
                locale,
                None,
                Reply::new(Rich::parse(&self.cat().get(locale, "help"))),
            ),
            Command::Topics => self.menu(locale, "topics-intro"),
            Command::Language(arg) => self.language(request, locale, arg).await,
            Command::Topic(topic, arg) => {
                let country = arg
                    .as_deref()
                    .and_then(|a| self.knowledge.matcher.country(a));
                if topic.as_str() == "members"
                    && country.is_none()
                    && let Some(query) = arg
                {
                    let args = Args::new()
                        .data("query", &echo(&query))
                        .markup("countries", self.member_country_list(locale));
                    let body =
                        Rich::parse(&self.cat().msg(locale, "members-unknown-country", &args));
                    return self.say(locale, Some(topic), Reply::new(body));
                }
                self.say(
                    locale,
                    Some(topic),
                    self.topic_reply(locale, topic, country),
                )
            }
            Command::Subscribe(arg) => {
                let result = self.subscribe(request, locale, arg).await;
                self.settle(locale, "could not subscribe", result)
            }
            Command::Unsubscribe(arg) => {
                let result = self.unsubscribe(request, locale, arg).await;
                self.settle(locale, "could not unsubscribe", result)
            }
            Command::Subscriptions => {
                let result = self.subscriptions(request, locale).await;
                self.settle(locale, "could not list subscriptions", result)
            }
            Command::Remind(arg) => {
                let result = self.remind(request, locale, arg).await;
                self.settle(locale, "could not set lead times", result)
            }
            Command::Timezone(arg) => {
                let result = self.timezone(request, locale, arg).await;
                self.settle(locale, "could not set the time zone", result)
            }
            Command::Quiet(arg) => {
                let result = self.quiet(request, locale, arg).await;
                self.settle(locale, "could not set quiet hours", result)
            }
            Command::Calls => {
                let result = self.calls(request, locale).await;
                self.settle(locale, "could not list calls", result)
            }
            Command::Ics => {
                let result = self.ics(request, locale).await;
                self.settle(locale, "could not build the calendar", result)
            }
            Command::Digest(arg) => {
                let result = self.digest(request, locale, arg).await;
                self.settle(locale, "could not answer /digest", result)
            }
            Command::Unknown(name) => {
                let args = Args::new().data("command", &echo(&name));
                self.say(
                    locale,
                    None,
                    Reply::new(Rich::parse(&self.cat().msg(
                        locale,
                        "unknown-command",
                        &args,
                    ))),
                )
            }
        }
    }

    async fn act(&self, request: &Request, locale: Locale, action: Action) -> Response {
        match action {
            Action::Topic(topic) => {
                self.say(locale, Some(topic), self.topic_reply(locale, topic, None))
            }
            Action::Topics => self.menu(locale, "topics-intro"),
            Action::Language(chosen) => {
                self.language(request, locale, Some(chosen.to_string()))
                    .await
            }
            Action::Subscribe(call) => {
                let result = self
                    .subscribe(request, locale, Some(call.to_string()))
                    .await;
                self.settle(locale, "could not subscribe", result)
            }
            Action::Unsubscribe(call) => {
                let result = self
                    .unsubscribe(request, locale, Some(call.to_string()))
                    .await;
                self.settle(locale, "could not unsubscribe", result)
            }
            Action::Snooze(call, after) => {
                let result = self.snooze(request, locale, call, after).await;
                self.settle(locale, "could not snooze", result)
            }
            Action::Applied(call) => {
                let result = self.applied(request, locale, call).await;
                self.settle(locale, "could not stop reminders", result)
            }
        }
    }

    pub(crate) fn menu(&self, locale: Locale, intro: &str) -> Response {
        let body = Rich::parse(&self.cat().get(locale, intro));
        self.say(
            locale,
            None,
            Reply::new(body).with_buttons(self.topic_buttons(locale)),
        )
    }

    /// The command menu a platform shows next to the input field, in `locale`: the commands
    /// first, then one per topic (`cluster_organisations`: menus allow no hyphens; the parser
    /// reads both spellings).
    pub fn command_menu(&self, locale: Locale) -> Vec<MenuEntry> {
        let cat = self.cat();
        let commands = MENU_COMMANDS.iter().map(|name| MenuEntry {
            command: (*name).to_owned(),
            description: cat.get(locale, &format!("menu-{name}")),
        });
        let topics = TopicId::all().map(|topic| MenuEntry {
            command: topic.as_str().replace('-', "_"),
            description: cat
                .attr(locale, &topic.title_id(), "description")
                .unwrap_or_else(|| cat.get(locale, &topic.title_id())),
        });
        commands.chain(topics).collect()
    }

    /// A group became another chat (Telegram upgrades groups to supergroups): its settings,
    /// subscriptions and pending reminders move along.
    pub async fn chat_moved(&self, from: &ChatRef, to: &ChatRef) -> Result<(), StoreError> {
        self.chats.move_chat(from, to).await?;
        tracing::info!(%from, %to, "chat moved");
        Ok(())
    }

    /// The platform says the chat is gone for us (bot blocked or removed): nothing more is
    /// sent to it until it writes again.
    pub async fn chat_gone(&self, chat: &ChatRef) -> Result<(), StoreError> {
        self.chats.set_chat_active(chat, false).await?;
        let cancelled = self
            .outbox
            .cancel_pending(chat, None, self.clock.now())
            .await?;
        tracing::info!(%chat, cancelled, "chat gone; its reminders stop");
        Ok(())
    }

    pub(crate) fn say(&self, locale: Locale, topic: Option<TopicId>, reply: Reply) -> Response {
        Response {
            locale,
            topic,
            kind: if topic.is_some() {
                Kind::Topic
            } else {
                Kind::Unknown
            },
            replies: vec![reply],
        }
    }

    fn message(&self, locale: Locale, id: &str, args: &Args) -> Reply {
        Reply::new(Rich::parse(&self.cat().msg(locale, id, args)))
    }

    fn store_failed(&self, locale: Locale, what: &str, error: &StoreError) -> Response {
        tracing::error!(error = %error, source = ?std::error::Error::source(error), "{what}");
        self.say(
            locale,
            None,
            Reply::new(Rich::parse(&self.cat().get(locale, "store-error"))),
        )
    }

    /// The answer of a reminders command, or the apology when storage failed (`what` names
    /// the failure in the log).
    pub(crate) fn settle(
        &self,
        locale: Locale,
        what: &str,
        result: Result<Response, StoreError>,
    ) -> Response {
        result.unwrap_or_else(|e| self.store_failed(locale, what, &e))
    }

    fn reminders_topic() -> Option<TopicId> {
        "reminders".parse().ok()
    }

    /// Reminders come in the language the chat subscribed in unless it picks one: there is no
    /// platform hint when the bot speaks first.
    pub(crate) async fn remember_locale(
        &self,
        request: &Request,
        locale: Locale,
    ) -> Result<(), StoreError> {
        if self.chats.chat_prefs(&request.chat).await?.locale.is_none() {
            self.chats
                .set_chat_locale(&request.chat, Some(locale))
                .await?;
        }
        Ok(())
    }
}

/// Input as the bot reads it: Unicode-normalised, without control characters or invisible
/// direction overrides, trimmed.
fn clean(raw: &str) -> String {
    raw.nfc()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
        .map(|c| if c == '\t' || c == '\r' { ' ' } else { c })
        .filter(|c| *c == '\n' || !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// User input quoted back, bounded.
pub(crate) fn echo(text: &str) -> String {
    crate::model::text::truncate(text, MAX_ECHO_CHARS + 1).into_owned()
}

fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_removes_controls_and_overrides() {
        assert_eq!(clean("  hi\u{0007}\u{202E}there\t!\r\n"), "hithere !");
        assert_eq!(clean("e\u{301}"), "é");
        assert_eq!(clean("\u{0000}\u{001b}[31m"), "[31m");
    }

    #[test]
    fn echo_is_bounded() {
        assert_eq!(echo(&"x".repeat(100)).chars().count(), MAX_ECHO_CHARS + 1);
        assert_eq!(echo("fr"), "fr");
    }
}
