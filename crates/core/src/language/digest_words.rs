//! The words of `/digest`.

use crate::model::chat::BadDigestPlan;
use crate::model::chat::DigestPlan;
use chrono::{NaiveTime, Weekday};

/// Reads the arguments of `/digest daily|weekly [day] [HH:MM]`. A day alone means weekly;
/// missing parts take the default (Monday, 09:00).
pub fn plan_from_words(words: &[&str]) -> Result<DigestPlan, BadDigestPlan> {
    let bad = || BadDigestPlan(words.join(" ").chars().take(40).collect());
    let mut rhythm = None;
    let mut day = None;
    let mut at = None;
    for word in words {
        let w = word.to_lowercase();
        if let Some(r) = rhythm_word(&w) {
            if rhythm.replace(r).is_some() {
                return Err(bad());
            }
        } else if let Some(d) = weekday_word(&w) {
            if day.replace(d).is_some() {
                return Err(bad());
            }
        } else if let Some(t) = time_word(&w) {
            if at.replace(t).is_some() {
                return Err(bad());
            }
        } else {
            return Err(bad());
        }
    }
    let at = at.unwrap_or(DigestPlan::DEFAULT.at());
    match (rhythm, day) {
        (Some(Rhythm::Daily), None) => Ok(DigestPlan::Daily { at }),
        (Some(Rhythm::Daily), Some(_)) | (None, None) => Err(bad()),
        (Some(Rhythm::Weekly) | None, day) => Ok(DigestPlan::Weekly {
            day: day.unwrap_or(Weekday::Mon),
            at,
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rhythm {
    Daily,
    Weekly,
}

/// Words for the rhythm in the languages the bot speaks (commands are typed, not read).
fn rhythm_word(w: &str) -> Option<Rhythm> {
    match w {
        "daily" | "day" | "päivittäin" | "paivittain" | "päivä" | "paiva" => {
            Some(Rhythm::Daily)
        }
        "weekly" | "week" | "viikoittain" | "viikko" => Some(Rhythm::Weekly),
        _ => None,
    }
}

fn weekday_word(w: &str) -> Option<Weekday> {
    let w = w.trim_end_matches(['.', ',']);
    let w = w.strip_suffix("na").filter(|s| s.len() > 3).unwrap_or(w);
    Some(match w {
        "mon" | "monday" | "ma" | "maanantai" => Weekday::Mon,
        "tue" | "tues" | "tuesday" | "ti" | "tiistai" => Weekday::Tue,
        "wed" | "wednesday" | "ke" | "keskiviikko" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" | "to" | "torstai" => Weekday::Thu,
        "fri" | "friday" | "pe" | "perjantai" => Weekday::Fri,
        "sat" | "saturday" | "la" | "lauantai" => Weekday::Sat,
        "sun" | "sunday" | "su" | "sunnuntai" => Weekday::Sun,
        _ => return None,
    })
}

/// `14:00`, `14.00`, `9:30`, `9`, `klo 9` is two words and fails on `klo`.
fn time_word(w: &str) -> Option<NaiveTime> {
    let (h, m) = match w.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        Some(_) => return None,
        None => (w, "0"),
    };
    if h.is_empty() || h.len() > 2 || !h.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// What `/digest …` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestRequest {
    Show,
    Off,
    Preview,
    Set(DigestPlan),
}

impl DigestRequest {
    pub fn parse(arg: Option<&str>) -> Result<DigestRequest, BadDigestPlan> {
        let words: Vec<&str> = arg.unwrap_or_default().split_whitespace().collect();
        let first = words.first().map(|w| w.to_lowercase());
        match (first.as_deref(), words.len()) {
            (None, _) => Ok(DigestRequest::Show),
            (Some("off" | "pois" | "stop" | "none"), 1) => Ok(DigestRequest::Off),
            (Some("preview" | "esikatselu" | "next"), 1) => Ok(DigestRequest::Preview),
            _ => plan_from_words(&words).map(DigestRequest::Set),
        }
    }

    /// Whether it changes the chat's settings (and so needs an administrator in a group).
    pub fn changes_settings(&self) -> bool {
        matches!(self, DigestRequest::Off | DigestRequest::Set(_))
    }
}
