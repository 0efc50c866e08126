//! Reading calls from files: iCalendar (see [`crate::formats::ics`]) or ecabot's TOML form, which is
//! easier to write by hand and carries every language's title side by side.
//!
//! The TOML form (documented for operators in the README):
//!
//! ```toml
//! [[call]]
//! id = "cluster-booster-academy-2024"   # stable public id: a-z, 0-9, '-'
//! kind = "call"                          # "call" (has a deadline) or "event" (has a start)
//! topic = "academy"                      # optional: a topic id, for /subscribe academy
//! zone = "Europe/Brussels"               # IANA zone the times below are written in
//! deadline = "2024-10-17T23:59"          # calls: local time in `zone`, or RFC 3339 with offset
//! starts = "2024-10-10"                  # events: a date (start of day) or a date-time
//! ends = "2024-10-11"                    # events: a date (inclusive: the end of that day) or a date-time
//! location = "Chişinău, Moldova"
//! url = "https://www.clustercollaboration.eu/"
//! title.en = "…"
//! title.fi = "…"
//! description.en = "…"
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::formats::ics::IcsError;
use crate::model::call::CallDraft;
use crate::model::call::CallId;
use crate::model::call::CallKind;
use crate::model::call::Texts;
use crate::model::call::Zone;
use crate::model::call::resolve_local;
use crate::model::locale::Locale;
use crate::model::topic::TopicId;

/// A file that cannot be imported; nothing of it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Ics(#[from] IcsError),
    #[error("line {line}: {problem}")]
    Toml { line: usize, problem: String },
    #[error("the file is not UTF-8 text")]
    NotText,
}

impl ImportError {
    /// The 1-based line the problem is on, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ImportError::Ics(e) => Some(e.line),
            ImportError::Toml { line, .. } => Some(*line),
            ImportError::NotText => None,
        }
    }
}

/// Reads a file by its name: `.toml` is the TOML form, anything else iCalendar.
pub fn parse_file(name: &str, bytes: &[u8]) -> Result<Vec<CallDraft>, ImportError> {
    if name.to_ascii_lowercase().ends_with(".toml") {
        let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotText)?;
        parse_toml(text)
    } else {
        Ok(crate::formats::ics::parse(bytes)?)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    call: Vec<toml::Spanned<Raw>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: String,
    kind: String,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    zone: Option<String>,
    #[serde(default)]
    deadline: Option<String>,
    #[serde(default)]
    starts: Option<String>,
    #[serde(default)]
    ends: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    url: Option<String>,
    title: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    #[serde(default)]
    categories: Vec<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Parses the TOML form.
pub fn parse_toml(text: &str) -> Result<Vec<CallDraft>, ImportError> {
    let file: File = toml::from_str(text).map_err(|e| ImportError::Toml {
        line: e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
        problem: e.message().to_owned(),
    })?;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut drafts = Vec::new();
    for spanned in file.call {
        let line = line_of(text, spanned.span().start);
        let fail = |problem: String| ImportError::Toml { line, problem };
        let raw = spanned.into_inner();
        let id = CallId::parse(&raw.id).map_err(|e| fail(e.to_string()))?;
        if let Some(first) = seen.insert(raw.id.clone(), line) {
            return Err(fail(format!(
                "id {:?} appears twice (first at line {first})",
                raw.id
            )));
        }
        let kind: CallKind = raw
            .kind
            .parse()
            .map_err(|e: crate::model::call::BadCallKind| fail(e.to_string()))?;
        let zone = match &raw.zone {
            Some(z) => Zone::parse(z).map_err(|e| fail(e.to_string()))?,
            None => Zone::DEFAULT,
        };
        let topic = raw
            .topic
            .as_deref()
            .map(|t| {
                t.parse::<TopicId>()
                    .map_err(|_| fail(format!("{t:?} is not a topic id")))
            })
            .transpose()?;
        let when = |field: &str, value: &Option<String>, end_of_day: bool| {
            value
                .as_deref()
                .map(|v| {
                    instant(v, zone, end_of_day)
                        .ok_or_else(|| fail(format!("{field} {v:?} is not a date or date-time")))
                })
                .transpose()
        };
        let starts = when("starts", &raw.starts, false)?;
        let ends = when("ends", &raw.ends, true)?;
        let deadline = match (kind, when("deadline", &raw.deadline, true)?, starts) {
            (_, Some(d), _) => d,
            (CallKind::Event, None, Some(s)) => s,
            (CallKind::Call, None, _) => return Err(fail("a call needs a deadline".into())),
            (CallKind::Event, None, None) => return Err(fail("an event needs starts".into())),
        };
        if let (Some(s), Some(e)) = (starts, ends)
            && e < s
        {
            return Err(fail("ends is before starts".into()));
        }
        if let Some(url) = &raw.url
            && !crate::model::text::is_web_url(url)
        {
            return Err(fail(format!("url {url:?} is not http(s)")));
        }
        let texts = |map: &BTreeMap<String, String>| -> Result<Texts, ImportError> {
            let mut t = Texts::new();
            for (tag, text) in map {
                let locale = Locale::parse(tag).map_err(|e| fail(e.to_string()))?;
                let text = text.trim();
                if !text.is_empty() {
                    t.set(locale, text);
                }
            }
            Ok(t)
        };
        let title = texts(&raw.title)?;
        if title.is_empty() {
            return Err(fail("a call needs a title".into()));
        }
        drafts.push(CallDraft {
            id: Some(id),
            uid: raw.id,
            kind,
            title,
            description: texts(&raw.description)?,
            deadline,
            zone,
            starts,
            ends,
            location: raw.location.filter(|l| !l.trim().is_empty()),
            url: raw.url,
            topic,
            categories: raw.categories,
            line,
        });
    }
    Ok(drafts)
}

/// `2024-10-17T23:59` (local), `2024-10-17T21:59:00Z` / `…+02:00`, or `2024-10-17` (the start
/// of the day, or its end when `end_of_day`).
fn instant(value: &str, zone: Zone, end_of_day: bool) -> Option<DateTime<Utc>> {
    let v = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(v, format) {
            return Some(resolve_local(zone, local));
        }
    }
    let date = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()?;
    if end_of_day {
        let next = date.succ_opt()?;
        Some(resolve_local(zone, next.and_time(NaiveTime::MIN)) - Duration::minutes(1))
    } else {
        Some(resolve_local(zone, date.and_time(NaiveTime::MIN)))
    }
}

/// The calls and events named in the alliance's own material, shipped with the bot so that
/// `/calls` can say what the last one was even before an operator imports any.
pub fn seed_calls() -> Vec<CallDraft> {
    parse_toml(include_str!("../../data/calls.toml")).expect("the shipped calls.toml is valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn seeds_parse_with_their_dates() {
        let seeds = seed_calls();
        assert_eq!(seeds.len(), 7);
        let cba = seeds
            .iter()
            .find(|d| d.uid == "cluster-booster-academy-2024")
            .unwrap();
        assert_eq!(cba.kind, CallKind::Call);
        // 23:59 in Brussels (UTC+2 in October).
        assert_eq!(
            cba.deadline,
            Utc.with_ymd_and_hms(2024, 10, 17, 21, 59, 0).unwrap()
        );
        for d in &seeds {
            assert!(d.title.exact(Locale::ENGLISH).is_some(), "{}", d.uid);
            assert!(
                d.title.exact(Locale::parse("fi").unwrap()).is_some(),
                "{}",
                d.uid
            );
        }
    }

    #[test]
    fn toml_errors_name_the_line() {
        let bad_zone = "[[call]]\nid = \"a\"\nkind = \"call\"\n\n[[call]]\nid = \"b\"\nkind = \"call\"\nzone = \"Mars/Base\"\ndeadline = \"2027-01-01\"\ntitle.en = \"B\"\n";
        let err = parse_toml(bad_zone).unwrap_err();
        assert!(matches!(err, ImportError::Toml { line: 1, .. }), "{err}");
        let bad = "[[call]]\nid = \"a\"\nkind = \"call\"\ndeadline = \"2027-01-01\"\ntitle.en = \"A\"\n\n[[call]]\nid = \"b\"\nkind = \"call\"\nzone = \"Mars/Base\"\ndeadline = \"2027-01-01\"\ntitle.en = \"B\"\n";
        let err = parse_toml(bad).unwrap_err();
        assert_eq!(err.line(), Some(7), "{err}");
        let syntax = "[[call]]\nid = \"a\"\nkind = \n";
        assert_eq!(parse_toml(syntax).unwrap_err().line(), Some(3));
    }
}
