//! The conversation about calls and reminders: `/calls`, `/subscribe`, `/remind`, `/timezone`,
//! `/quiet`, `/ics`, the reminder buttons, and the words of the reminders themselves.

use chrono::{DateTime, Duration, Utc};

use crate::{
    Action, Args, Attachment, Bot, Button, Call, CallId, CallKind, ChatPrefs, EntryState, LeadTime,
    LeadTimes, Locale, NewEntry, Notice, QuietHours, Reply, Request, Response, Rich, StoreError,
    Target, TopicId, Zone, bot::echo, markup::escape, schedule,
};

/// At most this many calls are listed (and offered as buttons) in one `/calls` answer.
const MAX_LISTED: usize = 10;

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
        if self.store.chat_prefs(&request.chat).await?.locale.is_none() {
            self.store
                .set_chat_locale(&request.chat, Some(locale))
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn subscribe(
        &self,
        request: &Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Result<Response, StoreError> {
        let now = self.clock.now();
        let topic = Self::reminders_topic();
        let target = match self.target(arg.as_deref()).await? {
            Ok(t) => t,
            Err(query) => {
                let args = Args::new().data("query", &echo(&query));
                return Ok(self.say(
                    locale,
                    topic,
                    self.message(locale, "subscribe-unknown", &args),
                ));
            }
        };
        if let Target::Call(id) = &target
            && let Some(call) = self.store.call(id).await?
            && !call.is_open(now)
        {
            let args = Args::new()
                .data("title", call.title(locale))
                .markup("date", self.date_in(locale, call.zone, call.deadline));
            return Ok(self.say(
                locale,
                topic,
                self.message(locale, "subscribe-closed", &args),
            ));
        }
        let new = self.store.subscribe(&request.chat, &target, now).await?;
        self.remember_locale(request, locale).await?;
        let prefs = self.store.chat_prefs(&request.chat).await?;
        let what = self.target_label(locale, &target).await?;
        let args = Args::new()
            .markup("what", what)
            .markup("leads", self.leads_text(locale, &prefs.leads()));
        let id = if new {
            "subscribe-done"
        } else {
            "subscribe-already"
        };
        let mut reply = self.message(locale, id, &args);
        reply
            .body
            .append(self.next_text(request, locale, &prefs).await?);
        Ok(self.say(locale, topic, reply))
    }

    /// Reads `/subscribe`'s argument: nothing or `all`, a call id, or a topic id.
    async fn target(&self, arg: Option<&str>) -> Result<Result<Target, String>, StoreError> {
        let Some(raw) = arg.map(str::trim).filter(|a| !a.is_empty()) else {
            return Ok(Ok(Target::All));
        };
        let key = raw.to_lowercase();
        if matches!(key.as_str(), "all" | "kaikki") {
            return Ok(Ok(Target::All));
        }
        if let Ok(id) = CallId::parse(&key)
            && self.store.call(&id).await?.is_some()
        {
            return Ok(Ok(Target::Call(id)));
        }
        if let Ok(topic) = key.parse::<TopicId>() {
            return Ok(Ok(Target::Topic(topic)));
        }
        Ok(Err(raw.to_owned()))
    }

    async fn target_label(&self, locale: Locale, target: &Target) -> Result<String, StoreError> {
        let cat = self.cat();
        Ok(match target {
            Target::All => cat.get(locale, "target-all"),
            Target::Call(id) => {
                let title = self.call_title(locale, id).await?;
                cat.msg(locale, "target-call", &Args::new().data("title", &title))
            }
            Target::Topic(t) => cat.msg(
                locale,
                "target-topic",
                &Args::new().data("topic", &cat.get(locale, &t.title_id())),
            ),
        })
    }

    /// "The next reminder comes on …", or why none is planned.
    async fn next_text(
        &self,
        request: &Request,
        locale: Locale,
        prefs: &ChatPrefs,
    ) -> Result<Rich, StoreError> {
        let now = self.clock.now();
        let subscriptions = self.store.subscriptions(&request.chat).await?;
        let dismissed = self.store.dismissed(&request.chat).await?;
        let calls = self.store.calls_after(now).await?;
        let next = schedule::next_reminder(prefs, &subscriptions, &dismissed, &calls, now);
        let text = match next {
            Some((at, call, _)) => {
                let args = Args::new()
                    .markup("at", self.datetime_in(locale, prefs.zone(), at))
                    .data("title", call.title(locale));
                self.cat().msg(locale, "next-reminder", &args)
            }
            None => self.cat().get(locale, "next-reminder-none"),
        };
        Ok(Rich::parse(&text))
    }

    pub(crate) async fn unsubscribe(
        &self,
        request: &Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let now = self.clock.now();
        let everything = arg
            .as_deref()
            .map(|a| matches!(a.trim().to_lowercase().as_str(), "all" | "kaikki"))
            .unwrap_or(true);
        if everything {
            let removed = self.store.unsubscribe(&request.chat, None).await?;
            self.outbox.cancel_pending(&request.chat, None, now).await?;
            let id = if removed == 0 {
                "unsubscribe-none"
            } else {
                "unsubscribe-all-done"
            };
            let args = Args::new().number("count", removed as f64);
            return Ok(self.say(locale, topic, self.message(locale, id, &args)));
        }
        let raw = arg.unwrap_or_default();
        let target = match self.target(Some(&raw)).await? {
            Ok(t) => t,
            Err(query) => {
                let args = Args::new().data("query", &echo(&query));
                return Ok(self.say(
                    locale,
                    topic,
                    self.message(locale, "subscribe-unknown", &args),
                ));
            }
        };
        let removed = self.store.unsubscribe(&request.chat, Some(&target)).await?;
        if let Target::Call(id) = &target {
            self.outbox
                .cancel_pending(&request.chat, Some(id), now)
                .await?;
        }
        let what = self.target_label(locale, &target).await?;
        let id = if removed == 0 {
            "unsubscribe-not-subscribed"
        } else {
            "unsubscribe-done"
        };
        let args = Args::new().markup("what", what);
        let mut reply = self.message(locale, id, &args);
        if let (Target::Call(id), 0) = (&target, removed)
            && let Some(call) = self.store.call(id).await?
            && self
                .store
                .subscriptions(&request.chat)
                .await?
                .iter()
                .any(|s| s.target.covers(&call))
        {
            // Still covered by "all" or its topic: say how to stop this one call.
            reply
                .body
                .append(Rich::parse(&self.cat().get(locale, "unsubscribe-covered")));
        }
        Ok(self.say(locale, topic, reply))
    }

    pub(crate) async fn subscriptions(
        &self,
        request: &Request,
        locale: Locale,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let subs = self.store.subscriptions(&request.chat).await?;
        let prefs = self.store.chat_prefs(&request.chat).await?;
        if subs.is_empty() {
            let reply = self.message(locale, "subscriptions-none", &Args::new());
            return Ok(self.say(locale, topic, reply));
        }
        let mut text = self.cat().get(locale, "subscriptions-heading");
        text.push_str("\n\n");
        let mut buttons = Vec::new();
        for sub in &subs {
            text.push_str("- ");
            text.push_str(&self.target_label(locale, &sub.target).await?);
            text.push('\n');
            if let Target::Call(id) = &sub.target {
                buttons.push(Button {
                    label: self.cat().msg(
                        locale,
                        "button-unsubscribe",
                        &Args::new().data("title", &self.call_title(locale, id).await?),
                    ),
                    action: Action::Unsubscribe(id.clone()),
                });
            }
        }
        let quiet = match prefs.quiet {
            Some(q) => self.quiet_text(locale, q),
            None => self.cat().get(locale, "quiet-none"),
        };
        let args = Args::new()
            .markup("leads", self.leads_text(locale, &prefs.leads()))
            .data("zone", prefs.zone().name())
            .markup("quiet", quiet);
        text.push('\n');
        text.push_str(&self.cat().msg(locale, "subscriptions-settings", &args));
        let mut body = Rich::parse(&text);
        body.append(self.next_text(request, locale, &prefs).await?);
        Ok(self.say(locale, topic, Reply::new(body).with_buttons(buttons)))
    }

    async fn call_title(&self, locale: Locale, id: &CallId) -> Result<String, StoreError> {
        Ok(match self.store.call(id).await? {
            Some(c) => c.title(locale).to_owned(),
            None => id.to_string(),
        })
    }

    pub(crate) async fn remind(
        &self,
        request: &Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let chat = &request.chat;
        let reply = match arg.as_deref().map(str::trim) {
            None => {
                let prefs = self.store.chat_prefs(chat).await?;
                let args = Args::new().markup("leads", self.leads_text(locale, &prefs.leads()));
                self.message(locale, "remind-current", &args)
            }
            Some(a) if matches!(a.to_lowercase().as_str(), "default" | "reset" | "oletus") => {
                self.store.set_chat_leads(chat, None).await?;
                let args =
                    Args::new().markup("leads", self.leads_text(locale, &LeadTimes::standard()));
                self.message(locale, "remind-set", &args)
            }
            Some(a) => match LeadTimes::parse(a) {
                Ok(leads) => {
                    self.store.set_chat_leads(chat, Some(leads.clone())).await?;
                    self.remember_locale(request, locale).await?;
                    let args = Args::new().markup("leads", self.leads_text(locale, &leads));
                    self.message(locale, "remind-set", &args)
                }
                Err(_) => {
                    let args = Args::new()
                        .data("input", &echo(a))
                        .number("max", LeadTimes::MAX as f64);
                    self.message(locale, "remind-bad", &args)
                }
            },
        };
        Ok(self.say(locale, topic, reply))
    }

    pub(crate) async fn timezone(
        &self,
        request: &Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let chat = &request.chat;
        let now = self.clock.now();
        let reply = match arg.as_deref().map(str::trim) {
            None => {
                let zone = self.store.chat_prefs(chat).await?.zone();
                let args = Args::new()
                    .data("zone", zone.name())
                    .markup("now", self.datetime_in(locale, zone, now));
                self.message(locale, "timezone-current", &args)
            }
            Some(a) => match Zone::parse(a) {
                Ok(zone) => {
                    self.store.set_chat_zone(chat, Some(zone)).await?;
                    self.remember_locale(request, locale).await?;
                    let args = Args::new()
                        .data("zone", zone.name())
                        .markup("now", self.datetime_in(locale, zone, now));
                    self.message(locale, "timezone-set", &args)
                }
                Err(unknown) if unknown.suggestions.is_empty() => {
                    let args = Args::new().data("zone", &echo(&unknown.query));
                    self.message(locale, "timezone-unknown", &args)
                }
                Err(unknown) => {
                    let names: Vec<String> =
                        unknown.suggestions.iter().map(|s| escape(s)).collect();
                    let args = Args::new()
                        .data("zone", &echo(&unknown.query))
                        .markup("suggestions", self.join_list(locale, &names));
                    self.message(locale, "timezone-unknown-suggest", &args)
                }
            },
        };
        Ok(self.say(locale, topic, reply))
    }

    pub(crate) async fn quiet(
        &self,
        request: &Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Result<Response, StoreError> {
        let topic = Self::reminders_topic();
        let chat = &request.chat;
        let reply = match arg.as_deref().map(str::trim) {
            None => match self.store.chat_prefs(chat).await?.quiet {
                Some(q) => {
                    let args = Args::new().markup("quiet", self.quiet_text(locale, q));
                    self.message(locale, "quiet-current", &args)
                }
                None => self.message(locale, "quiet-current-none", &Args::new()),
            },
            Some(a) if matches!(a.to_lowercase().as_str(), "off" | "pois" | "none") => {
                self.store.set_chat_quiet(chat, None).await?;
                self.message(locale, "quiet-off", &Args::new())
            }
            Some(a) => match QuietHours::parse(a) {
                Ok(q) => {
                    self.store.set_chat_quiet(chat, Some(q)).await?;
                    self.remember_locale(request, locale).await?;
                    let zone = self.store.chat_prefs(chat).await?.zone();
                    let args = Args::new()
                        .markup("quiet", self.quiet_text(locale, q))
                        .data("zone", zone.name());
                    self.message(locale, "quiet-set", &args)
                }
                Err(_) => {
                    let args = Args::new().data("input", &echo(a));
                    self.message(locale, "quiet-bad", &args)
                }
            },
        };
        Ok(self.say(locale, topic, reply))
    }

    pub(crate) async fn calls(
        &self,
        request: &Request,
        locale: Locale,
    ) -> Result<Response, StoreError> {
        let topic = "events".parse().ok();
        let now = self.clock.now();
        let zone = self.store.chat_prefs(&request.chat).await?.zone();
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
                    &Args::new().data("title", &shorten(call.title(locale), 40)),
                ),
                action: Action::Subscribe(call.id.clone()),
            });
        }
        if open.len() > MAX_LISTED {
            let args = Args::new().number("count", (open.len() - MAX_LISTED) as f64);
            text.push('\n');
            text.push_str(&self.cat().msg(locale, "calls-more", &args));
        }
        let prefs = self.store.chat_prefs(&request.chat).await?;
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
    fn call_line(&self, locale: Locale, zone: Zone, call: &Call, now: DateTime<Utc>) -> String {
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
        let prefs = self.store.chat_prefs(&request.chat).await?;
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
        let body = crate::ics::write(&calls, now, &leads);
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
        let prefs = self.store.chat_prefs(&request.chat).await?;
        let at = now + after.duration();
        if at >= call.deadline {
            let args = Args::new().data("title", call.title(locale));
            return Ok(self.say(
                locale,
                topic,
                self.message(locale, "snooze-too-late", &args),
            ));
        }
        let at = schedule::release(&prefs, at, call.deadline);
        let entry = NewEntry {
            key: format!(
                "snoozed:{}:{}:{}:{}",
                request.chat,
                call.id,
                call.version,
                at.timestamp()
            ),
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

    /// Writes a planned notice for its chat as of `now`, or says why it should not be sent.
    pub async fn render_notice(
        &self,
        chat: &crate::ChatRef,
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
        let locale = crate::negotiate(
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

    /// A date and time in a zone, the locale's way, with the zone named.
    pub(crate) fn datetime_in(&self, locale: Locale, zone: Zone, at: DateTime<Utc>) -> String {
        let local = zone.local(at);
        let args = Args::new()
            .markup("datetime", self.cat().datetime(locale, &local))
            .data("zone", zone.name());
        self.cat().msg(locale, "datetime-zoned", &args)
    }

    fn date_in(&self, locale: Locale, zone: Zone, at: DateTime<Utc>) -> String {
        self.cat().date(locale, zone.local(at).date_naive())
    }

    fn quiet_text(&self, locale: Locale, q: QuietHours) -> String {
        use chrono::Timelike;
        let args = Args::new()
            .markup(
                "start",
                self.cat()
                    .time(locale, q.start().hour(), q.start().minute()),
            )
            .markup(
                "end",
                self.cat().time(locale, q.end().hour(), q.end().minute()),
            );
        self.cat().msg(locale, "quiet-range", &args)
    }

    /// "1 day and 12 hours".
    pub(crate) fn lead_text(&self, locale: Locale, lead: LeadTime) -> String {
        let (d, h, m) = lead.parts();
        self.parts_text(locale, d, h, m)
    }

    /// "7 days before, 1 day before and 1 hour before": each lead time said on its own, so two
    /// of them never read as one.
    fn leads_text(&self, locale: Locale, leads: &LeadTimes) -> String {
        let parts: Vec<String> = leads
            .iter()
            .map(|l| {
                let args = Args::new().markup("duration", self.lead_text(locale, l));
                self.cat().msg(locale, "lead-before", &args)
            })
            .collect();
        self.join_list(locale, &parts)
    }

    fn parts_text(&self, locale: Locale, d: u32, h: u32, m: u32) -> String {
        let cat = self.cat();
        let mut parts = Vec::new();
        for (n, id) in [
            (d, "duration-days"),
            (h, "duration-hours"),
            (m, "duration-minutes"),
        ] {
            if n > 0 {
                parts.push(cat.msg(locale, id, &Args::new().number("count", n)));
            }
        }
        if parts.is_empty() {
            parts.push(cat.msg(locale, "duration-minutes", &Args::new().number("count", 0)));
        }
        self.join_list(locale, &parts)
    }

    /// How long is left, rounded the way people say it: "3 days", "1 day and 4 hours",
    /// "2 hours and 5 minutes", "12 minutes".
    pub(crate) fn duration_text(&self, locale: Locale, left: Duration) -> String {
        let minutes = u32::try_from(left.num_minutes().max(0)).unwrap_or(u32::MAX);
        let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        match (d, h) {
            (d, _) if d >= 3 => self.parts_text(locale, d, 0, 0),
            (d, h) if d >= 1 => self.parts_text(locale, d, h, 0),
            (_, h) if h >= 3 => self.parts_text(locale, 0, h, 0),
            (_, h) => self.parts_text(locale, 0, h, m.max(u32::from(h == 0))),
        }
    }
}

/// The snooze offered on a reminder: a day when days are left, an hour when hours are, a
/// quarter of an hour at the end; none when even that would pass the deadline.
fn snooze_step(left: Duration) -> Option<LeadTime> {
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

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snooze_steps_stay_before_the_deadline() {
        assert_eq!(snooze_step(Duration::days(7)).unwrap().minutes(), 1440);
        assert_eq!(snooze_step(Duration::hours(23)).unwrap().minutes(), 60);
        assert_eq!(snooze_step(Duration::minutes(59)).unwrap().minutes(), 15);
        assert_eq!(snooze_step(Duration::minutes(10)), None);
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
