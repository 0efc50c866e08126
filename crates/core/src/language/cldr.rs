//! Dates, times, numbers and lists as CLDR writes them in each language (ICU4X, with its data
//! compiled in: no download at build or run time).
//!
//! English is written as in Europe (`en-150`: "3 December 2026 at 09:05", 24-hour clock) and
//! Portuguese as in Portugal: the alliance's members are European.

use chrono::{Datelike, NaiveDate};
use fixed_decimal::Decimal;
use icu_calendar::Gregorian;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{T, YMD, YMDT};
use icu_datetime::input::{Date, DateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_decimal::DecimalFormatter;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_list::ListFormatter;
use icu_list::options::{ListFormatterOptions, ListLength};

use crate::model::locale::Locale;

/// CLDR has no data for a locale (never for the member languages; found by tests).
#[derive(Debug, thiserror::Error)]
#[error("no CLDR formats for {locale}: {detail}")]
pub struct CldrError {
    locale: Locale,
    detail: String,
}

/// The formatters of one language.
pub struct Cldr {
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    time: FixedCalendarDateTimeFormatter<Gregorian, T>,
    datetime: FixedCalendarDateTimeFormatter<Gregorian, YMDT>,
    list: ListFormatter,
    alternatives: ListFormatter,
    decimal: DecimalFormatter,
}

impl Cldr {
    pub fn new(locale: Locale) -> Result<Cldr, CldrError> {
        let fail = |detail: String| CldrError { locale, detail };
        let tag = match locale.as_str() {
            "en" => "en-150",
            "pt" => "pt-PT",
            other => other,
        };
        let id: icu_locale_core::Locale = tag.parse().map_err(|e| fail(format!("{e:?}")))?;
        let minute = TimePrecision::Minute;
        let mut numbers = DecimalFormatterOptions::default();
        // "2024" and "1000" stay plain; grouping starts at five digits, as style guides ask.
        numbers.grouping_strategy = Some(GroupingStrategy::Min2);
        Ok(Cldr {
            date: FixedCalendarDateTimeFormatter::try_new((&id).into(), YMD::long())
                .map_err(|e| fail(format!("{e:?}")))?,
            time: FixedCalendarDateTimeFormatter::try_new(
                (&id).into(),
                T::medium().with_time_precision(minute),
            )
            .map_err(|e| fail(format!("{e:?}")))?,
            datetime: FixedCalendarDateTimeFormatter::try_new(
                (&id).into(),
                YMDT::long().with_time_precision(minute),
            )
            .map_err(|e| fail(format!("{e:?}")))?,
            list: ListFormatter::try_new_and(
                (&id).into(),
                ListFormatterOptions::default().with_length(ListLength::Wide),
            )
            .map_err(|e| fail(format!("{e:?}")))?,
            alternatives: ListFormatter::try_new_or(
                (&id).into(),
                ListFormatterOptions::default().with_length(ListLength::Wide),
            )
            .map_err(|e| fail(format!("{e:?}")))?,
            decimal: DecimalFormatter::try_new((&id).into(), numbers)
                .map_err(|e| fail(format!("{e:?}")))?,
        })
    }

    /// "3 December 2026" / "3. joulukuuta 2026".
    pub fn date(&self, date: NaiveDate) -> String {
        self.date.format(&gregorian(date)).to_string()
    }

    /// "09:05" / "9.05".
    pub fn time(&self, hour: u32, minute: u32) -> String {
        self.time.format(&time(hour, minute)).to_string()
    }

    /// "3 December 2026 at 09:05" / "3. joulukuuta 2026 klo 9.05".
    pub fn datetime(&self, date: NaiveDate, hour: u32, minute: u32) -> String {
        let at = DateTime {
            date: gregorian(date),
            time: time(hour, minute),
        };
        self.datetime.format(&at).to_string()
    }

    /// "English and suomi", "Austria, Bulgaria and Czechia".
    pub fn list(&self, items: &[String]) -> String {
        self.list.format(items.iter()).to_string()
    }

    /// Alternatives: "Europe/Paris or Europe/Prague" / "… tai …".
    pub fn alternatives(&self, items: &[String]) -> String {
        self.alternatives.format(items.iter()).to_string()
    }

    /// A number with at most `max_fraction` decimals (trailing zeros dropped) and at least
    /// `min_integer` integer digits: "150,000", "0,5", "09".
    pub fn number(&self, value: f64, max_fraction: usize, min_integer: usize) -> String {
        if !value.is_finite() {
            return value.to_string();
        }
        let Ok(mut decimal) = format!("{:.*}", max_fraction.min(10), value).parse::<Decimal>()
        else {
            return value.to_string();
        };
        decimal.absolute.trim_end();
        decimal
            .absolute
            .pad_start(i16::try_from(min_integer.min(10)).unwrap_or(0));
        self.decimal.format(&decimal).to_string()
    }
}

fn gregorian(date: NaiveDate) -> Date<Gregorian> {
    // A chrono date is always a valid proleptic Gregorian date.
    Date::try_new_gregorian(date.year(), date.month() as u8, date.day() as u8)
        .unwrap_or_else(|_| Date::try_new_gregorian(1970, 1, 1).expect("a valid date"))
}

fn time(hour: u32, minute: u32) -> Time {
    Time::try_new(hour.min(23) as u8, minute.min(59) as u8, 0, 0)
        .unwrap_or_else(|_| Time::try_new(0, 0, 0, 0).expect("midnight"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cldr(tag: &str) -> Cldr {
        Cldr::new(Locale::parse(tag).unwrap()).unwrap()
    }

    #[test]
    fn english_and_finnish_read_as_before() {
        let (en, fi) = (cldr("en"), cldr("fi"));
        let day = NaiveDate::from_ymd_opt(2024, 10, 17).unwrap();
        assert_eq!(en.date(day), "17 October 2024");
        assert_eq!(fi.date(day), "17. lokakuuta 2024");
        assert_eq!(en.time(9, 5), "09:05");
        assert_eq!(fi.time(9, 5), "9.05");
        assert_eq!(en.datetime(day, 23, 59), "17 October 2024 at 23:59");
        assert_eq!(fi.datetime(day, 23, 59), "17. lokakuuta 2024 klo 23.59");
        let items = ["Austria".to_owned(), "Bulgaria".into(), "Czechia".into()];
        assert_eq!(en.list(&items), "Austria, Bulgaria and Czechia");
        assert_eq!(fi.list(&items[..2]), "Austria ja Bulgaria");
        assert_eq!(en.alternatives(&items[..2]), "Austria or Bulgaria");
        assert_eq!(fi.alternatives(&items[..2]), "Austria tai Bulgaria");
    }

    #[test]
    fn numbers_follow_the_locale() {
        let (en, fi) = (cldr("en"), cldr("fi"));
        assert_eq!(en.number(0.5, 3, 0), "0.5");
        assert_eq!(fi.number(0.5, 3, 0), "0,5");
        assert_eq!(en.number(150_000.0, 0, 0), "150,000");
        assert_eq!(fi.number(150_000.0, 0, 0), "150\u{a0}000");
        assert_eq!(en.number(2024.0, 0, 0), "2024");
        assert_eq!(en.number(61.8, 1, 0), "61.8");
        assert_eq!(en.number(-1_234_567.25, 2, 0), "-1,234,567.25");
        assert_eq!(en.number(13.50, 2, 0), "13.5");
        assert_eq!(en.number(9.0, 0, 2), "09");
        assert_eq!(en.number(f64::NAN, 0, 0), "NaN");
    }

    #[test]
    fn every_member_language_has_formats() {
        for tag in [
            "en", "fi", "bg", "cs", "da", "de", "el", "es", "fr", "hu", "it", "lt", "lv", "pl",
            "pt", "ro", "sk", "sv", "uk",
        ] {
            let c = cldr(tag);
            let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
            assert!(c.date(day).contains("2026"), "{tag}");
        }
    }
}
