//! What the bot says first, written when it is sent: [`Bot::render`] turns an outbox entry's
//! notice into a response, or says why it is no longer worth sending.

use crate::conversation::Bot;
use crate::conversation::calls::snooze_step;
use crate::language::catalog::Args;
use crate::model::call::CallKind;
use crate::model::markup::Rich;
use crate::model::outbox::Notice;
use crate::model::reply::Action;
use crate::model::reply::Button;
use crate::model::reply::Kind;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::ports::StoreError;
use chrono::{DateTime, Utc};

/// What an outbox entry comes to when its moment has come.
#[derive(Debug, Clone, PartialEq)]
pub enum Rendered {
    Send(Response),
    /// Nothing is sent; the reason is logged and kept with the entry.
    Skip(Skip),
}

/// Why a planned message is no longer worth sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skip {
    #[error("the call no longer exists")]
    CallGone,
    #[error("the deadline moved since this was planned")]
    Superseded,
    #[error("the chat no longer follows this call")]
    NotFollowing,
    #[error("the chat turned its digest off")]
    DigestOff,
    #[error("nothing new since the previous digest")]
    DigestEmpty,
}

impl Bot {
    /// Writes a planned notice or digest for its chat as of `now`, in the chat's language and
    /// zone of that moment, or says why it should not be sent.
    pub async fn render(
        &self,
        chat: &crate::model::chat::ChatRef,
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> Result<Rendered, StoreError> {
        match notice {
            Notice::Digest { from, slot } => self.render_digest(chat, *from, *slot, now).await,
            Notice::Reminder { call, version, .. }
            | Notice::Snoozed { call, version }
            | Notice::DeadlineChanged { call, version, .. } => {
                self.render_call_notice(chat, notice, call, *version, now)
                    .await
            }
        }
    }

    /// A reminder or a "deadline changed" notice.
    async fn render_call_notice(
        &self,
        chat: &crate::model::chat::ChatRef,
        notice: &Notice,
        id: &crate::model::call::CallId,
        version: u32,
        now: DateTime<Utc>,
    ) -> Result<Rendered, StoreError> {
        let Some(call) = self.store.call(id).await? else {
            return Ok(Rendered::Skip(Skip::CallGone));
        };
        if call.version != version {
            return Ok(Rendered::Skip(Skip::Superseded));
        }
        let subs = self.store.subscriptions(chat).await?;
        let dismissed = self.store.dismissed(chat).await?;
        if dismissed.contains(&call.id) || !subs.iter().any(|s| s.target.covers(&call)) {
            return Ok(Rendered::Skip(Skip::NotFollowing));
        }
        let prefs = self.chats.chat_prefs(chat).await?;
        let locale = crate::model::locale::negotiate(
            self.cat().locales(),
            prefs.locale,
            None,
            self.default_locale,
        );
        let zone = prefs.zone();
        let left = call.deadline - now;
        let id = match (notice, call.kind) {
            (Notice::DeadlineChanged { .. }, CallKind::Call) => "deadline-changed",
            (Notice::DeadlineChanged { .. }, CallKind::Event) => "event-changed",
            (_, CallKind::Call) => "reminder-call",
            (_, CallKind::Event) => "reminder-event",
        };
        let previous = match notice {
            Notice::DeadlineChanged { previous, .. } => self.datetime_in(locale, zone, *previous),
            _ => String::new(),
        };
        let args = Args::new()
            .data("title", call.title(locale))
            .markup("when", self.datetime_in(locale, zone, call.deadline))
            .markup("left", self.duration_text(locale, left))
            .markup("previous", previous)
            .data("zone", zone.name());
        let mut text = self.cat().msg(locale, id, &args);
        if let Some(url) = call.url.as_deref() {
            text.push_str("\n\n");
            text.push_str(
                &self
                    .cat()
                    .msg(locale, "call-link", &Args::new().data("url", url)),
            );
        }
        let mut buttons = Vec::new();
        if let Some(after) = snooze_step(left) {
            buttons.push(Button {
                label: self.cat().msg(
                    locale,
                    "button-snooze",
                    &Args::new().markup("after", self.lead_text(locale, after)),
                ),
                action: Action::Snooze(call.id.clone(), after),
            });
        }
        let stop = match call.kind {
            CallKind::Call => "button-applied",
            CallKind::Event => "button-stop-event",
        };
        buttons.push(Button {
            label: self.cat().get(locale, stop),
            action: Action::Applied(call.id.clone()),
        });
        Ok(Rendered::Send(Response {
            locale,
            topic: Self::reminders_topic(),
            kind: Kind::Command,
            replies: vec![Reply::new(Rich::parse(&text)).with_buttons(buttons)],
        }))
    }
}
