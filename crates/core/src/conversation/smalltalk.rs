//! Small talk answered in kind: a greeting with a greeting, thanks with "you're welcome", each
//! with what the bot can do and one or two buttons, never the "I don't know" menu.

use crate::conversation::Bot;
use crate::language::understanding::intent::SmallTalk;
use crate::model::locale::Locale;
use crate::model::markup::Rich;
use crate::model::reply::Kind;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::model::topic::TopicId;

impl Bot {
    pub(crate) fn small_talk(&self, locale: Locale, kind: SmallTalk) -> Response {
        let topic = |id: &str| {
            let topic: TopicId = id.parse().expect("a topic id");
            self.topic_button(locale, topic)
        };
        let buttons = match kind {
            SmallTalk::Greeting => vec![topic("about"), topic("join")],
            SmallTalk::Identity => vec![topic("about"), topic("contact")],
            SmallTalk::Capabilities => vec![topic("reminders"), self.topics_button(locale)],
            SmallTalk::Insult => vec![topic("contact"), self.topics_button(locale)],
            SmallTalk::Thanks | SmallTalk::Goodbye | SmallTalk::Nonsense => {
                vec![self.topics_button(locale)]
            }
        };
        let body = Rich::parse(
            &self
                .cat()
                .get(locale, &format!("smalltalk-{}", kind.as_str())),
        );
        let mut response = self.say(locale, None, Reply::new(body).with_buttons(buttons));
        response.kind = Kind::SmallTalk;
        response
    }

    /// A message in a language the bot does not speak, answered in `locale` with the
    /// languages it does speak.
    pub(crate) fn languages_spoken(&self, locale: Locale) -> Response {
        let args =
            crate::language::catalog::Args::new().markup("languages", self.language_list(locale));
        let body = Rich::parse(&self.cat().msg(locale, "languages-spoken", &args));
        self.say(
            locale,
            None,
            Reply::new(body).with_buttons(self.language_buttons()),
        )
    }
}
