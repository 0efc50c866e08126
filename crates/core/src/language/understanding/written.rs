//! Which language a message is written in.
//!
//! Two witnesses: the bot's own vocabulary per language (the words of its wordings and
//! stopwords), which is sure about in-domain questions in the languages it speaks, and
//! `whatlang`'s trigram profiles of the member countries' languages, which also know the
//! languages the bot does not speak yet. `lingua` was measured and set aside: its models of the
//! 19 languages add about 115 MB to the binary and 70 MB of memory, and take 1–12 ms a question.

use whatlang::Detector;
use whatlang::Lang;

/// The member countries' languages, ISO 639-3 (whatlang) to ISO 639-1 (the bot's locales).
const MEMBER_LANGUAGES: [(Lang, &str); 19] = [
    (Lang::Eng, "en"),
    (Lang::Fin, "fi"),
    (Lang::Bul, "bg"),
    (Lang::Ces, "cs"),
    (Lang::Dan, "da"),
    (Lang::Deu, "de"),
    (Lang::Ell, "el"),
    (Lang::Spa, "es"),
    (Lang::Fra, "fr"),
    (Lang::Hun, "hu"),
    (Lang::Ita, "it"),
    (Lang::Lit, "lt"),
    (Lang::Lav, "lv"),
    (Lang::Pol, "pl"),
    (Lang::Por, "pt"),
    (Lang::Ron, "ro"),
    (Lang::Slk, "sk"),
    (Lang::Swe, "sv"),
    (Lang::Ukr, "uk"),
];

/// Below this, whatlang's guess is not trusted (short texts: "hola" scores 0.0005).
const MIN_CONFIDENCE: f64 = 0.5;

/// Trigram language identification over the member countries' languages.
pub(crate) struct Identifier {
    detector: Detector,
}

impl Default for Identifier {
    fn default() -> Self {
        Identifier {
            detector: Detector::with_allowlist(MEMBER_LANGUAGES.iter().map(|(l, _)| *l).collect()),
        }
    }
}

impl Identifier {
    /// The language (ISO 639-1) the text is confidently written in, if any.
    pub(crate) fn identify(&self, text: &str) -> Option<&'static str> {
        let info = self.detector.detect(text)?;
        if !(info.is_reliable() || info.confidence() >= MIN_CONFIDENCE) {
            return None;
        }
        MEMBER_LANGUAGES
            .iter()
            .find(|(l, _)| *l == info.lang())
            .map(|(_, code)| *code)
    }
}
