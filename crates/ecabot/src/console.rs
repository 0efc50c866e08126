//! The terminal front end: `ecabot chat` and `ecabot ask`. It renders core replies as text and
//! lets the user press a button by typing its number.

use std::fmt::Write as _;

use ecabot_core::ports::SendError;
use ecabot_core::ports::Sender;
use ecabot_core::{
    Action, Block, Bot, ChatRef, Courier, Inline, Input, OutboxKey, Request, Response, Rich,
    Scheduler,
};
use tokio::{
    io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt},
    sync::mpsc,
};

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
        if let Some(file) = &reply.attachment {
            let _ = write!(out, "\n\n📎 {} ({})", file.file_name, file.media_type);
            if file.media_type.starts_with("text/") {
                out.push_str("\n\n");
                out.push_str(&String::from_utf8_lossy(&file.bytes).replace("\r\n", "\n"));
            }
        }
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

/// Who is talking, and how to draw for them.
#[derive(Debug, Clone)]
pub struct Session {
    pub chat: ChatRef,
    /// The terminal's language, used unless the chat chose one.
    pub hint: Option<String>,
    pub style: Style,
    /// Interactive: show a prompt.
    pub prompt: bool,
}

/// The console's [`Sender`]: reminders for this session's chat go into its output.
pub struct ConsoleSender {
    chat: ChatRef,
    tx: mpsc::UnboundedSender<Response>,
}

impl ConsoleSender {
    /// The sender, and the inbox a session prints from.
    pub fn new(chat: ChatRef) -> (ConsoleSender, mpsc::UnboundedReceiver<Response>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (ConsoleSender { chat, tx }, rx)
    }
}

#[async_trait::async_trait]
impl Sender for ConsoleSender {
    async fn send(
        &self,
        chat: &ChatRef,
        response: &Response,
        _key: &OutboxKey,
    ) -> Result<(), SendError> {
        if *chat != self.chat {
            // Another terminal user's reminder: it waits for their own session.
            return Err(SendError::Transient {
                reason: "that terminal user is not in this session".into(),
                retry_after: Some(std::time::Duration::from_secs(600)),
            });
        }
        self.tx
            .send(response.clone())
            .map_err(|_| SendError::Transient {
                reason: "the terminal session has ended".into(),
                retry_after: None,
            })
    }
}

/// What a session runs in the background: on every tick, plan reminders and deliver what is
/// due. Ticks come from a cron schedule in the binary and from the test itself in tests.
pub struct Background {
    pub scheduler: Scheduler,
    pub courier: Courier,
    pub inbox: mpsc::UnboundedReceiver<Response>,
    pub ticks: mpsc::Receiver<()>,
}

/// Deliveries per tick, at most: a backlog drains over a few ticks instead of stalling input.
const STEPS_PER_TICK: usize = 16;

async fn background_round(scheduler: &Scheduler, courier: &Courier) {
    match scheduler.tick().await {
        Ok(outcome) if outcome.planned + outcome.digests > 0 => {
            tracing::info!(?outcome, "reminders and digests planned")
        }
        Ok(_) => {}
        Err(error) => {
            tracing::error!(error = %error, source = ?std::error::Error::source(&error), "scheduler tick failed")
        }
    }
    for _ in 0..STEPS_PER_TICK {
        match courier.step().await {
            Ok(outcome) if outcome.claimed == 0 => break,
            Ok(outcome) => tracing::debug!(?outcome, "delivered"),
            Err(error) => {
                tracing::error!(error = %error, source = ?std::error::Error::source(&error), "delivery failed");
                break;
            }
        }
    }
}

/// Runs a session until end of input (or `/quit`). Typing a button's number presses it;
/// reminders that come due are printed as they arrive. Returns the number of requests answered.
pub async fn run_chat<R, W>(
    bot: &Bot,
    session: Session,
    input: R,
    mut output: W,
    background: Option<Background>,
) -> std::io::Result<usize>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let Session {
        chat,
        hint,
        style,
        prompt,
    } = session;
    let mut input = input;
    let (work, mut inbox, mut ticks) = match background {
        Some(b) => (Some((b.scheduler, b.courier)), Some(b.inbox), Some(b.ticks)),
        None => (None, None, None),
    };
    let mut buttons: Vec<Action> = Vec::new();
    let mut answered = 0;
    let greeting = bot
        .handle(Request::text(chat.clone(), "/start").with_hint(hint.clone()))
        .await;
    write_response(&mut output, &greeting, style, &mut buttons).await?;
    let mut pending = Vec::new();
    loop {
        if prompt {
            output.write_all(b"\n> ").await?;
            output.flush().await?;
        }
        let line = loop {
            tokio::select! {
                biased;
                Some(()) = recv_opt(&mut ticks) => {
                    if let Some((scheduler, courier)) = &work {
                        background_round(scheduler, courier).await;
                    }
                }
                Some(message) = recv_opt(&mut inbox) => {
                    output.write_all(b"\n").await?;
                    write_response(&mut output, &message, style, &mut buttons).await?;
                    if prompt {
                        output.write_all(b"\n> ").await?;
                        output.flush().await?;
                    }
                }
                read = input.read_until(b'\n', &mut pending) => {
                    read?;
                    break take_line(&mut pending);
                }
            }
        };
        let Some(line) = line else {
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
        let request = match input {
            Input::Text(text) => Request::text(chat.clone(), text),
            Input::Action(action) => Request::action(chat.clone(), action),
        }
        .with_hint(hint.clone());
        let response = bot.handle(request).await;
        answered += 1;
        write_response(&mut output, &response, style, &mut buttons).await?;
    }
    output.flush().await?;
    Ok(answered)
}

async fn recv_opt<T>(rx: &mut Option<impl Recv<T>>) -> Option<T> {
    match rx {
        Some(rx) => rx.recv_one().await,
        None => std::future::pending().await,
    }
}

/// The one thing the session needs of both channel kinds.
trait Recv<T> {
    async fn recv_one(&mut self) -> Option<T>;
}

impl<T> Recv<T> for mpsc::Receiver<T> {
    async fn recv_one(&mut self) -> Option<T> {
        self.recv().await
    }
}

impl<T> Recv<T> for mpsc::UnboundedReceiver<T> {
    async fn recv_one(&mut self) -> Option<T> {
        self.recv().await
    }
}

/// A finished line from the bytes read so far (`None` at end of input); invalid UTF-8 is
/// replaced, so a stray byte never ends the session.
fn take_line(pending: &mut Vec<u8>) -> Option<String> {
    if pending.is_empty() {
        return None;
    }
    let mut bytes = std::mem::take(pending);
    while matches!(bytes.last(), Some(b'\n' | b'\r')) {
        bytes.pop();
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
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
