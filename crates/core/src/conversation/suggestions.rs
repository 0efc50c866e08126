//! Suggestions for a command's argument while the user types it (Discord's autocomplete; any
//! front end with completion can use them). What is worth suggesting is the core's business:
//! which calls are still open, which countries the alliance knows, what a chat subscribes to.

use crate::conversation::Bot;
use crate::model::call::Target;
use crate::model::call::Zone;
use crate::model::chat::ChatRef;
use crate::model::locale::Locale;
use crate::model::topic::TopicId;
use crate::ports::StoreError;

/// What kind of value an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggest {
    /// A country, by its name in the user's language (`/members country:`).
    Country,
    /// A call or event whose deadline is still ahead (`/subscribe call:`).
    OpenCall,
    /// One of the chat's own subscriptions (`/unsubscribe call:`).
    Subscription,
    /// An IANA time zone (`/timezone zone:`).
    Zone,
    /// A language of the catalog, or `auto` (`/language language:`).
    Language,
}

/// One suggestion: what the user sees, and what is filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub label: String,
    pub value: String,
}

impl Suggestion {
    fn new(label: impl Into<String>, value: impl Into<String>) -> Suggestion {
        Suggestion {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// Matching ignores case.
fn key(text: &str) -> String {
    text.to_lowercase()
}

/// Whether what the user typed so far matches `label` or `value`: a prefix of either, or of
/// any word of the label (`hels` finds `Europe/Helsinki`).
fn matches(typed: &str, label: &str, value: &str) -> bool {
    if typed.is_empty() {
        return true;
    }
    let (label, value) = (key(label), key(value));
    label.starts_with(typed)
        || value.starts_with(typed)
        || label
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word.starts_with(typed))
        || value.contains(typed)
}

impl Bot {
    /// Up to `max` suggestions for an argument of kind `what`, for what the user typed so far,
    /// in the chat's language. Storage trouble gives an error: the front end then shows none.
    pub async fn suggest(
        &self,
        chat: &ChatRef,
        hint: Option<&str>,
        what: Suggest,
        typed: &str,
        max: usize,
    ) -> Result<Vec<Suggestion>, StoreError> {
        let locale = self.locale_for(chat, hint).await;
        let typed = key(typed.trim());
        let all = match what {
            Suggest::Country => self.country_suggestions(locale),
            Suggest::OpenCall => self.open_call_suggestions(locale).await?,
            Suggest::Subscription => self.subscription_suggestions(chat, locale).await?,
            Suggest::Zone => zone_suggestions(),
            Suggest::Language => self.language_suggestions(locale),
        };
        Ok(all
            .into_iter()
            .filter(|s| matches(&typed, &s.label, &s.value))
            .take(max)
            .collect())
    }

    /// Countries with a member first (they have an answer), then the others, each group by
    /// name.
    fn country_suggestions(&self, locale: Locale) -> Vec<Suggestion> {
        let cat = self.cat();
        let members = &self.knowledge.members;
        let mut countries: Vec<(bool, String)> = self
            .knowledge
            .countries
            .iter()
            .map(|c| {
                (
                    members.in_country(*c).is_empty(),
                    cat.get(locale, &c.message_id()),
                )
            })
            .collect();
        countries.sort();
        countries
            .into_iter()
            .map(|(_, name)| Suggestion::new(name.clone(), name))
            .collect()
    }

    async fn open_call_suggestions(&self, locale: Locale) -> Result<Vec<Suggestion>, StoreError> {
        let calls = self.store.calls_after(self.clock.now()).await?;
        Ok(calls
            .iter()
            .map(|call| {
                let label = format!(
                    "{} · {}",
                    call.title(locale),
                    self.cat()
                        .date(locale, call.zone.local(call.deadline).date_naive())
                );
                Suggestion::new(label, call.id.as_str())
            })
            .collect())
    }

    async fn subscription_suggestions(
        &self,
        chat: &ChatRef,
        locale: Locale,
    ) -> Result<Vec<Suggestion>, StoreError> {
        let cat = self.cat();
        let mut out = Vec::new();
        for subscription in self.store.subscriptions(chat).await? {
            out.push(match &subscription.target {
                Target::All => Suggestion::new(cat.get(locale, "target-all"), "all"),
                Target::Call(id) => {
                    let title = match self.store.call(id).await? {
                        Some(call) => call.title(locale).to_owned(),
                        None => id.to_string(),
                    };
                    Suggestion::new(title, id.as_str())
                }
                Target::Topic(topic) => topic_suggestion(self, locale, *topic),
            });
        }
        Ok(out)
    }

    /// Each language by its own name, then "follow my app's language".
    fn language_suggestions(&self, locale: Locale) -> Vec<Suggestion> {
        let cat = self.cat();
        let mut out: Vec<Suggestion> = cat
            .locales()
            .iter()
            .map(|l| Suggestion::new(cat.get(*l, "language-name"), l.as_str()))
            .collect();
        out.push(Suggestion::new(
            cat.get(locale, "language-follow-app"),
            "auto",
        ));
        out
    }
}

fn topic_suggestion(bot: &Bot, locale: Locale, topic: TopicId) -> Suggestion {
    Suggestion::new(bot.cat().get(locale, &topic.title_id()), topic.as_str())
}

/// European zones first (the alliance's members), then every other, by name.
fn zone_suggestions() -> Vec<Suggestion> {
    let mut names: Vec<&'static str> = Zone::names().collect();
    names.sort_by_key(|name| (!name.starts_with("Europe/"), *name));
    names
        .into_iter()
        .map(|name| Suggestion::new(name, name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_takes_prefixes_of_words() {
        assert!(matches("hels", "Europe/Helsinki", "Europe/Helsinki"));
        assert!(matches("europe/hel", "Europe/Helsinki", "Europe/Helsinki"));
        assert!(matches("pol", "Poland", "Poland"));
        assert!(matches("", "anything", "x"));
        assert!(!matches("xyz", "Poland", "Poland"));
        assert!(matches(
            "cba",
            "Cluster Booster Academy · 1 May",
            "cba-2026"
        ));
    }
}
