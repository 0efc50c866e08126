//! The incoming side: Telegram updates become core requests; the answers go back through
//! [`Outbound`]. Everything a user reads comes from the core.

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use ecabot_core::delivery::pace::PaceConfig;
use ecabot_core::delivery::pace::Priority;
use ecabot_core::delivery::pace::SharedPaceRef;
use ecabot_core::delivery::rights::RightsCache;
use ecabot_core::ports::SendError;
use ecabot_core::ports::Sender;
use ecabot_core::ports::TelemetryRef;
use ecabot_core::{Action, Bot, ChatRef, Locale, OutboxKey, Request, Response, Rights};
use teloxide::{
    dispatching::{Dispatcher, UpdateFilterExt},
    dptree,
    payloads::{SetMyCommandsSetters, SetWebhookSetters},
    prelude::Requester,
    stop::StopToken,
    types::{
        AllowedUpdate, BotCommand, CallbackQuery, ChatId, ChatMemberUpdated, Message, Update,
        UserId,
    },
    update_listeners::{Polling, UpdateListener, webhooks},
};

use crate::{
    Token,
    send::{Outbound, SCOPE, chat_ref, single_text},
};

/// Anonymous group administrators write as this user, with the group as `sender_chat`.
const ANONYMOUS_ADMIN: UserId = UserId(1_087_968_824);
/// How long a stopping webhook server waits for open connections to finish.
const WEBHOOK_GRACE: Duration = Duration::from_secs(2);
/// Telegram's public Bot API.
pub const DEFAULT_API_URL: &str = "https://api.telegram.org";

/// How to reach Telegram and how fast to talk to it.
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    pub token: Token,
    /// A self-hosted Bot API server (or a test fake); `None` is Telegram's.
    pub api_url: Option<String>,
    /// Webhook mode; `None` is long polling.
    pub webhook: Option<WebhookConfig>,
    /// Messages per second for the whole bot; `None` turns every limit off (benchmarks).
    pub global_rate: Option<f64>,
    /// How long one getUpdates request waits for updates.
    pub poll_timeout: Duration,
    /// The budget all instances share (`global_rate` is then spent there, not per process).
    pub shared_pace: Option<SharedPaceRef>,
    /// Where updates, replies and sends are counted.
    pub telemetry: TelemetryRef,
}

impl TelegramConfig {
    pub fn new(token: Token) -> TelegramConfig {
        TelegramConfig {
            token,
            api_url: None,
            webhook: None,
            global_rate: Some(25.0),
            poll_timeout: Duration::from_secs(10),
            shared_pace: None,
            telemetry: TelemetryRef::none(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The public URL Telegram posts updates to; its path is the route served.
    pub url: String,
    /// Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`; requests without it get 401.
    pub secret: Token,
    /// Where this process listens (behind the proxy that terminates TLS for `url`).
    pub listen: SocketAddr,
}

#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    #[error("TELEGRAM_API_URL {0:?} is not a valid URL")]
    BadApiUrl(String),
    #[error("TELEGRAM_WEBHOOK_URL {0:?} is not a valid URL")]
    BadWebhookUrl(String),
    #[error("Telegram refused the bot token (TELEGRAM_BOT_TOKEN)")]
    InvalidToken,
    #[error("the Telegram Bot API failed: {0}")]
    Api(String),
    #[error("cannot listen for webhooks on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// The Telegram front end of one core.
pub struct Telegram {
    api: teloxide::Bot,
    core: Arc<Bot>,
    out: Outbound,
    token: Token,
    username: String,
    config: TelegramConfig,
    admins: RightsCache<(i64, u64)>,
}

impl Telegram {
    /// Checks the token with getMe; nothing is received or sent yet.
    pub async fn connect(
        config: TelegramConfig,
        core: Arc<Bot>,
    ) -> Result<Arc<Telegram>, TelegramError> {
        let token = config.token.clone();
        let mut api = teloxide::Bot::new(token.expose());
        if let Some(url) = &config.api_url {
            let parsed = reqwest::Url::parse(url)
                .map_err(|_| TelegramError::BadApiUrl(token.redact(url)))?;
            api = api.set_api_url(parsed);
        }
        let me = api.get_me().await.map_err(|e| match e {
            teloxide::RequestError::Api(teloxide::ApiError::InvalidToken) => {
                TelegramError::InvalidToken
            }
            other => TelegramError::Api(token.redact(&other.to_string())),
        })?;
        let pace = match config.global_rate {
            Some(rate) => PaceConfig::telegram(rate),
            None => PaceConfig::unlimited(),
        };
        tracing::info!(bot = %me.username(), "connected to Telegram");
        Ok(Arc::new(Telegram {
            out: Outbound::new(
                api.clone(),
                token.clone(),
                pace,
                config.shared_pace.clone(),
                config.telemetry.clone(),
            ),
            api,
            core,
            token,
            username: me.username().to_owned(),
            config,
            admins: RightsCache::default(),
        }))
    }

    /// The bot's username (commands in groups are addressed as `/help@username`).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The outbox's way to reach Telegram chats (scope `tg`).
    pub fn sender(self: &Arc<Self>) -> Arc<dyn Sender> {
        Arc::new(TelegramSender(self.clone()))
    }

    /// Sets the command menu in every language of the catalog, and the default one.
    pub async fn register_commands(&self) -> Result<(), TelegramError> {
        let catalog = &self.core.knowledge().catalog;
        let default = self.core.default_locale();
        let mut menus: Vec<(Option<Locale>, Locale)> = vec![(None, default)];
        menus.extend(catalog.locales().iter().map(|l| (Some(*l), *l)));
        for (code, locale) in menus {
            let commands: Vec<BotCommand> = self
                .core
                .command_menu(locale)
                .into_iter()
                .map(|entry| BotCommand::new(entry.command, entry.description))
                .collect();
            let mut request = self.api.set_my_commands(commands);
            if let Some(code) = code {
                request = request.language_code(code.to_string());
            }
            request
                .await
                .map_err(|e| TelegramError::Api(self.token.redact(&e.to_string())))?;
        }
        Ok(())
    }

    /// Starts receiving updates (long polling, or a webhook server) until [`Running::stop`].
    pub async fn start(self: &Arc<Self>) -> Result<Running, TelegramError> {
        let handler = dptree::entry()
            .branch(Update::filter_message().endpoint(
                |adapter: Arc<Telegram>, message: Message| async move {
                    adapter.out.telemetry.update_received(SCOPE);
                    adapter.on_message(message).await;
                    Ok::<(), Infallible>(())
                },
            ))
            .branch(Update::filter_callback_query().endpoint(
                |adapter: Arc<Telegram>, query: CallbackQuery| async move {
                    adapter.out.telemetry.update_received(SCOPE);
                    adapter.on_callback(query).await;
                    Ok::<(), Infallible>(())
                },
            ))
            .branch(Update::filter_my_chat_member().endpoint(
                |adapter: Arc<Telegram>, update: ChatMemberUpdated| async move {
                    adapter.out.telemetry.update_received(SCOPE);
                    adapter.on_membership(update).await;
                    Ok::<(), Infallible>(())
                },
            ));
        let mut dispatcher = Dispatcher::builder(self.api.clone(), handler)
            .dependencies(dptree::deps![self.clone()])
            .default_handler(|_| async {})
            .build();
        let token = self.token.clone();
        let listener_errors = Arc::new(move |error: teloxide::RequestError| {
            let reason = token.redact(&error.to_string());
            async move { tracing::warn!(error = %reason, "receiving updates failed") }
        });
        match &self.config.webhook {
            None => {
                let mut polling = Polling::builder(self.api.clone())
                    .timeout(self.config.poll_timeout)
                    .allowed_updates(allowed_updates())
                    .delete_webhook()
                    .await
                    .build();
                let stop = polling.stop_token();
                let task = tokio::spawn(async move {
                    dispatcher
                        .dispatch_with_listener(polling, listener_errors)
                        .await;
                });
                Ok(Running {
                    webhook_addr: None,
                    stop,
                    task,
                    server: None,
                })
            }
            Some(webhook) => {
                let url = reqwest::Url::parse(&webhook.url)
                    .map_err(|_| TelegramError::BadWebhookUrl(webhook.url.clone()))?;
                let tcp = tokio::net::TcpListener::bind(webhook.listen)
                    .await
                    .map_err(|source| TelegramError::Listen {
                        addr: webhook.listen,
                        source,
                    })?;
                let addr = tcp.local_addr().map_err(|source| TelegramError::Listen {
                    addr: webhook.listen,
                    source,
                })?;
                let options = webhooks::Options::new(addr, url.clone())
                    .secret_token(webhook.secret.expose().to_owned());
                let (mut listener, stopped, router) = webhooks::axum_no_setup(options);
                let stop = listener.stop_token();
                // Every instance sets the same URL and secret; none deletes the webhook on
                // stop, so the others keep receiving.
                self.api
                    .set_webhook(url)
                    .secret_token(webhook.secret.expose().to_owned())
                    .allowed_updates(allowed_updates())
                    .await
                    .map_err(|e| TelegramError::Api(self.token.redact(&e.to_string())))?;
                let server = tokio::spawn(async move {
                    if let Err(error) = axum::serve(tcp, router)
                        .with_graceful_shutdown(stopped)
                        .await
                    {
                        tracing::error!(%error, "webhook server failed");
                    }
                });
                let task = tokio::spawn(async move {
                    dispatcher
                        .dispatch_with_listener(
                            listener,
                            Arc::new(|never: Infallible| async move { match never {} }),
                        )
                        .await;
                });
                tracing::info!(%addr, "receiving Telegram updates by webhook");
                Ok(Running {
                    webhook_addr: Some(addr),
                    stop,
                    task,
                    server: Some(server),
                })
            }
        }
    }

    async fn on_message(&self, message: Message) {
        let chat = message.chat.id;
        if let Some(to) = message.migrate_to_chat_id() {
            return self.moved(chat, *to).await;
        }
        if let Some(from) = message.migrate_from_chat_id() {
            return self.moved(*from, chat).await;
        }
        if message.chat.is_channel() {
            return;
        }
        let private = message.chat.is_private();
        let anonymous_admin = message.sender_chat.as_ref().is_some_and(|c| c.id == chat)
            && message
                .from
                .as_ref()
                .is_some_and(|u| u.id == ANONYMOUS_ADMIN);
        let Some(user) = message.from.as_ref() else {
            return;
        };
        // Other bots and posts of linked channels are not people asking.
        if !anonymous_admin && (user.is_bot || message.sender_chat.is_some()) {
            return;
        }
        let text = match message.text().or(message.caption()) {
            Some(text) if private => text.to_owned(),
            Some(text) => match self.addressed(&message, text) {
                Some(text) => text,
                None => return,
            },
            // A sticker or photo in a private chat still gets a friendly menu.
            None if private => String::new(),
            None => return,
        };
        let hint = (!anonymous_admin)
            .then(|| user.language_code.clone())
            .flatten();
        let sender = if anonymous_admin {
            format!("chat{}", chat.0)
        } else {
            user.id.0.to_string()
        };
        let mut request = Request::text(chat_ref(chat), text)
            .with_hint(hint)
            .addressed_as(Some(self.username.clone()))
            .from_sender(sender);
        if !private && request.changes_settings() {
            let rights = if anonymous_admin {
                Rights::Manage
            } else {
                self.rights(chat, user.id).await
            };
            request = request.with_rights(rights);
        } else if !private {
            request = request.with_rights(Rights::Ask);
        }
        let response = self.core.handle(request).await;
        self.reply(chat, &response).await;
    }

    /// The question in a group message if it is meant for the bot: a command, a mention of
    /// the bot, or a reply to one of its messages. Other chatter is not ours to answer.
    fn addressed(&self, message: &Message, text: &str) -> Option<String> {
        if text.trim_start().starts_with('/') {
            return Some(text.to_owned());
        }
        let mention = format!("@{}", self.username);
        let lower = text.to_lowercase();
        if let Some(at) = lower.find(&mention.to_lowercase())
            && text.is_char_boundary(at)
            && text.is_char_boundary(at + mention.len())
        {
            let mut rest = String::with_capacity(text.len());
            rest.push_str(&text[..at]);
            rest.push_str(&text[at + mention.len()..]);
            return Some(rest.trim().to_owned());
        }
        let to_us = message
            .reply_to_message()
            .and_then(|m| m.from.as_ref())
            .is_some_and(|u| u.is_bot && u.username.as_deref() == Some(self.username.as_str()));
        to_us.then(|| text.to_owned())
    }

    async fn on_callback(&self, query: CallbackQuery) {
        // Answer first: the button stops spinning whatever happens next.
        if let Err(e) = self.api.answer_callback_query(query.id.clone()).await {
            tracing::warn!(error = %self.token.redact(&e.to_string()), "could not answer a button press");
        }
        let Some(message) = query.message.as_ref() else {
            return;
        };
        let chat = message.chat().id;
        let Some(action) = query.data.as_deref().and_then(|d| d.parse::<Action>().ok()) else {
            tracing::debug!(chat = chat.0, "a button of an older version was pressed");
            return;
        };
        let private = message.chat().is_private();
        let rights = match (private, action.changes_settings()) {
            (true, _) => Rights::Manage,
            (false, true) => self.rights(chat, query.from.id).await,
            (false, false) => Rights::Ask,
        };
        let request = Request::action(chat_ref(chat), action.clone())
            .with_hint(query.from.language_code.clone())
            .addressed_as(Some(self.username.clone()))
            .from_sender(query.from.id.0.to_string())
            .with_rights(rights);
        let response = self.core.handle(request).await;
        let allowed = rights == Rights::Manage;
        // Navigation replaces the menu the user pressed on; a refusal never does.
        let navigation = match action {
            Action::Topic(_) | Action::Topics => true,
            Action::Language(_) => allowed,
            _ => false,
        };
        if navigation && self.edit_in_place(chat, message.id(), &response).await {
            return;
        }
        // A reminder that was acted on loses its buttons.
        if matches!(action, Action::Snooze(..) | Action::Applied(_))
            && allowed
            && let Err(e) = self.out.clear_buttons(chat, message.id()).await
        {
            tracing::debug!(error = %e, "could not take the buttons off");
        }
        self.reply(chat, &response).await;
    }

    /// Shows a one-message response in place of `message`; false when it must be sent anew.
    async fn edit_in_place(
        &self,
        chat: ChatId,
        message: teloxide::types::MessageId,
        response: &Response,
    ) -> bool {
        let [reply] = response.replies.as_slice() else {
            return false;
        };
        let Some((html, keyboard)) = single_text(reply) else {
            return false;
        };
        match self.out.edit(chat, message, html, keyboard).await {
            Ok(()) => true,
            Err(e) => {
                tracing::debug!(error = %e, "could not edit; sending instead");
                false
            }
        }
    }

    async fn on_membership(&self, update: ChatMemberUpdated) {
        let member = &update.new_chat_member;
        if member.is_banned() || member.is_left() {
            let chat = chat_ref(update.chat.id);
            if let Err(error) = self.core.chat_gone(&chat).await {
                tracing::error!(%chat, %error, "could not record that the bot was removed");
            }
        }
    }

    async fn moved(&self, from: ChatId, to: ChatId) {
        let (from, to) = (chat_ref(from), chat_ref(to));
        if let Err(error) = self.core.chat_moved(&from, &to).await {
            tracing::error!(%from, %to, %error, "could not move the chat's settings");
        }
    }

    async fn reply(&self, chat: ChatId, response: &Response) {
        if response.replies.is_empty() {
            return;
        }
        if let Err(error) = self.out.deliver(chat, response, Priority::Reply).await {
            tracing::warn!(chat = chat.0, %error, "could not answer");
            if matches!(error, SendError::Permanent { .. })
                && let Err(error) = self.core.chat_gone(&chat_ref(chat)).await
            {
                tracing::error!(chat = chat.0, %error, "could not record the chat as gone");
            }
        }
    }

    /// Whether `user` administers the group, asked of Telegram (and remembered a while).
    async fn rights(&self, chat: ChatId, user: UserId) -> Rights {
        let check = async {
            match self.api.get_chat_member(chat, user).await {
                Ok(member) if member.is_privileged() => Some(Rights::Manage),
                Ok(_) => Some(Rights::Ask),
                Err(e) => {
                    tracing::warn!(chat = chat.0, error = %self.token.redact(&e.to_string()), "could not check a member's rights");
                    None
                }
            }
        };
        self.admins.rights((chat.0, user.0), check).await
    }
}

fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::MyChatMember,
    ]
}

/// A running receiver.
pub struct Running {
    /// Where the webhook server listens (with port 0 configured, the port chosen).
    pub webhook_addr: Option<SocketAddr>,
    /// Ends the update stream; the dispatcher then lets running handlers finish and returns.
    /// (Its own `ShutdownToken` can miss a wake-up when it arrives mid-update.)
    stop: StopToken,
    task: tokio::task::JoinHandle<()>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Whether updates are still being received (the receiver has not ended).
    pub fn is_receiving(&self) -> bool {
        !self.task.is_finished() && self.server.as_ref().is_none_or(|s| !s.is_finished())
    }

    /// Stops receiving; handlers already running finish their replies.
    pub async fn stop(self) {
        self.stop.stop();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the Telegram receiver ended abnormally");
        }
        // Telegram keeps its connections to the webhook open; past a grace period they are
        // cut rather than waited for.
        if let Some(mut server) = self.server {
            match tokio::time::timeout(WEBHOOK_GRACE, &mut server).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "the webhook server ended abnormally"),
                Err(_) => server.abort(),
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0} is not a Telegram chat")]
struct NotTelegram(ChatRef);

/// The outbox's Telegram sender: bulk priority, so replies to people go first.
struct TelegramSender(Arc<Telegram>);

#[async_trait::async_trait]
impl Sender for TelegramSender {
    async fn send(
        &self,
        chat: &ChatRef,
        response: &Response,
        _key: &OutboxKey,
    ) -> Result<(), SendError> {
        let id: i64 = chat.id().parse().map_err(|_| SendError::Refused {
            reason: NotTelegram(chat.clone()).to_string(),
        })?;
        self.0
            .out
            .deliver(ChatId(id), response, Priority::Bulk)
            .await
    }
}
