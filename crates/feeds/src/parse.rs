//! RSS 0.9x/1.0/2.0, Atom 1.0 and JSON Feed → normalised entries, read by feed-rs.
//!
//! feed-rs decodes the document in whatever encoding its XML declaration names and resolves
//! relative links against xml:base or the feed's own address. Around it, this module repairs
//! what real feeds often get wrong and feed-rs would refuse (a bare `&`, an `<rss>` without a
//! version), bounds what comes out (entry count, field lengths), turns HTML into plain text,
//! keeps only http(s) links, and says what is wrong with a document that is not a feed.
//! A panic inside feed-rs becomes a [`ParseError`]: hostile input never takes a step down.

use std::borrow::Cow;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use feed_rs::model::{Entry, Feed, FeedType, Text};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use quick_xml::Reader;
use quick_xml::events::Event;
use reqwest::Url;

use crate::html;

/// One item of a feed, normalised: plain-text title and summary, absolute http(s) link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// RSS `<guid>` / Atom `<id>` / JSON Feed `id`, trimmed; None when absent or empty.
    pub guid: Option<String>,
    /// The item's web page: an absolute http:// or https:// URL, relative ones resolved.
    pub link: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    /// The channel/feed title, plain text.
    pub title: Option<String>,
    pub entries: Vec<FeedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not well-formed XML at byte {position}: {message}")]
    Xml { position: u64, message: String },
    #[error("not an RSS, Atom or JSON feed (the document is <{0}>)")]
    NotAFeed(String),
    #[error("the feed's text cannot be decoded ({0})")]
    Encoding(String),
    /// Well-formed, but not a feed feed-rs can read (e.g. a JSON document that is no JSON Feed).
    #[error("not a usable feed: {0}")]
    Invalid(String),
    #[error("the document is empty")]
    Empty,
}

/// Most entries read from one document; the rest are ignored (a feed is a window, not an archive).
pub const MAX_ENTRIES: usize = 1000;
/// Cut lengths before the "…" that marks a cut, so a cut text fits the core's limits
/// ([`ecabot_core::model::news::MAX_TITLE_CHARS`]) with its mark and is not cut again there.
pub const MAX_TITLE_CHARS: usize = ecabot_core::model::news::MAX_TITLE_CHARS - 1;
pub const MAX_SUMMARY_CHARS: usize = ecabot_core::model::news::MAX_SUMMARY_CHARS - 1;

/// The channel title is a label, not content.
const MAX_CHANNEL_TITLE_CHARS: usize = 200;
/// A title borrowed from the summary should still read like a title.
const MAX_FALLBACK_TITLE_CHARS: usize = 120;
/// Text of one field turned into plain text; far more than any bounded output needs,
/// small enough that a 5 MB title costs no more than this.
const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Entries have a handful of links; more is noise or an attack.
const MAX_LINK_CANDIDATES: usize = 16;
/// Keeps error messages (which may quote the document) readable.
const MAX_MESSAGE_CHARS: usize = 200;
/// A character or entity reference longer than this is not one (`&#x10FFFF;`, entity names).
const MAX_REFERENCE_LEN: usize = 64;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a feed document into plain-text entries in document order. `base` is the address
/// the document came from: relative links are resolved against it (after any xml:base).
///
/// Errors only when the document as a whole is unusable; anything wrong with a single
/// field (bad date, a link that is not http(s)) degrades to `None`.
pub fn parse(bytes: &[u8], base: Option<&str>) -> Result<ParsedFeed, ParseError> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let base = base
        .and_then(|b| Url::parse(b).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let is_json = body.iter().find(|b| matches!(b, b'<' | b'{')) == Some(&b'{');
    let doc = if is_json || !ascii_compatible(bytes) {
        Cow::Borrowed(bytes)
    } else {
        if let Some(label) = declared_encoding(bytes)
            && encoding_rs::Encoding::for_label(label.as_bytes()).is_none()
        {
            return Err(ParseError::Encoding(format!(
                "unknown encoding {}",
                printable(&label, 40)
            )));
        }
        // feed-rs can take a decoding error for the end of a field and return what it read
        // so far; a document that is not what it says it is is refused as a whole instead.
        if let Some(encoding) = undecodable(bytes) {
            return Err(ParseError::Encoding(format!("invalid {encoding}")));
        }
        repair(bytes)
    };
    let read = catch_unwind(AssertUnwindSafe(|| read(&doc, base.as_ref())));
    match read {
        Ok(Ok(feed)) => Ok(normalise(feed, base.as_ref(), &doc)),
        Ok(Err(error)) => explain(&error, bytes),
        Err(_) => Err(ParseError::Invalid("the feed parser failed".to_owned())),
    }
}

fn read(doc: &[u8], base: Option<&Url>) -> Result<Feed, ParseFeedError> {
    feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        // An empty id means "none given": the store then identifies the item by its link.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .timestamp_parser(parse_date)
        .build()
        .parse(doc)
}

/// UTF-16 and UTF-32 documents are left to feed-rs's decoder untouched: byte-level repairs
/// assume one byte per ASCII character.
fn ascii_compatible(bytes: &[u8]) -> bool {
    !(bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || bytes.starts_with(b"<\0")
        || bytes.starts_with(b"\0<")
        || bytes.starts_with(b"\0\0"))
}

/// The `encoding` of a leading XML declaration, read from the raw bytes.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let decl = leading_declaration(bytes)?;
    let value = decl.windows(8).enumerate().find_map(|(at, w)| {
        let named = w == b"encoding" && at > 0 && decl[at - 1].is_ascii_whitespace();
        let rest = decl.get(at + 8..)?.trim_ascii_start().strip_prefix(b"=")?;
        named.then_some(rest.trim_ascii_start())
    })?;
    let quote = *value.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = value.get(1..)?;
    let value = value.get(..value.iter().position(|&b| b == quote)?)?;
    Some(String::from_utf8_lossy(value).trim().to_owned())
}

/// The inside of a leading `<?xml … ?>` (after a BOM and whitespace), if there is one.
fn leading_declaration(bytes: &[u8]) -> Option<&[u8]> {
    let lead = bytes.get(declaration_at(bytes)..)?;
    if !is_declaration(lead) {
        return None;
    }
    let decl = lead.get(5..)?;
    decl.get(..decl.windows(2).position(|w| w == b"?>")?)
}

/// The encoding the document claims: its declaration's, else UTF-8 (a BOM overrides both
/// when decoding). An 8-bit document cannot be UTF-16, whatever it declares.
fn claimed_encoding(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    declared_encoding(bytes)
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .map_or(encoding_rs::UTF_8, |e| e.output_encoding())
}

/// The document as text, for the small scans feed-rs cannot do for us; undecodable bytes
/// become U+FFFD (a document that has any fails in feed-rs first).
fn decoded(bytes: &[u8]) -> Cow<'_, str> {
    claimed_encoding(bytes).decode(bytes).0
}

/// Untrusted text for an error message: visible characters only, bounded.
fn printable(s: &str, max: usize) -> String {
    s.chars()
        .filter(|&c| {
            c == ' '
                || !(c.is_whitespace()
                    || c.is_control()
                    || ecabot_core::model::text::is_invisible(c))
        })
        .take(max)
        .collect()
}

/// Fixes, in one pass over the raw bytes, what real feeds get wrong and feed-rs refuses as
/// a whole: a bare `&` (`AT&T`) becomes `&amp;`; a character reference to something that is
/// not an XML character becomes U+FFFD, or is dropped for C0 controls, and `&#150;` means
/// what browsers show (Windows-1252); an `<rss>` root without a version feed-rs knows is
/// read as RSS 2.0. Comments, CDATA and declarations are copied as they are. Borrows when
/// nothing needs fixing.
fn repair(bytes: &[u8]) -> Cow<'_, [u8]> {
    let mut out = Vec::new();
    // `bytes[..copied]` is in `out` (meaningful once something was fixed).
    let mut copied = 0;
    let mut edit = |start: usize, end: usize, with: &[u8], copied: &mut usize| {
        if out.capacity() == 0 {
            out.reserve(bytes.len() + 64);
        }
        out.extend_from_slice(bytes.get(*copied..start).unwrap_or_default());
        out.extend_from_slice(with);
        *copied = end;
    };
    let mut edited = false;
    let mut root_seen = false;
    let mut i = 0;
    // quick-xml switches to a declared encoding only within the document's first 64 bytes and
    // panics after them, and would read an 8-bit document declared UTF-16 as UTF-16: a
    // declaration naming anything but UTF-8 (or naming it more than once) is rewritten short,
    // first, with the encoding the document is read in (a BOM wins, as in browsers).
    let lead = declaration_at(bytes);
    if bytes.get(lead..).is_some_and(is_declaration) {
        let end = skip_past(bytes, lead + 2, b"?>");
        let declared = declared_encoding(bytes)
            .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()));
        // What quick-xml would read the same way needs no rewriting: UTF-8, named once.
        let mentions = leading_declaration(bytes)
            .map_or(0, |d| d.windows(8).filter(|w| *w == b"encoding").count());
        let plain_utf8 = declared == Some(encoding_rs::UTF_8) && mentions == 1;
        if mentions > 0 && !plain_utf8 {
            let declared = declared.unwrap_or(encoding_rs::UTF_8);
            let bom = if bytes.starts_with(UTF8_BOM) {
                UTF8_BOM.len()
            } else {
                0
            };
            let name = if bom > 0 {
                "UTF-8"
            } else {
                declared.output_encoding().name()
            };
            let short = format!("<?xml version=\"1.0\" encoding=\"{name}\"?>");
            edit(bom, end, short.as_bytes(), &mut copied);
            edited = true;
        }
        i = end;
    }
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'&' || b == b'<'))
    {
        let at = i + offset;
        let rest = &bytes[at..];
        if rest[0] == b'<' {
            i = if rest.starts_with(b"<!--") {
                skip_past(bytes, at + 4, b"-->")
            } else if rest.starts_with(b"<![CDATA[") {
                skip_past(bytes, at + 9, b"]]>")
            } else if rest.starts_with(b"<?") {
                let end = skip_past(bytes, at + 2, b"?>");
                // An XML declaration is only allowed first; feed-rs would switch decoders at a
                // late one, which quick-xml refuses with a panic.
                if is_declaration(rest) {
                    edit(at, end, b"", &mut copied);
                    edited = true;
                }
                end
            } else if rest.starts_with(b"<!") {
                skip_declaration(bytes, at + 2)
            } else {
                if !root_seen && rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
                    root_seen = true;
                    if let Some((start, end, with)) = rss_version_fix(bytes, at) {
                        edit(start, end, with, &mut copied);
                        edited = true;
                    }
                }
                at + 1
            };
            continue;
        }
        let (len, fix) = reference_fix(rest);
        if let Some(with) = fix {
            edit(at, at + len, with.as_bytes(), &mut copied);
            edited = true;
        }
        i = at + len.max(1);
    }
    if !edited {
        return Cow::Borrowed(bytes);
    }
    out.extend_from_slice(bytes.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// `<?xml` followed by a space or the end of the declaration (not `<?xml-stylesheet`).
fn is_declaration(rest: &[u8]) -> bool {
    rest.strip_prefix(b"<?xml")
        .and_then(|after| after.first())
        .is_some_and(|b| b.is_ascii_whitespace() || *b == b'?')
}

/// Where the one XML declaration a document may have starts: after a BOM and whitespace.
fn declaration_at(bytes: &[u8]) -> usize {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    bytes.len() - body.trim_ascii_start().len()
}

/// Offset just past the first `end` at or after `from`, or the input length.
fn skip_past(bytes: &[u8], from: usize, end: &[u8]) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.windows(end.len()).position(|w| w == end))
        .map_or(bytes.len(), |p| from + p + end.len())
}

/// Offset just past a `<!DOCTYPE …>` (or other `<!…>`), internal subset `[…]` included.
fn skip_declaration(bytes: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// How many bytes the reference at the start of `rest` (an `&`) spans, and what to write
/// instead when feed-rs would refuse it.
fn reference_fix(rest: &[u8]) -> (usize, Option<String>) {
    let bare = (1, Some("&amp;".to_owned()));
    let Some(semicolon) = rest.iter().take(MAX_REFERENCE_LEN).position(|&b| b == b';') else {
        return bare;
    };
    let body = &rest[1..semicolon];
    let len = semicolon + 1;
    if let Some(num) = body.strip_prefix(b"#") {
        let Some(c) = std::str::from_utf8(num).ok().and_then(html::decode_numeric) else {
            return bare;
        };
        let literal = match num.strip_prefix(b"x").or_else(|| num.strip_prefix(b"X")) {
            Some(hex) => std::str::from_utf8(hex)
                .ok()
                .and_then(|h| u32::from_str_radix(h, 16).ok()),
            None => std::str::from_utf8(num).ok().and_then(|d| d.parse().ok()),
        };
        return match (literal == Some(u32::from(c)), is_xml_char(c)) {
            (true, true) => (len, None),
            (false, true) => (len, Some(format!("&#x{:X};", u32::from(c)))),
            (_, false) => (len, Some(String::new())),
        };
    }
    let name_start = body
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b':'));
    let name_rest = body
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'));
    if name_start && name_rest {
        (len, None)
    } else {
        bare
    }
}

/// Characters XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// feed-rs reads `<rss>` only with version 2.0, 0.91 or 0.92; other versions and none at
/// all are RSS 2.0 in practice. The edit (byte range and replacement) for the root at `at`.
fn rss_version_fix(bytes: &[u8], at: usize) -> Option<(usize, usize, &'static [u8])> {
    let name_end =
        at + 1
            + bytes.get(at + 1..)?.iter().position(|b| {
                !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
            })?;
    if bytes.get(at + 1..name_end) != Some(b"rss".as_slice()) {
        return None;
    }
    let tag_end = name_end + bytes.get(name_end..)?.iter().position(|&b| b == b'>')?;
    let tag = bytes.get(name_end..tag_end)?;
    let found = tag.windows(7).enumerate().find_map(|(i, w)| {
        let after_space = i > 0 && tag[i - 1].is_ascii_whitespace();
        let rest = tag.get(i + 7..)?;
        let rest_trimmed = rest.trim_ascii_start();
        (after_space && w == b"version" && rest_trimmed.first() == Some(&b'='))
            .then(|| i + 7 + (rest.len() - rest_trimmed.len()) + 1)
    });
    let Some(eq_end) = found else {
        return Some((name_end, name_end, b" version=\"2.0\""));
    };
    let value_rest = tag.get(eq_end..)?;
    let value_start = eq_end + (value_rest.len() - value_rest.trim_ascii_start().len());
    let quote = *tag.get(value_start)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value_len = tag
        .get(value_start + 1..)?
        .iter()
        .position(|&b| b == quote)?;
    let value = tag.get(value_start + 1..value_start + 1 + value_len)?;
    if matches!(value, b"2.0" | b"0.91" | b"0.92" | b"") {
        return None;
    }
    let start = name_end + value_start + 1;
    Some((start, start + value_len, b"2.0"))
}

/// A feed-rs failure in this crate's terms. Positions are searched for in the original bytes,
/// so that they point where a reader of the document would look.
fn explain(error: &ParseFeedError, bytes: &[u8]) -> Result<ParsedFeed, ParseError> {
    let message = || printable(&error.to_string(), MAX_MESSAGE_CHARS);
    match error {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => match diagnose(bytes, true) {
            Diagnosis::Malformed { position, message } => Err(xml_error(position, &message)),
            // A feed's root with nothing inside (`<rss/>`, no channel): a feed without entries.
            Diagnosis::Root(root) if matches!(root.as_str(), "rss" | "RDF" | "feed") => {
                Ok(ParsedFeed {
                    title: None,
                    entries: Vec::new(),
                })
            }
            Diagnosis::Root(root) => Err(ParseError::NotAFeed(printable(&root, 64))),
        },
        ParseFeedError::XmlReader(_) | ParseFeedError::IoError(_) => {
            if let Some(encoding) = undecodable(bytes) {
                return Err(ParseError::Encoding(format!("invalid {encoding}")));
            }
            match diagnose(bytes, false) {
                Diagnosis::Malformed { position, message } => Err(xml_error(position, &message)),
                // Well-formed after all, e.g. an xml:base that is no URL.
                Diagnosis::Root(_) => Err(ParseError::Invalid(message())),
            }
        }
        _ => Err(ParseError::Invalid(message())),
    }
}

/// The name of the encoding the document claims (BOM, else declaration, else UTF-8) when its
/// bytes are not valid in it.
fn undecodable(bytes: &[u8]) -> Option<&'static str> {
    let (encoding, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, bytes.get(bom..).unwrap_or_default()),
        None => (claimed_encoding(bytes), bytes),
    };
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut scratch = [0u8; 4096];
    let mut input = body;
    loop {
        let (result, read, _) =
            decoder.decode_to_utf8_without_replacement(input, &mut scratch, true);
        input = input.get(read..).unwrap_or_default();
        match result {
            encoding_rs::DecoderResult::InputEmpty => return None,
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(..) => return Some(encoding.name()),
        }
    }
}

fn xml_error(position: u64, message: &str) -> ParseError {
    ParseError::Xml {
        position,
        message: printable(message, MAX_MESSAGE_CHARS),
    }
}

enum Diagnosis {
    Malformed {
        position: u64,
        message: String,
    },
    /// The root element's local name; the rest was not looked at, or was fine.
    Root(String),
}

/// Where a document stops being XML, or (with `root_only`) what its root element is.
/// Positions count bytes of the document in UTF-8 (the same as its own in a UTF-8 feed).
fn diagnose(bytes: &[u8], root_only: bool) -> Diagnosis {
    let text = decoded(bytes);
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.allow_dangling_amp = true;
    let mut root = None;
    let mut depth = 0usize;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                return Diagnosis::Malformed {
                    position: reader.error_position(),
                    message: error.to_string(),
                };
            }
        };
        let opened = match &event {
            Event::Start(e) => Some((e.local_name(), true)),
            Event::Empty(e) => Some((e.local_name(), false)),
            _ => None,
        };
        if let Some((name, open)) = opened {
            if root.is_none() {
                let name = name.as_ref().to_owned();
                if root_only {
                    return Diagnosis::Root(name);
                }
                root = Some(name);
            }
            depth += usize::from(open);
            continue;
        }
        match event {
            Event::End(_) if depth == 0 => {
                return Diagnosis::Malformed {
                    position: reader.buffer_position(),
                    message: "end tag before any element".to_owned(),
                };
            }
            Event::End(_) => depth -= 1,
            Event::Eof => {
                let position = reader.buffer_position();
                return match root {
                    None => Diagnosis::Malformed {
                        position,
                        message: "no root element".to_owned(),
                    },
                    Some(_) if depth > 0 => Diagnosis::Malformed {
                        position,
                        message: format!(
                            "unexpected end of document with {depth} element(s) still open"
                        ),
                    },
                    Some(root) => Diagnosis::Root(root),
                };
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// RSS 0.9x, 1.0 and 2.0: every text field is HTML by convention.
    Rss,
    /// Atom and JSON Feed: each text says whether it is plain text or HTML.
    Typed,
}

/// How a field's text is turned into plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// HTML (RSS fields, Atom `type="html"`/`"xhtml"`, JSON `content_html`).
    Markup,
    /// Plain text: `&` and `<` are shown as they are.
    Literal,
}

fn normalise(feed: Feed, base: Option<&Url>, doc: &[u8]) -> ParsedFeed {
    let format = match feed.feed_type {
        FeedType::Atom | FeedType::JSON => Format::Typed,
        FeedType::RSS0 | FeedType::RSS1 | FeedType::RSS2 => Format::Rss,
    };
    // Without the feed's own address, relative links are read against the site's.
    let site = feed
        .links
        .iter()
        .find_map(|l| Url::parse(&l.href).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let base = base.or(site.as_ref());
    let title = feed
        .title
        .as_ref()
        .and_then(|t| text(t, format))
        .map(|t| html::truncate_chars(t, MAX_CHANNEL_TITLE_CHARS))
        .filter(|t| !t.is_empty());
    let mut extras = None;
    let mut entries = Vec::new();
    for (index, entry) in feed.entries.iter().enumerate() {
        if entries.len() >= MAX_ENTRIES {
            break;
        }
        let Some(mut converted) = convert(entry, format, base) else {
            continue;
        };
        if converted.link.is_none() && format == Format::Rss {
            let extras = extras.get_or_insert_with(|| RssExtras::read(doc));
            converted.link = extras.link(index, feed.entries.len(), converted.guid.as_deref());
        }
        entries.push(converted);
    }
    ParsedFeed { title, entries }
}

/// One entry in plain text; None when it has neither a title nor a summary to show.
fn convert(entry: &Entry, format: Format, base: Option<&Url>) -> Option<FeedEntry> {
    let summary_text = [
        entry.summary.as_ref().and_then(|t| text(t, format)),
        entry.content.as_ref().and_then(|c| {
            let mode = mode(format, c.content_type.as_ref())?;
            Some(plain(c.body.as_deref()?, mode))
        }),
    ]
    .into_iter()
    .flatten()
    .find(|text| !text.is_empty());
    let title = [entry.title.as_ref()]
        .into_iter()
        .chain(entry.media.iter().map(|m| m.title.as_ref()))
        .flatten()
        .filter_map(|t| text(t, format))
        .find(|t| !t.is_empty());
    let title = match (title, &summary_text) {
        (Some(title), _) => html::truncate_chars(title, MAX_TITLE_CHARS),
        (None, Some(text)) => html::truncate_chars(text.clone(), MAX_FALLBACK_TITLE_CHARS),
        (None, None) => return None,
    };
    let summary = summary_text.map(|text| html::truncate_chars(text, MAX_SUMMARY_CHARS));
    let guid = Some(entry.id.trim())
        .filter(|g| !g.is_empty())
        .map(str::to_owned);
    // Comment links (`target`) are about the item, not the item.
    let links: Vec<(Option<&str>, &str)> = entry
        .links
        .iter()
        .filter(|l| l.target.is_none())
        .take(MAX_LINK_CANDIDATES)
        .map(|l| (l.rel.as_deref(), l.href.as_str()))
        .collect();
    let link = match format {
        Format::Typed => pick_link(&links, base, true),
        // RSS: the first `<link>`; see `RssExtras` for the rest.
        Format::Rss => links.iter().find_map(|(_, href)| valid_link(href, base)),
    };
    Some(FeedEntry {
        guid,
        link,
        title,
        summary,
        published: entry.published.or(entry.updated),
    })
}

/// How a field of this media type reads; None for what is not text (e.g. `image/png`).
fn mode(format: Format, media_type: &str) -> Option<Mode> {
    if format == Format::Rss {
        return Some(Mode::Markup);
    }
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        // feed-rs labels Atom's `type="xhtml"` as "application/xhtml".
        "text/html" | "application/xhtml" | "application/xhtml+xml" => Some(Mode::Markup),
        e if e.starts_with("text/") => Some(Mode::Literal),
        _ => None,
    }
}

/// A text field as plain text, unbounded in length but bounded in cost.
fn text(t: &Text, format: Format) -> Option<String> {
    let mode = mode(format, t.content_type.as_ref())?;
    Some(plain(&t.content, mode))
}

fn plain(raw: &str, mode: Mode) -> String {
    let raw = &raw[..raw.floor_char_boundary(MAX_FIELD_BYTES)];
    match mode {
        Mode::Markup => html::to_text(raw),
        Mode::Literal => html::to_text(&raw.replace('&', "&amp;").replace('<', "&lt;")),
    }
}

/// Link choice among `(rel, href)`s: `alternate` (or no rel) first, then anything but
/// self/edit/enclosure, then (with `last_resort`, for Atom and JSON Feed) whatever
/// http(s) link remains.
fn pick_link(
    links: &[(Option<&str>, &str)],
    base: Option<&Url>,
    last_resort: bool,
) -> Option<String> {
    let rel_of = |rel: Option<&str>| -> String {
        let rel = rel.unwrap_or("alternate").trim();
        // Full IANA relation IRIs are allowed by RFC 4287.
        rel.strip_prefix("http://www.iana.org/assignments/relation/")
            .unwrap_or(rel)
            .to_ascii_lowercase()
    };
    let first = |accept: &dyn Fn(&str) -> bool| {
        links
            .iter()
            .take(MAX_LINK_CANDIDATES)
            .filter(|(rel, _)| accept(&rel_of(*rel)))
            .find_map(|(_, href)| valid_link(href, base))
    };
    first(&|rel| rel.is_empty() || rel == "alternate")
        .or_else(|| first(&|rel| !matches!(rel, "self" | "edit" | "enclosure")))
        .or_else(|| last_resort.then(|| first(&|_| true)).flatten())
}

/// An absolute http(s) URL with a host, relative ones resolved against `base`; None
/// otherwise. Whitespace, control and invisible characters are refused, percent-encoded
/// or not: they enable display spoofing.
fn valid_link(s: &str, base: Option<&Url>) -> Option<String> {
    let s = s.trim();
    let visible = |c: char| {
        !(c.is_whitespace() || c.is_control() || ecabot_core::model::text::is_invisible(c))
    };
    if s.is_empty() || !s.chars().all(visible) {
        return None;
    }
    let url = Url::parse(s).or_else(|e| base.ok_or(e)?.join(s)).ok()?;
    if !ecabot_core::model::text::is_web_url(url.as_str()) {
        return None;
    }
    if !percent_decoded(url.as_str()).chars().all(visible) {
        return None;
    }
    Some(url.into())
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What feed-rs does not report of RSS items, for those without a `<link>`: the guids marked
/// `isPermaLink="false"` (any other guid that is an http(s) URL is the item's address) and
/// each item's `<atom:link>`s. Read with a second, light pass only when such an item exists.
#[derive(Debug, Default)]
struct RssExtras {
    not_permalinks: HashSet<String>,
    /// `(rel, href)` of the `<atom:link>`s of every `<item>` of the first `<channel>`, in
    /// document order: the items feed-rs reads, in its order.
    atom_links: Vec<Vec<(Option<String>, String)>>,
}

impl RssExtras {
    fn read(doc: &[u8]) -> RssExtras {
        let text = decoded(doc);
        let mut reader = Reader::from_str(&text);
        reader.config_mut().allow_dangling_amp = true;
        let mut extras = RssExtras::default();
        let mut depth = 0usize;
        let mut channels = 0usize;
        let mut in_item = false;
        let mut guid: Option<String> = None;
        loop {
            let (start, open) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, true),
                Ok(Event::Empty(e)) => (e, false),
                Ok(Event::Text(t)) => {
                    if let Some(buf) = guid.as_mut() {
                        buf.push_str(&t);
                    }
                    continue;
                }
                Ok(Event::CData(t)) => {
                    if let Some(buf) = guid.as_mut() {
                        buf.push_str(&t);
                    }
                    continue;
                }
                Ok(Event::GeneralRef(r)) => {
                    if let Some(buf) = guid.as_mut() {
                        let entity = quick_xml::escape::resolve_predefined_entity(&r);
                        match (r.resolve_char_ref(), entity) {
                            (Ok(Some(c)), _) => buf.push(c),
                            (_, Some(s)) => buf.push_str(s),
                            _ => {}
                        }
                    }
                    continue;
                }
                Ok(Event::End(_)) => {
                    depth = depth.saturating_sub(1);
                    if let Some(value) = guid.take()
                        && extras.not_permalinks.len() < MAX_ENTRIES
                    {
                        extras.not_permalinks.insert(value.trim().to_owned());
                    }
                    in_item &= depth >= 3;
                    continue;
                }
                Ok(Event::Eof) | Err(_) => return extras,
                Ok(_) => continue,
            };
            depth += 1;
            let name = start.name();
            let (prefix, local) = (name.prefix().is_some(), start.local_name());
            let attribute = |key: &str| {
                start
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref().eq_ignore_ascii_case(key))
                    .map(|a| a.value.into_owned())
            };
            match (depth, local.as_ref()) {
                (2, "channel") if !prefix => channels += 1,
                (3, "item")
                    if !prefix && channels == 1 && extras.atom_links.len() < MAX_ENTRIES =>
                {
                    extras.atom_links.push(Vec::new());
                    in_item = true;
                }
                (4.., "guid") if in_item && open => {
                    let not_permalink = attribute("isPermaLink")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
                    guid = not_permalink.then(String::new);
                }
                (4.., "link") if in_item && prefix => {
                    if let (Some(href), Some(links)) =
                        (attribute("href"), extras.atom_links.last_mut())
                        && links.len() < MAX_LINK_CANDIDATES
                    {
                        links.push((attribute("rel"), href));
                    }
                }
                _ => {}
            }
            if !open {
                depth -= 1;
            }
        }
    }

    /// The address of the `index`th of `count` items that has no `<link>`: its guid if that
    /// is a permalink, else one of its `<atom:link>`s (never `rel="self"`).
    fn link(&self, index: usize, count: usize, guid: Option<&str>) -> Option<String> {
        let permalink = guid
            .filter(|g| !self.not_permalinks.contains(*g))
            .and_then(|g| valid_link(g, None));
        permalink.or_else(|| {
            // Only when both passes saw the same items, so the index means the same one.
            let links = self
                .atom_links
                .get(index)
                .filter(|_| self.atom_links.len() == count)?;
            let links: Vec<(Option<&str>, &str)> = links
                .iter()
                .map(|(rel, href)| (rel.as_deref(), href.as_str()))
                .collect();
            pick_link(&links, None, false)
        })
    }
}

/// RFC 2822 / RFC 3339 with the usual real-world deviations; None when the
/// text is not recognisably a date.
fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    parse_iso_loose(s).or_else(|| parse_rfc2822_loose(s))
}

/// `2026-11-20`, `2026-11-20 10:00`, `2026-11-20T10:00:00.5+0200`, …;
/// no zone means UTC.
fn parse_iso_loose(s: &str) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = s.get(10..)?;
    if rest.is_empty() {
        return date.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let zone_at = rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| matches!(c, 'Z' | 'z' | '+' | '-') || c.is_ascii_alphabetic())
        .map_or(rest.len(), |(i, _)| i);
    let (time, zone) = rest.split_at(zone_at);
    let time = time.trim();
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
        .ok()?;
    let offset = parse_zone(zone.trim())?;
    local_to_utc(NaiveDateTime::new(date, time), offset)
}

/// RFC 2822 without its strictness: optional weekday, full month names,
/// two-digit years, missing seconds or zone, trailing comments.
fn parse_rfc2822_loose(s: &str) -> Option<DateTime<Utc>> {
    let mut tokens = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .peekable();
    if tokens.peek().is_some_and(|t| {
        t.chars().all(|c| c.is_ascii_alphabetic() || c == '.') && month(t).is_none()
    }) {
        tokens.next();
    }
    let mut day_token = tokens.next()?;
    let mut month_token = tokens.next()?;
    // "Nov 20 2026" (month first) shows up too.
    if month(day_token).is_some() {
        std::mem::swap(&mut day_token, &mut month_token);
    }
    let day: u32 = small_number(day_token, 2)?;
    let month = month(month_token)?;
    let year_token = tokens.next()?;
    let year: i32 = small_number(year_token, 4)?;
    let year = match year_token.len() {
        2 if year < 50 => year + 2000,
        2 | 3 => year + 1900,
        _ => year,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = match tokens.next() {
        None => NaiveTime::MIN,
        Some(t) => {
            let mut parts = t.split(':');
            let h = small_number(parts.next()?, 2)?;
            let m = small_number(parts.next()?, 2)?;
            let sec = parts.next().map_or(Some(0), |p| small_number(p, 2))?;
            if parts.next().is_some() {
                return None;
            }
            NaiveTime::from_hms_opt(h, m, sec)?
        }
    };
    let offset = match tokens.next() {
        None => FixedOffset::east_opt(0)?,
        Some(z) => parse_zone(z)?,
    };
    local_to_utc(NaiveDateTime::new(date, time), offset)
}

fn local_to_utc(local: NaiveDateTime, offset: FixedOffset) -> Option<DateTime<Utc>> {
    offset
        .from_local_datetime(&local)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// Decimal number of 1..=`max_digits` digits.
fn small_number<T: std::str::FromStr>(s: &str, max_digits: usize) -> Option<T> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let s = s.trim_end_matches('.');
    if s.len() < 3 || !s.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let prefix = s.get(..3)?.to_ascii_lowercase();
    let index = MONTHS.iter().position(|m| *m == prefix)?;
    u32::try_from(index + 1).ok()
}

/// Numeric offsets (`+0200`, `+02:00`, `-05`) and the zone names feeds
/// actually use. Unknown alphabetic zones count as UTC: a date a few hours
/// off is more useful than none. Empty means UTC.
fn parse_zone(z: &str) -> Option<FixedOffset> {
    let hours = |h: i32| FixedOffset::east_opt(h * 3600);
    if z.is_empty() {
        return hours(0);
    }
    if let Some(sign) = z.chars().next().filter(|c| *c == '+' || *c == '-') {
        let digits: String = z.get(1..)?.chars().filter(|c| *c != ':').collect();
        let (h, m) = match digits.len() {
            2 => (small_number::<i32>(&digits, 2)?, 0),
            4 => (
                small_number::<i32>(digits.get(..2)?, 2)?,
                small_number::<i32>(digits.get(2..)?, 2)?,
            ),
            _ => return None,
        };
        if h > 23 || m > 59 {
            return None;
        }
        let secs = h * 3600 + m * 60;
        return FixedOffset::east_opt(if sign == '-' { -secs } else { secs });
    }
    if z.len() > 5 || !z.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    match z.to_ascii_uppercase().as_str() {
        "EST" => hours(-5),
        "EDT" | "AST" => hours(-4),
        "CST" => hours(-6),
        "CDT" => hours(-5),
        "MST" => hours(-7),
        "MDT" => hours(-6),
        "PST" => hours(-8),
        "PDT" => hours(-7),
        "BST" | "CET" => hours(1),
        "CEST" | "EET" => hours(2),
        "EEST" => hours(3),
        _ => hours(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    }

    fn entry(
        guid: Option<&str>,
        link: Option<&str>,
        title: &str,
        summary: Option<&str>,
        published: Option<&str>,
    ) -> FeedEntry {
        FeedEntry {
            guid: guid.map(str::to_owned),
            link: link.map(str::to_owned),
            title: title.to_owned(),
            summary: summary.map(str::to_owned),
            published: published.and_then(utc),
        }
    }

    fn rss_item(inner: &str) -> String {
        format!(
            "<rss version=\"2.0\"><channel><title>C</title><item>{inner}</item></channel></rss>"
        )
    }

    fn one_entry(doc: &str) -> FeedEntry {
        let feed = parse(doc.as_bytes(), None).unwrap_or_else(|e| panic!("{e}: {doc}"));
        assert_eq!(feed.entries.len(), 1, "{doc}");
        feed.entries[0].clone()
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Uutiset &amp; tiedotteet</title>
  <link>https://example.fi/</link>
  <atom:link href="https://example.fi/feed" rel="self" type="application/rss+xml"/>
  <image><title>Logo</title><url>https://example.fi/logo.png</url></image>
  <item>
    <media:title>Media title loses</media:title>
    <title><![CDATA[<b>Klusteriyhteistyö</b> – äöå]]></title>
    <link>https://example.fi/a?x=1&amp;y=2</link>
    <guid isPermaLink="false">tag:example.fi,2026:1</guid>
    <description>&lt;p&gt;Tervetuloa &lt;a href="x"&gt;mukaan&lt;/a&gt;&lt;/p&gt;</description>
    <pubDate>Fri, 20 Nov 2026 10:00:00 +0200</pubDate>
  </item>
  <item>
    <title>Łódź &amp; Kraków &#8211; caf&#233;</title>
    <guid>https://example.pl/lodz</guid>
    <content:encoded><![CDATA[<p>Only <i>encoded</i> content</p>]]></content:encoded>
    <pubDate>5 Nov 2026 08:30:00 GMT</pubDate>
  </item>
  <item>
    <title></title>
    <link>  HTTPS://Example.com/c  </link>
    <description>Summary becomes the title</description>
    <pubDate>Mon, 2 Nov 2026 12:00 EST</pubDate>
  </item>
  <item><link>https://example.com/neither-title-nor-summary</link></item>
</channel>
</rss>"#;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Blog &lt;em&gt;of&lt;/em&gt; Ada</title>
  <link rel="self" href="https://ada.example/feed.xml"/>
  <entry>
    <title type="html">&lt;b&gt;Bold&lt;/b&gt; move &amp;amp; more</title>
    <link rel="self" href="https://ada.example/api/1"/>
    <link rel="alternate" type="text/html" href="https://ada.example/posts/1"/>
    <id>urn:uuid:1</id>
    <published>2026-11-20T10:00:00Z</published>
    <updated>2026-11-21T10:00:00Z</updated>
    <summary type="html">&lt;p&gt;First&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;Content loses to summary&lt;/p&gt;</content>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Some <b>XHTML</b> &amp; <i>text</i>, a &lt; b</div></title>
    <link rel="edit" href="https://ada.example/edit/2"/>
    <link href="https://ada.example/posts/2"/>
    <id> urn:uuid:2 </id>
    <updated>2026-11-19 09:30</updated>
    <content type="text">Plain &lt;not a tag&gt; text</content>
  </entry>
  <entry>
    <title>Only a self link &amp; a date</title>
    <link rel="self" href="https://ada.example/self/3"/>
    <id>3</id>
    <updated>2026-11-20</updated>
  </entry>
</feed>"#;

    const RDF: &str = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF site</title>
    <link>https://rdf.example/</link>
    <items><rdf:Seq><rdf:li resource="https://rdf.example/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://rdf.example/1">
    <title>First RDF</title>
    <link>https://rdf.example/1</link>
    <description>Desc</description>
    <dc:date>2026-11-20T10:00:00+02:00</dc:date>
  </item>
</rdf:RDF>"#;

    #[test]
    fn samples() {
        let cases: Vec<(&str, Option<&str>, Vec<FeedEntry>)> = vec![
            (
                RSS,
                Some("Uutiset & tiedotteet"),
                vec![
                    entry(
                        Some("tag:example.fi,2026:1"),
                        Some("https://example.fi/a?x=1&y=2"),
                        "Klusteriyhteistyö – äöå",
                        Some("Tervetuloa mukaan"),
                        Some("2026-11-20T08:00:00Z"),
                    ),
                    entry(
                        Some("https://example.pl/lodz"),
                        Some("https://example.pl/lodz"),
                        "Łódź & Kraków – café",
                        Some("Only encoded content"),
                        Some("2026-11-05T08:30:00Z"),
                    ),
                    entry(
                        None,
                        Some("https://example.com/c"),
                        "Summary becomes the title",
                        Some("Summary becomes the title"),
                        Some("2026-11-02T17:00:00Z"),
                    ),
                ],
            ),
            (
                ATOM,
                Some("Blog of Ada"),
                vec![
                    entry(
                        Some("urn:uuid:1"),
                        Some("https://ada.example/posts/1"),
                        "Bold move & more",
                        Some("First"),
                        Some("2026-11-20T10:00:00Z"),
                    ),
                    entry(
                        Some("urn:uuid:2"),
                        Some("https://ada.example/posts/2"),
                        "Some XHTML & text, a < b",
                        Some("Plain <not a tag> text"),
                        Some("2026-11-19T09:30:00Z"),
                    ),
                    entry(
                        Some("3"),
                        Some("https://ada.example/self/3"),
                        "Only a self link & a date",
                        None,
                        Some("2026-11-20T00:00:00Z"),
                    ),
                ],
            ),
            (
                RDF,
                Some("RDF site"),
                // feed-rs does not report `rdf:about`: the item is known by its link, which
                // is the same address.
                vec![entry(
                    None,
                    Some("https://rdf.example/1"),
                    "First RDF",
                    Some("Desc"),
                    Some("2026-11-20T08:00:00Z"),
                )],
            ),
        ];
        for (doc, title, entries) in cases {
            let feed = parse(doc.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(feed.title.as_deref(), title);
            assert_eq!(feed.entries, entries);
        }
    }

    #[test]
    fn rss_fields() {
        // (item XML, expected link, expected title, expected summary)
        let cases: &[(&str, Option<&str>, &str, Option<&str>)] = &[
            (
                "<title>t</title><link>javascript:alert(1)</link>",
                None,
                "t",
                None,
            ),
            (
                "<title>t</title><link>/relative/path</link>",
                None,
                "t",
                None,
            ),
            (
                "<title>t</title><link>ftp://example.com/f</link>",
                None,
                "t",
                None,
            ),
            ("<title>t</title><link>http://</link>", None, "t", None),
            // Read as browsers read it (WHATWG URL parsing): the host is "path".
            (
                "<title>t</title><link>http:///path</link>",
                Some("http://path/"),
                "t",
                None,
            ),
            (
                "<title>t</title><link>https://user@/x</link>",
                None,
                "t",
                None,
            ),
            (
                "<title>t</title><link>https://ex ample.com/</link>",
                None,
                "t",
                None,
            ),
            (
                "<title>t</title><link>https://a.example/\u{202E}x</link>",
                None,
                "t",
                None,
            ),
            (
                "<title>t</title><link>HTTP://a.example/B</link>",
                Some("http://a.example/B"),
                "t",
                None,
            ),
            (
                "<title>t</title><link>https://[::1]:8080/x</link>",
                Some("https://[::1]:8080/x"),
                "t",
                None,
            ),
            // guid permalink only when not isPermaLink="false".
            (
                "<title>t</title><guid isPermaLink=\"false\">https://g.example/1</guid>",
                None,
                "t",
                None,
            ),
            (
                "<title>t</title><guid isPermaLink=\"true\">https://g.example/1</guid>",
                Some("https://g.example/1"),
                "t",
                None,
            ),
            ("<title>t</title><guid>not-a-url</guid>", None, "t", None),
            // atom:link only without <link> text, never rel=self.
            (
                "<title>t</title><atom:link rel=\"self\" href=\"https://s.example/\"/>",
                None,
                "t",
                None,
            ),
            (
                "<title>t</title><atom:link href=\"https://a.example/\"/><link>https://l.example/</link>",
                Some("https://l.example/"),
                "t",
                None,
            ),
            (
                "<title>t</title><atom:link href=\"https://a.example/\"/>",
                Some("https://a.example/"),
                "t",
                None,
            ),
            // Unknown entities and nbsp survive XML and are decoded as HTML.
            (
                "<title>a&nbsp;b &hellip; &foo;</title>",
                None,
                "a b … &foo;",
                None,
            ),
            (
                "<title>AT&T &amp; a & b</title>",
                None,
                "AT&T & a & b",
                None,
            ),
            ("<title>&amp;lt;b&amp;gt;</title>", None, "<b>", None),
            (
                "<title>x</title><description> </description>",
                None,
                "x",
                None,
            ),
            (
                "<title>x</title><description>d</description><content:encoded>e</content:encoded>",
                None,
                "x",
                Some("d"),
            ),
            // Unescaped markup in an RSS description is not text to feed-rs: the item stays,
            // without a summary.
            (
                "<title>x</title><description><p>raw</p><p>xml</p></description>",
                None,
                "x",
                None,
            ),
            ("<title>\u{0}x\u{1}</title>", None, "x", None),
            ("<title/><title>late</title>", None, "late", None),
            // feed-rs keeps a MediaRSS title only with the media it names.
            (
                "<media:content url=\"https://v.example/m.mp4\"/><media:title>m</media:title>",
                None,
                "m",
                None,
            ),
        ];
        for (inner, link, title, summary) in cases {
            let doc = rss_item(inner).replace(
                "<rss version=\"2.0\">",
                "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:media=\"http://search.yahoo.com/mrss/\">",
            );
            let got = one_entry(&doc);
            assert_eq!(got.link.as_deref(), *link, "{inner}");
            assert_eq!(got.title, *title, "{inner}");
            assert_eq!(got.summary.as_deref(), *summary, "{inner}");
        }
    }

    #[test]
    fn errors() {
        let xml = |doc: &[u8]| matches!(parse(doc, None), Err(ParseError::Xml { .. }));
        type Check = fn(&Result<ParsedFeed, ParseError>) -> bool;
        let cases: &[(&[u8], Check)] = &[
            (b"<rss><channel></item></channel></rss>", |r| matches!(r, Err(ParseError::Xml { .. }))),
            (b"<rss><channel><item><title>x</title>", |r| matches!(r, Err(ParseError::Xml { .. }))),
            (b"<rss><channel><item><tit", |r| matches!(r, Err(ParseError::Xml { .. }))),
            (b"<rss><channel><item><title><![CDATA[x", |r| matches!(r, Err(ParseError::Xml { .. }))),
            (b"<rss><channel><item><title>x&amp", |r| r.is_err()),
            (b"hello world", |r| matches!(r, Err(ParseError::Xml { .. }))),
            (b"</rss>", |r| matches!(r, Err(ParseError::Xml { .. }))),
            (
                b"<!DOCTYPE html>\n<html lang=en><body>hi</body></html>",
                |r| *r == Err(ParseError::NotAFeed("html".to_owned())),
            ),
            // Any encoding the declaration names is read; an unknown one is refused by name.
            (
                b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>\xE4</title></channel></rss>",
                |r| r.as_ref().is_ok_and(|f| f.title.as_deref() == Some("\u{E4}")),
            ),
            (
                b"  \n<?xml version='1.0' encoding='windows-1252'?><rss><channel><title>\x80 \x96</title></channel></rss>",
                |r| r.as_ref().is_ok_and(|f| f.title.as_deref() == Some("\u{20AC} \u{2013}")),
            ),
            (
                b"<?xml version='1.0' encoding='klingon'?><rss/>",
                |r| *r == Err(ParseError::Encoding("unknown encoding klingon".to_owned())),
            ),
            (
                b"<?xml version='1.0' encoding='Shift_JIS'?><rss><channel><title>\x82</title></channel></rss>",
                |r| *r == Err(ParseError::Encoding("invalid Shift_JIS".to_owned())),
            ),
            (b"<rss><channel><title>\xE4</title></channel></rss>", |r| {
                *r == Err(ParseError::Encoding("invalid UTF-8".to_owned()))
            }),
            // UTF-16 is read like any other encoding; a cut document is still cut.
            (b"\xFF\xFE<\x00r\x00", |r| matches!(r, Err(ParseError::Xml { .. }))),
            (b"", |r| *r == Err(ParseError::Empty)),
            (b" \r\n\t ", |r| *r == Err(ParseError::Empty)),
            (b"\xEF\xBB\xBF \n", |r| *r == Err(ParseError::Empty)),
            // Tolerated: BOM, whitespace before the declaration, UTF8 label, empty root.
            (b"\xEF\xBB\xBF<rss><channel><title>T</title></channel></rss>", |r| {
                r.as_ref().is_ok_and(|f| f.title.as_deref() == Some("T"))
            }),
            (b"\n  <?xml version=\"1.0\" encoding=\"utf8\"?>\n<rss/>", |r| {
                r.as_ref().is_ok_and(|f| f.entries.is_empty())
            }),
            (b"<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed> trailing", |r| r.is_ok()),
        ];
        for (doc, check) in cases {
            let got = parse(doc, None);
            assert!(check(&got), "{:?} -> {got:?}", String::from_utf8_lossy(doc));
        }
        assert!(xml(b"<rss><channel></item></channel></rss>"));
        let utf16: Vec<u8> =
            "\u{FEFF}<rss version=\"2.0\"><channel><title>Łódź</title></channel></rss>"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect();
        let feed = parse(&utf16, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(feed.title.as_deref(), Some("Łódź"));
        match parse(b"<rss><channel></item></channel></rss>", None) {
            Err(ParseError::Xml { position, .. }) => assert_eq!(position, 14),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn relative_links_are_resolved() {
        let rss = rss_item("<title>t</title><link>../news/1?a=b</link>");
        let feed = "https://example.fi/feeds/all.xml";
        let got = parse(rss.as_bytes(), Some(feed)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            got.entries[0].link.as_deref(),
            Some("https://example.fi/news/1?a=b")
        );
        // Without the feed's address, the channel's link is the base.
        let with_site = rss.replace(
            "<title>C</title>",
            "<title>C</title><link>https://site.example/blog/</link>",
        );
        let got = parse(with_site.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            got.entries[0].link.as_deref(),
            Some("https://site.example/news/1?a=b")
        );
        // Nothing to resolve against: dropped as before; never a non-http(s) base.
        assert_eq!(one_entry(&rss).link, None);
        let got = parse(rss.as_bytes(), Some("file:///etc/feed.xml")).unwrap();
        assert_eq!(got.entries[0].link, None);

        // xml:base (nested ones relative to the outer) comes before the feed's address.
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://ada.example/blog/">
            <entry xml:base="2026/"><title>Nested base</title><id>1</id><link href="post-1"/></entry>
            <entry><title>Feed base</title><id>2</id><link href="/about"/></entry>
            <entry><title>Not http</title><id>3</id><link href="mailto:ada@example.org"/></entry>
        </feed>"#;
        let got = parse(atom.as_bytes(), Some(feed)).unwrap_or_else(|e| panic!("{e}"));
        let links: Vec<Option<&str>> = got.entries.iter().map(|e| e.link.as_deref()).collect();
        assert_eq!(
            links,
            [
                Some("https://ada.example/blog/2026/post-1"),
                Some("https://ada.example/about"),
                None
            ]
        );
    }

    #[test]
    fn json_feed() {
        let doc = r#"{
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Cluster <news> & notes",
            "home_page_url": "https://json.example/",
            "items": [
                {"id": "1", "url": "/posts/1", "title": "A & B <i>plain</i>",
                 "content_html": "<p>Hello <b>world</b></p>", "date_published": "2026-11-20T10:00:00+02:00"},
                {"id": "2", "url": "https://json.example/posts/2", "content_text": "Only text, a < b"},
                {"id": "3", "external_url": "https://elsewhere.example/3", "summary": "Summary & title"}
            ]
        }"#;
        let got = parse(doc.as_bytes(), Some("https://json.example/feed.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.title.as_deref(), Some("Cluster <news> & notes"));
        assert_eq!(
            got.entries,
            [
                entry(
                    Some("1"),
                    Some("https://json.example/posts/1"),
                    "A & B <i>plain</i>",
                    Some("Hello world"),
                    Some("2026-11-20T08:00:00Z"),
                ),
                entry(
                    Some("2"),
                    Some("https://json.example/posts/2"),
                    "Only text, a < b",
                    Some("Only text, a < b"),
                    None,
                ),
                entry(
                    Some("3"),
                    Some("https://elsewhere.example/3"),
                    "Summary & title",
                    Some("Summary & title"),
                    None,
                ),
            ]
        );
        assert!(matches!(
            parse(br#"{"version": "https://jsonfeed.org/version/9"}"#, None),
            Err(ParseError::Invalid(_))
        ));
        assert!(matches!(
            parse(br#"{"not": "a feed"}"#, None),
            Err(ParseError::Invalid(_))
        ));
    }

    #[test]
    fn repairs_before_feed_rs() {
        // Numeric references as browsers read them, and ones to no character at all.
        let got = one_entry(&rss_item("<title>a &#150; b &#0; c &#1;d</title>"));
        assert_eq!(got.title, "a – b \u{FFFD} c d");
        // An RSS version feed-rs does not know is read as 2.0; so is a missing one.
        for root in [
            "<rss version=\"0.94\">",
            "<rss version='2.01' xmlns:x='y'>",
            "<rss >",
        ] {
            let doc = rss_item("<title>t</title>").replace("<rss version=\"2.0\">", root);
            assert_eq!(one_entry(&doc).title, "t", "{root}");
        }
        // A bare `&` inside CDATA or a comment stays as it is.
        let got = one_entry(&rss_item(
            "<title><![CDATA[R&D &amp; more]]></title><!-- a & b --><description>x &amp;amp; y</description>",
        ));
        assert_eq!(
            (got.title.as_str(), got.summary.as_deref()),
            ("R&D & more", Some("x & y"))
        );
        assert!(matches!(repair(b"<rss><channel/></rss>"), Cow::Owned(_)));
        // A second XML declaration naming another encoding is dropped, not obeyed.
        let late = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\
            <title>Late</title><?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><?xml-stylesheet href=\"s\"?>\
            <item><title>t</title></item></channel></rss>";
        let feed = parse(late.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (feed.title.as_deref(), feed.entries.len()),
            (Some("Late"), 1)
        );
        // A declaration past quick-xml's first 64 bytes still sets the encoding.
        let long = b"\r\n\r\n    <?xml version=\"1.0\"    encoding=\"windows-1252\"   standalone=\"yes\" ?>\
            <rss version=\"2.0\"><channel><title>\x80 caf\xe9</title></channel></rss>";
        let feed = parse(long, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(feed.title.as_deref(), Some("\u{20AC} caf\u{E9}"));
        // An 8-bit document that says UTF-16 is read as ASCII-compatible text.
        let said = b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><title>Plain</title></channel></rss>";
        let feed = parse(said, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(feed.title.as_deref(), Some("Plain"));
        assert!(matches!(
            repair(b"<rss version=\"2.0\">a &amp; b</rss>"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn dates() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Fri, 20 Nov 2026 10:00:00 +0200",
                Some("2026-11-20T08:00:00Z"),
            ),
            ("20 Nov 2026 10:00:00 +0200", Some("2026-11-20T08:00:00Z")),
            ("Fri, 6 Nov 2026 10:00:00 GMT", Some("2026-11-06T10:00:00Z")),
            ("6 Nov 2026 10:00:00 UT", Some("2026-11-06T10:00:00Z")),
            ("6 Nov 2026 10:00:00 Z", Some("2026-11-06T10:00:00Z")),
            (
                "Fri, 06 Nov 2026 10:00:00 EST",
                Some("2026-11-06T15:00:00Z"),
            ),
            ("06 Nov 2026 10:00:00 PDT", Some("2026-11-06T17:00:00Z")),
            ("06 Nov 2026 10:00:00 -0330", Some("2026-11-06T13:30:00Z")),
            ("06 Nov 2026 10:00 CDT", Some("2026-11-06T15:00:00Z")),
            (
                "Friday, 06 November 2026 10:00:00 +02:00",
                Some("2026-11-06T08:00:00Z"),
            ),
            ("Wed, 06 Nov 26 10:00:00 GMT", Some("2026-11-06T10:00:00Z")),
            (
                "Mon, 06 Nov 2026 10:00:00 GMT",
                Some("2026-11-06T10:00:00Z"),
            ),
            (
                "06 Nov 2026 10:00:00 +0200 (EET)",
                Some("2026-11-06T08:00:00Z"),
            ),
            ("2026-11-20T10:00:00Z", Some("2026-11-20T10:00:00Z")),
            (
                "2026-11-20T10:00:00.123+02:00",
                Some("2026-11-20T08:00:00.123Z"),
            ),
            ("2026-11-20 10:00:00+02:00", Some("2026-11-20T08:00:00Z")),
            ("2026-11-20T10:00+02:00", Some("2026-11-20T08:00:00Z")),
            ("2026-11-20T10:00", Some("2026-11-20T10:00:00Z")),
            ("2026-11-20", Some("2026-11-20T00:00:00Z")),
            ("  2026-11-20  ", Some("2026-11-20T00:00:00Z")),
            ("", None),
            ("yesterday", None),
            ("2026-13-01", None),
            ("31 Feb 2026 10:00:00 GMT", None),
            ("20 Nov 2026 25:00:00 GMT", None),
            ("20 Nov 2026 10:00:00 +9999", None),
            ("2026-11-20T10:00:00+é1", None),
            ("20 Nov 2026 10:00:00 +é1é", None),
            ("ääääääääää", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input), want.and_then(utc), "{input:?}");
        }
        // A bad date never fails the item.
        let got = one_entry(&rss_item("<title>t</title><pubDate>someday</pubDate>"));
        assert_eq!(got.published, None);
    }

    #[test]
    fn hostile_documents() {
        // Deep nesting inside an item: no recursion, so no stack overflow.
        let depth = 60_000;
        let deep = rss_item(&format!(
            "<title>t</title>{}{}",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        ));
        assert_eq!(one_entry(&deep).title, "t");
        // Deeper than quick-xml allows (65,535): refused as a whole, not a crash.
        let deeper = rss_item(&format!(
            "<title>t</title>{}{}",
            "<a>".repeat(70_000),
            "</a>".repeat(70_000)
        ));
        assert!(parse(deeper.as_bytes(), None).is_err());
        let deep_title = rss_item(&format!("<title>t{}</title>", "<a>".repeat(depth)));
        assert!(matches!(
            parse(deep_title.as_bytes(), None),
            Err(ParseError::Xml { .. })
        ));
        let unclosed = format!("<rss><channel><item>{}", "<a>".repeat(depth));
        assert!(matches!(
            parse(unclosed.as_bytes(), None),
            Err(ParseError::Xml { .. })
        ));

        // A 1 MB title is capped while reading and cut at a word boundary.
        let huge = rss_item(&format!("<title>{}</title>", "word ".repeat(200_000)));
        let title = one_entry(&huge).title;
        assert!(title.ends_with('…'), "{title}");
        assert!(title.chars().count() <= MAX_TITLE_CHARS + 1);
        assert!(title.starts_with("word word"));

        // Entry cap.
        let many = rss_item(&"<title>x</title></item><item>".repeat(MAX_ENTRIES + 5));
        let feed = parse(many.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(feed.entries.len(), MAX_ENTRIES);

        // Many attributes on one element (the duplicate check is quadratic).
        let attrs: String = (0..50_000).map(|i| format!(" a{i}=\"v\"")).collect();
        let doc = rss_item(&format!(
            "<title>t</title><link{attrs}>https://x.example/</link>"
        ));
        assert_eq!(one_entry(&doc).link.as_deref(), Some("https://x.example/"));
    }

    #[test]
    fn fuzz_never_panics() {
        const FRAGMENTS: &[&str] = &[
            "<rss>",
            "<channel>",
            "<item>",
            "</item>",
            "<title>",
            "</title>",
            "&amp;",
            "&#x",
            "<![CDATA[",
            "]]>",
            "<",
            ">",
            "a",
            "é",
            "\u{0}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..2_000 {
            let len = next() % 64;
            // Half the documents start like a feed so the deeper states get exercised.
            let mut doc = if round % 2 == 0 {
                "<rss><channel><item><title>".to_owned()
            } else {
                String::new()
            };
            for _ in 0..len {
                let i = usize::try_from(next() % FRAGMENTS.len() as u64).unwrap_or(0);
                doc.push_str(FRAGMENTS[i]);
            }
            let _ = parse(doc.as_bytes(), None);
            // Also exercise the byte-level paths with a cut inside `é`.
            let bytes = doc.as_bytes();
            let _ = parse(&bytes[..bytes.len() / 2], None);
        }
    }
}
