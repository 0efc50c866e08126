//! HTML fragment → plain text.
//!
//! Feed titles and summaries routinely carry markup, entities and invisible
//! characters; chat messages want one clean line of text. This is not an HTML
//! parser: it is a single forward scan that never backtracks more than a
//! bounded amount, so hostile input costs linear time and no recursion.

/// Elements whose whole content is dropped (not shown by a browser either).
const RAW_TEXT_ELEMENTS: &[&str] = &["script", "style", "head", "title"];

/// Elements that separate words visually; they become a space so that
/// `<p>a</p><p>b</p>` does not turn into "ab".
const BLOCK_ELEMENTS: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "hr",
    "table",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "img",
];

/// Longest entity name we look at; anything longer is not an entity.
const MAX_ENTITY_LEN: usize = 32;

/// Plain text of an HTML fragment (feed titles and summaries often carry markup).
///
/// Tags and comments are removed, `script`/`style`/`head`/`title` contents are
/// dropped, character references are decoded once, control and invisible
/// formatting characters are removed and whitespace is collapsed and trimmed.
pub fn to_text(html: &str) -> String {
    let mut out = TextSink::with_capacity(html.len());
    let bytes = html.as_bytes();
    let len = bytes.len();
    let mut i = 0;
    // Beyond these offsets no such quote exists; remembering that keeps
    // unbalanced quotes from making the tag scan quadratic.
    let mut no_quote_from = [usize::MAX; 2];
    // Inside a (double-wrapped) `<![CDATA[ … ]]>`: the markers are dropped,
    // the content is treated as HTML like everything else.
    let mut in_cdata = false;

    while i < len {
        match bytes[i] {
            b'<' => {
                let next = bytes.get(i + 1).copied();
                match next {
                    Some(b'!') => {
                        i = skip_bang(html, i, &mut in_cdata);
                    }
                    Some(b'?') => {
                        i = find_from(bytes, i + 2, b">").map_or(len, |p| p + 1);
                    }
                    Some(b'/') => {
                        let name_start = i + 2;
                        let name_end = name_end(bytes, name_start);
                        let end = tag_end(bytes, name_start, &mut no_quote_from);
                        if is_block(&html[name_start..name_end]) {
                            out.space();
                        }
                        i = end;
                    }
                    Some(c) if c.is_ascii_alphabetic() => {
                        let name_start = i + 1;
                        let name_end = name_end(bytes, name_start);
                        let name = &html[name_start..name_end];
                        let end = tag_end(bytes, name_start, &mut no_quote_from);
                        let self_closing = end <= len && end >= 2 && bytes[end - 2] == b'/';
                        if is_raw_text(name) && !self_closing {
                            i = skip_raw_text(bytes, end, name);
                            out.space();
                        } else {
                            if is_block(name) {
                                out.space();
                            }
                            i = end;
                        }
                    }
                    _ => {
                        out.push('<');
                        i += 1;
                    }
                }
            }
            b'&' => {
                i = decode_reference(html, i, &mut out);
            }
            b']' if in_cdata && bytes[i..].starts_with(b"]]>") => {
                in_cdata = false;
                i += 3;
            }
            _ => {
                // Copy the run of ordinary text up to the next special byte.
                let run_end = bytes[i..]
                    .iter()
                    .position(|&b| b == b'<' || b == b'&' || b == b']')
                    .map_or(len, |p| i + p);
                let run_end = if run_end == i { i + 1 } else { run_end };
                for c in html[i..run_end].chars() {
                    out.push(c);
                }
                i = run_end;
            }
        }
    }
    out.finish()
}

/// `to_text` then cut to at most `max_chars` characters at a word boundary when possible, with "…" appended when cut.
///
/// The ellipsis is not counted in `max_chars`; a word boundary is only used
/// when it keeps at least half of the allowed length, so one very long word
/// does not shrink the text to nothing.
pub fn to_text_bounded(html: &str, max_chars: usize) -> String {
    let text = to_text(html);
    truncate_chars(text, max_chars)
}

/// Accumulates visible characters, collapsing whitespace and dropping
/// invisible ones; trimming falls out of only emitting a pending space
/// before a visible character.
struct TextSink {
    out: String,
    pending_space: bool,
}

impl TextSink {
    fn with_capacity(capacity: usize) -> Self {
        TextSink {
            out: String::with_capacity(capacity),
            pending_space: false,
        }
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.pending_space = true;
        } else if c.is_control() || ecabot_core::model::text::is_invisible(c) {
            // Dropped: NUL, escape sequences, zero-width and bidi overrides
            // could otherwise spoof or garble the chat line.
        } else {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.out.push(c);
        }
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    fn finish(self) -> String {
        self.out
    }
}

fn find_from(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = haystack.get(from..)?;
    if needle.is_empty() || rest.len() < needle.len() {
        return None;
    }
    rest.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// End (exclusive) of a tag name starting at `start`.
fn name_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start.min(bytes.len());
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric()) {
        end += 1;
    }
    end
}

/// Offset just past the `>` closing the tag whose name starts at `from`,
/// or the input length when the tag never closes (the rest is dropped, as
/// a browser would). Quoted attribute values may contain `>`.
fn tag_end(bytes: &[u8], from: usize, no_quote_from: &mut [usize; 2]) -> usize {
    let len = bytes.len();
    let mut i = from;
    let mut after_eq = false;
    while i < len {
        let b = bytes[i];
        match b {
            b'>' => return i + 1,
            b'"' | b'\'' if after_eq => {
                let slot = usize::from(b == b'\'');
                let close = if i >= no_quote_from[slot] {
                    None
                } else {
                    let found = bytes[i + 1..]
                        .iter()
                        .position(|&c| c == b)
                        .map(|p| i + 1 + p);
                    if found.is_none() {
                        no_quote_from[slot] = i;
                    }
                    found
                };
                match close {
                    Some(c) => {
                        i = c + 1;
                        after_eq = false;
                        continue;
                    }
                    // Unbalanced quote: fall back to the first `>`.
                    None => {
                        return find_from(bytes, i + 1, b">").map_or(len, |p| p + 1);
                    }
                }
            }
            b'=' => after_eq = true,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' => {}
            _ => after_eq = false,
        }
        i += 1;
    }
    len
}

/// Handles `<!…`: comments, CDATA markers and declarations.
fn skip_bang(html: &str, at: usize, in_cdata: &mut bool) -> usize {
    let bytes = html.as_bytes();
    let rest = &bytes[at..];
    if rest.starts_with(b"<!--") {
        return find_from(bytes, at + 4, b"-->").map_or(bytes.len(), |p| p + 3);
    }
    if rest.starts_with(b"<![CDATA[") {
        *in_cdata = true;
        return at + 9;
    }
    find_from(bytes, at + 2, b">").map_or(bytes.len(), |p| p + 1)
}

/// Skips the content of a raw-text element up to and including its end tag.
fn skip_raw_text(bytes: &[u8], from: usize, name: &str) -> usize {
    let len = bytes.len();
    let name = name.as_bytes();
    let mut i = from;
    while let Some(p) = find_from(bytes, i, b"</") {
        let name_start = p + 2;
        let name_stop = name_start + name.len();
        let matches = bytes
            .get(name_start..name_stop)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && bytes
                .get(name_stop)
                .is_none_or(|b| !b.is_ascii_alphanumeric());
        if matches {
            return find_from(bytes, name_stop, b">").map_or(len, |q| q + 1);
        }
        i = name_start;
    }
    len
}

fn is_raw_text(name: &str) -> bool {
    RAW_TEXT_ELEMENTS
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

fn is_block(name: &str) -> bool {
    BLOCK_ELEMENTS.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Decodes the reference starting at `at` (an `&`) into `out` and returns the
/// offset after it. Anything that is not a well-formed, known reference is
/// kept literally. The decoded text is never rescanned (one pass).
fn decode_reference(html: &str, at: usize, out: &mut TextSink) -> usize {
    let bytes = html.as_bytes();
    let start = at + 1;
    let mut end = start;
    while end < bytes.len()
        && end - start <= MAX_ENTITY_LEN
        && (bytes[end].is_ascii_alphanumeric() || (end == start && bytes[end] == b'#'))
    {
        end += 1;
    }
    if end - start > MAX_ENTITY_LEN || bytes.get(end) != Some(&b';') || end == start {
        out.push('&');
        return at + 1;
    }
    let name = &html[start..end];
    let decoded = if let Some(num) = name.strip_prefix('#') {
        decode_numeric(num).map(Decoded::Char)
    } else {
        crate::entities::lookup(name).map(Decoded::Str)
    };
    match decoded {
        Some(Decoded::Char(c)) => out.push(c),
        Some(Decoded::Str(s)) => out.push_str(s),
        None => {
            out.push('&');
            return at + 1;
        }
    }
    end + 1
}

enum Decoded {
    Char(char),
    Str(&'static str),
}

/// Value of a numeric character reference body (after `#`); None when it is
/// not a number at all. Invalid code points become U+FFFD, and the C1 range
/// maps through Windows-1252 as browsers do (old feeds rely on `&#150;`).
pub(crate) fn decode_numeric(num: &str) -> Option<char> {
    let (digits, radix) = match num.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (num, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).unwrap_or(u32::MAX);
    if code == 0 {
        return Some('\u{FFFD}');
    }
    if let Some(c) = windows_1252_c1(code) {
        return Some(c);
    }
    Some(char::from_u32(code).unwrap_or('\u{FFFD}'))
}

fn windows_1252_c1(code: u32) -> Option<char> {
    let c = match code {
        0x80 => '€',
        0x82 => '‚',
        0x83 => 'ƒ',
        0x84 => '„',
        0x85 => '…',
        0x86 => '†',
        0x87 => '‡',
        0x88 => 'ˆ',
        0x89 => '‰',
        0x8A => 'Š',
        0x8B => '‹',
        0x8C => 'Œ',
        0x8E => 'Ž',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x98 => '˜',
        0x99 => '™',
        0x9A => 'š',
        0x9B => '›',
        0x9C => 'œ',
        0x9E => 'ž',
        0x9F => 'Ÿ',
        _ => return None,
    };
    Some(c)
}

/// Cuts plain (already normalised) text to `max_chars` characters and an ellipsis, at a word
/// where that keeps half.
pub(crate) fn truncate_chars(text: String, max_chars: usize) -> String {
    match ecabot_core::model::text::truncate_words(&text, max_chars + 1) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_text_cases() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("plain", "plain"),
            ("<b>bold</b> and <i>it</i>", "bold and it"),
            ("a<br>b<br/>c", "a b c"),
            ("<p>one</p><p>two</p>", "one two"),
            ("<div>x</div><li>y</li><h2>z</h2>", "x y z"),
            ("<td>1</td><td>2</td>", "1 2"),
            ("<a href=\"x > y\">link</a>", "link"),
            ("<a title='it>s'>t</a>", "t"),
            ("a < b", "a < b"),
            ("a <3 b", "a <3 b"),
            ("x<", "x<"),
            ("1 <= 2", "1 <= 2"),
            ("before <unclosed tag", "before"),
            ("x<!-- hidden <b>y</b> -->z", "xz"),
            ("x<!-- never closed", "x"),
            ("<!DOCTYPE html>t", "t"),
            ("<?xml version=\"1.0\"?>t", "t"),
            ("a<script>alert('<b>')</script>b", "a b"),
            (
                "a<SCRIPT type=x>var x = '</scr' + 'ipt>';</SCRIPT >b",
                "a b",
            ),
            ("a<style>p { color: red }</style>b", "a b"),
            ("<head><title>T</title></head><body>body</body>", "body"),
            ("a<script>never closed", "a"),
            ("a<script/>b", "ab"),
            ("<![CDATA[<p>inner</p>]]>", "inner"),
            // Entities.
            ("&amp; &lt; &gt; &quot; &apos;", "& < > \" '"),
            ("a&nbsp;b", "a b"),
            ("&ndash;&mdash;&hellip;", "–—…"),
            ("&lsquo;x&rsquo; &ldquo;y&rdquo;", "‘x’ “y”"),
            ("&euro;&copy;&reg;&trade;&laquo;&raquo;", "€©®™«»"),
            (
                "&auml;&ouml;&aring;&Auml;&Ouml;&Aring;&uuml;&Uuml;",
                "äöåÄÖÅüÜ",
            ),
            ("&eacute;&egrave;&agrave;&ccedil;&szlig;", "éèàçß"),
            // The whole HTML5 table, not only the common names.
            ("&Otilde; &scaron; &Ecirc;", "Õ š Ê"),
            (
                "&Scaron;koda &ccaron;&zcaron;&Lstrok;&oacute;d&zacute;",
                "Škoda čžŁódź",
            ),
            (
                "&fjlig;ord &bne; &NotNestedLessLess; &nvlt;",
                "fjord =\u{20E5} \u{2AA1}\u{338} <\u{20D2}",
            ),
            (
                "&CounterClockwiseContourIntegral;&ThickSpace;|",
                "\u{2233} |",
            ),
            (
                "a&shy;b &Otilde &otilde &scaron",
                "ab &Otilde &otilde &scaron",
            ),
            ("caf&#233; caf&#xE9; caf&#XE9;", "café café café"),
            (
                "&#0;|&#xD800;|&#x110000;|&#99999999999;",
                "\u{FFFD}|\u{FFFD}|\u{FFFD}|\u{FFFD}",
            ),
            ("&#150;", "–"),
            ("&foo; & &; &#; &#x; &#xZZ;", "&foo; & &; &#; &#x; &#xZZ;"),
            ("AT&T", "AT&T"),
            ("&amp;lt;", "&lt;"),
            ("&amp;amp;", "&amp;"),
            ("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>"),
            // Whitespace and invisible characters.
            ("  a \t\n\r b  ", "a b"),
            ("a\u{0}b\u{7}c\u{1B}[31m", "abc[31m"),
            ("a\u{202E}b\u{200B}c\u{2066}d\u{FEFF}e\u{200F}", "abcde"),
            ("a&#x202E;b&#8203;c", "abc"),
            ("a\u{A0}\u{3000}b", "a b"),
            (
                "Klusteriyhteistyö – äöå Łódź",
                "Klusteriyhteistyö – äöå Łódź",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(to_text(input), *want, "input: {input:?}");
        }
    }

    #[test]
    fn bounded_cases() {
        let cases: &[(&str, usize, &str)] = &[
            ("short", 10, "short"),
            ("exactly ten", 11, "exactly ten"),
            ("hello brave new world", 13, "hello brave…"),
            ("hello brave new world", 11, "hello brave…"),
            ("hello brave new world", 12, "hello brave…"),
            ("abcdefghijklmnop", 5, "abcde…"),
            ("a bcdefghijklmnop", 6, "a bcde…"),
            ("<b>äöå äöå</b>", 5, "äöå…"),
            ("anything", 0, ""),
        ];
        for (input, max, want) in cases {
            assert_eq!(
                to_text_bounded(input, *max),
                *want,
                "input: {input:?} max {max}"
            );
        }
    }

    #[test]
    fn hostile_inputs_are_linear() {
        let unbalanced = "<a x=\"".repeat(50_000);
        assert_eq!(to_text(&unbalanced), "");
        let comments = "<!--".repeat(50_000);
        assert_eq!(to_text(&comments), "");
        let scripts = "<script></scrip".repeat(20_000);
        assert_eq!(to_text(&scripts), "");
        let amps = "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".repeat(10_000);
        assert_eq!(to_text(&amps).len(), amps.len());
    }
}
