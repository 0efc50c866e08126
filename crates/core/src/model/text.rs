//! Small text rules used across the crate and by the adapters, each in one place: cutting a text
//! to a length, the hash that names things stably, "one typo away", and what counts as a web
//! address.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

/// What a cut text ends with.
pub const ELLIPSIS: char = '…';

/// `text` in at most `max_chars` characters, the ellipsis included. The cut falls between
/// grapheme clusters, so an emoji sequence or a letter with its accents is never split.
pub fn truncate(text: &str, max_chars: usize) -> Cow<'_, str> {
    match cut_at(text, max_chars) {
        None => Cow::Borrowed(text),
        Some(end) => Cow::Owned(with_ellipsis(&text[..end])),
    }
}

/// As [`truncate`], but ends at the last space when that keeps at least half of the room, so
/// summaries end on a whole word.
pub fn truncate_words(text: &str, max_chars: usize) -> Cow<'_, str> {
    let Some(end) = cut_at(text, max_chars) else {
        return Cow::Borrowed(text);
    };
    let head = &text[..end];
    let at_word = match head.rfind(' ') {
        _ if text[end..].starts_with(' ') => head,
        Some(space) if head[..space].chars().count() * 2 >= max_chars.saturating_sub(1) => {
            &head[..space]
        }
        _ => head,
    };
    Cow::Owned(with_ellipsis(at_word))
}

/// The byte length of the longest grapheme prefix that leaves room for the ellipsis, or `None`
/// when the whole text fits.
fn cut_at(text: &str, max_chars: usize) -> Option<usize> {
    text.chars().nth(max_chars)?;
    let room = max_chars.saturating_sub(1);
    let mut used = 0;
    let mut end = 0;
    for grapheme in text.graphemes(true) {
        used += grapheme.chars().count();
        if used > room {
            break;
        }
        end += grapheme.len();
    }
    Some(end)
}

fn with_ellipsis(head: &str) -> String {
    if head.is_empty() {
        return String::new();
    }
    let mut out = head.trim_end().to_owned();
    out.push(ELLIPSIS);
    out
}

/// FNV-1a: a hash that stays the same across processes, platforms and versions (unlike std's),
/// for names derived from text (call ids, fingerprints, Discord nonces).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether two words are at most one edit apart (one insertion, deletion, substitution or swap
/// of neighbours: the Damerau–Levenshtein distance is at most one). Linear in the words' length.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match (ra.len(), rb.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        (x, y) if x > y => ra[1..] == *rb,
        _ => *ra == rb[1..],
    }
}

/// Characters that change how text is shown without being seen: soft hyphens, zero-width marks
/// and direction overrides. In a link they enable spoofing.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Whether `url` is an absolute `http://` or `https://` address with a host, written without
/// spaces, control or invisible characters: the one rule for every link the bot shows or stores.
pub fn is_web_url(url: &str) -> bool {
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        return false;
    }
    url::Url::parse(url).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_the_ellipsis_and_keeps_graphemes_whole() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc def", 5), "abc…");
        assert_eq!(truncate("abcdef", 0), "");
        // A family emoji is one grapheme of several code points: it goes whole or not at all.
        let family = "👨\u{200D}👩\u{200D}👧";
        let text = format!("ab{family}cd");
        assert_eq!(truncate(&text, 6), "ab…");
        // A letter with a combining accent stays together.
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 3), "e\u{301}…");
        for max in 0..12 {
            assert!(truncate("Päivää 👋🏽 hyvät ihmiset", max).chars().count() <= max);
        }
    }

    #[test]
    fn word_truncation_prefers_a_space_when_it_keeps_half() {
        assert_eq!(truncate_words("alpha beta gamma", 12), "alpha beta…");
        assert_eq!(truncate_words("alpha beta gamma", 11), "alpha beta…");
        assert_eq!(truncate_words("alpha betagamma", 11), "alpha…");
        assert_eq!(truncate_words("a verylongwordhere", 12), "a verylongw…");
        assert_eq!(truncate_words("short", 12), "short");
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("cluster", "cluster"));
        assert!(within_one_edit("cluster", "clster"));
        assert!(within_one_edit("cluster", "clusetr"));
        assert!(!within_one_edit("cluster", "clsuetr"));
        assert!(!within_one_edit("helsinki", "berlin"));
    }

    #[test]
    fn web_urls() {
        for good in [
            "https://clustersalliance.eu/",
            "http://x.org/a?b=c#d",
            "HTTPS://X.ORG",
        ] {
            assert!(is_web_url(good), "{good}");
        }
        for bad in [
            "https://?x",
            "https://",
            "ftp://x.org",
            "javascript:alert(1)",
            "mailto:a@b.c",
            "https://x.org/a b",
            "https://x.org/\u{202E}gpj",
            "//x.org",
            "x.org",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
