//! iCalendar (RFC 5545) import and export of calls and events.
//!
//! [`parse()`] turns an `.ics` file into [`CallDraft`]s, [`write()`] turns stored [`Call`]s into an
//! `.ics` feed that calendar apps subscribe to, and `parse(write(calls))` gives the calls back.
//!
//! # Import contract
//!
//! An import is all or nothing: the first problem is returned as an [`IcsError`] with the 1-based
//! physical line where it starts, and no draft is returned. The syntax of the whole file is
//! checked first, in line order; then each `VEVENT`, in file order.
//!
//! **Lines.** CRLF and LF line ends are both accepted, and a UTF-8 byte order mark at the start
//! is ignored. Empty lines are skipped. A line starting with a space or a tab continues the
//! previous one: the line break and that one whitespace character are removed. Unfolding works
//! on bytes, before UTF-8 decoding, so a fold may split a multi-byte character. The file must be
//! UTF-8; a bad byte is reported on its physical line.
//!
//! **Content lines** read `NAME *(;PARAM=VALUE[,VALUE]) : value`. Names are case-insensitive.
//! A parameter value may be double-quoted, and may then contain `;`, `:` and `,`. Text values
//! unescape `\\`, `\;`, `\,`, `\n` and `\N`; other backslashes are kept as they are.
//!
//! **Structure.** The file holds one or more `BEGIN:VCALENDAR` … `END:VCALENDAR` blocks with
//! nothing outside them. `BEGIN`/`END` must nest and match. Each `VEVENT` directly inside a
//! `VCALENDAR` becomes a draft. Other components (`VTODO`, `VJOURNAL`, `VFREEBUSY`, …) and the
//! `VALARM`s inside events are skipped. Unknown properties, and `X-` properties other than those
//! below, are ignored.
//!
//! **Skipped events.** A `VEVENT` with `STATUS:CANCELLED` is checked but not imported.
//! Recurrence is not expanded: a recurring event counts once, at its `DTSTART`, and a `VEVENT`
//! with `RECURRENCE-ID` (a changed occurrence) is skipped when the same file holds its series.
//! Without its series, the first occurrence with that `UID` is imported.
//!
//! **Per `VEVENT`:**
//!
//! - `UID` is required (at most 1000 bytes). A UID that appears twice in the file is an error.
//! - `SUMMARY` is required. Several `SUMMARY` lines with different `LANGUAGE` parameters give
//!   translations (`LANGUAGE=fi-FI` counts as `fi`). Without `LANGUAGE` the text is English. RFC
//!   5545 allows `SUMMARY` only once, so `X-ECABOT-SUMMARY;LANGUAGE=xx` is read as a translation
//!   too. `DESCRIPTION` and `X-ECABOT-DESCRIPTION` work the same way and are optional. Two texts
//!   in the same language, or a `LANGUAGE` that is not a language tag, are errors.
//! - Texts are trimmed and control characters are removed (a description keeps its line
//!   breaks). Texts that are too long are cut with an ellipsis and no error: a title or location
//!   at 200 characters, a description at 2000. A text that is empty after cleaning counts as
//!   absent.
//! - `DTSTART` is required. It may be in UTC (`20271017T215900Z`), have a zone
//!   (`DTSTART;TZID=Europe/Brussels:20271017T235900`), be floating (`20271017T235900`), or be a
//!   date (`DTSTART;VALUE=DATE:20271017`, or just 8 digits). Seconds are optional. A floating time
//!   or a date is read in the event's `X-ECABOT-ZONE`, else the calendar's `X-WR-TIMEZONE` when it
//!   is an IANA name, else Europe/Brussels ([`Zone::DEFAULT`]). A local time that does not exist
//!   or happens twice at a daylight-saving change is resolved with [`resolve_local`].
//! - `DTEND` (optional) takes the same forms and must not be before `DTSTART`. Without
//!   `DTEND`, a positive `DURATION` (`P1D`, `PT1H30M`, `P2W`) gives the end.
//! - A `TZID` is resolved in this order: an IANA name; a globally unique id starting with `/`
//!   (`/mozilla.org/20050126_1/Europe/Berlin`) by its longest suffix that is an IANA name; the
//!   file's `VTIMEZONE` with that `TZID`, by its `X-LIC-LOCATION` when that is an IANA name, else
//!   by the `TZID` as a Windows zone name (`W. Europe Standard Time` is `Europe/Berlin`), else,
//!   when it has `STANDARD` rules only (no `DAYLIGHT`) with one whole-hour `TZOFFSETTO`, as the
//!   matching `Etc/GMT±h` zone. Any other `TZID` is an error on the line that uses it.
//! - Kind: `X-ECABOT-KIND:call|event` when present. Otherwise the event is a call when one of its
//!   categories contains the word `call`, `deadline` or `application` (or their plurals, any
//!   case), and an event otherwise.
//! - Times: a call's deadline is its `DTSTART` instant. A call's date-only deadline means 23:59
//!   local time on that day. A call has no start, and has an end only when `DTEND` or `DURATION`
//!   gives one. An event's deadline and start are both its `DTSTART` (a date means 00:00 local
//!   time), and its end comes from `DTEND` or `DURATION`. A date-only `DTEND` is exclusive, as RFC
//!   5545 says: `DTEND;VALUE=DATE:20271012` ends the event at 00:00 local time on 12 October. No
//!   end is assumed when neither is given.
//! - `X-ECABOT-DEADLINE`, `X-ECABOT-START` and `X-ECABOT-END` replace the deadline, start and end
//!   computed above. An empty value means "none", which `X-ECABOT-DEADLINE` does not allow. The
//!   exporter writes them only where the standard properties cannot say what is stored.
//! - Zone shown to users: `X-ECABOT-ZONE` (which must be an IANA name), else the zone of
//!   `DTSTART`'s `TZID`, else the default zone above. A UTC time uses the default zone.
//! - `URL` must be `http://` or `https://` (any case). It must have no spaces and be at most
//!   2000 bytes. `LOCATION` is text.
//! - `CATEGORIES` may be given on several lines, with values separated by commas. The values are
//!   trimmed, and empty ones and repeats (ignoring case) are dropped. At most 50 are kept, each
//!   cut at 100 characters.
//! - Topic: `X-ECABOT-TOPIC` must be a topic id (an empty value means none). Otherwise the first
//!   category that is a topic id (`academy`, `events`, …) is the topic.
//! - `X-ECABOT-ID` must be a valid [`CallId`]. Without it, the store derives the id from the
//!   UID.
//! - Each property above may appear only once in a `VEVENT`, except the `SUMMARY` and
//!   `DESCRIPTION` texts (once per language) and `CATEGORIES`.
//! - The draft's `line` is the line of its `BEGIN:VEVENT`.
//!
//! **Limits.** A file may have at most 5,000,000 bytes and 10,000 `VEVENT`s. An unfolded line
//! may have at most 100,000 bytes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::model::call::Call;
use crate::model::call::CallDraft;
use crate::model::call::CallId;
use crate::model::call::CallKind;
use crate::model::call::LeadTime;
use crate::model::call::Texts;
use crate::model::call::Zone;
use crate::model::call::resolve_local;
use crate::model::locale::Locale;
use crate::model::topic::TopicId;

/// Largest file accepted, in bytes.
pub const MAX_BYTES: usize = 5_000_000;
/// Most `VEVENT`s in one file.
pub const MAX_EVENTS: usize = 10_000;
/// Longest unfolded content line, in bytes.
pub const MAX_LINE_BYTES: usize = 100_000;

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 2000;
const MAX_LOCATION: usize = 200;
const MAX_UID_BYTES: usize = 1000;
const MAX_URL_BYTES: usize = 2000;
const MAX_CATEGORIES: usize = 50;
const MAX_CATEGORY: usize = 100;
/// Longest quoted value in an error message, in characters.
const QUOTE: usize = 80;

const PRODID: &str = "-//European Clusters Alliance//ecabot//EN";
/// RFC 5545 folds lines longer than 75 octets (not counting the CRLF).
const FOLD_AT: usize = 75;

/// An iCalendar file that cannot be imported; `line` is 1-based, the physical line where the problem starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct IcsError {
    pub line: usize,
    pub problem: IcsProblem,
}

/// What is wrong with an iCalendar file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsProblem {
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("more than {max} VEVENTs")]
    TooManyEvents { max: usize },
    #[error("content line longer than {max} bytes")]
    LineTooLong { max: usize },
    #[error("not UTF-8")]
    NotUtf8,
    #[error("continuation line (starting with a space or tab) with no line before it")]
    StrayContinuation,
    #[error("content line without ':'")]
    NoColon,
    #[error("{name:?} is not a property name (letters, digits and '-')")]
    BadName { name: String },
    #[error("parameter {param:?} {why}")]
    BadParameter { param: String, why: &'static str },
    #[error("{keyword} without a component name")]
    NoComponentName { keyword: &'static str },
    #[error("END:{name} without BEGIN:{name}")]
    EndWithoutBegin { name: String },
    #[error("END:{end} while {open} (begun at line {open_line}) is still open")]
    MismatchedEnd {
        end: String,
        open: String,
        open_line: usize,
    },
    #[error("BEGIN:{name} is never closed")]
    Unclosed { name: String },
    #[error("{what} outside BEGIN:VCALENDAR … END:VCALENDAR")]
    OutsideCalendar { what: String },
    #[error("no VCALENDAR")]
    NoCalendar,
    #[error("VEVENT has no UID")]
    MissingUid,
    #[error("UID is longer than {max} bytes")]
    UidTooLong { max: usize },
    #[error("UID {uid:?} appears twice (first at line {first_line})")]
    DuplicateUid { uid: String, first_line: usize },
    #[error("VEVENT has no SUMMARY")]
    MissingSummary,
    #[error("VEVENT has no DTSTART")]
    MissingStart,
    #[error("{property} appears twice in one VEVENT (first at line {first_line})")]
    Repeated { property: String, first_line: usize },
    #[error("a second {property} in language {language} (first at line {first_line})")]
    DuplicateTranslation {
        property: String,
        language: String,
        first_line: usize,
    },
    #[error("LANGUAGE={tag:?} is not a language tag")]
    BadLanguage { tag: String },
    #[error("{property} {value} is not a date-time")]
    BadDateTime { property: String, value: String },
    #[error("{property} {value} is not a date")]
    BadDate { property: String, value: String },
    #[error("{property} has VALUE={value_type}; only DATE and DATE-TIME are supported")]
    UnsupportedValueType {
        property: String,
        value_type: String,
    },
    #[error("DURATION {value} is not a duration like PT1H30M or P2D")]
    BadDuration { value: String },
    #[error("unknown time zone {tzid:?} (no IANA name and no VTIMEZONE defines it)")]
    UnknownTimeZone { tzid: String },
    #[error(
        "unknown time zone {tzid:?} (no IANA name, and its VTIMEZONE has no IANA X-LIC-LOCATION, \
         no known Windows name and no single whole-hour offset)"
    )]
    UnusableTimeZone { tzid: String },
    #[error("X-ECABOT-ZONE {value:?} is not an IANA time zone")]
    BadZone { value: String },
    #[error("DTEND before DTSTART")]
    EndBeforeStart,
    #[error("URL {url:?} is not http(s)")]
    BadUrl { url: String },
    #[error("URL is longer than {max} bytes")]
    UrlTooLong { max: usize },
    #[error("X-ECABOT-KIND {value:?} is not call or event")]
    BadKind { value: String },
    #[error("X-ECABOT-TOPIC {value:?} is not a topic id")]
    BadTopic { value: String },
    #[error("X-ECABOT-ID {value:?} is not a call id (1 to 40 of a-z, 0-9 and '-')")]
    BadId { value: String },
}

fn err(line: usize, problem: IcsProblem) -> IcsError {
    IcsError { line, problem }
}

fn quoted(s: &str) -> String {
    crate::model::text::truncate(s, QUOTE + 1).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Lines

/// One unfolded content line, still as bytes.
struct RawLine {
    /// Physical line where it starts.
    line: usize,
    bytes: Vec<u8>,
    /// Where each continuation starts: (byte offset in `bytes`, physical line).
    folds: Vec<(usize, usize)>,
    /// A continuation with nothing before it.
    stray: bool,
}

impl RawLine {
    fn line_at(&self, offset: usize) -> usize {
        self.folds
            .iter()
            .rev()
            .find(|(at, _)| *at <= offset)
            .map_or(self.line, |(_, line)| *line)
    }
}

/// Splits at LF (dropping a CR before it) and joins continuation lines, at the byte level.
fn unfold(bytes: &[u8]) -> Vec<RawLine> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out: Vec<RawLine> = Vec::new();
    for (i, physical) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = i + 1;
        let physical = physical.strip_suffix(b"\r").unwrap_or(physical);
        match physical.split_first() {
            None => {}
            Some((b' ' | b'\t', rest)) => match out.last_mut() {
                Some(last) if !last.stray => {
                    last.folds.push((last.bytes.len(), line));
                    last.bytes.extend_from_slice(rest);
                }
                _ => out.push(RawLine {
                    line,
                    bytes: rest.to_vec(),
                    folds: Vec::new(),
                    stray: true,
                }),
            },
            Some(_) => out.push(RawLine {
                line,
                bytes: physical.to_vec(),
                folds: Vec::new(),
                stray: false,
            }),
        }
    }
    out
}

/// A parsed content line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prop {
    /// Upper case.
    name: String,
    /// Names in upper case, values as written (unquoted).
    params: Vec<(String, Vec<String>)>,
    value: String,
    line: usize,
}

impl Prop {
    /// The first value of a parameter.
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `NAME *(;PARAM=VALUE[,VALUE]) : value`.
fn parse_content_line(text: &str, line: usize) -> Result<Prop, IcsProblem> {
    let name_end = text.find([';', ':']).ok_or(IcsProblem::NoColon)?;
    let (name, mut rest) = text.split_at(name_end);
    if !is_name(name) {
        return Err(IcsProblem::BadName { name: quoted(name) });
    }
    let mut params = Vec::new();
    let value = loop {
        if let Some(value) = rest.strip_prefix(':') {
            break value;
        }
        // `rest` starts with ';' here.
        let after = rest.get(1..).unwrap_or_default();
        let end = after.find(['=', ';', ':']).ok_or(IcsProblem::NoColon)?;
        let (param, tail) = after.split_at(end);
        let bad = |why| IcsProblem::BadParameter {
            param: quoted(param),
            why,
        };
        if !is_name(param) {
            return Err(bad("is not a parameter name"));
        }
        let Some(mut tail) = tail.strip_prefix('=') else {
            return Err(bad("has no '=value'"));
        };
        let mut values = Vec::new();
        loop {
            if let Some(inner) = tail.strip_prefix('"') {
                let close = inner
                    .find('"')
                    .ok_or_else(|| bad("has an unclosed quote"))?;
                let (v, after_quote) = inner.split_at(close);
                values.push(v.to_owned());
                tail = after_quote.get(1..).unwrap_or_default();
                if !tail.starts_with([',', ';', ':']) {
                    return Err(if tail.is_empty() {
                        IcsProblem::NoColon
                    } else {
                        bad("has text after its closing quote")
                    });
                }
            } else {
                let end = tail.find([',', ';', ':']).ok_or(IcsProblem::NoColon)?;
                let (v, after_value) = tail.split_at(end);
                values.push(v.to_owned());
                tail = after_value;
            }
            match tail.strip_prefix(',') {
                Some(more) => tail = more,
                None => break,
            }
        }
        params.push((param.to_ascii_uppercase(), values));
        rest = tail;
    };
    Ok(Prop {
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_owned(),
        line,
    })
}

/// Undoes TEXT escaping: `\\`, `\;`, `\,`, `\n`, `\N`. Other backslashes stay.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(e @ ('\\' | ';' | ',')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a TEXT list at unescaped commas and unescapes each item.
fn split_text_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push('\\');
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' => items.push(unescape(&std::mem::take(&mut current))),
            _ => current.push(c),
        }
    }
    items.push(unescape(&current));
    items
}

// ---------------------------------------------------------------------------------------------
// Components

#[derive(Debug)]
struct Component {
    /// Upper case.
    name: String,
    line: usize,
    props: Vec<Prop>,
    /// Indexes into the arena.
    children: Vec<usize>,
}

impl Component {
    fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }
}

/// Components in a flat arena (no recursion, whatever the nesting), and the top-level
/// `VCALENDAR`s.
struct Tree {
    arena: Vec<Component>,
    calendars: Vec<usize>,
}

impl Tree {
    fn children<'a>(
        &'a self,
        of: &'a Component,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Component> {
        of.children
            .iter()
            .filter_map(|i| self.arena.get(*i))
            .filter(move |c| c.name == name)
    }
}

fn build_tree(bytes: &[u8]) -> Result<Tree, IcsError> {
    let mut tree = Tree {
        arena: Vec::new(),
        calendars: Vec::new(),
    };
    let mut open: Vec<usize> = Vec::new();
    let mut events = 0usize;
    for raw in unfold(bytes) {
        let line = raw.line;
        if raw.stray {
            return Err(err(line, IcsProblem::StrayContinuation));
        }
        if raw.bytes.len() > MAX_LINE_BYTES {
            return Err(err(
                line,
                IcsProblem::LineTooLong {
                    max: MAX_LINE_BYTES,
                },
            ));
        }
        let text = match std::str::from_utf8(&raw.bytes) {
            Ok(text) => text,
            Err(e) => return Err(err(raw.line_at(e.valid_up_to()), IcsProblem::NotUtf8)),
        };
        let prop = parse_content_line(text, line).map_err(|p| err(line, p))?;
        match prop.name.as_str() {
            "BEGIN" => {
                let name = prop.value.trim().to_ascii_uppercase();
                if name.is_empty() {
                    return Err(err(line, IcsProblem::NoComponentName { keyword: "BEGIN" }));
                }
                if open.is_empty() && name != "VCALENDAR" {
                    return Err(err(
                        line,
                        IcsProblem::OutsideCalendar {
                            what: format!("BEGIN:{}", quoted(&name)),
                        },
                    ));
                }
                if name == "VEVENT" {
                    events += 1;
                    if events > MAX_EVENTS {
                        return Err(err(line, IcsProblem::TooManyEvents { max: MAX_EVENTS }));
                    }
                }
                let index = tree.arena.len();
                tree.arena.push(Component {
                    name,
                    line,
                    props: Vec::new(),
                    children: Vec::new(),
                });
                match open.last().and_then(|p| tree.arena.get_mut(*p)) {
                    Some(parent) => parent.children.push(index),
                    None => tree.calendars.push(index),
                }
                open.push(index);
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                if name.is_empty() {
                    return Err(err(line, IcsProblem::NoComponentName { keyword: "END" }));
                }
                let top = open.last().and_then(|i| tree.arena.get(*i));
                match top {
                    Some(top) if top.name == name => {
                        open.pop();
                    }
                    Some(top)
                        if open
                            .iter()
                            .any(|i| tree.arena.get(*i).is_some_and(|c| c.name == name)) =>
                    {
                        return Err(err(
                            line,
                            IcsProblem::MismatchedEnd {
                                end: name,
                                open: top.name.clone(),
                                open_line: top.line,
                            },
                        ));
                    }
                    _ => {
                        return Err(err(
                            line,
                            IcsProblem::EndWithoutBegin {
                                name: quoted(&name),
                            },
                        ));
                    }
                }
            }
            _ => match open.last().and_then(|i| tree.arena.get_mut(*i)) {
                Some(component) => component.props.push(prop),
                None => {
                    return Err(err(
                        line,
                        IcsProblem::OutsideCalendar {
                            what: quoted(&prop.name),
                        },
                    ));
                }
            },
        }
    }
    if let Some(component) = open.last().and_then(|i| tree.arena.get(*i)) {
        return Err(err(
            component.line,
            IcsProblem::Unclosed {
                name: component.name.clone(),
            },
        ));
    }
    if tree.calendars.is_empty() {
        return Err(err(1, IcsProblem::NoCalendar));
    }
    Ok(tree)
}

// ---------------------------------------------------------------------------------------------
// Time zones

/// An IANA zone by exact name, ignoring case (no suggestions computed on failure).
fn iana(name: &str) -> Option<Zone> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    let tz = match name.parse::<chrono_tz::Tz>() {
        Ok(tz) => tz,
        Err(_) => *chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))?,
    };
    Zone::parse(tz.name()).ok()
}

/// Common Windows zone names (as Outlook and Exchange write them) and their IANA zone, from
/// CLDR's `windowsZones.xml` (territory 001).
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("FLE Standard Time", "Europe/Helsinki"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("India Standard Time", "Asia/Kolkata"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("Eastern Standard Time", "America/New_York"),
    ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Canada Central Standard Time", "America/Regina"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("UTC", "Etc/UTC"),
    ("Coordinated Universal Time", "Etc/UTC"),
];

/// `+0100`, `-0500`, `+013000` → seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let (sign, digits) = match s.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits.get(0..2)?.parse().ok()?;
    let m: i32 = digits.get(2..4)?.parse().ok()?;
    let sec: i32 = digits
        .get(4..)
        .filter(|s| !s.is_empty())
        .map_or(Some(0), |s| s.parse().ok())?;
    if m > 59 || sec > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// A `VTIMEZONE` that only has standard time at one whole-hour offset, as `Etc/GMT∓h`.
fn fixed_offset_zone(tree: &Tree, vtimezone: &Component) -> Option<Zone> {
    if tree.children(vtimezone, "DAYLIGHT").next().is_some() {
        return None;
    }
    let mut offsets = tree
        .children(vtimezone, "STANDARD")
        .map(|s| s.prop("TZOFFSETTO").and_then(|p| parse_offset(&p.value)));
    let first = offsets.next()??;
    if offsets.any(|o| o != Some(first)) || first % 3600 != 0 {
        return None;
    }
    let hours = first / 3600;
    // Etc zones have the POSIX sign: Etc/GMT-2 is two hours east of Greenwich.
    let name = match hours {
        0 => "Etc/GMT".to_owned(),
        h if h > 0 => format!("Etc/GMT-{h}"),
        h => format!("Etc/GMT+{}", -h),
    };
    iana(&name)
}

/// Resolves TZIDs of one calendar, remembering each answer.
struct Zones<'a> {
    tree: &'a Tree,
    vtimezones: HashMap<&'a str, &'a Component>,
    cache: HashMap<String, Result<Zone, IcsProblem>>,
}

impl<'a> Zones<'a> {
    fn new(tree: &'a Tree, calendar: &'a Component) -> Zones<'a> {
        let mut vtimezones = HashMap::new();
        for vtimezone in tree.children(calendar, "VTIMEZONE") {
            if let Some(tzid) = vtimezone.prop("TZID") {
                vtimezones.entry(tzid.value.trim()).or_insert(vtimezone);
            }
        }
        Zones {
            tree,
            vtimezones,
            cache: HashMap::new(),
        }
    }

    fn resolve(&mut self, tzid: &str) -> Result<Zone, IcsProblem> {
        let tzid = tzid.trim();
        if let Some(known) = self.cache.get(tzid) {
            return known.clone();
        }
        let answer = self.lookup(tzid);
        self.cache.insert(tzid.to_owned(), answer.clone());
        answer
    }

    fn lookup(&self, tzid: &str) -> Result<Zone, IcsProblem> {
        if let Some(zone) = iana(tzid) {
            return Ok(zone);
        }
        if tzid.starts_with('/') {
            let suffix = tzid
                .match_indices('/')
                .filter_map(|(at, _)| tzid.get(at + 1..))
                .find_map(iana);
            if let Some(zone) = suffix {
                return Ok(zone);
            }
        }
        let Some(vtimezone) = self.vtimezones.get(tzid) else {
            return Err(IcsProblem::UnknownTimeZone { tzid: quoted(tzid) });
        };
        if let Some(zone) = vtimezone
            .prop("X-LIC-LOCATION")
            .and_then(|p| iana(&p.value))
        {
            return Ok(zone);
        }
        if let Some(zone) = WINDOWS_ZONES
            .iter()
            .find(|(windows, _)| windows.eq_ignore_ascii_case(tzid))
            .and_then(|(_, name)| iana(name))
        {
            return Ok(zone);
        }
        fixed_offset_zone(self.tree, vtimezone)
            .ok_or_else(|| IcsProblem::UnusableTimeZone { tzid: quoted(tzid) })
    }
}

// ---------------------------------------------------------------------------------------------
// Dates and times

/// A DTSTART/DTEND-like value as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Utc(NaiveDateTime),
    Local(NaiveDateTime),
    Date(NaiveDate),
}

/// A date or date-time value with the zone its TZID names, if any.
#[derive(Debug, Clone, Copy)]
struct When {
    form: Form,
    tz: Option<Zone>,
}

impl When {
    /// The instant, reading local times in the TZID zone or else `fallback`; a date is taken at
    /// `time_of_day`.
    fn instant(&self, fallback: Zone, time_of_day: NaiveTime) -> DateTime<Utc> {
        let zone = self.tz.unwrap_or(fallback);
        match self.form {
            Form::Utc(t) => t.and_utc(),
            Form::Local(t) => resolve_local(zone, t),
            Form::Date(d) => resolve_local(zone, d.and_time(time_of_day)),
        }
    }
}

fn digits(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 {
        return None;
    }
    let year = i32::try_from(digits(s, 0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(s, 4..6)?, digits(s, 6..8)?)
}

/// `YYYYMMDDTHHMM[SS][Z]` → (local or UTC date-time, whether it ends in Z).
fn parse_date_time(s: &str) -> Option<(NaiveDateTime, bool)> {
    let (s, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (s, false),
    };
    let (date, time) = s.split_at_checked(8)?;
    let time = time.strip_prefix(['T', 't'])?;
    if !(time.len() == 4 || time.len() == 6) {
        return None;
    }
    let date = parse_date(date)?;
    let hour = digits(time, 0..2)?;
    let minute = digits(time, 2..4)?;
    let second = if time.len() == 6 {
        digits(time, 4..6)?
    } else {
        0
    };
    // A leap second (60) is read as :59.
    let second = if second == 60 { 59 } else { second };
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    Some((date.and_time(time), utc))
}

fn parse_when(prop: &Prop, zones: &mut Zones<'_>) -> Result<When, IcsError> {
    let line = prop.line;
    let value = prop.value.trim();
    let value_type = prop.param("VALUE").map(|v| v.trim().to_ascii_uppercase());
    let date_only = match value_type.as_deref() {
        Some("DATE") => true,
        Some("DATE-TIME") => false,
        Some(other) => {
            return Err(err(
                line,
                IcsProblem::UnsupportedValueType {
                    property: prop.name.clone(),
                    value_type: quoted(other),
                },
            ));
        }
        // Many producers leave out VALUE=DATE.
        None => value.len() == 8,
    };
    let form = if date_only {
        let date = parse_date(value).ok_or_else(|| {
            err(
                line,
                IcsProblem::BadDate {
                    property: prop.name.clone(),
                    value: quoted(value),
                },
            )
        })?;
        Form::Date(date)
    } else {
        match parse_date_time(value) {
            Some((t, true)) => Form::Utc(t),
            Some((t, false)) => Form::Local(t),
            None => {
                return Err(err(
                    line,
                    IcsProblem::BadDateTime {
                        property: prop.name.clone(),
                        value: quoted(value),
                    },
                ));
            }
        }
    };
    let tz = match prop.param("TZID") {
        Some(tzid) => Some(zones.resolve(tzid).map_err(|p| err(line, p))?),
        None => None,
    };
    Ok(When { form, tz })
}

/// An RFC 5545 duration: days and weeks (nominal, added on the local calendar) and an exact
/// number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    negative: bool,
    days: i64,
    seconds: i64,
}

fn parse_duration(s: &str) -> Option<Span> {
    let s = s.trim().to_ascii_uppercase();
    let (negative, s) = match s.split_at_checked(1)? {
        ("-", rest) => (true, rest),
        ("+", rest) => (false, rest),
        _ => (false, s.as_str()),
    };
    let s = s.strip_prefix('P')?;
    let (mut days, mut seconds) = (0i64, 0i64);
    let (mut in_time, mut any, mut number) = (false, false, String::new());
    // A 'T' must be followed by at least one time part.
    let mut time_pending = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            if number.len() > 6 {
                return None;
            }
            continue;
        }
        if c == 'T' {
            if in_time || !number.is_empty() {
                return None;
            }
            in_time = true;
            time_pending = true;
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        match (in_time, c) {
            (false, 'W') => days += 7 * n,
            (false, 'D') => days += n,
            (true, 'H') => seconds += 3600 * n,
            (true, 'M') => seconds += 60 * n,
            (true, 'S') => seconds += n,
            _ => return None,
        }
        any = true;
        time_pending = false;
    }
    (any && number.is_empty() && !time_pending).then_some(Span {
        negative,
        days,
        seconds,
    })
}

/// `start` plus a duration: days on the local calendar of `zone`, then exact seconds.
fn add_span(
    start: &When,
    instant: DateTime<Utc>,
    span: Span,
    fallback: Zone,
) -> Option<DateTime<Utc>> {
    let sign = if span.negative { -1 } else { 1 };
    let days = Duration::try_days(sign * span.days)?;
    let seconds = Duration::try_seconds(sign * span.seconds)?;
    let zone = start.tz.unwrap_or(fallback);
    let base = match start.form {
        Form::Utc(_) => instant.checked_add_signed(days)?,
        Form::Local(t) => resolve_local(zone, t.checked_add_signed(days)?),
        Form::Date(d) => resolve_local(zone, d.and_time(NaiveTime::MIN).checked_add_signed(days)?),
    };
    base.checked_add_signed(seconds)
}

// ---------------------------------------------------------------------------------------------
// Texts

/// Trims, removes control characters, and cuts at `cap` characters with an ellipsis. A `block`
/// keeps its line breaks; a one-line text turns them into spaces.
fn clean(s: &str, cap: usize, block: bool) -> String {
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' if block => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let trimmed = out.trim();
    crate::model::text::truncate(trimmed, cap).into_owned()
}

fn is_call_word(category: &str) -> bool {
    category
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .any(|w| {
            matches!(
                w.as_str(),
                "call" | "calls" | "deadline" | "deadlines" | "application" | "applications"
            )
        })
}

fn check_url(prop: &Prop) -> Result<String, IcsError> {
    let url = prop.value.trim();
    if url.len() > MAX_URL_BYTES {
        return Err(err(
            prop.line,
            IcsProblem::UrlTooLong { max: MAX_URL_BYTES },
        ));
    }
    if crate::model::text::is_web_url(url) {
        Ok(url.to_owned())
    } else {
        Err(err(prop.line, IcsProblem::BadUrl { url: quoted(url) }))
    }
}

// ---------------------------------------------------------------------------------------------
// Events

/// Properties that may appear once per VEVENT.
const SINGLE: &[&str] = &[
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "URL",
    "LOCATION",
    "STATUS",
    "RECURRENCE-ID",
    "X-ECABOT-ID",
    "X-ECABOT-KIND",
    "X-ECABOT-TOPIC",
    "X-ECABOT-ZONE",
    "X-ECABOT-DEADLINE",
    "X-ECABOT-START",
    "X-ECABOT-END",
];

/// One VEVENT, read.
struct Event {
    draft: CallDraft,
    uid_line: usize,
    /// Has RECURRENCE-ID: one changed occurrence of a series.
    occurrence: bool,
    cancelled: bool,
}

fn add_text(
    texts: &mut Texts,
    seen: &mut HashMap<Locale, usize>,
    prop: &Prop,
    base: &str,
    cap: usize,
    block: bool,
) -> Result<(), IcsError> {
    let locale = match prop.param("LANGUAGE") {
        Some(tag) => Locale::parse(tag)
            .map_err(|_| err(prop.line, IcsProblem::BadLanguage { tag: quoted(tag) }))?,
        None => Locale::ENGLISH,
    };
    if let Some(first_line) = seen.insert(locale, prop.line) {
        return Err(err(
            prop.line,
            IcsProblem::DuplicateTranslation {
                property: base.to_owned(),
                language: locale.to_string(),
                first_line,
            },
        ));
    }
    let text = clean(&unescape(&prop.value), cap, block);
    if !text.is_empty() {
        texts.set(locale, text);
    }
    Ok(())
}

fn read_event(
    event: &Component,
    zones: &mut Zones<'_>,
    calendar_zone: Option<Zone>,
) -> Result<Event, IcsError> {
    let mut single: HashMap<&str, &Prop> = HashMap::new();
    let mut title = Texts::new();
    let mut description = Texts::new();
    let (mut title_seen, mut description_seen) = (HashMap::new(), HashMap::new());
    let mut categories: Vec<String> = Vec::new();
    let mut category_keys: HashSet<String> = HashSet::new();
    for prop in &event.props {
        let name = prop.name.as_str();
        if let Some(key) = SINGLE.iter().find(|s| **s == name) {
            if let Some(first) = single.insert(key, prop) {
                return Err(err(
                    prop.line,
                    IcsProblem::Repeated {
                        property: prop.name.clone(),
                        first_line: first.line,
                    },
                ));
            }
            continue;
        }
        match name {
            "SUMMARY" | "X-ECABOT-SUMMARY" => add_text(
                &mut title,
                &mut title_seen,
                prop,
                "SUMMARY",
                MAX_TITLE,
                false,
            )?,
            "DESCRIPTION" | "X-ECABOT-DESCRIPTION" => add_text(
                &mut description,
                &mut description_seen,
                prop,
                "DESCRIPTION",
                MAX_DESCRIPTION,
                true,
            )?,
            "CATEGORIES" => {
                for item in split_text_list(&prop.value) {
                    if categories.len() >= MAX_CATEGORIES {
                        break;
                    }
                    let item = clean(&item, MAX_CATEGORY, false);
                    if !item.is_empty() && category_keys.insert(item.to_lowercase()) {
                        categories.push(item);
                    }
                }
            }
            _ => {}
        }
    }
    let get = |name: &str| single.get(name).copied();

    let uid_prop = get("UID").ok_or_else(|| err(event.line, IcsProblem::MissingUid))?;
    let uid = unescape(uid_prop.value.trim());
    let uid = uid.trim();
    if uid.is_empty() {
        return Err(err(uid_prop.line, IcsProblem::MissingUid));
    }
    if uid.len() > MAX_UID_BYTES {
        return Err(err(
            uid_prop.line,
            IcsProblem::UidTooLong { max: MAX_UID_BYTES },
        ));
    }
    if title.is_empty() {
        return Err(err(event.line, IcsProblem::MissingSummary));
    }

    let ecabot_zone = match get("X-ECABOT-ZONE") {
        Some(p) => Some(iana(&p.value).ok_or_else(|| {
            err(
                p.line,
                IcsProblem::BadZone {
                    value: quoted(p.value.trim()),
                },
            )
        })?),
        None => None,
    };
    let default_zone = ecabot_zone.or(calendar_zone).unwrap_or(Zone::DEFAULT);

    let kind = match get("X-ECABOT-KIND") {
        Some(p) => p.value.parse::<CallKind>().map_err(|_| {
            err(
                p.line,
                IcsProblem::BadKind {
                    value: quoted(p.value.trim()),
                },
            )
        })?,
        None if categories.iter().any(|c| is_call_word(c)) => CallKind::Call,
        None => CallKind::Event,
    };

    let start_prop = get("DTSTART").ok_or_else(|| err(event.line, IcsProblem::MissingStart))?;
    let start = parse_when(start_prop, zones)?;
    let start_instant = start.instant(default_zone, NaiveTime::MIN);
    let end = match (get("DTEND"), get("DURATION")) {
        (Some(p), _) => {
            let end = parse_when(p, zones)?;
            Some((end.instant(default_zone, NaiveTime::MIN), p.line))
        }
        (None, Some(p)) => {
            let bad = || {
                err(
                    p.line,
                    IcsProblem::BadDuration {
                        value: quoted(p.value.trim()),
                    },
                )
            };
            let span = parse_duration(&p.value)
                .filter(|span| !span.negative)
                .ok_or_else(bad)?;
            let end = add_span(&start, start_instant, span, default_zone).ok_or_else(bad)?;
            Some((end, p.line))
        }
        (None, None) => None,
    };
    if let Some((end, line)) = end
        && end < start_instant
    {
        return Err(err(line, IcsProblem::EndBeforeStart));
    }
    let mut ends = end.map(|(end, _)| end);
    let last_minute = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN);
    let (mut deadline, mut starts) = match kind {
        CallKind::Call => (start.instant(default_zone, last_minute), None),
        CallKind::Event => (start_instant, Some(start_instant)),
    };

    // Overrides written by the exporter; an empty value means "none" (a deadline cannot be
    // empty: parse_when rejects it).
    if let Some(p) = get("X-ECABOT-DEADLINE") {
        deadline = parse_when(p, zones)?.instant(default_zone, last_minute);
    }
    let mut instant_of = |name: &str| -> Result<Option<Option<DateTime<Utc>>>, IcsError> {
        match get(name) {
            None => Ok(None),
            Some(p) if p.value.trim().is_empty() => Ok(Some(None)),
            Some(p) => Ok(Some(Some(
                parse_when(p, zones)?.instant(default_zone, NaiveTime::MIN),
            ))),
        }
    };
    if let Some(at) = instant_of("X-ECABOT-START")? {
        starts = at;
    }
    if let Some(at) = instant_of("X-ECABOT-END")? {
        ends = at;
    }

    let zone = ecabot_zone.or(start.tz).unwrap_or(default_zone);

    let location = get("LOCATION")
        .map(|p| clean(&unescape(&p.value), MAX_LOCATION, false))
        .filter(|l| !l.is_empty());
    let url = get("URL").map(check_url).transpose()?;

    let topic = match get("X-ECABOT-TOPIC") {
        Some(p) if p.value.trim().is_empty() => None,
        Some(p) => Some(p.value.parse::<TopicId>().map_err(|_| {
            err(
                p.line,
                IcsProblem::BadTopic {
                    value: quoted(p.value.trim()),
                },
            )
        })?),
        None => categories.iter().find_map(|c| c.parse::<TopicId>().ok()),
    };
    let id = match get("X-ECABOT-ID") {
        Some(p) => Some(CallId::parse(p.value.trim()).map_err(|_| {
            err(
                p.line,
                IcsProblem::BadId {
                    value: quoted(p.value.trim()),
                },
            )
        })?),
        None => None,
    };
    let cancelled = get("STATUS").is_some_and(|p| p.value.trim().eq_ignore_ascii_case("CANCELLED"));

    Ok(Event {
        draft: CallDraft {
            id,
            uid: uid.to_owned(),
            kind,
            title,
            description,
            deadline,
            zone,
            starts,
            ends,
            location,
            url,
            topic,
            categories,
            line: event.line,
        },
        uid_line: uid_prop.line,
        occurrence: get("RECURRENCE-ID").is_some(),
        cancelled,
    })
}

/// Parses an .ics file into call drafts. All or nothing: the first problem is returned.
///
/// See the [module documentation](self) for the rules.
pub fn parse(bytes: &[u8]) -> Result<Vec<CallDraft>, IcsError> {
    if bytes.len() > MAX_BYTES {
        return Err(err(1, IcsProblem::TooLarge { max: MAX_BYTES }));
    }
    let tree = build_tree(bytes)?;

    struct Seen {
        uid_line: usize,
        series: bool,
        slot: usize,
    }
    let mut slots: Vec<Option<CallDraft>> = Vec::new();
    let mut seen: HashMap<String, Seen> = HashMap::new();
    for calendar in tree.calendars.iter().filter_map(|i| tree.arena.get(*i)) {
        let calendar_zone = calendar.prop("X-WR-TIMEZONE").and_then(|p| {
            let zone = iana(&p.value);
            if zone.is_none() {
                let value = quoted(&p.value);
                tracing::warn!(line = p.line, %value, "X-WR-TIMEZONE is not an IANA zone; ignored");
            }
            zone
        });
        let mut zones = Zones::new(&tree, calendar);
        for component in tree.children(calendar, "VEVENT") {
            let Event {
                draft,
                uid_line,
                occurrence,
                cancelled,
            } = read_event(component, &mut zones, calendar_zone)?;
            let line = component.line;
            if cancelled {
                tracing::debug!(line, uid = %draft.uid, "skipping a cancelled event");
            }
            let series = !occurrence;
            let uid = draft.uid.clone();
            let keep = (!cancelled).then_some(draft);
            match seen.get_mut(&uid) {
                None => {
                    let slot = slots.len();
                    slots.push(keep);
                    seen.insert(
                        uid,
                        Seen {
                            uid_line,
                            series,
                            slot,
                        },
                    );
                }
                Some(first) if first.series && series => {
                    return Err(err(
                        uid_line,
                        IcsProblem::DuplicateUid {
                            uid: quoted(&uid),
                            first_line: first.uid_line,
                        },
                    ));
                }
                Some(first) if series => {
                    // The series comes after one of its changed occurrences: it wins.
                    first.series = true;
                    first.uid_line = uid_line;
                    if let Some(slot) = slots.get_mut(first.slot) {
                        *slot = keep;
                    }
                }
                Some(_) => {
                    tracing::debug!(line, uid = %uid, "skipping a changed occurrence of a series");
                }
            }
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Escapes a TEXT value; drops control characters other than line breaks.
fn escape(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn utc_text(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Appends one content line, folded at 75 octets on character boundaries, with CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > FOLD_AT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// Writes texts as `{NAME};LANGUAGE=xx` for English (or the first language) and
/// `X-ECABOT-{NAME};LANGUAGE=xx` for the others.
fn push_texts(out: &mut String, name: &str, texts: &Texts) {
    let primary = texts
        .exact(Locale::ENGLISH)
        .map(|_| Locale::ENGLISH)
        .or_else(|| texts.iter().next().map(|(l, _)| l));
    if let Some(primary) = primary
        && let Some(text) = texts.exact(primary)
    {
        push_line(out, &format!("{name};LANGUAGE={primary}:{}", escape(text)));
    }
    for (locale, text) in texts.iter().filter(|(l, _)| Some(*l) != primary) {
        push_line(
            out,
            &format!("X-ECABOT-{name};LANGUAGE={locale}:{}", escape(text)),
        );
    }
}

/// Writes calls as a valid iCalendar file (CRLF line ends, lines folded at 75 octets on char boundaries,
/// PRODID "-//European Clusters Alliance//ecabot//EN", VERSION 2.0, CALSCALE GREGORIAN, METHOD PUBLISH,
/// DTSTAMP = `stamp`). `alarms` adds one VALARM (ACTION:DISPLAY, TRIGGER:-PT…M, DESCRIPTION) per lead time.
///
/// `DTSTART` is a call's deadline or an event's start, in UTC. Where the standard properties cannot
/// carry what is stored (a call's start, an event without a start or with a deadline apart from its
/// start, an end before `DTSTART`), `X-ECABOT-START`, `X-ECABOT-DEADLINE` and `X-ECABOT-END` do, so
/// [`parse`] gives the calls back. A call without a title gets its id as `SUMMARY`.
pub fn write(calls: &[Call], stamp: DateTime<Utc>, alarms: &[LeadTime]) -> String {
    let mut out = String::new();
    let stamp = utc_text(stamp);
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!("PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    for call in calls {
        let dtstart = match call.kind {
            CallKind::Call => call.deadline,
            CallKind::Event => call.starts.unwrap_or(call.deadline),
        };
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape(&call.uid)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(&mut out, &format!("DTSTART:{}", utc_text(dtstart)));
        match call.ends {
            Some(end) if end >= dtstart => push_line(&mut out, &format!("DTEND:{}", utc_text(end))),
            Some(end) => push_line(&mut out, &format!("X-ECABOT-END:{}", utc_text(end))),
            None => {}
        }
        match (call.kind, call.starts) {
            (CallKind::Call, Some(start)) => {
                push_line(&mut out, &format!("X-ECABOT-START:{}", utc_text(start)));
            }
            (CallKind::Event, None) => push_line(&mut out, "X-ECABOT-START:"),
            _ => {}
        }
        if call.deadline != dtstart {
            push_line(
                &mut out,
                &format!("X-ECABOT-DEADLINE:{}", utc_text(call.deadline)),
            );
        }
        if call.title.is_empty() {
            push_line(&mut out, &format!("SUMMARY:{}", escape(call.id.as_str())));
        } else {
            push_texts(&mut out, "SUMMARY", &call.title);
        }
        push_texts(&mut out, "DESCRIPTION", &call.description);
        if let Some(location) = &call.location {
            push_line(&mut out, &format!("LOCATION:{}", escape(location)));
        }
        if let Some(url) = &call.url {
            let url: String = url.chars().filter(|c| !c.is_control()).collect();
            push_line(&mut out, &format!("URL:{url}"));
        }
        if !call.categories.is_empty() {
            let list: Vec<String> = call.categories.iter().map(|c| escape(c)).collect();
            push_line(&mut out, &format!("CATEGORIES:{}", list.join(",")));
        }
        push_line(&mut out, &format!("X-ECABOT-ID:{}", call.id));
        push_line(&mut out, &format!("X-ECABOT-KIND:{}", call.kind.as_str()));
        match call.topic {
            Some(topic) => push_line(&mut out, &format!("X-ECABOT-TOPIC:{topic}")),
            // Say "no topic", or the importer would take one from the categories.
            None if call.categories.iter().any(|c| c.parse::<TopicId>().is_ok()) => {
                push_line(&mut out, "X-ECABOT-TOPIC:");
            }
            None => {}
        }
        push_line(&mut out, &format!("X-ECABOT-ZONE:{}", call.zone.name()));
        let alarm_text = escape(call.title(Locale::ENGLISH));
        for lead in alarms {
            push_line(&mut out, "BEGIN:VALARM");
            push_line(&mut out, "ACTION:DISPLAY");
            if call.deadline == dtstart {
                push_line(&mut out, &format!("TRIGGER:-PT{}M", lead.minutes()));
            } else {
                // Reminders count back from the deadline, which is not DTSTART here.
                let at = call
                    .deadline
                    .checked_sub_signed(lead.duration())
                    .unwrap_or(call.deadline);
                push_line(
                    &mut out,
                    &format!("TRIGGER;VALUE=DATE-TIME:{}", utc_text(at)),
                );
            }
            push_line(&mut out, &format!("DESCRIPTION:{alarm_text}"));
            push_line(&mut out, "END:VALARM");
        }
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const GOOD: &[u8] = include_bytes!("../../../../tests/data/ics/eccp-events.ics");

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn fi() -> Locale {
        Locale::parse("fi").unwrap()
    }

    /// A calendar around `body` (LF line ends; CRLF is tested with the fixtures and `write`).
    fn cal(body: &str) -> String {
        format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n")
    }

    /// One event with a UID and a SUMMARY, plus `props`.
    fn event(props: &str) -> String {
        cal(&format!(
            "BEGIN:VEVENT\nUID:u1@test\nSUMMARY:Title\n{props}END:VEVENT\n"
        ))
    }

    fn one(ics: &str) -> CallDraft {
        let mut drafts = parse(ics.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{ics}"));
        assert_eq!(drafts.len(), 1, "{ics}");
        drafts.remove(0)
    }

    fn fails(ics: impl AsRef<[u8]>) -> (usize, IcsProblem) {
        match parse(ics.as_ref()) {
            Ok(drafts) => panic!("parsed: {drafts:?}"),
            Err(e) => (e.line, e.problem),
        }
    }

    // --- lines -----------------------------------------------------------------------------

    #[test]
    fn unfolds_lines_at_the_byte_level() {
        let cases: &[(&[u8], &str)] = &[
            (b"SUMMARY:Hel\r\n lo\r\n\t World", "Hello World"),
            (b"SUMMARY:Hel\n lo\n\t World", "Hello World"),
            // A fold inside the two bytes of "\xC3\xA4" (a-umlaut).
            (b"SUMMARY:P\xC3\r\n \xA4ij\xC3\xA4nne", "P\u{e4}ij\u{e4}nne"),
            // And inside the three bytes of an en dash.
            (b"SUMMARY:A \xE2\x80\n \x93 B", "A \u{2013} B"),
        ];
        for (summary, want) in cases {
            let mut ics = b"\xEF\xBB\xBFBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\n".to_vec();
            ics.extend_from_slice(summary);
            ics.extend_from_slice(
                b"\r\nDTSTART:20270101T100000Z\r\n\r\nEND:VEVENT\r\nEND:VCALENDAR",
            );
            let drafts = parse(&ics).unwrap();
            assert_eq!(drafts[0].title.exact(Locale::ENGLISH), Some(*want));
        }
        // The logical line keeps its first physical line; folds are tracked for errors.
        let raw = unfold(b"A:1\r\n 2\r\n 3\r\nB:4\r\n");
        assert_eq!(raw.len(), 2);
        assert_eq!((raw[0].line, raw[0].bytes.as_slice()), (1, &b"A:123"[..]));
        assert_eq!(raw[0].line_at(4), 3);
        assert_eq!(raw[1].line, 4);
    }

    #[test]
    fn line_errors_name_the_physical_line() {
        // A bad byte on a continuation line is reported there, not where the line starts.
        let ics = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nSUMMARY:ok\n  still ok\n caf\xe9\nEND:VEVENT\nEND:VCALENDAR\n";
        assert_eq!(fails(ics), (6, IcsProblem::NotUtf8));
        assert_eq!(
            fails(" BEGIN:VCALENDAR\n"),
            (1, IcsProblem::StrayContinuation)
        );
        assert_eq!(fails(cal("SUMMARY Tampere\n")), (4, IcsProblem::NoColon));
        assert_eq!(
            fails(cal("SUM MARY:x\n")),
            (
                4,
                IcsProblem::BadName {
                    name: "SUM MARY".into()
                }
            )
        );
        let long = cal(&format!("X-LONG:{}\n", "a".repeat(MAX_LINE_BYTES)));
        assert_eq!(
            fails(long),
            (
                4,
                IcsProblem::LineTooLong {
                    max: MAX_LINE_BYTES
                }
            )
        );
        let huge = vec![b'a'; MAX_BYTES + 1];
        assert_eq!(fails(huge), (1, IcsProblem::TooLarge { max: MAX_BYTES }));
    }

    #[test]
    fn content_lines_and_quoted_parameters() {
        let p = parse_content_line(
            r#"dtstart;tzid="W. Europe; Standard: Time, x";Value=DATE-TIME:20270101T100000"#,
            7,
        )
        .unwrap();
        assert_eq!(p.name, "DTSTART");
        assert_eq!(p.param("TZID"), Some("W. Europe; Standard: Time, x"));
        assert_eq!(p.param("VALUE"), Some("DATE-TIME"));
        assert_eq!(p.value, "20270101T100000");
        assert_eq!(p.line, 7);

        let p = parse_content_line(r#"X-A;M=1,"b,c",d;E=:v:w;x"#, 1).unwrap();
        assert_eq!(
            p.params,
            vec![
                (
                    "M".to_owned(),
                    vec!["1".to_owned(), "b,c".to_owned(), "d".to_owned()]
                ),
                ("E".to_owned(), vec![String::new()]),
            ]
        );
        assert_eq!(p.value, "v:w;x");
        assert_eq!(
            parse_content_line("URL:https://a.b/c", 1).unwrap().value,
            "https://a.b/c"
        );
        assert_eq!(parse_content_line("X-EMPTY:", 1).unwrap().value, "");

        let bad = |param: &str, why| IcsProblem::BadParameter {
            param: param.into(),
            why,
        };
        let cases = [
            ("SUMMARY", IcsProblem::NoColon),
            ("SUMMARY;LANGUAGE=fi", IcsProblem::NoColon),
            (r#"SUMMARY;X="a:b""#, IcsProblem::NoColon),
            (r#"SUMMARY;X="a:b"#, bad("X", "has an unclosed quote")),
            (
                r#"SUMMARY;X="a"b:c"#,
                bad("X", "has text after its closing quote"),
            ),
            ("SUMMARY;LANGUAGE:x", bad("LANGUAGE", "has no '=value'")),
            (
                "SUMMARY;LAN GUAGE=fi:x",
                bad("LAN GUAGE", "is not a parameter name"),
            ),
            (
                ":x",
                IcsProblem::BadName {
                    name: String::new(),
                },
            ),
        ];
        for (line, want) in cases {
            assert_eq!(parse_content_line(line, 1), Err(want), "{line}");
        }
    }

    #[test]
    fn text_values_unescape() {
        for (raw, want) in [
            (r"a\, b\; c\\d", r"a, b; c\d"),
            (r"one\ntwo\Nthree", "one\ntwo\nthree"),
            (r"C:\Users", r"C:\Users"),
            (r"trailing\", r"trailing\"),
            (r"\\n", r"\n"),
        ] {
            assert_eq!(unescape(raw), want, "{raw}");
        }
        assert_eq!(
            split_text_list(r"Call, academy ,a\,b,,x\\"),
            vec!["Call", " academy ", "a,b", "", r"x\"]
        );
        let d = one(&event(
            "DTSTART:20270101T100000Z\nLOCATION:Tampere Hall\\, Yliopistonkatu 55\\, Tampere\nDESCRIPTION:Line one\\nLine two\\; more\n",
        ));
        assert_eq!(
            d.location.as_deref(),
            Some("Tampere Hall, Yliopistonkatu 55, Tampere")
        );
        assert_eq!(
            d.description.exact(Locale::ENGLISH),
            Some("Line one\nLine two; more")
        );
    }

    // --- dates, times and zones -------------------------------------------------------------

    #[test]
    fn every_dtstart_form() {
        let brussels = zone("Europe/Brussels");
        let helsinki = zone("Europe/Helsinki");
        // (calendar X-WR-TIMEZONE, DTSTART line, event start, shown zone)
        let cases = [
            (
                "",
                "DTSTART:20241017T215900Z",
                utc(2024, 10, 17, 21, 59),
                brussels,
            ),
            (
                "Europe/Helsinki",
                "DTSTART:20241017T215900Z",
                utc(2024, 10, 17, 21, 59),
                helsinki,
            ),
            (
                "",
                "DTSTART;TZID=Europe/Brussels:20241017T235900",
                utc(2024, 10, 17, 21, 59),
                brussels,
            ),
            (
                "",
                "DTSTART;TZID=europe/helsinki:20241017T235930",
                utc(2024, 10, 17, 20, 59) + Duration::seconds(30),
                helsinki,
            ),
            (
                "",
                "DTSTART:20241017T2359",
                utc(2024, 10, 17, 21, 59),
                brussels,
            ),
            (
                "",
                "DTSTART:20241017T235900",
                utc(2024, 10, 17, 21, 59),
                brussels,
            ),
            (
                "Europe/Helsinki",
                "DTSTART:20241017T235900",
                utc(2024, 10, 17, 20, 59),
                helsinki,
            ),
            (
                "Not/AZone",
                "DTSTART:20241017T235900",
                utc(2024, 10, 17, 21, 59),
                brussels,
            ),
            (
                "",
                "DTSTART;VALUE=DATE:20241017",
                utc(2024, 10, 16, 22, 0),
                brussels,
            ),
            ("", "DTSTART:20241017", utc(2024, 10, 16, 22, 0), brussels),
            (
                "Europe/Helsinki",
                "DTSTART;VALUE=DATE:20241017",
                utc(2024, 10, 16, 21, 0),
                helsinki,
            ),
            (
                "",
                "DTSTART;VALUE=DATE-TIME:20241017T215900Z",
                utc(2024, 10, 17, 21, 59),
                brussels,
            ),
            (
                "",
                "DTSTART:20241231T235960Z",
                utc(2024, 12, 31, 23, 59) + Duration::seconds(59),
                brussels,
            ),
        ];
        for (calendar_zone, dtstart, start, shown) in cases {
            let header = if calendar_zone.is_empty() {
                String::new()
            } else {
                format!("X-WR-TIMEZONE:{calendar_zone}\n")
            };
            let ics = cal(&format!(
                "{header}BEGIN:VEVENT\nUID:u\nSUMMARY:t\n{dtstart}\nEND:VEVENT\n"
            ));
            let d = one(&ics);
            assert_eq!(d.kind, CallKind::Event);
            assert_eq!(
                (d.deadline, d.starts, d.zone),
                (start, Some(start), shown),
                "{dtstart}"
            );
        }
        // The same date as a call's deadline means 23:59 local time.
        let d = one(&event("DTSTART;VALUE=DATE:20241017\nCATEGORIES:Deadline\n"));
        assert_eq!(
            (d.kind, d.deadline, d.starts),
            (CallKind::Call, utc(2024, 10, 17, 21, 59), None)
        );
    }

    #[test]
    fn bad_dates_and_times() {
        let dt = |v: &str| IcsProblem::BadDateTime {
            property: "DTSTART".into(),
            value: v.into(),
        };
        let cases = [
            ("DTSTART:20241345T120000", dt("20241345T120000")),
            ("DTSTART:20241017T250000", dt("20241017T250000")),
            ("DTSTART:2024-10-17T12:00:00Z", dt("2024-10-17T12:00:00Z")),
            ("DTSTART:20241017T12000", dt("20241017T12000")),
            ("DTSTART:", dt("")),
            ("DTSTART:+0241017T120000", dt("+0241017T120000")),
            ("DTSTART:20241017T120000ZZ", dt("20241017T120000ZZ")),
            (
                "DTSTART;VALUE=DATE:20241017T120000",
                IcsProblem::BadDate {
                    property: "DTSTART".into(),
                    value: "20241017T120000".into(),
                },
            ),
            (
                "DTSTART:20240230",
                IcsProblem::BadDate {
                    property: "DTSTART".into(),
                    value: "20240230".into(),
                },
            ),
            (
                "DTSTART;VALUE=PERIOD:20241017T120000Z/PT1H",
                IcsProblem::UnsupportedValueType {
                    property: "DTSTART".into(),
                    value_type: "PERIOD".into(),
                },
            ),
        ];
        for (line, want) in cases {
            assert_eq!(fails(event(&format!("{line}\n"))), (7, want), "{line}");
        }
        assert_eq!(
            fails(event("DTSTART:20270102T100000Z\nDTEND:20270102T095959Z\n")),
            (8, IcsProblem::EndBeforeStart)
        );
        assert_eq!(fails(event("")), (4, IcsProblem::MissingStart));
    }

    #[test]
    fn daylight_saving_edges_resolve() {
        let at = |local: &str| {
            one(&cal(&format!(
                "X-WR-TIMEZONE:Europe/Helsinki\nBEGIN:VEVENT\nUID:u\nSUMMARY:t\nDTSTART:{local}\nEND:VEVENT\n"
            )))
            .deadline
        };
        // Helsinki springs forward at 03:00 on 28 March 2027: 02:30 still exists (UTC+2) …
        assert_eq!(at("20270328T023000"), utc(2027, 3, 28, 0, 30));
        // … 03:30 does not, and becomes 04:00 local (UTC+3) …
        assert_eq!(at("20270328T033000"), utc(2027, 3, 28, 1, 0));
        // … and 03:30 on 31 October happens twice: the earlier one counts.
        assert_eq!(at("20271031T033000"), utc(2027, 10, 31, 0, 30));
        // The same with a TZID.
        let d = one(&event("DTSTART;TZID=Europe/Helsinki:20270328T033000\n"));
        assert_eq!(d.deadline, utc(2027, 3, 28, 1, 0));
    }

    const FLE: &str = "BEGIN:VTIMEZONE\nTZID:FLE Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T040000\nTZOFFSETFROM:+0300\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0300\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";

    fn with_zone(vtimezone: &str, dtstart: &str) -> Result<CallDraft, IcsError> {
        let ics = cal(&format!(
            "{vtimezone}BEGIN:VEVENT\nUID:u\nSUMMARY:t\n{dtstart}\nEND:VEVENT\n"
        ));
        parse(ics.as_bytes()).map(|mut d| d.remove(0))
    }

    #[test]
    fn time_zone_ids_resolve() {
        let fixed = |tzid: &str, offset: &str| {
            format!(
                "BEGIN:VTIMEZONE\nTZID:{tzid}\nBEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETFROM:{offset}\nTZOFFSETTO:{offset}\nEND:STANDARD\nEND:VTIMEZONE\n"
            )
        };
        let lic = "BEGIN:VTIMEZONE\nTZID:Custom zone\nX-LIC-LOCATION:Europe/Lisbon\nBEGIN:STANDARD\nTZOFFSETTO:+0000\nEND:STANDARD\nBEGIN:DAYLIGHT\nTZOFFSETTO:+0100\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        let outlook_w = "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nTZOFFSETTO:+0100\nEND:STANDARD\nBEGIN:DAYLIGHT\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        let cases: Vec<(String, &str, DateTime<Utc>, &str)> = vec![
            (
                FLE.into(),
                "DTSTART;TZID=\"FLE Standard Time\":20270420T183000",
                utc(2027, 4, 20, 15, 30),
                "Europe/Helsinki",
            ),
            (
                FLE.into(),
                "DTSTART;TZID=FLE Standard Time:20270120T183000",
                utc(2027, 1, 20, 16, 30),
                "Europe/Helsinki",
            ),
            (
                outlook_w.into(),
                "DTSTART;TZID=W. Europe Standard Time:20270701T090000",
                utc(2027, 7, 1, 7, 0),
                "Europe/Berlin",
            ),
            (
                String::new(),
                "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20270701T090000",
                utc(2027, 7, 1, 7, 0),
                "Europe/Berlin",
            ),
            (
                String::new(),
                "DTSTART;TZID=/citadel.org/20190914_1/Europe/Paris:20270101T090000",
                utc(2027, 1, 1, 8, 0),
                "Europe/Paris",
            ),
            (
                String::new(),
                "DTSTART;TZID=/softwarestudio.org/Olson_20011030_5/America/Argentina/Buenos_Aires:20270101T090000",
                utc(2027, 1, 1, 12, 0),
                "America/Argentina/Buenos_Aires",
            ),
            (
                lic.into(),
                "DTSTART;TZID=Custom zone:20270701T090000",
                utc(2027, 7, 1, 8, 0),
                "Europe/Lisbon",
            ),
            (
                fixed("Custom +3", "+0300"),
                "DTSTART;TZID=Custom +3:20270701T090000",
                utc(2027, 7, 1, 6, 0),
                "Etc/GMT-3",
            ),
            (
                fixed("Custom -5", "-0500"),
                "DTSTART;TZID=Custom -5:20270701T090000",
                utc(2027, 7, 1, 14, 0),
                "Etc/GMT+5",
            ),
            (
                fixed("Custom 0", "+0000"),
                "DTSTART;TZID=Custom 0:20270701T090000",
                utc(2027, 7, 1, 9, 0),
                "Etc/GMT",
            ),
            // A date in a zone: midnight there.
            (
                String::new(),
                "DTSTART;TZID=Asia/Tokyo;VALUE=DATE:20270701",
                utc(2027, 6, 30, 15, 0),
                "Asia/Tokyo",
            ),
        ];
        for (vtimezone, dtstart, at, shown) in cases {
            let d = with_zone(&vtimezone, dtstart).unwrap_or_else(|e| panic!("{dtstart}: {e}"));
            assert_eq!((d.deadline, d.zone.name()), (at, shown), "{dtstart}");
        }

        let unknown = |tzid: &str| IcsProblem::UnknownTimeZone { tzid: tzid.into() };
        let unusable = |tzid: &str| IcsProblem::UnusableTimeZone { tzid: tzid.into() };
        let half_hour = fixed("Custom +0530", "+0530");
        let with_daylight = "BEGIN:VTIMEZONE\nTZID:Somewhere\nBEGIN:STANDARD\nTZOFFSETTO:+0100\nEND:STANDARD\nBEGIN:DAYLIGHT\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        let cases: Vec<(String, &str, IcsProblem)> = vec![
            (
                String::new(),
                "DTSTART;TZID=Mars/Olympus_Mons:20270101T100000",
                unknown("Mars/Olympus_Mons"),
            ),
            (
                String::new(),
                "DTSTART;TZID=W. Europe Standard Time:20270101T100000",
                unknown("W. Europe Standard Time"),
            ),
            (
                String::new(),
                "DTSTART;TZID=/mozilla.org/20050126_1/Mars/Base:20270101T100000",
                unknown("/mozilla.org/20050126_1/Mars/Base"),
            ),
            (
                half_hour,
                "DTSTART;TZID=Custom +0530:20270101T100000",
                unusable("Custom +0530"),
            ),
            (
                with_daylight.into(),
                "DTSTART;TZID=Somewhere:20270101T100000",
                unusable("Somewhere"),
            ),
        ];
        for (vtimezone, dtstart, want) in cases {
            let e = with_zone(&vtimezone, dtstart).unwrap_err();
            assert_eq!(e.problem, want, "{dtstart}");
            assert!(e.to_string().contains("unknown time zone"), "{e}");
        }
        // Reported on the line that uses the zone, here the DTEND.
        let e = with_zone(
            "",
            "DTSTART:20270101T100000Z\nDTEND;TZID=Nowhere:20270101T110000",
        )
        .unwrap_err();
        assert_eq!((e.line, e.problem), (8, unknown("Nowhere")));
    }

    #[test]
    fn durations_give_the_end() {
        let cases = [
            (
                "DTSTART:20270101T100000Z\nDURATION:PT1H30M\n",
                utc(2027, 1, 1, 11, 30),
            ),
            (
                "DTSTART:20270101T100000Z\nDURATION:P1W\n",
                utc(2027, 1, 8, 10, 0),
            ),
            (
                "DTSTART;VALUE=DATE:20270420\nDURATION:P2D\n",
                utc(2027, 4, 21, 22, 0),
            ),
            // One nominal day across the spring change stays at 10:00 local.
            (
                "DTSTART;TZID=Europe/Brussels:20270327T100000\nDURATION:P1D\n",
                utc(2027, 3, 28, 8, 0),
            ),
            (
                "DTSTART:20270101T100000Z\nDURATION:+P1DT1S\n",
                utc(2027, 1, 2, 10, 0) + Duration::seconds(1),
            ),
            // DTEND wins over DURATION.
            (
                "DTSTART:20270101T100000Z\nDTEND:20270101T120000Z\nDURATION:PT1H\n",
                utc(2027, 1, 1, 12, 0),
            ),
        ];
        for (props, end) in cases {
            assert_eq!(one(&event(props)).ends, Some(end), "{props}");
        }
        for bad in [
            "-PT1H",
            "P",
            "PT",
            "1H",
            "PT1",
            "P1H",
            "PT1D",
            "P9999999D",
            "P1DT",
        ] {
            assert_eq!(
                fails(event(&format!(
                    "DTSTART:20270101T100000Z\nDURATION:{bad}\n"
                )))
                .1,
                IcsProblem::BadDuration { value: bad.into() },
                "{bad}"
            );
        }
    }

    // --- events -----------------------------------------------------------------------------

    #[test]
    fn kind_and_topic_detection() {
        let academy: TopicId = "academy".parse().unwrap();
        let events: TopicId = "events".parse().unwrap();
        let cases: &[(&str, CallKind, Option<TopicId>)] = &[
            ("", CallKind::Event, None),
            ("CATEGORIES:Call,academy\n", CallKind::Call, Some(academy)),
            ("CATEGORIES:CALL FOR PROPOSALS\n", CallKind::Call, None),
            ("CATEGORIES:Application deadline\n", CallKind::Call, None),
            (
                "CATEGORIES:Webinar\nCATEGORIES:Deadlines\n",
                CallKind::Call,
                None,
            ),
            ("CATEGORIES:Recall,Applicant\n", CallKind::Event, None),
            ("CATEGORIES:Events,Academy\n", CallKind::Event, Some(events)),
            (
                "CATEGORIES:call\nX-ECABOT-KIND:event\n",
                CallKind::Event,
                None,
            ),
            ("X-ECABOT-KIND:Call\n", CallKind::Call, None),
            (
                "CATEGORIES:academy\nX-ECABOT-TOPIC:cluster_organisations\n",
                CallKind::Event,
                Some("cluster-organisations".parse().unwrap()),
            ),
            (
                "CATEGORIES:academy\nX-ECABOT-TOPIC:\n",
                CallKind::Event,
                None,
            ),
        ];
        for (props, kind, topic) in cases {
            let d = one(&event(&format!("DTSTART:20270101T100000Z\n{props}")));
            assert_eq!((d.kind, d.topic), (*kind, *topic), "{props}");
        }
        let d = one(&event(
            "DTSTART:20270101T100000Z\nCATEGORIES: Call , ,academy,CALL\nCATEGORIES:Academy,Tampere\\, Finland\n",
        ));
        assert_eq!(d.categories, vec!["Call", "academy", "Tampere, Finland"]);

        let line8 = |props: &str| fails(event(&format!("DTSTART:20270101T100000Z\n{props}\n")));
        assert_eq!(
            line8("X-ECABOT-KIND:meeting"),
            (
                8,
                IcsProblem::BadKind {
                    value: "meeting".into()
                }
            )
        );
        assert_eq!(
            line8("X-ECABOT-TOPIC:weather"),
            (
                8,
                IcsProblem::BadTopic {
                    value: "weather".into()
                }
            )
        );
        assert_eq!(
            line8("X-ECABOT-ID:Bad Id"),
            (
                8,
                IcsProblem::BadId {
                    value: "Bad Id".into()
                }
            )
        );
        assert_eq!(
            line8("X-ECABOT-ZONE:Mars/Base"),
            (
                8,
                IcsProblem::BadZone {
                    value: "Mars/Base".into()
                }
            )
        );
        assert_eq!(
            line8("SUMMARY;LANGUAGE=12:x"),
            (8, IcsProblem::BadLanguage { tag: "12".into() })
        );
        assert_eq!(
            line8("URL:javascript:alert(1)"),
            (
                8,
                IcsProblem::BadUrl {
                    url: "javascript:alert(1)".into()
                }
            )
        );
        for bad in ["ftp://x", "https://", "https://a b", "//x", "mailto:a@b"] {
            assert!(
                matches!(line8(&format!("URL:{bad}")).1, IcsProblem::BadUrl { .. }),
                "{bad}"
            );
        }
        let d = one(&event(
            "DTSTART:20270101T100000Z\nURL;VALUE=URI:HTTPS://Example.org/a?b=c,d\nX-ECABOT-ID:cba-2027\n",
        ));
        assert_eq!(d.url.as_deref(), Some("HTTPS://Example.org/a?b=c,d"));
        assert_eq!(d.id, Some(CallId::parse("cba-2027").unwrap()));
    }

    #[test]
    fn translations_and_caps() {
        let d = one(&cal(
            "BEGIN:VEVENT\nUID:u\nDTSTART:20270101T100000Z\nSUMMARY:  Hello\u{7}\tworld \nSUMMARY;LANGUAGE=fi-FI:Hei\nX-ECABOT-SUMMARY;LANGUAGE=sv:Hej\nDESCRIPTION;LANGUAGE=fi:Rivi\\nToinen\u{1b}\nX-ECABOT-DESCRIPTION:Line\nEND:VEVENT\n",
        ));
        assert_eq!(d.title.exact(Locale::ENGLISH), Some("Hello world"));
        assert_eq!(d.title.exact(fi()), Some("Hei"));
        assert_eq!(d.title.exact(Locale::parse("sv").unwrap()), Some("Hej"));
        assert_eq!(d.description.exact(fi()), Some("Rivi\nToinen"));
        assert_eq!(d.description.exact(Locale::ENGLISH), Some("Line"));

        let long = |n: usize| "é".repeat(n);
        let d = one(&event(&format!(
            "DTSTART:20270101T100000Z\nX-ECABOT-SUMMARY;LANGUAGE=fi:{}\nDESCRIPTION:{}\nLOCATION:{}\n",
            long(201),
            long(3000),
            long(200)
        )));
        let title = d.title.exact(fi()).unwrap();
        assert_eq!(title.chars().count(), 200);
        assert!(title.ends_with("é…"));
        assert_eq!(
            d.description
                .exact(Locale::ENGLISH)
                .unwrap()
                .chars()
                .count(),
            2000
        );
        assert_eq!(d.location.as_deref(), Some(long(200).as_str()));

        assert_eq!(
            fails(event(
                "DTSTART:20270101T100000Z\nSUMMARY;LANGUAGE=en-GB:Again\n"
            )),
            (
                8,
                IcsProblem::DuplicateTranslation {
                    property: "SUMMARY".into(),
                    language: "en".into(),
                    first_line: 6
                }
            )
        );
        assert_eq!(
            fails(event(
                "DTSTART:20270101T100000Z\nDTSTART:20270101T100000Z\n"
            )),
            (
                8,
                IcsProblem::Repeated {
                    property: "DTSTART".into(),
                    first_line: 7
                }
            )
        );
        // A summary that is empty once cleaned does not count.
        let no_title =
            cal("BEGIN:VEVENT\nUID:u\nSUMMARY: \u{1}\nDTSTART:20270101T100000Z\nEND:VEVENT\n");
        assert_eq!(fails(no_title), (4, IcsProblem::MissingSummary));
        let no_uid = cal("BEGIN:VEVENT\nUID: \nSUMMARY:t\nDTSTART:20270101T100000Z\nEND:VEVENT\n");
        assert_eq!(fails(no_uid), (5, IcsProblem::MissingUid));
    }

    #[test]
    fn structure_errors() {
        let ev = "BEGIN:VEVENT\nUID:u\nSUMMARY:t\nDTSTART:20270101T100000Z\nEND:VEVENT\n";
        let cases: Vec<(String, usize, IcsProblem)> = vec![
            (String::new(), 1, IcsProblem::NoCalendar),
            ("\r\n\r\n".into(), 1, IcsProblem::NoCalendar),
            (
                format!("VERSION:2.0\n{}", cal("")),
                1,
                IcsProblem::OutsideCalendar {
                    what: "VERSION".into(),
                },
            ),
            (
                ev.into(),
                1,
                IcsProblem::OutsideCalendar {
                    what: "BEGIN:VEVENT".into(),
                },
            ),
            (
                cal("END:VEVENT\n"),
                4,
                IcsProblem::EndWithoutBegin {
                    name: "VEVENT".into(),
                },
            ),
            (
                cal("BEGIN:VEVENT\nUID:u\n"),
                6,
                IcsProblem::MismatchedEnd {
                    end: "VCALENDAR".into(),
                    open: "VEVENT".into(),
                    open_line: 4,
                },
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\n".into(),
                2,
                IcsProblem::Unclosed {
                    name: "VEVENT".into(),
                },
            ),
            (
                format!("{}END:VCALENDAR\n", cal("")),
                5,
                IcsProblem::EndWithoutBegin {
                    name: "VCALENDAR".into(),
                },
            ),
            (
                cal("BEGIN:\n"),
                4,
                IcsProblem::NoComponentName { keyword: "BEGIN" },
            ),
        ];
        for (ics, line, problem) in cases {
            assert_eq!(fails(&ics), (line, problem), "{ics}");
        }
    }

    #[test]
    fn skips_what_is_not_an_event() {
        let ics = cal(
            "X-WR-TIMEZONE:Europe/Helsinki\nBEGIN:VTODO\nUID:todo\nSUMMARY:Not imported\nEND:VTODO\nBEGIN:VJOURNAL\nUID:j\nEND:VJOURNAL\nbegin:vevent\nuid:u1\nsummary:kept\ndtstart:20270101T100000Z\nX-UNKNOWN;FOO=bar:whatever\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nDESCRIPTION:not the event description\nEND:VALARM\nend:vevent\nBEGIN:VEVENT\nUID:gone\nSUMMARY:Cancelled\nSTATUS:CANCELLED\nDTSTART:20270101T100000Z\nEND:VEVENT\n",
        );
        let d = one(&ics);
        assert_eq!(d.uid, "u1");
        assert_eq!(d.line, 12);
        assert!(d.description.is_empty());
        assert_eq!(d.zone.name(), "Europe/Helsinki");

        // Two calendars in one file; each keeps its own X-WR-TIMEZONE.
        let two = format!(
            "{}{}",
            cal(
                "X-WR-TIMEZONE:Europe/Helsinki\nBEGIN:VEVENT\nUID:a\nSUMMARY:t\nDTSTART:20270101T100000\nEND:VEVENT\n"
            ),
            cal("BEGIN:VEVENT\nUID:b\nSUMMARY:t\nDTSTART:20270101T100000\nEND:VEVENT\n")
        );
        let drafts = parse(two.as_bytes()).unwrap();
        assert_eq!(drafts[0].deadline, utc(2027, 1, 1, 8, 0));
        assert_eq!(drafts[1].deadline, utc(2027, 1, 1, 9, 0));
        // A UID is unique across the whole file.
        let dup = two.replace("UID:b", "UID:a");
        assert_eq!(
            fails(dup),
            (
                15,
                IcsProblem::DuplicateUid {
                    uid: "a".into(),
                    first_line: 6
                }
            )
        );
    }

    #[test]
    fn recurring_series_count_once() {
        let series = "BEGIN:VEVENT\nUID:s\nSUMMARY:Series\nDTSTART:20270101T100000Z\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n";
        let moved = "BEGIN:VEVENT\nUID:s\nRECURRENCE-ID:20270108T100000Z\nSUMMARY:Moved\nDTSTART:20270109T100000Z\nEND:VEVENT\n";
        for body in [format!("{series}{moved}"), format!("{moved}{series}")] {
            let d = one(&cal(&body));
            assert_eq!(d.title.exact(Locale::ENGLISH), Some("Series"));
        }
        let d = one(&cal(&format!("{moved}{}", moved.replace("0109", "0116"))));
        assert_eq!(d.title.exact(Locale::ENGLISH), Some("Moved"));
    }

    #[test]
    fn event_limit() {
        let ev = "BEGIN:VEVENT\nEND:VEVENT\n".repeat(MAX_EVENTS + 1);
        let (line, problem) = fails(cal(&ev));
        assert_eq!(problem, IcsProblem::TooManyEvents { max: MAX_EVENTS });
        assert_eq!(line, 4 + 2 * MAX_EVENTS);
    }

    // --- fixtures ---------------------------------------------------------------------------

    #[test]
    fn good_fixture() {
        assert!(
            GOOD.windows(2)
                .filter(|w| w[1] == b'\n')
                .all(|w| w[0] == b'\r')
        );
        let drafts = parse(GOOD).unwrap();
        assert_eq!(drafts.len(), 4);
        let brussels = zone("Europe/Brussels");
        let academy: TopicId = "academy".parse().unwrap();
        let events: TopicId = "events".parse().unwrap();

        let cba = &drafts[0];
        assert_eq!(cba.line, 43);
        assert_eq!(cba.uid, "cba-2027-sample@ecabot.example");
        assert_eq!(cba.id, None);
        assert_eq!(cba.kind, CallKind::Call);
        assert_eq!(cba.deadline, utc(2027, 3, 15, 16, 0));
        assert_eq!((cba.starts, cba.ends), (None, None));
        assert_eq!(cba.zone, brussels);
        assert_eq!(cba.topic, Some(academy));
        assert_eq!(cba.categories, vec!["Call", "academy"]);
        assert_eq!(
            cba.title.exact(Locale::ENGLISH),
            Some("Cluster Booster Academy 2027 – call for applications")
        );
        assert_eq!(
            cba.title.exact(fi()),
            Some("Cluster Booster Academy 2027 – hakukierros")
        );
        let fi_text = cba.description.exact(fi()).unwrap();
        assert!(
            fi_text.starts_with("Testimerkintä tuonnin testaamiseen."),
            "{fi_text}"
        );
        assert!(fi_text.contains("kehittämään jäsenilleen"), "{fi_text}");
        assert!(fi_text.contains("koulutusohjelmaan, joka"), "{fi_text}");
        assert!(
            cba.description
                .exact(Locale::ENGLISH)
                .unwrap()
                .contains("apply to a training programme")
        );
        assert_eq!(
            cba.url.as_deref(),
            Some("https://www.clustercollaboration.eu/")
        );
        assert_eq!(cba.location.as_deref(), Some("Online"));

        let cmr = &drafts[1];
        assert_eq!(cmr.line, 70);
        assert_eq!(cmr.kind, CallKind::Event);
        assert_eq!(cmr.deadline, utc(2027, 4, 19, 22, 0));
        assert_eq!(cmr.starts, Some(utc(2027, 4, 19, 22, 0)));
        assert_eq!(cmr.ends, Some(utc(2027, 4, 21, 22, 0)));
        assert_eq!(cmr.zone, brussels);
        assert_eq!(cmr.topic, Some(events));
        assert_eq!(cmr.categories, vec!["Events", "Clusters meet Regions"]);
        assert_eq!(
            cmr.title.exact(fi()),
            Some("Klusterit kohtaavat alueet – Tampere")
        );
        assert_eq!(
            cmr.location.as_deref(),
            Some("Tampere Hall, Yliopistonkatu 55, Tampere, Finland")
        );
        assert!(
            cmr.description
                .exact(fi())
                .unwrap()
                .contains("\nKaksi päivää")
        );

        let dinner = &drafts[2];
        assert_eq!(dinner.line, 89);
        assert_eq!(dinner.kind, CallKind::Event);
        assert_eq!(dinner.deadline, utc(2027, 4, 20, 15, 30));
        assert_eq!(dinner.ends, Some(utc(2027, 4, 20, 18, 30)));
        assert_eq!(dinner.zone.name(), "Europe/Helsinki");
        assert_eq!(
            dinner.title.exact(Locale::ENGLISH),
            Some("Clusters meet Regions – networking dinner")
        );
        assert_eq!(dinner.location.as_deref(), Some("Tampere, Finland"));
        assert_eq!(dinner.topic, None);

        let japan = &drafts[3];
        assert_eq!(japan.line, 103);
        assert_eq!(japan.deadline, utc(2027, 6, 8, 0, 0));
        assert_eq!(japan.ends, Some(utc(2027, 6, 10, 9, 0)));
        assert_eq!(japan.zone, brussels);
        assert_eq!(japan.kind, CallKind::Event);
        assert_eq!(japan.topic, None);
        assert_eq!(japan.location.as_deref(), Some("Tokyo, Japan"));

        for d in &drafts {
            assert!(d.deadline > utc(2027, 1, 1, 0, 0), "{d:?}");
            assert!(
                d.description
                    .exact(
                        d.title
                            .exact(Locale::ENGLISH)
                            .map_or(fi(), |_| Locale::ENGLISH)
                    )
                    .is_some_and(|t| t.contains("Sample entry for testing the import")),
                "{d:?}"
            );
        }
    }

    #[test]
    fn bad_fixtures_fail_on_the_right_line() {
        let cases: Vec<(&[u8], usize, IcsProblem)> = vec![
            (
                include_bytes!("../../../../tests/data/ics/bad-unclosed-event.ics"),
                14,
                IcsProblem::MismatchedEnd {
                    end: "VCALENDAR".into(),
                    open: "VEVENT".into(),
                    open_line: 10,
                },
            ),
            (
                include_bytes!("../../../../tests/data/ics/bad-date.ics"),
                12,
                IcsProblem::BadDateTime {
                    property: "DTSTART".into(),
                    value: "20241345T250000".into(),
                },
            ),
            (
                include_bytes!("../../../../tests/data/ics/bad-missing-uid.ics"),
                10,
                IcsProblem::MissingUid,
            ),
            (
                include_bytes!("../../../../tests/data/ics/bad-unknown-tzid.ics"),
                12,
                IcsProblem::UnknownTimeZone {
                    tzid: "Mars/Olympus_Mons".into(),
                },
            ),
            (
                include_bytes!("../../../../tests/data/ics/bad-no-colon.ics"),
                14,
                IcsProblem::NoColon,
            ),
            (
                include_bytes!("../../../../tests/data/ics/bad-not-utf8.ics"),
                13,
                IcsProblem::NotUtf8,
            ),
            (
                include_bytes!("../../../../tests/data/ics/bad-duplicate-uid.ics"),
                11,
                IcsProblem::DuplicateUid {
                    uid: "ok-1@bad-duplicate-uid.ics".into(),
                    first_line: 5,
                },
            ),
            (
                include_bytes!("../../../../tests/data/ics/bad-url.ics"),
                14,
                IcsProblem::BadUrl {
                    url: "javascript:alert(1)".into(),
                },
            ),
        ];
        for (bytes, line, problem) in cases {
            let e = parse(bytes).unwrap_err();
            assert_eq!((e.line, &e.problem), (line, &problem), "{e}");
            assert!(e.to_string().starts_with(&format!("line {line}: ")), "{e}");
        }
    }

    #[test]
    fn never_panics_on_truncated_or_mangled_input() {
        for end in 0..=GOOD.len() {
            let _ = parse(&GOOD[..end]);
        }
        // Deterministic byte mutations of the good fixture.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let specials = b":;,\"\\\r\n \tZT0-+/=\xC3\xFF";
        for _ in 0..1500 {
            let mut bytes = GOOD.to_vec();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len();
                let with = specials[(next() as usize) % specials.len()];
                match next() % 3 {
                    0 => bytes[at] = with,
                    1 => bytes.insert(at, with),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            let _ = parse(&bytes);
        }
    }

    // --- writing ----------------------------------------------------------------------------

    fn sample_calls() -> Vec<Call> {
        let mut title = Texts::one(
            Locale::ENGLISH,
            "Cluster Booster Academy 2027; call, with \\ odd characters",
        );
        title.set(
            fi(),
            "Cluster Booster Academy 2027 – hakukierros, jossa on pitkä suomenkielinen otsikko äöå",
        );
        let mut description = Texts::one(
            Locale::ENGLISH,
            "Line one\nLine two, with commas; and semicolons.\n\n€ "
                .repeat(12)
                .trim()
                .to_owned(),
        );
        description.set(fi(), "Ääkköset: äöåÄÖÅ ".repeat(20).trim().to_owned());
        let at = utc(2027, 3, 15, 16, 0);
        let call = Call {
            id: CallId::parse("cba-2027").unwrap(),
            uid: "cba-2027@ecabot.example".into(),
            kind: CallKind::Call,
            title,
            description,
            deadline: at,
            zone: zone("Europe/Brussels"),
            starts: None,
            ends: None,
            location: Some("Tampere Hall, Yliopistonkatu 55, Tampere".into()),
            url: Some("https://www.clustercollaboration.eu/".into()),
            topic: Some("academy".parse().unwrap()),
            categories: vec!["Call".into(), "academy".into(), "a,b;c".into()],
            version: 3,
            changed_at: at,
            previous_deadline: None,
        };
        let event = Call {
            id: CallId::parse("cmr-tampere").unwrap(),
            uid: "cmr-tampere@ecabot.example".into(),
            kind: CallKind::Event,
            title: Texts::one(fi(), "Vain suomeksi"),
            description: Texts::new(),
            deadline: utc(2027, 4, 19, 22, 0),
            zone: zone("Europe/Helsinki"),
            starts: Some(utc(2027, 4, 19, 22, 0)),
            ends: Some(utc(2027, 4, 21, 22, 0)),
            location: None,
            url: None,
            topic: None,
            categories: vec!["Events".into()],
            version: 1,
            changed_at: at,
            previous_deadline: None,
        };
        // Odd shapes only the X-ECABOT properties can carry.
        let call_with_window = Call {
            id: CallId::parse("window").unwrap(),
            uid: "window".into(),
            kind: CallKind::Call,
            starts: Some(utc(2027, 1, 1, 9, 0)),
            ends: Some(utc(2027, 2, 1, 9, 0)),
            deadline: utc(2027, 3, 1, 9, 0),
            categories: Vec::new(),
            topic: None,
            ..call.clone()
        };
        let event_without_start = Call {
            id: CallId::parse("no-start").unwrap(),
            uid: "no-start@x".into(),
            starts: None,
            ends: None,
            deadline: utc(2027, 5, 1, 9, 0),
            zone: zone("America/New_York"),
            ..event.clone()
        };
        let event_with_early_deadline = Call {
            id: CallId::parse("register-early").unwrap(),
            uid: "register-early@x".into(),
            deadline: utc(2027, 4, 1, 9, 0),
            ..event.clone()
        };
        vec![
            call,
            event,
            call_with_window,
            event_without_start,
            event_with_early_deadline,
        ]
    }

    #[test]
    fn write_then_parse_gives_the_calls_back() {
        let calls = sample_calls();
        let leads = [
            LeadTime::from_minutes(7 * 1440).unwrap(),
            LeadTime::from_minutes(60).unwrap(),
        ];
        let text = write(&calls, utc(2026, 11, 1, 9, 0), &leads);
        let drafts = parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(drafts.len(), calls.len());
        for (call, d) in calls.iter().zip(&drafts) {
            assert_eq!(d.id.as_ref(), Some(&call.id));
            assert_eq!(d.uid, call.uid);
            assert_eq!(d.kind, call.kind, "{}", call.id);
            assert_eq!(d.title, call.title, "{}", call.id);
            assert_eq!(d.description, call.description, "{}", call.id);
            assert_eq!(d.deadline, call.deadline, "{}", call.id);
            assert_eq!(d.zone, call.zone, "{}", call.id);
            assert_eq!((d.starts, d.ends), (call.starts, call.ends), "{}", call.id);
            assert_eq!(d.location, call.location, "{}", call.id);
            assert_eq!(d.url, call.url, "{}", call.id);
            assert_eq!(d.topic, call.topic, "{}", call.id);
            assert_eq!(d.categories, call.categories, "{}", call.id);
        }
        // An untitled call gets its id as its title.
        let untitled = Call {
            title: Texts::new(),
            ..calls[0].clone()
        };
        let d = parse(write(&[untitled], utc(2026, 11, 1, 9, 0), &[]).as_bytes()).unwrap();
        assert_eq!(d[0].title.exact(Locale::ENGLISH), Some("cba-2027"));
        // An empty feed is still a calendar.
        assert_eq!(
            parse(write(&[], utc(2026, 11, 1, 9, 0), &[]).as_bytes()),
            Ok(Vec::new())
        );
    }

    #[test]
    fn written_files_are_well_formed() {
        let calls = sample_calls();
        let leads = [
            LeadTime::from_minutes(1440).unwrap(),
            LeadTime::from_minutes(30).unwrap(),
        ];
        let text = write(&calls, utc(2026, 11, 1, 9, 0), &leads);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains(['\r', '\n']));
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        let mut depth = Vec::new();
        for line in &lines {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
            if let Some(name) = line.strip_prefix("BEGIN:") {
                depth.push(name);
            } else if let Some(name) = line.strip_prefix("END:") {
                assert_eq!(depth.pop(), Some(name));
            }
        }
        assert!(depth.is_empty());
        // Some lines were folded, some inside multi-byte text.
        assert!(lines.iter().any(|l| l.starts_with(' ')));
        for want in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//European Clusters Alliance//ecabot//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "DTSTAMP:20261101T090000Z",
            "DTSTART:20270315T160000Z",
            "X-ECABOT-KIND:call",
            "X-ECABOT-TOPIC:academy",
            "X-ECABOT-ZONE:Europe/Brussels",
            "TRIGGER:-PT1440M",
            "TRIGGER:-PT30M",
            "ACTION:DISPLAY",
            "CATEGORIES:Call,academy,a\\,b\\;c",
            "SUMMARY;LANGUAGE=fi:Vain suomeksi",
        ] {
            assert!(lines.contains(&want), "no {want} in\n{text}");
        }
        assert_eq!(
            lines.iter().filter(|l| **l == "BEGIN:VALARM").count(),
            2 * calls.len()
        );
        // The reminder of an event whose deadline is not its start counts from the deadline.
        assert!(
            lines.contains(&"TRIGGER;VALUE=DATE-TIME:20270331T090000Z"),
            "{text}"
        );
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY;LANGUAGE=en:Cluster Booster Academy 2027\\; call\\, with \\\\ odd characters\r\n"));
        assert!(
            unfolded.contains(
                "X-ECABOT-SUMMARY;LANGUAGE=fi:Cluster Booster Academy 2027 – hakukierros"
            )
        );
        assert!(unfolded.contains(
            "DESCRIPTION;LANGUAGE=en:Line one\\nLine two\\, with commas\\; and semicolons.\\n\\n€"
        ));
    }

    #[test]
    fn folding_respects_characters() {
        for text in [
            "a".repeat(300),
            "ä".repeat(300),
            "€".repeat(300),
            "𝄞x".repeat(100),
        ] {
            let mut out = String::new();
            push_line(&mut out, &format!("X:{text}"));
            for line in out.split_terminator("\r\n") {
                assert!(line.len() <= FOLD_AT);
            }
            let raw = unfold(out.as_bytes());
            assert_eq!(raw.len(), 1);
            assert_eq!(raw[0].bytes, format!("X:{text}").into_bytes());
        }
    }
}
