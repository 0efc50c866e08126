//! A fake Telegram Bot API server for end-to-end tests.
//!
//! [`FakeTelegram::start`] binds `127.0.0.1:0` and answers the subset of the
//! Bot API that ecabot uses, the way `api.telegram.org` does: every answer is
//! `{"ok":true,"result":...}` or `{"ok":false,"error_code":N,"description":...}`
//! and never a 5xx (teloxide sleeps 10 s after a 5xx). Point the real teloxide
//! client at it with `Bot::new(token).set_api_url(fake.url().parse()?)`.
//!
//! Requests arrive as `POST {base}/bot{token}/{Method}`; method names are
//! matched case-insensitively (teloxide writes `SendMessage`). Bodies are JSON,
//! or `multipart/form-data` for uploads (sendDocument), where teloxide sends
//! the file as `document=attach://<id>` plus a part named `<id>`.

use std::{
    collections::{BTreeMap, HashMap, HashSet, VecDeque},
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State},
    http::{StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};
use tokio::{sync::Notify, task::JoinHandle};

/// The bot's user id, as answered by getMe and used as `from` of its messages.
pub const BOT_ID: i64 = 7_000_001;
/// The bot's username (without `@`).
pub const BOT_USERNAME: &str = "ecabot_test_bot";
/// The user Telegram shows as the sender of anonymous group admins' messages.
pub const GROUP_ANONYMOUS_BOT_ID: i64 = 1_087_968_824;

/// The longest getUpdates hold, whatever `timeout` the client asks for.
const MAX_POLL: Duration = Duration::from_secs(5);
/// Uploads up to 50 MB, like the real Bot API.
const MAX_BODY: usize = 50 * 1024 * 1024;
/// Chat ids at or below this are supergroups (`-100…`).
const SUPERGROUP_BOUNDARY: i64 = -1_000_000_000_000;

/// A user who talks to the bot in the update builders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    pub id: i64,
    pub first_name: String,
    pub language_code: Option<String>,
}

impl FakeUser {
    /// A user with the given id, first name and optional language code.
    pub fn new(id: i64, first_name: &str, language_code: Option<&str>) -> FakeUser {
        FakeUser {
            id,
            first_name: first_name.to_owned(),
            language_code: language_code.map(str::to_owned),
        }
    }

    fn json(&self) -> Value {
        let mut user = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if let Some(lang) = &self.language_code {
            user["language_code"] = json!(lang);
        }
        user
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// The method name in lowercase, e.g. `"sendmessage"`.
    pub method: String,
    /// The JSON body; for multipart bodies the text fields as strings, and each
    /// file as `{"file_name":..,"bytes_len":..,"content": UTF-8 lossy}`.
    pub params: Value,
    /// When the request arrived.
    pub at: Instant,
    /// The HTTP status answered.
    pub status: u16,
}

/// A message or document the bot sent successfully.
#[derive(Debug, Clone)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i64,
    /// The raw text (or document caption) as sent, markup included.
    pub text: String,
    pub parse_mode: Option<String>,
    pub reply_markup: Option<Value>,
    /// For sendDocument: the file name and the bytes uploaded.
    pub document: Option<(String, Vec<u8>)>,
    /// When the request arrived.
    pub at: Instant,
}

/// A failure to inject into the next send to a chat (see [`FakeTelegram::fail_next`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after`.
    RetryAfter(u32),
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
    /// 400 "Bad Request: group chat was upgraded to a supergroup chat" with
    /// `parameters.migrate_to_chat_id`.
    Migrated(i64),
    /// 400 with this description ("Bad Request: " is prefixed when missing).
    BadRequest(String),
}

/// The fake server. The server task stops when this is dropped.
pub struct FakeTelegram {
    shared: Arc<Shared>,
    url: String,
    server: JoinHandle<()>,
}

struct Shared {
    token: String,
    inner: Mutex<Inner>,
    /// Woken when an update is queued, a new poller arrives or the fake closes.
    updates_changed: Notify,
    closed: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Default)]
struct Inner {
    last_update_id: i64,
    updates: VecDeque<Value>,
    poll_generation: u64,
    calls: Vec<ApiCall>,
    sent: Vec<SentMessage>,
    failures: HashMap<i64, VecDeque<Failure>>,
    members: HashMap<(i64, i64), String>,
    global_limit: Option<u32>,
    per_chat_limit: Option<u32>,
    arrivals: VecDeque<(Instant, i64)>,
    too_many: usize,
    last_message_id: HashMap<i64, i64>,
    messages: HashMap<(i64, i64), StoredMessage>,
    users: HashMap<i64, Value>,
    commands: BTreeMap<String, Vec<(String, String)>>,
    webhook: Option<(String, Option<String>)>,
    last_callback_id: u64,
    last_file_id: u64,
}

/// What the fake remembers of a bot message, for edits and callbacks.
struct StoredMessage {
    raw_text: String,
    visible: String,
    reply_markup: Option<Value>,
}

impl FakeTelegram {
    /// Binds 127.0.0.1:0. `token` is the only token accepted (others get 401
    /// `{"ok":false,"error_code":401,"description":"Unauthorized"}`).
    pub async fn start(token: &str) -> FakeTelegram {
        let shared = Arc::new(Shared {
            token: token.to_owned(),
            inner: Mutex::new(Inner::default()),
            updates_changed: Notify::new(),
            closed: AtomicBool::new(false),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake Telegram binds 127.0.0.1:0");
        let addr = listener.local_addr().expect("bound address");
        let app = Router::new()
            .fallback(handle)
            .with_state(shared.clone())
            .layer(DefaultBodyLimit::max(MAX_BODY));
        let server = tokio::spawn(async move {
            // An accept error ends the server; requests then fail to connect.
            let _ = axum::serve(listener, app).await;
        });
        FakeTelegram {
            shared,
            url: format!("http://{addr}/"),
            server,
        }
    }

    /// The API base, `http://127.0.0.1:PORT/`, for teloxide's `set_api_url`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The bot's user id (7000001).
    pub fn bot_id(&self) -> i64 {
        BOT_ID
    }

    /// The bot's username, `ecabot_test_bot`.
    pub fn bot_username(&self) -> String {
        BOT_USERNAME.to_owned()
    }

    /// Queues an update for getUpdates; assigns `update_id` (increasing from 1)
    /// and returns it. Wakes pending long polls.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            inner.last_update_id += 1;
            let id = inner.last_update_id;
            if let Value::Object(map) = &mut update {
                map.insert("update_id".to_owned(), json!(id));
            } else {
                update = json!({"update_id": id});
            }
            inner.updates.push_back(update);
            id
        };
        self.shared.updates_changed.notify_waiters();
        id
    }

    /// A private text message from `user` (chat id = user id).
    pub fn private_text(&self, user: &FakeUser, text: &str) -> Value {
        let mut inner = self.shared.lock();
        inner.users.insert(user.id, user.json());
        let chat = json!({"id": user.id, "type": "private", "first_name": user.first_name});
        let message_id = inner.next_message_id(user.id);
        json!({"message": text_message(message_id, chat, user.json(), text)})
    }

    /// A text message from `user` in a group: chat type "supergroup" when
    /// `chat_id <= -1000000000000`, else "group"; title "Test group".
    pub fn group_text(&self, chat_id: i64, user: &FakeUser, text: &str) -> Value {
        let mut inner = self.shared.lock();
        inner.users.insert(user.id, user.json());
        let message_id = inner.next_message_id(chat_id);
        let chat = inner.chat_json(chat_id);
        json!({"message": text_message(message_id, chat, user.json(), text)})
    }

    /// A text message from an anonymous group admin: `from` is
    /// GroupAnonymousBot (id 1087968824, first name "Group"), `sender_chat`
    /// is the group itself.
    pub fn anonymous_admin_text(&self, chat_id: i64, text: &str) -> Value {
        let mut inner = self.shared.lock();
        let message_id = inner.next_message_id(chat_id);
        let chat = inner.chat_json(chat_id);
        let from = json!({
            "id": GROUP_ANONYMOUS_BOT_ID, "is_bot": true,
            "first_name": "Group", "username": "GroupAnonymousBot",
        });
        let mut message = text_message(message_id, chat.clone(), from, text);
        message["sender_chat"] = chat;
        json!({"message": message})
    }

    /// A callback query from `user` on the bot message `message_id` in
    /// `chat_id`. The message carries the text (and inline keyboard) the bot
    /// sent, when the fake saw it being sent.
    pub fn callback(&self, user: &FakeUser, chat_id: i64, message_id: i64, data: &str) -> Value {
        let mut inner = self.shared.lock();
        inner.users.insert(user.id, user.json());
        inner.last_callback_id += 1;
        let id = format!("cbq-{}", inner.last_callback_id);
        let message = inner.bot_message_json(chat_id, message_id);
        json!({"callback_query": {
            "id": id,
            "from": user.json(),
            "message": message,
            "chat_instance": format!("ci{chat_id}"),
            "data": data,
        }})
    }

    /// The service message Telegram sends in the old group when it becomes a
    /// supergroup: `migrate_to_chat_id = new_chat_id`, `from = user`.
    pub fn migrated(&self, old_chat_id: i64, new_chat_id: i64, user: &FakeUser) -> Value {
        let mut inner = self.shared.lock();
        inner.users.insert(user.id, user.json());
        let message_id = inner.next_message_id(old_chat_id);
        let chat = inner.chat_json(old_chat_id);
        json!({"message": {
            "message_id": message_id,
            "date": unix_now(),
            "chat": chat,
            "from": user.json(),
            "migrate_to_chat_id": new_chat_id,
        }})
    }

    /// The companion service message in the new supergroup:
    /// `migrate_from_chat_id = old_chat_id`, from GroupAnonymousBot.
    pub fn migrated_from(&self, new_chat_id: i64, old_chat_id: i64) -> Value {
        let mut inner = self.shared.lock();
        let message_id = inner.next_message_id(new_chat_id);
        let chat = inner.chat_json(new_chat_id);
        json!({"message": {
            "message_id": message_id,
            "date": unix_now(),
            "chat": chat.clone(),
            "sender_chat": chat,
            "from": {
                "id": GROUP_ANONYMOUS_BOT_ID, "is_bot": true,
                "first_name": "Group", "username": "GroupAnonymousBot",
            },
            "migrate_from_chat_id": old_chat_id,
        }})
    }

    /// Every request received, in order of arrival (a long poll is listed once
    /// it has been answered).
    pub fn calls(&self) -> Vec<ApiCall> {
        self.shared.lock().calls.clone()
    }

    /// The requests to `method` (case-insensitive).
    pub fn calls_to(&self, method: &str) -> Vec<ApiCall> {
        let method = method.to_ascii_lowercase();
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|call| call.method == method)
            .cloned()
            .collect()
    }

    /// Messages and documents the bot sent successfully (sendMessage /
    /// sendDocument), in order; edits are in [`FakeTelegram::edits`].
    pub fn sent(&self) -> Vec<SentMessage> {
        self.shared.lock().sent.clone()
    }

    /// The messages sent successfully to `chat_id`.
    pub fn sent_to(&self, chat_id: i64) -> Vec<SentMessage> {
        self.shared
            .lock()
            .sent
            .iter()
            .filter(|message| message.chat_id == chat_id)
            .cloned()
            .collect()
    }

    /// The editMessageText / editMessageReplyMarkup calls that succeeded.
    pub fn edits(&self) -> Vec<ApiCall> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|call| {
                call.status == 200
                    && matches!(
                        call.method.as_str(),
                        "editmessagetext" | "editmessagereplymarkup"
                    )
            })
            .cloned()
            .collect()
    }

    /// Waits (polling every 10 ms, up to `timeout`) until at least `n`
    /// messages were sent to `chat_id` and returns them all; panics listing
    /// what was sent on timeout.
    pub async fn wait_for(&self, chat_id: i64, n: usize, timeout: Duration) -> Vec<SentMessage> {
        let deadline = Instant::now() + timeout;
        loop {
            let sent = self.sent_to(chat_id);
            if sent.len() >= n {
                return sent;
            }
            if Instant::now() >= deadline {
                let everything: Vec<String> = self
                    .sent()
                    .iter()
                    .map(|m| format!("  chat {} #{}: {:?}", m.chat_id, m.message_id, m.text))
                    .collect();
                let failed: Vec<String> = self
                    .calls()
                    .iter()
                    .filter(|c| c.status != 200)
                    .map(|c| format!("  {} → {}: {}", c.method, c.status, c.params))
                    .collect();
                panic!(
                    "timed out after {timeout:?} waiting for {n} message(s) to chat {chat_id}; \
                     got {}.\nAll sent messages:\n{}\nFailed calls:\n{}",
                    sent.len(),
                    everything.join("\n"),
                    failed.join("\n"),
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits (polling every 10 ms, up to `timeout`) until at least `n` calls
    /// of `method` (case-insensitive) were answered and returns them all;
    /// panics listing the calls received on timeout.
    pub async fn wait_for_calls(&self, method: &str, n: usize, timeout: Duration) -> Vec<ApiCall> {
        let deadline = Instant::now() + timeout;
        loop {
            let calls = self.calls_to(method);
            if calls.len() >= n {
                return calls;
            }
            if Instant::now() >= deadline {
                let everything: Vec<String> = self
                    .calls()
                    .iter()
                    .map(|c| format!("  {} → {}", c.method, c.status))
                    .collect();
                panic!(
                    "timed out after {timeout:?} waiting for {n} {method} call(s); got {}.\n\
                     All calls:\n{}",
                    calls.len(),
                    everything.join("\n"),
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The next send (sendMessage/sendDocument) to `chat_id` fails this way.
    /// Several calls queue several failures, consumed in order.
    pub fn fail_next(&self, chat_id: i64, failure: Failure) {
        self.shared
            .lock()
            .failures
            .entry(chat_id)
            .or_default()
            .push_back(failure);
    }

    /// Member status answered by getChatMember: "creator", "administrator",
    /// "member" (the default, also for unknown users), "restricted", "left"
    /// or "kicked".
    pub fn set_member_status(&self, chat_id: i64, user_id: i64, status: &str) {
        self.shared
            .lock()
            .members
            .insert((chat_id, user_id), status.to_owned());
    }

    /// Enforces send limits: more than `per_second` sendMessage/sendDocument
    /// calls (or more than `per_chat_per_second` to one chat) within any
    /// trailing second, measured on arrival, get 429 retry_after 1. Calls
    /// answered 429 do not count. `None` = no limit (the default).
    pub fn set_limits(&self, per_second: Option<u32>, per_chat_per_second: Option<u32>) {
        let mut inner = self.shared.lock();
        inner.global_limit = per_second;
        inner.per_chat_limit = per_chat_per_second;
    }

    /// How many 429 answers were given so far (limits and injected failures).
    pub fn too_many_requests(&self) -> usize {
        self.shared.lock().too_many
    }

    /// The most messages sent successfully within any 1-second window so far
    /// (sliding window over arrival instants).
    pub fn peak_per_second(&self) -> usize {
        let mut instants: Vec<Instant> = self.shared.lock().sent.iter().map(|m| m.at).collect();
        instants.sort();
        let mut peak = 0;
        let mut start = 0;
        for end in 0..instants.len() {
            while instants[end].duration_since(instants[start]) >= Duration::from_secs(1) {
                start += 1;
            }
            peak = peak.max(end - start + 1);
        }
        peak
    }

    /// Commands set with setMyCommands, keyed by language_code ("" for the
    /// default), as (command, description) pairs.
    pub fn commands(&self) -> BTreeMap<String, Vec<(String, String)>> {
        self.shared.lock().commands.clone()
    }

    /// The webhook set with setWebhook: (url, secret_token).
    pub fn webhook(&self) -> Option<(String, Option<String>)> {
        self.shared.lock().webhook.clone()
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.updates_changed.notify_waiters();
        self.server.abort();
    }
}

// ---------------------------------------------------------------------------
// The HTTP side.

/// An answer: HTTP status and the JSON body.
struct Reply {
    status: u16,
    body: Value,
}

impl Reply {
    fn ok(result: Value) -> Reply {
        Reply {
            status: 200,
            body: json!({"ok": true, "result": result}),
        }
    }

    fn err(status: u16, description: impl Into<String>) -> Reply {
        Reply {
            status,
            body: json!({"ok": false, "error_code": status, "description": description.into()}),
        }
    }

    fn err_with(status: u16, description: impl Into<String>, parameters: Value) -> Reply {
        let mut reply = Reply::err(status, description);
        reply.body["parameters"] = parameters;
        reply
    }

    fn bad_request(what: impl AsRef<str>) -> Reply {
        Reply::err(400, format!("Bad Request: {}", what.as_ref()))
    }

    fn not_found() -> Reply {
        Reply::err(404, "Not Found")
    }

    fn retry_after(seconds: u32) -> Reply {
        Reply::err_with(
            429,
            format!("Too Many Requests: retry after {seconds}"),
            json!({"retry_after": seconds}),
        )
    }

    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(self.body)).into_response()
    }
}

impl Failure {
    fn reply(&self) -> Reply {
        match self {
            Failure::RetryAfter(seconds) => Reply::retry_after(*seconds),
            Failure::Blocked => Reply::err(403, "Forbidden: bot was blocked by the user"),
            Failure::Migrated(to) => Reply::err_with(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                json!({"migrate_to_chat_id": to}),
            ),
            Failure::BadRequest(description) if description.starts_with("Bad Request") => {
                Reply::err(400, description.clone())
            }
            Failure::BadRequest(description) => Reply::bad_request(description),
        }
    }
}

/// A request's parameters, and the files of a multipart request keyed by the
/// parameter that refers to them.
struct Incoming {
    params: Value,
    files: HashMap<String, (String, Vec<u8>)>,
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let at = Instant::now();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let route = split_path(&path);
    let method = match &route {
        Some((_, method)) => method.clone(),
        None => path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase(),
    };
    let (params, reply) = match read_incoming(request, query.as_deref()).await {
        Err(reply) => (Value::Object(Map::new()), reply),
        Ok(incoming) => {
            let reply = match &route {
                None => Reply::not_found(),
                Some((token, _)) if *token != shared.token => Reply::err(401, "Unauthorized"),
                Some((_, method)) => dispatch(&shared, method, &incoming, at).await,
            };
            (incoming.params, reply)
        }
    };
    {
        let mut inner = shared.lock();
        if reply.status == 429 {
            inner.too_many += 1;
        }
        let call = ApiCall {
            method,
            params,
            at,
            status: reply.status,
        };
        let position = inner.calls.partition_point(|c| c.at <= call.at);
        inner.calls.insert(position, call);
    }
    reply.into_response()
}

/// `/bot{token}/{Method}` → (token, lowercase method).
fn split_path(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix('/')?;
    let (bot, method) = rest.split_once('/')?;
    let token = bot.strip_prefix("bot")?;
    if method.is_empty() || method.contains('/') {
        return None;
    }
    Some((percent_decode(token), method.to_ascii_lowercase()))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn read_incoming(request: Request, query: Option<&str>) -> Result<Incoming, Reply> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut incoming = if content_type.starts_with("multipart/form-data") {
        read_multipart(request).await?
    } else {
        let body = axum::body::to_bytes(request.into_body(), MAX_BODY)
            .await
            .map_err(|_| Reply::err(413, "Request Entity Too Large"))?;
        let params = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            match serde_json::from_slice::<Value>(&body) {
                Ok(value @ Value::Object(_)) => value,
                Ok(_) => return Err(Reply::bad_request("parameters must be a JSON object")),
                Err(e) => return Err(Reply::bad_request(format!("can't parse JSON: {e}"))),
            }
        };
        Incoming {
            params,
            files: HashMap::new(),
        }
    };
    if let (Some(query), Value::Object(map)) = (query, &mut incoming.params) {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            map.entry(percent_decode(key))
                .or_insert_with(|| Value::String(percent_decode(&value.replace('+', " "))));
        }
    }
    Ok(incoming)
}

async fn read_multipart(request: Request) -> Result<Incoming, Reply> {
    let mut multipart = Multipart::from_request(request, &()).await.map_err(|e| {
        Reply::bad_request(format!("can't parse multipart body: {}", e.body_text()))
    })?;
    // (name, file name, bytes) in order of arrival.
    let mut parts: Vec<(String, Option<String>, Vec<u8>)> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e.status(), e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_error(e.status(), e.body_text()))?;
        parts.push((name, file_name, bytes.to_vec()));
    }
    // Resolve `attach://<id>` references to the part named `<id>`.
    let mut files: HashMap<String, (String, Vec<u8>)> = HashMap::new();
    let mut consumed: HashSet<String> = HashSet::new();
    for (name, file_name, bytes) in &parts {
        if file_name.is_some() {
            continue;
        }
        let value = String::from_utf8_lossy(bytes);
        if let Some(id) = value.strip_prefix("attach://")
            && let Some((_, attached_name, attached)) = parts.iter().find(|(n, _, _)| n == id)
        {
            files.insert(
                name.clone(),
                (attached_name.clone().unwrap_or_default(), attached.clone()),
            );
            consumed.insert(id.to_owned());
        }
    }
    let mut params = Map::new();
    for (name, file_name, bytes) in parts {
        if consumed.contains(&name) || files.contains_key(&name) {
            continue;
        }
        match file_name {
            Some(file_name) => {
                files.insert(name, (file_name, bytes));
            }
            None => {
                params.insert(
                    name,
                    Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                );
            }
        }
    }
    for (name, (file_name, bytes)) in &files {
        params.insert(
            name.clone(),
            json!({
                "file_name": file_name,
                "bytes_len": bytes.len(),
                "content": String::from_utf8_lossy(bytes),
            }),
        );
    }
    Ok(Incoming {
        params: Value::Object(params),
        files,
    })
}

fn multipart_error(status: StatusCode, text: String) -> Reply {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Reply::err(413, "Request Entity Too Large")
    } else {
        Reply::bad_request(format!("can't parse multipart body: {text}"))
    }
}

async fn dispatch(shared: &Arc<Shared>, method: &str, incoming: &Incoming, at: Instant) -> Reply {
    if method == "getupdates" {
        return get_updates(shared, &incoming.params).await;
    }
    let mut inner = shared.lock();
    let p = &incoming.params;
    match method {
        "getme" => Reply::ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": "ecabot",
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "getwebhookinfo" => Reply::ok(json!({
            "url": inner.webhook.as_ref().map(|(url, _)| url.as_str()).unwrap_or(""),
            "has_custom_certificate": false,
            "pending_update_count": 0,
        })),
        "setwebhook" => inner.set_webhook(p),
        "deletewebhook" => {
            inner.webhook = None;
            if bool_param(p, "drop_pending_updates") {
                inner.updates.clear();
            }
            Reply::ok(json!(true))
        }
        "sendmessage" => inner.send_message(p, at),
        "senddocument" => inner.send_document(incoming, at),
        "editmessagetext" => inner.edit_message(p, true),
        "editmessagereplymarkup" => inner.edit_message(p, false),
        "answercallbackquery" => match str_param(p, "callback_query_id") {
            Some(_) => Reply::ok(json!(true)),
            None => Reply::bad_request(
                "query is too old and response timeout expired or query id is invalid",
            ),
        },
        "setmycommands" => inner.set_my_commands(p),
        "deletemycommands" => {
            let language = str_param(p, "language_code").unwrap_or_default();
            inner.commands.remove(&language);
            Reply::ok(json!(true))
        }
        "getmycommands" => {
            let language = str_param(p, "language_code").unwrap_or_default();
            let commands: Vec<Value> = inner
                .commands
                .get(&language)
                .into_iter()
                .flatten()
                .map(|(command, description)| json!({"command": command, "description": description}))
                .collect();
            Reply::ok(json!(commands))
        }
        "getchatmember" => inner.get_chat_member(p),
        "sendchataction" | "deletemessage" => match chat_id_param(p) {
            Ok(_) => Reply::ok(json!(true)),
            Err(reply) => reply,
        },
        _ => Reply::not_found(),
    }
}

async fn get_updates(shared: &Arc<Shared>, p: &Value) -> Reply {
    let offset = int_param(p, "offset");
    let limit = int_param(p, "limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout =
        Duration::from_secs(int_param(p, "timeout").unwrap_or(0).max(0) as u64).min(MAX_POLL);
    let deadline = tokio::time::Instant::now() + timeout;
    let generation = {
        let mut inner = shared.lock();
        if inner.webhook.is_some() {
            return Reply::err(
                409,
                "Conflict: can't use getUpdates method while webhook is active; \
                 use deleteWebhook to delete the webhook first",
            );
        }
        inner.poll_generation += 1;
        match offset {
            Some(offset) if offset > 0 => inner.updates.retain(|u| update_id(u) >= offset),
            Some(offset) if offset < 0 => {
                let keep = offset.unsigned_abs() as usize;
                while inner.updates.len() > keep {
                    inner.updates.pop_front();
                }
            }
            _ => {}
        }
        inner.poll_generation
    };
    // A newer poll terminates an older one, as on the real server.
    shared.updates_changed.notify_waiters();
    loop {
        let notified = shared.updates_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let inner = shared.lock();
            if inner.poll_generation != generation {
                return Reply::err(
                    409,
                    "Conflict: terminated by other getUpdates request; \
                     make sure that only one bot instance is running",
                );
            }
            let batch: Vec<Value> = inner.updates.iter().take(limit).cloned().collect();
            if !batch.is_empty()
                || shared.closed.load(Ordering::SeqCst)
                || tokio::time::Instant::now() >= deadline
            {
                return Reply::ok(Value::Array(batch));
            }
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

fn update_id(update: &Value) -> i64 {
    update.get("update_id").and_then(Value::as_i64).unwrap_or(0)
}

impl Inner {
    fn next_message_id(&mut self, chat_id: i64) -> i64 {
        let id = self.last_message_id.entry(chat_id).or_insert(0);
        *id += 1;
        *id
    }

    fn chat_json(&self, chat_id: i64) -> Value {
        if chat_id > 0 {
            let first_name = self
                .users
                .get(&chat_id)
                .and_then(|u| u.get("first_name"))
                .cloned()
                .unwrap_or_else(|| json!(format!("User {chat_id}")));
            json!({"id": chat_id, "type": "private", "first_name": first_name})
        } else if chat_id <= SUPERGROUP_BOUNDARY {
            json!({"id": chat_id, "type": "supergroup", "title": "Test group"})
        } else {
            json!({"id": chat_id, "type": "group", "title": "Test group"})
        }
    }

    fn user_json(&self, user_id: i64) -> Value {
        if user_id == BOT_ID {
            return bot_user_json();
        }
        self.users.get(&user_id).cloned().unwrap_or_else(
            || json!({"id": user_id, "is_bot": false, "first_name": format!("User {user_id}")}),
        )
    }

    /// A message the bot sent, as Telegram echoes it in results and callbacks.
    fn bot_message_json(&self, chat_id: i64, message_id: i64) -> Value {
        let stored = self.messages.get(&(chat_id, message_id));
        let mut message = json!({
            "message_id": message_id,
            "date": unix_now(),
            "chat": self.chat_json(chat_id),
            "from": bot_user_json(),
            "text": stored.map(|m| m.visible.as_str()).unwrap_or("…"),
        });
        if let Some(markup) = stored
            .and_then(|m| m.reply_markup.as_ref())
            .and_then(inline_markup)
        {
            message["reply_markup"] = markup;
        }
        message
    }

    /// Injected failure, then rate limits: the checks every send goes through.
    fn admit_send(&mut self, chat_id: i64, at: Instant) -> Result<(), Reply> {
        if let Some(failure) = self
            .failures
            .get_mut(&chat_id)
            .and_then(VecDeque::pop_front)
        {
            return Err(failure.reply());
        }
        let window = Duration::from_secs(1);
        self.arrivals
            .retain(|(t, _)| at.saturating_duration_since(*t) < window);
        if let Some(limit) = self.global_limit
            && self.arrivals.len() >= limit as usize
        {
            return Err(Reply::retry_after(1));
        }
        if let Some(limit) = self.per_chat_limit
            && self.arrivals.iter().filter(|(_, c)| *c == chat_id).count() >= limit as usize
        {
            return Err(Reply::retry_after(1));
        }
        self.arrivals.push_back((at, chat_id));
        Ok(())
    }

    fn send_message(&mut self, p: &Value, at: Instant) -> Reply {
        let chat_id = match chat_id_param(p) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        if let Err(reply) = self.admit_send(chat_id, at) {
            return reply;
        }
        let text = str_param(p, "text").unwrap_or_default();
        let parse_mode = str_param(p, "parse_mode");
        let visible = match visible_text(&text, parse_mode.as_deref()) {
            Ok(visible) => visible,
            Err(reply) => return reply,
        };
        if visible.trim().is_empty() {
            return Reply::bad_request("message text is empty");
        }
        if utf16_len(&visible) > 4096 {
            return Reply::bad_request("message is too long");
        }
        let reply_markup = match markup_param(p) {
            Ok(markup) => markup,
            Err(reply) => return reply,
        };
        let message_id = self.next_message_id(chat_id);
        self.messages.insert(
            (chat_id, message_id),
            StoredMessage {
                raw_text: text.clone(),
                visible,
                reply_markup: reply_markup.clone(),
            },
        );
        self.sent.push(SentMessage {
            chat_id,
            message_id,
            text,
            parse_mode,
            reply_markup,
            document: None,
            at,
        });
        Reply::ok(self.bot_message_json(chat_id, message_id))
    }

    fn send_document(&mut self, incoming: &Incoming, at: Instant) -> Reply {
        let p = &incoming.params;
        let chat_id = match chat_id_param(p) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        if let Err(reply) = self.admit_send(chat_id, at) {
            return reply;
        }
        let (file_name, bytes) = match (incoming.files.get("document"), p.get("document")) {
            (Some(file), _) => file.clone(),
            // A file_id or URL instead of an upload.
            (None, Some(Value::String(reference))) if !reference.is_empty() => {
                (reference.clone(), Vec::new())
            }
            _ => return Reply::bad_request("there is no document in the request"),
        };
        let caption = str_param(p, "caption").unwrap_or_default();
        let parse_mode = str_param(p, "parse_mode");
        let visible = match visible_text(&caption, parse_mode.as_deref()) {
            Ok(visible) => visible,
            Err(reply) => return reply,
        };
        if utf16_len(&visible) > 1024 {
            return Reply::bad_request("message caption is too long");
        }
        let reply_markup = match markup_param(p) {
            Ok(markup) => markup,
            Err(reply) => return reply,
        };
        let message_id = self.next_message_id(chat_id);
        self.last_file_id += 1;
        let mut message = json!({
            "message_id": message_id,
            "date": unix_now(),
            "chat": self.chat_json(chat_id),
            "from": bot_user_json(),
            "document": {
                "file_id": format!("doc-{}", self.last_file_id),
                "file_unique_id": format!("udoc-{}", self.last_file_id),
                "file_name": file_name,
                "file_size": bytes.len(),
            },
        });
        if !visible.is_empty() {
            message["caption"] = json!(visible);
        }
        if let Some(markup) = reply_markup.as_ref().and_then(inline_markup) {
            message["reply_markup"] = markup;
        }
        self.sent.push(SentMessage {
            chat_id,
            message_id,
            text: caption,
            parse_mode,
            reply_markup,
            document: Some((file_name, bytes)),
            at,
        });
        Reply::ok(message)
    }

    fn edit_message(&mut self, p: &Value, with_text: bool) -> Reply {
        let inline = str_param(p, "inline_message_id").is_some();
        let target = if inline {
            None
        } else {
            let chat_id = match chat_id_param(p) {
                Ok(id) => id,
                Err(reply) => return reply,
            };
            let Some(message_id) = int_param(p, "message_id") else {
                return Reply::bad_request("message identifier is not specified");
            };
            Some((chat_id, message_id))
        };
        let reply_markup = match markup_param(p) {
            Ok(markup) => markup,
            Err(reply) => return reply,
        };
        let new_text = if with_text {
            let text = str_param(p, "text").unwrap_or_default();
            let visible = match visible_text(&text, str_param(p, "parse_mode").as_deref()) {
                Ok(visible) => visible,
                Err(reply) => return reply,
            };
            if visible.trim().is_empty() {
                return Reply::bad_request("message text is empty");
            }
            if utf16_len(&visible) > 4096 {
                return Reply::bad_request("MESSAGE_TOO_LONG");
            }
            Some((text, visible))
        } else {
            None
        };
        let Some((chat_id, message_id)) = target else {
            return Reply::ok(json!(true));
        };
        if let Some(stored) = self.messages.get_mut(&(chat_id, message_id)) {
            let same_text = new_text
                .as_ref()
                .is_none_or(|(raw, _)| *raw == stored.raw_text);
            if same_text && reply_markup == stored.reply_markup {
                return Reply::bad_request(
                    "message is not modified: specified new message content and reply markup \
                     are exactly the same as a current content and reply markup of the message",
                );
            }
            if let Some((raw, visible)) = new_text {
                stored.raw_text = raw;
                stored.visible = visible;
            }
            stored.reply_markup = reply_markup;
        } else {
            // A message the fake did not see being sent: remember it from now on.
            let (raw_text, visible) = new_text.unwrap_or_else(|| (String::new(), "…".to_owned()));
            self.messages.insert(
                (chat_id, message_id),
                StoredMessage {
                    raw_text,
                    visible,
                    reply_markup,
                },
            );
        }
        let mut message = self.bot_message_json(chat_id, message_id);
        message["edit_date"] = json!(unix_now());
        Reply::ok(message)
    }

    fn set_webhook(&mut self, p: &Value) -> Reply {
        let url = str_param(p, "url").unwrap_or_default();
        let secret = str_param(p, "secret_token").filter(|s| !s.is_empty());
        if let Some(secret) = &secret
            && (secret.len() > 256
                || !secret
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        {
            return Reply::bad_request("secret token contains unallowed characters");
        }
        if bool_param(p, "drop_pending_updates") {
            self.updates.clear();
        }
        self.webhook = if url.is_empty() {
            None
        } else {
            Some((url, secret))
        };
        Reply::ok(json!(true))
    }

    fn set_my_commands(&mut self, p: &Value) -> Reply {
        let Some(Value::Array(list)) = json_param(p, "commands") else {
            return Reply::bad_request("parameter \"commands\" is required and must be an array");
        };
        if list.len() > 100 {
            return Reply::bad_request("BOT_COMMANDS_TOO_MUCH");
        }
        let language = str_param(p, "language_code").unwrap_or_default();
        let language_ok = language.is_empty()
            || (language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase()));
        if !language_ok {
            return Reply::bad_request("invalid language code specified");
        }
        let mut commands = Vec::with_capacity(list.len());
        for item in &list {
            let command = item
                .get("command")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let description = item
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let command_ok = (1..=32).contains(&command.len())
                && command
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !command_ok {
                return Reply::bad_request("BOT_COMMAND_INVALID");
            }
            if !(1..=256).contains(&description.chars().count()) {
                return Reply::bad_request("BOT_COMMAND_DESCRIPTION_INVALID");
            }
            commands.push((command.to_owned(), description.to_owned()));
        }
        self.commands.insert(language, commands);
        Reply::ok(json!(true))
    }

    fn get_chat_member(&self, p: &Value) -> Reply {
        let chat_id = match chat_id_param(p) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        let Some(user_id) = int_param(p, "user_id") else {
            return Reply::bad_request("user not found");
        };
        let user = self.user_json(user_id);
        let status = self
            .members
            .get(&(chat_id, user_id))
            .map(String::as_str)
            .unwrap_or("member");
        let member = match status {
            "creator" => json!({"status": "creator", "user": user, "is_anonymous": false}),
            "administrator" => json!({
                "status": "administrator",
                "user": user,
                "can_be_edited": false,
                "is_anonymous": false,
                "can_manage_chat": true,
                "can_delete_messages": true,
                "can_manage_video_chats": true,
                "can_restrict_members": true,
                "can_promote_members": false,
                "can_change_info": true,
                "can_invite_users": true,
                "can_post_stories": false,
                "can_edit_stories": false,
                "can_delete_stories": false,
                "can_pin_messages": true,
                "can_manage_topics": false,
            }),
            "restricted" => json!({
                "status": "restricted",
                "user": user,
                "is_member": true,
                "can_send_messages": false,
                "can_send_audios": false,
                "can_send_documents": false,
                "can_send_photos": false,
                "can_send_videos": false,
                "can_send_video_notes": false,
                "can_send_voice_notes": false,
                "can_send_polls": false,
                "can_send_other_messages": false,
                "can_add_web_page_previews": false,
                "can_change_info": false,
                "can_invite_users": false,
                "can_pin_messages": false,
                "can_manage_topics": false,
                "until_date": 0,
            }),
            "left" => json!({"status": "left", "user": user}),
            "kicked" => json!({"status": "kicked", "user": user, "until_date": 0}),
            _ => json!({"status": "member", "user": user}),
        };
        Reply::ok(member)
    }
}

fn bot_user_json() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "ecabot", "username": BOT_USERNAME})
}

fn text_message(message_id: i64, chat: Value, from: Value, text: &str) -> Value {
    let mut message = json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": chat,
        "from": from,
        "text": text,
    });
    if text.starts_with('/') {
        let command = text.split_whitespace().next().unwrap_or(text);
        message["entities"] =
            json!([{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]);
    }
    message
}

/// Only inline keyboards are echoed in Message.reply_markup.
fn inline_markup(markup: &Value) -> Option<Value> {
    markup
        .get("inline_keyboard")
        .is_some()
        .then(|| markup.clone())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(1)
        .max(1)
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn visible_text(text: &str, parse_mode: Option<&str>) -> Result<String, Reply> {
    match parse_mode {
        Some(mode) if mode.eq_ignore_ascii_case("html") => telegram_html_to_text(text)
            .map_err(|what| Reply::bad_request(format!("can't parse entities: {what}"))),
        Some(mode)
            if mode.is_empty()
                || mode.eq_ignore_ascii_case("markdown")
                || mode.eq_ignore_ascii_case("markdownv2") =>
        {
            Ok(text.to_owned())
        }
        Some(mode) => Err(Reply::bad_request(format!(
            "unsupported parse_mode \"{mode}\""
        ))),
        None => Ok(text.to_owned()),
    }
}

fn param<'a>(p: &'a Value, key: &str) -> Option<&'a Value> {
    p.get(key).filter(|v| !v.is_null())
}

fn str_param(p: &Value, key: &str) -> Option<String> {
    match param(p, key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn int_param(p: &Value, key: &str) -> Option<i64> {
    match param(p, key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bool_param(p: &Value, key: &str) -> bool {
    match param(p, key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// Objects and arrays as they are; strings (multipart fields) parsed as JSON.
fn json_param(p: &Value, key: &str) -> Option<Value> {
    match param(p, key)? {
        Value::String(s) => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}

fn chat_id_param(p: &Value) -> Result<i64, Reply> {
    match param(p, "chat_id") {
        None => Err(Reply::bad_request("chat_id is empty")),
        Some(Value::Number(n)) => n
            .as_i64()
            .filter(|id| *id != 0)
            .ok_or_else(|| Reply::bad_request("chat not found")),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(Reply::bad_request("chat_id is empty"))
        }
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id != 0)
            .ok_or_else(|| Reply::bad_request("chat not found")),
        Some(_) => Err(Reply::bad_request("chat not found")),
    }
}

/// The fields of which an inline keyboard button needs exactly one.
const INLINE_BUTTON_ACTIONS: &[&str] = &[
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// reply_markup, parsed; inline keyboards checked like Telegram does.
fn markup_param(p: &Value) -> Result<Option<Value>, Reply> {
    let Some(raw) = param(p, "reply_markup") else {
        return Ok(None);
    };
    let markup = match raw {
        Value::String(s) => serde_json::from_str::<Value>(s)
            .map_err(|_| Reply::bad_request("can't parse reply keyboard markup JSON object"))?,
        other => other.clone(),
    };
    if !markup.is_object() {
        return Err(Reply::bad_request(
            "can't parse reply keyboard markup JSON object",
        ));
    }
    if let Some(rows) = markup.get("inline_keyboard") {
        let Some(rows) = rows.as_array() else {
            return Err(Reply::bad_request(
                "field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array",
            ));
        };
        for button in rows
            .iter()
            .flat_map(|row| row.as_array().into_iter().flatten())
        {
            if button.get("text").and_then(Value::as_str).is_none() {
                return Err(Reply::bad_request(
                    "can't parse inline keyboard button: Field \"text\" must be of type String",
                ));
            }
            if !INLINE_BUTTON_ACTIONS
                .iter()
                .any(|key| button.get(*key).is_some())
            {
                return Err(Reply::bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                ));
            }
            if let Some(data) = button.get("callback_data") {
                let len = data.as_str().map_or(0, str::len);
                if !(1..=64).contains(&len) {
                    return Err(Reply::bad_request("BUTTON_DATA_INVALID"));
                }
            }
        }
    }
    Ok(Some(markup))
}

// ---------------------------------------------------------------------------
// Telegram's HTML parse mode.

const HTML_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
];

/// Parses Telegram-flavoured HTML (parse_mode "HTML") and returns the visible
/// text: tags removed, entities decoded. Accepted: the tags b, strong, i, em,
/// u, ins, s, strike, del, a (href required), code, pre, span
/// (class="tg-spoiler" required), tg-spoiler, blockquote, properly nested
/// and closed; `&` only as `&lt; &gt; &amp; &quot;` or `&#NN;` / `&#xHH;`.
/// The error is the part after "Bad Request: can't parse entities: ", e.g.
/// `Unsupported start tag "br" at byte offset 5`. (Stricter than Telegram on a
/// bare `&`, which Telegram keeps literally.)
pub fn telegram_html_to_text(html: &str) -> Result<String, String> {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'&' => {
                let (ch, used) = decode_entity(html, i)?;
                out.push(ch);
                i += used;
            }
            b'<' if bytes.get(i + 1) == Some(&b'/') => {
                let Some(close) = html[i..].find('>') else {
                    return Err(format!("Unclosed end tag at byte offset {i}"));
                };
                let name = html[i + 2..i + close].trim_end().to_ascii_lowercase();
                match open.pop() {
                    None => return Err(format!("Unexpected end tag at byte offset {i}")),
                    Some(expected) if expected != name => {
                        return Err(format!(
                            "Unmatched end tag at byte offset {i}, expected \"</{expected}>\", \
                             found \"</{name}>\""
                        ));
                    }
                    Some(_) => {}
                }
                i += close + 1;
            }
            b'<' => {
                let (name, end) = parse_start_tag(html, i)?;
                open.push(name);
                i = end;
            }
            _ => {
                let next = html[i..].find(['&', '<']).map_or(bytes.len(), |at| i + at);
                out.push_str(&html[i..next]);
                i = next;
            }
        }
    }
    if let Some(name) = open.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{name}\""
        ));
    }
    Ok(out)
}

/// Parses the start tag at `start` (a `<`); returns its lowercase name and
/// the offset after its `>`.
fn parse_start_tag(html: &str, start: usize) -> Result<(String, usize), String> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let mut j = start + 1;
    while j < len && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-') {
        j += 1;
    }
    let name = html[start + 1..j].to_ascii_lowercase();
    if !HTML_TAGS.contains(&name.as_str()) {
        return Err(format!(
            "Unsupported start tag \"{name}\" at byte offset {start}"
        ));
    }
    let unclosed = || format!("Unclosed start tag at byte offset {start}");
    let mut attributes: Vec<(String, String)> = Vec::new();
    loop {
        while j < len && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= len {
            return Err(unclosed());
        }
        if bytes[j] == b'>' {
            j += 1;
            break;
        }
        let name_start = j;
        while j < len && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b'_')
        {
            j += 1;
        }
        if j == name_start {
            return Err(format!(
                "Empty attribute name in the tag \"{name}\" at byte offset {j}"
            ));
        }
        let attribute = html[name_start..j].to_ascii_lowercase();
        while j < len && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = String::new();
        if j < len && bytes[j] == b'=' {
            j += 1;
            while j < len && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= len {
                return Err(unclosed());
            }
            let raw_start;
            let raw_end;
            if bytes[j] == b'"' || bytes[j] == b'\'' {
                let quote = bytes[j] as char;
                raw_start = j + 1;
                let Some(close) = html[raw_start..].find(quote) else {
                    return Err(unclosed());
                };
                raw_end = raw_start + close;
                j = raw_end + 1;
            } else {
                raw_start = j;
                while j < len && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                    j += 1;
                }
                raw_end = j;
            }
            value = decode_entities(html, raw_start, raw_end)?;
        }
        attributes.push((attribute, value));
    }
    let attribute = |key: &str| {
        attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    match name.as_str() {
        "a" if attribute("href").is_none_or(|href| href.trim().is_empty()) => Err(format!(
            "Tag \"a\" must have a non-empty attribute \"href\" at byte offset {start}"
        )),
        "span" if attribute("class") != Some("tg-spoiler") => Err(format!(
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset {start}"
        )),
        _ => Ok((name, j)),
    }
}

/// Decodes the entities of `html[start..end]` (an attribute value).
fn decode_entities(html: &str, start: usize, end: usize) -> Result<String, String> {
    let mut out = String::with_capacity(end - start);
    let mut i = start;
    while i < end {
        if html.as_bytes()[i] == b'&' {
            let (ch, used) = decode_entity(html, i)?;
            out.push(ch);
            i += used;
        } else {
            let next = html[i..end].find('&').map_or(end, |at| i + at);
            out.push_str(&html[i..next]);
            i = next;
        }
    }
    Ok(out)
}

/// Decodes the entity at `at` (an `&`); returns the character and the bytes used.
fn decode_entity(html: &str, at: usize) -> Result<(char, usize), String> {
    let rest = &html[at + 1..];
    let Some(semicolon) = rest.bytes().take(12).position(|b| b == b';') else {
        return Err(format!(
            "Unescaped \"&\" at byte offset {at}; write it as &amp;"
        ));
    };
    let name = &rest[..semicolon];
    let numeric = |digits: &str, radix: u32| {
        let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        valid
            .then(|| u32::from_str_radix(digits, radix).ok())
            .flatten()
            .and_then(char::from_u32)
            .filter(|c| *c != '\0')
    };
    let ch = match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        _ => match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => numeric(&hex[1..], 16),
            Some(decimal) => numeric(decimal, 10),
            None => None,
        },
    };
    match ch {
        Some(ch) => Ok((ch, semicolon + 2)),
        None => Err(format!(
            "Unsupported HTML entity \"&{name};\" at byte offset {at}"
        )),
    }
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    use teloxide::{
        ApiError, RequestError,
        prelude::*,
        types::{
            BotCommand, ChatMemberKind, InlineKeyboardButton, InlineKeyboardMarkup, InputFile,
            MediaKind, MessageKind, ParseMode, UpdateKind,
        },
    };

    const TOKEN: &str = "123456:test-token";

    async fn fake_and_bot() -> (FakeTelegram, teloxide::Bot) {
        let fake = FakeTelegram::start(TOKEN).await;
        let bot = teloxide::Bot::new(TOKEN).set_api_url(fake.url().parse().expect("url"));
        (fake, bot)
    }

    fn alice() -> FakeUser {
        FakeUser::new(501, "Alice", Some("fi"))
    }

    #[tokio::test]
    async fn get_me_works() {
        let (fake, bot) = fake_and_bot().await;
        let me = bot.get_me().await.expect("getMe");
        assert_eq!(me.id.0 as i64, fake.bot_id());
        assert_eq!(me.username(), fake.bot_username());
        assert!(me.is_bot);
        assert_eq!(fake.calls_to("GetMe").len(), 1);
        assert_eq!(fake.calls()[0].method, "getme");
        assert_eq!(fake.calls()[0].status, 200);
    }

    #[tokio::test]
    async fn send_message_html_is_recorded() {
        let (fake, bot) = fake_and_bot().await;
        let keyboard = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Yes", "yes")]]);
        let message = bot
            .send_message(
                ChatId(501),
                "<b>Hello</b> &amp; <a href=\"https://x.org\">link</a>",
            )
            .parse_mode(ParseMode::Html)
            .reply_markup(keyboard)
            .await
            .expect("sendMessage");
        assert_eq!(message.text(), Some("Hello & link"));
        assert_eq!(message.chat.id, ChatId(501));
        assert_eq!(message.from.as_ref().map(|u| u.id.0 as i64), Some(BOT_ID));
        assert!(message.reply_markup().is_some());
        let second = bot
            .send_message(ChatId(501), "plain")
            .await
            .expect("second");
        assert_eq!(second.id.0, message.id.0 + 1);

        let sent = fake.sent_to(501);
        assert_eq!(sent.len(), 2);
        assert_eq!(
            sent[0].text,
            "<b>Hello</b> &amp; <a href=\"https://x.org\">link</a>"
        );
        assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
        assert_eq!(sent[0].message_id, i64::from(message.id.0));
        let markup = sent[0].reply_markup.as_ref().expect("markup recorded");
        assert_eq!(markup["inline_keyboard"][0][0]["callback_data"], "yes");
        assert_eq!(sent[1].parse_mode, None);
        let waited = fake.wait_for(501, 2, Duration::from_secs(1)).await;
        assert_eq!(waited.len(), 2);
        assert!(fake.sent_to(502).is_empty());
    }

    #[tokio::test]
    async fn dispatcher_round_trip() {
        let (fake, bot) = fake_and_bot().await;
        let handler =
            Update::filter_message().endpoint(|bot: teloxide::Bot, msg: Message| async move {
                let text = format!("echo: {}", msg.text().unwrap_or_default());
                bot.send_message(msg.chat.id, text).await?;
                respond(())
            });
        let mut dispatcher = Dispatcher::builder(bot, handler).build();
        let shutdown = dispatcher.shutdown_token();
        let running = tokio::spawn(async move { dispatcher.dispatch().await });
        fake.push_update(fake.private_text(&alice(), "hello"));
        let sent = fake.wait_for(501, 1, Duration::from_secs(10)).await;
        assert_eq!(sent[0].text, "echo: hello");
        let methods: Vec<String> = fake.calls().iter().map(|c| c.method.clone()).collect();
        assert_eq!(methods[..2], ["getwebhookinfo", "getme"], "{methods:?}");
        assert!(
            fake.calls().iter().all(|c| c.status == 200),
            "{:?}",
            fake.calls()
        );
        shutdown.shutdown().expect("dispatcher running").await;
        running.await.expect("dispatcher task");
    }

    #[tokio::test]
    async fn oversized_callback_data_is_rejected() {
        let (_fake, bot) = fake_and_bot().await;
        let keyboard =
            InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("A", "x".repeat(65))]]);
        let err = bot
            .send_message(ChatId(501), "hi")
            .reply_markup(keyboard)
            .await
            .expect_err("64 bytes at most");
        assert!(
            matches!(err, RequestError::Api(ApiError::ButtonDataInvalid)),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn invalid_html_is_an_api_error() {
        let (fake, bot) = fake_and_bot().await;
        let err = bot
            .send_message(ChatId(501), "a <br> b")
            .parse_mode(ParseMode::Html)
            .await
            .expect_err("invalid HTML");
        match err {
            RequestError::Api(ApiError::CantParseEntities(description)) => {
                assert!(
                    description.contains("Unsupported start tag \"br\""),
                    "{description}"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        let err = bot.send_message(ChatId(501), " ").await.expect_err("empty");
        assert!(
            matches!(err, RequestError::Api(ApiError::MessageTextIsEmpty)),
            "{err:?}"
        );
        let err = bot
            .send_message(ChatId(501), "x".repeat(4097))
            .await
            .expect_err("too long");
        assert!(
            matches!(err, RequestError::Api(ApiError::MessageIsTooLong)),
            "{err:?}"
        );
        let err = bot
            .send_message(
                teloxide::types::Recipient::ChannelUsername("@nobody".into()),
                "hi",
            )
            .await
            .expect_err("username");
        assert!(
            matches!(err, RequestError::Api(ApiError::ChatNotFound)),
            "{err:?}"
        );
        assert!(fake.sent().is_empty());
        let calls = fake.calls_to("sendmessage");
        assert_eq!(calls.len(), 4);
        assert!(calls.iter().all(|c| c.status == 400));
        assert_eq!(calls[0].params["text"], "a <br> b");
    }

    #[tokio::test]
    async fn injected_failures() {
        let (fake, bot) = fake_and_bot().await;
        fake.fail_next(501, Failure::RetryAfter(3));
        fake.fail_next(501, Failure::Blocked);
        fake.fail_next(-42, Failure::Migrated(-1_000_000_000_042));
        fake.fail_next(501, Failure::BadRequest("chat not found".into()));

        let err = bot.send_message(ChatId(501), "1").await.expect_err("429");
        match err {
            RequestError::RetryAfter(seconds) => assert_eq!(seconds.seconds(), 3),
            other => panic!("unexpected {other:?}"),
        }
        let err = bot.send_message(ChatId(501), "2").await.expect_err("403");
        assert!(
            matches!(err, RequestError::Api(ApiError::BotBlocked)),
            "{err:?}"
        );
        let err = bot
            .send_message(ChatId(-42), "3")
            .await
            .expect_err("migrated");
        assert!(
            matches!(
                err,
                RequestError::MigrateToChatId(ChatId(-1_000_000_000_042))
            ),
            "{err:?}"
        );
        let err = bot.send_message(ChatId(501), "4").await.expect_err("400");
        assert!(
            matches!(err, RequestError::Api(ApiError::ChatNotFound)),
            "{err:?}"
        );
        bot.send_message(ChatId(501), "5")
            .await
            .expect("queue drained");

        assert_eq!(fake.too_many_requests(), 1);
        let statuses: Vec<u16> = fake
            .calls_to("sendMessage")
            .iter()
            .map(|c| c.status)
            .collect();
        assert_eq!(statuses, [429, 403, 400, 400, 200]);
        assert_eq!(fake.sent().len(), 1);
        assert_eq!(fake.sent()[0].text, "5");
    }

    #[tokio::test]
    async fn wrong_token_is_rejected() {
        let fake = FakeTelegram::start(TOKEN).await;
        let bot = teloxide::Bot::new("999:wrong").set_api_url(fake.url().parse().expect("url"));
        let err = bot.get_me().await.expect_err("401");
        assert!(
            matches!(err, RequestError::Api(ApiError::InvalidToken)),
            "{err:?}"
        );
        assert_eq!(fake.calls()[0].status, 401);
    }

    #[tokio::test]
    async fn unknown_method_and_malformed_bodies_get_json_errors() {
        let (fake, _bot) = fake_and_bot().await;
        let client = reqwest_like_post(&fake, "sendMessage", "not json").await;
        assert_eq!(client.0, 400);
        assert_eq!(client.1["ok"], false);
        let client = reqwest_like_post(&fake, "frobnicate", "{}").await;
        assert_eq!(client.0, 404);
        assert_eq!(client.1["description"], "Not Found");
        let client = reqwest_like_post(&fake, "sendMessage", "{\"chat_id\":{}}").await;
        assert_eq!(client.0, 400);
    }

    /// A raw HTTP/1.1 POST over a TCP socket (no extra HTTP client needed).
    async fn reqwest_like_post(fake: &FakeTelegram, method: &str, body: &str) -> (u16, Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = fake
            .url()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let mut stream = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        let request = format!(
            "POST /bot{TOKEN}/{method} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        let status = response[9..12].parse().expect("status");
        let json_start = response.find('{').expect("json body");
        let json_end = response.rfind('}').expect("json body end");
        (
            status,
            serde_json::from_str(&response[json_start..=json_end]).expect("json"),
        )
    }

    #[tokio::test]
    async fn get_chat_member_statuses_deserialize() {
        let (fake, bot) = fake_and_bot().await;
        let chat = -1_000_000_000_007;
        fake.set_member_status(chat, 1, "administrator");
        fake.set_member_status(chat, 2, "creator");
        fake.set_member_status(chat, 4, "restricted");
        fake.set_member_status(chat, 5, "left");
        fake.set_member_status(chat, 6, "kicked");
        let admin = bot
            .get_chat_member(ChatId(chat), UserId(1))
            .await
            .expect("admin");
        assert!(matches!(admin.kind, ChatMemberKind::Administrator(_)));
        assert!(admin.is_privileged());
        let owner = bot
            .get_chat_member(ChatId(chat), UserId(2))
            .await
            .expect("owner");
        assert!(matches!(owner.kind, ChatMemberKind::Owner(_)));
        assert!(owner.is_owner());
        let member = bot
            .get_chat_member(ChatId(chat), UserId(3))
            .await
            .expect("member");
        assert!(matches!(member.kind, ChatMemberKind::Member(_)));
        assert!(!member.is_privileged());
        assert_eq!(member.user.id, UserId(3));
        let restricted = bot
            .get_chat_member(ChatId(chat), UserId(4))
            .await
            .expect("restricted");
        assert!(matches!(restricted.kind, ChatMemberKind::Restricted(_)));
        let left = bot
            .get_chat_member(ChatId(chat), UserId(5))
            .await
            .expect("left");
        assert!(matches!(left.kind, ChatMemberKind::Left));
        let kicked = bot
            .get_chat_member(ChatId(chat), UserId(6))
            .await
            .expect("kicked");
        assert!(matches!(kicked.kind, ChatMemberKind::Banned(_)));
    }

    #[tokio::test]
    async fn set_my_commands_is_recorded() {
        let (fake, bot) = fake_and_bot().await;
        bot.set_my_commands([BotCommand::new("help", "Help")])
            .await
            .expect("default commands");
        bot.set_my_commands([
            BotCommand::new("help", "Ohje"),
            BotCommand::new("next_exam", "Seuraava tentti"),
        ])
        .language_code("fi")
        .await
        .expect("Finnish commands");
        let commands = fake.commands();
        assert_eq!(commands[""], [("help".to_owned(), "Help".to_owned())]);
        assert_eq!(commands["fi"].len(), 2);
        assert_eq!(
            commands["fi"][1],
            ("next_exam".to_owned(), "Seuraava tentti".to_owned())
        );
        let err = bot
            .set_my_commands([BotCommand::new("Help", "x")])
            .await
            .expect_err("upper case");
        assert!(
            format!("{err:?}").contains("BOT_COMMAND_INVALID"),
            "{err:?}"
        );
        let err = bot
            .set_my_commands([BotCommand::new("help", "x")])
            .language_code("pt-BR")
            .await
            .expect_err("language");
        assert!(format!("{err:?}").contains("language code"), "{err:?}");
        bot.delete_my_commands()
            .language_code("fi")
            .await
            .expect("delete");
        assert!(!fake.commands().contains_key("fi"));
    }

    #[tokio::test]
    async fn get_updates_deserialize_into_teloxide_types() {
        let (fake, bot) = fake_and_bot().await;
        let alice = alice();
        let group = -100_200;
        let supergroup = -1_000_000_100_200;
        let sent = bot
            .send_message(ChatId(group), "Pick one")
            .reply_markup(InlineKeyboardMarkup::new([[
                InlineKeyboardButton::callback("A", "pick:a"),
            ]]))
            .await
            .expect("bot message");

        let first = fake.push_update(fake.private_text(&alice, "/start"));
        fake.push_update(fake.group_text(group, &alice, "hello group"));
        fake.push_update(fake.callback(&alice, group, i64::from(sent.id.0), "pick:a"));
        fake.push_update(fake.anonymous_admin_text(supergroup, "/settings"));
        fake.push_update(fake.migrated(group, supergroup, &alice));
        let last = fake.push_update(fake.migrated_from(supergroup, group));
        assert_eq!(first, 1);
        assert_eq!(last, 6);

        let updates = bot.get_updates().await.expect("getUpdates");
        assert_eq!(updates.len(), 6);
        assert_eq!(updates[0].id.0, 1);

        let UpdateKind::Message(private) = &updates[0].kind else {
            panic!("private message: {:?}", updates[0].kind)
        };
        assert!(private.chat.is_private());
        assert_eq!(private.chat.id, ChatId(501));
        assert_eq!(private.text(), Some("/start"));
        let from = private.from.as_ref().expect("from");
        assert_eq!(from.language_code.as_deref(), Some("fi"));

        let UpdateKind::Message(in_group) = &updates[1].kind else {
            panic!("group")
        };
        assert!(in_group.chat.is_group());
        assert_eq!(in_group.chat.title(), Some("Test group"));
        // The group message took the id after the bot's message.
        assert_eq!(in_group.id.0, sent.id.0 + 1);

        let UpdateKind::CallbackQuery(query) = &updates[2].kind else {
            panic!("callback")
        };
        assert_eq!(query.data.as_deref(), Some("pick:a"));
        assert_eq!(query.from.id, UserId(501));
        let message = query
            .message
            .as_ref()
            .and_then(|m| m.regular_message())
            .expect("regular");
        assert_eq!(message.id, sent.id);
        assert_eq!(message.text(), Some("Pick one"));
        assert!(message.reply_markup().is_some());

        let UpdateKind::Message(anonymous) = &updates[3].kind else {
            panic!("anonymous")
        };
        assert!(anonymous.chat.is_supergroup());
        let sender_chat = anonymous.sender_chat.as_ref().expect("sender_chat");
        assert_eq!(sender_chat.id, ChatId(supergroup));
        let from = anonymous.from.as_ref().expect("from");
        assert!(from.is_anonymous());

        let UpdateKind::Message(migration) = &updates[4].kind else {
            panic!("migration")
        };
        assert_eq!(migration.migrate_to_chat_id(), Some(&ChatId(supergroup)));
        assert_eq!(migration.chat.id, ChatId(group));
        let UpdateKind::Message(migration) = &updates[5].kind else {
            panic!("migration from")
        };
        assert_eq!(migration.migrate_from_chat_id(), Some(&ChatId(group)));

        // Confirming with offset drops them.
        let rest = bot
            .get_updates()
            .offset(last as i32 + 1)
            .await
            .expect("confirm");
        assert!(rest.is_empty());
        let rest = bot.get_updates().await.expect("after confirm");
        assert!(rest.is_empty());
    }

    #[tokio::test]
    async fn long_poll_wakes_on_push() {
        let (fake, bot) = fake_and_bot().await;
        let fake = Arc::new(fake);
        let pusher = fake.clone();
        let push = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            pusher.push_update(pusher.private_text(&alice(), "hi"))
        });
        let started = Instant::now();
        let updates = bot.get_updates().timeout(30).await.expect("long poll");
        assert_eq!(updates.len(), 1);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        push.await.expect("pusher");

        // An empty poll is held at most 5 s, and a timeout of 0 returns at once.
        let started = Instant::now();
        let updates = bot
            .get_updates()
            .offset(2)
            .timeout(0)
            .await
            .expect("short poll");
        assert!(updates.is_empty());
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn send_document_records_bytes() {
        let (fake, bot) = fake_and_bot().await;
        let bytes = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec();
        let message = bot
            .send_document(
                ChatId(501),
                InputFile::memory(bytes.clone()).file_name("x.ics"),
            )
            .caption("<b>Your</b> calendar")
            .parse_mode(ParseMode::Html)
            .await
            .expect("sendDocument");
        let MessageKind::Common(common) = &message.kind else {
            panic!("common")
        };
        let MediaKind::Document(document) = &common.media_kind else {
            panic!("document")
        };
        assert_eq!(document.document.file_name.as_deref(), Some("x.ics"));
        assert_eq!(document.document.file.size as usize, bytes.len());
        assert_eq!(document.caption.as_deref(), Some("Your calendar"));

        let sent = fake.sent_to(501);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].text, "<b>Your</b> calendar");
        assert_eq!(sent[0].document, Some(("x.ics".to_owned(), bytes.clone())));
        let call = &fake.calls_to("senddocument")[0];
        assert_eq!(call.params["document"]["file_name"], "x.ics");
        assert_eq!(call.params["document"]["bytes_len"], bytes.len());
        assert_eq!(call.params["chat_id"], "501");

        let err = bot
            .send_document(ChatId(501), InputFile::memory(bytes).file_name("y.ics"))
            .caption("c".repeat(1025))
            .await
            .expect_err("caption too long");
        assert!(
            format!("{err:?}").contains("caption is too long"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn rate_limits_answer_429() {
        let (fake, bot) = fake_and_bot().await;
        fake.set_limits(Some(3), Some(2));
        bot.send_message(ChatId(1), "a").await.expect("1");
        bot.send_message(ChatId(1), "b").await.expect("2");
        let err = bot
            .send_message(ChatId(1), "c")
            .await
            .expect_err("per chat");
        assert!(
            matches!(err, RequestError::RetryAfter(s) if s.seconds() == 1),
            "{err:?}"
        );
        bot.send_message(ChatId(2), "d").await.expect("3");
        let err = bot.send_message(ChatId(3), "e").await.expect_err("global");
        assert!(matches!(err, RequestError::RetryAfter(_)), "{err:?}");
        assert_eq!(fake.too_many_requests(), 2);
        assert_eq!(fake.peak_per_second(), 3);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        bot.send_message(ChatId(3), "f")
            .await
            .expect("window moved on");
        assert_eq!(fake.peak_per_second(), 3);
        fake.set_limits(None, None);
        for i in 0..5 {
            bot.send_message(ChatId(1), format!("{i}"))
                .await
                .expect("unlimited");
        }
        assert_eq!(fake.peak_per_second(), 6);
    }

    #[tokio::test]
    async fn edits_and_webhook() {
        let (fake, bot) = fake_and_bot().await;
        let keyboard = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("A", "a")]]);
        let message = bot
            .send_message(ChatId(501), "v1")
            .reply_markup(keyboard.clone())
            .await
            .expect("send");
        let edited = bot
            .edit_message_text(ChatId(501), message.id, "<i>v2</i>")
            .parse_mode(ParseMode::Html)
            .reply_markup(keyboard.clone())
            .await
            .expect("edit");
        assert_eq!(edited.text(), Some("v2"));
        assert!(edited.edit_date().is_some());
        let err = bot
            .edit_message_text(ChatId(501), message.id, "<i>v2</i>")
            .parse_mode(ParseMode::Html)
            .reply_markup(keyboard)
            .await
            .expect_err("not modified");
        assert!(
            matches!(err, RequestError::Api(ApiError::MessageNotModified)),
            "{err:?}"
        );
        bot.edit_message_reply_markup(ChatId(501), message.id)
            .await
            .expect("remove keyboard");
        bot.answer_callback_query("cbq-1".into())
            .await
            .expect("answer");
        assert_eq!(fake.edits().len(), 2);
        assert_eq!(fake.sent().len(), 1);

        let info = bot.get_webhook_info().await.expect("info");
        assert!(info.url.is_none());
        bot.set_webhook("https://example.org/hook".parse().expect("url"))
            .secret_token("s3cr3t")
            .await
            .expect("set webhook");
        assert_eq!(
            fake.webhook(),
            Some((
                "https://example.org/hook".to_owned(),
                Some("s3cr3t".to_owned())
            ))
        );
        let info = bot.get_webhook_info().await.expect("info");
        assert_eq!(
            info.url.map(|u| u.to_string()).as_deref(),
            Some("https://example.org/hook")
        );
        let err = bot.get_updates().await.expect_err("conflict");
        assert!(format!("{err:?}").contains("webhook is active"), "{err:?}");
        bot.delete_webhook().await.expect("delete webhook");
        assert_eq!(fake.webhook(), None);
        bot.send_chat_action(ChatId(501), teloxide::types::ChatAction::Typing)
            .await
            .expect("chat action");
    }

    #[test]
    fn html_to_text() {
        let ok = |html: &str| telegram_html_to_text(html).expect(html);
        assert_eq!(ok("plain text"), "plain text");
        assert_eq!(ok("<b>bold</b> <i>it</i> <u>u</u> <s>s</s>"), "bold it u s");
        assert_eq!(ok("<strong><em>x</em></strong>"), "x");
        assert_eq!(
            ok("<a href=\"https://e.org/?a=1&amp;b=2\">link</a>"),
            "link"
        );
        assert_eq!(ok("<a href='x'>y</a>"), "y");
        assert_eq!(ok("<A HREF=x>y</A>"), "y");
        assert_eq!(
            ok("<span class=\"tg-spoiler\">s</span><tg-spoiler>t</tg-spoiler>"),
            "st"
        );
        assert_eq!(
            ok("<pre><code class=\"language-rust\">fn main() {}</code></pre>"),
            "fn main() {}"
        );
        assert_eq!(ok("<blockquote expandable>q</blockquote>"), "q");
        assert_eq!(
            ok("1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot;"),
            "1 < 2 && 3 > 2 \"q\""
        );
        assert_eq!(ok("&#228;&#xE4;&#XE4;"), "äää");
        assert_eq!(ok("a > b"), "a > b");
        assert_eq!(ok("Päivää 🌞 <b>ö</b>\n"), "Päivää 🌞 ö\n");
        assert_eq!(ok(""), "");

        let err = |html: &str| telegram_html_to_text(html).expect_err(html);
        assert_eq!(
            err("a<br>b"),
            "Unsupported start tag \"br\" at byte offset 1"
        );
        assert_eq!(err("1 < 2"), "Unsupported start tag \"\" at byte offset 2");
        assert_eq!(
            err("<b>x"),
            "Can't find end tag corresponding to start tag \"b\""
        );
        assert_eq!(err("x</b>"), "Unexpected end tag at byte offset 1");
        assert_eq!(
            err("<b><i>x</b></i>"),
            "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\""
        );
        assert!(err("a & b").starts_with("Unescaped \"&\" at byte offset 2"));
        assert!(err("&nbsp;").starts_with("Unsupported HTML entity \"&nbsp;\""));
        assert!(err("&#0;").starts_with("Unsupported HTML entity"));
        assert!(err("&#xD800;").starts_with("Unsupported HTML entity"));
        assert!(err("<a>x</a>").contains("href"));
        assert!(err("<a href=\"\">x</a>").contains("href"));
        assert!(err("<span>x</span>").contains("tg-spoiler"));
        assert_eq!(err("<b"), "Unclosed start tag at byte offset 0");
        assert_eq!(
            err("<a href=\"x>y</a>"),
            "Unclosed start tag at byte offset 0"
        );
        assert_eq!(err("<b>x</b"), "Unclosed end tag at byte offset 4");
        assert!(err("<b/>").starts_with("Empty attribute name"));
        assert!(err("<a href=\"x&y\">z</a>").starts_with("Unescaped"));
        assert!(err("<tg-emoji emoji-id=\"1\">x</tg-emoji>").starts_with("Unsupported start tag"));
    }

    #[test]
    fn peak_window_and_path_parsing() {
        assert_eq!(
            split_path("/bot123:abc/SendMessage"),
            Some(("123:abc".to_owned(), "sendmessage".to_owned()))
        );
        assert_eq!(
            split_path("/bot123%3Aabc/getMe"),
            Some(("123:abc".to_owned(), "getme".to_owned()))
        );
        assert_eq!(split_path("/123/getMe"), None);
        assert_eq!(split_path("/bot1/a/b"), None);
        assert_eq!(split_path("/bot1/"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
