//! `/subscribe`, `/unsubscribe`, `/subscriptions`.

use crate::conversation::Bot;
use crate::conversation::Request;
use crate::conversation::echo;
use crate::language::catalog::Args;
use crate::model::call::CallId;
use crate::model::call::Target;
use crate::model::chat::ChatPrefs;
use crate::model::locale::Locale;
use crate::model::markup::Rich;
use crate::model::reply::Action;
use crate::model::reply::Button;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::model::topic::TopicId;
use crate::ports::StoreError;

impl Bot {
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
        let prefs = self.chats.chat_prefs(&request.chat).await?;
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
    pub(super) async fn target(
        &self,
        arg: Option<&str>,
    ) -> Result<Result<Target, String>, StoreError> {
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

    pub(super) async fn target_label(
        &self,
        locale: Locale,
        target: &Target,
    ) -> Result<String, StoreError> {
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
    pub(super) async fn next_text(
        &self,
        request: &Request,
        locale: Locale,
        prefs: &ChatPrefs,
    ) -> Result<Rich, StoreError> {
        let now = self.clock.now();
        let subscriptions = self.store.subscriptions(&request.chat).await?;
        let dismissed = self.store.dismissed(&request.chat).await?;
        let calls = self.store.calls_after(now).await?;
        let next = crate::planning::reminders::next_reminder(
            prefs,
            &subscriptions,
            &dismissed,
            &calls,
            now,
        );
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
        let prefs = self.chats.chat_prefs(&request.chat).await?;
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

    pub(super) async fn call_title(
        &self,
        locale: Locale,
        id: &CallId,
    ) -> Result<String, StoreError> {
        Ok(match self.store.call(id).await? {
            Some(c) => c.title(locale).to_owned(),
            None => id.to_string(),
        })
    }
}
