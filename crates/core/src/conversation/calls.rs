//! The calls themselves: `/calls`, `/ics`, and the reminder buttons (snooze, "I've applied").

use crate::conversation::Bot;
use crate::conversation::Request;
use crate::language::catalog::Args;
use crate::model::call::Call;
use crate::model::call::CallId;
use crate::model::call::CallKind;
use crate::model::call::LeadTime;
use crate::model::call::Zone;
use crate::model::locale::Locale;
use crate::model::markup::Rich;
use crate::model::outbox::EntryState;
use crate::model::outbox::NewEntry;
use crate::model::outbox::Notice;
use crate::model::outbox::OutboxKey;
use crate::model::reply::Action;
use crate::model::reply::Attachment;
use crate::model::reply::Button;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::ports::StoreError;
use chrono::{DateTime, Duration, Utc};

/// At most this many calls are listed (and offered as buttons) in one `/calls` answer.
const MAX_LISTED: usize = 10;

impl Bot {
    pub(crate) async fn calls(
        &self,
        request: &Request,
        locale: Locale,
    ) -> Result<Response, StoreError> {
        let topic = "events".parse().ok();
        let now = self.clock.now();
        let zone = self.chats.chat_prefs(&request.chat).await?.zone();
        let all = self.store.calls().await?;
        let open: Vec<&Call> = all.iter().filter(|c| c.is_open(now)).collect();
        if open.is_empty() {
            let reply = match all
                .iter()
                .filter(|c| !c.is_open(now))
                .max_by_key(|c| c.deadline)
            {
                Some(last) => {
                    let id = match last.kind {
                        CallKind::Call => "calls-none-last-call",
                        CallKind::Event => "calls-none-last-event",
                    };
                    let args = Args::new()
                        .data("title", last.title(locale))
                        .markup("date", self.date_in(locale, last.zone, last.deadline));
                    self.message(locale, id, &args)
                }
                None => self.message(locale, "calls-none", &Args::new()),
            };
            return Ok(self.say(locale, topic, reply));
        }
        let mut text = self.cat().msg(
            locale,
            "calls-heading",
            &Args::new().data("zone", zone.name()),
        );
        text.push_str("\n\n");
        let mut buttons = Vec::new();
        for call in open.iter().take(MAX_LISTED) {
            text.push_str("- ");
            text.push_str(&self.call_line(locale, zone, call, now));
            text.push('\n');
            buttons.push(Button {
                label: self.cat().msg(
                    locale,
                    "button-subscribe",
                    &Args::new().data(
                        "title",
                        &crate::model::text::truncate(call.title(locale), 40),
                    ),
                ),
                action: Action::Subscribe(call.id.clone()),
            });
        }
        if open.len() > MAX_LISTED {
            let args = Args::new().number("count", (open.len() - MAX_LISTED) as f64);
            text.push('\n');
            text.push_str(&self.cat().msg(locale, "calls-more", &args));
        }
        let prefs = self.chats.chat_prefs(&request.chat).await?;
        text.push('\n');
        let args = Args::new().markup("leads", self.leads_text(locale, &prefs.leads()));
        text.push_str(&self.cat().msg(locale, "calls-footer", &args));
        Ok(self.say(
            locale,
            topic,
            Reply::new(Rich::parse(&text)).with_buttons(buttons),
        ))
    }

    /// One call in a list: title, when, how long is left, where, and its id for commands.
    pub(super) fn call_line(
        &self,
        locale: Locale,
        zone: Zone,
        call: &Call,
        now: DateTime<Utc>,
    ) -> String {
        let id = match call.kind {
            CallKind::Call => "calls-item-call",
            CallKind::Event => "calls-item-event",
        };
        let args = Args::new()
            .data("title", call.title(locale))
            .markup("when", self.datetime_in(locale, zone, call.deadline))
            .markup("left", self.duration_text(locale, call.deadline - now))
            .data("location", call.location.as_deref().unwrap_or_default())
            .data(
                "has_location",
                if call.location.is_some() { "yes" } else { "no" },
            )
            .data("id", call.id.as_str());
        self.cat().msg(locale, id, &args)
    }

    pub(crate) async fn ics(
        &self,
        request: &Request,
        locale: Locale,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let now = self.clock.now();
        let subs = self.store.subscriptions(&request.chat).await?;
        let dismissed = self.store.dismissed(&request.chat).await?;
        let prefs = self.chats.chat_prefs(&request.chat).await?;
        let calls: Vec<Call> = self
            .store
            .calls_after(now)
            .await?
            .into_iter()
            .filter(|c| !dismissed.contains(&c.id))
            .filter(|c| subs.iter().any(|s| s.target.covers(c)))
            .collect();
        if calls.is_empty() {
            let id = if subs.is_empty() {
                "ics-no-subscriptions"
            } else {
                "ics-nothing-open"
            };
            return Ok(self.say(locale, topic, self.message(locale, id, &Args::new())));
        }
        let leads: Vec<LeadTime> = prefs.leads().iter().collect();
        let body = crate::formats::ics::write(&calls, now, &leads);
        let args = Args::new().number("count", calls.len() as f64);
        let mut reply = self.message(locale, "ics-ready", &args);
        reply.attachment = Some(Attachment {
            file_name: "ecabot-deadlines.ics".into(),
            media_type: "text/calendar; charset=utf-8".into(),
            bytes: body.into_bytes(),
        });
        Ok(self.say(locale, topic, reply))
    }

    pub(crate) async fn snooze(
        &self,
        request: &Request,
        locale: Locale,
        call: CallId,
        after: LeadTime,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let now = self.clock.now();
        let Some(call) = self.store.call(&call).await? else {
            return Ok(self.say(
                locale,
                topic,
                self.message(locale, "call-gone", &Args::new()),
            ));
        };
        let prefs = self.chats.chat_prefs(&request.chat).await?;
        let at = now + after.duration();
        if at >= call.deadline {
            let args = Args::new().data("title", call.title(locale));
            return Ok(self.say(
                locale,
                topic,
                self.message(locale, "snooze-too-late", &args),
            ));
        }
        let at = crate::planning::reminders::release(&prefs, at, call.deadline);
        let entry = NewEntry {
            key: OutboxKey::Snoozed {
                chat: request.chat.clone(),
                call: call.id.clone(),
                version: call.version,
                at,
            },
            chat: request.chat.clone(),
            notice: Notice::Snoozed {
                call: call.id.clone(),
                version: call.version,
            },
            not_before: at,
            expires: Some(call.deadline),
            state: EntryState::Pending,
        };
        self.outbox.enqueue(&[entry]).await?;
        let args = Args::new()
            .data("title", call.title(locale))
            .markup("at", self.datetime_in(locale, prefs.zone(), at));
        Ok(self.say(locale, topic, self.message(locale, "snooze-done", &args)))
    }

    pub(crate) async fn applied(
        &self,
        request: &Request,
        locale: Locale,
        call: CallId,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let now = self.clock.now();
        let Some(call) = self.store.call(&call).await? else {
            return Ok(self.say(
                locale,
                topic,
                self.message(locale, "call-gone", &Args::new()),
            ));
        };
        self.store.dismiss(&request.chat, &call.id, now).await?;
        self.outbox
            .cancel_pending(&request.chat, Some(&call.id), now)
            .await?;
        let id = match call.kind {
            CallKind::Call => "applied-done",
            CallKind::Event => "applied-done-event",
        };
        let args = Args::new()
            .data("title", call.title(locale))
            .data("id", call.id.as_str());
        Ok(self.say(locale, topic, self.message(locale, id, &args)))
    }
}

/// The snooze offered on a reminder: a day when days are left, an hour when hours are, a
/// quarter of an hour at the end; none when even that would pass the deadline.
pub(super) fn snooze_step(left: Duration) -> Option<LeadTime> {
    let minutes = if left >= Duration::days(2) {
        1440
    } else if left >= Duration::hours(2) {
        60
    } else if left >= Duration::minutes(30) {
        15
    } else {
        return None;
    };
    LeadTime::from_minutes(minutes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn snooze_steps_stay_before_the_deadline() {
        assert_eq!(snooze_step(Duration::days(7)).unwrap().minutes(), 1440);
        assert_eq!(snooze_step(Duration::hours(23)).unwrap().minutes(), 60);
        assert_eq!(snooze_step(Duration::minutes(59)).unwrap().minutes(), 15);
        assert_eq!(snooze_step(Duration::minutes(10)), None);
    }
}
