//! Configuration: an optional TOML file, overridden by `ECABOT_*` environment variables.

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, bail};
use ecabot_core::Locale;
use ecabot_discord::{DiscordConfig, Shards};
use ecabot_feeds::{FeedSource, FetchConfig};
use ecabot_telegram::{TelegramConfig, Token, WebhookConfig};

/// A value that must never reach a log: `Debug` and `Display` print a placeholder.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The secret itself; call only where it is used, never to log it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The file form (`ecabot.toml`); every field is optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<Secret<String>>,
    data_dir: Option<PathBuf>,
    default_locale: Option<String>,
    schedule: Option<String>,
    http_addr: Option<String>,
    log_format: Option<String>,
    outbox_lease_secs: Option<u64>,
    telegram: Option<FileTelegram>,
    discord: Option<FileDiscord>,
    digest: Option<FileDigest>,
}

/// `[digest]` in the file: the feeds and how they are fetched.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDigest {
    /// When feeds are fetched: a cron expression with seconds.
    fetch_schedule: Option<String>,
    /// Seconds a fetch may take, body included.
    timeout_secs: Option<u64>,
    /// Largest feed document read, in bytes.
    max_bytes: Option<u64>,
    #[serde(default)]
    feeds: Vec<FileFeed>,
}

/// One `[[digest.feeds]]` (or an inline table in `feeds = [...]`).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFeed {
    name: String,
    url: String,
    lang: String,
}

/// `[discord]` in the file; the `DISCORD_*` variables override each key.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDiscord {
    token: Option<Secret<String>>,
    guild_id: Option<u64>,
    api_url: Option<String>,
    rate_limit: Option<String>,
    shards: Option<String>,
}

/// `[telegram]` in the file; the `TELEGRAM_*` variables override each key.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTelegram {
    bot_token: Option<Secret<String>>,
    api_url: Option<String>,
    webhook_url: Option<String>,
    webhook_secret: Option<Secret<String>>,
    webhook_listen: Option<String>,
    rate_limit: Option<String>,
}

/// Where the webhook server listens unless `TELEGRAM_WEBHOOK_LISTEN` says otherwise.
pub const DEFAULT_WEBHOOK_LISTEN: &str = "0.0.0.0:8443";

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `ECABOT_DATABASE_URL`: `sqlite://…` or `postgres://…`; default: a SQLite file in `data_dir`.
    pub database_url: Option<Secret<String>>,
    /// `ECABOT_DATA_DIR`: where the default SQLite file lives.
    pub data_dir: PathBuf,
    /// `ECABOT_DEFAULT_LOCALE`: the language when neither the chat nor the platform says.
    pub default_locale: Locale,
    /// When the reminder scheduler ticks: a `cron` expression with seconds
    /// (`ECABOT_SCHEDULE`, default every minute).
    pub schedule: cron::Schedule,
    /// The Telegram front end, when `TELEGRAM_BOT_TOKEN` is set.
    pub telegram: Option<TelegramConfig>,
    /// The Discord front end, when `DISCORD_TOKEN` is set.
    pub discord: Option<DiscordConfig>,
    /// The digests' feeds, from `[digest]` in the configuration file.
    pub digest: DigestConfig,
    /// Where `serve` answers `/healthz`, `/readyz` and `/metrics` (`ECABOT_HTTP_ADDR`).
    pub http_addr: SocketAddr,
    /// How log lines are written (`ECABOT_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// How long a worker holds the outbox entries it claimed (`ECABOT_OUTBOX_LEASE_SECS`): an
    /// instance that dies delays its entries by at most this much.
    pub outbox_lease: Duration,
}

/// Where the operations endpoints listen unless `ECABOT_HTTP_ADDR` says otherwise: loopback,
/// so nothing is exposed by default.
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:9464";

/// The outbox lease unless `ECABOT_OUTBOX_LEASE_SECS` says otherwise.
pub const DEFAULT_OUTBOX_LEASE_SECS: u64 = 120;

/// Log lines for people (the default) or for log collectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where digests get their news.
#[derive(Debug, Clone)]
pub struct DigestConfig {
    pub feeds: Vec<FeedSource>,
    /// When feeds are fetched (`[digest] fetch_schedule`, default every 15 minutes).
    pub schedule: cron::Schedule,
    pub fetch: FetchConfig,
}

/// Every 15 minutes, at second 0.
pub const DEFAULT_FETCH_SCHEDULE: &str = "0 */15 * * * *";

/// Every minute, at second 0.
pub const DEFAULT_SCHEDULE: &str = "0 * * * * *";

/// Reads environment variables; a seam so tests can pass their own.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Config {
    /// Loads `file` (or `ECABOT_CONFIG`) if given, then applies the environment.
    pub fn load(file: Option<&Path>, env: &dyn Env) -> anyhow::Result<Config> {
        let path = file
            .map(Path::to_path_buf)
            .or_else(|| env.var("ECABOT_CONFIG").map(PathBuf::from));
        let from_file = match &path {
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| {
                    format!("cannot read the configuration file {}", p.display())
                })?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("invalid configuration file {}", p.display()))?
            }
            None => FileConfig::default(),
        };
        let database_url = env
            .var("ECABOT_DATABASE_URL")
            .map(Secret::new)
            .or(from_file.database_url);
        let data_dir = env
            .var("ECABOT_DATA_DIR")
            .map(PathBuf::from)
            .or(from_file.data_dir)
            .unwrap_or_else(|| default_data_dir(env));
        let locale_text = env
            .var("ECABOT_DEFAULT_LOCALE")
            .or(from_file.default_locale);
        let default_locale = match locale_text {
            Some(text) => match Locale::parse(&text) {
                Ok(l) => l,
                Err(_) => bail!(
                    "ECABOT_DEFAULT_LOCALE / default_locale: {text:?} is not a language tag (try \"en\" or \"fi\")"
                ),
            },
            None => Locale::ENGLISH,
        };
        let schedule_text = env
            .var("ECABOT_SCHEDULE")
            .or(from_file.schedule)
            .unwrap_or_else(|| DEFAULT_SCHEDULE.to_owned());
        let schedule = match schedule_text.parse::<cron::Schedule>() {
            Ok(s) => s,
            Err(e) => bail!(
                "ECABOT_SCHEDULE / schedule: {schedule_text:?} is not a cron schedule ({e}); it has six fields, seconds first, e.g. \"0 * * * * *\" for every minute"
            ),
        };
        let http_text = env
            .var("ECABOT_HTTP_ADDR")
            .or(from_file.http_addr)
            .unwrap_or_else(|| DEFAULT_HTTP_ADDR.to_owned());
        let Ok(http_addr) = http_text.trim().parse::<SocketAddr>() else {
            bail!(
                "ECABOT_HTTP_ADDR / http_addr: {http_text:?} is not an address and port like 127.0.0.1:9464 (0.0.0.0:9464 listens on every interface)"
            );
        };
        let log_format = match env
            .var("ECABOT_LOG_FORMAT")
            .or(from_file.log_format)
            .as_deref()
            .map(str::trim)
        {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                bail!(
                    "ECABOT_LOG_FORMAT / log_format: {other:?} is not a log format; use text or json"
                )
            }
        };
        let lease_secs = match env.var("ECABOT_OUTBOX_LEASE_SECS") {
            Some(text) => match text.trim().parse::<u64>() {
                Ok(secs) => secs,
                Err(_) => bail!(
                    "ECABOT_OUTBOX_LEASE_SECS: {text:?} is not a number of seconds (default {DEFAULT_OUTBOX_LEASE_SECS})"
                ),
            },
            None => from_file
                .outbox_lease_secs
                .unwrap_or(DEFAULT_OUTBOX_LEASE_SECS),
        };
        if !(1..=3_600).contains(&lease_secs) {
            bail!(
                "ECABOT_OUTBOX_LEASE_SECS / outbox_lease_secs: {lease_secs} is out of range; use 1 to 3600 seconds (a delivery must finish within it)"
            );
        }
        let telegram = telegram(from_file.telegram.unwrap_or_default(), env)?;
        let discord = discord(from_file.discord.unwrap_or_default(), env)?;
        let digest = digest(from_file.digest.unwrap_or_default())?;
        Ok(Config {
            database_url,
            data_dir,
            default_locale,
            schedule,
            telegram,
            discord,
            digest,
            http_addr,
            log_format,
            outbox_lease: Duration::from_secs(lease_secs),
        })
    }

    /// Every secret of the configuration, for the log redactor.
    pub fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(t) = &self.telegram {
            out.push(t.token.expose().to_owned());
            out.extend(t.webhook.iter().map(|w| w.secret.expose().to_owned()));
        }
        if let Some(d) = &self.discord {
            out.push(d.token.expose().to_owned());
        }
        out
    }
}

fn telegram(file: FileTelegram, env: &dyn Env) -> anyhow::Result<Option<TelegramConfig>> {
    let Some(token) = env
        .var("TELEGRAM_BOT_TOKEN")
        .or_else(|| file.bot_token.map(|s| s.0))
    else {
        return Ok(None);
    };
    let token = token.trim().to_owned();
    if token.is_empty()
        || token
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        bail!(
            "TELEGRAM_BOT_TOKEN: not a bot token (it looks like 123456:ABC-DEF…, from @BotFather)"
        );
    }
    let mut config = TelegramConfig::new(Token::new(token));
    config.api_url = env.var("TELEGRAM_API_URL").or(file.api_url);
    if let Some(url) = &config.api_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        bail!("TELEGRAM_API_URL: {url:?} is not an http(s) URL");
    }
    let webhook_url = env.var("TELEGRAM_WEBHOOK_URL").or(file.webhook_url);
    let webhook_secret = env
        .var("TELEGRAM_WEBHOOK_SECRET")
        .or_else(|| file.webhook_secret.map(|s| s.0));
    config.webhook = match (webhook_url, webhook_secret) {
        (None, None) => None,
        (Some(_), None) => bail!(
            "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: a webhook without a secret would take updates from anyone"
        ),
        (None, Some(_)) => bail!("TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not"),
        (Some(url), Some(secret)) => {
            if !url.starts_with("https://") && !url.starts_with("http://") {
                bail!("TELEGRAM_WEBHOOK_URL: {url:?} is not an http(s) URL");
            }
            if secret.is_empty()
                || secret.len() > 256
                || !secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                bail!(
                    "TELEGRAM_WEBHOOK_SECRET: 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
                );
            }
            let listen_text = env
                .var("TELEGRAM_WEBHOOK_LISTEN")
                .or(file.webhook_listen)
                .unwrap_or_else(|| DEFAULT_WEBHOOK_LISTEN.to_owned());
            let listen = listen_text.parse().with_context(|| {
                format!(
                    "TELEGRAM_WEBHOOK_LISTEN: {listen_text:?} is not an address like 0.0.0.0:8443"
                )
            })?;
            Some(WebhookConfig {
                url,
                secret: Token::new(secret),
                listen,
            })
        }
    };
    if let Some(rate) = env.var("TELEGRAM_RATE_LIMIT").or(file.rate_limit) {
        config.global_rate = rate_limit("TELEGRAM_RATE_LIMIT", &rate, 25)?;
    }
    Ok(Some(config))
}

fn discord(file: FileDiscord, env: &dyn Env) -> anyhow::Result<Option<DiscordConfig>> {
    let Some(token) = env.var("DISCORD_TOKEN").or_else(|| file.token.map(|s| s.0)) else {
        return Ok(None);
    };
    let token = token.trim().to_owned();
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!(
            "DISCORD_TOKEN: not a bot token (copy it from the Bot page of your application in the Discord developer portal)"
        );
    }
    let mut config = DiscordConfig::new(Token::new(token));
    config.guild_id = match env.var("DISCORD_GUILD_ID") {
        Some(text) => match text.trim().parse::<u64>() {
            Ok(id) if id > 0 => Some(id),
            _ => bail!(
                "DISCORD_GUILD_ID: {text:?} is not a server id (a number; copy it with developer mode on)"
            ),
        },
        None => file.guild_id,
    };
    config.api_url = env.var("DISCORD_API_URL").or(file.api_url);
    if let Some(url) = &config.api_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        bail!("DISCORD_API_URL: {url:?} is not an http(s) URL");
    }
    if let Some(rate) = env.var("DISCORD_RATE_LIMIT").or(file.rate_limit) {
        config.global_rate = rate_limit("DISCORD_RATE_LIMIT", &rate, 45)?;
    }
    if let Some(text) = env.var("DISCORD_SHARDS").or(file.shards) {
        config.shards = match text.parse::<Shards>() {
            Ok(shards) => shards,
            Err(e) => bail!("DISCORD_SHARDS: {e}"),
        };
    }
    Ok(Some(config))
}

fn digest(file: FileDigest) -> anyhow::Result<DigestConfig> {
    let schedule_text = file
        .fetch_schedule
        .unwrap_or_else(|| DEFAULT_FETCH_SCHEDULE.to_owned());
    let schedule = match schedule_text.parse::<cron::Schedule>() {
        Ok(s) => s,
        Err(e) => bail!(
            "[digest] fetch_schedule: {schedule_text:?} is not a cron schedule ({e}); it has six fields, seconds first, e.g. \"0 */15 * * * *\" for every 15 minutes"
        ),
    };
    let mut fetch = FetchConfig::default();
    if let Some(secs) = file.timeout_secs {
        if secs == 0 || secs > 300 {
            bail!("[digest] timeout_secs: {secs} is not between 1 and 300 seconds");
        }
        fetch.timeout = std::time::Duration::from_secs(secs);
    }
    if let Some(bytes) = file.max_bytes {
        if bytes < 1024 {
            bail!("[digest] max_bytes: {bytes} is too small for a feed (at least 1024)");
        }
        fetch.max_bytes = bytes;
    }
    let mut feeds: Vec<FeedSource> = Vec::new();
    for (i, feed) in file.feeds.into_iter().enumerate() {
        let which = format!("[digest] feeds[{i}] ({:?})", feed.name);
        let name = feed.name.trim().to_owned();
        if name.is_empty()
            || name.chars().count() > ecabot_core::model::news::MAX_SOURCE_CHARS
            || name.chars().any(char::is_control)
        {
            bail!(
                "{which}: name must be 1 to {} visible characters; it is shown above the feed's items",
                ecabot_core::model::news::MAX_SOURCE_CHARS
            );
        }
        if feeds.iter().any(|f| f.name == name) {
            bail!(
                "{which}: another feed has this name; names tell feeds apart in digests and logs"
            );
        }
        let Some(url) = ecabot_core::model::news::web_link(&feed.url) else {
            bail!("{which}: url {:?} is not an http(s) address", feed.url);
        };
        let Ok(lang) = Locale::parse(&feed.lang) else {
            bail!(
                "{which}: lang {:?} is not a language tag (e.g. \"en\" or \"fi\")",
                feed.lang
            );
        };
        feeds.push(FeedSource { name, url, lang });
    }
    Ok(DigestConfig {
        feeds,
        schedule,
        fetch,
    })
}

/// A messages-per-second setting: a positive number, or `off` for no pacing (benchmarks).
/// What `serve` would run with `config`, one line per part, secrets left out: the report of
/// `ecabot config check`.
pub fn summary(config: &Config) -> Vec<String> {
    let rate = |r: Option<f64>| match r {
        Some(r) => format!("{r} messages/s for the whole bot, shared by every instance"),
        None => "no rate limit".to_owned(),
    };
    let database = match &config.database_url {
        Some(url) => ecabot_store::redact_url(url.expose()),
        None => format!(
            "SQLite file {} (default)",
            config.data_dir.join("ecabot.db").display()
        ),
    };
    let mut lines = vec![
        format!("database: {database}"),
        format!("default language: {}", config.default_locale),
        format!("scheduler: {}", config.schedule),
        format!(
            "operations endpoints: http://{}/healthz, /readyz, /metrics",
            config.http_addr
        ),
        format!(
            "logs: {}",
            match config.log_format {
                LogFormat::Text => "text",
                LogFormat::Json => "json",
            }
        ),
        format!("outbox lease: {} s", config.outbox_lease.as_secs()),
    ];
    lines.push(match &config.telegram {
        None => "telegram: off (no TELEGRAM_BOT_TOKEN)".to_owned(),
        Some(t) => match &t.webhook {
            None => format!(
                "telegram: long polling (one instance only), {}",
                rate(t.global_rate)
            ),
            Some(w) => format!(
                "telegram: webhook {} received on {}, {}",
                w.url,
                w.listen,
                rate(t.global_rate)
            ),
        },
    });
    lines.push(match &config.discord {
        None => "discord: off (no DISCORD_TOKEN)".to_owned(),
        Some(d) => format!(
            "discord: shards {}, {}{}",
            d.shards,
            rate(d.global_rate),
            d.guild_id
                .map(|g| format!(", commands in server {g}"))
                .unwrap_or_default()
        ),
    });
    lines.push(format!(
        "digest feeds: {} (fetched {})",
        config.digest.feeds.len(),
        config.digest.schedule
    ));
    if config.telegram.is_none() && config.discord.is_none() {
        lines.push(
            "note: `ecabot serve` needs TELEGRAM_BOT_TOKEN or DISCORD_TOKEN; `ecabot chat` runs without".to_owned(),
        );
    }
    lines
}

fn rate_limit(name: &str, value: &str, example: u32) -> anyhow::Result<Option<f64>> {
    match value.trim() {
        "off" => Ok(None),
        number => match number.parse::<f64>() {
            Ok(r) if r > 0.0 && r.is_finite() => Ok(Some(r)),
            _ => bail!(
                "{name}: {value:?} is not a number of messages per second (e.g. {example}), or off"
            ),
        },
    }
}

/// `$XDG_DATA_HOME/ecabot`, else `~/.local/share/ecabot`, else `./.ecabot`.
fn default_data_dir(env: &dyn Env) -> PathBuf {
    if let Some(xdg) = env.var("XDG_DATA_HOME") {
        return PathBuf::from(xdg).join("ecabot");
    }
    if let Some(home) = env.var("HOME") {
        return PathBuf::from(home).join(".local/share/ecabot");
    }
    PathBuf::from(".ecabot")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_string())
        }
    }

    #[test]
    fn env_overrides_file_and_secrets_stay_hidden() {
        let dir = std::env::temp_dir().join(format!("ecabot-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ecabot.toml");
        std::fs::write(
            &file,
            "database_url = \"postgres://u:hunter2@db/x\"\ndefault_locale = \"fi\"\n",
        )
        .unwrap();
        let env = MapEnv(HashMap::from([
            ("ECABOT_DATA_DIR", "/srv/ecabot"),
            ("HOME", "/home/x"),
        ]));
        let config = Config::load(Some(&file), &env).unwrap();
        assert_eq!(config.default_locale.as_str(), "fi");
        assert_eq!(config.data_dir, PathBuf::from("/srv/ecabot"));
        assert!(!format!("{config:?}").contains("hunter2"));
        let env = MapEnv(HashMap::from([
            ("ECABOT_DEFAULT_LOCALE", "en-GB"),
            ("HOME", "/home/x"),
        ]));
        let config = Config::load(Some(&file), &env).unwrap();
        assert_eq!(config.default_locale.as_str(), "en");
        assert_eq!(
            config.data_dir,
            PathBuf::from("/home/x/.local/share/ecabot")
        );
        std::fs::write(&file, "colour = \"blue\"\n").unwrap();
        assert!(Config::load(Some(&file), &env).is_err());
        let bad = MapEnv(HashMap::from([("ECABOT_DEFAULT_LOCALE", "!!")]));
        assert!(Config::load(None, &bad).is_err());
    }

    #[test]
    fn digest_feeds_from_the_file_with_clear_errors() {
        let dir = std::env::temp_dir().join(format!("ecabot-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ecabot.toml");
        let env = MapEnv(HashMap::from([("HOME", "/home/x")]));
        let load = |text: &str| {
            std::fs::write(&file, text).unwrap();
            Config::load(Some(&file), &env).map_err(|e| format!("{e:#}"))
        };
        let defaults = load("").unwrap().digest;
        assert!(defaults.feeds.is_empty());
        assert_eq!(defaults.fetch.max_bytes, 5 * 1024 * 1024);
        let config = load(
            "[digest]\nfetch_schedule = \"0 0 * * * *\"\ntimeout_secs = 5\nmax_bytes = 100000\nfeeds = [\n  { name = \"ECCP news\", url = \"https://www.clustercollaboration.eu/rss.xml\", lang = \"en\" },\n  { name = \"Klusterit\", url = \"https://example.fi/feed\", lang = \"fi\" },\n]\n",
        )
        .unwrap()
        .digest;
        assert_eq!(config.feeds.len(), 2);
        assert_eq!(config.feeds[1].lang.as_str(), "fi");
        assert_eq!(config.fetch.timeout, std::time::Duration::from_secs(5));
        assert_eq!(config.fetch.max_bytes, 100_000);
        for (text, says) in [
            (
                "[digest]\nfeeds = [{ name = \"A\", url = \"ftp://x\", lang = \"en\" }]",
                "feeds[0] (\"A\"): url \"ftp://x\" is not an http(s) address",
            ),
            (
                "[digest]\nfeeds = [{ name = \"A\", url = \"https://x\", lang = \"??\" }]",
                "lang \"??\" is not a language tag",
            ),
            (
                "[digest]\nfeeds = [{ name = \"A\", url = \"https://x\", lang = \"en\" }, { name = \"A\", url = \"https://y\", lang = \"en\" }]",
                "feeds[1] (\"A\"): another feed has this name",
            ),
            (
                "[digest]\nfetch_schedule = \"hourly\"",
                "fetch_schedule: \"hourly\" is not a cron schedule",
            ),
            ("[digest]\ntimeout_secs = 0", "timeout_secs: 0"),
            (
                "[digest]\nfeeds = [{ name = \"A\", url = \"https://x\" }]",
                "missing field `lang`",
            ),
        ] {
            let error = load(text).unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn telegram_settings_from_the_environment() {
        let none = Config::load(None, &MapEnv(HashMap::new())).unwrap();
        assert!(none.telegram.is_none());
        let env = MapEnv(HashMap::from([
            ("TELEGRAM_BOT_TOKEN", "123456:CANARY-token-value"),
            ("TELEGRAM_API_URL", "http://127.0.0.1:9/"),
            ("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/tg"),
            ("TELEGRAM_WEBHOOK_SECRET", "s3cret_value-1"),
            ("TELEGRAM_RATE_LIMIT", "12.5"),
        ]));
        let config = Config::load(None, &env).unwrap();
        let telegram = config.telegram.as_ref().unwrap();
        assert_eq!(telegram.api_url.as_deref(), Some("http://127.0.0.1:9/"));
        assert_eq!(telegram.global_rate, Some(12.5));
        let webhook = telegram.webhook.as_ref().unwrap();
        assert_eq!(webhook.listen.to_string(), DEFAULT_WEBHOOK_LISTEN);
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("CANARY") && !shown.contains("s3cret"),
            "{shown}"
        );
        assert_eq!(config.secrets().len(), 2);

        for (name, value) in [
            ("TELEGRAM_WEBHOOK_SECRET", "has spaces"),
            ("TELEGRAM_RATE_LIMIT", "-1"),
            ("TELEGRAM_API_URL", "ftp://x"),
            ("TELEGRAM_BOT_TOKEN", "a/b"),
        ] {
            let mut vars = env.0.clone();
            vars.insert(name, value);
            let error = Config::load(None, &MapEnv(vars)).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
            assert!(!error.contains("CANARY"), "{error}");
        }
        let mut vars = env.0.clone();
        vars.remove("TELEGRAM_WEBHOOK_SECRET");
        assert!(
            Config::load(None, &MapEnv(vars)).is_err(),
            "a webhook needs a secret"
        );
    }

    #[test]
    fn discord_settings_from_the_environment() {
        let env = MapEnv(HashMap::from([
            ("DISCORD_TOKEN", "OTAw.GhTc.CANARY-discord-secret"),
            ("DISCORD_GUILD_ID", "900000000000000100"),
            ("DISCORD_API_URL", "http://127.0.0.1:9"),
            ("DISCORD_RATE_LIMIT", "off"),
        ]));
        let config = Config::load(None, &env).unwrap();
        let discord = config.discord.as_ref().unwrap();
        assert_eq!(discord.guild_id, Some(900_000_000_000_000_100));
        assert_eq!(discord.api_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(discord.global_rate, None);
        assert!(!format!("{config:?}").contains("CANARY"));
        assert_eq!(config.secrets(), ["OTAw.GhTc.CANARY-discord-secret"]);
        for (name, value) in [
            ("DISCORD_GUILD_ID", "general"),
            ("DISCORD_API_URL", "discord.com"),
            ("DISCORD_RATE_LIMIT", "fast"),
            ("DISCORD_TOKEN", "two words"),
        ] {
            let mut vars = env.0.clone();
            vars.insert(name, value);
            let error = Config::load(None, &MapEnv(vars)).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
            assert!(!error.contains("CANARY"), "{error}");
        }
        let file = std::env::temp_dir().join(format!("ecabot-discord-{}.toml", std::process::id()));
        std::fs::write(&file, "[discord]\ntoken = \"from-file\"\nguild_id = 7\n").unwrap();
        let config = Config::load(Some(&file), &MapEnv(HashMap::new())).unwrap();
        assert_eq!(config.discord.unwrap().guild_id, Some(7));
    }
}
