//! A chat's settings: `/language`, `/remind`, `/timezone`, `/quiet`.

use crate::conversation::Bot;
use crate::conversation::Request;
use crate::conversation::echo;
use crate::language::catalog::Args;
use crate::model::call::LeadTimes;
use crate::model::call::QuietHours;
use crate::model::call::Zone;
use crate::model::locale::Locale;
use crate::model::locale::negotiate;
use crate::model::markup::Rich;
use crate::model::markup::escape;
use crate::model::reply::Action;
use crate::model::reply::Button;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::ports::StoreError;

impl Bot {
    pub(super) async fn language(
        &self,
        request: &Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Response {
        let cat = self.cat();
        let Some(code) = arg else {
            let args = Args::new()
                .markup("language", cat.get(locale, "language-name"))
                .markup("languages", self.language_list(locale));
            let body = Rich::parse(&cat.msg(locale, "language-current", &args));
            return self.say(
                locale,
                None,
                Reply::new(body).with_buttons(self.language_buttons()),
            );
        };
        let auto = code.trim().eq_ignore_ascii_case("auto");
        let chosen = match Locale::parse(&code) {
            _ if auto => None,
            Ok(l) if cat.supports(l) => Some(l),
            _ => {
                let args = Args::new()
                    .data("code", &echo(&code))
                    .markup("languages", self.language_list(locale));
                return self.say(
                    locale,
                    None,
                    Reply::new(Rich::parse(&cat.msg(locale, "language-unknown", &args))),
                );
            }
        };
        if let Err(error) = self.chats.set_chat_locale(&request.chat, chosen).await {
            tracing::error!(chat = %request.chat, error = %error, source = ?std::error::Error::source(&error), "could not save the chat's language");
            return self.say(
                locale,
                None,
                Reply::new(Rich::parse(&cat.get(locale, "store-error"))),
            );
        }
        match chosen {
            Some(new) => self.say(
                new,
                None,
                Reply::new(Rich::parse(&cat.get(new, "language-set"))),
            ),
            None => {
                let now = negotiate(
                    cat.locales(),
                    None,
                    request.locale_hint.as_deref(),
                    self.default_locale,
                );
                let args = Args::new().markup("language", cat.get(now, "language-name"));
                self.say(
                    now,
                    None,
                    Reply::new(Rich::parse(&cat.msg(now, "language-auto", &args))),
                )
            }
        }
    }

    /// One button per language, labelled with the language's own name.
    pub(super) fn language_buttons(&self) -> Vec<Button> {
        let cat = self.cat();
        cat.locales()
            .iter()
            .map(|l| Button {
                label: cat.get(*l, "language-name"),
                action: Action::Language(*l),
            })
            .collect()
    }

    /// Every language's own name, joined the locale's way: "English and suomi".
    pub(super) fn language_list(&self, locale: Locale) -> String {
        let cat = self.cat();
        let names: Vec<String> = cat
            .locales()
            .iter()
            .map(|l| cat.get(*l, "language-name"))
            .collect();
        self.join_list(locale, &names)
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
                let prefs = self.chats.chat_prefs(chat).await?;
                let args = Args::new().markup("leads", self.leads_text(locale, &prefs.leads()));
                self.message(locale, "remind-current", &args)
            }
            Some(a) if matches!(a.to_lowercase().as_str(), "default" | "reset" | "oletus") => {
                self.chats.set_chat_leads(chat, None).await?;
                let args =
                    Args::new().markup("leads", self.leads_text(locale, &LeadTimes::standard()));
                self.message(locale, "remind-set", &args)
            }
            Some(a) => match LeadTimes::parse(a) {
                Ok(leads) => {
                    self.chats.set_chat_leads(chat, Some(leads.clone())).await?;
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
                let zone = self.chats.chat_prefs(chat).await?.zone();
                let args = Args::new()
                    .data("zone", zone.name())
                    .markup("now", self.datetime_in(locale, zone, now));
                self.message(locale, "timezone-current", &args)
            }
            Some(a) => match Zone::parse(a) {
                Ok(zone) => {
                    self.chats.set_chat_zone(chat, Some(zone)).await?;
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
                        .markup("suggestions", self.cat().alternatives(locale, &names));
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
            None => match self.chats.chat_prefs(chat).await?.quiet {
                Some(q) => {
                    let args = Args::new().markup("quiet", self.quiet_text(locale, q));
                    self.message(locale, "quiet-current", &args)
                }
                None => self.message(locale, "quiet-current-none", &Args::new()),
            },
            Some(a) if matches!(a.to_lowercase().as_str(), "off" | "pois" | "none") => {
                self.chats.set_chat_quiet(chat, None).await?;
                self.message(locale, "quiet-off", &Args::new())
            }
            Some(a) => match QuietHours::parse(a) {
                Ok(q) => {
                    self.chats.set_chat_quiet(chat, Some(q)).await?;
                    self.remember_locale(request, locale).await?;
                    let zone = self.chats.chat_prefs(chat).await?.zone();
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
}
