//! A fake Discord (REST API v10 + gateway websocket) for end-to-end tests.
//!
//! The real serenity client talks to it when built with
//! `HttpBuilder::new(token).proxy(fake.url()).ratelimiter_disabled(true)`: REST requests then
//! arrive as `/api/v10/...` on the fake, and `GET /api/v10/gateway` hands out the fake's own
//! websocket URL, so the shard connects here instead of to Discord.
//!
//! The fake is strict where Discord is strict (message and command limits, the 3 s interaction
//! deadline, one acknowledgement per interaction, authorization) so that tests catch what
//! production would reject. Every broken rule is answered like Discord does (400 50035 ...) and
//! also recorded in [`FakeDiscord::violations`], which tests can assert to be empty.
//!
//! Everything listens on one `127.0.0.1:0` listener: REST under `/api/v10`, the gateway at
//! `/gateway`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use tokio::sync::{Notify, mpsc, watch};

/// The bot's application id (also used in READY and in webhook paths).
pub const APPLICATION_ID: u64 = 900_000_000_000_000_001;
/// The bot's own user id; mention it as `<@900000000000000002>`.
pub const BOT_USER_ID: u64 = 900_000_000_000_000_002;
/// The bot's username.
pub const BOT_NAME: &str = "ecabot-test";
/// The one guild the bot is in; `Place::Channel` channels belong to it.
pub const GUILD_ID: u64 = 900_000_000_000_000_100;
/// A guild role granting MANAGE_CHANNELS, given to users listed with [`FakeDiscord::set_managers`].
pub const MANAGER_ROLE_ID: u64 = 900_000_000_000_000_101;
/// The guild owner (nobody the tests use), so ownership never short-circuits permission checks.
pub const GUILD_OWNER_ID: u64 = 900_000_000_000_000_999;

/// Permission bits used by the fake's guild model.
pub const MANAGE_CHANNELS: u64 = 1 << 4;
pub const ADD_REACTIONS: u64 = 1 << 6;
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
/// What @everyone may do in the fake guild.
pub const EVERYONE_PERMISSIONS: u64 = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY;
/// What the bot may do in every channel (sent as `app_permissions`).
pub const BOT_PERMISSIONS: u64 = EVERYONE_PERMISSIONS | ADD_REACTIONS | EMBED_LINKS | ATTACH_FILES;

/// Discord answers interaction callbacks later than this with 10062 Unknown interaction.
const INTERACTION_DEADLINE: Duration = Duration::from_secs(3);
/// How long Discord remembers an enforced nonce ("a few minutes").
const NONCE_MEMORY: Duration = Duration::from_secs(300);
/// 2015-01-01, the start of Discord snowflakes.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
const DEFAULT_HEARTBEAT_MS: u64 = 41_250;
const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Locale keys Discord accepts in `name_localizations` / `description_localizations`.
pub const DISCORD_LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

// ------------------------------------------------------------------------------------------
// Public data types
// ------------------------------------------------------------------------------------------

/// A Discord user acting in a test.
#[derive(Clone, Debug)]
pub struct FakeUser {
    pub id: u64,
    pub name: String,
    /// The client locale sent as the interaction `locale` (Discord always sends one; `None`
    /// means `en-US`).
    pub locale: Option<String>,
}

impl FakeUser {
    pub fn new(id: u64, name: &str, locale: Option<&str>) -> FakeUser {
        FakeUser {
            id,
            name: name.to_string(),
            locale: locale.map(str::to_string),
        }
    }
}

/// Where an event happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The user's DM channel with the bot (id: [`FakeDiscord::dm_channel_of`]).
    Dm,
    /// A text channel in [`GUILD_ID`]; `permissions` are the member's computed permission bits
    /// in it, sent as `member.permissions` of interactions.
    Channel { channel_id: u64, permissions: u64 },
}

/// The handle of a dispatched interaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interaction {
    pub id: String,
    pub token: String,
}

/// One accepted command registration (`PUT .../commands`).
#[derive(Clone, Debug)]
pub struct Registration {
    /// The request path, e.g. `/api/v10/applications/{app}/guilds/{guild}/commands`.
    pub path: String,
    pub guild_id: Option<u64>,
    /// The command array as sent by the bot.
    pub commands: Value,
}

/// One accepted interaction callback (`POST /interactions/{id}/{token}/callback`).
#[derive(Clone, Debug)]
pub struct Callback {
    pub interaction_id: String,
    /// 1 pong, 4 message, 5 defer, 6 deferred update, 7 update, 8 autocomplete, 9 modal.
    pub kind: u64,
    /// The callback's `data` (Null when absent).
    pub data: Value,
    pub files: Vec<(String, Vec<u8>)>,
    /// Time since the interaction was dispatched over the gateway.
    pub after: Duration,
}

/// A message the bot posted (channel message, followup or original-response edit).
#[derive(Clone, Debug)]
pub struct Posted {
    pub channel_id: Option<u64>,
    /// The request payload (`payload_json` for multipart requests).
    pub json: Value,
    /// Attached files as (file name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    pub message_id: String,
    pub at: Instant,
    /// Set for webhook (interaction followup / original response) messages.
    pub interaction_token: Option<String>,
    /// True for `PATCH /webhooks/{app}/{token}/messages/@original`.
    pub edit_original: bool,
}

/// A failure injected into the next `POST /channels/{id}/messages` of a channel.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// 429 with `Retry-After`, `X-RateLimit-*` headers and Discord's rate-limit body.
    RateLimited { retry_after: f64, global: bool },
    /// 404 10003.
    UnknownChannel,
    /// 403 50001.
    MissingAccess,
    /// 403 50013.
    MissingPermissions,
    /// 403 50007 (the user blocks DMs from the guild's members).
    CannotDm,
    /// 500.
    ServerError,
    /// The message is created (and recorded, and remembered for its nonce) but the answer is a
    /// 502, as when a proxy drops the response: the client believes the send failed.
    CreatedButLost,
}

// ------------------------------------------------------------------------------------------
// Internal state
// ------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum ChannelKind {
    Guild,
    Dm { user_id: u64 },
}

#[derive(Debug)]
struct InteractionRecord {
    token: String,
    channel_id: u64,
    /// When the gateway actually sent it (the 3 s clock starts here).
    dispatched_at: Option<Instant>,
    created_at: Instant,
    acknowledged: bool,
    /// The original response message object, once there is one.
    original: Option<Value>,
    /// For component interactions: the message the component is on.
    component_message: Option<String>,
}

#[derive(Debug)]
struct World {
    heartbeat_interval: u64,
    gateway_requested: bool,
    gateway_query: Option<String>,
    identify: Option<Value>,
    ready: bool,
    heartbeats: usize,
    resumes: usize,
    connections: usize,
    session_id: Option<String>,
    seq: u64,
    /// The connection allowed to receive dispatches (the last one that identified or resumed).
    active_conn: Option<u64>,
    next_conn: u64,
    /// Closes the active connection with a code (for [`FakeDiscord::disconnect`]).
    close_active: Option<mpsc::UnboundedSender<u16>>,
    /// Dispatches (t, d) waiting for a READY session.
    outbox: VecDeque<(String, Value)>,
    dispatched: Vec<(String, Value)>,

    channels: HashMap<u64, ChannelKind>,
    users: HashMap<u64, FakeUser>,
    managers: HashMap<u64, Vec<u64>>,
    interactions: HashMap<String, InteractionRecord>,
    interaction_by_token: HashMap<String, String>,
    command_ids: HashMap<(Option<u64>, String), String>,
    global_commands: Value,
    guild_commands: HashMap<u64, Value>,
    message_objects: HashMap<String, Value>,

    registrations: Vec<Registration>,
    callbacks: Vec<Callback>,
    followups: Vec<Posted>,
    messages: Vec<Posted>,
    edits: Vec<(u64, String, Value)>,
    requests: Vec<(String, String, u16)>,
    request_times: Vec<Instant>,
    nonces: HashMap<(u64, String), (Instant, Value)>,
    nonce_duplicates: usize,
    violations: Vec<String>,
    too_many_requests: usize,
    failures: HashMap<u64, VecDeque<Failure>>,
    last_snowflake: u64,
    counter: u64,
}

impl World {
    fn new() -> World {
        World {
            heartbeat_interval: DEFAULT_HEARTBEAT_MS,
            gateway_requested: false,
            gateway_query: None,
            identify: None,
            ready: false,
            heartbeats: 0,
            resumes: 0,
            connections: 0,
            session_id: None,
            seq: 0,
            active_conn: None,
            next_conn: 0,
            close_active: None,
            outbox: VecDeque::new(),
            dispatched: Vec::new(),
            channels: HashMap::new(),
            users: HashMap::new(),
            managers: HashMap::new(),
            interactions: HashMap::new(),
            interaction_by_token: HashMap::new(),
            command_ids: HashMap::new(),
            global_commands: json!([]),
            guild_commands: HashMap::new(),
            message_objects: HashMap::new(),
            registrations: Vec::new(),
            callbacks: Vec::new(),
            followups: Vec::new(),
            messages: Vec::new(),
            edits: Vec::new(),
            requests: Vec::new(),
            request_times: Vec::new(),
            nonces: HashMap::new(),
            nonce_duplicates: 0,
            violations: Vec::new(),
            too_many_requests: 0,
            failures: HashMap::new(),
            last_snowflake: 0,
            counter: 0,
        }
    }

    /// A real-looking snowflake (timestamp-based, strictly increasing), so ids sort like
    /// Discord's and `created_at()` gives "now".
    fn snowflake(&mut self) -> u64 {
        let ms = unix_ms().saturating_sub(DISCORD_EPOCH_MS);
        let id = (ms << 22).max(self.last_snowflake + 1);
        self.last_snowflake = id;
        id
    }

    fn user(&self, id: u64) -> FakeUser {
        self.users
            .get(&id)
            .cloned()
            .unwrap_or_else(|| FakeUser::new(id, &format!("user{id}"), None))
    }

    fn is_manager(&self, user_id: u64) -> bool {
        self.managers.values().any(|ids| ids.contains(&user_id))
    }

    fn violation(&mut self, text: String) {
        self.violations.push(text);
    }
}

struct Inner {
    token: String,
    port: u16,
    state: Mutex<World>,
    /// Wakes gateway sessions when dispatches are queued.
    wake: Notify,
    shutdown: watch::Receiver<()>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, World> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}/gateway", self.port)
    }

    fn token_ok(&self, presented: &str) -> bool {
        presented.strip_prefix("Bot ").unwrap_or(presented) == self.token
    }

    fn enqueue(&self, t: &str, d: Value) {
        self.lock().outbox.push_back((t.to_string(), d));
        self.wake.notify_waiters();
    }
}

/// Stops the server when the last [`FakeDiscord`] handle is dropped (the server tasks hold
/// `Inner`, not this guard).
struct Guard {
    _shutdown: watch::Sender<()>,
}

/// The fake Discord server. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
    _guard: Arc<Guard>,
}

impl std::fmt::Debug for FakeDiscord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeDiscord")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

// ------------------------------------------------------------------------------------------
// Public API
// ------------------------------------------------------------------------------------------

impl FakeDiscord {
    /// Starts HTTP + gateway on one `127.0.0.1:0` listener. `token` may carry the `Bot ` prefix.
    ///
    /// # Panics
    /// If the loopback listener cannot be bound (a broken test machine).
    pub async fn start(token: &str) -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake discord: bind 127.0.0.1:0");
        let port = listener
            .local_addr()
            .expect("fake discord: local addr")
            .port();
        let (shutdown_tx, shutdown_rx) = watch::channel(());
        let inner = Arc::new(Inner {
            token: token.strip_prefix("Bot ").unwrap_or(token).to_string(),
            port,
            state: Mutex::new(World::new()),
            wake: Notify::new(),
            shutdown: shutdown_rx.clone(),
        });
        let app = Router::new()
            .route("/gateway", get(gateway_upgrade))
            .fallback(rest)
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(Arc::clone(&inner));
        let mut stop = shutdown_rx;
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // Err means the sender (the last handle's guard) is gone.
                let _ = stop.changed().await;
            });
            let _ = serve.await;
        });
        FakeDiscord {
            inner,
            _guard: Arc::new(Guard {
                _shutdown: shutdown_tx,
            }),
        }
    }

    /// The REST proxy base, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.inner.port)
    }

    /// The gateway URL handed out by `GET /api/v10/gateway`.
    pub fn gateway_url(&self) -> String {
        self.inner.gateway_url()
    }

    /// Whether `GET /api/v10/gateway` (or `/gateway/bot`) was answered; without it serenity
    /// silently falls back to the real gateway.
    pub fn gateway_requested(&self) -> bool {
        self.inner.lock().gateway_requested
    }

    /// The query string of the last gateway websocket connection (serenity opens `?v=10`).
    pub fn gateway_query(&self) -> Option<String> {
        self.inner.lock().gateway_query.clone()
    }

    /// The `d` of the last Identify (op 2), including its `token`.
    pub fn identify(&self) -> Option<Value> {
        self.inner.lock().identify.clone()
    }

    /// Whether READY has been sent after a good Identify.
    pub fn ready(&self) -> bool {
        self.inner.lock().ready
    }

    /// Waits until READY was sent after a good Identify.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        self.wait_for(timeout, |f| f.ready().then_some(()))
            .await
            .is_some()
    }

    /// Heartbeats (op 1) received and ACKed.
    pub fn heartbeats(&self) -> usize {
        self.inner.lock().heartbeats
    }

    /// The Hello heartbeat interval; set it before the client connects.
    pub fn set_heartbeat_interval(&self, ms: u64) {
        self.inner.lock().heartbeat_interval = ms;
    }

    /// Websocket connections accepted so far.
    pub fn connections(&self) -> usize {
        self.inner.lock().connections
    }

    /// Successful Resumes (op 6).
    pub fn resumes(&self) -> usize {
        self.inner.lock().resumes
    }

    /// Every dispatch sent over the gateway as (t, d), in order, READY included: tests can
    /// deserialize these with serenity's model types to prove the payloads are valid.
    pub fn dispatched(&self) -> Vec<(String, Value)> {
        self.inner.lock().dispatched.clone()
    }

    /// A user's DM channel id (the one `POST /users/@me/channels` returns for them).
    pub fn dm_channel_of(&self, user_id: u64) -> u64 {
        dm_channel_of(user_id)
    }

    /// Makes a guild text channel known without an event in it (unknown channels get 404).
    pub fn add_channel(&self, channel_id: u64) {
        self.inner
            .lock()
            .channels
            .entry(channel_id)
            .or_insert(ChannelKind::Guild);
    }

    /// A slash command (type 2) with string options (type 3). A `name` with spaces invokes a
    /// subcommand (`"parent sub"`) or a subcommand of a group (`"parent group sub"`).
    pub fn slash(
        &self,
        user: &FakeUser,
        place: Place,
        name: &str,
        options: &[(&str, &str)],
    ) -> Interaction {
        self.command_interaction(2, user, place, name, options, None)
    }

    /// An autocomplete request (type 4); the option named `focused` carries `"focused": true`.
    pub fn autocomplete(
        &self,
        user: &FakeUser,
        place: Place,
        name: &str,
        options: &[(&str, &str)],
        focused: &str,
    ) -> Interaction {
        self.command_interaction(4, user, place, name, options, Some(focused))
    }

    /// A button click (type 3, component_type 2) on `message_id` (a message the bot posted, or
    /// a made-up id, in which case a plausible bot message is invented).
    pub fn button(
        &self,
        user: &FakeUser,
        place: Place,
        message_id: &str,
        custom_id: &str,
    ) -> Interaction {
        let mut st = self.inner.lock();
        let channel_id = register_place(&mut st, user, place);
        let message = match st.message_objects.get(message_id) {
            Some(m) => m.clone(),
            None => {
                let obj = message_object(
                    message_id,
                    channel_id,
                    bot_user_json(),
                    &json!({"content": "", "components": []}),
                    &[],
                );
                st.message_objects
                    .insert(message_id.to_string(), obj.clone());
                obj
            }
        };
        let data = json!({"custom_id": custom_id, "component_type": 2});
        let (handle, mut d) = new_interaction(&mut st, 3, user, place, channel_id, data);
        d["message"] = message;
        if let Some(rec) = st.interactions.get_mut(&handle.id) {
            rec.component_message = Some(message_id.to_string());
        }
        drop(st);
        self.inner.enqueue("INTERACTION_CREATE", d);
        handle
    }

    /// A user message (MESSAGE_CREATE). With `mentions_bot` the `mentions` array holds the bot
    /// user; the content is sent as given. Returns the message id.
    pub fn message(
        &self,
        user: &FakeUser,
        place: Place,
        content: &str,
        mentions_bot: bool,
    ) -> String {
        let mut st = self.inner.lock();
        let channel_id = register_place(&mut st, user, place);
        let id = st.snowflake().to_string();
        let mut msg = message_object(
            &id,
            channel_id,
            user_json(user),
            &json!({"content": content}),
            &[],
        );
        if mentions_bot {
            msg["mentions"] = json!([bot_user_json()]);
        }
        st.message_objects.insert(id.clone(), msg.clone());
        if let Place::Channel { .. } = place {
            msg["guild_id"] = json!(GUILD_ID.to_string());
            let mut member = member_json(&st, user, None);
            if let Some(m) = member.as_object_mut() {
                m.remove("user");
            }
            msg["member"] = member;
        }
        drop(st);
        self.inner.enqueue("MESSAGE_CREATE", msg);
        id
    }

    /// Accepted command registrations, in order.
    pub fn registrations(&self) -> Vec<Registration> {
        self.inner.lock().registrations.clone()
    }

    /// Accepted interaction callbacks, in order.
    pub fn callbacks(&self) -> Vec<Callback> {
        self.inner.lock().callbacks.clone()
    }

    /// Followups (`POST /webhooks/{app}/{token}`) and original-response edits
    /// (`PATCH .../messages/@original`, `edit_original: true`), in order. Edits of followup
    /// messages are in [`FakeDiscord::message_edits`].
    pub fn followups(&self) -> Vec<Posted> {
        self.inner.lock().followups.clone()
    }

    /// Channel messages created by `POST /channels/{id}/messages` (nonce duplicates once).
    pub fn messages(&self) -> Vec<Posted> {
        self.inner.lock().messages.clone()
    }

    /// [`FakeDiscord::messages`] of one channel.
    pub fn messages_in(&self, channel_id: u64) -> Vec<Posted> {
        self.messages()
            .into_iter()
            .filter(|p| p.channel_id == Some(channel_id))
            .collect()
    }

    /// Message edits as (channel id, message id, payload): `PATCH /channels/{c}/messages/{m}`
    /// and `PATCH /webhooks/{app}/{token}/messages/{followup id}`.
    pub fn message_edits(&self) -> Vec<(u64, String, Value)> {
        self.inner.lock().edits.clone()
    }

    /// (method, path without query, status) of every REST request, e.g.
    /// `("POST", "/api/v10/channels/1/messages", 200)`.
    pub fn requests(&self) -> Vec<(String, String, u16)> {
        self.inner.lock().requests.clone()
    }

    /// How often an enforced nonce returned an existing message instead of creating one.
    pub fn nonce_duplicates(&self) -> usize {
        self.inner.lock().nonce_duplicates
    }

    /// Broken Discord rules, each also answered with Discord's error: limits (400 50035),
    /// interaction misuse (double acknowledgement, callback after 3 s, webhook before the
    /// acknowledgement) and editing another user's message.
    pub fn violations(&self) -> Vec<String> {
        self.inner.lock().violations.clone()
    }

    /// 429 answers given.
    pub fn too_many_requests(&self) -> usize {
        self.inner.lock().too_many_requests
    }

    /// The most REST requests within any sliding one-second window.
    pub fn peak_per_second(&self) -> usize {
        peak_in_window(&self.inner.lock().request_times, Duration::from_secs(1))
    }

    /// Queues a failure for the next `POST /channels/{channel_id}/messages` (FIFO per channel).
    pub fn fail_next(&self, channel_id: u64, failure: Failure) {
        self.inner
            .lock()
            .failures
            .entry(channel_id)
            .or_default()
            .push_back(failure);
    }

    /// Users holding the manager role (MANAGE_CHANNELS) as seen by REST permission lookups;
    /// listing a user for any channel makes them a guild manager.
    pub fn set_managers(&self, channel_id: u64, user_ids: &[u64]) {
        let mut st = self.inner.lock();
        st.channels.entry(channel_id).or_insert(ChannelKind::Guild);
        st.managers.insert(channel_id, user_ids.to_vec());
    }

    /// Polls `check` every 15 ms until it returns `Some` or `timeout` passes.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&FakeDiscord) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = check(self) {
                return Some(found);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
    }

    /// Closes the active gateway connection with code 4000, so the client resumes (op 6).
    pub fn disconnect(&self) {
        let st = self.inner.lock();
        if let Some(close) = &st.close_active {
            let _ = close.send(4000);
        }
    }

    fn command_interaction(
        &self,
        kind: u64,
        user: &FakeUser,
        place: Place,
        name: &str,
        options: &[(&str, &str)],
        focused: Option<&str>,
    ) -> Interaction {
        let mut st = self.inner.lock();
        let channel_id = register_place(&mut st, user, place);
        let mut path = name.split_whitespace();
        let top = path.next().unwrap_or_default().to_string();
        let nested: Vec<&str> = path.collect();
        let mut opts: Vec<Value> = options
            .iter()
            .map(|(n, v)| {
                let mut o = json!({"name": n, "type": 3, "value": v});
                if focused == Some(*n) {
                    o["focused"] = json!(true);
                }
                o
            })
            .collect();
        // Wrap innermost first: "parent group sub" → group(2) { sub(1) { options } }.
        for (depth, part) in nested.iter().enumerate().rev() {
            let kind = if depth + 1 == nested.len() { 1 } else { 2 };
            opts = vec![json!({"name": part, "type": kind, "options": opts})];
        }
        let guild = matches!(place, Place::Channel { .. }).then_some(GUILD_ID);
        let command_id = st
            .command_ids
            .get(&(guild, top.clone()))
            .or_else(|| st.command_ids.get(&(None, top.clone())))
            .cloned()
            .unwrap_or_else(|| st.snowflake().to_string());
        let data = json!({"id": command_id, "name": top, "type": 1, "options": opts});
        let (handle, d) = new_interaction(&mut st, kind, user, place, channel_id, data);
        drop(st);
        self.inner.enqueue("INTERACTION_CREATE", d);
        handle
    }
}

// ------------------------------------------------------------------------------------------
// Payload builders
// ------------------------------------------------------------------------------------------

fn dm_channel_of(user_id: u64) -> u64 {
    user_id + 1
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// ISO 8601 in Discord's format, e.g. `2026-05-09T12:00:00.000000+00:00` (no chrono needed).
fn iso_now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    )
}

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn bot_user_json() -> Value {
    json!({
        "id": BOT_USER_ID.to_string(),
        "username": BOT_NAME,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "system": false,
        "mfa_enabled": false,
        "verified": true,
        "flags": 0,
        "public_flags": 0,
    })
}

fn user_json(user: &FakeUser) -> Value {
    json!({
        "id": user.id.to_string(),
        "username": user.name,
        "discriminator": "0",
        "global_name": user.name,
        "avatar": null,
        "public_flags": 0,
    })
}

/// A guild member; `permissions` only in interactions (Discord sends it nowhere else).
fn member_json(st: &World, user: &FakeUser, permissions: Option<u64>) -> Value {
    let roles: Vec<String> = if st.is_manager(user.id) {
        vec![MANAGER_ROLE_ID.to_string()]
    } else {
        Vec::new()
    };
    let mut member = json!({
        "user": user_json(user),
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": roles,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
        "unusual_dm_activity_until": null,
    });
    if let Some(bits) = permissions {
        member["permissions"] = json!(bits.to_string());
    }
    member
}

fn role_json(id: u64, name: &str, permissions: u64, position: u64) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

fn guild_roles_json() -> Value {
    json!([
        role_json(GUILD_ID, "@everyone", EVERYONE_PERMISSIONS, 0),
        role_json(
            MANAGER_ROLE_ID,
            "manager",
            MANAGE_CHANNELS | EVERYONE_PERMISSIONS,
            1
        ),
    ])
}

fn guild_json() -> Value {
    json!({
        "id": GUILD_ID.to_string(),
        "name": "Fake Guild",
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": GUILD_OWNER_ID.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": guild_roles_json(),
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
    })
}

fn guild_channel_json(channel_id: u64) -> Value {
    json!({
        "id": channel_id.to_string(),
        "type": 0,
        "guild_id": GUILD_ID.to_string(),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

fn dm_channel_json(channel_id: u64, user: &FakeUser) -> Value {
    json!({
        "id": channel_id.to_string(),
        "type": 1,
        "recipients": [user_json(user)],
        "last_message_id": null,
        "flags": 0,
    })
}

fn application_json() -> Value {
    json!({
        "id": APPLICATION_ID.to_string(),
        "name": BOT_NAME,
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "bot": bot_user_json(),
        "owner": {
            "id": GUILD_OWNER_ID.to_string(),
            "username": "owner",
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "public_flags": 0,
        },
        "team": null,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "flags": 0,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "approximate_guild_count": 1,
    })
}

/// Registers the place's channel (and the user) and returns the channel id.
fn register_place(st: &mut World, user: &FakeUser, place: Place) -> u64 {
    st.users.insert(user.id, user.clone());
    match place {
        Place::Dm => {
            let id = dm_channel_of(user.id);
            st.channels.insert(id, ChannelKind::Dm { user_id: user.id });
            id
        }
        Place::Channel { channel_id, .. } => {
            st.channels.entry(channel_id).or_insert(ChannelKind::Guild);
            channel_id
        }
    }
}

/// The common INTERACTION_CREATE body; records the interaction for the callback checks.
fn new_interaction(
    st: &mut World,
    kind: u64,
    user: &FakeUser,
    place: Place,
    channel_id: u64,
    data: Value,
) -> (Interaction, Value) {
    let id = st.snowflake().to_string();
    st.counter += 1;
    let token = format!(
        "fake-interaction-token-{id}-{:x}",
        st.counter.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    );
    let mut d = json!({
        "id": id,
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "channel_id": channel_id.to_string(),
        "token": token,
        "version": 1,
        "app_permissions": BOT_PERMISSIONS.to_string(),
        "locale": user.locale.clone().unwrap_or_else(|| "en-US".to_string()),
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    });
    match place {
        Place::Channel { permissions, .. } => {
            d["guild_id"] = json!(GUILD_ID.to_string());
            d["guild_locale"] = json!("en-US");
            d["member"] = member_json(st, user, Some(permissions));
            d["channel"] = json!({
                "id": channel_id.to_string(), "type": 0, "name": "general",
                "guild_id": GUILD_ID.to_string(), "permissions": permissions.to_string(),
            });
            d["authorizing_integration_owners"] = json!({"0": GUILD_ID.to_string()});
            d["context"] = json!(0);
        }
        Place::Dm => {
            d["user"] = user_json(user);
            d["channel"] = json!({"id": channel_id.to_string(), "type": 1});
            d["authorizing_integration_owners"] = json!({"0": "0"});
            d["context"] = json!(1);
        }
    }
    st.interactions.insert(
        id.clone(),
        InteractionRecord {
            token: token.clone(),
            channel_id,
            dispatched_at: None,
            created_at: Instant::now(),
            acknowledged: false,
            original: None,
            component_message: None,
        },
    );
    st.interaction_by_token.insert(token.clone(), id.clone());
    (Interaction { id, token }, d)
}

/// A message object as Discord returns it, built from a create payload.
fn message_object(
    id: &str,
    channel_id: u64,
    author: Value,
    payload: &Value,
    files: &[(String, Vec<u8>)],
) -> Value {
    let attachments = attachment_objects(&channel_id.to_string(), id, files);
    let embeds: Vec<Value> = payload
        .get("embeds")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|e| {
                    let mut e = e.clone();
                    if let Some(o) = e.as_object_mut() {
                        o.entry("type").or_insert(json!("rich"));
                    }
                    e
                })
                .collect()
        })
        .unwrap_or_default();
    let mut msg = json!({
        "id": id,
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": payload.get("content").and_then(Value::as_str).unwrap_or_default(),
        "timestamp": iso_now(),
        "edited_timestamp": null,
        "tts": payload.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": embeds,
        "pinned": false,
        "type": 0,
        "components": payload.get("components").cloned().unwrap_or_else(|| json!([])),
        "flags": payload.get("flags").cloned().unwrap_or_else(|| json!(0)),
    });
    if let Some(nonce) = payload.get("nonce") {
        msg["nonce"] = nonce.clone();
    }
    if let Some(reference) = payload.get("message_reference").and_then(Value::as_object) {
        let mut reference = reference.clone();
        reference
            .entry("channel_id")
            .or_insert(json!(channel_id.to_string()));
        msg["message_reference"] = Value::Object(reference);
        msg["type"] = json!(19);
    }
    msg
}

/// Applies an edit payload to a stored message object. `attachments` in an edit lists the
/// existing attachments to keep (by id); uploaded files are added after them.
fn apply_edit(msg: &mut Value, patch: &Value, files: &[(String, Vec<u8>)]) {
    let Some(obj) = msg.as_object_mut() else {
        return;
    };
    for key in ["content", "embeds", "components", "flags"] {
        if let Some(v) = patch.get(key) {
            let v = if v.is_null() {
                null_default(key)
            } else {
                v.clone()
            };
            obj.insert(key.to_string(), v);
        }
    }
    let existing = obj
        .get("attachments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut kept: Vec<Value> = match patch.get("attachments").and_then(Value::as_array) {
        Some(keep) => {
            let ids: Vec<String> = keep
                .iter()
                .filter_map(|a| a.get("id"))
                .map(id_string)
                .collect();
            existing
                .into_iter()
                .filter(|a| a.get("id").is_some_and(|id| ids.contains(&id_string(id))))
                .collect()
        }
        None => existing,
    };
    let id = obj.get("id").map(id_string).unwrap_or_default();
    let channel = obj.get("channel_id").map(id_string).unwrap_or_default();
    kept.extend(attachment_objects(&channel, &id, files));
    obj.insert("attachments".to_string(), json!(kept));
    obj.insert("edited_timestamp".to_string(), json!(iso_now()));
}

/// A snowflake given as a JSON string or number, as a string.
fn id_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Attachment objects for uploaded files; ids are unique per upload.
fn attachment_objects(
    channel_id: &str,
    message_id: &str,
    files: &[(String, Vec<u8>)],
) -> Vec<Value> {
    let upload = unix_ms();
    files
        .iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let url =
                format!("https://cdn.discordapp.com/attachments/{channel_id}/{message_id}/{name}");
            json!({
                "id": format!("{upload}{i:03}"),
                "filename": name,
                "size": bytes.len(),
                "url": url,
                "proxy_url": url,
                "content_type": "application/octet-stream",
            })
        })
        .collect()
}

fn null_default(key: &str) -> Value {
    match key {
        "content" => json!(""),
        "flags" => json!(0),
        _ => json!([]),
    }
}

fn peak_in_window(times: &[Instant], window: Duration) -> usize {
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= window {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

// ------------------------------------------------------------------------------------------
// Validation (Discord's documented limits)
// ------------------------------------------------------------------------------------------

/// The array under `key`, or an empty slice.
fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

/// Checks a message payload; `create` also requires it to be non-empty.
fn check_message(payload: &Value, files: usize, create: bool) -> Vec<String> {
    let mut bad = Vec::new();
    if !payload.is_object() {
        bad.push("payload is not a JSON object".to_string());
        return bad;
    }
    let content = chars(payload.get("content"));
    if content > 2000 {
        bad.push(format!("content is {content} chars (max 2000)"));
    }
    let embeds = array(payload, "embeds");
    if embeds.len() > 10 {
        bad.push(format!("{} embeds (max 10)", embeds.len()));
    }
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let limit = |bad: &mut Vec<String>, what: &str, n: usize, max: usize| {
            if n > max {
                bad.push(format!("embed {i} {what} is {n} chars (max {max})"));
            }
        };
        let title = chars(e.get("title"));
        limit(&mut bad, "title", title, 256);
        let description = chars(e.get("description"));
        limit(&mut bad, "description", description, 4096);
        let footer = chars(e.pointer("/footer/text"));
        limit(&mut bad, "footer text", footer, 2048);
        let author = chars(e.pointer("/author/name"));
        limit(&mut bad, "author name", author, 256);
        total += title + description + footer + author;
        let fields = array(e, "fields");
        if fields.len() > 25 {
            bad.push(format!("embed {i} has {} fields (max 25)", fields.len()));
        }
        for f in fields {
            let name = chars(f.get("name"));
            let value = chars(f.get("value"));
            limit(&mut bad, "field name", name, 256);
            limit(&mut bad, "field value", value, 1024);
            total += name + value;
        }
    }
    if total > 6000 {
        bad.push(format!("embeds total {total} chars (max 6000)"));
    }
    let rows = array(payload, "components");
    if rows.len() > 5 {
        bad.push(format!("{} action rows (max 5)", rows.len()));
    }
    for (r, row) in rows.iter().enumerate() {
        let items = array(row, "components");
        let buttons: Vec<&Value> = items
            .iter()
            .filter(|c| c.get("type").and_then(Value::as_u64) == Some(2))
            .collect();
        if buttons.len() > 5 {
            bad.push(format!("row {r} has {} buttons (max 5)", buttons.len()));
        }
        for b in buttons {
            let custom_id = chars(b.get("custom_id"));
            if custom_id > 100 {
                bad.push(format!(
                    "row {r} button custom_id is {custom_id} chars (max 100)"
                ));
            }
            let is_link = b.get("style").and_then(Value::as_u64) == Some(5);
            if !is_link && b.get("sku_id").is_none() && custom_id == 0 {
                bad.push(format!("row {r} has a non-link button without custom_id"));
            }
            let label = chars(b.get("label"));
            if label > 80 {
                bad.push(format!("row {r} button label is {label} chars (max 80)"));
            }
        }
    }
    let nonce = chars(payload.get("nonce"));
    if nonce > 25 {
        bad.push(format!("nonce is {nonce} chars (max 25)"));
    }
    let has = |k: &str| {
        payload
            .get(k)
            .is_some_and(|v| !v.is_null() && v != &json!("") && v != &json!([]))
    };
    if create
        && files == 0
        && !["content", "embeds", "components", "sticker_ids", "poll"]
            .iter()
            .any(|k| has(k))
    {
        bad.push("empty message (no content, embeds, components or files)".to_string());
    }
    bad
}

/// Discord's chat-input name rule `^[-_\p{L}\p{N}]{1,32}$`, lowercase where a letter has cases.
fn valid_command_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=32).contains(&n)
        && name
            .chars()
            .all(|c| (c == '-' || c == '_' || c.is_alphanumeric()) && !c.is_uppercase())
}

fn check_localizations(bad: &mut Vec<String>, at: &str, item: &Value, chat_input: bool) {
    for (field, is_name) in [
        ("name_localizations", true),
        ("description_localizations", false),
    ] {
        let Some(map) = item.get(field).and_then(Value::as_object) else {
            continue;
        };
        for (locale, text) in map {
            if !DISCORD_LOCALES.contains(&locale.as_str()) {
                bad.push(format!("{at}: {field} has unknown locale key {locale:?}"));
            }
            let text = text.as_str().unwrap_or_default();
            let len = text.chars().count();
            if is_name && chat_input && !valid_command_name(text) {
                bad.push(format!(
                    "{at}: {field}[{locale}] {text:?} breaks the name rule"
                ));
            } else if is_name && !(1..=32).contains(&len) {
                bad.push(format!("{at}: {field}[{locale}] has {len} chars (1..=32)"));
            } else if !is_name && chat_input && !(1..=100).contains(&len) {
                bad.push(format!("{at}: {field}[{locale}] has {len} chars (1..=100)"));
            }
        }
    }
}

fn check_options(bad: &mut Vec<String>, at: &str, options: &[Value]) {
    if options.len() > 25 {
        bad.push(format!("{at}: {} options (max 25)", options.len()));
    }
    let mut seen_optional = false;
    let mut names = HashSet::new();
    for o in options {
        let name = o.get("name").and_then(Value::as_str).unwrap_or_default();
        let here = format!("{at}.{name}");
        if !valid_command_name(name) {
            bad.push(format!("{here}: option name {name:?} breaks the name rule"));
        }
        if !names.insert(name) {
            bad.push(format!("{here}: duplicate option name"));
        }
        let description = chars(o.get("description"));
        if !(1..=100).contains(&description) {
            bad.push(format!(
                "{here}: description has {description} chars (1..=100)"
            ));
        }
        check_localizations(bad, &here, o, true);
        let required = o.get("required").and_then(Value::as_bool).unwrap_or(false);
        if required && seen_optional {
            bad.push(format!("{here}: required option after an optional one"));
        }
        seen_optional |= !required;
        let choices = array(o, "choices");
        if choices.len() > 25 {
            bad.push(format!("{here}: {} choices (max 25)", choices.len()));
        }
        for c in choices {
            let n = chars(c.get("name"));
            if !(1..=100).contains(&n) {
                bad.push(format!("{here}: choice name has {n} chars (1..=100)"));
            }
            if chars(c.get("value")) > 100 {
                bad.push(format!("{here}: choice value longer than 100 chars"));
            }
            check_localizations(bad, &format!("{here} choice"), c, false);
        }
        if let Some(sub) = o.get("options").and_then(Value::as_array) {
            check_options(bad, &here, sub);
        }
    }
}

fn check_commands(commands: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let Some(list) = commands.as_array() else {
        return vec!["command list is not a JSON array".to_string()];
    };
    let chat_input = list
        .iter()
        .filter(|c| c.get("type").and_then(Value::as_u64).unwrap_or(1) == 1)
        .count();
    if chat_input > 100 {
        bad.push(format!("{chat_input} chat input commands (max 100)"));
    }
    let mut names = HashSet::new();
    for c in list {
        let kind = c.get("type").and_then(Value::as_u64).unwrap_or(1);
        let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
        let at = format!("command {name:?}");
        if !names.insert((kind, name)) {
            bad.push(format!("{at}: duplicate name"));
        }
        let description = chars(c.get("description"));
        if kind == 1 {
            if !valid_command_name(name) {
                bad.push(format!(
                    "{at}: name breaks ^[-_\\p{{L}}\\p{{N}}]{{1,32}}$ / lowercase"
                ));
            }
            if !(1..=100).contains(&description) {
                bad.push(format!(
                    "{at}: description has {description} chars (1..=100)"
                ));
            }
        } else {
            if !(1..=32).contains(&name.chars().count()) {
                bad.push(format!("{at}: name must have 1..=32 chars"));
            }
            if description != 0 {
                bad.push(format!(
                    "{at}: user/message commands must have an empty description"
                ));
            }
        }
        check_localizations(&mut bad, &at, c, kind == 1);
        if let Some(options) = c.get("options").and_then(Value::as_array) {
            check_options(&mut bad, &at, options);
        }
    }
    bad
}

fn check_autocomplete(data: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let choices = array(data, "choices");
    if choices.len() > 25 {
        bad.push(format!("{} autocomplete choices (max 25)", choices.len()));
    }
    for c in choices {
        let name = chars(c.get("name"));
        if !(1..=100).contains(&name) {
            bad.push(format!(
                "autocomplete choice name has {name} chars (1..=100)"
            ));
        }
        let value = chars(c.get("value"));
        if value > 100 {
            bad.push(format!(
                "autocomplete choice value has {value} chars (max 100)"
            ));
        }
    }
    bad
}

// ------------------------------------------------------------------------------------------
// Gateway
// ------------------------------------------------------------------------------------------

async fn gateway_upgrade(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    ws: WebSocketUpgrade,
) -> Response {
    inner.lock().gateway_query = Some(uri.query().unwrap_or_default().to_string());
    ws.on_upgrade(move |socket| gateway_session(inner, socket))
}

/// What the session loop must do after a client frame.
enum Reaction {
    Send(Vec<Value>),
    Close(u16, &'static str),
}

async fn gateway_session(inner: Arc<Inner>, socket: WebSocket) {
    let (mut tx, mut rx) = socket.split();
    let (close_tx, mut close_rx) = mpsc::unbounded_channel::<u16>();
    let (conn, interval) = {
        let mut st = inner.lock();
        st.next_conn += 1;
        st.connections += 1;
        (st.next_conn, st.heartbeat_interval)
    };
    let mut shutdown = inner.shutdown.clone();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": interval}, "s": null, "t": null});
    if send_json(&mut tx, &hello).await.is_err() {
        return;
    }
    loop {
        // Arm the wake-up before draining so a dispatch queued in between is not missed.
        let mut woken = pin!(inner.wake.notified());
        woken.as_mut().enable();
        while let Some(frame) = next_dispatch(&inner, conn) {
            if send_json(&mut tx, &frame).await.is_err() {
                break;
            }
        }
        let reaction = tokio::select! {
            frame = rx.next() => match frame {
                Some(Ok(WsMessage::Text(text))) => client_frame(&inner, conn, &close_tx, text.as_str()),
                Some(Ok(WsMessage::Binary(bytes))) => match std::str::from_utf8(&bytes) {
                    Ok(text) => client_frame(&inner, conn, &close_tx, text),
                    Err(_) => Reaction::Close(4002, "Error while decoding payload."),
                },
                Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => Reaction::Send(Vec::new()),
            },
            () = &mut woken => Reaction::Send(Vec::new()),
            code = close_rx.recv() => Reaction::Close(code.unwrap_or(4000), "Disconnected by the test."),
            _ = shutdown.changed() => Reaction::Close(1001, "Fake Discord stopped."),
        };
        match reaction {
            Reaction::Send(frames) => {
                for frame in frames {
                    if send_json(&mut tx, &frame).await.is_err() {
                        break;
                    }
                }
            }
            Reaction::Close(code, reason) => {
                let frame = CloseFrame {
                    code,
                    reason: reason.into(),
                };
                let _ = tx.send(WsMessage::Close(Some(frame))).await;
                break;
            }
        }
    }
    let mut st = inner.lock();
    if st.active_conn == Some(conn) {
        st.active_conn = None;
        st.close_active = None;
    }
}

async fn send_json(
    tx: &mut futures_util::stream::SplitSink<WebSocket, WsMessage>,
    value: &Value,
) -> Result<(), axum::Error> {
    tx.send(WsMessage::Text(value.to_string().into())).await
}

/// Pops the next queued dispatch for the active, ready connection and stamps its sequence.
fn next_dispatch(inner: &Inner, conn: u64) -> Option<Value> {
    let mut st = inner.lock();
    if st.active_conn != Some(conn) {
        return None;
    }
    let (t, d) = st.outbox.pop_front()?;
    st.seq += 1;
    let seq = st.seq;
    if t == "INTERACTION_CREATE" {
        let id = d
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(rec) = st.interactions.get_mut(&id) {
            rec.dispatched_at = Some(Instant::now());
        }
    }
    st.dispatched.push((t.clone(), d.clone()));
    Some(json!({"op": 0, "t": t, "s": seq, "d": d}))
}

fn client_frame(
    inner: &Inner,
    conn: u64,
    close_tx: &mpsc::UnboundedSender<u16>,
    text: &str,
) -> Reaction {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return Reaction::Close(4002, "Error while decoding payload.");
    };
    let d = frame.get("d").cloned().unwrap_or(Value::Null);
    match frame.get("op").and_then(Value::as_u64) {
        Some(1) => {
            inner.lock().heartbeats += 1;
            Reaction::Send(vec![json!({"op": 11, "d": null, "s": null, "t": null})])
        }
        Some(2) => {
            let token = d.get("token").and_then(Value::as_str).unwrap_or_default();
            let good = inner.token_ok(token);
            let mut st = inner.lock();
            st.identify = Some(d.clone());
            if !good {
                return Reaction::Close(4004, "Authentication failed.");
            }
            if st.active_conn == Some(conn) {
                return Reaction::Close(4005, "Already authenticated.");
            }
            let session_id = format!("fake-session-{}", st.snowflake());
            st.session_id = Some(session_id.clone());
            st.seq = 1;
            st.active_conn = Some(conn);
            st.close_active = Some(close_tx.clone());
            let ready = json!({
                "v": 10,
                "user": bot_user_json(),
                "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
                "session_id": session_id,
                "resume_gateway_url": inner.gateway_url(),
                "shard": d.get("shard").cloned().unwrap_or_else(|| json!([0, 1])),
                "application": {"id": APPLICATION_ID.to_string(), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "user_settings": {},
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
            });
            st.dispatched.push(("READY".to_string(), ready.clone()));
            st.ready = true;
            Reaction::Send(vec![json!({"op": 0, "t": "READY", "s": 1, "d": ready})])
        }
        Some(6) => {
            let token = d.get("token").and_then(Value::as_str).unwrap_or_default();
            let good = inner.token_ok(token);
            let mut st = inner.lock();
            let same = st.session_id.is_some()
                && d.get("session_id").and_then(Value::as_str) == st.session_id.as_deref();
            if !good {
                return Reaction::Close(4004, "Authentication failed.");
            }
            if !same {
                return Reaction::Send(vec![json!({"op": 9, "d": false, "s": null, "t": null})]);
            }
            st.active_conn = Some(conn);
            st.close_active = Some(close_tx.clone());
            st.resumes += 1;
            st.seq += 1;
            let seq = st.seq;
            st.dispatched.push(("RESUMED".to_string(), json!({})));
            Reaction::Send(vec![json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}})])
        }
        // Presence updates, member requests, voice state: accepted and ignored.
        Some(3 | 4 | 8 | 31) => Reaction::Send(Vec::new()),
        _ => Reaction::Close(4001, "Unknown opcode."),
    }
}

// ------------------------------------------------------------------------------------------
// REST
// ------------------------------------------------------------------------------------------

/// A REST answer before it becomes an HTTP response.
struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(body: Value) -> Reply {
        Reply {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }
    fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply {
            status,
            body: Some(json!({"code": code, "message": message})),
            headers: Vec::new(),
        }
    }
    fn not_found() -> Reply {
        Reply::error(404, 0, "404: Not Found")
    }
    fn invalid_form(problems: &[String]) -> Reply {
        let mut reply = Reply::error(400, 50035, "Invalid Form Body");
        if let Some(body) = reply.body.as_mut() {
            body["errors"] = json!({"_errors": problems
                .iter()
                .map(|p| json!({"code": "BASE_TYPE_INVALID", "message": p}))
                .collect::<Vec<_>>()});
        }
        reply
    }
    fn unknown_channel() -> Reply {
        Reply::error(404, 10003, "Unknown Channel")
    }
    fn unknown_message() -> Reply {
        Reply::error(404, 10008, "Unknown Message")
    }
    fn unknown_webhook() -> Reply {
        Reply::error(404, 10015, "Unknown Webhook")
    }
    fn unknown_interaction() -> Reply {
        Reply::error(404, 10062, "Unknown interaction")
    }
}

/// A parsed request body: JSON, or multipart's `payload_json` plus files.
struct Payload {
    json: Value,
    files: Vec<(String, Vec<u8>)>,
}

async fn read_payload(req: Request) -> Result<Payload, Reply> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let bad = || Reply::error(400, 50035, "Invalid Form Body");
        let mut multipart = Multipart::from_request(req, &()).await.map_err(|_| bad())?;
        let mut json = Value::Object(Map::new());
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes: Bytes = field.bytes().await.map_err(|_| bad())?;
            if name == "payload_json" {
                json = serde_json::from_slice(&bytes).map_err(|_| {
                    Reply::error(400, 50109, "The request body contains invalid JSON.")
                })?;
            } else if file_name.is_some() || name.starts_with("file") {
                files.push((file_name.unwrap_or(name), bytes.to_vec()));
            } else if let Some(obj) = json.as_object_mut() {
                obj.insert(name, json!(String::from_utf8_lossy(&bytes)));
            }
        }
        return Ok(Payload { json, files });
    }
    let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| Reply::error(413, 40005, "Request entity too large"))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Payload {
            json: Value::Null,
            files: Vec::new(),
        });
    }
    let json = serde_json::from_slice(&bytes)
        .map_err(|_| Reply::error(400, 50109, "The request body contains invalid JSON."))?;
    Ok(Payload {
        json,
        files: Vec::new(),
    })
}

async fn rest(State(inner): State<Arc<Inner>>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let authorized = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.strip_prefix("Bot ") == Some(inner.token.as_str()));
    let reply = if !path.starts_with("/api/v10/") {
        Reply::not_found()
    } else if !authorized {
        Reply::error(401, 0, "401: Unauthorized")
    } else {
        match read_payload(req).await {
            Ok(payload) => route(&inner, &method, &path, payload),
            Err(reply) => reply,
        }
    };
    {
        let mut st = inner.lock();
        st.requests.push((method.to_string(), path, reply.status));
        st.request_times.push(Instant::now());
        if reply.status == 429 {
            st.too_many_requests += 1;
        }
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match reply.body {
        Some(body) => (status, axum::Json(body)).into_response(),
        None => status.into_response(),
    };
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
    response
}

fn parse_id(s: &str) -> Option<u64> {
    s.parse().ok()
}

fn route(inner: &Inner, method: &Method, path: &str, payload: Payload) -> Reply {
    let rest = path.trim_start_matches("/api/v10/");
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let app = APPLICATION_ID.to_string();
    match (method.as_str(), segs.as_slice()) {
        ("GET", ["gateway"]) => {
            inner.lock().gateway_requested = true;
            Reply::json(json!({"url": inner.gateway_url()}))
        }
        ("GET", ["gateway", "bot"]) => {
            inner.lock().gateway_requested = true;
            Reply::json(json!({
                "url": inner.gateway_url(),
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000u64, "max_concurrency": 1},
            }))
        }
        ("GET", ["users", "@me"]) => Reply::json(bot_user_json()),
        ("GET", ["users", id]) => match parse_id(id) {
            Some(BOT_USER_ID) => Reply::json(bot_user_json()),
            Some(id) => Reply::json(user_json(&inner.lock().user(id))),
            None => Reply::error(404, 10013, "Unknown User"),
        },
        ("POST", ["users", "@me", "channels"]) => create_dm(inner, &payload.json),
        ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => {
            Reply::json(application_json())
        }
        ("PUT", ["applications", a, "commands"]) if *a == app => {
            register(inner, path, None, payload.json)
        }
        ("GET", ["applications", a, "commands"]) if *a == app => {
            Reply::json(inner.lock().global_commands.clone())
        }
        ("PUT", ["applications", a, "guilds", g, "commands"]) if *a == app => match parse_id(g) {
            Some(GUILD_ID) => register(inner, path, Some(GUILD_ID), payload.json),
            _ => Reply::error(403, 50001, "Missing Access"),
        },
        ("GET", ["applications", a, "guilds", g, "commands"]) if *a == app => {
            let st = inner.lock();
            let list = parse_id(g).and_then(|g| st.guild_commands.get(&g).cloned());
            Reply::json(list.unwrap_or_else(|| json!([])))
        }
        ("POST", ["interactions", id, token, "callback"]) => callback(inner, id, token, payload),
        ("POST", ["webhooks", a, token]) if *a == app => followup(inner, token, payload),
        (_, ["webhooks", a, token, "messages", message]) if *a == app => {
            webhook_message(inner, method, token, message, payload)
        }
        ("POST", ["channels", c, "messages"]) => match parse_id(c) {
            Some(c) => create_message(inner, path, c, payload),
            None => Reply::unknown_channel(),
        },
        ("GET", ["channels", c, "messages"]) => {
            let st = inner.lock();
            match parse_id(c).filter(|c| st.channels.contains_key(c)) {
                Some(c) => Reply::json(json!(channel_history(&st, c))),
                None => Reply::unknown_channel(),
            }
        }
        (_, ["channels", c, "messages", m]) => match parse_id(c) {
            Some(c) => channel_message(inner, method, path, c, m, payload),
            None => Reply::unknown_channel(),
        },
        ("PUT" | "DELETE", ["channels", c, "messages", _, "reactions", ..])
        | ("POST", ["channels", c, "typing"]) => match parse_id(c) {
            Some(c) if inner.lock().channels.contains_key(&c) => Reply::no_content(),
            _ => Reply::unknown_channel(),
        },
        ("GET", ["channels", c]) => {
            let st = inner.lock();
            match parse_id(c).and_then(|c| st.channels.get(&c).cloned().map(|k| (c, k))) {
                Some((c, ChannelKind::Guild)) => Reply::json(guild_channel_json(c)),
                Some((c, ChannelKind::Dm { user_id })) => {
                    Reply::json(dm_channel_json(c, &st.user(user_id)))
                }
                None => Reply::unknown_channel(),
            }
        }
        ("GET", ["guilds", g, rest @ ..]) => {
            if parse_id(g) != Some(GUILD_ID) {
                return Reply::error(404, 10004, "Unknown Guild");
            }
            let st = inner.lock();
            match rest {
                [] => Reply::json(guild_json()),
                ["roles"] => Reply::json(guild_roles_json()),
                ["channels"] => {
                    let mut ids: Vec<u64> = st
                        .channels
                        .iter()
                        .filter(|(_, k)| matches!(k, ChannelKind::Guild))
                        .map(|(id, _)| *id)
                        .collect();
                    ids.sort_unstable();
                    Reply::json(json!(
                        ids.into_iter().map(guild_channel_json).collect::<Vec<_>>()
                    ))
                }
                ["members", u] => match parse_id(u) {
                    Some(BOT_USER_ID) => {
                        let mut m =
                            member_json(&st, &FakeUser::new(BOT_USER_ID, BOT_NAME, None), None);
                        m["user"] = bot_user_json();
                        m["roles"] = json!([]);
                        Reply::json(m)
                    }
                    Some(u) => Reply::json(member_json(&st, &st.user(u), None)),
                    None => Reply::error(404, 10007, "Unknown Member"),
                },
                _ => Reply::not_found(),
            }
        }
        _ => Reply::not_found(),
    }
}

/// A channel's messages newest first, as `GET /channels/{id}/messages` answers (max 50).
fn channel_history(st: &World, channel_id: u64) -> Vec<Value> {
    let channel = channel_id.to_string();
    let mut list: Vec<(u64, &Value)> = st
        .message_objects
        .iter()
        .filter(|(_, m)| m.get("channel_id").and_then(Value::as_str) == Some(channel.as_str()))
        .filter_map(|(id, m)| Some((parse_id(id)?, m)))
        .collect();
    list.sort_unstable_by_key(|(id, _)| std::cmp::Reverse(*id));
    list.into_iter().take(50).map(|(_, m)| m.clone()).collect()
}

fn create_dm(inner: &Inner, body: &Value) -> Reply {
    let recipient = match body.get("recipient_id") {
        Some(Value::String(s)) => parse_id(s),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let Some(user_id) = recipient else {
        return Reply::invalid_form(&["recipient_id is missing or not a snowflake".to_string()]);
    };
    let mut st = inner.lock();
    let channel_id = dm_channel_of(user_id);
    st.channels.insert(channel_id, ChannelKind::Dm { user_id });
    Reply::json(dm_channel_json(channel_id, &st.user(user_id)))
}

fn register(inner: &Inner, path: &str, guild_id: Option<u64>, commands: Value) -> Reply {
    let problems = check_commands(&commands);
    let mut st = inner.lock();
    if !problems.is_empty() {
        for p in &problems {
            st.violation(format!("PUT {path}: {p}"));
        }
        return Reply::invalid_form(&problems);
    }
    let mut answer = Vec::new();
    for c in commands.as_array().map(Vec::as_slice).unwrap_or_default() {
        let name = c
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        // Discord keeps a command's id when it is overwritten under the same name.
        let key = (guild_id, name);
        let id = match st.command_ids.get(&key) {
            Some(id) => id.clone(),
            None => {
                let id = st.snowflake().to_string();
                st.command_ids.insert(key, id.clone());
                id
            }
        };
        let version = st.snowflake().to_string();
        let mut out = c.as_object().cloned().unwrap_or_default();
        out.insert("id".into(), json!(id));
        out.insert("application_id".into(), json!(APPLICATION_ID.to_string()));
        out.insert("version".into(), json!(version));
        out.entry("type").or_insert(json!(1));
        out.entry("default_member_permissions")
            .or_insert(Value::Null);
        out.entry("nsfw").or_insert(json!(false));
        out.entry("options").or_insert(json!([]));
        out.entry("integration_types").or_insert(json!([0]));
        out.entry("contexts").or_insert(Value::Null);
        if let Some(g) = guild_id {
            out.insert("guild_id".into(), json!(g.to_string()));
        }
        answer.push(Value::Object(out));
    }
    let answer = Value::Array(answer);
    match guild_id {
        Some(g) => {
            st.guild_commands.insert(g, answer.clone());
        }
        None => st.global_commands = answer.clone(),
    }
    st.registrations.push(Registration {
        path: path.to_string(),
        guild_id,
        commands,
    });
    Reply::json(answer)
}

fn callback(inner: &Inner, id: &str, token: &str, payload: Payload) -> Reply {
    let at = format!("POST /interactions/{id}/.../callback");
    let mut st = inner.lock();
    let Some(rec) = st.interactions.get(id) else {
        return Reply::unknown_interaction();
    };
    if rec.token != token {
        return Reply::unknown_interaction();
    }
    let after = rec.dispatched_at.unwrap_or(rec.created_at).elapsed();
    if rec.acknowledged {
        st.violation(format!("{at}: interaction acknowledged twice"));
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    if after > INTERACTION_DEADLINE {
        st.violation(format!(
            "{at}: callback after {:.2}s (limit 3s)",
            after.as_secs_f64()
        ));
        return Reply::unknown_interaction();
    }
    let Some(kind) = payload.json.get("type").and_then(Value::as_u64) else {
        st.violation(format!("{at}: callback without a type"));
        return Reply::invalid_form(&["callback type is missing".to_string()]);
    };
    let data = payload.json.get("data").cloned().unwrap_or(Value::Null);
    let empty = json!({});
    let problems = match kind {
        4 => check_message(
            if data.is_null() { &empty } else { &data },
            payload.files.len(),
            true,
        ),
        7 => check_message(
            if data.is_null() { &empty } else { &data },
            payload.files.len(),
            false,
        ),
        8 => check_autocomplete(&data),
        1 | 5 | 6 | 9 | 10 | 12 => Vec::new(),
        other => vec![format!("unknown callback type {other}")],
    };
    if !problems.is_empty() {
        for p in &problems {
            st.violation(format!("{at}: {p}"));
        }
        return Reply::invalid_form(&problems);
    }
    let message_id = st.snowflake().to_string();
    let Some(rec) = st.interactions.get_mut(id) else {
        return Reply::unknown_interaction();
    };
    rec.acknowledged = true;
    let channel_id = rec.channel_id;
    let component_message = rec.component_message.clone();
    match kind {
        4 | 5 => {
            // The original response: the message itself, or the "thinking..." placeholder.
            let base = if kind == 4 {
                data.clone()
            } else {
                json!({"flags": 128})
            };
            let mut original = message_object(
                &message_id,
                channel_id,
                bot_user_json(),
                &base,
                &payload.files,
            );
            original["webhook_id"] = json!(APPLICATION_ID.to_string());
            original["application_id"] = json!(APPLICATION_ID.to_string());
            original["type"] = json!(20);
            rec.original = Some(original.clone());
            st.message_objects.insert(message_id, original);
        }
        7 => {
            if let Some(m) = component_message.and_then(|m| st.message_objects.get_mut(&m)) {
                apply_edit(m, &data, &payload.files);
            }
        }
        _ => {}
    }
    st.callbacks.push(Callback {
        interaction_id: id.to_string(),
        kind,
        data,
        files: payload.files,
        after,
    });
    Reply::no_content()
}

/// The interaction behind a webhook token, if it may use webhooks (it was acknowledged).
fn acknowledged_interaction(st: &mut World, at: &str, token: &str) -> Result<String, Reply> {
    let Some(id) = st.interaction_by_token.get(token).cloned() else {
        return Err(Reply::unknown_webhook());
    };
    if !st.interactions.get(&id).is_some_and(|r| r.acknowledged) {
        st.violation(format!(
            "{at}: webhook used before the interaction was acknowledged"
        ));
        return Err(Reply::unknown_webhook());
    }
    Ok(id)
}

fn followup(inner: &Inner, token: &str, payload: Payload) -> Reply {
    let at = "POST /webhooks/{app}/{token}".to_string();
    let mut st = inner.lock();
    let id = match acknowledged_interaction(&mut st, &at, token) {
        Ok(id) => id,
        Err(reply) => return reply,
    };
    let problems = check_message(&payload.json, payload.files.len(), true);
    if !problems.is_empty() {
        for p in &problems {
            st.violation(format!("{at}: {p}"));
        }
        return Reply::invalid_form(&problems);
    }
    let channel_id = st
        .interactions
        .get(&id)
        .map(|r| r.channel_id)
        .unwrap_or_default();
    let message_id = st.snowflake().to_string();
    let mut msg = message_object(
        &message_id,
        channel_id,
        bot_user_json(),
        &payload.json,
        &payload.files,
    );
    msg["webhook_id"] = json!(APPLICATION_ID.to_string());
    msg["application_id"] = json!(APPLICATION_ID.to_string());
    st.message_objects.insert(message_id.clone(), msg.clone());
    st.followups.push(Posted {
        channel_id: Some(channel_id),
        json: payload.json,
        files: payload.files,
        message_id,
        at: Instant::now(),
        interaction_token: Some(token.to_string()),
        edit_original: false,
    });
    Reply::json(msg)
}

fn webhook_message(
    inner: &Inner,
    method: &Method,
    token: &str,
    message: &str,
    payload: Payload,
) -> Reply {
    let at = format!("{method} /webhooks/{{app}}/{{token}}/messages/{message}");
    let mut st = inner.lock();
    let id = match acknowledged_interaction(&mut st, &at, token) {
        Ok(id) => id,
        Err(reply) => return reply,
    };
    let channel_id = st
        .interactions
        .get(&id)
        .map(|r| r.channel_id)
        .unwrap_or_default();
    let message_id = if message == "@original" {
        match st.interactions.get(&id).and_then(|r| r.original.as_ref()) {
            Some(o) => o
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            // Acknowledged with type 6/7: the original is the component's message.
            None => match st
                .interactions
                .get(&id)
                .and_then(|r| r.component_message.clone())
            {
                Some(m) => m,
                None => return Reply::unknown_message(),
            },
        }
    } else {
        message.to_string()
    };
    if !st.message_objects.contains_key(&message_id) {
        return Reply::unknown_message();
    }
    match method.as_str() {
        "GET" => Reply::json(
            st.message_objects
                .get(&message_id)
                .cloned()
                .unwrap_or_default(),
        ),
        "DELETE" => {
            st.message_objects.remove(&message_id);
            Reply::no_content()
        }
        "PATCH" => {
            let problems = check_message(&payload.json, payload.files.len(), false);
            if !problems.is_empty() {
                for p in &problems {
                    st.violation(format!("{at}: {p}"));
                }
                return Reply::invalid_form(&problems);
            }
            let mut updated = Value::Null;
            if let Some(m) = st.message_objects.get_mut(&message_id) {
                apply_edit(m, &payload.json, &payload.files);
                updated = m.clone();
            }
            if message == "@original" {
                if let Some(rec) = st.interactions.get_mut(&id)
                    && rec.original.is_some()
                {
                    rec.original = Some(updated.clone());
                }
                st.followups.push(Posted {
                    channel_id: Some(channel_id),
                    json: payload.json,
                    files: payload.files,
                    message_id,
                    at: Instant::now(),
                    interaction_token: Some(token.to_string()),
                    edit_original: true,
                });
            } else {
                st.edits.push((channel_id, message_id, payload.json));
            }
            Reply::json(updated)
        }
        _ => Reply::not_found(),
    }
}

fn failure_reply(failure: &Failure) -> Reply {
    match failure {
        Failure::RateLimited {
            retry_after,
            global,
        } => {
            let mut reply = Reply {
                status: 429,
                body: Some(json!({
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": global,
                })),
                headers: vec![
                    // Discord sends whole seconds in Retry-After and the exact value in the body.
                    (
                        "retry-after",
                        format!("{}", retry_after.ceil().max(0.0) as u64),
                    ),
                    ("x-ratelimit-limit", "5".to_string()),
                    ("x-ratelimit-remaining", "0".to_string()),
                    ("x-ratelimit-reset-after", format!("{retry_after:.3}")),
                    ("x-ratelimit-bucket", "fake-bucket".to_string()),
                    (
                        "x-ratelimit-scope",
                        if *global { "global" } else { "user" }.to_string(),
                    ),
                ],
            };
            if *global {
                reply
                    .headers
                    .push(("x-ratelimit-global", "true".to_string()));
            }
            reply
        }
        Failure::UnknownChannel => Reply::unknown_channel(),
        Failure::MissingAccess => Reply::error(403, 50001, "Missing Access"),
        Failure::MissingPermissions => Reply::error(403, 50013, "Missing Permissions"),
        Failure::CannotDm => Reply::error(403, 50007, "Cannot send messages to this user"),
        Failure::ServerError => Reply::error(500, 0, "500: Internal Server Error"),
        Failure::CreatedButLost => Reply::error(502, 0, "502: Bad Gateway"),
    }
}

fn create_message(inner: &Inner, path: &str, channel_id: u64, payload: Payload) -> Reply {
    let at = format!("POST {path}");
    let mut st = inner.lock();
    let failure = st
        .failures
        .get_mut(&channel_id)
        .and_then(VecDeque::pop_front);
    if let Some(f) = &failure {
        if *f != Failure::CreatedButLost {
            return failure_reply(f);
        }
        st.channels.entry(channel_id).or_insert(ChannelKind::Guild);
    }
    if !st.channels.contains_key(&channel_id) {
        return Reply::unknown_channel();
    }
    let problems = check_message(&payload.json, payload.files.len(), true);
    if !problems.is_empty() {
        for p in &problems {
            st.violation(format!("{at}: {p}"));
        }
        return Reply::invalid_form(&problems);
    }
    let enforce = payload
        .json
        .get("enforce_nonce")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let nonce = match payload.json.get("nonce") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let now = Instant::now();
    st.nonces
        .retain(|_, (t, _)| now.duration_since(*t) < NONCE_MEMORY);
    if let (true, Some(nonce)) = (enforce, &nonce)
        && let Some((_, existing)) = st.nonces.get(&(channel_id, nonce.clone()))
    {
        let existing = existing.clone();
        st.nonce_duplicates += 1;
        return Reply::json(existing);
    }
    let message_id = st.snowflake().to_string();
    let msg = message_object(
        &message_id,
        channel_id,
        bot_user_json(),
        &payload.json,
        &payload.files,
    );
    st.message_objects.insert(message_id.clone(), msg.clone());
    if let (true, Some(nonce)) = (enforce, nonce) {
        st.nonces.insert((channel_id, nonce), (now, msg.clone()));
    }
    st.messages.push(Posted {
        channel_id: Some(channel_id),
        json: payload.json,
        files: payload.files,
        message_id,
        at: now,
        interaction_token: None,
        edit_original: false,
    });
    match failure {
        Some(f) => failure_reply(&f),
        None => Reply::json(msg),
    }
}

fn channel_message(
    inner: &Inner,
    method: &Method,
    path: &str,
    channel_id: u64,
    message: &str,
    payload: Payload,
) -> Reply {
    let at = format!("{method} {path}");
    let mut st = inner.lock();
    if !st.channels.contains_key(&channel_id) {
        return Reply::unknown_channel();
    }
    let same_channel = st.message_objects.get(message).is_some_and(|m| {
        m.get("channel_id").and_then(Value::as_str) == Some(channel_id.to_string().as_str())
    });
    if !same_channel {
        return Reply::unknown_message();
    }
    match method.as_str() {
        "GET" => Reply::json(st.message_objects.get(message).cloned().unwrap_or_default()),
        "DELETE" => {
            st.message_objects.remove(message);
            Reply::no_content()
        }
        "PATCH" => {
            let authored = st
                .message_objects
                .get(message)
                .and_then(|m| m.pointer("/author/id"))
                .and_then(Value::as_str)
                == Some(BOT_USER_ID.to_string().as_str());
            if !authored {
                st.violation(format!("{at}: editing a message of another user"));
                return Reply::error(403, 50005, "Cannot edit a message authored by another user");
            }
            let problems = check_message(&payload.json, payload.files.len(), false);
            if !problems.is_empty() {
                for p in &problems {
                    st.violation(format!("{at}: {p}"));
                }
                return Reply::invalid_form(&problems);
            }
            let mut updated = Value::Null;
            if let Some(m) = st.message_objects.get_mut(message) {
                apply_edit(m, &payload.json, &payload.files);
                updated = m.clone();
            }
            st.edits
                .push((channel_id, message.to_string(), payload.json));
            Reply::json(updated)
        }
        _ => Reply::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_iso_8601() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_147), (2025, 2, 28));
        let now = iso_now();
        assert_eq!(now.len(), "2026-05-09T12:00:00.000000+00:00".len(), "{now}");
    }

    #[test]
    fn command_names_follow_discords_rule() {
        assert!(valid_command_name("tapahtumat"));
        assert!(valid_command_name("näytä-ajat_2"));
        assert!(!valid_command_name("Events"));
        assert!(!valid_command_name("two words"));
        assert!(!valid_command_name(""));
        assert!(!valid_command_name(&"a".repeat(33)));
    }

    #[test]
    fn message_limits_are_checked() {
        assert!(check_message(&json!({"content": "hi"}), 0, true).is_empty());
        assert!(!check_message(&json!({"content": "x".repeat(2001)}), 0, true).is_empty());
        assert!(!check_message(&json!({}), 0, true).is_empty());
        assert!(check_message(&json!({}), 1, true).is_empty());
        let big = json!({"embeds": [{"description": "x".repeat(4000)}, {"description": "y".repeat(2500)}]});
        assert_eq!(check_message(&big, 0, true).len(), 1);
        let row = json!({"type": 1, "components": (0..6).map(|i| json!({"type": 2, "style": 1, "custom_id": format!("b{i}"), "label": "x"})).collect::<Vec<_>>()});
        assert!(!check_message(&json!({"components": [row]}), 0, true).is_empty());
    }

    #[test]
    fn bad_locale_keys_are_violations() {
        let ok = json!([{"name": "events", "description": "List events", "name_localizations": {"fi": "tapahtumat"}}]);
        assert!(check_commands(&ok).is_empty());
        let bad = json!([{"name": "events", "description": "List events", "name_localizations": {"sv": "evenemang"}}]);
        assert_eq!(check_commands(&bad).len(), 1);
    }

    #[test]
    fn peak_uses_a_sliding_window() {
        let t0 = Instant::now();
        let times: Vec<Instant> = [0, 100, 900, 1000, 1050, 1950]
            .iter()
            .map(|ms| t0 + Duration::from_millis(*ms))
            .collect();
        assert_eq!(peak_in_window(&times, Duration::from_secs(1)), 4);
    }
}
