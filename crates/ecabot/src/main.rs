//! `ecabot`: the European Clusters Alliance's chat bot.

use std::{io::IsTerminal, path::PathBuf, sync::Arc};

use anyhow::Context;
use clap::{Parser, Subcommand};
use ecabot::{Config, ProcessEnv, console};
use ecabot_core::{ChatRef, Input, Locale, MemoryStore, Request};
use tokio::io::BufReader;

/// ecabot answers questions about the European Clusters Alliance in your language.
#[derive(Parser)]
#[command(name = "ecabot", version, about, long_about = None)]
struct Cli {
    /// Configuration file (TOML). Environment variables ECABOT_* override it.
    #[arg(long, global = true, env = "ECABOT_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ask one question and print the answer.
    ///
    /// Example: ecabot ask --locale fi "Kuka on Puolan jäsen?"
    Ask {
        /// Answer in this language (en, fi, …); default: the terminal's language, else the configured default.
        #[arg(long)]
        locale: Option<String>,
        /// Print one JSON object: {"topic", "locale", "text", "buttons"}.
        #[arg(long)]
        json: bool,
        /// The question (several words are joined with spaces).
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Talk to the bot in this terminal (works piped too). Your /language choice is remembered.
    Chat {
        /// Start in this language (en, fi, …) unless you chose one with /language before.
        #[arg(long)]
        locale: Option<String>,
    },
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ECABOT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn parse_locale(flag: Option<String>) -> anyhow::Result<Option<String>> {
    match flag {
        Some(tag) => {
            Locale::parse(&tag)
                .with_context(|| format!("--locale {tag:?}: not a language tag (try en or fi)"))?;
            Ok(Some(tag))
        }
        None => Ok(None),
    }
}

/// Writes to stdout; a closed pipe (`ecabot ask … | head`) is a normal end, not an error.
fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
    let knowledge = ecabot::knowledge()?;
    match cli.command {
        Command::Ask { locale, json, text } => {
            let hint = parse_locale(locale)?.or_else(|| ecabot::terminal_locale_hint(&ProcessEnv));
            let bot = ecabot::bot(knowledge, Arc::new(MemoryStore::default()), &config);
            let chat = ChatRef::new("console", "ask").expect("valid chat reference");
            let request = Request {
                chat,
                locale_hint: hint,
                bot_name: None,
                input: Input::Text(text.join(" ")),
            };
            let response = bot.handle(request).await;
            if json {
                let buttons: Vec<_> = response
                    .replies
                    .iter()
                    .flat_map(|r| r.buttons.iter())
                    .collect();
                let value = serde_json::json!({
                    "topic": response.topic,
                    "locale": response.locale,
                    "text": response.plain_text(),
                    "buttons": buttons,
                });
                print(&format!("{value}\n"))?;
            } else {
                let style = if std::io::stdout().is_terminal() {
                    console::Style::Ansi
                } else {
                    console::Style::Plain
                };
                print(&format!("{}\n", console::render_response(&response, style)))?;
            }
        }
        Command::Chat { locale } => {
            let hint = parse_locale(locale)?.or_else(|| ecabot::terminal_locale_hint(&ProcessEnv));
            let store = ecabot::open_store(&config).await?;
            let bot = ecabot::bot(knowledge, Arc::new(store.clone()), &config);
            let user = std::env::var("USER")
                .ok()
                .filter(|u| ChatRef::new("console", u).is_ok());
            let chat = ChatRef::new("console", user.as_deref().unwrap_or("local"))
                .expect("valid chat reference");
            let interactive = std::io::stdin().is_terminal();
            let style = if std::io::stdout().is_terminal() {
                console::Style::Ansi
            } else {
                console::Style::Plain
            };
            let stdin = BufReader::new(tokio::io::stdin());
            let result = console::run_chat(
                &bot,
                chat,
                hint,
                stdin,
                tokio::io::stdout(),
                style,
                interactive,
            )
            .await;
            // Close the pool so SQLite checkpoints its write-ahead log before exit.
            store.close().await;
            match result {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => {
                    other?;
                }
            }
        }
    }
    Ok(())
}
