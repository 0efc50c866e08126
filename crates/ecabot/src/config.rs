//! Configuration: an optional TOML file, overridden by `ECABOT_*` environment variables.

use std::{
    fmt,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use ecabot_core::Locale;

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
}

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
}

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
        Ok(Config {
            database_url,
            data_dir,
            default_locale,
            schedule,
        })
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
}
