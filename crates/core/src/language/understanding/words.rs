//! From text to features: words, their folded forms, stems and character n-grams.
//!
//! Every step is bounded: at most [`MAX_TOKENS`] words are read and each is cut to
//! [`MAX_WORD_CHARS`] characters, so a 4,000-character word or a wall of emoji costs about what
//! a normal question does.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::model::locale::Locale;
use crate::model::text::fnv1a;

/// Longer inputs are read only this far: questions are short (the development sets' longest
/// has 19 words), and time must stay bounded.
pub(crate) const MAX_TOKENS: usize = 24;
/// Words are cut to this length: no real word is longer, and n-grams grow with length.
pub(crate) const MAX_WORD_CHARS: usize = 32;
/// Only this much of a text is read: room for [`MAX_TOKENS`] words of ordinary length, and a
/// bound on the scan when there are no words at all (4,096 emoji).
pub(crate) const MAX_READ_CHARS: usize = 400;
/// Character n-grams of these lengths: short enough to survive inflection and typos, long
/// enough to tell words apart.
const NGRAMS: std::ops::RangeInclusive<usize> = 3..=5;

/// A hashed feature. Words and n-grams hash into separate spaces (the kind byte).
pub(crate) type Feature = u32;

/// Lowercase words. An apostrophe after a short elided word splits it off (l'ECA → l, eca;
/// dell'Italia → dell, italia; qu'est → qu, est); other apostrophes are dropped (don't → dont,
/// ECCP's → eccps, we're → were).
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    prefix(text, MAX_READ_CHARS)
        .split(|c: char| !is_word_char(c))
        .flat_map(split_elision)
        .map(|w| w.trim_matches(['\'', '’']))
        .filter(|w| w.chars().nth(1).is_some())
        .take(MAX_TOKENS)
        .map(|w| {
            w.chars()
                .filter(|c| !matches!(c, '\'' | '’'))
                .take(MAX_WORD_CHARS)
                .flat_map(char::to_lowercase)
                .collect()
        })
}

/// Longest elided word before an apostrophe (Italian "dell'", "sull'").
const MAX_ELIDED: usize = 4;
/// Shortest word after an apostrophe that is split off: English contractions ("n't", "'s",
/// "'re", "'ve", "'ll") are shorter and stay joined.
const MIN_AFTER_ELISION: usize = 3;

/// Splits a word at an apostrophe that follows an elided article or pronoun.
fn split_elision(word: &str) -> impl Iterator<Item = &str> {
    let at = word.char_indices().find(|(_, c)| matches!(c, '\'' | '’'));
    let split = at.and_then(|(i, c)| {
        let (before, after) = (&word[..i], &word[i + c.len_utf8()..]);
        let elided = (1..=MAX_ELIDED).contains(&before.chars().count());
        (elided && after.chars().count() >= MIN_AFTER_ELISION).then_some((before, after))
    });
    match split {
        Some((before, after)) => [Some(before), Some(after)],
        None => [Some(word), None],
    }
    .into_iter()
    .flatten()
}

/// The first `chars` characters of `text`.
pub(crate) fn prefix(text: &str, chars: usize) -> &str {
    let end = text
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Letters, digits and apostrophes. Emoji and other symbols past U+1F000 are not looked up in
/// the Unicode tables (the slow path, ten times a letter's cost): none of them is a letter.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '\''
    } else {
        c == '’' || (u32::from(c) < 0x1_F000 && c.is_alphanumeric())
    }
}

/// The word without diacritics, as people type on a phone without the right keyboard
/// (jäsen → jasen, člen → clen, Ελλάδα → ελλαδα). Letters that are not a base letter plus a mark
/// get their usual spelling out (ß → ss, ø → o, ł → l).
pub(crate) fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            'ı' => out.push('i'),
            'ς' => out.push('σ'),
            _ => out.push(c),
        }
    }
    out
}

/// The Snowball stemmer of a language, where Snowball has one.
pub(crate) fn stemmer_for(locale: Locale) -> Option<Stemmer> {
    let algorithm = match locale.as_str() {
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "sv" => Algorithm::Swedish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Hashes features are keyed by are already uniform: maps keyed by them skip rehashing.
#[derive(Default, Clone, Copy)]
pub(crate) struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    fn write_u32(&mut self, n: u32) {
        // Spread the 32 bits over the 64 the table takes its bucket and tag bits from.
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A map keyed by a feature or another precomputed hash.
pub(crate) type FeatureMap<V> =
    std::collections::HashMap<u32, V, std::hash::BuildHasherDefault<Prehashed>>;
/// A set of features or other precomputed hashes.
pub(crate) type FeatureSet =
    std::collections::HashSet<u32, std::hash::BuildHasherDefault<Prehashed>>;

/// The key of a word in a vocabulary: folded, so "jasen" is as familiar as "jäsen".
pub(crate) fn surface(word: &str) -> u32 {
    plain_hash(&fold(word))
}

/// A 32-bit hash of a string as it is.
pub(crate) fn plain_hash(text: &str) -> u32 {
    let h = fnv1a(text.as_bytes());
    (h ^ (h >> 32)) as u32
}

fn hash(kind: u8, text: &str) -> Feature {
    let h = fnv1a(text.as_bytes()) ^ u64::from(kind).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    // Fold the 64 bits into 32: a few tens of thousands of features per language rarely collide.
    (h ^ (h >> 32)) as u32
}

const WORD: u8 = 1;
const NGRAM: u8 = 2;
const PLACE: u8 = 3;

/// The word feature of a stem (folded, so a missing diacritic still matches).
pub(crate) fn word_feature(stem: &str) -> Feature {
    hash(WORD, &fold(stem))
}

/// The feature standing for "a country is named here" (`None`) or for one country.
pub(crate) fn place_feature(country: Option<&str>) -> Feature {
    hash(PLACE, country.unwrap_or(""))
}

/// Character n-grams of a folded word with its boundaries (`<klusteri>`): they carry inflected
/// forms, compounds and typos to the words they share most of their letters with.
pub(crate) fn ngram_features(folded: &str, out: &mut Vec<Feature>) {
    let chars: Vec<char> = std::iter::once('<')
        .chain(folded.chars())
        .chain(std::iter::once('>'))
        .collect();
    let mut gram = String::new();
    for n in NGRAMS {
        for window in chars.windows(n) {
            gram.clear();
            gram.extend(window);
            out.push(hash(NGRAM, &gram));
        }
    }
}

/// The word with each one of its letters left out: a word and a typo of it share one.
pub(crate) fn deletion_variants(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len()).map(move |skip| {
        chars
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, c)| c)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_apostrophes() {
        let t: Vec<String> = tokens("Do's and DON'T, ECCP’s ECA:n 'quoted' x").collect();
        assert_eq!(t, ["dos", "and", "dont", "eccps", "eca", "quoted"]);
    }

    #[test]
    fn elisions_split_and_contractions_stay() {
        let t: Vec<String> = tokens("l'ECA dell’Italia qu'est don't ECCP's we're I'm").collect();
        assert_eq!(
            t,
            [
                "eca", "dell", "italia", "qu", "est", "dont", "eccps", "were", "im"
            ]
        );
    }

    #[test]
    fn tokens_are_bounded() {
        let long = "a".repeat(4000);
        let t: Vec<String> = tokens(&long).collect();
        assert_eq!(t, ["a".repeat(MAX_WORD_CHARS)]);
        let many = "ab ".repeat(1000);
        assert_eq!(tokens(&many).count(), MAX_TOKENS);
        let late = format!("{}word", "🎉".repeat(MAX_READ_CHARS));
        assert_eq!(tokens(&late).count(), 0, "read only so far");
    }

    #[test]
    fn folding_drops_diacritics() {
        assert_eq!(fold("jäsenyys"), "jasenyys");
        assert_eq!(fold("člen"), "clen");
        assert_eq!(fold("straße"), "strasse");
        assert_eq!(fold("ελλάδα"), "ελλαδα");
        assert_eq!(fold("łódź"), "lodz");
        assert_eq!(fold("ş"), fold("ș"));
    }
}
