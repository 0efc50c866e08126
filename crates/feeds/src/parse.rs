//! RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 1.0 → normalised entries.
//!
//! Feeds come from arbitrary servers, so this is a single streaming pass
//! over quick-xml events with an explicit stack (no recursion, no DOM),
//! bounded per-field buffers and an entry cap: hostile input costs linear
//! time and bounded memory, and never panics.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::html;

/// One item of a feed, normalised: plain-text title and summary, absolute http(s) link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// RSS `<guid>` / Atom `<id>`, trimmed; None when absent or empty.
    pub guid: Option<String>,
    /// The item's web page; only absolute http:// or https:// URLs (see rules).
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
    #[error("not an RSS or Atom feed (the document is <{0}>)")]
    NotAFeed(String),
    #[error("the feed is not UTF-8 ({0})")]
    Encoding(String),
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
/// Text kept per field; far more than any bounded output needs, small
/// enough that a 20 MB title cannot balloon memory.
const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Atom entries have a handful of links; more is noise or an attack.
const MAX_LINK_CANDIDATES: usize = 16;
/// Keeps error messages (which may quote element names) readable.
const MAX_MESSAGE_CHARS: usize = 200;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses an RSS or Atom document into plain-text entries in document order.
///
/// Errors only when the document as a whole is unusable; anything wrong
/// with a single field (bad date, relative link) degrades to `None`.
pub fn parse(bytes: &[u8]) -> Result<ParsedFeed, ParseError> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ParseError::Encoding("UTF-16".to_owned()));
    }
    if let Some(label) = declared_encoding(bytes)
        && !is_utf8_label(&label)
    {
        return Err(ParseError::Encoding(printable(&label, 40)));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| ParseError::Encoding("invalid UTF-8".to_owned()))?;
    run(text)
}

/// The `encoding` of a leading XML declaration. Read from raw bytes before
/// the UTF-8 check so that a Latin-1 feed reports its real encoding rather
/// than "invalid UTF-8".
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(bytes);
    // Leading whitespace is one text event; nothing else may precede `<?xml`.
    for _ in 0..2 {
        match reader.read_event() {
            Ok(Event::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => continue,
            Ok(Event::Decl(decl)) => {
                let label = decl.encoding()?.ok()?;
                return Some(String::from_utf8_lossy(&label).trim().to_owned());
            }
            _ => return None,
        }
    }
    None
}

/// US-ASCII is accepted too: it is a strict subset, and the byte-level
/// UTF-8 check still runs.
fn is_utf8_label(label: &str) -> bool {
    ["utf-8", "utf8", "us-ascii", "ascii"]
        .iter()
        .any(|l| l.eq_ignore_ascii_case(label))
}

/// Untrusted text for an error message: visible characters only, bounded.
fn printable(s: &str, max: usize) -> String {
    s.chars()
        .filter(|&c| c == ' ' || !(c.is_whitespace() || c.is_control() || html::is_invisible(c)))
        .take(max)
        .collect()
}

fn xml_error(position: u64, message: &str) -> ParseError {
    ParseError::Xml {
        position,
        message: html::truncate_chars(message.to_owned(), MAX_MESSAGE_CHARS),
    }
}

fn run(text: &str) -> Result<ParsedFeed, ParseError> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    // `AT&T` and `a & b` are common in real feeds; keep them as text.
    config.allow_dangling_amp = true;
    config.expand_empty_elements = false;
    config.trim_text(false);

    let mut parser: Option<Parser> = None;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => return Err(xml_error(reader.error_position(), &err.to_string())),
        };
        match (&mut parser, event) {
            (None, Event::Start(e)) => {
                let mut p = Parser::new(root_format(&e)?);
                p.stack.push(Node::Root);
                parser = Some(p);
            }
            (None, Event::Empty(e)) => return Ok(Parser::new(root_format(&e)?).finish()),
            (None, Event::End(_)) => {
                return Err(xml_error(
                    reader.buffer_position(),
                    "end tag before any element",
                ));
            }
            (None, Event::Eof) => {
                return Err(xml_error(reader.buffer_position(), "no root element"));
            }
            (None, _) => {}
            (Some(p), Event::Start(e)) => p.start(&e, false),
            (Some(p), Event::Empty(e)) => p.start(&e, true),
            (Some(p), Event::End(e)) => {
                p.end(e.local_name().as_ref());
                if p.stack.is_empty() {
                    // Root closed: whatever follows is not part of the feed.
                    return Ok(parser.map(Parser::finish).unwrap_or_else(empty_feed));
                }
            }
            (Some(p), Event::Text(t)) => {
                if let (Some(cap), Ok(s)) = (p.capture.as_mut(), t.decode()) {
                    cap.push_text(&s);
                }
            }
            (Some(p), Event::CData(t)) => {
                if let (Some(cap), Ok(s)) = (p.capture.as_mut(), t.decode()) {
                    cap.push_text(&s);
                }
            }
            (Some(p), Event::GeneralRef(r)) => {
                if let (Some(cap), Ok(name)) = (p.capture.as_mut(), r.decode()) {
                    cap.push_reference(&name);
                }
            }
            (Some(p), Event::Eof) => {
                let open = p.stack.len();
                return Err(xml_error(
                    reader.buffer_position(),
                    &format!("unexpected end of document with {open} element(s) still open"),
                ));
            }
            (Some(_), Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_)) => {}
        }
    }
}

/// The feed dialect named by the root element.
fn root_format(e: &BytesStart<'_>) -> Result<Format, ParseError> {
    let local = e.local_name();
    let name = local.as_ref();
    if name.eq_ignore_ascii_case(b"rss") {
        Ok(Format::Rss)
    } else if name.eq_ignore_ascii_case(b"rdf") {
        Ok(Format::Rdf)
    } else if name.eq_ignore_ascii_case(b"feed") {
        Ok(Format::Atom)
    } else {
        let name = String::from_utf8_lossy(name);
        Err(ParseError::NotAFeed(printable(&name, 64)))
    }
}

fn empty_feed() -> ParsedFeed {
    ParsedFeed {
        title: None,
        entries: Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Rss,
    Rdf,
    Atom,
}

/// What an open element means to us; one byte per nesting level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Root,
    Channel,
    Item,
    Other,
}

/// How captured text is stored so that `html::to_text` can treat every
/// field the same way afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The text is HTML (RSS fields, Atom type="html"): kept as is.
    Markup,
    /// The text is plain (Atom type="text"/"xhtml"): `&` and `<` are
    /// escaped so `to_text` shows them literally.
    Literal,
    /// Identifiers, URLs and dates: no markup at all, nested tags ignored.
    Raw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    ChannelTitle,
    Title,
    LinkText,
    Guid,
    Id,
    Description,
    Encoded,
    Summary,
    Content,
    Date(usize),
}

/// Date elements in order of preference: publication before modification.
const DATE_ELEMENTS: [&str; 6] = [
    "pubdate",
    "published",
    "issued",
    "date",
    "updated",
    "modified",
];

/// Text collected for one field element.
struct Capture {
    target: Target,
    /// Stack length while inside the field element; popping below it ends the capture.
    depth: usize,
    mode: Mode,
    /// A namespace-prefixed element (`media:title`) only fills a slot that no
    /// un-prefixed element has filled.
    prefixed: bool,
    /// `<guid isPermaLink="…">`.
    permalink: bool,
    buf: String,
}

impl Capture {
    fn push_raw(&mut self, s: &str) {
        let room = MAX_FIELD_BYTES.saturating_sub(self.buf.len());
        if s.len() <= room {
            self.buf.push_str(s);
        } else {
            self.buf.push_str(&s[..s.floor_char_boundary(room)]);
        }
    }

    fn push_text(&mut self, s: &str) {
        if self.mode != Mode::Literal {
            self.push_raw(s);
            return;
        }
        for c in s.chars() {
            if self.buf.len() >= MAX_FIELD_BYTES {
                break;
            }
            match c {
                '&' => self.push_raw("&amp;"),
                '<' => self.push_raw("&lt;"),
                _ => {
                    let mut tmp = [0u8; 4];
                    self.push_raw(c.encode_utf8(&mut tmp));
                }
            }
        }
    }

    /// quick-xml 0.38 reports `&name;` as a separate `GeneralRef` event.
    /// Character references and the five XML entities are decoded; anything
    /// else (`&nbsp;`, undeclared in XML but common) is kept literally for
    /// `html::to_text` instead of failing the whole document.
    fn push_reference(&mut self, name: &str) {
        let decoded = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => name.strip_prefix('#').and_then(html::decode_numeric),
        };
        match decoded {
            Some(c) => {
                let mut tmp = [0u8; 4];
                self.push_text(c.encode_utf8(&mut tmp));
            }
            None => {
                self.push_raw("&");
                self.push_raw(name);
                self.push_raw(";");
            }
        }
    }

    /// Nested elements (xhtml content, stray HTML in descriptions) are
    /// re-emitted as bare tags so `to_text` still sees block boundaries
    /// and script/style; attributes are never copied.
    fn push_tag(&mut self, local: &[u8], closing: bool, empty: bool) {
        if self.mode == Mode::Raw || !local.first().is_some_and(u8::is_ascii_alphabetic) {
            return;
        }
        let Ok(name) = std::str::from_utf8(local) else {
            return;
        };
        self.push_raw(if closing { "</" } else { "<" });
        self.push_raw(name);
        self.push_raw(if empty { "/>" } else { ">" });
    }
}

/// A field value plus whether it came from a prefixed element.
#[derive(Debug, Default)]
struct Slot {
    value: Option<String>,
    prefixed: bool,
}

impl Slot {
    /// First value wins, except that an un-prefixed element replaces a
    /// prefixed one (`<title>` beats an earlier `<media:title>`).
    fn wants(&self, prefixed: bool) -> bool {
        self.value.is_none() || (self.prefixed && !prefixed)
    }

    /// Blank elements (`<title/>`) do not take the slot from a later real one.
    fn accepts(&self, value: &str, prefixed: bool) -> bool {
        self.wants(prefixed) && !value.trim().is_empty()
    }

    fn offer(&mut self, value: String, prefixed: bool) {
        if self.accepts(&value, prefixed) {
            self.value = Some(value);
            self.prefixed = prefixed;
        }
    }
}

#[derive(Debug)]
struct LinkCandidate {
    rel: Option<String>,
    href: String,
}

/// Raw field text of the entry being read.
#[derive(Debug, Default)]
struct RawEntry {
    title: Slot,
    link_text: Slot,
    guid: Slot,
    guid_permalink: bool,
    id: Slot,
    description: Slot,
    encoded: Slot,
    summary: Slot,
    content: Slot,
    dates: [Slot; DATE_ELEMENTS.len()],
    links: Vec<LinkCandidate>,
    /// RSS 1.0 `rdf:about`, the item's identity when there is no guid.
    about: Option<String>,
}

struct Parser {
    format: Format,
    stack: Vec<Node>,
    capture: Option<Capture>,
    channel_title: Slot,
    /// None between items and for items beyond `MAX_ENTRIES`.
    entry: Option<RawEntry>,
    entries: Vec<FeedEntry>,
}

impl Parser {
    fn new(format: Format) -> Self {
        Parser {
            format,
            stack: Vec::new(),
            capture: None,
            channel_title: Slot::default(),
            entry: None,
            entries: Vec::new(),
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let local = e.local_name();
        if let Some(cap) = self.capture.as_mut() {
            cap.push_tag(local.as_ref(), false, empty);
            if !empty {
                self.stack.push(Node::Other);
            }
            return;
        }
        let (node, capture) = self.classify(e);
        self.stack.push(node);
        if let Some((target, mode, permalink)) = capture {
            self.capture = Some(Capture {
                target,
                depth: self.stack.len(),
                mode,
                prefixed: e.name().prefix().is_some(),
                permalink,
                buf: String::new(),
            });
        }
        if node == Node::Item {
            self.entry = (self.entries.len() < MAX_ENTRIES).then(|| RawEntry {
                about: attribute(e, b"about"),
                ..RawEntry::default()
            });
        }
        if empty {
            self.end(local.as_ref());
        }
    }

    fn end(&mut self, local: &[u8]) {
        let Some(node) = self.stack.pop() else {
            return;
        };
        if let Some(cap) = self.capture.as_mut() {
            if self.stack.len() >= cap.depth {
                cap.push_tag(local, true, false);
                return;
            }
            if let Some(cap) = self.capture.take() {
                self.finish_capture(cap);
            }
        }
        if node == Node::Item {
            self.finish_entry();
        }
    }

    /// Decides what a new element (outside any capture) is.
    fn classify(&mut self, e: &BytesStart<'_>) -> (Node, Option<(Target, Mode, bool)>) {
        let local = e.local_name();
        let name = local.as_ref();
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let atom = self.format == Format::Atom;
        match self.stack.last() {
            Some(Node::Root) if !atom && is("channel") => (Node::Channel, None),
            // RSS 1.0 puts items next to the channel; be lenient for RSS too.
            Some(Node::Root) if !atom && is("item") => (Node::Item, None),
            Some(Node::Root) if atom && is("entry") => (Node::Item, None),
            Some(Node::Root) if atom && is("title") => (
                Node::Other,
                self.text_mode(e)
                    .map(|mode| (Target::ChannelTitle, mode, false)),
            ),
            Some(Node::Channel) if is("item") => (Node::Item, None),
            Some(Node::Channel) if is("title") => (
                Node::Other,
                Some((Target::ChannelTitle, Mode::Markup, false)),
            ),
            Some(Node::Item) => (Node::Other, self.classify_field(e)),
            _ => (Node::Other, None),
        }
    }

    fn classify_field(&mut self, e: &BytesStart<'_>) -> Option<(Target, Mode, bool)> {
        let atom = self.format == Format::Atom;
        let local = e.local_name();
        let name = local.as_ref();
        let prefixed = e.name().prefix().is_some();
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        if is("link") {
            let href = attribute(e, b"href");
            let entry = self.entry.as_mut()?;
            if let Some(href) = href
                && entry.links.len() < MAX_LINK_CANDIDATES
            {
                entry.links.push(LinkCandidate {
                    rel: attribute(e, b"rel"),
                    href,
                });
            }
            // Only RSS's own `<link>` carries the URL as text.
            return (!atom && !prefixed && entry.link_text.wants(false)).then_some((
                Target::LinkText,
                Mode::Raw,
                false,
            ));
        }
        let (target, slot_free) = {
            let entry = self.entry.as_ref()?;
            let pick = |t: Target, s: &Slot| Some((t, s.wants(prefixed)));
            if is("title") {
                pick(Target::Title, &entry.title)
            } else if is("guid") {
                pick(Target::Guid, &entry.guid)
            } else if is("id") {
                pick(Target::Id, &entry.id)
            } else if is("description") {
                pick(Target::Description, &entry.description)
            } else if is("encoded") {
                pick(Target::Encoded, &entry.encoded)
            } else if is("summary") {
                pick(Target::Summary, &entry.summary)
            } else if is("content") {
                pick(Target::Content, &entry.content)
            } else {
                DATE_ELEMENTS
                    .iter()
                    .position(|d| is(d))
                    .and_then(|i| pick(Target::Date(i), entry.dates.get(i)?))
            }
        }?;
        if !slot_free {
            return None;
        }
        let mode = match target {
            Target::Title | Target::Summary | Target::Content => {
                if target == Target::Content && attribute(e, b"src").is_some() {
                    return None;
                }
                self.text_mode(e)?
            }
            Target::Description | Target::Encoded => Mode::Markup,
            _ => Mode::Raw,
        };
        let permalink = target == Target::Guid
            && !attribute(e, b"isPermaLink")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
        Some((target, mode, permalink))
    }

    /// Atom's `type` attribute decides how text is read; RSS text is HTML by
    /// convention. None for binary Atom content (e.g. `type="image/png"`).
    fn text_mode(&self, e: &BytesStart<'_>) -> Option<Mode> {
        if self.format != Format::Atom {
            return Some(Mode::Markup);
        }
        let Some(kind) = attribute(e, b"type") else {
            return Some(Mode::Literal);
        };
        let kind = kind.trim().to_ascii_lowercase();
        match kind.as_str() {
            "html" | "text/html" => Some(Mode::Markup),
            "text" | "xhtml" | "application/xhtml+xml" => Some(Mode::Literal),
            k if k.starts_with("text/") => Some(Mode::Literal),
            _ => None,
        }
    }

    fn finish_capture(&mut self, cap: Capture) {
        if cap.target == Target::ChannelTitle {
            self.channel_title.offer(cap.buf, cap.prefixed);
            return;
        }
        let Some(entry) = self.entry.as_mut() else {
            return;
        };
        let slot = match cap.target {
            Target::ChannelTitle => return,
            Target::Title => &mut entry.title,
            Target::LinkText => &mut entry.link_text,
            Target::Guid => {
                if entry.guid.accepts(&cap.buf, cap.prefixed) {
                    entry.guid_permalink = cap.permalink;
                }
                &mut entry.guid
            }
            Target::Id => &mut entry.id,
            Target::Description => &mut entry.description,
            Target::Encoded => &mut entry.encoded,
            Target::Summary => &mut entry.summary,
            Target::Content => &mut entry.content,
            Target::Date(i) => match entry.dates.get_mut(i) {
                Some(slot) => slot,
                None => return,
            },
        };
        slot.offer(cap.buf, cap.prefixed);
    }

    fn finish_entry(&mut self) {
        let Some(raw) = self.entry.take() else {
            return;
        };
        if self.entries.len() >= MAX_ENTRIES {
            return;
        }
        let summary_text = [&raw.description, &raw.encoded, &raw.summary, &raw.content]
            .into_iter()
            .filter_map(|slot| slot.value.as_deref())
            .map(html::to_text)
            .find(|text| !text.is_empty());
        let title = raw
            .title
            .value
            .as_deref()
            .map(|t| html::to_text_bounded(t, MAX_TITLE_CHARS))
            .unwrap_or_default();
        let title = if title.is_empty() {
            match &summary_text {
                Some(text) => html::truncate_chars(text.clone(), MAX_FALLBACK_TITLE_CHARS),
                None => return,
            }
        } else {
            title
        };
        let summary = summary_text.map(|text| html::truncate_chars(text, MAX_SUMMARY_CHARS));

        let guid_text = non_empty(raw.guid.value.as_deref());
        let link = if self.format == Format::Atom {
            pick_link(&raw.links, true)
        } else {
            non_empty(raw.link_text.value.as_deref())
                .and_then(valid_link)
                .or_else(|| {
                    guid_text
                        .filter(|_| raw.guid_permalink)
                        .and_then(valid_link)
                })
                .or_else(|| pick_link(&raw.links, false))
        };
        let guid = guid_text
            .or_else(|| non_empty(raw.id.value.as_deref()))
            .or_else(|| non_empty(raw.about.as_deref()))
            .map(str::to_owned);
        let published = raw
            .dates
            .iter()
            .filter_map(|slot| slot.value.as_deref())
            .find_map(parse_date);

        self.entries.push(FeedEntry {
            guid,
            link,
            title,
            summary,
            published,
        });
    }

    fn finish(self) -> ParsedFeed {
        let title = self
            .channel_title
            .value
            .map(|t| html::to_text_bounded(&t, MAX_CHANNEL_TITLE_CHARS))
            .filter(|t| !t.is_empty());
        ParsedFeed {
            title,
            entries: self.entries,
        }
    }
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Value of the attribute with this local name (prefix ignored). Malformed
/// attributes end the scan rather than the parse: one bad attribute must not
/// cost the whole feed.
fn attribute(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    let mut attrs = e.attributes();
    // The duplicate check is quadratic in the number of attributes.
    attrs.with_checks(false);
    for attr in attrs {
        let Ok(attr) = attr else {
            return None;
        };
        if attr.key.local_name().as_ref().eq_ignore_ascii_case(local) {
            return Some(match attr.unescape_value() {
                Ok(v) => v.into_owned(),
                // e.g. `&nbsp;` in an attribute: use it undecoded.
                Err(_) => String::from_utf8_lossy(&attr.value).into_owned(),
            });
        }
    }
    None
}

/// Atom link choice: `alternate` (or no rel) first, then anything but
/// self/edit/enclosure, then (Atom only) whatever http(s) link remains.
fn pick_link(links: &[LinkCandidate], last_resort: bool) -> Option<String> {
    let rel_of = |l: &LinkCandidate| -> String {
        let rel = l.rel.as_deref().unwrap_or("alternate").trim();
        // Full IANA relation IRIs are allowed by RFC 4287.
        rel.strip_prefix("http://www.iana.org/assignments/relation/")
            .unwrap_or(rel)
            .to_ascii_lowercase()
    };
    let first = |accept: &dyn Fn(&str) -> bool| {
        links
            .iter()
            .filter(|l| accept(&rel_of(l)))
            .find_map(|l| valid_link(&l.href))
    };
    first(&|rel| rel.is_empty() || rel == "alternate")
        .or_else(|| first(&|rel| !matches!(rel, "self" | "edit" | "enclosure")))
        .or_else(|| last_resort.then(|| first(&|_| true)).flatten())
}

/// Absolute http(s) URL with a host, or None. Whitespace, control and
/// invisible characters are rejected (they enable display spoofing).
fn valid_link(s: &str) -> Option<String> {
    let s = s.trim();
    if s.chars()
        .any(|c| c.is_whitespace() || c.is_control() || html::is_invisible(c))
    {
        return None;
    }
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
            .split_once(']')
            .map_or("", |(h, _)| h.trim_start_matches('['))
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{rest}"))
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
        let feed = parse(doc.as_bytes()).unwrap_or_else(|e| panic!("{e}: {doc}"));
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
                        Some("https://Example.com/c"),
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
                vec![entry(
                    Some("https://rdf.example/1"),
                    Some("https://rdf.example/1"),
                    "First RDF",
                    Some("Desc"),
                    Some("2026-11-20T08:00:00Z"),
                )],
            ),
        ];
        for (doc, title, entries) in cases {
            let feed = parse(doc.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
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
            ("<title>t</title><link>http:///path</link>", None, "t", None),
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
            (
                "<title>x</title><description><p>raw</p><p>xml</p></description>",
                None,
                "x",
                Some("raw xml"),
            ),
            ("<title>\u{0}x\u{1}</title>", None, "x", None),
            ("<title/><title>late</title>", None, "late", None),
            ("<media:title>m</media:title>", None, "m", None),
        ];
        for (inner, link, title, summary) in cases {
            let doc = rss_item(inner).replace(
                "<rss version=\"2.0\">",
                "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"c\" xmlns:media=\"m\">",
            );
            let got = one_entry(&doc);
            assert_eq!(got.link.as_deref(), *link, "{inner}");
            assert_eq!(got.title, *title, "{inner}");
            assert_eq!(got.summary.as_deref(), *summary, "{inner}");
        }
    }

    #[test]
    fn errors() {
        let xml = |doc: &[u8]| matches!(parse(doc), Err(ParseError::Xml { .. }));
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
            (
                b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>\xE4</title></channel></rss>",
                |r| *r == Err(ParseError::Encoding("ISO-8859-1".to_owned())),
            ),
            (
                b"  \n<?xml version='1.0' encoding='windows-1252'?><rss/>",
                |r| *r == Err(ParseError::Encoding("windows-1252".to_owned())),
            ),
            (b"<rss><channel><title>\xE4</title></channel></rss>", |r| {
                *r == Err(ParseError::Encoding("invalid UTF-8".to_owned()))
            }),
            (b"\xFF\xFE<\x00r\x00", |r| matches!(r, Err(ParseError::Encoding(_)))),
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
            let got = parse(doc);
            assert!(check(&got), "{:?} -> {got:?}", String::from_utf8_lossy(doc));
        }
        assert!(xml(b"<rss><channel></item></channel></rss>"));
        match parse(b"<rss><channel></item></channel></rss>") {
            Err(ParseError::Xml { position, .. }) => assert_eq!(position, 14),
            other => panic!("{other:?}"),
        }
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
        let depth = 100_000;
        let deep = rss_item(&format!(
            "<title>t</title>{}{}",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        ));
        assert_eq!(one_entry(&deep).title, "t");
        let deep_title = rss_item(&format!("<title>t{}</title>", "<a>".repeat(depth)));
        assert!(matches!(
            parse(deep_title.as_bytes()),
            Err(ParseError::Xml { .. })
        ));
        let unclosed = format!("<rss><channel><item>{}", "<a>".repeat(depth));
        assert!(matches!(
            parse(unclosed.as_bytes()),
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
        let feed = parse(many.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
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
            let _ = parse(doc.as_bytes());
            // Also exercise the byte-level paths with a cut inside `é`.
            let bytes = doc.as_bytes();
            let _ = parse(&bytes[..bytes.len() / 2]);
        }
    }
}
