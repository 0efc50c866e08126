//! Alliance knowledge: the topic list and the member associations by country.
//!
//! Facts live in data (`data/members.toml`) and words in `locales/`; this module only gives them
//! types.

use std::{collections::BTreeMap, fmt, str::FromStr};

/// The public topic ids, in menu order. Deep links, buttons, commands and `--json` output use them,
/// so they are a contract: add, never rename.
pub const TOPIC_IDS: [&str; 21] = [
    "about",
    "history",
    "objectives",
    "join",
    "members",
    "eligibility",
    "clusters",
    "cluster-organisations",
    "impact",
    "policy",
    "eccp",
    "events",
    "academy",
    "representation",
    "contact",
    "cee-clusternetwork",
    "working-areas",
    "finnish-clusters",
    "sectors",
    "newsletter",
    "reminders",
];

/// One of [`TOPIC_IDS`]; holding one proves the topic exists.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicId(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no topic is called {0:?}")]
pub struct UnknownTopic(pub String);

impl TopicId {
    pub fn all() -> impl ExactSizeIterator<Item = TopicId> {
        (0..TOPIC_IDS.len() as u8).map(TopicId)
    }

    /// The public id, e.g. `cluster-organisations`.
    pub fn as_str(self) -> &'static str {
        TOPIC_IDS[self.0 as usize]
    }

    /// The id as a command name on platforms that allow only `a-z0-9_` (`cluster_organisations`).
    pub fn command_name(self) -> String {
        self.as_str().replace('-', "_")
    }

    /// Message id of the topic's short title; `.description` is its one-line summary.
    pub fn title_id(self) -> String {
        format!("topic-{}", self.as_str())
    }

    /// Message id of the topic's full answer.
    pub fn body_id(self) -> String {
        format!("topic-{}-body", self.as_str())
    }
}

impl FromStr for TopicId {
    type Err = UnknownTopic;
    /// Accepts the id and its command form (`cluster_organisations`), any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        TOPIC_IDS
            .iter()
            .position(|id| *id == wanted)
            .map(|i| TopicId(i as u8))
            .ok_or_else(|| UnknownTopic(s.chars().take(64).collect()))
    }
}

impl fmt::Display for TopicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TopicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TopicId({})", self.as_str())
    }
}

impl serde::Serialize for TopicId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An ISO 3166-1 alpha-2 country code, lowercase (`pl`). Names live in `countries.ftl`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(s: &str) -> Option<CountryCode> {
        let b = s.as_bytes();
        (b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic))
            .then(|| CountryCode([b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()]))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII by construction")
    }

    /// Message id of the country's name; `.in` and `.match` are its attributes.
    pub fn message_id(&self) -> String {
        format!("country-{}", self.as_str())
    }
}

/// The national associations, by country, and when that list is from.
#[derive(Debug, Clone)]
pub struct Members {
    pub as_of: String,
    by_country: BTreeMap<CountryCode, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("members data: {0}")]
    Members(String),
    #[error("members data: {0:?} is not a two-letter country code")]
    BadCountry(String),
}

#[derive(serde::Deserialize)]
struct MembersFile {
    as_of: String,
    member: Vec<MemberEntry>,
}

#[derive(serde::Deserialize)]
struct MemberEntry {
    country: String,
    name: String,
}

impl Members {
    /// The member list compiled into the binary.
    pub fn embedded() -> Result<Members, KnowledgeError> {
        Members::from_toml(include_str!("../../data/members.toml"))
    }

    pub fn from_toml(source: &str) -> Result<Members, KnowledgeError> {
        let file: MembersFile =
            toml::from_str(source).map_err(|e| KnowledgeError::Members(e.to_string()))?;
        let mut by_country: BTreeMap<CountryCode, Vec<String>> = BTreeMap::new();
        for m in file.member {
            let code = CountryCode::parse(&m.country)
                .ok_or_else(|| KnowledgeError::BadCountry(m.country.clone()))?;
            by_country.entry(code).or_default().push(m.name);
        }
        Ok(Members {
            as_of: file.as_of,
            by_country,
        })
    }

    /// The associations in `country`; empty when the alliance lists none there.
    pub fn in_country(&self, country: CountryCode) -> &[String] {
        self.by_country
            .get(&country)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn countries(&self) -> impl Iterator<Item = CountryCode> + '_ {
        self.by_country.keys().copied()
    }

    pub fn association_count(&self) -> usize {
        self.by_country.values().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_ids_round_trip_in_both_spellings() {
        for t in TopicId::all() {
            assert_eq!(t.as_str().parse::<TopicId>().unwrap(), t);
            assert_eq!(t.command_name().parse::<TopicId>().unwrap(), t);
            assert!(
                t.command_name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
        }
        assert!("weather".parse::<TopicId>().is_err());
    }

    #[test]
    fn members_by_country() {
        let m = Members::embedded().unwrap();
        assert_eq!(
            m.in_country(CountryCode::parse("PL").unwrap()),
            ["Polish Clusters Association"]
        );
        assert_eq!(m.in_country(CountryCode::parse("fr").unwrap()).len(), 2);
        assert!(m.in_country(CountryCode::parse("be").unwrap()).is_empty());
        assert_eq!(m.association_count(), 20);
    }
}
