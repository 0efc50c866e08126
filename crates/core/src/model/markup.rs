//! Platform-neutral rich text.
//!
//! Locale files write answers in a deliberately tiny markup: paragraphs separated by blank lines,
//! `- ` list items, `**bold**` and `[label](https://…)` links. The core parses it into [`Rich`], and
//! each front end renders that natively (HTML for Telegram, Markdown for Discord, plain text in a
//! terminal). Data that comes from outside (call titles, feed items, user input) is passed through
//! [`escape`] before it meets a message, so it is always shown as text and never read as markup.

use std::fmt::Write as _;

/// A document: blocks in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Rich {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", content = "content", rename_all = "snake_case")]
pub enum Block {
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    Text { text: String },
    Bold { text: String },
    Link { label: String, url: String },
}

/// Escapes markup characters so that `text` is shown literally.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '[' | ']' | '-' | '(' | ')') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Rich {
    /// Parses the markup described in the module docs. Never fails: anything that is not markup
    /// is text.
    pub fn parse(source: &str) -> Rich {
        let mut blocks = Vec::new();
        let mut para: Vec<&str> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        let flush_para = |para: &mut Vec<&str>, blocks: &mut Vec<Block>| {
            if !para.is_empty() {
                blocks.push(Block::Paragraph(parse_inline(&para.join(" "))));
                para.clear();
            }
        };
        let flush_items = |items: &mut Vec<String>, blocks: &mut Vec<Block>| {
            if !items.is_empty() {
                blocks.push(Block::List(items.iter().map(|i| parse_inline(i)).collect()));
                items.clear();
            }
        };
        for raw in source.lines() {
            let line = raw.trim();
            if line.is_empty() {
                flush_para(&mut para, &mut blocks);
                flush_items(&mut items, &mut blocks);
            } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("• "))
            {
                flush_para(&mut para, &mut blocks);
                items.push(item.trim().to_owned());
            } else if !items.is_empty() && raw.starts_with("  ") && !para.is_empty() {
                para.push(line);
            } else {
                flush_items(&mut items, &mut blocks);
                para.push(line);
            }
        }
        flush_para(&mut para, &mut blocks);
        flush_items(&mut items, &mut blocks);
        Rich { blocks }
    }

    /// A document of one plain paragraph.
    pub fn text(text: impl Into<String>) -> Rich {
        Rich {
            blocks: vec![Block::Paragraph(vec![Inline::Text { text: text.into() }])],
        }
    }

    /// Appends the blocks of `other`.
    pub fn append(&mut self, other: Rich) {
        self.blocks.extend(other.blocks);
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Plain text with links written as `label (url)`, paragraphs separated by blank lines and
    /// list items by `• `. What a terminal or a notification preview shows.
    pub fn to_plain(&self) -> String {
        let mut out = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            match block {
                Block::Paragraph(inlines) => plain_inlines(&mut out, inlines),
                Block::List(items) => {
                    for (j, item) in items.iter().enumerate() {
                        if j > 0 {
                            out.push('\n');
                        }
                        out.push_str("• ");
                        plain_inlines(&mut out, item);
                    }
                }
            }
        }
        out
    }
}

fn plain_inlines(out: &mut String, inlines: &[Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Bold { text } => out.push_str(text),
            Inline::Link { label, url } if label == url => out.push_str(url),
            Inline::Link { label, url } => {
                let _ = write!(out, "{label} ({url})");
            }
        }
    }
}

fn is_link_target(url: &str) -> bool {
    crate::model::text::is_web_url(url)
        || ((url.starts_with("mailto:") || url.starts_with("tel:"))
            && !url.chars().any(|c| c.is_whitespace() || c.is_control()))
}

/// Splits a line into text, bold and link runs; a backslash makes the next character literal.
fn parse_inline(line: &str) -> Vec<Inline> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let push_text = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text {
                text: std::mem::take(text),
            });
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            text.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '*'
            && chars.get(i + 1) == Some(&'*')
            && let Some(end) = find_unescaped(&chars, i + 2, &['*', '*'])
        {
            let inner = unescape(&chars[i + 2..end]);
            if !inner.trim().is_empty() {
                push_text(&mut text, &mut out);
                out.push(Inline::Bold { text: inner });
                i = end + 2;
                continue;
            }
        }
        if c == '['
            && let Some(close) = find_unescaped(&chars, i + 1, &[']', '('])
            && let Some(end) = find_unescaped(&chars, close + 2, &[')'])
        {
            let label = unescape(&chars[i + 1..close]);
            let url: String = chars[close + 2..end].iter().collect();
            if is_link_target(&url) && !label.trim().is_empty() {
                push_text(&mut text, &mut out);
                out.push(Inline::Link { label, url });
                i = end + 1;
                continue;
            }
        }
        text.push(c);
        i += 1;
    }
    push_text(&mut text, &mut out);
    out
}

fn find_unescaped(chars: &[char], from: usize, pat: &[char]) -> Option<usize> {
    let mut i = from;
    while i + pat.len() <= chars.len() {
        if chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i..i + pat.len()] == *pat {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn unescape(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            i += 1;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text { text: s.into() }
    }

    #[test]
    fn paragraphs_lists_bold_links() {
        let doc = Rich::parse(
            "Intro with **bold** and a [site](https://clustersalliance.eu/).\nsame paragraph\n\n- one\n- two\n\nEnd",
        );
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph(vec![
                    t("Intro with "),
                    Inline::Bold {
                        text: "bold".into()
                    },
                    t(" and a "),
                    Inline::Link {
                        label: "site".into(),
                        url: "https://clustersalliance.eu/".into()
                    },
                    t(". same paragraph"),
                ]),
                Block::List(vec![vec![t("one")], vec![t("two")]]),
                Block::Paragraph(vec![t("End")]),
            ]
        );
        assert_eq!(
            doc.to_plain(),
            "Intro with bold and a site (https://clustersalliance.eu/). same paragraph\n\n• one\n• two\n\nEnd"
        );
    }

    #[test]
    fn escaped_data_stays_text() {
        let hostile = "<b>R&D</b> *now* **x** [a](https://evil.example) - \\";
        let doc = Rich::parse(&format!("Call: {}", escape(hostile)));
        assert_eq!(
            doc.blocks,
            vec![Block::Paragraph(vec![t(&format!("Call: {hostile}"))])]
        );
        let item = Rich::parse(&escape("- not a list item"));
        assert_eq!(
            item.blocks,
            vec![Block::Paragraph(vec![t("- not a list item")])]
        );
    }

    #[test]
    fn only_web_mail_and_phone_links() {
        let doc = Rich::parse("[x](javascript:alert(1)) and unclosed **bold");
        assert_eq!(
            doc.to_plain(),
            "[x](javascript:alert(1)) and unclosed **bold"
        );
    }
}
