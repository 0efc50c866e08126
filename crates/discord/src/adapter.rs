//! The incoming side: slash commands, button presses and messages become core requests; the
//! answers go back as interaction responses or channel messages. Everything a user reads comes
//! from the core.

use std::{
    future::Future,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use ecabot_core::delivery::pace::PaceConfig;
use ecabot_core::delivery::pace::Priority;
use ecabot_core::delivery::pace::SharedPaceRef;
use ecabot_core::delivery::rights::RightsCache;
use ecabot_core::ports::SendError;
use ecabot_core::ports::Sender;
use ecabot_core::ports::TelemetryRef;
use ecabot_core::{Action, Bot, ChatRef, OutboxKey, Request, Response, Rights, Token};
use poise::serenity_prelude as serenity;
use serenity::{
    ChannelId, ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, FullEvent, GatewayIntents, GuildId, HttpBuilder, Interaction,
    Member, Message, ShardManager, UserId,
};

use crate::{
    commands::{self, AppCtx},
    send::{self, Outbound, Part, SCOPE, channel_of, chat_ref},
};

/// How long a stopping gateway client is waited for.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Timeout of one REST request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How to reach Discord and how fast to talk to it.
#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub token: Token,
    /// Register the commands in this server only (they appear at once), else globally.
    pub guild_id: Option<u64>,
    /// A base URL that stands in for `https://discord.com` (a shared rate-limit proxy, or a
    /// test fake). serenity's own rate limiter cannot be used behind one, so ecabot's pacing
    /// and `Retry-After` handling carry the limits then.
    pub api_url: Option<String>,
    /// Channel messages per second for the whole bot (Discord allows 50 requests/s); `None`
    /// turns pacing off (benchmarks).
    pub global_rate: Option<f64>,
    /// A command still being answered after this long is deferred ("thinking…"), well within
    /// Discord's 3 s.
    pub defer_after: Duration,
    /// The gateway shards this instance runs (`DISCORD_SHARDS`), so instances can split them.
    pub shards: Shards,
    /// The budget all instances share (`global_rate` is then spent there, not per process).
    pub shared_pace: Option<SharedPaceRef>,
    /// Where updates, replies and sends are counted.
    pub telemetry: TelemetryRef,
}

/// A contiguous range of gateway shards out of a total: `first..=last` of `total`. Written
/// `2/4` (shard 2 of 4) or `0-1/4` (shards 0 and 1 of 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    first: u32,
    last: u32,
    total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadShards {
    #[error("{0:?} is not a shard range: write <ids>/<total>, e.g. 0/1, 2/4 or 0-1/4")]
    Form(String),
    #[error("shard {id} does not exist: shards of {total} are numbered 0 to {last}", last = total - 1)]
    OutOfRange { id: u32, total: u32 },
    #[error("the range {first}-{last} runs backwards")]
    Backwards { first: u32, last: u32 },
}

impl Shards {
    /// The one shard of an unsharded bot.
    pub const ALL_OF_ONE: Shards = Shards {
        first: 0,
        last: 0,
        total: 1,
    };

    pub fn new(first: u32, last: u32, total: u32) -> Result<Shards, BadShards> {
        if total == 0 || last >= total {
            return Err(BadShards::OutOfRange {
                id: last,
                total: total.max(1),
            });
        }
        if first > last {
            return Err(BadShards::Backwards { first, last });
        }
        Ok(Shards { first, last, total })
    }

    pub fn first(&self) -> u32 {
        self.first
    }
    pub fn last(&self) -> u32 {
        self.last
    }
    pub fn total(&self) -> u32 {
        self.total
    }
}

impl std::str::FromStr for Shards {
    type Err = BadShards;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let form = || BadShards::Form(s.chars().take(40).collect());
        let (ids, total) = s.trim().split_once('/').ok_or_else(form)?;
        let number = |t: &str| t.trim().parse::<u32>().map_err(|_| form());
        let total = number(total)?;
        let (first, last) = match ids.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(ids)?, number(ids)?),
        };
        Shards::new(first, last, total)
    }
}

impl std::fmt::Display for Shards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}/{}", self.first, self.total)
        } else {
            write!(f, "{}-{}/{}", self.first, self.last, self.total)
        }
    }
}

impl DiscordConfig {
    pub fn new(token: Token) -> DiscordConfig {
        DiscordConfig {
            token,
            guild_id: None,
            api_url: None,
            global_rate: Some(45.0),
            defer_after: Duration::from_millis(1_500),
            shards: Shards::ALL_OF_ONE,
            shared_pace: None,
            telemetry: TelemetryRef::none(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("DISCORD_API_URL {0:?} is not an http(s) URL")]
    BadApiUrl(String),
    #[error("Discord refused the bot token (DISCORD_TOKEN)")]
    InvalidToken,
    #[error("the Discord API failed: {0}")]
    Api(String),
    #[error("the Discord client failed: {0}")]
    Client(String),
    /// The gateway delivered READY before [`Discord::connect`] finished (a defect).
    #[error("the Discord gateway was ready before the adapter was set up")]
    NotSetUp,
    #[error("the Discord adapter was started twice")]
    AlreadyStarted,
}

impl DiscordError {
    fn api(error: &serenity::Error, token: &Token) -> DiscordError {
        if let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) = error
            && response.status_code.as_u16() == 401
        {
            return DiscordError::InvalidToken;
        }
        DiscordError::Api(token.redact(&error.to_string()))
    }
}

/// The Discord front end of one core.
pub struct Discord {
    pub(crate) core: Arc<Bot>,
    http: Arc<serenity::Http>,
    out: Outbound,
    token: Token,
    config: DiscordConfig,
    bot_id: UserId,
    bot_name: String,
    /// The gateway client until [`Discord::start`] takes it.
    client: Mutex<Option<serenity::Client>>,
    connected: AtomicBool,
    rights: RightsCache<(u64, u64)>,
}

impl Discord {
    /// Checks the token and reads the application; nothing is received or sent yet.
    pub async fn connect(
        config: DiscordConfig,
        core: Arc<Bot>,
    ) -> Result<Arc<Discord>, DiscordError> {
        let token = config.token.clone();
        let client = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| DiscordError::Client(token.redact(&e.to_string())))?;
        let mut builder = HttpBuilder::new(token.expose()).client(client.clone());
        if let Some(url) = &config.api_url {
            let base = url.trim_end_matches('/');
            let valid = reqwest::Url::parse(base)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !valid {
                return Err(DiscordError::BadApiUrl(token.redact(url)));
            }
            builder = builder.proxy(base).ratelimiter_disabled(true);
        }
        let http = builder.build();
        let me = http
            .get_current_user()
            .await
            .map_err(|e| DiscordError::api(&e, &token))?;
        let app = http
            .get_current_application_info()
            .await
            .map_err(|e| DiscordError::api(&e, &token))?;
        http.set_application_id(app.id);

        let slot: Arc<OnceLock<Arc<Discord>>> = Arc::new(OnceLock::new());
        let framework = poise::Framework::builder()
            .options(options(commands::all(&core)))
            .initialize_owners(false)
            .setup({
                let slot = slot.clone();
                move |_, _, _| {
                    Box::pin(async move { slot.get().cloned().ok_or(DiscordError::NotSetUp) })
                }
            })
            .build();
        let intents = GatewayIntents::GUILDS
            | GatewayIntents::GUILD_MESSAGES
            | GatewayIntents::DIRECT_MESSAGES;
        let gateway = serenity::ClientBuilder::new_with_http(http, intents)
            .framework(framework)
            .await
            .map_err(|e| DiscordError::Client(token.redact(&e.to_string())))?;
        let pace = match config.global_rate {
            Some(rate) => PaceConfig {
                global_per_sec: Some(rate),
                // Discord's message bucket per channel is 5 per 5 s.
                chat_interval: Some(Duration::from_secs(1)),
                group_per_minute: None,
                reply_share: 10,
            },
            None => PaceConfig::unlimited(),
        };
        let http = gateway.http.clone();
        tracing::info!(bot = %me.name, "connected to Discord");
        let discord = Arc::new(Discord {
            out: Outbound::new(
                http.clone(),
                client,
                token.clone(),
                pace,
                config.shared_pace.clone(),
                config.telemetry.clone(),
            ),
            core,
            http,
            token,
            config,
            bot_id: me.id,
            bot_name: me.name.clone(),
            client: Mutex::new(Some(gateway)),
            connected: AtomicBool::new(false),
            rights: RightsCache::default(),
        });
        // Set just after creation: nothing reads the slot before the gateway's READY.
        let _ = slot.set(discord.clone());
        Ok(discord)
    }

    /// The bot's user name.
    pub fn name(&self) -> &str {
        &self.bot_name
    }

    /// Whether the gateway session is up (READY received).
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    /// The outbox's way to reach Discord channels and DMs (scope `dc`).
    pub fn sender(self: &Arc<Self>) -> Arc<dyn Sender> {
        Arc::new(DiscordSender(self.clone()))
    }

    /// Registers the slash commands with their localizations: in the configured server (at
    /// once), else globally (Discord may take a while to show them everywhere).
    pub async fn register_commands(&self) -> Result<usize, DiscordError> {
        let commands = poise::builtins::create_application_commands(&commands::all(&self.core));
        let count = commands.len();
        let result = match self.config.guild_id {
            Some(guild) => GuildId::new(guild)
                .set_commands(&self.http, commands)
                .await
                .map(|_| ()),
            None => serenity::Command::set_global_commands(&self.http, commands)
                .await
                .map(|_| ()),
        };
        result.map_err(|e| DiscordError::api(&e, &self.token))?;
        Ok(count)
    }

    /// Opens the gateway session and starts answering, until [`Running::stop`].
    pub async fn start(self: &Arc<Self>) -> Result<Running, DiscordError> {
        let mut gateway = self
            .client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .ok_or(DiscordError::AlreadyStarted)?;
        let shards = gateway.shard_manager.clone();
        let token = self.token.clone();
        let range = self.config.shards;
        tracing::info!(shards = %range, "starting the Discord gateway");
        let task = tokio::spawn(async move {
            // serenity's range end is inclusive.
            let started = gateway
                .start_shard_range(range.first..range.last, range.total)
                .await;
            if let Err(error) = started {
                tracing::error!(error = %token.redact(&error.to_string()), "the Discord gateway client stopped");
            }
        });
        Ok(Running { shards, task })
    }

    /// Answers a slash command: the core's reply, deferred first when it takes a while.
    pub(crate) async fn command(
        self: Arc<Self>,
        ctx: AppCtx<'_>,
        text: String,
    ) -> Result<(), DiscordError> {
        let interaction = ctx.interaction;
        let rights = interaction_rights(interaction.guild_id, interaction.member.as_deref());
        let request = Request::text(chat_ref(interaction.channel_id), text)
            .with_hint(Some(interaction.locale.clone()))
            .from_sender(interaction.user.id.get().to_string())
            .with_rights(rights);
        // A refusal is shown to the person who asked, not to the whole channel.
        let private = rights != Rights::Manage && request.changes_settings();
        let response = self
            .in_time(self.core.handle(request), || ctx.defer_response(private))
            .await;
        let parts = send::parts(&response);
        if parts.is_empty() {
            // Flooding: muted. The interaction must still be answered, and then disappears.
            ctx.defer_response(true).await.map_err(|e| self.api(&e))?;
            interaction
                .delete_response(&self.http)
                .await
                .map_err(|e| self.api(&e))?;
            return Ok(());
        }
        for part in &parts {
            ctx.send(reply(part, private))
                .await
                .map_err(|e| self.api(&e))?;
        }
        Ok(())
    }

    /// Runs `work`; if it is not done within `defer_after`, acknowledges first with `defer`.
    async fn in_time<F, D, T>(&self, work: impl Future<Output = T>, defer: F) -> T
    where
        F: FnOnce() -> D,
        D: Future<Output = Result<(), serenity::Error>>,
    {
        tokio::pin!(work);
        tokio::select! {
            done = &mut work => done,
            () = tokio::time::sleep(self.config.defer_after) => {
                if let Err(error) = defer().await {
                    tracing::warn!(error = %self.token.redact(&error.to_string()), "could not defer");
                }
                work.await
            }
        }
    }

    fn api(&self, error: &serenity::Error) -> DiscordError {
        DiscordError::api(error, &self.token)
    }

    async fn on_event(self: Arc<Self>, ctx: &serenity::Context, event: &FullEvent) {
        match event {
            FullEvent::Ready { data_about_bot } => {
                self.connected.store(true, Ordering::Relaxed);
                tracing::info!(
                    guilds = data_about_bot.guilds.len(),
                    "receiving Discord events"
                );
            }
            FullEvent::Resume { .. } => self.connected.store(true, Ordering::Relaxed),
            FullEvent::ShardStageUpdate { event } => {
                let up = event.new == serenity::ConnectionStage::Connected;
                self.connected.store(up, Ordering::Relaxed);
            }
            FullEvent::Message { new_message } => {
                if !new_message.author.bot {
                    self.out.telemetry.update_received(SCOPE);
                }
                self.on_message(new_message).await
            }
            FullEvent::InteractionCreate { interaction } => {
                self.out.telemetry.update_received(SCOPE);
                if let Interaction::Component(press) = interaction {
                    self.on_button(ctx, press).await
                }
            }
            FullEvent::ChannelDelete { channel, .. } => {
                let chat = chat_ref(channel.id);
                if let Err(error) = self.core.chat_gone(&chat).await {
                    tracing::error!(%chat, %error, "could not record a deleted channel");
                }
            }
            _ => {}
        }
    }

    /// DMs, and server messages that mention the bot (Discord shows the bot their text without
    /// the privileged message-content intent).
    async fn on_message(&self, message: &Message) {
        if message.author.bot || message.webhook_id.is_some() {
            return;
        }
        let private = message.guild_id.is_none();
        let mentioned = message.mentions.iter().any(|u| u.id == self.bot_id);
        if !private && !mentioned {
            return;
        }
        let text = if private {
            message.content.clone()
        } else {
            without_mention(&message.content, self.bot_id)
        };
        let mut request = Request::text(chat_ref(message.channel_id), text)
            .from_sender(message.author.id.get().to_string());
        if let Some(guild) = message.guild_id {
            let rights = if request.changes_settings() {
                self.member_rights(guild, message.channel_id, message.author.id)
                    .await
            } else {
                Rights::Ask
            };
            request = request.with_rights(rights);
        }
        let response = self.core.handle(request).await;
        self.reply(message.channel_id, &response, &format!("re:{}", message.id))
            .await;
    }

    async fn on_button(&self, ctx: &serenity::Context, press: &ComponentInteraction) {
        let Ok(action) = press.data.custom_id.parse::<Action>() else {
            // A button of an older version: acknowledged, nothing else.
            tracing::debug!(
                channel = press.channel_id.get(),
                "an unknown button was pressed"
            );
            self.respond(ctx, press, CreateInteractionResponse::Acknowledge)
                .await;
            return;
        };
        let rights = interaction_rights(press.guild_id, press.member.as_ref());
        let allowed = rights == Rights::Manage || !action.changes_settings();
        let request = Request::action(chat_ref(press.channel_id), action.clone())
            .with_hint(Some(press.locale.clone()))
            .from_sender(press.user.id.get().to_string())
            .with_rights(rights);
        let deferred = AtomicBool::new(false);
        let response = self
            .in_time(self.core.handle(request), || async {
                deferred.store(true, Ordering::Relaxed);
                press
                    .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
                    .await
            })
            .await;
        let parts = send::parts(&response);
        if !deferred.load(Ordering::Relaxed) {
            // Navigation replaces the menu that was pressed; a refusal never does.
            let navigation = match action {
                Action::Topic(_) | Action::Topics => true,
                Action::Language(_) => allowed,
                _ => false,
            };
            if let [part] = parts.as_slice()
                && navigation
                && part.attachment.is_none()
            {
                let update = CreateInteractionResponseMessage::new()
                    .embeds(send::embeds(part))
                    .components(send::rows(&part.buttons))
                    .allowed_mentions(send::no_mentions());
                self.respond(ctx, press, CreateInteractionResponse::UpdateMessage(update))
                    .await;
                return;
            }
            let first = if matches!(action, Action::Snooze(..) | Action::Applied(_)) && allowed {
                // The reminder was acted on: its buttons go; the answer follows.
                CreateInteractionResponse::UpdateMessage(
                    CreateInteractionResponseMessage::new().components(Vec::new()),
                )
            } else if let Some(part) = parts.first() {
                let message = message_response(part, !allowed);
                let rest = &parts[1..];
                self.respond(ctx, press, CreateInteractionResponse::Message(message))
                    .await;
                self.follow_up(ctx, press, rest, !allowed).await;
                return;
            } else {
                CreateInteractionResponse::Acknowledge
            };
            self.respond(ctx, press, first).await;
        }
        self.follow_up(ctx, press, &parts, !allowed).await;
    }

    async fn respond(
        &self,
        ctx: &serenity::Context,
        press: &ComponentInteraction,
        response: CreateInteractionResponse,
    ) {
        if let Err(error) = press.create_response(&ctx.http, response).await {
            tracing::warn!(error = %self.token.redact(&error.to_string()), "could not answer a button press");
        }
    }

    async fn follow_up(
        &self,
        ctx: &serenity::Context,
        press: &ComponentInteraction,
        parts: &[Part],
        private: bool,
    ) {
        for part in parts {
            let mut followup = CreateInteractionResponseFollowup::new()
                .embeds(send::embeds(part))
                .components(send::rows(&part.buttons))
                .allowed_mentions(send::no_mentions())
                .ephemeral(private);
            if let Some(attachment) = &part.attachment {
                followup = followup.add_file(send::file(attachment));
            }
            if let Err(error) = press.create_followup(&ctx.http, followup).await {
                tracing::warn!(error = %self.token.redact(&error.to_string()), "could not follow up a button press");
                return;
            }
        }
    }

    async fn reply(&self, channel: ChannelId, response: &Response, key: &str) {
        if response.replies.is_empty() {
            return;
        }
        if let Err(error) = self
            .out
            .deliver(channel, response, Priority::Reply, key)
            .await
        {
            tracing::warn!(channel = channel.get(), %error, "could not answer");
            if matches!(error, SendError::Permanent { .. })
                && let Err(error) = self.core.chat_gone(&chat_ref(channel)).await
            {
                tracing::error!(channel = channel.get(), %error, "could not record the chat as gone");
            }
        }
    }

    /// Whether the author of a server message may manage the channel: Discord computes this for
    /// interactions, but for messages it is worked out from the server's roles and the
    /// channel's overwrites (remembered a while).
    async fn member_rights(&self, guild: GuildId, channel: ChannelId, user: UserId) -> Rights {
        let check = async {
            let lookup = async {
                let server = self.http.get_guild(guild).await?;
                let member = self.http.get_member(guild, user).await?;
                let place = self.http.get_channel(channel).await?;
                Ok::<_, serenity::Error>((server, member, place))
            };
            match lookup.await {
                Ok((server, member, serenity::Channel::Guild(place))) => {
                    let permissions = server.user_permissions_in(&place, &member);
                    if permissions.administrator() || permissions.manage_channels() {
                        Some(Rights::Manage)
                    } else {
                        Some(Rights::Ask)
                    }
                }
                Ok(_) => Some(Rights::Unverified),
                Err(error) => {
                    tracing::warn!(channel = channel.get(), error = %self.token.redact(&error.to_string()), "could not check a member's rights");
                    None
                }
            }
        };
        self.rights.rights((channel.get(), user.get()), check).await
    }
}

/// What the person may change here: anything in their DMs; in a server, what Discord's
/// computed permissions for the channel allow (Manage Channels, or Administrator).
fn interaction_rights(guild: Option<GuildId>, member: Option<&Member>) -> Rights {
    if guild.is_none() {
        return Rights::Manage;
    }
    match member.and_then(|m| m.permissions) {
        Some(p) if p.administrator() || p.manage_channels() => Rights::Manage,
        Some(_) => Rights::Ask,
        None => Rights::Unverified,
    }
}

/// The message text without mentions of the bot (`<@id>`, `<@!id>`).
fn without_mention(content: &str, bot: UserId) -> String {
    let id = bot.get();
    content
        .replace(&format!("<@{id}>"), " ")
        .replace(&format!("<@!{id}>"), " ")
        .trim()
        .to_owned()
}

fn reply(part: &Part, private: bool) -> poise::CreateReply {
    let mut reply = poise::CreateReply::default()
        .components(send::rows(&part.buttons))
        .allowed_mentions(send::no_mentions())
        .ephemeral(private);
    for embed in send::embeds(part) {
        reply = reply.embed(embed);
    }
    if let Some(attachment) = &part.attachment {
        reply = reply.attachment(send::file(attachment));
    }
    reply
}

fn message_response(part: &Part, private: bool) -> CreateInteractionResponseMessage {
    let mut message = CreateInteractionResponseMessage::new()
        .embeds(send::embeds(part))
        .components(send::rows(&part.buttons))
        .allowed_mentions(send::no_mentions())
        .ephemeral(private);
    if let Some(attachment) = &part.attachment {
        message = message.add_file(send::file(attachment));
    }
    message
}

fn options(
    commands: Vec<commands::Command>,
) -> poise::FrameworkOptions<commands::Data, DiscordError> {
    poise::FrameworkOptions {
        commands,
        on_error: |error| {
            Box::pin(async move {
                match error {
                    poise::FrameworkError::Command { error, ctx, .. } => {
                        tracing::warn!(command = %ctx.command().name, %error, "a command failed");
                    }
                    other => tracing::warn!(error = %other, "a Discord event failed"),
                }
            })
        },
        event_handler: |framework, event| {
            Box::pin(async move {
                let discord = framework.user_data.clone();
                discord.on_event(framework.serenity_context, event).await;
                Ok(())
            })
        },
        prefix_options: poise::PrefixFrameworkOptions {
            prefix: None,
            mention_as_prefix: false,
            ..Default::default()
        },
        allowed_mentions: Some(send::no_mentions()),
        ..Default::default()
    }
}

/// A running gateway session.
pub struct Running {
    shards: Arc<ShardManager>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Closes the gateway session; answers in progress finish on their own tasks.
    pub async fn stop(self) {
        self.shards.shutdown_all().await;
        let mut task = self.task;
        if tokio::time::timeout(STOP_GRACE, &mut task).await.is_err() {
            task.abort();
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0} is not a Discord chat")]
struct NotDiscord(ChatRef);

/// The outbox's Discord sender: bulk priority, so replies to people go first.
struct DiscordSender(Arc<Discord>);

#[async_trait::async_trait]
impl Sender for DiscordSender {
    async fn send(
        &self,
        chat: &ChatRef,
        response: &Response,
        key: &OutboxKey,
    ) -> Result<(), SendError> {
        let channel = channel_of(chat).ok_or_else(|| SendError::Refused {
            reason: NotDiscord(chat.clone()).to_string(),
        })?;
        self.0
            .out
            .deliver(channel, response, Priority::Bulk, &key.to_string())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_of_the_bot_are_taken_out() {
        let bot = UserId::new(42);
        assert_eq!(
            without_mention("<@42> how do I join?", bot),
            "how do I join?"
        );
        assert_eq!(without_mention("hey <@!42>", bot), "hey");
        assert_eq!(without_mention("<@43> hi", bot), "<@43> hi");
    }

    #[test]
    fn rights_follow_the_computed_permissions() {
        assert_eq!(interaction_rights(None, None), Rights::Manage);
        let guild = Some(GuildId::new(1));
        assert_eq!(interaction_rights(guild, None), Rights::Unverified);
    }
}
