//! The outgoing side: core responses as Telegram messages (HTML parts within the limits, inline
//! keyboards, documents), paced under Telegram's limits, with Telegram's errors sorted into the
//! core's [`SendError`] kinds.

use std::time::Duration;

use ecabot_core::delivery::pace::PaceConfig;
use ecabot_core::delivery::pace::Priority;
use ecabot_core::delivery::pace::Room;
use ecabot_core::delivery::pace::SharedPaceRef;
use ecabot_core::delivery::parts::{Outlet, PartFailed, PartSender, Reach};
use ecabot_core::ports::SendError;
use ecabot_core::ports::TelemetryRef;
use ecabot_core::{Attachment, Button, ChatRef, Reply, Response};
use teloxide::{
    ApiError, RequestError,
    payloads::{EditMessageTextSetters, SendDocumentSetters, SendMessageSetters},
    prelude::Requester,
    types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ParseMode},
};

use crate::{Token, html};

/// Buttons whose labels are at most this long go two to a row.
const SHORT_LABEL: usize = 24;

/// The scope of Telegram chats in the core's [`ChatRef`]s.
pub const SCOPE: &str = "tg";

pub fn chat_ref(chat: ChatId) -> ChatRef {
    ChatRef::new(SCOPE, &chat.0.to_string()).expect("a Telegram chat id is a valid chat id")
}

/// One Telegram message to send.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Text {
        html: String,
        keyboard: Option<InlineKeyboardMarkup>,
    },
    Document {
        attachment: Attachment,
        caption: Option<String>,
        keyboard: Option<InlineKeyboardMarkup>,
    },
}

/// The messages a response becomes, in order. Buttons go under the last part of their reply.
pub(crate) fn parts(response: &Response) -> Vec<Part> {
    let mut out = Vec::new();
    for reply in &response.replies {
        let keyboard = keyboard(&reply.buttons);
        let texts = html::render(&reply.body, html::MESSAGE_LIMIT);
        match &reply.attachment {
            Some(attachment) => {
                let caption = html::render(&reply.body, html::CAPTION_LIMIT);
                let caption = if caption.len() <= 1 {
                    caption.into_iter().next()
                } else {
                    out.extend(texts.into_iter().map(|html| Part::Text {
                        html,
                        keyboard: None,
                    }));
                    None
                };
                out.push(Part::Document {
                    attachment: attachment.clone(),
                    caption,
                    keyboard,
                });
            }
            None => {
                let last = texts.len().saturating_sub(1);
                out.extend(texts.into_iter().enumerate().map(|(i, html)| Part::Text {
                    html,
                    keyboard: if i == last { keyboard.clone() } else { None },
                }));
            }
        }
    }
    out
}

/// Buttons as an inline keyboard: short labels two to a row, long ones alone.
pub(crate) fn keyboard(buttons: &[Button]) -> Option<InlineKeyboardMarkup> {
    if buttons.is_empty() {
        return None;
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    let mut pending: Option<InlineKeyboardButton> = None;
    for button in buttons {
        let key = InlineKeyboardButton::callback(button.label.clone(), button.action.to_string());
        if button.label.chars().count() > SHORT_LABEL {
            rows.extend(pending.take().map(|p| vec![p]));
            rows.push(vec![key]);
        } else if let Some(first) = pending.take() {
            rows.push(vec![first, key]);
        } else {
            pending = Some(key);
        }
    }
    rows.extend(pending.map(|p| vec![p]));
    Some(InlineKeyboardMarkup::new(rows))
}

/// Whether a reply fits one message and so can replace the message a button was pressed on.
pub(crate) fn single_text(reply: &Reply) -> Option<(String, Option<InlineKeyboardMarkup>)> {
    if reply.attachment.is_some() {
        return None;
    }
    let mut texts = html::render(&reply.body, html::MESSAGE_LIMIT);
    (texts.len() == 1).then(|| (texts.remove(0), keyboard(&reply.buttons)))
}

/// Sends through the Bot API, every message through the core's [`Outlet`] (pacing, waits,
/// retries). Shared by replies and the outbox, so both draw on one budget.
pub(crate) struct Outbound {
    api: teloxide::Bot,
    token: Token,
    outlet: Outlet,
    pub(crate) telemetry: TelemetryRef,
}

/// One delivery's way to one chat, for the core's [`Outlet`].
struct ToChat<'a> {
    out: &'a Outbound,
    chat: ChatId,
}

#[async_trait::async_trait]
impl PartSender for ToChat<'_> {
    type Part = Part;

    fn chat(&self) -> String {
        self.chat.0.to_string()
    }

    fn room(&self) -> Room {
        if self.chat.is_user() {
            Room::Private
        } else {
            Room::Group
        }
    }

    async fn send_part(&self, _index: usize, part: &Part) -> Result<(), PartFailed> {
        self.out
            .send_part(self.chat, part)
            .await
            .map_err(|error| PartFailed {
                error: self.out.classify(error),
                reach: Reach::Unsaid,
            })
    }

    async fn wait(&self, wait: Duration) {
        tokio::time::sleep(wait).await;
    }
}

impl Outbound {
    pub(crate) fn new(
        api: teloxide::Bot,
        token: Token,
        pace: PaceConfig,
        shared: Option<SharedPaceRef>,
        telemetry: TelemetryRef,
    ) -> Outbound {
        Outbound {
            api,
            token,
            outlet: Outlet::new(SCOPE, pace, shared, telemetry.clone()),
            telemetry,
        }
    }

    /// Sends every part of `response` in order (see [`Outlet::deliver`]).
    pub(crate) async fn deliver(
        &self,
        chat: ChatId,
        response: &Response,
        priority: Priority,
    ) -> Result<(), SendError> {
        let to = ToChat { out: self, chat };
        self.outlet.deliver(&to, &parts(response), priority).await
    }

    async fn send_part(&self, chat: ChatId, part: &Part) -> Result<(), RequestError> {
        match part {
            Part::Text { html, keyboard } => {
                let mut request = self
                    .api
                    .send_message(chat, html.clone())
                    .parse_mode(ParseMode::Html);
                if let Some(k) = keyboard {
                    request = request.reply_markup(k.clone());
                }
                request.await?;
            }
            Part::Document {
                attachment,
                caption,
                keyboard,
            } => {
                let file = InputFile::memory(attachment.bytes.clone())
                    .file_name(attachment.file_name.clone());
                let mut request = self.api.send_document(chat, file);
                if let Some(c) = caption {
                    request = request.caption(c.clone()).parse_mode(ParseMode::Html);
                }
                if let Some(k) = keyboard {
                    request = request.reply_markup(k.clone());
                }
                request.await?;
            }
        }
        Ok(())
    }

    /// Replaces the text and buttons of a message the bot sent (a menu the user navigates).
    pub(crate) async fn edit(
        &self,
        chat: ChatId,
        message: MessageId,
        html: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<(), SendError> {
        self.outlet
            .pace(&ToChat { out: self, chat }, Priority::Reply)
            .await?;
        let mut request = self
            .api
            .edit_message_text(chat, message, html)
            .parse_mode(ParseMode::Html);
        if let Some(k) = keyboard {
            request = request.reply_markup(k);
        }
        match request.await {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
            Err(e) => Err(self.classify(e)),
        }
    }

    /// Takes the buttons off a message (a reminder that was acted on).
    pub(crate) async fn clear_buttons(
        &self,
        chat: ChatId,
        message: MessageId,
    ) -> Result<(), SendError> {
        match self.api.edit_message_reply_markup(chat, message).await {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
            Err(e) => Err(self.classify(e)),
        }
    }

    /// Sorts a Bot API error into what the outbox does with it. The reason is redacted: the
    /// HTTP client's errors carry the request URL, and the URL carries the token.
    pub(crate) fn classify(&self, error: RequestError) -> SendError {
        let reason = self.token.redact(&error.to_string());
        match error {
            RequestError::RetryAfter(wait) => SendError::Transient {
                reason,
                retry_after: Some(wait.duration()),
            },
            RequestError::MigrateToChatId(to) => SendError::Moved { to: chat_ref(to) },
            RequestError::Api(api) if chat_is_gone(&api) => SendError::Permanent { reason },
            RequestError::Api(_) => SendError::Refused { reason },
            RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
                SendError::Transient {
                    reason,
                    retry_after: None,
                }
            }
        }
    }
}

/// Errors that mean "this chat will not take messages from us any more".
fn chat_is_gone(error: &ApiError) -> bool {
    match error {
        ApiError::BotBlocked
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup
        | ApiError::BotKickedFromChannel
        | ApiError::UserDeactivated
        | ApiError::CantInitiateConversation
        | ApiError::CantTalkWithBots
        | ApiError::ChatNotFound
        | ApiError::GroupDeactivated
        | ApiError::NotEnoughRightsToPostMessages => true,
        ApiError::Unknown(text) => text.starts_with("Forbidden"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecabot_core::{Action, Kind, Locale, Rich};

    fn button(label: &str) -> Button {
        Button {
            label: label.into(),
            action: Action::Topics,
        }
    }

    #[test]
    fn keyboards_pair_short_labels() {
        let k = keyboard(&[
            button("Join"),
            button("Members"),
            button("A label that is far too long to share a row"),
            button("Events"),
        ])
        .unwrap();
        let widths: Vec<usize> = k.inline_keyboard.iter().map(Vec::len).collect();
        assert_eq!(widths, [2, 1, 1]);
        assert!(keyboard(&[]).is_none());
    }

    #[test]
    fn buttons_go_under_the_last_part_and_documents_carry_short_captions() {
        let long = (0..400)
            .map(|i| format!("Paragraph {i} with some words in it."))
            .collect::<Vec<_>>()
            .join("\n\n");
        let response = Response {
            locale: Locale::ENGLISH,
            topic: None,
            kind: Kind::Command,
            replies: vec![
                Reply::new(Rich::parse(&long)).with_buttons(vec![button("Topics")]),
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
        let (texts, last) = parts.split_at(parts.len() - 1);
        for (i, part) in texts.iter().enumerate() {
            let Part::Text { html, keyboard } = part else {
                panic!("text first")
            };
            assert!(html::visible_len(html) <= html::MESSAGE_LIMIT);
            assert_eq!(keyboard.is_some(), i == texts.len() - 1);
        }
        assert!(matches!(
            &last[0],
            Part::Document { caption: Some(c), .. } if c == "Your calendar"
        ));
    }

    #[test]
    fn chat_refs_use_the_tg_scope() {
        assert_eq!(chat_ref(ChatId(-1001234)).to_string(), "tg:-1001234");
    }
}
