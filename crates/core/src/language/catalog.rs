//! The message catalog: every word the bot says, loaded from the embedded `locales/<lang>/*.ftl`.
//!
//! Lookups never fail at the call site: a message missing in the chat's language falls back to
//! English (and is logged), so a half-translated language degrades instead of breaking.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Timelike};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};

use crate::language::cldr::Cldr;
use crate::language::cldr::CldrError;
use crate::model::locale::Locale;
use crate::model::markup;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// Catalog construction failed: a locale file does not parse. Found by tests, never in production.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("locales/{locale}/{file}: {message}")]
    Syntax {
        locale: String,
        file: String,
        message: String,
    },
    #[error("locales/{locale}: {message}")]
    Duplicate { locale: String, message: String },
    #[error("there is no locales/en folder; English is the fallback language")]
    NoEnglish,
    #[error("locales/{0} is not named after a language tag")]
    BadFolder(String),
    #[error(transparent)]
    Cldr(#[from] CldrError),
}

/// Named arguments for a message. Use [`Args::data`] for anything that did not come from a locale
/// file (titles, names, user text): it is escaped so it can never be read as markup.
#[derive(Default)]
pub struct Args<'a>(FluentArgs<'a>);

impl<'a> Args<'a> {
    pub fn new() -> Self {
        Args(FluentArgs::new())
    }

    /// Text from outside the locale files, shown literally.
    pub fn data(mut self, name: &'a str, value: &str) -> Self {
        self.0.set(name, FluentValue::from(markup::escape(value)));
        self
    }

    /// Text already produced by the catalog (it may carry markup on purpose).
    pub fn markup(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.0.set(name, FluentValue::from(value.into()));
        self
    }

    /// A number: selects plural variants, and `NUMBER()` formats it the locale's way.
    pub fn number(mut self, name: &'a str, value: impl Into<f64>) -> Self {
        self.0.set(name, FluentValue::from(value.into()));
        self
    }
}

/// All languages, parsed once at start-up and shared read-only between tasks.
pub struct Catalog {
    bundles: BTreeMap<Locale, FluentBundle<FluentResource>>,
    /// Dates, times, numbers and lists of each language, from CLDR.
    formats: BTreeMap<Locale, Arc<Cldr>>,
    locales: Vec<Locale>,
    /// Raw non-Fluent data files per locale (e.g. `phrasings.toml`), by file name.
    data: BTreeMap<(Locale, String), &'static str>,
}

impl Catalog {
    /// The catalog compiled into the binary from `locales/`.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::from_files(LOCALE_FILES.iter().copied())
    }

    /// Builds a catalog from `(locale folder, file name, contents)` triples; `.ftl` files are
    /// Fluent, any other file is kept as locale data.
    pub fn from_files(
        files: impl IntoIterator<Item = (&'static str, &'static str, &'static str)>,
    ) -> Result<Catalog, CatalogError> {
        let mut bundles = BTreeMap::new();
        let mut data = BTreeMap::new();
        for (folder, file, contents) in files {
            let locale =
                Locale::parse(folder).map_err(|_| CatalogError::BadFolder(folder.into()))?;
            if !file.ends_with(".ftl") {
                data.insert((locale, file.to_owned()), contents);
                continue;
            }
            let resource =
                FluentResource::try_new(contents.to_owned()).map_err(|(_, errors)| {
                    let first = &errors[0];
                    let line = contents[..first.pos.start.min(contents.len())]
                        .lines()
                        .count()
                        .max(1);
                    CatalogError::Syntax {
                        locale: folder.into(),
                        file: file.into(),
                        message: format!("line {line}: {:?}", first.kind),
                    }
                })?;
            let bundle = bundles.entry(locale).or_insert_with(|| {
                let mut b = FluentBundle::new_concurrent(vec![locale.langid()]);
                b.set_use_isolating(false);
                b
            });
            bundle
                .add_resource(resource)
                .map_err(|errors| CatalogError::Duplicate {
                    locale: folder.into(),
                    message: format!("{errors:?}"),
                })?;
        }
        if !bundles.contains_key(&Locale::ENGLISH) {
            return Err(CatalogError::NoEnglish);
        }
        let mut formats = BTreeMap::new();
        for (locale, bundle) in &mut bundles {
            let cldr = Arc::new(Cldr::new(*locale)?);
            install_number_function(bundle, cldr.clone());
            formats.insert(*locale, cldr);
        }
        let locales = bundles.keys().copied().collect();
        Ok(Catalog {
            bundles,
            formats,
            locales,
            data,
        })
    }

    /// Supported locales, English first is not implied: sorted by tag.
    pub fn locales(&self) -> &[Locale] {
        &self.locales
    }

    pub fn supports(&self, locale: Locale) -> bool {
        self.bundles.contains_key(&locale)
    }

    /// A non-Fluent data file of a locale, e.g. `phrasings.toml`.
    pub fn data_file(&self, locale: Locale, name: &str) -> Option<&'static str> {
        self.data.get(&(locale, name.to_owned())).copied()
    }

    /// Whether `locale` itself (not its fallback) has message `id`.
    pub fn has(&self, locale: Locale, id: &str) -> bool {
        self.bundles.get(&locale).is_some_and(|b| b.has_message(id))
    }

    /// The message `id` in `locale`, falling back to English. A message missing everywhere
    /// is a programming error: it is logged and its id is returned so the reply still goes out.
    pub fn msg(&self, locale: Locale, id: &str, args: &Args) -> String {
        self.lookup(locale, id, None, args).unwrap_or_else(|| {
            tracing::error!(%locale, id, "message missing in every locale");
            id.to_owned()
        })
    }

    /// Message `id` without arguments.
    pub fn get(&self, locale: Locale, id: &str) -> String {
        self.msg(locale, id, &Args::new())
    }

    /// Attribute `attr` of message `id`, falling back to English; `None` when neither has it.
    pub fn attr(&self, locale: Locale, id: &str, attr: &str) -> Option<String> {
        self.lookup(locale, id, Some(attr), &Args::new())
    }

    /// Attribute `attr` of message `id` in `locale` only, without fallback (for data such as
    /// recognition word lists, where English words would be wrong in another language).
    pub fn own_attr(&self, locale: Locale, id: &str, attr: &str) -> Option<String> {
        let bundle = self.bundles.get(&locale)?;
        format(bundle, id, Some(attr), &Args::new())
    }

    fn lookup(&self, locale: Locale, id: &str, attr: Option<&str>, args: &Args) -> Option<String> {
        if let Some(text) = self
            .bundles
            .get(&locale)
            .and_then(|b| format(b, id, attr, args))
        {
            return Some(text);
        }
        if locale != Locale::ENGLISH {
            tracing::warn!(%locale, id, attr, "message missing, falling back to English");
        }
        self.bundles
            .get(&Locale::ENGLISH)
            .and_then(|b| format(b, id, attr, args))
    }

    fn cldr(&self, locale: Locale) -> &Cldr {
        self.formats
            .get(&locale)
            .or_else(|| self.formats.get(&Locale::ENGLISH))
            .expect("the catalog always has English")
    }

    /// A calendar date the locale's way: "17 October 2024" / "17. lokakuuta 2024".
    pub fn date(&self, locale: Locale, date: NaiveDate) -> String {
        self.cldr(locale).date(date)
    }

    /// A date and wall-clock time the locale's way: "17 October 2024 at 23:59" /
    /// "17. lokakuuta 2024 klo 23.59".
    pub fn datetime<T: Datelike + Timelike>(&self, locale: Locale, at: &T) -> String {
        let date = NaiveDate::from_ymd_opt(at.year(), at.month(), at.day()).unwrap_or_default();
        self.cldr(locale).datetime(date, at.hour(), at.minute())
    }

    /// A wall-clock time: "09:30" / "9.30".
    pub fn time(&self, locale: Locale, hour: u32, minute: u32) -> String {
        self.cldr(locale).time(hour, minute)
    }

    /// A number the locale's way, at most `max_fraction` decimals.
    pub fn number(&self, locale: Locale, value: f64, max_fraction: usize) -> String {
        self.cldr(locale).number(value, max_fraction, 0)
    }

    /// Items joined the locale's way: "English and suomi", "A, B ja C".
    pub fn list(&self, locale: Locale, items: &[String]) -> String {
        self.cldr(locale).list(items)
    }

    /// Alternatives joined the locale's way: "A, B or C", "A, B tai C".
    pub fn alternatives(&self, locale: Locale, items: &[String]) -> String {
        self.cldr(locale).alternatives(items)
    }
}

fn format(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    attr: Option<&str>,
    args: &Args,
) -> Option<String> {
    let message = bundle.get_message(id)?;
    let pattern = match attr {
        None => message.value()?,
        Some(a) => message.get_attribute(a)?.value(),
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&args.0), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(id, attr, ?errors, "message formatted with errors");
    }
    Some(text.into_owned())
}

/// `NUMBER($n)`, `NUMBER($n, maximumFractionDigits: 2)`, `NUMBER($h, minimumIntegerDigits: 2)`
/// in a locale file formats the CLDR way of that locale. Fluent's own number display knows no
/// locale, so every bundle gets its own.
fn install_number_function(bundle: &mut FluentBundle<FluentResource>, cldr: Arc<Cldr>) {
    let result = bundle.add_function("NUMBER", move |positional, named| {
        let Some(FluentValue::Number(n)) = positional.first() else {
            return positional.first().cloned().unwrap_or(FluentValue::Error);
        };
        let option = |name| match named.get(name) {
            Some(FluentValue::Number(m)) => Some(m.value.clamp(0.0, 10.0) as usize),
            _ => None,
        };
        let max = option("maximumFractionDigits").unwrap_or(3);
        let min = option("minimumIntegerDigits").unwrap_or(0);
        FluentValue::from(cldr.number(n.value, max, min))
    });
    if let Err(e) = result {
        tracing::error!(error = %e, "could not install NUMBER()");
    }
}
