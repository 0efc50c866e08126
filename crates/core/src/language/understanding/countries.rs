//! Country names in every language the bot speaks, as written, inflected or with one typo.

use std::collections::HashMap;

use rust_stemmers::Stemmer;

use crate::language::understanding::words::deletion_variants;
use crate::model::topic::CountryCode;

/// Shortest and longest country word matched with a typo.
const MIN_COUNTRY_TYPO_LEN: usize = 7;
const MAX_COUNTRY_TYPO_LEN: usize = 16;

/// Country words of every locale, matched as written or by any locale's stem of them, so
/// inflected forms (espanjaksi, Puolan) are found without listing each.
#[derive(Default)]
pub(crate) struct Gazetteer {
    words: HashMap<String, CountryCode>,
    stems: HashMap<String, CountryCode>,
    /// Long country words and their one-letter deletions, for one-typo matches.
    deletions: HashMap<String, CountryCode>,
    stemmers: Vec<Stemmer>,
}

impl Gazetteer {
    pub(crate) fn find(&self, word: &str) -> Option<CountryCode> {
        if let Some(c) = self.words.get(word) {
            return Some(*c);
        }
        if let Some(c) = self
            .stemmers
            .iter()
            .find_map(|s| self.stems.get(s.stem(word).as_ref()))
        {
            return Some(*c);
        }
        // One typo in a long country word (suomalasiet): the word and the country word share
        // a one-letter deletion (symmetric delete), confirmed by an exact edit-distance check.
        // Words are at most MAX_WORD_CHARS long, so this stays cheap.
        let length = word.chars().count();
        if (MIN_COUNTRY_TYPO_LEN..=MAX_COUNTRY_TYPO_LEN).contains(&length) {
            for variant in std::iter::once(word.to_owned()).chain(deletion_variants(word)) {
                if let Some(code) = self.deletions.get(&variant) {
                    let confirmed = self.words.iter().any(|(known, c)| {
                        c == code && crate::model::text::within_one_edit(word, known)
                    });
                    if confirmed {
                        return Some(*code);
                    }
                }
            }
        }
        None
    }

    /// Adds a country word, and its stem when the stem is long enough to trust.
    pub(crate) fn insert(&mut self, word: String, stem: Option<String>, code: CountryCode) {
        if let Some(stem) = stem.filter(|s| s.chars().count() >= 4) {
            self.stems.insert(stem, code);
        }
        if word.chars().count() >= MIN_COUNTRY_TYPO_LEN {
            for variant in std::iter::once(word.clone()).chain(deletion_variants(&word)) {
                self.deletions.insert(variant, code);
            }
        }
        self.words.insert(word, code);
    }

    pub(crate) fn add_stemmer(&mut self, stemmer: Stemmer) {
        self.stemmers.push(stemmer);
    }
}
