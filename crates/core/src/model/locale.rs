//! Languages: a parsed [`Locale`] and the negotiation rule every front end shares.

use std::{fmt, str::FromStr};

use unic_langid::LanguageIdentifier;

/// A language the bot may answer in, reduced to its language subtag: `fi-FI` and `fi` are the same
/// locale, because the bot has no regional variants and a region must never make it fall back to English.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Locale {
    code: [u8; 3],
    len: u8,
}

/// A text that is not a BCP 47 language tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a language tag")]
pub struct LocaleError(pub String);

impl Locale {
    /// English, the language of last resort.
    pub const ENGLISH: Locale = Locale {
        code: *b"en\0",
        len: 2,
    };

    /// Parses a BCP 47 tag (`fi`, `fi-FI`, `en_GB`, `pt-BR`), keeping only its language.
    pub fn parse(tag: &str) -> Result<Locale, LocaleError> {
        let cleaned = tag.trim().replace('_', "-");
        let id: LanguageIdentifier = cleaned
            .parse()
            .map_err(|_| LocaleError(tag.chars().take(32).collect()))?;
        let lang = id.language.as_str().as_bytes();
        if id.language.is_empty() || lang.len() > 3 {
            return Err(LocaleError(tag.chars().take(32).collect()));
        }
        let mut code = [0u8; 3];
        code[..lang.len()].copy_from_slice(lang);
        Ok(Locale {
            code,
            len: lang.len() as u8,
        })
    }

    /// The language subtag, e.g. `"fi"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.code[..self.len as usize]).expect("ASCII by construction")
    }

    pub(crate) fn langid(&self) -> LanguageIdentifier {
        self.as_str().parse().expect("validated at parse time")
    }
}

impl FromStr for Locale {
    type Err = LocaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::parse(s)
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Locale({})", self.as_str())
    }
}

impl serde::Serialize for Locale {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Locale {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Locale::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Picks the reply language: the chat's explicit choice beats the platform's hint (e.g. Telegram's
/// `language_code`, Discord's interaction locale), which beats the operator's default. Only
/// supported locales are ever returned.
pub fn negotiate(
    supported: &[Locale],
    explicit: Option<Locale>,
    hint: Option<&str>,
    default: Locale,
) -> Locale {
    let supported_or_none = |l: Locale| supported.contains(&l).then_some(l);
    explicit
        .and_then(supported_or_none)
        .or_else(|| {
            hint.and_then(|h| Locale::parse(h).ok())
                .and_then(supported_or_none)
        })
        .or_else(|| supported_or_none(default))
        .unwrap_or(Locale::ENGLISH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Locale {
        Locale::parse(s).unwrap()
    }

    #[test]
    fn regions_map_to_their_language() {
        for (tag, lang) in [
            ("fi-FI", "fi"),
            ("en-GB", "en"),
            ("en_US", "en"),
            ("pt-BR", "pt"),
            (" FI ", "fi"),
        ] {
            assert_eq!(l(tag).as_str(), lang, "{tag}");
        }
        assert!(Locale::parse("").is_err());
        assert!(Locale::parse("not a tag!").is_err());
    }

    #[test]
    fn explicit_beats_hint_beats_default() {
        let sup = [l("en"), l("fi")];
        assert_eq!(
            negotiate(&sup, Some(l("fi")), Some("en-US"), l("en")),
            l("fi")
        );
        assert_eq!(negotiate(&sup, None, Some("fi-FI"), l("en")), l("fi"));
        assert_eq!(negotiate(&sup, None, Some("de-DE"), l("fi")), l("fi"));
        assert_eq!(negotiate(&sup, None, Some("garbage!!"), l("en")), l("en"));
        assert_eq!(negotiate(&sup, Some(l("de")), None, l("en")), l("en"));
        assert_eq!(negotiate(&sup, None, None, l("sv")), Locale::ENGLISH);
    }
}
