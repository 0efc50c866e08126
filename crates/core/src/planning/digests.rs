//! Digest planning: which outbox entries the scheduler writes for each chat's digest, and what
//! a digest holds. Pure functions; `conversation/digest.rs` writes the words.
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
//!   calls closing within [`CLOSING_SOON`]. It is written when it is sent, in the chat's language
//!   and zone of that moment; with nothing new it is not sent at all.
//! - Quiet hours delay a digest until they end.
use crate::model::call::Call;
use crate::model::call::Zone;
use crate::model::chat::ChatPrefs;
use crate::model::chat::ChatRef;
use crate::model::locale::Locale;
use crate::model::news::NewsItem;
use crate::model::outbox::EntryState;
use crate::model::outbox::NewEntry;
use crate::model::outbox::Notice;
use crate::model::outbox::OutboxKey;
use crate::planning::reminders::release;
use chrono::{DateTime, Duration, Utc};

/// How far ahead "closing soon" looks.
pub const CLOSING_SOON: Duration = Duration::days(14);
/// Most news items in one digest, newest first; the rest are counted.
pub const MAX_DIGEST_ITEMS: usize = 40;
/// Items published this long before a digest's window are old news, even when a feed
/// (re)appears with them only now.
pub const OLD_NEWS: Duration = Duration::days(14);

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
pub fn digest_key(chat: &ChatRef, zone: Zone, slot: DateTime<Utc>) -> OutboxKey {
    OutboxKey::Digest {
        chat: chat.clone(),
        date: zone.local(slot).date_naive(),
    }
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
    dismissed: &[crate::model::call::CallId],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::digest_words::DigestRequest;
    use crate::model::chat::{BadDigestPlan, DigestPlan};
    use chrono::TimeZone;
    use chrono::{NaiveTime, Weekday};

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn plan(words: &str) -> Result<DigestPlan, BadDigestPlan> {
        crate::language::digest_words::plan_from_words(
            &words.split_whitespace().collect::<Vec<_>>(),
        )
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
        assert_eq!(entries[0].key.to_string(), "digest:tg:1:2026-11-16");
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
                quiet: Some(crate::model::call::QuietHours::parse("08:00-10:00").unwrap()),
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
