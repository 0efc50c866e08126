//! Renders [`Rich`] as Discord markdown, split to fit Discord's length limits.
//!
//! Discord measures the message source, so backslashes and `**` markers count against its limits
//! (Telegram, by contrast, counts visible text). The document is therefore laid out as a row of
//! pieces (one character with its escape, a list bullet, or a whole link), each of which knows its
//! rendered width, and chunks are cut only between pieces: never inside an escape, a character or
//! a link. Bold is a flag on each piece and its markers are written per chunk, so a bold run cut
//! across chunks is closed before the cut and reopened after.

use std::fmt::Write as _;
use std::ops::Range;

use ecabot_core::{Block, Inline, Rich};

/// Discord's limits, in characters. Lengths here are counted in UTF-16 code units, which never
/// undercounts whichever way Discord counts.
pub const CONTENT_LIMIT: usize = 2000;
/// Limit of one embed's description.
pub const DESCRIPTION_LIMIT: usize = 4096;
/// Limit of all embeds of one message together.
pub const EMBED_TOTAL_LIMIT: usize = 6000;
/// Most embeds one message may carry.
pub const EMBEDS_PER_MESSAGE: usize = 10;

/// Characters Discord may read as markup: emphasis, underline, strike, code, spoilers, quotes,
/// headings, list and subtext markers, masked links, and `<…>` mentions, timestamps and emoji.
const SPECIAL: [char; 14] = [
    '\\', '*', '_', '~', '`', '|', '>', '#', '-', '[', ']', '(', ')', '<',
];

/// Characters a masked-link label cannot hold. Discord shows backslashes inside a label instead
/// of honouring them, so these can neither be escaped there nor be left raw.
const LABEL_UNSAFE: [char; 9] = ['\\', '*', '_', '~', '`', '|', '[', ']', '<'];

/// Width of the `**` pair around one bold run.
const BOLD_MARKERS: usize = 4;

/// Escapes text so Discord shows it literally.
///
/// A backslash goes before every character in `SPECIAL`, and before the dot of a number that
/// starts a line (`1\.`), which would otherwise begin an ordered list. `@` is left alone: the bot
/// sends with no allowed mentions, so `@everyone` cannot ping, and `<@…>` is defused by its
/// escaped `<`. Tabs become spaces; other control characters except newlines are dropped.
pub fn escape(text: &str) -> String {
    let mut line = LinePos::Fresh;
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars().filter_map(clean) {
        if line.escapes(ch) {
            out.push('\\');
        }
        out.push(ch);
        line = line.after(ch);
    }
    out
}

/// Renders `rich` as Discord markdown in as few chunks as possible, each at most `limit` UTF-16
/// units as rendered (escapes and markup included).
///
/// Blocks are separated by a blank line and list items are `- ` lines. Whole blocks are packed
/// greedily; a chunk is cut at the last blank line that fits, else the last line break, else
/// between words, and only a word longer than the limit is cut between characters. Readable cuts
/// win over fuller chunks. Empty blocks and items are left out, so an empty document gives no
/// chunks. Limits below 16 may let a single piece overflow, but rendering always finishes.
///
/// Links are never cut. A link whose label is its URL (or blank) is the bare URL, which Discord
/// links by itself. Any other link is `[label](url)` if that fits the limit (beside the bullet, in
/// a list), the URL is a web address, and Discord can show the label literally (no markup
/// characters, no URL inside); otherwise it goes out as the label followed by the URL.
pub fn render(rich: &Rich, limit: usize) -> Vec<String> {
    let layout = Layout::new(rich, limit);
    layout
        .spans(limit)
        .into_iter()
        .map(|span| layout.write(span))
        .filter(|chunk| !chunk.is_empty())
        .collect()
}

/// Length as Discord counts it, in UTF-16 code units.
pub fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Groups embed descriptions (each already at most [`DESCRIPTION_LIMIT`]) into messages, greedily
/// and in order: at most [`EMBEDS_PER_MESSAGE`] per message and at most [`EMBED_TOTAL_LIMIT`]
/// units per message. Only descriptions are counted: embeds that also carry titles, fields or
/// footers must leave room for them. An oversized description still gets a message of its own.
pub fn pack_embeds(descriptions: Vec<String>) -> Vec<Vec<String>> {
    let mut messages: Vec<Vec<String>> = Vec::new();
    let mut total = 0;
    for description in descriptions {
        let len = discord_len(&description);
        match messages.last_mut() {
            Some(message)
                if message.len() < EMBEDS_PER_MESSAGE && total + len <= EMBED_TOTAL_LIMIT =>
            {
                total += len;
                message.push(description);
            }
            _ => {
                total = len;
                messages.push(vec![description]);
            }
        }
    }
    messages
}

/// Our markdown turned back into the text a reader sees: escapes undone, `**` dropped,
/// `[label](url)` shown as its label, `<url>` as its URL, and `- ` bullets kept as they are. Meant
/// for this module's output (tests, notification previews), not for arbitrary markdown.
pub fn to_visible(markdown: &str) -> String {
    let mut rest = markdown;
    let mut out = String::with_capacity(rest.len());
    while let Some(ch) = rest.chars().next() {
        let used = match ch {
            '\\' => match rest[1..].chars().next() {
                Some(escaped) => {
                    out.push(escaped);
                    1 + escaped.len_utf8()
                }
                None => {
                    out.push('\\');
                    1
                }
            },
            '*' if rest.starts_with("**") => 2,
            '[' | '<' => match link_at(rest) {
                Some((shown, used)) => {
                    out.push_str(shown);
                    used
                }
                None => {
                    out.push(ch);
                    1
                }
            },
            _ => {
                out.push(ch);
                ch.len_utf8()
            }
        };
        rest = &rest[used..];
    }
    out
}

/// The link our renderer wrote at the start of `markdown` (`[label](url)` or `<url>`): the text it
/// shows and its length in bytes.
fn link_at(markdown: &str) -> Option<(&str, usize)> {
    if let Some(inner) = markdown.strip_prefix('<') {
        let close = inner.find('>')?;
        let url = &inner[..close];
        return (is_web(url) && !url.contains(char::is_whitespace)).then_some((url, close + 2));
    }
    let inner = markdown.strip_prefix('[')?;
    let label_end = inner.find(']')?;
    let target = inner[label_end + 1..].strip_prefix('(')?;
    let url_end = target.find(')')?;
    let url = &target[..url_end];
    (!url.contains(char::is_whitespace))
        .then_some((&inner[..label_end], 1 + label_end + 2 + url_end + 1))
}

/// Tabs become spaces and other control characters except newlines are dropped: they are
/// invisible at best and upset Discord's parser at worst.
fn clean(ch: char) -> Option<char> {
    match ch {
        '\t' => Some(' '),
        '\n' => Some('\n'),
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// Whether a URL is one Discord links: masked links and autolinks only work for the web. It is
/// judged as it will be written, after [`encode_url`].
fn is_web(url: &str) -> bool {
    ecabot_core::model::text::is_web_url(&encode_url(url))
}

/// Whether Discord shows `label` literally inside `[label](url)`: no markup characters (they
/// could not be escaped) and nothing URL-like (Discord then refuses to mask the link).
fn label_is_literal(label: &str) -> bool {
    !label.contains(LABEL_UNSAFE) && !label.contains("://")
}

/// Percent-encodes what would end or bend a URL in markdown: `(` `)` close a masked link, `<` `>`
/// an angle autolink, whitespace any link, and `\` `*` would read as an escape or a bold marker.
fn encode_url(url: &str) -> String {
    let mut out = String::new();
    for ch in url.chars() {
        if matches!(ch, '(' | ')' | '<' | '>' | '\\' | '*') || ch.is_whitespace() || ch.is_control()
        {
            for byte in ch.encode_utf8(&mut [0; 4]).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// Where a character stands in its line, as far as ordered lists care: Discord reads `12. ` at
/// the start of a line (after optional spaces) as a list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinePos {
    /// At the start of a line, or only spaces since.
    Fresh,
    /// In a run of digits that started the line.
    Number,
    /// Anywhere else.
    Later,
}

impl LinePos {
    fn after(self, ch: char) -> LinePos {
        match ch {
            '\n' => LinePos::Fresh,
            ' ' if self == LinePos::Fresh => LinePos::Fresh,
            c if c.is_ascii_digit() && self != LinePos::Later => LinePos::Number,
            _ => LinePos::Later,
        }
    }

    fn escapes(self, ch: char) -> bool {
        SPECIAL.contains(&ch) || (ch == '.' && self == LinePos::Number)
    }
}

/// What one piece of the layout writes.
#[derive(Debug, Clone)]
enum Glyph {
    /// One character of text, with a backslash before it if `escaped`.
    Char { ch: char, escaped: bool },
    /// The `- ` that opens a list item.
    Bullet,
    /// `[label](url)`, with a label Discord shows literally and an encoded URL.
    Masked { label: String, url: String },
    /// An encoded URL that Discord autolinks; written as `<url>` when bare text would not end the
    /// link where the URL ends.
    Autolink { url: String, angled: bool },
}

impl Glyph {
    fn width(&self) -> usize {
        match self {
            Glyph::Char { ch, escaped } => ch.len_utf16() + usize::from(*escaped),
            Glyph::Bullet => 2,
            Glyph::Masked { label, url } => 4 + discord_len(label) + discord_len(url),
            Glyph::Autolink { url, angled } => discord_len(url) + 2 * usize::from(*angled),
        }
    }

    /// Writes the glyph; `escape` adds a backslash a character needs only where a chunk starts.
    fn write(&self, out: &mut String, escape: bool) {
        match self {
            Glyph::Char { ch, escaped } => {
                if *escaped || escape {
                    out.push('\\');
                }
                out.push(*ch);
            }
            Glyph::Bullet => out.push_str("- "),
            Glyph::Masked { label, url } => {
                let _ = write!(out, "[{label}]({url})");
            }
            Glyph::Autolink { url, angled: true } => {
                let _ = write!(out, "<{url}>");
            }
            Glyph::Autolink { url, angled: false } => out.push_str(url),
        }
    }
}

#[derive(Debug, Clone)]
struct Piece {
    glyph: Glyph,
    bold: bool,
}

impl Piece {
    fn text(ch: char, bold: bool) -> Piece {
        Piece {
            glyph: Glyph::Char { ch, escaped: false },
            bold,
        }
    }

    fn plain(glyph: Glyph) -> Piece {
        Piece { glyph, bold: false }
    }

    fn is_space(&self) -> bool {
        matches!(self.glyph, Glyph::Char { ch, .. } if ch.is_whitespace())
    }

    /// Whitespace a line may break at; no-break spaces hold their words together.
    fn breaks(&self) -> bool {
        matches!(self.glyph, Glyph::Char { ch, .. }
            if ch.is_whitespace() && !matches!(ch, '\u{a0}' | '\u{2007}' | '\u{202f}'))
    }

    fn is_newline(&self) -> bool {
        matches!(self.glyph, Glyph::Char { ch: '\n', .. })
    }
}

/// The document laid out for one limit, with what the splitter needs to cut it quickly.
struct Layout {
    pieces: Vec<Piece>,
    /// `offsets[i]` is the rendered width of `pieces[..i]`, bold markers left out.
    offsets: Vec<usize>,
    /// How readable a cut just before `pieces[i]` is: 3 at a blank line, 2 at a line break, 1
    /// between words, 0 inside a word. Only the first piece of a whitespace run is rated, since
    /// a cut anywhere in the run drops the whole run.
    ranks: Vec<u8>,
}

impl Layout {
    fn new(rich: &Rich, limit: usize) -> Layout {
        let pieces = lay_out(rich, limit);
        let mut offsets = Vec::with_capacity(pieces.len() + 1);
        let mut sum = 0;
        offsets.push(sum);
        for piece in &pieces {
            sum += piece.glyph.width();
            offsets.push(sum);
        }
        let mut ranks = vec![0; pieces.len() + 1];
        let mut run: Option<(usize, usize)> = None;
        for (i, piece) in pieces.iter().enumerate() {
            if !piece.breaks() {
                run = None;
                continue;
            }
            let (first, newlines) = run.get_or_insert((i, 0));
            *newlines += usize::from(piece.is_newline());
            ranks[*first] = match *newlines {
                0 => 1,
                1 => 2,
                _ => 3,
            };
        }
        Layout {
            pieces,
            offsets,
            ranks,
        }
    }

    /// The chunks as ranges of pieces, each trimmed of whitespace.
    fn spans(&self, limit: usize) -> Vec<Range<usize>> {
        let mut spans = Vec::new();
        let mut start = self.skip_space(0);
        while start < self.pieces.len() {
            let cut = self.cut_after(start, limit);
            let end = self.pieces[start..cut]
                .iter()
                .rposition(|piece| !piece.is_space())
                .map_or(start, |i| start + i + 1);
            if end > start {
                spans.push(start..end);
            }
            start = self.skip_space(cut);
        }
        spans
    }

    fn skip_space(&self, from: usize) -> usize {
        self.pieces[from..]
            .iter()
            .position(|piece| !piece.is_space())
            .map_or(self.pieces.len(), |i| from + i)
    }

    /// Where the chunk starting at `start` ends: the end of the document if the rest fits, else
    /// the best-ranked cut that fits, the furthest among equals. If not even one piece fits, the
    /// cut is after it, so that splitting always moves on.
    fn cut_after(&self, start: usize, limit: usize) -> usize {
        let dot = number_dot(&self.pieces[start..]).map(|i| start + i);
        let mut bold_runs = 0;
        let mut best: Option<(u8, usize)> = None;
        for end in start + 1..=self.pieces.len() {
            let last = end - 1;
            if self.pieces[last].bold && (last == start || !self.pieces[last - 1].bold) {
                bold_runs += 1;
            }
            let width = self.offsets[end] - self.offsets[start]
                + BOLD_MARKERS * bold_runs
                + usize::from(dot.is_some_and(|d| d < end));
            if width > limit {
                break;
            }
            if end == self.pieces.len() {
                return end;
            }
            if best.is_none_or(|(rank, _)| self.ranks[end] >= rank) {
                best = Some((self.ranks[end], end));
            }
        }
        best.map_or(start + 1, |(_, end)| end)
    }

    /// The markdown of one chunk; bold runs are opened and closed inside it.
    fn write(&self, span: Range<usize>) -> String {
        let pieces = &self.pieces[span];
        let dot = number_dot(pieces);
        let mut out = String::new();
        let mut bold = false;
        for (i, piece) in pieces.iter().enumerate() {
            if piece.bold != bold {
                out.push_str("**");
                bold = piece.bold;
            }
            piece.glyph.write(&mut out, dot == Some(i));
        }
        if bold {
            out.push_str("**");
        }
        // Only a bullet cut off from its item (at tiny limits) can leave a trailing space.
        out.truncate(out.trim_end().len());
        out
    }
}

/// A chunk that starts inside a line starts a new line on screen, so `12.` at its start would be
/// read as a list item: the index of that dot, unless it is escaped already.
fn number_dot(pieces: &[Piece]) -> Option<usize> {
    let digits = pieces
        .iter()
        .take_while(|piece| matches!(piece.glyph, Glyph::Char { ch, .. } if ch.is_ascii_digit()))
        .count();
    match pieces.get(digits)?.glyph {
        Glyph::Char {
            ch: '.',
            escaped: false,
        } if digits > 0 => Some(digits),
        _ => None,
    }
}

/// Lays the whole document out: blocks joined by a blank line, list items by a line break, each
/// paragraph and item trimmed, empty ones dropped so that no chunk can end up blank.
fn lay_out(rich: &Rich, limit: usize) -> Vec<Piece> {
    // A link must fit beside an item's bullet, or the bullet could be left alone in a chunk.
    let item_limit = limit.saturating_sub(Glyph::Bullet.width());
    let mut pieces = Vec::new();
    for block in &rich.blocks {
        match block {
            Block::Paragraph(inlines) => join_line(&mut pieces, line(inlines, limit), "\n\n"),
            Block::List(items) => {
                let mut separator = "\n\n";
                for item in items {
                    let text = line(item, item_limit);
                    if !text.is_empty() {
                        let bulleted = std::iter::once(Piece::plain(Glyph::Bullet)).chain(text);
                        join_line(&mut pieces, bulleted.collect(), separator);
                        separator = "\n";
                    }
                }
            }
        }
    }
    settle(&mut pieces);
    pieces
}

/// Appends `line` after `separator` (nothing goes before the first line); an empty line is left
/// out together with its separator.
fn join_line(pieces: &mut Vec<Piece>, line: Vec<Piece>, separator: &str) {
    if line.is_empty() {
        return;
    }
    if !pieces.is_empty() {
        pieces.extend(separator.chars().map(|ch| Piece::text(ch, false)));
    }
    pieces.extend(line);
}

/// Decides what depends on the neighbours: which characters need a backslash where they stand,
/// and which autolinks need `<…>` because the next character would run into the URL (Discord
/// extends a bare URL up to whitespace) or because the URL ends in punctuation that a bare
/// autolink would leave out.
fn settle(pieces: &mut [Piece]) {
    let mut line = LinePos::Fresh;
    for i in 0..pieces.len() {
        let text_follows = pieces.get(i + 1).is_some_and(|next| !next.is_space());
        match &mut pieces[i].glyph {
            Glyph::Char { ch, escaped } => {
                *escaped = line.escapes(*ch);
                line = line.after(*ch);
            }
            // A list item's text starts its own line as far as nested lists go.
            Glyph::Bullet => line = LinePos::Fresh,
            Glyph::Masked { .. } => line = LinePos::Later,
            Glyph::Autolink { url, angled } => {
                *angled = text_follows || !url.ends_with(|c: char| c.is_alphanumeric() || c == '/');
                line = LinePos::Later;
            }
        }
    }
}

/// The pieces of one paragraph or list item, without surrounding whitespace.
fn line(inlines: &[Inline], limit: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    for inline in inlines {
        match inline {
            Inline::Link { label, url } => push_link(&mut out, label, url.trim(), limit),
            Inline::Bold { text } => push_bold(&mut out, text),
            Inline::Text { text } => push_text(&mut out, text, false),
        }
    }
    let start = out
        .iter()
        .position(|piece| !piece.is_space())
        .unwrap_or(out.len());
    let end = out
        .iter()
        .rposition(|piece| !piece.is_space())
        .map_or(start, |i| i + 1);
    out.truncate(end);
    out.drain(..start);
    out
}

fn push_text(out: &mut Vec<Piece>, text: &str, bold: bool) {
    out.extend(
        text.chars()
            .filter_map(clean)
            .map(|ch| Piece::text(ch, bold)),
    );
}

/// Bold text; whitespace at its edges stays outside the markers, so every bold run starts and
/// ends with a visible character and stays readable at the edge of a chunk.
fn push_bold(out: &mut Vec<Piece>, text: &str) {
    let chars: Vec<char> = text.chars().filter_map(clean).collect();
    let first = chars.iter().position(|ch| !ch.is_whitespace());
    let last = chars.iter().rposition(|ch| !ch.is_whitespace());
    for (i, ch) in chars.into_iter().enumerate() {
        let inside = first.is_some_and(|f| f <= i) && last.is_some_and(|l| i <= l);
        out.push(Piece::text(ch, inside));
    }
}

/// A link. Its label is one line (line breaks become spaces) and whitespace around it stays
/// outside the link. It becomes `[label](url)` when Discord can show that whole and the label
/// literally; a bare autolink when the label is the URL or empty; and otherwise the label as text
/// followed by the URL, so that nothing is lost or garbled and the words can be split.
fn push_link(out: &mut Vec<Piece>, label: &str, url: &str, limit: usize) {
    let label: String = label
        .chars()
        .filter_map(clean)
        .map(|ch| if ch == '\n' { ' ' } else { ch })
        .collect();
    let core = label.trim();
    let lead = label.len() - label.trim_start().len();
    push_text(out, &label[..lead], false);
    if url.is_empty() {
        push_text(out, core, false);
    } else if core.is_empty() || core == url {
        push_url(out, url, limit);
    } else {
        let masked = Glyph::Masked {
            label: core.to_owned(),
            url: encode_url(url),
        };
        if is_web(url) && label_is_literal(core) && masked.width() <= limit {
            out.push(Piece::plain(masked));
        } else {
            push_text(out, core, false);
            out.push(Piece::text(' ', false));
            push_url(out, url, limit);
        }
    }
    push_text(out, &label[lead + core.len()..], false);
}

/// A URL shown as itself: an autolink when Discord links it and it fits (counting the `<…>` it
/// may need), else plain text that can be cut like any long word.
fn push_url(out: &mut Vec<Piece>, url: &str, limit: usize) {
    let encoded = encode_url(url);
    if is_web(url) && discord_len(&encoded) + 2 <= limit {
        out.push(Piece::plain(Glyph::Autolink {
            url: encoded,
            angled: true,
        }));
    } else {
        push_text(out, url, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole document as one string, with the link choices made for `limit`: what the chunks
    /// of `render(rich, limit)` must add up to.
    fn render_whole(rich: &Rich, limit: usize) -> String {
        let layout = Layout::new(rich, limit);
        match layout.pieces.len() {
            0 => String::new(),
            n => layout.write(0..n),
        }
    }

    fn document(blocks: impl IntoIterator<Item = Block>) -> Rich {
        Rich {
            blocks: blocks.into_iter().collect(),
        }
    }

    fn paragraph<const N: usize>(inlines: [Inline; N]) -> Block {
        Block::Paragraph(inlines.into())
    }

    fn anchor(label: &str, url: &str) -> Inline {
        let (label, url) = (label.to_owned(), url.to_owned());
        Inline::Link { label, url }
    }

    fn plain(text: impl Into<String>) -> Inline {
        Inline::Text { text: text.into() }
    }

    fn strong(text: impl Into<String>) -> Inline {
        Inline::Bold { text: text.into() }
    }

    /// The text without any whitespace, to compare texts whose cuts moved line breaks around.
    fn squeeze(s: &str) -> String {
        s.split_whitespace().collect()
    }

    /// Markup characters in `md` that no backslash neutralises.
    fn raw_specials(md: &str) -> Vec<char> {
        let mut raw = Vec::new();
        let mut chars = md.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                chars.next();
            } else if SPECIAL.contains(&c) {
                raw.push(c);
            }
        }
        raw
    }

    /// Counts unescaped `**` markers; panics on a lone unescaped `*`, which we never write.
    fn bold_markers(md: &str) -> usize {
        let mut count = 0;
        let mut chars = md.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '*' => {
                    assert_eq!(chars.next(), Some('*'), "lone * in {md:?}");
                    count += 1;
                }
                _ => {}
            }
        }
        count
    }

    /// The first markup in `md` that we did not mean, if any: a markup character that no backslash
    /// neutralises, outside our `**` markers, links and line-start `- ` bullets; or a number with a
    /// raw dot at the start of a line, which Discord reads as an ordered list.
    fn stray_markup(md: &str) -> Option<String> {
        let mut rest = md;
        let mut line_start = true;
        while let Some(c) = rest.chars().next() {
            if line_start {
                line_start = false;
                let body = rest.trim_start_matches(' ');
                let body = body.strip_prefix("- ").unwrap_or(body);
                let digits =
                    body.len() - body.trim_start_matches(|d: char| d.is_ascii_digit()).len();
                if digits > 0 && body[digits..].starts_with('.') {
                    return Some(format!("list number in {md:?}"));
                }
                rest = body;
                continue;
            }
            let used = match c {
                '\\' => 1 + rest[1..].chars().next().map_or(0, char::len_utf8),
                '*' if rest.starts_with("**") => 2,
                '[' | '<' => match link_at(rest) {
                    Some((_, used)) => used,
                    None => return Some(format!("raw {c} in {md:?}")),
                },
                // A bare autolink: Discord reads no markup inside it.
                'h' if is_web(rest) => rest.find(char::is_whitespace).unwrap_or(rest.len()),
                '\n' => {
                    line_start = true;
                    1
                }
                c if SPECIAL.contains(&c) => return Some(format!("raw {c} in {md:?}")),
                c => c.len_utf8(),
            };
            rest = &rest[used..];
        }
        None
    }

    /// Checks every chunk against the rules and returns their visible texts.
    fn chunks_ok(chunks: &[String], limit: usize) -> Vec<String> {
        let mut visible = Vec::with_capacity(chunks.len());
        for chunk in chunks {
            let len = discord_len(chunk);
            assert!(len <= limit, "{len} units, over {limit}: {chunk:?}");
            assert!(
                !chunk.is_empty() && chunk.trim() == chunk,
                "blank or untrimmed: {chunk:?}"
            );
            assert!(
                bold_markers(chunk).is_multiple_of(2),
                "unbalanced **: {chunk:?}"
            );
            assert_eq!(stray_markup(chunk), None);
            let control = chunk.chars().find(|&c| c.is_control() && c != '\n');
            assert_eq!(control, None, "control character in {chunk:?}");
            visible.push(to_visible(chunk));
        }
        visible
    }

    #[test]
    fn escapes_every_special_character() {
        for c in SPECIAL {
            assert_eq!(escape(&c.to_string()), format!("\\{c}"));
            let rendered = render(&Rich::text(format!("a{c}b")), CONTENT_LIMIT);
            assert_eq!(rendered, [format!("a\\{c}b")]);
            assert_eq!(to_visible(&rendered[0]), format!("a{c}b"));
        }
        assert_eq!(escape("@everyone a.b 1. x"), "@everyone a.b 1. x");
        assert_eq!(escape("1. x"), "1\\. x");
        assert_eq!(escape("a\n  12. b\n3.5"), "a\n  12\\. b\n3\\.5");
        assert_eq!(escape("x\u{7}y\tz\r\n"), "xy z\n");
    }

    #[test]
    fn hostile_text_stays_literal() {
        let cases = [
            ("<@123>", "\\<@123\\>"),
            (
                "<@&456> <#789> <:e:1> </cmd:2>",
                "\\<@&456\\> \\<\\#789\\> \\<:e:1\\> \\</cmd:2\\>",
            ),
            ("<t:1700000000>", "\\<t:1700000000\\>"),
            ("@everyone @here", "@everyone @here"),
            ("[x](https://evil)", "\\[x\\]\\(https://evil\\)"),
            ("# heading", "\\# heading"),
            ("-# subtext", "\\-\\# subtext"),
            ("> quote", "\\> quote"),
            (">>> quote", "\\>\\>\\> quote"),
            ("1. item", "1\\. item"),
            ("- item", "\\- item"),
            ("* item", "\\* item"),
            ("**not bold**", "\\*\\*not bold\\*\\*"),
            ("`code`", "\\`code\\`"),
            ("```\nblock\n```", "\\`\\`\\`\nblock\n\\`\\`\\`"),
            ("||spoiler||", "\\|\\|spoiler\\|\\|"),
            ("~~strike~~", "\\~\\~strike\\~\\~"),
            ("_italic_ __under__", "\\_italic\\_ \\_\\_under\\_\\_"),
            ("back\\slash\\", "back\\\\slash\\\\"),
            ("a\n2. b\n# c\n> d", "a\n2\\. b\n\\# c\n\\> d"),
        ];
        for (input, expected) in cases {
            let chunks = render(&Rich::text(input), CONTENT_LIMIT);
            assert_eq!(chunks, [expected], "{input:?}");
            assert_eq!(to_visible(&chunks[0]), input, "{input:?}");
            assert!(raw_specials(&chunks[0]).is_empty(), "{input:?}");
            assert_eq!(stray_markup(&chunks[0]), None);
            // Bold text is escaped the same way.
            let bold_chunks = render(&document([paragraph([strong(input)])]), CONTENT_LIMIT);
            assert_eq!(bold_chunks, [format!("**{expected}**")], "{input:?}");
            assert_eq!(to_visible(&bold_chunks[0]), input, "{input:?}");
        }
    }

    #[test]
    fn renders_blocks_bold_and_links() {
        let answer = document([
            paragraph([
                strong("Deadline:"),
                plain(" 12 May, see the "),
                anchor("call page", "https://ec.europa.eu/info/call"),
                plain(" or ask."),
            ]),
            Block::List(vec![
                vec![plain(" budget ")],
                vec![],
                vec![strong("partners "), plain(": 3")],
            ]),
            paragraph([anchor(
                "https://clustercollaboration.eu",
                "https://clustercollaboration.eu",
            )]),
        ]);
        let chunks = render(&answer, CONTENT_LIMIT);
        assert_eq!(
            chunks,
            [concat!(
                "**Deadline:** 12 May, see the [call page](https://ec.europa.eu/info/call) or ask.",
                "\n\n- budget\n- **partners** : 3",
                "\n\nhttps://clustercollaboration.eu"
            )]
        );
        assert_eq!(
            to_visible(&chunks[0]),
            concat!(
                "Deadline: 12 May, see the call page or ask.",
                "\n\n- budget\n- partners : 3\n\nhttps://clustercollaboration.eu"
            )
        );
    }

    #[test]
    fn link_urls_are_encoded_and_bare_when_label_is_url() {
        let wiki = "https://en.wikipedia.org/wiki/Cluster_(computing)";
        let encoded = "https://en.wikipedia.org/wiki/Cluster_%28computing%29";
        let cases = [
            (
                vec![anchor("Cluster", wiki)],
                format!("[Cluster]({encoded})"),
            ),
            (vec![anchor(wiki, wiki)], encoded.to_owned()),
            (vec![anchor(" ", "https://x.eu")], "https://x.eu".to_owned()),
            (
                vec![anchor("x", "https://x.eu/a b<c>\\*")],
                "[x](https://x.eu/a%20b%3Cc%3E%5C%2A)".to_owned(),
            ),
            // Discord would pull `\)` into a bare URL, and leave a final `.` out of it.
            (
                vec![
                    plain("("),
                    anchor("https://x.eu", "https://x.eu"),
                    plain(")"),
                ],
                "\\(<https://x.eu>\\)".to_owned(),
            ),
            (
                vec![anchor("https://x.eu/a.", "https://x.eu/a.")],
                "<https://x.eu/a.>".to_owned(),
            ),
            // Discord shows backslashes inside a label, so such labels go out as text.
            (
                vec![anchor("snake_case", "https://x.eu")],
                "snake\\_case https://x.eu".to_owned(),
            ),
            (
                vec![anchor("EU - portal (new) #1", "https://x.eu")],
                "[EU - portal (new) #1](https://x.eu)".to_owned(),
            ),
            (
                vec![anchor("see https://y.eu", "https://x.eu")],
                "see https://y.eu https://x.eu".to_owned(),
            ),
            // Discord masks only web links.
            (
                vec![anchor("write_us", "mailto:a_b@x.eu")],
                "write\\_us mailto:a\\_b@x.eu".to_owned(),
            ),
            (
                vec![anchor("a\nb", "https://x.eu")],
                "[a b](https://x.eu)".to_owned(),
            ),
            (vec![anchor("x", "")], "x".to_owned()),
        ];
        for (inlines, expected) in cases {
            assert_eq!(
                render(
                    &document([Block::Paragraph(inlines.clone())]),
                    CONTENT_LIMIT
                ),
                [expected],
                "{inlines:?}"
            );
        }
        assert_eq!(to_visible(&format!("[Cluster]({encoded})")), "Cluster");
        assert_eq!(to_visible("\\(<https://x.eu>\\)"), "(https://x.eu)");
    }

    #[test]
    fn empty_input_gives_no_chunks() {
        assert!(render(&Rich::default(), CONTENT_LIMIT).is_empty());
        let blank = document([
            Block::List(vec![vec![plain("\t \u{1b}")], vec![]]),
            paragraph([strong("\n"), anchor("", ""), anchor(" ", " ")]),
            Block::Paragraph(vec![]),
        ]);
        assert!(render(&blank, CONTENT_LIMIT).is_empty());
        // Blank blocks before the first visible one leave no separator behind.
        let late = document([Block::List(vec![vec![]]), paragraph([plain("\n x\n")])]);
        assert_eq!(render(&late, 16), ["x"]);
    }

    #[test]
    fn control_characters_are_dropped() {
        let rich = Rich::text("a\u{0}b\u{1b}[31mc\td\r\ne\u{7f}");
        assert_eq!(render(&rich, CONTENT_LIMIT), ["ab\\[31mc d\ne"]);
    }

    #[test]
    fn bold_is_closed_and_reopened_at_a_cut() {
        assert_eq!(
            render(&document([paragraph([strong("abc def")])]), 8),
            ["**abc**", "**def**"]
        );
        let rich = document([paragraph([
            plain("aaa "),
            strong("bbb ccc ddd"),
            plain(" eee "),
            anchor("fff", "https://x.eu"),
        ])]);
        assert_eq!(
            render(&rich, CONTENT_LIMIT),
            ["aaa **bbb ccc ddd** eee [fff](https://x.eu)"]
        );
        assert_eq!(
            render(&rich, 20),
            ["aaa **bbb ccc ddd**", "eee", "[fff](https://x.eu)"]
        );
        // At 16 the 19-unit link does not fit either, so it goes out as label and URL.
        assert_eq!(
            render(&rich, 16),
            ["aaa **bbb ccc**", "**ddd** eee fff", "https://x.eu"]
        );
    }

    #[test]
    fn links_are_never_cut() {
        let rich = document([paragraph([
            plain("see "),
            anchor("the portal", "https://example.com/abc"),
        ])]);
        // `[the portal](https://example.com/abc)` is 37 long.
        assert_eq!(
            render(&rich, 40),
            ["see", "[the portal](https://example.com/abc)"]
        );
        assert_eq!(
            render(&rich, 30),
            ["see the portal", "https://example.com/abc"]
        );
        // A URL longer than the limit can only be cut as text.
        let chunks = render(&rich, 16);
        assert_eq!(chunks, ["see the portal", "https://example.", "com/abc"]);
    }

    #[test]
    fn number_at_a_chunk_start_is_escaped() {
        let rich = Rich::text("aaaaaaaaaaaaaa 12. bbbbbbbbb");
        assert_eq!(render(&rich, 16), ["aaaaaaaaaaaaaa", "12\\. bbbbbbbbb"]);
        assert_eq!(render(&rich, 100), ["aaaaaaaaaaaaaa 12. bbbbbbbbb"]);
    }

    #[test]
    fn long_words_are_cut_between_whole_characters() {
        let stars = render(&Rich::text("*".repeat(40)), 17);
        assert_eq!(stars, vec!["\\*".repeat(8); 5]);
        let emoji = render(&Rich::text("😀".repeat(20)), 17);
        assert_eq!(emoji, ["😀".repeat(8), "😀".repeat(8), "😀".repeat(4)]);
        let mixed = render(&Rich::text("a😀_".repeat(10)), 16);
        for chunk in &mixed {
            assert!(discord_len(chunk) <= 16);
        }
        assert_eq!(to_visible(&mixed.concat()), "a😀_".repeat(10));
    }

    #[test]
    fn bullet_stays_with_its_item() {
        let rich = document([
            paragraph([plain("Intro")]),
            Block::List(vec![vec![plain("abcdef ghi")], vec![plain("1. x")]]),
        ]);
        assert_eq!(render(&rich, 16), ["Intro", "- abcdef ghi", "- 1\\. x"]);
        assert_eq!(render(&rich, 8), ["Intro", "- abcdef", "ghi", "- 1\\. x"]);
        // A link that fits the limit but not beside the bullet goes out as text.
        let item = document([Block::List(vec![vec![anchor("ab", "https://x.eu/c")]])]);
        assert_eq!(render(&item, 22), ["- [ab](https://x.eu/c)"]);
        assert_eq!(render(&item, 20), ["- ab https://x.eu/c"]);
        // Tiny limits need not look good, but must end.
        assert!(render(&rich, 0).len() > 10);
        assert!(!render(&rich, 2).is_empty());
    }

    #[test]
    fn no_break_spaces_hold_words_together() {
        let date = Rich::text("to 12\u{a0}May");
        assert_eq!(render(&date, 8), ["to", "12\u{a0}May"]);
    }

    #[test]
    fn long_list_splits_between_items() {
        let items = (0..450).map(|i| vec![strong(format!("#{i}")), plain(" entry")]);
        let members = document([paragraph([plain("Members")]), Block::List(items.collect())]);
        let chunks = render(&members, CONTENT_LIMIT);
        // The heading gets a chunk of its own: a blank line is the most readable cut.
        assert_eq!(chunks[0], "Members");
        let visible = chunks_ok(&chunks, CONTENT_LIMIT);
        for chunk in &chunks[1..] {
            assert!(
                chunk.lines().all(|line| line.starts_with("- **\\#")),
                "{chunk:?}"
            );
        }
        let whole = to_visible(&render_whole(&members, CONTENT_LIMIT));
        assert_eq!(visible.join("\n"), whole.replacen("\n\n", "\n", 1));
    }

    /// Plain words, `len` characters in all.
    fn prose(len: usize, seed: usize) -> String {
        let mut out = String::new();
        let mut i = seed;
        while out.len() < len {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(["alliance", "cluster", "call", "horizon", "deadline"][i % 5]);
            i += 1;
        }
        out.truncate(len);
        out.truncate(out.trim_end().len());
        while out.len() < len {
            out.push('x');
        }
        out
    }

    #[test]
    fn ten_thousand_characters_split_by_limit() {
        let one_paragraph = Rich::text(prose(10_000, 0));
        // 30 paragraphs of 332 plus blank lines: 10,018.
        let paragraphs = document((0..30).map(|i| paragraph([plain(prose(332, i))])));
        for rich in [one_paragraph, paragraphs] {
            let whole = to_visible(&render_whole(&rich, usize::MAX));
            assert!(whole.len() >= 10_000);
            for (limit, counts) in [(DESCRIPTION_LIMIT, 3..=3), (CONTENT_LIMIT, 5..=6)] {
                let chunks = render(&rich, limit);
                assert!(
                    counts.contains(&chunks.len()),
                    "{} at {limit}",
                    chunks.len()
                );
                let visible = chunks_ok(&chunks, limit);
                assert_eq!(squeeze(&visible.concat()), squeeze(&whole));
            }
        }
    }

    #[test]
    fn unsplit_render_is_one_chunk() {
        let rich = document([
            paragraph([plain("a "), strong("b"), anchor("c", "https://x.eu")]),
            Block::List(vec![vec![plain("d")]]),
        ]);
        assert_eq!(render(&rich, usize::MAX), [render_whole(&rich, usize::MAX)]);
    }

    #[test]
    fn embeds_are_packed_greedily() {
        let sized = |n: usize, c: char| c.to_string().repeat(n);
        assert_eq!(pack_embeds(vec![]), Vec::<Vec<String>>::new());
        let full = sized(DESCRIPTION_LIMIT, 'a');
        assert_eq!(pack_embeds(vec![full.clone()]), [[full.clone()]]);
        // 4096 + 1904 = 6000 fits; one more unit does not.
        let packed = pack_embeds(vec![full.clone(), sized(1904, 'b'), sized(1, 'c')]);
        assert_eq!(
            packed,
            [vec![full.clone(), sized(1904, 'b')], vec![sized(1, 'c')]]
        );
        // UTF-16 units count: 952 emoji are 1904 units.
        let packed = pack_embeds(vec![full.clone(), "😀".repeat(952), "😀".to_owned()]);
        assert_eq!(packed.len(), 2);
        // At most ten per message, order kept.
        let many: Vec<String> = (0..25).map(|i| format!("d{i}")).collect();
        let packed = pack_embeds(many.clone());
        assert_eq!(packed.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 5]);
        assert_eq!(packed.concat(), many);
        let big: Vec<String> = (0..7).map(|i| sized(2000 + i, 'x')).collect();
        let packed = pack_embeds(big.clone());
        for message in &packed {
            assert!(message.iter().map(|d| discord_len(d)).sum::<usize>() <= EMBED_TOTAL_LIMIT);
            assert!(message.len() <= EMBEDS_PER_MESSAGE);
        }
        assert_eq!(packed.concat(), big);
        assert_eq!(packed.len(), 4);
    }

    /// Xorshift64: deterministic and good enough to vary test documents.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// True about once in `n` calls.
        fn one_in(&mut self, n: u64) -> bool {
            self.next().is_multiple_of(n)
        }

        /// A number in `range`, which must not be empty.
        fn within(&mut self, range: Range<usize>) -> usize {
            let offset = self.next() % range.len() as u64;
            range.start + usize::try_from(offset).unwrap_or(0)
        }

        fn choose<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.within(0..items.len())]
        }
    }

    const URLS: &[&str] = &[
        "https://clustersalliance.eu/",
        "https://e.example/path_with-chars~x#frag",
        "http://a.eu/x?y=1&z=2",
        "mailto:info_desk@example.eu",
        "https://e.example/a/rather/long/path/that/is/longer/than/fifty/units/in/all",
    ];

    /// Up to `words` words of everything the renderer must escape or keep whole, in several
    /// scripts, with gaps that would start markup at a line start if it were not escaped.
    fn random_text(rng: &mut Rng, words: usize, long_words: bool) -> String {
        const ALPHABET: &[&str] = &[
            "a", "b", "c", "é", "ß", "漢", "字", "😀", "👍🏽", "𝔘", "*", "_", "~", "`", "|", ">",
            "#", "-", "[", "]", "(", ")", "<", "\\", "@", ".", "1", "2", ":", "\t", "\u{7}",
            "\u{a0}",
        ];
        const GAPS: &[&str] = &[
            " ", " ", " ", " ", "  ", "\n", "\n\n", " \n ", "\n1. ", "\n# ", "\n> ", "\n- ",
            "\n  3. ",
        ];
        let count = rng.within(0..words + 1);
        let mut text = String::new();
        for n in 0..count {
            if n > 0 {
                text += rng.choose(GAPS);
            }
            let len = if long_words && rng.one_in(12) {
                rng.within(30..330)
            } else {
                rng.within(1..9)
            };
            text.extend((0..len).map(|_| rng.choose(ALPHABET)));
        }
        if rng.one_in(6) {
            text.insert(0, ' ');
        }
        if rng.one_in(6) {
            text.push(' ');
        }
        text
    }

    /// A link whose label is its URL, blank, harmless, or random text.
    fn random_anchor(rng: &mut Rng) -> Inline {
        let url = rng.choose(URLS);
        let label = match rng.within(0..4) {
            0 => url.to_owned(),
            1 => rng.choose(&["", " "]).to_owned(),
            2 => rng
                .choose(&["site", " EU portal (new) ", "a - b #1", "x"])
                .to_owned(),
            _ => random_text(rng, 3, false),
        };
        anchor(&label, url)
    }

    fn random_line(rng: &mut Rng, long_words: bool) -> Vec<Inline> {
        let count = rng.within(0..6);
        let mut line = Vec::with_capacity(count);
        for _ in 0..count {
            line.push(match rng.within(0..5) {
                0 => strong(random_text(rng, 6, long_words)),
                1 => random_anchor(rng),
                _ => plain(random_text(rng, 8, long_words)),
            });
        }
        line
    }

    /// Every third document has long words, every tenth many blocks.
    fn random_document(rng: &mut Rng, round: usize) -> Rich {
        let long_words = round.is_multiple_of(3);
        let most = if round.is_multiple_of(10) { 40 } else { 7 };
        let count = rng.within(0..most + 1);
        let mut blocks = Vec::with_capacity(count);
        for _ in 0..count {
            blocks.push(if rng.one_in(3) {
                let items = rng.within(0..6);
                Block::List((0..items).map(|_| random_line(rng, long_words)).collect())
            } else {
                Block::Paragraph(random_line(rng, long_words))
            });
        }
        Rich { blocks }
    }

    /// What the reader should see of one paragraph or item, computed without the renderer: links
    /// as their label, or as the URL when the label is the URL or blank, or as label and URL when
    /// Discord could not show the label literally or could not link the URL.
    fn shown_line(inlines: &[Inline]) -> String {
        let cleaned = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect()
        };
        let mut out = String::new();
        for inline in inlines {
            let (label, url) = match inline {
                Inline::Text { text } | Inline::Bold { text } => {
                    out += &cleaned(text);
                    continue;
                }
                Inline::Link { label, url } => (cleaned(label).replace('\n', " "), url),
            };
            let core = label.trim();
            let lead = label.len() - label.trim_start().len();
            let literal = url.starts_with("http")
                && !core.contains("://")
                && !core.chars().any(|c| "\\*_~`|[]<".contains(c));
            out += &label[..lead];
            if core.is_empty() || core == url {
                out += url;
            } else if literal {
                out += core;
            } else {
                out += &format!("{core} {url}");
            }
            out += &label[lead + core.len()..];
        }
        out.trim().to_owned()
    }

    /// What the reader should see of the unsplit document: blocks joined by a blank line, `- `
    /// items by a line break, blank ones left out.
    fn expected(rich: &Rich) -> String {
        let mut out = String::new();
        for block in &rich.blocks {
            let (bullet, lines) = match block {
                Block::Paragraph(inlines) => ("", std::slice::from_ref(inlines)),
                Block::List(items) => ("- ", items.as_slice()),
            };
            let mut separator = "\n\n";
            for inlines in lines {
                let line = shown_line(inlines);
                if line.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out += separator;
                }
                out += bullet;
                out += &line;
                separator = "\n";
            }
        }
        out
    }

    #[test]
    fn random_documents_split_safely() {
        let mut rng = Rng(0x00ec_ab07_d15c_0bd0);
        for round in 0..1500 {
            let rich = random_document(&mut rng, round);
            let unsplit = render_whole(&rich, usize::MAX);
            assert_eq!(to_visible(&unsplit), expected(&rich), "round {round}");
            for limit in [16, 50, 300, CONTENT_LIMIT, DESCRIPTION_LIMIT] {
                let chunks = render(&rich, limit);
                let visible = chunks_ok(&chunks, limit);
                let layout = Layout::new(&rich, limit);
                let whole = match layout.pieces.len() {
                    0 => String::new(),
                    n => layout.write(0..n),
                };
                assert_eq!(chunks.is_empty(), whole.is_empty(), "round {round}");
                // Nothing lost, nothing duplicated, order kept.
                assert_eq!(
                    squeeze(&visible.concat()),
                    squeeze(&to_visible(&whole)),
                    "round {round} limit {limit}"
                );
                if !whole.is_empty() && discord_len(&whole) <= limit {
                    assert_eq!(chunks, [whole.as_str()], "round {round} limit {limit}");
                }
                // Words are never broken when even the worst case of one fits: every character
                // escaped or bold on its own, plus a bullet and a number's dot, plus any links.
                let longest = to_visible(&whole)
                    .split_whitespace()
                    .map(discord_len)
                    .max()
                    .unwrap_or(0);
                let links: usize = layout
                    .pieces
                    .iter()
                    .filter(|p| !matches!(p.glyph, Glyph::Char { .. } | Glyph::Bullet))
                    .map(|p| p.glyph.width())
                    .sum();
                if 6 * longest + 3 + links <= limit {
                    let joined = visible.join(" ");
                    let whole = to_visible(&whole);
                    assert_eq!(
                        joined.split_whitespace().collect::<Vec<_>>(),
                        whole.split_whitespace().collect::<Vec<_>>(),
                        "round {round} limit {limit}"
                    );
                }
            }
        }
    }
}
