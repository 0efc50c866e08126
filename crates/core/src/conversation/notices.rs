//! The words of what the bot says first: a reminder or a "deadline changed" notice, written
//! when it is sent.

use crate::conversation::Bot;
use crate::conversation::calls::snooze_step;
use crate::language::catalog::Args;
use crate::model::call::CallKind;
use crate::model::markup::Rich;
use crate::model::outbox::Notice;
use crate::model::reply::Action;
use crate::model::reply::Button;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::ports::StoreError;
use chrono::{DateTime, Utc};

/// Why a planned notice is no longer worth sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stale {
    #[error("the call no longer exists")]
    CallGone,
    #[error("the deadline moved since this was planned")]
    Superseded,
    #[error("the chat no longer follows this call")]
    NotFollowing,
    #[error("a digest is written by render_digest")]
    NotACallNotice,
}

impl Bot {
    /// Writes a planned notice for its chat as of `now`, or says why it should not be sent.
    pub async fn render_notice(
        &self,
        chat: &crate::model::chat::ChatRef,
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> Result<Result<Response, Stale>, StoreError> {
        let (id, version) = match notice {
            Notice::Reminder { call, version, .. }
            | Notice::Snoozed { call, version }
            | Notice::DeadlineChanged { call, version, .. } => (call, *version),
            Notice::Digest { .. } => return Ok(Err(Stale::NotACallNotice)),
        };
        let Some(call) = self.store.call(id).await? else {
            return Ok(Err(Stale::CallGone));
        };
        if call.version != version {
            return Ok(Err(Stale::Superseded));
        }
        let subs = self.store.subscriptions(chat).await?;
        let dismissed = self.store.dismissed(chat).await?;
        if dismissed.contains(&call.id) || !subs.iter().any(|s| s.target.covers(&call)) {
            return Ok(Err(Stale::NotFollowing));
        }
        let prefs = self.store.chat_prefs(chat).await?;
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
        Ok(Ok(Response {
            locale,
            topic: Self::reminders_topic(),
            replies: vec![Reply::new(Rich::parse(&text)).with_buttons(buttons)],
        }))
    }
}
