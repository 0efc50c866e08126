//! The terminal front end: `ecabot chat` and `ecabot ask`. It renders core replies as text and
//! lets the user press a button by typing its number.

use std::fmt::Write as _;

use ecabot_core::{Action, Block, Bot, ChatRef, Inline, Input, Request, Response, Rich};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// How to draw: with ANSI emphasis on a terminal, plain when piped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Ansi,
}

/// Renders a reply body for a terminal.
pub fn render(body: &Rich, style: Style) -> String {
    let mut out = String::new();
    for (i, block) in body.blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        match block {
            Block::Paragraph(inlines) => inline(&mut out, inlines, style),
            Block::List(items) => {
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push('\n');
                    }
                    out.push_str("  • ");
                    inline(&mut out, item, style);
                }
            }
        }
    }
    out
}

fn inline(out: &mut String, inlines: &[Inline], style: Style) {
    for i in inlines {
        match (i, style) {
            (Inline::Text { text }, _) | (Inline::Bold { text }, Style::Plain) => {
                out.push_str(text)
            }
            (Inline::Bold { text }, Style::Ansi) => {
                let _ = write!(out, "\x1b[1m{text}\x1b[0m");
            }
            (Inline::Link { label, url }, _) if label == url => out.push_str(url),
            (Inline::Link { label, url }, _) => {
                let _ = write!(out, "{label} <{url}>");
            }
        }
    }
}

/// Renders a whole response, numbering its buttons from 1.
pub fn render_response(response: &Response, style: Style) -> String {
    let mut out = String::new();
    let mut number = 1;
    for reply in &response.replies {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&render(&reply.body, style));
        if !reply.buttons.is_empty() {
            out.push('\n');
            let mut line = String::new();
            for b in &reply.buttons {
                let cell = format!("[{number}] {}", b.label);
                if !line.is_empty() && line.chars().count() + cell.chars().count() + 3 > 78 {
                    let _ = write!(out, "\n{line}");
                    line.clear();
                }
                if !line.is_empty() {
                    line.push_str("   ");
                }
                line.push_str(&cell);
                number += 1;
            }
            let _ = write!(out, "\n{line}");
        }
    }
    out
}

/// Runs an interactive session until end of input (or `/quit`). Typing a button's number
/// presses it. Returns the number of requests answered.
pub async fn run_chat<R, W>(
    bot: &Bot,
    chat: ChatRef,
    hint: Option<String>,
    input: R,
    mut output: W,
    style: Style,
    prompt: bool,
) -> std::io::Result<usize>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = input;
    let mut buttons: Vec<Action> = Vec::new();
    let mut answered = 0;
    let greeting = bot
        .handle(Request::text(chat.clone(), "/start").with_hint(hint.clone()))
        .await;
    write_response(&mut output, &greeting, style, &mut buttons).await?;
    loop {
        if prompt {
            output.write_all(b"\n> ").await?;
            output.flush().await?;
        }
        let Some(line) = next_line(&mut input).await? else {
            break;
        };
        let trimmed = line.trim();
        if matches!(trimmed, "/quit" | "/exit") {
            break;
        }
        let input = match trimmed.parse::<usize>() {
            Ok(n) if n >= 1 && n <= buttons.len() => Input::Action(buttons[n - 1].clone()),
            _ => Input::Text(line),
        };
        let request = Request {
            chat: chat.clone(),
            locale_hint: hint.clone(),
            bot_name: None,
            input,
        };
        let response = bot.handle(request).await;
        answered += 1;
        write_response(&mut output, &response, style, &mut buttons).await?;
    }
    output.flush().await?;
    Ok(answered)
}

/// Reads a line; invalid UTF-8 is replaced, so a stray byte never ends the session.
async fn next_line<R: AsyncBufRead + Unpin>(input: &mut R) -> std::io::Result<Option<String>> {
    let mut bytes = Vec::new();
    if input.read_until(b'\n', &mut bytes).await? == 0 {
        return Ok(None);
    }
    while matches!(bytes.last(), Some(b'\n' | b'\r')) {
        bytes.pop();
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

async fn write_response<W: AsyncWrite + Unpin>(
    output: &mut W,
    response: &Response,
    style: Style,
    buttons: &mut Vec<Action>,
) -> std::io::Result<()> {
    if response.replies.is_empty() {
        return Ok(());
    }
    *buttons = response
        .replies
        .iter()
        .flat_map(|r| r.buttons.iter().map(|b| b.action.clone()))
        .collect();
    let text = render_response(response, style);
    output.write_all(text.as_bytes()).await?;
    output.write_all(b"\n").await?;
    output.flush().await
}
