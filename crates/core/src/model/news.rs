//! News for digests: items from the operator's feeds and from `ecabot news add`, each known once
//! however many feeds carry it.
//!
//! An item is a duplicate of a stored one when any of three identities match: its key (the
//! feed's guid, else its link), its link with tracking parameters and fragment removed, or its
//! title and publication day. The first catches a re-published feed, the other two the same
//! story carried by two feeds under different guids.

use chrono::{DateTime, Utc};

use crate::model::locale::Locale;

/// Longest title kept, in characters (feeds are cut to this before they get here).
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest summary kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 600;
/// Longest link kept, in bytes; longer ones are not links anyone shares.
pub const MAX_URL_BYTES: usize = 2048;
/// Longest source name (a feed's `name` in the configuration).
pub const MAX_SOURCE_CHARS: usize = 80;

/// Why an item was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadNews {
    #[error("an item needs a title")]
    NoTitle,
    #[error("an item's link must be an http:// or https:// address")]
    Link,
    #[error("a source name is 1 to {MAX_SOURCE_CHARS} visible characters")]
    Source,
}

/// An item to store: validated, with plain-text title and summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsDraft {
    /// Who published it: a feed's configured name, or the operator.
    pub source: String,
    /// The language it is written in; digests show items in the chat's language and English.
    pub lang: Locale,
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// The feed's own identity of the item, when it has one.
    pub guid: Option<String>,
}

impl NewsDraft {
    /// Checks and tidies an item: control characters go, whitespace is collapsed, lengths are
    /// bounded, and a link that is not http(s) refuses the item.
    pub fn new(
        source: &str,
        lang: Locale,
        title: &str,
        url: &str,
        summary: Option<&str>,
        published: Option<DateTime<Utc>>,
        guid: Option<&str>,
    ) -> Result<NewsDraft, BadNews> {
        let source = tidy(source, MAX_SOURCE_CHARS);
        if source.is_empty() {
            return Err(BadNews::Source);
        }
        let title = tidy(title, MAX_TITLE_CHARS);
        if title.is_empty() {
            return Err(BadNews::NoTitle);
        }
        let url = web_link(url).ok_or(BadNews::Link)?;
        let summary = summary
            .map(|s| tidy(s, MAX_SUMMARY_CHARS))
            .filter(|s| !s.is_empty());
        let guid = guid.map(|g| tidy(g, 512)).filter(|g| !g.is_empty());
        Ok(NewsDraft {
            source,
            lang,
            title,
            url,
            summary,
            published,
            guid,
        })
    }

    /// The item's identity: its source's guid, else the link. A guid is only unique within
    /// its feed (many feeds number their posts), so it counts together with the source.
    pub fn key(&self) -> String {
        match &self.guid {
            Some(guid) => format!("guid:{}\u{1f}{guid}", self.source),
            None => format!("link:{}", self.url),
        }
    }

    /// The link as compared across feeds: no fragment, no `utm_*` tracking parameters, host in
    /// lower case, no trailing slash.
    pub fn url_key(&self) -> String {
        url_key(&self.url)
    }

    /// Title and publication day, when the day is known: the same story under two guids.
    pub fn fingerprint(&self) -> Option<String> {
        let day = self.published?.date_naive();
        let words: String = self
            .title
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Some(format!(
            "{day}:{:016x}",
            crate::model::text::fnv1a(words.as_bytes())
        ))
    }
}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsItem {
    pub id: i64,
    pub source: String,
    pub lang: Locale,
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// When the bot first saw it: digests hold what is new to the bot since the previous one.
    pub added_at: DateTime<Utc>,
}

/// What the bot remembers of a feed between fetches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    pub url: String,
    /// The validators of the last good answer, sent back for a conditional GET.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    /// The last fetch that worked (200 or 304).
    pub ok_at: Option<DateTime<Utc>>,
    /// Failed fetches in a row.
    pub failures: u32,
    pub last_error: Option<String>,
}

/// Plain text on one line, without control or invisible direction characters, at most `max`
/// characters (cut at a word when possible, marked with "…").
fn tidy(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    crate::model::text::truncate_words(&out, max).into_owned()
}

/// `url` if it is an absolute http(s) address worth linking to.
pub fn web_link(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if url.len() > MAX_URL_BYTES || !crate::model::text::is_web_url(url) {
        return None;
    }
    Some(format!("{scheme}://{rest}"))
}

fn url_key(url: &str) -> String {
    let url = url.split('#').next().unwrap_or_default();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path_query) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.to_ascii_lowercase().starts_with("utm_"))
        .collect();
    let path = path.trim_end_matches('/');
    let mut out = format!(
        "{}://{}{path}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    );
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str, url: &str, guid: Option<&str>) -> Result<NewsDraft, BadNews> {
        NewsDraft::new(
            "ECCP",
            Locale::ENGLISH,
            title,
            url,
            None,
            DateTime::from_timestamp(1_795_000_000, 0),
            guid,
        )
    }

    #[test]
    fn links_must_be_web_addresses() {
        for (url, ok) in [
            ("https://clustercollaboration.eu/news/1", true),
            ("HTTP://Example.org", true),
            ("  https://example.org/a  ", true),
            ("javascript:alert(1)", false),
            ("ftp://example.org/file", false),
            ("mailto:x@example.org", false),
            ("https://", false),
            ("/relative/path", false),
            ("https://exa mple.org", false),
            ("https://example.org/\u{0}", false),
        ] {
            assert_eq!(draft("T", url, None).is_ok(), ok, "{url}");
        }
        assert_eq!(draft("T", "ftp://x", None), Err(BadNews::Link));
        assert_eq!(
            draft(" \u{7}\n ", "https://x.org", None),
            Err(BadNews::NoTitle)
        );
    }

    #[test]
    fn text_is_tidied_and_bounded() {
        let d = draft(
            "  Klusteri\u{202E}yhteistyö \n\t– äöå  ",
            "https://x.org",
            None,
        )
        .unwrap();
        assert_eq!(d.title, "Klusteriyhteistyö – äöå");
        let long = draft(&"word ".repeat(200), "https://x.org", None).unwrap();
        assert!(long.title.chars().count() <= MAX_TITLE_CHARS);
        assert!(long.title.ends_with("word…"));
    }

    #[test]
    fn three_identities() {
        let a = draft(
            "Call open",
            "https://x.org/news/1/?utm_source=rss#top",
            None,
        )
        .unwrap();
        let b = draft(
            "CALL  open!",
            "https://X.org/news/1?utm_medium=feed",
            Some("id-1"),
        )
        .unwrap();
        assert_eq!(a.key(), "link:https://x.org/news/1/?utm_source=rss#top");
        assert_eq!(b.key(), "guid:ECCP\u{1f}id-1");
        // Another feed's post number 1 is another story.
        let other = NewsDraft {
            source: "Klusterit".into(),
            url: "https://y.org/1".into(),
            title: "Something else".into(),
            ..b.clone()
        };
        assert_ne!(other.key(), b.key());
        assert_eq!(a.url_key(), "https://x.org/news/1");
        assert_eq!(a.url_key(), b.url_key());
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = draft("Another story", "https://x.org/news/1?page=2", None).unwrap();
        assert_eq!(c.url_key(), "https://x.org/news/1?page=2");
        assert_ne!(a.fingerprint(), c.fingerprint());
        let undated = NewsDraft::new(
            "ECCP",
            Locale::ENGLISH,
            "T",
            "https://x.org",
            None,
            None,
            None,
        )
        .unwrap();
        assert_eq!(undated.fingerprint(), None);
    }
}
