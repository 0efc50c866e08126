//! Answers about the alliance: a topic's text, the members of a country, the topic buttons.

use super::capitalize_first;
use crate::conversation::Bot;
use crate::language::catalog::Args;
use crate::model::locale::Locale;
use crate::model::markup::Rich;
use crate::model::reply::Action;
use crate::model::reply::Button;
use crate::model::reply::Reply;
use crate::model::topic::CountryCode;
use crate::model::topic::TopicId;

impl Bot {
    /// The answer for a topic, with country details where the topic has them.
    pub fn topic_reply(
        &self,
        locale: Locale,
        topic: TopicId,
        country: Option<CountryCode>,
    ) -> Reply {
        let cat = self.cat();
        let members = &self.knowledge.members;
        let mut body = match (topic.as_str(), country) {
            ("members", Some(code)) => Rich::parse(&self.members_in(locale, code)),
            _ => Rich::parse(&cat.get(locale, &topic.body_id())),
        };
        match (topic.as_str(), country) {
            ("members", None) => {
                let args = Args::new().data("as_of", &members.as_of);
                let mut list = cat.msg(locale, "members-list-heading", &args);
                list.push_str("\n\n");
                for code in members.countries() {
                    let names = members
                        .in_country(code)
                        .iter()
                        .map(|n| crate::model::markup::escape(n))
                        .collect::<Vec<_>>();
                    list.push_str(&format!(
                        "- {}: {}\n",
                        crate::model::markup::escape(&self.country_name(locale, code)),
                        self.join_list(locale, &names)
                    ));
                }
                body.append(Rich::parse(&list));
            }
            ("join", Some(code)) if !members.in_country(code).is_empty() => {
                let names: Vec<String> = members
                    .in_country(code)
                    .iter()
                    .map(|n| crate::model::markup::escape(n))
                    .collect();
                let args = Args::new()
                    .markup(
                        "country_in",
                        capitalize_first(&self.country_in(locale, code)),
                    )
                    .markup("associations", self.join_list(locale, &names));
                body.append(Rich::parse(&cat.msg(locale, "join-country-member", &args)));
            }
            _ => {}
        }
        Reply::new(body).with_buttons(vec![self.topics_button(locale)])
    }

    pub(super) fn members_in(&self, locale: Locale, code: CountryCode) -> String {
        let cat = self.cat();
        let members = &self.knowledge.members;
        let found = members.in_country(code);
        let country_in = self.country_in(locale, code);
        if found.is_empty() {
            let args = Args::new()
                .markup("country_in", country_in)
                .data("as_of", &members.as_of);
            let text = cat.msg(locale, "members-none-in-country", &args);
            return capitalize_first(&text);
        }
        // A single name is emphasised by the message itself; several are emphasised here.
        let associations = match found {
            [one] => crate::model::markup::escape(one),
            _ => {
                let names: Vec<String> = found
                    .iter()
                    .map(|n| format!("**{}**", crate::model::markup::escape(n)))
                    .collect();
                self.join_list(locale, &names)
            }
        };
        let args = Args::new()
            .number("count", found.len() as f64)
            .markup("country_in", country_in)
            .markup("associations", associations);
        capitalize_first(&cat.msg(locale, "members-in-country", &args))
    }

    pub(super) fn country_name(&self, locale: Locale, code: CountryCode) -> String {
        self.cat().get(locale, &code.message_id())
    }

    pub(super) fn country_in(&self, locale: Locale, code: CountryCode) -> String {
        self.cat()
            .attr(locale, &code.message_id(), "in")
            .unwrap_or_else(|| self.country_name(locale, code))
    }

    pub(super) fn member_country_list(&self, locale: Locale) -> String {
        let names: Vec<String> = self
            .knowledge
            .members
            .countries()
            .map(|c| crate::model::markup::escape(&self.country_name(locale, c)))
            .collect();
        self.join_list(locale, &names)
    }

    pub(crate) fn topic_button(&self, locale: Locale, topic: TopicId) -> Button {
        Button {
            label: self.cat().get(locale, &topic.title_id()),
            action: Action::Topic(topic),
        }
    }

    pub(crate) fn topics_button(&self, locale: Locale) -> Button {
        Button {
            label: self.cat().get(locale, "button-topics"),
            action: Action::Topics,
        }
    }

    /// One button per topic, in menu order.
    pub fn topic_buttons(&self, locale: Locale) -> Vec<Button> {
        TopicId::all()
            .map(|t| self.topic_button(locale, t))
            .collect()
    }
}
