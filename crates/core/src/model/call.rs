//! Calls and events, and the values a chat sets around them: time zone, lead times, quiet hours.
//!
//! Every value here is parsed once at the edge (a command, an import, a database row) and carried
//! typed afterwards, so the scheduler never sees a string it has to re-check.

use std::{collections::BTreeMap, fmt, str::FromStr};

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;

use crate::model::locale::Locale;
use crate::model::topic::TopicId;

/// A call's stable public id: a slug of `a-z`, `0-9` and `-`, used in commands
/// (`/subscribe cluster-booster-academy-2024`), deep links (`/start sub-<id>`) and button data.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(String);

/// Longest call id: a Telegram callback (`snooze:<id>:<minutes>`) must stay within 64 bytes.
pub const MAX_CALL_ID: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a call id (1 to 40 of a-z, 0-9 and '-', starting with a letter or digit)")]
pub struct BadCallId(pub String);

impl CallId {
    pub fn parse(s: &str) -> Result<CallId, BadCallId> {
        let ok = !s.is_empty()
            && s.len() <= MAX_CALL_ID
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(CallId(s.to_owned()))
        } else {
            Err(BadCallId(s.chars().take(64).collect()))
        }
    }

    /// A slug derived from an iCalendar UID (`cba-2024@clustercollaboration.eu` →
    /// `cba-2024`). UIDs that slug to nothing, or too long, get a stable hash suffix so two
    /// different UIDs never share an id by accident of truncation.
    pub fn from_uid(uid: &str) -> CallId {
        let local = uid.split('@').next().unwrap_or(uid);
        let mut slug = String::new();
        for c in local.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-').to_owned();
        if !slug.is_empty() && slug.len() <= MAX_CALL_ID && slug.len() == local.len() {
            return CallId(slug);
        }
        let hash = format!("{:08x}", crate::model::text::fnv1a(uid.as_bytes()) as u32);
        let keep = MAX_CALL_ID - hash.len() - 1;
        let head: String = slug.chars().take(keep).collect();
        let head = head.trim_end_matches('-');
        if head.is_empty() {
            CallId(format!("call-{hash}"))
        } else {
            CallId(format!("{head}-{hash}"))
        }
    }

    /// The same id with a suffix, to resolve a clash between two UIDs.
    pub fn disambiguated(&self, uid: &str) -> CallId {
        let hash = format!("{:08x}", crate::model::text::fnv1a(uid.as_bytes()) as u32);
        let keep = MAX_CALL_ID - hash.len() - 1;
        let head: String = self.0.chars().take(keep).collect();
        CallId(format!("{}-{hash}", head.trim_end_matches('-')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CallId {
    type Err = BadCallId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CallId::parse(s)
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CallId({})", self.0)
    }
}

/// A call closes at its deadline; an event happens at its start. Either way the reminder
/// points at one instant, [`Call::deadline`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    Call,
    Event,
}

impl CallKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CallKind::Call => "call",
            CallKind::Event => "event",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a kind (call or event)")]
pub struct BadCallKind(pub String);

impl FromStr for CallKind {
    type Err = BadCallKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "call" => Ok(CallKind::Call),
            "event" => Ok(CallKind::Event),
            _ => Err(BadCallKind(s.chars().take(32).collect())),
        }
    }
}

/// An IANA time zone.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{query:?} is not an IANA time zone")]
pub struct UnknownZone {
    pub query: String,
    /// Close names to suggest, best first.
    pub suggestions: Vec<&'static str>,
}

impl Zone {
    /// Where the alliance's secretariat sits: the default for chats that set none.
    pub const DEFAULT: Zone = Zone(Tz::Europe__Brussels);

    /// Parses an IANA name, ignoring case (`europe/helsinki` is `Europe/Helsinki`). Unknown names
    /// come back with suggestions: `Helsinki` suggests `Europe/Helsinki`.
    pub fn parse(name: &str) -> Result<Zone, UnknownZone> {
        let name = name.trim();
        if let Ok(tz) = name.parse::<Tz>() {
            return Ok(Zone(tz));
        }
        let wanted = name.to_ascii_lowercase().replace(' ', "_");
        if let Some(tz) = chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(&wanted))
        {
            return Ok(Zone(*tz));
        }
        Err(UnknownZone {
            query: name.chars().take(64).collect(),
            suggestions: suggest_zones(&wanted),
        })
    }

    /// Every IANA zone name known.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    /// The instant as wall-clock time in this zone.
    pub fn local(self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.0)
    }
}

/// Zones whose city part contains the query, or which are one edit away, canonical names first.
fn suggest_zones(wanted: &str) -> Vec<&'static str> {
    if wanted.len() < 3 {
        return Vec::new();
    }
    let city = wanted.rsplit('/').next().unwrap_or(wanted);
    let mut found: Vec<&'static str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| name.contains('/') && !name.starts_with("Etc/"))
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            let tail = lower.rsplit('/').next().unwrap_or(&lower);
            tail.contains(city) || crate::model::text::within_one_edit(tail, city)
        })
        .collect();
    found.sort_by_key(|n| (n.split('/').next() != Some("Europe"), n.len()));
    found.truncate(5);
    found
}

impl Default for Zone {
    fn default() -> Self {
        Zone::DEFAULT
    }
}

impl FromStr for Zone {
    type Err = UnknownZone;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Zone::parse(s)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

/// How long before a deadline to remind: `7d`, `1d`, `1h`, `30m`. Whole minutes, 5 minutes to 60
/// days, so a reminder never lands after the deadline nor months before it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeadTime(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadLeadTime {
    #[error("{0:?} is not a lead time like 7d, 2h or 30m")]
    Shape(String),
    #[error("{0:?} is outside 5 minutes to 60 days")]
    Range(String),
    #[error("at most {max} lead times")]
    TooMany { max: usize },
    #[error("no lead time given")]
    Empty,
}

impl LeadTime {
    pub const MIN_MINUTES: u32 = 5;
    pub const MAX_MINUTES: u32 = 60 * 24 * 60;

    pub fn from_minutes(minutes: u32) -> Result<LeadTime, BadLeadTime> {
        if (Self::MIN_MINUTES..=Self::MAX_MINUTES).contains(&minutes) {
            Ok(LeadTime(minutes))
        } else {
            Err(BadLeadTime::Range(format!("{minutes}m")))
        }
    }

    pub fn minutes(self) -> u32 {
        self.0
    }

    pub fn duration(self) -> Duration {
        Duration::minutes(i64::from(self.0))
    }

    /// Parses `3d`, `2h`, `90m`, `1w`, or a combination without spaces (`1d12h`).
    pub fn parse(s: &str) -> Result<LeadTime, BadLeadTime> {
        let shape = || BadLeadTime::Shape(s.chars().take(32).collect());
        let lower = s.trim().to_ascii_lowercase();
        if lower.is_empty() {
            return Err(shape());
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        let mut chars = lower.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                digits.push(c);
                if digits.len() > 6 {
                    return Err(shape());
                }
                continue;
            }
            let mut unit = String::from(c);
            while let Some(n) = chars.peek().filter(|n| n.is_ascii_alphabetic()) {
                unit.push(*n);
                chars.next();
            }
            let scale: u64 = match unit.as_str() {
                "m" | "min" | "mins" | "minute" | "minutes" => 1,
                "h" | "hr" | "hrs" | "hour" | "hours" => 60,
                "d" | "day" | "days" => 60 * 24,
                "w" | "week" | "weeks" => 60 * 24 * 7,
                _ => return Err(shape()),
            };
            let n: u64 = digits.parse().map_err(|_| shape())?;
            digits.clear();
            total += n * scale;
        }
        if !digits.is_empty() {
            return Err(shape());
        }
        let minutes = u32::try_from(total).map_err(|_| BadLeadTime::Range(lower.clone()))?;
        LeadTime::from_minutes(minutes).map_err(|_| BadLeadTime::Range(lower))
    }

    /// The lead time split into whole days, hours and minutes, for messages.
    pub fn parts(self) -> (u32, u32, u32) {
        (self.0 / 1440, self.0 % 1440 / 60, self.0 % 60)
    }
}

impl fmt::Display for LeadTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, h, m) = self.parts();
        if d > 0 {
            write!(f, "{d}d")?;
        }
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        Ok(())
    }
}

impl fmt::Debug for LeadTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeadTime({self})")
    }
}

/// A chat's lead times, longest first, without repeats: 1 to 5 of them.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LeadTimes(Vec<LeadTime>);

impl LeadTimes {
    pub const MAX: usize = 5;

    /// 7 days, 1 day and 1 hour before the deadline.
    pub fn standard() -> LeadTimes {
        LeadTimes(vec![LeadTime(7 * 1440), LeadTime(1440), LeadTime(60)])
    }

    pub fn new(mut leads: Vec<LeadTime>) -> Result<LeadTimes, BadLeadTime> {
        leads.sort_unstable_by(|a, b| b.cmp(a));
        leads.dedup();
        match leads.len() {
            0 => Err(BadLeadTime::Empty),
            n if n > Self::MAX => Err(BadLeadTime::TooMany { max: Self::MAX }),
            _ => Ok(LeadTimes(leads)),
        }
    }

    /// Parses `3d 2h` (spaces or commas between lead times).
    pub fn parse(s: &str) -> Result<LeadTimes, BadLeadTime> {
        let leads = s
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|p| !p.is_empty())
            .take(Self::MAX + 1)
            .map(LeadTime::parse)
            .collect::<Result<Vec<_>, _>>()?;
        LeadTimes::new(leads)
    }

    pub fn iter(&self) -> impl Iterator<Item = LeadTime> + '_ {
        self.0.iter().copied()
    }

    pub fn as_slice(&self) -> &[LeadTime] {
        &self.0
    }
}

impl Default for LeadTimes {
    fn default() -> Self {
        LeadTimes::standard()
    }
}

impl FromStr for LeadTimes {
    type Err = BadLeadTime;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LeadTimes::parse(s)
    }
}

impl fmt::Display for LeadTimes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, l) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{l}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for LeadTimes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeadTimes({self})")
    }
}

/// Local hours in which a chat wants no reminders, e.g. 22:00–07:00 (may wrap midnight).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuietHours {
    start: NaiveTime,
    end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time range like 22:00-07:00")]
pub struct BadQuietHours(pub String);

impl QuietHours {
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<QuietHours, BadQuietHours> {
        if start == end {
            return Err(BadQuietHours(format!("{start}-{end}")));
        }
        Ok(QuietHours { start, end })
    }

    /// Parses `22:00-07:00`, `22-7`, `22.00–07.00`.
    pub fn parse(s: &str) -> Result<QuietHours, BadQuietHours> {
        let bad = || BadQuietHours(s.chars().take(32).collect());
        let s = s.trim().replace(['–', '—'], "-");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| -> Option<NaiveTime> {
            let t = t.trim().replace('.', ":");
            let (h, m) = t.split_once(':').unwrap_or((&t, "0"));
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            match (h, m) {
                (24, 0) => NaiveTime::from_hms_opt(0, 0, 0),
                _ => NaiveTime::from_hms_opt(h, m, 0),
            }
        };
        QuietHours::new(time(a).ok_or_else(bad)?, time(b).ok_or_else(bad)?).map_err(|_| bad())
    }

    pub fn start(self) -> NaiveTime {
        self.start
    }

    pub fn end(self) -> NaiveTime {
        self.end
    }

    /// Whether a local wall-clock time falls inside the quiet hours.
    pub fn contains(self, t: NaiveTime) -> bool {
        if self.start < self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// When a message due at `at` may go out in `zone`: at once outside quiet hours, else when
    /// they end, unless that is not before `deadline`, in which case at once.
    pub fn release(self, zone: Zone, at: DateTime<Utc>, deadline: DateTime<Utc>) -> DateTime<Utc> {
        let local = zone.local(at);
        if !self.contains(local.time()) {
            return at;
        }
        let mut date = local.date_naive();
        if self.start > self.end && local.time() >= self.start {
            date = date.succ_opt().unwrap_or(date);
        }
        let end = resolve_local(zone, date.and_time(self.end));
        if end >= deadline || end <= at {
            at
        } else {
            end
        }
    }
}

/// A local wall-clock time as an instant: the earlier of two in a fold, the first instant after a
/// gap (02:30 on the spring-forward night becomes 03:00 local).
pub fn resolve_local(zone: Zone, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    use chrono::TimeZone;
    let mut probe = local;
    for _ in 0..=4 * 4 {
        if let Some(t) = zone.tz().from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        // In a gap: move to the next quarter hour until the clock exists again.
        let minute = probe.minute();
        probe = probe - Duration::minutes(i64::from(minute % 15)) + Duration::minutes(15);
    }
    local.and_utc()
}

impl FromStr for QuietHours {
    type Err = BadQuietHours;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        QuietHours::parse(s)
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start.hour(),
            self.start.minute(),
            self.end.hour(),
            self.end.minute()
        )
    }
}

impl fmt::Debug for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QuietHours({self})")
    }
}

/// Text in several languages; read with English, then any language, as fallback.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts(BTreeMap<Locale, String>);

impl Texts {
    pub fn new() -> Texts {
        Texts::default()
    }

    pub fn one(locale: Locale, text: impl Into<String>) -> Texts {
        let mut t = Texts::new();
        t.set(locale, text);
        t
    }

    pub fn set(&mut self, locale: Locale, text: impl Into<String>) {
        self.0.insert(locale, text.into());
    }

    pub fn get(&self, locale: Locale) -> Option<&str> {
        self.0
            .get(&locale)
            .or_else(|| self.0.get(&Locale::ENGLISH))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
    }

    /// Only the text written in this very language.
    pub fn exact(&self, locale: Locale) -> Option<&str> {
        self.0.get(&locale).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Locale, &str)> {
        self.0.iter().map(|(l, t)| (*l, t.as_str()))
    }
}

/// What an import supplies for one call; the store assigns version and history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallDraft {
    /// The id chosen by the file, if any (TOML `id`, iCalendar `X-ECABOT-ID`); else derived
    /// from the UID.
    pub id: Option<CallId>,
    /// The identity across re-imports: the iCalendar UID, or the TOML id.
    pub uid: String,
    pub kind: CallKind,
    pub title: Texts,
    pub description: Texts,
    /// The application deadline of a call; the start of an event.
    pub deadline: DateTime<Utc>,
    /// The zone the organiser stated the time in, for showing it back.
    pub zone: Zone,
    pub starts: Option<DateTime<Utc>>,
    pub ends: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub topic: Option<TopicId>,
    /// Free categories from the source, kept for export.
    pub categories: Vec<String>,
    /// The line the record starts on in its source file, for messages.
    pub line: usize,
}

/// A call as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: CallId,
    pub uid: String,
    pub kind: CallKind,
    pub title: Texts,
    pub description: Texts,
    pub deadline: DateTime<Utc>,
    pub zone: Zone,
    pub starts: Option<DateTime<Utc>>,
    pub ends: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub topic: Option<TopicId>,
    pub categories: Vec<String>,
    /// Goes up by one each time the deadline moves; reminders of older versions are void.
    pub version: u32,
    /// When the deadline last moved (or the call first appeared).
    pub changed_at: DateTime<Utc>,
    /// The deadline before its last move, for the "deadline changed" notice.
    pub previous_deadline: Option<DateTime<Utc>>,
}

impl Call {
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.deadline > now
    }

    pub fn title(&self, locale: Locale) -> &str {
        self.title.get(locale).unwrap_or(self.id.as_str())
    }
}

/// What a chat subscribes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// Every call and event, present and future.
    All,
    Call(CallId),
    /// Every call related to a topic, e.g. `academy`.
    Topic(TopicId),
}

impl Target {
    pub fn covers(&self, call: &Call) -> bool {
        match self {
            Target::All => true,
            Target::Call(id) => *id == call.id,
            Target::Topic(t) => call.topic == Some(*t),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::All => f.write_str("all"),
            Target::Call(id) => write!(f, "call:{id}"),
            Target::Topic(t) => write!(f, "topic:{t}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a subscription target (all, call:<id> or topic:<id>)")]
pub struct BadTarget(pub String);

impl FromStr for Target {
    type Err = BadTarget;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadTarget(s.chars().take(80).collect());
        match s.split_once(':') {
            None if s == "all" => Ok(Target::All),
            Some(("call", id)) => CallId::parse(id).map(Target::Call).map_err(|_| bad()),
            Some(("topic", t)) => t.parse().map(Target::Topic).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

/// One subscription of a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub target: Target,
    pub since: DateTime<Utc>,
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: Vec<CallId>,
    pub updated: Vec<CallId>,
    /// Calls whose deadline moved: their version went up and subscribers will hear of it.
    pub moved: Vec<CallId>,
    pub unchanged: Vec<CallId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn call_ids() {
        assert!(CallId::parse("cluster-booster-academy-2024").is_ok());
        for bad in ["", "-a", "a-", "A", "a b", &"x".repeat(41)] {
            assert!(CallId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            CallId::from_uid("cba-2024@clustercollaboration.eu").as_str(),
            "cba-2024"
        );
        let odd = CallId::from_uid("Event #42 (Palma)@x");
        assert!(CallId::parse(odd.as_str()).is_ok(), "{odd:?}");
        assert_ne!(odd, CallId::from_uid("Event #42 (Palma!)@x"));
        let long = CallId::from_uid(&"a".repeat(200));
        assert!(long.as_str().len() <= MAX_CALL_ID);
        assert!(CallId::parse(CallId::from_uid("@@@").as_str()).is_ok());
        let clash = CallId::parse("cba").unwrap().disambiguated("u2");
        assert!(CallId::parse(clash.as_str()).is_ok());
    }

    #[test]
    fn zones() {
        assert_eq!(
            Zone::parse("europe/helsinki").unwrap().name(),
            "Europe/Helsinki"
        );
        assert_eq!(
            Zone::parse("America/New_York").unwrap().name(),
            "America/New_York"
        );
        let err = Zone::parse("Helsinki").unwrap_err();
        assert_eq!(err.suggestions.first(), Some(&"Europe/Helsinki"));
        let err = Zone::parse("Europe/Helsinky").unwrap_err();
        assert!(err.suggestions.contains(&"Europe/Helsinki"), "{err:?}");
        assert!(Zone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn lead_times() {
        let l = LeadTimes::parse("2h 3d").unwrap();
        assert_eq!(l.to_string(), "3d 2h");
        assert_eq!(LeadTime::parse("1d12h").unwrap().minutes(), 36 * 60);
        assert_eq!(LeadTime::parse("1w").unwrap().minutes(), 7 * 1440);
        assert_eq!(LeadTimes::parse("1h,1h").unwrap().as_slice().len(), 1);
        assert!(matches!(LeadTime::parse("1m"), Err(BadLeadTime::Range(_))));
        assert!(matches!(LeadTime::parse("61d"), Err(BadLeadTime::Range(_))));
        assert!(matches!(LeadTime::parse("3x"), Err(BadLeadTime::Shape(_))));
        assert!(matches!(LeadTime::parse("12"), Err(BadLeadTime::Shape(_))));
        assert!(matches!(
            LeadTime::parse("99999999999d"),
            Err(BadLeadTime::Shape(_))
        ));
        assert!(matches!(
            LeadTimes::parse("1h 2h 3h 4h 5h 6h"),
            Err(BadLeadTime::TooMany { .. })
        ));
        assert_eq!(LeadTimes::parse(""), Err(BadLeadTime::Empty));
        assert_eq!(LeadTimes::standard().to_string(), "7d 1d 1h");
    }

    #[test]
    fn quiet_hours_wrap_midnight_and_yield_to_deadlines() {
        let q = QuietHours::parse("22:00-07:00").unwrap();
        assert_eq!(q.to_string(), "22:00-07:00");
        assert_eq!(QuietHours::parse("22-7").unwrap(), q);
        assert!(q.contains(NaiveTime::from_hms_opt(23, 0, 0).unwrap()));
        assert!(q.contains(NaiveTime::from_hms_opt(6, 59, 0).unwrap()));
        assert!(!q.contains(NaiveTime::from_hms_opt(7, 0, 0).unwrap()));
        assert!(QuietHours::parse("7-7").is_err());
        assert!(QuietHours::parse("25:00-07:00").is_err());
        let zone = Zone::parse("Europe/Helsinki").unwrap();
        // 23:30 Helsinki (UTC+2 in winter) waits until 07:00 local.
        let at = Utc.with_ymd_and_hms(2026, 1, 10, 21, 30, 0).unwrap();
        let far = at + Duration::days(3);
        assert_eq!(
            q.release(zone, at, far),
            Utc.with_ymd_and_hms(2026, 1, 11, 5, 0, 0).unwrap()
        );
        // Unless the deadline comes first.
        let soon = at + Duration::hours(2);
        assert_eq!(q.release(zone, at, soon), at);
    }
}
