//! Understanding free text: which topic is a question about, and does it name a country?
//!
//! Retrieval, not rules: every locale's `phrasings.toml` gives example questions per topic; each
//! topic becomes one BM25 document over Snowball stems. A query is read in the language whose
//! vocabulary explains most of its words, so a Finn typing English is still understood. Typos are
//! bridged by a deletion-neighbourhood index (edit distance one), Finnish inflection that the
//! stemmer leaves by a guarded prefix match. A question is only answered when the best topic
//! explains enough of the query's information (its IDF mass): that is what keeps "what's the
//! weather in Helsinki?" from being answered with a random topic.

use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use crate::language::catalog::Catalog;
use crate::model::locale::Locale;
use crate::model::topic::CountryCode;
use crate::model::topic::TopicId;

/// Pseudo-term added wherever a country is named, so topics asked about per country learn it.
const COUNTRY_TERM: &str = "§country";
const K1: f32 = 1.2;
const B: f32 = 0.5;
/// Weight of a term reached through a typo or an inflection rather than exactly.
const FUZZY_WEIGHT: f32 = 0.75;

/// The thresholds of understanding. The defaults are what the test suite holds the bot to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Unknown words count less than known ones: chat questions carry filler the phrasings lack.
    pub unknown_weight: f32,
    /// Share of the query's information that must be known vocabulary.
    pub min_known: f32,
    /// Share of the known information the best topic must explain.
    pub min_coverage: f32,
    pub min_score: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            unknown_weight: 0.7,
            min_known: 0.45,
            min_coverage: 0.3,
            min_score: 0.5,
        }
    }
}
/// Words in (nearly) every topic still say something about the topic they dominate.
const MIN_IDF: f32 = 0.25;
/// Shortest country word matched with a typo.
const MIN_COUNTRY_TYPO_LEN: usize = 7;
/// Mentions that make a topic about a country (an example naming Poland once does not).
const MIN_COUNTRY_MENTIONS: usize = 3;
/// Unknown words this long count fully against a question.
const LONG_WORD: usize = 9;
/// Shortest word matched with a typo; shorter ones collide with real words (vitsi/visio).
const MIN_FUZZY_LEN: usize = 6;
/// Shortest part of a split compound (klusteri|politiikan).
const MIN_COMPOUND_PART: usize = 4;
/// Runner-up within this ratio of the best is offered as "did you mean".
const CLOSE_RATIO: f32 = 0.8;
/// Longer inputs are read only this far: questions are short, and time must stay bounded.
const MAX_TOKENS: usize = 48;

/// A word read as a known term: (term, weight, IDF).
pub type TermReading = (String, f32, f32);

/// What a question is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Understanding {
    /// The best topic, when the bot is confident enough to answer.
    pub topic: Option<TopicId>,
    /// A close second, offered as an alternative.
    pub also: Option<TopicId>,
    /// A country named in the question.
    pub country: Option<CountryCode>,
    /// The language the question appears to be written in.
    pub language: Locale,
    /// Best score, the share of the known information it explains, and the share of the query's
    /// information that is known vocabulary: for diagnostics and tuning.
    pub score: f32,
    pub coverage: f32,
    pub known: f32,
}

#[derive(Debug, thiserror::Error)]
pub enum NluError {
    #[error("locales/{0}/phrasings.toml: {1}")]
    Phrasings(Locale, String),
    #[error("locales/{0}/phrasings.toml has no phrasings")]
    Empty(Locale),
}

#[derive(serde::Deserialize)]
struct PhrasingsFile {
    #[serde(default)]
    stopwords: Vec<String>,
    topics: HashMap<String, Vec<String>>,
}

/// Postings of one term: which topics contain it, how often.
struct Term {
    idf: f32,
    postings: Vec<(TopicId, f32)>,
}

struct Index {
    locale: Locale,
    stemmer: Option<Stemmer>,
    stopwords: HashSet<String>,
    terms: HashMap<String, Term>,
    /// Deletion variants (and the words themselves) of known words → the stems they lead to.
    deletions: HashMap<String, Vec<String>>,
    doc_len: HashMap<TopicId, f32>,
    /// Topics about one country (finnish-clusters): their phrasings name that country only.
    country_topics: HashMap<TopicId, CountryCode>,
    avg_len: f32,
    unknown_idf: f32,
}

/// The matcher for every locale of a catalog. Built once; classification only reads.
pub struct Matcher {
    indexes: Vec<Index>,
    countries: Gazetteer,
    tuning: Tuning,
}

/// Country words of every locale, matched as written or by any locale's stem of them, so
/// inflected forms (espanjaksi, Puolan) are found without listing each.
#[derive(Default)]
struct Gazetteer {
    words: HashMap<String, CountryCode>,
    stems: HashMap<String, CountryCode>,
    /// Long country words and their one-letter deletions, for one-typo matches.
    deletions: HashMap<String, CountryCode>,
    stemmers: Vec<Stemmer>,
}

impl Gazetteer {
    fn find(&self, word: &str) -> Option<CountryCode> {
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
        if word.chars().count() >= MIN_COUNTRY_TYPO_LEN {
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

    fn insert(&mut self, word: String, code: CountryCode) {
        if word.chars().count() >= MIN_COUNTRY_TYPO_LEN {
            for variant in std::iter::once(word.clone()).chain(deletion_variants(&word)) {
                self.deletions.insert(variant, code);
            }
        }
        self.words.insert(word, code);
    }
}

/// Lowercase words; apostrophes inside words are dropped (don't → dont, ECCP's → eccps).
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(['\'', '’']))
        .filter(|w| w.chars().count() > 1)
        .map(|w| w.replace(['\'', '’'], "").to_lowercase())
        .take(MAX_TOKENS)
}

fn stemmer_for(locale: Locale) -> Option<Stemmer> {
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
        "nl" => Algorithm::Dutch,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "sv" => Algorithm::Swedish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

fn deletion_variants(word: &str) -> impl Iterator<Item = String> + '_ {
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

impl Index {
    fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(word).into_owned(),
            None => word.to_owned(),
        }
    }

    fn build(
        locale: Locale,
        file: PhrasingsFile,
        countries: &Gazetteer,
    ) -> Result<Index, NluError> {
        let mut index = Index {
            locale,
            stemmer: stemmer_for(locale),
            stopwords: file.stopwords.iter().map(|w| w.to_lowercase()).collect(),
            terms: HashMap::new(),
            deletions: HashMap::new(),
            doc_len: HashMap::new(),
            country_topics: HashMap::new(),
            avg_len: 1.0,
            unknown_idf: 1.0,
        };
        let mut tf: HashMap<String, HashMap<TopicId, f32>> = HashMap::new();
        let mut named: HashMap<TopicId, HashMap<CountryCode, usize>> = HashMap::new();
        for (id, phrasings) in &file.topics {
            let topic: TopicId = id
                .parse()
                .map_err(|e| NluError::Phrasings(locale, format!("{e}")))?;
            for phrasing in phrasings {
                for word in tokens(phrasing) {
                    if index.stopwords.contains(&word) {
                        continue;
                    }
                    let stem = index.stem(&word);
                    if let Some(code) = countries.find(&word) {
                        *tf.entry(COUNTRY_TERM.into())
                            .or_default()
                            .entry(topic)
                            .or_default() += 1.0;
                        *named.entry(topic).or_default().entry(code).or_default() += 1;
                    }
                    for variant in std::iter::once(word.clone()).chain(deletion_variants(&word)) {
                        if word.chars().count() >= 4 {
                            let stems = index.deletions.entry(variant).or_default();
                            if !stems.contains(&stem) {
                                stems.push(stem.clone());
                            }
                        }
                    }
                    *tf.entry(stem).or_default().entry(topic).or_default() += 1.0;
                    *index.doc_len.entry(topic).or_default() += 1.0;
                }
            }
        }
        index.country_topics = named
            .into_iter()
            .filter(|(_, codes)| codes.len() == 1)
            .filter_map(|(topic, codes)| codes.into_iter().next().map(|c| (topic, c)))
            .filter(|(_, (_, mentions))| *mentions >= MIN_COUNTRY_MENTIONS)
            .map(|(topic, (code, _))| (topic, code))
            .collect();
        if index.doc_len.is_empty() {
            return Err(NluError::Empty(locale));
        }
        let n = TopicId::all().len() as f32;
        index.avg_len = index.doc_len.values().sum::<f32>() / index.doc_len.len() as f32;
        index.unknown_idf = (1.0 + (n + 0.5) / 0.5).ln();
        for (stem, per_topic) in tf {
            let df = per_topic.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut postings: Vec<_> = per_topic.into_iter().collect();
            postings.sort_by_key(|(t, _)| *t);
            index.terms.insert(stem, Term { idf, postings });
        }
        Ok(index)
    }

    /// Resolves a query word to known terms with a weight: exactly, through its stem, a typo,
    /// an inflection the stemmer left, or as a compound of known words. Empty when unknown.
    fn resolve(&self, word: &str) -> Vec<(String, f32)> {
        if let Some(term) = self.exact(word) {
            return vec![(term, 1.0)];
        }
        let chars: Vec<char> = word.chars().collect();
        let len = chars.len();
        if len >= MIN_FUZZY_LEN {
            let mut best: Option<&String> = None;
            for variant in std::iter::once(word.to_owned()).chain(deletion_variants(word)) {
                for s in self.deletions.get(&variant).into_iter().flatten() {
                    if best.is_none_or(|b| self.terms[s].idf > self.terms[b].idf) {
                        best = Some(s);
                    }
                }
            }
            if let Some(s) = best {
                return vec![(s.clone(), FUZZY_WEIGHT)];
            }
        }
        if len >= 5 {
            // Inflected forms the stemmer did not reduce: the longest known stem that starts the
            // word and leaves at most a case ending (four letters) behind.
            for cut in (4.max(len.saturating_sub(4))..len).rev() {
                let prefix: String = chars[..cut].iter().collect();
                if self.terms.contains_key(&prefix) {
                    return vec![(prefix, FUZZY_WEIGHT)];
                }
            }
        }
        // Compounds (klusteripolitiikan = klusteri + politiikan): the split whose two known
        // parts carry the most information.
        let mut best: Option<(f32, String, String)> = None;
        for cut in MIN_COMPOUND_PART..=len.saturating_sub(MIN_COMPOUND_PART) {
            let head: String = chars[..cut].iter().collect();
            let tail: String = chars[cut..].iter().collect();
            if let (Some(h), Some(t)) = (
                self.exact(&head).or_else(|| self.known_prefix(&head)),
                self.exact(&tail).or_else(|| self.known_prefix(&tail)),
            ) {
                let info = self.terms[&h].idf + self.terms[&t].idf;
                if best.as_ref().is_none_or(|(b, _, _)| info > *b) {
                    best = Some((info, h, t));
                }
            }
        }
        match best {
            Some((_, h, t)) => vec![(h, FUZZY_WEIGHT), (t, FUZZY_WEIGHT)],
            None => Vec::new(),
        }
    }

    fn exact(&self, word: &str) -> Option<String> {
        let stem = self.stem(word);
        if self.terms.contains_key(&stem) {
            return Some(stem);
        }
        self.terms.contains_key(word).then(|| word.to_owned())
    }

    /// A known stem that is the word less a short ending (for compound parts).
    fn known_prefix(&self, word: &str) -> Option<String> {
        let chars: Vec<char> = word.chars().collect();
        let len = chars.len();
        (MIN_COMPOUND_PART.max(len.saturating_sub(3))..len)
            .rev()
            .map(|cut| chars[..cut].iter().collect::<String>())
            .find(|p| self.terms.contains_key(p))
    }

    /// How much of `words` this language explains (stopwords count): picks the query language.
    fn familiarity(&self, words: &[String]) -> usize {
        words
            .iter()
            .filter(|w| self.stopwords.contains(*w) || self.terms.contains_key(&self.stem(w)))
            .count()
    }

    /// Ranks topics for `words`. Also returns the information (summed IDF) of the known and
    /// the unknown words; country names count in neither, so a question is never accepted on the
    /// strength of a country alone ("what's the capital of Poland?").
    fn score(
        &self,
        words: &[String],
        countries: &[Option<CountryCode>],
        tuning: &Tuning,
    ) -> Scores {
        // (term, weight, the country it names): country words rank topics but count as
        // information only for a topic about that very country (Finland for finnish-clusters),
        // so "what's the capital of Poland?" is not accepted on the strength of "Poland".
        let mut query: Vec<(String, f32, Option<CountryCode>)> = Vec::new();
        let mut unknown_info = 0.0f32;
        let mut country_named = false;
        for (word, &country) in words.iter().zip(countries) {
            if self.stopwords.contains(word) {
                continue;
            }
            let is_country = country.is_some();
            country_named |= is_country;
            let resolved = if is_country {
                self.exact(word).map(|t| vec![(t, 1.0)]).unwrap_or_default()
            } else {
                self.resolve(word)
            };
            if resolved.is_empty() && !is_country {
                // Filler is short ("exactly", "oikein"); a long unknown word is a content noun
                // the bot knows nothing about ("pääkaupunki", "kubernetes").
                let weight = if word.chars().count() >= LONG_WORD {
                    1.0
                } else {
                    tuning.unknown_weight
                };
                unknown_info += self.unknown_idf * weight;
            }
            for (term, weight) in resolved {
                if !query.iter().any(|(t, _, _)| *t == term) {
                    query.push((term, weight, country));
                }
            }
        }
        let informative = |country: &Option<CountryCode>, topic: Option<TopicId>| match country {
            None => true,
            Some(c) => match topic {
                Some(t) => self.country_topics.get(&t) == Some(c),
                None => self.country_topics.values().any(|v| v == c),
            },
        };
        let known_info: f32 = query
            .iter()
            .filter(|q| informative(&q.2, None))
            .map(|(t, w, _)| w * self.idf(t))
            .sum();
        let pseudo_term = (country_named && self.terms.contains_key(COUNTRY_TERM))
            .then(|| (COUNTRY_TERM.to_owned(), 1.0, None));
        let mut scores: HashMap<TopicId, (f32, f32)> = HashMap::new();
        for (term, weight, country) in query.iter().chain(pseudo_term.as_ref()) {
            let t = &self.terms[term];
            let idf = self.idf(term);
            for (topic, tf) in &t.postings {
                let len = self.doc_len.get(topic).copied().unwrap_or(self.avg_len);
                let norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / self.avg_len));
                let entry = scores.entry(*topic).or_default();
                entry.0 += weight * idf * norm;
                if term != COUNTRY_TERM && informative(country, Some(*topic)) {
                    entry.1 += weight * idf;
                }
            }
        }
        let mut ranked: Vec<_> = scores
            .into_iter()
            .map(|(topic, (score, info))| {
                (
                    topic,
                    score,
                    if known_info > 0.0 {
                        info / known_info
                    } else {
                        0.0
                    },
                )
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Scores {
            ranked,
            known_info,
            unknown_info,
        }
    }

    fn idf(&self, term: &str) -> f32 {
        self.terms[term].idf.max(MIN_IDF)
    }
}

struct Scores {
    /// (topic, BM25 score, share of the known information it explains), best first.
    ranked: Vec<(TopicId, f32, f32)>,
    known_info: f32,
    unknown_info: f32,
}

impl Matcher {
    /// Builds the indexes of every locale in `catalog` that has a `phrasings.toml`, and the
    /// country gazetteer from every locale's `country-*` `.match` words.
    pub fn new(
        catalog: &Catalog,
        countries: impl IntoIterator<Item = CountryCode>,
    ) -> Result<Matcher, NluError> {
        let mut gazetteer = Gazetteer::default();
        let codes: Vec<CountryCode> = countries.into_iter().collect();
        for &locale in catalog.locales() {
            let stemmer = stemmer_for(locale);
            for code in &codes {
                if let Some(words) = catalog.own_attr(locale, &code.message_id(), "match") {
                    for w in tokens(&words) {
                        if let Some(s) = &stemmer {
                            // Stems shorter than four letters are too ambiguous to trust.
                            let stem = s.stem(&w).into_owned();
                            if stem.chars().count() >= 4 {
                                gazetteer.stems.insert(stem, *code);
                            }
                        }
                        gazetteer.insert(w, *code);
                    }
                }
            }
            gazetteer.stemmers.extend(stemmer);
        }
        let mut indexes = Vec::new();
        for &locale in catalog.locales() {
            let Some(source) = catalog.data_file(locale, "phrasings.toml") else {
                continue;
            };
            let file: PhrasingsFile =
                toml::from_str(source).map_err(|e| NluError::Phrasings(locale, e.to_string()))?;
            indexes.push(Index::build(locale, file, &gazetteer)?);
        }
        Ok(Matcher {
            indexes,
            countries: gazetteer,
            tuning: Tuning::default(),
        })
    }

    /// Replaces the thresholds (for evaluation and tuning tools).
    pub fn set_tuning(&mut self, tuning: Tuning) {
        self.tuning = tuning;
    }

    /// How each word of `text` was read in `language`: the known terms it resolved to, with their
    /// weight and IDF; an empty list for unknown words; `None` for stopwords. For tuning phrasings.
    pub fn explain(&self, text: &str, language: Locale) -> Vec<(String, Option<Vec<TermReading>>)> {
        let Some(index) = self.indexes.iter().find(|i| i.locale == language) else {
            return Vec::new();
        };
        tokens(text)
            .map(|w| {
                let read = (!index.stopwords.contains(&w)).then(|| {
                    index
                        .resolve(&w)
                        .into_iter()
                        .map(|(t, weight)| {
                            let idf = index.idf(&t);
                            (t, weight, idf)
                        })
                        .collect()
                });
                (w, read)
            })
            .collect()
    }

    /// The country a text names, if any (the first one named).
    pub fn country(&self, text: &str) -> Option<CountryCode> {
        tokens(text).find_map(|w| self.countries.find(&w))
    }

    /// Understands `text`; `preferred` breaks ties in language detection.
    pub fn understand(&self, text: &str, preferred: Locale) -> Understanding {
        let words: Vec<String> = tokens(text).collect();
        let word_countries: Vec<Option<CountryCode>> =
            words.iter().map(|w| self.countries.find(w)).collect();
        let country = word_countries.iter().flatten().next().copied();
        let index = self
            .indexes
            .iter()
            .max_by_key(|i| (i.familiarity(&words), i.locale == preferred))
            .expect("a matcher has at least one index");
        let tuning = &self.tuning;
        let Scores {
            ranked,
            known_info,
            unknown_info,
        } = index.score(&words, &word_countries, tuning);
        let known = if known_info > 0.0 {
            known_info / (known_info + unknown_info)
        } else {
            0.0
        };
        let mut result = Understanding {
            topic: None,
            also: None,
            country,
            language: index.locale,
            score: 0.0,
            coverage: 0.0,
            known,
        };
        if country.is_some() && known_info == 0.0 && unknown_info == 0.0 {
            // Just a country ("Poland?", "Puola"): who is the member there.
            result.topic = "members".parse().ok();
            return result;
        }
        // Only a topic that explains enough of the question may answer it: a topic lifted by a
        // country name alone never beats the one the question's own words are about.
        let mut eligible = ranked
            .iter()
            .filter(|(_, s, c)| *c >= tuning.min_coverage && *s >= tuning.min_score);
        let Some(&(best, score, coverage)) = eligible.next() else {
            if let Some(&(_, score, coverage)) = ranked.first() {
                result.score = score;
                result.coverage = coverage;
            }
            return result;
        };
        result.score = score;
        result.coverage = coverage;
        if known < tuning.min_known {
            return result;
        }
        result.topic = Some(best);
        result.also = eligible
            .next()
            .filter(|(_, s, _)| *s >= score * CLOSE_RATIO)
            .map(|(t, _, _)| *t);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(crate::model::text::within_one_edit(
            "suomalasiet",
            "suomalaiset"
        ));
        assert!(crate::model::text::within_one_edit("polnd", "poland"));
        assert!(crate::model::text::within_one_edit("polandd", "poland"));
        assert!(crate::model::text::within_one_edit("polant", "poland"));
        assert!(!crate::model::text::within_one_edit("holland", "poland"));
        assert!(!crate::model::text::within_one_edit("pol", "poland"));
    }

    #[test]
    fn tokens_fold_apostrophes() {
        let t: Vec<String> = tokens("Do's and DON'T, ECCP’s ECA:n 'quoted' x").collect();
        assert_eq!(t, ["dos", "and", "dont", "eccps", "eca", "quoted"]);
    }
}
