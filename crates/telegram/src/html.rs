//! Renders [`Rich`] as Telegram HTML, split into messages that fit Telegram's limits.
//!
//! HTML is the parse mode of choice because only `&`, `<`, `>` and `"` need escaping: call
//! titles and feed items full of `_` and `*` pass through untouched, which `MarkdownV2` would not
//! allow.
//!
//! Splitting works on the visible characters rather than on the HTML, so a cut can never land
//! inside a tag, an entity or a character; each part is rendered on its own, which closes a bold
//! run or a link before the cut and reopens it after.

use std::fmt::Write as _;

use ecabot_core::{Block, Inline, Rich};

/// Telegram's limit on a message's text, in UTF-16 code units after entity parsing.
pub const MESSAGE_LIMIT: usize = 4096;
/// Telegram's limit on a document caption.
pub const CAPTION_LIMIT: usize = 1024;

/// Renders `rich` as Telegram HTML (`parse_mode` `HTML`) in as few messages as possible, each at
/// most `limit` visible UTF-16 code units.
///
/// Whole blocks are packed greedily, separated by a blank line. Each message is cut at the last
/// paragraph boundary that fits, else at the last line (list item), else between words, and only
/// a word longer than the limit is cut between characters; readable cuts win over fuller
/// messages, so a short block before a long one gets a message of its own. Blocks and list items that hold no visible text are
/// left out; an empty document gives no messages. A `limit` below 2 cannot hold every character,
/// so such a character is sent alone even though it exceeds the limit.
pub fn render(rich: &Rich, limit: usize) -> Vec<String> {
    let cells = flatten(rich);
    // `units[i]` is the UTF-16 length of `cells[..i]`, so any range's length is one subtraction.
    let units: Vec<usize> = std::iter::once(0)
        .chain(cells.iter().scan(0, |sum, cell| {
            *sum += cell.ch.len_utf16();
            Some(*sum)
        }))
        .collect();
    let priority = cut_priorities(&cells);

    let mut parts = Vec::new();
    let mut start = skip_space(&cells, 0);
    while start < cells.len() {
        let end = trim_end(&cells, start, cells.len());
        if units[end] - units[start] <= limit {
            parts.push(render_cells(&cells[start..end]));
            break;
        }
        let cut = best_cut(&units, &priority, start, limit);
        parts.push(render_cells(&cells[start..trim_end(&cells, start, cut)]));
        start = skip_space(&cells, cut);
    }
    parts
}

/// Escapes text for Telegram HTML: `&`, `<`, `>` and `"` (the last only matters in attribute
/// values, but escaping it everywhere keeps one function safe for both).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Visible length of a piece of our own HTML output (tags removed, entities counted as the one
/// character they stand for), in UTF-16 code units: what Telegram measures against its limits.
pub fn visible_len(html: &str) -> usize {
    let mut len = 0;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                // A tag shows nothing; an unterminated one cannot come from us, so count it as text.
                match rest.find('>') {
                    Some(close) => {
                        rest = &rest[close + 1..];
                        continue;
                    }
                    None => len += 1,
                }
            }
            '&' => {
                if let Some((decoded, used)) = entity(rest) {
                    len += decoded.len_utf16();
                    rest = &rest[used..];
                    continue;
                }
                len += 1;
            }
            _ => len += c.len_utf16(),
        }
        rest = &rest[c.len_utf8()..];
    }
    len
}

/// How a run of visible characters is marked up. Adjacent runs with equal style are merged,
/// which looks the same and keeps the HTML short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style<'a> {
    Plain,
    Bold,
    Link(&'a str),
}

/// One visible character of the document, with the markup around it.
#[derive(Debug, Clone, Copy)]
struct Cell<'a> {
    ch: char,
    style: Style<'a>,
    /// The space after a list bullet: never a place to cut, so a bullet is not left alone.
    glue: bool,
}

impl Cell<'_> {
    fn plain(ch: char) -> Self {
        Cell {
            ch,
            style: Style::Plain,
            glue: false,
        }
    }

    /// Whitespace where a line may be broken; no-break spaces and the bullet's space are not.
    fn breaks(&self) -> bool {
        self.ch.is_whitespace()
            && !self.glue
            && !matches!(self.ch, '\u{a0}' | '\u{2007}' | '\u{202f}')
    }
}

/// Lays the whole document out as visible characters: blocks joined by a blank line, list items
/// by a newline. Each paragraph and item is trimmed, and empty ones are dropped, so that no part
/// can end up blank.
fn flatten(rich: &Rich) -> Vec<Cell<'_>> {
    let mut cells = Vec::new();
    for block in &rich.blocks {
        let mut lines: Vec<Vec<Cell<'_>>> = Vec::new();
        match block {
            Block::Paragraph(inlines) => lines.push(line_cells(inlines)),
            Block::List(items) => {
                for item in items {
                    let text = line_cells(item);
                    if !text.is_empty() {
                        let mut line = vec![
                            Cell::plain('•'),
                            Cell {
                                glue: true,
                                ..Cell::plain(' ')
                            },
                        ];
                        line.extend(text);
                        lines.push(line);
                    }
                }
            }
        }
        lines.retain(|line| !line.is_empty());
        if lines.is_empty() {
            continue;
        }
        if !cells.is_empty() {
            cells.extend([Cell::plain('\n'), Cell::plain('\n')]);
        }
        for (i, line) in lines.into_iter().enumerate() {
            if i > 0 {
                cells.push(Cell::plain('\n'));
            }
            cells.extend(line);
        }
    }
    cells
}

/// The cells of one paragraph or list item, without surrounding whitespace.
fn line_cells(inlines: &[Inline]) -> Vec<Cell<'_>> {
    let mut cells = Vec::new();
    for inline in inlines {
        let (text, style) = match inline {
            Inline::Text { text } => (text.as_str(), Style::Plain),
            Inline::Bold { text } => (text.as_str(), Style::Bold),
            // An empty label would make the link invisible; showing the address keeps it usable.
            Inline::Link { label, url } if label.trim().is_empty() => {
                (url.as_str(), Style::Link(url))
            }
            Inline::Link { label, url } => (label.as_str(), Style::Link(url)),
        };
        cells.extend(text.chars().map(|ch| Cell {
            style,
            ..Cell::plain(ch)
        }));
    }
    let start = skip_space(&cells, 0);
    let end = trim_end(&cells, start, cells.len());
    cells.truncate(end);
    cells.drain(..start);
    cells
}

/// For each position `p` (a cut just before `cells[p]`), how good a cut it is: 3 at a blank line,
/// 2 at a line break, 1 between words, 0 elsewhere. Only the first position of a run of
/// whitespace is rated, since cutting anywhere in the run drops the whole run.
fn cut_priorities(cells: &[Cell<'_>]) -> Vec<u8> {
    let mut priority = vec![0; cells.len() + 1];
    let mut p = 0;
    while p < cells.len() {
        if !cells[p].breaks() {
            p += 1;
            continue;
        }
        let run_end = cells[p..]
            .iter()
            .position(|cell| !cell.breaks())
            .map_or(cells.len(), |n| p + n);
        let newlines = cells[p..run_end]
            .iter()
            .filter(|cell| cell.ch == '\n')
            .count();
        priority[p] = match newlines {
            0 => 1,
            1 => 2,
            _ => 3,
        };
        p = run_end;
    }
    priority
}

/// The cut after `start` with the best priority whose part fits in `limit`, the furthest one
/// among equals. If not even one character fits, the cut is after that character, so that
/// splitting always moves on.
fn best_cut(units: &[usize], priority: &[u8], start: usize, limit: usize) -> usize {
    let mut best: Option<(u8, usize)> = None;
    let mut p = start + 1;
    while p < units.len() && units[p] - units[start] <= limit {
        if best.is_none_or(|(rank, _)| priority[p] >= rank) {
            best = Some((priority[p], p));
        }
        p += 1;
    }
    best.map_or(start + 1, |(_, p)| p)
}

fn skip_space(cells: &[Cell<'_>], from: usize) -> usize {
    cells[from..]
        .iter()
        .position(|cell| !cell.ch.is_whitespace())
        .map_or(cells.len(), |n| from + n)
}

/// The end of `cells[start..end]` without its trailing whitespace.
fn trim_end(cells: &[Cell<'_>], start: usize, end: usize) -> usize {
    cells[start..end]
        .iter()
        .rposition(|cell| !cell.ch.is_whitespace())
        .map_or(start, |n| start + n + 1)
}

/// The HTML of one part. Every run is opened and closed here, so each part is balanced by itself.
fn render_cells(cells: &[Cell<'_>]) -> String {
    let mut out = String::new();
    for run in cells.chunk_by(|a, b| a.style == b.style) {
        let Some(first) = run.first() else {
            continue;
        };
        let text: String = run.iter().map(|cell| cell.ch).collect();
        match first.style {
            Style::Plain => escape_into(&mut out, &text),
            Style::Bold => {
                out.push_str("<b>");
                escape_into(&mut out, &text);
                out.push_str("</b>");
            }
            Style::Link(url) => {
                let _ = write!(out, "<a href=\"{}\">", escape(url));
                escape_into(&mut out, &text);
                out.push_str("</a>");
            }
        }
    }
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Decodes the entity at the start of `html`: the character and the number of bytes it spans.
/// `None` if `html` does not start with an entity Telegram understands.
fn entity(html: &str) -> Option<(char, usize)> {
    let body = html.strip_prefix('&')?;
    let close = body.char_indices().take(11).find(|&(_, c)| c == ';')?.0;
    let name = &body[..close];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, close + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text { text: s.into() }
    }

    fn bold(s: &str) -> Inline {
        Inline::Bold { text: s.into() }
    }

    fn link(label: &str, url: &str) -> Inline {
        Inline::Link {
            label: label.into(),
            url: url.into(),
        }
    }

    fn para(inlines: Vec<Inline>) -> Block {
        Block::Paragraph(inlines)
    }

    fn doc(blocks: Vec<Block>) -> Rich {
        Rich { blocks }
    }

    /// Parses our HTML the way Telegram would: only `<b>`, `<a href="…">` and their closing tags,
    /// not nested in themselves, all closed; only the four named entities; no raw `<`, `>` or
    /// `&`. Returns the visible text.
    fn check(html: &str) -> Result<String, String> {
        let mut visible = String::new();
        let mut open: Vec<&str> = Vec::new();
        let mut rest = html;
        while let Some(c) = rest.chars().next() {
            if c == '<' {
                let close = rest.find('>').ok_or("unterminated tag")?;
                let tag = &rest[1..close];
                match tag {
                    "b" | "/b" | "/a" => {}
                    _ if tag.starts_with("a href=\"") && tag.ends_with('"') && tag.len() > 9 => {
                        check_text(&tag[8..tag.len() - 1], true)?;
                    }
                    _ => return Err(format!("unknown tag <{tag}>")),
                }
                let name = if tag.starts_with('a') { "a" } else { tag };
                if let Some(closing) = name.strip_prefix('/') {
                    if open.pop() != Some(closing) {
                        return Err(format!("</{closing}> does not close the innermost tag"));
                    }
                } else if open.contains(&name) {
                    return Err(format!("<{name}> nested in itself"));
                } else {
                    open.push(name);
                }
                rest = &rest[close + 1..];
            } else if c == '&' {
                let (decoded, used) = entity(rest).ok_or("bad entity")?;
                visible.push(decoded);
                rest = &rest[used..];
            } else if c == '>' {
                return Err("raw >".into());
            } else {
                visible.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if open.is_empty() {
            Ok(visible)
        } else {
            Err(format!("unclosed {open:?}"))
        }
    }

    fn check_text(s: &str, attribute: bool) -> Result<(), String> {
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            match c {
                '&' => rest = &rest[entity(rest).ok_or("bad entity")?.1..],
                '<' | '>' => return Err(format!("raw {c}")),
                '"' if attribute => return Err("raw \" in attribute".into()),
                _ => rest = &rest[c.len_utf8()..],
            }
        }
        Ok(())
    }

    /// What the reader should see, computed independently of the renderer: blocks joined by a
    /// blank line, items by a newline, blank blocks and items left out.
    fn plain(rich: &Rich) -> String {
        fn line(inlines: &[Inline]) -> String {
            let mut out = String::new();
            for inline in inlines {
                match inline {
                    Inline::Text { text } | Inline::Bold { text } => out.push_str(text),
                    Inline::Link { label, url } if label.trim().is_empty() => out.push_str(url),
                    Inline::Link { label, .. } => out.push_str(label),
                }
            }
            out
        }
        let blocks: Vec<String> = rich
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph(inlines) => line(inlines),
                Block::List(items) => items
                    .iter()
                    .map(|item| line(item))
                    .filter(|item| !item.trim().is_empty())
                    .map(|item| format!("• {item}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
            .filter(|block| !block.trim().is_empty())
            .collect();
        blocks.join("\n\n")
    }

    /// Checks every part and returns their visible texts.
    fn parts_ok(parts: &[String], limit: usize) -> Vec<String> {
        parts
            .iter()
            .map(|part| {
                let visible = check(part).unwrap_or_else(|e| panic!("{e} in {part:?}"));
                assert!(!visible.trim().is_empty(), "empty part");
                assert_eq!(visible, visible.trim(), "untrimmed part {part:?}");
                assert_eq!(visible_len(part), visible.encode_utf16().count());
                assert!(visible_len(part) <= limit, "part over {limit}: {part:?}");
                visible
            })
            .collect()
    }

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    fn letters(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn escapes_html_but_not_markdown() {
        assert_eq!(
            escape("<b>R&D</b> *now*"),
            "&lt;b&gt;R&amp;D&lt;/b&gt; *now*"
        );
        assert_eq!(escape("snake_case **x** _y_"), "snake_case **x** _y_");
        let rich = doc(vec![para(vec![text("a_b *c* <d> & "), bold("e_f")])]);
        assert_eq!(
            render(&rich, MESSAGE_LIMIT),
            ["a_b *c* &lt;d&gt; &amp; <b>e_f</b>"]
        );
    }

    #[test]
    fn renders_paragraphs_lists_bold_and_links() {
        let rich = doc(vec![
            para(vec![
                text("Intro with "),
                bold("bold"),
                text(" and a "),
                link("site", "https://clustersalliance.eu/"),
                text("."),
            ]),
            Block::List(vec![vec![text("one")], vec![text(" two ")]]),
            para(vec![link("https://x.eu", "https://x.eu")]),
        ]);
        assert_eq!(
            render(&rich, MESSAGE_LIMIT),
            [concat!(
                "Intro with <b>bold</b> and a <a href=\"https://clustersalliance.eu/\">site</a>.",
                "\n\n• one\n• two",
                "\n\n<a href=\"https://x.eu\">https://x.eu</a>"
            )]
        );
    }

    #[test]
    fn link_urls_are_attribute_escaped() {
        let url = "https://e.example/?a=1&b=\"2\"<3>";
        let rich = doc(vec![para(vec![link("R&D \"now\"", url)])]);
        let parts = render(&rich, MESSAGE_LIMIT);
        assert_eq!(
            parts,
            [
                "<a href=\"https://e.example/?a=1&amp;b=&quot;2&quot;&lt;3&gt;\">R&amp;D &quot;now&quot;</a>"
            ]
        );
        assert_eq!(parts_ok(&parts, MESSAGE_LIMIT), ["R&D \"now\""]);
        assert_eq!(visible_len(&parts[0]), 9);
    }

    #[test]
    fn empty_input_gives_no_messages() {
        assert!(render(&Rich::default(), MESSAGE_LIMIT).is_empty());
        let blank = doc(vec![
            para(vec![]),
            para(vec![text("  \n "), bold(""), bold(" ")]),
            Block::List(vec![vec![], vec![text(" ")]]),
        ]);
        assert!(render(&blank, MESSAGE_LIMIT).is_empty());
        assert_eq!(
            render(
                &doc(vec![para(vec![text(" ")]), para(vec![text(" x ")])]),
                1
            ),
            ["x"]
        );
    }

    #[test]
    fn visible_len_counts_entities_and_utf16() {
        assert_eq!(visible_len("<b>a&amp;b</b> <a href=\"x&amp;y\">z</a>"), 5);
        assert_eq!(visible_len("&lt;&gt;&quot;&#128512;&#x1D518;"), 7);
        assert_eq!(visible_len("😀𝔘é"), 5);
        assert_eq!(visible_len("a & b"), 5);
    }

    #[test]
    fn long_answer_splits_at_paragraphs() {
        let paragraph = |i: usize| {
            let words: Vec<String> = (0..80).map(|j| format!("w{i}x{j}")).collect();
            para(vec![text(&words.join(" "))])
        };
        let rich = doc((0..24).map(paragraph).collect());
        let whole = plain(&rich);
        assert!(whole.trim().chars().count() >= 10_000);
        let parts = render(&rich, MESSAGE_LIMIT);
        assert!(parts.len() >= 3, "{} parts", parts.len());
        let visible = parts_ok(&parts, MESSAGE_LIMIT);
        // Cut only at paragraph boundaries: the parts joined by blank lines give back the text.
        assert_eq!(visible.join("\n\n"), whole.trim());
        // Greedy: no part could have taken the next part's first paragraph.
        for pair in visible.windows(2) {
            let next = pair[1].split("\n\n").next().unwrap_or_default();
            assert!(
                pair[0].encode_utf16().count() + 2 + next.encode_utf16().count() > MESSAGE_LIMIT
            );
        }
    }

    #[test]
    fn long_paragraph_splits_between_words() {
        let all: Vec<String> = (0..1400).map(|i| format!("word{i}")).collect();
        let rich = doc(vec![para(vec![text(&all.join(" "))])]);
        assert!(plain(&rich).len() >= 10_000);
        let parts = render(&rich, MESSAGE_LIMIT);
        assert_eq!(parts.len(), 3);
        let visible = parts_ok(&parts, MESSAGE_LIMIT);
        assert_eq!(words(&visible.join(" ")), all);
        for part in &visible {
            assert!(part.encode_utf16().count() > MESSAGE_LIMIT - 10 || part == &visible[2]);
        }
    }

    #[test]
    fn long_list_splits_between_items() {
        let items: Vec<Vec<Inline>> = (0..600)
            .map(|i| vec![text(&format!("item number {i}"))])
            .collect();
        let rich = doc(vec![para(vec![text("Intro")]), Block::List(items)]);
        let parts = render(&rich, MESSAGE_LIMIT);
        let visible = parts_ok(&parts, MESSAGE_LIMIT);
        assert_eq!(visible[0], "Intro");
        assert_eq!(visible.join("\n"), plain(&rich).replace("\n\n", "\n"));
        assert!(visible[1..].iter().all(|part| part.starts_with("• ")));
    }

    #[test]
    fn giant_word_is_cut_between_chars() {
        let word = "a&<".repeat(3334);
        let rich = doc(vec![para(vec![text(&word)])]);
        let parts = render(&rich, MESSAGE_LIMIT);
        let visible = parts_ok(&parts, MESSAGE_LIMIT);
        assert_eq!(
            visible.iter().map(String::len).collect::<Vec<_>>(),
            [4096, 4096, 10_002 - 8192]
        );
        assert_eq!(visible.concat(), word);
    }

    #[test]
    fn bold_and_link_are_reopened_after_a_cut() {
        let rich = doc(vec![para(vec![
            text("aaa "),
            bold("bbb ccc"),
            text(" ddd "),
            link("eee fff", "https://x.eu/?a&b"),
        ])]);
        assert_eq!(
            render(&rich, 7),
            [
                "aaa <b>bbb</b>",
                "<b>ccc</b> ddd",
                "<a href=\"https://x.eu/?a&amp;b\">eee fff</a>",
            ]
        );
        assert_eq!(
            render(&rich, 3)[4..],
            [
                "<a href=\"https://x.eu/?a&amp;b\">eee</a>",
                "<a href=\"https://x.eu/?a&amp;b\">fff</a>",
            ]
        );
    }

    #[test]
    fn non_bmp_chars_count_twice_and_stay_whole() {
        let rich = doc(vec![para(vec![text("a𝔘😀 𝔘𝔘")])]);
        assert_eq!(render(&rich, 5), ["a𝔘😀", "𝔘𝔘"]);
        assert_eq!(render(&rich, 4), ["a𝔘", "😀", "𝔘𝔘"]);
        assert_eq!(render(&rich, 1), ["a", "𝔘", "😀", "𝔘", "𝔘"]);
        let emoji = "😀".repeat(3000);
        let parts = render(&doc(vec![para(vec![text(&emoji)])]), MESSAGE_LIMIT);
        let visible = parts_ok(&parts, MESSAGE_LIMIT);
        assert_eq!(
            visible
                .iter()
                .map(|p| p.chars().count())
                .collect::<Vec<_>>(),
            [2048, 952]
        );
        assert_eq!(visible.concat(), emoji);
    }

    #[test]
    fn bullet_stays_with_its_item() {
        let rich = doc(vec![Block::List(vec![vec![text("abcdef ghi")]])]);
        assert_eq!(render(&rich, 8), ["• abcdef", "ghi"]);
        assert_eq!(render(&rich, 6), ["• abcd", "ef ghi"]);
    }

    #[test]
    fn no_break_spaces_hold_words_together() {
        let rich = doc(vec![para(vec![text("aa bb\u{a0}cc")])]);
        assert_eq!(render(&rich, 6), ["aa", "bb\u{a0}cc"]);
    }

    /// SplitMix64: deterministic and good enough to vary test documents.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    fn random_word(rng: &mut Rng, long: bool) -> String {
        const CHARS: &[&str] = &[
            "a", "b", "c", "e", "é", "<", ">", "&", "\"", "_", "*", "𝔘", "😀", "'", "1",
        ];
        let len = if long {
            30 + rng.below(200)
        } else {
            1 + rng.below(8)
        };
        (0..len).map(|_| rng.pick(CHARS)).collect()
    }

    fn random_words(rng: &mut Rng, max: usize, long_words: bool) -> String {
        const GAPS: &[&str] = &[" ", " ", " ", "  ", "\n", " \n\n "];
        let mut out = String::new();
        if rng.below(6) == 0 {
            out.push(' ');
        }
        for i in 0..rng.below(max + 1) {
            if i > 0 {
                out.push_str(rng.pick(GAPS));
            }
            let long = long_words && rng.below(10) == 0;
            out.push_str(&random_word(rng, long));
        }
        if rng.below(6) == 0 {
            out.push(' ');
        }
        out
    }

    fn random_inlines(rng: &mut Rng, long_words: bool) -> Vec<Inline> {
        (0..rng.below(5))
            .map(|_| {
                let words = random_words(rng, 6, long_words);
                match rng.below(4) {
                    0 => Inline::Bold { text: words },
                    1 => Inline::Link {
                        label: words,
                        url: "https://e.example/?q=\"a\"&b=<c>".into(),
                    },
                    _ => Inline::Text { text: words },
                }
            })
            .collect()
    }

    fn random_doc(rng: &mut Rng, long_words: bool) -> Rich {
        let blocks = (0..rng.below(7))
            .map(|_| {
                if rng.below(3) == 0 {
                    Block::List(
                        (0..rng.below(5))
                            .map(|_| random_inlines(rng, long_words))
                            .collect(),
                    )
                } else {
                    Block::Paragraph(random_inlines(rng, long_words))
                }
            })
            .collect();
        Rich { blocks }
    }

    #[test]
    fn random_documents_split_safely() {
        let mut rng = Rng(0x00ec_ab07);
        for round in 0..1500 {
            let long_words = round % 3 == 0;
            let rich = random_doc(&mut rng, long_words);
            let whole = plain(&rich);
            let longest = words(&whole)
                .iter()
                .map(|w| w.encode_utf16().count())
                .max()
                .unwrap_or(0);
            let random_limit = 2 + rng.below(120);
            for limit in [2, 7, 20, 50, 100, random_limit, MESSAGE_LIMIT] {
                let parts = render(&rich, limit);
                let visible = parts_ok(&parts, limit);
                assert_eq!(visible.is_empty(), whole.trim().is_empty(), "round {round}");
                // Nothing lost, nothing duplicated, order kept.
                assert_eq!(
                    letters(&visible.concat()),
                    letters(&whole),
                    "round {round} limit {limit}"
                );
                // Words that fit (with a bullet before them) are never broken.
                if longest + 2 <= limit {
                    assert_eq!(
                        words(&visible.join(" ")),
                        words(&whole),
                        "round {round} limit {limit}"
                    );
                }
                if whole.trim().encode_utf16().count() <= limit {
                    assert!(parts.len() <= 1, "round {round} limit {limit}");
                }
            }
        }
    }
}
