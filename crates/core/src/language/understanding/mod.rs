//! Understanding free text: what a message is about, which country it names, which language it
//! is written in.
//!
//! Nearest neighbours, not rules. Every locale's `phrasings.toml` holds many wordings per topic,
//! per kind of small talk, and "out of scope" wordings that share the domain's words but are
//! about something else. A message is compared with each wording in two views, words (Snowball
//! stems, diacritics folded) and character n-grams (which carry inflection, compounds, typos and
//! missing diacritics to the words they resemble), and each label is scored by its nearest
//! wordings. The bot answers a topic only when it beats every other label, out of scope
//! included, by a score it can stand behind: abstaining is cheaper than a wrong answer. Why this
//! method: ARCHITECTURE.md; how well it does: BENCHMARKS.md.

mod countries;
mod index;
pub mod intent;
mod words;
mod written;

use serde::Deserialize;

use crate::language::catalog::Catalog;
use crate::language::understanding::countries::Gazetteer;
use crate::language::understanding::index::Index;
use crate::language::understanding::index::Reading;
use crate::language::understanding::index::Word;
use crate::language::understanding::intent::Intent;
use crate::language::understanding::intent::Label;
use crate::language::understanding::intent::SmallTalk;
use crate::language::understanding::words::prefix;
use crate::language::understanding::words::stemmer_for;
use crate::language::understanding::words::surface;
use crate::language::understanding::words::tokens;
use crate::language::understanding::written::Identifier;
use crate::model::locale::Locale;
use crate::model::topic::CountryCode;
use crate::model::topic::TopicId;

/// Characters of a message language identification reads.
const IDENTIFY_CHARS: usize = 120;

/// The language a message is written in, as far as the text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// One of the languages the bot speaks.
    In(Locale),
    /// A member country's language the bot does not speak (ISO 639-1 code).
    Foreign(&'static str),
    /// Too short or too mixed to tell ("ECCP?", "ok").
    Unsure,
}

/// What the nearest-neighbour scores are compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Weight of the word view against the character n-gram view.
    pub word_view: f32,
    /// Wordings per label whose similarities are averaged.
    pub neighbours: usize,
    /// Weight of the nearest wording against the average of the nearest few.
    pub nearest: f32,
    /// Score a topic needs to be answered.
    pub min_topic: f32,
    /// Score small talk needs to be answered in kind.
    pub min_smalltalk: f32,
    /// Share of the question's content words the language must know (see `Index::coverage`).
    pub min_coverage: f32,
    /// Share of its n-grams the least known content word must have in the domain.
    pub min_weakest: f32,
    /// A topic must beat the best out-of-scope wording by this factor.
    pub over_elsewhere: f32,
    /// A runner-up topic within this ratio of the best is offered as "did you mean".
    pub close: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            word_view: 0.5,
            neighbours: 3,
            nearest: 0.3,
            min_topic: 0.25,
            min_smalltalk: 0.3,
            min_coverage: 0.9,
            min_weakest: 0.4,
            over_elsewhere: 1.1,
            close: 0.85,
        }
    }
}

/// What a message is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Understanding {
    pub intent: Intent,
    /// A close second topic, offered as an alternative.
    pub also: Option<TopicId>,
    /// A country named in the message.
    pub country: Option<CountryCode>,
    /// The language whose wordings the message was compared with.
    pub language: Locale,
    /// The language the message is written in, as far as the text tells.
    pub written: Written,
    /// Scores of the best label and of the best other label: for diagnostics and tuning.
    pub score: f32,
    pub runner_up: f32,
    /// Share of the message's content the language knows, on average and for its least
    /// known word.
    pub coverage: f32,
    pub weakest: f32,
}

impl Understanding {
    /// The topic answered, if the message was understood as one.
    pub fn topic(&self) -> Option<TopicId> {
        match self.intent {
            Intent::Topic(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NluError {
    #[error("locales/{0}/phrasings.toml: {1}")]
    Phrasings(Locale, String),
    #[error("locales/{0}/phrasings.toml has no wordings for {1}")]
    Missing(Locale, String),
    #[error("locales/{0}/phrasings.toml: {1:?} is not a topic")]
    NotATopic(Locale, String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhrasingsFile {
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(rename = "out-of-scope", default)]
    out_of_scope: Vec<String>,
    #[serde(default)]
    smalltalk: std::collections::BTreeMap<String, Vec<String>>,
    topics: std::collections::BTreeMap<String, Vec<String>>,
}

/// The matcher for every locale of a catalog. Built once; understanding only reads.
pub struct Matcher {
    indexes: Vec<Index>,
    countries: Gazetteer,
    identifier: Identifier,
    tuning: Tuning,
}

impl Matcher {
    /// Builds the index of every locale in `catalog` that has a `phrasings.toml`, and the
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
                        let stem = stemmer.as_ref().map(|s| s.stem(&w).into_owned());
                        gazetteer.insert(w, stem, *code);
                    }
                }
            }
            if let Some(s) = stemmer {
                gazetteer.add_stemmer(s);
            }
        }
        let mut indexes = Vec::new();
        for &locale in catalog.locales() {
            let Some(source) = catalog.data_file(locale, "phrasings.toml") else {
                continue;
            };
            let file: PhrasingsFile =
                toml::from_str(source).map_err(|e| NluError::Phrasings(locale, e.to_string()))?;
            let mut wordings: Vec<(Label, String)> = Vec::new();
            for topic in TopicId::all() {
                let list = file
                    .topics
                    .get(topic.as_str())
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| NluError::Missing(locale, topic.as_str().into()))?;
                wordings.extend(list.iter().map(|w| (Label::Topic(topic), w.clone())));
            }
            if let Some(unknown) = file.topics.keys().find(|k| k.parse::<TopicId>().is_err()) {
                return Err(NluError::NotATopic(locale, unknown.clone()));
            }
            for kind in SmallTalk::ALL {
                let list = file.smalltalk.get(kind.as_str()).filter(|l| !l.is_empty());
                let list = list.ok_or_else(|| {
                    NluError::Missing(locale, format!("smalltalk.{}", kind.as_str()))
                })?;
                wordings.extend(list.iter().map(|w| (Label::SmallTalk(kind), w.clone())));
            }
            wordings.extend(
                file.out_of_scope
                    .iter()
                    .map(|w| (Label::Elsewhere, w.clone())),
            );
            indexes.push(Index::build(locale, &file.stopwords, &wordings, |w| {
                gazetteer.find(w)
            }));
        }
        Ok(Matcher {
            indexes,
            countries: gazetteer,
            identifier: Identifier::default(),
            tuning: Tuning::default(),
        })
    }

    /// Replaces the thresholds (for evaluation and tuning tools).
    pub fn set_tuning(&mut self, tuning: Tuning) {
        self.tuning = tuning;
    }

    /// The country a text names, if any (the first one named).
    pub fn country(&self, text: &str) -> Option<CountryCode> {
        tokens(text).find_map(|w| self.countries.find(&w))
    }

    /// The language `text` is written in, as far as it tells.
    fn written(&self, text: &str, words: &[String], surfaces: &[u32]) -> Written {
        let known: Vec<(Locale, usize)> = self
            .indexes
            .iter()
            .map(|i| (i.locale(), i.familiarity(surfaces)))
            .collect();
        let most = known.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let leaders: Vec<Locale> = known
            .iter()
            .filter(|(_, n)| *n == most)
            .map(|(l, _)| *l)
            .collect();
        let familiar = most > 0 && 2 * most >= words.len();
        if familiar && let [only] = leaders[..] {
            return Written::In(only);
        }
        // The beginning only: identification is linear in what it reads, and a sentence tells
        // a language as well as a page. Punctuation stays ("¿" is Spanish).
        match self.identifier.identify(prefix(text, IDENTIFY_CHARS)) {
            Some(code) => match self.indexes.iter().find(|i| i.locale().as_str() == code) {
                Some(index) if !familiar || leaders.contains(&index.locale()) => {
                    Written::In(index.locale())
                }
                Some(_) => Written::Unsure,
                None if !familiar => Written::Foreign(code),
                None => Written::Unsure,
            },
            None => Written::Unsure,
        }
    }

    /// Understands `text`; `preferred` is the language to read it in when the text does not
    /// tell.
    pub fn understand(&self, text: &str, preferred: Locale) -> Understanding {
        let words: Vec<String> = tokens(text).collect();
        let word_countries: Vec<Option<CountryCode>> =
            words.iter().map(|w| self.countries.find(w)).collect();
        let country = word_countries.iter().flatten().next().copied();
        let surfaces: Vec<u32> = words.iter().map(|w| surface(w)).collect();
        let written = self.written(text, &words, &surfaces);
        let read_in = match written {
            Written::In(l) => l,
            _ => preferred,
        };
        let index = self
            .indexes
            .iter()
            .max_by_key(|i| (i.locale() == read_in, i.familiarity(&surfaces)))
            .expect("a matcher has at least one index");
        let mut result = Understanding {
            intent: Intent::Unknown,
            also: None,
            country,
            language: index.locale(),
            written,
            score: 0.0,
            runner_up: 0.0,
            coverage: 0.0,
            weakest: 0.0,
        };
        // Just a country ("Poland?", "Puola"): who is the member there.
        let only_country = words
            .iter()
            .zip(&word_countries)
            .all(|(w, c)| c.is_some() || index.is_stopword(w));
        if country.is_some() && only_country {
            result.intent = Intent::Topic("members".parse().expect("a topic"));
            return result;
        }
        let read: Vec<Word> = words
            .iter()
            .zip(&word_countries)
            .map(|(text, country)| {
                let correction = country.is_none().then(|| index.correct(text)).flatten();
                Word {
                    text: correction.unwrap_or(text),
                    country: *country,
                    corrected: correction.is_some(),
                }
            })
            .collect();
        let reading = index.read(&read);
        (result.coverage, result.weakest) = (reading.coverage, reading.weakest);
        let ranked = self.rank(index, reading);
        let Some(&(best, score)) = ranked.first() else {
            return result;
        };
        let t = &self.tuning;
        result.score = score;
        result.runner_up = ranked.get(1).map_or(0.0, |r| r.1);
        let elsewhere = ranked
            .iter()
            .find(|(l, _)| *l == Label::Elsewhere)
            .map_or(0.0, |r| r.1);
        result.intent = match best {
            Label::Topic(topic)
                if score >= t.min_topic
                    && score >= elsewhere * t.over_elsewhere
                    && result.coverage >= t.min_coverage
                    && result.weakest >= t.min_weakest =>
            {
                result.also = ranked
                    .iter()
                    .skip(1)
                    .filter_map(|(l, s)| match l {
                        Label::Topic(other) if *s >= score * t.close && *s >= t.min_topic => {
                            Some(*other)
                        }
                        _ => None,
                    })
                    .next();
                Intent::Topic(topic)
            }
            Label::SmallTalk(kind) if score >= t.min_smalltalk => Intent::SmallTalk(kind),
            // Not a word of any language the bot knows, no language to be seen in it, in the
            // member countries' scripts: keyboard mashing ("jfjfjfkdkd"). Other scripts are
            // languages the bot cannot read, not nonsense.
            _ if written == Written::Unsure
                && country.is_none()
                && self.indexes.iter().all(|i| i.familiarity(&surfaces) == 0)
                && words
                    .iter()
                    .flat_map(|w| w.chars())
                    .filter(|c| c.is_alphabetic())
                    .all(member_script) =>
            {
                Intent::SmallTalk(SmallTalk::Nonsense)
            }
            _ => Intent::Unknown,
        };
        result
    }

    /// Labels with their scores, best first.
    fn rank(&self, index: &Index, reading: Reading) -> Vec<(Label, f32)> {
        let t = &self.tuning;
        let sims = index.similarities(reading);
        let labels = index.labels();
        let k = t.neighbours.max(1);
        // The nearest k similarities of each label, in descending order.
        let mut nearest: Vec<Vec<f32>> = vec![Vec::with_capacity(k + 1); labels.len()];
        for (i, label) in index.wording_labels().iter().enumerate() {
            let s = t.word_view * sims.words[i] + (1.0 - t.word_view) * sims.grams[i];
            let top = &mut nearest[*label as usize];
            let at = top.partition_point(|x| *x >= s);
            if at < k {
                top.insert(at, s);
                top.truncate(k);
            }
        }
        let mut ranked: Vec<(Label, f32)> = labels
            .iter()
            .zip(&nearest)
            .map(|(label, top)| {
                let first = top.first().copied().unwrap_or(0.0);
                let mean = top.iter().sum::<f32>() / k as f32;
                (*label, t.nearest * first + (1.0 - t.nearest) * mean)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked
    }
}

/// Latin, Greek or Cyrillic: the scripts of the member countries' languages.
fn member_script(c: char) -> bool {
    matches!(c as u32, 0x0041..=0x024F | 0x1E00..=0x1EFF | 0x0370..=0x03FF | 0x1F00..=0x1FFF | 0x0400..=0x052F)
}
