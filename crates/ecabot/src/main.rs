//! `ecabot`: the European Clusters Alliance's chat bot.

use std::{io::IsTerminal, path::PathBuf, sync::Arc};

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, Subcommand};
use ecabot::{Config, ProcessEnv, console};
use ecabot_core::ports::Clock;
use ecabot_core::ports::SystemClock;
use ecabot_core::{CallStore, ChatStore, NewsStore};
use ecabot_core::{ChatRef, Courier, Locale, NewsDraft, Request, Scheduler};
use ecabot_store::SqlStore;
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
        /// Print one JSON object: {"kind", "topic", "locale", "text", "buttons"}.
        #[arg(long)]
        json: bool,
        /// The question (several words are joined with spaces).
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Talk to the bot in this terminal (works piped too). Your settings and subscriptions are
    /// remembered, and reminders appear here when they come due.
    Chat {
        /// Start in this language (en, fi, …) unless you chose one with /language before.
        #[arg(long)]
        locale: Option<String>,
    },
    /// Run the bot on its chat platforms (Telegram when TELEGRAM_BOT_TOKEN is set), with the
    /// reminder scheduler and the delivery worker, until SIGTERM or Ctrl-C.
    Serve,
    /// Manage calls and events (operators).
    Calls {
        #[command(subcommand)]
        command: CallsCommand,
    },
    /// Manage the news that digests carry (operators).
    News {
        #[command(subcommand)]
        command: NewsCommand,
    },
    /// Look at newsletter digests (operators).
    Digest {
        #[command(subcommand)]
        command: DigestCommand,
    },
    /// Check the configuration (operators).
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Move data between databases (operators).
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Ask a running `ecabot serve` on ECABOT_HTTP_ADDR whether it is alive (GET /healthz);
    /// exit status 0 when it is. For container health checks in images without curl.
    Healthcheck,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Read the configuration file and the environment as `serve` would, and say exactly what
    /// is wrong (exit status 1), or what would run.
    Check,
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy every table of one database into another, empty one (migrating both first): how a
    /// pilot's SQLite file moves to PostgreSQL. Stop the bot first.
    ///
    /// Example: ecabot db copy --from sqlite:///var/lib/ecabot/ecabot.db --to postgres://ecabot@db/ecabot
    Copy {
        /// The database to read (sqlite://… or postgres://…).
        #[arg(long)]
        from: String,
        /// The empty database to fill (sqlite://… or postgres://…).
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum NewsCommand {
    /// Post an item: it goes into the next digest of every chat that reads its language.
    ///
    /// Example: ecabot news add --title "Cluster Booster Academy opens" --url https://clustersalliance.eu/academy
    Add {
        #[arg(long)]
        title: String,
        /// The http(s) address the item links to.
        #[arg(long)]
        url: String,
        #[arg(long)]
        summary: Option<String>,
        /// The language the item is written in (default: the configured default language).
        #[arg(long)]
        lang: Option<String>,
        /// The name shown above it in digests.
        #[arg(long, default_value = "European Clusters Alliance")]
        source: String,
    },
    /// List the items of the last days, newest last.
    List {
        #[arg(long, default_value_t = 14)]
        days: u32,
    },
    /// Fetch every configured feed once now and say how each went.
    Fetch,
}

#[derive(Subcommand)]
enum DigestCommand {
    /// Show what a chat's next digest would contain, in its language.
    ///
    /// Example: ecabot digest preview --chat tg:123456789
    Preview {
        /// The chat, as scope:id (tg:<chat id>, dc:<channel id>, console:<user>).
        #[arg(long)]
        chat: String,
    },
}

#[derive(Subcommand)]
enum CallsCommand {
    /// Add or update calls from an iCalendar (.ics) file or ecabot's TOML form (.toml).
    ///
    /// Calls are matched by UID (TOML: id): importing again updates, never duplicates. A file
    /// with any error is refused as a whole, with the line of the problem.
    Import {
        /// The file to read.
        file: PathBuf,
    },
    /// List calls: open ones first, then (with --all) past ones.
    List {
        /// Also list calls whose deadline has passed.
        #[arg(long)]
        all: bool,
    },
    /// Write every open call as an iCalendar file (to standard output, or --output).
    Export {
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
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
    let cli = Cli::parse();
    let loaded = Config::load(cli.config.as_deref(), &ProcessEnv);
    if let Command::Config {
        command: ConfigCommand::Check,
    } = cli.command
    {
        return config_check(loaded);
    }
    let config = loaded?;
    ecabot::logging::init(config.secrets(), config.log_format);
    let knowledge = ecabot::knowledge()?;
    match cli.command {
        Command::Ask { locale, json, text } => {
            let chosen = parse_locale(locale)?;
            let hint = ecabot::terminal_locale_hint(&ProcessEnv);
            // One-shot questions leave no database behind.
            let store = Arc::new(SqlStore::memory().await?);
            ecabot::seed_calls(store.as_ref(), Utc::now()).await?;
            let bot = ecabot::bot(knowledge, store.clone(), Arc::new(SystemClock), &config);
            let chat = ChatRef::new("console", "ask").expect("valid chat reference");
            // --locale is the answer's language, as if the chat had chosen it.
            if let Some(code) = chosen {
                let locale = Locale::parse(&code)?;
                store.set_chat_locale(&chat, Some(locale)).await?;
            }
            let request = Request::text(chat, text.join(" ")).with_hint(hint);
            let response = bot.handle(request).await;
            if json {
                let buttons: Vec<_> = response
                    .replies
                    .iter()
                    .flat_map(|r| r.buttons.iter())
                    .collect();
                let value = serde_json::json!({
                    "kind": response.kind,
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
            let store = Arc::new(ecabot::open_store(&config).await?);
            let clock: Arc<dyn Clock> = Arc::new(SystemClock);
            ecabot::seed_calls(store.as_ref(), clock.now()).await?;
            let bot = Arc::new(ecabot::bot(
                knowledge,
                store.clone(),
                clock.clone(),
                &config,
            ));
            let user = std::env::var("USER")
                .ok()
                .filter(|u| ChatRef::new("console", u).is_ok());
            let chat = ChatRef::new("console", user.as_deref().unwrap_or("local"))
                .expect("valid chat reference");
            let (sender, inbox) = console::ConsoleSender::new(chat.clone());
            let feeds = ecabot::spawn_feeds(&config.digest, store.clone(), clock.clone())?;
            let scheduler = Scheduler::new(store.clone(), store.clone(), clock);
            let courier = Courier::new(bot.clone(), ecabot::worker_name())
                .with_sender("console", Arc::new(sender));
            let (tick_tx, ticks) = tokio::sync::mpsc::channel(1);
            tokio::spawn(ecabot::ticker(config.schedule.clone(), tick_tx));
            let session = console::Session {
                chat,
                hint,
                style: if std::io::stdout().is_terminal() {
                    console::Style::Ansi
                } else {
                    console::Style::Plain
                },
                prompt: std::io::stdin().is_terminal(),
            };
            let background = console::Background {
                scheduler,
                courier,
                inbox,
                ticks,
            };
            let stdin = BufReader::new(tokio::io::stdin());
            let result =
                console::run_chat(&bot, session, stdin, tokio::io::stdout(), Some(background))
                    .await;
            if let Some(feeds) = feeds {
                feeds.abort();
            }
            // Close the pool so SQLite checkpoints its write-ahead log before exit.
            store.close().await;
            match result {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => {
                    other?;
                }
            }
        }
        Command::Serve => {
            ecabot::serve::serve(config, ecabot::worker_name(), stop_signal()).await?;
        }
        Command::Config { .. } => unreachable!("handled before the configuration is required"),
        Command::Db {
            command: DbCommand::Copy { from, to },
        } => db_copy(&from, &to).await?,
        Command::Healthcheck => {
            let mut addr = config.http_addr;
            // A server listening on every interface is reached through loopback.
            if addr.ip().is_unspecified() {
                addr.set_ip(match addr {
                    std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                    std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                });
            }
            ecabot::ops::healthcheck(&addr.to_string(), std::time::Duration::from_secs(3))
                .await
                .map_err(|reason| anyhow::anyhow!("not healthy at {addr}: {reason}"))?;
            println!("healthy");
        }
        Command::Calls { command } => {
            let store = ecabot::open_store(&config).await?;
            let result = calls_command(&store, command).await;
            store.close().await;
            result?;
        }
        Command::News { command } => {
            let store = Arc::new(ecabot::open_store(&config).await?);
            let result = news_command(&store, &config, command).await;
            store.close().await;
            result?;
        }
        Command::Digest { command } => {
            let store = Arc::new(ecabot::open_store(&config).await?);
            let result = digest_command(knowledge, &store, &config, command).await;
            store.close().await;
            result?;
        }
    }
    Ok(())
}

async fn calls_command(store: &SqlStore, command: CallsCommand) -> anyhow::Result<()> {
    let now = Utc::now();
    ecabot::seed_calls(store, now).await?;
    match command {
        CallsCommand::Import { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file.display().to_string();
            let drafts = ecabot_core::formats::import::parse_file(&name, &bytes)
                .with_context(|| format!("{name} was not imported"))?;
            let report = store
                .import_calls(&drafts, now)
                .await
                .with_context(|| format!("{name} was not imported"))?;
            let mut out = format!(
                "{name}: {} added, {} updated, {} with a new deadline, {} unchanged\n",
                report.added.len(),
                report.updated.len(),
                report.moved.len(),
                report.unchanged.len()
            );
            for id in &report.moved {
                out.push_str(&format!(
                    "  deadline moved: {id} (subscribers will be told)\n"
                ));
            }
            print(&out)?;
        }
        CallsCommand::List { all } => {
            let calls = store.calls().await?;
            let mut out = String::new();
            for call in calls.iter().filter(|c| all || c.is_open(now)) {
                let local = call.zone.local(call.deadline);
                out.push_str(&format!(
                    "{:<40} {:<5} {} {:<16} {}{}\n",
                    call.id,
                    call.kind.as_str(),
                    local.format("%Y-%m-%d %H:%M"),
                    call.zone.name(),
                    call.title(Locale::ENGLISH),
                    if call.is_open(now) { "" } else { " (closed)" },
                ));
            }
            if out.is_empty() {
                out = "no open calls (use --all to list past ones)\n".into();
            }
            print(&out)?;
        }
        CallsCommand::Export { output } => {
            let open = store.calls_after(now).await?;
            let text = ecabot_core::formats::ics::write(&open, now, &[]);
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print(&text)?,
            }
        }
    }
    Ok(())
}

/// `ecabot config check`: the load's verdict, in full, and what would run.
fn config_check(loaded: anyhow::Result<Config>) -> anyhow::Result<()> {
    let config = match loaded {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error:#}");
            std::process::exit(1);
        }
    };
    for line in ecabot::config::summary(&config) {
        println!("{line}");
    }
    println!("configuration ok");
    Ok(())
}

/// `ecabot db copy`: every table from one database into an empty other.
async fn db_copy(from: &str, to: &str) -> anyhow::Result<()> {
    if from == to {
        anyhow::bail!("--from and --to name the same database");
    }
    let source = SqlStore::open(from).await.context("cannot open --from")?;
    let target = SqlStore::open(to).await.context("cannot open --to")?;
    let result = ecabot_store::copy_database(&source, &target).await;
    source.close().await;
    target.close().await;
    let report = result.context("the copy failed; the target was left as it was")?;
    for (table, rows) in &report.tables {
        println!("{table}: {rows} rows");
    }
    println!(
        "copied {} to {}",
        ecabot_store::redact_url(from),
        ecabot_store::redact_url(to)
    );
    Ok(())
}

async fn news_command(
    store: &Arc<SqlStore>,
    config: &Config,
    command: NewsCommand,
) -> anyhow::Result<()> {
    let now = Utc::now();
    match command {
        NewsCommand::Add {
            title,
            url,
            summary,
            lang,
            source,
        } => {
            let lang = match lang {
                Some(tag) => Locale::parse(&tag).with_context(|| {
                    format!("--lang {tag:?}: not a language tag (try en or fi)")
                })?,
                None => config.default_locale,
            };
            let draft = NewsDraft::new(
                &source,
                lang,
                &title,
                &url,
                summary.as_deref(),
                Some(now),
                None,
            )
            .context("the item was not added")?;
            let added = store.add_news(std::slice::from_ref(&draft), now).await?;
            if added == 0 {
                print(&format!(
                    "already known (same link, or same title today): {}\n",
                    draft.url
                ))?;
            } else {
                print(&format!(
                    "added: {} ({lang}); it goes into the next digests\n",
                    draft.title
                ))?;
            }
        }
        NewsCommand::List { days } => {
            let items = store
                .news_between(now - chrono::Duration::days(i64::from(days)), now)
                .await?;
            let mut out = String::new();
            for item in &items {
                out.push_str(&format!(
                    "{} {:<3} {:<24} {}\n    {}\n",
                    item.added_at.format("%Y-%m-%d %H:%M"),
                    item.lang,
                    item.source,
                    item.title,
                    item.url
                ));
            }
            if out.is_empty() {
                out = format!("no items in the last {days} days\n");
            }
            print(&out)?;
        }
        NewsCommand::Fetch => {
            if config.digest.feeds.is_empty() {
                anyhow::bail!(
                    "no feeds configured: add them to [digest] feeds in the configuration file"
                );
            }
            let feeds = ecabot_feeds::Feeds::new(
                config.digest.feeds.clone(),
                config.digest.fetch.clone(),
                store.clone(),
                Arc::new(SystemClock),
            )?;
            let outcome = feeds.step().await;
            let mut out = String::new();
            for report in &outcome.feeds {
                let line = match &report.result {
                    Ok(ecabot_feeds::FeedResult::NotModified) => "not modified".to_owned(),
                    Ok(ecabot_feeds::FeedResult::Fetched {
                        entries,
                        new,
                        dropped,
                    }) => format!("{entries} entries, {new} new, {dropped} without a web link"),
                    Err(error) => format!("FAILED: {error}"),
                };
                out.push_str(&format!("{}: {line}\n", report.name));
            }
            print(&out)?;
            if outcome.failed() > 0 {
                anyhow::bail!(
                    "{} of {} feeds failed; they are tried again at the next fetch",
                    outcome.failed(),
                    outcome.feeds.len()
                );
            }
        }
    }
    Ok(())
}

async fn digest_command(
    knowledge: Arc<ecabot_core::Knowledge>,
    store: &Arc<SqlStore>,
    config: &Config,
    command: DigestCommand,
) -> anyhow::Result<()> {
    match command {
        DigestCommand::Preview { chat } => {
            let chat: ChatRef = chat.parse().with_context(|| {
                format!("--chat {chat:?}: a chat is scope:id, e.g. tg:123456789 or dc:987654321")
            })?;
            let bot = ecabot::bot(knowledge, store.clone(), Arc::new(SystemClock), config);
            let locale = bot.locale_for(&chat, None).await;
            let response = bot.preview_digest(&chat, locale).await?;
            let style = if std::io::stdout().is_terminal() {
                console::Style::Ansi
            } else {
                console::Style::Plain
            };
            print(&format!("{}\n", console::render_response(&response, style)))?;
        }
    }
    Ok(())
}

/// Resolves at SIGTERM (service managers) or Ctrl-C.
async fn stop_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(error) => {
            tracing::error!(%error, "cannot listen for SIGTERM; stop with Ctrl-C");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM received"),
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupt received"),
    }
}
