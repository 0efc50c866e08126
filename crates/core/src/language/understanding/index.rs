//! One language's training wordings as vectors, and the nearest of them to a question.
//!
//! Each wording becomes two TF-IDF vectors: its words (Snowball stems, folded) and its
//! character n-grams. A question is scored against every wording through an inverted index
//! (cosine similarity per view, blended), and each label by its nearest wordings. Labels are the
//! topics, the kinds of small talk, and "elsewhere": wordings about other things that share the
//! domain's words (a gym's members, a Kubernetes cluster), which compete with the topics instead
//! of leaving them to a threshold alone.

use std::collections::HashMap;
use std::collections::HashSet;

use rust_stemmers::Stemmer;

use crate::language::understanding::intent::Label;
use crate::language::understanding::words::Feature;
use crate::language::understanding::words::FeatureMap;
use crate::language::understanding::words::FeatureSet;
use crate::language::understanding::words::deletion_variants;
use crate::language::understanding::words::fold;
use crate::language::understanding::words::ngram_features;
use crate::language::understanding::words::place_feature;
use crate::language::understanding::words::plain_hash;
use crate::language::understanding::words::stemmer_for;
use crate::language::understanding::words::surface;
use crate::language::understanding::words::word_feature;
use crate::model::locale::Locale;
use crate::model::topic::CountryCode;

/// Weight of a stopword's word feature: it says little, but "who are you" is all stopwords.
const STOPWORD_WEIGHT: f32 = 0.3;

/// A word of a question as the index reads it.
pub(crate) struct Word<'a> {
    pub text: &'a str,
    pub country: Option<CountryCode>,
    /// Read as a correction of a typo: evidence, but weaker than the word itself.
    pub corrected: bool,
}

/// How much a corrected word counts as known content.
const CORRECTED_COVERAGE: f32 = 0.9;

/// (feature, count or weight) pairs, sorted by feature.
type Sparse = Vec<(Feature, f32)>;

/// The word and n-gram views of one text, each L2-normalised: (feature, weight), sorted.
#[derive(Default)]
struct Vector {
    words: Sparse,
    grams: Sparse,
}

/// Where a feature's postings are, and its IDF.
#[derive(Clone, Copy)]
struct Entry {
    idf: f32,
    /// Whether a topic or small-talk wording has it (not only out-of-scope ones).
    domain: bool,
    start: u32,
    end: u32,
}

/// IDF of a feature in `df` of `n` wordings (smoothed, so no feature weighs zero).
fn idf(df: u32, n: u32) -> f32 {
    ((n as f32 + 1.0) / (df as f32 + 1.0)).ln() + 1.0
}

/// A weight of an L2-normalised vector (in 0..=1) in 16 bits.
fn quantise(weight: f32) -> u16 {
    (weight.clamp(0.0, 1.0) * f32::from(u16::MAX)).round() as u16
}

fn dequantise(weight: u16) -> f32 {
    f32::from(weight) / f32::from(u16::MAX)
}

pub(crate) struct Index {
    locale: Locale,
    stemmer: Option<Stemmer>,
    stopwords: HashSet<String>,
    /// Folded surface forms of every word in the wordings and the stopwords: how familiar a
    /// question's words are to this language.
    vocabulary: FeatureSet,
    /// The distinct labels, and each wording's label as a position in that list.
    labels: Vec<Label>,
    wording_label: Vec<u8>,
    /// Every feature of the wordings, sorted, with where its postings start (one more entry
    /// than features: the last is the end) and whether a topic or small-talk wording has it.
    /// Compressed rows, not a hash map: 19 languages must fit in a small pod.
    features: Vec<Feature>,
    starts: Vec<u32>,
    in_domain: Vec<bool>,
    /// (wording, weight quantised to 16 bits) for each feature, grouped by feature.
    post_wording: Vec<u16>,
    post_weight: Vec<u16>,
    /// Number of wordings, for IDF.
    wordings: u32,
    /// IDF of a feature no wording has.
    unseen_idf: f32,
    /// The topics' words, for typo correction (not small talk's: "huomenna" is no typo of
    /// "huomenta").
    spellings: Vec<String>,
    /// Each spelling and its one-letter deletions (hashed, folded) → the spelling, or, with
    /// `SHARED` set, a list in `shared` when several spellings have it (symmetric delete).
    deletions: FeatureMap<u32>,
    shared: Vec<Vec<u32>>,
}

/// Shortest word corrected for a typo; shorter ones collide with real words (vitsi/visio).
const MIN_TYPO_LEN: usize = 5;
/// Longest word corrected: past this, a word is a compound or noise, and each letter costs a
/// lookup.
const MAX_TYPO_LEN: usize = 24;
const SHARED: u32 = 1 << 31;

/// A text as an index reads it: feature counts per view, and the share of its content the
/// domain knows (on average, and for its least known word).
pub(crate) struct Reading {
    words: Sparse,
    grams: Sparse,
    pub coverage: f32,
    pub weakest: f32,
}

/// Similarities of a question to every wording of an index, per view.
pub(crate) struct Similarities {
    pub words: Vec<f32>,
    pub grams: Vec<f32>,
}

impl Index {
    pub(crate) fn build(
        locale: Locale,
        stopwords: &[String],
        wordings: &[(Label, String)],
        countries: impl Fn(&str) -> Option<CountryCode>,
    ) -> Index {
        let mut index = Index {
            locale,
            stemmer: stemmer_for(locale),
            stopwords: stopwords.iter().map(|w| w.to_lowercase()).collect(),
            vocabulary: FeatureSet::default(),
            labels: Vec::new(),
            wording_label: Vec::with_capacity(wordings.len()),
            features: Vec::new(),
            starts: Vec::new(),
            in_domain: Vec::new(),
            post_wording: Vec::new(),
            post_weight: Vec::new(),
            wordings: 0,
            unseen_idf: 1.0,
            spellings: Vec::new(),
            deletions: FeatureMap::default(),
            shared: Vec::new(),
        };
        let stop: Vec<String> = index.stopwords.iter().cloned().collect();
        for word in &stop {
            index.vocabulary.insert(surface(word));
        }
        let mut counted: Vec<(Sparse, Sparse)> = Vec::new();
        let mut df: HashMap<Feature, u32> = HashMap::new();
        let mut spelled_already: HashSet<String> = HashSet::new();
        for (label, text) in wordings {
            let words: Vec<String> = crate::language::understanding::words::tokens(text).collect();
            for w in &words {
                index.vocabulary.insert(surface(w));
                let spelled = matches!(label, Label::Topic(_))
                    && w.chars().count() >= MIN_TYPO_LEN
                    && !w.chars().any(char::is_numeric);
                if spelled && spelled_already.insert(w.clone()) {
                    index.add_spelling(w.clone());
                }
            }
            let read: Vec<Word> = words
                .iter()
                .map(|w| Word {
                    text: w,
                    country: countries(w),
                    corrected: false,
                })
                .collect();
            let Reading {
                words: w, grams: g, ..
            } = index.read(&read);
            for (f, _) in w.iter().chain(&g) {
                *df.entry(*f).or_default() += 1;
            }
            let position = match index.labels.iter().position(|l| l == label) {
                Some(p) => p,
                None => {
                    index.labels.push(*label);
                    index.labels.len() - 1
                }
            };
            index
                .wording_label
                .push(u8::try_from(position).expect("fewer than 256 labels"));
            counted.push((w, g));
        }
        let n = counted.len() as u32;
        index.unseen_idf = idf(0, n);
        let idfs: HashMap<Feature, f32> = df.iter().map(|(f, d)| (*f, idf(*d, n))).collect();
        let mut postings: HashMap<Feature, Vec<(u16, f32)>> = HashMap::new();
        for (i, (w, g)) in counted.into_iter().enumerate() {
            let id = u16::try_from(i).expect("fewer than 65,536 wordings per language");
            let vector = Vector {
                words: weigh(w, |f| idfs[&f]),
                grams: weigh(g, |f| idfs[&f]),
            };
            for (f, weight) in vector.words.into_iter().chain(vector.grams) {
                postings.entry(f).or_default().push((id, weight));
            }
        }
        let mut features: Vec<Feature> = postings.keys().copied().collect();
        features.sort_unstable();
        index.wordings = u32::try_from(index.wording_label.len()).expect("a u16 count");
        for f in features {
            let list = &postings[&f];
            index.features.push(f);
            index.starts.push(index.post_wording.len() as u32);
            for (id, weight) in list {
                index.post_wording.push(*id);
                index.post_weight.push(quantise(*weight));
            }
            let domain = list.iter().any(|(id, _)| {
                index.labels[index.wording_label[*id as usize] as usize] != Label::Elsewhere
            });
            index.in_domain.push(domain);
        }
        index.starts.push(index.post_wording.len() as u32);
        index.features.shrink_to_fit();
        index.starts.shrink_to_fit();
        index.in_domain.shrink_to_fit();
        index.post_wording.shrink_to_fit();
        index.post_weight.shrink_to_fit();
        index.deletions.shrink_to_fit();
        index.shared.shrink_to_fit();
        index.vocabulary.shrink_to_fit();
        index
    }

    fn add_spelling(&mut self, word: String) {
        let id = u32::try_from(self.spellings.len()).expect("fewer than 2^32 words");
        let folded = fold(&word);
        for variant in std::iter::once(folded.clone()).chain(deletion_variants(&folded)) {
            let slot = self.deletions.entry(plain_hash(&variant)).or_insert(id);
            if *slot & SHARED != 0 {
                let list = &mut self.shared[(*slot & !SHARED) as usize];
                if !list.contains(&id) {
                    list.push(id);
                }
            } else if *slot != id {
                self.shared.push(vec![*slot, id]);
                *slot = SHARED | (self.shared.len() - 1) as u32;
            }
        }
        self.spellings.push(word);
    }

    /// The domain word `word` is one edit away from (klsuteri → klusteri, uutiskrije →
    /// uutiskirje, efects → effects), when exactly one is; `None` for known words, short words
    /// and ambiguity.
    pub(crate) fn correct(&self, word: &str) -> Option<&str> {
        let length = word.chars().count();
        if !(MIN_TYPO_LEN..=MAX_TYPO_LEN).contains(&length)
            || self.is_stopword(word)
            || self
                .entry(word_feature(&self.stem(word)))
                .is_some_and(|e| e.domain)
        {
            return None;
        }
        let folded = fold(word);
        let mut found: Option<&str> = None;
        for variant in std::iter::once(folded.clone()).chain(deletion_variants(&folded)) {
            let ids: &[u32] = match self.deletions.get(&plain_hash(&variant)) {
                Some(slot) if slot & SHARED != 0 => &self.shared[(slot & !SHARED) as usize],
                Some(slot) => std::slice::from_ref(slot),
                None => continue,
            };
            // Sharing a deletion means at most two edits apart: keep the one-edit neighbours.
            for id in ids {
                let candidate = self.spellings[*id as usize].as_str();
                if found == Some(candidate)
                    || !crate::model::text::within_one_edit(&folded, &fold(candidate))
                {
                    continue;
                }
                if found.is_some() {
                    return None;
                }
                found = Some(candidate);
            }
        }
        found
    }

    /// A feature's postings and IDF, if a wording has it.
    fn entry(&self, feature: Feature) -> Option<Entry> {
        let i = self.features.binary_search(&feature).ok()?;
        let (start, end) = (self.starts[i], self.starts[i + 1]);
        Some(Entry {
            idf: idf(end - start, self.wordings),
            domain: self.in_domain[i],
            start,
            end,
        })
    }

    pub(crate) fn locale(&self) -> Locale {
        self.locale
    }

    /// The distinct labels of this language's wordings.
    pub(crate) fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Each wording's label, as a position in [`Index::labels`].
    pub(crate) fn wording_labels(&self) -> &[u8] {
        &self.wording_label
    }

    pub(crate) fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(word)
    }

    /// How many of the words (by [`surface`]) this language knows (stopwords count).
    pub(crate) fn familiarity(&self, surfaces: &[u32]) -> usize {
        surfaces
            .iter()
            .filter(|s| self.vocabulary.contains(s))
            .count()
    }

    fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(word).into_owned(),
            None => word.to_owned(),
        }
    }

    /// Reads a text's words in one pass: its feature counts per view, and how much of its
    /// content belongs to the domain. For each word that is not a stopword, a number or a
    /// country, that is 1 when a topic or small-talk wording has its stem, otherwise the share
    /// of its n-grams that such wordings have (a typo or an inflection keeps most of them;
    /// "coldplay" or "kuntosali" does not); a corrected typo counts a little less.
    pub(crate) fn read(&self, words: &[Word]) -> Reading {
        let mut word_features: Sparse = Vec::new();
        let mut grams: Vec<Feature> = Vec::new();
        let (mut sum, mut count, mut least) = (0.0f32, 0usize, 1.0f32);
        let domain = |f: &Feature| self.entry(*f).is_some_and(|e| e.domain);
        for word in words {
            if let Some(code) = word.country {
                word_features.push((place_feature(None), 1.0));
                word_features.push((place_feature(Some(code.as_str())), 1.0));
                continue;
            }
            if self.is_stopword(word.text) {
                word_features.push((word_feature(word.text), STOPWORD_WEIGHT));
                continue;
            }
            let stem = word_feature(&self.stem(word.text));
            word_features.push((stem, 1.0));
            let first = grams.len();
            ngram_features(&fold(word.text), &mut grams);
            // Numbers are not vocabulary: "events 2026?" is about events.
            if word.text.chars().all(|c| c.is_numeric()) {
                continue;
            }
            count += 1;
            let share = if domain(&stem) {
                if word.corrected {
                    CORRECTED_COVERAGE
                } else {
                    1.0
                }
            } else {
                let own = &grams[first..];
                own.iter().filter(|g| domain(g)).count() as f32 / own.len().max(1) as f32
            };
            sum += share;
            least = least.min(share);
        }
        let (coverage, weakest) = if count == 0 {
            (1.0, 1.0)
        } else {
            (sum / count as f32, least)
        };
        Reading {
            words: merge(word_features),
            grams: merge(grams.into_iter().map(|g| (g, 1.0)).collect()),
            coverage,
            weakest,
        }
    }

    /// Cosine similarity of the question to every wording, in each view.
    pub(crate) fn similarities(&self, reading: Reading) -> Similarities {
        let idf = |f: Feature| self.entry(f).map_or(self.unseen_idf, |e| e.idf);
        let query = Vector {
            words: weigh(reading.words, idf),
            grams: weigh(reading.grams, idf),
        };
        let n = self.wording_label.len();
        let mut sims = Similarities {
            words: vec![0.0; n],
            grams: vec![0.0; n],
        };
        for (view, into) in [
            (&query.words, &mut sims.words),
            (&query.grams, &mut sims.grams),
        ] {
            for (f, q) in view {
                let Some(e) = self.entry(*f) else {
                    continue;
                };
                let range = e.start as usize..e.end as usize;
                for (id, weight) in self.post_wording[range.clone()]
                    .iter()
                    .zip(&self.post_weight[range])
                {
                    into[*id as usize] += q * dequantise(*weight);
                }
            }
        }
        sims
    }
}

/// Sums the counts of equal features.
fn merge(mut features: Sparse) -> Sparse {
    features.sort_unstable_by_key(|(f, _)| *f);
    let mut out: Sparse = Vec::with_capacity(features.len());
    for (f, c) in features {
        match out.last_mut() {
            Some((last, sum)) if *last == f => *sum += c,
            _ => out.push((f, c)),
        }
    }
    out
}

/// Sublinear TF times IDF, L2-normalised.
fn weigh(counts: Sparse, idf: impl Fn(Feature) -> f32) -> Sparse {
    let mut weighted: Sparse = counts
        .into_iter()
        .map(|(f, c)| {
            let tf = if c > 1.0 { 1.0 + c.ln() } else { c };
            (f, tf * idf(f))
        })
        .collect();
    let norm = weighted.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut weighted {
            *w /= norm;
        }
    }
    weighted
}
