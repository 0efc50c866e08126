//! What a message can be taken for, and what the training wordings are labelled with.

use crate::model::topic::TopicId;

/// Small talk the bot answers in kind instead of with "I don't know".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmallTalk {
    Greeting,
    Thanks,
    Goodbye,
    /// "Who are you?"
    Identity,
    /// "What can you do?"
    Capabilities,
    /// Keyboard mashing and word salad.
    Nonsense,
    Insult,
}

impl SmallTalk {
    pub const ALL: [SmallTalk; 7] = [
        SmallTalk::Greeting,
        SmallTalk::Thanks,
        SmallTalk::Goodbye,
        SmallTalk::Identity,
        SmallTalk::Capabilities,
        SmallTalk::Nonsense,
        SmallTalk::Insult,
    ];

    /// The kind's name in `phrasings.toml` and in message ids (`smalltalk-greeting`).
    pub fn as_str(self) -> &'static str {
        match self {
            SmallTalk::Greeting => "greeting",
            SmallTalk::Thanks => "thanks",
            SmallTalk::Goodbye => "goodbye",
            SmallTalk::Identity => "identity",
            SmallTalk::Capabilities => "capabilities",
            SmallTalk::Nonsense => "nonsense",
            SmallTalk::Insult => "insult",
        }
    }
}

/// What a message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Topic(TopicId),
    SmallTalk(SmallTalk),
    /// Nothing the bot can stand behind: out of scope, or too unlike anything it knows.
    Unknown,
}

/// What the training wordings are labelled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Topic(TopicId),
    SmallTalk(SmallTalk),
    /// Out of scope: about something else that shares the domain's words.
    Elsewhere,
}
