//! Newsletter digests: when a chat gets one (`/digest`), which outbox entries the scheduler plans
//! for them, and what a digest says.
//!
//! Rules, in one place:
//! - A chat's digest comes at a local wall-clock time in its zone (default: Monday 09:00), so it
//!   follows the chat across DST changes; a time that does not exist that night comes at the
//!   first instant after the gap, a time that happens twice comes the first time.
//! - The scheduler plans a digest when its moment falls in the tick's window. Its outbox key is
//!   the chat and the local date of the moment: one entry per chat per period, however many
//!   ticks or instances plan it.
//! - A digest holds what arrived between the chat's previous digest and its moment (the first
//!   one looks back one period): news items, then calls added or whose deadline moved, then
//!   calls closing within 14 days. It is written when it is sent, in the chat's language and
//!   zone of that moment; with nothing new it is not sent at all.
//! - Quiet hours delay a digest until they end.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};

use crate::{
    Args, Bot, Call, CallKind, ChatPrefs, ChatRef, EntryState, Inline, Locale, NewEntry, NewsItem,
    Notice, Reply, Response, Rich, StoreError, TopicId, Zone, markup::Block, schedule::release,
};

/// How far ahead "closing soon" looks.
pub const CLOSING_SOON: Duration = Duration::days(14);
/// Most news items in one digest, newest first; the rest are counted.
pub const MAX_DIGEST_ITEMS: usize = 40;
/// Items published this long before a digest's window are old news, even when a feed
/// (re)appears with them only now.
pub const OLD_NEWS: Duration = Duration::days(14);
/// Longest summary shown under an item, in characters.
const SUMMARY_CHARS: usize = 160;

/// When a chat gets its digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestPlan {
    Daily { at: NaiveTime },
    Weekly { day: Weekday, at: NaiveTime },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a digest schedule: {0:?}")]
pub struct BadDigestPlan(pub String);

impl DigestPlan {
    /// Monday 09:00, the chat's time.
    pub const DEFAULT: DigestPlan = DigestPlan::Weekly {
        day: Weekday::Mon,
        at: NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"),
    };

    pub fn at(self) -> NaiveTime {
        match self {
            DigestPlan::Daily { at } | DigestPlan::Weekly { at, .. } => at,
        }
    }

    /// The time between two digests.
    pub fn period(self) -> Duration {
        match self {
            DigestPlan::Daily { .. } => Duration::days(1),
            DigestPlan::Weekly { .. } => Duration::days(7),
        }
    }

    fn on(self, date: NaiveDate) -> bool {
        match self {
            DigestPlan::Daily { .. } => true,
            DigestPlan::Weekly { day, .. } => date.weekday() == day,
        }
    }

    /// The moment of the digest on a local date (whether or not the plan sends one that day).
    fn moment(self, zone: Zone, date: NaiveDate) -> DateTime<Utc> {
        crate::resolve_local(zone, date.and_time(self.at()))
    }

    /// The latest digest moment at or before `at`.
    pub fn latest(self, zone: Zone, at: DateTime<Utc>) -> DateTime<Utc> {
        let today = zone.local(at).date_naive();
        (0..=8)
            .filter_map(|back| today.checked_sub_days(chrono::Days::new(back)))
            .filter(|d| self.on(*d))
            .map(|d| self.moment(zone, d))
            .find(|m| *m <= at)
            .unwrap_or(at - self.period())
    }

    /// The first digest moment after `at`.
    pub fn next(self, zone: Zone, at: DateTime<Utc>) -> DateTime<Utc> {
        let today = zone.local(at).date_naive();
        (0..=8)
            .filter_map(|ahead| today.checked_add_days(chrono::Days::new(ahead)))
            .filter(|d| self.on(*d))
            .map(|d| self.moment(zone, d))
            .find(|m| *m > at)
            .unwrap_or(at + self.period())
    }

    /// Reads the arguments of `/digest daily|weekly [day] [HH:MM]`. A day alone means weekly;
    /// missing parts take the default (Monday, 09:00).
    pub fn from_words(words: &[&str]) -> Result<DigestPlan, BadDigestPlan> {
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

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// The stored form: `daily 09:00`, `weekly fri 14:00`.
impl fmt::Display for DigestPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at();
        match self {
            DigestPlan::Daily { .. } => write!(f, "daily {:02}:{:02}", at.hour(), at.minute()),
            DigestPlan::Weekly { day, .. } => write!(
                f,
                "weekly {} {:02}:{:02}",
                weekday_code(*day),
                at.hour(),
                at.minute()
            ),
        }
    }
}

impl FromStr for DigestPlan {
    type Err = BadDigestPlan;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let words: Vec<&str> = s.split_whitespace().collect();
        match words.as_slice() {
            ["daily", _] | ["weekly", _, _] => DigestPlan::from_words(&words),
            _ => Err(BadDigestPlan(s.chars().take(40).collect())),
        }
    }
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
            _ => DigestPlan::from_words(&words).map(DigestRequest::Set),
        }
    }

    /// Whether it changes the chat's settings (and so needs an administrator in a group).
    pub fn changes_settings(&self) -> bool {
        matches!(self, DigestRequest::Off | DigestRequest::Set(_))
    }
}

/// The outbox entries of the digests whose moment falls in `(from, now]`, with the new
/// position of each chat's digest cursor. Pure, so it can be tested and measured on its own.
pub fn plan_digests(
    chats: &[(ChatRef, ChatPrefs)],
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (Vec<NewEntry>, Vec<(ChatRef, DateTime<Utc>)>) {
    let mut entries = Vec::new();
    let mut cursors = Vec::new();
    for (chat, prefs) in chats {
        let Some(plan) = prefs.digest else { continue };
        if !prefs.active {
            continue;
        }
        let zone = prefs.zone();
        let slot = plan.latest(zone, now);
        if slot <= from || prefs.digest_since.is_some_and(|s| s >= slot) {
            continue;
        }
        let since = prefs
            .digest_since
            .unwrap_or(slot - plan.period())
            .max(slot - Duration::days(31));
        entries.push(NewEntry {
            key: digest_key(chat, zone, slot),
            chat: chat.clone(),
            notice: Notice::Digest { from: since, slot },
            not_before: release(prefs, slot, plan.next(zone, slot)),
            expires: None,
            state: EntryState::Pending,
        });
        cursors.push((chat.clone(), slot));
    }
    (entries, cursors)
}

/// One per chat and local date of the digest's moment.
pub fn digest_key(chat: &ChatRef, zone: Zone, slot: DateTime<Utc>) -> String {
    format!("digest:{chat}:{}", zone.local(slot).date_naive())
}

/// What one chat's digest holds, chosen from everything new.
#[derive(Debug, Clone, Default)]
pub struct DigestContent<'a> {
    pub items: Vec<&'a NewsItem>,
    /// Items left out beyond [`MAX_DIGEST_ITEMS`].
    pub more_items: usize,
    pub new_calls: Vec<&'a Call>,
    pub closing: Vec<&'a Call>,
}

impl DigestContent<'_> {
    /// A digest is sent only when it brings something new.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.new_calls.is_empty()
    }
}

/// Selects a chat's digest: items in its language or English that arrived in `(from, to]`,
/// calls added or moved then and still open, and open calls closing within 14 days of `now`
/// that the chat has not dismissed.
pub fn select<'a>(
    locale: Locale,
    items: &'a [NewsItem],
    calls: &'a [Call],
    dismissed: &[crate::CallId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DigestContent<'a> {
    let old = from - OLD_NEWS;
    let mut chosen: Vec<&NewsItem> = items
        .iter()
        .filter(|i| from < i.added_at && i.added_at <= to)
        .filter(|i| i.lang == locale || i.lang == Locale::ENGLISH)
        .filter(|i| i.published.is_none_or(|p| p >= old))
        .collect();
    // Newest first by publication (else arrival); ties keep arrival order.
    chosen.sort_by_key(|i| std::cmp::Reverse(i.published.unwrap_or(i.added_at)));
    let more_items = chosen.len().saturating_sub(MAX_DIGEST_ITEMS);
    chosen.truncate(MAX_DIGEST_ITEMS);
    let open = |c: &&Call| c.is_open(now) && !dismissed.contains(&c.id);
    let new_calls = calls
        .iter()
        .filter(open)
        .filter(|c| from < c.changed_at && c.changed_at <= to)
        .collect();
    let closing = calls
        .iter()
        .filter(open)
        .filter(|c| c.deadline <= now + CLOSING_SOON)
        .collect();
    DigestContent {
        items: chosen,
        more_items,
        new_calls,
        closing,
    }
}

/// Why a planned digest is not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestSkipped {
    #[error("the chat turned its digest off")]
    Off,
    #[error("nothing new since the previous digest")]
    Empty,
}

impl Bot {
    fn newsletter_topic() -> Option<TopicId> {
        "newsletter".parse().ok()
    }

    /// `/digest`, `/digest daily|weekly [day] [HH:MM]`, `/digest off`, `/digest preview`.
    pub(crate) async fn digest(
        &self,
        request: &crate::Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Result<Response, StoreError> {
        let chat = &request.chat;
        let now = self.clock.now();
        let args_of = |plan: DigestPlan, zone: Zone| {
            Args::new()
                .markup("when", self.plan_text(locale, plan))
                .data("zone", zone.name())
                .markup("next", self.datetime_in(locale, zone, plan.next(zone, now)))
        };
        let id_args = match DigestRequest::parse(arg.as_deref()) {
            Ok(DigestRequest::Show) => {
                let prefs = self.store.chat_prefs(chat).await?;
                match prefs.digest {
                    Some(plan) => ("digest-current", args_of(plan, prefs.zone())),
                    None => (
                        "digest-current-off",
                        args_of(DigestPlan::DEFAULT, prefs.zone()),
                    ),
                }
            }
            Ok(DigestRequest::Off) => {
                self.store.set_chat_digest(chat, None).await?;
                ("digest-off", Args::new())
            }
            Ok(DigestRequest::Set(plan)) => {
                self.store.set_chat_digest(chat, Some(plan)).await?;
                self.remember_locale(request, locale).await?;
                let prefs = self.store.chat_prefs(chat).await?;
                ("digest-set", args_of(plan, prefs.zone()))
            }
            Ok(DigestRequest::Preview) => return self.preview_digest(chat, locale).await,
            Err(bad) => (
                "digest-bad",
                Args::new().data("input", &crate::bot::echo(&bad.0)),
            ),
        };
        let (id, args) = id_args;
        Ok(self.say(
            locale,
            Self::newsletter_topic(),
            Reply::new(Rich::parse(&self.cat().msg(locale, id, &args))),
        ))
    }

    /// What the chat's next digest would hold if it were sent now.
    pub async fn preview_digest(
        &self,
        chat: &ChatRef,
        locale: Locale,
    ) -> Result<Response, StoreError> {
        let now = self.clock.now();
        let prefs = self.store.chat_prefs(chat).await?;
        let plan = prefs.digest.unwrap_or(DigestPlan::DEFAULT);
        let zone = prefs.zone();
        let next = plan.next(zone, now);
        let from = prefs
            .digest_since
            .unwrap_or(plan.latest(zone, now))
            .min(now);
        let items = self.store.news_between(from, now).await?;
        let calls = self.store.calls().await?;
        let dismissed = self.store.dismissed(chat).await?;
        let content = select(locale, &items, &calls, &dismissed, from, now, now);
        let mut args = Args::new().markup("next", self.datetime_in(locale, zone, next));
        if prefs.digest.is_none() {
            args = args.markup("when", self.plan_text(locale, plan));
        }
        let intro = match (prefs.digest.is_some(), content.is_empty()) {
            (true, true) => "digest-preview-empty",
            (true, false) => "digest-preview",
            (false, true) => "digest-preview-off-empty",
            (false, false) => "digest-preview-off",
        };
        let mut body = Rich::parse(&self.cat().msg(locale, intro, &args));
        if !content.is_empty() {
            body.append(self.digest_body(locale, zone, &content, now));
        }
        Ok(self.say(locale, Self::newsletter_topic(), Reply::new(body)))
    }

    /// Writes a planned digest for its chat as of `now`, or says why it is not sent.
    pub(crate) async fn render_digest(
        &self,
        chat: &ChatRef,
        from: DateTime<Utc>,
        slot: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Result<Response, DigestSkipped>, StoreError> {
        let prefs = self.store.chat_prefs(chat).await?;
        let Some(plan) = prefs.digest.filter(|_| prefs.active) else {
            return Ok(Err(DigestSkipped::Off));
        };
        let locale = crate::negotiate(
            self.cat().locales(),
            prefs.locale,
            None,
            self.default_locale,
        );
        let items = self.store.news_between(from, slot).await?;
        let calls = self.store.calls().await?;
        let dismissed = self.store.dismissed(chat).await?;
        let content = select(locale, &items, &calls, &dismissed, from, slot, now);
        Ok(self
            .compose_digest(locale, prefs.zone(), plan, slot, &content, now)
            .ok_or(DigestSkipped::Empty))
    }

    /// The digest message, or `None` when there is nothing new. Pure apart from the catalog,
    /// so composing for many chats can be measured on its own.
    pub fn compose_digest(
        &self,
        locale: Locale,
        zone: Zone,
        plan: DigestPlan,
        slot: DateTime<Utc>,
        content: &DigestContent<'_>,
        now: DateTime<Utc>,
    ) -> Option<Response> {
        if content.is_empty() {
            return None;
        }
        let heading = match plan {
            DigestPlan::Daily { .. } => "digest-heading-daily",
            DigestPlan::Weekly { .. } => "digest-heading-weekly",
        };
        let date = self.cat().date(locale, zone.local(slot).date_naive());
        let mut body = Rich::parse(&self.cat().msg(
            locale,
            heading,
            &Args::new().markup("date", date),
        ));
        body.append(self.digest_body(locale, zone, content, now));
        body.append(Rich::parse(&self.cat().get(locale, "digest-footer")));
        Some(self.say(locale, Self::newsletter_topic(), Reply::new(body)))
    }

    fn digest_body(
        &self,
        locale: Locale,
        zone: Zone,
        content: &DigestContent<'_>,
        now: DateTime<Utc>,
    ) -> Rich {
        let cat = self.cat();
        let mut body = Rich::default();
        // Items under their source, sources in order of their newest item.
        let mut sources: Vec<&str> = Vec::new();
        for item in &content.items {
            if !sources.contains(&item.source.as_str()) {
                sources.push(&item.source);
            }
        }
        for source in sources {
            body.append(Rich::parse(&cat.msg(
                locale,
                "digest-source",
                &Args::new().data("source", source),
            )));
            let list = content
                .items
                .iter()
                .filter(|i| i.source == source)
                .map(|item| self.item_line(locale, zone, item))
                .collect();
            body.blocks.push(Block::List(list));
        }
        if content.more_items > 0 {
            body.append(Rich::parse(&cat.msg(
                locale,
                "digest-more-items",
                &Args::new().number("count", content.more_items as f64),
            )));
        }
        let call_list = |calls: &[&Call], id: fn(&Call) -> &'static str| {
            let items = calls
                .iter()
                .map(|call| {
                    let args = Args::new()
                        .data("title", call.title(locale))
                        .markup("when", self.datetime_in(locale, zone, call.deadline))
                        .markup("left", self.duration_text(locale, call.deadline - now))
                        .data("id", call.id.as_str());
                    inlines(&cat.msg(locale, id(call), &args))
                })
                .collect();
            Block::List(items)
        };
        if !content.new_calls.is_empty() {
            body.append(Rich::parse(&cat.get(locale, "digest-calls-heading")));
            body.blocks.push(call_list(&content.new_calls, |c| {
                match (c.kind, c.version > 1) {
                    (CallKind::Call, false) => "digest-call-new",
                    (CallKind::Call, true) => "digest-call-moved",
                    (CallKind::Event, false) => "digest-event-new",
                    (CallKind::Event, true) => "digest-event-moved",
                }
            }));
        }
        if !content.closing.is_empty() {
            body.append(Rich::parse(&cat.get(locale, "digest-closing-heading")));
            body.blocks
                .push(call_list(&content.closing, |c| match c.kind {
                    CallKind::Call => "digest-closing-call",
                    CallKind::Event => "digest-closing-event",
                }));
        }
        body
    }

    /// `[Title](link), date: summary…`, the title as the source wrote it.
    fn item_line(&self, locale: Locale, zone: Zone, item: &NewsItem) -> Vec<Inline> {
        let mut line = vec![Inline::Link {
            label: item.title.clone(),
            url: item.url.clone(),
        }];
        let summary = item
            .summary
            .as_deref()
            .map(|s| crate::news::cut(s, SUMMARY_CHARS))
            .unwrap_or_default();
        let date = item
            .published
            .map(|p| self.cat().date(locale, zone.local(p).date_naive()))
            .unwrap_or_default();
        let args = Args::new()
            .markup("date", date.clone())
            .data(
                "has_date",
                if item.published.is_some() {
                    "yes"
                } else {
                    "no"
                },
            )
            .data("summary", &summary)
            .data("has_summary", if summary.is_empty() { "no" } else { "yes" });
        let tail = inlines(&self.cat().msg(locale, "digest-item", &args));
        if !tail.is_empty() {
            line.push(Inline::Text { text: " ".into() });
            line.extend(tail);
        }
        line
    }

    /// "every Monday at 09:00" / "joka maanantai klo 9.00".
    pub(crate) fn plan_text(&self, locale: Locale, plan: DigestPlan) -> String {
        let time = self
            .cat()
            .time(locale, plan.at().hour(), plan.at().minute());
        match plan {
            DigestPlan::Daily { .. } => self.cat().msg(
                locale,
                "digest-when-daily",
                &Args::new().markup("time", time),
            ),
            DigestPlan::Weekly { day, .. } => self.cat().msg(
                locale,
                "digest-when-weekly",
                &Args::new()
                    .markup("time", time)
                    .number("weekday", day.number_from_monday()),
            ),
        }
    }
}

/// The inline runs of a one-line message.
fn inlines(text: &str) -> Vec<Inline> {
    Rich::parse(text)
        .blocks
        .into_iter()
        .flat_map(|b| match b {
            Block::Paragraph(runs) => runs,
            Block::List(items) => items.into_iter().flatten().collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn plan(words: &str) -> Result<DigestPlan, BadDigestPlan> {
        DigestPlan::from_words(&words.split_whitespace().collect::<Vec<_>>())
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn words_become_plans() {
        for (words, expected) in [
            ("weekly", DigestPlan::DEFAULT),
            (
                "weekly fri 14:00",
                DigestPlan::Weekly {
                    day: Weekday::Fri,
                    at: t(14, 0),
                },
            ),
            (
                "FRI 14.00",
                DigestPlan::Weekly {
                    day: Weekday::Fri,
                    at: t(14, 0),
                },
            ),
            ("daily", DigestPlan::Daily { at: t(9, 0) }),
            ("daily 7:30", DigestPlan::Daily { at: t(7, 30) }),
            ("päivittäin 8", DigestPlan::Daily { at: t(8, 0) }),
            (
                "viikoittain perjantaina 14.00",
                DigestPlan::Weekly {
                    day: Weekday::Fri,
                    at: t(14, 0),
                },
            ),
            (
                "14:00 weekly su",
                DigestPlan::Weekly {
                    day: Weekday::Sun,
                    at: t(14, 0),
                },
            ),
        ] {
            assert_eq!(plan(words), Ok(expected), "{words}");
            assert_eq!(expected.to_string().parse::<DigestPlan>(), Ok(expected));
        }
        for bad in [
            "daily fri",
            "weekly daily",
            "monthly",
            "25:00",
            "9:5",
            "daily 9 10",
            "14:00",
            "fri mon",
        ] {
            assert!(plan(bad).is_err(), "{bad}");
        }
        assert_eq!(DigestRequest::parse(None), Ok(DigestRequest::Show));
        assert_eq!(DigestRequest::parse(Some(" Off ")), Ok(DigestRequest::Off));
        assert_eq!(
            DigestRequest::parse(Some("esikatselu")),
            Ok(DigestRequest::Preview)
        );
        assert!(!DigestRequest::Preview.changes_settings());
        assert!("weekly".parse::<DigestPlan>().is_err());
    }

    #[test]
    fn moments_follow_local_time_across_dst() {
        let helsinki = zone("Europe/Helsinki");
        let daily = DigestPlan::Daily { at: t(9, 0) };
        // Helsinki is UTC+3 in summer and UTC+2 in winter; the clocks went back on 25 Oct 2026.
        assert_eq!(
            daily.next(helsinki, utc(2026, 10, 24, 12, 0)),
            utc(2026, 10, 25, 7, 0)
        );
        assert_eq!(
            daily.next(helsinki, utc(2026, 10, 25, 7, 0)),
            utc(2026, 10, 26, 7, 0)
        );
        assert_eq!(
            daily.latest(helsinki, utc(2026, 10, 24, 12, 0)),
            utc(2026, 10, 24, 6, 0)
        );
        let weekly = DigestPlan::DEFAULT;
        let lisbon = zone("Europe/Lisbon");
        // Monday 29 March 2027 is the first Monday of summer time in Lisbon (UTC+1).
        assert_eq!(
            weekly.next(lisbon, utc(2027, 3, 23, 0, 0)),
            utc(2027, 3, 29, 8, 0)
        );
        assert_eq!(
            weekly.latest(lisbon, utc(2027, 3, 29, 7, 59)),
            utc(2027, 3, 22, 9, 0)
        );
        // 03:30 does not exist on the spring-forward night in Helsinki: the first instant after.
        let night = DigestPlan::Daily { at: t(3, 30) };
        assert_eq!(
            night.next(helsinki, utc(2027, 3, 27, 12, 0)),
            utc(2027, 3, 28, 1, 0)
        );
    }

    #[test]
    fn planning_makes_one_entry_per_period() {
        let chat = ChatRef::new("tg", "1").unwrap();
        let prefs = ChatPrefs {
            digest: Some(DigestPlan::DEFAULT),
            ..ChatPrefs::default()
        };
        let chats = vec![(chat.clone(), prefs.clone())];
        // Monday 16 November 2026, 09:00 Brussels = 08:00 UTC.
        let slot = utc(2026, 11, 16, 8, 0);
        let (entries, cursors) = plan_digests(&chats, slot - Duration::minutes(1), slot);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].key, "digest:tg:1:2026-11-16");
        assert_eq!(
            entries[0].notice,
            Notice::Digest {
                from: slot - Duration::days(7),
                slot
            }
        );
        assert_eq!(cursors, vec![(chat.clone(), slot)]);
        // Not in the window, or already planned: nothing.
        assert!(
            plan_digests(&chats, slot, slot + Duration::hours(1))
                .0
                .is_empty()
        );
        let planned = vec![(
            chat.clone(),
            ChatPrefs {
                digest_since: Some(slot),
                ..prefs.clone()
            },
        )];
        assert!(
            plan_digests(&planned, slot - Duration::hours(1), slot)
                .0
                .is_empty()
        );
        // The next week starts where the last one ended; quiet hours hold it back.
        let quiet = vec![(
            chat,
            ChatPrefs {
                digest_since: Some(slot),
                quiet: Some(crate::QuietHours::parse("08:00-10:00").unwrap()),
                ..prefs
            },
        )];
        let next = slot + Duration::days(7);
        let (entries, _) = plan_digests(&quiet, next - Duration::hours(2), next);
        assert_eq!(
            entries[0].notice,
            Notice::Digest {
                from: slot,
                slot: next
            }
        );
        assert_eq!(entries[0].not_before, next + Duration::hours(1));
    }
}
