//! The outgoing side: core responses as Discord messages (embeds within Discord's limits,
//! buttons, files), paced under the global limit, sent with a nonce that makes a retried send
//! arrive once, and Discord's errors sorted into the core's [`SendError`] kinds.

use std::{sync::Arc, time::Duration};

use ecabot_core::delivery::pace::Priority;
use ecabot_core::delivery::pace::Room;
use ecabot_core::delivery::pace::SharedPaceRef;
use ecabot_core::delivery::parts::{Outlet, PartFailed, PartSender, Reach};
use ecabot_core::ports::SendError;
use ecabot_core::ports::TelemetryRef;
use ecabot_core::{Action, Attachment, Button, ChatRef, Response, Token};
use serenity::all::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateMessage, Http, LightMethod, Multipart, MultipartUpload, Nonce, Request,
    Route,
};

use crate::markdown;

/// The scope of Discord chats in the core's [`ChatRef`]s; the id is the channel's (a server
/// channel, or the DM channel of one user).
pub const SCOPE: &str = "dc";
/// The embeds' colour: the alliance's blue.
const COLOUR: u32 = 0x1F4E9C;
/// Discord's layout limits for buttons.
const BUTTONS_PER_ROW: usize = 5;
const ROWS_PER_MESSAGE: usize = 5;
const LABEL_LIMIT: usize = 80;

pub fn chat_ref(channel: ChannelId) -> ChatRef {
    ChatRef::new(SCOPE, &channel.get().to_string()).expect("a channel id is a valid chat id")
}

/// The channel of a Discord chat; `None` for another front end's chat or a malformed id.
pub(crate) fn channel_of(chat: &ChatRef) -> Option<ChannelId> {
    if chat.scope() != SCOPE {
        return None;
    }
    chat.id()
        .parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .map(ChannelId::new)
}

/// One Discord message of a response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    /// Embed descriptions (Discord markdown), together within one message's limits.
    pub embeds: Vec<String>,
    pub buttons: Vec<Button>,
    pub attachment: Option<Attachment>,
}

/// The messages a response becomes, in order: each reply's text as embeds packed into as few
/// messages as the limits allow, its buttons and file on the last of them.
pub(crate) fn parts(response: &Response) -> Vec<Part> {
    let mut out = Vec::new();
    for reply in &response.replies {
        let descriptions = markdown::render(&reply.body, markdown::DESCRIPTION_LIMIT);
        let mut messages: Vec<Part> = markdown::pack_embeds(descriptions)
            .into_iter()
            .map(|embeds| Part {
                embeds,
                buttons: Vec::new(),
                attachment: None,
            })
            .collect();
        if messages.is_empty() && (reply.attachment.is_some() || !reply.buttons.is_empty()) {
            messages.push(Part {
                embeds: Vec::new(),
                buttons: Vec::new(),
                attachment: None,
            });
        }
        if let Some(last) = messages.last_mut() {
            last.buttons = reply.buttons.clone();
            last.attachment = reply.attachment.clone();
        }
        out.extend(messages);
    }
    out
}

pub(crate) fn embeds(part: &Part) -> Vec<CreateEmbed> {
    part.embeds
        .iter()
        .map(|d| CreateEmbed::new().description(d.clone()).colour(COLOUR))
        .collect()
}

/// Buttons in rows of five, at most five rows (25 buttons: every topic fits).
pub(crate) fn rows(buttons: &[Button]) -> Vec<CreateActionRow> {
    let limit = BUTTONS_PER_ROW * ROWS_PER_MESSAGE;
    if buttons.len() > limit {
        tracing::warn!(
            buttons = buttons.len(),
            limit,
            "more buttons than Discord shows; the rest are left out"
        );
    }
    buttons
        .iter()
        .take(limit)
        .collect::<Vec<_>>()
        .chunks(BUTTONS_PER_ROW)
        .map(|row| CreateActionRow::Buttons(row.iter().map(|b| button(b)).collect()))
        .collect()
}

fn button(button: &Button) -> CreateButton {
    let style = match button.action {
        Action::Subscribe(_) => ButtonStyle::Primary,
        Action::Applied(_) => ButtonStyle::Success,
        Action::Unsubscribe(_) => ButtonStyle::Danger,
        Action::Topic(_) | Action::Topics | Action::Language(_) | Action::Snooze(..) => {
            ButtonStyle::Secondary
        }
    };
    let label: String = button.label.chars().take(LABEL_LIMIT).collect();
    CreateButton::new(button.action.to_string())
        .label(label)
        .style(style)
}

pub(crate) fn file(attachment: &Attachment) -> CreateAttachment {
    CreateAttachment::bytes(attachment.bytes.clone(), attachment.file_name.clone())
}

/// User text in a message never pings anyone.
pub(crate) fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// A message's nonce: the same for every try of one part of one delivery, so Discord keeps the
/// first copy when a retry follows a send whose answer was lost. At most 25 characters.
pub(crate) fn nonce(key: &str, part: usize) -> String {
    let hash = ecabot_core::model::text::fnv1a(key.as_bytes());
    format!("{hash:016x}{:x}", part.min(0xfff))
}

/// Sends channel messages, every one through the core's [`Outlet`] (pacing, waits, retries);
/// shared by replies to messages and the outbox, so both draw on one budget.
pub(crate) struct Outbound {
    http: Arc<Http>,
    /// The HTTP client behind `http`: used directly when a proxy is configured (serenity's own
    /// rate limiter then cannot be used), so that `Retry-After` can be read.
    client: reqwest::Client,
    token: Token,
    outlet: Outlet,
    pub(crate) telemetry: TelemetryRef,
}

/// One delivery's way to one channel, for the core's [`Outlet`]. `key` identifies the
/// delivery: each part's nonce derives from it, so a part retried after a lost answer is not
/// shown twice.
struct ToChannel<'a> {
    out: &'a Outbound,
    channel: ChannelId,
    key: &'a str,
}

#[async_trait::async_trait]
impl PartSender for ToChannel<'_> {
    type Part = Part;

    fn chat(&self) -> String {
        self.channel.get().to_string()
    }

    /// Discord limits every channel alike: no group limit applies.
    fn room(&self) -> Room {
        Room::Private
    }

    async fn send_part(&self, index: usize, part: &Part) -> Result<(), PartFailed> {
        self.out
            .post(self.channel, part, &nonce(self.key, index))
            .await
            .map_err(|(error, global)| PartFailed {
                error,
                reach: if global { Reach::Bot } else { Reach::Chat },
            })
    }

    async fn wait(&self, wait: Duration) {
        tokio::time::sleep(wait).await;
    }
}

impl Outbound {
    pub(crate) fn new(
        http: Arc<Http>,
        client: reqwest::Client,
        token: Token,
        pace: ecabot_core::delivery::pace::PaceConfig,
        shared: Option<SharedPaceRef>,
        telemetry: TelemetryRef,
    ) -> Outbound {
        Outbound {
            http,
            client,
            token,
            outlet: Outlet::new(SCOPE, pace, shared, telemetry.clone()),
            telemetry,
        }
    }

    /// Sends every part of `response` in order (see [`Outlet::deliver`]), each with a nonce
    /// derived from `key`.
    pub(crate) async fn deliver(
        &self,
        channel: ChannelId,
        response: &Response,
        priority: Priority,
        key: &str,
    ) -> Result<(), SendError> {
        let to = ToChannel {
            out: self,
            channel,
            key,
        };
        self.outlet.deliver(&to, &parts(response), priority).await
    }

    /// One `POST /channels/{id}/messages`. Through serenity's rate limiter when talking to
    /// Discord directly (it keeps the per-route buckets and waits out 429s itself); straight
    /// through the HTTP client behind a proxy, reading `Retry-After` ourselves. The error comes
    /// with whether a 429 was global.
    async fn post(
        &self,
        channel: ChannelId,
        part: &Part,
        nonce: &str,
    ) -> Result<(), (SendError, bool)> {
        let mut message = CreateMessage::new()
            .embeds(embeds(part))
            .components(rows(&part.buttons))
            .allowed_mentions(no_mentions())
            .nonce(Nonce::String(nonce.to_owned()))
            .enforce_nonce(true);
        if part.embeds.is_empty() && part.attachment.is_none() {
            // Discord refuses a message of buttons alone.
            message = message.content("\u{200b}");
        }
        let refused = |e: serde_json::Error| {
            (
                SendError::Refused {
                    reason: e.to_string(),
                },
                false,
            )
        };
        let route = Route::ChannelMessages {
            channel_id: channel,
        };
        let request = match &part.attachment {
            None => Request::new(route, LightMethod::Post)
                .body(Some(serde_json::to_vec(&message).map_err(refused)?)),
            Some(attachment) => Request::new(route, LightMethod::Post).multipart(Some(Multipart {
                upload: MultipartUpload::Attachments(vec![file(attachment)]),
                fields: Vec::new(),
                payload_json: Some(serde_json::to_string(&message).map_err(refused)?),
            })),
        };
        let sent = match &self.http.ratelimiter {
            Some(limiter) => limiter.perform(request).await,
            None => {
                match request.build(&self.client, self.http.token(), self.http.proxy.as_deref()) {
                    Ok(builder) => match builder.build() {
                        Ok(built) => self.client.execute(built).await.map_err(Into::into),
                        Err(e) => Err(e.into()),
                    },
                    Err(e) => Err(e),
                }
            }
        };
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                return Err((
                    SendError::Transient {
                        reason: self.token.redact(&error.to_string()),
                        retry_after: None,
                    },
                    false,
                ));
            }
        };
        let status = response.status().as_u16();
        if response.status().is_success() {
            return Ok(());
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_header = header("retry-after");
        let global = header("x-ratelimit-global").is_some_and(|v| v == "true");
        let body = response.text().await.unwrap_or_default();
        Err((
            classify(status, retry_header.as_deref(), &body, &self.token),
            global,
        ))
    }
}

/// What Discord says in an error body.
#[derive(Debug, Default, serde::Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
    retry_after: Option<f64>,
}

/// Discord error codes that mean "this chat will not take messages from us any more":
/// unknown channel, missing access, cannot send to this user, missing permissions.
const CHAT_GONE: [i64; 4] = [10003, 50001, 50007, 50013];

/// Sorts a failed message create into what the outbox does with it.
pub(crate) fn classify(
    status: u16,
    retry_header: Option<&str>,
    body: &str,
    token: &Token,
) -> SendError {
    let parsed: ErrorBody = serde_json::from_str(body).unwrap_or_default();
    let reason = token.redact(&format!(
        "{status} {} (code {})",
        parsed.message.chars().take(200).collect::<String>(),
        parsed.code
    ));
    match status {
        429 => {
            let seconds = retry_header
                .and_then(|h| h.trim().parse::<f64>().ok())
                .or(parsed.retry_after)
                .filter(|s| s.is_finite() && *s >= 0.0)
                .unwrap_or(1.0)
                .min(3600.0);
            SendError::Transient {
                reason,
                retry_after: Some(Duration::from_secs_f64(seconds)),
            }
        }
        403 | 404 if CHAT_GONE.contains(&parsed.code) => SendError::Permanent { reason },
        // A revoked token or a server error: nothing wrong with this message or chat.
        401 | 500..=599 => SendError::Transient {
            reason,
            retry_after: None,
        },
        _ => SendError::Refused { reason },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecabot_core::{Kind, Locale, Reply, Rich};

    #[test]
    fn errors_sort_into_what_the_outbox_does() {
        let token = Token::new("abc.def.secret-hmac-part");
        let limited = classify(
            429,
            Some("1.5"),
            r#"{"message":"You are being rate limited.","retry_after":9,"global":false}"#,
            &token,
        );
        assert!(matches!(
            limited,
            SendError::Transient { retry_after: Some(w), .. } if w == Duration::from_millis(1500)
        ));
        let from_body = classify(429, None, r#"{"retry_after":2.0}"#, &token);
        assert!(matches!(
            from_body,
            SendError::Transient { retry_after: Some(w), .. } if w == Duration::from_secs(2)
        ));
        for code in CHAT_GONE {
            let body = format!(r#"{{"code":{code},"message":"gone"}}"#);
            assert!(matches!(
                classify(403, None, &body, &token),
                SendError::Permanent { .. }
            ));
        }
        assert!(matches!(
            classify(
                400,
                None,
                r#"{"code":50035,"message":"Invalid Form Body"}"#,
                &token
            ),
            SendError::Refused { .. }
        ));
        assert!(matches!(
            classify(502, None, "<html>bad gateway</html>", &token),
            SendError::Transient {
                retry_after: None,
                ..
            }
        ));
        let leaky = classify(
            400,
            None,
            r#"{"code":1,"message":"token secret-hmac-part"}"#,
            &token,
        );
        assert!(!leaky.to_string().contains("secret-hmac-part"));
    }

    #[test]
    fn nonces_are_stable_short_and_distinct() {
        let a = nonce("rem:cba-2026:v1:1d:dc:42", 0);
        assert_eq!(a, nonce("rem:cba-2026:v1:1d:dc:42", 0));
        assert_ne!(a, nonce("rem:cba-2026:v1:1d:dc:42", 1));
        assert_ne!(a, nonce("rem:cba-2026:v1:1h:dc:42", 0));
        assert!(nonce(&"k".repeat(500), 9999).len() <= 25);
    }

    #[test]
    fn buttons_and_files_go_on_the_last_message_of_their_reply() {
        let long = (0..600)
            .map(|i| format!("Paragraph {i} with a few words in it."))
            .collect::<Vec<_>>()
            .join("\n\n");
        let topics = Button {
            label: "Topics".into(),
            action: Action::Topics,
        };
        let response = Response {
            locale: Locale::ENGLISH,
            topic: None,
            kind: Kind::Command,
            replies: vec![
                Reply::new(Rich::parse(&long)).with_buttons(vec![topics.clone()]),
                Reply {
                    body: Rich::text("Your calendar"),
                    buttons: Vec::new(),
                    attachment: Some(Attachment {
                        file_name: "deadlines.ics".into(),
                        media_type: "text/calendar".into(),
                        bytes: b"BEGIN:VCALENDAR".to_vec(),
                    }),
                },
            ],
        };
        let parts = parts(&response);
        assert!(parts.len() >= 4, "{}", parts.len());
        let (last, texts) = parts.split_last().unwrap();
        assert_eq!(last.embeds, ["Your calendar"]);
        assert!(last.attachment.is_some());
        for (i, part) in texts.iter().enumerate() {
            let total: usize = part.embeds.iter().map(|e| markdown::discord_len(e)).sum();
            assert!(total <= markdown::EMBED_TOTAL_LIMIT);
            assert!(part.embeds.len() <= markdown::EMBEDS_PER_MESSAGE);
            assert_eq!(part.buttons.len(), usize::from(i == texts.len() - 1));
        }
    }

    #[test]
    fn twenty_five_buttons_fit_and_more_are_cut() {
        let many: Vec<Button> = (0..30)
            .map(|_| Button {
                label: "x".repeat(100),
                action: Action::Topics,
            })
            .collect();
        assert_eq!(rows(&many).len(), 5);
        assert_eq!(rows(&many[..21]).len(), 5);
        assert_eq!(rows(&many[..5]).len(), 1);
        assert!(rows(&[]).is_empty());
    }

    #[test]
    fn chat_refs_use_the_dc_scope() {
        let chat = chat_ref(ChannelId::new(42));
        assert_eq!(chat.to_string(), "dc:42");
        assert_eq!(channel_of(&chat), Some(ChannelId::new(42)));
        assert_eq!(channel_of(&"tg:42".parse().unwrap()), None);
        assert_eq!(channel_of(&"dc:zero".parse().unwrap()), None);
    }
}
